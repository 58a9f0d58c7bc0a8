"""Suppression comments beyond the inline-expectation cases: which suppressions are
judged, how configuration and comments combine, and the parser of the directives."""

from __future__ import annotations

import textwrap

import pytest

from alignment_plan.text import split_lines
from alignment_plan.checker.check import CheckOptions as Options
from conftest import all_codes_but, check_paths
from alignment_plan.rules.suppressions import parse_suppressions
from alignment_plan.syntax.parser import parse_module

PLAN = textwrap.dedent(
    """\
    use std

    plan p "Suppressions" {
        operationalize {
            good_feedback = outcomes
            # a toy plan: its stakes are low, and it says so
            stakes = low  # alignment-plan: ignore[AP308]
        }
        find_and_fix {
            technique red_team "Red team" {
                addresses deception
                status prototype  evidence "https://example.org/red-team"
            }
        }
        # alignment-plan: ignore[uncovered-failure-mode]

        considers deception, distribution_shift  # alignment-plan: ignore[AP301]
    }
    """
)


@pytest.fixture
def plan(tmp_path):
    (tmp_path / ".git").mkdir()
    path = tmp_path / "p.plan"
    path.write_text(PLAN, encoding="utf-8")
    return path


def codes(result) -> list[tuple[int, str]]:
    return [(d.span.line, d.code) for d in result.diagnostics]


def test_inline_suppressions_silence_and_a_comment_above_a_blank_line_is_unused(plan):
    result = check_paths([plan], root=plan.parent)
    # The comment on line 15 speaks about line 16, which is blank: unused.
    assert codes(result) == [(15, "AP502")]
    assert result.suppressed == 2
    assert "nothing on line 16 reports it" in result.diagnostics[0].message


def test_codes_of_rules_that_did_not_run_are_not_judged(plan):
    result = check_paths([plan], Options(enabled=all_codes_but("AP308")), root=plan.parent)
    assert codes(result) == [(15, "AP502")]  # the AP308 suppression on line 7 is not reported
    per_file = Options(file_ignores={plan.name: frozenset({"AP301", "AP308"})})
    assert codes(check_paths([plan], per_file, root=plan.parent)) == []


def test_findings_about_suppressions_obey_select_ignore_and_severity(plan):
    from alignment_plan.diagnostics import Severity

    assert codes(check_paths([plan], Options(enabled=all_codes_but("AP502")), root=plan.parent)) == []
    result = check_paths([plan], Options(severities={"AP502": Severity.ERROR}), root=plan.parent)
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]


def test_without_the_comments_the_findings_come_back(plan):
    plan.write_text("\n".join(line.split("  # alignment-plan")[0] for line in PLAN.splitlines()) + "\n", encoding="utf-8")
    assert codes(check_paths([plan], root=plan.parent)) == [(7, "AP308"), (17, "AP301")]


def test_a_file_level_suppression_can_silence_the_hygiene_rules(plan):
    plan.write_text("# alignment-plan: ignore-file[unused-suppression]\n" + PLAN, encoding="utf-8")
    result = check_paths([plan], root=plan.parent)
    assert codes(result) == []


def test_file_level_wins_and_leaves_the_inline_one_unused(plan):
    plan.write_text(PLAN + "# alignment-plan: ignore-file[AP308]\n", encoding="utf-8")
    assert codes(check_paths([plan], root=plan.parent)) == [(7, "AP502"), (15, "AP502")]


def parsed(text: str):
    return parse_suppressions(parse_module("t.plan", text), lambda: split_lines(text))


def test_directive_forms():
    result = parsed(
        "use std  # alignment-plan: ignore[AP301, misplaced-technique,AP301]\n"
        "# alignment-plan:ignore-file[ low-stakes ]\n"
        "#alignment-plan: ignore [AP302]\n"
        "fact a.b \"x # alignment-plan: ignore[AP999] inside a string is not a comment\"\n"
    )
    assert [(s.codes, s.line) for s in result.suppressions] == [
        (("AP301", "AP302"), 1),
        (("AP308",), None),
        (("AP302",), 4),
    ]
    assert result.problems == ()
    assert result.suppressions[0].span.column == 10


@pytest.mark.parametrize(
    ("comment", "kind"),
    [
        ("# alignment-plan: ignore AP301", "malformed"),
        ("# alignment-plan: ignore[]", "malformed"),
        ("# alignment-plan: noqa[AP301]", "malformed"),
        ("# alignment-plan: ignore[AP301] extra words", "malformed"),
        ("# alignment-plan: ignore[AP3O1]", "unknown-code"),
        ("# alignment-plan: ignore[uncovered]", "unknown-code"),
    ],
)
def test_problems(comment, kind):
    result = parsed(comment + "\nuse std\n")
    assert [p.kind for p in result.problems] == [kind]
    assert result.suppressions == ()


def test_ordinary_comments_are_not_directives():
    result = parsed("# the alignment-plan: docs explain suppressions\n# see ignore[AP301]\nuse std\n")
    assert result.suppressions == () and result.problems == ()
