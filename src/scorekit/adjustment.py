"""`Adjustment`: a hand correction of a card's numbers, with a reason (late credit, clawback, relief).

A ``CREDIT`` adds a signed value to the actual of a sum parameter (a deal booked
late; a negative one is a clawback) and shows in its evidence; a ``RELIEF`` takes a
positive amount off a higher-is-better sum parameter's target (leave, a territory
handed over).  Each names who recorded it, when, and why; an adjustment counts from
the instant it was recorded, compared in UTC.  Adjustments are append-only: a
mistake is corrected by an opposite entry.

`adjustment_totals` is the pure arithmetic a score needs: per metric, the credits,
the reliefs and the credits' evidence counted by `as_of`.  Which parameters may be
adjusted, and the relief that leaves no target, are decided where the card is known.

>>> import pendulum
>>> late = Adjustment("a1", "c1", "deals_won", AdjustmentKind.CREDIT, 2, "D-7 booked late",
...                   pendulum.datetime(2024, 4, 29, 10, tz="Europe/Warsaw"), "boss")
>>> late.recorded_at.isoformat(), late.evidence().id
('2024-04-29T08:00:00+00:00', 'adjustment:a1')
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final

import attrs
from pendulum import DateTime

from scorekit._identifiers import check_label, identifier
from scorekit.errors import InvalidParameter, InvalidScorecard
from scorekit.measurement import Evidence
from scorekit.numbers import MAX_PLACES, ZERO, exact_sum, to_decimal
from scorekit.period import as_instant, as_utc, as_utc_instant

__all__ = ["Adjustment", "AdjustmentKind", "AdjustmentTotals", "adjustment_totals"]


class AdjustmentKind(enum.Enum):
    """What an adjustment corrects: the actual (``CREDIT``) or the target (``RELIEF``).

    >>> AdjustmentKind("relief") is AdjustmentKind.RELIEF
    True
    """

    CREDIT = "credit"
    RELIEF = "relief"


# Compared by identity per adjustment scored: an enum member looked up on its class costs ten times a global.
_CREDIT: Final = AdjustmentKind.CREDIT
_RELIEF: Final = AdjustmentKind.RELIEF


def _kind(value: object) -> AdjustmentKind:
    try:
        return AdjustmentKind(value)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in AdjustmentKind)
        msg = f"an adjustment's kind must be one of {allowed}, got {value!r}"
        raise InvalidParameter(msg) from None


def _value(value: object) -> Decimal:
    return to_decimal(value, name="an adjustment's value", error=InvalidParameter, places=MAX_PLACES)


def _reason(value: object) -> str:
    check_label(value, what="an adjustment's reason", error=InvalidParameter)
    if not str(value).strip():
        msg = f"an adjustment needs a reason people can read (why the number changed), got {value!r}"
        raise InvalidParameter(msg)
    return str(value)


def _recorded_at(value: object) -> DateTime:
    return as_utc_instant(value, name="an adjustment's recorded_at")


@attrs.frozen
class Adjustment:
    """A hand correction of one metric on one card: `kind`, `value` and a `reason`.

    `recorded_at` is held in UTC, whatever zone it is given in.  A relief's value
    must be more than 0; a credit may be negative (a clawback).

    >>> import pendulum
    >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
    >>> Adjustment("a2", "c1", "deals_won", "relief", 1, "two weeks of leave", at, "boss").kind
    <AdjustmentKind.RELIEF: 'relief'>
    >>> Adjustment("a3", "c1", "deals_won", "relief", -1, "typo", at, "boss")
    Traceback (most recent call last):
    scorekit.errors.InvalidParameter: adjustment 'a3': a relief takes an amount off the target and must be more than 0, got -1
    """

    id: str = attrs.field(validator=identifier("adjustment id", InvalidScorecard))
    card_id: str = attrs.field(validator=identifier("adjustment card_id", InvalidScorecard))
    metric: str = attrs.field(validator=identifier("adjustment metric", InvalidScorecard))
    kind: AdjustmentKind = attrs.field(converter=_kind)
    value: Decimal = attrs.field(converter=_value)
    reason: str = attrs.field(converter=_reason)
    recorded_at: DateTime = attrs.field(converter=_recorded_at)
    recorded_by: str = attrs.field(validator=identifier("adjustment recorded_by", InvalidScorecard))

    def __attrs_post_init__(self) -> None:
        if self.kind is AdjustmentKind.RELIEF and self.value <= 0:
            msg = (
                f"adjustment {self.id!r}: a relief takes an amount off the target and must be more than 0, "
                f"got {self.value}"
            )
            raise InvalidParameter(msg)

    def evidence(self) -> Evidence:
        """The credit as a counted record: ``Evidence("adjustment:" + id, recorded_at, value, reason)``.

        >>> import pendulum
        >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
        >>> Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss").evidence().label
        'D-7 booked late'
        """
        return Evidence("adjustment:" + self.id, self.recorded_at, self.value, self.reason)


@attrs.frozen
class AdjustmentTotals:
    """One metric's adjustments counted by some `as_of`: the credit and relief sums and the credits' evidence."""

    credit: Decimal = ZERO
    """The sum of the credits (negative for a net clawback)."""
    relief: Decimal = ZERO
    """The sum of the reliefs (0 or more)."""
    evidence: tuple[Evidence, ...] = ()
    """Each credit as an `Evidence`, by recorded instant, then id."""


def _in_order(counted: tuple[_dt.datetime, Adjustment]) -> tuple[_dt.datetime, str]:
    """A counted adjustment's place: by its instant in UTC, then its id."""
    return counted[0], counted[1].id


def adjustment_totals(
    card_id: str, adjustments: Iterable[object], as_of: _dt.datetime
) -> Mapping[str, AdjustmentTotals]:
    """Per metric key, the adjustments of card `card_id` recorded at or before `as_of`, summed exactly.

    One recorded exactly at `as_of` counts; one recorded later does not (compared as
    UTC instants).  An adjustment of another card raises `InvalidScorecard`.

    >>> import pendulum
    >>> at = pendulum.datetime(2024, 4, 29, tz="UTC")
    >>> items = [
    ...     Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss"),
    ...     Adjustment("a2", "c1", "deals_won", "relief", 1, "two weeks of leave", at, "boss"),
    ...     Adjustment("a3", "c1", "deals_won", "credit", -1, "D-3 refunded", at.add(days=1), "boss"),
    ... ]
    >>> totals = adjustment_totals("c1", items, at)["deals_won"]
    >>> totals.credit, totals.relief, [e.id for e in totals.evidence]
    (Decimal('2'), Decimal('1'), ['adjustment:a1'])
    """
    cutoff = as_utc(as_instant(as_of))
    counted: dict[str, list[tuple[_dt.datetime, Adjustment]]] = {}
    for adjustment in adjustments:
        if not isinstance(adjustment, Adjustment):
            msg = f"adjustments must be Adjustment objects, got {adjustment!r}"
            raise InvalidScorecard(msg)
        if adjustment.card_id != card_id:
            msg = (
                f"an adjustment for card {adjustment.card_id!r} ({adjustment.id!r}) was given to score card {card_id!r}"
            )
            raise InvalidScorecard(msg)
        recorded = as_utc(adjustment.recorded_at)
        if recorded <= cutoff:
            counted.setdefault(adjustment.metric, []).append((recorded, adjustment))
    totals: dict[str, AdjustmentTotals] = {}
    for metric, items in counted.items():
        added = [a for _, a in sorted(((at, a) for at, a in items if a.kind is _CREDIT), key=_in_order)]
        reliefs = [a.value for _, a in items if a.kind is _RELIEF]
        totals[metric] = AdjustmentTotals(
            credit=exact_sum(a.value for a in added),
            relief=exact_sum(reliefs),
            evidence=tuple(a.evidence() for a in added),
        )
    return totals
