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
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scorekit.grouping import card_records
from scorekit.scoring import CardScore

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["to_pandas"]

_INSTALL = "pip install 'scorekit[pandas]'"


def _rows(data: object) -> Sequence[Mapping[str, object]]:
    """Records from whatever `to_pandas` was given: records, a score, a dashboard, a trend, a batch or scores."""
    if isinstance(data, CardScore):
        return card_records([data])
    to_records = getattr(data, "to_records", None)
    if callable(to_records) and not isinstance(data, Mapping):
        return list(to_records())
    if isinstance(data, Mapping | str | bytes) or not isinstance(data, Iterable):
        msg = (
            "to_pandas takes records (dicts), a CardScore, a Dashboard or an iterable of CardScores, "
            f"got {type(data).__name__}"
        )
        raise TypeError(msg)
    items = list(data)
    if all(isinstance(item, CardScore) for item in items):
        return card_records(items)
    if all(isinstance(item, Mapping) for item in items):
        return items
    kinds = sorted({type(item).__name__ for item in items})
    msg = f"to_pandas takes records (dicts) or CardScores, not a mix or other things; got {', '.join(kinds)}"
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
    if kind == "date":
        return pandas.to_datetime(
            [None if v is None else _dt.datetime(v.year, v.month, v.day) for v in values]  # type: ignore[attr-defined] # noqa: DTZ001 - a calendar date, no instant
        )
    if kind == "instant":
        # plain stdlib datetimes in UTC: pandas need not know pendulum's zones
        utc = [None if v is None else v.astimezone(_dt.UTC).replace(tzinfo=None) for v in values]  # type: ignore[attr-defined]
        return pandas.to_datetime(utc).tz_localize("UTC")
    return pandas.Series(values)


def to_pandas(rows_or_scores: object, *, exact: bool = False) -> pd.DataFrame:
    """A `pandas.DataFrame` of records, a `CardScore`, a `Dashboard`, a `Trend` or any iterable of `CardScore`s.

    Scores become one row per card and parameter (`scorekit.grouping.card_records`);
    records (dicts) are taken as they are, columns in the order they first appear.
    Decimal columns are ``float64`` unless `exact` (then Decimals, ``object``).
    Without pandas, an `ImportError` says which extra to install.
    """
    try:
        import pandas  # noqa: PLC0415 - optional: imported only when asked for
    except ImportError as error:
        msg = f"scorekit.to_pandas needs pandas, which is not installed: {_INSTALL}"
        raise ImportError(msg, name="pandas") from error
    rows = _rows(rows_or_scores)
    columns: dict[str, list[object]] = {}
    for number, row in enumerate(rows):
        for key in row:
            columns.setdefault(key, [None] * number)
        for key, values in columns.items():
            values.append(row.get(key))
    return pandas.DataFrame(
        {key: _column(pandas, values, exact=exact) for key, values in columns.items()}, index=range(len(rows))
    )
