"""The coverage gate shared by every command: thresholds in, failures out.

Works on `PlanResult`s only, and compares exact figures (`Coverage.meets`): 1999 of 2000
failure modes covered is below a threshold of 100, however the percentage is rounded
for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from alignment_plan.results.coverage import DEFAULT_PRECISION, Coverage, total_of
from alignment_plan.results.model import PlanResult


@attrs.frozen
class GateFailure:
    scope: str  # "total" or a step name
    required: float
    actual: Coverage
    uncovered: tuple[str, ...]  # "plan/failure_mode"

    def message(self, precision: int = DEFAULT_PRECISION) -> str:
        what = "total coverage" if self.scope == "total" else f"coverage of `{self.scope}`"
        missing = ", ".join(self.uncovered) or "none"
        return f"{what} {self.actual.display(precision)} is below the required {self.required:g}%; uncovered: {missing}"


def _label(plan: PlanResult, failure_mode: str, plans: list[PlanResult]) -> str:
    """`plan/failure_mode`, prefixed with the file when another checked plan has the same name."""
    if sum(p.name == plan.name for p in plans) > 1:
        return f"{plan.file}:{plan.name}/{failure_mode}"
    return f"{plan.name}/{failure_mode}"


def total_coverage(plans: Iterable[PlanResult]) -> Coverage:
    return total_of(plan.coverage for plan in plans)


def step_coverage(plans: Iterable[PlanResult], step: str) -> tuple[Coverage, tuple[str, ...]]:
    """Coverage of the failure modes `step` may own: covered there when not missing there."""
    plans = list(plans)
    covered = total = 0
    uncovered = []
    for plan in plans:
        for fm in plan.failure_modes:
            if fm.out_of_scope is not None or step not in fm.possible_owners:
                continue
            total += 1
            if step in fm.missing_in:
                uncovered.append(_label(plan, fm.name, plans))
            else:
                covered += 1
    return Coverage(covered, total), tuple(uncovered)


def coverage_gate(
    plans: Iterable[PlanResult], fail_under: float | None, per_step: Mapping[str, float] | None = None
) -> tuple[GateFailure, ...]:
    """Every threshold the plans miss, each naming the uncovered failure modes."""
    plans = list(plans)
    failures = []
    if fail_under is not None:
        total = total_coverage(plans)
        if not total.meets(fail_under):
            uncovered = tuple(
                _label(p, fm.name, plans) for p in plans for fm in p.failure_modes if fm.out_of_scope is None and not fm.covered
            )
            failures.append(GateFailure("total", fail_under, total, uncovered))
    for step, required in (per_step or {}).items():
        figure, uncovered = step_coverage(plans, step)
        if not figure.meets(required):
            failures.append(GateFailure(step, required, figure, uncovered))
    return tuple(failures)
