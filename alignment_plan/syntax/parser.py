"""Syntax stage, first half: text to lark tree, with error recovery.

`parse_module(path, text)` always returns a `nodes.Module`. Syntax errors become
`SyntaxProblem`s; after each error the broken top-level declaration is blanked out
(keeping every position) and parsing resumes, so one run reports several errors.
`parse_concrete(path, text)` parses the same grammar keeping every token, for the
formatter.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from alignment_plan.syntax import nodes
from alignment_plan.diagnostics import Span
from alignment_plan.syntax.transformer import to_concrete, to_module

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


def grammar_text() -> str:
    """The grammar shipped inside the package, or the repository copy in a source tree."""
    packaged = resources.files("alignment_plan").joinpath("grammar/plan.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / "plan.lark").read_text(encoding="utf-8")


@functools.cache
def _parser(keep_all_tokens: bool = False) -> lark.Lark:
    return lark.Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        keep_all_tokens=keep_all_tokens,
        cache=True,  # LALR tables are cached in the temp directory, keyed by grammar and options
    )


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
        return (
            nodes.SyntaxProblem(
                message=f"unexpected character `{char}`",
                span=span,
                help=f"expected {expected}" if expected else None,
            ),
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


def _line_before(text: str, offset: int) -> str:
    return text[text.rfind("\n", 0, offset) + 1 : offset]


def _hint(token, expected, before: str = "") -> str | None:
    if token.type == "NAME" and token in ("outer", "inner"):
        return None
    if before.lstrip().startswith("assume ") and str(token) == "=":
        return (
            "`assume` settles a fact of the failure modes it names: "
            "`assume FAILURE_MODE[, FAILURE_MODE…]: FACT = true|false`; there is no plan-wide `assume`: "
            "name the failure modes whose stories leave the fact open"
        )
    if str(token) in ("=", ":") and "EQUAL" not in expected:
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


def parse_module(path: str, text: str) -> nodes.Module:
    """Parse `text` (the contents of `path`) into a Module; never raises on bad input."""
    problems: list[nodes.SyntaxProblem] = []
    parser = _parser()
    source = text
    for _ in range(_MAX_ERRORS):
        comments: list = []
        try:
            tree = _parse_collecting(parser, source, comments)
        except UnexpectedInput as error:
            problem, offset = _problem(path, source, error)
            problems.append(problem)
            start, end = _recovery_region(source, offset)
            source = _blank(source, start, end)
            continue
        return to_module(path, tree, comments, problems)
    return nodes.Module(path=path, uses=(), declarations=(), comments=(), problems=tuple(problems))


def parse_concrete(path: str, text: str) -> nodes.Syntax | None:
    """The concrete tree of `text`, every token kept; None when `text` does not parse
    (`parse_module` says why)."""
    try:
        return to_concrete(path, _parser(keep_all_tokens=True).parse(text))
    except UnexpectedInput:
        return None


def _parse_collecting(parser: lark.Lark, source: str, comments: list):
    # Comments are ignored by the grammar; collect them from the token stream instead,
    # so style rules can read them with their positions.
    tree = parser.parse(source)
    comments.extend(_comment_tokens(source))
    return tree


_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def _comment_tokens(source: str):
    for match in _COMMENT.finditer(source):
        if match.group().startswith("#"):
            line = source.count("\n", 0, match.start()) + 1
            column = match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1
            yield lark.Token(
                "COMMENT",
                match.group(),
                start_pos=match.start(),
                line=line,
                column=column,
                end_line=line,
                end_column=column + len(match.group()),
            )
