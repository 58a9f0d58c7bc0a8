"""Reporters stage, the edge: put rendered text where the user asked, safely.

Consumes text that is already rendered (a report, or every page of a site) and writes
it. Each file goes to a temporary name in its own directory and is then renamed over the
target, so a crash leaves the old file whole, never an empty or half-written one. A
symbolic link is never written through: renaming replaces the link itself, so a
committed `report.json -> ../elsewhere` cannot redirect a write. An existing file keeps
its permission bits. Nothing is written over a file the run read (`check -o a.plan
a.plan`). Problems raise `OutputError` with a one-line message for the user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path


class OutputError(Exception):
    """An output that cannot be written as asked; the message is one line for the user."""


def write_file(path: Path, text: str | bytes, inputs: Iterable[Path] = ()) -> None:
    """`text` as UTF-8 (or bytes as they are) in `path`, atomically; refuses a target that
    is one of `inputs`."""
    # Before touching anything. A file name that is not UTF-8 reaches the text as lone
    # surrogates; they are written as `\udcff` (in JSON, the escape of that code point).
    data = text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")
    _refuse_inputs([path], inputs)
    _replace(path, data)


def write_pages(directory: Path, pages: Mapping[str, str], inputs: Iterable[Path] = ()) -> list[Path]:
    """Every page (file name to text) into `directory`, created if needed; the paths written.

    The directory itself may be a link the user named; inside it nothing is followed."""
    encoded = {name: text.encode("utf-8", "backslashreplace") for name, text in pages.items()}
    _ensure_directory(directory)
    targets = [directory / name for name in encoded]
    _refuse_inputs(targets, inputs)
    for target, data in zip(targets, encoded.values()):
        _replace(target, data)
    return targets


def _ensure_directory(directory: Path) -> None:
    if directory.is_dir():
        return
    if directory.is_symlink():
        raise OutputError(
            f"`{directory}` is a symbolic link to `{os.readlink(directory)}`, which does not exist; "
            "remove the link or create its target"
        )
    if directory.exists():
        raise OutputError(f"`{directory}` exists and is not a directory")
    try:
        directory.mkdir(parents=True)
    except OSError as error:
        raise OutputError(f"cannot create directory `{directory}`: {error.strerror or error}") from None


def _identities(path: Path) -> set:
    """What names `path`: its directory (links resolved) and name, and the file it is, if any."""
    found: set = {(os.path.realpath(path.parent), path.name)}
    try:
        info = path.stat()
    except (OSError, ValueError):
        return found
    found.add((info.st_dev, info.st_ino))
    real = Path(os.path.realpath(path))
    found.add((str(real.parent), real.name))
    return found


def _refuse_inputs(targets: Iterable[Path], inputs: Iterable[Path]) -> None:
    read = set().union(*(_identities(Path(p)) for p in inputs))
    for target in targets:
        own = {(os.path.realpath(target.parent), target.name)}
        try:
            info = target.lstat()
        except (OSError, ValueError):
            info = None
        if info is not None and not stat.S_ISLNK(info.st_mode):
            own.add((info.st_dev, info.st_ino))
        if own & read:
            raise OutputError(f"refusing to write to `{target}`: it is an input of this run")


def _replace(target: Path, data: bytes) -> None:
    """Write `data` to a new file beside `target`, then rename it over `target`."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputError(f"cannot write `{target}`: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write `{target}`: it is a directory")
    keep = stat.S_IMODE(info.st_mode) if info is not None and stat.S_ISREG(info.st_mode) else None
    temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
    try:
        # O_EXCL never opens an existing name, link or not; new files get 0o666 less the umask.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o666)
    except OSError as error:
        raise OutputError(f"cannot write `{target}`: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if keep is not None:
                os.chmod(temporary, keep)
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write `{target}`: {error.strerror or error}") from None
        raise
