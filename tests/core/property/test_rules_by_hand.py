"""The core's rules worked by hand (calendar, status, achievement, parameter, scores, scoring), one class a rule.

Each test pins a behaviour that a mutant of the rule got wrong (docs/contributing.md,
"Mutation testing"); they live under ``tests/core/``, mutmut's test selection.
"""

import datetime as dt
import decimal
from decimal import Decimal
from fractions import Fraction

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Cadence,
    CardScore,
    Date,
    Direction,
    Evidence,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    ManualEntry,
    Measurement,
    Metric,
    MetricKind,
    MissingMeasurement,
    Parameter,
    Scorecard,
    ScoreRows,
    StatusPolicy,
    User,
    Weight,
    WorkCalendar,
    codec,
    score,
    score_many,
)
from scorekit.achievement import Rule, prorated, rule_for
from scorekit.parameter import _text
from scorekit.status import Status, band

# ------------------------------------------------------------------------------------------------
# WorkCalendar


def brute_force_count(weekdays: set[int], holidays: set[dt.date], start: dt.date, end: dt.date) -> int:
    """Walk the days one by one: the oracle for `WorkCalendar.working_days`."""
    days = 0
    day = start
    while day < end:
        if day.weekday() in weekdays and day not in holidays:
            days += 1
        day += dt.timedelta(days=1)
    return days


@given(
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    start=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    length=st.integers(-3, 60),
    holiday_offsets=st.sets(st.integers(-5, 65), max_size=8),
)
def test_counting_agrees_with_walking_day_by_day(weekdays, start, length, holiday_offsets):
    holidays = {start + dt.timedelta(days=d) for d in holiday_offsets}
    calendar = WorkCalendar(weekdays=weekdays, holidays=holidays)
    end = start + dt.timedelta(days=length)
    assert calendar.working_days(start, end) == brute_force_count(weekdays, holidays, start, end)
    assert calendar.count(start.toordinal(), end.toordinal()) == brute_force_count(weekdays, holidays, start, end)
    for offset in range(-1, 9):
        day = start + dt.timedelta(days=offset)
        assert calendar.is_working_day(day) == (day.weekday() in weekdays and day not in holidays)


class TestCalendarByHand:
    def test_the_default_is_monday_to_friday_without_holidays(self):
        calendar = WorkCalendar()
        assert calendar.weekdays == {0, 1, 2, 3, 4}
        assert calendar.holidays == frozenset()
        # Mon 3 June 2024 .. Sun 9 June: five working days; Sat 8 and Sun 9 are not.
        assert calendar.working_days(Date(2024, 6, 3), Date(2024, 6, 10)) == 5
        assert [calendar.is_working_day(Date(2024, 6, d)) for d in range(3, 10)] == [True] * 5 + [False] * 2

    def test_partial_weeks_start_on_the_right_weekday(self):
        # Sat 1 June 2024 .. Mon 3 June (half-open): Sat, Sun, Mon -> only Mon 3 counts... but
        # the end is exclusive, so [Sat 1, Mon 3) has none, [Sat 1, Tue 4) has one.
        calendar = WorkCalendar()
        assert calendar.working_days(Date(2024, 6, 1), Date(2024, 6, 3)) == 0
        assert calendar.working_days(Date(2024, 6, 1), Date(2024, 6, 4)) == 1
        # Sun 2 .. Sat 15 June: Mon 3 .. Fri 14 = 10 weekdays (one whole week plus six days).
        assert calendar.working_days(Date(2024, 6, 2), Date(2024, 6, 15)) == 10
        # Fridays only: Fri 7 and Fri 14 June 2024 in [Thu 6, Sat 15).
        assert WorkCalendar(weekdays={4}).working_days(Date(2024, 6, 6), Date(2024, 6, 15)) == 2

    def test_an_empty_window_has_no_working_days(self):
        calendar = WorkCalendar(holidays={Date(2024, 6, 3)})
        assert calendar.working_days(Date(2024, 6, 3), Date(2024, 6, 3)) == 0
        assert calendar.working_days(Date(2024, 6, 10), Date(2024, 6, 3)) == 0

    def test_a_holiday_only_takes_away_its_own_window(self):
        # Holidays Mon 3 and Mon 17 June 2024; the window [Tue 4, Mon 17) holds neither.
        calendar = WorkCalendar(holidays={Date(2024, 6, 3), Date(2024, 6, 17)})
        assert calendar.working_days(Date(2024, 6, 4), Date(2024, 6, 17)) == 9  # Tue 4..Fri 14: 4 + 5
        assert calendar.working_days(Date(2024, 6, 3), Date(2024, 6, 18)) == 9  # 11 weekdays - 2 holidays

    def test_days_after_the_last_holiday_and_before_the_first(self):
        calendar = WorkCalendar(holidays={Date(2024, 12, 25)})
        assert calendar.is_working_day(Date(2024, 12, 27))  # after every holiday: a Friday
        assert calendar.is_working_day(Date(2024, 12, 24))  # before every holiday: a Tuesday
        assert not calendar.is_working_day(Date(2024, 12, 25))

    def test_a_holiday_on_a_day_off_is_remembered_but_changes_nothing(self):
        calendar = WorkCalendar(holidays={Date(2024, 6, 8), Date(2024, 6, 10)})  # Sat 8, Mon 10
        assert calendar.holidays == {Date(2024, 6, 8), Date(2024, 6, 10)}
        assert calendar.working_days(Date(2024, 6, 3), Date(2024, 6, 17)) == 9

    def test_unsorted_holidays_are_all_found(self):
        holidays = {Date(2024, 6, d) for d in (28, 3, 19, 11, 5)}  # Fri, Mon, Wed, Tue, Wed
        calendar = WorkCalendar(holidays=holidays)
        # June 2024 has 20 weekdays; all five holidays are weekdays.
        assert calendar.working_days(Date(2024, 6, 1), Date(2024, 7, 1)) == 15
        assert not any(calendar.is_working_day(day) for day in holidays)

    def test_equal_calendars_compare_equal_and_print_their_fields_only(self):
        a = WorkCalendar(weekdays=[4, 0, 1, 2, 3], holidays=["2024-12-25"])
        b = WorkCalendar(holidays={Date(2024, 12, 25)})
        assert a == b
        assert hash(a) == hash(b)
        assert repr(a) == (
            "WorkCalendar(weekdays=frozenset({0, 1, 2, 3, 4}), holidays=frozenset({Date(2024, 12, 25)}))"
        )
        assert a != WorkCalendar()

    @pytest.mark.parametrize(
        ("calendar", "words"),
        [
            (WorkCalendar(), "working days Mon, Tue, Wed, Thu, Fri; no holidays"),
            (WorkCalendar(weekdays={6, 5}, holidays={Date(2024, 12, 25)}), "working days Sat, Sun; 1 holiday"),
            (
                WorkCalendar(weekdays={0}, holidays={Date(2024, 12, 25), Date(2024, 12, 26)}),
                "working days Mon; 2 holidays",
            ),
        ],
    )
    def test_describe(self, calendar, words):
        assert calendar.describe() == words


class TestCalendarErrors:
    @pytest.mark.parametrize(
        ("weekdays", "message"),
        [
            ("01234", "calendar weekdays must be a collection of whole numbers 0..6 (Monday = 0), got '01234'"),
            (
                b"\x00\x01",
                "calendar weekdays must be a collection of whole numbers 0..6 (Monday = 0), got b'\\x00\\x01'",
            ),
            (5, "calendar weekdays must be a collection of whole numbers 0..6 (Monday = 0), got 5"),
            ({7, -1, 2}, "calendar weekdays must be whole numbers 0..6 (Monday = 0), got -1, 7"),
            ({True, 2.0, "2"}, "calendar weekdays must be whole numbers 0..6 (Monday = 0), got '2', 2.0, True"),
            (set(), "calendar weekdays must name at least one working weekday (0..6, Monday = 0), got none"),
        ],
    )
    def test_bad_weekdays(self, weekdays, message):
        with pytest.raises(InvalidPeriod) as info:
            WorkCalendar(weekdays=weekdays)
        assert str(info.value) == message

    @pytest.mark.parametrize(
        ("holidays", "message"),
        [
            ("2024-12-25", "calendar holidays must be a collection of dates, got '2024-12-25'"),
            (b"2024-12-25", "calendar holidays must be a collection of dates, got b'2024-12-25'"),
            (dt.date(2024, 12, 25), "calendar holidays must be a collection of dates, got datetime.date(2024, 12, 25)"),
            (20241225, "calendar holidays must be a collection of dates, got 20241225"),
        ],
    )
    def test_bad_holiday_collections(self, holidays, message):
        with pytest.raises(InvalidPeriod) as info:
            WorkCalendar(holidays=holidays)
        assert str(info.value) == message

    def test_a_bad_holiday_is_named_as_a_calendar_holiday(self):
        with pytest.raises(InvalidPeriod, match=r"^calendar holiday must be a date"):
            WorkCalendar(holidays=["christmas"])


# ------------------------------------------------------------------------------------------------
# Status and StatusPolicy


def test_status_values_are_the_documented_strings():
    assert [s.value for s in Status] == [
        "not_started",
        "on_track",
        "behind",
        "achieved",
        "missed",
        "at_risk",
        "no_data",
    ]


class TestStatusPolicy:
    def test_defaults(self):
        policy = StatusPolicy()
        assert policy.on_track == Decimal(1)
        assert policy.at_risk == Decimal(0)

    def test_bounds_are_allowed_to_touch(self):
        # at_risk == on_track and at_risk == 0 are both legal.
        assert StatusPolicy(on_track="0.9", at_risk="0.9").at_risk == Decimal("0.9")
        assert StatusPolicy(on_track=0, at_risk=0).on_track == 0

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"at_risk": "-0.01"}, "status policy at_risk must be 0 or more, got -0.01"),
            (
                {"on_track": "0.8", "at_risk": "0.81"},
                "status policy at_risk 0.81 must not be above on_track 0.8 (0 <= at_risk <= on_track)",
            ),
        ],
    )
    def test_bad_bounds(self, kwargs, message):
        with pytest.raises(InvalidScorecard) as info:
            StatusPolicy(**kwargs)
        assert str(info.value) == message

    @pytest.mark.parametrize("field", ["on_track", "at_risk"])
    def test_a_bad_number_names_its_field_and_is_a_scorecard_error(self, field):
        with pytest.raises(InvalidScorecard, match=f"^status policy {field} "):
            StatusPolicy(**{field: "soon"})

    @pytest.mark.parametrize(
        ("projected", "status"),
        [
            ("0.95", Status.ON_TRACK),  # exactly on the on_track bound
            ("0.9500000000000000000000000000000001", Status.ON_TRACK),
            ("0.9499999999999999999999999999999999", Status.BEHIND),
            ("0.85", Status.BEHIND),  # exactly on the at_risk bound is not at risk
            ("0.8499999999999999999999999999999999", Status.AT_RISK),
            ("-1", Status.AT_RISK),
        ],
    )
    def test_status_for_at_the_bounds(self, projected, status):
        assert StatusPolicy(on_track="0.95", at_risk="0.85").status_for(Decimal(projected)) is status

    @pytest.mark.parametrize("projected", ["0", "-5", "0.5"])
    def test_at_risk_zero_never_says_at_risk(self, projected):
        assert StatusPolicy(on_track=1, at_risk=0).status_for(Decimal(projected)) is Status.BEHIND

    @pytest.mark.parametrize(
        ("policy", "words"),
        [
            (StatusPolicy(), "on track at 100% of the target at the current pace or more, behind below that"),
            (
                StatusPolicy(on_track="0.950", at_risk="0.85"),
                "on track at 95% of the target at the current pace or more, at risk below 85%",
            ),
            (
                StatusPolicy(on_track="1.5", at_risk="0.125"),
                "on track at 150% of the target at the current pace or more, at risk below 12.5%",
            ),
        ],
    )
    def test_describe(self, policy, words):
        assert policy.describe() == words


def test_describe_ignores_the_callers_decimal_context():
    policy = StatusPolicy(on_track="1.5", at_risk="0.125")
    words = "on track at 150% of the target at the current pace or more, at risk below 12.5%"
    with decimal.localcontext(prec=2, rounding=decimal.ROUND_DOWN):
        assert policy.describe() == words  # not "12%": the percent is normalized in the library's context


@pytest.mark.parametrize(
    ("k1", "k0", "bound", "low", "high"),
    [
        # margin = 2 * (k1 * (|bound| + 1) + k0)
        ("1e-32", "0", "1", "0.99999999999999999999999999999996", "1.00000000000000000000000000000004"),  # 2*(2e-32)
        ("0.01", "0.5", "-3", "-4.08", "-1.92"),  # 2 * (0.01 * 4 + 0.5) = 1.08
        ("0", "0.25", "0", "-0.5", "0.5"),  # 2 * 0.25
        ("0.1", "0", "2.5", "1.8", "3.2"),  # 2 * 0.1 * 3.5 = 0.7
    ],
)
def test_band_by_hand(k1, k0, bound, low, high):
    got = band(Decimal(k1), Decimal(k0), Decimal(bound))
    assert got == (Decimal(low), Decimal(high))


# ------------------------------------------------------------------------------------------------
# achievement: each rule's value, exact value, formula and error bound, worked by hand
# (each test builds its rule while it runs: mutmut links a function to the tests that call it
# during the test, and a class body runs at collection)


def D(text: str) -> Decimal:
    return Decimal(text)


class TestRatio:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("deals_won", 4, 100))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Ratio"
        assert self.rule.value(D("3")) == D("0.75")  # 3 / 4
        assert self.rule.exact(Fraction(3)) == Fraction(3, 4)
        assert self.rule.value(D("1")) == D("0.25")
        assert self.rule.target == D("4")
        assert self.rule.exact_target == Fraction(4)

    def test_formula(self):
        assert self.rule.formula == "a / t"
        assert self.rule.substituted("3", "4") == "3 / 4"

    def test_error_bound(self):
        # slack = 4e-33 / |t| = 1e-33, rounded up to two digits: 1.0e-33; offset 0.
        assert self.rule.slack == D("1.0e-33")
        assert self.rule.offset == 0
        # error(a) = (|a| + offset) * slack = 6 * 1e-33
        assert self.rule.error(D("-6")) == D("6e-33")
        # |a| <= (|v| + 2) * |t|: k1 = |t| * slack * 2 = 8e-33, k0 = 2|t| * slack * 2 = 1.6e-32
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.6e-32"))

    def test_the_slack_is_rounded_up_to_two_digits(self):
        rule = rule_for(Parameter("deals_won", 3, 100))
        assert rule.slack == D("1.4e-33")  # 4e-33 / 3 = 1.333...e-33, rounded up
        assert str(rule.slack) == "1.4E-33"
        rule = rule_for(Parameter("deals_won", "0.3", 100))
        assert rule.slack == D("1.4e-32")  # 4e-33 / 0.3 = 1.333...e-32, rounded up


def test_the_slack_ignores_the_callers_decimal_context():
    parameter = Parameter("deals_won", 3, 100)
    with decimal.localcontext(prec=1, Emin=-5, Emax=5):
        rule = rule_for(parameter)
    # 4e-33 / 3 rounded up to two digits, as in the default context
    assert (rule.slack, rule.k1, rule.k0) == (D("1.4e-33"), D("8.4e-33"), D("1.68e-32"))


class TestLower:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("returns", 4, 100, direction=Direction.LOWER_IS_BETTER))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Lower"
        assert self.rule.value(D("5")) == D("0.75")  # 2 - 5 / 4
        assert self.rule.exact(Fraction(5)) == Fraction(3, 4)
        assert self.rule.value(D("10")) == 0  # max(0, 2 - 2.5)
        assert self.rule.exact(Fraction(10)) == 0
        assert self.rule.value(D("0")) == 2
        assert self.rule.exact(Fraction(0)) == 2

    def test_formula_and_error_bound(self):
        assert self.rule.formula == "max(0, 2 - a / t)"
        assert self.rule.substituted("5", "4") == "max(0, 2 - 5 / 4)"
        assert self.rule.slack == D("1.0e-33")  # 4e-33 / 4
        assert self.rule.error(D("5")) == D("5e-33")
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.6e-32"))


class TestLowerZero:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("returns", 0, 100, direction=Direction.LOWER_IS_BETTER))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_LowerZero"
        for actual, achievement in [("0", 1), ("-1", 1), ("0.001", 0), ("3", 0)]:
            assert self.rule.value(D(actual)) == achievement
            assert self.rule.exact(Fraction(actual)) == achievement

    def test_exact_without_error(self):
        assert self.rule.formula == "1 if a <= 0 else 0"
        assert (self.rule.target, self.rule.exact_target) == (Decimal(0), Fraction(0))
        assert self.rule.slack == 0
        assert self.rule.error(D("5")) == 0
        assert (self.rule.k1, self.rule.k0) == (0, 0)


class TestBaseline:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("nps", 50, 100, baseline=30))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Baseline"
        assert self.rule.value(D("40")) == D("0.5")  # (40 - 30) / (50 - 30)
        assert self.rule.exact(Fraction(40)) == Fraction(1, 2)
        assert self.rule.value(D("10")) == 0  # max(0, -1)
        assert self.rule.exact(Fraction(10)) == 0
        assert self.rule.value(D("60")) == D("1.5")
        assert (self.rule.span, self.rule.exact_span) == (D("20"), Fraction(20))

    def test_formula(self):
        assert self.rule.formula == "max(0, (a - 30) / (t - 30))"
        assert self.rule.substituted("40", "50") == "max(0, (40 - 30) / (50 - 30))"

    def test_error_bound(self):
        # slack = 4e-33 / 20 = 2.0e-34, widened by (50 + 30) / 20 + 1 = 5: 1.0e-33; offset |b| = 30.
        assert self.rule.slack == D("1e-33")
        assert self.rule.offset == 30
        assert self.rule.error(D("-40")) == D("7e-32")  # (40 + 30) * 1e-33
        # k1 = |t - b| * slack * 2 = 4e-32; k0 = 2|b| * slack * 2 = 1.2e-31
        assert (self.rule.k1, self.rule.k0) == (D("4e-32"), D("1.2e-31"))

    def test_lower_is_better_with_a_baseline(self):
        rule = rule_for(Parameter("returns", 2, 100, direction=Direction.LOWER_IS_BETTER, baseline=6))
        assert type(rule).__name__ == "_Baseline"
        assert rule.value(D("3")) == D("0.75")  # (3 - 6) / (2 - 6)
        assert rule.exact(Fraction(3)) == Fraction(3, 4)
        assert rule.value(D("7")) == 0
        # a negative span (-4) still gives a positive slack: 4e-33 / 4 = 1.0e-33, widened by
        # (2 + 6) / 4 + 1 = 3; k1 = |t - b| * slack * 2 = 2.4e-32, k0 = 2|b| * slack * 2 = 7.2e-32
        assert rule.slack == D("3e-33")
        assert (rule.k1, rule.k0) == (D("2.4e-32"), D("7.2e-32"))

    def test_a_prorated_baseline_scales_with_its_target(self):
        rule = rule_for(Parameter("nps", 50, 100, baseline=30, prorate=True), (1, 2))
        # target 25, baseline 15: (20 - 15) / (25 - 15) = 0.5
        assert rule.target == 25
        assert rule.exact_target == 25
        assert rule.baseline == 15
        assert rule.exact_baseline == 15
        assert rule.value(D("20")) == D("0.5")
        assert rule.exact(Fraction(20)) == Fraction(1, 2)


class TestNear:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("nps", 100, 100, direction=Direction.NEAR_TARGET, tolerance=10, band=2))

    @pytest.mark.parametrize(
        ("actual", "achievement"),
        [
            ("100", "1"),  # on target
            ("101", "1"),  # inside the band
            ("102", "1"),  # on the band's edge: distance 0
            ("98", "1"),
            ("102.5", "0.95"),  # 1 - (2.5 - 2) / 10: a distance under 1
            ("97.5", "0.95"),
            ("107", "0.5"),  # 1 - (7 - 2) / 10
            ("95", "0.7"),  # 1 - (5 - 2) / 10
            ("112", "0"),  # 1 - 10 / 10
            ("200", "0"),  # max(0, 1 - 9.8)
        ],
    )
    def test_value_and_exact(self, actual, achievement):
        assert self.rule.value(D(actual)) == D(achievement)
        assert self.rule.exact(Fraction(actual)) == Fraction(achievement)

    def test_formula(self):
        assert type(self.rule).__name__ == "_Near"
        assert self.rule.formula == "max(0, 1 - max(0, |a - t| - 2) / 10)"
        assert self.rule.substituted("95", "100") == "max(0, 1 - max(0, |95 - 100| - 2) / 10)"

    def test_error_bound(self):
        # slack = 4e-33 / 10 = 4.0e-34; offset |t| + band = 102.
        assert self.rule.slack == D("4e-34")
        assert self.rule.offset == 102
        assert self.rule.error(D("95")) == D("7.88e-32")  # (95 + 102) * 4e-34
        # k1 = tolerance * slack * 2 = 8e-33; k0 = (2 * 102 + 10) * slack * 2 = 1.712e-31
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.712e-31"))


class TestProrated:
    def test_no_share_keeps_the_value(self):
        assert prorated(D("10"), None) == D("10")

    def test_one_division_to_34_digits(self):
        # 10 * 5 / 30 = 1.666..., 34 significant digits, the last rounded half-even (up here).
        assert prorated(D("10"), (5, 30)) == D("1.666666666666666666666666666666667")
        assert prorated(D("10"), (3, 2)) == D("15")

    def test_a_prorated_rule_keeps_the_exact_share(self):
        rule = rule_for(Parameter("deals_won", 10, 100, prorate=True), (5, 30))
        assert rule.target == D("1.666666666666666666666666666666667")
        assert rule.exact_target == Fraction(5, 3)
        assert rule.exact(Fraction(5, 3)) == 1
        assert rule.exact(Fraction(1)) == Fraction(3, 5)


@given(
    target=st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2),
    actual=st.decimals(min_value=-5000, max_value=5000, places=3, allow_nan=False),
    direction=st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER]),
    share=st.none() | st.tuples(st.integers(1, 31), st.integers(1, 31)),
)
def test_the_reported_value_is_within_its_error_bound_of_the_exact_one(target, actual, direction, share):
    rule = rule_for(Parameter("x", target, 100, direction=direction, prorate=share is not None), share)
    value = rule.value(actual)
    exact = rule.exact(Fraction(actual))
    assert abs(Fraction(value) - exact) <= Fraction(rule.error(actual))
    assert abs(Fraction(value) - exact) <= Fraction(rule.k1) * abs(Fraction(value)) + Fraction(rule.k0)


# ------------------------------------------------------------------------------------------------
# parameter: enums, Metric and every problem Parameter names, word for word


def test_enum_values_are_the_documented_strings():
    assert [k.value for k in MetricKind] == ["automatic", "manual"]
    assert [a.value for a in Accumulation] == ["sum", "average", "last"]
    assert [d.value for d in Direction] == ["higher_is_better", "lower_is_better", "near_target"]
    assert [a.is_level for a in Accumulation] == [False, True, True]


class TestMetric:
    def test_defaults(self):
        metric = Metric("deals_won")
        assert (metric.unit, metric.kind, metric.label, metric.accumulation) == (
            "",
            MetricKind.AUTOMATIC,
            "",
            Accumulation.SUM,
        )
        assert not metric.is_manual
        assert not metric.is_level
        assert metric.display_name == "deals_won"

    def test_custom_keeps_every_argument(self):
        metric = Metric.custom("nps", "points", label="Net promoter score", accumulation=Accumulation.LAST)
        assert metric == Metric("nps", "points", MetricKind.MANUAL, "Net promoter score", Accumulation.LAST)
        assert metric.is_manual
        assert metric.is_level
        assert metric.display_name == "Net promoter score"
        assert Metric.custom("demo_days", "days") == Metric("demo_days", "days", MetricKind.MANUAL)

    def test_accumulation_by_name_and_a_bad_one(self):
        assert Metric("rate", accumulation="average").accumulation is Accumulation.AVERAGE
        with pytest.raises(InvalidParameter) as info:
            Metric("rate", accumulation="median")
        assert str(info.value) == "metric accumulation must be one of 'sum', 'average', 'last', got 'median'"

    @pytest.mark.parametrize(("field", "value"), [("key", ""), ("unit", "\n"), ("label", "a\x00b")])
    def test_text_fields_are_checked_and_named(self, field, value):
        kwargs = {"key": "deals_won", field: value}
        with pytest.raises(InvalidParameter, match=f"metric {field}"):
            Metric(**kwargs)

    def test_a_unit_and_label_may_be_empty(self):
        assert Metric("deals_won", unit="", label="").label == ""

    def test_the_text_validators_built_at_import(self):
        # `Metric`'s validators are made by `_text` while its class body runs, at import, before
        # a mutation run switches a mutant on: built here again, inside a test, so mutants of
        # `_text` are seen. A key is an identifier (never empty); a unit or label may be empty.
        key, unit = attrs.fields(Metric).key, attrs.fields(Metric).unit
        identifier, label = _text(empty=False), _text(empty=True)
        identifier(None, key, "deals_won")
        label(None, unit, "")
        label(None, unit, "calls")
        with pytest.raises(InvalidParameter) as info:
            identifier(None, key, "")
        assert str(info.value) == (
            "metric key must be a non-empty string with a visible character (not only whitespace or invisible "
            "characters), got ''"
        )
        with pytest.raises(InvalidParameter) as info:
            label(None, unit, "a\nb")
        assert (
            str(info.value) == "metric unit must not hold control characters other than tab (found '\\n'), got 'a\\nb'"
        )


class TestParameterFields:
    def test_defaults(self):
        p = Parameter("deals_won", 10, 30)
        assert p.metric == Metric("deals_won")
        assert p.key == "deals_won"
        assert (p.counts_from, p.direction, p.cap, p.threshold, p.baseline, p.tolerance) == (
            None,
            Direction.HIGHER_IS_BETTER,
            None,
            None,
            None,
            None,
        )
        assert (p.prorate, p.active, p.band) == (False, True, Decimal(0))
        assert str(p.weight) == "30%"

    def test_converters(self):
        p = Parameter(
            Metric("nps"),
            "50.5",
            Weight.percent(20),
            counts_from="2024-04-10",
            cap="1.5",
            threshold="0.5",
            baseline="30",
        )
        assert p.metric == Metric("nps")
        assert (p.target, p.cap, p.threshold, p.baseline) == (Decimal("50.5"), Decimal("1.5"), Decimal("0.5"), 30)
        assert p.counts_from == Date(2024, 4, 10)
        assert p.weight == Weight.percent(20)
        near = Parameter("discount", 10, 100, direction="near_target", tolerance="2.5", band="0.5")
        assert (near.direction, near.tolerance, near.band) == (Direction.NEAR_TARGET, Decimal("2.5"), Decimal("0.5"))

    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [
            ({"target": "x"}, "target"),
            ({"cap": "x"}, "cap"),
            ({"threshold": "x"}, "threshold"),
            ({"baseline": "x"}, "baseline"),
            ({"tolerance": "x", "direction": "near_target"}, "tolerance"),
            ({"band": "x"}, "band"),
        ],
    )
    def test_a_bad_number_names_its_field(self, kwargs, name):
        arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
        with pytest.raises(InvalidParameter, match=f"^{name} must be"):
            Parameter(**arguments)

    @pytest.mark.parametrize("name", ["target", "cap", "threshold", "baseline", "tolerance", "band"])
    def test_every_number_keeps_at_most_12_digits_after_the_point(self, name):
        # DESIGN "Numbers": targets, caps, thresholds, baselines, tolerances and bands have at most
        # 12 digits after the point (the general bound, for measurements, is far looser).
        near = {"direction": "near_target", "tolerance": 1} if name in ("tolerance", "band") else {}
        arguments = {"metric": "deals_won", "target": 10, "weight": 100} | near
        twelve = {"cap": "1.000000000001"}.get(name, "0.000000000001")
        assert getattr(Parameter(**arguments | {name: twelve}), name) == Decimal(twelve)
        with pytest.raises(InvalidParameter) as info:
            Parameter(**arguments | {name: "0.0000000000001"})
        assert str(info.value) == f"{name} must have at most 12 digits after the decimal point, got '0.0000000000001'"

    def test_a_bad_metric_direction_date_or_flag(self):
        with pytest.raises(InvalidParameter) as info:
            Parameter(3, 10, 100)
        assert str(info.value) == "a parameter's metric must be a Metric or a metric key string, got 3"
        with pytest.raises(InvalidParameter) as info:
            Parameter("deals_won", 10, 100, direction="up")
        assert str(info.value) == (
            "parameter direction must be one of 'higher_is_better', 'lower_is_better', 'near_target', got 'up'"
        )
        with pytest.raises(InvalidPeriod, match=r"^counts_from must be a date"):
            Parameter("deals_won", 10, 100, counts_from="soon")
        for flag in ("prorate", "active"):
            with pytest.raises(InvalidParameter) as info:
                Parameter("deals_won", 10, 100, **{flag: 1})
            assert str(info.value) == f"parameter {flag} must be True or False, got 1"

    def test_evolve_validates_again(self):
        p = Parameter("deals_won", 10, 100)
        assert p.evolve(target=12) == Parameter("deals_won", 12, 100)
        with pytest.raises(InvalidParameter):
            p.evolve(target=0)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"target": 0}, "target must be more than 0 when higher is better, got 0"),
        ({"target": -1, "direction": "lower_is_better"}, "target must be 0 or more when lower is better, got -1"),
        ({"target": 30, "baseline": 30}, "target 30 must be above the baseline 30 when higher is better"),
        (
            {"target": 6, "baseline": 6, "direction": "lower_is_better"},
            "target 6 must be below the baseline 6 when lower is better",
        ),
        (
            {"tolerance": 1},
            "tolerance 1 applies only when nearer the target is better (direction 'near_target')",
        ),
        ({"band": 1}, "band 1 applies only when nearer the target is better (direction 'near_target')"),
        (
            {"direction": "near_target", "tolerance": 1, "baseline": 3},
            "baseline 3 cannot be used when nearer the target is better; use tolerance and band",
        ),
        (
            {"direction": "near_target"},
            "tolerance must be more than 0 when nearer the target is better, got None",
        ),
        (
            {"direction": "near_target", "tolerance": 0},
            "tolerance must be more than 0 when nearer the target is better, got 0",
        ),
        ({"direction": "near_target", "tolerance": 1, "band": -1}, "band must be 0 or more, got -1"),
        ({"cap": 0}, "cap must be more than 0 (an achievement: 1.5 caps at 150%), got 0"),
        ({"threshold": "-0.1"}, "threshold must be 0 or more (an achievement: 0.5 gates at 50%), got -0.1"),
        ({"cap": 1, "threshold": "1.01"}, "threshold 1.01 must not be above cap 1"),
        (
            {"metric": Metric("rate", accumulation="average"), "prorate": True},
            (
                "prorate=True cannot apply to a level (average of records): a rate or balance target is not "
                "scaled; use prorate=False"
            ),
        ),
    ],
)
def test_every_parameter_problem_word_for_word(kwargs, problem):
    arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
    key = arguments["metric"] if isinstance(arguments["metric"], str) else arguments["metric"].key
    with pytest.raises(InvalidParameter) as info:
        Parameter(**arguments)
    assert str(info.value) == f"parameter {key!r}: {problem}"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target": "0.01"},  # just above 0
        {"target": 0, "direction": "lower_is_better"},  # 0 is allowed when lower is better
        {"target": "30.01", "baseline": 30},
        {"target": "5.99", "baseline": 6, "direction": "lower_is_better"},
        {"target": -5, "baseline": -6},  # a baseline lifts the "more than 0" rule
        {"direction": "near_target", "tolerance": "0.01", "band": 0},
        {"cap": "0.01", "threshold": 0},
        {"cap": 1, "threshold": 1},  # threshold may equal the cap
        {"metric": Metric("rate", accumulation="last"), "prorate": False},
        {"prorate": True},
    ],
)
def test_parameters_just_inside_the_rules(kwargs):
    arguments = {"metric": "deals_won", "target": 10, "weight": 100} | kwargs
    assert Parameter(**arguments).target == Decimal(arguments["target"])


# ------------------------------------------------------------------------------------------------
# Scoring: explanations word for word (April 2024: 30 days, from a Monday; 22 weekdays, 21 working
# days without Easter Monday, April 1).

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # the April window is over
EASTER = WorkCalendar(holidays={Date(2024, 4, 1)})


def april(day: int) -> pendulum.DateTime:
    return pendulum.datetime(2024, 4, day, 12, tz="UTC")


def april_card(*parameters: Parameter, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)  # type: ignore[arg-type]


class TestExplainWordForWord:
    def test_mid_period_with_a_policy_threshold_cap_evidence_and_a_level_without_data(self):
        card = april_card(
            Parameter(Metric("deals_won", "deals", label="Deals won"), 30, 40, threshold="0.2", cap="1.5"),
            Parameter("calls", 100, 30, cap="1.2"),
            Parameter("returns", 5, 20, direction="lower_is_better"),
            Parameter(Metric("conversion", "%", accumulation="average"), "0.3", 10),
            name="Q2 push",
            status_policy=StatusPolicy(on_track="0.9", at_risk="0.5"),
        )
        evidence = [Evidence(f"deal-{day}", april(day)) for day in (2, 3)]
        measurements = {
            "deals_won": Measurement(8, evidence=evidence),
            "calls": 150,
            "returns": 2,
            "conversion": Measurement(None),
        }
        result = score(card, measurements, as_of=april(10))
        # Day 10 of 30: expected 10 / 30 = 33.33%.
        # deals_won: 8 / 30 = 26.67% (threshold 20% met, cap 150% not reached); 40% x 26.67% = 10.67%;
        #   pace 8 x 30 / 10 = 24 -> 80%; 22 left over the 21 days Apr 10..30 = 1.0476 a day;
        #   80% is in [50%, 90%): behind.
        # calls: 150% capped at 120%, 30% x 120% = 36%; achieved early (a higher-is-better sum).
        # returns: 2 - 2 / 5 = 160%, capped at 100% (lower is better, no cap given), 20% x 100% = 20%;
        #   pace 2 x 30 / 10 = 6 -> 2 - 6 / 5 = 80%: behind.
        # conversion: no record, no data.  Total 10.67 + 36 + 20 + 0 = 66.67% (exactly 66.666...);
        # projected 40% x 80% + 30% x 120% (450% capped) + 20% x 80% = 32 + 36 + 16 = 84%: behind.
        assert result.explain().splitlines() == [
            "card c1 'Q2 push' of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-10 12:00 UTC (UTC)",
            "status policy: on track at 90% of the target at the current pace or more, at risk below 50%",
            "deals_won (Deals won): weight 40%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 30 deals",
            "  actual: 8 deals (2 records)",
            "  achievement = 8 / 30 = 26.67%",
            "  threshold 20.00%: met",
            "  cap 150.00%: not reached",
            "  contribution = 40% x 26.67% = 10.67%",
            "  pace: expected 33.33% by now; projected 8 x 30 / 10 = 24 -> 80.00%",
            "  remaining: 22 deals, 1.0476 a day over the 21 days left",
            "  status: behind (projected 80.00% < on track 90.00%, >= at risk 50.00%)",
            "calls: weight 30%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 100",
            "  actual: 150",
            "  achievement = 150 / 100 = 150.00%",
            "  cap 120.00%: reached, limits it",
            "  effective: 120.00%",
            "  contribution = 30% x 120.00% = 36.00%",
            "  pace: expected 33.33% by now; projected 150 x 30 / 10 = 450 -> 450.00%",
            "  remaining: 0, 0 a day over the 21 days left",
            "  status: achieved (achievement 150.00% >= 100%: the target is reached as of now)",
            "returns: weight 20%, lower is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 5",
            "  actual: 2",
            "  achievement = max(0, 2 - 2 / 5) = 160.00%",
            "  cap 100.00% (lower is better: at most 100%): reached, limits it",
            "  effective: 100.00%",
            "  contribution = 20% x 100.00% = 20.00%",
            "  pace: expected 33.33% by now; projected 2 x 30 / 10 = 6 -> 80.00%",
            "  status: behind (projected 80.00% < on track 90.00%, >= at risk 50.00%)",
            "conversion: weight 10%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 0.3 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 10% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: no data (no record in the window yet)",
            "total = 10.67% + 36.00% + 20.00% + 0.00% = 66.67%",
            "projected total: 84.00%",
            "status: behind (projected 84.00% < on track 90.00%, >= at risk 50.00%)",
        ]

    def test_over_with_a_calendar_proration_near_target_baseline_and_levels(self):
        card = april_card(
            Parameter("demos", 10, 25, counts_from=Date(2024, 4, 22), prorate=True, threshold="0.5"),
            Parameter("discount", 10, 25, direction="near_target", tolerance=4, band=1),
            Parameter("nps", 50, 25, baseline=30),
            Parameter(Metric("balance", "EUR", accumulation="last"), 1000, 15),
            Parameter(Metric("rate", "%", accumulation="average"), "0.3", 10),
            calendar=EASTER,
        )
        measurements = {"demos": 1, "discount": "12.5", "nps": 45, "balance": 1000, "rate": Measurement(None)}
        result = score(card, measurements, as_of=MAY_1)
        # demos: Apr 22-26, 29, 30 = 7 of 21 working days: target 10 x 7 / 21 = 3.3333; 1 / 3.333.. = 30%,
        #   under its 50% threshold: 0; 3.3333 - 1 = 2.3333 remaining.
        # discount: 1 - (|12.5 - 10| - 1) / 4 = 1 - 1.5 / 4 = 62.5%, x 25% = 15.625% (15.63% shown).
        # nps: (45 - 30) / (50 - 30) = 75%, x 25% = 18.75%.  balance: 100% x 15% = 15%.  rate: no record.
        # Total 0 + 15.625 + 18.75 + 15 + 0 = 49.375%, shown half up as 49.38%: missed.
        expected = [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)",
            "calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "demos: weight 25%, higher is better, sum of records",
            "  window: 2024-04-22 to 2024-04-30, 7 working days, 7 elapsed (the window is over)",
            "  target: 10 prorated to the window: 3.3333",
            "  actual: 1",
            "  achievement = 1 / 3.3333 = 30.00%",
            "  threshold 50.00%: not met, scores 0",
            "  effective: 0.00%",
            "  contribution = 25% x 0.00% = 0.00%",
            "  pace: the whole window has elapsed; projected 30.00%",
            "  remaining: 2.3333",
            "  status: missed (achievement 30.00% < 100% and the window is over)",
            "discount: weight 25%, nearer the target is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 10",
            "  actual: 12.5",
            "  achievement = max(0, 1 - max(0, |12.5 - 10| - 1) / 4) = 62.50%",
            "  contribution = 25% x 62.50% = 15.63%",
            "  pace: the whole window has elapsed; projected 62.50%",
            "  status: missed (achievement 62.50% < 100% and the window is over)",
            "nps: weight 25%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 50",
            "  actual: 45",
            "  achievement = max(0, (45 - 30) / (50 - 30)) = 75.00%",
            "  contribution = 25% x 75.00% = 18.75%",
            "  pace: the whole window has elapsed; projected 75.00%",
            "  remaining: 5",
            "  status: missed (achievement 75.00% < 100% and the window is over)",
            "balance: weight 15%, higher is better, last of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 1000 EUR",
            "  actual: 1000 EUR",
            "  achievement = 1000 / 1000 = 100.00%",
            "  contribution = 15% x 100.00% = 15.00%",
            "  pace: a level is not extrapolated: projected 100.00%",
            "  remaining: 0 EUR",
            "  status: achieved (achievement 100.00% >= 100% and the window is over)",
            "rate: weight 10%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 0.3 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 10% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: missed (no record in the window, which is over)",
            "total = 0.00% + 15.63% + 18.75% + 15.00% + 0.00% = 49.38%",
            "projected total: 49.38%",
            "status: missed (total 49.38% < 100% and the period is over)",
        ]
        assert result.explain().splitlines() == expected
        # On its own, a parameter names the calendar under its window.
        assert result.parameters[0].explain().splitlines() == [
            *expected[3:5],
            "  calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            *expected[5:14],
        ]

    def test_no_working_day_yet_and_a_window_not_started(self):
        card = april_card(
            Parameter("deals_won", 20, 60),
            Parameter("visits", 8, 40, counts_from=Date(2024, 4, 15)),
            calendar=EASTER,
        )
        # Easter Monday is not a working day: none has elapsed.  18 left over 21 working days = 0.857142..
        # With no working day elapsed the projection is the achievement, 10%, judged as any other:
        # behind (0.2 said on track whatever happened).  visits (Apr 15-19, 22-26, 29-30: 12 working
        # days) has not started: on plan in the card's projection, 60% x 10% + 40% x 100% = 46%.
        result = score(card, {"deals_won": 2}, as_of=april(1))
        assert result.explain().splitlines() == [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-01 12:00 UTC (UTC)",
            "calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "deals_won: weight 60%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 0 elapsed",
            "  target: 20",
            "  actual: 2",
            "  achievement = 2 / 20 = 10.00%",
            "  contribution = 60% x 10.00% = 6.00%",
            "  pace: no working day has elapsed yet; projected = achievement",
            "  remaining: 18, 0.8571 a day over the 21 working days left",
            "  status: behind (projected 10.00% < on track 100.00%)",
            "visits: weight 40%, higher is better, sum of records",
            "  window: 2024-04-15 to 2024-04-30, 12 working days, not started",
            "  target: 8",
            "  actual: not counted yet",
            "  achievement = 0.00%",
            "  contribution = 40% x 0.00% = 0.00%",
            "  pace: not started; counts as on plan in the card's projection: projected 100.00%",
            "  remaining: 8",
            "  status: not started (the window has not started)",
            "total = 6.00% + 0.00% = 6.00%",
            "projected total: 46.00% (not started, counted as on plan: visits)",
            "status: behind (projected 46.00% < on track 100.00%)",
        ]

    @pytest.mark.parametrize(
        ("parameters", "measurements", "day", "policy", "last_lines"),
        [
            (
                [Parameter("visits", 8, 100, counts_from=Date(2024, 4, 15))],
                {},
                1,
                StatusPolicy(),
                [
                    "  status: not started (the window has not started)",
                    "total = 0.00% = 0.00%",
                    "projected total: -",
                    "status: not started (no parameter has started)",
                ],
            ),
            (
                [Parameter(Metric("rate", accumulation="average"), 1, 100)],
                {"rate": Measurement(None)},
                5,
                StatusPolicy(),
                [
                    "  status: no data (no record in the window yet)",
                    "total = 0.00% = 0.00%",
                    "projected total: 0.00%",
                    "status: no data (no started parameter has a record yet)",
                ],
            ),
            (
                # a: 12 / 10 = 120% x 90% = 108% already: achieved on day 5 (projected 120% x 30 / 5 = 720%).
                [Parameter("a", 10, 90), Parameter("b", 10, 10)],
                {"a": 12, "b": 0},
                5,
                StatusPolicy(),
                [
                    "  status: behind (projected 0.00% < on track 100.00%)",
                    "total = 108.00% + 0.00% = 108.00%",
                    "projected total: 648.00%",
                    "status: achieved (the higher-is-better sums alone reach 100% as of now)",
                ],
            ),
            (
                # Day 15 of 30, half the target each: projected exactly 100%.
                [Parameter("a", 10, 50), Parameter("b", 10, 50)],
                {"a": 5, "b": 5},
                15,
                StatusPolicy(),
                [
                    "  status: on track (projected 100.00% >= on track 100.00%)",
                    "total = 25.00% + 25.00% = 50.00%",
                    "projected total: 100.00%",
                    "status: on track (projected 100.00% >= on track 100.00%)",
                ],
            ),
            (
                # 1 of 10 by day 15: projected 2 / 10 = 20% < 50%.
                [Parameter("a", 10, 50), Parameter("b", 10, 50)],
                {"a": 1, "b": 1},
                15,
                StatusPolicy(at_risk="0.5"),
                [
                    "  status: at risk (projected 20.00% < at risk 50.00%)",
                    "total = 5.00% + 5.00% = 10.00%",
                    "projected total: 20.00%",
                    "status: at risk (projected 20.00% < at risk 50.00%)",
                ],
            ),
        ],
    )
    def test_each_card_reason(self, parameters, measurements, day, policy, last_lines):
        result = score(april_card(*parameters, status_policy=policy), measurements, as_of=april(day))
        lines = result.explain().splitlines()
        assert lines[-4:] == last_lines


class TestExplainNumbers:
    def test_places_weights_and_the_callers_context(self):
        card = april_card(Parameter("a", "2.5", "33.33"), Parameter("b", 3, "33.33"), Parameter("c", 1000, "33.34"))
        measurements = {"a": "1.2000", "b": "1.23456", "c": "1000.00001"}
        # a: 1.2 / 2.5 = 48%, x 33.33% = 15.9984%; b: 1.23456 / 3 = 41.152%, x 33.33% = 13.7159616%;
        # c: 1000.00001 / 1000 = 100.000001%, x 33.34% = 33.3400003334%.  Total 63.0543...%.
        # An actual keeps up to four decimals as given ("1.2000"); more are rounded half up to four
        # (1.23456 -> 1.2346, 1000.00001 -> 1000).
        expected = [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "a: weight 33.33%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 2.5",
            "  actual: 1.2000",
            "  achievement = 1.2000 / 2.5 = 48.00%",
            "  contribution = 33.33% x 48.00% = 16.00%",
            "  pace: the whole window has elapsed; projected 48.00%",
            "  remaining: 1.3000",
            "  status: missed (achievement 48.00% < 100% and the window is over)",
            "b: weight 33.33%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 3",
            "  actual: 1.2346",
            "  achievement = 1.2346 / 3 = 41.15%",
            "  contribution = 33.33% x 41.15% = 13.72%",
            "  pace: the whole window has elapsed; projected 41.15%",
            "  remaining: 1.7654",
            "  status: missed (achievement 41.15% < 100% and the window is over)",
            "c: weight 33.34%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 1000",
            "  actual: 1000",
            "  achievement = 1000 / 1000 = 100.00%",
            "  contribution = 33.34% x 100.00% = 33.34%",
            "  pace: the whole window has elapsed; projected 100.00%",
            "  remaining: 0",
            "  status: achieved (achievement 100.00% >= 100% and the window is over)",
            "total = 16.00% + 13.72% + 33.34% = 63.05%",
            "projected total: 63.05%",
            "status: missed (total 63.05% < 100% and the period is over)",
        ]
        result = score(card, measurements, as_of=MAY_1)
        assert result.explain().splitlines() == expected
        for context in (decimal.Context(prec=2), decimal.Context(rounding=decimal.ROUND_DOWN)):
            with decimal.localcontext(context):
                assert result.explain().splitlines() == expected


class TestPercent:
    # Two parameters of 50%, targets 3: the exact total is (a + b) / 6.  With a + b = 0.7407 it is
    # 0.12345, half-way between 12.34% and 12.35%; a = 0.2 and b = 0.5407 make the 34-digit
    # total 0.1234499...985, just below: only the exact total rounds half up to 12.35.
    def card(self) -> Scorecard:
        return april_card(Parameter("a", 3, 50), Parameter(Metric("b", accumulation="average"), 3, 50))

    def test_a_total_half_way_rounds_up_on_its_exact_value(self):
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        assert result.total < Decimal("0.12345")
        assert (result.percent(), result.percent(4), result.percent(0)) == (
            Decimal("12.35"),
            Decimal("12.3450"),
            Decimal(12),
        )
        with decimal.localcontext(prec=2, rounding=decimal.ROUND_DOWN):
            assert result.percent() == Decimal("12.35")

    def test_the_error_estimate_is_the_band_around_1_whatever_the_policy(self):
        # The margin m of the card's band around 1 bounds any total's error.  An on-track bound of
        # exactly 1 - m makes the on-track band's high end 1 - m + m' with m' = m - 2 k1 m, i.e.
        # within ~1e-64 of 1: an estimate taken from that band (not the band around 1) would be
        # ~0, and the 34-digit total 12.34499...% would be shown rounded down to 12.34.
        margin = self.card().decision_bands[0][1] - 1
        assert Decimal("1e-33") < margin < Decimal("1e-28")
        on_track = decimal.Context(prec=100).subtract(Decimal(1), margin)  # exactly 1 - m
        card = self.card().evolve(status_policy=StatusPolicy(on_track=on_track, at_risk=0))
        high = card.decision_bands[1][1]
        assert abs(high - 1) < Decimal("1e-60")  # the on-track band ends at 1, give or take 1e-60
        result = score(card, {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        assert result.total < Decimal("0.12345")
        assert result.percent() == Decimal("12.35")

    def test_mid_period_it_is_the_total_not_the_projection(self):
        # Day 15 of 30: a's pace doubles it (projected total (0.4 + 0.5407) / 6 = 15.68%); the total stays 12.345%.
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=april(15))
        assert (result.percent(), result.projected.quantize(Decimal("0.0001"))) == (Decimal("12.35"), Decimal("0.1568"))

    def test_negative_totals_round_half_away_from_zero(self):
        # Negative achievements void the card's bands: the parameters' own error bounds decide.
        result = score(self.card(), {"a": "-0.2", "b": "-0.5407"}, as_of=MAY_1)
        assert result.total > Decimal("-0.12345")
        assert result.percent() == Decimal("-12.35")

    @pytest.mark.parametrize(
        ("a", "b", "percent", "four"),
        [("0.2", "0.5407", "12.35", "12.3450"), ("-0.2", "-0.5407", "-12.35", "-12.3450")],
    )
    def test_a_score_read_back_from_a_document_shows_the_same_percent(self, a, b, percent, four):
        # A score read back has no scoring context; it showed 0.00 here (its exact total was taken
        # as the sum over no parameters).
        result = score(self.card(), {"a": a, "b": b}, as_of=MAY_1)
        back = codec.loads(codec.dumps(result), CardScore)
        assert back == result
        assert back.percent() == result.percent() == Decimal(percent)
        assert back.percent(4) == Decimal(four)

    def test_a_read_back_parameter_not_on_the_card_counts_its_own_contribution_and_the_rest_still_count(self):
        # A document whose first parameter ("zz") is not its card's: that one counts its own
        # contribution, 0.5 x 0.06666...667 = 0.0333...335 (1/30 + 1.7e-36), and b still counts
        # exactly, 0.5407 / 6: the exact total 0.12345 + 1.7e-36 shows 12.35% (and not 3.33%).
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        back = codec.loads(codec.dumps(result), CardScore)
        first, second = back.parameters
        foreign = attrs.evolve(back, parameters=(attrs.evolve(first, parameter=Parameter("zz", 3, 50)), second))
        assert foreign.parameters[0].contribution == Decimal("0.033333333333333333333333333333333335")
        assert foreign.percent() == Decimal("12.35")

    def test_half_way_at_four_places(self):
        # (0.2 + 0.540997) / 6 = 0.1234995 exactly: 12.34995%, half up 12.3500 at four places; the
        # 34-digit total (0.1234994999...985) would show 12.3499.
        result = score(self.card(), {"a": "0.2", "b": "0.540997"}, as_of=MAY_1)
        assert result.total < Decimal("0.1234995")
        assert (result.percent(4), result.percent()) == (Decimal("12.3500"), Decimal("12.35"))

    def test_half_way_at_four_places_next_to_two_places(self):
        # (0.2 + 0.540403) / 6 = 0.1234005 exactly: 12.34005%, half up 12.3401 at four places; the
        # 34-digit total (0.1234004999...985) would show 12.3400.  Both ends of its error bound
        # round to 12.3400 at four places but to 12.34 at two: the same number, compared at 4 only.
        result = score(self.card(), {"a": "0.2", "b": "0.540403"}, as_of=MAY_1)
        assert result.total < Decimal("0.1234005")
        assert (result.percent(4), result.percent()) == (Decimal("12.3401"), Decimal("12.34"))

    def test_a_careful_card_of_levels_counts_their_errors(self):
        # The careful card (see TestOffTheLine) with both parameters levels, which are never
        # achieved early: its Decimal total is 1 + 1e-30 (100.0000000000000000000000000001%), the
        # exact one 1 - 6.9e-31 (99.99999999999999999999999999993%).  At 28 places the exact one
        # rounds to 99.99...9 (28 nines); only the levels' own error bounds show the Decimal's
        # rounding (100.00...01) is not to be trusted.
        card = april_card(
            Parameter(Metric("a", accumulation="last"), 3, 50),
            Parameter(Metric("b", accumulation="last"), CAREFUL_B_TARGET, 50),
        )
        result = score(card, CAREFUL_ACTUALS, as_of=MAY_1)
        assert result.total == Decimal("1.000000000000000000000000000001")
        assert result.percent(28) == Decimal("99.9999999999999999999999999999")
        assert result.percent(27) == Decimal(100)

    def test_a_careful_total_counts_the_error_of_a_parameter_whose_projection_is_capped(self):
        # a: prorated to Apr 11-30 (20 of 30 days), target (10**14 + 3) * 2 / 3 and baseline
        # 10**14 * 2 / 3, each rounded up at 34 digits by 3.3e-21 (span 2 either way).  Its actual
        # 66666666666667.866666666667 scores (3a - 2 * 10**14) / 6 = 3.600000000001 / 6 =
        # 0.6000000000001666... exactly, 0.600000000000166666665 in Decimals (the rounded baseline is
        # 3.3e-21 too high).  r: -0.1 / 1 = -0.1, so the card is careful.  Total 0.5 * 0.6000000000001666...
        # - 0.05 = 3000000000001 / 12000000000000 = 0.2500000000000833... exactly, 0.2500000000000833333325
        # in Decimals: at 20 places 25.00000000000833333333%, not the Decimal's ...25.  On Apr 15 a's
        # pace (x 4) projects far above its cap of 1 while its achievement is kept: its own error
        # bound, not the projection's, covers the total.
        a = Parameter("a", 10**14 + 3, 50, baseline=10**14, counts_from=Date(2024, 4, 11), prorate=True, cap=1)
        card = april_card(a, Parameter("r", 1, 50))
        result = score(card, {"a": Decimal("66666666666667.866666666667"), "r": Decimal("-0.1")}, as_of=april(15))
        item = result.parameters[0]
        assert (item.achievement, item.effective) == (Decimal("0.600000000000166666665"),) * 2
        assert item.projected > 1
        assert result.total == Decimal("0.2500000000000833333325")
        assert result.percent(20) == Decimal("25.00000000000833333333")

    def test_half_way_with_large_cancelling_achievements(self):
        # 40% x 300000000000009 / 3 + 60% x (-200000000000005.38275 / 3) = 40000000000001.2
        # - 40000000000001.07655 = 0.12345 exactly; the 34-digit b is about 3e-21 off, so the total
        # reads 0.123449999999999999998: the card's band would not see that error, its parameters' do.
        card = april_card(Parameter("a", 3, 40), Parameter("b", 3, 60))
        result = score(card, {"a": 300000000000009, "b": Decimal("-200000000000005.38275")}, as_of=MAY_1)
        assert result.total == Decimal("0.123449999999999999998")
        assert result.percent() == Decimal("12.35")

    def test_a_capped_parameter_counts_its_cap_in_the_exact_total(self):
        # c: 2 / 1 capped at 100%, x 20% = 0.2.  a, b: 40% x (0.2 + 2.225875) / 3 = 0.32345.
        # Exactly 52.345% (the Decimal 0.5234499...988): 52.35, not c's uncapped 72.35.
        card = april_card(
            Parameter("a", 3, 40), Parameter(Metric("b", accumulation="average"), 3, 40), Parameter("c", 1, 20, cap=1)
        )
        result = score(card, {"a": "0.2", "b": "2.225875", "c": 2}, as_of=MAY_1)
        assert result.total < Decimal("0.52345")
        assert result.percent() == Decimal("52.35")

    def test_a_total_under_one_percent(self):
        # (0.0001 + 0.0002) / 6 = 0.00005: 0.005%, half up to 0.01%.
        result = score(self.card(), {"a": "0.0001", "b": "0.0002"}, as_of=MAY_1)
        assert result.percent() == Decimal("0.01")


class TestScoreObjects:
    def test_records_name_every_column(self):
        card = april_card(Parameter(Metric("calls", "calls", label="Calls made"), 10, 100))
        result = score(card, {"calls": Measurement(5, evidence=[Evidence("call-1", april(2))])}, as_of=MAY_1)
        assert result.to_records() == [
            {
                "card": "c1",
                "owner": "ann",
                "period_start": Date(2024, 4, 1),
                "metric": "calls",
                "label": "Calls made",
                "unit": "calls",
                "direction": "higher_is_better",
                "actual": Decimal(5),
                "target": Decimal(10),
                "weight": Decimal(1),
                "achievement": Decimal("0.5"),
                "effective": Decimal("0.5"),
                "contribution": Decimal("0.5"),
                "expected": Decimal(1),
                "projected": Decimal("0.5"),
                "status": "missed",
                "evidence": 1,
                "remaining": Decimal(5),
                "per_day": None,
                "credits": Decimal(0),
                "reliefs": Decimal(0),
                "target_before_relief": Decimal(10),
            }
        ]

    def test_an_unknown_metric_is_a_key_error_naming_what_was_scored(self):
        result = score(april_card(Parameter("a", 10, 60), Parameter("b", 10, 40)), {"a": 1, "b": 2}, as_of=MAY_1)
        with pytest.raises(KeyError) as info:
            result.parameter("c")
        assert info.value.args == ("card 'c1' scored no metric 'c'; it scored 'a', 'b'",)

    def test_a_batch_builds_each_score_once_and_groups_by_any_key(self):
        cards = [
            Scorecard(name, User(owner), APRIL, APRIL.period(0), [Parameter("a", 10, 100)])
            for name, owner in (("c1", "ann"), ("c2", "bob"), ("c3", "ann"))
        ]
        batch = score_many(cards, [{"a": 1}, {"a": 2}, {"a": 3}], as_of=MAY_1)
        assert batch[1] is batch[1]
        assert batch == (batch[0], batch[1], batch[2])
        assert batch != (batch[0], batch[1])
        assert (batch == 3) is False
        assert [len(group.scores) for group in batch.groups()] == [3]  # one period, equal parameters
        by_owner = batch.groups(key=lambda card: card.owner.id)
        assert [[s.card.id for s in group.scores] for group in by_owner] == [["c1", "c3"], ["c2"]]

    def test_rows_of_batches_and_of_scores(self):
        card = april_card(Parameter("a", 10, 100))
        batch = score_many([card, card], [{"a": 1}, {"a": 2}], as_of=MAY_1)
        alone = score(card, {"a": 3}, as_of=MAY_1)
        rows = ScoreRows([(batch, 1), alone, (batch, 0)])
        assert [rows[i].total for i in range(3)] == [Decimal("0.2"), Decimal("0.3"), Decimal("0.1")]
        assert rows[1] is alone
        assert rows == (batch[1], alone, batch[0])
        assert rows != (batch[1], alone)
        assert rows != "abc"
        assert (rows == 3) is False

    def test_a_batch_keeps_the_why_of_a_started_parameter_before_one_not_started(self):
        # score_many stores each parameter as a flat row; a row's context follows its 10 fields.
        card = april_card(Parameter("a", 10, 50), Parameter("b", 10, 50, counts_from=Date(2024, 4, 20)))
        (result,) = score_many([card], [{"a": 4}], as_of=april(10))
        assert result == score(card, {"a": 4}, as_of=april(10))
        assert (
            result.parameters[0].explain().splitlines()[1] == "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed"
        )
        assert result.parameters[0].per_day == Decimal("0.2857142857142857142857142857142857")  # 6 / 21, Apr 10..30


class TestExactShaping:
    def test_a_threshold_met_exactly_by_an_exact_achievement(self):
        # 5 / 10 = 0.5 exactly, the threshold itself: met.
        item = score(april_card(Parameter("a", 10, 100, threshold="0.5")), {"a": 5}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (Decimal("0.5"), Decimal("0.5"))

    def test_a_threshold_missed_by_ten_to_the_minus_38(self):
        # h = 0.500000000001 = H / 10**12.  With T = H**-1 mod 10**12 (+ 10**26), t = T / 10**12 and
        # a = (H * T - 1) / 10**24 have 12 decimals, and a / t = h - 1 / (10**24 * t), about h - 1e-38:
        # the 34-digit quotient rounds to h itself; only the exact value is below the threshold.
        big = 500_000_000_001
        whole = pow(big, -1, 10**12) + 10**26
        target, actual = Decimal(whole).scaleb(-12), Decimal((big * whole - 1) // 10**12).scaleb(-12)
        threshold = Decimal(big).scaleb(-12)
        assert (target, actual) == (Decimal("100000000000000.500000000001"), Decimal("50000000000100.250000000001"))
        assert Fraction(threshold) - Fraction(actual) / Fraction(target) == Fraction(1, whole * 10**12)
        card = april_card(Parameter("a", target, 100, threshold=threshold))
        item = score(card, {"a": actual}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (threshold, 0)
        # One more unit in the last place is above it: met.
        item = score(card, {"a": actual + Decimal("1e-12")}, as_of=MAY_1).parameters[0]
        assert item.effective == item.achievement > threshold

    @pytest.mark.parametrize(("day", "status"), [(10, Status.ON_TRACK), (31, Status.ACHIEVED)])
    def test_nothing_happened_against_a_target_of_zero(self, day, status):
        # Lower is better with target 0 is exact: 0 returns score 1, which meets a threshold of 1,
        # is on track (projected 1 >= 1) and achieves the card once the window is over.
        as_of = MAY_1 if day == 31 else april(day)
        parameter = Parameter("returns", 0, 100, direction="lower_is_better", threshold=1)
        result = score(april_card(parameter), {"returns": 0}, as_of=as_of)
        item = result.parameters[0]
        assert (item.achievement, item.effective, item.projected) == (1, 1, 1)
        assert item.status is status
        assert result.status is status

    def test_a_prorated_lower_is_better_pace_exactly_on_track(self):
        # Apr 26-30: target 10 x 5 / 30 = 5/3.  On Apr 28 (3 of 5 days) 1 return paces to 1 x 5 / 3
        # = 5/3, exactly the target: 2 - (5/3) / (5/3) = 1, on track.
        parameter = Parameter(
            "returns", 10, 100, direction="lower_is_better", counts_from=Date(2024, 4, 26), prorate=True
        )
        result = score(april_card(parameter), {"returns": 1}, as_of=april(28))
        item = result.parameters[0]
        assert (item.projected, item.status, result.projected, result.status) == (
            1,
            Status.ON_TRACK,
            1,
            Status.ON_TRACK,
        )

    def test_a_capped_level_exactly_on_track(self):
        # 12 / 10 = 120%, capped at 100%: the card's projected total is exactly 1, on track.
        parameter = Parameter(Metric("balance", accumulation="last"), 10, 100, cap=1)
        result = score(april_card(parameter), {"balance": 12}, as_of=april(15))
        assert (result.parameters[0].effective, result.projected, result.status) == (1, 1, Status.ON_TRACK)

    def test_a_prorated_cap_reached_exactly_is_not_exceeded(self):
        # Apr 26-30: 5 of 30 days; target 10 * 5 / 30 = 1.666...7 (34 digits); 1 / that = 0.5999...
        # (34 digits), exactly 0.6 = the cap: not above it, so the achievement stands.
        parameter = Parameter("a", 10, 100, counts_from=Date(2024, 4, 26), prorate=True, cap="0.6")
        item = score(april_card(parameter), {"a": 1}, as_of=MAY_1).parameters[0]
        assert item.achievement < Decimal("0.6")
        assert item.effective == item.achievement
        # 1.2 is exactly 0.72, above the cap: capped.
        item = score(april_card(parameter), {"a": "1.2"}, as_of=MAY_1).parameters[0]
        assert item.effective == Decimal("0.6")


# A baseline rule widens its error bound by (|t| + |b|) / |t - b| + 1 (for a prorated target and
# baseline, rounded apart), so a large baseline close to its target has a wide decision band: values
# strictly inside it, off the line, come from plain 12-decimal numbers.  With b = 10**14 and
# t = 10**14 + 1 (span 1): widen = (2 * 10**14 + 1) / 1 + 1 = 200000000000002, slack = 4e-33 * that
# = 8.00000000000008e-19; error(a) = (|a| + |b|) * slack, about 2e14 * 8e-19 = 1.6e-4 for a near b;
# k0 = 2 * 2|b| * slack = 3.2e-4 and k1 = 2 * 1 * slack = 1.6e-18, so the band around a bound x is
# x -+ 2 * (k1 * (|x| + 1) + k0), about x -+ 6.4e-4 (the card's too: its only parameter's k1 and k0).
# An achievement is a - b, exact in 34 digits: below a bound by 3e-4 it is inside the band but more
# than its error (1.6e-4) from the line, so the Decimal gap decides; by 1e-4, within the error,
# so the Fraction does.
WIDE_BASELINE = 10**14


def wide(achievement: str) -> Decimal:
    """The actual that scores `achievement` against the wide baseline's span of 1: b + achievement."""
    return Decimal(WIDE_BASELINE) + Decimal(achievement)


def wide_parameter(key: str = "a", weight: int = 100, **kwargs: object) -> Parameter:
    return Parameter(key, WIDE_BASELINE + 1, weight, baseline=WIDE_BASELINE, **kwargs)  # type: ignore[arg-type]


# A negative achievement voids the card's bands (`careful`): the error of a sum of large
# achievements of both signs is far wider than the band a total near 1 gets.  a: 30000.008594111702
# / 3 = 10000.002864703900666... (5 digits before the point, 29 after), rounded up by a third of
# 1e-29; b: -4797813920.603184797711 / 479877.230035708349 = -9998.0028647039006666... (4 and 30),
# rounded by less.  The actuals solve A * T_b + B * T_a = 2 * T_a * T_b - 2 (each x 10**12 an
# integer, T_a = 3 * 10**12, T_b = 479877230035708349; found by a search over T_b): the exact
# achievements sum to 2 - 2 / (T_a * T_b), the exact total (50/50) is 1 - 1 / (T_a * T_b), about
# 1 - 6.9e-31, while the Decimal total is 1 + 1e-30, beyond the card's band around 1 (1 -+ 6.72e-32).
CAREFUL_B_TARGET = "479877.230035708349"
CAREFUL_PARAMETERS = (Parameter("a", 3, 50), Parameter("b", CAREFUL_B_TARGET, 50))
CAREFUL_ACTUALS = {"a": Decimal("30000.008594111702"), "b": Decimal("-4797813920.603184797711")}


class TestOffTheLine:
    """Decisions on a value inside a band but off its line: the Decimal's gap or the Fraction decides."""

    def test_the_wide_band_by_hand(self):
        window = april_card(wide_parameter()).windows[0]
        assert window.rule.slack == Decimal("8.00000000000008e-19")
        low, high = window.one_band
        assert Decimal("0.99935") < low < Decimal("0.99936")
        assert Decimal("1.00064") < high < Decimal("1.00065")
        assert Decimal("1.6e-4") < window.rule.error(wide("0.9997")) < Decimal("1.61e-4")

    @pytest.mark.parametrize("achievement", ["0.9997", "0.9999"])
    def test_just_below_one_once_over_is_missed(self, achievement):
        # 0.9997 is inside the band (above 0.99936), 3e-4 below 1 (more than the error 1.6e-4):
        # the gap decides, below.  0.9999 is 1e-4 below (within the error): the Fraction decides,
        # 0.9999 < 1.  Either way the parameter and the card (its total 0.9999 or 0.9997) missed.
        result = score(april_card(wide_parameter()), {"a": wide(achievement)}, as_of=MAY_1)
        item = result.parameters[0]
        assert (item.achievement, result.total) == (Decimal(achievement), Decimal(achievement))
        assert (item.status, result.status) == (Status.MISSED, Status.MISSED)

    @pytest.mark.parametrize(
        ("policy", "achievement", "status"),
        [
            # On Apr 30, the window's last day, the whole window has elapsed: the projection is the
            # achievement itself, and the card is not over.  0.9997 and 0.9999 are below 1 (not
            # achieved early, not on track): behind.  1.0001 is above 1 by less than the error.
            (StatusPolicy(), "0.9997", Status.BEHIND),
            (StatusPolicy(), "0.9999", Status.BEHIND),
            (StatusPolicy(), "1.0001", Status.ACHIEVED),
            # on track from 0.95 (band 0.95 -+ 6.4e-4), at risk below 0.5 (band 0.5 -+ 6.4e-4).
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9497", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9499", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9501", Status.ON_TRACK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.4997", Status.AT_RISK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.4999", Status.AT_RISK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.5001", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.5003", Status.BEHIND),
        ],
    )
    def test_policy_bounds_on_the_last_day(self, policy, achievement, status):
        card = april_card(wide_parameter(), status_policy=policy)
        result = score(card, {"a": wide(achievement)}, as_of=april(30))
        item = result.parameters[0]
        assert (item.projected, result.projected) == (Decimal(achievement), Decimal(achievement))
        assert (item.status, result.status) == (status, status)

    @pytest.mark.parametrize("achievement", ["0.5003", "0.5001"])
    def test_a_cap_exceeded_inside_its_band_is_applied(self, achievement):
        # Cap 0.5: 0.5003 is 3e-4 above it (the gap decides), 0.5001 1e-4 (the Fraction): both capped.
        card = april_card(wide_parameter(cap="0.5"))
        result = score(card, {"a": wide(achievement)}, as_of=MAY_1)
        item = result.parameters[0]
        assert (item.achievement, item.effective, result.total) == (
            Decimal(achievement),
            Decimal("0.5"),
            Decimal("0.5"),
        )

    @pytest.mark.parametrize("achievement", ["0.4997", "0.4999"])
    def test_a_threshold_missed_inside_its_band_zeroes(self, achievement):
        card = april_card(wide_parameter(threshold="0.5"))
        item = score(card, {"a": wide(achievement)}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (Decimal(achievement), 0)

    def test_a_cap_exceeded_by_ten_to_the_minus_32(self):
        # The technique of TestExactShaping's threshold, the other side of the line and 10**6 times
        # farther: c = 0.500000000001 = H / 10**12; T = -10**6 * H**-1 mod 10**12 (+ 10**26), so
        # H * T + 10**6 is a multiple of 10**12, and t = T / 10**12, a = (H * T + 10**6) / 10**24 have
        # 12 decimals; a / t = c + 10**6 / (10**12 * T) = c + 1 / (10**6 * T), about c + 1e-32.
        # The ratio's error is about 4e-33 * 0.5 = 2e-33 and its cap band c -+ 5.6e-32
        # (2 * (8e-33 * 1.5 + 1.6e-32)): inside the band, above the cap by more than the error.
        big = 500_000_000_001
        whole = (-(10**6) * pow(big, -1, 10**12)) % 10**12 + 10**26
        target, actual = Decimal(whole).scaleb(-12), Decimal((big * whole + 10**6) // 10**12).scaleb(-12)
        cap = Decimal(big).scaleb(-12)
        assert (target, actual) == (Decimal("100000000000000.999999"), Decimal("50000000000100.499999500001"))
        assert Fraction(actual) / Fraction(target) - Fraction(cap) == Fraction(1, whole * 10**6)
        item = score(april_card(Parameter("a", target, 100, cap=cap)), {"a": actual}, as_of=MAY_1).parameters[0]
        assert item.achievement > cap
        assert item.effective == cap

    def test_early_achievement_is_decided_on_the_actuals_not_the_projection(self):
        # Apr 15 (15 of 30 days): 0.9999 so far, inside the band around 1 and within its error: the
        # Fraction of the actual decides, 0.9999 < 1, not achieved early.  The pace, a * 30 / 15 =
        # 2b + 1.9998, projects (2b + 1.9998 - b) / 1 = 10**14 + 1.9998: on track, not achieved.
        result = score(april_card(wide_parameter()), {"a": wide("0.9999")}, as_of=april(15))
        assert result.projected == Decimal(10**14) + Decimal("1.9998")
        assert (result.parameters[0].status, result.status) == (Status.ON_TRACK, Status.ON_TRACK)

    def test_a_capped_projection_counts_its_cap_in_the_exact_projected_total(self):
        # b: 15 / 10 = 1.5, capped at 1 (achieved early); a: 0.9999.  On Apr 30 the projections are
        # the achievements: 0.5 * 1 + 0.5 * 0.9999 = 0.99995, inside the card's band around 1 and
        # within a's error (1.6e-4; b's capped projection adds none): the Fraction decides, with the
        # cap, not b's uncapped 1.5 (which would make 0.5 * 1.5 + 0.5 * 0.9999 = 1.24995): behind.
        card = april_card(Parameter("b", 10, 50, cap=1), wide_parameter(weight=50))
        result = score(card, {"b": 15, "a": wide("0.9999")}, as_of=april(30))
        assert (result.parameters[0].effective, result.projected) == (1, Decimal("0.99995"))
        assert result.status is Status.BEHIND

    def test_the_careful_card_by_hand(self):
        card = april_card(*CAREFUL_PARAMETERS)
        whole = 3 * 10**12 * 479877230035708349
        a, b = (Fraction(v) for v in CAREFUL_ACTUALS.values())
        assert a / 3 / 2 + b / Fraction(Decimal("479877.230035708349")) / 2 == 1 - Fraction(1, whole)
        result = score(card, CAREFUL_ACTUALS, as_of=MAY_1)
        assert result.total == Decimal("1.000000000000000000000000000001")
        assert result.total > card.decision_bands[0][1]
        assert result.parameters[1].achievement < 0

    @pytest.mark.parametrize(
        ("as_of", "policy", "status"),
        [
            # Over: the exact total is below 1, missed (its Decimal is above the band).
            (MAY_1, StatusPolicy(), Status.MISSED),
            # Apr 30: the projection is the total; the started SUMs (a and b) sum to it too: not
            # achieved early, not on track (below 1): behind, or at risk when that starts at 1.
            (april(30), StatusPolicy(), Status.BEHIND),
            (april(30), StatusPolicy(on_track=1, at_risk=1), Status.AT_RISK),
        ],
    )
    def test_a_careful_card_above_its_band_is_decided_exactly(self, as_of, policy, status):
        result = score(april_card(*CAREFUL_PARAMETERS, status_policy=policy), CAREFUL_ACTUALS, as_of=as_of)
        assert result.projected == Decimal("1.000000000000000000000000000001")
        assert result.status is status

    @pytest.mark.parametrize(("as_of", "status"), [(MAY_1, Status.MISSED), (april(30), Status.BEHIND)])
    def test_a_careful_card_sums_the_errors_past_a_capped_parameter(self, as_of, status):
        # c (first): 2 / 1 capped at 1, so neither its achievement nor its projection is the rule's
        # and it adds no error; a and b as above at 25% each.  Exact total 0.5 * 1 + 0.25 * (2 - 2 /
        # (T_a * T_b)) = 1 - 0.5 / (T_a * T_b); its Decimal 0.5 + 0.25 * (2 + 2e-30) = 1 + 5e-31, above
        # the band.  The error of a and b (about 4e-33 * 10**4 each) is far above that gap: the
        # Fraction decides, missed (over) or, on Apr 30, not achieved early nor on track: behind.
        card = april_card(Parameter("c", 1, 50, cap=1), Parameter("a", 3, 25), Parameter("b", CAREFUL_B_TARGET, 25))
        result = score(card, {"c": 2, **CAREFUL_ACTUALS}, as_of=as_of)
        assert (result.total, result.projected) == (Decimal("1.0000000000000000000000000000005"),) * 2
        assert result.status is status

    @pytest.mark.parametrize(
        ("balance", "as_of", "status"),
        [
            # No balance yet: the level scores nothing (missed once over) and adds no error.
            (Measurement(None), MAY_1, Status.MISSED),
            # A balance of 0 scores 0; a level is never achieved early, so the early sum (a and b
            # only) is the total: not achieved early, not on track, behind.
            (0, april(30), Status.BEHIND),
        ],
    )
    def test_a_careful_card_sums_the_errors_past_a_level(self, balance, as_of, status):
        # The level (first, 50%) contributes 0; a and b at 25% each, b's actual moved up by 2 * t_b so
        # its achievement is 2 more: a + b = 4 - 2 / (T_a * T_b) exactly, 4 + 2e-30 in Decimals (b's
        # tail is the same).  Total 1 - 0.5 / (T_a * T_b) exactly, 1 + 5e-31 in Decimal: as above.
        b = CAREFUL_ACTUALS["b"] + 2 * Decimal(CAREFUL_B_TARGET)
        assert b == Decimal("-4796854166.143113381013")
        level = Parameter(Metric("balance", accumulation="last"), 1, 50)
        card = april_card(level, Parameter("a", 3, 25), Parameter("b", CAREFUL_B_TARGET, 25))
        result = score(card, {"balance": balance, "a": CAREFUL_ACTUALS["a"], "b": b}, as_of=as_of)
        assert result.total == Decimal("1.0000000000000000000000000000005")
        assert result.status is status

    def test_a_careful_projection_counts_the_error_of_the_paced_actuals(self):
        # Apr 1, one day of 30: each actual paces to 30 times itself.  a (60%): 30 * 3217.864627862860
        # / 9.653299899586 = 10000.3045424939016015230683201949 (34 digits, 5 before the point);
        # b (40%): 30 * -479209125.756776466718 / 958548.817765098255 = -14997.9568137408524022846...
        # The actuals solve 18 * A * T_b + 12 * B * T_a = T_a * T_b - 6 (each x 10**12 an integer;
        # found by a search): the exact projected total is 1 - 6 / (T_a * T_b), about 1 - 6.5e-31, its
        # Decimal 1 + 4e-30.  The error of the paced actuals, 4.1e-29 + 6.0e-29, covers that gap: the
        # Fraction decides, not on track (behind).  The error of the actuals themselves (1.35e-30 +
        # 2.01e-30 = 3.36e-30) would not: the Decimal would say on track.
        card = april_card(Parameter("a", "9.653299899586", 60), Parameter("b", "958548.817765098255", 40))
        actuals = {"a": Decimal("3217.864627862860"), "b": Decimal("-479209125.756776466718")}
        a, b = (Fraction(v) for v in actuals.values())
        whole = 9653299899586 * 958548817765098255
        assert 18 * a / Fraction(Decimal("9.653299899586")) + 12 * b / Fraction(Decimal("958548.817765098255")) == (
            1 - Fraction(6, whole)
        )
        result = score(card, actuals, as_of=april(1))
        assert result.projected == Decimal("1.000000000000000000000000000004")
        assert result.status is Status.BEHIND


class TestScoringInputs:
    CARD = april_card(Parameter("a", 10, 50), Parameter(Metric.custom("nps", "points"), 10, 50))

    @pytest.mark.parametrize(
        ("given", "error", "message"),
        [
            # 10**15 itself is out of bounds, either sign (the loop's inline check must agree with to_decimal).
            (
                Decimal(10**15),
                InvalidNumber,
                (
                    "measurement of 'a' must be less than 10**15 in size (|measurement of 'a'| < 1000000000000000), "
                    "got Decimal('1000000000000000')"
                ),
            ),
            (
                Decimal(-(10**15)),
                InvalidNumber,
                (
                    "measurement of 'a' must be less than 10**15 in size (|measurement of 'a'| < 1000000000000000), "
                    "got Decimal('-1000000000000000')"
                ),
            ),
            (
                Decimal("NaN"),
                InvalidNumber,
                "measurement of 'a' must be a finite number (int, str, Decimal or float), got Decimal('NaN')",
            ),
            (
                "abc",
                InvalidNumber,
                "measurement of 'a' must be a finite number (int, str, Decimal or float), got 'abc'",
            ),
            (
                None,
                MissingMeasurement,
                (
                    "card 'c1': no measurement for active metric 'a' as of 2024-05-01T00:00:00+00:00; give a Measurement "
                    "or a number for it"
                ),
            ),
        ],
    )
    def test_a_bad_or_missing_measurement_names_the_metric(self, given, error, message):
        measurements = {"nps": 1} if given is None else {"a": given, "nps": 1}
        with pytest.raises(error) as info:
            score(self.CARD, measurements, as_of=MAY_1)
        assert str(info.value) == message
        assert score(self.CARD, {"a": Decimal(10**15 - 1), "nps": 1}, as_of=MAY_1).parameters[0].actual == 10**15 - 1

    def test_a_missing_manual_metric_asks_for_a_manual_entry(self):
        with pytest.raises(MissingMeasurement) as info:
            score(self.CARD, {"a": 1}, as_of=MAY_1)
        assert str(info.value) == (
            "card 'c1': no measurement for active metric 'nps' as of 2024-05-01T00:00:00+00:00; give a ManualEntry "
            "or a value for it"
        )

    def test_a_manual_entry_for_a_card_not_scored(self):
        entry = ManualEntry("c9", "nps", 3, april(2), "boss")
        other = Scorecard("c0", User("bob"), APRIL, APRIL.period(0), [Parameter("a", 10, 100)])
        for cards, scored in (([self.CARD, other], "'c0', 'c1'"), ([], "none")):
            with pytest.raises(InvalidScorecard) as info:
                score_many(cards, [{"a": 1, "nps": 1}] * len(cards), as_of=MAY_1, manual=[entry])
            assert str(info.value) == f"a manual entry for card 'c9' was given to score card {scored}"


class TestScoringCaches:
    def test_working_days_are_counted_per_window(self):
        # As of Apr 17: a counts Apr 2-5, 8-12, 15-17 = 12 of 21 working days; b (from Apr 15) counts
        # Apr 15-17 = 3 of its 12 (Apr 15-19, 22-26, 29, 30).
        card = april_card(
            Parameter("a", 10, 50), Parameter("b", 10, 50, counts_from=Date(2024, 4, 15)), calendar=EASTER
        )
        result = score(card, {"a": 1, "b": 1}, as_of=april(17))
        shares = [Fraction(item.expected) for item in result.parameters]
        assert abs(shares[0] - Fraction(12, 21)) < Fraction(1, 10**32)
        assert shares[1] == Fraction(1, 4)

    def test_working_days_are_counted_per_calendar(self):
        # Apr 1-10: 7 working days of 21 with Easter; Monday to Saturday: 9 (not Sunday 7) of 26.
        six_days = WorkCalendar(weekdays={0, 1, 2, 3, 4, 5})
        cards = [april_card(Parameter("a", 10, 100), calendar=calendar) for calendar in (EASTER, six_days)]
        batch = score_many(cards, [{"a": 1}, {"a": 1}], as_of=april(10))
        shares = [Fraction(s.parameters[0].expected) for s in batch]
        assert abs(shares[0] - Fraction(7, 21)) < Fraction(1, 10**32)
        assert abs(shares[1] - Fraction(9, 26)) < Fraction(1, 10**32)


def test_only_the_higher_is_better_sums_decide_an_early_achievement():
    # Day 10.  a and b (40% each, targets 3): 0.4 x (2.5 + 5) / 3 = 1 exactly (each third inexact):
    # achieved, though the level at -1 (20%) brings the total to 0.8.
    card = april_card(
        Parameter(Metric("lvl", accumulation="last"), 1, 20), Parameter("a", 3, 40), Parameter("b", 3, 40)
    )
    result = score(card, {"a": "2.5", "b": 5, "lvl": -1}, as_of=april(10))
    assert result.status is Status.ACHIEVED
    assert abs(result.total - Decimal("0.8")) < Decimal("1e-30")


class TestLocalAndReadBack:
    CARD = Scorecard(
        "c1",
        User("ann"),
        APRIL,
        APRIL.period(0),
        [
            Parameter(Metric("lvl", "%", accumulation="average"), 1, 20),
            Parameter("a", 3, 40, cap="1.2"),
            Parameter(Metric("b", "deals"), 3, 40, counts_from=Date(2024, 4, 11), prorate=True, threshold=0),
        ],
        timezone="Europe/Warsaw",
    )
    MEASUREMENTS = {"lvl": Measurement(None), "a": 4, "b": 0}  # noqa: RUF012 - read only

    def test_explain_in_the_cards_zone(self):
        # 12:00 UTC is 14:00 in Warsaw (CEST).  a: 4 / 3 = 133.33%, capped at 120%, x 40% = 48%;
        # b: Apr 11-30 = 20 of 30 days, target 3 x 20 / 30 = 2; 0 meets a threshold of 0; 2 left
        # over the 11 days left (Apr 20..30) = 0.1818 a day.  Projected 40% x 120% (200% capped) = 48%: behind.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        assert result.explain().splitlines() == [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-20 14:00 CEST (Europe/Warsaw)",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "lvl: weight 20%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 20 elapsed",
            "  target: 1 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 20% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: no data (no record in the window yet)",
            "a: weight 40%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 20 elapsed",
            "  target: 3",
            "  actual: 4",
            "  achievement = 4 / 3 = 133.33%",
            "  cap 120.00%: reached, limits it",
            "  effective: 120.00%",
            "  contribution = 40% x 120.00% = 48.00%",
            "  pace: expected 66.67% by now; projected 4 x 30 / 20 = 6 -> 200.00%",
            "  remaining: 0, 0 a day over the 11 days left",
            "  status: achieved (achievement 133.33% >= 100%: the target is reached as of now)",
            "b: weight 40%, higher is better, sum of records",
            "  window: 2024-04-11 to 2024-04-30, 20 days, 10 elapsed",
            "  target: 3 deals prorated to the window: 2 deals",
            "  actual: 0 deals",
            "  achievement = 0 / 2 = 0.00%",
            "  threshold 0.00%: met",
            "  contribution = 40% x 0.00% = 0.00%",
            "  pace: expected 50.00% by now; projected 0 x 20 / 10 = 0 -> 0.00%",
            "  remaining: 2 deals, 0.1818 a day over the 11 days left",
            "  status: behind (projected 0.00% < on track 100.00%)",
            "total = 0.00% + 48.00% + 0.00% = 48.00%",
            "projected total: 48.00%",
            "status: behind (projected 48.00% < on track 100.00%)",
        ]

    def test_a_score_read_back_explains_itself_word_for_word(self):
        # Read back, a score rebuilds its window, pace and rule from its card and as_of (issue 21);
        # it printed "achievement = achievement = 133.33%" and no window or pace line.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        back = codec.loads(codec.dumps(result), CardScore)
        assert back.explain() == result.explain()
        assert back.percent() == result.percent() == Decimal("48.00")

    def test_a_parameter_without_context_shows_its_achievement_once(self):
        # A parameter that is not its card's has no rule to show: the line names the number once.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        stranger = attrs.evolve(result.parameters[1], parameter=Parameter("x", 3, 40))
        assert "  achievement = 133.33%" in stranger.explain().splitlines()

    def test_a_score_made_by_hand_counts_a_parameter_its_card_lacks_as_given(self):
        result = score(april_card(Parameter("a", 10, 100)), {"a": 5}, as_of=MAY_1)
        stranger = attrs.evolve(result.parameters[0], parameter=Parameter("x", 10, 100), contribution=Decimal("0.25"))
        mine = attrs.evolve(result.parameters[0])  # the same numbers without the scoring context
        made = attrs.evolve(result, parameters=(mine, stranger), total=Decimal("0.75"))
        # a's 5 / 10 = 0.5 from the card's rule, then 0.25 as given: 75%.
        assert made.percent() == Decimal("75.00")


@pytest.mark.parametrize(
    ("accumulation", "day", "status"),
    [
        ("sum", 15, Status.ACHIEVED),
        ("sum", 31, Status.ACHIEVED),
        ("last", 15, Status.ON_TRACK),
        ("last", 31, Status.ACHIEVED),
    ],
)
def test_a_card_with_a_negative_achievement_decides_on_its_exact_total(accumulation, day, status):
    # a = 300000000000003 / 3 = 100000000000001 exactly; b = -199999999999997 / 3 = -66666666666665.666...
    # Exactly: 40% x 100000000000001 + 60% x b = 40000000000000.4 - 39999999999999.4 = 1.  The 34-digit
    # b is off by about 3e-21, so the Decimal total is 0.999999999999999999998: below the card's band
    # around 1, where a card without negative achievements would be decided on the Decimal alone.
    # Mid-period the sums alone reach 1 (achieved early); levels project as they are: on track.
    card = april_card(
        Parameter(Metric("a", accumulation=accumulation), 3, 40),
        Parameter(Metric("b", accumulation=accumulation), 3, 60),
    )
    result = score(card, {"a": 300000000000003, "b": -199999999999997}, as_of=MAY_1 if day == 31 else april(day))
    assert result.total == Decimal("0.999999999999999999998")  # 1 - 2e-21
    assert result.status is status
    assert result.percent() == Decimal("100.00")


@pytest.mark.parametrize("day", [15, 31])
def test_a_level_without_a_record_first_on_a_card_decided_exactly(day):
    # z (30%) has no record: it counts 0.  a = 300000000000003 / 3 = 100000000000001 exactly;
    # b = -399999999999994 / 3 = -133333333333331.333...: 40% x a + 30% x b = 40000000000000.4
    # - 39999999999999.4 = 1 exactly, the 34-digit b about 1e-20 off.  Achieved (early on day 15).
    card = april_card(
        Parameter(Metric("z", accumulation="average"), 1, 30), Parameter("a", 3, 40), Parameter("b", 3, 30)
    )
    measurements = {"z": Measurement(None), "a": 300000000000003, "b": -399999999999994}
    result = score(card, measurements, as_of=MAY_1 if day == 31 else april(day))
    assert result.total == Decimal("1.00000000000000000001")
    assert result.status is Status.ACHIEVED
    assert result.percent() == Decimal("100.00")


def test_a_parameter_not_started_yet_does_not_stop_the_exact_total():
    # On Apr 10, c (from Apr 20) has not started.  40% x (0.2 + 0.725875) / 3 = 0.12345 exactly:
    # the total is half-way, 12.35% only from the exact sum over a and b.
    card = april_card(
        Parameter("c", 1, 20, counts_from=Date(2024, 4, 20)),
        Parameter("a", 3, 40),
        Parameter(Metric("b", accumulation="average"), 3, 40),
    )
    result = score(card, {"c": 0, "a": "0.2", "b": "0.725875"}, as_of=april(10))
    assert result.percent() == Decimal("12.35")


def test_at_risk_is_decided_on_every_parameters_projection():
    # Day 15 of 30: a (a sum) paces to 0.4, b (a level) stays 2.6: 50% x 0.4 / 3 + 50% x 2.6 / 3
    # = 0.5 exactly, the at-risk bound: behind, not at risk (the sums alone would project 6.67%).
    policy = StatusPolicy(at_risk="0.5")
    card = april_card(
        Parameter("a", 3, 50), Parameter(Metric("b", accumulation="average"), 3, 50), status_policy=policy
    )
    result = score(card, {"a": "0.2", "b": "2.6"}, as_of=april(15))
    assert abs(result.projected - Decimal("0.5")) < Decimal("1e-32")
    assert result.status is Status.BEHIND
