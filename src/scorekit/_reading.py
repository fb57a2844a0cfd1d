"""The service's base: the ports it holds, who may see and change what, and the use cases that only read.

`_Reading` holds what every use case needs (the ports, the clock, the scope of an
actor, the closed scores) and the reading use cases: `history`, `report`, `trend`
and `dashboard`, with the scoring of a batch (one CRM call, `scorekit.asking`).
`scorekit.service.Scorekit` is the class a host builds; this is its base.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
from pendulum import Date, DateTime

from scorekit import asking
from scorekit._access import Actor, Role, as_actor
from scorekit.adjustment import Adjustment
from scorekit.errors import (
    CardNotFound,
    InvalidPeriod,
    InvalidScorecard,
    PermissionDenied,
    ScorekitError,
    StorageError,
)
from scorekit.grouping import CardFailure, Dashboard, KeyFunction, Trend, similarity_key, summarize_groups
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import (
    ManualEntry,
    Measurement,
    as_instant,
)
from scorekit.period import as_date, as_utc, zone
from scorekit.ports import (
    AdjustmentStore,
    AggregateSource,
    CardIndex,
    CardRow,
    Clock,
    ColumnSource,
    ManualValueStore,
    MetricSource,
    OrgChart,
    ScorecardRepository,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ScoreRows

__all__: list[str] = []

_CLOSED_HINT: Final = "reopen it first (Scorekit.reopen, with a reason)"


class _Reading:
    """The ports, the checks every use case makes, and the reading use cases (see `scorekit.service.Scorekit`)."""

    horizon_days: int
    cards: ScorecardRepository
    metrics: MetricSource
    manual: ManualValueStore
    clock: Clock
    snapshots: SnapshotStore | None
    adjustment_store: AdjustmentStore | None
    org: OrgChart | None

    # -- who may do what -------------------------------------------------------------

    @staticmethod
    def _require_manager(actor: Actor, action: str) -> None:
        if not as_actor(actor).may_manage:
            msg = f"{actor.role.value} {actor.id!r} may not {action}: only managers and administrators may"
            raise PermissionDenied(msg)

    def _scope(self, actor: Actor) -> frozenset[str] | None:
        """Whom a manager manages under the org chart; None when no chart limits the actor (no chart, not a manager).

        Asked once per use case, before anything is written: an org chart that fails
        becomes a `ScorekitError` and nothing changes.
        """
        if as_actor(actor).role is not Role.MANAGER or self.org is None:
            return None
        try:
            found: object = self.org.members(actor.id)
        except ScorekitError:
            raise
        except Exception as error:
            msg = f"the org chart could not say whom manager {actor.id!r} manages ({error!r}); nothing was done"
            raise ScorekitError(msg) from error
        if isinstance(found, frozenset | set) and all(isinstance(member, str) for member in found):
            return frozenset(found)
        msg = f"the org chart answered {found!r} for manager {actor.id!r}; OrgChart.members must return a frozenset of user ids"
        raise ScorekitError(msg)

    @staticmethod
    def _may_see(actor: Actor, card: Scorecard, scope: frozenset[str] | None) -> bool:
        """A user their own and their teams' cards; a manager every card, or with a chart those touching their people."""
        subjects = card.subjects
        if actor.role is Role.USER:
            return actor.id in subjects
        return scope is None or actor.id in subjects or not scope.isdisjoint(subjects)

    @staticmethod
    def _may_change(actor: Actor, subjects: frozenset[str], scope: frozenset[str] | None) -> bool:
        """Managers and admins; with a chart, a manager only when every subject is theirs and none is themselves."""
        if not actor.may_manage:
            return False
        return scope is None or (actor.id not in subjects and subjects <= scope)

    def _visible(self, actor: Actor, card_id: str) -> Scorecard:
        card = self.cards.get(card_id)
        if not self._may_see(as_actor(actor), card, self._scope(actor)):
            raise CardNotFound.for_id(card_id)
        return card

    def _changeable(self, actor: Actor, card_id: str, action: str) -> Scorecard:
        """Card `card_id`, if the actor may `action` it: `PermissionDenied`, or `CardNotFound` if out of sight."""
        self._require_manager(actor, f"{action} cards")
        card = self.cards.get(card_id)
        self._check_change(actor, card, self._scope(actor), action)
        return card

    def _check_change(self, actor: Actor, card: Scorecard, scope: frozenset[str] | None, action: str) -> None:
        if not self._may_see(actor, card, scope):
            raise CardNotFound.for_id(card.id)
        if not self._may_change(actor, card.subjects, scope):
            raise PermissionDenied(self._out_of_scope(actor, f"{action} card {card.id!r}", card.subjects))

    def _check_owner(self, actor: Actor, owner: User | Team, scope: frozenset[str] | None, action: str) -> None:
        if not self._may_change(actor, owner.subjects, scope):
            raise PermissionDenied(self._out_of_scope(actor, f"{action} for {owner!r}", owner.subjects))

    @staticmethod
    def _out_of_scope(actor: Actor, what: str, subjects: frozenset[str]) -> str:
        own = " (a manager never changes their own card)" if actor.id in subjects else ""
        return (
            f"manager {actor.id!r} may not {what}: only cards whose people ({', '.join(sorted(subjects))}) "
            f"are all people they manage{own}"
        )

    def _now(self) -> DateTime:
        return as_instant(self.clock.now(), name="clock now")

    def _today(self, timezone: str, now: DateTime | None = None) -> Date:
        local = (now or self._now()).in_timezone(zone(timezone))
        return Date(local.year, local.month, local.day)

    def _change(self, actor: Actor, reason: str = "") -> Change:
        return Change(actor.id, self._now(), reason)

    def _closed(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        ids = list(card_ids)
        if self.snapshots is None or not ids:
            return {}
        return self.snapshots.get(ids)

    def _refuse_closed(self, cards: Sequence[Scorecard], action: str) -> None:
        closed = self._closed(c.id for c in cards)
        if closed:
            names = ", ".join(repr(card_id) for card_id in sorted(closed))
            msg = f"cannot {action} card(s) {names}: closed, so their numbers are final; {_CLOSED_HINT}"
            raise InvalidScorecard(msg)

    def _require_snapshots(self, action: str) -> SnapshotStore:
        if self.snapshots is None:
            msg = f"cannot {action} without a snapshot store: build Scorekit(..., snapshots=...) with a SnapshotStore"
            raise ScorekitError(msg)
        return self.snapshots

    def _today_in(self, fixed: Date | None, now: DateTime | None = None) -> Callable[[str], Date]:
        """Today's local date by zone name: `fixed`, or at `now` (the clock read once: a run has one "now")."""
        if fixed is not None:
            return lambda _timezone: fixed
        instant = now or self._now()
        days: dict[str, Date] = {}

        def today_in(timezone: str) -> Date:
            day = days.get(timezone)
            if day is None:
                day = days[timezone] = self._today(timezone, instant)
            return day

        return today_in

    # -- history ---------------------------------------------------------------------

    def history(self, actor: Actor, card_id: str) -> tuple[Revision, ...]:
        """Every revision of a card the actor may see, oldest first; deleted cards' too.

        `CardNotFound` for an id never seen, or a card the actor may not see.
        """
        scope = self._scope(actor)
        revisions = self.cards.history(card_id)
        if not self._may_see(actor, revisions[-1].card, scope):
            raise CardNotFound.for_id(card_id)
        return revisions

    # -- F9..F12: reading ------------------------------------------------------------

    def report(self, actor: Actor, card_id: str, *, as_of: _dt.datetime | None = None) -> CardScore:
        """One card's score, every parameter with its achievement and evidence (F11, F12).

        A closed card answers its closed score, whatever `as_of`.
        """
        card = self._visible(actor, card_id)
        instant = self._instant(as_of)
        try:
            return self._score_all([card], [instant], evidence=True)[0]
        except StorageError:
            raise
        except ScorekitError as error:
            if repr(card.id) in str(error):
                raise
            raise type(error)(f"card {card.id!r} cannot be scored: {error}") from error

    def trend(self, actor: Actor, series_id: str) -> Trend:
        """Every card of a series the actor may see, in period order, each as of its period end.

        A `Trend` is a tuple of `CardScore`s that a notebook draws as a line of the totals.

        A closed card shows its closed score; the current one is scored as of now (and
        a future one is not started).  The CRM is asked once.  `CardNotFound` if the
        actor may see no card of the series.
        """
        scope = self._scope(actor)
        cards = [c for c in self.cards.find(series=series_id) if self._may_see(actor, c, scope)]
        if not cards:
            msg = f"no series {series_id!r}"
            raise CardNotFound(msg)
        cards.sort(key=lambda c: c.period.start)
        now = self._now()
        utc_now = as_utc(now)
        instants = []
        for card in cards:
            end = card.period.instants(card.timezone)[1]
            instants.append(end if as_utc(end) <= utc_now else now)
        # a past period as `close` would freeze it now: manual values as entered until now
        return Trend(self._score_all(cards, instants, manual_until=now, evidence=False))

    def dashboard(
        self,
        actor: Actor,
        *,
        as_of: _dt.datetime | None = None,
        on: Date | str | None = None,
        owner: str | None = None,
        series: str | None = None,
        key: KeyFunction | None = None,
    ) -> Dashboard:
        """The cards the actor may see, scored as of `as_of`, summarized and grouped (F9, F10).

        By default the cards whose period holds the local date of `as_of` (in each
        card's zone); ``on=date`` the cards whose period holds that date;
        ``on="all"`` every card.  `owner` (a user or team id) and `series` narrow it.
        The repository does the filtering; the CRM is asked once, for the cards not
        closed (a closed card shows its closed score).
        """
        viewer = as_actor(actor)
        scope = self._scope(viewer)
        instant = self._instant(as_of)
        narrow: dict[str, Any] = {}
        if not viewer.may_manage:
            narrow["subject"] = viewer.id
        if owner is not None:
            narrow["owner_id"] = owner
        if series is not None:
            narrow["series"] = series
        if isinstance(on, str) and on == "all":
            cards = self.cards.find(**narrow)
        elif on is not None:
            try:
                day = as_date(on, name="on")
            except InvalidPeriod as error:
                msg = f'on must be a date, "all" or None (the local date of as_of), got {on!r}: {error}'
                raise InvalidPeriod(msg) from None
            cards = self.cards.find(active_on=day, **narrow)
        else:
            cards = self._current(instant, narrow)
        if scope is not None:
            cards = self._in_sight(viewer.id, scope, cards)
        scores, failures = self._score_what_it_can(cards, [instant] * len(cards))
        summary, groups = summarize_groups(scores, key or similarity_key)
        if failures:
            summary = attrs.evolve(summary, failed=len(failures))
        return Dashboard(instant, scores, summary, groups, failures=failures)

    def _score_what_it_can(
        self, cards: Sequence[Scorecard], instants: Sequence[DateTime]
    ) -> tuple[ScoreRows, tuple[CardFailure, ...]]:
        """`_score_all` of a dashboard, except that a card whose data cannot be scored is set apart, with its error.

        A batch that raises a `ScorekitError` (not a `StorageError`) is cut in halves until
        each failing card is alone: with k such cards among n, about k log n more CRM
        calls, and none while every card scores.
        """
        try:
            return self._score_all(cards, instants, evidence=False), ()
        except StorageError:
            raise
        except ScorekitError as error:
            if len(cards) == 1:
                return ScoreRows(()), (CardFailure(cards[0].id, str(error)),)
        half = len(cards) // 2
        first, first_failed = self._score_what_it_can(cards[:half], instants[:half])
        second, second_failed = self._score_what_it_can(cards[half:], instants[half:])
        return first + second, first_failed + second_failed

    @staticmethod
    def _in_sight(manager_id: str, scope: frozenset[str], cards: Sequence[Scorecard]) -> tuple[Scorecard, ...]:
        """The cards a manager with an org chart sees: one set intersection per card."""
        seen = scope | {manager_id}
        return tuple(card for card in cards if not seen.isdisjoint(card.subjects))

    def _current(self, instant: DateTime, narrow: Mapping[str, Any]) -> tuple[Scorecard, ...]:
        """The cards whose period holds the local date of `instant` in their own zone, ordered by id.

        With a `CardIndex`, its rows say which local dates the day's cards hold (one per
        zone whose date it is, usually one), and only the cards active on those are
        read; without one, every zone's local date is within a day of the UTC date:
        the cards active on those three are read.  Either way a card is kept when its
        own zone's local date is the one it was found by.
        """
        today_in = self._today_in(None, instant)
        if isinstance(self.cards, CardIndex):
            days = _current_dates(self.cards.index(), today_in)
        else:
            utc = instant.in_timezone("UTC").date()
            days = [utc.add(days=shift) for shift in (-1, 0, 1)]
        found: dict[str, Scorecard] = {}
        for day in days:
            for card in self.cards.find(active_on=day, **narrow):
                if today_in(card.timezone) == day:  # `find` saw to ``day in card.period``
                    found[card.id] = card
        return tuple(found[card_id] for card_id in sorted(found))

    def _instant(self, as_of: _dt.datetime | None) -> DateTime:
        if as_of is None:
            return as_instant(self.clock.now())
        instant = as_instant(as_of)
        now = self._now()
        with contextlib.suppress(OverflowError):  # a clock near year 9999 has no horizon left to check
            if as_utc(instant) > as_utc(now) + _dt.timedelta(days=self.horizon_days):
                msg = (
                    f"as_of {instant.isoformat()} is more than horizon_days={self.horizon_days} days past now "
                    f"({now.isoformat()}); give a nearer instant, or build Scorekit(..., horizon_days=) wider"
                )
                raise InvalidPeriod(msg)
        return instant

    def _fixed_today(self, today: Date | str | None, now: DateTime) -> Date | None:
        """`today` as a date, if given; `InvalidPeriod` if it is more than `horizon_days` past the clock's date."""
        if today is None:
            return None
        day = as_date(today, name="today")
        with contextlib.suppress(OverflowError):
            if day > as_utc(now).date() + _dt.timedelta(days=self.horizon_days):
                msg = (
                    f"today {day} is more than horizon_days={self.horizon_days} days past the clock's date "
                    f"({as_utc(now).date()}); give a nearer date, or build Scorekit(..., horizon_days=) wider"
                )
                raise InvalidPeriod(msg)
        return day

    def _score_all(
        self,
        cards: Sequence[Scorecard],
        instants: Sequence[DateTime],
        *,
        manual_until: DateTime | None = None,
        evidence: bool,
    ) -> ScoreRows:
        """Each card's score as of its instant: its closed score if it has one, else fresh (one CRM call).

        Fresh scores stay rows of their batch until someone reads them: a dashboard's
        summary and groups come from the batch's columns.
        """
        closed = self._closed(c.id for c in cards)
        fresh_cards, fresh_instants = cards, instants
        if closed:  # two lists, not a (card, instant) pair per card: nothing per card for the collector to walk
            fresh = [i for i, card in enumerate(cards) if card.id not in closed]
            fresh_cards, fresh_instants = [cards[i] for i in fresh], [instants[i] for i in fresh]
        if not fresh_cards:
            return ScoreRows(closed[card.id].score for card in cards)
        scored, _measured, _read = self._score_fresh(
            fresh_cards, fresh_instants, manual_until=manual_until, evidence=evidence
        )
        if not closed:
            return scored
        given = [closed[card.id].score if card.id in closed else None for card in cards]
        return scored._placed(given)  # noqa: SLF001 - the batch module's own rows

    def _score_fresh(
        self,
        cards: Sequence[Scorecard],
        instants: Sequence[DateTime],
        *,
        manual_until: DateTime | None = None,
        evidence: bool,
        adjustments: Sequence[Adjustment] | None = None,
    ) -> tuple[ScoreRows, list[asking.Measurements], list[tuple[ManualEntry, ...]]]:
        """Score each card as of its instant, asking the CRM once: the scores (as rows), each card's measurements and the entries it read.

        What to ask and how the answers become each card's measurements is
        `scorekit.asking`'s; this only calls the ports between its steps.  With
        `evidence` (a report, a close) the CRM is asked through `measure`, for the
        records behind each value; without, through `aggregate_columns` when the source
        has it (the values only: one question per metric and window with all its
        subjects), else `aggregate` (each distinct cell once), else `measure`.
        """
        source = self.metrics
        measured: list[dict[str, Measurement | Decimal]]
        if evidence or not isinstance(source, ColumnSource | AggregateSource):
            wanted, per_card = asking.requests(cards, instants)
            measured = asking.from_measurements(cards, per_card, source.measure(wanted) if wanted else {})
        elif isinstance(source, ColumnSource):
            columns = asking.columns(cards, instants)
            answers = source.aggregate_columns(columns.columns) if columns.columns else {}
            measured = asking.from_columns(cards, columns, answers)
            del columns, answers  # not kept through scoring (see below)
        else:
            plan = asking.cells(cards, instants)
            measured = asking.from_aggregates(cards, plan, source.aggregate(plan.cells) if plan.cells else {})
            # The plan's cells and slots are no longer needed: freed before scoring, they do not
            # add to the dashboard's peak (4,125 -> 3,278 B a card at 20,000 cards).
            del plan
        with_manual = [card.id for card in cards if card.manual_keys]
        entries = self.manual.entries(with_manual) if with_manual else ()
        read = asking.with_manual(cards, instants, measured, entries, manual_until=manual_until)
        adjusted = self._adjustments_of(cards) if adjustments is None else adjustments
        return asking.score_rows(cards, instants, measured, adjusted), measured, read

    def _adjustments_of(self, cards: Sequence[Scorecard]) -> tuple[Adjustment, ...]:
        """The adjustments of `cards`, in one read (none without an adjustment store)."""
        if self.adjustment_store is None or not cards:
            return ()
        return self.adjustment_store.for_cards([card.id for card in cards])


def _current_dates(rows: Iterable[CardRow], today_in: Callable[[str], Date]) -> list[Date]:
    """The local dates the current cards hold, earliest first: each row's `today_in` its zone, if its period holds it.

    Each distinct (period start, period end, zone) is judged once, so a store of many
    cards sharing a few periods costs one set lookup a row.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> cards = [Scorecard(f"c{m}", User("ann"), c, c.period(m), [Parameter("deals", 10, 100)]) for m in range(3)]
    >>> today = {"UTC": Date(2024, 2, 10)}
    >>> _current_dates([CardRow.of(card) for card in cards], today.__getitem__)
    [Date(2024, 2, 10)]
    """
    seen: set[tuple[Date, Date, str]] = set()
    days: set[Date] = set()
    for row in rows:
        key = (row.period_start, row.period_end, row.timezone)
        if key not in seen:
            seen.add(key)
            day = today_in(row.timezone)
            if row.period_start <= day < row.period_end:
                days.add(day)
    return sorted(days)
