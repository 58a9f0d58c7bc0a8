"""Analysis stage: verdicts of lenses on stories.

Consumes a resolved `Scope`; produces `Verdict`s: what a lens says of a story under slot
bindings and a reading (open: unstated facts unknown; closed: unstated facts false), by
supervaluation over the unknown facts, Kleene first and decision diagrams where Kleene
says unknown, with the deciding facts and exact probabilities under priors. The
`Evaluator` shares one diagram store per scope and remembers the verdicts it computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from alignment_plan.syntax import nodes
from alignment_plan.analysis.logic import Diagrams, kleene
from alignment_plan.analysis.resolver import Scope

NONE = "none"
AMBIGUOUS = "ambiguous"
OPEN, CLOSED = "open", "closed"


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
        # One copy of each part of those keys: 1000 plans make 3177 keys of 612 stories,
        # 210 sets of bindings and one set of priors (3.6 MiB of frozensets, one kept).
        self._key_part = {}.setdefault

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
        part = self._key_part
        stated = frozenset(story.items())
        bound = frozenset((slot, id(definition)) for slot, definition in bindings.items())
        key = (
            id(lens),
            part(stated, stated),
            part(bound, bound),
            reading,
            None if priors is None else part(prior := frozenset(priors.items()), prior),
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
