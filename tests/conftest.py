"""Shared helpers for the test suite."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
SHARED = ROOT.parent / "shared"

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def expectations(path: Path) -> Counter:
    """The multiset of (line, code) a case file announces with `# expect: CODE, CODE`."""
    found: Counter = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
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
