"""`scorekit.achievement`: each rule's value, exact value, formula and error bound, worked by hand."""

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Direction, Parameter
from scorekit.achievement import Rule, prorated, rule_for

# ------------------------------------------------------------------------------------------------
# achievement: each rule's value, exact value, formula and error bound, worked by hand
# (each test builds its rule while it runs: mutmut links a function to the tests that call it
# during the test, and a class body runs at collection)


def D(text: str) -> Decimal:
    return Decimal(text)


class TestRatio:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("deals_won", 4, 100))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Ratio"
        assert self.rule.value(D("3")) == D("0.75")  # 3 / 4
        assert self.rule.exact(Fraction(3)) == Fraction(3, 4)
        assert self.rule.value(D("1")) == D("0.25")
        assert self.rule.target == D("4")
        assert self.rule.exact_target == Fraction(4)

    def test_formula(self):
        assert self.rule.formula == "a / t"
        assert self.rule.substituted("3", "4") == "3 / 4"

    def test_error_bound(self):
        # slack = 4e-33 / |t| = 1e-33, rounded up to two digits: 1.0e-33; offset 0.
        assert self.rule.slack == D("1.0e-33")
        assert self.rule.offset == 0
        # error(a) = (|a| + offset) * slack = 6 * 1e-33
        assert self.rule.error(D("-6")) == D("6e-33")
        # |a| <= (|v| + 2) * |t|: k1 = |t| * slack * 2 = 8e-33, k0 = 2|t| * slack * 2 = 1.6e-32
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.6e-32"))

    def test_the_slack_is_rounded_up_to_two_digits(self):
        rule = rule_for(Parameter("deals_won", 3, 100))
        assert rule.slack == D("1.4e-33")  # 4e-33 / 3 = 1.333...e-33, rounded up
        assert str(rule.slack) == "1.4E-33"
        rule = rule_for(Parameter("deals_won", "0.3", 100))
        assert rule.slack == D("1.4e-32")  # 4e-33 / 0.3 = 1.333...e-32, rounded up


def test_the_slack_ignores_the_callers_decimal_context():
    parameter = Parameter("deals_won", 3, 100)
    with decimal.localcontext(prec=1, Emin=-5, Emax=5):
        rule = rule_for(parameter)
    # 4e-33 / 3 rounded up to two digits, as in the default context
    assert (rule.slack, rule.k1, rule.k0) == (D("1.4e-33"), D("8.4e-33"), D("1.68e-32"))


class TestLower:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("returns", 4, 100, direction=Direction.LOWER_IS_BETTER))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Lower"
        assert self.rule.value(D("5")) == D("0.75")  # 2 - 5 / 4
        assert self.rule.exact(Fraction(5)) == Fraction(3, 4)
        assert self.rule.value(D("10")) == 0  # max(0, 2 - 2.5)
        assert self.rule.exact(Fraction(10)) == 0
        assert self.rule.value(D("0")) == 2
        assert self.rule.exact(Fraction(0)) == 2

    def test_formula_and_error_bound(self):
        assert self.rule.formula == "max(0, 2 - a / t)"
        assert self.rule.substituted("5", "4") == "max(0, 2 - 5 / 4)"
        assert self.rule.slack == D("1.0e-33")  # 4e-33 / 4
        assert self.rule.error(D("5")) == D("5e-33")
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.6e-32"))


class TestLowerZero:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("returns", 0, 100, direction=Direction.LOWER_IS_BETTER))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_LowerZero"
        for actual, achievement in [("0", 1), ("-1", 1), ("0.001", 0), ("3", 0)]:
            assert self.rule.value(D(actual)) == achievement
            assert self.rule.exact(Fraction(actual)) == achievement

    def test_exact_without_error(self):
        assert self.rule.formula == "1 if a <= 0 else 0"
        assert (self.rule.target, self.rule.exact_target) == (Decimal(0), Fraction(0))
        assert self.rule.slack == 0
        assert self.rule.error(D("5")) == 0
        assert (self.rule.k1, self.rule.k0) == (0, 0)


class TestBaseline:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("nps", 50, 100, baseline=30))

    def test_value_and_exact(self):
        assert type(self.rule).__name__ == "_Baseline"
        assert self.rule.value(D("40")) == D("0.5")  # (40 - 30) / (50 - 30)
        assert self.rule.exact(Fraction(40)) == Fraction(1, 2)
        assert self.rule.value(D("10")) == 0  # max(0, -1)
        assert self.rule.exact(Fraction(10)) == 0
        assert self.rule.value(D("60")) == D("1.5")
        assert (self.rule.span, self.rule.exact_span) == (D("20"), Fraction(20))

    def test_formula(self):
        assert self.rule.formula == "max(0, (a - 30) / (t - 30))"
        assert self.rule.substituted("40", "50") == "max(0, (40 - 30) / (50 - 30))"

    def test_error_bound(self):
        # slack = 4e-33 / 20 = 2.0e-34, widened by (50 + 30) / 20 + 1 = 5: 1.0e-33; offset |b| = 30.
        assert self.rule.slack == D("1e-33")
        assert self.rule.offset == 30
        assert self.rule.error(D("-40")) == D("7e-32")  # (40 + 30) * 1e-33
        # k1 = |t - b| * slack * 2 = 4e-32; k0 = 2|b| * slack * 2 = 1.2e-31
        assert (self.rule.k1, self.rule.k0) == (D("4e-32"), D("1.2e-31"))

    def test_lower_is_better_with_a_baseline(self):
        rule = rule_for(Parameter("returns", 2, 100, direction=Direction.LOWER_IS_BETTER, baseline=6))
        assert type(rule).__name__ == "_Baseline"
        assert rule.value(D("3")) == D("0.75")  # (3 - 6) / (2 - 6)
        assert rule.exact(Fraction(3)) == Fraction(3, 4)
        assert rule.value(D("7")) == 0
        # a negative span (-4) still gives a positive slack: 4e-33 / 4 = 1.0e-33, widened by
        # (2 + 6) / 4 + 1 = 3; k1 = |t - b| * slack * 2 = 2.4e-32, k0 = 2|b| * slack * 2 = 7.2e-32
        assert rule.slack == D("3e-33")
        assert (rule.k1, rule.k0) == (D("2.4e-32"), D("7.2e-32"))

    def test_a_prorated_baseline_scales_with_its_target(self):
        rule = rule_for(Parameter("nps", 50, 100, baseline=30, prorate=True), (1, 2))
        # target 25, baseline 15: (20 - 15) / (25 - 15) = 0.5
        assert rule.target == 25
        assert rule.exact_target == 25
        assert rule.baseline == 15
        assert rule.exact_baseline == 15
        assert rule.value(D("20")) == D("0.5")
        assert rule.exact(Fraction(20)) == Fraction(1, 2)


class TestNear:
    @property
    def rule(self) -> Rule:
        return rule_for(Parameter("nps", 100, 100, direction=Direction.NEAR_TARGET, tolerance=10, band=2))

    @pytest.mark.parametrize(
        ("actual", "achievement"),
        [
            ("100", "1"),  # on target
            ("101", "1"),  # inside the band
            ("102", "1"),  # on the band's edge: distance 0
            ("98", "1"),
            ("102.5", "0.95"),  # 1 - (2.5 - 2) / 10: a distance under 1
            ("97.5", "0.95"),
            ("107", "0.5"),  # 1 - (7 - 2) / 10
            ("95", "0.7"),  # 1 - (5 - 2) / 10
            ("112", "0"),  # 1 - 10 / 10
            ("200", "0"),  # max(0, 1 - 9.8)
        ],
    )
    def test_value_and_exact(self, actual, achievement):
        assert self.rule.value(D(actual)) == D(achievement)
        assert self.rule.exact(Fraction(actual)) == Fraction(achievement)

    def test_formula(self):
        assert type(self.rule).__name__ == "_Near"
        assert self.rule.formula == "max(0, 1 - max(0, |a - t| - 2) / 10)"
        assert self.rule.substituted("95", "100") == "max(0, 1 - max(0, |95 - 100| - 2) / 10)"

    def test_error_bound(self):
        # slack = 4e-33 / 10 = 4.0e-34; offset |t| + band = 102.
        assert self.rule.slack == D("4e-34")
        assert self.rule.offset == 102
        assert self.rule.error(D("95")) == D("7.88e-32")  # (95 + 102) * 4e-34
        # k1 = tolerance * slack * 2 = 8e-33; k0 = (2 * 102 + 10) * slack * 2 = 1.712e-31
        assert (self.rule.k1, self.rule.k0) == (D("8e-33"), D("1.712e-31"))


class TestProrated:
    def test_no_share_keeps_the_value(self):
        assert prorated(D("10"), None) == D("10")

    def test_one_division_to_34_digits(self):
        # 10 * 5 / 30 = 1.666..., 34 significant digits, the last rounded half-even (up here).
        assert prorated(D("10"), (5, 30)) == D("1.666666666666666666666666666666667")
        assert prorated(D("10"), (3, 2)) == D("15")

    def test_a_prorated_rule_keeps_the_exact_share(self):
        rule = rule_for(Parameter("deals_won", 10, 100, prorate=True), (5, 30))
        assert rule.target == D("1.666666666666666666666666666666667")
        assert rule.exact_target == Fraction(5, 3)
        assert rule.exact(Fraction(5, 3)) == 1
        assert rule.exact(Fraction(1)) == Fraction(3, 5)


@given(
    target=st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2),
    actual=st.decimals(min_value=-5000, max_value=5000, places=3, allow_nan=False),
    direction=st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER]),
    share=st.none() | st.tuples(st.integers(1, 31), st.integers(1, 31)),
)
def test_the_reported_value_is_within_its_error_bound_of_the_exact_one(target, actual, direction, share):
    rule = rule_for(Parameter("x", target, 100, direction=direction, prorate=share is not None), share)
    value = rule.value(actual)
    exact = rule.exact(Fraction(actual))
    assert abs(Fraction(value) - exact) <= Fraction(rule.error(actual))
    assert abs(Fraction(value) - exact) <= Fraction(rule.k1) * abs(Fraction(value)) + Fraction(rule.k0)
