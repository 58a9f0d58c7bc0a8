"""How a path is shown and matched, and how a plan file is read.

Part of the lowest layer: the workspace that reads files, the settings that match
exclusion patterns and every result use this one definition. A repository is untrusted
input (`check` runs on pull requests from strangers), so a source file is read only when
it is a regular file inside the project root after links are resolved, and not larger
than `MAX_SOURCE_BYTES`; anything else is refused with a reason that quotes nothing of it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# The largest plan file read: the biggest generated benchmark input is 6.4 MB, real plans
# are a few KB. Parsing runs at about 0.5 MB/s, so this bounds a check to seconds per file.
MAX_SOURCE_BYTES = 8 * 1024 * 1024


# The package's own directory: the files it ships (`catalog/std.plan`, the grammar) are read
# from here, without importing `importlib.resources` (and `zipfile`) at every start-up.
PACKAGE = Path(__file__).parent


def packaged(relative: str) -> Path | None:
    """A file the package ships (`catalog/std.plan`), where it is a file on disk (every
    install but one from a zip archive)."""
    path = PACKAGE / relative
    return path if path.is_file() else None


def package_text(relative: str) -> str:
    """The text of a file the package ships, read from disk, or through `importlib.resources`
    where the package is not a directory."""
    path = packaged(relative)
    if path is not None:
        return path.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files(__package__).joinpath(relative).read_text(encoding="utf-8")


class UnreadableSource(Exception):
    """A file that is not read; the message says why in a few words (`is outside the project root`)."""


# Paths resolved so far, while `resolving_once` is in force (None: not remembered).
_resolved: dict[Path, Path] | None = None


@contextlib.contextmanager
def resolving_once() -> Iterator[None]:
    """Inside the block, each path's links are resolved once and remembered: a one-shot
    command asks for the same files again and again (to select, show, key and read them),
    and the links do not change under it. A long-lived process (the language server)
    never uses it."""
    global _resolved
    outer, _resolved = _resolved, ({} if _resolved is None else _resolved)
    try:
        yield
    finally:
        _resolved = outer


def resolved(path: Path) -> Path:
    """`path` with links resolved; absolute but unresolved when it cannot be resolved
    (a NUL character, a loop of links)."""
    if _resolved is not None:
        found = _resolved.get(path)
        if found is None:
            found = _resolved[path] = _resolve(path)
        return found
    return _resolve(path)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def relative_posix(path: Path, root: Path) -> str:
    """`path` as a POSIX path relative to `root` (already resolved) when inside it, else absolute.

    A link inside the root that points outside it is shown where it is, not where it points."""
    target = resolved(path)
    text, base = str(target), str(root)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep:  # inside: no pathlib needed
        return text[len(base) + 1 :].replace(os.sep, "/")
    for candidate in (target, Path(os.path.abspath(path))):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return target.as_posix()


def byte_size(count: int) -> str:
    """`8 MiB` for whole mebibytes, else `1000 bytes`."""
    return f"{count // (1 << 20)} MiB" if count and count % (1 << 20) == 0 else f"{count} bytes"


def read_source(path: Path, roots: tuple[Path, ...] | None, limit: int | None = None) -> str:
    """The text of the plan file `path`; raises `UnreadableSource` or `OSError`.

    Refused: a path with a NUL character, a file outside every one of `roots` (resolved
    directories) after resolving links (unless `roots` is None), anything but a regular file (a FIFO is opened without blocking
    and refused), a file larger than `limit` bytes, and text that is not UTF-8. A UTF-8
    byte-order mark is dropped, as Python does for source files.
    """
    limit = MAX_SOURCE_BYTES if limit is None else limit
    if "\0" in str(path):
        raise UnreadableSource("path contains a NUL character")
    target = resolved(path)
    if roots is not None and not any(target.is_relative_to(root) for root in roots):
        raise UnreadableSource("resolves to a file outside the project root")
    descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableSource("is a directory")
        if not stat.S_ISREG(mode):
            raise UnreadableSource("is not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit:
        raise UnreadableSource(f"is larger than {byte_size(limit)}, the limit for a plan file")
    try:
        return b"".join(chunks).decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise UnreadableSource("file is not valid UTF-8") from None


# The result cache's folder under a project root (`project.cache`); never searched for plans.
CACHE_DIRECTORY = ".alignment-plan-cache"
