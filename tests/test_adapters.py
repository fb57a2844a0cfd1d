"""The contract suites of scorekit.testing, run on both reference adapters."""

import pytest

from scorekit.adapters.memory import MemoryManualValues, MemoryScorecards, MemorySnapshots
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.testing import (
    ManualValueStoreContract,
    ScorecardRepositoryContract,
    SnapshotStoreContract,
    StorageContract,
    Stores,
)


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
