"""`Weight`: how much one parameter counts in a card's score (F5, F6).

A weight is a percentage in (0, 100] with at most two decimals, stored exactly
as whole basis points (1% = 100 bp), so weights add up without any rounding.

>>> Weight.percent(40), Weight.percent("33.33").basis_points
(Weight.percent('40'), 3333)
>>> [str(w) for w in Weight.split_evenly(3)]
['33.34%', '33.33%', '33.33%']
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import attrs

from scorekit.errors import InvalidWeight
from scorekit.numbers import EXACT, Number, decimal_places, to_decimal

__all__ = ["FULL", "Weight", "check_total"]

FULL: Final = 10_000
"""100% in basis points."""


def _check_basis_points(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= FULL:
        msg = f"basis_points must be a whole number from 1 to {FULL} (0.01% to 100%), got {value!r}"
        raise InvalidWeight(msg)


@attrs.frozen(order=True, repr=False)
class Weight:
    """A parameter's weight, held as whole basis points (1 to 10,000).

    Build it with `Weight.percent`; `fraction` is what scoring multiplies by.

    >>> w = Weight.percent(12.5)
    >>> w.basis_points, w.fraction, str(w)
    (1250, Decimal('0.125'), '12.5%')
    """

    basis_points: int = attrs.field(validator=_check_basis_points)

    @classmethod
    def percent(cls, value: Number) -> Weight:
        """A weight of `value` percent: more than 0, at most 100, at most two decimals.

        >>> Weight.percent("33.333")
        Traceback (most recent call last):
        scorekit.errors.InvalidWeight: weight must have at most two decimal places (0.01% steps), got 33.333
        """
        number = to_decimal(value, name="weight", error=InvalidWeight)
        if not 0 < number <= 100:  # noqa: PLR2004 - a percentage
            msg = f"weight must be more than 0% and at most 100%, got {value!r}"
            raise InvalidWeight(msg)
        if decimal_places(number) > 2:  # noqa: PLR2004 - 0.01% steps
            msg = f"weight must have at most two decimal places (0.01% steps), got {number}"
            raise InvalidWeight(msg)
        # Exact (at most 5 digits) in scorekit's own context, never the caller's.
        basis_points = number.scaleb(2, EXACT)
        return cls(int(basis_points))

    @classmethod
    def split_evenly(cls, n: int) -> tuple[Weight, ...]:
        """`n` weights that sum to exactly 100%, the larger ones first.

        They differ by at most 0.01%.

        >>> [str(w) for w in Weight.split_evenly(6)]
        ['16.67%', '16.67%', '16.67%', '16.67%', '16.66%', '16.66%']
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= FULL:
            msg = f"split_evenly needs a whole number of weights from 1 to {FULL}, got {n!r}"
            raise InvalidWeight(msg)
        share, larger = divmod(FULL, n)
        return tuple(cls(share + 1 if i < larger else share) for i in range(n))

    @property
    def fraction(self) -> Decimal:
        """The weight as an exact fraction of one, in (0, 1].

        >>> Weight.percent(100).fraction
        Decimal('1')
        """
        return Decimal(self.basis_points).scaleb(-4, EXACT).normalize(EXACT)

    @property
    def as_percent(self) -> Decimal:
        """The weight as an exact percentage.

        >>> Weight.percent("7.50").as_percent, Weight.percent(50).as_percent
        (Decimal('7.5'), Decimal('50'))
        """
        whole, cents = divmod(self.basis_points, 100)
        return Decimal(whole) if cents == 0 else Decimal(self.basis_points).scaleb(-2, EXACT).normalize(EXACT)

    def __str__(self) -> str:
        return f"{self.as_percent:f}%"

    def __repr__(self) -> str:
        return f"Weight.percent('{self.as_percent:f}')"


def check_total(weights: Iterable[Weight]) -> None:
    """Raise `InvalidWeight` unless `weights` sum to exactly 100%.

    The message names every weight and the sum; there is no tolerance.

    >>> check_total(Weight.split_evenly(4))
    >>> check_total([Weight.percent("33.33")] * 3)
    Traceback (most recent call last):
    scorekit.errors.InvalidWeight: weights sum to 99.99% (33.33% + 33.33% + 33.33%), expected exactly 100%
    """
    items = tuple(weights)
    total = sum(w.basis_points for w in items)
    if total != FULL:
        terms = " + ".join(str(w) for w in items) or "no weights"
        shown = Decimal(total).scaleb(-2, EXACT).normalize(EXACT)
        msg = f"weights sum to {shown:f}% ({terms}), expected exactly 100%"
        raise InvalidWeight(msg)
