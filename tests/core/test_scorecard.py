import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    Direction,
    InvalidParameter,
    InvalidScorecard,
    InvalidWeight,
    Metric,
    MetricKind,
    Parameter,
    Period,
    Scorecard,
    Team,
    User,
    Weight,
)
from scorekit.scorecard import WeightTotalError

MONTHLY = Cadence.monthly(Date(2024, 1, 31))


def card(parameters=None, **kwargs):
    parameters = parameters if parameters is not None else [Parameter("deals", 10, 60), Parameter("calls", 100, 40)]
    fields = {"id": "c1", "owner": User("ann"), "cadence": MONTHLY, "period": MONTHLY.period(0)}
    fields.update(kwargs)
    return Scorecard(
        fields.pop("id"), fields.pop("owner"), fields.pop("cadence"), fields.pop("period"), parameters, **fields
    )


class TestParameter:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"target": 0}, "target must be more than 0 when higher is better, got 0"),
            ({"target": -1, "direction": Direction.LOWER_IS_BETTER}, "target must be 0 or more when lower is better"),
            ({"cap": 0}, "cap must be more than 0"),
            ({"threshold": "-0.1"}, "threshold must be 0 or more"),
            ({"cap": 1, "threshold": "1.5"}, "threshold 1.5 must not be above cap 1"),
            ({"target": "x"}, "target must be a finite number"),
            ({"cap": float("nan")}, "cap must be a finite number"),
            ({"prorate": 1}, "prorate must be True or False"),
            ({"active": None}, "active must be True or False"),
        ],
    )
    def test_validates_itself(self, kwargs, message):
        fields = {"target": 10} | kwargs
        with pytest.raises(InvalidParameter, match=message):
            Parameter("deals", fields.pop("target"), 50, **fields)

    def test_lower_is_better_may_target_zero(self):
        assert Parameter("complaints", 0, 50, direction="lower_is_better").target == 0

    def test_threshold_equal_to_cap_is_fine(self):
        assert Parameter("deals", 10, 50, cap=1, threshold=1).cap == 1

    def test_metric_from_key_and_weight_from_number(self):
        parameter = Parameter("deals", "12.5", "33.33")
        assert parameter.metric == Metric("deals")
        assert parameter.weight == Weight(3333)

    def test_bad_weight_is_a_weight_error(self):
        with pytest.raises(InvalidWeight):
            Parameter("deals", 10, 0)

    def test_counts_from_must_be_a_date(self):
        with pytest.raises(Exception, match="counts_from must be a calendar date"):
            Parameter("deals", 10, 50, counts_from=pendulum.datetime(2024, 2, 1))

    @pytest.mark.parametrize("key", ["", "  ", 7, None])
    def test_metric_key_must_be_a_non_empty_string(self, key):
        with pytest.raises(InvalidParameter):
            Metric(key)

    def test_custom_metric_is_manual(self):
        assert Metric.custom("nps", "points") == Metric("nps", "points", MetricKind.MANUAL)


class TestScorecardValidation:
    def test_a_valid_card(self):
        c = card()
        assert c.subjects == frozenset({"ann"})
        assert c.timezone == "UTC"
        assert c.version == 1
        assert c.series_id == "c1"

    def test_period_must_be_one_of_the_cadence(self):
        with pytest.raises(
            InvalidScorecard, match=r"period \[2024-02-01, 2024-03-01\) is not a period of monthly from 2024-01-31"
        ):
            card(period=Period(Date(2024, 2, 1), Date(2024, 3, 1)))

    def test_needs_an_active_parameter(self):
        with pytest.raises(InvalidScorecard, match="at least one active parameter"):
            card([Parameter("deals", 10, 100, active=False)])
        with pytest.raises(InvalidScorecard, match="at least one active parameter"):
            card([])

    def test_metric_keys_are_unique(self):
        with pytest.raises(InvalidScorecard, match="'deals' appear more than once"):
            card([Parameter("deals", 10, 50), Parameter("deals", 5, 50, active=False), Parameter("x", 1, 50)])

    def test_active_weights_must_be_exactly_100(self):
        parameters = [Parameter("a", 1, "33.33"), Parameter("b", 1, "33.33"), Parameter("c", 1, "33.33")]
        with pytest.raises(WeightTotalError) as info:
            card(parameters)
        assert (
            str(info.value)
            == "card 'c1': active weights sum to 99.99% (33.33% + 33.33% + 33.33%), expected exactly 100%"
        )
        assert isinstance(info.value, InvalidScorecard)
        assert isinstance(info.value, InvalidWeight)

    def test_inactive_weights_are_ignored(self):
        c = card([Parameter("a", 1, 100), Parameter("b", 1, 40, active=False)])
        assert [p.key for p in c.active_parameters] == ["a"]

    def test_unknown_time_zone(self):
        with pytest.raises(InvalidScorecard, match="unknown time zone 'Mars/Base'"):
            card(timezone="Mars/Base")

    def test_counts_from_on_the_period_end_is_invalid(self):
        end = MONTHLY.period(0).end
        with pytest.raises(InvalidScorecard, match=f"counts from {end}, on or after the period end"):
            card([Parameter("deals", 10, 100, counts_from=end)])

    def test_counts_from_before_the_period_is_fine(self):
        c = card([Parameter("deals", 10, 100, counts_from=Date(2020, 1, 1))])
        assert c.window("deals") == c.period

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"id": ""}, "card id must be a non-empty string"),
            ({"owner": "ann"}, "owner must be a User or a Team"),
            ({"version": 0}, "version must be a whole number of at least 1"),
            ({"rollover": "yes"}, "rollover must be True or False"),
            ({"series": ""}, "series must be a non-empty string"),
            ({"cadence": "monthly"}, "cadence must be a Cadence"),
        ],
    )
    def test_fields(self, kwargs, message):
        with pytest.raises(InvalidScorecard, match=message):
            card(**kwargs)

    def test_team_needs_members(self):
        with pytest.raises(InvalidScorecard, match="at least one member"):
            Team("t", [])
        with pytest.raises(InvalidScorecard, match="single string"):
            Team("t", "ann")
        assert card(owner=Team("t", ["ann", "bob", "ann"])).subjects == frozenset({"ann", "bob"})


class TestChanges:
    def test_cards_are_immutable(self):
        import attrs

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            card().name = "x"

    def test_evolve_validates_again(self):
        with pytest.raises(InvalidScorecard):
            card().evolve(timezone="Nowhere/Else")
        with pytest.raises(WeightTotalError):
            card().with_parameters([Parameter("a", 1, 50)])

    def test_next_card_is_deterministic_and_clamps_month_ends(self):
        first = card(rollover=True)
        second = first.next_card()
        assert second == first.next_card()
        assert second.id == "c1@2024-02-29"
        assert second.series == "c1"
        assert second.period == Period(Date(2024, 2, 29), Date(2024, 3, 31))
        third = second.next_card()
        assert third.id == "c1@2024-03-31"
        assert third.series == "c1"
        assert third.parameters == first.parameters
        assert third.owner == first.owner

    def test_next_card_resets_the_version(self):
        assert card(version=7).next_card().version == 1

    def test_copy_for_another_owner(self):
        original = card(rollover=True, series="s", version=3)
        copy = original.copy_for(User("bob"), id="c9")
        assert (copy.id, copy.owner, copy.series, copy.version) == ("c9", User("bob"), None, 1)
        assert copy.parameters == original.parameters
        assert copy.period == original.period
        assert original.copy_for(Team("north", ["x"])).id == "c1~north"

    def test_parameter_lookup(self):
        with pytest.raises(KeyError, match="has no metric 'nope'"):
            card().parameter("nope")
