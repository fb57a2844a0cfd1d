"""`score()`'s inputs beside the measurements: manual entries and adjustments for the wrong card or metric, reliefs.

Found missing by the mutation audit of the 0.3 core: each refusal names what was given
and what would be right; the numbers are worked out in comments.
"""

from decimal import Decimal

import pendulum
import pytest

from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    InvalidParameter,
    InvalidScorecard,
    ManualEntry,
    Metric,
    Parameter,
    Scorecard,
    User,
    score,
    score_many,
)
from scorekit.batch import ScoreRows

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")
AT = pendulum.datetime(2024, 4, 20, 10, tz="UTC")


def _card(*parameters: Parameter) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters) or [Parameter("deals_won", 10, 100)])


def _adjustment(
    kind: AdjustmentKind,
    value: object,
    *,
    ident: str = "a1",
    card: str = "c1",
    metric: str = "deals_won",
    at: pendulum.DateTime = AT,
) -> Adjustment:
    return Adjustment(ident, card, metric, kind, value, "leave", at, "boss")


class TestForAnotherCard:
    def test_a_manual_entry(self):
        entry = ManualEntry("zz", "deals_won", 3, AT, "ann")
        with pytest.raises(InvalidScorecard, match=r"^a manual entry for card 'zz' was given to score card 'c1'$"):
            score(_card(), {"deals_won": 1}, as_of=MAY_1, manual=[entry])

    def test_an_adjustment(self):
        with pytest.raises(InvalidScorecard, match=r"^an adjustment for card 'zz' was given to score card 'c1'$"):
            score(
                _card(), {"deals_won": 1}, as_of=MAY_1, adjustments=[_adjustment(AdjustmentKind.CREDIT, 1, card="zz")]
            )

    def test_something_without_a_card_is_shown_as_given(self):
        with pytest.raises(InvalidScorecard, match=r"^a manual entry 'deals_won=3' was given to score card 'c1'$"):
            score(_card(), {"deals_won": 1}, as_of=MAY_1, manual=["deals_won=3"])  # type: ignore[list-item]


class TestAdjustmentsThatCannotApply:
    def test_a_metric_the_card_does_not_have_names_the_card_s_metrics(self):
        card = _card(Parameter("deals_won", 10, 50), Parameter("calls", 100, 50))
        with pytest.raises(
            InvalidParameter,
            match=r"^card 'c1' has no metric 'visits' to adjust; its metrics are 'calls', 'deals_won'$",
        ):
            score(
                card,
                {"deals_won": 1, "calls": 1},
                as_of=MAY_1,
                adjustments=[_adjustment(AdjustmentKind.CREDIT, 1, metric="visits")],
            )

    def test_a_level_is_named(self):
        card = _card(Parameter(Metric("nps", accumulation="average"), 50, 100))
        with pytest.raises(
            InvalidParameter,
            match=r"^card 'c1': metric 'nps' is a level \(average of records\); adjustments apply to sums only$",
        ):
            score(card, {"nps": 40}, as_of=MAY_1, adjustments=[_adjustment(AdjustmentKind.CREDIT, 1, metric="nps")])


class TestReliefs:
    def test_a_relief_counts_from_the_instant_it_was_recorded(self):
        # Target 10, a relief of 2 recorded at exactly as_of: it counts, target 8.
        relief = _adjustment(AdjustmentKind.RELIEF, 2)
        assert score(_card(), {"deals_won": 4}, as_of=AT, adjustments=[relief]).parameters[0].target == 8
        assert (
            score(_card(), {"deals_won": 4}, as_of=AT.subtract(seconds=1), adjustments=[relief]).parameters[0].target
            == 10
        )

    def test_every_relief_is_explained(self):
        # Target 10, reliefs of 2 and 1: target 7, each relief on a line of its own.
        reliefs = [_adjustment(AdjustmentKind.RELIEF, 2), _adjustment(AdjustmentKind.RELIEF, 1, ident="a2")]
        result = score(_card(), {"deals_won": 4}, as_of=MAY_1, adjustments=reliefs)
        assert result.parameters[0].target == 7
        lines = result.explain().splitlines()
        assert [line for line in lines if line.startswith("  relief:")] == [
            "  relief: -2 (leave)",
            "  relief: -1 (leave)",
        ]

    @pytest.mark.parametrize(
        ("baseline", "relief", "bound"),
        [
            # target 10 over a baseline of -5: the bound that binds is 0 (10 - 10 = 0 is not above it)
            (-5, 10, "above 0"),
            # over a baseline of 4 the baseline binds (10 - 6 = 4 is not above 4)
            (4, 6, "above the baseline 4"),
        ],
    )
    def test_a_relief_leaving_no_target_names_the_bound_that_binds(self, baseline, relief, bound):
        card = _card(Parameter("deals_won", 10, 100, baseline=baseline))
        with pytest.raises(InvalidParameter, match=rf"must stay {bound}$"):
            score(card, {"deals_won": 4}, as_of=MAY_1, adjustments=[_adjustment(AdjustmentKind.RELIEF, relief)])


def test_score_rows_add_up_in_order():
    cards = [_card(), _card().evolve(id="c2")]
    batch = score_many(cards, [{"deals_won": 12}, {"deals_won": 4}], as_of=MAY_1)
    both = ScoreRows([(batch, 1)]) + ScoreRows([(batch, 0)])
    assert [s.card.id for s in both] == ["c2", "c1"]
    assert len(both) == 2


def test_score_rows_of_two_batches_add_up_each_to_its_own_batch():
    first = score_many([_card()], [{"deals_won": 12}], as_of=MAY_1)
    second = score_many(
        [_card().evolve(id="c2"), _card().evolve(id="c3")], [{"deals_won": 4}, {"deals_won": 7}], as_of=MAY_1
    )
    third = score_many([_card().evolve(id="c5")], [{"deals_won": 3}], as_of=MAY_1)
    alone = score(_card().evolve(id="c4"), {"deals_won": 1}, as_of=MAY_1)
    both = ScoreRows.of(first) + (ScoreRows([(second, 1), alone, (second, 0)]) + ScoreRows.of(third))
    # each row is read from the batch it came from: 12/10, 7/10, the score given whole, 4/10, 3/10
    assert [(s.card.id, s.total) for s in both] == [
        ("c1", Decimal("1.2")),
        ("c3", Decimal("0.7")),
        ("c4", Decimal("0.1")),
        ("c2", Decimal("0.4")),
        ("c5", Decimal("0.3")),
    ]
    assert both.cards == tuple(s.card for s in both)


def test_score_rows_of_a_batch_are_its_scores_and_take_given_scores_in_their_places():
    batch = score_many([_card(), _card().evolve(id="c2")], [{"deals_won": 12}, {"deals_won": 4}], as_of=MAY_1)
    closed = score(_card().evolve(id="c0"), {"deals_won": 9}, as_of=MAY_1)
    assert list(ScoreRows.of(batch)) == list(batch)
    placed = ScoreRows.of(batch)._placed([None, closed, None])
    assert [s.card.id for s in placed] == ["c1", "c0", "c2"]
    with pytest.raises(ValueError, match="2 rows for 1 places"):
        ScoreRows.of(batch)._placed([None])
