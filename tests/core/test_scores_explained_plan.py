"""`explain()` of a moved plan, adjustments and units, line by line (issue 21's mutation audit of the 0.3 core).

Each line is worked out by hand in the comments, from DESIGN 0.3's formulas.
"""

import pendulum

from _by_hand import evolve
from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    Direction,
    Metric,
    Parameter,
    Phasing,
    Scorecard,
    TargetStep,
    User,
    score,
)

Q1 = Cadence.quarterly(Date(2025, 1, 1))
APRIL = Cadence.monthly(Date(2024, 4, 1))


def _utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def _adjustment(ident: str, kind: AdjustmentKind, value: object, reason: str, day: int) -> Adjustment:
    return Adjustment(ident, "c1", "revenue", kind, value, reason, _utc(2025, 2, day), "boss")


def test_a_prorated_phasing_with_a_unit_a_relief_and_credits():
    # Q1 phased 3 : 3 : 4, counting from February 1, prorated: the window weighs 3 + 4 = 7 of 10,
    # 70%; T = 300 x 7/10 = 210 EUR, less a relief of 10: 200 EUR.  Credits +0.5 and -2 on 50:
    # actual 48.5, 48.5 / 200 = 24.25%.  By February 14 (14 of 28 February days, weight
    # 3 x 14/28 = 1.5 of 7): expected 1.5 / 7 = 21.43%, projected 48.5 / (3/14) = 226.3333,
    # / 200 = 113.17%.
    revenue = Parameter(Metric("revenue", "EUR"), 300, 100, counts_from=Date(2025, 2, 1), prorate=True)
    card = Scorecard("c1", User("ann"), Q1, Q1.period(0), [revenue], phasing=Phasing({1: 3, 2: 3, 3: 4}))
    adjustments = [
        _adjustment("r1", AdjustmentKind.RELIEF, 10, "leave", 3),
        _adjustment("a1", AdjustmentKind.CREDIT, "0.5", "late", 3),
        _adjustment("a2", AdjustmentKind.CREDIT, -2, "clawback", 4),
    ]
    lines = score(card, {"revenue": 50}, as_of=_utc(2025, 2, 14, 12), adjustments=adjustments).explain().splitlines()
    assert lines[3:14] == [
        "  window: 2025-02-01 to 2025-03-31, 59 days, 14 elapsed",
        "  phasing: the window weighs 7, 70.00% of the period",
        "  weighted target: 300 EUR (the targets in force, weighted by day)",
        "  relief: -10 (leave)",
        "  target before relief: 210 EUR",
        "  credit: +0.5 (late)",
        "  credit: -2 (clawback)",
        "  target: 200 EUR (prorated: 70.00% of the period)",
        "  actual: 48.5 EUR (2 records)",
        "  achievement = 48.5 / 200 = 24.25%",
        "  contribution = 100% x 24.25% = 24.25%",
    ]
    assert lines[14] == "  pace: expected 21.43% by the plan; projected 48.5 / 21.43% = 226.3333 -> 113.17%"


def test_a_credit_of_0_is_shown_with_its_sign():
    credit = Adjustment("a0", "c1", "deals_won", AdjustmentKind.CREDIT, 0, "typo", _utc(2024, 4, 3), "boss")
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("deals_won", 10, 100)])
    assert (
        "  credit: +0 (typo)" in score(card, {"deals_won": 1}, as_of=_utc(2024, 5, 1), adjustments=[credit]).explain()
    )


def test_steps_without_proration_or_ramp():
    # complaints: target 0, then 2 from April 16: weighted (0 x 15 + 2 x 15) / 30 = 1; nothing is
    # due before April 16, so on April 10 expected is 0 and the projection is the achievement.
    # deals_won: 10, then 20 from April 16: (10 x 15 + 20 x 15) / 30 = 15, not prorated: "target: 15".
    complaints = Parameter(
        "complaints", 0, 50, direction=Direction.LOWER_IS_BETTER, steps=(TargetStep(Date(2024, 4, 16), 2),)
    )
    deals = Parameter("deals_won", 10, 50, steps=(TargetStep(Date(2024, 4, 16), 20),))
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [complaints, deals])
    result = score(card, {"complaints": 1, "deals_won": 3}, as_of=_utc(2024, 4, 10, 12))
    first, second = (item.explain().splitlines() for item in result.parameters)
    assert first[2:5] == [
        "  target steps: 0 from 2024-04-01, 2 from 2024-04-16",
        "  weighted target: 1 (the targets in force, weighted by day)",
        "  target: 1",
    ]
    assert "  pace: expected 0.00% by the plan; projected = achievement" in first
    assert second[2:5] == [
        "  target steps: 10 from 2024-04-01, 20 from 2024-04-16",
        "  weighted target: 15 (the targets in force, weighted by day)",
        "  target: 15",
    ]
    assert not any("ramp factor" in line for line in first + second)


def test_a_phasing_over_the_whole_period():
    # January weighs 0: the quarter weighs 0 + 3 + 4 = 7 (its 90 days count for nothing more), all of it.
    card = Scorecard(
        "c1", User("ann"), Q1, Q1.period(0), [Parameter("deals_won", 300, 100)], phasing=Phasing({1: 0, 2: 3, 3: 4})
    )
    lines = score(card, {"deals_won": 5}, as_of=_utc(2025, 1, 15, 12)).explain().splitlines()
    assert lines[3:7] == [
        "  window: 2025-01-01 to 2025-03-31, 90 days, 15 elapsed",
        "  phasing: the window weighs 7",
        "  weighted target: 300 (the targets in force, weighted by day)",
        "  target: 300",
    ]


def test_a_manual_metric_and_the_parameters_waiting():
    # demo_days (entered by hand): 1 of 4 on April 10, projected 1 x 30 / 10 / 4 = 75%; a and b count
    # from April 21 and count as on plan: 50% x 75% + 25% + 25% = 87.50%.
    parameters = [
        Parameter(Metric.custom("demo_days", "days"), 4, 50),
        Parameter("a", 1, 25, counts_from=Date(2024, 4, 21)),
        Parameter("b", 1, 25, counts_from=Date(2024, 4, 21)),
    ]
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), parameters)
    lines = score(card, {"demo_days": 1}, as_of=_utc(2024, 4, 10, 12)).explain().splitlines()
    assert lines[2] == "demo_days: weight 50%, higher is better, sum entered by hand"
    assert "projected total: 87.50% (not started, counted as on plan: a, b)" in lines


def test_a_score_without_context_still_names_its_credits():
    # deals_won made by hand from a scored one (no window): its credit of 1 is still explained.
    credit = Adjustment("a1", "c1", "deals_won", AdjustmentKind.CREDIT, 1, "late", _utc(2024, 4, 3), "boss")
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("deals_won", 10, 100)])
    item = score(card, {"deals_won": 1}, as_of=_utc(2024, 5, 1), adjustments=[credit]).parameters[0]
    by_hand = evolve(item)
    lines = [line for line in by_hand.explain().splitlines() if line.startswith("  credit:")]
    assert len(lines) == 1
    assert lines[0].endswith("1 (late)")
