"""Golden files for the CI formats (concise, github, sarif, junit) on the example plans and
on a broken project (a file with syntax and name errors, and a file that cannot be read),
and the command-line behaviour around them: `-o`, `--statistics`, exit codes."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as ET

import pytest

from conftest import check_paths
from alignment_plan.cli import main
from alignment_plan.reporters import concise, github, junit, sarif
from conftest import ROOT

RENDERERS = {
    "concise.txt": concise.render,
    "github.txt": github.render,
    "github-summary.md": github.render_summary,
    "sarif.json": sarif.render,
    "junit.xml": junit.render,
    "statistics.txt": concise.render_statistics,
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def broken_project(tmp_path):
    """A project with a plan full of errors and a file that is not UTF-8."""
    shutil.copy(ROOT / "examples" / "errors" / "broken.plan", tmp_path / "broken.plan")
    (tmp_path / "latin1.plan").write_bytes("# caf\xe9\nuse std\n".encode("latin-1"))
    (tmp_path / ".git").mkdir()
    return tmp_path


# Two example plans (not the whole folder, so that a new example does not rewrite these goldens).
EXAMPLES = [ROOT / "plans" / "pull_request_assistant_outcomes.plan", ROOT / "plans" / "pull_request_assistant_reasons.plan"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    project = broken_project(tmp_path_factory.mktemp("broken"))
    return {
        "plans": check_paths(EXAMPLES, root=ROOT),
        "broken": check_paths([project], root=project),
    }


@pytest.mark.parametrize("kind", sorted(RENDERERS))
@pytest.mark.parametrize("name", ["plans", "broken"])
def test_golden(name, kind, results, golden):
    golden(f"formats/{name}.{kind}", RENDERERS[kind](results[name]))


def test_broken_project_has_what_the_goldens_need(results):
    result = results["broken"]
    assert [e.file for e in result.file_errors] == ["latin1.plan"]
    assert "AP001" in {d.code for d in result.diagnostics}
    assert result.has_errors


def test_concise_lines_have_the_documented_shape():
    result = check_paths([ROOT / "plans"], root=ROOT)
    lines = concise.render(result).splitlines()
    assert len(lines) == len(result.diagnostics) + 1
    for line, d in zip(lines, result.diagnostics):
        assert line == f"{d.span.file}:{d.span.line}:{d.span.column}: {d.severity.value} {d.code} {d.message}"


def test_junit_counts_match_the_findings(results):
    result = results["broken"]
    root = ET.fromstring(junit.render(result))
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == len(result.diagnostics)
    assert int(root.get("errors")) == len(result.file_errors) == 1
    assert {s.get("name") for s in root.iter("testsuite")} == {"broken.plan", "latin1.plan"}
    failures = [f.get("message") for f in root.iter("failure")]
    assert failures == [d.message for d in result.diagnostics]


def test_junit_survives_characters_xml_cannot_carry(tmp_path):
    import attrs

    result = check_paths([ROOT / "plans"], root=ROOT)
    hostile = attrs.evolve(result.diagnostics[0], message="bell \x07 and <tag> & \"quote\"")
    rendered = junit.render(attrs.evolve(result, diagnostics=(hostile,)))
    failure = ET.fromstring(rendered).find(".//failure")
    assert failure.get("message") == "bell \ufffd and <tag> & \"quote\""


@pytest.mark.parametrize("fmt", ["concise", "github", "sarif", "junit", "json", "text"])
def test_every_format_from_the_command_line(fmt, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["check", "plans", "--format", fmt, "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    assert "pull_request_assistant_outcomes.plan" in text
    if fmt in ("sarif", "json"):
        json.loads(text)
    if fmt == "junit":
        ET.fromstring(text)


def test_exit_codes_for_the_broken_project(tmp_path, capsys):
    project = broken_project(tmp_path)
    assert main(["check", "--format", "concise", str(project / "broken.plan")]) == 1
    assert main(["check", "--format", "concise", "--exit-zero", str(project / "broken.plan")]) == 0
    # An unreadable file is trouble (2), and --exit-zero does not hide it.
    assert main(["check", "--format", "sarif", "--exit-zero", str(project)]) == 2
    capsys.readouterr()


def test_statistics_counts_per_rule(capsys):
    assert main(["check", "examples/errors/broken.plan", "--statistics", "--exit-zero"]) == 0
    out = capsys.readouterr().out.splitlines()
    result = check_paths([ROOT / "examples" / "errors" / "broken.plan"], root=ROOT)
    rows = {line.split()[1]: int(line.split()[0]) for line in out[:-1]}
    assert sum(rows.values()) == len(result.diagnostics)
    assert rows["AP307"] == sum(d.code == "AP307" for d in result.diagnostics) == 1
    # The typo `good_feedback = reason` is the root cause (AP104); the unbound slot and the
    # open, uncovered owners that follow from it are not reported as well.
    assert rows["AP104"] == 1 and not {"AP202", "AP301", "AP305"} & set(rows)
    assert out[-1].startswith("checked 1 file")


def test_statistics_refuses_machine_formats(capsys):
    assert main(["check", "plans", "--statistics", "--format", "sarif"]) == 2
    assert "--statistics" in capsys.readouterr().err
