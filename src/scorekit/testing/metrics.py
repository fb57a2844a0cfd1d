"""`MetricSourceContract` and `KnownAnswer`: what every `MetricSource` must answer."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorekit.measurement import Aggregate, Cell, Measurement, MetricRequest
from scorekit.numbers import exact_sum, to_decimal
from scorekit.parameter import Accumulation
from scorekit.period import as_utc
from scorekit.ports import (
    AggregateSource,
    ColumnKey,
    ColumnSource,
    MetricSource,
)


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="known answer value")


def _optional_ids(ids: Iterable[str] | None) -> frozenset[str] | None:
    return None if ids is None else frozenset(ids)


@attrs.frozen
class KnownAnswer:
    """What the host's own data says a request must get: its value and, if the source lists evidence, the ids.

    >>> import pendulum
    >>> from scorekit import MetricRequest
    >>> feb = MetricRequest("deals_won", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="UTC"),
    ...                     pendulum.datetime(2024, 3, 1, tz="UTC"))
    >>> KnownAnswer(feb, 2, evidence_ids={"deal-1", "deal-7"}).value
    Decimal('2')
    """

    request: MetricRequest
    value: Decimal | None = attrs.field(converter=_optional_decimal)
    evidence_ids: frozenset[str] | None = attrs.field(default=None, converter=_optional_ids)
    """None: do not check the evidence (a source that lists none)."""


# The source is only read, so one per test serves every example; every subclass (one per adapter)
# runs the same methods, whose examples depend on its fixtures only: hence the health checks.
_ONE_SOURCE_PER_TEST: Final = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors, HealthCheck.too_slow],
    deadline=None,
)


class MetricSourceContract:
    """What every `MetricSource` must do, checked on the host's own data.

    The suite knows nothing of the host's tables.  Provide two fixtures:
    `source` (the source under test, over data the host has loaded or knows) and
    `known_answers` (a few `KnownAnswer`s that data implies, ideally with records
    at the exact window bounds, a team request and a window with nothing in it).
    The suite checks those answers, then the promises any source must keep:
    every request answered, batches that do not change answers, half-open windows,
    teams that pool their members' records, windows that split and add up, and
    records split between people (`Evidence.share`): each row counts ``value x
    share``, a team counts a split record by the sum of its members' shares (never
    twice), and those shares sum to at most 1.  Give a few split records in the
    known answers' data to exercise that.  A
    source with `aggregate(cells)` (an `AggregateSource`) must give, for any
    requests over the metrics, users and instants of the known answers (empty
    windows, records exactly at the bounds and ties included), the very numbers
    `measure` gives once its cells' aggregates are pooled (`Aggregate.pool`,
    `Aggregate.value`), digit for digit.  A source with `aggregate_columns` (a
    `ColumnSource`) must give, for any (metric, accumulation, window) columns
    over the same metrics, users and instants, each subject the very `Aggregate`
    `aggregate` gives its `Cell` (digit for digit) and the value `measure` gives
    that subject alone; a column without subjects answers an empty mapping.
    """

    @pytest.fixture
    def source(self) -> MetricSource:
        """The source under test (override this)."""
        raise NotImplementedError

    @pytest.fixture
    def known_answers(self) -> Sequence[KnownAnswer]:
        """What the host's data says some requests must get (override this)."""
        raise NotImplementedError

    @staticmethod
    def _requests(known_answers: Sequence[KnownAnswer]) -> list[MetricRequest]:
        assert known_answers, "known_answers is empty: give at least one request the host's data answers"
        return [known.request for known in known_answers]

    def test_known_answers(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        answers = source.measure(self._requests(known_answers))
        for known in known_answers:
            assert known.request in answers, f"expected an answer for {known.request}, got answers for {list(answers)}"
            got = answers[known.request]
            assert got.value == known.value, f"{known.request}: expected value {known.value}, got {got.value}"
            if known.evidence_ids is not None:
                ids = {e.id for e in got.evidence}
                assert ids == known.evidence_ids, (
                    f"{known.request}: expected evidence ids {sorted(known.evidence_ids)}, got {sorted(ids)}"
                )

    def test_every_request_is_answered_and_nothing_else(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        requests = self._requests(known_answers)
        answers = source.measure(requests + requests[:1])  # a request twice is one request
        assert set(answers) == set(requests), f"expected answers for {set(requests)}, got {set(answers)}"
        assert source.measure([]) == {}, f"expected no answers for no requests, got {source.measure([])}"

    def test_a_batch_gives_each_request_what_it_gets_alone(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        requests = self._requests(known_answers)
        together = source.measure(requests)
        for request in requests:
            alone = source.measure([request])[request]
            assert _shown(alone) == _shown(together[request]), (
                f"{request}: expected the same answer alone and in a batch, got {_shown(alone)} alone "
                f"and {_shown(together[request])} in the batch"
            )

    def test_evidence_lies_in_the_half_open_window(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request, answer in source.measure(self._requests(known_answers)).items():
            for evidence in answer.evidence:
                assert request.start <= evidence.occurred_at < request.end, (
                    f"{request}: expected evidence within [{request.start}, {request.end}), "
                    f"got {evidence.id!r} at {evidence.occurred_at}"
                )

    def test_the_same_instants_in_another_zone_are_the_same_request(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request in self._requests(known_answers):
            moved = attrs.evolve(
                request, start=request.start.in_timezone("Asia/Kolkata"), end=request.end.in_timezone("America/Havana")
            )
            answers = source.measure([moved])
            assert request in answers, f"expected {request} to be answered when asked as {moved}, got {list(answers)}"
            assert _shown(answers[request]) == _shown(source.measure([request])[request]), (
                f"{request}: expected the same answer in any zone, got {_shown(answers[request])}"
            )

    def test_an_empty_window_counts_nothing(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        empty = [attrs.evolve(r, end=r.start) for r in self._requests(known_answers)]
        for request, answer in source.measure(empty).items():
            assert answer.evidence == (), f"{request}: expected no evidence in an empty window, got {answer.evidence}"
            if _accumulation(request) == "sum":
                assert answer.value in (0, None), f"{request}: expected 0 in an empty window, got {answer.value}"
            else:
                assert answer.value is None, (
                    f"{request}: expected None (no record yet) for a level in an empty window, got {answer.value}"
                )

    def test_a_sum_splits_at_any_instant_and_adds_up(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request in self._requests(known_answers):
            if _accumulation(request) != "sum" or request.end <= request.start:
                continue
            start, end = as_utc(request.start), as_utc(request.end)
            middle = pendulum.instance(start + (end - start) / 2)
            first, second = attrs.evolve(request, end=middle), attrs.evolve(request, start=middle)
            answers = source.measure([request, first, second])
            whole, parts = _as_sum(answers[request]), [_as_sum(answers[first]), _as_sum(answers[second])]
            assert whole == exact_sum(parts), (
                f"{request}: expected the halves before and after {middle} to add up to {whole}, got {parts}"
            )
            halves = {e.id for e in answers[first].evidence} | {e.id for e in answers[second].evidence}
            assert halves == {e.id for e in answers[request].evidence}, (
                f"{request}: expected the halves' evidence to be the whole's, got {sorted(halves)}"
            )

    def test_a_team_pools_its_members_records(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        for request in self._requests(known_answers):
            if len(request.subjects) < 2:
                continue
            alone = {s: attrs.evolve(request, subjects=frozenset({s})) for s in sorted(request.subjects)}
            answers = source.measure([request, *alone.values()])
            team = {e.id for e in answers[request].evidence}
            members = [{e.id for e in answers[r].evidence} for r in alone.values()]
            pooled = set().union(*members)
            assert team == pooled, f"{request}: expected the members' evidence {sorted(pooled)}, got {sorted(team)}"
            if _accumulation(request) == "sum":  # a split record counts each member's share: its sum, once
                values = [_as_sum(answers[r]) for r in alone.values()]
                assert _as_sum(answers[request]) == exact_sum(values), (
                    f"{request}: expected the sum of the members' values {values}, got {answers[request].value}"
                )

    def test_split_records_count_their_shares(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        for request, answer in source.measure(self._requests(known_answers)).items():
            shares: dict[str, list[Decimal]] = {}
            for evidence in answer.evidence:
                shares.setdefault(evidence.id, []).append(evidence.share)
            for record, parts in shares.items():
                assert exact_sum(parts) <= 1, (
                    f"{request}: expected record {record!r}'s shares to sum to at most 1, got {parts}"
                )
            if _accumulation(request) == "sum" and answer.evidence:
                credited = exact_sum(e.credit for e in answer.evidence)
                assert _as_sum(answer) == credited, (
                    f"{request}: expected the sum of value x share over its records, {credited}, got {answer.value}"
                )

    @_ONE_SOURCE_PER_TEST
    @given(data=st.data())
    def test_aggregates_pool_to_what_measure_gives(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer], data: st.DataObject
    ) -> None:
        if not isinstance(source, AggregateSource):
            pytest.skip("the source has no aggregate(cells): the service asks it through measure alone")
        known = self._requests(known_answers)
        # The source is asked here, not inside the strategy: a strategy must not do I/O (a
        # connection pool's jitter draws on `random`, which hypothesis refuses inside a draw).
        requests = data.draw(_requests_over(known, _instants_of(source, known)), label="requests")
        answers = source.measure(requests)
        cells = {r: [Cell(r.metric, r.accumulation, s, r.start, r.end) for s in sorted(r.subjects)] for r in requests}
        wanted = {cell for own in cells.values() for cell in own}
        aggregates = source.aggregate(wanted)
        assert set(aggregates) == wanted, f"expected aggregates for the cells {wanted}, got them for {set(aggregates)}"
        for request in requests:
            pooled = Aggregate.pool(aggregates[cell] for cell in cells[request])
            expected, got = answers[request].value, pooled.value(request.accumulation)
            if request.accumulation is Accumulation.BALANCE:  # each member's latest, added up
                lasts = [aggregates[cell].last_value for cell in cells[request] if aggregates[cell].count]
                got = exact_sum(v for v in lasts if v is not None) if lasts else None
            if request.accumulation is Accumulation.SUM:
                expected = Decimal(0) if expected is None else expected  # a SUM reads None as 0
            assert _digits(got) == _digits(expected), (
                f"{request}: expected the pooled aggregates {[aggregates[c] for c in cells[request]]} to give "
                f"{_digits(expected)} as measure does, digit for digit, got {_digits(got)}"
            )
            evidence = answers[request].evidence
            if evidence:  # a source that lists the records: the count (the sum of shares) and the latest are theirs
                latest = max(evidence, key=lambda e: (as_utc(e.occurred_at), e.id))
                shares = exact_sum(e.share for e in evidence)
                assert (pooled.count, pooled.last_id) == (shares, latest.id), (
                    f"{request}: expected {shares} records (the sum of their shares), the latest {latest.id!r} "
                    f"(greatest instant, then id), as measure's evidence says, got {pooled.count} and {pooled.last_id!r}"
                )

    @_ONE_SOURCE_PER_TEST
    @given(data=st.data())
    def test_columns_answer_what_cells_and_measure_give(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer], data: st.DataObject
    ) -> None:
        if not isinstance(source, ColumnSource):
            pytest.skip("the source has no aggregate_columns(columns): the service asks it cell by cell or by request")
        known = self._requests(known_answers)
        # Drawn first, asked after: a strategy must not do I/O (see test_aggregates_pool_to_what_measure_gives).
        columns = data.draw(_columns_over(known, _instants_of(source, known)), label="columns")
        answers = source.aggregate_columns(columns)
        assert set(answers) == set(columns), f"expected answers for the columns {set(columns)}, got {set(answers)}"
        asked = {
            (key, subject): MetricRequest(key[0], frozenset({subject}), key[2], key[3], key[1])
            for key, subjects in columns.items()
            for subject in subjects
        }
        measured = source.measure(set(asked.values()))
        cells = {pair: Cell(r.metric, r.accumulation, pair[1], r.start, r.end) for pair, r in asked.items()}
        cellwise: object = source  # typed apart: mypy sees no class that is both protocols and a MetricSource
        by_cell = cellwise.aggregate(set(cells.values())) if isinstance(cellwise, AggregateSource) else None
        for key, subjects in columns.items():
            got = answers[key]
            assert set(got) == set(subjects), f"{key}: expected an answer for each of {set(subjects)}, got {set(got)}"
            for subject in subjects:
                found = got[subject]
                if by_cell is not None:
                    cell = cells[key, subject]
                    assert _fields(found) == _fields(by_cell[cell]), (
                        f"{key}, {subject!r}: expected what aggregate gives {cell}, {by_cell[cell]}, "
                        f"digit for digit, got {found}"
                    )
                request = asked[key, subject]
                expected = measured[request].value
                if request.accumulation is Accumulation.SUM:
                    expected = Decimal(0) if expected is None else expected  # a SUM reads None as 0
                assert _digits(found.value(request.accumulation)) == _digits(expected), (
                    f"{key}, {subject!r}: expected {found} to give {_digits(expected)} as measure does for "
                    f"{request}, got {_digits(found.value(request.accumulation))}"
                )

    def test_a_column_without_subjects_answers_nothing(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        if not isinstance(source, ColumnSource):
            pytest.skip("the source has no aggregate_columns(columns)")
        request = self._requests(known_answers)[0]
        key: ColumnKey = (request.metric, request.accumulation, request.start, request.end)
        answers = source.aggregate_columns({key: frozenset()})
        assert answers == {key: {}}, f"expected {{{key}: {{}}}} for a column without subjects, got {answers}"
        assert source.aggregate_columns({}) == {}, "expected no answers for no columns"


def _instants_of(source: MetricSource, known: Sequence[MetricRequest]) -> set[_dt.datetime]:
    """The known requests' bounds and their records' instants, in UTC, as `source` answers them."""
    instants: set[_dt.datetime] = set()
    for request, answer in source.measure(known).items():
        instants |= {as_utc(request.start), as_utc(request.end)}
        instants |= {as_utc(e.occurred_at) for e in answer.evidence}
    return instants


@st.composite
def _requests_over(draw: st.DrawFn, known: Sequence[MetricRequest], instants: set[_dt.datetime]) -> list[MetricRequest]:
    """A few requests over the known requests' metrics, users and `instants` (their bounds and records').

    Windows start and end at those instants and a microsecond either side, so records fall exactly on
    bounds; a window may be empty; a metric and a user nobody has are in the mix.
    """
    metrics = sorted({r.metric for r in known} | {"scorekit-contract-unknown-metric"})
    subjects = sorted({s for r in known for s in r.subjects} | {"scorekit-contract-nobody"})
    tick = _dt.timedelta(microseconds=1)
    bounds = sorted(instants | {i + tick for i in instants} | {i - tick for i in instants})
    requests = []
    for _ in range(draw(st.integers(1, 4))):
        start, end = sorted(draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
        requests.append(
            MetricRequest(
                draw(st.sampled_from(metrics)),
                frozenset(draw(st.lists(st.sampled_from(subjects), min_size=1, max_size=3, unique=True))),
                pendulum.instance(start),
                pendulum.instance(end),
                draw(st.sampled_from(Accumulation)),
            )
        )
    return requests


@st.composite
def _columns_over(
    draw: st.DrawFn, known: Sequence[MetricRequest], instants: set[_dt.datetime]
) -> dict[ColumnKey, frozenset[str]]:
    """A few columns over the known requests' metrics, users and `instants`, as `_requests_over` draws requests.

    A column's subjects may be none, one or all of them (a user nobody has among them).
    """
    metrics = sorted({r.metric for r in known} | {"scorekit-contract-unknown-metric"})
    subjects = sorted({s for r in known for s in r.subjects} | {"scorekit-contract-nobody"})
    tick = _dt.timedelta(microseconds=1)
    bounds = sorted(instants | {i + tick for i in instants} | {i - tick for i in instants})
    columns: dict[ColumnKey, frozenset[str]] = {}
    for _ in range(draw(st.integers(1, 4))):
        start, end = sorted(draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
        key = (
            draw(st.sampled_from(metrics)),
            draw(st.sampled_from(Accumulation)),
            pendulum.instance(start),
            pendulum.instance(end),
        )
        columns[key] = draw(st.frozensets(st.sampled_from(subjects), max_size=len(subjects)))
    return columns


def _fields(aggregate: Aggregate) -> tuple[str | None, ...]:
    """An aggregate as the digits of its numbers, its latest instant and id (``4.00`` is not ``4``)."""
    at = None if aggregate.last_at is None else as_utc(aggregate.last_at).isoformat()
    return _digits(aggregate.total), str(aggregate.count), _digits(aggregate.last_value), at, aggregate.last_id


def _digits(value: Decimal | None) -> str | None:
    """A number as its digits and exponent (``4.00`` is not ``4``: a report would show the difference)."""
    return None if value is None else str(value)


def _as_sum(measurement: Measurement) -> Decimal:
    """A SUM's value; None (no record) reads as 0."""
    return Decimal(0) if measurement.value is None else measurement.value


def _accumulation(request: MetricRequest) -> str:
    return request.accumulation.value


def _shown(measurement: Measurement) -> tuple[object, list[str]]:
    return measurement.value, sorted(e.id for e in measurement.evidence)
