"""Rules stage: the registry and the engine.

A rule is one function that yields `Finding`s from a `ModuleContext`. The engine stamps
each finding with the rule's code, name and configured severity, so rules never see
configuration. A rule's docstring is its documentation: first line the summary, then
why it matters, an example and the fix.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from alignment_plan.diagnostics import Diagnostic, Related, Severity, Span


@attrs.frozen
class Finding:
    message: str
    span: Span
    help: str | None = None
    related: tuple[Related, ...] = ()


@attrs.frozen
class Rule:
    code: str
    name: str
    severity: Severity
    check: Callable[..., Iterator[Finding]]  # called with one `rules.context.ModuleContext`

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    @property
    def description(self) -> str:
        return self.doc.split("\n", 1)[1].strip() if "\n" in self.doc else ""


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity):
    """Register a rule function under `code` and kebab-case `name`."""

    def register(check):
        if code in RULES or any(r.name == name for r in RULES.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        RULES[code] = Rule(code=code, name=name, severity=severity, check=check)
        return check

    return register


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for found in RULES.values():
        if key.upper() == found.code or key.lower() == found.name:
            return found
    return None


def run_rules(
    context, codes: Iterable[str], severities: Mapping[str, Severity] | None = None
) -> list[Diagnostic]:
    """The findings of the rules with these `codes` on one file, stamped and sorted."""
    severities = severities or {}
    diagnostics = []
    for code in sorted(codes):
        found = RULES[code]
        severity = severities.get(found.code, found.severity)
        for finding in found.check(context):
            diagnostics.append(
                Diagnostic(
                    code=found.code,
                    rule=found.name,
                    severity=severity,
                    message=finding.message,
                    span=finding.span,
                    help=finding.help,
                    related=finding.related,
                )
            )
    return sorted(set(diagnostics), key=Diagnostic.sort_key)
