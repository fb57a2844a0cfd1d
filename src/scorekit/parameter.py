"""`Metric` and `Parameter`: what a card counts, and how it is judged (F5, F7).

A `Metric` names a number the CRM counts (``AUTOMATIC``, such as deals won) or one a
person enters by hand (``MANUAL``, with a unit the manager chooses).  A `Parameter`
puts a metric on a card with a target, a weight and optional rules: lower is better,
a threshold below which it scores nothing, a cap, a later start, proration.

>>> p = Parameter(Metric("calls_made", unit="calls"), target=120, weight=30)
>>> p.key, p.target, str(p.weight)
('calls_made', Decimal('120'), '30%')
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs
from pendulum import Date

from scorekit._text import check_identifier, check_label
from scorekit.errors import InvalidParameter
from scorekit.numbers import MAX_PLACES, to_decimal
from scorekit.period import as_date
from scorekit.weight import Weight

__all__ = ["Direction", "Metric", "MetricKind", "Parameter"]


class MetricKind(enum.Enum):
    """Who provides a metric's value: the CRM (``AUTOMATIC``) or a person (``MANUAL``).

    >>> MetricKind("manual") is MetricKind.MANUAL
    True
    """

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Direction(enum.Enum):
    """Whether more is better (deals won) or less is (lost deals, response time).

    >>> Direction.LOWER_IS_BETTER.value
    'lower_is_better'
    """

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


def _text(*, empty: bool) -> Any:  # noqa: ANN401 - an attrs validator
    def check(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
        checker = check_label if empty else check_identifier
        checker(value, what=f"metric {attribute.name}", error=InvalidParameter)

    return check


@attrs.frozen(cache_hash=True)
class Metric:
    """A number a card can count, named by a unique `key`.

    >>> Metric("deals_won", label="Deals won").display_name
    'Deals won'
    >>> Metric.custom("nps", "points").kind
    <MetricKind.MANUAL: 'manual'>
    """

    key: str = attrs.field(validator=_text(empty=False))
    unit: str = attrs.field(default="", validator=_text(empty=True))
    kind: MetricKind = attrs.field(default=MetricKind.AUTOMATIC, converter=MetricKind)
    label: str = attrs.field(default="", validator=_text(empty=True))

    @classmethod
    def custom(cls, key: str, unit: str, *, label: str = "") -> Metric:
        """A hand-entered metric with its own unit: never asked of the CRM (F7).

        >>> Metric.custom("demo_days", "days").is_manual
        True
        """
        return cls(key, unit, MetricKind.MANUAL, label)

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


def _to_optional_date(value: object) -> Date | None:
    return None if value is None else as_date(value, name="counts_from")


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

    >>> Parameter("returns", 5, 20, direction=Direction.LOWER_IS_BETTER).target
    Decimal('5')
    >>> Parameter("deals_won", 0, 100)
    Traceback (most recent call last):
    scorekit.errors.InvalidParameter: parameter 'deals_won': target must be more than 0 when higher is better, got 0
    """

    metric: Metric = attrs.field(converter=_to_metric)
    target: Decimal = attrs.field(converter=_to_target)
    weight: Weight = attrs.field(converter=_to_weight)
    counts_from: Date | None = attrs.field(default=None, kw_only=True, converter=_to_optional_date)
    direction: Direction = attrs.field(default=Direction.HIGHER_IS_BETTER, kw_only=True, converter=Direction)
    cap: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_cap)
    threshold: Decimal | None = attrs.field(default=None, kw_only=True, converter=_to_threshold)
    prorate: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    active: bool = attrs.field(default=True, kw_only=True, validator=_flag)

    def __attrs_post_init__(self) -> None:
        problem = None
        if self.direction is Direction.HIGHER_IS_BETTER and self.target <= 0:
            problem = f"target must be more than 0 when higher is better, got {self.target}"
        elif self.target < 0:
            problem = f"target must be 0 or more when lower is better, got {self.target}"
        elif self.cap is not None and self.cap <= 0:
            problem = f"cap must be more than 0 (an achievement: 1.5 caps at 150%), got {self.cap}"
        elif self.threshold is not None and self.threshold < 0:
            problem = f"threshold must be 0 or more (an achievement: 0.5 gates at 50%), got {self.threshold}"
        elif self.cap is not None and self.threshold is not None and self.threshold > self.cap:
            problem = f"threshold {self.threshold} must not be above cap {self.cap}"
        if problem:
            msg = f"parameter {self.metric.key!r}: {problem}"
            raise InvalidParameter(msg)

    @property
    def key(self) -> str:
        """The metric's key."""
        return self.metric.key

    def evolve(self, **changes: Any) -> Parameter:  # noqa: ANN401 - the fields' own types
        """A copy with `changes`, validated again.

        >>> Parameter("deals_won", 10, 100).evolve(target=12).target
        Decimal('12')
        """
        return attrs.evolve(self, **changes)
