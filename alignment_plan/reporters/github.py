"""GitHub Actions reporter: workflow-command annotations grouped per file, and a Markdown
job summary.

Annotations show on the pull request's diff, but GitHub keeps only the first few of each
severity per step; the summary (appended to the file `GITHUB_STEP_SUMMARY` names) lists
every finding, so nothing is lost in a large change.
"""

from __future__ import annotations

from itertools import groupby

from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.reporters.text import summary_line
from alignment_plan.results.coverage import DEFAULT_PRECISION
from alignment_plan.results.model import CheckResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# GitHub shows at most this many annotations of each type per step.
ANNOTATIONS_PER_STEP = 10


def escape_data(text: str) -> str:
    """Escape a workflow command's message (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (`file=…`, `title=…`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties = {
        "file": span.file,
        "line": str(span.line),
        "endLine": str(span.end_line),
        "col": str(span.column),
        "endColumn": str(span.end_column),
        "title": f"{diagnostic.code} {diagnostic.rule}",
    }
    if span.end_line != span.line:  # columns only mean something on a single line
        del properties["col"], properties["endColumn"]
    message = diagnostic.message + (f"\n\nhelp: {diagnostic.help}" if diagnostic.help else "")
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[diagnostic.severity]} {listed}::{escape_data(message)}"


def render(result: CheckResult, gate_failures: tuple[str, ...] = ()) -> str:
    """Annotations, one `::group::` per file, then gate failures and the summary line."""
    out = []
    for error in result.file_errors:
        out.append(f"::error file={escape_property(error.file)},title=unreadable file::{escape_data(error.message)}")
    for file, found in groupby(result.diagnostics, key=lambda d: d.span.file):
        found = list(found)
        out.append(f"::group::{escape_data(file)} ({len(found)} finding{'s' if len(found) != 1 else ''})")
        out += [annotation(d) for d in found]
        out.append("::endgroup::")
    for message in gate_failures:
        out.append(f"::error title=coverage gate::{escape_data(message)}")
    counts = {s: sum(d.severity is s for d in result.diagnostics) for s in Severity}
    if any(n > ANNOTATIONS_PER_STEP for n in counts.values()):
        out.append(
            f"::notice title=more findings than annotations::{escape_data(summary_line(result))}; GitHub shows "
            f"{ANNOTATIONS_PER_STEP} annotations of each severity per step, the job summary lists them all"
        )
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_summary(result: CheckResult, gate_failures: tuple[str, ...] = (), precision: int = DEFAULT_PRECISION) -> str:
    """The job summary: counts, every finding, coverage per plan, gate failures."""
    out = ["## alignment-plan", "", summary_line(result), ""]
    if result.suppressed or result.baselined:
        out += [f"{result.suppressed} suppressed by comments, {result.baselined} recorded in the baseline.", ""]
    if gate_failures:
        out += ["### Coverage gate failed", ""] + [f"- {_cell(m)}" for m in gate_failures] + [""]
    if result.file_errors:
        out += ["### Unreadable files", ""] + [f"- `{_cell(e.file)}`: {_cell(e.message)}" for e in result.file_errors] + [""]
    if result.diagnostics:
        out += ["### Findings", "", "| location | severity | rule | message |", "|---|---|---|---|"]
        for d in result.diagnostics:
            out.append(
                f"| `{_cell(d.span.file)}:{d.span.line}:{d.span.column}` | {d.severity.value} | "
                f"{d.code} {d.rule} | {_cell(d.message)} |"
            )
        out.append("")
    if result.plans:
        out += ["### Coverage", "", "| plan | file | covered | uncovered |", "|---|---|---|---|"]
        for plan in result.plans:
            uncovered = [fm.name for fm in plan.failure_modes if fm.out_of_scope is None and not fm.covered]
            out.append(
                f"| {_cell(plan.name)} | `{_cell(plan.file)}` | {plan.covered}/{plan.total} ({plan.coverage.display(precision)}) | "
                f"{_cell(', '.join(uncovered)) or '-'} |"
            )
        out.append("")
    return "\n".join(out) + "\n"
