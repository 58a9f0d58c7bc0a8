"""Semantics stage, the logic underneath: three-valued evaluation and supervaluation.

Two evaluators over `nodes.Expr`:

* `kleene` evaluates with unknowns propagated (True, False or None): the fast path.
* `Diagrams` builds reduced ordered decision diagrams whose leaves may be any value
  (booleans for conditions, verdict names for lenses). A diagram is canonical, so the
  verdict is determinate exactly when the diagram is a single leaf, the possible verdicts
  are its leaves, and the deciding facts are exactly the variables it still tests.
  Exact probabilities under independent priors are a weighted walk over it.

Variables are ordered by first appearance, which keeps the diagram of a condition written
as `A and a or B and b or …` linear in its length (ordered by name it is exponential).
No order keeps every function small, so a store has a budget of steps (`MAX_DIAGRAM_STEPS`)
and raises `BudgetExceeded` past it; the checker reports that as a finding. Every walk
is iterative, so a diagram may test thousands of variables without exhausting the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from fractions import Fraction

from alignment_plan.syntax import nodes

# Nodes built plus definitions expanded, per store (one store per checked file). A real
# plan needs a few thousand; a step costs about a microsecond.
MAX_DIAGRAM_STEPS = 1_000_000


class BudgetExceeded(Exception):
    """An analysis that would pass one of the checker's limits; the message names the limit."""


def kleene(expr: nodes.Expr, value_of: Callable[[str], bool | None]) -> bool | None:
    """Kleene's strong three-valued evaluation; `value_of` maps a name to True/False/None."""
    if isinstance(expr, nodes.Constant):
        return expr.value
    if isinstance(expr, nodes.Reference):
        return value_of(expr.name.text)
    if isinstance(expr, nodes.Not):
        operand = kleene(expr.operand, value_of)
        return None if operand is None else not operand
    left = kleene(expr.left, value_of)
    if expr.op == "and" and left is False:
        return False
    if expr.op == "or" and left is True:
        return True
    right = kleene(expr.right, value_of)
    if expr.op == "and":
        return False if right is False else (None if None in (left, right) else True)
    if expr.op == "or":
        return True if right is True else (None if None in (left, right) else False)
    if left is None or right is None:
        return None
    return (left == right) if expr.op == "==" else (left != right)


def partial(expr: nodes.Expr, value_of: Callable[[str], bool | nodes.Expr | None]) -> nodes.Expr:
    """`expr` with what is known substituted and simplified: what is left over the unknowns.

    `value_of` gives a name's value, an expression to put in its place (already partial),
    or None to keep the reference. Constants are folded (`x == true` is `x`, `x and
    false` is `false`); the result is equivalent to `expr` under every completion.
    """
    if isinstance(expr, nodes.Constant):
        return expr
    if isinstance(expr, nodes.Reference):
        found = value_of(expr.name.text)
        if found is None:
            return expr
        return nodes.Constant(found, expr.span) if isinstance(found, bool) else found
    if isinstance(expr, nodes.Not):
        return _negate(partial(expr.operand, value_of), expr.span)
    left, right = partial(expr.left, value_of), partial(expr.right, value_of)
    constants = [side for side in (left, right) if isinstance(side, nodes.Constant)]
    if expr.op in ("and", "or"):
        absorbing = expr.op == "or"
        if any(c.value == absorbing for c in constants):
            return nodes.Constant(absorbing, expr.span)
        if constants:
            return right if left in constants else left
    elif constants:
        if len(constants) == 2:
            return nodes.Constant((left.value == right.value) == (expr.op == "=="), expr.span)
        constant, other = (left, right) if left in constants else (right, left)
        return other if constant.value == (expr.op == "==") else _negate(other, expr.span)
    return nodes.BinaryOp(op=expr.op, left=left, right=right, span=expr.span)


def _negate(expr: nodes.Expr, span) -> nodes.Expr:
    if isinstance(expr, nodes.Constant):
        return nodes.Constant(not expr.value, span)
    if isinstance(expr, nodes.Not):
        return expr.operand
    return nodes.Not(expr, span)


class Diagrams:
    """A store of hash-consed decision diagrams over variables ordered by first appearance."""

    def __init__(self, budget: int | None = None) -> None:
        # (variable, low, high); leaves are (None, value, type of value), so that the leaf
        # 0 (a rule index) is never the leaf False, although 0 == False in Python.
        self._nodes: list[tuple] = []
        self._unique: dict[tuple, int] = {}
        self._rank: dict[str, int] = {}  # variable -> position in the order
        self.budget = MAX_DIAGRAM_STEPS if budget is None else budget
        self.steps = 0

    def spend(self, steps: int = 1) -> None:
        """Count work against the budget; raises `BudgetExceeded` past it."""
        self.steps += steps
        if self.steps > self.budget:
            raise BudgetExceeded(f"deciding it takes more than {self.budget:,} decision-diagram steps")

    def _make(self, key: tuple) -> int:
        found = self._unique.get(key)
        if found is None:
            found = self._unique[key] = len(self._nodes)
            self._nodes.append(key)
        return found

    def leaf(self, value: Hashable) -> int:
        return self._make((None, value, type(value)))

    def node(self, variable: str, low: int, high: int) -> int:
        return low if low == high else self._make((variable, low, high))

    def variable(self, name: str) -> int:
        self._rank.setdefault(name, len(self._rank))
        return self.node(name, self.leaf(False), self.leaf(True))

    def is_leaf(self, diagram: int) -> bool:
        return self._nodes[diagram][0] is None

    def value(self, diagram: int) -> Hashable:
        return self._nodes[diagram][1]

    def _top(self, diagrams: tuple[int, ...]) -> str:
        tested = (self._nodes[d][0] for d in diagrams if self._nodes[d][0] is not None)
        return min(tested, key=self._rank.__getitem__)

    def _cofactors(self, diagram: int, variable: str) -> tuple[int, int]:
        var, low, high = self._nodes[diagram]
        return (low, high) if var == variable else (diagram, diagram)

    def apply(self, combine: Callable[..., Hashable], *diagrams: int) -> int:
        """The diagram of `combine(values…)` taken leaf by leaf."""
        memo: dict[tuple, int] = {}
        split: dict[tuple, tuple] = {}  # args -> (variable, low args, high args)
        pending = [tuple(diagrams)]
        while pending:
            args = pending[-1]
            if args in memo:
                pending.pop()
                continue
            if all(self.is_leaf(d) for d in args):
                memo[args] = self.leaf(combine(*(self.value(d) for d in args)))
                pending.pop()
                continue
            if args not in split:
                var = self._top(args)
                pairs = [self._cofactors(d, var) for d in args]
                split[args] = (var, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
            var, low, high = split[args]
            waiting = [half for half in (low, high) if half not in memo]
            if waiting:
                pending += waiting
                continue
            self.spend()
            memo[args] = self.node(var, memo[low], memo[high])
            pending.pop()
        return memo[tuple(diagrams)]

    def choose(self, condition: int, then: int, otherwise: int) -> int:
        """If-then-else with a boolean `condition` and diagrams of any leaves."""
        return self.apply(lambda c, a, b: a if c else b, condition, then, otherwise)

    def support(self, diagram: int) -> tuple[str, ...]:
        """The variables the function really depends on, sorted."""
        seen, found, stack = set(), set(), [diagram]
        while stack:
            d = stack.pop()
            if d in seen or self.is_leaf(d):
                continue
            seen.add(d)
            var, low, high = self._nodes[d]
            found.add(var)
            stack += [low, high]
        return tuple(sorted(found))

    def leaves(self, diagram: int) -> tuple:
        seen, found, stack = set(), [], [diagram]
        while stack:
            d = stack.pop()
            if d in seen:
                continue
            seen.add(d)
            if self.is_leaf(d):
                found.append(self.value(d))
            else:
                stack += [self._nodes[d][1], self._nodes[d][2]]
        return tuple(sorted(found, key=str))

    def paths(self, diagram: int):
        """Every path to a leaf: (the tests on the way, sorted by variable; the leaf's value)."""
        stack = [(diagram, ())]
        while stack:
            d, tests = stack.pop()
            if self.is_leaf(d):
                yield tuple(sorted(tests)), self.value(d)
                continue
            var, low, high = self._nodes[d]
            stack += [(high, tests + ((var, True),)), (low, tests + ((var, False),))]

    def probabilities(self, diagram: int, priors: Mapping[str, Fraction]) -> dict | None:
        """Exact probability of each leaf value, or None when a tested variable has no prior."""
        memo: dict[int, dict | None] = {}
        pending = [diagram]
        while pending:
            d = pending[-1]
            if d in memo:
                pending.pop()
                continue
            if self.is_leaf(d):
                memo[d] = {self.value(d): Fraction(1)}
                pending.pop()
                continue
            var, low, high = self._nodes[d]
            waiting = [half for half in (low, high) if half not in memo]
            if waiting:
                pending += waiting
                continue
            pending.pop()
            p, low_dist, high_dist = priors.get(var), memo[low], memo[high]
            if p is None or low_dist is None or high_dist is None:
                memo[d] = None
                continue
            result: dict = {}
            for value, q in low_dist.items():
                result[value] = result.get(value, Fraction(0)) + (1 - p) * q
            for value, q in high_dist.items():
                result[value] = result.get(value, Fraction(0)) + p * q
            memo[d] = result
        return memo[diagram]

    def evaluate(self, diagram: int, assignment: Mapping[str, bool]) -> Hashable:
        """The leaf reached under a complete assignment of the tested variables."""
        d = diagram
        while not self.is_leaf(d):
            var, low, high = self._nodes[d]
            d = high if assignment[var] else low
        return self.value(d)

    def compile(self, expr: nodes.Expr, diagram_of: Callable[[str], int]) -> int:
        """The boolean diagram of `expr`; `diagram_of` gives one for each referenced name."""
        self.spend()
        if isinstance(expr, nodes.Constant):
            return self.leaf(expr.value)
        if isinstance(expr, nodes.Reference):
            return diagram_of(expr.name.text)
        if isinstance(expr, nodes.Not):
            return self.apply(lambda v: not v, self.compile(expr.operand, diagram_of))
        left = self.compile(expr.left, diagram_of)
        right = self.compile(expr.right, diagram_of)
        combine = {
            "and": lambda a, b: a and b,
            "or": lambda a, b: a or b,
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
        }[expr.op]
        return self.apply(combine, left, right)
