"""A few seconds of the fuzzing harness (`tests/fuzz/fuzz_check.py`) in every test run:
seeded mutations of the repository's plans and grammatical plans from Hypothesis, each
checked for tracebacks, exit codes, spans inside their file, forged `::` lines, and time
and memory. A longer run: `python tests/fuzz/fuzz_check.py --minutes 10`."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings

from fuzz.fuzz_check import check_input, fuzz_mutations, grammar_strategy, mutate, seeds


def test_mutated_plans_hold_up():
    failures = []
    fuzz_mutations(6, seed=20240601, full=False, report=lambda text, problems: failures.append((problems, text[:500])))
    assert not failures, failures


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(grammar_strategy())
def test_grammatical_plans_hold_up(text):
    assert check_input(text, full=False) == []


def test_mutations_are_deterministic_and_bounded():
    corpus = seeds()
    first = [mutate(corpus[0], random.Random(5), corpus) for _ in range(3)]
    again = [mutate(corpus[0], random.Random(5), corpus) for _ in range(3)]
    assert first == again and all(len(text) <= 200_000 for text in first)


def test_the_harness_sees_a_forged_line_and_a_bad_span(monkeypatch):
    from alignment_plan.reporters import concise, json_report

    monkeypatch.setattr(concise, "render", lambda result: "::error file=README.md::Forged\n")
    original = json_report.render

    def shifted(result):
        text = original(result)
        return text.replace('"line": 1,', '"line": 99,')

    monkeypatch.setattr(json_report, "render", shifted)
    monkeypatch.setattr(json_report, "chunks", lambda result: iter([shifted(result)]))  # what `check` streams
    problems = check_input('fact a\n', full=False)
    assert any("starts with `::`" in p for p in problems)
    assert any("outside main.plan" in p for p in problems)
