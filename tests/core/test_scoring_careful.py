"""A negative achievement voids the card's bands for the rest of the card, whatever comes after it (0.3 core mutation audit).

a: weight 1%, target 3, actual -97999703: achievement -97999703 / 3, exact.
b: weight 98%, target 3, actual 1000000: 333333.33.. (its 34-digit Decimal rounds down).
c: weight 1%, achievement exactly 1 (8 of a relieved 10 - 2, or a level's 8 in force).
Exact total (0.01 x -97999703 + 0.98 x 1000000) / 3 + 0.01 = (-979997.03 + 980000) / 3 + 0.01
= 2.97 / 3 + 0.01 = 0.99 + 0.01 = 1: achieved when the period is over.  The Decimal total is
1 - 6.6e-29, below the card's band around 1 (whose premise, achievements >= 0, a voids); a
relieved or stepped parameter after a must not switch the exact decision off again.
"""

from decimal import Decimal

import pendulum

from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    Metric,
    Parameter,
    Scorecard,
    Status,
    TargetStep,
    User,
    score,
)

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")
MEASUREMENTS = {"a": -97999703, "b": 1000000}


def _card(last: Parameter) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("a", 3, 1), Parameter("b", 3, 98), last])


def test_a_relieved_parameter_after_a_negative_one():
    relief = Adjustment(
        "r1", "c1", "c", AdjustmentKind.RELIEF, 2, "leave", pendulum.datetime(2024, 4, 2, tz="UTC"), "boss"
    )
    result = score(_card(Parameter("c", 10, 1)), {**MEASUREMENTS, "c": 8}, as_of=MAY_1, adjustments=[relief])
    assert Decimal(1) - result.total > Decimal("1e-29")  # far outside the band around 1
    assert result.status is Status.ACHIEVED
    assert result.percent() == Decimal("100.00")


def test_a_level_judged_by_a_step_after_a_negative_one():
    nps = Parameter(Metric("nps", accumulation="last"), 10, 1, steps=(TargetStep(Date(2024, 4, 16), 8),))
    result = score(_card(nps), {**MEASUREMENTS, "nps": 8}, as_of=MAY_1)
    assert result.parameters[2].target == 8
    assert result.status is Status.ACHIEVED
