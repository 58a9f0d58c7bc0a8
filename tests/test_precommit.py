"""The pre-commit hooks, run for real: `pre-commit try-repo` installs this repository into
a fresh environment and runs `alignment-plan-check` or `alignment-plan-format` in a scratch
repository. Slow (it builds and installs the package), so it is marked `slow`; it still
runs in CI, where a missing `pre-commit` is a failure rather than a skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

GOOD = """\
use std

plan assistant "Assistant" {
    operationalize {
        good_feedback = reasons
    }
    feedback_process {
        technique audit "Interpretability audit" {
            addresses deception
            status research
        }
    }
    considers deception
}
"""


def precommit_available() -> bool:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return False
    return True


def clean_environment() -> dict:
    """The environment without git's and GitHub's variables: run from inside a git hook
    (GIT_INDEX_FILE, GIT_DIR …), the scratch repository must not touch the outer one."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "PRE_COMMIT"))}


@pytest.fixture
def scratch(tmp_path):
    if not precommit_available():
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed; CI must run the hook test (pip install -e '.[test]')")
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.fail("git is needed to run the pre-commit hook test")
    if not (ROOT / ".git").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the hook test from a git checkout of the repository")
        pytest.skip("try-repo needs the repository as a git checkout (this copy has no .git)")
    repo = tmp_path / "scratch"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=clean_environment())
    (repo / "plans").mkdir()
    (repo / "plans" / "assistant.plan").write_text(GOOD, encoding="utf-8")
    (repo / "notes.txt").write_text("not a plan: the hook must not see this\n", encoding="utf-8")
    return repo


def try_repo(repo, tmp_path, hook: str = "alignment-plan-check") -> subprocess.CompletedProcess:
    env = clean_environment()
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_hook_passes_a_clean_plan_and_fails_a_broken_one(scratch, tmp_path):
    clean = try_repo(scratch, tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "alignment-plan check" in clean.stdout and "Passed" in clean.stdout

    (scratch / "plans" / "broken.plan").write_text(GOOD.replace("considers deception", "considers decepton"), encoding="utf-8")
    broken = try_repo(scratch, tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "AP102" in broken.stdout and "plans/broken.plan" in broken.stdout
    assert "notes.txt" not in broken.stdout


def test_format_hook_rewrites_a_messy_plan_and_then_passes(scratch, tmp_path):
    plan = scratch / "plans" / "assistant.plan"
    plan.write_text(GOOD.replace("    considers deception", "considers   deception"), encoding="utf-8")
    messy = try_repo(scratch, tmp_path, "alignment-plan-format")
    assert messy.returncode == 1, messy.stdout + messy.stderr
    assert "alignment-plan format" in messy.stdout and "Failed" in messy.stdout
    assert "files were modified by this hook" in messy.stdout
    assert plan.read_text(encoding="utf-8") == GOOD
    assert (scratch / "notes.txt").read_text(encoding="utf-8").startswith("not a plan")

    clean = try_repo(scratch, tmp_path, "alignment-plan-format")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    (scratch / "plans" / "broken.plan").write_text(GOOD.replace("considers deception", "considers"), encoding="utf-8")
    broken = try_repo(scratch, tmp_path, "alignment-plan-format")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "AP001" in broken.stdout and "plans/broken.plan" in broken.stdout


def hook(text: str, id: str) -> str:
    import re

    return re.search(rf"^- id: {id}\n(?:  .*\n)+", text, re.MULTILINE).group()


@pytest.mark.parametrize("id, entry", [("alignment-plan-check", "alignment-plan check"), ("alignment-plan-format", "alignment-plan format")])
def test_hook_definition_matches_plan_files_only(id, entry):
    import re

    definition = hook((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), id)
    assert f"entry: {entry}" in definition
    assert "language: python" in definition
    assert "args: [--force-exclude]" in definition
    pattern = re.search(r"^\s*files: (.+)$", definition, re.MULTILINE).group(1).strip()
    assert pattern == r"\.plan$"
    assert re.search(pattern, "plans/a.plan") and not re.search(pattern, "plans/a.plan.txt")
