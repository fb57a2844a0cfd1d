"""`to_pandas`: scores and records as a `pandas.DataFrame` you can plot.

pandas is optional (``pip install 'scorekit[pandas]'``) and imported only when
`to_pandas` is called, so ``import scorekit`` never needs it.  Records keep their
exact Decimals; the frame converts them once, here:

- Decimal columns become ``float64`` (None becomes NaN), so ``df.plot`` and
  ``df.describe`` work; with ``exact=True`` they stay Decimals (``object`` dtype),
  for reconciling to the last digit.
- Whole-number columns (the evidence count) stay ``int64``; dates (period start and
  end) become ``datetime64``; instants (`as_of`) become ``datetime64`` in UTC.
- Everything else (ids, names, statuses) is left for pandas to infer.

Every achievement, weight and total is a fraction (1 = 100%), as in the records.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 3, 60), Parameter("calls", 100, 40)])
>>> result = score(card, {"deals": 1, "calls": 90}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
>>> frame = to_pandas(result)
>>> str(frame["achievement"].dtype), frame["weight"].tolist()
('float64', [0.6, 0.4])
>>> to_pandas(result, exact=True)["achievement"].tolist()
[Decimal('0.3333333333333333333333333333333333'), Decimal('0.9')]

``per="card"`` gives one row per card instead (a trend: one row per period), and a
ranking (`rank`, `Dashboard.leaderboard`) becomes one row per place, its rank first:

>>> cards = to_pandas(result, per="card")
>>> cards.columns.tolist()
['card', 'owner', 'name', 'period_start', 'period_end', 'as_of', 'total', 'projected', 'status']
>>> cards["card"].tolist(), cards["total"].tolist(), cards["status"].tolist()   # 0.6 x 1/3 + 0.4 x 0.9
(['a'], [0.56], ['missed'])
>>> from scorekit import rank
>>> to_pandas(rank([result])).columns.tolist()[:3]
['rank', 'card', 'owner']
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from scorekit.grouping import Ranked, card_records
from scorekit.scoring import CardScore

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Per", "card_row", "to_pandas"]

_INSTALL = "pip install 'scorekit[pandas]'"


Per = Literal["parameter", "card"]
"""What a row of `to_pandas` is: a card's parameter (the default) or a card."""

_WHAT = "records (dicts), a CardScore, a Dashboard, a Trend, a ranking or an iterable of CardScores"


def card_row(item: CardScore) -> dict[str, object]:
    """One card's row for ``to_pandas(..., per="card")``: its identity, period, total, projection and status.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 4, 100)], name="Ann, April")
    >>> row = card_row(score(card, {"deals": 3}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC")))
    >>> [row[k] for k in ("card", "owner", "name", "period_start", "total", "projected", "status")]
    ['a', 'ann', 'Ann, April', Date(2024, 4, 1), Decimal('0.75'), Decimal('0.75'), 'missed']
    """
    card = item.card
    return {
        "card": card.id,
        "owner": card.owner.id,
        "name": card.name,
        "period_start": card.period.start,
        "period_end": card.period.end,
        "as_of": item.as_of,
        "total": item.total,
        "projected": item.projected,
        "status": item.status.value,
    }


def _score_rows(scores: Iterable[CardScore], per: Per | None) -> list[dict[str, object]]:
    return [card_row(item) for item in scores] if per == "card" else card_records(scores)


def _rows(data: object, per: Per | None) -> Sequence[Mapping[str, object]]:
    """Records from whatever `to_pandas` was given: records, a score, a dashboard, a trend, a ranking or scores."""
    if isinstance(data, CardScore):
        return _score_rows([data], per)
    scores = getattr(data, "scores", None)  # a Dashboard or a Group: its cards
    if scores is not None and not isinstance(data, Mapping):
        return _score_rows(scores, per)
    if isinstance(data, Mapping | str | bytes) or not isinstance(data, Iterable):
        msg = f"to_pandas takes {_WHAT}, got {type(data).__name__}"
        raise TypeError(msg)
    items = list(data)
    if all(isinstance(item, CardScore) for item in items):
        return _score_rows(items, per)
    if all(isinstance(item, Ranked) for item in items):
        return [{"rank": place.rank, **row} for place in items for row in _score_rows([place.score], per or "card")]
    if all(isinstance(item, Mapping) for item in items):
        if per == "card" and items:
            msg = 'to_pandas(records, per="card"): records are taken as they are; per= is for scores'
            raise TypeError(msg)
        return items
    kinds = sorted({type(item).__name__ for item in items})
    msg = f"to_pandas takes records (dicts), CardScores or Ranked places, not a mix or other things; got {', '.join(kinds)}"
    raise TypeError(msg)


def _kind(values: list[object]) -> str:
    """How a column converts: 'decimal', 'date', 'instant' or 'other'."""
    present = [v for v in values if v is not None]
    if not present:
        return "other"
    if all(isinstance(v, Decimal | int) and not isinstance(v, bool) for v in present):
        return "decimal" if any(isinstance(v, Decimal) for v in present) else "other"
    if all(isinstance(v, _dt.datetime) and v.tzinfo is not None for v in present):
        return "instant"
    if all(isinstance(v, _dt.date) and not isinstance(v, _dt.datetime) for v in present):
        return "date"
    return "other"


def _column(pandas: Any, values: list[object], *, exact: bool) -> Any:  # noqa: ANN401 - pandas is untyped here
    kind = _kind(values)
    if kind == "decimal":
        if exact:
            return pandas.Series(values, dtype=object)
        return pandas.Series([math.nan if v is None else float(v) for v in values], dtype="float64")  # type: ignore[arg-type]
    # microseconds, as Python's datetimes hold them, whatever unit this pandas picks (2.x: ns, 3.x: us)
    if kind == "date":
        return pandas.to_datetime(
            [None if v is None else _dt.datetime(v.year, v.month, v.day) for v in values]  # type: ignore[attr-defined] # noqa: DTZ001 - a calendar date, no instant
        ).as_unit("us")
    if kind == "instant":
        # plain stdlib datetimes in UTC: pandas need not know pendulum's zones
        utc = [None if v is None else v.astimezone(_dt.UTC).replace(tzinfo=None) for v in values]  # type: ignore[attr-defined]
        return pandas.to_datetime(utc).tz_localize("UTC").as_unit("us")
    return pandas.Series(values)


def to_pandas(rows_or_scores: object, *, per: Per | None = None, exact: bool = False) -> pd.DataFrame:
    """A `pandas.DataFrame` of records, a `CardScore`, a `Dashboard`, a `Trend`, a ranking or any iterable of `CardScore`s.

    Scores become one row per card and parameter (`scorekit.grouping.card_records`), or
    with ``per="card"`` one row per card (`card_row`: a `Trend` then has one row per
    period).  A ranking (`Ranked` places, from `rank` or a `leaderboard`) is one row per
    place unless ``per="parameter"``, its ``rank`` the first column.  Records (dicts) are taken as they are, columns in the
    order they first appear.  Decimal columns are ``float64`` unless `exact` (then
    Decimals, ``object``).  Without pandas, an `ImportError` says which extra to install.
    """
    if per not in (None, "parameter", "card"):
        msg = f'to_pandas: per must be "parameter" or "card", got {per!r}'
        raise ValueError(msg)
    try:
        import pandas  # noqa: PLC0415 - optional: imported only when asked for
    except ImportError as error:
        msg = f"scorekit.to_pandas needs pandas, which is not installed: {_INSTALL}"
        raise ImportError(msg, name="pandas") from error
    rows = _rows(rows_or_scores, per)
    columns: dict[str, list[object]] = {}
    for number, row in enumerate(rows):
        for key in row:
            columns.setdefault(key, [None] * number)
        for key, values in columns.items():
            values.append(row.get(key))
    return pandas.DataFrame(
        {key: _column(pandas, values, exact=exact) for key, values in columns.items()}, index=range(len(rows))
    )
