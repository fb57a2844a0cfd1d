"""`ManualValueStoreContract`: what every `ManualValueStore` must do."""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest

from scorekit.measurement import ManualEntry
from scorekit.ports import (
    ManualValueStore,
)
from scorekit.testing._common import HOSTILE_STRINGS, _promise


class ManualValueStoreContract:
    """What every `ManualValueStore` must do.  Provide a `store` fixture: a new, empty one."""

    @pytest.fixture
    def store(self) -> ManualValueStore:
        """An empty store of the adapter under test (override this)."""
        raise NotImplementedError

    @staticmethod
    def entry(card_id: str = "c1", value: object = 1, day: int = 1, by: str = "ann") -> ManualEntry:
        """A manual entry of the metric 'demos'."""
        return ManualEntry(card_id, "demos", value, pendulum.datetime(2024, 1, day, 12, tz="Europe/Warsaw"), by)

    def test_entries_come_back_in_the_order_they_were_appended(self, store: ManualValueStore) -> None:
        entries = [
            self.entry(day=3),
            self.entry(day=1),
            self.entry("c2"),
            self.entry(day=2, value="0.1000000000000000000000000000001"),
        ]
        for entry in entries:
            store.append(entry)
        assert store.entries(["c1"]) == (entries[0], entries[1], entries[3])
        assert set(store.entries(["c1", "c2"])) == set(entries)
        assert store.entries(["c3"]) == ()
        assert store.entries([]) == ()

    def test_values_and_instants_are_exact(self, store: ManualValueStore) -> None:
        store.append(self.entry(value="-12.3456789012345678901234567890123"))
        (entry,) = store.entries(["c1"])
        assert entry.value == Decimal("-12.3456789012345678901234567890123")
        assert entry.recorded_at.isoformat() == "2024-01-01T12:00:00+01:00"

    @pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
    def test_hostile_strings(self, store: ManualValueStore, text: str) -> None:
        store.append(self.entry(card_id=text, by=text))
        assert store.entries([text]) == (self.entry(card_id=text, by=text),)

    def test_delete_for_removes_every_entry_of_those_cards_only(self, store: ManualValueStore) -> None:
        for card_id in ("a", "b", "a", "c"):
            store.append(self.entry(card_id))
        assert store.delete_for(["a", "b", "none"]) == 3
        assert store.entries(["a", "b"]) == (), _promise("delete_for must remove every entry of the deleted cards")
        assert store.entries(["c"]) == (self.entry("c"),)
        assert store.delete_for([]) == 0
        store.append(self.entry("a", value=7))
        assert store.entries(["a"]) == (self.entry("a", value=7),), _promise(
            "entries removed by delete_for must never come back"
        )
