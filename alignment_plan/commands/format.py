"""`alignment-plan format`: rewrite plan files in the one canonical layout.

Selects files as `check` does (paths, `exclude`, the configuration), formats each with
`syntax.formatter.format_source` and replaces the changed ones atomically (a temporary
file in the same directory, renamed over the old one; the file's mode and line endings
are kept). `--check` lists the files that would change, `--diff` prints what would
change; `-` formats standard input to standard output. A file with syntax errors is
never rewritten: its errors are shown as `check` shows them.

Exit codes: 2 when a file has syntax errors or cannot be read or written (and for usage
and configuration errors); else 1 when `--check` or `--diff` found a file to change;
else 0.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from alignment_plan.text import printable
from alignment_plan.commands.options import add_paths_argument, add_project_arguments

STDIN = "<stdin>"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "format",
        help="rewrite plan files in the canonical layout",
        description=(
            "Rewrite plan files in the canonical layout (indentation, spacing, blank lines, string escapes); "
            "comments and the order of everything are kept. `-` formats standard input to standard output."
        ),
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; list the files that would change and exit 1 if any would"
    )
    parser.add_argument(
        "--diff", action="store_true", help="change nothing; print a unified diff of the changes and exit 1 if any"
    )
    add_project_arguments(parser, gate=False)
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_TROUBLE, fail

    if any(str(path) == "-" for path in args.paths):
        if len(args.paths) > 1:
            return fail("`-` (standard input) cannot be combined with other paths")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as error:
            return fail(f"cannot read standard input: {error}")
        return _format_stdin(text, args)
    from alignment_plan.commands.console import warn_if_nothing_checked
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError

    try:
        project = open_project(args)
        roots = project.roots(args.paths)
        workspace = project.workspace()
        files = project.select(roots, workspace, named=bool(args.paths), dependents=False)
    except ProjectError as error:
        return fail(str(error))
    warn_if_nothing_checked(files, args.paths or roots)
    tally = _Tally()
    for path in files:
        _format_file(path, workspace.display(path), args, tally, workspace)
    tally.report(args.check or args.diff)
    if tally.troubled:
        return EXIT_TROUBLE
    return _exit_for_changes(bool(tally.changed), args)


class _Tally:
    def __init__(self):
        self.changed: list[str] = []
        self.unchanged = 0
        self.troubled = 0

    def report(self, dry_run: bool) -> None:
        from alignment_plan.commands.console import note

        parts = []
        if self.changed or not self.unchanged:
            verb = "would be reformatted" if dry_run else "reformatted"
            parts.append(f"{_files(len(self.changed))} {verb}")
        if self.unchanged:
            parts.append(f"{_files(self.unchanged)} {'already formatted' if dry_run else 'left unchanged'}")
        if self.troubled:
            parts.append(f"{_files(self.troubled)} not formatted (errors above)")
        note(", ".join(parts))


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _exit_for_changes(changed: bool, args) -> int:
    from alignment_plan.commands.console import EXIT_FINDINGS, EXIT_OK

    return EXIT_FINDINGS if changed and (args.check or args.diff) else EXIT_OK


def _format_file(path: Path, shown: str, args, tally: _Tally, workspace) -> None:
    from alignment_plan.commands.console import fail
    from alignment_plan.syntax.formatter import format_source

    # Read as `check` reads: a regular file inside the project root, within the size limit.
    original = workspace.source(path)
    if original is None:
        fail(f"cannot read `{shown}`: {workspace.read_errors[workspace.key(path)]}")
        tally.troubled += 1
        return
    # The file's own line endings are kept: a checkout with CRLF stays CRLF.
    crlf = "\r\n" in original[: original.find("\n") + 1]
    formatted = format_source(original.replace("\r\n", "\n") if crlf else original, shown)
    if formatted.text is None:
        _show_errors(formatted.diagnostics, original)
        tally.troubled += 1
        return
    text = formatted.text.replace("\n", "\r\n") if crlf else formatted.text
    if text == original:
        tally.unchanged += 1
        return
    tally.changed.append(shown)
    if args.diff:
        sys.stdout.write(unified_diff(original, text, shown))
    elif args.check:
        print(f"would reformat: {shown}")
    else:
        from alignment_plan.commands.console import OutputError, write_file

        try:
            # Through a link to the file it names: the link stays a link.
            write_file(path.resolve(), text)
        except OutputError as error:
            fail(str(error))
            tally.changed.pop()
            tally.troubled += 1


def _format_stdin(text: str, args) -> int:
    from alignment_plan.commands.console import EXIT_TROUBLE
    from alignment_plan.syntax.formatter import format_source

    formatted = format_source(text, STDIN)
    if formatted.text is None:
        _show_errors(formatted.diagnostics, text)
        return EXIT_TROUBLE
    changed = formatted.text != text
    if args.diff:
        sys.stdout.write(unified_diff(text, formatted.text, STDIN))
    elif args.check:
        if changed:
            print(f"would reformat: {STDIN}")
    else:
        sys.stdout.write(formatted.text)
    return _exit_for_changes(changed, args)


def _show_errors(diagnostics, text: str) -> None:
    from alignment_plan.reporters.text import render_diagnostics
    from alignment_plan.text import split_lines

    sys.stderr.write(render_diagnostics(diagnostics, tuple(split_lines(text)), color=sys.stderr.isatty()))


def unified_diff(before: str, after: str, shown: str) -> str:
    """`diff -u` of two texts of the file `shown`, marking a last line without a newline.

    Lines end at `\n` only, as the parser counts them; control, bidi and invisible
    characters in a line are printed as escapes (`\x1b`, `\u202e`), so a diff shown in a
    terminal or a CI log cannot carry terminal sequences or forge a workflow command."""
    lines = difflib.unified_diff(
        _lines(before),
        _lines(after),
        f"{printable(shown)}\t(original)",
        f"{printable(shown)}\t(formatted)",
    )
    out = []
    for line in lines:
        ended = line.endswith("\n")
        body = "\t".join(printable(part) for part in (line[:-1] if ended else line).split("\t"))
        out.append(body + "\n" if ended else body + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
