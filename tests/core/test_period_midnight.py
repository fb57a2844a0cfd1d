"""Midnight is the first instant of the local date (DESIGN "Exactly right at the boundary"; issue 15).

The sweep derives every UTC offset change of every tz database zone from 1900 to 2037
(the zone files' own transitions, and for the years a zone's rule string covers, the
two changes it gives each year), and checks each date next to a change against a
definition that uses no fold logic: the first instant of a local date D is the
instant r with ``local_date(r) >= D`` such that no earlier instant near it (just
before r, at or just before any offset change in the 48 hours before r) has a local
date of D or later.
"""

import bisect
import datetime as dt
import os
import zoneinfo
from zoneinfo import _zoneinfo as pure_zoneinfo  # the pure-Python reader exposes the transitions

import pendulum
import pytest

from scorekit import Cadence, Date, Metric, Parameter, Period, Scorecard, User, requests_for, score
from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.period import as_utc, first_instant, midnight, zone

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
FIRST, LAST = dt.datetime(1900, 1, 1, tzinfo=UTC), dt.datetime(2038, 1, 1, tzinfo=UTC)
MICROSECOND = dt.timedelta(microseconds=1)
# Mutation runs (docs/contributing.md) repeat this test for every mutant of period.py: they sweep one
# zone in 20, and the zones of the targeted tests below; every other run sweeps them all.
THIN = os.environ.get("HYPOTHESIS_PROFILE") == "mutmut"


def offset_changes(key):
    """Every UTC instant in [1900, 2038) at which `key`'s offset may change, sorted."""
    reader = pure_zoneinfo.ZoneInfo.no_cache(key)
    seconds = list(reader._trans_utc)
    rule = reader._tz_after
    if hasattr(rule, "transitions"):  # a DST rule string covers the years after the last listed change
        last = EPOCH + dt.timedelta(seconds=seconds[-1]) if seconds else FIRST
        std, dst = rule.std.utcoff.total_seconds(), rule.dst.utcoff.total_seconds()
        for year in range(max(last.year, 1900), 2038):
            start, end = rule.transitions(year)
            seconds += [start - std, end - dst]
    instants = {EPOCH + dt.timedelta(seconds=s) for s in seconds}
    return sorted(t for t in instants if FIRST <= t < LAST)


def local_date(instant, tz):
    return instant.astimezone(tz).date()


def dates_next_to(change, tz):
    before, after = local_date(change - MICROSECOND, tz), local_date(change, tz)
    return {before, before + dt.timedelta(days=1), after, after + dt.timedelta(days=1)}


def is_first_instant(r, day, tz, changes):
    if local_date(r, tz) < day or local_date(r - MICROSECOND, tz) >= day:
        return False
    low = bisect.bisect_right(changes, r - dt.timedelta(hours=48))
    high = bisect.bisect_left(changes, r)
    return all(local_date(t, tz) < day and local_date(t - MICROSECOND, tz) < day for t in changes[low:high])


def test_every_period_starts_at_the_first_instant_of_its_local_date():
    checked = repeated = 0
    wrong = []
    keys = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    if THIN:
        keys = sorted({*keys[::20], "Atlantic/Azores", "America/Havana", "Pacific/Apia", "America/Toronto"})
    for key in keys:
        tz, pendulum_zone = zoneinfo.ZoneInfo(key), zone(key)
        changes = offset_changes(key)
        days = {d for change in changes for d in dates_next_to(change, tz) if 1900 <= d.year <= 2037}
        for day in sorted(days):
            start = Date(day.year, day.month, day.day)
            first = as_utc(midnight(start, pendulum_zone))
            checked += 1
            wall = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
            repeated += wall.utcoffset() != wall.replace(fold=1).utcoffset() and (
                local_date(wall.astimezone(UTC), tz) == day
            )
            if not is_first_instant(first, day, tz, changes):
                wrong.append((key, str(day), first.isoformat()))
    assert wrong == []
    if THIN:
        return
    # The sweep is not vacuous: tens of thousands of dates, and the repeated midnights of issue 15
    # (212 (zone, date) pairs since 1900) among them.
    assert checked > 50_000
    assert repeated >= 200


@pytest.mark.parametrize(
    ("key", "day", "expected"),
    [
        ("Atlantic/Azores", Date(2024, 10, 27), "2024-10-27T00:00:00+00:00"),  # 01:00 -> 00:00: the first 00:00
        ("America/Havana", Date(2023, 11, 5), "2023-11-05T04:00:00+00:00"),  # 01:00 CDT -> 00:00 CST
        ("America/Havana", Date(2024, 3, 10), "2024-03-10T05:00:00+00:00"),  # 00:00 -> 01:00: the jump
        ("Pacific/Apia", Date(2011, 12, 30), "2011-12-30T10:00:00+00:00"),  # a date that never happened
        ("America/Toronto", Date(1919, 3, 31), "1919-03-31T04:30:00+00:00"),  # 23:30 -> 00:30: inside the jump
        ("Europe/Warsaw", Date(2024, 3, 31), "2024-03-30T23:00:00+00:00"),  # an ordinary DST day
    ],
)
def test_period_instants_on_repeated_and_skipped_midnights(key, day, expected):
    start, _end = Period(day, day.add(days=1)).instants(key)
    assert as_utc(start).isoformat() == expected
    _start, end = Period(day.subtract(days=1), day).instants(key)
    assert end == start


def test_a_deal_at_0030_on_an_azores_october_day_counts_in_that_days_period():
    # 2024-10-27 in the Azores: 00:00 (UTC+0) ... 01:00 -> 00:00 (UTC-1). A deal at the first 00:30
    # (00:30 UTC) is on the 27th, so it belongs to the daily period of the 27th, not the 26th.
    cadence = Cadence.every(Date(2024, 10, 1), days=1)
    day = cadence.period_containing(Date(2024, 10, 27))
    card = Scorecard("az", User("ann"), cadence, day, [Parameter(Metric("deals"), 1, 100)], timezone="Atlantic/Azores")
    previous = card.evolve(id="az-26", period=cadence.period_containing(Date(2024, 10, 26)))
    deal = dt.datetime(2024, 10, 27, 0, 30, tzinfo=zoneinfo.ZoneInfo("Atlantic/Azores"), fold=0)
    source = RecordsMetricSource([Record("d1", "deals", "ann", deal)])
    as_of = pendulum.datetime(2024, 10, 28, 12, tz="UTC")
    for scored, expected in ((card, 1), (previous, 0)):
        (request,) = requests_for(scored, as_of)
        answers = source.measure([request])
        result = score(scored, {"deals": answers[request]}, as_of=as_of)
        assert result.parameters[0].actual == expected


class _JumpEastAcrossMidnight(dt.tzinfo):
    """+05:00 until `jump` (UTC), then +06:00: local time skips an hour across midnight (PEP 495 folds)."""

    def __init__(self, jump):
        self.jump = jump  # a naive UTC wall time
        self.gap = (jump + dt.timedelta(hours=5), jump + dt.timedelta(hours=6))  # local walls skipped

    def utcoffset(self, when):
        wall = when.replace(tzinfo=None, fold=0)
        later = wall >= self.gap[1] or (wall >= self.gap[0] and when.fold == 1)
        return dt.timedelta(hours=6 if later else 5)

    def dst(self, when):
        return self.utcoffset(when) - dt.timedelta(hours=5)

    def tzname(self, when):
        return "JUMP"

    def fromutc(self, when):
        hours = 6 if when.replace(tzinfo=None) >= self.jump else 5
        return when + dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    "jump",
    [
        dt.datetime(2024, 3, 30, 18, 31, 7),  # noqa: DTZ001 - naive UTC. 23:31:07 -> 00:31:07: an odd second, searched down to one second
        dt.datetime(2024, 3, 30, 18, 0, 1),  # noqa: DTZ001 - naive UTC. 23:00:01 -> 00:00:01: the day starts one second after midnight
        dt.datetime(2024, 3, 30, 18, 59, 59),  # noqa: DTZ001 - naive UTC. 23:59:59 -> 00:59:59
    ],
)
def test_a_jump_east_of_utc_that_swallows_midnight_starts_the_day_at_the_jump(jump):
    # No zone in the tz database has one between 1900 and 2037 (Toronto's 1919 jump is west of UTC).
    zone_ = _JumpEastAcrossMidnight(jump)
    assert first_instant(Date(2024, 3, 31), zone_) == jump.replace(tzinfo=UTC)
    assert first_instant(Date(2024, 3, 30), zone_).isoformat() == "2024-03-29T19:00:00+00:00"
