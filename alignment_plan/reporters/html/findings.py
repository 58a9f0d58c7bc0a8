"""HTML report: findings with their source lines, for a plan page (those inside the plan,
then the rest of its file) and for the index (files without plans)."""

from __future__ import annotations

from collections import Counter

from alignment_plan.diagnostics import Diagnostic
from alignment_plan.reporters.html.markup import code, e, with_code
from alignment_plan.results.model import CheckResult, PlanResult
from alignment_plan.text import QUOTES_PER_LINE, excerpt


def finding_html(diagnostic: Diagnostic, lines: tuple[str, ...], quote: bool = True) -> str:
    span = diagnostic.span
    severity = diagnostic.severity.value
    out = [
        (
            f'<li><p><span class="sev sev-{severity}">{severity}</span> <code>{e(diagnostic.code)}</code> '
            f"{e(diagnostic.rule)}: {with_code(diagnostic.message)} "
            f'<span class="note">at {e(span.file)}:{span.line}:{span.column}</span></p>'
        )
    ]
    if quote and 0 < span.line <= len(lines):
        text = lines[span.line - 1]
        end = span.end_column if span.end_line == span.line else len(text) + 1
        start = max(span.column - 1, 0)
        before, inside, after = excerpt(text, start, max(end - 1, start + 1))
        marked = e(before) + "<mark>" + e(inside) + "</mark>" + e(after)
        out.append(
            f'<pre class="source" aria-label="line {span.line} of {e(span.file)}"><code>{span.line} | {marked}</code></pre>'
        )
    for related in diagnostic.related:
        out.append(
            f'<p class="note">note: {with_code(related.message)} at {e(related.span.file)}:{related.span.line}</p>'
        )
    if diagnostic.help:
        out.append(f"<p>help: {with_code(diagnostic.help)}</p>")
    return "".join(out) + "</li>"


def findings_html(result: CheckResult, file: str, found: list[Diagnostic] | None = None) -> str:
    found = [d for d in result.diagnostics if d.span.file == file] if found is None else found
    if not found:
        return f"<p>No findings in {code(file)}.</p>"
    lines = result.source_lines(file)
    quoted: Counter = Counter()  # findings quoted per line: the first QUOTES_PER_LINE only
    items = []
    for d in found:
        quoted[d.span.line] += 1
        items.append(finding_html(d, lines, quote=quoted[d.span.line] <= QUOTES_PER_LINE))
    return f'<ol class="findings">{"".join(items)}</ol>'


def plan_findings(result: CheckResult, plan: PlanResult) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The findings of `plan`'s file: those between its first line and the next plan's, and the rest."""
    starts = sorted(p.line for p in result.plans if p.file == plan.file)
    end = next((line for line in starts if line > plan.line), None)
    inside, outside = [], []
    for d in result.diagnostics:
        if d.span.file == plan.file:
            within = d.span.line >= plan.line and (end is None or d.span.line < end)
            (inside if within else outside).append(d)
    return inside, outside


def plan_findings_html(result: CheckResult, plan: PlanResult) -> str:
    inside, outside = plan_findings(result, plan)
    out = findings_html(result, plan.file, inside) if inside else "<p>No findings in this plan.</p>"
    if outside:
        out += f"<h3>Elsewhere in {code(plan.file)}</h3>{findings_html(result, plan.file, outside)}"
    return out
