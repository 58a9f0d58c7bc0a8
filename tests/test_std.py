"""The std catalog: what the design says it must hold, each entry with a meaning and a source,
and the owners the essay derives."""

from __future__ import annotations

import pytest

from alignment_plan.syntax import nodes
from alignment_plan.analysis.resolver import Workspace, resolve
from conftest import ROOT


@pytest.fixture(scope="module")
def std():
    workspace = Workspace(ROOT)
    return resolve(workspace, workspace.std())


def test_std_is_clean(std):
    assert std.module.problems == ()
    assert not std.duplicates and not std.unresolved and not std.import_problems


def test_required_vocabulary(std):
    facts = {name.split(".")[-1] for name in std.facts}
    assert {
        "rewarded", "output_good", "right_reasons", "deceptive", "aware_of_training", "overseer_informed",
        "bad_action", "novel", "approved", "judged_good", "reward_error", "inductive_bias",
    } <= facts
    assert "story.mentions_cognition" in std.facts
    assert {"outcomes", "reasons", "informed", "reasons_informed", "verifier"} <= {n for s, n in std.definitions if s == "good_feedback"}
    assert {"physical_process", "idealized_evaluator"} <= {n for s, n in std.definitions if s == "counterfactual"}
    assert {"good_feedback", "counterfactual", "split", "boundary", "stakes"} <= set(std.slots)
    assert {"deception", "distribution_shift", "hidden_knowledge", "specification_gaming"} <= set(std.failure_modes)
    # What plans of real labs need beyond the essay (issue: answers a reviewer can trust).
    assert {
        "sandbagging", "reward_model_overoptimization", "auto_induced_distribution_shift",
        "oversight_collusion", "gradient_hacking", "jailbreak",
    } <= set(std.failure_modes)
    assert {"generalization", "objective", "root_cause"} <= {n for n, l in std.lenses.items() if not l.heuristic}
    assert {"training_vs_model", "deception_vs_other"} <= {n for n, l in std.lenses.items() if l.heuristic}


def test_every_entry_has_a_meaning_and_a_source(std):
    for table in (std.facts, std.slots, std.definitions, std.failure_modes, std.lenses):
        for decl in table.values():
            meaning = decl.title if hasattr(decl, "title") else decl.meaning
            assert meaning.value.strip(), decl
            assert decl.sources, f"{decl.name.text} has no source"


# The owner of every failure mode under every definition: tests/test_owners.py and docs/owners.md.


def test_catalog_file_is_inside_the_package():
    assert (ROOT / "alignment_plan" / "catalog" / "std.plan").is_file()
    assert isinstance(Workspace(ROOT).std(), nodes.Module)
