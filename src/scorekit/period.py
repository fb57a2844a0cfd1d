"""`Period` and `Cadence`: the period calculator (F2, F3).

A `Period` is a half-open range of calendar dates ``[start, end)``.  A `Cadence`
cuts time into contiguous periods anchored at one start date.  Period ``k`` (any
integer) always starts at ``start`` shifted by ``k`` steps, computed from the
anchor and never from the previous period, so month ends never drift: a monthly
cadence from January 31 starts on Jan 31, Feb 29 (in a leap year), Mar 31, Apr 30...

Dates are calendar dates; instants are bucketed by their local date in a time
zone (`Period.instants` gives the local midnights).  Indexes are computed with
integer arithmetic and corrected by comparison; pendulum's `Interval`
membership and ``in_months()`` are not used (both are wrong at month ends).

>>> c = Cadence.monthly(Date(2024, 1, 31))
>>> [str(c.period(k)) for k in range(3)]
['[2024-01-31, 2024-02-29)', '[2024-02-29, 2024-03-31)', '[2024-03-31, 2024-04-30)']
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import datetime as _dt
import enum
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs
import pendulum
from pendulum import Date, DateTime
from pendulum.tz.exceptions import InvalidTimezone
from pendulum.tz.timezone import Timezone

from scorekit.errors import InvalidPeriod

__all__ = [
    "Cadence",
    "Date",
    "Period",
    "Step",
    "as_date",
    "as_instant",
    "as_utc",
    "as_utc_instant",
    "first_instant",
    "local_ordinal",
    "midnight",
    "zone",
]

_MONTHS_IN_YEAR: Final = 12
_MEMO_SIZE: Final = 4096
_MAX_PATTERN: Final = 53


_CALENDAR_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_date(value: object, *, name: str = "date") -> Date:
    """`value` as a `pendulum.Date`: a date or an ISO ``YYYY-MM-DD`` string, never a datetime.

    >>> as_date("2024-02-29")
    Date(2024, 2, 29)
    >>> as_date(pendulum.datetime(2024, 2, 29))
    Traceback (most recent call last):
    scorekit.errors.InvalidPeriod: date must be a calendar date, got the datetime 2024-02-29T00:00:00+00:00; use .date() in the card's time zone
    """
    if type(value) is Date:  # the common case first: a hot path
        return value
    if isinstance(value, _dt.datetime):
        msg = (
            f"{name} must be a calendar date, got the datetime {value.isoformat()}; use .date() in the card's time zone"
        )
        raise InvalidPeriod(msg)
    if isinstance(value, _dt.date):
        return Date(value.year, value.month, value.day)
    if isinstance(value, str) and _CALENDAR_DATE.fullmatch(value):  # not a week date (2024-W05-1) nor an ordinal one
        try:
            parsed = _dt.date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return Date(parsed.year, parsed.month, parsed.day)
    msg = f"{name} must be a date or an ISO date string 'YYYY-MM-DD', got {value!r}"
    raise InvalidPeriod(msg)


def zone(name: str | Timezone | _dt.tzinfo) -> Timezone:
    """The time zone called `name` (an IANA name such as ``"Europe/Warsaw"``).

    >>> zone("Europe/Warsaw").name
    'Europe/Warsaw'
    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    scorekit.errors.InvalidPeriod: unknown time zone 'Mars/Olympus'; use an IANA name such as 'Europe/Warsaw' or 'UTC'
    """
    if isinstance(name, Timezone):
        return name
    key = getattr(name, "key", None) if isinstance(name, _dt.tzinfo) else name
    if isinstance(key, str) and key:
        try:
            return pendulum.timezone(key)
        except (InvalidTimezone, ValueError):
            pass
    msg = f"unknown time zone {name!r}; use an IANA name such as 'Europe/Warsaw' or 'UTC'"
    raise InvalidPeriod(msg)


def _period_start(value: object) -> Date:
    return as_date(value, name="period start")


def _period_end(value: object) -> Date:
    return as_date(value, name="period end")


def _cadence_start(value: object) -> Date:
    return as_date(value, name="cadence start")


@attrs.frozen(order=True, repr=False)
class Period:
    """The calendar dates ``[start, end)``: `start` is in, `end` is not.

    >>> p = Period(Date(2024, 2, 1), Date(2024, 3, 1))
    >>> p.days, p.last_day, Date(2024, 2, 29) in p, Date(2024, 3, 1) in p
    (29, Date(2024, 2, 29), True, False)
    """

    start: Date = attrs.field(converter=_period_start)
    end: Date = attrs.field(converter=_period_end)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            msg = f"period end {self.end} must be after its start {self.start} (periods are half-open [start, end))"
            raise InvalidPeriod(msg)

    @property
    def days(self) -> int:
        """How many dates the period holds."""
        return self.end.toordinal() - self.start.toordinal()

    @property
    def last_day(self) -> Date:
        """The last date in the period: the day before `end`."""
        return Date.fromordinal(self.end.toordinal() - 1)

    def __contains__(self, value: object) -> bool:
        day = as_date(value)
        return self.start <= day < self.end

    def instants(self, tz: str | Timezone | _dt.tzinfo = "UTC") -> tuple[DateTime, DateTime]:
        """The local midnights that open and close the period in `tz`, as aware datetimes.

        A Warsaw March loses an hour to daylight saving time:

        >>> start, end = Period(Date(2024, 3, 1), Date(2024, 4, 1)).instants("Europe/Warsaw")
        >>> start.isoformat(), (end - start).in_hours()
        ('2024-03-01T00:00:00+01:00', 743)
        """
        tzinfo = zone(tz)
        return midnight(self.start, tzinfo), midnight(self.end, tzinfo)

    def __str__(self) -> str:
        return f"[{self.start}, {self.end})"

    def __repr__(self) -> str:
        return f"Period({self.start!r}, {self.end!r})"


@functools.lru_cache(maxsize=8192)
def midnight(day: Date, tzinfo: Timezone) -> DateTime:
    """The first instant of `day` in `tzinfo`, as an aware `DateTime` in that zone.

    Where midnight happens twice (clocks go back from 01:00 to 00:00, as on the
    Azores every October) it is the first one; where a gap swallows midnight
    (clocks jump from 00:00 to 01:00) it is the first instant that exists, the
    jump itself.  A pure function, memoized: many cards share a window, and
    resolving local time is the costliest step of building a request.

    >>> midnight(Date(2024, 3, 31), zone("Europe/Warsaw")).isoformat()
    '2024-03-31T00:00:00+01:00'
    >>> midnight(Date(2024, 10, 27), zone("Atlantic/Azores")).isoformat()
    '2024-10-27T00:00:00+00:00'
    >>> midnight(Date(2024, 3, 10), zone("America/Havana")).isoformat()  # 00:00 -> 01:00
    '2024-03-10T01:00:00-04:00'
    """
    return pendulum.instance(first_instant(day, tzinfo)).in_timezone(tzinfo)


def first_instant(day: _dt.date, tzinfo: _dt.tzinfo) -> _dt.datetime:
    """The first instant (a plain UTC datetime) whose local date in `tzinfo` is `day`.

    Local wall times are resolved as PEP 495 says (``fold=0`` is the earlier
    reading), which is exactly what a twice-occurring or skipped midnight needs:

    >>> first_instant(Date(2024, 10, 27), zone("Atlantic/Azores")).isoformat()
    '2024-10-27T00:00:00+00:00'
    """
    wall = _dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a local wall time, zoned just below
    try:
        return _first_instant(wall, tzinfo)
    except OverflowError:
        msg = f"the start of {day} in {tzinfo} falls outside the supported instants (years 1 to 9999 in UTC)"
        raise InvalidPeriod(msg) from None


def _first_instant(wall: _dt.datetime, tzinfo: _dt.tzinfo) -> _dt.datetime:
    # fold=0 reads the wall time with the offset before a change, fold=1 with the one after.
    # Where midnight exists, the fold=0 reading is its first instant (the earlier of two where it
    # repeats).  Where a jump swallows it, the fold=1 reading comes first, and the jump lies
    # between the two readings, a whole number of seconds after the first: find it.
    first = as_utc(wall.replace(tzinfo=tzinfo, fold=1))
    before, after = 0, int((as_utc(wall.replace(tzinfo=tzinfo)) - first).total_seconds())
    while after - before > 1:
        middle = (before + after) // 2
        if _local_wall(first + _dt.timedelta(seconds=middle), tzinfo) >= wall:
            after = middle
        else:
            before = middle
    return first + _dt.timedelta(seconds=after)


def _local_wall(utc: _dt.datetime, tzinfo: _dt.tzinfo) -> _dt.datetime:
    return utc.astimezone(tzinfo).replace(tzinfo=None)


_UTC: Final = _dt.UTC


def as_utc(instant: _dt.datetime) -> _dt.datetime:
    """`instant` as a plain stdlib datetime in UTC.

    Comparisons and zone conversions of plain datetimes are several times faster than
    pendulum's.  Twice-occurring local times keep their `fold`:

    >>> import zoneinfo
    >>> warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    >>> [as_utc(_dt.datetime(2024, 10, 27, 2, 30, tzinfo=warsaw, fold=f)).isoformat() for f in (0, 1)]
    ['2024-10-27T00:30:00+00:00', '2024-10-27T01:30:00+00:00']
    """
    # Datetimes equal but for `fold` compare and hash alike, so the fold is part of the key.
    return _as_utc(instant, instant.fold)


@functools.lru_cache(maxsize=1024)
def _as_utc(instant: _dt.datetime, _fold: int) -> _dt.datetime:
    # A pure function, memoized: one `as_of` serves many cards.
    offset = instant.utcoffset()
    plain = _dt.datetime(
        instant.year,
        instant.month,
        instant.day,
        instant.hour,
        instant.minute,
        instant.second,
        instant.microsecond,
        tzinfo=_UTC,
    )
    return plain - offset if offset else plain


@functools.lru_cache(maxsize=4096)
def local_ordinal(utc: _dt.datetime, timezone: str) -> int:
    """The proleptic ordinal of the local date in `timezone` of the plain UTC datetime `utc`.

    >>> Date.fromordinal(local_ordinal(_dt.datetime(2024, 1, 31, 23, 30, tzinfo=_dt.UTC), "Europe/Warsaw"))
    Date(2024, 2, 1)
    """
    return utc.astimezone(zone(timezone)).toordinal()


def as_instant(value: object, *, name: str = "as_of") -> DateTime:
    """`value` as an aware `pendulum.DateTime`; naive datetimes and plain dates are refused.

    >>> as_instant(pendulum.datetime(2024, 1, 1, 12, tz="Europe/Warsaw")).isoformat()
    '2024-01-01T12:00:00+01:00'
    >>> as_instant(_dt.datetime(2024, 1, 1))
    Traceback (most recent call last):
    scorekit.errors.InvalidPeriod: as_of must be an aware datetime (with a time zone), got the naive 2024-01-01T00:00:00
    """
    if isinstance(value, DateTime) and value.tzinfo is not None:
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            msg = f"{name} must be an aware datetime (with a time zone), got the naive {value.isoformat()}"
            raise InvalidPeriod(msg)
        # PEP 495: the datetime's own offset fixes the instant (fold=0 is the earlier reading of a
        # repeated or skipped wall time); pendulum would resolve a skipped one its own way.
        try:
            return pendulum.instance(as_utc(value).astimezone(value.tzinfo))
        except OverflowError:
            msg = f"{name} {value.isoformat()} falls outside the supported instants (years 1 to 9999 in UTC)"
            raise InvalidPeriod(msg) from None
    if isinstance(value, _dt.date):
        msg = (
            f"{name} must be an aware datetime, got the date {value.isoformat()}; an instant is needed to cut a window"
        )
        raise InvalidPeriod(msg)
    msg = f"{name} must be an aware datetime, got {value!r}"
    raise InvalidPeriod(msg)


def as_utc_instant(value: object, *, name: str = "instant") -> DateTime:
    """`value` (as for `as_instant`) as the same instant in UTC.

    >>> import zoneinfo
    >>> azores = zoneinfo.ZoneInfo("Atlantic/Azores")
    >>> [as_utc_instant(_dt.datetime(2024, 10, 27, 0, 30, tzinfo=azores, fold=f)).isoformat() for f in (0, 1)]
    ['2024-10-27T00:30:00+00:00', '2024-10-27T01:30:00+00:00']
    """
    if type(value) is DateTime and value.tzinfo is _PENDULUM_UTC:
        return value  # already one: the common case when a request is built from another
    if isinstance(value, _dt.datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        # An aware datetime (a database driver's, in the session's zone): straight to UTC, without
        # first making a pendulum instant in its own zone (which loads the zone each time).
        with contextlib.suppress(OverflowError):  # beyond the supported instants: as_instant says so
            return pendulum_utc(as_utc(value))
    return pendulum_utc(as_utc(as_instant(value, name=name)))


_PENDULUM_UTC: Final = pendulum.UTC


@functools.lru_cache(maxsize=4096)
def pendulum_utc(utc: _dt.datetime) -> DateTime:
    """The plain UTC datetime `utc` as a `pendulum.DateTime` in UTC (memoized: many cards share instants)."""
    # A pure function, memoized: the window starts and `as_of` of many cards are the same instants.
    return pendulum.instance(utc)


_new = object.__new__
_set = object.__setattr__


def _trusted_period(start: Date, end: Date) -> Period:
    """A period whose dates are known to be valid (a cadence's own): skips validation."""
    period = _new(Period)
    _set(period, "start", start)
    _set(period, "end", end)
    return period


class Step(enum.Enum):
    """The unit a `Cadence` steps by."""

    MONTHS = "months"
    WEEKS = "weeks"
    DAYS = "days"


def _positive_count(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        msg = f"a cadence step must be a whole number of at least 1, got {value!r}"
        raise InvalidPeriod(msg)


def _pattern(value: Iterable[object]) -> tuple[int, ...]:
    if isinstance(value, str | bytes):
        msg = f"a week pattern must be a sequence of whole numbers of weeks such as (4, 4, 5), got {value!r}"
        raise InvalidPeriod(msg)
    try:
        weeks = tuple(value)
    except TypeError:
        msg = f"a week pattern must be a sequence of whole numbers of weeks such as (4, 4, 5), got {value!r}"
        raise InvalidPeriod(msg) from None
    if len(weeks) > _MAX_PATTERN:
        msg = f"a week pattern has at most {_MAX_PATTERN} entries (a year of weeks), got {len(weeks)}"
        raise InvalidPeriod(msg)
    for n in weeks:
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            msg = f"each entry of a week pattern must be a whole number of at least 1 week, got {n!r} in {value!r}"
            raise InvalidPeriod(msg)
    return weeks  # type: ignore[return-value] # each entry checked just above


@attrs.frozen(repr=False)
class Cadence:
    """Contiguous periods of `count` `unit`s, anchored at `start`.

    Build one with `monthly`, `quarterly`, `every`, `weeks` or `custom`.  A `pattern`
    (only from `weeks`) cuts each cycle of `count` weeks into periods of its entries.

    >>> fiscal = Cadence.quarterly(Date(2024, 4, 1))
    >>> [str(fiscal.period(k).start) for k in range(4)]
    ['2024-04-01', '2024-07-01', '2024-10-01', '2025-01-01']
    """

    start: Date = attrs.field(converter=_cadence_start)
    count: int = attrs.field(validator=_positive_count)
    unit: Step = attrs.field(converter=Step)
    pattern: tuple[int, ...] = attrs.field(default=(), converter=_pattern)
    _days: int = attrs.field(init=False, eq=False, repr=False, order=False)
    _anchor: tuple[int, int, int] = attrs.field(init=False, eq=False, repr=False, order=False)
    _offsets: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False, order=False)
    _memo: dict[int, Period] = attrs.field(init=False, eq=False, repr=False, order=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        pattern = self.pattern
        if pattern and (self.unit is not Step.WEEKS or self.count != sum(pattern) or len(set(pattern)) == 1):
            msg = (
                f"a week pattern {pattern} needs unit 'weeks', a count of its {sum(pattern)} weeks and unequal "
                f"entries, got {self.count} {self.unit.value}; build it with Cadence.weeks(start, pattern)"
            )
            raise InvalidPeriod(msg)
        # `_days` is the step in days (0 for months).  With a pattern it is minus the cycle's days,
        # so the month path, the hot one, is tested first and no slower; `_offsets` are the days
        # from a cycle's start to the start of each of its periods, and to the next cycle's.
        step_days = {Step.DAYS: self.count, Step.WEEKS: 7 * self.count, Step.MONTHS: 0}[self.unit]
        object.__setattr__(self, "_days", -step_days if pattern else step_days)
        offsets = [0]
        for weeks in pattern:
            offsets.append(offsets[-1] + 7 * weeks)
        object.__setattr__(self, "_offsets", tuple(offsets))
        anchor = (self.start.toordinal(), self.start.year * _MONTHS_IN_YEAR + self.start.month - 1, self.start.day)
        object.__setattr__(self, "_anchor", anchor)

    @classmethod
    def monthly(cls, start: Date | _dt.date | str) -> Cadence:
        """Calendar-month periods from `start`, keeping its day of the month.

        >>> str(Cadence.monthly(Date(2024, 1, 1)).period(1))
        '[2024-02-01, 2024-03-01)'
        """
        return cls(start, 1, Step.MONTHS)

    @classmethod
    def quarterly(cls, start: Date | _dt.date | str) -> Cadence:
        """Three-month periods from `start` (a fiscal year from April: ``Date(y, 4, 1)``).

        >>> str(Cadence.quarterly(Date(2024, 1, 1)).period(0))
        '[2024-01-01, 2024-04-01)'
        """
        return cls(start, 3, Step.MONTHS)

    @classmethod
    def every(
        cls,
        start: Date | _dt.date | str,
        *,
        months: int | None = None,
        weeks: int | None = None,
        days: int | None = None,
    ) -> Cadence:
        """Periods of exactly one of `months`, `weeks` or `days`.

        >>> str(Cadence.every(Date(2024, 1, 1), weeks=2).period(1))
        '[2024-01-15, 2024-01-29)'
        >>> Cadence.every(Date(2024, 1, 1), weeks=2, days=3)
        Traceback (most recent call last):
        scorekit.errors.InvalidPeriod: give exactly one of months=, weeks= or days=, got months=None, weeks=2, days=3
        """
        given = [
            (unit, n) for unit, n in ((Step.MONTHS, months), (Step.WEEKS, weeks), (Step.DAYS, days)) if n is not None
        ]
        if len(given) != 1:
            msg = f"give exactly one of months=, weeks= or days=, got months={months}, weeks={weeks}, days={days}"
            raise InvalidPeriod(msg)
        unit, n = given[0]
        return cls(start, n, unit)

    @classmethod
    def weeks(cls, start: Date | _dt.date | str, pattern: tuple[int, ...] = (4, 4, 5)) -> Cadence:
        """Retail periods: whole weeks cut by `pattern`, repeating (4-4-5 by default).

        Each entry is a period of that many weeks; after the last the pattern starts
        again.  Any pattern of positive week counts with at most 53 entries; one whose
        entries are all equal is the plain cadence of that many weeks.

        >>> c = Cadence.weeks(Date(2024, 2, 4))
        >>> [str(c.period(k)) for k in (0, 2, 3)]
        ['[2024-02-04, 2024-03-03)', '[2024-03-31, 2024-05-05)', '[2024-05-05, 2024-06-02)']
        >>> Cadence.weeks(Date(2024, 1, 1), (2, 2)) == Cadence.every(Date(2024, 1, 1), weeks=2)
        True
        """
        weeks = _pattern(pattern)
        if not weeks:
            msg = "a week pattern needs at least one entry, such as (4, 4, 5), got ()"
            raise InvalidPeriod(msg)
        if len(set(weeks)) == 1:
            return cls(start, weeks[0], Step.WEEKS)
        return cls(start, sum(weeks), Step.WEEKS, weeks)

    @classmethod
    def custom(cls, start: Date | _dt.date | str, end: Date | _dt.date | str) -> Cadence:
        """Periods as long as ``[start, end)``, rolling over by the same number of days.

        >>> str(Cadence.custom(Date(2024, 1, 1), Date(2024, 1, 15)).period(1))
        '[2024-01-15, 2024-01-29)'
        """
        first = Period(start, end)
        return cls(first.start, first.days, Step.DAYS)

    def _month_start(self, k: int) -> tuple[int, int, int]:
        """(year, month, day) of period k's start, for month steps: clamped to the month's length."""
        _ordinal, month0, day = self._anchor
        year, month = divmod(month0 + k * self.count, _MONTHS_IN_YEAR)
        month += 1
        if day > 28:  # noqa: PLR2004 - only days past the 28th can overflow a month
            # Years outside 1..9999 raise ValueError here or in Date(): _start_of reports both.
            day = min(day, calendar.monthrange(year, month)[1])
        return year, month, day

    def _start_of(self, k: int) -> Date:
        try:
            days = self._days
            if days > 0:
                return Date.fromordinal(self._anchor[0] + k * days)
            if days:
                cycle, within = divmod(k, len(self.pattern))
                return Date.fromordinal(self._anchor[0] + cycle * self._offsets[-1] + self._offsets[within])
            return Date(*self._month_start(k))
        except (ValueError, OverflowError):
            msg = f"period {k} of {self} falls outside the supported years 1 to 9999"
            raise InvalidPeriod(msg) from None

    def period(self, k: int) -> Period:
        """Period number `k` (0 is the one that opens at `start`; negative ones come before).

        >>> str(Cadence.monthly(Date(2024, 1, 31)).period(-1))
        '[2023-12-31, 2024-01-31)'
        """
        if isinstance(k, bool) or not isinstance(k, int):
            msg = f"a period index must be an integer, got {k!r}"
            raise InvalidPeriod(msg)
        return self._period(k)

    def _period(self, k: int) -> Period:
        # A memo of a pure function of an immutable value: dates bucketed by the million fall
        # into a few periods, and building pendulum dates (GC-tracked objects) is the cost.
        period = self._memo.get(k)
        if period is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            period = self._memo[k] = _trusted_period(self._start_of(k), self._start_of(k + 1))
        return period

    def index_of(self, day: Date | _dt.date | str) -> int:
        """The index of the period that holds `day`.

        >>> Cadence.monthly(Date(2024, 1, 31)).index_of(Date(2024, 3, 30))
        1
        """
        target = as_date(day)
        ordinal, month0, _day = self._anchor
        days = self._days
        if days > 0:
            return (target.toordinal() - ordinal) // days
        if days:
            offsets = self._offsets
            cycle, into_cycle = divmod(target.toordinal() - ordinal, offsets[-1])
            return cycle * len(self.pattern) + bisect.bisect_right(offsets, into_cycle) - 1
        k, into = divmod(target.year * _MONTHS_IN_YEAR + target.month - 1 - month0, self.count)
        # `k` is the period whose start month is the latest not after the target's month; in the
        # start month itself the target may precede the (possibly clamped) start day.
        if into == 0 and target.day < self._month_start(k)[2]:
            k -= 1
        return k

    def period_containing(self, day: Date | _dt.date | str) -> Period:
        """The one period that holds `day`.

        >>> str(Cadence.quarterly(Date(2024, 4, 1)).period_containing(Date(2025, 2, 14)))
        '[2025-01-01, 2025-04-01)'
        """
        return self._period(self.index_of(day))

    def has_period(self, period: Period) -> bool:
        """Whether `period` is exactly one of this cadence's periods.

        >>> c = Cadence.monthly(Date(2024, 1, 1))
        >>> c.has_period(Period(Date(2024, 2, 1), Date(2024, 3, 1))), c.has_period(Period(Date(2024, 2, 1), Date(2024, 2, 15)))
        (True, False)
        """
        return self.period(self.index_of(period.start)) == period

    def following(self, period: Period) -> Period:
        """The period right after `period`, which must be one of this cadence's.

        >>> c = Cadence.monthly(Date(2024, 1, 31))
        >>> str(c.following(c.period(0)))
        '[2024-02-29, 2024-03-31)'
        """
        k = self.index_of(period.start)
        if self.period(k) != period:
            msg = f"{period} is not a period of {self}; its period holding {period.start} is {self.period(k)}"
            raise InvalidPeriod(msg)
        return self.period(k + 1)

    def periods(self, k0: int = 0) -> Iterator[Period]:
        """The periods from number `k0` on, without end.

        >>> from itertools import islice
        >>> [str(p) for p in islice(Cadence.every(Date(2024, 1, 1), days=10).periods(), 2)]
        ['[2024-01-01, 2024-01-11)', '[2024-01-11, 2024-01-21)']
        """
        k = k0
        while True:
            yield self.period(k)
            k += 1

    def __str__(self) -> str:
        if self.pattern:
            return f"weeks {'-'.join(map(str, self.pattern))} from {self.start}"
        names = {(1, Step.MONTHS): "monthly", (3, Step.MONTHS): "quarterly"}
        name = names.get((self.count, self.unit), f"every {self.count} {self.unit.value}")
        return f"{name} from {self.start}"

    def __repr__(self) -> str:
        if self.pattern:
            return f"Cadence.weeks({self.start!r}, pattern={self.pattern!r})"
        if self.unit is Step.MONTHS and self.count in (1, 3):
            factory = "monthly" if self.count == 1 else "quarterly"
            return f"Cadence.{factory}({self.start!r})"
        return f"Cadence.every({self.start!r}, {self.unit.value}={self.count})"
