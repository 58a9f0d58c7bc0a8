"""The checker: files, a workspace and options in, `CheckResult` out.

Runs the pipeline on every file it is given (the project layer chooses which): parse,
resolve imports and names, analyse plans and scenarios once, run the rules on one
`ModuleContext`, apply the file's suppressions, run the hygiene rules on what they did,
and package everything as plain data for the reporters. Never imports a reporter or the
project layer; options are data, so a run can be described, compared and cached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from alignment_plan.analysis.resolver import Workspace, resolve
from alignment_plan.analysis.scenarios import analyze_scenarios
from alignment_plan.analysis.semantics import Evaluator, analyze_plan, catalog_priors
from alignment_plan.checker.convert import label_check_results, plan_result, rule_info, scenario_results
from alignment_plan.checker.fingerprints import fingerprints
from alignment_plan.diagnostics import Diagnostic, Severity
from alignment_plan.results.model import CheckResult, FileError
from alignment_plan.rules import RULES
from alignment_plan.rules.context import ModuleContext
from alignment_plan.rules.hygiene import AFTER_SUPPRESSIONS
from alignment_plan.rules.registry import run_rules
from alignment_plan.rules.suppressions import SuppressionFacts, apply_suppressions, parse_suppressions
from alignment_plan.vocabulary import DEFAULT_THRESHOLD


@attrs.frozen
class CheckOptions:
    """How to check: which rules run, at what severity, and what coverage counts."""

    threshold: str = DEFAULT_THRESHOLD  # the lowest technique status that counts toward coverage
    enabled: frozenset[str] | None = None  # rule codes that run; None: every rule
    severities: Mapping[str, Severity] = attrs.field(factory=dict)  # code -> configured severity
    # Codes switched off for one file (`per-file-ignores`), by the file's display path.
    file_ignores: Mapping[str, frozenset[str]] = attrs.field(factory=dict)

    def enabled_codes(self) -> frozenset[str]:
        return frozenset(RULES) if self.enabled is None else self.enabled & frozenset(RULES)


def check_module(workspace: Workspace, module, options: CheckOptions):
    """The findings on one parsed module, the number suppressed, and its analyses."""
    scope = resolve(workspace, module)
    evaluator = Evaluator(scope)
    priors = catalog_priors(scope)
    analyses = tuple(analyze_plan(scope, plan, options.threshold, evaluator, priors) for plan in scope.own(scope.plans))
    context = ModuleContext(scope, analyses, evaluator, analyze_scenarios(scope, evaluator))
    codes = options.enabled_codes() - options.file_ignores.get(module.path, frozenset())
    found = run_rules(context, codes - AFTER_SUPPRESSIONS, options.severities)
    parsed = parse_suppressions(module, lambda: workspace.source_lines(module.path))
    kept, silenced, unused = apply_suppressions(found, parsed.suppressions, frozenset(codes - AFTER_SUPPRESSIONS))
    hygiene = attrs.evolve(context, suppression=SuppressionFacts(problems=parsed.problems, unused=unused))
    after = run_rules(hygiene, codes & AFTER_SUPPRESSIONS, options.severities)
    after_kept, after_silenced, _ = apply_suppressions(after, parsed.suppressions, frozenset())
    return sorted(kept + after_kept, key=Diagnostic.sort_key), silenced + after_silenced, context


def check_files(files: Sequence[Path], workspace: Workspace, options: CheckOptions = CheckOptions()) -> CheckResult:
    """Check every file in `files` (already selected, in the order given)."""
    diagnostics: list[Diagnostic] = []
    plans, errors, scenarios, label_checks, sources = [], [], [], [], {}
    suppressed = 0
    for path in files:
        module = workspace.module(path)
        if module is None:
            errors.append(FileError(workspace.display(path), workspace.read_errors[str(path.resolve())]))
            continue
        found, silenced, context = check_module(workspace, module, options)
        diagnostics += found
        suppressed += silenced
        priors = catalog_priors(context.scope)
        plans += [plan_result(a, module.path, context.scope, context.evaluator, priors) for a in context.analyses]
        scenarios += scenario_results(context.scenarios, found)
        label_checks += label_check_results(context.scenarios)
        if found:
            sources[module.path] = tuple(workspace.source_lines(module.path))
    enabled = options.enabled_codes()
    ran = sorted((RULES[code] for code in enabled), key=lambda r: r.code)
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
