"""The parsers: the LALR tables shipped in `syntax/_lark_tables.py` (see `syntax.tables`),
and lark-cython against plain lark.

The tables must be made from the grammar in this tree, a parser loaded from them must
parse exactly as one computed from the grammar does (nodes, spans, comments, problems,
the formatter's concrete tree), and building a parser must never read or write a file of
lark's cache: lark keeps it in the shared temporary directory, where another user can
leave a pickle for it to load. Where lark-cython (the optional `fast` extra) is installed,
it replaces lark's lexer and LALR loop, sharing the node builder, the error recovery and
the messages; any difference from plain lark in nodes, spans, comments or syntax problems
fails here too.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import random
import subprocess
import sys

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_plan.syntax import _lark_tables, parser, tables
from alignment_plan.syntax.transformer import NodeBuilder
from conftest import ROOT
from fuzz.fuzz_check import grammar_strategy, mutate, seeds
from test_properties import plan_words

REGENERATE = "run `python -m alignment_plan.syntax.tables` and commit `alignment_plan/syntax/_lark_tables.py`"


def test_the_shipped_tables_are_made_from_this_grammar():
    assert _lark_tables.GRAMMAR_SHA256 == tables.digest(parser.grammar_text()), REGENERATE


def test_the_shipped_tables_are_used_with_the_lark_that_made_them():
    if lark.__version__ != _lark_tables.LARK_VERSION:
        pytest.skip(f"lark {lark.__version__} is installed; the tables were made by {_lark_tables.LARK_VERSION}")
    assert tables.load(parser.grammar_text()).source_path == "<deserialized>"
    assert "alignment_plan.syntax._lark_tables" not in sys.modules  # its literals are let go
    assert parser._parser().source_path == "<deserialized>"
    assert parser._concrete_parser().source_path == "<deserialized>"


def test_tables_from_another_grammar_or_lark_are_not_used(monkeypatch):
    grammar = parser.grammar_text()
    monkeypatch.setattr(lark, "__version__", "0.0.0")
    assert tables.load(grammar).source_path != "<deserialized>"
    monkeypatch.undo()
    changed = grammar.replace("start:", "start :", 1)
    assert changed != grammar
    assert tables.load(changed).source_path != "<deserialized>"


def test_building_a_parser_opens_no_cache_file(monkeypatch):
    opened = []
    monkeypatch.setattr(lark.lark.FS, "open", lambda *args, **kwargs: opened.append(args) or open(*args, **kwargs))
    grammar = parser.grammar_text()
    tables.load(grammar, transformer=NodeBuilder())
    tables.load(grammar, propagate_positions=True)
    monkeypatch.setattr(lark, "__version__", "0.0.0")  # computed from the grammar
    tables.load(grammar, transformer=NodeBuilder())
    assert opened == []


def test_a_run_leaves_nothing_in_the_temporary_directory(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    plan = ROOT / "plans" / "debate.plan"
    environment = {**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": str(ROOT)}
    for command in (["check", "--no-cache", str(plan)], ["format", "--check", str(plan)]):
        done = subprocess.run(
            [sys.executable, "-m", "alignment_plan", *command], env=environment, capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode in (0, 1), done.stderr
    assert list(temporary.iterdir()) == []


# The same parses from the shipped tables and from the grammar -------------------------


@functools.cache
def _computed() -> tuple[dict[bool, lark.Lark], lark.Lark]:
    grammar = parser.grammar_text()
    modules = {
        accelerated: lark.Lark(
            grammar, **tables.OPTIONS, transformer=NodeBuilder(), _plugins=parser._accelerator() if accelerated else {}
        )
        for accelerated in (True, False)
    }
    return modules, lark.Lark(grammar, **tables.OPTIONS, propagate_positions=True)


@contextlib.contextmanager
def _parsers_computed_from_the_grammar():
    modules, concrete = _computed()
    shipped = parser._parser, parser._concrete_parser
    parser._parser = lambda accelerated=True: modules[accelerated]
    parser._concrete_parser = lambda: concrete
    parser._terminal_words.cache_clear()
    try:
        yield
    finally:
        parser._parser, parser._concrete_parser = shipped
        parser._terminal_words.cache_clear()


def _parses(text: str) -> tuple:
    return tuple(parser.parse_module("t.plan", text, accelerated=a) for a in (True, False)) + (
        parser.parse_concrete("t.plan", text),
    )


def assert_same_parses(text: str) -> None:
    shipped = _parses(text)
    with _parsers_computed_from_the_grammar():
        computed = _parses(text)
    assert shipped == computed, text
    if ACCELERATED:
        assert shipped[0] == shipped[1], text


ACCELERATED = importlib.util.find_spec("lark_cython") is not None


@pytest.mark.skipif(not ACCELERATED, reason="lark-cython is not installed")
def test_the_accelerator_is_in_use():
    assert type(parser._parser(True).parser.parser).__module__.startswith("lark_cython")
    assert not type(parser._parser(False).parser.parser).__module__.startswith("lark_cython")


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.plan") if "out" not in p.relative_to(ROOT).parts[:2]),
)
def test_same_parses_on_every_plan_file_here(path):
    assert_same_parses((ROOT / path).read_text(encoding="utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(grammatical=grammar_strategy())
def test_same_parses_on_grammatical_text(grammatical):
    assert_same_parses(grammatical)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_words | st.text(max_size=200))
def test_same_parses_and_problems_on_any_text(text):
    assert_same_parses(text)


CORPUS = seeds()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_same_parses_on_mutated_plans(seed):
    """The fuzz harness's mutations: deep nesting, long chains, hostile tokens, splices."""
    rng = random.Random(seed)
    assert_same_parses(mutate(rng.choice(CORPUS), rng, CORPUS))
