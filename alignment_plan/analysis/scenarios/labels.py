"""Analysis stage, scenarios: the label check.

Which (lens, bindings, reading) combinations reproduce every `outer`/`inner` label a file
records, real categorizations apart from heuristics, and, when no real one does, the
scenarios that make it impossible (a refinement pair where there is one).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import attrs

from alignment_plan.analysis.scenarios.tables import LABELS, Classification, Combination
from alignment_plan.analysis.verdicts import AMBIGUOUS

@attrs.frozen
class Conflict:
    """Why no real categorization reproduces a set of labels.

    `kind` is "refinement" (`scenarios` is an ancestor and its descendant), "pair" (two
    unrelated scenarios), "scenario" (one label only heuristics reproduce) or "set" (no
    smaller part of the set is to blame).
    """

    kind: str
    scenarios: tuple[str, ...]


@attrs.frozen
class LabelCheck:
    """Which combinations reproduce every label written in one file."""

    file: str
    labels: tuple[tuple[str, str], ...]  # (scenario, label) in source order, known words only
    real: tuple[Combination, ...]
    heuristic: tuple[Combination, ...]
    unreproducible: tuple[str, ...]  # scenarios whose label no combination reproduces
    conflict: Conflict | None  # set when no real combination reproduces the reproducible labels

    @property
    def consistent(self) -> bool:
        return bool(self.real)


def _reproducing_all(tables: list[Classification], labels: Mapping[str, str]) -> list[Combination]:
    if not tables:
        return []
    found = list(tables[0].reproducing(labels[tables[0].story.name]))
    for table in tables[1:]:
        allowed = set(table.reproducing(labels[table.story.name]))
        found = [combination for combination in found if combination in allowed]
    return found


def check_labels(file: str, tables: list[Classification]) -> LabelCheck | None:
    """Compare the labels of the classified scenarios with every combination.

    Only the first label of a scenario counts, and only when it is `outer`, `inner` or
    `ambiguous`. None when no scenario carries such a label.
    """
    labelled = [t for t in tables if t.story.label is not None and t.story.label.text in LABELS]
    if not labelled:
        return None
    labels = {t.story.name: t.story.label.text for t in labelled}
    reproducing = _reproducing_all(labelled, labels)
    unreproducible = tuple(t.story.name for t in labelled if not t.reproducing(labels[t.story.name]))
    checkable = [t for t in labelled if t.story.name not in unreproducible]
    conflict = None
    if checkable and not any(not c.heuristic for c in _reproducing_all(checkable, labels)):
        conflict = _conflict(checkable, labels)
    return LabelCheck(
        file=file,
        labels=tuple(labels.items()),
        real=tuple(c for c in reproducing if not c.heuristic),
        heuristic=tuple(c for c in reproducing if c.heuristic),
        unreproducible=unreproducible,
        conflict=conflict,
    )


def _conflict(tables: list[Classification], labels: Mapping[str, str]) -> Conflict:
    """The smallest part of the set that no real combination reproduces: one scenario,
    else a refinement pair (the monotone case), else any pair, else the whole set."""
    real = {
        t.story.name: {c for c in t.reproducing(labels[t.story.name]) if not c.heuristic} for t in tables
    }
    for table in tables:
        if not real[table.story.name]:
            return Conflict("scenario", (table.story.name,))
    names = [t.story.name for t in tables]
    ancestors = {t.story.name: t.story.ancestors for t in tables}
    for descendant in names:
        for ancestor in ancestors[descendant]:
            if ancestor in real and not real[ancestor] & real[descendant]:
                return Conflict("refinement", (ancestor, descendant))
    for first, second in itertools.combinations(names, 2):
        if not real[first] & real[second]:
            return Conflict("pair", (first, second))
    return Conflict("set", tuple(names))


def monotone_conflict(labels: Mapping[str, str], conflict: Conflict) -> bool:
    """True when the open reading cannot reproduce a refinement pair's labels in any lens.

    A refinement only adds facts, so in the open reading an ancestor's determinate verdict
    is also its descendant's: a determinate ancestor label and any other descendant label
    cannot both hold.
    """
    if conflict.kind != "refinement":
        return False
    ancestor, descendant = conflict.scenarios
    return labels[ancestor] != AMBIGUOUS and labels[ancestor] != labels[descendant]
