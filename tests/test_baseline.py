"""`--baseline FILE`: record today's findings, then report only new ones. Findings match
by code, file and the text of their line, so shifting lines or editing elsewhere in the
file does not bring them back; editing the offending line does."""

from __future__ import annotations

import json
import shutil

import pytest

from alignment_plan.checker.fingerprints import fingerprints
from conftest import check_paths
from alignment_plan.cli import main
from alignment_plan.diagnostics import Diagnostic, Severity, Span
from conftest import LINT_PROJECT, ROOT

STRICT = ["--format", "concise", "--severity", "AP301=error", "--severity", "AP308=error"]



def findings(capsys) -> list[str]:
    lines = capsys.readouterr().out.splitlines()[:-1]
    return [f"{line.split(':')[0]}:{line.split(': ', 1)[1].split()[1]}" for line in lines]


def test_first_run_records_and_later_runs_report_only_new_findings(project, capsys):
    assert main(["check", *STRICT, "."]) == 1
    assert len(findings(capsys)) == 3
    assert main(["check", *STRICT, "--baseline", "lint-baseline.json", "."]) == 0
    out, err = capsys.readouterr()
    assert "recorded 3 findings in baseline `lint-baseline.json`" in err
    assert out.startswith("checked 4 files: 0 errors")
    recorded = json.loads((project / "lint-baseline.json").read_text(encoding="utf-8"))
    assert recorded["version"] == 1
    assert sorted((f["file"], f["code"]) for f in recorded["findings"]) == [
        ("legacy/old.plan", "AP301"), ("legacy/old.plan", "AP308"), ("plans/assistant.plan", "AP301")
    ]
    assert main(["check", *STRICT, "--baseline", "lint-baseline.json", "."]) == 0
    assert findings(capsys) == []


def test_baseline_survives_line_shifts_and_edits_elsewhere(project, capsys):
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 0
    capsys.readouterr()
    old = project / "legacy" / "old.plan"
    text = old.read_text(encoding="utf-8")
    # Ten new comment lines at the top, and a re-indented, re-titled plan.
    text = "# note\n" * 10 + text.replace('plan old "Old plan"', 'plan old "Old plan, kept for reference"')
    text = text.replace("        stakes = low", "            stakes   =   low")
    old.write_text(text, encoding="utf-8")
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 0
    assert findings(capsys) == []


def test_a_new_finding_and_an_edited_line_are_reported(project, capsys):
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 0
    capsys.readouterr()
    assistant = project / "plans" / "assistant.plan"
    text = assistant.read_text(encoding="utf-8")
    # A new uncovered failure mode on a new line; the old `considers` line stays as it was.
    text = text.replace("    considers deception,", "    considers hidden_knowledge\n    considers deception,")
    assistant.write_text(text, encoding="utf-8")
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 1
    # hidden_knowledge is open under `outcomes`: uncovered (AP301) and open (AP305)
    assert findings(capsys) == ["plans/assistant.plan:AP301", "plans/assistant.plan:AP305"]
    old = project / "legacy" / "old.plan"
    old.write_text(old.read_text(encoding="utf-8").replace("stakes = low", "stakes = low  # for now"), encoding="utf-8")
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 1
    assert findings(capsys) == ["legacy/old.plan:AP308", "plans/assistant.plan:AP301", "plans/assistant.plan:AP305"]


def test_fixed_findings_are_noted_and_update_baseline_drops_them(project, capsys):
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 0
    capsys.readouterr()
    shutil.rmtree(project / "legacy")
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 0
    assert "2 findings recorded in `b.json` no longer occur" in capsys.readouterr().err
    assert main(["check", *STRICT, "--baseline", "b.json", "--update-baseline", "."]) == 0
    assert "recorded 1 finding in baseline" in capsys.readouterr().err
    assert len(json.loads((project / "b.json").read_text(encoding="utf-8"))["findings"]) == 1


def test_baseline_from_the_configuration_is_relative_to_it(project, capsys, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.alignment-plan]\nbaseline = "ci/baseline.json"\n', encoding="utf-8")
    (project / "ci").mkdir()
    monkeypatch.chdir(project / "plans")
    assert main(["check", *STRICT, ".."]) == 0
    assert (project / "ci" / "baseline.json").exists()
    capsys.readouterr()
    assert main(["check", *STRICT, ".."]) == 0
    assert findings(capsys) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "is not valid JSON"),
        ('{"version": 7, "findings": []}', "is not an alignment-plan baseline of version 1"),
        ('{"version": 1, "findings": [{"code": "AP301"}]}', "has no valid `findings` list"),
    ],
)
def test_a_broken_baseline_is_a_clear_error(project, capsys, content, expected):
    (project / "b.json").write_text(content, encoding="utf-8")
    assert main(["check", *STRICT, "--baseline", "b.json", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("alignment-plan: error: baseline `b.json`") and expected in err


def test_update_baseline_needs_a_file(project, capsys):
    assert main(["check", "--update-baseline", "."]) == 2
    assert "needs a baseline file" in capsys.readouterr().err


def diagnostic(line: int, code: str = "AP301") -> Diagnostic:
    return Diagnostic(code, "rule", Severity.WARNING, "m", Span("a.plan", line, 1, line, 2))


def test_fingerprints_follow_the_text_not_the_line_number():
    before = {"a.plan": ["x", "considers deception", "y"]}
    after = {"a.plan": ["new", "new", "x", "  considers   deception ", "y"]}
    assert fingerprints([diagnostic(2)], before) == fingerprints([diagnostic(4)], after)
    assert fingerprints([diagnostic(2)], before) != fingerprints([diagnostic(2, "AP302")], before)
    assert fingerprints([diagnostic(1)], before) != fingerprints([diagnostic(2)], before)


def test_identical_lines_get_distinct_fingerprints_by_occurrence():
    sources = {"a.plan": ["same", "same"]}
    first, second = fingerprints([diagnostic(1), diagnostic(2)], sources)
    assert first != second


def test_checker_results_carry_one_fingerprint_per_finding():
    result = check_paths([LINT_PROJECT], root=ROOT)
    assert len(result.fingerprints) == len(result.diagnostics) == 3
    assert len(set(result.fingerprints)) == 3
