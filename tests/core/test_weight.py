import decimal
from decimal import Decimal

import pytest

from scorekit import InvalidWeight, Weight
from scorekit.weight import check_total


class TestPercent:
    @pytest.mark.parametrize(
        ("value", "basis_points", "text"),
        [
            (40, 4000, "40%"),
            ("33.33", 3333, "33.33%"),
            (33.33, 3333, "33.33%"),
            (Decimal("12.50"), 1250, "12.5%"),
            ("0.01", 1, "0.01%"),
            (100, 10_000, "100%"),
        ],
    )
    def test_stores_exact_basis_points(self, value, basis_points, text):
        weight = Weight.percent(value)
        assert weight.basis_points == basis_points
        assert str(weight) == text

    def test_fraction_is_exact(self):
        assert Weight.percent("33.33").fraction == Decimal("0.3333")
        assert Weight.percent(40).fraction == Decimal("0.4")
        assert Weight.percent(100).fraction == 1

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (0, "more than 0%"),
            (-5, "more than 0%"),
            ("100.01", "at most 100%"),
            (101, "at most 100%"),
            ("33.333", "at most two decimal places"),
            (float("nan"), "finite number"),
            (float("inf"), "finite number"),
            (True, "finite number"),
            ("forty", "finite number"),
            (None, "finite number"),
        ],
    )
    def test_rejects_bad_weights(self, value, message):
        with pytest.raises(InvalidWeight, match=message):
            Weight.percent(value)

    @pytest.mark.parametrize("bp", [0, -1, 10_001, 1.5, True, "100"])
    def test_constructor_checks_basis_points(self, bp):
        with pytest.raises(InvalidWeight, match="basis_points"):
            Weight(bp)

    def test_weights_order_and_compare(self):
        assert Weight.percent(10) < Weight.percent(20)
        assert Weight.percent("10.00") == Weight.percent(10)
        assert len({Weight.percent(10), Weight(1000)}) == 1

    def test_repr_round_trips(self):
        weight = Weight.percent("33.33")
        assert eval(repr(weight), {"Weight": Weight}) == weight  # noqa: S307


class TestSplitEvenly:
    def test_three_gives_the_larger_share_first(self):
        assert [str(w) for w in Weight.split_evenly(3)] == ["33.34%", "33.33%", "33.33%"]

    @pytest.mark.parametrize("n", range(1, 101))
    def test_sums_to_exactly_100_and_differs_by_at_most_one_basis_point(self, n):
        weights = Weight.split_evenly(n)
        assert len(weights) == n
        assert sum(w.basis_points for w in weights) == 10_000
        assert max(weights).basis_points - min(weights).basis_points <= 1
        assert list(weights) == sorted(weights, reverse=True)
        check_total(weights)

    @pytest.mark.parametrize("n", [0, -1, 10_001, 2.0, True])
    def test_rejects_impossible_counts(self, n):
        with pytest.raises(InvalidWeight, match="split_evenly"):
            Weight.split_evenly(n)


class TestCheckTotal:
    def test_names_every_weight_and_the_sum(self):
        with pytest.raises(InvalidWeight) as info:
            check_total([Weight.percent("33.33")] * 3)
        assert str(info.value) == "weights sum to 99.99% (33.33% + 33.33% + 33.33%), expected exactly 100%"

    def test_over_100_is_refused_too(self):
        with pytest.raises(InvalidWeight, match=r"sum to 100.01% \(50.01% \+ 50%\)"):
            check_total([Weight.percent("50.01"), Weight.percent(50)])

    def test_no_weights(self):
        with pytest.raises(InvalidWeight, match="sum to 0% \\(no weights\\)"):
            check_total([])

    def test_exactly_100_passes(self):
        check_total([Weight.percent(50), Weight.percent(30), Weight.percent(20)])


class TestNoAmbientContext:
    """Weights never consult the caller's decimal context (issue 15)."""

    @pytest.mark.parametrize(
        "context", [{"prec": 2}, {"rounding": decimal.ROUND_DOWN}, {"prec": 28}], ids=["prec2", "down", "prec28"]
    )
    def test_too_precise_weights_are_refused_in_any_context(self, context):
        # Under the default 28 digits, 33.33000000000000000000000000001 * 100 rounds to 3333: it must not.
        with decimal.localcontext(**context), pytest.raises(InvalidWeight, match="at most two decimal places"):
            Weight.percent("33.33000000000000000000000000001")

    @pytest.mark.parametrize("context", [{"prec": 2}, {"rounding": decimal.ROUND_DOWN}], ids=["prec2", "down"])
    def test_fraction_percent_and_text_are_the_same_in_any_context(self, context):
        with decimal.localcontext(**context):
            weight = Weight.percent("33.33")
            assert weight.basis_points == 3333
            assert str(weight.fraction) == "0.3333"
            assert str(weight.as_percent) == "33.33"
            assert str(weight) == "33.33%"
            with pytest.raises(InvalidWeight, match=r"weights sum to 99\.99% "):
                check_total([weight] * 3)

    def test_numpy_float64_is_a_weight(self):
        numpy = pytest.importorskip("numpy")
        assert Weight.percent(numpy.float64(12.5)).basis_points == 1250

    @pytest.mark.parametrize("value", ["1e-1001", "\u0661\u0660", "1e15"])
    def test_out_of_bounds_is_an_invalid_weight(self, value):
        with pytest.raises(InvalidWeight):
            Weight.percent(value)
