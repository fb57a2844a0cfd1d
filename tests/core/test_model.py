"""The 0.2 data model: new fields, what they accept, and the clear errors for what they do not."""

import datetime as dt

import pendulum
import pytest

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    Metric,
    MetricRequest,
    Parameter,
    Scorecard,
    ScorekitError,
    Status,
    StatusPolicy,
    Team,
    User,
    WorkCalendar,
    requests_for,
)
from scorekit.service import CardTemplate

APRIL = Cadence.monthly(Date(2024, 4, 1))


def card_of(*parameters, **kwargs):
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)


class TestAccumulation:
    def test_values_and_default(self):
        assert [a.value for a in Accumulation] == ["sum", "average", "last", "balance"]
        assert Metric("deals_won").accumulation is Accumulation.SUM
        assert Metric("rate", accumulation="average").accumulation is Accumulation.AVERAGE

    def test_an_unknown_accumulation_names_the_choices(self):
        with pytest.raises(InvalidParameter, match=r"'sum', 'average', 'last'.*'median'"):
            Metric("rate", accumulation="median")

    def test_requests_carry_the_accumulation(self):
        card = card_of(Parameter(Metric("rate", accumulation=Accumulation.LAST), 5, 100))
        (request,) = requests_for(card, pendulum.datetime(2024, 4, 10, tz="UTC"))
        assert request.accumulation is Accumulation.LAST
        assert MetricRequest("m", frozenset({"ann"}), request.start, request.end).accumulation is Accumulation.SUM


class TestStatus:
    def test_status_lives_in_status_and_is_re_exported(self):
        from scorekit import scoring, status

        assert scoring.Status is status.Status is Status
        assert Status("at_risk") is Status.AT_RISK
        assert Status("no_data") is Status.NO_DATA


class TestBadParameters:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"metric": Metric("rate", accumulation="average"), "prorate": True},
                "prorate=True cannot apply to a level",
            ),
            ({"metric": Metric("last", accumulation="last"), "prorate": True}, "prorate=True cannot apply to a level"),
            ({"baseline": 60}, "target 50 must be above the baseline 60"),
            ({"baseline": 50}, "target 50 must be above the baseline 50"),
            ({"direction": Direction.LOWER_IS_BETTER, "baseline": 40}, "target 50 must be below the baseline 40"),
            ({"direction": Direction.LOWER_IS_BETTER, "baseline": 50}, "target 50 must be below the baseline 50"),
            ({"direction": Direction.NEAR_TARGET, "tolerance": 5, "baseline": 30}, "baseline 30 cannot be used"),
            ({"tolerance": 5}, "tolerance 5 applies only when nearer the target"),
            ({"direction": Direction.LOWER_IS_BETTER, "band": 2}, "band 2 applies only when nearer the target"),
            ({"direction": Direction.NEAR_TARGET}, "tolerance must be more than 0 .* got None"),
            ({"direction": Direction.NEAR_TARGET, "tolerance": 0}, "tolerance must be more than 0 .* got 0"),
            ({"direction": Direction.NEAR_TARGET, "tolerance": -1}, "tolerance must be more than 0 .* got -1"),
            ({"direction": Direction.NEAR_TARGET, "tolerance": 1, "band": "-0.5"}, "band must be 0 or more, got -0.5"),
            ({"direction": "sideways"}, "direction must be one of .*'near_target'.*'sideways'"),
            ({"baseline": "lots"}, "baseline must be a finite number"),
            ({"tolerance": float("nan"), "direction": Direction.NEAR_TARGET}, "tolerance must be a finite number"),
        ],
    )
    def test_each_is_refused_naming_the_field_and_value(self, kwargs, message):
        # Not kwargs.pop: the parametrized dict is shared, and a second run in one process (mutmut's
        # stats run, then its clean run) would find it without its metric.
        rest = {name: value for name, value in kwargs.items() if name != "metric"}
        with pytest.raises(InvalidParameter, match=message):
            Parameter(kwargs.get("metric", "nps"), 50, 100, **rest)

    def test_near_target_takes_any_target(self):
        assert Parameter("temp", -5, 100, direction="near_target", tolerance=2).target == -5

    def test_a_lower_is_better_target_of_zero_with_a_baseline(self):
        assert Parameter("returns", 0, 100, direction=Direction.LOWER_IS_BETTER, baseline=3).baseline == 3


class TestStatusPolicy:
    def test_default_is_on_track_at_one_and_never_at_risk(self):
        assert StatusPolicy() == StatusPolicy(on_track=1, at_risk=0)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"on_track": "0.8", "at_risk": "0.9"}, "at_risk 0.9 must not be above on_track 0.8"),
            ({"at_risk": -1, "on_track": 1}, "at_risk must be 0 or more, got -1"),
            ({"on_track": "soon"}, "on_track must be a finite number"),
        ],
    )
    def test_bad_policies(self, kwargs, message):
        with pytest.raises(InvalidScorecard, match=message):
            StatusPolicy(**kwargs)

    def test_a_card_needs_a_policy_object(self):
        with pytest.raises(InvalidScorecard, match="status_policy must be a StatusPolicy"):
            card_of(Parameter("deals_won", 10, 100), status_policy=0.9)


class TestWorkCalendar:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"weekdays": {7}}, "weekdays must be whole numbers 0..6 .*got 7"),
            ({"weekdays": {-1, 2}}, "got -1"),
            ({"weekdays": set()}, "at least one working weekday"),
            ({"weekdays": {True}}, "got True"),
            ({"weekdays": "01234"}, "a collection of whole numbers"),
            ({"holidays": {"christmas"}}, "calendar holiday must be a date"),
            ({"holidays": {pendulum.datetime(2024, 12, 25)}}, "calendar holiday must be a calendar date"),
            ({"holidays": Date(2024, 12, 25)}, "a collection of dates"),
        ],
    )
    def test_bad_calendars(self, kwargs, message):
        with pytest.raises(InvalidPeriod, match=message):
            WorkCalendar(**kwargs)

    def test_holidays_accept_dates_and_iso_strings(self):
        calendar = WorkCalendar(holidays=[dt.date(2024, 12, 25), "2024-12-26"])
        assert calendar.holidays == {Date(2024, 12, 25), Date(2024, 12, 26)}

    def test_counting_by_hand(self):
        calendar = WorkCalendar(weekdays={0, 2, 4}, holidays={Date(2024, 4, 3)})
        # Apr 1-14: Mon 1, Wed 3 (holiday), Fri 5, Mon 8, Wed 10, Fri 12 -> 5
        assert calendar.working_days(Date(2024, 4, 1), Date(2024, 4, 15)) == 5
        assert calendar.working_days(Date(2024, 4, 15), Date(2024, 4, 1)) == 0
        assert not calendar.is_working_day(Date(2024, 4, 3))
        assert calendar.is_working_day(Date(2024, 4, 5))

    def test_a_holiday_on_a_weekend_takes_nothing_away(self):
        assert WorkCalendar(holidays={Date(2024, 4, 6)}).working_days(Date(2024, 4, 1), Date(2024, 5, 1)) == 22

    def test_a_card_needs_a_calendar_object_or_none(self):
        with pytest.raises(InvalidScorecard, match="calendar must be a WorkCalendar or None"):
            card_of(Parameter("deals_won", 10, 100), calendar={0, 1})


class TestCarriedFields:
    policy = StatusPolicy(on_track="0.95", at_risk="0.85")
    calendar = WorkCalendar(holidays={Date(2024, 5, 1)})

    def test_next_card_and_copy_for_carry_policy_and_calendar(self):
        card = card_of(Parameter("deals_won", 10, 100), status_policy=self.policy, calendar=self.calendar)
        for other in (card.next_card(), card.copy_for(Team("north", ["ann", "bob"]))):
            assert (other.status_policy, other.calendar) == (self.policy, self.calendar)

    def test_a_template_carries_what_a_card_carries(self):
        template = CardTemplate(
            APRIL, [Parameter("deals_won", 10, 100)], status_policy=self.policy, calendar=self.calendar
        )
        assert (template.status_policy, template.calendar) == (self.policy, self.calendar)
        assert CardTemplate(APRIL, [Parameter("deals_won", 10, 100)]).status_policy == StatusPolicy()

    def test_the_windows_view(self):
        card = card_of(
            Parameter("deals_won", 30, 100, counts_from=Date(2024, 4, 22), prorate=True), calendar=self.calendar
        )
        (window,) = card.windows
        # Apr 22-26 and 29-30: 7 of April's 22 weekdays; 30 * 7 / 22 = 9.545...
        assert (window.days, str(window.period)) == (7, "[2024-04-22, 2024-05-01)")
        assert window.elapsed(Date(2024, 4, 28).toordinal()) == 5
        assert window.elapsed(Date(2024, 5, 9).toordinal()) == 7

    def test_errors_are_scorekit_errors(self):
        for error in (InvalidParameter, InvalidPeriod, InvalidScorecard):
            assert issubclass(error, ScorekitError)
            assert issubclass(error, ValueError)
