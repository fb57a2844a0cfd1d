"""What scorekit asks of the CRM, and what comes back (F7, F12).

`requests_for` turns a card into `MetricRequest`s: a metric, the user ids whose
records count, and the half-open window of aware instants to count in.  The host
answers each with a `Measurement`: the value and the `Evidence` records behind it.
Hand-entered metrics are never requested; their values are `ManualEntry` records.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 2, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)], timezone="Europe/Warsaw")
>>> (request,) = requests_for(card, as_of=pendulum.datetime(2024, 2, 10, tz="UTC"))
>>> request.metric, request.start.isoformat(), request.end.isoformat()
('deals_won', '2024-02-01T00:00:00+01:00', '2024-02-10T00:00:00+00:00')
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal

import attrs
import pendulum
from pendulum import DateTime

from scorekit.errors import InvalidNumber, InvalidPeriod, InvalidScorecard
from scorekit.numbers import ONE, to_decimal
from scorekit.parameter import Accumulation
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import Scorecard

__all__ = ["Evidence", "ManualEntry", "Measurement", "MetricRequest", "as_instant", "latest_values", "requests_for"]


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
        return pendulum.instance(value)
    if isinstance(value, _dt.date):
        msg = (
            f"{name} must be an aware datetime, got the date {value.isoformat()}; an instant is needed to cut a window"
        )
        raise InvalidPeriod(msg)
    msg = f"{name} must be an aware datetime, got {value!r}"
    raise InvalidPeriod(msg)


def _occurred_at(value: object) -> DateTime:
    return as_instant(value, name="evidence occurred_at")


def _recorded_at(value: object) -> DateTime:
    return as_instant(value, name="recorded_at")


def _value(value: object) -> Decimal:
    return to_decimal(value, name="measurement value")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # hosts' record ids are often integers
    msg = f"expected a string (an id, a key or a label), got {value!r}"
    raise InvalidScorecard(msg)


@attrs.frozen
class Evidence:
    """One record that was counted: a won deal, a call... (F12).

    >>> Evidence("deal-7", pendulum.datetime(2024, 2, 3, tz="UTC"), value=2500, label="ACME renewal").value
    Decimal('2500')
    """

    id: str = attrs.field(converter=_text)
    occurred_at: DateTime = attrs.field(converter=_occurred_at)
    value: Decimal = attrs.field(default=ONE, converter=_value)
    label: str = attrs.field(default="", converter=_text)


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return value if type(value) is tuple else tuple(value)


def _optional_value(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="measurement value")


@attrs.frozen
class Measurement:
    """A metric's value over a window, and the records behind it.

    Negative values are allowed (returns and refunds exist); NaN is not.  `None`
    means "no record in the window yet": a SUM reads it as 0, a level (AVERAGE or
    LAST) scores nothing and says NO_DATA until its window is over.

    >>> Measurement(3).value, Measurement("-2.5").value, Measurement(None).value
    (Decimal('3'), Decimal('-2.5'), None)
    """

    value: Decimal | None = attrs.field(converter=_optional_value)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)

    def __attrs_post_init__(self) -> None:
        if self.value is None and self.evidence:
            msg = (
                f"a measurement with no value (None: no record in the window) cannot list "
                f"{len(self.evidence)} evidence record(s); give the value those records make"
            )
            raise InvalidNumber(msg)


@attrs.frozen
class MetricRequest:
    """One question for the CRM: the value of `metric` for `subjects` in ``[start, end)``.

    `accumulation` says which value: the sum of the records (SUM), their mean
    (AVERAGE) or the latest one (LAST; on a tie, the greatest record id), and
    `Measurement(None)` for a level with no record in the window.

    Requests are hashable values: identical requests from many cards are equal, so
    a host answers each once.
    """

    metric: str
    subjects: frozenset[str]
    start: DateTime
    end: DateTime
    accumulation: Accumulation = attrs.field(default=Accumulation.SUM, converter=Accumulation)


@attrs.frozen
class ManualEntry:
    """A hand-entered value of a manual metric on one card (F7); the latest one counts.

    >>> e = ManualEntry("c1", "nps", 42, pendulum.datetime(2024, 2, 3, tz="UTC"), "ann")
    >>> e.value, e.recorded_at.isoformat()
    (Decimal('42'), '2024-02-03T00:00:00+00:00')
    """

    card_id: str = attrs.field(converter=_text)
    metric: str = attrs.field(converter=_text)
    value: Decimal = attrs.field(converter=_value)
    recorded_at: DateTime = attrs.field(converter=_recorded_at)
    recorded_by: str = attrs.field(converter=_text)


def latest_values(card: Scorecard, entries: Iterable[ManualEntry], as_of: _dt.datetime) -> dict[str, Decimal]:
    """Each manual metric's latest value at or before `as_of`; of entries made at the same instant, the last given.

    An entry for another card raises `InvalidScorecard`.
    """
    latest: dict[str, ManualEntry] = {}
    for entry in entries:
        if entry.card_id != card.id:
            msg = f"a manual entry for card {entry.card_id!r} was given to score card {card.id!r}"
            raise InvalidScorecard(msg)
        if entry.recorded_at <= as_of:
            held = latest.get(entry.metric)
            if held is None or entry.recorded_at >= held.recorded_at:
                latest[entry.metric] = entry
    return {metric: entry.value for metric, entry in latest.items()}


def requests_for(card: Scorecard, as_of: _dt.datetime) -> tuple[MetricRequest, ...]:
    """What the CRM must count for `card` as of `as_of`, one request per parameter.

    Only active automatic parameters whose window has started by `as_of` (in the
    card's local dates) are asked for; each window is cut at `as_of`.
    """
    instant = as_instant(as_of)
    utc = as_utc(instant)
    today = local_ordinal(utc, card.timezone)
    tzinfo = card.zone
    subjects = card.subjects
    requests = []
    for window in card.windows:
        if window.manual or today < window.start_ordinal:
            continue
        start, end, start_utc, end_utc = window.instants(tzinfo)
        if utc < end_utc:
            end = instant if utc > start_utc else start
        requests.append(MetricRequest(window.key, subjects, start, end, window.parameter.metric.accumulation))
    return tuple(requests)
