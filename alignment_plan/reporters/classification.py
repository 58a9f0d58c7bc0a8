"""Classification reporter: scenario tables and label checks as text.

Receives a `CheckResult` (its `scenarios` and `label_checks`, and the findings of the
scenarios family) and only formats it. The JSON document of `classify` is written by
`json_report.classify_document`.
"""

from __future__ import annotations

from alignment_plan.diagnostics import Severity
from alignment_plan.results.model import CheckResult, CombinationResult, LabelCheckResult, ScenarioResult, VerdictResult
from alignment_plan.text import printable


SCENARIO_FAMILY = "AP4"


def _bindings(bindings: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{slot} = {definition}" for slot, definition in bindings) or "-"


def _lens(item: VerdictResult | CombinationResult) -> str:
    return f"{item.lens} (heuristic)" if item.heuristic else item.lens


def _number(value: float) -> str:
    return f"{value:.6g}"


def _verdict_cell(verdict: VerdictResult) -> str:
    if verdict.verdict == "ambiguous":
        return "ambiguous: " + " | ".join(verdict.possible)
    return verdict.verdict


def _detail(verdict: VerdictResult) -> str:
    parts = []
    if verdict.depends_on:
        parts.append(", ".join(verdict.depends_on))
    if verdict.probabilities:
        parts.append("p: " + ", ".join(f"{name} {_number(p)}" for name, p in verdict.probabilities))
    return "; ".join(parts)


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for index, row in enumerate(rows):
        out.append(indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if index == 0:
            out.append(indent + "  ".join("-" * w for w in widths))
    return out


def first_label(scenario: ScenarioResult) -> str | None:
    return scenario.labels[0] if scenario.labels else None


def _value(value: bool) -> str:
    return "true" if value else "false"


def render_scenario(scenario: ScenarioResult) -> list[str]:
    """One scenario: its story, then one row per lens, bindings and reading."""
    label = first_label(scenario)
    head = f"scenario {scenario.name} ({printable(scenario.file)}:{scenario.line})"
    if scenario.refines:
        head += f" refines {scenario.refines}"
    head += f", label {label}" if label else ", no label"
    out = [head, f"  {printable(scenario.title)}"]
    facts = ", ".join(f"{fact} = {_value(value)}" for fact, value in scenario.facts) or "none"
    out.append(f"  facts: {facts}")
    if scenario.priors:
        out.append("  priors: " + ", ".join(f"{fact} = {_number(p)}" for fact, p in scenario.priors))
    for source in scenario.sources:
        out.append(f"  source: {printable(source)}")
    if not scenario.classified:
        out.append("  not classified: its story has errors")
        out += [
            f"  {d.severity.value}[{d.code}] {d.span.file}:{d.span.line}:{d.span.column}: {printable(d.message)}"
            for d in scenario.errors
        ]
        if not scenario.errors:
            out.append("  (the configuration switches those findings off; `alignment-plan check --isolated` shows them)")
        return out + [""]
    if not scenario.verdicts:
        return out + ["  no verdicts (no lens is visible, or the options exclude every one)", ""]
    header = ("lens", "bindings", "reading", "verdict", "legacy") + (("label",) if label else ()) + ("deciding facts",)
    rows = [header]
    for v in scenario.verdicts:
        match = (("yes" if v.matches_label else "",) if label else ())
        rows.append((_lens(v), _bindings(v.bindings), v.reading, _verdict_cell(v), v.legacy or "-") + match + (_detail(v),))
    return out + [""] + _table(rows) + [""]


def _cell(verdict: VerdictResult | None) -> str:
    if verdict is None:
        return ""
    word = verdict.legacy or verdict.verdict
    return word + ("*" if verdict.matches_label else "")


def render_matrix(scenarios: tuple[ScenarioResult, ...]) -> list[str]:
    """One table per file: a row per lens, bindings and reading, a column per scenario."""
    out = []
    files = list(dict.fromkeys(s.file for s in scenarios))
    for file in files:
        group = [s for s in scenarios if s.file == file]
        keys = list(dict.fromkeys((v.lens, v.heuristic, v.bindings, v.reading) for s in group for v in s.verdicts))
        cells = [{(v.lens, v.heuristic, v.bindings, v.reading): v for v in s.verdicts} for s in group]
        header = ("lens", "bindings", "reading") + tuple(
            s.name + (f" ({first_label(s)})" if first_label(s) else "") for s in group
        )
        rows = [header]
        for key in keys:
            lens, heuristic, bindings, reading = key
            name = f"{lens} (heuristic)" if heuristic else lens
            rows.append((name, _bindings(bindings), reading) + tuple(_cell(c.get(key)) for c in cells))
        out += [f"{printable(file)}: legacy word of each verdict (the verdict where it has none); * reproduces the label", ""]
        out += (_table(rows) if keys else ["  no verdicts"]) + [""]
    return out


def _combination(c: CombinationResult) -> str:
    inside = [f"{slot} = {definition}" for slot, definition in c.bindings] + [f"{c.reading} reading"]
    return f"{c.lens} ({', '.join(inside)})"


def _conflict(check: LabelCheckResult) -> str:
    named = check.conflict
    if check.conflict_kind == "refinement":
        return f"`{named[1]}` refines `{named[0]}` and is labelled differently"
    if check.conflict_kind == "pair":
        return f"no real categorization gives both `{named[0]}` and `{named[1]}` their labels"
    if check.conflict_kind == "scenario":
        return f"only heuristics give `{named[0]}` its label"
    if check.conflict_kind == "set":
        return "no real categorization gives all the labels together"
    return ""


def _combinations(heading: str, combinations: tuple[CombinationResult, ...], none: str) -> list[str]:
    if not combinations:
        return [f"  {heading}: {none}"]
    return [f"  {heading} ({len(combinations)}):"] + [f"    {_combination(c)}" for c in combinations]


def render_label_check(check: LabelCheckResult) -> list[str]:
    labels = ", ".join(f"{name} = {label}" for name, label in check.labels)
    out = [f"labels in {printable(check.file)}: {labels}"]
    none = "none" + (f" ({_conflict(check)})" if check.conflict_kind else "")
    out += _combinations("reproduced by real categorizations", check.real, none)
    out += _combinations("reproduced by heuristics", check.heuristic, "none")
    if check.unreproducible:
        out.append("  reproduced by nothing: " + ", ".join(check.unreproducible))
    return out + [""]


def scenario_findings(result: CheckResult) -> list:
    """The findings of the scenarios family, which `classify` reports."""
    return [d for d in result.diagnostics if d.code.startswith(SCENARIO_FAMILY)]


def render_text(result: CheckResult, matrix: bool = False) -> str:
    """The tables (one per scenario, or one matrix per file), label checks and findings."""
    out: list[str] = []
    for error in result.file_errors:
        out += [f"error: cannot read `{printable(error.file)}`: {printable(error.message)}", ""]
    if matrix:
        out += render_matrix(result.scenarios)
    else:
        for scenario in result.scenarios:
            out += render_scenario(scenario)
    for check in result.label_checks:
        out += render_label_check(check)
    findings = scenario_findings(result)
    for d in findings:
        out.append(f"{d.severity.value}[{d.code}] {printable(d.span.file)}:{d.span.line}:{d.span.column}: {printable(d.message)}")
    if findings:
        out.append("")
    errors = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
    count = sum(1 for s in result.scenarios if s.classified)
    unclassified = len(result.scenarios) - count
    files = len({s.file for s in result.scenarios})
    # From the unnarrowed check, so `--lens` and friends do not change the count.
    inconsistent = sum(1 for c in result.label_checks if c.conflict_kind or c.unreproducible)
    line = (
        f"classified {count} scenario{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
        f"{len(result.label_checks)} label set{'s' if len(result.label_checks) != 1 else ''}, "
        f"{inconsistent} without a real categorization"
    )
    if unclassified:
        line += f"; {unclassified} not classified (its story has errors)" if unclassified == 1 else (
            f"; {unclassified} not classified (their stories have errors)"
        )
    if errors:
        line += f"; {errors} error{'s' if errors != 1 else ''} (run `alignment-plan check` to see them)"
    out.append(line)
    return "\n".join(out) + "\n"
