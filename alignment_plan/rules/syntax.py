"""Rules of the syntax and import family (AP0xx)."""

from __future__ import annotations

from alignment_plan.diagnostics import SYNTAX_ERROR_CODE, SYNTAX_ERROR_RULE, Severity
from alignment_plan.rules.registry import Finding, rule


@rule(SYNTAX_ERROR_CODE, SYNTAX_ERROR_RULE, Severity.ERROR)
def syntax_error(context):
    """The file does not follow the grammar of the language.

    Nothing in a declaration that does not parse can be checked, so its failure modes,
    techniques and bindings silently drop out of every answer until it is fixed. The
    checker skips to the next top-level declaration and reports every error it finds.

    Example: `plan p "t" { operationalize { good_feedback = } }` (a definition name is
    missing after `=`).

    Fix: write what the message says was expected at that position.
    """
    for problem in context.module.problems:
        yield Finding(problem.message, problem.span, problem.help)


def _imports(context, *kinds):
    for problem in context.scope.import_problems:
        if problem.kind in kinds and problem.span.file == context.module.path:
            yield Finding(problem.message, problem.span, problem.help)


@rule("AP002", "import-not-found", Severity.ERROR)
def import_not_found(context):
    """A `use` names a catalog or file that cannot be read.

    Every name the import would have provided is then undefined, so this error usually
    comes with a cascade of undefined names below it. A file that exists but cannot be
    read (not UTF-8, not a regular file, too large) is also reported as unreadable, and
    the run exits 2 as when the file is named.

    Example: `use "catalogs/missing.plan"`.

    Fix: correct the path (it is relative to the importing file), or `use std` for the
    packaged catalog.
    """
    yield from _imports(context, "not-found", "unreadable")


@rule("AP003", "import-outside-root", Severity.ERROR)
def import_outside_root(context):
    """A `use` reaches outside the project root.

    Plans are reviewed as a repository; an import from outside it makes the verdicts
    depend on files no reviewer sees.

    Example: `use "../../elsewhere/catalog.plan"`.

    Fix: copy or move the catalog into the project.
    """
    yield from _imports(context, "outside-root")


@rule("AP004", "import-cycle", Severity.ERROR)
def import_cycle(context):
    """Files import each other in a cycle.

    A cycle has no order in which the declarations could be read, and usually means a
    catalog and a plan have been mixed in one file.

    Example: `a.plan` has `use "b.plan"` and `b.plan` has `use "a.plan"`.

    Fix: move the shared declarations into a catalog that both files import.
    """
    yield from _imports(context, "cycle")


@rule("AP005", "limit-exceeded", Severity.ERROR)
def limit_exceeded(context):
    """Part of the file is not analysed because it passes one of the checker's limits.

    `check` runs on untrusted pull requests, so every input must be answered in bounded
    time and memory: imports nest at most 100 files deep, a `refines` chain is followed
    100 scenarios deep, a lens has at most 256 combinations of definitions, and deciding
    the verdicts of one file takes at most 1,000,000 decision-diagram steps. Past a
    limit the plan or scenarios concerned get no owners, coverage or classification, so
    this is an error: a result that silently left them out would pass CI. The limits
    are listed in `docs/limits.md`.

    Example: `lens l "t" { a when A and a or B and b or … }` over hundreds of facts,
    with definitions that interleave them.

    Fix: split the file, the lens or the chain; write fewer definitions per slot.
    """
    for found in context.limits:
        yield Finding(found.message, found.span, found.help)
