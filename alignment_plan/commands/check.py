"""`alignment-plan check`: find problems and compute owners and coverage.

Opens the project (`[tool.alignment-plan]`, overridden by flags), runs the checker with the
baseline and the coverage gate, and renders one format. Exit codes as `console.exit_code`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from alignment_plan.commands.options import add_paths_argument, add_project_arguments
from alignment_plan.project.settings import FORMATS

LINE_FORMATS = ("text", "concise")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check plan files: findings, owners and coverage",
        description="Check plan files: report findings, and for every plan which step owns each failure mode and whether it is covered.",
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--format",
        dest="config_format",
        choices=FORMATS,
        help="output format (default: text; github inside GitHub Actions)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour text output")
    parser.add_argument("--no-plans", action="store_true", help="text output: findings only, no ownership tables")
    parser.add_argument("--statistics", action="store_true", help="print how many findings each rule reports, not the findings")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with error findings or a missed coverage threshold")
    parser.add_argument("--update-baseline", action="store_true", help="rewrite the --baseline file with today's findings")
    add_project_arguments(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import exit_code, fail, inputs_of, note, warn_if_nothing_checked, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError

    try:
        project = open_project(args)
        fmt = project.settings.format
        if args.statistics and fmt not in LINE_FORMATS:
            return fail(f"`--statistics` prints a table; it cannot be combined with `--format {fmt}`")
        project = project.explaining(fmt == "json" and not args.statistics)  # the one format that shows them
        run = project.run(args.paths, dependents=not args.no_dependents, update_baseline=args.update_baseline)
    except ProjectError as error:
        return fail(str(error))
    warn_if_nothing_checked(run.result.files, args.paths or project.roots())
    for message in run.notes:
        note(message)
    precision = project.settings.precision
    gate_messages = tuple(failure.message(precision) for failure in run.gate)
    write_output(_render(fmt, args, run.result, gate_messages, precision), args.output, inputs_of(run, args))
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from alignment_plan.reporters import github

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(github.render_summary(run.result, gate_messages, precision))
    for message in gate_messages:
        note(message)
    return exit_code(run.result, run.gate, args.exit_zero)


def _render(fmt: str, args, result, gate_messages: tuple[str, ...], precision: int) -> str | Iterable[str]:
    if args.statistics:
        from alignment_plan.reporters import concise

        return concise.render_statistics(result)
    if fmt == "text":
        from alignment_plan.reporters import text as text_report

        color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty())
        return text_report.render(result, color=color, show_plans=not args.no_plans, precision=precision)
    if fmt == "concise":
        from alignment_plan.reporters import concise

        return concise.render(result)
    if fmt == "json":
        from alignment_plan.reporters import json_report

        return json_report.chunks(result)
    if fmt == "github":
        from alignment_plan.reporters import github

        return github.render(result, gate_messages)
    if fmt == "sarif":
        from alignment_plan.reporters import sarif

        return sarif.render(result)
    from alignment_plan.reporters import junit

    return junit.render(result)
