"""`ScoreBatch` and `ScoreRows`: many scores kept as columns, each `CardScore` built only when read.

`scorekit.scoring.score_many` fills `_Columns` (one list per field, a card's
parameters as one flat tuple); a `ScoreBatch` reads them.  A dashboard keeps
`ScoreRows` (pairs of a batch and a position, or whole scores) and summarizes and
groups them from the columns (`scorekit.grouping`), so a `CardScore` is built only
for the cards someone looks at.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score_many
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
>>> batch = score_many(cards, [{"deals": 12}, {"deals": 4}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
>>> [s.card.id for s in batch.pick([1, 0])], batch.summary().achieved
(['bob', 'ann'], 1)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple, overload

from scorekit.grouping import (
    AddParameters,
    Group,
    KeyFunction,
    Summary,
    Tallied,
    card_records,
    fact_of,
    group_scores,
    similarity_key,
    summarize,
)
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore, ParameterScore, build_card_score, build_parameter_score
from scorekit.status import Status

__all__ = ["ScoreBatch", "ScoreRows"]


class ScoreBatch(Sequence[CardScore]):
    """The scores of `score_many`: a sequence of `CardScore` built when asked, with columns computed without them.

    `totals`, `projected` and `statuses` are per-card columns; `summary()`, `groups()`
    and `to_records()` are `scorekit.grouping`'s views of the whole batch.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score_many
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
        return summarize(self)

    def groups(self, key: KeyFunction | None = None) -> tuple[Group, ...]:
        """The batch grouped by `key` of the cards (default: `similarity_key`), as `group_scores` does."""
        return group_scores(self, similarity_key if key is None else key)

    def to_records(self) -> list[dict[str, object]]:
        """One row per card and parameter, as `scorekit.grouping.card_records` gives them."""
        return card_records(self)

    def pick(self, indices: Iterable[int]) -> ScoreRows:
        """The scores at `indices`, in that order, as rows (no score is built)."""
        return ScoreRows((self, i) for i in indices)

    def _tallied(self, parameters: AddParameters) -> Tallied:
        return _tallied(range(len(self._built)), (self,), parameters)


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
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score_many
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
    >>> batch = score_many(cards, [{"deals": 12}, {"deals": 4}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    >>> rows = ScoreRows([(batch, 1), (batch, 0)])
    >>> [s.card.id for s in rows], rows == (batch[1], batch[0]), len(rows[:1])
    (['bob', 'ann'], True, 1)
    """

    __slots__ = ("_batches", "_rows")

    def __init__(self, rows: Iterable[tuple[ScoreBatch, int] | CardScore]) -> None:
        # A row is an int, ``batch number * _ROW_BASE + position``, or a `CardScore` given whole:
        # a dashboard keeps 100,000s of rows, and an int is nothing the garbage collector walks
        # (a (batch, position) tuple is).
        batches: list[ScoreBatch] = []
        numbers: dict[int, int] = {}
        encoded: list[int | CardScore] = []
        for row in rows:
            if isinstance(row, CardScore):
                encoded.append(row)
                continue
            batch, position = row
            number = numbers.get(id(batch))
            if number is None:
                number = numbers[id(batch)] = len(batches)
                batches.append(batch)
            encoded.append(number * _ROW_BASE + position)
        self._batches = tuple(batches)
        self._rows = tuple(encoded)

    @classmethod
    def of(cls, batch: ScoreBatch) -> ScoreRows:
        """Every score of `batch`, in order, as rows (no score is built).

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score_many
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("ann", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
        >>> batch = score_many([card], [{"deals": 5}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> rows = ScoreRows.of(batch)
        >>> rows == batch, rows[0].percent()
        (True, Decimal('50.00'))
        """
        return cls._of((batch,), tuple(range(len(batch))))

    def _placed(self, given: Sequence[CardScore | None]) -> ScoreRows:
        """`given`, each None replaced by the next of these rows in order (one for each None; no score is built).

        >>> import pendulum
        >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score_many
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
        >>> batch = score_many(cards, [{"deals": 12}, {"deals": 4}], as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
        >>> rows = ScoreRows.of(batch)[1:]._placed([batch[0], None])
        >>> [s.card.id for s in rows]
        ['ann', 'bob']
        """
        mine = iter(self._rows)
        placed = tuple(next(mine) if score is None else score for score in given)
        if next(mine, None) is not None:
            msg = f"{len(self._rows)} rows for {sum(score is None for score in given)} places"
            raise ValueError(msg)
        return ScoreRows._of(self._batches, placed)

    @classmethod
    def _of(cls, batches: tuple[ScoreBatch, ...], rows: tuple[int | CardScore, ...]) -> ScoreRows:
        made = cls.__new__(cls)
        made._batches, made._rows = batches, rows  # noqa: SLF001 - its own class
        return made

    def __len__(self) -> int:
        return len(self._rows)

    def _score(self, row: int | CardScore) -> CardScore:
        if type(row) is int:
            number, position = divmod(row, _ROW_BASE)
            return self._batches[number][position]
        return row  # type: ignore[return-value]

    @overload
    def __getitem__(self, index: int) -> CardScore: ...
    @overload
    def __getitem__(self, index: slice) -> ScoreRows: ...
    def __getitem__(self, index: int | slice) -> CardScore | ScoreRows:
        if isinstance(index, slice):
            return ScoreRows._of(self._batches, self._rows[index])
        return self._score(self._rows[index])

    def __iter__(self) -> Iterator[CardScore]:
        for row in self._rows:
            yield self._score(row)

    def __eq__(self, other: object) -> bool:
        return _same_scores(self, other)

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of the same scores, so not hashable

    def __repr__(self) -> str:
        return f"ScoreRows({len(self._rows)} scores)"

    def __add__(self, other: ScoreRows) -> ScoreRows:
        """These rows, then `other`'s (no score is built)."""
        shift = len(self._batches) * _ROW_BASE
        moved = tuple(row + shift if type(row) is int else row for row in other._rows)
        return ScoreRows._of(self._batches + other._batches, self._rows + moved)

    def pick(self, indices: Iterable[int]) -> ScoreRows:
        """The rows at `indices`, in that order (no score is built)."""
        rows = self._rows
        return ScoreRows._of(self._batches, tuple(rows[i] for i in indices))

    @property
    def cards(self) -> tuple[Scorecard, ...]:
        """Each row's card, in order (no score is built), as `ScoreBatch.cards`."""
        cards = [batch._columns.cards for batch in self._batches]  # noqa: SLF001 - this module's own class
        found: list[Scorecard] = []
        for row in self._rows:
            if type(row) is int:
                number, position = divmod(row, _ROW_BASE)
                found.append(cards[number][position])
            else:
                found.append(row.card)  # type: ignore[union-attr]
        return tuple(found)

    def _tallied(self, parameters: AddParameters) -> Tallied:
        return _tallied(self._rows, self._batches, parameters)


_ROW_BASE: Final = 2**32
"""A `ScoreRows` row's batch number times this, plus its position in the batch."""


def _tallied(rows: Iterable[int | CardScore], batches: Sequence[ScoreBatch], parameters: AddParameters) -> Tallied:
    """Each row's total and status; each distinct row of parameters' facts given to `parameters` once, with its count.

    `rows` as `ScoreRows` keeps them (an int for a row of one of `batches`).  Rows
    replayed from another card's (`scoring._Replay`) share its flat tuple, so its facts
    are read once for all of them.  Keys by id() are safe: the batches keep every flat
    tuple alive.  Nothing is kept per distinct row but the count.
    """
    columns = [batch._columns for batch in batches]  # noqa: SLF001 - this module's own class
    totals: list[Decimal] = []
    statuses: list[Status] = []
    counts: dict[int, int] = {}
    flats: dict[int, Any] = {}
    for row in rows:
        if type(row) is not int:  # a closed score, built
            totals.append(row.total)  # type: ignore[union-attr]
            statuses.append(row.status)  # type: ignore[union-attr]
            parameters(fact_of(row)[3], 1)  # type: ignore[arg-type]
            continue
        number, index = divmod(row, _ROW_BASE)
        found = columns[number]
        totals.append(found.totals[index])
        statuses.append(found.statuses[index])
        flat = found.parameters[index]
        seen = id(flat)
        if seen in counts:
            counts[seen] += 1
        else:
            counts[seen] = 1
            flats[seen] = flat
    for seen, flat in flats.items():
        parameters(
            ((flat[at].metric.key, flat[at + 3], flat[at + 8]) for at in range(0, len(flat), _STRIDE)), counts[seen]
        )
    return totals, statuses


# The batch's scores before they are objects, one column per field.  A card's parameters
# are one flat tuple, _STRIDE items each: (parameter, actual, target, achievement,
# effective, contribution, expected, projected, status, evidence) and then its `_why`
# (10 items; all None for a parameter that has not started).  Few, flat containers keep
# the cyclic garbage collector's walks short over a large batch.  `score` asks for the
# objects at once instead (`built`): one card's tuple then holds its `ParameterScore`s.
_STRIDE: Final = 20


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
        build_parameter_score(*flat[at : at + 10], flat[at + 10 : at + _STRIDE] if flat[at + 10] is not None else None)  # type: ignore[arg-type, call-arg]
        for at in range(0, len(flat), _STRIDE)
    ]


def _card_score(columns: _Columns, index: int) -> CardScore:
    parameters = columns.parameters[index]
    return build_card_score(
        columns.cards[index],
        columns.instants[index],
        columns.totals[index],
        parameters if columns.built else tuple(_parameter_scores(parameters)),  # type: ignore[arg-type]
        columns.projected[index],
        columns.statuses[index],
        columns.careful[index],
    )
