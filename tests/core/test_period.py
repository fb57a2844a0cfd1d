import datetime as dt

import pendulum
import pytest

from scorekit import Cadence, Date, InvalidPeriod, Period
from scorekit.period import Step, as_date, zone


def starts(cadence, count, k0=0):
    return [cadence.period(k).start for k in range(k0, k0 + count)]


class TestPeriod:
    def test_is_half_open(self):
        p = Period(Date(2024, 1, 1), Date(2024, 2, 1))
        assert Date(2024, 1, 1) in p
        assert Date(2024, 1, 31) in p
        assert Date(2024, 2, 1) not in p
        assert Date(2023, 12, 31) not in p
        assert p.days == 31
        assert p.last_day == Date(2024, 1, 31)

    def test_leap_february(self):
        assert Period(Date(2024, 2, 1), Date(2024, 3, 1)).days == 29
        assert Period(Date(2023, 2, 1), Date(2023, 3, 1)).days == 28

    def test_accepts_stdlib_dates_and_iso_strings(self):
        p = Period(dt.date(2024, 1, 1), "2024-01-15")
        assert p == Period(Date(2024, 1, 1), Date(2024, 1, 15))
        assert type(p.start) is Date
        assert type(p.end) is Date

    @pytest.mark.parametrize(
        ("start", "end"), [(Date(2024, 1, 2), Date(2024, 1, 1)), (Date(2024, 1, 1), Date(2024, 1, 1))]
    )
    def test_end_must_be_after_start(self, start, end):
        with pytest.raises(InvalidPeriod, match="must be after its start"):
            Period(start, end)

    @pytest.mark.parametrize(
        "value",
        [pendulum.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 1)],  # noqa: DTZ001
    )
    def test_a_datetime_is_not_a_date(self, value):
        with pytest.raises(InvalidPeriod, match="must be a calendar date, got the datetime"):
            Period(value, Date(2024, 2, 1))
        with pytest.raises(InvalidPeriod, match="calendar date"):
            _ = value in Period(Date(2023, 1, 1), Date(2025, 1, 1))

    @pytest.mark.parametrize("value", ["2024-1-1", "2024-01-01T00:00", "20240101", 20240101, None])
    def test_rejects_non_dates(self, value):
        with pytest.raises(InvalidPeriod):
            as_date(value)

    def test_warsaw_march_is_743_hours_and_october_745(self):
        march = Period(Date(2024, 3, 1), Date(2024, 4, 1)).instants("Europe/Warsaw")
        october = Period(Date(2024, 10, 1), Date(2024, 11, 1)).instants("Europe/Warsaw")
        assert (march[1] - march[0]).total_seconds() == 743 * 3600
        assert (october[1] - october[0]).total_seconds() == 745 * 3600
        assert march[0].isoformat() == "2024-03-01T00:00:00+01:00"
        assert march[1].isoformat() == "2024-04-01T00:00:00+02:00"

    def test_instants_are_aware_local_midnights(self):
        start, end = Period(Date(2024, 7, 1), Date(2024, 7, 2)).instants("America/New_York")
        assert start.isoformat() == "2024-07-01T00:00:00-04:00"
        assert (end - start).total_seconds() == 24 * 3600

    def test_unknown_time_zone(self):
        with pytest.raises(InvalidPeriod, match="unknown time zone 'Europe/Atlantis'"):
            Period(Date(2024, 1, 1), Date(2024, 2, 1)).instants("Europe/Atlantis")
        with pytest.raises(InvalidPeriod, match="unknown time zone"):
            zone("")

    def test_zone_accepts_tzinfo_objects(self):
        import zoneinfo

        assert zone(zoneinfo.ZoneInfo("Europe/Warsaw")).name == "Europe/Warsaw"
        assert zone(pendulum.timezone("UTC")).name == "UTC"

    def test_orders_by_start(self):
        a = Period(Date(2024, 1, 1), Date(2024, 2, 1))
        b = Period(Date(2024, 2, 1), Date(2024, 3, 1))
        assert sorted([b, a]) == [a, b]


class TestMonthly:
    def test_clamps_to_month_end_and_recovers_over_a_leap_year(self):
        cadence = Cadence.monthly(Date(2024, 1, 31))
        assert starts(cadence, 13) == [
            Date(2024, 1, 31),
            Date(2024, 2, 29),
            Date(2024, 3, 31),
            Date(2024, 4, 30),
            Date(2024, 5, 31),
            Date(2024, 6, 30),
            Date(2024, 7, 31),
            Date(2024, 8, 31),
            Date(2024, 9, 30),
            Date(2024, 10, 31),
            Date(2024, 11, 30),
            Date(2024, 12, 31),
            Date(2025, 1, 31),
        ]
        assert cadence.period(13).start == Date(2025, 2, 28)  # not a leap year

    def test_negative_indexes_go_back_from_the_anchor(self):
        cadence = Cadence.monthly(Date(2024, 3, 31))
        assert starts(cadence, 3, k0=-3) == [Date(2023, 12, 31), Date(2024, 1, 31), Date(2024, 2, 29)]

    def test_day_30_in_february(self):
        cadence = Cadence.monthly(Date(2023, 1, 30))
        assert starts(cadence, 3) == [Date(2023, 1, 30), Date(2023, 2, 28), Date(2023, 3, 30)]
        assert cadence.index_of(Date(2023, 2, 27)) == 0
        assert cadence.index_of(Date(2023, 2, 28)) == 1
        assert cadence.index_of(Date(2023, 3, 29)) == 1
        assert cadence.index_of(Date(2023, 3, 30)) == 2

    def test_index_of_around_clamped_month_ends(self):
        cadence = Cadence.monthly(Date(2024, 1, 31))
        assert cadence.index_of(Date(2024, 2, 28)) == 0
        assert cadence.index_of(Date(2024, 2, 29)) == 1
        assert cadence.index_of(Date(2024, 3, 30)) == 1
        assert cadence.index_of(Date(2024, 3, 31)) == 2
        assert cadence.index_of(Date(2024, 1, 30)) == -1

    def test_period_containing_a_calendar_month(self):
        cadence = Cadence.monthly(Date(2024, 1, 1))
        assert cadence.period_containing(Date(2024, 2, 29)) == Period(Date(2024, 2, 1), Date(2024, 3, 1))
        assert cadence.period_containing("2023-12-31") == Period(Date(2023, 12, 1), Date(2024, 1, 1))

    def test_every_two_months(self):
        cadence = Cadence.every(Date(2024, 1, 31), months=2)
        assert starts(cadence, 4) == [Date(2024, 1, 31), Date(2024, 3, 31), Date(2024, 5, 31), Date(2024, 7, 31)]


class TestQuarterly:
    def test_fiscal_year_from_april(self):
        cadence = Cadence.quarterly(Date(2024, 4, 1))
        assert [str(cadence.period(k)) for k in range(4)] == [
            "[2024-04-01, 2024-07-01)",
            "[2024-07-01, 2024-10-01)",
            "[2024-10-01, 2025-01-01)",
            "[2025-01-01, 2025-04-01)",
        ]
        assert cadence.period_containing(Date(2024, 3, 31)) == Period(Date(2024, 1, 1), Date(2024, 4, 1))

    def test_quarter_from_a_month_end(self):
        cadence = Cadence.quarterly(Date(2023, 11, 30))
        assert starts(cadence, 3) == [Date(2023, 11, 30), Date(2024, 2, 29), Date(2024, 5, 30)]


class TestDaysAndWeeks:
    def test_custom_fourteen_days_rolls_over_by_the_same_length(self):
        cadence = Cadence.custom(Date(2024, 2, 20), Date(2024, 3, 5))
        assert cadence == Cadence.every(Date(2024, 2, 20), days=14)
        assert [str(p) for p in (cadence.period(0), cadence.period(1), cadence.period(-1))] == [
            "[2024-02-20, 2024-03-05)",
            "[2024-03-05, 2024-03-19)",
            "[2024-02-06, 2024-02-20)",
        ]
        assert cadence.index_of(Date(2024, 3, 4)) == 0
        assert cadence.index_of(Date(2024, 3, 5)) == 1
        assert cadence.index_of(Date(2024, 2, 19)) == -1

    def test_weeks(self):
        cadence = Cadence.every(Date(2024, 1, 1), weeks=1)
        assert cadence.period(52) == Period(Date(2024, 12, 30), Date(2025, 1, 6))


class TestFollowing:
    def test_following_moves_one_period(self):
        cadence = Cadence.monthly(Date(2024, 1, 31))
        assert cadence.following(cadence.period(0)) == cadence.period(1)
        assert cadence.following(cadence.period(-5)) == cadence.period(-4)

    def test_rejects_a_period_not_of_the_cadence(self):
        cadence = Cadence.monthly(Date(2024, 1, 1))
        with pytest.raises(
            InvalidPeriod, match=r"\[2024-01-01, 2024-01-15\) is not a period of monthly from 2024-01-01"
        ):
            cadence.following(Period(Date(2024, 1, 1), Date(2024, 1, 15)))
        with pytest.raises(InvalidPeriod, match="is not a period"):
            cadence.following(Period(Date(2024, 1, 2), Date(2024, 2, 2)))

    def test_periods_iterates_from_k0(self):
        cadence = Cadence.quarterly(Date(2024, 1, 1))
        iterator = cadence.periods(-1)
        assert [next(iterator) for _ in range(3)] == [cadence.period(-1), cadence.period(0), cadence.period(1)]


class TestBadCadences:
    @pytest.mark.parametrize("n", [0, -1, 1.5, True, "2"])
    def test_step_must_be_a_positive_whole_number(self, n):
        with pytest.raises(InvalidPeriod, match="at least 1"):
            Cadence.every(Date(2024, 1, 1), days=n)

    def test_two_step_units_at_once(self):
        with pytest.raises(InvalidPeriod, match="exactly one of"):
            Cadence.every(Date(2024, 1, 1), months=1, days=3)

    def test_no_step_unit(self):
        with pytest.raises(InvalidPeriod, match="exactly one of"):
            Cadence.every(Date(2024, 1, 1))

    def test_datetime_start(self):
        with pytest.raises(InvalidPeriod, match="cadence start must be a calendar date"):
            Cadence.monthly(pendulum.datetime(2024, 1, 1))

    def test_unknown_unit(self):
        with pytest.raises(ValueError, match="fortnights"):
            Cadence(Date(2024, 1, 1), 1, "fortnights")

    def test_index_must_be_an_integer(self):
        with pytest.raises(InvalidPeriod, match="integer"):
            Cadence.monthly(Date(2024, 1, 1)).period(1.0)

    def test_out_of_range_years(self):
        with pytest.raises(InvalidPeriod, match="supported years"):
            Cadence.monthly(Date(9999, 1, 1)).period(12)

    def test_str_and_repr(self):
        assert str(Cadence.monthly(Date(2024, 1, 1))) == "monthly from 2024-01-01"
        assert str(Cadence.every(Date(2024, 1, 1), weeks=2)) == "every 2 weeks from 2024-01-01"
        cadence = Cadence.every(Date(2024, 1, 1), days=10)
        assert eval(repr(cadence), {"Cadence": Cadence, "Date": Date}) == cadence  # noqa: S307
        assert Step("months") is Step.MONTHS


class TestInstantsAcrossDaylightSavingTime:
    """The memoized conversions must not mix up the two 02:30s of an October night."""

    warsaw = __import__("zoneinfo").ZoneInfo("Europe/Warsaw")

    def test_ambiguous_local_times_keep_their_fold(self):
        from scorekit.period import as_utc

        first = dt.datetime(2024, 10, 27, 2, 30, tzinfo=self.warsaw, fold=0)
        second = dt.datetime(2024, 10, 27, 2, 30, tzinfo=self.warsaw, fold=1)
        assert first == second  # Python's own equality ignores fold within a zone
        assert as_utc(first) == dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)
        assert as_utc(second) == dt.datetime(2024, 10, 27, 1, 30, tzinfo=dt.UTC)
        assert as_utc(first) == dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)  # and again, from the memo

    def test_a_missing_local_time_is_moved_forward_by_pendulum(self):
        from scorekit.period import as_utc

        # 02:30 on March 31 does not exist in Warsaw; pendulum makes it 03:30 CEST
        assert as_utc(pendulum.datetime(2024, 3, 31, 2, 30, tz="Europe/Warsaw")) == dt.datetime(
            2024, 3, 31, 1, 30, tzinfo=dt.UTC
        )

    def test_requests_cut_at_the_second_0230(self):
        from scorekit import Parameter, Scorecard, User, requests_for

        cadence = Cadence.monthly(Date(2024, 10, 1))
        card = Scorecard(
            "c", User("ann"), cadence, cadence.period(0), [Parameter("deals", 1, 100)], timezone="Europe/Warsaw"
        )
        early = requests_for(card, dt.datetime(2024, 10, 27, 2, 30, tzinfo=self.warsaw, fold=0))[0]
        late = requests_for(card, dt.datetime(2024, 10, 27, 2, 30, tzinfo=self.warsaw, fold=1))[0]
        assert (late.end - early.end).total_seconds() == 3600

    def test_local_date_at_midnight_in_a_zone_with_a_dst_gap_at_midnight(self):
        # America/Santiago skips from 00:00 to 01:00 on 2024-09-08: the day still starts, at 01:00
        start, end = Period(Date(2024, 9, 8), Date(2024, 9, 9)).instants("America/Santiago")
        assert start.isoformat() == "2024-09-08T01:00:00-03:00"
        assert (end - start).total_seconds() == 23 * 3600


class TestRetailWeeks:
    """`Cadence.weeks(start, pattern=(4, 4, 5))`: retail periods of whole weeks."""

    # A retail year from Sunday 2024-02-04: 4 weeks (28 days), 4 weeks, 5 weeks (35 days), repeating.
    RETAIL = Cadence.weeks(Date(2024, 2, 4))

    def test_4_4_5_from_its_start(self):
        assert [str(self.RETAIL.period(k)) for k in range(4)] == [
            "[2024-02-04, 2024-03-03)",  # + 28 days
            "[2024-03-03, 2024-03-31)",  # + 28 days
            "[2024-03-31, 2024-05-05)",  # + 35 days
            "[2024-05-05, 2024-06-02)",  # the pattern again: + 28 days
        ]

    def test_a_whole_cycle_is_13_weeks_and_a_year_52(self):
        assert self.RETAIL.period(4).start == Date(2024, 2, 4).add(weeks=13 + 4)
        # four cycles of 13 weeks: 364 days later, the next retail year starts on 2025-02-02
        assert self.RETAIL.period(12).start == Date(2025, 2, 2)

    def test_negative_indexes_go_back_through_the_pattern(self):
        # period -1 is the last (5-week) period of the previous cycle, -3 its first
        assert self.RETAIL.period(-1) == Period(Date(2023, 12, 31), Date(2024, 2, 4))
        assert self.RETAIL.period(-3) == Period(Date(2023, 11, 5), Date(2023, 12, 3))

    def test_index_of_and_period_containing(self):
        assert self.RETAIL.index_of(Date(2024, 3, 30)) == 1
        assert self.RETAIL.index_of(Date(2024, 3, 31)) == 2
        assert self.RETAIL.index_of(Date(2024, 2, 3)) == -1
        assert self.RETAIL.period_containing(Date(2024, 5, 4)) == Period(Date(2024, 3, 31), Date(2024, 5, 5))

    def test_rollover_follows_the_pattern(self):
        assert self.RETAIL.following(self.RETAIL.period(2)) == self.RETAIL.period(3)
        assert self.RETAIL.has_period(Period(Date(2024, 3, 31), Date(2024, 5, 5)))
        assert not self.RETAIL.has_period(Period(Date(2024, 3, 31), Date(2024, 4, 28)))

    def test_any_pattern(self):
        cadence = Cadence.weeks(Date(2024, 1, 1), (5, 4, 4))
        assert [cadence.period(k).days for k in range(4)] == [35, 28, 28, 35]
        odd = Cadence.weeks(Date(2024, 1, 1), (1, 2, 3))
        assert [odd.period(k).days for k in range(-3, 3)] == [7, 14, 21, 7, 14, 21]

    def test_equal_entries_are_the_plain_weekly_cadence(self):
        assert Cadence.weeks(Date(2024, 1, 1), (4, 4, 4)) == Cadence.every(Date(2024, 1, 1), weeks=4)
        assert Cadence.weeks(Date(2024, 1, 1), [2]).pattern == ()

    def test_equality_and_hash_count_the_pattern(self):
        assert Cadence.weeks(Date(2024, 1, 1)) != Cadence.weeks(Date(2024, 1, 1), (5, 4, 4))
        assert Cadence.weeks(Date(2024, 1, 1)) != Cadence.every(Date(2024, 1, 1), weeks=13)
        assert hash(Cadence.weeks(Date(2024, 1, 1))) == hash(Cadence.weeks(Date(2024, 1, 1), [4, 4, 5]))

    def test_str_and_repr(self):
        assert str(self.RETAIL) == "weeks 4-4-5 from 2024-02-04"
        assert eval(repr(self.RETAIL), {"Cadence": Cadence, "Date": Date}) == self.RETAIL  # noqa: S307

    @pytest.mark.parametrize(
        ("pattern", "match"),
        [
            ((), "at least one entry"),
            ((4, 0, 5), "at least 1 week, got 0"),
            ((4, True), "at least 1 week, got True"),
            ((4, 4.5), "at least 1 week, got 4.5"),
            ((1,) * 54, "at most 53 entries"),
            ("445", "a sequence of whole numbers of weeks"),
            (13, "a sequence of whole numbers of weeks"),
        ],
    )
    def test_bad_patterns(self, pattern, match):
        with pytest.raises(InvalidPeriod, match=match):
            Cadence.weeks(Date(2024, 1, 1), pattern)

    def test_53_entries_are_fine(self):
        assert Cadence.weeks(Date(2024, 1, 1), (1,) * 52 + (2,)).period(53).start == Date(2024, 1, 1).add(weeks=54)

    def test_a_pattern_needs_its_own_count_and_unit(self):
        with pytest.raises(InvalidPeriod, match=r"build it with Cadence\.weeks"):
            Cadence(Date(2024, 1, 1), 12, Step.WEEKS, (4, 4, 5))
        with pytest.raises(InvalidPeriod, match=r"build it with Cadence\.weeks"):
            Cadence(Date(2024, 1, 1), 13, Step.DAYS, (4, 4, 5))
