"""`scorekit.calendar`: which days count, worked by hand and against a day-by-day walk."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Date,
    InvalidPeriod,
    WorkCalendar,
)

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
