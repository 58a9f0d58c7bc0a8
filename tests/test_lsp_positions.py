"""The one conversion between the package's positions (1-based, code points) and the
language server protocol's (0-based, UTF-16 units unless agreed otherwise)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alignment_plan.diagnostics import Span
from alignment_plan.lsp.positions import UTF8, UTF16, UTF32, from_lsp, lines_of, span_to_lsp, to_lsp

# A parrot (U+1F99C) and a musical symbol (U+1D11E) lie outside the BMP: two UTF-16 units,
# four UTF-8 bytes; `é` is one UTF-16 unit and two UTF-8 bytes.
LINES = lines_of('technique t "🦜é𝄞" {\n    addresses deceptoin\n}')


def test_ascii_columns_only_shift_by_one():
    assert to_lsp(LINES, 2, 15) == (1, 14)
    assert from_lsp(LINES, 1, 14) == (2, 15)


def test_characters_outside_the_bmp_count_two_utf16_units():
    brace = LINES[0].index("{") + 1  # column 19 in code points
    assert to_lsp(LINES, 1, brace) == (0, 18 + 2)  # 🦜 and 𝄞 count two each
    assert to_lsp(LINES, 1, brace, UTF8) == (0, 18 + 3 + 1 + 3)
    assert to_lsp(LINES, 1, brace, UTF32) == (0, 18)
    assert from_lsp(LINES, 0, 20) == (1, brace)
    assert from_lsp(LINES, 0, 25, UTF8) == (1, brace)


def test_a_position_inside_a_surrogate_pair_counts_as_after_it():
    parrot = LINES[0].index("🦜")  # 0-based code point index 13, UTF-16 unit 13 and 14
    assert from_lsp(LINES, 0, parrot + 1) == (1, parrot + 2)


def test_past_the_end_of_a_line_or_the_file():
    assert from_lsp(LINES, 2, 40) == (3, 2)
    assert from_lsp(LINES, 7, 0) == (8, 1)
    assert to_lsp(LINES, 3, 3) == (2, 2)


def test_span_converts_both_ends():
    span = Span("x.plan", 1, 14, 1, 17)  # the three characters inside the quotes
    assert span_to_lsp(LINES, span) == ((0, 13), (0, 18))


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\n"), max_size=30), st.data())
def test_round_trip(line, data):
    column = data.draw(st.integers(min_value=1, max_value=len(line) + 1))
    for encoding in (UTF8, UTF16, UTF32):
        assert from_lsp([line], *to_lsp([line], 1, column, encoding), encoding) == (1, column)
