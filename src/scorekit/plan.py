"""The plan as it moves: targets changed from a date, ramps, seasonal phasing, and day weights.

Three values say how a plan moves: a `TargetStep` (a parameter's target changed
from a date), a `Ramp` (a new person's targets scaled down for their first
periods) and a `Phasing` (a weight for each calendar month, to shape a seasonal
period).  `WindowPlan` turns them, with a card's `WorkCalendar`, into the one
measure of time behind pace, proration and targets (DESIGN, "One measure of time"):

- each local date ``d`` of a window weighs ``w(d)``: 0 on a day the calendar does
  not count, else 1, or with a phasing the month's weight divided by the counted
  days of that whole calendar month; ``m(S)`` is the sum of ``w`` over ``S``;
- the target in force ``t(d)`` is the target changed from a date by the steps,
  times the ramp factor;
- over a window ``W``: ``T = sum t(d) w(d) / m(W)`` (times ``m(W) / m(period)``
  with proration), ``T_d`` the same sum over the days elapsed so far, and
  ``expected = T_d / T``.

Everything is exact (`fractions.Fraction`) and there is no loop over days: a
window is cut where a step takes effect and, with a phasing, where a month
begins; within each piece the target and the weight of a counted day are
constant, and counted days come from `WorkCalendar.count` (arithmetic on
ordinals).  This module knows nothing of parameters or cards: it imports only
numbers, periods and calendars, so `scorekit.parameter` can hold its steps.

>>> plan = WindowPlan(Date(2024, 4, 1), Date(2024, 5, 1), Period(Date(2024, 4, 1), Date(2024, 5, 1)),
...                   target=Decimal(10), steps=(TargetStep(Date(2024, 4, 10), 20),))
>>> plan.target, plan.target_to(Date(2024, 4, 9).toordinal()), plan.expected(Date(2024, 4, 9).toordinal())
(Fraction(17, 1), Fraction(3, 1), Fraction(3, 17))
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import datetime as _dt
import functools
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs
from pendulum import Date

from scorekit.calendar import WorkCalendar
from scorekit.errors import InvalidParameter, InvalidPeriod, InvalidScorecard
from scorekit.numbers import MAX_PLACES, ONE, to_decimal
from scorekit.period import Cadence, Period, as_date

__all__ = ["Phasing", "Ramp", "TargetStep", "WindowPlan", "day_weight", "ramp_factor", "window_plan"]

_MONTHS: Final = range(1, 13)
_MONTH_NAMES: Final = tuple(_calendar.month_name[m] for m in _MONTHS)
_ZERO: Final = Fraction(0)
_ONE: Final = Fraction(1)


def _effective(value: object) -> Date:
    try:
        return as_date(value, name="a target step's effective date")
    except InvalidPeriod as error:
        raise InvalidParameter(str(error)) from None


def _step_target(value: object) -> Decimal:
    return to_decimal(value, name="a target step's target", error=InvalidParameter, places=MAX_PLACES)


@attrs.frozen
class TargetStep:
    """From `effective` on, a parameter's target is `target` (an effective-dated target).

    The target is converted like a parameter's; whether it suits the parameter
    (direction, baseline) and the card (a date inside the window) is checked by
    `Parameter` and `Scorecard`.

    >>> TargetStep(Date(2024, 4, 10), "20.5")
    TargetStep(effective=Date(2024, 4, 10), target=Decimal('20.5'))
    >>> TargetStep("2024-04-10", float("nan"))
    Traceback (most recent call last):
    scorekit.errors.InvalidParameter: a target step's target must be a finite number (int, str, Decimal or float), got nan
    """

    effective: Date = attrs.field(converter=_effective)
    target: Decimal = attrs.field(converter=_step_target)


def _ramp_start(value: object) -> Date:
    try:
        return as_date(value, name="ramp start")
    except InvalidPeriod as error:
        raise InvalidScorecard(str(error)) from None


def _factors(value: Iterable[object]) -> tuple[Decimal, ...]:
    if isinstance(value, str | bytes | Decimal | int | float):
        msg = f"ramp factors must be a sequence of numbers such as (0.5, 0.75), got the single {value!r}"
        raise InvalidScorecard(msg)
    try:
        items = tuple(value)
    except TypeError:
        msg = f"ramp factors must be a sequence of numbers such as (0.5, 0.75), got {value!r}"
        raise InvalidScorecard(msg) from None
    if not items:
        msg = "a ramp needs at least one factor, such as (0.5, 0.75), got ()"
        raise InvalidScorecard(msg)
    factors = tuple(
        to_decimal(item, name=f"ramp factor {n}", error=InvalidScorecard, places=MAX_PLACES)
        for n, item in enumerate(items, 1)
    )
    for n, factor in enumerate(factors, 1):
        if not 0 < factor <= 1:
            msg = f"ramp factor {n} must be more than 0 and at most 1 (a share of the full target), got {factor}"
            raise InvalidScorecard(msg)
    return factors


@attrs.frozen
class Ramp:
    """A new person's first periods at a share of the full target.

    The card whose period holds `start` takes ``factors[0]``, the next one
    ``factors[1]``, and so on; later cards take the full target (factor 1).

    >>> ramp = Ramp(Date(2025, 1, 15), (0.5, 0.75))
    >>> ramp.factors, ramp.factor(1), ramp.factor(2)
    ((Decimal('0.5'), Decimal('0.75')), Decimal('0.75'), Decimal('1'))
    >>> Ramp(Date(2025, 1, 15), (0, 1))
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: ramp factor 1 must be more than 0 and at most 1 (a share of the full target), got 0
    """

    start: Date = attrs.field(converter=_ramp_start)
    factors: tuple[Decimal, ...] = attrs.field(converter=_factors)

    def factor(self, k: int) -> Decimal:
        """The factor of the card `k` periods after the one holding `start`: 1 outside the ramp."""
        return self.factors[k] if 0 <= k < len(self.factors) else ONE


def ramp_factor(ramp: Ramp | None, cadence: Cadence, period: Period) -> Decimal:
    """The ramp factor of a card with `cadence` and `period`: 1 without a ramp.

    A period that ends on or before the ramp's start has no factor: `InvalidScorecard`.

    >>> monthly = Cadence.monthly(Date(2025, 1, 1))
    >>> ramp = Ramp(Date(2025, 1, 15), (0.5, 0.75))
    >>> [str(ramp_factor(ramp, monthly, monthly.period(k))) for k in range(3)]
    ['0.5', '0.75', '1']
    """
    if ramp is None:
        return ONE
    if period.end <= ramp.start:
        msg = f"the period {period} ends on or before the ramp's start {ramp.start}; a ramp applies from its start on"
        raise InvalidScorecard(msg)
    return ramp.factor(cadence.index_of(period.start) - cadence.index_of(ramp.start))


def _month_weights(value: object) -> tuple[Decimal, ...]:
    if isinstance(value, Mapping):
        given = dict(value)
        for month in given:
            if isinstance(month, bool) or not isinstance(month, int) or month not in _MONTHS:
                msg = f"phasing months must be whole numbers 1..12 (January = 1), got {month!r}"
                raise InvalidScorecard(msg)
        raw = [given.get(month, 1) for month in _MONTHS]
    elif isinstance(value, tuple) and len(value) == len(_MONTHS):
        raw = list(value)  # the 12 weights, January first (what `attrs.evolve` passes back)
    else:
        msg = f"a phasing needs a mapping of calendar months (1..12) to weights, such as {{1: 3, 2: 3, 3: 4}}, got {value!r}"
        raise InvalidScorecard(msg)
    weights = tuple(
        to_decimal(weight, name=f"the phasing weight of {_MONTH_NAMES[n]}", error=InvalidScorecard, places=MAX_PLACES)
        for n, weight in enumerate(raw)
    )
    for n, weight in enumerate(weights):
        if weight < 0:
            msg = f"the phasing weight of {_MONTH_NAMES[n]} must be 0 or more, got {weight}"
            raise InvalidScorecard(msg)
    if not any(weights):
        msg = "a phasing needs at least one month weighing more than 0, got 0 for all 12"
        raise InvalidScorecard(msg)
    return weights


@attrs.frozen(repr=False)
class Phasing:
    """How much of a period's plan falls in each calendar month: a weight per month (1..12).

    Months not given weigh 1.  Within a month the weight is spread evenly over the
    days that count (working days with a calendar).  Built from a mapping of months
    to weights; `months` gives back the months that do not weigh 1.

    >>> q1 = Phasing({1: 3, 2: 3, 3: 4})
    >>> q1.weight(3), q1.weight(7), q1
    (Decimal('4'), Decimal('1'), Phasing({1: 3, 2: 3, 3: 4}))
    >>> Phasing({13: 1})
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: phasing months must be whole numbers 1..12 (January = 1), got 13
    """

    weights: tuple[Decimal, ...] = attrs.field(alias="months", converter=_month_weights)
    """The twelve weights, January first."""

    def weight(self, month: int) -> Decimal:
        """The weight of calendar month `month` (1..12)."""
        return self.weights[month - 1]

    @property
    def months(self) -> dict[int, Decimal]:
        """The months that do not weigh 1, and their weights: ``Phasing(p.months) == p``."""
        return {n: weight for n, weight in enumerate(self.weights, 1) if weight != 1}

    def __repr__(self) -> str:
        return "Phasing({" + ", ".join(f"{n}: {weight}" for n, weight in self.months.items()) + "})"


def _month_start(ordinal: int) -> tuple[int, int]:
    """The ordinals of the first day of the month holding `ordinal` and of the next month."""
    day = _dt.date.fromordinal(ordinal)
    first = _dt.date(day.year, day.month, 1).toordinal()
    return first, first + _calendar.monthrange(day.year, day.month)[1]


def _counted(calendar: WorkCalendar | None, start: int, end: int) -> int:
    """The days that count among the ordinals ``[start, end)``."""
    if calendar is None:
        return max(end - start, 0)
    return calendar.count(start, end)


def _rate(ordinal: int, calendar: WorkCalendar | None, phasing: Phasing | None) -> Fraction | int:
    """The weight of a counted day in the month holding `ordinal`: 1, or the month's share of its phasing weight."""
    if phasing is None:
        return 1  # an int: without a phasing, measures stay whole numbers of days (cheap and exact)
    first, after = _month_start(ordinal)
    counted = _counted(calendar, first, after)
    if not counted:
        return 0
    return Fraction(phasing.weight(_dt.date.fromordinal(ordinal).month)) / counted


def day_weight(day: _dt.date, calendar: WorkCalendar | None = None, phasing: Phasing | None = None) -> Fraction:
    """``w(d)``: how much the local date `day` counts for pace and proration.

    0 on a day the calendar does not count, else 1, or with a phasing the month's
    weight divided by the counted days of that whole calendar month.

    >>> q1 = Phasing({1: 3, 2: 3, 3: 4})
    >>> day_weight(Date(2025, 2, 14)), day_weight(Date(2025, 2, 14), phasing=q1)
    (Fraction(1, 1), Fraction(3, 28))
    >>> day_weight(Date(2025, 2, 15), WorkCalendar(), q1)  # a Saturday
    Fraction(0, 1)
    """
    ordinal = day.toordinal()
    if not _counted(calendar, ordinal, ordinal + 1):
        return _ZERO
    return Fraction(_rate(ordinal, calendar, phasing))


def _cuts(start: int, end: int, at: Iterable[int], *, months: bool) -> list[int]:
    """The ordinals that cut ``[start, end)`` into pieces: `start`, each of `at` inside, each month start if `months`."""
    cuts = {start, *(ordinal for ordinal in at if start < ordinal < end)}
    if months:
        ordinal = _month_start(start)[1]
        while ordinal < end:
            cuts.add(ordinal)
            ordinal = _month_start(ordinal)[1]
    return sorted(cuts)


def _measure(start: int, end: int, calendar: WorkCalendar | None, phasing: Phasing | None) -> Fraction | int:
    """``m([start, end))``."""
    if phasing is None:
        return _counted(calendar, start, end)
    pieces = [*_cuts(start, end, (), months=True), end]
    return sum((_rate(a, calendar, phasing) * _counted(calendar, a, b) for a, b in itertools.pairwise(pieces)), 0)


class WindowPlan:
    """The day weights of one parameter's window: its target `T`, target to date `T_d`, `expected`.

    Built once per (window, period, calendar, phasing, target, steps, ramp factor,
    proration), then asked cheaply for any day: each answer is a lookup among the
    window's pieces (one per step and, with a phasing, per month) and one count of
    counted days, kept per day once asked.  Days are date ordinals
    (``Date.toordinal()``), as the scoring loop holds them; "through `today`" means
    the days of the window from its start up to and including `today`.

    With no step, a ramp factor of 1 and no phasing (`plain`), every number is
    0.2's: ``m(W)`` is the window's counted days, `target` the target times
    ``days / period days`` when prorated, and ``expected(today)`` is
    ``elapsed / days``.

    The Q1 phasing example of DESIGN: ``m(W) = 3 + 3 + 4``, and by Feb 14
    ``m = 3 + 3 x 14/28 = 4.5``:

    >>> q1 = Period(Date(2025, 1, 1), Date(2025, 4, 1))
    >>> plan = WindowPlan(q1.start, q1.end, q1, phasing=Phasing({1: 3, 2: 3, 3: 4}), target=Decimal(300))
    >>> feb14 = Date(2025, 2, 14).toordinal()
    >>> plan.measure, plan.measure_to(feb14), plan.expected(feb14), plan.target
    (Fraction(10, 1), Fraction(9, 2), Fraction(9, 20), Fraction(300, 1))
    >>> WindowPlan(Date(2025, 2, 1), q1.end, q1, phasing=Phasing({1: 3, 2: 3, 3: 4}), target=Decimal(300), prorate=True).target
    Fraction(210, 1)
    """

    __slots__ = (
        "_calendar",
        "_memo",
        "_pieces",
        "_rates",
        "_run_sums",
        "_run_weights",
        "_scale",
        "_steps",
        "_targets",
        "_total",
        "end",
        "measure",
        "period_measure",
        "plain",
        "share",
        "start",
        "target",
    )

    start: int
    """The ordinal of the window's first day."""
    end: int
    """The ordinal of the day after the window's last day."""
    plain: bool
    """No step, a ramp factor of 1 and no phasing: every number is 0.2's."""
    measure: Fraction
    """``m(W)``: the window's weight (its counted days without a phasing)."""
    period_measure: Fraction
    """``m(period)``."""
    share: Fraction
    """The proration factor ``m(W) / m(period)``, or 1 when not prorated."""
    target: Fraction
    """``T = sum t(d) w(d) / m(W)``, times `share`."""

    def __init__(
        self,
        start: _dt.date,
        end: _dt.date,
        period: Period,
        *,
        target: Decimal,
        steps: tuple[TargetStep, ...] = (),
        factor: Decimal = ONE,
        calendar: WorkCalendar | None = None,
        phasing: Phasing | None = None,
        prorate: bool = False,
    ) -> None:
        first, after = self.start, self.end = start.toordinal(), end.toordinal()
        self.plain = not steps and factor == 1 and phasing is None
        self._calendar = calendar
        # t(d) as pieces: from `_steps[i]` on (the first from any day) the target is `_targets[i]`.
        self._steps = (0, *(step.effective.toordinal() for step in steps))
        targets = (Fraction(target), *(Fraction(step.target) for step in steps))
        if factor != 1:
            scale = Fraction(factor)
            targets = tuple(t * scale for t in targets)
        self._targets = targets
        pieces = _cuts(first, after, self._steps, months=phasing is not None) if steps or phasing else [first]
        rates = [_rate(a, calendar, phasing) for a in pieces]
        # Running sums before each piece: of w (the measure) and of t(d) w(d).
        run_weights: list[Fraction | int] = [0]
        run_sums: list[Fraction | int] = [0]
        for a, b, rate in zip(pieces, [*pieces[1:], after], rates, strict=True):
            weight = rate * _counted(calendar, a, b)
            run_weights.append(run_weights[-1] + weight)
            run_sums.append(run_sums[-1] + weight * self._in_force(a))
        self._pieces, self._rates = tuple(pieces), tuple(rates)
        self._run_weights, self._run_sums = tuple(run_weights), tuple(run_sums)
        measure, total = run_weights[-1], run_sums[-1]
        if not measure:
            msg = (
                f"its window [{start}, {end}) weighs nothing: no day in it counts"
                f" ({_why_nothing(calendar, phasing)}); give the window a day that counts"
            )
            raise InvalidScorecard(msg)
        self.measure, self._total = Fraction(measure), Fraction(total)
        whole = measure if (period.start, period.end) == (start, end) else None
        if whole is None:
            whole = _measure(period.start.toordinal(), period.end.toordinal(), calendar, phasing)
        self.period_measure = Fraction(whole)
        self.share = self.measure / whole if prorate and whole != measure else _ONE
        # T = total / m(W) x share; T_d is the running sum times the same `_scale`.
        self._scale = self.share / self.measure
        self.target = self._total * self._scale
        self._memo: dict[int, tuple[Fraction, Fraction, Fraction]] = {}

    def _in_force(self, ordinal: int) -> Fraction:
        return self._targets[bisect.bisect_right(self._steps, ordinal) - 1]

    def _to(self, today: int) -> tuple[Fraction, Fraction, Fraction]:
        """``(m, T_d, expected)`` over the window's days through `today`."""
        stop = min(today + 1, self.end)
        if stop <= self.start:
            return _ZERO, _ZERO, _ZERO
        known = self._memo.get(stop)
        if known is None:
            i = bisect.bisect_right(self._pieces, stop - 1) - 1
            a = self._pieces[i]
            weight = self._rates[i] * _counted(self._calendar, a, stop)
            measure = Fraction(self._run_weights[i] + weight)
            weighted = self._run_sums[i] + weight * self._in_force(a)
            total = self._total
            expected = weighted / total if total else measure / self.measure
            known = self._memo[stop] = (measure, weighted * self._scale, expected)
        return known

    def measure_to(self, today: int) -> Fraction:
        """``m`` of the window's days through `today` (0 before the window; `measure` from its last day on)."""
        return self._to(today)[0]

    def target_to(self, today: int) -> Fraction:
        """``T_d``: ``sum t(d) w(d)`` over the window's days through `today`, over ``m(W)``, times `share`."""
        return self._to(today)[1]

    def expected(self, today: int) -> Fraction:
        """``T_d / T``: the share of the target due by the end of `today` (0 while nothing has elapsed).

        Where ``T`` is 0 (a lower-is-better target of 0) it is the share of the
        window's weight elapsed, ``m(elapsed) / m(W)``, as in 0.2.
        """
        return self._to(today)[2]

    def in_force(self, today: int) -> Fraction:
        """``t(d)`` on `today` clamped to the window: what a level is judged against (ramp included)."""
        return self._in_force(min(max(today, self.start), self.end - 1))


def _why_nothing(calendar: WorkCalendar | None, phasing: Phasing | None) -> str:
    parts = [calendar.describe() if calendar is not None else "no calendar"]
    if phasing is not None:
        parts.append(f"phasing {phasing!r}")
    return "; ".join(parts)


@functools.lru_cache(maxsize=1024)
def window_plan(
    start: Date,
    end: Date,
    period: Period,
    *,
    target: Decimal,
    steps: tuple[TargetStep, ...] = (),
    factor: Decimal = ONE,
    calendar: WorkCalendar | None = None,
    phasing: Phasing | None = None,
    prorate: bool = False,
) -> WindowPlan:
    """The `WindowPlan` of these inputs, shared: cards of one template ask for the same one.

    A plan only remembers days it was asked about, so sharing it is safe.

    >>> april = Period(Date(2024, 4, 1), Date(2024, 5, 1))
    >>> window_plan(april.start, april.end, april, target=Decimal(10)) is window_plan(april.start, april.end, april, target=Decimal(10))
    True
    """
    return WindowPlan(
        start,
        end,
        period,
        target=target,
        steps=steps,
        factor=factor,
        calendar=calendar,
        phasing=phasing,
        prorate=prorate,
    )
