"""`alignment-plan check`: find problems and compute owners and coverage."""

from __future__ import annotations

import sys
from pathlib import Path

from alignment_plan.nodes import STATUSES

FORMATS = ("text", "json")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check plan files: findings, owners and coverage",
        description="Check plan files: report findings, and for every plan which step owns each failure mode and whether it is covered.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: the current directory)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--min-status",
        choices=STATUSES,
        default="research",
        help="lowest technique status that counts toward coverage (default: research)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour text output")
    parser.add_argument("--no-plans", action="store_true", help="text output: findings only, no ownership tables")
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.checker import Options, check_paths
    from alignment_plan.cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, fail, write_output

    paths = args.paths or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return fail("no such file or directory: " + ", ".join(f"`{m}`" for m in missing))
    result = check_paths(paths, Options(threshold=args.min_status))
    if args.format == "json":
        from alignment_plan.reporters import json_report

        text = json_report.render(result)
    else:
        from alignment_plan.reporters import text as text_report

        color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty())
        text = text_report.render(result, color=color, show_plans=not args.no_plans)
    write_output(text, args.output)
    if result.file_errors:
        return EXIT_TROUBLE
    return EXIT_FINDINGS if result.has_errors else EXIT_OK
