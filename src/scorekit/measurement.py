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
('deals_won', '2024-01-31T23:00:00+00:00', '2024-02-10T00:00:00+00:00')

Instants compare as instants: requests and evidence hold theirs in UTC (so they
stay equal, and hash alike, after any round trip, in a repeated DST hour too),
and manual entries, records and `as_of` are compared on their UTC instants.  A
record exactly at `as_of` is not counted (a window is half-open); a manual entry
recorded exactly at `as_of` is.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from decimal import Decimal

import attrs
import pendulum
from pendulum import DateTime

from scorekit._text import identifier, label
from scorekit.errors import InvalidNumber, InvalidPeriod, InvalidScorecard
from scorekit.numbers import ONE, to_decimal
from scorekit.parameter import Accumulation
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import Scorecard

__all__ = [
    "Evidence",
    "ManualEntry",
    "Measurement",
    "MetricRequest",
    "as_instant",
    "as_utc_instant",
    "latest_values",
    "requests_for",
]


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
    if type(value) is DateTime and value.tzinfo is _UTC:
        return value  # already one: the common case when a request is built from another
    return _pendulum_utc(as_utc(as_instant(value, name=name)))


_UTC = pendulum.UTC


@functools.lru_cache(maxsize=4096)
def _pendulum_utc(utc: _dt.datetime) -> DateTime:
    # A pure function, memoized: the window starts and `as_of` of many cards are the same instants.
    return pendulum.instance(utc)


def _occurred_at(value: object) -> DateTime:
    return as_utc_instant(value, name="evidence occurred_at")


def _request_start(value: object) -> DateTime:
    return as_utc_instant(value, name="request start")


def _request_end(value: object) -> DateTime:
    return as_utc_instant(value, name="request end")


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

    `occurred_at` is held in UTC, whatever zone it is given in.

    >>> e = Evidence("deal-7", pendulum.datetime(2024, 2, 3, tz="Europe/Warsaw"), value=2500, label="ACME renewal")
    >>> e.value, e.occurred_at.isoformat()
    (Decimal('2500'), '2024-02-02T23:00:00+00:00')
    """

    id: str = attrs.field(converter=_text, validator=identifier("evidence id", InvalidScorecard))
    occurred_at: DateTime = attrs.field(converter=_occurred_at)
    value: Decimal = attrs.field(default=ONE, converter=_value)
    label: str = attrs.field(default="", converter=_text, validator=label("evidence label", InvalidScorecard))


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
    a host answers each once.  `start` and `end` are held in UTC, so a request
    still equals (and hashes like) itself after a round trip through JSON.  The
    window is half-open: a record exactly at `end` (at `as_of`) is not counted.

    >>> r = MetricRequest("calls", frozenset({"ann"}), pendulum.datetime(2024, 10, 27, tz="Atlantic/Azores"),
    ...                   pendulum.datetime(2024, 10, 28, tz="Atlantic/Azores"))
    >>> r.start.isoformat(), r.end.isoformat()
    ('2024-10-27T01:00:00+00:00', '2024-10-28T01:00:00+00:00')
    """

    metric: str
    subjects: frozenset[str]
    start: DateTime = attrs.field(converter=_request_start)
    end: DateTime = attrs.field(converter=_request_end)
    accumulation: Accumulation = attrs.field(default=Accumulation.SUM, converter=Accumulation)


@attrs.frozen
class ManualEntry:
    """A hand-entered value of a manual metric on one card (F7); the latest one counts.

    An entry counts from the instant it was recorded: one recorded exactly at
    `as_of` counts, one recorded later never does (compared as UTC instants, so
    also in a repeated DST hour).

    >>> e = ManualEntry("c1", "nps", 42, pendulum.datetime(2024, 2, 3, tz="UTC"), "ann")
    >>> e.value, e.recorded_at.isoformat()
    (Decimal('42'), '2024-02-03T00:00:00+00:00')
    """

    card_id: str = attrs.field(converter=_text, validator=identifier("manual entry card_id", InvalidScorecard))
    metric: str = attrs.field(converter=_text, validator=identifier("manual entry metric", InvalidScorecard))
    value: Decimal = attrs.field(converter=_value)
    recorded_at: DateTime = attrs.field(converter=_recorded_at)
    recorded_by: str = attrs.field(converter=_text, validator=identifier("manual entry recorded_by", InvalidScorecard))


def latest_values(card: Scorecard, entries: Iterable[ManualEntry], as_of: _dt.datetime) -> dict[str, Decimal]:
    """Each manual metric's latest value at or before `as_of`; of entries made at the same instant, the last given.

    Instants are compared in UTC, never as wall times.  An entry for another card
    raises `InvalidScorecard`.
    """
    cutoff = as_utc(as_instant(as_of))
    latest: dict[str, tuple[_dt.datetime, ManualEntry]] = {}
    for entry in entries:
        if entry.card_id != card.id:
            msg = f"a manual entry for card {entry.card_id!r} was given to score card {card.id!r}"
            raise InvalidScorecard(msg)
        recorded = as_utc(entry.recorded_at)
        if recorded <= cutoff:
            held = latest.get(entry.metric)
            if held is None or recorded >= held[0]:
                latest[entry.metric] = (recorded, entry)
    return {metric: entry.value for metric, (_at, entry) in latest.items()}


def requests_for(card: Scorecard, as_of: _dt.datetime) -> tuple[MetricRequest, ...]:
    """What the CRM must count for `card` as of `as_of`, one request per parameter.

    Only active automatic parameters whose window has started by `as_of` (in the
    card's local dates) are asked for; each window is cut at `as_of`.
    """
    utc = as_utc(as_instant(as_of))
    instant = _pendulum_utc(utc)
    today = local_ordinal(utc, card.timezone)
    tzinfo = card.zone
    subjects = card.subjects
    requests = []
    for window in card.windows:
        if window.manual or today < window.start_ordinal:
            continue
        _start, _end, start_utc, end_utc = window.instants(tzinfo)
        start, end = _pendulum_utc(start_utc), _pendulum_utc(end_utc)
        if utc < end_utc:
            end = instant if utc > start_utc else start
        requests.append(MetricRequest(window.key, subjects, start, end, window.parameter.metric.accumulation))
    return tuple(requests)
