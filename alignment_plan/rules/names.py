"""Rules of the names family (AP1xx): undefined and duplicate names."""

from __future__ import annotations

from alignment_plan.diagnostics import Related, Severity
from alignment_plan.vocabulary import FIX_KINDS, STATUSES
from alignment_plan.rules.registry import Finding, rule


def _undefined(context, kind: str):
    for missing in context.scope.unresolved:
        if missing.kind != kind:
            continue
        help = f"did you mean `{missing.suggestion}`?" if missing.suggestion else None
        yield missing, help


@rule("AP101", "undefined-fact", Severity.ERROR)
def undefined_fact(context):
    """A story, expression, assumption or prior names a fact that is not declared.

    An undeclared fact has no meaning, so the checker cannot tell a typo from a new
    concept, and verdicts that depend on it are silently ambiguous.

    Example: `training.rewardd = true` in a failure mode.

    Fix: correct the name, or declare it with `fact NAME "meaning"`.
    """
    for missing, help in _undefined(context, "fact"):
        what = "fact or slot" if missing.context else "fact"
        yield Finding(f"undefined {what} `{missing.name.text}`", missing.name.span, help)


@rule("AP102", "undefined-failure-mode", Severity.ERROR)
def undefined_failure_mode(context):
    """A plan names a failure mode that is not declared.

    A technique that addresses an unknown failure mode covers nothing, and a considered
    one that does not exist is never reported on.

    Example: `addresses decepton`.

    Fix: correct the name, or declare it with `failure_mode NAME "title" { … }`.
    """
    for missing, help in _undefined(context, "failure mode"):
        yield Finding(f"undefined failure mode `{missing.name.text}`", missing.name.span, help)


@rule("AP103", "undefined-slot", Severity.ERROR)
def undefined_slot(context):
    """A definition or a binding names a slot that is not declared.

    Slots are the free variables a plan must choose; a definition for an undeclared slot
    can never be bound, and a binding to one changes nothing.

    Example: `definition good_feedbak outcomes "…" { … }`.

    Fix: correct the name, or declare the slot with `slot NAME "meaning"`.
    """
    for missing, help in _undefined(context, "slot"):
        if missing.context == "definition":
            message = f"definition for undeclared slot `{missing.name.text}`"
        else:
            message = f"undefined slot `{missing.name.text}`"
        yield Finding(message, missing.name.span, help)


@rule("AP104", "undefined-definition", Severity.ERROR)
def undefined_definition(context):
    """A binding names a definition that the slot does not have.

    The slot then stays unbound and every verdict that depends on it is ambiguous.

    Example: `good_feedback = reason` when the definitions are `outcomes` and `reasons`.

    Fix: choose one of the slot's definitions (`alignment-plan catalog` lists them) or
    write a new one with `definition SLOT NAME "meaning" { EXPR }`.
    """
    for missing, help in _undefined(context, "definition"):
        slot = missing.context
        options = ", ".join(f"`{d.name.text}`" for d in context.scope.definitions_of(slot))
        if help is None and options:
            help = f"definitions of `{slot}`: {options}"
        yield Finding(f"slot `{slot}` has no definition `{missing.name.text}`", missing.name.span, help)


@rule("AP105", "duplicate-name", Severity.ERROR)
def duplicate_name(context):
    """The same name is declared twice for the same kind of thing.

    Which declaration a reference means would depend on import order, so a reviewer
    cannot know what a plan says.

    Example: a plan file that declares `fact training.rewarded "…"` and also imports
    `std`, which declares it too.

    Fix: rename one of them, or delete the copy and rely on the import.
    """
    module = context.module.path
    first_use = context.module.uses[0].span if context.module.uses else None
    for duplicate in context.scope.duplicates:
        related = (Related("first defined here", duplicate.first),)
        if duplicate.span.file == module:
            yield Finding(f"duplicate {duplicate.kind} `{duplicate.name}`", duplicate.span, None, related)
        elif first_use is not None and duplicate.first.file != module:
            yield Finding(
                f"imports clash: {duplicate.kind} `{duplicate.name}` is declared in "
                f"`{duplicate.first.file}` and `{duplicate.span.file}`",
                first_use,
                None,
                related + (Related("declared again here", duplicate.span),),
            )


@rule("AP106", "undefined-scenario", Severity.ERROR)
def undefined_scenario(context):
    """A scenario refines a scenario that is not declared.

    The refinement then inherits nothing, and the label check cannot compare the two.

    Example: `scenario s2 "…" refines s0 { … }` with no `s0`.

    Fix: correct the name of the parent scenario.
    """
    for missing, help in _undefined(context, "scenario"):
        yield Finding(f"undefined scenario `{missing.name.text}`", missing.name.span, help)


@rule("AP107", "unknown-status", Severity.ERROR)
def unknown_status(context):
    """A technique's status is not one of the known maturity levels.

    Coverage thresholds compare statuses; an unknown one cannot be ranked.

    Example: `status beta`.

    Fix: use `research`, `prototype`, `deployed` or `validated`.
    """
    for missing, help in _undefined(context, "status"):
        yield Finding(
            f"unknown status `{missing.name.text}`",
            missing.name.span,
            help or "use one of " + ", ".join(f"`{s}`" for s in STATUSES),
        )


@rule("AP108", "unknown-fix-kind", Severity.ERROR)
def unknown_fix_kind(context):
    """A technique `fixes` something that is not a kind of fix.

    `find_and_fix` repairs a bad situation by more training data, or by changing the
    architecture or inductive bias; the report groups techniques by these kinds.

    Example: `fixes more_data`.

    Fix: use `training_data`, `architecture` or `inductive_bias`.
    """
    for missing, help in _undefined(context, "fix"):
        yield Finding(
            f"unknown fix kind `{missing.name.text}`",
            missing.name.span,
            help or "use one of " + ", ".join(f"`{k}`" for k in FIX_KINDS),
        )
