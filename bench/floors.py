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
