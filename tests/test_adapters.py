"""The contract suites of scorekit.testing, run on both reference adapters."""

import pytest

from scorekit.adapters.memory import MemoryManualValues, MemoryScorecards
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards
from scorekit.testing import ManualValueStoreContract, ScorecardRepositoryContract


class TestMemoryScorecards(ScorecardRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryScorecards()


class TestSQLiteScorecards(ScorecardRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        return SQLiteScorecards(tmp_path / "cards.sqlite3")


class TestMemoryManualValues(ManualValueStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryManualValues()


class TestSQLiteManualValues(ManualValueStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return SQLiteManualValues(tmp_path / "cards.sqlite3")
