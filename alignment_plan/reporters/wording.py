"""Reporters stage: the words for coverage and for deltas, shared by the text, Markdown and
HTML reports.

Consumes failure modes, plans, coverage figures and the delta types of `results`; produces
phrases. Each report passes its own `Markup` (how it sets a name, a step, other words from
the user, the figure a sentence stresses, and its arrow), so every format says the same
thing in the same words, each with its own escaping. Percentages come only from
`Coverage.display`.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from alignment_plan.results.coverage import Coverage
from alignment_plan.results.model import CoverageChange, Delta, FailureModeResult, OwnerState, PlanDelta, PlanResult
from alignment_plan.text import printable
from alignment_plan.vocabulary import NO_OWNER, OPERATIONALIZE


def _same(text: str) -> str:
    return text


def _backticks(text: str) -> str:
    return f"`{text}`"


@attrs.frozen
class Markup:
    """How one format sets the parts of a phrase; the defaults are plain text."""

    name: Callable[[str], str] = _same  # a name or path, in a list or a cell
    quote: Callable[[str], str] = _backticks  # a name or value inside a sentence
    step: Callable[[str], str] = _same
    text: Callable[[str], str] = _same  # other words that came from the user
    strong: Callable[[str], str] = _same  # the figure a sentence stresses
    arrow: str = "->"


# Plain text for a terminal or a log: user words made `printable`.
PLAIN = Markup(name=printable, quote=lambda text: f"`{printable(text)}`", text=printable)

# The coverage states of a failure mode; a delta compares the same states.
COVERED, PARTLY, UNCOVERED, OUT_OF_SCOPE = "covered", "partly", "uncovered", "out_of_scope"
# The Cover column of a table.
CELL = {COVERED: "yes", PARTLY: "partly", UNCOVERED: "no", OUT_OF_SCOPE: "out of scope"}
# The state inside a sentence.
STATE = {COVERED: "covered", PARTLY: "partly covered", UNCOVERED: "uncovered", OUT_OF_SCOPE: "out of scope"}
# A failure mode's state in the base report, as a delta recalls it.
WAS = {"absent": "new", **{state: f"was {STATE[state]}" for state in (COVERED, UNCOVERED, OUT_OF_SCOPE)}}
NOBODY = "no step owns it"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def coverage_state(fm: FailureModeResult) -> str:
    if fm.out_of_scope is not None:
        return OUT_OF_SCOPE
    if fm.covered:
        return COVERED
    return PARTLY if fm.covered_by else UNCOVERED


def cover_word(fm: FailureModeResult) -> str:
    return CELL[coverage_state(fm)]


def covered_count(coverage: Coverage) -> str:
    return f"{coverage.covered} of {coverage.total} covered"


def skipped(count: int) -> str:
    return f"{plural(count, 'covered failure mode')} skipped."


def owner(state: FailureModeResult | OwnerState, m: Markup = PLAIN) -> str:
    """The owning step, or `operationalize (open: a or b)` when the definitions leave it open."""
    if state.owner == OPERATIONALIZE:
        return f"{m.step(OPERATIONALIZE)} (open: " + " or ".join(m.step(s) for s in state.possible_owners) + ")"
    return m.step(state.owner)


def missing(fm: FailureModeResult, m: Markup = PLAIN) -> str:
    """What leaves an uncovered failure mode open, in one line: steps lacking a technique and deciding facts."""
    if fm.out_of_scope is not None or fm.covered:
        return ""
    if fm.owner == NO_OWNER:
        return f"{NOBODY}: declare it out of scope with a reason, or sharpen the definitions"
    parts = []
    if fm.missing_in:
        parts.append("no technique in " + ", ".join(m.step(s) for s in fm.missing_in))
    if fm.depends_on:
        parts.append("deciding facts: " + ", ".join(m.name(f) for f in fm.depends_on))
    return "; ".join(parts)


def covered_by(fm: FailureModeResult, m: Markup = PLAIN) -> str:
    """The techniques that count, then those that back it up from another step (not counted)."""
    text = ", ".join(m.name(name) for name in fm.covered_by)
    if fm.backed_up_by:
        backups = "backed up by " + ", ".join(m.name(name) for name in fm.backed_up_by)
        text = f"{text}; {backups}" if text else f"only {backups} (not counted)"
    return text or "-"


def by_status(plan: PlanResult) -> str:
    """`validated 0/4, deployed 1/4, prototype 3/4 (threshold), research 3/4`: cumulative, each
    status counting its techniques and those of every more mature status."""
    parts = []
    for status, figures in plan.coverage_by_status:
        mark = " (threshold)" if status == plan.threshold else ""
        parts.append(f"{status} {figures.covered}/{figures.total}{mark}")
    return ", ".join(parts)


def statuses(plan: PlanResult, names: tuple[str, ...]) -> tuple[str, ...]:
    """The status of each named technique of `plan`, in the same order."""
    found = {t.name: t.status or "none" for t in plan.techniques}
    return tuple(found.get(name, "none") for name in names)


# Deltas --------------------------------------------------------------------------------


def base_of(delta: Delta, m: Markup = PLAIN) -> str:
    """The base report, and the version that wrote it when known."""
    version = f" (alignment-plan {m.text(delta.base_version)})" if delta.base_version else ""
    return m.name(delta.base) + version


def coverage_move(before: Coverage, after: Coverage, precision: int, m: Markup = PLAIN) -> str:
    """`87.5% -> 66.7% (7/8 -> 6/9)`."""
    return (
        f"{before.display(precision)} {m.arrow} {m.strong(after.display(precision))} "
        f"({before.covered}/{before.total} {m.arrow} {after.covered}/{after.total})"
    )


def delta_counts(delta: Delta) -> list[str]:
    return [
        f"{delta.newly_uncovered} newly uncovered",
        f"{delta.newly_covered} newly covered",
        plural(delta.owner_changes, "owner change"),
    ]


def plan_change(plan: PlanDelta, precision: int, m: Markup = PLAIN, name: str | None = None) -> str:
    """`assistant (plans/a.plan): changed, 100.0% -> 75.0%`; `name` as the format sets it."""
    figures = [figure.display(precision) for figure in (plan.before, plan.after) if figure is not None]
    text = f"{name or m.name(plan.name)} ({m.name(plan.file)}): {plan.change}"
    return text + (", " + f" {m.arrow} ".join(figures) if figures else "")


def coverage_change(change: CoverageChange, m: Markup, link: Callable[[str], str]) -> str:
    """`deception (was covered; no technique in find_and_fix)`."""
    text = f"{link(change.failure_mode)} ({WAS.get(change.before) or m.text(change.before)}"
    if change.missing_in:
        text += "; no technique in " + ", ".join(m.step(s) for s in change.missing_in)
    return text + ")"


@attrs.frozen
class DeltaItem:
    """One line of a plan's delta: `label: body`, with reasons below it."""

    kind: str  # "newly_uncovered", "newly_covered", "scoped_out", "owner", "by_status", "added" or "removed"
    label: str
    body: str
    reasons: tuple[str, ...] = ()


_COVERAGE_CHANGES = (
    ("newly_uncovered", "newly uncovered"),
    ("newly_covered", "newly covered"),
    ("scoped_out", "newly out of scope"),
)


def plan_delta_items(plan: PlanDelta, m: Markup = PLAIN, link: Callable[[str], str] | None = None) -> list[DeltaItem]:
    """What changed in one plan; `link` sets a failure mode the plan still has (default `m.name`)."""
    link = link or m.name
    items = []
    for kind, label in _COVERAGE_CHANGES:
        changes = getattr(plan, kind)
        if changes:
            items.append(DeltaItem(kind, label, ", ".join(coverage_change(c, m, link) for c in changes)))
    for change in plan.owner_changes:
        before, after = owner(change.before, m), owner(change.after, m)
        if before == after:
            # Only the deciding facts changed: say so, never a change that reads the same on both sides.
            before, after = (
                f"{text}; deciding: " + (", ".join(m.name(f) for f in state.depends_on) or "none")
                for text, state in ((before, change.before), (after, change.after))
            )
        items.append(
            DeltaItem(
                "owner",
                f"owner of {link(change.failure_mode)} changed",
                f"{before} {m.arrow} {after}",
                tuple(f"because {reason.describe(m.quote)}" for reason in change.reasons),
            )
        )
    moved = [
        f"{status} {old.covered}/{old.total} {m.arrow} {new.covered}/{new.total}"
        for (status, old), (_, new) in zip(plan.before_by_status, plan.after_by_status)
        if (old.covered, old.total) != (new.covered, new.total)
    ]
    if moved:
        items.append(DeltaItem("by_status", "coverage by status", ", ".join(moved)))
    if plan.added_failure_modes and plan.change != "added":
        items.append(DeltaItem("added", "now considered", ", ".join(link(n) for n in plan.added_failure_modes)))
    if plan.removed_failure_modes:
        items.append(DeltaItem("removed", "no longer considered", ", ".join(m.name(n) for n in plan.removed_failure_modes)))
    return items
