"""Every error scorekit raises on purpose.

Each concrete error subclasses `ScorekitError` *and* the builtin a caller would
catch without knowing scorekit (`ValueError`, `LookupError`, `PermissionError`),
as hypothesis and cattrs do.  Messages say what was wrong, with the value, and
what would be right.

>>> from scorekit import InvalidWeight, ScorekitError
>>> issubclass(InvalidWeight, ScorekitError), issubclass(InvalidWeight, ValueError)
(True, True)
"""

from __future__ import annotations

__all__ = [
    "CardNotFound",
    "ConflictError",
    "InvalidDocument",
    "InvalidMeasurement",
    "InvalidNumber",
    "InvalidParameter",
    "InvalidPeriod",
    "InvalidScorecard",
    "InvalidSetting",
    "InvalidWeight",
    "MissingMeasurement",
    "PermissionDenied",
    "ScorekitError",
    "StorageBusy",
    "StorageError",
    "StorageOutcomeUnknown",
]


class ScorekitError(Exception):
    """The base of every error scorekit raises on purpose.

    >>> try:
    ...     raise ScorekitError("boom")
    ... except ScorekitError as error:
    ...     print(error)
    boom
    """


class InvalidNumber(ScorekitError, ValueError):
    """A value is not a finite number (NaN, infinity, a bool, a word...).

    >>> from scorekit.numbers import to_decimal
    >>> to_decimal("lots")
    Traceback (most recent call last):
    scorekit.errors.InvalidNumber: value must be a finite number (int, str, Decimal or float), got 'lots'
    """


class InvalidWeight(ScorekitError, ValueError):
    """A weight is out of (0, 100], too precise, or weights do not sum to 100%.

    >>> from scorekit import Weight
    >>> Weight.percent(0)
    Traceback (most recent call last):
    scorekit.errors.InvalidWeight: weight must be more than 0% and at most 100%, got 0
    """


class InvalidPeriod(ScorekitError, ValueError):
    """A period, cadence, date, instant or time zone is not valid.

    >>> from scorekit import Period
    >>> Period("2024-02-01", "2024-01-01")
    Traceback (most recent call last):
    scorekit.errors.InvalidPeriod: period end 2024-01-01 must be after its start 2024-02-01 (periods are half-open [start, end))
    """


class InvalidParameter(ScorekitError, ValueError):
    """A parameter's target, cap, threshold or metric is not valid."""


class InvalidScorecard(ScorekitError, ValueError):
    """A scorecard breaks one of its rules (weights, period, metrics, time zone...)."""


class InvalidMeasurement(ScorekitError, ValueError):
    """What a metric source answered cannot be right: a record credited more than once in full.

    A record shared between users (a split deal) credits each of them a share; the
    shares of one record sum to at most 1.  The message names the record.

    >>> import pendulum
    >>> from scorekit import Evidence, Measurement
    >>> at = pendulum.datetime(2024, 3, 4, tz="UTC")
    >>> Measurement.from_records([Evidence("D-1", at, 100, share="0.6"), Evidence("D-1", at, 100, share="0.6")])
    Traceback (most recent call last):
    scorekit.errors.InvalidMeasurement: record 'D-1' is credited shares 0.6 + 0.6 = 1.2 in all; the shares of one record sum to at most 1
    """


class InvalidSetting(ScorekitError, ValueError):
    """An adapter's setting is not valid: its ``columns=``, ``evidence=``, ``busy_timeout``, a table name, a path.

    A mistake in the call, not the database's answer: retrying cannot help (a `StorageError` may).

    >>> from scorekit.adapters.sqlite import SQLiteScorecards
    >>> SQLiteScorecards("cards.sqlite3", busy_timeout=-1)
    Traceback (most recent call last):
    scorekit.errors.InvalidSetting: busy_timeout must be a finite number of seconds, 0 or more and at most 86400, got -1
    """


class MissingMeasurement(ScorekitError, LookupError):
    """An active metric that has started has no measurement; never silently 0."""


class CardNotFound(ScorekitError, LookupError):
    """No card with that id exists, or the actor may not see it.

    >>> CardNotFound.for_id("c7")
    CardNotFound("no card 'c7'")
    """

    @classmethod
    def for_id(cls, card_id: str) -> CardNotFound:
        """The error for a missing (or hidden) card: the same words either way."""
        return cls(f"no card {card_id!r}")

    @classmethod
    def never_seen(cls, card_id: str) -> CardNotFound:
        """No card ever had this id: there is no history to show."""
        return cls(f"no card {card_id!r} was ever stored, so it has no history")

    @classmethod
    def not_closed(cls, card_id: str) -> CardNotFound:
        """The card has no closed score to remove."""
        return cls(f"card {card_id!r} is not closed: it has no closed score to remove")


class ConflictError(ScorekitError, RuntimeError):
    """A stale version, or an id or (series, period start) that is already taken.

    >>> ConflictError.stale("c7", stored=3, expected=2)
    ConflictError("card 'c7' is at version 3, not 2: someone else changed it; reload and retry")
    """

    @classmethod
    def stale(cls, card_id: str, *, stored: int, expected: int) -> ConflictError:
        """The card was changed since the editor read it."""
        return cls(
            f"card {card_id!r} is at version {stored}, not {expected}: someone else changed it; reload and retry"
        )

    @classmethod
    def id_taken(cls, card_id: str) -> ConflictError:
        """A card with this id already exists."""
        return cls(f"a card {card_id!r} already exists")

    @classmethod
    def id_retired(cls, card_id: str) -> ConflictError:
        """The id belonged to a card that was deleted: deletion is final, the id is never used again."""
        return cls(f"a card {card_id!r} existed and was deleted; a deleted card's id is never used again")

    @classmethod
    def not_deleted(cls, card_id: str) -> ConflictError:
        """Only a deleted card's history may be purged."""
        return cls(f"card {card_id!r} is still stored; delete it before purging its history")

    @classmethod
    def already_closed(cls, card_id: str) -> ConflictError:
        """The card already has a closed score."""
        return cls(f"card {card_id!r} is already closed; reopen it before closing it again")

    @classmethod
    def closed(cls, card_id: str) -> ConflictError:
        """The card was closed meanwhile: its numbers are final, so it may not change."""
        return cls(
            f"card {card_id!r} is closed, so its numbers are final; reopen it first (Scorekit.reopen, with a reason)"
        )

    @classmethod
    def deleted(cls, card_id: str) -> ConflictError:
        """The card was deleted meanwhile: nothing may be added to it or after it."""
        return cls(f"card {card_id!r} was deleted; deletion is final, nothing is added to it or after it")

    @classmethod
    def period_taken(cls, series: str, start: object) -> ConflictError:
        """The series already has a card for this period (what makes rollover idempotent)."""
        return cls(f"series {series!r} already has a card for the period starting {start}")


class PermissionDenied(ScorekitError, PermissionError):
    """The actor's role does not allow the use case; nothing was changed."""


class InvalidDocument(ScorekitError, ValueError):
    """A serialized document is malformed; the message names each JSON path."""


class StorageError(ScorekitError, OSError):
    """The database reported a problem: not a scorekit database, malformed, unable to open, full...

    Nothing was written.  The message names the file and what the database said.

    >>> issubclass(StorageError, OSError)
    True
    """


class StorageBusy(StorageError):
    """A lock on the database was not had within the adapter's ``busy_timeout``; nothing was written, retry later.

    >>> issubclass(StorageBusy, StorageError)
    True
    """


class StorageOutcomeUnknown(StorageError):
    """The connection was lost while a commit was under way: the write may or may not have been stored.

    Read the state back before retrying (a retry of a committed batch would conflict, or repeat it).

    >>> issubclass(StorageOutcomeUnknown, StorageError)
    True
    """
