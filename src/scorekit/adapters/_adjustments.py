"""What every adjustment store shares: the type check of what it is given, the message for a taken id.

>>> adjustment_taken("a1")
ConflictError("adjustment 'a1' is already stored; an adjustment is never replaced: record an opposite one to correct it")
"""

from __future__ import annotations

from scorekit.adjustment import Adjustment
from scorekit.errors import ConflictError

__all__ = ["adjustment_taken", "checked"]


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
