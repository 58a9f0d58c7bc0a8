"""Checker: derivations (`analysis.explain`) converted into `results.explain.Explanation`."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction

from alignment_plan.analysis.explain import Derivation, derive
from alignment_plan.analysis.resolver import Scope
from alignment_plan.analysis.semantics import Ownership, PlanAnalysis
from alignment_plan.analysis.verdicts import Evaluator
from alignment_plan.results.explain import (
    FROM_ASSUMPTION,
    FROM_FAILURE_MODE,
    IGNORED_ASSUMPTION,
    BindingLine,
    CompletionLine,
    Explanation,
    FactLine,
    RuleLine,
    TechniqueLine,
)
from alignment_plan.syntax.nodes import expression_text


class Explainer:
    """Explanations of the plans of one module.

    Plans that share a failure mode's story, the lens and the bindings share the lens part
    of their derivations (`derive`'s memo), and here the lines made of it: the rules, the
    completions and the expressions are converted once and the same objects are given to
    every such plan. Lines of facts and bindings, and the tuples of them, are made once
    for each set of values (of 31 550 fact lines for 1000 plans, 1643 differ). With
    `shared` (a workspace's), the memos serve every module with these names of facts and
    slots and these priors, since nothing else of a scope enters them."""

    def __init__(self, scope: Scope, evaluator: Evaluator, priors: Mapping[str, Fraction], shared: dict | None = None):
        self.scope, self.evaluator, self.priors = scope, evaluator, priors
        context = ("explanations", frozenset(scope.facts), frozenset(scope.slots), frozenset(priors.items()))
        memos = ({} if shared is None else shared).setdefault(context, ({}, {}, {}))
        self._derived: dict = memos[0]
        self._lines: dict[int, tuple] = memos[1]  # id of a shared part -> (the part, its lines or text)
        self._objects: dict = memos[2]  # each line (by its class and values) and tuple of lines: the one kept

    def explain(self, analysis: PlanAnalysis, owned: Ownership) -> Explanation:
        """The explanation of one failure mode's owner and coverage in one plan."""
        derivation = derive(self.scope, self.evaluator, analysis, owned, self.priors, self._derived)
        return explanation_of(derivation, analysis.plan.name.text, self._shared, self._made)

    def _shared(self, part, convert):
        found = self._lines.get(id(part))
        if found is None:
            found = self._lines[id(part)] = (part, convert(part))  # holding `part` keeps its id
        return found[1]

    def _made(self, kind, *values):
        if kind is _lines:  # a tuple of lines already made here: its own key
            return self._objects.setdefault(values, values)
        key = (kind, *values)  # looked up before a line is made: most are made before
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = kind(*values)
        return found


def _unshared(part, convert):
    return convert(part)


def _made(kind, *values):
    return kind(*values)


def _lines(*lines):
    return lines


def _assumption_line(made, fact, value, assumption, origin, read: bool) -> FactLine:
    return made(
        FactLine,
        fact,
        value,
        origin,
        assumption.span.file,
        assumption.span.line,
        read,
        assumption.reason.value if assumption.reason else None,  # reason
        tuple(e.value for e in assumption.evidence),  # evidence
    )


def explanation_of(derivation: Derivation, plan: str, shared=_unshared, made=_made) -> Explanation:
    """`derivation` as plain data; `shared(part, convert)` converts the parts plans share:
    rules, completions and expressions, and `made(kind, *values)` makes the lines and the
    tuples of them (an `Explainer` converts and makes each of them once)."""
    owned, lens, decl = derivation.ownership, derivation.lens, derivation.failure_mode
    reads = derivation.reads
    facts = [
        made(FactLine, f.fact, f.value, FROM_FAILURE_MODE, f.stated.span.file, f.stated.span.line, f.fact in reads)
        if f.assumption is None
        else _assumption_line(made, f.fact, f.value, f.assumption, FROM_ASSUMPTION, f.fact in reads)
        for f in derivation.story
    ]
    facts += [
        _assumption_line(made, fact.fact.text, fact.value, c.assumption, IGNORED_ASSUMPTION, fact.fact.text in reads)
        for c in derivation.ignored
        for fact in (c.assumption.fact,)
    ]
    return Explanation(
        plan=plan,
        failure_mode=owned.failure_mode,
        title=owned.title,
        sources=made(_lines, *(source.value for source in decl.sources)),
        file=decl.span.file,
        line=decl.span.line,
        lens=lens.name.text if lens else None,
        lens_file=lens.span.file if lens else None,
        lens_line=lens.span.line if lens else None,
        rules=shared(derivation.rules, _rule_lines),
        bindings=made(
            _lines,
            *(
                made(
                    BindingLine,
                    trace.slot,
                    trace.definition.name.text,
                    shared(trace.definition.body, expression_text),  # formula
                    shared(trace.residual, expression_text),  # residual
                    trace.read,
                    trace.binding.span.file,
                    trace.binding.span.line,
                    trace.definition.span.file,
                    trace.definition.span.line,
                )
                for trace in derivation.bindings
            ),
        ),
        facts=made(_lines, *facts),
        unknown=derivation.unknown,
        deciding=owned.depends_on,
        owner=owned.owner,
        possible_owners=owned.possible_owners,
        completions=shared(derivation.completions, functools.partial(_completion_lines, len(derivation.rules))),
        paths=derivation.paths,
        priors=tuple((fact, float(p)) for fact, p in derivation.priors),
        owner_probabilities=(
            tuple((owner, float(p)) for owner, p in owned.probabilities) if owned.probabilities is not None else None
        ),
        techniques=tuple(
            TechniqueLine(
                name=t.technique.name.text,
                step=t.step,
                status=t.technique.status.text if t.technique.status else None,
                reason=t.reason,
                line=t.technique.span.line,
            )
            for t in derivation.techniques
        ),
        threshold=derivation.threshold,
        covered=owned.covered,
        covered_from=owned.covered_from,
        missing_in=owned.missing_in,
        out_of_scope=owned.out_of_scope.reason.value if owned.out_of_scope else None,
    )


def _rule_lines(rules) -> tuple[RuleLine, ...]:
    return tuple(
        RuleLine(
            number=number,
            verdict=trace.rule.verdict.text,
            legacy=trace.rule.legacy.text if trace.rule.legacy else None,
            condition=expression_text(trace.rule.condition),
            residual=expression_text(trace.residual),
            gives_verdict=trace.gives_verdict,
        )
        for number, trace in enumerate(rules, start=1)
    )


def _completion_lines(rule_count: int, completions) -> tuple[CompletionLine, ...]:
    return tuple(
        CompletionLine(
            assignment=c.assignment,
            rule=c.rule + 1 if c.rule < rule_count else None,
            owner=c.owner,
            probability=float(c.probability) if c.probability is not None else None,
        )
        for c in completions
    )
