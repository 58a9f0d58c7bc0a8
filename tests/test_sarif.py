"""SARIF output: valid against the OASIS SARIF 2.1.0 schema, and shaped the way GitHub code
scanning documents that it ingests SARIF ("SARIF support for code scanning")."""

from __future__ import annotations

import json
import shutil

import pytest

from alignment_plan import __version__
from alignment_plan.checker.check import CheckOptions as Options
from conftest import all_codes_but, check_paths
from alignment_plan.cli import main
from alignment_plan.reporters import sarif
from conftest import ROOT, SHARED

SCHEMA_PATH = SHARED / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    project = tmp_path_factory.mktemp("broken")
    shutil.copy(ROOT / "examples" / "errors" / "broken.plan", project / "broken.plan")
    (project / "latin1.plan").write_bytes("# caf\xe9\n".encode("latin-1"))
    (project / "with space, comma%.plan").write_text("use std\nfact x.y\n", encoding="utf-8")
    return {
        "plans": json.loads(sarif.render(check_paths([ROOT / "plans"], root=ROOT))),
        "broken": json.loads(
            sarif.render(check_paths([project / "broken.plan", project / "latin1.plan", project / "with space, comma%.plan"], root=project))
        ),
        "selected": json.loads(
            sarif.render(check_paths([ROOT / "plans"], Options(enabled=frozenset(c for c in all_codes_but() if c.startswith("AP3"))), root=ROOT))
        ),
    }


NAMES = ["plans", "broken", "selected"]


def validator():
    if not SCHEMA_PATH.exists():
        pytest.skip(f"the SARIF schema is not at {SCHEMA_PATH.relative_to(ROOT.parent)} (shared reference data absent)")
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    if "properties" not in schema and "Root" in schema.get("definitions", {}):
        # This copy keeps the log's own shape under `definitions/Root`; validate against it,
        # not against an empty root that accepts anything.
        schema = {**schema, "$ref": "#/definitions/Root"}
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("name", NAMES)
def test_valid_against_the_sarif_schema(name, documents):
    errors = sorted(validator().iter_errors(documents[name]), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        lambda d: d.update(version="2.0.0"),
    ],
)
def test_the_schema_check_can_fail(spoil, documents):
    bad = json.loads(json.dumps(documents["plans"]))
    spoil(bad)
    assert list(validator().iter_errors(bad))


# GitHub's documented requirements --------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_top_level_and_tool_driver(name, documents):
    document = documents[name]
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    assert len(document["runs"]) == 1  # GitHub accepts at most 20 runs per file
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "alignment-plan"
    assert driver["version"] == driver["semanticVersion"] == __version__


@pytest.mark.parametrize("name", NAMES)
def test_rules_are_reporting_descriptors_github_can_show(name, documents):
    rules = documents[name]["runs"][0]["tool"]["driver"]["rules"]
    assert rules and len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert rule["id"].startswith("AP") and rule["name"]
        # shortDescription, fullDescription and help are shown on the alert page.
        for field in ("shortDescription", "fullDescription", "help"):
            assert isinstance(rule[field]["text"], str) and rule[field]["text"].strip(), (rule["id"], field)
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        assert len(rule["properties"]["tags"]) <= 20


def test_only_the_rules_that_ran_are_listed(documents):
    ids = [r["id"] for r in documents["selected"]["runs"][0]["tool"]["driver"]["rules"]]
    assert ids and all(i.startswith("AP3") for i in ids)
    assert {r["ruleId"] for r in documents["selected"]["runs"][0]["results"]} <= set(ids)
    everything = [r["id"] for r in documents["plans"]["runs"][0]["tool"]["driver"]["rules"]]
    assert set(ids) < set(everything)


@pytest.mark.parametrize("name", NAMES)
def test_results_have_what_code_scanning_requires(name, documents):
    run = documents[name]["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["results"], name
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("note", "warning", "error")
        assert result["message"]["text"].strip()
        assert 1 <= len(result["locations"]) <= 10  # GitHub: one location, at most 10
        physical = result["locations"][0]["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith(("/", "file:")) and ":" not in artifact["uri"]
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        fingerprints = result["partialFingerprints"]
        assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())


def test_fingerprints_are_distinct_per_result(documents):
    for name in NAMES:
        results = documents[name]["runs"][0]["results"]
        values = [json.dumps(r["partialFingerprints"], sort_keys=True) for r in results]
        assert len(set(values)) == len(values), name


def test_uris_are_repository_relative_and_percent_encoded(documents):
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in documents["broken"]["runs"][0]["results"]}
    assert "broken.plan" in uris
    assert "with%20space%2C%20comma%25.plan" in uris
    plans = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in documents["plans"]["runs"][0]["results"]}
    assert all(uri.startswith("plans/") for uri in plans)


def test_clean_run_is_successful_without_notifications(documents):
    invocation = documents["plans"]["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in invocation


def test_unreadable_and_unparseable_inputs_go_into_the_invocation(documents):
    invocation = documents["broken"]["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    by_file = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n for n in notes}
    assert by_file["latin1.plan"]["level"] == "error"
    assert "not valid UTF-8" in by_file["latin1.plan"]["message"]["text"]
    assert "does not parse" in by_file["broken.plan"]["message"]["text"]


def test_a_directory_named_as_a_file_still_gives_valid_sarif(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "x.plan").write_bytes(b"\xff\xfe")
    assert main(["check", "--format", "sarif", "x.plan"]) == 2
    document = json.loads(capsys.readouterr().out)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x.plan"
    assert document["runs"][0]["results"] == []
