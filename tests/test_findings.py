"""Findings a reviewer can act on: what `assume` allows where, help that names every step and
every deciding fact, priors on open owners, and no verdicts for a scenario with errors."""

from __future__ import annotations

import textwrap

from alignment_plan.checker.check import CheckOptions as Options
from conftest import check_paths


def check_text(tmp_path, text, options=Options()):
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "p.plan"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_paths([path], options, root=tmp_path)


def only(result, code):
    (found,) = [d for d in result.diagnostics if d.code == code]
    return found


def test_a_plan_wide_assume_is_told_what_assume_takes(tmp_path):
    result = check_text(
        tmp_path,
        """\
        use std
        plan p "t" {
            operationalize {
                good_feedback = informed
                assume training.overseer_informed = true
            }
        }
        """,
    )
    found = only(result, "AP001")
    assert "assume FAILURE_MODE[, FAILURE_MODE…]: FACT = true|false" in found.help
    assert "inside a failure mode or scenario" not in found.help


OPEN_TWICE = """\
    use std
    {prior}
    plan p "t" {{
        operationalize {{
            good_feedback = reasons
        }}
        considers jailbreak, hidden_knowledge
    }}
    """


def test_open_ownership_help_names_every_deciding_fact_and_uncovered_help_every_step(tmp_path):
    result = check_text(tmp_path, OPEN_TWICE.format(prior=""))
    hidden = next(d for d in result.diagnostics if d.code == "AP305" and "hidden_knowledge" in d.message)
    assert "`training.output_good` or `training.right_reasons`" in hidden.help
    uncovered = next(d for d in result.diagnostics if d.code == "AP301" and "hidden_knowledge" in d.message)
    assert "`feedback_process` and one to `find_and_fix`" in uncovered.help


def test_top_level_priors_weigh_open_owners_exactly(tmp_path):
    result = check_text(tmp_path, OPEN_TWICE.format(prior="prior training.right_reasons = 0.2"))
    jailbreak = next(fm for fm in result.plans[0].failure_modes if fm.name == "jailbreak")
    # Right reasons (0.2): good feedback, find_and_fix; wrong reasons (0.8): feedback_process.
    assert dict(jailbreak.owner_probabilities) == {"feedback_process": 0.8, "find_and_fix": 0.2}
    hidden = next(fm for fm in result.plans[0].failure_modes if fm.name == "hidden_knowledge")
    assert hidden.owner_probabilities is None  # training.output_good has no prior
    message = next(d.message for d in result.diagnostics if d.code == "AP305" and "jailbreak" in d.message)
    assert "under the priors: `feedback_process` 0.8, `find_and_fix` 0.2" in message


def test_a_scenario_refining_nothing_is_not_classified_and_reproduces_no_label(tmp_path):
    result = check_text(
        tmp_path,
        """\
        use std
        scenario farms "Human farms" refines missing {
            training.rewarded = true
            training.output_good = true
            deployment.bad_action = true
            label inner
        }
        """,
    )
    (scenario,) = result.scenarios
    assert not scenario.classified and scenario.verdicts == ()
    assert [d.code for d in scenario.errors] == ["AP106"]
    assert result.label_checks == ()


def test_a_refinement_that_contradicts_its_parent_is_not_classified(tmp_path):
    result = check_text(
        tmp_path,
        """\
        use std
        scenario parent "Parent" {
            training.rewarded = true
        }
        scenario child "Child" refines parent {
            training.rewarded = false
        }
        """,
    )
    classified = {s.name: s.classified for s in result.scenarios}
    assert classified == {"parent": True, "child": False}
    (child,) = [s for s in result.scenarios if s.name == "child"]
    assert [d.code for d in child.errors] == ["AP401"]
