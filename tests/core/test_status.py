"""`scorekit.status`: the policy's rule, and the scoring loop applying the same rule inline."""

import decimal
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    InvalidScorecard,
    Status,
    StatusPolicy,
    score,
)
from scorekit.status import band
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


# ------------------------------------------------------------------------------------------------
# Status and StatusPolicy


def test_status_values_are_the_documented_strings():
    assert [s.value for s in Status] == [
        "not_started",
        "on_track",
        "behind",
        "achieved",
        "missed",
        "at_risk",
        "no_data",
    ]


class TestStatusPolicy:
    def test_defaults(self):
        policy = StatusPolicy()
        assert policy.on_track == Decimal(1)
        assert policy.at_risk == Decimal(0)

    def test_bounds_are_allowed_to_touch(self):
        # at_risk == on_track and at_risk == 0 are both legal.
        assert StatusPolicy(on_track="0.9", at_risk="0.9").at_risk == Decimal("0.9")
        assert StatusPolicy(on_track=0, at_risk=0).on_track == 0

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"at_risk": "-0.01"}, "status policy at_risk must be 0 or more, got -0.01"),
            (
                {"on_track": "0.8", "at_risk": "0.81"},
                "status policy at_risk 0.81 must not be above on_track 0.8 (0 <= at_risk <= on_track)",
            ),
        ],
    )
    def test_bad_bounds(self, kwargs, message):
        with pytest.raises(InvalidScorecard) as info:
            StatusPolicy(**kwargs)
        assert str(info.value) == message

    @pytest.mark.parametrize("field", ["on_track", "at_risk"])
    def test_a_bad_number_names_its_field_and_is_a_scorecard_error(self, field):
        with pytest.raises(InvalidScorecard, match=f"^status policy {field} "):
            StatusPolicy(**{field: "soon"})

    @pytest.mark.parametrize(
        ("projected", "status"),
        [
            ("0.95", Status.ON_TRACK),  # exactly on the on_track bound
            ("0.9500000000000000000000000000000001", Status.ON_TRACK),
            ("0.9499999999999999999999999999999999", Status.BEHIND),
            ("0.85", Status.BEHIND),  # exactly on the at_risk bound is not at risk
            ("0.8499999999999999999999999999999999", Status.AT_RISK),
            ("-1", Status.AT_RISK),
        ],
    )
    def test_status_for_at_the_bounds(self, projected, status):
        assert StatusPolicy(on_track="0.95", at_risk="0.85").status_for(Decimal(projected)) is status

    @pytest.mark.parametrize("projected", ["0", "-5", "0.5"])
    def test_at_risk_zero_never_says_at_risk(self, projected):
        assert StatusPolicy(on_track=1, at_risk=0).status_for(Decimal(projected)) is Status.BEHIND

    @pytest.mark.parametrize(
        ("policy", "words"),
        [
            (StatusPolicy(), "on track at 100% of the target at the current pace or more, behind below that"),
            (
                StatusPolicy(on_track="0.950", at_risk="0.85"),
                "on track at 95% of the target at the current pace or more, at risk below 85%",
            ),
            (
                StatusPolicy(on_track="1.5", at_risk="0.125"),
                "on track at 150% of the target at the current pace or more, at risk below 12.5%",
            ),
        ],
    )
    def test_describe(self, policy, words):
        assert policy.describe() == words


def test_describe_ignores_the_callers_decimal_context():
    policy = StatusPolicy(on_track="1.5", at_risk="0.125")
    words = "on track at 150% of the target at the current pace or more, at risk below 12.5%"
    with decimal.localcontext(prec=2, rounding=decimal.ROUND_DOWN):
        assert policy.describe() == words  # not "12%": the percent is normalized in the library's context


@pytest.mark.parametrize(
    ("k1", "k0", "bound", "low", "high"),
    [
        # margin = 2 * (k1 * (|bound| + 1) + k0)
        ("1e-32", "0", "1", "0.99999999999999999999999999999996", "1.00000000000000000000000000000004"),  # 2*(2e-32)
        ("0.01", "0.5", "-3", "-4.08", "-1.92"),  # 2 * (0.01 * 4 + 0.5) = 1.08
        ("0", "0.25", "0", "-0.5", "0.5"),  # 2 * 0.25
        ("0.1", "0", "2.5", "1.8", "3.2"),  # 2 * 0.1 * 3.5 = 0.7
    ],
)
def test_band_by_hand(k1, k0, bound, low, high):
    got = band(Decimal(k1), Decimal(k0), Decimal(bound))
    assert got == (Decimal(low), Decimal(high))
