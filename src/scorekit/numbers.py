"""The one place where user input becomes a `Decimal`, and where it is rounded for display.

Quantities are exact: `int`, `str` and `Decimal` convert as they are, a `float`
through its `repr` (so ``33.33`` stays ``33.33`` and never becomes
``33.3299999...``).  Arithmetic uses `EXACT`, a local context of 34 significant
digits that traps invalid operations; nothing is rounded until `for_display`.

>>> to_decimal(33.33)
Decimal('33.33')
>>> for_display(Decimal("0.125"))
Decimal('0.13')
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal
from typing import Final, TypeAlias

from scorekit.errors import InvalidNumber, ScorekitError

__all__ = ["EXACT", "EXACT_SUMS", "ONE", "ZERO", "Number", "exact_sum", "for_display", "to_decimal"]

Number: TypeAlias = int | str | Decimal | float
"""What scorekit accepts wherever it asks for a quantity."""

EXACT: Final = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The arithmetic context: 34 significant digits (IEEE decimal128), errors trapped."""

EXACT_SUMS: Final = decimal.Context(
    prec=200, Emin=-999_999, Emax=999_999, traps=[decimal.InvalidOperation, decimal.Overflow]
)
"""Products with weights and sums: wide enough to stay exact, so sums never depend on order."""

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)


def to_decimal(
    value: object,
    *,
    name: str = "value",
    error: type[ScorekitError] = InvalidNumber,
) -> Decimal:
    """Convert `value` to a finite `Decimal`, or raise `error` naming it.

    >>> to_decimal(3), to_decimal("2.50"), to_decimal(0.1)
    (Decimal('3'), Decimal('2.50'), Decimal('0.1'))
    >>> to_decimal(True)
    Traceback (most recent call last):
    scorekit.errors.InvalidNumber: value must be a finite number (int, str, Decimal or float), got True
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        result = None
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            result = None
    else:
        result = None
    if result is None or not result.is_finite():
        msg = f"{name} must be a finite number (int, str, Decimal or float), got {value!r}"
        raise error(msg)
    return result


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The sum of `values` without rounding (Python's `sum` rounds to 28 digits).

    >>> exact_sum([Decimal("1e-30"), Decimal(1)])
    Decimal('1.000000000000000000000000000001')
    """
    total = ZERO
    add = EXACT_SUMS.add
    for value in values:
        total = add(total, value)
    return total


def for_display(value: Decimal, places: int = 2) -> Decimal:
    """Round `value` to `places` decimals, half up, as people expect on a report.

    >>> for_display(Decimal("2.675")), for_display(Decimal("-0.5"), places=0)
    (Decimal('2.68'), Decimal('-1'))
    """
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        msg = f"places must be a whole number >= 0, got {places!r}"
        raise InvalidNumber(msg)
    return value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP, context=EXACT)
