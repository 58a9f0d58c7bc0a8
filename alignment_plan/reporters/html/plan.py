"""HTML report: the page of one plan. Its facts and coverage bar, the changes against the
base, the failure mode × step matrix, the three steps as a diagram, open ownership, why
each failure mode has its owner (the derivation `explain` prints, from the result), the
techniques with their evidence, the findings, and the scenarios of its file."""

from __future__ import annotations

from alignment_plan.reporters import wording
from alignment_plan.reporters.explain import render_text
from alignment_plan.reporters.html.delta import plan_delta_html
from alignment_plan.reporters.html.diagram import diagram
from alignment_plan.reporters.html.findings import plan_findings_html
from alignment_plan.reporters.html.markup import MARKUP, Anchors, bar, code, e, evidence_link, page, step_tag, table_wrap
from alignment_plan.reporters.html.scenarios import label_check_html, scenario_table
from alignment_plan.results.model import CheckResult, Delta, FailureModeResult, PlanResult, TechniqueResult
from alignment_plan.vocabulary import NO_OWNER, STEPS


def techniques_for(plan: PlanResult, fm: str, step: str) -> list[TechniqueResult]:
    return [t for t in plan.techniques if t.step == step and fm in t.addresses]


def technique_label(t: TechniqueResult) -> str:
    return f"{code(t.name)} ({e(t.status or 'no status')})"


def matrix_cell(plan: PlanResult, fm: FailureModeResult, step: str) -> str:
    """One cell of the matrix: role of the step for this failure mode, and coverage there."""
    column = f'step-col-{step}" data-label="{step}'

    if step == "operationalize":
        if fm.owner == "operationalize":
            facts = ", ".join(code(f) for f in fm.depends_on) or "none found"
            return f'<td class="cell own undecided {column}"><span class="role">? undecided</span>deciding facts: {facts}</td>'
        if fm.owner == "none":
            return f'<td class="cell idle {column}">decided: {wording.NOBODY}</td>'
        return f'<td class="cell idle {column}">decided</td>'
    techniques = techniques_for(plan, fm.name, step)
    counted = [t for t in techniques if t.name in fm.covered_by]
    weak = [t for t in techniques if t.name not in fm.covered_by]
    if fm.owner == step or (fm.owner == "operationalize" and step in fm.possible_owners):
        role = "owner" if fm.owner == step else "possible owner"
        if step in fm.missing_in or not counted:
            text = f'<span class="role">✗ {role}</span>no technique'
            if weak:
                text += " at the required status; below it: " + ", ".join(technique_label(t) for t in weak)
            return f'<td class="cell own uncovered {column}">{text}</td>'
        text = f'<span class="role">✓ {role}</span>covered by ' + ", ".join(technique_label(t) for t in counted)
        return f'<td class="cell own covered {column}">{text}</td>'
    if techniques:
        return (
            f'<td class="cell idle {column}">– not the owner; addressed here by '
            + ", ".join(technique_label(t) for t in techniques)
            + "</td>"
        )
    return f'<td class="cell idle {column}">–</td>'


def coverage_cell(fm: FailureModeResult) -> str:
    state = wording.coverage_state(fm)
    if state == wording.OUT_OF_SCOPE:
        return f'<td class="cell idle" data-label="Coverage">– {wording.STATE[state]}: {e(fm.out_of_scope)}</td>'
    if fm.owner == NO_OWNER:
        return f'<td class="cell uncovered" data-label="Coverage">✗ {wording.NOBODY}</td>'
    symbol, css = {
        wording.COVERED: ("✓", "covered"),
        wording.UNCOVERED: ("✗", "uncovered"),
        wording.PARTLY: ("◐", "partly"),
    }[state]
    return f'<td class="cell {css}" data-label="Coverage">{symbol} {wording.STATE[state]}</td>'


def matrix(plan: PlanResult, anchors: Anchors) -> str:
    rows = []
    for fm in plan.failure_modes:
        cells = "".join(matrix_cell(plan, fm, step) for step in STEPS)
        rows.append(
            f'<tr><th scope="row" id="{anchors(fm.name)}">{code(fm.name)}<br><span class="note">{e(fm.title)}</span></th>'
            f"{cells}{coverage_cell(fm)}</tr>"
        )
    head = "".join(f'<th scope="col">{step_tag(s)}</th>' for s in STEPS)
    legend = (
        '<ul class="legend" aria-label="Legend">'
        "<li>✓ covered in that step</li><li>✗ no technique where one is needed</li>"
        "<li>◐ covered in some possible owners only</li><li>? step 1 left the owner open</li>"
        "<li>– the step has no part in it</li></ul>"
    )
    table = (
        f'<table class="matrix"><caption>Failure modes × steps: who owns each, and is it covered</caption>'
        f'<thead><tr><th scope="col">Failure mode</th>{head}<th scope="col">Coverage</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">TOTAL</th><td colspan="3"></td><td data-label="Coverage">{wording.covered_count(plan.coverage)}</td></tr></tfoot>'
        "</table>"
    )
    return legend + table_wrap("Ownership matrix", table)


def open_ownership(plan: PlanResult, anchors: Anchors) -> str:
    open_modes = [fm for fm in plan.failure_modes if fm.owner == "operationalize"]
    if not open_modes:
        return "<p>Step 1 decides the owner of every failure mode this plan considers.</p>"
    items = []
    for fm in open_modes:
        facts = ", ".join(code(f) for f in fm.depends_on) or "none found"
        items.append(
            f'<li><a href="#{anchors(fm.name)}">{code(fm.name)}</a>: owned by '
            + " or ".join(step_tag(o) for o in fm.possible_owners)
            + f", depending on {facts}. "
            + (
                "Covered either way."
                if fm.covered
                else "Not covered in " + ", ".join(step_tag(s) for s in fm.missing_in) + "."
            )
            + "</li>"
        )
    return (
        "<p>Step 1 leaves these owners open: settle them with a sharper definition or an "
        "<code>assume</code> line for a deciding fact, or cover every possible owner.</p>"
        f"<ul>{''.join(items)}</ul>"
    )


def derivations(plan: PlanResult, anchors: Anchors) -> str:
    """One collapsed `<details>` per failure mode holding its numbered derivation, the text
    `alignment-plan explain` prints from the same result data, escaped; open for the failure
    modes a reviewer must act on (open owner, not covered)."""
    items = []
    for fm in plan.failure_modes:
        if fm.explanation is None:
            continue
        state = wording.coverage_state(fm)
        unsettled = fm.owner == "operationalize" or state in (wording.UNCOVERED, wording.PARTLY)
        items.append(
            f'<details class="derivation" id="{anchors(fm.name)}-why"{" open" if unsettled else ""}>'
            f"<summary>{code(fm.name)}: {wording.owner(fm, MARKUP)}, {wording.STATE[state]}</summary>"
            f'<pre tabindex="0">{e(render_text(fm.explanation))}</pre></details>'
        )
    if not items:
        return "<p>No derivation is recorded for this plan.</p>"
    return (
        "<p>Each derivation numbers its steps and names the file and line of every input, so a "
        "reviewer can point at the line they dispute; <code>alignment-plan explain</code> prints the same.</p>"
        + "".join(items)
    )


def techniques_table(plan: PlanResult, anchors: Anchors) -> str:
    if not plan.techniques:
        return "<p>This plan has no techniques.</p>"
    known = {fm.name for fm in plan.failure_modes}
    rows = []
    for t in plan.techniques:
        addresses = (
            ", ".join(f'<a href="#{anchors(n)}">{code(n)}</a>' if n in known else code(n) for n in t.addresses)
            or "nothing"
        )
        evidence = "<br>".join(evidence_link(x) for x in t.evidence) or '<span class="note">none given</span>'
        rows.append(
            f'<tr><th scope="row">{code(t.name)}<br><span class="note">{e(t.title)}</span></th><td>{step_tag(t.step)}</td>'
            f"<td>{e(t.status or 'no status')}</td><td>{addresses}</td><td>{', '.join(code(f) for f in t.fixes) or '–'}</td>"
            f'<td>{evidence}</td><td class="num">{t.line}</td></tr>'
        )
    table = (
        "<table><caption>Techniques, their status and evidence</caption><thead><tr>"
        + "".join(
            f'<th scope="col">{h}</th>'
            for h in ("Technique", "Step", "Status", "Addresses", "Fixes", "Evidence", "Line")
        )
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return table_wrap("Techniques", table)


def plan_page(result: CheckResult, plan: PlanResult, delta: Delta | None, precision: int, title: str) -> str:
    anchors = Anchors("fm", (fm.name for fm in plan.failure_modes))
    bindings = ", ".join(f"{code(slot)} = {code(d)}" for slot, d in plan.bindings) or "none"
    facts = [
        ("File", f"{code(plan.file)}, line {plan.line}"),
        ("Bindings", bindings),
        ("Counting from status", code(plan.threshold)),
    ]
    if plan.unbound:
        facts.append(("Unbound slots", ", ".join(code(s) for s in plan.unbound)))
    body = [
        f"<h1>Plan {code(plan.name)}</h1>",
        f'<p class="lede">{e(plan.title)}</p>',
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
        f'<p class="big">{bar(plan.coverage, precision)}</p>',
    ]

    def link(name: str) -> str:
        if any(fm.name == name for fm in plan.failure_modes):
            return f'<a href="#{anchors(name)}">{code(name)}</a>'
        return code(name)

    if delta is not None:
        mine = delta.of(plan)
        body.append(f'<section aria-labelledby="changes"><h2 id="changes">Changes against {code(delta.base)}</h2>')
        body.append(plan_delta_html(mine, link) if mine is not None else '<p class="note">No change.</p>')
        body.append("</section>")
    body += [
        '<section aria-labelledby="matrix"><h2 id="matrix">Ownership and coverage</h2>',
        matrix(plan, anchors),
        "</section>",
        '<section aria-labelledby="steps"><h2 id="steps">The three steps</h2>',
        diagram(plan, anchors),
        "</section>",
        '<section aria-labelledby="open"><h2 id="open">Open ownership</h2>',
        open_ownership(plan, anchors),
        "</section>",
        '<section aria-labelledby="why"><h2 id="why">Why these owners</h2>',
        derivations(plan, anchors),
        "</section>",
        '<section aria-labelledby="evidence"><h2 id="evidence">Techniques and evidence</h2>',
        techniques_table(plan, anchors),
        "</section>",
        '<section aria-labelledby="findings"><h2 id="findings">Findings</h2>',
        plan_findings_html(result, plan),
        "</section>",
    ]
    scenarios = tuple(s for s in result.scenarios if s.file == plan.file)
    if scenarios:
        body += [
            '<section aria-labelledby="scenarios"><h2 id="scenarios">Scenarios</h2>',
            scenario_table(scenarios, f"Classification of the scenarios in {plan.file}"),
            label_check_html(result, plan.file),
            "</section>",
        ]
    return page(
        f"{plan.name}: {title}",
        "\n".join(body),
        [("#matrix", "Matrix"), ("#steps", "Steps"), ("#why", "Why"), ("#findings", "Findings")],
    )
