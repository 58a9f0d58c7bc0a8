"""The coverage gate shared by `check` and `report`: thresholds in, failures out.

Works on `PlanResult`s only, so both commands (and their reporters) agree on the numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from alignment_plan.result import PlanResult

STEP_NAMES = ("feedback_process", "find_and_fix")


@attrs.frozen
class GateFailure:
    scope: str  # "total" or a step name
    required: float
    actual: float
    uncovered: tuple[str, ...]  # "plan/failure_mode"

    def message(self) -> str:
        what = "total coverage" if self.scope == "total" else f"coverage of `{self.scope}`"
        missing = ", ".join(self.uncovered) or "none"
        return f"{what} {self.actual:g}% is below the required {self.required:g}%; uncovered: {missing}"


def _label(plan: PlanResult, failure_mode: str, plans: list[PlanResult]) -> str:
    """`plan/failure_mode`, prefixed with the file when another checked plan has the same name."""
    if sum(p.name == plan.name for p in plans) > 1:
        return f"{plan.file}:{plan.name}/{failure_mode}"
    return f"{plan.name}/{failure_mode}"


def total_coverage(plans: Iterable[PlanResult]) -> tuple[int, int, float]:
    plans = list(plans)
    covered = sum(p.covered for p in plans)
    total = sum(p.total for p in plans)
    return covered, total, (100.0 if total == 0 else round(100.0 * covered / total, 1))


def step_coverage(plans: Iterable[PlanResult], step: str) -> tuple[int, int, float, tuple[str, ...]]:
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
    percent = 100.0 if total == 0 else round(100.0 * covered / total, 1)
    return covered, total, percent, tuple(uncovered)


def coverage_gate(
    plans: Iterable[PlanResult], fail_under: float | None, per_step: Mapping[str, float] | None = None
) -> list[GateFailure]:
    """Every threshold the plans miss, each naming the uncovered failure modes."""
    plans = list(plans)
    failures = []
    if fail_under is not None:
        _, _, percent = total_coverage(plans)
        if percent < fail_under:
            uncovered = tuple(
                _label(p, fm.name, plans) for p in plans for fm in p.failure_modes if fm.out_of_scope is None and not fm.covered
            )
            failures.append(GateFailure("total", fail_under, percent, uncovered))
    for step, required in (per_step or {}).items():
        _, _, percent, uncovered = step_coverage(plans, step)
        if percent < required:
            failures.append(GateFailure(step, required, percent, uncovered))
    return failures
