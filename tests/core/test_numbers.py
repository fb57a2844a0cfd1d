import decimal
from decimal import Decimal

import pytest

from scorekit import InvalidNumber, InvalidParameter
from scorekit.numbers import EXACT, decimal_places, exact_sum, for_display, to_decimal


class TestToDecimal:
    @pytest.mark.parametrize("text", ["1_000", " 5 ", "5\n", "\t5", "5 ", "+ 5"])
    def test_a_string_is_ascii_digits_only_no_spaces_or_separators(self, text):
        # DESIGN: strings take ASCII digits only; 0.2 stripped spaces and dropped underscores
        with pytest.raises(InvalidNumber):
            to_decimal(text)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (3, Decimal(3)),
            ("2.50", Decimal("2.50")),
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


CONTEXTS = [
    pytest.param({"prec": 2}, id="prec2"),
    pytest.param({"rounding": decimal.ROUND_DOWN}, id="round-down"),
    pytest.param({"prec": 3, "rounding": decimal.ROUND_CEILING, "traps": []}, id="prec3-ceiling-no-traps"),
]


class TestBounds:
    """DESIGN "Bad input never gets in": finite, |x| < 10**15, ASCII digits, places where asked."""

    @pytest.mark.parametrize(
        "value",
        [10**15, -(10**15), "1e15", "-1000000000000000", Decimal("1E+15"), 1e15, "1e999999999", 10**400],
    )
    def test_refuses_magnitudes_from_10_to_the_15(self, value):
        with pytest.raises(InvalidNumber, match=r"less than 10\*\*15 in size"):
            to_decimal(value)

    @pytest.mark.parametrize("value", [10**15 - 1, "-999999999999999.999", Decimal("1E-30"), 5e-324])
    def test_accepts_everything_just_inside(self, value):
        assert to_decimal(value) == Decimal(repr(value) if isinstance(value, float) else value)

    @pytest.mark.parametrize(
        "value", ["\u0661\u0660", "10\u0660", "\uff11\uff10", "²", "1e999999999999999999999", "0x10", "1,5"]
    )
    def test_strings_take_ascii_digits_only(self, value):
        # Decimal("\u0661\u0660") is 10: scorekit must not read Arabic-Indic or full-width digits.
        with pytest.raises(InvalidNumber, match="must be a finite number"):
            to_decimal(value)

    def test_places_counts_significant_decimals_only(self):
        assert to_decimal("1.500000000000000000", places=12) == Decimal("1.5")
        assert to_decimal("0.000000000001", places=12) == Decimal("1E-12")
        with pytest.raises(InvalidNumber, match="at most 12 digits after the decimal point"):
            to_decimal("0.0000000000001", places=12)
        with pytest.raises(InvalidNumber, match="at most 12 digits"):
            to_decimal(Decimal("1E-13"), places=12)

    def test_places_error_uses_the_callers_class_and_name(self):
        with pytest.raises(InvalidParameter, match=r"target must have at most 12 digits .* got '1e-30'"):
            to_decimal("1e-30", name="target", error=InvalidParameter, places=12)
        with pytest.raises(InvalidParameter, match=r"target must be less than 10\*\*15"):
            to_decimal("1e20", name="target", error=InvalidParameter, places=12)

    def test_any_number_has_at_most_1000_decimals(self):
        assert to_decimal("1e-1000") == Decimal("1E-1000")
        with pytest.raises(InvalidNumber, match="at most 1000 digits"):
            to_decimal("1e-1001")
        with pytest.raises(InvalidNumber, match="at most 1000 digits"):
            to_decimal(Decimal("1E-999999999"))

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("1.2500", 2), ("1E+3", 0), ("0E-9", 0), ("-0.001", 3), ("120", 0), ("1.000000000000001", 15)],
    )
    def test_decimal_places(self, value, expected):
        assert decimal_places(Decimal(value)) == expected


class TestFloatSubclasses:
    def test_numpy_float64_converts_like_a_float(self):
        numpy = pytest.importorskip("numpy")
        assert to_decimal(numpy.float64(12.5)) == Decimal("12.5")
        assert to_decimal(numpy.float64(33.33)) == Decimal("33.33")
        with pytest.raises(InvalidNumber, match="finite"):
            to_decimal(numpy.float64("nan"))

    def test_a_float_subclass_with_its_own_repr_converts_through_float_repr(self):
        class Shouty(float):
            def __repr__(self):
                return f"Shouty({float.__repr__(self)})"

        assert to_decimal(Shouty(0.1)) == Decimal("0.1")


class TestNoAmbientContext:
    """The caller's decimal context never changes a conversion or a rounding (issue 15)."""

    @pytest.mark.parametrize("context", CONTEXTS)
    @pytest.mark.parametrize("value", ["33.33000000000000000000000000001", "123456789012345.678", 0.1, 10**14])
    def test_to_decimal(self, context, value):
        expected = to_decimal(value)
        with decimal.localcontext(**context):
            assert str(to_decimal(value)) == str(expected)

    @pytest.mark.parametrize("context", CONTEXTS)
    def test_for_display(self, context):
        # 123.455 half up at 2 places is 123.46 (needs 5 digits); 2.675 is 2.68, not 2.67 (even).
        with decimal.localcontext(**context):
            assert str(for_display(Decimal("123.455"))) == "123.46"
            assert str(for_display(Decimal("2.675"))) == "2.68"
            assert str(for_display(Decimal("99999999999999999999999999.995"))) == "100000000000000000000000000.00"


class TestForDisplayInputs:
    def test_wide_values_round_without_a_decimal_error(self):
        # 30 digits before the point: more than EXACT's 34 significant digits once 2 places are added.
        assert str(for_display(Decimal("1" * 33 + ".005"))) == "1" * 33 + ".01"

    @pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), 1.5, "1"])
    def test_refuses_what_is_not_a_finite_decimal(self, value):
        with pytest.raises(InvalidNumber, match="finite Decimal"):
            for_display(value)

    def test_refuses_absurd_places(self):
        with pytest.raises(InvalidNumber, match="from 0 to 34"):
            for_display(Decimal(1), 35)
        assert str(for_display(Decimal(1), 34)) == "1." + "0" * 34


def test_exact_sum_is_exact_for_every_accepted_number():
    tiny, big = to_decimal("1e-1000"), to_decimal(10**15 - 1)
    assert exact_sum([big, tiny, big]) - 2 * big == tiny
