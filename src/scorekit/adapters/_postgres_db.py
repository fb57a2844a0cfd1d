"""PostgreSQL connections for scorekit's adapters: a pool, lock waits bounded by `busy_timeout`, errors in scorekit's words."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from typing import Any, Final

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError as error:  # pragma: no cover - exercised in a subprocess without the extra
    msg = (
        "scorekit.adapters.postgres needs psycopg 3 and psycopg_pool: install them with "
        "pip install 'scorekit[postgres]'"
    )
    raise ImportError(msg) from error

from scorekit.adapters._rules import lone_surrogate
from scorekit.adapters._sql import busy_timeout_seconds
from scorekit.errors import StorageBusy, StorageError, StorageOutcomeUnknown

__all__ = ["MAX_IDENTIFIER_BYTES", "Connections", "Database", "pg_errors", "psycopg"]

MAX_IDENTIFIER_BYTES: Final = 63  # PostgreSQL cuts longer names silently (NAMEDATALEN - 1)

Connections = str | ConnectionPool
"""A libpq connection string, or a host's pool."""


_TIMED: Final[weakref.WeakKeyDictionary[psycopg.Connection[Any], int]] = weakref.WeakKeyDictionary()
"""A host's connections, with the lock timeout (ms) their session was last given by an adapter's read."""


class Database:
    """Connections, transactions and error translation for one adapter.

    Every connection handed out waits for a lock at most `busy_timeout` seconds,
    reads included: an owned pool sets ``lock_timeout`` when it connects and checks
    a pooled connection before lending it; with a host's pool each use sets it for
    its own transaction.
    """

    def __init__(self, conninfo_or_pool: Connections, busy_timeout: float) -> None:
        self.busy_timeout = busy_timeout_seconds(busy_timeout)
        # The timeout is our own validated number, so it may be written into statements.
        self._lock_ms = max(1, round(self.busy_timeout * 1000))
        if isinstance(conninfo_or_pool, str):
            self.pool: ConnectionPool = ConnectionPool(
                conninfo_or_pool,
                min_size=1,
                max_size=4,
                kwargs={"autocommit": True, "options": f"-c lock_timeout={self._lock_ms}"},
                open=False,
                name="scorekit",
                check=ConnectionPool.check_connection,  # a connection the server dropped is replaced, not used
            )
            self.owned = True
            try:
                with self.errors("connecting"):
                    # One direct connection first: an unreachable server is reported at once, in libpq's words.
                    psycopg.connect(conninfo_or_pool, autocommit=True).close()
                    self.pool.open(wait=True, timeout=self.busy_timeout + 5)
            except BaseException:
                self.pool.close()
                raise
        elif isinstance(conninfo_or_pool, ConnectionPool):
            self.pool = conninfo_or_pool
            self.owned = False
        else:  # a caller without a type checker
            msg = f"expected a libpq connection string or a psycopg_pool.ConnectionPool, got {conninfo_or_pool!r}"  # type: ignore[unreachable]
            raise StorageError(msg)

    def close(self) -> None:
        if self.owned:
            self.pool.close()

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Translate the driver's and the pool's errors into scorekit's."""
        try:
            yield
        except UnicodeEncodeError as error:  # a lone surrogate in an id looked up: no card has it
            raise lone_surrogate(doing, error) from None
        except pg_errors.LockNotAvailable as error:
            msg = f"{doing}: a lock was not had within busy_timeout={self.busy_timeout:g} s; nothing was changed, retry later"
            raise StorageBusy(msg) from error
        except PoolTimeout as error:
            raise self._no_connection(doing, error) from error
        except psycopg.OperationalError as error:
            msg = f"{doing}: the PostgreSQL server cannot be reached or dropped the connection: {str(error).strip()}"
            raise StorageError(msg) from error
        except psycopg.Error as error:
            msg = f"{doing}: PostgreSQL said: {str(error).strip()}"
            raise StorageError(msg) from error

    def _no_connection(self, doing: str, error: PoolTimeout) -> StorageError:
        """No pooled connection in time: every one busy (`StorageBusy`), or no server to connect to (`StorageError`)."""
        conninfo, kwargs = self.pool.conninfo, self.pool.kwargs
        settings = {
            **((kwargs() if callable(kwargs) else kwargs) or {}),
            "autocommit": True,
            "connect_timeout": max(2, round(self.busy_timeout)),
        }
        try:
            psycopg.connect(conninfo() if callable(conninfo) else conninfo, **settings).close()
        except psycopg.Error as down:
            msg = f"{doing}: the PostgreSQL server cannot be reached: {str(down).strip()}"
            return StorageError(msg)
        msg = f"{doing}: no database connection was free in time ({error}); retry later"
        return StorageBusy(msg)

    @contextlib.contextmanager
    def _transaction(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """A transaction whose lock waits are bounded by `busy_timeout`; a commit cut off says its outcome is unknown."""
        with self.errors(doing), self.pool.connection(timeout=self.busy_timeout) as conn:
            committing = False
            try:
                with conn.transaction():
                    conn.execute(f"SET LOCAL lock_timeout = {self._lock_ms}")
                    yield conn
                    committing = True
            except psycopg.OperationalError as error:
                if committing:
                    msg = (
                        f"{doing}: the connection was lost while committing, so whether the write was stored is "
                        f"unknown ({str(error).strip()}); read the state back before retrying"
                    )
                    raise StorageOutcomeUnknown(msg) from error
                raise

    @contextlib.contextmanager
    def reading(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """A connection for one read, its lock waits bounded by `busy_timeout` too.

        An owned pool's connections were opened with the lock timeout.  A host's
        autocommit connection gets it for its session, the first time an adapter with
        this `busy_timeout` reads through it; any other connection, for each read's own
        transaction.
        """
        with self.errors(doing), self.pool.connection(timeout=self.busy_timeout) as conn:
            if self.owned or _TIMED.get(conn) == self._lock_ms:
                yield conn
                return
            if conn.autocommit:
                conn.execute(f"SET lock_timeout = {self._lock_ms}")
                _TIMED[conn] = self._lock_ms
                yield conn
                return
        with self._transaction(doing) as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """A write transaction with lock waits bounded by `busy_timeout`: committed, or rolled back on error."""
        with self._transaction(doing) as conn:
            yield conn
