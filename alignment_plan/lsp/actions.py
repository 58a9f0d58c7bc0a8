"""LSP, code actions: edits that answer a finding.

Consumes an `Analysis` and a range of the document (1-based, code points); produces
`Action`s with their edits in the same coordinates:
- the did-you-mean replacement of a name that resolves to nothing (the resolver's
  suggestion, the one the finding's help shows);
- an `assume` line in `operationalize` that settles a deciding fact of a failure mode whose
  owner step 1 leaves open, one per value, each titled with the owner it gives;
- a suppression comment, `# alignment-plan: ignore[CODE]`, on the line of a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from alignment_plan.analysis.semantics import plan_bindings, story_of
from alignment_plan.diagnostics import Diagnostic, Span
from alignment_plan.lsp.session import Analysis
from alignment_plan.syntax import nodes

QUICKFIX = "quickfix"
_IGNORE = re.compile(r"#\s*alignment-plan\s*:\s*ignore\s*\[(?P<codes>[^\]]*)\]")
_UNSUPPRESSIBLE = ("AP001",)  # a syntax error is fixed, not silenced


@attrs.frozen
class Edit:
    span: Span  # replaced; empty to insert at its start
    text: str


@attrs.frozen
class Action:
    title: str
    edits: tuple[Edit, ...]
    fixes: tuple[Diagnostic, ...] = ()  # the findings this answers
    preferred: bool = False


def _overlaps(span: Span, other: Span) -> bool:
    return span.start() <= (other.end_line, other.end_column) and other.start() <= (span.end_line, span.end_column)


def code_actions(analysis: Analysis, wanted: Span) -> list[Action]:
    """Every action for the findings and names that overlap `wanted`."""
    return [*_replacements(analysis, wanted), *_assumptions(analysis, wanted), *_suppressions(analysis, wanted)]


def _findings_at(analysis: Analysis, span: Span) -> tuple[Diagnostic, ...]:
    return tuple(d for d in analysis.diagnostics if d.span == span)


def _replacements(analysis: Analysis, wanted: Span) -> Iterator[Action]:
    for unresolved in analysis.scope.unresolved:
        if unresolved.suggestion and _overlaps(unresolved.name.span, wanted):
            yield Action(
                f"Replace `{unresolved.name.text}` with `{unresolved.suggestion}`",
                (Edit(unresolved.name.span, unresolved.suggestion),),
                _findings_at(analysis, unresolved.name.span),
                preferred=True,
            )


def _assumptions(analysis: Analysis, wanted: Span) -> Iterator[Action]:
    scope, evaluator = analysis.scope, analysis.context.evaluator
    for planned in analysis.context.analyses:
        plan, lens = planned.plan, planned.lens
        for owned in planned.ownership:
            if len(owned.possible_owners) < 2 or lens is None:
                continue
            anchors = [n.span for n in _mentions(plan, owned.failure_mode) if _overlaps(n.span, wanted)]
            if not anchors:
                continue
            failure_mode = scope.failure_modes[owned.failure_mode]
            assumptions = [a for a in plan.assumptions if a.settles(owned.failure_mode)]
            for fact in (f for f in owned.depends_on if f in scope.facts):
                for value in (True, False):
                    story = story_of(failure_mode, assumptions, [])
                    story[fact] = value
                    verdict = evaluator.verdict(lens, story, plan_bindings(scope, plan))
                    written = f"{fact} = {str(value).lower()}"
                    yield Action(
                        f"Assume `{written}` for `{owned.failure_mode}` (owner: {' | '.join(verdict.outcomes)})",
                        (_assume_edit(analysis, plan, f"assume {owned.failure_mode}: {written}"),),
                        tuple(d for span in anchors for d in _findings_at(analysis, span)),
                    )


def _mentions(plan: nodes.PlanDecl, failure_mode: str) -> Iterator[nodes.Name]:
    names = [*(plan.considers or ()), *(n for _, t in plan.techniques() for n in t.addresses + t.backs_up)]
    names += [entry.failure_mode for entry in plan.out_of_scope]
    return (name for name in names if name.text == failure_mode)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _assume_edit(analysis: Analysis, plan: nodes.PlanDecl, statement: str) -> Edit:
    """`statement` on a line of its own after the plan's last binding or assumption, or in a
    new `operationalize` block at the top of the plan."""
    lines = [line.removesuffix("\r") for line in analysis.lines()]
    written = sorted([*plan.bindings, *plan.assumptions], key=lambda item: item.span)
    if written:
        last = written[-1].span
        end = Span(last.file, last.end_line, len(lines[last.end_line - 1]) + 1, last.end_line, len(lines[last.end_line - 1]) + 1)
        return Edit(end, "\n" + _indent(lines[last.line - 1]) + statement)
    head = plan.span.line
    outer = _indent(lines[head - 1])
    inner = outer + "    "
    end = Span(plan.span.file, head, len(lines[head - 1]) + 1, head, len(lines[head - 1]) + 1)
    return Edit(end, f"\n{inner}operationalize {{\n{inner}    {statement}\n{inner}}}")


def _suppressions(analysis: Analysis, wanted: Span) -> Iterator[Action]:
    lines = analysis.lines()
    comments = {c.span.line: c for c in analysis.module.comments}
    done = set()
    for diagnostic in analysis.diagnostics:
        span = diagnostic.span
        if diagnostic.code in _UNSUPPRESSIBLE or not _overlaps(span, wanted) or (span.line, diagnostic.code) in done:
            continue
        done.add((span.line, diagnostic.code))
        comment = comments.get(span.line)
        existing = _IGNORE.search(comment.text) if comment else None
        if existing:
            at = comment.span.column + existing.end("codes")
            separator = ", " if existing.group("codes").strip() else ""
            edit = Edit(Span(span.file, span.line, at, span.line, at), separator + diagnostic.code)
        else:
            line = lines[span.line - 1].removesuffix("\r")
            end = len(line.rstrip()) + 1
            edit = Edit(
                Span(span.file, span.line, end, span.line, len(line) + 1),
                f"  # alignment-plan: ignore[{diagnostic.code}]",
            )
        yield Action(f"Suppress `{diagnostic.code}` ({diagnostic.rule}) on this line", (edit,), (diagnostic,))
