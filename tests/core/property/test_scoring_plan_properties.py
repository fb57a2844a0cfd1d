"""Scoring by a moved plan, against a naive oracle written from DESIGN 0.3's formulas (issue 24).

The oracle walks every day of the window with `fractions.Fraction`: ``w(d)`` from the
calendar and the phasing, ``t(d)`` from the steps times the ramp factor, then
``T = sum t w / m(W)`` (times ``m(W) / m(P)`` when prorated, minus reliefs), ``T_d`` the
same over the days through `as_of`, ``expected = T_d / T`` and the projected actual
``actual / expected``.  It never calls `scorekit.plan`.  Also: a step to the same target
changes no number (the moved path agrees with 0.2's), and a planned score read back from
its document is the live one.
"""

import calendar as _calendar
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    InvalidScorecard,
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
)
from scorekit.numbers import EXACT
from scorekit.scores import CardScore, ExactValues, exact_values
from scorekit.strategies import instants_for, measurements_for, scorecards

_YEARS = (2023, 2024, 2025)  # 2024 has a leap February


def _weight(day: dt.date, working: bool, phasing: dict[int, int] | None) -> Fraction:
    """``w(d)``, from DESIGN: 0 on a day the calendar does not count; else 1, or the month's weight over its counted days."""
    if working and day.weekday() >= 5:
        return Fraction(0)
    if phasing is None:
        return Fraction(1)
    days = _calendar.monthrange(day.year, day.month)[1]
    month = [dt.date(day.year, day.month, n) for n in range(1, days + 1)]
    counted = sum(1 for d in month if not working or d.weekday() < 5)
    return Fraction(phasing.get(day.month, 1), counted)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days)]


@st.composite
def planned(
    draw: st.DrawFn,
) -> tuple[Scorecard, Decimal, pendulum.DateTime, Fraction, list[Adjustment], dict[str, object]]:
    year = draw(st.sampled_from(_YEARS))
    quarterly = draw(st.booleans())
    month = draw(st.sampled_from((1, 4, 7, 10) if quarterly else tuple(range(1, 13))))
    cadence = (Cadence.quarterly if quarterly else Cadence.monthly)(Date(year, month, 1))
    period = cadence.period(0)
    days = _days(period.start, period.end)
    counts_from = draw(st.none() | st.sampled_from(days[: len(days) // 2]))
    start = counts_from if counts_from is not None and counts_from > period.start else period.start
    window = _days(start, period.end)
    step_days = draw(st.lists(st.sampled_from(window[1:]), unique=True, max_size=3).map(sorted))
    target = draw(st.integers(1, 200))
    steps = tuple(TargetStep(day, draw(st.integers(1, 200))) for day in step_days)
    prorate = draw(st.booleans())
    factor = draw(st.sampled_from((None, "0.5", "0.75", "0.2")))
    ramp = None if factor is None else Ramp(period.start, (factor,))
    phasing = draw(st.none() | st.dictionaries(st.integers(1, 12), st.integers(0, 4), max_size=12))
    working = draw(st.booleans())
    parameter = Parameter("deals_won", target, 100, steps=steps, counts_from=counts_from, prorate=prorate)
    try:
        card = Scorecard(
            "c1", User("ann"), cadence, period, [parameter], ramp=ramp,
            phasing=None if phasing is None else Phasing(phasing), calendar=WorkCalendar() if working else None,
        )  # fmt: skip
    except InvalidScorecard:  # a window that weighs nothing (or no working day)
        assume(False)
        raise
    # The oracle, from DESIGN's formulas.
    full = Fraction(1) if factor is None else Fraction(Decimal(factor))
    weights = {day: _weight(day, working, phasing) for day in days}
    in_force = {day: Fraction(parameter.target_on(day)) * full for day in window}
    measure = sum((weights[d] for d in window), Fraction(0))
    assume(measure > 0)
    share = measure / sum(weights.values(), Fraction(0)) if prorate else Fraction(1)
    total = sum((in_force[d] * weights[d] for d in window), Fraction(0)) / measure * share
    relief = draw(st.sampled_from((0, 1, 2)))
    assume(total - relief > 0)
    today = draw(st.sampled_from([*days, period.end]))
    as_of = pendulum.datetime(today.year, today.month, today.day, 12, tz="UTC")
    to_date = sum((in_force[d] * weights[d] for d in window if d <= today), Fraction(0)) / measure * share
    relieved = total - relief
    actual = Decimal(draw(st.integers(0, 400))) / draw(st.sampled_from((1, 4, 10)))
    adjustments = []
    if relief:
        at = pendulum.datetime(year, month, 1, tz="UTC")
        adjustments.append(Adjustment("r1", "c1", "deals_won", AdjustmentKind.RELIEF, relief, "leave", at, "boss"))
    expected = to_date / total  # T_d shrinks with T: expected does not move
    oracle = {"target": relieved, "expected": expected, "started": today >= start, "over": today >= period.end}
    return card, actual, as_of, relieved, adjustments, oracle


def _decimal(value: Fraction) -> Decimal:
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


@given(planned())
def test_scoring_follows_the_day_weights(case) -> None:
    card, actual, as_of, target, adjustments, oracle = case
    item = score(card, {"deals_won": actual}, as_of=as_of, adjustments=adjustments).parameters[0]
    if not oracle["started"]:
        assert item.status is Status.NOT_STARTED
        return
    exact: ExactValues = exact_values(item)
    expected = oracle["expected"]
    achievement = Fraction(actual) / target
    assert exact.target == target
    assert item.target == _decimal(target)
    assert exact.expected == expected
    assert item.expected == _decimal(expected)
    assert exact.achievement == achievement
    projected = achievement if expected in (0, 1) else Fraction(actual) / expected / target
    assert exact.projected == projected
    if oracle["over"]:
        assert item.status is (Status.ACHIEVED if achievement >= 1 else Status.MISSED)
    elif achievement >= 1:
        assert item.status is Status.ACHIEVED
    else:
        assert item.status is (Status.ON_TRACK if projected >= 1 else Status.BEHIND)


@given(st.data())
def test_a_step_to_the_same_target_changes_no_number(data: st.DataObject) -> None:
    card = data.draw(scorecards())
    parameter = card.active_parameters[0]
    days = _days(card.windows[0].start, card.period.end)[1:]
    assume(days)
    step = TargetStep(data.draw(st.sampled_from(days)), parameter.target)
    try:
        moved = card.with_parameters(
            [parameter.evolve(steps=(step,)) if p is parameter else p for p in card.parameters]
        )
    except Exception:
        assume(False)
        raise
    assert moved.windows[0].plan is not None  # the moved path, not 0.2's
    measurements = data.draw(measurements_for(card))
    as_of = data.draw(instants_for(card))
    plain, stepped = score(card, measurements, as_of=as_of), score(moved, measurements, as_of=as_of)
    for a, b in zip(plain.parameters, stepped.parameters, strict=True):
        assert (repr(a.target), repr(a.achievement), repr(a.effective), repr(a.expected), repr(a.projected)) == (
            repr(b.target), repr(b.achievement), repr(b.effective), repr(b.expected), repr(b.projected)
        )  # fmt: skip
        assert a.status is b.status
    assert (repr(plain.total), repr(plain.projected), plain.status) == (
        repr(stepped.total), repr(stepped.projected), stepped.status
    )  # fmt: skip


@st.composite
def planned_scores(draw: st.DrawFn) -> CardScore:
    card = draw(scorecards())
    changes: dict[str, object] = {}
    if draw(st.booleans()):
        changes["phasing"] = draw(st.dictionaries(st.integers(1, 12), st.integers(0, 3), min_size=1))
    if draw(st.booleans()):
        changes["ramp"] = Ramp(card.period.start, (draw(st.sampled_from(("0.5", "0.75"))),))
    parameters = list(card.parameters)
    step: TargetStep | None = None
    if draw(st.booleans()):
        first = parameters[0]
        start = first.counts_from if first.counts_from and first.counts_from > card.period.start else card.period.start
        days = _days(start, card.period.end)[1:]
        if days:
            step = TargetStep(draw(st.sampled_from(days)), first.target + draw(st.integers(1, 9)))
    try:
        if step is not None:
            parameters[0] = parameters[0].evolve(steps=(step,))
        if "phasing" in changes:
            changes["phasing"] = Phasing(changes["phasing"])
        moved = card.with_parameters(parameters).evolve(**changes)
    except Exception:
        assume(False)
        raise
    return score(moved, draw(measurements_for(moved)), as_of=draw(instants_for(moved)))


@given(planned_scores())
def test_a_planned_score_read_back_is_the_live_one(result: CardScore) -> None:
    back = codec.loads(codec.dumps(result), CardScore)
    assert back == result
    assert back.explain() == result.explain()
    assert back.to_records() == result.to_records()
    assert [back.percent(places) for places in (0, 2, 6)] == [result.percent(places) for places in (0, 2, 6)]
