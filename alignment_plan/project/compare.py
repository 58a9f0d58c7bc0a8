"""Compare stage: a base JSON report and the current `CheckResult` in, a `result.Delta` out.

The base is the document `check --format json` or `report --format json` wrote on the base
branch (`schemas/check.schema.json`); the current side is the checker's result. The delta
says, per plan, which failure modes are newly uncovered and newly covered, and which owners
changed together with the reasons found for each: a binding of a slot the ownership lens
reads, an assumption on that failure mode, or a fact of the failure mode's own story.
Pure data: no formatting, no I/O. The delta types live in `result` so reporters can read
them without importing this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from alignment_plan.project.gate import total_coverage
from alignment_plan.results.coverage import Coverage
from alignment_plan.results.model import (
    CheckResult,
    CoverageChange,
    Delta,
    OwnerChange,
    OwnerReason,
    OwnerState,
    PlanDelta,
    PlanResult,
)

ABSENT, COVERED, UNCOVERED, OUT_OF_SCOPE = "absent", "covered", "uncovered", "out_of_scope"


class BaseReportError(ValueError):
    """The base report cannot be used: not JSON, or not in the shape of a check report."""


@attrs.frozen
class BaseFailureMode:
    name: str
    owner: OwnerState
    state: str
    facts: Mapping[str, bool] | None  # None: the base report predates `facts`


@attrs.frozen
class BasePlan:
    name: str
    file: str
    bindings: Mapping[str, str]
    assumptions: Mapping[tuple[str, str], bool] | None  # None: the base report predates `assumptions`
    lens_slots: tuple[str, ...] | None  # None: the base report predates `lens_slots`
    coverage: Coverage
    failure_modes: Mapping[str, BaseFailureMode]
    by_status: tuple[tuple[str, Coverage], ...] = ()  # empty: the base report predates `by_status`


def parse_base(text: str) -> tuple[tuple[BasePlan, ...], str | None]:
    """The plans and version of a base report, checked for every field the comparison reads."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaseReportError(f"not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise BaseReportError("not JSON this tool wrote (nested too deeply)") from None
    except ValueError:  # an integer of more than 4300 digits (Python 3.11 and later)
        raise BaseReportError("not JSON this tool wrote (a number with thousands of digits)") from None
    plans = read_plans(document)
    version = document.get("version")
    return plans, version if isinstance(version, str) else None


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise BaseReportError(f"`{where}` is missing or is not a {kind.__name__}; expected a JSON report of this tool")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = _expect(value, list, where)
    return tuple(_expect(item, str, f"{where}[{index}]") for index, item in enumerate(items))


def _facts(value: Any, where: str) -> dict[str, bool]:
    return {fact: _expect(item, bool, f"{where}.{fact}") for fact, item in _expect(value, dict, where).items()}


def read_plans(document: Any) -> tuple[BasePlan, ...]:
    """`BasePlan`s from a parsed report; `BaseReportError` names the first bad field."""
    _expect(document, dict, "the document")
    plans = []
    for index, plan in enumerate(_expect(document.get("plans"), list, "plans")):
        where = f"plans[{index}]"
        _expect(plan, dict, where)
        assumptions = None
        if "assumptions" in plan:
            assumptions = {}
            for number, item in enumerate(_expect(plan["assumptions"], list, f"{where}.assumptions")):
                at = f"{where}.assumptions[{number}]"
                _expect(item, dict, at)
                key = (
                    _expect(item.get("failure_mode"), str, f"{at}.failure_mode"),
                    _expect(item.get("fact"), str, f"{at}.fact"),
                )
                assumptions[key] = _expect(item.get("value"), bool, f"{at}.value")
        failure_modes = {}
        for number, fm in enumerate(_expect(plan.get("failure_modes"), list, f"{where}.failure_modes")):
            at = f"{where}.failure_modes[{number}]"
            _expect(fm, dict, at)
            name = _expect(fm.get("name"), str, f"{at}.name")
            owner = OwnerState(
                owner=_expect(fm.get("owner"), str, f"{at}.owner"),
                possible_owners=_strings(fm.get("possible_owners", []), f"{at}.possible_owners"),
                depends_on=_strings(fm.get("depends_on", []), f"{at}.depends_on"),
            )
            covered = _expect(fm.get("covered"), bool, f"{at}.covered")
            if fm.get("out_of_scope") is not None:
                state = OUT_OF_SCOPE
            else:
                state = COVERED if covered else UNCOVERED
            facts = _facts(fm["facts"], f"{at}.facts") if "facts" in fm else None
            failure_modes[name] = BaseFailureMode(name, owner, state, facts)
        counted = [fm for fm in failure_modes.values() if fm.state != OUT_OF_SCOPE]
        bindings = _expect(plan.get("bindings", {}), dict, f"{where}.bindings")
        by_status = _by_status(plan.get("coverage"), f"{where}.coverage.by_status")
        plans.append(
            BasePlan(
                name=_expect(plan.get("name"), str, f"{where}.name"),
                file=_expect(plan.get("file", ""), str, f"{where}.file"),
                bindings={slot: _expect(d, str, f"{where}.bindings.{slot}") for slot, d in bindings.items()},
                assumptions=assumptions,
                lens_slots=_strings(plan["lens_slots"], f"{where}.lens_slots") if "lens_slots" in plan else None,
                coverage=Coverage(sum(fm.state == COVERED for fm in counted), len(counted)),
                failure_modes=failure_modes,
                by_status=by_status,
            )
        )
    return tuple(plans)


def _by_status(coverage: Any, where: str) -> tuple[tuple[str, Coverage], ...]:
    if not isinstance(coverage, dict) or "by_status" not in coverage:
        return ()
    found = []
    for status, figures in _expect(coverage["by_status"], dict, where).items():
        _expect(figures, dict, f"{where}.{status}")
        found.append(
            (
                status,
                Coverage(
                    _expect(figures.get("covered"), int, f"{where}.{status}.covered"),
                    _expect(figures.get("total"), int, f"{where}.{status}.total"),
                ),
            )
        )
    return tuple(found)


def state_of(fm) -> str:
    if fm.out_of_scope is not None:
        return OUT_OF_SCOPE
    return COVERED if fm.covered else UNCOVERED


def pair_plans(base: tuple[BasePlan, ...], current: tuple[PlanResult, ...]):
    """Match plans by file and name; a plan that moved to another file matches by name alone."""
    unmatched = list(base)
    pairs = []
    for plan in current:
        match = next((b for b in unmatched if (b.file, b.name) == (plan.file, plan.name)), None)
        if match is None:
            same_name = [b for b in unmatched if b.name == plan.name]
            match = same_name[0] if len(same_name) == 1 else None
        if match is not None:
            unmatched.remove(match)
        pairs.append((match, plan))
    return pairs, unmatched


def owner_reasons(base: BasePlan, base_fm: BaseFailureMode, plan: PlanResult, fm) -> tuple[OwnerReason, ...]:
    """Every changed input of the ownership lens for this failure mode.

    Bindings count when their slot is one the lens reads on either side (all slots when
    neither report says which); assumptions and story facts when both reports carry them.
    """
    reasons = []
    now = dict(plan.bindings)
    read = set(plan.lens_slots) | set(base.lens_slots or ())
    for slot in sorted(set(base.bindings) | set(now)):
        relevant = slot in read or (not plan.lens_slots and base.lens_slots is None)
        if relevant and base.bindings.get(slot) != now.get(slot):
            reasons.append(OwnerReason("binding", slot, base.bindings.get(slot), now.get(slot)))
    if base.assumptions is not None:
        before = {fact: value for (name, fact), value in base.assumptions.items() if name == fm.name}
        after = {a.fact: a.value for a in plan.assumptions if a.failure_mode == fm.name}
        reasons += _fact_reasons("assumption", before, after)
    if base_fm.facts is not None and fm.facts:
        reasons += _fact_reasons("story", base_fm.facts, dict(fm.facts))
    return tuple(reasons) or (OwnerReason("unexplained", "", None, None),)


def _fact_reasons(kind: str, before: Mapping[str, bool], after: Mapping[str, bool]) -> list[OwnerReason]:
    word = {True: "true", False: "false", None: None}
    return [
        OwnerReason(kind, fact, word[before.get(fact)], word[after.get(fact)])
        for fact in sorted(set(before) | set(after))
        if before.get(fact) != after.get(fact)
    ]


def removed_plan(base: BasePlan) -> PlanDelta:
    return PlanDelta(
        name=base.name,
        file=base.file,
        change="removed",
        before=base.coverage,
        after=None,
        newly_uncovered=(),
        newly_covered=(),
        owner_changes=(),
        added_failure_modes=(),
        removed_failure_modes=tuple(base.failure_modes),
    )


def plan_delta(base: BasePlan | None, plan: PlanResult) -> PlanDelta:
    """What changed in one plan; a plan absent from the base counts every uncovered mode as new."""
    old = base.failure_modes if base is not None else {}
    uncovered, covered, scoped_out, owners = [], [], [], []
    for fm in plan.failure_modes:
        state = state_of(fm)
        base_fm = old.get(fm.name)
        before = base_fm.state if base_fm is not None else ABSENT
        if state == UNCOVERED and before != UNCOVERED:
            uncovered.append(CoverageChange(fm.name, before, state, fm.missing_in))
        elif state == COVERED and before == UNCOVERED:
            covered.append(CoverageChange(fm.name, before, state))
        elif state == OUT_OF_SCOPE and before in (COVERED, UNCOVERED):
            scoped_out.append(CoverageChange(fm.name, before, state))
        if base_fm is not None:
            now = OwnerState(fm.owner, fm.possible_owners, fm.depends_on)
            if now != base_fm.owner:
                owners.append(OwnerChange(fm.name, base_fm.owner, now, owner_reasons(base, base_fm, plan, fm)))
    names = [fm.name for fm in plan.failure_modes]
    after = plan.coverage
    added = tuple(n for n in names if n not in old)
    removed = tuple(n for n in old if n not in names)
    by_status = plan.coverage_by_status if base is not None and base.by_status else ()
    if base is None:
        change = "added"
    elif uncovered or covered or scoped_out or owners or added or removed or base.coverage != after:
        change = "changed"
    elif by_status and tuple(base.by_status) != tuple(by_status):
        change = "changed"
    else:
        change = "unchanged"
    return PlanDelta(
        name=plan.name,
        file=plan.file,
        change=change,
        before=base.coverage if base is not None else None,
        after=after,
        newly_uncovered=tuple(uncovered),
        newly_covered=tuple(covered),
        owner_changes=tuple(owners),
        added_failure_modes=added,
        removed_failure_modes=removed,
        scoped_out=tuple(scoped_out),
        before_by_status=base.by_status if by_status else (),
        after_by_status=by_status,
    )


def compare(base: tuple[BasePlan, ...], result: CheckResult, label: str, version: str | None = None) -> Delta:
    """The delta from the base report's plans to the current result, plan by plan."""
    pairs, removed = pair_plans(base, result.plans)
    counted = [fm for p in base for fm in p.failure_modes.values() if fm.state != OUT_OF_SCOPE]
    return Delta(
        base=label,
        base_version=version,
        before=Coverage(sum(fm.state == COVERED for fm in counted), len(counted)),
        after=total_coverage(result.plans),
        plans=tuple([plan_delta(b, p) for b, p in pairs] + [removed_plan(b) for b in removed]),
    )


def compare_text(text: str, result: CheckResult, label: str) -> Delta:
    """`compare` on the text of a base report; `BaseReportError` when it is unusable."""
    plans, version = parse_base(text)
    return compare(plans, result, label, version)
