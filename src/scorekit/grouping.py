"""Grouping similar cards, summarising scores, and editing many cards at once (F9, F10, F16).

>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> a = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
>>> b = a.copy_for(User("bob"), id="b")
>>> similarity_key(a) == similarity_key(b), metrics_key(a) == metrics_key(b.with_parameters([Parameter("deals", 20, 100)]))
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, exact_sum
from scorekit.parameter import Parameter
from scorekit.scorecard import Scorecard
from scorekit.scoring import CardScore, Status

__all__ = [
    "Group",
    "KeyFunction",
    "Summary",
    "apply_parameters",
    "group_scores",
    "metrics_key",
    "similarity_key",
    "summarize",
]

KeyFunction = Callable[[Scorecard], Hashable]


def similarity_key(card: Scorecard) -> Hashable:
    """Cards are similar when they share a period and equal parameters (in any order).

    Parameters are equal when every setting is: metric, target, weight, direction,
    cap, threshold, start, proration and whether they are active.
    """
    return (card.period, frozenset(card.parameters))


def metrics_key(card: Scorecard) -> Hashable:
    """Cards are alike when they count the same active metrics, whatever the targets or periods."""
    return tuple(sorted(p.key for p in card.active_parameters))


@attrs.frozen
class Summary:
    """Totals over a set of card scores (F9): counts per status and mean achievement per metric.

    `mean_total` and `median_total` are None for no cards; `per_metric` averages the
    achievements of parameters that have started.
    """

    count: int
    mean_total: Decimal | None
    median_total: Decimal | None
    on_track: int
    behind: int
    achieved: int
    not_started: int
    missed: int
    per_metric: Mapping[str, Decimal]


def _mean(values: Sequence[Decimal]) -> Decimal:
    return EXACT.divide(exact_sum(values), Decimal(len(values)))


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return EXACT.divide(EXACT_SUMS.add(ordered[middle - 1], ordered[middle]), Decimal(2))


def summarize(scores: Iterable[CardScore]) -> Summary:
    """The `Summary` of `scores`.

    >>> summarize([]).count, summarize([]).mean_total
    (0, None)
    """
    items = tuple(scores)
    totals = [s.total for s in items]
    counts = dict.fromkeys(Status, 0)
    achievements: dict[str, list[Decimal]] = {}
    for item in items:
        counts[item.status] += 1
        for parameter in item.parameters:
            if parameter.status is not Status.NOT_STARTED:
                achievements.setdefault(parameter.key, []).append(parameter.achievement)
    return Summary(
        count=len(items),
        mean_total=_mean(totals) if totals else None,
        median_total=_median(totals) if totals else None,
        on_track=counts[Status.ON_TRACK],
        behind=counts[Status.BEHIND],
        achieved=counts[Status.ACHIEVED],
        not_started=counts[Status.NOT_STARTED],
        missed=counts[Status.MISSED],
        per_metric={key: _mean(values) for key, values in sorted(achievements.items())},
    )


@attrs.frozen
class Group:
    """Similar cards (F10): the shared key, their scores and their own summary."""

    key: Hashable
    scores: tuple[CardScore, ...]
    summary: Summary

    @property
    def card_ids(self) -> tuple[str, ...]:
        """The ids of the cards in the group, for a bulk edit (F16)."""
        return tuple(s.card.id for s in self.scores)


def group_scores(scores: Iterable[CardScore], key: KeyFunction = similarity_key) -> tuple[Group, ...]:
    """`scores` grouped by `key` of their cards, groups in order of first appearance."""
    groups: dict[Hashable, list[CardScore]] = {}
    for item in scores:
        groups.setdefault(key(item.card), []).append(item)
    return tuple(Group(k, tuple(v), summarize(v)) for k, v in groups.items())


def apply_parameters(cards: Iterable[Scorecard], parameters: Iterable[Parameter]) -> tuple[Scorecard, ...]:
    """Every card with `parameters` instead of its own (F16), or `InvalidScorecard` naming each card that would break.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> a = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
    >>> apply_parameters([a], [Parameter("deals", 10, 50)])
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: 1 of 1 cards would be invalid; none was changed:
      card 'a': active weights sum to 50% (50%), expected exactly 100%
    """
    new = tuple(parameters)
    result = []
    problems = []
    items = tuple(cards)
    for card in items:
        try:
            result.append(card.with_parameters(new))
        except InvalidScorecard as error:
            problems.append(str(error))
    if problems:
        msg = f"{len(problems)} of {len(items)} cards would be invalid; none was changed:\n  " + "\n  ".join(problems)
        raise InvalidScorecard(msg)
    return tuple(result)
