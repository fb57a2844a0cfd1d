"""PostgreSQL ports (psycopg 3 and psycopg_pool; ``pip install 'scorekit[postgres]'``).

`PostgresScorecards`, `PostgresManualValues`, `PostgresAdjustments` and `PostgresSnapshots` keep scorekit's
tables in their own schema (``scorekit`` unless told), created on first use with a
``schema_version`` row and upgraded in one transaction; opening a current schema
writes nothing.  Cards are stored as codec documents (`scorekit.codec`) beside the
columns that queries and rules need.  The database enforces the rules, not a
read-then-write in Python: a unique index on (series, period start) makes rollover
idempotent, and an update is ``UPDATE ... WHERE id = %s AND version = %s``, so of
two editors holding the same version exactly one wins.  Every write is one
transaction of one or a few round trips; lock waits longer than `busy_timeout`
seconds raise `StorageBusy`, anything else the database reports `StorageError`.

`PostgresRecordsSource` is a `MetricSource` over the host's own records table,
answering a whole batch with one query.

Each adapter takes a libpq connection string (it then keeps a small pool of its
own: call `close()`, or use it as a context manager) or a host's
`psycopg_pool.ConnectionPool` (shared, and left open).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from scorekit import codec
from scorekit.adapters._adjustments import adjustment_taken, checked, refuse_missed_adjustments
from scorekit.adapters._postgres_db import MAX_IDENTIFIER_BYTES, Connections, Database, pg_errors, psycopg
from scorekit.adapters._postgres_records import PostgresRecordsSource
from scorekit.adapters._rules import card_id as _card_id
from scorekit.adapters._rules import distinct_ids, expected_version, filter_text, refuse_later_entries
from scorekit.adapters._sql import (
    Closing,
    DecodedCards,
    card_rows,
    quote_identifier,
)
from scorekit.adjustment import Adjustment
from scorekit.errors import CardNotFound, ConflictError, StorageError
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import ManualEntry
from scorekit.period import Date, as_date
from scorekit.ports import CardRow
from scorekit.scorecard import Scorecard, Team, User

__all__ = [
    "SCHEMA_VERSION",
    "PostgresAdjustments",
    "PostgresManualValues",
    "PostgresRecordsSource",
    "PostgresScorecards",
    "PostgresSnapshots",
]

SCHEMA_VERSION: Final = 1
"""The layout of scorekit's tables that this version reads and writes."""


@attrs.frozen
class _Patch:
    """Columns a layout gained while 0.2 was being written (it is unreleased, so its version stayed).

    Applied, in the same transaction as the tables are created or on the first open of
    a schema that lacks `column` in `table`, by `statements`.
    """

    table: str
    column: str
    statements: tuple[str, ...]


_HAS_COLUMN: Final = (
    "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s AND column_name = %s"
)


class _Schema:
    """scorekit's tables in one PostgreSQL schema: created on first use, checked every time."""

    def __init__(
        self, db: Database, schema: str, component: str, ddl: Sequence[str], patch: _Patch | None = None
    ) -> None:
        self.name = quote_identifier(schema, max_bytes=MAX_IDENTIFIER_BYTES)
        self.schema = schema
        self.component = component
        self.patch = patch
        version, patched = self._stored_version(db)
        if version == SCHEMA_VERSION and patched:
            return  # a current schema: nothing is written
        with db.transaction(f"creating {component} tables in schema {schema!r}") as conn:
            # One creator at a time, and a second look once we hold the lock.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('scorekit schema ' || %s))", (schema,))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.name}")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.name}.schema_version (component text PRIMARY KEY, version integer NOT NULL)"
            )
            row = conn.execute(
                f"SELECT version FROM {self.name}.schema_version WHERE component = %s",
                (component,),
            ).fetchone()
            if row is None:
                for statement in ddl:
                    conn.execute(statement.format(schema=self.name))
                conn.execute(
                    f"INSERT INTO {self.name}.schema_version (component, version) VALUES (%s, %s)",
                    (component, SCHEMA_VERSION),
                )
            elif row[0] != SCHEMA_VERSION:
                raise self._wrong_version(row[0])
            if self.patch is not None and self._unpatched(conn):
                for statement in self.patch.statements:
                    conn.execute(statement.format(schema=self.name))

    def _unpatched(self, conn: psycopg.Connection[Any]) -> bool:
        """Whether the component's table lacks the columns its patch adds."""
        if self.patch is None:
            return False
        return conn.execute(_HAS_COLUMN, (self.schema, self.patch.table, self.patch.column)).fetchone() is None

    def _stored_version(self, db: Database) -> tuple[int | None, bool]:
        """The component's layout version (None: no tables yet) and whether its patch is applied."""
        with db.reading(f"opening schema {self.schema!r}") as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.schema,)
                )
            }
            if "schema_version" not in tables:
                if tables:
                    msg = (
                        f"schema {self.schema!r} holds tables ({', '.join(sorted(tables)[:5])}) but no scorekit "
                        f"schema_version table: it is not a scorekit schema; give scorekit a schema of its own"
                    )
                    raise StorageError(msg)
                return None, False
            # One read for both: opening a current schema costs two statements.
            patch = self.patch or _Patch("schema_version", "version", ())
            row = conn.execute(
                f"SELECT version, EXISTS ({_HAS_COLUMN}) FROM {self.name}.schema_version WHERE component = %s",
                (self.schema, patch.table, patch.column, self.component),
            ).fetchone()
        if row is not None and row[0] != SCHEMA_VERSION:
            raise self._wrong_version(row[0])
        return (None, False) if row is None else (int(row[0]), bool(row[1]))

    def _wrong_version(self, version: int) -> StorageError:
        return StorageError(
            f"schema {self.schema!r} holds {self.component} tables of layout version {version}; "
            f"this scorekit reads version {SCHEMA_VERSION}"
        )


class _Adapter(Closing):
    """What every PostgreSQL adapter shares: its database, its schema, `close`."""

    _db: Database
    _component: str
    _ddl: Sequence[str]
    _patch: _Patch | None = None

    def __init__(self, conninfo_or_pool: Connections, *, schema: str = "scorekit", busy_timeout: float = 5) -> None:
        self._db = Database(conninfo_or_pool, busy_timeout)
        try:
            self._schema = _Schema(self._db, schema, self._component, self._ddl, self._patch)
        except BaseException:
            self._db.close()
            raise
        self._s = self._schema.name
        self._found: set[str] = set()

    def _has(self, conn: psycopg.Connection[Any], table: str) -> bool:
        """Whether scorekit's `table` is in this schema: another adapter's, sharing the database with this one.

        Once found it is remembered (a table is never dropped); a schema without it is asked again each time.
        """
        if table not in self._found:
            row = conn.execute("SELECT to_regclass(%s)", (f"{self._s}.{table}",)).fetchone()
            if row is None or row[0] is None:
                return False
            self._found.add(table)
        return True

    def _lock_cards(
        self, conn: psycopg.Connection[Any], card_ids: Sequence[str], *, share: bool = False
    ) -> dict[str, bool]:
        """Lock the rows of these cards (in id order, so two writers never deadlock): whether each is deleted, by id.

        Cards not in this schema's cards table (it has none, or they live in another database) are left out.
        """
        if not self._has(conn, "cards"):
            return {}
        mode = "SHARE" if share else "UPDATE"
        rows = conn.execute(
            f'SELECT id, deleted FROM {self._s}.cards WHERE id = ANY(%s) ORDER BY id COLLATE "C" FOR {mode}',
            (list(card_ids),),
        ).fetchall()
        return dict(rows)

    def _refuse_unknown(self, conn: psycopg.Connection[Any], card_id: str, found: Mapping[str, bool]) -> None:
        """`ConflictError` if the card (locked in `found`) was deleted; `CardNotFound` if this schema holds cards but not it.

        A card purged meanwhile is no card here.  A schema without any card (the cards live
        in another database) cannot tell, and lets it be.
        """
        if card_id in found:
            if found[card_id]:
                raise ConflictError.deleted(card_id)
            return
        if self._has(conn, "cards") and conn.execute(f"SELECT 1 FROM {self._s}.cards LIMIT 1").fetchone():
            raise CardNotFound.for_id(card_id)

    def _closed_among(self, conn: psycopg.Connection[Any], card_ids: Sequence[str]) -> set[str]:
        """Those of `card_ids` with a closed score in this schema: read after their rows are locked, so it is current."""
        if not card_ids or not self._has(conn, "closed_scores"):
            return set()
        rows = conn.execute(
            f"SELECT card_id FROM {self._s}.closed_scores WHERE card_id = ANY(%s)", (list(card_ids),)
        ).fetchall()
        return {row[0] for row in rows}

    def _refuse_closed(self, conn: psycopg.Connection[Any], card_ids: Sequence[str]) -> None:
        closed = self._closed_among(conn, card_ids)
        if closed:
            raise ConflictError.closed(min(closed))

    def _forget_data(self, conn: psycopg.Connection[Any], card_ids: Sequence[str]) -> None:
        """Remove these cards' manual entries, adjustments and closed scores, where this schema holds them."""
        if not card_ids:
            return
        for table in ("manual_entries", "adjustments", "closed_scores"):
            if self._has(conn, table):
                conn.execute(f"DELETE FROM {self._s}.{table} WHERE card_id = ANY(%s)", (list(card_ids),))

    @property
    def schema(self) -> str:
        """The schema scorekit's tables are in."""
        return self._schema.schema


_CARDS_DDL: Final = (
    # Deleted cards stay (deleted = true): their ids are retired for good, their last card is kept.
    """CREATE TABLE {schema}.cards (
        id           text PRIMARY KEY,
        series       text NOT NULL,
        period_start date NOT NULL,
        period_end   date NOT NULL,
        owner_kind   text NOT NULL CHECK (owner_kind IN ('user', 'team')),
        owner_id     text NOT NULL,
        subjects     text[] NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        deleted      boolean NOT NULL DEFAULT false,
        document     text NOT NULL
    )""",
    # One stored card per (series, period start), checked at commit so a batch may swap periods.
    """ALTER TABLE {schema}.cards ADD CONSTRAINT cards_one_per_series_period
        EXCLUDE USING btree (series WITH =, period_start WITH =) WHERE (NOT deleted)
        DEFERRABLE INITIALLY DEFERRED""",
    "CREATE INDEX cards_by_owner ON {schema}.cards (owner_id, owner_kind) WHERE NOT deleted",
    "CREATE INDEX cards_by_subject ON {schema}.cards USING gin (subjects) WHERE NOT deleted",
    "CREATE INDEX cards_by_period ON {schema}.cards (period_start, period_end) WHERE NOT deleted",
    """CREATE TABLE {schema}.card_revisions (
        seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        card_id  text NOT NULL REFERENCES {schema}.cards (id) ON DELETE CASCADE,
        version  integer NOT NULL,
        deleted  boolean NOT NULL,
        change   text NOT NULL,
        document text NOT NULL
    )""",
    "CREATE INDEX card_revisions_by_card ON {schema}.card_revisions (card_id, seq)",
)

_CARDS_INDEX: Final = _Patch(
    "cards",
    "rollover",
    (
        "ALTER TABLE {schema}.cards ADD COLUMN timezone text, ADD COLUMN rollover boolean",
        # Read by the server from each stored document once, here; no card is decoded.
        (
            "UPDATE {schema}.cards SET timezone = COALESCE(document::jsonb ->> 'timezone', 'UTC'),"
            " rollover = COALESCE((document::jsonb ->> 'rollover')::boolean, false)"
        ),
        "ALTER TABLE {schema}.cards ALTER COLUMN timezone SET NOT NULL, ALTER COLUMN rollover SET NOT NULL",
        (
            'CREATE INDEX cards_index ON {schema}.cards (id COLLATE "C")'
            " INCLUDE (series, period_start, period_end, timezone, rollover) WHERE NOT deleted"
        ),
    ),
)
"""The columns `index()` reads (with a covering index), so roll_over and close decode no document to find their work."""

_CACHE_SIZE: Final = 100_000
"""Decoded cards a `PostgresScorecards` keeps (by document text): a dashboard's worth, and then some."""

_CONFLICTS: Final = (pg_errors.UniqueViolation, pg_errors.ExclusionViolation)


def _row(card: Scorecard, change: str) -> dict[str, object]:
    return {
        "id": card.id,
        "series": card.series_id,
        "period_start": _dt.date.fromordinal(card.period.start.toordinal()),
        "period_end": _dt.date.fromordinal(card.period.end.toordinal()),
        "owner_kind": "team" if isinstance(card.owner, Team) else "user",
        "owner_id": card.owner.id,
        "timezone": card.timezone,
        "rollover": card.rollover,
        "subjects": sorted(card.subjects),
        "version": card.version,
        "document": codec.dumps(card),
        "change": change,
    }


def _change(value: object) -> str:
    if not isinstance(value, Change):
        msg = f"a write needs change=Change(actor_id, at, reason), got {value!r}"
        raise TypeError(msg)
    return codec.dumps(value)


class PostgresScorecards(_Adapter):
    """A `ScorecardRepository` in PostgreSQL, with every stored version kept (`history`).

    >>> import os, pendulum
    >>> if not os.environ.get("SCOREKIT_POSTGRES"):
    ...     import pytest; pytest.skip("SCOREKIT_POSTGRES is not set")
    >>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> change = Change("boss", pendulum.datetime(2024, 1, 2, tz="UTC"), "new target")
    >>> import psycopg
    >>> with psycopg.connect(os.environ["SCOREKIT_POSTGRES"], autocommit=True) as conn:
    ...     _ = conn.execute("DROP SCHEMA IF EXISTS scorekit_doctest CASCADE")
    >>> with PostgresScorecards(os.environ["SCOREKIT_POSTGRES"], schema="scorekit_doctest") as repo:
    ...     card = repo.add(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)]), change=change)
    ...     repo.update(card.evolve(name="January"), expected_version=1, change=change).version
    ...     [(r.version, r.change.reason) for r in repo.history("c1")]
    2
    [(1, 'new target'), (2, 'new target')]
    """

    _component = "cards"
    _ddl = _CARDS_DDL
    _patch = _CARDS_INDEX

    def __init__(self, conninfo_or_pool: Connections, *, schema: str = "scorekit", busy_timeout: float = 5) -> None:
        super().__init__(conninfo_or_pool, schema=schema, busy_timeout=busy_timeout)
        # Decoding a card document costs far more than reading it, and a dashboard reads the same
        # documents again and again: cards are kept by their document text.
        self._decoded = DecodedCards(size=_CACHE_SIZE).decode

    def get(self, card_id: str) -> Scorecard:
        """See `ScorecardRepository.get`."""
        with self._db.reading(f"reading card {card_id!r}") as conn:
            row = conn.execute(
                f"SELECT document FROM {self._s}.cards WHERE id = %s AND NOT deleted", (_card_id(card_id),)
            ).fetchone()
        if row is None:
            raise CardNotFound.for_id(card_id)
        return self._decoded(row[0])

    def add(self, card: Scorecard, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.add`."""
        return self.add_many((card,), change=change)[0]

    def add_many(self, cards: Sequence[Scorecard], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.add_many`: one transaction, the inserts sent in one pipeline."""
        given = _change(change)
        items = tuple(cards)
        if not items:
            return ()
        _check_distinct(items)
        try:
            with self._db.transaction("adding cards") as conn:
                self._insert(conn, items, given)
        except StorageError as error:
            if isinstance(error.__cause__, _CONFLICTS):
                raise self._taken(items) from None
            raise
        return items

    def _insert(self, conn: psycopg.Connection[Any], items: Sequence[Scorecard], given: str) -> None:
        s = self._s
        sql = (
            f"WITH added AS (INSERT INTO {s}.cards"
            " (id, series, period_start, period_end, timezone, rollover, owner_kind, owner_id, subjects, version,"
            " document) VALUES (%(id)s, %(series)s, %(period_start)s, %(period_end)s, %(timezone)s, %(rollover)s,"
            " %(owner_kind)s, %(owner_id)s, %(subjects)s, %(version)s, %(document)s) RETURNING id, version, document)"
            f" INSERT INTO {s}.card_revisions (card_id, version, deleted, change, document)"
            " SELECT id, version, false, %(change)s, document FROM added"
        )
        conn.cursor().executemany(sql, [_row(card, given) for card in items])

    def add_next(self, previous: Scorecard, card: Scorecard, *, change: Change) -> Scorecard:
        """See `scorekit.ports.CardSteps.add_next`: `previous` is locked, checked and the card added in one transaction."""
        given = _change(change)
        try:
            with self._db.transaction("rolling over a card") as conn:
                found = self._lock_cards(conn, [previous.id], share=True)
                if previous.id not in found:
                    raise CardNotFound.for_id(previous.id)
                if found[previous.id]:
                    raise ConflictError.deleted(previous.id)
                self._insert(conn, (card,), given)
        except StorageError as error:
            if isinstance(error.__cause__, _CONFLICTS):
                raise self._taken((card,)) from None
            raise
        return card

    def _taken(self, cards: Sequence[Scorecard]) -> ConflictError:
        """Which card of a refused batch clashed (read after the rollback, only to name it)."""
        with self._db.reading("naming a conflict") as conn:
            found = dict(
                conn.execute(
                    f"SELECT id, deleted FROM {self._s}.cards WHERE id = ANY(%s)", ([c.id for c in cards],)
                ).fetchall()
            )
            for card in cards:
                if card.id in found:
                    return ConflictError.id_retired(card.id) if found[card.id] else ConflictError.id_taken(card.id)
            slots = conn.execute(
                f"SELECT id, series, period_start FROM {self._s}.cards WHERE NOT deleted AND series = ANY(%s)",
                ([c.series_id for c in cards],),
            ).fetchall()
        taken = {(series, start): card_id for card_id, series, start in slots}
        for card in cards:
            other = taken.get((card.series_id, _dt.date.fromordinal(card.period.start.toordinal())))
            if other is not None and other != card.id:
                return ConflictError.period_taken(card.series_id, card.period.start)
        # The clash was with a card of this very batch (an update swapping periods) or is gone again.
        return ConflictError.period_taken(cards[0].series_id, cards[0].period.start)

    def update(self, card: Scorecard, expected_version: int, *, change: Change) -> Scorecard:
        """See `ScorecardRepository.update`."""
        return self.update_many(((card, expected_version),), change=change)[0]

    def update_many(self, changes: Sequence[tuple[Scorecard, int]], *, change: Change) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.update_many`: each row is replaced only if its version is the expected one.

        The rows are updated in id order (so two batches never deadlock), each with
        ``UPDATE ... WHERE id = %s AND version = %s`` and its revision in the same statement.
        """
        given = _change(change)
        items = [(card.evolve(version=expected_version(card.id, expected) + 1), expected) for card, expected in changes]
        if not items:
            return ()
        sql = _update_sql(self._s)
        ordered = sorted(items, key=lambda item: item[0].id)  # stable: one card's changes keep their order
        try:
            with self._db.transaction("updating cards") as conn:
                self._lock_cards(conn, sorted({card.id for card, _ in ordered}))
                self._refuse_closed(conn, [card.id for card, _ in ordered])
                cursor = conn.cursor()
                cursor.executemany(
                    sql, [_row(card, given) | {"expected": expected} for card, expected in ordered], returning=True
                )
                for card, expected in ordered:
                    if cursor.fetchone() is None:
                        raise self._not_updated(conn, card.id, expected)
                    cursor.nextset()
        except StorageError as error:
            if isinstance(error.__cause__, _CONFLICTS):
                raise self._taken([card for card, _ in items]) from None
            raise
        return tuple(card for card, _ in items)

    def _not_updated(self, conn: psycopg.Connection[Any], card_id: str, expected: int) -> Exception:
        row = conn.execute(f"SELECT version FROM {self._s}.cards WHERE id = %s AND NOT deleted", (card_id,)).fetchone()
        if row is None:
            return CardNotFound.for_id(card_id)
        return ConflictError.stale(card_id, stored=row[0], expected=expected)

    def delete(self, card_id: str, *, change: Change) -> None:
        """See `ScorecardRepository.delete`."""
        self.delete_many((card_id,), change=change)

    def delete_many(self, card_ids: Collection[str], *, change: Change) -> int:
        """See `ScorecardRepository.delete_many`: the cards, their entries and closed scores go in one transaction."""
        given = _change(change)
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction("deleting cards") as conn:
            found = self._lock_cards(conn, sorted(ids))
            missing = [card_id for card_id in ids if found.get(card_id, True)]
            if missing:
                raise CardNotFound.for_id(missing[0])
            self._refuse_closed(conn, ids)
            self._remove(conn, ids, given)
        return len(ids)

    def _remove(self, conn: psycopg.Connection[Any], ids: Sequence[str], given: str) -> None:
        """Mark these locked, stored cards deleted, record the deletions, and remove their entries and closed scores."""
        s = self._s
        conn.execute(
            f"WITH gone AS (UPDATE {s}.cards SET deleted = true WHERE id = ANY(%s) AND NOT deleted"
            " RETURNING id, version, document)"
            f" INSERT INTO {s}.card_revisions (card_id, version, deleted, change, document)"
            " SELECT id, version, true, %s, document FROM gone",
            (list(ids), given),
        )
        self._forget_data(conn, ids)

    def reopen(self, card_id: str, *, change: Change) -> tuple[Scorecard, ClosedScore]:
        """See `scorekit.ports.CardSteps.reopen`: the revision and the closed score's removal are one transaction."""
        given = _change(change)
        with self._db.transaction(f"reopening card {card_id!r}") as conn:
            if self._lock_cards(conn, [card_id]).get(card_id, True):
                raise CardNotFound.for_id(card_id)
            if not self._has(conn, "closed_scores"):
                raise CardNotFound.not_closed(card_id)
            removed = conn.execute(
                f"DELETE FROM {self._s}.closed_scores WHERE card_id = %s RETURNING document", (card_id,)
            ).fetchone()
            if removed is None:
                raise CardNotFound.not_closed(card_id)
            row = conn.execute(f"SELECT document, version FROM {self._s}.cards WHERE id = %s", (card_id,)).fetchone()
            assert row is not None  # locked above  # noqa: S101
            new = self._decoded(row[0]).evolve(version=row[1] + 1)
            conn.execute(_update_sql(self._s), _row(new, given) | {"expected": row[1]})
        return new, codec.loads(removed[0], ClosedScore)

    def delete_owned(
        self, user_id: str, *, change: Change, keep: Collection[str] = (), closed: bool = False, purge: bool = False
    ) -> tuple[str, ...]:
        """See `scorekit.ports.CardSteps.delete_owned`: one transaction; deleted cards keep their owner's columns."""
        given = _change(change)
        s = self._s
        with self._db.transaction(f"deleting the cards of user {user_id!r}") as conn:
            owned = [
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM {s}.cards WHERE owner_kind = 'user' AND owner_id = %s AND NOT deleted"
                    ' AND NOT (id = ANY(%s)) ORDER BY id COLLATE "C" FOR UPDATE',
                    (user_id, list(keep)),
                )
            ]
            if not closed:  # read after the rows are locked: a close that got there first is seen
                kept = self._closed_among(conn, owned)
                owned = [card_id for card_id in owned if card_id not in kept]
            self._remove(conn, owned, given)
            if purge:
                gone = [
                    row[0]
                    for row in conn.execute(
                        f"DELETE FROM {s}.cards WHERE owner_kind = 'user' AND owner_id = %s AND deleted RETURNING id",
                        (user_id,),
                    )
                ]  # their revisions cascade
                self._forget_data(conn, gone)
        return tuple(owned)

    def history(self, card_id: str) -> tuple[Revision, ...]:
        """See `ScorecardRepository.history`."""
        with self._db.reading(f"reading the history of card {card_id!r}") as conn:
            rows = conn.execute(
                f"SELECT document, change, deleted FROM {self._s}.card_revisions WHERE card_id = %s ORDER BY seq",
                (_card_id(card_id),),
            ).fetchall()
        if not rows:
            raise CardNotFound.never_seen(card_id)
        return tuple(
            Revision(self._decoded(document), codec.loads(change, Change), deleted)
            for document, change, deleted in rows
        )

    def purge(self, card_ids: Collection[str]) -> int:
        """See `ScorecardRepository.purge`: the deleted cards and their revisions go, in one transaction."""
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction("purging cards") as conn:
            found = dict(
                conn.execute(
                    f"SELECT id, deleted FROM {self._s}.cards WHERE id = ANY(%s) FOR UPDATE", (ids,)
                ).fetchall()
            )
            for card_id in ids:
                if card_id not in found:
                    raise CardNotFound.never_seen(card_id)
                if not found[card_id]:
                    raise ConflictError.not_deleted(card_id)
            conn.execute(f"DELETE FROM {self._s}.cards WHERE id = ANY(%s)", (ids,))  # revisions cascade
            self._forget_data(conn, ids)
        return len(ids)

    def index(self) -> tuple[CardRow, ...]:
        """See `scorekit.ports.CardIndex`: from the columns of the covering index ``cards_index``."""
        with self._db.reading("reading the card index") as conn:
            rows = conn.execute(
                f"SELECT id, series, period_start, period_end, timezone, rollover FROM {self._s}.cards"
                ' WHERE NOT deleted ORDER BY id COLLATE "C"'
            ).fetchall()
        return card_rows(rows)

    def find(
        self,
        *,
        owner: User | Team | None = None,
        subject: str | None = None,
        series: str | None = None,
        active_on: Date | None = None,
        owner_id: str | None = None,
    ) -> tuple[Scorecard, ...]:
        """See `ScorecardRepository.find`: every filter is answered by an index."""
        for name, value in (("subject", subject), ("series", series), ("owner_id", owner_id)):
            filter_text(name, value)
        clauses: list[str] = ["NOT deleted"]
        parameters: list[object] = []
        if owner is not None:
            clauses.append("owner_id = %s AND owner_kind = %s")
            parameters += [owner.id, "team" if isinstance(owner, Team) else "user"]
        if owner_id is not None:
            clauses.append("owner_id = %s")
            parameters.append(owner_id)
        if subject is not None:
            clauses.append("subjects @> ARRAY[%s]::text[]")
            parameters.append(subject)
        if series is not None:
            clauses.append("series = %s")
            parameters.append(series)
        if active_on is not None:
            day = as_date(active_on, name="active_on")
            clauses.append("period_start <= %s AND %s < period_end")
            parameters += [_dt.date.fromordinal(day.toordinal())] * 2
        with self._db.reading("finding cards") as conn:
            rows = conn.execute(
                f'SELECT document FROM {self._s}.cards WHERE {" AND ".join(clauses)} ORDER BY id COLLATE "C"',
                parameters,
            ).fetchall()
        decoded = self._decoded
        cards = [decoded(row[0]) for row in rows]
        if owner is not None:
            cards = [c for c in cards if c.owner == owner]  # a team's members must match too
        return tuple(cards)


def _update_sql(s: str) -> str:
    """One card's update and its revision in one statement, if the stored version is the expected one."""
    return (
        f"WITH changed AS (UPDATE {s}.cards SET series = %(series)s, period_start = %(period_start)s,"
        " period_end = %(period_end)s, timezone = %(timezone)s, rollover = %(rollover)s,"
        " owner_kind = %(owner_kind)s, owner_id = %(owner_id)s,"
        " subjects = %(subjects)s, version = %(version)s, document = %(document)s"
        " WHERE id = %(id)s AND version = %(expected)s AND NOT deleted RETURNING id, version, document)"
        f" INSERT INTO {s}.card_revisions (card_id, version, deleted, change, document)"
        " SELECT id, version, false, %(change)s, document FROM changed RETURNING card_id"
    )


def _check_distinct(cards: Sequence[Scorecard]) -> None:
    ids: set[str] = set()
    slots: set[tuple[str, Date]] = set()
    for card in cards:
        if card.id in ids:
            raise ConflictError.id_taken(card.id)
        if (card.series_id, card.period.start) in slots:
            raise ConflictError.period_taken(card.series_id, card.period.start)
        ids.add(card.id)
        slots.add((card.series_id, card.period.start))


_MANUAL_DDL: Final = (
    """CREATE TABLE {schema}.manual_entries (
        seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        card_id  text NOT NULL,
        document text NOT NULL
    )""",
    "CREATE INDEX manual_entries_by_card ON {schema}.manual_entries (card_id, seq)",
)


class PostgresManualValues(_Adapter):
    """A `ManualValueStore` in PostgreSQL (append-only; `delete_for` when cards are deleted).

    >>> import os, pendulum, psycopg
    >>> if not os.environ.get("SCOREKIT_POSTGRES"):
    ...     import pytest; pytest.skip("SCOREKIT_POSTGRES is not set")
    >>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
    >>> with psycopg.connect(os.environ["SCOREKIT_POSTGRES"], autocommit=True) as conn:
    ...     _ = conn.execute("DROP SCHEMA IF EXISTS scorekit_doctest_manual CASCADE")
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c7", User("ann"), c, c.period(0), [Parameter("nps", 50, 100)])
    >>> with PostgresScorecards(os.environ["SCOREKIT_POSTGRES"], schema="scorekit_doctest_manual") as repo:
    ...     _ = repo.add(card, change=Change("boss", pendulum.datetime(2024, 1, 2, tz="UTC")))
    >>> with PostgresManualValues(os.environ["SCOREKIT_POSTGRES"], schema="scorekit_doctest_manual") as store:
    ...     store.append(ManualEntry("c7", "nps", 42, pendulum.datetime(2024, 1, 5, tz="UTC"), "ann"))
    ...     [e.value for e in store.entries(["c7"])]
    [Decimal('42')]
    """

    _component = "manual_values"
    _ddl = _MANUAL_DDL

    def append(self, entry: ManualEntry) -> None:
        """See `ManualValueStore.append`."""
        given: object = entry
        if not isinstance(given, ManualEntry):
            msg = f"expected a ManualEntry, got {given!r}"
            raise TypeError(msg)
        with self._db.transaction("recording a manual value") as conn:
            # the card's row is shared-locked: a close or a delete under way finishes first, and is then seen
            self._refuse_unknown(conn, entry.card_id, self._lock_cards(conn, [entry.card_id], share=True))
            self._refuse_closed(conn, [entry.card_id])
            conn.execute(
                f"INSERT INTO {self._s}.manual_entries (card_id, document) VALUES (%s, %s)",
                (entry.card_id, codec.dumps(entry)),
            )

    def entries(self, card_ids: Iterable[str]) -> tuple[ManualEntry, ...]:
        """See `ManualValueStore.entries`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return ()
        with self._db.reading("reading manual values") as conn:
            rows = conn.execute(
                f"SELECT document FROM {self._s}.manual_entries WHERE card_id = ANY(%s) ORDER BY seq",
                (ids,),
            ).fetchall()
        return tuple(codec.loads(row[0], ManualEntry) for row in rows)

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `ManualValueStore.delete_for`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction("deleting manual values") as conn:
            return conn.execute(
                f"DELETE FROM {self._s}.manual_entries WHERE card_id = ANY(%s)",
                (ids,),
            ).rowcount


_SNAPSHOTS_DDL: Final = (
    """CREATE TABLE {schema}.closed_scores (
        card_id      text PRIMARY KEY,
        card_version integer NOT NULL,
        document     text NOT NULL
    )""",
)


class PostgresSnapshots(_Adapter):
    """A `SnapshotStore` in PostgreSQL: at most one `ClosedScore` per card, enforced by the primary key."""

    _component = "snapshots"
    _ddl = _SNAPSHOTS_DDL

    def add(self, closed: ClosedScore) -> None:
        """See `SnapshotStore.add`: of two processes closing the same card, exactly one wins."""
        given: object = closed
        if not isinstance(given, ClosedScore):
            msg = f"expected a ClosedScore, got {given!r}"
            raise TypeError(msg)
        with self._db.transaction("closing a card") as conn:
            found = self._lock_cards(conn, [closed.card_id])
            self._refuse_unknown(conn, closed.card_id, found)
            if found:  # read under the row's lock: an edit committed before it is seen
                row = conn.execute(f"SELECT version FROM {self._s}.cards WHERE id = %s", (closed.card_id,)).fetchone()
                if row is not None and row[0] != closed.card_version:
                    raise ConflictError.stale(closed.card_id, stored=row[0], expected=closed.card_version)
            if self._has(conn, "manual_entries"):
                documents = conn.execute(
                    f"SELECT document FROM {self._s}.manual_entries WHERE card_id = %s", (closed.card_id,)
                ).fetchall()
                refuse_later_entries(closed, [codec.loads(d[0], ManualEntry).recorded_at for d in documents])
            if self._has(conn, "adjustments"):
                adjusted = conn.execute(
                    f"SELECT document FROM {self._s}.adjustments WHERE card_id = %s", (closed.card_id,)
                ).fetchall()
                refuse_missed_adjustments(closed, [codec.loads(a[0], Adjustment) for a in adjusted])
            added = conn.execute(
                f"INSERT INTO {self._s}.closed_scores (card_id, card_version, document) VALUES (%s, %s, %s)"
                " ON CONFLICT (card_id) DO NOTHING RETURNING card_id",
                (closed.card_id, closed.card_version, codec.dumps(closed)),
            ).fetchone()
        if added is None:
            raise ConflictError.already_closed(closed.card_id)

    def closed_ids(self, card_ids: Iterable[str]) -> frozenset[str]:
        """See `scorekit.ports.ClosedIds`: from the primary key, no closed score decoded."""
        ids = distinct_ids(card_ids)
        if not ids:
            return frozenset()
        with self._db.reading("reading which cards are closed") as conn:
            rows = conn.execute(
                f"SELECT card_id FROM {self._s}.closed_scores WHERE card_id = ANY(%s)", (ids,)
            ).fetchall()
        return frozenset(row[0] for row in rows)

    def get(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        """See `SnapshotStore.get`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return {}
        with self._db.reading("reading closed scores") as conn:
            rows = dict(
                conn.execute(
                    f"SELECT card_id, document FROM {self._s}.closed_scores WHERE card_id = ANY(%s)", (ids,)
                ).fetchall()
            )
        return {card_id: codec.loads(rows[card_id], ClosedScore) for card_id in ids if card_id in rows}

    def remove(self, card_id: str, change: Change) -> ClosedScore:
        """See `SnapshotStore.remove` (the service records `change` in the card's history)."""
        _change(change)
        with self._db.transaction(f"reopening card {card_id!r}") as conn:
            row = conn.execute(
                f"DELETE FROM {self._s}.closed_scores WHERE card_id = %s RETURNING document", (_card_id(card_id),)
            ).fetchone()
        if row is None:
            raise CardNotFound.not_closed(card_id)
        return codec.loads(row[0], ClosedScore)

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `SnapshotStore.delete_for`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction("deleting closed scores") as conn:
            return conn.execute(f"DELETE FROM {self._s}.closed_scores WHERE card_id = ANY(%s)", (ids,)).rowcount


_ADJUSTMENTS_DDL: Final = (
    """CREATE TABLE {schema}.adjustments (
        seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id       text NOT NULL UNIQUE,
        card_id  text NOT NULL,
        document text NOT NULL
    )""",
    "CREATE INDEX adjustments_by_card ON {schema}.adjustments (card_id, seq)",
)


class PostgresAdjustments(_Adapter):
    """An `AdjustmentStore` in PostgreSQL (append-only; `delete_for` when cards are deleted).

    In the cards' schema, `add` locks the card's row and refuses an adjustment of a
    deleted or closed card in the same transaction, and deleting or purging a card
    removes its adjustments in the card's transaction.

    >>> import os, pendulum, psycopg
    >>> if not os.environ.get("SCOREKIT_POSTGRES"):
    ...     import pytest; pytest.skip("SCOREKIT_POSTGRES is not set")
    >>> from scorekit import Cadence, Change, Date, Parameter, Scorecard, User
    >>> with psycopg.connect(os.environ["SCOREKIT_POSTGRES"], autocommit=True) as conn:
    ...     _ = conn.execute("DROP SCHEMA IF EXISTS scorekit_doctest_adjustments CASCADE")
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c7", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
    >>> with PostgresScorecards(os.environ["SCOREKIT_POSTGRES"], schema="scorekit_doctest_adjustments") as repo:
    ...     _ = repo.add(card, change=Change("boss", at))
    >>> with PostgresAdjustments(os.environ["SCOREKIT_POSTGRES"], schema="scorekit_doctest_adjustments") as store:
    ...     store.add(Adjustment("a7", "c7", "deals_won", "credit", 2, "D-7 booked late", at, "boss"))
    ...     [a.value for a in store.for_cards(["c7"])]
    [Decimal('2')]
    """

    _component = "adjustments"
    _ddl = _ADJUSTMENTS_DDL

    def add(self, adjustment: Adjustment) -> None:
        """See `AdjustmentStore.add`: of two adds of the same id, exactly one is stored."""
        item = checked(adjustment)
        with self._db.transaction("recording an adjustment") as conn:
            # the card's row is shared-locked: a close or a delete under way finishes first, and is then seen
            self._refuse_unknown(conn, item.card_id, self._lock_cards(conn, [item.card_id], share=True))
            self._refuse_closed(conn, [item.card_id])
            added = conn.execute(
                f"INSERT INTO {self._s}.adjustments (id, card_id, document) VALUES (%s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                (item.id, item.card_id, codec.dumps(item)),
            ).fetchone()
        if added is None:
            raise adjustment_taken(item.id)

    def for_cards(self, card_ids: Iterable[str]) -> tuple[Adjustment, ...]:
        """See `AdjustmentStore.for_cards`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return ()
        with self._db.reading("reading adjustments") as conn:
            rows = conn.execute(
                f"SELECT document FROM {self._s}.adjustments WHERE card_id = ANY(%s) ORDER BY seq", (ids,)
            ).fetchall()
        return tuple(codec.loads(row[0], Adjustment) for row in rows)

    def delete_for(self, card_ids: Collection[str]) -> int:
        """See `AdjustmentStore.delete_for`."""
        ids = distinct_ids(card_ids)
        if not ids:
            return 0
        with self._db.transaction("deleting adjustments") as conn:
            return conn.execute(f"DELETE FROM {self._s}.adjustments WHERE card_id = ANY(%s)", (ids,)).rowcount
