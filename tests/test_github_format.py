"""`--format github`: workflow-command annotations, escaped so hostile messages and file
names cannot end or forge a command, grouped per file; the Markdown job summary; and the
default format inside GitHub Actions."""

from __future__ import annotations

import re

import attrs
import pytest

from conftest import check_paths
from alignment_plan.cli import main
from alignment_plan.diagnostics import Diagnostic, Severity, Span
from alignment_plan.reporters import github
from conftest import ROOT


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse(line: str) -> tuple[str, dict, str]:
    """Read one workflow command the way the runner does: `::name k=v,k=v::message`."""
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line
    name, properties, message = match.groups()
    pairs = dict(item.split("=", 1) for item in properties.split(",")) if properties else {}
    return name, {k: unescape(v) for k, v in pairs.items()}, unescape(message)


HOSTILE = [
    "100% sure",
    "line one\nline two\r\nline three",
    "a, b, and c: all here",
    "::error file=forged.plan,line=1::forged",
    "%0A is not a newline, %25 is not a percent",
    "ünïcödé `backticks` | pipes |",
]


def result_with(messages, file="plans/a, b: c%.plan"):
    base = check_paths([ROOT / "plans"], root=ROOT)
    diagnostics = tuple(
        Diagnostic(
            code="AP301",
            rule="uncovered-failure-mode",
            severity=Severity.WARNING,
            message=message,
            span=Span(file, i + 1, 3, i + 1, 9),
            help="help with %, newline\nand: colon",
        )
        for i, message in enumerate(messages)
    )
    return attrs.evolve(base, diagnostics=diagnostics, fingerprints=())


@pytest.mark.parametrize("message", HOSTILE)
def test_hostile_messages_round_trip(message):
    lines = github.render(result_with([message])).splitlines()
    commands = [line for line in lines if line.startswith("::warning")]
    assert len(commands) == 1, lines
    name, properties, text = parse(commands[0])
    assert name == "warning"
    assert properties["file"] == "plans/a, b: c%.plan"
    assert properties["title"] == "AP301 uncovered-failure-mode"
    assert (properties["line"], properties["col"], properties["endLine"], properties["endColumn"]) == ("1", "3", "1", "9")
    assert text == message + "\n\nhelp: help with %, newline\nand: colon"


def test_no_raw_newline_or_forged_command_survives():
    rendered = github.render(result_with(HOSTILE))
    for line in rendered.splitlines():
        assert line.startswith("::") or line.startswith("checked "), line
    assert rendered.count("::warning ") == len(HOSTILE)
    # The runner reads commands at the start of a line only; the forged one stays message text.
    assert not any(line.startswith("::error file=forged") for line in rendered.splitlines())


def test_annotations_are_grouped_per_file_with_positions():
    result = check_paths([ROOT / "plans", ROOT / "examples" / "errors" / "broken.plan"], root=ROOT)
    lines = github.render(result).splitlines()
    groups = [line for line in lines if line.startswith("::group::")]
    assert len(groups) == len({d.span.file for d in result.diagnostics})
    assert lines.count("::endgroup::") == len(groups)
    current = None
    for line in lines:
        if line.startswith("::group::"):
            current = line.removeprefix("::group::").rsplit(" (", 1)[0]
        elif line.startswith(("::error", "::warning", "::notice")):
            _, properties, message = parse(line)
            if "file" not in properties:
                assert "annotations of each severity" in message  # the cap's notice names no file
                continue
            assert properties["file"] == current
            assert {"line", "endLine", "col", "endColumn"} <= set(properties)
    severities = {parse(l)[0] for l in lines if l.startswith(("::error ", "::warning ", "::notice "))}
    assert severities == {"error", "warning", "notice"}


def test_more_findings_than_github_shows_get_a_notice_and_the_summary_lists_all():
    many = [f"finding {i}" for i in range(github.ANNOTATIONS_PER_STEP + 5)]
    result = result_with(many)
    rendered = github.render(result)
    assert "more findings than annotations" in rendered
    summary = github.render_summary(result)
    assert all(f"| finding {i} |" in summary for i in range(len(many)))


def test_summary_escapes_table_cells():
    summary = github.render_summary(result_with(["a | b\nc"]))
    row = next(line for line in summary.splitlines() if "AP301" in line)
    assert "a \\| b c" in row
    assert row.count(" | ") == 3


def test_summary_file_is_appended_and_annotations_go_to_stdout(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", "--format", "github", "--fail-under", "99", "plans"]) == 1
    out, err = capsys.readouterr()
    assert "::warning file=plans/pull_request_assistant_outcomes.plan" in out
    assert "::error title=coverage gate::total coverage" in out
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## alignment-plan\n")
    assert "### Coverage gate failed" in text and "hidden_knowledge" in text
    assert "total coverage" in err


def test_github_is_the_default_inside_github_actions(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["check", "plans"])
    assert capsys.readouterr().out.startswith("::")
    main(["check", "--format", "text", "plans"])
    assert not capsys.readouterr().out.startswith("::")


def test_outside_github_actions_the_default_is_text(capsys):
    main(["check", "plans"])
    out = capsys.readouterr().out
    assert not out.startswith("::") and "checked " in out
