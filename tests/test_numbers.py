from decimal import Decimal

import pytest

from scorekit import InvalidNumber
from scorekit.numbers import EXACT, for_display, to_decimal


class TestToDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (3, Decimal(3)),
            ("2.50", Decimal("2.50")),
            (" 7 ", Decimal(7)),
            ("1_000", Decimal(1000)),
            (Decimal("-4.2"), Decimal("-4.2")),
            (33.33, Decimal("33.33")),
            (0.1, Decimal("0.1")),
            (-0.0, Decimal("-0.0")),
        ],
    )
    def test_accepts_numbers_exactly(self, value, expected):
        result = to_decimal(value)
        assert result == expected
        assert str(result) == str(expected)

    @pytest.mark.parametrize(
        "value",
        [
            float("nan"),
            float("inf"),
            float("-inf"),
            "NaN",
            "Infinity",
            "sNaN",
            Decimal("NaN"),
            True,
            False,
            None,
            "",
            "abc",
            [1],
            object(),
        ],
    )
    def test_rejects_what_is_not_a_finite_number(self, value):
        with pytest.raises(InvalidNumber, match="must be a finite number"):
            to_decimal(value)

    def test_error_names_the_field_and_value(self):
        with pytest.raises(InvalidNumber, match=r"target must be a finite number .* got 'ten'"):
            to_decimal("ten", name="target")

    def test_float_goes_through_repr_not_binary(self):
        assert to_decimal(33.33) != Decimal(33.33)  # noqa: RUF032 - the binary expansion is not what the user typed


class TestForDisplay:
    @pytest.mark.parametrize(
        ("value", "places", "expected"),
        [
            ("0.125", 2, "0.13"),  # half up, not half even
            ("0.135", 2, "0.14"),
            ("2.5", 0, "3"),
            ("-2.5", 0, "-3"),
            ("0.9999", 2, "1.00"),
            ("1", 4, "1.0000"),
        ],
    )
    def test_rounds_half_up(self, value, places, expected):
        assert str(for_display(Decimal(value), places)) == expected

    @pytest.mark.parametrize("places", [-1, 1.5, True])
    def test_rejects_bad_places(self, places):
        with pytest.raises(InvalidNumber, match="places"):
            for_display(Decimal(1), places)


def test_exact_context_keeps_34_digits():
    assert EXACT.divide(Decimal(1), Decimal(3)) == Decimal("0." + "3" * 34)
