import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    Evidence,
    InvalidPeriod,
    Metric,
    MetricRequest,
    Parameter,
    Scorecard,
    Team,
    User,
    requests_for,
)

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
