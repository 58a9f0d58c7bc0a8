"""LSP, state: the editor's buffers, and each document's analysis by the checker.

Consumes the text of open documents (by resolved path) and the project configuration;
produces an `Analysis` per document: the findings `check` would report on the buffer's
text (`check_module` with the project's options) and the context the rules read (scope,
plan analyses), so that hover, definition and completion answer from the same data the
diagnostics came from. Files that are not open are read from disk.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from alignment_plan.analysis.workspace import STD_DISPLAY_PATH, Workspace
from alignment_plan.checker.check import check_module
from alignment_plan.diagnostics import Diagnostic
from alignment_plan.lsp.positions import lines_of
from alignment_plan.paths import packaged, read_source
from alignment_plan.project.project import Project, ProjectError
from alignment_plan.rules.context import ModuleContext
from alignment_plan.syntax import nodes


def std_path() -> Path | None:
    """The installed `std` catalog as a file an editor can open, when it is one."""
    return packaged("catalog/std.plan")


@attrs.frozen
class Analysis:
    """One document as the checker saw it."""

    path: Path
    text: str
    context: ModuleContext
    diagnostics: tuple[Diagnostic, ...]  # empty for a file the configuration excludes
    workspace: Workspace
    project: Project

    @property
    def module(self) -> nodes.Module:
        return self.context.module

    @property
    def scope(self):
        return self.context.scope

    def lines(self, display: str | None = None) -> list[str]:
        """The lines of the document, or of another loaded file by its display path."""
        if display is None or display == self.module.path:
            return lines_of(self.text)
        return self.workspace.source_lines(display)

    def file_of(self, display: str) -> Path | None:
        """The file a span's display path stands for."""
        if display == STD_DISPLAY_PATH:
            return std_path()
        path = Path(display)
        return path if path.is_absolute() else self.project.root / path


class Session:
    """The open documents and the projects they belong to."""

    def __init__(self) -> None:
        self.buffers: dict[Path, str] = {}
        self.generation = 0  # bumped on every edit: an analysis may read any open buffer
        self._analyses: dict[Path, tuple[int, Analysis]] = {}
        self.problems: list[str] = []  # configuration errors, for the client to show

    def update(self, path: Path, text: str | None) -> None:
        """The buffer of `path` now holds `text` (None: closed, read from disk again)."""
        key = path.resolve()
        if text is None:
            self.buffers.pop(key, None)
            self._analyses.pop(key, None)
        else:
            self.buffers[key] = text
        self.generation += 1

    def read(self, path: Path) -> str:
        """An open document's buffer, else the file as `check` would read it: a regular file
        (a FIFO never blocks the server), within the size limit, no NUL in its path."""
        text = self.buffers.get(path.resolve())
        return text if text is not None else read_source(path, None)

    def project_for(self, path: Path) -> Project:
        """The project around `path`, as `check` run from its directory would open it; on a
        configuration error, the defaults (and the error kept for the client)."""
        try:
            return Project.open(path.parent)
        except ProjectError as error:
            if str(error) not in self.problems:
                self.problems.append(str(error))
            return Project.open(path.parent, isolated=True)

    def analysis(self, path: Path) -> Analysis | None:
        """The document checked as it is now (cached until the next edit of any buffer);
        None when it cannot be read."""
        key = path.resolve()
        cached = self._analyses.get(key)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        project = self.project_for(key)
        workspace = Workspace(project.root, read=self.read)
        module = workspace.module(key)
        if module is None:
            return None
        found, _, context = check_module(workspace, module, project.options([key], workspace))
        analysis = Analysis(
            path=key,
            text=self.read(key),
            context=context,
            diagnostics=() if project.settings.excluded(key) else tuple(found),
            workspace=workspace,
            project=project,
        )
        self._analyses[key] = (self.generation, analysis)
        return analysis
