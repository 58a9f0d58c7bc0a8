"""Syntax stage, second half: the nodes (`alignment_plan.syntax.nodes`), built during the parse.

`NodeBuilder` is handed to lark as its inline transformer: the LALR parser calls one method
per grammar rule as it reduces, with every token of the rule kept (`keep_all_tokens`), so
no lark tree is built and walked a second time, and nothing here recurses (a deeply nested
expression costs no Python stack). Positions come from the tokens: a node spans from the
start of its first token (or child node) to the end of its last, as lark's
`propagate_positions` would give, a parenthesized expression included (see `_Extent`). Tokens are read by `.value` and
their positions only, so lark's tokens and lark-cython's (which are not strings) both
work. Lark positions become `Span`s in `NodeBuilder._span` (one int object per line
number) and, outside the builder, in `span_of`; string escapes are read in `unescape`. Expressions nested deeper than `MAX_NESTING` levels are noted in
`NodeBuilder.too_deep`, at the node lark's tree would have had at that depth.

`to_concrete` turns the lark tree of a parse that keeps every token (no builder) into
the concrete tree (`nodes.Syntax`) the formatter reads.

Longer than most modules on purpose: it holds one small method per grammar rule, so its
length follows the grammar's, and splitting it would split one mapping in two.
"""

from __future__ import annotations

import re
import sys

from lark import Token, Tree

from alignment_plan.diagnostics import Span
from alignment_plan.syntax import nodes

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")


# Deeper expressions are refused with a syntax error: every later stage walks expressions
# recursively, and `not not … x` five hundred deep exhausted Python's stack.
MAX_NESTING = 100


def unescape(body: str, unknown=lambda offset, escape: None) -> str:
    """The value of a string literal whose text between the quotes is `body`.

    `unknown(offset, escape)` is told of each escape the language does not have (offset
    in `body` of its backslash); such an escape stands for its own letters. A `\\uXXXX`
    naming half of a UTF-16 surrogate pair is no character (no output could encode it):
    `unknown` is told of it too, and it stands for U+FFFD."""

    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape[0] == "u" and len(escape) == 5:
            if 0xD800 <= int(escape[1:], 16) <= 0xDFFF:
                unknown(match.start(), escape)
                return "\ufffd"
            return chr(int(escape[1:], 16))
        if escape in _ESCAPES:
            return _ESCAPES[escape]
        unknown(match.start(), escape)
        return escape

    return _ESCAPE.sub(replace, body) if "\\" in body else body


def span_of(path: str, item) -> Span:
    """The one place lark positions become spans (1-based, end exclusive)."""
    return Span(path, item.line, item.column, item.end_line, item.end_column)


def _join(path: str, first: Span, last: Span) -> Span:
    return Span(path, first.line, first.column, last.end_line, last.end_column)


class _Extent:
    """An expression and the tokens its text starts and ends with, its parentheses included.

    A node's span is where its own parts are; lark's positions of a rule that ends with a
    parenthesized expression reach the closing parenthesis, so the extent travels with the
    expression until a declaration takes it. With it, the shape lark's tree would have had
    (`height` in levels, the `parts` below it, the token its own node `start`s at), to
    measure nesting as the tree would have."""

    __slots__ = ("expr", "first", "last", "start", "height", "parts")

    def __init__(self, expr, first, last, parts=()):
        self.expr, self.first, self.last, self.start, self.parts = expr, first, last, first, parts
        self.height = 1 + max((part.height for part in parts), default=0)

    def grouped(self, first, last) -> _Extent:
        """The same expression in parentheses: no level of its own in lark's tree."""
        outer = _Extent(self.expr, first, last)
        outer.start, outer.height, outer.parts = self.start, self.height, self.parts
        return outer

    def too_deep(self, depth: int):
        """None if this expression, at `depth` in the tree, is within the limit; else the
        token of the node past it that lark's tree walk (last child first) meets first."""
        if depth + self.height - 1 <= MAX_NESTING:
            return None
        node = self
        while depth <= MAX_NESTING:
            node = next(part for part in reversed(node.parts) if depth + part.height >= MAX_NESTING + 1)
            depth += 1
        return node.start


class NodeBuilder:
    """Inline callbacks for lark, one per grammar rule; `reset(path)` before each parse.

    Method names are the grammar's rule names and aliases (never a terminal's name, which
    lark would take for a lexer callback). Each receives the rule's children as written:
    tokens and the values of the rules inside it."""

    def __init__(self) -> None:
        self.reset("")

    def reset(self, path: str, lines: int = 0) -> None:
        """Before parsing `path`, of `lines` lines."""
        self.path = path
        self.problems: list[nodes.SyntaxProblem] = []  # unknown escapes in strings
        self.too_deep: list = []  # where expressions pass `MAX_NESTING`, in source order
        # One int object per line number for every span on that line: a token makes a new
        # one each time its line is read (32 bytes past line 256; 4.6 MiB for 1000 plans).
        self._line = list(range(lines + 2)).__getitem__

    def _depth(self, expression: _Extent, depth: int) -> None:
        token = expression.too_deep(depth)
        if token is not None:
            self.too_deep.append(token)

    def _span(self, first, last) -> Span:
        """From the start of token `first` to the end of token `last`."""
        line = self._line
        return Span(self.path, line(first.line), first.column, line(last.end_line), last.end_column)

    # Leaves ----------------------------------------------------------------------

    def _name(self, token) -> nodes.Name:
        # Interned: a plan file names the same facts, slots and failure modes again and
        # again, and each token brings its own copy (2.6 MiB of 5 for 1000 plans).
        return nodes.Name(sys.intern(token.value), self._span(token, token))

    def _text(self, token) -> nodes.Text:
        span = self._span(token, token)

        def unknown(offset: int, escape: str) -> None:
            column = span.column + offset + 1  # past the opening quote
            if escape[0] == "u" and len(escape) == 5:
                self.problems.append(
                    nodes.SyntaxProblem(
                        message=f"`\\{escape}` is half of a UTF-16 surrogate pair, not a character",
                        span=Span(self.path, span.line, column, span.line, column + 6),
                        help="write the character itself; the file is UTF-8",
                    )
                )
                return
            self.problems.append(
                nodes.SyntaxProblem(
                    message=f"unknown escape `\\{escape}` in string",
                    span=Span(self.path, span.line, column, span.line, column + 2),
                    help='use one of `\\"`, `\\\\`, `\\n`, `\\t`, `\\r` or `\\uXXXX`',
                )
            )

        return nodes.Text(unescape(token.value[1:-1], unknown), span)

    # Expressions -----------------------------------------------------------------

    def constant(self, children):
        (token,) = children
        return _Extent(nodes.Constant(token.value == "true", self._span(token, token)), token, token)

    def reference(self, children):
        (token,) = children
        return _Extent(nodes.Reference(self._name(token)), token, token)

    def atom(self, children):
        # Only `"(" expr ")"` reaches here: the other alternatives have aliases, and a
        # lone child is passed up by lark itself.
        first, inner, last = children
        return inner.grouped(first, last)

    def negation(self, children):
        first, operand = children
        return _Extent(nodes.Not(operand.expr, self._span(first, operand.last)), first, operand.last, (operand,))

    def _chain(self, op: str, children):
        # operand (op-token operand)*: the operands sit at the even positions. Paired up
        # level by level: `a or b or …` a thousand long is a tree ten deep, not a thousand,
        # so no later stage can run out of stack on it (`and`, `or` associate).
        operands = children[::2]
        items = [operand.expr for operand in operands]
        while len(items) > 1:
            paired = [
                nodes.BinaryOp(op=op, left=left, right=right, span=_join(self.path, left.span, right.span))
                for left, right in zip(items[::2], items[1::2])
            ]
            items = paired + items[len(paired) * 2 :]
        return _Extent(items[0], children[0].first, children[-1].last, operands)

    def or_expr(self, children):
        return self._chain("or", children)

    def and_expr(self, children):
        return self._chain("and", children)

    def compare(self, children):
        left, op, right = children
        node = nodes.BinaryOp(
            op=op.value, left=left.expr, right=right.expr, span=_join(self.path, left.expr.span, right.expr.span)
        )
        return _Extent(node, left.first, right.last, (left, right))

    # Declarations ----------------------------------------------------------------

    def use_decl(self, children):
        _, token = children
        is_path = token.type == "STRING"
        target = self._text(token).value if is_path else token.value
        return nodes.Use(target=target, is_path=is_path, span=self._span(children[0], token))

    def _sources(self, items) -> tuple[nodes.Text, ...]:
        return tuple(item[1] for item in items if isinstance(item, tuple))

    def fact_decl(self, children):
        # "fact" NAME STRING ("{" source* "}")?
        return nodes.FactDecl(
            self._name(children[1]),
            self._text(children[2]),
            self._span(children[0], children[-1]),
            self._sources(children[4:-1]),
        )

    def slot_decl(self, children):
        return nodes.SlotDecl(
            self._name(children[1]),
            self._text(children[2]),
            self._span(children[0], children[-1]),
            self._sources(children[4:-1]),
        )

    def definition_decl(self, children):
        # "definition" NAME NAME STRING "{" expr source* "}"
        self._depth(children[5], 3)  # start, definition_decl, the expression
        return nodes.DefinitionDecl(
            slot=self._name(children[1]),
            name=self._name(children[2]),
            meaning=self._text(children[3]),
            body=children[5].expr,
            span=self._span(children[0], children[-1]),
            sources=self._sources(children[6:-1]),
        )

    def fact_value(self, children):
        fact, _, value = children
        return nodes.FactValue(self._name(fact), value.value == "true", self._span(fact, value))

    def source(self, children):
        return ("source", self._text(children[1]), self._span(children[0], children[1]))

    def label(self, children):
        return ("label", self._name(children[1]), self._span(children[0], children[1]))

    def prior_decl(self, children):
        # "prior" NAME "=" NUMBER
        return nodes.Prior(self._name(children[1]), children[3].value, self._span(children[0], children[3]))

    def _story(self, items):
        facts, sources, labels, priors = [], [], [], []
        for item in items:
            if isinstance(item, nodes.FactValue):
                facts.append(item)
            elif isinstance(item, nodes.Prior):
                priors.append(item)
            elif item[0] == "source":
                sources.append(item[1])
            else:
                labels.append(item[1])
        return tuple(facts), tuple(sources), tuple(labels), tuple(priors)

    def failure_mode_decl(self, children):
        # "failure_mode" NAME STRING "{" (fact_value | source)* "}"
        facts, sources, _, _ = self._story(children[4:-1])
        return nodes.FailureModeDecl(
            name=self._name(children[1]),
            title=self._text(children[2]),
            facts=facts,
            sources=sources,
            span=self._span(children[0], children[-1]),
        )

    def scenario_decl(self, children):
        # "scenario" NAME STRING ("refines" NAME)? "{" _story_item* "}"
        parent = None
        items = children[4:-1]
        if children[3].type != "LBRACE":
            parent = self._name(children[4])
            items = children[6:-1]
        facts, sources, labels, priors = self._story(items)
        return nodes.ScenarioDecl(
            name=self._name(children[1]),
            title=self._text(children[2]),
            parent=parent,
            facts=facts,
            labels=labels,
            priors=priors,
            sources=sources,
            span=self._span(children[0], children[-1]),
        )

    def lens_rule(self, children):
        # NAME ("as" NAME)? "when" expr
        self._depth(children[-1], 4)  # start, lens_decl, lens_rule, the expression
        legacy = self._name(children[2]) if len(children) == 5 else None
        return nodes.LensRule(
            verdict=self._name(children[0]),
            legacy=legacy,
            condition=children[-1].expr,
            span=self._span(children[0], children[-1].last),
        )

    def lens_decl(self, children):
        # HEURISTIC? "lens" NAME STRING "{" _lens_item* "}"
        heuristic = children[0].type == "HEURISTIC"
        offset = 1 if heuristic else 0
        items = children[offset + 4 : -1]
        return nodes.LensDecl(
            name=self._name(children[offset + 1]),
            title=self._text(children[offset + 2]),
            rules=tuple(item for item in items if isinstance(item, nodes.LensRule)),
            heuristic=heuristic,
            sources=self._sources(items),
            span=self._span(children[0], children[-1]),
        )

    # Plans -------------------------------------------------------------------------

    def name_list(self, children):
        # NAME ("," NAME)*
        return tuple(self._name(token) for token in children[::2])

    def binding(self, children):
        slot, _, definition = children
        return nodes.Binding(self._name(slot), self._name(definition), self._span(slot, definition))

    def assumption(self, children):
        # "assume" NAME ("," NAME)* ":" NAME "=" BOOL because? evidence*
        colon = next(i for i, child in enumerate(children) if getattr(child, "value", None) == ":")
        fact, value = children[colon + 1], children[colon + 3]
        extras = children[colon + 4 :]
        last = extras[-1][1].span if extras else self._span(value, value)
        first = children[0]
        return nodes.Assumption(
            failure_modes=tuple(self._name(token) for token in children[1:colon:2]),
            fact=nodes.FactValue(self._name(fact), value.value == "true", self._span(fact, value)),
            span=Span(self.path, first.line, first.column, last.end_line, last.end_column),
            reason=next((text for key, text in extras if key == "because"), None),
            evidence=tuple(text for key, text in extras if key == "evidence"),
        )

    def because(self, children):
        return ("because", self._text(children[1]))

    def operationalize(self, children):
        return ("operationalize", tuple(children[2:-1]))

    def addresses(self, children):
        return ("addresses", children[1])

    def fixes(self, children):
        return ("fixes", children[1])

    def backs_up(self, children):
        return ("backs_up", children[1])

    def feedback_source(self, children):
        return ("feedback_source", self._span(children[0], children[0]))

    def status(self, children):
        return ("status", self._name(children[1]))

    def evidence(self, children):
        return ("evidence", self._text(children[1]))

    def technique(self, children):
        # "technique" NAME STRING "{" _technique_item* "}"
        fields = {"addresses": (), "fixes": (), "evidence": (), "backs_up": (), "status": None, "feedback_source": None}
        for key, value in children[4:-1]:
            if key in ("status", "feedback_source"):
                fields[key] = value
            elif key == "evidence":
                fields["evidence"] += (value,)
            else:
                fields[key] += value
        return nodes.Technique(
            name=self._name(children[1]),
            title=self._text(children[2]),
            span=self._span(children[0], children[-1]),
            **fields,
        )

    def step(self, children):
        # STEP "{" technique* "}"
        return nodes.Step(kind=children[0].value, techniques=tuple(children[2:-1]), span=self._span(children[0], children[-1]))

    def considers(self, children):
        return ("considers", children[1])

    def out_of_scope(self, children):
        # "out_of_scope" NAME STRING
        return nodes.OutOfScope(
            self._name(children[1]), self._text(children[2]), self._span(children[0], children[2])
        )

    def plan_decl(self, children):
        # "plan" NAME STRING "{" _plan_item* "}"
        bindings, assumptions, steps, out_of_scope = [], [], [], []
        considers = None
        for item in children[4:-1]:
            if isinstance(item, nodes.Step):
                steps.append(item)
            elif isinstance(item, nodes.OutOfScope):
                out_of_scope.append(item)
            elif item[0] == "considers":
                considers = (considers or ()) + item[1]
            else:
                for entry in item[1]:
                    (bindings if isinstance(entry, nodes.Binding) else assumptions).append(entry)
        return nodes.PlanDecl(
            name=self._name(children[1]),
            title=self._text(children[2]),
            bindings=tuple(bindings),
            assumptions=tuple(assumptions),
            steps=tuple(steps),
            considers=considers,
            out_of_scope=tuple(out_of_scope),
            span=self._span(children[0], children[-1]),
        )

    def start(self, children):
        return children


def to_module(path: str, items: list, comments, problems) -> nodes.Module:
    """The `Module` of a parse's top-level items, with every problem found on the way."""
    return nodes.Module(
        path=path,
        uses=tuple(item for item in items if isinstance(item, nodes.Use)),
        declarations=tuple(item for item in items if not isinstance(item, nodes.Use)),
        comments=tuple(nodes.Comment(token.value, span_of(path, token)) for token in comments),
        problems=tuple(problems),
    )


def to_concrete(path: str, tree: Tree) -> nodes.Syntax:
    """The concrete tree of a parse made with every token kept (`keep_all_tokens`)."""
    return nodes.Syntax(
        rule=str(tree.data),
        children=tuple(
            nodes.Token(child.type, str(child), span_of(path, child))
            if isinstance(child, Token)
            else to_concrete(path, child)
            for child in tree.children
        ),
    )
