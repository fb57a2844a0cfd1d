"""Behaviour that 0.1's tests left unpinned: each test kills mutants that survived (issue 15)."""

import datetime as dt
from decimal import Decimal

import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    Metric,
    Parameter,
    Period,
    Scorecard,
    User,
    score,
)
from scorekit.period import as_date, first_instant, midnight, zone


class TestErrorClasses:
    """Each bad input raises its own documented class, not merely some ScorekitError."""

    @pytest.mark.parametrize("value", ["2024-02-30", "2024-2-1", "20240201", 20240201, None, "2024-02-01T00:00"])
    def test_bad_dates_are_invalid_periods(self, value):
        with pytest.raises(InvalidPeriod, match="must be a date or an ISO date string 'YYYY-MM-DD'"):
            as_date(value)

    def test_a_datetime_is_not_a_date(self):
        with pytest.raises(InvalidPeriod, match=r"use \.date\(\) in the card's time zone"):
            as_date(dt.datetime(2024, 2, 1, tzinfo=dt.UTC))

    @pytest.mark.parametrize("name", ["Mars/Olympus", "", None, 3, dt.timezone(dt.timedelta(hours=1))])
    def test_bad_zones_are_invalid_periods(self, name):
        with pytest.raises(InvalidPeriod, match="unknown time zone"):
            zone(name)

    def test_zone_accepts_zoneinfo_and_pendulum_zones(self):
        import zoneinfo

        assert zone(zoneinfo.ZoneInfo("Europe/Warsaw")).name == "Europe/Warsaw"
        warsaw = pendulum.timezone("Europe/Warsaw")
        assert zone(warsaw) is warsaw

    def test_bad_thresholds_and_caps_are_invalid_parameters(self):
        with pytest.raises(InvalidParameter, match="threshold must be a finite number"):
            Parameter("deals", 10, 100, threshold="high")
        with pytest.raises(InvalidParameter, match="threshold must be 0 or more"):
            Parameter("deals", 10, 100, threshold=-1)
        with pytest.raises(InvalidParameter, match="cap must be more than 0"):
            Parameter("deals", 10, 100, cap=0)
        with pytest.raises(InvalidParameter, match="threshold 2 must not be above cap 1"):
            Parameter("deals", 10, 100, threshold=2, cap=1)

    def test_bad_display_places_are_invalid_numbers(self):
        from scorekit.numbers import for_display

        with pytest.raises(InvalidNumber):
            for_display(Decimal(1), -1)


class TestPeriodDefaultsAndEdges:
    def test_instants_default_to_utc(self):
        period = Period(Date(2024, 3, 1), Date(2024, 4, 1))
        start, end = period.instants()
        assert start.isoformat() == "2024-03-01T00:00:00+00:00"
        assert end.isoformat() == "2024-04-01T00:00:00+00:00"
        assert start.timezone_name == "UTC"

    def test_periods_in_year_1_and_9999(self):
        first = Cadence.monthly(Date(1, 1, 31))
        assert first.period(0) == Period(Date(1, 1, 31), Date(1, 2, 28))
        assert first.period(1).start == Date(1, 2, 28)
        with pytest.raises(InvalidPeriod, match="outside the supported years 1 to 9999"):
            first.period(-1)
        last = Cadence.monthly(Date(9999, 11, 30))
        assert last.period(0) == Period(Date(9999, 11, 30), Date(9999, 12, 30))
        with pytest.raises(InvalidPeriod, match="outside the supported years 1 to 9999"):
            last.period(1)
        days = Cadence.every(Date(9999, 12, 1), days=10)
        assert days.period(2) == Period(Date(9999, 12, 21), Date(9999, 12, 31))
        with pytest.raises(InvalidPeriod, match="outside the supported years 1 to 9999"):
            days.period(3)
        with pytest.raises(InvalidPeriod, match="outside the supported years 1 to 9999"):
            Cadence.every(Date(1, 1, 5), days=10).period(-1)

    def test_first_instant_refuses_instants_before_year_1(self):
        with pytest.raises(InvalidPeriod, match="outside the supported instants"):
            midnight(Date(1, 1, 1), zone("Asia/Tokyo"))
        assert first_instant(Date(1, 1, 1), zone("UTC")) == dt.datetime(1, 1, 1, tzinfo=dt.UTC)

    def test_29_february_anchor_with_a_12_month_step(self):
        yearly = Cadence.every(Date(2024, 2, 29), months=12)
        # 2025..2027 have no Feb 29: clamp to the 28th; 2028 recovers the 29th (always from the anchor).
        assert [yearly.period(k).start for k in range(5)] == [
            Date(2024, 2, 29),
            Date(2025, 2, 28),
            Date(2026, 2, 28),
            Date(2027, 2, 28),
            Date(2028, 2, 29),
        ]
        assert yearly.index_of(Date(2028, 2, 28)) == 3
        assert yearly.index_of(Date(2028, 2, 29)) == 4
        assert yearly.period(-4).start == Date(2020, 2, 29)

    def test_index_of_near_clamped_month_ends(self):
        c = Cadence.monthly(Date(2024, 1, 30))
        assert c.index_of(Date(2024, 2, 28)) == 0
        assert c.index_of(Date(2024, 2, 29)) == 1  # Feb 29 is period 1's (clamped) start
        assert c.index_of(Date(2024, 3, 29)) == 1
        assert c.index_of(Date(2024, 3, 30)) == 2
        assert c.index_of(Date(2023, 12, 30)) == -1
        assert c.index_of(Date(2023, 12, 29)) == -2

    def test_cadence_reprs_and_names(self):
        assert repr(Cadence.monthly(Date(2024, 1, 1))) == "Cadence.monthly(Date(2024, 1, 1))"
        assert repr(Cadence.quarterly(Date(2024, 1, 1))) == "Cadence.quarterly(Date(2024, 1, 1))"
        assert repr(Cadence.every(Date(2024, 1, 1), months=2)) == "Cadence.every(Date(2024, 1, 1), months=2)"
        assert str(Cadence.every(Date(2024, 1, 1), weeks=2)) == "every 2 weeks from 2024-01-01"
        assert str(Cadence.quarterly(Date(2024, 1, 1))) == "quarterly from 2024-01-01"
        assert repr(Period(Date(2024, 1, 1), Date(2024, 2, 1))) == "Period(Date(2024, 1, 1), Date(2024, 2, 1))"


class TestValuesKeepWhatTheyAreGiven:
    def test_metric_custom_keeps_its_label(self):
        metric = Metric.custom("demo_days", "days", label="Demo days")
        assert (metric.key, metric.unit, metric.label, metric.is_manual) == ("demo_days", "days", "Demo days", True)
        assert metric.display_name == "Demo days"

    def test_card_score_keeps_its_card_and_as_of(self):
        cadence = Cadence.monthly(Date(2024, 1, 1))
        card = Scorecard("c1", User("ann"), cadence, cadence.period(0), [Parameter("deals", 10, 100)])
        as_of = pendulum.datetime(2024, 1, 16, tz="UTC")
        result = score(card, {"deals": 5}, as_of=as_of)
        assert result.card is card
        assert result.as_of == as_of


class TestNumbersAndWeights:
    def test_messages_name_the_field(self):
        from scorekit import InvalidWeight, Weight
        from scorekit.numbers import to_decimal

        with pytest.raises(InvalidNumber, match=r"^value must be a finite number"):
            to_decimal("ten")
        with pytest.raises(InvalidNumber, match=r"^value must be less than 10\*\*15"):
            to_decimal(10**15)
        with pytest.raises(InvalidWeight, match=r"^weight must be a finite number .* got 'ten'"):
            Weight.percent("ten")

    def test_split_evenly_up_to_one_basis_point_each(self):
        from scorekit import InvalidWeight, Weight

        weights = Weight.split_evenly(10_000)
        assert len(weights) == 10_000
        assert {w.basis_points for w in weights} == {1}
        with pytest.raises(InvalidWeight, match="from 1 to 10000"):
            Weight.split_evenly(10_001)
        with pytest.raises(InvalidWeight, match="from 1 to 10000"):
            Weight.split_evenly(0)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("NaN", 0), ("Infinity", 0), ("-0E-5", 0), ("1.000", 0), ("100", 0), ("1E+3", 0), ("0.10", 1), ("-2.5E-3", 4)],
    )
    def test_decimal_places(self, value, expected):
        from scorekit.numbers import decimal_places

        assert decimal_places(Decimal(value)) == expected


class TestPeriodNamesAndIndexes:
    def test_bad_period_dates_are_named(self):
        with pytest.raises(InvalidPeriod, match=r"^period start must be a date"):
            Period("soon", "2024-01-01")
        with pytest.raises(InvalidPeriod, match=r"^period end must be a date"):
            Period("2024-01-01", "later")
        with pytest.raises(InvalidPeriod, match=r"^cadence start must be a date"):
            Cadence.monthly("soon")

    def test_periods_start_at_period_0_by_default(self):
        cadence = Cadence.monthly(Date(2024, 1, 31))
        periods = cadence.periods()
        assert [next(periods), next(periods)] == [cadence.period(0), cadence.period(1)]
        assert next(cadence.periods(-1)) == cadence.period(-1)

    @pytest.mark.parametrize(
        ("anchor", "day", "expected"),
        [
            (Date(2024, 1, 29), Date(2025, 2, 28), 13),  # Feb 2025 clamps the 29th to the 28th
            (Date(2024, 1, 29), Date(2025, 2, 27), 12),
            (Date(2024, 1, 29), Date(2024, 2, 28), 0),  # 2024 has a Feb 29: the 28th is still January's
            (Date(2024, 1, 29), Date(2024, 2, 29), 1),
            (Date(2024, 1, 28), Date(2024, 2, 27), 0),
            (Date(2024, 1, 28), Date(2024, 2, 28), 1),
            (Date(2024, 1, 31), Date(2024, 4, 29), 2),
            (Date(2024, 1, 31), Date(2024, 4, 30), 3),
            (Date(2024, 1, 31), Date(2024, 5, 30), 3),
            (Date(2024, 1, 31), Date(2024, 5, 31), 4),
        ],
    )
    def test_index_of_at_clamped_month_starts(self, anchor, day, expected):
        cadence = Cadence.monthly(anchor)
        assert cadence.index_of(day) == expected
        assert day in cadence.period(expected)


def test_cadence_memoizes_a_bounded_number_of_periods():
    from scorekit.period import _MEMO_SIZE

    cadence = Cadence.every(Date(2024, 1, 1), days=1)
    assert cadence.period(5) is cadence.period(5)  # built once, served from the memo
    # Never more than _MEMO_SIZE entries, not even right after the one that would make _MEMO_SIZE + 1.
    for k in range(_MEMO_SIZE + 1):
        cadence.period(k)
        assert len(cadence._memo) <= _MEMO_SIZE
    for k in range(_MEMO_SIZE + 1, _MEMO_SIZE + 10):
        cadence.period(k)
    assert len(cadence._memo) <= _MEMO_SIZE
    assert cadence.period(_MEMO_SIZE + 9) is cadence.period(_MEMO_SIZE + 9)


def test_as_date_keeps_dates_and_names_its_default_field():
    day = Date(2024, 2, 29)
    assert as_date(day) is day
    assert as_date(dt.date(2024, 2, 29)) == day
    assert type(as_date(dt.date(2024, 2, 29))) is Date
    with pytest.raises(InvalidPeriod, match=r"^date must be a date or an ISO date string"):
        as_date("soon")
    with pytest.raises(InvalidPeriod, match=r"^date must be a calendar date"):
        as_date(dt.datetime(2024, 2, 29, tzinfo=dt.UTC))
