"""`alignment-plan report`: publish where plans stand, in the manner of `coverage report`.

Opens the project as `check` does (same configuration, files, flags, baseline and gate),
optionally compares with a base JSON report (`--compare`), and hands the result to one
reporter (text, Markdown, JSON, total or an HTML site). Exit codes as `console.exit_code`;
2 also for an unusable base report.
"""

from __future__ import annotations

from pathlib import Path

from alignment_plan.commands.options import add_paths_argument, add_project_arguments

FORMATS = ("text", "markdown", "json", "total", "html")
EXPLAINED = ("markdown", "json", "html")  # the formats that show why each owner is what it is
DEFAULT_DIRECTORY = "plan-report"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="coverage report: text, Markdown, JSON, total or an HTML site",
        description=(
            "Report which step owns each failure mode of every plan, which are covered, by what "
            "techniques at what status, and what is still open. Modelled on `coverage report`."
        ),
    )
    add_paths_argument(parser)
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
        "--compare", metavar="BASE.json", type=Path, help="add a delta against a JSON report of the base branch"
    )
    parser.add_argument("--title", default="Alignment plan coverage", help="html, markdown: the report's title")
    add_project_arguments(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from alignment_plan.commands.console import exit_code, fail, inputs_of, note, warn_if_nothing_checked, write_output
    from alignment_plan.commands.options import open_project
    from alignment_plan.project.project import ProjectError

    if args.directory is not None and args.format != "html":
        return fail("`-d/--directory` applies to `--format html` only; use `-o FILE` for other formats")
    if args.output is not None and args.format == "html":
        return fail("`--format html` writes a directory; use `-d DIR` instead of `-o`")
    try:
        project = open_project(args).explaining(args.format in EXPLAINED)
        run = project.run(args.paths, dependents=not args.no_dependents)
    except ProjectError as error:
        return fail(str(error))
    result, precision = run.result, project.settings.precision
    inputs = inputs_of(run, args) + ([args.compare] if args.compare is not None else [])
    warn_if_nothing_checked(result.files, args.paths or project.roots())
    for message in run.notes:
        note(message)
    delta = None
    if args.compare is not None:
        from alignment_plan.project.compare import BaseReportError, compare_text

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
        written = html.write_site(result, directory, delta=delta, precision=precision, title=args.title, inputs=inputs)
        print(
            f"wrote HTML report to {directory / 'index.html'} ({len(written)} page{'s' if len(written) != 1 else ''})"
        )
    else:
        write_output(render(args, result, delta, precision), args.output, inputs)

    if result.has_errors and not result.file_errors:
        count = sum(1 for d in result.diagnostics if d.severity.value == "error")
        note(f"{count} finding{'s' if count != 1 else ''} at error severity; `alignment-plan check` shows them")
    for failure in run.gate:
        note(failure.message(precision))
    return exit_code(result, run.gate)


def render(args, result, delta, precision: int) -> str:
    if args.format == "total":
        from alignment_plan.reporters.report_text import render_total

        return render_total(result, precision)
    if args.format == "json":
        from alignment_plan.reporters.json_report import render_report

        return render_report(result, delta)
    if args.format == "markdown":
        from alignment_plan.reporters import markdown

        return markdown.render(
            result,
            precision=precision,
            show_missing=args.show_missing,
            skip_covered=args.skip_covered,
            delta=delta,
            title=args.title,
        )
    from alignment_plan.reporters import report_text

    return report_text.render(
        result, precision=precision, show_missing=args.show_missing, skip_covered=args.skip_covered, delta=delta
    )
