"""`score` and `score_many`: the one scoring loop, from a card and the CRM's numbers to achievement, weighted score and pace (F11, F12).

For each active parameter with actual ``a`` and target ``t`` (prorated if asked), the
parameter's rule (`scorekit.achievement`, chosen once per window) gives the
``achievement``: ``a / t`` when higher is better, ``max(0, 2 - a / t)`` when lower
is, ``max(0, (a - b) / (t - b))`` from a baseline ``b``, and ``max(0, 1 - max(0,
|a - t| - band) / tolerance)`` near the target.  Then:

- a threshold ``h`` zeroes an achievement below it, a cap ``c`` limits it: ``effective``;
- ``contribution = weight * effective``; the card's ``total`` is their sum;
- pace: ``expected = elapsed / days`` and ``projected`` is the achievement of
  ``a * days / elapsed`` for a SUM, the achievement itself for a level (AVERAGE or
  LAST), counting working days when the card has a `WorkCalendar`;
- status: `scorekit.status`.

The result types live in `scorekit.scores` (`CardScore`, `ParameterScore`) and
`scorekit.batch` (`ScoreBatch`, `ScoreRows`), re-exported here; a parameter's window
and the threshold and cap shaping in `scorekit.window`; each rule in
`scorekit.achievement`.

Divisions are carried to 34 significant digits; products with weights and sums are
exact, so the total never depends on the order of the parameters.  Every decision
(a status, a threshold, a cap) is taken on the exact rational value.  Nothing is
rounded until `CardScore.percent` (which rounds the exact total once, half up) and
`explain`.  No arithmetic here consults the caller's decimal context.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 60), Parameter("calls", 200, 40)])
>>> result = score(card, {"deals_won": 12, "calls": 150}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
>>> result.total == Decimal("1.02"), result.percent(), result.status
(True, Decimal('102.00'), <Status.ACHIEVED: 'achieved'>)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, TypeVar

from scorekit.achievement import compare as _compare
from scorekit.adjustment import Adjustment, AdjustmentKind, AdjustmentTotals, adjustment_totals
from scorekit.batch import ScoreBatch, ScoreRows, _Columns, _parameter_scores
from scorekit.errors import InvalidParameter, InvalidScorecard, MissingMeasurement
from scorekit.measurement import Evidence, ManualEntry, Measurement, latest_values
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, Number, to_decimal
from scorekit.period import as_instant, as_utc, local_ordinal
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore, ParameterScore, build_card_score, build_parameter_score, card_compare
from scorekit.status import Status
from scorekit.window import ParameterWindow, relief_floor
from scorekit.window import shaped as _shaped

__all__ = ["CardScore", "ParameterScore", "ScoreBatch", "ScoreRows", "Status", "score", "score_many"]

_T = TypeVar("_T")
_new_columns: Final = tuple.__new__  # a NamedTuple's own __new__ is a Python function: one call less per batch
_DAY_COUNTS: Final = {n: Decimal(n) for n in range(1, 367)}
"""Counts of elapsed days up to a year's as Decimals, made once: the loop divides by one per parameter."""
_NO_ENTRIES: Final[Mapping[str, Sequence[ManualEntry]]] = MappingProxyType({})
_MAGNITUDE: Final = Decimal(10**15)
_LOW: Final = -_MAGNITUDE
# The statuses the scoring loop gives, as plain globals: an enum member looked up on its
# class costs ten times as much (Python 3.11), and the loop does it per parameter.
_ACHIEVED: Final = Status.ACHIEVED
_AT_RISK: Final = Status.AT_RISK
_BEHIND: Final = Status.BEHIND
_MISSED: Final = Status.MISSED
_NOT_STARTED: Final = Status.NOT_STARTED
_NO_DATA: Final = Status.NO_DATA
_ON_TRACK: Final = Status.ON_TRACK

_RELIEF: Final = AdjustmentKind.RELIEF  # a card's adjustments are sorted for its reliefs only if it has some


# ---------------------------------------------------------------------------------------------
# The scoring loop.


def _actual(
    card: Scorecard, window: ParameterWindow, given: object, manual_values: Mapping[str, Decimal], instant: _dt.datetime
) -> tuple[Decimal | None, tuple[Evidence, ...]]:
    """A started parameter's actual value (None: no record yet) and evidence, or `MissingMeasurement`."""
    name = f"measurement of {window.key!r}"
    if type(given) is Decimal:
        # The common case, checked without a conversion: finite and within scorekit's bounds.
        if given.is_finite() and given.copy_abs() < _MAGNITUDE:
            return given, ()
        return to_decimal(given, name=name), ()
    if isinstance(given, Measurement):
        return given.value, given.evidence
    if given is None:
        manual = manual_values.get(window.key)
        if manual is None:
            how = "a ManualEntry or a value" if window.manual else "a Measurement or a number"
            msg = f"card {card.id!r}: no measurement for active metric {window.key!r} as of {instant.isoformat()}; give {how} for it"
            raise MissingMeasurement(msg)
        return manual, ()
    return to_decimal(given, name=name), ()


def score(
    card: Scorecard,
    measurements: Mapping[str, Measurement | Number],
    *,
    as_of: _dt.datetime,
    manual: Iterable[ManualEntry] = (),
    adjustments: Iterable[Adjustment] = (),
) -> CardScore:
    """Score `card` as of the aware instant `as_of`.

    `measurements` maps metric keys to a `Measurement` or a plain number; keys the
    card does not have are ignored, so a host may over-fetch.  A manual metric may
    instead take its value from `manual`: the latest entry at or before `as_of`.
    An active metric whose window has started but has no value raises
    `MissingMeasurement`; one whose window has not started scores 0, NOT_STARTED.
    A number that is not finite (NaN, Infinity) raises `InvalidNumber`.

    `adjustments` (`scorekit.adjustment`) recorded at or before `as_of` correct the
    numbers by hand: a CREDIT adds to a SUM parameter's actual (and shows in its
    evidence), a RELIEF takes an amount off a higher-is-better SUM parameter's target
    after proration (its pace unchanged).  A credit on a level, a relief on anything
    else or one leaving no target, and an adjustment of a metric the card does not
    have raise `InvalidParameter`.
    """
    # score_many([card], [measurements], as_of=as_of, manual=manual)[0], without the batch around it
    instant = as_instant(as_of)
    cards = (card,)
    _, _, (total,), (parameters,), (projected,), (status,), (careful,), _ = _score_columns(
        cards,
        (measurements,),
        (instant,),
        _by_card(cards, manual, "a manual entry") if manual else _NO_ENTRIES,
        build=True,
        adjustments=_by_card(cards, adjustments, "an adjustment") if adjustments else None,
    )
    return build_card_score(card, instant, total, parameters, projected, status, careful)  # type: ignore[arg-type]  # built: ParameterScores


def score_many(
    cards: Iterable[Scorecard],
    measurements: Iterable[Mapping[str, Measurement | Number]],
    *,
    as_of: _dt.datetime,
    manual: Iterable[ManualEntry] = (),
    adjustments: Iterable[Adjustment] = (),
) -> ScoreBatch:
    """Score many cards as of one instant: ``score_many(cards, ms, as_of=t)[i] == score(cards[i], ms[i], as_of=t)``.

    `measurements` is parallel to `cards` (one mapping per card, as for `score`);
    `manual` entries and `adjustments` are matched to cards by `card_id` (one for no
    card in the batch raises `InvalidScorecard`).  This is the one scoring loop (`score` calls
    it with one card); it shares the work cards have in common (the local date per
    time zone, whether a period is over, the share of a window elapsed), and builds
    each `CardScore` only when it is asked for.  Any bad input raises before a
    result is returned, like `score` would for the first card it concerns.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
    >>> batch = score_many(cards, [{"deals": 12}, {"deals": 4}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    >>> batch.totals, [s.value for s in batch.statuses]
    ((Decimal('1.2'), Decimal('0.4')), ['achieved', 'missed'])
    >>> batch[1] == score(cards[1], {"deals": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    True
    """
    batch = tuple(cards)
    given = tuple(measurements)
    if len(given) != len(batch):
        msg = f"score_many needs one measurements mapping per card: got {len(batch)} cards and {len(given)} mappings"
        raise InvalidScorecard(msg)
    instant = as_instant(as_of)
    return ScoreBatch(
        _score_columns(
            batch,
            given,
            [instant] * len(batch),
            _by_card(batch, manual, "a manual entry"),
            adjustments=_by_card(batch, adjustments, "an adjustment"),
        )
    )


def _by_card(cards: Sequence[Scorecard], items: Iterable[_T], what: str) -> dict[str, list[_T]]:
    """`items` (manual entries, adjustments) by card id, in the order given; one for a card not in `cards` raises `InvalidScorecard`."""
    entries: dict[str, list[_T]] = {}
    if not items:
        return entries
    ids = {card.id for card in cards}
    for entry in items:
        card_id = getattr(entry, "card_id", None)
        if card_id not in ids:
            scored = ", ".join(repr(i) for i in sorted(ids)) or "none"
            given = f"for card {card_id!r}" if isinstance(card_id, str) else repr(entry)
            msg = f"{what} {given} was given to score card {scored}"
            raise InvalidScorecard(msg)
        entries.setdefault(card_id, []).append(entry)
    return entries


def _adjusted(
    card: Scorecard,
    window: ParameterWindow,
    actual: Decimal | None,
    evidence: tuple[Evidence, ...],
    *,
    totals: AdjustmentTotals,
    reliefs: tuple[Adjustment, ...],
) -> tuple[ParameterWindow, Decimal | None, tuple[Evidence, ...]]:
    """A started parameter's window and actual after its credits and reliefs (`InvalidParameter` where none applies)."""
    key = window.key
    if window.level:
        msg = f"card {card.id!r}: metric {key!r} is a level ({window.parameter.metric.accumulation.value} of records); adjustments apply to sums only"
        raise InvalidParameter(msg)
    if totals.evidence:
        actual = EXACT_SUMS.add(ZERO if actual is None else actual, totals.credit)
        evidence = (*evidence, *totals.evidence)
    if reliefs:
        if not window.higher:
            msg = f"card {card.id!r}: metric {key!r} is {window.parameter.direction.value}; a relief applies to a higher-is-better sum only"
            raise InvalidParameter(msg)
        base = window.rule.exact_target
        relieved = base - Fraction(totals.relief)
        floor = relief_floor(window.parameter.baseline, window.share)
        if relieved <= floor:
            least = "above 0" if floor == 0 else f"above the baseline {floor}"
            msg = (
                f"card {card.id!r}: reliefs of {totals.relief} on metric {key!r} leave its target {window.target} "
                f"at {relieved}; the target after relief must stay {least}"
            )
            raise InvalidParameter(msg)
        window = window.judged(relieved, reliefs)
    return window, actual, evidence


def _adjustments_of(
    card: Scorecard, items: Sequence[Adjustment], instant: _dt.datetime
) -> tuple[Mapping[str, AdjustmentTotals], dict[str, tuple[Adjustment, ...]]]:
    """A card's adjustments counted by `instant`: the totals per metric, and the reliefs (for `explain`)."""
    totals = adjustment_totals(card.id, items, instant)
    for key in totals:
        if all(p.key != key for p in card.parameters):
            known = ", ".join(sorted(repr(p.key) for p in card.parameters))
            msg = f"card {card.id!r} has no metric {key!r} to adjust; its metrics are {known}"
            raise InvalidParameter(msg)
    reliefs: dict[str, tuple[Adjustment, ...]] = {}
    counted = [item for item in items if item.kind is _RELIEF and item.metric in totals]  # totals: counted by now
    if counted:
        cutoff = as_utc(instant)
        for item in sorted(counted, key=lambda a: (as_utc(a.recorded_at), a.id)):
            if as_utc(item.recorded_at) <= cutoff:
                reliefs[item.metric] = (*reliefs.get(item.metric, ()), item)
    return totals, reliefs


class _Replay:
    """The rows of a batch by what decides them, so a card scored like an earlier one takes its row.

    A card's row (total, parameters, projected total, statuses) is a function of its
    windows (built from its parameters, period, calendar, policy, ramp and phasing),
    the local date it is scored on, and its actuals: nothing else is read for a card
    without manual entries or adjustments.  Cards of one template share their windows
    (copies, `evolve` of the identity, the codec's cards of one document shape), so the
    key is the windows' id (every card of the batch is alive until it ends, so no id is
    reused), the date and the actuals; a replayed row holds the very objects the loop
    would put in it.  A dict merges ``1.0`` and ``1``, which score alike but show
    differently: a hit counts only if every actual is the same Decimal digit for digit
    (`Decimal.compare_total`).

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> ann = Scorecard("ann", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
    >>> bob = ann.copy_for(User("bob"))
    >>> replay = _Replay()
    >>> replay.find(ann, 738992, {"deals": Decimal("4")}) is None  # nothing yet: ann is scored ...
    True
    >>> replay.keep(0)  # ... and her row kept
    >>> replay.find(bob, 738992, {"deals": Decimal("4")}), replay.find(bob, 738992, {"deals": Decimal("4.0")})
    (0, None)
    """

    __slots__ = ("_keys", "_pending", "_rows")

    def __init__(self) -> None:
        self._rows: dict[tuple[int, int, tuple[object, ...]], tuple[int, tuple[object, ...]]] = {}
        self._pending: tuple[int, int, tuple[object, ...]] | None = None
        self._keys: dict[int, tuple[str, ...]] = {}  # each windows' metric keys, by id(windows)

    def find(self, card: Scorecard, today: int, measurements: Mapping[str, object]) -> int | None:
        """The row of an earlier card scored alike, or None (then `keep` records this card's row)."""
        self._pending = None
        windows = card.windows
        keys = self._keys.get(id(windows))
        if keys is None:
            keys = self._keys[id(windows)] = tuple(window.key for window in windows)
        values = tuple(map(measurements.get, keys))
        for value in values:
            if value is not None and (type(value) is not Decimal or not value.is_finite()):
                return None  # a Measurement (evidence), a number to convert, a NaN: scored the long way
        key = (id(windows), today, values)
        found = self._rows.get(key)
        if found is None:
            self._pending = key
            return None
        row, kept = found
        for value, other in zip(values, kept, strict=True):
            if value is not other and (value is None or other is None or value.compare_total(other)):  # type: ignore[attr-defined]
                return None
        return row

    def keep(self, row: int) -> None:
        """Record `row` as the row of the card `find` last looked for, if it found none."""
        key = self._pending
        if key is not None:
            self._rows[key] = (row, key[2])
            self._pending = None


def _items(parts: list[object], build: bool) -> list[ParameterScore]:
    """One card's parameter scores while it is scored (for the exact card decisions)."""
    return parts if build else _parameter_scores(parts)  # type: ignore[return-value]


def _score_columns(  # noqa: C901, PLR0912, PLR0915 - one loop on purpose: it is the hot path, each branch a rule
    cards: Sequence[Scorecard],
    measurements: Sequence[Mapping[str, Measurement | Number]],
    instants: Sequence[_dt.datetime],
    manual: Mapping[str, Sequence[ManualEntry]],
    *,
    build: bool = False,
    adjustments: Mapping[str, Sequence[Adjustment]] | None = None,
) -> _Columns:
    """Each card scored as of its (aware, validated) instant, as columns; `manual` maps card ids to their entries.

    With `build`, each card's parameters are `ParameterScore`s at once (cheaper for one
    card than a flat tuple turned into them later).
    """
    new = build_parameter_score
    multiply, divide, add = EXACT_SUMS.multiply, EXACT.divide, EXACT_SUMS.add
    day_count = _DAY_COUNTS.get
    # Per-batch caches.  Keys by id() are safe: `cards` and `instants` hold every card
    # (and so its period and calendar) and instant alive until the loop ends.
    days_by_instant: dict[int, dict[str, int]] = {}
    ends: dict[int, int] = {}
    counts: dict[tuple[int, int, int], int] = {}
    shares: dict[tuple[int, int], Decimal] = {}
    last_instant: _dt.datetime | None = None
    zone_days: dict[str, int] = {}
    utc = None
    columns = _new_columns(_Columns, (list(cards), list(instants), [], [], [], [], [], build))
    totals, flats, projected_totals, statuses, carefuls = columns[2:7]
    # Cards of one template with the same actuals score the same: the loop's own result for
    # the first is replayed for the others (see `_Replay`); a batch of one has nothing to share.
    replay = _Replay() if len(columns.cards) > 1 else None
    for card, given_measurements, instant in zip(cards, measurements, instants, strict=True):
        if instant is not last_instant:
            last_instant, utc = instant, as_utc(instant)
            zone_days = days_by_instant.setdefault(id(instant), {})
        timezone = card.timezone
        today = zone_days.get(timezone)
        if today is None:
            today = zone_days[timezone] = local_ordinal(utc, timezone)
        period = card.period
        end_ordinal = ends.get(id(period))
        if end_ordinal is None:
            end_ordinal = ends[id(period)] = period.end.toordinal()
        over = today >= end_ordinal
        own = manual.get(card.id)
        manual_values = latest_values(card, own, instant) if own else {}
        adjusting = adjustments.get(card.id) if adjustments else None
        if adjusting:
            totals_of, reliefs_of = _adjustments_of(card, adjusting, instant)
        elif replay is not None and not own:
            seen = replay.find(card, today, given_measurements)
            if seen is not None:
                totals.append(totals[seen])
                flats.append(flats[seen])
                projected_totals.append(projected_totals[seen])
                statuses.append(statuses[seen])
                carefuls.append(carefuls[seen])
                continue
        policy = card.status_policy
        on_track, at_risk = policy.on_track, policy.at_risk
        judges = policy.judge_from > 0
        judging = not judges  # under a judge_from, a card is judged once one of its started parameters is
        get = given_measurements.get
        parts: list[object] = []
        extend, append = parts.extend, parts.append
        # Running sums: EXACT_SUMS adds without rounding, so the order of the parameters never matters.
        total = projected_total = early_sum = ZERO
        any_scored = any_early = any_data = careful = False
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
                divisor,
                fraction,
                target,
                parameter,
                plan,
            ) = window.hot
            if today < start:
                # Not started: on plan in the card's projection (its achievement 1, shaped by its cap).
                if adjusting and key in totals_of:  # a relief already shows in the target; nothing is counted yet
                    window = _adjusted(  # noqa: PLW2901 - judged by its relieved target
                        card, window, None, (), totals=totals_of[key], reliefs=reliefs_of.get(key, ())
                    )[0]
                    target = window.target
                projected_total = add(projected_total, window.planned)
                waiting = None if level else ZERO  # expected: a level's is never a share of the window
                if build:
                    append(
                        new(parameter, ZERO, target, ZERO, ZERO, ZERO, waiting, None, _NOT_STARTED, (), window.waiting)
                    )
                else:
                    extend((parameter, ZERO, target, ZERO, ZERO, ZERO, waiting, None, _NOT_STARTED, ()))
                    extend(window.waiting)
                continue
            given = get(key)
            actual: Decimal | None
            evidence: tuple[Evidence, ...]
            if type(given) is Decimal and given.is_finite() and _LOW < given < _MAGNITUDE:  # the common case, inline
                actual, evidence = given, ()
            else:
                actual, evidence = _actual(card, window, given, manual_values, instant)
            if adjusting:
                adjusted = totals_of.get(key)
                if adjusted is not None:
                    reliefs = reliefs_of.get(key, ())
                    window, actual, evidence = _adjusted(  # noqa: PLW2901 - judged by its relieved target
                        card, window, actual, evidence, totals=adjusted, reliefs=reliefs
                    )
                    rule, divisor, target = window.rule, window.rule.divisor, window.target
                    careful = careful or window is not window.base
            if calendar is None:
                elapsed = today - start + 1
                if elapsed > days:  # noqa: PLR1730 - not min(): a call per parameter
                    elapsed = days
            else:
                stop = min(today + 1, end)
                count_key = (id(calendar), start, stop)
                counted = counts.get(count_key)
                if counted is None:
                    counted = counts[count_key] = calendar.count(start, stop)
                elapsed = counted
            paced = elapsed > 0
            # Too early to judge (the policy's judge_from): checked only under such a policy.
            if judges:
                too_early = elapsed < window.too_early
                judging = judging or not too_early
            else:
                too_early = False
            if level:
                expected = None  # a level's value is not a share of the window
                if plan is not None:  # judged against the target in force today
                    window = window.judged(plan.in_force(today))  # noqa: PLW2901 - the window it is judged by
                    rule, divisor, target = window.rule, window.rule.divisor, window.target
                    careful = careful or window is not window.base
            elif plan is not None:
                expected, exact_expected = window.expected_at(today)
            elif elapsed >= days:
                expected = ONE
            else:
                share_key = (elapsed, days)
                share = shares.get(share_key)
                if share is None:
                    share = shares[share_key] = divide(day_count(elapsed) or Decimal(elapsed), days_decimal)
                expected = share
            if actual is None and level:
                # A level with no record yet: nothing to score, nothing to project.
                status = _MISSED if over else _NO_DATA
                why = (window, elapsed, over, today, policy, False, False, ZERO, 1, 1)
                if build:
                    append(new(parameter, None, target, ZERO, ZERO, ZERO, expected, None, status, evidence, why))
                else:
                    extend((parameter, None, target, ZERO, ZERO, ZERO, expected, None, status, evidence))
                    extend(why)
                any_scored = True
                continue
            any_data = True
            if actual is None:
                actual = ZERO  # no record yet: a sum of nothing
            achievement = rule.value(actual) if divisor is None else divide(actual, divisor)
            careful = careful or achievement < ZERO
            pace_days = pace_elapsed = 1
            pace_actual = actual
            if elapsed >= days or not paced or level:
                # The whole window has elapsed (the pace is the actual, exactly), or no working day
                # has (no pace to go by), or a level (not extrapolated): the projection is the achievement.
                projected = achievement
            elif plan is not None:
                # The plan's pace: actual / expected, exactly `actual * denominator / numerator`;
                # while nothing is expected yet (or all of it is), the projection is the achievement.
                if 0 < exact_expected.numerator < exact_expected.denominator:  # 0 < it < 1, on its parts
                    pace_days, pace_elapsed = exact_expected.denominator, exact_expected.numerator
                    pace_actual = divide(multiply(actual, Decimal(pace_days)), Decimal(pace_elapsed))
                    projected = rule.value(pace_actual) if divisor is None else divide(pace_actual, divisor)
                else:
                    projected = achievement
            else:
                pace_actual = divide(multiply(actual, days_decimal), day_count(elapsed) or Decimal(elapsed))
                pace_days, pace_elapsed = days, elapsed
                projected = rule.value(pace_actual) if divisor is None else divide(pace_actual, divisor)
            if plain:
                effective, kept, p_effective, p_kept = achievement, True, projected, True
            else:
                # Clear of the threshold's and the cap's bands, neither applies; else `_shaped` decides exactly.
                low, high = window.clear
                if (low is None or achievement > low) and (high is None or achievement < high):
                    effective, kept = achievement, True
                else:
                    effective, kept = _shaped(achievement, window, actual, actual, 1, 1)
                if (low is None or projected > low) and (high is None or projected < high):
                    p_effective, p_kept = projected, True
                else:
                    p_effective, p_kept = _shaped(projected, window, pace_actual, actual, pace_days, pace_elapsed)
            contribution = multiply(fraction, effective)
            any_scored = True
            total = add(total, contribution)
            projected_total = add(projected_total, multiply(fraction, p_effective))
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
                status = _ACHIEVED if reached else _MISSED
            elif early and reached:
                status = _ACHIEVED
            elif too_early:
                status = _ON_TRACK
            else:
                low, high = bounds = window.on_track_band
                if projected > high or (
                    projected >= low
                    and _compare(projected, on_track, bounds, rule, pace_actual, actual, pace_days, pace_elapsed) >= 0
                ):
                    status = _ON_TRACK
                elif (
                    at_risk
                    and _compare(
                        projected, at_risk, window.at_risk_band, rule, pace_actual, actual, pace_days, pace_elapsed
                    )
                    < 0
                ):
                    status = _AT_RISK
                else:
                    status = _BEHIND
            if build:
                append(new(
                    parameter, actual, target, achievement, effective, contribution, expected, projected, status,
                    evidence, (window, elapsed, over, today, policy, kept, p_kept, p_effective, pace_days, pace_elapsed),
                ))  # fmt: skip
            else:
                extend((
                    parameter, actual, target, achievement, effective, contribution, expected, projected, status,
                    evidence, window, elapsed, over, today, policy, kept, p_kept, p_effective, pace_days, pace_elapsed,
                ))  # fmt: skip
        if not any_scored:
            totals.append(ZERO)
            flats.append(tuple(parts))
            projected_totals.append(None)
            statuses.append(_NOT_STARTED)
            carefuls.append(False)
            if replay is not None:
                replay.keep(len(totals) - 1)
            continue
        one_band, on_track_band, at_risk_band = card.decision_bands
        # Outside a band the Decimal decides on the spot (unless a negative achievement voids
        # the bands' premise); inside it, `_card_compare` takes the error into account (on
        # the parameters' scores, built only then).
        if over:
            if not careful and total > one_band[1]:
                card_status = _ACHIEVED
            elif not careful and total < one_band[0]:
                card_status = _MISSED
            else:
                items = _items(parts, build)
                reached = card_compare(total, ONE, one_band, items, projected=False, early=False, careful=careful) >= 0
                card_status = _ACHIEVED if reached else _MISSED
        elif not any_data:  # every started parameter is a level with no record yet
            card_status = _NO_DATA
        elif any_early and (
            (not careful and early_sum > one_band[1])
            or (
                (careful or early_sum >= one_band[0])
                and card_compare(
                    early_sum, ONE, one_band, _items(parts, build), projected=False, early=True, careful=careful
                )
                >= 0
            )
        ):
            card_status = _ACHIEVED
        elif (
            not judging  # every started parameter is too early to judge
            or (not careful and projected_total > on_track_band[1])
            or (
                (careful or projected_total >= on_track_band[0])
                and (
                    card_compare(
                        projected_total,
                        on_track,
                        on_track_band,
                        _items(parts, build),
                        projected=True,
                        early=False,
                        careful=careful,
                    )
                    >= 0
                )
            )
        ):
            card_status = _ON_TRACK
        elif at_risk and (
            (not careful and projected_total < at_risk_band[0])
            or (
                (careful or projected_total <= at_risk_band[1])
                and card_compare(
                    projected_total,
                    at_risk,
                    at_risk_band,
                    _items(parts, build),
                    projected=True,
                    early=False,
                    careful=careful,
                )
                < 0
            )
        ):
            card_status = _AT_RISK
        else:
            card_status = _BEHIND
        totals.append(total)
        flats.append(tuple(parts))
        projected_totals.append(projected_total)
        statuses.append(card_status)
        carefuls.append(careful)
        if replay is not None:
            replay.keep(len(totals) - 1)
    return columns
