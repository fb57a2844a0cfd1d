"""Nothing scorekit shows or writes depends on the caller's decimal context (issue 21).

Under a hostile `decimal` context (few digits, any rounding, lower-case exponents, every signal
trapped, a tiny exponent range): scoring, `percent()`, `explain()`, the HTML, the codec's
documents and the fingerprint are what they are in the default context.  ``capitals=0`` turned a
document's ``1.5E+4`` into ``1.5e+4``, and with it the closed score's fingerprint.
"""

import decimal
from decimal import Decimal

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Cadence, Date, Measurement, Parameter, Scorecard, User, codec, score
from scorekit.numbers import EXACT
from scorekit.scores import CardScore
from scorekit.strategies import instants_for, measurements_for, scorecards

ROUNDINGS = [
    decimal.ROUND_CEILING,
    decimal.ROUND_DOWN,
    decimal.ROUND_FLOOR,
    decimal.ROUND_HALF_DOWN,
    decimal.ROUND_HALF_EVEN,
    decimal.ROUND_HALF_UP,
    decimal.ROUND_UP,
    decimal.ROUND_05UP,
]
SIGNALS = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
    decimal.FloatOperation,
]
hostile = st.fixed_dictionaries(
    {
        "prec": st.integers(1, 40),
        "rounding": st.sampled_from(ROUNDINGS),
        "capitals": st.integers(0, 1),
        "Emin": st.integers(-30, 0),
        "Emax": st.integers(0, 30),
        "clamp": st.integers(0, 1),
        "traps": st.lists(st.sampled_from(SIGNALS), unique=True),
    }
)


def shown(result: CardScore, measurements: dict[str, Measurement]) -> tuple[object, ...]:
    """Everything people see or a store keeps of a score."""
    return (
        result.percent(),
        result.percent(5),
        result.explain(),
        result._repr_html_(),
        result.to_records(),
        codec.dumps(result),
        codec.dumps(result.card),
        codec.fingerprint(result.card, measurements),
        codec.loads(codec.dumps(result), CardScore),
    )


@st.composite
def inputs(draw: st.DrawFn) -> tuple[Scorecard, dict[str, Measurement], pendulum.DateTime]:
    card = draw(scorecards())
    measurements = draw(measurements_for(card))
    if draw(st.booleans()):
        # Normalized, 120 is written with an exponent (1.2E+2): what capitals changes.
        measurements = {
            key: value if value.value is None else Measurement(value.value.normalize(EXACT), value.evidence)
            for key, value in measurements.items()
        }
    return card, measurements, draw(instants_for(card))


@given(inputs(), hostile)
def test_scores_and_what_they_show_ignore_the_callers_context(given_inputs, context):
    card, measurements, as_of = given_inputs
    result = score(card, measurements, as_of=as_of)
    expected = shown(result, measurements)
    with decimal.localcontext(**context):
        again = score(card, measurements, as_of=as_of)
        assert again == result
        assert shown(again, measurements) == expected


def test_an_exponent_is_written_in_capitals_whatever_the_context():
    # A target of 15,000 written as 1.5E+4: the document and the fingerprint kept the caller's
    # lower-case exponent under capitals=0.
    april = Cadence.monthly(Date(2024, 4, 1))
    card = Scorecard("c1", User("ann"), april, april.period(0), [Parameter("revenue", Decimal("1.5E+4"), 100)])
    measurements = {"revenue": Measurement(Decimal("1.2E+4"))}
    text, print_ = codec.dumps(card), codec.fingerprint(card, measurements)
    assert '"target": "1.5E+4"' in text
    with decimal.localcontext(capitals=0):
        assert codec.dumps(card) == text
        assert codec.fingerprint(card, measurements) == print_
