"""`PostgresRecordsSource`: a `MetricSource` over a host's records table in PostgreSQL, one query per batch."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from scorekit.adapters._columns import Column, cell_answers, column_answers
from scorekit.adapters._postgres_db import MAX_IDENTIFIER_BYTES, Connections, Database
from scorekit.adapters._sql import (
    LAST,
    Closing,
    RecordsTable,
    Wanted,
    WantedColumns,
    answers,
    evidence_wanted,
    measurement,
    table_hint,
)
from scorekit.errors import StorageError
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
from scorekit.numbers import to_decimal
from scorekit.ports import ColumnKey

__all__ = ["PostgresRecordsSource"]


class PostgresRecordsSource(Closing):
    """A `MetricSource` over a host's records table in PostgreSQL, answering a whole batch in one query.

    The table holds one row per record: ``id, metric, subject, occurred_at, value``
    (`columns` maps these names to the table's own, ``"value": None`` counts each
    record as 1; `table` may be ``("schema", "table")``).  ``metric`` and
    ``subject`` compare as text, ``occurred_at`` should be ``timestamptz`` (a
    ``timestamp`` is read in the session's TimeZone), ``value`` ``numeric`` or an
    integer type (a ``double precision`` sum is not exact).  A row whose value is
    NULL is not a record.  An index on ``(metric, subject, occurred_at)`` makes
    it fast.  The requests travel as arrays, are joined to the records on metric,
    subject and the half-open window, and grouped per request; the database sums,
    counts and finds the latest row (ties on the instant: the greatest id as text).

    `evidence="ids"` lists the counted records as `Evidence`; `"none"` lists none.
    `queries` counts the queries run.  It is an `AggregateSource` and a
    `ColumnSource` too: `aggregate_columns` answers a batch of (metric, window)
    columns in one query, grouped per column and subject, with each one's sum,
    count and latest row; `aggregate` groups its `Cell`s into such columns.

    >>> import os, pendulum, psycopg
    >>> if not os.environ.get("SCOREKIT_POSTGRES"):
    ...     import pytest; pytest.skip("SCOREKIT_POSTGRES is not set")
    >>> from scorekit import MetricRequest
    >>> with psycopg.connect(os.environ["SCOREKIT_POSTGRES"], autocommit=True) as conn:
    ...     _ = conn.execute("DROP TABLE IF EXISTS doctest_deals")
    ...     _ = conn.execute("CREATE TABLE doctest_deals (deal_id int, kind text, rep text, won_at timestamptz)")
    ...     _ = conn.execute("INSERT INTO doctest_deals VALUES (1, 'deals_won', 'ann', '2024-02-03 10:00Z'),"
    ...                      " (2, 'deals_won', 'ann', '2024-03-01 00:30+01')")  # March in Warsaw
    >>> columns = {"id": "deal_id", "metric": "kind", "subject": "rep", "occurred_at": "won_at", "value": None}
    >>> feb = MetricRequest("deals_won", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="Europe/Warsaw"),
    ...                     pendulum.datetime(2024, 3, 1, tz="Europe/Warsaw"))
    >>> with PostgresRecordsSource(os.environ["SCOREKIT_POSTGRES"], "doctest_deals", columns=columns) as deals:
    ...     answer = deals.measure([feb])[feb]
    ...     from scorekit import Cell
    ...     cell = Cell("deals_won", "last", "ann", feb.start, feb.end)
    ...     found = deals.aggregate([cell])[cell]
    >>> answer.value, [e.id for e in answer.evidence], found.count, found.last_id
    (Decimal('1'), ['1'], 1, '1')
    """

    _db: Database

    def __init__(
        self,
        conninfo_or_pool: Connections,
        table: str | Sequence[str],
        *,
        columns: Mapping[str, str | None] | None = None,
        evidence: str = "ids",
        busy_timeout: float = 5,
    ) -> None:
        self._table = RecordsTable.of(table, columns, max_bytes=MAX_IDENTIFIER_BYTES)
        self._evidence = evidence_wanted(evidence)
        self._query = self._build_query()
        self._aggregate_query = self._build_aggregate_query()
        self.queries = 0
        self._db = Database(conninfo_or_pool, busy_timeout)
        t = self._table
        try:  # the table and its columns must exist: say so now, not at the first dashboard
            with table_hint(table), self._db.reading(f"checking the records table {t.table}") as conn:
                conn.execute(
                    f"SELECT {t.id}, {t.metric}, {t.subject}, {t.occurred_at}, {t.value_expression()},"
                    f" {t.share_expression()} FROM {t.table} AS r LIMIT 0"
                ).fetchall()
        except BaseException:
            self._db.close()
            raise

    def _build_query(self) -> str:
        t = self._table
        value, at, key = t.value_expression(), f"r.{t.occurred_at}::timestamptz", f'r.{t.id}::text COLLATE "C"'
        evidence = (
            f", array_agg({key} ORDER BY {at}, {key}), array_agg({at} ORDER BY {at}, {key}),"
            f" array_agg({value} ORDER BY {at}, {key}), array_agg({t.share_expression()} ORDER BY {at}, {key})"
            if self._evidence
            else ""
        )
        return (
            f"SELECT w.n, min(w.acc), {_count(t)}, {_credited(t)},"
            f" (array_agg({value} ORDER BY {at} DESC, {key} DESC) FILTER (WHERE w.acc = '{LAST}'))[1],"
            f" {_unnamed(t)}{evidence}"
            # The rows travel as array literals built here (psycopg dumps list items one by one in
            # Python, some ten times slower), each naming its window in two short arrays of the
            # distinct windows.  unnest of a literal lets the planner see how many rows come.
            " FROM (SELECT w.n, w.acc, w.metric, w.subject, win.start_at, win.end_at"
            " FROM unnest(%s::integer[], %s::text[], %s::text[], %s::text[], %s::integer[])"
            " AS w (n, acc, metric, subject, k)"
            " JOIN unnest(%s::timestamptz[], %s::timestamptz[]) WITH ORDINALITY AS win (start_at, end_at, k)"
            f" ON win.k = w.k) AS w {t.join()} GROUP BY w.n"
        )

    def _build_aggregate_query(self) -> str:
        t = self._table
        value, at, key = t.value_expression(), f"r.{t.occurred_at}::timestamptz", f'r.{t.id}::text COLLATE "C"'
        latest = f"ORDER BY {at} DESC, {key} DESC"
        return (
            f"SELECT w.n, {_count(t)}, {_credited(t)}, (array_agg({value} {latest}))[1],"
            f" (array_agg({at} {latest}))[1], (array_agg({key} {latest}))[1], {_unnamed(t)}"
            # One row per (column, subject), naming its column (metric and window) in three short arrays.
            " FROM (SELECT w.n - 1 AS n, col.metric, w.subject, col.start_at, col.end_at"
            " FROM unnest(%s::text[], %s::integer[]) WITH ORDINALITY AS w (subject, k, n)"
            " JOIN unnest(%s::text[], %s::timestamptz[], %s::timestamptz[]) WITH ORDINALITY"
            " AS col (metric, start_at, end_at, k) ON col.k = w.k) AS w"
            f" {t.join()} GROUP BY w.n"
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
        parameters = (
            _array_literal(wanted.subjects),
            _array_literal(map(str, wanted.column_numbers)),
            _array_literal(c.metric for c in wanted.columns),
            [c.start for c in wanted.columns],
            [c.end for c in wanted.columns],
        )
        with self._db.reading("aggregating the records table") as conn:
            self.queries += 1
            rows = conn.execute(self._aggregate_query, parameters).fetchall()
        return wanted.answers(
            {
                n: Aggregate(
                    to_decimal(total, name="the sum of the records' values", bounded=False),
                    count,
                    to_decimal(last, name=f"record {record_id!r}: value"),
                    at,
                    record_id,
                )
                for n, count, total, last, at, record_id, unnamed in rows
                if self._named(unnamed)
            }
        )

    def measure(self, requests: Collection[MetricRequest]) -> Mapping[MetricRequest, Measurement]:
        """See `MetricSource.measure`: the whole batch in one query (a BALANCE as each subject's LAST, added up)."""
        given = set(requests)
        asked, parts = balance_requests(given)
        wanted = Wanted.of(asked)
        if not wanted.requests:
            return {}
        parameters = (
            _array_literal(map(str, wanted.numbers)),
            _array_literal(wanted.accumulations),
            _array_literal(wanted.metrics),
            _array_literal(wanted.subjects),
            _array_literal(map(str, wanted.window_numbers)),
            [start for start, _end in wanted.windows],
            [end for _start, end in wanted.windows],
        )
        with self._db.reading("measuring from the records table") as conn:
            self.queries += 1
            rows = conn.execute(self._query, parameters).fetchall()
        return balance_answers(given, answers(wanted, {row[0]: self._answer(row) for row in rows}), parts)

    def _named(self, unnamed: object) -> bool:
        """True, or `StorageError` naming the first record (by its instant) of a group that has no id."""
        if unnamed is not None:
            msg = f"the records table {self._table.table}: a record at {unnamed} has no id (NULL)"
            raise StorageError(msg)
        return True

    def _answer(self, row: Sequence[Any]) -> Measurement:
        _n, accumulation, count, total, last, unnamed = row[:6]
        self._named(unnamed)
        evidence: tuple[Evidence, ...] = ()
        if self._evidence:
            ids, instants, values, shares = row[6:10]
            evidence = tuple(
                Evidence(
                    record_id,
                    at,
                    to_decimal(value, name=f"record {record_id!r}: value"),
                    share=as_share(share, name=f"record {record_id!r}: share"),
                )
                for record_id, at, value, share in zip(ids, instants, values, shares, strict=True)
            )
        return measurement(
            accumulation,
            total=to_decimal(total, name="the sum of the records' values", bounded=False),
            count=count if isinstance(count, int) else to_decimal(count, name="the sum of the records' shares"),
            last_value=None if last is None else to_decimal(last, name="the latest record's value"),
            evidence=evidence,
        )


def _count(t: RecordsTable) -> str:
    """A group's count: its rows, or the sum of their shares (a numeric, exact)."""
    return "count(*)" if t.share is None else f"sum({t.share_expression()})"


def _credited(t: RecordsTable) -> str:
    """A group's total: the sum of the values, each times its share (numeric arithmetic: exact)."""
    value = t.value_expression()
    return f"sum({value})" if t.share is None else f"sum(({value})::numeric * {t.share_expression()})"


def _unnamed(t: RecordsTable) -> str:
    """The instant of a record without an id among a group's, if any: every path refuses such a row alike."""
    return f"min(r.{t.occurred_at}::timestamptz) FILTER (WHERE r.{t.id} IS NULL)"


def _array_literal(items: Iterable[str]) -> str:
    r"""A PostgreSQL array literal of these texts, every element quoted (a parameter value, never SQL).

    >>> print(_array_literal(['say "hi"', "back\\slash", "NULL"]))
    {"say \"hi\"","back\\slash","NULL"}
    """
    return "{" + ",".join('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items) + "}"
