"""The one place where user input becomes a `Decimal`, and where it is rounded for display.

Quantities are exact: `int`, `str` and `Decimal` convert as they are, a `float`
through its `repr` (so ``33.33`` stays ``33.33`` and never becomes
``33.3299999...``).  Arithmetic uses `EXACT`, a local context of 34 significant
digits that traps invalid operations; nothing is rounded until `for_display`.

Bounds (DESIGN "Bad input never gets in"): every number scorekit accepts is finite
with ``|x| < 10**15`` (`MAX_MAGNITUDE`); targets, caps, thresholds, baselines,
tolerances and bands have at most 12 digits after the point (`MAX_PLACES`), any
other number at most 1,000 (`MAX_ANY_PLACES`); strings take ASCII digits only.
Nothing here reads the caller's decimal context: every operation names its own.

>>> to_decimal(33.33)
Decimal('33.33')
>>> for_display(Decimal("0.125"))
Decimal('0.13')
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final, TypeAlias

from scorekit.errors import InvalidNumber, ScorekitError

__all__ = [
    "EXACT",
    "EXACT_SUMS",
    "MAX_ANY_PLACES",
    "MAX_DISPLAY_PLACES",
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "ONE",
    "ZERO",
    "Number",
    "exact_sum",
    "for_display",
    "to_decimal",
]

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
    # 15 digits before the point, MAX_ANY_PLACES after, and room for the count of summands.
    prec=1100,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.Overflow],
)
"""Products with weights and sums: wide enough to stay exact, so sums never depend on order."""

MAX_MAGNITUDE: Final = Decimal(10**15)
"""Every number scorekit accepts is smaller than this in size, so every achievement fits."""

MAX_PLACES: Final = 12
"""Targets, caps, thresholds, baselines, tolerances and bands have at most this many decimals."""

MAX_ANY_PLACES: Final = 1000
"""Any other number has at most this many decimals (a float's smallest, 5e-324, has 324)."""

MAX_DISPLAY_PLACES: Final = 34
"""`for_display` shows at most this many decimals (a Decimal's full precision)."""

_DISPLAY: Final = decimal.Context(
    prec=decimal.MAX_PREC,  # a limit, not a size: a rounded value has only the digits it needs
    rounding=decimal.ROUND_HALF_UP,
    Emin=decimal.MIN_EMIN,
    Emax=decimal.MAX_EMAX,
    traps=[decimal.InvalidOperation],
)
"""Display rounding: half up, never short of digits, whatever the caller's context is."""

_QUANTA: Final = tuple(Decimal(f"1E-{places}") for places in range(MAX_DISPLAY_PLACES + 1))

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)


def to_decimal(
    value: object,
    *,
    name: str = "value",
    error: type[ScorekitError] = InvalidNumber,
    places: int | None = None,
    bounded: bool = True,
) -> Decimal:
    """Convert `value` to a finite `Decimal` within scorekit's bounds, or raise `error` naming it.

    The bounds: finite, ``|x| < 10**15``, at most `places` digits after the point
    (`MAX_ANY_PLACES` when not given; trailing zeros do not count), and a string
    of ASCII digits only.  ``bounded=False`` lifts the size bound (for a sum of
    many records, which may outgrow any one of them).  Nothing here consults the
    caller's decimal context.

    >>> to_decimal(3), to_decimal("2.50"), to_decimal(0.1)
    (Decimal('3'), Decimal('2.50'), Decimal('0.1'))
    >>> to_decimal(True)
    Traceback (most recent call last):
    scorekit.errors.InvalidNumber: value must be a finite number (int, str, Decimal or float), got True
    >>> to_decimal("1e15")
    Traceback (most recent call last):
    scorekit.errors.InvalidNumber: value must be less than 10**15 in size (|value| < 1000000000000000), got '1e15'
    >>> to_decimal("0.0000000000001", name="target", places=12)
    Traceback (most recent call last):
    scorekit.errors.InvalidNumber: target must have at most 12 digits after the decimal point, got '0.0000000000001'
    """
    result = _convert(value)
    if result is None or not result.is_finite():
        msg = f"{name} must be a finite number (int, str, Decimal or float), got {value!r}"
        raise error(msg)
    # copy_abs and comparisons never consult the (caller's) decimal context.
    if bounded and result.copy_abs() >= MAX_MAGNITUDE:
        msg = f"{name} must be less than 10**15 in size (|{name}| < {MAX_MAGNITUDE}), got {value!r}"
        raise error(msg)
    limit = MAX_ANY_PLACES if places is None else places
    if decimal_places(result) > limit:
        msg = f"{name} must have at most {limit} digits after the decimal point, got {value!r}"
        raise error(msg)
    return result


_NUMERAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A decimal numeral in ASCII digits: what `str` input may say (Arabic-Indic or full-width digits are not)."""


def _convert(value: object) -> Decimal | None:  # noqa: PLR0911 - one return per kind of input
    """`value` as a Decimal, without consulting any decimal context; None if it is not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, float):
        # float.__repr__, not repr(): a subclass such as numpy.float64 reprs as "np.float64(12.5)".
        return Decimal(float.__repr__(value))
    if isinstance(value, str):
        text = value  # as given: no spaces, no line break, no digit separators (DESIGN: ASCII digits only)
        if _NUMERAL.fullmatch(text) is None:
            return None
        try:
            return Decimal(text)
        except (ArithmeticError, ValueError):  # an exponent beyond what decimal can hold
            return None
    return None


def decimal_places(value: Decimal) -> int:
    """How many digits `value` has after the point, not counting trailing zeros (context-free).

    >>> decimal_places(Decimal("1.2500")), decimal_places(Decimal("1E+3")), decimal_places(Decimal("0E-9"))
    (2, 0, 0)
    """
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or not any(digits):
        return 0  # NaN, infinities and zeros
    trailing = 0
    while digits[-1 - trailing] == 0:
        trailing += 1
    return max(0, -exponent - trailing)


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

    The rounding is done in a context of its own, never short of digits: the
    caller's decimal context never changes what a report shows.

    >>> for_display(Decimal("2.675")), for_display(Decimal("-0.5"), places=0)
    (Decimal('2.68'), Decimal('-1'))
    >>> with decimal.localcontext(prec=2):
    ...     for_display(Decimal("123.455"))
    Decimal('123.46')
    """
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_DISPLAY_PLACES:
        msg = f"places must be a whole number from 0 to {MAX_DISPLAY_PLACES}, got {places!r}"
        raise InvalidNumber(msg)
    if not isinstance(value, Decimal) or not value.is_finite():
        msg = f"only a finite Decimal can be rounded for display, got {value!r}"
        raise InvalidNumber(msg)
    return value.quantize(_QUANTA[places], context=_DISPLAY)
