"""scorekit: the scoring engine behind sales goals-and-results scorecards.

>>> from scorekit import Cadence, Date
>>> str(Cadence.monthly(Date(2024, 1, 31)).period(1))
'[2024-02-29, 2024-03-31)'
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from scorekit.adjustment import Adjustment, AdjustmentKind
from scorekit.alerts import Transition, TransitionKind, needed, transitions
from scorekit.calendar import WorkCalendar
from scorekit.codec import verify
from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidDocument,
    InvalidMeasurement,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    InvalidSetting,
    InvalidWeight,
    MissingMeasurement,
    PermissionDenied,
    ScorekitError,
    StorageBusy,
    StorageError,
    StorageOutcomeUnknown,
)
from scorekit.frames import to_pandas
from scorekit.grouping import CardFailure, Dashboard, Group, Ranked, Summary, Trend, metrics_key, rank, similarity_key
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Aggregate, Cell, Evidence, ManualEntry, Measurement, MetricRequest, requests_for
from scorekit.parameter import Accumulation, Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, Date, Period, Step
from scorekit.plan import Phasing, Ramp, TargetStep
from scorekit.rollup import ParameterRollUp, RollUp, TargetMismatch, rollup, target_mismatches
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ParameterScore, ScoreBatch, ScoreRows, score, score_many
from scorekit.service import Actor, CardTemplate, Role, Scorekit
from scorekit.status import Status, StatusPolicy
from scorekit.weight import Weight

try:
    __version__: str = _version("scorekit")
    """The installed distribution's version (from its metadata, so it never disagrees with pip)."""
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Accumulation",
    "Actor",
    "Adjustment",
    "AdjustmentKind",
    "Aggregate",
    "Cadence",
    "CardFailure",
    "CardNotFound",
    "CardScore",
    "CardTemplate",
    "Cell",
    "Change",
    "ClosedScore",
    "ConflictError",
    "Dashboard",
    "Date",
    "Direction",
    "Evidence",
    "Group",
    "InvalidDocument",
    "InvalidMeasurement",
    "InvalidNumber",
    "InvalidParameter",
    "InvalidPeriod",
    "InvalidScorecard",
    "InvalidSetting",
    "InvalidWeight",
    "ManualEntry",
    "Measurement",
    "Metric",
    "MetricKind",
    "MetricRequest",
    "MissingMeasurement",
    "Parameter",
    "ParameterRollUp",
    "ParameterScore",
    "Period",
    "PermissionDenied",
    "Phasing",
    "Ramp",
    "Ranked",
    "Revision",
    "Role",
    "RollUp",
    "ScoreBatch",
    "ScoreRows",
    "Scorecard",
    "Scorekit",
    "ScorekitError",
    "Status",
    "StatusPolicy",
    "Step",
    "StorageBusy",
    "StorageError",
    "StorageOutcomeUnknown",
    "Summary",
    "TargetMismatch",
    "TargetStep",
    "Team",
    "Transition",
    "TransitionKind",
    "Trend",
    "User",
    "Weight",
    "WorkCalendar",
    "__version__",
    "metrics_key",
    "needed",
    "rank",
    "requests_for",
    "rollup",
    "score",
    "score_many",
    "similarity_key",
    "target_mismatches",
    "to_pandas",
    "transitions",
    "verify",
]
