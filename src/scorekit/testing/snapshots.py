"""`SnapshotStoreContract`: what every `SnapshotStore` must do."""

from __future__ import annotations

import functools

import pendulum
import pytest

from scorekit.codec import fingerprint
from scorekit.errors import CardNotFound, ConflictError
from scorekit.history import ClosedScore
from scorekit.parameter import Direction, Metric, Parameter
from scorekit.period import Cadence, Date
from scorekit.ports import (
    ClosedIds,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard, User
from scorekit.scoring import score
from scorekit.testing._common import _card, _change, _promise, _race


def _hard_closed_scores() -> list[ClosedScore]:
    """Closed scores that only an exact store reads back whole (each under its own card id).

    A capped parameter above its cap by less than 34 digits can tell (`percent()` 60.00% live,
    60.01% from a lossy store); a level and a lower-is-better count explain their own steps; a
    Warsaw card is scored in the repeated hour of October's clock change (the second 02:30).
    """
    a, b = "3.6" + "0" * 37 + "1", "0.0000" + "9" * 36
    april = Cadence.monthly(Date(2024, 4, 1))
    capped = Scorecard(
        "hard-cap", User("ann"), april, april.period(0), [Parameter("a", 3, 50, cap="1.2"), Parameter("b", 1, 50)]
    )
    mixed = Scorecard(
        "hard-mixed",
        User("ann"),
        april,
        april.period(0),
        [
            Parameter("deals_won", 10, 40, cap="1.2"),
            Parameter("complaints", 5, 30, direction=Direction.LOWER_IS_BETTER),
            Parameter(Metric("pipeline", accumulation="last"), 1000, 30, threshold="0.5"),
        ],
    )
    october = Cadence.monthly(Date(2024, 10, 1))
    warsaw = Scorecard(
        "hard-fold", User("ann"), october, october.period(0), [Parameter("a", 3, 100)], timezone="Europe/Warsaw"
    )
    cases: list[tuple[Scorecard, dict[str, int | str], pendulum.DateTime]] = [
        (capped, {"a": a, "b": b}, capped.period.instants(capped.timezone)[1]),
        (mixed, {"deals_won": 4, "complaints": 1, "pipeline": 700}, mixed.period.instants("UTC")[0].add(days=9)),
        (warsaw, {"a": 1}, pendulum.datetime(2024, 10, 27, 2, 30, tz="Europe/Warsaw", fold=1)),
    ]
    return [
        ClosedScore.of(
            score(card, given, as_of=as_of),
            closed_at=as_of.add(hours=1),
            closed_by="boss",
            fingerprint=fingerprint(card, given),
        )
        for card, given, as_of in cases
    ]


def _closed(card_id: str = "c1", total: int = 8, version: int = 1) -> ClosedScore:
    card = _card(card_id).evolve(version=version) if version != 1 else _card(card_id)
    end = card.period.instants(card.timezone)[1]
    measurements = {"deals_won": total, "demos": 1}
    return ClosedScore.of(
        score(card, measurements, as_of=end),
        closed_at=end.add(hours=1),
        closed_by="boss",
        fingerprint=fingerprint(card, measurements),
    )


class SnapshotStoreContract:
    """What every `SnapshotStore` must do.  Provide a `snapshots` fixture: a new, empty one."""

    @pytest.fixture
    def snapshots(self) -> SnapshotStore:
        """An empty snapshot store of the adapter under test (override this)."""
        raise NotImplementedError

    def test_add_then_get_gives_the_same_closed_score(self, snapshots: SnapshotStore) -> None:
        closed = _closed()
        snapshots.add(closed)
        assert snapshots.get(["c1", "c2"]) == {"c1": closed}, _promise("a closed score comes back exactly")
        assert snapshots.get([]) == {}

    def test_a_closed_score_reads_back_as_it_was_and_explains_itself_the_same(self, snapshots: SnapshotStore) -> None:
        for closed in _hard_closed_scores():
            snapshots.add(closed)
            back = snapshots.get([closed.card_id])[closed.card_id].score
            live = closed.score
            promise = _promise("a closed score reads back equal, to the last digit and word")
            assert back == live, promise
            assert back.as_of.isoformat() == live.as_of.isoformat(), promise
            assert [back.percent(p) for p in (0, 2, 6)] == [live.percent(p) for p in (0, 2, 6)], promise
            assert back.explain() == live.explain(), promise
            assert back.to_records() == live.to_records(), promise

    def test_a_card_is_closed_once(self, snapshots: SnapshotStore) -> None:
        snapshots.add(_closed(total=8))
        with pytest.raises(ConflictError):
            snapshots.add(_closed(total=9))
        assert snapshots.get(["c1"])["c1"] == _closed(total=8), _promise("a closed number never moves")

    def test_concurrent_closes_store_one(self, snapshots: SnapshotStore) -> None:
        outcomes = _race([functools.partial(snapshots.add, _closed(total=t)) for t in range(1, 7)])
        assert outcomes == ["added"] + ["conflict"] * 5, _promise("two closers store one snapshot")

    def test_remove_reopens(self, snapshots: SnapshotStore) -> None:
        closed = _closed()
        snapshots.add(closed)
        assert snapshots.remove("c1", _change("late CRM data")) == closed
        assert snapshots.get(["c1"]) == {}
        with pytest.raises(CardNotFound):
            snapshots.remove("c1", _change("again"))
        snapshots.add(_closed(total=9, version=2))
        assert snapshots.get(["c1"])["c1"].card_version == 2

    def test_closed_ids_agree_with_get(self, snapshots: SnapshotStore) -> None:
        """If the store has the optional `ClosedIds`: the ids `get` would return, without the scores."""
        if not isinstance(snapshots, ClosedIds):
            pytest.skip("this store has no closed_ids(): close reads the closed scores through get()")
        snapshots.add(_closed("c1"))
        snapshots.add(_closed("c3"))
        assert (
            snapshots.closed_ids(["c1", "c2", "c3", "c1"])
            == frozenset({"c1", "c3"})
            == set(snapshots.get(["c1", "c2", "c3"]))
        )
        assert snapshots.closed_ids([]) == frozenset()

    def test_delete_for(self, snapshots: SnapshotStore) -> None:
        for card_id in ("a", "b", "c"):
            snapshots.add(_closed(card_id))
        assert snapshots.delete_for(["a", "b", "none"]) == 2
        assert set(snapshots.get(["a", "b", "c"])) == {"c"}, _promise("delete_for removes those cards' snapshots")
        assert snapshots.delete_for([]) == 0
