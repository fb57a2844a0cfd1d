"""`roll_over` and `close` with nothing to do read no card document (issue 14).

The repository's `CardIndex` (indexed columns: series, period, zone, rollover flag) says which
series need a next card and which cards are over; the snapshot store's `ClosedIds` says which of
those are closed.  Only the cards with work are read (`get`) and decoded.
"""

import contextlib
import sqlite3

import pytest

from conftest import MANAGER, MARCH_10, close_service, memory_service_of, records, sqlite_service_of, template
from scorekit import Date, User, codec
from scorekit.adapters.memory import (
    FixedClock,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    RecordsMetricSource,
)
from scorekit.adapters.sqlite import SQLiteScorecards
from scorekit.ports import CardIndex, CardRow
from scorekit.service import Scorekit

USERS = [User(f"u{i:03}") for i in range(120)]


@pytest.fixture(params=["memory", "sqlite"])
def busy_service(request, tmp_path):
    """120 rollover series from January, rolled over to March and closed through February: all work done."""
    svc = memory_service_of() if request.param == "memory" else sqlite_service_of(tmp_path / "many.sqlite3")
    svc.create_cards(MANAGER, template(rollover=True), USERS, period=template().cadence.period(0))
    svc.roll_over(MANAGER)  # MARCH_10: February and March for each series
    svc.close(MANAGER)  # January and February are over
    yield svc
    close_service(svc)


class Counting:
    """Counts what a test must not see: decoded card documents, cards read one by one."""

    def __init__(self, monkeypatch, svc):
        self.decoded = self.gets = 0
        real_loads, real_get = codec.loads, svc.cards.get

        def loads(text, cls):
            self.decoded += 1
            return real_loads(text, cls)

        def get(card_id):
            self.gets += 1
            return real_get(card_id)

        monkeypatch.setattr(codec, "loads", loads)
        monkeypatch.setattr(svc.cards, "get", get)


class TestNothingToDo:
    def test_the_store_holds_what_the_test_says(self, busy_service):
        # 120 series x (January, February, March) = 360 cards; January and February closed: 240.
        cards = busy_service.cards.find()
        assert len(cards) == 360
        assert len(busy_service.snapshots.get([c.id for c in cards])) == 240

    def test_roll_over_reads_no_card(self, busy_service, monkeypatch):
        seen = Counting(monkeypatch, busy_service)
        assert busy_service.roll_over(MANAGER) == ()
        assert (seen.decoded, seen.gets) == (0, 0)

    def test_close_reads_no_card_and_no_closed_score(self, busy_service, monkeypatch):
        seen = Counting(monkeypatch, busy_service)
        assert busy_service.close(MANAGER) == ()
        assert (seen.decoded, seen.gets) == (0, 0)

    def test_with_work_only_the_cards_with_work_are_read(self, busy_service, monkeypatch):
        seen = Counting(monkeypatch, busy_service)
        # April 2: March is over for every series; each head (the March card) is read once to roll it.
        created = busy_service.roll_over(MANAGER, today=Date(2024, 4, 2))
        assert len(created) == 120
        assert seen.gets == 120
        closed = busy_service.close(MANAGER, today=Date(2024, 4, 2))
        assert {c.card_id for c in closed} == {c.id for c in busy_service.cards.find() if c.period.start.month == 3}
        assert seen.gets == 240  # and the 120 March cards to close


class Unindexed:
    """A repository without the optional `index()`: every call but that one goes to a memory repository."""

    def __init__(self):
        self._inner = MemoryScorecards()

    def __getattr__(self, name):
        if name == "index":
            raise AttributeError(name)
        return getattr(self._inner, name)


def test_a_repository_without_an_index_gives_the_same_answers():
    plain = Scorekit(
        cards=Unindexed(),
        metrics=RecordsMetricSource(records()),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
        snapshots=MemorySnapshots(),
        new_id=iter(f"card-{i}" for i in range(1, 100)).__next__,
    )
    indexed = memory_service_of()
    assert not isinstance(plain.cards, CardIndex)
    assert isinstance(indexed.cards, CardIndex)
    answers = []
    for svc in (plain, indexed):
        jan = template().cadence.period(0)
        svc.create_cards(MANAGER, template(rollover=True), [User("ann"), User("bob")], period=jan)
        svc.create_cards(MANAGER, template(), [User("cid")], period=jan)
        rolled = [c.id for c in svc.roll_over(MANAGER)]
        closed = sorted(c.card_id for c in svc.close(MANAGER))
        answers.append((rolled, closed, svc.roll_over(MANAGER), svc.close(MANAGER)))
    assert answers[0] == answers[1]
    assert answers[0][0] == ["card-1@2024-02-01", "card-1@2024-03-01", "card-2@2024-02-01", "card-2@2024-03-01"]
    # January of three cards, February of the two rolled series: five closed
    assert answers[0][1] == sorted(["card-1", "card-2", "card-3", "card-1@2024-02-01", "card-2@2024-02-01"])


class TestSQLiteUpgrade:
    def test_a_file_without_the_index_columns_gains_them_from_its_documents(self, tmp_path):
        path = tmp_path / "dev.sqlite3"
        svc = sqlite_service_of(path)
        jan = template().cadence.period(0)
        svc.create_cards(MANAGER, template(rollover=True, timezone="Asia/Kolkata"), [User("ann")], period=jan)
        svc.create_cards(MANAGER, template(), [User("bob")], period=jan)
        expected = tuple(CardRow.of(card) for card in svc.cards.find())
        close_service(svc)
        # A file made while 0.2 was written: version 2, but no timezone or rollover column.
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("DROP INDEX cards_index")
            db.execute("ALTER TABLE cards DROP COLUMN timezone")
            db.execute("ALTER TABLE cards DROP COLUMN rollover")
        with SQLiteScorecards(path) as repo:
            assert repo.index() == expected
            assert [(r.timezone, r.rollover) for r in expected] == [("Asia/Kolkata", True), ("UTC", False)]
        with contextlib.closing(sqlite3.connect(path)) as db:
            assert dict(db.execute("SELECT component, version FROM schema_version")) == {"scorekit": 3}
            plan = " ".join(
                row[3]
                for row in db.execute(
                    "EXPLAIN QUERY PLAN SELECT id, series, period_start,"
                    " period_end, timezone, rollover FROM cards INDEXED BY cards_index ORDER BY id"
                )
            )
            assert "COVERING INDEX cards_index" in plan
