"""`alignment-plan check`: find problems and compute owners and coverage.

Reads the configuration (`[tool.alignment-plan]`, overridden by flags), runs the checker,
takes out what the baseline records, renders one format, and applies the coverage gate.
Exit codes: 0 clean, 1 a finding at error severity or a missed coverage threshold (0 with
`--exit-zero`), 2 usage, configuration, I/O or internal errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alignment_plan.commands.config import add_config_arguments, settings_from

LINE_FORMATS = ("text", "concise")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check plan files: findings, owners and coverage",
        description="Check plan files: report findings, and for every plan which step owns each failure mode and whether it is covered.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: `paths` from the configuration, else the current directory)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour text output")
    parser.add_argument("--no-plans", action="store_true", help="text output: findings only, no ownership tables")
    parser.add_argument("--statistics", action="store_true", help="print how many findings each rule reports, not the findings")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with error findings or a missed coverage threshold")
    parser.add_argument("--update-baseline", action="store_true", help="rewrite the --baseline file with today's findings")
    parser.add_argument(
        "--no-dependents",
        action="store_true",
        help="check only the files named, not also the plans that import them",
    )
    add_config_arguments(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan import config
    from alignment_plan.checker import check_paths, find_root
    from alignment_plan.cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, fail, warn_if_nothing_checked, write_output
    from alignment_plan.gate import coverage_gate

    try:
        settings = settings_from(args)
        config.checker_options(settings)  # validates selectors and severities before any work
    except config.ConfigError as error:
        return fail(str(error))
    fmt = settings["format"]
    if args.statistics and fmt not in LINE_FORMATS:
        return fail(f"`--statistics` prints a table; it cannot be combined with `--format {fmt}`")
    if args.update_baseline and not settings["baseline"]:
        return fail("`--update-baseline` needs a baseline file: `--baseline FILE` or `baseline` in the configuration")

    configured = [settings.base / p for p in settings["paths"]]
    paths = args.paths or configured or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return fail("no such file or directory: " + ", ".join(f"`{m}`" for m in missing))
    if settings["force-exclude"]:
        paths = [p for p in paths if not settings.excluded(p)]
    root = find_root(Path.cwd())
    named = [p for p in paths if not p.is_dir()]
    under = tuple(p for p in configured if p.is_dir()) or (root,)
    options = config.checker_options(settings, dependents_under=under if named and not args.no_dependents else ())
    result = check_paths(paths, options, root=root)
    warn_if_nothing_checked(result.files, paths)

    if settings["baseline"]:
        from alignment_plan.baseline import BaselineError

        try:
            result = with_baseline(result, settings, args.update_baseline)
        except BaselineError as error:
            return fail(str(error))

    failures = coverage_gate(result.plans, settings["fail-under"], settings["fail-under-step"])
    gate_messages = tuple(failure.message() for failure in failures)
    write_output(_render(fmt, args, result, gate_messages), args.output)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from alignment_plan.reporters import github

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(github.render_summary(result, gate_messages))
    for message in gate_messages:
        print(f"alignment-plan: {message}", file=sys.stderr)

    if result.file_errors:
        return EXIT_TROUBLE
    failing = result.has_errors or bool(failures)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


def with_baseline(result, settings, update: bool):
    """`result` less what the baseline records; records it first when asked or missing."""
    from alignment_plan.baseline import apply_baseline, read_baseline, stale, write_baseline

    where = Path(settings["baseline"])
    if settings.sources["baseline"] != "command line":
        where = settings.base / where
    if update or not where.exists():
        count = write_baseline(result, where)
        print(f"alignment-plan: recorded {count} finding{'s' if count != 1 else ''} in baseline `{where}`; "
              "later runs report only new ones", file=sys.stderr)
        return apply_baseline(result, read_baseline(where))
    recorded = read_baseline(where)
    fixed = stale(recorded, result)
    if fixed:
        print(f"alignment-plan: {fixed} finding{'s' if fixed != 1 else ''} recorded in `{where}` "
              f"no longer occur{'s' if fixed == 1 else ''}; `--update-baseline` drops {'it' if fixed == 1 else 'them'}",
              file=sys.stderr)
    return apply_baseline(result, recorded)


def _render(fmt: str, args, result, gate_messages: tuple[str, ...]) -> str:
    if args.statistics:
        from alignment_plan.reporters import concise

        return concise.render_statistics(result)
    if fmt == "text":
        from alignment_plan.reporters import text as text_report

        color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty())
        return text_report.render(result, color=color, show_plans=not args.no_plans)
    if fmt == "concise":
        from alignment_plan.reporters import concise

        return concise.render(result)
    if fmt == "json":
        from alignment_plan.reporters import json_report

        return json_report.render(result)
    if fmt == "github":
        from alignment_plan.reporters import github

        return github.render(result, gate_messages)
    if fmt == "sarif":
        from alignment_plan.reporters import sarif

        return sarif.render(result)
    from alignment_plan.reporters import junit

    return junit.render(result)
