"""The owner table of docs/owners.md, cell by cell: every `std` failure mode, under every
`std` definition of every slot a real lens reads, in both readings.

The page is the one source of truth: this test reads its tables and holds the checker to
each cell, so the documentation and the semantics cannot disagree.
"""

from __future__ import annotations

import itertools
import re

import pytest

from alignment_plan.analysis.resolver import Workspace, resolve
from alignment_plan.analysis.scenarios.tables import definition_combinations
from alignment_plan.analysis.semantics import OWNERSHIP_LENS
from alignment_plan.analysis.verdicts import CLOSED, Evaluator, OPEN
from conftest import ROOT

PAGE = ROOT / "docs" / "owners.md"
SECTION = re.compile(r"^## `(\w+)`$")
OPEN_CELL = re.compile(r"open: (.+); deciding: (.+)")
# A justification cites its source: the essay, or a paper by author and year.
CITES = re.compile(r"\bthe essay\b|\b(19|20)\d\d\b")


def read_table() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(failure mode, definition) -> (open cell, closed cell, why)."""
    table, section = {}, None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if match := SECTION.match(line):
            section = match.group(1)
            continue
        if section is None or not line.startswith("| ") or line.startswith("| definition") or line.startswith("|---"):
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cells) == 4, line
        key = (section, cells[0])
        assert key not in table, f"{key} appears twice"
        table[key] = tuple(cells[1:])
    return table


TABLE = read_table()


@pytest.fixture(scope="module")
def std():
    workspace = Workspace(ROOT)
    return resolve(workspace, workspace.std())


def cell_of(verdict) -> str:
    if verdict.determinate:
        return verdict.value
    return f"open: {' | '.join(verdict.outcomes)}; deciding: {', '.join(verdict.depends_on)}"


def test_the_table_covers_every_failure_mode_and_definition(std):
    definitions = {name for slot, name in std.definitions if slot == "good_feedback"}
    assert set(TABLE) == set(itertools.product(std.failure_modes, definitions))


@pytest.mark.parametrize(("failure_mode", "definition"), sorted(TABLE))
def test_cell(std, failure_mode, definition):
    expected_open, expected_closed, why = TABLE[(failure_mode, definition)]
    assert CITES.search(why), f"the justification of {failure_mode} under {definition} cites no source"
    lens = std.lenses[OWNERSHIP_LENS]
    story = {value.fact.text: value.value for value in std.failure_modes[failure_mode].facts}
    evaluator = Evaluator(std)
    # Every combination of definitions of the slots real lenses read: the owner may only
    # depend on the definition of good feedback.
    real = [lens for lens in std.lenses.values() if not lens.heuristic]
    slots = sorted({d.slot.text for lens in real for combo in definition_combinations(std, lens) for d in combo})
    assert {"good_feedback", "counterfactual"} <= set(slots)
    choices = [
        [std.definitions[("good_feedback", definition)]] if slot == "good_feedback" else std.definitions_of(slot)
        for slot in slots
    ]
    for combination in itertools.product(*choices):
        bindings = {d.slot.text: d for d in combination}
        assert cell_of(evaluator.verdict(lens, story, bindings, OPEN)) == expected_open, combination
        assert cell_of(evaluator.verdict(lens, story, bindings, CLOSED)) == expected_closed, combination


def test_open_cells_name_their_deciding_facts(std):
    for (failure_mode, definition), (open_cell, _, _) in TABLE.items():
        if open_cell.startswith("open"):
            assert OPEN_CELL.fullmatch(open_cell), (failure_mode, definition)
