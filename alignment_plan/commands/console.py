"""What every command shares at its edge: exit codes, messages on standard error, and
writing the output.

Exit codes: 0 clean, 1 findings at error severity or a missed coverage threshold, 2 usage,
configuration, I/O or internal errors. `exit_code` is the one place a result becomes one.
Messages are made `printable` (user input may hold control characters) and are one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# `OutputError` is raised by `write_output`; `cli.main` imports it from here and catches it.
from alignment_plan.reporters.output import OutputError, write_file  # noqa: F401

from alignment_plan.text import printable

EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


def fail(message: str) -> int:
    """Say what went wrong on standard error, on one line; the exit code for it."""
    print(f"alignment-plan: error: {printable(message)}", file=sys.stderr)
    return EXIT_TROUBLE


def note(message: str) -> None:
    print(said(message), file=sys.stderr)


def said(message: str) -> str:
    """The line `note` prints for `message`."""
    return f"alignment-plan: {printable(message)}"


def write_output(text: str | bytes | Iterable[str], path: str | None, inputs: Iterable[Path | str] = ()) -> None:
    """Write to standard output as `text` comes (it may come in pieces), or to `path`
    (exactly as given) atomically and never over one of `inputs`; raises `OutputError`,
    which `cli.main` turns into exit code 2. Bytes are UTF-8 already (a replayed run)."""
    if isinstance(text, bytes):
        if path is None or path == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            write_file(Path(path), text, [Path(p) for p in inputs])
        return
    pieces = (text,) if isinstance(text, str) else text
    if path is None or path == "-":
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    write_file(Path(path), "".join(pieces), [Path(p) for p in inputs])


def inputs_of(run, args) -> list[Path]:
    """What a run read, and every path the command line named: never to be written over."""
    return [*run.inputs, *getattr(args, "paths", ()), *([args.config] if getattr(args, "config", None) else [])]


def warn_if_nothing_checked(files: Sequence[str], paths: Sequence) -> None:
    """Like ruff: an empty run succeeds, but says so on standard error."""
    warning = nothing_checked(files, paths)
    if warning is not None:
        print(warning, file=sys.stderr)


def nothing_checked(files: Sequence[str], paths: Sequence) -> str | None:
    """The line `warn_if_nothing_checked` prints, if any."""
    if files:
        return None
    where = printable(", ".join(f"`{p}`" for p in paths))
    return f"alignment-plan: warning: no `.plan` files found under {where}"


def exit_code(result, gate_failures: Sequence = (), exit_zero: bool = False) -> int:
    """2 when a file could not be read; 1 for an error finding or a missed threshold (0 with
    `--exit-zero`); else 0."""
    if result.file_errors:
        return EXIT_TROUBLE
    failing = result.has_errors or bool(gate_failures)
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_OK
