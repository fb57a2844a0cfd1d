"""SQLite ports (stdlib `sqlite3`): cards with their history, manual values, adjustments and closed scores.

One file may hold everything, and should: `SQLiteScorecards(path)`,
`SQLiteManualValues(path)`, `SQLiteAdjustments(path)` and `SQLiteSnapshots(path)`
over the same path share its tables, and then each use case is one transaction:
deleting a card removes its manual entries, adjustments and closed score, a closed
score is stored only of the card's stored version, an edit, a delete, a manual value
or an adjustment of a closed card is refused (`ConflictError`), and so is a manual
value or an adjustment of a deleted card.  Stores in separate files cannot check
each other.

- **Documents.** Cards, manual entries and closed scores are stored as versioned
  JSON documents (`scorekit.codec`) beside the columns that queries and rules need.
  Every statement is parameterized.
- **Transactions.** Every write and its revision are one ``BEGIN IMMEDIATE``
  transaction: a failed batch, or a crash, leaves the file as it was.  A UNIQUE rule
  on (series, period start) makes rollover idempotent even with two processes at
  once; a card's id stays taken after it is deleted (its history keeps it).
- **Durability.** The file is in WAL mode with ``synchronous=NORMAL``: a commit
  survives the process crashing; on power loss the last commits before the loss may
  be rolled back (never half-applied).  So `SQLiteManualValues.append` in a loop costs
  no fsync per value.
- **Connections.** Each adapter keeps one connection per thread, so one instance may
  be shared between threads; `close()` (or ``with``) closes them all.  Use a file
  path: ``":memory:"`` would be a different, empty database on each thread.
- **Errors.** Whatever the database reports (not a database, malformed, unable to
  open, disk full) is a `StorageError` naming the file; a lock not had within
  ``busy_timeout`` seconds (default 5) is `StorageBusy`.
- **Upgrades.** A ``schema_version`` table records the layout.  Opening a current
  database writes nothing.  A file written by scorekit 0.1 gains the new tables and
  columns in one transaction, and each of its cards a first revision whose reason is
  ``"migrated from 0.1"``.  A file of scorekit 0.2 gains the adjustments table, in one
  transaction too.

>>> import tempfile, pathlib, pendulum
>>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cards.sqlite3"
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> with SQLiteScorecards(path) as repo:
...     _ = repo.add(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)]),
...                  change=Change("boss", pendulum.datetime(2024, 1, 1, tz="UTC"), "new hire"))
...     repo.get("c1").period == c.period(0), repo.history("c1")[0].change.reason
(True, 'new hire')
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Final, TypeVar

from scorekit import codec
from scorekit.adapters._adjustments import adjustment_taken, checked, refuse_missed_adjustments
from scorekit.adapters._rules import card_id as _card_id
from scorekit.adapters._rules import distinct_ids, filter_text, lone_surrogate, refuse_later_entries
from scorekit.adapters._sql import Closing, DecodedCards, busy_timeout_seconds, card_rows, file_path, instant_text
from scorekit.adapters._sqlite_records import SQLiteRecordsSource
from scorekit.adjustment import Adjustment
from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidDocument,
    InvalidPeriod,
    InvalidScorecard,
    StorageBusy,
    StorageError,
)
from scorekit.history import MIGRATED_FROM_0_1, Change, ClosedScore, Revision
from scorekit.measurement import ManualEntry, as_instant
from scorekit.period import Date, as_date
from scorekit.ports import CardRow
from scorekit.scorecard import Scorecard, Team, User

__all__ = [
    "SCHEMA_VERSION",
    "SQLiteAdjustments",
    "SQLiteManualValues",
    "SQLiteRecordsSource",
    "SQLiteScorecards",
    "SQLiteSnapshots",
    "instant_text",
]

SCHEMA_VERSION: Final = 3
"""The layout this scorekit writes: version 1 was scorekit 0.1's (cards and manual values only), 2 scorekit 0.2's
(revisions, closed scores); 3 adds adjustments, so that an older scorekit, which would delete a card and leave its
adjustments behind, refuses the file."""

_COMPONENT: Final = "scorekit"
_V1_COMPONENTS: Final = ("cards", "manual_values")
_MAX_VERSION: Final = 2**63 - 1
"""SQLite's largest integer: a card's version must stay below it (an update adds one)."""

_MIGRATION_ACTOR: Final = "scorekit"
_CACHE_SIZE: Final = 100_000
"""Decoded cards a `SQLiteScorecards` keeps (by document text): a dashboard's worth, and then some."""

T = TypeVar("T")

_TABLES: Final = """
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
"""
"""Version 1's tables (scorekit 0.1), unchanged in version 2."""

_TABLES_V2: Final = """
CREATE TABLE IF NOT EXISTS revisions (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id  TEXT NOT NULL,
    version  INTEGER NOT NULL,
    deleted  INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    actor_id TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS revisions_by_card ON revisions (card_id, seq);
CREATE TABLE IF NOT EXISTS snapshots (
    card_id  TEXT PRIMARY KEY,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_by_period ON cards (period_end, period_start);
CREATE INDEX IF NOT EXISTS cards_by_owner_id ON cards (owner_id);
"""
"""What version 2 adds: revisions, closed scores, and the indexes `find` needs."""

_TABLES_V3: Final = """
CREATE TABLE IF NOT EXISTS adjustments (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    card_id  TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS adjustments_by_card ON adjustments (card_id, seq);
"""
"""What version 3 adds: adjustments (credits and reliefs), append-only."""

_INDEX_COLUMNS: Final = (
    ("timezone", "TEXT NOT NULL DEFAULT ''", "COALESCE(json_extract(document, '$.timezone'), 'UTC')"),
    ("rollover", "INTEGER NOT NULL DEFAULT 0", "COALESCE(json_extract(document, '$.rollover'), 0)"),
)
"""Columns of version 2 that files made while 0.2 was being written may lack: (name, type, value from the document).

With them and the covering index below, `index()` answers without reading a document."""
_INDEX: Final = (
    "CREATE INDEX IF NOT EXISTS cards_index ON cards (id, series, period_start, period_end, timezone, rollover)"
)


def _statements(script: str) -> list[str]:
    return [statement for statement in script.split(";") if statement.strip()]


def _storage_error(path: str, error: sqlite3.Error) -> StorageError:
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(error):
        return StorageBusy(
            f"{path}: the database stayed locked past busy_timeout ({error}); nothing was written, retry later"
        )
    return StorageError(f"{path}: {error}")


def _close_all(connections: dict[threading.Thread, sqlite3.Connection]) -> None:
    for db in connections.values():
        db.close()
    connections.clear()


def _text_column(text: str, *, what: str) -> str:
    """`text` if SQLite can store it: a lone surrogate has no UTF-8 form and would break the insert."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        msg = f"{what} cannot be stored: it holds {bad!r}, a lone surrogate, which is not Unicode text"
        raise InvalidDocument(msg) from None
    return text


class _Database:
    """One SQLite file: a connection per thread, transactions that say what went wrong, the layout."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float) -> None:
        self.path = file_path(path)
        self.busy_timeout = busy_timeout_seconds(busy_timeout, zero=True)
        # By thread object, not thread id: an id is reused by the next thread, which must not be
        # handed (or have closed under it) the connection of the thread that ended.
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._closed = False
        # Connections left open by a host that forgets close() are closed when the adapter goes.
        self._finalizer = weakref.finalize(self, _close_all, self._connections)
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    # -- connections -----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise _storage_error(self.path, error) from None
        try:
            with self.errors():
                db.execute("PRAGMA foreign_keys=ON")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA secure_delete=ON")  # erased rows (a purge) do not stay in the file
        except StorageError:
            db.close()
            raise
        return db

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        thread = threading.current_thread()
        db = self._connections.get(thread)
        if db is not None:
            return db
        with self._lock:
            if self._closed:
                msg = f"{self.path}: this adapter was closed"
                raise StorageError(msg)
            for gone in [t for t in self._connections if not t.is_alive()]:
                self._connections.pop(gone).close()  # the thread that used it has ended
            db = self._connections[thread] = self._connect()
            return db

    def close(self) -> None:
        """Close every connection; the adapter may not be used afterwards."""
        with self._lock:
            self._closed = True
            _close_all(self._connections)

    # -- transactions ----------------------------------------------------------------

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turn whatever the database reports into `StorageError` / `StorageBusy`."""
        try:
            yield
        except sqlite3.Error as error:
            raise _storage_error(self.path, error) from None
        except UnicodeEncodeError as error:  # a lone surrogate in an id looked up: no card has it
            raise lone_surrogate(self.path, error) from None
        except UnicodeDecodeError as error:  # a TEXT cell that is not UTF-8: the file was damaged
            msg = f"{self.path}: the database is damaged: a stored text is not UTF-8 ({error.reason})"
            raise StorageError(msg) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed if the block ends normally, else rolled back."""
        db = self.connection()
        with self.errors():
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads, in one read transaction so that every statement sees the same state."""
        db = self.connection()
        with self.errors():
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    # -- the layout ------------------------------------------------------------------

    def _state(self, db: sqlite3.Connection) -> tuple[set[str], dict[str, int], set[str]]:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        versions: dict[str, int] = {}
        if "schema_version" in tables:
            versions = dict(db.execute("SELECT component, version FROM schema_version").fetchall())
        columns = {row[1] for row in db.execute("PRAGMA table_info(cards)")}
        return tables, versions, columns

    def _needs_work(self, tables: set[str], versions: Mapping[str, int], columns: set[str]) -> bool:
        """Whether the layout must be created or upgraded; `StorageError` if the file is not scorekit's."""
        current = versions.get(_COMPONENT)
        if current is not None:
            if type(current) is not int or current > SCHEMA_VERSION or current < 1:
                msg = f"{self.path} holds scorekit schema version {current!r}; this scorekit reads versions up to {SCHEMA_VERSION}"
                raise StorageError(msg)
            return current < SCHEMA_VERSION or not {name for name, _type, _value in _INDEX_COLUMNS} <= columns
        old = {k: v for k, v in versions.items() if k in _V1_COMPONENTS}
        if any(v != 1 for v in old.values()):
            msg = f"{self.path} holds an unknown scorekit layout {old}; this scorekit reads versions up to {SCHEMA_VERSION}"
            raise StorageError(msg)
        ours = {"cards", "card_subjects", "manual_entries", "revisions", "snapshots", "adjustments"} & tables
        if ours and not old:
            msg = f"{self.path} is not a scorekit database: it has tables {sorted(ours)} but no scorekit schema_version"
            raise StorageError(msg)
        return True

    def _prepare(self) -> None:
        with self.reading() as db:
            if not self._needs_work(*self._state(db)):
                return  # a current database: nothing to write
        with self.errors():
            self.connection().execute("PRAGMA journal_mode=WAL")
        with self.transaction() as db:
            # again, under the write lock: another process may have done it
            if not self._needs_work(*self._state(db)):
                return
            tables = self._state(db)[0]
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            had_cards = "cards" in tables
            for statement in _statements(_TABLES):
                db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(cards)")}
            if "period_end" not in columns:
                db.execute("ALTER TABLE cards ADD COLUMN period_end TEXT NOT NULL DEFAULT ''")
            for name, kind, _value in _INDEX_COLUMNS:
                if name not in columns:
                    db.execute(f"ALTER TABLE cards ADD COLUMN {name} {kind}")
            for statement in _statements(_TABLES_V2 + _TABLES_V3):
                db.execute(statement)
            if had_cards and "revisions" not in tables:
                self._migrate_cards(db)
            missing = [(name, value) for name, _kind, value in _INDEX_COLUMNS if name not in columns]
            if had_cards and missing:
                # Read by SQLite from each stored document once, here; no card is decoded.
                db.execute(f"UPDATE cards SET {', '.join(f'{name} = {value}' for name, value in missing)}")  # noqa: S608 - fixed names
            db.execute(_INDEX)
            db.execute("DELETE FROM schema_version WHERE component IN (?, ?)", _V1_COMPONENTS)
            db.execute(
                "INSERT OR REPLACE INTO schema_version (component, version) VALUES (?, ?)",
                (_COMPONENT, SCHEMA_VERSION),
            )

    def _migrate_cards(self, db: sqlite3.Connection) -> None:
        """Give every card of a 0.1 file its period end and a first revision, "migrated from 0.1"."""
        change = Change(_MIGRATION_ACTOR, _dt.datetime.now(_dt.UTC), MIGRATED_FROM_0_1)
        rows = db.execute("SELECT id, document FROM cards ORDER BY id").fetchall()
        for card_id, document in rows:
            card = _load_card(document, card_id)
            db.execute("UPDATE cards SET period_end = ? WHERE id = ?", (card.period.end.isoformat(), card_id))
            _record(db, card, change, document=document)


def _load_card(document: str, card_id: str) -> Scorecard:
    try:
        return codec.loads(document, Scorecard)
    except InvalidDocument as error:
        msg = f"the stored card {card_id!r} is damaged: {error}"
        raise StorageError(msg) from None


def _record(db: sqlite3.Connection, card: Scorecard, change: Change, *, document: str, deleted: bool = False) -> None:
    db.execute(
        "INSERT INTO revisions (card_id, version, deleted, actor_id, at, reason, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            card.id,
            card.version,
            int(deleted),
            _text_column(change.actor_id, what=f"the actor id {change.actor_id!r}"),
            change.at.isoformat(),
            _text_column(change.reason, what=f"the reason {change.reason!r}"),
            document,
        ),
    )


def _ever_stored(db: sqlite3.Connection, card_id: str) -> bool:
    """Whether this file has a history of `card_id` (stored now, or deleted and not purged)."""
    return db.execute("SELECT 1 FROM revisions WHERE card_id = ? LIMIT 1", (card_id,)).fetchone() is not None


def _refuse_closed(db: sqlite3.Connection, card_id: str) -> None:
    if db.execute("SELECT 1 FROM snapshots WHERE card_id = ?", (card_id,)).fetchone():
        raise ConflictError.closed(card_id)


def _refuse_deleted(db: sqlite3.Connection, card_id: str) -> None:
    """`ConflictError` if the card was deleted (this file has its history but does not store it).

    `CardNotFound` if this file holds cards but never this one (or purged it): the stores share
    the file, so it is no card.  A file without any card (the stores are in separate files)
    cannot tell, and lets it be.
    """
    if db.execute("SELECT 1 FROM cards WHERE id = ?", (card_id,)).fetchone():
        return
    if _ever_stored(db, card_id):
        raise ConflictError.deleted(card_id)
    if db.execute("SELECT 1 FROM revisions LIMIT 1").fetchone():
        raise CardNotFound.for_id(card_id)


def _remove(db: sqlite3.Connection, card_id: str, document: str, change: Change) -> None:
    """Delete a stored card, recording the deletion, with its manual entries, adjustments and closed score."""
    db.execute("DELETE FROM cards WHERE id = ?", (card_id,))
    _record(db, _load_card(document, card_id), change, document=document, deleted=True)
    for table in _CARD_DATA:
        db.execute(f"DELETE FROM {table} WHERE card_id = ?", (card_id,))  # noqa: S608 - fixed names


_CARD_DATA: Final = ("manual_entries", "adjustments", "snapshots")
"""The tables holding a card's data, which go with the card."""


def _forget(db: sqlite3.Connection, card_id: str) -> None:
    """Erase a deleted card's history, entries, adjustments and closed score (with ``secure_delete``, their bytes too)."""
    for table in ("revisions", *_CARD_DATA):
        db.execute(f"DELETE FROM {table} WHERE card_id = ?", (card_id,))  # noqa: S608 - fixed names


def _revision(card_id: str, row: tuple[str, int, str, str, str]) -> Revision:
    document, deleted, actor_id, at, reason = row
    try:
        instant = as_instant(_dt.datetime.fromisoformat(at), name="revision at")
        return Revision(_load_card(document, card_id), Change(actor_id, instant, reason), deleted=bool(deleted))
    except (TypeError, ValueError) as error:  # scorekit's own errors are ValueErrors too
        msg = f"a stored revision of card {card_id!r} is damaged: {error}"
        raise StorageError(msg) from None


def _change(value: object) -> Change:
    if not isinstance(value, Change):
        msg = f"a write needs change=Change(actor_id, at, reason), got {value!r}"
        raise TypeError(msg)
    return value


def _card_document(card: Scorecard) -> str:
    if card.version > _MAX_VERSION - 1:
        msg = f"card {card.id!r} has version {card.version}; a stored card's version must stay below {_MAX_VERSION}"
        raise InvalidScorecard(msg)
    return _text_column(codec.dumps(card), what=f"card {card.id!r}")


def _owner_columns(card: Scorecard) -> tuple[str, str]:
    return ("team" if isinstance(card.owner, Team) else "user", card.owner.id)


def _ids_json(ids: Iterable[str]) -> str:
    """A JSON array of ids, for ``json_each(?)``: one parameter whatever the count."""
    return json.dumps(distinct_ids(ids))


class _Adapter(Closing):
    """What every SQLite adapter shares: the file, `close()`, ``with``."""

    _db: _Database

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 5) -> None:
        self._db = _Database(path, busy_timeout=busy_timeout)

    @property
    def path(self) -> str:
        """The database file."""
        return self._db.path


class SQLiteScorecards(_Adapter):
    """A `ScorecardRepository` on a SQLite file, every revision kept.

    `delete` and `delete_many` also remove, in the same transaction, the manual
    entries and closed scores of those cards held in the same file.

    >>> import tempfile, pathlib
    >>> with SQLiteScorecards(pathlib.Path(tempfile.mkdtemp()) / "cards.sqlite3", busy_timeout=0.5) as cards:
    ...     cards.find(active_on="2024-03-10")
    ()
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 5) -> None:
        super().__init__(path, busy_timeout=busy_timeout)
        # Decoding a document costs far more than reading it, and dashboards read the same ones again.
        self._cards = DecodedCards(size=_CACHE_SIZE)

    def _decoded(self, document: str, card_id: str) -> Scorecard:
        try:
            return self._cards.decode(document)
        except InvalidDocument as error:
            msg = f"the stored card {card_id!r} is damaged: {error}"
            raise StorageError(msg) from None

    def get(self, card_id: str) -> Scorecard:
        """See `ScorecardRepository.get`."""
        with self._db.reading() as db:
            row = db.execute("SELECT document FROM cards WHERE id = ?", (_card_id(card_id),)).fetchone()
        if row is None:
            raise CardNotFound.for_id(card_id)
        return self._decoded(row[0], card_id)

    def add(self, card: Scorecard, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.add`."""
        return self.add_many((card,), change=change)[0]

    def add_many(self, cards: Sequence[Scorecard], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.add_many`."""
        items = tuple(cards)
        given = _change(change)
        documents = [_card_document(card) for card in items]
        if not items:
            return ()  # no write lock for nothing
        with self._db.transaction() as db:
            for card, document in zip(items, documents, strict=True):
                self._add(db, card, given, document)
        return items

    def _add(self, db: sqlite3.Connection, card: Scorecard, change: Change, document: str) -> None:
        if _ever_stored(db, card.id):
            if db.execute("SELECT 1 FROM cards WHERE id = ?", (card.id,)).fetchone():
                raise ConflictError.id_taken(card.id)
            raise ConflictError.id_retired(card.id)
        self._insert(db, card, document)
        _record(db, card, change, document=document)

    def _insert(self, db: sqlite3.Connection, card: Scorecard, document: str) -> None:
        kind, owner_id = _owner_columns(card)
        try:
            db.execute(
                "INSERT INTO cards (id, series, period_start, period_end, timezone, rollover,"
                " owner_kind, owner_id, version, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card.id,
                    card.series_id,
                    card.period.start.isoformat(),
                    card.period.end.isoformat(),
                    card.timezone,
                    int(card.rollover),
                    kind,
                    owner_id,
                    card.version,
                    document,
                ),
            )
        except sqlite3.IntegrityError:
            if db.execute("SELECT 1 FROM cards WHERE id = ?", (card.id,)).fetchone():
                raise ConflictError.id_taken(card.id) from None
            raise ConflictError.period_taken(card.series_id, card.period.start) from None
        db.executemany(
            "INSERT INTO card_subjects (card_id, subject) VALUES (?, ?)", [(card.id, s) for s in sorted(card.subjects)]
        )

    def update(self, card: Scorecard, expected_version: int, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.update`."""
        return self.update_many(((card, expected_version),), change=change)[0]

    def update_many(self, changes: Sequence[tuple[Scorecard, int]], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.update_many`."""
        given = _change(change)
        items = []
        for card, expected in changes:
            if isinstance(expected, bool) or not isinstance(expected, int):
                msg = f"expected_version of card {card.id!r} must be a whole number, got {expected!r}"
                raise InvalidScorecard(msg)
            if expected >= _MAX_VERSION - 1:
                msg = f"card {card.id!r}: expected_version {expected} is beyond what can be stored (below {_MAX_VERSION - 1})"
                raise InvalidScorecard(msg)
            # below 1 it cannot match the stored version: the check in the transaction says so
            new = card.evolve(version=max(expected, 0) + 1)
            items.append((new, expected, _card_document(new)))
        if not items:
            return ()
        with self._db.transaction() as db:
            for new, expected, document in items:
                row = db.execute("SELECT version FROM cards WHERE id = ?", (new.id,)).fetchone()
                if row is None:
                    raise CardNotFound.for_id(new.id)
                _refuse_closed(db, new.id)
                if row[0] != expected:
                    raise ConflictError.stale(new.id, stored=row[0], expected=expected)
                db.execute("DELETE FROM cards WHERE id = ?", (new.id,))
                self._insert(db, new, document)
                _record(db, new, given, document=document)
        return tuple(new for new, _expected, _document in items)

    def delete(self, card_id: str, *, change: Change) -> None:
        """See `ScorecardRepository.delete`."""
        self.delete_many((card_id,), change=change)

    def delete_many(self, card_ids: Collection[str], *, change: Change) -> int:
        """See `ScorecardRepository.delete_many`; the cards' manual entries and closed scores in this file go too."""
        given = _change(change)
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction() as db:
            for card_id in ids:
                row = db.execute("SELECT document FROM cards WHERE id = ?", (card_id,)).fetchone()
                if row is None:
                    raise CardNotFound.for_id(card_id)
                _refuse_closed(db, card_id)
                _remove(db, card_id, row[0], given)
        return len(ids)

    def add_next(self, previous: Scorecard, card: Scorecard, *, change: Change) -> Scorecard:
        """See `scorekit.ports.CardSteps.add_next`: the check and the insert are one transaction."""
        given = _change(change)
        document = _card_document(card)
        with self._db.transaction() as db:
            if not db.execute("SELECT 1 FROM cards WHERE id = ?", (previous.id,)).fetchone():
                if _ever_stored(db, previous.id):
                    raise ConflictError.deleted(previous.id)
                raise CardNotFound.for_id(previous.id)
            self._add(db, card, given, document)
        return card

    def reopen(self, card_id: str, *, change: Change) -> tuple[Scorecard, ClosedScore]:
        """See `scorekit.ports.CardSteps.reopen`: the revision and the closed score's removal are one transaction."""
        given = _change(change)
        with self._db.transaction() as db:
            row = db.execute("SELECT document FROM cards WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                raise CardNotFound.for_id(card_id)
            closed = db.execute("SELECT document FROM snapshots WHERE card_id = ?", (card_id,)).fetchone()
            if closed is None:
                raise CardNotFound.not_closed(card_id)
            db.execute("DELETE FROM snapshots WHERE card_id = ?", (card_id,))
            card = self._decoded(row[0], card_id)
            new = card.evolve(version=card.version + 1)
            document = _card_document(new)
            db.execute("DELETE FROM cards WHERE id = ?", (card_id,))
            self._insert(db, new, document)
            _record(db, new, given, document=document)
        return new, _load(closed[0], ClosedScore, f"closed score of card {card_id!r}")

    def delete_owned(
        self, user_id: str, *, change: Change, keep: Collection[str] = (), closed: bool = False, purge: bool = False
    ) -> tuple[str, ...]:
        """See `scorekit.ports.CardSteps.delete_owned`: one transaction, deleted cards found by their last revision."""
        given = _change(change)
        kept = _ids_json(keep)
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT id, document FROM cards WHERE owner_kind = 'user' AND owner_id = ?"
                " AND id NOT IN (SELECT value FROM json_each(?))"
                " AND (? OR id NOT IN (SELECT card_id FROM snapshots)) ORDER BY id",
                (user_id, kept, int(closed)),
            ).fetchall()
            for card_id, document in rows:
                _remove(db, card_id, document, given)
            if purge:
                # Every card of the user that is deleted now: its deletion revision holds it as it was last stored.
                gone = db.execute(
                    "SELECT card_id FROM revisions WHERE deleted = 1"
                    " AND json_extract(document, '$.owner.kind') = 'user' AND json_extract(document, '$.owner.id') = ?",
                    (user_id,),
                ).fetchall()
                for (card_id,) in gone:
                    if not db.execute("SELECT 1 FROM cards WHERE id = ?", (card_id,)).fetchone():
                        _forget(db, card_id)
        return tuple(card_id for card_id, _document in rows)

    def history(self, card_id: str) -> tuple[Revision, ...]:
        """See `ScorecardRepository.history`."""
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT document, deleted, actor_id, at, reason FROM revisions WHERE card_id = ? ORDER BY seq",
                (_card_id(card_id),),
            ).fetchall()
        if not rows:
            raise CardNotFound.never_seen(card_id)
        return tuple(_revision(card_id, row) for row in rows)

    def purge(self, card_ids: Collection[str]) -> int:
        """See `ScorecardRepository.purge`."""
        ids = distinct_ids(card_ids)
        with self._db.transaction() as db:
            for card_id in ids:
                if db.execute("SELECT 1 FROM cards WHERE id = ?", (card_id,)).fetchone():
                    raise ConflictError.not_deleted(card_id)
                if not _ever_stored(db, card_id):
                    raise CardNotFound.never_seen(card_id)
                _forget(db, card_id)
        return len(ids)

    def index(self) -> tuple[CardRow, ...]:
        """See `scorekit.ports.CardIndex`: read from the covering index ``cards_index``, no document touched."""
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT id, series, period_start, period_end, timezone, rollover FROM cards INDEXED BY cards_index"
                " ORDER BY id"
            ).fetchall()
        try:
            return card_rows(rows)
        except InvalidPeriod as error:
            msg = f"{self.path}: the database is damaged: a card's period is not a date ({error})"
            raise StorageError(msg) from None

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
        active_on: Date | None = None,
        owner_id: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.find`; `active_on` is answered from the index on (period end, start)."""
        for name, value in (("subject", subject), ("series", series), ("owner_id", owner_id)):
            filter_text(name, value)
        clauses, parameters = [], []
        if owner is not None:
            clauses.append("owner_kind = ? AND owner_id = ?")
            parameters += ["team" if isinstance(owner, Team) else "user", owner.id]
        if owner_id is not None:
            clauses.append("owner_id = ?")
            parameters.append(owner_id)
        if subject is not None:
            clauses.append("id IN (SELECT card_id FROM card_subjects WHERE subject = ?)")
            parameters.append(subject)
        if series is not None:
            clauses.append("series = ?")
            parameters.append(series)
        if active_on is not None:
            day = as_date(active_on, name="active_on").isoformat()
            clauses.append("period_end > ? AND period_start <= ?")
            parameters += [day, day]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # Without statistics the planner would walk the primary key to skip sorting, reading every card.
        index = "INDEXED BY cards_by_period" if active_on is not None else ""
        with self._db.reading() as db:
            rows = db.execute(f"SELECT id, document FROM cards {index} {where} ORDER BY id", parameters).fetchall()  # noqa: S608 - only fixed clauses are joined
        decoded = self._decoded
        cards = [decoded(document, card_id) for card_id, document in rows]
        if owner is not None:
            cards = [c for c in cards if c.owner == owner]  # a team's members must match too
        return tuple(cards)


class SQLiteManualValues(_Adapter):
    """A `ManualValueStore` on a SQLite file (it may be the cards' file).

    `append` uses the calling thread's connection and one short transaction per
    entry; in WAL mode with ``synchronous=NORMAL`` a commit costs no fsync.

    >>> import tempfile, pathlib, pendulum
    >>> with SQLiteManualValues(pathlib.Path(tempfile.mkdtemp()) / "values.sqlite3") as store:
    ...     store.append(ManualEntry("c1", "nps", 40, pendulum.datetime(2024, 1, 5, tz="UTC"), "ann"))
    ...     [e.value for e in store.entries(["c1"])], store.delete_for(["c1"])
    ([Decimal('40')], 1)
    """

    def append(self, entry: ManualEntry) -> None:
        """See `ManualValueStore.append`."""
        document = _text_column(codec.dumps(entry), what=f"the manual entry of card {entry.card_id!r}")
        with self._db.transaction() as db:
            _refuse_deleted(db, entry.card_id)
            _refuse_closed(db, entry.card_id)
            db.execute("INSERT INTO manual_entries (card_id, document) VALUES (?, ?)", (entry.card_id, document))

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """See `ManualValueStore.entries`."""
        ids = _ids_json(card_ids)
        if ids == "[]":
            return ()
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT card_id, document FROM manual_entries"
                " WHERE card_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
                (ids,),
            ).fetchall()
        return tuple(_load(document, ManualEntry, f"manual entry of card {card_id!r}") for card_id, document in rows)

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `ManualValueStore.delete_for`."""
        with self._db.transaction() as db:
            return db.execute(
                "DELETE FROM manual_entries WHERE card_id IN (SELECT value FROM json_each(?))", (_ids_json(card_ids),)
            ).rowcount


def _load(document: str, cls: type[T], what: str) -> T:
    try:
        return codec.loads(document, cls)
    except InvalidDocument as error:
        msg = f"the stored {what} is damaged: {error}"
        raise StorageError(msg) from None


class SQLiteSnapshots(_Adapter):
    """A `SnapshotStore` on a SQLite file (it may be the cards' file): one closed score per card, as a codec document.

    >>> import tempfile, pathlib
    >>> with SQLiteSnapshots(pathlib.Path(tempfile.mkdtemp()) / "closed.sqlite3") as store:
    ...     store.get(["c1"])
    {}
    """

    def add(self, closed: ClosedScore) -> None:
        """See `SnapshotStore.add`."""
        given: object = closed
        if not isinstance(given, ClosedScore):
            msg = f"expected a ClosedScore, got {given!r}"
            raise TypeError(msg)
        document = _text_column(codec.dumps(closed), what=f"the closed score of card {closed.card_id!r}")
        with self._db.transaction() as db:
            if db.execute("SELECT 1 FROM snapshots WHERE card_id = ?", (closed.card_id,)).fetchone():
                raise ConflictError.already_closed(closed.card_id)
            _refuse_deleted(db, closed.card_id)
            row = db.execute("SELECT version FROM cards WHERE id = ?", (closed.card_id,)).fetchone()
            if row is not None and row[0] != closed.card_version:
                raise ConflictError.stale(closed.card_id, stored=row[0], expected=closed.card_version)
            entries = db.execute("SELECT document FROM manual_entries WHERE card_id = ?", (closed.card_id,)).fetchall()
            what = f"manual entry of card {closed.card_id!r}"
            refuse_later_entries(closed, [_load(e[0], ManualEntry, what).recorded_at for e in entries])
            adjusted = db.execute("SELECT document FROM adjustments WHERE card_id = ?", (closed.card_id,)).fetchall()
            what = f"adjustment of card {closed.card_id!r}"
            refuse_missed_adjustments(closed, [_load(a[0], Adjustment, what) for a in adjusted])
            db.execute("INSERT INTO snapshots (card_id, document) VALUES (?, ?)", (closed.card_id, document))

    def closed_ids(self, card_ids: Iterable[str]) -> frozenset[str]:
        """See `scorekit.ports.ClosedIds`: from the snapshots' primary key, no document decoded."""
        ids = _ids_json(card_ids)
        if ids == "[]":
            return frozenset()
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT card_id FROM snapshots WHERE card_id IN (SELECT value FROM json_each(?))", (ids,)
            ).fetchall()
        return frozenset(row[0] for row in rows)

    def get(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        """See `SnapshotStore.get`."""
        ids = _ids_json(card_ids)
        if ids == "[]":
            return {}
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT card_id, document FROM snapshots WHERE card_id IN (SELECT value FROM json_each(?))", (ids,)
            ).fetchall()
        return {
            card_id: _load(document, ClosedScore, f"closed score of card {card_id!r}") for card_id, document in rows
        }

    def remove(self, card_id: str, change: Change) -> ClosedScore:
        """See `SnapshotStore.remove`."""
        _change(change)
        with self._db.transaction() as db:
            row = db.execute("SELECT document FROM snapshots WHERE card_id = ?", (_card_id(card_id),)).fetchone()
            if row is None:
                raise CardNotFound.not_closed(card_id)
            db.execute("DELETE FROM snapshots WHERE card_id = ?", (card_id,))
        return _load(row[0], ClosedScore, f"closed score of card {card_id!r}")

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `SnapshotStore.delete_for`."""
        with self._db.transaction() as db:
            return db.execute(
                "DELETE FROM snapshots WHERE card_id IN (SELECT value FROM json_each(?))", (_ids_json(card_ids),)
            ).rowcount


class SQLiteAdjustments(_Adapter):
    """An `AdjustmentStore` on a SQLite file (it should be the cards' file): append-only, as codec documents.

    In the cards' file, `add` refuses an adjustment of a deleted or closed card in its
    own transaction, and deleting or purging a card removes its adjustments in the
    card's transaction.

    >>> import tempfile, pathlib, pendulum
    >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
    >>> with SQLiteAdjustments(pathlib.Path(tempfile.mkdtemp()) / "cards.sqlite3") as store:
    ...     store.add(Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss"))
    ...     [a.value for a in store.for_cards(["c1"])], store.delete_for(["c1"])
    ([Decimal('2')], 1)
    """

    def add(self, adjustment: Adjustment) -> None:
        """See `AdjustmentStore.add`."""
        item = checked(adjustment)
        document = _text_column(codec.dumps(item), what=f"adjustment {item.id!r}")
        with self._db.transaction() as db:
            if db.execute("SELECT 1 FROM adjustments WHERE id = ?", (item.id,)).fetchone():
                raise adjustment_taken(item.id)
            _refuse_deleted(db, item.card_id)
            _refuse_closed(db, item.card_id)
            db.execute(
                "INSERT INTO adjustments (id, card_id, document) VALUES (?, ?, ?)", (item.id, item.card_id, document)
            )

    def for_cards(self, card_ids: Iterable[str]) -> tuple[Adjustment, ...]:
        """See `AdjustmentStore.for_cards`."""
        ids = _ids_json(card_ids)
        if ids == "[]":
            return ()
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT id, document FROM adjustments WHERE card_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
                (ids,),
            ).fetchall()
        return tuple(_load(document, Adjustment, f"adjustment {adjustment_id!r}") for adjustment_id, document in rows)

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `AdjustmentStore.delete_for`."""
        with self._db.transaction() as db:
            return db.execute(
                "DELETE FROM adjustments WHERE card_id IN (SELECT value FROM json_each(?))", (_ids_json(card_ids),)
            ).rowcount
