"""`Scorekit.adjust` and `Scorekit.adjustments`: who may, what is refused (nothing stored), deletion and purge."""

import itertools
from decimal import Decimal

import attrs
import pendulum
import pytest

import scorekit
from scorekit import Cadence, Date, Metric, Parameter, Status, User
from scorekit.adapters.memory import (
    FixedClock,
    MemoryAdjustments,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    Record,
    RecordsMetricSource,
)
from scorekit.adapters.sqlite import SQLiteAdjustments, SQLiteManualValues, SQLiteScorecards, SQLiteSnapshots
from scorekit.adjustment import AdjustmentKind
from scorekit.codec import fingerprint
from scorekit.errors import CardNotFound, InvalidParameter, InvalidScorecard, PermissionDenied, ScorekitError
from scorekit.service import Actor, CardTemplate, Role, Scorekit

BOSS = Actor("boss", Role.MANAGER)
ROOT = Actor("root", Role.ADMIN)
ANN = Actor("ann", Role.USER)
BOB = Actor("bob", Role.USER)
APRIL = Cadence.monthly(Date(2024, 4, 1))
APRIL_20 = pendulum.datetime(2024, 4, 20, 9, tz="UTC")

PARAMETERS = [
    Parameter(Metric("deals_won", "deals"), 10, 40),
    Parameter(Metric("revenue", "PLN"), 50_000, 20, baseline=20_000),
    Parameter(Metric("nps", "points", accumulation="average"), 50, 10),
    Parameter(Metric("complaints", "complaints"), 2, 10, direction="lower_is_better"),
    Parameter(Metric("discount", "%"), 10, 10, direction="near_target", tolerance=2),
    Parameter(Metric.custom("demos", "demos"), 4, 10),
    Parameter(Metric("calls", "calls"), 100, 5, active=False),
]


def _stores(kind, path):
    if kind == "sqlite":
        return (
            SQLiteScorecards(path),
            SQLiteManualValues(path),
            SQLiteSnapshots(path),
            SQLiteAdjustments(path),
        )
    cards = MemoryScorecards()
    if kind == "memory":  # wired: one database
        return cards, MemoryManualValues(cards=cards), MemorySnapshots(cards=cards), MemoryAdjustments(cards=cards)
    return cards, MemoryManualValues(), MemorySnapshots(), MemoryAdjustments()  # each store on its own


@pytest.fixture(params=["memory", "sqlite", "separate"])
def svc(request, tmp_path):
    cards, manual, snapshots, adjustments = _stores(request.param, tmp_path / "one.sqlite3")
    ids = itertools.count(1)
    service = Scorekit(
        cards=cards,
        metrics=RecordsMetricSource([]),
        manual=manual,
        clock=FixedClock(APRIL_20),
        snapshots=snapshots,
        adjustments=adjustments,
        new_id=lambda: f"id-{next(ids)}",
    )
    (service.card,) = service.create_cards(BOSS, CardTemplate(APRIL, PARAMETERS), [User("ann")])
    yield service
    for port in (cards, manual, snapshots, adjustments):
        getattr(port, "close", lambda: None)()


def _stored(svc):
    return svc.adjustment_store.for_cards([svc.card.id])


def test_a_manager_adjusts_and_the_owner_sees_it(svc):
    made = svc.adjust(BOSS, svc.card.id, "deals_won", "credit", 2, reason="D-7 booked late")
    assert (made.id, made.kind, made.value, made.reason) == ("id-2", AdjustmentKind.CREDIT, 2, "D-7 booked late")
    assert (made.recorded_at, made.recorded_by, made.card_id) == (APRIL_20, "boss", svc.card.id)
    relief = svc.adjust(ROOT, svc.card.id, "deals_won", AdjustmentKind.RELIEF, 1, reason="two weeks of leave")
    clawback = svc.adjust(BOSS, svc.card.id, "revenue", "credit", "-1500.50", reason="D-3 refunded")
    assert svc.adjustments(ANN, svc.card.id) == (made, relief, clawback) == _stored(svc)
    with pytest.raises(CardNotFound):
        svc.adjustments(BOB, svc.card.id)  # not hers to see: as if it did not exist


@pytest.mark.parametrize(
    "case",
    [
        (ANN, "deals_won", "credit", 2, "mine", PermissionDenied, "only managers and administrators"),
        (BOSS, "unknown", "credit", 2, "late", InvalidParameter, "no scored metric 'unknown'"),
        (BOSS, "calls", "credit", 2, "late", InvalidParameter, "no scored metric 'calls'"),  # inactive
        (BOSS, "nps", "credit", 2, "late", InvalidParameter, "is a level"),
        (BOSS, "nps", "relief", 2, "leave", InvalidParameter, "is a level"),
        (BOSS, "complaints", "relief", 1, "leave", InvalidParameter, "lower_is_better"),
        (BOSS, "discount", "relief", 1, "leave", InvalidParameter, "near_target"),
        (BOSS, "deals_won", "relief", 10, "all of it", InvalidParameter, "leave its target 10 at 0"),
        (BOSS, "deals_won", "relief", 0, "nothing", InvalidParameter, "more than 0"),
        (BOSS, "revenue", "relief", 30_000, "down to the baseline", InvalidParameter, "above its baseline 20000"),
        (BOSS, "deals_won", "credit", 2, "", InvalidParameter, "needs a reason"),
        (BOSS, "deals_won", "credit", 2, "   ", InvalidParameter, "needs a reason"),
        (BOSS, "deals_won", "bonus", 2, "late", InvalidParameter, "kind must be one of"),
        (BOSS, "deals_won", "credit", "NaN", "late", InvalidParameter, "finite"),
        (BOSS, "deals_won", "credit", "0.0000000000001", "late", InvalidParameter, "12 digits"),
    ],
)
def test_bad_adjustments_are_refused_and_nothing_is_stored(svc, case):
    actor, metric, kind, value, reason, error, words = case
    with pytest.raises(error, match=words):
        svc.adjust(actor, svc.card.id, metric, kind, value, reason=reason)
    assert _stored(svc) == ()
    # no id was spent on it: the next adjustment gets the next id of the service's scheme
    assert svc.adjust(BOSS, svc.card.id, "deals_won", "credit", 1, reason="late").id == "id-2"


def test_a_relief_counts_those_recorded_before(svc):
    # target 10: reliefs of 6 then 3 leave 1; one more of 1 would leave 0
    svc.adjust(BOSS, svc.card.id, "deals_won", "relief", 6, reason="leave")
    svc.adjust(BOSS, svc.card.id, "deals_won", "relief", 3, reason="territory handed over")
    with pytest.raises(InvalidParameter, match="leave its target 10 at 0 after the reliefs of 9 recorded before"):
        svc.adjust(BOSS, svc.card.id, "deals_won", "relief", 1, reason="more leave")
    assert [a.value for a in _stored(svc)] == [6, 3]
    # revenue: target 50,000 over a baseline of 20,000, so a relief below 30,000 leaves room
    svc.adjust(BOSS, svc.card.id, "revenue", "relief", "29999.99", reason="key account moved")


def test_a_prorated_target_is_relieved_after_proration(svc):
    # counted from April 21 and prorated: 10 x 10/30 = 10/3; a relief of 3.4 would leave -1/15
    late = Parameter(Metric("deals_won", "deals"), 10, 40, counts_from=Date(2024, 4, 21), prorate=True)
    card = svc.edit(BOSS, svc.card.id, expected_version=1, parameters=[late, *PARAMETERS[1:]])
    with pytest.raises(InvalidParameter, match=r"leave its target 10/3 at -1/15"):
        svc.adjust(BOSS, card.id, "deals_won", "relief", "3.4", reason="leave")
    svc.adjust(BOSS, card.id, "deals_won", "relief", "3.3", reason="leave")  # leaves 1/30


def test_no_adjustment_on_a_closed_card(svc):
    svc.clock.set(pendulum.datetime(2024, 5, 2, tz="UTC"))
    (closed,) = svc.close(BOSS)
    with pytest.raises(InvalidScorecard, match="closed"):
        svc.adjust(BOSS, closed.card_id, "deals_won", "credit", 2, reason="D-7 booked late")
    assert _stored(svc) == ()
    svc.reopen(BOSS, closed.card_id, reason="late deal")
    svc.adjust(BOSS, closed.card_id, "deals_won", "credit", 2, reason="D-7 booked late")


def test_no_adjustment_on_a_card_that_is_not_there(svc):
    with pytest.raises(CardNotFound):
        svc.adjust(BOSS, "nobody", "deals_won", "credit", 2, reason="late")
    svc.delete(BOSS, svc.card.id)
    with pytest.raises(CardNotFound):
        svc.adjust(BOSS, svc.card.id, "deals_won", "credit", 2, reason="late")


def test_without_new_id_an_adjustment_is_numbered_on_its_card(tmp_path):
    cards = MemoryScorecards()
    svc = Scorekit(
        cards=cards,
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(cards=cards),
        clock=FixedClock(APRIL_20),
        adjustments=MemoryAdjustments(cards=cards),
    )
    (card,) = svc.create_cards(BOSS, CardTemplate(APRIL, PARAMETERS), [User("ann")])
    made = [svc.adjust(BOSS, card.id, "deals_won", "credit", n, reason="late") for n in (1, 2)]
    assert [a.id for a in made] == ["ann@2024-04-01/adj-1", "ann@2024-04-01/adj-2"]


def test_without_a_store_adjust_says_so(tmp_path):
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=FixedClock(APRIL_20),
    )
    (card,) = svc.create_cards(BOSS, CardTemplate(APRIL, PARAMETERS), [User("ann")])
    with pytest.raises(ScorekitError, match=r"without an adjustment store: build Scorekit\(..., adjustments=...\)"):
        svc.adjust(BOSS, card.id, "deals_won", "credit", 2, reason="late")
    assert svc.adjustments(ANN, card.id) == ()


def test_deleting_a_card_takes_its_adjustments(svc):
    svc.adjust(BOSS, svc.card.id, "deals_won", "credit", 2, reason="late")
    svc.delete(BOSS, svc.card.id, reason="ann left")
    assert _stored(svc) == ()


def test_purging_a_person_takes_their_adjustments(svc):
    (february,) = svc.create_cards(BOSS, CardTemplate(APRIL, PARAMETERS), [User("ann")], period=APRIL.period(-2))
    svc.adjust(BOSS, svc.card.id, "deals_won", "credit", 2, reason="late")
    svc.adjust(BOSS, february.id, "deals_won", "relief", 1, reason="leave")
    assert svc.delete_all_for_user(ROOT, "ann", purge=True) == 2
    assert svc.adjustment_store.for_cards([svc.card.id, february.id]) == ()
    for card_id in (svc.card.id, february.id):
        with pytest.raises(CardNotFound):
            svc.history(ROOT, card_id)


# -- scoring with adjustments: DESIGN's worked example through the service ------------------------------


class CountingAdjustments:
    """An adjustment store that counts its reads: a batch reads its cards' adjustments once."""

    def __init__(self, inner):
        self.inner = inner
        self.reads = 0

    def for_cards(self, card_ids):
        self.reads += 1
        return self.inner.for_cards(card_ids)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _example(kind, tmp_path):
    """April 2024, target 10 deals, 7 of them in the CRM; on April 29 a credit of 2 and a relief of 1."""
    cards, manual, snapshots, adjustments = _stores(kind, tmp_path / "one.sqlite3")
    deals = [Record(f"D-{n}", "deals_won", "ann", pendulum.datetime(2024, 4, 2 * n, tz="UTC")) for n in range(1, 8)]
    store = CountingAdjustments(adjustments)
    svc = Scorekit(
        cards=cards,
        metrics=RecordsMetricSource(deals),
        manual=manual,
        clock=FixedClock(pendulum.datetime(2024, 4, 29, 8, tz="UTC")),
        snapshots=snapshots,
        adjustments=store,
    )
    template = CardTemplate(APRIL, [Parameter("deals_won", 10, 100)], rollover=True)
    (card,) = svc.create_cards(BOSS, template, [User("ann")])
    credit = svc.adjust(BOSS, card.id, "deals_won", "credit", 2, reason="D-7 booked late")
    relief = svc.adjust(BOSS, card.id, "deals_won", "relief", 1, reason="two weeks of leave")
    return svc, card, (credit, relief), (cards, manual, snapshots, adjustments)


@pytest.fixture(params=["memory", "sqlite", "separate"])
def example(request, tmp_path):
    svc, card, made, ports = _example(request.param, tmp_path)
    yield svc, card, made
    for port in ports:
        getattr(port, "close", lambda: None)()


END = pendulum.datetime(2024, 5, 1, tz="UTC")


def test_the_worked_example_is_achieved_at_period_end(example):
    svc, card, (credit, _relief) = example
    report = svc.report(ANN, card.id, as_of=END)
    deals = report.parameter("deals_won")
    # actual 7 + 2 = 9; target 10 - 1 = 9; achievement 9 / 9 = 1: ACHIEVED
    assert (deals.actual, deals.target, deals.achievement) == (9, 9, 1)
    assert report.status is Status.ACHIEVED
    assert "adjustment:" + credit.id in [e.id for e in deals.evidence]
    before = svc.report(ANN, card.id, as_of=pendulum.datetime(2024, 4, 28, tz="UTC"))
    # before they were recorded: 7 deals of 10
    assert (before.parameter("deals_won").actual, before.parameter("deals_won").target) == (7, 10)


def test_dashboards_and_trends_read_the_adjustments_once_per_batch(example):
    svc, card, _made = example
    svc.clock.set(END.subtract(seconds=1))
    reads = svc.adjustment_store.reads
    (score,) = svc.dashboard(BOSS).scores
    assert score.parameter("deals_won").actual == 9
    assert svc.adjustment_store.reads == reads + 1
    svc.clock.set(pendulum.datetime(2024, 5, 20, tz="UTC"))
    svc.roll_over(BOSS)
    reads = svc.adjustment_store.reads
    april, may = svc.trend(ANN, card.series_id)
    # April as of its end: 9 of 9; May has no adjustment: nothing booked, target 10
    assert (april.parameter("deals_won").actual, april.parameter("deals_won").target) == (9, 9)
    assert may.parameter("deals_won").target == 10
    assert svc.adjustment_store.reads == reads + 1


def test_closing_keeps_and_fingerprints_the_adjustments(example):
    svc, card, (credit, relief) = example
    svc.clock.set(pendulum.datetime(2024, 5, 2, tz="UTC"))
    late = svc.adjust(BOSS, card.id, "deals_won", "credit", 5, reason="recorded after the period ended")
    (closed,) = svc.close(BOSS)
    # counted as of the period end: the credit and the relief, not the credit recorded on May 2
    assert closed.adjustments == (credit, relief)
    assert closed.score.percent() == 100
    assert closed.score.status is Status.ACHIEVED
    assert scorekit.verify(closed)
    assert closed.fingerprint == fingerprint(card, closed.measurements, closed.manual, adjustments=[relief, credit])
    assert closed.fingerprint != fingerprint(card, closed.measurements, closed.manual)
    assert not scorekit.verify(attrs.evolve(closed, adjustments=(credit,)))  # one left out: found
    assert late not in closed.adjustments
    stored = svc.snapshots.get([card.id])[card.id]
    assert stored == closed
    assert scorekit.verify(stored)


def test_an_edit_that_would_not_take_the_recorded_adjustments_is_refused_and_changes_nothing(svc):
    # reliefs of 6 then 3 on a target of 10 leave 1: a target of 9 would leave 0, so that edit is
    # refused naming the second relief; a target of 9.5 leaves 0.5 and is taken.
    first = svc.adjust(BOSS, svc.card.id, "deals_won", "relief", 6, reason="leave")
    second = svc.adjust(BOSS, svc.card.id, "deals_won", "relief", 3, reason="territory handed over")
    credit = svc.adjust(BOSS, svc.card.id, "revenue", "credit", 100, reason="late deal")
    lowered = [PARAMETERS[0].evolve(target=9), *PARAMETERS[1:]]
    with pytest.raises(InvalidParameter, match=rf"would not take the relief '{second.id}'.*leave its target 9 at 0"):
        svc.edit(BOSS, svc.card.id, expected_version=1, parameters=lowered)
    # removing the credited metric, or making the relieved one lower is better, is refused too
    without_revenue = [PARAMETERS[0].evolve(weight=60), *PARAMETERS[2:]]
    with pytest.raises(InvalidParameter, match=rf"the credit '{credit.id}'.*no scored metric 'revenue'"):
        svc.edit(BOSS, svc.card.id, expected_version=1, parameters=without_revenue)
    lower = [PARAMETERS[0].evolve(direction="lower_is_better"), *PARAMETERS[1:]]
    with pytest.raises(InvalidParameter, match=rf"the relief '{first.id}'.*higher-is-better sum only"):
        svc.edit_group(BOSS, [svc.card.id], lower)
    assert svc.cards.get(svc.card.id).version == 1  # nothing written
    kept = [PARAMETERS[0].evolve(target="9.5"), *PARAMETERS[1:]]
    assert svc.edit(BOSS, svc.card.id, expected_version=1, parameters=kept).version == 2


def test_a_relief_leaves_a_target_above_0_even_over_a_negative_baseline(svc):
    # target 10 over a baseline of -5: the target after reliefs must stay above 0 (the larger
    # bound), not merely above -5. A relief of 10 would leave 0: refused, naming 0; 9.99 leaves 0.01.
    below = Parameter(Metric("deals_won", "deals"), 10, 40, baseline=-5)
    card = svc.edit(BOSS, svc.card.id, expected_version=1, parameters=[below, *PARAMETERS[1:]])
    with pytest.raises(
        InvalidParameter, match=r"would leave its target 10 at 0; the target after reliefs must stay above 0$"
    ):
        svc.adjust(BOSS, card.id, "deals_won", "relief", 10, reason="leave")
    assert _stored(svc) == ()
    svc.adjust(BOSS, card.id, "deals_won", "relief", "9.99", reason="leave")
    report = svc.report(BOSS, card.id, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))
    assert report.parameter("deals_won").target == Decimal("0.01")  # 10 - 9.99
