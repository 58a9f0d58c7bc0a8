"""JSON reporter: a `CheckResult` (and a `Delta`) in, the JSON documents out.

`check --format json` follows `schemas/check.schema.json`, `report --format json`
`schemas/report.schema.json` (the same document with scenarios and a delta) and
`classify --format json` `schemas/classify.schema.json`. Every one of them serializes a
finding with `diagnostic_document`, with its end position, related spans and help.

`render` gives the text whole; `chunks` the same text in pieces, building each plan's
part only when it is written, so a large report never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from alignment_plan import __version__
from alignment_plan.diagnostics import Diagnostic, Severity, Span
from alignment_plan.reporters.classification import first_label, scenario_findings
from alignment_plan.reporters import jsontext, wording
from alignment_plan.reporters.explain import explanation_document
from alignment_plan.results.coverage import Coverage
from alignment_plan.results.model import (
    CheckResult,
    CombinationResult,
    CoverageChange,
    Delta,
    FileError,
    LabelCheckResult,
    OwnerState,
    PlanResult,
    ScenarioResult,
    VerdictResult,
)


def dump(document: dict) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False)` and a newline (`jsontext`)."""
    return jsontext.dumps(document) + "\n"


def _position(span: Span) -> dict:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def diagnostic_document(d: Diagnostic) -> dict:
    """One finding, as every JSON output writes it."""
    return {
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.value,
        "message": d.message,
        **_position(d.span),
        "help": d.help,
        "related": [{"message": r.message, **_position(r.span)} for r in d.related],
    }


def file_error_document(error: FileError) -> dict:
    return {"file": error.file, "message": error.message}


def plan_document(plan: PlanResult) -> dict:
    return {
        "name": plan.name,
        "title": plan.title,
        "file": plan.file,
        "line": plan.line,
        "bindings": dict(plan.bindings),
        "unbound": list(plan.unbound),
        "threshold": plan.threshold,
        "coverage": {
            "covered": plan.covered,
            "total": plan.total,
            "percent": plan.coverage.percent,
            "by_status": {status: _figures(figures) for status, figures in plan.coverage_by_status},
        },
        "failure_modes": [
            {
                "name": fm.name,
                "title": fm.title,
                "owner": fm.owner,
                "possible_owners": list(fm.possible_owners),
                "depends_on": list(fm.depends_on),
                "covered": fm.covered,
                "coverage_state": wording.coverage_state(fm),
                "covered_by": list(fm.covered_by),
                "covered_from": fm.covered_from,
                "backed_up_by": list(fm.backed_up_by),
                "owner_probabilities": dict(fm.owner_probabilities) if fm.owner_probabilities is not None else None,
                "out_of_scope": fm.out_of_scope,
                "facts": dict(fm.facts),
                "explanation": explanation_document(fm.explanation) if fm.explanation is not None else None,
            }
            for fm in plan.failure_modes
        ],
        "techniques": [
            {
                "name": t.name,
                "title": t.title,
                "step": t.step,
                "status": t.status,
                "evidence": list(t.evidence),
                "addresses": list(t.addresses),
                "fixes": list(t.fixes),
                "backs_up": list(t.backs_up),
                "feedback_source": t.feedback_source,
                "line": t.line,
            }
            for t in plan.techniques
        ],
        "assumptions": [
            {
                "failure_mode": a.failure_mode,
                "fact": a.fact,
                "value": a.value,
                "line": a.line,
                "because": a.reason,
                "evidence": list(a.evidence),
            }
            for a in plan.assumptions
        ],
        "lens_slots": list(plan.lens_slots),
    }


def document(result: CheckResult, lazy: bool = False) -> dict:
    """The document; with `lazy`, its plans are an iterator for `jsontext.chunks`."""
    counts = {s.value: 0 for s in Severity}
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity.value] += 1
    return {
        "version": __version__,
        "files": list(result.files),
        "summary": counts,
        "diagnostics": [diagnostic_document(d) for d in result.diagnostics],
        "plans": map(plan_document, result.plans) if lazy else [plan_document(plan) for plan in result.plans],
        "file_errors": [file_error_document(e) for e in result.file_errors],
    }


def render(result: CheckResult) -> str:
    return dump(document(result))


def chunks(result: CheckResult) -> Iterator[str]:
    """The text of `render(result)`, in pieces."""
    yield from jsontext.chunks(document(result, lazy=True))
    yield "\n"


# `classify --format json`: scenarios, label checks and the findings of the scenarios family.


def _combination_document(c: CombinationResult) -> dict:
    return {"lens": c.lens, "heuristic": c.heuristic, "bindings": dict(c.bindings), "reading": c.reading}


def verdict_document(v: VerdictResult) -> dict:
    return {
        "lens": v.lens,
        "heuristic": v.heuristic,
        "bindings": dict(v.bindings),
        "reading": v.reading,
        "verdict": v.verdict,
        "possible": list(v.possible),
        "legacy": v.legacy,
        "depends_on": list(v.depends_on),
        "probabilities": dict(v.probabilities) if v.probabilities is not None else None,
        "matches_label": v.matches_label,
    }


def scenario_document(s: ScenarioResult) -> dict:
    return {
        "name": s.name,
        "title": s.title,
        "file": s.file,
        "line": s.line,
        "refines": s.refines,
        "label": first_label(s),
        "labels": list(s.labels),
        "facts": dict(s.facts),
        "priors": dict(s.priors),
        "sources": list(s.sources),
        "verdicts": [verdict_document(v) for v in s.verdicts],
        "classified": s.classified,
        "errors": [diagnostic_document(d) for d in s.errors],
    }


def label_check_document(check: LabelCheckResult) -> dict:
    return {
        "file": check.file,
        "labels": dict(check.labels),
        "reproduced_by": {
            "real": [_combination_document(c) for c in check.real],
            "heuristic": [_combination_document(c) for c in check.heuristic],
        },
        "unreproducible": list(check.unreproducible),
        "conflict": {"kind": check.conflict_kind, "scenarios": list(check.conflict)} if check.conflict_kind else None,
    }


def classify_document(result: CheckResult) -> dict:
    return {
        "version": __version__,
        "files": list(result.files),
        "scenarios": [scenario_document(s) for s in result.scenarios],
        "label_checks": [label_check_document(c) for c in result.label_checks],
        "diagnostics": [diagnostic_document(d) for d in scenario_findings(result)],
        "file_errors": [file_error_document(e) for e in result.file_errors],
    }


def render_classify(result: CheckResult) -> str:
    return dump(classify_document(result))


# `report --format json`: the check document, plus `scenarios` and `label_checks` (as
# `classify --format json` writes them) when there are scenarios, and
# `delta` when comparing with a base report (`schemas/report.schema.json`).


def _figures(figures: Coverage | None) -> dict | None:
    return None if figures is None else {"covered": figures.covered, "total": figures.total, "percent": figures.percent}


def _owner(state: OwnerState) -> dict:
    return {"owner": state.owner, "possible_owners": list(state.possible_owners), "depends_on": list(state.depends_on)}


def _changes(changes: tuple[CoverageChange, ...]) -> list[dict]:
    return [{"failure_mode": c.failure_mode, "before": c.before, "after": c.after, "missing_in": list(c.missing_in)} for c in changes]


def delta_document(delta: Delta) -> dict:
    return {
        "base": delta.base,
        "base_version": delta.base_version,
        "before": _figures(delta.before),
        "after": _figures(delta.after),
        "plans": [
            {
                "name": p.name,
                "file": p.file,
                "change": p.change,
                "before": _figures(p.before),
                "after": _figures(p.after),
                "newly_uncovered": _changes(p.newly_uncovered),
                "newly_covered": _changes(p.newly_covered),
                "scoped_out": _changes(p.scoped_out),
                "before_by_status": {status: _figures(figures) for status, figures in p.before_by_status},
                "after_by_status": {status: _figures(figures) for status, figures in p.after_by_status},
                "owner_changes": [
                    {
                        "failure_mode": c.failure_mode,
                        "before": _owner(c.before),
                        "after": _owner(c.after),
                        "reasons": [
                            {"kind": r.kind, "subject": r.subject, "before": r.before, "after": r.after, "message": r.message}
                            for r in c.reasons
                        ],
                    }
                    for c in p.owner_changes
                ],
                "added_failure_modes": list(p.added_failure_modes),
                "removed_failure_modes": list(p.removed_failure_modes),
            }
            for p in delta.plans
        ],
    }


def report_document(result: CheckResult, delta: Delta | None = None) -> dict:
    found = document(result)
    if result.scenarios:
        found["scenarios"] = [scenario_document(s) for s in result.scenarios]
        found["label_checks"] = [label_check_document(c) for c in result.label_checks]
    if delta is not None:
        found["delta"] = delta_document(delta)
    return found


def render_report(result: CheckResult, delta: Delta | None = None) -> str:
    return dump(report_document(result, delta))
