"""`StorageContract`: the three stores wired together as a host wires them, each use case one step.

A host whose cards, manual values and closed scores share one database runs this
suite with a `storage` fixture giving the three, wired as in production: a closed
score only of the version scored, no edit, delete or manual value of a closed card,
nothing added to or after a deleted card, deletion taking the card's entries and
closed score with it.  The races are played with two threads and a slow CRM.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Mapping
from typing import cast

import attrs
import pendulum
import pytest

from scorekit.adapters.memory import FixedClock, Record, RecordsMetricSource
from scorekit.codec import fingerprint, verify
from scorekit.errors import CardNotFound, ConflictError
from scorekit.history import ClosedScore
from scorekit.measurement import ManualEntry, Measurement, MetricRequest
from scorekit.ports import CardSteps, ManualValueStore, MetricSource, ScorecardRepository, SnapshotStore
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import score
from scorekit.service import Actor, Role, Scorekit
from scorekit.testing._common import _card, _change, _promise, _refused

__all__ = ["StorageContract", "Stores"]


@attrs.frozen
class Stores:
    """A repository, a manual-value store and a snapshot store sharing one database, as a host wires them."""

    cards: ScorecardRepository
    manual: ManualValueStore
    snapshots: SnapshotStore


def _closed_of(card: Scorecard, *, deals: int = 8, minutes: int = 60) -> ClosedScore:
    end = card.period.instants(card.timezone)[1]
    measurements = {"deals_won": deals, "demos": 1}
    return ClosedScore.of(
        score(card, measurements, as_of=end),
        closed_at=end.add(minutes=minutes),
        closed_by="boss",
        fingerprint=fingerprint(card, measurements),
    )


def _entry(card_id: str, *, minutes: int) -> ManualEntry:
    card = _card(card_id)
    end = card.period.instants(card.timezone)[1]
    return ManualEntry(card_id, "demos", 3, end.add(minutes=minutes), "boss")


_BOSS = Actor("boss", Role.MANAGER)


class _Meanwhile:
    """Another thread's write, run to its end the first time a slow port is called."""

    def __init__(self, write: Callable[[], object]) -> None:
        self._write: Callable[[], object] | None = write
        self.failures: list[BaseException] = []

    def __call__(self) -> None:
        write, self._write = self._write, None
        if write is not None:
            thread = threading.Thread(target=self._run, args=(write,))
            thread.start()
            thread.join()

    def _run(self, write: Callable[[], object]) -> None:
        try:
            write()
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            self.failures.append(error)


class _Slow:
    """A port whose `measure` or `add` first lets another thread write: what a slow CRM or a busy moment allows."""

    def __init__(self, inner: object, race: _Meanwhile) -> None:
        self._inner = inner
        self._race = race

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        self._race()
        return self._inner.measure(requests)  # type: ignore[attr-defined, no-any-return]

    def add(self, closed: ClosedScore) -> None:
        self._race()
        self._inner.add(closed)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


class StorageContract:
    """What stores sharing one database must keep true together.  Provide a `storage` fixture (`Stores`)."""

    @pytest.fixture
    def storage(self) -> Stores:
        """New, empty stores of the adapter under test, wired as the host wires them (override this)."""
        raise NotImplementedError

    @staticmethod
    def _service(
        storage: Stores, meanwhile: Callable[[], object], *, when: str = "asking"
    ) -> tuple[Scorekit, _Meanwhile]:
        """A service on `storage` whose close lets `meanwhile` run while the CRM is asked, or just before it stores."""
        race = _Meanwhile(meanwhile)
        source = RecordsMetricSource([Record("d1", "deals_won", "ann", pendulum.datetime(2024, 2, 10, tz="UTC"))])
        svc = Scorekit(
            cards=storage.cards,
            metrics=cast("MetricSource", _Slow(source, race)) if when == "asking" else source,
            manual=storage.manual,
            clock=FixedClock(pendulum.datetime(2024, 3, 2, tz="UTC")),
            snapshots=cast("SnapshotStore", _Slow(storage.snapshots, race)) if when == "storing" else storage.snapshots,
        )
        return svc, race

    # -- each write checks, in its own transaction ------------------------------------

    def test_a_closed_score_of_an_older_version_is_refused(self, storage: Stores) -> None:
        v1 = storage.cards.add(_card(), change=_change())
        storage.cards.update(v1.evolve(name="raised"), 1, change=_change("raised"))
        _refused(lambda: storage.snapshots.add(_closed_of(v1)), "a closed score only of the stored version")
        assert storage.snapshots.get([v1.id]) == {}

    def test_a_closed_score_of_a_deleted_card_is_refused(self, storage: Stores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.cards.delete(card.id, change=_change("gone"))
        _refused(lambda: storage.snapshots.add(_closed_of(card)), "no closed score of a deleted card")
        assert storage.snapshots.get([card.id]) == {}

    def test_a_closed_score_that_missed_a_later_manual_value_is_refused(self, storage: Stores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.manual.append(_entry(card.id, minutes=61))  # after the close began (60 minutes past the end)
        _refused(lambda: storage.snapshots.add(_closed_of(card)), "a closed score reads every manual value")
        storage.snapshots.add(_closed_of(card, minutes=61))  # a close that began after it
        assert set(storage.snapshots.get([card.id])) == {card.id}

    def test_a_closed_card_is_not_edited_or_deleted(self, storage: Stores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.snapshots.add(_closed_of(card))
        _refused(lambda: storage.cards.update(card.evolve(name="late"), 1, change=_change()), "closed: no edit")
        _refused(lambda: storage.cards.update_many([(card.evolve(name="x"), 1)], change=_change()), "closed: no edit")
        _refused(lambda: storage.cards.delete(card.id, change=_change()), "closed: no delete")
        assert storage.cards.get(card.id) == card
        assert len(storage.cards.history(card.id)) == 1, _promise("a refused write records nothing")

    def test_no_manual_value_on_a_closed_or_deleted_card(self, storage: Stores) -> None:
        closed, deleted = (storage.cards.add(_card(i, k=0), change=_change()) for i in ("c1", "c2"))
        storage.snapshots.add(_closed_of(closed))
        storage.cards.delete(deleted.id, change=_change())
        for card in (closed, deleted):
            _refused(functools.partial(storage.manual.append, _entry(card.id, minutes=1)), "no value on a final card")
        assert storage.manual.entries([closed.id, deleted.id]) == ()

    def test_deleting_a_card_takes_its_entries(self, storage: Stores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.manual.append(_entry(card.id, minutes=1))
        storage.cards.delete(card.id, change=_change())
        assert storage.manual.entries([card.id]) == (), _promise("a deleted card leaves no manual entry")

    def test_no_next_card_after_a_deleted_one(self, storage: Stores) -> None:
        steps = storage.cards
        if not isinstance(steps, CardSteps):
            pytest.skip("the repository has no CardSteps")
        head = steps.add(_card(rollover=True), change=_change())
        steps.delete(head.id, change=_change())
        with pytest.raises(ConflictError, match="deleted"):
            steps.add_next(head, head.next_card(), change=_change())
        assert steps.find() == ()

    def test_reopen_is_one_step(self, storage: Stores) -> None:
        steps = storage.cards
        if not isinstance(steps, CardSteps):
            pytest.skip("the repository has no CardSteps")
        card = steps.add(_card(), change=_change())
        closed = _closed_of(card)
        storage.snapshots.add(closed)
        reopened, removed = steps.reopen(card.id, change=_change("late deal"))
        assert (reopened.version, removed) == (2, closed)
        assert storage.snapshots.get([card.id]) == {}
        assert [r.change.reason for r in steps.history(card.id)] == ["", "late deal"]
        with pytest.raises(CardNotFound):
            steps.reopen(card.id, change=_change("again"))

    def test_delete_owned_keeps_closed_cards_and_purges_earlier_deletions(self, storage: Stores) -> None:
        steps = storage.cards
        if not isinstance(steps, CardSteps):
            pytest.skip("the repository has no CardSteps")
        earlier, live, closed = (steps.add(_card(i), change=_change()) for i in ("c1", "c2", "c3"))
        team = steps.add(_card("t1", Team("north", ["ann"])), change=_change())
        steps.delete(earlier.id, change=_change("left"))
        storage.snapshots.add(_closed_of(closed))
        storage.manual.append(_entry(live.id, minutes=1))
        assert steps.delete_owned("ann", change=_change("forget"), purge=True) == (live.id,)
        for gone in (earlier.id, live.id):
            with pytest.raises(CardNotFound):
                steps.history(gone)
        assert storage.manual.entries([live.id]) == ()
        assert [c.id for c in steps.find()] == [closed.id, team.id], _promise("closed and team cards stay")
        assert steps.delete_owned("ann", change=_change("admin"), closed=True, purge=True) == (closed.id,)
        assert storage.snapshots.get([closed.id]) == {}
        with pytest.raises(CardNotFound):
            steps.history(closed.id)

    def test_nothing_is_added_for_a_card_purged_meanwhile(self, storage: Stores) -> None:
        steps = storage.cards
        if not isinstance(steps, CardSteps):
            pytest.skip("the repository has no CardSteps")
        steps.add(_card("c2", User("bob")), change=_change())  # the database holds cards
        card = steps.add(_card(), change=_change())
        steps.delete_owned("ann", change=_change("forget ann"), purge=True)
        with pytest.raises((ConflictError, CardNotFound)):
            storage.snapshots.add(_closed_of(card))
        with pytest.raises((ConflictError, CardNotFound)):
            storage.manual.append(_entry(card.id, minutes=1))
        assert storage.snapshots.get([card.id]) == {}, _promise("no closed score of a purged card")
        assert storage.manual.entries([card.id]) == (), _promise("no manual value of a purged card")

    # -- the races, with a slow CRM ---------------------------------------------------

    @staticmethod
    def _one_card(storage: Stores) -> Scorecard:
        """A card of February 2024 with a CRM metric (deals_won) and a manual one (demos)."""
        return storage.cards.add(_card(), change=_change())

    def test_an_edit_during_close_is_in_the_closed_score(self, storage: Stores) -> None:
        card = self._one_card(storage)
        svc, race = self._service(
            storage, lambda: storage.cards.update(card.evolve(name="raised"), 1, change=_change("raised"))
        )
        (closed,) = svc.close(_BOSS)
        assert race.failures == []
        assert closed.card_version == storage.cards.get(card.id).version == 2, _promise("the stored version closed")

    def test_a_delete_during_close_leaves_no_closed_score(self, storage: Stores) -> None:
        card = self._one_card(storage)
        svc, race = self._service(storage, lambda: storage.cards.delete(card.id, change=_change("gone")))
        assert svc.close(_BOSS) == ()
        assert race.failures == []
        assert storage.snapshots.get([card.id]) == {}, _promise("no closed score of a deleted card")

    def test_a_manual_value_entered_while_close_stores_is_not_left_out(self, storage: Stores) -> None:
        card = self._one_card(storage)
        later = pendulum.datetime(2024, 3, 2, 0, 0, 1, tz="UTC")  # a second after the close began
        entry = ManualEntry(card.id, "demos", 4, later, "boss")
        svc, race = self._service(storage, lambda: storage.manual.append(entry), when="storing")
        assert svc.close(_BOSS) == (), _promise("a closed score that missed a manual value is not stored")
        assert race.failures == []
        assert storage.snapshots.get([card.id]) == {}
        assert storage.manual.entries([card.id]) == (entry,)
        svc.clock.set(later.add(minutes=1))  # type: ignore[attr-defined]
        (closed,) = svc.close(_BOSS)
        # 1 deal of 10 at 60%: 6; 4 demos of 4 at 40%: 40; the next close reads the value: 46
        assert closed.score.percent() == 46

    def test_a_manual_value_entered_before_the_close_but_stored_after_it_read_them_is_in_the_score(
        self, storage: Stores
    ) -> None:
        card = self._one_card(storage)
        earlier = pendulum.datetime(2024, 3, 1, 12, tz="UTC")  # before the close began (March 2), stored late
        entry = ManualEntry(card.id, "demos", 4, earlier, "boss")
        svc, race = self._service(storage, lambda: storage.manual.append(entry), when="storing")
        (closed,) = svc.close(_BOSS)
        assert race.failures == []
        assert closed.manual == (entry,), _promise("a closed score reads every value entered before it began")
        # 1 deal of 10 at 60%: 6; 4 demos of 4 at 40%: 40; total 46
        assert closed.score.percent() == 46
        assert verify(storage.snapshots.get([card.id])[card.id])

    def test_a_close_during_an_edit_refuses_the_edit(self, storage: Stores) -> None:
        card = self._one_card(storage)
        svc, _race = self._service(storage, lambda: None)
        svc.close(_BOSS)
        _refused(lambda: storage.cards.update(card.evolve(name="late"), 1, change=_change()), "closed: no edit")
