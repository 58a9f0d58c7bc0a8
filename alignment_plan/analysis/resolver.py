"""Resolver stage: modules to scopes.

Consumes parsed `Module`s (read and parsed by `workspace.Workspace`), follows `use` imports (the packaged `std` catalog, or files
relative to the importing file and inside the project root), and produces a `Scope` per
checked file: every declaration visible from it, plus the problems found on the way
(unreadable or missing imports, imports outside the root, cycles, duplicate names,
unresolved references). Problems are data; rules turn them into diagnostics.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

import attrs

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.syntax import nodes
from alignment_plan.diagnostics import Span
from alignment_plan.paths import resolved
from alignment_plan.vocabulary import FIX_KINDS, STATUSES

@attrs.frozen
class ImportProblem:
    kind: str  # "not-found", "outside-root", "cycle", "unreadable", "too-deep"
    message: str
    span: Span
    help: str | None = None
    file: str | None = None  # "unreadable": the display path of the file that could not be read
    reason: str | None = None  # "unreadable": why


@attrs.frozen
class Duplicate:
    kind: str
    name: str
    span: Span
    first: Span


@attrs.frozen
class Unresolved:
    """A reference to a `kind` ("fact", "failure mode", …) that names nothing visible."""

    kind: str
    name: nodes.Name
    suggestion: str | None = None
    context: str | None = None


@attrs.define
class Scope:
    """Everything visible from one checked module, with the problems of getting there."""

    module: nodes.Module
    modules: list[nodes.Module] = attrs.field(factory=list)
    facts: dict[str, nodes.FactDecl] = attrs.field(factory=dict)
    slots: dict[str, nodes.SlotDecl] = attrs.field(factory=dict)
    definitions: dict[tuple[str, str], nodes.DefinitionDecl] = attrs.field(factory=dict)
    failure_modes: dict[str, nodes.FailureModeDecl] = attrs.field(factory=dict)
    lenses: dict[str, nodes.LensDecl] = attrs.field(factory=dict)
    plans: dict[str, nodes.PlanDecl] = attrs.field(factory=dict)
    scenarios: dict[str, nodes.ScenarioDecl] = attrs.field(factory=dict)
    priors: dict[str, nodes.Prior] = attrs.field(factory=dict)
    import_problems: list[ImportProblem] = attrs.field(factory=list)
    duplicates: list[Duplicate] = attrs.field(factory=list)
    unresolved: list[Unresolved] = attrs.field(factory=list)

    def definitions_of(self, slot: str) -> list[nodes.DefinitionDecl]:
        return [decl for (owner, _), decl in self.definitions.items() if owner == slot]

    def own(self, declarations: dict) -> Iterator:
        """The declarations of `declarations` written in the checked module itself."""
        for decl in declarations.values():
            if decl.span.file == self.module.path:
                yield decl


# Deeper import chains are not followed: each level is a file a reviewer must open to
# understand the plan, and resolving is linear only while the chain is bounded.
MAX_IMPORT_DEPTH = 100


def _imported(workspace: Workspace, module: nodes.Module, use: nodes.Use, problems: list) -> nodes.Module | None:
    """The module `use` (written in `module`) names, or None with the problem recorded."""
    if not use.is_path:
        if use.target == "std":
            return workspace.std()
        problems.append(
            ImportProblem(
                "not-found",
                f"unknown catalog `{use.target}`",
                use.span,
                'the packaged catalog is `std`; import a file with `use "path.plan"`',
            )
        )
        return None
    base = Path(module.path)
    base = base if base.is_absolute() else workspace.root / base
    target = resolved(base.parent / use.target)
    if not target.is_relative_to(workspace.root):
        problems.append(
            ImportProblem(
                "outside-root",
                f"import `{use.target}` is outside the project root",
                use.span,
                f"imports must stay inside `{workspace.root.name}`; move the file or check from a higher directory",
            )
        )
        return None
    imported = workspace.module(target)
    if imported is None:
        reason = workspace.read_errors.get(workspace.key(target), "no such file")
        # A file that exists but cannot be read is I/O trouble (exit 2), as when named.
        kind = "not-found" if reason == "no such file" else "unreadable"
        problems.append(
            ImportProblem(
                kind,
                f"cannot import `{use.target}`: {reason}",
                use.span,
                file=workspace.display(target) if kind == "unreadable" else None,
                reason=reason if kind == "unreadable" else None,
            )
        )
    return imported


def _imports(workspace: Workspace, module: nodes.Module, seen: dict[str, nodes.Module], problems: list) -> None:
    """Every module `module` imports, depth first in source order, into `seen`.

    Iterative, so that a long chain of imports cannot exhaust the stack."""
    # One frame per module on the current chain: (module, the checked file's `use` that
    # leads here, the uses still to follow).
    frames = [(module, None, iter(module.uses))]
    chain = [module.path]
    while frames:
        current, origin, uses = frames[-1]
        use = next(uses, None)
        if use is None:
            frames.pop()
            chain.pop()
            continue
        # Problems deep in the import graph are reported at the checked file's own `use`.
        anchor = origin or use
        imported = _imported(workspace, current, use, problems)
        if imported is None:
            continue
        if imported.path in chain:
            cycle = chain[chain.index(imported.path):] + [imported.path]
            problems.append(
                ImportProblem(
                    "cycle",
                    "import cycle: " + " -> ".join(f"`{path}`" for path in cycle),
                    anchor.span,
                    "break the cycle by moving shared declarations into a catalog both files import",
                )
            )
            continue
        if imported.path in seen:
            continue
        if len(chain) > MAX_IMPORT_DEPTH:
            problems.append(
                ImportProblem(
                    "too-deep",
                    f"`{imported.path}` is not imported: imports nest more than {MAX_IMPORT_DEPTH} files deep",
                    anchor.span,
                    f"the limit is {MAX_IMPORT_DEPTH} levels of `use`; import the catalogs from fewer files",
                )
            )
            continue
        seen[imported.path] = imported
        frames.append((imported, anchor, iter(imported.uses)))
        chain.append(imported.path)


def _declare(scope: Scope, kind: str, table: dict, key, decl, span: Span, name: str) -> None:
    if key in table:
        scope.duplicates.append(Duplicate(kind, name, span, table[key].span))
    else:
        table[key] = decl


def suggest(name: str, candidates) -> str | None:
    """The closest of `candidates` to a misspelt `name`, when one is close enough."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def resolve(workspace: Workspace, module: nodes.Module) -> Scope:
    """Build the scope of `module`: its declarations and everything it imports."""
    scope = Scope(module=module)
    seen: dict[str, nodes.Module] = {}
    _imports(workspace, module, seen, scope.import_problems)
    # Imports first, so a duplicate is reported in the checked file, pointing back at
    # the imported declaration it clashes with.
    ordered = [m for path, m in seen.items() if path != module.path] + [module]
    scope.modules = ordered
    for mod in ordered:
        for decl in mod.declarations:
            _declare_one(scope, decl)
    _check_references(scope)
    return scope


def _declare_one(scope: Scope, decl) -> None:
    if isinstance(decl, nodes.FactDecl):
        _declare(scope, "fact", scope.facts, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.SlotDecl):
        _declare(scope, "slot", scope.slots, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.DefinitionDecl):
        key = (decl.slot.text, decl.name.text)
        _declare(scope, "definition", scope.definitions, key, decl, decl.name.span, f"{key[0]} {key[1]}")
    elif isinstance(decl, nodes.FailureModeDecl):
        _declare(scope, "failure mode", scope.failure_modes, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.LensDecl):
        _declare(scope, "lens", scope.lenses, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.PlanDecl):
        _declare(scope, "plan", scope.plans, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.ScenarioDecl):
        _declare(scope, "scenario", scope.scenarios, decl.name.text, decl, decl.name.span, decl.name.text)
    elif isinstance(decl, nodes.Prior):
        _declare(scope, "prior", scope.priors, decl.fact.text, decl, decl.fact.span, decl.fact.text)


def _check_references(scope: Scope) -> None:
    """Record every reference in the checked module that names nothing visible."""
    missing = scope.unresolved

    def need(kind: str, name: nodes.Name, table, context: str | None = None) -> bool:
        if name.text in table:
            return True
        missing.append(Unresolved(kind, name, suggest(name.text, table), context))
        return False

    def expression(expr: nodes.Expr) -> None:
        for ref in nodes.references(expr):
            if ref.name.text not in scope.facts and ref.name.text not in scope.slots:
                candidates = list(scope.facts) + list(scope.slots)
                missing.append(Unresolved("fact", ref.name, suggest(ref.name.text, candidates), "fact or slot"))

    def story(facts) -> None:
        for value in facts:
            need("fact", value.fact, scope.facts)

    for decl in scope.module.declarations:
        if isinstance(decl, nodes.DefinitionDecl):
            need("slot", decl.slot, scope.slots, "definition")
            expression(decl.body)
        elif isinstance(decl, nodes.FailureModeDecl):
            story(decl.facts)
        elif isinstance(decl, nodes.LensDecl):
            for rule in decl.rules:
                expression(rule.condition)
        elif isinstance(decl, nodes.ScenarioDecl):
            story(decl.facts)
            for prior in decl.priors:
                need("fact", prior.fact, scope.facts)
            if decl.parent is not None:
                need("scenario", decl.parent, scope.scenarios)
        elif isinstance(decl, nodes.Prior):
            need("fact", decl.fact, scope.facts)
        elif isinstance(decl, nodes.PlanDecl):
            _check_plan(scope, decl, need)


def _check_plan(scope: Scope, plan: nodes.PlanDecl, need) -> None:
    for binding in plan.bindings:
        if need("slot", binding.slot, scope.slots):
            options = {name: d for (slot, name), d in scope.definitions.items() if slot == binding.slot.text}
            need("definition", binding.definition, options, binding.slot.text)
    for assumption in plan.assumptions:
        for name in assumption.failure_modes:
            need("failure mode", name, scope.failure_modes)
        need("fact", assumption.fact.fact, scope.facts)
    for _, technique in plan.techniques():
        for name in technique.addresses + technique.backs_up:
            need("failure mode", name, scope.failure_modes)
        if technique.status is not None:
            need("status", technique.status, STATUSES)
        for name in technique.fixes:
            need("fix", name, FIX_KINDS)
    for name in plan.considers or ():
        need("failure mode", name, scope.failure_modes)
    for entry in plan.out_of_scope:
        need("failure mode", entry.failure_mode, scope.failure_modes)
