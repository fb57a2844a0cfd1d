"""Hypothesis strategies for every public scorekit type (the ``testing`` extra).

They generate only valid values: `scorecards()` always passes the card's own
validation, of any size.  Their defaults look like a sales team's cards (periods
starting 2023 to 2029, printable ids, everyday targets: 12 deals, 180 calls, a 25%
conversion rate), with every 0.2 feature among them: levels (AVERAGE, LAST),
baselines, near-target parameters, status policies and working-day calendars with
holidays.  Keywords steer them: ``scorecards(timezones=["Europe/Warsaw"],
between=(Date(2026, 1, 1), Date(2026, 12, 31)), parameters=(3, 6))``.

Installing scorekit registers them with hypothesis (through its entry point), so
``st.from_type(Scorecard)`` works for every public value type; set
``HYPOTHESIS_NO_PLUGINS=1`` to turn that off.  ``import scorekit`` never imports
hypothesis: only importing this module does, and without hypothesis installed
it fails with ``ImportError: ... pip install 'scorekit[testing]'``.

>>> from hypothesis import given
>>> @given(scorecards(parameters=(2, 4)))
... def test_weights_sum_to_100(card):
...     assert sum(p.weight.basis_points for p in card.parameters if p.active) == 10_000
...     assert 2 <= len(card.active_parameters) <= 4
>>> test_weights_sum_to_100()
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import itertools
import string
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import NamedTuple, TypeVar

import attrs
import pendulum

from scorekit._extras import missing_extra

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "scorekit.strategies", "testing") from None

from scorekit.adapters.memory import Record
from scorekit.adjustment import Adjustment, AdjustmentKind
from scorekit.alerts import Transition, TransitionKind
from scorekit.calendar import WorkCalendar
from scorekit.codec import fingerprint
from scorekit.errors import InvalidScorecard
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Evidence, ManualEntry, Measurement, MetricRequest
from scorekit.numbers import EXACT
from scorekit.parameter import Accumulation, Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, Date, Period, Step
from scorekit.plan import Phasing, Ramp, TargetStep
from scorekit.rollup import ParameterRollUp, RollUp, TargetMismatch, rollup
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ParameterScore, score
from scorekit.status import Status, StatusPolicy
from scorekit.weight import FULL, Weight
from scorekit.window import relief_floor

__all__ = [
    "adjustments_for",
    "cadences",
    "calendars",
    "card_scores",
    "changes",
    "closed_scores",
    "dates",
    "evidence",
    "instants_for",
    "manual_entries",
    "measurements",
    "measurements_for",
    "metric_requests",
    "metrics",
    "owners",
    "parameters",
    "periods",
    "phasings",
    "ramps",
    "records_for",
    "revisions",
    "rollups",
    "scorecards",
    "shares",
    "status_policies",
    "target_mismatches",
    "target_steps",
    "timezones",
    "transitions",
    "weights",
]

T = TypeVar("T")

FIRST_START: _dt.date = _dt.date(2023, 1, 1)
"""The earliest period start `scorecards()` draws by default (a few years either side of 2026)."""
LAST_START: _dt.date = _dt.date(2029, 12, 31)
"""The latest period start `scorecards()` draws by default."""

_KEY_ALPHABET = string.ascii_lowercase + string.digits + "_"
_ZONES = ("UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham")
_PEOPLE = (
    "ann", "bob", "cleo", "dev", "eve", "femi", "gosia", "hiro", "ines", "jan",
    "kasia", "lee", "maria", "noor", "olek", "priya", "quinn", "rosa", "sam", "tomasz",
)  # fmt: skip
_TEAMS = ("north", "south", "east", "west", "enterprise", "smb", "inbound", "partners")
# What a printable but unusual id or label may hold: letters and digits of any script,
# punctuation (quotes, ampersands, angle brackets) and symbols (emoji); never controls.
_PRINTABLE = st.characters(categories=("L", "N", "P", "S"))


class _Kind(NamedTuple):
    """A metric as sales teams have them: its key, unit, label, accumulation and everyday size."""

    key: str
    unit: str
    label: str
    accumulation: Accumulation
    low: int
    high: int
    places: int = 0


_SUM, _AVERAGE, _LAST, _BALANCE = Accumulation.SUM, Accumulation.AVERAGE, Accumulation.LAST, Accumulation.BALANCE
_KINDS = (
    _Kind("deals_won", "deals", "Deals won", _SUM, 1, 40),
    _Kind("calls_made", "calls", "Calls made", _SUM, 20, 400),
    _Kind("revenue", "PLN", "Revenue", _SUM, 1_000, 500_000, 2),
    _Kind("meetings_booked", "meetings", "Meetings booked", _SUM, 2, 60),
    _Kind("demos_held", "demos", "Demos held", _SUM, 1, 30),
    _Kind("deals_lost", "deals", "Deals lost", _SUM, 0, 15),
    _Kind("conversion_rate", "%", "Conversion rate", _AVERAGE, 5, 60, 1),
    _Kind("response_time", "h", "Average response time", _AVERAGE, 1, 48, 1),
    _Kind("discount_rate", "%", "Average discount", _AVERAGE, 2, 30, 1),
    _Kind("csat", "points", "Customer satisfaction", _AVERAGE, 1, 5, 1),
    _Kind("nps", "points", "Net promoter score", _LAST, 10, 70),
    _Kind("pipeline_value", "PLN", "Open pipeline", _LAST, 10_000, 900_000, 2),
    _Kind("book_of_business", "PLN", "Accounts under management", _BALANCE, 10_000, 900_000, 2),
)
_KINDS_BY_ACCUMULATION = {a: tuple(k for k in _KINDS if k.accumulation is a) for a in Accumulation}
_TARGETS = {k.key: st.integers(k.low * 10**k.places, k.high * 10**k.places) for k in _KINDS}
_CAPS = (None, None, None, Decimal(1), Decimal("1.2"), Decimal("1.5"), Decimal(2))
_THRESHOLDS = (None, None, None, Decimal("0.3"), Decimal("0.5"), Decimal("0.8"), Decimal(1))
_POLICIES = (
    StatusPolicy(),
    StatusPolicy(),
    StatusPolicy(on_track=Decimal("0.95"), at_risk=Decimal("0.85")),
    StatusPolicy(on_track=Decimal("0.9"), at_risk=Decimal("0.7")),
    StatusPolicy(on_track=Decimal(1), at_risk=Decimal("0.5")),
    StatusPolicy(on_track=Decimal("0.99"), at_risk=Decimal("0.81")),
)
_WORKWEEKS = (frozenset(range(5)), frozenset(range(5)), frozenset(range(6)), frozenset(range(7)), frozenset({0, 2, 4}))

# Strategies built once: building (and validating) a new strategy inside every draw is
# what made 0.1's cards cost ~27 ms each. Inside a draw, numbers come from these (and
# from `_Dice`) and are scaled by arithmetic.
_UNIT = 10_000
_FRACTION = st.integers(0, _UNIT)  # a position in a range, in 1/10,000ths
_ROLL = st.integers(0, 19)  # a die for rare cases (1 in 20)
_FEW = st.integers(0, 3)
_THRESHOLDS_UNDER = {cap: tuple(t for t in _THRESHOLDS if cap is None or t is None or t <= cap) for cap in _CAPS}


def _scaled(fraction: int, low: int, high: int) -> int:
    """The integer at `fraction` (in 1/10,000ths) of the way from `low` to `high`, both included."""
    return low + (high - low) * fraction // _UNIT


_BIG = st.integers(0, 2**128 - 1)


class _Dice:
    """Many small choices from one drawn integer.

    Each hypothesis draw costs tens of microseconds; a card makes dozens of small
    choices, so it draws one big integer per parameter (and one per card) and takes its
    choices from it.  It still shrinks: a smaller integer makes the earlier choices the
    first (plainest) ones.
    """

    __slots__ = ("_left",)

    def __init__(self, value: int) -> None:
        self._left = value

    def roll(self, sides: int) -> int:
        """A number in ``range(sides)``."""
        self._left, face = divmod(self._left, sides)
        return face

    def pick(self, items: tuple[T, ...]) -> T:
        """One of `items`."""
        return items[self.roll(len(items))]

    def between(self, low: int, high: int) -> int:
        """A number from `low` to `high`, both included."""
        return low + self.roll(high - low + 1)


def _choices(given: Iterable[T] | st.SearchStrategy[T] | None, default: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """A knob: None keeps the default, a strategy is used as is, a collection is sampled from."""
    if given is None:
        return default
    if isinstance(given, st.SearchStrategy):
        return given
    items = tuple(given)
    if not items:
        msg = "a strategy knob needs at least one value to choose from, got an empty collection"
        raise ValueError(msg)
    return st.sampled_from(items)


def _choices_tuple(given: Iterable[T] | st.SearchStrategy[T]) -> tuple[T, ...] | st.SearchStrategy[T]:
    """A knob kept as a tuple to pick from with dice (or a strategy, drawn from as is)."""
    if isinstance(given, st.SearchStrategy):
        return given
    items = tuple(given)
    if not items:
        msg = "a strategy knob needs at least one value to choose from, got an empty collection"
        raise ValueError(msg)
    return items


def _decimal(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places) if places else Decimal(units)


def dates(*, min_value: _dt.date = FIRST_START, max_value: _dt.date = LAST_START) -> st.SearchStrategy[Date]:
    """`pendulum.Date`s (`scorekit.Date`) between `min_value` and `max_value`, 2023 to 2029 by default."""
    low, high = min_value.toordinal(), max_value.toordinal()
    return st.integers(low, high).map(Date.fromordinal)


def timezones() -> st.SearchStrategy[str]:
    """IANA zone names, with DST, odd offsets and half-hour shifts among them."""
    return st.sampled_from(_ZONES)


def weights(n: int) -> st.SearchStrategy[tuple[Weight, ...]]:
    """`n` weights that sum to exactly 100%, of any size down to 0.01%.

    >>> from hypothesis import given
    >>> @given(weights(3))
    ... def test_three(ws):
    ...     assert len(ws) == 3 and sum(w.basis_points for w in ws) == 10_000
    >>> test_three()
    """
    if not 1 <= n <= FULL:
        msg = f"weights(n) needs 1 <= n <= {FULL}, got {n}"
        raise ValueError(msg)
    if n == 1:
        return st.just((Weight(FULL),))
    cuts = st.lists(st.integers(1, FULL - 1), min_size=n - 1, max_size=n - 1, unique=True)
    return st.one_of(cuts.map(_between_cuts), st.just(Weight.split_evenly(n)))


def _between_cuts(points: Iterable[int]) -> tuple[Weight, ...]:
    edges = [0, *sorted(points), FULL]
    return tuple(Weight(b - a) for a, b in itertools.pairwise(edges))


_STEP = 500  # 5%: the weights managers type
_STEPS = FULL // _STEP


def _dice_weights(dice: _Dice, n: int) -> tuple[Weight, ...]:
    """Weights in whole 5% steps (1 in 4 split evenly), as managers set them."""
    if n == 1:
        return (Weight(FULL),)
    if n > _STEPS or dice.roll(4) == 0:
        return Weight.split_evenly(n)
    steps = list(range(1, _STEPS))
    for i in range(n - 1):  # the first n - 1 places of a shuffle: distinct cuts
        j = dice.between(i, len(steps) - 1)
        steps[i], steps[j] = steps[j], steps[i]
    return _between_cuts(step * _STEP for step in steps[: n - 1])


def cadences(
    *,
    min_start: _dt.date = FIRST_START,
    max_start: _dt.date = LAST_START,
    steps: Iterable[Step] | None = None,
) -> st.SearchStrategy[Cadence]:
    r"""Monthly, quarterly, every n months, weeks or days, anchored between `min_start` and `max_start`.

    `steps` limits the kinds of cadence to those stepping by these `Step`\ s (default: all):

    >>> from hypothesis import given
    >>> @given(cadences(steps=[Step.WEEKS, Step.DAYS]))
    ... def test_no_months(cadence):
    ...     assert cadence.unit is not Step.MONTHS
    >>> test_no_months()
    """
    shapes = _shapes(steps)
    return st.builds(
        functools.partial(_cadence, min_start=min_start),
        dates(min_value=min_start, max_value=max_start),
        st.sampled_from(shapes),
        st.integers(1, 12),
    )


# The kinds of cadence, most common first (shrinking goes there): monthly, half of those from the
# 1st; then quarters, weeks, every n months, every n days. Each with the Step it steps by.
_SHAPES: tuple[tuple[Step, int], ...] = (
    (Step.MONTHS, 0),
    (Step.MONTHS, 1),
    (Step.MONTHS, 2),
    (Step.MONTHS, 3),
    (Step.MONTHS, 4),
    (Step.MONTHS, 5),
    (Step.WEEKS, 6),
    (Step.MONTHS, 7),
    (Step.DAYS, 8),
    (Step.DAYS, 9),
)


def _shapes(steps: Iterable[Step] | None) -> tuple[int, ...]:
    allowed = frozenset(Step) if steps is None else frozenset(map(Step, steps))
    if not allowed:
        msg = "steps needs at least one Step (Step.MONTHS, Step.WEEKS, Step.DAYS)"
        raise ValueError(msg)
    return tuple(shape for step, shape in _SHAPES if step in allowed)


def _cadence(anchor: Date, shape: int, n: int, *, min_start: _dt.date) -> Cadence:
    first = anchor.replace(day=1)
    if first < min_start:  # the anchor must stay within the bounds asked for
        first = anchor
    made = (  # in the order of _SHAPES
        lambda: Cadence.monthly(first),
        lambda: Cadence.monthly(first),
        lambda: Cadence.monthly(anchor),
        lambda: Cadence.monthly(anchor),
        lambda: Cadence.quarterly(first),
        lambda: Cadence.quarterly(anchor),
        lambda: Cadence.every(anchor, weeks=1 + n % 4),
        lambda: Cadence.every(anchor, months=n),
        lambda: Cadence.every(anchor, days=1 + n * 10),
        lambda: Cadence.every(anchor, days=n),
    )
    return made[shape]()


def periods(*, cadence: Cadence | None = None) -> st.SearchStrategy[Period]:
    """Periods of `cadence` (or of a generated one), near its start."""
    chosen = st.just(cadence) if cadence is not None else cadences()
    return st.builds(lambda c, k: c.period(k), chosen, st.integers(-24, 24))


def metrics(
    *, kind: MetricKind | None = None, accumulations: Iterable[Accumulation] | None = None
) -> st.SearchStrategy[Metric]:
    """Metrics as sales teams have them (deals won, revenue, conversion rate...), automatic and manual.

    `kind` fixes automatic or manual; `accumulations` limits how their records accumulate.
    """
    kinds = st.just(kind) if kind is not None else st.sampled_from(MetricKind)
    allowed = _accumulations(accumulations)
    return st.builds(
        lambda k, mk: Metric(k.key, k.unit, mk, k.label, k.accumulation),
        st.sampled_from([k for k in _KINDS if k.accumulation in allowed]),
        kinds,
    )


def _accumulations(given: Iterable[Accumulation] | None) -> frozenset[Accumulation]:
    allowed = frozenset(Accumulation) if given is None else frozenset(map(Accumulation, given))
    if not allowed:
        msg = "accumulations needs at least one Accumulation"
        raise ValueError(msg)
    return allowed


def status_policies() -> st.SearchStrategy[StatusPolicy]:
    """Status policies: the default (0.1's rule) and tolerance bands such as 95% / 85%."""
    return st.one_of(
        st.sampled_from(_POLICIES),
        st.builds(
            lambda a, b: StatusPolicy(on_track=Decimal(max(a, b)) / 100, at_risk=Decimal(min(a, b)) / 100),
            st.integers(0, 100),
            st.integers(0, 100),
        ),
    )


def calendars(*, period: Period | None = None) -> st.SearchStrategy[WorkCalendar]:
    """Working-day calendars: Monday to Friday mostly, with a few holidays (inside `period` if given)."""
    span = (FIRST_START.toordinal(), LAST_START.toordinal()) if period is None else _period_ordinals(period)
    holidays = st.lists(st.integers(*span), max_size=3).map(lambda ns: frozenset(map(Date.fromordinal, ns)))
    return st.builds(WorkCalendar, st.sampled_from(_WORKWEEKS), holidays)


def _period_ordinals(period: Period) -> tuple[int, int]:
    # the ordinals of the period's first and last day, for drawing dates inside it
    return period.start.toordinal(), period.end.toordinal() - 1


@st.composite
def parameters(
    draw: st.DrawFn,
    *,
    metric: st.SearchStrategy[Metric] | None = None,
    weight: st.SearchStrategy[Weight] | None = None,
    active: bool | None = None,
    period: Period | None = None,
    directions: Iterable[Direction] | None = None,
    accumulations: Iterable[Accumulation] | None = None,
) -> Parameter:
    """Valid parameters of every direction and accumulation, with everyday targets.

    Baselines, near-target tolerances and bands, caps, thresholds, a later start (inside
    `period` when one is given) and proration (of SUM metrics only) come and go.
    """
    chosen = draw(metric if metric is not None else metrics(accumulations=accumulations))
    kind = _kind_of(chosen)
    return _parameter(
        _Dice(draw(_BIG)),
        chosen,
        kind=kind,
        weight=draw(weight) if weight is not None else Weight(FULL),
        active=draw(st.booleans()) if active is None else active,
        period=period,
        direction=draw(_choices(directions, st.sampled_from(Direction))),
    )


def _kind_of(metric: Metric) -> _Kind:
    for kind in _KINDS:
        if kind.key == metric.key:
            return kind
    same = _KINDS_BY_ACCUMULATION[metric.accumulation]
    return same[len(metric.key) % len(same)]


def _parameter(
    dice: _Dice,
    metric: Metric,
    *,
    kind: _Kind,
    weight: Weight,
    active: bool,
    period: Period | None,
    direction: Direction,
) -> Parameter:
    places = kind.places
    target_units = dice.between(kind.low * 10**places, kind.high * 10**places)
    target = _decimal(target_units, places)
    baseline = tolerance = None
    band = Decimal(0)
    shape = dice.roll(10)  # 0-5 plain; 6-7 count from a later day; 8-9 a baseline
    if direction is Direction.NEAR_TARGET:
        tolerance = _decimal(max(1, target_units // (1 + shape)), places)
        band = _decimal(target_units // 10, places) if shape % 2 else Decimal(0)
    elif shape >= 8:  # noqa: PLR2004 - a baseline that scores 0: below the target, above it when lower is better
        gap = _decimal(max(1, target_units // (shape - 6)), places)
        baseline = target - gap if direction is Direction.HIGHER_IS_BETTER else target + gap
    elif direction is Direction.HIGHER_IS_BETTER and target == 0:
        target = _decimal(kind.high * 10**places, places)
    cap = dice.pick(_CAPS)
    threshold = dice.pick(_THRESHOLDS_UNDER[cap])
    counts_from = None
    if period is not None and shape in {6, 7}:
        first, last = _period_ordinals(period)
        counts_from = Date.fromordinal(dice.between(first - 10, last))
    return Parameter(
        metric,
        target,
        weight,
        counts_from=counts_from,
        direction=direction,
        cap=cap,
        threshold=threshold,
        prorate=not metric.is_level and shape in {3, 7},
        active=active,
        baseline=baseline,
        tolerance=tolerance,
        band=band,
    )


def _printable_id(prefixes: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mostly ``ann``, ``north-2``; 1 in 20 any printable text (quotes, other scripts, emoji)."""
    return _ids(prefixes)


_ODD_ID = st.text(_PRINTABLE, min_size=1, max_size=12)
_SUFFIX = st.integers(0, 99)


@st.composite
def _ids(draw: st.DrawFn, prefixes: tuple[str, ...]) -> str:
    dice = _Dice(draw(_BIG))
    if dice.roll(20) == 0:
        return draw(_ODD_ID)
    prefix = dice.pick(prefixes)
    suffix = dice.roll(100)
    return prefix if suffix < 50 else f"{prefix}-{suffix}"  # noqa: PLR2004 - half plain names


def owners() -> st.SearchStrategy[User | Team]:
    """Users and teams (of 2 to 5 members) with printable ids."""
    return _owners(_printable_id(_PEOPLE), _printable_id(_TEAMS))


@st.composite
def _owners(draw: st.DrawFn, people: st.SearchStrategy[str], teams: st.SearchStrategy[str]) -> User | Team:
    size = _Dice(draw(_BIG)).roll(16)
    if size >= 4:  # noqa: PLR2004 - three in four owners are users
        return User(draw(people))
    return Team(draw(teams), frozenset(draw(people) for _ in range(2 + size)))


_default_owners = owners
_default_timezones = timezones
_CARD_ID = _printable_id(("card", "q", "sales"))


def scorecards(
    *,
    timezones: Iterable[str] | st.SearchStrategy[str] | None = None,
    between: tuple[_dt.date, _dt.date] | None = None,
    parameters: tuple[int, int] | None = None,
    owners: Iterable[User | Team] | st.SearchStrategy[User | Team] | None = None,
    directions: Iterable[Direction] | None = None,
    accumulations: Iterable[Accumulation] | None = None,
    inactive: bool = True,
    metric_kinds: Iterable[MetricKind] | None = None,
    metric_keys: Iterable[str] | None = None,
    steps: Iterable[Step] | None = None,
    calendars: bool = True,
    status_policies: bool = True,
    target_steps: bool = False,
    ramps: bool = False,
    phasing: bool = False,
) -> st.SearchStrategy[Scorecard]:
    """Valid scorecards that look like a sales team's, steered by keywords.

    - `timezones`: the zone names to use (default: UTC and five zones with DST, odd
      offsets and half-hour shifts);
    - `between=(first, last)`: the dates a period may start on (default 2023 to 2029);
    - `parameters=(min, max)`: how many active parameters (default 1 to 6, and no more
      than the `metric_keys` if given);
    - `owners`: the users and teams to use (default: users and teams with printable ids);
    - `directions`, `accumulations`: which of them parameters may have (default: all);
    - `inactive`: whether a few inactive parameters may ride along;
    - `metric_kinds`: `MetricKind.AUTOMATIC`, `MetricKind.MANUAL` or both (the default:
      usually one parameter entered by hand);
    - `metric_keys`: the metric keys to use, each at most once per card (a known key,
      such as ``"deals_won"``, keeps its unit, label and accumulation; another is a sum);
      a card then has at most as many parameters as there are keys;
    - `steps`: the kinds of cadence, by the `Step` they step by (default: all);
    - `calendars`, `status_policies`: whether cards may carry a working-day calendar and
      a status policy other than the default (default: both);
    - `target_steps`, `ramps`, `phasing`: whether parameters may carry `TargetStep`s and
      cards a `Ramp` or a `Phasing` (default: none of them, as 0.2's cards; switch each on).

    A card may carry a status policy with an at-risk band and a working-day calendar
    with holidays; each may be a level, have a baseline or be near-target.

    >>> from hypothesis import given, settings
    >>> from scorekit import Accumulation, Date
    >>> @settings(max_examples=20)
    ... @given(scorecards(timezones=["Europe/Warsaw"], between=(Date(2026, 1, 1), Date(2026, 12, 31)),
    ...                   parameters=(3, 6), accumulations=[Accumulation.SUM]))
    ... def test_this_year_in_warsaw(card):
    ...     assert card.timezone == "Europe/Warsaw" and card.period.start.year == 2026
    ...     assert 3 <= len(card.active_parameters) <= 6
    ...     assert all(not p.metric.is_level for p in card.parameters)
    >>> test_this_year_in_warsaw()
    >>> from scorekit import MetricKind, Step, StatusPolicy
    >>> @settings(max_examples=20)
    ... @given(scorecards(metric_kinds=[MetricKind.AUTOMATIC], metric_keys=["deals_won", "demos"],
    ...                   steps=[Step.MONTHS], calendars=False, status_policies=False))
    ... def test_plain_monthly_cards(card):
    ...     assert {p.key for p in card.parameters} <= {"deals_won", "demos"}
    ...     assert all(p.metric.kind is MetricKind.AUTOMATIC for p in card.parameters)
    ...     assert card.cadence.unit is Step.MONTHS
    ...     assert card.calendar is None and card.status_policy == StatusPolicy()
    >>> test_plain_monthly_cards()
    >>> @settings(max_examples=20)
    ... @given(scorecards(target_steps=True, ramps=True, phasing=True))
    ... def test_plans_that_move(card):
    ...     assert card.ramp is None or card.ramp.start < card.period.end
    ...     assert card.phasing is None or any(card.phasing.weights)
    >>> test_plans_that_move()
    """
    allowed = _accumulations(accumulations)
    kinds = (
        tuple(k for k in _KINDS if k.accumulation in allowed) if metric_keys is None else _keyed(metric_keys, allowed)
    )
    if parameters is None:
        parameters = (1, 6 if metric_keys is None else min(6, len(kinds)))
    low, high = parameters
    if not 1 <= low <= high:
        msg = f"scorecards(parameters=(min, max)) needs 1 <= min <= max, got {parameters!r}"
        raise ValueError(msg)
    if metric_keys is not None and high > len(kinds):
        msg = f"scorecards(parameters=(min, max)) needs max <= the {len(kinds)} metric_keys given, got {parameters!r}"
        raise ValueError(msg)
    first, last = between if between is not None else (FIRST_START, LAST_START)
    if first > last:
        msg = f"scorecards(between=(first, last)) needs first <= last, got {between!r}"
        raise ValueError(msg)
    plan = _Plan(
        first=first,
        last=last,
        active_count=(low, high),
        extra=2 if inactive else 0,
        kinds=kinds,
        distinct_keys=metric_keys is not None,
        metric_kinds=_metric_kinds(metric_kinds),
        shapes=_shapes(steps),
        calendars=calendars,
        status_policies=status_policies,
        target_steps=target_steps,
        ramps=ramps,
        phasing=phasing,
        directions=tuple(Direction) if directions is None else _choices_tuple(directions),
        owners=_choices(owners, _default_owners()),
        timezones=_choices(timezones, _default_timezones()),
    )
    return _scorecards(plan)


_KINDS_BY_KEY = {k.key: k for k in _KINDS}


def _keyed(keys: Iterable[str], allowed: frozenset[Accumulation]) -> tuple[_Kind, ...]:
    """The metric kinds for the keys given: a known key's own, another's an everyday sum."""
    given = tuple(dict.fromkeys(keys))
    if not given or any(not isinstance(key, str) for key in given):
        msg = f"metric_keys needs at least one metric key (text), got {given!r}"
        raise ValueError(msg)
    for key in given:
        Metric(key)  # an invalid key is refused here, as Metric refuses it, not inside a draw
    kinds = tuple(
        _KINDS_BY_KEY.get(key, _Kind(key, "", key.replace("_", " ").capitalize(), _SUM, 1, 100)) for key in given
    )
    kept = tuple(k for k in kinds if k.accumulation in allowed)
    if not kept:
        msg = f"metric_keys needs a key that accumulates as accumulations= allows; none of {list(given)!r} does"
        raise ValueError(msg)
    return kept


def _metric_kinds(given: Iterable[MetricKind] | None) -> frozenset[MetricKind]:
    allowed = frozenset(MetricKind) if given is None else frozenset(map(MetricKind, given))
    if not allowed:
        msg = "metric_kinds needs at least one MetricKind (AUTOMATIC, MANUAL)"
        raise ValueError(msg)
    return allowed


class _Plan(NamedTuple):
    """The strategies one `scorecards()` call draws from, built once for all its cards."""

    first: _dt.date
    last: _dt.date
    active_count: tuple[int, int]
    extra: int
    kinds: tuple[_Kind, ...]
    distinct_keys: bool  # metric_keys were given: each key once per card, never a key_2
    metric_kinds: frozenset[MetricKind]
    shapes: tuple[int, ...]
    calendars: bool
    status_policies: bool
    target_steps: bool
    ramps: bool
    phasing: bool
    directions: tuple[Direction, ...] | st.SearchStrategy[Direction]
    owners: st.SearchStrategy[User | Team]
    timezones: st.SearchStrategy[str]


@st.composite
def _scorecards(draw: st.DrawFn, plan: _Plan) -> Scorecard:
    dice = _Dice(draw(_BIG))
    anchor = Date.fromordinal(dice.between(plan.first.toordinal(), plan.last.toordinal()))
    cadence = _cadence(anchor, dice.pick(plan.shapes), dice.between(1, 12), min_start=plan.first)
    period = cadence.period(dice.between(-2, 2))
    if not plan.first <= period.start <= plan.last:
        period = cadence.period(0)  # the anchor itself is within bounds
    count = dice.between(*plan.active_count)
    extra = dice.between(0, min(plan.extra, len(plan.kinds) - count) if plan.distinct_keys else plan.extra)
    shares = _dice_weights(dice, count)
    manual = dice.between(0, 2 * count)  # usually one parameter entered by hand, sometimes none
    items: list[Parameter] = []
    keys: set[str] = set()
    for index in range(count + extra):
        choices = _Dice(draw(_BIG))
        if plan.distinct_keys:
            kind = choices.pick(tuple(k for k in plan.kinds if k.key not in keys))
        else:
            kind = choices.pick(plan.kinds)
        key = kind.key if kind.key not in keys else f"{kind.key}_{index}"
        keys.add(key)
        metric = Metric(
            key, kind.unit, _metric_kind(plan.metric_kinds, manual=index == manual), kind.label, kind.accumulation
        )
        direction = choices.pick(plan.directions) if isinstance(plan.directions, tuple) else draw(plan.directions)
        counted = index < count
        parameter = _parameter(
            choices, metric, kind=kind, weight=shares[index % count], active=counted, period=period, direction=direction
        )
        # inactive parameters ride anywhere in the card's order
        items.insert(choices.between(0, len(items)) if not counted else len(items), parameter)
    calendar = None
    tail = _Dice(draw(_BIG))  # a draw of its own: the card's dice may be spent by now, and spent dice roll 0
    if tail.roll(3) == 1 and plan.calendars:  # a third of the cards count working days only (0 counts every day)
        first, last = _period_ordinals(period)
        holidays = frozenset(Date.fromordinal(tail.between(first, last)) for _ in range(tail.roll(4)))
        calendar = WorkCalendar(tail.pick(_WORKWEEKS), holidays)
        if any(calendar.working_days(_window_start(p, period), period.end) == 0 for p in items if p.active):
            calendar = None  # a window with no working day is invalid; this card counts every day
    # a draw of its own for the plan's moves, only when asked for: 0.2's cards draw as before
    moved = _Dice(draw(_BIG)) if plan.target_steps or plan.ramps or plan.phasing else tail
    if plan.target_steps:
        items = [_stepped(moved, p, period) if p.active and moved.roll(2) else p for p in items]
    owner = draw(plan.owners)
    names = ("", f"{owner.id}, {period.start:%B %Y}", 'Sales & <targets> "Q"')
    card = Scorecard(
        f"{owner.id}-{period.start}" if tail.roll(2) else draw(_CARD_ID),
        owner,
        cadence,
        period,
        items,
        timezone=draw(plan.timezones),
        rollover=bool(tail.roll(2)),
        name=tail.pick(names),
        status_policy=tail.pick(_POLICIES) if plan.status_policies else _POLICIES[0],
        calendar=calendar,
    )
    if plan.ramps and moved.roll(2):
        card = card.evolve(ramp=_ramp(moved, period))
    if plan.phasing and moved.roll(2):
        # a month weighing 0 may leave a window weighing nothing: that card paces every month alike
        with contextlib.suppress(InvalidScorecard):
            card = card.evolve(phasing=_phasing(moved))
    return card


_FACTORS = tuple(Decimal(f) for f in ("0.25", "0.5", "0.6", "0.75", "0.8", "0.9", "1"))
_MONTH_WEIGHTS = tuple(Decimal(w) for w in ("1", "2", "3", "4", "0.5", "1.5", "0"))


def _stepped(dice: _Dice, parameter: Parameter, period: Period) -> Parameter:
    """`parameter` with one or two target steps inside its window, each target valid (unchanged if too short)."""
    first = _window_start(parameter, period).toordinal() + 1
    last = period.end.toordinal() - 1
    if first > last:
        return parameter
    days = sorted({dice.between(first, last) for _ in range(1 + dice.roll(2))})
    places = -min(parameter.target.as_tuple().exponent, 0)  # type: ignore[operator]
    steps = []
    for n, ordinal in enumerate(days, 1):
        # raised when higher is better (so still above a baseline), lowered otherwise (still below one, and >= 0)
        scale = Decimal(2 + n) / 2 if parameter.direction is Direction.HIGHER_IS_BETTER else Decimal(1) / (1 + n)
        target = (parameter.target * scale).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
        steps.append(TargetStep(Date.fromordinal(ordinal), target))
    return parameter.evolve(steps=tuple(steps))


def _ramp(dice: _Dice, period: Period) -> Ramp:
    """A ramp that has begun by the end of `period`: from inside it, or up to three periods' length before it."""
    last = period.end.toordinal() - 1
    span = period.end.toordinal() - period.start.toordinal()
    start = Date.fromordinal(dice.between(last - 3 * span, last))
    factors = tuple(sorted(dice.pick(_FACTORS) for _ in range(1 + dice.roll(3))))
    return Ramp(start, factors)


def _phasing(dice: _Dice) -> Phasing:
    """A seasonal phasing: a few months weigh other than 1 (now and then 0)."""
    return Phasing({dice.between(1, 12): dice.pick(_MONTH_WEIGHTS) for _ in range(1 + dice.roll(6))})


def target_steps() -> st.SearchStrategy[TargetStep]:
    """Target steps on dates 2023 to 2029, with targets valid for a higher-is-better parameter without a baseline.

    >>> from hypothesis import given
    >>> @given(target_steps())
    ... def test_positive(step):
    ...     assert step.target > 0
    >>> test_positive()
    """
    return st.builds(TargetStep, dates(), st.integers(1, 500))


def ramps() -> st.SearchStrategy[Ramp]:
    """Ramps of one to three factors between 0.25 and 1, starting 2023 to 2029."""
    return st.builds(Ramp, dates(), st.lists(st.sampled_from(_FACTORS), min_size=1, max_size=3).map(sorted))


def phasings() -> st.SearchStrategy[Phasing]:
    """Phasings with a few months weighing other than 1 (0 now and then, never all 12)."""
    months = st.dictionaries(st.integers(1, 12), st.sampled_from(_MONTH_WEIGHTS), max_size=6)
    return months.map(Phasing)


def _metric_kind(allowed: frozenset[MetricKind], *, manual: bool) -> MetricKind:
    """The dice's choice (one parameter by hand, usually), unless only one kind is allowed."""
    if len(allowed) == 1:
        (only,) = allowed
        return only
    return MetricKind.MANUAL if manual else MetricKind.AUTOMATIC


def _window_start(parameter: Parameter, period: Period) -> Date:
    counts_from = parameter.counts_from
    return counts_from if counts_from is not None and counts_from > period.start else period.start


def _evidence(card: Scorecard, key: str) -> st.SearchStrategy[tuple[Evidence, ...]]:
    start, end = card.window(key).instants(card.timezone)
    seconds = int((end - start).total_seconds())
    moments = st.integers(0, seconds - 1).map(lambda s: start.add(seconds=s))
    one = st.builds(
        Evidence,
        st.integers(1, 10**6).map(lambda n: f"rec-{n}"),
        moments,
        _amounts(Decimal(-5), Decimal(500)),
        st.sampled_from(("", "ACME renewal", "Kowalski & Syn", "<b>big</b> deal")),
    )
    return st.lists(one, max_size=3, unique_by=lambda e: e.id).map(tuple)


def _amounts(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.integers(int(low * 100), int(high * 100)).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def measurements_for(draw: st.DrawFn, card: Scorecard) -> dict[str, Measurement]:
    """A measurement for every active parameter of `card`, around its target.

    Actuals range from nothing to well past the target (so every status comes up),
    with negative values now and then (returns exist); a level may have no record yet
    (``Measurement(None)``).
    """
    result = {}
    for parameter in card.active_parameters:
        result[parameter.key] = _measurement(draw, card, parameter)
    return result


def _measurement(draw: st.DrawFn, card: Scorecard, parameter: Parameter) -> Measurement:
    dice = _Dice(draw(_BIG))
    roll = dice.roll(20)
    if roll == 0 and parameter.metric.is_level:
        return Measurement(None)
    if roll == 1:
        return Measurement(Decimal(dice.between(-1000, 1000)).scaleb(-2))
    target, baseline = parameter.target, parameter.baseline
    if parameter.direction is Direction.NEAR_TARGET:
        reach = (parameter.tolerance or Decimal(1)) + parameter.band
        return Measurement(target + reach * dice.between(-200, 200) / 100)  # up to twice the reach either side
    origin = baseline if baseline is not None else Decimal(0)
    value = origin + (target - origin) * dice.between(0, 160) / 100  # nothing to 160% of the way to the target
    if roll == 2 and not parameter.metric.is_level:  # noqa: PLR2004
        items = draw(_evidence(card, parameter.key))
        if items:
            return Measurement(sum((e.value for e in items), Decimal(0)), items)
    return Measurement(value)


_ADJUSTMENT_REASONS = (
    "D-7 booked late",
    "two weeks of leave",
    "territory handed over",
    "refund: clawback",
    "Zażółć gęślą jaźń",
)
_CENT = Decimal("0.01")


@st.composite
def adjustments_for(draw: st.DrawFn, card: Scorecard, *, max_adjustments: int = 4) -> list[Adjustment]:
    """Credits and reliefs `card` accepts, each with its own id, recorded inside its period or the week after.

    Credits (a negative one is a clawback) go to its active sum parameters; reliefs to
    its higher-is-better sum parameters, together always leaving a target above 0 (and
    above a baseline).  A card without a sum parameter gets none.

    >>> from hypothesis import given
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> april = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c", User("ann"), april, april.period(0), [Parameter("deals", 10, 100)])
    >>> @given(adjustments_for(card))
    ... def test_reliefs_leave_a_target(items):
    ...     assert sum(a.value for a in items if a.kind is AdjustmentKind.RELIEF) < 10
    >>> test_reliefs_leave_a_target()
    """
    sums = [w for w in card.windows if not w.level]
    if not sums:
        return []
    start, end = card.period.instants(card.timezone)
    span = int((end - start).total_seconds())
    relieved: dict[str, Fraction] = {}
    items = []
    for number in range(draw(st.integers(0, max_adjustments))):
        window = draw(st.sampled_from(sums))
        plan = card.plan(window.key)
        room = plan.target - relieved.get(window.key, Fraction(0)) - relief_floor(window.parameter.baseline, plan.share)
        share = draw(st.integers(1, 99))  # of the room left, in hundredths: never all of it
        relief = (Decimal(room.numerator) * share / (Decimal(room.denominator) * 100)).quantize(_CENT, ROUND_DOWN)
        if window.higher and relief > 0 and draw(st.booleans()):
            kind, value = AdjustmentKind.RELIEF, relief
            relieved[window.key] = relieved.get(window.key, Fraction(0)) + Fraction(relief)
        else:
            kind, value = AdjustmentKind.CREDIT, draw(_amounts(Decimal(-50), Decimal(50)))
        at = start.add(seconds=draw(st.integers(0, span + _WEEK))).in_timezone("UTC")
        items.append(
            Adjustment(
                f"adj-{number + 1}",
                card.id,
                window.key,
                kind,
                value,
                draw(st.sampled_from(_ADJUSTMENT_REASONS)),
                at,
                draw(_printable_id(_PEOPLE)),
            )
        )
    return items


def instants_for(card: Scorecard, *, within: bool = False) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware instants in `card`'s period, and (1 in 4 each) in the days before it and after its end.

    With ``within=True``, only instants inside the period (from its start, before its end).

    >>> from hypothesis import given
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> april = Cadence.monthly(Date(2024, 4, 1))
    >>> card = Scorecard("c", User("ann"), april, april.period(0), [Parameter("deals", 10, 100)])
    >>> @given(instants_for(card, within=True))
    ... def test_in_april(instant):
    ...     assert instant.month == 4
    >>> test_in_april()
    """
    start, end = card.period.instants(card.timezone)
    span = int((end - start).total_seconds())
    if within:
        return st.integers(0, span - 1).map(lambda offset: start.add(seconds=offset).in_timezone("UTC"))
    return _instants_around(start, span)


_WEEK = 7 * 86_400


@st.composite
def _instants_around(draw: st.DrawFn, start: pendulum.DateTime, span: int) -> pendulum.DateTime:
    roll = draw(_ROLL)
    fraction = draw(_FRACTION)
    if roll < 5:  # noqa: PLR2004 - before the period: nothing has started
        offset = -_scaled(fraction, 1, _WEEK)
    elif roll < 10:  # noqa: PLR2004 - after it: the window is over
        offset = span + _scaled(fraction, 0, _WEEK)
    else:
        offset = _scaled(fraction, 0, span - 1)
    return start.add(seconds=offset).in_timezone("UTC")


@st.composite
def records_for(draw: st.DrawFn, card: Scorecard, *, max_records: int = 30) -> list[Record]:
    """CRM records for `card`'s subjects and automatic metrics, inside its window and just outside it.

    Feed them to `RecordsMetricSource` to score the card end to end.  Two records
    may share an instant (so "latest" needs its tie-break by id).
    """
    keys = [p.key for p in card.active_parameters if not p.metric.is_manual]
    if not keys:
        return []
    start, end = card.period.instants(card.timezone)
    span = int((end - start).total_seconds())
    instants = st.integers(-86_400, span + 86_400).map(lambda s: start.add(seconds=s))
    record = st.builds(
        Record,
        st.integers(1, 10**6).map(lambda n: f"rec-{n}"),
        st.sampled_from(keys),
        st.sampled_from(sorted(card.subjects)),
        st.one_of(instants, st.just(start.add(hours=12))),
        _amounts(Decimal(-5), Decimal(500)),
        st.sampled_from(("", "call", "won: ACME")),
    )
    drawn = draw(st.lists(record, max_size=max_records, unique_by=lambda r: r.id))
    people = sorted(card.subjects)
    rows: list[Record] = []
    for one in drawn:  # now and then a deal split between people: one row each, shares summing to at most 1
        roll = draw(st.integers(0, 9))
        if roll > 1:
            rows.append(one)
            continue
        tenths = draw(st.integers(1, 9))
        rows.append(attrs.evolve(one, share=Decimal(tenths) / 10))
        others = [who for who in people if who != one.subject]
        if roll == 0 and others:  # the rest to someone else on the card; else to someone outside it
            rows.append(attrs.evolve(one, subject=draw(st.sampled_from(others)), share=Decimal(10 - tenths) / 10))
    return rows


def shares() -> st.SearchStrategy[Decimal]:
    """A record's share for one user: mostly whole (1), else a part in (0, 1) with up to 4 decimals."""
    return st.one_of(st.just(Decimal(1)), st.integers(1, 9_999).map(lambda n: Decimal(n).scaleb(-4)))


def evidence() -> st.SearchStrategy[Evidence]:
    """Single records behind a number, at instants in any zone, now and then a share of a split deal."""
    return st.builds(
        Evidence,
        st.integers(1, 10**6).map(lambda n: f"rec-{n}"),
        _instants(),
        _amounts(Decimal(-5), Decimal(5000)),
        st.sampled_from(("", "ACME renewal", "Kowalski & Syn")),
        share=shares(),
    )


def _instants() -> st.SearchStrategy[pendulum.DateTime]:
    low = pendulum.datetime(FIRST_START.year, 1, 1, tz="UTC")
    span = int((pendulum.datetime(LAST_START.year + 1, 1, 1, tz="UTC") - low).total_seconds())
    return st.builds(lambda s, z: low.add(seconds=s).in_timezone(z), st.integers(0, span), timezones())


def measurements() -> st.SearchStrategy[Measurement]:
    """Measurements: values with their evidence, and now and then ``Measurement(None)`` (no record yet)."""
    values = st.builds(
        Measurement, _amounts(Decimal(-100), Decimal(100_000)), st.lists(evidence(), max_size=3).map(tuple)
    )
    return st.one_of(values, st.just(Measurement(None)))


def manual_entries() -> st.SearchStrategy[ManualEntry]:
    """Hand-entered values of manual metrics, by printable user ids."""
    return st.builds(
        ManualEntry,
        _printable_id(("card", "sales")),
        st.sampled_from([k.key for k in _KINDS]),
        _amounts(Decimal(0), Decimal(1000)),
        _instants(),
        _printable_id(_PEOPLE),
    )


def _adjustments() -> st.SearchStrategy[Adjustment]:
    """Any valid adjustment of any card (what `st.from_type(Adjustment)` draws); `adjustments_for` fits one card."""
    credit = st.tuples(st.just(AdjustmentKind.CREDIT), _amounts(Decimal(-50), Decimal(50)))
    relief = st.tuples(st.just(AdjustmentKind.RELIEF), _amounts(_CENT, Decimal(50)))
    return st.builds(
        lambda adjustment_id, card_id, metric, kind_value, reason, at, by: Adjustment(
            adjustment_id, card_id, metric, kind_value[0], kind_value[1], reason, at, by
        ),
        _printable_id(("adj",)),
        _printable_id(("card", "sales")),
        st.sampled_from([k.key for k in _KINDS]),
        st.one_of(credit, relief),
        st.sampled_from(_ADJUSTMENT_REASONS),
        _instants(),
        _printable_id(_PEOPLE),
    )


def metric_requests() -> st.SearchStrategy[MetricRequest]:
    """Questions for the CRM: a metric, its subjects, a window ``[start, end)`` and an accumulation."""
    return st.builds(
        lambda kind, subjects, start, hours: MetricRequest(
            kind.key, subjects, start, start.add(hours=hours), kind.accumulation
        ),
        st.sampled_from(_KINDS),
        st.frozensets(_printable_id(_PEOPLE), min_size=1, max_size=4),
        _instants(),
        st.integers(0, 24 * 92),
    )


@st.composite
def card_scores(draw: st.DrawFn, cards: st.SearchStrategy[Scorecard] | None = None) -> CardScore:
    """Scores of generated cards (or of `cards`) at an instant around their period."""
    card = draw(cards if cards is not None else scorecards())
    return score(card, draw(measurements_for(card)), as_of=draw(instants_for(card)))


_REASONS = ("", "new hire", "target raised after the Q2 review", 'typo in "deals won"')


def changes() -> st.SearchStrategy[Change]:
    """Who changed a card, when, and why (often no reason given)."""
    return st.builds(Change, _printable_id(_PEOPLE), _instants(), st.sampled_from(_REASONS))


def revisions() -> st.SearchStrategy[Revision]:
    """Stored versions of generated cards, now and then the final one of a deletion."""
    return st.builds(Revision, scorecards(), changes(), st.booleans())


@st.composite
def closed_scores(draw: st.DrawFn) -> ClosedScore:
    """Scores of generated cards frozen at their period end, with the fingerprint of their inputs."""
    card = draw(scorecards())
    measurements = draw(measurements_for(card))
    end = card.period.instants(card.timezone)[1]
    return ClosedScore.of(
        score(card, measurements, as_of=end),
        closed_at=end.add(minutes=draw(_FRACTION)),
        closed_by=draw(_printable_id(_PEOPLE)),
        fingerprint=fingerprint(card, measurements),
    )


def rollups() -> st.SearchStrategy[RollUp]:
    """Roll-ups (`rollup`) of up to three scores of distinct generated cards, with and without a total."""
    return st.lists(card_scores(), max_size=3, unique_by=lambda s: s.card.id).map(rollup)


def parameter_rollups() -> st.SearchStrategy[ParameterRollUp]:
    """One metric's roll-up: sums of actuals and of positive targets, and their exact ratio."""

    def build(key: str, actual: Decimal, target: Decimal, cards: int) -> ParameterRollUp:
        return ParameterRollUp(key, actual, target, EXACT.divide(actual, target), cards)

    return st.builds(
        build,
        st.sampled_from([k.key for k in _KINDS]),
        _amounts(Decimal(-100), Decimal(100_000)),
        _amounts(Decimal("0.01"), Decimal(100_000)),
        st.integers(1, 50),
    )


def target_mismatches() -> st.SearchStrategy[TargetMismatch]:
    """A team target and the different sum of its members' targets."""
    return st.builds(
        TargetMismatch,
        st.sampled_from([k.key for k in _KINDS]),
        _amounts(Decimal("0.01"), Decimal(100_000)),
        _amounts(Decimal(0), Decimal(100_000)),
    ).filter(lambda m: m.team_target != m.members_target)


def transitions() -> st.SearchStrategy[Transition]:
    """What a host tells: status changes of a card or a parameter, milestones reached or lost."""
    statuses = st.sampled_from(Status)
    status = st.builds(
        Transition,
        _printable_id(("card",)),
        st.just(TransitionKind.STATUS),
        st.one_of(st.none(), st.sampled_from([k.key for k in _KINDS])),
        st.one_of(st.none(), statuses),
        statuses,
    )
    totals = _amounts(Decimal(0), Decimal(2))
    milestone = st.builds(
        Transition,
        _printable_id(("card",)),
        st.sampled_from([TransitionKind.MILESTONE, TransitionKind.MILESTONE_LOST]),
        st.none(),
        st.one_of(st.none(), totals),
        totals,
        st.sampled_from([Decimal("0.5"), Decimal("0.9"), Decimal(1)]),
    )
    return st.one_of(status, milestone)


def _register() -> None:
    """Tell hypothesis how to build scorekit's types (called through the entry point)."""
    st.register_type_strategy(Weight, st.integers(1, FULL).map(Weight))
    st.register_type_strategy(Date, dates())
    st.register_type_strategy(Cadence, cadences())
    st.register_type_strategy(Period, periods())
    st.register_type_strategy(Metric, metrics())
    st.register_type_strategy(Parameter, parameters())
    st.register_type_strategy(Scorecard, scorecards())
    st.register_type_strategy(User, st.builds(User, _printable_id(_PEOPLE)))
    st.register_type_strategy(
        Team, st.builds(Team, _printable_id(_TEAMS), st.frozensets(_printable_id(_PEOPLE), min_size=1, max_size=5))
    )
    st.register_type_strategy(StatusPolicy, status_policies())
    st.register_type_strategy(WorkCalendar, calendars())
    st.register_type_strategy(TargetStep, target_steps())
    st.register_type_strategy(Ramp, ramps())
    st.register_type_strategy(Phasing, phasings())
    st.register_type_strategy(Evidence, evidence())
    st.register_type_strategy(Measurement, measurements())
    st.register_type_strategy(ManualEntry, manual_entries())
    st.register_type_strategy(Adjustment, _adjustments())
    st.register_type_strategy(MetricRequest, metric_requests())
    st.register_type_strategy(CardScore, card_scores())
    st.register_type_strategy(Change, changes())
    st.register_type_strategy(Revision, revisions())
    st.register_type_strategy(ClosedScore, closed_scores())
    st.register_type_strategy(ParameterScore, card_scores().map(lambda s: s.parameters[0]))
    st.register_type_strategy(RollUp, rollups())
    st.register_type_strategy(ParameterRollUp, parameter_rollups())
    st.register_type_strategy(TargetMismatch, target_mismatches())
    st.register_type_strategy(Transition, transitions())
