"""`Metric` and `Parameter`: what a card counts, and how it is judged (F5, F7).

A `Metric` names a number the CRM counts (``AUTOMATIC``, such as deals won) or one a
person enters by hand (``MANUAL``, with a unit the manager chooses), and how its
records accumulate over a window (`Accumulation`: a sum, or a level such as an
average or the latest value).  A `Parameter` puts a metric on a card with a target,
a weight and optional rules: which direction is better (more, less, or closer to the
target), a baseline that scores 0, a threshold below which it scores nothing, a cap,
a later start, proration, and targets changed from a date (`TargetStep`s).  How these turn an actual into an achievement lives in
`scorekit.achievement`.

>>> p = Parameter(Metric("calls_made", unit="calls"), target=120, weight=30)
>>> p.key, p.target, str(p.weight)
('calls_made', Decimal('120'), '30%')
"""

from __future__ import annotations

import bisect
import datetime as _dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from pendulum import Date

from scorekit._identifiers import check_identifier, check_label
from scorekit.errors import InvalidParameter
from scorekit.numbers import MAX_PLACES, ZERO, to_decimal
from scorekit.period import as_date
from scorekit.plan import TargetStep
from scorekit.weight import Weight

__all__ = ["Accumulation", "Direction", "Metric", "MetricKind", "Parameter"]


class MetricKind(enum.Enum):
    """Who provides a metric's value: the CRM (``AUTOMATIC``) or a person (``MANUAL``).

    >>> MetricKind("manual") is MetricKind.MANUAL
    True
    """

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Accumulation(enum.Enum):
    """How a metric's records make its value over a window.

    ``SUM`` (counts and amounts that grow through the window) is paced and prorated;
    ``AVERAGE`` (the mean of the records), ``LAST`` (the latest record) and
    ``BALANCE`` (the sum over the card's people of each one's latest record: a
    team's pipeline is Ann's latest plus Bob's latest; for one user, LAST) are
    *levels*: a rate, an average, a balance, never extrapolated and never prorated.

    >>> Accumulation("average") is Accumulation.AVERAGE, Accumulation.LAST.is_level, Accumulation("balance").is_level
    (True, True, True)
    """

    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    BALANCE = "balance"

    @property
    def is_level(self) -> bool:
        """Whether the value is a level (AVERAGE, LAST or BALANCE) rather than a growing sum."""
        return self is not Accumulation.SUM


class Direction(enum.Enum):
    """Whether more is better (deals won), less is (lost deals), or closer to the target is.

    >>> Direction.LOWER_IS_BETTER.value, Direction("near_target")
    ('lower_is_better', <Direction.NEAR_TARGET: 'near_target'>)
    """

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEAR_TARGET = "near_target"


def _text(*, empty: bool) -> Any:  # noqa: ANN401 - an attrs validator
    def check(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
        checker = check_label if empty else check_identifier
        checker(value, what=f"metric {attribute.name}", error=InvalidParameter)

    return check


def as_accumulation(value: object, *, what: str = "metric accumulation") -> Accumulation:
    """`value` as an `Accumulation`; `InvalidParameter` naming `what` and the choices if it is none.

    >>> as_accumulation("average")
    <Accumulation.AVERAGE: 'average'>
    """
    try:
        return Accumulation(value)
    except ValueError:
        allowed = ", ".join(repr(a.value) for a in Accumulation)
        msg = f"{what} must be one of {allowed}, got {value!r}"
        raise InvalidParameter(msg) from None


@attrs.frozen(cache_hash=True)
class Metric:
    """A number a card can count, named by a unique `key`.

    >>> Metric("deals_won", label="Deals won").display_name
    'Deals won'
    >>> Metric.custom("nps", "points").kind
    <MetricKind.MANUAL: 'manual'>
    >>> Metric("conversion_rate", "%", accumulation=Accumulation.AVERAGE).is_level
    True
    """

    key: str = attrs.field(validator=_text(empty=False))
    unit: str = attrs.field(default="", validator=_text(empty=True))
    kind: MetricKind = attrs.field(default=MetricKind.AUTOMATIC, converter=MetricKind)
    label: str = attrs.field(default="", validator=_text(empty=True))
    accumulation: Accumulation = attrs.field(default=Accumulation.SUM, converter=as_accumulation)

    @classmethod
    def custom(cls, key: str, unit: str, *, label: str = "", accumulation: Accumulation = Accumulation.SUM) -> Metric:
        """A hand-entered metric with its own unit: never asked of the CRM (F7).

        >>> Metric.custom("demo_days", "days").is_manual
        True
        """
        return cls(key, unit, MetricKind.MANUAL, label, accumulation)

    @property
    def is_level(self) -> bool:
        """Whether the metric is a level (AVERAGE or LAST): not extrapolated, not prorated."""
        return self.accumulation is not Accumulation.SUM

    @property
    def is_manual(self) -> bool:
        """Whether people enter this metric's values by hand."""
        return self.kind is MetricKind.MANUAL

    @property
    def display_name(self) -> str:
        """The label, or the key when there is no label."""
        return self.label or self.key


def _to_metric(value: object) -> Metric:
    if isinstance(value, Metric):
        return value
    if isinstance(value, str):
        return Metric(value)
    msg = f"a parameter's metric must be a Metric or a metric key string, got {value!r}"
    raise InvalidParameter(msg)


def _to_weight(value: Weight | str | Decimal | float) -> Weight:
    return value if isinstance(value, Weight) else Weight.percent(value)


def _to_target(value: object) -> Decimal:
    return to_decimal(value, name="target", error=InvalidParameter, places=MAX_PLACES)


def _to_cap(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="cap", error=InvalidParameter, places=MAX_PLACES)


def _to_threshold(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="threshold", error=InvalidParameter, places=MAX_PLACES)


def _to_baseline(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="baseline", error=InvalidParameter, places=MAX_PLACES)


def _to_tolerance(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, name="tolerance", error=InvalidParameter, places=MAX_PLACES)


def _to_band(value: object) -> Decimal:
    return to_decimal(value, name="band", error=InvalidParameter, places=MAX_PLACES)


def _to_direction(value: object) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        allowed = ", ".join(repr(d.value) for d in Direction)
        msg = f"parameter direction must be one of {allowed}, got {value!r}"
        raise InvalidParameter(msg) from None


def _to_optional_date(value: object) -> Date | None:
    return None if value is None else as_date(value, name="counts_from")


def _to_steps(value: Iterable[TargetStep]) -> tuple[TargetStep, ...]:
    if isinstance(value, TargetStep):
        msg = f"parameter steps must be a sequence of TargetStep, got the single {value!r}; use steps=(step,)"
        raise InvalidParameter(msg)
    try:
        steps = value if type(value) is tuple else tuple(value)
    except TypeError:
        msg = f"parameter steps must be a sequence of TargetStep, got {value!r}"
        raise InvalidParameter(msg) from None
    for step in steps:
        if not isinstance(step, TargetStep):
            msg = f"parameter steps must be TargetStep objects, got {step!r}"
            raise InvalidParameter(msg)
    return steps


def _flag(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"parameter {attribute.name} must be True or False, got {value!r}"
        raise InvalidParameter(msg)


# Hashes are cached: grouping cards hashes every parameter, and cards share parameter objects.
@attrs.frozen(cache_hash=True)
class Parameter:
    """One metric on a card, with its target, weight and rules.

    `weight` may be a `Weight` or a percentage; `metric` a `Metric` or a key.
    `cap` and `threshold` are achievements (1.5 caps at 150%, 0.5 gates at 50%).
    `baseline` is the actual that scores 0 (the target scores 1); a `NEAR_TARGET`
    parameter scores 1 within `band` of the target, falling to 0 at `band + tolerance`.
    `steps` change the target from a date on (strictly increasing dates, each target
    valid as `target` is); the card checks that each falls inside the window.

    >>> Parameter("returns", 5, 20, direction=Direction.LOWER_IS_BETTER).target
    Decimal('5')
    >>> Parameter("nps", 50, 100, baseline=30).baseline
    Decimal('30')
    >>> Parameter("discount", 10, 100, direction="near_target", tolerance=5, band=1).band
    Decimal('1')
    >>> Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 4, 10), 20),)).target_on(Date(2024, 4, 10))
    Decimal('20')
    >>> Parameter("deals_won", 0, 100)
    Traceback (most recent call last):
    scorekit.errors.InvalidParameter: parameter 'deals_won': target must be more than 0 when higher is better, got 0
    """

    metric: Metric = attrs.field(converter=_to_metric)
    target: Decimal = attrs.field(converter=_to_target)
    weight: Weight = attrs.field(converter=_to_weight)
    counts_from: Date | None = attrs.field(default=None, kw_only=True, converter=_to_optional_date)
    direction: Direction = attrs.field(default=Direction.HIGHER_IS_BETTER, kw_only=True, converter=_to_direction)
    cap: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_cap)
    threshold: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_threshold)
    prorate: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    active: bool = attrs.field(default=True, kw_only=True, validator=_flag)
    baseline: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_baseline)
    tolerance: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_tolerance)
    band: Decimal = attrs.field(default=ZERO, kw_only=True, converter=_to_band)
    steps: tuple[TargetStep, ...] = attrs.field(default=(), kw_only=True, converter=_to_steps)

    def __attrs_post_init__(self) -> None:
        problem = self._direction_problem() or self._shape_problem() or self._steps_problem()
        if problem:
            msg = f"parameter {self.metric.key!r}: {problem}"
            raise InvalidParameter(msg)

    def _direction_problem(self) -> str | None:
        """What is wrong with the target, baseline, tolerance and band for the direction, if anything."""
        if self.direction is Direction.NEAR_TARGET:
            return self._near_problem()
        if self.tolerance is not None:
            return f"tolerance {self.tolerance} applies only when nearer the target is better (direction 'near_target')"
        if self.band != 0:
            return f"band {self.band} applies only when nearer the target is better (direction 'near_target')"
        return self._target_problem()

    def _target_problem(self, target: Decimal | None = None) -> str | None:
        """What is wrong with `target` (the parameter's own when None) for the direction and baseline."""
        higher = self.direction is Direction.HIGHER_IS_BETTER
        target = self.target if target is None else target
        baseline = self.baseline
        if baseline is not None:
            if higher and target <= baseline:
                return f"target {target} must be above the baseline {baseline} when higher is better"
            if not higher and target >= baseline:
                return f"target {target} must be below the baseline {baseline} when lower is better"
        elif higher and target <= 0:
            return f"target must be more than 0 when higher is better, got {target}"
        elif not higher and target < 0:
            return f"target must be 0 or more when lower is better, got {target}"
        return None

    def _steps_problem(self) -> str | None:
        """What is wrong with the steps' dates and targets, if anything."""
        if not self.steps:
            return None
        previous: TargetStep | None = None
        for step in self.steps:
            if previous is not None and step.effective <= previous.effective:
                return (
                    f"target steps must have strictly increasing dates, got {step.effective} after {previous.effective}"
                )
            problem = self.direction is not Direction.NEAR_TARGET and self._target_problem(step.target)
            if problem:
                return f"the step from {step.effective}: {problem}"
            previous = step
        return None

    def _near_problem(self) -> str | None:
        if self.baseline is not None:
            return f"baseline {self.baseline} cannot be used when nearer the target is better; use tolerance and band"
        if self.tolerance is None or self.tolerance <= 0:
            return f"tolerance must be more than 0 when nearer the target is better, got {self.tolerance}"
        if self.band < 0:
            return f"band must be 0 or more, got {self.band}"
        return None

    def _shape_problem(self) -> str | None:
        """What is wrong with the cap, threshold and proration, if anything."""
        if self.cap is not None and self.cap <= 0:
            return f"cap must be more than 0 (an achievement: 1.5 caps at 150%), got {self.cap}"
        if self.threshold is not None and self.threshold < 0:
            return f"threshold must be 0 or more (an achievement: 0.5 gates at 50%), got {self.threshold}"
        if self.cap is not None and self.threshold is not None and self.threshold > self.cap:
            return f"threshold {self.threshold} must not be above cap {self.cap}"
        if self.prorate and self.metric.is_level:
            return (
                f"prorate=True cannot apply to a level ({self.metric.accumulation.value} of records): "
                "a rate or balance target is not scaled; use prorate=False"
            )
        return None

    @property
    def key(self) -> str:
        """The metric's key."""
        return self.metric.key

    @property
    def rampable(self) -> bool:
        """Whether a card's `Ramp` scales this target: a higher-is-better sum without a baseline.

        >>> Parameter("deals_won", 10, 100).rampable, Parameter("nps", 50, 100, baseline=30).rampable
        (True, False)
        """
        return self.direction is Direction.HIGHER_IS_BETTER and not self.metric.is_level and self.baseline is None

    def target_on(self, day: _dt.date) -> Decimal:
        """The target in force on `day`: the latest step effective on or before it, else `target`.

        >>> p = Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 4, 10), 20),))
        >>> p.target_on(Date(2024, 4, 9)), p.target_on(Date(2024, 4, 30))
        (Decimal('10'), Decimal('20'))
        """
        steps = self.steps
        if not steps:
            return self.target
        index = bisect.bisect_right([step.effective for step in steps], day)
        return steps[index - 1].target if index else self.target

    def evolve(self, **changes: Any) -> Parameter:  # noqa: ANN401 - the fields' own types
        """A copy with `changes`, validated again.

        >>> Parameter("deals_won", 10, 100).evolve(target=12).target
        Decimal('12')
        """
        return attrs.evolve(self, **changes)
