"""`score`: from a card and the CRM's numbers to achievement, weighted score and pace (F11, F12).

For each active parameter with actual ``a`` and target ``t`` (prorated if asked), the
parameter's rule (`scorekit.achievement`, chosen once per window) gives the
``achievement``: ``a / t`` when higher is better, ``max(0, 2 - a / t)`` when lower
is, ``max(0, (a - b) / (t - b))`` from a baseline ``b``, and ``max(0, 1 - max(0,
|a - t| - band) / tolerance)`` near the target.  Then:

- a threshold ``h`` zeroes an achievement below it, a cap ``c`` limits it: ``effective``;
- ``contribution = weight * effective``; the card's ``total`` is their sum;
- pace: ``expected = elapsed / days`` and ``projected`` is the achievement of
  ``a * days / elapsed`` for a SUM, the achievement itself for a level (AVERAGE or
  LAST), counting working days when the card has a `WorkCalendar`;
- status: `scorekit.status`.

Divisions are carried to 34 significant digits; products with weights and sums are
exact, so the total never depends on the order of the parameters.  Every decision
(a status, a threshold, a cap) is taken on the exact rational value.  Nothing is
rounded until `CardScore.percent` (which rounds the exact total once, half up) and
`explain`.  No arithmetic here consults the caller's decimal context.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 60), Parameter("calls", 200, 40)])
>>> result = score(card, {"deals_won": 12, "calls": 150}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
>>> result.total == Decimal("1.02"), result.percent(), result.status
(True, Decimal('102.00'), <Status.ACHIEVED: 'achieved'>)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from scorekit import _html
from scorekit.achievement import Rule
from scorekit.errors import MissingMeasurement
from scorekit.measurement import Evidence, ManualEntry, Measurement, as_instant, latest_values
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, Number, exact_sum, for_display, to_decimal
from scorekit.parameter import Direction, Parameter
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import ParameterWindow, Scorecard
from scorekit.status import Status, StatusPolicy

__all__ = ["CardScore", "ParameterScore", "Status", "score"]

_HUNDRED: Final = Decimal(100)
_MAGNITUDE: Final = Decimal(10**15)
_FRACTION_ZERO: Final = Fraction(0)


class _Why:
    """What `explain` needs beyond a score's fields: the window, the pace and the policy."""

    __slots__ = ("elapsed", "over", "paced", "policy", "today", "window")

    def __init__(  # noqa: PLR0917 - built once per parameter in the hot loop: positional is cheapest
        self, window: ParameterWindow, elapsed: int, today: int, over: bool, paced: bool, policy: StatusPolicy
    ) -> None:
        self.window = window
        self.elapsed = elapsed
        self.today = today
        self.over = over
        self.paced = paced
        self.policy = policy


@attrs.frozen
class ParameterScore:
    """How one active parameter scored; `target` is after proration.

    `actual` is None for a level with no record in the window yet; `achievement` is
    raw; `effective` is after threshold and cap; `expected` is the share of the
    window elapsed; `projected` the achievement at the current pace (a level's is its
    achievement); `remaining` what is left to reach the target (higher is better
    only) and `per_day` that spread over the days left (a SUM whose window is open).
    """

    parameter: Parameter
    actual: Decimal | None
    target: Decimal
    achievement: Decimal
    effective: Decimal
    contribution: Decimal
    expected: Decimal
    projected: Decimal | None
    status: Status
    evidence: tuple[Evidence, ...] = ()
    remaining: Decimal | None = None
    per_day: Decimal | None = None
    _why: _Why | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def key(self) -> str:
        """The metric's key."""
        return self.parameter.metric.key

    def explain(self) -> str:
        """How this score came about, one line per step, numbers rounded for display.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
        >>> print(score(card, {"deals_won": 4}, as_of=pendulum.datetime(2024, 4, 10, 12, tz="UTC")).parameters[0].explain())
        deals_won: weight 100%, higher is better, sum of records
          window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed
          target: 10
          actual: 4
          achievement = 4 / 10 = 40.00%
          contribution = 100% x 40.00% = 40.00%
          pace: expected 33.33% by now; projected 4 x 30 / 10 = 12 -> 120.00%
          remaining: 6, 0.3 a day over the 20 days left
          status: on_track (projected 120.00% >= on track 100.00%)
        """
        return "\n".join(_explain_parameter(self))


@attrs.frozen
class CardScore:
    """A card's score as of an instant: the total, the pace, and every parameter's score."""

    card: Scorecard
    as_of: _dt.datetime
    total: Decimal
    parameters: tuple[ParameterScore, ...]
    projected: Decimal | None
    status: Status
    _exact_total: _Exact | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def percent(self, places: int = 2) -> Decimal:
        """The total as a percentage, the exact total rounded once, half up, to `places` decimals.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
        >>> result = score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> result.total < 1, result.percent(), result.status.value  # the exact total is 1/3 + 2/3 = 1
        (True, Decimal('100.00'), 'achieved')
        """
        shown = for_display(EXACT_SUMS.multiply(self.total, _HUNDRED), places)
        exact = self._exact_total
        if exact is None or not exact.error:
            return shown
        error = EXACT_SUMS.multiply(exact.error, _HUNDRED)
        low = for_display(EXACT_SUMS.subtract(EXACT_SUMS.multiply(self.total, _HUNDRED), error), places)
        high = for_display(EXACT_SUMS.add(EXACT_SUMS.multiply(self.total, _HUNDRED), error), places)
        if low == high:
            return shown
        return _round_half_up(exact.value() * 100, places)

    def parameter(self, key: str) -> ParameterScore:
        """The score of the parameter for metric `key`."""
        for item in self.parameters:
            if item.key == key:
                return item
        msg = f"card {self.card.id!r} scored no metric {key!r}; it scored {', '.join(repr(p.key) for p in self.parameters)}"
        raise KeyError(msg)

    def explain(self) -> str:
        r"""How the card's score came about: each parameter's steps, then the total and the status.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 60), Parameter("calls", 200, 40)])
        >>> text = score(card, {"deals_won": 12, "calls": 150}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC")).explain()
        >>> print(text.splitlines()[0]); print("\n".join(text.splitlines()[-3:]))
        card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)
        total = 72.00% + 30.00% = 102.00%
        projected total: 102.00%
        status: achieved (total 102.00% >= 100% and the period is over)
        """
        return "\n".join(_explain_card(self))

    def to_records(self) -> list[dict[str, object]]:
        """One plain dict per parameter, ready for ``pandas.DataFrame``."""
        card = self.card
        return [
            {
                "card": card.id,
                "owner": card.owner.id,
                "period_start": card.period.start,
                "metric": item.key,
                "label": item.parameter.metric.display_name,
                "unit": item.parameter.metric.unit,
                "direction": item.parameter.direction.value,
                "actual": item.actual,
                "target": item.target,
                "weight": item.parameter.weight.as_percent,
                "achievement": item.achievement,
                "effective": item.effective,
                "contribution": item.contribution,
                "expected": item.expected,
                "projected": item.projected,
                "status": item.status.value,
                "evidence": len(item.evidence),
                "remaining": item.remaining,
                "per_day": item.per_day,
            }
            for item in self.parameters
        ]

    def _repr_html_(self) -> str:
        card = self.card
        rows = "".join(
            "<tr>"
            f"<td>{_html.text(item.parameter.metric.display_name)}</td>"
            f"<td>{_html.text(item.actual)} / {_html.text(item.target)} {_html.text(item.parameter.metric.unit)}</td>"
            f"<td>{_html.text(item.parameter.weight)}</td>"
            f"<td>{_html.bar(item.effective, item.status.value)}</td>"
            f"<td>{_html.percent(item.achievement)}</td>"
            f"<td>{_html.text(item.status.value)}</td>"
            "</tr>"
            for item in self.parameters
        )
        title = card.name or card.id
        return (
            '<table class="scorekit-card">'
            f"<caption>{_html.text(title)} \u00b7 {_html.text(card.owner.id)} \u00b7 {_html.text(card.period)}</caption>"
            "<thead><tr><th>Parameter</th><th>Actual / target</th><th>Weight</th><th></th>"
            "<th>Achievement</th><th>Status</th></tr></thead>"
            f"<tbody>{rows}</tbody>"
            f"<tfoot><tr><th>Total</th><td></td><td>100%</td><td>{_html.bar(self.total, self.status.value)}</td>"
            f"<td>{_html.percent(self.total)}</td><td>{_html.text(self.status.value)}</td></tr></tfoot>"
            "</table>"
        )


# ---------------------------------------------------------------------------------------------
# Exact decisions.  A reported Decimal is within a known error of the exact value (each
# rule says how far); a comparison that is farther than that from its line is decided on
# the Decimal, and only one that close is decided on Fractions.


class _Exact:
    """A sum of weighted parts, its Decimal error bound and (lazily) its exact value."""

    __slots__ = ("_value", "error", "parts")

    def __init__(self) -> None:
        self.parts: list[tuple[Decimal, Rule | None, Decimal, int, int]] = []
        self.error = ZERO
        self._value: Fraction | None = None

    def add(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
        self, fraction: Decimal, rule: Rule | None, value: Decimal, error: Decimal, days: int, elapsed: int
    ) -> None:
        """Add ``fraction * x`` where x is `value` exactly (`rule` None) or `rule` of actual `value` * days / elapsed."""
        self.parts.append((fraction, rule, value, days, elapsed))
        if rule is not None and error:
            self.error = EXACT_SUMS.add(self.error, EXACT_SUMS.multiply(fraction, error))

    def value(self) -> Fraction:
        if self._value is None:
            total = _FRACTION_ZERO
            for fraction, rule, value, days, elapsed in self.parts:
                exact = Fraction(value) if rule is None else rule.exact(Fraction(value) * days / elapsed)
                total += Fraction(fraction) * exact
            self._value = total
        return self._value

    def compare(self, total: Decimal, bound: Decimal) -> int:
        """-1, 0 or 1 as the exact sum is below, at or above `bound`; `total` is its Decimal."""
        gap = EXACT_SUMS.subtract(total, bound)
        error = self.error
        if gap > error:
            return 1
        if gap.copy_negate() > error:
            return -1
        exact, line = self.value(), Fraction(bound)
        return (exact > line) - (exact < line)


def _compare(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal, error: Decimal, bound: Decimal, rule: Rule, actual: Decimal, days: int, elapsed: int
) -> int:
    """-1, 0 or 1 as ``rule(actual * days / elapsed)`` exactly is below, at or above `bound`; `value` is its Decimal."""
    gap = EXACT_SUMS.subtract(value, bound)
    if gap > error:
        return 1
    if gap.copy_negate() > error:
        return -1
    exact, line = rule.exact(Fraction(actual) * days / elapsed), Fraction(bound)
    return (exact > line) - (exact < line)


def _round_half_up(value: Fraction, places: int) -> Decimal:
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))  # floor of a non-negative number: half up, away from zero
    digits = whole if value >= 0 else -whole
    return Decimal(digits).scaleb(-places, EXACT)


# ---------------------------------------------------------------------------------------------
# The scoring loop.


def _actual(
    card: Scorecard, window: ParameterWindow, given: object, manual_values: Mapping[str, Decimal], instant: _dt.datetime
) -> tuple[Decimal | None, tuple[Evidence, ...]]:
    """A started parameter's actual value (None: no record yet) and evidence, or `MissingMeasurement`."""
    name = f"measurement of {window.key!r}"
    if type(given) is Decimal:
        # The common case, checked without a conversion: finite and within scorekit's bounds.
        if given.is_finite() and given.copy_abs() < _MAGNITUDE:
            return given, ()
        return to_decimal(given, name=name), ()
    if isinstance(given, Measurement):
        return given.value, given.evidence
    if given is None:
        manual = manual_values.get(window.key)
        if manual is None:
            how = "a ManualEntry or a value" if window.manual else "a Measurement or a number"
            msg = f"card {card.id!r}: no measurement for active metric {window.key!r} as of {instant.isoformat()}; give {how} for it"
            raise MissingMeasurement(msg)
        return manual, ()
    return to_decimal(given, name=name), ()


def _not_started(window: ParameterWindow) -> ParameterScore:
    remaining = window.target if window.higher else None
    return ParameterScore(
        window.parameter, ZERO, window.target, ZERO, ZERO, ZERO, ZERO, None, Status.NOT_STARTED, (), remaining
    )


def _shaped(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal, error: Decimal, parameter: Parameter, rule: Rule, actual: Decimal, days: int, elapsed: int
) -> tuple[Decimal, bool]:
    """Threshold and cap applied, exactly; and whether the result is still the rule's (not 0 or the cap)."""
    threshold, cap = parameter.threshold, parameter.cap
    if threshold is not None and _compare(value, error, threshold, rule, actual, days, elapsed) < 0:
        return ZERO, False
    if cap is not None and _compare(value, error, cap, rule, actual, days, elapsed) > 0:
        return cap, False
    return value, True


def score(  # noqa: C901, PLR0912, PLR0915 - one loop on purpose: it is the hot path, each branch a rule
    card: Scorecard,
    measurements: Mapping[str, Measurement | Number],
    *,
    as_of: _dt.datetime,
    manual: Iterable[ManualEntry] = (),
) -> CardScore:
    """Score `card` as of the aware instant `as_of`.

    `measurements` maps metric keys to a `Measurement` or a plain number; keys the
    card does not have are ignored, so a host may over-fetch.  A manual metric may
    instead take its value from `manual`: the latest entry at or before `as_of`.
    An active metric whose window has started but has no value raises
    `MissingMeasurement`; one whose window has not started scores 0, NOT_STARTED.
    A number that is not finite (NaN, Infinity) raises `InvalidNumber`.
    """
    instant = as_instant(as_of)
    today = local_ordinal(as_utc(instant), card.timezone)
    over = today >= card.period.end.toordinal()
    manual_values = latest_values(card, manual, instant) if manual else {}
    policy = card.status_policy
    on_track, at_risk = policy.on_track, policy.at_risk
    multiply, divide = EXACT_SUMS.multiply, EXACT.divide
    get = measurements.get
    results = []
    contributions = []
    projections = []
    exact_total, exact_projected, exact_early = _Exact(), _Exact(), _Exact()
    early_sum = ZERO
    any_paced = False
    for window in card.windows:
        if today < window.start_ordinal:
            results.append(_not_started(window))
            continue
        actual, evidence = _actual(card, window, get(window.key), manual_values, instant)
        rule, parameter, fraction, days = window.rule, window.parameter, window.fraction, window.days
        elapsed = window.elapsed(today)
        paced = elapsed > 0
        any_paced = any_paced or paced
        why = _Why(window, elapsed, today, over, paced, policy)
        target = window.target
        if actual is None and window.level:
            # A level with no record yet: nothing to score, nothing to project.
            status = Status.MISSED if over else Status.NO_DATA
            expected = divide(Decimal(elapsed), window.days_decimal) if elapsed < days else ONE
            remaining = None
            item = ParameterScore(parameter, None, target, ZERO, ZERO, ZERO, expected, None, status, evidence)
            object.__setattr__(item, "_why", why)
            results.append(item)
            contributions.append(ZERO)
            projections.append(ZERO)
            continue
        if actual is None:
            actual = ZERO  # no record yet: a sum of nothing
        achievement = rule.value(actual)
        error = rule.error(actual)
        if elapsed >= days:  # the whole window has elapsed: the pace is the actual (exactly)
            expected, pace_actual, pace_days, pace_elapsed = ONE, actual, 1, 1
            projected, projected_error = achievement, error
        elif not paced:  # started, but no working day yet: no pace to go by
            expected, pace_actual, pace_days, pace_elapsed = ZERO, actual, 1, 1
            projected, projected_error = achievement, error
        else:
            expected = divide(Decimal(elapsed), window.days_decimal)
            if window.level:  # a level is not extrapolated
                pace_actual, pace_days, pace_elapsed = actual, 1, 1
                projected, projected_error = achievement, error
            else:
                pace_actual = divide(multiply(actual, window.days_decimal), Decimal(elapsed))
                pace_days, pace_elapsed = days, elapsed
                projected, projected_error = rule.value(pace_actual), rule.error(pace_actual)
        if window.plain:
            effective, kept = achievement, True
            projected_effective, projected_kept = projected, True
        else:
            effective, kept = _shaped(achievement, error, parameter, rule, actual, 1, 1)
            projected_effective, projected_kept = _shaped(
                projected, projected_error, parameter, rule, actual, pace_days, pace_elapsed
            )
        contribution = multiply(fraction, effective)
        contributions.append(contribution)
        projections.append(multiply(fraction, projected_effective))
        exact_total.add(fraction, rule if kept else None, actual if kept else effective, error, 1, 1)
        exact_projected.add(
            fraction,
            rule if projected_kept else None,
            actual if projected_kept else projected_effective,
            projected_error,
            pace_days,
            pace_elapsed,
        )
        if window.early:
            early_sum = EXACT_SUMS.add(early_sum, contribution)
            exact_early.add(fraction, rule if kept else None, actual if kept else effective, error, 1, 1)
        # The status, every comparison exact (see scorekit.status).
        if over:
            reached = _compare(achievement, error, ONE, rule, actual, 1, 1) >= 0
            status = Status.ACHIEVED if reached else Status.MISSED
        elif window.early and _compare(achievement, error, ONE, rule, actual, 1, 1) >= 0:
            status = Status.ACHIEVED
        elif not paced or _compare(projected, projected_error, on_track, rule, actual, pace_days, pace_elapsed) >= 0:
            status = Status.ON_TRACK
        elif at_risk and _compare(projected, projected_error, at_risk, rule, actual, pace_days, pace_elapsed) < 0:
            status = Status.AT_RISK
        else:
            status = Status.BEHIND
        remaining = per_day = None
        if window.higher:
            remaining = max(ZERO, EXACT_SUMS.subtract(target, actual))
            left = days - elapsed
            if not over and not window.level and left > 0:
                per_day = divide(remaining, Decimal(left))
        item = ParameterScore(
            parameter,
            actual,
            target,
            achievement,
            effective,
            contribution,
            expected,
            projected,
            status,
            evidence,
            remaining,
            per_day,
        )
        object.__setattr__(item, "_why", why)
        results.append(item)
    if not contributions:
        return CardScore(card, instant, ZERO, tuple(results), None, Status.NOT_STARTED)
    total = exact_sum(contributions)
    projected_total = exact_sum(projections)
    if over:
        card_status = Status.ACHIEVED if exact_total.compare(total, ONE) >= 0 else Status.MISSED
    elif not exact_total.parts:  # every started parameter is a level with no record yet
        card_status = Status.NO_DATA
    elif exact_early.parts and exact_early.compare(early_sum, ONE) >= 0:
        card_status = Status.ACHIEVED
    elif not any_paced or exact_projected.compare(projected_total, on_track) >= 0:
        card_status = Status.ON_TRACK
    elif at_risk and exact_projected.compare(projected_total, at_risk) < 0:
        card_status = Status.AT_RISK
    else:
        card_status = Status.BEHIND
    result = CardScore(card, instant, total, tuple(results), projected_total, card_status)
    object.__setattr__(result, "_exact_total", exact_total)
    return result


# ---------------------------------------------------------------------------------------------
# Explanations: deterministic text, numbers rounded for display (the fields stay exact).


def _number(value: Decimal) -> str:
    """A target or actual as given when it has at most four decimals, else rounded half up to four."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:  # noqa: PLR2004 - four places, as documented
        value = for_display(value, 4).normalize(EXACT)
        if value == value.to_integral_value(context=EXACT):
            value = value.quantize(ONE, context=EXACT)
    return f"{value:f}"


def _pct(value: Decimal) -> str:
    """A fraction as a percentage with two places, half up."""
    return f"{for_display(EXACT_SUMS.multiply(value, _HUNDRED), 2)}%"


def _unit(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


_DIRECTION_WORDS: Final = {
    Direction.HIGHER_IS_BETTER: "higher is better",
    Direction.LOWER_IS_BETTER: "lower is better",
    Direction.NEAR_TARGET: "nearer the target is better",
}


def _explain_parameter(item: ParameterScore) -> list[str]:  # noqa: C901, PLR0912, PLR0915 - one line per step
    parameter = item.parameter
    metric = parameter.metric
    unit = metric.unit
    label = f" ({metric.label})" if metric.label else ""
    how = f"{_DIRECTION_WORDS[parameter.direction]}, {metric.accumulation.value} of records"
    lines = [f"{item.key}{label}: weight {parameter.weight}, {how}"]
    why = item._why  # noqa: SLF001 - the score's own context
    window = why.window if why else None
    if window is not None and why is not None:
        counting = "working days" if window.calendar is not None else "days"
        last = window.end.subtract(days=1)
        lines.append(
            f"  window: {window.start} to {last}, {window.days} {counting}, "
            + (
                "not started"
                if item.status is Status.NOT_STARTED
                else f"{why.elapsed} elapsed" + (" (the window is over)" if why.over else "")
            )
        )
        if window.calendar is not None:
            lines.append(f"  calendar: {window.calendar.describe()}")
    target_text = _unit(_number(item.target), unit)
    if parameter.target != item.target:
        lines.append(f"  target: {_unit(_number(parameter.target), unit)} prorated to the window: {target_text}")
    else:
        lines.append(f"  target: {target_text}")
    if item.status is Status.NOT_STARTED:
        lines.append("  actual: not counted yet")
    elif item.actual is None:
        lines.append("  actual: no record in the window yet")
    else:
        records = f" ({len(item.evidence)} records)" if item.evidence else ""
        lines.append(f"  actual: {_unit(_number(item.actual), unit)}{records}")
    if item.actual is not None and item.status is not Status.NOT_STARTED:
        rule = window.rule if window is not None else None
        formula = rule.substituted(_number(item.actual), _number(item.target)) if rule is not None else "achievement"
        lines.append(f"  achievement = {formula} = {_pct(item.achievement)}")
    else:
        lines.append(f"  achievement = {_pct(item.achievement)}")
    if parameter.threshold is not None:
        met = item.effective != 0 or parameter.threshold == 0
        lines.append(f"  threshold {_pct(parameter.threshold)}: {'met' if met else 'not met, scores 0'}")
    if parameter.cap is not None:
        capped = item.effective == parameter.cap
        lines.append(f"  cap {_pct(parameter.cap)}: {'reached, limits it' if capped else 'not reached'}")
    if item.effective != item.achievement:
        lines.append(f"  effective: {_pct(item.effective)}")
    lines.append(f"  contribution = {parameter.weight} x {_pct(item.effective)} = {_pct(item.contribution)}")
    if item.status is not Status.NOT_STARTED and window is not None and why is not None:
        if item.projected is None:
            lines.append(f"  pace: expected {_pct(item.expected)} by now; nothing to project without a record")
        elif window.level:
            lines.append(
                f"  pace: expected {_pct(item.expected)} by now; a level is not extrapolated: "
                f"projected {_pct(item.projected)}"
            )
        elif not why.paced:
            lines.append("  pace: no working day has elapsed yet; projected = achievement")
        elif why.elapsed >= window.days or item.actual is None:
            lines.append(f"  pace: the whole window has elapsed; projected {_pct(item.projected)}")
        else:
            pace = EXACT.divide(EXACT_SUMS.multiply(item.actual, window.days_decimal), Decimal(why.elapsed))
            lines.append(
                f"  pace: expected {_pct(item.expected)} by now; projected {_number(item.actual)} x {window.days} / "
                f"{why.elapsed} = {_number(pace)} -> {_pct(item.projected)}"
            )
    if item.remaining is not None:
        if item.per_day is not None and window is not None and why is not None:
            left = window.days - why.elapsed
            counting = "working days" if window.calendar is not None else "days"
            lines.append(
                f"  remaining: {_unit(_number(item.remaining), unit)}, {_number(item.per_day)} a day "
                f"over the {left} {counting} left"
            )
        else:
            lines.append(f"  remaining: {_unit(_number(item.remaining), unit)}")
    lines.append(f"  status: {item.status.value} ({_status_reason(item)})")
    return lines


def _status_reason(item: ParameterScore) -> str:  # noqa: PLR0911 - one reason per status
    why = item._why  # noqa: SLF001 - the score's own context
    status = item.status
    if status is Status.NOT_STARTED:
        return "the window has not started"
    if status is Status.NO_DATA:
        return "no record in the window yet"
    if item.actual is None:
        return "no record in the window, which is over"
    achievement = _pct(item.achievement)
    if why is None:
        return f"achievement {achievement}"
    if why.over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"achievement {achievement} {sign} 100% and the window is over"
    if status is Status.ACHIEVED:
        return f"achievement {achievement} >= 100% already, and a higher-is-better sum cannot fall"
    if not why.paced:
        return "no working day has elapsed yet"
    return _policy_reason(status, item.projected, why.policy)


def _policy_reason(status: Status, projected: Decimal | None, policy: StatusPolicy) -> str:
    shown = "-" if projected is None else _pct(projected)
    if status is Status.ON_TRACK:
        return f"projected {shown} >= on track {_pct(policy.on_track)}"
    if status is Status.AT_RISK:
        return f"projected {shown} < at risk {_pct(policy.at_risk)}"
    reason = f"projected {shown} < on track {_pct(policy.on_track)}"
    if policy.at_risk:
        reason += f", >= at risk {_pct(policy.at_risk)}"
    return reason


def _explain_card(result: CardScore) -> list[str]:
    card = result.card
    as_of = result.as_of
    local = as_of.astimezone(card.zone) if isinstance(as_of, _dt.datetime) else as_of
    name = f" {card.name!r}" if card.name else ""
    when = f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()} ({card.timezone})"
    lines = [
        f"card {card.id}{name} of {card.owner.id}, period {card.period.start} to {card.period.last_day}, as of {when}"
    ]
    if card.calendar is not None:
        lines.append(f"calendar: {card.calendar.describe()}")
    policy = card.status_policy
    lines.append(f"status policy: {policy.describe()}")
    for item in result.parameters:
        lines.extend(_explain_parameter(item))
    parts = " + ".join(_pct(item.contribution) for item in result.parameters)
    lines.append(f"total = {parts} = {result.percent()}%")
    lines.append(f"projected total: {'-' if result.projected is None else _pct(result.projected)}")
    lines.append(f"status: {result.status.value} ({_card_reason(result, policy)})")
    return lines


def _card_reason(result: CardScore, policy: StatusPolicy) -> str:
    status = result.status
    over = result.as_of is not None and local_ordinal(as_utc(result.as_of), result.card.timezone) >= (
        result.card.period.end.toordinal()
    )
    total = f"{result.percent()}%"
    if status is Status.NOT_STARTED:
        return "no parameter has started"
    if status is Status.NO_DATA:
        return "no started parameter has a record yet"
    if over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"total {total} {sign} 100% and the period is over"
    if status is Status.ACHIEVED:
        return "the higher-is-better sums alone reach 100%, and they cannot fall"
    if all(item._why is not None and not item._why.paced for item in result.parameters if item._why):  # noqa: SLF001
        return "no working day has elapsed yet"
    return _policy_reason(status, result.projected, policy)
