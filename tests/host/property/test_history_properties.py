"""Rules of history and closing, for any inputs: the fingerprint, idempotent closing, contracts that bite."""

import itertools
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scorekit import Cadence, Date, Measurement, Parameter, User
from scorekit.adapters.memory import (
    FixedClock,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    Record,
    RecordsMetricSource,
)
from scorekit.codec import fingerprint
from scorekit.service import Actor, CardTemplate, Role, Scorekit
from scorekit.strategies import measurements_for, scorecards
from scorekit.testing import ScorecardRepositoryContract

MANAGER = Actor("boss", Role.MANAGER)


@st.composite
def card_and_measurements(draw):
    card = draw(scorecards())
    return card, draw(measurements_for(card))


@given(card_and_measurements(), st.data())
def test_the_fingerprint_follows_values_and_evidence_ids_not_evidence_order(case, data):
    card, measurements = case
    digest = fingerprint(card, measurements)
    rng = data.draw(st.randoms(use_true_random=False))
    shuffled = {}
    for key, measurement in measurements.items():
        evidence = list(measurement.evidence)
        rng.shuffle(evidence)
        shuffled[key] = Measurement(measurement.value, evidence)
    assert fingerprint(card, shuffled) == digest
    assert fingerprint(card.evolve(name=card.name + "x"), measurements) != digest
    assume(measurements)
    key = data.draw(st.sampled_from(sorted(measurements)))
    old = measurements[key]
    delta = data.draw(st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(-7), Decimal("1E-12")]))
    changed = (old.value if old.value is not None else Decimal(0)) + delta  # None: a level with no record yet
    assert fingerprint(card, {**measurements, key: Measurement(changed, old.evidence)}) != digest
    if old.evidence:
        renamed = (attrs.evolve(old.evidence[0], id=old.evidence[0].id + "'"), *old.evidence[1:])
        assert fingerprint(card, {**measurements, key: Measurement(old.value, renamed)}) != digest


MONTHLY = Cadence.monthly(Date(2024, 1, 1))
NOW = pendulum.datetime(2024, 6, 1, 9, tz="UTC")


def closing_service(deals_per_month):
    records = [
        Record(f"d-{user}-{month}-{i}", "deals_won", user, pendulum.datetime(2024, month, 3, 8, tz="UTC").add(hours=i))
        for (user, month), count in deals_per_month.items()
        for i in range(count)
    ]
    counter = itertools.count(1)
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource(records),
        manual=MemoryManualValues(),
        clock=FixedClock(NOW),
        snapshots=MemorySnapshots(),
        new_id=lambda: f"card-{next(counter)}",
    )
    template = CardTemplate(MONTHLY, [Parameter("deals_won", 10, 100)], rollover=True, timezone="Europe/Warsaw")
    svc.create_cards(MANAGER, template, [User("ann"), User("bob")], period=MONTHLY.period(0))
    svc.roll_over(MANAGER, today=Date(2024, 5, 15))
    return svc


def stored(svc):
    cards = svc.cards.find()
    return svc.snapshots.get([c.id for c in cards])


@given(
    st.dictionaries(st.tuples(st.sampled_from(["ann", "bob"]), st.integers(1, 5)), st.integers(0, 15), max_size=10),
    st.dates(pendulum.date(2024, 1, 15), pendulum.date(2024, 6, 15)),
)
def test_close_twice_is_close_once(deals_per_month, today):
    day = Date(today.year, today.month, today.day)
    once, twice = closing_service(deals_per_month), closing_service(deals_per_month)
    first = once.close(MANAGER, today=day)
    closed = twice.close(MANAGER, today=day)
    assert twice.close(MANAGER, today=day) == ()
    assert stored(twice) == stored(once) == {c.card_id: c for c in closed}
    assert first == closed
    # every closed card's period is over by `day`, every open one's is not
    for card in twice.cards.find():
        assert (card.id in stored(twice)) == (card.period.end <= day)


class _LosesRevisions(MemoryScorecards):
    """A broken adapter: it keeps only the latest revision."""

    def history(self, card_id):
        return super().history(card_id)[-1:]


class _Resurrects(MemoryScorecards):
    """A broken adapter: a deleted card's id is free again, history and all forgotten."""

    def delete_many(self, card_ids, *, change):
        count = super().delete_many(card_ids, change=change)
        for card_id in card_ids:
            self._history.pop(card_id, None)
        return count


@pytest.mark.parametrize(
    ("broken", "test", "promise"),
    [
        (_LosesRevisions, "test_every_write_keeps_a_revision_with_its_change", "a revision was lost"),
        (_LosesRevisions, "test_a_deletion_is_the_last_revision_and_history_outlives_the_card", "history kept"),
        (_Resurrects, "test_a_deleted_card_never_comes_back", "never be resurrected"),
    ],
)
def test_the_contract_names_the_promise_a_broken_adapter_breaks(broken, test, promise):
    suite = ScorecardRepositoryContract()
    getattr(suite, test)(MemoryScorecards())  # the reference adapter keeps the promise
    with pytest.raises(AssertionError, match="contract broken") as failure:
        getattr(suite, test)(broken())
    assert promise in str(failure.value)
