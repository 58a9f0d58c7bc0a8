"""Honest coverage: untested ideas cover nothing by default, coverage by status is cumulative,
a back-up is shown and never counted, and the feedback itself can be declared as what it is."""

from __future__ import annotations

import textwrap

from alignment_plan.checker.check import CheckOptions as Options
from alignment_plan.reporters import text as text_report
from alignment_plan.vocabulary import DEFAULT_THRESHOLD, STATUSES
from conftest import check_paths

RESEARCH_ONLY = textwrap.dedent(
    """\
    use std

    plan p "Only an idea" {
        operationalize {
            good_feedback = reasons
        }
        feedback_process {
            technique audit "Interpretability audit" {
                addresses deception
                status research
            }
        }
        considers deception
    }
    """
)


def plan_of(tmp_path, text, options=Options()):
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "p.plan"
    path.write_text(text, encoding="utf-8")
    result = check_paths([path], options, root=tmp_path)
    return result, result.plans[0]


def test_a_research_idea_covers_nothing_by_default(tmp_path):
    assert STATUSES.index(DEFAULT_THRESHOLD) > STATUSES.index("research")
    result, plan = plan_of(tmp_path, RESEARCH_ONLY)
    assert (plan.covered, plan.total) == (0, 1)
    assert "AP301" in {d.code for d in result.diagnostics}
    _, counted = plan_of(tmp_path, RESEARCH_ONLY, Options(threshold="research"))
    assert (counted.covered, counted.total) == (1, 1)


def test_coverage_by_status_is_cumulative_and_names_the_threshold(tmp_path):
    result, plan = plan_of(tmp_path, RESEARCH_ONLY)
    assert [status for status, _ in plan.coverage_by_status] == list(reversed(STATUSES))
    covered = [figures.covered for _, figures in plan.coverage_by_status]
    assert covered == sorted(covered) == [0, 0, 0, 1]
    assert dict(plan.coverage_by_status)[plan.threshold] == plan.coverage
    assert "coverage by status: validated 0/1, deployed 0/1, prototype 0/1 (threshold), research 1/1" in (
        text_report.render(result)
    )


def test_a_backup_is_shown_and_not_counted(tmp_path):
    text = RESEARCH_ONLY.replace(
        "    considers deception",
        textwrap.indent(
            textwrap.dedent(
                """\
                find_and_fix {
                    technique held_out_audit "The audit on held-out transcripts" {
                        backs_up deception
                        status deployed
                        evidence "https://example.org/held-out"
                    }
                }
                considers deception"""
            ),
            "    ",
        ),
    )
    result, plan = plan_of(tmp_path, text)
    (deception,) = plan.failure_modes
    assert deception.backed_up_by == ("held_out_audit",) and not deception.covered
    assert "only backed up by held_out_audit (not counted)" in text_report.render(result)
    reasons = {t.name: t.reason for t in deception.explanation.techniques}
    assert reasons == {"audit": "below_threshold", "held_out_audit": "backup"}
    assert "AP302" not in {d.code for d in result.diagnostics}


def test_the_feedback_source_is_not_a_technique_that_addresses_nothing(tmp_path):
    text = RESEARCH_ONLY.replace(
        '        technique audit "Interpretability audit" {',
        '        technique labels "Preference labels" {\n            feedback_source\n        }\n'
        '        technique audit "Interpretability audit" {',
    )
    result, plan = plan_of(tmp_path, text)
    assert "AP303" not in {d.code for d in result.diagnostics}
    assert next(t for t in plan.techniques if t.name == "labels").feedback_source
