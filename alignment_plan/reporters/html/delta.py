"""HTML report: the changes against a base report, for the index and each plan page, in the
words of `wording`."""

from __future__ import annotations

from alignment_plan.reporters import wording
from alignment_plan.reporters.html.markup import MARKUP
from alignment_plan.results.model import Delta, PlanDelta

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
