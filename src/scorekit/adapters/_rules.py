"""The checks every adapter makes inside a closed score's transaction, in one place.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> from scorekit.history import ClosedScore, fingerprint
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
>>> at = pendulum.datetime(2024, 2, 2, tz="UTC")
>>> closed = ClosedScore.of(score(card, {"deals_won": 8}, as_of=at), closed_at=at, closed_by="boss",
...                         fingerprint=fingerprint(card, {"deals_won": 8}))
>>> refuse_later_entries(closed, [at])
>>> refuse_later_entries(closed, [at.add(seconds=1)])
Traceback (most recent call last):
scorekit.errors.ConflictError: card 'c1' has a manual value recorded after 2024-02-02T00:00:00+00:00 (when its close began): the closed score did not read it; close it again
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from scorekit.errors import ConflictError
from scorekit.history import ClosedScore
from scorekit.period import as_utc

__all__ = ["refuse_later_entries"]


def refuse_later_entries(closed: ClosedScore, recorded: Iterable[_dt.datetime]) -> None:
    """`ConflictError` if a manual value of the card was recorded after its close began: the score did not read it."""
    end = as_utc(closed.closed_at)
    if any(as_utc(at) > end for at in recorded):
        msg = (
            f"card {closed.card_id!r} has a manual value recorded after {closed.closed_at.isoformat()} (when its close began): "
            "the closed score did not read it; close it again"
        )
        raise ConflictError(msg)
