"""Coverage report as GitHub-flavoured Markdown, sized for a PR comment or a job summary.

A `CheckResult` (and optionally a `Delta`) in, one document out: the delta first (what a
reviewer needs), then a table of plans, then one collapsible table per plan. Every string
that came from a user is escaped, in Markdown as in the HTML blocks (`<details>`), so a
hostile name cannot add markup, links or images. Plan sections that would push the
document past what a PR comment holds are left out with a note.
"""

from __future__ import annotations

import html
import re

from alignment_plan.reporters.report_text import (
    coverage_word,
    missing_text,
    statuses,
)
from alignment_plan.reporters.text import summary_line
from alignment_plan.results.coverage import total_of
from alignment_plan.results.model import (
    CheckResult,
    CoverageChange,
    Delta,
    FailureModeResult,
    OwnerState,
    PlanDelta,
    PlanResult,
)
from alignment_plan.text import printable

MAX_CHARS = 60_000  # a GitHub comment holds 65,536
_PLAIN = re.compile(r"[A-Za-z0-9_./:-]+")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&$])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_MARKS = {"yes": "✅ yes", "no": "❌ no", "partly": "⚠️ partly", "out of scope": "➖ out of scope"}


def escape(text: str) -> str:
    """Markdown text that renders as `text`, on one line, inside a table cell or not; an
    `@name` gets a zero-width space after the `@`, so that a PR comment pings no one."""
    escaped = _SPECIAL.sub(r"\\\1", printable(" ".join(str(text).split())))
    return _MENTION.sub("@&#8203;", escaped)


def code(text: str) -> str:
    """`text` as a code span when it is a plain name or path, else as escaped text."""
    text = str(text)
    return f"`{text}`" if _PLAIN.fullmatch(text) else escape(text)


def names(items) -> str:
    return ", ".join(code(item) for item in items)


def owner_cell(state: FailureModeResult | OwnerState) -> str:
    if state.owner == "operationalize":
        return f"{code('operationalize')} (open: " + " or ".join(code(o) for o in state.possible_owners) + ")"
    return code(state.owner)


def table(headings: tuple[str, ...], rows: list[tuple[str, ...]], align: str) -> list[str]:
    out = ["| " + " | ".join(headings) + " |", "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|"]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def change_item(change: CoverageChange) -> str:
    was = {"absent": "new", "covered": "was covered", "uncovered": "was uncovered", "out_of_scope": "was out of scope"}
    text = f"{code(change.failure_mode)} ({was.get(change.before, escape(change.before))}"
    if change.missing_in:
        text += "; no technique in " + names(change.missing_in)
    return text + ")"


def plan_delta_items(plan: PlanDelta) -> list[str]:
    out = []
    if plan.newly_uncovered:
        out.append("- ❌ newly uncovered: " + ", ".join(change_item(c) for c in plan.newly_uncovered))
    if plan.newly_covered:
        out.append("- ✅ newly covered: " + ", ".join(change_item(c) for c in plan.newly_covered))
    if plan.scoped_out:
        out.append("- ➖ newly out of scope: " + ", ".join(change_item(c) for c in plan.scoped_out))
    for change in plan.owner_changes:
        out.append(
            f"- 🔀 owner of {code(change.failure_mode)} changed: {owner_cell(change.before)} → {owner_cell(change.after)}"
        )
        out += [f"  - because {reason.describe(code)}" for reason in change.reasons]
    if plan.added_failure_modes and plan.change != "added":
        out.append("- now considered: " + names(plan.added_failure_modes))
    if plan.removed_failure_modes:
        out.append("- no longer considered: " + names(plan.removed_failure_modes))
    return out


def delta_section(delta: Delta, precision: int) -> list[str]:
    before, after = delta.before, delta.after
    version = f" (alignment-plan {escape(delta.base_version)})" if delta.base_version else ""
    out = [
        f"## Changes against {code(delta.base)}{version}",
        "",
        (
            f"Coverage {before.display(precision)} → **{after.display(precision)}** "
            f"({before.covered}/{before.total} → {after.covered}/{after.total}) · "
            f"{delta.newly_uncovered} newly uncovered · {delta.newly_covered} newly covered · "
            f"{delta.owner_changes} owner change{'s' if delta.owner_changes != 1 else ''}"
        ),
        "",
    ]
    changed = [p for p in delta.plans if p.change != "unchanged"]
    for plan in changed:
        figures = ""
        if plan.before is not None:
            figures += f": {plan.before.display(precision)}"
        if plan.after is not None:
            figures += (" → " if figures else ": ") + plan.after.display(precision)
        out += [f"**{code(plan.name)}** ({code(plan.file)}), {plan.change}{figures}", ""]
        items = plan_delta_items(plan)
        out += items + ([""] if items else [])
    if not changed:
        out += ["No plan changed.", ""]
    return out


def plan_section(plan: PlanResult, precision: int, show_missing: bool, skip_covered: bool) -> list[str]:
    complete = plan.covered == plan.total
    summary = (
        f"<b>{html.escape(plan.name)}</b> in <code>{html.escape(plan.file)}</code>: {plan.coverage.display(precision)} "
        f"({plan.covered} of {plan.total} covered)"
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
            owner_cell(fm),
            names(fm.covered_by) or "–",
            ", ".join(escape(s) for s in statuses(plan, fm.covered_by)) or "–",
            _MARKS[coverage_word(fm)],
        )
        if show_missing:
            row += (missing_cell(fm),)
        rows.append(row)
    total = (
        "**TOTAL**",
        "",
        f"{plan.covered} of {plan.total} covered",
        "",
        f"**{plan.coverage.display(precision)}**",
    )
    rows.append(total + ("",) * (len(headings) - len(total)))
    out += table(headings, rows, "lllll" + ("l" if show_missing else ""))
    if skipped:
        out += ["", f"{skipped} covered failure mode{'s' if skipped != 1 else ''} skipped."]
    out_of_scope = [fm for fm in plan.failure_modes if fm.out_of_scope is not None]
    if out_of_scope:
        out += [""] + [f"- {code(fm.name)} is out of scope: {escape(fm.out_of_scope)}" for fm in out_of_scope]
    return out + ["", "</details>", ""]


def missing_cell(fm: FailureModeResult) -> str:
    """`report_text.missing_text` with names as code spans."""
    if fm.out_of_scope is not None or fm.covered or fm.owner == "none":
        return escape(missing_text(fm))
    parts = []
    if fm.missing_in:
        parts.append("no technique in " + names(fm.missing_in))
    if fm.depends_on:
        parts.append("deciding facts: " + names(fm.depends_on))
    return "; ".join(parts)


def render(
    result: CheckResult,
    precision: int = 0,
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
            f"in {count} plan{'s' if count != 1 else ''} · {escape(summary_line(result))}"
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
    sections = [plan_section(p, precision, show_missing, skip_covered) for p in result.plans]
    text = "\n".join(head)
    kept = 0
    for section in sections:
        addition = "\n" + "\n".join(section)
        if len(text) + len(addition) > MAX_CHARS:
            break
        text += addition
        kept += 1
    if kept < len(sections):
        left = len(sections) - kept
        text += f"\n_{left} plan section{'s' if left != 1 else ''} left out to fit a PR comment; the HTML or JSON report has them._\n"
    return text.rstrip("\n") + "\n"
