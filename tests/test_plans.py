"""Every file under `plans/` checks exactly as its header comment says.

Header lines (the comment block at the top of the file):

    # check: exit 0; 0 errors, 1 warning, 2 info
    # owner: PLAN.FAILURE_MODE = STEP
    # owner: PLAN.FAILURE_MODE = operationalize (feedback_process | find_and_fix; deciding: fact, fact)
    # coverage: PLAN = COVERED/TOTAL
    # finding: CODE at LINE        (when present, the findings must be exactly these)
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from alignment_plan.text import split_lines
from conftest import check_paths
from alignment_plan.cli import main
from conftest import ROOT

PLANS = sorted((ROOT / "plans").rglob("*.plan"))


def header(path: Path) -> list[str]:
    lines = []
    for line in split_lines(path.read_text(encoding="utf-8")):
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return lines


def parse_header(path: Path) -> dict:
    spec = {"owners": {}, "coverage": {}, "findings": Counter(), "check": None}
    for line in header(path):
        if m := re.fullmatch(r"check: exit (\d); (\d+) errors?, (\d+) warnings?, (\d+) info", line):
            spec["check"] = tuple(int(g) for g in m.groups())
        elif m := re.fullmatch(r"owner: (\w+)\.(\w+) = (\w+)(?: \((.*); deciding: (.*)\))?", line):
            plan, fm, owner, possible, deciding = m.groups()
            spec["owners"][(plan, fm)] = (
                owner,
                tuple(p.strip() for p in possible.split("|")) if possible else None,
                tuple(d.strip() for d in deciding.split(",")) if deciding else None,
            )
        elif m := re.fullmatch(r"coverage: (\w+) = (\d+)/(\d+)", line):
            spec["coverage"][m.group(1)] = (int(m.group(2)), int(m.group(3)))
        elif m := re.fullmatch(r"finding: (AP\d{3}) at (\d+)", line):
            spec["findings"][(m.group(1), int(m.group(2)))] += 1
    return spec


def test_there_are_example_plans():
    assert len(PLANS) >= 4


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_plan_matches_header(path, capsys):
    spec = parse_header(path)
    assert spec["check"] is not None, f"{path.name} has no `# check:` header line"
    exit_code, errors, warnings, infos = spec["check"]
    assert main(["check", "--no-plans", str(path)]) == exit_code
    capsys.readouterr()
    result = check_paths([path], root=ROOT)
    severities = Counter(d.severity.value for d in result.diagnostics)
    assert (severities["error"], severities["warning"], severities["info"]) == (errors, warnings, infos), [
        (d.code, d.span.line, d.message) for d in result.diagnostics
    ]
    if spec["findings"]:
        assert Counter((d.code, d.span.line) for d in result.diagnostics) == spec["findings"]
    plans = {plan.name: plan for plan in result.plans}
    for (plan, fm), (owner, possible, deciding) in spec["owners"].items():
        found = {f.name: f for f in plans[plan].failure_modes}[fm]
        assert found.owner == owner, (plan, fm)
        if possible is not None:
            assert found.possible_owners == tuple(sorted(possible)), (plan, fm)
            assert found.depends_on == tuple(sorted(deciding)), (plan, fm)
    for plan, (covered, total) in spec["coverage"].items():
        assert (plans[plan].covered, plans[plan].total) == (covered, total), plan
