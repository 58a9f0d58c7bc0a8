"""The checker: paths in, `CheckResult` out.

Runs the pipeline for every `.plan` file named (directories are searched recursively):
parse, resolve imports and names, analyse plans, run the rules, and package the result
for the reporters. Never imports a reporter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs

from alignment_plan import nodes
from alignment_plan.classification import analyze_scenarios, label_check_results, scenario_results
from alignment_plan.diagnostics import Severity
from alignment_plan.resolver import Scope, Workspace, resolve
from alignment_plan.result import (
    AssumptionResult,
    CheckResult,
    FailureModeResult,
    FileError,
    PlanResult,
    RuleInfo,
    TechniqueResult,
)
from alignment_plan.baseline import fingerprints
from alignment_plan.rules import RULES, ModuleContext, Rule
from alignment_plan.suppressions import run_with_suppressions
from alignment_plan.semantics import Evaluator, PlanAnalysis, analyze_plan, plan_bindings, slots_needed

PLAN_SUFFIX = ".plan"
_PATH_IMPORT = re.compile(r'\buse\s+"')
_ROOT_MARKERS = (".git", "pyproject.toml")


@attrs.frozen
class Options:
    threshold: str = "research"
    enabled: Callable[[Rule], bool] = lambda rule: True
    severities: Mapping[str, Severity] = attrs.field(factory=dict)
    exclude: Callable[[Path], bool] = lambda path: False
    # Codes switched off for one file (`per-file-ignores`).
    file_ignores: Callable[[Path], frozenset[str]] = lambda path: frozenset()
    # When files are named explicitly, also check the plans under these directories
    # that import one of them, so a change to a shared catalog cannot break a plan unseen.
    dependents_under: tuple[Path, ...] = ()


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `.git` or `pyproject.toml`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if any((candidate / marker).exists() for marker in _ROOT_MARKERS):
            return candidate
    return start


def collect_files(paths: Iterable[Path], exclude: Callable[[Path], bool] = lambda path: False) -> list[Path]:
    """Plan files under `paths`, sorted; a file named explicitly is always kept."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [p for p in sorted(path.rglob(f"*{PLAN_SUFFIX}")) if p.is_file() and not exclude(p)]
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(str(path.resolve()), path)
    # Sorted by resolved path, so the order of arguments never changes the output.
    return [unique[key] for key in sorted(unique)]


def analyze_module(workspace: Workspace, module: nodes.Module, threshold: str) -> tuple[Scope, tuple[PlanAnalysis, ...], Evaluator]:
    scope = resolve(workspace, module)
    evaluator = Evaluator(scope)
    analyses = tuple(analyze_plan(scope, plan, threshold, evaluator) for plan in scope.own(scope.plans))
    return scope, analyses, evaluator


def check_paths(paths: Iterable[Path], options: Options = Options(), root: Path | None = None) -> CheckResult:
    """Check every plan file under `paths`."""
    paths = list(paths)
    root = root or find_root(Path.cwd())
    workspace = Workspace(root)
    files = collect_files(paths, options.exclude)
    if options.dependents_under:
        named = [path for path in paths if not path.is_dir()]
        files = collect_files(files + importers(workspace, named, options.dependents_under, options.exclude))
    diagnostics, plans, errors, sources = [], [], [], {}
    scenarios, label_checks = [], []
    suppressed = 0
    for path in files:
        module = workspace.module(path)
        if module is None:
            errors.append(FileError(workspace.display(path), workspace.read_errors[str(path.resolve())]))
            continue
        scope, analyses, evaluator = analyze_module(workspace, module, options.threshold)
        ignored = options.file_ignores(path)
        found, silenced = run_with_suppressions(
            ModuleContext(scope, analyses, evaluator),
            lambda: workspace.source_lines(module.path),
            lambda rule: options.enabled(rule) and rule.code not in ignored,
            options.severities,
        )
        diagnostics += found
        suppressed += silenced
        plans += [plan_result(analysis, module.path, scope) for analysis in analyses]
        classified = analyze_scenarios(scope, evaluator)
        scenarios += scenario_results(classified)
        label_checks += label_check_results(classified)
        if found:
            sources[module.path] = tuple(workspace.source_lines(module.path))
    ran = sorted((r for r in RULES.values() if options.enabled(r)), key=lambda r: r.code)
    diagnostics = sorted(diagnostics, key=lambda d: d.sort_key())
    return CheckResult(
        files=tuple(workspace.display(path) for path in files),
        diagnostics=tuple(diagnostics),
        plans=tuple(plans),
        rules=tuple(rule_info(r, options.severities.get(r.code, r.severity)) for r in ran),
        file_errors=tuple(errors),
        scenarios=tuple(scenarios),
        label_checks=tuple(label_checks),
        sources=tuple(sorted(sources.items())),
        fingerprints=fingerprints(diagnostics, sources),
        suppressed=suppressed,
    )


def importers(workspace: Workspace, named: list[Path], under: Iterable[Path], exclude: Callable[[Path], bool]) -> list[Path]:
    """Plan files under `under` whose import closure contains one of the `named` files."""
    targets = {workspace.display(path) for path in named}
    found = []
    for path in collect_files([d for d in under if d.is_dir()], exclude):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        # Only a file that imports by path can depend on a named file; reading is cheap,
        # parsing and resolving every plan of a large project is not.
        if not _PATH_IMPORT.search(text):
            continue
        module = workspace.module(path)
        if module is None or module.path in targets:
            continue
        if targets & {imported.path for imported in resolve(workspace, module).modules}:
            found.append(path)
    return found


def rule_info(rule: Rule, severity: Severity | None = None) -> RuleInfo:
    return RuleInfo(rule.code, rule.name, severity or rule.severity, rule.summary, rule.description)


def plan_result(analysis: PlanAnalysis, file: str, scope: Scope | None = None) -> PlanResult:
    plan = analysis.plan
    failure_modes = scope.failure_modes if scope is not None else {}
    return PlanResult(
        name=plan.name.text,
        title=plan.title.value,
        file=file,
        line=plan.span.line,
        bindings=analysis.bindings,
        unbound=analysis.unbound,
        threshold=analysis.threshold,
        failure_modes=tuple(
            FailureModeResult(
                name=o.failure_mode,
                title=o.title,
                owner=o.owner,
                possible_owners=o.possible_owners,
                depends_on=o.depends_on,
                covered=o.covered,
                covered_by=o.covered_by,
                missing_in=o.missing_in,
                out_of_scope=o.out_of_scope.reason.value if o.out_of_scope else None,
                facts=tuple(
                    (value.fact.text, value.value)
                    for value in (failure_modes[o.failure_mode].facts if o.failure_mode in failure_modes else ())
                ),
            )
            for o in analysis.ownership
        ),
        techniques=tuple(
            TechniqueResult(
                name=t.name.text,
                title=t.title.value,
                step=kind,
                status=t.status.text if t.status else None,
                evidence=tuple(e.value for e in t.evidence),
                addresses=tuple(a.text for a in t.addresses),
                fixes=tuple(f.text for f in t.fixes),
                line=t.span.line,
            )
            for kind, t in plan.techniques()
        ),
        covered=analysis.covered,
        total=analysis.total,
        percent=analysis.percent,
        assumptions=tuple(
            AssumptionResult(
                failure_mode=a.failure_mode.text, fact=a.fact.fact.text, value=a.fact.value, line=a.span.line
            )
            for a in plan.assumptions
        ),
        lens_slots=(
            slots_needed(scope, analysis.lens, plan_bindings(scope, plan)) if scope is not None and analysis.lens else ()
        ),
    )
