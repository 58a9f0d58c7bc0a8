"""The derivation of one owner, as plain data for the reporters (`explain`, `check --format json`).

Built by the checker from `analysis.explain.Derivation`. Every line carries the file and
line it comes from, so a reviewer who disputes a step can point at the declaration that
made it. Numbers are 1-based: rule 1 is the lens's first rule.
"""

from __future__ import annotations

import attrs

# Where a fact of the story comes from.
FROM_FAILURE_MODE, FROM_ASSUMPTION, IGNORED_ASSUMPTION = "failure_mode", "assumption", "ignored_assumption"
# Why a technique counts toward coverage or does not (see `TechniqueLine.reason`).
TECHNIQUE_REASONS = {
    "counts": "counts: its step may own the failure mode and its status meets the threshold",
    "below_threshold": "does not count: its status is below the threshold",
    "not_owner": "does not count: its step never owns the failure mode under this plan (AP302)",
    "backup": "backs up the owner from another step: shown, not counted as the owner's coverage",
    "backup_in_owner": "does not count: `backs_up` in a step that may own it; write `addresses` (AP309)",
}


@attrs.frozen(cache_hash=True)  # kept once per value, in a dict of them (`checker.explain`)
class FactLine:
    fact: str
    value: bool
    origin: str  # FROM_FAILURE_MODE, FROM_ASSUMPTION or IGNORED_ASSUMPTION
    file: str
    line: int
    read: bool  # the lens reads it under the plan's bindings
    reason: str | None = None  # the assumption's `because`
    evidence: tuple[str, ...] = ()


@attrs.frozen(cache_hash=True)
class BindingLine:
    slot: str
    definition: str
    formula: str  # the definition's expression as written
    residual: str  # what is left of it once the story's facts are known
    read: bool  # the ownership lens reads the slot
    file: str  # where the plan binds it
    line: int
    definition_file: str
    definition_line: int


@attrs.frozen
class RuleLine:
    number: int
    verdict: str
    legacy: str | None
    condition: str  # as written
    residual: str  # slots expanded, the story's facts substituted
    gives_verdict: str  # "always", "sometimes" or "never"


@attrs.frozen
class CompletionLine:
    """One row of the truth table: values of the deciding facts, the rule that fires, the owner."""

    assignment: tuple[tuple[str, bool], ...]
    rule: int | None  # the rule's number; None when no rule holds
    owner: str
    probability: float | None  # under the priors in scope, when they weigh every fact of the row


@attrs.frozen
class TechniqueLine:
    name: str
    step: str
    status: str | None
    reason: str  # a key of TECHNIQUE_REASONS
    line: int

    @property
    def counts(self) -> bool:
        return self.reason == "counts"


@attrs.frozen
class Explanation:
    plan: str
    failure_mode: str
    title: str
    sources: tuple[str, ...]
    file: str  # the failure mode's declaration
    line: int
    lens: str | None
    lens_file: str | None
    lens_line: int | None
    rules: tuple[RuleLine, ...]
    bindings: tuple[BindingLine, ...]
    facts: tuple[FactLine, ...]
    unknown: tuple[str, ...]  # facts the lens reads that the story leaves unknown
    deciding: tuple[str, ...]  # the unknown facts that change the owner
    owner: str
    possible_owners: tuple[str, ...]
    completions: tuple[CompletionLine, ...]
    paths: bool  # the table lists diagram paths: a fact missing from a row does not matter there
    priors: tuple[tuple[str, float], ...]
    owner_probabilities: tuple[tuple[str, float], ...] | None
    techniques: tuple[TechniqueLine, ...]
    threshold: str
    covered: bool
    covered_from: str | None  # the highest status threshold at which it is covered
    missing_in: tuple[str, ...]
    out_of_scope: str | None
