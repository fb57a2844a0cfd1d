"""The ports a host implements: storage of cards, history, manual values, adjustments and closed scores, CRM counts, the clock.

Each is a `typing.Protocol`: any object with these methods will do, no base class
needed.  `scorekit.adapters` has reference implementations (in memory, SQLite), and
`scorekit.testing` has the contract suites a host runs against its own.

>>> from scorekit.adapters.memory import MemoryScorecards
>>> isinstance(MemoryScorecards(), ScorecardRepository)
True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from scorekit.adjustment import Adjustment
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Aggregate, Cell, ColumnKey, ManualEntry, Measurement, MetricRequest
from scorekit.period import Date
from scorekit.scorecard import Scorecard, Team, User

__all__ = [
    "AdjustmentStore",
    "AggregateSource",
    "CardIndex",
    "CardRow",
    "CardSteps",
    "Clock",
    "ClosedIds",
    "ColumnKey",
    "ColumnSource",
    "ManualValueStore",
    "MetricSource",
    "OrgChart",
    "ScorecardRepository",
    "SnapshotStore",
    "SystemClock",
]


@attrs.frozen
class CardRow:
    """A stored card as a repository's indexed columns describe it: no document is decoded to make one.

    What `Scorekit.roll_over` and `Scorekit.close` need to find the few cards with work
    to do among many: the series and its period, the zone that says what "today" is,
    and whether the card rolls over.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> CardRow.of(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)], rollover=True))
    CardRow(id='c1', series='c1', period_start=Date(2024, 1, 1), period_end=Date(2024, 2, 1), timezone='UTC', rollover=True)
    """

    id: str
    series: str
    """The card's `Scorecard.series_id`."""
    period_start: Date
    period_end: Date
    timezone: str
    rollover: bool

    @classmethod
    def of(cls, card: Scorecard) -> CardRow:
        """The row of `card`."""
        return cls(card.id, card.series_id, card.period.start, card.period.end, card.timezone, card.rollover)


@runtime_checkable
class ScorecardRepository(Protocol):
    """Where cards live, with every version they ever had.

    Every writing method is atomic: it stores everything it was asked to *and* one
    `Revision` per card written, carrying the given `change`, in the same
    transaction, or nothing at all.  A revision is never changed or removed, except
    by `purge`.
    """

    def get(self, card_id: str) -> Scorecard:
        """The stored card, with its stored version; `CardNotFound` if there is none (deleted included)."""
        ...

    def add(self, card: Scorecard, *, change: Change) -> Scorecard:
        """Store a new card as it is, record ``Revision(card, change)``, and return the card.

        `ConflictError`, with nothing written, if its id is taken (by a stored *or* a
        deleted card: a deleted id never comes back), or if a stored card of the same
        series (`Scorecard.series_id`) already has the same period start: this rule
        is what makes rollover idempotent, even with two processes at once.
        """
        ...

    def add_many(self, cards: Sequence[Scorecard], *, change: Change) -> tuple[Scorecard, ...]:
        """`add` for several cards in one transaction, one revision each: all are stored, or none (`ConflictError`)."""
        ...

    def update(self, card: Scorecard, expected_version: int, *, change: Change) -> Scorecard:
        """Replace the stored card of the same id if its version is `expected_version`.

        The stored version becomes ``expected_version + 1``, ``Revision(stored card,
        change)`` is recorded, and the stored card is returned.  `CardNotFound` if
        there is no such card; `ConflictError`, with nothing written, if the stored
        version differs (someone else changed it) or the new (series, period start)
        is taken by another card.
        """
        ...

    def update_many(self, changes: Sequence[tuple[Scorecard, int]], *, change: Change) -> tuple[Scorecard, ...]:
        """`update` for several ``(card, expected_version)`` pairs in one transaction: all or nothing."""
        ...

    def delete(self, card_id: str, *, change: Change) -> None:
        """Remove the card and record ``Revision(last card, change, deleted=True)``; `CardNotFound` if there is none.

        Its id stays taken for good (`add` of it raises `ConflictError`), its history stays readable.
        """
        ...

    def delete_many(self, card_ids: Collection[str], *, change: Change) -> int:
        """`delete` for several cards in one transaction and say how many (an id given twice counts once).

        `CardNotFound` and nothing removed if one is missing.
        """
        ...

    def history(self, card_id: str) -> tuple[Revision, ...]:
        """Every revision of the card, oldest first: its versions in order, then the deletion if deleted.

        Still answers after the card is deleted; `CardNotFound` for an id never
        stored (or purged).
        """
        ...

    def purge(self, card_ids: Collection[str]) -> int:
        """Forget deleted cards entirely, history included (a person's right to be forgotten); say how many.

        Only deleted cards may be purged: `ConflictError` and nothing purged if one
        is still stored; `CardNotFound` and nothing purged for an id never seen.  A
        purged id may be used again.
        """
        ...

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
        active_on: Date | None = None,
        owner_id: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """The stored cards (never deleted ones) that match every filter given, ordered by id.

        `owner`: owned by exactly this user or team (a team's members must match
        too); `owner_id`: owned by the user or team with this id, whatever its
        members; `subject`: whose subjects include this user id (their own cards
        and their teams'); `series`: of this `Scorecard.series_id`; `active_on`:
        whose period holds this date (``start <= active_on < end``).  A repository
        over many cards answers `active_on` from an index, not by reading every card.
        """
        ...


@runtime_checkable
class CardIndex(Protocol):
    """An optional method of a `ScorecardRepository`: its cards as rows, read from indexed columns.

    A repository over many cards should offer it: `Scorekit.roll_over` and
    `Scorekit.close` then decode only the cards that have work to do (none, on most
    runs).  Without it they read every card through `ScorecardRepository.find`.
    """

    def index(self) -> tuple[CardRow, ...]:
        """A `CardRow` for every stored card (never a deleted one), ordered by id, equal to ``CardRow.of(card)``."""
        ...


@runtime_checkable
class CardSteps(Protocol):
    """Optional methods of a `ScorecardRepository` that shares its database with the other stores: one transaction each.

    `Scorekit` uses them when the repository has them, so that rollover, reopening
    and removing a person's cards are each one step a crash or another process
    cannot cut in two; without them it falls back to several writes.  The
    adapters in `scorekit.adapters` have them.

    >>> from scorekit.adapters.memory import MemoryScorecards
    >>> isinstance(MemoryScorecards(), CardSteps)
    True
    """

    def add_next(self, previous: Scorecard, card: Scorecard, *, change: Change) -> Scorecard:
        """`add` the card that follows `previous` in its series, if `previous` is still stored.

        `ConflictError` (``ConflictError.deleted``) and nothing written if
        `previous` was deleted: a series stops at a deleted card.
        """
        ...

    def reopen(self, card_id: str, *, change: Change) -> tuple[Scorecard, ClosedScore]:
        """Remove the card's closed score and record a revision (version + 1), in one transaction.

        Returns the card as now stored and the closed score removed.
        `CardNotFound` if the card is not stored, or if this database holds no
        closed score of it (the snapshot store is elsewhere, or someone reopened it).
        """
        ...

    def delete_owned(
        self, user_id: str, *, change: Change, keep: Collection[str] = (), closed: bool = False, purge: bool = False
    ) -> tuple[str, ...]:
        """Delete every stored card the user `user_id` owns (not team cards), in one transaction; their ids.

        Their manual entries, adjustments and closed scores in this database go too.  The cards
        in `keep` stay, and so does a card with a closed score in this database
        unless `closed`.  With `purge`, every card the user ever owned that is now
        deleted (by this call or before) is forgotten as `purge` does, with its
        entries, adjustments and closed score: a retry after a crash finishes the job.
        """
        ...


@runtime_checkable
class MetricSource(Protocol):
    """The CRM's counts.

    `measure` is required.  A source may also implement `aggregate(cells)` (see
    `AggregateSource`): one user's sum, count and latest record per `Cell`.  The
    service then answers dashboards and trends with one `aggregate` call (once
    per distinct cell, pooling a team's members itself) and keeps `measure` for
    what needs the records themselves: a report's evidence and the fingerprint
    of a closed score.  A source may also implement `aggregate_columns` (see
    `ColumnSource`): the same aggregates asked once per metric and window with
    all its subjects.  A source without either keeps working through `measure`
    alone.
    """

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        """Answer every request: the total of its metric for its subjects in ``[start, end)``.

        Called once per batch (a report, a whole dashboard), never once per card.
        A request left unanswered makes the service raise `MissingMeasurement`.
        """
        ...


@runtime_checkable
class AggregateSource(MetricSource, Protocol):
    """A `MetricSource` that also answers `Cell`s with `Aggregate`s: what fast dashboards ask.

    Each cell is one user's records of one metric in ``[start, end)``; its
    aggregate is their exact sum, their count and the latest record by
    ``(occurred_at, id)``.  The service pools a team's members (`Aggregate.pool`)
    and reads the value a request's accumulation wants (`Aggregate.value`); the
    result must equal what `measure` answers for the same records, which
    `scorekit.testing.MetricSourceContract` checks.

    >>> from scorekit.adapters.memory import RecordsMetricSource
    >>> isinstance(RecordsMetricSource([]), AggregateSource)
    True
    """

    def aggregate(self, cells: Collection[Cell]) -> Mapping[Cell, Aggregate]:
        """Answer every cell with its `Aggregate` (`Aggregate.EMPTY` when no record is in its window).

        Called once per batch with distinct cells.  A cell left unanswered makes
        the service raise `MissingMeasurement`.
        """
        ...


@runtime_checkable
class ColumnSource(Protocol):
    """An optional method of a `MetricSource`: one question per metric and window, with all its subjects.

    A dashboard of many cards asks the same few (metric, window) pairs for
    thousands of users; `aggregate_columns` answers each pair once, every
    subject's `Aggregate` in it, without a `Cell` per user.  Each subject's
    answer must equal what `AggregateSource.aggregate` gives for
    ``Cell(metric, accumulation, subject, start, end)``, which
    `scorekit.testing.MetricSourceContract` checks.  The service asks it when the
    source has it, else `aggregate`, else `measure`.

    >>> from scorekit.adapters.memory import RecordsMetricSource
    >>> isinstance(RecordsMetricSource([]), ColumnSource)
    True
    """

    def aggregate_columns(
        self, columns: Mapping[ColumnKey, frozenset[str]]
    ) -> Mapping[ColumnKey, Mapping[str, Aggregate]]:
        """Answer every key with each of its subjects' `Aggregate` in ``[start, end)`` (`Aggregate.EMPTY` without a record).

        `start` and `end` are aware instants (the service gives them in UTC).  A key
        with no subject answers an empty mapping.  A key that is not a
        ``(metric, accumulation, start, end)`` tuple, or subjects that are not a set
        of user ids, raise the `ScorekitError` `Cell` raises for the same mistake.
        """
        ...


@runtime_checkable
class ManualValueStore(Protocol):
    """Hand-entered values of manual metrics: append-only, never edited; removed only with their card."""

    def append(self, entry: ManualEntry) -> None:
        """Keep `entry`.

        A store that shares its database with the cards refuses, inside its own
        transaction, an entry of a card that is deleted or closed (`ConflictError`).
        """
        ...

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """Every entry of these cards, oldest first (in the order they were appended)."""
        ...

    def delete_for(self, card_ids: Collection[str]) -> int:
        """Remove every entry of these cards (they are being deleted) in one transaction; say how many.

        Ids without entries are fine.  Entries removed never come back, whatever
        card later uses the same id.
        """
        ...


@runtime_checkable
class SnapshotStore(Protocol):
    """Closed scores (`ClosedScore`): at most one per card, the number a closed period keeps."""

    def add(self, closed: ClosedScore) -> None:
        """Keep `closed`; `ConflictError`, with nothing written, if its card already has one.

        Atomic against another process adding one for the same card: exactly one wins.
        A store that shares its database with the cards also refuses, inside the
        same transaction (`ConflictError`), a closed score of a card that is no
        longer at ``closed.card_version``, that was deleted, that has a manual
        entry recorded after ``closed.closed_at``, or an adjustment recorded by the
        score's ``as_of`` that ``closed.adjustments`` leaves out: what was scored
        is no longer what is stored, and `Scorekit.close` scores that card again.
        """
        ...

    def get(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        """The closed score of each of these cards that has one, by card id (cards without one are left out)."""
        ...

    def remove(self, card_id: str, change: Change) -> ClosedScore:
        """Remove the card's closed score (reopening it) and return it; `CardNotFound` if it has none.

        `change` says who reopened it, when and why; a store may keep it, the
        service records it in the card's history too.
        """
        ...

    def delete_for(self, card_ids: Collection[str]) -> int:
        """Remove the closed scores of these cards (they are being deleted); say how many. Ids without one are fine."""
        ...


@runtime_checkable
class ClosedIds(Protocol):
    """An optional method of a `SnapshotStore`: which cards are closed, without decoding their closed scores.

    `Scorekit.close` uses it to skip the cards closed before; without it, it reads
    their closed scores through `SnapshotStore.get`.
    """

    def closed_ids(self, card_ids: Iterable[str]) -> frozenset[str]:
        """Those of `card_ids` that have a closed score."""
        ...


@runtime_checkable
class OrgChart(Protocol):
    """Who manages whom: with one, `Scorekit` lets a manager see and change only their own people.

    `members(manager_id)` is every user the manager manages, directly or not (their
    reports, their reports' reports...), as user ids; an empty set for someone who
    manages nobody.  A manager sees a card when one of its subjects is theirs or is
    the manager, and changes it only when every subject is theirs (never their own
    card).  `scorekit.adapters.memory.StaticOrgChart` is a reference implementation.

    >>> from scorekit.adapters.memory import StaticOrgChart
    >>> chart = StaticOrgChart({"lea": ["ann", "max"], "max": ["bob"]})
    >>> isinstance(chart, OrgChart), sorted(chart.members("lea"))
    (True, ['ann', 'bob', 'max'])
    """

    def members(self, manager_id: str) -> frozenset[str]:
        """Every user `manager_id` manages, directly or not."""
        ...


@runtime_checkable
class Clock(Protocol):
    """Where the service's "now" comes from; the core never reads a clock."""

    def now(self) -> _dt.datetime:
        """The current instant, aware."""
        ...


class SystemClock:
    """The real clock, in UTC.

    >>> SystemClock().now().tzinfo is not None
    True
    """

    def now(self) -> _dt.datetime:
        """The current instant."""
        return pendulum.now("UTC")


@runtime_checkable
class AdjustmentStore(Protocol):
    """Hand corrections of cards' numbers (`Adjustment`): append-only, never edited; removed only with their card.

    A mistake is corrected by an opposite entry, never by changing one.  A store that
    shares its database with the cards refuses, inside its own transaction, an
    adjustment of a card that is deleted or closed (`ConflictError`), and deleting or
    purging a card removes its adjustments in the same transaction as the card.

    >>> from scorekit.adapters.memory import MemoryAdjustments
    >>> isinstance(MemoryAdjustments(), AdjustmentStore)
    True
    """

    def add(self, adjustment: Adjustment) -> None:
        """Keep `adjustment`; `ConflictError`, with nothing written, if its id is already stored."""
        ...

    def for_cards(self, card_ids: Iterable[str]) -> tuple[Adjustment, ...]:
        """Every adjustment of these cards, in the order they were added (ids without one are fine)."""
        ...

    def delete_for(self, card_ids: Collection[str]) -> int:
        """Remove every adjustment of these cards (they are being deleted) in one transaction; say how many."""
        ...
