"""Syntax stage, first half: text to nodes, with error recovery.

`parse_module(path, text)` always returns a `nodes.Module`, built while lark parses
(`transformer.NodeBuilder`; lark-cython's lexer and parser when installed, plain lark
otherwise). Syntax errors become `SyntaxProblem`s; after each error the broken top-level
declaration is blanked out (keeping every position) and parsing resumes, so one run
reports several errors. `parse_concrete(path, text)` parses the same grammar into a
lark tree keeping every token, for the formatter.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from alignment_plan import text as text_characters
from alignment_plan.diagnostics import Span
from alignment_plan.syntax import nodes, tables
from alignment_plan.syntax.tables import grammar_text
from alignment_plan.syntax.transformer import MAX_NESTING, NodeBuilder, to_concrete, to_module

_TOP_LEVEL = re.compile(
    r"^(use|fact|slot|definition|failure_mode|heuristic|lens|plan|scenario|prior)\b", re.MULTILINE
)
_MAX_ERRORS = 50
_FRIENDLY = {
    "NAME": "a name",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "BOOL": "`true`/`false`",
    "STEP": "`feedback_process` or `find_and_fix`",
    "EQ_OP": "`==` or `!=`",
    "$END": "end of file",
}


def _accelerator() -> dict:
    """lark-cython's lexer and LALR parser when it is installed (the `fast` extra) and not
    switched off by `ALIGNMENT_PLAN_NO_ACCELERATOR=1`; else none: plain lark."""
    if os.environ.get("ALIGNMENT_PLAN_NO_ACCELERATOR"):
        return {}
    try:
        import lark_cython
    except ImportError:
        return {}
    return lark_cython.plugins


@functools.cache
def _parser(accelerated: bool = True) -> lark.Lark:
    """The parser, with the node builder as its inline transformer (see `transformer`);
    `accelerated`: with lark-cython where available. Both give the same nodes
    (`tests/test_parsers.py`)."""
    # Every token is kept (`tables.OPTIONS`): the builder takes positions from the tokens.
    return tables.load(grammar_text(), transformer=NodeBuilder(), _plugins=_accelerator() if accelerated else {})


@functools.cache
def _concrete_parser() -> lark.Lark:
    """The parser that builds a lark tree, every token kept (for the formatter)."""
    return tables.load(grammar_text(), propagate_positions=True)


# The builder is shared by every parse and holds the current file's state.
_PARSING = threading.Lock()


@functools.cache
def _terminal_words() -> dict[str, str]:
    words = dict(_FRIENDLY)
    for terminal in _parser().terminals:
        if terminal.name not in words and isinstance(terminal.pattern, lark.lexer.PatternStr):
            words[terminal.name] = f"`{terminal.pattern.value}`"
    return words


def _describe_expected(expected) -> str:
    words = _terminal_words()
    described = sorted({words.get(name, name.lower()) for name in expected})
    if len(described) == 1:
        return described[0]
    return ", ".join(described[:-1]) + " or " + described[-1]


def _problem(path: str, text: str, error: UnexpectedInput) -> tuple[nodes.SyntaxProblem, int]:
    """A problem for `error` and the offset in `text` where it happened."""
    if isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream
        char = text[offset]
        span = Span(path, error.line, error.column, error.line, error.column + 1)
        if char == '"':
            return (
                nodes.SyntaxProblem(
                    message="unterminated string",
                    span=Span(path, error.line, error.column, error.line, error.column + len(text[offset:].split("\n", 1)[0])),
                    help='close the string with `"` on the same line',
                ),
                offset,
            )
        expected = _describe_expected(error.allowed) if error.allowed else None
        help = f"expected {expected}" if expected else None
        if not char.isascii() and char.isalnum():
            help = "names are ASCII: letters, digits, `_` and `.`; other text belongs in a quoted string"
        return (
            nodes.SyntaxProblem(message=f"unexpected character {_shown(char)}", span=span, help=help),
            offset,
        )
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        expected = _describe_expected(error.expected)
        return (
            nodes.SyntaxProblem(
                message="unexpected end of file",
                span=Span(path, line, column, line, column),
                help=f"expected {expected}; is a `}}` missing?",
            ),
            len(text),
        )
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = _describe_expected(error.expected)
    found = f"`{token}`"
    return (
        nodes.SyntaxProblem(
            message=f"expected {expected}, found {found}",
            span=Span(path, token.line, token.column, token.end_line, token.end_column),
            help=_hint(token, error.expected, _line_before(text, token.start_pos)),
        ),
        token.start_pos,
    )


def _shown(char: str) -> str:
    """`x` in backticks, or its code point and name when it would print as nothing or as
    something else (`U+200B ZERO WIDTH SPACE`)."""
    if char.isprintable():
        return f"`{char}`"
    return f"{text_characters.code_point(char)} {unicodedata.name(char, 'control character')}"


def _line_before(text: str, offset: int) -> str:
    return text[text.rfind("\n", 0, offset) + 1 : offset]


def _hint(token, expected, before: str = "") -> str | None:
    if token.type == "NAME" and token.value in ("outer", "inner"):
        return None
    if before.lstrip().startswith("assume ") and token.value == "=":
        return (
            "`assume` settles a fact of the failure modes it names: "
            "`assume FAILURE_MODE[, FAILURE_MODE…]: FACT = true|false`; there is no plan-wide `assume`: "
            "name the failure modes whose stories leave the fact open"
        )
    if token.value in ("=", ":") and "EQUAL" not in expected:
        return "facts are set with `name = true` inside a failure mode or scenario"
    if token.type in ("STEP", "OPERATIONALIZE") and "RBRACE" in expected:
        return "steps go directly inside a `plan { … }` block"
    if "STRING" in expected:
        return 'every declaration takes a quoted title after its name, like `"what it means"`'
    return None


def _blank(text: str, start: int, end: int) -> str:
    middle = re.sub(r"[^\n]", " ", text[start:end])
    return text[:start] + middle + text[end:]


def _recovery_region(text: str, offset: int) -> tuple[int, int]:
    """The top-level declaration around `offset`: from its keyword to the next one."""
    starts = [match.start() for match in _TOP_LEVEL.finditer(text)]
    before = [start for start in starts if start <= offset]
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    after = [start for start in starts if start > line_end]
    begin = before[-1] if before else 0
    # The declaration that starts on the error line itself is dropped whole.
    return begin, after[0] if after else len(text)


def parse_module(path: str, text: str, *, accelerated: bool = True) -> nodes.Module:
    """Parse `text` (the contents of `path`) into a Module; never raises on bad input.

    `accelerated=False` parses with plain lark even where lark-cython is installed."""
    parser = _parser(accelerated)
    builder = parser.options.transformer
    hidden = hidden_characters(path, text)
    with _PARSING:
        try:
            return attrs.evolve(_parse_recovering(parser, builder, path, text), hidden=hidden)
        finally:
            builder.reset("")  # lets go of this file's line numbers (a list as long as the file)


def _parse_recovering(parser: lark.Lark, builder: NodeBuilder, path: str, text: str) -> nodes.Module:
    """`parse_module`'s loop: parse, and after an error blank the declaration and go on."""
    problems: list[nodes.SyntaxProblem] = []
    source = text
    for _ in range(_MAX_ERRORS):
        builder.reset(path, source.count("\n"))
        try:
            items = parser.parse(source)
        except UnexpectedInput as error:
            problem, offset = _problem(path, source, error)
        else:
            if not builder.too_deep:
                # Comments are ignored by the grammar; collect them from the text
                # instead, so style rules can read them with their positions.
                return to_module(path, items, _comment_tokens(source), problems + builder.problems)
            token = builder.too_deep[-1]  # the last, as a walk of lark's tree meets them
            problem = nodes.SyntaxProblem(
                message=f"expression nested more than {MAX_NESTING} levels deep",
                span=Span(path, token.line, token.column, token.line, token.column + 1),
                help="name a part of it with a `definition` and use the slot instead",
            )
            offset = token.start_pos
        problems.append(problem)
        start, end = _recovery_region(source, offset)
        source = _blank(source, start, end)
    return nodes.Module(path=path, uses=(), declarations=(), comments=(), problems=tuple(problems))


def _too_deep(tree: lark.Tree):
    """The position (lark meta) of a subtree nested deeper than `MAX_NESTING`, or None."""
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            return node.meta
        pending += [(child, depth + 1) for child in node.children if isinstance(child, lark.Tree)]
    return None


def parse_concrete(path: str, text: str) -> nodes.Syntax | nodes.SyntaxProblem:
    """The concrete tree of `text`, every token kept; or the first problem. Parentheses are
    nodes of this tree, so it can pass `MAX_NESTING` where the module's nodes do not."""
    try:
        tree = _concrete_parser().parse(text)
    except UnexpectedInput as error:
        return _problem(path, text, error)[0]
    deep = _too_deep(tree)
    if deep is not None:
        return nodes.SyntaxProblem(
            message=f"expression nested more than {MAX_NESTING} levels deep, counting parentheses",
            span=Span(path, deep.line, deep.column, deep.line, deep.column + 1),
            help="remove parentheses that only repeat a grouping",
        )
    return to_concrete(path, tree)


_COMMENT = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|#[^\n]*')


class _Lines:
    """Line and column of increasing offsets in `source`, in time linear in its length
    (counting from the start for every comment was quadratic)."""

    def __init__(self, source: str):
        self.source = source
        self.offset, self.line, self.line_start = 0, 1, 0

    def at(self, offset: int) -> tuple[int, int]:
        newlines = self.source.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.source.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


def _comment_tokens(source: str):
    lines = _Lines(source)
    for match in _COMMENT.finditer(source):
        if match.group().startswith("#"):
            line, column = lines.at(match.start())
            yield lark.Token(
                "COMMENT",
                match.group(),
                start_pos=match.start(),
                line=line,
                column=column,
                end_line=line,
                end_column=column + len(match.group()),
            )


def hidden_characters(path: str, text: str) -> tuple[nodes.HiddenCharacter, ...]:
    """The bidi and invisible characters of `text`, the first of each line (trojan source)."""
    found, lines, last_line = [], _Lines(text), 0
    for offset, char in text_characters.hidden_characters(text):
        line, column = lines.at(offset)
        if line == last_line:
            found[-1] = attrs.evolve(found[-1], more=found[-1].more + 1)
            continue
        last_line = line
        found.append(nodes.HiddenCharacter(char, Span(path, line, column, line, column + 1)))
    return tuple(found)
