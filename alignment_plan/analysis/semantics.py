"""Semantics stage: verdicts, owners and coverage.

Consumes a resolved `Scope` and produces analyses (plain attrs data): the verdict of a
lens on a story under slot bindings and a reading, by supervaluation over the unknown
facts (Kleene first, decision diagrams where Kleene says unknown); the owner of each
failure mode a plan considers; and whether the owning steps cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.syntax import nodes
from alignment_plan.analysis.logic import Diagrams, kleene
from alignment_plan.analysis.resolver import Scope, suggest
from alignment_plan.vocabulary import DEFAULT_THRESHOLD, OPERATIONALIZE, OWNING_STEPS, STATUSES

NONE = "none"
AMBIGUOUS = "ambiguous"
OPEN, CLOSED = "open", "closed"
OWNERSHIP_LENS = "generalization"


@attrs.frozen
class Verdict:
    """What a lens says of a story: one outcome when determinate, several when not."""

    lens: str
    outcomes: tuple[str, ...]
    depends_on: tuple[str, ...]
    legacy: tuple[tuple[str, str | None], ...]
    probabilities: tuple[tuple[str, Fraction], ...] | None = None

    @property
    def determinate(self) -> bool:
        return len(self.outcomes) == 1

    @property
    def value(self) -> str:
        return self.outcomes[0] if self.determinate else AMBIGUOUS

    @property
    def legacy_word(self) -> str | None:
        """`outer`/`inner` for a determinate verdict that carries one, `ambiguous` when open."""
        if not self.determinate:
            return AMBIGUOUS
        return dict(self.legacy).get(self.outcomes[0])


def legacy_words(lens: nodes.LensDecl) -> dict[str, str | None]:
    words: dict[str, str | None] = {NONE: None}
    for rule in lens.rules:
        words.setdefault(rule.verdict.text, rule.legacy.text if rule.legacy else None)
    return words


def kleene_verdict(lens: nodes.LensDecl, value_of) -> str | None:
    """The first rule that holds, by Kleene evaluation; None when Kleene cannot tell."""
    for rule in lens.rules:
        holds = kleene(rule.condition, value_of)
        if holds is None:
            return None
        if holds:
            return rule.verdict.text
    return NONE


class Evaluator:
    """Evaluates lenses on stories within one scope, sharing one diagram store."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.diagrams = Diagrams()
        # Plans share stories and bindings: a verdict is a function of its arguments.
        self._verdicts: dict[tuple, tuple] = {}

    def _value_of(self, story, bindings, reading):
        active: set[str] = set()
        # A slot's value depends on the slots being expanded around it only through a
        # cycle; keyed by both, each expansion happens once, not once per reference.
        expanded: dict[tuple[str, frozenset[str]], bool | None] = {}

        def value_of(name: str) -> bool | None:
            if name in story:
                return story[name]
            if name in self.scope.slots and name not in self.scope.facts:
                definition = bindings.get(name)
                if definition is None or name in active:
                    return None
                key = (name, frozenset(active))
                if key not in expanded:
                    self.diagrams.spend()
                    active.add(name)
                    try:
                        expanded[key] = kleene(definition.body, value_of)
                    finally:
                        active.discard(name)
                return expanded[key]
            return False if reading == CLOSED else None

        return value_of

    def _diagram_of(self, story, bindings, reading):
        d = self.diagrams
        active: set[str] = set()
        expanded: dict[tuple[str, frozenset[str]], int] = {}

        def diagram_of(name: str) -> int:
            if name in story:
                return d.leaf(story[name])
            if name in self.scope.slots and name not in self.scope.facts:
                definition = bindings.get(name)
                if definition is None or name in active:
                    return d.variable(name)
                key = (name, frozenset(active))
                if key not in expanded:
                    active.add(name)
                    try:
                        expanded[key] = d.compile(definition.body, diagram_of)
                    finally:
                        active.discard(name)
                return expanded[key]
            return d.leaf(False) if reading == CLOSED else d.variable(name)

        return diagram_of

    def rule_diagram(self, lens, story, bindings, reading=OPEN) -> int:
        """Which rule gives the verdict: leaves are rule indexes, `len(lens.rules)` when none holds."""
        d = self.diagrams
        diagram_of = self._diagram_of(story, bindings, reading)
        result = d.leaf(len(lens.rules))
        for index in reversed(range(len(lens.rules))):
            result = d.choose(d.compile(lens.rules[index].condition, diagram_of), d.leaf(index), result)
        return result

    def lens_diagram(self, lens, story, bindings, reading=OPEN) -> int:
        rules = lens.rules
        verdicts = [rule.verdict.text for rule in rules] + [NONE]
        return self.diagrams.apply(verdicts.__getitem__, self.rule_diagram(lens, story, bindings, reading))

    def condition_diagram(self, expr, story, bindings, reading=OPEN) -> int:
        """The boolean diagram of `expr` on a story, slots expanded through `bindings`."""
        return self.diagrams.compile(expr, self._diagram_of(story, bindings, reading))

    def verdict(
        self,
        lens: nodes.LensDecl,
        story: Mapping[str, bool],
        bindings: Mapping[str, nodes.DefinitionDecl],
        reading: str = OPEN,
        priors: Mapping[str, Fraction] | None = None,
    ) -> Verdict:
        """Supervaluation of `lens` over every completion of the unknown facts."""
        key = (
            id(lens),
            frozenset(story.items()),
            frozenset((slot, id(definition)) for slot, definition in bindings.items()),
            reading,
            frozenset(priors.items()) if priors is not None else None,
        )
        found = self._verdicts.get(key)
        if found is None:
            # The entry holds the lens and definitions too, so their ids stay theirs.
            found = self._verdicts[key] = (self._verdict(lens, story, bindings, reading, priors), lens, bindings)
        return found[0]

    def _verdict(self, lens, story, bindings, reading, priors) -> Verdict:
        legacy = legacy_words(lens)
        fast = kleene_verdict(lens, self._value_of(story, bindings, reading))
        if fast is not None:
            return Verdict(lens.name.text, (fast,), (), ((fast, legacy.get(fast)),), None)
        diagram = self.lens_diagram(lens, story, bindings, reading)
        outcomes = self.diagrams.leaves(diagram)
        probabilities = None
        if priors is not None and len(outcomes) > 1:
            found = self.diagrams.probabilities(diagram, priors)
            if found is not None:
                probabilities = tuple(sorted(found.items(), key=lambda item: str(item[0])))
        return Verdict(
            lens=lens.name.text,
            outcomes=outcomes,
            depends_on=self.diagrams.support(diagram),
            legacy=tuple((outcome, legacy.get(outcome)) for outcome in outcomes),
            probabilities=probabilities,
        )


def slots_needed(scope: Scope, lens: nodes.LensDecl, bindings: Mapping[str, nodes.DefinitionDecl]) -> tuple[str, ...]:
    """Slots the lens refers to, directly or through the definitions bound to them."""
    found: list[str] = []
    pending = [rule.condition for rule in lens.rules]
    while pending:
        for ref in nodes.references(pending.pop(0)):
            name = ref.name.text
            if name in scope.slots and name not in scope.facts and name not in found:
                found.append(name)
                if name in bindings:
                    pending.append(bindings[name].body)
    return tuple(found)


# Plans ---------------------------------------------------------------------------------


@attrs.frozen
class Contradiction:
    """An assumption that contradicts a fact its failure mode states."""

    assumption: nodes.Assumption
    stated: nodes.FactValue
    failure_mode: str


@attrs.frozen
class AssumptionClash:
    """Two `assume` lines on the same fact of the same failure mode.

    `conflict` when they give it different values (then neither is applied: the fact stays
    unknown, since nothing says which one the plan means); a duplicate otherwise."""

    failure_mode: str
    first: nodes.Assumption
    second: nodes.Assumption

    @property
    def conflict(self) -> bool:
        return self.first.fact.value != self.second.fact.value


def assumption_clashes(plan: nodes.PlanDecl) -> tuple[AssumptionClash, ...]:
    seen: dict[tuple[str, str], nodes.Assumption] = {}
    clashes = []
    for assumption in plan.assumptions:
        for name in dict.fromkeys(n.text for n in assumption.failure_modes):
            key = (name, assumption.fact.fact.text)
            first = seen.setdefault(key, assumption)
            if first is not assumption:
                clashes.append(AssumptionClash(name, first, assumption))
    return tuple(clashes)


def applied_assumptions(plan: nodes.PlanDecl, failure_mode: str) -> list[nodes.Assumption]:
    """The assumptions that settle facts of `failure_mode`: one per fact, none for a fact
    assumed both ways."""
    contested = {
        clash.first.fact.fact.text for clash in assumption_clashes(plan) if clash.failure_mode == failure_mode and clash.conflict
    }
    applied: dict[str, nodes.Assumption] = {}
    for assumption in plan.assumptions:
        fact = assumption.fact.fact.text
        if assumption.settles(failure_mode) and fact not in contested:
            applied.setdefault(fact, assumption)
    return list(applied.values())


@attrs.frozen
class Ownership:
    failure_mode: str
    title: str
    verdict: Verdict | None
    owner: str
    possible_owners: tuple[str, ...]
    depends_on: tuple[str, ...]
    covered: bool
    covered_by: tuple[str, ...]
    missing_in: tuple[str, ...]
    out_of_scope: nodes.OutOfScope | None
    span: nodes.Span | None
    covered_from: str | None = None  # the highest status threshold at which it is covered
    backed_up_by: tuple[str, ...] = ()  # techniques backing it up outside its possible owners

    @property
    def probabilities(self) -> tuple[tuple[str, Fraction], ...] | None:
        """Exact probability of each possible owner under the priors in scope, when they decide it."""
        return self.verdict.probabilities if self.verdict is not None else None


@attrs.frozen
class PlanAnalysis:
    plan: nodes.PlanDecl
    bindings: tuple[tuple[str, str], ...]
    unbound: tuple[str, ...]
    contradictions: tuple[Contradiction, ...]
    lens: nodes.LensDecl | None
    ownership: tuple[Ownership, ...]
    threshold: str
    lens_slots: tuple[str, ...] = ()  # slots the ownership lens reads, directly or through bound definitions
    # Slots whose binding names something undefined (AP103/AP104 report it): their
    # consequences (unbound slot, uncovered or open owners) are not reported again.
    broken_slots: tuple[str, ...] = ()
    clashes: tuple[AssumptionClash, ...] = ()

    def broken(self, owned: Ownership) -> bool:
        """Whether an owner depends on a slot left unbound by a typo in its binding."""
        return any(name in self.broken_slots for name in owned.depends_on)

    @property
    def unread_bindings(self) -> tuple[tuple[str, str], ...]:
        """Bindings of slots the ownership lens does not read: they change no owner."""
        return tuple((slot, definition) for slot, definition in self.bindings if slot not in self.lens_slots)

    @property
    def counted(self) -> tuple[Ownership, ...]:
        """The failure modes that count toward coverage: all but those declared out of scope."""
        return tuple(o for o in self.ownership if o.out_of_scope is None)

    @property
    def covered(self) -> int:
        return sum(1 for o in self.counted if o.covered)

    @property
    def total(self) -> int:
        return len(self.counted)

    def covered_at(self, status: str) -> int:
        """How many counted failure modes are covered when techniques count from `status`."""
        rank = STATUSES.index(status)
        return sum(1 for o in self.counted if o.covered_from is not None and STATUSES.index(o.covered_from) >= rank)


def status_rank(technique: nodes.Technique) -> int:
    if technique.status is None or technique.status.text not in STATUSES:
        return 0
    return STATUSES.index(technique.status.text)


def plan_bindings(scope: Scope, plan: nodes.PlanDecl) -> dict[str, nodes.DefinitionDecl]:
    bound = {}
    for binding in plan.bindings:
        definition = scope.definitions.get((binding.slot.text, binding.definition.text))
        if definition is not None and binding.slot.text not in bound:
            bound[binding.slot.text] = definition
    return bound


def considered_failure_modes(scope: Scope, plan: nodes.PlanDecl) -> list[str]:
    """`considers` plus whatever the plan addresses or scopes out; everything if absent."""
    names = [n.text for n in plan.considers] if plan.considers is not None else list(scope.failure_modes)
    extra = [n.text for _, t in plan.techniques() for n in t.addresses + t.backs_up]
    extra += [entry.failure_mode.text for entry in plan.out_of_scope]
    for name in extra:
        if name not in names:
            names.append(name)
    return [name for name in names if name in scope.failure_modes]


def story_of(
    failure_mode: nodes.FailureModeDecl, assumptions, contradictions: list[Contradiction]
) -> dict[str, bool]:
    story = {value.fact.text: value.value for value in failure_mode.facts}
    stated = {value.fact.text: value for value in failure_mode.facts}
    for assumption in assumptions:
        fact = assumption.fact.fact.text
        if fact in stated and stated[fact].value != assumption.fact.value:
            contradictions.append(Contradiction(assumption, stated[fact], failure_mode.name.text))
            continue
        story[fact] = assumption.fact.value
    return story


def best_status(techniques) -> str | None:
    """The most mature status among `techniques` (an unknown or missing status counts as research)."""
    return STATUSES[max(status_rank(t) for t in techniques)] if techniques else None


def covered_from(owners: tuple[str, ...], techniques: Mapping[str, list], scoped_out: bool) -> str | None:
    """The highest status threshold at which every possible owner has a technique, or None.

    Coverage is monotone in the threshold: covered at a status means covered at every
    lower one, so this one word gives the coverage at every threshold.
    """
    levels = []
    for outcome in owners:
        if outcome == NONE and scoped_out:
            continue
        found = best_status(techniques.get(outcome, []))
        if found is None:
            return None
        levels.append(STATUSES.index(found))
    return STATUSES[min(levels)] if levels else None


def analyze_plan(
    scope: Scope,
    plan: nodes.PlanDecl,
    threshold: str = DEFAULT_THRESHOLD,
    evaluator: Evaluator | None = None,
    priors: Mapping[str, Fraction] | None = None,
) -> PlanAnalysis:
    """Owners and coverage of every failure mode the plan considers.

    `priors` (the top-level `prior` lines in scope) weigh the completions of an open owner:
    each possible owner then has an exact probability.
    """
    evaluator = evaluator or Evaluator(scope)
    bindings = plan_bindings(scope, plan)
    lens = scope.lenses.get(OWNERSHIP_LENS)
    minimum = STATUSES.index(threshold)
    contradictions: list[Contradiction] = []
    scoped_out = {entry.failure_mode.text: entry for entry in plan.out_of_scope}
    ownership = []
    for name in considered_failure_modes(scope, plan):
        failure_mode = scope.failure_modes[name]
        assumptions = applied_assumptions(plan, name)
        story = story_of(failure_mode, assumptions, contradictions)
        if lens is None:
            verdict, outcomes = None, ()
        else:
            weighed = {fact: p for fact, p in (priors or {}).items() if fact not in story}
            verdict = evaluator.verdict(lens, story, bindings, priors=weighed or None)
            outcomes = verdict.outcomes
        techniques = {
            step: [t for kind, t in plan.techniques() if kind == step and any(a.text == name for a in t.addresses)]
            for step in OWNING_STEPS
        }
        covered_by, missing = [], []
        for outcome in outcomes:
            qualifying = [t.name.text for t in techniques.get(outcome, []) if status_rank(t) >= minimum]
            if qualifying:
                covered_by += [t for t in qualifying if t not in covered_by]
            elif not (outcome == NONE and name in scoped_out):
                missing.append(outcome)
        if not outcomes:
            owner = NONE
        elif len(outcomes) == 1:
            owner = outcomes[0]
        else:
            owner = OPERATIONALIZE
        ownership.append(
            Ownership(
                failure_mode=name,
                title=failure_mode.title.value,
                verdict=verdict,
                owner=owner,
                possible_owners=outcomes,
                depends_on=verdict.depends_on if verdict else (),
                covered=bool(outcomes) and not missing,
                covered_by=tuple(covered_by),
                missing_in=tuple(missing),
                out_of_scope=scoped_out.get(name),
                span=failure_mode.span,
                covered_from=covered_from(outcomes, techniques, name in scoped_out),
                backed_up_by=tuple(
                    t.name.text
                    for kind, t in plan.techniques()
                    if kind not in outcomes and any(b.text == name for b in t.backs_up)
                ),
            )
        )
    needed = slots_needed(scope, lens, bindings) if lens else ()
    broken = broken_slots(scope, plan)
    return PlanAnalysis(
        plan=plan,
        bindings=tuple((slot, d.name.text) for slot, d in bindings.items()),
        unbound=tuple(slot for slot in needed if slot not in bindings and slot not in broken),
        contradictions=tuple(contradictions),
        lens=lens,
        ownership=tuple(ownership),
        threshold=threshold,
        lens_slots=needed,
        broken_slots=tuple(slot for slot in broken if slot not in bindings),
        clashes=assumption_clashes(plan),
    )


def broken_slots(scope: Scope, plan: nodes.PlanDecl) -> tuple[str, ...]:
    """Slots a binding meant but could not bind: a definition the slot does not have, or a
    misspelt slot name (the slot it most resembles)."""
    found = []
    for binding in plan.bindings:
        slot = binding.slot.text
        if slot not in scope.slots:
            slot = suggest(slot, scope.slots)
        elif (slot, binding.definition.text) in scope.definitions:
            continue
        if slot is not None and slot not in found:
            found.append(slot)
    return tuple(found)
