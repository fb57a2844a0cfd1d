"""`Status` and `StatusPolicy`: where a parameter, or a card, stands (F11).

The rules, for a parameter whose window has started (``over`` once the local date of
``as_of`` reaches the period end):

- a level (AVERAGE or LAST) with no record yet: NO_DATA, and MISSED once over;
- once over: ACHIEVED if ``achievement >= 1`` else MISSED;
- before that, ACHIEVED early only for a higher-is-better SUM with ``achievement >= 1``
  (what can still fall, a lower-is-better count, a near-target value or a level, is
  never achieved early);
- while the share of the window elapsed (``elapsed / days``, working days with a
  calendar) is below the policy's ``judge_from``: ON_TRACK (too early to judge);
- otherwise by the policy on ``projected``: ``projected >= on_track`` is ON_TRACK,
  ``projected < at_risk`` is AT_RISK, anything between is BEHIND (while no working
  day has elapsed, ``projected`` is the achievement, judged the same way).

A card is judged the same way on its total and projected total, except that it is
ACHIEVED early only when the contributions of its started higher-is-better SUM
parameters alone reach 1, and it is too early to judge while every started
parameter is.

Every one of these comparisons is *exact*: the value judged is the exact rational
result of the formulas (as `fractions.Fraction` would compute it from the Decimal
inputs), never a quotient rounded to 34 digits.  `band` says, for a value whose error
is bounded, where the rounded Decimal is too close to a bound to decide; the scoring
loop (`scorekit.scoring`, which applies `StatusPolicy.status_for` inline because it is
the hot path; a property in tests/core/test_status.py holds the two together) compares
plain Decimals outside the band and falls back to Fractions inside it.

>>> StatusPolicy(on_track="0.95", at_risk="0.85").status_for(Decimal("0.9"))
<Status.BEHIND: 'behind'>
>>> StatusPolicy().status_for(Decimal(1)), StatusPolicy(at_risk="0.5").status_for(Decimal("0.4"))
(<Status.ON_TRACK: 'on_track'>, <Status.AT_RISK: 'at_risk'>)
>>> StatusPolicy().status_for(Decimal(-1))  # at_risk 0 (the default) never says at risk
<Status.BEHIND: 'behind'>
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction

import attrs

from scorekit.errors import InvalidScorecard
from scorekit.numbers import EXACT, EXACT_SUMS, ONE, ZERO, to_decimal

__all__ = ["Status", "StatusPolicy", "band"]

_HUNDRED = Decimal(100)
_TWO = Decimal(2)


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


def _on_track(value: object) -> Decimal:
    return to_decimal(value, name="status policy on_track", error=InvalidScorecard)


def _at_risk(value: object) -> Decimal:
    return to_decimal(value, name="status policy at_risk", error=InvalidScorecard)


def _judge_from(value: object) -> Decimal:
    return to_decimal(value, name="status policy judge_from", error=InvalidScorecard)


@attrs.frozen
class StatusPolicy:
    """How far behind pace still counts as on track, and where at risk begins.

    While a window is open, ``projected >= on_track`` is ON_TRACK, ``projected <
    at_risk`` is AT_RISK, and anything between is BEHIND.  Both are achievements
    (0.95 = 95% of the target at the current pace); ``0 <= at_risk <= on_track``.
    `judge_from` is a share of the window (0.1 = its first tenth): before it, an open
    parameter or card that is not achieved early is ON_TRACK, since a pace from a day
    or two means little; ``0 <= judge_from <= 1``.  The default,
    ``StatusPolicy(on_track=1, at_risk=0, judge_from=0)``, never says AT_RISK and
    judges from the first moment: 0.1's rule.

    >>> StatusPolicy(on_track="0.95", at_risk="0.85")
    StatusPolicy(on_track=Decimal('0.95'), at_risk=Decimal('0.85'), judge_from=Decimal('0'))
    >>> StatusPolicy(on_track="0.8", at_risk="0.9")
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: status policy at_risk 0.9 must not be above on_track 0.8 (0 <= at_risk <= on_track)
    """

    on_track: Decimal = attrs.field(default=ONE, converter=_on_track)
    at_risk: Decimal = attrs.field(default=ZERO, converter=_at_risk)
    judge_from: Decimal = attrs.field(default=ZERO, converter=_judge_from)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.judge_from <= 1:
            msg = f"status policy judge_from must be a share of the window from 0 to 1, got {self.judge_from}"
            raise InvalidScorecard(msg)
        if self.at_risk < 0:
            msg = f"status policy at_risk must be 0 or more, got {self.at_risk}"
            raise InvalidScorecard(msg)
        if self.at_risk > self.on_track:
            msg = (
                f"status policy at_risk {self.at_risk} must not be above on_track {self.on_track} "
                "(0 <= at_risk <= on_track)"
            )
            raise InvalidScorecard(msg)

    def status_for(self, projected: Decimal | Fraction) -> Status:
        """ON_TRACK, BEHIND or AT_RISK for an exact projected achievement (a Decimal or a Fraction, compared exactly).

        ``at_risk = 0`` means "never at risk", so the default policy keeps 0.1's statuses
        even for a negative projection (returns above sales).  This is the rule the
        scoring loop applies inline to an open parameter that is not achieved early
        (tests/core/test_status.py checks that they agree on generated cards and policies).
        """
        if projected >= self.on_track:
            return Status.ON_TRACK
        if self.at_risk and projected < self.at_risk:
            return Status.AT_RISK
        return Status.BEHIND

    def describe(self) -> str:
        """The policy in words, for `explain()`.

        >>> StatusPolicy().describe()
        'on track at 100% of the target at the current pace or more, behind below that'
        """
        on_track = _percent(self.on_track)
        if self.at_risk == 0:
            text = f"on track at {on_track} of the target at the current pace or more, behind below that"
        else:
            text = f"on track at {on_track} of the target at the current pace or more, at risk below {_percent(self.at_risk)}"
        if self.judge_from:
            text += f"; judged from {_percent(self.judge_from)} of the window, on track before that"
        return text


def band(k1: Decimal, k0: Decimal, bound: Decimal) -> tuple[Decimal, Decimal]:
    """Where a decision against `bound` must be taken exactly, for a value whose error is at most ``k1 * |v| + k0``.

    Outside ``(low, high)`` the Decimal is farther from `bound` than its error, so it
    decides; inside, the caller computes the error (and, if need be, the Fraction).

    >>> band(Decimal("1e-32"), Decimal(0), Decimal(1))
    (Decimal('0.99999999999999999999999999999996'), Decimal('1.00000000000000000000000000000004'))
    """
    margin = EXACT.multiply(_TWO, EXACT.add(EXACT.multiply(k1, EXACT.add(bound.copy_abs(), ONE)), k0))
    return EXACT_SUMS.subtract(bound, margin), EXACT_SUMS.add(bound, margin)


def _percent(value: Decimal) -> str:
    return f"{EXACT_SUMS.multiply(value, _HUNDRED).normalize(EXACT_SUMS):f}%"
