"""Shared helpers for the test suite."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from alignment_plan.text import split_lines

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
SHARED = ROOT.parent / "shared"

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def expectations(path: Path) -> Counter:
    """The multiset of (line, code) a case file announces with `# expect: CODE, CODE`."""
    found: Counter = Counter()
    for number, line in enumerate(split_lines(path.read_text(encoding="utf-8")), start=1):
        match = _EXPECT.search(line)
        if match:
            for code in match.group(1).split(","):
                found[(number, code.strip())] += 1
    return found


def case_files() -> list[Path]:
    return sorted(CASES.rglob("*.plan"))


@pytest.fixture
def root() -> Path:
    return ROOT


GOLDEN = ROOT / "tests" / "golden"


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens", action="store_true", default=False, help="rewrite golden files instead of comparing"
    )


@pytest.fixture
def golden(request):
    """Compare text with `tests/golden/<name>`; `pytest --update-goldens` rewrites it."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {name} is missing; run pytest --update-goldens and review the diff")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert text == path.read_text(encoding="utf-8"), f"output differs from golden {name}"

    return check


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch):
    """Tests see the defaults of a terminal, even when the suite itself runs in GitHub Actions."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


LINT_PROJECT = ROOT / "tests" / "fixtures" / "lint" / "project"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the lint fixture project, as the working directory and project root
    (3 warnings: AP308 and AP301 in legacy/, AP301 in plans/)."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(LINT_PROJECT, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def check_paths(paths, options=None, *, root: Path):
    """The checker on the plan files under `paths` (no configuration, no dependents)."""
    from alignment_plan.analysis.resolver import Workspace
    from alignment_plan.checker.check import CheckOptions, check_files
    from alignment_plan.project.discovery import collect_files

    return check_files(collect_files(paths), Workspace(root), options or CheckOptions())


def all_codes_but(*codes: str) -> frozenset[str]:
    from alignment_plan.rules import RULES

    return frozenset(RULES) - set(codes)
