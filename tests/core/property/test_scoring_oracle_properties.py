"""Properties of the 0.2 scoring rules, and an exact oracle written here from DESIGN.md, not from the code.

The oracle computes every formula with `fractions.Fraction` from the Decimal inputs
and decides every status, threshold and cap on those exact values; scorekit must
agree on generated cards, and on cards built to land exactly on 1, on a policy bound
and on a threshold.
"""

import datetime as dt
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction

import attrs
import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    InvalidScorecard,
    Measurement,
    Metric,
    Parameter,
    Scorecard,
    Status,
    StatusPolicy,
    User,
    WorkCalendar,
    score,
)
from scorekit.strategies import instants_for, measurements_for, scorecards

ONE = Fraction(1)


# ------------------------------------------------------------------------------------------
# Test-local strategies for the 0.2 fields.


def _places(value: Fraction, places: int = 4) -> Decimal:
    return Decimal(round(value * 10**places)) / Decimal(10**places)


@st.composite
def v02_parameter(draw, parameter: Parameter) -> Parameter:
    """`parameter` turned, maybe, into a level, a baseline or a near-target parameter."""
    if parameter.baseline is not None or parameter.direction is Direction.NEAR_TARGET or parameter.metric.is_level:
        return parameter  # scorekit's strategies already gave it a 0.2 shape
    kind = draw(st.sampled_from(["keep", "level", "baseline", "near"]))
    metric = parameter.metric
    if kind == "level" or (kind == "near" and draw(st.booleans())):
        metric = attrs.evolve(metric, accumulation=draw(st.sampled_from([Accumulation.AVERAGE, Accumulation.LAST])))
        parameter = parameter.evolve(metric=metric, prorate=False)
    if kind == "baseline":
        gap = draw(st.integers(1, 50))
        if parameter.direction is Direction.HIGHER_IS_BETTER:
            return parameter.evolve(baseline=parameter.target - gap)
        return parameter.evolve(baseline=parameter.target + gap)
    if kind == "near":
        tolerance = draw(st.integers(1, 40).map(lambda n: Decimal(n) / 4))
        band = draw(st.integers(0, 8).map(lambda n: Decimal(n) / 4))
        return parameter.evolve(direction=Direction.NEAR_TARGET, tolerance=tolerance, band=band)
    return parameter


@st.composite
def policies(draw) -> StatusPolicy:
    on_track = draw(st.integers(0, 120)) / Decimal(100)
    at_risk = draw(st.integers(0, int(on_track * 100))) / Decimal(100)
    judge_from = draw(st.sampled_from([0, 0, Decimal("0.1"), Decimal("0.25"), Decimal("0.5"), 1]))
    return StatusPolicy(on_track=on_track, at_risk=at_risk, judge_from=judge_from)


@st.composite
def calendars(draw, card: Scorecard) -> WorkCalendar | None:
    if draw(st.booleans()):
        return None
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    days = (card.period.end - card.period.start).days
    holidays = draw(st.sets(st.integers(0, days - 1), max_size=5))
    return WorkCalendar(weekdays=weekdays, holidays={card.period.start.add(days=d) for d in holidays})


@st.composite
def v02_cards(draw) -> Scorecard:
    card = draw(scorecards(parameters=(1, 4)))
    parameters = [draw(v02_parameter(p)) for p in card.parameters]
    try:
        return card.evolve(parameters=parameters, status_policy=draw(policies()), calendar=draw(calendars(card)))
    except InvalidScorecard:  # a window without a working day
        assume(False)
        raise


@st.composite
def v02_measurements(draw, card: Scorecard) -> dict[str, Measurement]:
    result = draw(measurements_for(card))
    for parameter in card.active_parameters:
        if parameter.metric.accumulation is not Accumulation.SUM and draw(st.integers(0, 4)) == 0:
            result[parameter.key] = Measurement(None)
    return result


@st.composite
def v02_scored(draw):
    card = draw(v02_cards())
    return card, draw(v02_measurements(card)), draw(instants_for(card))


# ------------------------------------------------------------------------------------------
# The exact oracle.


def _counting_days(card: Scorecard, start: Date, stop: Date) -> int:
    """Days of [start, stop) that count (every day without a calendar)."""
    if stop <= start:
        return 0
    calendar = card.calendar
    if calendar is None:
        return (stop - start).days
    day, count = start, 0
    while day < stop:
        if day.weekday() in calendar.weekdays and day not in calendar.holidays:
            count += 1
        day = day.add(days=1)
    return count


def _achievement(parameter: Parameter, actual: Fraction, target: Fraction, baseline: Fraction | None) -> Fraction:
    if parameter.direction is Direction.NEAR_TARGET:
        distance = max(Fraction(0), abs(actual - target) - Fraction(parameter.band))
        return max(Fraction(0), 1 - distance / Fraction(parameter.tolerance))
    if baseline is not None:
        return max(Fraction(0), (actual - baseline) / (target - baseline))
    if parameter.direction is Direction.HIGHER_IS_BETTER:
        return actual / target
    if target == 0:
        return ONE if actual <= 0 else Fraction(0)
    return max(Fraction(0), 2 - actual / target)


def _cap(parameter: Parameter) -> Fraction | None:
    """DESIGN 0.3: a lower-is-better parameter without an explicit cap is capped at 1."""
    if parameter.cap is not None:
        return Fraction(parameter.cap)
    return ONE if parameter.direction is Direction.LOWER_IS_BETTER else None


def _shape(parameter: Parameter, value: Fraction) -> Fraction:
    if parameter.threshold is not None and value < Fraction(parameter.threshold):
        return Fraction(0)
    cap = _cap(parameter)
    if cap is not None and value > cap:
        return cap
    return value


def oracle(card: Scorecard, measurements, as_of):  # noqa: C901, PLR0912, PLR0915 - DESIGN.md, line by line
    """(card status, exact total, [(status, effective) per active parameter], exact projected total) from DESIGN.md."""
    today = pendulum.instance(as_of).in_timezone(card.timezone).date()
    period = card.period
    over = today >= period.end
    policy = card.status_policy
    rows, total, projected_total, early_total = [], Fraction(0), Fraction(0), Fraction(0)
    started_any = data_any = judged_any = False
    judge_from = Fraction(policy.judge_from)
    early_any = False
    for parameter in card.active_parameters:
        start = max(period.start, parameter.counts_from) if parameter.counts_from else period.start
        days = _counting_days(card, start, period.end)
        level = parameter.metric.accumulation is not Accumulation.SUM
        weight = Fraction(parameter.weight.fraction)
        if today < start:
            rows.append((Status.NOT_STARTED, Fraction(0)))
            cap = _cap(parameter)  # on plan in the card's projection: 1, shaped by its cap
            projected_total += weight * (ONE if cap is None else min(ONE, cap))
            continue
        started_any = True
        elapsed = min(_counting_days(card, start, today.add(days=1)), days)
        too_early = Fraction(elapsed, days) < judge_from
        judged_any = judged_any or not too_early
        share = Fraction(1)
        if parameter.prorate:
            share = Fraction(days, _counting_days(card, period.start, period.end))
        target = Fraction(parameter.target) * share
        baseline = None if parameter.baseline is None else Fraction(parameter.baseline) * share
        given = measurements[parameter.key]
        value = given.value if isinstance(given, Measurement) else given
        if value is None and level:
            rows.append((Status.MISSED if over else Status.NO_DATA, Fraction(0)))
            continue
        data_any = True
        actual = Fraction(0) if value is None else Fraction(value)
        achievement = _achievement(parameter, actual, target, baseline)
        if level or elapsed in (0, days):
            projected = achievement
        else:
            projected = _achievement(parameter, actual * days / elapsed, target, baseline)
        effective = _shape(parameter, achievement)
        total += weight * effective
        projected_total += weight * _shape(parameter, projected)
        early = parameter.direction is Direction.HIGHER_IS_BETTER and not level
        if early:
            early_any = True
            early_total += weight * effective
        if over:
            status = Status.ACHIEVED if achievement >= 1 else Status.MISSED
        elif early and achievement >= 1:
            status = Status.ACHIEVED
        elif too_early or projected >= Fraction(policy.on_track):
            status = Status.ON_TRACK
        elif policy.at_risk and projected < Fraction(policy.at_risk):  # "the default never gives AT_RISK"
            status = Status.AT_RISK
        else:
            status = Status.BEHIND
        rows.append((status, effective))
    if not started_any:
        card_status = Status.NOT_STARTED
    elif over:
        card_status = Status.ACHIEVED if total >= 1 else Status.MISSED
    elif not data_any:
        card_status = Status.NO_DATA
    elif early_any and early_total >= 1:
        card_status = Status.ACHIEVED
    elif not judged_any or projected_total >= Fraction(policy.on_track):
        card_status = Status.ON_TRACK
    elif policy.at_risk and projected_total < Fraction(policy.at_risk):
        card_status = Status.AT_RISK
    else:
        card_status = Status.BEHIND
    return card_status, total, rows, (projected_total if started_any else None)


def _half_up(value: Fraction, places: int = 2) -> Decimal:
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))
    return Decimal(whole if value >= 0 else -whole).scaleb(-places)


def _agrees(card, measurements, as_of):
    result = score(card, measurements, as_of=as_of)
    status, total, rows, projected = oracle(card, measurements, as_of)
    assert result.status is status
    if projected is None:
        assert result.projected is None
    else:  # the Decimal is the exact projection to within its 34-digit quotients
        assert abs(Fraction(result.projected) - projected) < Fraction(1, 10**28)
    assert [p.status for p in result.parameters] == [row[0] for row in rows]
    for item, (_, effective) in zip(result.parameters, rows, strict=True):
        parameter = item.parameter
        # every threshold and cap decision is the exact one
        assert (item.effective == 0) == (effective == 0) or item.achievement == 0
        cap = _cap(parameter)
        if cap is not None and effective == cap:
            assert item.effective == cap
    assert result.percent() == _half_up(total * 100)
    return result


@given(v02_scored())
def test_status_and_decisions_equal_the_exact_oracle(case):
    _agrees(*case)


@given(st.data())
def test_the_oracle_on_scorekits_own_cards(data):
    card = data.draw(scorecards())
    _agrees(card, data.draw(measurements_for(card)), data.draw(instants_for(card)))


APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")


@st.composite
def totals_of_exactly_one(draw):
    """50/50 cards whose exact total is 1 while their 34-digit quotients are not (targets k*m)."""
    m = draw(st.sampled_from([3, 7, 9, 11, 13, 17, 21]))
    k1, k2 = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    p = draw(st.integers(1, 2 * m - 1))
    card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), [Parameter("a", k1 * m, 50), Parameter("b", k2 * m, 50)])
    # a/t1 = p/m and b/t2 = (2m - p)/m: 0.5 * (p + 2m - p) / m = 1
    return card, {"a": Decimal(k1 * p), "b": Decimal(k2 * (2 * m - p))}


@given(totals_of_exactly_one())
def test_cards_landing_exactly_on_one(case):
    card, measurements = case
    result = _agrees(card, measurements, MAY_1)
    assert result.status is Status.ACHIEVED
    assert result.percent() == Decimal("100.00")


def _on_a_bound():
    """Prorated windows whose exact achievement is a decimal bound while the Decimal misses it."""
    cases = []
    for first in range(2, 31):
        days = 31 - first  # window [Apr first, May 1) of April's 30 days
        for target in (10, 20, 50, 70):
            exact_target = Fraction(target * days, 30)
            if (Fraction(1) / exact_target).denominator == 1 or exact_target.denominator == 1:
                continue
            for actual in range(1, 4):
                bound = actual / exact_target
                if bound > 2 or any(bound.denominator % p == 0 for p in (3, 7, 11, 13, 17, 19, 23, 29)):
                    continue
                cases.append((first, target, actual, Decimal(bound.numerator) / Decimal(bound.denominator)))
    return cases


BOUNDS = _on_a_bound()


@given(st.sampled_from(BOUNDS), st.sampled_from(["on_track", "at_risk", "threshold"]), st.booleans())
def test_cards_landing_exactly_on_a_policy_bound_or_threshold(case, where, over):
    first, target, actual, bound = case
    parameter = Parameter("deals", target, 100, counts_from=Date(2024, 4, first), prorate=True)
    policy = StatusPolicy()
    if where == "on_track":
        policy = StatusPolicy(on_track=bound, at_risk=0)
    elif where == "at_risk":
        policy = StatusPolicy(on_track=max(bound, Decimal(1)), at_risk=bound)
    else:
        parameter = parameter.evolve(threshold=bound, cap=max(bound, Decimal(1)))
    card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), [parameter], status_policy=policy)
    # the window's last day (all of it elapsed, not over) or the day after
    as_of = MAY_1 if over else pendulum.datetime(2024, 4, 30, 12, tz="UTC")
    result = _agrees(card, {"deals": Decimal(actual)}, as_of)
    (item,) = result.parameters
    if where == "threshold":
        assert item.effective > 0  # met exactly: counts


def test_the_boundary_cases_exist():
    assert len(BOUNDS) > 20


# ------------------------------------------------------------------------------------------
# The rules' own properties.


@given(v02_scored())
def test_a_levels_projected_is_its_achievement(case):
    card, measurements, as_of = case
    for item in score(card, measurements, as_of=as_of).parameters:
        if item.parameter.metric.is_level and item.status is not Status.NOT_STARTED:
            assert item.projected == (None if item.actual is None else item.achievement)


@given(
    st.integers(-1000, 1000),
    st.integers(1, 400),
    st.integers(0, 100),
    st.integers(0, 4000),
)
def test_near_target_is_symmetric_and_never_above_one(target, tolerance, band, distance):
    target_d, tolerance_d, band_d, distance_d = (Decimal(n) / 4 for n in (target, tolerance, band, distance))
    parameter = Parameter(
        Metric("m", accumulation="last"), target_d, 100, direction="near_target", tolerance=tolerance_d, band=band_d
    )
    card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), [parameter])
    above = score(card, {"m": target_d + distance_d}, as_of=MAY_1).parameters[0].achievement
    below = score(card, {"m": target_d - distance_d}, as_of=MAY_1).parameters[0].achievement
    assert above == below
    assert 0 <= above <= 1


@given(
    scorecards(accumulations=[Accumulation.SUM], directions=[Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER]),
    st.data(),
)
def test_default_policy_without_calendar_keeps_every_01_status_for_sums(card, data):
    card = card.evolve(status_policy=StatusPolicy(), calendar=None)  # 0.1's rules: no tolerance, every day counts
    # 0.1's rules on the reported Decimals: they differ only within 1e-30 of a bound
    # (0.2 decides exactly there) and for a card with something that can still fall
    measurements, as_of = data.draw(measurements_for(card)), data.draw(instants_for(card))
    result = score(card, measurements, as_of=as_of)
    today = pendulum.instance(as_of).in_timezone(card.timezone).date()
    over = today >= card.period.end
    near = Decimal("1e-30")

    def close(value):
        return value is not None and abs(value - 1) <= near

    def status_01(achievement, projected, higher):
        if over:
            return Status.ACHIEVED if achievement >= 1 else Status.MISSED
        if higher and achievement >= 1:
            return Status.ACHIEVED
        return Status.ON_TRACK if projected >= 1 else Status.BEHIND

    for item in result.parameters:
        if item.status is Status.NOT_STARTED or close(item.achievement) or close(item.projected):
            continue
        higher = item.parameter.direction is Direction.HIGHER_IS_BETTER
        assert item.status is status_01(item.achievement, item.projected, higher)
    all_higher = all(p.direction is Direction.HIGHER_IS_BETTER for p in card.active_parameters)
    judged = result.status is not Status.NOT_STARTED and all_higher
    if judged and not close(result.total) and not close(result.projected):
        assert result.status is status_01(result.total, result.projected, True)


@given(v02_scored())
def test_the_all_days_calendar_is_the_calendar_free_result(case):
    card, measurements, as_of = case
    free = score(card.evolve(calendar=None), measurements, as_of=as_of)
    every_day = score(card.evolve(calendar=WorkCalendar(weekdays=range(7))), measurements, as_of=as_of)
    assert every_day.parameters == free.parameters
    assert (every_day.total, every_day.projected, every_day.status) == (free.total, free.projected, free.status)


@given(v02_scored())
def test_explain_mentions_every_key_and_the_total_as_percent_shows_it(case):
    card, measurements, as_of = case
    result = score(card, measurements, as_of=as_of)
    text = result.explain()
    for item in result.parameters:
        assert f"{item.key}" in text
        # the card names its calendar once, in its header: a parameter's own line for it is left out
        own = [line for line in item.explain().splitlines() if not line.startswith("  calendar: ")]
        assert "\n".join(own) in text
    assert sum(line.startswith(("calendar: ", "  calendar: ")) for line in text.splitlines()) == (
        card.calendar is not None
    )
    assert f"= {result.percent()}%" in text.splitlines()[-3]


def _numbers(result):
    rows = [
        (
            p.actual,
            p.target,
            p.achievement,
            p.effective,
            p.contribution,
            p.expected,
            p.projected,
            p.status,
            p.remaining,
            p.per_day,
        )
        for p in result.parameters
    ]
    return (result.total, result.projected, result.status, result.percent(), result.percent(4), rows, result.explain())


@given(v02_scored())
def test_no_ambient_decimal_context(case):
    card, measurements, as_of = case
    plain = _numbers(score(card, measurements, as_of=as_of))
    with localcontext(prec=2):
        assert _numbers(score(card, measurements, as_of=as_of)) == plain
    with localcontext(rounding=ROUND_DOWN):
        assert _numbers(score(card, measurements, as_of=as_of)) == plain


def test_under_a_narrow_context_every_target_hit_still_scores_one():
    card = Scorecard("c", User("ann"), APRIL, APRIL.period(0), [Parameter("a", 3, 50), Parameter("b", 7, 50)])
    with localcontext(prec=2):
        result = score(card, {"a": 3, "b": 7}, as_of=MAY_1)
        assert (result.total, result.status, result.percent()) == (1, Status.ACHIEVED, Decimal("100.00"))


def test_date_arithmetic_helpers_agree():
    # the oracle's own day counting, checked by hand: Sat Jun 1 .. Sun Jun 9, 2024 has 5 weekdays
    card = Scorecard(
        "c",
        User("ann"),
        Cadence.monthly(Date(2024, 6, 1)),
        Cadence.monthly(Date(2024, 6, 1)).period(0),
        [Parameter("a", 1, 100)],
        calendar=WorkCalendar(),
    )
    assert _counting_days(card, Date(2024, 6, 1), Date(2024, 6, 10)) == 5
    assert dt.date(2024, 6, 1).weekday() == 5
