"""Explain reporter: one `Explanation` in, the derivation as numbered text or a JSON object out.

The text is a derivation a reviewer can dispute line by line: each section is numbered,
each line names the file and line it comes from. `check --format json` embeds
`explanation_document` in every failure mode, so the same derivation is machine-readable.
"""

from __future__ import annotations

import json

from alignment_plan.reporters.classification import _table, _value as _word
from alignment_plan.results.explain import TECHNIQUE_REASONS, Explanation
from alignment_plan.text import printable

_ORIGINS = {"failure_mode": "stated by the failure mode", "assumption": "assumed by the plan"}


def _owner(e: Explanation) -> str:
    if e.owner == "operationalize":
        return f"operationalize: step 1 leaves it open between {' and '.join(e.possible_owners)}"
    if e.owner == "none":
        return "none: no step owns it"
    return e.owner


def render_text(e: Explanation) -> str:
    out = [f"why `{e.failure_mode}` is owned by {_owner(e)} in plan `{e.plan}`", ""]
    out += [f"1. failure mode `{e.failure_mode}` ({printable(e.file)}:{e.line}): {printable(e.title)}"]
    out += [f"     source: {printable(source)}" for source in e.sources]
    if e.lens is None:
        out += ["", "2. no `generalization` lens is visible: no step owns anything (AP204)"]
    else:
        out += ["", f"2. lens `{e.lens}` ({printable(e.lens_file or '')}:{e.lens_line}): the first rule that holds gives the owner"]
        for rule in e.rules:
            legacy = f" as {rule.legacy}" if rule.legacy else ""
            out.append(f"     rule {rule.number}: {rule.verdict}{legacy} when {rule.condition}")
        out.append(f"     rule {len(e.rules) + 1}: none, when no rule holds")
    out += ["", "3. bindings"]
    for b in e.bindings:
        where = f"{printable(b.file)}:{b.line}"
        if b.read:
            out.append(f"     {b.slot} = {b.definition} ({where}; defined at {printable(b.definition_file)}:{b.definition_line}):")
            out.append(f"       {b.formula}")
        else:
            out.append(f"     {b.slot} = {b.definition} ({where}): not read by the lens, changes no owner (AP208)")
    if not e.bindings:
        out.append("     none")
    out += ["", "4. the story (facts the lens does not read under these bindings are marked)"]
    width = max((len(f"{fact.fact} = {_word(fact.value)}") for fact in e.facts), default=0)
    for fact in e.facts:
        text = f"{fact.fact} = {_word(fact.value)}".ljust(width)
        if fact.origin == "ignored_assumption":
            where = f"assumed at {printable(fact.file)}:{fact.line}, ignored: it contradicts the failure mode (AP201)"
        else:
            where = f"{_ORIGINS[fact.origin]} ({printable(fact.file)}:{fact.line})" + ("" if fact.read else ", not read")
        out.append(f"     {text}  {where}")
        if fact.reason:
            out.append(f'       because "{printable(fact.reason)}"')
        out += [f'       evidence "{printable(item)}"' for item in fact.evidence]
    out += ["", "5. left over the unknown facts"]
    out.append("     unknown facts the lens reads: " + (", ".join(e.unknown) or "none"))
    for b in e.bindings:
        if b.read:
            out.append(f"     {b.slot} is: {b.residual}")
    for rule in e.rules:
        first = {"always": "in every completion", "sometimes": "in some completions", "never": "in no completion"}
        out.append(
            f"     rule {rule.number} ({rule.verdict}) holds when: {rule.residual}; "
            f"the first to hold {first[rule.gives_verdict]}"
        )
    out += ["", f"6. owner: {_owner(e)}"]
    if e.deciding:
        out.append("     deciding facts: " + ", ".join(e.deciding))
    if e.completions:
        if e.paths:
            out.append("     (paths of the decision diagram: a fact left blank does not matter on that row)")
        facts = sorted({fact for c in e.completions for fact, _ in c.assignment})
        weighed = any(c.probability is not None for c in e.completions) and e.deciding
        rows = [tuple(facts) + ("rule", "owner") + (("probability",) if weighed else ())]
        for c in e.completions:
            values = dict(c.assignment)
            row = tuple(_word(values[f]) if f in values else "" for f in facts)
            row += (str(c.rule) if c.rule is not None else "none", c.owner)
            if weighed:
                row += (f"{c.probability:.4g}" if c.probability is not None else "-",)
            rows.append(row)
        out += _table(rows, "     ")
    if e.owner_probabilities:
        out.append(
            "     under the priors ("
            + ", ".join(f"{fact} = {p:g}" for fact, p in e.priors)
            + "): "
            + ", ".join(f"{owner} {p:.4g}" for owner, p in e.owner_probabilities)
        )
    out += ["", *_coverage_lines(e)]
    return "\n".join(out) + "\n"


def _coverage_lines(e: Explanation) -> list[str]:
    if e.out_of_scope is not None:
        return [f'7. coverage: out of scope: "{printable(e.out_of_scope)}"']
    state = "covered" if e.covered else "not covered"
    if e.covered_from is not None:
        state += f" (counting techniques from status `{e.covered_from}` or above)"
    out = [f"7. coverage at the `{e.threshold}` threshold: {state}"]
    for t in e.techniques:
        out.append(f"     {t.name} ({t.step}, status {t.status or 'none'}, line {t.line}): {TECHNIQUE_REASONS[t.reason]}")
    for step in e.missing_in:
        if step == "none":
            out.append("     some completions leave it unowned: declare it out of scope or settle the owner")
        else:
            out.append(f"     {step}: no technique at or above `{e.threshold}` addresses it")
    if not e.techniques and not e.missing_in:
        out.append("     no technique addresses it")
    return out


def explanation_document(e: Explanation) -> dict:
    """The explanation as the JSON object `check --format json` and `explain --format json` write."""
    return {
        "plan": e.plan,
        "failure_mode": e.failure_mode,
        "file": e.file,
        "line": e.line,
        "sources": list(e.sources),
        "lens": None if e.lens is None else {"name": e.lens, "file": e.lens_file, "line": e.lens_line},
        "rules": [
            {
                "number": r.number,
                "verdict": r.verdict,
                "legacy": r.legacy,
                "condition": r.condition,
                "residual": r.residual,
                "gives_verdict": r.gives_verdict,
            }
            for r in e.rules
        ],
        "bindings": [
            {
                "slot": b.slot,
                "definition": b.definition,
                "formula": b.formula,
                "residual": b.residual,
                "read": b.read,
                "file": b.file,
                "line": b.line,
            }
            for b in e.bindings
        ],
        "facts": [
            {
                "fact": f.fact,
                "value": f.value,
                "origin": f.origin,
                "file": f.file,
                "line": f.line,
                "read": f.read,
                "because": f.reason,
                "evidence": list(f.evidence),
            }
            for f in e.facts
        ],
        "unknown": list(e.unknown),
        "deciding": list(e.deciding),
        "owner": e.owner,
        "possible_owners": list(e.possible_owners),
        "completions": [
            {"facts": dict(c.assignment), "rule": c.rule, "owner": c.owner, "probability": c.probability}
            for c in e.completions
        ],
        "paths": e.paths,
        "priors": dict(e.priors),
        "owner_probabilities": None if e.owner_probabilities is None else dict(e.owner_probabilities),
        "coverage": {
            "threshold": e.threshold,
            "covered": e.covered,
            "covered_from": e.covered_from,
            "missing_in": list(e.missing_in),
            "out_of_scope": e.out_of_scope,
            "techniques": [
                {"name": t.name, "step": t.step, "status": t.status, "counts": t.counts, "reason": t.reason, "line": t.line}
                for t in e.techniques
            ],
        },
    }


def render_json(e: Explanation) -> str:
    return json.dumps(explanation_document(e), indent=2, ensure_ascii=False) + "\n"
