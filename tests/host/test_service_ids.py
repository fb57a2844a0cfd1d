"""`create_cards` and `add_similar` give ids a person can read, derived from owner and period as rollover ids are."""

import pendulum
import pytest

from scorekit import Cadence, Date, Parameter, Team, User
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.service import Actor, CardTemplate, Role, Scorekit

BOSS = Actor("boss", Role.MANAGER)
APRIL = Cadence.monthly(Date(2024, 1, 1))
TEMPLATE = CardTemplate(APRIL, [Parameter("deals_won", 10, 100)], rollover=True)


def service(**kwargs):
    return Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=FixedClock(pendulum.datetime(2024, 4, 10, tz="UTC")),
        **kwargs,
    )


def test_owner_at_period_start():
    svc = service()
    cards = svc.create_cards(BOSS, TEMPLATE, [User("ann"), Team("north", ["ann", "bob"])])
    assert [c.id for c in cards] == ["ann@2024-04-01", "north@2024-04-01"]


def test_a_second_card_for_the_same_owner_and_period_gets_a_suffix():
    svc = service()
    svc.create_cards(BOSS, TEMPLATE, [User("ann")])
    (second,) = svc.create_cards(BOSS, CardTemplate(APRIL, [Parameter("calls", 100, 100)]), [User("ann")])
    (third,) = svc.create_cards(BOSS, CardTemplate(APRIL, [Parameter("revenue", 1, 100)]), [User("ann")])
    assert (second.id, third.id) == ("ann@2024-04-01~2", "ann@2024-04-01~3")


def test_a_user_and_a_team_of_the_same_name_in_one_call():
    svc = service()
    cards = svc.create_cards(BOSS, TEMPLATE, [User("north"), Team("north", ["ann"])])
    assert [c.id for c in cards] == ["north@2024-04-01", "north@2024-04-01~2"]


def test_a_deleted_cards_id_is_not_reused():
    svc = service()
    (first,) = svc.create_cards(BOSS, TEMPLATE, [User("ann")])
    svc.delete(BOSS, first.id, reason="made by mistake")
    (again,) = svc.create_cards(BOSS, TEMPLATE, [User("ann")])
    assert again.id == "ann@2024-04-01~2"


def test_a_long_owner_id_keeps_the_period_and_fits():
    svc = service()
    (card,) = svc.create_cards(BOSS, TEMPLATE, [User("a" * 200)])
    assert len(card.id) == 200
    assert card.id.endswith("@2024-04-01")


def test_a_hosts_own_id_scheme_wins():
    svc = service(new_id=lambda: "host-1")
    (card,) = svc.create_cards(BOSS, TEMPLATE, [User("ann")])
    assert card.id == "host-1"


@pytest.mark.parametrize("owner", [User("ann"), Team("north", ["ann"])])
def test_rolled_over_ids_read_the_same_way(owner):
    svc = service()
    (card,) = svc.create_cards(BOSS, TEMPLATE, [owner])
    (following,) = svc.roll_over(BOSS, today=Date(2024, 5, 2))
    assert following.id == f"{owner.id}@2024-04-01@2024-05-01"  # the series is the first card's id
    assert following.series_id == card.id


def test_a_similar_card_gets_a_readable_id_too():
    svc = service()
    (card,) = svc.create_cards(BOSS, TEMPLATE, [User("ann")])
    assert svc.add_similar(BOSS, card.id, User("bob")).id == "bob@2024-04-01"
    assert svc.add_similar(BOSS, card.id, User("bob")).id == "bob@2024-04-01~2"
