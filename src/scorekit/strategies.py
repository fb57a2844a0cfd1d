"""Hypothesis strategies for every public scorekit type (the ``testing`` extra).

They generate only valid values: `scorecards()` always passes the card's own
validation, of any size.  Installing scorekit registers them with hypothesis
(through its entry point), so ``st.from_type(Scorecard)`` works; set
``HYPOTHESIS_NO_PLUGINS=1`` to turn that off.  ``import scorekit`` never imports
hypothesis: only importing this module does.

>>> from hypothesis import given
>>> @given(scorecards())
... def test_weights_sum_to_100(card):
...     assert sum(p.weight.basis_points for p in card.parameters if p.active) == 10_000
>>> test_weights_sum_to_100()
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import string
from collections.abc import Callable
from decimal import Decimal

import pendulum
from hypothesis import strategies as st

from scorekit._text import check_identifier, check_label
from scorekit.adapters.memory import Record
from scorekit.measurement import Evidence, Measurement
from scorekit.parameter import Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, Date, Period
from scorekit.scorecard import Scorecard, Team, User
from scorekit.weight import FULL, Weight

__all__ = [
    "cadences",
    "dates",
    "instants_for",
    "measurements_for",
    "metrics",
    "owners",
    "parameters",
    "periods",
    "records_for",
    "scorecards",
    "timezones",
    "weights",
]

_KEY_ALPHABET = string.ascii_lowercase + string.digits + "_"
_ZONES = ("UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham")


def dates(
    *, min_value: _dt.date = _dt.date(1990, 1, 1), max_value: _dt.date = _dt.date(2090, 12, 31)
) -> st.SearchStrategy[Date]:
    """`pendulum.Date`s between `min_value` and `max_value`."""
    return st.dates(min_value, max_value).map(lambda d: Date(d.year, d.month, d.day))


def timezones() -> st.SearchStrategy[str]:
    """IANA zone names, with DST, odd offsets and half-hour shifts among them."""
    return st.sampled_from(_ZONES)


def weights(n: int) -> st.SearchStrategy[tuple[Weight, ...]]:
    """`n` weights that sum to exactly 100%.

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

    def to_weights(points: list[int]) -> tuple[Weight, ...]:
        edges = [0, *sorted(points), FULL]
        return tuple(Weight(b - a) for a, b in itertools.pairwise(edges))

    return st.one_of(cuts.map(to_weights), st.just(Weight.split_evenly(n)))


def cadences(
    *, min_start: _dt.date = _dt.date(1990, 1, 1), max_start: _dt.date = _dt.date(2090, 12, 31)
) -> st.SearchStrategy[Cadence]:
    """Monthly, quarterly, every n months, weeks or days, and custom cadences."""
    starts = dates(min_value=min_start, max_value=max_start)
    return st.one_of(
        st.builds(Cadence.monthly, starts),
        st.builds(Cadence.quarterly, starts),
        st.builds(lambda d, n: Cadence.every(d, months=n), starts, st.integers(1, 12)),
        st.builds(lambda d, n: Cadence.every(d, weeks=n), starts, st.integers(1, 8)),
        st.builds(lambda d, n: Cadence.every(d, days=n), starts, st.integers(1, 120)),
    )


def periods(*, cadence: Cadence | None = None) -> st.SearchStrategy[Period]:
    """Periods of `cadence` (or of a generated one), near its start."""
    chosen = st.just(cadence) if cadence is not None else cadences()
    return st.builds(lambda c, k: c.period(k), chosen, st.integers(-24, 24))


def _valid(check: Callable[..., str], text: str) -> bool:
    try:
        check(text, what="text", error=ValueError)
    except ValueError:
        return False
    return True


@functools.cache  # one strategy per size: building strategies inside draws is costly
def _ids(*, max_size: int) -> st.SearchStrategy[str]:
    """Identifiers of any visible text (see `scorekit._text`)."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc"))
    return st.text(alphabet, min_size=1, max_size=max_size).filter(functools.partial(_valid, check_identifier))


@functools.cache
def _labels(*, max_size: int) -> st.SearchStrategy[str]:
    """Labels, units and names of any text but control characters (tab allowed)."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t")
    return st.text(alphabet, max_size=max_size).filter(functools.partial(_valid, check_label))


def metrics(*, kind: MetricKind | None = None) -> st.SearchStrategy[Metric]:
    """Metrics with short keys; automatic and manual unless `kind` is given."""
    kinds = st.just(kind) if kind is not None else st.sampled_from(MetricKind)
    return st.builds(
        Metric,
        key=st.text(_KEY_ALPHABET, min_size=1, max_size=12),
        unit=st.sampled_from(["", "deals", "calls", "PLN", "points", "h"]),
        kind=kinds,
        label=_labels(max_size=20),
    )


def _amounts(*, min_value: Decimal, max_value: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=min_value, max_value=max_value, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def parameters(
    draw: st.DrawFn,
    *,
    metric: st.SearchStrategy[Metric] | None = None,
    weight: st.SearchStrategy[Weight] | None = None,
    active: bool | None = None,
    period: Period | None = None,
) -> Parameter:
    """Valid parameters: any direction, with or without cap, threshold and a later start.

    A `counts_from` is drawn inside `period` when one is given, so the parameter
    fits a card of that period.
    """
    chosen_metric = draw(metric if metric is not None else metrics())
    # The 0.1 directions; near-target parameters (with their tolerance) come with the 0.2 fields.
    direction = draw(st.sampled_from((Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER)))
    low = Decimal("0.01") if direction is Direction.HIGHER_IS_BETTER else Decimal(0)
    target = draw(_amounts(min_value=low, max_value=Decimal(100_000)))
    cap = draw(st.none() | _amounts(min_value=Decimal("0.5"), max_value=Decimal(3)))
    threshold = draw(st.none() | _amounts(min_value=Decimal(0), max_value=cap if cap is not None else Decimal(1)))
    counts_from = None
    if period is not None and draw(st.booleans()):
        counts_from = draw(
            st.integers(-10, period.days - 1).map(lambda k: Date.fromordinal(period.start.toordinal() + k))
        )
    return Parameter(
        chosen_metric,
        target,
        draw(weight) if weight is not None else Weight(FULL),
        counts_from=counts_from,
        direction=direction,
        cap=cap,
        threshold=threshold,
        prorate=draw(st.booleans()),
        active=draw(st.booleans()) if active is None else active,
    )


def owners() -> st.SearchStrategy[User | Team]:
    """Users and teams, with ids of any text."""
    ids = _ids(max_size=10)
    return st.one_of(st.builds(User, ids), st.builds(Team, ids, st.frozensets(ids, min_size=1, max_size=5)))


def _rekeyed(key: str, metric: Metric) -> Metric:
    return Metric(key, metric.unit, metric.kind, metric.label)


@st.composite
def scorecards(
    draw: st.DrawFn, *, min_parameters: int = 1, max_parameters: int = 6, inactive: bool = True
) -> Scorecard:
    """Valid scorecards of `min_parameters` to `max_parameters` active parameters.

    With `inactive`, a few inactive parameters may ride along.
    """
    cadence = draw(cadences())
    period = cadence.period(draw(st.integers(-3, 3)))
    count = draw(st.integers(min_parameters, max_parameters))
    keys = draw(
        st.lists(st.text(_KEY_ALPHABET, min_size=1, max_size=12), min_size=count + 2, max_size=count + 2, unique=True)
    )
    shares = draw(weights(count))
    items = [
        draw(
            parameters(
                metric=metrics().map(functools.partial(_rekeyed, key)), weight=st.just(w), active=True, period=period
            )
        )
        for key, w in zip(keys, shares, strict=False)
    ]
    if inactive:
        extra = draw(st.lists(st.sampled_from(keys[count:]), unique=True))
        items.extend(
            draw(parameters(metric=st.just(Metric(k)), weight=st.sampled_from(shares), active=False, period=period))
            for k in extra
        )
    items = draw(st.permutations(items))
    return Scorecard(
        draw(_ids(max_size=16)),
        draw(owners()),
        cadence,
        period,
        items,
        timezone=draw(timezones()),
        rollover=draw(st.booleans()),
        name=draw(_labels(max_size=30)),
    )


def _evidence(card: Scorecard, key: str) -> st.SearchStrategy[tuple[Evidence, ...]]:
    start, end = card.window(key).instants(card.timezone)
    seconds = int((end - start).total_seconds())
    moments = st.integers(0, seconds - 1).map(lambda s: start.add(seconds=s))
    one = st.builds(
        Evidence,
        st.uuids().map(str),
        moments,
        _amounts(min_value=Decimal(-5), max_value=Decimal(500)),
        _labels(max_size=20),
    )
    return st.lists(one, max_size=4).map(tuple)


@st.composite
def measurements_for(draw: st.DrawFn, card: Scorecard) -> dict[str, Measurement]:
    """A measurement for every active parameter of `card` (negative values included)."""
    result = {}
    for parameter in card.active_parameters:
        evidence = draw(_evidence(card, parameter.key))
        summed: bool = draw(st.booleans())
        if evidence and summed:
            value = sum((e.value for e in evidence), Decimal(0))
        else:
            value = draw(_amounts(min_value=Decimal(-10), max_value=parameter.target * 3 + 10))
        result[parameter.key] = Measurement(value, evidence)
    return result


def instants_for(card: Scorecard) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware instants from a little before `card`'s period to a little after it."""
    start, end = card.period.instants(card.timezone)
    span = int((end - start).total_seconds())
    return st.integers(-3 * 86_400, span + 3 * 86_400).map(lambda s: start.add(seconds=s).in_timezone("UTC"))


@st.composite
def records_for(draw: st.DrawFn, card: Scorecard, *, max_records: int = 30) -> list[Record]:
    """CRM records for `card`'s subjects and automatic metrics, inside its window and just outside it.

    Feed them to `RecordsMetricSource` to score the card end to end.
    """
    keys = [p.key for p in card.active_parameters if not p.metric.is_manual]
    if not keys:
        return []
    start, end = card.period.instants(card.timezone)
    span = int((end - start).total_seconds())
    record = st.builds(
        Record,
        st.uuids().map(str),
        st.sampled_from(keys),
        st.sampled_from(sorted(card.subjects)),
        st.integers(-86_400, span + 86_400).map(lambda s: start.add(seconds=s)),
        _amounts(min_value=Decimal(-5), max_value=Decimal(500)),
        _labels(max_size=20),
    )
    return draw(st.lists(record, max_size=max_records, unique_by=lambda r: r.id))


def _register() -> None:
    """Tell hypothesis how to build scorekit's types (called through the entry point)."""
    st.register_type_strategy(Weight, st.integers(1, FULL).map(Weight))
    st.register_type_strategy(Cadence, cadences())
    st.register_type_strategy(Period, periods())
    st.register_type_strategy(Metric, metrics())
    st.register_type_strategy(Parameter, parameters())
    st.register_type_strategy(Scorecard, scorecards())
    st.register_type_strategy(User, st.builds(User, _ids(max_size=10)))
    st.register_type_strategy(Team, owners().filter(lambda o: isinstance(o, Team)))
