"""Project layer: which plan files a run reads.

Consumes the paths a user named (or the configured `paths`) and the settings; produces the
sorted list of files: directories searched for `.plan` files less what is excluded, named
files kept unless `force-exclude` says otherwise, and, for named files, the plans under the
configured paths that import one of them (so a change to a shared catalog cannot break a
plan unseen).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.paths import resolved

PLAN_SUFFIX = ".plan"
_PATH_IMPORT = re.compile(r'\buse\s+"')


def collect_files(
    paths: Iterable[Path], exclude: Callable[[Path, Path], bool] = lambda path, within: False
) -> list[Path]:
    """Plan files under `paths`, sorted; a file named explicitly is always kept.

    `exclude(file, directory)` says whether a file found under a named directory is left out."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [p for p in sorted(path.rglob(f"*{PLAN_SUFFIX}")) if p.is_file() and not exclude(p, path)]
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(str(resolved(path)), path)
    # Sorted by resolved path, so the order of arguments never changes the output.
    return [unique[key] for key in sorted(unique)]


def importers(
    workspace: Workspace, named: Sequence[Path], under: Iterable[Path], exclude: Callable[[Path, Path], bool]
) -> list[Path]:
    """Plan files under `under` whose import closure contains one of the `named` files."""
    targets = {workspace.display(path) for path in named}
    found = []
    for path in collect_files([d for d in under if d.is_dir()], exclude):
        # Read as every plan file is read: inside the root, regular files only. A file that
        # cannot be read imports nothing; it is reported only when it is checked.
        text = workspace.source(path)
        if text is None:
            continue
        # Only a file that imports by path can depend on a named file; reading is cheap,
        # parsing and resolving every plan of a large project is not.
        if not _PATH_IMPORT.search(text):
            continue
        from alignment_plan.analysis.resolver import resolve  # only for a project with path imports

        module = workspace.module(path)
        if module is None or module.path in targets:
            continue
        if targets & {imported.path for imported in resolve(workspace, module).modules}:
            found.append(path)
    return found
