"""LSP edge: positions between the package's spans and the protocol's.

The package counts 1-based lines and columns in code points, end exclusive. The protocol
counts 0-based lines and characters in the units of the position encoding agreed at start
(UTF-16 unless the client offers another). This module is the only place that converts;
it consumes the document's text split on `\\n` (as the parser counts lines) and produces
plain `(line, character)` pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from alignment_plan.diagnostics import Span

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def _units(char: str, encoding: str) -> int:
    if encoding == UTF16:
        return 2 if ord(char) > 0xFFFF else 1
    if encoding == UTF8:
        return len(char.encode("utf-8", "surrogatepass"))
    return 1


def to_lsp(lines: Sequence[str], line: int, column: int, encoding: str = UTF16) -> tuple[int, int]:
    """1-based `line` and code-point `column` to the protocol's 0-based line and character."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    before = text[: column - 1]
    beyond = max(0, column - 1 - len(text))  # past the end of the line (an end-of-file position)
    return max(line - 1, 0), sum(_units(char, encoding) for char in before) + beyond


def from_lsp(lines: Sequence[str], line: int, character: int, encoding: str = UTF16) -> tuple[int, int]:
    """The protocol's 0-based line and character to a 1-based line and code-point column.

    A character inside a code point (half a surrogate pair, part of a UTF-8 sequence) counts
    as after it; one past the end of the line is clamped to the end."""
    text = lines[line] if 0 <= line < len(lines) else ""
    units = 0
    for index, char in enumerate(text):
        if units >= character:
            return line + 1, index + 1
        units += _units(char, encoding)
    return line + 1, len(text) + 1


def span_to_lsp(lines: Sequence[str], span: Span, encoding: str = UTF16) -> tuple[tuple[int, int], tuple[int, int]]:
    """The start and end of `span` in the protocol's units."""
    return to_lsp(lines, span.line, span.column, encoding), to_lsp(lines, span.end_line, span.end_column, encoding)
