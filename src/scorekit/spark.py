"""Scoring many tenants' cards on Spark: the function for ``DataFrame.mapInPandas``.

Needs the extra ``scorekit[spark]`` (pyspark with pandas and pyarrow).  Each input row
holds three text columns (other columns are carried through unchanged, in front):

- ``card``: a `Scorecard` document as `scorekit.codec.dumps` writes it;
- ``measurements``: a measurements document (`dumps_measurements`): a JSON object mapping
  each metric key to its value, a decimal string (``"12.5"``), a JSON number (read exactly,
  never through a float), ``null`` (no record in the window yet: ``Measurement(None)``) or a
  `Measurement` document (``{"schema": 2, "value": "3", "evidence": [...]}``; ``"schema"``
  may be left out here);
- ``as_of``: the instant to score at, as ISO 8601 text **with its offset**
  (``"2024-03-10T12:00:00+00:00"``, ``...Z``).  Not a timestamp column: Spark hands pandas
  timestamps as naive wall times in the session's time zone, which is ambiguous for an
  hour every autumn.  Format one with ``date_format(ts, "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")``.

Each row becomes one row of `RESULT_DDL`: the card's id, owner, period, the exact total,
percent, projection and status, and every active parameter's numbers as exact decimal
strings (``str`` of the `Decimal` that `scorekit.score` computed, so ``Decimal(text)``
gives it back).  Each distinct card document is decoded once per partition (the last
`CARD_CACHE_SIZE` distinct documents are kept), so rows that share a card are cheap.

A bad row raises a `ScorekitError` naming the row and the card (the task, and so the
job, fails; nothing is half-written), unless ``errors="column"``: then the row's
``error`` column says what was wrong (``"InvalidDocument: ..."``), its numbers are null,
and every other row is scored.

>>> import pandas as pd, pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, codec
>>> april = Cadence.monthly(Date(2024, 4, 1))
>>> card = Scorecard("ann-april", User("ann"), april, april.period(0), [Parameter("deals_won", 10, 100)])
>>> rows = pd.DataFrame({"tenant": ["acme"], "card": [codec.dumps(card)],
...                      "measurements": [dumps_measurements({"deals_won": 4})],
...                      "as_of": ["2024-04-15T12:00:00+00:00"]})
>>> (out,) = score_partitions(iter([rows]))
>>> out.loc[0, ["tenant", "card_id", "total", "projected", "status"]].tolist()
['acme', 'ann-april', '0.4', '0.8', 'behind']
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from scorekit import codec
from scorekit.errors import InvalidDocument, ScorekitError
from scorekit.measurement import Measurement, as_instant
from scorekit.numbers import Number, to_decimal
from scorekit.scorecard import Scorecard, Team
from scorekit.scoring import CardScore, score

if TYPE_CHECKING:  # pragma: no cover - pandas and pyspark are imported only when called
    import pandas as pd
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType


def _require_extra() -> None:
    # find_spec does not import: pyspark and pandas load only when a function needs them
    for name in ("pyspark", "pandas", "pyarrow"):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a finder that refuses it, a half-imported module
            found = False
        if not found:
            msg = f"scorekit.spark needs {name}, which is not installed: pip install 'scorekit[spark]'"
            raise ImportError(msg, name=name)


_require_extra()

__all__ = [
    "CARD_CACHE_SIZE",
    "INPUT_COLUMNS",
    "RESULT_COLUMNS",
    "RESULT_DDL",
    "dumps_measurements",
    "loads_measurements",
    "result_schema",
    "score_dataframe",
    "score_partitions",
]

INPUT_COLUMNS: Final = ("card", "measurements", "as_of")
"""The columns `score_partitions` reads; every other input column is carried through."""

CARD_CACHE_SIZE: Final = 4096
"""How many distinct card documents a partition keeps decoded (least recently used go first)."""

_PARAMETER_FIELDS: Final = (
    "metric",
    "actual",
    "target",
    "achievement",
    "effective",
    "contribution",
    "expected",
    "projected",
    "status",
)

RESULT_COLUMNS: Final = (
    "card_id",
    "owner",
    "owner_kind",
    "period_start",
    "period_end",
    "as_of",
    "total",
    "percent",
    "projected",
    "status",
    "parameters",
    "error",
)
"""The result's columns, after any carried ones, in this order."""

RESULT_DDL: Final = (
    "card_id STRING, owner STRING, owner_kind STRING, period_start DATE, period_end DATE, as_of STRING, "
    "total STRING, percent STRING, projected STRING, status STRING, "
    "parameters ARRAY<STRUCT<" + ", ".join(f"{name}: STRING" for name in _PARAMETER_FIELDS) + ">>, "
    "error STRING"
)
"""The result schema as Spark DDL, for ``mapInPandas(score_partitions, schema=RESULT_DDL)``.

Every number is a string holding the exact `Decimal` (``total`` is a fraction: 1 = 100%,
``percent`` the total in percent rounded half up to 2 places).  ``as_of`` is the scored
instant in UTC.  ``projected`` is null while nothing has started, a parameter's ``projected``
likewise.  ``error`` is null unless ``errors="column"`` met a bad row (then only the carried
columns, and ``card_id``, ``owner`` and ``owner_kind`` if the card could be read, are set).

>>> RESULT_DDL.split(", ")[:3]
['card_id STRING', 'owner STRING', 'owner_kind STRING']
"""

Errors = Literal["raise", "column"]


def dumps_measurements(measurements: Mapping[str, Measurement | Number]) -> str:
    """The measurements document for `measurements` (metric key -> number or `Measurement`).

    Numbers are written as exact decimal strings; a `Measurement` as its codec document,
    evidence included.  A manual metric's value goes here too.

    >>> dumps_measurements({"deals_won": 4, "revenue": "1250.50"})
    '{"deals_won": "4", "revenue": "1250.50"}'
    """
    document: dict[str, object] = {}
    for key, value in measurements.items():
        given: object = key  # a caller without a type checker may pass anything
        if not isinstance(given, str):
            msg = f"a measurements document maps metric keys (strings) to values, got the key {key!r}"
            raise InvalidDocument(msg)
        if isinstance(value, Measurement):
            document[key] = codec.to_dict(value)
        else:
            document[key] = str(to_decimal(value, name=f"the measurement of {key!r}"))
    return json.dumps(document, ensure_ascii=False)


def loads_measurements(text: str | bytes) -> dict[str, Measurement | Decimal]:
    """The mapping a measurements document describes, ready for `scorekit.score`.

    JSON numbers are read exactly (``12.50`` is ``Decimal('12.50')``); ``null`` is
    ``Measurement(None)``, no record in the window yet; objects are `Measurement` documents.

    >>> loads_measurements('{"deals_won": 4, "revenue": 1250.50, "calls": "-2"}')
    {'deals_won': Decimal('4'), 'revenue': Decimal('1250.50'), 'calls': Decimal('-2')}
    >>> loads_measurements('{"conversion": null}')
    {'conversion': Measurement(value=None, evidence=())}
    >>> loads_measurements('{"calls": true}')
    Traceback (most recent call last):
    scorekit.errors.InvalidDocument: not a valid measurements document: calls: expected a decimal string, a number, null or a Measurement document, got True
    """
    given: object = text
    if not isinstance(given, str | bytes):
        msg = f"a measurements document must be JSON text, got {type(given).__name__}"
        raise InvalidDocument(msg)
    if len(text) > codec.MAX_DOCUMENT_CHARS:
        msg = f"a measurements document of {len(text):,} characters is longer than the {codec.MAX_DOCUMENT_CHARS:,} allowed"
        raise InvalidDocument(msg)
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        msg = "not a valid measurements document: nested too deeply"
        raise InvalidDocument(msg) from None
    except (ValueError, UnicodeDecodeError) as error:
        msg = f"not a valid measurements document: not valid JSON: {error}"
        raise InvalidDocument(msg) from None
    if not isinstance(data, dict):
        msg = f"a measurements document must be a JSON object (metric key -> value), got {type(data).__name__}"
        raise InvalidDocument(msg)
    result: dict[str, Measurement | Decimal] = {}
    for key, value in data.items():
        result[key] = _measurement(key, value)
    return result


def _measurement(key: str, value: object) -> Measurement | Decimal:
    try:
        if value is None:
            return _NO_RECORD
        if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
            return to_decimal(value, name="the value")
        if isinstance(value, dict):
            return codec.from_dict({"schema": codec.SCHEMA, **_plain_numbers(value)}, Measurement)
    except ScorekitError as error:
        msg = f"not a valid measurements document: {key}: {error}"
        raise InvalidDocument(msg) from None
    msg = f"not a valid measurements document: {key}: expected a decimal string, a number, null or a Measurement document, got {value!r}"
    raise InvalidDocument(msg)


_NO_RECORD: Final = Measurement(None)


def _plain_numbers(value: Any) -> Any:  # noqa: ANN401 - any JSON value
    """The codec reads decimals from strings: give it the exact text of each JSON number."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    return value


def _refuse_constant(name: str) -> None:
    msg = f"{name} is not a number JSON allows"
    raise ValueError(msg)


def _as_of(value: object) -> _dt.datetime:
    if not isinstance(value, str):
        msg = (
            f"as_of must be ISO 8601 text with an offset (such as '2024-03-10T12:00:00+00:00'), got {value!r}; "
            "format a timestamp column with date_format(ts, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX\")"
        )
        raise InvalidDocument(msg)
    try:
        parsed = _dt.datetime.fromisoformat(value)
    except ValueError:
        msg = f"as_of must be ISO 8601 text with an offset (such as '2024-03-10T12:00:00+00:00'), got {value!r}"
        raise InvalidDocument(msg) from None
    if parsed.tzinfo is None:
        msg = f"as_of {value!r} has no offset; an instant needs one (such as '+00:00' or 'Z')"
        raise InvalidDocument(msg)
    return as_instant(parsed)


class _Cache:
    """The last `size` results of `make`, by argument: decoding once per partition, in bounded memory."""

    def __init__(self, make: Callable[[Any], Any], size: int) -> None:
        self._make = make
        self._size = size
        self._items: OrderedDict[object, tuple[bool, Any]] = OrderedDict()
        self.misses = 0

    def __call__(self, key: object) -> Any:  # noqa: ANN401 - whatever `make` gives
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            try:
                item = (True, self._make(key))
            except ScorekitError as error:  # a bad document stays bad: remember that too
                item = (False, error)
            self._items[key] = item
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        ok, value = item
        if not ok:
            raise value
        return value


def _decode_card(text: object) -> Scorecard:
    if not isinstance(text, str | bytes):
        msg = f"the card column must hold a Scorecard document (JSON text), got {text!r}"
        raise InvalidDocument(msg)
    return codec.loads(text, Scorecard)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _row(result: CardScore) -> list[object]:
    card = result.card
    return [
        card.id,
        card.owner.id,
        "team" if isinstance(card.owner, Team) else "user",
        _dt.date.fromordinal(card.period.start.toordinal()),
        _dt.date.fromordinal(card.period.end.toordinal()),
        result.as_of.astimezone(_dt.UTC).isoformat(),
        str(result.total),
        str(result.percent()),
        _text(result.projected),
        result.status.value,
        [
            {
                "metric": item.key,
                "actual": _text(item.actual),
                "target": _text(item.target),
                "achievement": _text(item.achievement),
                "effective": _text(item.effective),
                "contribution": _text(item.contribution),
                "expected": _text(item.expected),
                "projected": _text(item.projected),
                "status": item.status.value,
            }
            for item in result.parameters
        ],
        None,
    ]


class _Scorer:
    """One partition's scoring: its caches live as long as the partition."""

    def __init__(self, errors: Errors) -> None:
        if errors not in ("raise", "column"):
            msg = f"errors must be 'raise' or 'column', got {errors!r}"
            raise ValueError(msg)
        self.errors = errors
        self.cards = _Cache(_decode_card, CARD_CACHE_SIZE)
        self.instants = _Cache(_as_of, CARD_CACHE_SIZE)
        self.rows = 0

    def row(self, card_text: object, measurements_text: object, as_of_text: object) -> list[object]:
        self.rows += 1
        card = None
        try:
            card = self.cards(card_text)
            if not isinstance(measurements_text, str | bytes):
                msg = (
                    f"the measurements column must hold a measurements document (JSON text), got {measurements_text!r}"
                )
                raise InvalidDocument(msg)
            result = score(card, loads_measurements(measurements_text), as_of=self.instants(as_of_text))
        except ScorekitError as error:
            where = f"row {self.rows} of the partition" + (f" (card {card.id!r})" if card is not None else "")
            if self.errors == "raise":
                raise _located(error, where) from None
            head: list[object] = [None, None, None]
            if card is not None:
                head = [card.id, card.owner.id, "team" if isinstance(card.owner, Team) else "user"]
            return [*head, *([None] * (len(RESULT_COLUMNS) - 4)), f"{type(error).__name__}: {error}"]
        return _row(result)


def _located(error: ScorekitError, where: str) -> ScorekitError:
    """The same kind of error, its message saying which row it came from."""
    try:
        return type(error)(f"{where}: {error}")
    except TypeError:  # an error class with another constructor: keep it, and say where in a note
        error.add_note(where)
        return error


def score_partitions(frames: Iterable[pd.DataFrame], *, errors: Errors = "raise") -> Iterator[pd.DataFrame]:
    """Score every row of every frame: the function ``DataFrame.mapInPandas`` calls per partition.

    Yields one frame per input frame: the carried columns (every input column but
    `INPUT_COLUMNS`, unchanged and in order), then `RESULT_COLUMNS`.  ``errors="column"``
    reports a bad row in its ``error`` column instead of raising (use it with
    ``functools.partial``).  See the module's docstring for the documents it reads.

    >>> import pandas as pd
    >>> bad = pd.DataFrame({"card": ["{}"], "measurements": ["{}"], "as_of": ["2024-04-16T00:00:00Z"]})
    >>> next(score_partitions(iter([bad])))
    Traceback (most recent call last):
    scorekit.errors.InvalidDocument: row 1 of the partition: a Scorecard document must carry "schema": 1 or 2, got None
    >>> next(score_partitions(iter([bad]), errors="column")).loc[0, "error"]
    'InvalidDocument: a Scorecard document must carry "schema": 1 or 2, got None'
    """
    import pandas as pd  # noqa: PLC0415 - pandas loads when a partition is scored, not on import

    scorer = _Scorer(errors)
    for frame in frames:
        missing = [name for name in INPUT_COLUMNS if name not in frame.columns]
        if missing:
            msg = f"the rows lack the column(s) {', '.join(missing)}; scorekit.spark reads {', '.join(INPUT_COLUMNS)}"
            raise InvalidDocument(msg)
        carried = [name for name in frame.columns if name not in INPUT_COLUMNS]
        _check_carried(carried)
        row = scorer.row
        rows = [
            row(card, measurements, as_of)
            for card, measurements, as_of in zip(
                frame["card"].tolist(), frame["measurements"].tolist(), frame["as_of"].tolist(), strict=True
            )
        ]
        out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS), dtype=object)
        if carried:
            out = pd.concat([frame[carried].reset_index(drop=True), out], axis=1)
        yield out


def _check_carried(carried: Iterable[str]) -> None:
    clash = sorted(set(carried) & set(RESULT_COLUMNS))
    if clash:
        msg = f"the input column(s) {', '.join(clash)} would clash with the result's; rename or drop them first"
        raise InvalidDocument(msg)


def result_schema(input_schema: StructType | None = None) -> StructType:
    """The result's `StructType`: the carried columns of `input_schema` (if given), then `RESULT_DDL`'s.

    Built from pyspark's types without a running Spark.

    >>> [field.name for field in result_schema()][:4]
    ['card_id', 'owner', 'owner_kind', 'period_start']
    """
    from pyspark.sql.types import ArrayType, DateType, StringType, StructField, StructType  # noqa: PLC0415 - lazily

    carried: list[StructField] = []
    if input_schema is not None:
        names = set(input_schema.fieldNames())
        missing = [name for name in INPUT_COLUMNS if name not in names]
        if missing:
            msg = f"the rows lack the column(s) {', '.join(missing)}; scorekit.spark reads {', '.join(INPUT_COLUMNS)}"
            raise InvalidDocument(msg)
        carried = [field for field in input_schema.fields if field.name not in INPUT_COLUMNS]
        _check_carried(field.name for field in carried)
    parameter = StructType([StructField(name, StringType()) for name in _PARAMETER_FIELDS])
    types = {"period_start": DateType(), "period_end": DateType(), "parameters": ArrayType(parameter)}
    return StructType([*carried, *(StructField(name, types.get(name, StringType())) for name in RESULT_COLUMNS)])


def score_dataframe(rows: DataFrame, *, errors: Errors = "raise") -> DataFrame:
    """``rows.mapInPandas(score_partitions, schema=result_schema(rows.schema))``, with `errors` passed on.

    `rows` has the columns ``card``, ``measurements`` and ``as_of`` (see the module's
    docstring); any other column is carried through.  Lazy, as Spark is: nothing runs
    until the result is written or collected.
    """
    return rows.mapInPandas(_on_workers(errors), schema=result_schema(rows.schema))


# the one line a task fails with when the workers' Python cannot import scorekit
_WORKERS_WITHOUT_SCOREKIT: Final = (
    "scorekit is not installed in this Spark worker's Python: point PYSPARK_PYTHON at a Python that has "
    "scorekit[spark], or ship a virtualenv archive with it (spark.archives); see docs/scale-out.md"
)


def _on_workers(errors: Errors) -> Callable[[Iterable[pd.DataFrame]], Iterator[pd.DataFrame]]:
    # Spark pickles this nested function by value (cloudpickle) and imports scorekit only when a
    # worker calls it: a worker without scorekit then fails with _WORKERS_WITHOUT_SCOREKIT, not
    # with a ModuleNotFoundError deep in the unpickling of a function pickled by reference.
    message = _WORKERS_WITHOUT_SCOREKIT

    def partitions(frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        try:
            from scorekit.spark import score_partitions  # noqa: PLC0415 - on the worker, see above
        except ModuleNotFoundError as error:
            if (error.name or "").partition(".")[0] != "scorekit":
                raise
            raise ModuleNotFoundError(message, name="scorekit") from None
        return score_partitions(frames, errors=errors)

    return partitions
