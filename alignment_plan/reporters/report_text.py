"""Coverage report as text: a `CheckResult` (and optionally a `Delta`) in, coverage.py-style
tables out, one per plan, with a TOTAL row; `--format total` is just the number.

The helpers for cells and percentages are shared with the Markdown and HTML reporters, so
every format says the same thing in the same words.
"""

from __future__ import annotations

from alignment_plan.reporters.text import summary_line
from alignment_plan.results.coverage import DEFAULT_PRECISION, total_of
from alignment_plan.vocabulary import STEPS
from alignment_plan.results.model import (
    CheckResult,
    CoverageChange,
    Delta,
    FailureModeResult,
    OwnerChange,
    PlanDelta,
    PlanResult,
)
from alignment_plan.text import printable


HEADINGS = ("Failure mode", "Owner", "Covered by", "Status", "Cover")


def render_total(result: CheckResult, precision: int = DEFAULT_PRECISION) -> str:
    """`--format total`: the total percentage as every other output shows it, without the sign."""
    return total_of(p.coverage for p in result.plans).display(precision).removesuffix("%") + "\n"


def owner_text(fm: FailureModeResult) -> str:
    if fm.owner == "operationalize":
        return "operationalize (open: " + " | ".join(fm.possible_owners) + ")"
    return fm.owner


def coverage_word(fm: FailureModeResult) -> str:
    if fm.out_of_scope is not None:
        return "out of scope"
    if fm.covered:
        return "yes"
    return "partly" if fm.covered_by else "no"


def statuses(plan: PlanResult, names: tuple[str, ...]) -> tuple[str, ...]:
    """The status of each named technique of `plan`, in the same order."""
    found = {t.name: t.status or "none" for t in plan.techniques}
    return tuple(found.get(name, "none") for name in names)


def missing_text(fm: FailureModeResult) -> str:
    """What leaves an uncovered failure mode open, in one line: steps lacking a technique and deciding facts."""
    if fm.out_of_scope is not None or fm.covered:
        return ""
    if fm.owner == "none":
        return "no step owns it: declare it out of scope with a reason, or sharpen the definitions"
    parts = []
    if fm.missing_in:
        parts.append("no technique in " + ", ".join(fm.missing_in))
    if fm.depends_on:
        parts.append("deciding facts: " + ", ".join(fm.depends_on))
    return "; ".join(parts)


def bindings_text(plan: PlanResult) -> str:
    text = ", ".join(f"{slot} = {definition}" for slot, definition in plan.bindings) or "no bindings"
    if plan.unbound:
        text += "; unbound: " + ", ".join(plan.unbound)
    return text


def delta_lines(delta: Delta, precision: int = 0) -> list[str]:
    """The delta section as plain lines (text output); user input stays in backticks."""
    before, after = delta.before, delta.after
    version = f" (alignment-plan {delta.base_version})" if delta.base_version else ""
    out = [
        f"Compared with {delta.base}{version}:",
        (
            f"  coverage {before.display(precision)} -> "
            f"{after.display(precision)} "
            f"({before.covered}/{before.total} -> {after.covered}/{after.total}); "
            f"{delta.newly_uncovered} newly uncovered, {delta.newly_covered} newly covered, "
            f"{delta.owner_changes} owner change{'s' if delta.owner_changes != 1 else ''}"
        ),
    ]
    for plan in delta.plans:
        if plan.change == "unchanged":
            continue
        figures = ""
        if plan.before is not None:
            figures += f", {plan.before.display(precision)}"
        if plan.after is not None:
            figures += (
                (" -> " if figures else ", ") + plan.after.display(precision)
            )
        out.append(f"  plan {plan.name} ({printable(plan.file)}): {plan.change}{figures}")
        out += ["    " + line for line in plan_delta_lines(plan)]
    if not any(p.change != "unchanged" for p in delta.plans):
        out.append("  no plan changed")
    return out + [""]


def coverage_change_text(change: CoverageChange) -> str:
    was = {"absent": "new", "covered": "was covered", "uncovered": "was uncovered", "out_of_scope": "was out of scope"}
    text = f"{change.failure_mode} ({was.get(change.before, change.before)}"
    if change.missing_in:
        text += "; no technique in " + ", ".join(change.missing_in)
    return text + ")"


def owner_change_text(change: OwnerChange) -> str:
    def side(state) -> str:
        if state.owner == "operationalize":
            return "operationalize (open: " + " | ".join(state.possible_owners) + ")"
        return state.owner

    return f"{change.failure_mode}: {side(change.before)} -> {side(change.after)}"


def plan_delta_lines(plan: PlanDelta) -> list[str]:
    out = []
    if plan.newly_uncovered:
        out.append("newly uncovered: " + ", ".join(coverage_change_text(c) for c in plan.newly_uncovered))
    if plan.newly_covered:
        out.append("newly covered: " + ", ".join(coverage_change_text(c) for c in plan.newly_covered))
    if plan.scoped_out:
        out.append("newly out of scope: " + ", ".join(coverage_change_text(c) for c in plan.scoped_out))
    for change in plan.owner_changes:
        out.append("owner changed: " + owner_change_text(change))
        out += ["  because " + printable(reason.message) for reason in change.reasons]
    if plan.added_failure_modes and plan.change != "added":
        out.append("now considered: " + ", ".join(plan.added_failure_modes))
    if plan.removed_failure_modes:
        out.append("no longer considered: " + ", ".join(plan.removed_failure_modes))
    return out


def plan_rows(plan: PlanResult, show_missing: bool, skip_covered: bool) -> tuple[list[tuple[str, ...]], int]:
    rows, skipped = [], 0
    for fm in plan.failure_modes:
        if skip_covered and fm.covered and fm.out_of_scope is None:
            skipped += 1
            continue
        covered_by = ", ".join(fm.covered_by) or "-"
        status = ", ".join(statuses(plan, fm.covered_by)) or "-"
        row = (fm.name, owner_text(fm), covered_by, status, coverage_word(fm))
        rows.append(row + ((missing_text(fm),) if show_missing else ()))
    return rows, skipped


def render_plan(plan: PlanResult, precision: int, show_missing: bool, skip_covered: bool) -> list[str]:
    out = [
        f"plan {plan.name} ({printable(plan.file)}:{plan.line}): {printable(plan.title)}",
        f"  {bindings_text(plan)}; techniques count from status {plan.threshold}",
        "",
    ]
    headings = HEADINGS + (("Missing",) if show_missing else ())
    rows, skipped = plan_rows(plan, show_missing, skip_covered)
    total = (
        "TOTAL",
        "",
        f"{plan.covered} of {plan.total} covered",
        "",
        plan.coverage.display(precision),
    )
    total += ("",) * (len(headings) - len(total))
    table = [headings, *rows, total]
    widths = [max(len(row[i]) for row in table) for i in range(len(headings))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    for index, row in enumerate(table):
        if index in (1, len(table) - 1):
            out.append(rule)
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    if skipped:
        out += ["", f"{skipped} covered failure mode{'s' if skipped != 1 else ''} skipped."]
    return out + [""]


def render(
    result: CheckResult,
    precision: int = 0,
    show_missing: bool = False,
    skip_covered: bool = False,
    delta: Delta | None = None,
) -> str:
    """The text report: one table per plan, an overall TOTAL, the delta, and a findings count."""
    out: list[str] = []
    for error in result.file_errors:
        out += [f"error: cannot read `{printable(error.file)}`: {printable(error.message)}", ""]
    for plan in result.plans:
        out += render_plan(plan, precision, show_missing, skip_covered)
    if not result.plans:
        out += ["no plans found", ""]
    total = total_of(p.coverage for p in result.plans)
    count = len(result.plans)
    out += [
        (
            f"TOTAL: {total.covered} of {total.total} failure modes covered in {count} plan{'s' if count != 1 else ''}: "
            f"{total.display(precision)}"
        ),
        "",
    ]
    if delta is not None:
        out += delta_lines(delta, precision)
    out.append(summary_line(result))
    return "\n".join(out) + "\n"
