"""Text as the tool reads and shows it: what a line is, and how user text is made safe to print.

Part of the lowest layer. The parser counts lines by `\\n` only, so everything that maps a
position back to a line (quoting, suppressions, fingerprints) splits with `split_lines`,
never `str.splitlines`, which also breaks at `\\x0b \\x0c \\x1c-\\x1e \\x85 U+2028 U+2029`.
Every human-readable output passes text that came from a user (paths, titles, messages
quoting input) through `printable`, so that a file name or a title cannot move the cursor,
recolour the terminal, reorder what a reader sees, or start a new line that a CI runner
reads as a command.
"""

from __future__ import annotations

import re

# Invisible or reordering characters (trojan-source): bidi embeddings, overrides and
# isolates, zero-width characters, and other format characters that show as nothing.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
# What `printable` escapes: C0 controls but tab, DEL, C1 controls, line and paragraph
# separators, the characters above, interlinear annotations, tag characters and lone
# surrogates (which cannot even be encoded).
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"
    + BIDI
    + INVISIBLE
    + "]"
)
_HIDDEN = re.compile("[" + BIDI + INVISIBLE + "]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` as the parser numbers them: split at `\\n` only, a final `\\r`
    dropped from each (CRLF files), no empty last line for a trailing newline."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def code_point(char: str) -> str:
    """`U+202E`: how a message names a character that cannot be shown."""
    return f"U+{ord(char):04X}"


def _escaped(match: re.Match) -> str:
    value = ord(match.group())
    if value <= 0xFF:
        return {0x0A: "\\n", 0x0D: "\\r"}.get(value, f"\\x{value:02x}")
    return f"\\u{value:04x}" if value <= 0xFFFF else f"\\U{value:08x}"


def printable(text: str) -> str:
    """`text` with every control, bidi or invisible character written as an escape
    (`\\x1b`, `\\n`, `\\u202e`): safe for a terminal and for a CI log, and still one line."""
    return _UNSAFE.sub(_escaped, text)


def hidden_characters(text: str):
    """(offset, character) of each bidi or invisible character in `text`."""
    for match in _HIDDEN.finditer(text):
        yield match.start(), match.group()


# A finding quotes at most this many characters of its line, around its span, so that a
# long line cannot make every finding on it print the whole line again.
QUOTE_WIDTH = 120
# Past this many findings on one line, the next ones are reported without the quote.
QUOTES_PER_LINE = 10


def excerpt(line: str, start: int, end: int, width: int = QUOTE_WIDTH) -> tuple[str, str, str]:
    """The part of `line` before, in and after the span `[start, end)` (0-based code points),
    cut to about `width` characters around it (`…` marks a cut) and made `printable`."""
    start = min(max(start, 0), len(line))
    end = min(max(end, start), len(line), start + width)
    left = max(0, start - max(width - (end - start), 0) // 2)
    right = min(len(line), max(end, left + width))
    left = max(0, min(left, right - width))
    before = ("…" if left else "") + printable(line[left:start])
    after = printable(line[end:right]) + ("…" if right < len(line) else "")
    return before, printable(line[start:end]), after


def describe_bug(error: BaseException, limit: int = 200) -> str:
    """`RecursionError: maximum recursion depth exceeded`: an unexpected exception on one
    printable line of at most about `limit` characters, for an internal-error message."""
    text = printable(" ".join(f"{type(error).__name__}: {error}".split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
