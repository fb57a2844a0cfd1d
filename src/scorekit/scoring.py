"""`score`: from a card and the CRM's numbers to achievement, weighted score and pace (F11, F12).

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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NamedTuple, overload

import attrs

from scorekit import _html
from scorekit.achievement import Rule
from scorekit.errors import InvalidScorecard, MissingMeasurement
from scorekit.measurement import Evidence, ManualEntry, Measurement, as_instant, latest_values
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, Number, for_display, to_decimal
from scorekit.parameter import Direction, Parameter
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import ParameterWindow, Scorecard
from scorekit.status import Status, StatusPolicy
from scorekit.weight import Weight

if TYPE_CHECKING:
    from scorekit.grouping import Group, Summary

__all__ = ["CardScore", "ParameterScore", "ScoreBatch", "ScoreRows", "Status", "score", "score_many"]

_HUNDRED: Final = Decimal(100)
_MAGNITUDE: Final = Decimal(10**15)
_LOW: Final = -_MAGNITUDE
_FRACTION_ZERO: Final = Fraction(0)
# The statuses the scoring loop gives, as plain globals: an enum member looked up on its
# class costs ten times as much (Python 3.11), and the loop does it per parameter.
_ACHIEVED: Final = Status.ACHIEVED
_AT_RISK: Final = Status.AT_RISK
_BEHIND: Final = Status.BEHIND
_MISSED: Final = Status.MISSED
_NOT_STARTED: Final = Status.NOT_STARTED
_NO_DATA: Final = Status.NO_DATA
_ON_TRACK: Final = Status.ON_TRACK


class _Why(NamedTuple):
    """What `explain` and the exact card decisions need beyond a score's fields.

    Built as a plain tuple in the scoring loop (cheapest) and read through this view.
    """

    window: ParameterWindow
    elapsed: int
    over: bool
    paced: bool
    policy: StatusPolicy
    kept: bool  # the effective is the rule's value (not zeroed by the threshold, not the cap)
    projected_kept: bool
    projected_effective: Decimal
    pace_days: int
    pace_elapsed: int


@attrs.frozen
class ParameterScore:
    """How one active parameter scored; `target` is after proration.

    `actual` is None for a level with no record in the window yet; `achievement` is
    raw; `effective` is after threshold and cap; `expected` is the share of the
    window elapsed; `projected` the achievement at the current pace (a level's is its
    achievement); `remaining` what is left to reach the target (higher is better
    only) and `per_day` that spread over the days left (a SUM whose window is open).
    """

    parameter: Parameter
    actual: Decimal | None
    target: Decimal
    achievement: Decimal
    effective: Decimal
    contribution: Decimal
    expected: Decimal
    projected: Decimal | None
    status: Status
    evidence: tuple[Evidence, ...] = ()
    # What `explain` and the exact decisions need (see `_Why`); given by the scoring loop only.
    _why: tuple[object, ...] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def key(self) -> str:
        """The metric's key."""
        return self.parameter.metric.key

    @property
    def remaining(self) -> Decimal | None:
        """What is left to reach the (prorated) target: ``max(0, target - actual)``, higher is better only.

        Computed when asked (a dashboard that never asks pays nothing); None for another
        direction or a level with no record.
        """
        if self.parameter.direction is not Direction.HIGHER_IS_BETTER or self.actual is None:
            return None
        left = EXACT_SUMS.subtract(self.target, self.actual)
        return max(ZERO, left)

    @property
    def per_day(self) -> Decimal | None:
        """`remaining` spread over the days left (working days with a calendar), for a started SUM whose window is open.

        None when no day is left, `remaining` is None, or the score carries no window
        (one read back from a document).
        """
        why = _why(self)
        remaining = self.remaining
        if why is None or remaining is None or self.status is Status.NOT_STARTED:
            return None
        window = why.window
        if window.level or why.over:
            return None
        left = window.days - why.elapsed
        return EXACT.divide(remaining, Decimal(left)) if left > 0 else None

    def explain(self) -> str:
        """How this score came about, one line per step, numbers rounded for display.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
        >>> print(score(card, {"deals_won": 4}, as_of=pendulum.datetime(2024, 4, 10, 12, tz="UTC")).parameters[0].explain())
        deals_won: weight 100%, higher is better, sum of records
          window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed
          target: 10
          actual: 4
          achievement = 4 / 10 = 40.00%
          contribution = 100% x 40.00% = 40.00%
          pace: expected 33.33% by now; projected 4 x 30 / 10 = 12 -> 120.00%
          remaining: 6, 0.3 a day over the 20 days left
          status: on track (projected 120.00% >= on track 100.00%)
        """
        return "\n".join(_explain_parameter(self))


@attrs.frozen
class CardScore:
    """A card's score as of an instant: the total, the pace, and every parameter's score."""

    card: Scorecard
    as_of: _dt.datetime
    total: Decimal
    parameters: tuple[ParameterScore, ...]
    projected: Decimal | None
    status: Status
    # Set by the scoring loop when a negative achievement voids the card's decision bands.
    _careful: bool = attrs.field(default=False, init=False, eq=False, repr=False)

    def percent(self, places: int = 2) -> Decimal:
        """The total as a percentage, the exact total rounded once, half up, to `places` decimals.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
        >>> result = score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> result.total < 1, result.percent(), result.status.value  # the exact total is 1/3 + 2/3 = 1
        (True, Decimal('100.00'), 'achieved')
        """
        percent = EXACT_SUMS.multiply(self.total, _HUNDRED)
        shown = for_display(percent, places)
        if self.status is Status.NOT_STARTED:
            return shown
        if any(item._why is None and item.status is not Status.NOT_STARTED for item in self.parameters):  # noqa: SLF001
            # Read back from a document: no scoring context (nor error bound), so the exact total, from the card's rules.
            return _round_half_up(_exact_read_back(self) * 100, places)
        # Rounding the Decimal gives the exact total's rounding unless a half-way point lies
        # within the total's error bound; only then is the exact total computed.
        high = self.card.decision_bands[0][1]
        if not self._careful:  # the card's band around 1 bounds the error of any total
            error = EXACT_SUMS.multiply(EXACT_SUMS.subtract(high, ONE), _HUNDRED)
            error = EXACT_SUMS.multiply(error, EXACT_SUMS.add(self.total.copy_abs(), ONE))
        else:
            error = EXACT_SUMS.multiply(_sum_error(self.parameters, projected=False, early=False), _HUNDRED)
        if not error:
            return shown
        if for_display(EXACT_SUMS.subtract(percent, error), places) == for_display(
            EXACT_SUMS.add(percent, error), places
        ):
            return shown
        return _round_half_up(_exact_sum(self.parameters, projected=False, early=False) * 100, places)

    def parameter(self, key: str) -> ParameterScore:
        """The score of the parameter for metric `key`."""
        for item in self.parameters:
            if item.key == key:
                return item
        msg = f"card {self.card.id!r} scored no metric {key!r}; it scored {', '.join(repr(p.key) for p in self.parameters)}"
        raise KeyError(msg)

    def explain(self) -> str:
        r"""How the card's score came about: each parameter's steps, then the total and the status.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 60), Parameter("calls", 200, 40)])
        >>> text = score(card, {"deals_won": 12, "calls": 150}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC")).explain()
        >>> print(text.splitlines()[0]); print("\n".join(text.splitlines()[-3:]))
        card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)
        total = 72.00% + 30.00% = 102.00%
        projected total: 102.00%
        status: achieved (total 102.00% >= 100% and the period is over)
        """
        return "\n".join(_explain_card(self))

    def to_records(self) -> list[dict[str, object]]:
        """One plain dict per parameter, ready for ``pandas.DataFrame``; weights and achievements are fractions (1 = 100%)."""
        card = self.card
        return [
            {
                "card": card.id,
                "owner": card.owner.id,
                "period_start": card.period.start,
                "metric": item.key,
                "label": item.parameter.metric.display_name,
                "unit": item.parameter.metric.unit,
                "direction": item.parameter.direction.value,
                "actual": item.actual,
                "target": item.target,
                "weight": item.parameter.weight.fraction,
                "achievement": item.achievement,
                "effective": item.effective,
                "contribution": item.contribution,
                "expected": item.expected,
                "projected": item.projected,
                "status": item.status.value,
                "evidence": len(item.evidence),
                "remaining": item.remaining,
                "per_day": item.per_day,
            }
            for item in self.parameters
        ]

    def _repr_html_(self) -> str:
        return _html.card_table(self)


# ---------------------------------------------------------------------------------------------
# Exact decisions.  A reported Decimal is within a known error of the exact value (each
# rule says how far); a comparison that is farther than that from its line is decided on
# the Decimal, and only one that close is decided on Fractions.


def _why(item: ParameterScore) -> _Why | None:
    why = item._why  # noqa: SLF001 - the score's own context
    return None if why is None else _Why._make(why)


def _exact_sum(items: Iterable[ParameterScore], *, projected: bool, early: bool) -> Fraction:
    """The exact total (or projected total, or the early-achievable part) of scored parameters."""
    total = _FRACTION_ZERO
    for item in items:
        why = _why(item)
        if why is None or item.status is Status.NOT_STARTED:
            continue
        window = why.window
        if early and not window.early:
            continue
        fraction = Fraction(window.fraction)
        if item.actual is None:
            continue  # a level with no record: contributes 0
        if projected:
            value = (
                window.rule.exact(Fraction(item.actual) * why.pace_days / why.pace_elapsed)
                if why.projected_kept
                else Fraction(why.projected_effective)
            )
        else:
            value = window.rule.exact(Fraction(item.actual)) if why.kept else Fraction(item.effective)
        total += fraction * value
    return total


def _exact_read_back(result: CardScore) -> Fraction:
    """The exact total of a score read back from a document, from its card's rules.

    Such a score has no scoring context: a parameter whose effective equals its achievement
    counts the rule's exact value, any other (zeroed by the threshold, capped) its effective.
    """
    windows = {window.key: window for window in result.card.windows}
    total = _FRACTION_ZERO
    for item in result.parameters:
        if item.status is Status.NOT_STARTED or item.actual is None:
            continue
        window = windows.get(item.key)
        if window is None:  # a document whose parameters are not its card's: its own numbers
            total += Fraction(item.contribution)
            continue
        kept = item.effective == item.achievement
        value = window.rule.exact(Fraction(item.actual)) if kept else Fraction(item.effective)
        total += Fraction(window.fraction) * value
    return total


def _card_compare(
    value: Decimal,
    bound: Decimal,
    bounds: tuple[Decimal, Decimal],
    items: list[ParameterScore],
    *,
    projected: bool,
    early: bool,
    careful: bool,
) -> int:
    """-1, 0 or 1 as the exact (projected, early) sum is below, at or above `bound`; `value` is its Decimal.

    Outside the card's band for `bound` the Decimal decides (unless `careful`: a negative
    achievement breaks the band's premise); inside, the parts' own error bounds, then Fractions.
    """
    low, high = bounds
    if not careful:
        if value > high:
            return 1
        if value < low:
            return -1
    error = _sum_error(items, projected=projected, early=early)
    gap = EXACT_SUMS.subtract(value, bound)
    if gap > error:
        return 1
    if gap.copy_negate() > error:
        return -1
    sure, line = _exact_sum(items, projected=projected, early=early), Fraction(bound)
    return (sure > line) - (sure < line)


def _sum_error(items: Iterable[ParameterScore], *, projected: bool, early: bool) -> Decimal:
    """A bound on how far a weighted sum of scored parameters' Decimals is from the exact sum."""
    total = ZERO
    for item in items:
        why = _why(item)
        if why is None or item.actual is None or item.status is Status.NOT_STARTED:
            continue
        window = why.window
        if early and not window.early:
            continue
        rule = window.rule
        if projected:
            if not why.projected_kept:
                continue
            used = item.actual
            if why.pace_elapsed != why.pace_days:
                used = EXACT.divide(EXACT_SUMS.multiply(item.actual, window.days_decimal), Decimal(why.pace_elapsed))
        elif why.kept:
            used = item.actual
        else:
            continue
        total = EXACT_SUMS.add(total, rule.error(used))
    return total


def _compare(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal,
    bound: Decimal,
    bounds: tuple[Decimal, Decimal],
    rule: Rule,
    used: Decimal,
    actual: Decimal,
    days: int,
    elapsed: int,
) -> int:
    """-1, 0 or 1 as ``rule(actual * days / elapsed)`` exactly is below, at or above `bound`.

    `value` is ``rule.value(used)``, `used` the Decimal actual it came from.  Outside
    `bounds` the Decimal decides; inside, its error bound, then Fractions.
    """
    low, high = bounds
    if value > high:
        return 1
    if value < low:
        return -1
    gap = EXACT_SUMS.subtract(value, bound)
    if not rule.slack:  # an exact rule
        return (gap > 0) - (gap < 0)
    error = rule.error(used)
    if gap > error:
        return 1
    if gap.copy_negate() > error:
        return -1
    exact, line = rule.exact(Fraction(actual) * days / elapsed), Fraction(bound)
    return (exact > line) - (exact < line)


def _shaped(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal, window: ParameterWindow, used: Decimal, actual: Decimal, days: int, elapsed: int
) -> tuple[Decimal, bool]:
    """Threshold and cap applied, exactly; and whether the result is still the rule's (not 0 or the cap)."""
    parameter = window.parameter
    threshold, bounds = parameter.threshold, window.threshold_band
    if threshold is not None and bounds is not None:
        low, high = bounds
        if value < low or (
            value <= high and _compare(value, threshold, bounds, window.rule, used, actual, days, elapsed) < 0
        ):
            return ZERO, False
    cap, bounds = parameter.cap, window.cap_band
    if cap is not None and bounds is not None:
        low, high = bounds
        if value > high or (
            value >= low and _compare(value, cap, bounds, window.rule, used, actual, days, elapsed) > 0
        ):
            return cap, False
    return value, True


def _round_half_up(value: Fraction, places: int) -> Decimal:
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))  # floor of a non-negative number: half up, away from zero
    digits = whole if value >= 0 else -whole
    return Decimal(digits).scaleb(-places, EXACT)


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
) -> CardScore:
    """Score `card` as of the aware instant `as_of`.

    `measurements` maps metric keys to a `Measurement` or a plain number; keys the
    card does not have are ignored, so a host may over-fetch.  A manual metric may
    instead take its value from `manual`: the latest entry at or before `as_of`.
    An active metric whose window has started but has no value raises
    `MissingMeasurement`; one whose window has not started scores 0, NOT_STARTED.
    A number that is not finite (NaN, Infinity) raises `InvalidNumber`.
    """
    # score_many([card], [measurements], as_of=as_of, manual=manual)[0], without the batch around it
    instant = as_instant(as_of)
    cards = (card,)
    return _card_score(
        _score_columns(cards, (measurements,), (instant,), _manual_by_card(cards, manual), build=True), 0
    )


def score_many(
    cards: Iterable[Scorecard],
    measurements: Iterable[Mapping[str, Measurement | Number]],
    *,
    as_of: _dt.datetime,
    manual: Iterable[ManualEntry] = (),
) -> ScoreBatch:
    """Score many cards as of one instant: ``score_many(cards, ms, as_of=t)[i] == score(cards[i], ms[i], as_of=t)``.

    `measurements` is parallel to `cards` (one mapping per card, as for `score`);
    `manual` entries are matched to cards by `card_id` (an entry for no card in the
    batch raises `InvalidScorecard`).  This is the one scoring loop (`score` calls
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
    return ScoreBatch(_score_columns(batch, given, [instant] * len(batch), _manual_by_card(batch, manual)))


def _manual_by_card(cards: Sequence[Scorecard], manual: Iterable[ManualEntry]) -> dict[str, list[ManualEntry]]:
    """`manual` entries by card id, in the order given; an entry for a card not in `cards` raises `InvalidScorecard`."""
    entries: dict[str, list[ManualEntry]] = {}
    if not manual:
        return entries
    ids = {card.id for card in cards}
    for entry in manual:
        if entry.card_id not in ids:
            scored = ", ".join(repr(i) for i in sorted(ids)) or "none"
            msg = f"a manual entry for card {entry.card_id!r} was given to score card {scored}"
            raise InvalidScorecard(msg)
        entries.setdefault(entry.card_id, []).append(entry)
    return entries


class ScoreBatch(Sequence[CardScore]):
    """The scores of `score_many`: a sequence of `CardScore` built when asked, with columns computed without them.

    `totals`, `projected` and `statuses` are per-card columns; `summary()`, `groups()`
    and `to_records()` are `scorekit.grouping`'s views of the whole batch.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
    >>> batch = score_many(cards, [{"deals": 5}, {"deals": 3}], as_of=pendulum.datetime(2024, 4, 16, tz="UTC"))
    >>> len(batch), batch.projected, batch.summary().behind
    (2, (Decimal('0.9375'), Decimal('0.5625')), 2)
    >>> [row["card"] for row in batch.to_records()], batch[0].card.id
    (['ann', 'bob'], 'ann')
    """

    __slots__ = ("_built", "_columns")

    def __init__(self, columns: _Columns) -> None:
        self._columns = columns
        self._built: list[CardScore | None] = [None] * len(columns.cards)

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> CardScore: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[CardScore, ...]: ...
    def __getitem__(self, index: int | slice) -> CardScore | tuple[CardScore, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self._built))))
        built = self._built[index]
        if built is None:
            built = self._built[index] = _card_score(self._columns, index)
        return built

    def __iter__(self) -> Iterator[CardScore]:
        for index in range(len(self._built)):
            yield self[index]

    def __repr__(self) -> str:
        return f"ScoreBatch({len(self._built)} cards)"

    def __eq__(self, other: object) -> bool:
        return _same_scores(self, other)

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of the same scores, so not hashable

    def _fact(self, index: int) -> _Fact:
        """Card, total, status and (key, achievement, status) per parameter, without building the `CardScore`."""
        columns = self._columns  # a batch's rows are flat (`built` is for `score`, which returns no batch)
        flat: Any = columns.parameters[index]
        items = [(flat[at].metric.key, flat[at + 3], flat[at + 8]) for at in range(0, len(flat), _STRIDE)]
        return columns.cards[index], columns.totals[index], columns.statuses[index], items

    @property
    def cards(self) -> tuple[Scorecard, ...]:
        """The cards scored, in order."""
        return tuple(self._columns.cards)

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """Each card's `CardScore.total`, in order."""
        return tuple(self._columns.totals)

    @property
    def projected(self) -> tuple[Decimal | None, ...]:
        """Each card's `CardScore.projected`, in order."""
        return tuple(self._columns.projected)

    @property
    def statuses(self) -> tuple[Status, ...]:
        """Each card's `CardScore.status`, in order."""
        return tuple(self._columns.statuses)

    def summary(self) -> Summary:
        """The batch's `scorekit.grouping.Summary` (as `summarize` gives it)."""
        from scorekit.grouping import summarize  # noqa: PLC0415 - grouping builds on scoring

        return summarize(self)

    def groups(self, key: Callable[[Scorecard], Hashable] | None = None) -> tuple[Group, ...]:
        """The batch grouped by `key` of the cards (default: `similarity_key`), as `group_scores` does."""
        from scorekit.grouping import group_scores, similarity_key  # noqa: PLC0415 - grouping builds on scoring

        return group_scores(self, similarity_key if key is None else key)

    def to_records(self) -> list[dict[str, object]]:
        """One row per card and parameter, as `scorekit.grouping.card_records` gives them."""
        from scorekit.grouping import card_records  # noqa: PLC0415 - grouping builds on scoring

        return card_records(self)


_Fact = tuple[Scorecard, Decimal, Status, Iterable[tuple[str, Decimal, Status]]]


def _same_scores(scores: Sequence[CardScore], other: object) -> bool:
    """A lazy sequence of scores equals any sequence of the same scores (a tuple included)."""
    if not isinstance(other, Sequence) or isinstance(other, str | bytes):
        return NotImplemented  # type: ignore[no-any-return]
    return len(scores) == len(other) and all(a == b for a, b in zip(scores, other, strict=True))


class ScoreRows(Sequence[CardScore]):
    """Scores as rows of `score_many` batches, each `CardScore` built when first asked, or given whole.

    What a dashboard holds: its summary and groups read the batches' columns, so a
    `CardScore` is built only for the cards someone looks at.  It equals a tuple of
    the same scores.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
    >>> batch = score_many(cards, [{"deals": 12}, {"deals": 4}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    >>> rows = ScoreRows([(batch, 1), (batch, 0)])
    >>> [s.card.id for s in rows], rows == (batch[1], batch[0]), len(rows[:1])
    (['bob', 'ann'], True, 1)
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: Iterable[tuple[ScoreBatch, int] | CardScore]) -> None:
        self._rows = tuple(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> CardScore: ...
    @overload
    def __getitem__(self, index: slice) -> ScoreRows: ...
    def __getitem__(self, index: int | slice) -> CardScore | ScoreRows:
        if isinstance(index, slice):
            return ScoreRows(self._rows[index])
        row = self._rows[index]
        return row if isinstance(row, CardScore) else row[0][row[1]]

    def __iter__(self) -> Iterator[CardScore]:
        for row in self._rows:
            yield row if isinstance(row, CardScore) else row[0][row[1]]

    def __eq__(self, other: object) -> bool:
        return _same_scores(self, other)

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of the same scores, so not hashable

    def __repr__(self) -> str:
        return f"ScoreRows({len(self._rows)} scores)"

    def pick(self, indices: Iterable[int]) -> ScoreRows:
        """The rows at `indices`, in that order (no score is built)."""
        rows = self._rows
        return ScoreRows(rows[i] for i in indices)

    @property
    def cards(self) -> tuple[Scorecard, ...]:
        """Each row's card, in order (no score is built), as `ScoreBatch.cards`."""
        return tuple(
            row.card if isinstance(row, CardScore) else row[0]._columns.cards[row[1]]  # noqa: SLF001
            for row in self._rows
        )

    def _facts(self) -> Iterator[_Fact]:
        for row in self._rows:
            yield _fact_of(row) if isinstance(row, CardScore) else row[0]._fact(row[1])  # noqa: SLF001


def _fact_of(item: CardScore) -> _Fact:
    return item.card, item.total, item.status, [(p.key, p.achievement, p.status) for p in item.parameters]


def facts(scores: Iterable[CardScore]) -> Iterator[_Fact]:
    """Card, total, status and (key, achievement, status) per parameter of each score, from columns where it can."""
    if isinstance(scores, ScoreRows):
        return scores._facts()  # noqa: SLF001
    if isinstance(scores, ScoreBatch):
        return (scores._fact(i) for i in range(len(scores)))  # noqa: SLF001
    return (_fact_of(item) for item in scores)


# The batch's scores before they are objects, one column per field.  A card's parameters
# are one flat tuple, _STRIDE items each: (parameter, actual, target, achievement,
# effective, contribution, expected, projected, status, evidence) and then its `_why`
# (10 items; all None for a parameter that has not started).  Few, flat containers keep
# the cyclic garbage collector's walks short over a large batch.  `score` asks for the
# objects at once instead (`built`): one card's tuple then holds its `ParameterScore`s.
_STRIDE: Final = 20
_NO_WHY: Final = (None,) * 10


_new_object: Final = object.__new__
_SLOT_SETTERS: Final = tuple(ParameterScore.__dict__[field.name].__set__ for field in attrs.fields(ParameterScore))


def _built(  # noqa: PLR0917 - a ParameterScore's fields, in order
    parameter: Parameter,
    actual: Decimal | None,
    target: Decimal,
    achievement: Decimal,
    effective: Decimal,
    contribution: Decimal,
    expected: Decimal,
    projected: Decimal | None,
    status: Status,
    evidence: tuple[Evidence, ...],
    why: tuple[object, ...] | None,
) -> ParameterScore:
    """``ParameterScore(...)`` with its `_why`, its slots set directly: the scoring loop builds one per parameter.

    attrs' frozen ``__init__`` sets each field through ``object.__setattr__`` by name;
    the slots' own setters cost about half as much.  The fields have no default to
    compute, no converter and no validator, so this is what ``__init__`` does
    (tests/test_scoring.py checks both, field by field).
    """
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 = _SLOT_SETTERS
    item = _new_object(ParameterScore)
    s0(item, parameter)
    s1(item, actual)
    s2(item, target)
    s3(item, achievement)
    s4(item, effective)
    s5(item, contribution)
    s6(item, expected)
    s7(item, projected)
    s8(item, status)
    s9(item, evidence)
    s10(item, why)
    return item


class _Columns(NamedTuple):
    cards: list[Scorecard]
    instants: list[_dt.datetime]
    totals: list[Decimal]
    parameters: list[tuple[object, ...]]
    projected: list[Decimal | None]
    statuses: list[Status]
    careful: list[bool]
    built: bool


def _parameter_scores(flat: Sequence[object]) -> list[ParameterScore]:
    """The parameters' scores of one card, from its flat tuple."""
    return [
        _built(*flat[at : at + 10], flat[at + 10 : at + _STRIDE] if flat[at + 10] is not None else None)  # type: ignore[arg-type, call-arg]
        for at in range(0, len(flat), _STRIDE)
    ]


def _items(parts: list[object], build: bool) -> list[ParameterScore]:
    """One card's parameter scores while it is scored (for the exact card decisions)."""
    return parts if build else _parameter_scores(parts)  # type: ignore[return-value]


def _card_score(columns: _Columns, index: int) -> CardScore:
    parameters = columns.parameters[index]
    result = CardScore(
        columns.cards[index],
        columns.instants[index],
        columns.totals[index],
        parameters if columns.built else tuple(_parameter_scores(parameters)),  # type: ignore[arg-type]
        columns.projected[index],
        columns.statuses[index],
    )
    if columns.careful[index]:
        object.__setattr__(result, "_careful", True)
    return result


def _score_columns(  # noqa: C901, PLR0912, PLR0915 - one loop on purpose: it is the hot path, each branch a rule
    cards: Sequence[Scorecard],
    measurements: Sequence[Mapping[str, Measurement | Number]],
    instants: Sequence[_dt.datetime],
    manual: Mapping[str, Sequence[ManualEntry]],
    *,
    build: bool = False,
) -> _Columns:
    """Each card scored as of its (aware, validated) instant, as columns; `manual` maps card ids to their entries.

    With `build`, each card's parameters are `ParameterScore`s at once (cheaper for one
    card than a flat tuple turned into them later).
    """
    new = _built
    multiply, divide, add = EXACT_SUMS.multiply, EXACT.divide, EXACT_SUMS.add
    # Per-batch caches.  Keys by id() are safe: `cards` and `instants` hold every card
    # (and so its period and calendar) and instant alive until the loop ends.
    days_by_instant: dict[int, dict[str, int]] = {}
    ends: dict[int, int] = {}
    counts: dict[tuple[int, int, int], int] = {}
    shares: dict[tuple[int, int], Decimal] = {}
    last_instant: _dt.datetime | None = None
    zone_days: dict[str, int] = {}
    utc = None
    columns = _Columns(list(cards), list(instants), [], [], [], [], [], build)
    totals, flats, projected_totals, statuses, carefuls = columns[2:7]
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
        policy = card.status_policy
        on_track, at_risk = policy.on_track, policy.at_risk
        get = given_measurements.get
        parts: list[object] = []
        extend, append = parts.extend, parts.append
        # Running sums: EXACT_SUMS adds without rounding, so the order of the parameters never matters.
        total = projected_total = early_sum = ZERO
        any_scored = any_early = any_paced = any_data = careful = False
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
            ) = window.hot
            if today < start:
                if build:
                    append(new(parameter, ZERO, target, ZERO, ZERO, ZERO, ZERO, None, _NOT_STARTED, (), None))
                else:
                    extend((parameter, ZERO, target, ZERO, ZERO, ZERO, ZERO, None, _NOT_STARTED, ()))
                    extend(_NO_WHY)
                continue
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
                stop = min(today + 1, end)
                count_key = (id(calendar), start, stop)
                counted = counts.get(count_key)
                if counted is None:
                    counted = counts[count_key] = calendar.count(start, stop)
                elapsed = counted
            paced = elapsed > 0
            any_paced = any_paced or paced
            if elapsed >= days:
                expected = ONE
            else:
                share_key = (elapsed, days)
                share = shares.get(share_key)
                if share is None:
                    share = shares[share_key] = divide(Decimal(elapsed), days_decimal)
                expected = share
            if actual is None and level:
                # A level with no record yet: nothing to score, nothing to project.
                status = _MISSED if over else _NO_DATA
                why = (window, elapsed, over, paced, policy, False, False, ZERO, 1, 1)
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
            if elapsed >= days:  # the whole window has elapsed: the pace is the actual (exactly)
                projected = achievement
            elif not paced:  # started, but no working day yet: no pace to go by
                expected, projected = ZERO, achievement
            elif level:  # a level is not extrapolated
                projected = achievement
            else:
                pace_actual = divide(multiply(actual, days_decimal), Decimal(elapsed))
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
            elif not paced:
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
                    evidence, (window, elapsed, over, paced, policy, kept, p_kept, p_effective, pace_days, pace_elapsed),
                ))  # fmt: skip
            else:
                extend((
                    parameter, actual, target, achievement, effective, contribution, expected, projected, status,
                    evidence, window, elapsed, over, paced, policy, kept, p_kept, p_effective, pace_days, pace_elapsed,
                ))  # fmt: skip
        if not any_scored:
            totals.append(ZERO)
            flats.append(tuple(parts))
            projected_totals.append(None)
            statuses.append(_NOT_STARTED)
            carefuls.append(False)
            continue
        one_band, on_track_band, at_risk_band = card._bands  # noqa: SLF001 - the card's own view, read in the hot path
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
                reached = _card_compare(total, ONE, one_band, items, projected=False, early=False, careful=careful) >= 0
                card_status = _ACHIEVED if reached else _MISSED
        elif not any_data:  # every started parameter is a level with no record yet
            card_status = _NO_DATA
        elif any_early and (
            (not careful and early_sum > one_band[1])
            or (
                (careful or early_sum >= one_band[0])
                and _card_compare(
                    early_sum, ONE, one_band, _items(parts, build), projected=False, early=True, careful=careful
                )
                >= 0
            )
        ):
            card_status = _ACHIEVED
        elif (
            not any_paced
            or (not careful and projected_total > on_track_band[1])
            or (
                (careful or projected_total >= on_track_band[0])
                and (
                    _card_compare(
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
            _card_compare(
                projected_total,
                at_risk,
                at_risk_band,
                _items(parts, build),
                projected=True,
                early=False,
                careful=careful,
            )
            < 0
        ):
            card_status = _AT_RISK
        else:
            card_status = _BEHIND
        totals.append(total)
        flats.append(tuple(parts))
        projected_totals.append(projected_total)
        statuses.append(card_status)
        carefuls.append(careful)
    return columns


# ---------------------------------------------------------------------------------------------
# Explanations: deterministic text, numbers rounded for display (the fields stay exact).


def _number(value: Decimal) -> str:
    """A target or actual as given when it has at most four decimals, else rounded half up to four."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:  # noqa: PLR2004 - four places, as documented
        value = for_display(value, 4).normalize(EXACT)
        if value == value.to_integral_value(context=EXACT):
            value = value.quantize(ONE, context=EXACT)
    return f"{value:f}"


def _pct(value: Decimal) -> str:
    """A fraction as a percentage with two places, half up."""
    return f"{for_display(EXACT_SUMS.multiply(value, _HUNDRED), 2)}%"


def _weight(weight: Weight) -> str:
    """A weight as `Weight` shows it ("40%", "33.33%"), in scorekit's own context."""
    return f"{Decimal(weight.basis_points).scaleb(-2, EXACT).normalize(EXACT):f}%"


def _unit(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


_DIRECTION_WORDS: Final = {
    Direction.HIGHER_IS_BETTER: "higher is better",
    Direction.LOWER_IS_BETTER: "lower is better",
    Direction.NEAR_TARGET: "nearer the target is better",
}


def _explain_parameter(item: ParameterScore, *, in_card: bool = False) -> list[str]:  # noqa: C901, PLR0912, PLR0915 - one line per step
    parameter = item.parameter
    metric = parameter.metric
    unit = metric.unit
    label = f" ({metric.label})" if metric.label else ""
    how = f"{_DIRECTION_WORDS[parameter.direction]}, {metric.accumulation.value} of records"
    lines = [f"{item.key}{label}: weight {_weight(parameter.weight)}, {how}"]
    why = _why(item)
    window = why.window if why else None
    if window is not None and why is not None:
        counting = "working days" if window.calendar is not None else "days"
        last = window.end.subtract(days=1)
        lines.append(
            f"  window: {window.start} to {last}, {window.days} {counting}, "
            + (
                "not started"
                if item.status is Status.NOT_STARTED
                else f"{why.elapsed} elapsed" + (" (the window is over)" if why.over else "")
            )
        )
        if window.calendar is not None and not in_card:  # a card's explanation names its calendar once
            lines.append(f"  calendar: {window.calendar.describe()}")
    target_text = _unit(_number(item.target), unit)
    if parameter.target != item.target:
        lines.append(f"  target: {_unit(_number(parameter.target), unit)} prorated to the window: {target_text}")
    else:
        lines.append(f"  target: {target_text}")
    if item.status is Status.NOT_STARTED:
        lines.append("  actual: not counted yet")
    elif item.actual is None:
        lines.append("  actual: no record in the window yet")
    else:
        records = f" ({len(item.evidence)} records)" if item.evidence else ""
        lines.append(f"  actual: {_unit(_number(item.actual), unit)}{records}")
    if item.actual is not None and item.status is not Status.NOT_STARTED:
        rule = window.rule if window is not None else None
        formula = rule.substituted(_number(item.actual), _number(item.target)) if rule is not None else "achievement"
        lines.append(f"  achievement = {formula} = {_pct(item.achievement)}")
    else:
        lines.append(f"  achievement = {_pct(item.achievement)}")
    if parameter.threshold is not None:
        met = item.effective != 0 or parameter.threshold == 0
        lines.append(f"  threshold {_pct(parameter.threshold)}: {'met' if met else 'not met, scores 0'}")
    if parameter.cap is not None:
        capped = item.effective == parameter.cap
        lines.append(f"  cap {_pct(parameter.cap)}: {'reached, limits it' if capped else 'not reached'}")
    if item.effective != item.achievement:
        lines.append(f"  effective: {_pct(item.effective)}")
    lines.append(f"  contribution = {_weight(parameter.weight)} x {_pct(item.effective)} = {_pct(item.contribution)}")
    if item.status is not Status.NOT_STARTED and window is not None and why is not None:
        if item.projected is None:
            lines.append(f"  pace: expected {_pct(item.expected)} by now; nothing to project without a record")
        elif window.level:
            lines.append(
                f"  pace: expected {_pct(item.expected)} by now; a level is not extrapolated: "
                f"projected {_pct(item.projected)}"
            )
        elif not why.paced:
            lines.append("  pace: no working day has elapsed yet; projected = achievement")
        elif why.elapsed >= window.days or item.actual is None:
            lines.append(f"  pace: the whole window has elapsed; projected {_pct(item.projected)}")
        else:
            pace = EXACT.divide(EXACT_SUMS.multiply(item.actual, window.days_decimal), Decimal(why.elapsed))
            lines.append(
                f"  pace: expected {_pct(item.expected)} by now; projected {_number(item.actual)} x {window.days} / "
                f"{why.elapsed} = {_number(pace)} -> {_pct(item.projected)}"
            )
    if item.remaining is not None:
        if item.per_day is not None and window is not None and why is not None:
            left = window.days - why.elapsed
            counting = "working days" if window.calendar is not None else "days"
            lines.append(
                f"  remaining: {_unit(_number(item.remaining), unit)}, {_number(item.per_day)} a day "
                f"over the {left} {counting} left"
            )
        else:
            lines.append(f"  remaining: {_unit(_number(item.remaining), unit)}")
    lines.append(f"  status: {_html.words(item.status.value)} ({_status_reason(item)})")
    return lines


def _status_reason(item: ParameterScore) -> str:  # noqa: PLR0911 - one reason per status
    why = _why(item)
    status = item.status
    if status is Status.NOT_STARTED:
        return "the window has not started"
    if status is Status.NO_DATA:
        return "no record in the window yet"
    if item.actual is None:
        return "no record in the window, which is over"
    achievement = _pct(item.achievement)
    if why is None:
        return f"achievement {achievement}"
    if why.over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"achievement {achievement} {sign} 100% and the window is over"
    if status is Status.ACHIEVED:
        return f"achievement {achievement} >= 100% already, and a higher-is-better sum cannot fall"
    if not why.paced:
        return "no working day has elapsed yet"
    return _policy_reason(status, item.projected, why.policy)


def _policy_reason(status: Status, projected: Decimal | None, policy: StatusPolicy) -> str:
    shown = "-" if projected is None else _pct(projected)
    if status is Status.ON_TRACK:
        return f"projected {shown} >= on track {_pct(policy.on_track)}"
    if status is Status.AT_RISK:
        return f"projected {shown} < at risk {_pct(policy.at_risk)}"
    reason = f"projected {shown} < on track {_pct(policy.on_track)}"
    if policy.at_risk:
        reason += f", >= at risk {_pct(policy.at_risk)}"
    return reason


def _explain_card(result: CardScore) -> list[str]:
    card = result.card
    as_of = result.as_of
    local = as_of.astimezone(card.zone) if isinstance(as_of, _dt.datetime) else as_of
    name = f" {card.name!r}" if card.name else ""
    when = f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()} ({card.timezone})"
    lines = [
        f"card {card.id}{name} of {card.owner.id}, period {card.period.start} to {card.period.last_day}, as of {when}"
    ]
    if card.calendar is not None:
        lines.append(f"calendar: {card.calendar.describe()}")
    policy = card.status_policy
    lines.append(f"status policy: {policy.describe()}")
    for item in result.parameters:
        lines.extend(_explain_parameter(item, in_card=True))
    parts = " + ".join(_pct(item.contribution) for item in result.parameters)
    lines.append(f"total = {parts} = {result.percent()}%")
    lines.append(f"projected total: {'-' if result.projected is None else _pct(result.projected)}")
    lines.append(f"status: {_html.words(result.status.value)} ({_card_reason(result, policy)})")
    return lines


def _card_reason(result: CardScore, policy: StatusPolicy) -> str:
    status = result.status
    over = result.as_of is not None and local_ordinal(as_utc(result.as_of), result.card.timezone) >= (
        result.card.period.end.toordinal()
    )
    total = f"{result.percent()}%"
    if status is Status.NOT_STARTED:
        return "no parameter has started"
    if status is Status.NO_DATA:
        return "no started parameter has a record yet"
    if over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"total {total} {sign} 100% and the period is over"
    if status is Status.ACHIEVED:
        return "the higher-is-better sums alone reach 100%, and they cannot fall"
    views = [why for why in map(_why, result.parameters) if why is not None]
    if views and not any(why.paced for why in views):
        return "no working day has elapsed yet"
    return _policy_reason(status, result.projected, policy)
