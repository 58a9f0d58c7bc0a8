"""`alignment-plan check`: find problems and compute owners and coverage.

Opens the project (`[tool.alignment-plan]`, overridden by flags), runs the checker with the
baseline and the coverage gate, and renders one format. Exit codes as `console.exit_code`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

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
    from alignment_plan.commands.console import EXIT_TROUBLE, exit_code, fail, inputs_of, nothing_checked, said, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError

    try:
        project = open_project(args)
        fmt = project.settings.format
        if args.statistics and fmt not in LINE_FORMATS:
            return fail(f"`--statistics` prints a table; it cannot be combined with `--format {fmt}`")
        project = project.explaining(fmt == "json" and not args.statistics)  # the one format that shows them
        color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty())
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if fmt == "github" else None
        workspace = project.workspace()
        # Everything but the files and the settings that decides what this run writes.
        rendering = (
            "check",
            f"statistics={args.statistics}",
            f"plans={not args.no_plans}",
            f"color={color}",
            f"exit-zero={args.exit_zero}",
            f"summary={summary_file is not None}",
            f"named={[str(path) for path in args.paths]}",
        )
        selection = project.selection(args.paths, dependents=not args.no_dependents, workspace=workspace)
        outputs = None
        if not args.update_baseline:
            outputs = project.outputs(selection, rendering=rendering, workspace=workspace)
        replay = outputs.replay() if outputs is not None else None
        if replay is not None:
            return _replay(replay, args, summary_file)
        run = project.run(
            args.paths,
            update_baseline=args.update_baseline,
            workspace=workspace,
            selection=selection,
            baseline=outputs.baseline if outputs is not None else None,
        )
    except ProjectError as error:
        return fail(str(error))
    warning = nothing_checked(run.result.files, args.paths or project.roots())
    before = ([warning] if warning is not None else []) + [said(message) for message in run.notes]
    for line in before:
        print(line, file=sys.stderr)
    precision = project.settings.precision
    gate_messages = tuple(failure.message(precision) for failure in run.gate)
    inputs = inputs_of(run, args)
    output = _render(fmt, args, run.result, gate_messages, precision, color)
    try:
        write_output(outputs.record(output) if outputs is not None else output, args.output, inputs)
    except BaseException:
        if outputs is not None:
            outputs.forget()
        raise
    summary = None
    if summary_file:
        from alignment_plan.reporters import github

        summary = github.render_summary(run.result, gate_messages, precision)
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(summary)
    after = [said(message) for message in gate_messages]
    for line in after:
        print(line, file=sys.stderr)
    code = exit_code(run.result, run.gate, args.exit_zero)
    if outputs is not None:
        if code == EXIT_TROUBLE:  # a file could not be read or checked: nothing to replay
            outputs.forget()
        else:
            outputs.remember(
                dependencies=run.dependencies,
                before=before,
                after=after,
                exit=code,
                summary=summary,
                inputs=[str(path) for path in inputs],
            )
    return code


def _replay(replay, args, summary_file: str | None) -> int:
    """Write again what a recorded run with the same files, settings and flags wrote."""
    from alignment_plan.commands.console import write_output

    for line in replay.before:
        print(line, file=sys.stderr)
    write_output(replay.output, args.output, [Path(path) for path in replay.inputs])
    if summary_file and replay.summary is not None:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(replay.summary)
    for line in replay.after:
        print(line, file=sys.stderr)
    return replay.exit


def _render(fmt: str, args, result, gate_messages: tuple[str, ...], precision: int, color: bool) -> str | Iterable[str]:
    if args.statistics:
        from alignment_plan.reporters import concise

        return concise.render_statistics(result)
    if fmt == "text":
        from alignment_plan.reporters import text as text_report

        return text_report.chunks(result, color=color, show_plans=not args.no_plans, precision=precision)
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
