"""What every adapter checks the same way: the ids and versions it is given, a closed score's manual values.

>>> distinct_ids(["c1", "c2", "c1"])
['c1', 'c2']
>>> distinct_ids([["c1"]])
Traceback (most recent call last):
scorekit.errors.InvalidScorecard: a card id must be a string, got ['c1']

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
>>> from scorekit.codec import fingerprint
>>> from scorekit.history import ClosedScore
>>> c = Cadence.monthly(Date(2024, 1, 1))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
>>> at = pendulum.datetime(2024, 2, 2, tz="UTC")
>>> closed = ClosedScore.of(score(card, {"deals_won": 8}, as_of=at), closed_at=at, closed_by="boss",
...                         fingerprint=fingerprint(card, {"deals_won": 8}))
>>> refuse_later_entries(closed, [at])
>>> refuse_later_entries(closed, [at.add(seconds=1)])
Traceback (most recent call last):
scorekit.errors.ConflictError: card 'c1' has a manual value recorded after 2024-02-02T00:00:00+00:00 (when its close began), or one stored after the close read them: the closed score did not read it; close it again
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Final

from scorekit.errors import ConflictError, InvalidScorecard
from scorekit.history import ClosedScore
from scorekit.period import as_utc

__all__ = [
    "MAX_VERSION",
    "card_id",
    "distinct_ids",
    "expected_version",
    "filter_text",
    "lone_surrogate",
    "refuse_later_entries",
]

MAX_VERSION: Final = 2**31 - 1
"""The highest version a card may reach: PostgreSQL's integer column (SQLite's are wider); an update adds one."""


def card_id(value: object) -> str:
    """`value` if it is a string: a card id to look up (an id no card has is simply not found)."""
    if not isinstance(value, str):
        msg = f"a card id must be a string, got {value!r}"
        raise InvalidScorecard(msg)
    return value


def filter_text(name: str, value: object) -> None:
    """`InvalidScorecard` unless `value`, a `find` filter, is a string or None."""
    if value is not None and not isinstance(value, str):
        msg = f"find({name}=...) must be a string or None, got {value!r}"
        raise InvalidScorecard(msg)


def lone_surrogate(where: str, error: UnicodeEncodeError) -> InvalidScorecard:
    """The error for a value the database cannot take: it holds a lone surrogate, which is not Unicode text."""
    bad = error.object[error.start : error.end] if isinstance(error.object, str) else ""
    msg = f"{where}: a value given holds {bad!r}, a lone surrogate, which is not Unicode text: no card has it"
    return InvalidScorecard(msg)


def distinct_ids(values: Iterable[object]) -> list[str]:
    """The card ids of `values`, each once, in their first order; `InvalidScorecard` for anything but strings."""
    if isinstance(values, str):
        msg = f"card ids must be a collection of strings, not the single string {values!r}"
        raise InvalidScorecard(msg)
    try:
        ids = list(dict.fromkeys(values))
    except TypeError:  # not iterable, or an unhashable item
        for value in values if hasattr(values, "__iter__") else (values,):
            card_id(value)
        raise
    for value in ids:
        card_id(value)
    return ids  # type: ignore[return-value]  # each checked above


def expected_version(card_id: str, value: object) -> int:
    """`value` as an `expected_version` of card `card_id`: a whole number below `MAX_VERSION`.

    >>> expected_version("c1", "2")
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: expected_version of card 'c1' must be a whole number, got '2'
    """
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected_version of card {card_id!r} must be a whole number, got {value!r}"
        raise InvalidScorecard(msg)
    if value >= MAX_VERSION:
        msg = f"card {card_id!r}: expected_version {value} is beyond what can be stored (below {MAX_VERSION})"
        raise InvalidScorecard(msg)
    return value


def refuse_later_entries(closed: ClosedScore, recorded: Iterable[_dt.datetime]) -> None:
    """`ConflictError` if the card's manual values (`recorded`: when each was) are not those the score read.

    A value recorded after the close began was not read; and a closed score that keeps
    its inputs names the entries it read, so one recorded before but stored after the
    close read them is found too.
    """
    end = as_utc(closed.closed_at)
    instants = [as_utc(at) for at in recorded]
    later = any(at > end for at in instants)
    missed = bool(closed.measurements) and sum(at <= end for at in instants) != len(closed.manual)
    if later or missed:
        msg = (
            f"card {closed.card_id!r} has a manual value recorded after {closed.closed_at.isoformat()} (when its close began), "
            "or one stored after the close read them: the closed score did not read it; close it again"
        )
        raise ConflictError(msg)
