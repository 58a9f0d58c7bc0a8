"""Rules of the ownership and coverage family (AP3xx).

Registering the rules (every run does, a run served from the result cache too) loads
no analysis: what a rule needs of it is imported inside the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alignment_plan.diagnostics import Related, Severity
from alignment_plan.rules.registry import Finding, rule
from alignment_plan.vocabulary import NO_OWNER

if TYPE_CHECKING:
    from alignment_plan.syntax import nodes


def _ticks(names) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _between(names) -> str:
    names = [f"`{name}`" for name in names]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _anchor(plan: nodes.PlanDecl, failure_mode: str):
    for name in plan.considers or ():
        if name.text == failure_mode:
            return name.span
    return plan.name.span


@rule("AP301", "uncovered-failure-mode", Severity.WARNING)
def uncovered_failure_mode(context):
    """A failure mode the plan considers is not covered by the step that owns it.

    Coverage means: in every completion of the unknown facts, the owning step has a
    technique that addresses the failure mode at or above the status threshold. An
    uncovered failure mode is a hole in the plan.

    Example: `considers deception` under `good_feedback = reasons` with no technique in
    `feedback_process` that `addresses deception`.

    Fix: add a technique to the owning step, or settle an open owner with `assume`.
    """
    for analysis in context.analyses:
        plan = analysis.plan
        for owned in analysis.ownership:
            if owned.covered or owned.out_of_scope is not None or owned.possible_owners in ((), (NO_OWNER,)):
                continue
            if analysis.broken(owned):
                continue  # a consequence of the typo AP103/AP104 reports
            steps = [step for step in owned.missing_in if step != NO_OWNER]
            below = [
                t.name.text
                for kind, t in plan.techniques()
                if kind in steps and any(a.text == owned.failure_mode for a in t.addresses)
            ]
            if owned.owner == "operationalize":
                where = f"owner is open between {_between(owned.possible_owners)}"
            else:
                where = f"owned by `{owned.owner}`"
            lacking = f"no technique in {_between(steps).replace(' and ', ' or ')} addresses it" if steps else "some completions leave it unowned"
            if below:
                lacking += f" at status `{analysis.threshold}` or above"
            help = None
            if steps:
                each = " and one to ".join(f"`{step}`" for step in steps)
                help = f"add a technique to {each} with `addresses {owned.failure_mode}`"
            if below:
                help = f"{_ticks(below)} address it below the `{analysis.threshold}` threshold" + (f"; {help}" if help else "")
            yield Finding(f"failure mode `{owned.failure_mode}` is not covered: {where}; {lacking}", _anchor(plan, owned.failure_mode), help)


@rule("AP302", "misplaced-technique", Severity.WARNING)
def misplaced_technique(context):
    """A technique addresses a failure mode that its step never owns under this plan.

    The step a failure mode belongs to follows from the definitions in step 1; effort
    placed in the other step does not count toward coverage and often signals that the
    plan's definitions are not the ones its authors have in mind.

    Example: under `good_feedback = outcomes`, deception is owned by `find_and_fix`,
    so a `feedback_process` technique that `addresses deception` is misplaced.

    Fix: move the technique, or change the definition of good feedback.
    """
    for analysis in context.analyses:
        owners = {o.failure_mode: o for o in analysis.ownership}
        for kind, technique in analysis.plan.techniques():
            for name in technique.addresses:
                owned = owners.get(name.text)
                if owned is None or owned.verdict is None or kind in owned.possible_owners:
                    continue
                owner = owned.owner if owned.owner != "operationalize" else " or ".join(owned.possible_owners)
                yield Finding(
                    f"technique `{technique.name.text}` in `{kind}` addresses `{name.text}`, "
                    f"which `{kind}` never owns under this plan (owner: `{owner}`)",
                    name.span,
                    "move the technique to the owning step, or change the plan's definitions in `operationalize`",
                )


@rule("AP303", "technique-addresses-nothing", Severity.WARNING)
def technique_addresses_nothing(context):
    """A technique does not say which failure modes it addresses.

    It then counts toward no coverage, and a reader cannot tell what it is for.

    Example: `technique red_team "…" { status prototype }`.

    Fix: add `addresses NAME, …`; if the technique is the feedback itself (preference
    labels, a watch-time reward), declare it `feedback_source`; if it is defence in depth
    for a failure mode another step owns, `backs_up NAME, …`.
    """
    for plan in context.scope.own(context.scope.plans):
        for kind, technique in plan.techniques():
            if not technique.addresses and not technique.backs_up and technique.feedback_source is None:
                yield Finding(
                    f"technique `{technique.name.text}` addresses nothing",
                    technique.name.span,
                    "add `addresses FAILURE_MODE` with the failure modes it handles",
                )


@rule("AP304", "unowned-failure-mode", Severity.WARNING)
def unowned_failure_mode(context):
    """No step owns a failure mode the plan considers.

    When the ownership lens gives `none` (for example misuse: the model does what its
    operators intend), training cannot fix it; the plan should say who does.

    Example: `considers misuse`.

    Fix: declare it `out_of_scope misuse "handled by access control"`, or drop it.
    """
    for analysis in context.analyses:
        for owned in analysis.ownership:
            if owned.possible_owners == (NO_OWNER,) and owned.out_of_scope is None:
                yield Finding(
                    f"no step owns `{owned.failure_mode}`: the `generalization` lens gives `none` on its story",
                    _anchor(analysis.plan, owned.failure_mode),
                    f'declare it `out_of_scope {owned.failure_mode} "reason"` if another process handles it',
                )


@rule("AP305", "open-ownership", Severity.INFO)
def open_ownership(context):
    """Step 1 leaves open which step owns a failure mode.

    The owner depends on facts the failure mode does not state; the deciding facts say
    exactly which assumption or sharper definition would settle it. The plan can still
    be covered, by techniques in every possible owner.

    Example: under `good_feedback = outcomes`, `hidden_knowledge` depends on
    `training.output_good`.

    Fix: `assume hidden_knowledge: training.output_good = false`, or choose a definition
    of good feedback that decides it.
    """
    for analysis in context.analyses:
        for owned in analysis.ownership:
            if owned.owner != "operationalize" or analysis.broken(owned):
                continue
            facts = [f for f in owned.depends_on if f in context.scope.facts]
            slots = [f for f in owned.depends_on if f not in context.scope.facts]
            parts = []
            if facts:
                parts.append(
                    f"settle it with `assume {owned.failure_mode}: FACT = true` or `= false` for "
                    + _between(facts).replace(" and ", " or ")
                )
            if slots:
                parts.append(f"bind {_between(slots)} in `operationalize`")
            parts.append("`alignment-plan explain` shows the owner each value gives")
            example = "; ".join(parts)
            weighed = ""
            if owned.probabilities is not None:
                weighed = "; under the priors: " + ", ".join(
                    f"`{owner}` {float(p):.4g}" for owner, p in owned.probabilities
                )
            yield Finding(
                f"owner of `{owned.failure_mode}` is open between {_between(owned.possible_owners)}; "
                f"deciding facts: {_ticks(owned.depends_on)}{weighed}",
                _anchor(analysis.plan, owned.failure_mode),
                example,
            )


@rule("AP306", "feedback-used-as-detector", Severity.WARNING)
def feedback_used_as_detector(context):
    """The same technique gives feedback in `feedback_process` and detects in `find_and_fix`.

    Training against a detector teaches the model to evade it, so the detector stops
    finding the situations `find_and_fix` relies on it to find.

    Example: `cognition_audit` listed in both steps.

    Fix: keep a held-out detector for `find_and_fix` that is never used as feedback.
    """
    for plan in context.scope.own(context.scope.plans):
        feedback = {t.name.text: t for kind, t in plan.techniques() if kind == "feedback_process"}
        for kind, technique in plan.techniques():
            if kind == "find_and_fix" and technique.name.text in feedback:
                yield Finding(
                    f"technique `{technique.name.text}` is used both as feedback and as a detector",
                    technique.name.span,
                    "training against a detector teaches the model to evade it; hold one out",
                    (Related("used as feedback here", feedback[technique.name.text].name.span),),
                )


@rule("AP307", "status-without-evidence", Severity.WARNING)
def status_without_evidence(context):
    """A technique claims a status above `research` without evidence.

    A status is a claim about the world; reviewers need something to check it against.

    Example: `status deployed` with no `evidence` line.

    Fix: add `evidence "URL or document"`, or lower the status.
    """
    from alignment_plan.analysis.semantics import status_rank

    for plan in context.scope.own(context.scope.plans):
        for _, technique in plan.techniques():
            if technique.status is not None and status_rank(technique) > 0 and not technique.evidence:
                yield Finding(
                    f"technique `{technique.name.text}` claims status `{technique.status.text}` without evidence",
                    technique.status.span,
                    'add `evidence "…"` pointing at what a reviewer can check',
                )


@rule("AP308", "low-stakes", Severity.WARNING)
def low_stakes(context):
    """A plan binds `stakes = low`.

    Low stakes is a property of an environment, and the real world is high-stakes: a
    single deployed action can be catastrophic before feedback corrects it.

    Example: `stakes = low` in `operationalize`.

    Fix: bind `stakes = high`, and plan for single catastrophic actions.
    """
    for plan in context.scope.own(context.scope.plans):
        for binding in plan.bindings:
            if binding.slot.text == "stakes" and binding.definition.text == "low":
                yield Finding(
                    "plan assumes low stakes", binding.span, "the real world is high-stakes; bind `stakes = high`"
                )




@rule("AP309", "backup-in-owning-step", Severity.WARNING)
def backup_in_owning_step(context):
    """A technique backs up a failure mode that its own step may own.

    `backs_up` declares defence in depth from another step, which does not count toward
    coverage. In a step that owns the failure mode (or may own it, when the owner is
    open), the technique is the owner's own and should count.

    Example: `backs_up deception` in `feedback_process` under `good_feedback = reasons`.

    Fix: write `addresses` instead of `backs_up`.
    """
    for analysis in context.analyses:
        owners = {o.failure_mode: o for o in analysis.ownership}
        for kind, technique in analysis.plan.techniques():
            for name in technique.backs_up:
                owned = owners.get(name.text)
                if owned is not None and kind in owned.possible_owners:
                    yield Finding(
                        f"technique `{technique.name.text}` backs up `{name.text}` in `{kind}`, which may own it under this plan",
                        name.span,
                        f"write `addresses {name.text}` so that it counts toward coverage",
                    )


@rule("AP310", "feedback-source-outside-feedback-process", Severity.WARNING)
def feedback_source_outside_feedback_process(context):
    """A technique outside `feedback_process` is declared `feedback_source`.

    The feedback source is what step 2 builds: the labels, rewards or judgements the model
    is trained on. A step-3 technique that gives training feedback is either part of
    step 2 or a detector used as feedback (see AP306).

    Example: `feedback_source` in a `find_and_fix` technique.

    Fix: move the technique to `feedback_process`, or drop `feedback_source`.
    """
    for plan in context.scope.own(context.scope.plans):
        for kind, technique in plan.techniques():
            if technique.feedback_source is not None and kind != "feedback_process":
                yield Finding(
                    f"technique `{technique.name.text}` in `{kind}` is declared a feedback source",
                    technique.feedback_source,
                    "the feedback source belongs to `feedback_process`",
                )
