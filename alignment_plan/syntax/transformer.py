"""Syntax stage, second half: lark tree to attrs nodes (`alignment_plan.syntax.nodes`).

`to_module` gives the abstract nodes the checker reads; `to_concrete` the concrete tree
(`nodes.Syntax`) the formatter reads. All conversion from lark positions to `Span`
happens in `span_of`; string escapes are read in `unescape`.
"""

from __future__ import annotations

import re

from lark import Token, Transformer, Tree, v_args

from alignment_plan.syntax import nodes
from alignment_plan.diagnostics import Span

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")


def unescape(body: str, unknown=lambda offset, escape: None) -> str:
    """The value of a string literal whose text between the quotes is `body`.

    `unknown(offset, escape)` is told of each escape the language does not have (offset
    in `body` of its backslash); such an escape stands for its own letters."""

    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape[0] == "u" and len(escape) == 5:
            return chr(int(escape[1:], 16))
        if escape in _ESCAPES:
            return _ESCAPES[escape]
        unknown(match.start(), escape)
        return escape

    return _ESCAPE.sub(replace, body)


def span_of(path: str, item) -> Span:
    """The one place lark positions become spans (1-based, end exclusive)."""
    return Span(path, item.line, item.column, item.end_line, item.end_column)


def _join(path: str, first: Span, last: Span) -> Span:
    return Span(path, first.line, first.column, last.end_line, last.end_column)


class _ToNodes(Transformer):
    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.problems: list[nodes.SyntaxProblem] = []

    # Leaves ----------------------------------------------------------------------

    def _name(self, token: Token) -> nodes.Name:
        return nodes.Name(str(token), span_of(self.path, token))

    def _text(self, token: Token) -> nodes.Text:
        span = span_of(self.path, token)

        def unknown(offset: int, escape: str) -> None:
            column = span.column + offset + 1  # past the opening quote
            self.problems.append(
                nodes.SyntaxProblem(
                    message=f"unknown escape `\\{escape}` in string",
                    span=Span(self.path, span.line, column, span.line, column + 2),
                    help='use one of `\\"`, `\\\\`, `\\n`, `\\t`, `\\r` or `\\uXXXX`',
                )
            )

        return nodes.Text(unescape(str(token)[1:-1], unknown), span)

    def _span(self, meta) -> Span:
        return span_of(self.path, meta)

    # Expressions -----------------------------------------------------------------

    def constant(self, children):
        (token,) = children
        return nodes.Constant(str(token) == "true", span_of(self.path, token))

    def reference(self, children):
        (token,) = children
        return nodes.Reference(self._name(token))

    @v_args(meta=True)
    def negation(self, meta, children):
        (operand,) = children
        return nodes.Not(operand, self._span(meta))

    def _chain(self, op: str, operands):
        result = operands[0]
        for operand in operands[1:]:
            result = nodes.BinaryOp(
                op=op, left=result, right=operand, span=_join(self.path, result.span, operand.span)
            )
        return result

    def or_expr(self, children):
        return self._chain("or", children)

    def and_expr(self, children):
        return self._chain("and", children)

    def compare(self, children):
        left, op, right = children
        return nodes.BinaryOp(
            op=str(op), left=left, right=right, span=_join(self.path, left.span, right.span)
        )

    # Declarations ----------------------------------------------------------------

    @v_args(meta=True)
    def use_decl(self, meta, children):
        (token,) = children
        is_path = token.type == "STRING"
        target = self._text(token).value if is_path else str(token)
        return nodes.Use(target=target, is_path=is_path, span=self._span(meta))

    @v_args(meta=True)
    def fact_decl(self, meta, children):
        name, meaning, *sources = children
        return nodes.FactDecl(
            self._name(name), self._text(meaning), self._span(meta), tuple(s[1] for s in sources)
        )

    @v_args(meta=True)
    def slot_decl(self, meta, children):
        name, meaning, *sources = children
        return nodes.SlotDecl(
            self._name(name), self._text(meaning), self._span(meta), tuple(s[1] for s in sources)
        )

    @v_args(meta=True)
    def definition_decl(self, meta, children):
        slot, name, meaning, body, *sources = children
        return nodes.DefinitionDecl(
            slot=self._name(slot),
            name=self._name(name),
            meaning=self._text(meaning),
            body=body,
            span=self._span(meta),
            sources=tuple(s[1] for s in sources),
        )

    @v_args(meta=True)
    def fact_value(self, meta, children):
        fact, value = children
        return nodes.FactValue(self._name(fact), str(value) == "true", self._span(meta))

    @v_args(meta=True)
    def source(self, meta, children):
        return ("source", self._text(children[0]), self._span(meta))

    @v_args(meta=True)
    def label(self, meta, children):
        return ("label", self._name(children[0]), self._span(meta))

    @v_args(meta=True)
    def prior_decl(self, meta, children):
        fact, probability = children
        return nodes.Prior(self._name(fact), str(probability), self._span(meta))

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

    @v_args(meta=True)
    def failure_mode_decl(self, meta, children):
        name, title, *items = children
        facts, sources, _, _ = self._story(items)
        return nodes.FailureModeDecl(
            name=self._name(name),
            title=self._text(title),
            facts=facts,
            sources=sources,
            span=self._span(meta),
        )

    @v_args(meta=True)
    def scenario_decl(self, meta, children):
        name, title, *items = children
        parent = None
        if items and isinstance(items[0], Token):
            parent = self._name(items.pop(0))
        facts, sources, labels, priors = self._story(items)
        return nodes.ScenarioDecl(
            name=self._name(name),
            title=self._text(title),
            parent=parent,
            facts=facts,
            labels=labels,
            priors=priors,
            sources=sources,
            span=self._span(meta),
        )

    @v_args(meta=True)
    def lens_rule(self, meta, children):
        verdict, *rest = children
        legacy = self._name(rest.pop(0)) if len(rest) == 2 else None
        return nodes.LensRule(
            verdict=self._name(verdict), legacy=legacy, condition=rest[0], span=self._span(meta)
        )

    @v_args(meta=True)
    def lens_decl(self, meta, children):
        heuristic = isinstance(children[0], Token) and children[0].type == "HEURISTIC"
        if heuristic:
            children = children[1:]
        name, title, *items = children
        return nodes.LensDecl(
            name=self._name(name),
            title=self._text(title),
            rules=tuple(item for item in items if isinstance(item, nodes.LensRule)),
            heuristic=heuristic,
            sources=tuple(item[1] for item in items if isinstance(item, tuple)),
            span=self._span(meta),
        )

    # Plans -------------------------------------------------------------------------

    def name_list(self, children):
        return tuple(self._name(token) for token in children)

    @v_args(meta=True)
    def binding(self, meta, children):
        slot, definition = children
        return nodes.Binding(self._name(slot), self._name(definition), self._span(meta))

    @v_args(meta=True)
    def assumption(self, meta, children):
        tokens = [child for child in children if isinstance(child, Token)]
        *failure_modes, fact, value = tokens
        extras = [child for child in children if not isinstance(child, Token)]
        fact_span = _join(self.path, span_of(self.path, fact), span_of(self.path, value))
        return nodes.Assumption(
            failure_modes=tuple(self._name(name) for name in failure_modes),
            fact=nodes.FactValue(self._name(fact), str(value) == "true", fact_span),
            span=self._span(meta),
            reason=next((text for key, text in extras if key == "because"), None),
            evidence=tuple(text for key, text in extras if key == "evidence"),
        )

    def because(self, children):
        return ("because", self._text(children[0]))

    def operationalize(self, children):
        return ("operationalize", tuple(children))

    def addresses(self, children):
        return ("addresses", children[0])

    def fixes(self, children):
        return ("fixes", children[0])

    def backs_up(self, children):
        return ("backs_up", children[0])

    @v_args(meta=True)
    def feedback_source(self, meta, children):
        return ("feedback_source", self._span(meta))

    def status(self, children):
        return ("status", self._name(children[0]))

    def evidence(self, children):
        return ("evidence", self._text(children[0]))

    @v_args(meta=True)
    def technique(self, meta, children):
        name, title, *items = children
        fields = {"addresses": (), "fixes": (), "evidence": (), "backs_up": (), "status": None, "feedback_source": None}
        for key, value in items:
            if key in ("status", "feedback_source"):
                fields[key] = value
            elif key == "evidence":
                fields["evidence"] += (value,)
            else:
                fields[key] += value
        return nodes.Technique(
            name=self._name(name), title=self._text(title), span=self._span(meta), **fields
        )

    @v_args(meta=True)
    def step(self, meta, children):
        kind, *techniques = children
        return nodes.Step(kind=str(kind), techniques=tuple(techniques), span=self._span(meta))

    def considers(self, children):
        return ("considers", children[0])

    @v_args(meta=True)
    def out_of_scope(self, meta, children):
        name, reason = children
        return nodes.OutOfScope(self._name(name), self._text(reason), self._span(meta))

    @v_args(meta=True)
    def plan_decl(self, meta, children):
        name, title, *items = children
        bindings, assumptions, steps, out_of_scope = [], [], [], []
        considers = None
        for item in items:
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
            name=self._name(name),
            title=self._text(title),
            bindings=tuple(bindings),
            assumptions=tuple(assumptions),
            steps=tuple(steps),
            considers=considers,
            out_of_scope=tuple(out_of_scope),
            span=self._span(meta),
        )

    def start(self, children):
        return children


def to_module(path: str, tree: Tree, comments, problems) -> nodes.Module:
    """Convert a parsed tree into a `Module`, adding escape problems found on the way."""
    converter = _ToNodes(path)
    items = converter.transform(tree)
    return nodes.Module(
        path=path,
        uses=tuple(item for item in items if isinstance(item, nodes.Use)),
        declarations=tuple(item for item in items if not isinstance(item, nodes.Use)),
        comments=tuple(
            nodes.Comment(str(token), span_of(path, token)) for token in comments
        ),
        problems=tuple(problems) + tuple(converter.problems),
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
