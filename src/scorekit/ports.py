"""The ports a host implements: storage of cards and manual values, CRM counts, the clock.

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

import pendulum

from scorekit.measurement import ManualEntry, Measurement, MetricRequest
from scorekit.scorecard import Scorecard, Team, User

__all__ = ["Clock", "ManualValueStore", "MetricSource", "ScorecardRepository", "SystemClock"]


@runtime_checkable
class ScorecardRepository(Protocol):
    """Where cards live.  Every method is atomic: it changes everything it was asked to, or nothing."""

    def get(self, card_id: str) -> Scorecard:
        """The stored card, with its stored version; `CardNotFound` if there is none."""
        ...

    def add(self, card: Scorecard) -> Scorecard:
        """Store a new card as it is and return it.

        `ConflictError` if its id is taken, or if a card of the same series
        (`Scorecard.series_id`) already has the same period start: this rule is what
        makes rollover idempotent, even with two processes at once.
        """
        ...

    def add_many(self, cards: Sequence[Scorecard]) -> tuple[Scorecard, ...]:
        """`add` for several cards in one transaction: all are stored, or none (`ConflictError`)."""
        ...

    def update(self, card: Scorecard, expected_version: int) -> Scorecard:
        """Replace the stored card of the same id if its version is `expected_version`.

        The stored version becomes ``expected_version + 1`` and the stored card is
        returned.  `CardNotFound` if there is no such card; `ConflictError`, with
        nothing written, if the stored version differs (someone else changed it).
        """
        ...

    def update_many(self, changes: Sequence[tuple[Scorecard, int]]) -> tuple[Scorecard, ...]:
        """`update` for several ``(card, expected_version)`` pairs: all or nothing."""
        ...

    def delete(self, card_id: str) -> None:
        """Remove the card; `CardNotFound` if there is none."""
        ...

    def delete_many(self, card_ids: Collection[str]) -> int:
        """Remove all these cards in one transaction and say how many; `CardNotFound` and nothing removed if one is missing."""
        ...

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """The cards that match every filter given, ordered by id.

        `owner`: owned by exactly this user or team; `subject`: whose subjects
        include this user id (their own cards and their teams'); `series`: of
        this `Scorecard.series_id`.
        """
        ...


@runtime_checkable
class MetricSource(Protocol):
    """The CRM's counts."""

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        """Answer every request: the total of its metric for its subjects in ``[start, end)``.

        Called once per batch (a report, a whole dashboard), never once per card.
        A request left unanswered makes the service raise `MissingMeasurement`.
        """
        ...


@runtime_checkable
class ManualValueStore(Protocol):
    """Hand-entered values of manual metrics: append-only, never edited."""

    def append(self, entry: ManualEntry) -> None:
        """Keep `entry`."""
        ...

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """Every entry of these cards, oldest first (in the order they were appended)."""
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
