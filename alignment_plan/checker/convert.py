"""Checker: analyses converted into the result types the reporters read."""

from __future__ import annotations

from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.scenarios import ScenarioAnalysis
from alignment_plan.analysis.scenarios.tables import Cell, Combination, LABELS
from alignment_plan.analysis.semantics import PlanAnalysis
from alignment_plan.checker.explain import Explainer
from alignment_plan.vocabulary import STATUSES
from alignment_plan.diagnostics import Severity
from alignment_plan.results.coverage import Coverage
from alignment_plan.results.model import (
    AssumptionResult,
    CombinationResult,
    FailureModeResult,
    LabelCheckResult,
    PlanResult,
    ScenarioResult,
    TechniqueResult,
    VerdictResult,
)


def _once(alike: dict, key: tuple, make):
    found = alike.get(key)
    if found is None:
        found = alike[key] = make()
    return found


def _stated_facts(scope: Scope, name: str) -> tuple[tuple[str, bool], ...]:
    decl = scope.failure_modes.get(name)
    return tuple((value.fact.text, value.value) for value in (decl.facts if decl else ()))


def plan_result(
    analysis: PlanAnalysis, file: str, scope: Scope, explainer: Explainer | None = None, alike: dict | None = None
) -> PlanResult:
    """One plan's result; with an `explainer`, each failure mode carries its explanation.
    `alike`: what the plans of one scope hold alike, made once for all of them (filled
    here): the facts each failure mode states and the coverage figures (1000 plans hold
    30 000 pairs of facts and 9000 figures otherwise)."""
    plan = analysis.plan
    alike = {} if alike is None else alike
    by_status = tuple((status, analysis.covered_at(status)) for status in reversed(STATUSES))
    return PlanResult(
        name=plan.name.text,
        title=plan.title.value,
        file=file,
        line=plan.span.line,
        bindings=analysis.bindings,
        unbound=analysis.unbound,
        threshold=analysis.threshold,
        failure_modes=tuple(
            FailureModeResult(
                name=o.failure_mode,
                title=o.title,
                owner=o.owner,
                possible_owners=o.possible_owners,
                depends_on=o.depends_on,
                covered=o.covered,
                covered_by=o.covered_by,
                missing_in=o.missing_in,
                out_of_scope=o.out_of_scope.reason.value if o.out_of_scope else None,
                facts=_once(alike, ("facts", o.failure_mode), lambda: _stated_facts(scope, o.failure_mode)),
                covered_from=o.covered_from,
                backed_up_by=o.backed_up_by,
                owner_probabilities=(
                    tuple((owner, float(p)) for owner, p in o.probabilities) if o.probabilities is not None else None
                ),
                explanation=explainer.explain(analysis, o) if explainer is not None else None,
            )
            for o in analysis.ownership
        ),
        techniques=tuple(
            TechniqueResult(
                name=t.name.text,
                title=t.title.value,
                step=kind,
                status=t.status.text if t.status else None,
                evidence=tuple(e.value for e in t.evidence),
                addresses=tuple(a.text for a in t.addresses),
                fixes=tuple(f.text for f in t.fixes),
                line=t.span.line,
                backs_up=tuple(b.text for b in t.backs_up),
                feedback_source=t.feedback_source is not None,
            )
            for kind, t in plan.techniques()
        ),
        coverage=_once(
            alike, ("coverage", analysis.covered, analysis.total), lambda: Coverage(analysis.covered, analysis.total)
        ),
        coverage_by_status=_once(
            alike,
            ("by status", analysis.total, *by_status),
            lambda: tuple((status, Coverage(covered, analysis.total)) for status, covered in by_status),
        ),
        assumptions=tuple(
            AssumptionResult(
                failure_mode=name.text,
                fact=a.fact.fact.text,
                value=a.fact.value,
                line=a.span.line,
                reason=a.reason.value if a.reason else None,
                evidence=tuple(e.value for e in a.evidence),
            )
            for a in plan.assumptions
            for name in a.failure_modes
        ),
        lens_slots=analysis.lens_slots,
    )


def _verdict_result(cell: Cell, label: str | None) -> VerdictResult:
    verdict = cell.verdict
    return VerdictResult(
        lens=cell.combination.lens,
        heuristic=cell.combination.heuristic,
        bindings=cell.combination.bindings,
        reading=cell.combination.reading,
        verdict=verdict.value,
        legacy=cell.legacy,
        possible=verdict.outcomes,
        depends_on=verdict.depends_on,
        probabilities=(
            tuple((outcome, float(p)) for outcome, p in verdict.probabilities)
            if verdict.probabilities is not None
            else None
        ),
        matches_label=None if label is None else cell.legacy == label,
    )


def scenario_results(analysis: ScenarioAnalysis, diagnostics=()) -> tuple[ScenarioResult, ...]:
    """One result per scenario of the file, in source order; a scenario with errors carries
    the error findings inside it instead of verdicts."""
    results = []
    for table in analysis.tables:
        story, decl = table.story, table.story.scenario
        label = story.label.text if story.label is not None and story.label.text in LABELS else None
        results.append(
            ScenarioResult(
                name=story.name,
                title=decl.title.value,
                file=analysis.file,
                line=decl.span.line,
                refines=decl.parent.text if decl.parent is not None else None,
                labels=tuple(name.text for name in decl.labels),
                facts=story.facts,
                sources=tuple(source.value for source in decl.sources),
                verdicts=tuple(_verdict_result(cell, label) for cell in table.cells),
                priors=tuple((fact, float(p)) for fact, p in table.priors),
            )
        )
    for decl in analysis.with_errors:
        story = analysis.stories.by_name.get(decl.name.text)
        errors = tuple(
            d
            for d in diagnostics
            if d.severity is Severity.ERROR
            and d.span.file == decl.span.file
            and decl.span.line <= d.span.line <= decl.span.end_line
        )
        results.append(
            ScenarioResult(
                name=decl.name.text,
                title=decl.title.value,
                file=analysis.file,
                line=decl.span.line,
                refines=decl.parent.text if decl.parent is not None else None,
                labels=tuple(name.text for name in decl.labels),
                facts=story.facts if story is not None else (),
                sources=tuple(source.value for source in decl.sources),
                verdicts=(),
                classified=False,
                errors=errors,
            )
        )
    return tuple(sorted(results, key=lambda r: r.line))


def _combination_result(combination: Combination) -> CombinationResult:
    return CombinationResult(
        lens=combination.lens,
        heuristic=combination.heuristic,
        bindings=combination.bindings,
        reading=combination.reading,
    )


def label_check_results(analysis: ScenarioAnalysis) -> tuple[LabelCheckResult, ...]:
    check = analysis.label_check
    if check is None:
        return ()
    return (
        LabelCheckResult(
            file=check.file,
            labels=check.labels,
            real=tuple(_combination_result(c) for c in check.real),
            heuristic=tuple(_combination_result(c) for c in check.heuristic),
            unreproducible=check.unreproducible,
            conflict=check.conflict.scenarios if check.conflict else (),
            conflict_kind=check.conflict.kind if check.conflict else None,
        ),
    )
