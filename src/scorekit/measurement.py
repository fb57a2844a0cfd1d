"""What scorekit asks of the CRM, and what comes back (F7, F12).

`requests_for` turns a card into `MetricRequest`s: a metric, the user ids whose
records count, and the half-open window of aware instants to count in.  The host
answers each with a `Measurement`: the value and the `Evidence` records behind it.
Hand-entered metrics are never requested; their values are `ManualEntry` records.

A source may also answer `Cell`s (one metric of one user in one window) with
`Aggregate`s (the sum, the count and the latest record): the service then asks
once per distinct cell and pools a team's members itself (`Aggregate.pool`),
to exactly the numbers `measure` gives (`Aggregate.value`).

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import ClassVar, Final, TypeAlias

import attrs
import pendulum  # noqa: F401 - the docstrings' examples use it
from pendulum import DateTime

from scorekit._identifiers import check_identifier, identifier, label
from scorekit.errors import InvalidMeasurement, InvalidNumber, InvalidParameter, InvalidPeriod, InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, MAX_PLACES, ONE, ZERO, exact_sum, to_decimal
from scorekit.parameter import Accumulation, as_accumulation
from scorekit.period import as_instant, as_utc, as_utc_instant, local_ordinal, pendulum_utc
from scorekit.scorecard import Scorecard

__all__ = [
    "Aggregate",
    "Cell",
    "ColumnKey",
    "Evidence",
    "ManualEntry",
    "Measurement",
    "MetricRequest",
    "RequestTuple",
    "as_instant",
    "as_share",
    "as_utc_instant",
    "balance_answers",
    "balance_requests",
    "check_shares",
    "iter_request_tuples",
    "latest_values",
    "request_tuples",
    "requests_for",
]


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


def as_share(value: object, *, name: str = "evidence share") -> Decimal:
    """`value` as a record's share for one user: a number more than 0 and at most 1, with at most 12 decimals.

    What `Evidence` checks, for a source to check its own rows the same way.

    >>> as_share("0.6"), as_share(1)
    (Decimal('0.6'), Decimal('1'))
    >>> as_share("1.5", name="record share")
    Traceback (most recent call last):
    scorekit.errors.InvalidMeasurement: record share must be more than 0 and at most 1 (the part of the record credited to this user), got '1.5'
    """
    if value is ONE:  # the default, a whole record: most evidence is built with it
        return ONE
    share = to_decimal(value, name=name, places=MAX_PLACES)
    if not ZERO < share <= ONE:
        msg = f"{name} must be more than 0 and at most 1 (the part of the record credited to this user), got {value!r}"
        raise InvalidMeasurement(msg)
    return share


@attrs.frozen
class Evidence:
    """One record that was counted: a won deal, a call... (F12).

    `occurred_at` is held in UTC, whatever zone it is given in.  `share` is the part
    of the record credited to this user (a deal split 60/40 is two rows of one record:
    share 0.6 for one user, 0.4 for the other), more than 0 and at most 1, with at
    most 12 decimals; the record counts ``value x share`` (`credit`) for that user.

    >>> e = Evidence("deal-7", pendulum.datetime(2024, 2, 3, tz="Europe/Warsaw"), value=2500, label="ACME renewal")
    >>> e.value, e.occurred_at.isoformat(), e.share
    (Decimal('2500'), '2024-02-02T23:00:00+00:00', Decimal('1'))
    >>> Evidence("deal-8", e.occurred_at, 10_000, share="0.6").credit
    Decimal('6000.0')
    """

    id: str = attrs.field(converter=_text, validator=identifier("evidence id", InvalidScorecard))
    occurred_at: DateTime = attrs.field(converter=_occurred_at)
    value: Decimal = attrs.field(default=ONE, converter=_value)
    label: str = attrs.field(default="", converter=_text, validator=label("evidence label", InvalidScorecard))
    share: Decimal = attrs.field(default=ONE, kw_only=True, converter=as_share)

    @property
    def credit(self) -> Decimal:
        """What the record counts for this user: ``value x share``, exactly (the value itself for a whole share)."""
        share = self.share
        return self.value if share == ONE else EXACT_SUMS.multiply(self.value, share)


def check_shares(evidence: Iterable[Evidence]) -> None:
    """Raise `InvalidMeasurement` naming the first record whose shares (one row per user) sum above 1.

    The rows of one record are the evidence items with its id; a source calls this on
    every row it sees of one metric, so a deal credited in full to two people, or
    split 60/60, is refused rather than counted twice.

    >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
    >>> check_shares([Evidence("D-1", at, 10, share="0.6"), Evidence("D-1", at, 10, share="0.4")])  # 60/40: fine
    >>> check_shares([Evidence("D-2", at, 10), Evidence("D-2", at, 10)])
    Traceback (most recent call last):
    scorekit.errors.InvalidMeasurement: record 'D-2' is credited shares 1 + 1 = 2 in all; the shares of one record sum to at most 1
    """
    items = evidence if isinstance(evidence, Sequence) else tuple(evidence)
    if len({item.id for item in items}) == len(items):
        return  # no record listed twice: each share is at most 1 on its own
    shares: dict[str, list[Decimal]] = {}
    for item in items:
        shares.setdefault(item.id, []).append(item.share)
    for record, parts in shares.items():
        if len(parts) > 1 and exact_sum(parts) > ONE:
            msg = (
                f"record {record!r} is credited shares {' + '.join(map(str, parts))} = {exact_sum(parts)} in all; "
                "the shares of one record sum to at most 1"
            )
            raise InvalidMeasurement(msg)


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

    @classmethod
    def from_records(cls, evidence: Iterable[Evidence], accumulation: Accumulation = Accumulation.SUM) -> Measurement:
        """What `accumulation` makes of the records `evidence` (a user's, or a team's members' rows), with them as evidence.

        SUM: the sum of each row's `Evidence.credit` (``value x share``), 0 with no row;
        AVERAGE: the share-weighted mean, ``sum(value x share) / sum(share)`` in
        scorekit's own 34-digit context; LAST: the value of the latest row by
        ``(occurred_at, id)``, its share ignored (a level is not split); BALANCE: the
        rows are taken as one user's, so LAST (a team's balance adds each member's:
        `balance`).  A level with no row is ``Measurement(None)``.  The rows of one record (its id) across users
        must have shares summing to at most 1 (`check_shares`), so a team counts a
        split deal once: the sum of its members' shares.

        >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
        >>> ann = Evidence("D-1", at, 10_000, share="0.6")
        >>> bob = Evidence("D-1", at, 10_000, share="0.4")
        >>> Measurement.from_records([ann]).value, Measurement.from_records([ann, bob]).value
        (Decimal('6000.0'), Decimal('10000.0'))
        >>> Measurement.from_records([ann, Evidence("D-2", at.add(days=1), 40)], "average").value  # 6,040 / 1.6
        Decimal('3775')
        """
        items = evidence if type(evidence) is tuple else tuple(evidence)
        check_shares(items)
        accumulation = as_accumulation(accumulation, what="measurement accumulation")
        if not items:
            return cls(ZERO if accumulation is Accumulation.SUM else None)
        if accumulation is Accumulation.LAST or accumulation is Accumulation.BALANCE:
            latest = max(items, key=lambda item: (item.occurred_at, item.id, item.value))
            return cls(latest.value, items)
        total = exact_sum(item.credit for item in items)
        if accumulation is Accumulation.SUM:
            return cls(total, items)
        # divided by the sum of the shares as `Aggregate.value` divides by `count`: a whole sum as an int
        return cls(EXACT.divide(total, Decimal(_whole(exact_sum(item.share for item in items)))), items)

    @classmethod
    def balance(cls, members: Iterable[Measurement]) -> Measurement:
        """A BALANCE for several people from each one's latest value (their LAST measurements): the sum.

        Members without a record (``None``) add nothing; None when nobody has one.  The
        evidence is every member's, oldest first.

        >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
        >>> ann = Measurement(300, [Evidence("p-1", at, 100), Evidence("p-2", at.add(days=1), 300)])
        >>> bob = Measurement(50, [Evidence("p-3", at, 50)])
        >>> Measurement.balance([ann, bob, Measurement(None)]).value  # 300 + 50: each one's latest
        Decimal('350')
        >>> Measurement.balance([Measurement(None)]).value is None
        True
        """
        parts = tuple(members)
        values = [part.value for part in parts if part.value is not None]
        if not values:
            return cls(None)
        evidence = sorted((e for part in parts for e in part.evidence), key=lambda e: (e.occurred_at, e.id))
        return cls(exact_sum(values), evidence)


def balance_requests(
    requests: Iterable[MetricRequest],
) -> tuple[list[MetricRequest], dict[MetricRequest, tuple[MetricRequest, ...]]]:
    """What a source asks for a batch holding BALANCE requests: each as one LAST request per person.

    Returns the requests to ask (every other request as it is, and each balance's
    parts) and each balance request's parts; `balance_answers` puts the answers back
    together.  A source that answers SUM, AVERAGE and LAST answers BALANCE this way,
    in the same batch.

    >>> start, end = pendulum.datetime(2024, 3, 1, tz="UTC"), pendulum.datetime(2024, 4, 1, tz="UTC")
    >>> asked, parts = balance_requests([MetricRequest("pipeline", frozenset({"ann", "bob"}), start, end, "balance")])
    >>> sorted((r.accumulation.value, *r.subjects) for r in asked)
    [('last', 'ann'), ('last', 'bob')]
    """
    asked: dict[MetricRequest, None] = {}
    parts: dict[MetricRequest, tuple[MetricRequest, ...]] = {}
    for request in requests:
        if request.accumulation is not Accumulation.BALANCE:
            asked[request] = None
            continue
        own = tuple(
            MetricRequest(request.metric, frozenset({subject}), request.start, request.end, Accumulation.LAST)
            for subject in sorted(request.subjects)
        )
        parts[request] = own
        asked.update(dict.fromkeys(own))
    return list(asked), parts


def balance_answers(
    requests: Iterable[MetricRequest],
    answers: Mapping[MetricRequest, Measurement],
    parts: Mapping[MetricRequest, tuple[MetricRequest, ...]],
) -> dict[MetricRequest, Measurement]:
    """The answer to each of `requests` from the answers to what `balance_requests` said to ask.

    A balance is `Measurement.balance` of its parts' answers (left unanswered if one
    of them is); only the requests given are answered.
    """
    found: dict[MetricRequest, Measurement] = {}
    for request in requests:
        own = parts.get(request)
        if own is None:
            if request in answers:
                found[request] = answers[request]
        elif all(part in answers for part in own):
            found[request] = Measurement.balance(answers[part] for part in own)
    return found


@attrs.frozen
class MetricRequest:
    """One question for the CRM: the value of `metric` for `subjects` in ``[start, end)``.

    `accumulation` says which value: the sum of the records (SUM), their mean
    (AVERAGE), the latest one (LAST; on a tie, the greatest record id) or the sum of
    each subject's latest one (BALANCE), and `Measurement(None)` for a level with no
    record in the window.

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


def _cell_metric(value: object) -> str:
    return check_identifier(value, what="cell metric", error=InvalidParameter)


def _cell_subject(value: object) -> str:
    if not isinstance(value, str):
        msg = f"cell subject must be one user id, a string (a team's members are one cell each), got {value!r}"
        raise InvalidScorecard(msg)
    return check_identifier(value, what="cell subject", error=InvalidScorecard)


def _cell_accumulation(value: object) -> Accumulation:
    return as_accumulation(value, what="cell accumulation")


def _cell_start(value: object) -> DateTime:
    return as_utc_instant(value, name="cell start")


def _cell_end(value: object) -> DateTime:
    return as_utc_instant(value, name="cell end")


@attrs.frozen(unsafe_hash=False)
class Cell:
    """One question for `MetricSource.aggregate`: one user's records of `metric` in ``[start, end)``.

    Unlike a `MetricRequest` (a metric for a set of user ids), a cell names one
    user (`subject`), so the cells of many cards overlap and a source answers each
    once; the service pools a team's members itself.  `start` and `end` are held
    in UTC; the window is half-open, so a record exactly at `end` is not counted.
    `accumulation` says which value a card wants of it, but the answer is the same
    whatever it says: an `Aggregate` holds the sum, the count and the latest record
    (the service asks one cell per user, metric and window).

    >>> cell = Cell("calls", "average", "ann", pendulum.datetime(2024, 3, 1, tz="Europe/Warsaw"),
    ...             pendulum.datetime(2024, 3, 10, tz="UTC"))
    >>> cell.accumulation, cell.start.isoformat()
    (<Accumulation.AVERAGE: 'average'>, '2024-02-29T23:00:00+00:00')
    >>> Cell("calls", "sum", ["ann", "bob"], cell.start, cell.end)
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: cell subject must be one user id, a string (a team's members are one cell each), got ['ann', 'bob']
    """

    metric: str = attrs.field(converter=_cell_metric)
    accumulation: Accumulation = attrs.field(converter=_cell_accumulation)
    subject: str = attrs.field(converter=_cell_subject)
    start: DateTime = attrs.field(converter=_cell_start)
    end: DateTime = attrs.field(converter=_cell_end)
    # Cells are dict keys on both sides of `aggregate` (hundreds of thousands per dashboard): hash once.
    _hash: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if as_utc(self.start) > as_utc(self.end):
            msg = (
                f"a cell's window [{self.start.isoformat()}, {self.end.isoformat()}) ends before it starts; "
                "give start <= end (start == end is an empty window)"
            )
            raise InvalidPeriod(msg)
        object.__setattr__(self, "_hash", hash((self.metric, self.subject, self.start, self.end)))

    def __hash__(self) -> int:
        """The hash of the cell's metric, subject and window."""
        return self._hash

    @classmethod
    def _trusted(cls, metric: str, accumulation: Accumulation, subject: str, start: DateTime, end: DateTime) -> Cell:
        """A cell from parts already checked (a card's metric key and subjects, UTC instants, start <= end).

        The service builds one per distinct cell of a dashboard; the checks would cost more than the rest.
        """
        cell = object.__new__(cls)
        put = object.__setattr__
        put(cell, "metric", metric)
        put(cell, "accumulation", accumulation)
        put(cell, "subject", subject)
        put(cell, "start", start)
        put(cell, "end", end)
        put(cell, "_hash", hash((metric, subject, start, end)))
        return cell


def _aggregate_total(value: object) -> Decimal:
    # A sum of many records may outgrow the bound on any one of them.
    return to_decimal(value, name="aggregate total", bounded=False)


def _aggregate_count(value: object) -> int | Decimal:
    if type(value) is int and value >= 0:
        return value
    problem = (
        f"aggregate count must be a whole number of records, 0 or more, got {value!r}; "
        "with shared records, the sum of their shares (an int or a Decimal, 0 or more)"
    )
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise InvalidNumber(problem)
    count = to_decimal(value, name="aggregate count", bounded=False)
    if count < 0:
        raise InvalidNumber(problem)
    return _whole(count)


def _whole(count: Decimal) -> int | Decimal:
    """A count as an int when it is a whole number (every share whole), else the Decimal sum of shares."""
    return int(count) if count == count.to_integral_value(context=EXACT) else count


def _last_value(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="aggregate last_value")


def _last_at(value: object) -> DateTime | None:
    return None if value is None else as_utc_instant(value, name="aggregate last_at")


def _last_id(value: object) -> str | None:
    if value is None:
        return None
    return check_identifier(_text(value), what="aggregate last_id", error=InvalidScorecard)


@attrs.frozen
class Aggregate:
    """What one user's records of a metric make in a window: their sum, their count and the latest one.

    With shared records (`Evidence.share`) `total` is the sum of ``value x share`` and
    `count` the sum of the shares: an int when it is whole (every record whole, the
    usual case), else a Decimal.  So a split deal counts 0.6 for one user and 0.4 for
    the other, and once for their team.  `last_value`, `last_at` and `last_id` are the
    value (whole: a level ignores shares), the instant (in UTC) and the id of the
    latest record by ``(occurred_at, id)``: of records at the same instant, the
    greatest id (compared as text).  With no record (`count` 0) the total is 0 and
    the three are None; with records all three are required.  `value` gives what
    `measure` answers for the same records, `pool` combines several users'
    aggregates into a team's, `from_records` makes one from records.

    >>> at = pendulum.datetime(2024, 3, 4, 9, tz="UTC")
    >>> ann = Aggregate(total=30, count=2, last_value=20, last_at=at, last_id="r2")
    >>> bob = Aggregate(total="4.5", count=1, last_value="4.5", last_at=at, last_id="r10")
    >>> team = Aggregate.pool([ann, bob, Aggregate.EMPTY])
    >>> [str(team.value(a)) for a in Accumulation][:3]  # 34.5; 34.5 / 3 (not the mean of 15 and 4.5); r2 > r10 as text
    ['34.5', '11.5', '20']
    >>> Aggregate.EMPTY.value(Accumulation.SUM), Aggregate.EMPTY.value(Accumulation.LAST)
    (Decimal('0'), None)
    """

    EMPTY: ClassVar[Aggregate]
    """No record in the window."""

    total: Decimal = attrs.field(converter=_aggregate_total)
    count: int | Decimal = attrs.field(converter=_aggregate_count)
    last_value: Decimal | None = attrs.field(default=None, converter=_last_value)
    last_at: DateTime | None = attrs.field(default=None, converter=_last_at)
    last_id: str | None = attrs.field(default=None, converter=_last_id)

    def __attrs_post_init__(self) -> None:
        latest = (self.last_value, self.last_at, self.last_id)
        if self.count == 0:
            if self.total != 0 or latest != (None, None, None):
                msg = (
                    f"an aggregate of no record (count 0) has total 0 and no latest record, got total {self.total} "
                    f"and last_value, last_at, last_id {latest}"
                )
                raise InvalidNumber(msg)
        elif None in latest:
            msg = (
                f"an aggregate of {self.count} record(s) needs the latest one's last_value, last_at and last_id, "
                f"got {latest}"
            )
            raise InvalidNumber(msg)

    @classmethod
    def _trusted(
        cls,
        total: Decimal,
        count: int | Decimal,
        last_value: Decimal | None,
        last_at: DateTime | None,
        last_id: str | None,
    ) -> Aggregate:
        """An aggregate of at least one record from parts already checked (its latest record's three are not None)."""
        aggregate = object.__new__(cls)
        put = object.__setattr__
        put(aggregate, "total", total)
        put(aggregate, "count", count)
        put(aggregate, "last_value", last_value)
        put(aggregate, "last_at", last_at)
        put(aggregate, "last_id", last_id)
        return aggregate

    @classmethod
    def from_records(cls, evidence: Iterable[Evidence]) -> Aggregate:
        """The aggregate of one user's records (rows) in a window: ``sum(value x share)``, ``sum(share)``, the latest.

        The same numbers `Measurement.from_records` gives for the same rows
        (`value`); a source that keeps its records as `Evidence` answers a `Cell`
        with it.  Shares are checked as there (`check_shares`).

        >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
        >>> rows = [Evidence("D-1", at, 10_000, share="0.6"), Evidence("D-2", at.add(days=1), 500)]
        >>> found = Aggregate.from_records(rows)
        >>> found.total, found.count, found.last_id  # 6,000 + 500; 0.6 + 1
        (Decimal('6500.0'), Decimal('1.6'), 'D-2')
        """
        items = evidence if type(evidence) is tuple else tuple(evidence)
        check_shares(items)
        if not items:
            return cls.EMPTY
        latest = max(items, key=lambda item: (item.occurred_at, item.id, item.value))
        return cls(
            exact_sum(item.credit for item in items),
            _whole(exact_sum(item.share for item in items)),
            latest.value,
            latest.occurred_at,
            latest.id,
        )

    @classmethod
    def pool(cls, aggregates: Iterable[Aggregate]) -> Aggregate:
        """The aggregate of several users' records together (a team's): the sum of the totals, of the counts, the latest.

        Pooling members' aggregates is the aggregate of the pooled records: the
        totals add exactly (never rounded), and the latest record is the one with
        the greatest ``(last_at, last_id)``.  A record split between members counts
        the sum of their shares, in the total and in the count: a 10,000 deal split
        60/40 is 6,000 and 0.6 for one, 4,000 and 0.4 for the other, and 10,000 and 1
        for their team, never twice.  (An aggregate holds no record ids, so shares
        summing above 1 are refused by the source, which sees the rows.)

        >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
        >>> Aggregate.pool([Aggregate(2, 1, 2, at, "a"), Aggregate(5, 1, 5, at.add(seconds=1), "b")]).last_id
        'b'
        >>> ann = Aggregate(6000, "0.6", 10_000, at, "D-1")
        >>> bob = Aggregate(4000, "0.4", 10_000, at, "D-1")
        >>> team = Aggregate.pool([ann, bob])
        >>> team.total, team.count, team.value(Accumulation.AVERAGE)
        (Decimal('10000'), 1, Decimal('10000'))
        """
        # One pass (a team may have thousands of members): exact sums, the latest by (instant, id),
        # a full tie (two users' records with one id at one instant) going to the greater value.
        # The instants are all UTC, so they compare as plain datetimes do.  Counts add as ints
        # while every one is whole (no shares), exactly as Decimals once a share comes in.
        latest: Aggregate | None = None
        latest_key: tuple[object, ...] = ()
        total, pooled = ZERO, 0
        count: int | Decimal = 0
        add = EXACT_SUMS.add
        for aggregate in aggregates:
            if not aggregate.count:
                continue
            key = (aggregate.last_at, aggregate.last_id, aggregate.last_value)
            if latest is None or key > latest_key:
                latest, latest_key = aggregate, key
            total = add(total, aggregate.total)
            part = aggregate.count
            count = count + part if type(count) is int and type(part) is int else add(count, part)
            pooled += 1
        if latest is None:
            return cls.EMPTY
        if pooled == 1:
            return latest  # as it is: its total is already the sum
        if isinstance(count, Decimal):
            count = _whole(count)
        return cls._trusted(total, count, latest.last_value, latest.last_at, latest.last_id)

    def value(self, accumulation: Accumulation) -> Decimal | None:
        """What `measure` answers for these records: the total (SUM), the mean (AVERAGE), the latest value (LAST).

        BALANCE is the latest value too: an aggregate is one user's (a team's balance
        adds each member's, which `scorekit.asking` does, never through `pool`).

        The mean divides in scorekit's own 34-digit context, as every reference
        source does.  With no record a SUM is 0 and a level has no value (None).

        >>> Aggregate(10, 3, 4, pendulum.datetime(2024, 3, 4, tz="UTC"), "r3").value(Accumulation.AVERAGE)
        Decimal('3.333333333333333333333333333333333')
        """
        if not self.count:
            return ZERO if accumulation is _SUM else None
        if accumulation is _SUM:
            return self.total
        if accumulation is _AVERAGE:
            return EXACT.divide(self.total, Decimal(self.count))
        return self.last_value


# An enum member looked up on its class costs ten times a global (Python 3.11); a dashboard
# reads an aggregate's value per distinct request.
_SUM: Final = Accumulation.SUM
_AVERAGE: Final = Accumulation.AVERAGE


Aggregate.EMPTY = Aggregate(ZERO, 0)


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


RequestTuple: TypeAlias = tuple[str, frozenset[str], DateTime, DateTime, Accumulation]
"""A `MetricRequest`'s fields as a plain tuple: ``(metric, subjects, start, end, accumulation)``, instants in UTC."""

ColumnKey: TypeAlias = tuple[str, Accumulation, _dt.datetime, _dt.datetime]
"""One column of `scorekit.ports.ColumnSource.aggregate_columns`: (metric, accumulation, window start, window end)."""


def request_tuples(cards: Sequence[Scorecard], instants: Sequence[_dt.datetime]) -> list[tuple[RequestTuple, ...]]:
    """`requests_for` of each card as of its instant, as plain tuples (`RequestTuple`), for a whole batch.

    What each `MetricRequest` would hold, without building it: tuples are cheaper to
    hash and dedupe across the many cards of a dashboard, and the batch resolves
    each distinct window's local midnights and each zone's local date once.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 2, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> [((metric, subjects, start, end, accumulation),)] = request_tuples([card], [pendulum.datetime(2024, 2, 10, tz="UTC")])
    >>> metric, sorted(subjects), end.isoformat(), accumulation.value
    ('deals_won', ['ann'], '2024-02-10T00:00:00+00:00', 'sum')
    """
    return list(iter_request_tuples(cards, instants))


def iter_request_tuples(
    cards: Sequence[Scorecard], instants: Sequence[_dt.datetime]
) -> Iterator[tuple[RequestTuple, ...]]:
    """`request_tuples`, one card at a time: a caller that keeps only what it needs of each card keeps less.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 2, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> rows = iter_request_tuples([card, card], [pendulum.datetime(2024, 1, 10, tz="UTC")] * 2)
    >>> next(rows), len(list(rows))  # not started yet on January 10: nothing to ask
    ((), 1)
    """
    if len(cards) != len(instants):  # said at the call, not at the first card read
        msg = f"request_tuples needs one instant per card, got {len(cards)} card(s) and {len(instants)} instant(s)"
        raise ValueError(msg)
    return _request_rows(cards, instants) if cards else iter(())


def _request_rows(cards: Sequence[Scorecard], instants: Sequence[_dt.datetime]) -> Iterator[tuple[RequestTuple, ...]]:
    # Per batch: each window's instants by (start, end, zone) (cards of one period share them, and
    # resolving a local midnight is costly), and each zone's local date as of each instant.
    bounds: dict[tuple[int, int, str], tuple[_dt.datetime, _dt.datetime, DateTime, DateTime]] = {}
    days: dict[tuple[_dt.datetime, str], int] = {}
    given = instants[0]
    utc = as_utc(as_instant(given))
    instant = pendulum_utc(utc)
    for card, as_of in zip(cards, instants, strict=True):
        if as_of is not given:  # a dashboard's cards share one instant: resolved once
            given = as_of
            utc = as_utc(as_instant(as_of))
            instant = pendulum_utc(utc)
        timezone = card.timezone
        today = days.get((utc, timezone))
        if today is None:
            today = days[utc, timezone] = local_ordinal(utc, timezone)
        subjects = card.subjects
        requests = []
        for window in card.windows:
            if window.manual or today < window.start_ordinal:
                continue
            key = (window.start_ordinal, window.end_ordinal, timezone)
            known = bounds.get(key)
            if known is None:
                _start, _end, start_utc, end_utc = window.instants(card.zone)
                known = bounds[key] = (start_utc, end_utc, pendulum_utc(start_utc), pendulum_utc(end_utc))
            start_utc, end_utc, start, end = known
            if utc < end_utc:
                end = instant if utc > start_utc else start
            requests.append((window.key, subjects, start, end, window.parameter.metric.accumulation))
        yield tuple(requests)


def requests_for(card: Scorecard, as_of: _dt.datetime) -> tuple[MetricRequest, ...]:
    """What the CRM must count for `card` as of `as_of`, one request per parameter.

    Only active automatic parameters whose window has started by `as_of` (in the
    card's local dates) are asked for; each window is cut at `as_of`.
    """
    return tuple(MetricRequest(*request) for request in request_tuples([card], [as_of])[0])
