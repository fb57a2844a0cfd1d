"""scorekit: the scoring engine behind sales goals-and-results scorecards.

>>> from scorekit import Cadence, Date
>>> str(Cadence.monthly(Date(2024, 1, 31)).period(1))
'[2024-02-29, 2024-03-31)'
"""

from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidDocument,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    InvalidWeight,
    MissingMeasurement,
    PermissionDenied,
    ScorekitError,
)
from scorekit.period import Cadence, Date, Period
from scorekit.weight import Weight

__all__ = [
    "Cadence",
    "CardNotFound",
    "ConflictError",
    "Date",
    "InvalidDocument",
    "InvalidNumber",
    "InvalidParameter",
    "InvalidPeriod",
    "InvalidScorecard",
    "InvalidWeight",
    "MissingMeasurement",
    "Period",
    "PermissionDenied",
    "ScorekitError",
    "Weight",
]
