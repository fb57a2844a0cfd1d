"""Accumulation.BALANCE (DESIGN 0.3): a team's pipeline is each member's latest value, added up."""

from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MARCH_10
from scorekit import Accumulation, Cadence, Date, Measurement, Metric, MetricRequest, Parameter, Team, User, codec
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, Record, RecordsMetricSource
from scorekit.numbers import exact_sum
from scorekit.service import Actor, CardTemplate, Role, Scorekit

MARCH = pendulum.datetime(2024, 3, 1, tz="UTC")
APRIL = pendulum.datetime(2024, 4, 1, tz="UTC")
DAY = pendulum.datetime(2024, 3, 4, 9, tz="UTC")
PIPELINE = Metric("pipeline", "EUR", accumulation=Accumulation.BALANCE)

# ann's pipeline went 50,000 -> 30,000; bob's is 40,000; cid has no record.
RECORDS = [
    Record("p-1", "pipeline", "ann", DAY, 50_000),
    Record("p-2", "pipeline", "ann", DAY.add(days=2), 30_000),
    Record("p-3", "pipeline", "bob", DAY.add(days=1), 40_000),
]


def ask(subjects, accumulation="balance"):
    return MetricRequest("pipeline", frozenset(subjects), MARCH, APRIL, accumulation)


class TestMeasure:
    def test_each_members_latest_added_up(self):
        answers = RecordsMetricSource(RECORDS).measure([ask({"ann", "bob", "cid"}), ask({"ann", "bob"}, "last")])
        assert answers[ask({"ann", "bob", "cid"})].value == 70_000  # 30,000 + 40,000 + nothing
        assert answers[ask({"ann", "bob"}, "last")].value == 30_000  # LAST: the team's one latest record
        assert [e.id for e in answers[ask({"ann", "bob", "cid"})].evidence] == ["p-1", "p-3", "p-2"]

    def test_for_one_user_it_is_last(self):
        answers = RecordsMetricSource(RECORDS).measure([ask({"ann"}), ask({"ann"}, "last")])
        assert answers[ask({"ann"})] == answers[ask({"ann"}, "last")]

    def test_nobody_with_a_record_is_none(self):
        answers = RecordsMetricSource(RECORDS).measure([ask({"cid", "dan"})])
        assert answers[ask({"cid", "dan"})] == Measurement(None)

    def test_only_the_requests_asked_are_answered(self):
        asked = [ask({"ann", "bob"}), ask({"bob"}, "last")]
        assert set(RecordsMetricSource(RECORDS).measure(asked)) == set(asked)


def service():
    return Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource(RECORDS),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
    )


@pytest.mark.parametrize(
    ("owner", "actual", "achievement"),
    [(Team("north", ["ann", "bob", "cid"]), 70_000, "0.7"), (User("ann"), 30_000, "0.3")],
)
def test_a_card_scores_the_balance_as_a_level_through_measure_and_aggregates(owner, actual, achievement):
    svc = service()
    boss = Actor("boss", Role.MANAGER)
    template = CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter(PIPELINE, 100_000, 100)])
    (card,) = svc.create_cards(boss, template, [owner])
    reported = svc.report(boss, card.id).parameter("pipeline")  # measure
    (shown,) = svc.dashboard(boss).scores  # aggregates, the team pooled by adding each member's latest
    assert reported.actual == shown.parameter("pipeline").actual == actual
    assert reported.achievement == Decimal(achievement)  # 70,000 or 30,000 / 100,000: a level, never extrapolated
    assert reported.expected is None


def test_the_codec_knows_balance():
    assert codec.loads(codec.dumps(PIPELINE), Metric) == PIPELINE
    assert codec.to_dict(PIPELINE)["accumulation"] == "balance"


@given(
    st.lists(
        st.tuples(st.sampled_from(["ann", "bob", "cid"]), st.integers(0, 200), st.integers(-(10**6), 10**6)),
        max_size=12,
    ),
    st.sets(st.sampled_from(["ann", "bob", "cid", "dan"]), min_size=1),
)
def test_balance_is_the_sum_of_each_members_last(rows, team):
    records = [Record(f"r{n}", "pipeline", who, DAY.add(hours=h), v) for n, (who, h, v) in enumerate(rows)]
    source = RecordsMetricSource(records)
    lasts = source.measure([ask({who}, "last") for who in team])
    values = [m.value for m in lasts.values() if m.value is not None]
    expected = exact_sum(values) if values else None
    assert source.measure([ask(team)])[ask(team)].value == expected
