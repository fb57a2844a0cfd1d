"""The plan as it moves (scorekit.plan): target steps, ramps, phasing and the one measure of time.

The worked examples of DESIGN 0.3 with their arithmetic in comments, every bad input
refused with a named error, and Fraction-oracle properties: a naive loop over days
written here from DESIGN's formulas (not from the code) against `WindowPlan`.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    InvalidParameter,
    InvalidScorecard,
    Metric,
    Parameter,
    Period,
    Phasing,
    Ramp,
    Scorecard,
    TargetStep,
    Team,
    User,
    WorkCalendar,
)
from scorekit.plan import WindowPlan, day_weight, ramp_factor, window_plan
from scorekit.scorecard import reissue
from scorekit.strategies import scorecards

APRIL = Cadence.monthly(Date(2024, 4, 1))
MONTHLY_2025 = Cadence.monthly(Date(2025, 1, 1))
QUARTERLY_2025 = Cadence.quarterly(Date(2025, 1, 1))
Q1 = Phasing({1: 3, 2: 3, 3: 4})


def card(cadence, k, parameters, **kwargs):
    return Scorecard("c1", User("ann"), cadence, cadence.period(k), parameters, **kwargs)


def day(y, m, d):
    return Date(y, m, d).toordinal()


class TestTargetStepExample:
    """DESIGN: April 2024 (30 days), target 10, a step to 20 from April 10."""

    def card(self):
        step = TargetStep(Date(2024, 4, 10), 20)
        return card(APRIL, 0, [Parameter("deals_won", 10, 100, steps=(step,))])

    def test_target_is_the_day_weighted_mean(self):
        plan = self.card().plan("deals_won")
        # Apr 1..9 at 10 and Apr 10..30 at 20: T = (9 x 10 + 21 x 20) / 30 = 510 / 30 = 17
        assert plan.target == 17
        assert plan.measure == 30
        assert not plan.plain

    def test_target_to_date_and_expected_on_april_9(self):
        plan = self.card().plan("deals_won")
        # 9 days elapsed, all at 10: T_d = 90 / 30 = 3; expected = 3 / 17
        assert plan.target_to(day(2024, 4, 9)) == 3
        assert plan.expected(day(2024, 4, 9)) == Fraction(3, 17)
        # with 3 deals: achievement 3/17, projected actual 3 / (3/17) = 17, projected 17/17 = 1
        assert Fraction(3) / plan.expected(day(2024, 4, 9)) / plan.target == 1

    def test_on_april_10_the_new_target_counts(self):
        plan = self.card().plan("deals_won")
        # 90 + 20 = 110 over 30: T_d = 11/3; expected = (11/3) / 17 = 11/51
        assert plan.target_to(day(2024, 4, 10)) == Fraction(11, 3)
        assert plan.expected(day(2024, 4, 10)) == Fraction(11, 51)

    def test_before_and_after_the_window(self):
        plan = self.card().plan("deals_won")
        assert plan.expected(day(2024, 3, 31)) == 0
        assert plan.target_to(day(2024, 3, 31)) == 0
        assert plan.expected(day(2024, 4, 30)) == 1
        assert plan.expected(day(2024, 6, 1)) == 1
        assert plan.target_to(day(2024, 6, 1)) == 17

    def test_target_in_force_for_a_level(self):
        plan = self.card().plan("deals_won")
        assert plan.in_force(day(2024, 4, 9)) == 10
        assert plan.in_force(day(2024, 4, 10)) == 20
        # clamped to the window: before it the first day's target, after it the last day's
        assert plan.in_force(day(2024, 3, 1)) == 10
        assert plan.in_force(day(2024, 7, 1)) == 20

    def test_prorated_with_a_later_start(self):
        step = TargetStep(Date(2024, 4, 21), 40)
        p = Parameter("deals_won", 30, 100, counts_from=Date(2024, 4, 16), prorate=True, steps=(step,))
        plan = card(APRIL, 0, [p]).plan("deals_won")
        # window Apr 16..30 (15 days): 5 days at 30, 10 at 40 -> mean (150 + 400) / 15 = 110/3;
        # prorated by 15/30: T = 110/3 x 1/2 = 55/3 (= (150 + 400) / 30)
        assert plan.target == Fraction(55, 3)
        # through Apr 20: 150 / 15 x 1/2 = 5; expected 5 / (55/3) = 3/11
        assert plan.target_to(day(2024, 4, 20)) == 5
        assert plan.expected(day(2024, 4, 20)) == Fraction(3, 11)

    def test_steps_with_a_calendar_count_working_days_only(self):
        step = TargetStep(Date(2024, 4, 15), 20)  # a Monday
        p = Parameter("deals_won", 10, 100, steps=(step,))
        plan = card(APRIL, 0, [p], calendar=WorkCalendar()).plan("deals_won")
        # April 2024 has 22 weekdays: 10 before Apr 15 (1-5, 8-12), 12 from it (15-19, 22-26, 29, 30)
        # T = (10 x 10 + 12 x 20) / 22 = 340 / 22 = 170/11
        assert plan.measure == 22
        assert plan.target == Fraction(170, 11)
        # through Sunday Apr 14: T_d = 100 / 22; expected = 100 / 340 = 5/17
        assert plan.expected(day(2024, 4, 14)) == Fraction(5, 17)


class TestRampExample:
    """DESIGN: a ramp from 2025-01-15 with factors (0.5, 0.75) on monthly cards from Jan 1, target 10."""

    RAMP = Ramp(Date(2025, 1, 15), (0.5, 0.75))

    def card(self, k, **kwargs):
        return card(MONTHLY_2025, k, [Parameter("deals_won", 10, 100, **kwargs)], ramp=self.RAMP)

    def test_january_february_march(self):
        # January holds the ramp start: factor 0.5 -> 5; February 0.75 -> 7.5; March past it -> 10
        assert [self.card(k).plan("deals_won").target for k in range(3)] == [5, Fraction(15, 2), 10]
        assert [self.card(k).ramp_factor for k in range(3)] == [Decimal("0.5"), Decimal("0.75"), 1]

    def test_january_from_the_15th_prorated(self):
        plan = self.card(0, counts_from=Date(2025, 1, 15), prorate=True).plan("deals_won")
        # 5 x 17/31 (Jan 15..31 of 31 days) = 85/31
        assert plan.target == Fraction(85, 31)

    def test_next_card_walks_the_ramp_and_copy_for_keeps_it(self):
        january = self.card(0)
        assert january.next_card().ramp == self.RAMP
        assert january.next_card().ramp_factor == Decimal("0.75")
        assert january.next_card().next_card().ramp_factor == 1
        copy = january.copy_for(User("bob"))
        assert copy.ramp == self.RAMP
        assert copy.ramp_factor == Decimal("0.5")

    def test_the_ramp_scales_every_step(self):
        step = TargetStep(Date(2025, 2, 15), 20)
        plan = self.card(1, steps=(step,)).plan("deals_won")
        # February 2025 (28 days) at 0.75: 14 days at 7.5, 14 at 15 -> T = (105 + 210) / 28 = 45/4
        assert plan.target == Fraction(45, 4)
        assert plan.in_force(day(2025, 2, 15)) == 15

    @pytest.mark.parametrize(
        "parameter",
        [
            Parameter("nps", 50, 100, baseline=30),
            Parameter("returns", 5, 100, direction=Direction.LOWER_IS_BETTER),
            Parameter("discount", 10, 100, direction=Direction.NEAR_TARGET, tolerance=5),
            Parameter(Metric("rate", accumulation=Accumulation.AVERAGE), 10, 100),
        ],
        ids=["baseline", "lower", "near", "level"],
    )
    def test_other_parameters_are_not_ramped(self, parameter):
        plan = card(MONTHLY_2025, 0, [parameter], ramp=self.RAMP).plan(parameter.key)
        assert plan.target == Fraction(parameter.target)
        assert plan.plain

    def test_a_ramp_starting_before_the_cadence_anchor_counts_periods_back(self):
        # The ramp starts in December 2024 (period -1): January 2025 is its second period.
        ramp = Ramp(Date(2024, 12, 20), (0.25, 0.5))
        assert card(MONTHLY_2025, 0, [Parameter("deals_won", 10, 100)], ramp=ramp).ramp_factor == Decimal("0.5")
        assert ramp_factor(None, MONTHLY_2025, MONTHLY_2025.period(0)) == 1

    def test_a_team_card_is_ramped_too(self):
        team = Team("north", ["ann", "bob"])
        ramped = Scorecard(
            "t1", team, MONTHLY_2025, MONTHLY_2025.period(0), [Parameter("deals_won", 10, 100)], ramp=self.RAMP
        )
        assert ramped.plan("deals_won").target == 5


class TestPhasingExample:
    """DESIGN: a Q1 2025 card, Phasing({1: 3, 2: 3, 3: 4}), target 300, 90 deals by Feb 14."""

    def test_expected_by_february_14(self):
        plan = card(QUARTERLY_2025, 0, [Parameter("deals_won", 300, 100)], phasing=Q1).plan("deals_won")
        # m(W) = 3 + 3 + 4 = 10; by Feb 14: 3 (January) + 3 x 14/28 = 4.5
        assert plan.measure == 10
        assert plan.measure_to(day(2025, 2, 14)) == Fraction(9, 2)
        # expected = 4.5 / 10 = 0.45; the target is not moved without proration
        assert plan.expected(day(2025, 2, 14)) == Fraction(45, 100)
        assert plan.target == 300
        # 90 deals: achievement 0.3, projected actual 90 / 0.45 = 200, projected 200/300 = 2/3
        assert Fraction(90) / plan.expected(day(2025, 2, 14)) / plan.target == Fraction(2, 3)

    def test_prorated_from_february(self):
        p = Parameter("deals_won", 300, 100, counts_from=Date(2025, 2, 1), prorate=True)
        plan = card(QUARTERLY_2025, 0, [p], phasing=Q1).plan("deals_won")
        # m(W) = 3 + 4 = 7 of m(period) = 10: 300 x 7/10 = 210
        assert (plan.measure, plan.period_measure, plan.target) == (7, 10, 210)

    def test_a_leap_february_spreads_its_weight_over_29_days(self):
        q1_2024 = Cadence.quarterly(Date(2024, 1, 1))
        plan = card(q1_2024, 0, [Parameter("deals_won", 300, 100)], phasing=Q1).plan("deals_won")
        # by Feb 14, 2024: 3 + 3 x 14/29 = 129/29, of 10
        assert plan.measure_to(day(2024, 2, 14)) == Fraction(129, 29)
        assert day_weight(Date(2024, 2, 29), phasing=Q1) == Fraction(3, 29)

    def test_with_a_calendar_a_month_weight_is_spread_over_its_working_days(self):
        q1 = card(QUARTERLY_2025, 0, [Parameter("deals_won", 300, 100)], phasing=Q1, calendar=WorkCalendar())
        # Q1 2025 weekdays: January 23, February 20, March 21. By Friday Feb 14: 10 working days of 20.
        # m = 3 + 3 x 10/20 = 4.5 of 10, as without the calendar here; by Saturday Feb 15 still 4.5
        p = q1.plan("deals_won")
        assert p.measure_to(day(2025, 2, 14)) == Fraction(9, 2)
        assert p.measure_to(day(2025, 2, 15)) == Fraction(9, 2)
        # by Monday Feb 17: 3 + 3 x 11/20 = 93/20
        assert p.measure_to(day(2025, 2, 17)) == Fraction(93, 20)

    def test_a_partial_month_in_a_period_weighs_its_share(self):
        # A 4-4-5 period [2024-12-29, 2025-01-26): 3 December days of 31 at weight 1, 25 January days of 31 at 3
        retail = Cadence.weeks(Date(2024, 12, 29))
        plan = card(retail, 0, [Parameter("deals_won", 10, 100)], phasing=Q1).plan("deals_won")
        assert plan.measure == Fraction(3, 31) + Fraction(3 * 25, 31)


class TestPlainIsTheDaysOf02:
    def test_a_card_without_steps_ramp_or_phasing_is_plain(self):
        p = Parameter("deals_won", 30, 100, counts_from=Date(2024, 4, 21), prorate=True)
        plan = card(APRIL, 0, [p]).plan("deals_won")
        # 0.2: window Apr 21..30, 10 days of 30: target 30 x 10/30 = 10; on Apr 22 2 of 10 days elapsed
        assert plan.plain
        assert (plan.measure, plan.period_measure, plan.target) == (10, 30, 10)
        assert plan.expected(day(2024, 4, 22)) == Fraction(2, 10)

    def test_a_zero_target_paces_by_the_weight(self):
        p = Parameter("returns", 0, 100, direction=Direction.LOWER_IS_BETTER)
        plan = card(APRIL, 0, [p]).plan("returns")
        # T = 0: expected falls back to m(elapsed) / m(W) = 6/30
        assert plan.target == 0
        assert plan.expected(day(2024, 4, 6)) == Fraction(1, 5)

    def test_plans_are_shared_between_cards_of_one_template(self):
        first = card(APRIL, 0, [Parameter("deals_won", 10, 100)])
        second = reissue(first, id="c2", owner=User("bob"), rollover=False, series=None, version=1, name="")
        assert first.plan("deals_won") is second.plan("deals_won")

    def test_only_active_parameters_have_a_plan(self):
        c = card(APRIL, 0, [Parameter("deals_won", 10, 100), Parameter("calls", 10, 10, active=False)])
        with pytest.raises(KeyError, match="no active metric 'calls'"):
            c.plan("calls")


class TestDaysNotHours:
    def test_a_dst_month_weighs_its_dates_not_its_hours(self):
        # Warsaw's March 2024 is 743 hours, but 31 dates: the plan counts dates in the card's zone.
        march = Cadence.monthly(Date(2024, 3, 1))
        step = TargetStep(Date(2024, 3, 31), 41)  # the day the clocks go forward, 23 hours long
        c = card(march, 0, [Parameter("deals_won", 10, 100, steps=(step,))], timezone="Europe/Warsaw")
        plan = c.plan("deals_won")
        # 30 days at 10 and one at 41: T = (300 + 41) / 31 = 11
        assert (plan.measure, plan.target) == (31, 11)
        assert plan.expected(day(2024, 3, 30)) == Fraction(300, 341)


class TestNextCard:
    def test_starts_from_the_target_in_force_on_the_last_day_without_steps(self):
        steps = (TargetStep(Date(2024, 4, 10), 20), TargetStep(Date(2024, 4, 20), 25))
        april = card(APRIL, 0, [Parameter("deals_won", 10, 100, steps=steps), Parameter("calls", 5, 10, active=False)])
        may = april.next_card()
        assert may.parameter("deals_won") == Parameter("deals_won", 25, 100)
        assert may.parameter("calls") == april.parameter("calls")
        assert may.plan("deals_won").plain

    def test_copy_for_keeps_the_steps(self):
        steps = (TargetStep(Date(2024, 4, 10), 20),)
        april = card(APRIL, 0, [Parameter("deals_won", 10, 100, steps=steps)])
        assert april.copy_for(User("bob")).parameter("deals_won").steps == steps


class TestRefused:
    """Every bad input raises a named error; the message names the value and what is right."""

    @pytest.mark.parametrize("effective", [Date(2024, 4, 1), Date(2024, 3, 20), Date(2024, 5, 1), Date(2024, 6, 1)])
    def test_a_step_on_or_before_the_window_start_or_on_or_after_the_period_end(self, effective):
        p = Parameter("deals_won", 10, 100, steps=(TargetStep(effective, 20),))
        with pytest.raises(
            InvalidScorecard, match=rf"card 'c1': parameter 'deals_won': the target step from {effective}"
        ):
            card(APRIL, 0, [p])

    def test_a_step_on_a_later_window_start(self):
        p = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 10), steps=(TargetStep(Date(2024, 4, 10), 20),))
        with pytest.raises(InvalidScorecard, match="after the window start 2024-04-10"):
            card(APRIL, 0, [p])

    def test_a_step_on_an_inactive_parameter_is_checked_too(self):
        steps = (TargetStep(Date(2024, 5, 10), 20),)
        with pytest.raises(InvalidScorecard, match="'calls': the target step from 2024-05-10"):
            card(APRIL, 0, [Parameter("deals_won", 10, 100), Parameter("calls", 10, 10, active=False, steps=steps)])

    @pytest.mark.parametrize("factors", [(0,), (Decimal("1.01"),), (0.5, -0.5), ()])
    def test_a_ramp_factor_of_0_or_above_1_or_none_at_all(self, factors):
        with pytest.raises(InvalidScorecard, match=r"ramp factor|at least one factor"):
            Ramp(Date(2025, 1, 15), factors)

    @pytest.mark.parametrize("factors", [0.5, "0.5", None])
    def test_ramp_factors_must_be_a_sequence(self, factors):
        with pytest.raises(InvalidScorecard, match="ramp factors must be a sequence"):
            Ramp(Date(2025, 1, 15), factors)

    def test_a_ramp_start_must_be_a_date(self):
        with pytest.raises(InvalidScorecard, match="ramp start must be a calendar date"):
            Ramp(dt.datetime(2025, 1, 15, tzinfo=dt.UTC), (0.5,))

    def test_a_card_that_ends_before_its_ramp_starts(self):
        ramp = Ramp(Date(2025, 2, 1), (0.5,))
        with pytest.raises(
            InvalidScorecard,
            match=r"card 'c1': the period \[2025-01-01, 2025-02-01\) ends on or before the ramp's start 2025-02-01",
        ):
            card(MONTHLY_2025, 0, [Parameter("deals_won", 10, 100)], ramp=ramp)

    @pytest.mark.parametrize(
        ("months", "match"),
        [
            ({1: -1}, "the phasing weight of January must be 0 or more, got -1"),
            (dict.fromkeys(range(1, 13), 0), "at least one month weighing more than 0"),
            ({13: 1}, "got 13"),
            ({True: 1}, "got True"),
            ({1: "x"}, "the phasing weight of January must be a finite number"),
            ([3, 3, 4], "a mapping of calendar months"),
        ],
    )
    def test_a_bad_phasing(self, months, match):
        with pytest.raises(InvalidScorecard, match=match):
            Phasing(months)

    def test_a_window_whose_months_all_weigh_0(self):
        p = Parameter("deals_won", 10, 100, counts_from=Date(2025, 2, 1))
        with pytest.raises(
            InvalidScorecard,
            match=r"card 'c1': parameter 'deals_won': its window \[2025-02-01, 2025-04-01\) weighs nothing",
        ):
            card(QUARTERLY_2025, 0, [p], phasing=Phasing({1: 1, 2: 0, 3: 0}))

    def test_a_window_whose_weighed_month_has_no_working_day(self):
        # Mon Feb 24 .. Sun Mar 2: five working days, all in February, which weighs 0; March's two
        # days in the window are a weekend.  Working days exist, but nothing weighs anything.
        week = Cadence.every(Date(2025, 2, 24), days=7)
        with pytest.raises(InvalidScorecard, match=r"weighs nothing: no day in it counts \(working days Mon"):
            card(week, 0, [Parameter("deals_won", 10, 100)], phasing=Phasing({2: 0}), calendar=WorkCalendar())

    def test_ramp_and_phasing_fields_must_have_their_types(self):
        with pytest.raises(InvalidScorecard, match="ramp must be a Ramp or None"):
            card(APRIL, 0, [Parameter("deals_won", 10, 100)], ramp=(0.5,))
        with pytest.raises(InvalidScorecard, match="phasing must be a Phasing or None"):
            card(APRIL, 0, [Parameter("deals_won", 10, 100)], phasing={1: 3})

    def test_a_step_target_that_is_not_a_number(self):
        with pytest.raises(InvalidParameter, match="a target step's target must be a finite number"):
            TargetStep(Date(2024, 4, 10), None)
        with pytest.raises(InvalidParameter, match="effective date must be a date"):
            TargetStep("April 10", 20)


class TestValues:
    def test_phasing_equality_is_by_weight(self):
        assert Phasing({1: 1, 2: 3}) == Phasing({2: "3.0"})
        assert Phasing(Phasing({2: 3}).months) == Phasing({2: 3})
        assert hash(Phasing({2: 3})) == hash(Phasing({2: Decimal(3)}))

    def test_evolve_round_trips_every_value(self):
        import attrs

        q1 = Phasing({1: 3, 2: 3, 3: 4})
        assert attrs.evolve(q1) == q1
        ramp = Ramp("2025-01-15", ["0.5", 0.75])
        assert attrs.evolve(ramp) == ramp == Ramp(Date(2025, 1, 15), (Decimal("0.5"), Decimal("0.75")))

    def test_reissue_keeps_the_ramp_factor(self):
        first = card(MONTHLY_2025, 1, [Parameter("deals_won", 10, 100)], ramp=Ramp(Date(2025, 1, 15), (0.5, 0.75)))
        second = reissue(first, id="c2", owner=User("bob"), rollover=False, series=None, version=1, name="")
        assert second.ramp_factor == Decimal("0.75")


# ------------------------------------------------------------------------------------------
# The oracle: DESIGN's formulas, day by day, in Fractions.


def oracle_weight(d, calendar, phasing):
    """w(d): 0 on a day the calendar does not count, else 1, or the month's phasing weight / its counted days."""

    def counts(x):
        return calendar is None or (x.weekday() in calendar.weekdays and x not in calendar.holidays)

    if not counts(d):
        return Fraction(0)
    if phasing is None:
        return Fraction(1)
    first = dt.date(d.year, d.month, 1)
    month_days = [first + dt.timedelta(days=i) for i in range(31) if (first + dt.timedelta(days=i)).month == d.month]
    counted = sum(1 for x in month_days if counts(x))
    return Fraction(phasing.weight(d.month)) / counted


def oracle_target(d, target, steps, factor):
    """t(d): the target changed from a date by its steps, times the ramp factor."""
    value = target
    for step in steps:
        if step.effective <= d:
            value = step.target
    return Fraction(value) * Fraction(factor)


def days_of(start, end):
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


@st.composite
def plans(draw):
    """A window inside a period, a calendar or none, a phasing or none, a target with steps, a factor."""
    period_start = draw(st.dates(min_value=dt.date(1999, 11, 1), max_value=dt.date(2101, 1, 31)))
    length = draw(st.integers(1, 120))
    period = Period(period_start, period_start + dt.timedelta(days=length))
    offset = draw(st.integers(0, length - 1))
    start = period.start.add(days=offset)
    calendar = draw(
        st.none()
        | st.builds(
            WorkCalendar,
            st.frozensets(st.integers(0, 6), min_size=1),
            st.frozensets(st.dates(min_value=period.start, max_value=period.last_day), max_size=5),
        )
    )
    phasing = draw(
        st.none()
        | st.dictionaries(st.integers(1, 12), st.sampled_from([0, 1, 2, "0.5", "3.25"])).map(
            lambda months: (
                Phasing(months) if any(Decimal(str(w)) for w in months.values()) or len(months) < 12 else None
            )
        )
    )
    target = draw(st.decimals(min_value=1, max_value=10**6, places=2))
    # Steps inside the window, as a card allows, and now and then outside it (the arithmetic still holds).
    inner = range(1, (period.end - start).days)
    around = st.sampled_from(inner) if inner and draw(st.integers(0, 4)) else st.integers(-10, len(inner) + 10)
    offsets = sorted(draw(st.sets(around, max_size=4)))
    steps = tuple(
        TargetStep(start.add(days=o), draw(st.decimals(min_value=1, max_value=10**6, places=2))) for o in offsets
    )
    factor = draw(st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("0.75"), Decimal("0.333")]))
    prorate = draw(st.booleans())
    return period, start, calendar, phasing, target, steps, factor, prorate


@given(plans(), st.integers(-5, 130))
def test_window_plan_agrees_with_the_day_by_day_oracle(drawn, offset):
    period, start, calendar, phasing, target, steps, factor, prorate = drawn
    window = days_of(start, period.end)
    w = {d: oracle_weight(d, calendar, phasing) for d in days_of(period.start, period.end)}
    m_window = sum((w[d] for d in window), Fraction(0))
    m_period = sum(w.values(), Fraction(0))
    kwargs = {"target": target, "steps": steps, "factor": factor, "calendar": calendar, "phasing": phasing}
    if m_window == 0:
        with pytest.raises(InvalidScorecard, match="weighs nothing"):
            WindowPlan(start, period.end, period, prorate=prorate, **kwargs)
        return
    plan = WindowPlan(start, period.end, period, prorate=prorate, **kwargs)
    share = m_window / m_period if prorate else Fraction(1)
    weighted = sum((oracle_target(d, target, steps, factor) * w[d] for d in window), Fraction(0))
    big_t = weighted / m_window * share
    assert (plan.measure, plan.period_measure, plan.share, plan.target) == (m_window, m_period, share, big_t)
    today = start + dt.timedelta(days=offset)
    elapsed = [d for d in window if d <= today]
    m_elapsed = sum((w[d] for d in elapsed), Fraction(0))
    t_d = sum((oracle_target(d, target, steps, factor) * w[d] for d in elapsed), Fraction(0)) / m_window * share
    ordinal = today.toordinal()
    assert plan.measure_to(ordinal) == m_elapsed
    assert plan.target_to(ordinal) == t_d
    assert plan.expected(ordinal) == (t_d / big_t if big_t else m_elapsed / m_window)
    clamped = min(max(today, window[0]), window[-1])
    assert plan.in_force(ordinal) == oracle_target(clamped, target, steps, factor)
    for d in window[:3] + window[-3:]:
        assert day_weight(d, calendar, phasing) == w[d]
    assert plan.plain == (not steps and factor == 1 and phasing is None)


def test_window_plan_is_cached_by_its_inputs():
    april = APRIL.period(0)
    cal = WorkCalendar()
    first = window_plan(april.start, april.end, april, target=Decimal(10), calendar=cal)
    assert window_plan(april.start, april.end, april, target=Decimal(10), calendar=WorkCalendar()) is first
    assert window_plan(april.start, april.end, april, target=Decimal(11), calendar=cal) is not first


@given(scorecards(accumulations=[Accumulation.SUM, Accumulation.AVERAGE, Accumulation.LAST]), st.integers(-3, 100))
def test_without_steps_ramp_or_phasing_the_plan_is_0_2_pace_and_proration(card_02, offset):
    """Generated 0.2 cards: T is the rule's exact target, expected is elapsed / days, m(W) is days."""
    for window in card_02.windows:
        plan = card_02.plan(window.key)
        assert plan.plain
        assert plan.measure == window.days
        assert plan.target == window.rule.exact_target
        today = window.start_ordinal + offset
        assert plan.expected(today) == Fraction(window.elapsed(today), window.days)
        assert plan.in_force(today) == window.parameter.target


@given(scorecards(parameters=(1, 3)), st.data())
def test_a_ramp_scales_exactly_the_rampable_targets(card_02, data):
    factor = data.draw(st.sampled_from(["0.5", "0.25", "0.9"]))
    ramp = Ramp(card_02.period.start, (factor,))
    ramped = card_02.evolve(ramp=ramp)
    assert ramped.ramp_factor == Decimal(factor)
    for window in card_02.windows:
        expected = window.rule.exact_target * (Fraction(Decimal(factor)) if window.parameter.rampable else 1)
        assert ramped.plan(window.key).target == expected
