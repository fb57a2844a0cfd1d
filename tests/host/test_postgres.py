"""The PostgreSQL adapters on a real server (SCOREKIT_POSTGRES; scripts/with-postgres starts a throwaway one).

One schema per run, emptied between tests, keeps this quick.
"""

import multiprocessing
import os
import threading

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorekit import Cadence, Change, Date, ManualEntry, Parameter, Scorecard, Team, User
from scorekit.errors import CardNotFound, ConflictError, InvalidSetting, StorageBusy, StorageError
from scorekit.testing import (
    ManualValueStoreContract,
    MetricSourceContract,
    ScorecardRepositoryContract,
    SnapshotStoreContract,
    StorageContract,
    Stores,
)
from test_postgres_records import HOSTILE, KNOWN, LEVELS, RECORDS, records_st, requests_st, same_as_memory

if not os.environ.get("SCOREKIT_POSTGRES") and os.environ.get("SCOREKIT_REQUIRE_POSTGRES") != "1":
    pytest.skip(
        "SCOREKIT_POSTGRES is not set: PostgreSQL tests skipped (run them with scripts/with-postgres)",
        allow_module_level=True,
    )

SCHEMA = "scorekit_test"
CHANGE = Change("boss", pendulum.datetime(2024, 1, 2, tz="UTC"), "test")


@pytest.fixture(scope="module")
def adapters(postgres_pool):
    from scorekit.adapters.postgres import PostgresManualValues, PostgresScorecards, PostgresSnapshots

    with postgres_pool.connection() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    return {
        "cards": PostgresScorecards(postgres_pool, schema=SCHEMA),
        "manual": PostgresManualValues(postgres_pool, schema=SCHEMA),
        "snapshots": PostgresSnapshots(postgres_pool, schema=SCHEMA),
    }


@pytest.fixture
def empty(adapters, postgres_pool):
    with postgres_pool.connection() as conn:
        conn.execute(
            f"TRUNCATE {SCHEMA}.cards, {SCHEMA}.card_revisions, {SCHEMA}.manual_entries, {SCHEMA}.closed_scores"
        )
    return adapters


class TestPostgresScorecards(ScorecardRepositoryContract):
    @pytest.fixture
    def repository(self, empty):
        return empty["cards"]


class TestPostgresManualValues(ManualValueStoreContract):
    @pytest.fixture
    def store(self, empty):
        return empty["manual"]


class TestPostgresSnapshots(SnapshotStoreContract):
    @pytest.fixture
    def snapshots(self, empty):
        return empty["snapshots"]


def load_records(pool, records, table="records", columns=None):
    from psycopg import sql

    names = {
        "id": "id",
        "metric": "metric",
        "subject": "subject",
        "occurred_at": "occurred_at",
        "value": "value",
        "share": "share",
    }
    names.update(columns or {})
    types = {
        "id": "text",
        "metric": "text",
        "subject": "text",
        "occurred_at": "timestamptz",
        "value": "numeric",
        "share": "numeric",
    }
    with pool.connection() as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        conn.execute(
            sql.SQL("CREATE TABLE {} ({})").format(
                sql.Identifier(table),
                sql.SQL(", ").join(sql.SQL("{} " + types[k]).format(sql.Identifier(v)) for k, v in names.items()),
            )
        )
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)").format(sql.Identifier(table)),
                [(r.id, r.metric, r.subject, r.occurred_at, r.value, r.share) for r in records],
            )


def records_source(pool, records, **kwargs):
    from scorekit.adapters.postgres import PostgresRecordsSource

    load_records(pool, records, kwargs.get("table", "records"), kwargs.get("columns"))
    kwargs["columns"] = {"share": "share", **(kwargs.get("columns") or {})}
    return PostgresRecordsSource(pool, kwargs.pop("table", "records"), **kwargs)


class TestPostgresRecordsSourceContract(MetricSourceContract):
    @pytest.fixture
    def source(self, postgres_pool):
        return records_source(postgres_pool, RECORDS)

    @pytest.fixture
    def known_answers(self):
        return KNOWN + LEVELS


class TestPostgresRecordsSource:
    def test_answers_a_batch_with_one_query(self, postgres_pool):
        from conftest import CountingCursor

        source = records_source(postgres_pool, RECORDS)
        requests = [k.request for k in KNOWN] + [
            k.request.__class__(k.request.metric, frozenset({s}), k.request.start, k.request.end)
            for k in KNOWN
            for s in ("ann", "bob", "cid")
        ]
        before = CountingCursor.statements
        answers = source.measure(requests)
        # the query, and (the first time this source uses a host's connection) the session's lock timeout
        assert 1 <= CountingCursor.statements - before <= 2
        assert source.queries == 1
        assert set(answers) == set(requests)

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_names_are_names(self, postgres_pool, name):
        columns = {
            "id": name + "i",
            "metric": name + "m",
            "subject": name,
            "occurred_at": name + "t",
            "value": name + "v",
        }
        source = records_source(postgres_pool, RECORDS, table=name, columns=columns)
        assert source.measure([KNOWN[0].request])[KNOWN[0].request].value == 1001
        with postgres_pool.connection() as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s", (name,)).fetchone()[0] == 1

    def test_a_missing_table_or_column_is_a_storage_error_when_built(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresRecordsSource

        load_records(postgres_pool, RECORDS)
        with pytest.raises(StorageError, match="deals"):
            PostgresRecordsSource(postgres_pool, "deals")
        with pytest.raises(StorageError, match="amount"):
            PostgresRecordsSource(postgres_pool, "records", columns={"value": "amount"})
        with pytest.raises(InvalidSetting, match="longer than"):
            PostgresRecordsSource(postgres_pool, "x" * 64)
        with pytest.raises(InvalidSetting, match="unknown fields"):
            PostgresRecordsSource(postgres_pool, "records", columns={"amount": "value"})
        with pytest.raises(InvalidSetting, match="evidence"):
            PostgresRecordsSource(postgres_pool, "records", evidence="no")
        with pytest.raises(InvalidSetting, match="busy_timeout"):
            PostgresRecordsSource(postgres_pool, "records", busy_timeout=-1)
        with pytest.raises(StorageError, match=r"pass table=\('public', 'records'\)"):
            PostgresRecordsSource(postgres_pool, "public.records")
        assert PostgresRecordsSource(postgres_pool, ("public", "records")).queries == 0

    def test_a_timestamp_column_is_read_in_the_sessions_zone_and_a_null_id_is_refused_alike(self, postgres_pool):
        from scorekit import Accumulation, Cell, MetricRequest
        from scorekit.adapters.postgres import PostgresRecordsSource

        with postgres_pool.connection() as conn:
            conn.execute("DROP TABLE IF EXISTS naive_records")
            conn.execute(
                "CREATE TABLE naive_records (id text, metric text, subject text, occurred_at timestamp, value numeric)"
            )
            conn.execute("INSERT INTO naive_records VALUES ('a', 'm', 'ann', '2024-02-03 10:00', 2)")
        source = PostgresRecordsSource(postgres_pool, "naive_records")
        feb = MetricRequest(
            "m", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="UTC"), pendulum.datetime(2024, 3, 1, tz="UTC")
        )
        cell = Cell("m", Accumulation.SUM, "ann", feb.start, feb.end)
        (evidence,) = source.measure([feb])[feb].evidence
        with postgres_pool.connection() as conn:  # the instant the session's TimeZone makes of it
            (expected,) = conn.execute("SELECT '2024-02-03 10:00'::timestamp::timestamptz").fetchone()
        assert evidence.occurred_at == expected
        assert source.aggregate([cell])[cell].last_at == evidence.occurred_at
        with postgres_pool.connection() as conn:
            conn.execute("INSERT INTO naive_records VALUES (NULL, 'm', 'ann', '2024-02-01 10:00', 1)")
        with pytest.raises(StorageError, match=r"a record at 2024-02-01 10:00:00.* has no id"):
            source.measure([feb])
        with pytest.raises(StorageError, match=r"a record at 2024-02-01 10:00:00.* has no id"):
            source.aggregate([cell])  # not the latest row: refused all the same

    def test_counting_rows_and_listing_no_evidence(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresRecordsSource

        load_records(postgres_pool, RECORDS)
        counting = PostgresRecordsSource(postgres_pool, "records", columns={"value": None}, evidence="none")
        r = KNOWN[1].request
        answer = counting.measure([r])[r]
        assert (answer.value, answer.evidence) == (3, ())  # r1, r2, r4

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data(), records=records_st)
    def test_gives_the_numbers_of_records_metric_source(self, postgres_pool, data, records):
        requests = data.draw(st.lists(requests_st(records), min_size=1, max_size=6))
        same_as_memory(lambda rs: records_source(postgres_pool, rs), records, requests)

    def test_own_pool_from_a_connection_string(self, postgres_url, postgres_pool):
        from scorekit.adapters.postgres import PostgresRecordsSource

        load_records(postgres_pool, RECORDS)
        with PostgresRecordsSource(postgres_url, "records") as source:
            assert source.measure([KNOWN[0].request])[KNOWN[0].request].value == 1001


MONTHLY = Cadence.monthly(Date(2024, 1, 1))


def card(card_id="c1", k=0, **fields):
    return Scorecard(card_id, User("ann"), MONTHLY, MONTHLY.period(k), [Parameter("deals", 10, 100)], **fields)


class TestSchema:
    def test_a_current_schema_is_opened_without_writing(self, empty, postgres_pool):
        from conftest import CountingCursor
        from scorekit.adapters.postgres import PostgresScorecards

        before = CountingCursor.statements
        PostgresScorecards(postgres_pool, schema=SCHEMA)
        # the tables, then the version: reads only (and the lock timeout of a host's connection, once)
        assert 2 <= CountingCursor.statements - before <= 3

    def test_a_foreign_schema_is_refused(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresScorecards

        with postgres_pool.connection() as conn:
            conn.execute("DROP SCHEMA IF EXISTS crm CASCADE")
            conn.execute("CREATE SCHEMA crm")
            conn.execute("CREATE TABLE crm.cards (id int)")
        with pytest.raises(StorageError, match="not a scorekit schema"):
            PostgresScorecards(postgres_pool, schema="crm")

    def test_a_newer_layout_is_refused(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresScorecards

        PostgresScorecards(postgres_pool, schema="scorekit_newer")
        with postgres_pool.connection() as conn:
            conn.execute("UPDATE scorekit_newer.schema_version SET version = 99")
        with pytest.raises(StorageError, match="version 99"):
            PostgresScorecards(postgres_pool, schema="scorekit_newer")
        with postgres_pool.connection() as conn:
            conn.execute("DROP SCHEMA scorekit_newer CASCADE")

    def test_a_schema_without_the_index_columns_gains_them_from_its_documents(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresScorecards
        from scorekit.ports import CardRow

        with postgres_pool.connection() as conn:
            conn.execute("DROP SCHEMA IF EXISTS scorekit_dev CASCADE")
        repo = PostgresScorecards(postgres_pool, schema="scorekit_dev")
        repo.add(card().evolve(rollover=True, timezone="Asia/Kolkata"), change=CHANGE)
        repo.add(card().evolve(id="c2", series="c2"), change=CHANGE)
        expected = tuple(CardRow.of(c) for c in repo.find())
        with postgres_pool.connection() as conn:  # a schema made while 0.2 was being written
            conn.execute("ALTER TABLE scorekit_dev.cards DROP COLUMN timezone, DROP COLUMN rollover")
        assert PostgresScorecards(postgres_pool, schema="scorekit_dev").index() == expected
        assert [(r.timezone, r.rollover) for r in expected] == [("Asia/Kolkata", True), ("UTC", False)]
        with postgres_pool.connection() as conn:
            conn.execute("DROP SCHEMA scorekit_dev CASCADE")

    def test_hostile_schema_name(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresScorecards

        name = 'sk"; DROP SCHEMA public; --'
        repo = PostgresScorecards(postgres_pool, schema=name)
        repo.add(card(), change=CHANGE)
        assert repo.get("c1") == card()
        with postgres_pool.connection() as conn:
            conn.execute('DROP SCHEMA "sk""; DROP SCHEMA public; --" CASCADE')


class TestErrors:
    @pytest.mark.parametrize("pooled", ["owned", "host"])
    def test_a_read_behind_a_table_lock_waits_busy_timeout_at_most(self, empty, postgres_pool, postgres_url, pooled):
        import psycopg

        from scorekit.adapters.postgres import PostgresScorecards

        repo = PostgresScorecards(postgres_url if pooled == "owned" else postgres_pool, schema=SCHEMA, busy_timeout=0.5)
        repo.add(card(), change=CHANGE)
        with psycopg.connect(postgres_url) as holder:
            # a host's ALTER TABLE / VACUUM FULL; let go after 10 s so that a read without a timeout fails, not hangs
            holder.execute("SET idle_in_transaction_session_timeout = '10s'")
            holder.execute(f"LOCK TABLE {SCHEMA}.cards IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(StorageBusy, match=r"busy_timeout=0.5 s"):
                repo.get("c1")
            with pytest.raises(StorageBusy):
                repo.find(active_on=Date(2024, 1, 15))
            holder.rollback()
        assert repo.get("c1") == card()
        repo.close()

    def test_a_server_that_cannot_be_reached_is_a_storage_error_not_busy(self, tmp_path):
        from psycopg_pool import ConnectionPool

        from scorekit.adapters.postgres import PostgresScorecards

        pool = ConnectionPool(f"host={tmp_path} dbname=none connect_timeout=1", min_size=1, open=False)
        pool.open(wait=False)
        try:
            with pytest.raises(StorageError, match="cannot be reached") as raised:
                PostgresScorecards(pool, schema=SCHEMA, busy_timeout=0.5)
            assert not isinstance(raised.value, StorageBusy)
        finally:
            pool.close()

    def test_a_commit_cut_off_says_its_outcome_is_unknown(self, empty, postgres_pool):
        from scorekit.errors import StorageOutcomeUnknown

        # A deferred trigger runs at COMMIT: it ends the session there, as a server crash or a network cut would.
        with postgres_pool.connection() as conn:
            conn.execute(
                f"CREATE FUNCTION {SCHEMA}.cut() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$"
            )
            conn.execute(
                f"CREATE CONSTRAINT TRIGGER cut AFTER INSERT ON {SCHEMA}.manual_entries"
                f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.cut()"
            )
        try:
            entry = ManualEntry("c9", "demos", 1, pendulum.datetime(2024, 1, 5, tz="UTC"), "ann")
            with pytest.raises(StorageOutcomeUnknown, match="whether the write was stored is unknown"):
                empty["manual"].append(entry)
        finally:
            with postgres_pool.connection() as conn:
                conn.execute(f"DROP TRIGGER cut ON {SCHEMA}.manual_entries")
                conn.execute(f"DROP FUNCTION {SCHEMA}.cut()")

    def test_a_lock_held_past_busy_timeout_is_storage_busy(self, empty, postgres_pool, postgres_url):
        import psycopg

        from scorekit.adapters.postgres import PostgresScorecards

        repo = PostgresScorecards(postgres_pool, schema=SCHEMA, busy_timeout=1)
        stored = repo.add(card(), change=CHANGE)
        with psycopg.connect(postgres_url) as holder:
            holder.execute(f"SELECT 1 FROM {SCHEMA}.cards WHERE id = 'c1' FOR UPDATE")
            with pytest.raises(StorageBusy, match=r"lock was not had within busy_timeout=1 s"):
                repo.update(stored.evolve(name="x"), expected_version=1, change=CHANGE)
            holder.rollback()
        assert repo.get("c1").version == 1

    def test_a_database_error_is_a_storage_error(self, postgres_pool):
        from scorekit.adapters.postgres import PostgresRecordsSource

        with postgres_pool.connection() as conn:
            conn.execute("DROP TABLE IF EXISTS int_subjects")
            conn.execute(
                "CREATE TABLE int_subjects (id int, metric text, subject int, occurred_at timestamptz, value int)"
            )
        source = PostgresRecordsSource(postgres_pool, "int_subjects")
        with pytest.raises(StorageError, match="PostgreSQL said: operator does not exist: integer = text"):
            source.measure([KNOWN[0].request])


# --- concurrency on the real server --------------------------------------------------------------------------


def _edit_worker(url, worker, rounds, results):
    from scorekit.adapters.postgres import PostgresScorecards
    from scorekit.errors import ConflictError as Conflict

    change = Change(f"w{worker}", pendulum.datetime(2024, 1, 2, tz="UTC"))
    won = []
    with PostgresScorecards(url, schema=SCHEMA, busy_timeout=30) as repo:
        stale = {cid: repo.get(cid) for cid in ("c1", "c2")}
        try:  # every process also adds February's card of c1's series, under its own id
            repo.add(stale["c1"].next_card().evolve(id=f"feb-{worker}"), change=change)
            won.append(("feb", worker, ""))
        except Conflict:
            pass
        for i in range(rounds):
            cid = ("c1", "c2")[i % 2]
            fresh = (worker + i) % 3 != 0
            base = repo.get(cid) if fresh else stale[cid]
            try:
                stored = repo.update(base.evolve(name=f"w{worker}-{i}"), expected_version=base.version, change=change)
                won.append((cid, stored.version, stored.name))
            except Conflict:
                pass
    results.put(won)


class TestConcurrency:
    def test_eight_processes_lose_no_update(self, empty, postgres_url, postgres_pool):
        repo = empty["cards"]
        repo.add_many([card("c1"), card("c2", series="other")], change=CHANGE)
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        workers = [ctx.Process(target=_edit_worker, args=(postgres_url, w, 12, results)) for w in range(8)]
        for p in workers:
            p.start()
        won = [item for _ in workers for item in results.get(timeout=120)]
        for p in workers:
            p.join(timeout=60)
            assert p.exitcode == 0
        assert len([w for w in won if w[0] == "feb"]) == 1, won  # one (series, period) slot, one card
        assert len(repo.find(series="c1")) == 2
        for cid in ("c1", "c2"):
            versions = sorted(v for c, v, _ in won if c == cid)
            final = repo.get(cid)
            # every successful update made exactly one new version, none was overwritten unseen
            assert versions == list(range(2, final.version + 1)), versions
            assert final.name == next(n for c, v, n in won if c == cid and v == final.version)
        with postgres_pool.connection() as conn:
            revisions = conn.execute(
                f"SELECT card_id, version, count(*) FROM {SCHEMA}.card_revisions GROUP BY 1, 2 HAVING count(*) > 1"
            ).fetchall()
        assert revisions == []
        assert [r.version for r in repo.history("c1")] == list(range(1, repo.get("c1").version + 1))

    def test_many_threads_adding_the_same_period_store_it_once(self, empty):
        repo = empty["cards"]
        first = repo.add(card(), change=CHANGE)
        outcomes = []

        def add(i):
            try:
                repo.add(first.next_card().evolve(id=f"n{i}"), change=CHANGE)
                outcomes.append("added")
            except ConflictError:
                outcomes.append("conflict")

        threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["added"] + ["conflict"] * 7
        assert len(repo.find(series=first.series_id)) == 2


class TestHistoryAndSnapshots:
    """What the 0.2 ports add, on the real server (the contract suites check the rest)."""

    def test_every_version_and_the_deletion_are_kept(self, empty):
        repo = empty["cards"]
        edit = Change("ann", pendulum.datetime(2024, 1, 3, tz="UTC"), "typo")
        stored = repo.update(repo.add(card(), change=CHANGE).evolve(name="x"), expected_version=1, change=edit)
        repo.delete("c1", change=edit)
        history = repo.history("c1")
        assert [(r.version, r.deleted, r.change.reason) for r in history] == [
            (1, False, "test"),
            (2, False, "typo"),
            (2, True, "typo"),
        ]
        assert history[-1].card == stored
        with pytest.raises(CardNotFound):
            repo.get("c1")
        with pytest.raises(ConflictError, match="deleted"):
            repo.add(card(), change=CHANGE)  # a deleted id never comes back
        repo.add(card("c2"), change=CHANGE)  # but its series slot is free again
        with pytest.raises(CardNotFound, match="ever stored"):
            repo.history("nope")

    def test_purge_forgets_deleted_cards_only(self, empty):
        repo = empty["cards"]
        repo.add_many([card("a"), card("b", series="b")], change=CHANGE)
        repo.delete("a", change=CHANGE)
        with pytest.raises(ConflictError, match="still stored"):
            repo.purge(["a", "b"])
        with pytest.raises(CardNotFound):
            repo.purge(["a", "zzz"])
        assert len(repo.history("a")) == 2
        assert repo.purge(["a"]) == 1
        with pytest.raises(CardNotFound):
            repo.history("a")
        repo.add(card("a"), change=CHANGE)  # a purged id may be used again

    def test_find_by_owner_id_and_active_on(self, empty):
        repo = empty["cards"]
        team = Team("north", ["ann", "bob"])
        repo.add_many(
            [card("jan"), card("feb", k=1), Scorecard("t", team, MONTHLY, MONTHLY.period(1), [Parameter("d", 1, 100)])],
            change=CHANGE,
        )
        assert [c.id for c in repo.find(active_on=Date(2024, 2, 29))] == ["feb", "t"]
        assert [c.id for c in repo.find(active_on=Date(2024, 2, 1), owner_id="north")] == ["t"]
        assert [c.id for c in repo.find(owner_id="ann")] == ["feb", "jan"]
        assert [c.id for c in repo.find(active_on=Date(2024, 3, 1))] == []

    def test_a_batch_may_swap_two_cards_periods(self, empty):
        repo = empty["cards"]
        a, b = repo.add_many([card("a", k=0), card("b", k=1, series="a")], change=CHANGE)
        done = repo.update_many(
            [(a.evolve(period=MONTHLY.period(1)), 1), (b.evolve(period=MONTHLY.period(0)), 1)], change=CHANGE
        )
        assert [(c.id, c.period.start) for c in done] == [("a", Date(2024, 2, 1)), ("b", Date(2024, 1, 1))]

    def test_a_closed_score_is_kept_once(self, empty):
        from scorekit import ClosedScore, score
        from scorekit.codec import fingerprint

        store = empty["snapshots"]
        c = card()
        end = pendulum.datetime(2024, 2, 1, tz="UTC")
        closed = ClosedScore.of(
            score(c, {"deals": 7}, as_of=end), closed_at=end, closed_by="boss", fingerprint=fingerprint(c, {"deals": 7})
        )
        store.add(closed)
        with pytest.raises(ConflictError, match="already closed"):
            store.add(closed)
        assert store.get(["c1", "c2"]) == {"c1": closed}
        assert store.remove("c1", CHANGE) == closed
        with pytest.raises(CardNotFound, match="not closed"):
            store.remove("c1", CHANGE)
        store.add(closed)
        assert store.delete_for(["c1", "c9"]) == 1
        assert store.get(["c1"]) == {}

    def test_manual_values_go_with_their_cards(self, empty):
        from scorekit import ManualEntry

        store = empty["manual"]
        at = pendulum.datetime(2024, 1, 5, tz="UTC")
        for cid in ("a", "a", "b"):
            store.append(ManualEntry(cid, "demos", 1, at, "ann"))
        assert store.delete_for(["a", "zzz"]) == 2
        assert [e.card_id for e in store.entries(["a", "b"])] == ["b"]


def _service(url):
    from scorekit.adapters.memory import FixedClock
    from scorekit.adapters.postgres import (
        PostgresManualValues,
        PostgresRecordsSource,
        PostgresScorecards,
        PostgresSnapshots,
    )
    from scorekit.service import Scorekit

    return Scorekit(
        cards=PostgresScorecards(url, schema=SCHEMA, busy_timeout=30),
        metrics=PostgresRecordsSource(url, "records", busy_timeout=30),
        manual=PostgresManualValues(url, schema=SCHEMA, busy_timeout=30),
        snapshots=PostgresSnapshots(url, schema=SCHEMA, busy_timeout=30),
        clock=FixedClock(now=pendulum.datetime(2024, 4, 15, 12, tz="UTC")),
    )


def _roll_and_close_worker(url, barrier, results):
    from scorekit.service import Actor, Role

    boss = Actor("boss", Role.MANAGER)
    svc = _service(url)
    try:
        barrier.wait(timeout=60)
        created = [card.id for card in svc.roll_over(boss, today=Date(2024, 4, 15))]
        barrier.wait(timeout=60)
        closed = [c.card_id for c in svc.close(boss, today=Date(2024, 4, 15))]
    finally:  # the pools' worker threads must end, or the process cannot exit (Python 3.13 waits for them)
        for adapter in (svc.cards, svc.metrics, svc.manual, svc.snapshots):
            adapter.close()
    results.put((created, closed))


class TestServiceConcurrency:
    def test_two_roll_overs_and_two_closes_at_once_make_each_card_and_snapshot_once(
        self, empty, postgres_url, postgres_pool
    ):
        load_records(postgres_pool, RECORDS)
        series = [card(f"s{i}", rollover=True).evolve(owner=User(f"u{i % 3}")) for i in range(12)]
        empty["cards"].add_many(series, change=CHANGE)
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(2), ctx.Queue()
        workers = [ctx.Process(target=_roll_and_close_worker, args=(postgres_url, barrier, results)) for _ in range(2)]
        for p in workers:
            p.start()
        (created_a, closed_a), (created_b, closed_b) = (results.get(timeout=180) for _ in workers)
        for p in workers:
            p.join(timeout=60)
            assert p.exitcode == 0
        # January's 12 cards roll over to February, March and April: 36 new cards, made once
        assert not set(created_a) & set(created_b), "a card was created by both"
        assert len(created_a) + len(created_b) == 36
        stored = empty["cards"].find()
        assert len(stored) == 48
        assert len({(c.series_id, c.period.start) for c in stored}) == 48
        # January, February and March are over on April 15: 36 closed scores, each stored once
        assert not set(closed_a) & set(closed_b), "a card was closed by both"
        assert len(closed_a) + len(closed_b) == 36
        snapshots = empty["snapshots"].get([c.id for c in stored])
        assert len(snapshots) == 36
        assert {c.period.start for c in stored if c.id in snapshots} == {
            Date(2024, 1, 1),
            Date(2024, 2, 1),
            Date(2024, 3, 1),
        }


class TestPostgresStorage(StorageContract):
    @pytest.fixture
    def storage(self, empty):
        return Stores(empty["cards"], empty["manual"], empty["snapshots"])


def test_hostile_ids_raise_scorekit_errors(empty):
    from test_adapters import escapes

    assert escapes(empty["cards"], empty["manual"], empty["snapshots"]) == []
