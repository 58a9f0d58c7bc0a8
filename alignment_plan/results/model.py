"""The result of a run: plain data handed from the checker to the reporters.

Neither side imports the other; both import this module. Everything here is frozen and
already sorted, so reporters only format.
"""

from __future__ import annotations

import attrs

from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.results.coverage import Coverage
from alignment_plan.results.explain import Explanation


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
    facts: tuple[tuple[str, bool], ...] = ()  # the failure mode's own story, as its catalog states it
    covered_from: str | None = None  # the highest status threshold at which it is covered
    backed_up_by: tuple[str, ...] = ()  # techniques backing it up from a step that does not own it
    # For an open owner, the exact probability of each possible owner under the top-level
    # priors in scope, when they weigh every deciding fact; None otherwise.
    owner_probabilities: tuple[tuple[str, float], ...] | None = None
    explanation: Explanation | None = None  # why this owner and this coverage


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
    backs_up: tuple[str, ...] = ()
    feedback_source: bool = False


@attrs.frozen
class AssumptionResult:
    """An `assume FAILURE_MODE: FACT = VALUE` line of a plan's `operationalize` step."""

    failure_mode: str
    fact: str
    value: bool
    line: int
    reason: str | None = None  # `because "…"`
    evidence: tuple[str, ...] = ()


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
    coverage: Coverage
    assumptions: tuple[AssumptionResult, ...] = ()
    lens_slots: tuple[str, ...] = ()  # slots the ownership lens reads, directly or through bound definitions
    # Coverage when techniques count from each status, most mature first (cumulative).
    coverage_by_status: tuple[tuple[str, Coverage], ...] = ()

    @property
    def covered(self) -> int:
        return self.coverage.covered

    @property
    def total(self) -> int:
        return self.coverage.total


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
    # A scenario whose story has errors is not classified; `errors` are the error findings
    # inside it (none when the configuration switches them off), shown where its verdicts would be.
    classified: bool = True
    errors: tuple[Diagnostic, ...] = ()


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
    # `sources` by file, made once: a reporter asks for a file's lines at every finding.
    _lines_by_file: dict[str, tuple[str, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_lines_by_file", dict(self.sources))

    def source_lines(self, file: str) -> tuple[str, ...]:
        return self._lines_by_file.get(file, ())

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


# The delta of `report --compare`: built by `alignment_plan.project.compare`, formatted by reporters.


@attrs.frozen
class OwnerState:
    owner: str
    possible_owners: tuple[str, ...]
    depends_on: tuple[str, ...]


@attrs.frozen
class OwnerReason:
    """One changed input of the ownership lens that explains an owner change."""

    kind: str  # "binding", "assumption", "story" or "unexplained"
    subject: str  # the slot or the fact; empty when unexplained
    before: str | None  # None: absent on that side
    after: str | None

    @property
    def message(self) -> str:
        return self.describe(lambda text: f"`{text}`")

    def describe(self, code) -> str:
        """The sentence every format shows, with user input passed through `code` (quoting, escaping)."""
        what, unset = {
            "binding": ("binding", "unbound"),
            "assumption": ("assumption", "not assumed"),
            "story": ("catalog story fact", "not stated"),
        }.get(self.kind, ("", ""))
        if not what:
            return "no binding, assumption or story change explains it: a definition or the ownership lens changed"
        if self.before is None:
            return f"{what} {code(self.subject)} added: {code(self.after)} (was {unset})"
        if self.after is None:
            return f"{what} {code(self.subject)} removed: was {code(self.before)} (now {unset})"
        return f"{what} {code(self.subject)} changed from {code(self.before)} to {code(self.after)}"


@attrs.frozen
class OwnerChange:
    failure_mode: str
    before: OwnerState
    after: OwnerState
    reasons: tuple[OwnerReason, ...]


@attrs.frozen
class CoverageChange:
    failure_mode: str
    before: str  # "absent", "covered", "uncovered" or "out_of_scope"
    after: str
    missing_in: tuple[str, ...] = ()  # owning steps that lack a technique now


@attrs.frozen
class PlanDelta:
    name: str
    file: str
    change: str  # "added", "removed", "changed" or "unchanged"
    before: Coverage | None
    after: Coverage | None
    newly_uncovered: tuple[CoverageChange, ...]
    newly_covered: tuple[CoverageChange, ...]
    owner_changes: tuple[OwnerChange, ...]
    added_failure_modes: tuple[str, ...]
    removed_failure_modes: tuple[str, ...]
    scoped_out: tuple[CoverageChange, ...] = ()  # newly declared out of scope: no longer counted
    # Coverage by status on each side, most mature first; empty when a side does not carry it.
    before_by_status: tuple[tuple[str, Coverage], ...] = ()
    after_by_status: tuple[tuple[str, Coverage], ...] = ()


@attrs.frozen
class Delta:
    base: str  # the base report as the user named it
    base_version: str | None
    before: Coverage
    after: Coverage
    plans: tuple[PlanDelta, ...]

    def of(self, plan: PlanResult) -> PlanDelta | None:
        return next((d for d in self.plans if (d.file, d.name) == (plan.file, plan.name)), None)

    @property
    def newly_uncovered(self) -> int:
        return sum(len(p.newly_uncovered) for p in self.plans)

    @property
    def newly_covered(self) -> int:
        return sum(len(p.newly_covered) for p in self.plans)

    @property
    def owner_changes(self) -> int:
        return sum(len(p.owner_changes) for p in self.plans)
