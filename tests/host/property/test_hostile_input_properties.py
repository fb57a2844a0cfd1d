"""Nothing but a scorekit error gets out (issue 11): hostile values at every public door.

Each property feeds arbitrary values (huge and tiny numbers, NaN and infinities as floats and
Decimals, lone surrogates, control characters, wrong types) to a public constructor or to
scoring, and checks that whatever is raised is a `ScorekitError` (or a `TypeError` for calling
an API with the wrong kind of object), and that what is accepted can be shown: `percent()`,
`_repr_html_()`, `explain()` and `to_records()` never raise.
"""

import decimal
import itertools

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Cadence,
    CardTemplate,
    Date,
    Evidence,
    ManualEntry,
    Measurement,
    Metric,
    Parameter,
    Period,
    Scorecard,
    ScorekitError,
    StatusPolicy,
    Team,
    User,
    Weight,
    WorkCalendar,
    score,
)
from scorekit import strategies as sks
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
from scorekit.errors import InvalidNumber
from scorekit.service import Actor, Role, Scorekit

ALLOWED = (ScorekitError, TypeError)

hostile_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["1e999999999", "-1e-999999999", "1e32", "1e-30", "\u0661\u0660", "NaN", "inf", " 12 ", "0x10", ""]
    ),
    st.booleans(),
)
hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zs"]), max_size=5),
    st.sampled_from(["\u200b", "\x00", "\ud800", "a" * 201, "x\ny", "\x1b[31m"]),
)
hostile = st.one_of(hostile_numbers, hostile_text, st.none(), st.lists(st.integers(), max_size=3), st.dates())


def _attempt(build, *args, **kwargs):
    try:
        return build(*args, **kwargs)
    except ALLOWED:
        return None


@given(st.data())
def test_public_constructors_raise_only_scorekit_errors(data):
    value = data.draw(hostile)
    other = data.draw(hostile)
    start = Date(2024, 1, 1)
    monthly = Cadence.monthly(start)
    builders = [
        lambda: Weight.percent(value),
        lambda: Metric(value),
        lambda: Metric("deals", unit=value, label=other),
        lambda: Parameter("deals", value, 100),
        lambda: Parameter("deals", 10, value),
        lambda: Parameter("deals", 10, 100, cap=value, threshold=other),
        lambda: Parameter("deals", 10, 100, baseline=value),
        lambda: Parameter("nps", 40, 100, direction="near_target", tolerance=value, band=other),
        lambda: User(value),
        lambda: Team(value, [other]),
        lambda: Period(value, other),
        lambda: Cadence.monthly(value),
        lambda: Cadence.every(start, days=value),
        lambda: StatusPolicy(on_track=value, at_risk=other),
        lambda: WorkCalendar(weekdays=value, holidays=other),
        lambda: Measurement(value),
        lambda: Evidence(value, pendulum.datetime(2024, 1, 2, tz="UTC"), other),
        lambda: ManualEntry("c1", "demos", value, pendulum.datetime(2024, 1, 2, tz="UTC"), other),
        lambda: Scorecard(value, User("ann"), monthly, monthly.period(0), [Parameter("deals", 10, 100)]),
        lambda: Scorecard("c1", User("ann"), monthly, monthly.period(0), [Parameter("deals", 10, 100)], name=value),
        lambda: Scorecard("c1", User("ann"), monthly, monthly.period(0), [Parameter("deals", 10, 100)], timezone=value),
        lambda: CardTemplate(monthly, [Parameter("deals", 10, 100)], timezone=value),
    ]
    _attempt(data.draw(st.sampled_from(builders)))


@given(card=sks.scorecards(), data=st.data())
def test_scoring_hostile_measurements_raises_only_scorekit_errors_and_shows_what_it_accepts(card, data):
    measurements = {p.key: data.draw(hostile_numbers) for p in card.active_parameters}
    as_of = pendulum.instance(card.period.instants(card.timezone)[0]).add(days=data.draw(st.integers(-3, 120)))
    result = _attempt(score, card, measurements, as_of=as_of)
    if result is None:
        return
    # what was accepted can always be shown, exactly, in the default and in a hostile decimal context
    with decimal.localcontext(prec=2, rounding=decimal.ROUND_DOWN):
        result.percent()
        result._repr_html_()
        result.explain()
        result.to_records()


def test_a_poisoned_manual_value_is_refused_and_every_later_dashboard_works():
    """Issue 11: `record_manual_value(..., "1e999999999")` once broke every later dashboard for good."""
    counter = itertools.count(1)
    clock = FixedClock(pendulum.datetime(2024, 3, 10, 12, tz="UTC"))
    svc = Scorekit(
        cards=MemoryScorecards(),
        metrics=RecordsMetricSource([]),
        manual=MemoryManualValues(),
        clock=clock,
        new_id=lambda: f"card-{next(counter)}",
    )
    boss, ann = Actor("boss", Role.MANAGER), Actor("ann", Role.USER)
    template = CardTemplate(
        Cadence.monthly(Date(2024, 1, 1)),
        [Parameter("deals_won", 10, 50), Parameter(Metric.custom("demos", "demos"), 4, 50)],
    )
    (card,) = svc.create_cards(boss, template, [User("ann")])
    for poison in ("1e999999999", "1e32", "-1e15", "NaN", decimal.Decimal("Infinity")):
        with pytest.raises(InvalidNumber):
            svc.record_manual_value(ann, card.id, "demos", poison)
    svc.record_manual_value(ann, card.id, "demos", 2)
    dashboard = svc.dashboard(boss)
    # the one card: demos 2 of 4 (50% x 50% = 25%), no deals won: 25.00%
    assert [s.percent() for s in dashboard.scores] == [decimal.Decimal("25.00")]
    assert dashboard._repr_html_()
