"""HTML report: the classification of scenarios (a row per lens, definitions and reading, a
column per scenario) and the label checks, on plan pages and on `scenarios.html`."""

from __future__ import annotations

from alignment_plan.reporters.html.markup import code, e, page, table_wrap
from alignment_plan.results.model import CheckResult, ScenarioResult


def verdict_cell(verdict) -> str:
    word = verdict.verdict
    if verdict.legacy and verdict.legacy != word:
        word += f" ({verdict.legacy})"
    text = e(word)
    if verdict.verdict == "ambiguous" and verdict.depends_on:
        text += '<br><span class="note">deciding: ' + ", ".join(code(f) for f in verdict.depends_on) + "</span>"
    if verdict.probabilities:
        text += "<br>" + ", ".join(f"{e(v)} {100 * p:.3g}%" for v, p in verdict.probabilities)
    match = getattr(verdict, "matches_label", None)
    if match is True:
        return f'<td class="covered">✓ {text}<span class="note"> matches the label</span></td>'
    if match is False:
        return f'<td class="uncovered">✗ {text}<span class="note"> differs from the label</span></td>'
    return f"<td>{text}</td>"


def scenario_table(scenarios: tuple[ScenarioResult, ...], caption: str) -> str:
    """Rows: (lens, bindings, reading); columns: scenarios; cells: the verdict."""
    combos: list[tuple] = []
    cells: dict[tuple, dict[str, object]] = {}
    for scenario in scenarios:
        for v in scenario.verdicts:
            key = (v.lens, v.heuristic, v.bindings, v.reading)
            if key not in cells:
                combos.append(key)
                cells[key] = {}
            cells[key][scenario.name] = v
    head = "".join(
        f'<th scope="col">{code(s.name)}<br><span class="note">{e(s.title)}</span>'
        + (f"<br>label: {', '.join(code(label) for label in s.labels)}" if s.labels else "")
        + (f"<br>refines {code(s.refines)}" if s.refines else "")
        + "</th>"
        for s in scenarios
    )
    rows = []
    for key in combos:
        lens, heuristic, bindings, reading = key
        label = code(lens) + (" (heuristic)" if heuristic else "")
        if bindings:
            label += "<br>" + ", ".join(f"{code(slot)} = {code(d)}" for slot, d in bindings)
        row = "".join(verdict_cell(cells[key][s.name]) if s.name in cells[key] else "<td>–</td>" for s in scenarios)
        rows.append(f'<tr><th scope="row">{label}</th><td>{e(reading)}</td>{row}</tr>')
    table = (
        f'<table><caption>{e(caption)}</caption><thead><tr><th scope="col">Lens and definitions</th>'
        f'<th scope="col">Reading</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return table_wrap(caption, table)


def label_check_html(result: CheckResult, file: str) -> str:
    out = []
    for check in result.label_checks:
        if check.file != file:
            continue

        def combos(items) -> str:
            return (
                ", ".join(
                    code(c.lens)
                    + (" under " + ", ".join(f"{code(s)} = {code(d)}" for s, d in c.bindings) if c.bindings else "")
                    + f" ({e(c.reading)})"
                    for c in items
                )
                or "none"
            )

        out.append(
            f"<p>Real categorizations that reproduce every label: {combos(check.real)}.</p>"
            f"<p>Heuristics that reproduce every label: {combos(check.heuristic)}.</p>"
        )
        if check.conflict:
            out.append(
                "<p>No real categorization can: "
                + ", ".join(code(s) for s in check.conflict)
                + f" ({e(check.conflict_kind or 'conflict')}).</p>"
            )
    return "".join(out)


def scenarios_page(result: CheckResult, title: str) -> str:
    body = [
        "<h1>Scenarios</h1>",
        (
            "<p>Every lens under every definition of the slots it uses, in the open reading "
            "(unstated facts unknown) and the closed one (unstated facts false).</p>"
        ),
    ]
    files = sorted({s.file for s in result.scenarios})
    for file in files:
        group = tuple(s for s in result.scenarios if s.file == file)
        body.append(
            f"<section><h2>{code(file)}</h2>{scenario_table(group, f'Classification of the scenarios in {file}')}"
        )
        body.append(label_check_html(result, file) + "</section>")
    return page(f"Scenarios: {title}", "\n".join(body), [("scenarios.html", "Scenarios")])
