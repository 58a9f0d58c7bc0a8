"""Rules of the suppression-hygiene family (AP502-AP509).

These rules read what the checker found out while applying a file's suppression
comments (`ModuleContext.suppression`, see `alignment_plan.rules.suppressions`): they run
after the other rules, and obey `select`/`ignore` like every rule.
"""

from __future__ import annotations

from alignment_plan.diagnostics import Severity
from alignment_plan.rules.registry import Finding, rule

AFTER_SUPPRESSIONS = frozenset({"AP502", "AP503", "AP504"})


def _problems(context, kind):
    for problem in context.suppression.problems:
        if problem.kind == kind:
            yield Finding(problem.message, problem.span, problem.help)


@rule("AP502", "unused-suppression", Severity.WARNING)
def unused_suppression(context):
    """A suppression comment silences nothing.

    A suppression outlives the finding it was written for: once the plan is fixed, the
    comment stays and would silently hide the next, different problem on that line. An
    inline suppression is also unused when a file-level one already silences the code.
    Codes of rules that did not run on the file (not selected, ignored) are not judged.

    Example: `addresses deception  # alignment-plan: ignore[AP302]` on a line where
    `deception` is addressed in its owning step.

    Fix: delete the comment, or the code from it.
    """
    for unused in context.suppression.unused:
        if unused.line is None:
            message = f"file-level suppression of `{unused.code}` is unused: nothing in this file reports it"
        else:
            message = f"suppression of `{unused.code}` is unused: nothing on line {unused.line} reports it"
        yield Finding(message, unused.span, f"remove `{unused.code}` from the comment")


@rule("AP503", "unknown-suppression-code", Severity.WARNING)
def unknown_suppression_code(context):
    """A suppression comment names a rule that does not exist.

    A misspelt code silences nothing, so the finding it was meant for still shows up
    (or, worse, the author believes it is handled).

    Example: `# alignment-plan: ignore[AP3O1]` (a letter O instead of a zero).

    Fix: use a code or name that `alignment-plan rule --all` lists.
    """
    yield from _problems(context, "unknown-code")


@rule("AP504", "malformed-suppression", Severity.WARNING)
def malformed_suppression(context):
    """A comment starts like a suppression but does not follow its form.

    Only `ignore[CODES]` and `ignore-file[CODES]` are understood; anything else is read
    as an ordinary comment, so nothing is silenced.

    Example: `# alignment-plan: ignore AP301` (the brackets are missing).

    Fix: write `# alignment-plan: ignore[AP301]` or `# alignment-plan: ignore-file[AP301]`.
    """
    yield from _problems(context, "malformed")
