"""Telling people in time (DESIGN 0.3 "Telling people in time"): `transitions`, `needed`."""

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    Metric,
    Parameter,
    Scorecard,
    ScorekitError,
    Status,
    Transition,
    TransitionKind,
    User,
    needed,
    score,
    transitions,
)
from scorekit.alerts import exact_total
from scorekit.scores import _exact_sum
from scorekit.strategies import instants_for, measurements_for, scorecards, weights

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # April is over


def april(day):
    return pendulum.datetime(2024, 4, day, 12, tz="UTC")


def card(parameters, card_id="c1"):
    return Scorecard(card_id, User("ann"), APRIL, APRIL.period(0), parameters)


DEALS_AND_CALLS = [Parameter("deals", 10, 50), Parameter("calls", 200, 50)]


class TestNeeded:
    def test_the_worked_example(self):
        result = score(card(DEALS_AND_CALLS), {"deals": 6, "calls": 100}, as_of=april(15))
        assert result.total == Decimal("0.55")  # 50% x 6/10 + 50% x 100/200
        # deals alone: 50% x (6 + 9)/10 + 25% = 100%; calls alone: 30% + 50% x (100 + 180)/200 = 100%
        assert needed(result) == {"deals": 9, "calls": 180}

    def test_a_cap_below_what_is_needed_makes_it_none(self):
        capped = [Parameter("deals", 10, 50, cap="1.2"), Parameter("calls", 200, 50)]
        result = score(card(capped), {"deals": 6, "calls": 100}, as_of=april(15))
        # deals would need 150% and count at most 120%: 60% + 25% = 85% at best
        assert needed(result) == {"deals": None, "calls": 180}

    def test_a_cap_that_is_high_enough_does_not_matter(self):
        capped = [Parameter("deals", 10, 50, cap="1.5"), Parameter("calls", 200, 50)]
        result = score(card(capped), {"deals": 6, "calls": 100}, as_of=april(15))
        assert needed(result)["deals"] == 9  # exactly the cap: 150%

    def test_a_threshold_must_be_reached_too(self):
        gated = [Parameter("deals", 10, 50, threshold="0.5"), Parameter("calls", 200, 50)]
        result = score(card(gated), {"deals": 2, "calls": 200}, as_of=april(15))
        assert result.total == Decimal("0.5")  # deals 20% is below its 50% threshold: 0; calls 100% at 50%
        # for 60%, deals would need only 20%, which counts 0 below the threshold: it needs 50%, 5 deals
        # calls alone: deals still count 0, so calls must count 60% at 50%: 240 of 200, 40 more
        assert needed(result, total="0.6") == {"deals": 3, "calls": 40}

    def test_a_baseline_is_followed(self):
        plan = [Parameter("nps", 50, 50, baseline=30), Parameter("deals", 10, 50)]
        result = score(card(plan), {"nps": 40, "deals": 5}, as_of=april(15))
        assert result.total == Decimal("0.5")  # 50% x (40 - 30)/(50 - 30) + 50% x 5/10
        # nps alone must reach 150%: 30 + 1.5 x 20 = 60, 20 more; deals alone 150%: 15, 10 more
        assert needed(result) == {"nps": 20, "deals": 10}

    def test_a_negative_actual_needs_more(self):
        result = score(card([Parameter("revenue", 1000, 100)]), {"revenue": -250}, as_of=april(15))
        assert needed(result) == {"revenue": 1250}  # -250 (a refund) + 1,250 = 1,000

    def test_rounded_up_to_12_places(self):
        plan = [Parameter("deals", 3, 70), Parameter("calls", 10, 30)]
        result = score(card(plan), {"deals": 0, "calls": 10}, as_of=april(15))
        # 90% - 30% = 60% from deals at 70%: 6/7 of 3 = 18/7 = 2.571428571428571...
        extra = needed(result, total="0.9")["deals"]
        assert extra == Decimal("2.571428571429")
        assert Fraction(extra) > Fraction(18, 7) > Fraction(extra) - Fraction(1, 10**12)

    def test_what_alone_cannot_get_there_is_none(self):
        plan = [
            Parameter("deals", 10, 40),
            Parameter("complaints", 5, 15, direction=Direction.LOWER_IS_BETTER),
            Parameter("discount", 10, 15, direction=Direction.NEAR_TARGET, tolerance=5),
            Parameter(Metric("rate", accumulation=Accumulation.AVERAGE), 10, 15),
            Parameter("demos", 4, 15, counts_from=Date(2024, 4, 20)),
        ]
        result = score(card(plan), {"deals": 2, "complaints": 5, "discount": 20, "rate": 5}, as_of=april(15))
        # complaints 5 of 5: 2 - 5/5 = 100%; discount 20 is 10 from 10: 1 - 10/5 < 0 -> 0%; rate 5/10 = 50%;
        # demos have not started.  Total 40% x 2/10 + 15% + 0 + 7.5% + 0 = 30.5%.
        # deals alone: 40% x a/10 + 22.5% = 100% -> a = 19.375, 17.375 more than 2
        assert needed(result) == {
            "deals": Decimal("17.375"),
            "complaints": None,
            "discount": None,
            "rate": None,
            "demos": None,
        }

    def test_already_reached_needs_nothing_of_anyone(self):
        plan = [Parameter("a", 3, 50), Parameter("b", 3, 50, direction=Direction.LOWER_IS_BETTER)]
        result = score(card(plan), {"a": 5, "b": 3}, as_of=april(15))
        assert needed(result) == {"a": 0, "b": 0}  # 50% x 5/3 + 50% x 1 > 100%

    def test_an_exact_total_of_1_is_reached(self):
        plan = [Parameter("a", 3, 50), Parameter("b", 3, 50)]
        result = score(card(plan), {"a": 2, "b": 4}, as_of=MAY_1)
        assert result.total < 1  # 0.333...3 + 0.666...7 rounded: the exact total is 1/3 + 2/3 = 1
        assert needed(result) == {"a": 0, "b": 0}

    def test_a_cap_decides_on_the_exact_achievement_even_when_the_rounded_one_equals_it(self):
        plan = [Parameter("deals", 3, 50, cap=1), Parameter("calls", 10, 50)]
        # 3 + 3e-34 deals: 1 + 1e-34 of the target, which reads 1 to 34 digits and counts the cap, 1
        result = score(card(plan), {"deals": Decimal("3.0000000000000000000000000000000003"), "calls": 5}, as_of=MAY_1)
        assert result.parameter("deals").achievement == result.parameter("deals").effective == 1
        assert exact_total(result) == Fraction(3, 4)  # 50% x 1 + 50% x 5/10
        assert needed(result) == {"deals": None, "calls": 5}

    def test_total_is_validated(self):
        result = score(card(DEALS_AND_CALLS), {"deals": 6, "calls": 100}, as_of=april(15))
        with pytest.raises(ScorekitError, match="needed total must be a finite number"):
            needed(result, total="lots")


class TestTransitions:
    def test_status_changes_then_milestones_in_order(self):
        plan = card(DEALS_AND_CALLS)
        monday = score(plan, {"deals": 6, "calls": 60}, as_of=april(15))
        friday = score(plan, {"deals": 10, "calls": 170}, as_of=april(19))
        # monday: total 30% + 15% = 45%, projected 50% x 12/10 + 50% x 120/200 = 90%: behind (calls behind)
        # friday: deals 10/10 achieved; calls 170/200 = 85% -> projected 170 x 30/19 / 200 > 100%: on track
        # total 50% + 42.5% = 92.5%: 50% and 90% crossed
        assert monday.status is Status.BEHIND
        assert transitions(monday, friday) == (
            Transition("c1", TransitionKind.STATUS, None, Status.BEHIND, Status.ON_TRACK),
            Transition("c1", TransitionKind.STATUS, "deals", Status.ON_TRACK, Status.ACHIEVED),
            Transition("c1", TransitionKind.STATUS, "calls", Status.BEHIND, Status.ON_TRACK),
            Transition("c1", TransitionKind.MILESTONE, None, Decimal("0.45"), Decimal("0.925"), Decimal("0.5")),
            Transition("c1", TransitionKind.MILESTONE, None, Decimal("0.45"), Decimal("0.925"), Decimal("0.9")),
        )

    def test_a_milestone_lost(self):
        plan = card([Parameter("revenue", 1000, 100)])
        before = score(plan, {"revenue": 950}, as_of=MAY_1)
        after = score(plan, {"revenue": 850}, as_of=MAY_1)  # a clawback: 95% -> 85%
        assert transitions(before, after) == (
            Transition("c1", TransitionKind.MILESTONE_LOST, None, Decimal("0.95"), Decimal("0.85"), Decimal("0.9")),
        )
        assert [t.describe() for t in transitions(before, after)] == ["card c1 fell below 90.00% (95.00% -> 85.00%)"]

    def test_a_first_score_counts_from_nothing(self):
        plan = card([Parameter("revenue", 1000, 100)])
        first = score(plan, {"revenue": 950}, as_of=MAY_1)
        assert transitions(None, first) == (
            Transition("c1", TransitionKind.STATUS, None, None, Status.MISSED),
            Transition("c1", TransitionKind.STATUS, "revenue", None, Status.MISSED),
            Transition("c1", TransitionKind.MILESTONE, None, None, Decimal("0.95"), Decimal("0.5")),
            Transition("c1", TransitionKind.MILESTONE, None, None, Decimal("0.95"), Decimal("0.9")),
        )

    def test_nothing_has_happened_before_a_card_starts(self):
        plan = card([Parameter("revenue", 1000, 100)])
        assert transitions(None, score(plan, {}, as_of=pendulum.datetime(2024, 3, 30, tz="UTC"))) == ()

    def test_milestones_of_ones_own_sorted_once(self):
        plan = card([Parameter("revenue", 1000, 100)])
        before, after = score(plan, {"revenue": 100}, as_of=MAY_1), score(plan, {"revenue": 800}, as_of=MAY_1)
        found = transitions(before, after, milestones=[0.75, "0.25", 0.75, 1])
        assert [t.milestone for t in found] == [Decimal("0.25"), Decimal("0.75")]

    def test_an_exact_total_of_1_reaches_100_percent(self):
        plan = card([Parameter("a", 3, 50), Parameter("b", 3, 50)])
        before = score(plan, {"a": 2, "b": 3}, as_of=MAY_1)
        after = score(plan, {"a": 2, "b": 4}, as_of=MAY_1)
        assert after.total < 1  # the 34-digit total; the exact one is 1/3 + 2/3 = 1
        assert TransitionKind.MILESTONE in {t.kind for t in transitions(before, after, milestones=[1])}

    def test_a_parameter_the_earlier_score_did_not_have_changes_from_none(self):
        before = score(card([Parameter("deals", 10, 100)]), {"deals": 5}, as_of=MAY_1)
        edited = card([Parameter("deals", 10, 50), Parameter("calls", 100, 50)])
        after = score(edited, {"deals": 5, "calls": 50}, as_of=MAY_1)
        assert transitions(before, after, milestones=()) == (
            Transition("c1", TransitionKind.STATUS, "calls", None, Status.MISSED),
        )

    def test_scores_of_two_cards_are_refused(self):
        a = score(card(DEALS_AND_CALLS), {"deals": 6, "calls": 100}, as_of=april(15))
        b = score(card(DEALS_AND_CALLS, card_id="c2"), {"deals": 6, "calls": 100}, as_of=april(15))
        with pytest.raises(ScorekitError, match="two scores of one card, got card 'c1' and card 'c2'"):
            transitions(a, b)

    def test_describe_a_status_change(self):
        t = Transition("c1", TransitionKind.STATUS, None, Status.BEHIND, Status.AT_RISK)
        assert t.describe() == "card c1: behind -> at risk"


# -- properties ------------------------------------------------------------------------------------


def _scored(data, plan=None):
    plan = plan if plan is not None else data.draw(scorecards())
    return score(plan, data.draw(measurements_for(plan)), as_of=data.draw(instants_for(plan)))


@given(st.data())
def test_transitions_of_a_score_with_itself_are_empty(data):
    result = _scored(data)
    assert transitions(result, result) == ()


@given(st.data())
def test_two_steps_report_every_milestone_one_step_does(data):
    plan = data.draw(scorecards())
    a, b, c = (_scored(data, plan) for _ in range(3))
    first = data.draw(st.sampled_from([a, None]))
    milestones = data.draw(st.lists(st.sampled_from(["0.25", "0.5", "0.9", "1", "1.2"]), max_size=5))

    def crossed(before, after):
        return {(t.kind, t.milestone) for t in transitions(before, after, milestones=milestones) if t.milestone}

    assert crossed(first, c) <= crossed(first, b) | crossed(b, c)


def _exact(result):
    """The exact total as scoring decides on it (its own exact sum, not the one under test)."""
    return _exact_sum(result.parameters, projected=False, early=False)


def _check_least(plan, measurements, as_of, goal):
    result = score(plan, measurements, as_of=as_of)
    answer = needed(result, total=goal)
    assert list(answer) == [item.key for item in result.parameters]
    assert exact_total(result) == _exact(result)
    reached = _exact(result) >= goal

    def rescored(key, actual):
        assume(abs(actual) < 10**15)
        return _exact(score(plan, {**measurements, key: actual}, as_of=as_of))

    for item in result.parameters:
        extra = answer[item.key]
        if reached:
            assert extra == 0
        elif extra is not None:
            assert extra > 0
            assert rescored(item.key, item.actual + extra) >= goal  # adding it reaches the goal
            assert rescored(item.key, item.actual + extra - Decimal("1e-12")) < goal  # 1e-12 less does not
        elif (
            item.status is not Status.NOT_STARTED
            and item.parameter.direction is Direction.HIGHER_IS_BETTER
            and not item.parameter.metric.is_level
        ):
            assert item.parameter.cap is not None  # only a cap stops a started higher-is-better sum
            assert rescored(item.key, item.actual + 1000 * (abs(item.target) + 1)) < goal


GOALS = st.sampled_from([Decimal("0.5"), Decimal("0.9"), Decimal(1), Decimal("1.2")])


@given(st.data())
def test_needed_is_least(data):
    plan = data.draw(scorecards())
    _check_least(plan, data.draw(measurements_for(plan)), data.draw(instants_for(plan)), data.draw(GOALS))


@st.composite
def _sums(draw):
    """A card of higher-is-better sums (odd weights, thresholds, caps, baselines) and actuals around the targets."""
    count = draw(st.integers(1, 3))
    parameters, measurements = [], {}
    for index, weight in enumerate(draw(weights(count))):
        target = Decimal(draw(st.integers(1, 10**6))).scaleb(-2)
        baseline = draw(st.sampled_from([None, None, Decimal(0), -target / 4]))
        cap = draw(st.sampled_from([None, Decimal(1), Decimal("1.2"), Decimal(2)]))
        threshold = draw(st.sampled_from([None, Decimal("0.3"), Decimal("0.5"), Decimal(1)]))
        if cap is not None and threshold is not None and threshold > cap:
            threshold = cap
        key = f"m{index}"
        parameters.append(Parameter(key, target, weight, baseline=baseline, cap=cap, threshold=threshold))
        measurements[key] = target * draw(st.integers(-20, 160)) / 100 + Decimal(draw(st.integers(0, 99))).scaleb(-3)
    return card(parameters), measurements


@given(_sums(), st.sampled_from([april(3), MAY_1]), GOALS)
def test_needed_is_least_on_sums(planned, as_of, goal):
    plan, measurements = planned
    _check_least(plan, measurements, as_of, goal)
