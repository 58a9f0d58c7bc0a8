"""`alignment_plan.project.compare`: the delta between two versions of a plan, and why owners moved."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import ROOT

from alignment_plan.checker.check import CheckOptions as Options
from conftest import check_paths
from alignment_plan.project.compare import BaseReportError, compare, compare_text, parse_base, read_plans
from alignment_plan.reporters import json_report
from alignment_plan.results.model import OwnerReason

FIXTURES = ROOT / "tests" / "fixtures" / "report"
# The fixtures' techniques are mostly `research`: count them, to compare what they describe.
RESEARCH = Options(threshold="research")


@pytest.fixture(scope="module")
def head():
    return check_paths([FIXTURES / "head"], RESEARCH, root=ROOT)


@pytest.fixture(scope="module")
def base_document():
    return json.loads(json_report.render(check_paths([FIXTURES / "base"], RESEARCH, root=ROOT)))


def delta_of(document, result):
    plans = read_plans(document)
    return compare(plans, result, "base.json", document.get("version"))


def plan_of(delta, name):
    return next(p for p in delta.plans if p.name == name)


def change_of(plan, failure_mode):
    return next(c for c in plan.owner_changes if c.failure_mode == failure_mode)


def test_two_versions_of_a_plan(head, base_document):
    delta = delta_of(base_document, head)
    assert (delta.before.covered, delta.before.total) == (7, 8)
    assert (delta.after.covered, delta.after.total) == (6, 9)
    assert (delta.newly_uncovered, delta.newly_covered, delta.owner_changes) == (3, 1, 4)

    assistant = plan_of(delta, "pull_request_assistant")
    assert assistant.change == "changed"
    assert assistant.file.endswith("head/assistant.plan")  # moved files match by plan name
    assert [(c.failure_mode, c.before, c.missing_in) for c in assistant.newly_uncovered] == [
        ("hidden_knowledge", "covered", ("find_and_fix",))
    ]
    deception = change_of(assistant, "deception")
    assert (deception.before.owner, deception.after.owner) == ("feedback_process", "find_and_fix")
    assert deception.reasons == (OwnerReason("binding", "good_feedback", "reasons", "outcomes"),)
    hidden = change_of(assistant, "hidden_knowledge")
    assert hidden.after.owner == "operationalize"
    assert hidden.after.possible_owners == ("feedback_process", "find_and_fix")
    assert hidden.after.depends_on == ("training.output_good",)
    assert hidden.reasons == (
        OwnerReason("binding", "good_feedback", "reasons", "outcomes"),
        OwnerReason("assumption", "training.output_good", "false", None),
    )


def test_story_and_assumption_reasons_ignore_slots_the_lens_does_not_read(head, base_document):
    bot = plan_of(delta_of(base_document, head), "support_bot")
    # `stakes` changed from high to low, but the ownership lens never reads it
    injection = change_of(bot, "prompt_injection")
    assert injection.reasons == (
        OwnerReason("story", "deployment.novel", None, "true"),
        OwnerReason("story", "training.output_good", "false", "true"),
    )
    hidden = change_of(bot, "hidden_knowledge")
    assert hidden.reasons == (OwnerReason("assumption", "training.output_good", "false", "true"),)
    assert [c.failure_mode for c in bot.newly_covered] == ["sycophancy"]
    assert [(c.failure_mode, c.before) for c in bot.newly_uncovered] == [
        ("hidden_knowledge", "covered"),
        ("reward_tampering", "absent"),
    ]
    assert bot.added_failure_modes == ("reward_tampering",)


def test_added_and_removed_plans(head, base_document):
    delta = delta_of(base_document, head)
    added = plan_of(delta, "scoped_agent")
    assert added.change == "added" and added.before is None and added.after.total == 1
    removed = plan_of(delta, "legacy_classifier")
    assert removed.change == "removed" and removed.after is None
    assert removed.removed_failure_modes == ("distribution_shift",)


def test_a_base_without_the_new_fields_still_compares(head, base_document):
    """A base branch older than `assumptions`, `facts` and `lens_slots`."""
    old = copy.deepcopy(base_document)
    for plan in old["plans"]:
        del plan["assumptions"], plan["lens_slots"]
        for fm in plan["failure_modes"]:
            del fm["facts"]
    bot = plan_of(delta_of(old, head), "support_bot")
    assert change_of(bot, "prompt_injection").reasons == (OwnerReason("unexplained", "", None, None),)
    assistant = plan_of(delta_of(old, head), "pull_request_assistant")
    assert change_of(assistant, "deception").reasons == (
        OwnerReason("binding", "good_feedback", "reasons", "outcomes"),
    )


def test_a_report_compared_with_itself_has_no_changes(head):
    document = json.loads(json_report.render(head))
    delta = delta_of(document, head)
    assert all(p.change == "unchanged" for p in delta.plans)
    assert (delta.newly_uncovered, delta.newly_covered, delta.owner_changes) == (0, 0, 0)
    assert delta.before == delta.after


def test_newly_out_of_scope_is_reported_not_hidden(head):
    document = json.loads(json_report.render(head))
    scoped = next(p for p in document["plans"] if p["name"] == "scoped_agent")
    misuse = next(fm for fm in scoped["failure_modes"] if fm["name"] == "misuse")
    misuse.update(out_of_scope=None, covered=False)
    plan = plan_of(delta_of(document, head), "scoped_agent")
    assert plan.change == "changed"
    assert [(c.failure_mode, c.before, c.after) for c in plan.scoped_out] == [("misuse", "uncovered", "out_of_scope")]


def test_plans_with_one_name_in_several_files_match_by_file_only(head, base_document):
    doubled = copy.deepcopy(base_document)
    twin = copy.deepcopy(doubled["plans"][0])
    twin["file"] = "elsewhere.plan"
    doubled["plans"].append(twin)
    delta = delta_of(doubled, head)
    assert plan_of(delta, "pull_request_assistant").change == "added"  # ambiguous: no guess
    assert sum(1 for p in delta.plans if p.change == "removed" and p.name == "pull_request_assistant") == 2


def test_reason_messages_quote_user_input_through_the_given_function():
    reason = OwnerReason("binding", "good_feedback", "reasons", "outcomes")
    assert reason.message == "binding `good_feedback` changed from `reasons` to `outcomes`"
    assert reason.describe(lambda text: f"<{text}>") == "binding <good_feedback> changed from <reasons> to <outcomes>"
    assert OwnerReason("assumption", "f", None, "true").message == "assumption `f` added: `true` (was not assumed)"
    assert (
        OwnerReason("story", "f", "false", None).message
        == "catalog story fact `f` removed: was `false` (now not stated)"
    )


def test_compare_text_reads_version_and_rejects_bad_shapes(head):
    text = json_report.render(head)
    assert compare_text(text, head, "x").base_version == json.loads(text)["version"]
    plans, version = parse_base(text)
    assert len(plans) == len(head.plans) and version
    with pytest.raises(BaseReportError, match=r"plans\[0\]\.bindings\.good_feedback"):
        parse_base('{"plans": [{"name": "p", "bindings": {"good_feedback": 1}, "failure_modes": []}]}')
    with pytest.raises(BaseReportError, match="not JSON"):
        parse_base("{")


def test_an_owner_change_never_reads_the_same_on_both_sides(head):
    """Only the deciding facts of an open owner changed: the delta says which."""
    from alignment_plan.reporters import wording

    document = json.loads(json_report.render(head))
    plan = next(p for p in document["plans"] if p["name"] == "pull_request_assistant")
    hidden = next(fm for fm in plan["failure_modes"] if fm["name"] == "hidden_knowledge")
    assert hidden["owner"] == "operationalize"
    hidden["depends_on"] = ["training.output_good", "training.right_reasons"]
    items = wording.plan_delta_items(plan_of(delta_of(document, head), "pull_request_assistant"))
    (owner,) = [item for item in items if item.kind == "owner"]
    before, after = owner.body.split(" -> ")
    assert before != after
    assert "deciding: training.output_good, training.right_reasons" in before
    assert after.endswith("deciding: training.output_good")


def test_coverage_by_status_is_compared(head):
    document = json.loads(json_report.render(head))
    plan = next(p for p in document["plans"] if p["name"] == "pull_request_assistant")
    plan["coverage"]["by_status"]["validated"]["covered"] += 1
    delta = plan_of(delta_of(document, head), "pull_request_assistant")
    assert delta.change == "changed"
    from alignment_plan.reporters import wording

    (item,) = [i for i in wording.plan_delta_items(delta) if i.kind == "by_status"]
    assert item.body.startswith("validated 1/")
