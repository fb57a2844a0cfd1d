"""`scorekit.window`: how a window judges its parameter, checked where the mutation audit of the 0.3 core found no test.

A baseline under a moved plan and under a relief (it scales by the window's share), a
written target a plan keeps as written, a level judged by the target in force on its
first day, and the error for a window without a working day.
"""

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    InvalidScorecard,
    Metric,
    Parameter,
    Phasing,
    Scorecard,
    TargetStep,
    User,
    WorkCalendar,
    score,
)
from scorekit.scores import exact_values

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")
APRIL_11 = Date(2024, 4, 11)


def _card(*parameters: Parameter, cadence: Cadence = APRIL, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), cadence, cadence.period(0), list(parameters), **kwargs)  # type: ignore[arg-type]


class TestBaseline:
    def test_under_steps_and_proration(self):
        # Counts from April 11 (20 of 30 days), prorated: share 2/3.  Target 50, 80 from April 21:
        # the targets in force weighted by day (50 x 10 + 80 x 10) / 20 = 65, prorated 65 x 2/3 =
        # 130/3 = 43.3333; the baseline 30 scales alike, 30 x 2/3 = 20.  Actual 40:
        # (40 - 20) / (130/3 - 20) = 20 / (70/3) = 6/7 = 85.71%.
        step = TargetStep(Date(2024, 4, 21), 80)
        parameter = Parameter("nps_sum", 50, 100, baseline=30, counts_from=APRIL_11, prorate=True, steps=(step,))
        item = score(_card(parameter), {"nps_sum": 40}, as_of=MAY_1).parameters[0]
        assert exact_values(item).target == Fraction(130, 3)
        assert exact_values(item).achievement == Fraction(6, 7)
        lines = item.explain().splitlines()
        assert "  weighted target: 65 (the targets in force, weighted by day)" in lines
        assert "  target: 43.3333 (prorated: 66.67% of the period)" in lines
        assert "  achievement = max(0, (40 - 20) / (43.3333 - 20)) = 85.71%" in lines

    def test_under_a_relief_on_a_prorated_target(self):
        # Prorated to 20 of 30 days: target 50 x 2/3 = 100/3, baseline 30 x 2/3 = 20; a relief of 5
        # leaves 100/3 - 5 = 85/3.  Actual 25: (25 - 20) / (85/3 - 20) = 5 / (25/3) = 3/5 = 60.00%.
        parameter = Parameter("nps_sum", 50, 100, baseline=30, counts_from=APRIL_11, prorate=True)
        relief = Adjustment(
            "r1", "c1", "nps_sum", AdjustmentKind.RELIEF, 5, "leave", pendulum.datetime(2024, 4, 12, tz="UTC"), "boss"
        )
        item = score(_card(parameter), {"nps_sum": 25}, as_of=MAY_1, adjustments=[relief]).parameters[0]
        assert exact_values(item).target == Fraction(85, 3)
        assert exact_values(item).achievement == Fraction(3, 5)
        assert item.achievement - Decimal("0.6") < Decimal("1e-33")  # its Decimal, 34 digits


class TestPlannedTarget:
    def test_a_phasing_keeps_the_written_target(self):
        # Q1 phased 3 : 3 : 4 over the whole quarter: T = 300.0 x 1 as written (not 300 from a division).
        quarter = Cadence.quarterly(Date(2025, 1, 1))
        card = _card(Parameter("deals_won", "300.0", 100), cadence=quarter, phasing=Phasing({1: 3, 2: 3, 3: 4}))
        item = score(card, {"deals_won": 90}, as_of=pendulum.datetime(2025, 4, 1, tz="UTC")).parameters[0]
        assert str(item.target) == "300.0"
        assert str(card.windows[0].target) == "300.0"

    def test_a_prorated_phasing_keeps_the_written_places(self):
        # The same from February 1, prorated: 300.0 x 7/10 = 210.0 (DESIGN 0.3), written with its place.
        quarter = Cadence.quarterly(Date(2025, 1, 1))
        parameter = Parameter("deals_won", "300.0", 100, counts_from=Date(2025, 2, 1), prorate=True)
        card = _card(parameter, cadence=quarter, phasing=Phasing({1: 3, 2: 3, 3: 4}))
        assert str(card.windows[0].target) == "210.0"

    def test_a_level_is_judged_by_each_target_in_force_in_turn(self):
        # nps: 50, "70.0" from April 21, 90 from April 28; one card scored on April 25, then April 29.
        steps = (TargetStep(Date(2024, 4, 21), "70.0"), TargetStep(Date(2024, 4, 28), 90))
        card = _card(Parameter(Metric("nps", accumulation="last"), 50, 100, steps=steps))
        first = score(card, {"nps": 63}, as_of=pendulum.datetime(2024, 4, 25, tz="UTC")).parameters[0]
        second = score(card, {"nps": 63}, as_of=pendulum.datetime(2024, 4, 29, tz="UTC")).parameters[0]
        assert str(first.target) == "70.0"  # the step as written
        assert first.achievement == Decimal("0.9")  # 63 / 70
        assert second.target == 90
        assert second.achievement == Decimal("0.7")  # 63 / 90

    def test_a_level_starts_from_the_target_in_force_on_its_first_day(self):
        # nps counts from April 11: 50 in force then, 70 from April 21 (not the weighted 60).
        step = TargetStep(Date(2024, 4, 21), 70)
        card = _card(Parameter(Metric("nps", accumulation="last"), 50, 100, counts_from=APRIL_11, steps=(step,)))
        assert card.windows[0].target == 50
        waiting = score(card, {}, as_of=pendulum.datetime(2024, 4, 5, tz="UTC")).parameters[0]
        assert waiting.target == 50


def test_a_window_without_a_working_day_names_the_calendar():
    # Saturdays and Sundays only; the window April 29 (Monday) to April 30 (Tuesday) has none.
    weekends = WorkCalendar(weekdays={5, 6})
    late = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 29))
    with pytest.raises(InvalidScorecard, match=r"has no working day \(working days Sat, Sun; no holidays\); give"):
        _card(late, calendar=weekends)


class TestDays:
    def test_expected_of_a_window_without_a_plan(self):
        # April 10 is day 10 of 30: 1/3, and 1 (not more) from the last day on.
        (window,) = _card(Parameter("deals_won", 10, 100)).windows
        assert window.expected_at(Date(2024, 4, 10).toordinal())[1] == Fraction(1, 3)
        assert window.expected_at(Date(2024, 5, 3).toordinal()) == (Decimal(1), Fraction(1))

    def test_per_day_on_the_first_day(self):
        # April 1, 1 deal of 10: 9 left over all 30 days, April 1 included: 0.3 a day.
        item = score(
            _card(Parameter("deals_won", 10, 100)), {"deals_won": 1}, as_of=pendulum.datetime(2024, 4, 1, 9, tz="UTC")
        )
        assert item.parameters[0].per_day == Decimal("0.3")


def test_a_relieved_target_is_not_a_written_one():
    # 10, then "7.0" from April 16: T = (10 x 15 + 7 x 15) / 30 = 8.5; a relief of 1.5 leaves 7, which
    # is the relieved T (shown "7"), not the step as written ("7.0").
    parameter = Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 4, 16), "7.0"),))
    relief = Adjustment(
        "r1", "c1", "deals_won", AdjustmentKind.RELIEF, "1.5", "leave", pendulum.datetime(2024, 4, 2, tz="UTC"), "boss"
    )
    item = score(_card(parameter), {"deals_won": 7}, as_of=MAY_1, adjustments=[relief]).parameters[0]
    assert item.target == 7
    assert str(item.target) == "7"
