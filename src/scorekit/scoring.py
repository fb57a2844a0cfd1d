"""`score`: from a card and the CRM's numbers to achievement, weighted score and pace (F11, F12).

For each active parameter with actual ``a`` and target ``t`` (prorated if asked):

- higher is better: ``achievement = a / t``;
- lower is better: ``max(0, 2 - a / t)``, and for ``t == 0``: 1 if ``a <= 0`` else 0;
- a threshold ``h`` zeroes an achievement below it, a cap ``c`` limits it: ``effective``;
- ``contribution = weight * effective``; the card's ``total`` is their sum.

Divisions are carried to 34 significant digits; products with weights and sums are
exact, so the total never depends on the order of the parameters.  Nothing is
rounded until `CardScore.percent`.

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
from typing import Final

import attrs

from scorekit import _html
from scorekit.errors import MissingMeasurement
from scorekit.measurement import Evidence, ManualEntry, Measurement, as_instant, latest_values
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, Number, exact_sum, for_display, to_decimal
from scorekit.parameter import Parameter
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import ParameterWindow, Scorecard
from scorekit.status import Status

__all__ = ["CardScore", "ParameterScore", "Status", "score"]

_TWO: Final = Decimal(2)


@attrs.frozen
class ParameterScore:
    """How one active parameter scored; `target` is after proration.

    `achievement` is raw; `effective` is after threshold and cap; `expected` is the
    share of the window elapsed; `projected` the achievement at the current pace.
    """

    parameter: Parameter
    actual: Decimal
    target: Decimal
    achievement: Decimal
    effective: Decimal
    contribution: Decimal
    expected: Decimal
    projected: Decimal | None
    status: Status
    evidence: tuple[Evidence, ...] = ()

    @property
    def key(self) -> str:
        """The metric's key."""
        return self.parameter.metric.key


@attrs.frozen
class CardScore:
    """A card's score as of an instant: the total, the pace, and every parameter's score."""

    card: Scorecard
    as_of: _dt.datetime
    total: Decimal
    parameters: tuple[ParameterScore, ...]
    projected: Decimal | None
    status: Status

    def percent(self, places: int = 2) -> Decimal:
        """The total as a percentage rounded half up to `places` decimals."""
        return for_display(self.total * 100, places)

    def parameter(self, key: str) -> ParameterScore:
        """The score of the parameter for metric `key`."""
        for item in self.parameters:
            if item.key == key:
                return item
        msg = f"card {self.card.id!r} scored no metric {key!r}; it scored {', '.join(repr(p.key) for p in self.parameters)}"
        raise KeyError(msg)

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


def _lower_is_better(actual: Decimal, target: Decimal) -> Decimal:
    if target == 0:
        return ONE if actual <= 0 else ZERO
    return max(ZERO, EXACT_SUMS.subtract(_TWO, EXACT.divide(actual, target)))


def _shaped(achievement: Decimal, parameter: Parameter) -> Decimal:
    if parameter.threshold is not None and achievement < parameter.threshold:
        return ZERO
    if parameter.cap is not None and achievement > parameter.cap:
        return parameter.cap
    return achievement


def _status(achievement: Decimal, projected: Decimal, over: bool, early: bool) -> Status:
    """Achieved or missed once over; before that achieved early (if `early` may), on track or behind."""
    if over:
        return Status.ACHIEVED if achievement >= ONE else Status.MISSED
    if early and achievement >= ONE:
        return Status.ACHIEVED
    return Status.ON_TRACK if projected >= ONE else Status.BEHIND


def _actual(
    card: Scorecard, window: ParameterWindow, given: object, manual_values: Mapping[str, Decimal], instant: _dt.datetime
) -> tuple[Decimal, tuple[Evidence, ...]]:
    """A started parameter's actual value and evidence, or `MissingMeasurement`."""
    if type(given) is Decimal:
        return given, ()
    if isinstance(given, Measurement):
        return (ZERO if given.value is None else given.value), given.evidence
    if given is None:
        manual = manual_values.get(window.key)
        if manual is None:
            how = "a ManualEntry or a value" if window.manual else "a Measurement or a number"
            msg = f"card {card.id!r}: no measurement for active metric {window.key!r} as of {instant.isoformat()}; give {how} for it"
            raise MissingMeasurement(msg)
        return manual, ()
    return to_decimal(given, name=f"measurement of {window.key!r}"), ()


def _not_started(window: ParameterWindow) -> ParameterScore:
    return ParameterScore(window.parameter, ZERO, window.target, ZERO, ZERO, ZERO, ZERO, None, Status.NOT_STARTED)


def score(
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
    """
    instant = as_instant(as_of)
    today = local_ordinal(as_utc(instant), card.timezone)
    over = today >= card.period.end.toordinal()
    manual_values = latest_values(card, manual, instant) if manual else {}
    multiply, divide = EXACT_SUMS.multiply, EXACT.divide
    get = measurements.get
    results = []
    contributions = []
    projections = []
    for window in card.windows:
        elapsed = today - window.start_ordinal + 1
        if elapsed <= 0:
            results.append(_not_started(window))
            continue
        actual, evidence = _actual(card, window, get(window.key), manual_values, instant)
        target = window.target
        if elapsed >= window.days:  # the whole window has elapsed: the pace is the actual (exactly)
            expected, pace_actual = ONE, actual
        else:
            pace = Decimal(elapsed)
            expected = divide(pace, window.days_decimal)
            pace_actual = divide(multiply(actual, window.days_decimal), pace)
        if window.higher:
            achievement = divide(actual, target)
            projected = achievement if pace_actual is actual else divide(pace_actual, target)
        else:
            achievement = _lower_is_better(actual, target)
            projected = achievement if pace_actual is actual else _lower_is_better(pace_actual, target)
        if window.plain:
            effective, projected_effective = achievement, projected
        else:
            effective, projected_effective = (
                _shaped(achievement, window.parameter),
                _shaped(projected, window.parameter),
            )
        contribution = multiply(window.fraction, effective)
        contributions.append(contribution)
        projections.append(multiply(window.fraction, projected_effective))
        status = _status(achievement, projected, over, window.higher)
        results.append(
            ParameterScore(
                window.parameter,
                actual,
                target,
                achievement,
                effective,
                contribution,
                expected,
                projected,
                status,
                evidence,
            )
        )
    total = exact_sum(contributions)
    started = bool(contributions)
    projected_total = exact_sum(projections)
    if not started:
        return CardScore(card, instant, total, tuple(results), None, Status.NOT_STARTED)
    card_status = _status(total, projected_total, over, True)  # noqa: FBT003 - a card is judged as higher is better
    return CardScore(card, instant, total, tuple(results), projected_total, card_status)
