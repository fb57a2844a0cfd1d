"""Rules of ranking and summaries, for any scores."""

from decimal import Decimal
from fractions import Fraction

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Cadence, Date, Parameter, Scorecard, Status, User, rank, score
from scorekit.grouping import _exact, summarize
from scorekit.strategies import instants_for, measurements_for, scorecards

APRIL = Cadence.monthly(Date(2024, 4, 1))
MID_APRIL = pendulum.datetime(2024, 4, 12, tz="UTC")


@st.composite
def tied_scores(draw):
    """Up to 12 April cards with few owners and few distinct values: many ties, some not started."""
    count = draw(st.integers(0, 12))
    scores = []
    for i in range(count):
        owner = draw(st.sampled_from(["ann", "bob", "cid"]))
        late = st.sampled_from([None, Date(2024, 4, 20)])  # from the 20th: not started on the 12th
        card = Scorecard(
            f"c{i}",
            User(owner),
            APRIL,
            APRIL.period(0),
            [Parameter("deals", 4, 50, counts_from=draw(late)), Parameter("calls", 10, 50, counts_from=draw(late))],
        )
        values = {"deals": draw(st.integers(0, 4)), "calls": draw(st.integers(0, 3))}
        scores.append(score(card, values, as_of=MID_APRIL))
    return scores


@st.composite
def any_scores(draw):
    scores = []
    for i in range(draw(st.integers(0, 5))):
        card = draw(scorecards()).evolve(id=f"card{i}")
        scores.append(score(card, draw(measurements_for(card)), as_of=draw(instants_for(card))))
    return scores


BY = st.sampled_from(["total", "projected", "deals", "calls"])


@given(tied_scores(), BY, st.randoms(use_true_random=False))
def test_rank_does_not_depend_on_the_order_of_its_input(scores, by, random):
    shuffled = list(scores)
    random.shuffle(shuffled)
    assert rank(shuffled, by=by) == rank(scores, by=by)


@given(any_scores(), st.randoms(use_true_random=False))
def test_rank_of_any_cards_does_not_depend_on_order(scores, random):
    shuffled = list(scores)
    random.shuffle(shuffled)
    assert rank(shuffled) == rank(scores)


def _value(item, by):
    if by in ("total", "projected"):
        return getattr(item, by)
    return item.parameter(by).effective


@given(tied_scores(), BY)
def test_competition_ranking(scores, by):
    ranked = rank(scores, by=by)
    values = [_value(r.score, by) for r in ranked]
    for r, value in zip(ranked, values, strict=True):
        if value is None:  # no projection: after every card that has one, all sharing a rank
            assert r.rank == 1 + sum(v is not None for v in values)
        else:  # one more than the number of cards strictly better
            assert r.rank == 1 + sum(v is not None and v > value for v in values)
    keys = [(r.rank, r.score.card.owner.id, r.score.card.id) for r in ranked]
    assert keys == sorted(keys)


@given(tied_scores())
def test_summary_counts_add_up_and_means_are_over_started_cards(scores):
    summary = summarize(scores)
    statuses = ("achieved", "on_track", "behind", "at_risk", "missed", "no_data", "not_started")
    assert sum(getattr(summary, s) for s in statuses) == summary.count == len(scores)
    started = [s.total for s in scores if s.status is not Status.NOT_STARTED]
    assert summary.started == len(started)
    if started:
        assert min(started) <= summary.median_total <= max(started)
        assert min(started) <= summary.mean_total <= max(started)
        assert abs(summary.mean_total * len(started) - sum(started, Decimal(0))) < Decimal("1e-30")
    else:
        assert summary.mean_total is None
        assert summary.median_total is None


@given(any_scores())
def test_exact_values_for_close_calls_agree_with_the_reported_ones(scores):
    # rank rebuilds values exactly only to settle near-ties; they must be the reported ones, unrounded
    for item in scores:
        pairs = [("total", item.total), ("projected", item.projected)]
        pairs += [(p.key, p.effective) for p in item.parameters]
        for by, reported in pairs:
            if reported is None:
                continue
            exact = _exact(item, by)
            assert abs(exact - Fraction(reported)) <= Fraction(1, 10**28) * (1 + abs(exact)), (by, reported, exact)
