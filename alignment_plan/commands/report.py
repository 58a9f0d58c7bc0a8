"""`alignment-plan report`: publish where plans stand, in the manner of `coverage report`.

Reads the configuration as `check` does (`[tool.alignment-plan]`: paths, rule selection,
`min-status`, `fail-under`, `fail-under-step`; flags override it), runs the checker,
optionally compares with a base JSON report (`--compare`), hands the
result to one reporter (text, Markdown, JSON, total or an HTML site), then applies the
coverage gate shared with `check`. Exit codes: 0 fine, 1 a threshold missed or a finding
at error severity, 2 usage errors, unreadable files or an unusable base report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alignment_plan.nodes import STATUSES

FORMATS = ("text", "markdown", "json", "total", "html")
STEPS = ("feedback_process", "find_and_fix")
DEFAULT_DIRECTORY = "plan-report"


def percentage(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"`{text}` is not between 0 and 100")
    return value


def step_threshold(text: str) -> tuple[str, float]:
    step, sep, value = text.partition("=")
    if not sep or step not in STEPS:
        raise argparse.ArgumentTypeError(f"`{text}` is not STEP=N with STEP one of {', '.join(STEPS)}")
    return step, percentage(value)


def precision(text: str) -> int:
    if not text.isdigit() or int(text) > 10:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number from 0 to 10")
    return int(text)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="coverage report: text, Markdown, JSON, total or an HTML site",
        description=(
            "Report which step owns each failure mode of every plan, which are covered, by what "
            "techniques at what status, and what is still open. Modelled on `coverage report`."
        ),
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: the current directory)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), markdown (for a PR comment or job summary), json, total (just the "
        "percentage, even with --compare) or html (a static site, see -d)",
    )
    parser.add_argument(
        "-d", "--directory", metavar="DIR", help=f"html: write the site here (default: {DEFAULT_DIRECTORY})"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="text, markdown, json, total: write to FILE")
    parser.add_argument(
        "--show-missing", action="store_true", help="add a Missing column: steps lacking a technique, deciding facts"
    )
    parser.add_argument("--skip-covered", action="store_true", help="leave covered failure modes out of the tables")
    parser.add_argument(
        "--precision", type=precision, default=0, metavar="N", help="digits after the decimal point (default: 0)"
    )
    parser.add_argument(
        "--compare", metavar="BASE.json", type=Path, help="add a delta against a JSON report of the base branch"
    )
    parser.add_argument(
        "--fail-under", type=percentage, metavar="N", help="exit 1 when total coverage is below N percent"
    )
    parser.add_argument(
        "--fail-under-step",
        type=step_threshold,
        action="append",
        default=[],
        metavar="STEP=N",
        help="exit 1 when coverage of STEP is below N percent (repeatable)",
    )
    parser.add_argument(
        "--min-status",
        choices=STATUSES,
        help="lowest technique status that counts toward coverage (default: research)",
    )
    parser.add_argument(
        "--config", metavar="FILE", type=Path, help="read this pyproject.toml instead of searching for one"
    )
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("--title", default="Alignment plan coverage", help="html, markdown: the report's title")
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan import config
    from alignment_plan.checker import check_paths, find_root
    from alignment_plan.cli import EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, fail, warn_if_nothing_checked, write_output
    from alignment_plan.gate import coverage_gate

    overrides = {
        "fail-under": args.fail_under,
        "fail-under-step": dict(args.fail_under_step) or None,
        "min-status": args.min_status,
    }
    try:
        settings = config.load_settings(Path.cwd(), overrides, config_file=args.config, isolated=args.isolated)
        options = config.checker_options(settings)
    except config.ConfigError as error:
        return fail(str(error))
    paths = args.paths or [settings.base / p for p in settings["paths"]] or [Path(".")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return fail("no such file or directory: " + ", ".join(f"`{m}`" for m in missing))
    if args.directory is not None and args.format != "html":
        return fail("`-d/--directory` applies to `--format html` only; use `-o FILE` for other formats")
    if args.output is not None and args.format == "html":
        return fail("`--format html` writes a directory; use `-d DIR` instead of `-o`")
    result = check_paths(paths, options, root=find_root(Path.cwd()))
    warn_if_nothing_checked(result.files, paths)
    delta = None
    if args.compare is not None:
        from alignment_plan.compare import BaseReportError, compare_text

        try:
            text = args.compare.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return fail(f"cannot read base report `{args.compare}`: {getattr(error, 'strerror', None) or error}")
        try:
            delta = compare_text(text, result, str(args.compare))
        except BaseReportError as error:
            return fail(f"base report `{args.compare}` is unusable: {error}")

    if args.format == "html":
        from alignment_plan.reporters import html

        directory = Path(args.directory or DEFAULT_DIRECTORY)
        if directory.exists() and not directory.is_dir():
            return fail(f"`{directory}` exists and is not a directory")
        written = html.write_site(result, directory, delta=delta, precision=args.precision, title=args.title)
        print(
            f"wrote HTML report to {directory / 'index.html'} ({len(written)} page{'s' if len(written) != 1 else ''})"
        )
    else:
        write_output(render(args, result, delta), args.output)

    status = EXIT_OK
    if result.file_errors:
        status = EXIT_TROUBLE
    elif result.has_errors:
        count = sum(1 for d in result.diagnostics if d.severity.value == "error")
        print(
            f"alignment-plan: {count} finding{'s' if count != 1 else ''} at error severity; "
            "`alignment-plan check` shows them",
            file=sys.stderr,
        )
        status = EXIT_FINDINGS
    failures = coverage_gate(result.plans, settings["fail-under"], settings["fail-under-step"])
    for failure in failures:
        print(f"alignment-plan: {failure.message()}", file=sys.stderr)
    if failures and status == EXIT_OK:
        status = EXIT_FINDINGS
    return status


def render(args, result, delta) -> str:
    if args.format == "total":
        from alignment_plan.reporters.report_text import render_total

        return render_total(result, args.precision)
    if args.format == "json":
        from alignment_plan.reporters.json_report import render_report

        return render_report(result, delta)
    if args.format == "markdown":
        from alignment_plan.reporters import markdown

        return markdown.render(
            result,
            precision=args.precision,
            show_missing=args.show_missing,
            skip_covered=args.skip_covered,
            delta=delta,
            title=args.title,
        )
    from alignment_plan.reporters import report_text

    return report_text.render(
        result, precision=args.precision, show_missing=args.show_missing, skip_covered=args.skip_covered, delta=delta
    )
