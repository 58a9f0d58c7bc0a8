"""The syntax tree: frozen attrs nodes produced by `alignment_plan.syntax`.

Every node carries the `Span` it was written at. Sequences are tuples. Nothing here
knows about lark, resolution or meaning. Nodes, like spans and diagnostics, have no
`__weakref__` slot (`weakref_slot=False`): nothing refers to them weakly, and a file of
1000 plans makes about 130 000 of them. At the end, the concrete tree (`Syntax`, every
token kept as written) that the formatter reads.
"""

from __future__ import annotations

import attrs

from alignment_plan.diagnostics import Span


@attrs.frozen(weakref_slot=False)
class Name:
    text: str
    span: Span


@attrs.frozen(weakref_slot=False)
class Text:
    value: str
    span: Span


# Expressions -------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Constant:
    value: bool
    span: Span


@attrs.frozen(weakref_slot=False)
class Reference:
    name: Name

    @property
    def span(self) -> Span:
        return self.name.span


@attrs.frozen(weakref_slot=False)
class Not:
    operand: Expr
    span: Span


@attrs.frozen(weakref_slot=False)
class BinaryOp:
    """`and`, `or`, `==` or `!=`."""

    op: str
    left: Expr
    right: Expr
    span: Span


Expr = Constant | Reference | Not | BinaryOp


def references(expr: Expr):
    """Every `Reference` in `expr`, left to right."""
    if isinstance(expr, Reference):
        yield expr
    elif isinstance(expr, Not):
        yield from references(expr.operand)
    elif isinstance(expr, BinaryOp):
        yield from references(expr.left)
        yield from references(expr.right)


def expression_text(expr: Expr, parent: str | None = None) -> str:
    """Source-like text of an expression, parenthesized only where needed."""
    if isinstance(expr, Constant):
        return "true" if expr.value else "false"
    if isinstance(expr, Reference):
        return expr.name.text
    if isinstance(expr, Not):
        return "not " + expression_text(expr.operand, "not")
    text = f"{expression_text(expr.left, expr.op)} {expr.op} {expression_text(expr.right, expr.op)}"
    loose = {"or": 0, "and": 1, "not": 2, "==": 3, "!=": 3}
    if parent is not None and loose[expr.op] <= loose[parent] and not (parent == expr.op and parent in ("and", "or")):
        return f"({text})"
    return text


# Declarations ------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Use:
    target: str
    is_path: bool
    span: Span


@attrs.frozen(weakref_slot=False)
class FactDecl:
    name: Name
    meaning: Text
    span: Span
    sources: tuple[Text, ...] = ()


@attrs.frozen(weakref_slot=False)
class SlotDecl:
    name: Name
    meaning: Text
    span: Span
    sources: tuple[Text, ...] = ()


@attrs.frozen(weakref_slot=False)
class DefinitionDecl:
    slot: Name
    name: Name
    meaning: Text
    body: Expr
    span: Span
    sources: tuple[Text, ...] = ()


@attrs.frozen(weakref_slot=False)
class FactValue:
    fact: Name
    value: bool
    span: Span


@attrs.frozen(weakref_slot=False)
class Prior:
    fact: Name
    probability: str
    span: Span


@attrs.frozen(weakref_slot=False)
class FailureModeDecl:
    name: Name
    title: Text
    facts: tuple[FactValue, ...]
    sources: tuple[Text, ...]
    span: Span


@attrs.frozen(weakref_slot=False)
class LensRule:
    verdict: Name
    legacy: Name | None
    condition: Expr
    span: Span


@attrs.frozen(weakref_slot=False)
class LensDecl:
    name: Name
    title: Text
    rules: tuple[LensRule, ...]
    heuristic: bool
    sources: tuple[Text, ...]
    span: Span


@attrs.frozen(weakref_slot=False)
class Binding:
    slot: Name
    definition: Name
    span: Span


@attrs.frozen(weakref_slot=False)
class Assumption:
    """`assume FAILURE_MODE[, …]: FACT = VALUE [because "…"] [evidence "…"]…`."""

    failure_modes: tuple[Name, ...]
    fact: FactValue
    span: Span
    reason: Text | None = None
    evidence: tuple[Text, ...] = ()

    def settles(self, failure_mode: str) -> bool:
        return any(name.text == failure_mode for name in self.failure_modes)


@attrs.frozen(weakref_slot=False)
class Technique:
    name: Name
    title: Text
    addresses: tuple[Name, ...]
    status: Name | None
    evidence: tuple[Text, ...]
    fixes: tuple[Name, ...]
    span: Span
    backs_up: tuple[Name, ...] = ()  # failure modes it backs up outside their owning step
    feedback_source: Span | None = None  # where it is declared the feedback of step 2

    def mentions(self, failure_mode: str) -> bool:
        """Whether it addresses or backs up `failure_mode`."""
        return any(name.text == failure_mode for name in self.addresses + self.backs_up)


@attrs.frozen(weakref_slot=False)
class Step:
    kind: str
    techniques: tuple[Technique, ...]
    span: Span


@attrs.frozen(weakref_slot=False)
class OutOfScope:
    failure_mode: Name
    reason: Text
    span: Span


@attrs.frozen(weakref_slot=False)
class PlanDecl:
    name: Name
    title: Text
    bindings: tuple[Binding, ...]
    assumptions: tuple[Assumption, ...]
    steps: tuple[Step, ...]
    considers: tuple[Name, ...] | None
    out_of_scope: tuple[OutOfScope, ...]
    span: Span

    def techniques(self):
        """(step kind, technique) pairs in source order."""
        for step in self.steps:
            for technique in step.techniques:
                yield step.kind, technique


@attrs.frozen(weakref_slot=False)
class ScenarioDecl:
    name: Name
    title: Text
    parent: Name | None
    facts: tuple[FactValue, ...]
    labels: tuple[Name, ...]
    priors: tuple[Prior, ...]
    sources: tuple[Text, ...]
    span: Span


Declaration = (
    FactDecl | SlotDecl | DefinitionDecl | FailureModeDecl | LensDecl | PlanDecl | ScenarioDecl | Prior
)


@attrs.frozen(weakref_slot=False)
class Comment:
    text: str
    span: Span


@attrs.frozen(weakref_slot=False)
class SyntaxProblem:
    """A syntax error found by the parser, kept as data for the `syntax-error` rule."""

    message: str
    span: Span
    help: str | None = None


@attrs.frozen(weakref_slot=False)
class HiddenCharacter:
    """A bidi control or invisible character, the first of its line, and how many more
    the line holds (trojan source: text that reads differently from what is parsed)."""

    char: str
    span: Span
    more: int = 0


@attrs.frozen(weakref_slot=False)
class Module:
    """One parsed `.plan` file."""

    path: str
    uses: tuple[Use, ...]
    declarations: tuple[Declaration, ...]
    comments: tuple[Comment, ...]
    problems: tuple[SyntaxProblem, ...]
    hidden: tuple[HiddenCharacter, ...] = ()


# Concrete syntax ----------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Token:
    """A token exactly as written: its terminal (`NAME`, `STRING`, `LBRACE`, …) and text."""

    kind: str
    text: str
    span: Span


@attrs.frozen(weakref_slot=False)
class Syntax:
    """A grammar rule as written, keywords, punctuation and parentheses included: what
    the abstract nodes above drop and a formatter must keep."""

    rule: str
    children: tuple[Syntax | Token, ...]
