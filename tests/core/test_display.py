"""`scorekit._display`: the one percent, quantity and set of words that HTML, `explain()` and the command show."""

import decimal
from decimal import Decimal

import pendulum
import pytest

from scorekit import Cadence, Date, Parameter, Scorecard, User, score
from scorekit._display import number, percent, quantity

APRIL = Cadence.monthly(Date(2024, 4, 1))


def five_of_seven():
    card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("deals", 7, 100)])
    return score(card, {"deals": 5}, as_of=pendulum.datetime(2024, 5, 1, tz="UTC"))  # 5/7 = 71.428...%


class TestCallersContext:
    @pytest.mark.parametrize(
        "context",
        [
            decimal.Context(prec=2),
            decimal.Context(prec=3, rounding=decimal.ROUND_DOWN),
            decimal.Context(prec=40, rounding=decimal.ROUND_FLOOR, capitals=0),
        ],
    )
    def test_html_and_explain_show_what_percent_says_whatever_the_callers_context(self, context):
        result = five_of_seven()
        with decimal.localcontext(context):
            html = result._repr_html_()
            text = result.explain()
            shown = result.percent()
        assert shown == Decimal("71.43")
        assert "71.43%" in html  # 0.2 showed 71.00% under prec=2: it computed value * 100 in the caller's context
        assert "71.43%" in text

    def test_percent_needs_no_context(self):
        with decimal.localcontext(decimal.Context(prec=1)):
            assert percent(Decimal("0.7142857142857142857142857142857143")) == "71.43%"


class TestNoNegativeZero:
    @pytest.mark.parametrize("value", [Decimal("-0"), Decimal("-0.00001"), Decimal("-0.0000001")])
    def test_a_value_that_rounds_to_zero_shows_without_a_sign(self, value):
        assert percent(value) == "0.00%"
        assert not quantity(value).startswith("-")
        assert not number(value).startswith("-")
