"""History that cannot be rewritten: worked stories on both reference adapters (issue 10).

Every story uses one monthly card of `deals_won` (target 10, weight 100%), so a total
is deals / 10: 8 deals is 0.8, by hand.
"""

import os
import subprocess
import sys
import threading
from decimal import Decimal

import attrs
import pendulum
import pytest

from conftest import ADMIN, ANN, BOB, MANAGER, close_service, make_service, memory_service_of, sqlite_service_of
from scorekit import (
    Cadence,
    CardNotFound,
    CardScore,
    Change,
    ClosedScore,
    ConflictError,
    Date,
    Evidence,
    InvalidPeriod,
    InvalidScorecard,
    ManualEntry,
    Measurement,
    Metric,
    Parameter,
    PermissionDenied,
    Revision,
    ScorekitError,
    Status,
    Team,
    Trend,
    User,
    codec,
    score,
    verify,
)
from scorekit.adapters.memory import (
    FixedClock,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    Record,
    RecordsMetricSource,
)
from scorekit.codec import fingerprint
from scorekit.service import CardTemplate, Scorekit

MONTHLY = Cadence.monthly(Date(2024, 1, 1))
JAN, FEB, MAR = MONTHLY.period(0), MONTHLY.period(1), MONTHLY.period(2)
NOW = pendulum.datetime(2024, 3, 10, 12, tz="UTC")


def deals_template(**kwargs):
    return CardTemplate(MONTHLY, [Parameter("deals_won", 10, 100)], **kwargs)


def deals(subject, month, count, *, day=5, prefix="d"):
    at = pendulum.datetime(2024, month, day, 10, tz="UTC")
    return [Record(f"{prefix}{subject}{month}-{i}", "deals_won", subject, at.add(minutes=i)) for i in range(count)]


def manual_template(**kwargs):
    return CardTemplate(
        MONTHLY, [Parameter("deals_won", 10, 60), Parameter(Metric.custom("demos", "demos"), 4, 40)], **kwargs
    )


@pytest.fixture(params=["memory", "wired", "sqlite"])
def make(request, tmp_path):
    """A factory of services over the given records, on the adapter of the parameter (snapshots included).

    "memory": memory stores each on its own; "wired": wired as one database, as SQLite's share a file.
    """
    made = []

    def build(records=(), now=NOW):
        kwargs = {"metrics": RecordsMetricSource(records), "clock": FixedClock(now)}
        if request.param == "memory":
            svc = memory_service_of(**kwargs)
        elif request.param == "wired":
            cards = MemoryScorecards()
            svc = make_service(cards, MemoryManualValues(cards=cards), snapshots=MemorySnapshots(cards=cards), **kwargs)
        else:
            svc = sqlite_service_of(tmp_path / f"story-{len(made)}.sqlite3", **kwargs)
        made.append(svc)
        return svc

    yield build
    for svc in made:
        close_service(svc)


def series_jan_to_mar(svc, template=None, owner=None):
    (jan,) = svc.create_cards(MANAGER, template or deals_template(rollover=True), [owner or User("ann")], period=JAN)
    feb, mar = svc.roll_over(MANAGER, today=Date(2024, 3, 15))
    return jan, feb, mar


class TestDeletionIsFinal:
    def test_a_deleted_month_never_comes_back(self, make):
        svc = make()
        (jan,) = svc.create_cards(MANAGER, manual_template(rollover=True), [User("ann")], period=JAN)
        feb, mar = svc.roll_over(MANAGER, today=Date(2024, 3, 15))
        svc.record_manual_value(ANN, mar.id, "demos", 3)
        svc.delete(MANAGER, mar.id, reason="ann moved to another team")
        assert svc.manual.entries([mar.id]) == ()  # its manual values went with it
        # May: the series stops at the deleted month, never re-creates it, never rolls past it
        assert svc.roll_over(MANAGER, today=Date(2024, 5, 15)) == ()
        assert [c.id for c in svc.cards.find(series=jan.id)] == sorted([jan.id, feb.id])
        with pytest.raises(CardNotFound):
            svc.report(MANAGER, mar.id)
        history = svc.history(MANAGER, mar.id)
        assert [(r.version, r.deleted, r.change.reason) for r in history] == [
            (1, False, "rolled over"),
            (1, True, "ann moved to another team"),
        ]

    def test_a_deleted_middle_month_stays_deleted_while_the_series_goes_on(self, make):
        svc = make()
        _jan, feb, _mar = series_jan_to_mar(svc)
        svc.delete(MANAGER, feb.id)
        created = svc.roll_over(MANAGER, today=Date(2024, 5, 15))
        assert [str(c.period.start) for c in created] == ["2024-04-01", "2024-05-01"]
        assert feb.id not in {c.id for c in svc.cards.find()}
        with pytest.raises(ConflictError, match="deleted"):
            svc.cards.add(feb, change=Change("boss", NOW))

    def test_delete_all_for_user_keeps_history_unless_purged(self, make):
        svc = make()
        (ann_card, bob_card) = svc.create_cards(MANAGER, deals_template(), [User("ann"), User("bob")])
        (team_card,) = svc.create_cards(MANAGER, deals_template(), [Team("north", ["ann", "bob"])])
        assert svc.delete_all_for_user(MANAGER, "bob", reason="left") == 1
        assert svc.history(MANAGER, bob_card.id)[-1].deleted
        assert svc.delete_all_for_user(MANAGER, "ann", purge=True) == 1
        with pytest.raises(CardNotFound, match="ever stored"):
            svc.history(MANAGER, ann_card.id)
        assert [c.id for c in svc.cards.find()] == [team_card.id]  # team cards stay


class TestEachUseCaseIsOneStep:
    def test_a_closed_card_is_deleted_with_its_owner_only_when_an_admin_asks(self, make):
        svc = make()
        (jan,) = svc.create_cards(MANAGER, deals_template(), [User("ann")], period=JAN)
        (mar,) = svc.create_cards(MANAGER, deals_template(), [User("ann")], period=MAR)
        svc.close(MANAGER)  # January is over on March 10: closed; March is open
        assert svc.delete_all_for_user(MANAGER, "ann", reason="left") == 1
        assert [c.id for c in svc.cards.find()] == [jan.id]  # a manager's call keeps the closed card
        assert set(svc.snapshots.get([jan.id])) == {jan.id}
        assert svc.delete_all_for_user(ADMIN, "ann", reason="left, records kept elsewhere") == 1
        assert svc.cards.find() == ()
        assert svc.snapshots.get([jan.id]) == {}
        last = svc.history(MANAGER, jan.id)[-1]
        assert (last.deleted, last.change.actor_id) == (True, "root")  # the deletion is recorded
        assert svc.history(MANAGER, mar.id)[-1].deleted

    def test_a_purge_reaches_the_cards_deleted_before(self, make):
        svc = make()
        earlier, later = svc.create_cards(MANAGER, deals_template(), [User("ann"), User("bob")])
        svc.delete(MANAGER, earlier.id, reason="ann left")
        # a purge run later (or the retry of one that crashed) finds no live card of ann's, and still forgets her
        assert svc.delete_all_for_user(MANAGER, "ann", purge=True) == 0
        with pytest.raises(CardNotFound, match="ever stored"):
            svc.history(MANAGER, earlier.id)
        assert [c.id for c in svc.cards.find()] == [later.id]

    def test_roll_over_does_not_add_after_a_head_deleted_meanwhile(self, make, monkeypatch):
        svc = make()
        (jan,) = svc.create_cards(MANAGER, deals_template(rollover=True), [User("ann")], period=JAN)
        real_get, cards = svc.cards.get, svc.cards
        raced = []

        def read_then_deleted(card_id):
            card = real_get(card_id)
            if not raced:  # another process deletes the head right after roll_over read it
                raced.append(card_id)
                monkeypatch.setattr(cards, "get", real_get)
                cards.delete(card_id, change=Change("eve", NOW, "gone"))
            return card

        monkeypatch.setattr(cards, "get", read_then_deleted)
        assert svc.roll_over(MANAGER, today=Date(2024, 3, 15)) == ()
        assert raced == [jan.id]
        assert svc.cards.find() == (), "the series stops at the deleted card"

    def test_reopen_is_one_revision_and_the_closed_score_goes(self, make):
        svc = make()
        (jan,) = svc.create_cards(MANAGER, deals_template(), [User("ann")], period=JAN)
        svc.close(MANAGER)
        reopened = svc.reopen(MANAGER, jan.id, reason="late deal")
        assert reopened.version == 2
        assert svc.snapshots.get([jan.id]) == {}
        assert [r.change.reason for r in svc.history(MANAGER, jan.id)] == ["", "late deal"]


class TestEditHistory:
    def test_an_edit_with_a_reason_is_in_the_history(self, make):
        svc = make()
        (card,) = svc.create_cards(MANAGER, deals_template(), [User("ann")])
        svc.clock.set(NOW.add(hours=2))
        edited = svc.edit(
            MANAGER, card.id, expected_version=1, parameters=[Parameter("deals_won", 12, 100)], reason="target typo"
        )
        history = svc.history(ANN, card.id)  # the owner may read it
        assert [r.card for r in history] == [card, edited]
        assert history[1].change == Change("boss", NOW.add(hours=2), "target typo")
        assert history[0].change == Change("boss", NOW, "")
        with pytest.raises(CardNotFound):
            svc.history(BOB, card.id)  # as if it did not exist
        with pytest.raises(CardNotFound):
            svc.history(MANAGER, "never-made")

    def test_a_team_cards_members_may_change_and_rollover_carries_them(self, make):
        svc = make()
        (card,) = svc.create_cards(MANAGER, deals_template(rollover=True), [Team("north", ["ann", "bob"])], period=JAN)
        svc.edit(MANAGER, card.id, expected_version=1, owner=Team("north", ["ann", "cid"]), reason="bob left")
        (feb,) = svc.roll_over(MANAGER, today=Date(2024, 2, 10))
        assert feb.owner == Team("north", ["ann", "cid"])
        assert feb.subjects == frozenset({"ann", "cid"})
        with pytest.raises(InvalidScorecard, match="only a team card's members"):
            svc.edit(MANAGER, card.id, expected_version=2, owner=Team("south", ["ann"]))
        with pytest.raises(InvalidScorecard, match="only a team card's members"):
            svc.edit(MANAGER, card.id, expected_version=2, owner=User("ann"))


class TestClosing:
    def test_a_closed_month_keeps_its_number_until_reopened(self, make):
        svc = make(deals("ann", 2, 8))
        jan, feb, mar = series_jan_to_mar(svc)
        closed = svc.close(MANAGER)  # March 10: January and February are over
        assert sorted(c.card_id for c in closed) == sorted([jan.id, feb.id])
        assert svc.report(MANAGER, feb.id).total == Decimal("0.8")  # 8 / 10
        # late CRM data for February arrives
        svc.metrics = RecordsMetricSource(deals("ann", 2, 9))
        calls = svc.metrics.calls
        assert svc.report(MANAGER, feb.id).total == Decimal("0.8")
        assert svc.dashboard(MANAGER, on=Date(2024, 2, 10)).scores[0].total == Decimal("0.8")
        assert svc.metrics.calls == calls  # closed cards never ask the CRM
        for change in (
            lambda: svc.edit(MANAGER, feb.id, expected_version=1, name="x"),
            lambda: svc.edit_group(MANAGER, [mar.id, feb.id], [Parameter("deals_won", 5, 100)]),
            lambda: svc.delete(MANAGER, feb.id),
        ):
            with pytest.raises(InvalidScorecard, match=f"{feb.id!r}.*closed.*reopen"):
                change()
        assert svc.cards.get(mar.id).version == 1  # the bulk edit changed nothing
        with pytest.raises(InvalidScorecard, match="needs a reason"):
            svc.reopen(MANAGER, feb.id, reason="  ")
        with pytest.raises(InvalidScorecard, match="not closed"):
            svc.reopen(MANAGER, mar.id, reason="why not")
        with pytest.raises(PermissionDenied):
            svc.reopen(ANN, feb.id, reason="I want more")
        reopened = svc.reopen(MANAGER, feb.id, reason="late CRM import")
        assert svc.history(MANAGER, feb.id)[-1].change.reason == "late CRM import"
        assert svc.report(MANAGER, feb.id).total == Decimal("0.9")  # 9 / 10, live again
        svc.edit(MANAGER, feb.id, expected_version=reopened.version, parameters=[Parameter("deals_won", 9, 100)])
        (again,) = svc.close(MANAGER)
        assert again.card_id == feb.id
        assert again.score.total == 1  # 9 / 9
        assert again.fingerprint != next(c for c in closed if c.card_id == feb.id).fingerprint

    def test_close_asks_the_crm_once_scores_at_the_period_end_and_is_idempotent(self, make):
        records = deals("ann", 1, 4) + deals("bob", 1, 6) + deals("ann", 2, 3, day=29) + deals("ann", 3, 1, day=1)
        svc = make(records)
        ann, bob = svc.create_cards(MANAGER, deals_template(), [User("ann"), User("bob")], period=JAN)
        (ann_feb,) = svc.create_cards(MANAGER, deals_template(), [User("ann")], period=FEB)
        calls = svc.metrics.calls
        closed = svc.close(MANAGER, today=Date(2024, 3, 1))
        assert svc.metrics.calls == calls + 1
        totals = {c.card_id: c.score.total for c in closed}
        assert totals == {
            ann.id: Decimal("0.4"),
            bob.id: Decimal("0.6"),
            ann_feb.id: Decimal("0.3"),
        }  # March 1's deal is not February's
        assert {c.card_id: c.score.as_of.isoformat() for c in closed} == {
            ann.id: "2024-02-01T00:00:00+00:00",
            bob.id: "2024-02-01T00:00:00+00:00",
            ann_feb.id: "2024-03-01T00:00:00+00:00",
        }
        assert all(c.closed_by == "boss" and c.closed_at == NOW for c in closed)
        assert svc.close(MANAGER, today=Date(2024, 3, 1)) == ()
        assert svc.metrics.calls == calls + 1  # nothing left to close, nothing asked

    def test_a_period_is_over_in_the_cards_own_zone(self, make):
        svc = make(now=pendulum.datetime(2024, 3, 31, 22, 30, tz="UTC"))  # already April 1 in Warsaw
        (warsaw,) = svc.create_cards(MANAGER, deals_template(timezone="Europe/Warsaw"), [User("ann")], period=MAR)
        (utc,) = svc.create_cards(MANAGER, deals_template(), [User("bob")], period=MAR)
        assert [c.card_id for c in svc.close(MANAGER)] == [warsaw.id]
        assert svc.close(MANAGER) == ()
        assert utc.id not in svc.snapshots.get([utc.id])

    def test_a_dashboard_of_closed_cards_asks_nothing(self, make):
        svc = make(deals("ann", 1, 2))
        svc.create_cards(MANAGER, deals_template(), [User("ann"), User("bob")], period=JAN)
        svc.close(MANAGER)
        calls = svc.metrics.calls
        board = svc.dashboard(MANAGER, on="all")
        assert svc.metrics.calls == calls
        assert sorted(s.total for s in board.scores) == [0, Decimal("0.2")]

    def test_two_closers_at_once_store_each_snapshot_once(self, tmp_path):
        path = tmp_path / "shared.sqlite3"
        first = sqlite_service_of(path, metrics=RecordsMetricSource(deals("u1", 1, 3)))
        first.create_cards(MANAGER, deals_template(), [User(f"u{i}") for i in range(6)], period=JAN)
        close_service(first)
        services = [sqlite_service_of(path, metrics=RecordsMetricSource(deals("u1", 1, 3))) for _ in range(3)]
        results, errors = [], []

        def run(svc):
            try:
                results.append(svc.close(MANAGER))
            except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(svc,)) for svc in services]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        closed = [c.card_id for batch in results for c in batch]
        assert len(closed) == len(set(closed)) == 6
        for svc in services:
            close_service(svc)

    def test_close_and_reopen_need_a_snapshot_store(self):
        svc = Scorekit(
            cards=MemoryScorecards(),
            metrics=RecordsMetricSource([]),
            manual=MemoryManualValues(),
            clock=FixedClock(NOW),
        )
        (card,) = svc.create_cards(MANAGER, deals_template(), [User("ann")], period=JAN)
        with pytest.raises(ScorekitError, match="without a snapshot store"):
            svc.close(MANAGER)
        with pytest.raises(ScorekitError, match="without a snapshot store"):
            svc.reopen(MANAGER, card.id, reason="x")
        assert svc.report(MANAGER, card.id).status is Status.MISSED  # everything else works
        svc.delete(MANAGER, card.id)

    def test_only_managers_close(self, make):
        svc = make()
        with pytest.raises(PermissionDenied):
            svc.close(ANN)


class TestManualValuesAfterThePeriod:
    def test_a_user_records_while_open_a_manager_until_closed(self, make):
        svc = make()
        (card,) = svc.create_cards(MANAGER, manual_template(timezone="Europe/Warsaw"), [User("ann")], period=MAR)
        svc.record_manual_value(ANN, card.id, "demos", 1)
        svc.clock.set(pendulum.datetime(2024, 3, 31, 21, 59, tz="UTC"))  # 23:59 on March 31 in Warsaw
        svc.record_manual_value(ANN, card.id, "demos", 2)
        svc.clock.set(pendulum.datetime(2024, 3, 31, 22, 0, tz="UTC"))  # April 1 in Warsaw
        with pytest.raises(PermissionDenied, match=r"period .* is over"):
            svc.record_manual_value(ANN, card.id, "demos", 40)
        svc.clock.set(pendulum.datetime(2024, 4, 3, 9, tz="UTC"))  # two days late: a manager corrects it
        svc.record_manual_value(MANAGER, card.id, "demos", 3)
        (closed,) = svc.close(MANAGER)
        assert closed.score.as_of == pendulum.datetime(2024, 4, 1, tz="Europe/Warsaw")
        assert closed.score.parameter("demos").actual == 3  # the correction, entered before closing, counts
        with pytest.raises(PermissionDenied, match="closed"):
            svc.record_manual_value(MANAGER, card.id, "demos", 4)
        assert [e.value for e in svc.manual.entries([card.id])] == [1, 2, 3]


class TestTrend:
    def test_a_three_month_trend(self, make):
        svc = make(deals("ann", 1, 5) + deals("ann", 2, 10) + deals("ann", 3, 3, day=2))
        jan, feb, mar = series_jan_to_mar(svc)
        (closed_jan,) = svc.close(MANAGER, today=Date(2024, 2, 1))
        calls = svc.metrics.calls
        trend = svc.trend(ANN, jan.series_id)
        assert svc.metrics.calls == calls + 1  # February and March, in one batch
        assert [s.card.id for s in trend] == [jan.id, feb.id, mar.id]
        assert [s.total for s in trend] == [Decimal("0.5"), 1, Decimal("0.3")]  # 5/10, 10/10, 3/10
        assert trend[0] == closed_jan.score
        assert [s.as_of for s in trend] == [
            pendulum.datetime(2024, 2, 1, tz="UTC"),
            pendulum.datetime(2024, 3, 1, tz="UTC"),
            NOW,
        ]
        assert [s.status for s in trend] == [Status.MISSED, Status.ACHIEVED, Status.BEHIND]
        assert isinstance(trend, Trend)  # a tuple of scores that a notebook draws as a line
        assert trend._repr_html_().count("<circle") == 3

    def test_trend_of_a_series_nobody_may_see(self, make):
        svc = make()
        jan, *_ = series_jan_to_mar(svc)
        with pytest.raises(CardNotFound):
            svc.trend(BOB, jan.series_id)
        with pytest.raises(CardNotFound, match="'nope'"):
            svc.trend(MANAGER, "nope")


class TestDashboardPeriods:
    def test_the_default_dashboard_shows_only_the_current_period(self, make):
        svc = make()
        jan, feb, mar = series_jan_to_mar(svc)
        (bobs,) = svc.create_cards(MANAGER, deals_template(), [User("bob")], period=MAR)
        assert [s.card.id for s in svc.dashboard(MANAGER).scores] == sorted([mar.id, bobs.id])
        assert [s.card.id for s in svc.dashboard(MANAGER, on=Date(2024, 2, 29)).scores] == [feb.id]
        assert [s.card.id for s in svc.dashboard(MANAGER, on="2024-01-31").scores] == [jan.id]
        assert len(svc.dashboard(MANAGER, on="all").scores) == 4
        assert [s.card.id for s in svc.dashboard(MANAGER, owner="bob").scores] == [bobs.id]
        assert [s.card.id for s in svc.dashboard(MANAGER, on="all", series=jan.series_id).scores] == sorted(
            [jan.id, feb.id, mar.id]
        )
        assert [s.card.id for s in svc.dashboard(ANN, on="all").scores] == sorted([jan.id, feb.id, mar.id])
        assert [s.card.id for s in svc.dashboard(BOB).scores] == [bobs.id]

    def test_each_card_in_its_own_zone(self, make):
        svc = make(now=pendulum.datetime(2024, 3, 31, 12, tz="UTC"))  # April 1, 01:00 in Auckland
        (auckland_mar,) = svc.create_cards(
            MANAGER, deals_template(timezone="Pacific/Auckland"), [User("ann")], period=MAR
        )
        (auckland_apr,) = svc.create_cards(
            MANAGER, deals_template(timezone="Pacific/Auckland"), [User("bob")], period=MONTHLY.period(3)
        )
        (utc_mar,) = svc.create_cards(MANAGER, deals_template(), [User("cid")], period=MAR)
        assert [s.card.id for s in svc.dashboard(MANAGER).scores] == sorted([auckland_apr.id, utc_mar.id])
        assert auckland_mar.id not in {s.card.id for s in svc.dashboard(MANAGER).scores}

    @pytest.mark.parametrize("on", ["yesterday", "ALL", 42, pendulum.datetime(2024, 3, 1, tz="UTC"), "2024-02-30"])
    def test_on_must_be_a_date_or_all(self, make, on):
        svc = make()
        with pytest.raises(InvalidPeriod, match='on must be a date, "all"'):
            svc.dashboard(MANAGER, on=on)


class TestBadInputToTheService:
    def test_the_same_owner_twice(self, make):
        svc = make()
        with pytest.raises(InvalidScorecard, match="twice"):
            svc.create_cards(MANAGER, deals_template(), [User("ann"), User("bob"), User("ann")])
        with pytest.raises(InvalidScorecard, match="twice"):
            svc.create_cards(MANAGER, deals_template(), [Team("north", ["ann"]), Team("north", ["bob"])])
        assert svc.cards.find() == ()

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
            ({"parameters": [Parameter("a", 1, 60)]}, "60%"),
            ({"parameters": [Parameter("a", 1, 50), Parameter("a", 1, 50)]}, "'a'"),
            ({"parameters": []}, "parameter"),
        ],
    )
    def test_a_template_validates_itself(self, kwargs, match):
        fields = {"parameters": [Parameter("deals_won", 10, 100)], **kwargs}
        with pytest.raises(InvalidScorecard, match=match):
            CardTemplate(MONTHLY, fields.pop("parameters"), **fields)

    def test_rollover_meeting_another_series_under_its_id(self, make):
        svc = make()
        (card,) = svc.create_cards(MANAGER, deals_template(rollover=True), [User("ann")], period=JAN)
        squatter = svc.add_similar(MANAGER, card.id, User("bob"))
        svc.cards.add(
            squatter.copy_for(User("bob"), id=f"{card.id}@2024-02-01").evolve(period=MAR),
            change=Change("host", NOW),
        )
        with pytest.raises(ConflictError, match=f"series {card.id!r}.*series '{card.id}@2024-02-01'"):
            svc.roll_over(MANAGER, today=Date(2024, 2, 10))


class TestHistoryValues:
    def closed(self):
        card = deals_template().card("c1", User("ann"), JAN)
        end = pendulum.datetime(2024, 2, 1, tz="UTC")
        return ClosedScore.of(
            score(card, {"deals_won": 8}, as_of=end),
            closed_at=end.add(hours=3),
            closed_by="boss",
            fingerprint=fingerprint(card, {"deals_won": 8}),
        )

    def test_closed_scores_revisions_and_changes_round_trip_through_the_codec(self):
        closed = self.closed()
        assert codec.loads(codec.dumps(closed), ClosedScore) == closed
        revision = Revision(closed.score.card, Change("boss", NOW, "why \u00e9"), deleted=True)
        assert codec.loads(codec.dumps(revision), Revision) == revision
        assert codec.loads(codec.dumps(revision.change), Change) == revision.change

    def test_a_closed_score_holds_its_own_cards_score(self):
        closed = self.closed()
        with pytest.raises(InvalidScorecard, match="same card and version"):
            ClosedScore("c2", 1, closed.score, NOW, "boss", closed.fingerprint)
        with pytest.raises(InvalidScorecard, match="same card and version"):
            ClosedScore("c1", 2, closed.score, NOW, "boss", closed.fingerprint)
        with pytest.raises(InvalidScorecard, match="64 lowercase hex"):
            ClosedScore("c1", 1, closed.score, NOW, "boss", "ABC")
        with pytest.raises(InvalidPeriod, match="aware"):
            ClosedScore("c1", 1, closed.score, pendulum.naive(2024, 2, 1), "boss", closed.fingerprint)

    @pytest.mark.parametrize(("actor_id", "reason"), [("", ""), ("  ", ""), (7, ""), ("boss", None)])
    def test_a_change_names_who_and_why(self, actor_id, reason):
        with pytest.raises(InvalidScorecard):
            Change(actor_id, NOW, reason)

    def test_the_fingerprint_is_the_same_in_another_process(self):
        # another interpreter, another hash seed, the evidence in another order: the same 64 hex digits
        card = deals_template().card("c1", User("ann"), JAN)
        digest = fingerprint(card, {"deals_won": Measurement(2, [Evidence("d2", NOW), Evidence("d1", NOW)])})
        script = (
            "import pendulum\n"
            "from scorekit import Cadence, Date, Evidence, Measurement, Parameter, User\n"
            "from scorekit.codec import fingerprint\n"
            "from scorekit.service import CardTemplate\n"
            "m = Cadence.monthly(Date(2024, 1, 1))\n"
            "card = CardTemplate(m, [Parameter('deals_won', 10, 100)]).card('c1', User('ann'), m.period(0))\n"
            "at = pendulum.datetime(2024, 3, 10, 12, tz='UTC')\n"
            "print(fingerprint(card, {'deals_won': Measurement(2, [Evidence('d1', at), Evidence('d2', at)])}))\n"
        )
        again = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "12345"},
        )
        assert again.stdout.strip() == digest
        assert len(digest) == 64


class TestChangeArguments:
    @pytest.mark.parametrize(
        ("actor_id", "reason", "said"),
        [
            ("boss\udfff", "", "lone surrogate"),
            ("boss", "late \ud800 deal", "lone surrogate"),
            ("", "", "visible character"),
            ("\u200b", "", "visible character"),
            ("boss\x00", "", "control characters"),
            ("x" * 201, "", "at most 200"),
            (["boss"], "", "string"),
            ("boss", "bell\x07", "control characters"),
            ("boss", "x" * 1001, "at most 1000"),
            ("boss", 7, "string"),
        ],
    )
    def test_actor_id_and_reason_are_checked_like_identifiers_and_labels(self, actor_id, reason, said):
        with pytest.raises(InvalidScorecard, match=said):
            Change(actor_id, NOW, reason)

    def test_a_reason_may_span_lines_and_hold_tabs(self):
        assert Change("boss", NOW, "target typo\n\tsee ticket 7\r\n").reason == "target typo\n\tsee ticket 7\r\n"


class TestVerify:
    def test_a_closed_score_keeps_its_inputs_and_verifies(self, make):
        svc = make(deals("ann", 1, 8))
        (card,) = svc.create_cards(MANAGER, manual_template(), [User("ann")], period=JAN)
        svc.clock.set(NOW.subtract(days=30))  # February 9: a manager corrects January's demos
        svc.record_manual_value(MANAGER, card.id, "demos", 3)
        svc.clock.set(NOW)
        (closed,) = svc.close(MANAGER)
        stored = svc.snapshots.get([card.id])[card.id]  # read back from the store
        assert stored == closed
        assert [e.value for e in stored.manual] == [Decimal(3)]
        assert stored.measurements["deals_won"].value == 8
        # 8 deals of 10 at 60%: 48; 3 demos of 4 at 40%: 30; total 78
        assert stored.score.percent() == 78
        assert verify(stored)

    def test_a_tampered_closed_score_does_not_verify(self, make):
        svc = make(deals("ann", 1, 8))
        (card,) = svc.create_cards(MANAGER, manual_template(), [User("ann")], period=JAN)
        (closed,) = svc.close(MANAGER)
        tampered_total = attrs.evolve(closed, score=_with_total(closed.score, Decimal("2.31")))
        tampered_input = attrs.evolve(closed, measurements={**closed.measurements, "deals_won": Measurement(10)})
        tampered_entries = attrs.evolve(
            closed, manual=(ManualEntry(card.id, "demos", 4, NOW.subtract(days=30), "boss"),)
        )
        assert verify(closed)
        assert not verify(tampered_total)
        assert not verify(tampered_input)
        assert not verify(tampered_entries)

    def test_a_closed_score_without_inputs_is_not_verified(self, make):
        svc = make(deals("ann", 1, 8))
        svc.create_cards(MANAGER, manual_template(), [User("ann")], period=JAN)
        (closed,) = svc.close(MANAGER)
        assert not verify(attrs.evolve(closed, measurements={}, manual=()))  # as made before 0.3


def _with_total(result: CardScore, total: Decimal) -> CardScore:
    """`result` made by hand with another total (the scores are tuples, not attrs classes)."""
    fields = {name: getattr(result, name) for name in CardScore.__match_args__}
    return CardScore(**{**fields, "total": total})
