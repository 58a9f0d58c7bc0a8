"""Coverage figures: how many of the counted failure modes are covered.

The one type every stage uses for a coverage figure: the semantics count, the gate
compares exactly (a rational number, so 1999 of 2000 never passes a threshold of 100),
and every output formats through `Coverage.display`, so a percentage prints the same in
the text, Markdown, HTML and gate messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import attrs

# Digits after the decimal point when nothing else is configured.
DEFAULT_PRECISION = 1


@attrs.frozen
class Coverage:
    covered: int
    total: int

    @property
    def ratio(self) -> Fraction:
        """Exactly; a plan that counts nothing is fully covered (there is nothing to miss)."""
        return Fraction(1) if self.total == 0 else Fraction(self.covered, self.total)

    @property
    def percent(self) -> float:
        """The percentage as a number, for machine-readable outputs."""
        return float(self.ratio * 100)

    def meets(self, required: float | Fraction) -> bool:
        """Whether the exact percentage is at least `required` (a threshold in percent)."""
        return self.ratio * 100 >= _exact(required)

    def display(self, precision: int = DEFAULT_PRECISION) -> str:
        """`66.7%`: rounded to `precision` digits, but, as coverage.py does, never rounded up to
        100 when something is missing nor down to 0 when something is covered."""
        exact = self.ratio * 100
        near = Fraction(1, 10**precision)
        if 0 < exact < near:
            exact = near
        elif 100 - near < exact < 100:
            exact = 100 - near
        return f"{float(exact):.{precision}f}%"

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(self.covered + other.covered, self.total + other.total)


def total_of(figures: Iterable[Coverage]) -> Coverage:
    return sum(figures, Coverage(0, 0))


def _exact(value: float | Fraction) -> Fraction:
    # A threshold written as 99.9 means 999/10, not the binary float nearest to it.
    return value if isinstance(value, Fraction) else Fraction(repr(float(value)))
