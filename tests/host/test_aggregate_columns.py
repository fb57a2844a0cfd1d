"""`aggregate_columns` on the three records sources: worked examples by hand, the checks of its keys, one query."""

import contextlib
import os
import sqlite3
from decimal import Decimal

import pendulum
import pytest

from scorekit import Accumulation, Aggregate, Cell, MetricRequest
from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.errors import InvalidParameter, InvalidPeriod, InvalidScorecard, StorageError
from scorekit.ports import ColumnSource
from test_postgres_records import make_sqlite

SUM, AVERAGE, LAST = Accumulation.SUM, Accumulation.AVERAGE, Accumulation.LAST
MAR = pendulum.datetime(2024, 3, 1, tz="UTC")
APR = pendulum.datetime(2024, 4, 1, tz="UTC")
MID = pendulum.datetime(2024, 3, 15, 10, tz="UTC")
TIE = pendulum.datetime(2024, 3, 20, tz="UTC")

# ann has records (some shared with bob); eve has none.
RECORDS = [
    Record("c0", "deals", "ann", MAR.subtract(microseconds=1), 50),  # before March: out
    Record("c1", "deals", "ann", MAR, 3),  # exactly at the start: in
    Record("c2", "deals", "ann", MID, 4),
    Record("c3", "deals", "ann", APR, 100),  # exactly at the end: out
    Record("D-1", "revenue", "ann", pendulum.datetime(2024, 3, 10, tz="UTC"), 1000, share="0.25"),
    Record("D-1", "revenue", "bob", pendulum.datetime(2024, 3, 10, tz="UTC"), 1000, share="0.75"),
    Record("D-2", "revenue", "ann", TIE, 200),
    Record("D-3", "revenue", "ann", TIE, 300),  # same instant as D-2: "D-3" > "D-2", the latest
    Record("r-9", "rate", "ann", MID, 7),
    Record("r-10", "rate", "ann", MID, 8),  # same instant as r-9: "r-9" > "r-10" as text, so r-9 is the latest
]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def source(request, tmp_path):
    if request.param == "memory":
        return RecordsMetricSource(RECORDS)
    if request.param == "sqlite":
        return make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
    if not os.environ.get("SCOREKIT_POSTGRES") and os.environ.get("SCOREKIT_REQUIRE_POSTGRES") != "1":
        pytest.skip("SCOREKIT_POSTGRES is not set: PostgreSQL tests skipped (run them with scripts/with-postgres)")
    from test_postgres import records_source

    return records_source(request.getfixturevalue("postgres_pool"), RECORDS, table="column_records")


def fields(aggregate):
    """The digits of an aggregate, its latest instant in UTC and id: 4.00 is not 4."""
    at = None if aggregate.last_at is None else aggregate.last_at.in_timezone("UTC").isoformat()
    return str(aggregate.total), str(aggregate.count), str(aggregate.last_value), at, aggregate.last_id


DEALS = ("deals", SUM, MAR, APR)
REVENUE = ("revenue", AVERAGE, MAR, APR)
RATE = ("rate", LAST, MAR, APR)
EMPTY_WINDOW = ("deals", SUM, MID, MID)
FROM_MID = ("deals", SUM, MID, APR)
NOBODY = ("deals", LAST, MAR, APR)


class TestWorkedExamples:
    def test_each_column_by_hand(self, source):
        assert isinstance(source, ColumnSource)
        columns = {
            DEALS: frozenset({"ann", "eve"}),
            REVENUE: frozenset({"ann", "bob", "eve"}),
            RATE: frozenset({"ann"}),
            EMPTY_WINDOW: frozenset({"ann"}),
            FROM_MID: frozenset({"ann"}),
            NOBODY: frozenset(),
        }
        answers = source.aggregate_columns(columns)
        assert set(answers) == set(columns)
        # c1 at the start and c2 count (3 + 4 = 7); c0 is before, c3 exactly at the end
        assert fields(answers[DEALS]["ann"]) == ("7", "2", "4", MID.isoformat(), "c2")
        assert answers[DEALS]["eve"] == Aggregate.EMPTY
        # ann: 1000 x 0.25 + 200 + 300 = 750.00 over 0.25 + 1 + 1 = 2.25 records; D-3 wins the tie with D-2
        ann = answers[REVENUE]["ann"]
        assert fields(ann) == ("750.00", "2.25", "300", TIE.isoformat(), "D-3")
        assert str(ann.value(AVERAGE)) == "333.3333333333333333333333333333333"  # 750 / 2.25, 34 digits
        # bob: 1000 x 0.75 = 750.00, counted 0.75
        assert fields(answers[REVENUE]["bob"]) == ("750.00", "0.75", "1000", "2024-03-10T00:00:00+00:00", "D-1")
        assert answers[REVENUE]["eve"] == Aggregate.EMPTY
        # 7 + 8 = 15; the latest is r-9 ("r-9" > "r-10" as text), so LAST is 7
        assert fields(answers[RATE]["ann"]) == ("15", "2", "7", MID.isoformat(), "r-9")
        assert answers[RATE]["ann"].value(LAST) == 7
        assert answers[EMPTY_WINDOW] == {"ann": Aggregate.EMPTY}  # [MID, MID) holds nothing, not even c2
        assert fields(answers[FROM_MID]["ann"]) == ("4", "1", "4", MID.isoformat(), "c2")  # c2 exactly at the start
        assert answers[NOBODY] == {}

    def test_each_subject_gets_what_aggregate_gives_its_cell(self, source):
        columns = {DEALS: frozenset({"ann", "eve"}), REVENUE: frozenset({"ann", "bob", "eve"}), RATE: {"ann"}}
        answers = source.aggregate_columns(columns)
        cells = {
            (key, who): Cell(key[0], key[1], who, key[2], key[3]) for key, people in columns.items() for who in people
        }
        by_cell = source.aggregate(cells.values())
        for (key, who), cell in cells.items():
            assert fields(answers[key][who]) == fields(by_cell[cell]), (key, who)

    def test_the_same_instants_in_another_zone_answer_alike(self, source):
        warsaw = ("deals", SUM, MAR.in_timezone("Europe/Warsaw"), APR.in_timezone("Europe/Warsaw"))
        answers = source.aggregate_columns({warsaw: frozenset({"ann"})})
        assert fields(answers[warsaw]["ann"]) == ("7", "2", "4", MID.isoformat(), "c2")

    def test_cells_of_two_accumulations_of_one_window_count_once_each(self, source):
        # aggregate groups cells per metric and window: one subject asked twice must not be counted twice
        as_sum, as_last = Cell("deals", SUM, "ann", MAR, APR), Cell("deals", LAST, "ann", MAR, APR)
        answers = source.aggregate([as_sum, as_last])
        assert fields(answers[as_sum]) == fields(answers[as_last]) == ("7", "2", "4", MID.isoformat(), "c2")

    def test_no_columns_no_answers(self, source):
        assert source.aggregate_columns({}) == {}


class TestOneQuery:
    def test_sqlite_answers_every_column_with_one_statement(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        statements = []
        connect = sqlite3.connect

        def traced(*args, **kwargs):
            db = connect(*args, **kwargs)
            db.set_trace_callback(statements.append)
            return db

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sqlite3, "connect", traced)
            source.aggregate_columns({DEALS: frozenset({"ann", "eve"}), REVENUE: frozenset({"ann", "bob"})})
        assert len(statements) == 1, statements
        assert source.queries == 1

    def test_subjects_only_in_empty_columns_ask_nothing(self, tmp_path):
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        assert source.aggregate_columns({DEALS: frozenset()}) == {DEALS: {}}
        assert source.queries == 0

    def test_memory_counts_its_calls(self):
        source = RecordsMetricSource(RECORDS)
        source.aggregate_columns({DEALS: frozenset({"ann"})})
        source.aggregate([Cell("deals", SUM, "ann", MAR, APR)])
        assert (source.calls, source.column_calls, source.aggregate_calls, source.measure_calls) == (2, 1, 1, 0)


NAIVE = MAR.naive()

# (the key, its subjects) with a mistake, the Cell arguments with the same mistake, what the message must name
MISTAKES = [
    ((5, SUM, MAR, APR), {"ann"}, (5, SUM, "ann", MAR, APR), "got 5"),
    (("", SUM, MAR, APR), {"ann"}, ("", SUM, "ann", MAR, APR), "got ''"),
    (("deals", "median", MAR, APR), {"ann"}, ("deals", "median", "ann", MAR, APR), "got 'median'"),
    (("deals", SUM, NAIVE, APR), {"ann"}, ("deals", SUM, "ann", NAIVE, APR), "naive 2024-03-01T00:00:00"),
    (("deals", SUM, MAR, "2024-04-01"), {"ann"}, ("deals", SUM, "ann", MAR, "2024-04-01"), "'2024-04-01'"),
    (("deals", SUM, APR, MAR), {"ann"}, ("deals", SUM, "ann", APR, MAR), "[2024-04-01T00:00:00+00:00, 2024-03-01"),
    (DEALS, ["ann"], ("deals", SUM, ["ann"], MAR, APR), "got ['ann']"),
    (DEALS, "ann", None, "got 'ann'"),  # a string is not a set of ids (a Cell would take it as one id)
    (DEALS, {"ann", 5}, ("deals", SUM, 5, MAR, APR), "got 5"),
    (DEALS, {"ann", ""}, ("deals", SUM, "", MAR, APR), "got ''"),
    (DEALS, {"a\x00b"}, ("deals", SUM, "a\x00b", MAR, APR), "'a\\x00b'"),
]


class TestBadColumns:
    @pytest.mark.parametrize(("key", "subjects", "cell", "named"), MISTAKES)
    def test_raise_what_a_cell_raises_for_the_same_mistake(self, key, subjects, cell, named):
        source = RecordsMetricSource(RECORDS)
        expected = InvalidScorecard
        if cell is not None:
            with pytest.raises((InvalidParameter, InvalidPeriod, InvalidScorecard)) as raised:
                Cell(*cell)
            expected = type(raised.value)
        with pytest.raises(expected) as error:
            source.aggregate_columns({key: subjects})
        assert type(error.value) is expected
        assert named in str(error.value)

    def test_a_key_or_columns_of_the_wrong_shape(self):
        source = RecordsMetricSource(RECORDS)
        with pytest.raises(InvalidParameter, match=r"tuple \(metric, accumulation, start, end\), got \('deals',"):
            source.aggregate_columns({("deals", SUM, MAR): {"ann"}})
        with pytest.raises(InvalidParameter, match="got list"):
            source.aggregate_columns([(DEALS, {"ann"})])

    @pytest.mark.parametrize("kind", ["sqlite", "memory"])
    def test_every_source_checks_alike(self, tmp_path, kind):
        source = RecordsMetricSource(RECORDS) if kind == "memory" else make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        with pytest.raises(InvalidScorecard, match="got 5"):
            source.aggregate_columns({DEALS: {"ann", 5}})
        with contextlib.suppress(AttributeError):
            assert source.queries == 0  # refused before asking the database

    def test_a_string_accumulation_is_read_as_a_cell_reads_it(self):
        source = RecordsMetricSource(RECORDS)
        key = ("deals", "sum", MAR, APR)
        assert source.aggregate_columns({key: frozenset({"ann"})})[key]["ann"].total == Decimal(7)


class TestSQLiteRowsRefused:
    @pytest.mark.parametrize("at", ["2024-03-30T24:00:00.000000Z", "2024-02-30T10:00:00.000000Z"])
    def test_an_instant_of_the_right_form_that_is_no_instant_is_a_storage_error(self, tmp_path, at):
        # not the latest row of its window (c2 is): every row's instant is read, not only the latest's
        source = make_sqlite(tmp_path / "crm.sqlite3", RECORDS)
        with contextlib.closing(sqlite3.connect(source.path)) as db, db:
            db.execute("INSERT INTO records VALUES ('bad', 'deals', 'ann', ?, '1', '1')", (at,))
        window = ("deals", SUM, pendulum.datetime(2024, 2, 1, tz="UTC"), APR)
        with pytest.raises(StorageError, match=rf"record 'bad': occurred_at must be UTC text .* got '{at}'"):
            source.aggregate_columns({window: frozenset({"ann"})})
        with pytest.raises(StorageError, match="record 'bad'"):
            source.aggregate([Cell("deals", SUM, "ann", window[2], APR)])
        with pytest.raises(StorageError, match="record 'bad'"):  # measure reads its rows the same way
            source.measure([MetricRequest("deals", frozenset({"ann"}), window[2], APR)])
