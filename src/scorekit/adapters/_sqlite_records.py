"""`SQLiteRecordsSource`: a `MetricSource` over a host's own SQLite table, one query per batch.

Re-exported by `scorekit.adapters.sqlite`; see its documentation there.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from scorekit.adapters._columns import Column, cell_answers, column_answers
from scorekit.adapters._sql import (
    LAST,
    RecordsTable,
    Wanted,
    WantedColumns,
    answers,
    busy_timeout_seconds,
    evidence_wanted,
    file_path,
    instant_text,
    is_instant_text,
    measurement,
    parse_instant_text,
    table_hint,
)
from scorekit.errors import InvalidMeasurement, InvalidNumber, StorageBusy, StorageError
from scorekit.measurement import (
    Aggregate,
    Cell,
    Evidence,
    Measurement,
    MetricRequest,
    as_share,
    balance_answers,
    balance_requests,
)
from scorekit.numbers import EXACT_SUMS, ONE, ZERO, to_decimal
from scorekit.ports import ColumnKey

__all__ = ["SQLiteRecordsSource"]

_AGGREGATE: Final = "scorekit_records"


def _text(value: object) -> str | None:
    """A cell read as bytes, as text; None for NULL or bytes that are not UTF-8."""
    if not isinstance(value, bytes):
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


class _Records:
    """The aggregate SQLite runs over one request's records: the exact sum, the latest row, the evidence.

    SQLite has no exact decimal type (its ``sum`` of text or real values is a
    binary float), so this registered aggregate adds the values as Decimals.  Its
    methods never raise (SQLite would hide the message): a bad value is reported
    in the result and raised as `StorageError` by the source.
    """

    def __init__(self) -> None:
        self.total = ZERO
        self.count: int | Decimal = 0
        self.last: tuple[str, str, str] | None = None
        self.rows: list[tuple[str, str, str, str]] | None = None
        self.shares: dict[str, Decimal] = {}
        self.bad: str | None = None
        self.over: str | None = None

    def step(  # noqa: PLR0917 - SQLite passes an aggregate's arguments one by one
        self, occurred_at: object, record_id: object, value: object, share: object, want_last: int, want_rows: int
    ) -> None:
        # The id and the instant come as bytes (CAST AS BLOB): text that is not UTF-8 is reported, not raised.
        if self.bad is not None:
            return
        at = _text(occurred_at)
        key = _text(record_id)
        if key is None:
            self.bad = f"a record at {at!r} has no id (NULL) or one that is not UTF-8 text ({record_id!r})"
            return
        if at is None or not is_instant_text(at):
            self.bad = f"record {key!r}: occurred_at must be UTC text like '2024-02-01T09:30:00.000000Z', got {at!r}"
            return
        try:
            amount = to_decimal(value, name=f"record {key!r}: value")
            part = ONE if share == 1 and type(share) is int else as_share(share, name=f"record {key!r}: share")
        except (InvalidNumber, InvalidMeasurement) as error:
            self.bad = str(error)
            return
        if part is ONE:
            self.total = EXACT_SUMS.add(self.total, amount)
            self.count += 1
        else:  # a split record: value x share, counted by its share
            self.total = EXACT_SUMS.add(self.total, EXACT_SUMS.multiply(amount, part))
            self.count = EXACT_SUMS.add(self.count, part)
        held = self.shares[key] = EXACT_SUMS.add(self.shares.get(key, ZERO), part)
        if held > ONE and self.over is None:  # the same record's rows (a team's members) credit more than 1
            self.over = key
        if want_last and (self.last is None or (at, key) > self.last[:2]):
            self.last = (at, key, str(amount))
        if want_rows:
            if self.rows is None:
                self.rows = []
            self.rows.append((at, key, str(amount), str(part)))

    def finalize(self) -> str:
        if self.bad is not None:
            return json.dumps({"bad": self.bad})
        count = self.count if isinstance(self.count, int) else str(self.count)
        return json.dumps(
            {"total": str(self.total), "count": count, "last": self.last, "rows": self.rows, "over": self.over}
        )


class SQLiteRecordsSource:
    """A `MetricSource` over a host's records table in a SQLite file, answering a batch in one query.

    The table holds one row per record: ``id, metric, subject, occurred_at, value``
    (`columns` maps these names to the table's own; ``"value": None`` counts each
    record as 1).  ``"share": "column"`` names a column of each row's share of a
    record split between people (`Evidence.share`; no share column by default:
    every row whole): a row counts ``value x share``, a cell's count is the sum of
    its rows' shares, and one record's rows in a request crediting more than 1 in
    all raise `InvalidMeasurement`.  ``occurred_at`` must be UTC text in the fixed-width form of
    `scorekit.adapters.sqlite.instant_text` (``2024-02-01T09:30:00.000000Z``),
    so that text order is time order and windows are half-open at the exact
    instants.  An index on ``(metric, subject, occurred_at)`` makes it fast.

    `evidence="ids"` lists the counted records as `Evidence`; `"none"` lists none
    (for dashboards that do not drill down).  The file is opened read-only.
    `queries` counts the queries run (tests count them).

    It is an `AggregateSource` and a `ColumnSource` too: `aggregate_columns`
    answers a batch of (metric, window) columns in one query, grouped per column
    and subject, with each one's exact sum, count and latest row; `aggregate`
    groups its `Cell`s into such columns and asks the same query.

    >>> import sqlite3, tempfile, pathlib, pendulum
    >>> from scorekit import MetricRequest
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "crm.sqlite3"
    >>> with sqlite3.connect(path) as db:
    ...     _ = db.execute("CREATE TABLE deals (deal_id TEXT, kind TEXT, rep TEXT, won_at TEXT, amount TEXT)")
    ...     _ = db.execute("INSERT INTO deals VALUES ('d1', 'revenue', 'ann', ?, '1200.50')",
    ...                    (instant_text(pendulum.datetime(2024, 2, 3, tz="UTC")),))
    >>> db.close()
    >>> source = SQLiteRecordsSource(path, "deals", columns={"id": "deal_id", "metric": "kind", "subject": "rep",
    ...                                                    "occurred_at": "won_at", "value": "amount"})
    >>> request = MetricRequest("revenue", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="UTC"),
    ...                         pendulum.datetime(2024, 3, 1, tz="UTC"))
    >>> answer = source.measure([request])[request]
    >>> answer.value, [e.id for e in answer.evidence]
    (Decimal('1200.50'), ['d1'])
    >>> from scorekit import Cell
    >>> cell = Cell("revenue", "sum", "ann", request.start, request.end)
    >>> found = source.aggregate([cell])[cell]
    >>> found.total, found.count, found.last_id
    (Decimal('1200.50'), 1, 'd1')
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        table: str | Sequence[str],
        *,
        columns: Mapping[str, str | None] | None = None,
        evidence: str = "ids",
        busy_timeout: float = 5,
    ) -> None:
        self.path = file_path(path)
        self._table = RecordsTable.of(table, columns)
        self._evidence = evidence_wanted(evidence)
        self._busy_timeout = busy_timeout_seconds(busy_timeout)
        self._query = self._build_query()
        self._aggregate_query = self._build_aggregate_query()
        self.queries = 0
        t = self._table
        with table_hint(table), self._reading() as db:  # the table and its columns must exist: say so now
            db.execute(
                # qualified: an unqualified "name" that is no column would be read as a string literal
                f"SELECT r.{t.id}, r.{t.metric}, r.{t.subject}, r.{t.occurred_at}, {t.value_expression()},"
                f" {t.share_expression()} FROM {t.table} AS r LIMIT 0"
            ).fetchall()

    def _hits(self) -> str:
        """Each wanted row's records: those in its window, and those of its metric and subject whose instant is no text.

        SQLite sorts every number before all text and every blob after it, so a NULL,
        numeric or blob instant can never fall in a window of text: without the three
        extra index ranges such a row would be left out in silence; with them it reaches
        `_Records`, which refuses it naming the record.  Each range is a search of the
        ``(metric, subject, occurred_at)`` index, and the batch is still one statement.
        """
        t = self._table
        picked = (
            f"SELECT w.n, w.acc, CAST(r.{t.occurred_at} AS BLOB), CAST(r.{t.id} AS BLOB),"
            f" {t.value_expression()}, {t.share_expression()} FROM wanted AS w"
        )
        ranges = (None, "{at} IS NULL", "{at} < ''", "{at} >= x''")
        return " UNION ALL ".join(f"{picked} {t.join(instants)}" for instants in ranges)

    def _build_query(self) -> str:
        return (
            "WITH wanted (n, acc, metric, subject, start_at, end_at) AS ("
            " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
            " json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each(?)),"
            f" hits (n, acc, at, id, value, share) AS ({self._hits()})"
            f" SELECT n, acc, {_AGGREGATE}(at, id, value, share, acc = '{LAST}', {int(self._evidence)})"
            " FROM hits GROUP BY n"
        )

    def _build_aggregate_query(self) -> str:
        return (
            # One row per (column, subject): [n, subject, metric, start, end].
            "WITH wanted (n, acc, metric, subject, start_at, end_at) AS ("
            " SELECT json_extract(value, '$[0]'), NULL, json_extract(value, '$[2]'), json_extract(value, '$[1]'),"
            " json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?)),"
            f" hits (n, acc, at, id, value, share) AS ({self._hits()})"
            f" SELECT n, {_AGGREGATE}(at, id, value, share, 1, 0) FROM hits GROUP BY n"
        )

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        try:
            with contextlib.closing(
                sqlite3.connect(f"{_uri(self.path)}?mode=ro", uri=True, timeout=self._busy_timeout)
            ) as db:
                db.create_aggregate(_AGGREGATE, 6, _Records)  # type: ignore[arg-type]  # typeshed wants a fixed-arity step
                yield db
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                msg = f"{self.path}: the records table stayed locked for {self._busy_timeout:g} s ({error})"
                raise StorageBusy(msg) from error
            msg = f"{self.path}: {error}"
            raise StorageError(msg) from error
        except sqlite3.Error as error:
            msg = f"{self.path}: {error}"
            raise StorageError(msg) from error

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        """See `MetricSource.measure`: the whole batch in one query (a BALANCE as each subject's LAST, added up)."""
        given = set(requests)
        asked, parts = balance_requests(given)
        wanted = Wanted.of(asked)
        if not wanted.requests:
            return {}
        rows = json.dumps(
            [
                [n, acc, metric, subject, instant_text(start), instant_text(end)]
                for n, acc, metric, subject, start, end in zip(
                    wanted.numbers,
                    wanted.accumulations,
                    wanted.metrics,
                    wanted.subjects,
                    wanted.starts,
                    wanted.ends,
                    strict=True,
                )
            ]
        )
        with self._reading() as db:
            self.queries += 1
            found = db.execute(self._query, (rows,)).fetchall()
        return balance_answers(
            given, answers(wanted, {n: self._answer(acc, summary) for n, acc, summary in found}), parts
        )

    def aggregate(self, cells: Collection[Cell]) -> Mapping[Cell, Aggregate]:
        """See `AggregateSource.aggregate`: the cells as columns, answered as `aggregate_columns` answers them."""
        return cell_answers(cells, self._aggregates)

    def aggregate_columns(
        self, columns: Mapping[ColumnKey, frozenset[str]]
    ) -> Mapping[ColumnKey, Mapping[str, Aggregate]]:
        """See `ColumnSource.aggregate_columns`: the whole batch in one query, grouped per column and subject."""
        return column_answers(columns, self._aggregates)

    def _aggregates(self, columns: Sequence[Column]) -> list[dict[str, Aggregate]]:
        wanted = WantedColumns.of(columns)
        if not wanted.subjects:
            return wanted.answers({})
        heads = [(c.metric, instant_text(c.start), instant_text(c.end)) for c in wanted.columns]
        rows = json.dumps(
            [
                [n, subject, *heads[k - 1]]
                for n, (subject, k) in enumerate(zip(wanted.subjects, wanted.column_numbers, strict=True))
            ]
        )
        with self._reading() as db:
            self.queries += 1
            found = db.execute(self._aggregate_query, (rows,)).fetchall()
        return wanted.answers({n: self._aggregate(summary) for n, summary in found})

    def _aggregate(self, summary: str) -> Aggregate:
        data = self._summary(summary)
        at, record_id, value = data["last"]
        return Aggregate(
            Decimal(data["total"]),
            data["count"] if isinstance(data["count"], int) else Decimal(data["count"]),
            Decimal(value),
            parse_instant_text(at, where=f"record {record_id!r}"),
            record_id,
        )

    def _summary(self, summary: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(summary)
        if "bad" in data:
            msg = f"{self.path}: {data['bad']}"
            raise StorageError(msg)
        if data["over"] is not None:
            msg = (
                f"{self.path}: record {data['over']!r} is credited shares summing above 1 in all; "
                "the shares of one record sum to at most 1"
            )
            raise InvalidMeasurement(msg)
        return data

    def _answer(self, accumulation: str, summary: str) -> Measurement:
        data = self._summary(summary)
        last = data["last"]
        evidence: tuple[Evidence, ...] = ()
        if data["rows"] is not None:
            evidence = tuple(
                Evidence(record_id, parse_instant_text(at, where=f"record {record_id!r}"), Decimal(value), share=share)
                for at, record_id, value, share in sorted(data["rows"])
            )
        if last is not None:
            parse_instant_text(last[0], where=f"record {last[1]!r}")
        return measurement(
            accumulation,
            total=Decimal(data["total"]),
            count=data["count"] if isinstance(data["count"], int) else Decimal(data["count"]),
            last_value=None if last is None else Decimal(last[2]),
            evidence=evidence,
        )


def _uri(path: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415 - only for opening

    return "file:" + quote(os.path.abspath(path))  # noqa: PTH100 - a plain string path is wanted
