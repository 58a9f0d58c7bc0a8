"""LSP, completion: what may be written at the cursor.

Consumes the buffer's text before the cursor and the document's last resolved scope;
produces candidates (label, kind, detail) and the span of the partial name they replace.
The context comes from the text itself, not from the tree, because the declaration being
typed rarely parses: a small scanner follows the blocks (`plan {`, `technique {` …) and the
statement under way, and the grammar decides what comes next: keywords where it allows
them, names in scope, the definitions of the slot being bound, failure modes after
`addresses`.
"""

from __future__ import annotations

import re

import attrs

from alignment_plan.analysis.resolver import Scope
from alignment_plan.diagnostics import Span
from alignment_plan.vocabulary import FEEDBACK_PROCESS, FIND_AND_FIX, FIX_KINDS, NO_OWNER, OPERATIONALIZE, STATUSES

KEYWORD, FACT, SLOT, DEFINITION, FAILURE_MODE, SCENARIO, VALUE = (
    "keyword", "fact", "slot", "definition", "failure_mode", "scenario", "value",
)

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|\n|[A-Za-z_][A-Za-z0-9_.]*|[0-9][0-9.eE+-]*|==|!=|\S')
_PARTIAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
# What each block allows at the start of a statement (None: the top level).
_KEYWORDS = {
    None: ("use", "fact", "slot", "definition", "failure_mode", "lens", "heuristic", "plan", "scenario", "prior"),
    "plan": (OPERATIONALIZE, FEEDBACK_PROCESS, FIND_AND_FIX, "considers", "out_of_scope"),
    OPERATIONALIZE: ("assume",),
    FEEDBACK_PROCESS: ("technique",),
    FIND_AND_FIX: ("technique",),
    "technique": ("addresses", "status", "evidence", "fixes", "backs_up", "feedback_source"),
    "failure_mode": ("source",),
    "scenario": ("source", "label", "prior"),
    "lens": ("source",),
    "definition": ("source", "not", "true", "false"),
    "fact": ("source",),
    "slot": ("source",),
}
_BOOLEANS = ("true", "false")
_OPERATORS = ("and", "or", "not", "==", "!=", "(", "when")
# A line break ends a statement unless the statement cannot end with what came last.
_CONTINUES = {",", "=", ":", "(", "and", "or", "not", "==", "!=", "when", "as", "addresses", "considers", "fixes",
              "status", "assume", "out_of_scope", "use", "label", "refines", "prior"}


@attrs.frozen
class Candidate:
    label: str
    kind: str
    detail: str = ""


@attrs.frozen
class Completions:
    candidates: tuple[Candidate, ...]
    replace: Span  # the partial name under the cursor (empty when there is none)


def _context(before: str) -> tuple[str | None, list[str]]:
    """The innermost block around the end of `before` and the statement under way in it."""
    blocks: list[str | None] = []
    statement: list[str] = []
    for token in _TOKEN.findall(before):
        if token.startswith("#"):
            continue
        if token == "\n":
            if statement and statement[-1] not in _CONTINUES:
                statement = []
        elif token == "{":
            head = statement[0] if statement else None
            blocks.append("lens" if head == "heuristic" else head)
            statement = []
        elif token == "}":
            if blocks:
                blocks.pop()
            statement = []
        else:
            statement.append("STRING" if token.startswith('"') else token)
    return (blocks[-1] if blocks else None), statement


def complete(text: str, offset: int, line: int, column: int, scope: Scope | None) -> Completions:
    """Candidates at `offset` in `text` (the cursor at 1-based `line` and `column`)."""
    before = text[:offset]
    partial = _PARTIAL.search(before.rsplit("\n", 1)[-1])
    typed = partial.group() if partial else ""
    replace = Span("", line, column - len(typed), line, column)
    block, statement = _context(before[: offset - len(typed)])
    candidates = _candidates(block, statement, scope)
    return Completions(tuple(candidates), replace)


def _keywords(words) -> list[Candidate]:
    return [Candidate(word, KEYWORD) for word in words]


def _candidates(block: str | None, statement: list[str], scope: Scope | None) -> list[Candidate]:
    facts = [Candidate(name, FACT, d.meaning.value) for name, d in scope.facts.items()] if scope else []
    slots = [Candidate(name, SLOT, d.meaning.value) for name, d in scope.slots.items()] if scope else []
    modes = [Candidate(name, FAILURE_MODE, d.title.value) for name, d in scope.failure_modes.items()] if scope else []
    last = statement[-1] if statement else None
    head = statement[0] if statement else None
    if head is None:
        found = _keywords(_KEYWORDS.get(block, ()))
        if block == OPERATIONALIZE:
            found += slots
        elif block in ("failure_mode", "scenario"):
            found += facts
        elif block == "definition":
            found += facts + slots
        elif block == "lens":  # a rule starts with its verdict
            found += _keywords((FEEDBACK_PROCESS, FIND_AND_FIX, NO_OWNER))
        return found
    if block == OPERATIONALIZE and len(statement) == 2 and last == "=" and scope is not None:
        return [Candidate(d.name.text, DEFINITION, d.meaning.value) for d in scope.definitions_of(head)]
    if head in ("addresses", "considers") and last in (head, ","):
        return modes
    if head == "out_of_scope" and len(statement) == 1:
        return modes
    if head == "assume":
        return {1: modes, 3: facts, 5: _keywords(_BOOLEANS)}.get(len(statement), [])
    if head == "fixes" and last in (head, ","):
        return _keywords(FIX_KINDS)
    if head == "status" and len(statement) == 1:
        return _keywords(STATUSES)
    if head == "use" and len(statement) == 1:
        return _keywords(("std",))
    if head == "definition" and len(statement) == 1:
        return slots
    if head == "label" and len(statement) == 1:
        return _keywords(("outer", "inner", "ambiguous"))
    if head == "prior" and len(statement) == 1:
        return facts
    if last == "refines" and scope is not None:
        return [Candidate(name, SCENARIO, d.title.value) for name, d in scope.scenarios.items()]
    if block in ("failure_mode", "scenario") and len(statement) == 2 and last == "=":
        return _keywords(_BOOLEANS)
    if block == "lens" and last in ("as",):
        return _keywords(("outer", "inner"))
    if block in ("definition", "lens") and last in _OPERATORS:
        return facts + slots + _keywords(("not", *_BOOLEANS))
    if block == "lens" and len(statement) in (1, 3) and "when" not in statement:
        return _keywords(("when", "as") if len(statement) == 1 else ("when",))
    if block in ("definition", "lens") and last not in ("STRING", "source"):
        return _keywords(("and", "or", "==", "!="))
    return []
