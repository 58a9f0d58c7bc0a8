"""Rules of the scenarios family (AP4xx): refinements, labels and priors of scenarios.

The classification itself is `alignment_plan.analysis.scenarios`; these rules only turn its
data (contradictions, cycles, tables, the label check) into findings.

Registering the rules (every run does, a run served from the result cache too) loads
no analysis: what a rule needs of it is imported inside the rule.
"""

from __future__ import annotations

import difflib
from fractions import Fraction
from typing import TYPE_CHECKING

from alignment_plan.diagnostics import Related, Severity
from alignment_plan.rules.registry import Finding, rule

if TYPE_CHECKING:
    from alignment_plan.analysis.scenarios.tables import Classification, Combination


def _analysis(context):
    return context.scenarios


def _own_scenarios(context):
    from alignment_plan.syntax import nodes

    for decl in context.module.declarations:
        if isinstance(decl, nodes.ScenarioDecl):
            yield decl


def _value(value: bool) -> str:
    return "true" if value else "false"


def _list(combinations: tuple[Combination, ...] | list[Combination], limit: int = 4) -> str:
    shown = [f"`{c.describe()}`" for c in combinations[:limit]]
    more = len(combinations) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@rule("AP401", "contradictory-refinement", Severity.ERROR)
def contradictory_refinement(context):
    """A refinement states a fact that the scenario it refines states the other way.

    A refinement tells the same story with more information; it may only add facts.
    Contradicting its parent makes it a different story, so comparing their labels says
    nothing. The contradicting fact is ignored and the inherited value kept.

    Example: `scenario s2 "…" refines s1 { training.rewarded = false }` where `s1` states
    `training.rewarded = true`.

    Fix: drop the fact, or declare the scenario on its own instead of as a refinement.
    """
    for found in _analysis(context).stories.contradictions:
        if found.stated.span.file != context.module.path:
            continue
        fact = found.stated.fact.text
        yield Finding(
            f"refinement `{found.scenario.name.text}` states `{fact} = {_value(found.stated.value)}`, "
            f"contradicting `{found.inherited.scenario}`",
            found.stated.span,
            "a refinement may only add facts; declare the scenario without `refines` to tell a different story",
            (
                Related(
                    f"`{found.inherited.scenario}` states `{fact} = {_value(found.inherited.value.value)}` here",
                    found.inherited.value.span,
                ),
            ),
        )


@rule("AP402", "refinement-cycle", Severity.ERROR)
def refinement_cycle(context):
    """Scenarios refine each other in a cycle.

    A refinement inherits its parent's facts; a cycle has no first story to inherit
    from, so the scenarios on it are classified with their own facts only.

    Example: `scenario a "…" refines b { … }` and `scenario b "…" refines a { … }`.

    Fix: decide which scenario is the more general one and drop the other `refines`.
    """
    module = context.module.path
    for cycle in _analysis(context).stories.cycles:
        own = [decl for decl in cycle.members if decl.span.file == module]
        if not own:
            continue
        names = [decl.name.text for decl in cycle.members]
        start = names.index(own[0].name.text)
        names = names[start:] + names[:start]
        yield Finding(
            "refinement cycle: " + " -> ".join(f"`{name}`" for name in names + names[:1]),
            own[0].parent.span,
            "remove the `refines` clause of the most general scenario",
            tuple(
                Related(f"`{decl.name.text}` refines `{decl.parent.text}` here", decl.parent.span)
                for decl in cycle.members
                if decl is not own[0]
            ),
        )


def _tables(context) -> dict[str, Classification]:
    return {table.story.name: table for table in _analysis(context).tables}


@rule("AP403", "labels-without-real-categorization", Severity.WARNING)
def labels_without_real_categorization(context):
    """No real categorization reproduces the labels written in this file.

    Each label records what someone answered: "outer", "inner" or "ambiguous". If no
    lens that is not a heuristic, under any catalog definitions of its slots, in either
    reading, gives every one of those answers, the answers do not come from one
    consistent categorization. The finding names the scenarios that make it impossible;
    usually a refinement labelled differently from the scenario it refines, which no lens
    can do in the open reading, because adding facts never changes a determinate verdict.

    Example: `human_farms` labelled `outer` and `human_farms_deceptive`, which refines it,
    labelled `inner` (the essay's pop quiz).

    Fix: nothing to fix in the file if the labels are survey data: the finding is the
    result. Otherwise relabel, or state which lens and definitions the labels assume.
    """
    from alignment_plan.analysis.scenarios.labels import monotone_conflict

    check = _analysis(context).label_check
    if check is None or check.conflict is None:
        return
    tables = _tables(context)
    labels = dict(check.labels)
    conflict = check.conflict
    named = conflict.scenarios
    anchor = tables[named[-1]].story.label
    related = tuple(
        Related(f"`{name}` is labelled `{labels[name]}` here", tables[name].story.label.span) for name in named[:-1]
    )
    if conflict.kind == "refinement":
        ancestor, descendant = named
        message = (
            f"no real categorization reproduces the labels: `{descendant}` ({labels[descendant]}) "
            f"refines `{ancestor}` ({labels[ancestor]})"
        )
        why = (
            "a refinement only adds facts, so in the open reading no lens changes a determinate verdict, "
            "and in the closed reading no real lens gives both labels"
            if monotone_conflict(labels, conflict)
            else "no lens, definitions and reading give both labels"
        )
    elif conflict.kind == "pair":
        message = (
            f"no real categorization reproduces the labels of both `{named[0]}` ({labels[named[0]]}) "
            f"and `{named[1]}` ({labels[named[1]]})"
        )
        why = "no lens, definitions and reading give both labels"
    elif conflict.kind == "scenario":
        message = f"no real categorization reproduces label `{labels[named[0]]}` of `{named[0]}`"
        why = "only heuristic lenses give it"
    else:
        message = f"no real categorization reproduces the labels of {len(named)} scenarios together"
        why = "every pair is reproducible, but no lens, definitions and reading give them all"
    if check.heuristic:
        why += f"; the labels fit the heuristics {_list(check.heuristic)}"
    yield Finding(message, anchor.span, why, related)


@rule("AP404", "unreproducible-label", Severity.WARNING)
def unreproducible_label(context):
    """No lens, definition or reading gives a scenario the label it carries.

    The label is then not a categorization the catalog knows: either the story leaves
    out the facts that led to the answer, or the answer used a lens nobody wrote down.

    Example: `label inner` on a scenario whose every verdict is `outer` or `ambiguous`.

    Fix: state the facts the answer relied on, or add the lens it used to a catalog.
    """
    check = _analysis(context).label_check
    if check is None:
        return
    tables = _tables(context)
    for name in check.unreproducible:
        table = tables[name]
        label = table.story.label
        words = sorted({cell.legacy or cell.verdict.value for cell in table.cells})
        yield Finding(
            f"no lens reproduces label `{label.text}` of `{name}` under any definitions or reading",
            label.span,
            ("its verdicts are " + ", ".join(f"`{w}`" for w in words)) if words else "no lens is visible; add `use std`",
        )


@rule("AP405", "unknown-label", Severity.ERROR)
def unknown_label(context):
    """A scenario's label is not `outer`, `inner` or `ambiguous`.

    Labels are compared with the legacy word of each verdict (`as outer`, `as inner`),
    so any other word can never be reproduced and is left out of the label check.

    Example: `label outer_misalignment`.

    Fix: write `outer`, `inner` or `ambiguous`.
    """
    from alignment_plan.analysis.scenarios.tables import LABELS

    for decl in _own_scenarios(context):
        for label in decl.labels:
            if label.text not in LABELS:
                match = difflib.get_close_matches(label.text.lower(), LABELS, n=1, cutoff=0.5)
                yield Finding(
                    f"unknown label `{label.text}`",
                    label.span,
                    f"did you mean `{match[0]}`?" if match else "a label is `outer`, `inner` or `ambiguous`",
                )


@rule("AP406", "repeated-label", Severity.WARNING)
def repeated_label(context):
    """A scenario carries more than one label.

    A label is one answer; the label check compares only the first. Several answers to
    the same scenario belong in several scenarios, or in a survey file of their own.

    Example: `label outer` followed by `label inner` in one scenario.

    Fix: keep one label.
    """
    for decl in _own_scenarios(context):
        if len(decl.labels) < 2:
            continue
        first = decl.labels[0]
        for label in decl.labels[1:]:
            yield Finding(
                f"scenario `{decl.name.text}` is already labelled `{first.text}`; only the first label is checked",
                label.span,
                None,
                (Related("first label here", first.span),),
            )


@rule("AP407", "ineffective-prior", Severity.WARNING)
def ineffective_prior(context):
    """A scenario's prior can have no effect.

    A prior weighs a fact the story leaves unknown. On a fact the scenario (or a
    scenario it refines) states, or on a fact the same scenario already gave a prior,
    it is ignored, and a reader may believe it was used.

    Example: `prior training.deceptive = 0.01` in a scenario that states
    `training.deceptive = true`.

    Fix: drop the prior, or move it to a scenario that leaves the fact open.
    """
    from alignment_plan.analysis.scenarios.stories import prior_value
    from alignment_plan.syntax import nodes

    stories = _analysis(context).stories.by_name
    for decl in _own_scenarios(context):
        story = stories.get(decl.name.text)
        if story is None or story.scenario is not decl:
            continue
        seen: dict[str, nodes.Prior] = {}
        for prior in decl.priors:
            fact = prior.fact.text
            statement = story.statement(fact)
            if statement is not None:
                how = "states" if statement.scenario == decl.name.text else f"inherits from `{statement.scenario}`"
                yield Finding(
                    f"prior on `{fact}` has no effect: `{decl.name.text}` {how} "
                    f"`{fact} = {_value(statement.value.value)}`",
                    prior.span,
                    "a prior only weighs facts the story leaves unknown",
                    (Related(f"stated in `{statement.scenario}` here", statement.value.span),),
                )
            elif fact in seen and prior_value(prior) is not None:
                yield Finding(
                    f"`{decl.name.text}` gives `{fact}` a prior twice; only the first counts",
                    prior.span,
                    None,
                    (Related("first prior here", seen[fact].span),),
                )
            elif prior_value(prior) is not None:
                seen[fact] = prior


@rule("AP408", "label-likely-under-priors", Severity.INFO)
def label_likely_under_priors(context):
    """A label is not what a lens says for certain, but what it says most probably.

    With priors on the facts a verdict depends on, an ambiguous verdict has a
    probability per outcome. When the label's legacy word is the likely one, the answer
    may be a rounded probability ("99% outer") rather than a categorization: the
    essay's "priors against scenario 2" explanation.

    Example: `prior training.deceptive = 0.01`, and a scenario labelled `outer` that
    leaves `training.deceptive` open: under `deception_vs_other` it is outer with
    probability 0.99.

    Fix: nothing to fix; the finding is information. State the deciding fact to make
    the verdict determinate.
    """
    from alignment_plan.analysis.scenarios.tables import LABELS

    for table in _analysis(context).tables:
        label = table.story.label
        if label is None or label.text not in (LABELS[0], LABELS[1]):
            continue
        likely = []
        for cell in table.cells:
            p = cell.legacy_probability(label.text)
            if p is not None and p > Fraction(1, 2):
                likely.append((p, cell))
        if not likely:
            continue
        likely.sort(key=lambda item: -item[0])
        p, cell = likely[0]
        others = [c.combination for _, c in likely[1:]]
        yield Finding(
            f"label `{label.text}` of `{table.story.name}` has probability {float(p):.4g} under "
            f"`{cell.combination.describe()}` given the priors",
            label.span,
            "deciding facts: "
            + ", ".join(f"`{f}`" for f in cell.verdict.depends_on)
            + (f"; also likely under {_list(others)}" if others else ""),
        )
