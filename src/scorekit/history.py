"""History that cannot be rewritten: who changed a card, when and why, and closed scores.

- `Change(actor_id, at, reason="")`: one write, as the service records it.
- `Revision(card, change, deleted=False)`: a stored version of a card and the change
  that made it; a repository keeps every one, oldest first, and a deletion is a
  last revision with ``deleted=True`` holding the card as it was.
- `ClosedScore(card_id, card_version, score, closed_at, closed_by, fingerprint)`:
  a card's score frozen as of its period end, so late data cannot move it.
- a `ClosedScore`'s `fingerprint` is `scorekit.codec.fingerprint` of what the score was
  made from (it hashes the codec's canonical JSON, so it lives there).

"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs
from pendulum import DateTime

from scorekit._identifiers import check_identifier, check_label
from scorekit.adjustment import Adjustment
from scorekit.errors import InvalidScorecard
from scorekit.measurement import ManualEntry, Measurement, as_instant
from scorekit.scorecard import Scorecard
from scorekit.scores import CardScore

__all__ = ["MIGRATED_FROM_0_1", "Change", "ClosedScore", "Revision"]

MIGRATED_FROM_0_1: Final = "migrated from 0.1"
"""The reason of the first revision an upgraded 0.1 database records for each of its cards."""

_HEX64: Final = re.compile(r"[0-9a-f]{64}")


def _text(value: object, *, name: str) -> str:
    if not isinstance(value, str):
        msg = f"{name} must be a string, got {value!r}"
        raise InvalidScorecard(msg)
    return value


def _actor_id(value: object) -> str:
    return check_identifier(value, what="a change's actor_id", error=InvalidScorecard)


def _reason(value: object) -> str:
    """A label that may span lines: a reason is free text, but never a lone surrogate or a control character."""
    text = _text(value, name="a change's reason")
    check_label(text.replace("\n", " ").replace("\r", " "), what="a change's reason", error=InvalidScorecard)
    return text


def _at(value: object) -> DateTime:
    return as_instant(value, name="a change's at")


@attrs.frozen
class Change:
    """Who made a write, when (an aware instant) and why.

    >>> import pendulum
    >>> Change("boss", pendulum.datetime(2024, 2, 1, tz="UTC"), "target was a typo").reason
    'target was a typo'
    """

    actor_id: str = attrs.field(converter=_actor_id)
    at: DateTime = attrs.field(converter=_at)
    reason: str = attrs.field(default="", converter=_reason)


def _card(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - validators see anything
    if not isinstance(value, Scorecard):
        msg = f"a revision holds a Scorecard, got {value!r}"
        raise InvalidScorecard(msg)


def _change(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - validators see anything
    if not isinstance(value, Change):
        msg = f"expected a Change(actor_id, at, reason), got {value!r}"
        raise InvalidScorecard(msg)


def _deleted(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - validators see anything
    if not isinstance(value, bool):
        msg = f"a revision's deleted must be True or False, got {value!r}"
        raise InvalidScorecard(msg)


@attrs.frozen
class Revision:
    """One stored version of a card and the change that stored it.

    ``deleted=True`` marks the deletion: `card` is then the card as it was last stored.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> r = Revision(card, Change("boss", pendulum.datetime(2024, 1, 1, tz="UTC")))
    >>> r.version, r.deleted
    (1, False)
    """

    card: Scorecard = attrs.field(validator=_card)
    change: Change = attrs.field(validator=_change)
    deleted: bool = attrs.field(default=False, validator=_deleted)

    @property
    def version(self) -> int:
        """The card's version in this revision."""
        return self.card.version


def _card_id(value: object) -> str:
    return _text(value, name="a closed score's card_id")


def _card_version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"a closed score's card_version must be a whole number of at least 1, got {value!r}"
        raise InvalidScorecard(msg)
    return value


def _closed_at(value: object) -> DateTime:
    return as_instant(value, name="closed_at")


def _closed_by(value: object) -> str:
    return _text(value, name="a closed score's closed_by")


def _fingerprint(value: object) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        msg = f"a fingerprint is 64 lowercase hex digits (a sha256), got {value!r}"
        raise InvalidScorecard(msg)
    return value


def _score_matches(instance: ClosedScore, _attribute: object, value: Any) -> None:  # noqa: ANN401 - validators see anything
    if not isinstance(value, CardScore):
        msg = f"a closed score holds a CardScore, got {value!r}"
        raise InvalidScorecard(msg)
    if value.card.id != instance.card_id or value.card.version != instance.card_version:
        msg = (
            f"a closed score of card {instance.card_id!r} v{instance.card_version} holds the score of "
            f"card {value.card.id!r} v{value.card.version}; they must be the same card and version"
        )
        raise InvalidScorecard(msg)


def _measurements(value: object) -> dict[str, Measurement]:
    if not isinstance(value, Mapping):
        msg = f"a closed score's measurements map metric keys to measurements, got {value!r}"
        raise InvalidScorecard(msg)
    kept: dict[str, Measurement] = {}
    for key, measured in value.items():
        if not isinstance(key, str):
            msg = f"a closed score's measurement key must be a metric key, got {key!r}"
            raise InvalidScorecard(msg)
        kept[key] = measured if isinstance(measured, Measurement) else Measurement(measured)
    return kept


def _entries(value: object) -> tuple[ManualEntry, ...]:
    entries = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else None
    if entries is None or not all(isinstance(e, ManualEntry) for e in entries):
        msg = f"a closed score's manual entries must be ManualEntry objects, got {value!r}"
        raise InvalidScorecard(msg)
    return entries


def _adjustments(value: object) -> tuple[Adjustment, ...]:
    items = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else None
    if items is None or not all(isinstance(a, Adjustment) for a in items):
        msg = f"a closed score's adjustments must be Adjustment objects, got {value!r}"
        raise InvalidScorecard(msg)
    return items


@attrs.frozen
class ClosedScore:
    """A card's score frozen at its period end: what `report` and `dashboard` show once closed.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User, score
    >>> from scorekit.codec import fingerprint
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> end = pendulum.datetime(2024, 2, 1, tz="UTC")
    >>> closed = ClosedScore.of(score(card, {"deals_won": 8}, as_of=end), closed_at=end, closed_by="boss",
    ...                         fingerprint=fingerprint(card, {"deals_won": 8}))
    >>> closed.card_id, closed.score.percent()
    ('c1', Decimal('80.00'))
    """

    card_id: str = attrs.field(converter=_card_id)
    card_version: int = attrs.field(converter=_card_version)
    score: CardScore = attrs.field(validator=_score_matches)
    closed_at: DateTime = attrs.field(converter=_closed_at)
    closed_by: str = attrs.field(converter=_closed_by)
    fingerprint: str = attrs.field(converter=_fingerprint)
    measurements: Mapping[str, Measurement] = attrs.field(
        factory=dict, converter=_measurements, kw_only=True, hash=False
    )
    """What the score was made from, by metric key (a manual metric's value as a `Measurement` without
    evidence); empty in a closed score made before 0.3, which then cannot be verified."""
    manual: tuple[ManualEntry, ...] = attrs.field(default=(), converter=_entries, kw_only=True)
    """The manual entries the score read (recorded until the close began), in the order read."""
    adjustments: tuple[Adjustment, ...] = attrs.field(default=(), converter=_adjustments, kw_only=True)
    """The adjustments the score counted (recorded by its `as_of`), in the order they were added."""

    @classmethod
    def of(
        cls,
        score: CardScore,
        *,
        closed_at: object,
        closed_by: str,
        fingerprint: str,
        measurements: Mapping[str, Measurement | Decimal] | None = None,
        manual: Iterable[ManualEntry] = (),
        adjustments: Iterable[Adjustment] = (),
    ) -> ClosedScore:
        """The closed score of `score`'s card at the version it was scored, with the inputs it was made from."""
        return cls(
            score.card.id,
            score.card.version,
            score,
            closed_at,
            closed_by,
            fingerprint,
            measurements=measurements or {},
            manual=manual,
            adjustments=adjustments,
        )


def __getattr__(name: str) -> object:
    """`fingerprint` moved to `scorekit.codec` in 0.3 (it hashes the codec's canonical JSON); the old path warns."""
    if name == "fingerprint":
        warnings.warn(
            "scorekit.history.fingerprint moved to scorekit.codec.fingerprint in 0.3", DeprecationWarning, stacklevel=2
        )
        # Resolved when an old caller asks, never when this module loads: the core does not depend on the codec.
        return importlib.import_module("scorekit.codec").fingerprint
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
