"""Telling people in time: what changed between two scores of a card, and what is still needed (DESIGN 0.3).

A host keeps the last score it told someone about; when it scores the card again,
`transitions` says what to tell: a status that changed (the card's, then each
parameter's), a milestone of the total crossed upward (50%, 90%, 100% by default)
or lost.  `needed` says, per parameter, how much more would bring the card's total
to 100% (or another goal) on its own: the gap to quota.

Pure and deterministic: two scores in, values out; no clock, no store.  Totals are
compared exactly (from the cards' rules, as scoring decides), so a card whose exact
total is 1 has reached 100% even when its 34-digit total reads 0.999...

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 50), Parameter("calls", 200, 50)])
>>> at = lambda day: pendulum.datetime(2024, 4, day, tz="UTC")
>>> monday = score(card, {"deals_won": 6, "calls": 60}, as_of=at(15))
>>> tuesday = score(card, {"deals_won": 7, "calls": 100}, as_of=at(16))
>>> for t in transitions(monday, tuesday):  # total 45% -> 60%, projected 90% -> 112.5%
...     print(t.describe())
card c1: behind -> on track
card c1 reached 50.00% (45.00% -> 60.00%)
>>> needed(tuesday)  # alone: deals 50% x 15/10 + 25% = 100%, calls 35% + 50% x 260/200 = 100%
{'deals_won': Decimal('8'), 'calls': Decimal('160')}
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from scorekit import _display
from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT_SUMS, MAX_PLACES, ONE, ZERO, to_decimal
from scorekit.parameter import Direction
from scorekit.scores import CardScore, ParameterScore
from scorekit.status import Status
from scorekit.window import ParameterWindow, shaped_exact

__all__ = ["Transition", "TransitionKind", "needed", "transitions"]

_MILESTONES: Final = (Decimal("0.5"), Decimal("0.9"), ONE)
_SCALE: Final = 10**MAX_PLACES


class TransitionKind(enum.Enum):
    """What a `Transition` reports: a status that changed, a milestone of the total reached, or one lost.

    >>> TransitionKind("milestone_lost") is TransitionKind.MILESTONE_LOST
    True
    """

    STATUS = "status"
    MILESTONE = "milestone"
    MILESTONE_LOST = "milestone_lost"


@attrs.frozen
class Transition:
    """One thing to tell about a card: a status change, or a milestone of its total crossed.

    For STATUS: `key` is None for the card's own status, else the parameter's metric
    key; `before` and `after` are `Status`es (`before` None when there was no earlier
    score).  For MILESTONE and MILESTONE_LOST: `key` is None, `before` and `after`
    are the card's totals (`before` None when there was no earlier score: counted
    from 0) and `milestone` is the fraction crossed (1 = 100%).

    >>> t = Transition("c1", TransitionKind.MILESTONE, None, Decimal("0.85"), Decimal("0.92"), Decimal("0.9"))
    >>> t.describe()
    'card c1 reached 90.00% (85.00% -> 92.00%)'
    """

    card_id: str
    kind: TransitionKind
    key: str | None
    before: Status | Decimal | None
    after: Status | Decimal
    milestone: Decimal | None = None

    def describe(self) -> str:
        """One line for a notification, numbers rounded for display.

        >>> Transition("c1", TransitionKind.STATUS, "calls", Status.ON_TRACK, Status.BEHIND).describe()
        'card c1, calls: on track -> behind'
        """
        if self.kind is TransitionKind.STATUS:
            where = f"card {self.card_id}" if self.key is None else f"card {self.card_id}, {self.key}"
            return f"{where}: {_word(self.before)} -> {_word(self.after)}"
        verb = "reached" if self.kind is TransitionKind.MILESTONE else "fell below"
        before = "none" if self.before is None else _shown(self.before)
        return f"card {self.card_id} {verb} {_shown(self.milestone)} ({before} -> {_shown(self.after)})"


def _word(value: object) -> str:
    return _display.words(value.value) if isinstance(value, Status) else "none"


def _shown(value: object) -> str:
    return _display.percent(value) if isinstance(value, Decimal) else "none"


def _milestones(values: Iterable[object]) -> tuple[Decimal, ...]:
    found = {to_decimal(value, name="milestone") for value in values}
    return tuple(sorted(found))


def transitions(
    before: CardScore | None, after: CardScore, *, milestones: Iterable[object] = _MILESTONES
) -> tuple[Transition, ...]:
    """What to tell about `after`, given the last score told about (`before`, None if none).

    In this order: the card's status change (key None); each parameter's status
    change, in `after`'s card order (a parameter `before` did not score changes from
    None); each milestone the total crossed, ascending: upward (MILESTONE) when
    ``before total < m <= after total``, downward (MILESTONE_LOST) when ``after total
    < m <= before total``.  With no earlier score the statuses change from None
    (NOT_STARTED ones are not reported: nothing has happened yet) and milestones are
    counted from 0.  Totals are compared exactly.  Scores of two different cards
    raise `InvalidScorecard` (a `ScorekitError`).

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> first = score(card, {"deals_won": 9}, as_of=pendulum.datetime(2024, 4, 20, tz="UTC"))
    >>> for t in transitions(None, first):
    ...     print(t.describe())
    card c1: none -> on track
    card c1, deals_won: none -> on track
    card c1 reached 50.00% (none -> 90.00%)
    card c1 reached 90.00% (none -> 90.00%)
    """
    if before is not None and before.card.id != after.card.id:
        msg = (
            f"transitions compares two scores of one card, got card {before.card.id!r} and card {after.card.id!r}; "
            "give the last score of the same card (or None)"
        )
        raise InvalidScorecard(msg)
    card_id = after.card.id
    found: list[Transition] = []
    status = _status_change(card_id, None, None if before is None else before.status, after.status)
    if status is not None:
        found.append(status)
    earlier = {} if before is None else {item.key: item.status for item in before.parameters}
    for item in after.parameters:
        status = _status_change(card_id, item.key, earlier.get(item.key), item.status)
        if status is not None:
            found.append(status)
    low = Fraction(0) if before is None else exact_total(before)
    high = exact_total(after)
    for milestone in _milestones(milestones):
        if low < milestone <= high:
            found.append(Transition(card_id, TransitionKind.MILESTONE, None, _total(before), after.total, milestone))
        elif high < milestone <= low:
            found.append(
                Transition(card_id, TransitionKind.MILESTONE_LOST, None, _total(before), after.total, milestone)
            )
    return tuple(found)


def _total(result: CardScore | None) -> Decimal | None:
    return None if result is None else result.total


def _status_change(card_id: str, key: str | None, before: Status | None, after: Status) -> Transition | None:
    if before is after or (before is None and after is Status.NOT_STARTED):
        return None
    return Transition(card_id, TransitionKind.STATUS, key, before, after)


def _windows(result: CardScore) -> dict[str, ParameterWindow]:
    return {window.key: window for window in result.card.windows}


def _effective(item: ParameterScore, window: ParameterWindow) -> Fraction:
    """A scored parameter's effective achievement, exactly: what it adds to the card's total, per unit of weight.

    From the card's rule where the score kept the rule's value (its threshold and cap
    applied exactly), else the effective the score reports (0 below a threshold, a
    cap): the values scoring decided on.
    """
    if item.status is Status.NOT_STARTED or item.actual is None:
        return Fraction(0)
    if item.effective == item.achievement:
        return shaped_exact(window.rule.exact(Fraction(item.actual)), item.parameter)
    return Fraction(item.effective)


def exact_total(result: CardScore) -> Fraction:
    """The card's total as an exact fraction: the value its status is decided on.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
    >>> result = score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    >>> result.total < 1, exact_total(result)  # 1/3 + 2/3
    (True, Fraction(1, 1))
    """
    windows = _windows(result)
    return sum(
        (Fraction(item.parameter.weight.fraction) * _effective(item, windows[item.key]) for item in result.parameters),
        Fraction(0),
    )


def needed(result: CardScore, *, total: object = 1) -> Mapping[str, Decimal | None]:
    """Per active parameter, the least extra actual that alone brings the card's total to `total` (1 = 100%).

    Each parameter on its own: that much more of its actual by its window's end,
    every other actual as it is, no pace.  0 for every parameter when the total is
    already reached; None for a parameter that cannot get there alone: its cap is
    too low, it is a level, lower-is-better or near-target (more is not simply
    better), or its window has not started.  A threshold must be reached too.  A
    baseline is followed (``(a - b) / (t - b)``).  Exact, then rounded up to 12
    decimals (ROUND_CEILING): adding it reaches the goal, 1e-12 less does not.
    Parameters in the card's order.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 50), Parameter("calls", 200, 50)])
    >>> result = score(card, {"deals": 6, "calls": 100}, as_of=pendulum.datetime(2024, 4, 15, tz="UTC"))
    >>> result.total, needed(result)  # 50% x 6/10 + 50% x 100/200 = 55%
    (Decimal('0.55'), {'deals': Decimal('9'), 'calls': Decimal('180')})
    >>> capped = card.with_parameters([Parameter("deals", 10, 50, cap="1.2"), Parameter("calls", 200, 50)])
    >>> needed(score(capped, {"deals": 6, "calls": 100}, as_of=pendulum.datetime(2024, 4, 15, tz="UTC")))
    {'deals': None, 'calls': Decimal('180')}
    """
    goal = Fraction(to_decimal(total, name="needed total"))
    windows = _windows(result)
    effective = {item.key: _effective(item, windows[item.key]) for item in result.parameters}
    weights = {item.key: Fraction(item.parameter.weight.fraction) for item in result.parameters}
    reached = sum((weights[key] * value for key, value in effective.items()), Fraction(0))
    if reached >= goal:
        return dict.fromkeys(effective, ZERO)
    answer: dict[str, Decimal | None] = {}
    for item in result.parameters:
        key = item.key
        others = reached - weights[key] * effective[key]
        answer[key] = _needed_one(item, windows[key], (goal - others) / weights[key])
    return answer


def _needed_one(item: ParameterScore, window: ParameterWindow, wanted: Fraction) -> Decimal | None:
    """The least extra actual for `item` whose effective achievement reaches `wanted`, rounded up; None if none does."""
    parameter = item.parameter
    if (
        item.status is Status.NOT_STARTED
        or item.actual is None
        or window.level
        or parameter.direction is not Direction.HIGHER_IS_BETTER
    ):
        return None
    if parameter.cap is not None and parameter.cap < wanted:
        return None  # the cap stops it short of the goal, whatever the actual
    if parameter.threshold is not None:
        wanted = max(wanted, Fraction(parameter.threshold))  # below the threshold it counts 0, short of the goal
    # Above its baseline (or 0) a higher-is-better rule is a straight line through the target (achievement 1):
    # achievement(a) = 1 + (a - t) * slope, so a = t + (wanted - 1) / slope.
    target = window.rule.exact_target
    slope = window.rule.exact(target + 1) - window.rule.exact(target)
    extra = target + (wanted - 1) / slope - Fraction(item.actual)
    return _ceiling(extra)


def _ceiling(value: Fraction) -> Decimal:
    """`value` rounded up to 12 decimals, exactly (never below `value`), without trailing zeros after the point."""
    units, places = math.ceil(value * _SCALE), MAX_PLACES
    while places and not units % 10:
        units //= 10
        places -= 1
    return Decimal(units).scaleb(-places, EXACT_SUMS)
