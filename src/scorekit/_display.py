"""Numbers and words for people: one percent, one quantity, one set of status words for HTML, `explain()` and the command.

No dependency and no I/O: plain strings; `text` escapes every user string (names,
ids, labels, units, keys) for HTML.  Numbers are rounded for people here and only
here, in scorekit's own decimal context (never the caller's): achievements and totals
as percentages with two places, actuals and targets with the places they were given
but at most four; the objects keep their exact Decimals.  Never a negative zero.
Bars are clipped at 100% and the number stands in a cell of its own beside them.  The tables of each
type live beside the type (`scorekit.scores`, `scorekit.grouping`).

>>> quantity(Decimal("804.3956043956043956043956043956044")), quantity(Decimal("100000.50")), percent(Decimal("1.5"))
('804.3956', '100000.50', '150.00%')
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from fractions import Fraction
from html import escape
from typing import Final

from scorekit.numbers import EXACT, EXACT_SUMS, ONE, for_display

STATUS_ORDER = ("achieved", "on_track", "behind", "at_risk", "missed", "no_data", "not_started")
"""Every status value, best first: the order of counts in captions and summaries."""

_COLOURS = {
    "achieved": "#2e7d32",
    "on_track": "#1976d2",
    "behind": "#ef6c00",
    "at_risk": "#d84315",
    "missed": "#c62828",
    "no_data": "#78909c",
    "not_started": "#9e9e9e",
}
_MAX_PLACES = 4
_HUNDRED: Final = Decimal(100)


def text(value: object) -> str:
    """`value` as escaped HTML text."""
    return escape(str(value), quote=True)


def words(status: str) -> str:
    """A status value as people say it: ``on_track`` -> ``on track``."""
    return status.replace("_", " ")


def many(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``, ``10,000 cards``: a count with its noun, thousands separated.

    >>> many(1, "card"), many(0, "group"), many(12500, "card")
    ('1 card', '0 groups', '12,500 cards')
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """The exact `value` rounded once, half up (a half away from zero), to `places` decimals; never a negative zero.

    >>> rounded(Fraction(3, 32), 4), rounded(Fraction(-1, 1000)), rounded(Fraction(-5, 1000))
    (Decimal('0.0938'), Decimal('0.00'), Decimal('-0.01'))
    """
    whole = int(abs(value) * 10**places + Fraction(1, 2))  # the floor of a non-negative number
    return Decimal(whole if value >= 0 else -whole).scaleb(-places, EXACT_SUMS)


def percent(value: Decimal | Fraction | None) -> str:
    """A fraction as a percentage with two places, or an em dash for none; an exact `Fraction` is rounded once.

    >>> percent(Decimal("0.09374999")), percent(Fraction(3, 32)), percent(Decimal("-0.00001"))
    ('9.37%', '9.38%', '0.00%')
    """
    if value is None:
        return "\u2014"
    if isinstance(value, Fraction):
        return f"{rounded(value * 100):f}%"
    shown = for_display(EXACT_SUMS.multiply(value, _HUNDRED))
    return f"{shown.copy_abs() if shown.is_zero() else shown:f}%"


def quantity(value: Decimal | None) -> str:
    """An actual or target with the places it was given, at most four (a prorated target has 34)."""
    if value is None:
        return "\u2014"
    exponent = value.as_tuple().exponent
    places = min(-exponent, _MAX_PLACES) if isinstance(exponent, int) and exponent < 0 else 0
    shown = for_display(value, places)
    return f"{shown.copy_abs() if shown.is_zero() else shown:f}"  # -0.00001 shows as 0.0000, not -0.0000


def colour_of(status: str) -> str:
    """The colour a status is drawn in."""
    return _COLOURS.get(status, "#607d8b")


def bar(value: Decimal | Fraction, status: str) -> str:
    """A progress bar for a fraction, full at 100% and clipped there."""
    clipped = min(max(Fraction(value), Fraction(0)), Fraction(1))
    width = rounded(clipped * 100, 1)
    colour = _COLOURS.get(status, "#607d8b")
    return (
        '<div style="background:#eceff1;width:10em;height:0.8em;border-radius:2px;display:inline-block">'
        f'<div style="background:{colour};width:{width:f}%;height:100%;border-radius:2px"></div></div>'
    )


def bar_cells(value: Decimal | Fraction, status: str, shown: str | None = None) -> str:
    """Two table cells: a clipped bar, then the percentage (or `shown`) in a cell of its own.

    Each in its own cell, every bar starts at the same place whatever a notebook's CSS
    aligns (Jupyter right-aligns cells), so a 99% bar never looks fuller than a 120% one.

    >>> bar_cells(Decimal("1.2"), "achieved").endswith('<td style="text-align:right;white-space:nowrap">120.00%</td>')
    True
    """
    return (
        f'<td style="text-align:left">{bar(value, status)}</td>'
        f'<td style="text-align:right;white-space:nowrap">{percent(value) if shown is None else shown}</td>'
    )


def status_cell(status: str) -> str:
    """A status in words, coloured."""
    return f'<span style="color:{_COLOURS.get(status, "#607d8b")}">{text(words(status))}</span>'


def number(value: Decimal | Fraction) -> str:
    """A target or actual as given when it has at most four decimals, else rounded half up to four.

    An exact `Fraction` is rounded once, to at most four places.

    >>> number(Decimal("2.5")), number(Decimal("85") / Decimal("31")), number(Decimal("7.00000"))
    ('2.5', '2.7419', '7')
    >>> number(Fraction(85, 31)), number(Fraction(-1, 100000)), number(Fraction(5, 2))
    ('2.7419', '0', '2.5')
    """
    if isinstance(value, Fraction):
        shown = rounded(value, _MAX_PLACES).normalize(EXACT_SUMS)
        return f"{shown.quantize(ONE, context=EXACT_SUMS) if shown == shown.to_integral_value(context=EXACT_SUMS) else shown:f}"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_PLACES:
        value = for_display(value, _MAX_PLACES).normalize(EXACT)
        if value == value.to_integral_value(context=EXACT):
            value = value.quantize(ONE, context=EXACT)
    return f"{value.copy_abs() if value.is_zero() else value:f}"


def weight(basis_points: int) -> str:
    """A weight in basis points as `Weight` shows it (``4000`` -> ``40%``, ``3333`` -> ``33.33%``).

    >>> weight(4000), weight(3333)
    ('40%', '33.33%')
    """
    return f"{Decimal(basis_points).scaleb(-2, EXACT).normalize(EXACT):f}%"


def span(start: _dt.date, last_day: _dt.date) -> str:
    """A period as people write it, its last day included: ``2024-04-01 to 2024-04-30`` (as `explain()` does).

    >>> span(_dt.date(2024, 4, 1), _dt.date(2024, 4, 30))
    '2024-04-01 to 2024-04-30'
    """
    return f"{start.isoformat()} to {last_day.isoformat()}"


def moment(instant: _dt.datetime, tz: _dt.tzinfo | None = None) -> str:
    """An instant as people write it, in `tz` (else its own zone): ``2024-04-20 12:00 UTC`` (as `explain()` does).

    >>> moment(_dt.datetime(2024, 4, 20, 12, tzinfo=_dt.timezone.utc))
    '2024-04-20 12:00 UTC'
    """
    local = instant.astimezone(tz) if tz is not None else instant
    name = local.tzname()
    return f"{local.strftime('%Y-%m-%d %H:%M')}{' ' + name if name else ''}"


def with_unit(value: str, unit: str) -> str:
    """``12 deals``; a quantity without a unit stays bare."""
    return f"{value} {unit}" if unit else value
