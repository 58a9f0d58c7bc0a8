"""Golden files for text and JSON output, the published JSON Schema, and the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from alignment_plan.cli import main
from alignment_plan.reporters import json_report, text
from conftest import check_paths
from conftest import ROOT

SCHEMA = json.loads((ROOT / "alignment_plan" / "schemas" / "check.schema.json").read_text())
INPUTS = {"plans": ROOT / "plans", "broken": ROOT / "examples" / "errors" / "broken.plan"}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_text_golden(name, golden):
    golden(f"check/{name}.txt", text.render(check_paths([INPUTS[name]], root=ROOT)))


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_json_golden_and_schema(name, golden):
    rendered = json_report.render(check_paths([INPUTS[name]], root=ROOT))
    jsonschema.validate(json.loads(rendered), SCHEMA)
    golden(f"check/{name}.json", rendered)


def test_schema_is_valid_and_strict_enough():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    document = json.loads(json_report.render(check_paths([INPUTS["plans"]], root=ROOT)))
    document["plans"][0]["failure_modes"][0]["owner"] = "outer"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_json_has_the_fields_the_issue_names():
    document = json.loads(json_report.render(check_paths([INPUTS["broken"]], root=ROOT)))
    diagnostic = document["diagnostics"][0]
    assert {"code", "rule", "severity", "message", "file", "line", "column", "end_line", "end_column"} <= set(diagnostic)
    plan = document["plans"][0]
    assert {"name", "file", "bindings", "coverage", "failure_modes"} <= set(plan)
    assert set(plan["coverage"]) == {"covered", "total", "percent", "by_status"}
    fm = plan["failure_modes"][0]
    assert {"name", "owner", "possible_owners", "depends_on", "covered", "covered_by"} <= set(fm)


def test_exit_codes(tmp_path, capsys):
    assert main(["check", "plans"]) == 0
    assert main(["check", "examples/errors/broken.plan"]) == 1
    assert main(["check", "no/such/file.plan"]) == 2
    assert main(["check", "--format", "yaml", "plans"]) == 2
    assert main(["frobnicate"]) == 2
    unreadable = tmp_path / "bad.plan"
    unreadable.write_bytes(b"\xff\xfe not utf-8")
    assert main(["check", str(unreadable)]) == 2
    err = capsys.readouterr()
    assert "cannot read" in err.out + err.err
    assert "Traceback" not in err.out + err.err


def test_output_file_and_determinism(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["check", "--isolated", "--format", "json", "-o", str(first), "plans", "examples"]) == 1
    assert main(["check", "--isolated", "--format", "json", "-o", str(second), "examples", "plans"]) == 1
    assert first.read_text() == second.read_text()


def test_internal_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    import alignment_plan.project.project as project

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(project, "check_files", explode)  # the path of one process without the cache
    assert main(["check", "--no-cache", "--jobs", "1", "plans"]) == 2
    err = capsys.readouterr().err
    assert "internal error" in err and "bug" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_rule_command(capsys):
    assert main(["rule", "AP301"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("AP301 uncovered-failure-mode (warning)") and "Fix:" in out
    assert main(["rule", "uncovered-failure-mode"]) == 0
    capsys.readouterr()
    assert main(["rule", "AP999"]) == 2
    assert main(["rule", "--all"]) == 0
    assert "AP501" in capsys.readouterr().out


def test_catalog_command(capsys):
    assert main(["catalog", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    kinds = {(e["kind"], e["name"]) for e in entries}
    assert ("failure_mode", "deception") in kinds and ("heuristic_lens", "deception_vs_other") in kinds
    assert main(["catalog", "--kind", "definition"]) == 0
    out = capsys.readouterr().out
    assert "good_feedback = reasons" in out and "training.rewarded == (training.output_good and training.right_reasons)" in out


def test_python_dash_m_entry_point():
    completed = subprocess.run(
        [sys.executable, "-m", "alignment_plan", "check", "--no-plans", "plans"], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert "checked 4 files" in completed.stdout or "checked" in completed.stdout


def test_empty_run_succeeds_but_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for command in ("check", "report", "classify"):
        assert main([command]) == 0
        assert "no `.plan` files found under `.`" in capsys.readouterr().err
    (tmp_path / "a.plan").write_text("use std\n")
    assert main(["check"]) == 0
    assert "no `.plan` files" not in capsys.readouterr().err
