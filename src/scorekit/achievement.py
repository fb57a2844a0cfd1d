"""How an actual becomes an achievement: the one place that knows every direction.

A `Rule` maps an actual ``a`` to an achievement for one parameter's target ``t``;
`rule_for` picks it once per window, so scoring never asks which direction it has:

- higher is better: ``a / t``; with a baseline ``b``: ``max(0, (a - b) / (t - b))``;
- lower is better: ``max(0, 2 - a / t)``, and for ``t == 0``: 1 if ``a <= 0`` else 0;
  with a baseline ``b``: ``max(0, (a - b) / (t - b))`` (``t < b``, so less is more);
  a prorated target brings its baseline along (both scale by the same share);
- near the target: ``max(0, 1 - max(0, |a - t| - band) / tolerance)``.

`Rule.value` gives the reported Decimal (one division carried to 34 digits, as 0.1
defines it); `Rule.exact` the same formula over `Fraction`s, for decisions; and
`Rule.error` a bound on how far the Decimal can be from the exact value, so a
decision falls back to `Rule.exact` only when it is that close to its line.

>>> from scorekit import Parameter
>>> rule = rule_for(Parameter("nps", 50, 100, baseline=30))
>>> rule.value(Decimal(40)), rule.exact(Fraction(40))
(Decimal('0.5'), Fraction(1, 2))
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Final

from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO
from scorekit.parameter import Direction, Parameter

__all__ = ["Rule", "compare", "prorated", "rule_for", "rule_for_exact"]

_TWO: Final = Decimal(2)
# A 34-digit division is off by at most half a unit in its last place (5e-34 relative);
# a paced actual adds one more such rounding.  Four times that, rounded up, is the slack.
_SLACK: Final = Decimal("4e-33")


def _slack_for(denominator: Decimal) -> Decimal:
    """`_SLACK / |denominator|`, rounded up to two digits: cheap to multiply, never too small."""
    inverse = EXACT.divide(_SLACK, denominator.copy_abs())
    return inverse.quantize(
        Decimal(1).scaleb(inverse.adjusted() - 1, EXACT), rounding=decimal.ROUND_CEILING, context=EXACT
    )


class Rule:
    """Achievement from actual for one parameter and its (prorated) target."""

    # `template` is a class attribute of the fixed formulas and a slot of the others: a slot
    # here would be shadowed by the class attribute, which pickle and copy cannot restore.
    __slots__ = ("exact_target", "k0", "k1", "offset", "slack", "target")

    template: str
    """The formula with ``{a}`` for the actual and ``{t}`` for the target."""
    offset: Decimal
    slack: Decimal
    """`error(a)` is ``(|a| + offset) * slack``."""
    k1: Decimal
    k0: Decimal
    """The error in terms of the value ``v`` the Decimal came out as: at most ``k1 * |v| + k0``."""

    def __init__(self, target: Decimal, exact_target: Fraction, denominator: Decimal, offset: Decimal) -> None:
        self.target = target
        self.exact_target = exact_target
        self.slack = _slack_for(denominator) if denominator else ZERO
        self.offset = offset
        self.k1 = self.k0 = ZERO

    def _error_in_value(self, k1: Decimal, k0: Decimal) -> None:
        """Set the error bound in terms of the value: ``k1 * |v| + k0`` (each doubled, to spare care)."""
        self.k1 = EXACT.multiply(EXACT.multiply(k1, self.slack), _TWO)
        self.k0 = EXACT.multiply(EXACT.multiply(k0, self.slack), _TWO)

    def value(self, actual: Decimal) -> Decimal:
        """The achievement as reported: the division carried to 34 digits."""
        raise NotImplementedError

    def bound_error(self) -> None:
        """Express `error` in terms of the value (``|a|`` through ``v``), for cheap decision bands."""
        # The default, for a / t and 2 - a / t: |a| <= (|v| + 2) * |t|.
        scale = self.target.copy_abs()
        self._error_in_value(scale, EXACT.multiply(_TWO, scale))

    def exact(self, actual: Fraction) -> Fraction:
        """The achievement exactly."""
        raise NotImplementedError

    def error(self, actual: Decimal) -> Decimal:
        """A bound on ``|value(x) - exact(x')|`` where `actual` is `x` rounded from `x'` at most once."""
        if not self.slack:
            return ZERO
        return EXACT.multiply(EXACT_SUMS.add(actual.copy_abs(), self.offset), self.slack)

    @property
    def divisor(self) -> Decimal | None:
        """The target when `value` is nothing but ``a / t`` (so a caller may divide itself), else None."""
        return None

    @property
    def formula(self) -> str:
        """The formula, with ``a`` the actual and ``t`` the target."""
        return self.template.format(a="a", t="t")

    def substituted(self, actual: str, target: str) -> str:
        """The formula with the numbers put in (for `explain`)."""
        return self.template.format(a=actual, t=target)


class _Ratio(Rule):
    """Higher is better without a baseline: ``a / t``."""

    __slots__ = ()
    template = "{a} / {t}"

    @property
    def divisor(self) -> Decimal:
        return self.target

    def value(self, actual: Decimal) -> Decimal:
        return EXACT.divide(actual, self.target)

    def exact(self, actual: Fraction) -> Fraction:
        return actual / self.exact_target


class _Lower(Rule):
    """Lower is better without a baseline: ``max(0, 2 - a / t)``."""

    __slots__ = ()
    template = "max(0, 2 - {a} / {t})"

    def value(self, actual: Decimal) -> Decimal:
        return max(ZERO, EXACT_SUMS.subtract(_TWO, EXACT.divide(actual, self.target)))

    def exact(self, actual: Fraction) -> Fraction:
        return max(Fraction(0), 2 - actual / self.exact_target)


class _LowerZero(Rule):
    """Lower is better with a target of 0: all (1) if nothing happened, else nothing (0)."""

    __slots__ = ()
    template = "1 if {a} <= 0 else 0"

    def value(self, actual: Decimal) -> Decimal:
        return ONE if actual <= 0 else ZERO

    def bound_error(self) -> None:
        self.k1 = self.k0 = ZERO  # exact: the sign of the actual decides

    def exact(self, actual: Fraction) -> Fraction:
        return Fraction(1 if actual <= 0 else 0)


class _Baseline(Rule):
    """From a baseline (scores 0) to the target (scores 1): ``max(0, (a - b) / (t - b))``."""

    __slots__ = ("baseline", "exact_baseline", "exact_span", "span", "template")

    def __init__(self, target: Decimal, exact_target: Fraction, baseline: Decimal, exact_baseline: Fraction) -> None:
        self.baseline = baseline
        self.exact_baseline = exact_baseline
        self.span = EXACT_SUMS.subtract(target, baseline)
        self.exact_span = exact_target - exact_baseline
        super().__init__(target, exact_target, self.span, baseline.copy_abs())
        # A prorated target and baseline are rounded too, which moves the span: widen the
        # slack by (|t| + |b|) / |t - b| + 1 so the bound still holds.
        widen = EXACT.add(EXACT.divide(EXACT.add(target.copy_abs(), baseline.copy_abs()), self.span.copy_abs()), ONE)
        self.slack = EXACT.multiply(self.slack, widen)
        self.template = f"max(0, ({{a}} - {baseline}) / ({{t}} - {baseline}))"

    def value(self, actual: Decimal) -> Decimal:
        return max(ZERO, EXACT.divide(EXACT_SUMS.subtract(actual, self.baseline), self.span))

    def bound_error(self) -> None:
        # |a| <= |v| * |t - b| + |b|, so (|a| + |b|) <= |v| * |t - b| + 2|b|.
        self._error_in_value(self.span.copy_abs(), EXACT.multiply(_TWO, self.baseline.copy_abs()))

    def exact(self, actual: Fraction) -> Fraction:
        return max(Fraction(0), (actual - self.exact_baseline) / self.exact_span)


class _Near(Rule):
    """Closer is better: ``max(0, 1 - max(0, |a - t| - band) / tolerance)``."""

    __slots__ = ("band", "template", "tolerance")

    def __init__(self, target: Decimal, exact_target: Fraction, tolerance: Decimal, band: Decimal) -> None:
        self.tolerance = tolerance
        self.band = band
        super().__init__(target, exact_target, tolerance, EXACT_SUMS.add(target.copy_abs(), band))
        self.template = f"max(0, 1 - max(0, |{{a}} - {{t}}| - {band}) / {tolerance})"

    def bound_error(self) -> None:
        # |a| <= |t| + band + (1 + |v|) * tolerance, and offset is |t| + band.
        tolerance = self.tolerance
        k0 = EXACT.add(EXACT.multiply(_TWO, self.offset), tolerance)
        self._error_in_value(tolerance, k0)

    def value(self, actual: Decimal) -> Decimal:
        distance = EXACT_SUMS.subtract(EXACT_SUMS.subtract(actual, self.target).copy_abs(), self.band)
        if distance <= 0:
            return ONE
        return max(ZERO, EXACT_SUMS.subtract(ONE, EXACT.divide(distance, self.tolerance)))

    def exact(self, actual: Fraction) -> Fraction:
        distance = max(Fraction(0), abs(actual - self.exact_target) - Fraction(self.band))
        return max(Fraction(0), 1 - distance / Fraction(self.tolerance))


def prorated(value: Decimal, share: tuple[int, int] | None) -> Decimal:
    """`value` scaled by ``share = (part, whole)`` as 0.1 defines it: one 34-digit division."""
    if share is None:
        return value
    part, whole = share
    return EXACT.divide(EXACT.multiply(value, Decimal(part)), Decimal(whole))


def rule_for(parameter: Parameter, share: tuple[int, int] | None = None) -> Rule:
    """The rule that judges `parameter`, its target (and baseline) scaled by `share` if prorated.

    `share` is ``(window days, period days)`` for a prorated parameter (working days
    with a calendar), None otherwise; the rule's `target` is the prorated target.

    >>> from scorekit import Direction, Parameter
    >>> rule_for(Parameter("returns", 0, 100, direction=Direction.LOWER_IS_BETTER)).formula
    '1 if a <= 0 else 0'
    >>> rule = rule_for(Parameter("deals_won", 10, 100, prorate=True), (5, 30))
    >>> rule.target, rule.exact_target
    (Decimal('1.666666666666666666666666666666667'), Fraction(5, 3))
    """
    target = prorated(parameter.target, share)
    exact_share = Fraction(1) if share is None else Fraction(share[0], share[1])
    exact_target = Fraction(parameter.target) * exact_share
    baseline = None if parameter.baseline is None else prorated(parameter.baseline, share)
    return _rule(parameter, target, exact_target, baseline, exact_share)


def rule_for_exact(
    parameter: Parameter, target: Fraction, share: Fraction = Fraction(1), shown: Decimal | None = None
) -> Rule:
    """The rule that judges `parameter` against the exact target `target` (a plan's ``T``, a relieved target).

    `share` is the proration factor the baseline scales by.  The reported target is
    `shown` (a Decimal equal to `target`, as the caller wrote it), else `target` as
    one 34-digit division.

    >>> from scorekit import Parameter
    >>> rule = rule_for_exact(Parameter("deals_won", 10, 100), Fraction(85, 31))
    >>> rule.target, rule.exact_target
    (Decimal('2.741935483870967741935483870967742'), Fraction(85, 31))
    """
    if shown is None:
        shown = EXACT.divide(Decimal(target.numerator), Decimal(target.denominator))
    baseline = None
    if parameter.baseline is not None:
        exact_baseline = Fraction(parameter.baseline) * share
        baseline = EXACT.divide(Decimal(exact_baseline.numerator), Decimal(exact_baseline.denominator))
    return _rule(parameter, shown, target, baseline, share)


def _rule(
    parameter: Parameter, target: Decimal, exact_target: Fraction, baseline: Decimal | None, exact_share: Fraction
) -> Rule:
    direction = parameter.direction
    if direction is Direction.NEAR_TARGET:
        tolerance = parameter.tolerance
        if tolerance is None:  # pragma: no cover - Parameter refuses it
            msg = f"parameter {parameter.key!r} is near-target without a tolerance"
            raise AssertionError(msg)
        near = _Near(target, exact_target, tolerance, parameter.band)
        near.bound_error()
        return near
    rule: Rule
    if parameter.baseline is not None and baseline is not None:
        rule = _Baseline(target, exact_target, baseline, Fraction(parameter.baseline) * exact_share)
    elif direction is Direction.HIGHER_IS_BETTER:
        rule = _Ratio(target, exact_target, target, ZERO)
    elif target == 0:
        rule = _LowerZero(target, exact_target, ZERO, ZERO)
    else:
        rule = _Lower(target, exact_target, target, ZERO)
    rule.bound_error()
    return rule


def compare(  # noqa: PLR0917 - called in the hot loop: positional is cheapest
    value: Decimal,
    bound: Decimal,
    bounds: tuple[Decimal, Decimal],
    rule: Rule,
    used: Decimal,
    actual: Decimal,
    days: int,
    elapsed: int,
) -> int:
    """-1, 0 or 1 as ``rule(actual * days / elapsed)`` exactly is below, at or above `bound`.

    `value` is ``rule.value(used)``, `used` the Decimal actual it came from.  Outside
    `bounds` the Decimal decides; inside, its error bound, then Fractions.

    >>> from scorekit import Parameter
    >>> rule = rule_for(Parameter("deals", 3, 100))
    >>> third = rule.value(Decimal(1))  # 0.3333...3, a hair below 1/3
    >>> compare(third, third, (third, third), rule, Decimal(1), Decimal(1), 1, 1)  # exactly 1/3 is above its Decimal
    1
    """
    low, high = bounds
    if value > high:
        return 1
    if value < low:
        return -1
    gap = EXACT_SUMS.subtract(value, bound)
    if not rule.slack:  # an exact rule
        return (gap > 0) - (gap < 0)
    error = rule.error(used)
    if gap > error:
        return 1
    if gap.copy_negate() > error:
        return -1
    exact, line = rule.exact(Fraction(actual) * days / elapsed), Fraction(bound)
    return (exact > line) - (exact < line)
