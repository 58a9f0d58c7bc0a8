"""The result of a run: plain data handed from the checker to the reporters.

Neither side imports the other; both import this module. Everything here is frozen and
already sorted, so reporters only format.
"""

from __future__ import annotations

import attrs

from alignment_plan.diagnostics import Diagnostic, Severity


@attrs.frozen
class RuleInfo:
    code: str
    name: str
    severity: Severity
    summary: str
    description: str


@attrs.frozen
class FailureModeResult:
    name: str
    title: str
    owner: str
    possible_owners: tuple[str, ...]
    depends_on: tuple[str, ...]
    covered: bool
    covered_by: tuple[str, ...]
    missing_in: tuple[str, ...]
    out_of_scope: str | None


@attrs.frozen
class TechniqueResult:
    name: str
    title: str
    step: str
    status: str | None
    evidence: tuple[str, ...]
    addresses: tuple[str, ...]
    fixes: tuple[str, ...]
    line: int


@attrs.frozen
class PlanResult:
    name: str
    title: str
    file: str
    line: int
    bindings: tuple[tuple[str, str], ...]
    unbound: tuple[str, ...]
    threshold: str
    failure_modes: tuple[FailureModeResult, ...]
    techniques: tuple[TechniqueResult, ...]
    covered: int
    total: int
    percent: float


@attrs.frozen
class VerdictResult:
    """One cell of a classification table: a lens under bindings, in one reading."""

    lens: str
    heuristic: bool
    bindings: tuple[tuple[str, str], ...]
    reading: str  # "open" or "closed"
    verdict: str  # a verdict name, "ambiguous" or "none"
    legacy: str | None  # "outer", "inner", "ambiguous" or None
    possible: tuple[str, ...]
    depends_on: tuple[str, ...]
    probabilities: tuple[tuple[str, float], ...] | None = None  # exact fractions, as floats
    matches_label: bool | None = None  # legacy word equals the scenario's label; None without a label


@attrs.frozen
class ScenarioResult:
    name: str
    title: str
    file: str
    line: int
    refines: str | None
    labels: tuple[str, ...]
    facts: tuple[tuple[str, bool], ...]  # inherited facts included
    sources: tuple[str, ...]
    verdicts: tuple[VerdictResult, ...]
    priors: tuple[tuple[str, float], ...] = ()  # priors in force on the story's unknown facts


@attrs.frozen
class CombinationResult:
    """A way to categorize: a lens, a definition for each slot it uses, a reading."""

    lens: str
    heuristic: bool
    bindings: tuple[tuple[str, str], ...]
    reading: str


@attrs.frozen
class LabelCheckResult:
    """The labels of one file against every combination."""

    file: str
    labels: tuple[tuple[str, str], ...]  # (scenario, label) in source order
    real: tuple[CombinationResult, ...]  # real categorizations that reproduce every label
    heuristic: tuple[CombinationResult, ...]  # heuristics that reproduce every label
    unreproducible: tuple[str, ...]  # scenarios whose label no combination reproduces
    conflict: tuple[str, ...] = ()  # the scenarios that leave no real categorization
    conflict_kind: str | None = None  # "refinement", "pair", "scenario" or "set"


@attrs.frozen
class FileError:
    """A file that could not be read at all (exit code 2)."""

    file: str
    message: str


@attrs.frozen
class CheckResult:
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    plans: tuple[PlanResult, ...]
    rules: tuple[RuleInfo, ...]
    file_errors: tuple[FileError, ...] = ()
    scenarios: tuple[ScenarioResult, ...] = ()
    label_checks: tuple[LabelCheckResult, ...] = ()
    sources: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fingerprints: tuple[str, ...] = ()  # one content fingerprint per diagnostic, same order
    suppressed: int = 0  # findings silenced by suppression comments
    baselined: int = 0  # findings left out because the baseline records them

    def source_lines(self, file: str) -> tuple[str, ...]:
        return dict(self.sources).get(file, ())

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


@attrs.frozen
class CatalogEntry:
    """One declaration as `alignment-plan catalog` lists it."""

    kind: str  # fact, slot, definition, failure_mode, lens, heuristic_lens
    name: str
    meaning: str
    file: str
    line: int
    sources: tuple[str, ...] = ()
    slot: str | None = None
    body: tuple[str, ...] = ()
