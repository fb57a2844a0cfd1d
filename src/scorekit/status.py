"""`Status` and `StatusPolicy`: where a parameter, or a card, stands (F11).

The rules, for a parameter whose window has started (``over`` once the local date of
``as_of`` reaches the period end):

- a level (AVERAGE or LAST) with no record yet: NO_DATA, and MISSED once over;
- once over: ACHIEVED if ``achievement >= 1`` else MISSED;
- before that, ACHIEVED early only for a higher-is-better SUM with ``achievement >= 1``
  (what can still fall, a lower-is-better count, a near-target value or a level, is
  never achieved early);
- otherwise by the policy on ``projected``: ``projected >= on_track`` is ON_TRACK,
  ``projected < at_risk`` is AT_RISK, anything between is BEHIND (with a work
  calendar, ON_TRACK while no working day has elapsed).

A card is judged the same way on its total and projected total, except that it is
ACHIEVED early only when the contributions of its started higher-is-better SUM
parameters alone reach 1.

Every one of these comparisons is *exact*: the value judged is the exact rational
result of the formulas (as `fractions.Fraction` would compute it from the Decimal
inputs), never a quotient rounded to 34 digits.  The `Judged` helper compares the
rounded Decimal first and falls back to the exact `Fraction` only when the Decimal is
within its error bound of the line.

>>> StatusPolicy(on_track="0.95", at_risk="0.85").status_for(Decimal("0.9"))
<Status.BEHIND: 'behind'>
>>> StatusPolicy().status_for(Decimal(1)), StatusPolicy(at_risk="0.5").status_for(Decimal("0.4"))
(<Status.ON_TRACK: 'on_track'>, <Status.AT_RISK: 'at_risk'>)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import attrs

from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT_SUMS, ONE, ZERO, to_decimal

__all__ = ["Judged", "Status", "StatusPolicy", "parameter_status"]

_HUNDRED = Decimal(100)


class Status(enum.Enum):
    """Where a parameter, or a card's total, stands.

    >>> [s.value for s in Status]
    ['not_started', 'on_track', 'behind', 'achieved', 'missed', 'at_risk', 'no_data']
    """

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"


class Judged:
    """A value to decide on: its reported Decimal, an error bound, and a way to get it exactly.

    ``value`` is within ``error`` of the exact rational value, which ``exact()``
    computes (once, and only when a comparison is too close to call on the Decimal).

    >>> third = Judged(Decimal("0.3333333333333333333333333333333333"), Decimal("1e-33"), lambda: Fraction(1, 3))
    >>> third.at_least(Decimal("0.3333333333333333333333333333333333")), third.at_least(Decimal("0.3333333333333333333333333333333334"))
    (True, False)
    >>> Judged.exactly(Decimal(1)).at_least(ONE)
    True
    """

    __slots__ = ("_exact", "_thunk", "error", "value")

    def __init__(self, value: Decimal, error: Decimal, exact: Callable[[], Fraction] | None = None) -> None:
        self.value = value
        self.error = error
        self._thunk = exact
        self._exact: Fraction | None = None

    @classmethod
    def exactly(cls, value: Decimal) -> Judged:
        """A value that is already exact (no rounding happened on the way)."""
        return cls(value, ZERO)

    def exact(self) -> Fraction:
        """The exact rational value."""
        if self._exact is None:
            self._exact = Fraction(self.value) if self._thunk is None or not self.error else self._thunk()
        return self._exact

    def compare(self, bound: Decimal) -> int:
        """-1, 0 or 1 as the exact value is below, at or above `bound`."""
        value = self.value
        if not self.error:
            return (value > bound) - (value < bound)
        # Comparisons never consult a decimal context; the subtraction uses scorekit's own.
        gap = EXACT_SUMS.subtract(value, bound)
        if gap > self.error:
            return 1
        if -gap > self.error:
            return -1
        exact, line = self.exact(), Fraction(bound)
        return (exact > line) - (exact < line)

    def at_least(self, bound: Decimal) -> bool:
        """Whether the exact value is at least `bound`."""
        return self.compare(bound) >= 0

    def below(self, bound: Decimal) -> bool:
        """Whether the exact value is below `bound`."""
        return self.compare(bound) < 0


def _on_track(value: object) -> Decimal:
    return to_decimal(value, name="status policy on_track", error=InvalidScorecard)


def _at_risk(value: object) -> Decimal:
    return to_decimal(value, name="status policy at_risk", error=InvalidScorecard)


@attrs.frozen
class StatusPolicy:
    """How far behind pace still counts as on track, and where at risk begins.

    While a window is open, ``projected >= on_track`` is ON_TRACK, ``projected <
    at_risk`` is AT_RISK, and anything between is BEHIND.  Both are achievements
    (0.95 = 95% of the target at the current pace); ``0 <= at_risk <= on_track``.
    The default, ``StatusPolicy(on_track=1, at_risk=0)``, never says AT_RISK: 0.1's rule.

    >>> StatusPolicy(on_track="0.95", at_risk="0.85")
    StatusPolicy(on_track=Decimal('0.95'), at_risk=Decimal('0.85'))
    >>> StatusPolicy(on_track="0.8", at_risk="0.9")
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: status policy at_risk 0.9 must not be above on_track 0.8 (0 <= at_risk <= on_track)
    """

    on_track: Decimal = attrs.field(default=ONE, converter=_on_track)
    at_risk: Decimal = attrs.field(default=ZERO, converter=_at_risk)

    def __attrs_post_init__(self) -> None:
        if self.at_risk < 0:
            msg = f"status policy at_risk must be 0 or more, got {self.at_risk}"
            raise InvalidScorecard(msg)
        if self.at_risk > self.on_track:
            msg = (
                f"status policy at_risk {self.at_risk} must not be above on_track {self.on_track} "
                "(0 <= at_risk <= on_track)"
            )
            raise InvalidScorecard(msg)

    def status_for(self, projected: Decimal | Judged) -> Status:
        """ON_TRACK, BEHIND or AT_RISK for a projected achievement (exact when given as `Judged`)."""
        judged = projected if isinstance(projected, Judged) else Judged.exactly(projected)
        if judged.at_least(self.on_track):
            return Status.ON_TRACK
        if judged.below(self.at_risk):
            return Status.AT_RISK
        return Status.BEHIND

    def describe(self) -> str:
        """The policy in words, for `explain()`.

        >>> StatusPolicy().describe()
        'on track at 100% of the target at the current pace or more, behind below that'
        """
        on_track = _percent(self.on_track)
        if self.at_risk == 0:
            return f"on track at {on_track} of the target at the current pace or more, behind below that"
        at_risk = _percent(self.at_risk)
        return f"on track at {on_track} of the target at the current pace or more, at risk below {at_risk}"


def _percent(value: Decimal) -> str:
    return f"{EXACT_SUMS.multiply(value, _HUNDRED).normalize(EXACT_SUMS):f}%"


def parameter_status(
    *,
    achievement: Judged,
    projected: Judged,
    over: bool,
    early: bool,
    paced: bool,
    policy: StatusPolicy,
) -> Status:
    """A started parameter's status (see the module docstring); `paced` is False while no working day has elapsed."""
    if over:
        return Status.ACHIEVED if achievement.at_least(ONE) else Status.MISSED
    if early and achievement.at_least(ONE):
        return Status.ACHIEVED
    if not paced:
        return Status.ON_TRACK
    return policy.status_for(projected)
