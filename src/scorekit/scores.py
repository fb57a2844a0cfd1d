"""`ParameterScore` and `CardScore`: what a score is, how it reads back, and how it explains itself.

The result types of `scorekit.scoring.score` and their views for people: `percent()`
(the exact total rounded once, half up), `explain()` (the derivation in words and
numbers, one line per step), `to_records()` and the card's HTML table.  The exact
card decisions (a total against 1 or a policy bound, decided on the exact rational
value only when the Decimal is too close to tell) live here too, because they read
what each parameter's score kept of its window (`_Why`).

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
>>> result = score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
>>> result.total < 1, result.percent(), result.status.value  # the exact total is 1/3 + 2/3 = 1
(True, Decimal('100.00'), 'achieved')
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Self

from scorekit import _display
from scorekit.measurement import Evidence
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, exact_sum, for_display
from scorekit.parameter import Direction, Parameter
from scorekit.period import as_utc, local_ordinal
from scorekit.scorecard import Scorecard
from scorekit.status import Status, StatusPolicy
from scorekit.weight import Weight
from scorekit.window import ParameterWindow, shaped

__all__ = [
    "CardScore",
    "ExactValues",
    "ParameterScore",
    "build_card_score",
    "build_parameter_score",
    "card_compare",
    "exact_projected",
    "exact_values",
    "read_back",
]

_HUNDRED: Final = Decimal(100)
_FRACTION_ZERO: Final = Fraction(0)


_tuple_new: Final = tuple.__new__
_PARAMETER_FIELDS: Final = (
    "parameter", "actual", "target", "achievement", "effective", "contribution", "expected", "projected",
    "status", "evidence",
)  # fmt: skip


def _field(index: int, doc: str) -> Any:  # noqa: ANN401 - a read-only field of a tuple, typed where it is declared
    """A named, read-only item of a score's tuple (as fast to read as a slot)."""
    return property(itemgetter(index), doc=doc)


def _unordered(_self: tuple[Any, ...], _other: object) -> bool:
    """Scores have no order (as before: comparing two raises `TypeError`)."""
    return NotImplemented  # type: ignore[no-any-return]


def _reduce(self: tuple[Any, ...]) -> tuple[object, ...]:
    """Pickled as its class and items (the scoring context included)."""
    return (_tuple_new, (self.__class__, tuple(self)))


def _card_key(score: CardScore) -> tuple[object, ...]:
    """What two card scores compare and hash: the fields, `as_of` as an instant."""
    return (score[0], as_utc(score[1]), *score[2:6])


class _Why(NamedTuple):
    """What `explain` and the exact card decisions need beyond a score's fields.

    Built as a plain tuple in the scoring loop (cheapest) and read through this view.
    """

    window: ParameterWindow
    elapsed: int
    over: bool
    today: int  # the local date of as_of, as an ordinal (0 for a window not started)
    policy: StatusPolicy
    kept: bool  # the effective is the rule's value (not zeroed by the threshold, not the cap)
    projected_kept: bool
    projected_effective: Decimal
    pace_days: int
    pace_elapsed: int

    @property
    def paced(self) -> bool:
        """Whether a counting day has elapsed."""
        return self.elapsed > 0

    @property
    def too_early(self) -> bool:
        """Whether the share of the window elapsed is below the policy's judge_from."""
        return self.elapsed < self.window.too_early


class ParameterScore(tuple[Any, ...]):
    """How one active parameter scored; `target` is after proration.

    `actual` is None for a level with no record in the window yet; `achievement` is
    raw; `effective` is after threshold and cap; `expected` is the share of the
    window elapsed (None for a level, whose value is not a share of anything);
    `projected` the achievement at the current pace (a level's is its achievement);
    `remaining` what is left to reach the target (higher is better only) and
    `per_day` that spread over the days left, today included (a SUM whose window is
    open).

    Immutable; two scores are equal when their fields are (the scoring context is not
    compared).  A tuple of its fields and that context, built in one step (the scoring
    loop builds one per parameter), read through named fields.

    >>> from decimal import Decimal
    >>> from scorekit import Parameter, Status
    >>> one = Decimal(1)
    >>> item = ParameterScore(Parameter("deals", 10, 100), Decimal(10), Decimal(10), one, one, one, one, one, Status.ACHIEVED)
    >>> item.key, item.status.value, item.evidence, item == ParameterScore(*(getattr(item, n) for n in ParameterScore.__match_args__))
    ('deals', 'achieved', (), True)
    """

    __slots__ = ()
    __match_args__ = _PARAMETER_FIELDS

    parameter: Parameter = _field(0, "The parameter scored.")
    actual: Decimal | None = _field(1, "The actual value (credits included); None for a level with no record yet.")
    target: Decimal = _field(2, "The target, after proration (and reliefs).")
    achievement: Decimal = _field(3, "The raw achievement (1 = 100%).")
    effective: Decimal = _field(4, "The achievement after threshold and cap.")
    contribution: Decimal = _field(5, "weight x effective.")
    expected: Decimal | None = _field(6, "The share of the window elapsed; None for a level.")
    projected: Decimal | None = _field(7, "The achievement at the current pace (a level's: its achievement).")
    status: Status = _field(8, "The parameter's status.")
    evidence: tuple[Evidence, ...] = _field(9, "The records behind the actual.")
    # What `explain` and the exact decisions need (see `_Why`); given by the scoring loop only.
    _why: tuple[object, ...] | None = _field(10, "The scoring context, None for a score made by hand.")

    def __new__(  # noqa: PLR0917 - a score's fields, in order
        cls,
        parameter: Parameter,
        actual: Decimal | None,
        target: Decimal,
        achievement: Decimal,
        effective: Decimal,
        contribution: Decimal,
        expected: Decimal | None,
        projected: Decimal | None,
        status: Status,
        evidence: tuple[Evidence, ...] = (),
    ) -> Self:
        """A score made by hand: no scoring context."""
        return _tuple_new(cls, (
            parameter, actual, target, achievement, effective, contribution, expected, projected, status, evidence, None,
        ))  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self[:10] == other[:10]

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self[:10] != other[:10]

    def __hash__(self) -> int:
        return hash(self[:10])

    __lt__ = __le__ = __gt__ = __ge__ = _unordered
    __reduce__ = _reduce

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
        """`remaining` spread over the days left, the local day of `as_of` included (working days with a calendar).

        For a started SUM whose window is open: on its last day, the whole remainder.
        None when no day is left, `remaining` is None, or the score carries no window
        (a `ParameterScore` made by hand or read back alone).
        """
        why = _why(self)
        remaining = self.remaining
        if why is None or remaining is None or self.status is Status.NOT_STARTED:
            return None
        if why.window.level or why.over:
            return None
        left = _days_left(why)
        return EXACT.divide(remaining, Decimal(left)) if left > 0 else None

    def explain(self) -> str:
        """How this score came about, one line per step, numbers rounded for display.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
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
          remaining: 6, 0.2857 a day over the 21 days left
          status: on track (projected 120.00% >= on track 100.00%)
        """
        return "\n".join(_explain_parameter(self))

    def __repr__(self) -> str:
        """One line: the key, actual / target, the achievement rounded once as `explain()` shows it, the status.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
        >>> score(card, {"deals_won": 12}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC")).parameters[0]
        <ParameterScore deals_won: 12 / 10 = 120.00% achieved>
        """
        exact = exact_values(self)
        actual = "no record" if self.actual is None else _display.number(self.actual)
        target = _shown(self.target, exact.target)
        return (
            f"<ParameterScore {self.key}: {actual} / {target} = {_display.percent(exact.achievement)} "
            f"{_display.words(self.status.value)}>"
        )


class CardScore(tuple[Any, ...]):
    """A card's score as of an instant: the total, the pace, and every parameter's score.

    Two scores compare `as_of` as instants: the same instant in another zone (or read back
    at its written offset) is the same `as_of`, in a repeated hour too.  Immutable, built
    as a tuple like `ParameterScore`.
    """

    __slots__ = ()
    __match_args__ = ("card", "as_of", "total", "parameters", "projected", "status")

    card: Scorecard = _field(0, "The card scored.")
    as_of: _dt.datetime = _field(1, "The instant scored at.")
    total: Decimal = _field(2, "The sum of the contributions (1 = 100%).")
    parameters: tuple[ParameterScore, ...] = _field(3, "Each active parameter's score, in the card's order.")
    projected: Decimal | None = _field(4, "The projected total; None when nothing has started.")
    status: Status = _field(5, "The card's status.")
    # Set by the scoring loop when a negative achievement voids the card's decision bands.
    _careful: bool = _field(6, "Whether the card's decision bands are void (a negative achievement).")

    def __new__(  # noqa: PLR0917 - a score's fields, in order
        cls,
        card: Scorecard,
        as_of: _dt.datetime,
        total: Decimal,
        parameters: tuple[ParameterScore, ...],
        projected: Decimal | None,
        status: Status,
    ) -> Self:
        """A card's score made by hand (or read back)."""
        return _tuple_new(cls, (card, as_of, total, parameters, projected, status, False))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _card_key(self) == _card_key(other)

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _card_key(self) != _card_key(other)

    def __hash__(self) -> int:
        return hash(_card_key(self))

    __lt__ = __le__ = __gt__ = __ge__ = _unordered
    __reduce__ = _reduce

    def percent(self, places: int = 2) -> Decimal:
        """The total as a percentage, the exact total rounded once, half up, to `places` decimals.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
        >>> result = score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> result.total < 1, result.percent(), result.status.value  # the exact total is 1/3 + 2/3 = 1
        (True, Decimal('100.00'), 'achieved')
        """
        percent = EXACT_SUMS.multiply(self.total, _HUNDRED)
        shown = for_display(percent, places)
        if shown.is_zero():
            shown = shown.copy_abs()  # never a negative zero: -0.004% shows 0.00
        if self.status is Status.NOT_STARTED:
            return shown
        if any(item._why is None and item.status is not Status.NOT_STARTED for item in self.parameters):  # noqa: SLF001
            # Read back from a document: no scoring context (nor error bound), so the exact total, from the card's rules.
            return _display.rounded(_exact_read_back(self) * 100, places)
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
        return _display.rounded(_exact_sum(self.parameters, projected=False, early=False) * 100, places)

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
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
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
                **_adjusted_record(item),
            }
            for item in self.parameters
        ]

    def __repr__(self) -> str:
        """One line, a few words whatever the number of parameters: card, owner, period, as of, total, status.

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 50), Parameter("b", 3, 50)])
        >>> score(card, {"a": 2, "b": 4}, as_of=pendulum.datetime(2024, 4, 20, 12, tz="UTC"))
        <CardScore c1 of ann, 2024-04-01 to 2024-04-30, as of 2024-04-20 12:00 UTC: 100.00% achieved, 2 parameters>
        """
        card = self.card
        return (
            f"<CardScore {card.id} of {card.owner.id}, {_display.span(card.period.start, card.period.last_day)}, "
            f"as of {_display.moment(self.as_of, card.zone)}: {self.percent():f}% {_display.words(self.status.value)}, "
            f"{_display.many(len(self.parameters), 'parameter')}>"
        )

    def _repr_html_(self) -> str:
        return _card_table(self)


def _adjusted_record(item: ParameterScore) -> dict[str, object]:
    """What a host needs of a score's adjustments: the credits' sum, the reliefs' sum and the target before relief."""
    credited = [e.value for e in _credits(item)]
    why = _why(item)
    before, reliefs = item.target, ZERO
    if why is not None and why.window.base is not why.window and not why.window.level:
        before = why.window.base.target
        reliefs = EXACT_SUMS.subtract(before, item.target)
    return {"credits": exact_sum(credited), "reliefs": reliefs, "target_before_relief": before}


def _shaped_note(item: ParameterScore, exact: ExactValues) -> str:
    """Where a threshold or cap changed what counts: the effective achievement and why."""
    if exact.effective == exact.achievement:
        return ""
    why = "below threshold" if not item.effective else "capped"
    return f' <small title="{why}">\u2192 counts {_display.percent(exact.effective)} ({why})</small>'


def _card_table(score: CardScore) -> str:
    """A card's score: a row per parameter (actual / target, weight, bar, contribution, status) and the total."""
    card = score.card
    rows = []
    for item in score.parameters:
        exact = exact_values(item)
        target = item.target if Fraction(item.target) == exact.target else _display.rounded(exact.target, 4)
        rows.append(
            "<tr>"
            f"<td>{_display.text(item.parameter.metric.display_name)}</td>"
            f"<td>{_display.text(_display.quantity(item.actual))} / {_display.text(_display.quantity(target))} {_display.text(item.parameter.metric.unit)}</td>"
            f"<td>{_display.text(item.parameter.weight)}</td>"
            f"{_display.bar_cells(exact.achievement, item.status.value, _display.percent(exact.achievement) + _shaped_note(item, exact))}"
            f"<td>{_display.percent(exact.contribution)}</td>"
            f"<td>{_display.status_cell(item.status.value)}</td>"
            "</tr>"
        )
    title = card.name or card.id
    total = f"{score.percent():f}%"
    return (
        '<table class="scorekit-card">'
        f"<caption>{_display.text(title)} \u00b7 {_display.text(card.owner.id)} \u00b7 "
        f"{_display.span(card.period.start, card.period.last_day)} \u00b7 as of {_display.text(_display.moment(score.as_of, card.zone))}</caption>"
        '<thead><tr><th>Parameter</th><th>Actual / target</th><th>Weight</th><th colspan="2">Achievement</th>'
        "<th>Contribution</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><th>Total</th><td></td><td>100%</td>{_display.bar_cells(score.total, score.status.value, total)}"
        f"<td>{total}</td><td>{_display.status_cell(score.status.value)}</td></tr></tfoot>"
        "</table>"
    )


# ---------------------------------------------------------------------------------------------
# Exact decisions.  A reported Decimal is within a known error of the exact value (each
# rule says how far); a comparison that is farther than that from its line is decided on
# the Decimal, and only one that close is decided on Fractions.


def _days_left(why: _Why) -> int:
    """Counting days left in an open window, the local day of `as_of` included (if it counts)."""
    window = why.window
    return window.days - window.elapsed(why.today - 1)


def _why(item: ParameterScore) -> _Why | None:
    why = item._why  # noqa: SLF001 - the score's own context
    return None if why is None else _Why._make(why)


def _exact_sum(items: Iterable[ParameterScore], *, projected: bool, early: bool) -> Fraction:
    """The exact total (or projected total, or the early-achievable part) of scored parameters."""
    total = _FRACTION_ZERO
    for item in items:
        why = _why(item)
        if why is None:
            continue
        window = why.window
        if item.status is Status.NOT_STARTED:
            if projected and not early:  # on plan: the window's planned contribution, exact
                total += Fraction(window.planned)
            continue
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


def read_back(result: CardScore, reliefs: Mapping[str, tuple[object, ...]] | None = None) -> CardScore:
    """`result`, as a document gives it, with the scoring context its card and `as_of` determine.

    A document holds a score's fields; what `explain()`, `per_day` and the exact
    `percent()` also read (each parameter's window, days elapsed, whether the threshold
    or cap shaped it) is a function of the card, the instant and the actual, computed
    here as the scoring loop computes it.  A stored number is never recomputed: where
    the card's rules today would shape a parameter otherwise than its stored numbers say
    (a document written under older rules), the stored effective is what counts.  A
    parameter that is not one of its card's active parameters keeps no context.  The
    instant is given in the card's zone when that zone has the written offset at it
    (so the fold of a repeated hour survives), else at the written offset.  `reliefs`
    gives, per metric key, the relief adjustments behind a relieved target (a document
    keeps them, so a relieved score explains its reliefs read back too).
    """
    card = result.card
    as_of = result.as_of
    utc = as_utc(as_of)
    local = utc.astimezone(card.zone)
    if local.utcoffset() == as_of.utcoffset():
        as_of = local
    today = local_ordinal(utc, card.timezone)
    over = today >= card.period.end.toordinal()
    policy = card.status_policy
    windows = {window.key: window for window in card.windows}
    careful = False
    parameters = []
    for item in result.parameters:
        window = windows.get(item.key)
        why: tuple[object, ...] | None = None
        if window is None or window.parameter != item.parameter:
            pass  # not one of its card's parameters: no context
        elif today < window.start_ordinal:
            why = window.waiting
        else:
            why = _context(item, window, today, over=over, policy=policy, reliefs=(reliefs or {}).get(item.key, ()))
            judged = why[0]
            careful = careful or (item.actual is not None and item.achievement < ZERO) or judged is not window
        parameters.append(
            build_parameter_score(*item[:10], why)  # type: ignore[call-arg]
        )
    return build_card_score(card, as_of, result.total, tuple(parameters), result.projected, result.status, careful)


def reliefs_of(item: ParameterScore) -> tuple[object, ...]:
    """The relief adjustments behind a relieved target (what a document keeps beside the score); () for none."""
    why = _why(item)
    return why.window.reliefs if why is not None else ()


def _context(
    item: ParameterScore,
    window: ParameterWindow,
    today: int,
    *,
    over: bool,
    policy: StatusPolicy,
    reliefs: tuple[object, ...] = (),
) -> tuple[object, ...]:
    """The `_Why` the scoring loop gives a started parameter with these stored numbers (see scoring.py)."""
    if window.level and window.plan is not None:  # judged against the target in force today
        window = window.judged(window.plan.in_force(today))
    elif window.higher and not window.level and item.target != window.target:
        window = window.judged(Fraction(item.target), reliefs)  # relieved: the stored target and its reliefs
    elapsed = window.elapsed(today)
    paced = elapsed > 0
    actual = item.actual
    if actual is None:  # a level with no record yet
        return (window, elapsed, over, today, policy, False, False, ZERO, 1, 1)
    pace_days = pace_elapsed = 1
    pace_actual = actual
    if paced and elapsed < window.days and not window.level:
        pace_days, pace_elapsed = window.pace(today, elapsed)
        if pace_days != pace_elapsed:
            pace_actual = EXACT.divide(EXACT_SUMS.multiply(actual, Decimal(pace_days)), Decimal(pace_elapsed))
    projected = item.achievement if item.projected is None else item.projected
    if window.plain:
        kept, p_kept, p_effective = True, True, projected
    else:
        kept = shaped(item.achievement, window, actual, actual, 1, 1)[1]
        p_effective, p_kept = shaped(projected, window, pace_actual, actual, pace_days, pace_elapsed)
    # The rule's exact value counts only where the stored effective is the rule's value.
    kept = kept and item.effective == item.achievement
    return (window, elapsed, over, today, policy, kept, p_kept, p_effective, pace_days, pace_elapsed)


def card_compare(
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
                used = EXACT.divide(EXACT_SUMS.multiply(item.actual, Decimal(why.pace_days)), Decimal(why.pace_elapsed))
        elif why.kept:
            used = item.actual
        else:
            continue
        total = EXACT_SUMS.add(total, rule.error(used))
    return total


# ---------------------------------------------------------------------------------------------
# Building a score in the scoring loop.


if TYPE_CHECKING:

    def build_parameter_score(  # noqa: PLR0917 - a ParameterScore's fields, in order
        parameter: Parameter,
        actual: Decimal | None,
        target: Decimal,
        achievement: Decimal,
        effective: Decimal,
        contribution: Decimal,
        expected: Decimal | None,
        projected: Decimal | None,
        status: Status,
        evidence: tuple[Evidence, ...],
        why: tuple[object, ...] | None,
    ) -> ParameterScore:
        """``ParameterScore(...)`` with its `_why` (the scoring context)."""

    def build_card_score(  # noqa: PLR0917 - a CardScore's fields, in order
        card: Scorecard,
        as_of: _dt.datetime,
        total: Decimal,
        parameters: tuple[ParameterScore, ...],
        projected: Decimal | None,
        status: Status,
        careful: bool,
    ) -> CardScore:
        """``CardScore(...)`` with its `_careful` (the card's decision bands void)."""

else:
    # The scoring loop builds one ParameterScore per parameter: its fields, as given, are the
    # tuple (nothing checked, nothing copied field by field); taking them as *fields is the
    # cheapest call Python makes with eleven arguments.  Typed above.

    def build_parameter_score(*fields: object) -> ParameterScore:
        """``ParameterScore(...)`` with its `_why` (the scoring context)."""
        return _tuple_new(ParameterScore, fields)

    def build_card_score(*fields: object) -> CardScore:
        """``CardScore(...)`` with its `_careful` (the card's decision bands void)."""
        return _tuple_new(CardScore, fields)


# ---------------------------------------------------------------------------------------------
# Explanations: deterministic text, numbers rounded for display (the fields stay exact).


def _pct(value: Decimal | Fraction | None) -> str:
    """A fraction as a percentage with two places, half up, in scorekit's own context."""
    return _display.percent(value)


class ExactValues(NamedTuple):
    """A parameter score's numbers as exact fractions: each number people see is rounded once from these."""

    target: Fraction
    achievement: Fraction
    effective: Fraction
    contribution: Fraction
    expected: Fraction | None
    projected: Fraction | None
    pace_actual: Fraction | None  # the actual at the current pace, for a SUM part-way through its window
    remaining: Fraction | None
    per_day: Fraction | None


def exact_values(item: ParameterScore) -> ExactValues:
    """The exact values the score's Decimals round (34 digits); its own Decimals where it has no scoring context.

    What `explain()`, the HTML and the command show, each rounded once (`_display.percent`).

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3333, "33.33"), Parameter("b", 1, "66.67")])
    >>> a = score(card, {"a": "937.5", "b": 0}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC")).parameters[0]
    >>> a.contribution < Decimal("0.09375"), exact_values(a).contribution  # 33.33% x 937.5 / 3333
    (True, Fraction(3, 32))
    """
    why = _why(item)
    remaining, per_day = item.remaining, item.per_day
    if why is None or item.actual is None:
        return ExactValues(
            Fraction(item.target),
            Fraction(item.achievement),
            Fraction(item.effective),
            Fraction(item.contribution),
            None if item.expected is None else Fraction(item.expected),
            None if item.projected is None else Fraction(item.projected),
            None,
            None if remaining is None else Fraction(remaining),
            None if per_day is None else Fraction(per_day),
        )
    window, rule = why.window, why.window.rule
    actual = Fraction(item.actual)
    started = item.status is not Status.NOT_STARTED  # a window not started scores 0 and projects nothing
    achievement = rule.exact(actual) if started else _FRACTION_ZERO
    effective = achievement if why.kept else Fraction(item.effective)
    exact_remaining = None if remaining is None else max(_FRACTION_ZERO, rule.exact_target - actual)
    paced = why.pace_elapsed != why.pace_days
    return ExactValues(
        rule.exact_target,
        achievement,
        effective,
        Fraction(window.fraction) * effective,
        None if window.level else _exact_expected(why),
        rule.exact(actual * why.pace_days / why.pace_elapsed) if started else None,
        actual * why.pace_days / why.pace_elapsed if paced else None,
        exact_remaining,
        None if per_day is None or exact_remaining is None else exact_remaining / _days_left(why),
    )


def _exact_expected(why: _Why) -> Fraction:
    """The share of the target due by `why.today`: elapsed / days, or the moved plan's ``T_d / T``."""
    window = why.window
    if window.plan is None:
        return Fraction(min(why.elapsed, window.days), window.days)
    return window.expected_at(why.today)[1]


def _credits(item: ParameterScore) -> list[Evidence]:
    """The credits among a score's evidence (`scorekit.adjustment`)."""
    return [e for e in item.evidence if e.id.startswith("adjustment:")]


def _plan_lines(item: ParameterScore, window: ParameterWindow, unit: str) -> list[str]:
    """A moved plan in words: each step, the ramp factor, the phasing share, the weighted target, each relief."""
    parameter, plan, lines = item.parameter, window.plan, []
    if plan is not None:
        if parameter.steps:
            steps = ", ".join(
                [f"{_number(parameter.target)} from {window.start}"]
                + [f"{_number(step.target)} from {step.effective}" for step in parameter.steps]
            )
            lines.append(f"  target steps: {steps}")
        first = parameter.target_on(window.start)
        factor = plan.in_force(plan.start) / Fraction(first) if first else Fraction(1)
        if factor != 1:
            lines.append(f"  ramp factor: {_pct(factor)} of the full target")
        if plan.measure != window.days:
            lines.append(
                f"  phasing: the window weighs {_number(plan.measure)}"
                + ("" if plan.share == 1 else f", {_pct(plan.share)} of the period")
            )
        if not window.level:
            weighted = window.base.rule.exact_target / plan.share
            lines.append(f"  weighted target: {_unit(_number(weighted), unit)} (the targets in force, weighted by day)")
    for relief in window.reliefs:
        value, reason = Decimal(getattr(relief, "value", ZERO)), getattr(relief, "reason", "")
        lines.append(f"  relief: -{_number(value)} ({reason})")
    if window.base is not window and not window.level:
        lines.append(f"  target before relief: {_unit(_number(window.base.rule.exact_target), unit)}")
    for credit in _credits(item):
        sign = "+" if credit.value >= 0 else ""
        lines.append(f"  credit: {sign}{_number(credit.value)} ({credit.label})")
    return lines


def _shown(value: Decimal, exact: Fraction) -> str:
    """A quantity as given when it is exact, else its exact value rounded once (a prorated target, a remainder)."""
    return _display.number(value if Fraction(value) == exact else exact)


def _weight(weight: Weight) -> str:
    return _display.weight(weight.basis_points)


_number = _display.number
_unit = _display.with_unit


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
    source = "entered by hand" if metric.is_manual else "of records"
    how = f"{_DIRECTION_WORDS[parameter.direction]}, {metric.accumulation.value} {source}"
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
    exact = exact_values(item)
    if window is not None:
        lines.extend(_plan_lines(item, window, unit))
    else:
        lines.extend(f"  credit: {_number(credit.value)} ({credit.label})" for credit in _credits(item))
    target_text = _unit(_shown(item.target, exact.target), unit)
    if window is not None and window.plan is not None:
        share = window.plan.share
        lines.append(f"  target: {target_text}" + ("" if share == 1 else f" (prorated: {_pct(share)} of the period)"))
    elif parameter.target != item.target and (window is None or window.base is window):
        lines.append(f"  target: {_unit(_number(parameter.target), unit)} prorated to the window: {target_text}")
    else:
        lines.append(f"  target: {target_text}")
    if item.status is Status.NOT_STARTED:
        lines.append("  actual: not counted yet")
    elif item.actual is None:
        lines.append("  actual: no record in the window yet")
    else:
        records = f" ({_display.many(len(item.evidence), 'record')})" if item.evidence else ""
        lines.append(f"  actual: {_unit(_number(item.actual), unit)}{records}")
    if item.actual is not None and item.status is not Status.NOT_STARTED and window is not None:
        formula = window.rule.substituted(_number(item.actual), _shown(item.target, exact.target))
        lines.append(f"  achievement = {formula} = {_pct(exact.achievement)}")
    else:
        lines.append(f"  achievement = {_pct(exact.achievement)}")
    if parameter.threshold is not None:
        met = item.effective != 0 or parameter.threshold == 0
        lines.append(f"  threshold {_pct(parameter.threshold)}: {'met' if met else 'not met, scores 0'}")
    cap = parameter.cap if window is None else window.cap
    if cap is not None:
        capped = item.effective == cap
        given = "" if parameter.cap is not None else " (lower is better: at most 100%)"
        lines.append(f"  cap {_pct(cap)}{given}: {'reached, limits it' if capped else 'not reached'}")
    if exact.effective != exact.achievement:
        lines.append(f"  effective: {_pct(exact.effective)}")
    lines.append(f"  contribution = {_weight(parameter.weight)} x {_pct(exact.effective)} = {_pct(exact.contribution)}")
    if item.status is Status.NOT_STARTED and why is not None:
        lines.append(
            f"  pace: not started; counts as on plan in the card's projection: projected {_pct(why.projected_effective)}"
        )
    elif item.status is not Status.NOT_STARTED and window is not None and why is not None:
        if item.projected is None:
            lines.append("  pace: nothing to project without a record")
        elif window.level:
            lines.append(f"  pace: a level is not extrapolated: projected {_pct(exact.projected)}")
        elif not why.paced:
            lines.append("  pace: no working day has elapsed yet; projected = achievement")
        elif why.elapsed >= window.days or item.actual is None:
            lines.append(f"  pace: the whole window has elapsed; projected {_pct(exact.projected)}")
        elif window.plan is not None:
            if exact.pace_actual is None:
                lines.append(f"  pace: expected {_pct(exact.expected)} by the plan; projected = achievement")
            else:
                lines.append(
                    f"  pace: expected {_pct(exact.expected)} by the plan; projected {_number(item.actual)} / "
                    f"{_pct(exact.expected)} = {_number(exact.pace_actual)} -> {_pct(exact.projected)}"
                )
        else:
            pace = item.actual if exact.pace_actual is None else exact.pace_actual
            lines.append(
                f"  pace: expected {_pct(exact.expected)} by now; projected {_number(item.actual)} x {window.days} / "
                f"{why.elapsed} = {_number(pace)} -> {_pct(exact.projected)}"
            )
    if item.remaining is not None and exact.remaining is not None:
        remaining = _unit(_shown(item.remaining, exact.remaining), unit)
        if exact.per_day is not None and window is not None and why is not None:
            counting = "working days" if window.calendar is not None else "days"
            lines.append(
                f"  remaining: {remaining}, {_number(exact.per_day)} a day over the {_days_left(why)} {counting} left"
            )
        else:
            lines.append(f"  remaining: {remaining}")
    lines.append(f"  status: {_display.words(item.status.value)} ({_status_reason(item, exact)})")
    return lines


def _status_reason(item: ParameterScore, exact: ExactValues) -> str:  # noqa: PLR0911 - one reason per status
    why = _why(item)
    status = item.status
    if status is Status.NOT_STARTED:
        return "the window has not started"
    if status is Status.NO_DATA:
        return "no record in the window yet"
    if item.actual is None:
        return "no record in the window, which is over"
    achievement = _pct(exact.achievement)
    if why is None:
        return f"achievement {achievement}"
    if why.over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"achievement {achievement} {sign} 100% and the window is over"
    if status is Status.ACHIEVED:
        return f"achievement {achievement} >= 100%: the target is reached as of now"
    if why.too_early:
        return _too_early_reason(why.policy)
    return _policy_reason(status, exact.projected, why.policy)


def _too_early_reason(policy: StatusPolicy) -> str:
    return f"too early to judge: less than {_pct(policy.judge_from)} of the window has elapsed"


def _policy_reason(status: Status, projected: Fraction | None, policy: StatusPolicy) -> str:
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
    parts = " + ".join(_pct(exact_values(item).contribution) for item in result.parameters)
    lines.append(f"total = {parts} = {result.percent():f}%")
    projected = exact_projected(result)
    waiting = [item.key for item in result.parameters if item.status is Status.NOT_STARTED]
    on_plan = f" (not started, counted as on plan: {', '.join(waiting)})" if waiting and projected is not None else ""
    lines.append(f"projected total: {'-' if projected is None else _pct(projected)}{on_plan}")
    lines.append(f"status: {_display.words(result.status.value)} ({_card_reason(result, policy)})")
    return lines


def _card_reason(result: CardScore, policy: StatusPolicy) -> str:
    status = result.status
    over = result.as_of is not None and local_ordinal(as_utc(result.as_of), result.card.timezone) >= (
        result.card.period.end.toordinal()
    )
    total = f"{result.percent():f}%"
    if status is Status.NOT_STARTED:
        return "no parameter has started"
    if status is Status.NO_DATA:
        return "no started parameter has a record yet"
    if over:
        sign = ">=" if status is Status.ACHIEVED else "<"
        return f"total {total} {sign} 100% and the period is over"
    if status is Status.ACHIEVED:
        return "the higher-is-better sums alone reach 100% as of now"
    started = [
        why for item in result.parameters if item.status is not Status.NOT_STARTED and (why := _why(item)) is not None
    ]
    if started and all(why.too_early for why in started):
        return _too_early_reason(policy)
    return _policy_reason(status, exact_projected(result), policy)


def exact_projected(result: CardScore) -> Fraction | None:
    """The card's projected total exactly; its Decimal where a started parameter has no scoring context.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("a", 3, 100)])
    >>> exact_projected(score(card, {"a": 1}, as_of=pendulum.datetime(2024, 4, 15, 12, tz="UTC")))  # 1 x 30 / 15 / 3
    Fraction(2, 3)
    """
    if result.projected is None:
        return None
    items = result.parameters
    if any(item._why is None and item.status is not Status.NOT_STARTED for item in items):  # noqa: SLF001
        return Fraction(result.projected)
    return _exact_sum(items, projected=True, early=False)
