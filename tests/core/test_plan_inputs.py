"""`scorekit.plan`: what a ramp and a phasing refuse, and the plan's days, where the 0.3 core's mutation audit found no test.

Each refusal names the value and what would be right; each number is worked out in a comment.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from scorekit import Cadence, Date, InvalidScorecard, Parameter, Phasing, Ramp, Scorecard, TargetStep, User
from scorekit.period import Period
from scorekit.plan import WindowPlan

START = Date(2025, 1, 15)
Q1 = Period(Date(2025, 1, 1), Date(2025, 4, 1))
FEB_14 = Date(2025, 2, 14).toordinal()
THIRTEEN_PLACES = "0.1234567890123"


class TestRampFactors:
    def test_none(self):
        with pytest.raises(
            InvalidScorecard, match=r"^a ramp needs at least one factor, such as \(0\.5, 0\.75\), got \(\)$"
        ):
            Ramp(START, ())

    @pytest.mark.parametrize("bad", ["x", THIRTEEN_PLACES])
    def test_a_factor_that_is_not_a_number_of_at_most_12_places_is_named_by_its_place(self, bad):
        with pytest.raises(InvalidScorecard, match=r"ramp factor 2\b"):
            Ramp(START, (0.5, bad))

    def test_a_factor_above_1_is_named_by_its_place(self):
        with pytest.raises(
            InvalidScorecard,
            match=r"^ramp factor 2 must be more than 0 and at most 1 \(a share of the full target\), got 2$",
        ):
            Ramp(START, (0.5, 2))

    def test_1_is_a_factor(self):
        assert Ramp(START, (0.5, 1)).factors == (Decimal("0.5"), Decimal(1))


class TestPhasingWeights:
    def test_twelve_weights_come_as_a_tuple_only(self):
        assert Phasing(tuple([1] * 11 + [2])).weight(12) == 2
        with pytest.raises(InvalidScorecard, match="a phasing needs a mapping of calendar months"):
            Phasing([1] * 12)

    def test_a_weight_of_more_than_12_places_is_named_by_its_month(self):
        with pytest.raises(InvalidScorecard, match="the phasing weight of February"):
            Phasing({2: THIRTEEN_PLACES})

    def test_all_zero(self):
        with pytest.raises(
            InvalidScorecard, match=r"^a phasing needs at least one month weighing more than 0, got 0 for all 12$"
        ):
            Phasing(dict.fromkeys(range(1, 13), 0))

    def test_repr_names_the_months_that_do_not_weigh_1(self):
        assert repr(Phasing({1: 3, 2: "0.5", 7: 1})) == "Phasing({1: 3, 2: 0.5})"

    def test_a_window_that_weighs_nothing_names_its_calendar_and_phasing(self):
        april = Cadence.monthly(Date(2024, 4, 1))
        with pytest.raises(
            InvalidScorecard,
            match=r"weighs nothing: no day in it counts \(no calendar; phasing Phasing\(\{4: 0\}\)\); give the window a day",
        ):
            Scorecard("c1", User("ann"), april, april.period(0), [Parameter("a", 1, 100)], phasing=Phasing({4: 0}))


class TestWindowPlan:
    def test_not_prorated_unless_asked(self):
        # From February 1 of the Q1 phasing 3 : 3 : 4, not prorated: T stays 300 (prorated: 300 x 7/10).
        plan = WindowPlan(Date(2025, 2, 1), Q1.end, Q1, phasing=Phasing({1: 3, 2: 3, 3: 4}), target=Decimal(300))
        assert plan.target == 300

    def test_the_day_before_a_step(self):
        # April 2024, target 10, 20 from April 16: T = (10 x 15 + 20 x 15) / 30 = 15.  Through April 14:
        # T_d = 10 x 14 / 30 = 14/3, expected = (14/3) / 15 = 14/45 (not 15 days' worth, 1/3).
        april = Period(Date(2024, 4, 1), Date(2024, 5, 1))
        plan = WindowPlan(april.start, april.end, april, target=Decimal(10), steps=(TargetStep(Date(2024, 4, 16), 20),))
        assert plan.target == 15
        assert plan.expected(Date(2024, 4, 14).toordinal()) == Fraction(14, 45)

    def test_a_target_of_0_expects_the_share_of_the_weight_elapsed(self):
        # Lower is better with a target of 0: T = 0, so expected is m(elapsed) / m(W): by Feb 14
        # 3 + 3 x 14/28 = 4.5 of 3 + 3 + 4 = 10: 9/20.
        plan = WindowPlan(Q1.start, Q1.end, Q1, phasing=Phasing({1: 3, 2: 3, 3: 4}), target=Decimal(0))
        assert plan.expected(FEB_14) == Fraction(9, 20)
