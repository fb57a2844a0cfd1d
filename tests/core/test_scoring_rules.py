"""Worked examples for the 0.2 scoring rules: every expected number is computed by hand in the comments.

April 2024 has 30 days and starts on a Monday; its weekdays are Apr 1-5, 8-12, 15-19,
22-26, 29-30: 22 of them.  Easter Monday is April 1.
"""

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    Evidence,
    InvalidNumber,
    InvalidScorecard,
    ManualEntry,
    Measurement,
    Metric,
    Parameter,
    Scorecard,
    Status,
    StatusPolicy,
    User,
    WorkCalendar,
    score,
)

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # the April window is over
EASTER = WorkCalendar(holidays={Date(2024, 4, 1)})


def at(day, hour=12):
    return pendulum.datetime(2024, 4, day, hour, tz="UTC")


def card_of(*parameters, **kwargs):
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)


def one(parameter, actual, as_of=MAY_1, **kwargs):
    card = card_of(parameter.evolve(weight=100), **kwargs)
    return score(card, {parameter.key: actual}, as_of=as_of).parameters[0]


def close(value, fraction):
    """`value` is the 34-digit quotient of the exact rational `fraction`."""
    return abs(Fraction(value) - Fraction(fraction)) < Fraction(1, 10**32)


def level(key="conversion", accumulation=Accumulation.AVERAGE):
    return Metric(key, "%", accumulation=accumulation)


class TestLevels:
    def test_a_level_on_day_3_is_not_extrapolated(self):
        # conversion 0.25 against 0.3: achievement 0.25 / 0.3 = 0.8333...; a SUM would
        # project 0.25 * 30 / 3 = 2.5 -> 833%, a level projects its achievement
        item = one(Parameter(level(), "0.3", 100), "0.25", as_of=at(3))
        assert close(item.achievement, Fraction(5, 6))
        assert item.projected == item.achievement
        assert item.expected is None  # a rate is not a share of the window (0.2 said 3 / 30 = 0.1)
        assert item.status is Status.BEHIND

    def test_a_level_above_target_is_never_achieved_early(self):
        # 0.36 / 0.3 = 1.2, but a rate can fall back before the month is over
        assert one(Parameter(level(), "0.3", 100), "0.36", as_of=at(3)).status is Status.ON_TRACK
        assert one(Parameter(level(), "0.3", 100), "0.36", as_of=MAY_1).status is Status.ACHIEVED

    def test_the_target_of_a_level_is_never_prorated(self):
        # counts from Apr 21: a SUM may be prorated to 10 days of 30, a level may not
        parameter = Parameter(level(), "0.3", 100, counts_from=Date(2024, 4, 21))
        assert one(parameter, "0.3").target == Decimal("0.3")

    def test_no_data_then_missed(self):
        parameter = Parameter(level("last_nps", Accumulation.LAST), 50, 100)
        open_ = one(parameter, Measurement(None), as_of=at(10))
        assert (open_.actual, open_.achievement, open_.effective, open_.contribution) == (None, 0, 0, 0)
        assert open_.projected is None
        assert open_.status is Status.NO_DATA
        assert open_.expected is None
        closed = one(parameter, Measurement(None), as_of=MAY_1)
        assert closed.actual is None
        assert closed.status is Status.MISSED

    def test_a_card_of_levels_without_data_says_no_data(self):
        card = card_of(Parameter(level(), "0.3", 100))
        assert score(card, {"conversion": Measurement(None)}, as_of=at(10)).status is Status.NO_DATA
        assert score(card, {"conversion": Measurement(None)}, as_of=MAY_1).status is Status.MISSED

    def test_no_record_reads_as_zero_for_a_sum(self):
        item = one(Parameter("deals_won", 10, 100), Measurement(None), as_of=at(10))
        assert item.actual == 0
        assert item.status is Status.BEHIND  # 0 projected

    def test_a_manual_level_is_read_as_entered_and_not_extrapolated(self):
        parameter = Parameter(Metric.custom("nps", "points", accumulation=Accumulation.LAST), 40, 100)
        card = card_of(parameter)
        entry = ManualEntry("c1", "nps", 30, at(2), "ann")
        item = score(card, {}, as_of=at(3), manual=[entry]).parameters[0]
        # 30 / 40 = 0.75, projected 0.75 (a SUM would project 30 * 30 / 3 / 40 = 7.5)
        assert (item.actual, item.achievement, item.projected) == (30, Decimal("0.75"), Decimal("0.75"))


class TestBaseline:
    def test_from_a_baseline_up_to_the_target(self):
        nps = Parameter(level("nps"), 50, 100, baseline=30)
        # (40 - 30) / (50 - 30) = 0.5; (25 - 30) / 20 < 0 -> 0; (60 - 30) / 20 = 1.5
        assert one(nps, 40).achievement == Decimal("0.5")
        assert one(nps, 25).achievement == 0
        assert one(nps, 60).achievement == Decimal("1.5")
        assert one(nps, 50).status is Status.ACHIEVED

    def test_from_a_baseline_down_to_the_target(self):
        hours = Parameter(level("response_hours"), 4, 100, direction=Direction.LOWER_IS_BETTER, baseline=10)
        # (7 - 10) / (4 - 10) = 0.5; (12 - 10) / -6 < 0 -> 0
        assert one(hours, 7).achievement == Decimal("0.5")
        assert one(hours, 12).achievement == 0
        # (3 - 10) / (4 - 10) = 7/6
        assert close(one(hours, 3).achievement, Fraction(7, 6))

    def test_a_target_of_zero_with_a_baseline(self):
        complaints = Parameter("complaints", 0, 100, direction=Direction.LOWER_IS_BETTER, baseline=5)
        # (2 - 5) / (0 - 5) = 0.6; (0 - 5) / -5 = 1
        assert one(complaints, 2).achievement == Decimal("0.6")
        assert one(complaints, 0).achievement == 1


class TestNearTarget:
    stock = Parameter(level("stock_days"), 10, 100, direction=Direction.NEAR_TARGET, tolerance=4, band=1)

    def test_inside_the_band_is_full_credit(self):
        # |10.5 - 10| = 0.5 <= band 1: distance 0 -> 1
        assert one(self.stock, "10.5").achievement == 1

    def test_on_the_edge_of_the_band_is_full_credit(self):
        # |11 - 10| - 1 = 0 -> 1; and below the target the same
        assert one(self.stock, 11).achievement == 1
        assert one(self.stock, 9).achievement == 1

    def test_between_band_and_tolerance_falls_linearly(self):
        # |12 - 10| - 1 = 1 -> 1 - 1/4 = 0.75; |8 - 10| - 1 = 1 -> 0.75
        assert one(self.stock, 12).achievement == Decimal("0.75")
        assert one(self.stock, 8).achievement == Decimal("0.75")

    def test_beyond_the_tolerance_scores_nothing(self):
        # |15 - 10| - 1 = 4 -> 1 - 4/4 = 0; |20 - 10| - 1 = 9 -> max(0, 1 - 9/4) = 0
        assert one(self.stock, 15).achievement == 0
        assert one(self.stock, 20).achievement == 0
        assert one(self.stock, 20).status is Status.MISSED

    def test_near_target_is_never_achieved_early(self):
        assert one(self.stock, 10, as_of=at(10)).status is Status.ON_TRACK
        assert one(self.stock, 10).status is Status.ACHIEVED


class TestStatusPolicy:
    policy = StatusPolicy(on_track="0.9", at_risk="0.6")

    @pytest.mark.parametrize(
        ("actual", "status"),
        [
            # target 30, Apr 10 (10 of 30 days): projected = a * 30 / 10 / 30 = a / 10
            ("9", Status.ON_TRACK),  # 0.9 = on_track: on track
            ("8.99", Status.BEHIND),  # 0.899
            ("6", Status.BEHIND),  # 0.6 = at_risk: not at risk
            ("5.99", Status.AT_RISK),  # 0.599 < 0.6
        ],
    )
    def test_the_three_bands_at_their_exact_boundaries(self, actual, status):
        card = card_of(Parameter("deals_won", 30, 100), status_policy=self.policy)
        result = score(card, {"deals_won": Decimal(actual)}, as_of=at(10))
        assert result.parameters[0].status is status
        assert result.status is status  # the card judges its projected total the same way

    def test_the_default_policy_never_says_at_risk(self):
        assert one(Parameter("deals_won", 30, 100), 0, as_of=at(10)).status is Status.BEHIND

    def test_a_bound_reached_only_in_exact_arithmetic_counts(self):
        # target 10 prorated to Apr 26..30 (5 of 30 days): 10 * 5 / 30 = 5/3, stored as
        # 1.666...667; actual 1 on Apr 30 (the window's last day, all of it elapsed):
        # achievement = 1 / (5/3) = 3/5 = 0.6 exactly, the Decimal 0.5999...98
        parameter = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 26), prorate=True)
        card = card_of(parameter, status_policy=StatusPolicy(on_track="0.6", at_risk="0.6"))
        result = score(card, {"deals_won": 1}, as_of=at(30))
        assert result.parameters[0].achievement < Decimal("0.6")
        assert result.parameters[0].status is Status.ON_TRACK
        assert result.status is Status.ON_TRACK


class TestCardAchievedEarly:
    def test_day_one_with_a_lower_is_better_parameter_is_not_achieved(self):
        # 09:00 on Apr 1, nothing happened: deals 0/10 -> 0; lost deals 0 against 5 ->
        # 2 - 0/5 = 2, capped at 1 (0.3: lower is better without a cap of its own), so
        # contribution 0.5 * 1 = 0.5.  0.1 called the card ACHIEVED at 100%, 0.2 ON_TRACK at
        # 100%; 0.3: projected 0.5 * 0 + 0.5 * 1 = 0.5 < 1, behind.
        card = card_of(
            Parameter("deals_won", 10, 50),
            Parameter("deals_lost", 5, 50, direction=Direction.LOWER_IS_BETTER),
        )
        result = score(card, {"deals_won": 0, "deals_lost": 0}, as_of=at(1, 9))
        assert result.total == Decimal("0.5")
        assert result.status is Status.BEHIND
        assert [p.status for p in result.parameters] == [Status.BEHIND, Status.ON_TRACK]

    def test_higher_is_better_sums_alone_achieve_a_card_early(self):
        # deals 12/10 = 1.2 * 0.6 = 0.72; calls 250/200 = 1.25 * 0.4 = 0.5; 1.22 >= 1 on Apr 15
        card = card_of(Parameter("deals_won", 10, 60), Parameter("calls", 200, 40))
        assert score(card, {"deals_won": 12, "calls": 250}, as_of=at(15)).status is Status.ACHIEVED

    def test_a_level_cannot_achieve_a_card_early(self):
        # deals 10/10 * 0.5 = 0.5; conversion 0.6/0.3 = 2 * 0.5 = 1: total 1.5, but the
        # sums alone give 0.5; projected deals 10 * 30 / 15 / 10 = 2 -> 0.5 * 2 + 1 = 2
        card = card_of(Parameter("deals_won", 10, 50), Parameter(level(), "0.3", 50))
        result = score(card, {"deals_won": 10, "conversion": "0.6"}, as_of=at(15))
        assert result.total == Decimal("1.5")
        assert result.status is Status.ON_TRACK

    def test_a_card_at_exactly_one_is_achieved_and_shows_100(self):
        # 50/50, targets 3 and 3, actuals 2 and 4: 0.5 * 2/3 + 0.5 * 4/3 = 1 exactly, while
        # the 34-digit divisions sum to 0.99999999999999999999999999999999985
        card = card_of(Parameter("a", 3, 50), Parameter("b", 3, 50))
        result = score(card, {"a": 2, "b": 4}, as_of=MAY_1)
        assert result.total < 1
        assert result.status is Status.ACHIEVED
        assert result.percent() == Decimal("100.00")

    def test_a_prorated_threshold_met_exactly_counts(self):
        # target 10 prorated to 5/30 of April = 5/3; actual 1: achievement 3/5 = 0.6 = threshold
        parameter = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 26), prorate=True, threshold="0.6")
        item = one(parameter, 1)
        assert item.effective == item.achievement > 0


class TestWorkingDays:
    def test_pace_across_a_weekend_and_a_holiday(self):
        # Easter calendar: April has 22 weekdays - Apr 1 = 21 working days.  Mon Apr 8:
        # Apr 1 (holiday), 2-5 (4), 6-7 (weekend), 8 (1): 5 elapsed; expected 5/21;
        # 5 deals of 21: projected 5 * 21 / 5 / 21 = 1 -> on track
        item = one(Parameter("deals_won", 21, 100), 5, as_of=at(8), calendar=EASTER)
        assert close(item.expected, Fraction(5, 21))
        assert item.projected == 1
        assert item.status is Status.ON_TRACK
        # without the calendar: 8 of 30 days, 5 * 30 / 8 / 21 = 0.89...: behind
        assert one(Parameter("deals_won", 21, 100), 5, as_of=at(8)).status is Status.BEHIND

    def test_a_weekend_adds_no_working_day(self):
        friday = one(Parameter("deals_won", 21, 100), 3, as_of=at(5), calendar=EASTER)
        sunday = one(Parameter("deals_won", 21, 100), 3, as_of=at(7), calendar=EASTER)
        assert friday.expected == sunday.expected
        assert close(friday.expected, Fraction(4, 21))  # Apr 2..5

    def test_working_day_proration(self):
        # counts from Mon Apr 22: Apr 22-26 and 29-30 are 7 of the 21 working days:
        # 21 * 7 / 21 = 7 (by calendar days it would be 21 * 9 / 30 = 6.3)
        parameter = Parameter("deals_won", 21, 100, counts_from=Date(2024, 4, 22), prorate=True)
        assert one(parameter, 7, calendar=EASTER).target == 7
        assert one(parameter, 7).target == Decimal("6.3")

    def test_a_period_starting_on_a_saturday(self):
        june = Cadence.monthly(Date(2024, 6, 1))  # June 1, 2024 is a Saturday
        card = Scorecard(
            "c1", User("ann"), june, june.period(0), [Parameter("deals_won", 20, 100)], calendar=WorkCalendar()
        )
        saturday = score(card, {"deals_won": 0}, as_of=pendulum.datetime(2024, 6, 1, 12, tz="UTC"))
        # started by calendar date, but no working day yet: expected 0, projected = achievement,
        # judged by the policy as at any other moment (0.2 said on track whatever happened): behind
        (item,) = saturday.parameters
        assert (item.expected, item.projected, item.status) == (0, 0, Status.BEHIND)
        assert saturday.status is Status.BEHIND
        # one deal on the Saturday: 1 / 20 = 5% projected, behind; twenty: 100%, achieved early
        assert score(card, {"deals_won": 1}, as_of=pendulum.datetime(2024, 6, 1, 12, tz="UTC")).status is Status.BEHIND
        # Mon June 3: 1 of June's 20 working days; 1 deal: projected 1 * 20 / 1 / 20 = 1
        monday = score(card, {"deals_won": 1}, as_of=pendulum.datetime(2024, 6, 3, 12, tz="UTC")).parameters[0]
        assert (monday.expected, monday.projected, monday.status) == (Decimal("0.05"), 1, Status.ON_TRACK)

    def test_a_window_without_a_working_day_makes_the_card_invalid(self):
        # counts from Tue Apr 30, Mondays only: no working day in [Apr 30, May 1)
        parameter = Parameter("deals_won", 5, 100, counts_from=Date(2024, 4, 30))
        with pytest.raises(InvalidScorecard, match="no working day"):
            card_of(parameter, calendar=WorkCalendar(weekdays={0}))


class TestRemaining:
    def test_remaining_and_per_day_on_day_10_of_30(self):
        # 9 of 30 on Apr 10: 21 remaining over the 21 days left, Apr 10 included (Apr 10..30):
        # 1 a day (0.2 left Apr 10 out: 21 / 20 = 1.05)
        item = one(Parameter("deals_won", 30, 100), 9, as_of=at(10))
        assert (item.remaining, item.per_day) == (21, 1)

    def test_on_the_last_day_per_day_is_the_whole_remainder(self):
        # Apr 30: 1 day left, the day itself (0.2: no day left, None)
        assert one(Parameter("deals_won", 30, 100), 9, as_of=at(30)).per_day == 21

    def test_per_day_counts_working_days_with_a_calendar(self):
        # Easter calendar, Wed Apr 10: Apr 2-5 and 8-9 are 6 of 21 working days before it;
        # 15 left with Apr 10; 21 - 6 = 15 remaining -> 1 a day
        item = one(Parameter("deals_won", 21, 100), 6, as_of=at(10), calendar=EASTER)
        assert (item.remaining, item.per_day) == (15, 1)
        # Sat Apr 13: not a working day; Apr 15-19, 22-26, 29-30 are the 12 left: 15 / 12 = 1.25
        assert one(Parameter("deals_won", 21, 100), 6, as_of=at(13), calendar=EASTER).per_day == Decimal("1.25")

    def test_nothing_left_and_other_directions(self):
        assert one(Parameter("deals_won", 30, 100), 31, as_of=at(10)).remaining == 0
        assert one(Parameter("deals_won", 30, 100), 8).per_day is None  # the window is over
        lower = Parameter("lost", 3, 100, direction=Direction.LOWER_IS_BETTER)
        assert (one(lower, 1, as_of=at(10)).remaining, one(lower, 1, as_of=at(10)).per_day) == (None, None)
        levelled = one(Parameter(level(), "0.3", 100), "0.1", as_of=at(10))
        assert (levelled.remaining, levelled.per_day) == (Decimal("0.2"), None)

    def test_remaining_and_per_day_are_records(self):
        card = card_of(Parameter("deals_won", 30, 100))
        (row,) = score(card, {"deals_won": 9}, as_of=at(10)).to_records()
        assert (row["remaining"], row["per_day"]) == (21, 1)


class TestExplain:
    def test_a_parameter_explains_each_step(self):
        parameter = Parameter(Metric("deals_won", "deals", label="Deals won"), 30, 100, threshold="0.5", cap="1.5")
        text = one(parameter, 8, as_of=at(10)).explain()
        lines = text.splitlines()
        assert lines[0] == "deals_won (Deals won): weight 100%, higher is better, sum of records"
        assert "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed" in lines
        assert "  achievement = 8 / 30 = 26.67%" in lines  # 8 / 30 = 0.2666...
        assert "  threshold 50.00%: not met, scores 0" in lines
        # 8 * 30 / 10 = 24 -> 24 / 30 = 80%
        assert "  pace: expected 33.33% by now; projected 8 x 30 / 10 = 24 -> 80.00%" in lines
        assert "  remaining: 22 deals, 1.0476 a day over the 21 days left" in lines  # 22 / 21, Apr 10..30
        assert lines[-1] == "  status: behind (projected 80.00% < on track 100.00%)"

    def test_rounded_for_display_but_exact_in_the_fields(self):
        # prorated 10 * 5 / 30 = 1.666...7 shows as 1.6667
        parameter = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 26), prorate=True)
        item = one(parameter, 1)
        assert "  target: 10 prorated to the window: 1.6667" in item.explain().splitlines()
        assert item.target == Decimal("1.666666666666666666666666666666667")

    def test_the_card_ends_with_its_total_and_why(self):
        card = card_of(Parameter("a", 3, 50), Parameter("b", 3, 50))
        text = score(card, {"a": 2, "b": 4}, as_of=MAY_1).explain()
        assert text.splitlines()[-3:] == [
            "total = 33.33% + 66.67% = 100.00%",
            "projected total: 100.00%",
            "status: achieved (total 100.00% >= 100% and the period is over)",
        ]

    def test_explain_is_deterministic(self):
        card = card_of(Parameter("deals_won", 30, 60), Parameter(level(), "0.3", 40), calendar=EASTER)
        first = score(card, {"deals_won": 8, "conversion": Measurement(None)}, as_of=at(10)).explain()
        again = score(card, {"deals_won": 8, "conversion": Measurement(None)}, as_of=at(10)).explain()
        assert first == again
        assert "  actual: no record in the window yet" in first.splitlines()
        assert "calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday" in first.splitlines()

    def test_a_card_names_its_calendar_once_and_says_statuses_in_words(self):
        policy = StatusPolicy(on_track="0.9", at_risk="0.5")
        card = card_of(
            Parameter("deals_won", 30, 60), Parameter("calls", 100, 40), calendar=EASTER, status_policy=policy
        )
        result = score(card, {"deals_won": 1, "calls": 1}, as_of=at(10))  # far below half the pace: at risk
        lines = result.explain().splitlines()
        assert sum("calendar:" in line for line in lines) == 1  # the card's header, not again per parameter
        assert (
            "  calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday" in result.parameters[0].explain().splitlines()
        )
        statuses = [line for line in lines if line.lstrip().startswith("status:")]
        assert len(statuses) == 3
        assert [line.split("(")[0].strip() for line in statuses] == ["status: at risk"] * 3


class TestDecimalInputs:
    @pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")])
    def test_a_non_finite_decimal_measurement_is_refused(self, bad):
        with pytest.raises(InvalidNumber, match="deals_won"):
            one(Parameter("deals_won", 10, 100), bad)

    def test_a_measurement_without_value_cannot_have_evidence(self):
        evidence = Evidence("d1", at(2))
        with pytest.raises(InvalidNumber, match="evidence"):
            Measurement(None, (evidence,))

    def test_a_manual_entry_needs_a_number(self):
        with pytest.raises(InvalidNumber):
            ManualEntry("c1", "nps", None, at(2), "ann")
