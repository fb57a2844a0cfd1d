"""Managers see their own people (DESIGN 0.3): every role x use case x (in scope, out of scope, own card)."""

import itertools

import pytest

from conftest import MARCH_10, template
from scorekit import CardNotFound, Date, Parameter, PermissionDenied, ScorekitError, Team, User
from scorekit.adapters.memory import (
    FixedClock,
    MemoryAdjustments,
    MemoryManualValues,
    MemoryScorecards,
    MemorySnapshots,
    RecordsMetricSource,
    StaticOrgChart,
)
from scorekit.ports import OrgChart
from scorekit.service import Actor, Role, Scorekit

# lea manages ann and max directly, and bob through max; zed manages cid.
CHART = {"lea": ["ann", "max"], "max": ["bob"], "zed": ["cid"]}
LEA = Actor("lea", Role.MANAGER)
ROOT = Actor("root", Role.ADMIN)
FEBRUARY = template().cadence.period(1)  # over on March 10: closable, and rolls over into March
MAY = template().cadence.period(4)

OWNERS = {
    "in scope": User("ann"),
    "team in scope": Team("north", ["ann", "bob"]),  # both lea's
    "out of scope": User("cid"),
    "own card": User("lea"),
    "mixed team": Team("mixed", ["ann", "cid"]),  # lea sees it (ann), but cid is not hers
}


def service_with(owner, org=None):
    """A service holding one February card of `owner`, made by an admin."""
    counter = itertools.count(1)
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
        snapshots=MemorySnapshots(),
        adjustments=MemoryAdjustments(),
        new_id=lambda: f"card-{next(counter)}",
        org=org,
    )
    (card,) = svc.create_cards(ROOT, template(rollover=True), [owner], period=FEBRUARY)
    return svc, card


def state(svc):
    """Everything a use case could change: every card ever stored with its history, manual values, closed scores."""
    ids = sorted({card_id for card_id, _ in svc.cards._history.items()})  # deleted ones too
    return (
        {card_id: svc.cards.history(card_id) for card_id in ids},
        svc.manual.entries(ids),
        dict(svc.snapshots.get(ids)),
        svc.adjustment_store.for_cards(ids),
    )


# Each use case: (what it does to the card, whether it decides by the owner rather than by a stored card).
CHANGES = {
    "edit": lambda s, a, c: s.edit(a, c.id, expected_version=c.version, name="renamed"),
    "delete": lambda s, a, c: s.delete(a, c.id),
    "edit_group": lambda s, a, c: s.edit_group(a, [c.id], [Parameter("deals_won", 5, 100)]),
    "reopen": lambda s, a, c: s.reopen(a, c.id, reason="a late deal"),  # closed by an admin first
    "adjust": lambda s, a, c: s.adjust(a, c.id, "deals_won", "credit", 1, reason="D-7 booked late"),
    "record_manual_value": lambda s, a, c: s.record_manual_value(a, c.id, "demos", 3),  # February is over
    "add_similar": lambda s, a, c: s.add_similar(a, c.id, c.owner, period=MAY),
    "create_cards": lambda s, a, c: s.create_cards(a, template(), [c.owner], period=MAY),
    "delete_all_for_user": lambda s, a, c: s.delete_all_for_user(a, c.owner.id),
    "close": lambda s, a, c: [closed.card_id for closed in s.close(a)],
    "roll_over": lambda s, a, c: [card.series_id for card in s.roll_over(a)],
}
READS = {
    "report": lambda s, a, c: s.report(a, c.id),
    "history": lambda s, a, c: s.history(a, c.id),
    "trend": lambda s, a, c: s.trend(a, c.series_id),
    "adjustments": lambda s, a, c: s.adjustments(a, c.id),
    "dashboard": lambda s, a, c: [score.card.id for score in s.dashboard(a, on="all").scores],
}
BY_OWNER = {"create_cards", "delete_all_for_user"}  # no stored card to hide: a refusal is PermissionDenied
SWEEPS = {"close", "roll_over", "dashboard"}  # they cover what the actor may: a card out of reach is left out

ACTORS = {
    "admin": (ROOT, None),
    "manager without a chart": (LEA, None),
    "manager with a chart": (LEA, CHART),
    "user ann": (Actor("ann", Role.USER), CHART),
}


def expected(actor_name, case, use_case):
    """'ok', 'denied' (PermissionDenied) or 'hidden' (CardNotFound): DESIGN 0.3's rules written out."""
    if actor_name in ("admin", "manager without a chart"):
        return "ok"
    subjects = OWNERS[case].subjects
    if actor_name == "user ann":
        sees = "ann" in subjects
        changes = False
        if use_case == "record_manual_value":  # a user records on what they see, while the period is open
            return "denied" if sees else "hidden"
        if use_case not in READS:
            return "denied"  # only managers and administrators change cards
    else:
        members = StaticOrgChart(CHART).members("lea")  # ann, bob, max
        sees = "lea" in subjects or not members.isdisjoint(subjects)
        changes = "lea" not in subjects and subjects <= members
    if use_case in READS:
        return "ok" if sees else "hidden"
    if changes:
        return "ok"
    return "denied" if sees or use_case in BY_OWNER else "hidden"


def cases():
    for actor_name, case, use_case in itertools.product(ACTORS, OWNERS, [*CHANGES, *READS]):
        if use_case == "delete_all_for_user" and isinstance(OWNERS[case], Team):
            continue  # only a user's own cards go
        yield pytest.param(actor_name, case, use_case, id=f"{actor_name}-{case}-{use_case}")


@pytest.mark.parametrize(("actor_name", "case", "use_case"), list(cases()))
def test_every_role_use_case_and_scope(actor_name, case, use_case):
    actor, chart = ACTORS[actor_name]
    svc, card = service_with(OWNERS[case], StaticOrgChart(chart) if chart is not None else None)
    run = {**CHANGES, **READS}[use_case]
    want = expected(actor_name, case, use_case)
    if use_case == "reopen":
        svc.close(ROOT)
    before = state(svc)
    if use_case in SWEEPS and not (actor.role is Role.USER and use_case in CHANGES):
        answer = run(svc, actor, card)
        reached = card.id in answer or card.series_id in answer
        assert reached is (want == "ok")
        if want != "ok":
            assert state(svc) == before
        return
    if want == "ok":
        run(svc, actor, card)
        if use_case not in READS:
            assert state(svc) != before
        return
    with pytest.raises(PermissionDenied if want == "denied" else CardNotFound):
        run(svc, actor, card)
    assert state(svc) == before


def test_the_matrix_refuses_something_in_every_row():
    # The rule is not vacuous: a manager with a chart is refused out of scope and on their own card.
    assert expected("manager with a chart", "out of scope", "edit") == "hidden"
    assert expected("manager with a chart", "own card", "edit") == "denied"
    assert expected("manager with a chart", "mixed team", "report") == "ok"
    assert expected("manager with a chart", "team in scope", "delete") == "ok"


class TestMessages:
    def test_a_manager_never_sets_their_own_targets(self):
        svc, card = service_with(User("lea"), StaticOrgChart(CHART))
        with pytest.raises(PermissionDenied, match=r"manager 'lea' may not edit card .*never changes their own card"):
            svc.edit(LEA, card.id, expected_version=1, name="mine")

    def test_a_card_out_of_sight_does_not_exist(self):
        svc, card = service_with(User("cid"), StaticOrgChart(CHART))
        with pytest.raises(CardNotFound, match=f"no card {card.id!r}"):
            svc.report(LEA, card.id)

    def test_a_team_cannot_be_given_someone_else(self):
        svc, card = service_with(Team("north", ["ann", "bob"]), StaticOrgChart(CHART))
        before = state(svc)
        with pytest.raises(PermissionDenied, match=r"cid"):
            svc.edit(LEA, card.id, expected_version=1, owner=Team("north", ["ann", "bob", "cid"]))
        assert state(svc) == before
        svc.edit(LEA, card.id, expected_version=1, owner=Team("north", ["ann", "bob", "max"]))

    def test_create_cards_is_all_or_nothing_across_owners(self):
        svc, _card = service_with(User("ann"), StaticOrgChart(CHART))
        before = state(svc)
        with pytest.raises(PermissionDenied, match="cid"):
            svc.create_cards(LEA, template(), [User("bob"), User("cid")], period=MAY)
        assert state(svc) == before

    def test_add_similar_for_someone_out_of_scope(self):
        svc, card = service_with(User("ann"), StaticOrgChart(CHART))
        before = state(svc)
        with pytest.raises(PermissionDenied, match="cid"):
            svc.add_similar(LEA, card.id, User("cid"))
        assert state(svc) == before
        assert svc.add_similar(LEA, card.id, User("bob")).owner == User("bob")

    def test_a_manager_records_late_only_on_cards_they_change(self):
        svc, card = service_with(Team("mixed", ["ann", "lea"]), StaticOrgChart(CHART))
        with pytest.raises(PermissionDenied, match=r"period .* is over"):
            svc.record_manual_value(LEA, card.id, "demos", 2)  # her own team card: as a user would


class TestCharts:
    def test_a_cycle_is_tolerated(self):
        chart = StaticOrgChart({"a": ["b"], "b": ["a", "c"]})
        assert chart.members("a") == {"a", "b", "c"}
        svc, own = service_with(User("a"), chart)
        (theirs,) = svc.create_cards(ROOT, template(), [User("c")], period=MAY)
        with pytest.raises(PermissionDenied):  # in her own chain of reports, still her own card
            svc.edit(Actor("a", Role.MANAGER), own.id, expected_version=1, name="x")
        assert svc.edit(Actor("a", Role.MANAGER), theirs.id, expected_version=1, name="x").name == "x"

    def test_a_chain_a_thousand_levels_deep(self):
        chart = StaticOrgChart({f"m{i}": [f"m{i + 1}"] for i in range(1000)})
        assert len(chart.members("m0")) == 1000  # m1 .. m1000
        svc, card = service_with(User("m1000"), chart)
        assert svc.edit(Actor("m0", Role.MANAGER), card.id, expected_version=1, name="deep").name == "deep"
        with pytest.raises(CardNotFound):
            svc.report(Actor("m1000", Role.MANAGER), svc.create_cards(ROOT, template(), [User("m0")], period=MAY)[0].id)

    def test_it_is_an_org_chart(self):
        assert isinstance(StaticOrgChart({}), OrgChart)
        assert StaticOrgChart({}).members("nobody") == frozenset()

    @pytest.mark.parametrize("reports", [["ann"], {"lea": "ann"}, {"lea": [""]}, {"": ["ann"]}])
    def test_bad_reports(self, reports):
        with pytest.raises(ScorekitError):
            StaticOrgChart(reports)


class Broken:
    def __init__(self, answer=None):
        self.answer = answer

    def members(self, manager_id):
        if self.answer is None:
            raise OSError("directory service down")
        return self.answer


@pytest.mark.parametrize(
    "chart", [Broken(), Broken(["ann"]), Broken(frozenset({1}))], ids=["raises", "a list", "not ids"]
)
@pytest.mark.parametrize("use_case", [*CHANGES, *READS])
def test_a_failing_org_chart_is_a_scorekit_error_and_changes_nothing(chart, use_case):
    svc, card = service_with(User("ann"), chart)
    if use_case == "reopen":
        svc.close(ROOT)
    before = state(svc)
    with pytest.raises(ScorekitError, match="org chart") as raised:
        {**CHANGES, **READS}[use_case](svc, LEA, card)
    assert type(raised.value) is ScorekitError
    assert state(svc) == before


def test_dashboard_scope_costs_a_set_intersection_per_card():
    # Not timed: counts that the chart is asked once per dashboard, whatever the number of cards.
    asked = []

    class Counting(StaticOrgChart):
        def members(self, manager_id):
            asked.append(manager_id)
            return super().members(manager_id)

    svc, _card = service_with(User("ann"), Counting(CHART))
    svc.create_cards(ROOT, template(), [User(f"u{i}") for i in range(50)] + [User("bob")], period=FEBRUARY)
    seen = [score.card.owner.id for score in svc.dashboard(LEA, on=Date(2024, 2, 5)).scores]
    assert sorted(seen) == ["ann", "bob"]
    assert asked == ["lea"]
