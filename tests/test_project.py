"""The project layer: one root rule, one file selection, and every command reading the same
files, configuration and flags as `check`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from alignment_plan.cli import main
from alignment_plan.project.project import Project, ProjectError
from alignment_plan.project.settings import find_project

PROJECT_COMMANDS = (
    ["check", "--format", "json"],
    ["report", "--format", "json"],
    ["classify", "--format", "json"],
    ["catalog", "--format", "json"],
)


def files_read(capsys, argv) -> list[str]:
    main(argv)
    return json.loads(capsys.readouterr().out)["files"]


@pytest.mark.parametrize("argv", PROJECT_COMMANDS[1:], ids=lambda argv: argv[0])
def test_every_command_at_the_repository_root_reads_the_files_check_reads(argv, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = files_read(capsys, list(PROJECT_COMMANDS[0]))
    assert expected and not any(f.startswith(("tests/", "examples/errors", "bench/out")) for f in expected)
    assert files_read(capsys, list(argv)) == expected


@pytest.mark.parametrize("argv", PROJECT_COMMANDS, ids=lambda argv: argv[0])
def test_every_command_takes_the_shared_flags(argv, capsys, project):
    """`--exclude` and `--isolated` mean the same thing to every command."""
    everything = files_read(capsys, [*argv, "--isolated", "."])
    assert "legacy/old.plan" in everything
    assert files_read(capsys, [*argv, "--exclude", "legacy"]) == [f for f in everything if f != "legacy/old.plan"]


def test_one_root_rule_for_configuration_and_files(tmp_path):
    outer = tmp_path / "outer"
    inner = outer / "sub" / "inner"
    inner.mkdir(parents=True)
    (outer / ".git").mkdir()
    assert find_project(inner) == (outer, None, None)
    (outer / "sub" / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")
    assert find_project(inner) == (outer / "sub", None, None)
    (outer / "pyproject.toml").write_text("[tool.alignment-plan]\nexclude = ['x']\n", encoding="utf-8")
    root, config, table = find_project(inner)
    assert (root, config, table) == (outer, outer / "pyproject.toml", {"exclude": ["x"]})
    project = Project.open(inner)
    assert project.root == outer == project.settings.base
    assert project.workspace().root == outer


def test_config_option_reads_another_table_but_keeps_the_root(tmp_path, project):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "plans").mkdir()
    (elsewhere / "pyproject.toml").write_text("[tool.alignment-plan]\npaths = ['plans']\n", encoding="utf-8")
    opened = Project.open(project, config_file=elsewhere / "pyproject.toml")
    assert opened.root == project and opened.settings.base == elsewhere
    assert opened.roots() == [elsewhere / "plans"]


def test_a_named_directory_is_searched_even_when_excluded_but_configured_paths_are_not(project, capsys):
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""
            [tool.alignment-plan]
            paths = ["plans", "legacy"]
            exclude = ["legacy"]
        """),
        encoding="utf-8",
    )
    assert "legacy/old.plan" not in files_read(capsys, ["check", "--format", "json"])
    assert files_read(capsys, ["check", "--format", "json", "legacy"]) == ["legacy/old.plan"]
    assert files_read(capsys, ["check", "--format", "json", "--force-exclude", "legacy/old.plan"]) == []


def test_missing_paths_and_bad_configuration_are_project_errors(project):
    with pytest.raises(ProjectError, match="no such file or directory: `nowhere`"):
        Project.open(project).run([Path("nowhere")])
    (project / "pyproject.toml").write_text("[tool.alignment-plan]\nselect = ['AP999']\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="unknown rule `AP999`"):
        Project.open(project)


def test_the_exit_code_rule_is_shared(project, capsys):
    """A finding at error severity is exit 1 for check, report and classify alike."""
    for command in ("check", "report", "classify"):
        assert main([command, "--severity", "AP301=error", "."]) == 1, command
        assert main([command, "."]) == 0, command
    capsys.readouterr()
