"""Aggregates instead of requests: `Cell`, `Aggregate`, the service pooling teams, the same numbers as `measure`."""

import decimal
import itertools
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MANAGER, MARCH_10
from scorekit import (
    Accumulation,
    Aggregate,
    Cadence,
    Cell,
    Change,
    Date,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    Metric,
    MissingMeasurement,
    Parameter,
    Scorecard,
    Status,
    Team,
    User,
    asking,
    requests_for,
)
from scorekit.adapters.memory import (
    FixedClock,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    Record,
    RecordsMetricSource,
)
from scorekit.codec import fingerprint
from scorekit.ports import AggregateSource, ColumnSource, MetricSource
from scorekit.service import Scorekit

SUM, AVERAGE, LAST = Accumulation.SUM, Accumulation.AVERAGE, Accumulation.LAST
MONTHLY = Cadence.monthly(Date(2024, 1, 1))
MARCH = MONTHLY.period(2)
AT = pendulum.datetime(2024, 3, 5, 10, tz="UTC")
START, END = pendulum.datetime(2024, 3, 1, tz="UTC"), pendulum.datetime(2024, 4, 1, tz="UTC")


class MeasureOnly:
    """A source that has only `measure` (the 0.1 protocol), over the same records."""

    def __init__(self, records):
        self.inner = RecordsMetricSource(records)

    def measure(self, requests):
        return self.inner.measure(requests)


class CellsOnly(MeasureOnly):
    """A source that has `measure` and `aggregate` (the 0.2 protocol), not `aggregate_columns`."""

    def aggregate(self, cells):
        return self.inner.aggregate(cells)


class TestCell:
    def test_holds_its_instants_in_utc_and_equals_itself_after_a_zone_change(self):
        cell = Cell("calls", "sum", "ann", START.in_timezone("Asia/Kolkata"), END.in_timezone("America/Havana"))
        assert (cell.start.isoformat(), cell.end.isoformat()) == (
            "2024-03-01T00:00:00+00:00",
            "2024-04-01T00:00:00+00:00",
        )
        assert cell == Cell("calls", SUM, "ann", START, END)
        assert hash(cell) == hash(Cell("calls", SUM, "ann", START, END))
        assert cell != Cell("calls", AVERAGE, "ann", START, END)
        assert attrs.evolve(cell, subject="bob") == Cell("calls", SUM, "bob", START, END)

    def test_an_empty_window_is_a_cell(self):
        assert Cell("calls", "last", "ann", START, START).start == START

    @pytest.mark.parametrize(
        ("fields", "error", "message"),
        [
            ({"metric": ""}, InvalidParameter, "cell metric must be a non-empty string with a visible character"),
            ({"metric": 7}, InvalidParameter, "cell metric must be a non-empty string, got 7"),
            ({"accumulation": "median"}, InvalidParameter, "cell accumulation must be one of 'sum', 'average', 'last'"),
            ({"subject": frozenset({"ann"})}, InvalidScorecard, "cell subject must be one user id, a string"),
            ({"subject": " "}, InvalidScorecard, "cell subject must be a non-empty string with a visible character"),
            ({"start": pendulum.naive(2024, 3, 1)}, InvalidPeriod, "cell start must be an aware datetime"),
            ({"end": Date(2024, 4, 1)}, InvalidPeriod, "cell end must be an aware datetime, got the date 2024-04-01"),
            ({"start": END, "end": START}, InvalidPeriod, r"ends before it starts; give start <= end"),
        ],
    )
    def test_bad_input_says_what_is_wrong(self, fields, error, message):
        given_fields = {"metric": "calls", "accumulation": "sum", "subject": "ann", "start": START, "end": END}
        with pytest.raises(error, match=message):
            Cell(**{**given_fields, **fields})


class TestAggregate:
    def test_no_record(self):
        assert Aggregate(0, 0) == Aggregate.EMPTY
        assert [Aggregate.EMPTY.value(a) for a in Accumulation] == [0, None, None, None]  # SUM, AVERAGE, LAST, BALANCE

    def test_holds_its_instant_in_utc_and_its_id_as_text(self):
        found = Aggregate("2.50", 1, "2.50", AT.in_timezone("Europe/Warsaw"), 17)
        assert (found.total, found.last_at.isoformat(), found.last_id) == (
            Decimal("2.50"),
            "2024-03-05T10:00:00+00:00",
            "17",
        )

    def test_a_total_may_outgrow_any_one_record(self):
        assert Aggregate(10**16, 20, 5 * 10**14, AT, "r").total == 10**16

    @pytest.mark.parametrize(
        ("fields", "error", "message"),
        [
            ({"total": "NaN"}, InvalidNumber, "aggregate total must be a finite number"),
            ({"count": -1}, InvalidNumber, "aggregate count must be a whole number of records, 0 or more, got -1"),
            ({"count": True}, InvalidNumber, "aggregate count must be a whole number of records"),
            ({"count": 2.0}, InvalidNumber, "aggregate count must be a whole number of records"),
            ({"last_value": "1e15"}, InvalidNumber, "aggregate last_value must be less than 10\\*\\*15"),
            ({"last_at": pendulum.naive(2024, 3, 5)}, InvalidPeriod, "aggregate last_at must be an aware datetime"),
            ({"last_id": ""}, InvalidScorecard, "aggregate last_id must be a non-empty string"),
            ({"last_id": None}, InvalidNumber, "an aggregate of 2 record\\(s\\) needs the latest one's"),
            ({"count": 0}, InvalidNumber, "an aggregate of no record \\(count 0\\) has total 0 and no latest record"),
        ],
    )
    def test_bad_input_says_what_is_wrong(self, fields, error, message):
        given_fields = {"total": 30, "count": 2, "last_value": 20, "last_at": AT, "last_id": "r2"}
        with pytest.raises(error, match=message):
            Aggregate(**{**given_fields, **fields})

    def test_pooling_adds_exactly_and_keeps_the_latest(self):
        ann = Aggregate("0.1", 1, "0.1", AT, "a")
        bob = Aggregate("1e-30", 2, "7", AT.add(seconds=1), "b")
        team = Aggregate.pool([ann, Aggregate.EMPTY, bob])
        # 0.1 + 1e-30 exactly (Python's sum would keep 28 digits); 3 records; bob's is a second later
        assert (team.total, team.count, team.last_value, team.last_id) == (
            Decimal("0.100000000000000000000000000001"),
            3,
            7,
            "b",
        )
        assert Aggregate.pool([]) is Aggregate.EMPTY
        assert Aggregate.pool([ann]) is ann


def trio_records():
    early = AT.subtract(days=1)
    return [
        # rate (AVERAGE): ann 10 and 20, bob 40, cid nothing
        Record("rt-1", "rate", "ann", early, 10),
        Record("rt-2", "rate", "ann", AT, 20),
        Record("rt-3", "rate", "bob", AT, 40),
        # balance (LAST): ann's and bob's latest at the same instant; "b-2" > "b-10" as text, so ann's 100
        Record("b-0", "balance", "ann", early, 50),
        Record("b-2", "balance", "ann", AT, 100),
        Record("b-10", "balance", "bob", AT, 300),
        # deals (SUM): 1.50 + 2.5 = 4.00
        Record("d-1", "deals", "ann", AT, "1.50"),
        Record("d-2", "deals", "bob", early, "2.5"),
        Record("d-3", "deals", "bob", MARCH_10.add(days=1), 1000),  # after as_of: not yet
    ]


def trio_parameters():
    return [
        Parameter(Metric("deals", "deals"), 10, 40),
        Parameter(Metric("rate", "%", accumulation=AVERAGE), 50, 30),
        Parameter(Metric("balance", "PLN", accumulation=LAST), 200, 30),
    ]


def trio_service(metrics):
    cards = [
        Scorecard("trio", Team("trio", ["ann", "bob", "cid"]), MONTHLY, MARCH, trio_parameters()),
        Scorecard("cid", User("cid"), MONTHLY, MARCH, trio_parameters()),
    ]
    return Scorekit(
        cards=MemoryScorecards(cards, change=Change("boss", MARCH_10)),
        metrics=metrics,
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
        snapshots=MemorySnapshots(),
    )


class TestTheServicePoolsATeam:
    def test_worked_example_of_a_team_of_three(self):
        source = RecordsMetricSource(trio_records())
        svc = trio_service(source)
        board = svc.dashboard(MANAGER)
        assert (source.column_calls, source.aggregate_calls, source.measure_calls) == (1, 0, 0)
        trio = next(s for s in board.scores if s.card.id == "trio")
        actual = {p.key: p.actual for p in trio.parameters}
        # deals: 1.50 + 2.5 = 4.00 (the record after as_of is not counted yet)
        assert str(actual["deals"]) == "4.00"
        # rate: (10 + 20 + 40) / 3 records = 23.33..., not the mean of the members' means (15 + 40) / 2 = 27.5
        assert str(actual["rate"]) == "23.33333333333333333333333333333333"
        # balance: ann's b-2 and bob's b-10 are both at the latest instant; "b-2" > "b-10" as text: 100, not 300
        assert actual["balance"] == 100
        assert all(p.evidence == () for p in trio.parameters)  # a dashboard asks for no records

    def test_a_member_with_no_record_has_no_level_and_a_zero_sum(self):
        source = RecordsMetricSource(trio_records())
        cid = next(s for s in trio_service(source).dashboard(MANAGER).scores if s.card.id == "cid")
        assert [(p.key, p.actual, p.status) for p in cid.parameters] == [
            ("deals", 0, Status.BEHIND),
            ("rate", None, Status.NO_DATA),
            ("balance", None, Status.NO_DATA),
        ]

    def test_a_report_has_the_evidence_and_the_same_numbers(self):
        source = RecordsMetricSource(trio_records())
        svc = trio_service(source)
        board = svc.dashboard(MANAGER)
        report = svc.report(MANAGER, "trio")
        assert (source.column_calls, source.aggregate_calls, source.measure_calls) == (1, 0, 1)
        assert {p.key: sorted(e.id for e in p.evidence) for p in report.parameters} == {
            "deals": ["d-1", "d-2"],
            "rate": ["rt-1", "rt-2", "rt-3"],
            "balance": ["b-0", "b-10", "b-2"],
        }
        assert shown(report) == shown(next(s for s in board.scores if s.card.id == "trio"))

    def test_a_trend_asks_by_columns_once(self):
        source = RecordsMetricSource(trio_records())
        svc = trio_service(source)
        svc.trend(MANAGER, "trio")
        assert (source.column_calls, source.aggregate_calls, source.measure_calls) == (1, 0, 0)

    def test_close_asks_measure_so_the_fingerprint_names_the_records(self):
        source = RecordsMetricSource(trio_records())
        svc = trio_service(source)
        svc.clock.set(pendulum.datetime(2024, 4, 2, tz="UTC"))
        closed = {c.card_id: c for c in svc.close(MANAGER)}
        assert (source.column_calls, source.aggregate_calls, source.measure_calls) == (0, 0, 1)
        measured = source.measure(requests_for(svc.cards.get("trio"), END))
        by_key = {request.metric: answer for request, answer in measured.items()}
        assert closed["trio"].fingerprint == fingerprint(svc.cards.get("trio"), by_key)
        assert "d-3" in {e.id for p in closed["trio"].score.parameters for e in p.evidence}

    def test_a_source_without_aggregate_still_works(self):
        svc = trio_service(MeasureOnly(trio_records()))
        assert not isinstance(svc.metrics, AggregateSource)
        assert isinstance(svc.metrics, MetricSource)
        trio = next(s for s in svc.dashboard(MANAGER).scores if s.card.id == "trio")
        assert str(trio.parameter("rate").actual) == "23.33333333333333333333333333333333"
        assert {e.id for e in trio.parameter("deals").evidence} == {"d-1", "d-2"}  # measure lists the records

    def test_a_source_without_aggregate_columns_is_asked_by_cells(self):
        source = CellsOnly(trio_records())
        svc = trio_service(source)
        assert not isinstance(source, ColumnSource)
        assert isinstance(source, AggregateSource)
        board = svc.dashboard(MANAGER)
        inner = source.inner
        assert (inner.column_calls, inner.aggregate_calls, inner.measure_calls) == (0, 1, 0)
        columns = trio_service(RecordsMetricSource(trio_records())).dashboard(MANAGER)
        assert [shown(s) for s in board.scores] == [shown(s) for s in columns.scores]

    class ForgetfulCells(CellsOnly):
        def aggregate(self, cells):
            return {c: a for c, a in super().aggregate(cells).items() if c.subject != "cid"}

    class ForgetfulColumns(RecordsMetricSource):
        def aggregate_columns(self, columns):
            answers = super().aggregate_columns(columns)
            return {key: {s: a for s, a in column.items() if s != "cid"} for key, column in answers.items()}

    @pytest.mark.parametrize(("source", "how"), [(ForgetfulCells, "as aggregates"), (ForgetfulColumns, "by columns")])
    def test_an_unanswered_subject_is_a_missing_measurement(self, source, how):
        svc = trio_service(source(trio_records()))
        board = svc.dashboard(MANAGER)  # the cards that need cid's answer are set apart; the others are scored (0.3)
        failed = {f.card_id: f.error for f in board.failures}
        assert f"left 'deals' ({how}) for card 'cid' unanswered" in failed["cid"]
        assert all(card_id not in failed for card_id in (s.card.id for s in board.scores))
        assert all("cid" not in s.card.subjects for s in board.scores)

    def test_a_sum_beyond_the_bounds_fails_as_measure_fails(self):
        records = [Record(f"big-{i}", "deals", "ann", AT, 9 * 10**14) for i in range(2)]
        for metrics in (RecordsMetricSource(records), MeasureOnly(records)):
            failures = trio_service(metrics).dashboard(MANAGER).failures
            assert failures, "ann's card cannot be scored"
            assert all("measurement value must be less than 10**15" in f.error for f in failures)

    def test_the_callers_decimal_context_changes_nothing(self):
        expected = [shown(s) for s in trio_service(RecordsMetricSource(trio_records())).dashboard(MANAGER).scores]
        with decimal.localcontext(prec=2, rounding=decimal.ROUND_FLOOR):
            board = trio_service(RecordsMetricSource(trio_records())).dashboard(MANAGER)
        assert [shown(s) for s in board.scores] == expected


def shown(card_score):
    """Every number of a score, digit for digit (a Decimal's str shows its exponent too); evidence left out."""
    return (
        str(card_score.total),
        str(card_score.projected),
        card_score.status,
        [
            (p.key, p.status, *map(str, (p.actual, p.target, p.achievement, p.effective, p.contribution)))
            for p in card_score.parameters
        ],
        [(str(p.expected), str(p.projected)) for p in card_score.parameters],
    )


USERS = ["u0", "u1", "u2", "u3"]
METRICS = {"m_sum": SUM, "m_avg": AVERAGE, "m_last": LAST}
# A few instants (ties are likely), at and around the period bounds and as_of values drawn below.
INSTANTS = [
    pendulum.datetime(2024, 2, 29, 23, 59, 59, 999999, tz="UTC"),
    pendulum.datetime(2024, 3, 1, tz="UTC"),
    pendulum.datetime(2024, 3, 1, tz="Europe/Warsaw"),
    pendulum.datetime(2024, 3, 10, 12, tz="UTC"),
    pendulum.datetime(2024, 3, 20, tz="UTC"),
    pendulum.datetime(2024, 4, 1, tz="UTC"),
]
VALUES = st.one_of(
    st.integers(-50, 5000),
    st.sampled_from(["0.00", "-0", "1.50", "2.5", "1e-30", "33.333", "999999999999999.9", "-0.01"]),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
)


@st.composite
def companies(draw):
    ids = draw(st.permutations([str(i) for i in range(12)]))  # ids compare as text: "10" < "9"
    records = [
        Record(
            record_id,
            draw(st.sampled_from(sorted(METRICS))),
            draw(st.sampled_from(USERS)),
            draw(st.sampled_from(INSTANTS)),
            draw(VALUES),
        )
        for record_id in ids[: draw(st.integers(0, 12))]
    ]
    parameters = [
        Parameter(Metric("m_sum", "x"), draw(st.integers(1, 100)), 40),
        Parameter(Metric("m_avg", "x", accumulation=AVERAGE), draw(st.integers(1, 100)), 30),
        Parameter(Metric("m_last", "x", accumulation=LAST), draw(st.integers(1, 100)), 30),
    ]
    owners = [User(u) for u in USERS] + [
        Team(f"t{i}", members)
        for i, members in enumerate(draw(st.lists(st.sets(st.sampled_from(USERS), min_size=1), max_size=3)))
    ]
    counter = itertools.count()
    cards = []
    for k in (1, 2):
        first = None
        for owner in owners:
            card_id = f"c{next(counter)}"
            if first is not None and draw(st.booleans()):  # a copy: the first card's windows, its columns
                cards.append(first.copy_for(owner, id=card_id))
                continue
            zone = draw(st.sampled_from(["UTC", "Europe/Warsaw"]))
            cards.append(Scorecard(card_id, owner, MONTHLY, MONTHLY.period(k), parameters, timezone=zone))
            first = first or cards[-1]
    as_of = draw(st.sampled_from(INSTANTS[1:]))
    return records, cards, as_of


def board_of(metrics, cards, as_of):
    """Every card's numbers, and the cards that could not be scored with why (a sum beyond 10**15 fails either way)."""
    svc = Scorekit(
        cards=MemoryScorecards(cards, change=Change("boss", MARCH_10)),
        metrics=metrics,
        manual=MemoryManualValues(),
        clock=FixedClock(as_of),
    )
    board = svc.dashboard(MANAGER, as_of=as_of, on="all")
    return [shown(s) for s in board.scores], board.failures


@given(companies())
def test_dashboards_by_columns_by_cells_and_through_measure_are_digit_for_digit_the_same(company):
    records, cards, as_of = company
    source = RecordsMetricSource(records)
    by_columns = board_of(source, cards, as_of)
    _, failures = by_columns
    assert (source.aggregate_calls, source.measure_calls) == (0, 0)
    if not failures:  # a card of each month has started: one question for the whole dashboard
        assert source.column_calls == 1
    else:  # a failing card is set apart by asking again for halves of the batch (seed 1734311773)
        assert source.column_calls > 1
    assert by_columns == board_of(CellsOnly(records), cards, as_of)
    assert by_columns == board_of(MeasureOnly(records), cards, as_of)


def test_a_card_whose_sum_leaves_the_bounds_is_set_apart_the_same_way_through_aggregate_and_measure():
    # bob's two deals of 600,000,000,000,000 sum to 1.2 * 10**15, beyond the 10**15 bound: his card
    # cannot be scored; ann's (3 deals of 10: 30%) can. Through aggregate the dashboard asks once,
    # then again for halves of the batch (2 cards: each alone), so 3 questions; never measure.
    at = pendulum.datetime(2024, 3, 2, tz="UTC")
    records = [
        Record("b1", "deals_won", "bob", at, Decimal("6E+14")),
        Record("b2", "deals_won", "bob", at, Decimal("6E+14")),
        Record("a1", "deals_won", "ann", at, 3),
    ]
    cards = [
        Scorecard(f"{who}-march", User(who), MONTHLY, MARCH, [Parameter("deals_won", 10, 100)])
        for who in ("ann", "bob")
    ]
    source = RecordsMetricSource(records)
    scores, failures = board_of(source, cards, AT)
    assert [f.card_id for f in failures] == ["bob-march"]
    assert "10**15" in failures[0].error
    assert len(scores) == 1
    assert (source.column_calls, source.aggregate_calls, source.measure_calls) == (3, 0, 0)
    assert (scores, failures) == board_of(CellsOnly(records), cards, AT)
    assert (scores, failures) == board_of(MeasureOnly(records), cards, AT)


class TestColumns:
    """`asking.columns`: one column per metric and window, each card's slots; a template's columns worked out once."""

    def test_copies_share_their_columns_and_each_asks_for_its_own_subjects(self):
        ann = Scorecard("ann", User("ann"), MONTHLY, MARCH, trio_parameters())
        team = ann.copy_for(Team("trio", ["ann", "bob"]), id="trio")
        plan = asking.columns([ann, team, ann.copy_for(User("bob"), id="bob")], [AT] * 3)
        # three metrics, one window: three columns, each asked for ann and bob
        assert sorted((key[0], key[1], key[2], key[3]) for key in plan.columns) == [
            (metric, accumulation, START, AT)
            for metric, accumulation in sorted([("balance", LAST), ("deals", SUM), ("rate", AVERAGE)])
        ]
        assert set(plan.columns.values()) == {frozenset({"ann", "bob"})}
        # ann's, the team's and bob's slots: 3 metrics x 3 subject sets, one template
        assert len(plan.slot_columns) == len(plan.slot_subjects) == 9
        assert plan.templates == [("deals", "rate", "balance")]
        assert plan.of_card == [0, 0, 0]
        assert plan.slot_numbers == list(range(9))

    def test_the_same_windows_at_another_instant_ask_another_window(self):
        ann = Scorecard("ann", User("ann"), MONTHLY, MARCH, [Parameter("deals", 10, 100)])
        later = AT.add(days=1)
        plan = asking.columns([ann, ann.copy_for(User("bob"), id="bob")], [AT, later])
        assert sorted(key[3] for key in plan.columns) == [AT, later]
        assert {key[3]: subjects for key, subjects in plan.columns.items()} == {
            AT: frozenset({"ann"}),
            later: frozenset({"bob"}),
        }

    def test_a_column_the_source_left_out_is_a_missing_measurement_naming_the_card(self):
        ann = Scorecard("ann", User("ann"), MONTHLY, MARCH, [Parameter("deals", 10, 100)])
        plan = asking.columns([ann], [AT])
        with pytest.raises(MissingMeasurement, match=r"left 'deals' \(by columns\) for card 'ann' unanswered"):
            asking.from_columns([ann], plan, {})
