"""Suppressions: comments that silence findings, applied after the rules ran.

Consumes a module's comments (with positions) and the diagnostics the rules produced for
it; produces the diagnostics that remain and the facts the hygiene rules (AP502-AP504)
report on: suppressions that silenced nothing, unknown codes, malformed comments.

    # alignment-plan: ignore[AP301, misplaced-technique]   on the line, or alone above it
    # alignment-plan: ignore-file[AP301]                   anywhere: the whole file

Precedence: a file-level suppression wins over an inline one (the inline one is then
unused); configuration (`select`, `ignore`, `per-file-ignores`) acts before comments do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence

import attrs

from alignment_plan.diagnostics import Diagnostic, Span
from alignment_plan.rules.registry import RULES, find_rule
from alignment_plan.syntax import nodes

_DIRECTIVE = re.compile(r"#\s*alignment-plan\s*:(?P<body>[^#]*)")
_FORM = re.compile(r"\s*(?P<kind>ignore|ignore-file)\s*\[(?P<codes>[^\]]*)\]\s*")
_FORMS_HELP = "write `# alignment-plan: ignore[AP301]` (this line or the next) or `# alignment-plan: ignore-file[AP301]`"


@attrs.frozen
class SuppressionProblem:
    kind: str  # "unknown-code" or "malformed"
    message: str
    span: Span
    help: str | None = None


@attrs.frozen
class UnusedSuppression:
    """A code in a suppression comment that silenced nothing; `line` None for a file-level one."""

    code: str
    line: int | None
    span: Span


@attrs.frozen
class SuppressionFacts:
    """What a file's suppression comments did, for the hygiene rules (AP502-AP504)."""

    problems: tuple[SuppressionProblem, ...] = ()
    unused: tuple[UnusedSuppression, ...] = ()


@attrs.frozen
class Suppression:
    """One directive: `codes` silenced on `line`, or in the whole file when `line` is None."""

    codes: tuple[str, ...]
    line: int | None
    span: Span


@attrs.frozen
class Parsed:
    suppressions: tuple[Suppression, ...]
    problems: tuple[SuppressionProblem, ...]


def parse_suppressions(module: nodes.Module, source: Callable[[], Sequence[str]]) -> Parsed:
    """Every suppression directive in `module`'s comments; `source` gives its lines, and is
    called only when there is a directive (most files have none)."""
    suppressions, problems = [], []
    lines: Sequence[str] | None = None
    for comment in module.comments:
        for match in _DIRECTIVE.finditer(comment.text):
            start = comment.span.column + match.start()
            text = match.group().rstrip()
            span = Span(comment.span.file, comment.span.line, start, comment.span.line, start + len(text))
            form = _FORM.fullmatch(match.group("body"))
            if form is None:
                problems.append(SuppressionProblem("malformed", f"malformed suppression `{text}`", span, _FORMS_HELP))
                continue
            codes = []
            for word in filter(None, (w.strip() for w in form.group("codes").split(","))):
                found = find_rule(word)
                if found is None:
                    problems.append(SuppressionProblem("unknown-code", f"unknown rule `{word}` in suppression", span, _suggest(word)))
                elif found.code not in codes:
                    codes.append(found.code)
            if not form.group("codes").strip():
                problems.append(SuppressionProblem("malformed", f"suppression `{text}` names no rule", span, _FORMS_HELP))
            if not codes:
                continue
            if form.group("kind") == "ignore-file":
                line = None
            else:
                lines = source() if lines is None else lines
                before = lines[comment.span.line - 1][: comment.span.column - 1] if comment.span.line <= len(lines) else ""
                # Alone on its line, a comment speaks about the next line.
                line = comment.span.line + 1 if not before.strip() else comment.span.line
            suppressions.append(Suppression(tuple(codes), line, span))
    return Parsed(tuple(suppressions), tuple(problems))


def _suggest(word: str) -> str:
    names = [r.code for r in RULES.values()] + [r.name for r in RULES.values()]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "`alignment-plan rule --all` lists the rules"


def apply_suppressions(
    diagnostics: Iterable[Diagnostic], suppressions: tuple[Suppression, ...], judged: frozenset[str]
) -> tuple[list[Diagnostic], int, tuple[UnusedSuppression, ...]]:
    """The diagnostics no suppression silences, how many were silenced, and the codes of
    suppressions that silenced nothing (only for codes in `judged`: rules that ran)."""
    used: set[tuple[int, str]] = set()
    kept, silenced = [], 0
    for diagnostic in diagnostics:
        whole_file = [i for i, s in enumerate(suppressions) if s.line is None and diagnostic.code in s.codes]
        inline = [i for i, s in enumerate(suppressions) if s.line == diagnostic.span.line and diagnostic.code in s.codes]
        credited = whole_file or inline
        if credited:
            used.update((i, diagnostic.code) for i in credited)
            silenced += 1
        else:
            kept.append(diagnostic)
    unused = tuple(
        UnusedSuppression(code=code, line=s.line, span=s.span)
        for i, s in enumerate(suppressions)
        for code in s.codes
        if code in judged and (i, code) not in used
    )
    return kept, silenced, unused
