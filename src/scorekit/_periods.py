"""The use cases of the calendar: rolling cards over into their next period, closing periods, reopening a card.

`_Periods` is a base of `scorekit.service.Scorekit`; see it for the rules.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping, Sequence
from typing import Final

from pendulum import Date, DateTime

from scorekit._access import Actor
from scorekit._reading import _Reading
from scorekit.adjustment import Adjustment
from scorekit.codec import fingerprint
from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidScorecard,
)
from scorekit.history import Change, ClosedScore
from scorekit.period import as_utc
from scorekit.ports import (
    CardIndex,
    CardRow,
    CardSteps,
    ClosedIds,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard

__all__: list[str] = []

_ROLLED_OVER: Final = "rolled over"


class _Periods(_Reading):
    """`roll_over`, `close` and `reopen` (see `scorekit.service.Scorekit`)."""

    # -- F3: rollover ----------------------------------------------------------------

    def roll_over(self, actor: Actor, *, today: Date | None = None) -> tuple[Scorecard, ...]:
        """Create every missing next card of every rollover series, up to today's period (F3).

        A job that was down for three months makes three cards per series.  It is
        idempotent: run again, it creates nothing.  A series stops at a deleted card:
        it is never re-created and never rolled past.  `today` defaults to the local
        date in each card's time zone.  `ConflictError` if the id a series needs is
        held by a card of another series.  With a repository that has a `CardIndex`,
        only the card that heads each series with work to do is read.
        """
        self._require_manager(actor, "roll over cards")
        scope = self._scope(actor)
        now = self._now()
        today_in = self._today_in(self._fixed_today(today, now), now)
        change = self._change(actor, _ROLLED_OVER)
        created: list[Scorecard] = []
        rows, read = self._rows()
        heads: dict[str, CardRow] = {}
        for row in rows:
            held = heads.get(row.series)
            if held is None or row.period_start > held.period_start:
                heads[row.series] = row
        for row in sorted(heads.values(), key=lambda r: r.id):
            local_today = today_in(row.timezone)
            if not row.rollover or row.period_end > local_today:
                continue  # nothing to do for this series: with an index, its card is not read
            card = self._stored(read, row.id)
            # None: deleted since its row was read, the series stops there; a manager rolls over only their people's
            if card is not None and self._may_change(actor, card.subjects, scope):
                self._roll_series(card, local_today, change, created)
        return tuple(created)

    def _rows(self) -> tuple[Sequence[CardRow], dict[str, Scorecard]]:
        """Every stored card's `CardRow`, and the cards read to make them: none through a `CardIndex`, else all."""
        if isinstance(self.cards, CardIndex):
            return self.cards.index(), {}
        read = {card.id: card for card in self.cards.find()}
        return [CardRow.of(card) for card in read.values()], read

    def _stored(self, read: Mapping[str, Scorecard], card_id: str) -> Scorecard | None:
        """Card `card_id`, from `read` or else the repository; None if it was deleted since its row was read."""
        card = read.get(card_id)
        if card is None:
            with contextlib.suppress(CardNotFound):
                card = self.cards.get(card_id)
        return card

    def _roll_series(self, card: Scorecard, local_today: Date, change: Change, created: list[Scorecard]) -> None:
        """Add every missing next card of `card`'s series up to the period holding `local_today`."""
        current: Scorecard | None = card
        steps = self.cards if isinstance(self.cards, CardSteps) else None
        while current is not None and current.rollover and current.period.end <= local_today:
            following = current.next_card()
            try:
                if steps is not None:  # one transaction: added only if `current` was not deleted meanwhile
                    steps.add_next(current, following, change=change)
                else:
                    self.cards.add(following, change=change)
            except ConflictError:
                # Someone else made it meanwhile (another process), or it was deleted: see which.
                current = self._already_there(following)
                continue
            created.append(following)
            current = following

    def _already_there(self, following: Scorecard) -> Scorecard | None:
        """The card holding `following`'s place, to roll on from; None where the series stops (a deleted card)."""
        try:
            there = self.cards.get(following.id)
        except CardNotFound:
            there = None
        if there is not None:
            if there.series_id != following.series_id:
                msg = (
                    f"rolling over series {following.series_id!r} needs the id {following.id!r}, "
                    f"but card {there.id!r} of series {there.series_id!r} holds it; give that card another id"
                )
                raise ConflictError(msg)
            return there
        for card in self.cards.find(series=following.series_id, active_on=following.period.start):
            if card.period.start == following.period.start:
                return card  # the series' card for that period has an id of the host's choosing
        return None  # deleted: deletion is final, the series stops here

    # -- closing periods -------------------------------------------------------------

    def close(self, actor: Actor, *, today: Date | None = None) -> tuple[ClosedScore, ...]:
        """Freeze the score of every card whose period is over and is not closed yet.

        A card is over when its period ended on or before today's local date in its
        zone (or `today`).  Each is scored as of its period end (its manual values as
        entered until now: managers may correct them until the card is closed), the
        CRM asked once for all of them, and stored as a `ClosedScore`.  Idempotent: a second run
        closes nothing; a card another process closes meanwhile is left to it.  With a
        repository that has a `CardIndex` (and a store with `ClosedIds`), only the cards
        to close are read.
        """
        self._require_manager(actor, "close periods")
        store = self._require_snapshots("close periods")
        scope = self._scope(actor)

        now = self._now()
        today_in = self._today_in(self._fixed_today(today, now), now)
        rows, read = self._rows()
        over_ids = [row.id for row in rows if row.period_end <= today_in(row.timezone)]
        already = self._closed_ids(store, over_ids)
        stored = (self._stored(read, card_id) for card_id in over_ids if card_id not in already)
        # None: deleted since its row was read; a manager closes only their own people's cards
        due = [card for card in stored if card is not None and self._may_change(actor, card.subjects, scope)]
        if not due:
            return ()
        closed, conflicted = self._freeze(store, due, actor, now)
        if conflicted:
            # Changed, deleted, or closed by someone else since it was read: scored once more, unless
            # closed or deleted.  A card that conflicts again is left for the next close.
            already = self._closed_ids(store, conflicted)
            stored = (self._stored({}, i) for i in conflicted if i not in already)
            again = [card for card in stored if card is not None and self._may_change(actor, card.subjects, scope)]
            if again:
                closed += self._freeze(store, again, actor, now)[0]
        return tuple(closed)

    def _freeze(
        self, store: SnapshotStore, cards: Sequence[Scorecard], actor: Actor, now: DateTime
    ) -> tuple[list[ClosedScore], list[str]]:
        """Score `cards` as of their period ends and store their closed scores: those stored, and the ids refused."""
        # as of each period end; manual values as entered until now (a manager may correct them until closed)
        # through `measure`, never `aggregate`: the fingerprint holds the ids of the records counted
        # adjustments count as of the period end, as in any score: those recorded by then are kept and fingerprinted
        adjusted = self._adjustments_of(cards)
        fresh, measured, read = self._score_fresh(
            cards,
            [card.period.instants(card.timezone)[1] for card in cards],
            manual_until=now,
            evidence=True,
            adjustments=adjusted,
        )
        by_card: dict[str, list[Adjustment]] = {}
        for adjustment in adjusted:
            by_card.setdefault(adjustment.card_id, []).append(adjustment)
        closed: list[ClosedScore] = []
        conflicted: list[str] = []
        for scored, measurements, used in zip(fresh, measured, read, strict=True):
            cutoff = as_utc(scored.as_of)
            counted = [a for a in by_card.get(scored.card.id, ()) if as_utc(a.recorded_at) <= cutoff]
            snapshot = ClosedScore.of(
                scored,
                closed_at=now,
                closed_by=actor.id,
                fingerprint=fingerprint(scored.card, measurements, used, adjustments=counted),
                measurements=measurements,  # kept with it, so that `verify` can recompute both
                manual=used,
                adjustments=counted,
            )
            try:
                # A store sharing the cards' database refuses a card changed, deleted or purged since it was read.
                store.add(snapshot)
            except (ConflictError, CardNotFound):
                conflicted.append(snapshot.card_id)
                continue
            closed.append(snapshot)
        return closed, conflicted

    @staticmethod
    def _closed_ids(store: SnapshotStore, card_ids: Sequence[str]) -> Collection[str]:
        """Which of `card_ids` are closed: through `ClosedIds` if the store has it, else from their closed scores."""
        if not card_ids:
            return frozenset()
        if isinstance(store, ClosedIds):
            return frozenset(store.closed_ids(card_ids))
        return store.get(card_ids).keys()

    def reopen(self, actor: Actor, card_id: str, *, reason: str) -> Scorecard:
        """Remove a card's closed score, so it scores live again and may be edited; returns the card.

        `reason` is required; the reopening is a revision in the card's history (its
        version goes up by one).  `InvalidScorecard` if the card is not closed.
        """
        self._require_manager(actor, "reopen cards")
        store = self._require_snapshots("reopen cards")
        if not isinstance(reason, str) or not reason.strip():
            msg = f"reopening card {card_id!r} needs a reason (who asked and why), got {reason!r}"
            raise InvalidScorecard(msg)
        card = self._changeable(actor, card_id, "reopen")
        if not self._closed([card_id]):
            msg = f"card {card_id!r} is not closed, so there is nothing to reopen"
            raise InvalidScorecard(msg)
        change = self._change(actor, reason)
        if isinstance(self.cards, CardSteps):
            try:
                return self.cards.reopen(card_id, change=change)[0]  # one transaction
            except CardNotFound:
                pass  # the closed score is in another database, or someone reopened it meanwhile
            card = self.cards.get(card_id)
        reopened = self.cards.update(card, card.version, change=change)
        with contextlib.suppress(
            CardNotFound
        ):  # someone reopened it meanwhile; this reopening is recorded all the same
            store.remove(card_id, change)
        return reopened
