"""Analysis stage, its input: the workspace, which reads the files a run needs and parses them.

Consumes paths (the files named, and what they import); produces each file's text, read
once and confined to the project root (`paths.read_source`), and its parsed `Module`,
parsed once; `std` comes from the package. Parsing, and with it lark, is imported only
when a file is first parsed, and the syntax nodes only by the parser: a run served from
the result cache reads files through the workspace and never loads either.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from alignment_plan.paths import UnreadableSource, package_text, read_source, relative_posix, resolved
from alignment_plan.text import split_lines

if TYPE_CHECKING:
    from alignment_plan.syntax import nodes

STD_DISPLAY_PATH = "<std>"


def std_text() -> str:
    return package_text("catalog/std.plan")


class Workspace:
    """Loads and caches modules by resolved path; std is loaded from the package.

    Every file is read through `read` (by default `paths.read_source`: a regular file
    inside the root or a place `allow`ed, within the size limit), once."""

    def __init__(self, root: Path, read: Callable[[Path], str] | None = None):
        self.root = root.resolve()
        self._allowed: tuple[Path, ...] = (self.root,)
        self._read = read or (lambda path: read_source(path, self._allowed))
        self._modules: dict[str, nodes.Module] = {}
        self._raw: dict[str, str] = {}  # by resolved path
        self._texts: dict[str, str] = {}  # by display path: each file is read once
        self._states: dict[str, str] = {}  # `state` by resolved path
        self.read_errors: dict[str, str] = {}
        self._touched: set[str] | None = None
        # Memos of what is a function of declarations alone, shared by every module checked
        # in this workspace (see `checker.explain.Explainer`); keys hold their objects.
        self.shared: dict = {}

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        """The resolved paths of every file asked for inside the block, read or not."""
        outer, self._touched = self._touched, set()
        try:
            yield self._touched
        finally:
            if outer is not None:
                outer |= self._touched
            self._touched = outer

    def display(self, path: Path) -> str:
        """Project-relative POSIX path when inside the root, else absolute."""
        return relative_posix(path, self.root)

    def allow(self, path: Path) -> None:
        """Also read below `path` (a file or directory named on the command line) when the
        path as named lies outside the root: the user pointed there, no link inside the
        project does. A link inside the project that leads out is still refused."""
        named = Path(os.path.abspath(path))
        if not named.is_relative_to(self.root):
            self._allowed += (resolved(path),)

    @staticmethod
    def key(path: Path) -> str:
        """The key of `path` in `read_errors`: its resolved path."""
        return str(resolved(path))

    def source(self, path: Path) -> str | None:
        """The text of `path`, or None when it cannot be read (the reason is in `read_errors`)."""
        key = self.key(path)
        if key not in self._raw and key not in self.read_errors:
            try:
                self._raw[key] = self._read(path)
            except (OSError, UnicodeDecodeError, UnreadableSource) as error:
                self.read_errors[key] = _describe_os_error(error)
        return self._raw.get(key)

    def state(self, key: str) -> str:
        """How this workspace saw the file at resolved path `key`: a digest of the text it
        read, or why it could not read it. A result is recorded with the states of the files
        it was checked from: the same file read later, or by another process, may differ."""
        found = self._states.get(key)
        if found is None:
            text = self.source(Path(key))
            if text is None:
                found = "unreadable:" + self.read_errors.get(key, "")
            else:
                found = "text:" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
            self._states[key] = found
        return found

    def module(self, path: Path) -> nodes.Module | None:
        key = self.key(path)
        if self._touched is not None:
            self._touched.add(key)
        if key not in self._modules:
            text = self.source(path)
            if text is None:
                return None
            from alignment_plan.syntax.parser import parse_module  # lark only when parsing

            display = self.display(path)
            self._texts[display] = text
            self._modules[key] = parse_module(display, text)
        return self._modules[key]

    def files_read(self) -> list[Path]:
        """Every file this workspace read or tried to read, links resolved (not the bundled std)."""
        keys = dict.fromkeys((*self._raw, *self._modules, *self.read_errors))
        return [Path(key) for key in keys if key != STD_DISPLAY_PATH]

    def std(self) -> nodes.Module:
        if STD_DISPLAY_PATH not in self._modules:
            from alignment_plan.syntax.parser import parse_module

            self._modules[STD_DISPLAY_PATH] = parse_module(STD_DISPLAY_PATH, std_text())
        return self._modules[STD_DISPLAY_PATH]

    def source_lines(self, display_path: str) -> list[str]:
        """The lines of a loaded file by display path, as it was read when parsed."""
        if display_path == STD_DISPLAY_PATH:
            return split_lines(std_text())
        return split_lines(self._texts.get(display_path, ""))


def _describe_os_error(error: Exception) -> str:
    if isinstance(error, UnreadableSource):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return "file is not valid UTF-8"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return os.strerror(error.errno) if getattr(error, "errno", None) else str(error)
