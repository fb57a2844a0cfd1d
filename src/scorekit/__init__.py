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
    StorageBusy,
    StorageError,
)
from scorekit.grouping import Group, Summary, metrics_key, similarity_key
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Evidence, ManualEntry, Measurement, MetricRequest, requests_for
from scorekit.parameter import Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, Date, Period
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ParameterScore, Status, score
from scorekit.service import Actor, CardTemplate, Dashboard, Role, Scorekit
from scorekit.weight import Weight

__all__ = [
    "Actor",
    "Cadence",
    "CardNotFound",
    "CardScore",
    "CardTemplate",
    "Change",
    "ClosedScore",
    "ConflictError",
    "Dashboard",
    "Date",
    "Direction",
    "Evidence",
    "Group",
    "InvalidDocument",
    "InvalidNumber",
    "InvalidParameter",
    "InvalidPeriod",
    "InvalidScorecard",
    "InvalidWeight",
    "ManualEntry",
    "Measurement",
    "Metric",
    "MetricKind",
    "MetricRequest",
    "MissingMeasurement",
    "Parameter",
    "ParameterScore",
    "Period",
    "PermissionDenied",
    "Revision",
    "Role",
    "Scorecard",
    "Scorekit",
    "ScorekitError",
    "Status",
    "StorageBusy",
    "StorageError",
    "Summary",
    "Team",
    "User",
    "Weight",
    "metrics_key",
    "requests_for",
    "score",
    "similarity_key",
]
