"""A dashboard's current cards: selected from the repository's `CardIndex`, the same as without one (issue 26).

The default dashboard shows the cards whose period holds the local date of `as_of` in each
card's own zone.  With a `CardIndex`, the service reads the index rows (period start, period
end, zone), asks the repository only for the cards active on the local dates those rows say
(usually one), and keeps a card when its zone's date is the one it was found by.  Without an
index it reads the cards active on the UTC date and the days either side.  Both must give the
same cards in the same order (by id), whatever the zones and the narrowing filters.
"""

import zoneinfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MANAGER, close_service
from scorekit import Cadence, Change, Date, Metric, Parameter, Scorecard, Team, User
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards
from scorekit.ports import CardIndex, CardRow
from scorekit.service import Actor, Role, Scorekit

# From UTC+14 to UTC-11: at most instants two of them disagree with UTC on the date.
ZONES = ("Pacific/Kiritimati", "Asia/Kolkata", "Europe/Warsaw", "UTC", "America/New_York", "Pacific/Pago_Pago")
MONTHLY = Cadence.monthly(Date(2024, 1, 1))
QUARTERLY = Cadence.quarterly(Date(2024, 1, 1))
DEALS = [Parameter(Metric("deals_won", "deals"), 10, 100)]
NOW = pendulum.datetime(2024, 2, 1, tz="UTC")


def world() -> list[Scorecard]:
    """Per zone: ann's and bob's cards for January to March, a team card for February, ann's first quarter."""
    cards = []
    for z, zone in enumerate(ZONES):
        cards += [
            Scorecard(f"{name}-z{z}-m{m}", User(name), MONTHLY, MONTHLY.period(m), DEALS, timezone=zone)
            for name in ("ann", "bob")
            for m in range(3)
        ]
        team = Team(f"team{z}", ["ann", "bob"])
        cards.append(Scorecard(f"team-z{z}-m1", team, MONTHLY, MONTHLY.period(1), DEALS, timezone=zone))
        cards.append(Scorecard(f"q-z{z}", User("ann"), QUARTERLY, QUARTERLY.period(0), DEALS, timezone=zone))
    return cards


class Unindexed:
    """A repository without the optional `index()`: every other call goes to a memory repository."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        if name == "index":
            raise AttributeError(name)
        return getattr(self._inner, name)


def service(cards) -> Scorekit:
    return Scorekit(cards=cards, metrics=RecordsMetricSource([]), manual=MemoryManualValues(), clock=FixedClock(NOW))


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """The same world three times: memory without an index, memory with one, SQLite."""
    change = Change("boss", NOW)
    cards = world()
    path = tmp_path_factory.mktemp("selection") / "cards.sqlite3"
    sqlite = SQLiteScorecards(path)
    sqlite.add_many(cards, change=change)
    built = {
        "unindexed": service(Unindexed(MemoryScorecards(cards, change=change))),
        "memory": service(MemoryScorecards(cards, change=change)),
        "sqlite": Scorekit(
            cards=sqlite, metrics=RecordsMetricSource([]), manual=SQLiteManualValues(path), clock=FixedClock(NOW)
        ),
    }
    yield built
    close_service(built["sqlite"])


def shown(svc, instant, actor=MANAGER, **narrow):
    return [s.card.id for s in svc.dashboard(actor, as_of=instant, **narrow).scores]


def by_hand(instant, *, subject=None, owner=None, series=None):
    """The oracle: every card whose period holds its zone's local date of `instant`, ordered by id."""
    return sorted(
        c.id
        for c in world()
        if Date.fromordinal(instant.astimezone(zoneinfo.ZoneInfo(c.timezone)).toordinal()) in c.period
        and (subject is None or subject in c.subjects)
        and (owner is None or c.owner.id == owner)
        and (series is None or c.series_id == series)
    )


def test_the_paths_are_what_the_test_says(services):
    assert not isinstance(services["unindexed"].cards, CardIndex)
    assert isinstance(services["memory"].cards, CardIndex)
    assert isinstance(services["sqlite"].cards, CardIndex)


def test_a_worked_example_where_zones_disagree_on_the_date(services):
    # 31 January 10:30 UTC: in Kiritimati (UTC+14) it is 1 February 00:30, in Pago Pago (UTC-11)
    # 30 January 23:30, everywhere else 31 January.  So zone 0 shows February (ann, bob, the team)
    # and every zone shows its quarter; zones 1-5 show January (ann, bob).
    instant = pendulum.datetime(2024, 1, 31, 10, 30, tz="UTC")
    expected = sorted(
        ["ann-z0-m1", "bob-z0-m1", "team-z0-m1"]
        + [f"{name}-z{z}-m0" for z in range(1, 6) for name in ("ann", "bob")]
        + [f"q-z{z}" for z in range(6)]
    )
    assert len(expected) == 3 + 10 + 6
    assert by_hand(instant) == expected
    for svc in services.values():
        assert shown(svc, instant) == expected


def test_narrowed_by_viewer_owner_and_series(services):
    instant = pendulum.datetime(2024, 2, 29, 23, 0, tz="UTC")  # 1 March in Kiritimati, Kolkata and Warsaw
    ann = Actor("ann", Role.USER)
    for svc in services.values():
        assert shown(svc, instant, ann) == by_hand(instant, subject="ann")
        assert shown(svc, instant, owner="team2") == by_hand(instant, owner="team2")
        assert shown(svc, instant, owner="team4") == by_hand(instant, owner="team4")
        assert shown(svc, instant, owner="bob") == by_hand(instant, owner="bob")
        assert shown(svc, instant, series="q-z3") == by_hand(instant, series="q-z3") == ["q-z3"]
    # Warsaw (zone 2) is already in March: its team card (February) is not current; New York's is
    assert by_hand(instant, owner="team2") == []
    assert by_hand(instant, owner="team4") == ["team-z4-m1"]


@settings(max_examples=60, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=5 * 24 * 60))
def test_every_path_agrees_with_the_oracle_around_a_month_end(services, minutes):
    # 29 January 00:00 UTC to 3 February 00:00 UTC: every zone crosses into February in there
    instant = pendulum.datetime(2024, 1, 29, tz="UTC").add(minutes=minutes)
    expected = by_hand(instant)
    for svc in services.values():
        assert shown(svc, instant) == expected


class CountingFinds:
    """A repository that counts `find` calls (the date asked, the cards returned); the rest, `index` too, goes to `inner`."""

    def __init__(self, inner):
        self._inner = inner
        self.finds = []

    def find(self, **filters):
        found = self._inner.find(**filters)
        self.finds.append((filters.get("active_on"), len(found)))
        return found

    def __getattr__(self, name):
        return getattr(self._inner, name)


class CountingIndexed(CountingFinds):
    """`CountingFinds` over a repository with an `index()`, declared: since Python 3.12 `isinstance` with a
    runtime protocol looks members up statically, so a `__getattr__` proxy is never a `CardIndex`."""

    def index(self):
        return self._inner.index()


def counting(inner):
    return CountingIndexed(inner) if isinstance(inner, CardIndex) else CountingFinds(inner)


def test_with_an_index_only_the_dates_the_rows_hold_are_asked():
    change = Change("boss", NOW)
    warsaw = [c for c in world() if c.timezone == "Europe/Warsaw"]
    instant = pendulum.datetime(2024, 2, 15, 23, 30, tz="UTC")  # 16 February, 00:30 in Warsaw
    indexed = counting(MemoryScorecards(warsaw, change=change))
    unindexed = counting(Unindexed(MemoryScorecards(warsaw, change=change)))
    assert isinstance(indexed, CardIndex)
    assert not isinstance(unindexed, CardIndex)
    expected = ["ann-z2-m1", "bob-z2-m1", "q-z2", "team-z2-m1"]
    assert shown(service(indexed), instant) == shown(service(unindexed), instant) == expected
    # every card is in Warsaw: one question, for Warsaw's date, answered by exactly the 4 current cards
    assert indexed.finds == [(Date(2024, 2, 16), 4)]
    # without the index: the UTC date (15 February) and the days either side, 4 cards each
    assert unindexed.finds == [(Date(2024, 2, 14), 4), (Date(2024, 2, 15), 4), (Date(2024, 2, 16), 4)]


def test_no_current_card_asks_nothing():
    change = Change("boss", NOW)
    repo = counting(MemoryScorecards(world()[:3], change=change))  # ann's January to March in Kiritimati
    # 31 March 10:00 UTC is 1 April 00:00 in Kiritimati: the day March ends (its end is not in it)
    assert shown(service(repo), pendulum.datetime(2024, 3, 31, 10, tz="UTC")) == []
    assert repo.finds == []


class TestMemoryIndex:
    """`MemoryScorecards.index()` is kept between calls and made again after every write."""

    def rows(self, repo):
        return tuple(CardRow.of(card) for card in sorted(repo.find(), key=lambda c: c.id))

    def test_every_write_is_seen(self):
        change = Change("boss", NOW)
        cards = world()
        repo = MemoryScorecards(cards[:10], change=change)
        first = repo.index()
        assert repo.index() is first  # kept
        assert first == self.rows(repo)
        assert len(first) == 10
        repo.add(cards[10], change=change)
        assert len(repo.index()) == 11
        assert repo.index() == self.rows(repo)
        moved = repo.get(cards[0].id).evolve(timezone="UTC")
        repo.update(moved, expected_version=1, change=change)
        assert repo.index() == self.rows(repo)
        assert next(r for r in repo.index() if r.id == cards[0].id).timezone == "UTC"
        repo.delete(cards[1].id, change=change)
        assert cards[1].id not in {r.id for r in repo.index()}
        assert repo.index() == self.rows(repo)
        assert [c.id for c in repo.find(active_on=Date(2024, 2, 1))] == sorted(
            c.id for c in cards[:11] if c.id != cards[1].id and Date(2024, 2, 1) in c.period
        )

    def test_find_keeps_the_order_by_id_whatever_the_order_added(self):
        change = Change("boss", NOW)
        cards = world()
        repo = MemoryScorecards(list(reversed(cards)), change=change)
        assert [c.id for c in repo.find()] == sorted(c.id for c in cards)
        assert [r.id for r in repo.index()] == sorted(c.id for c in cards)
