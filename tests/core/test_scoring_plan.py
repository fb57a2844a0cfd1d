"""Scoring by the plan as it moves (issue 24, DESIGN 0.3): steps, ramps, phasing and adjustments through `score()`.

Each worked example of DESIGN 0.3 with its arithmetic in comments; decisions exactly on
a bound with steps and with phasing; DST months and leap Februaries; every adjustment
that cannot apply refused with a named error.
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
    Direction,
    InvalidParameter,
    InvalidScorecard,
    Measurement,
    Metric,
    Parameter,
    Phasing,
    Ramp,
    Scorecard,
    Status,
    TargetStep,
    User,
    WorkCalendar,
    codec,
    score,
    score_many,
)
from scorekit.grouping import similarity_key
from scorekit.numbers import EXACT
from scorekit.scores import CardScore, exact_values

APRIL = Cadence.monthly(Date(2024, 4, 1))
MONTHLY_2025 = Cadence.monthly(Date(2025, 1, 1))
QUARTERLY_2025 = Cadence.quarterly(Date(2025, 1, 1))
AT = pendulum.datetime(2024, 4, 29, 10, tz="Europe/Warsaw")


def _utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def _decimal(value: Fraction) -> Decimal:
    """A Fraction as scoring reports it: one 34-digit division."""
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


def _raised(target: int = 10, to: int = 20, day: int = 10, **kwargs: object) -> Scorecard:
    step = TargetStep(Date(2024, 4, day), to)
    return Scorecard(
        "c1", User("ann"), APRIL, APRIL.period(0), [Parameter("deals_won", target, 100, steps=(step,), **kwargs)]
    )  # type: ignore[arg-type]


# -- A target changed from a date ------------------------------------------------------------


def test_april_steps_on_plan_on_april_9() -> None:
    # T = (9 x 10 + 21 x 20) / 30 = 510 / 30 = 17; by Apr 9: T_d = 9 x 10 / 30 = 3.
    # expected = 3 / 17; achievement = 3 / 17; projected actual = 3 / (3/17) = 17; projected = 1.
    result = score(_raised(), {"deals_won": 3}, as_of=_utc(2024, 4, 9, 12))
    item = result.parameters[0]
    exact = exact_values(item)
    assert item.target == 17
    assert exact.expected == Fraction(3, 17)
    assert item.expected == _decimal(Fraction(3, 17))
    assert exact.achievement == Fraction(3, 17)
    assert item.achievement == _decimal(Fraction(3, 17))
    assert exact.projected == 1
    assert item.projected == 1
    assert exact.pace_actual == 17
    assert item.status is Status.ON_TRACK
    assert result.status is Status.ON_TRACK
    # remaining 17 - 3 = 14 over Apr 9..30, 22 days (today included)
    assert item.per_day == _decimal(Fraction(14, 22))
    text = item.explain()
    assert "target steps: 10 from 2024-04-01, 20 from 2024-04-10" in text
    assert "weighted target: 17" in text
    assert "pace: expected 17.65% by the plan; projected 3 / 17.65% = 17 -> 100.00%" in text


def test_one_deal_short_of_the_step_plan_is_behind() -> None:
    # 2 deals by Apr 9: projected 2 / (3/17) / 17 = 2/3 < 1.
    item = score(_raised(), {"deals_won": 2}, as_of=_utc(2024, 4, 9, 12)).parameters[0]
    assert exact_values(item).projected == Fraction(2, 3)
    assert item.status is Status.BEHIND


def test_a_level_is_judged_against_the_target_in_force() -> None:
    # An AVERAGE with a target of 50 raised to 60 from Apr 10: on Apr 9 it is judged against 50,
    # on Apr 20 against 60; never paced (expected None).
    nps = Parameter(Metric("nps", accumulation="average"), 50, 100, steps=(TargetStep(Date(2024, 4, 10), 60),))
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [nps])
    before = score(card, {"nps": 55}, as_of=_utc(2024, 4, 9, 12)).parameters[0]
    after = score(card, {"nps": 55}, as_of=_utc(2024, 4, 20, 12))
    item = after.parameters[0]
    assert (before.target, before.achievement, before.expected) == (50, Decimal("1.1"), None)
    assert item.target == 60
    assert exact_values(item).achievement == Fraction(55, 60)
    assert item.projected == item.achievement
    assert item.status is Status.BEHIND  # 55/60 < 1
    assert "target: 60" in item.explain()


def test_decisions_exactly_on_the_bound_with_steps() -> None:
    # Target 10 raised to 11 from Apr 21: T = (20 x 10 + 10 x 11) / 30 = 310/30 = 31/3, not a
    # finite decimal.  By Apr 3: T_d = 3 x 10 / 30 = 1, expected = 1 / (31/3) = 3/31.
    # 1 deal is exactly on plan (projected 1 / (3/31) / (31/3) = 1): ON_TRACK; a hair less is BEHIND,
    # though both Decimals round to 1.
    card = _raised(10, 11, 21)
    on = score(card, {"deals_won": 1}, as_of=_utc(2024, 4, 3, 12)).parameters[0]
    assert exact_values(on).expected == Fraction(3, 31)
    assert exact_values(on).projected == 1
    assert on.status is Status.ON_TRACK
    short = score(card, {"deals_won": Decimal("0.99999999999999999999999999999999999")}, as_of=_utc(2024, 4, 3, 12))
    assert short.parameters[0].projected == 1  # the Decimal cannot tell
    assert short.parameters[0].status is Status.BEHIND
    assert short.status is Status.BEHIND


# -- Ramps -----------------------------------------------------------------------------------


def test_ramp_targets_through_score() -> None:
    # Factors (0.5, 0.75) from 2025-01-15: January 10 x 0.5 = 5, February 7.5, March 10.
    hire = Ramp(Date(2025, 1, 15), (0.5, 0.75))
    january = Scorecard(
        "c1", User("ann"), MONTHLY_2025, MONTHLY_2025.period(0), [Parameter("deals_won", 10, 100)], ramp=hire
    )
    cards = [january, january.next_card(), january.next_card().next_card()]
    ends = [_utc(2025, 2, 1), _utc(2025, 3, 1), _utc(2025, 4, 1)]
    targets = [
        score(card, {"deals_won": 5}, as_of=end).parameters[0].target for card, end in zip(cards, ends, strict=True)
    ]
    assert targets == [Decimal(5), Decimal("7.5"), Decimal(10)]
    first = score(cards[0], {"deals_won": 5}, as_of=ends[0])
    assert first.status is Status.ACHIEVED  # 5 / 5
    assert "ramp factor: 50.00% of the full target" in first.explain()
    # Grouping: a ramped card is not alike a full one with the same parameters.
    assert similarity_key(cards[0]) != similarity_key(cards[0].evolve(ramp=None))


def test_ramp_prorated_from_the_start_date() -> None:
    # counts_from Jan 15, prorated: 5 x 17/31 = 85/31.  By Jan 20, 6 of 17 days: expected 6/17;
    # 1 deal: projected actual 1 / (6/17) = 17/6, projected (17/6) / (85/31) = 527/510 = 31/30.
    hire = Ramp(Date(2025, 1, 15), (0.5, 0.75))
    late = Parameter("deals_won", 10, 100, counts_from=Date(2025, 1, 15), prorate=True)
    card = Scorecard("c1", User("ann"), MONTHLY_2025, MONTHLY_2025.period(0), [late], ramp=hire)
    item = score(card, {"deals_won": 1}, as_of=_utc(2025, 1, 20, 12)).parameters[0]
    exact = exact_values(item)
    assert exact.target == Fraction(85, 31)
    assert item.target == _decimal(Fraction(85, 31))
    assert exact.expected == Fraction(6, 17)
    assert exact.projected == Fraction(31, 30)
    assert item.status is Status.ON_TRACK


# -- Seasonal targets (phasing) ----------------------------------------------------------------


def _q1(parameter: Parameter | None = None, **kwargs: object) -> Scorecard:
    parameter = parameter or Parameter("deals_won", 300, 100)
    return Scorecard(
        "c1",
        User("ann"),
        QUARTERLY_2025,
        QUARTERLY_2025.period(0),
        [parameter],
        phasing=Phasing({1: 3, 2: 3, 3: 4}),
        **kwargs,  # type: ignore[arg-type]
    )


def test_phasing_q1_by_february_14() -> None:
    # m(W) = 3 + 3 + 4 = 10; by Feb 14 m = 3 + 3 x 14/28 = 4.5; expected = 0.45.
    # achievement 90/300 = 0.3; projected actual 90 / 0.45 = 200; projected 200/300 = 2/3: BEHIND.
    item = score(_q1(), {"deals_won": 90}, as_of=_utc(2025, 2, 14, 12)).parameters[0]
    exact = exact_values(item)
    assert item.expected == Decimal("0.45")
    assert exact.expected == Fraction(9, 20)
    assert item.achievement == Decimal("0.3")
    assert exact.pace_actual == 200
    assert exact.projected == Fraction(2, 3)
    assert item.projected == _decimal(Fraction(2, 3))
    assert item.status is Status.BEHIND
    assert "phasing: the window weighs 10" in item.explain()


def test_phasing_prorated_from_february() -> None:
    # counts_from Feb 1, prorated: m(W) = 3 + 4 = 7 of m(P) = 10: 300 x 7/10 = 210.
    from_feb = Parameter("deals_won", 300, 100, counts_from=Date(2025, 2, 1), prorate=True)
    item = score(_q1(from_feb), {"deals_won": 0}, as_of=_utc(2025, 2, 14, 12)).parameters[0]
    assert item.target == 210
    # by Feb 14: m = 3 x 14/28 = 1.5 of 7: expected 3/14.
    assert exact_values(item).expected == Fraction(3, 14)


def test_decisions_exactly_on_the_bound_with_phasing() -> None:
    # 135 deals by Feb 14: projected 135 / 0.45 / 300 = 1 exactly: ON_TRACK.  1e-33 fewer:
    # projected 1 - 1/(135e33), whose 34-digit Decimal is 1; exactly it is below: BEHIND.
    on = score(_q1(), {"deals_won": 135}, as_of=_utc(2025, 2, 14, 12))
    assert on.parameters[0].status is Status.ON_TRACK
    assert on.status is Status.ON_TRACK
    short = score(_q1(), {"deals_won": Decimal("134.999999999999999999999999999999999")}, as_of=_utc(2025, 2, 14, 12))
    assert short.parameters[0].projected == 1
    assert short.parameters[0].status is Status.BEHIND
    assert short.status is Status.BEHIND


def test_phasing_with_a_calendar_weighs_working_days() -> None:
    # February 2025 has 20 weekdays; by Friday Feb 14, 10 of them: m = 3 + 3 x 10/20 = 4.5, and the
    # weekend after adds nothing: expected stays 0.45 on Saturday and Sunday.
    card = _q1(calendar=WorkCalendar())
    expected = [
        score(card, {"deals_won": 90}, as_of=_utc(2025, 2, day, 12)).parameters[0].expected for day in (14, 15, 16)
    ]
    assert expected == [Decimal("0.45")] * 3


def test_a_month_weighing_nothing_expects_nothing_yet() -> None:
    # Phasing with January at 0: by Jan 20 nothing is expected; the projection is the achievement.
    card = Scorecard(
        "c1", User("ann"), QUARTERLY_2025, QUARTERLY_2025.period(0), [Parameter("deals_won", 300, 100)],
        phasing=Phasing({1: 0}),
    )  # fmt: skip
    item = score(card, {"deals_won": 30}, as_of=_utc(2025, 1, 20, 12)).parameters[0]
    assert item.expected == 0
    assert item.projected == item.achievement == Decimal("0.1")
    assert item.status is Status.BEHIND


# -- DST months and leap Februaries --------------------------------------------------------------


def test_leap_february_with_a_step() -> None:
    # February 2024 has 29 days; target 29 raised to 58 from Feb 15:
    # T = (14 x 29 + 15 x 58) / 29 = 14 + 30 = 44.  By Feb 14: T_d = 14, expected 14/44 = 7/22.
    leap = Cadence.monthly(Date(2024, 2, 1))
    card = Scorecard(
        "c1",
        User("ann"),
        leap,
        leap.period(0),
        [Parameter("deals_won", 29, 100, steps=(TargetStep(Date(2024, 2, 15), 58),))],
    )
    item = score(card, {"deals_won": 14}, as_of=_utc(2024, 2, 14, 12)).parameters[0]
    assert item.target == 44
    assert exact_values(item).expected == Fraction(7, 22)
    assert exact_values(item).projected == 1
    assert item.status is Status.ON_TRACK
    # The last day of a leap February: all of it expected.
    assert score(card, {"deals_won": 14}, as_of=_utc(2024, 2, 29, 12)).parameters[0].expected == 1


def test_leap_february_phasing_spreads_over_29_days() -> None:
    # Q1 2024 with {1: 3, 2: 3, 3: 4}: by Feb 14 m = 3 + 3 x 14/29 = 129/29; expected = 129/290.
    q1 = Cadence.quarterly(Date(2024, 1, 1))
    card = Scorecard(
        "c1", User("ann"), q1, q1.period(0), [Parameter("deals_won", 300, 100)], phasing=Phasing({1: 3, 2: 3, 3: 4})
    )
    item = score(card, {"deals_won": 90}, as_of=_utc(2024, 2, 14, 12)).parameters[0]
    assert exact_values(item).expected == Fraction(129, 290)


@pytest.mark.parametrize(
    ("month", "as_of", "day"),
    [
        # March 2024 in Warsaw: clocks go forward on the 31st.  23:30 UTC on Mar 30 is 00:30 CET on the 31st.
        (3, pendulum.datetime(2024, 3, 30, 23, 30, tz="UTC"), 31),
        # October 2024: clocks go back on the 27th.  22:30 UTC on Oct 26 is 00:30 CEST on the 27th.
        (10, pendulum.datetime(2024, 10, 26, 22, 30, tz="UTC"), 27),
    ],
)
def test_dst_months_count_the_local_day(month: int, as_of: pendulum.DateTime, day: int) -> None:
    # 31-day month, target 31 raised to 62 from the 17th: T = (16 x 31 + 15 x 62) / 31 = 16 + 30 = 46.
    # Through the local day `day`: T_d = 16 + 2 x (day - 16), so expected = T_d / 46.
    cadence = Cadence.monthly(Date(2024, month, 1))
    step = TargetStep(Date(2024, month, 17), 62)
    card = Scorecard(
        "c1", User("ann"), cadence, cadence.period(0), [Parameter("deals_won", 31, 100, steps=(step,))],
        timezone="Europe/Warsaw",
    )  # fmt: skip
    item = score(card, {"deals_won": 10}, as_of=as_of).parameters[0]
    assert item.target == 46
    assert exact_values(item).expected == Fraction(16 + 2 * (day - 16), 46)


# -- Adjustments --------------------------------------------------------------------------------


def _credit(value: object = 2, at: pendulum.DateTime = AT, id: str = "a1") -> Adjustment:  # noqa: A002
    return Adjustment(id, "c1", "deals_won", AdjustmentKind.CREDIT, value, "D-7 booked late", at, "boss")


def _relief(value: object = 1, at: pendulum.DateTime = AT, id: str = "a2", metric: str = "deals_won") -> Adjustment:  # noqa: A002
    return Adjustment(id, "c1", metric, AdjustmentKind.RELIEF, value, "two weeks of leave", at, "boss")


def _april(*parameters: Parameter) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters) or [Parameter("deals_won", 10, 100)])


def test_the_adjustment_example() -> None:
    # Target 10, 7 deals from the CRM, CREDIT +2, RELIEF 1: actual 7 + 2 = 9, target 10 - 1 = 9,
    # achievement 9/9 = 1: ACHIEVED at period end.
    result = score(_april(), {"deals_won": 7}, as_of=_utc(2024, 5, 1), adjustments=[_credit(), _relief()])
    item = result.parameters[0]
    assert (item.actual, item.target, item.achievement) == (9, 9, 1)
    assert item.status is Status.ACHIEVED
    assert result.status is Status.ACHIEVED
    assert [e.id for e in item.evidence] == ["adjustment:a1"]
    assert item.evidence[0].label == "D-7 booked late"
    assert item.evidence[0].value == 2
    text = result.explain()
    assert "  relief: -1 (two weeks of leave)" in text
    assert "  target before relief: 10" in text
    assert "  credit: +2 (D-7 booked late)" in text
    (record,) = result.to_records()
    assert (record["credits"], record["reliefs"], record["target_before_relief"]) == (2, 1, 10)
    assert record["target"] == 9


def test_a_credit_keeps_the_crm_evidence_and_adds_its_own() -> None:
    deals = Measurement(7, ())
    item = score(
        _april(), {"deals_won": deals}, as_of=_utc(2024, 5, 1), adjustments=[_credit(-1, id="back")]
    ).parameters[0]
    assert item.actual == 6  # a clawback
    assert [e.id for e in item.evidence] == ["adjustment:back"]


def test_a_relief_does_not_move_expected() -> None:
    # By Apr 15 (15 of 30 days) expected = 1/2 with or without the relief; target 10 - 4 = 6;
    # 3 deals: projected 3 / (1/2) / 6 = 1: ON_TRACK (without the relief 6/10: BEHIND).
    as_of = _utc(2024, 4, 15, 12)
    relieved = score(
        _april(), {"deals_won": 3}, as_of=as_of, adjustments=[_relief(4, at=pendulum.datetime(2024, 4, 2, tz="UTC"))]
    )
    plain = score(_april(), {"deals_won": 3}, as_of=as_of)
    assert relieved.parameters[0].expected == plain.parameters[0].expected == Decimal("0.5")
    assert relieved.parameters[0].target == 6
    assert relieved.parameters[0].projected == 1
    assert relieved.status is Status.ON_TRACK
    assert plain.status is Status.BEHIND


def test_a_relief_on_a_moved_plan_comes_off_t_after_proration() -> None:
    # Steps: T = 17; a relief of 2: 15; by Apr 9 expected stays 3/17; 3 deals: projected 3 / (3/17) / 15 = 17/15.
    result = score(
        _raised(), {"deals_won": 3}, as_of=_utc(2024, 4, 9, 12), adjustments=[_relief(2, at=_utc(2024, 4, 2))]
    )
    item = result.parameters[0]
    assert item.target == 15
    assert exact_values(item).expected == Fraction(3, 17)
    assert exact_values(item).projected == Fraction(17, 15)


def test_adjustments_count_from_when_they_were_recorded() -> None:
    # Recorded 2024-04-29 08:00 UTC: as of exactly then it counts, a second before it does not.
    at = AT.in_timezone("UTC")
    counted = score(_april(), {"deals_won": 7}, as_of=at, adjustments=[_credit()])
    early = score(_april(), {"deals_won": 7}, as_of=at.subtract(seconds=1), adjustments=[_credit()])
    assert counted.parameters[0].actual == 9
    assert early.parameters[0].actual == 7
    assert early.parameters[0].evidence == ()


def test_adjustments_that_cannot_apply_are_refused() -> None:
    as_of = _utc(2024, 5, 1)
    with pytest.raises(InvalidParameter, match=r"leave its target 10 at 0; the target after relief must stay above 0"):
        score(_april(), {"deals_won": 7}, as_of=as_of, adjustments=[_relief(10)])
    level = Parameter(Metric("nps", accumulation="average"), 50, 100)
    credit_nps = Adjustment("a3", "c1", "nps", AdjustmentKind.CREDIT, 1, "survey lost", AT, "boss")
    with pytest.raises(InvalidParameter, match="is a level"):
        score(_april(level), {"nps": 40}, as_of=as_of, adjustments=[credit_nps])
    complaints = Parameter("complaints", 5, 100, direction=Direction.LOWER_IS_BETTER)
    with pytest.raises(InvalidParameter, match="a relief applies to a higher-is-better sum only"):
        score(_april(complaints), {"complaints": 1}, as_of=as_of, adjustments=[_relief(1, metric="complaints")])
    with pytest.raises(InvalidParameter, match="has no metric 'calls'"):
        score(_april(), {"deals_won": 7}, as_of=as_of, adjustments=[_relief(1, metric="calls")])
    baseline = Parameter("nps_sum", 50, 100, baseline=30)
    with pytest.raises(InvalidParameter, match="above the baseline 30"):
        score(_april(baseline), {"nps_sum": 40}, as_of=as_of, adjustments=[_relief(20, metric="nps_sum")])


def test_score_many_matches_adjustments_to_cards() -> None:
    as_of = _utc(2024, 5, 1)
    cards = [_april(), _april().evolve(id="c2")]
    batch = score_many(cards, [{"deals_won": 7}, {"deals_won": 7}], as_of=as_of, adjustments=[_credit(), _relief()])
    assert batch.totals == (Decimal(1), Decimal("0.7"))
    assert batch[0] == score(cards[0], {"deals_won": 7}, as_of=as_of, adjustments=[_credit(), _relief()])
    stranger = Adjustment("a9", "zz", "deals_won", AdjustmentKind.CREDIT, 1, "typo", AT, "boss")
    with pytest.raises(InvalidScorecard, match="an adjustment for card 'zz' was given to score card 'c1', 'c2'"):
        score_many(cards, [{"deals_won": 7}, {"deals_won": 7}], as_of=as_of, adjustments=[stranger])


# -- Read back ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "actual", "as_of"),
    [
        (_raised(), 3, _utc(2024, 4, 9, 12)),
        (_q1(), 90, _utc(2025, 2, 14, 12)),
        (_q1(calendar=WorkCalendar()), 90, _utc(2025, 2, 15, 12)),
    ],
)
def test_a_planned_score_reads_back_the_same(card: Scorecard, actual: int, as_of: pendulum.DateTime) -> None:
    result = score(card, {"deals_won": actual}, as_of=as_of)
    back = codec.loads(codec.dumps(result), CardScore)
    assert back == result
    assert back.explain() == result.explain()
    assert back.to_records() == result.to_records()


def test_a_relief_shows_before_the_window_starts() -> None:
    # counts_from Apr 21, not started on Apr 10: the target 10 less a relief of 3 is 7 already,
    # nothing counted yet; a relief of 10 leaves nothing and is refused even now.
    later = Parameter("deals_won", 10, 100, counts_from=Date(2024, 4, 21))
    as_of = _utc(2024, 4, 10, 12)
    early = _utc(2024, 4, 2)
    item = score(_april(later), {}, as_of=as_of, adjustments=[_relief(3, at=early), _credit(at=early)]).parameters[0]
    assert item.status is Status.NOT_STARTED
    assert item.target == 7
    assert item.actual == 0
    with pytest.raises(InvalidParameter, match="the target after relief must stay above 0"):
        score(_april(later), {}, as_of=as_of, adjustments=[_relief(10, at=early)])
