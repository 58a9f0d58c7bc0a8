"""Coverage report as a static HTML site: a `CheckResult` (and optionally a `Delta`) in,
pages in a directory out.

`index.html` lists the plans with coverage bars; each plan gets a page with the failure
mode × step matrix, the three steps drawn as inline SVG (techniques in their steps, linked
to the failure modes they address), open ownership with its deciding facts, techniques and
their evidence, findings with source lines, and the classification table of scenarios in
the same file; `scenarios.html` collects every scenario. Each page is self-contained
(inline CSS and SVG, no script, no network; a Content-Security-Policy forbids both), so the
site works from `file://` and in print. Every string from a user passes through
`html.escape`; colour never carries information alone (each coloured cell also has a
symbol and words).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from alignment_plan import __version__
from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.reporters import wording
from alignment_plan.results.coverage import Coverage, total_of
from alignment_plan.vocabulary import NO_OWNER, STEPS
from alignment_plan.results.model import (
    CheckResult,
    Delta,
    FailureModeResult,
    PlanDelta,
    PlanResult,
    ScenarioResult,
    TechniqueResult,
)

STEP_LABELS = {
    "operationalize": "1 · operationalize",
    "feedback_process": "2 · feedback_process",
    "find_and_fix": "3 · find_and_fix",
}
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
_CODE = re.compile(r"`([^`]*)`")


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def code(text: object) -> str:
    return f"<code>{e(text)}</code>"


def with_code(message: str) -> str:
    """An escaped message whose `backticked` parts (user input) are set as code."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", e(message))


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "x"


class Anchors:
    """Unique, safe element ids for names; assign the names up front for ids stable across pages."""

    def __init__(self, prefix: str, names: Iterable[str] = ()):
        self.prefix = prefix
        self.ids: dict[str, str] = {}
        for name in names:
            self(name)

    def __call__(self, name: str) -> str:
        if name not in self.ids:
            base = f"{self.prefix}-{slug(name)}"
            candidate, number = base, 2
            while candidate in self.ids.values():
                candidate, number = f"{base}-{number}", number + 1
            self.ids[name] = candidate
        return self.ids[name]


# Page frame --------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; --link: #1d4ed8;
  --fp: #1e3a8a; --fp-bg: #dbeafe; --ff: #5b21b6; --ff-bg: #ede9fe; --op: #7c2d12; --op-bg: #fef3c7;
  --ok: #14532d; --ok-bg: #dcfce7; --bad: #7f1d1d; --bad-bg: #fee2e2; --part-bg: #fef9c3; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--link); }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header nav { padding: .75rem 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
footer { color: var(--muted); font-size: .875rem; padding: 2rem 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
h1 code, h2 code, h3 code, dd code, li code, p code { overflow-wrap: anywhere; }
th .note { font-weight: 400; }
p, li, dd, td, th, figcaption, h1, h2, h3 { overflow-wrap: break-word; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.lede { color: var(--muted); margin-top: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
@media (max-width: 480px) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .5rem; } }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; min-width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; caption-side: top; }
th, td { border: 1px solid var(--line); padding: .4rem .55rem; text-align: left; vertical-align: top; }
thead th { background: #f1f5f9; }
tfoot th, tfoot td { font-weight: 700; background: #f8fafc; }
td.num, th.num { text-align: right; white-space: nowrap; }
.bar { display: inline-block; width: 8rem; max-width: 40vw; height: .8rem; background: #e4e7eb; border: 1px solid #9aa5b1; vertical-align: middle; margin-right: .5rem; }
.bar > span { display: block; height: 100%; background: #15803d; }
.big .bar { width: 16rem; height: 1.1rem; }
.tag { display: inline-block; padding: 0 .35rem; border-radius: .25rem; font-size: .85em; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.step-operationalize { color: var(--op); background: var(--op-bg); }
.step-feedback_process { color: var(--fp); background: var(--fp-bg); }
.step-find_and_fix { color: var(--ff); background: var(--ff-bg); }
.step-none { color: var(--muted); background: #f1f5f9; }
td.cell { min-width: 9rem; }
td.own { border-left: 6px solid var(--ink); }
td.own.step-col-feedback_process { border-left-color: #2563eb; }
td.own.step-col-find_and_fix { border-left-color: #7c3aed; }
td.own.step-col-operationalize { border-left-color: #d97706; }
td.covered, .covered { background: var(--ok-bg); color: var(--ok); }
td.uncovered, .uncovered { background: var(--bad-bg); color: var(--bad); }
td.partly, .partly { background: var(--part-bg); color: #713f12; }
td.undecided { background: var(--op-bg); color: var(--op); }
td.idle { color: var(--muted); }
.role { display: block; font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; gap: .5rem 1rem; padding: 0; list-style: none; font-size: .9rem; }
figure { margin: 1rem 0; }
figure svg { width: 100%; max-width: 34rem; height: auto; display: block; }
svg text { font: 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
svg .title { font-weight: 700; font-size: 16px; }
svg a text { fill: var(--link); text-decoration: underline; }
svg .muted { fill: var(--muted); }
ol.findings { padding-left: 1.25rem; }
ol.findings li { margin-bottom: 1rem; }
pre.source { background: #f8fafc; border: 1px solid var(--line); padding: .5rem; overflow-x: auto; margin: .25rem 0; }
pre.source mark { background: #fde68a; color: inherit; text-decoration: underline wavy #b45309; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; padding: 0 .3rem; border: 1px solid currentColor; border-radius: .2rem; }
.sev-error { color: #991b1b; } .sev-warning { color: #92400e; } .sev-info { color: #1e40af; }
.delta li { margin: .25rem 0; }
@media (max-width: 640px) {
  table.matrix, table.matrix tbody, table.matrix tr, table.matrix th, table.matrix td { display: block; min-width: 0; }
  table.matrix caption { display: block; }
  table.matrix thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.matrix tr { border: 1px solid var(--line); margin-bottom: .75rem; }
  table.matrix th, table.matrix td { border: 0; border-top: 1px solid var(--line); }
  table.matrix td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--ink); }
  table.matrix td.cell { min-width: 0; }
  table.matrix tfoot td:empty { display: none; }
}
.note { color: var(--muted); }
@media print {
  body { font-size: 10pt; }
  header nav, .skip { display: none; }
  .table-wrap, pre.source { overflow: visible; }
  pre.source { white-space: pre-wrap; }
  tr, li, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str, crumbs: Iterable[tuple[str, str]] = ()) -> str:
    links = "".join(f'<a href="{e(href)}">{e(label)}</a>' for href, label in crumbs)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="generator" content="alignment-plan {e(__version__)}">
<title>{e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="Report pages"><a href="index.html">All plans</a>{links}</nav></header>
<main id="main">
{body}
</main>
<footer>Generated by alignment-plan {e(__version__)}. Coverage counts a failure mode as covered when, in every completion of its unknown facts, the owning step has a technique that addresses it.</footer>
</body>
</html>
"""


def table_wrap(label: str, table: str) -> str:
    """A table that scrolls on its own on narrow screens; focusable so keyboards can scroll it."""
    return f'<div class="table-wrap" role="region" aria-label="{e(label)}" tabindex="0">{table}</div>'


def bar(coverage: Coverage, precision: int) -> str:
    return (
        f'<span class="bar" aria-hidden="true"><span style="width:{coverage.percent:.1f}%"></span></span>'
        f"<span>{wording.covered_count(coverage)} ({coverage.display(precision)})</span>"
    )


def step_tag(step: str) -> str:
    return f'<span class="tag step-{e(step) if step in STEPS else "none"}">{e(step)}</span>'


MARKUP = wording.Markup(
    name=code, quote=code, step=step_tag, text=e, strong=lambda text: f"<strong>{text}</strong>", arrow="→"
)


def evidence_link(text: str) -> str:
    if _SAFE_URL.fullmatch(text):
        return f'<a href="{e(text)}" rel="noreferrer">{e(text)}</a>'
    return e(text)


# Delta -------------------------------------------------------------------------------


_DELTA_SYMBOLS = {"newly_uncovered": "✗", "newly_covered": "✓", "scoped_out": "–", "owner": "⇄"}


def plan_delta_html(plan: PlanDelta, link) -> str:
    items = []
    if plan.change == "added" and plan.after is not None:
        items.append(f"<li>New plan: {wording.covered_count(plan.after)}.</li>")
    if plan.change == "removed" and plan.before is not None:
        items.append(f"<li>Plan removed; it covered {plan.before.covered} of {plan.before.total}.</li>")
    for item in wording.plan_delta_items(plan, MARKUP, link):
        label = item.label[0].upper() + item.label[1:]
        reasons = "".join(f"<li>{reason}</li>" for reason in item.reasons)
        if item.kind in _DELTA_SYMBOLS:
            label = f"{_DELTA_SYMBOLS[item.kind]} <strong>{label}:</strong>"
        else:
            label += ":"
        items.append(f"<li>{label} {item.body}{f'<ul>{reasons}</ul>' if reasons else ''}</li>")
    return f'<ul class="delta">{"".join(items)}</ul>' if items else '<p class="note">No change.</p>'


def delta_summary(delta: Delta, precision: int) -> str:
    return (
        f"<p>Compared with {wording.base_of(delta, MARKUP)}: coverage "
        f"{wording.coverage_move(delta.before, delta.after, precision, MARKUP)}; "
        + ", ".join(wording.delta_counts(delta))
        + ".</p>"
    )


# The plan page -----------------------------------------------------------------------


def techniques_for(plan: PlanResult, fm: str, step: str) -> list[TechniqueResult]:
    return [t for t in plan.techniques if t.step == step and fm in t.addresses]


def technique_label(t: TechniqueResult) -> str:
    return f"{code(t.name)} ({e(t.status or 'no status')})"


def matrix_cell(plan: PlanResult, fm: FailureModeResult, step: str) -> str:
    """One cell of the matrix: role of the step for this failure mode, and coverage there."""
    column = f'step-col-{step}" data-label="{step}'

    if step == "operationalize":
        if fm.owner == "operationalize":
            facts = ", ".join(code(f) for f in fm.depends_on) or "none found"
            return f'<td class="cell own undecided {column}"><span class="role">? undecided</span>deciding facts: {facts}</td>'
        if fm.owner == "none":
            return f'<td class="cell idle {column}">decided: {wording.NOBODY}</td>'
        return f'<td class="cell idle {column}">decided</td>'
    techniques = techniques_for(plan, fm.name, step)
    counted = [t for t in techniques if t.name in fm.covered_by]
    weak = [t for t in techniques if t.name not in fm.covered_by]
    if fm.owner == step or (fm.owner == "operationalize" and step in fm.possible_owners):
        role = "owner" if fm.owner == step else "possible owner"
        if step in fm.missing_in or not counted:
            text = f'<span class="role">✗ {role}</span>no technique'
            if weak:
                text += " at the required status; below it: " + ", ".join(technique_label(t) for t in weak)
            return f'<td class="cell own uncovered {column}">{text}</td>'
        text = f'<span class="role">✓ {role}</span>covered by ' + ", ".join(technique_label(t) for t in counted)
        return f'<td class="cell own covered {column}">{text}</td>'
    if techniques:
        return (
            f'<td class="cell idle {column}">– not the owner; addressed here by '
            + ", ".join(technique_label(t) for t in techniques)
            + "</td>"
        )
    return f'<td class="cell idle {column}">–</td>'


def coverage_cell(fm: FailureModeResult) -> str:
    state = wording.coverage_state(fm)
    if state == wording.OUT_OF_SCOPE:
        return f'<td class="cell idle" data-label="Coverage">– {wording.STATE[state]}: {e(fm.out_of_scope)}</td>'
    if fm.owner == NO_OWNER:
        return f'<td class="cell uncovered" data-label="Coverage">✗ {wording.NOBODY}</td>'
    symbol, css = {
        wording.COVERED: ("✓", "covered"),
        wording.UNCOVERED: ("✗", "uncovered"),
        wording.PARTLY: ("◐", "partly"),
    }[state]
    return f'<td class="cell {css}" data-label="Coverage">{symbol} {wording.STATE[state]}</td>'


def matrix(plan: PlanResult, anchors: Anchors) -> str:
    rows = []
    for fm in plan.failure_modes:
        cells = "".join(matrix_cell(plan, fm, step) for step in STEPS)
        rows.append(
            f'<tr><th scope="row" id="{anchors(fm.name)}">{code(fm.name)}<br><span class="note">{e(fm.title)}</span></th>'
            f"{cells}{coverage_cell(fm)}</tr>"
        )
    head = "".join(f'<th scope="col">{step_tag(s)}</th>' for s in STEPS)
    legend = (
        '<ul class="legend" aria-label="Legend">'
        "<li>✓ covered in that step</li><li>✗ no technique where one is needed</li>"
        "<li>◐ covered in some possible owners only</li><li>? step 1 left the owner open</li>"
        "<li>– the step has no part in it</li></ul>"
    )
    table = (
        f'<table class="matrix"><caption>Failure modes × steps: who owns each, and is it covered</caption>'
        f'<thead><tr><th scope="col">Failure mode</th>{head}<th scope="col">Coverage</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">TOTAL</th><td colspan="3"></td><td data-label="Coverage">{wording.covered_count(plan.coverage)}</td></tr></tfoot>'
        "</table>"
    )
    return legend + table_wrap("Ownership matrix", table)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diagram(plan: PlanResult, anchors: Anchors) -> str:
    """The three steps, top to bottom, as inline SVG; failure mode names link into the matrix."""
    width, pad, line = 400, 14, 20
    colours = {
        "operationalize": ("#fef3c7", "#b45309"),
        "feedback_process": ("#dbeafe", "#2563eb"),
        "find_and_fix": ("#ede9fe", "#7c3aed"),
    }
    y, parts = 8, []

    def text(x: int, y: int, value: str, css: str, href: str | None, full: str | None) -> str:
        original, value = value, _clip(value, (width - x - 12) * 10 // 78)
        full = full or original
        tip = f"<title>{e(full)}</title>" if full != value else ""
        css = f' class="{css}"' if css else ""
        node = f'<text x="{x}" y="{y}"{css}>{tip}{e(value)}</text>'
        return f'<a href="#{href}">{node}</a>' if href else node

    for index, step in enumerate(STEPS):
        lines: list[tuple[int, str, str, str | None, str | None]] = [(pad, STEP_LABELS[step], "title", None, None)]
        if step == "operationalize":
            for slot, definition in plan.bindings:
                full = f"{slot} = {definition}"
                lines.append((pad + 8, full, "", None, full))
            for slot in plan.unbound:
                lines.append((pad + 8, f"{slot} unbound", "muted", None, f"{slot} unbound"))
            for a in plan.assumptions:
                lines.append((pad + 8, f"assume {a.failure_mode}:", "", None, None))
                lines.append((pad + 32, f"{a.fact} = {'true' if a.value else 'false'}", "", None, None))
            for fm in plan.failure_modes:
                if fm.owner == "operationalize":
                    lines.append((pad + 8, f"open: {fm.name}", "", anchors(fm.name), f"open: {fm.name}"))
            if len(lines) == 1:
                lines.append((pad + 8, "no bindings", "muted", None, None))
        else:
            techniques = [t for t in plan.techniques if t.step == step]
            for t in techniques:
                full = f"■ {t.name} [{t.status or 'no status'}]"
                lines.append((pad + 8, full, "", None, full))
                for name in t.addresses:
                    target = anchors(name) if any(fm.name == name for fm in plan.failure_modes) else None
                    lines.append((pad + 32, f"→ {name}", "" if target else "muted", target, f"→ {name}"))
            if not techniques:
                lines.append((pad + 8, "no techniques", "muted", None, None))
        height = pad + line * len(lines)
        fill, stroke = colours[step]
        parts.append(
            f'<rect x="4" y="{y}" width="{width - 8}" height="{height}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
        )
        baseline = y + pad + 6
        for x, value, css, href, full in lines:
            parts.append(text(x, baseline, value, css, href, full))
            baseline += line
        y += height
        if index < len(STEPS) - 1:
            middle = width // 2
            parts.append(
                f'<path d="M{middle} {y + 2} v18 m-7 -8 l7 8 l7 -8" fill="none" stroke="#52606d" stroke-width="2"/>'
            )
            y += 24
    total = y + 8
    title = f"The three steps of plan {plan.name}"
    return (
        f'<figure><svg viewBox="0 0 {width} {total}" role="group" aria-labelledby="diagram-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="diagram-title">{e(title)}</title>{"".join(parts)}</svg>'
        "<figcaption>Step 1 binds the slots; steps 2 and 3 hold the techniques, each followed by the failure modes "
        "it addresses (links go to the matrix).</figcaption></figure>"
    )


def open_ownership(plan: PlanResult, anchors: Anchors) -> str:
    open_modes = [fm for fm in plan.failure_modes if fm.owner == "operationalize"]
    if not open_modes:
        return "<p>Step 1 decides the owner of every failure mode this plan considers.</p>"
    items = []
    for fm in open_modes:
        facts = ", ".join(code(f) for f in fm.depends_on) or "none found"
        items.append(
            f'<li><a href="#{anchors(fm.name)}">{code(fm.name)}</a>: owned by '
            + " or ".join(step_tag(o) for o in fm.possible_owners)
            + f", depending on {facts}. "
            + (
                "Covered either way."
                if fm.covered
                else "Not covered in " + ", ".join(step_tag(s) for s in fm.missing_in) + "."
            )
            + "</li>"
        )
    return (
        "<p>Step 1 leaves these owners open: settle them with a sharper definition or an "
        "<code>assume</code> line for a deciding fact, or cover every possible owner.</p>"
        f"<ul>{''.join(items)}</ul>"
    )


def techniques_table(plan: PlanResult, anchors: Anchors) -> str:
    if not plan.techniques:
        return "<p>This plan has no techniques.</p>"
    known = {fm.name for fm in plan.failure_modes}
    rows = []
    for t in plan.techniques:
        addresses = (
            ", ".join(f'<a href="#{anchors(n)}">{code(n)}</a>' if n in known else code(n) for n in t.addresses)
            or "nothing"
        )
        evidence = "<br>".join(evidence_link(x) for x in t.evidence) or '<span class="note">none given</span>'
        rows.append(
            f'<tr><th scope="row">{code(t.name)}<br><span class="note">{e(t.title)}</span></th><td>{step_tag(t.step)}</td>'
            f"<td>{e(t.status or 'no status')}</td><td>{addresses}</td><td>{', '.join(code(f) for f in t.fixes) or '–'}</td>"
            f'<td>{evidence}</td><td class="num">{t.line}</td></tr>'
        )
    table = (
        "<table><caption>Techniques, their status and evidence</caption><thead><tr>"
        + "".join(
            f'<th scope="col">{h}</th>'
            for h in ("Technique", "Step", "Status", "Addresses", "Fixes", "Evidence", "Line")
        )
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return table_wrap("Techniques", table)


def finding_html(diagnostic: Diagnostic, lines: tuple[str, ...]) -> str:
    span = diagnostic.span
    severity = diagnostic.severity.value
    out = [
        (
            f'<li><p><span class="sev sev-{severity}">{severity}</span> <code>{e(diagnostic.code)}</code> '
            f"{e(diagnostic.rule)}: {with_code(diagnostic.message)} "
            f'<span class="note">at {e(span.file)}:{span.line}:{span.column}</span></p>'
        )
    ]
    if 0 < span.line <= len(lines):
        text = lines[span.line - 1]
        end = span.end_column if span.end_line == span.line else len(text) + 1
        start = max(span.column - 1, 0)
        end = max(end - 1, start + 1)
        marked = e(text[:start]) + "<mark>" + e(text[start:end]) + "</mark>" + e(text[end:])
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
    return f'<ol class="findings">{"".join(finding_html(d, lines) for d in found)}</ol>'


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


def verdict_cell(verdict) -> str:
    word = verdict.verdict
    if verdict.legacy and verdict.legacy != word:
        word += f" ({verdict.legacy})"
    text = e(word)
    if verdict.verdict == "ambiguous" and verdict.depends_on:
        text += '<br><span class="note">deciding: ' + ", ".join(code(f) for f in verdict.depends_on) + "</span>"
    if verdict.probabilities:
        text += "<br>" + ", ".join(f"{e(v)} {100 * p:.3g}%" for v, p in verdict.probabilities)
    match = getattr(verdict, "matches_label", None)
    if match is True:
        return f'<td class="covered">✓ {text}<span class="note"> matches the label</span></td>'
    if match is False:
        return f'<td class="uncovered">✗ {text}<span class="note"> differs from the label</span></td>'
    return f"<td>{text}</td>"


def scenario_table(scenarios: tuple[ScenarioResult, ...], caption: str) -> str:
    """Rows: (lens, bindings, reading); columns: scenarios; cells: the verdict."""
    combos: list[tuple] = []
    cells: dict[tuple, dict[str, object]] = {}
    for scenario in scenarios:
        for v in scenario.verdicts:
            key = (v.lens, v.heuristic, v.bindings, v.reading)
            if key not in cells:
                combos.append(key)
                cells[key] = {}
            cells[key][scenario.name] = v
    head = "".join(
        f'<th scope="col">{code(s.name)}<br><span class="note">{e(s.title)}</span>'
        + (f"<br>label: {', '.join(code(label) for label in s.labels)}" if s.labels else "")
        + (f"<br>refines {code(s.refines)}" if s.refines else "")
        + "</th>"
        for s in scenarios
    )
    rows = []
    for key in combos:
        lens, heuristic, bindings, reading = key
        label = code(lens) + (" (heuristic)" if heuristic else "")
        if bindings:
            label += "<br>" + ", ".join(f"{code(slot)} = {code(d)}" for slot, d in bindings)
        row = "".join(verdict_cell(cells[key][s.name]) if s.name in cells[key] else "<td>–</td>" for s in scenarios)
        rows.append(f'<tr><th scope="row">{label}</th><td>{e(reading)}</td>{row}</tr>')
    table = (
        f'<table><caption>{e(caption)}</caption><thead><tr><th scope="col">Lens and definitions</th>'
        f'<th scope="col">Reading</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return table_wrap(caption, table)


def label_check_html(result: CheckResult, file: str) -> str:
    out = []
    for check in result.label_checks:
        if check.file != file:
            continue

        def combos(items) -> str:
            return (
                ", ".join(
                    code(c.lens)
                    + (" under " + ", ".join(f"{code(s)} = {code(d)}" for s, d in c.bindings) if c.bindings else "")
                    + f" ({e(c.reading)})"
                    for c in items
                )
                or "none"
            )

        out.append(
            f"<p>Real categorizations that reproduce every label: {combos(check.real)}.</p>"
            f"<p>Heuristics that reproduce every label: {combos(check.heuristic)}.</p>"
        )
        if check.conflict:
            out.append(
                "<p>No real categorization can: "
                + ", ".join(code(s) for s in check.conflict)
                + f" ({e(check.conflict_kind or 'conflict')}).</p>"
            )
    return "".join(out)


def plan_page(result: CheckResult, plan: PlanResult, delta: Delta | None, precision: int, title: str) -> str:
    anchors = Anchors("fm", (fm.name for fm in plan.failure_modes))
    bindings = ", ".join(f"{code(slot)} = {code(d)}" for slot, d in plan.bindings) or "none"
    facts = [
        ("File", f"{code(plan.file)}, line {plan.line}"),
        ("Bindings", bindings),
        ("Counting from status", code(plan.threshold)),
    ]
    if plan.unbound:
        facts.append(("Unbound slots", ", ".join(code(s) for s in plan.unbound)))
    body = [
        f"<h1>Plan {code(plan.name)}</h1>",
        f'<p class="lede">{e(plan.title)}</p>',
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
        f'<p class="big">{bar(plan.coverage, precision)}</p>',
    ]

    def link(name: str) -> str:
        if any(fm.name == name for fm in plan.failure_modes):
            return f'<a href="#{anchors(name)}">{code(name)}</a>'
        return code(name)

    if delta is not None:
        mine = delta.of(plan)
        body.append(f'<section aria-labelledby="changes"><h2 id="changes">Changes against {code(delta.base)}</h2>')
        body.append(plan_delta_html(mine, link) if mine is not None else '<p class="note">No change.</p>')
        body.append("</section>")
    body += [
        '<section aria-labelledby="matrix"><h2 id="matrix">Ownership and coverage</h2>',
        matrix(plan, anchors),
        "</section>",
        '<section aria-labelledby="steps"><h2 id="steps">The three steps</h2>',
        diagram(plan, anchors),
        "</section>",
        '<section aria-labelledby="open"><h2 id="open">Open ownership</h2>',
        open_ownership(plan, anchors),
        "</section>",
        '<section aria-labelledby="evidence"><h2 id="evidence">Techniques and evidence</h2>',
        techniques_table(plan, anchors),
        "</section>",
        '<section aria-labelledby="findings"><h2 id="findings">Findings</h2>',
        plan_findings_html(result, plan),
        "</section>",
    ]
    scenarios = tuple(s for s in result.scenarios if s.file == plan.file)
    if scenarios:
        body += [
            '<section aria-labelledby="scenarios"><h2 id="scenarios">Scenarios</h2>',
            scenario_table(scenarios, f"Classification of the scenarios in {plan.file}"),
            label_check_html(result, plan.file),
            "</section>",
        ]
    return page(
        f"{plan.name}: {title}",
        "\n".join(body),
        [("#matrix", "Matrix"), ("#steps", "Steps"), ("#findings", "Findings")],
    )


# The index and the scenarios page ----------------------------------------------------


def page_names(plans: tuple[PlanResult, ...]) -> list[str]:
    names: list[str] = []
    for plan in plans:
        base = f"plan-{slug(Path(plan.file).stem)}-{slug(plan.name)}"
        name, number = f"{base}.html", 2
        while name in names:
            name, number = f"{base}-{number}.html", number + 1
        names.append(name)
    return names


def index_page(result: CheckResult, pages: list[str], delta: Delta | None, precision: int, title: str) -> str:
    total = total_of(p.coverage for p in result.plans)
    counts = {s: sum(1 for d in result.diagnostics if d.severity is s) for s in Severity}
    body = [
        f"<h1>{e(title)}</h1>",
        f'<p class="big">{bar(total, precision)} across {len(result.plans)} plan{"s" if len(result.plans) != 1 else ""}.</p>',
        (
            f"<p>Findings: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} info, "
            f"in {len(result.files)} file{'s' if len(result.files) != 1 else ''}.</p>"
        ),
    ]
    if result.file_errors:
        items = "".join(f"<li>{code(err.file)}: {e(err.message)}</li>" for err in result.file_errors)
        body.append(
            f'<section aria-labelledby="unreadable"><h2 id="unreadable">Unreadable files</h2><ul>{items}</ul></section>'
        )
    if delta is not None:
        body.append(f'<section aria-labelledby="changes"><h2 id="changes">Changes against {code(delta.base)}</h2>')
        body.append(delta_summary(delta, precision))
        by_plan = {(p.file, p.name): page for p, page in zip(result.plans, pages)}
        for change in delta.plans:
            if change.change == "unchanged":
                continue
            target = by_plan.get((change.file, change.name))
            heading = f'<a href="{e(target)}">{code(change.name)}</a>' if target else code(change.name)

            plan = next((p for p in result.plans if (p.file, p.name) == (change.file, change.name)), None)
            anchors = Anchors("fm", (fm.name for fm in plan.failure_modes) if plan else ())

            def link(name: str, target=target, anchors=anchors) -> str:
                if target and name in anchors.ids:
                    return f'<a href="{e(target)}#{anchors.ids[name]}">{code(name)}</a>'
                return code(name)

            body.append(f"<h3>{wording.plan_change(change, precision, MARKUP, name=heading)}</h3>")
            body.append(plan_delta_html(change, link))
        body.append("</section>")
    rows = []
    for plan, target in zip(result.plans, pages):
        uncovered = sum(1 for fm in plan.failure_modes if fm.out_of_scope is None and not fm.covered)
        open_count = sum(1 for fm in plan.failure_modes if fm.owner == "operationalize")
        findings = sum(1 for d in result.diagnostics if d.span.file == plan.file)
        rows.append(
            f'<tr><th scope="row"><a href="{e(target)}">{code(plan.name)}</a><br><span class="note">{e(plan.title)}</span></th>'
            f"<td>{code(plan.file)}</td><td>{bar(plan.coverage, precision)}</td>"
            f'<td class="num">{uncovered}</td><td class="num">{open_count}</td><td class="num">{findings}</td></tr>'
        )
    if rows:
        table = (
            "<table><caption>Plans and their coverage</caption><thead><tr>"
            + "".join(
                f'<th scope="col"{c}>{h}</th>'
                for h, c in (
                    ("Plan", ""),
                    ("File", ""),
                    ("Coverage", ""),
                    ("Uncovered", ' class="num"'),
                    ("Open owners", ' class="num"'),
                    ("Findings", ' class="num"'),
                )
            )
            + f"</tr></thead><tbody>{''.join(rows)}</tbody>"
            f'<tfoot><tr><th scope="row">TOTAL</th><td></td><td>{bar(total, precision)}</td><td colspan="3"></td></tr></tfoot></table>'
        )
        body.append(f'<section aria-labelledby="plans"><h2 id="plans">Plans</h2>{table_wrap("Plans", table)}</section>')
    else:
        body.append("<p>No plans found.</p>")
    planned = {plan.file for plan in result.plans}
    orphans = sorted({d.span.file for d in result.diagnostics} - planned)
    if orphans:
        body.append(
            '<section aria-labelledby="other-findings"><h2 id="other-findings">Findings in files without plans</h2>'
        )
        for file in orphans:
            body.append(f"<h3>{code(file)}</h3>{findings_html(result, file)}")
        body.append("</section>")
    crumbs = []
    if result.scenarios:
        crumbs = [("scenarios.html", "Scenarios")]
        files = len({s.file for s in result.scenarios})
        body.append(
            '<section aria-labelledby="scenarios"><h2 id="scenarios">Scenarios</h2>'
            f'<p><a href="scenarios.html">{len(result.scenarios)} scenario{"s" if len(result.scenarios) != 1 else ""} '
            f"in {files} file{'s' if files != 1 else ''}</a>, classified by every lens in both readings.</p></section>"
        )
    return page(title, "\n".join(body), crumbs)


def scenarios_page(result: CheckResult, title: str) -> str:
    body = [
        "<h1>Scenarios</h1>",
        (
            "<p>Every lens under every definition of the slots it uses, in the open reading "
            "(unstated facts unknown) and the closed one (unstated facts false).</p>"
        ),
    ]
    files = sorted({s.file for s in result.scenarios})
    for file in files:
        group = tuple(s for s in result.scenarios if s.file == file)
        body.append(
            f"<section><h2>{code(file)}</h2>{scenario_table(group, f'Classification of the scenarios in {file}')}"
        )
        body.append(label_check_html(result, file) + "</section>")
    return page(f"Scenarios: {title}", "\n".join(body), [("scenarios.html", "Scenarios")])


def render_site(
    result: CheckResult, delta: Delta | None = None, precision: int = 0, title: str = "Alignment plan coverage"
) -> dict[str, str]:
    """Every page of the site: file name to HTML text."""
    names = page_names(result.plans)
    pages = {"index.html": index_page(result, names, delta, precision, title)}
    for plan, name in zip(result.plans, names):
        pages[name] = plan_page(result, plan, delta, precision, title)
    if result.scenarios:
        pages["scenarios.html"] = scenarios_page(result, title)
    return pages


def write_site(
    result: CheckResult,
    directory: Path,
    delta: Delta | None = None,
    precision: int = 0,
    title: str = "Alignment plan coverage",
) -> list[Path]:
    """Write the site into `directory` (created if needed); the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_site(result, delta, precision, title).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
