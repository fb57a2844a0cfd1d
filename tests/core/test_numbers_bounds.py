"""Number bounds where scorekit takes numbers in (DESIGN "Bad input never gets in"; issues 11 and 15)."""

from decimal import Decimal

import pendulum
import pytest

from scorekit import InvalidNumber, InvalidParameter, Parameter
from scorekit.adapters.memory import Record
from scorekit.measurement import Evidence, ManualEntry, Measurement

WHEN = pendulum.datetime(2024, 2, 3, tz="UTC")


class TestParameterNumbers:
    @pytest.mark.parametrize("field", ["target", "cap", "threshold"])
    def test_at_most_12_decimals(self, field):
        fields = {"target": 10, "cap": 2, "threshold": 0}
        fields[field] = "0.000000000001"  # 12 places: fine
        Parameter("deals", fields.pop("target"), 100, **fields)
        fields = {"target": 10, "cap": 2, "threshold": 0}
        fields[field] = "1e-30"  # issue 11: a target of 1e-30 broke percent()
        with pytest.raises(InvalidParameter, match=rf"{field} must have at most 12 digits after the decimal point"):
            Parameter("deals", fields.pop("target"), 100, **fields)

    @pytest.mark.parametrize("field", ["target", "cap", "threshold"])
    def test_smaller_than_10_to_the_15(self, field):
        fields = {"target": 10}
        fields[field] = 10**15
        with pytest.raises(InvalidParameter, match=rf"{field} must be less than 10\*\*15"):
            Parameter("deals", fields.pop("target"), 100, **fields)

    def test_bad_threshold_is_an_invalid_parameter_not_another_error(self):
        # A mutation survivor of 0.1: the wrong error class for a bad threshold went unnoticed.
        with pytest.raises(InvalidParameter, match="threshold must be a finite number"):
            Parameter("deals", 10, 100, threshold="NaN")
        with pytest.raises(InvalidParameter, match="cap must be a finite number"):
            Parameter("deals", 10, 100, cap=float("inf"))

    def test_arabic_indic_digits_are_not_ten(self):
        with pytest.raises(InvalidParameter, match="target must be a finite number"):
            Parameter("deals", "\u0661\u0660", 100)

    def test_numpy_float64_target_and_weight(self):
        numpy = pytest.importorskip("numpy")
        parameter = Parameter("deals", numpy.float64(12.5), numpy.float64(100.0))
        assert parameter.target == Decimal("12.5")
        assert parameter.weight.basis_points == 10_000


class TestMeasurementValues:
    @pytest.mark.parametrize(
        "build",
        [
            Measurement,
            lambda v: Evidence("e1", WHEN, v),
            lambda v: ManualEntry("c1", "nps", v, WHEN, "ann"),
            lambda v: Record("r1", "deals", "ann", WHEN, v),
        ],
        ids=["Measurement", "Evidence", "ManualEntry", "Record"],
    )
    @pytest.mark.parametrize(
        "value", ["1e999999999", "1e32", 10**15, Decimal("NaN"), Decimal("-Infinity"), "\u0661\u0660", "1e-1001"]
    )
    def test_refused(self, build, value):
        with pytest.raises(InvalidNumber):
            build(value)

    def test_numpy_float64_measurement(self):
        numpy = pytest.importorskip("numpy")
        assert Measurement(numpy.float64(12.5)).value == Decimal("12.5")
        assert Record("r1", "deals", "ann", WHEN, numpy.float64(0.1)).value == Decimal("0.1")

    def test_largest_and_finest_values_are_kept_exactly(self):
        assert Measurement("999999999999999.5").value == Decimal("999999999999999.5")
        assert Measurement("-1e-30").value == Decimal("-1E-30")
