"""SQLite ports (stdlib `sqlite3`): cards and manual values in one file or two.

Cards are stored as versioned JSON documents (`scorekit.codec`) beside the columns
that queries and rules need.  Every statement is parameterized; every write is one
``BEGIN IMMEDIATE`` transaction, so a failed batch leaves the file as it was.  A
UNIQUE rule on (series, period start) makes rollover idempotent even when two
processes run it at once.  The file is in WAL mode with foreign keys on, and a
``schema_version`` table records the layout.

Each operation opens its own connection, so one instance may be shared between
threads; use a file path (``":memory:"`` would be a new, empty database each time).

>>> import tempfile, pathlib
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cards.sqlite3"
>>> repo = SQLiteScorecards(path)
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> _ = repo.add(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)]))
>>> repo.get("c1").period == c.period(0)
True
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Final

from scorekit import codec
from scorekit.adapters._sql import instant_text
from scorekit.adapters._sqlite_records import SQLiteRecordsSource
from scorekit.errors import CardNotFound, ConflictError, InvalidDocument
from scorekit.measurement import ManualEntry
from scorekit.scorecard import Scorecard, Team, User

__all__ = ["SQLiteManualValues", "SQLiteRecordsSource", "SQLiteScorecards", "instant_text"]

SCHEMA_VERSION: Final = 1

_CARDS_SCHEMA: Final = """
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
"""

_MANUAL_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS manual_entries (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id  TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manual_entries_by_card ON manual_entries (card_id, seq);
"""


class _Database:
    """One SQLite file: connections, transactions and the schema version of one component."""

    def __init__(self, path: str | os.PathLike[str], component: str, schema: str) -> None:
        self.path = os.fspath(path)
        with self.transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            row = db.execute("SELECT version FROM schema_version WHERE component = ?", (component,)).fetchone()
            if row is not None and row[0] != SCHEMA_VERSION:
                msg = f"{self.path} holds {component} schema version {row[0]}; this scorekit reads version {SCHEMA_VERSION}"
                raise InvalidDocument(msg)
            for statement in schema.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO schema_version (component, version) VALUES (?, ?)", (component, SCHEMA_VERSION)
            )
        with contextlib.closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed if the block ends normally, rolled back otherwise."""
        with contextlib.closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (one consistent snapshot per statement)."""
        with contextlib.closing(self._connect()) as db:
            yield db


def _owner_columns(card: Scorecard) -> tuple[str, str]:
    return ("team" if isinstance(card.owner, Team) else "user", card.owner.id)


class SQLiteScorecards:
    """A `ScorecardRepository` on a SQLite file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._db = _Database(path, "cards", _CARDS_SCHEMA)

    @property
    def path(self) -> str:
        """The database file."""
        return self._db.path

    def get(self, card_id: str) -> Scorecard:
        """See `ScorecardRepository.get`."""
        with self._db.reading() as db:
            row = db.execute("SELECT document FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise CardNotFound.for_id(card_id)
        return codec.loads(row[0], Scorecard)

    def add(self, card: Scorecard) -> Scorecard:
        """See `ScorecardRepository.add`."""
        return self.add_many((card,))[0]

    def add_many(self, cards: Sequence[Scorecard]) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.add_many`."""
        items = tuple(cards)
        with self._db.transaction() as db:
            for card in items:
                self._insert(db, card)
        return items

    def _insert(self, db: sqlite3.Connection, card: Scorecard) -> None:
        kind, owner_id = _owner_columns(card)
        try:
            db.execute(
                "INSERT INTO cards (id, series, period_start, owner_kind, owner_id, version, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    card.id,
                    card.series_id,
                    card.period.start.isoformat(),
                    kind,
                    owner_id,
                    card.version,
                    codec.dumps(card),
                ),
            )
        except sqlite3.IntegrityError:
            if db.execute("SELECT 1 FROM cards WHERE id = ?", (card.id,)).fetchone():
                raise ConflictError.id_taken(card.id) from None
            raise ConflictError.period_taken(card.series_id, card.period.start) from None
        db.executemany(
            "INSERT INTO card_subjects (card_id, subject) VALUES (?, ?)", [(card.id, s) for s in sorted(card.subjects)]
        )

    def update(self, card: Scorecard, expected_version: int) -> Scorecard:
        """See `ScorecardRepository.update`."""
        return self.update_many(((card, expected_version),))[0]

    def update_many(self, changes: Sequence[tuple[Scorecard, int]]) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.update_many`."""
        stored = []
        with self._db.transaction() as db:
            for card, expected in changes:
                row = db.execute("SELECT version FROM cards WHERE id = ?", (card.id,)).fetchone()
                if row is None:
                    raise CardNotFound.for_id(card.id)
                if row[0] != expected:
                    raise ConflictError.stale(card.id, stored=row[0], expected=expected)
                new = card.evolve(version=expected + 1)
                db.execute("DELETE FROM cards WHERE id = ?", (card.id,))
                self._insert(db, new)
                stored.append(new)
        return tuple(stored)

    def delete(self, card_id: str) -> None:
        """See `ScorecardRepository.delete`."""
        self.delete_many((card_id,))

    def delete_many(self, card_ids: Collection[str]) -> int:
        """See `ScorecardRepository.delete_many`."""
        ids = list(dict.fromkeys(card_ids))
        with self._db.transaction() as db:
            for card_id in ids:
                if db.execute("DELETE FROM cards WHERE id = ?", (card_id,)).rowcount != 1:
                    raise CardNotFound.for_id(card_id)
        return len(ids)

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.find`."""
        clauses, parameters = [], []
        if owner is not None:
            clauses.append("owner_kind = ? AND owner_id = ?")
            parameters += ["team" if isinstance(owner, Team) else "user", owner.id]
        if subject is not None:
            clauses.append("id IN (SELECT card_id FROM card_subjects WHERE subject = ?)")
            parameters.append(subject)
        if series is not None:
            clauses.append("series = ?")
            parameters.append(series)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._db.reading() as db:
            rows = db.execute(f"SELECT document FROM cards {where} ORDER BY id", parameters).fetchall()  # noqa: S608 - only fixed clauses are joined
        cards = [codec.loads(row[0], Scorecard) for row in rows]
        if owner is not None:
            cards = [c for c in cards if c.owner == owner]  # a team's members must match too
        return tuple(cards)


class SQLiteManualValues:
    """A `ManualValueStore` on a SQLite file (it may be the cards' file)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._db = _Database(path, "manual_values", _MANUAL_SCHEMA)

    def append(self, entry: ManualEntry) -> None:
        """See `ManualValueStore.append`."""
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO manual_entries (card_id, document) VALUES (?, ?)", (entry.card_id, codec.dumps(entry))
            )

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """See `ManualValueStore.entries`."""
        ids = list(dict.fromkeys(card_ids))
        if not ids:
            return ()
        with self._db.reading() as db:
            db.execute("CREATE TEMP TABLE wanted (card_id TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO wanted (card_id) VALUES (?)", [(i,) for i in ids])
            rows = db.execute(
                "SELECT document FROM manual_entries WHERE card_id IN (SELECT card_id FROM wanted) ORDER BY seq"
            ).fetchall()
        return tuple(codec.loads(row[0], ManualEntry) for row in rows)
