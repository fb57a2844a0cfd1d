"""The SQLite adapters facing real files: errors, locks, upgrades, indexes, transactions (issues 10 and 11)."""

import contextlib
import gc
import json
import pathlib
import sqlite3
import tempfile
import threading
import time

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ADMIN, MANAGER, close_service, sqlite_service_of
from scorekit import (
    Cadence,
    Change,
    ConflictError,
    Date,
    InvalidSetting,
    ManualEntry,
    Parameter,
    Scorecard,
    ScorekitError,
    StorageBusy,
    StorageError,
    User,
)
from scorekit.adapters import sqlite as sqlite_adapter
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.history import MIGRATED_FROM_0_1
from scorekit.service import CardTemplate

ADAPTERS = [SQLiteScorecards, SQLiteManualValues, SQLiteSnapshots]
MONTHLY = Cadence.monthly(Date(2024, 1, 1))
AT = pendulum.datetime(2024, 1, 2, tz="UTC")


def card(card_id="c1", k=0, **fields):
    return Scorecard(card_id, User("ann"), MONTHLY, MONTHLY.period(k), [Parameter("deals_won", 10, 100)], **fields)


def raw(path):
    return contextlib.closing(sqlite3.connect(path))


class TestFilesThatAreNotScorekitDatabases:
    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_a_zero_filled_file(self, tmp_path, adapter):
        path = tmp_path / "zeros.sqlite3"
        path.write_bytes(b"\0" * 8192)
        with pytest.raises(StorageError, match=r"zeros\.sqlite3"):
            adapter(path)
        assert path.read_bytes() == b"\0" * 8192

    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_a_text_file(self, tmp_path, adapter):
        path = tmp_path / "notes.txt"
        path.write_text("meeting notes, not a database\n" * 200)
        with pytest.raises(StorageError, match="not a database"):
            adapter(path)

    def test_a_truncated_database(self, tmp_path):
        path = tmp_path / "cut.sqlite3"
        with SQLiteScorecards(path) as repo:
            repo.add_many([card(f"c{i}", k=i) for i in range(50)], change=Change("boss", AT))
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\xff" * 100)
        with pytest.raises(StorageError), SQLiteScorecards(path) as repo:
            repo.find()

    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_a_file_that_cannot_be_opened(self, tmp_path, adapter):
        with pytest.raises(StorageError, match="unable to open"):
            adapter(tmp_path / "no" / "such" / "dir.sqlite3")
        with pytest.raises(StorageError):
            adapter(tmp_path)  # a directory

    def test_another_applications_tables(self, tmp_path):
        path = tmp_path / "theirs.sqlite3"
        with raw(path) as db, db:
            db.execute("CREATE TABLE cards (id TEXT, whatever TEXT)")
        with pytest.raises(StorageError, match="not a scorekit database"):
            SQLiteScorecards(path)

    def test_a_newer_layout(self, tmp_path):
        path = tmp_path / "future.sqlite3"
        SQLiteScorecards(path).close()
        with raw(path) as db, db:
            db.execute("UPDATE schema_version SET version = 4")
        with pytest.raises(StorageError, match="schema version 4"):
            SQLiteManualValues(path)

    @pytest.mark.parametrize("timeout", [-1, float("nan"), float("inf"), "5", True, 1e300, 86_401])
    def test_busy_timeout_is_seconds(self, tmp_path, timeout):
        with pytest.raises(InvalidSetting, match="busy_timeout") as raised:
            SQLiteScorecards(tmp_path / "x.sqlite3", busy_timeout=timeout)
        assert isinstance(raised.value, ValueError)
        assert not isinstance(raised.value, StorageError)  # a mistake in the call: no retry helps

    @pytest.mark.parametrize("path", ["cards\x00.sqlite3", b"cards.sqlite3", 7])
    def test_a_path_must_be_a_path(self, tmp_path, path):
        given = path if not isinstance(path, str) else str(tmp_path / path)
        with pytest.raises(InvalidSetting, match="path"):
            SQLiteScorecards(given)


class TestLocks:
    def test_busy_past_the_timeout_is_storage_busy_quickly(self, tmp_path):
        path = tmp_path / "locked.sqlite3"
        with SQLiteScorecards(path, busy_timeout=0.5) as repo, raw(path) as other:
            other.execute("BEGIN IMMEDIATE")  # another process writing, and not finishing
            started = time.monotonic()
            with pytest.raises(StorageBusy, match="locked"):
                repo.add(card(), change=Change("boss", AT))
            elapsed = time.monotonic() - started
            other.execute("ROLLBACK")
            assert 0.4 < elapsed < 5
            repo.add(card(), change=Change("boss", AT))  # free again
            assert repo.get("c1") == card()

    def test_storage_busy_is_a_storage_error_and_an_os_error(self):
        assert issubclass(StorageBusy, StorageError)
        assert issubclass(StorageError, OSError)
        assert issubclass(StorageError, ScorekitError)

    def test_opening_a_current_database_writes_nothing(self, tmp_path):
        path = tmp_path / "current.sqlite3"
        with SQLiteScorecards(path) as repo:
            repo.add(card(), change=Change("boss", AT))
        before = path.read_bytes()
        with raw(path) as other:
            other.execute("BEGIN IMMEDIATE")  # a writer holds the lock: opening must not need it
            for adapter in ADAPTERS:
                with adapter(path, busy_timeout=0.1) as opened:
                    assert opened.path == str(path)
            other.execute("ROLLBACK")
        assert path.read_bytes() == before


V1_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    id           TEXT PRIMARY KEY,
    series       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('user', 'team')),
    owner_id     TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    document     TEXT NOT NULL,
    UNIQUE (series, period_start)
);
CREATE TABLE IF NOT EXISTS card_subjects (
    card_id TEXT NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    PRIMARY KEY (card_id, subject)
);
CREATE INDEX IF NOT EXISTS card_subjects_by_subject ON card_subjects (subject);
CREATE INDEX IF NOT EXISTS cards_by_owner ON cards (owner_kind, owner_id);
CREATE TABLE IF NOT EXISTS manual_entries (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id  TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manual_entries_by_card ON manual_entries (card_id, seq);
INSERT INTO schema_version (component, version) VALUES ('cards', 1), ('manual_values', 1);
"""
"""scorekit 0.1's layout, as its `adapters/sqlite.py` created it (schema version 1 of both components)."""


def v1_card(card_id, start, end, version=1):
    """A card document exactly as scorekit 0.1 wrote it (series "jan")."""
    return json.dumps(
        {
            "schema": 1,
            "id": card_id,
            "owner": {"kind": "user", "id": "ann"},
            "cadence": {"start": "2024-01-01", "every": 1, "unit": "months"},
            "period": {"start": start, "end": end},
            "parameters": [
                {
                    "metric": {"key": "deals_won", "unit": "deals", "kind": "automatic", "label": ""},
                    "target": "10",
                    "weight": "60",
                    "counts_from": None,
                    "direction": "higher_is_better",
                    "cap": None,
                    "threshold": None,
                    "prorate": False,
                    "active": True,
                },
                {
                    "metric": {"key": "demos", "unit": "demos", "kind": "manual", "label": ""},
                    "target": "4",
                    "weight": "40",
                    "counts_from": None,
                    "direction": "higher_is_better",
                    "cap": None,
                    "threshold": None,
                    "prorate": False,
                    "active": True,
                },
            ],
            "timezone": "Europe/Warsaw",
            "rollover": True,
            "series": None if card_id == "jan" else "jan",
            "version": version,
            "name": "",
        }
    )


def make_v1_file(path):
    with raw(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(V1_DDL)
        rows = [("jan", "2024-01-01", "2024-02-01", 3), ("jan@2024-02-01", "2024-02-01", "2024-03-01", 1)]
        for card_id, start, end, version in rows:
            db.execute(
                "INSERT INTO cards (id, series, period_start, owner_kind, owner_id, version, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (card_id, "jan", start, "user", "ann", version, v1_card(card_id, start, end, version)),
            )
            db.execute("INSERT INTO card_subjects (card_id, subject) VALUES (?, ?)", (card_id, "ann"))
        entry = {
            "schema": 1,
            "card_id": "jan",
            "metric": "demos",
            "value": "3",
            "recorded_at": "2024-01-05T00:00:00+00:00",
            "recorded_by": "ann",
        }
        db.execute("INSERT INTO manual_entries (card_id, document) VALUES (?, ?)", ("jan", json.dumps(entry)))
        db.commit()


class TestUpgradeFrom01:
    def test_a_01_file_opens_gains_the_new_tables_and_first_revisions(self, tmp_path):
        path = tmp_path / "old.sqlite3"
        make_v1_file(path)
        with SQLiteScorecards(path) as repo, SQLiteManualValues(path) as manual, SQLiteSnapshots(path) as snapshots:
            jan = repo.get("jan")
            assert (jan.version, jan.timezone, jan.period.end) == (3, "Europe/Warsaw", Date(2024, 2, 1))
            (revision,) = repo.history("jan")
            assert revision.card == jan
            assert (revision.change.reason, revision.deleted) == (MIGRATED_FROM_0_1, False)
            assert revision.change.reason == "migrated from 0.1"
            assert [c.id for c in repo.find(active_on=Date(2024, 2, 10))] == ["jan@2024-02-01"]
            assert [e.value for e in manual.entries(["jan"])] == [3]
            assert snapshots.get(["jan"]) == {}
            with pytest.raises(ConflictError):
                repo.add(jan.next_card(), change=Change("boss", AT))
            feb = repo.get("jan@2024-02-01")
            assert repo.add(feb.next_card(), change=Change("boss", AT)).id == "jan@2024-03-01"
        with raw(path) as db:
            assert dict(db.execute("SELECT component, version FROM schema_version")) == {"scorekit": 3}
            assert db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 3

    def test_the_upgrade_runs_once(self, tmp_path):
        path = tmp_path / "old.sqlite3"
        make_v1_file(path)
        SQLiteManualValues(path).close()  # any adapter upgrades the whole file
        with SQLiteScorecards(path) as repo:
            assert len(repo.history("jan")) == 1


class TestQueries:
    def test_find_active_on_is_an_indexed_search_not_a_scan(self, tmp_path):
        with SQLiteScorecards(tmp_path / "index.sqlite3") as repo:
            repo.add_many([card(f"c{i}", k=i) for i in range(24)], change=Change("boss", AT))
            statements = []
            db = repo._db.connection()
            db.set_trace_callback(statements.append)
            assert [c.id for c in repo.find(active_on=Date(2024, 3, 10))] == ["c2"]
            db.set_trace_callback(None)
            (query,) = [s for s in statements if s.startswith("SELECT")]
            plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query}"))
        assert "SEARCH cards USING INDEX cards_by_period" in plan, plan
        assert "SCAN cards" not in plan, plan


class TestWhatCannotBeStored:
    def test_a_lone_surrogate_is_refused_and_nothing_written(self, tmp_path):
        with SQLiteScorecards(tmp_path / "s.sqlite3") as repo:
            with pytest.raises(ScorekitError):
                repo.add(card("bad\ud800id"), change=Change("boss", AT))
            with pytest.raises(ScorekitError):
                repo.add(card(name="name \udc80"), change=Change("boss", AT))
            with pytest.raises(ScorekitError):
                repo.add(card(), change=Change("boss", AT, "reason \ud800"))
            assert repo.find() == ()
        with SQLiteManualValues(tmp_path / "s.sqlite3") as manual:
            with pytest.raises(ScorekitError):
                manual.append(ManualEntry("c1", "demos", 1, AT, "ann\udfff"))
            assert manual.entries(["c1"]) == ()

    def test_a_version_beyond_sqlites_integers(self, tmp_path):
        with SQLiteScorecards(tmp_path / "v.sqlite3") as repo:
            with pytest.raises(ScorekitError):
                repo.add(card(version=2**63), change=Change("boss", AT))
            stored = repo.add(card(), change=Change("boss", AT))
            with pytest.raises(ScorekitError):
                repo.update(stored, 2**63 - 1, change=Change("boss", AT))
            assert repo.find() == (stored,)


class TestTransactions:
    def test_deleting_a_card_takes_its_entries_and_snapshot_in_one_transaction(self, tmp_path, monkeypatch):
        svc = sqlite_service_of(tmp_path / "one.sqlite3")
        template = CardTemplate(MONTHLY, [Parameter("deals_won", 10, 100)])
        (closed_card, open_card) = svc.create_cards(
            MANAGER, template, [User("ann"), User("bob")], period=MONTHLY.period(0)
        )
        svc.close(MANAGER)
        with raw(svc.cards.path) as db:
            db.execute("INSERT INTO manual_entries (card_id, document) VALUES (?, '{}')", (closed_card.id,))
            db.commit()
        original = sqlite_adapter._record

        def crash_on_deletion(db, card, change, *, document, deleted=False):
            if deleted:
                raise sqlite3.OperationalError("disk I/O error (simulated crash)")
            original(db, card, change, document=document, deleted=deleted)

        monkeypatch.setattr(sqlite_adapter, "_record", crash_on_deletion)
        with pytest.raises(StorageError, match="simulated"):
            svc.delete_all_for_user(ADMIN, "ann")
        with raw(svc.cards.path) as db:
            counts = [
                db.execute(f"SELECT COUNT(*) FROM {t} WHERE card_id = ?", (closed_card.id,)).fetchone()[0]
                for t in ("manual_entries", "snapshots", "revisions")
            ]
        assert counts == [1, 1, 1]  # nothing of the card went
        monkeypatch.setattr(sqlite_adapter, "_record", original)
        assert svc.delete_all_for_user(ADMIN, "ann") == 1
        with raw(svc.cards.path) as db:
            counts = [
                db.execute(f"SELECT COUNT(*) FROM {t} WHERE card_id = ?", (closed_card.id,)).fetchone()[0]
                for t in ("manual_entries", "snapshots", "revisions")
            ]
        assert counts == [0, 0, 2]  # everything went together; the history stays
        assert svc.cards.get(open_card.id) == open_card
        close_service(svc)

    def test_a_write_and_its_revision_are_one_transaction(self, tmp_path, monkeypatch):
        with SQLiteScorecards(tmp_path / "t.sqlite3") as repo:
            stored = repo.add(card(), change=Change("boss", AT))

            def crash(*args, **kwargs):
                raise sqlite3.OperationalError("disk I/O error (simulated crash)")

            monkeypatch.setattr(sqlite_adapter, "_record", crash)
            with pytest.raises(StorageError):
                repo.update(stored.evolve(name="x"), 1, change=Change("boss", AT))
            with pytest.raises(StorageError):
                repo.add(card("c2", k=1), change=Change("boss", AT))
            monkeypatch.undo()
            assert repo.find() == (stored,)
            assert len(repo.history("c1")) == 1


class TestConnections:
    def test_append_keeps_one_connection_per_thread_in_wal_with_normal_sync(self, tmp_path):
        with SQLiteManualValues(tmp_path / "m.sqlite3") as store:
            for i in range(50):
                store.append(ManualEntry("c1", "demos", i, AT.add(minutes=i), "ann"))
            db = store._db.connection()
            assert db is store._db.connection()
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: no fsync per commit in WAL
            seen = []
            thread = threading.Thread(target=lambda: seen.append(store._db.connection()))
            thread.start()
            thread.join()
            assert seen[0] is not db
            assert len(store.entries(["c1"])) == 50

    def test_a_closed_adapter_says_so(self, tmp_path):
        repo = SQLiteScorecards(tmp_path / "c.sqlite3")
        repo.close()
        with pytest.raises(StorageError, match="closed"):
            repo.find()

    def test_an_adapter_dropped_without_close_warns_nothing(self, tmp_path):
        # pytest turns a ResourceWarning of an unclosed connection into an error
        repo = SQLiteScorecards(tmp_path / "d.sqlite3")
        thread = threading.Thread(target=repo.find)
        thread.start()
        thread.join()
        repo.find()
        del repo
        gc.collect()


def _valid_database_bytes():
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "valid.sqlite3"
        with SQLiteScorecards(path) as repo:
            first = repo.add(card(rollover=True), change=Change("boss", AT, "created"))
            repo.add(first.next_card(), change=Change("boss", AT))
            repo.delete(first.id, change=Change("boss", AT, "gone"))
        with raw(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path.read_bytes()


VALID = _valid_database_bytes()


def _use_every_way(path):
    """Open the file with each adapter and read everything; only a scorekit error may come out."""
    try:
        with SQLiteScorecards(path, busy_timeout=0) as repo:
            for found in repo.find():
                repo.history(found.id)
            repo.find(active_on=Date(2024, 1, 10))
        with SQLiteManualValues(path, busy_timeout=0) as manual:
            manual.entries(["c1"])
        with SQLiteSnapshots(path, busy_timeout=0) as snapshots:
            snapshots.get(["c1"])
    except ScorekitError:
        pass


class TestHostileFiles:
    @settings(max_examples=60, deadline=None)
    @given(st.binary(max_size=2048))
    def test_random_bytes(self, data):
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "random.sqlite3"
            path.write_bytes(data)
            _use_every_way(path)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=20))
    def test_a_valid_database_with_bytes_changed(self, changes):
        damaged = bytearray(VALID)
        for offset, value in changes:
            damaged[offset] = value
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "damaged.sqlite3"
            path.write_bytes(bytes(damaged))
            _use_every_way(path)


class TestPurge:
    def test_purged_bytes_do_not_stay_in_the_file(self, tmp_path, monkeypatch):
        real_connect = sqlite3.connect

        def connect_without_secure_delete(*args, **kwargs):  # as SQLite builds whose default is off connect
            db = real_connect(*args, **kwargs)
            db.execute("PRAGMA secure_delete=OFF")
            return db

        monkeypatch.setattr(sqlite_adapter.sqlite3, "connect", connect_without_secure_delete)
        path = tmp_path / "forget.sqlite3"
        forgotten = "Zofia Secretname-4711"
        with SQLiteScorecards(path) as repo, SQLiteManualValues(path) as manual:
            stored = repo.add(card(name=forgotten), change=Change("boss", AT, f"hired {forgotten}"))
            manual.append(ManualEntry(stored.id, "demos", 3, AT, forgotten))
            repo.delete(stored.id, change=Change("boss", AT, "left"))
            repo.purge([stored.id])
            with raw(path) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("forget.sqlite3"))
        assert forgotten.encode() not in data

    def test_a_purge_takes_what_a_card_left_in_the_file(self, tmp_path):
        path = tmp_path / "one.sqlite3"
        with SQLiteScorecards(path) as repo:
            stored = repo.add(card(), change=Change("boss", AT))
            repo.delete(stored.id, change=Change("boss", AT))
            with raw(path) as db:  # left by a store in another file's past, or an older scorekit
                db.execute("INSERT INTO manual_entries (card_id, document) VALUES (?, '{}')", (stored.id,))
                db.commit()
            assert repo.purge([stored.id]) == 1
            with raw(path) as db:
                assert db.execute("SELECT COUNT(*) FROM manual_entries").fetchone() == (0,)
