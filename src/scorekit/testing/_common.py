"""What the contract suites share: hostile strings, a card, a change, a promise broken."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pendulum

from scorekit.errors import ConflictError
from scorekit.history import Change
from scorekit.parameter import Metric, Parameter
from scorekit.period import Cadence, Date
from scorekit.scorecard import Scorecard, Team, User

__all__ = ["HOSTILE_STRINGS"]

HOSTILE_STRINGS = (
    'O\'Brien "the closer"',
    "'; DROP TABLE cards; --",
    "x" * 200,  # the longest identifier scorekit accepts
    "Zażółć gęślą jaźń 🚀 中文 \u202etxet",
    "back\\slash, zero\u200bwidth and no-break\u00a0spaces",
    "%s %(name)s {0} ?",
)
"""Ids and names that break careless storage: quotes, SQL, the longest id, unicode, escapes."""

_MONTHLY = Cadence.monthly(Date(2024, 1, 31))


def _card(card_id: str = "c1", owner: User | Team | None = None, k: int = 0, **fields: object) -> Scorecard:
    parameters = [Parameter(Metric("deals_won", "deals"), 10, 60), Parameter(Metric.custom("demos", "demos"), 4, 40)]
    return Scorecard(card_id, owner or User("ann"), _MONTHLY, _MONTHLY.period(k), parameters, **fields)  # type: ignore[arg-type]


_AT = pendulum.datetime(2024, 2, 1, 9, tz="UTC")


def _change(reason: str = "", actor_id: str = "boss", minutes: int = 0) -> Change:
    """A `Change` by `actor_id` at a fixed instant (plus `minutes`): equal arguments, equal changes."""
    return Change(actor_id, _AT.add(minutes=minutes), reason)


def _promise(broken: str) -> str:
    return f"contract broken: {broken}"


def _refused(write: Callable[[], object], promise: str) -> None:
    """`write` must raise `ConflictError`; if it succeeds, the message names the promise it broke."""
    try:
        write()
    except ConflictError:
        return
    raise AssertionError(_promise(promise))


def _race(writes: list[Callable[[], object]]) -> list[str]:
    """Run `writes` at once, one thread each: "added" for each that returned, "conflict" for each `ConflictError`, sorted."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(write: Callable[[], object]) -> None:
        try:
            write()
            outcome = "added"
        except ConflictError:
            outcome = "conflict"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
