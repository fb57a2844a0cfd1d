"""No ambient state: numbers, weights and display rounding ignore the caller's decimal context (issue 15)."""

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scorekit import InvalidWeight, Weight
from scorekit.numbers import for_display, to_decimal

CONTEXTS = [
    {"prec": 2},
    {"rounding": decimal.ROUND_DOWN},
    {"prec": 1, "rounding": decimal.ROUND_CEILING, "traps": []},
]

numbers = st.decimals(
    min_value=Decimal("-999999999999999.999999"), max_value=Decimal("999999999999999.999999"), allow_nan=False
)


def outcome(call):
    try:
        return str(call())
    except InvalidWeight as error:
        return f"refused: {error}"


@given(numbers, st.integers(0, 34))
def test_conversion_and_display_rounding(value, places):
    expected = (str(to_decimal(str(value))), str(for_display(value, places)))
    for context in CONTEXTS:
        with decimal.localcontext(**context):
            assert (str(to_decimal(str(value))), str(for_display(value, places))) == expected


@given(
    st.one_of(
        st.decimals(min_value=0, max_value=101, allow_nan=False),
        st.integers(0, 10_001).map(lambda bp: Decimal(bp).scaleb(-2)),
    )
)
def test_weights(value):
    def weight():
        w = Weight.percent(value)
        return (w.basis_points, w.fraction, w.as_percent, str(w))

    expected = outcome(weight)
    for context in CONTEXTS:
        with decimal.localcontext(**context):
            assert outcome(weight) == expected
