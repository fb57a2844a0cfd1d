"""A score read back from a document is the score that was stored (issue 21).

For generated cards, measurements (40-digit ones included, so a capped parameter may exceed
its cap by less than the 34-digit rounding) and instants (DST repeated hours included, in the
card's zone): the read-back score is equal, shows the same percent at several places,
explains itself word for word and gives the same records (``per_day`` included).
"""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scorekit import Measurement, codec, score
from scorekit.numbers import EXACT_SUMS
from scorekit.scores import CardScore
from scorekit.strategies import instants_for, measurements_for, scorecards


@st.composite
def scored(draw: st.DrawFn) -> CardScore:
    card = draw(scorecards())
    measurements = draw(measurements_for(card))
    if draw(st.booleans()):
        # Push some actuals past 34 digits: a tiny amount above or below what was drawn.
        tiny = Decimal(draw(st.sampled_from(["1e-38", "-1e-38", "3e-40"])))
        measurements = {
            key: Measurement(EXACT_SUMS.add(value.value, tiny), value.evidence) if value.value is not None else value
            for key, value in measurements.items()
        }
    as_of = draw(instants_for(card))
    if draw(st.booleans()):
        as_of = as_of.in_timezone(card.timezone)  # in the card's zone: a repeated hour has a fold
    return score(card, measurements, as_of=as_of)


@given(scored())
def test_a_score_read_back_is_the_score_that_was_stored(result: CardScore) -> None:
    back = codec.loads(codec.dumps(result), CardScore)
    assert back == result
    assert back.as_of.utcoffset() == result.as_of.utcoffset()
    assert [back.percent(places) for places in (0, 2, 6)] == [result.percent(places) for places in (0, 2, 6)]
    assert back.explain() == result.explain()
    assert back.to_records() == result.to_records()
    assert codec.dumps(back) == codec.dumps(result)
