"""lark-cython (the optional `fast` extra) and plain lark give the same modules.

The accelerated parser replaces lark's lexer and LALR loop; the node builder, the error
recovery and the messages are shared. Any difference in nodes, spans, comments or
syntax problems on any input fails here. Skipped where lark-cython is not installed.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_plan.syntax.parser import parse_module
from conftest import ROOT
from fuzz.fuzz_check import grammar_strategy, mutate, seeds
from test_properties import plan_words

pytest.importorskip("lark_cython")


def assert_same_parse(text: str) -> None:
    accelerated = parse_module("t.plan", text)
    plain = parse_module("t.plan", text, accelerated=False)
    assert accelerated == plain, text


def test_the_accelerator_is_in_use():
    from alignment_plan.syntax.parser import _parser as parser_of

    assert type(parser_of(True).parser.parser).__module__.startswith("lark_cython")
    assert not type(parser_of(False).parser.parser).__module__.startswith("lark_cython")


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.plan") if "out" not in p.relative_to(ROOT).parts[:2]),
)
def test_same_modules_on_every_plan_file_here(path):
    assert_same_parse((ROOT / path).read_text(encoding="utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(grammar_strategy())
def test_same_modules_on_grammatical_text(text):
    assert_same_parse(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_words | st.text(max_size=200))
def test_same_modules_and_problems_on_any_text(text):
    assert_same_parse(text)


CORPUS = seeds()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_same_modules_on_mutated_plans(seed):
    """The fuzz harness's mutations: deep nesting, long chains, hostile tokens, splices."""
    rng = random.Random(seed)
    assert_same_parse(mutate(rng.choice(CORPUS), rng, CORPUS))
