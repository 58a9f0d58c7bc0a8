"""Rules of the style family (AP5xx)."""

from __future__ import annotations

import re

from alignment_plan.syntax import nodes
from alignment_plan.diagnostics import Span
from alignment_plan.diagnostics import Severity
from alignment_plan.rules.registry import Finding, rule

_LEGACY = re.compile(r"\b(outer|inner)\b", re.IGNORECASE)


def _texts(plan: nodes.PlanDecl):
    yield plan.title
    for _, technique in plan.techniques():
        yield technique.title
        yield from technique.evidence
    for entry in plan.out_of_scope:
        yield entry.reason


def _inside(span: Span, outer: Span) -> bool:
    return outer.start() <= span.start() and (span.end_line, span.end_column) <= (outer.end_line, outer.end_column)


@rule("AP501", "outer-inner-without-lens", Severity.WARNING)
def outer_inner_without_lens(context):
    """A plan says "outer" or "inner" without naming the lens that gives the word meaning.

    Whether a failure is "outer" or "inner" depends on the categorization and its
    definitions; people reading the same word disagree. A plan should name the step
    (`feedback_process`, `find_and_fix`) or the lens it means.

    Example: `technique audit "Fixes inner misalignment" { … }`.

    Fix: name the step, or the lens: "inner (generalization lens, good feedback = reasons)".
    """
    lenses = [name.lower() for name in context.scope.lenses]
    for plan in context.scope.own(context.scope.plans):
        texts = [(t.value, t.span) for t in _texts(plan)]
        texts += [(c.text, c.span) for c in context.module.comments if _inside(c.span, plan.span)]
        for value, span in texts:
            match = _LEGACY.search(value)
            if match and not any(lens in value.lower() for lens in lenses):
                yield Finding(
                    f"`{match.group(0)}` used without naming the lens that defines it",
                    span,
                    "name the step (`feedback_process`, `find_and_fix`) or the lens, e.g. `generalization`",
                )
