import contextlib
import sqlite3
import threading
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from conftest import ADMIN, ANN, BOB, MANAGER, MARCH_10, NORTH, close_service, sqlite_service_of, template
from scorekit import (
    CardNotFound,
    Change,
    ConflictError,
    Date,
    InvalidNumber,
    InvalidParameter,
    InvalidScorecard,
    MissingMeasurement,
    Parameter,
    PermissionDenied,
    Status,
    StorageError,
    User,
)
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.adapters.sqlite import SQLiteScorecards
from scorekit.grouping import metrics_key
from scorekit.service import Actor, Role, Scorekit


def snapshot(service):
    cards = service.cards.find()
    return cards, service.manual.entries([c.id for c in cards])


def seeded(service):
    ann_card, bob_card = service.create_cards(MANAGER, template(rollover=True), [User("ann"), User("bob")])
    (team_card,) = service.create_cards(MANAGER, template(), [NORTH])
    return ann_card, bob_card, team_card


def use_cases(ids):
    ann_card, _bob_card, _team_card = ids
    return {
        "create_cards": lambda s, a: s.create_cards(a, template(), [User("cid")]),
        "add_similar": lambda s, a: s.add_similar(a, ann_card, User("cid")),
        "edit": lambda s, a: s.edit(a, ann_card, expected_version=1, name="renamed"),
        "delete": lambda s, a: s.delete(a, ann_card),
        "delete_all_for_user": lambda s, a: s.delete_all_for_user(a, "ann"),
        "roll_over": lambda s, a: s.roll_over(a, today=Date(2024, 6, 1)),
        "edit_group": lambda s, a: s.edit_group(a, [ann_card], [Parameter("deals_won", 5, 100)]),
    }


MANAGING = ["create_cards", "add_similar", "edit", "delete", "delete_all_for_user", "roll_over", "edit_group"]


class TestAuthorization:
    """The whole matrix: role x use case."""

    @pytest.mark.parametrize("use_case", MANAGING)
    @pytest.mark.parametrize("actor", [ANN, Actor("ann", "user")], ids=["user", "user-from-string"])
    def test_a_user_may_not_manage_and_nothing_changes(self, service, use_case, actor):
        ids = tuple(c.id for c in seeded(service))
        before = snapshot(service)
        with pytest.raises(PermissionDenied, match="only managers and administrators"):
            use_cases(ids)[use_case](service, actor)
        assert snapshot(service) == before

    @pytest.mark.parametrize("use_case", MANAGING)
    @pytest.mark.parametrize("actor", [MANAGER, ADMIN], ids=["manager", "admin"])
    def test_managers_and_admins_may(self, service, use_case, actor):
        ids = tuple(c.id for c in seeded(service))
        before = snapshot(service)
        use_cases(ids)[use_case](service, actor)
        assert snapshot(service) != before

    @pytest.mark.parametrize("actor", [MANAGER, ADMIN, ANN], ids=["manager", "admin", "user"])
    def test_record_and_report_on_own_cards(self, service, actor):
        ann_card, _bob_card, team_card = seeded(service)
        for card in (ann_card, team_card):
            entry = service.record_manual_value(actor, card.id, "demos", 2)
            assert entry.recorded_by == actor.id
            assert service.report(actor, card.id).parameter("demos").actual == 2

    def test_a_user_does_not_see_other_peoples_cards(self, service):
        _ann_card, bob_card, team_card = seeded(service)
        before = snapshot(service)
        with pytest.raises(CardNotFound, match=repr(bob_card.id)):
            service.report(ANN, bob_card.id)
        with pytest.raises(CardNotFound):
            service.record_manual_value(ANN, bob_card.id, "demos", 1)
        assert snapshot(service) == before
        outsider = Actor("cid", Role.USER)
        with pytest.raises(CardNotFound):
            service.report(outsider, team_card.id)
        assert service.dashboard(outsider).scores == ()

    def test_dashboard_shows_a_user_their_own_and_team_cards(self, service):
        ann_card, bob_card, team_card = seeded(service)
        assert [s.card.id for s in service.dashboard(ANN).scores] == [ann_card.id, team_card.id]
        assert [s.card.id for s in service.dashboard(BOB).scores] == [bob_card.id, team_card.id]
        assert len(service.dashboard(MANAGER).scores) == 3

    def test_not_an_actor(self, service):
        with pytest.raises(PermissionDenied, match="expected an Actor"):
            service.create_cards("boss", template(), [User("x")])


class TestCreate:
    def test_one_card_per_owner_in_todays_period(self, service):
        cards = service.create_cards(MANAGER, template(timezone="Europe/Warsaw"), [User("ann"), User("bob"), NORTH])
        assert [c.owner.id for c in cards] == ["ann", "bob", "north"]
        assert {str(c.period) for c in cards} == {"[2024-03-01, 2024-04-01)"}
        assert len({c.id for c in cards}) == 3
        assert service.cards.find() == tuple(sorted(cards, key=lambda c: c.id))

    def test_today_is_the_local_date_of_the_template_zone(self, memory_service):
        memory_service.clock.set(pendulum.datetime(2024, 3, 31, 22, 30, tz="UTC"))  # 00:30 Apr 1 in Warsaw
        (warsaw,) = memory_service.create_cards(MANAGER, template(timezone="Europe/Warsaw"), User("ann"))
        (utc,) = memory_service.create_cards(MANAGER, template(), User("bob"))
        assert str(warsaw.period.start) == "2024-04-01"
        assert str(utc.period.start) == "2024-03-01"

    def test_explicit_period(self, service):
        cadence = template().cadence
        (card,) = service.create_cards(MANAGER, template(), [User("ann")], period=cadence.period(5))
        assert card.period == cadence.period(5)

    def test_an_invalid_template_is_refused_when_built(self, service):
        with pytest.raises(InvalidScorecard, match=r"invalid card template: .*sum to 50%"):
            template().__class__(template().cadence, [Parameter("deals_won", 10, 50)])
        assert service.cards.find() == ()

    def test_no_owner(self, service):
        with pytest.raises(InvalidScorecard, match="at least one owner"):
            service.create_cards(MANAGER, template(), [])

    def test_add_similar_copies_parameters(self, service):
        ann_card, *_ = seeded(service)
        copy = service.add_similar(MANAGER, ann_card.id, User("cid"))
        assert (copy.owner, copy.parameters, copy.period) == (User("cid"), ann_card.parameters, ann_card.period)
        later = service.add_similar(MANAGER, ann_card.id, User("dan"), period=ann_card.cadence.period(9))
        assert later.period == ann_card.cadence.period(9)


class TestEdit:
    def test_edit_raises_the_version(self, service):
        ann_card, *_ = seeded(service)
        edited = service.edit(MANAGER, ann_card.id, expected_version=1, name="March", rollover=False)
        assert (edited.version, edited.name, edited.rollover) == (2, "March", False)

    def test_two_editors_from_the_same_version_one_wins(self, service):
        ann_card, *_ = seeded(service)
        service.edit(MANAGER, ann_card.id, expected_version=1, name="first")
        with pytest.raises(ConflictError, match="version 2, not 1"):
            service.edit(ADMIN, ann_card.id, expected_version=1, name="second")
        assert service.cards.get(ann_card.id).name == "first"

    def test_invalid_edit_changes_nothing(self, service):
        ann_card, *_ = seeded(service)
        with pytest.raises(InvalidScorecard):
            service.edit(MANAGER, ann_card.id, expected_version=1, parameters=[Parameter("x", 1, 99)])
        with pytest.raises(InvalidScorecard, match="only a team card's members may be edited"):
            service.edit(MANAGER, ann_card.id, expected_version=1, owner=User("zed"))
        assert service.cards.get(ann_card.id) == ann_card

    def test_delete_and_delete_all_for_user(self, service):
        ann_card, bob_card, team_card = seeded(service)
        service.add_similar(MANAGER, bob_card.id, User("ann"))
        assert service.delete_all_for_user(MANAGER, "ann") == 2
        assert {c.id for c in service.cards.find()} == {bob_card.id, team_card.id}  # the team card stays
        assert service.delete_all_for_user(MANAGER, "ann") == 0
        service.delete(MANAGER, bob_card.id)
        with pytest.raises(CardNotFound):
            service.delete(MANAGER, bob_card.id)
        with pytest.raises(CardNotFound):
            service.report(MANAGER, ann_card.id)


class TestEditGroup:
    def test_every_card_gets_the_parameters(self, service):
        ann_card, bob_card, _ = seeded(service)
        new = [Parameter("deals_won", 12, 70), Parameter("calls", 50, 30)]
        edited = service.edit_group(MANAGER, [ann_card.id, bob_card.id], new)
        assert [c.parameters for c in edited] == [tuple(new)] * 2
        assert [c.version for c in edited] == [2, 2]

    def test_a_stale_version_changes_no_card(self, service):
        ann_card, bob_card, _ = seeded(service)
        service.edit(MANAGER, bob_card.id, expected_version=1, name="moved")
        with pytest.raises(ConflictError, match=repr(bob_card.id)):
            service.edit_group(
                MANAGER,
                [ann_card.id, bob_card.id],
                [Parameter("x", 1, 100)],
                expected_versions={ann_card.id: 1, bob_card.id: 1},
            )
        assert service.cards.get(ann_card.id) == ann_card

    def test_an_invalid_card_changes_no_card(self, service):
        ann_card, bob_card, _ = seeded(service)
        # counts_from past bob's period makes only bob's card invalid
        moved = service.edit(MANAGER, bob_card.id, expected_version=1, name="x")
        service.cards.update(moved.evolve(period=moved.cadence.period(0)), 2, change=Change("boss", MARCH_10))
        late = [Parameter("deals_won", 10, 100, counts_from=Date(2024, 2, 15))]
        with pytest.raises(
            InvalidScorecard, match=f"card {bob_card.id!r}: parameter 'deals_won' counts from 2024-02-15"
        ):
            service.edit_group(MANAGER, [ann_card.id, bob_card.id], late)
        assert service.cards.get(ann_card.id) == ann_card

    def test_a_missing_card(self, service):
        ann_card, *_ = seeded(service)
        with pytest.raises(CardNotFound, match="'ghost'"):
            service.edit_group(MANAGER, [ann_card.id, "ghost"], [Parameter("x", 1, 100)])


class TestRollover:
    def test_catches_up_every_missed_period_and_is_idempotent(self, service):
        ann_card, bob_card, _team_card = seeded(service)  # March; the team card has no rollover
        created = service.roll_over(MANAGER, today=Date(2024, 6, 15))
        assert sorted((c.owner.id, str(c.period.start)) for c in created) == [
            ("ann", "2024-04-01"),
            ("ann", "2024-05-01"),
            ("ann", "2024-06-01"),
            ("bob", "2024-04-01"),
            ("bob", "2024-05-01"),
            ("bob", "2024-06-01"),
        ]
        assert service.roll_over(MANAGER, today=Date(2024, 6, 15)) == ()
        assert len(service.cards.find()) == 9
        assert {c.series_id for c in created} == {ann_card.id, bob_card.id}

    def test_nothing_before_the_period_ends(self, service):
        seeded(service)
        assert service.roll_over(MANAGER, today=Date(2024, 3, 31)) == ()
        assert len(service.roll_over(MANAGER, today=Date(2024, 4, 1))) == 2

    def test_today_defaults_to_the_clock_in_each_cards_zone(self, memory_service):
        (card,) = memory_service.create_cards(MANAGER, template(rollover=True, timezone="Europe/Warsaw"), User("ann"))
        memory_service.clock.set(pendulum.datetime(2024, 3, 31, 21, 59, tz="UTC"))  # 23:59 in Warsaw
        assert memory_service.roll_over(MANAGER) == ()
        memory_service.clock.set(pendulum.datetime(2024, 3, 31, 22, 0, tz="UTC"))  # midnight in Warsaw
        (following,) = memory_service.roll_over(MANAGER)
        assert following.id == f"{card.id}@2024-04-01"

    def test_a_series_whose_latest_card_stopped_rolling_over_stops(self, service):
        ann_card, *_ = seeded(service)
        (april,) = [c for c in service.roll_over(MANAGER, today=Date(2024, 4, 2)) if c.series_id == ann_card.id]
        service.edit(MANAGER, april.id, expected_version=1, rollover=False)
        created = service.roll_over(MANAGER, today=Date(2024, 9, 1))
        assert ann_card.id not in {c.series_id for c in created}

    def test_two_threads_on_one_sqlite_file_create_each_card_once(self, tmp_path):
        path = tmp_path / "shared.sqlite3"
        first = sqlite_service_of(path)
        first.create_cards(MANAGER, template(rollover=True), [User(f"u{i}") for i in range(5)])
        close_service(first)
        services = [sqlite_service_of(path) for _ in range(2)]
        results, errors = [], []

        def run(svc):
            try:
                results.append(svc.roll_over(MANAGER, today=Date(2024, 8, 1)))
            except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(svc,)) for svc in services]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        created = [c.id for batch in results for c in batch]
        assert len(created) == len(set(created)) == 5 * 5  # April..August for five series
        for svc in services:
            close_service(svc)
        with SQLiteScorecards(path) as cards:
            assert len(cards.find()) == 5 * 6


class TestReportAndDashboard:
    def test_report_with_evidence_and_manual_values(self, service):
        ann_card, *_ = seeded(service)
        service.clock.set(pendulum.datetime(2024, 3, 5, tz="UTC"))
        service.record_manual_value(ANN, ann_card.id, "demos", 1)
        service.clock.set(MARCH_10)
        service.record_manual_value(ANN, ann_card.id, "demos", "3")
        result = service.report(ANN, ann_card.id)
        deals = result.parameter("deals_won")
        assert deals.actual == 2
        assert [e.label for e in deals.evidence] == ["ACME", "Globex"]
        assert result.parameter("calls").actual == 30
        assert result.parameter("demos").actual == 3
        earlier = service.report(ANN, ann_card.id, as_of=pendulum.datetime(2024, 3, 6, tz="UTC"))
        assert earlier.parameter("demos").actual == 1

    def test_a_manual_metric_with_no_entry_scores_zero(self, service):
        ann_card, *_ = seeded(service)
        assert service.report(ANN, ann_card.id).parameter("demos").actual == 0

    def test_team_card_counts_every_member(self, service):
        *_, team_card = seeded(service)
        assert service.report(BOB, team_card.id).parameter("deals_won").actual == 3

    def test_record_manual_value_checks_the_metric_and_value(self, service):
        ann_card, *_ = seeded(service)
        with pytest.raises(
            InvalidParameter, match="no manual metric 'deals_won'; its manual metrics are \\['demos'\\]"
        ):
            service.record_manual_value(ANN, ann_card.id, "deals_won", 3)
        with pytest.raises(InvalidNumber):
            service.record_manual_value(ANN, ann_card.id, "demos", float("nan"))
        assert service.manual.entries([ann_card.id]) == ()

    def test_dashboard_asks_the_crm_once(self, service):
        seeded(service)
        for i in range(20):
            service.create_cards(MANAGER, template(), [User(f"rep{i}")])
        calls = service.metrics.calls
        dashboard = service.dashboard(MANAGER)
        assert service.metrics.calls == calls + 1
        assert dashboard.summary.count == 23

    def test_dashboard_asks_each_metric_and_window_once_with_all_its_subjects(self, memory_service):
        seen = []

        class Counting(RecordsMetricSource):
            def aggregate_columns(self, columns):
                seen.append(dict(columns))
                return super().aggregate_columns(columns)

        memory_service.metrics = Counting([])
        for _ in range(3):  # three cards, same columns
            memory_service.create_cards(MANAGER, template(), [User("ann")])
        memory_service.create_cards(MANAGER, template(), [NORTH])  # the same columns, for ann and bob
        memory_service.dashboard(MANAGER)
        (batch,) = seen
        assert {key[0]: subjects for key, subjects in batch.items()} == {
            "deals_won": {"ann", "bob"},
            "calls": {"ann", "bob"},
        }

    def test_without_columns_a_dashboard_asks_each_distinct_cell_once(self, memory_service):
        seen = []

        class Cells:
            def __init__(self):
                self.inner = RecordsMetricSource([])

            def measure(self, requests):
                return self.inner.measure(requests)

            def aggregate(self, cells):
                seen.append(list(cells))
                return self.inner.aggregate(cells)

        memory_service.metrics = Cells()
        for _ in range(3):  # three cards, same cells
            memory_service.create_cards(MANAGER, template(), [User("ann")])
        memory_service.create_cards(MANAGER, template(), [NORTH])  # ann's cells again, and bob's
        memory_service.dashboard(MANAGER)
        (batch,) = seen
        assert len(batch) == len(set(batch)) == 4  # deals_won and calls, for ann and for bob
        assert {(c.metric, c.subject) for c in batch} == {
            (m, s) for m in ("deals_won", "calls") for s in ("ann", "bob")
        }

    def test_without_aggregate_a_dashboard_asks_each_distinct_request_once(self, memory_service):
        seen = []

        class MeasureOnly:
            def __init__(self):
                self.inner = RecordsMetricSource([])

            def measure(self, requests):
                seen.append(list(requests))
                return self.inner.measure(requests)

        memory_service.metrics = MeasureOnly()
        for _ in range(3):  # three cards, same requests
            memory_service.create_cards(MANAGER, template(), [User("ann")])
        memory_service.dashboard(MANAGER)
        (batch,) = seen
        assert len(batch) == len(set(batch)) == 2  # deals_won and calls for ann

    def test_unanswered_requests_are_missing_measurements(self, memory_service):
        class Forgetful:
            def measure(self, requests):
                return {}

        memory_service.metrics = Forgetful()
        (card,) = memory_service.create_cards(MANAGER, template(), [User("ann")])
        # a dashboard sets the card apart with the error (0.3); its report raises it
        (failure,) = memory_service.dashboard(MANAGER).failures
        assert failure.card_id == card.id
        assert "left 'deals_won'" in failure.error
        with pytest.raises(MissingMeasurement, match="left 'deals_won'"):
            memory_service.report(MANAGER, card.id)

    def test_summary_and_groups(self, service):
        ann_card, bob_card, team_card = seeded(service)
        service.edit(MANAGER, bob_card.id, expected_version=1, parameters=[Parameter("deals_won", 1, 100)])
        dashboard = service.dashboard(MANAGER)
        summary = dashboard.summary
        # by hand: ann 0.2 x 0.5 + 0.3 x 0.3 = 0.19; bob 1 (achieved); north 0.3 x 0.5 + 0.3 x 0.3 = 0.24
        totals = {s.card.owner.id: s.total for s in dashboard.scores}
        assert totals == {"ann": Decimal("0.19"), "bob": 1, "north": Decimal("0.24")}
        assert (summary.count, summary.achieved, summary.behind) == (3, 1, 2)
        assert summary.median_total == Decimal("0.24")
        assert abs(Fraction(summary.mean_total) - Fraction(143, 300)) < Fraction(1, 10**30)  # (0.19 + 1 + 0.24) / 3
        # deals_won achievements 0.2, 1 and 0.3; calls 0.3 and 0.3 (bob's card has none); demos 0 and 0
        assert summary.per_metric == {"calls": Decimal("0.3"), "deals_won": Decimal("0.5"), "demos": 0}
        groups = {g.card_ids: g for g in dashboard.groups}
        assert set(groups) == {(ann_card.id, team_card.id), (bob_card.id,)}
        assert groups[(bob_card.id,)].summary.achieved == 1
        by_metrics = service.dashboard(MANAGER, key=metrics_key).groups
        assert len(by_metrics) == 2
        by_owner = service.dashboard(MANAGER, key=lambda card: card.owner.id).groups
        assert [g.key for g in by_owner] == [ann_card.owner.id, bob_card.owner.id, "north"]

    def test_dashboard_html_escapes(self, memory_service):
        memory_service.create_cards(MANAGER, template(name="<b>Q</b>"), [User("<i>x</i>")])
        html = memory_service.dashboard(MANAGER)._repr_html_()
        assert "<b>Q</b>" not in html
        assert "&lt;b&gt;Q&lt;/b&gt;" in html
        assert "&lt;i&gt;x&lt;/i&gt;" in html

    def test_status_before_anything_starts(self, memory_service):
        (card,) = memory_service.create_cards(MANAGER, template(), [User("ann")], period=template().cadence.period(5))
        result = memory_service.report(MANAGER, card.id)
        assert result.status is Status.NOT_STARTED
        assert memory_service.dashboard(MANAGER, on="all").summary.not_started == 1
        assert memory_service.dashboard(MANAGER).summary.count == 0  # not this month's card


class TestSQLiteReliability:
    def rows(self, path):
        with contextlib.closing(sqlite3.connect(path)) as db:
            return [
                db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in ("cards", "card_subjects")
            ]

    def test_a_bulk_edit_that_fails_half_way_leaves_the_file_as_it_was(self, sqlite_service, monkeypatch):
        ann_card, bob_card, team_card = seeded(sqlite_service)
        path = sqlite_service.cards.path
        before = self.rows(path)
        calls = {"n": 0}
        original = sqlite_service.cards._insert

        def failing_insert(db, card, document):
            calls["n"] += 1
            if calls["n"] == 3:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            original(db, card, document)

        monkeypatch.setattr(sqlite_service.cards, "_insert", failing_insert)
        with pytest.raises(StorageError, match="disk I/O error"):
            sqlite_service.edit_group(
                MANAGER, [ann_card.id, bob_card.id, team_card.id], [Parameter("deals_won", 5, 100)]
            )
        assert calls["n"] == 3  # two cards were written inside the transaction before it failed
        assert self.rows(path) == before

    def test_schema_version_and_pragmas(self, sqlite_service):
        with contextlib.closing(sqlite3.connect(sqlite_service.cards.path)) as db:
            versions = dict(db.execute("SELECT component, version FROM schema_version"))
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        assert versions == {"scorekit": 3}
        assert mode == "wal"

    def test_a_newer_schema_is_refused(self, tmp_path):
        path = tmp_path / "future.sqlite3"
        SQLiteScorecards(path).close()
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("UPDATE schema_version SET version = 99")
        with pytest.raises(StorageError, match="schema version 99"):
            SQLiteScorecards(path)

    def test_hostile_names_through_the_service(self, sqlite_service):
        from scorekit.testing import HOSTILE_STRINGS

        for text in HOSTILE_STRINGS:
            (card,) = sqlite_service.create_cards(MANAGER, template(name=text), [User(text)])
            assert sqlite_service.cards.get(card.id).name == text
            assert sqlite_service.delete_all_for_user(MANAGER, text) == 1


def test_service_on_memory_fakes_needs_no_storage():
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
    )
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    assert card.id == "ann@2024-03-01"  # owner@period start by default (issue 23)
