"""Command line: `alignment-plan COMMAND …`.

Each command lives in `alignment_plan.commands.<name>` with `register(subparsers)`; the
heavy stages are imported only inside the command that runs, so start-up stays fast.
Exit codes: 0 clean, 1 findings at error severity, 2 usage, I/O or internal errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from alignment_plan import __version__

COMMANDS = ("check", "classify", "report", "catalog", "rule", "config")
EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_TROUBLE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="alignment-plan",
        description="Check AI-alignment plans: which step owns each failure mode, and is it covered?",
    )
    parser.add_argument("--version", action="version", version=f"alignment-plan {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"alignment_plan.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"alignment_plan.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def write_output(text: str, path: str | None) -> None:
    """Write to `path` (exactly as given) or to standard output."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def warn_if_nothing_checked(files, paths) -> None:
    """Like ruff: an empty run succeeds, but says so on standard error."""
    if not files:
        where = ", ".join(f"`{p}`" for p in paths)
        print(f"alignment-plan: warning: no `.plan` files found under {where}", file=sys.stderr)


def fail(message: str) -> int:
    print(f"alignment-plan: error: {message}", file=sys.stderr)
    return EXIT_TROUBLE


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else EXIT_TROUBLE
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`| head`); silence the flush at exit.
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        return fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "))
    except Exception as error:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("ALIGNMENT_PLAN_DEBUG"):
            raise
        print(
            f"alignment-plan: internal error ({type(error).__name__}: {error}); this is a bug, "
            "please report it with the command and files that caused it "
            "(ALIGNMENT_PLAN_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_TROUBLE
