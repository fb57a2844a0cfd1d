"""`Scorekit.edit(..., effective=)` and `edit_group(..., effective=)`: a target changed from a date (DESIGN 0.3)."""

import pendulum
import pytest

from scorekit import Cadence, Date, InvalidScorecard, Parameter, TargetStep, User, score
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.service import Actor, CardTemplate, Role, Scorekit

BOSS = Actor("boss", Role.MANAGER)
APRIL = Cadence.monthly(Date(2024, 4, 1))


def service():
    return Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=FixedClock(pendulum.datetime(2024, 4, 9, 12, tz="UTC")),
    )


def april_card(svc, *parameters):
    template = CardTemplate(APRIL, parameters or [Parameter("deals_won", 10, 60), Parameter("calls", 100, 40)])
    (card,) = svc.create_cards(BOSS, template, [User("ann")])
    return card


def test_the_worked_example_raises_the_target_from_the_10th():
    # April 2024 (30 days), target 10, raised to 20 from April 10:
    # T = (9 x 10 + 21 x 20) / 30 = 510 / 30 = 17.  On April 9, 9 days elapsed, 3 deals:
    # T_d = 9 x 10 / 30 = 3, expected 3/17, achievement 3/17, projected actual 17, projected 1: on track.
    svc = service()
    card = april_card(svc, Parameter("deals_won", 10, 100))
    edited = svc.edit(
        BOSS, card.id, expected_version=1, parameters=[Parameter("deals_won", 20, 100)], effective=Date(2024, 4, 10)
    )
    (deals,) = edited.parameters
    assert deals.target == 10
    assert deals.steps == (TargetStep(Date(2024, 4, 10), 20),)
    result = score(edited, {"deals_won": 3}, as_of=pendulum.datetime(2024, 4, 9, 12, tz="UTC")).parameters[0]
    assert result.target == 17
    assert result.projected == 1
    assert result.status.value == "on_track"


def test_an_unchanged_target_keeps_its_steps_and_a_changed_one_replaces_the_later_steps():
    svc = service()
    steps = (TargetStep(Date(2024, 4, 5), 12), TargetStep(Date(2024, 4, 20), 15))
    card = april_card(svc, Parameter("deals_won", 10, 60, steps=steps), Parameter("calls", 100, 40))
    edited = svc.edit(
        BOSS,
        card.id,
        expected_version=1,
        parameters=[Parameter("deals_won", 14, 60, steps=steps), Parameter("calls", 100, 40)],
        effective=Date(2024, 4, 10),
    )
    deals, calls = edited.parameters
    # the step of the 5th stays; the one of the 20th (on or after the 10th) is replaced by 14 from the 10th
    assert deals.steps == (TargetStep(Date(2024, 4, 5), 12), TargetStep(Date(2024, 4, 10), 14))
    assert calls == card.parameters[1]
    assert svc.cards.get(card.id).version == 2


@pytest.mark.parametrize(
    ("parameters", "effective", "message"),
    [
        ([Parameter("deals_won", 20, 50), Parameter("calls", 100, 50)], Date(2024, 4, 10), "changes its weight"),
        (
            [Parameter("deals_won", 20, 60, cap="1.5"), Parameter("calls", 100, 40)],
            Date(2024, 4, 10),
            "changes its cap",
        ),
        ([Parameter("deals_won", 20, 100)], Date(2024, 4, 10), "targets only"),
        ([Parameter("deals_won", 20, 60), Parameter("calls", 100, 40)], Date(2024, 4, 1), "strictly inside"),
        ([Parameter("deals_won", 20, 60), Parameter("calls", 100, 40)], Date(2024, 5, 1), "strictly inside"),
    ],
)
def test_anything_but_a_target_inside_the_period_is_refused_and_nothing_changes(parameters, effective, message):
    svc = service()
    card = april_card(svc)
    with pytest.raises(InvalidScorecard, match=message):
        svc.edit(BOSS, card.id, expected_version=1, parameters=parameters, effective=effective)
    assert svc.cards.get(card.id) == card


def test_an_edit_from_a_date_takes_parameters_only():
    svc = service()
    card = april_card(svc)
    with pytest.raises(InvalidScorecard, match="targets only"):
        svc.edit(BOSS, card.id, expected_version=1, name="New", effective=Date(2024, 4, 10))
    assert svc.cards.get(card.id) == card


def test_a_group_edit_from_a_date_moves_every_cards_target():
    svc = service()
    template = CardTemplate(APRIL, [Parameter("deals_won", 10, 100)])
    cards = svc.create_cards(BOSS, template, [User("ann"), User("bob")])
    edited = svc.edit_group(BOSS, [c.id for c in cards], [Parameter("deals_won", 20, 100)], effective=Date(2024, 4, 10))
    assert [c.parameters[0].steps for c in edited] == [(TargetStep(Date(2024, 4, 10), 20),)] * 2
    assert [c.parameters[0].target for c in edited] == [10, 10]


def test_a_template_carries_a_ramp_and_a_phasing_and_a_copy_for_another_owner_drops_the_ramp():
    # Ramp from 2024-04-15, factors (0.5,): April's target 10 becomes 5 for the new hire.
    from scorekit import Phasing, Ramp

    svc = service()
    template = CardTemplate(
        APRIL, [Parameter("deals_won", 10, 100)], ramp=Ramp(Date(2024, 4, 15), ("0.5",)), phasing=Phasing({4: 2})
    )
    (card,) = svc.create_cards(BOSS, template, [User("ann")])
    assert card.ramp == Ramp(Date(2024, 4, 15), ("0.5",))
    assert card.phasing == Phasing({4: 2})
    assert str(card.ramp_factor) == "0.5"
    copy = svc.add_similar(BOSS, card.id, User("bob"))
    assert copy.ramp is None
    assert copy.phasing == card.phasing
    assert card.next_card().ramp == card.ramp  # rollover carries it (its factor past the list is 1)
