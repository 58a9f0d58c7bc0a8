"""Syntax stage, formatting: the text of a `.plan` file to its one canonical layout.

Consumes source text; produces `Formatted`: the canonical text, or None and the syntax
errors (as `syntax-error` diagnostics) when the text does not parse or nests parentheses
deeper than the printer goes. The printer walks the concrete tree
(`parser.parse_concrete`, every token as written) and merges the module's comments in by
position, so only whitespace, the spelling of string escapes and a comment's column can
change; tokens and comments keep their order.

The layout:

- four spaces per block level, one statement per line; `{` ends the line that opens the
  block, `}` stands on its own line, an empty block is `{}`;
- one space between tokens, none before `,` `:` `)` nor after `(`;
- top-level declarations one blank line apart, except that `use`, `fact`, `slot`,
  `definition` and `prior` declarations written together stay together; inside a block a
  blank line is kept where one was written, never after `{` or before `}`;
- strings spelled with `\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\uXXXX` for other characters
  that do not print, and every other character as itself;
- a comment alone on its line stays alone on its line, indented as the line after it; a
  comment after code stays after that code, two spaces after it (comments are not
  aligned into columns: a change to one line never moves the comments of others); a
  comment inside a statement ends the line there and the statement continues one level
  deeper; a comment just before a `{` goes just after it;
- no trailing whitespace, one final newline (none for a file with nothing in it).
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable

import attrs

from alignment_plan.diagnostics import SYNTAX_ERROR_CODE, SYNTAX_ERROR_RULE, Diagnostic, Severity
from alignment_plan.syntax import nodes
from alignment_plan.syntax.parser import parse_concrete, parse_module
from alignment_plan.syntax.transformer import unescape

INDENT = "    "
# Declarations that may stand in groups with no blank line between them.
_GROUPABLE = frozenset({"use_decl", "fact_decl", "slot_decl", "definition_decl", "prior_decl"})
_NO_SPACE_BEFORE = frozenset({",", ":", ")"})
_SPELLED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


@attrs.frozen
class Formatted:
    """The canonical text (None when the source has syntax errors) and the syntax errors."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]


def format_source(text: str, path: str = "<stdin>") -> Formatted:
    """`text` (the contents of `path`) in canonical layout; never raises on bad input."""
    module = parse_module(path, text)
    if module.problems:
        diagnostics = (_diagnostic(problem) for problem in module.problems)
        return Formatted(text=None, diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)))
    tree = parse_concrete(path, text)
    if isinstance(tree, nodes.SyntaxProblem):
        return Formatted(text=None, diagnostics=(_diagnostic(tree),))
    printer = _Printer(module.comments)
    printer.module(tree)
    return Formatted(text=printer.text(), diagnostics=())


def quote(value: str) -> str:
    """The canonical string literal for `value`."""

    def spell(char: str) -> str:
        if char in _SPELLED:
            return _SPELLED[char]
        if not char.isprintable() and ord(char) <= 0xFFFF:
            return f"\\u{ord(char):04x}"
        return char

    return '"' + "".join(map(spell, value)) + '"'


def _diagnostic(problem: nodes.SyntaxProblem) -> Diagnostic:
    return Diagnostic(
        code=SYNTAX_ERROR_CODE,
        rule=SYNTAX_ERROR_RULE,
        severity=Severity.ERROR,
        message=problem.message,
        span=problem.span,
        help=problem.help,
    )


class _Blank(enum.Enum):
    """Whether the next line is preceded by a blank line."""

    NEVER = "never"
    KEEP = "keep"  # when the source had one
    ALWAYS = "always"


@attrs.frozen
class _Break:
    """The next token or comment starts a new line."""

    blank: _Blank
    continuation: bool = False  # inside a statement a comment broke: one level deeper


@attrs.define
class _Line:
    depth: int
    code: str = ""  # an own-line comment is the code of its line
    comment: str | None = None  # a comment after the code


class _Printer:
    def __init__(self, comments: Iterable[nodes.Comment]):
        self.comments = deque(sorted(comments, key=lambda comment: comment.span.start()))
        self.lines: list[_Line | None] = []  # None is a blank line
        self.depth = 0
        self.pending: _Break | None = _Break(_Blank.NEVER)  # None: the next token joins the line
        self.last_line = 0  # source line of the last token or comment printed
        # Where a comment on the same source line as the last token goes: that token's
        # line, until a comment on a line of its own has come between.
        self.attach: tuple[int, _Line] | None = None

    def module(self, tree: nodes.Syntax) -> None:
        previous = None
        for declaration in tree.children:
            grouped = declaration.rule == previous and declaration.rule in _GROUPABLE
            self._statement(_Blank.KEEP if grouped else _Blank.ALWAYS)
            self._walk(declaration)
            previous = declaration.rule
        self._statement(_Blank.KEEP)
        while self.comments:
            self._comment(self.comments.popleft())

    def text(self) -> str:
        out = []
        for line in self.lines:
            if line is None:
                out.append("\n")
            else:
                comment = "" if line.comment is None else "  " + line.comment
                out.append(INDENT * line.depth + line.code + comment + "\n")
        return "".join(out)

    # Structure -------------------------------------------------------------------------

    def _statement(self, blank: _Blank) -> None:
        """What follows starts a line (unless a block or the file has just begun one)."""
        if self.pending is None or self.pending.continuation:
            self.pending = _Break(blank)

    def _walk(self, tree: nodes.Syntax) -> None:
        children = tree.children
        for index, child in enumerate(children):
            if isinstance(child, nodes.Syntax):
                self._walk(child)
            elif child.kind == "LBRACE":
                # The block runs to the end of its rule: `… "{" statements "}"`.
                self._block(child, children[index + 1 : -1], children[-1])
                return
            else:
                self._token(child)

    def _block(self, opening: nodes.Token, statements, closing: nodes.Token) -> None:
        before = self._comments_before(opening)
        header_line = self.attach[0] if self.attach else self.last_line
        empty = (
            not statements
            and all(comment.span.line == header_line for comment in before)
            and not (self.comments and self.comments[0].span.start() < closing.span.start())
        )
        self._write(opening, "{}" if empty else "{")
        # Comments between a header and its `{` follow the `{`.
        self.attach = (header_line, self.lines[-1])
        if not empty:
            self.depth += 1
            self.pending = _Break(_Blank.NEVER)
        for comment in before:
            self._comment(comment)
        last = closing if empty else opening
        self.last_line = max(self.last_line, last.span.line)
        if self.attach is not None:
            self.attach = (last.span.line, self.attach[1])
        if empty:
            return
        for statement in statements:
            self._statement(_Blank.KEEP)
            self._walk(statement)
        self._statement(_Blank.KEEP)
        for comment in self._comments_before(closing):
            self._comment(comment)
        self.depth -= 1
        self.pending = _Break(_Blank.NEVER)
        self._write(closing, "}")

    # Tokens and comments --------------------------------------------------------------

    def _comments_before(self, token: nodes.Token) -> list[nodes.Comment]:
        taken = []
        while self.comments and self.comments[0].span.start() < token.span.start():
            taken.append(self.comments.popleft())
        return taken

    def _token(self, token: nodes.Token) -> None:
        for comment in self._comments_before(token):
            self._comment(comment)
        self._write(token, quote(unescape(token.text[1:-1])) if token.kind == "STRING" else token.text)

    def _write(self, token: nodes.Token, text: str) -> None:
        if self.pending is not None:
            line = self._new_line(token.span.line)
            self.pending = None
        else:
            line = self.lines[-1]
            if not line.code.endswith("(") and text not in _NO_SPACE_BEFORE:
                line.code += " "
        line.code += text
        self.last_line = token.span.end_line
        self.attach = (token.span.end_line, line)

    def _comment(self, comment: nodes.Comment) -> None:
        text = comment.text.rstrip()
        if self.attach is not None and self.attach[0] == comment.span.line and self.attach[1].comment is None:
            self.attach[1].comment = text
            if self.pending is None:
                self.pending = _Break(_Blank.NEVER, continuation=True)
        else:
            if self.pending is None:
                self.pending = _Break(_Blank.NEVER, continuation=True)
            self._new_line(comment.span.line).code = text
            self.attach = None
            continuation = self.pending.continuation
            self.pending = _Break(_Blank.NEVER if continuation else _Blank.KEEP, continuation)
        self.last_line = comment.span.line

    def _new_line(self, source_line: int) -> _Line:
        blank = self.pending.blank
        if self.lines and (
            blank is _Blank.ALWAYS or (blank is _Blank.KEEP and source_line - self.last_line > 1)
        ):
            self.lines.append(None)
        line = _Line(self.depth + self.pending.continuation)
        self.lines.append(line)
        return line
