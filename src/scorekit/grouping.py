"""Dashboards: summaries, groups of similar cards, rankings, records, trends, and bulk edits (F9, F10, F16).

Pure: scores in, values and text out; no I/O, no clock (the dashboard's `as_of` comes in).

>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> a = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
>>> b = a.copy_for(User("bob"), id="b")
>>> similarity_key(a) == similarity_key(b), metrics_key(a) == metrics_key(b.with_parameters([Parameter("deals", 20, 100)]))
(True, True)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import Final, cast

import attrs
from pendulum import Date

from scorekit import _display
from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, exact_sum
from scorekit.parameter import Parameter
from scorekit.period import Period, as_utc
from scorekit.rollup import RollUp, rollup
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore, ParameterScore, exact_values
from scorekit.status import Status
from scorekit.window import ParameterWindow, shaped_exact

__all__ = [
    "CardFailure",
    "Dashboard",
    "Group",
    "KeyFunction",
    "Ranked",
    "Summary",
    "Trend",
    "apply_parameters",
    "card_records",
    "describe_key",
    "group_scores",
    "metrics_key",
    "rank",
    "similarity_key",
    "summarize",
    "summarize_groups",
]

KeyFunction = Callable[[Scorecard], Hashable]


Fact = tuple[Scorecard, Decimal, Status, Iterable[tuple[str, Decimal, Status]]]
"""What a summary reads of a score: card, total, status and (key, achievement, status) per parameter."""

AddParameters = Callable[[Iterable[tuple[str, Decimal, Status]], int], None]
"""Counts one score's (key, achievement, status) per parameter for a number of scores that have the same."""

Tallied = tuple[list[Decimal], list[Status]]
"""Each total and status of many scores (their parameters given to an `AddParameters`), as a batch tallies its rows."""


def fact_of(item: CardScore) -> Fact:
    """A built score's `Fact`."""
    return item.card, item.total, item.status, [(p.key, p.achievement, p.status) for p in item.parameters]


def similarity_key(card: Scorecard) -> Hashable:
    """Cards are similar when they share a period and equal parameters (in any order).

    Parameters are equal when every setting is: metric, target (and its steps), weight,
    direction, cap, threshold, start, proration and whether they are active.  A card's
    plan counts too: its ramp factor and its phasing (a ramped card is not alike a
    full one); a plain card's key holds neither.
    """
    if card.ramp_factor == 1 and card.phasing is None:
        return (card.period, frozenset(card.parameters))
    return (card.period, frozenset(card.parameters), card.ramp_factor, card.phasing)


def metrics_key(card: Scorecard) -> Hashable:
    """Cards are alike when they count the same active metrics, whatever the targets or periods."""
    return tuple(sorted(p.key for p in card.active_parameters))


_NOT_STARTED: Final = "not_started"


@attrs.frozen(repr=False)
class Summary:
    """Totals over a set of card scores (F9): a count per status, the mean and median total, each metric's mean.

    The counts add up to `count`.  `mean_total` and `median_total` are over the cards
    that have started: a NOT_STARTED card is counted, never averaged as 0; both are
    None while no card has started.  `per_metric` averages the achievements of the
    parameters that have a number (started, and not NO_DATA).  Its plain repr is two
    lines whatever the number of cards.

    >>> summarize([])
    <Summary of 0 cards, 0 started: mean none, median none
     0 achieved, 0 on track, 0 behind, 0 at risk, 0 missed, 0 no data, 0 not started>
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
    at_risk: int = attrs.field(default=0, kw_only=True)
    no_data: int = attrs.field(default=0, kw_only=True)
    failed: int = attrs.field(default=0, kw_only=True)
    """Cards a dashboard could not score (`Dashboard.failures`): counted apart, not in `count`."""

    @property
    def started(self) -> int:
        """How many cards have started: those the mean and median are over."""
        return self.count - self.not_started

    def __repr__(self) -> str:
        return f"<Summary of {_summary_text(self)}>"

    def _repr_html_(self) -> str:
        return _summary_table(self)


def _shown(value: Decimal | None) -> str:
    return "none" if value is None else _display.percent(value)


def _summary_text(summary: Summary) -> str:
    return (
        f"{_display.many(summary.count, 'card')}, {summary.started:,} started: mean {_shown(summary.mean_total)}, "
        f"median {_shown(summary.median_total)}\n {_counts(summary)}"
        + (f"; {summary.failed:,} could not be scored" if summary.failed else "")
    )


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

    Statuses are counted by their value, so every status there is gets its count.

    >>> summarize([]).count, summarize([]).mean_total
    (0, None)
    """
    return _Tally.of(scores).summary()


class _Tally:
    """What a `Summary` is computed from; tallies of parts merge into the tally of the whole, exactly."""

    __slots__ = ("achievements", "by_status", "count", "totals")

    def __init__(self) -> None:
        self.count = 0
        self.by_status: dict[Status, int] = dict.fromkeys(Status, 0)
        self.totals: list[Decimal] = []
        self.achievements: dict[str, list[Decimal]] = {}

    @classmethod
    def of(cls, scores: Iterable[CardScore]) -> _Tally:
        tally = cls()
        by_status, totals, achievements = tally.by_status, tally.totals, tally.achievements
        not_started, no_data = Status.NOT_STARTED, Status.NO_DATA  # compared by identity: members are singletons

        def add(parameters: Iterable[tuple[str, Decimal, Status]], cards: int) -> None:
            for key, achievement, parameter_status in parameters:
                if parameter_status is not not_started and parameter_status is not no_data:
                    found = achievements.get(key)
                    if found is None:
                        found = achievements[key] = []
                    if cards == 1:
                        found.append(achievement)
                    else:
                        found += [achievement] * cards  # a mean: the order of the values does not matter

        # a dashboard's scores are read from their batches' columns: no CardScore is built for this
        tallied = getattr(scores, "_tallied", None)
        if tallied is not None:
            all_totals, all_statuses = tallied(add)
        else:
            all_totals, all_statuses = [], []
            for _card, total, status, parameters in map(fact_of, scores):
                all_totals.append(total)
                all_statuses.append(status)
                add(parameters, 1)
        for total, status in zip(all_totals, all_statuses, strict=True):
            by_status[status] += 1
            if status is not not_started:
                totals.append(total)
        tally.count = len(all_statuses)
        return tally

    @classmethod
    def merged(cls, parts: Iterable[_Tally]) -> _Tally:
        """The tally of every part's scores (sums are exact and the median sorts: order does not matter)."""
        tally = cls()
        for part in parts:
            tally.count += part.count
            for status, n in part.by_status.items():
                tally.by_status[status] += n
            tally.totals += part.totals
            for key, values in part.achievements.items():
                tally.achievements.setdefault(key, []).extend(values)
        return tally

    def summary(self) -> Summary:
        counts = {status.value: n for status, n in self.by_status.items()}
        totals = self.totals
        return Summary(
            count=self.count,
            mean_total=_mean(totals) if totals else None,
            median_total=_median(totals) if totals else None,
            on_track=counts["on_track"],
            behind=counts["behind"],
            achieved=counts["achieved"],
            not_started=counts[_NOT_STARTED],
            missed=counts["missed"],
            per_metric={key: _mean(values) for key, values in sorted(self.achievements.items())},
            at_risk=counts["at_risk"],
            no_data=counts["no_data"],
        )


def describe_key(key: object, limit: int = 80) -> str:
    """A group's key in a few words: periods as people write them, parameters by metric key, cut at `limit`.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 60), Parameter("calls", 9, 40)])
    >>> print(describe_key(similarity_key(card)), "|", describe_key(metrics_key(card)))
    2024-01-01 to 2024-01-31 · calls, deals | calls, deals
    """
    shown = _describe(key)
    return shown if len(shown) <= limit else shown[: limit - 1] + "\u2026"


def _describe(key: object) -> str:  # noqa: PLR0911 - one plain return per kind of key part
    if isinstance(key, str):
        return key
    if isinstance(key, Period):
        return _period(key)
    if isinstance(key, Parameter):
        return key.key
    if isinstance(key, frozenset | set):
        return ", ".join(sorted(_describe(part) for part in key))
    if isinstance(key, tuple):
        if all(isinstance(part, str) for part in key):
            return ", ".join(key)
        return " \u00b7 ".join(_describe(part) for part in key)
    return repr(key)


@attrs.frozen(repr=False)
class Group:
    """Similar cards (F10): the shared key, their scores and their own summary.

    Its plain repr is three lines (the key in a few words, the mean, the counts), never every score.
    """

    key: Hashable
    scores: Sequence[CardScore]
    """A tuple, or a dashboard's `ScoreRows` (each `CardScore` built when asked)."""
    summary: Summary

    @property
    def card_ids(self) -> tuple[str, ...]:
        """The ids of the cards in the group, for a bulk edit (F16)."""
        return tuple(s.card.id for s in self.scores)

    def leaderboard(self, by: str = "total") -> tuple[Ranked, ...]:
        """The group's cards ranked, as `rank` does."""
        return rank(self.scores, by=by)

    def rollup(self) -> RollUp:
        """The group as one number: `scorekit.rollup.rollup` of its scores (ratios of sums, never a mean of ratios)."""
        return rollup(self.scores)

    def __repr__(self) -> str:
        return f"<Group {describe_key(self.key)}\n {_summary_text(self.summary)}>"

    def _repr_html_(self) -> str:
        caption = _caption(self.summary, prefix=describe_key(self.key))
        return _ranked_table(self.leaderboard(), caption, "scorekit-group")


def group_scores(scores: Iterable[CardScore], key: KeyFunction = similarity_key) -> tuple[Group, ...]:
    """`scores` grouped by `key` of their cards, groups in order of first appearance."""
    return tuple(Group(k, members, _Tally.of(members).summary()) for k, members in _grouped(scores, key))


def summarize_groups(
    scores: Iterable[CardScore], key: KeyFunction = similarity_key
) -> tuple[Summary, tuple[Group, ...]]:
    """``(summarize(scores), group_scores(scores, key))`` in one pass over the scores (what a dashboard shows).

    >>> summary, groups = summarize_groups([])
    >>> summary.count, groups
    (0, ())
    """
    picked = _grouped(scores, key)
    tallies = [_Tally.of(members) for _, members in picked]
    return _Tally.merged(tallies).summary(), tuple(
        Group(k, members, tally.summary()) for (k, members), tally in zip(picked, tallies, strict=True)
    )


def _grouped(scores: Iterable[CardScore], key: KeyFunction) -> list[tuple[Hashable, Sequence[CardScore]]]:
    """Each `key` of the cards with its scores, in order of first appearance."""
    pick = getattr(scores, "pick", None)
    if pick is not None:  # a batch's or a dashboard's rows (`scorekit.batch`): group them, build no score
        return [(k, pick(v)) for k, v in _positions(scores.cards, key).items()]  # type: ignore[attr-defined]
    items = tuple(scores)
    return [(k, tuple(items[i] for i in v)) for k, v in _positions([s.card for s in items], key).items()]


def _positions(cards: Sequence[Scorecard], key: KeyFunction) -> dict[Hashable, list[int]]:
    """Each `key` of `cards` with the positions of its cards, in order of first appearance."""
    at: dict[Hashable, list[int]] = {}
    if key is not similarity_key:
        for index, card in enumerate(cards):
            at.setdefault(key(card), []).append(index)
        return at
    # Cards copied from one card share its period and parameters: look each such pair up once.
    # Equal keys of distinct parameters compare every setting of every parameter, once per card
    # otherwise.  Keys by id() are safe: `cards` holds every card, so its period and parameters, alive.
    shared: dict[tuple[int, int], list[int]] = {}
    for index, card in enumerate(cards):
        pair = (id(card.period), id(card.parameters))
        positions = shared.get(pair)
        if positions is None:
            positions = shared[pair] = at.setdefault(similarity_key(card), [])
        positions.append(index)
    return at


# -- ranking -------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class Ranked:
    """A place in a ranking: `rank` (1 is best; equal values share a rank) and the card's `score`.

    Its repr names the card, not every number behind it, so a leaderboard prints short.
    """

    rank: int
    score: CardScore

    def __repr__(self) -> str:
        card = self.score.card
        return (
            f"Ranked({self.rank}, <CardScore {card.id!r} of {card.owner.id!r}, "
            f"{_period(card.period)}: "
            f"{_display.percent(self.score.total)} {_display.words(self.score.status.value)}>)"
        )


_ABSENT: Final = object()


def _value(item: CardScore, by: str) -> Decimal | object | None:
    """What `item` is ranked by: its total, its projected total, or one parameter's effective (or absent)."""
    if by == "total":
        return item.total
    if by == "projected":
        return item.projected
    for parameter in item.parameters:
        if parameter.key == by:
            return parameter.effective
    return _ABSENT


def _tie_break(item: CardScore) -> tuple[str, str, int, _dt.datetime]:
    return (item.card.owner.id, item.card.id, item.card.period.start.toordinal(), as_utc(item.as_of))


# -- exact values for close calls ------------------------------------------------------------
#
# A total is a sum of weighted achievements, each a division carried to 34 digits, so two
# totals within ~1e-33 of each other may be in the wrong order, or tie when they do not
# (halves of 1/3 and 5/3 are exactly 1, yet sum to 1.00...00015).  Ranking decides such
# close calls on exact rationals: each parameter's achievement through its window's own
# rule (`scorekit.achievement`, `Rule.exact`) from the reported actual, then threshold and
# cap.  Far apart values never need this.

_CLOSE: Final = Decimal("1e-30")


def _close(higher: Decimal, lower: Decimal) -> bool:
    return EXACT_SUMS.subtract(higher, lower) <= _CLOSE * (1 + abs(higher))


def _exact_effective(item: ParameterScore, window: ParameterWindow, *, projected: bool = False) -> Fraction:
    """A parameter's effective achievement (or, `projected`, its projection after threshold and cap), exactly."""
    if item.status is Status.NOT_STARTED and projected:  # on plan in the card's projection
        return Fraction(window.planned) / Fraction(window.fraction)
    if item.status is Status.NOT_STARTED or item.actual is None:
        return Fraction(0)
    if item._why is not None:  # noqa: SLF001 - scored here: the rule and pace the loop judged by
        exact = exact_values(item)
        value = exact.projected if projected else exact.achievement
        return shaped_exact(exact.achievement if value is None else value, item.parameter)
    actual = Fraction(item.actual)
    if projected and not window.level and item.expected is not None and 0 < item.expected < 1:
        # the pace: actual * days / elapsed, elapsed recovered whole from expected = elapsed / days
        elapsed = round(Fraction(item.expected) * window.days)
        actual = actual * window.days / elapsed
    return shaped_exact(window.rule.exact(actual), item.parameter)


def _exact(item: CardScore, by: str) -> Fraction:
    """`item`'s value for `by` as an exact rational."""
    windows = {window.key: window for window in item.card.windows}
    if by in ("total", "projected"):
        return sum(
            (
                Fraction(windows[p.key].fraction) * _exact_effective(p, windows[p.key], projected=by == "projected")
                for p in item.parameters
            ),
            Fraction(0),
        )
    return _exact_effective(item.parameter(by), windows[by])


def _inputs(item: CardScore, by: str) -> Hashable:
    """What `_exact(item, by)` depends on: cards from one template with the same numbers share it."""
    return by, tuple((p.parameter, p.target, p.actual, p.expected, p.status) for p in item.parameters)


def _settle_close_calls(ordered: list[tuple[Decimal, int, CardScore]], by: str) -> list[tuple[object, CardScore]]:
    """`ordered` (best first; the int is the tie order) with every run of close values ordered by exact value."""
    settled: list[tuple[object, CardScore]] = []
    known: dict[Hashable, Fraction] = {}  # ties are mostly cards of one template with equal numbers

    def exact(item: CardScore) -> Fraction:
        inputs = _inputs(item, by)
        value = known.get(inputs)
        if value is None:
            value = known[inputs] = _exact(item, by)
        return value

    start = 0
    while start < len(ordered):
        end = start + 1
        while end < len(ordered) and _close(ordered[end - 1][0], ordered[end][0]):
            end += 1
        if end - start == 1:
            settled.append((ordered[start][0], ordered[start][2]))
        else:
            run = sorted(ordered[start:end], key=itemgetter(1))
            exact_run = [(exact(item), item) for _, _, item in run]
            exact_run.sort(key=itemgetter(0), reverse=True)  # stable: exact ties keep the tie order
            settled.extend(exact_run)
        start = end
    return settled


def rank(scores: Iterable[CardScore], *, by: str = "total") -> tuple[Ranked, ...]:
    """`scores` best first, in competition ranking: equal values share a rank, the next rank skips (1, 2, 2, 4).

    `by` is ``"total"`` (the default), ``"projected"`` (cards without a projection, not
    yet started, come last, sharing a rank), or a metric key: that parameter's
    effective achievement, leaving out the cards that do not score the metric.  Values
    are compared exactly, never rounded for display (99.996% and 100.004% do not tie),
    and where two reported Decimals are within 1e-30 of each other the exact rational
    values decide, through each parameter's own rule (halves of 1/3 and 5/3 tie with 1).  Ties are listed by owner id,
    then card id, so the result never depends on the order of `scores`.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> def card(owner, deals):
    ...     s = Scorecard(f"{owner}-apr", User(owner), c, c.period(0), [Parameter("deals", 10, 100)])
    ...     return score(s, {"deals": deals}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    >>> [(r.rank, r.score.card.owner.id) for r in rank([card("dan", 5), card("bob", 8), card("ann", 12), card("cid", 8)])]
    [(1, 'ann'), (2, 'bob'), (2, 'cid'), (4, 'dan')]
    """
    if not isinstance(cast("object", by), str):  # a typo such as by=None must not rank nothing silently
        msg = f'rank by must be "total", "projected" or a metric key (a str), got {by!r}'
        raise TypeError(msg)
    valued = [(_tie_break(item), value, item) for item in scores if (value := _value(item, by)) is not _ABSENT]
    valued.sort(key=itemgetter(0))
    known = [(cast("Decimal", value), tie, item) for tie, (_, value, item) in enumerate(valued) if value is not None]
    known.sort(key=itemgetter(0), reverse=True)  # a stable sort, reversed, keeps the tie order
    ordered = [*_settle_close_calls(known, by), *((None, item) for _, value, item in valued if value is None)]
    result: list[Ranked] = []
    previous: object = _ABSENT
    for position, (value, item) in enumerate(ordered, start=1):
        place = result[-1].rank if result and value == previous else position
        result.append(Ranked(place, item))
        previous = value
    return tuple(result)


# -- records -------------------------------------------------------------------------------


def card_records(scores: Iterable[CardScore]) -> list[dict[str, object]]:
    """One row per card and parameter: the card's own columns, then `CardScore.to_records`' keys.

    The card columns are `card`, `owner`, `name`, `period_start`, `period_end`, `as_of`,
    `total` and `card_status`.  Every achievement, weight and total is a fraction (1 = 100%).

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> s = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 60), Parameter("calls", 100, 40)])
    >>> rows = card_records([score(s, {"deals": 5, "calls": 100}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))])
    >>> [(r["metric"], r["weight"], r["achievement"], r["total"], r["card_status"]) for r in rows]
    [('deals', Decimal('0.6'), Decimal('0.5'), Decimal('0.70'), 'missed'), ('calls', Decimal('0.4'), Decimal('1'), Decimal('0.70'), 'missed')]
    """
    rows: list[dict[str, object]] = []
    for item in scores:
        card = item.card
        head: dict[str, object] = {
            "card": card.id,
            "owner": card.owner.id,
            "name": card.name,
            "period_start": card.period.start,
            "period_end": card.period.end,
            "as_of": item.as_of,
            "total": item.total,
            "card_status": item.status.value,
        }
        rows.extend({**head, **record} for record in item.to_records())
    return rows


# -- the dashboard and the trend -----------------------------------------------------------


@attrs.frozen
class CardFailure:
    """A card a dashboard could not score: its id and the message of the `ScorekitError` it raised.

    >>> CardFailure("bob@2024-05-01", "measurement of 'revenue' must be below 10**15").card_id
    'bob@2024-05-01'
    """

    card_id: str
    error: str


@attrs.frozen(repr=False)
class Dashboard:
    """Cards scored as of one instant (F9), with a summary and groups of similar cards (F10).

    `leaderboard` ranks them, `to_records` gives one row per card and parameter (for
    `scorekit.to_pandas`).  The plain repr is three lines whatever the number of cards;
    in a notebook the HTML lists the cards by rank and counts every status.

    >>> import pendulum
    >>> board = Dashboard(pendulum.datetime(2024, 5, 1, tz="UTC"), (), summarize([]), ())
    >>> board
    <Dashboard as of 2024-05-01 00:00 UTC, 0 groups
     0 cards, 0 started: mean none, median none
     0 achieved, 0 on track, 0 behind, 0 at risk, 0 missed, 0 no data, 0 not started>
    """

    as_of: _dt.datetime
    scores: Sequence[CardScore]
    """The service gives `ScoreRows`: a sequence that builds each `CardScore` when asked."""
    summary: Summary
    groups: tuple[Group, ...]
    failures: tuple[CardFailure, ...] = attrs.field(default=(), kw_only=True)
    """The cards whose data could not be scored, each with its error; every other card is scored."""

    def leaderboard(self, by: str = "total") -> tuple[Ranked, ...]:
        """The cards ranked, as `rank` does: best first, ties sharing a rank (1, 2, 2, 4)."""
        return rank(self.scores, by=by)

    def rollup(self, owner: str | None = None) -> RollUp:
        """The dashboard's cards as one number (`scorekit.rollup.rollup`), or only those of `owner` (a user or team id).

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", t, 100)]) for i, t in (("ann", 10), ("bob", 30))]
        >>> end = pendulum.datetime(2024, 5, 1, tz="UTC")
        >>> scores = (score(cards[0], {"deals": 10}, as_of=end), score(cards[1], {"deals": 10}, as_of=end))
        >>> board = Dashboard(end, scores, *summarize_groups(scores))
        >>> board.rollup().total, board.rollup(owner="bob").total  # 20 of 40 deals; bob's 10 of 30
        (Decimal('0.5'), Decimal('0.3333333333333333333333333333333333'))
        """
        if owner is None:
            return rollup(self.scores)
        return rollup([s for s in self.scores if s.card.owner.id == owner])

    def to_records(self) -> list[dict[str, object]]:
        """One row per card and parameter, as `card_records` gives them (fractions: 1 = 100%)."""
        return card_records(self.scores)

    def __repr__(self) -> str:
        return f"<Dashboard as of {_display.moment(self.as_of)}, {_display.many(len(self.groups), 'group')}\n {_summary_text(self.summary)}>"

    def _repr_html_(self) -> str:
        lead = f"as of {_display.moment(self.as_of)}"
        return _ranked_table(self.leaderboard(), _caption(self.summary, prefix=lead), "scorekit-dashboard")


class Trend(tuple[CardScore, ...]):
    """A series' scores in period order (what `Scorekit.trend` returns): a tuple of `CardScore`s.

    In a notebook it draws an inline SVG line of the totals per period; `to_records`
    gives the rows for `scorekit.to_pandas`, to plot with pandas.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> jan = Scorecard("jan", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)], series="ann")
    >>> feb = jan.next_card()
    >>> trend = Trend([score(jan, {"deals": 8}, as_of=pendulum.datetime(2024, 2, 1, tz="UTC")),
    ...                score(feb, {"deals": 12}, as_of=pendulum.datetime(2024, 3, 1, tz="UTC"))])
    >>> trend
    <Trend of 2 periods: 2024-01-01 80.00% missed, 2024-02-01 120.00% achieved>
    >>> trend.totals
    (Decimal('0.8'), Decimal('1.2'))
    """

    __slots__ = ()

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """Each period's total, a fraction (1 = 100%)."""
        return tuple(item.total for item in self)

    def to_records(self) -> list[dict[str, object]]:
        """One row per period and parameter, as `card_records` gives them."""
        return card_records(self)

    def __repr__(self) -> str:
        shown = [f"{s.card.period.start} {_display.percent(s.total)} {_display.words(s.status.value)}" for s in self]
        if len(shown) > _TREND_SHOWN:
            shown = [*shown[:2], f"... {len(shown) - _TREND_SHOWN + 1} more", *shown[-(_TREND_SHOWN - 3) :]]
        listed = f": {', '.join(shown)}" if shown else ""
        return f"<Trend of {_display.many(len(self), 'period')}{listed}>"

    def _repr_html_(self) -> str:
        return _trend_svg(self)


_TREND_SHOWN: Final = 8


def apply_parameters(
    cards: Iterable[Scorecard], parameters: Iterable[Parameter], *, effective: Date | None = None
) -> tuple[Scorecard, ...]:
    """Every card with `parameters` instead of its own (F16), or `InvalidScorecard` naming each card that would break.

    With `effective`, only targets change, from that date on (`Scorecard.with_targets_from`).

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
            result.append(card.with_parameters(new) if effective is None else card.with_targets_from(new, effective))
        except InvalidScorecard as error:
            problems.append(str(error))
    if problems:
        msg = f"{len(problems)} of {len(items)} cards would be invalid; none was changed:\n  " + "\n  ".join(problems)
        raise InvalidScorecard(msg)
    return tuple(result)


def _counts(summary: Summary) -> str:
    """Every status counted, so the counts add up to the cards: ``1 achieved, 2 on track, ...``."""
    return ", ".join(f"{getattr(summary, value):,} {_display.words(value)}" for value in _display.STATUS_ORDER)


# -- HTML tables of many cards (for notebooks) ---------------------------------------------


def _summary_table(summary: Summary, caption: str = "") -> str:
    """A summary: every status counted, the mean and median of the started cards, each metric's mean."""
    head = "".join(f"<th>{_display.text(_display.words(value))}</th>" for value in _display.STATUS_ORDER)
    cells = "".join(f"<td>{getattr(summary, value)}</td>" for value in _display.STATUS_ORDER)
    metrics = "".join(
        f"<tr><td>{_display.text(key)}</td><td>{_display.percent(mean)}</td></tr>"
        for key, mean in summary.per_metric.items()
    )
    per_metric = (
        f'<table class="scorekit-metrics"><thead><tr><th>Metric</th><th>Mean achievement</th></tr></thead>'
        f"<tbody>{metrics}</tbody></table>"
        if metrics
        else ""
    )
    title = _display.text(caption) + " \u00b7 " if caption else ""
    return (
        '<div class="scorekit-summary"><table>'
        f"<caption>{title}{_display.many(summary.count, 'card')}, {summary.started} started \u00b7 "
        f"mean {_display.percent(summary.mean_total)} \u00b7 median {_display.percent(summary.median_total)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>{per_metric}</div>"
    )


HTML_ROWS: Final = 50
"""How many cards a dashboard's or a group's HTML lists, best first; a last row says how many more there are.

Jupyter saves the HTML in the notebook: 10,000 cards listed in full would be megabytes.
The caption still counts every card, and `leaderboard()` or `to_pandas` give them all.
"""


def _ranked_table(ranked: Sequence[Ranked], caption: str, css_class: str) -> str:
    """A row per card in rank order (rank, card, owner, period, bar with total, status), the first `HTML_ROWS` only."""
    more = len(ranked) - HTML_ROWS
    rows = "".join(
        "<tr>"
        f"<td>{r.rank}</td><td>{_display.text(r.score.card.name or r.score.card.id)}</td>"
        f"<td>{_display.text(r.score.card.owner.id)}</td><td>{_period(r.score.card.period)}</td>"
        f"{_display.bar_cells(r.score.total, r.score.status.value, f'{r.score.percent():f}%')}"
        f"<td>{_display.status_cell(r.score.status.value)}</td>"
        "</tr>"
        for r in ranked[:HTML_ROWS]
    )
    rest = f'<tfoot><tr><td colspan="7">and {more:,} more</td></tr></tfoot>' if more > 0 else ""
    return (
        f'<table class="{css_class}"><caption>{caption}</caption>'
        '<thead><tr><th>#</th><th>Card</th><th>Owner</th><th>Period</th><th colspan="2">Total</th><th>Status</th></tr></thead>'
        f"<tbody>{rows}</tbody>{rest}</table>"
    )


def _period(period: Period) -> str:
    """A period as people write it, its last day included (``2024-04-01 to 2024-04-30``), as `explain()` does."""
    return _display.span(period.start, period.last_day)


def _caption(summary: Summary, *, prefix: str = "") -> str:
    """A caption (already escaped) that counts every status and gives the started cards' mean."""
    lead = _display.text(prefix) + " \u00b7 " if prefix else ""
    return (
        f"{lead}{_display.many(summary.count, 'card')} \u00b7 mean {_display.percent(summary.mean_total)} of {summary.started:,} started"
        f" \u00b7 {_counts(summary)}"
    )


# -- a series over time --------------------------------------------------------------------

_WIDTH, _HEIGHT = 380, 160
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 14, 10, 26  # room for the percentage ticks and the dates
_TICKS: Final = 5
"""At most this many steps between the percentage ticks of a trend's y axis."""
_STEPS: Final = (Fraction(1, 4), Fraction(1, 2), Fraction(1))  # 25%, 50%, 100%, then each times ten


def _y_scale(top: Fraction) -> tuple[Fraction, Fraction]:
    """The y axis for totals up to `top` (at least 1): a tick step (25%, 50% or 100% times a power of ten) and the axis top.

    >>> [f"{float(step):g} to {float(end):g}" for step, end in (_y_scale(Fraction(1)), _y_scale(Fraction(7, 5)), _y_scale(Fraction(100)))]
    ['0.25 to 1', '0.5 to 1.5', '25 to 100']
    """
    scale = Fraction(1)
    while True:
        for base in _STEPS:
            step = base * scale
            if top <= step * _TICKS:
                return step, -(-top // step) * step  # the top rounded up to a whole step
        scale *= 10


def _trend_svg(scores: Iterable[CardScore]) -> str:
    """An inline SVG line of the totals per period on labelled axes, a dashed line at 100%, a dot (with a tooltip) per period.

    The y axis runs from 0% to the largest total (at least 100%), rounded up to a tick;
    the x axis names the first and the last period.
    """
    items = tuple(scores)
    if not items:
        return '<div class="scorekit-trend">no periods</div>'
    step, end = _y_scale(max([Fraction(1), *(Fraction(s.total) for s in items)]))
    bottom, left, right = _HEIGHT - _BOTTOM, _LEFT, _WIDTH - _RIGHT
    across = (right - left - 12) / max(len(items) - 1, 1)

    def y(value: Fraction) -> float:
        share = float(min(max(value, Fraction(0)), end) / end)
        return round(bottom - share * (bottom - _TOP), 1)

    points = [(round(left + 6 + i * across, 1), y(Fraction(s.total))) for i, s in enumerate(items)]
    line = " ".join(f"{x},{py}" for x, py in points)
    dots = "".join(
        f'<circle cx="{x}" cy="{py}" r="3" fill="{_display.colour_of(s.status.value)}">'
        f"<title>{_period(s.card.period)}: {s.percent():f}% ({_display.text(_display.words(s.status.value))})</title></circle>"
        for (x, py), s in zip(points, items, strict=True)
    )
    ticks = "".join(
        f'<line x1="{left - 3}" y1="{y(step * k)}" x2="{left}" y2="{y(step * k)}" stroke="#9e9e9e"/>'
        f'<text x="{left - 5}" y="{y(step * k) + 3}" font-size="9" text-anchor="end" fill="#757575">{_display.number(step * k * 100)}%</text>'
        for k in range(int(end / step) + 1)
    )
    goal = y(Fraction(1))
    first, last = items[0], items[-1]
    name = first.card.name or first.card.series_id
    ends = {len(items) - 1: "end", 0: "start"}  # one period: its label starts at its dot
    dates = "".join(
        f'<text x="{points[i][0]}" y="{_HEIGHT - 8}" font-size="9" text-anchor="{anchor}" fill="#757575">'
        f"{_display.text(items[i].card.period.start)}</text>"
        for i, anchor in ends.items()
    )
    return (
        '<figure class="scorekit-trend" style="margin:0">'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" role="img" '
        f'aria-label="total per period, 0% to {_display.number(end * 100)}%">'
        f'<line x1="{left}" y1="{_TOP}" x2="{left}" y2="{bottom}" stroke="#9e9e9e"/>'
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#9e9e9e"/>{ticks}'
        f'<line x1="{left}" y1="{goal}" x2="{right}" y2="{goal}" stroke="#9e9e9e" stroke-dasharray="4 3"/>'
        f'<polyline points="{line}" fill="none" stroke="#1976d2" stroke-width="2"/>{dots}{dates}</svg>'
        f"<figcaption>{_display.text(name)} \u00b7 {_display.text(first.card.owner.id)} \u00b7 {_display.many(len(items), 'period')}, "
        f"{_display.span(first.card.period.start, last.card.period.last_day)} \u00b7 last {last.percent():f}% "
        f"({_display.text(_display.words(last.status.value))})</figcaption></figure>"
    )
