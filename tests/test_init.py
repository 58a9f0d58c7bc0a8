"""`alignment-plan init`: the starter plan checks clean and is in canonical form; the
`[tool.alignment-plan]` table is created or completed without changing a key already set
(or left for the user when it is written in a form init does not edit); nothing that
exists is overwritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alignment_plan.cli import main
from alignment_plan.project.settings import load_settings, parse_toml
from alignment_plan.project.starter import ci_snippet, complete_table, precommit_snippet, starter_plan
from alignment_plan.syntax.formatter import format_source
from conftest import ROOT

WHERE = Path("pyproject.toml")


@pytest.fixture
def empty(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_in_an_empty_project(empty, capsys):
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert (empty / "plans" / "assistant.plan").read_text(encoding="utf-8") == starter_plan()
    assert (empty / "pyproject.toml").read_text(encoding="utf-8") == '[tool.alignment-plan]\npaths = ["plans"]\n'
    assert "created plans/assistant.plan" in out
    assert precommit_snippet() in out and ci_snippet() in out

    assert main(["check", "--format", "concise"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "checked 1 file: 0 errors, 0 warnings, 0 info"
    assert main(["format", "--check"]) == 0


def test_the_starter_plan_checks_clean_and_is_canonical():
    assert format_source(starter_plan()).text == starter_plan()
    assert starter_plan().startswith("# A starter plan")


def test_init_appends_the_table_to_a_pyproject_without_it(empty, capsys):
    original = '[project]\nname = "team-plans"\n\n[tool.ruff]\nline-length = 100\n'
    (empty / "pyproject.toml").write_text(original, encoding="utf-8")
    assert main(["init", "--plan", "alignment/first.plan"]) == 0
    text = (empty / "pyproject.toml").read_text(encoding="utf-8")
    assert text == original + '\n[tool.alignment-plan]\npaths = ["alignment"]\n'
    assert load_settings(empty).paths == ("alignment",)
    assert (empty / "alignment" / "first.plan").exists()


def test_init_never_changes_a_key_already_set(empty, capsys):
    original = '[tool.alignment-plan]\npaths = ["catalogs"]  # ours\nselect = ["AP3"]\n'
    (empty / "pyproject.toml").write_text(original, encoding="utf-8")
    assert main(["init"]) == 0
    assert (empty / "pyproject.toml").read_text(encoding="utf-8") == original
    assert "kept `paths` in [tool.alignment-plan] as it was" in capsys.readouterr().out


def test_init_adds_a_missing_key_inside_the_existing_table(empty):
    original = '[project]\nname = "x"\n\n[tool.alignment-plan]  # plans\nselect = ["AP3"]\n\n[tool.alignment-plan.severity]\nAP301 = "error"\n'
    (empty / "pyproject.toml").write_text(original, encoding="utf-8")
    assert main(["init"]) == 0
    text = (empty / "pyproject.toml").read_text(encoding="utf-8")
    assert text == original.replace("# plans\n", '# plans\npaths = ["plans"]\n')
    settings = load_settings(empty)
    assert settings.paths == ("plans",) and settings.select == ("AP3",) and settings.severity == {"AP301": "error"}


def test_a_table_written_as_dotted_keys_is_left_to_the_user(empty, capsys):
    original = '[tool]\nalignment-plan.select = ["AP3"]\n'
    (empty / "pyproject.toml").write_text(original, encoding="utf-8")
    assert main(["init"]) == 0
    assert (empty / "pyproject.toml").read_text(encoding="utf-8") == original
    out = capsys.readouterr().out
    assert "in a form init does not edit; add:" in out and 'paths = ["plans"]' in out


def test_init_refuses_to_overwrite_and_then_writes_nothing(empty, capsys):
    (empty / "plans").mkdir()
    (empty / "plans" / "assistant.plan").write_text("# mine\n", encoding="utf-8")
    assert main(["init"]) == 2
    assert "`plans/assistant.plan` exists; init never overwrites a file" in capsys.readouterr().err
    assert (empty / "plans" / "assistant.plan").read_text(encoding="utf-8") == "# mine\n"
    assert not (empty / "pyproject.toml").exists()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--plan", "plans"], "is not a `.plan` file name"),
        (["--plan", "notes.txt"], "is not a `.plan` file name"),
        (["--plan", "../elsewhere.plan"], "is outside the project root"),
    ],
)
def test_init_refuses_what_it_cannot_write(empty, capsys, arguments, message):
    (empty / "plans").mkdir()
    assert main(["init", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not (empty / "pyproject.toml").exists()


def test_invalid_toml_stops_init_before_it_writes(empty, capsys):
    (empty / "pyproject.toml").write_text("[tool.alignment-plan\n", encoding="utf-8")
    assert main(["init"]) == 2
    assert "is not valid TOML" in capsys.readouterr().err
    assert not (empty / "plans").exists()


def test_complete_table_keeps_crlf_and_everything_else():
    original = '[project]\r\nname = "x"\r\n'
    edit = complete_table(original, {"paths": ["plans"]}, WHERE)
    assert edit.text == '[project]\r\nname = "x"\r\n\r\n[tool.alignment-plan]\r\npaths = ["plans"]\r\n'
    assert parse_toml(edit.text, WHERE)["project"] == {"name": "x"}
    assert edit.added == ("paths",) and edit.kept == ()


@pytest.mark.parametrize("command", ["format", "check"])
def test_the_precommit_snippet_runs_what_the_shipped_hooks_run(command):
    import re

    from test_precommit import hook

    shipped = hook((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), f"alignment-plan-{command}")
    snippet = hook(precommit_snippet().replace("\n      - id:", "\n- id:").replace("\n        ", "\n  "), f"alignment-plan-{command}")

    def field(text: str, name: str) -> str:
        return re.search(rf"^  {name}: (.*)$", text, re.MULTILINE).group(1)

    assert field(snippet, "entry") == field(shipped, "entry") + " " + field(shipped, "args").strip("[]")
    assert field(snippet, "files") == field(shipped, "files")
    assert ("require_serial" in snippet) == ("require_serial" in shipped)


def test_the_snippets_name_both_hooks_and_this_version():
    from alignment_plan import __version__

    assert "id: alignment-plan-format" in precommit_snippet() and "id: alignment-plan-check" in precommit_snippet()
    assert f"alignment-plan=={__version__}" in ci_snippet()
    assert "alignment-plan format --check" in ci_snippet()


def test_the_command_line_lists_init():
    completed = subprocess.run(
        [sys.executable, "-m", "alignment_plan", "init", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0 and "--plan FILE" in completed.stdout
