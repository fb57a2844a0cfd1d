"""`scorekit.status`: the policy's rule, and the scoring loop applying the same rule inline."""

from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Status, StatusPolicy, score
from scorekit.strategies import instants_for, measurements_for, scorecards


class TestStatusFor:
    def test_bounds_are_inclusive_for_on_track_and_exclusive_for_at_risk(self):
        policy = StatusPolicy(on_track="0.95", at_risk="0.85")
        assert policy.status_for(Decimal("0.95")) is Status.ON_TRACK
        assert policy.status_for(Decimal("0.9499")) is Status.BEHIND
        assert policy.status_for(Decimal("0.85")) is Status.BEHIND
        assert policy.status_for(Decimal("0.8499")) is Status.AT_RISK

    def test_a_fraction_is_judged_exactly(self):
        # 2/3 lies strictly between its two nearest 34-digit Decimals, ...66 below and ...67 above
        policy = StatusPolicy(on_track=Decimal("0.6666666666666666666666666666666667"))
        assert policy.status_for(Fraction(2, 3)) is Status.BEHIND
        assert StatusPolicy(on_track=Decimal("0.6666666666666666666666666666666666")).status_for(Fraction(2, 3)) is (
            Status.ON_TRACK
        )


@given(data=st.data(), card=scorecards(), judge_from=st.sampled_from([None, 0, Decimal("0.1"), Decimal("0.5")]))
def test_the_loop_judges_an_open_parameter_as_the_policy_does(data, card, judge_from):
    """Every open, started parameter that is not achieved early gets `status_for` of its exact projection."""
    if judge_from is not None:
        card = card.evolve(status_policy=attrs.evolve(card.status_policy, judge_from=judge_from))
    as_of = data.draw(instants_for(card))
    result = score(card, data.draw(measurements_for(card)), as_of=as_of)
    policy = card.status_policy
    windows = {w.key: w for w in card.windows}
    for item in result.parameters:
        if item.status in (Status.NOT_STARTED, Status.NO_DATA, Status.MISSED, Status.ACHIEVED) or item.actual is None:
            continue
        window = windows[item.key]
        elapsed = window.elapsed(as_of.in_timezone(card.timezone).date().toordinal())
        if Fraction(elapsed, window.days) < Fraction(policy.judge_from):
            assert item.status is Status.ON_TRACK  # too early to judge
            continue
        actual = Fraction(item.actual)
        # No working day yet: no pace, the achievement is judged as any projection is (issue 21).
        paced = actual if window.level or elapsed in {0, window.days} else actual * window.days / elapsed
        assert item.status is policy.status_for(window.rule.exact(paced)), item.explain()
