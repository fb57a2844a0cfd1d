import itertools

import pendulum
import pytest

from scorekit import Cadence, Date, Metric, Parameter, Team, User
from scorekit.adapters.memory import (
    FixedClock,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    Record,
    RecordsMetricSource,
)
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.service import Actor, CardTemplate, Role, Scorekit

MANAGER = Actor("boss", Role.MANAGER)
ADMIN = Actor("root", Role.ADMIN)
ANN = Actor("ann", Role.USER)
BOB = Actor("bob", Role.USER)
NORTH = Team("north", ["ann", "bob"])
MARCH_10 = pendulum.datetime(2024, 3, 10, 12, tz="UTC")


def template(**kwargs):
    parameters = [
        Parameter(Metric("deals_won", "deals"), 10, 50),
        Parameter(Metric("calls", "calls"), 100, 30),
        Parameter(Metric.custom("demos", "demos"), 4, 20),
    ]
    return CardTemplate(Cadence.monthly(Date(2024, 1, 1)), parameters, **kwargs)


def records():
    day = pendulum.datetime(2024, 3, 2, 9, tz="UTC")
    return [
        Record("d1", "deals_won", "ann", day, label="ACME"),
        Record("d2", "deals_won", "ann", day.add(days=1), label="Globex"),
        Record("d3", "deals_won", "bob", day.add(days=2), label="Initech"),
        *(Record(f"c{i}", "calls", "ann", day.add(hours=i)) for i in range(30)),
    ]


def make_service(cards, manual, clock=None, snapshots=None, metrics=None):
    counter = itertools.count(1)
    return Scorekit(
        cards=cards,
        metrics=metrics or RecordsMetricSource(records()),
        manual=manual,
        clock=clock or FixedClock(MARCH_10),
        snapshots=snapshots,
        new_id=lambda: f"card-{next(counter)}",
    )


def memory_service_of(**kwargs):
    """A service on fresh memory adapters, snapshots included."""
    return make_service(MemoryScorecards(), MemoryManualValues(), snapshots=MemorySnapshots(), **kwargs)


def sqlite_service_of(path, **kwargs):
    """A service on SQLite adapters sharing `path`, snapshots included; close it with `close_service`."""
    return make_service(SQLiteScorecards(path), SQLiteManualValues(path), snapshots=SQLiteSnapshots(path), **kwargs)


def close_service(svc):
    for port in (svc.cards, svc.manual, svc.snapshots):
        close = getattr(port, "close", None)
        if close is not None:
            close()


@pytest.fixture(params=["memory", "sqlite"])
def service(request, tmp_path):
    svc = memory_service_of() if request.param == "memory" else sqlite_service_of(tmp_path / "scorekit.sqlite3")
    yield svc
    close_service(svc)


@pytest.fixture
def sqlite_service(tmp_path):
    svc = sqlite_service_of(tmp_path / "scorekit.sqlite3")
    yield svc
    close_service(svc)


@pytest.fixture
def memory_service():
    return memory_service_of()


@pytest.fixture
def users():
    return User("ann"), User("bob")


# --- PostgreSQL (issue 12): one throwaway server per run, started by scripts/with-postgres ---------------


class CountingCursor:
    """Mixed into psycopg's cursor class by `postgres_pool`: counts the statements every connection runs."""

    statements = 0


@pytest.fixture(scope="session")
def postgres_url():
    """SCOREKIT_POSTGRES, or a skip (a failure where SCOREKIT_REQUIRE_POSTGRES=1, as in .ci/run)."""
    import os

    url = os.environ.get("SCOREKIT_POSTGRES")
    if not url:
        if os.environ.get("SCOREKIT_REQUIRE_POSTGRES") == "1":
            pytest.fail("SCOREKIT_REQUIRE_POSTGRES=1 but SCOREKIT_POSTGRES is not set: no PostgreSQL server to test")
        pytest.skip("SCOREKIT_POSTGRES is not set: PostgreSQL tests skipped (run them with scripts/with-postgres)")
    return url


@pytest.fixture(scope="session")
def postgres_pool(postgres_url):
    """One pool for the whole run; its cursors count the statements they execute."""
    import psycopg
    from psycopg_pool import ConnectionPool

    class Cursor(psycopg.Cursor):
        def execute(self, *args, **kwargs):
            CountingCursor.statements += 1
            return super().execute(*args, **kwargs)

        def executemany(self, query, params_seq, **kwargs):
            rows = list(params_seq)
            CountingCursor.statements += len(rows)
            return super().executemany(query, rows, **kwargs)

    pool = ConnectionPool(
        postgres_url, min_size=1, max_size=12, kwargs={"autocommit": True, "cursor_factory": Cursor}, open=True
    )
    yield pool
    pool.close()
