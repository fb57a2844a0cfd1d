"""Contract test suites for the ports: the same tests for every adapter, the host's included.

Subclass a suite in a test module (its name must start with ``Test``) and give it
the fixture it asks for; pytest then runs every contract test against your adapter::

    from scorekit.testing import ScorecardRepositoryContract

    class TestMyRepository(ScorecardRepositoryContract):
        @pytest.fixture
        def repository(self, tmp_path):
            return MyRepository(tmp_path / "cards.db")   # a new, empty one per test

The suites need pytest (installed with ``scorekit[dev]`` or by the host).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from decimal import Decimal

import pendulum
import pytest

from scorekit.adapters.memory import Record
from scorekit.errors import CardNotFound, ConflictError
from scorekit.measurement import ManualEntry, MetricRequest
from scorekit.parameter import Metric, Parameter
from scorekit.period import Cadence, Date
from scorekit.ports import ManualValueStore, MetricSource, ScorecardRepository
from scorekit.scorecard import Scorecard, Team, User

__all__ = ["HOSTILE_STRINGS", "ManualValueStoreContract", "MetricSourceContract", "ScorecardRepositoryContract"]

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


class ScorecardRepositoryContract:
    """What every `ScorecardRepository` must do.  Provide a `repository` fixture: a new, empty one."""

    @pytest.fixture
    def repository(self) -> ScorecardRepository:
        """An empty repository of the adapter under test (override this)."""
        raise NotImplementedError

    def test_add_then_get_gives_the_same_card(self, repository: ScorecardRepository) -> None:
        card = _card(timezone="Europe/Warsaw", rollover=True, name="January", owner=Team("north", ["ann", "bob"]))
        assert repository.add(card) == card
        assert repository.get("c1") == card

    def test_get_of_a_missing_card(self, repository: ScorecardRepository) -> None:
        with pytest.raises(CardNotFound, match="'nope'"):
            repository.get("nope")
        with pytest.raises(LookupError):
            repository.get("nope")

    def test_an_id_is_taken_once(self, repository: ScorecardRepository) -> None:
        repository.add(_card())
        with pytest.raises(ConflictError):
            repository.add(_card(owner=User("bob")))
        assert repository.get("c1").owner == User("ann")

    def test_a_series_has_one_card_per_period(self, repository: ScorecardRepository) -> None:
        first = repository.add(_card())
        repository.add(first.next_card())
        with pytest.raises(ConflictError):
            repository.add(first.next_card())
        with pytest.raises(ConflictError):
            repository.add(first.next_card().evolve(id="other-id"))
        assert len(repository.find(series=first.series_id)) == 2

    def test_add_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        repository.add(_card("taken"))
        with pytest.raises(ConflictError):
            repository.add_many([_card("new-1"), _card("taken", owner=User("bob"))])
        with pytest.raises(CardNotFound):
            repository.get("new-1")
        assert [c.id for c in repository.add_many([_card("a"), _card("b")])] == ["a", "b"]

    def test_update_raises_the_version_by_one(self, repository: ScorecardRepository) -> None:
        card = repository.add(_card())
        stored = repository.update(card.evolve(name="renamed"), expected_version=1)
        assert (stored.version, stored.name) == (2, "renamed")
        assert repository.get("c1") == stored
        assert repository.update(stored.evolve(rollover=True), expected_version=2).version == 3

    def test_a_stale_update_changes_nothing(self, repository: ScorecardRepository) -> None:
        card = repository.add(_card())
        repository.update(card.evolve(name="first"), expected_version=1)
        with pytest.raises(ConflictError):
            repository.update(card.evolve(name="second"), expected_version=1)
        assert repository.get("c1").name == "first"

    def test_update_of_a_missing_card(self, repository: ScorecardRepository) -> None:
        with pytest.raises(CardNotFound):
            repository.update(_card(), expected_version=1)

    def test_update_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        a, b = repository.add(_card("a")), repository.add(_card("b"))
        repository.update(b.evolve(name="moved on"), expected_version=1)
        with pytest.raises(ConflictError):
            repository.update_many([(a.evolve(name="x"), 1), (b.evolve(name="x"), 1)])
        assert repository.get("a").name == ""
        assert repository.get("a").version == 1
        assert repository.get("b").name == "moved on"
        done = repository.update_many([(a.evolve(name="y"), 1), (b.evolve(name="y"), 2)])
        assert [(c.id, c.version, c.name) for c in done] == [("a", 2, "y"), ("b", 3, "y")]

    def test_delete(self, repository: ScorecardRepository) -> None:
        repository.add(_card())
        repository.delete("c1")
        with pytest.raises(CardNotFound):
            repository.get("c1")
        with pytest.raises(CardNotFound):
            repository.delete("c1")
        repository.add(_card())  # the id and the series slot are free again

    def test_delete_many_is_all_or_nothing(self, repository: ScorecardRepository) -> None:
        repository.add_many([_card("a"), _card("b")])
        with pytest.raises(CardNotFound):
            repository.delete_many(["a", "missing"])
        assert [c.id for c in repository.find()] == ["a", "b"]
        assert repository.delete_many(["a", "b"]) == 2
        assert repository.find() == ()

    def test_find_filters_and_orders_by_id(self, repository: ScorecardRepository) -> None:
        team = Team("north", ["ann", "bob"])
        repository.add_many(
            [_card("z", User("ann")), _card("m", team), _card("a", User("bob")), _card("q", User("cid"))]
        )
        assert [c.id for c in repository.find()] == ["a", "m", "q", "z"]
        assert [c.id for c in repository.find(owner=User("ann"))] == ["z"]
        assert [c.id for c in repository.find(owner=team)] == ["m"]
        assert [c.id for c in repository.find(owner=Team("north", ["ann"]))] == []
        assert [c.id for c in repository.find(subject="ann")] == ["m", "z"]
        assert [c.id for c in repository.find(subject="bob", owner=User("bob"))] == ["a"]
        assert [c.id for c in repository.find(series="q")] == ["q"]

    @pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
    def test_hostile_strings_are_stored_exactly(self, repository: ScorecardRepository, text: str) -> None:
        card = _card(text, owner=Team(text, [text, "ann"]), name=text)
        repository.add(card)
        assert repository.get(text) == card
        assert repository.find(subject=text) == (card,)
        assert repository.find(owner=User("ann")) == ()

    def test_concurrent_adds_of_the_same_next_card_store_it_once(self, repository: ScorecardRepository) -> None:
        following = repository.add(_card()).next_card()
        outcomes: list[str] = []
        lock = threading.Lock()

        def add() -> None:
            try:
                repository.add(following)
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


class MetricSourceContract:
    """What every `MetricSource` must do.

    Provide `source_from_records`: a function that loads the given `Record`s into
    the host's CRM (or a copy of it) and returns a `MetricSource` over them.
    """

    @pytest.fixture
    def source_from_records(self) -> Callable[[Iterable[Record]], MetricSource]:
        """Build the source under test over these records (override this)."""
        raise NotImplementedError

    start = pendulum.datetime(2024, 2, 1, tz="Europe/Warsaw")
    end = pendulum.datetime(2024, 3, 1, tz="Europe/Warsaw")

    def request(self, metric: str = "deals_won", subjects: Iterable[str] = ("ann",)) -> MetricRequest:
        """A request for February 2024 in Warsaw."""
        return MetricRequest(metric, frozenset(subjects), self.start, self.end)

    def test_windows_are_half_open(self, source_from_records: Callable[[Iterable[Record]], MetricSource]) -> None:
        records = [
            Record("at-start", "deals_won", "ann", self.start, 1),
            Record("before", "deals_won", "ann", self.start.subtract(microseconds=1), 10),
            Record("at-end", "deals_won", "ann", self.end, 100),
            Record("last", "deals_won", "ann", self.end.subtract(microseconds=1), 1000),
        ]
        answer = source_from_records(records).measure([self.request()])[self.request()]
        assert answer.value == 1001
        assert {e.id for e in answer.evidence} == {"at-start", "last"}

    def test_sums_values_of_all_subjects_and_only_that_metric(
        self, source_from_records: Callable[[Iterable[Record]], MetricSource]
    ) -> None:
        day = self.start.add(days=3)
        records = [
            Record("1", "revenue", "ann", day, "1000.10"),
            Record("2", "revenue", "bob", day, "-200.05"),
            Record("3", "revenue", "cid", day, 5),
            Record("4", "deals_won", "ann", day, 7),
        ]
        request = self.request("revenue", ["ann", "bob"])
        answer = source_from_records(records).measure([request])[request]
        assert answer.value == Decimal("800.05")
        assert sorted(e.id for e in answer.evidence) == ["1", "2"]

    def test_answers_every_request_even_with_nothing_to_count(
        self, source_from_records: Callable[[Iterable[Record]], MetricSource]
    ) -> None:
        requests = [self.request("calls"), self.request("deals_won", ["nobody"]), self.request()]
        answers = source_from_records([]).measure(requests)
        assert set(answers) == set(requests)
        assert all(a.value == 0 and a.evidence == () for a in answers.values())
