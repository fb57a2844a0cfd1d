"""`AdjustmentStoreContract` and `AdjustmentStorageContract`: what every `AdjustmentStore` must do, alone and wired.

`AdjustmentStoreContract` (fixture `adjustments`: a new, empty store) checks the store
alone; `AdjustmentStorageContract` (fixture `storage`: `AdjustedStores`, the four stores
sharing one database as the host wires them) checks what they keep true together: no
adjustment of a closed or deleted card, and deleting or purging a card takes its
adjustments in the same step.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs
import pendulum
import pytest

from scorekit.adjustment import Adjustment, AdjustmentKind
from scorekit.codec import fingerprint
from scorekit.errors import CardNotFound, ConflictError
from scorekit.history import ClosedScore
from scorekit.ports import AdjustmentStore, CardSteps
from scorekit.scorecard import Scorecard, Team
from scorekit.scoring import score
from scorekit.testing._common import HOSTILE_STRINGS, _card, _change, _promise, _race, _refused
from scorekit.testing.storage import Stores, _closed_of

__all__ = ["AdjustedStores", "AdjustmentStorageContract", "AdjustmentStoreContract"]

_AT = pendulum.datetime(2024, 2, 20, 12, tz="Europe/Warsaw")


def _adjustment(
    adjustment_id: str = "a1",
    card_id: str = "c1",
    *,
    kind: AdjustmentKind = AdjustmentKind.CREDIT,
    value: object = 2,
    reason: str = "D-7 booked late",
    by: str = "boss",
    minutes: int = 0,
) -> Adjustment:
    """An adjustment of the metric 'deals_won' (the contract card's sum metric)."""
    return Adjustment(adjustment_id, card_id, "deals_won", kind, value, reason, _AT.add(minutes=minutes), by)


class AdjustmentStoreContract:
    """What every `AdjustmentStore` must do.  Provide an `adjustments` fixture: a new, empty one."""

    @pytest.fixture
    def adjustments(self) -> AdjustmentStore:
        """An empty adjustment store of the adapter under test (override this)."""
        raise NotImplementedError

    def test_adjustments_come_back_in_the_order_they_were_added(self, adjustments: AdjustmentStore) -> None:
        added = [
            _adjustment("a1", minutes=3),
            _adjustment("a2", "c2"),
            _adjustment("a3", kind=AdjustmentKind.RELIEF, value=1, reason="two weeks of leave", minutes=1),
            _adjustment("a4", value=-1, reason="D-3 refunded: clawback"),
        ]
        for item in added:
            adjustments.add(item)
        assert adjustments.for_cards(["c1"]) == (added[0], added[2], added[3]), _promise(
            "a card's adjustments come back in the order they were added"
        )
        assert adjustments.for_cards(["c2", "c1"]) == tuple(added), _promise("several cards: still in the order added")
        assert adjustments.for_cards(["c3"]) == ()
        assert adjustments.for_cards([]) == ()

    def test_values_and_instants_are_exact(self, adjustments: AdjustmentStore) -> None:
        adjustments.add(_adjustment(value="-12345678901234.123456789012"))
        (item,) = adjustments.for_cards(["c1"])
        assert item.value == Decimal("-12345678901234.123456789012")
        assert item.recorded_at == _AT
        assert item.kind is AdjustmentKind.CREDIT

    @pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
    def test_hostile_strings(self, adjustments: AdjustmentStore, text: str) -> None:
        item = _adjustment(text, card_id=text, reason=text, by=text)
        adjustments.add(item)
        assert adjustments.for_cards([text]) == (item,)

    def test_an_id_is_stored_once(self, adjustments: AdjustmentStore) -> None:
        adjustments.add(_adjustment())
        _refused(lambda: adjustments.add(_adjustment(value=5)), "an adjustment is never replaced")
        _refused(lambda: adjustments.add(_adjustment(card_id="c2")), "an adjustment id is one adjustment")
        assert adjustments.for_cards(["c1", "c2"]) == (_adjustment(),), _promise("a refused add writes nothing")

    def test_concurrent_adds_of_one_id_store_one(self, adjustments: AdjustmentStore) -> None:
        outcomes = _race([functools.partial(adjustments.add, _adjustment(value=v)) for v in range(1, 7)])
        assert outcomes == ["added"] + ["conflict"] * 5, _promise("two adds of one id store one")
        assert len(adjustments.for_cards(["c1"])) == 1

    def test_delete_for_removes_every_adjustment_of_those_cards_only(self, adjustments: AdjustmentStore) -> None:
        for number, card_id in enumerate(("a", "b", "a", "c")):
            adjustments.add(_adjustment(f"x{number}", card_id))
        assert adjustments.delete_for(["a", "b", "none"]) == 3
        assert adjustments.for_cards(["a", "b"]) == (), _promise("delete_for removes the deleted cards' adjustments")
        assert adjustments.for_cards(["c"]) == (_adjustment("x3", "c"),)
        assert adjustments.delete_for([]) == 0
        adjustments.add(_adjustment("x9", "a", value=7))
        assert adjustments.for_cards(["a"]) == (_adjustment("x9", "a", value=7),), _promise(
            "adjustments removed by delete_for never come back"
        )


@attrs.frozen
class AdjustedStores(Stores):
    """`Stores` with an adjustment store in the same database, as a host wires them."""

    adjustments: AdjustmentStore


def _closed_counting(card: Scorecard, adjustments: tuple[Adjustment, ...] = ()) -> ClosedScore:
    """A closed score of `card` at its period end that keeps its inputs and counted `adjustments`."""
    end = card.period.instants(card.timezone)[1]
    measurements = {"deals_won": Decimal(8), "demos": Decimal(1)}
    return ClosedScore.of(
        score(card, measurements, as_of=end),
        closed_at=end.add(minutes=60),
        closed_by="boss",
        fingerprint=fingerprint(card, measurements, adjustments=adjustments),
        measurements=measurements,
        adjustments=adjustments,
    )


class AdjustmentStorageContract:
    """What the stores sharing one database keep true about adjustments.  Provide a `storage` fixture (`AdjustedStores`)."""

    @pytest.fixture
    def storage(self) -> AdjustedStores:
        """New, empty stores of the adapter under test, wired as the host wires them (override this)."""
        raise NotImplementedError

    def test_no_adjustment_of_a_closed_or_deleted_card(self, storage: AdjustedStores) -> None:
        closed, deleted = (storage.cards.add(_card(i), change=_change()) for i in ("c1", "c2"))
        storage.snapshots.add(_closed_of(closed))
        storage.cards.delete(deleted.id, change=_change())
        _refused(lambda: storage.adjustments.add(_adjustment("a1", closed.id)), "no adjustment of a closed card")
        _refused(lambda: storage.adjustments.add(_adjustment("a2", deleted.id)), "no adjustment of a deleted card")
        assert storage.adjustments.for_cards([closed.id, deleted.id]) == ()

    def test_a_closed_score_that_missed_an_adjustment_is_refused(self, storage: AdjustedStores) -> None:
        card = storage.cards.add(_card(), change=_change())
        counted = _adjustment("a1")  # recorded inside the period: counted as of its end
        storage.adjustments.add(counted)
        storage.adjustments.add(_adjustment("a2", minutes=60 * 24 * 30))  # recorded after it: not counted
        _refused(lambda: storage.snapshots.add(_closed_counting(card)), "a closed score counts every adjustment due")
        assert storage.snapshots.get([card.id]) == {}
        storage.snapshots.add(_closed_counting(card, (counted,)))
        assert storage.snapshots.get([card.id])[card.id].adjustments == (counted,)

    def test_no_adjustment_of_a_card_never_stored(self, storage: AdjustedStores) -> None:
        storage.cards.add(_card(), change=_change())  # the database holds cards, but not this one
        with pytest.raises((CardNotFound, ConflictError)):
            storage.adjustments.add(_adjustment("a1", "nobody"))
        assert storage.adjustments.for_cards(["nobody"]) == ()

    def test_deleting_a_card_takes_its_adjustments(self, storage: AdjustedStores) -> None:
        one, two, kept = (storage.cards.add(_card(i), change=_change()) for i in ("c1", "c2", "c3"))
        for number, card in enumerate((one, two, kept, one)):
            storage.adjustments.add(_adjustment(f"a{number}", card.id))
        storage.cards.delete(one.id, change=_change("gone"))
        storage.cards.delete_many([two.id], change=_change("gone"))
        assert storage.adjustments.for_cards([one.id, two.id]) == (), _promise("a deleted card leaves no adjustment")
        assert [a.id for a in storage.adjustments.for_cards([kept.id])] == ["a2"]

    def test_a_refused_delete_keeps_the_adjustments(self, storage: AdjustedStores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.adjustments.add(_adjustment())
        storage.snapshots.add(_closed_of(card))
        _refused(lambda: storage.cards.delete(card.id, change=_change()), "closed: no delete")
        assert storage.adjustments.for_cards([card.id]) == (_adjustment(),), _promise(
            "a refused delete removes nothing"
        )

    def test_delete_owned_and_purge_take_the_adjustments(self, storage: AdjustedStores) -> None:
        steps = storage.cards
        if not isinstance(steps, CardSteps):
            pytest.skip("the repository has no CardSteps")
        live, closed = (steps.add(_card(i), change=_change()) for i in ("c1", "c2"))
        team = steps.add(_card("t1", Team("north", ["ann"])), change=_change())
        for number, card in enumerate((live, closed, team)):
            storage.adjustments.add(_adjustment(f"a{number}", card.id))
        storage.snapshots.add(_closed_of(closed))
        assert steps.delete_owned("ann", change=_change("forget"), purge=True) == (live.id,)
        assert storage.adjustments.for_cards([live.id]) == (), _promise("purging a person takes their adjustments")
        assert [a.id for a in storage.adjustments.for_cards([closed.id, team.id])] == ["a1", "a2"], _promise(
            "closed and team cards keep theirs"
        )
        assert steps.delete_owned("ann", change=_change("admin"), closed=True, purge=True) == (closed.id,)
        assert storage.adjustments.for_cards([closed.id]) == ()

    def test_purge_after_delete_leaves_no_adjustment(self, storage: AdjustedStores) -> None:
        card = storage.cards.add(_card(), change=_change())
        storage.adjustments.add(_adjustment())
        storage.cards.delete(card.id, change=_change())
        storage.cards.purge([card.id])
        again = storage.cards.add(_card(), change=_change("the id used again"))
        assert storage.adjustments.for_cards([again.id]) == (), _promise(
            "a purged id used again has none of the old card's adjustments"
        )
