"""`ParameterWindow`: what scoring needs of one active parameter, and how a threshold and a cap shape its achievement.

A window is computed once when a card is built (`Scorecard.windows`): the counting
dates ``[max(period start, counts_from), period end)``, their counting days (working
days with a `WorkCalendar`), the target after proration, the `Rule` that turns an
actual into an achievement, and the bands inside which each decision (against 1, the
status policy, the threshold, the cap) must be taken on exact values.  `shaped`
applies the threshold, then the cap, exactly: ``effective = 0`` below the threshold,
``min(effective, cap)`` above the cap.  A lower-is-better parameter without a cap of
its own is capped at 1 (zero complaints are the target met, not 200% of it).

>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100, threshold="0.5", cap="1.2")])
>>> (w,) = card.windows
>>> shaped(Decimal("0.4"), w, Decimal(4), Decimal(4), 1, 1), shaped(Decimal("1.5"), w, Decimal(15), Decimal(15), 1, 1)
((Decimal('0'), False), (Decimal('1.2'), False))
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from fractions import Fraction
from typing import Final

from pendulum import DateTime
from pendulum.tz.timezone import Timezone

from scorekit.achievement import Rule, compare, prorated, rule_for, rule_for_exact
from scorekit.calendar import WorkCalendar
from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO
from scorekit.parameter import Direction, Parameter
from scorekit.period import Period, as_utc, midnight
from scorekit.plan import WindowPlan
from scorekit.status import StatusPolicy, band

__all__ = ["ParameterWindow", "cap_of", "relief_floor", "shaped", "shaped_exact"]


class ParameterWindow:
    """What scoring needs of one active parameter, computed once when the card is built.

    The counting window ``[start, end)`` (``start`` is ``max(period start, counts_from)``),
    its length in counting `days` (working days with a calendar, else calendar days),
    the target after proration and the `rule` that turns an actual into an achievement.
    Read it through `Scorecard.windows`; it is a plain view, not a value to build.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 30, 100, counts_from=Date(2024, 4, 21), prorate=True)])
    >>> (w,) = card.windows
    >>> str(w.start), w.days, w.target, w.elapsed(Date(2024, 4, 22).toordinal())
    ('2024-04-21', 10, Decimal('10'), 2)
    """

    __slots__ = (
        "_expected",
        "_instants",
        "_judged",
        "at_risk_band",
        "base",
        "calendar",
        "cap",
        "cap_band",
        "clear",
        "days",
        "days_decimal",
        "early",
        "end",
        "end_ordinal",
        "fraction",
        "higher",
        "hot",
        "key",
        "level",
        "manual",
        "on_track_band",
        "one_band",
        "parameter",
        "plain",
        "plan",
        "planned",
        "policy",
        "reliefs",
        "rule",
        "share",
        "start",
        "start_ordinal",
        "target",
        "threshold_band",
        "too_early",
        "waiting",
    )

    def __init__(
        self,
        parameter: Parameter,
        period: Period,
        calendar: WorkCalendar | None,
        policy: StatusPolicy,
        plan: WindowPlan | None = None,
    ) -> None:
        start = period.start
        if parameter.counts_from is not None and parameter.counts_from > start:
            start = parameter.counts_from
        self.parameter = parameter
        self.key = parameter.metric.key
        self.manual = parameter.metric.is_manual
        self.level = parameter.metric.is_level
        self.higher = parameter.direction is Direction.HIGHER_IS_BETTER
        # Only what cannot fall back may be achieved before the window is over.
        self.early = self.higher and not self.level
        # The cap that applies: the parameter's, or 1 for lower is better without one.
        self.cap = cap_of(parameter)
        self.plain = parameter.threshold is None and self.cap is None
        self.policy = policy
        self.calendar = calendar
        self.start = start
        self.end = period.end
        self.start_ordinal = start.toordinal()
        self.end_ordinal = period.end.toordinal()
        if calendar is None:
            self.days = self.end_ordinal - self.start_ordinal
            whole = period.days
        else:
            self.days = calendar.count(self.start_ordinal, self.end_ordinal)
            whole = calendar.count(period.start.toordinal(), self.end_ordinal)
        if not self.days:
            msg = (
                f"parameter {self.key!r} counts in {self.period}, which has no working day "
                f"({calendar.describe() if calendar else 'no calendar'}); give the calendar a working day in that window"
            )
            raise InvalidScorecard(msg)
        self.days_decimal = Decimal(self.days)
        share = (self.days, whole) if parameter.prorate and self.days != whole else None
        # A moved plan (steps, a ramp, a phasing): the plan's exact T; a level starts from its first target.
        self.plan = plan
        self.base: ParameterWindow = self
        self.reliefs: tuple[object, ...] = ()
        self._judged: dict[tuple[Fraction, tuple[object, ...]], ParameterWindow] = {}
        self._expected: dict[int, tuple[Decimal, Fraction]] = {}
        if plan is None:
            self.share = Fraction(1) if share is None else Fraction(*share)
            rule = rule_for(parameter, share)
        else:
            self.share = plan.share
            at = plan.in_force(self.start_ordinal) if self.level else plan.target
            rule = rule_for_exact(parameter, at, plan.share, self._written(at))
        self.fraction = parameter.weight.fraction
        self._judge(rule)
        self._instants: tuple[DateTime, DateTime, _dt.datetime, _dt.datetime] | None = None

    def _judge(self, rule: Rule) -> None:
        """Judge by `rule`: its target, the decision bands it implies, and the scoring loop's view."""
        parameter, policy, calendar = self.parameter, self.policy, self.calendar
        self.rule = rule
        self.target = rule.target
        # Each decision this parameter takes, with the band of values that must be decided exactly.
        k1, k0 = rule.k1, rule.k0
        self.one_band = band(k1, k0, ONE)
        self.on_track_band = band(k1, k0, policy.on_track)
        self.at_risk_band = band(k1, k0, policy.at_risk)
        self.threshold_band = None if parameter.threshold is None else band(k1, k0, parameter.threshold)
        self.cap_band = None if self.cap is None else band(k1, k0, self.cap)
        # Above `low` and below `high` neither the threshold nor the cap can apply: no exact check needed.
        self.clear = (
            None if self.threshold_band is None else self.threshold_band[1],
            None if self.cap_band is None else self.cap_band[0],
        )
        # Before the window starts it counts as on plan in the card's projection: achievement 1,
        # shaped by the cap; its contribution to the projected total, and its scoring context.
        on_plan = ONE if self.cap is None else min(ONE, self.cap)
        self.planned = EXACT_SUMS.multiply(self.fraction, on_plan)
        self.waiting = (self, 0, False, 0, policy, False, False, on_plan, 1, 1)
        # The counting days below which a status is too early to judge (0: judged from the start).
        self.too_early = EXACT_SUMS.multiply(policy.judge_from, self.days_decimal)
        # What the scoring loop reads of every window, unpacked in one step (its hot path).
        self.hot = (
            self.key,
            self.start_ordinal,
            self.end_ordinal,
            rule,
            self.days,
            self.days_decimal,
            calendar,
            self.level,
            self.plain,
            self.early,
            rule.divisor,
            self.fraction,
            self.target,
            parameter,
            self.plan,
        )

    def judged(self, target: Fraction, reliefs: tuple[object, ...] = ()) -> ParameterWindow:
        """This window judged against the exact target `target` (a level's target in force, a relieved `T`).

        Itself when nothing changes; else a copy with its own rule and bands, kept
        per target and reliefs (`reliefs`: the relief adjustments behind it, for
        `explain`).  `base` is the window it was made from.

        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> (w,) = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)]).windows
        >>> w.judged(Fraction(10)) is w, w.judged(Fraction(9)).target, w.judged(Fraction(9)).base is w
        (True, Decimal('9'), True)
        """
        if not reliefs and target == self.rule.exact_target:
            return self
        key = (target, reliefs)
        found = self._judged.get(key)
        if found is None:
            found = object.__new__(ParameterWindow)
            for name in ParameterWindow.__slots__:
                object.__setattr__(found, name, getattr(self, name))
            found.base, found.reliefs, found._judged = self, reliefs, {}
            found._judge(rule_for_exact(self.parameter, target, self.share, None if reliefs else self._written(target)))
            self._judged[key] = found
        return found

    def _written(self, target: Fraction) -> Decimal | None:
        """`target` as the parameter writes it, where it is the target or a step's (prorated alike), else None.

        So a moved plan that lands on a written target reports it as 0.2 would (``15.0`` stays ``15.0``).
        """
        share = self.share
        for written in (self.parameter.target, *(step.target for step in self.parameter.steps)):
            if Fraction(written) * share == target:
                return written if share == 1 else prorated(written, (share.numerator, share.denominator))
        return None

    def pace(self, today: int, elapsed: int) -> tuple[int, int]:
        """``(days, elapsed)`` such that ``actual * days / elapsed`` is the projected actual of a SUM part-way through.

        0.2's counting days without a moved plan; else ``expected``'s denominator and
        numerator (``actual / expected``), or ``(1, 1)`` while nothing (or all) of the
        target is expected yet: the projection is then the achievement.

        >>> from scorekit import Cadence, Date, Parameter, Phasing, Scorecard, User
        >>> q = Cadence.quarterly(Date(2025, 1, 1))
        >>> card = Scorecard("c1", User("ann"), q, q.period(0), [Parameter("deals_won", 300, 100)], phasing=Phasing({1: 3, 2: 3, 3: 4}))
        >>> card.windows[0].pace(Date(2025, 2, 14).toordinal(), 45)  # actual x 20 / 9 = actual / 0.45
        (20, 9)
        """
        if self.plan is None:
            return self.days, elapsed
        exact = self.expected_at(today)[1]
        # 0 < exact < 1 on its parts (a Fraction's denominator is positive): a tenth of the comparison's cost
        return (exact.denominator, exact.numerator) if 0 < exact.numerator < exact.denominator else (1, 1)

    def expected_at(self, today: int) -> tuple[Decimal, Fraction]:
        """``expected`` on the date ordinal `today`: as reported (34 digits) and exactly; kept per day.

        ``T_d / T`` by a moved plan, else ``elapsed / days``.  The Q1 phasing of DESIGN by Feb 14:

        >>> from scorekit import Cadence, Date, Parameter, Phasing, Scorecard, User
        >>> q = Cadence.quarterly(Date(2025, 1, 1))
        >>> card = Scorecard("c1", User("ann"), q, q.period(0), [Parameter("deals_won", 300, 100)], phasing=Phasing({1: 3, 2: 3, 3: 4}))
        >>> card.windows[0].expected_at(Date(2025, 2, 14).toordinal())
        (Decimal('0.45'), Fraction(9, 20))
        """
        known = self._expected.get(today)
        if known is None:
            if self.plan is None:
                exact = Fraction(min(self.elapsed(today), self.days), self.days)
            else:
                exact = self.plan.expected(today)
            shown = EXACT.divide(Decimal(exact.numerator), Decimal(exact.denominator))
            known = self._expected[today] = (shown, exact)
        return known

    @property
    def period(self) -> Period:
        """The window as a half-open `Period` of calendar dates."""
        return Period(self.start, self.end)

    def elapsed(self, today: int) -> int:
        """Counting days from the window start through the date ordinal `today` (inclusive), clamped to `days`."""
        calendar = self.calendar
        if calendar is None:
            return min(max(today - self.start_ordinal + 1, 0), self.days)
        return calendar.count(self.start_ordinal, min(today + 1, self.end_ordinal))

    def instants(self, tzinfo: Timezone) -> tuple[DateTime, DateTime, _dt.datetime, _dt.datetime]:
        """The local midnights that open and close the window, and the same two as plain UTC datetimes.

        Computed on first use and kept: a pure memo on an immutable card, because
        resolving local midnights is costly.
        """
        if self._instants is None:
            start, end = midnight(self.start, tzinfo), midnight(self.end, tzinfo)
            self._instants = (start, end, as_utc(start), as_utc(end))
        return self._instants


def shaped(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal, window: ParameterWindow, used: Decimal, actual: Decimal, days: int, elapsed: int
) -> tuple[Decimal, bool]:
    """Threshold and cap applied, exactly; and whether the result is still the rule's (not 0 or the cap)."""
    threshold, bounds = window.parameter.threshold, window.threshold_band
    if threshold is not None and bounds is not None:
        low, high = bounds
        if value < low or (
            value <= high and compare(value, threshold, bounds, window.rule, used, actual, days, elapsed) < 0
        ):
            return ZERO, False
    cap, bounds = window.cap, window.cap_band
    if cap is not None and bounds is not None:
        low, high = bounds
        if value > high or (value >= low and compare(value, cap, bounds, window.rule, used, actual, days, elapsed) > 0):
            return cap, False
    return value, True


def relief_floor(baseline: Decimal | None, share: Fraction) -> Fraction:
    """What a target after reliefs must stay above: 0, or the baseline scaled to the window's `share` when higher.

    >>> relief_floor(None, Fraction(1)), relief_floor(Decimal(-5), Fraction(1)), relief_floor(Decimal(30), Fraction(1, 2))
    (Fraction(0, 1), Fraction(0, 1), Fraction(15, 1))
    """
    return max(_NO_FLOOR, Fraction(baseline) * share) if baseline is not None else _NO_FLOOR


_NO_FLOOR: Final = Fraction(0)


def cap_of(parameter: Parameter) -> Decimal | None:
    """The cap that applies: the parameter's own, or 1 for lower is better without one (DESIGN 0.3).

    >>> from scorekit import Parameter
    >>> cap_of(Parameter("complaints", 5, 100, direction="lower_is_better")), cap_of(Parameter("deals_won", 10, 100))
    (Decimal('1'), None)
    """
    if parameter.cap is None and parameter.direction is Direction.LOWER_IS_BETTER:
        return ONE
    return parameter.cap


def shaped_exact(value: Fraction, parameter: Parameter) -> Fraction:
    """An exact achievement after `parameter`'s threshold (0 below it), then its cap (at most it): what counts.

    The rule scoring applies to each card (where it decides on these same exact values).

    >>> from scorekit import Parameter
    >>> shaped_exact(Fraction(3, 2), Parameter("deals_won", 10, 100, cap="1.2")), shaped_exact(Fraction(2, 5), Parameter("deals_won", 10, 100, threshold="0.5"))
    (Fraction(6, 5), Fraction(0, 1))
    """
    threshold, cap = parameter.threshold, cap_of(parameter)
    if threshold is not None and value < threshold:
        return Fraction(0)
    if cap is not None and value > cap:
        return Fraction(cap)
    return value
