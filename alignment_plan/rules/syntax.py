"""Rules of the syntax and import family (AP0xx)."""

from __future__ import annotations

from alignment_plan.diagnostics import Severity
from alignment_plan.rules.registry import Finding, rule
from alignment_plan.syntax.nodes import SYNTAX_ERROR_CODE, SYNTAX_ERROR_RULE


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


def _imports(context, kind):
    for problem in context.scope.import_problems:
        if problem.kind == kind and problem.span.file == context.module.path:
            yield Finding(problem.message, problem.span, problem.help)


@rule("AP002", "import-not-found", Severity.ERROR)
def import_not_found(context):
    """A `use` names a catalog or file that cannot be read.

    Every name the import would have provided is then undefined, so this error usually
    comes with a cascade of undefined names below it.

    Example: `use "catalogs/missing.plan"`.

    Fix: correct the path (it is relative to the importing file), or `use std` for the
    packaged catalog.
    """
    yield from _imports(context, "not-found")


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
