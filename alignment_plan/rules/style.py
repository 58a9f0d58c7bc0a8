"""Rules of the style family (AP5xx)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from alignment_plan.diagnostics import Severity, Span
from alignment_plan.rules.registry import Finding, rule
from alignment_plan.text import code_point

if TYPE_CHECKING:
    from alignment_plan.syntax import nodes

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


@rule("AP505", "hidden-character", Severity.ERROR)
def hidden_character(context):
    """A plan file holds a bidi control or an invisible character (trojan source).

    Bidi overrides and isolates (`U+202A`–`U+202E`, `U+2066`–`U+2069`) reorder what an
    editor or a code review shows without changing what the checker reads, and zero-width
    characters (`U+200B`–`U+200D`, `U+2060`, `U+FEFF`) make two different names or titles
    look the same. A reviewer can approve a plan that says something else than it shows.
    The first such character of each line is reported, with its code point.

    Example: a comment `# the audit covers deception` written with `U+202E` so that part of
    the line after it reads right to left.

    Fix: delete the character; write the text in logical order. If a title really needs
    it, write it as an escape such as `\\u200d`, which every reader sees.
    """
    for found in context.module.hidden:
        more = f" (and {found.more} more on this line)" if found.more else ""
        name = unicodedata.name(found.char, "format character")
        yield Finding(
            f"hidden character {code_point(found.char)} {name}{more}: the line may read differently from what is checked",
            found.span,
            "delete it, or write it as an escape such as `\\u200d` that every reader sees",
        )
