"""Coverage report as text: a `CheckResult` (and optionally a `Delta`) in, coverage.py-style
tables out, one per plan, with a TOTAL row; `--format total` is just the number.

The words come from `wording`, as in the Markdown and HTML reports.
"""

from __future__ import annotations

from alignment_plan.reporters import wording
from alignment_plan.reporters.text import summary_line
from alignment_plan.results.coverage import DEFAULT_PRECISION, total_of
from alignment_plan.results.model import CheckResult, Delta, PlanDelta, PlanResult
from alignment_plan.text import printable

HEADINGS = ("Failure mode", "Owner", "Covered by", "Status", "Cover")


def render_total(result: CheckResult, precision: int = DEFAULT_PRECISION) -> str:
    """`--format total`: the total percentage as every other output shows it, without the sign."""
    return total_of(p.coverage for p in result.plans).display(precision).removesuffix("%") + "\n"


def bindings_text(plan: PlanResult) -> str:
    text = ", ".join(f"{slot} = {definition}" for slot, definition in plan.bindings) or "no bindings"
    if plan.unbound:
        text += "; unbound: " + ", ".join(plan.unbound)
    return text


def delta_lines(delta: Delta, precision: int = DEFAULT_PRECISION) -> list[str]:
    """The delta section as plain lines; user input in sentences stays in backticks."""
    out = [
        f"Compared with {wording.base_of(delta)}:",
        f"  coverage {wording.coverage_move(delta.before, delta.after, precision)}; "
        + ", ".join(wording.delta_counts(delta)),
    ]
    for plan in delta.plans:
        if plan.change == "unchanged":
            continue
        out.append(f"  plan {wording.plan_change(plan, precision)}")
        out += ["    " + line for line in plan_delta_lines(plan)]
    if not any(p.change != "unchanged" for p in delta.plans):
        out.append("  no plan changed")
    return out + [""]


def plan_delta_lines(plan: PlanDelta) -> list[str]:
    out = []
    for item in wording.plan_delta_items(plan):
        out.append(f"{item.label}: {item.body}")
        out += ["  " + reason for reason in item.reasons]
    return out


def plan_rows(plan: PlanResult, show_missing: bool, skip_covered: bool) -> tuple[list[tuple[str, ...]], int]:
    rows, skipped = [], 0
    for fm in plan.failure_modes:
        if skip_covered and fm.covered and fm.out_of_scope is None:
            skipped += 1
            continue
        covered_by = wording.covered_by(fm)
        status = ", ".join(wording.statuses(plan, fm.covered_by)) or "-"
        row = (fm.name, wording.owner(fm), covered_by, status, wording.cover_word(fm))
        rows.append(row + ((wording.missing(fm),) if show_missing else ()))
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
        wording.covered_count(plan.coverage),
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
    if plan.coverage_by_status:
        out.append("coverage by status: " + wording.by_status(plan))
    if skipped:
        out += ["", wording.skipped(skipped)]
    return out + [""]


def render(
    result: CheckResult,
    precision: int = DEFAULT_PRECISION,
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
            f"TOTAL: {total.covered} of {total.total} failure modes covered in {wording.plural(count, 'plan')}: "
            f"{total.display(precision)}"
        ),
        "",
    ]
    if delta is not None:
        out += delta_lines(delta, precision)
    out.append(summary_line(result))
    return "\n".join(out) + "\n"
