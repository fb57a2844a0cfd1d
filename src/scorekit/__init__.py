"""scorekit: the scoring engine behind sales goals-and-results scorecards.

>>> from scorekit import Cadence, Date
>>> str(Cadence.monthly(Date(2024, 1, 31)).period(1))
'[2024-02-29, 2024-03-31)'
"""

from scorekit.calendar import WorkCalendar
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
from scorekit.grouping import Group, Summary, metrics_key, similarity_key
from scorekit.measurement import Evidence, ManualEntry, Measurement, MetricRequest, requests_for
from scorekit.parameter import Accumulation, Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, Date, Period
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ParameterScore, score
from scorekit.service import Actor, CardTemplate, Dashboard, Role, Scorekit
from scorekit.status import Status, StatusPolicy
from scorekit.weight import Weight

__all__ = [
    "Accumulation",
    "Actor",
    "Cadence",
    "CardNotFound",
    "CardScore",
    "CardTemplate",
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
    "Role",
    "Scorecard",
    "Scorekit",
    "ScorekitError",
    "Status",
    "StatusPolicy",
    "Summary",
    "Team",
    "User",
    "Weight",
    "WorkCalendar",
    "metrics_key",
    "requests_for",
    "score",
    "similarity_key",
]
