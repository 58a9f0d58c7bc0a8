"""JSON reporter: one document in the shape of `schemas/check.schema.json`."""

from __future__ import annotations

import json

from alignment_plan import __version__
from alignment_plan.diagnostics import Severity, Span
from alignment_plan.result import CheckResult, PlanResult


def _position(span: Span) -> dict:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def plan_document(plan: PlanResult) -> dict:
    return {
        "name": plan.name,
        "title": plan.title,
        "file": plan.file,
        "line": plan.line,
        "bindings": dict(plan.bindings),
        "unbound": list(plan.unbound),
        "threshold": plan.threshold,
        "coverage": {"covered": plan.covered, "total": plan.total, "percent": plan.percent},
        "failure_modes": [
            {
                "name": fm.name,
                "title": fm.title,
                "owner": fm.owner,
                "possible_owners": list(fm.possible_owners),
                "depends_on": list(fm.depends_on),
                "covered": fm.covered,
                "covered_by": list(fm.covered_by),
                "out_of_scope": fm.out_of_scope,
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
                "line": t.line,
            }
            for t in plan.techniques
        ],
    }


def document(result: CheckResult) -> dict:
    counts = {s.value: 0 for s in Severity}
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity.value] += 1
    return {
        "version": __version__,
        "files": list(result.files),
        "summary": counts,
        "diagnostics": [
            {
                "code": d.code,
                "rule": d.rule,
                "severity": d.severity.value,
                "message": d.message,
                **_position(d.span),
                "help": d.help,
                "related": [{"message": r.message, **_position(r.span)} for r in d.related],
            }
            for d in result.diagnostics
        ],
        "plans": [plan_document(plan) for plan in result.plans],
        "file_errors": [{"file": e.file, "message": e.message} for e in result.file_errors],
    }


def render(result: CheckResult) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
