"""One rep's CRM data never fails everyone's dashboard (DESIGN 0.3, "Each use case is one step")."""

import pendulum
import pytest

from scorekit import Cadence, CardFailure, Date, InvalidNumber, Parameter, User
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, Record, RecordsMetricSource
from scorekit.service import Actor, CardTemplate, Role, Scorekit

BOSS = Actor("boss", Role.MANAGER)
MARCH_10 = pendulum.datetime(2024, 3, 10, 12, tz="UTC")
DAY = pendulum.datetime(2024, 3, 2, 9, tz="UTC")


def service(records):
    return Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource(records),
        manual=MemoryManualValues(),
        clock=FixedClock(MARCH_10),
    )


@pytest.mark.parametrize("people", [2, 5, 9])
def test_a_card_whose_data_cannot_be_scored_is_set_apart_and_every_other_card_is_scored(people):
    # bob's two valid deals sum to 1.2 x 10**15, past scorekit's bound of 10**15: his card cannot be
    # scored; everybody else's (one deal of 3 each, target 10) is 30%.
    names = ["bob", *(f"rep{i}" for i in range(people - 1))]
    records = [Record("b1", "revenue", "bob", DAY, 6 * 10**14), Record("b2", "revenue", "bob", DAY, 6 * 10**14)]
    records += [Record(f"d-{name}", "revenue", name, DAY, 3) for name in names[1:]]
    svc = service(records)
    svc.create_cards(
        BOSS, CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("revenue", 10, 100)]), [User(n) for n in names]
    )
    board = svc.dashboard(BOSS)
    assert board.failures == (CardFailure("bob@2024-03-01", board.failures[0].error),)
    assert "must be less than 10**15" in board.failures[0].error
    assert sorted(s.card.id for s in board.scores) == sorted(f"{n}@2024-03-01" for n in names[1:])
    assert all(s.percent() == 30 for s in board.scores)
    assert (board.summary.count, board.summary.failed) == (people - 1, 1)
    assert "1 could not be scored" in repr(board)
    with pytest.raises(InvalidNumber, match="bob@2024-03-01"):
        svc.report(BOSS, "bob@2024-03-01")


def test_a_dashboard_without_failures_says_nothing_of_them():
    svc = service([Record("d1", "revenue", "ann", DAY, 3)])
    svc.create_cards(
        BOSS, CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("revenue", 10, 100)]), [User("ann")]
    )
    board = svc.dashboard(BOSS)
    assert (board.failures, board.summary.failed) == ((), 0)
    assert "could not be scored" not in repr(board)
