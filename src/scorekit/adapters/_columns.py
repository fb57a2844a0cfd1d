"""The column path the records sources share: `aggregate_columns` checked, and `aggregate` asked as columns.

A source answers a list of `Column`s (one metric, one window in plain UTC, its
distinct subjects) with one mapping per column, every subject to its `Aggregate`
(`Aggregate.EMPTY` without a record).  `column_answers` checks the keys of
`aggregate_columns` and hands the columns over; `cell_answers` groups `aggregate`'s
cells into the same columns, so both methods run one code path and give the same
numbers.

>>> import pendulum
>>> from scorekit import Accumulation
>>> key = ("calls", Accumulation.SUM, pendulum.datetime(2024, 3, 1, tz="UTC"), pendulum.datetime(2024, 4, 1, tz="UTC"))
>>> nothing = lambda asked: [dict.fromkeys(column.subjects, Aggregate.EMPTY) for column in asked]
>>> column_answers({key: frozenset({"ann"})}, nothing)[key]["ann"] is Aggregate.EMPTY
True
>>> column_answers({key[:3]: frozenset({"ann"})}, nothing)
Traceback (most recent call last):
scorekit.errors.InvalidParameter: a column's key must be a tuple (metric, accumulation, start, end), got ('calls', <Accumulation.SUM: 'sum'>, DateTime(2024, 3, 1, 0, 0, 0, tzinfo=Timezone('UTC')))
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet

import attrs

from scorekit._identifiers import check_identifier
from scorekit.errors import InvalidParameter, InvalidPeriod, InvalidScorecard
from scorekit.measurement import Aggregate, Cell
from scorekit.parameter import as_accumulation
from scorekit.period import as_utc, as_utc_instant
from scorekit.ports import ColumnKey

__all__ = ["Column", "ColumnAnswers", "cell_answers", "column_answers"]


@attrs.frozen
class Column:
    """One question for a source: `metric`'s records of each of `subjects` in ``[start, end)`` (plain UTC datetimes)."""

    metric: str
    start: _dt.datetime
    end: _dt.datetime
    subjects: Collection[str]
    """Distinct user ids."""


ColumnAnswers = Callable[[Sequence[Column]], Sequence[dict[str, Aggregate]]]
"""How a source answers columns: per column, in order, every subject's aggregate."""


def column_answers(
    columns: Mapping[ColumnKey, AbstractSet[str]], answer: ColumnAnswers, *, known: AbstractSet[str] = frozenset()
) -> dict[ColumnKey, dict[str, Aggregate]]:
    """`aggregate_columns`: check every key and its subjects (each distinct one once, none of `known`), then `answer` them.

    `known` are user ids the source checked already (those of its own records).
    """
    given: object = columns
    if not isinstance(given, Mapping):
        msg = (
            "columns must map (metric, accumulation, start, end) to a set of user ids, "
            f"got {type(columns).__name__} {columns!r}"
        )
        raise InvalidParameter(msg)
    keys = list(columns)
    asked = [_column(key, columns[key]) for key in keys]
    checked: set[object] = set()
    for column in asked:
        fresh = column.subjects - checked - known  # type: ignore[operator]  # a Set, checked by _column
        for subject in fresh:
            _subject(subject)
        checked |= fresh
    return dict(zip(keys, answer(asked), strict=True))


def cell_answers(cells: Collection[Cell], answer: ColumnAnswers) -> dict[Cell, Aggregate]:
    """`aggregate`: the cells grouped into one column per metric and window, answered, and given back per cell."""
    groups: dict[tuple[str, _dt.datetime, _dt.datetime], list[Cell]] = {}
    for cell in cells:
        key = (cell.metric, cell.start, cell.end)
        own = groups.get(key)
        if own is None:
            groups[key] = [cell]
        else:
            own.append(cell)
    asked = [
        Column(metric, as_utc(start), as_utc(end), dict.fromkeys(cell.subject for cell in own))
        for (metric, start, end), own in groups.items()
    ]
    found = answer(asked)
    return {cell: got[cell.subject] for own, got in zip(groups.values(), found, strict=True) for cell in own}


def _column(key: object, subjects: object) -> Column:
    """The column of one key of `aggregate_columns`, each part checked as `Cell` checks it (the same errors)."""
    if type(key) is not tuple or len(key) != 4:  # noqa: PLR2004 - the four parts of a key
        msg = f"a column's key must be a tuple (metric, accumulation, start, end), got {key!r}"
        raise InvalidParameter(msg)
    metric, accumulation, start, end = key
    check_identifier(metric, what="column metric", error=InvalidParameter)
    as_accumulation(accumulation, what="column accumulation")
    start_utc = as_utc(as_utc_instant(start, name="column start"))
    end_utc = as_utc(as_utc_instant(end, name="column end"))
    if start_utc > end_utc:
        msg = (
            f"column {metric!r}'s window [{start_utc.isoformat()}, {end_utc.isoformat()}) ends before it starts; "
            "give start <= end (start == end is an empty window)"
        )
        raise InvalidPeriod(msg)
    if not isinstance(subjects, AbstractSet):
        msg = f"column {metric!r}'s subjects must be a set of user ids (a frozenset of strings), got {subjects!r}"
        raise InvalidScorecard(msg)
    return Column(metric, start_utc, end_utc, subjects)


def _subject(value: object) -> str:
    if not isinstance(value, str):
        msg = f"a column's subject must be one user id, a string, got {value!r}"
        raise InvalidScorecard(msg)
    return check_identifier(value, what="column subject", error=InvalidScorecard)
