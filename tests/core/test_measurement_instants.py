"""Instants compare as instants (DESIGN "Exactly right at the boundary"; issues 11 and 15)."""

import datetime as dt
import json
import zoneinfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Cadence, Date, Metric, Parameter, Scorecard, User, codec, requests_for, score
from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.measurement import Evidence, ManualEntry, MetricRequest, as_instant, latest_values

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
AZORES = zoneinfo.ZoneInfo("Atlantic/Azores")
MONTHLY = Cadence.monthly(Date(2024, 10, 1))


def repeated_hour(fold, minute=30):
    """02:MM on 2024-10-27 in Warsaw happens twice: fold=0 is 00:MM UTC, fold=1 is 01:MM UTC."""
    return dt.datetime(2024, 10, 27, 2, minute, tzinfo=WARSAW, fold=fold)


def card(**kwargs):
    parameters = kwargs.pop(
        "parameters", [Parameter(Metric("deals"), 10, 50), Parameter(Metric.custom("nps", ""), 5, 50)]
    )
    return Scorecard("c1", User("ann"), MONTHLY, MONTHLY.period(0), parameters, timezone="Europe/Warsaw", **kwargs)


class TestHeldInUtc:
    @pytest.mark.parametrize("fold", [0, 1])
    def test_request_survives_a_json_round_trip_in_the_repeated_hour(self, fold):
        local = pendulum.instance(repeated_hour(fold))
        request = MetricRequest("deals", frozenset({"ann"}), local.subtract(hours=3), local)
        back = codec.loads(codec.dumps(request), MetricRequest)
        assert back == request
        assert hash(back) == hash(request)
        assert {request: 1}[back] == 1  # a host matches its answer to the request

    @pytest.mark.parametrize("fold", [0, 1])
    def test_evidence_survives_a_json_round_trip_in_the_repeated_hour(self, fold):
        evidence = Evidence("deal-1", repeated_hour(fold), 3, "ACME")
        back = codec.loads(codec.dumps(evidence), Evidence)
        assert back == evidence
        assert hash(back) == hash(evidence)

    def test_the_two_readings_of_the_repeated_hour_stay_an_hour_apart(self):
        first, second = (Evidence("e", repeated_hour(f)).occurred_at for f in (0, 1))
        assert first.isoformat() == "2024-10-27T00:30:00+00:00"
        assert second.isoformat() == "2024-10-27T01:30:00+00:00"
        assert first != second

    @given(
        st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2037, 12, 31), timezones=st.timezones())  # noqa: DTZ001 - bounds of naive draws
    )
    def test_any_aware_instant_round_trips(self, instant):
        request = MetricRequest("m", frozenset({"ann"}), instant, instant)
        assert codec.loads(codec.dumps(request), MetricRequest) == request
        assert request.start.utcoffset() == dt.timedelta(0)
        assert request.start.timestamp() == instant.timestamp()

    def test_requests_for_gives_utc_instants(self):
        as_of = pendulum.datetime(2024, 10, 10, 12, tz="Europe/Warsaw")
        (request,) = requests_for(card(), as_of)
        assert request.start.isoformat() == "2024-09-30T22:00:00+00:00"  # Warsaw midnight, CEST
        assert request.end.isoformat() == "2024-10-10T10:00:00+00:00"
        assert json.loads(codec.dumps(request))["start"] == "2024-09-30T22:00:00+00:00"


class TestPep495:
    def test_skipped_wall_time_takes_the_offset_before_the_jump(self):
        # 02:30 on 2024-03-31 does not exist in Warsaw; fold=0 reads it with +01:00 (PEP 495):
        # 01:30 UTC, shown as 03:30 CEST.  pendulum alone would give 00:30 UTC.
        skipped = dt.datetime(2024, 3, 31, 2, 30, tzinfo=WARSAW)
        assert as_instant(skipped).isoformat() == "2024-03-31T03:30:00+02:00"
        assert as_instant(skipped.replace(fold=1)).isoformat() == "2024-03-31T01:30:00+01:00"

    @pytest.mark.parametrize("fold", [0, 1])
    def test_repeated_wall_time_keeps_its_fold(self, fold):
        assert as_instant(repeated_hour(fold)).timestamp() == repeated_hour(fold).timestamp()


class TestManualEntries:
    def test_an_entry_in_the_repeated_hour_after_as_of_never_counts(self):
        # as_of is the first 02:30 (00:30 UTC); the entry is the second 02:10 (01:10 UTC): later,
        # though its wall time is earlier.  Wall-clock comparison counted it (issue 15).
        for zoned in (lambda d: d, pendulum.instance):  # stdlib zoneinfo and pendulum datetimes alike
            entry = ManualEntry("c1", "nps", 4, zoned(repeated_hour(1, minute=10)), "ann")
            assert latest_values(card(), [entry], zoned(repeated_hour(0))) == {}
            assert latest_values(card(), [entry], zoned(repeated_hour(1, minute=10))) == {"nps": 4}
            as_of = pendulum.datetime(2024, 10, 27, 2, 30, tz="Europe/Warsaw", fold=0)
            entry = ManualEntry("c1", "nps", 4, as_of.add(hours=1).subtract(minutes=20), "ann")  # the second 02:10
            assert latest_values(card(), [entry], as_of) == {}

    def test_the_latest_is_by_instant_not_by_wall_time(self):
        earlier = ManualEntry("c1", "nps", 1, repeated_hour(0, minute=50), "ann")  # 00:50 UTC
        later = ManualEntry("c1", "nps", 2, repeated_hour(1, minute=10), "ann")  # 01:10 UTC
        as_of = pendulum.datetime(2024, 10, 27, 12, tz="UTC")
        assert latest_values(card(), [later, earlier], as_of) == {"nps": 2}
        assert latest_values(card(), [earlier, later], as_of) == {"nps": 2}

    def test_an_entry_recorded_exactly_at_as_of_counts(self):
        as_of = pendulum.datetime(2024, 10, 15, 9, tz="Europe/Warsaw")
        entry = ManualEntry("c1", "nps", 5, as_of.in_timezone("UTC"), "ann")
        result = score(card(), {"deals": 0}, as_of=as_of, manual=[entry])
        assert result.parameters[1].actual == 5


def test_a_record_exactly_at_as_of_is_not_counted():
    as_of = pendulum.datetime(2024, 10, 15, 9, tz="Europe/Warsaw")
    source = RecordsMetricSource(
        [Record("at", "deals", "ann", as_of), Record("before", "deals", "ann", as_of.subtract(microseconds=1))]
    )
    (request,) = requests_for(card(parameters=[Parameter("deals", 10, 100)]), as_of)
    measurement = source.measure([request])[request]
    assert [e.id for e in measurement.evidence] == ["before"]


def test_records_are_bucketed_by_instant_in_the_repeated_hour():
    # A daily Azores card: the first 00:30 of Oct 27 is that day's; 23:30 of Oct 26 is not.
    cadence = Cadence.every(Date(2024, 10, 1), days=1)
    day = Scorecard(
        "d",
        User("ann"),
        cadence,
        cadence.period_containing(Date(2024, 10, 27)),
        [Parameter("deals", 1, 100)],
        timezone="Atlantic/Azores",
    )
    records = [
        Record("late", "deals", "ann", dt.datetime(2024, 10, 26, 23, 30, tzinfo=AZORES)),
        Record("first", "deals", "ann", dt.datetime(2024, 10, 27, 0, 30, tzinfo=AZORES, fold=0)),
        Record("second", "deals", "ann", dt.datetime(2024, 10, 27, 0, 30, tzinfo=AZORES, fold=1)),
    ]
    (request,) = requests_for(day, pendulum.datetime(2024, 10, 29, tz="UTC"))
    assert sorted(e.id for e in RecordsMetricSource(records).measure([request])[request].evidence) == [
        "first",
        "second",
    ]
