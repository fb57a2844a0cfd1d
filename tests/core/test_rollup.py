"""A team as one number (DESIGN 0.3 "A team as one number"): `rollup`, `target_mismatches`."""

import random
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _by_hand import evolve
from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    InvalidScorecard,
    Metric,
    Parameter,
    ParameterRollUp,
    RollUp,
    Scorecard,
    TargetMismatch,
    Team,
    User,
    rollup,
    score,
    target_mismatches,
)
from scorekit.strategies import instants_for, measurements_for, scorecards

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # April is over
APRIL_20 = pendulum.datetime(2024, 4, 20, tz="UTC")


def card(who, parameters, *, period=0, owner=None):
    return Scorecard(who, owner or User(who), APRIL, APRIL.period(period), parameters)


def scored(who, parameters, measurements, as_of=MAY_1):
    return score(card(who, parameters), measurements, as_of=as_of)


def deals(target, weight=100, **kwargs):
    return Parameter(Metric("deals_won", "deals"), target, weight, **kwargs)


class TestRatioOfSums:
    def test_the_team_is_its_sums_not_the_mean_of_its_percentages(self):
        team = rollup(
            [
                scored("ann", [deals(20)], {"deals_won": 10}),  # 50%
                scored("bob", [deals(5)], {"deals_won": 10}),  # 200%
                scored("eve", [deals(5)], {"deals_won": 0}),  # 0%
            ]
        )
        (item,) = team.parameters
        # 10 + 10 + 0 = 20 of 20 + 5 + 5 = 30: 66.67%, where the mean of 50%, 200% and 0% would say 83.33%
        assert (item.key, item.actual, item.target, item.cards) == ("deals_won", 20, 30, 3)
        assert item.achievement == Decimal("0.6666666666666666666666666666666667")  # 20 / 30 to 34 digits
        assert team.total == item.achievement  # one parameter at 100%
        assert (team.count, team.skipped) == (3, ())

    def test_two_metrics_with_a_cap_make_a_total_as_a_card_does(self):
        plan = [Parameter("deals_won", 10, 50, cap="1.2"), Parameter("revenue", 50_000, 50)]
        team = rollup(
            [
                scored("ann", plan, {"deals_won": 25, "revenue": 30_000}),
                scored("bob", plan, {"deals_won": 5, "revenue": 40_000}),
            ]
        )
        deals_item, revenue = team.parameters
        assert deals_item.achievement == Decimal("1.5")  # 30 / 20
        assert deals_item.effective == Decimal("1.2")  # capped at 120%
        assert revenue.achievement == revenue.effective == Decimal("0.7")  # 70,000 / 100,000
        assert team.total == Decimal("0.95")  # 50% x 120% + 50% x 70% = 60% + 35%
        assert deals_item.weight.fraction == revenue.weight.fraction == Decimal("0.5")

    def test_a_threshold_not_met_by_the_team_counts_0(self):
        plan = [Parameter("deals_won", 10, 50, threshold="0.5"), Parameter("calls", 100, 50)]
        team = rollup(
            [
                scored("ann", plan, {"deals_won": 8, "calls": 100}),  # ann alone would meet it: 80%
                scored("bob", plan, {"deals_won": 1, "calls": 100}),
            ]
        )
        deals_item = team.parameter("deals_won")
        assert deals_item.achievement == Decimal("0.45")  # 9 / 20, below the 50% threshold
        assert deals_item.effective == 0
        assert team.total == Decimal("0.5")  # 50% x 0 + 50% x 200 / 200

    def test_a_threshold_met_exactly_counts(self):
        plan = [Parameter("deals_won", 3, 100, threshold="0.5")]
        team = rollup([scored("ann", plan, {"deals_won": 1}), scored("bob", plan, {"deals_won": 2})])
        assert team.total == Decimal("0.5")  # 3 / 6 = 50% exactly: the threshold is met

    def test_prorated_targets_add_up_exactly(self):
        # April has 30 days; each counts from April 21: 10 days, a target of 10 x 10/30 = 10/3 each.
        late = [deals(10, counts_from=Date(2024, 4, 21), prorate=True)]
        team = rollup([scored(who, late, {"deals_won": 1}) for who in ("ann", "bob", "eve")])
        (item,) = team.parameters
        assert item.achievement == Decimal("0.3")  # 3 / 10 exactly, although each target is 3.333...
        assert team.total == Decimal("0.3")

    def test_whole_and_prorated_targets_together(self):
        late = [deals(10, counts_from=Date(2024, 4, 21), prorate=True)]  # 10/3
        team = rollup([scored("ann", [deals(10)], {"deals_won": 4}), scored("bob", late, {"deals_won": 0})])
        # 4 of 10 + 10/3 = 40/3: 30% exactly
        assert team.total == team.parameter("deals_won").achievement == Decimal("0.3")

    def test_a_score_whose_parameters_are_not_in_its_cards_order(self):
        plan = [deals(10, weight=50), Parameter("calls", 100, 50)]
        result = scored("ann", plan, {"deals_won": 5, "calls": 80})
        turned = evolve(result, parameters=result.parameters[::-1])  # as a document may list them
        assert _numbers(rollup([turned])) == _numbers(rollup([result]))
        assert rollup([turned]).total == result.total == Decimal("0.65")  # 50% x 5/10 + 50% x 80/100

    def test_a_parameter_not_started_adds_its_target_and_no_actual(self):
        later = [deals(10, counts_from=Date(2024, 4, 25))]
        team = rollup(
            [
                scored("ann", [deals(10)], {"deals_won": 6}, as_of=APRIL_20),
                scored("bob", later, {}, as_of=APRIL_20),  # not started on April 20
            ]
        )
        assert team.parameter("deals_won").achievement == Decimal("0.3")  # 6 / (10 + 10)

    def test_a_team_card_and_member_cards_roll_up_alike(self):
        team_card = card("t", [deals(30)], owner=Team("east", frozenset({"ann", "bob"})))
        result = rollup([score(team_card, {"deals_won": 12}, as_of=MAY_1)])
        assert result.parameter("deals_won").achievement == Decimal("0.4")


class TestTotal:
    def test_no_total_when_the_cards_weigh_metrics_differently(self):
        a = [Parameter("deals_won", 10, 60), Parameter("calls", 100, 40)]
        b = [Parameter("deals_won", 10, 50), Parameter("calls", 100, 50)]
        team = rollup(
            [scored("ann", a, {"deals_won": 5, "calls": 50}), scored("bob", b, {"deals_won": 5, "calls": 50})]
        )
        assert team.total is None
        assert [item.key for item in team.parameters] == ["deals_won", "calls"]  # each metric still rolled up
        assert team.parameter("calls").weight is None
        assert "the cards' parameters differ in more than their targets" in team.explain()

    @pytest.mark.parametrize(
        "change", [{"cap": "1.5"}, {"threshold": "0.2"}, {"metric": Metric("deals_won", "deals", label="Won")}]
    )
    def test_no_total_when_a_cap_threshold_or_metric_differs(self, change):
        other = attrs.evolve(deals(10), **change)
        team = rollup([scored("ann", [deals(10)], {"deals_won": 5}), scored("bob", [other], {"deals_won": 5})])
        assert team.total is None

    def test_a_total_when_only_targets_differ(self):
        team = rollup([scored("ann", [deals(10)], {"deals_won": 5}), scored("bob", [deals(30)], {"deals_won": 15})])
        assert team.total == Decimal("0.5")  # 20 / 40

    def test_no_total_when_a_metric_is_skipped(self):
        plan = [deals(10, weight=50), Parameter("complaints", 2, 50, direction=Direction.LOWER_IS_BETTER)]
        team = rollup([scored("ann", plan, {"deals_won": 5, "complaints": 1})])
        assert team.total is None
        assert team.skipped == (("complaints", team.skipped[0][1]),)
        assert "not every metric can be rolled up" in team.explain()

    def test_nothing_to_roll_up(self):
        assert rollup([]) == RollUp((), None, 0, ())

    def test_a_card_given_twice_is_refused(self):
        ann = scored("ann", [deals(10)], {"deals_won": 5})
        with pytest.raises(InvalidScorecard, match="card 'ann' is given twice; a roll-up counts each card once"):
            rollup([ann, ann])


class TestSkipped:
    @pytest.mark.parametrize(
        ("parameter", "reason"),
        [
            (Parameter("complaints", 2, 50, direction=Direction.LOWER_IS_BETTER), "lower is better"),
            (Parameter("discount", 10, 50, direction=Direction.NEAR_TARGET, tolerance=5), "nearer the target"),
            (Parameter(Metric("rate", accumulation=Accumulation.AVERAGE), 10, 50), "a level"),
            (Parameter("nps", 50, 50, baseline=30), "has a baseline"),
        ],
    )
    def test_what_a_ratio_of_sums_cannot_say_is_left_out_with_why(self, parameter, reason):
        team = rollup([scored("ann", [deals(10, weight=50), parameter], {"deals_won": 5, parameter.key: 20})])
        assert [item.key for item in team.parameters] == ["deals_won"]
        ((key, why),) = team.skipped
        assert key == parameter.key
        assert why.startswith(reason)
        assert f"skipped {key}: {why}" in team.explain()

    def test_a_metric_that_cannot_be_rolled_up_on_one_card_is_left_out_for_all(self):
        team = rollup(
            [
                scored("ann", [deals(10)], {"deals_won": 5}),
                scored("bob", [deals(10, baseline=2)], {"deals_won": 5}),
            ]
        )
        assert team.parameters == ()
        assert team.skipped[0][0] == "deals_won"

    def test_units_must_agree(self):
        eur = Parameter(Metric("revenue", "EUR"), 1000, 100)
        pln = Parameter(Metric("revenue", "PLN"), 4000, 100)
        team = rollup([scored("ann", [eur], {"revenue": 500}), scored("bob", [pln], {"revenue": 500})])
        assert team.skipped == (("revenue", "counted in different units ('EUR', 'PLN')"),)

    def test_a_missing_key_on_a_card_explains_itself(self):
        team = rollup([scored("ann", [deals(10)], {"deals_won": 5})])
        with pytest.raises(KeyError, match="no metric 'calls' is rolled up; rolled up: 'deals_won'"):
            team.parameter("calls")


class TestExplainAndRecords:
    def test_explain_shows_each_sum_the_total_and_what_was_skipped(self):
        plan = [deals(10, weight=50), Parameter("nps", 50, 50, baseline=30)]
        team = rollup(
            [scored("ann", plan, {"deals_won": 4, "nps": 40}), scored("bob", plan, {"deals_won": 2, "nps": 40})]
        )
        assert team.explain().splitlines() == [
            "roll-up of 2 cards",
            "deals_won: 6 deals / 20 deals = 30.00% (2 cards)",
            "total: none (not every metric can be rolled up)",
            "skipped nps: has a baseline: an achievement from a baseline is not a ratio of sums",
        ]

    def test_explain_of_a_threshold_not_met(self):
        plan = [deals(10, threshold="0.5")]
        text = rollup([scored("ann", plan, {"deals_won": 4})]).explain()
        assert "deals_won: 4 deals / 10 deals = 40.00% (1 card), weight 100%, below its threshold: counts 0" in text
        assert text.endswith("total = 100% x 0.00% = 0.00%")

    def test_records_are_fractions(self):
        team = rollup([scored("ann", [deals(10)], {"deals_won": 5}), scored("bob", [deals(10)], {"deals_won": 10})])
        assert team.to_records() == [
            {
                "metric": "deals_won",
                "unit": "deals",
                "actual": Decimal(15),
                "target": Decimal(20),
                "achievement": Decimal("0.75"),
                "effective": Decimal("0.75"),
                "weight": Decimal(1),
                "cards": 2,
                "total": Decimal("0.75"),
                "count": 2,
            }
        ]


class TestTargetMismatches:
    members = ("ann", "bob", "eve")

    def team_card(self, *parameters, period=0):
        return card("east-apr", list(parameters), period=period, owner=Team("east", frozenset(self.members)))

    def test_a_team_target_of_100_over_members_of_30_each(self):
        members = [card(who, [deals(30)]) for who in self.members]
        # 30 + 30 + 30 = 90, not 100
        assert target_mismatches(self.team_card(deals(100)), members) == (TargetMismatch("deals_won", 100, 90),)

    def test_targets_that_add_up_are_fine(self):
        members = [card("ann", [deals(50)]), card("bob", [deals(30)]), card("eve", [deals(20)])]
        assert target_mismatches(self.team_card(deals(100)), members) == ()

    def test_only_the_team_cards_period_counts_and_the_team_card_itself_does_not(self):
        team = self.team_card(deals(60))
        members = [card("ann", [deals(30)]), card("bob", [deals(30)]), card("ann-may", [deals(30)], period=1), team]
        assert target_mismatches(team, members) == ()  # 30 + 30; May's card and the team's own left out

    def test_members_without_the_metric_add_nothing(self):
        team = self.team_card(deals(50, weight=50), Parameter("calls", 100, 50))
        members = [card("ann", [deals(50)])]
        assert target_mismatches(team, members) == (TargetMismatch("calls", 100, 0),)

    def test_targets_as_judged_after_proration_exactly(self):
        late = deals(10, counts_from=Date(2024, 4, 21), prorate=True)  # 10 x 10/30 = 3.333... each
        assert target_mismatches(self.team_card(deals(10)), [card(who, [late]) for who in self.members]) == ()
        (found,) = target_mismatches(self.team_card(deals(10)), [card(who, [late]) for who in ("ann", "bob")])
        assert found.members_target == Decimal("6.666666666666666666666666666666667")  # 20/3

    def test_every_sum_parameter_counts_and_levels_do_not(self):
        lower = Parameter("complaints", 6, 40, direction=Direction.LOWER_IS_BETTER)
        level = Parameter(Metric("rate", accumulation=Accumulation.AVERAGE), 10, 20)
        team = self.team_card(deals(9, weight=40), lower, level)
        members = [
            card(who, [deals(3, weight=40), Parameter("complaints", 1, 40, direction="lower_is_better"), level])
            for who in self.members
        ]
        # deals 3 x 3 = 9 fine; complaints 1 x 3 = 3, not 6; the rate is a level: never summed
        assert target_mismatches(team, members) == (TargetMismatch("complaints", 6, 3),)

    def test_a_member_card_given_twice_is_refused(self):
        ann = card("ann", [deals(30)])
        with pytest.raises(InvalidScorecard, match="card 'ann' is given twice"):
            target_mismatches(self.team_card(deals(60)), [ann, ann])


# -- properties ------------------------------------------------------------------------------------


def _numbers(result):
    return {
        item.key: (item.actual, item.target, item.achievement, item.effective, item.cards) for item in result.parameters
    }


@given(st.data())
def test_a_rollup_of_one_card_has_that_cards_numbers(data):
    plain = scorecards(directions=[Direction.HIGHER_IS_BETTER], accumulations=[Accumulation.SUM])
    plan = data.draw(st.one_of(scorecards(), plain))  # the plain ones mostly roll up whole, with a total
    result = score(plan, data.draw(measurements_for(plan)), as_of=data.draw(instants_for(plan)))
    alone = rollup([result])
    assert alone.count == 1
    for item in alone.parameters:
        own = result.parameter(item.key)
        assert (item.actual, item.target, item.achievement) == (own.actual, own.target, own.achievement)
        if alone.total is not None:
            assert item.effective == own.effective
    assert {item.key for item in alone.parameters} | {key for key, _ in alone.skipped} == {
        p.key for p in result.parameters
    }
    if alone.skipped:
        assert alone.total is None
    else:
        assert alone.total == result.total


@st.composite
def _team(draw):
    """Cards of one template for several owners (targets scaled), and some unlike cards now and then."""
    template = draw(
        scorecards(owners=[User("ann")], directions=draw(st.sampled_from([None, [Direction.HIGHER_IS_BETTER]])))
    )
    cards = []
    for number in range(draw(st.integers(1, 4))):
        scale = draw(st.sampled_from([1, 2, 3]))
        parameters = [
            attrs.evolve(p, target=p.target * scale)
            if p.direction is Direction.HIGHER_IS_BETTER and p.baseline is None and not p.metric.is_level
            else p
            for p in template.parameters
        ]
        cards.append(attrs.evolve(template.with_parameters(parameters), id=f"card-{number}", owner=User(f"u{number}")))
    if draw(st.booleans()):
        cards.append(attrs.evolve(draw(scorecards()), id="other"))
    as_of = draw(instants_for(template))
    return [score(c, draw(measurements_for(c)), as_of=as_of) for c in cards]


@given(_team(), st.randoms(use_true_random=False))
def test_a_rollup_never_depends_on_the_order_of_the_cards(scores, shuffler: random.Random):
    shuffled = list(scores)
    shuffler.shuffle(shuffled)
    first, second = rollup(scores), rollup(shuffled)
    assert _numbers(first) == _numbers(second)
    assert (first.total, first.count, set(first.skipped)) == (second.total, second.count, set(second.skipped))


def test_parameter_rollup_is_a_plain_value():
    item = ParameterRollUp("deals_won", Decimal(6), Decimal(20), Decimal("0.3"), 2)
    assert item == ParameterRollUp("deals_won", Decimal(6), Decimal(20), Decimal("0.3"), 2)
    assert (item.unit, item.weight, item.effective) == ("", None, None)
