"""In-memory ports: a repository with history, manual values, closed scores, adjustments, a CRM over records, a clock.

They are complete implementations (the contract suites in `scorekit.testing` pass
on them) and double as test fakes for a host's own code.

Wire the stores together as one database, ``MemoryManualValues(cards=repo)``,
``MemorySnapshots(cards=repo)`` and ``MemoryAdjustments(cards=repo)``: they then
share the repository's lock, so each check and its write are one step (a closed
score only of the version scored, no edit, delete, manual value or adjustment on a
closed card, nothing added to a deleted one), and deleting a card removes its
entries, adjustments and closed score at once.

>>> import pendulum
>>> from scorekit import MetricRequest
>>> source = RecordsMetricSource([Record("d1", "deals_won", "ann", pendulum.datetime(2024, 2, 3, tz="UTC"), label="ACME")])
>>> request = MetricRequest("deals_won", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="UTC"), pendulum.datetime(2024, 3, 1, tz="UTC"))
>>> answer = source.measure([request])[request]
>>> answer.value, [e.label for e in answer.evidence]
(Decimal('1'), ['ACME'])
"""

from __future__ import annotations

import bisect
import datetime as _dt
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal

import attrs
from pendulum import DateTime

from scorekit._identifiers import check_identifier, identifier, label
from scorekit.adapters._adjustments import adjustment_taken, checked, refuse_missed_adjustments
from scorekit.adapters._columns import Column, cell_answers, column_answers
from scorekit.adapters._rules import card_id as _card_id
from scorekit.adapters._rules import distinct_ids, expected_version, filter_text, refuse_later_entries
from scorekit.adjustment import Adjustment
from scorekit.errors import CardNotFound, ConflictError, InvalidScorecard
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import (
    Aggregate,
    Cell,
    Evidence,
    ManualEntry,
    Measurement,
    MetricRequest,
    as_instant,
    as_share,
    balance_answers,
    balance_requests,
    check_shares,
)
from scorekit.numbers import EXACT_SUMS, ONE, ZERO, exact_sum, to_decimal
from scorekit.parameter import Accumulation
from scorekit.period import Date, as_date, as_utc
from scorekit.ports import CardRow, ColumnKey
from scorekit.scorecard import Scorecard, Team, User

__all__ = [
    "FixedClock",
    "MemoryAdjustments",
    "MemoryManualValues",
    "MemoryScorecards",
    "MemorySnapshots",
    "Record",
    "RecordsMetricSource",
    "StaticOrgChart",
]


class MemoryScorecards:
    """A `ScorecardRepository` in dicts, with every revision, safe to share between threads.

    >>> import pendulum
    >>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> change = Change("boss", pendulum.datetime(2024, 1, 2, tz="UTC"), "new target")
    >>> repo = MemoryScorecards()
    >>> card = repo.add(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)]), change=change)
    >>> repo.update(card.evolve(name="January"), expected_version=1, change=change).version
    2
    >>> [(r.version, r.change.reason) for r in repo.history("c1")]
    [(1, 'new target'), (2, 'new target')]
    """

    def __init__(self, cards: Iterable[Scorecard] = (), *, change: Change | None = None) -> None:
        """An empty repository, or one holding `cards` (added with `change`, which is then required)."""
        self._cards: dict[str, Scorecard] = {}
        self._series: dict[tuple[str, str], str] = {}
        self._history: dict[str, list[Revision]] = {}
        self._lock = threading.RLock()
        # The stored cards ordered by id, and their index rows: made when first asked for, dropped by every write.
        self._ordered: tuple[Scorecard, ...] | None = None
        self._rows: tuple[CardRow, ...] | None = None
        self._manual: MemoryManualValues | None = None
        self._snapshots: MemorySnapshots | None = None
        self._adjustments: MemoryAdjustments | None = None
        items = tuple(cards)
        if items:
            if change is None:
                msg = "MemoryScorecards(cards) needs change=Change(actor_id, at, reason) for their first revisions"
                raise TypeError(msg)
            self.add_many(items, change=change)

    def get(self, card_id: str) -> Scorecard:
        """See `ScorecardRepository.get`."""
        try:
            return self._cards[_card_id(card_id)]
        except KeyError:
            raise CardNotFound.for_id(card_id) from None

    def _check_new(self, cards: Sequence[Scorecard]) -> None:
        ids: set[str] = set()
        slots: set[tuple[str, str]] = set()
        for card in cards:
            slot = (card.series_id, card.period.start.isoformat())
            if card.id in self._cards or card.id in ids:
                raise ConflictError.id_taken(card.id)
            if card.id in self._history:
                raise ConflictError.id_retired(card.id)
            if slot in self._series or slot in slots:
                raise ConflictError.period_taken(card.series_id, slot[1])
            ids.add(card.id)
            slots.add(slot)

    def add(self, card: Scorecard, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.add`."""
        return self.add_many((card,), change=change)[0]

    def add_many(self, cards: Sequence[Scorecard], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.add_many`."""
        items = tuple(cards)
        given = _change(change)
        with self._lock:
            self._check_new(items)
            self._changed()
            for card in items:
                self._cards[card.id] = card
                self._series[card.series_id, card.period.start.isoformat()] = card.id
                self._history[card.id] = [Revision(card, given)]
        return items

    def update(self, card: Scorecard, expected_version: int, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.update`."""
        return self.update_many(((card, expected_version),), change=change)[0]

    def update_many(self, changes: Sequence[tuple[Scorecard, int]], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.update_many`."""
        given = _change(change)
        with self._lock:
            pending: dict[str, Scorecard] = {}
            slots: dict[tuple[str, str], str | None] = {}  # changes to `_series`, None for a freed slot
            stored = []
            for card, expected in changes:
                expected_version(card.id, expected)
                current = pending.get(card.id) or self.get(card.id)
                self._refuse_closed(card.id)
                if current.version != expected:
                    raise ConflictError.stale(card.id, stored=current.version, expected=expected)
                new = card.evolve(version=expected + 1)
                slots[_slot(current)] = None
                slot = _slot(new)
                if (slots[slot] if slot in slots else self._series.get(slot)) is not None:
                    raise ConflictError.period_taken(new.series_id, slot[1])
                slots[slot] = new.id
                pending[new.id] = new
                stored.append(new)
            self._changed()
            for slot, card_id in slots.items():
                if card_id is None:
                    self._series.pop(slot, None)
                else:
                    self._series[slot] = card_id
            self._cards.update(pending)
            for new in stored:
                self._history[new.id].append(Revision(new, given))
            return tuple(stored)

    def delete(self, card_id: str, *, change: Change) -> None:
        """See `ScorecardRepository.delete`."""
        self.delete_many((card_id,), change=change)

    def delete_many(self, card_ids: Collection[str], *, change: Change) -> int:
        """See `ScorecardRepository.delete_many`."""
        given = _change(change)
        with self._lock:
            cards = [self.get(card_id) for card_id in distinct_ids(card_ids)]
            for card in cards:
                self._refuse_closed(card.id)
            self._remove(cards, given)
            return len(cards)

    def _remove(self, cards: Sequence[Scorecard], change: Change) -> None:
        """Delete `cards` (checked), with their entries and closed scores in the stores wired to this one."""
        self._changed()
        for card in cards:
            del self._cards[card.id]
            del self._series[card.series_id, card.period.start.isoformat()]
            self._history[card.id].append(Revision(card, change, deleted=True))
        self._forget_data([card.id for card in cards])

    def _forget_data(self, card_ids: Collection[str]) -> None:
        if self._manual is not None:
            self._manual.delete_for(card_ids)
        if self._snapshots is not None:
            self._snapshots.delete_for(card_ids)
        if self._adjustments is not None:
            self._adjustments.delete_for(card_ids)

    def _is_closed(self, card_id: str) -> bool:
        return self._snapshots is not None and card_id in self._snapshots._closed  # noqa: SLF001 - one database

    def _refuse_closed(self, card_id: str) -> None:
        if self._is_closed(card_id):
            raise ConflictError.closed(card_id)

    def _refuse_deleted(self, card_id: str) -> None:
        """`ConflictError` if `card_id` was deleted (it has a history but is not stored); `CardNotFound` if never stored.

        A card purged meanwhile has no history left: it is not found.
        """
        if card_id not in self._cards:
            if card_id in self._history:
                raise ConflictError.deleted(card_id)
            raise CardNotFound.for_id(card_id)

    def add_next(self, previous: Scorecard, card: Scorecard, *, change: Change) -> Scorecard:
        """See `scorekit.ports.CardSteps.add_next`."""
        with self._lock:
            self._refuse_deleted(previous.id)
            return self.add(card, change=change)

    def reopen(self, card_id: str, *, change: Change) -> tuple[Scorecard, ClosedScore]:
        """See `scorekit.ports.CardSteps.reopen`."""
        given = _change(change)
        with self._lock:
            card = self.get(card_id)
            if self._snapshots is None or not self._is_closed(card_id):
                raise CardNotFound.not_closed(card_id)
            closed = self._snapshots.remove(card_id, given)
            new = card.evolve(version=card.version + 1)
            self._changed()
            self._cards[card_id] = new
            self._history[card_id].append(Revision(new, given))
            return new, closed

    def delete_owned(
        self, user_id: str, *, change: Change, keep: Collection[str] = (), closed: bool = False, purge: bool = False
    ) -> tuple[str, ...]:
        """See `scorekit.ports.CardSteps.delete_owned`."""
        given = _change(change)
        kept = frozenset(keep)
        with self._lock:
            owned = sorted(
                (
                    c
                    for c in self._cards.values()
                    if _owned_by(c, user_id) and c.id not in kept and (closed or not self._is_closed(c.id))
                ),
                key=lambda c: c.id,
            )
            self._remove(owned, given)
            if purge:
                gone = [
                    card_id
                    for card_id, revisions in self._history.items()
                    if card_id not in self._cards and _owned_by(revisions[-1].card, user_id)
                ]
                for card_id in gone:
                    del self._history[card_id]
                self._forget_data(gone)
            return tuple(c.id for c in owned)

    def history(self, card_id: str) -> tuple[Revision, ...]:
        """See `ScorecardRepository.history`."""
        with self._lock:
            try:
                return tuple(self._history[_card_id(card_id)])
            except KeyError:
                raise CardNotFound.never_seen(card_id) from None

    def purge(self, card_ids: Collection[str]) -> int:
        """See `ScorecardRepository.purge`."""
        ids = distinct_ids(card_ids)
        with self._lock:
            for card_id in ids:
                if card_id in self._cards:
                    raise ConflictError.not_deleted(card_id)
                if card_id not in self._history:
                    raise CardNotFound.never_seen(card_id)
            for card_id in ids:
                del self._history[card_id]
            self._forget_data(ids)
            return len(ids)

    def _changed(self) -> None:
        """Drop the cards in order and their rows: the stored cards are about to change (under the lock)."""
        self._ordered = self._rows = None

    def _in_order(self) -> tuple[Scorecard, ...]:
        """The stored cards ordered by id: sorted once after each write."""
        with self._lock:
            if self._ordered is None:
                self._ordered = tuple(sorted(self._cards.values(), key=_id_of))
            return self._ordered

    def index(self) -> tuple[CardRow, ...]:
        """See `scorekit.ports.CardIndex`: made once after each write, then kept.

        >>> import pendulum
        >>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 1, 1))
        >>> change = Change("boss", pendulum.datetime(2024, 1, 2, tz="UTC"))
        >>> repo = MemoryScorecards([Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])], change=change)
        >>> repo.index() is repo.index(), [row.period_end for row in repo.index()]
        (True, [Date(2024, 2, 1)])
        """
        with self._lock:
            if self._rows is None:
                self._rows = tuple(CardRow.of(card) for card in self._in_order())
            return self._rows

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
        active_on: Date | None = None,
        owner_id: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.find`: a scan of the cards kept in order, no sort."""
        for name, value in (("subject", subject), ("series", series), ("owner_id", owner_id)):
            filter_text(name, value)
        day = as_date(active_on, name="active_on") if active_on is not None else None
        cards = self._in_order()
        if day is not None:
            cards = tuple(c for c in cards if c.period.start <= day < c.period.end)
        return tuple(
            c
            for c in cards
            if (owner is None or c.owner == owner)
            and (owner_id is None or c.owner.id == owner_id)
            and (subject is None or subject in c.subjects)
            and (series is None or c.series_id == series)
        )


def _id_of(card: Scorecard) -> str:
    return card.id


def _owned_by(card: Scorecard, user_id: str) -> bool:
    return isinstance(card.owner, User) and card.owner.id == user_id


def _slot(card: Scorecard) -> tuple[str, str]:
    return (card.series_id, card.period.start.isoformat())


def _change(value: object) -> Change:
    if not isinstance(value, Change):
        msg = f"a write needs change=Change(actor_id, at, reason), got {value!r}"
        raise TypeError(msg)
    return value


def _wire(
    cards: MemoryScorecards | None, store: MemoryManualValues | MemorySnapshots | MemoryAdjustments
) -> threading.RLock:
    """The lock `store` uses: its own, or the lock of the repository it is wired to (one database)."""
    if cards is None:
        return threading.RLock()
    given: object = cards
    if not isinstance(given, MemoryScorecards):
        msg = f"cards= must be the MemoryScorecards to share a database with, got {given!r}"
        raise TypeError(msg)
    slot = {MemoryManualValues: "_manual", MemorySnapshots: "_snapshots", MemoryAdjustments: "_adjustments"}[
        type(store)
    ]
    if getattr(cards, slot) is not None:
        msg = f"this MemoryScorecards is already wired to a {type(store).__name__}; a database has one of each"
        raise ConflictError(msg)
    setattr(cards, slot, store)
    return cards._lock  # noqa: SLF001 - one database, one lock


class MemoryManualValues:
    """A `ManualValueStore` in a list; with ``cards=repo``, in the repository's database.

    >>> import pendulum
    >>> store = MemoryManualValues()
    >>> store.append(ManualEntry("c1", "nps", 40, pendulum.datetime(2024, 1, 5, tz="UTC"), "ann"))
    >>> [e.value for e in store.entries(["c1"])]
    [Decimal('40')]
    >>> store.delete_for(["c1"]), store.entries(["c1"])
    (1, ())
    """

    def __init__(self, *, cards: MemoryScorecards | None = None) -> None:
        self._entries: dict[str, list[ManualEntry]] = {}
        self._cards = cards
        self._lock = _wire(cards, self)

    def append(self, entry: ManualEntry) -> None:
        """See `ManualValueStore.append`: wired to a repository, a deleted or closed card's entry is refused."""
        given: object = entry
        if not isinstance(given, ManualEntry):
            msg = f"expected a ManualEntry, got {given!r}"
            raise TypeError(msg)
        with self._lock:
            if self._cards is not None:
                self._cards._refuse_deleted(entry.card_id)  # noqa: SLF001 - one database
                self._cards._refuse_closed(entry.card_id)  # noqa: SLF001 - one database
            self._entries.setdefault(entry.card_id, []).append(entry)

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """See `ManualValueStore.entries`."""
        with self._lock:
            return tuple(e for card_id in distinct_ids(card_ids) for e in self._entries.get(card_id, ()))

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `ManualValueStore.delete_for`."""
        with self._lock:
            return sum(len(self._entries.pop(card_id, ())) for card_id in distinct_ids(card_ids))


class MemorySnapshots:
    """A `SnapshotStore` in a dict; with ``cards=repo``, in the repository's database.

    >>> store = MemorySnapshots()
    >>> store.get(["c1"])
    {}
    """

    def __init__(self, *, cards: MemoryScorecards | None = None) -> None:
        self._closed: dict[str, ClosedScore] = {}
        self._cards = cards
        self._lock = _wire(cards, self)

    def add(self, closed: ClosedScore) -> None:
        """See `SnapshotStore.add`: wired to a repository, only of the stored version of a stored card."""
        given: object = closed
        if not isinstance(given, ClosedScore):
            msg = f"expected a ClosedScore, got {given!r}"
            raise TypeError(msg)
        with self._lock:
            if closed.card_id in self._closed:
                raise ConflictError.already_closed(closed.card_id)
            cards = self._cards
            if cards is not None:
                cards._refuse_deleted(closed.card_id)  # noqa: SLF001 - one database
                stored = cards._cards.get(closed.card_id)  # noqa: SLF001 - one database
                if stored is not None and stored.version != closed.card_version:
                    raise ConflictError.stale(closed.card_id, stored=stored.version, expected=closed.card_version)
                manual = cards._manual  # noqa: SLF001 - one database
                if manual is not None:
                    refuse_later_entries(closed, [e.recorded_at for e in manual._entries.get(closed.card_id, ())])  # noqa: SLF001
                adjustments = cards._adjustments  # noqa: SLF001 - one database
                if adjustments is not None:
                    refuse_missed_adjustments(closed, adjustments.for_cards([closed.card_id]))
            self._closed[closed.card_id] = closed

    def closed_ids(self, card_ids: Iterable[str]) -> frozenset[str]:
        """See `scorekit.ports.ClosedIds`."""
        with self._lock:
            return frozenset(card_id for card_id in distinct_ids(card_ids) if card_id in self._closed)

    def get(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        """See `SnapshotStore.get`."""
        with self._lock:
            return {i: self._closed[i] for i in distinct_ids(card_ids) if i in self._closed}

    def remove(self, card_id: str, change: Change) -> ClosedScore:
        """See `SnapshotStore.remove`."""
        _change(change)
        with self._lock:
            try:
                return self._closed.pop(_card_id(card_id))
            except KeyError:
                raise CardNotFound.not_closed(card_id) from None

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `SnapshotStore.delete_for`."""
        with self._lock:
            return sum(self._closed.pop(card_id, None) is not None for card_id in distinct_ids(card_ids))


def _instant(value: object) -> DateTime:
    return as_instant(value, name="record occurred_at")


def _value(value: object) -> Decimal:
    return to_decimal(value, name="record value")


def _share(value: object) -> Decimal:
    return as_share(value, name="record share")


@attrs.frozen
class Record:
    """A CRM-like record: one won deal, one call... of one user (`subject`) at one instant.

    A request counts it when ``start <= occurred_at < end`` as instants: a record
    exactly at `as_of` is not counted yet.  A deal split between people is one row
    per person under the same id, each with its `share` in (0, 1] (`Evidence.share`):
    the shares of one record of one metric sum to at most 1.

    >>> import pendulum
    >>> at = pendulum.datetime(2024, 4, 9, tz="UTC")
    >>> [Record("D-7", "revenue", who, at, 10_000, share=part).share for who, part in (("ann", "0.6"), ("bob", "0.4"))]
    [Decimal('0.6'), Decimal('0.4')]
    """

    id: str = attrs.field(validator=identifier("record id", InvalidScorecard))
    metric: str = attrs.field(validator=identifier("record metric", InvalidScorecard))
    subject: str = attrs.field(validator=identifier("record subject", InvalidScorecard))
    occurred_at: DateTime = attrs.field(converter=_instant)
    value: Decimal = attrs.field(default=ONE, converter=_value)
    label: str = attrs.field(default="", validator=label("record label", InvalidScorecard))
    share: Decimal = attrs.field(default=ONE, kw_only=True, converter=_share)


_Columns = tuple[list[_dt.datetime], list[Decimal], tuple[Evidence, ...], list[Decimal] | None]
"""One user's records of one metric, oldest first: instants, credits, evidence, and shares (None when all whole)."""

_NOTHING = Measurement(0)
"""The answer when no record matches a SUM: immutable, so one serves every such request."""
_NO_RECORD = Measurement(None)
"""The answer when no record matches a level (AVERAGE, LAST): no value yet."""


class RecordsMetricSource:
    """A `MetricSource` over a list of `Record`s, as a CRM's query would answer.

    Each request is answered by its accumulation: the sum of the matching records'
    values (SUM), their mean in scorekit's 34-digit context (AVERAGE) or the value of
    the latest one by (instant, record id) (LAST), or the sum of each subject's latest
    (BALANCE); a team's members' records are pooled, each once.  With no matching record a SUM is 0 and a level is ``Measurement(None)``.
    The matching records come as `Evidence`, oldest first.  A record split between
    people (`Record.share`) counts ``value x share`` for each and the sum of their
    shares for a team (`Measurement.from_records`); shares of one record of a metric
    summing above 1 are refused when the source is built (`InvalidMeasurement`).

    It is an `AggregateSource` and a `ColumnSource` too: `aggregate` answers each
    `Cell` (one user), and `aggregate_columns` each subject of a (metric, window),
    with the sum, count and latest record of its window, found by bisecting that
    user's records of the metric, kept sorted by (instant, id); `aggregate` groups
    its cells into such columns.  `calls` counts every call to it,
    `measure_calls`, `aggregate_calls` and `column_calls` each kind (tests and the
    bench count them).

    >>> import pendulum
    >>> from scorekit import Accumulation, MetricRequest
    >>> at = lambda day, hour=9: pendulum.datetime(2024, 4, day, hour, tz="UTC")
    >>> source = RecordsMetricSource([Record("r1", "rate", "ann", at(2), 20), Record("r2", "rate", "ann", at(3), 30),
    ...                               Record("r3", "rate", "bob", at(3), 31)])
    >>> ask = lambda acc, who={"ann", "bob"}: MetricRequest("rate", frozenset(who), at(1), at(30), acc)
    >>> answers = source.measure([ask("sum"), ask("average"), ask("last"), ask("last", {"eve"})])
    >>> [str(answers[ask(a)].value) for a in ("sum", "average", "last")]  # 81; 81 / 3; r3 beats r2 on the tie by id
    ['81', '27', '31']
    >>> answers[ask("last", {"eve"})].value is None  # a level with no record yet
    True
    >>> from scorekit import Cell
    >>> cells = [Cell("rate", "average", who, at(1), at(30)) for who in ("ann", "bob")]
    >>> team = Aggregate.pool(source.aggregate(cells).values())
    >>> team.total, team.count, team.last_id, str(team.value(Accumulation.AVERAGE))
    (Decimal('81'), 3, 'r3', '27')
    >>> march = (cells[0].metric, Accumulation.AVERAGE, cells[0].start, cells[0].end)
    >>> column = source.aggregate_columns({march: frozenset({"ann", "eve"})})[march]
    >>> column["ann"].total, column["eve"] is Aggregate.EMPTY  # 20 + 30; eve has no record
    (Decimal('50'), True)
    >>> source.calls, source.measure_calls, source.aggregate_calls, source.column_calls
    (3, 1, 1, 1)
    """

    def __init__(self, records: Iterable[Record]) -> None:
        rows: dict[tuple[str, str], list[tuple[_dt.datetime, str, Record]]] = {}
        for record in records:
            rows.setdefault((record.metric, record.subject), []).append((as_utc(record.occurred_at), record.id, record))
        # Per (metric, subject): the instants in plain UTC (fast to bisect) and the evidence, oldest first.
        self._index: dict[tuple[str, str], tuple[list[_dt.datetime], tuple[Evidence, ...]]] = {}
        # The same records as columns for `aggregate` and `aggregate_columns`, per metric then subject (one
        # string lookup per subject): instants to bisect, values to sum, the evidence for the latest, and the
        # shares when one is split (to count a split record by the sum of its shares), else None.
        self._metrics: dict[str, dict[str, _Columns]] = {}
        split: dict[str, list[Evidence]] = {}
        for (metric, subject), found in rows.items():
            found.sort(key=lambda row: (row[0], row[1]))
            times = [row[0] for row in found]
            evidence = tuple(Evidence(r.id, r.occurred_at, r.value, r.label, share=r.share) for _t, _i, r in found)
            self._index[metric, subject] = (times, evidence)
            shares = [e.share for e in evidence] if any(e.share != ONE for e in evidence) else None
            self._metrics.setdefault(metric, {})[subject] = (times, [e.credit for e in evidence], evidence, shares)
            split.setdefault(metric, []).extend(evidence)
        for metric_rows in split.values():
            check_shares(metric_rows)  # one record's rows across subjects: at most 1 in all
        # The user ids of the records, each checked when its record was: a column asking for one
        # needs no second check.
        self._subjects = frozenset(subject for _metric, subject in rows)
        self.calls = 0
        self.measure_calls = 0
        self.aggregate_calls = 0
        self.column_calls = 0

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        """See `MetricSource.measure`."""
        self.calls += 1
        self.measure_calls += 1
        wanted = set(requests)
        asked, parts = balance_requests(wanted)  # a BALANCE: each subject's LAST, added up
        return balance_answers(wanted, {request: self._answer(request) for request in asked}, parts)

    def aggregate(self, cells: Collection[Cell]) -> Mapping[Cell, Aggregate]:
        """See `AggregateSource.aggregate`: the cells as columns (one per metric and window), as `aggregate_columns`."""
        self.calls += 1
        self.aggregate_calls += 1
        return cell_answers(cells, self._aggregates)

    def aggregate_columns(
        self, columns: Mapping[ColumnKey, frozenset[str]]
    ) -> Mapping[ColumnKey, Mapping[str, Aggregate]]:
        """See `ColumnSource.aggregate_columns`: per subject, two bisections and a sum."""
        self.calls += 1
        self.column_calls += 1
        return column_answers(columns, self._aggregates, known=self._subjects)

    def _aggregates(self, columns: Sequence[Column]) -> list[dict[str, Aggregate]]:
        # The dashboard's hot path: every name it uses per subject is local.
        bisect_left = bisect.bisect_left
        empty = Aggregate.EMPTY
        trusted = Aggregate._trusted  # noqa: SLF001 - sums and records this source validated
        add = EXACT_SUMS.add
        answers: list[dict[str, Aggregate]] = []
        for column in columns:
            records = self._metrics.get(column.metric, {}).get
            start, end = column.start, column.end
            got: dict[str, Aggregate] = {}
            for subject in column.subjects:
                found = records(subject)
                if found is None:
                    got[subject] = empty
                    continue
                times, values, evidence, shares = found
                low = bisect_left(times, start)
                high = bisect_left(times, end, low)
                if low == high:
                    got[subject] = empty
                    continue
                total = ZERO  # exact_sum, inline: the same additions in the same order as `measure`
                for value in values[low:high]:
                    total = add(total, value)
                last = evidence[high - 1]  # the latest, the greatest id on a tie
                if shares is None:
                    got[subject] = trusted(total, high - low, last.value, last.occurred_at, last.id)
                else:  # the sum of the shares, an int when whole
                    got[subject] = Aggregate(total, exact_sum(shares[low:high]), last.value, last.occurred_at, last.id)
            answers.append(got)
        return answers

    def _answer(self, request: MetricRequest) -> Measurement:
        start, end = as_utc(request.start), as_utc(request.end)
        rows: list[tuple[_dt.datetime, str, Evidence]] = []
        for subject in request.subjects:
            found = self._index.get((request.metric, subject))
            if found is None:
                continue
            times, evidence = found
            low = bisect.bisect_left(times, start)
            high = bisect.bisect_left(times, end, low)
            if low == high:
                continue
            if len(request.subjects) == 1:
                return Measurement.from_records(evidence[low:high], request.accumulation)
            rows += zip(times[low:high], (e.id for e in evidence[low:high]), evidence[low:high], strict=True)
        if not rows:
            return _NOTHING if request.accumulation is Accumulation.SUM else _NO_RECORD
        rows.sort(key=lambda row: (row[0], row[1]))
        return Measurement.from_records(tuple(row[2] for row in rows), request.accumulation)


def _to_now(value: object) -> DateTime:
    return as_instant(value, name="now")


@attrs.define
class FixedClock:
    """A `Clock` that says what it is told; call `set` to move it.

    >>> import pendulum
    >>> clock = FixedClock(now=pendulum.datetime(2024, 1, 1, tz="UTC"))
    >>> clock.set(pendulum.datetime(2024, 2, 1, tz="Europe/Warsaw"))
    >>> clock.now().isoformat()
    '2024-02-01T00:00:00+01:00'
    """

    _now: DateTime = attrs.field(alias="now", converter=_to_now)

    def now(self) -> DateTime:
        """The instant it was set to."""
        return self._now

    def set(self, value: _dt.datetime) -> None:
        """Move the clock to `value`, an aware instant (a naive one raises `InvalidPeriod`).

        Every later `now()` answers `value` until the next `set`; the clock never moves
        on its own, so a test decides exactly when "today" changes (for `roll_over`,
        dashboards, `report`). It may move backwards too.
        """
        self._now = as_instant(value, name="now")


class MemoryAdjustments:
    """An `AdjustmentStore` in a list; with ``cards=repo``, in the repository's database.

    >>> import pendulum
    >>> store = MemoryAdjustments()
    >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
    >>> store.add(Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss"))
    >>> [a.reason for a in store.for_cards(["c1"])], store.delete_for(["c1"]), store.for_cards(["c1"])
    (['D-7 booked late'], 1, ())
    """

    def __init__(self, *, cards: MemoryScorecards | None = None) -> None:
        self._items: dict[str, list[tuple[int, Adjustment]]] = {}  # by card: (the order added, the adjustment)
        self._ids: set[str] = set()
        self._added = 0
        self._cards = cards
        self._lock = _wire(cards, self)

    def add(self, adjustment: Adjustment) -> None:
        """See `AdjustmentStore.add`: wired to a repository, a deleted or closed card's adjustment is refused."""
        item = checked(adjustment)
        with self._lock:
            if item.id in self._ids:
                raise adjustment_taken(item.id)
            if self._cards is not None:
                self._cards._refuse_deleted(item.card_id)  # noqa: SLF001 - one database
                self._cards._refuse_closed(item.card_id)  # noqa: SLF001 - one database
            self._added += 1
            self._items.setdefault(item.card_id, []).append((self._added, item))
            self._ids.add(item.id)

    def for_cards(self, card_ids: Iterable[str]) -> tuple[Adjustment, ...]:
        """See `AdjustmentStore.for_cards`."""
        ids = distinct_ids(card_ids)
        with self._lock:
            found = [pair for card_id in ids for pair in self._items.get(card_id, ())]
        return tuple(a for _seq, a in sorted(found, key=lambda pair: pair[0]))

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `AdjustmentStore.delete_for`."""
        with self._lock:
            removed = [a for card_id in distinct_ids(card_ids) for _seq, a in self._items.pop(card_id, ())]
            self._ids.difference_update(a.id for a in removed)
            return len(removed)


def _reports(value: object) -> dict[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        msg = f"an org chart's reports must map each manager id to their direct reports' ids, got {value!r}"
        raise InvalidScorecard(msg)
    chart: dict[str, frozenset[str]] = {}
    for manager, reports in value.items():
        check_identifier(manager, what="manager id", error=InvalidScorecard)
        if isinstance(reports, str) or not isinstance(reports, Iterable):
            msg = f"manager {manager!r}'s direct reports must be a collection of user ids, got {reports!r}"
            raise InvalidScorecard(msg)
        chart[manager] = frozenset(check_identifier(r, what="report id", error=InvalidScorecard) for r in reports)
    return chart


class StaticOrgChart:
    """An `OrgChart` from each manager's direct reports: `members` follows them down, however deep.

    The transitive set is computed without recursion (a chain of any depth works)
    and each manager's answer is kept; a cycle is tolerated (a manager in their own
    chain of reports is simply reached again, and the service still never lets a
    manager change their own card).

    >>> chart = StaticOrgChart({"lea": ["ann", "max"], "max": ["bob", "lea"]})
    >>> sorted(chart.members("lea")), sorted(chart.members("max")), chart.members("ann")
    (['ann', 'bob', 'lea', 'max'], ['ann', 'bob', 'lea', 'max'], frozenset())
    """

    def __init__(self, reports: Mapping[str, Iterable[str]]) -> None:
        self._reports = _reports(reports)
        self._members: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def members(self, manager_id: str) -> frozenset[str]:
        """Every user `manager_id` manages, directly or not (see `OrgChart.members`)."""
        with self._lock:
            found = self._members.get(manager_id)
            if found is None:
                reached: set[str] = set()
                todo = list(self._reports.get(manager_id, ()))
                while todo:
                    user = todo.pop()
                    if user not in reached:
                        reached.add(user)
                        todo.extend(self._reports.get(user, ()))
                found = self._members[manager_id] = frozenset(reached)
            return found
