"""A batch replays an earlier card's row for a card of the same template and the same actuals, exactly.

`score_many` keeps each row by what decides it (the template's objects, the local date,
the actuals) and gives a later card scored alike that row (`scoring._Replay`).  These
check that a replayed row is the one the loop computes, digit for digit: cards of one
template (copies sharing their windows, copies sharing only their parameters, rebuilt
cards sharing nothing) with actuals drawn from a few values in several spellings
(``4``, ``4.0``, ``4.00``, ``-0``), against the per-card reference loop.
"""

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _score_reference import reference_score
from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    InvalidNumber,
    ManualEntry,
    Metric,
    Parameter,
    Scorecard,
    ScoreRows,
    User,
    score_many,
)
from scorekit.grouping import summarize
from scorekit.strategies import instants_for, scorecards
from test_score_many_properties import _signature


def _spellings(value: Decimal) -> list[Decimal]:
    """`value` and the same number with one and two more places (and -0 for 0): equal, not identical."""
    more = [value.quantize(Decimal(1).scaleb(value.as_tuple().exponent - extra)) for extra in (1, 2)]  # type: ignore[operator]
    return [value, *more, *([Decimal("-0")] if value == 0 else [])]


@st.composite
def one_template(draw: st.DrawFn) -> tuple[list[Scorecard], list[dict[str, Decimal]], pendulum.DateTime]:
    """Up to 8 cards of one drawn template, each given actuals from a few values in several spellings."""
    first = draw(scorecards())
    copies = [first]
    for index in range(draw(st.integers(1, 7))):
        how = draw(st.sampled_from(("copy_for", "evolve", "rebuilt")))
        owner = User(f"u{index}")
        if how == "copy_for":  # shares the windows
            copies.append(first.copy_for(owner, id=f"c{index}"))
        elif how == "evolve":  # shares the parameters, policy and period; windows built again
            copies.append(first.evolve(id=f"c{index}", owner=owner, series=None))
        else:  # equal, sharing no object
            copies.append(
                first.evolve(
                    id=f"c{index}", owner=owner, series=None, parameters=[p.evolve() for p in first.parameters]
                )
            )
    values = [Decimal(draw(st.integers(-50, 400))).scaleb(-draw(st.integers(0, 2))) for _ in range(3)]
    pool = [spelling for value in values for spelling in _spellings(value)]
    measurements = [{p.key: draw(st.sampled_from(pool)) for p in card.active_parameters} for card in copies]
    return copies, measurements, draw(instants_for(first))


@given(one_template())
def test_a_replayed_row_is_the_row_the_loop_computes(case):
    cards, measurements, as_of = case
    try:
        expected = [reference_score(card, given, as_of=as_of) for card, given in zip(cards, measurements, strict=True)]
    except Exception as error:  # noqa: BLE001 - whatever the loop raises, the batch raises the same
        with pytest.raises(type(error)):
            score_many(cards, measurements, as_of=as_of)
        return
    batch = score_many(cards, measurements, as_of=as_of)
    assert [repr(t) for t in batch.totals] == [repr(e.total) for e in expected]
    assert [_signature(s) for s in batch] == [_signature(e) for e in expected]
    # the summary reads each distinct row once with its count; the scores' own facts, one by one
    assert batch.summary() == summarize(expected)


def _pair() -> tuple[Scorecard, Scorecard]:
    c = Cadence.monthly(Date(2024, 4, 1))
    ann = Scorecard("ann", User("ann"), c, c.period(0), [Parameter("deals", 10, 50), Parameter("calls", 50, 50)])
    return ann, ann.copy_for(User("bob"), id="bob")


AS_OF = pendulum.datetime(2024, 4, 16, tz="UTC")


def test_a_copy_with_the_same_actuals_takes_the_first_cards_row():
    ann, bob = _pair()
    # equal Decimals, not the same objects: as two users' sums from a source are
    batch = score_many(
        [ann, bob],
        [{"deals": Decimal(4), "calls": Decimal(30)}, {"deals": Decimal(4), "calls": Decimal(30)}],
        as_of=AS_OF,
    )
    rows = batch._columns.parameters
    assert rows[1] is rows[0]  # replayed, not computed again
    # 4/10 * 0.5 + 30/50 * 0.5 = 0.2 + 0.3 = 0.5, for both; each keeps its own card
    assert batch.totals == (Decimal("0.5"), Decimal("0.5"))
    assert [s.card.id for s in batch] == ["ann", "bob"]


def test_a_parameter_not_started_and_not_given_does_not_stop_the_replay():
    c = Cadence.monthly(Date(2024, 4, 1))
    later = Parameter("demos", 5, 50, counts_from=Date(2024, 4, 20))  # not started on the 16th: not asked
    ann = Scorecard("ann", User("ann"), c, c.period(0), [Parameter("deals", 10, 50), later])
    bob = ann.copy_for(User("bob"), id="bob")
    batch = score_many([ann, bob], [{"deals": Decimal(4)}, {"deals": Decimal(4)}], as_of=AS_OF)
    assert batch._columns.parameters[1] is batch._columns.parameters[0]
    # 4/10 * 0.5 = 0.2, and demos not started (0)
    assert batch.totals == (Decimal("0.2"), Decimal("0.2"))


def test_a_signalling_nan_is_refused_as_in_a_batch_of_one():
    ann, bob = _pair()
    given = [{"deals": Decimal(4), "calls": Decimal(30)}, {"deals": Decimal("sNaN"), "calls": Decimal(30)}]
    with pytest.raises(InvalidNumber, match=r"sNaN"):
        score_many([ann, bob], given, as_of=AS_OF)


def test_a_summary_counts_each_replayed_row_once_per_card():
    ann, bob = _pair()
    cy = ann.copy_for(User("cy"), id="cy")
    given = [
        {"deals": Decimal(4), "calls": Decimal(30)},
        {"deals": Decimal(4), "calls": Decimal(30)},
        {"deals": Decimal(10), "calls": Decimal(0)},
    ]
    batch = score_many([ann, bob, cy], given, as_of=AS_OF)
    summary = batch.summary()
    # deals: (0.4 + 0.4 + 1) / 3 = 0.6; calls: (0.6 + 0.6 + 0) / 3 = 0.4; totals 0.5, 0.5, 0.5
    assert (summary.count, summary.per_metric) == (3, {"calls": Decimal("0.4"), "deals": Decimal("0.6")})
    # a score given whole beside rows counts once, as in a plain list of the same scores
    rows = ScoreRows([batch[2], (batch, 0)])
    assert summarize(rows) == summarize([batch[2], batch[0]])
    assert summarize(rows).per_metric == {"calls": Decimal("0.3"), "deals": Decimal("0.7")}


def test_an_actual_spelled_otherwise_is_scored_on_its_own():
    ann, bob = _pair()
    batch = score_many(
        [ann, bob],
        [{"deals": Decimal(4), "calls": Decimal(30)}, {"deals": Decimal("4.0"), "calls": Decimal(30)}],
        as_of=AS_OF,
    )
    assert batch._columns.parameters[1] is not batch._columns.parameters[0]
    assert [repr(s.parameters[0].actual) for s in batch] == ["Decimal('4')", "Decimal('4.0')"]


def test_cards_with_manual_entries_or_adjustments_are_scored_on_their_own():
    ann, bob = _pair()
    deals = Parameter(Metric.custom("deals_manual", "deals"), 10, 50)
    ann, bob = (card.with_parameters([deals, card.parameters[1]]) for card in (ann, bob))
    cy = ann.copy_for(User("cy"), id="cy")
    at = pendulum.datetime(2024, 4, 2, tz="UTC")
    entry = ManualEntry("bob", "deals_manual", 6, at, "boss")
    credit = Adjustment("a1", "ann", "calls", AdjustmentKind.CREDIT, Decimal(10), "late deal", at, "boss")
    given = {"deals_manual": Decimal(0), "calls": Decimal(30)}
    dan = ann.copy_for(User("dan"), id="dan")
    batch = score_many(
        [dan, bob, ann, cy],
        [{"deals_manual": Decimal(10), "calls": Decimal(50)}, {"calls": Decimal(30)}, given, dict(given)],
        as_of=AS_OF,
        manual=[entry],
        adjustments=[credit],
    )
    # dan (a card scored and kept before the others): 10/10 * 0.5 + 50/50 * 0.5 = 1
    # bob: deals 6 (his entry) and calls 30: 6/10 * 0.5 + 30/50 * 0.5 = 0.3 + 0.3 = 0.6
    # ann: deals 0 and calls 30 + 10 (credit) = 40: 0 + 40/50 * 0.5 = 0.4
    # cy: ann's actuals without her credit: 0 + 30/50 * 0.5 = 0.3
    assert batch.totals == (Decimal(1), Decimal("0.6"), Decimal("0.4"), Decimal("0.3"))


def test_a_card_replays_the_row_of_the_card_it_matches_not_the_last_one_scored():
    ann, bob = _pair()
    cy = ann.copy_for(User("cy"), id="cy")
    given = [
        {"deals": Decimal(4), "calls": Decimal(30)},
        {"deals": Decimal(8), "calls": Decimal(30)},
        {"deals": Decimal(4), "calls": Decimal(30)},
    ]
    batch = score_many([ann, bob, cy], given, as_of=AS_OF)
    rows = batch._columns.parameters
    assert rows[2] is rows[0]
    # ann and cy: 4/10 * 0.5 + 30/50 * 0.5 = 0.5; bob: 8/10 * 0.5 + 0.3 = 0.7
    assert batch.totals == (Decimal("0.5"), Decimal("0.7"), Decimal("0.5"))


def test_a_window_longer_than_a_year_is_paced_by_its_own_day_count():
    two_years = Cadence(Date(2024, 1, 1), 24, "months")  # 731 days (2024 is a leap year)
    card = Scorecard("ann", User("ann"), two_years, two_years.period(0), [Parameter("deals", 731, 100)])
    as_of = pendulum.datetime(2025, 2, 4, tz="UTC")  # 2025-02-04 is day 366 + 35 = 401 of the window
    (scored,) = score_many([card], [{"deals": Decimal(400)}], as_of=as_of)
    (deals,) = scored.parameters
    # 400 deals of 731: 400/731; expected 401/731 of the window; the pace 400 * 731 / 401 deals,
    # so projected 400/401; each a 34-digit quotient, within 1e-33 of the exact value
    for value, exact in ((scored.total, Fraction(400, 731)), (deals.expected, Fraction(401, 731))):
        assert abs(Fraction(value) - exact) < Fraction(1, 10**33)
    assert abs(Fraction(deals.projected) - Fraction(400, 401)) < Fraction(1, 10**33)


def test_a_card_not_started_replays_the_row_of_the_card_it_matches():
    ann, bob = _pair()
    cy = ann.copy_for(User("cy"), id="cy")
    given = [{"deals": Decimal(4)}, {"deals": Decimal(8)}, {"deals": Decimal(4)}]
    batch = score_many([ann, bob, cy], given, as_of=pendulum.datetime(2024, 3, 20, tz="UTC"))  # before April
    rows = batch._columns.parameters
    assert rows[2] is rows[0]
    assert rows[1] is not rows[0]
    assert [s.value for s in batch.statuses] == ["not_started"] * 3
