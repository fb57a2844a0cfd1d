"""What every adjustment store shares: the type check, the message for a taken id, the snapshot stores' check.

A snapshot store sharing the adjustments' database checks that a closed score counted every
adjustment it should (`refuse_missed_adjustments`).

>>> adjustment_taken("a1")
ConflictError("adjustment 'a1' is already stored; an adjustment is never replaced: record an opposite one to correct it")
"""

from __future__ import annotations

from collections.abc import Iterable

from scorekit.adjustment import Adjustment
from scorekit.errors import ConflictError
from scorekit.history import ClosedScore
from scorekit.period import as_utc

__all__ = ["adjustment_taken", "checked", "refuse_missed_adjustments"]


def checked(value: object) -> Adjustment:
    """`value` if it is an `Adjustment`, else `TypeError`."""
    if not isinstance(value, Adjustment):
        msg = f"expected an Adjustment, got {value!r}"
        raise TypeError(msg)
    return value


def adjustment_taken(adjustment_id: str) -> ConflictError:
    """The error for an id already stored: adjustments are append-only."""
    return ConflictError(
        f"adjustment {adjustment_id!r} is already stored; an adjustment is never replaced: "
        "record an opposite one to correct it"
    )


def refuse_missed_adjustments(closed: ClosedScore, stored: Iterable[Adjustment]) -> None:
    """`ConflictError` if the card has an adjustment its closed score should have counted and did not.

    An adjustment counts when recorded at or before the score's `as_of`; one stored after
    the close read them (recorded before) is what this finds.  A closed score that keeps
    no inputs (made before 0.3) is not checked.
    """
    if not closed.measurements:
        return
    cutoff = as_utc(closed.score.as_of)
    due = {a.id for a in stored if as_utc(a.recorded_at) <= cutoff}
    if due != {a.id for a in closed.adjustments}:
        msg = (
            f"card {closed.card_id!r} has an adjustment recorded by {closed.score.as_of.isoformat()} that its closed "
            "score did not count (stored after the close read them): close it again"
        )
        raise ConflictError(msg)
