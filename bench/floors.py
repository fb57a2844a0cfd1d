"""The baselines: what the same work costs in plain Python, with no scorekit types.

Each floor computes the same outputs as the scorekit call it is compared with; the
benchmark checks that they agree before timing anything, so a floor cannot win by
doing less.
"""

import calendar
import datetime as dt
import decimal
import zoneinfo
from decimal import Decimal
from fractions import Fraction

CTX = decimal.Context(prec=34)
WIDE = decimal.Context(prec=200)
ZERO, ONE, TWO = Decimal(0), Decimal(1), Decimal(2)


def card_as_dicts(card):
    """The plain data a hand-written scorer would start from: dicts, Decimals, ordinals."""
    params = []
    for p in card.parameters:
        if not p.active:
            continue
        start = max(card.period.start, p.counts_from) if p.counts_from else card.period.start
        params.append(
            {
                "key": p.key,
                "target": p.target,
                "fraction": Decimal(p.weight.basis_points) / 10_000,
                "higher": p.direction.value == "higher_is_better",
                # 0.3: lower is better without a cap of its own is capped at 1
                "cap": ONE if p.cap is None and p.direction.value == "lower_is_better" else p.cap,
                "threshold": p.threshold,
                "start": start.toordinal(),
                "days": card.period.end.toordinal() - start.toordinal(),
            }
        )
    return {"params": params, "zone": zoneinfo.ZoneInfo(card.timezone), "end": card.period.end.toordinal()}


def _lower(actual, target):
    if target == 0:
        return ONE if actual <= 0 else ZERO
    return max(ZERO, WIDE.subtract(TWO, CTX.divide(actual, target)))


def score_floor(plain, actuals, as_of_utc):
    """Achievement, effective, contribution, expected and status per parameter, and the total."""
    today = as_of_utc.astimezone(plain["zone"]).toordinal()
    over = today >= plain["end"]
    total = ZERO
    out = []
    for p in plain["params"]:
        elapsed = min(today - p["start"] + 1, p["days"])
        a, t = actuals[p["key"]], p["target"]
        days, pace = Decimal(p["days"]), Decimal(elapsed)
        expected = CTX.divide(pace, days)
        pace_actual = CTX.divide(WIDE.multiply(a, days), pace)
        if p["higher"]:
            ach, proj = CTX.divide(a, t), CTX.divide(pace_actual, t)
        else:
            ach, proj = _lower(a, t), _lower(pace_actual, t)
        eff = ach
        if p["threshold"] is not None and eff < p["threshold"]:
            eff = ZERO
        if p["cap"] is not None and eff > p["cap"]:
            eff = p["cap"]
        contribution = WIDE.multiply(p["fraction"], eff)
        if over:
            status = "achieved" if ach >= ONE else "missed"
        elif p["higher"] and ach >= ONE:
            status = "achieved"
        else:
            status = "on_track" if proj >= ONE else "behind"
        total = WIDE.add(total, contribution)
        out.append(
            {"achievement": ach, "effective": eff, "contribution": contribution, "expected": expected, "status": status}
        )
    return total, out


def month_containing(day, anchor_day=1):
    """The calendar-month period holding `day`, for a monthly cadence anchored on `anchor_day` (<= 28)."""
    if day.day >= anchor_day:
        y, m = day.year, day.month
    else:
        y, m = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    ny, nm = (y, m + 1) if m < 12 else (y + 1, 1)
    return dt.date(y, m, anchor_day), dt.date(ny, nm, anchor_day)


def month_end_containing(day, anchor_day):
    """The same for an anchor past the 28th: starts clamp to the month's length."""

    def start(y, m):
        return dt.date(y, m, min(anchor_day, calendar.monthrange(y, m)[1]))

    y, m = day.year, day.month
    if day < start(y, m):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    ny, nm = (y, m + 1) if m < 12 else (y + 1, 1)
    return start(y, m), start(ny, nm)


# -- the fair 0.2 floor ---------------------------------------------------------------------
#
# `score_floor` above is 0.1's floor: it divides and compares the rounded quotients, so on an
# actual exactly on a bound its statuses can differ from scorekit's exact ones.  `floor02` is
# what a careful hand-written scorer of the 0.2 rules the bench cards use would do: the same
# 34-digit Decimals for every reported value, and every decision (threshold, cap, 1, the pace)
# taken exactly, by cross-multiplying the integers and Decimals the rational value is made of.
# A card's total is judged on its Decimal outside a margin its roundings cannot cross, and on
# Fractions inside it.  Rules covered: higher and lower is better (target 0 included), a cap
# (lower is better without one is capped at 1), a threshold, a later start, proration by
# calendar days, SUM metrics, the default status policy; actuals of 0 or more.

ACHIEVED, MISSED, ON_TRACK, BEHIND, NOT_STARTED = "achieved", "missed", "on_track", "behind", "not_started"
# A reported achievement is one or two 34-digit roundings away from the exact value: for a
# value near a bound `b` (and actuals of 0 or more) well under 1e-32 * (|b| + 2).  Outside
# ``b -+ 1e-30 * (|b| + 2)`` the Decimal decides; inside, the exact cross-multiplication.
_MARGIN = Decimal("1e-30")
# A total of contributions of 0 or more near 1 is off by less than 1e-32: the same margin.
_ONE_BAND = (ONE - _MARGIN * 3, ONE + _MARGIN * 3)


def _band(bound):
    margin = WIDE.multiply(_MARGIN, WIDE.add(abs(bound), TWO))
    return WIDE.subtract(bound, margin), WIDE.add(bound, margin)


def card_as_rules(card):
    """`card`'s active parameters as plain dicts for `floor02`: targets prorated as 0.2 defines it."""
    params = []
    whole = card.period.days
    for p in card.parameters:
        if not p.active:
            continue
        start = max(card.period.start, p.counts_from) if p.counts_from else card.period.start
        days = card.period.end.toordinal() - start.toordinal()
        part = days if p.prorate and days != whole else whole  # the exact target is target * part / whole
        lower = p.direction.value == "lower_is_better"
        target = p.target if part == whole else CTX.divide(CTX.multiply(p.target, Decimal(part)), Decimal(whole))
        cap = ONE if p.cap is None and lower else p.cap
        params.append(
            {
                "key": p.key,
                "goal": p.target,  # the target before proration, exact
                "part": Decimal(part),
                "whole": Decimal(whole),
                "target": target,
                "fraction": p.weight.fraction,
                "higher": not lower,
                "zero": lower and p.target == 0,
                "cap": cap,
                "cap_band": None if cap is None else _band(cap),
                "threshold": p.threshold,
                "threshold_band": None if p.threshold is None else _band(p.threshold),
                "on_plan": ONE if cap is None else min(ONE, cap),
                "start": start.toordinal(),
                "days": days,
            }
        )
        rules = params[-1]
        rules["planned"] = WIDE.multiply(rules["fraction"], rules["on_plan"])
        rules["hot"] = (
            p.key, rules["start"], days, Decimal(days), rules["fraction"], not lower, target,
            cap, rules["cap_band"], p.threshold, rules["threshold_band"],
        )  # fmt: skip
    return {"params": params, "zone": zoneinfo.ZoneInfo(card.timezone), "end": card.period.end.toordinal()}


def _rule(p, actual):
    """The achievement as reported: one 34-digit division."""
    if p["higher"]:
        return CTX.divide(actual, p["target"])
    if p["zero"]:
        return ONE if actual <= 0 else ZERO
    return max(ZERO, WIDE.subtract(TWO, CTX.divide(actual, p["target"])))


def _versus(p, actual, days, elapsed, bound):
    """-1, 0 or 1 as the exact achievement of ``actual * days / elapsed`` is below, at or above `bound` (> 0).

    With ``x = actual * days / elapsed`` and the exact target ``goal * part / whole``:
    higher is better compares ``x * whole`` with ``bound * goal * part``; lower is better
    ``(2 - bound) * goal * part`` with ``x * whole`` (``max(0, ...)`` cannot matter for a
    bound above 0).  Every product is exact in `WIDE`.
    """
    if p["zero"]:
        value = ONE if actual <= 0 else ZERO
        return (value > bound) - (value < bound)
    left = WIDE.multiply(WIDE.multiply(actual, days), p["whole"])
    right = WIDE.multiply(WIDE.multiply(p["goal"], p["part"]), elapsed)
    if p["higher"]:
        right = WIDE.multiply(right, bound)
    else:
        left, right = WIDE.multiply(right, WIDE.subtract(TWO, bound)), left
    return (left > right) - (left < right)


def _exact(p, actual, days, elapsed):
    """The achievement of ``actual * days / elapsed`` as a Fraction."""
    if p["zero"]:
        return Fraction(1 if actual <= 0 else 0)
    x = Fraction(actual) * days / elapsed / (Fraction(p["goal"]) * Fraction(p["part"]) / Fraction(p["whole"]))
    return x if p["higher"] else max(Fraction(0), 2 - x)


def _exact_sum(plain, actuals, today, kind):
    """A card's exact total (`kind` "total"), started higher-is-better sum ("early") or projected total ("projected")."""
    exact = Fraction(0)
    for p in plain["params"]:
        cap, threshold = p["cap"], p["threshold"]
        if today < p["start"]:
            if kind == "projected":
                exact += Fraction(p["fraction"]) * Fraction(p["on_plan"])
            continue
        if kind == "early" and not p["higher"]:
            continue
        elapsed = min(today - p["start"] + 1, p["days"])
        days, elapsed = (p["days"], elapsed) if kind == "projected" and elapsed < p["days"] else (1, 1)
        value = _exact(p, actuals[p["key"]], days, elapsed)
        if threshold is not None and value < threshold:
            value = Fraction(0)
        elif cap is not None and value > cap:
            value = Fraction(cap)
        exact += Fraction(p["fraction"]) * value
    return exact


def floor02(plain, actuals, as_of_utc):  # noqa: C901, PLR0912, PLR0915 - one loop on purpose, as a hand-written scorer would
    """The fair 0.2 floor: each parameter's reported values and status, and the card's total, projection and status.

    Returns ``(total, projected total, card status, [per parameter: achievement,
    effective, contribution, expected, projected, status])`` with the same Decimals
    (digit for digit) and statuses as `scorekit.score` for the rules listed above.
    """
    divide, multiply, add = CTX.divide, WIDE.multiply, WIDE.add
    low_one, high_one = _ONE_BAND
    today = as_of_utc.astimezone(plain["zone"]).toordinal()
    over = today >= plain["end"]
    total = projected_total = early_sum = ZERO
    any_early = started = False
    out = []
    for p in plain["params"]:
        key, start, days, days_decimal, fraction, higher, target, cap, cap_band, threshold, threshold_band = p["hot"]
        if today < start:  # not started: on plan in the projection, shaped by the cap
            projected_total = add(projected_total, p["planned"])
            out.append((ZERO, ZERO, ZERO, ZERO, None, NOT_STARTED))
            continue
        started = True
        elapsed = today - start + 1
        actual = actuals[key]
        if higher:
            achievement = divide(actual, target)
        elif p["zero"]:
            achievement = ONE if actual <= 0 else ZERO
        else:
            achievement = max(ZERO, WIDE.subtract(TWO, divide(actual, target)))
        if elapsed >= days:
            elapsed = days
            expected = ONE
            projected = achievement
        else:
            expected = divide(Decimal(elapsed), days_decimal)
            pace_actual = divide(multiply(actual, days_decimal), Decimal(elapsed))
            if higher:
                projected = divide(pace_actual, target)
            elif p["zero"]:
                projected = ONE if pace_actual <= 0 else ZERO
            else:
                projected = max(ZERO, WIDE.subtract(TWO, divide(pace_actual, target)))
        # threshold, then cap: the Decimal decides clear of a bound's band, cross-multiplication inside it
        effective, p_effective = achievement, projected
        if threshold is not None:
            low, high = threshold_band
            if effective < low or (effective <= high and _versus(p, actual, 1, 1, threshold) < 0):
                effective = ZERO
            if p_effective < low or (p_effective <= high and _versus(p, actual, days, elapsed, threshold) < 0):
                p_effective = ZERO
        if cap is not None:
            low, high = cap_band
            if effective > high or (effective >= low and _versus(p, actual, 1, 1, cap) > 0):
                effective = cap
            if p_effective > high or (p_effective >= low and _versus(p, actual, days, elapsed, cap) > 0):
                p_effective = cap
        contribution = multiply(fraction, effective)
        total = add(total, contribution)
        projected_total = add(projected_total, multiply(fraction, p_effective))
        if higher or over:
            reached = achievement > high_one or (achievement >= low_one and _versus(p, actual, 1, 1, ONE) >= 0)
        if higher:
            any_early = True
            early_sum = add(early_sum, contribution)
        if over:
            status = ACHIEVED if reached else MISSED
        elif higher and reached:
            status = ACHIEVED
        elif projected > high_one or (projected >= low_one and _versus(p, actual, days, elapsed, ONE) >= 0):
            status = ON_TRACK
        else:
            status = BEHIND
        out.append((achievement, effective, contribution, expected, projected, status))
    if not started:
        return ZERO, None, NOT_STARTED, out

    def at_least_one(value, kind):  # clear of the band the Decimal decides; inside it, Fractions
        if value > high_one or value < low_one:
            return value > high_one
        return _exact_sum(plain, actuals, today, kind) >= 1

    if over:
        card = ACHIEVED if at_least_one(total, "total") else MISSED
    elif any_early and at_least_one(early_sum, "early"):
        card = ACHIEVED
    else:
        card = ON_TRACK if at_least_one(projected_total, "projected") else BEHIND
    return total, projected_total, card, out
