"""A team as one number: the ratio of sums of its cards' counts and amounts (DESIGN 0.3).

A manager's first question is "where is my team?".  For counts and amounts the
honest answer is the team's actual over the team's target (18 deals of 30: 60%),
never the mean of each person's percentage (which lets one person's 300% of a small
target hide two people's 20%).  `rollup` gives that per metric, and a total when
the cards are alike enough for one; `target_mismatches` says where a team card's
target is not the sum of its members' targets.

Pure: scores and cards in, values out; nothing here reads a clock or a store.  The
sums are exact, the achievements are 34-digit divisions (as scoring's), and every
decision (a threshold met, a cap reached, two targets equal) is taken on exact
fractions.  A roll-up's numbers never depend on the order of the cards; only the
order in which metrics are listed follows the cards (first seen, first listed).

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> def card(who, deals):
...     plan = Scorecard(who, User(who), c, c.period(0), [Parameter("deals_won", 10, 100)])
...     return score(plan, {"deals_won": deals}, as_of=pendulum.datetime(2024, 4, 20, tz="UTC"))
>>> team = rollup([card("ann", 12), card("bob", 4), card("eve", 2)])
>>> deals = team.parameter("deals_won")
>>> deals.actual, deals.target, deals.achievement, team.total  # 18 / 30, not the mean of 120%, 40% and 20%
(Decimal('18'), Decimal('30'), Decimal('0.6'), Decimal('0.6'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from scorekit import _display
from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, ZERO, exact_sum
from scorekit.parameter import Direction, Parameter
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore, ParameterScore
from scorekit.weight import Weight
from scorekit.window import ParameterWindow, shaped_exact

__all__ = ["ParameterRollUp", "RollUp", "TargetMismatch", "rollup", "target_mismatches"]

_HUNDRED: Final = Decimal(100)

_LOWER_IS_BETTER: Final = "lower is better: a sum of what each person should keep low is no target to reach"
_NEAR_TARGET: Final = "nearer the target is better: distances to targets do not add up"
_LEVEL: Final = "a level (an average or a latest value): levels do not add up"
_BASELINE: Final = "has a baseline: an achievement from a baseline is not a ratio of sums"
_UNITS: Final = "counted in different units"
_REASONS: Final = (_LOWER_IS_BETTER, _NEAR_TARGET, _LEVEL, _BASELINE)


@attrs.frozen
class ParameterRollUp:
    """One metric rolled up over cards: the sums of their actuals and targets, and the ratio of the sums.

    `actual` and `target` are exact sums (targets after proration, as each card is
    judged); `achievement` is ``actual / target`` in scorekit's 34-digit context;
    `cards` is how many cards count the metric.  When the roll-up has a total,
    `weight` is the metric's (shared) weight and `effective` the achievement after
    the shared threshold and cap, as scoring shapes a card's; otherwise both are None.

    >>> ParameterRollUp("deals_won", Decimal(18), Decimal(30), Decimal("0.6"), 3).achievement
    Decimal('0.6')
    """

    key: str
    actual: Decimal
    target: Decimal
    achievement: Decimal
    cards: int
    unit: str = attrs.field(default="", kw_only=True)
    weight: Weight | None = attrs.field(default=None, kw_only=True)
    effective: Decimal | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class RollUp:
    """Cards as one number (`rollup`): each metric's ratio of sums, the total when there is one, what was left out.

    - `parameters`: a `ParameterRollUp` per metric key of the cards' active
      higher-is-better SUM parameters without a baseline, in first-seen order;
    - `total`: when every card has the same active parameters apart from targets
      (same metric, weight, cap, threshold and direction) and none is skipped, the
      weighted sum of the rolled-up achievements after threshold and cap, as
      scoring sums a card's; else None;
    - `count`: how many cards;
    - `skipped`: the metric keys left out, each as a ``(key, reason)`` pair of
      strings, in first-seen order (a key is left out when it cannot be rolled up on
      some card that scores it: a lower-is-better, near-target, level or baseline
      parameter, or units that differ between cards; every reason found is given,
      in that order, so the reason never depends on the order of the cards).

    >>> print(RollUp((), None, 0, ()).explain())
    roll-up of 0 cards
    total: none (no card)
    """

    parameters: tuple[ParameterRollUp, ...]
    total: Decimal | None
    count: int
    skipped: tuple[tuple[str, str], ...] = ()

    def parameter(self, key: str) -> ParameterRollUp:
        """The roll-up of metric `key`; `KeyError` naming the keys there are (and the skipped ones) if none."""
        for item in self.parameters:
            if item.key == key:
                return item
        rolled = ", ".join(repr(item.key) for item in self.parameters) or "none"
        why = dict(self.skipped).get(key)
        msg = (
            f"metric {key!r} is not rolled up ({why})"
            if why
            else f"no metric {key!r} is rolled up; rolled up: {rolled}"
        )
        raise KeyError(msg)

    def explain(self) -> str:
        """How the roll-up came about: each metric's sums and ratio, the total (or why there is none), what was skipped.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> plan = [Parameter("deals_won", 10, 50, cap="1.2"), Parameter("revenue", 50_000, 50)]
        >>> def card(who, deals, revenue):
        ...     mine = Scorecard(who, User(who), c, c.period(0), plan)
        ...     return score(mine, {"deals_won": deals, "revenue": revenue}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> print(rollup([card("ann", 25, 30_000), card("bob", 5, 40_000)]).explain())
        roll-up of 2 cards
        deals_won: 30 / 20 = 150.00% (2 cards), weight 50%, capped at 120.00%
        revenue: 70000 / 100000 = 70.00% (2 cards), weight 50%
        total = 50% x 120.00% + 50% x 70.00% = 95.00%
        """
        lines = [f"roll-up of {_display.many(self.count, 'card')}"]
        for item in self.parameters:
            unit = f" {item.unit}" if item.unit else ""
            line = (
                f"{item.key}: {_display.quantity(item.actual)}{unit} / {_display.quantity(item.target)}{unit} = "
                f"{_display.percent(item.achievement)} ({_display.many(item.cards, 'card')})"
            )
            if item.weight is not None:
                line += f", weight {item.weight}"
            if item.effective is not None and item.effective != item.achievement:
                line += _shaping_note(item)
            lines.append(line)
        if self.total is not None:
            parts = " + ".join(
                f"{item.weight} x {_display.percent(item.effective)}"
                for item in self.parameters
                if item.weight is not None and item.effective is not None
            )
            lines.append(f"total = {parts} = {_display.percent(self.total)}")
        else:
            lines.append(f"total: none ({self._no_total_reason()})")
        lines.extend(f"skipped {key}: {reason}" for key, reason in self.skipped)
        return "\n".join(lines)

    def _no_total_reason(self) -> str:
        if not self.count:
            return "no card"
        if self.skipped:
            return "not every metric can be rolled up"
        return "the cards' parameters differ in more than their targets (metric, weight, cap, threshold or direction)"

    def to_records(self) -> list[dict[str, object]]:
        """One plain dict per rolled-up metric, ready for ``pandas.DataFrame``; fractions (1 = 100%) throughout.

        >>> RollUp((ParameterRollUp("deals_won", Decimal(18), Decimal(30), Decimal("0.6"), 3),), None, 3).to_records()[0]["achievement"]
        Decimal('0.6')
        """
        return [
            {
                "metric": item.key,
                "unit": item.unit,
                "actual": item.actual,
                "target": item.target,
                "achievement": item.achievement,
                "effective": item.effective,
                "weight": None if item.weight is None else item.weight.fraction,
                "cards": item.cards,
                "total": self.total,
                "count": self.count,
            }
            for item in self.parameters
        ]


def _shaping_note(item: ParameterRollUp) -> str:
    if item.effective == 0 and item.achievement != 0:
        return ", below its threshold: counts 0"
    return f", capped at {_display.percent(item.effective)}"


def _exact_target(window: ParameterWindow, reported: Decimal) -> Fraction:
    """The exact target a score's `reported` (34-digit) target stands for: the window's own when it is that one.

    A prorated target such as 10 x 17/30 is reported rounded; sums and decisions use
    the exact fraction, so a roll-up of one card decides as the card did.
    """
    return window.rule.exact_target if window.target == reported else Fraction(reported)


def _rolled(parameter: Parameter) -> str | None:
    """Why `parameter` cannot be rolled up as a ratio of sums, or None if it can."""
    if parameter.direction is Direction.LOWER_IS_BETTER:
        return _LOWER_IS_BETTER
    if parameter.direction is Direction.NEAR_TARGET:
        return _NEAR_TARGET
    if parameter.metric.is_level:
        return _LEVEL
    if parameter.baseline is not None:
        return _BASELINE
    return None


class _Sums:
    """One metric's running sums over the cards, and every reason it cannot be rolled up.

    Sums of Decimals are exact (`EXACT_SUMS`), so they never depend on the order of the
    cards.  The exact target sum keeps whole targets as one Decimal and counts the
    others (prorated, fractional) by value: cards of one template share a few of them,
    so a dashboard of 100,000 cards adds a few Fractions, not 100,000.
    """

    __slots__ = ("actual", "cards", "parameter", "parts", "reasons", "target", "units", "whole")

    def __init__(self, parameter: Parameter) -> None:
        self.parameter = parameter
        self.actual = self.target = self.whole = ZERO
        self.parts: dict[Fraction, int] = {}
        self.units: set[str] = set()
        self.reasons: set[str] = set()
        self.cards = 0

    def add(self, item: ParameterScore, window: ParameterWindow, reason: str | None) -> None:
        self.cards += 1
        self.units.add(item.parameter.metric.unit)
        if reason is not None:
            self.reasons.add(reason)
        if self.reasons:
            return
        add = EXACT_SUMS.add
        if item.actual is not None:
            self.actual = add(self.actual, item.actual)
        target = item.target
        self.target = add(self.target, target)
        exact = window.rule.exact_target
        if exact.denominator == 1 and window.target == target:  # a whole target is its Decimal exactly
            self.whole = add(self.whole, target)
        else:
            part = _exact_target(window, target)
            self.parts[part] = self.parts.get(part, 0) + 1

    def exact_target(self) -> Fraction:
        """The exact sum of the targets (each as its card is judged)."""
        return sum((part * times for part, times in self.parts.items()), Fraction(self.whole))

    def why_not(self) -> str | None:
        """Every reason, in a fixed order (never the cards' order), or None if the metric rolls up."""
        if self.reasons:
            return "; ".join(reason for reason in _REASONS if reason in self.reasons)
        if len(self.units) > 1:
            return f"{_UNITS} ({', '.join(repr(unit) for unit in sorted(self.units))})"
        return None


def _definition(parameter: Parameter) -> tuple[object, ...]:
    """What two cards' parameters must share, apart from the target, for a roll-up to have a total."""
    return (parameter.metric, parameter.weight, parameter.cap, parameter.threshold, parameter.direction)


def _add_card(result: CardScore, sums: dict[str, _Sums], reasons: dict[Parameter, str | None]) -> None:
    """Add one card's scored parameters to the metrics' sums."""
    windows = result.card.windows
    if len(windows) != len(result.parameters):
        windows = tuple(_windows(result.card)[scored.key] for scored in result.parameters)  # not the card's own
    for scored, given in zip(result.parameters, windows, strict=True):
        window = given if given.key == scored.key else _windows(result.card)[scored.key]
        parameter = scored.parameter
        if parameter not in reasons:
            reasons[parameter] = _rolled(parameter)
        found = sums.get(scored.key)
        if found is None:
            found = sums[scored.key] = _Sums(parameter)
        found.add(scored, window, reasons[parameter])


def rollup(scores: Iterable[CardScore]) -> RollUp:
    """`scores` as one number: per metric the ratio of the sums of actuals and targets, and a total when the cards agree.

    Each card counts once (a card given twice raises `InvalidScorecard`).  A metric
    is rolled up when every card that scores it has it as an active higher-is-better
    SUM parameter without a baseline, in one unit; others are listed in
    `RollUp.skipped` with the reason.  The total is the weighted sum of the rolled-up
    achievements after threshold and cap, when every card has the same active
    parameters apart from targets; otherwise None (a mean of unlike cards' totals
    is not a team's number).  A roll-up of one card has that card's numbers.  It sums
    whatever it is given, of any period: give it one period's cards (a dashboard's
    day, a group of similar cards).  `Group.rollup()` and `Dashboard.rollup()` are
    this function over their scores.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Direction, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> plan = [Parameter("deals_won", 10, 80), Parameter("complaints", 2, 20, direction=Direction.LOWER_IS_BETTER)]
    >>> card = Scorecard("ann", User("ann"), c, c.period(0), plan)
    >>> result = rollup([score(card, {"deals_won": 5, "complaints": 1}, as_of=pendulum.datetime(2024, 4, 9, tz="UTC"))])
    >>> [item.key for item in result.parameters], result.total, result.skipped[0][0]
    (['deals_won'], None, 'complaints')
    """
    sums: dict[str, _Sums] = {}
    seen: set[str] = set()
    # Cards of one template share their Parameter objects: each is judged once, each plan's definition found once.
    reasons: dict[Parameter, str | None] = {}
    plans: dict[tuple[Parameter, ...], frozenset[tuple[object, ...]]] = {}
    count = 0
    for result in scores:
        card = result.card
        if card.id in seen:
            msg = f"card {card.id!r} is given twice; a roll-up counts each card once"
            raise InvalidScorecard(msg)
        seen.add(card.id)
        count += 1
        _add_card(result, sums, reasons)
        if card.parameters not in plans:
            plans[card.parameters] = frozenset(_definition(window.parameter) for window in card.windows)
    definitions = set(plans.values())
    rolled: list[tuple[_Sums, ParameterRollUp, Fraction]] = []
    skipped: list[tuple[str, str]] = []
    for key, found in sums.items():
        why = found.why_not()
        if why is not None:
            skipped.append((key, why))
            continue
        actual, target = found.actual, found.target
        exact = Fraction(actual) / found.exact_target()
        (unit,) = found.units
        rolled.append(
            (found, ParameterRollUp(key, actual, target, EXACT.divide(actual, target), found.cards, unit=unit), exact)
        )
    if not count or skipped or len(definitions) != 1:
        return RollUp(tuple(item for _, item, _ in rolled), None, count, tuple(skipped))
    parameters: list[ParameterRollUp] = []
    total = ZERO
    for found, item, exact in rolled:
        # One definition for every card: its threshold and cap shape the ratio, as scoring shapes a card's.
        parameter = found.parameter
        effective = _effective(item.achievement, exact, parameter)
        total = EXACT_SUMS.add(total, EXACT_SUMS.multiply(parameter.weight.fraction, effective))
        parameters.append(attrs.evolve(item, weight=parameter.weight, effective=effective))
    return RollUp(tuple(parameters), total, count, ())


def _effective(achievement: Decimal, exact: Fraction, parameter: Parameter) -> Decimal:
    """The reported achievement after threshold and cap, decided on its exact value: itself, 0 or the cap."""
    counted = shaped_exact(exact, parameter)
    if counted == exact:
        return achievement
    cap = parameter.cap
    return cap if cap is not None and counted == cap else ZERO


def _windows(card: Scorecard) -> Mapping[str, ParameterWindow]:
    return {window.key: window for window in card.windows}


@attrs.frozen
class TargetMismatch:
    """A team card's target for a metric that is not the sum of its members' targets for it.

    Targets are as each card is judged in its period (after proration), exact.

    >>> TargetMismatch("deals_won", Decimal(100), Decimal(90)).members_target
    Decimal('90')
    """

    key: str
    team_target: Decimal
    members_target: Decimal


def target_mismatches(team_card: Scorecard, member_cards: Iterable[Scorecard]) -> tuple[TargetMismatch, ...]:
    """Each active SUM parameter of `team_card` whose target differs from the sum of the members' targets for its key.

    The members' targets are summed over the `member_cards` of the team card's own
    period (other periods, and the team card itself if given, are left out), each
    card once (a card given twice raises `InvalidScorecard`); a member card without
    the metric adds nothing.  Targets are compared exactly, as the cards are judged
    (after proration: three members prorated to 10/3 each match a team target of 10).
    In the team card's parameter order.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, Team, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> team = Scorecard("t", Team("east", frozenset({"ann", "bob", "eve"})), c, c.period(0), [Parameter("deals_won", 100, 100)])
    >>> members = [Scorecard(who, User(who), c, c.period(0), [Parameter("deals_won", 30, 100)]) for who in ("ann", "bob", "eve")]
    >>> target_mismatches(team, members)  # 100 vs 30 + 30 + 30
    (TargetMismatch(key='deals_won', team_target=Decimal('100'), members_target=Decimal('90')),)
    """
    keys = {window.key: window for window in team_card.windows if not window.level}
    exact: dict[str, Fraction] = dict.fromkeys(keys, Fraction(0))
    reported: dict[str, list[Decimal]] = {key: [] for key in keys}
    seen: set[str] = set()
    for card in member_cards:
        if card.id in seen:
            msg = f"card {card.id!r} is given twice; each member card counts once"
            raise InvalidScorecard(msg)
        seen.add(card.id)
        if card.id == team_card.id or card.period != team_card.period:
            continue
        for window in card.windows:
            if window.key in exact:
                exact[window.key] += window.rule.exact_target
                reported[window.key].append(window.target)
    found = []
    for key, window in keys.items():
        if window.rule.exact_target != exact[key]:
            members = exact[key]
            as_decimal = exact_sum(reported[key])
            if Fraction(as_decimal) != members:  # a prorated sum: its exact value, to 34 digits
                as_decimal = EXACT.divide(Decimal(members.numerator), Decimal(members.denominator))
            found.append(TargetMismatch(key, window.target, as_decimal))
    return tuple(found)
