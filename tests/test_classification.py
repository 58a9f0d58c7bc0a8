"""Scenarios: the essay's golden table, its conclusions, the literature cases, inheritance,
the label check, and the `classify` command (golden text and JSON, schema, options)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from alignment_plan.text import split_lines
from conftest import check_paths
from alignment_plan.analysis.scenarios import analyze_scenarios
from alignment_plan.analysis.scenarios.labels import check_labels
from alignment_plan.analysis.scenarios.stories import MAX_REFINEMENT_DEPTH, scenario_stories
from alignment_plan.analysis.scenarios.tables import definition_combinations
from alignment_plan.cli import main
from alignment_plan.reporters import classification as report
from alignment_plan.analysis.resolver import Workspace, resolve
from conftest import ROOT

QUIZ = ROOT / "plans" / "pop_quiz.plan"
LITERATURE = ROOT / "plans" / "literature_scenarios.plan"
SCHEMA = json.loads((ROOT / "alignment_plan" / "schemas" / "classify.schema.json").read_text(encoding="utf-8"))


def scope_of(tmp_path: Path, text: str, name: str = "case.plan", extra: dict[str, str] | None = None):
    for other, content in (extra or {}).items():
        (tmp_path / other).write_text(content, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    workspace = Workspace(tmp_path)
    return resolve(workspace, workspace.module(path))


def verdicts_by_row(result, scenario: str) -> dict:
    found = {s.name: s for s in result.scenarios}[scenario]
    return {(v.lens, v.bindings, v.reading): v for v in found.verdicts}


@pytest.fixture(scope="module")
def quiz():
    return check_paths([QUIZ], root=ROOT)


# The golden table of language.md: (lens, bindings, reading) -> (scenario 1, scenario 2).
GOLDEN_TABLE = [
    (("objective", (("counterfactual", "idealized_evaluator"),), "open"), ("inner", "inner")),
    (("objective", (("counterfactual", "physical_process"),), "open"), ("outer", "outer")),
    (("generalization", (("good_feedback", "outcomes"),), "open"), ("inner", "inner")),
    (("generalization", (("good_feedback", "reasons"),), "open"), ("ambiguous", "outer")),
    (("deception_vs_other", (), "open"), ("ambiguous", "inner")),
    (("training_vs_model", (), "closed"), ("outer", "inner")),
]


@pytest.mark.parametrize("row, expected", GOLDEN_TABLE, ids=lambda value: str(value[0]) if isinstance(value[0], str) else None)
def test_golden_table_from_the_essay(quiz, row, expected):
    first = verdicts_by_row(quiz, "human_farms")[row]
    second = verdicts_by_row(quiz, "human_farms_deceptive")[row]
    assert (first.legacy, second.legacy) == expected


def test_golden_table_ambiguous_cells_name_their_deciding_fact(quiz):
    first = verdicts_by_row(quiz, "human_farms")
    assert first[("generalization", (("good_feedback", "reasons"),), "open")].depends_on == ("training.right_reasons",)
    assert first[("deception_vs_other", (), "open")].depends_on == ("training.deceptive",)
    assert first[("deception_vs_other", (), "open")].possible == ("deceptive", "non_deceptive")


def test_quiz_table_has_every_lens_definition_and_reading(quiz):
    # generalization x 4 definitions, objective x 2, root_cause, two heuristics; both readings.
    for scenario in quiz.scenarios:
        assert len(scenario.verdicts) == (5 + 2 + 1 + 1 + 1) * 2
        assert {v.reading for v in scenario.verdicts} == {"open", "closed"}


def test_quiz_labels_are_inconsistent_under_every_real_categorization(quiz):
    (check,) = quiz.label_checks
    assert check.labels == (("human_farms", "outer"), ("human_farms_deceptive", "inner"))
    assert check.real == ()
    assert check.conflict_kind == "refinement"
    assert check.conflict == ("human_farms", "human_farms_deceptive")
    findings = [d for d in quiz.diagnostics if d.code == "AP403"]
    assert len(findings) == 1
    finding = findings[0]
    assert "`human_farms_deceptive`" in finding.message and "`human_farms`" in finding.message
    assert finding.severity.value == "warning"
    lines = split_lines(QUIZ.read_text(encoding="utf-8"))
    assert lines[finding.span.line - 1].strip() == "label inner"
    assert lines[finding.related[0].span.line - 1].strip() == "label outer"


def test_quiz_heuristics_reproduce_the_labels_in_the_closed_reading_only(quiz):
    (check,) = quiz.label_checks
    assert {(c.lens, c.reading) for c in check.heuristic} == {
        ("training_vs_model", "closed"),
        ("deception_vs_other", "closed"),
    }
    assert all(c.heuristic for c in check.heuristic)


def test_quiz_prior_makes_scenario_one_outer_with_probability_099(tmp_path):
    scope = scope_of(tmp_path, QUIZ.read_text(encoding="utf-8"))
    analysis = analyze_scenarios(scope)
    first = {t.story.name: t for t in analysis.tables}["human_farms"]
    cell = next(
        c for c in first.cells if c.combination.lens == "deception_vs_other" and c.combination.reading == "open"
    )
    assert dict(cell.verdict.probabilities) == {"non_deceptive": Fraction(99, 100), "deceptive": Fraction(1, 100)}
    assert cell.legacy_probability("outer") == Fraction(99, 100)
    # Scenario 2 states the fact, so the prior does not apply to it.
    second = {t.story.name: t for t in analysis.tables}["human_farms_deceptive"]
    assert second.priors == ()


def test_quiz_prior_finding_and_json_probabilities(quiz):
    (finding,) = [d for d in quiz.diagnostics if d.code == "AP408"]
    assert "0.99" in finding.message and "deception_vs_other" in finding.message
    row = verdicts_by_row(quiz, "human_farms")[("deception_vs_other", (), "open")]
    assert dict(row.probabilities) == {"deceptive": 0.01, "non_deceptive": 0.99}


def test_without_the_prior_there_are_no_probabilities(tmp_path):
    text = QUIZ.read_text(encoding="utf-8").replace("prior training.deceptive = 0.01", "")
    analysis = analyze_scenarios(scope_of(tmp_path, text))
    assert all(cell.verdict.probabilities is None for table in analysis.tables for cell in table.cells)


# The literature ---------------------------------------------------------------------


@pytest.mark.parametrize("name, label", [("coast_runners", "outer"), ("coin_run", "inner"), ("grasping_arm", "outer")])
def test_literature_scenarios_get_their_labels_under_generalization_outcomes(name, label):
    result = check_paths([LITERATURE], root=ROOT)
    scenario = {s.name: s for s in result.scenarios}[name]
    assert scenario.labels == (label,)
    assert scenario.sources, f"{name} has no source"
    rows = verdicts_by_row(result, name)
    for reading in ("open", "closed"):
        assert rows[("generalization", (("good_feedback", "outcomes"),), reading)].legacy == label


def test_literature_label_set_is_consistent_and_names_generalization():
    (check,) = check_paths([LITERATURE], root=ROOT).label_checks
    assert check.conflict_kind is None and not check.unreproducible
    assert ("generalization", (("good_feedback", "outcomes"),), "open") in {
        (c.lens, c.bindings, c.reading) for c in check.real
    }
    assert check.heuristic == ()


# Stories and refinements ------------------------------------------------------------

CHAIN = """use std
prior training.deceptive = 0.2
scenario a "root" {
    training.rewarded = true
    prior training.right_reasons = 0.5
}
scenario b "child" refines a {
    training.output_good = true
    training.rewarded = false
    prior training.right_reasons = 0.25
}
scenario c "grandchild" refines b {
    deployment.bad_action = true
}
"""


def test_refinement_inherits_facts_and_keeps_the_ancestor_value(tmp_path):
    stories = scenario_stories(scope_of(tmp_path, CHAIN))
    c = stories.by_name["c"]
    assert c.fact_map() == {"training.rewarded": True, "training.output_good": True, "deployment.bad_action": True}
    assert c.ancestors == ("b", "a")
    assert c.statement("training.rewarded").scenario == "a"
    (contradiction,) = stories.contradictions
    assert contradiction.scenario.name.text == "b"
    assert contradiction.stated.fact.text == "training.rewarded"
    assert contradiction.inherited.scenario == "a"


def test_priors_are_inherited_and_overridden_and_catalog_priors_apply(tmp_path):
    analysis = analyze_scenarios(scope_of(tmp_path, CHAIN))
    tables = {t.story.name: t for t in analysis.tables}
    assert dict(tables["a"].priors) == {"training.deceptive": Fraction(1, 5), "training.right_reasons": Fraction(1, 2)}
    assert dict(tables["c"].priors) == {"training.deceptive": Fraction(1, 5), "training.right_reasons": Fraction(1, 4)}


def test_generalization_under_reasons_uses_the_inherited_prior(tmp_path):
    analysis = analyze_scenarios(scope_of(tmp_path, CHAIN))
    c = {t.story.name: t for t in analysis.tables}["c"]
    cell = next(
        x
        for x in c.cells
        if x.combination.lens == "generalization"
        and x.combination.bindings == (("good_feedback", "reasons"),)
        and x.combination.reading == "open"
    )
    # good feedback iff right_reasons; bad feedback (outer) with probability 3/4.
    assert dict(cell.verdict.probabilities) == {"feedback_process": Fraction(3, 4), "find_and_fix": Fraction(1, 4)}


def test_cycles_inherit_nothing_and_long_chains_do_not_recurse_but_stop_at_the_limit(tmp_path):
    lines = ["use std", 'scenario x "x" refines y { training.rewarded = true }', 'scenario y "y" refines x { }']
    lines.append('scenario s0 "s0" { training.rewarded = true }')
    for index in range(1, 3000):
        lines.append(f'scenario s{index} "s" refines s{index - 1} {{ }}')
    lines.append('scenario below "below" refines y { deployment.novel = true }')
    stories = scenario_stories(scope_of(tmp_path, "\n".join(lines)))
    assert [[d.name.text for d in c.members] for c in stories.cycles] == [["x", "y"]]
    assert stories.by_name["y"].facts == ()
    assert stories.by_name["below"].fact_map() == {"deployment.novel": True}
    deepest = stories.by_name[f"s{MAX_REFINEMENT_DEPTH - 1}"]
    assert deepest.fact_map() == {"training.rewarded": True}
    assert len(deepest.ancestors) == MAX_REFINEMENT_DEPTH - 1
    # One more level would make every story carry a quadratic number of inherited facts.
    cut = stories.by_name[f"s{MAX_REFINEMENT_DEPTH}"]
    assert cut.ancestors == () and cut.facts == () and cut.scenario in stories.too_deep
    assert len(stories.by_name["s2999"].ancestors) == 2999 % MAX_REFINEMENT_DEPTH


def test_refinement_across_files(tmp_path):
    base = 'use std\nscenario base "b" {\n    training.rewarded = true\n    label outer\n}\n'
    text = 'use "base.plan"\nscenario more "m" refines base {\n    training.output_good = false\n}\n'
    analysis = analyze_scenarios(scope_of(tmp_path, text, extra={"base.plan": base}))
    assert [t.story.name for t in analysis.tables] == ["more"]
    assert analysis.tables[0].story.fact_map() == {"training.rewarded": True, "training.output_good": False}
    assert analysis.label_check is None  # labels are checked in the file that writes them


# Combinations -----------------------------------------------------------------------


def test_combinations_cover_every_definition_of_every_used_slot(tmp_path):
    scope = scope_of(tmp_path, "use std\n")
    count = {name: len(definition_combinations(scope, lens)) for name, lens in scope.lenses.items()}
    assert count == {
        "generalization": 5,
        "objective": 2,
        "root_cause": 1,
        "training_vs_model": 1,
        "deception_vs_other": 1,
    }


NESTED = """
fact f.x "x"
fact f.y "y"
slot outer_slot "a slot whose definitions use another slot"
slot inner_slot "the other slot"
definition outer_slot plain "no other slot" { f.x }
definition outer_slot through "uses inner_slot" { inner_slot and f.x }
definition inner_slot one "first" { f.y }
definition inner_slot two "second" { not f.y }
lens l "a lens on outer_slot" {
    bad as outer when outer_slot
    good as inner when not outer_slot
}
"""


def test_combinations_follow_slots_used_by_definitions(tmp_path):
    scope = scope_of(tmp_path, NESTED)
    found = [
        tuple((d.slot.text, d.name.text) for d in combination)
        for combination in definition_combinations(scope, scope.lenses["l"])
    ]
    assert found == [
        (("outer_slot", "plain"),),
        (("outer_slot", "through"), ("inner_slot", "one")),
        (("outer_slot", "through"), ("inner_slot", "two")),
    ]


# The label check --------------------------------------------------------------------

TRIANGLE = """
fact f.x "x"
fact f.y "y"
fact f.z "z"
slot s "which fact makes it outer"
definition s dx "x" { f.x }
definition s dy "y" { f.y }
definition s dz "z" { f.z }
lens l "outer when s holds" {
    bad as outer when s
    good as inner when not s
}
scenario a "x and y" {
    f.x = true
    f.y = true
    f.z = false
    label outer
}
scenario b "y and z" {
    f.x = false
    f.y = true
    f.z = true
    label outer
}
scenario c "x and z" {
    f.x = true
    f.y = false
    f.z = true
    label outer
}
"""


def test_conflict_of_a_whole_set_with_every_pair_reproducible(tmp_path):
    analysis = analyze_scenarios(scope_of(tmp_path, TRIANGLE))
    check = analysis.label_check
    assert check.real == () and check.conflict.kind == "set"
    assert check.conflict.scenarios == ("a", "b", "c")
    two = check_labels("case.plan", list(analysis.tables[:2]))
    assert [(c.bindings, c.reading) for c in two.real] == [((("s", "dy"),), "open"), ((("s", "dy"),), "closed")]


PAIR_BESIDE_A_REFINEMENT = """use std
scenario a "the quiz's first scenario" {
    training.rewarded = true
    training.output_good = true
    deployment.bad_action = true
    deployment.approved = true
    deployment.judged_good = false
    label outer
}
scenario b "a refinement labelled like its parent" refines a {
    deployment.novel = true
    label outer
}
scenario c "the quiz's second scenario, told on its own" {
    training.rewarded = true
    training.output_good = true
    training.right_reasons = false
    training.deceptive = true
    deployment.bad_action = true
    deployment.approved = true
    deployment.judged_good = false
    story.mentions_cognition = true
    label inner
}
"""


def test_conflict_names_the_pair_to_blame_not_a_consistent_refinement(tmp_path):
    check = analyze_scenarios(scope_of(tmp_path, PAIR_BESIDE_A_REFINEMENT)).label_check
    assert check.real == ()
    assert (check.conflict.kind, check.conflict.scenarios) == ("pair", ("a", "c"))


def test_conflict_set_finding(tmp_path):
    path = tmp_path / "triangle.plan"
    path.write_text(TRIANGLE, encoding="utf-8")
    result = check_paths([path], root=tmp_path)
    (finding,) = [d for d in result.diagnostics if d.code == "AP403"]
    assert finding.message == "no real categorization reproduces the labels of 3 scenarios together"


def test_label_ambiguous_is_reproduced_by_an_ambiguous_verdict(tmp_path):
    text = 'use std\nscenario s "s" {\n    training.rewarded = true\n    deployment.bad_action = true\n    label ambiguous\n}\n'
    analysis = analyze_scenarios(scope_of(tmp_path, text))
    check = analysis.label_check
    assert ("generalization", (("good_feedback", "outcomes"),), "open") in {
        (c.lens, c.bindings, c.reading) for c in check.real
    }
    assert all(c.reading == "open" for c in check.real + check.heuristic)


def test_no_label_check_without_labels(tmp_path):
    assert analyze_scenarios(scope_of(tmp_path, 'use std\nscenario s "s" { }\n')).label_check is None


def test_scenarios_without_lenses_classify_to_nothing(tmp_path):
    text = 'fact f.x "x"\nscenario s "s" {\n    f.x = true\n    label outer\n}\n'
    analysis = analyze_scenarios(scope_of(tmp_path, text))
    assert analysis.tables[0].cells == ()
    assert analysis.label_check.unreproducible == ("s",)


# The classify command ---------------------------------------------------------------


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["classify", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_classify_text_golden(at_root, capsys, golden):
    code, out, err = run(capsys, "plans/pop_quiz.plan")
    assert code == 0 and not err
    golden("classify/pop_quiz.txt", out)


def test_classify_matrix_golden(at_root, capsys, golden):
    code, out, _ = run(capsys, "--matrix", "plans/pop_quiz.plan", "plans/literature_scenarios.plan")
    assert code == 0
    golden("classify/matrix.txt", out)


def test_classify_json_golden_and_schema(at_root, capsys, golden):
    code, out, _ = run(capsys, "--format", "json", "plans/pop_quiz.plan")
    assert code == 0
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    golden("classify/pop_quiz.json", out)


def test_findings_serialize_as_check_writes_them(at_root, capsys):
    """One serializer: end positions, related spans and help, exactly as `check --format json`."""
    _, out, _ = run(capsys, "--format", "json", "tests/cases/scenarios")
    classified = json.loads(out)["diagnostics"]
    main(["check", "--format", "json", "tests/cases/scenarios"])
    checked = json.loads(capsys.readouterr().out)["diagnostics"]
    assert classified and classified == [d for d in checked if d["code"].startswith("AP4")]
    assert any(d["related"] for d in classified)
    without_end = dict(classified[0])
    del without_end["end_column"]
    document = json.loads(out)
    document["diagnostics"][0] = without_end
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_json_has_the_fields_the_issue_names(at_root, capsys):
    _, out, _ = run(capsys, "--format", "json", "plans/pop_quiz.plan")
    document = json.loads(out)
    scenario = document["scenarios"][0]
    assert {"name", "file", "refines", "label", "verdicts"} <= set(scenario)
    assert scenario["label"] == "outer" and document["scenarios"][1]["refines"] == "human_farms"
    verdict = scenario["verdicts"][0]
    assert {"lens", "bindings", "reading", "verdict", "legacy", "depends_on", "probabilities"} <= set(verdict)
    (check,) = document["label_checks"]
    assert check["reproduced_by"]["real"] == []
    assert check["conflict"] == {"kind": "refinement", "scenarios": ["human_farms", "human_farms_deceptive"]}


def test_schema_is_valid_and_strict(at_root, capsys):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    _, out, _ = run(capsys, "--format", "json", "plans/")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    for broken in ("half", None):
        document["scenarios"][0]["verdicts"][0]["reading"] = broken
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, SCHEMA)


def test_every_case_file_classifies_to_a_valid_document(at_root, capsys):
    code, out, _ = run(capsys, "--format", "json", "tests/cases/scenarios")
    assert code == 1  # the cases include error-severity findings
    jsonschema.validate(json.loads(out), SCHEMA)


def test_options_narrow_the_table(at_root, capsys):
    _, out, _ = run(
        capsys, "--format", "json", "--lens", "generalization", "--bind", "good_feedback=reasons", "--reading", "open",
        "plans/pop_quiz.plan",
    )
    document = json.loads(out)
    for scenario in document["scenarios"]:
        assert [(v["lens"], v["bindings"], v["reading"]) for v in scenario["verdicts"]] == [
            ("generalization", {"good_feedback": "reasons"}, "open")
        ]
    assert [v["legacy"] for s in document["scenarios"] for v in s["verdicts"]] == ["ambiguous", "outer"]


def test_bind_keeps_rows_that_do_not_use_the_slot(at_root, capsys):
    _, out, _ = run(capsys, "--format", "json", "--bind", "good_feedback=outcomes", "plans/pop_quiz.plan")
    lenses = [v["lens"] for v in json.loads(out)["scenarios"][0]["verdicts"]]
    assert lenses.count("generalization") == 2 and lenses.count("objective") == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (("--lens", "generalisation"), "unknown lens `generalisation`"),
        (("--bind", "good_feedback"), "is not of the form SLOT=DEFINITION"),
        (("--bind", "good_feedback=reason"), "slot `good_feedback` has no definition `reason`"),
        (("--bind", "feedback=reasons"), "no lens uses slot `feedback`"),
    ],
)
def test_bad_options_are_one_line_errors(at_root, capsys, args, message):
    code, out, err = run(capsys, *args, "plans/pop_quiz.plan")
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_path_and_bad_reading(at_root, capsys):
    code, _, err = run(capsys, "plans/no_such.plan")
    assert code == 2 and "no such file or directory" in err
    code, _, err = run(capsys, "--reading", "gricean", "plans/pop_quiz.plan")
    assert code == 2 and "invalid choice" in err


def test_output_file(at_root, capsys, tmp_path):
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "--format", "json", "-o", str(target), "plans/pop_quiz.plan")
    assert code == 0 and out == ""
    jsonschema.validate(json.loads(target.read_text(encoding="utf-8")), SCHEMA)


def test_text_report_shows_probabilities_and_label_sets(quiz):
    text = report.render_text(quiz)
    assert "p: deceptive 0.01, non_deceptive 0.99" in text
    assert "reproduced by real categorizations: none (`human_farms_deceptive` refines `human_farms`" in text
    assert "training_vs_model (closed reading)" in text
    assert text.endswith("classified 2 scenarios in 1 file; 1 label set, 1 without a real categorization\n")
