"""F1..F16 of the scorecard screens, end to end on the SQLite adapter, in the order a manager meets them."""

from decimal import Decimal

import pendulum
import pytest

from conftest import ANN, MANAGER, NORTH, template
from scorekit import Cadence, Date, Metric, Parameter, PermissionDenied, Status, User
from scorekit.service import CardTemplate


@pytest.fixture
def svc(sqlite_service):
    return sqlite_service


def test_f01_only_managers_and_admins_create_cards(svc):
    with pytest.raises(PermissionDenied):
        svc.create_cards(ANN, template(), [User("ann")])
    assert svc.create_cards(MANAGER, template(), [User("ann")])


def test_f02_a_card_has_a_settlement_period_and_a_counting_start(svc):
    quarterly = CardTemplate(
        Cadence.quarterly(Date(2024, 4, 1)), [Parameter("deals_won", 30, 100, counts_from=Date(2024, 2, 10))]
    )
    (card,) = svc.create_cards(MANAGER, quarterly, [User("ann")])
    assert str(card.period) == "[2024-01-01, 2024-04-01)"  # the fiscal Q4 that holds March 10
    assert card.window("deals_won").start == Date(2024, 2, 10)
    custom = CardTemplate(Cadence.custom(Date(2024, 3, 4), Date(2024, 3, 18)), [Parameter("calls", 50, 100)])
    (sprint,) = svc.create_cards(MANAGER, custom, [User("ann")])
    assert str(sprint.period) == "[2024-03-04, 2024-03-18)"


def test_f03_rollover_creates_the_next_periods_card(svc):
    (card,) = svc.create_cards(MANAGER, template(rollover=True), [User("ann")])
    (following,) = svc.roll_over(MANAGER, today=Date(2024, 4, 1))
    assert (following.owner, following.parameters, str(following.period)) == (
        card.owner,
        card.parameters,
        "[2024-04-01, 2024-05-01)",
    )
    assert svc.roll_over(MANAGER, today=Date(2024, 4, 1)) == ()


def test_f04_one_card_for_each_chosen_user_or_a_team(svc):
    cards = svc.create_cards(MANAGER, template(), [User("ann"), User("bob"), NORTH])
    assert [c.subjects for c in cards] == [frozenset({"ann"}), frozenset({"bob"}), frozenset({"ann", "bob"})]


def test_f05_parameters_have_a_target_a_start_and_a_weight(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    deals = card.parameter("deals_won")
    assert (deals.target, str(deals.weight)) == (10, "50%")


def test_f06_weights_must_add_up_to_exactly_100(svc):
    with pytest.raises(ValueError, match=r"weights sum to 99.99% \(33.33% \+ 66.66%\)"):
        CardTemplate(template().cadence, [Parameter("deals_won", 10, "33.33"), Parameter("calls", 10, "66.66")])
    assert svc.cards.find() == ()


def test_f07_a_custom_parameter_with_its_own_unit_is_updated_by_hand(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    assert card.parameter("demos").metric == Metric.custom("demos", "demos")
    svc.record_manual_value(ANN, card.id, "demos", 3)
    assert svc.report(ANN, card.id).parameter("demos").actual == 3


def test_f08_add_similar_card_copies_the_parameters(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    copy = svc.add_similar(MANAGER, card.id, User("bob"))
    assert copy.parameters == card.parameters
    assert copy.id != card.id


def test_f09_a_summary_of_all_cards(svc):
    svc.create_cards(MANAGER, template(), [User("ann"), User("bob")])
    summary = svc.dashboard(MANAGER).summary
    assert summary.count == 2
    assert summary.behind + summary.on_track + summary.achieved == 2


def test_f10_group_similar_cards(svc):
    svc.create_cards(MANAGER, template(), [User("ann"), User("bob")])
    other = CardTemplate(template().cadence, [Parameter("deals_won", 99, 100)])
    svc.create_cards(MANAGER, other, [User("cid")])
    groups = svc.dashboard(MANAGER).groups
    assert sorted(len(g.scores) for g in groups) == [1, 2]


def test_f11_a_card_shows_each_parameters_achievement(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    result = svc.report(ANN, card.id)
    # ann has 2 deals of 10 and 30 calls of 100 by March 10; no demos entered yet
    assert [(p.key, str(p.achievement)) for p in result.parameters] == [
        ("deals_won", "0.2"),
        ("calls", "0.3"),
        ("demos", "0"),
    ]
    assert result.total == Decimal("0.19")


def test_f12_details_list_the_records_that_were_counted(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    evidence = svc.report(ANN, card.id).parameter("deals_won").evidence
    assert [(e.id, e.label) for e in evidence] == [("d1", "ACME"), ("d2", "Globex")]


def test_f13_edit_a_card_with_its_current_parameters_prefilled(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    current = svc.cards.get(card.id).parameters  # what the editor shows
    changed = [current[0].evolve(target=20), *current[1:]]
    edited = svc.edit(MANAGER, card.id, expected_version=card.version, parameters=changed)
    assert edited.parameter("deals_won").target == 20
    assert edited.version == 2


def test_f14_delete_a_card(svc):
    (card,) = svc.create_cards(MANAGER, template(), [User("ann")])
    svc.delete(MANAGER, card.id)
    assert svc.cards.find() == ()


def test_f15_delete_all_cards_of_a_user(svc):
    svc.create_cards(MANAGER, template(), [User("ann"), User("bob")])
    svc.create_cards(MANAGER, template(), [User("ann")])
    assert svc.delete_all_for_user(MANAGER, "ann") == 2
    assert [c.owner.id for c in svc.cards.find()] == ["bob"]


def test_f16_edit_the_parameters_of_a_group_at_once(svc):
    svc.create_cards(MANAGER, template(), [User("ann"), User("bob")])
    (group,) = svc.dashboard(MANAGER).groups
    edited = svc.edit_group(MANAGER, group.card_ids, [Parameter("deals_won", 8, 100)])
    assert {c.parameter("deals_won").target for c in edited} == {8}
    april = pendulum.datetime(2024, 4, 1, tz="UTC")
    assert svc.dashboard(MANAGER, as_of=april).scores == ()  # by default only April's cards, and there are none
    assert len(svc.dashboard(MANAGER, as_of=april, on="all").groups) == 1
    assert all(s.status is Status.MISSED for s in svc.dashboard(MANAGER, as_of=april, on=Date(2024, 3, 31)).scores)
