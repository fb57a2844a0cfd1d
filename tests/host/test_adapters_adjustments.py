"""The adjustment contract suites on memory, SQLite and (with SCOREKIT_POSTGRES) a real PostgreSQL."""

import pytest

from scorekit.adapters.memory import MemoryAdjustments, MemoryManualValues, MemoryScorecards, MemorySnapshots
from scorekit.adapters.sqlite import SQLiteAdjustments, SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.testing import AdjustedStores, AdjustmentStorageContract, AdjustmentStoreContract

SCHEMA = "scorekit_adjustments_test"


def memory_stores():
    cards = MemoryScorecards()
    return AdjustedStores(
        cards, MemoryManualValues(cards=cards), MemorySnapshots(cards=cards), MemoryAdjustments(cards=cards)
    )


class TestMemoryAdjustments(AdjustmentStoreContract):
    @pytest.fixture
    def adjustments(self):
        return MemoryAdjustments()


class TestMemoryAdjustmentStorage(AdjustmentStorageContract):
    @pytest.fixture
    def storage(self):
        return memory_stores()


class TestSQLiteAdjustments(AdjustmentStoreContract):
    @pytest.fixture
    def adjustments(self, tmp_path):
        with SQLiteAdjustments(tmp_path / "cards.sqlite3") as store:
            yield store


class TestSQLiteAdjustmentStorage(AdjustmentStorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        path = tmp_path / "one.sqlite3"
        with (
            SQLiteScorecards(path) as cards,
            SQLiteManualValues(path) as manual,
            SQLiteSnapshots(path) as snapshots,
            SQLiteAdjustments(path) as adjustments,
        ):
            yield AdjustedStores(cards, manual, snapshots, adjustments)


@pytest.fixture(scope="module")
def postgres_adapters(postgres_pool):
    from scorekit.adapters.postgres import (
        PostgresAdjustments,
        PostgresManualValues,
        PostgresScorecards,
        PostgresSnapshots,
    )

    with postgres_pool.connection() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    return AdjustedStores(
        PostgresScorecards(postgres_pool, schema=SCHEMA),
        PostgresManualValues(postgres_pool, schema=SCHEMA),
        PostgresSnapshots(postgres_pool, schema=SCHEMA),
        PostgresAdjustments(postgres_pool, schema=SCHEMA),
    )


@pytest.fixture
def postgres_empty(postgres_adapters, postgres_pool):
    with postgres_pool.connection() as conn:
        conn.execute(
            f"TRUNCATE {SCHEMA}.cards, {SCHEMA}.card_revisions, {SCHEMA}.manual_entries, {SCHEMA}.closed_scores,"
            f" {SCHEMA}.adjustments"
        )
    return postgres_adapters


class TestPostgresAdjustments(AdjustmentStoreContract):
    @pytest.fixture
    def adjustments(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresAdjustments

        with postgres_pool.connection() as conn:
            conn.execute("DROP SCHEMA IF EXISTS scorekit_adjustments_alone CASCADE")
        return PostgresAdjustments(postgres_pool, schema="scorekit_adjustments_alone")


class TestPostgresAdjustmentStorage(AdjustmentStorageContract):
    @pytest.fixture
    def storage(self, postgres_empty):
        return postgres_empty


HOSTILE_IDS = ["\udfff", "ok\ud800", ["a"], None, 5, b"c1"]
"""Ids a careless caller passes: lone surrogates (no UTF-8 form), a list, None, a number, bytes."""


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])
def test_hostile_ids_raise_scorekit_errors(kind, tmp_path, request):
    from scorekit.errors import ScorekitError

    if kind == "postgres":
        store = request.getfixturevalue("postgres_empty").adjustments
    else:
        store = MemoryAdjustments() if kind == "memory" else SQLiteAdjustments(tmp_path / "one.sqlite3")
    escaped = []
    for bad in HOSTILE_IDS:
        for name, call in (("for_cards", store.for_cards), ("delete_for", store.delete_for)):
            try:
                call([bad])
            except ScorekitError:
                continue
            except Exception as error:  # noqa: BLE001 - what the test reports
                escaped.append(f"{name}({bad!r}): {type(error).__name__}")
    assert escaped == []
    if kind == "sqlite":
        store.close()


def test_a_scorekit_0_2_file_gains_the_adjustments_table_in_one_step(tmp_path):
    import contextlib
    import sqlite3

    import pendulum

    from scorekit import Adjustment, Cadence, Change, Date, Parameter, Scorecard, User

    path = tmp_path / "0.2.sqlite3"
    monthly = Cadence.monthly(Date(2024, 4, 1))
    card = Scorecard("c1", User("ann"), monthly, monthly.period(0), [Parameter("deals_won", 10, 100)])
    with SQLiteScorecards(path) as cards:
        cards.add(card, change=Change("boss", pendulum.datetime(2024, 4, 1, tz="UTC")))
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as scorekit 0.2 left it: layout 2, no adjustments
        db.execute("DROP TABLE adjustments")
        db.execute("UPDATE schema_version SET version = 2")
    at = pendulum.datetime(2024, 4, 29, tz="UTC")
    with SQLiteAdjustments(path) as adjustments, SQLiteScorecards(path) as cards:
        adjustments.add(Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss"))
        assert cards.get("c1") == card
        assert [a.id for a in adjustments.for_cards(["c1"])] == ["a1"]
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert dict(db.execute("SELECT component, version FROM schema_version")) == {"scorekit": 3}
