"""`alignment-plan explain`: goldens for an owned, an open and an assumed failure mode; the
derivation agrees with the checker line by line; the JSON matches the check schema."""

from __future__ import annotations

import itertools
import json

import jsonschema
import pytest

from alignment_plan.analysis.logic import kleene
from alignment_plan.analysis.resolver import Workspace, resolve
from alignment_plan.analysis.semantics import OWNERSHIP_LENS
from alignment_plan.analysis.verdicts import Evaluator
from alignment_plan.cli import main
from conftest import ROOT, check_paths

SCHEMA = json.loads((ROOT / "alignment_plan" / "schemas" / "check.schema.json").read_text())
REASONS = "plans/pull_request_assistant_reasons.plan"
OUTCOMES = "plans/pull_request_assistant_outcomes.plan"
CASES = {
    # an owned failure mode: the feedback rewarded good outputs for the wrong reasons
    "owned": (REASONS, "pull_request_assistant", "deception"),
    # an open owner: the truth table over `training.output_good`
    "open": (OUTCOMES, "pull_request_assistant", "hidden_knowledge"),
    # an assumption settles it, with its rationale and evidence
    "assumed": (REASONS, "pull_request_assistant", "hidden_knowledge"),
}


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["explain", "--isolated", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", sorted(CASES))
def test_explain_golden(at_root, capsys, golden, case):
    code, out, err = run(capsys, *CASES[case])
    assert code == 0 and not err
    golden(f"explain/{case}.txt", out)


def test_explain_json_golden_and_schema(at_root, capsys, golden):
    code, out, err = run(capsys, "--format", "json", *CASES["assumed"])
    assert code == 0 and not err
    golden("explain/assumed.json", out)
    schema = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/explanation"}
    jsonschema.validate(json.loads(out), schema)


def test_check_json_carries_the_same_derivation(at_root, capsys):
    code, out, _ = run(capsys, "--format", "json", *CASES["open"])
    assert main(["check", "--isolated", "--format", "json", OUTCOMES]) == 0
    document = json.loads(capsys.readouterr().out)
    fm = next(f for f in document["plans"][0]["failure_modes"] if f["name"] == "hidden_knowledge")
    assert fm["explanation"] == json.loads(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((OUTCOMES, "pull_request_asistant", "deception"), "did you mean `pull_request_assistant`?"),
        ((OUTCOMES, "pull_request_assistant", "decepton"), "did you mean `deception`?"),
        ((OUTCOMES, "pull_request_assistant", "misuse"), "plan `pull_request_assistant` considers"),
        (("plans/no_such.plan", "p", "deception"), "is not a file"),
    ],
)
def test_unknown_names_are_usage_errors(at_root, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and not out
    assert message in err and "Traceback" not in err


def every_explanation():
    result = check_paths(sorted((ROOT / "plans").glob("*.plan")), root=ROOT)
    for plan in result.plans:
        for fm in plan.failure_modes:
            yield plan, fm


def test_the_truth_table_is_the_checkers_verdict_completion_by_completion():
    workspace = Workspace(ROOT)
    std = resolve(workspace, workspace.std())
    evaluator = Evaluator(std)
    lens = std.lenses[OWNERSHIP_LENS]
    for plan, fm in every_explanation():
        e = fm.explanation
        assert (e.owner, e.possible_owners, e.deciding) == (fm.owner, fm.possible_owners, fm.depends_on)
        assert sorted({c.owner for c in e.completions}) == sorted(fm.possible_owners), (plan.name, fm.name)
        story = {f.fact: f.value for f in e.facts if f.origin != "ignored_assumption"}
        bindings = {b.slot: std.definitions[(b.slot, b.definition)] for b in e.bindings}
        for completion in e.completions:
            verdict = evaluator.verdict(lens, {**story, **dict(completion.assignment)}, bindings)
            assert verdict.outcomes == (completion.owner,), (plan.name, fm.name, completion)


def test_residuals_are_what_is_left_of_each_rule():
    # Every completion of the unknown facts: a rule's residual, evaluated alone, holds
    # exactly when the rule's condition holds on the story.
    workspace = Workspace(ROOT)
    std = resolve(workspace, workspace.std())
    from alignment_plan.syntax.parser import parse_module

    lens = std.lenses[OWNERSHIP_LENS]
    for plan, fm in every_explanation():
        e = fm.explanation
        story = {f.fact: f.value for f in e.facts if f.origin != "ignored_assumption"}
        bindings = {b.slot: std.definitions[(b.slot, b.definition)] for b in e.bindings}
        for rule, line in zip(lens.rules, e.rules):
            residual = parse_module("r", f'definition s r "r" {{ {line.residual} }}').declarations[0].body
            for values in itertools.product((False, True), repeat=len(e.unknown)):
                world = {**story, **dict(zip(e.unknown, values))}

                def value_of(name, world=world):
                    if name in world:
                        return world[name]
                    return kleene(bindings[name].body, value_of) if name in bindings else False

                assert kleene(residual, value_of) == kleene(rule.condition, value_of), (plan.name, fm.name, line)


def test_shared_derivations_give_what_each_plan_derives_alone(tmp_path):
    # The explainer shares the lens part, residuals and lines between plans (of every module
    # of a workspace) that agree on them; every explanation must equal the one derived for
    # its plan with nothing shared.
    from alignment_plan.analysis.explain import derive
    from alignment_plan.checker.check import analyze_module
    from alignment_plan.checker.explain import Explainer, explanation_of
    from alignment_plan.analysis.scenarios.stories import catalog_priors

    from plan_generator import generate_plans, render_plan_file

    (tmp_path / "generated.plan").write_text(render_plan_file(generate_plans(80)), encoding="utf-8")
    workspace = Workspace(ROOT)
    workspace.allow(tmp_path)
    compared = 0
    cases = sorted((ROOT / "tests" / "cases").rglob("*.plan"))  # their own facts, slots, priors
    for path in [*sorted((ROOT / "plans").glob("*.plan")), *cases, tmp_path / "generated.plan"]:
        module = workspace.module(path)
        if module is None or module.problems:
            continue
        scope = resolve(workspace, module)
        context = analyze_module(scope, "prototype")
        priors = catalog_priors(scope)
        explainer = Explainer(scope, context.evaluator, priors, workspace.shared)  # shared across modules
        for analysis in context.analyses:
            for owned in analysis.ownership:
                alone = explanation_of(derive(scope, Evaluator(scope), analysis, owned, priors), analysis.plan.name.text)
                assert explainer.explain(analysis, owned) == alone, (path.name, owned.failure_mode)
                compared += 1
    assert compared > 300 and len(explainer._derived) < compared  # the generated plans share


@pytest.mark.parametrize(("fmt", "explained"), [("json", True), ("text", False), ("sarif", False)])
def test_only_the_outputs_that_show_derivations_compute_them(at_root, capsys, monkeypatch, fmt, explained):
    from alignment_plan.project import project as project_module

    seen = []
    real = project_module.Project._check

    def check(self, *args, **kwargs):
        result, *found = real(self, *args, **kwargs)
        seen.extend(fm.explanation is not None for plan in result.plans for fm in plan.failure_modes)
        return (result, *found)

    monkeypatch.setattr(project_module.Project, "_check", check)
    main(["check", "--isolated", "--no-cache", "--format", fmt, OUTCOMES])
    capsys.readouterr()
    assert seen and set(seen) == {explained}
