"""The contract suites of scorekit.testing, run on both reference adapters."""

import pendulum
import pytest

from scorekit import Cadence, Change, Date, Parameter, Scorecard, ScorekitError, User
from scorekit.adapters.memory import MemoryManualValues, MemoryScorecards, MemorySnapshots
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.testing import (
    ManualValueStoreContract,
    ScorecardRepositoryContract,
    SnapshotStoreContract,
    StorageContract,
    Stores,
)

MONTHLY = Cadence.monthly(Date(2024, 1, 1))


class TestMemoryScorecards(ScorecardRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryScorecards()


class TestSQLiteScorecards(ScorecardRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        with SQLiteScorecards(tmp_path / "cards.sqlite3") as repository:
            yield repository


class TestMemoryManualValues(ManualValueStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryManualValues()


class TestSQLiteManualValues(ManualValueStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        with SQLiteManualValues(tmp_path / "cards.sqlite3") as store:
            yield store


class TestMemorySnapshots(SnapshotStoreContract):
    @pytest.fixture
    def snapshots(self):
        return MemorySnapshots()


class TestSQLiteSnapshots(SnapshotStoreContract):
    @pytest.fixture
    def snapshots(self, tmp_path):
        with SQLiteSnapshots(tmp_path / "cards.sqlite3") as snapshots:
            yield snapshots


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def storage(self):
        cards = MemoryScorecards()
        return Stores(cards, MemoryManualValues(cards=cards), MemorySnapshots(cards=cards))


class TestSQLiteStorage(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        path = tmp_path / "one.sqlite3"
        with SQLiteScorecards(path) as cards, SQLiteManualValues(path) as manual, SQLiteSnapshots(path) as snapshots:
            yield Stores(cards, manual, snapshots)


HOSTILE_IDS = ["\udfff", "ok\ud800", ["a"], None, 5, b"c1"]
"""Ids a careless caller passes: lone surrogates (no UTF-8 form), a list, None, a number, bytes."""


def escapes(cards, manual, snapshots):
    """Every call of the storage ports with a hostile id: those that raise anything but a ScorekitError."""
    change = Change("boss", pendulum.datetime(2024, 1, 1, tz="UTC"))
    stored = cards.add(
        Scorecard("k1", User("ann"), MONTHLY, MONTHLY.period(0), [Parameter("d", 10, 100)]), change=change
    )
    found = []
    for bad in HOSTILE_IDS:
        calls = {
            "get": lambda bad=bad: cards.get(bad),
            "history": lambda bad=bad: cards.history(bad),
            "delete": lambda bad=bad: cards.delete(bad, change=change),
            "delete_many": lambda bad=bad: cards.delete_many([bad], change=change),
            "purge": lambda bad=bad: cards.purge([bad]),
            "find(subject)": lambda bad=bad: cards.find(subject=bad),
            "find(series)": lambda bad=bad: cards.find(series=bad),
            "find(owner_id)": lambda bad=bad: cards.find(owner_id=bad),
            "update(expected_version)": lambda bad=bad: cards.update(stored, bad, change=change),
            "entries": lambda bad=bad: manual.entries([bad]),
            "manual.delete_for": lambda bad=bad: manual.delete_for([bad]),
            "snapshots.get": lambda bad=bad: snapshots.get([bad]),
            "closed_ids": lambda bad=bad: snapshots.closed_ids([bad]),
            "remove": lambda bad=bad: snapshots.remove(bad, change),
            "snapshots.delete_for": lambda bad=bad: snapshots.delete_for([bad]),
        }
        for name, call in calls.items():
            try:
                call()
            except ScorekitError:
                continue
            except Exception as error:  # noqa: BLE001 - what the test reports
                found.append(f"{name}({bad!r}): {type(error).__name__}: {error}")
    assert cards.get("k1") == stored  # nothing changed
    return found


def test_hostile_ids_raise_scorekit_errors_on_memory():
    cards = MemoryScorecards()
    assert escapes(cards, MemoryManualValues(cards=cards), MemorySnapshots(cards=cards)) == []


def test_hostile_ids_raise_scorekit_errors_on_sqlite(tmp_path):
    path = tmp_path / "one.sqlite3"
    with SQLiteScorecards(path) as cards, SQLiteManualValues(path) as manual, SQLiteSnapshots(path) as snapshots:
        assert escapes(cards, manual, snapshots) == []
