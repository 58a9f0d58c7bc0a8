"""Coverage report as GitHub-flavoured Markdown, sized for a PR comment or a job summary.

A `CheckResult` (and optionally a `Delta`) in, one document out: the delta first (what a
reviewer needs), then a table of plans, the worst findings (capped, each linked to its
file and line), then one collapsible section per plan: its table, its three steps as a
Mermaid diagram (`mermaid.py`), and, collapsed, the derivation of each open or uncovered
failure mode's owner (the text `explain` prints). Every string
that came from a user is escaped, in Markdown as in the HTML blocks (`<details>`), so a
hostile name cannot add markup, links or images. Plan sections that would push the
document past what a PR comment holds are left out with a note.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from alignment_plan.diagnostics import Diagnostic
from alignment_plan.reporters import mermaid, wording
from alignment_plan.reporters.explain import render_text
from alignment_plan.reporters.text import summary_line
from alignment_plan.results.coverage import DEFAULT_PRECISION, total_of
from alignment_plan.results.model import CheckResult, Delta, FailureModeResult, PlanDelta, PlanResult
from alignment_plan.text import printable
from alignment_plan.vocabulary import OPERATIONALIZE

MAX_CHARS = 60_000  # a GitHub comment holds 65,536
MAX_FINDINGS = 20  # the worst ones; the rest are counted
_PLAIN = re.compile(r"[A-Za-z0-9_./:-]+")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&$])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_CODE = re.compile(r"`([^`]*)`")
_SEVERITY_MARKS = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
_MARKS = {wording.COVERED: "✅", wording.UNCOVERED: "❌", wording.PARTLY: "⚠️", wording.OUT_OF_SCOPE: "➖"}
_DELTA_MARKS = {"newly_uncovered": "❌ ", "newly_covered": "✅ ", "scoped_out": "➖ ", "owner": "🔀 "}


def escape(text: str) -> str:
    """Markdown text that renders as `text`, on one line, inside a table cell or not; an
    `@name` gets a zero-width space after the `@`, so that a PR comment pings no one."""
    escaped = _SPECIAL.sub(r"\\\1", printable(" ".join(str(text).split())))
    return _MENTION.sub("@&#8203;", escaped)


def code(text: str) -> str:
    """`text` as a code span when it is a plain name or path, else as escaped text."""
    text = str(text)
    return f"`{text}`" if _PLAIN.fullmatch(text) else escape(text)


def with_code(message: str) -> str:
    """A message whose `backticked` parts (user input) are code spans, the rest escaped text."""
    parts = _CODE.split(message)  # even indexes: text; odd: what was between backticks (no backtick)
    out = []
    for index, part in enumerate(parts):
        folded = printable(" ".join(part.split()))
        if index % 2:
            out.append(f"`{folded}`" if folded else "")
        else:  # escaped, keeping the spaces around the code spans
            out.append((" " if part[:1].isspace() else "") + escape(part) + (" " if part[-1:].isspace() and folded else ""))
    return "".join(out)


def location_link(file: str, line: int) -> str:
    """`file:line` as a Markdown link relative to the repository; a path outside it (absolute,
    or climbing out with `..`) stays plain text, since no link would lead there."""
    label = escape(f"{file}:{line}")
    if file.startswith(("/", "\\", "../")) or file == ".." or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", file):
        return label
    return f"[{label}]({quote(file.replace(chr(92), '/'), errors='surrogateescape')}#L{line})"


def worst_first(diagnostic: Diagnostic) -> tuple:
    return (-diagnostic.severity.rank, diagnostic.span.file, diagnostic.span.line, diagnostic.span.column, diagnostic.code)


def findings_section(result: CheckResult) -> list[str]:
    """The findings themselves, worst first (error, warning, info; then path and line), the
    first `MAX_FINDINGS` of them, each linked to where it is."""
    found = sorted(result.diagnostics, key=worst_first)
    if not found:
        return []
    out = [f"## Findings ({len(found)})", ""]
    for d in found[:MAX_FINDINGS]:
        severity = d.severity.value
        out.append(
            f"- {_SEVERITY_MARKS[severity]} **{severity}** {code(d.code)} {escape(d.rule)}: {with_code(d.message)} · "
            + location_link(d.span.file, d.span.line)
        )
    if len(found) > MAX_FINDINGS:
        out.append(f"- and {len(found) - MAX_FINDINGS} more: the text, JSON or HTML report lists them all")
    return out + [""]


def names(items) -> str:
    return ", ".join(code(item) for item in items)


MARKUP = wording.Markup(name=code, quote=code, step=code, text=escape, strong=lambda text: f"**{text}**", arrow="→")


def table(headings: tuple[str, ...], rows: list[tuple[str, ...]], align: str) -> list[str]:
    out = ["| " + " | ".join(headings) + " |", "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|"]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def plan_delta_items(plan: PlanDelta) -> list[str]:
    out = []
    for item in wording.plan_delta_items(plan, MARKUP):
        out.append(f"- {_DELTA_MARKS.get(item.kind, '')}{item.label}: {item.body}")
        out += [f"  - {reason}" for reason in item.reasons]
    return out


def delta_section(delta: Delta, precision: int) -> list[str]:
    out = [
        f"## Changes against {wording.base_of(delta, MARKUP)}",
        "",
        f"Coverage {wording.coverage_move(delta.before, delta.after, precision, MARKUP)} · "
        + " · ".join(wording.delta_counts(delta)),
        "",
    ]
    changed = [p for p in delta.plans if p.change != "unchanged"]
    for plan in changed:
        out += [wording.plan_change(plan, precision, MARKUP, name=f"**{code(plan.name)}**"), ""]
        items = plan_delta_items(plan)
        out += items + ([""] if items else [])
    if not changed:
        out += ["No plan changed.", ""]
    return out


def derivation(fm: FailureModeResult) -> list[str]:
    """Why `fm` has its owner: the numbered derivation `explain` prints, from the result, in a
    collapsed `<details>`. A `<pre>` HTML block runs to its `</pre>` over blank lines, and
    its text is HTML-escaped, so no line of it can end the block or add markup."""
    state = wording.STATE[wording.coverage_state(fm)]
    text = _MENTION.sub("@&#8203;", html.escape(render_text(fm.explanation), quote=False).rstrip("\n"))
    return [
        f"<details><summary>why <code>{html.escape(fm.name)}</code> is {html.escape(state)}: the derivation</summary>",
        "",
        f"<pre>{text}</pre>",
        "",
        "</details>",
    ]


def plan_section(
    plan: PlanResult, precision: int, show_missing: bool, skip_covered: bool, derivations: bool = True
) -> list[str]:
    complete = plan.covered == plan.total
    summary = (
        f"<b>{html.escape(plan.name)}</b> in <code>{html.escape(plan.file)}</code>: {plan.coverage.display(precision)} "
        f"({wording.covered_count(plan.coverage)})"
    )
    bindings = ", ".join(f"{code(slot)} = {code(d)}" for slot, d in plan.bindings) or "none"
    out = [
        f"<details{'' if complete else ' open'}><summary>{summary}</summary>",
        "",
        f"**{escape(plan.title)}** · {code(f'{plan.file}:{plan.line}')}",
        "",
        f"Bindings: {bindings}"
        + (f" · unbound: {names(plan.unbound)}" if plan.unbound else "")
        + f" · techniques count from status {code(plan.threshold)}",
        "",
    ]
    headings = ("Failure mode", "Owner", "Covered by", "Status", "Cover") + (("Missing",) if show_missing else ())
    rows, skipped = [], 0
    for fm in plan.failure_modes:
        if skip_covered and fm.covered and fm.out_of_scope is None:
            skipped += 1
            continue
        row = (
            code(fm.name),
            wording.owner(fm, MARKUP),
            names(fm.covered_by) or "–",
            ", ".join(escape(s) for s in wording.statuses(plan, fm.covered_by)) or "–",
            f"{_MARKS[wording.coverage_state(fm)]} {wording.cover_word(fm)}",
        )
        if show_missing:
            row += (wording.missing(fm, MARKUP),)
        rows.append(row)
    total = (
        "**TOTAL**",
        "",
        wording.covered_count(plan.coverage),
        "",
        f"**{plan.coverage.display(precision)}**",
    )
    rows.append(total + ("",) * (len(headings) - len(total)))
    out += table(headings, rows, "lllll" + ("l" if show_missing else ""))
    if skipped:
        out += ["", wording.skipped(skipped)]
    out_of_scope = [fm for fm in plan.failure_modes if fm.out_of_scope is not None]
    if out_of_scope:
        out += [""] + [f"- {code(fm.name)} is out of scope: {escape(fm.out_of_scope)}" for fm in out_of_scope]
    if plan.failure_modes:
        out += ["", *mermaid.diagram(plan)]
    for fm in plan.failure_modes if derivations else ():  # only those a reviewer must act on
        if fm.explanation is not None and (fm.owner == OPERATIONALIZE or not (fm.covered or fm.out_of_scope)):
            out += ["", *derivation(fm)]
    return out + ["", "</details>", ""]


def render(
    result: CheckResult,
    precision: int = DEFAULT_PRECISION,
    show_missing: bool = False,
    skip_covered: bool = False,
    delta: Delta | None = None,
    title: str = "Alignment plan coverage",
) -> str:
    """The Markdown report: heading and totals, delta, table of plans, one section per plan."""
    total = total_of(p.coverage for p in result.plans)
    count = len(result.plans)
    head = [
        f"# {escape(title)}",
        "",
        (
            f"**{total.display(precision)}** of failure modes covered ({total.covered} of {total.total}) "
            f"in {wording.plural(count, 'plan')} · {escape(summary_line(result))}"
        ),
        "",
    ]
    for error in result.file_errors:
        head += [f"- ⛔ cannot read {code(error.file)}: {escape(error.message)}"]
    if result.file_errors:
        head.append("")
    if delta is not None:
        head += delta_section(delta, precision)
    if result.plans:
        rows = [
            (code(p.name), code(p.file), f"{p.covered}/{p.total}", p.coverage.display(precision))
            for p in result.plans
        ]
        rows.append(("**TOTAL**", "", f"**{total.covered}/{total.total}**", f"**{total.display(precision)}**"))
        head += table(("Plan", "File", "Covered", "Cover"), rows, "llrr") + [""]
    head += findings_section(result)
    text, kept, sections = _fit(head, result, precision, show_missing, skip_covered, derivations=True)
    if kept < len(sections):
        # Over a comment's size: the derivations go first (`explain` and the HTML report have
        # them), plan sections only when that is not enough.
        text, kept, sections = _fit(head, result, precision, show_missing, skip_covered, derivations=False)
        text += "\n_Derivations left out to fit a PR comment; `alignment-plan explain` and the HTML report show them._\n"
    if kept < len(sections):
        left = len(sections) - kept
        text += f"\n_{left} plan section{'s' if left != 1 else ''} left out to fit a PR comment; the HTML or JSON report has them._\n"
    return text.rstrip("\n") + "\n"


def _fit(head, result, precision, show_missing, skip_covered, derivations):
    """The head and as many whole plan sections as fit in `MAX_CHARS`."""
    sections = [plan_section(p, precision, show_missing, skip_covered, derivations) for p in result.plans]
    text = "\n".join(head)
    kept = 0
    for section in sections:
        addition = "\n" + "\n".join(section)
        if len(text) + len(addition) > MAX_CHARS:
            break
        text += addition
        kept += 1
    return text, kept, sections
