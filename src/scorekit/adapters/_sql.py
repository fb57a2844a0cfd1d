"""SQL the SQLite and PostgreSQL adapters share: quoting, the host's records table, one query per batch.

A records source answers a whole batch of `MetricRequest`s with one query: the
requests travel as one parameter (a JSON array for SQLite, arrays for PostgreSQL),
become a table of ``(request number, metric, subject, start, end)`` rows (one row
per subject of a request), are joined to the host's records on metric, subject and
the half-open window, and are grouped per request.  The database computes each
request's sum, count and latest row; `measurement` turns them into a
`Measurement`, dividing an AVERAGE in scorekit's own 34-digit context so that every
source gives the same Decimal for the same records.  A batch of columns (`WantedColumns`:
`aggregate`'s cells grouped per metric and window, or `aggregate_columns`' keys) travels
the same way, one row per subject of a column, and comes back as each one's sum, count
and latest row (`Aggregate`).

Identifiers (the table and its columns) are always quoted here, never formatted
into SQL as they are: a name with quotes, semicolons or comments is just a strange
name.

>>> quote_identifier('deals"; DROP TABLE cards; --')
'"deals""; DROP TABLE cards; --"'
>>> instant_text(pendulum.datetime(2024, 2, 1, tz="Europe/Warsaw"))
'2024-01-31T23:00:00.000000Z'
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Final, Protocol, Self

import attrs
import pendulum
from pendulum import DateTime

from scorekit import codec
from scorekit.adapters._columns import Column
from scorekit.errors import InvalidSetting, StorageError
from scorekit.measurement import Aggregate, Evidence, Measurement, MetricRequest, as_instant, check_shares
from scorekit.numbers import EXACT, ZERO
from scorekit.period import Date, as_date, as_utc
from scorekit.ports import CardRow
from scorekit.scorecard import Scorecard

__all__ = [
    "MAX_BUSY_TIMEOUT",
    "RECORD_FIELDS",
    "Closing",
    "DecodedCards",
    "RecordsTable",
    "Wanted",
    "WantedColumns",
    "busy_timeout_seconds",
    "card_rows",
    "evidence_wanted",
    "file_path",
    "instant_text",
    "is_instant_text",
    "measurement",
    "parse_instant_text",
    "quote_identifier",
    "table_hint",
]

RECORD_FIELDS: Final = ("id", "metric", "subject", "occurred_at", "value", "share")


"""The columns a records table has, under these names unless `columns=` maps them to the host's."""


class _Connections(Protocol):
    def close(self) -> None: ...


class Closing:
    """What every SQL adapter shares about its connections (kept in `_db`): `close()`, and ``with`` to call it.

    >>> class Adapter(Closing):
    ...     def __init__(self, db): self._db = db
    >>> class Db:
    ...     def close(self): print("closed")
    >>> with Adapter(Db()):
    ...     pass
    closed
    """

    _db: _Connections

    def close(self) -> None:
        """Close the connections this adapter opened (a host's pool is left open); it may not be used afterwards."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


SUM: Final = "sum"
AVERAGE: Final = "average"
LAST: Final = "last"

_INSTANT_TEXT: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", re.ASCII)
"""`instant_text`'s form."""


def quote_identifier(name: str, *, max_bytes: int | None = None) -> str:
    """`name` as a quoted SQL identifier (double quotes, inner quotes doubled), for SQLite and PostgreSQL.

    A NUL character, an empty name or (where the database would silently cut it) a
    name longer than `max_bytes` raise `InvalidSetting`.

    >>> quote_identifier("occurred at")
    '"occurred at"'
    """
    if not isinstance(name, str) or not name:
        msg = f"a table or column name must be a non-empty string, got {name!r}"
        raise InvalidSetting(msg)
    if "\x00" in name:
        msg = f"a table or column name cannot contain a NUL character, got {name!r}"
        raise InvalidSetting(msg)
    if max_bytes is not None and len(name.encode()) > max_bytes:
        msg = f"the name {name!r} is longer than the database's {max_bytes} bytes; it would be cut to another name"
        raise InvalidSetting(msg)
    return '"' + name.replace('"', '""') + '"'


def file_path(value: object) -> str:
    r"""`value` as a database file's path: a str or an `os.PathLike` of one, without NUL; else `InvalidSetting`.

    >>> file_path("crm\x00.sqlite3")
    Traceback (most recent call last):
    scorekit.errors.InvalidSetting: path must not hold a NUL character, got 'crm\x00.sqlite3'
    """
    path = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(path, str):
        msg = f"path must be a file path (a str or a pathlib.Path), got {value!r}"
        raise InvalidSetting(msg)
    if "\x00" in path:
        msg = f"path must not hold a NUL character, got {path!r}"
        raise InvalidSetting(msg)
    return path


@contextlib.contextmanager
def table_hint(table: str | Sequence[str]) -> Iterator[None]:
    """Add to a `StorageError` about a records table named with a dot how to name a table in a schema.

    >>> with table_hint("crm.deals"):
    ...     raise StorageError("no such table: crm.deals")
    Traceback (most recent call last):
    scorekit.errors.StorageError: no such table: crm.deals; 'crm.deals' is one table name here: to name a table in a schema, pass table=('crm', 'deals')
    """
    try:
        yield
    except StorageError as error:
        if isinstance(table, str) and "." in table:
            schema, _dot, name = table.partition(".")
            msg = f"{error}; {table!r} is one table name here: to name a table in a schema, pass table=({schema!r}, {name!r})"
            raise type(error)(msg) from error
        raise


def instant_text(value: _dt.datetime) -> str:
    """The fixed-width UTC text form of an instant: ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (27 characters).

    SQLite has no instant type; in this form text order is time order, so a SQLite
    records table keeps ``occurred_at`` as such text and windows compare exactly.

    >>> instant_text(pendulum.datetime(2024, 3, 31, 1, 59, 59, 999999, tz="UTC"))
    '2024-03-31T01:59:59.999999Z'
    """
    utc = as_utc(as_instant(value, name="occurred_at"))
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        f".{utc.microsecond:06d}Z"
    )


def is_instant_text(text: object) -> bool:
    """Whether `text` is `instant_text`'s form of an instant: every record in a window must be, in every path.

    >>> is_instant_text("2024-02-29T09:30:00.000000Z"), is_instant_text("2023-02-29T09:30:00.000000Z")
    (True, False)
    """
    if not isinstance(text, str) or not _INSTANT_TEXT.fullmatch(text):
        return False
    try:
        _dt.datetime.fromisoformat(text)
    except ValueError:  # the form, but no such day or hour
        return False
    return True


def parse_instant_text(text: object, *, where: str) -> DateTime:
    """Read `instant_text`'s form back; anything else raises `StorageError` naming `where`.

    >>> parse_instant_text("2024-02-01T00:00:00.000000Z", where="row 1").isoformat()
    '2024-02-01T00:00:00+00:00'
    """
    # One per record read (a dashboard reads tens of thousands): fromisoformat and the constructor,
    # not strptime and pendulum.instance, which take ten times as long.
    try:
        if not isinstance(text, str) or not _INSTANT_TEXT.fullmatch(text):
            raise ValueError  # noqa: TRY301 - one message for every way it can be wrong
        p = _dt.datetime.fromisoformat(text)  # the form checked; a 13th month or a 30 February still fail
    except ValueError:
        msg = f"{where}: occurred_at must be UTC text like '2024-02-01T09:30:00.000000Z', got {text!r}"
        raise StorageError(msg) from None
    return DateTime(p.year, p.month, p.day, p.hour, p.minute, p.second, p.microsecond, tzinfo=pendulum.UTC)


@attrs.frozen
class RecordsTable:
    """A host's records table with every name quoted: what a records source's query is built from.

    >>> t = RecordsTable.of(("crm", "deals"), {"occurred_at": "won_at", "value": None})
    >>> t.table, t.occurred_at, t.value
    ('"crm"."deals"', '"won_at"', None)
    """

    table: str
    id: str
    metric: str
    subject: str
    occurred_at: str
    value: str | None
    """None: the table has no value column and each record counts 1."""
    share: str | None = None
    """The column of each row's share of a split record (`Evidence.share`); None (the default): every row is whole."""

    @classmethod
    def of(
        cls,
        table: str | Sequence[str],
        columns: Mapping[str, str | None] | None,
        *,
        max_bytes: int | None = None,
    ) -> RecordsTable:
        """Check and quote `table` (a name, or a sequence of names: schema, table) and `columns`."""
        parts = (table,) if isinstance(table, str) else tuple(table)
        if not parts:
            msg = "the records table needs a name, got an empty sequence"
            raise InvalidSetting(msg)
        mapping = dict(columns or {})
        unknown = sorted(set(mapping) - set(RECORD_FIELDS), key=str)
        if unknown:
            msg = f"columns maps unknown fields {unknown}; the fields are {list(RECORD_FIELDS)}"
            raise InvalidSetting(msg)
        names: dict[str, str | None] = {}
        for field in RECORD_FIELDS:
            name = mapping.get(field, None if field == "share" else field)  # no share column unless named
            if name is None and field not in ("value", "share"):
                msg = f"columns[{field!r}] is None; only 'value' and 'share' may be None (each record then counts 1)"
                raise InvalidSetting(msg)
            names[field] = None if name is None else quote_identifier(name, max_bytes=max_bytes)
        return cls(
            ".".join(quote_identifier(part, max_bytes=max_bytes) for part in parts),
            str(names["id"]),
            str(names["metric"]),
            str(names["subject"]),
            str(names["occurred_at"]),
            names["value"],
            names["share"],
        )

    def join(self, instants: str | None = None) -> str:
        """The join of the wanted rows ``w`` to the records ``r``: metric, subject, half-open window.

        `instants` replaces the window's condition on ``r``'s instant column (``{at}`` stands for it).
        """
        valued = "" if self.value is None else f" AND r.{self.value} IS NOT NULL"
        at = f"r.{self.occurred_at}"
        when = f"{at} >= w.start_at AND {at} < w.end_at" if instants is None else instants.format(at=at)
        return (
            f"JOIN {self.table} AS r ON r.{self.metric} = w.metric AND r.{self.subject} = w.subject AND {when}{valued}"
        )

    def value_expression(self) -> str:
        """The value of a record ``r``."""
        return "1" if self.value is None else f"r.{self.value}"

    def share_expression(self) -> str:
        """The share of a record ``r`` (1 without a share column)."""
        return "1" if self.share is None else f"r.{self.share}"


MAX_BUSY_TIMEOUT: Final = 86_400
"""The longest `busy_timeout`, in seconds (a day): longer waits are a mistake, and overflow the databases' own."""


def busy_timeout_seconds(value: object, *, zero: bool = False) -> float:
    """A `busy_timeout`: a finite number of seconds above 0 (or 0, with `zero`), at most a day, else `InvalidSetting`.

    >>> busy_timeout_seconds(5), busy_timeout_seconds(0.25)
    (5.0, 0.25)
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not (0 <= value <= MAX_BUSY_TIMEOUT)
        or (value == 0 and not zero)
    ):
        least = "0 or more" if zero else "more than 0"
        msg = f"busy_timeout must be a finite number of seconds, {least} and at most {MAX_BUSY_TIMEOUT}, got {value!r}"
        raise InvalidSetting(msg)
    return float(value)


def evidence_wanted(evidence: str) -> bool:
    """`True` for ``"ids"`` (list the counted records), `False` for ``"none"``; anything else raises.

    >>> evidence_wanted("none")
    False
    """
    if evidence == "ids":
        return True
    if evidence == "none":
        return False
    msg = f"evidence must be 'ids' (list the counted records) or 'none', got {evidence!r}"
    raise InvalidSetting(msg)


def accumulation_of(request: MetricRequest) -> str:
    """How the request's metric accumulates: ``"sum"``, ``"average"`` or ``"last"``."""
    return request.accumulation.value


@attrs.frozen
class Wanted:
    """A batch of distinct requests, numbered, and the rows the query joins: one per (request, subject)."""

    requests: tuple[MetricRequest, ...]
    numbers: tuple[int, ...]
    accumulations: tuple[str, ...]
    metrics: tuple[str, ...]
    subjects: tuple[str, ...]
    starts: tuple[_dt.datetime, ...]
    """Aware UTC instants."""
    ends: tuple[_dt.datetime, ...]
    windows: tuple[tuple[_dt.datetime, _dt.datetime], ...]
    """The distinct ``(start, end)`` pairs: a dashboard's requests share a handful."""
    window_numbers: tuple[int, ...]
    """Per row, its window's place in `windows` (from 1, as SQL's ordinality counts)."""

    @classmethod
    def of(cls, requests: Collection[MetricRequest]) -> Wanted:
        """Number the distinct requests (in a stable order) and spread them over their subjects."""
        distinct = tuple(dict.fromkeys(requests))
        numbers: list[int] = []
        accumulations: list[str] = []
        metrics: list[str] = []
        subjects: list[str] = []
        starts: list[_dt.datetime] = []
        ends: list[_dt.datetime] = []
        windows: dict[tuple[_dt.datetime, _dt.datetime], int] = {}
        window_numbers: list[int] = []
        for number, request in enumerate(distinct):
            start, end = as_utc(request.start), as_utc(request.end)
            window = windows.setdefault((start, end), len(windows) + 1)
            accumulation = accumulation_of(request)
            for subject in sorted(request.subjects):
                numbers.append(number)
                accumulations.append(accumulation)
                metrics.append(request.metric)
                subjects.append(subject)
                starts.append(start)
                ends.append(end)
                window_numbers.append(window)
        return cls(
            distinct,
            tuple(numbers),
            tuple(accumulations),
            tuple(metrics),
            tuple(subjects),
            tuple(starts),
            tuple(ends),
            tuple(windows),
            tuple(window_numbers),
        )


_ZERO_SUM: Final = Measurement(0)
_NO_RECORD: Final = Measurement(None)
"""A level (AVERAGE, LAST) with no record in the window has no value yet."""


def _nothing(accumulation: str) -> Measurement:
    return _ZERO_SUM if accumulation == SUM else _NO_RECORD


def measurement(
    accumulation: str,
    *,
    total: Decimal,
    count: int | Decimal,
    last_value: Decimal | None,
    evidence: Iterable[Evidence] = (),
) -> Measurement:
    """A request's answer from what the database computed over its records.

    SUM: the total; AVERAGE: total / count in scorekit's 34-digit context; LAST:
    the latest record's value.  With split records the total is ``sum(value x share)``
    and the count ``sum(share)``; the evidence's shares are checked (`check_shares`).
    With no record, SUM is 0 and a level has no value.

    >>> measurement("average", total=Decimal(10), count=3, last_value=None).value
    Decimal('3.333333333333333333333333333333333')
    """
    if count == 0:
        return _nothing(accumulation)
    if accumulation == AVERAGE:  # shares summing to a whole number divide as that int, as `Aggregate.value` does
        whole = isinstance(count, Decimal) and count == count.to_integral_value()
        value = EXACT.divide(total, Decimal(int(count)) if whole else Decimal(count))
    elif accumulation == LAST:
        value = ZERO if last_value is None else last_value
    else:
        value = total
    rows = tuple(evidence)
    check_shares(rows)
    return Measurement(value, rows)


def answers(
    wanted: Wanted,
    found: Mapping[int, Measurement],
) -> dict[MetricRequest, Measurement]:
    """Every request of the batch with its answer; requests no record matched get their 'nothing'."""
    return {
        request: found[number] if number in found else _nothing(accumulation_of(request))
        for number, request in enumerate(wanted.requests)
    }


@attrs.frozen
class WantedColumns:
    """A batch of columns (`aggregate` and `aggregate_columns` alike) as the rows a query joins: one per (column, subject).

    Row ``n`` (from 0) is ``subjects[n]`` in the column ``columns[column_numbers[n] - 1]``.

    >>> import datetime as dt
    >>> march, april = dt.datetime(2024, 3, 1, tzinfo=dt.UTC), dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    >>> wanted = WantedColumns.of([Column("calls", march, april, ["ann", "bob"]), Column("deals", march, april, ["ann"])])
    >>> wanted.subjects, wanted.column_numbers
    (('ann', 'bob', 'ann'), (1, 1, 2))
    >>> [sorted(got) for got in wanted.answers({})]
    [['ann', 'bob'], ['ann']]
    """

    columns: tuple[Column, ...]
    subjects: tuple[str, ...]
    column_numbers: tuple[int, ...]
    """Per row, its column's place in `columns` (from 1, as SQL's ordinality counts)."""

    @classmethod
    def of(cls, columns: Sequence[Column]) -> WantedColumns:
        """Spread the columns over their subjects."""
        subjects: list[str] = []
        numbers: list[int] = []
        for number, column in enumerate(columns, 1):
            subjects += column.subjects
            numbers += [number] * len(column.subjects)
        return cls(tuple(columns), tuple(subjects), tuple(numbers))

    def answers(self, found: Mapping[int, Aggregate]) -> list[dict[str, Aggregate]]:
        """Per column, every subject's aggregate by row number; subjects no record matched get `Aggregate.EMPTY`."""
        got = [dict.fromkeys(column.subjects, Aggregate.EMPTY) for column in self.columns]
        subjects, numbers = self.subjects, self.column_numbers
        for n, aggregate in found.items():
            got[numbers[n] - 1][subjects[n]] = aggregate
        return got


def card_rows(rows: Iterable[Sequence[object]]) -> tuple[CardRow, ...]:
    """`CardRow`s from ``(id, series, period_start, period_end, timezone, rollover)`` rows of a cards table.

    The period dates are dates or ISO text; a store's cards share a few periods, so each
    distinct one is converted once.  A value that is no date raises `InvalidPeriod`.

    >>> card_rows([("c1", "c1", "2024-01-01", "2024-02-01", "UTC", 1)])[0].period_end
    Date(2024, 2, 1)
    """
    dates: dict[object, Date] = {}

    def day(value: object) -> Date:
        found = dates.get(value)
        if found is None:
            found = dates[value] = as_date(value)  # a date or its text, else InvalidPeriod
        return found

    return tuple(
        CardRow(card_id, series, day(start), day(end), timezone, bool(rollover))  # type: ignore[arg-type]
        for card_id, series, start, end, timezone, rollover in rows
    )


class DecodedCards:
    """Decoded cards by their document text: what a SQL repository reads again and again is decoded once.

    A document fully determines its (immutable) card, so a card kept by its text can
    never be stale, whatever was written since.  At most `size` are kept (the oldest
    go first).  `decode` raises what `codec.loads` raises.

    >>> from scorekit import Cadence, Date, Parameter, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> text = codec.dumps(Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)]))
    >>> cards = DecodedCards(size=10)
    >>> cards.decode(text) is cards.decode(text)
    True
    """

    def __init__(self, *, size: int) -> None:
        self._size = size
        self._cards: dict[str, Scorecard] = {}

    def decode(self, document: str) -> Scorecard:
        """The card of `document`, decoded on first sight."""
        card = self._cards.get(document)
        if card is None:
            card = codec.loads(document, Scorecard)
            if len(self._cards) >= self._size:
                with contextlib.suppress(StopIteration, KeyError, RuntimeError):  # another thread got there first
                    del self._cards[next(iter(self._cards))]
            self._cards[document] = card
        return card
