"""Text reporter: diagnostics with source lines and carets (rustc/ruff style), then one
ownership table per plan and a summary line.

Every string that came from a user (paths, messages quoting input, source lines) is made
`printable`, so a file name cannot start a line a CI runner reads as a command, and a
finding quotes a window of its line, the first `QUOTES_PER_LINE` findings of a line only:
output stays linear in the input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.reporters import wording
from alignment_plan.results.coverage import DEFAULT_PRECISION
from alignment_plan.results.model import CheckResult, PlanResult
from alignment_plan.text import QUOTES_PER_LINE, excerpt, printable

_COLORS = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text


def render_diagnostic(diagnostic: Diagnostic, lines: tuple[str, ...], style: _Style, quote: bool = True) -> list[str]:
    """One finding: head, location, the part of its line around the span with carets under
    it (unless `quote` is False), notes and help. User text is made `printable`."""
    span = diagnostic.span
    head = style(f"{diagnostic.severity.value}[{diagnostic.code}]", _COLORS[diagnostic.severity])
    out = [f"{head}: {printable(diagnostic.message)}", f" --> {printable(span.file)}:{span.line}:{span.column}"]
    if quote and 0 < span.line <= len(lines):
        text = lines[span.line - 1].expandtabs(1)
        gutter = " " * len(str(span.line))
        end = span.end_column if span.end_line == span.line else len(text) + 1
        before, marked, after = excerpt(text, span.column - 1, end - 1)
        out += [
            f"{gutter} |",
            f"{span.line} | {before}{marked}{after}",
            f"{gutter} | " + " " * len(before) + style("^" * max(1, len(marked)), _COLORS[diagnostic.severity]),
        ]
    for related in diagnostic.related:
        where = f"{printable(related.span.file)}:{related.span.line}:{related.span.column}"
        out.append(f"  = note: {printable(related.message)}: {where}")
    if diagnostic.help:
        out.append(f"  = help: {printable(diagnostic.help)}")
    return out + [""]


def render_diagnostics(diagnostics, lines: tuple[str, ...], color: bool = False) -> str:
    """Diagnostics of one file whose text is `lines`, as `render` shows them."""
    style = _Style(color)
    return "".join(line + "\n" for diagnostic in diagnostics for line in render_diagnostic(diagnostic, lines, style))


def render_plan(plan: PlanResult, show_missing: bool = True, precision: int = DEFAULT_PRECISION) -> list[str]:
    bindings = ", ".join(f"{slot} = {definition}" for slot, definition in plan.bindings) or "no bindings"
    out = [f"plan {plan.name} ({printable(plan.file)}:{plan.line}): {bindings}"]
    rows = [("failure mode", "owner", "covered", "covered by")]
    for fm in plan.failure_modes:
        rows.append((fm.name, wording.owner(fm), wording.cover_word(fm), wording.covered_by(fm)))
    rows.append(("TOTAL", "", f"{plan.covered}/{plan.total}", plan.coverage.display(precision)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        if index in (1, len(rows) - 1):
            out.append("  " + "  ".join("-" * w for w in widths))
        out.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    if plan.coverage_by_status:
        out.append("  coverage by status: " + wording.by_status(plan))
    if show_missing:
        for fm in plan.failure_modes:
            if fm.depends_on:
                line = f"  {fm.name}: owner depends on " + ", ".join(fm.depends_on)
                if fm.owner_probabilities:
                    line += "; under the priors: " + ", ".join(f"{o} {p:.4g}" for o, p in fm.owner_probabilities)
                out.append(line)
    return out + [""]


def summary_line(result: CheckResult) -> str:
    counts = {severity: 0 for severity in Severity}
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity] += 1
    parts = [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    ]
    files = len(result.files)
    line = f"checked {files} file{'s' if files != 1 else ''}: " + ", ".join(parts)
    if result.file_errors:
        line += f"; {len(result.file_errors)} unreadable"
    return line


def render(
    result: CheckResult, color: bool = False, show_plans: bool = True, precision: int = DEFAULT_PRECISION
) -> str:
    return "".join(chunks(result, color, show_plans, precision))


def chunks(
    result: CheckResult, color: bool = False, show_plans: bool = True, precision: int = DEFAULT_PRECISION
) -> Iterator[str]:
    """The text of `render`, in pieces of about `_CHUNK` lines: `check` writes each as it
    comes, so the report of 1000 plans is never held whole (4 MB of text, and its lines)."""
    batch: list[str] = []
    for lines in _blocks(result, _Style(color), show_plans, precision):
        batch += lines
        if len(batch) >= _CHUNK:
            yield "".join(line + "\n" for line in batch)
            batch.clear()
    if batch:
        yield "".join(line + "\n" for line in batch)


def _blocks(result: CheckResult, style: _Style, show_plans: bool, precision: int) -> Iterator[list[str]]:
    """The report's lines, a block at a time: unreadable files, findings, plans, summary."""
    for error in result.file_errors:
        yield [style("error", "1;31") + f": cannot read `{printable(error.file)}`: {printable(error.message)}", ""]
    quoted: Counter = Counter()  # findings quoted per (file, line)
    for diagnostic in result.diagnostics:
        where = (diagnostic.span.file, diagnostic.span.line)
        quoted[where] += 1
        lines = result.source_lines(diagnostic.span.file)
        yield render_diagnostic(diagnostic, lines, style, quote=quoted[where] <= QUOTES_PER_LINE)
    if show_plans:
        for plan in result.plans:
            yield render_plan(plan, precision=precision)
    yield [summary_line(result)]


_CHUNK = 2000
