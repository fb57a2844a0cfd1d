"""Cards, scores and the records of their history survive `pickle` and `copy.deepcopy` whole.

A host sends cards to worker processes (multiprocessing pickles them) and a notebook
copies them; every rule, calendar and policy must come back equal and score the same,
down to the explanation (which reads the derived windows and rules, not just the fields).
"""

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import CardScore, ClosedScore, Revision, score
from scorekit.errors import ScorekitError
from test_scoring_oracle_properties import v02_scored


def _both_ways(value):
    return pickle.loads(pickle.dumps(value)), copy.deepcopy(value)  # noqa: S301 - our own bytes


@given(v02_scored())
def test_a_card_and_its_score_come_back_equal_and_score_the_same(case):
    card, measurements, as_of = case
    for again in _both_ways(card):
        assert again == card
        assert [w.parameter for w in again.windows] == [w.parameter for w in card.windows]
        try:
            expected = score(card, measurements, as_of=as_of)
        except ScorekitError as error:
            failure = error
        else:
            failure = None
        if failure is not None:
            with pytest.raises(type(failure)) as raised:
                score(again, measurements, as_of=as_of)
            assert str(raised.value) == str(failure)
            continue
        rescored = score(again, measurements, as_of=as_of)
        assert rescored == expected
        # every number with its exponent (a team's members print in set order, so not the card's repr)
        assert [_fields(p) for p in rescored.parameters] == [_fields(p) for p in expected.parameters]
        assert (repr(rescored.total), repr(rescored.projected)) == (repr(expected.total), repr(expected.projected))
        assert rescored.explain() == expected.explain()
        assert rescored.percent() == expected.percent()
        for copied in _both_ways(expected):
            assert copied == expected
            assert copied.explain() == expected.explain()
            assert [p._why is None for p in copied.parameters] == [p._why is None for p in expected.parameters]


@given(st.from_type(ClosedScore), st.from_type(Revision), st.from_type(CardScore))
def test_closed_scores_revisions_and_generated_scores_come_back_equal(closed, revision, scored):
    for value in (closed, revision, scored):
        for again in _both_ways(value):
            assert again == value


def _fields(value: object) -> str:
    """Every field a score shows, each by its own repr, exponents included (a score's repr is one short line)."""
    return repr(tuple(getattr(value, name) for name in type(value).__match_args__))
