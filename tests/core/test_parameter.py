"""`Parameter(steps=)`: targets changed from a date, and which targets a ramp scales."""

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Date,
    Direction,
    InvalidParameter,
    InvalidPeriod,
    Metric,
    MetricKind,
    Parameter,
    TargetStep,
    Weight,
)
from scorekit.parameter import _text

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


# ------------------------------------------------------------------------------------------------
# parameter: enums, Metric and every problem Parameter names, word for word


def test_enum_values_are_the_documented_strings():
    assert [k.value for k in MetricKind] == ["automatic", "manual"]
    assert [a.value for a in Accumulation] == ["sum", "average", "last", "balance"]
    assert [d.value for d in Direction] == ["higher_is_better", "lower_is_better", "near_target"]
    assert [a.is_level for a in Accumulation] == [False, True, True, True]


class TestMetric:
    def test_defaults(self):
        metric = Metric("deals_won")
        assert (metric.unit, metric.kind, metric.label, metric.accumulation) == (
            "",
            MetricKind.AUTOMATIC,
            "",
            Accumulation.SUM,
        )
        assert not metric.is_manual
        assert not metric.is_level
        assert metric.display_name == "deals_won"

    def test_custom_keeps_every_argument(self):
        metric = Metric.custom("nps", "points", label="Net promoter score", accumulation=Accumulation.LAST)
        assert metric == Metric("nps", "points", MetricKind.MANUAL, "Net promoter score", Accumulation.LAST)
        assert metric.is_manual
        assert metric.is_level
        assert metric.display_name == "Net promoter score"
        assert Metric.custom("demo_days", "days") == Metric("demo_days", "days", MetricKind.MANUAL)

    def test_accumulation_by_name_and_a_bad_one(self):
        assert Metric("rate", accumulation="average").accumulation is Accumulation.AVERAGE
        with pytest.raises(InvalidParameter) as info:
            Metric("rate", accumulation="median")
        assert str(info.value) == "metric accumulation must be one of 'sum', 'average', 'last', 'balance', got 'median'"

    @pytest.mark.parametrize(("field", "value"), [("key", ""), ("unit", "\n"), ("label", "a\x00b")])
    def test_text_fields_are_checked_and_named(self, field, value):
        kwargs = {"key": "deals_won", field: value}
        with pytest.raises(InvalidParameter, match=f"metric {field}"):
            Metric(**kwargs)

    def test_a_unit_and_label_may_be_empty(self):
        assert Metric("deals_won", unit="", label="").label == ""

    def test_the_text_validators_built_at_import(self):
        # `Metric`'s validators are made by `_text` while its class body runs, at import, before
        # a mutation run switches a mutant on: built here again, inside a test, so mutants of
        # `_text` are seen. A key is an identifier (never empty); a unit or label may be empty.
        key, unit = attrs.fields(Metric).key, attrs.fields(Metric).unit
        identifier, label = _text(empty=False), _text(empty=True)
        identifier(None, key, "deals_won")
        label(None, unit, "")
        label(None, unit, "calls")
        with pytest.raises(InvalidParameter) as info:
            identifier(None, key, "")
        assert str(info.value) == (
            "metric key must be a non-empty string with a visible character (not only whitespace or invisible "
            "characters), got ''"
        )
        with pytest.raises(InvalidParameter) as info:
            label(None, unit, "a\nb")
        assert (
            str(info.value) == "metric unit must not hold control characters other than tab (found '\\n'), got 'a\\nb'"
        )


class TestParameterFields:
    def test_defaults(self):
        p = Parameter("deals_won", 10, 30)
        assert p.metric == Metric("deals_won")
        assert p.key == "deals_won"
        assert (p.counts_from, p.direction, p.cap, p.threshold, p.baseline, p.tolerance) == (
            None,
            Direction.HIGHER_IS_BETTER,
            None,
            None,
            None,
            None,
        )
        assert (p.prorate, p.active, p.band) == (False, True, Decimal(0))
        assert str(p.weight) == "30%"

    def test_converters(self):
        p = Parameter(
            Metric("nps"),
            "50.5",
            Weight.percent(20),
            counts_from="2024-04-10",
            cap="1.5",
            threshold="0.5",
            baseline="30",
        )
        assert p.metric == Metric("nps")
        assert (p.target, p.cap, p.threshold, p.baseline) == (Decimal("50.5"), Decimal("1.5"), Decimal("0.5"), 30)
        assert p.counts_from == Date(2024, 4, 10)
        assert p.weight == Weight.percent(20)
        near = Parameter("discount", 10, 100, direction="near_target", tolerance="2.5", band="0.5")
        assert (near.direction, near.tolerance, near.band) == (Direction.NEAR_TARGET, Decimal("2.5"), Decimal("0.5"))

    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [
            ({"target": "x"}, "target"),
            ({"cap": "x"}, "cap"),
            ({"threshold": "x"}, "threshold"),
            ({"baseline": "x"}, "baseline"),
            ({"tolerance": "x", "direction": "near_target"}, "tolerance"),
            ({"band": "x"}, "band"),
        ],
    )
    def test_a_bad_number_names_its_field(self, kwargs, name):
        arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
        with pytest.raises(InvalidParameter, match=f"^{name} must be"):
            Parameter(**arguments)

    @pytest.mark.parametrize("name", ["target", "cap", "threshold", "baseline", "tolerance", "band"])
    def test_every_number_keeps_at_most_12_digits_after_the_point(self, name):
        # DESIGN "Numbers": targets, caps, thresholds, baselines, tolerances and bands have at most
        # 12 digits after the point (the general bound, for measurements, is far looser).
        near = {"direction": "near_target", "tolerance": 1} if name in ("tolerance", "band") else {}
        arguments = {"metric": "deals_won", "target": 10, "weight": 100} | near
        twelve = {"cap": "1.000000000001"}.get(name, "0.000000000001")
        assert getattr(Parameter(**arguments | {name: twelve}), name) == Decimal(twelve)
        with pytest.raises(InvalidParameter) as info:
            Parameter(**arguments | {name: "0.0000000000001"})
        assert str(info.value) == f"{name} must have at most 12 digits after the decimal point, got '0.0000000000001'"

    def test_a_bad_metric_direction_date_or_flag(self):
        with pytest.raises(InvalidParameter) as info:
            Parameter(3, 10, 100)
        assert str(info.value) == "a parameter's metric must be a Metric or a metric key string, got 3"
        with pytest.raises(InvalidParameter) as info:
            Parameter("deals_won", 10, 100, direction="up")
        assert str(info.value) == (
            "parameter direction must be one of 'higher_is_better', 'lower_is_better', 'near_target', got 'up'"
        )
        with pytest.raises(InvalidPeriod, match=r"^counts_from must be a date"):
            Parameter("deals_won", 10, 100, counts_from="soon")
        for flag in ("prorate", "active"):
            with pytest.raises(InvalidParameter) as info:
                Parameter("deals_won", 10, 100, **{flag: 1})
            assert str(info.value) == f"parameter {flag} must be True or False, got 1"

    def test_evolve_validates_again(self):
        p = Parameter("deals_won", 10, 100)
        assert p.evolve(target=12) == Parameter("deals_won", 12, 100)
        with pytest.raises(InvalidParameter):
            p.evolve(target=0)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"target": 0}, "target must be more than 0 when higher is better, got 0"),
        ({"target": -1, "direction": "lower_is_better"}, "target must be 0 or more when lower is better, got -1"),
        ({"target": 30, "baseline": 30}, "target 30 must be above the baseline 30 when higher is better"),
        (
            {"target": 6, "baseline": 6, "direction": "lower_is_better"},
            "target 6 must be below the baseline 6 when lower is better",
        ),
        (
            {"tolerance": 1},
            "tolerance 1 applies only when nearer the target is better (direction 'near_target')",
        ),
        ({"band": 1}, "band 1 applies only when nearer the target is better (direction 'near_target')"),
        (
            {"direction": "near_target", "tolerance": 1, "baseline": 3},
            "baseline 3 cannot be used when nearer the target is better; use tolerance and band",
        ),
        (
            {"direction": "near_target"},
            "tolerance must be more than 0 when nearer the target is better, got None",
        ),
        (
            {"direction": "near_target", "tolerance": 0},
            "tolerance must be more than 0 when nearer the target is better, got 0",
        ),
        ({"direction": "near_target", "tolerance": 1, "band": -1}, "band must be 0 or more, got -1"),
        ({"cap": 0}, "cap must be more than 0 (an achievement: 1.5 caps at 150%), got 0"),
        ({"threshold": "-0.1"}, "threshold must be 0 or more (an achievement: 0.5 gates at 50%), got -0.1"),
        ({"cap": 1, "threshold": "1.01"}, "threshold 1.01 must not be above cap 1"),
        (
            {"metric": Metric("rate", accumulation="average"), "prorate": True},
            (
                "prorate=True cannot apply to a level (average of records): a rate or balance target is not "
                "scaled; use prorate=False"
            ),
        ),
    ],
)
def test_every_parameter_problem_word_for_word(kwargs, problem):
    arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
    key = arguments["metric"] if isinstance(arguments["metric"], str) else arguments["metric"].key
    with pytest.raises(InvalidParameter) as info:
        Parameter(**arguments)
    assert str(info.value) == f"parameter {key!r}: {problem}"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target": "0.01"},  # just above 0
        {"target": 0, "direction": "lower_is_better"},  # 0 is allowed when lower is better
        {"target": "30.01", "baseline": 30},
        {"target": "5.99", "baseline": 6, "direction": "lower_is_better"},
        {"target": -5, "baseline": -6},  # a baseline lifts the "more than 0" rule
        {"direction": "near_target", "tolerance": "0.01", "band": 0},
        {"cap": "0.01", "threshold": 0},
        {"cap": 1, "threshold": 1},  # threshold may equal the cap
        {"metric": Metric("rate", accumulation="last"), "prorate": False},
        {"prorate": True},
    ],
)
def test_parameters_just_inside_the_rules(kwargs):
    arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
    assert Parameter(**arguments).target == Decimal(arguments["target"])
