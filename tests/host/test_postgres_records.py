"""Records sources: the MetricSource contract on memory, SQLite and PostgreSQL, one query per batch, same numbers."""

import contextlib
import sqlite3
import subprocess
import sys
from decimal import Decimal

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorekit import Accumulation, Aggregate, Cell, Measurement, MetricRequest
from scorekit.adapters._sql import instant_text
from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.adapters.sqlite import SQLiteRecordsSource
from scorekit.errors import InvalidSetting, StorageError
from scorekit.numbers import EXACT, exact_sum
from scorekit.period import as_utc
from scorekit.testing import KnownAnswer, MetricSourceContract

FEB = pendulum.datetime(2024, 2, 1, tz="Europe/Warsaw")
MAR = pendulum.datetime(2024, 3, 1, tz="Europe/Warsaw")
DAY = FEB.add(days=3)


def request(metric="deals_won", subjects=("ann",), start=FEB, end=MAR, acc=Accumulation.SUM):
    return MetricRequest(metric, frozenset(subjects), start, end, acc)


# Records at the exact bounds of February (Warsaw), a team, decimals beyond 28 digits, a metric nobody has.
RECORDS = [
    Record("at-start", "deals_won", "ann", FEB, 1),
    Record("before", "deals_won", "ann", FEB.subtract(microseconds=1), 10),
    Record("at-end", "deals_won", "ann", MAR, 100),
    Record("last", "deals_won", "ann", MAR.subtract(microseconds=1), 1000),
    Record("r1", "revenue", "ann", DAY, "1000.10"),
    Record("r2", "revenue", "bob", DAY, "-200.05"),
    Record("r3", "revenue", "cid", DAY, 5),
    Record("r4", "revenue", "bob", DAY.add(days=1), "0.0000000000000000000000000000001"),
    Record("b-2", "balance", "ann", DAY, 30),  # two balances at the same instant: the greater id is the latest
    Record("b-10", "balance", "ann", DAY, 70),
    Record("b-1", "balance", "ann", DAY.subtract(seconds=1), 5),
    Record("b-bob", "balance", "bob", DAY.subtract(days=1), 12),
    # a deal split 60/40 between ann and bob, and one half of ann's (the other half is nobody's here)
    Record("D-7", "split", "ann", DAY, 10_000, share="0.6"),
    Record("D-7", "split", "bob", DAY, 10_000, share="0.4"),
    Record("D-8", "split", "ann", DAY.add(hours=1), 500, share="0.5"),
]

KNOWN = [
    KnownAnswer(request(), 1001, {"at-start", "last"}),  # 1 + 1000: the records before and at the end are out
    # 1000.10 - 200.05 + 1e-31, exactly
    KnownAnswer(request("revenue", ["ann", "bob"]), "800.0500000000000000000000000000001", {"r1", "r2", "r4"}),
    KnownAnswer(request("revenue", ["nobody"]), 0, set()),
    KnownAnswer(request("calls"), 0, set()),
    KnownAnswer(request("revenue", ["cid"], start=DAY, end=DAY), 0, set()),  # an empty window
    KnownAnswer(request("split"), 6250, {"D-7", "D-8"}),  # 10,000 x 0.6 + 500 x 0.5
    KnownAnswer(request("split", ["bob"]), 4000, {"D-7"}),  # 10,000 x 0.4
    KnownAnswer(request("split", ["ann", "bob"]), 10250, {"D-7", "D-8"}),  # 6,000 + 4,000 + 250: D-7 once
]

AVERAGE, LAST, BALANCE = Accumulation.AVERAGE, Accumulation.LAST, Accumulation.BALANCE
LEVELS = [
    # (1000.10 - 200.05 + 1e-31) / 3 = 266.68333... to 34 significant digits, the last 3 rounded up by the 1e-31
    KnownAnswer(
        request("revenue", ["ann", "bob"], acc=AVERAGE), "266.6833333333333333333333333333334", {"r1", "r2", "r4"}
    ),
    KnownAnswer(request(acc=LAST), 1000, {"at-start", "last"}),
    KnownAnswer(request("balance", acc=LAST), 30, {"b-1", "b-2", "b-10"}),  # "b-2" > "b-10" as text
    KnownAnswer(request("balance", acc=AVERAGE), 35, {"b-1", "b-2", "b-10"}),  # (5 + 30 + 70) / 3
    KnownAnswer(request("calls", acc=AVERAGE), None, set()),  # a level with no record has no value
    KnownAnswer(request("balance", acc=LAST, start=DAY, end=DAY), None, set()),
    # each one's latest, added up: ann's b-2 (30) + bob's b-bob (12); for one user, LAST
    KnownAnswer(request("balance", ["ann", "bob"], acc=BALANCE), 42, {"b-1", "b-2", "b-10", "b-bob"}),
    KnownAnswer(request("balance", acc=BALANCE), 30, {"b-1", "b-2", "b-10"}),
    KnownAnswer(request("balance", ["ann", "cid"], acc=BALANCE, end=DAY.subtract(seconds=1)), None, set()),
    # share-weighted: 10,250 / (0.6 + 0.4 + 0.5) = 6833.33... to 34 digits; LAST ignores shares
    KnownAnswer(request("split", ["ann", "bob"], acc=AVERAGE), "6833.333333333333333333333333333333", {"D-7", "D-8"}),
    KnownAnswer(request("split", ["ann", "bob"], acc=LAST), 500, {"D-7", "D-8"}),
]


def make_sqlite(path, records, table="records", columns=None):
    names = {
        "id": "id",
        "metric": "metric",
        "subject": "subject",
        "occurred_at": "occurred_at",
        "value": "value",
        "share": "share",
    }
    names.update(columns or {})
    quoted = {k: '"' + v.replace('"', '""') + '"' for k, v in names.items()}
    table_sql = '"' + table.replace('"', '""') + '"'
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # `with connection` commits; closing() closes
        cols = ", ".join(f"{quoted[k]} TEXT" for k in names)
        db.execute(f"CREATE TABLE {table_sql} ({cols})")
        db.executemany(
            f"INSERT INTO {table_sql} ({', '.join(quoted.values())}) VALUES (?, ?, ?, ?, ?, ?)",
            [(r.id, r.metric, r.subject, instant_text(r.occurred_at), str(r.value), str(r.share)) for r in records],
        )
    db.close()
    return SQLiteRecordsSource(path, table, columns={"share": names["share"], **(columns or {})})


class TestRecordsMetricSourceContract(MetricSourceContract):
    @pytest.fixture
    def source(self):
        return RecordsMetricSource(RECORDS)

    @pytest.fixture
    def known_answers(self):
        return KNOWN


class TestSQLiteRecordsSourceContract(MetricSourceContract):
    @pytest.fixture
    def source(self, tmp_path):
        return make_sqlite(tmp_path / "crm.sqlite3", RECORDS)

    @pytest.fixture
    def known_answers(self):
        return KNOWN + LEVELS


class TestContractAssertionsSayWhatWasWrong:
    def test_a_wrong_source_fails_with_expected_and_got(self):
        suite = MetricSourceContract()
        wrong = RecordsMetricSource([r for r in RECORDS if r.id != "last"])
        with pytest.raises(AssertionError, match=r"expected value 1001, got 1\b"):
            suite.test_known_answers(wrong, KNOWN)


HOSTILE = ['x"; DROP TABLE records; --', "a'b", "/* c */", "semi;colon", 'q"q"']


class TestSQLiteRecordsSource:
    def test_answers_a_batch_with_one_query(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        statements = []
        connect = sqlite3.connect

        def traced(*args, **kwargs):
            db = connect(*args, **kwargs)
            db.set_trace_callback(statements.append)
            return db

        requests = [request(subjects=[s]) for s in ("ann", "bob", "cid", "dan")] + [k.request for k in KNOWN]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sqlite3, "connect", traced)
            answers = source.measure(requests)
        assert len(answers) == len(set(requests))
        assert len(statements) == 1, statements
        assert source.queries == 1

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_names_are_names(self, tmp_path, name):
        columns = {
            "id": name + "i",
            "metric": name + "m",
            "subject": name,
            "occurred_at": name + "t",
            "value": name + "v",
        }
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS, table=name, columns=columns)
        assert source.measure([KNOWN[0].request])[KNOWN[0].request].value == 1001
        with contextlib.closing(sqlite3.connect(tmp_path / "crm.sqlite3")) as db:
            assert db.execute(f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0] == len(
                RECORDS
            )

    def test_a_missing_table_or_column_is_a_storage_error_when_built(self, tmp_path):
        make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        with pytest.raises(StorageError, match="no such table"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "deals")
        with pytest.raises(StorageError, match="no such column"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "records", columns={"value": "amount"})
        # mistakes in the call are ValueErrors, never StorageErrors (OSErrors a host may retry)
        with pytest.raises(InvalidSetting, match="unknown fields"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "records", columns={"amount": "value"})
        with pytest.raises(InvalidSetting, match="'ids'"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "records", evidence="no")
        for bad in (0, -1, True, float("nan"), "5", 1e300):
            with pytest.raises(InvalidSetting, match="busy_timeout"):
                SQLiteRecordsSource(tmp_path / "crm.sqlite3", "records", busy_timeout=bad)
        with pytest.raises(StorageError, match=r"no such table.*pass table=\('main', 'records'\)"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "main.records")
        with pytest.raises(StorageError, match="unable to open"):
            SQLiteRecordsSource(tmp_path / "missing.sqlite3", "records")

    def test_without_a_value_column_each_record_counts_one(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS, columns=None)
        counting = SQLiteRecordsSource(source.path, "records", columns={"value": None})
        r = request("revenue", ["ann", "bob"])
        assert counting.measure([r])[r].value == 3  # r1, r2, r4: three deals

    def test_evidence_none_lists_nothing_but_counts_the_same(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        bare = SQLiteRecordsSource(source.path, "records", evidence="none")
        r = KNOWN[1].request
        full = source.measure([r])[r]
        assert full.evidence  # the source with evidence lists the records...
        assert bare.measure([r])[r] == Measurement(full.value)  # ...the bare one the same value alone

    def test_a_value_that_is_not_a_number_is_a_storage_error(self, tmp_path):
        bad = [Record("x", "deals_won", "ann", DAY, 1)]
        source = make_sqlite(tmp_path / "crm.sqlite3", bad)
        with sqlite3.connect(source.path) as db:
            db.execute("UPDATE records SET value = 'lots'")
        db.close()
        with pytest.raises(StorageError, match=r"'x'.*'lots'"):
            source.measure([request()])


class TestSQLiteRowsThatCannotBeRead:
    """A row in a window that cannot be read is refused, naming it, by `measure` and `aggregate` alike."""

    @pytest.mark.parametrize(
        ("row", "said"),
        [
            ((None, "2024-02-04T00:00:00.000000Z"), r"a record at '2024-02-04T00:00:00.000000Z' has no id \(NULL\)"),
            ((b"\xff\xfe", "2024-02-04T00:00:00.000000Z"), r"'2024-02-04T00:00:00.000000Z' has no id .* not UTF-8"),
            (("x1", "2024-02-04 10:00:00"), r"record 'x1': occurred_at must be UTC text .* got '2024-02-04 10:00:00'"),
            (("x2", "2024-02-04T10:00:00+01:00"), r"record 'x2': occurred_at must be UTC text"),
            # an instant that is no text sorts outside every window of text (blobs after all text, NULL
            # apart): 0.2 left such rows out without a word
            (("x5", b"2024-02-04"), r"record 'x5': occurred_at must be UTC text"),
            (("x6", None), r"record 'x6': occurred_at must be UTC text .* got None"),
        ],
    )
    def test_measure_and_aggregate_refuse_the_same_row(self, tmp_path, row, said):
        source = make_sqlite(tmp_path / "crm.sqlite3", [Record("ok", "deals_won", "ann", DAY, 1)])
        record_id, at = row
        with contextlib.closing(sqlite3.connect(source.path)) as db, db:
            db.execute("INSERT INTO records VALUES (?, 'deals_won', 'ann', ?, '1', 1)", (record_id, at))
        cell = Cell("deals_won", Accumulation.SUM, "ann", FEB, MAR)
        with pytest.raises(StorageError, match=said):
            source.measure([request()])
        with pytest.raises(StorageError, match=said):
            source.aggregate([cell])

    def test_a_row_of_another_subject_or_metric_is_none_of_the_batchs_business(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", [Record("ok", "deals_won", "ann", DAY, 1)])
        with contextlib.closing(sqlite3.connect(source.path)) as db, db:
            db.execute("INSERT INTO records VALUES ('n1', 'deals_won', 'bob', 1707004800, '1', 1)")
            db.execute("INSERT INTO records VALUES ('n2', 'calls', 'ann', NULL, '1', 1)")
        assert source.measure([request()])[request()].value == 1

    @pytest.mark.parametrize("at", [1707004800, 1707004800.5])
    def test_a_number_as_an_instant_is_refused_in_a_column_without_text_affinity(self, tmp_path, at):
        # numbers sort before all text, so no window of text ever held this row
        path = tmp_path / "crm.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE records (id TEXT, metric TEXT, subject TEXT, occurred_at, value TEXT)")
            db.execute("INSERT INTO records VALUES ('ok', 'deals_won', 'ann', ?, '1')", (instant_text(DAY),))
            db.execute("INSERT INTO records VALUES ('x3', 'deals_won', 'ann', ?, '1')", (at,))
        source = SQLiteRecordsSource(path, "records")
        cell = Cell("deals_won", Accumulation.SUM, "ann", FEB, MAR)
        for ask in (lambda: source.measure([request()]), lambda: source.aggregate([cell])):
            with pytest.raises(StorageError, match=rf"record 'x3': occurred_at must be UTC text .* got '{at}'"):
                ask()

    def test_the_extra_instant_ranges_search_the_index(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", [])
        with contextlib.closing(sqlite3.connect(source.path)) as db, db:
            db.execute("CREATE INDEX by_request ON records (metric, subject, occurred_at)")
        with source._reading() as db:
            plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + source._query, ("[]",)))
        # every branch a range search on the index (not a scan of a subject's whole history)
        assert plan.count("occurred_at") >= 4, plan
        assert "SCAN r" not in plan, plan

    def test_a_column_that_does_not_exist_is_not_read_as_a_string(self, tmp_path):
        make_sqlite(tmp_path / "crm.sqlite3", [])
        with pytest.raises(StorageError, match="no such column"):
            SQLiteRecordsSource(tmp_path / "crm.sqlite3", "records", columns={"occurred_at": "won_at"})

    def test_an_integer_id_is_its_digits(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", [])
        with contextlib.closing(sqlite3.connect(source.path)) as db, db:
            db.execute("INSERT INTO records VALUES (7, 'deals_won', 'ann', ?, 2, 1)", (instant_text(DAY),))
        assert [e.id for e in source.measure([request()])[request()].evidence] == ["7"]


# --- the same numbers as RecordsMetricSource, for random records and windows --------------------------------

SUBJECTS = ["ann", "bob", "c\"\\{NULL,} '", "dan"]  # one that breaks careless array literals and quoting
ZONES = ["UTC", "Europe/Warsaw", "America/Havana", "Atlantic/Azores", "Asia/Kolkata", "Pacific/Chatham"]
BASE = pendulum.datetime(2024, 10, 20, tz="UTC")
instants = st.integers(0, 20 * 24 * 3600 * 1_000_000).map(lambda us: BASE.add(microseconds=us))
values = st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False)
records_st = st.lists(
    st.builds(
        Record,
        id=st.text("abcXYZ19é\"'", min_size=1, max_size=4),
        metric=st.sampled_from(["calls", "revenue"]),
        subject=st.sampled_from(SUBJECTS[:3]),
        occurred_at=instants,
        value=values,
    ),
    max_size=30,
    unique_by=lambda r: (r.metric, r.id),
)


@st.composite
def requests_st(draw, records):
    zone = draw(st.sampled_from(ZONES))
    edges = [r.occurred_at for r in records]
    point = st.one_of(instants, st.sampled_from(edges)) if edges else instants
    start = draw(point)
    end = draw(point.filter(lambda e: e >= start)) if draw(st.booleans()) else start.add(days=draw(st.integers(0, 9)))
    return MetricRequest(
        draw(st.sampled_from(["calls", "revenue"])),
        frozenset(draw(st.sets(st.sampled_from(SUBJECTS), min_size=1))),
        start.in_timezone(zone),
        end.in_timezone(zone),
        draw(st.sampled_from(Accumulation)),
    )


def by_hand(records, request):
    """The DESIGN's rule written out: SUM, the mean in the 34-digit context, the latest (ties: greatest id), BALANCE."""
    start, end = as_utc(request.start), as_utc(request.end)
    rows = sorted(
        (
            (as_utc(r.occurred_at), r.id, r)
            for r in records
            if r.metric == request.metric and r.subject in request.subjects and start <= as_utc(r.occurred_at) < end
        ),
        key=lambda row: (row[0], row[1]),
    )
    ids = [row[1] for row in rows]
    if not rows:
        return (0 if request.accumulation is Accumulation.SUM else None), ids
    total = exact_sum(row[2].value for row in rows)
    if request.accumulation is Accumulation.AVERAGE:
        return EXACT.divide(total, Decimal(len(rows))), ids
    if request.accumulation is Accumulation.LAST:
        return rows[-1][2].value, ids
    if request.accumulation is Accumulation.BALANCE:  # each subject's latest (rows are in time order), added up
        latest = {row[2].subject: row[2].value for row in rows}
        return exact_sum(latest.values()), ids
    return total, ids


def same_as_memory(source_from, records, requests):
    sums = [r for r in requests if r.accumulation is Accumulation.SUM]
    memory = RecordsMetricSource(records).measure(sums)
    got = source_from(records).measure(requests)
    assert set(got) == set(requests)
    for r in requests:
        value, ids = by_hand(records, r)
        assert got[r].value == value, f"{r}: expected {value}, got {got[r].value}"
        assert [e.id for e in got[r].evidence] == ids, f"{r}: expected evidence {ids}, got {got[r].evidence}"
        if r in memory:
            assert got[r].value == memory[r].value, (
                f"{r}: RecordsMetricSource says {memory[r].value}, got {got[r].value}"
            )
            assert [(e.id, e.occurred_at, e.value) for e in got[r].evidence] == [
                (e.id, e.occurred_at, e.value) for e in memory[r].evidence
            ], r


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), records=records_st)
def test_sqlite_gives_the_numbers_of_records_metric_source(tmp_path_factory, data, records):
    requests = data.draw(st.lists(requests_st(records), min_size=1, max_size=6))
    path = tmp_path_factory.mktemp("crm") / "crm.sqlite3"
    same_as_memory(lambda rs: make_sqlite(path, rs), records, requests)


def test_the_fixed_width_instant_text_sorts_as_time():
    early = pendulum.datetime(999, 1, 1, tz="UTC")
    assert instant_text(early) == "0999-01-01T00:00:00.000000Z"
    assert instant_text(early) < instant_text(pendulum.datetime(2024, 1, 1, tz="Asia/Tokyo"))


class TestPostgresModuleWithoutAServer:
    def test_an_unreachable_server_is_a_storage_error(self):
        from scorekit.adapters.postgres import PostgresScorecards

        with pytest.raises(StorageError):
            PostgresScorecards("host=/nonexistent dbname=x connect_timeout=1", busy_timeout=0.5)

    def test_the_extra_is_named_without_psycopg(self):
        code = (
            "import sys; sys.modules['psycopg'] = None\n"
            "try:\n    import scorekit.adapters.postgres\n"
            "except ImportError as e:\n    print(e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own code
        assert "scorekit[postgres]" in out


def test_a_split_records_mean_has_the_digits_of_its_aggregates(tmp_path):
    # D-7 alone: 6,000.0 + 4,000.0 over shares 0.6 + 0.4 = 1, so 10000.0 / 1 = 10000.0 (not 1E+4), as the pool says
    window = request("split", ["ann", "bob"], start=DAY, end=DAY.add(minutes=1), acc=AVERAGE)
    for source in (RecordsMetricSource(RECORDS), make_sqlite(tmp_path / "crm.sqlite3", RECORDS)):
        cells = [Cell("split", AVERAGE, who, window.start, window.end) for who in ("ann", "bob")]
        pooled = Aggregate.pool(source.aggregate(cells).values())
        assert str(source.measure([window])[window].value) == str(pooled.value(AVERAGE)) == "10000.0"
