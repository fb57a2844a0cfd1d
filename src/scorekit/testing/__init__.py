"""Contract test suites for the ports: the same tests for every adapter, the host's included.

Subclass a suite in a test module (its name must start with ``Test``) and give it
the fixture it asks for; pytest then runs every contract test against your adapter.
`ScorecardRepositoryContract` (fixture `repository`), `ManualValueStoreContract`
(`store`), `SnapshotStoreContract` (`snapshots`) and `MetricSourceContract`
(`source` and `known_answers`).  A failing promise says which one it is::

    from scorekit.testing import ScorecardRepositoryContract

    class TestMyRepository(ScorecardRepositoryContract):
        @pytest.fixture
        def repository(self, tmp_path):
            return MyRepository(tmp_path / "cards.db")   # a new, empty one per test

The suites need pytest: ``pip install 'scorekit[testing]'`` brings it (with
hypothesis); without it, importing this package fails with one line saying so.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from scorekit._extras import missing_extra

try:
    import pytest
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "scorekit.testing", "testing") from None

from scorekit.codec import fingerprint
from scorekit.errors import CardNotFound, ConflictError
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Aggregate, Cell, ManualEntry, Measurement, MetricRequest
from scorekit.numbers import exact_sum, to_decimal
from scorekit.parameter import Accumulation, Metric, Parameter
from scorekit.period import Cadence, Date, as_utc
from scorekit.ports import (
    AggregateSource,
    CardIndex,
    CardRow,
    ClosedIds,
    ManualValueStore,
    MetricSource,
    ScorecardRepository,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import score

__all__ = [
    "HOSTILE_STRINGS",
    "KnownAnswer",
    "ManualValueStoreContract",
    "MetricSourceContract",
    "ScorecardRepositoryContract",
    "SnapshotStoreContract",
]

HOSTILE_STRINGS = (
    'O\'Brien "the closer"',
    "'; DROP TABLE cards; --",
    "x" * 200,  # the longest identifier scorekit accepts
    "Zażółć gęślą jaźń 🚀 中文 \u202etxet",
    "back\\slash, zero\u200bwidth and no-break\u00a0spaces",
    "%s %(name)s {0} ?",
)
"""Ids and names that break careless storage: quotes, SQL, the longest id, unicode, escapes."""

_MONTHLY = Cadence.monthly(Date(2024, 1, 31))


def _card(card_id: str = "c1", owner: User | Team | None = None, k: int = 0, **fields: object) -> Scorecard:
    parameters = [Parameter(Metric("deals_won", "deals"), 10, 60), Parameter(Metric.custom("demos", "demos"), 4, 40)]
    return Scorecard(card_id, owner or User("ann"), _MONTHLY, _MONTHLY.period(k), parameters, **fields)  # type: ignore[arg-type]


_AT = pendulum.datetime(2024, 2, 1, 9, tz="UTC")


def _change(reason: str = "", actor_id: str = "boss", minutes: int = 0) -> Change:
    """A `Change` by `actor_id` at a fixed instant (plus `minutes`): equal arguments, equal changes."""
    return Change(actor_id, _AT.add(minutes=minutes), reason)


def _promise(broken: str) -> str:
    return f"contract broken: {broken}"


def _refused(write: Callable[[], object], promise: str) -> None:
    """`write` must raise `ConflictError`; if it succeeds, the message names the promise it broke."""
    try:
        write()
    except ConflictError:
        return
    raise AssertionError(_promise(promise))


class ScorecardRepositoryContract:
    """What every `ScorecardRepository` must do.  Provide a `repository` fixture: a new, empty one.

    Beyond storing cards, the promises are about history: every write keeps a
    revision with its change, in order; a deleted card keeps its history and never
    comes back under its id.  A failure says which promise broke.
    """

    @pytest.fixture
    def repository(self) -> ScorecardRepository:
        """An empty repository of the adapter under test (override this)."""
        raise NotImplementedError

    def test_add_then_get_gives_the_same_card(self, repository: ScorecardRepository) -> None:
        card = _card(timezone="Europe/Warsaw", rollover=True, name="January", owner=Team("north", ["ann", "bob"]))
        assert repository.add(card, change=_change()) == card
        assert repository.get("c1") == card

    def test_get_of_a_missing_card(self, repository: ScorecardRepository) -> None:
        with pytest.raises(CardNotFound, match="'nope'"):
            repository.get("nope")
        with pytest.raises(LookupError):
            repository.get("nope")

    def test_an_id_is_taken_once(self, repository: ScorecardRepository) -> None:
        repository.add(_card(), change=_change())
        with pytest.raises(ConflictError):
            repository.add(_card(owner=User("bob")), change=_change())
        assert repository.get("c1").owner == User("ann")
        assert len(repository.history("c1")) == 1, _promise("a refused add must not record a revision")

    def test_a_series_has_one_card_per_period(self, repository: ScorecardRepository) -> None:
        first = repository.add(_card(), change=_change())
        repository.add(first.next_card(), change=_change())
        with pytest.raises(ConflictError):
            repository.add(first.next_card(), change=_change())
        with pytest.raises(ConflictError):
            repository.add(first.next_card().evolve(id="other-id"), change=_change())
        assert len(repository.find(series=first.series_id)) == 2

    def test_add_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        repository.add(_card("taken"), change=_change())
        with pytest.raises(ConflictError):
            repository.add_many([_card("new-1"), _card("taken", owner=User("bob"))], change=_change())
        with pytest.raises(CardNotFound):
            repository.get("new-1")
        with pytest.raises(CardNotFound):
            repository.history("new-1")
        assert [c.id for c in repository.add_many([_card("a"), _card("b")], change=_change())] == ["a", "b"]

    def test_update_raises_the_version_by_one(self, repository: ScorecardRepository) -> None:
        card = repository.add(_card(), change=_change())
        stored = repository.update(card.evolve(name="renamed"), expected_version=1, change=_change())
        assert (stored.version, stored.name) == (2, "renamed")
        assert repository.get("c1") == stored
        assert repository.update(stored.evolve(rollover=True), expected_version=2, change=_change()).version == 3

    def test_a_stale_update_changes_nothing(self, repository: ScorecardRepository) -> None:
        card = repository.add(_card(), change=_change())
        repository.update(card.evolve(name="first"), expected_version=1, change=_change())
        with pytest.raises(ConflictError):
            repository.update(card.evolve(name="second"), expected_version=1, change=_change("stale"))
        assert repository.get("c1").name == "first"
        assert [r.change.reason for r in repository.history("c1")] == ["", ""], _promise(
            "a refused update must not record a revision"
        )

    def test_update_of_a_missing_card(self, repository: ScorecardRepository) -> None:
        with pytest.raises(CardNotFound):
            repository.update(_card(), expected_version=1, change=_change())

    def test_update_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        a, b = repository.add(_card("a"), change=_change()), repository.add(_card("b"), change=_change())
        repository.update(b.evolve(name="moved on"), expected_version=1, change=_change())
        with pytest.raises(ConflictError):
            repository.update_many([(a.evolve(name="x"), 1), (b.evolve(name="x"), 1)], change=_change())
        assert repository.get("a").name == ""
        assert repository.get("a").version == 1
        assert len(repository.history("a")) == 1, _promise("a failed batch must record no revision")
        assert repository.get("b").name == "moved on"
        done = repository.update_many([(a.evolve(name="y"), 1), (b.evolve(name="y"), 2)], change=_change("bulk"))
        assert [(c.id, c.version, c.name) for c in done] == [("a", 2, "y"), ("b", 3, "y")]
        assert repository.history("b")[-1] == Revision(done[1], _change("bulk"))

    def test_delete(self, repository: ScorecardRepository) -> None:
        repository.add(_card(), change=_change())
        repository.delete("c1", change=_change())
        with pytest.raises(CardNotFound):
            repository.get("c1")
        with pytest.raises(CardNotFound):
            repository.delete("c1", change=_change())
        assert repository.find() == ()

    def test_delete_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        repository.add_many([_card("a"), _card("b")], change=_change())
        with pytest.raises(CardNotFound):
            repository.delete_many(["a", "missing"], change=_change())
        assert [c.id for c in repository.find()] == ["a", "b"]
        assert [r.deleted for r in repository.history("a")] == [False], _promise(
            "a failed delete_many must record no deletion"
        )
        assert repository.delete_many(["a", "b", "a"], change=_change()) == 2
        assert repository.find() == ()

    def test_empty_batches_change_nothing(self, repository: ScorecardRepository) -> None:
        assert repository.add_many([], change=_change()) == ()
        assert repository.update_many([], change=_change()) == ()
        assert repository.delete_many([], change=_change()) == 0
        assert repository.find() == ()

    def test_find_filters_and_orders_by_id(self, repository: ScorecardRepository) -> None:
        team = Team("north", ["ann", "bob"])
        repository.add_many(
            [_card("z", User("ann")), _card("m", team), _card("a", User("bob")), _card("q", User("cid"))],
            change=_change(),
        )
        assert [c.id for c in repository.find()] == ["a", "m", "q", "z"]
        assert [c.id for c in repository.find(owner=User("ann"))] == ["z"]
        assert [c.id for c in repository.find(owner=team)] == ["m"]
        assert [c.id for c in repository.find(owner=Team("north", ["ann"]))] == []
        assert [c.id for c in repository.find(owner_id="north")] == ["m"]
        assert [c.id for c in repository.find(subject="ann")] == ["m", "z"]
        assert [c.id for c in repository.find(subject="bob", owner=User("bob"))] == ["a"]
        assert [c.id for c in repository.find(series="q")] == ["q"]

    def test_find_active_on_holds_half_open_periods(self, repository: ScorecardRepository) -> None:
        # _MONTHLY starts on Jan 31: periods [Jan 31, Feb 29), [Feb 29, Mar 31), [Mar 31, Apr 30)
        jan = repository.add(_card("jan", k=0, rollover=True), change=_change())
        feb = repository.add(jan.next_card(), change=_change())
        mar = repository.add(feb.next_card(), change=_change())
        repository.add(_card("other", owner=User("bob"), k=1), change=_change())
        assert [c.id for c in repository.find(active_on=Date(2024, 1, 31))] == [jan.id]
        assert [c.id for c in repository.find(active_on=Date(2024, 2, 28))] == [jan.id]
        assert [c.id for c in repository.find(active_on=Date(2024, 2, 29))] == sorted([feb.id, "other"])
        assert [c.id for c in repository.find(active_on=Date(2024, 3, 31), series="jan")] == [mar.id]
        assert [c.id for c in repository.find(active_on=Date(2024, 2, 29), owner_id="bob")] == ["other"]
        assert repository.find(active_on=Date(2024, 4, 30)) == ()
        assert repository.find(active_on=Date(2024, 1, 30)) == ()

    def test_an_index_describes_every_stored_card(self, repository: ScorecardRepository) -> None:
        """If the repository has the optional `CardIndex`: one row per stored card, as `CardRow.of` says."""
        if not isinstance(repository, CardIndex):
            pytest.skip("this repository has no index(): roll_over and close read every card through find()")
        jan = repository.add(_card("jan", k=0, rollover=True, timezone="Europe/Warsaw"), change=_change())
        feb = repository.add(jan.next_card(), change=_change())
        team = repository.add(_card("t", owner=Team("north", ["ann"]), k=1), change=_change())
        repository.update(team.evolve(rollover=True, timezone="Asia/Kolkata"), 1, change=_change())
        repository.add(_card("gone"), change=_change())
        repository.delete("gone", change=_change())
        assert repository.index() == tuple(CardRow.of(card) for card in repository.find())
        assert [(r.id, r.series, r.rollover) for r in repository.index()] == [
            ("jan", "jan", True),
            (feb.id, "jan", True),
            ("t", "t", True),
        ]
        assert repository.index()[2].timezone == "Asia/Kolkata"

    @pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
    def test_hostile_strings_are_stored_exactly(self, repository: ScorecardRepository, text: str) -> None:
        card = _card(text, owner=Team(text, [text, "ann"]), name=text)
        repository.add(card, change=_change(text, actor_id=text))
        assert repository.get(text) == card
        assert repository.find(subject=text) == (card,)
        assert repository.find(owner=User("ann")) == ()
        assert repository.history(text) == (Revision(card, _change(text, actor_id=text)),)

    def test_concurrent_adds_of_the_same_next_card_store_it_once(self, repository: ScorecardRepository) -> None:
        following = repository.add(_card(), change=_change()).next_card()
        outcomes: list[str] = []
        lock = threading.Lock()

        def add() -> None:
            try:
                repository.add(following, change=_change())
                outcome = "added"
            except ConflictError:
                outcome = "conflict"
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=add) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["added"] + ["conflict"] * 7
        assert len(repository.find()) == 2
        assert len(repository.history(following.id)) == 1, _promise("one add, one revision")

    # -- history ---------------------------------------------------------------------

    def test_every_write_keeps_a_revision_with_its_change(self, repository: ScorecardRepository) -> None:
        v1 = repository.add(_card(), change=_change("created", minutes=1))
        v2 = repository.update(v1.evolve(name="Q1"), 1, change=_change("renamed", actor_id="eve", minutes=2))
        (v3,) = repository.update_many([(v2.evolve(rollover=True), 2)], change=_change("bulk", minutes=3))
        history = repository.history("c1")
        assert [r.version for r in history] == [1, 2, 3], _promise(
            "history keeps every stored version, oldest first (a revision was lost or reordered)"
        )
        assert history == (
            Revision(v1, _change("created", minutes=1)),
            Revision(v2, _change("renamed", actor_id="eve", minutes=2)),
            Revision(v3, _change("bulk", minutes=3)),
        ), _promise("each revision holds the stored card and the change given with the write")

    def test_a_deletion_is_the_last_revision_and_history_outlives_the_card(
        self, repository: ScorecardRepository
    ) -> None:
        v1 = repository.add(_card(), change=_change())
        v2 = repository.update(v1.evolve(name="x"), 1, change=_change())
        repository.delete("c1", change=_change("left the company", minutes=5))
        history = repository.history("c1")
        assert [(r.version, r.deleted) for r in history] == [(1, False), (2, False), (2, True)], _promise(
            "a deletion is recorded as a final revision (deleted=True) with the last card, history kept"
        )
        assert history[-1] == Revision(v2, _change("left the company", minutes=5), deleted=True)

    def test_history_of_an_id_never_seen(self, repository: ScorecardRepository) -> None:
        with pytest.raises(CardNotFound, match="'ghost'"):
            repository.history("ghost")

    def test_a_deleted_card_never_comes_back(self, repository: ScorecardRepository) -> None:
        jan = repository.add(_card(rollover=True), change=_change())
        feb = repository.add(jan.next_card(), change=_change())
        repository.delete(feb.id, change=_change("not needed"))
        _refused(
            lambda: repository.add(jan.next_card(), change=_change()),
            "a deleted card must never be resurrected: adding its id again succeeded",
        )
        _refused(
            lambda: repository.add_many([_card("fresh", k=5), feb], change=_change()),
            "a deleted card must never be resurrected: add_many of its id succeeded",
        )
        with pytest.raises(CardNotFound):
            repository.get(feb.id)
        assert [c.id for c in repository.find()] == [jan.id], _promise("a deleted card must never be resurrected")
        with pytest.raises(CardNotFound):
            repository.get("fresh")
        assert [r.deleted for r in repository.history(feb.id)] == [False, True], _promise(
            "a refused re-add must not touch the deleted card's history"
        )

    def test_purge_forgets_deleted_cards_only(self, repository: ScorecardRepository) -> None:
        repository.add_many([_card("a"), _card("b", owner=User("bob"))], change=_change())
        with pytest.raises(ConflictError):
            repository.purge(["a"])
        repository.delete("a", change=_change())
        with pytest.raises(CardNotFound):
            repository.purge(["a", "never"])
        assert len(repository.history("a")) == 2, _promise("a failed purge must forget nothing")
        assert repository.purge(["a"]) == 1
        with pytest.raises(CardNotFound):
            repository.history("a")
        assert len(repository.history("b")) == 1


class ManualValueStoreContract:
    """What every `ManualValueStore` must do.  Provide a `store` fixture: a new, empty one."""

    @pytest.fixture
    def store(self) -> ManualValueStore:
        """An empty store of the adapter under test (override this)."""
        raise NotImplementedError

    @staticmethod
    def entry(card_id: str = "c1", value: object = 1, day: int = 1, by: str = "ann") -> ManualEntry:
        """A manual entry of the metric 'demos'."""
        return ManualEntry(card_id, "demos", value, pendulum.datetime(2024, 1, day, 12, tz="Europe/Warsaw"), by)

    def test_entries_come_back_in_the_order_they_were_appended(self, store: ManualValueStore) -> None:
        entries = [
            self.entry(day=3),
            self.entry(day=1),
            self.entry("c2"),
            self.entry(day=2, value="0.1000000000000000000000000000001"),
        ]
        for entry in entries:
            store.append(entry)
        assert store.entries(["c1"]) == (entries[0], entries[1], entries[3])
        assert set(store.entries(["c1", "c2"])) == set(entries)
        assert store.entries(["c3"]) == ()
        assert store.entries([]) == ()

    def test_values_and_instants_are_exact(self, store: ManualValueStore) -> None:
        store.append(self.entry(value="-12.3456789012345678901234567890123"))
        (entry,) = store.entries(["c1"])
        assert entry.value == Decimal("-12.3456789012345678901234567890123")
        assert entry.recorded_at.isoformat() == "2024-01-01T12:00:00+01:00"

    @pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
    def test_hostile_strings(self, store: ManualValueStore, text: str) -> None:
        store.append(self.entry(card_id=text, by=text))
        assert store.entries([text]) == (self.entry(card_id=text, by=text),)

    def test_delete_for_removes_every_entry_of_those_cards_only(self, store: ManualValueStore) -> None:
        for card_id in ("a", "b", "a", "c"):
            store.append(self.entry(card_id))
        assert store.delete_for(["a", "b", "none"]) == 3
        assert store.entries(["a", "b"]) == (), _promise("delete_for must remove every entry of the deleted cards")
        assert store.entries(["c"]) == (self.entry("c"),)
        assert store.delete_for([]) == 0
        store.append(self.entry("a", value=7))
        assert store.entries(["a"]) == (self.entry("a", value=7),), _promise(
            "entries removed by delete_for must never come back"
        )


def _closed(card_id: str = "c1", total: int = 8, version: int = 1) -> ClosedScore:
    card = _card(card_id).evolve(version=version) if version != 1 else _card(card_id)
    end = card.period.instants(card.timezone)[1]
    measurements = {"deals_won": total, "demos": 1}
    return ClosedScore.of(
        score(card, measurements, as_of=end),
        closed_at=end.add(hours=1),
        closed_by="boss",
        fingerprint=fingerprint(card, measurements),
    )


class SnapshotStoreContract:
    """What every `SnapshotStore` must do.  Provide a `snapshots` fixture: a new, empty one."""

    @pytest.fixture
    def snapshots(self) -> SnapshotStore:
        """An empty snapshot store of the adapter under test (override this)."""
        raise NotImplementedError

    def test_add_then_get_gives_the_same_closed_score(self, snapshots: SnapshotStore) -> None:
        closed = _closed()
        snapshots.add(closed)
        assert snapshots.get(["c1", "c2"]) == {"c1": closed}, _promise("a closed score comes back exactly")
        assert snapshots.get([]) == {}

    def test_a_card_is_closed_once(self, snapshots: SnapshotStore) -> None:
        snapshots.add(_closed(total=8))
        with pytest.raises(ConflictError):
            snapshots.add(_closed(total=9))
        assert snapshots.get(["c1"])["c1"] == _closed(total=8), _promise("a closed number never moves")

    def test_concurrent_closes_store_one(self, snapshots: SnapshotStore) -> None:
        outcomes: list[str] = []
        lock = threading.Lock()

        def add(total: int) -> None:
            try:
                snapshots.add(_closed(total=total))
                outcome = "added"
            except ConflictError:
                outcome = "conflict"
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=add, args=(t,)) for t in range(1, 7)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["added"] + ["conflict"] * 5, _promise("two closers store one snapshot")

    def test_remove_reopens(self, snapshots: SnapshotStore) -> None:
        closed = _closed()
        snapshots.add(closed)
        assert snapshots.remove("c1", _change("late CRM data")) == closed
        assert snapshots.get(["c1"]) == {}
        with pytest.raises(CardNotFound):
            snapshots.remove("c1", _change("again"))
        snapshots.add(_closed(total=9, version=2))
        assert snapshots.get(["c1"])["c1"].card_version == 2

    def test_closed_ids_agree_with_get(self, snapshots: SnapshotStore) -> None:
        """If the store has the optional `ClosedIds`: the ids `get` would return, without the scores."""
        if not isinstance(snapshots, ClosedIds):
            pytest.skip("this store has no closed_ids(): close reads the closed scores through get()")
        snapshots.add(_closed("c1"))
        snapshots.add(_closed("c3"))
        assert (
            snapshots.closed_ids(["c1", "c2", "c3", "c1"])
            == frozenset({"c1", "c3"})
            == set(snapshots.get(["c1", "c2", "c3"]))
        )
        assert snapshots.closed_ids([]) == frozenset()

    def test_delete_for(self, snapshots: SnapshotStore) -> None:
        for card_id in ("a", "b", "c"):
            snapshots.add(_closed(card_id))
        assert snapshots.delete_for(["a", "b", "none"]) == 2
        assert set(snapshots.get(["a", "b", "c"])) == {"c"}, _promise("delete_for removes those cards' snapshots")
        assert snapshots.delete_for([]) == 0


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="known answer value")


def _optional_ids(ids: Iterable[str] | None) -> frozenset[str] | None:
    return None if ids is None else frozenset(ids)


@attrs.frozen
class KnownAnswer:
    """What the host's own data says a request must get: its value and, if the source lists evidence, the ids.

    >>> import pendulum
    >>> from scorekit import MetricRequest
    >>> feb = MetricRequest("deals_won", frozenset({"ann"}), pendulum.datetime(2024, 2, 1, tz="UTC"),
    ...                     pendulum.datetime(2024, 3, 1, tz="UTC"))
    >>> KnownAnswer(feb, 2, evidence_ids={"deal-1", "deal-7"}).value
    Decimal('2')
    """

    request: MetricRequest
    value: Decimal | None = attrs.field(converter=_optional_decimal)
    evidence_ids: frozenset[str] | None = attrs.field(default=None, converter=_optional_ids)
    """None: do not check the evidence (a source that lists none)."""


class MetricSourceContract:
    """What every `MetricSource` must do, checked on the host's own data.

    The suite knows nothing of the host's tables.  Provide two fixtures:
    `source` (the source under test, over data the host has loaded or knows) and
    `known_answers` (a few `KnownAnswer`s that data implies, ideally with records
    at the exact window bounds, a team request and a window with nothing in it).
    The suite checks those answers, then the promises any source must keep:
    every request answered, batches that do not change answers, half-open windows,
    teams that pool their members' records, windows that split and add up.  A
    source with `aggregate(cells)` (an `AggregateSource`) must give, for any
    requests over the metrics, users and instants of the known answers (empty
    windows, records exactly at the bounds and ties included), the very numbers
    `measure` gives once its cells' aggregates are pooled (`Aggregate.pool`,
    `Aggregate.value`), digit for digit.
    """

    @pytest.fixture
    def source(self) -> MetricSource:
        """The source under test (override this)."""
        raise NotImplementedError

    @pytest.fixture
    def known_answers(self) -> Sequence[KnownAnswer]:
        """What the host's data says some requests must get (override this)."""
        raise NotImplementedError

    @staticmethod
    def _requests(known_answers: Sequence[KnownAnswer]) -> list[MetricRequest]:
        assert known_answers, "known_answers is empty: give at least one request the host's data answers"
        return [known.request for known in known_answers]

    def test_known_answers(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        answers = source.measure(self._requests(known_answers))
        for known in known_answers:
            assert known.request in answers, f"expected an answer for {known.request}, got answers for {list(answers)}"
            got = answers[known.request]
            assert got.value == known.value, f"{known.request}: expected value {known.value}, got {got.value}"
            if known.evidence_ids is not None:
                ids = {e.id for e in got.evidence}
                assert ids == known.evidence_ids, (
                    f"{known.request}: expected evidence ids {sorted(known.evidence_ids)}, got {sorted(ids)}"
                )

    def test_every_request_is_answered_and_nothing_else(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        requests = self._requests(known_answers)
        answers = source.measure(requests + requests[:1])  # a request twice is one request
        assert set(answers) == set(requests), f"expected answers for {set(requests)}, got {set(answers)}"
        assert source.measure([]) == {}, f"expected no answers for no requests, got {source.measure([])}"

    def test_a_batch_gives_each_request_what_it_gets_alone(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        requests = self._requests(known_answers)
        together = source.measure(requests)
        for request in requests:
            alone = source.measure([request])[request]
            assert _shown(alone) == _shown(together[request]), (
                f"{request}: expected the same answer alone and in a batch, got {_shown(alone)} alone "
                f"and {_shown(together[request])} in the batch"
            )

    def test_evidence_lies_in_the_half_open_window(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request, answer in source.measure(self._requests(known_answers)).items():
            for evidence in answer.evidence:
                assert request.start <= evidence.occurred_at < request.end, (
                    f"{request}: expected evidence within [{request.start}, {request.end}), "
                    f"got {evidence.id!r} at {evidence.occurred_at}"
                )

    def test_the_same_instants_in_another_zone_are_the_same_request(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request in self._requests(known_answers):
            moved = attrs.evolve(
                request, start=request.start.in_timezone("Asia/Kolkata"), end=request.end.in_timezone("America/Havana")
            )
            answers = source.measure([moved])
            assert request in answers, f"expected {request} to be answered when asked as {moved}, got {list(answers)}"
            assert _shown(answers[request]) == _shown(source.measure([request])[request]), (
                f"{request}: expected the same answer in any zone, got {_shown(answers[request])}"
            )

    def test_an_empty_window_counts_nothing(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        empty = [attrs.evolve(r, end=r.start) for r in self._requests(known_answers)]
        for request, answer in source.measure(empty).items():
            assert answer.evidence == (), f"{request}: expected no evidence in an empty window, got {answer.evidence}"
            if _accumulation(request) == "sum":
                assert answer.value in (0, None), f"{request}: expected 0 in an empty window, got {answer.value}"
            else:
                assert answer.value is None, (
                    f"{request}: expected None (no record yet) for a level in an empty window, got {answer.value}"
                )

    def test_a_sum_splits_at_any_instant_and_adds_up(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer]
    ) -> None:
        for request in self._requests(known_answers):
            if _accumulation(request) != "sum" or request.end <= request.start:
                continue
            start, end = as_utc(request.start), as_utc(request.end)
            middle = pendulum.instance(start + (end - start) / 2)
            first, second = attrs.evolve(request, end=middle), attrs.evolve(request, start=middle)
            answers = source.measure([request, first, second])
            whole, parts = _as_sum(answers[request]), [_as_sum(answers[first]), _as_sum(answers[second])]
            assert whole == exact_sum(parts), (
                f"{request}: expected the halves before and after {middle} to add up to {whole}, got {parts}"
            )
            halves = {e.id for e in answers[first].evidence} | {e.id for e in answers[second].evidence}
            assert halves == {e.id for e in answers[request].evidence}, (
                f"{request}: expected the halves' evidence to be the whole's, got {sorted(halves)}"
            )

    def test_a_team_pools_its_members_records(self, source: MetricSource, known_answers: Sequence[KnownAnswer]) -> None:
        for request in self._requests(known_answers):
            if len(request.subjects) < 2:
                continue
            alone = {s: attrs.evolve(request, subjects=frozenset({s})) for s in sorted(request.subjects)}
            answers = source.measure([request, *alone.values()])
            team = {e.id for e in answers[request].evidence}
            members = [{e.id for e in answers[r].evidence} for r in alone.values()]
            pooled = set().union(*members)
            assert team == pooled, f"{request}: expected the members' evidence {sorted(pooled)}, got {sorted(team)}"
            if _accumulation(request) == "sum" and sum(map(len, members)) == len(pooled):
                values = [_as_sum(answers[r]) for r in alone.values()]
                assert _as_sum(answers[request]) == exact_sum(values), (
                    f"{request}: expected the sum of the members' values {values}, got {answers[request].value}"
                )

    # The source is only read, so one per test serves every example; every subclass (one per adapter)
    # runs this one method, whose examples depend on its fixtures only: hence the health checks.
    @settings(
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
            HealthCheck.too_slow,
        ],
        deadline=None,
    )
    @given(data=st.data())
    def test_aggregates_pool_to_what_measure_gives(
        self, source: MetricSource, known_answers: Sequence[KnownAnswer], data: st.DataObject
    ) -> None:
        if not isinstance(source, AggregateSource):
            pytest.skip("the source has no aggregate(cells): the service asks it through measure alone")
        requests = data.draw(_requests_over(self._requests(known_answers), source), label="requests")
        answers = source.measure(requests)
        cells = {r: [Cell(r.metric, r.accumulation, s, r.start, r.end) for s in sorted(r.subjects)] for r in requests}
        wanted = {cell for own in cells.values() for cell in own}
        aggregates = source.aggregate(wanted)
        assert set(aggregates) == wanted, f"expected aggregates for the cells {wanted}, got them for {set(aggregates)}"
        for request in requests:
            pooled = Aggregate.pool(aggregates[cell] for cell in cells[request])
            expected, got = answers[request].value, pooled.value(request.accumulation)
            if request.accumulation is Accumulation.SUM:
                expected = Decimal(0) if expected is None else expected  # a SUM reads None as 0
            assert _digits(got) == _digits(expected), (
                f"{request}: expected the pooled aggregates {[aggregates[c] for c in cells[request]]} to give "
                f"{_digits(expected)} as measure does, digit for digit, got {_digits(got)}"
            )
            evidence = answers[request].evidence
            if evidence:  # a source that lists the records: the count and the latest must be theirs
                latest = max(evidence, key=lambda e: (as_utc(e.occurred_at), e.id))
                assert (pooled.count, pooled.last_id) == (len(evidence), latest.id), (
                    f"{request}: expected {len(evidence)} records, the latest {latest.id!r} (greatest instant, "
                    f"then id), as measure's evidence says, got {pooled.count} and {pooled.last_id!r}"
                )


@st.composite
def _requests_over(draw: st.DrawFn, known: Sequence[MetricRequest], source: MetricSource) -> list[MetricRequest]:
    """A few requests over the known requests' metrics, users and instants, and their records' instants.

    Windows start and end at those instants and a microsecond either side, so records fall exactly on
    bounds; a window may be empty; a metric and a user nobody has are in the mix.
    """
    metrics = sorted({r.metric for r in known} | {"scorekit-contract-unknown-metric"})
    subjects = sorted({s for r in known for s in r.subjects} | {"scorekit-contract-nobody"})
    instants: set[_dt.datetime] = set()
    for request, answer in source.measure(known).items():
        instants |= {as_utc(request.start), as_utc(request.end)}
        instants |= {as_utc(e.occurred_at) for e in answer.evidence}
    tick = _dt.timedelta(microseconds=1)
    bounds = sorted(instants | {i + tick for i in instants} | {i - tick for i in instants})
    requests = []
    for _ in range(draw(st.integers(1, 4))):
        start, end = sorted(draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
        requests.append(
            MetricRequest(
                draw(st.sampled_from(metrics)),
                frozenset(draw(st.lists(st.sampled_from(subjects), min_size=1, max_size=3, unique=True))),
                pendulum.instance(start),
                pendulum.instance(end),
                draw(st.sampled_from(Accumulation)),
            )
        )
    return requests


def _digits(value: Decimal | None) -> str | None:
    """A number as its digits and exponent (``4.00`` is not ``4``: a report would show the difference)."""
    return None if value is None else str(value)


def _as_sum(measurement: Measurement) -> Decimal:
    """A SUM's value; None (no record) reads as 0."""
    return Decimal(0) if measurement.value is None else measurement.value


def _accumulation(request: MetricRequest) -> str:
    return request.accumulation.value


def _shown(measurement: Measurement) -> tuple[object, list[str]]:
    return measurement.value, sorted(e.id for e in measurement.evidence)
