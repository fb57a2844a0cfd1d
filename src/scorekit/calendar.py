"""`WorkCalendar`: which days count for pace and proration.

A card without a calendar counts every day (0.1's rule).  With one, pace and
proration count working days only: the weekdays it names (Monday = 0, as
`datetime.date.weekday`) that are not holidays.  Whether a window has started or is
over is still decided by calendar date; the calendar only says how many of its days
count, so a card whose period starts on a Saturday has started on that Saturday,
with no working day elapsed until Monday.

Counting is arithmetic on ordinals (whole weeks, the leftover days, minus the
holidays that fall on a working weekday), so a year-long window costs no more than a
week.

>>> from scorekit import Date
>>> cal = WorkCalendar(holidays={Date(2024, 4, 1)})
>>> cal.working_days(Date(2024, 4, 1), Date(2024, 5, 1))  # April 2024: 22 weekdays, Easter Monday off
21
>>> cal.is_working_day(Date(2024, 4, 6))  # a Saturday
False
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable

import attrs
from pendulum import Date

from scorekit.errors import InvalidPeriod
from scorekit.period import as_date

__all__ = ["WorkCalendar"]

_WEEKDAYS = range(7)
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekdays(value: Iterable[int]) -> frozenset[int]:
    if isinstance(value, str | bytes):
        msg = f"calendar weekdays must be a collection of whole numbers 0..6 (Monday = 0), got {value!r}"
        raise InvalidPeriod(msg)
    try:
        days = frozenset(value)
    except TypeError:
        msg = f"calendar weekdays must be a collection of whole numbers 0..6 (Monday = 0), got {value!r}"
        raise InvalidPeriod(msg) from None
    bad = sorted(repr(d) for d in days if isinstance(d, bool) or not isinstance(d, int) or d not in _WEEKDAYS)
    if bad:
        msg = f"calendar weekdays must be whole numbers 0..6 (Monday = 0), got {', '.join(bad)}"
        raise InvalidPeriod(msg)
    if not days:
        msg = "calendar weekdays must name at least one working weekday (0..6, Monday = 0), got none"
        raise InvalidPeriod(msg)
    return days


def _holidays(value: Iterable[object]) -> frozenset[Date]:
    if isinstance(value, str | bytes | _dt.date):
        msg = f"calendar holidays must be a collection of dates, got {value!r}"
        raise InvalidPeriod(msg)
    try:
        items = tuple(value)
    except TypeError:
        msg = f"calendar holidays must be a collection of dates, got {value!r}"
        raise InvalidPeriod(msg) from None
    return frozenset(as_date(item, name="calendar holiday") for item in items)


@attrs.frozen
class WorkCalendar:
    """The days that count: working `weekdays` (Monday = 0) except `holidays`.

    >>> from scorekit import Date
    >>> WorkCalendar().working_days(Date(2024, 6, 1), Date(2024, 6, 8))  # Sat 1 .. Fri 7 June
    5
    >>> WorkCalendar(weekdays={0, 1, 2, 3, 4, 5, 6}).working_days(Date(2024, 2, 1), Date(2024, 3, 1))
    29
    >>> WorkCalendar(weekdays=[7])
    Traceback (most recent call last):
    scorekit.errors.InvalidPeriod: calendar weekdays must be whole numbers 0..6 (Monday = 0), got 7
    """

    weekdays: frozenset[int] = attrs.field(default=frozenset({0, 1, 2, 3, 4}), converter=_weekdays)
    holidays: frozenset[Date] = attrs.field(default=frozenset(), converter=_holidays)
    _working: tuple[bool, ...] = attrs.field(init=False, eq=False, order=False, repr=False)
    _holiday_ordinals: tuple[int, ...] = attrs.field(init=False, eq=False, order=False, repr=False)

    def __attrs_post_init__(self) -> None:
        working = tuple(day in self.weekdays for day in range(7))
        # Only holidays on a working weekday take a day away.
        ordinals = sorted(h.toordinal() for h in self.holidays if working[h.weekday()])
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_holiday_ordinals", tuple(ordinals))

    def is_working_day(self, day: _dt.date) -> bool:
        """Whether `day` counts: a working weekday and not a holiday."""
        ordinal = day.toordinal()
        return self._working[day.weekday()] and not self._is_holiday(ordinal)

    def working_days(self, start: _dt.date, end: _dt.date) -> int:
        """The number of working days in the half-open ``[start, end)`` (0 if `end <= start`)."""
        return self.count(start.toordinal(), end.toordinal())

    def count(self, start: int, end: int) -> int:
        """The number of working days among the date ordinals ``[start, end)``."""
        if end <= start:
            return 0
        working = self._working
        weeks, rest = divmod(end - start, 7)
        total = weeks * len(self.weekdays)
        first = (start + weeks * 7 + 6) % 7  # ordinal 1 (0001-01-01) is a Monday
        for offset in range(rest):
            if working[(first + offset) % 7]:
                total += 1
        holidays = self._holiday_ordinals
        if holidays:
            total -= bisect.bisect_left(holidays, end) - bisect.bisect_left(holidays, start)
        return total

    def describe(self) -> str:
        """The calendar in words, for `explain()`.

        >>> from scorekit import Date
        >>> WorkCalendar(holidays={Date(2024, 12, 25)}).describe()
        'working days Mon, Tue, Wed, Thu, Fri; 1 holiday'
        """
        days = ", ".join(_WEEKDAY_NAMES[d] for d in sorted(self.weekdays))
        count = len(self.holidays)
        holidays = "no holidays" if not count else f"{count} holiday" + ("" if count == 1 else "s")
        return f"working days {days}; {holidays}"

    def _is_holiday(self, ordinal: int) -> bool:
        holidays = self._holiday_ordinals
        index = bisect.bisect_left(holidays, ordinal)
        return index < len(holidays) and holidays[index] == ordinal
