"""scorekit.spark: the mapInPandas function, alone (pandas only) and on a real local Spark.

Without pyspark the whole module skips with one line, unless SCOREKIT_REQUIRE_SPARK=1 (set
by .ci/run), which makes a missing pyspark or Java a failure.  Every expected value comes
from `scorekit.score` on the Python objects the documents were written from.
"""

import datetime as _dt
import importlib.util
import json
import os
import random
import subprocess
import sys
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    Evidence,
    InvalidDocument,
    InvalidNumber,
    Measurement,
    Metric,
    MissingMeasurement,
    Parameter,
    Scorecard,
    Team,
    User,
    Weight,
    codec,
    score,
)

REQUIRED = os.environ.get("SCOREKIT_REQUIRE_SPARK") == "1"

if importlib.util.find_spec("pyspark") is None:
    if REQUIRED:
        pytest.fail("SCOREKIT_REQUIRE_SPARK=1 but pyspark is not installed: pip install -e '.[spark]' --group dev")
    pytest.skip(
        "pyspark is not installed: pip install 'scorekit[spark]' to run the Spark tests", allow_module_level=True
    )

import pandas as pd  # noqa: E402 - after the skip above

from scorekit import spark as sks  # noqa: E402

# pyspark 4 warns that it does not "fully support" pandas 3; these tests show that what
# scorekit.spark uses works with it
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
from scorekit import strategies  # noqa: E402

# -- rows: cards of every kind, in several zones, at instants around their periods -------------

ZONES = ("UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Atlantic/Azores")
CADENCES = (
    Cadence.monthly(Date(2024, 1, 31)),
    Cadence.quarterly(Date(2024, 4, 1)),
    Cadence.every(Date(2024, 1, 1), weeks=2),
    Cadence.every(Date(2023, 12, 30), days=10),
)
TARGETS = (1, 5, 10, "12.5", 100, "2500.75", 250_000)


def _parameter(rng, key, weight, period):
    direction = rng.choice((Direction.HIGHER_IS_BETTER, Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER))
    target = rng.choice(TARGETS if direction is Direction.HIGHER_IS_BETTER else (0, *TARGETS))
    extra = {}
    if rng.random() < 0.3:
        extra["cap"] = rng.choice(("1", "1.2", "1.5"))
    if rng.random() < 0.3:
        extra["threshold"] = rng.choice(("0.5", "0.8", "1"))
    if rng.random() < 0.2:
        extra["counts_from"] = period.start.add(days=rng.randrange(period.days))
        extra["prorate"] = rng.random() < 0.5
    kind = Metric.custom(key, "units") if rng.random() < 0.15 else Metric(key, "units")
    return Parameter(kind, target, weight, direction=direction, **extra)


def _value(rng, target):
    scale = max(Decimal(target), Decimal(1))
    return rng.choice(
        (
            rng.randint(-2, int(scale * 2) + 2),
            str((scale * Decimal(rng.randint(0, 300)) / 100).quantize(Decimal("0.01"))),
        )
    )


def _measurement(rng, parameter, card):
    value = _value(rng, parameter.target)
    if rng.random() < 0.7:
        return value
    start, _end = card.period.instants(card.timezone)
    evidence = tuple(
        Evidence(f"{parameter.key}-{i}", start.add(hours=rng.randrange(24 * 10)), rng.randint(1, 9), label="ACME")
        for i in range(rng.randint(0, 3))
    )
    return Measurement(value, evidence)


def generated(count, *, seed=14):
    """`count` (tenant, card, measurements, as_of) rows; every fifth reuses an earlier card."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    rows = []
    for i in range(count):
        if i % 5 == 4:
            tenant, card, _, _ = rows[rng.randrange(len(rows))]
        else:
            tenant = f"tenant-{rng.randrange(7)}"
            cadence = rng.choice(CADENCES)
            period = cadence.period(rng.randrange(-2, 8))
            n = rng.randint(1, 5)
            parameters = [_parameter(rng, f"m{k}", weight, period) for k, weight in enumerate(Weight.split_evenly(n))]
            if rng.random() < 0.2:
                parameters.append(Parameter("retired", 10, 40, active=False))
            owner = User(f"u{i}") if rng.random() < 0.8 else Team(f"t{i % 9}", [f"u{i}", f"u{i + 1}"])
            card = Scorecard(f"card-{i}", owner, cadence, period, parameters, timezone=rng.choice(ZONES))
        measurements = {p.key: _measurement(rng, p, card) for p in card.active_parameters}
        start, end = card.period.instants(card.timezone)
        span = int((end - start).total_seconds())
        instant = start.add(seconds=rng.randint(-3 * 86_400, span + 3 * 86_400))
        as_of = instant.in_timezone(rng.choice(("UTC", "Asia/Kolkata", "America/New_York"))).isoformat()
        rows.append((tenant, card, measurements, as_of))
    return rows


def as_text(rows):
    return [(tenant, codec.dumps(card), sks.dumps_measurements(m), as_of) for tenant, card, m, as_of in rows]


def expected(tenant, card, measurements, as_of):
    """What one output row must hold: from score() on the objects, every number as str(Decimal)."""
    result = score(card, measurements, as_of=pendulum.parse(as_of))

    def text(value):
        return None if value is None else str(value)

    return {
        "tenant": tenant,
        "card_id": card.id,
        "owner": card.owner.id,
        "owner_kind": "team" if isinstance(card.owner, Team) else "user",
        "period_start": _dt.date(card.period.start.year, card.period.start.month, card.period.start.day),
        "period_end": _dt.date(card.period.end.year, card.period.end.month, card.period.end.day),
        "as_of": pendulum.parse(as_of).in_timezone("UTC").isoformat(),
        "total": str(result.total),
        "percent": str(result.percent()),
        "projected": text(result.projected),
        "status": result.status.value,
        "parameters": [
            {
                "metric": p.key,
                "actual": text(p.actual),
                "target": text(p.target),
                "achievement": text(p.achievement),
                "effective": text(p.effective),
                "contribution": text(p.contribution),
                "expected": text(p.expected),
                "projected": text(p.projected),
                "status": p.status.value,
            }
            for p in result.parameters
        ],
        "error": None,
    }


def frame(rows):
    return pd.DataFrame(rows, columns=["tenant", "card", "measurements", "as_of"])


def scored(rows, **kwargs):
    """Every output row of score_partitions over `rows` fed as frames of 50 rows, as plain dicts."""
    text = as_text(rows) if rows and not isinstance(rows[0][1], str) else rows
    frames = [frame(text[i : i + 50]) for i in range(0, len(text), 50)]
    out = pd.concat(list(sks.score_partitions(iter(frames), **kwargs)), ignore_index=True)
    return out.to_dict("records")


# -- the partition function alone ---------------------------------------------------------------


class TestPartitionFunction:
    def test_every_row_equals_score(self):
        rows = generated(400, seed=3)
        got = scored(rows)
        assert len(got) == len(rows)
        for row, out in zip(rows, got, strict=True):
            assert out == expected(*row)

    def test_a_worked_example(self):
        # 10 deals wanted in April (30 days), 4 by the end of April 15 (local): 4/10 = 0.4 achieved,
        # pace 4 * 30 / 15 = 8 deals -> projected 0.8 -> behind; 40.00 percent
        april = Cadence.monthly(Date(2024, 4, 1))
        card = Scorecard("ann-april", User("ann"), april, april.period(0), [Parameter("deals_won", 10, 100)])
        (out,) = scored([("acme", card, {"deals_won": 4}, "2024-04-15T12:00:00+00:00")])
        assert (out["total"], out["percent"], out["projected"], out["status"]) == ("0.4", "40.00", "0.8", "behind")
        assert out["parameters"][0]["expected"] == "0.5"
        assert out["period_start"] == _dt.date(2024, 4, 1)
        assert out["period_end"] == _dt.date(2024, 5, 1)

    def test_as_of_is_an_instant_in_any_offset_and_comes_back_in_utc(self):
        # 22:30 UTC on March 31 is 00:30 on April 1 in Warsaw (+02:00): the card's first day has begun
        april = Cadence.monthly(Date(2024, 4, 1))
        card = Scorecard(
            "c", User("ann"), april, april.period(0), [Parameter("deals_won", 10, 100)], timezone="Europe/Warsaw"
        )
        same = [
            "2024-03-31T22:30:00Z",
            "2024-03-31T22:30:00+00:00",
            "2024-04-01T00:30:00+02:00",
            "2024-04-01T04:00:00+05:30",
        ]
        got = scored([("t", card, {"deals_won": 1}, as_of) for as_of in same])
        assert {out["as_of"] for out in got} == {"2024-03-31T22:30:00+00:00"}
        assert {out["parameters"][0]["expected"] for out in got} == {"0.0" + "3" * 34}  # day 1 of 30, 34 digits
        before = scored([("t", card, {"deals_won": 1}, "2024-03-31T21:59:59+00:00")])[0]
        assert (before["status"], before["projected"]) == ("not_started", None)

    def test_json_numbers_are_read_exactly(self):
        april = Cadence.monthly(Date(2024, 4, 1))
        card = Scorecard("c", User("ann"), april, april.period(0), [Parameter("revenue", 3, 100)])
        out = scored([("t", codec.dumps(card), '{"revenue": 0.1}', "2024-05-01T00:00:00Z")])[0]
        assert out["total"] == "0.0" + "3" * 34  # 0.1 / 3 to 34 digits; float(0.1) would give ...3335
        assert sks.loads_measurements('{"revenue": 1.10}') == {"revenue": Decimal("1.10")}
        assert str(sks.loads_measurements('{"revenue": 1.10}')["revenue"]) == "1.10"

    def test_other_columns_are_carried_in_front_unchanged(self):
        rows = as_text(generated(5))
        data = frame(rows).assign(region=["n", "s", "e", "w", "n"], seq=range(5))
        (out,) = sks.score_partitions(iter([data]))
        assert list(out.columns) == ["tenant", "region", "seq", *sks.RESULT_COLUMNS]
        assert out["region"].tolist() == ["n", "s", "e", "w", "n"]
        assert out["seq"].tolist() == [0, 1, 2, 3, 4]

    def test_an_empty_frame_gives_an_empty_frame(self):
        (out,) = sks.score_partitions(iter([frame([])]))
        assert len(out) == 0
        assert list(out.columns) == ["tenant", *sks.RESULT_COLUMNS]

    @given(st.data())
    def test_property_any_card_scores_as_score_does(self, data):
        card = data.draw(strategies.scorecards())
        measurements = data.draw(strategies.measurements_for(card))
        as_of = data.draw(strategies.instants_for(card)).isoformat()
        assert scored([("t", card, measurements, as_of)]) == [expected("t", card, measurements, as_of)]


class TestDecodeCache:
    @pytest.fixture
    def decodes(self, monkeypatch):
        calls = []
        real = codec.loads

        def counting(text, cls):
            calls.append(text)
            return real(text, cls)

        monkeypatch.setattr(codec, "loads", counting)
        return calls

    def test_each_distinct_card_is_decoded_once_per_partition(self, decodes):
        rows = as_text(generated(4))
        many = [(*rows[i % 4][:3], f"2024-0{1 + i % 9}-15T00:00:00Z") for i in range(60)]
        out = scored(many)  # 60 rows in frames of 50: one partition, two frames
        assert len(out) == 60
        assert len(decodes) == 4
        assert sorted(decodes) == sorted({r[1] for r in rows})

    def test_a_new_partition_decodes_again(self, decodes):
        rows = as_text(generated(3))
        scored(rows)
        scored(rows)
        assert len(decodes) == 6

    def test_the_cache_keeps_the_most_recently_used(self, decodes, monkeypatch):
        monkeypatch.setattr(sks, "CARD_CACHE_SIZE", 2)
        a, b, c = as_text(generated(3))
        scored([a, b, a, c, a, a])  # c evicts b, the least recently used; a stays
        assert len(decodes) == 3
        scored([a, b, c, a])  # c evicts a
        assert len(decodes) == 3 + 4

    def test_a_bad_card_document_is_read_once_too(self, decodes):
        bad = ("t", '{"schema": 1}', "{}", "2024-01-01T00:00:00Z")
        got = scored([bad, bad, bad], errors="column")
        assert len(decodes) == 1
        assert all(out["error"].startswith("InvalidDocument: not a valid Scorecard document") for out in got)


GOOD = generated(1)[0]


_GOOD = object()


def _row(card=_GOOD, measurements=_GOOD, as_of=_GOOD):
    _tenant, good_card, good_measurements, _ = as_text([GOOD])[0]
    good_as_of = GOOD[1].period.instants("UTC")[1].add(days=1).isoformat()  # after the period: all started
    return (
        "t",
        good_card if card is _GOOD else card,
        good_measurements if measurements is _GOOD else measurements,
        good_as_of if as_of is _GOOD else as_of,
    )


BAD_ROWS = {
    "card not JSON": (_row(card="{not json"), InvalidDocument, "not valid JSON"),
    "card of another schema": (_row(card='{"schema": 3}'), InvalidDocument, '"schema": 1 or 2, got 3'),
    "card missing": (_row(card=float("nan")), InvalidDocument, "the card column must hold a Scorecard document"),
    "measurements not JSON": (_row(measurements="[1,"), InvalidDocument, "not valid JSON"),
    "measurements a list": (_row(measurements="[1]"), InvalidDocument, "must be a JSON object"),
    "measurements null": (_row(measurements=None), InvalidDocument, "the measurements column must hold"),
    "a value true": (_row(measurements='{"m0": true}'), InvalidDocument, "m0: expected a decimal string"),
    "a value false": (_row(measurements='{"m0": false}'), InvalidDocument, "m0: expected a decimal string"),
    "a value NaN": (_row(measurements='{"m0": NaN}'), InvalidDocument, "NaN is not a number JSON allows"),
    "a value 'NaN'": (_row(measurements='{"m0": "NaN"}'), InvalidDocument, "m0: the value must be a finite number"),
    "a value a word": (_row(measurements='{"m0": "lots"}'), InvalidDocument, "m0: the value must be a finite number"),
    "a bad Measurement": (
        _row(measurements='{"m0": {"value": "1", "evidence": [{"id": "x"}]}}'),
        InvalidDocument,
        "evidence[0].occurred_at: required field missing",
    ),
    "no measurement": (_row(measurements="{}"), MissingMeasurement, "no measurement for active metric"),
    "as_of naive": (_row(as_of="2024-03-10T12:00:00"), InvalidDocument, "has no offset"),
    "as_of a date": (_row(as_of="10/03/2024"), InvalidDocument, "ISO 8601 text with an offset"),
    "as_of a timestamp": (
        _row(as_of=pd.Timestamp("2024-03-10T12:00:00")),
        InvalidDocument,
        "format a timestamp column with date_format",
    ),
}


class TestBadRows:
    @pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
    def test_raises_a_scorekit_error_naming_the_row(self, case):
        row, error, text = BAD_ROWS[case]
        rows = [*as_text(generated(2, seed=5)), row]
        with pytest.raises(error) as info:
            scored(rows)
        assert text in str(info.value)
        assert str(info.value).startswith("row 3 of the partition")

    def test_the_message_names_the_card_once_it_is_read(self):
        with pytest.raises(MissingMeasurement, match=r"^row 1 of the partition \(card 'card-0'\): "):
            scored([_row(measurements="{}")])

    @pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
    def test_or_fills_the_error_column_and_scores_the_rest(self, case):
        row, error, text = BAD_ROWS[case]
        good = generated(2, seed=5)
        got = scored([*as_text(good[:1]), row, *as_text(good[1:])], errors="column")
        assert [out["card_id"] for out in got][::2] == ["card-0", "card-1"]
        assert got[0] == expected(*good[0])
        assert got[2] == expected(*good[1])
        bad = got[1]
        assert bad["error"].startswith(f"{error.__name__}: ")
        assert text in bad["error"]
        assert bad["total"] is None
        assert bad["parameters"] is None
        assert bad["tenant"] == "t"
        card_read = case not in {"card not JSON", "card of another schema", "card missing"}
        assert (bad["card_id"] == GOOD[1].id) is card_read

    def test_missing_columns_are_named(self):
        with pytest.raises(InvalidDocument, match=r"lack the column\(s\) measurements, as_of"):
            next(sks.score_partitions(iter([pd.DataFrame({"card": ["{}"]})])))

    def test_a_carried_column_may_not_shadow_a_result_column(self):
        data = frame(as_text(generated(1))).assign(total=[1])
        with pytest.raises(InvalidDocument, match=r"input column\(s\) total would clash"):
            next(sks.score_partitions(iter([data])))

    def test_errors_must_be_raise_or_column(self):
        with pytest.raises(ValueError, match="errors must be 'raise' or 'column', got 'ignore'"):
            next(sks.score_partitions(iter([frame([])]), errors="ignore"))


class TestMeasurementsDocument:
    def test_round_trip_keeps_every_digit_and_the_evidence(self):
        at = pendulum.datetime(2024, 3, 2, 9, 30, tz="Europe/Warsaw")
        given = {
            "deals_won": 4,
            "revenue": "1250.50",
            "refunds": Decimal("-0.000000000001"),
            "calls": Measurement("12", (Evidence("c1", at, 5, label="ACME"), Evidence(7, at, 7))),
        }
        text = sks.dumps_measurements(given)
        back = sks.loads_measurements(text)
        assert back == {
            "deals_won": Decimal(4),
            "revenue": Decimal("1250.50"),
            "refunds": Decimal("-0.000000000001"),
            "calls": given["calls"],
        }
        assert str(back["revenue"]) == "1250.50"
        assert json.loads(text)["calls"]["schema"] == 2

    def test_a_measurement_document_may_leave_out_its_schema_and_use_numbers(self):
        text = '{"calls": {"value": 2.50, "evidence": [{"id": "c1", "occurred_at": "2024-03-02T09:00:00Z", "value": 2.50, "label": ""}]}}'
        (calls,) = sks.loads_measurements(text).values()
        assert calls.value == Decimal("2.50")
        assert calls.evidence[0].value == Decimal("2.50")

    def test_null_is_no_record_yet(self):
        # null reaches score() as Measurement(None), whatever score makes of it for a level
        april = Cadence.monthly(Date(2024, 4, 1))
        card = Scorecard(
            "c",
            User("ann"),
            april,
            april.period(0),
            [
                Parameter(Metric("conversion", "%", accumulation=Accumulation.AVERAGE), "0.25", 50),
                Parameter("deals_won", 10, 50),
            ],
        )
        text = '{"conversion": null, "deals_won": null}'
        assert sks.loads_measurements(text) == {"conversion": Measurement(None), "deals_won": Measurement(None)}
        (out,) = scored([("t", codec.dumps(card), text, "2024-04-10T00:00:00Z")])
        want = expected(
            "t", card, {"conversion": Measurement(None), "deals_won": Measurement(None)}, "2024-04-10T00:00:00Z"
        )
        assert out == want
        assert out["parameters"][1]["actual"] == "0"  # a SUM with no record is 0
        assert sks.loads_measurements(sks.dumps_measurements({"conversion": Measurement(None)})) == {
            "conversion": Measurement(None)
        }

    def test_dumps_refuses_what_is_not_a_number(self):
        with pytest.raises(InvalidNumber, match="the measurement of 'calls'"):
            sks.dumps_measurements({"calls": float("nan")})
        with pytest.raises(InvalidDocument, match="metric keys"):
            sks.dumps_measurements({1: 2})

    def test_loads_refuses_what_is_not_text(self):
        with pytest.raises(InvalidDocument, match="must be JSON text"):
            sks.loads_measurements({"calls": 1})


class TestWorkersWithoutScorekit:
    """What score_dataframe ships to the workers fails in one line where scorekit is missing (issue 23)."""

    def test_names_the_fix_in_the_last_line(self):
        from pyspark import cloudpickle

        shipped = cloudpickle.dumps(sks._on_workers("raise"))
        # a worker: pyspark and pandas are there, scorekit is not
        code = (
            "import importlib.abc, pickle, sys\n"
            "class Hide(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.partition('.')[0] == 'scorekit': raise ModuleNotFoundError(name, name=name)\n"
            "sys.meta_path.insert(0, Hide())\n"
            "function = pickle.loads(sys.stdin.buffer.read())\n"
            "print('unpickled')\n"
            "list(function(iter([])))\n"
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code], input=shipped, capture_output=True, check=False, timeout=120
        )
        assert result.stdout.decode().strip() == "unpickled"  # nothing of scorekit was needed to unpickle it
        last = result.stderr.decode().strip().splitlines()[-1]
        assert last == f"ModuleNotFoundError: {sks._WORKERS_WITHOUT_SCOREKIT}"
        assert "During handling" not in result.stderr.decode()

    def test_scores_where_scorekit_is_installed(self):
        from pyspark import cloudpickle

        shipped = cloudpickle.loads(cloudpickle.dumps(sks._on_workers("column")))
        rows = pd.DataFrame({"card": ["{}"], "measurements": ["{}"], "as_of": ["2024-04-15T12:00:00+00:00"]})
        (out,) = shipped(iter([rows]))
        assert out.loc[0, "error"].startswith("InvalidDocument: ")


class TestOptionalImport:
    def _run(self, code):
        return subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
        )

    @pytest.mark.parametrize("hidden", ["pyspark", "pandas", "pyarrow"])
    @pytest.mark.parametrize("how", ["sys.modules", "finder"])
    def test_importing_without_the_extra_names_it_in_one_line(self, hidden, how):
        hide = (
            f"sys.modules[{hidden!r}] = None\n"
            if how == "sys.modules"
            else "import importlib.abc\n"
            "class Hide(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            f"        if name == {hidden!r}: raise ModuleNotFoundError(name, name=name)\n"
            "sys.meta_path.insert(0, Hide())\n"
        )
        result = self._run(f"import sys\n{hide}import scorekit.spark\n")
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1] == (
            f"ImportError: scorekit.spark needs {hidden}, which is not installed: pip install 'scorekit[spark]'"
        )
        assert "During handling" not in result.stderr

    def test_importing_loads_neither_pyspark_nor_pandas(self):
        result = self._run(
            "import sys, scorekit.spark\nprint(sorted({'pyspark', 'pandas', 'pyarrow'} & set(sys.modules)))"
        )
        assert result.stdout.strip() == "[]", result.stderr


def test_the_result_schema_and_the_ddl_name_the_same_columns():
    schema = sks.result_schema()
    assert tuple(schema.fieldNames()) == sks.RESULT_COLUMNS
    assert [f.name for f in schema["parameters"].dataType.elementType.fields] == list(expected(*GOOD)["parameters"][0])


# -- on a real local Spark ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("scorekit-tests")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
    except Exception as error:  # noqa: BLE001 - no Java, or a JVM that will not start: py4j says which
        if REQUIRED:
            pytest.fail(f"SCOREKIT_REQUIRE_SPARK=1 but Spark does not start: {error}")
        pytest.skip(f"a local Spark does not start here ({type(error).__name__}): is Java 17 installed?")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


SPARK_ROWS = 3000  # 2,400 distinct cards: every fifth row scores an earlier card again


def test_spark_scores_every_row_as_score_does(spark):
    rows = generated(SPARK_ROWS)
    data = spark.createDataFrame(as_text(rows), "tenant STRING, card STRING, measurements STRING, as_of STRING")
    result = sks.score_dataframe(data.repartition(2, "tenant"))
    assert result.schema == sks.result_schema(data.schema)
    got = sorted((row.asDict(recursive=True) for row in result.collect()), key=lambda r: (r["card_id"], r["as_of"]))
    want = sorted((expected(*row) for row in rows), key=lambda r: (r["card_id"], r["as_of"]))
    assert len(got) == SPARK_ROWS
    mismatches = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
    assert not mismatches, f"{len(mismatches)} of {SPARK_ROWS} rows differ, first: {mismatches[0]}"


def test_spark_takes_the_ddl_and_reports_bad_rows_in_the_error_column(spark):
    from functools import partial

    good = as_text(generated(3, seed=9))
    rows = [r[1:] for r in good] + [("{}", "{}", "2024-01-01T00:00:00Z")]
    data = spark.createDataFrame(rows, "card STRING, measurements STRING, as_of STRING")
    assert spark.createDataFrame([], sks.RESULT_DDL).schema == sks.result_schema()
    out = data.mapInPandas(partial(sks.score_partitions, errors="column"), schema=sks.RESULT_DDL).collect()
    by_id = {row.card_id: row for row in out}
    assert len(out) == 4
    assert by_id[None].error.startswith("InvalidDocument: ")
    for tenant, card, measurements, as_of in generated(3, seed=9):
        want = expected(tenant, card, measurements, as_of)
        del want["tenant"]
        assert by_id[card.id].asDict(recursive=True) == want


def test_spark_fails_the_job_on_a_bad_row_by_default(spark):
    from pyspark.errors import PythonException

    data = spark.createDataFrame(
        [("{}", "{}", "2024-01-01T00:00:00Z")], "card STRING, measurements STRING, as_of STRING"
    )
    with pytest.raises(PythonException, match="row 1 of the partition: a Scorecard document must carry"):
        sks.score_dataframe(data).collect()


def test_the_recipes_timestamp_to_text_keeps_the_instant(spark):
    """docs/scale-out.md formats a timestamp column as ISO text: exact, even in the repeated autumn hour."""
    from pyspark.sql import functions

    # 2024-10-27 in Warsaw: 02:00-03:00 local happens twice (00:00-01:00 UTC at +02:00, then 01:00-02:00 at +01:00)
    instants = [pendulum.datetime(2024, 10, 27, 0, 30, tz="UTC"), pendulum.datetime(2024, 10, 27, 1, 30, tz="UTC")]
    spark.conf.set("spark.sql.session.timeZone", "Europe/Warsaw")
    try:
        data = spark.createDataFrame([(int(i.timestamp()),) for i in instants], "seconds LONG")
        texts = [
            row.as_of
            for row in data.select(
                functions.date_format(functions.timestamp_seconds("seconds"), "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").alias(
                    "as_of"
                )
            ).collect()
        ]
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert texts == ["2024-10-27T02:30:00.000000+02:00", "2024-10-27T02:30:00.000000+01:00"]
    assert [sks._as_of(t) for t in texts] == instants


def test_the_recipes_compact_rows_score_as_score_does(spark):
    """docs/scale-out.md: a long table of DECIMAL values, folded into one measurements document per card."""
    from pyspark.sql import functions

    rows, seen = [], set()
    for tenant, card, measurements, as_of in generated(300, seed=21):
        if card.id not in seen:  # the recipe has one row per card
            seen.add(card.id)
            plain = {k: v.value if isinstance(v, Measurement) else Decimal(v) for k, v in measurements.items()}
            rows.append((tenant, card, plain, as_of))
    cards = spark.createDataFrame(
        [(t, c.id, codec.dumps(c), a) for t, c, _, a in rows],
        "tenant STRING, card_id STRING, card STRING, as_of STRING",
    )
    numbers = spark.createDataFrame(
        [(t, c.id, k, v) for t, c, m, _ in rows for k, v in m.items()],
        "tenant STRING, card_id STRING, metric STRING, value DECIMAL(38, 12)",
    )
    values = numbers.groupBy("tenant", "card_id").agg(
        functions.to_json(
            functions.map_from_entries(
                functions.collect_list(functions.struct("metric", functions.col("value").cast("string")))
            )
        ).alias("measurements")
    )
    compact = cards.join(values, ["tenant", "card_id"], "left").fillna({"measurements": "{}"}).drop("card_id")
    got = {
        row.card_id: row.asDict(recursive=True) for row in sks.score_dataframe(compact.repartition("tenant")).collect()
    }
    assert len(got) == len(rows)
    for tenant, card, plain, as_of in rows:
        want, out = expected(tenant, card, plain, as_of), got[card.id]
        # DECIMAL(38, 12) adds trailing zeros: the same values, so compare them as Decimals
        for key in ("total", "projected"):
            assert (out[key] and Decimal(out[key])) == (want[key] and Decimal(want[key])), (card.id, key)
        assert (out["status"], out["percent"]) == (want["status"], want["percent"])
        for o, w in zip(out["parameters"], want["parameters"], strict=True):
            assert {k: Decimal(v) if k not in {"metric", "status"} and v else v for k, v in o.items()} == {
                k: Decimal(v) if k not in {"metric", "status"} and v else v for k, v in w.items()
            }
