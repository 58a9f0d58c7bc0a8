"""Positions and diagnostics: the data every stage hands to the next.

Every stage collects problems as data instead of raising. Spans are 1-based line and
column in code points, end exclusive, and are built from lark positions only in
`alignment_plan.syntax`.
"""

from __future__ import annotations

import enum

import attrs


@attrs.frozen(order=True, weakref_slot=False)
class Span:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def start(self) -> tuple[int, int]:
        return (self.line, self.column)


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


# The rule that reports the parser's `SyntaxProblem`s; the formatter reports them under it too.
SYNTAX_ERROR_CODE, SYNTAX_ERROR_RULE = "AP001", "syntax-error"


@attrs.frozen(weakref_slot=False)
class Related:
    message: str
    span: Span


@attrs.frozen(weakref_slot=False)
class Diagnostic:
    """One finding, as every reporter sees it."""

    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None
    related: tuple[Related, ...] = ()

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)
