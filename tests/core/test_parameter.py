"""`Parameter(steps=)`: targets changed from a date, and which targets a ramp scales."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Accumulation, Date, Direction, InvalidParameter, Metric, Parameter, TargetStep

APRIL_10 = TargetStep(Date(2024, 4, 10), 20)
APRIL_20 = TargetStep(Date(2024, 4, 20), 25)


class TestSteps:
    def test_default_is_no_step(self):
        assert Parameter("deals_won", 10, 100).steps == ()

    def test_any_iterable_becomes_a_tuple(self):
        assert Parameter("deals_won", 10, 100, steps=[APRIL_10, APRIL_20]).steps == (APRIL_10, APRIL_20)

    def test_steps_are_part_of_equality_and_hash(self):
        stepped = Parameter("deals_won", 10, 100, steps=(APRIL_10,))
        assert stepped != Parameter("deals_won", 10, 100)
        assert hash(stepped) == hash(Parameter("deals_won", 10, 100, steps=[TargetStep("2024-04-10", "20")]))

    def test_target_on(self):
        p = Parameter("deals_won", 10, 100, steps=(APRIL_10, APRIL_20))
        assert [p.target_on(Date(2024, 4, d)) for d in (1, 9, 10, 19, 20, 30)] == [10, 10, 20, 20, 25, 25]
        assert Parameter("deals_won", 10, 100).target_on(Date(2030, 1, 1)) == 10

    def test_evolve_keeps_and_replaces_steps(self):
        p = Parameter("deals_won", 10, 100, steps=(APRIL_10,))
        assert p.evolve(target=12).steps == (APRIL_10,)
        assert p.evolve(steps=()).steps == ()

    def test_a_lower_is_better_step_may_be_0(self):
        p = Parameter("returns", 5, 100, direction=Direction.LOWER_IS_BETTER, steps=(TargetStep(Date(2024, 4, 10), 0),))
        assert p.steps[0].target == 0

    def test_a_near_target_step_may_be_any_number(self):
        step = TargetStep(Date(2024, 4, 10), -3)
        assert Parameter("discount", 10, 100, direction="near_target", tolerance=5, steps=(step,)).steps == (step,)


class TestStepsRefused:
    def test_dates_must_strictly_increase(self):
        with pytest.raises(InvalidParameter, match="strictly increasing dates, got 2024-04-10 after 2024-04-20"):
            Parameter("deals_won", 10, 100, steps=(APRIL_20, APRIL_10))
        with pytest.raises(InvalidParameter, match="strictly increasing dates, got 2024-04-10 after 2024-04-10"):
            Parameter("deals_won", 10, 100, steps=(APRIL_10, TargetStep(Date(2024, 4, 10), 30)))

    @pytest.mark.parametrize(
        ("kwargs", "target", "match"),
        [
            ({}, 0, "the step from 2024-04-10: target must be more than 0 when higher is better, got 0"),
            ({"direction": "lower_is_better"}, -1, "target must be 0 or more when lower is better, got -1"),
            ({"baseline": 5}, 5, "target 5 must be above the baseline 5 when higher is better"),
            ({"baseline": 20, "direction": "lower_is_better"}, 21, "target 21 must be below the baseline 20"),
        ],
    )
    def test_each_step_obeys_the_target_rules(self, kwargs, target, match):
        # The parameter's own target, 10, is fine in each case; only the step's is not.
        with pytest.raises(InvalidParameter, match=f"parameter 'm': .*{match}"):
            Parameter("m", 10, 100, steps=(TargetStep(Date(2024, 4, 10), target),), **kwargs)

    @pytest.mark.parametrize("steps", [APRIL_10, [Decimal(20)], 5, [(Date(2024, 4, 10), 20)]])
    def test_steps_must_be_target_steps(self, steps):
        with pytest.raises(InvalidParameter, match="steps must be"):
            Parameter("deals_won", 10, 100, steps=steps)

    def test_a_step_target_has_at_most_12_places(self):
        with pytest.raises(InvalidParameter, match="at most 12 digits"):
            TargetStep(Date(2024, 4, 10), "0.0000000000001")


class TestRampable:
    @pytest.mark.parametrize(
        ("parameter", "rampable"),
        [
            (Parameter("deals_won", 10, 100), True),
            (Parameter(Metric.custom("demos", "demos"), 4, 100), True),
            (Parameter("nps", 50, 100, baseline=30), False),
            (Parameter("returns", 5, 100, direction=Direction.LOWER_IS_BETTER), False),
            (Parameter("discount", 10, 100, direction="near_target", tolerance=5), False),
            (Parameter(Metric("rate", accumulation=Accumulation.AVERAGE), 10, 100), False),
            (Parameter(Metric("balance", accumulation=Accumulation.LAST), 10, 100), False),
        ],
    )
    def test_only_higher_is_better_sums_without_a_baseline(self, parameter, rampable):
        assert parameter.rampable is rampable


@given(
    st.lists(st.integers(1, 60), unique=True, max_size=6).map(sorted),
    st.integers(-5, 70),
)
def test_target_on_is_the_latest_step_on_or_before_the_day(offsets, offset):
    start = Date(2024, 2, 1)
    steps = tuple(TargetStep(start.add(days=o), o) for o in offsets)
    p = Parameter("deals_won", 100, 100, steps=steps)
    day = start.add(days=offset)
    in_force = [o for o in offsets if o <= offset]
    assert p.target_on(day) == (in_force[-1] if in_force else 100)
