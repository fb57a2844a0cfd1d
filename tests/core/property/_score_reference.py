"""The 0.2 per-card scoring loop as it was before `score_many`: the reference `score_many` must match bit for bit.

Copied verbatim from `scorekit.scoring.score` (0.2, before the batch core) so the
property in `test_score_many_properties.py` compares against the previous
implementation, not against the code under test; since then changed only by the 0.3
rules of issue 21 (a parameter not started is on plan in the card's projection, a
level's `expected` is None, `judge_from`, no ON_TRACK just because no working day has
elapsed; the implicit cap of lower is better lives in the window).
"""

# ruff: noqa: PLR0912, PLR0915, C901

import datetime as _dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from scorekit.achievement import compare as _compare
from scorekit.measurement import Evidence, ManualEntry, Measurement, as_instant, latest_values
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, Number, exact_sum
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore, ParameterScore, build_card_score, build_parameter_score
from scorekit.scores import card_compare as _card_compare
from scorekit.scoring import _LOW, _MAGNITUDE, Status, _actual
from scorekit.window import shaped as _shaped


def _not_started(window):
    return build_parameter_score(
        window.parameter, ZERO, window.target, ZERO, ZERO, ZERO, None if window.level else ZERO, None,
        Status.NOT_STARTED, (), window.waiting,
    )  # fmt: skip


def reference_score(
    card: Scorecard,
    measurements: Mapping[str, Measurement | Number],
    *,
    as_of: _dt.datetime,
    manual: Iterable[ManualEntry] = (),
) -> CardScore:
    """Score `card` as of the aware instant `as_of`.

    `measurements` maps metric keys to a `Measurement` or a plain number; keys the
    card does not have are ignored, so a host may over-fetch.  A manual metric may
    instead take its value from `manual`: the latest entry at or before `as_of`.
    An active metric whose window has started but has no value raises
    `MissingMeasurement`; one whose window has not started scores 0, NOT_STARTED.
    A number that is not finite (NaN, Infinity) raises `InvalidNumber`.
    """
    instant = as_instant(as_of)
    today = local_ordinal(as_utc(instant), card.timezone)
    over = today >= card.period.end.toordinal()
    manual_values = latest_values(card, manual, instant) if manual else {}
    policy = card.status_policy
    on_track, at_risk = policy.on_track, policy.at_risk
    multiply, divide, add = EXACT_SUMS.multiply, EXACT.divide, EXACT_SUMS.add
    get = measurements.get
    results: list[ParameterScore] = []
    contributions = []
    projections = []
    early_sum = ZERO
    any_early = any_data = careful = False
    started = False
    judging = not policy.judge_from
    for window in card.windows:
        (
            key,
            start,
            end,
            rule,
            days,
            days_decimal,
            calendar,
            level,
            plain,
            early,
            _higher,
            fraction,
            target,
            parameter,
            _plan,  # 0.3: the moved plan, None for every 0.2 card
        ) = window.hot
        if today < start:
            results.append(_not_started(window))
            projections.append(window.planned)
            continue
        started = True
        given = get(key)
        actual: Decimal | None
        evidence: tuple[Evidence, ...]
        if type(given) is Decimal and given.is_finite() and _LOW < given < _MAGNITUDE:  # the common case, inline
            actual, evidence = given, ()
        else:
            actual, evidence = _actual(card, window, given, manual_values, instant)
        if calendar is None:
            elapsed = today - start + 1
            elapsed = min(elapsed, days)
        else:
            elapsed = calendar.count(start, min(today + 1, end))
        paced = elapsed > 0
        too_early = elapsed < window.too_early
        judging = judging or not too_early
        if actual is None and level:
            # A level with no record yet: nothing to score, nothing to project.
            item = build_parameter_score(
                parameter, None, target, ZERO, ZERO, ZERO, None, None,
                Status.MISSED if over else Status.NO_DATA, evidence,
                (window, elapsed, over, today, policy, False, False, ZERO, 1, 1),
            )  # fmt: skip
            results.append(item)
            contributions.append(ZERO)
            projections.append(ZERO)
            continue
        any_data = True
        if actual is None:
            actual = ZERO  # no record yet: a sum of nothing
        achievement = rule.value(actual)
        careful = careful or achievement < ZERO
        pace_days = pace_elapsed = 1
        pace_actual = actual
        if elapsed >= days:  # the whole window has elapsed: the pace is the actual (exactly)
            expected, projected = None if level else ONE, achievement
        elif not paced:  # started, but no working day yet: no pace to go by
            expected, projected = None if level else ZERO, achievement
        else:
            elapsed_decimal = Decimal(elapsed)
            expected = divide(elapsed_decimal, days_decimal)
            if level:  # a level is not extrapolated
                expected, projected = None, achievement
            else:
                pace_actual = divide(multiply(actual, days_decimal), elapsed_decimal)
                pace_days, pace_elapsed = days, elapsed
                projected = rule.value(pace_actual)
        if plain:
            effective, kept, p_effective, p_kept = achievement, True, projected, True
        else:
            effective, kept = _shaped(achievement, window, actual, actual, 1, 1)
            p_effective, p_kept = _shaped(projected, window, pace_actual, actual, pace_days, pace_elapsed)
        contribution = multiply(fraction, effective)
        contributions.append(contribution)
        projections.append(multiply(fraction, p_effective))
        if early:
            any_early = True
            early_sum = add(early_sum, contribution)
        # The status, every comparison exact (see scorekit.status): outside a band the
        # Decimal decides on the spot; inside it, `_compare` takes the error into account.
        if over or early:
            low, high = window.one_band
            reached = achievement > high or (
                achievement >= low and _compare(achievement, ONE, window.one_band, rule, actual, actual, 1, 1) >= 0
            )
        if over:
            status = Status.ACHIEVED if reached else Status.MISSED
        elif early and reached:
            status = Status.ACHIEVED
        elif too_early:
            status = Status.ON_TRACK
        else:
            low, high = bounds = window.on_track_band
            if projected > high or (
                projected >= low
                and _compare(projected, on_track, bounds, rule, pace_actual, actual, pace_days, pace_elapsed) >= 0
            ):
                status = Status.ON_TRACK
            elif (
                at_risk
                and _compare(
                    projected, at_risk, window.at_risk_band, rule, pace_actual, actual, pace_days, pace_elapsed
                )
                < 0
            ):
                status = Status.AT_RISK
            else:
                status = Status.BEHIND
        why = (window, elapsed, over, today, policy, kept, p_kept, p_effective, pace_days, pace_elapsed)
        item = build_parameter_score(
            parameter, actual, target, achievement, effective, contribution, expected, projected,
            status, evidence, why,
        )  # fmt: skip
        results.append(item)
    if not started:
        return CardScore(card, instant, ZERO, tuple(results), None, Status.NOT_STARTED)
    total = exact_sum(contributions)
    projected_total = exact_sum(projections)
    one_band, on_track_band, at_risk_band = card._bands
    # Outside a band the Decimal decides on the spot (unless a negative achievement voids
    # the bands' premise); inside it, `_card_compare` takes the error into account.
    if over:
        if not careful and total > one_band[1]:
            card_status = Status.ACHIEVED
        elif not careful and total < one_band[0]:
            card_status = Status.MISSED
        else:
            reached = _card_compare(total, ONE, one_band, results, projected=False, early=False, careful=careful) >= 0
            card_status = Status.ACHIEVED if reached else Status.MISSED
    elif not any_data:  # every started parameter is a level with no record yet
        card_status = Status.NO_DATA
    elif any_early and (
        (not careful and early_sum > one_band[1])
        or (
            (careful or early_sum >= one_band[0])
            and _card_compare(early_sum, ONE, one_band, results, projected=False, early=True, careful=careful) >= 0
        )
    ):
        card_status = Status.ACHIEVED
    elif (
        not judging
        or (not careful and projected_total > on_track_band[1])
        or (
            (careful or projected_total >= on_track_band[0])
            and (
                _card_compare(
                    projected_total, on_track, on_track_band, results, projected=True, early=False, careful=careful
                )
                >= 0
            )
        )
    ):
        card_status = Status.ON_TRACK
    elif at_risk and (
        _card_compare(projected_total, at_risk, at_risk_band, results, projected=True, early=False, careful=careful) < 0
    ):
        card_status = Status.AT_RISK
    else:
        card_status = Status.BEHIND
    return build_card_score(card, instant, total, tuple(results), projected_total, card_status, careful)
