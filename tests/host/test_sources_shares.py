"""Shared deals in the sources (DESIGN 0.3 "Shared deals"): split records, counted once by a team."""

from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MARCH_10
from scorekit import (
    Accumulation,
    Aggregate,
    Cadence,
    Cell,
    Date,
    InvalidMeasurement,
    MetricRequest,
    Parameter,
    ScorekitError,
    Team,
    User,
)
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, Record, RecordsMetricSource
from scorekit.numbers import exact_sum
from scorekit.service import Actor, CardTemplate, Role, Scorekit

MARCH = pendulum.datetime(2024, 3, 1, tz="UTC")
APRIL = pendulum.datetime(2024, 4, 1, tz="UTC")
AT = pendulum.datetime(2024, 3, 4, 15, tz="UTC")


def ask(subjects, accumulation="sum", metric="revenue"):
    return MetricRequest(metric, frozenset(subjects), MARCH, APRIL, accumulation)


# A 10,000 deal split 60/40 between ann and bob; a 2,000 deal of bob's alone.
SPLIT = [
    Record("D-7", "revenue", "ann", AT, 10_000, label="ACME", share="0.6"),
    Record("D-7", "revenue", "bob", AT, 10_000, label="ACME", share="0.4"),
    Record("D-9", "revenue", "bob", AT.add(days=1), 2_000),
]


class TestWorkedExample:
    def test_each_counts_their_share_and_the_team_once(self):
        source = RecordsMetricSource(SPLIT)
        answers = source.measure([ask({"ann"}), ask({"bob"}), ask({"ann", "bob"})])
        assert answers[ask({"ann"})].value == 6000  # 10,000 x 0.6
        assert answers[ask({"bob"})].value == 6000  # 10,000 x 0.4 + 2,000
        assert answers[ask({"ann", "bob"})].value == 12000  # 6,000 + 4,000 + 2,000: D-7 once
        assert [(e.id, e.share) for e in answers[ask({"ann"})].evidence] == [("D-7", Decimal("0.6"))]

    def test_aggregates_count_the_sum_of_shares(self):
        source = RecordsMetricSource(SPLIT)
        cells = [Cell("revenue", "sum", who, MARCH, APRIL) for who in ("ann", "bob")]
        found = source.aggregate(cells)
        assert [found[c].count for c in cells] == [Decimal("0.6"), Decimal("1.4")]  # 0.6; 0.4 + 1
        team = Aggregate.pool(found.values())
        assert (team.total, team.count) == (Decimal("12000.0"), 2)  # two deals, 12,000
        # the mean deal: 12,000 / 2 records = 6,000, as measure says
        assert (
            team.value(Accumulation.AVERAGE)
            == source.measure([ask({"ann", "bob"}, "average")])[ask({"ann", "bob"}, "average")].value
        )

    def test_last_ignores_shares(self):
        answer = RecordsMetricSource(SPLIT[:2]).measure([ask({"ann"}, "last")])[ask({"ann"}, "last")]
        assert answer.value == 10_000  # a level is not split

    def test_shares_above_one_are_refused_naming_the_record(self):
        with pytest.raises(InvalidMeasurement, match=r"record 'D-7' is credited shares 0.6 \+ 0.6 = 1.2"):
            RecordsMetricSource([*SPLIT[:1], Record("D-7", "revenue", "bob", AT, 10_000, share="0.6")])
        # the same id for another metric is another record
        RecordsMetricSource([*SPLIT, Record("D-7", "deals_won", "ann", AT, share="0.6")])

    @pytest.mark.parametrize("share", ["0", "1.5", "-0.5", "abc"])
    def test_a_share_out_of_range(self, share):
        with pytest.raises(ScorekitError, match="record share"):
            Record("D-1", "revenue", "ann", AT, 1, share=share)


def test_the_service_counts_a_split_deal_once_on_a_team_card():
    template = CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("revenue", 20_000, 100)])
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource(SPLIT),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
    )
    boss = Actor("boss", Role.MANAGER)
    cards = svc.create_cards(boss, template, [User("ann"), User("bob"), Team("north", ["ann", "bob"])])
    by_owner = {score.card.owner.id: score for score in svc.dashboard(boss).scores}  # through aggregate
    assert [by_owner[o].parameter("revenue").actual for o in ("ann", "bob", "north")] == [6000, 6000, 12000]
    team = svc.report(boss, cards[2].id)  # through measure, with the records
    assert team.parameter("revenue").actual == 12000


@st.composite
def split_records(draw):
    """Records of one metric, some split between up to three people, each record's shares summing to at most 1."""
    records = []
    for n in range(draw(st.integers(0, 6))):
        people = draw(st.lists(st.sampled_from(["ann", "bob", "cid"]), min_size=1, max_size=3, unique=True))
        parts = draw(st.lists(st.integers(1, 10), min_size=len(people), max_size=len(people)))
        whole = max(sum(parts), draw(st.integers(1, 30)))
        value = draw(st.integers(-1000, 100_000))
        at = AT.add(hours=draw(st.integers(0, 100)))
        records += [
            Record(f"R{n}", "revenue", who, at, value, share=Decimal(part) / Decimal(whole))
            for who, part in zip(people, parts, strict=True)
            if Decimal(part) / Decimal(whole) == Decimal(part * 10**12 // whole) / 10**12  # 12 decimals at most
        ]
    return records


@given(split_records(), st.lists(st.sampled_from(["ann", "bob", "cid"]), min_size=1, max_size=3, unique=True))
def test_a_teams_value_is_the_sum_of_its_members_shares(records, team):
    source = RecordsMetricSource(records)
    members = [ask({who}) for who in team]
    answers = source.measure([ask(team), *members])
    # each record at most once: value x (the sum of the team's shares of it)
    by_record = {}
    for record in records:
        if record.subject in team:
            by_record.setdefault(record.id, []).append(record.value * record.share)
    assert answers[ask(team)].value == exact_sum(exact_sum(parts) for parts in by_record.values())
    assert answers[ask(team)].value == exact_sum(answers[m].value for m in members)
    pooled = Aggregate.pool(source.aggregate([Cell("revenue", "sum", who, MARCH, APRIL) for who in team]).values())
    assert pooled.total == answers[ask(team)].value
    assert pooled.count == exact_sum(r.share for r in records if r.subject in team)
