"""LSP, reading a document: hover, go to definition, find references, the outline.

Consumes an `Analysis` (the checker's scope and plan analyses for one buffer) and a
1-based position in code points; produces Markdown for hover, and spans (display path and
position) for definitions, references and document symbols. The server converts them.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from alignment_plan.analysis.resolver import resolve
from alignment_plan.diagnostics import Span
from alignment_plan.lsp.session import Analysis
from alignment_plan.lsp.symbols import (
    DEFINITION, FACT, FAILURE_MODE, LENS, PLAN, SCENARIO, SLOT, TECHNIQUE,
    Occurrence, declaration, declared_name, occurrence_at, occurrences,
)
from alignment_plan.project.project import ProjectError
from alignment_plan.results.coverage import Coverage
from alignment_plan.syntax import nodes

_WORDS = {FAILURE_MODE: "failure mode"}


def _ticks(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _between(names: Iterable[str]) -> str:
    ticked = [f"`{name}`" for name in names]
    return ", ".join(ticked[:-1]) + " and " + ticked[-1] if len(ticked) > 1 else "".join(ticked)


def under_cursor(analysis: Analysis, line: int, column: int) -> tuple[Occurrence, object] | None:
    """The name at the position and the declaration it names (None when it names nothing visible)."""
    found = occurrence_at(occurrences(analysis.module, analysis.scope), line, column)
    if found is None:
        return None
    decl = declaration(analysis.scope, found)
    return (found, decl) if decl is not None else None


def hover(analysis: Analysis, line: int, column: int) -> tuple[str, Span] | None:
    """Markdown about the name at the position, and the span of that name."""
    hit = under_cursor(analysis, line, column)
    if hit is None:
        return None
    occurrence, decl = hit
    word = _WORDS.get(occurrence.kind, occurrence.kind)
    if occurrence.kind == DEFINITION:
        heading = f"**definition** `{decl.slot.text} = {decl.name.text}`"
    else:
        heading = f"**{word}** `{declared_name(decl).text}`"
    parts = [heading, _meaning(decl)]
    parts += _details(analysis, occurrence, decl)
    sources = getattr(decl, "sources", ()) or getattr(decl, "evidence", ())
    if sources:
        label = "evidence" if isinstance(decl, nodes.Technique) else "source"
        parts.append("\n".join(f"- {label}: {text.value}" for text in sources))
    parts.append(_declared_at(analysis, declared_name(decl).span))
    return "\n\n".join(part for part in parts if part), occurrence.name.span


def _meaning(decl) -> str:
    text = getattr(decl, "meaning", None) or getattr(decl, "title", None)
    return text.value if text is not None else ""


def _source_text(analysis: Analysis, span: Span) -> str:
    lines = analysis.lines(span.file)
    if not 0 < span.line <= span.end_line <= len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    chunk = [lines[span.line - 1][span.column - 1 :], *lines[span.line : span.end_line - 1]]
    return "\n".join(chunk + [lines[span.end_line - 1][: span.end_column - 1]])


def _details(analysis: Analysis, occurrence: Occurrence, decl) -> list[str]:
    scope = analysis.scope
    if isinstance(decl, nodes.DefinitionDecl):
        return [f"```plan\n{_source_text(analysis, decl.body.span)}\n```"]
    if isinstance(decl, nodes.SlotDecl):
        bound = _bound(occurrence.plan, decl.name.text)
        rows = [
            f"- `{d.name.text}`{' (bound here)' if d.name.text == bound else ''}: {d.meaning.value}"
            for d in scope.definitions_of(decl.name.text)
        ]
        return ["definitions:\n" + "\n".join(rows)] if rows else []
    if isinstance(decl, nodes.LensDecl):
        rules = "\n".join(_source_text(analysis, rule.span) for rule in decl.rules)
        kind = "heuristic lens (not a real categorization)\n\n" if decl.heuristic else ""
        return [f"{kind}```plan\n{rules}\n```"]
    if isinstance(decl, (nodes.FailureModeDecl, nodes.ScenarioDecl)):
        stated = ", ".join(f"`{v.fact.text} = {str(v.value).lower()}`" for v in decl.facts)
        parts = [f"states {stated}"] if stated else []
        if occurrence.kind == FAILURE_MODE and occurrence.plan is not None:
            parts += _ownership(analysis, occurrence.plan, decl.name.text)
        return parts
    if isinstance(decl, nodes.PlanDecl):
        return _plan_coverage(analysis, decl)
    if isinstance(decl, nodes.Technique):
        facts = [f"status `{decl.status.text}`" if decl.status else "no status"]
        if decl.addresses:
            facts.append(f"addresses {_ticks(n.text for n in decl.addresses)}")
        return ["; ".join(facts)]
    return []


def _bound(plan: nodes.PlanDecl | None, slot: str) -> str | None:
    for binding in plan.bindings if plan else ():
        if binding.slot.text == slot:
            return binding.definition.text
    return None


def _analysis_of(analysis: Analysis, plan: nodes.PlanDecl):
    return next((a for a in analysis.context.analyses if a.plan.span == plan.span), None)


def _ownership(analysis: Analysis, plan: nodes.PlanDecl, failure_mode: str) -> list[str]:
    planned = _analysis_of(analysis, plan)
    owned = next((o for o in planned.ownership if o.failure_mode == failure_mode), None) if planned else None
    if owned is None:
        return []
    if owned.owner == "operationalize" and len(owned.possible_owners) > 1:
        owner = f"`operationalize` (open between {_between(owned.possible_owners)})"
    else:
        owner = f"`{owned.owner}`"
    lines = [f"in plan `{plan.name.text}`:", f"- owner: {owner}"]
    if owned.out_of_scope is not None:
        lines.append(f"- out of scope: {owned.out_of_scope.reason.value}")
    elif owned.covered:
        lines.append(f"- covered by {_ticks(owned.covered_by)}")
    else:
        missing = f"nothing addresses it in {_ticks(owned.missing_in)}" if owned.missing_in else "not covered"
        by = f" (addressed by {_ticks(owned.covered_by)})" if owned.covered_by else ""
        lines.append(f"- not covered: {missing}{by}")
    if owned.depends_on:
        lines.append(f"- deciding facts: {_ticks(owned.depends_on)}")
    coverage = Coverage(planned.covered, planned.total)
    lines.append(f"- plan coverage: {planned.covered}/{planned.total} ({coverage.display()})")
    return ["\n".join(lines)]


def _plan_coverage(analysis: Analysis, plan: nodes.PlanDecl) -> list[str]:
    planned = _analysis_of(analysis, plan)
    if planned is None:
        return []
    coverage = Coverage(planned.covered, planned.total)
    bindings = ", ".join(f"`{slot} = {name}`" for slot, name in planned.bindings)
    return [f"coverage {planned.covered}/{planned.total} ({coverage.display()})" + (f"; {bindings}" if bindings else "")]


def _declared_at(analysis: Analysis, span: Span) -> str:
    path = analysis.file_of(span.file)
    where = f"`{span.file}` line {span.line}"
    return f"declared in [{where}]({path.as_uri()}#L{span.line})" if path else f"declared in {where}"


def definition(analysis: Analysis, line: int, column: int) -> Span | None:
    """Where the name at the position is declared."""
    hit = under_cursor(analysis, line, column)
    return declared_name(hit[1]).span if hit else None


def references(analysis: Analysis, line: int, column: int, include_declaration: bool = True) -> list[Span]:
    """Every name that refers to the same declaration as the name at the position: in this
    document, the files it imports (`std` too) and the project's other plan files."""
    hit = under_cursor(analysis, line, column)
    if hit is None:
        return []
    target, decl = hit
    wanted = declared_name(decl).span
    if target.kind == TECHNIQUE:  # techniques are local to their plan
        return [wanted]
    workspace = analysis.workspace
    modules = {m.path: m for m in analysis.scope.modules}
    for path in _project_files(analysis):
        module = workspace.module(path)
        if module is not None:
            modules.setdefault(module.path, module)
    found: set[Span] = set()
    for module in modules.values():
        scope = analysis.scope if module.path == analysis.module.path else resolve(workspace, module)
        for occurrence in occurrences(module, scope):
            if occurrence.kind != target.kind or occurrence.key != target.key:
                continue
            named = declaration(scope, occurrence)
            if named is not None and declared_name(named).span == wanted:
                if include_declaration or not occurrence.declares:
                    found.add(occurrence.name.span)
    return sorted(found)


def _project_files(analysis: Analysis) -> list:
    """The plan files `check` would read in the document's project: its configured `paths`,
    else everything under its root (not the server's working directory)."""
    project = analysis.project
    try:
        roots = project.roots() if project.settings.paths else [project.root]
        return project.select(roots, analysis.workspace, named=False, dependents=False)
    except ProjectError:  # a configured path is missing: the configuration error is shown elsewhere
        return []


@attrs.frozen
class Symbol:
    name: str
    detail: str
    kind: str
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


def document_symbols(module: nodes.Module) -> list[Symbol]:
    """The outline: every declaration; a plan holds its steps, a step its techniques."""
    symbols = []
    for decl in module.declarations:
        if isinstance(decl, nodes.PlanDecl):
            symbols.append(_plan_symbol(decl))
        elif isinstance(decl, nodes.DefinitionDecl):
            symbols.append(Symbol(f"{decl.slot.text} = {decl.name.text}", decl.meaning.value, DEFINITION, decl.span, decl.name.span))
        elif isinstance(decl, nodes.Prior):
            symbols.append(Symbol(decl.fact.text, f"prior {decl.probability}", "prior", decl.span, decl.fact.span))
        else:
            kind = {
                nodes.FactDecl: FACT, nodes.SlotDecl: SLOT, nodes.FailureModeDecl: FAILURE_MODE,
                nodes.LensDecl: LENS, nodes.ScenarioDecl: SCENARIO,
            }[type(decl)]
            symbols.append(Symbol(decl.name.text, _meaning(decl), kind, decl.span, decl.name.span))
    return symbols


def _plan_symbol(plan: nodes.PlanDecl) -> Symbol:
    steps = []
    for step in plan.steps:
        techniques = tuple(
            Symbol(t.name.text, t.title.value, TECHNIQUE, t.span, t.name.span) for t in step.techniques
        )
        keyword = Span(step.span.file, step.span.line, step.span.column, step.span.line, step.span.column + len(step.kind))
        steps.append(Symbol(step.kind, f"{len(techniques)} techniques", "step", step.span, keyword, techniques))
    return Symbol(plan.name.text, plan.title.value, PLAN, plan.span, plan.name.span, tuple(steps))
