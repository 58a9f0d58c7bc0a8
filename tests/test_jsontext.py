"""The reporters' JSON writer gives `json.dumps(value, indent=2, ensure_ascii=False)` byte for byte."""

from __future__ import annotations

import json
import math
from collections import OrderedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from alignment_plan.reporters import jsontext

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5)
    | st.lists(inner, max_size=5).map(tuple)
    | st.dictionaries(keys, inner, max_size=5),
    max_leaves=40,
)


def _standard(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(values)
def test_dumps_is_the_standard_text(value):
    assert jsontext.dumps(value) == _standard(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), values, max_size=6), st.integers(1, 5))
def test_chunks_join_to_the_standard_text(document, size):
    assert "".join(jsontext.chunks(document, size)) == _standard(document)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(), st.lists(values, max_size=6), max_size=4))
def test_an_iterator_is_written_as_the_array_it_yields(document):
    lazy = {key: map(lambda item: item, items) for key, items in document.items()}
    assert "".join(jsontext.chunks(lazy, 2)) == _standard(document)
    lazy = {key: iter(items) for key, items in document.items()}
    assert jsontext.dumps(lazy) == _standard(document)


def test_special_numbers_subclasses_and_errors():
    value = {"nan": math.nan, "inf": [math.inf, -math.inf], "ordered": OrderedDict(b=1, a=True), 1.5: "é\u2028\n"}
    assert jsontext.dumps(value) == _standard(value)
    for bad in ({"x": {1, 2}}, {(1, 2): 3}):
        try:
            jsontext.dumps(bad)
        except TypeError:
            pass
        else:
            raise AssertionError(f"{bad!r} was written")
