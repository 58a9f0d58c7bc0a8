"""Rules of the structure family (AP2xx): contradictions, bindings, lens shape, priors.

Registering the rules (every run does, a run served from the result cache too) loads
no analysis: what a rule needs of it is imported inside the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alignment_plan.diagnostics import Related, Severity
from alignment_plan.rules.registry import Finding, rule
from alignment_plan.vocabulary import NO_OWNER, OWNERSHIP_LENS, OWNING_STEPS

if TYPE_CHECKING:
    from alignment_plan.syntax import nodes


@rule("AP201", "contradictory-assumption", Severity.ERROR)
def contradictory_assumption(context):
    """An `assume` line contradicts a fact the failure mode itself states.

    Assumptions may only settle what a failure mode leaves unknown; contradicting it
    describes a different failure mode, and the assumption is ignored.

    Example: `assume deception: training.deceptive = false`.

    Fix: drop the assumption, or declare a new failure mode with the story you mean.
    """
    for analysis in context.analyses:
        for found in analysis.contradictions:
            fact = found.stated.fact.text
            yield Finding(
                f"assumption `{fact} = {str(found.assumption.fact.value).lower()}` contradicts "
                f"failure mode `{found.failure_mode}`",
                found.assumption.fact.span,
                "an assumption may only settle a fact the failure mode leaves unknown",
                (Related(f"`{fact}` is stated `{str(found.stated.value).lower()}` here", found.stated.span),),
            )


@rule("AP202", "unbound-slot", Severity.ERROR)
def unbound_slot(context):
    """The ownership lens needs a slot that the plan leaves unbound.

    Which step owns a failure mode follows from the definitions chosen in step 1; with
    the slot unbound, every owner depends on a choice nobody wrote down.

    Example: a plan whose `operationalize` block does not bind `good_feedback`.

    Fix: bind it, e.g. `good_feedback = reasons`.
    """
    for analysis in context.analyses:
        for slot in analysis.unbound:
            options = ", ".join(f"`{d.name.text}`" for d in context.scope.definitions_of(slot))
            yield Finding(
                f"plan `{analysis.plan.name.text}` leaves slot `{slot}` unbound",
                analysis.plan.name.span,
                f"the `{OWNERSHIP_LENS}` lens needs it; bind it"
                + (f" to one of {options}" if options else " in `operationalize`"),
            )


@rule("AP209", "conflicting-assumptions", Severity.ERROR)
def conflicting_assumptions(context):
    """Two `assume` lines give the same fact of a failure mode different values.

    Nothing says which one the plan means, so neither is applied: the fact stays unknown,
    and an owner that depends on it stays open.

    Example: `assume sycophancy: training.verifiable_flaw = true` and, further down,
    `assume sycophancy: training.verifiable_flaw = false`.

    Fix: keep the assumption the plan means, and say why with `because "…"`.
    """
    for analysis in context.analyses:
        for clash in analysis.clashes:
            if clash.conflict:
                fact = clash.second.fact
                yield Finding(
                    f"assumption `{fact.fact.text} = {str(fact.value).lower()}` on `{clash.failure_mode}` "
                    f"contradicts an earlier one; neither is applied",
                    fact.span,
                    "keep the one the plan means",
                    (Related(f"assumed `{str(clash.first.fact.value).lower()}` here", clash.first.fact.span),),
                )


@rule("AP210", "duplicate-assumption", Severity.WARNING)
def duplicate_assumption(context):
    """The same assumption is written twice for a failure mode.

    The second changes nothing; when the two carry different rationales, a reader cannot
    tell which one the plan stands behind.

    Example: `assume deception: deployment.novel = true` twice, or once alone and once in
    `assume deception, sycophancy: deployment.novel = true`.

    Fix: drop the repetition.
    """
    for analysis in context.analyses:
        for clash in analysis.clashes:
            if not clash.conflict:
                fact = clash.second.fact
                yield Finding(
                    f"`{fact.fact.text}` is already assumed `{str(fact.value).lower()}` for `{clash.failure_mode}`",
                    fact.span,
                    "drop the repetition",
                    (Related("first assumed here", clash.first.fact.span),),
                )


def _stories(module: nodes.Module):
    from alignment_plan.syntax import nodes

    for decl in module.declarations:
        if isinstance(decl, (nodes.FailureModeDecl, nodes.ScenarioDecl)):
            yield decl


@rule("AP203", "conflicting-facts", Severity.ERROR)
def conflicting_facts(context):
    """A failure mode or scenario states the same fact as both true and false.

    A story that contradicts itself has no completion, so no verdict means anything.

    Example: `training.rewarded = true` and later `training.rewarded = false` in one
    failure mode.

    Fix: keep the value you mean.
    """
    for story in _stories(context.module):
        seen: dict[str, nodes.FactValue] = {}
        for value in story.facts:
            first = seen.setdefault(value.fact.text, value)
            if first.value != value.value:
                yield Finding(
                    f"`{value.fact.text}` is stated both `true` and `false` in `{story.name.text}`",
                    value.span,
                    None,
                    (Related("first stated here", first.span),),
                )


@rule("AP204", "missing-ownership-lens", Severity.ERROR)
def missing_ownership_lens(context):
    """A plan is checked where no `generalization` lens is visible.

    The owner of a failure mode is the verdict of the `generalization` lens; without it
    no failure mode has an owner and nothing can be covered.

    Example: a plan file without `use std`.

    Fix: add `use std`, or import a catalog that declares the lens.
    """
    for analysis in context.analyses:
        if analysis.lens is None:
            yield Finding(
                f"no `{OWNERSHIP_LENS}` lens is visible from plan `{analysis.plan.name.text}`",
                analysis.plan.name.span,
                "add `use std` at the top of the file",
            )


@rule("AP205", "non-step-verdict", Severity.ERROR)
def non_step_verdict(context):
    """The ownership lens gives a verdict that is not a step of the plan.

    The verdict of the `generalization` lens is read as the step that owns a failure
    mode, so it must be `feedback_process` or `find_and_fix`.

    Example: `lens generalization "…" { outer when not good_feedback }`.

    Fix: name the step (`feedback_process as outer when …`).
    """
    for lens in context.scope.own(context.scope.lenses):
        if lens.name.text != OWNERSHIP_LENS:
            continue
        for lens_rule in lens.rules:
            if lens_rule.verdict.text not in OWNING_STEPS + (NO_OWNER,):
                yield Finding(
                    f"ownership lens verdict `{lens_rule.verdict.text}` is not a step",
                    lens_rule.verdict.span,
                    "use `feedback_process` or `find_and_fix`, optionally with `as outer`/`as inner`",
                )


@rule("AP206", "duplicate-binding", Severity.ERROR)
def duplicate_binding(context):
    """A plan binds the same slot twice.

    Only the first binding takes effect, and a reviewer reading the second one is misled.

    Example: `good_feedback = outcomes` and `good_feedback = reasons` in one plan.

    Fix: keep one binding.
    """
    for plan in context.scope.own(context.scope.plans):
        seen: dict[str, nodes.Binding] = {}
        for binding in plan.bindings:
            first = seen.setdefault(binding.slot.text, binding)
            if first is not binding:
                yield Finding(
                    f"slot `{binding.slot.text}` is bound twice",
                    binding.span,
                    "only the first binding takes effect",
                    (Related("first bound here", first.span),),
                )


def _priors(module: nodes.Module):
    from alignment_plan.syntax import nodes

    for decl in module.declarations:
        if isinstance(decl, nodes.Prior):
            yield decl
        elif isinstance(decl, nodes.ScenarioDecl):
            yield from decl.priors


@rule("AP207", "invalid-prior", Severity.ERROR)
def invalid_prior(context):
    """A prior probability is not strictly between 0 and 1, or has too many digits.

    A prior of 0 or 1 is not uncertainty but a fact; state it as a fact so that
    verdicts treat it as known. Probabilities are computed exactly, so a prior may have
    at most 30 digits and an exponent from -30 to 30 (`1e99999999999` would take forever).

    Example: `prior training.deceptive = 1`.

    Fix: use a value such as `0.01`, or write `training.deceptive = true`.
    """
    from alignment_plan.analysis.scenarios.stories import MAX_PRIOR_DIGITS, MAX_PRIOR_EXPONENT, probability

    for prior in _priors(context.module):
        value = probability(prior.probability)
        if value is None:
            yield Finding(
                f"prior `{prior.fact.text} = {prior.probability}` has more digits than the checker computes with",
                prior.span,
                f"write at most {MAX_PRIOR_DIGITS} digits and an exponent from -{MAX_PRIOR_EXPONENT} to "
                f"{MAX_PRIOR_EXPONENT}, such as `0.001` or `1e-6`",
            )
        elif not 0 < value < 1:
            yield Finding(
                f"prior `{prior.fact.text} = {prior.probability}` is not between 0 and 1",
                prior.span,
                "a certain fact is stated as `fact = true` or `fact = false`",
            )


# The slot bindings a rule reads, by slot: (rule code and name, the definition it looks for).
RULES_READING_BINDINGS = {"stakes": ("AP308", "low-stakes", "low")}


def _binding_span(plan: nodes.PlanDecl, slot: str):
    return next(binding.span for binding in plan.bindings if binding.slot.text == slot)


@rule("AP208", "binding-without-effect", Severity.INFO)
def binding_without_effect(context):
    """A plan binds a slot that nothing the checker computes for the plan reads.

    Owners come from the `generalization` lens, which reads `good_feedback` (and whatever
    the bound definitions read); a binding of another slot changes no owner and no
    coverage figure. The essay asks plans to write these choices down, so the binding is
    a fine record, but a reviewer should not believe it moved anything.

    Example: `split = offline`, `boundary = model`, or `counterfactual =
    idealized_evaluator` (the `objective` lens reads the counterfactual, but only when
    `alignment-plan classify` classifies scenarios, under every definition).

    Fix: nothing to fix if the binding is a record; otherwise drop it, or write a lens
    or definition that reads it.
    """
    from alignment_plan.analysis.verdicts import slots_needed

    # What each other lens reads with nothing bound: the same for every plan.
    reading = {
        lens.name.text: slots_needed(context.scope, lens, {})
        for lens in context.scope.lenses.values()
        if lens.name.text != OWNERSHIP_LENS
    }
    for analysis in context.analyses:
        for slot, definition in analysis.unread_bindings:
            reader = RULES_READING_BINDINGS.get(slot)
            if reader is not None and reader[2] == definition:
                continue  # that rule reports it
            lenses = [name for name, slots in reading.items() if slot in slots]
            readers = []
            if lenses:
                readers.append(
                    "the " + ", ".join(f"`{name}`" for name in lenses)
                    + (" lenses read" if len(lenses) > 1 else " lens reads")
                    + " it when `alignment-plan classify` classifies scenarios, under every definition"
                )
            if reader is not None:
                readers.append(f"{reader[0]} ({reader[1]}) reads only `{slot} = {reader[2]}`")
            yield Finding(
                f"binding `{slot} = {definition}` changes no owner: the `{OWNERSHIP_LENS}` lens does not read `{slot}`",
                _binding_span(analysis.plan, slot),
                "; ".join(readers) if readers else f"no lens, rule or command reads `{slot}`; it records the choice only",
            )
