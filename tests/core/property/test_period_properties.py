"""Rules of the period calculator, for any cadence and any date."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Cadence, Date

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2300, 12, 31)).map(
    lambda d: Date(d.year, d.month, d.day)
)
cadences = st.one_of(
    st.builds(Cadence.monthly, dates),
    st.builds(Cadence.quarterly, dates),
    st.builds(lambda d, n: Cadence.every(d, months=n), dates, st.integers(1, 24)),
    st.builds(lambda d, n: Cadence.every(d, weeks=n), dates, st.integers(1, 10)),
    st.builds(lambda d, n: Cadence.every(d, days=n), dates, st.integers(1, 400)),
)
indexes = st.integers(-600, 600)


@given(cadences, indexes)
def test_periods_are_contiguous_and_never_empty(cadence, k):
    this, following = cadence.period(k), cadence.period(k + 1)
    assert this.end == following.start
    assert this.days >= 1
    assert cadence.following(this) == following


@given(cadences, dates)
def test_every_date_is_in_exactly_one_period(cadence, day):
    k = cadence.index_of(day)
    assert day in cadence.period(k)
    assert day not in cadence.period(k - 1)
    assert day not in cadence.period(k + 1)
    assert cadence.period_containing(day) == cadence.period(k)
    assert day in cadence.period_containing(day)


@given(cadences, indexes)
def test_index_of_a_period_start_is_its_index(cadence, k):
    period = cadence.period(k)
    assert cadence.index_of(period.start) == k
    assert cadence.index_of(period.last_day) == k
    assert cadence.has_period(period)


@given(st.builds(Cadence.every, dates, months=st.integers(1, 12)), indexes)
def test_month_periods_are_28_to_31_days_times_n(cadence, k):
    assert 28 * cadence.count <= cadence.period(k).days <= 31 * cadence.count


@given(st.integers(1, 31), st.integers(1900, 2100), st.integers(1, 12))
def test_start_day_never_drifts_over_1200_months(day, year, month):
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    start = Date(year, month, min(day, last[month - 1]))
    cadence = Cadence.monthly(start)
    for k in range(1200):
        begin = cadence.period(k).start
        # the original day comes back whenever the month is long enough
        assert begin.day == min(start.day, _month_length(begin.year, begin.month))


def _month_length(year, month):
    nxt = Date(year + month // 12, month % 12 + 1, 1)
    return (nxt - Date(year, month, 1)).days


@given(dates, st.integers(-400, 400), st.sampled_from([1, 3]))
def test_oracle_month_starts_equal_relativedelta(start, k, months):
    cadence = Cadence.every(start, months=months)
    expected = start + relativedelta(months=k * months)
    assert cadence.period(k).start == expected


patterns = st.lists(st.integers(1, 9), min_size=1, max_size=53)


@given(dates, patterns, st.integers(-200, 200))
def test_retail_weeks_agree_with_a_naive_walk(start, pattern, k):
    """Walk the pattern period by period from the anchor (forwards or backwards) and compare."""
    cadence = Cadence.weeks(start, pattern)
    begin, i = start, 0
    while i < k:
        begin = begin.add(weeks=pattern[i % len(pattern)])
        i += 1
    while i > k:
        i -= 1
        begin = begin.subtract(weeks=pattern[i % len(pattern)])
    end = begin.add(weeks=pattern[k % len(pattern)])
    assert (cadence.period(k).start, cadence.period(k).end) == (begin, end)
    assert cadence.index_of(begin) == k
    assert cadence.index_of(end.subtract(days=1)) == k
    assert cadence.following(cadence.period(k)) == cadence.period(k + 1)


@given(dates, patterns, dates)
def test_retail_weeks_cover_every_date_exactly_once(start, pattern, day):
    cadence = Cadence.weeks(start, pattern)
    k = cadence.index_of(day)
    assert day in cadence.period(k)
    assert day not in cadence.period(k - 1)
    assert day not in cadence.period(k + 1)
    assert cadence.period(k).end == cadence.period(k + 1).start
