"""`alignment-plan explain FILE PLAN FAILURE_MODE`: why a failure mode has its owner and coverage.

Checks FILE as `check` does (same configuration and threshold), finds the plan and the
failure mode, and prints the derivation: the lens and the rule that fired, the binding
and its definition, the story with the assumptions substituted in, what is left over the
unknown facts, the truth table of the deciding facts, and which techniques count.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from alignment_plan.commands.options import add_project_arguments


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="why a failure mode of a plan has its owner and coverage, step by step",
        description=(
            "Show the derivation of one failure mode's owner and coverage in one plan: the lens and the "
            "rule that fired, the binding and its formula, the story and the assumptions, what is left over "
            "the unknown facts, each completion of the deciding facts with its owner, and which techniques count."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the plan file")
    parser.add_argument("plan", metavar="PLAN", help="the plan's name")
    parser.add_argument("failure_mode", metavar="FAILURE_MODE", help="a failure mode the plan considers")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    add_project_arguments(parser, gate=False)
    parser.set_defaults(run=run)


def _choices(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none"


def _unknown(what: str, name: str, names: list[str], where: str) -> str:
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; {where}: {_choices(names)}"
    return f"no {what} `{name}`{hint}"


def run(args) -> int:
    from alignment_plan.commands.console import EXIT_OK, fail, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError
    from alignment_plan.reporters import explain as report

    if not args.file.is_file():
        return fail(f"`{args.file}` is not a file")
    try:
        project = open_project(args)
        result = project.check([args.file], dependents=False)
    except ProjectError as error:
        return fail(str(error))
    if result.file_errors:
        return fail(f"cannot read `{result.file_errors[0].file}`: {result.file_errors[0].message}")
    plans = [plan for plan in result.plans if plan.name == args.plan]
    if not plans:
        return fail(_unknown("plan", args.plan, [p.name for p in result.plans], f"the plans in `{args.file}` are"))
    failure_modes = {fm.name: fm for fm in plans[0].failure_modes}
    found = failure_modes.get(args.failure_mode)
    if found is None or found.explanation is None:
        return fail(
            _unknown("failure mode", args.failure_mode, list(failure_modes), f"plan `{args.plan}` considers")
        )
    text = report.render_json(found.explanation) if args.format == "json" else report.render_text(found.explanation)
    write_output(text, args.output)
    return EXIT_OK
