"""`period.as_instant` and `as_utc_instant`: what they refuse and how they name it (found by the 0.3 core's mutation audit)."""

import datetime as _dt

import pendulum
import pytest

from scorekit import InvalidPeriod
from scorekit.period import Cadence, as_instant, as_utc_instant


class _NoOffset(_dt.tzinfo):
    """A time zone that knows no offset: a datetime in it is naive (Python's own rule)."""

    def utcoffset(self, dt: _dt.datetime | None) -> None:
        return None


LATE = _dt.datetime(9999, 12, 31, 23, tzinfo=_dt.timezone(_dt.timedelta(hours=-5)))  # 10000-01-01 04:00 UTC


class TestAsUtcInstant:
    def test_a_naive_datetime_is_refused_as_an_instant(self):
        with pytest.raises(
            InvalidPeriod,
            match=r"^instant must be an aware datetime \(with a time zone\), got the naive 2024-01-01T00:00:00$",
        ):
            as_utc_instant(_dt.datetime(2024, 1, 1))  # noqa: DTZ001 - naive on purpose

    def test_beyond_year_9999_in_utc_is_refused_by_name(self):
        with pytest.raises(
            InvalidPeriod,
            match=r"^recorded_at 9999-12-31T23:00:00-05:00 falls outside the supported instants \(years 1 to 9999 in UTC\)$",
        ):
            as_utc_instant(LATE, name="recorded_at")


class TestAsInstant:
    def test_a_naive_pendulum_datetime_is_refused(self):
        with pytest.raises(InvalidPeriod, match=r"^as_of must be an aware datetime"):
            as_instant(pendulum.naive(2024, 1, 1))

    def test_a_zone_without_an_offset_is_naive(self):
        with pytest.raises(InvalidPeriod, match=r"^as_of must be an aware datetime"):
            as_instant(_dt.datetime(2024, 1, 1, tzinfo=_NoOffset()))


def test_a_week_pattern_needs_an_entry():
    with pytest.raises(
        InvalidPeriod, match=r"^a week pattern needs at least one entry, such as \(4, 4, 5\), got \(\)$"
    ):
        Cadence.weeks(_dt.date(2024, 1, 1), ())
