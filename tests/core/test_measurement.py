from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Aggregate,
    Cadence,
    Date,
    Evidence,
    InvalidMeasurement,
    InvalidNumber,
    InvalidPeriod,
    Measurement,
    Metric,
    MetricRequest,
    Parameter,
    Scorecard,
    Team,
    User,
    requests_for,
)
from scorekit.measurement import check_shares

FEBRUARY = Cadence.monthly(Date(2024, 1, 1))


def warsaw_card(k=1, parameters=None, owner=None):
    parameters = parameters or [Parameter("deals", 10, 100)]
    return Scorecard("c1", owner or User("ann"), FEBRUARY, FEBRUARY.period(k), parameters, timezone="Europe/Warsaw")


def counted(request, occurred_at):
    return request.start <= occurred_at < request.end


class TestRequestsFor:
    def test_a_late_january_utc_deal_is_a_warsaw_february_deal(self):
        deal = pendulum.datetime(2024, 1, 31, 23, 30, tz="UTC")  # 00:30 on Feb 1 in Warsaw
        as_of = pendulum.datetime(2024, 3, 5, tz="UTC")
        (february,) = requests_for(warsaw_card(k=1), as_of)
        (january,) = requests_for(warsaw_card(k=0), as_of)
        assert counted(february, deal)
        assert not counted(january, deal)
        assert february.start == pendulum.datetime(2024, 1, 31, 23, tz="UTC")
        assert january.end == february.start

    def test_window_is_cut_at_as_of(self):
        as_of = pendulum.datetime(2024, 2, 10, 15, tz="UTC")
        (request,) = requests_for(warsaw_card(), as_of)
        assert request.end == as_of
        assert request.start.isoformat() == "2024-01-31T23:00:00+00:00"  # Warsaw midnight, in UTC

    def test_after_the_period_the_window_ends_at_local_midnight(self):
        (request,) = requests_for(warsaw_card(), pendulum.datetime(2024, 6, 1, tz="UTC"))
        assert request.end.isoformat() == "2024-02-29T23:00:00+00:00"  # Warsaw midnight, in UTC

    def test_one_request_per_active_automatic_started_parameter(self):
        parameters = [
            Parameter("deals", 10, 40),
            Parameter(Metric.custom("demos", "demos"), 3, 30),
            Parameter("calls", 10, 30, counts_from=Date(2024, 2, 20)),
            Parameter("emails", 10, 30, active=False),
        ]
        as_of = pendulum.datetime(2024, 2, 10, tz="UTC")
        assert [r.metric for r in requests_for(warsaw_card(parameters=parameters), as_of)] == ["deals"]
        later = pendulum.datetime(2024, 2, 25, tz="UTC")
        requests = requests_for(warsaw_card(parameters=parameters), later)
        assert [r.metric for r in requests] == ["deals", "calls"]
        assert requests[1].start.isoformat() == "2024-02-19T23:00:00+00:00"

    def test_nothing_before_the_window_starts(self):
        assert requests_for(warsaw_card(), pendulum.datetime(2024, 1, 31, 22, tz="UTC")) == ()
        (request,) = requests_for(warsaw_card(), pendulum.datetime(2024, 1, 31, 23, tz="UTC"))
        assert request.start == request.end  # started this very instant: an empty window

    def test_team_cards_ask_for_every_member(self):
        card = warsaw_card(owner=Team("north", ["ann", "bob"]))
        (request,) = requests_for(card, pendulum.datetime(2024, 2, 10, tz="UTC"))
        assert request.subjects == frozenset({"ann", "bob"})

    def test_identical_requests_from_many_cards_are_equal(self):
        as_of = pendulum.datetime(2024, 2, 10, tz="Europe/Warsaw")
        a = requests_for(warsaw_card(), as_of)
        b = requests_for(warsaw_card().copy_for(User("ann"), id="other"), as_of)
        assert a == b
        assert len({*a, *b}) == 1
        assert isinstance(a[0], MetricRequest)

    def test_as_of_must_be_aware(self):
        import datetime as dt

        with pytest.raises(InvalidPeriod, match="aware"):
            requests_for(warsaw_card(), dt.datetime(2024, 2, 10))  # noqa: DTZ001
        with pytest.raises(InvalidPeriod, match="got the date"):
            requests_for(warsaw_card(), Date(2024, 2, 10))


class TestEvidence:
    def test_converts_stdlib_datetimes_and_integer_ids(self):
        import datetime as dt

        e = Evidence(7, dt.datetime(2024, 2, 1, tzinfo=dt.UTC), "2.5")
        assert e.id == "7"
        assert e.occurred_at == pendulum.datetime(2024, 2, 1, tz="UTC")
        assert str(e.value) == "2.5"

    def test_refuses_naive_times(self):
        import datetime as dt

        with pytest.raises(InvalidPeriod, match="evidence occurred_at must be an aware datetime"):
            Evidence("x", dt.datetime(2024, 2, 1))  # noqa: DTZ001


def test_request_tuples_refuse_a_card_without_its_instant_at_the_call():
    from scorekit.measurement import iter_request_tuples, request_tuples

    card, as_of = warsaw_card(), pendulum.datetime(2024, 2, 10, tz="UTC")
    for ask in (request_tuples, iter_request_tuples):  # the iterator too: before anything is read
        with pytest.raises(ValueError, match=r"one instant per card, got 2 card\(s\) and 1 instant\(s\)"):
            ask([card, card], [as_of])
    # cards and instants paired one to one: the same requests either way
    assert list(iter_request_tuples([card], [as_of])) == request_tuples([card], [as_of])
    assert [tuple(r) for r in request_tuples([card], [as_of])[0]] == [
        (r.metric, r.subjects, r.start, r.end, r.accumulation) for r in requests_for(card, as_of)
    ]


# -- shared deals (split credit): DESIGN 0.3 "Shared deals" ---------------------------------------

AT = pendulum.datetime(2024, 3, 4, 9, tz="UTC")


def split(record_id, value, shares, at=AT):
    """One record's rows, one per user: {user: share}."""
    return {user: Evidence(record_id, at, value, share=share) for user, share in shares.items()}


class TestEvidenceShare:
    def test_a_whole_record_by_default(self):
        e = Evidence("D-1", AT, 250)
        assert e.share == 1
        assert e.credit == Decimal(250)

    def test_a_share_credits_its_part_exactly(self):
        e = Evidence("D-1", AT, "10000", share="0.6")
        assert e.credit == Decimal(6000)  # 10,000 x 0.6
        assert Evidence("D-2", AT, "0.1", share="0.333333333333").credit == Decimal("0.0333333333333")  # exact product

    @pytest.mark.parametrize("share", [0, "-0.4", "1.000000000001", 2])
    def test_a_share_is_more_than_0_and_at_most_1(self, share):
        with pytest.raises(InvalidMeasurement, match=r"evidence share must be more than 0 and at most 1"):
            Evidence("D-1", AT, 10, share=share)

    @pytest.mark.parametrize(
        ("share", "message"), [("NaN", "finite"), (True, "finite"), ("0.0000000000001", "12 digits")]
    )
    def test_a_share_is_a_number_with_at_most_12_decimals(self, share, message):
        with pytest.raises(InvalidNumber, match=f"evidence share must .*{message}"):
            Evidence("D-1", AT, 10, share=share)

    def test_share_is_keyword_only_and_part_of_equality(self):
        with pytest.raises(TypeError):
            Evidence("D-1", AT, 10, "", "0.5")
        assert Evidence("D-1", AT, 10, share="0.5") != Evidence("D-1", AT, 10)
        assert Evidence("D-1", AT, 10, share="1.0") == Evidence("D-1", AT, 10)


class TestSplitDeal:
    """A 10,000 deal split 60/40 between ann and bob: ann's revenue 6,000, bob's 4,000, their team's 10,000."""

    rows = split("D-7", 10_000, {"ann": "0.6", "bob": "0.4"})

    def test_each_user_counts_their_share(self):
        assert Measurement.from_records([self.rows["ann"]]).value == 6000  # 10,000 x 0.6
        assert Measurement.from_records([self.rows["bob"]]).value == 4000  # 10,000 x 0.4

    def test_the_team_counts_the_deal_once(self):
        team = Measurement.from_records([self.rows["ann"], self.rows["bob"]])
        assert team.value == 10_000  # 6,000 + 4,000, not 20,000
        assert [e.id for e in team.evidence] == ["D-7", "D-7"]  # one row per user, for the drill-down

    def test_the_same_through_aggregates(self):
        ann, bob = Aggregate.from_records([self.rows["ann"]]), Aggregate.from_records([self.rows["bob"]])
        assert (ann.total, ann.count, bob.total, bob.count) == (6000, Decimal("0.6"), 4000, Decimal("0.4"))
        team = Aggregate.pool([ann, bob])
        assert (team.total, team.count) == (10_000, 1)  # 0.6 + 0.4 = 1 record
        assert type(team.count) is int  # a whole count reads as a count of records

    def test_average_with_shares_is_the_share_weighted_mean(self):
        rows = [self.rows["ann"], Evidence("D-8", AT.add(days=1), 1000)]
        # (10,000 x 0.6 + 1,000 x 1) / (0.6 + 1) = 7,000 / 1.6 = 4,375
        assert Measurement.from_records(rows, Accumulation.AVERAGE).value == 4375
        assert Aggregate.from_records(rows).value(Accumulation.AVERAGE) == 4375

    def test_last_ignores_shares(self):
        rows = [Evidence("D-8", AT.subtract(days=1), 1000), self.rows["ann"]]
        assert Measurement.from_records(rows, "last").value == 10_000  # the latest record's whole value
        assert Aggregate.from_records(rows).value(Accumulation.LAST) == 10_000

    def test_no_record(self):
        assert Measurement.from_records([]).value == 0
        assert Measurement.from_records([], Accumulation.AVERAGE).value is None
        assert Aggregate.from_records([]) is Aggregate.EMPTY


class TestSharesAboveOne:
    def test_a_record_credited_in_full_twice_names_the_record(self):
        rows = [Evidence("D-9", AT, 500), Evidence("D-9", AT, 500)]
        message = r"record 'D-9' is credited shares 1 \+ 1 = 2 in all; the shares of one record sum to at most 1"
        for make in (check_shares, Measurement.from_records, Aggregate.from_records):
            with pytest.raises(InvalidMeasurement, match=message):
                make(rows)

    def test_a_split_60_60_is_refused_and_60_40_is_not(self):
        with pytest.raises(InvalidMeasurement, match=r"'D-1' is credited shares 0.6 \+ 0.6 = 1.2"):
            check_shares(split("D-1", 10, {"ann": "0.6", "bob": "0.6"}).values())
        check_shares(split("D-1", 10, {"ann": "0.6", "bob": "0.4"}).values())
        check_shares(split("D-1", 10, {"ann": "0.3", "bob": "0.3", "eve": "0.4"}).values())  # exactly 1

    def test_invalid_measurement_is_a_scorekit_value_error(self):
        from scorekit import ScorekitError

        assert issubclass(InvalidMeasurement, ScorekitError)
        assert issubclass(InvalidMeasurement, ValueError)


class TestAggregateCount:
    def test_a_sum_of_shares_is_a_decimal_and_a_whole_one_an_int(self):
        assert Aggregate(5, "1.5", 3, AT, "r").count == Decimal("1.5")
        assert type(Aggregate(5, Decimal("2.0"), 3, AT, "r").count) is int

    @pytest.mark.parametrize("count", ["-0.5", Decimal(-1), "NaN", 1.5])
    def test_a_count_is_0_or_more(self, count):
        with pytest.raises(InvalidNumber, match="aggregate count must be"):
            Aggregate(5, count, 3, AT, "r")

    def test_pooling_adds_counts_exactly(self):
        thirds = [Aggregate(1, "0.333333333333", 3, AT.add(seconds=i), f"r{i}") for i in range(3)]
        assert Aggregate.pool(thirds).count == Decimal("0.999999999999")


MEMBERS = ("ann", "bob", "eve")


@st.composite
def split_records(draw):
    """Records, each split between some members with shares (hundredths) summing to at most 1: {user: [rows]}."""
    rows = {user: [] for user in MEMBERS}
    for number in range(draw(st.integers(0, 6))):
        value = Decimal(draw(st.integers(-500, 100_000))).scaleb(-2)
        owners = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3, unique=True))
        cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=len(owners) - 1, max_size=len(owners) - 1)))
        top = draw(st.integers(max([0, *cuts]) + 1, 100))  # the shares sum to top / 100 <= 1
        bounds = [0, *cuts, top]
        at = AT.add(minutes=draw(st.integers(0, 10_000)))
        for user, low, high in zip(owners, bounds, bounds[1:], strict=False):
            if high > low:
                rows[user].append(Evidence(f"r{number}", at, value, share=Decimal(high - low).scaleb(-2)))
    return rows


@given(split_records())
def test_a_team_counts_each_record_once_at_the_sum_of_its_members_shares(rows):
    # The oracle, with Fractions: each distinct record once, at its value times the shares its members hold.
    held: dict[str, tuple[Decimal, Fraction]] = {}
    for user_rows in rows.values():
        for e in user_rows:
            value, shares = held.get(e.id, (e.value, Fraction(0)))
            held[e.id] = (value, shares + Fraction(e.share))
    expected_sum = sum((Fraction(value) * shares for value, shares in held.values()), Fraction(0))
    expected_count = sum((shares for _, shares in held.values()), Fraction(0))
    everyone = [e for user_rows in rows.values() for e in user_rows]
    team = Measurement.from_records(everyone)
    pooled = Aggregate.pool(Aggregate.from_records(user_rows) for user_rows in rows.values())
    assert Fraction(team.value) == expected_sum == Fraction(pooled.total)
    assert Fraction(pooled.count) == expected_count
    # Each member's own number is their shares' credit; the members' numbers add up to the team's.
    members = [Measurement.from_records(user_rows).value for user_rows in rows.values()]
    assert sum(map(Fraction, members), Fraction(0)) == expected_sum
    for accumulation in Accumulation:
        assert Measurement.from_records(everyone, accumulation).value == pooled.value(accumulation)
