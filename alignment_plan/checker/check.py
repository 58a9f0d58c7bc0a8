"""The checker: files, a workspace and options in, `CheckResult` out.

Runs the pipeline on every file it is given (the project layer chooses which): parse,
resolve imports and names, analyse plans and scenarios once, run the rules on one
`ModuleContext`, apply the file's suppressions, run the hygiene rules on what they did,
and package everything as plain data for the reporters. Never imports a reporter or the
project layer; options are data, so a run can be described, compared and cached.
A file whose analysis passes a limit gets an AP005 finding for the part left out; a file
that hits a bug gets a `FileError` (exit 2) and the other files keep their results.
`combine` and the classes here are all a run served from the result cache needs, so the
stages that only a check runs (resolution, analysis, the rule context, suppressions,
conversion to results) are imported by the functions that run them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from alignment_plan.analysis.workspace import Workspace
from alignment_plan.checker.fingerprints import fingerprints
from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.results.model import CheckResult, FileError, LabelCheckResult, PlanResult, RuleInfo, ScenarioResult
from alignment_plan.rules import RULES
from alignment_plan.rules.hygiene import AFTER_SUPPRESSIONS
from alignment_plan.rules.registry import Rule, run_rules
from alignment_plan.runtime import fewer_collections
from alignment_plan.text import describe_bug
from alignment_plan.vocabulary import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from alignment_plan.analysis.resolver import Scope
    from alignment_plan.rules.context import ModuleContext


@attrs.frozen
class CheckOptions:
    """How to check: which rules run, at what severity, and what coverage counts."""

    threshold: str = DEFAULT_THRESHOLD  # the lowest technique status that counts toward coverage
    enabled: frozenset[str] | None = None  # rule codes that run; None: every rule
    severities: Mapping[str, Severity] = attrs.field(factory=dict)  # code -> configured severity
    # Codes switched off for one file (`per-file-ignores`), by the file's display path.
    file_ignores: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    # Derive why each owner is what it is (`FailureModeResult.explanation`). Only the outputs
    # that show derivations need them (`check --format json`, `report`, `explain`); the
    # others leave them out, which spares most of the analysis.
    explanations: bool = True

    def enabled_codes(self) -> frozenset[str]:
        return frozenset(RULES) if self.enabled is None else self.enabled & frozenset(RULES)


def analyze_module(scope: Scope, threshold: str) -> ModuleContext:
    """Every analysis of one file, within the limits: a plan or the scenarios that pass one
    are left out and recorded for AP005 instead."""
    from alignment_plan.analysis.logic import BudgetExceeded
    from alignment_plan.analysis.scenarios import analyze_scenarios
    from alignment_plan.analysis.scenarios.stories import MAX_REFINEMENT_DEPTH, catalog_priors
    from alignment_plan.analysis.semantics import analyze_plan
    from alignment_plan.analysis.verdicts import Evaluator
    from alignment_plan.rules.context import LimitExceeded, ModuleContext

    evaluator = Evaluator(scope)
    priors = catalog_priors(scope)
    analyses, limits = [], []
    for plan in scope.own(scope.plans):
        try:
            analyses.append(analyze_plan(scope, plan, threshold, evaluator, priors))
        except BudgetExceeded as error:
            limits.append(
                LimitExceeded(f"plan `{plan.name.text}` is not analysed: {error}", plan.name.span, _LIMIT_HELP)
            )
    scenarios = analyze_scenarios(scope, evaluator)
    if scenarios.unclassified is not None:
        decl, reason = scenarios.unclassified
        limits.append(
            LimitExceeded(
                f"scenario `{decl.name.text}` and those after it are not classified: {reason}", decl.name.span, _LIMIT_HELP
            )
        )
    limits += [
        LimitExceeded(
            f"scenario `{decl.name.text}` inherits nothing: it refines a chain of more than "
            f"{MAX_REFINEMENT_DEPTH} scenarios",
            decl.parent.span if decl.parent is not None else decl.name.span,
            "refine a scenario nearer the root of the chain",
        )
        for decl in scenarios.stories.too_deep
        if decl.span.file == scope.module.path
    ]
    limits += [
        LimitExceeded(problem.message, problem.span, problem.help)
        for problem in scope.import_problems
        if problem.kind == "too-deep"
    ]
    return ModuleContext(scope, tuple(analyses), evaluator, scenarios, limits=tuple(limits))


_LIMIT_HELP = "`docs/limits.md` lists the limits; split the file, or write fewer definitions per slot"


def check_module(workspace: Workspace, module, options: CheckOptions):
    """The findings on one parsed module, the number suppressed, and its analyses."""
    from alignment_plan.analysis.resolver import resolve
    from alignment_plan.rules.suppressions import SuppressionFacts, apply_suppressions, parse_suppressions

    scope = resolve(workspace, module)
    context = analyze_module(scope, options.threshold)
    codes = options.enabled_codes() - options.file_ignores.get(module.path, frozenset())
    found = run_rules(context, codes - AFTER_SUPPRESSIONS, options.severities)
    parsed = parse_suppressions(module, lambda: workspace.source_lines(module.path))
    kept, silenced, unused = apply_suppressions(found, parsed.suppressions, frozenset(codes - AFTER_SUPPRESSIONS))
    hygiene = attrs.evolve(context, suppression=SuppressionFacts(problems=parsed.problems, unused=unused))
    after = run_rules(hygiene, codes & AFTER_SUPPRESSIONS, options.severities)
    after_kept, after_silenced, _ = apply_suppressions(after, parsed.suppressions, frozenset())
    return sorted(kept + after_kept, key=Diagnostic.sort_key), silenced + after_silenced, context


@attrs.frozen
class FileResult:
    """What checking one file gave: the unit that the project layer caches and runs in
    parallel. A function of the file, the files it imports and the options only."""

    file: str  # display path
    diagnostics: tuple[Diagnostic, ...] = ()
    suppressed: int = 0
    plans: tuple[PlanResult, ...] = ()
    scenarios: tuple[ScenarioResult, ...] = ()
    label_checks: tuple[LabelCheckResult, ...] = ()
    # The file's lines when there are findings: those the findings are on (which reporters
    # quote and fingerprints hash), every other line empty.
    source_lines: tuple[str, ...] | None = None
    # The file, or an import of it, could not be read, or checking it hit a bug (exit 2).
    errors: tuple[FileError, ...] = ()
    # Every other file the check read or looked for: its resolved path, and its state as
    # the check saw it (`Workspace.state`), which the result cache and the run record keep.
    dependencies: tuple[tuple[str, str], ...] = ()


def check_file(path: Path, workspace: Workspace, options: CheckOptions = CheckOptions()) -> FileResult:
    """Check one file; the workspace keeps what it parses for the next file."""
    from alignment_plan.analysis.scenarios.stories import catalog_priors
    from alignment_plan.checker.convert import label_check_results, plan_result, scenario_results
    from alignment_plan.checker.explain import Explainer

    key = workspace.key(path)
    with workspace.recording() as touched:
        module = workspace.module(path)
        if module is None:
            return FileResult(file=workspace.display(path), errors=(FileError(workspace.display(path), workspace.read_errors[key]),))
        try:
            found, silenced, context = check_module(workspace, module, options)
        except Exception as error:  # noqa: BLE001 - a bug in one file must not lose the others
            if os.environ.get("ALIGNMENT_PLAN_DEBUG"):
                raise
            message = f"internal error while checking it ({describe_bug(error)}); this is a bug, please report it"
            return FileResult(file=module.path, errors=(FileError(module.path, message),))
    # An import that exists but cannot be read stops the run as a named file does.
    errors = tuple(
        FileError(problem.file, problem.reason or "")
        for problem in context.scope.import_problems
        if problem.kind == "unreadable" and problem.file is not None
    )
    quoted = _quoted_lines(workspace.source_lines(module.path), found) if found else None  # before results grow
    explainer = (
        Explainer(context.scope, context.evaluator, catalog_priors(context.scope), workspace.shared)
        if options.explanations
        else None
    )
    alike: dict = {}  # what plans hold alike, made once for all of them (`plan_result`)
    return FileResult(
        file=module.path,
        diagnostics=tuple(found),
        suppressed=silenced,
        plans=tuple(
            plan_result(analysis, module.path, context.scope, explainer, alike) for analysis in context.analyses
        ),
        scenarios=tuple(scenario_results(context.scenarios, found)),
        label_checks=tuple(label_check_results(context.scenarios)),
        source_lines=quoted,
        errors=errors,
        dependencies=tuple((other, workspace.state(other)) for other in sorted(touched - {key})),
    )


def _quoted_lines(lines: Sequence[str], found: Sequence[Diagnostic]) -> tuple[str, ...]:
    """`lines` with only those that `found` are on: a result keeps a line per finding,
    not the whole file (4 MiB of text for a file of 1000 plans)."""
    on = {diagnostic.span.line for diagnostic in found}
    return tuple(line if number in on else "" for number, line in enumerate(lines, 1))


def check_files(files: Sequence[Path], workspace: Workspace, options: CheckOptions = CheckOptions()) -> CheckResult:
    """Check every file in `files` (already selected, in the order given)."""
    with fewer_collections():
        return combine([check_file(path, workspace, options) for path in files], options)


def rule_info(rule: Rule, severity: Severity | None = None) -> RuleInfo:
    return RuleInfo(rule.code, rule.name, severity or rule.severity, rule.summary, rule.description)


def combine(results: Sequence[FileResult], options: CheckOptions) -> CheckResult:
    """One run's result from its files' results, in the order given."""
    diagnostics: list[Diagnostic] = []
    plans, errors, scenarios, label_checks, sources = [], [], [], [], {}
    suppressed = 0
    for result in results:
        errors += result.errors
        diagnostics += result.diagnostics
        suppressed += result.suppressed
        plans += result.plans
        scenarios += result.scenarios
        label_checks += result.label_checks
        if result.source_lines is not None:
            sources[result.file] = result.source_lines
    enabled = options.enabled_codes()
    ran = sorted((RULES[code] for code in enabled), key=lambda r: r.code)
    diagnostics = sorted(diagnostics, key=lambda d: d.sort_key())
    return CheckResult(
        files=tuple(result.file for result in results),
        diagnostics=tuple(diagnostics),
        plans=tuple(plans),
        rules=tuple(rule_info(r, options.severities.get(r.code, r.severity)) for r in ran),
        file_errors=tuple(sorted(set(errors), key=lambda error: error.file)),
        scenarios=tuple(scenarios),
        label_checks=tuple(label_checks),
        sources=tuple(sorted(sources.items())),
        fingerprints=fingerprints(diagnostics, sources),
        suppressed=suppressed,
    )
