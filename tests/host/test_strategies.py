import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from scorekit import (
    Accumulation,
    Date,
    Direction,
    MetricKind,
    Phasing,
    Ramp,
    Scorecard,
    Status,
    StatusPolicy,
    TargetStep,
    Team,
    User,
    codec,
    requests_for,
    score,
)
from scorekit.adapters.memory import RecordsMetricSource
from scorekit.numbers import exact_sum
from scorekit.period import Step
from scorekit.strategies import FIRST_START, LAST_START, instants_for, measurements_for, records_for, scorecards


def run(code, **env):
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_scorekit_never_imports_hypothesis():
    code = """
        import sys
        import scorekit, scorekit.service, scorekit.codec, scorekit.cli, scorekit.adapters.sqlite
        print("hypothesis" in sys.modules)
    """
    assert run(code) == "False"


def test_from_type_works_through_the_entry_point():
    code = """
        from hypothesis import given, settings, strategies as st
        from scorekit import Scorecard, Parameter, Weight
        seen = []
        @settings(max_examples=20, database=None)
        @given(st.from_type(Scorecard), st.from_type(Parameter), st.from_type(Weight))
        def check(card, parameter, weight):
            seen.append(isinstance(card, Scorecard) and isinstance(parameter, Parameter) and isinstance(weight, Weight))
        check()
        print(all(seen) and len(seen) == 20)
    """
    assert run(code) == "True"


def test_no_plugins_turns_the_registration_off():
    code = """
        import sys
        import hypothesis
        print("scorekit.strategies" in sys.modules)
    """
    assert run(code, HYPOTHESIS_NO_PLUGINS="1") == "False"
    assert run(code) == "True"


@given(scorecards())
def test_scorecards_are_always_valid(card):
    # constructing again runs every validation once more
    assert card.evolve() == card
    assert sum(p.weight.basis_points for p in card.active_parameters) == 10_000


@given(scorecards(), st.data())
def test_records_for_counts_what_the_local_window_holds(card, data):
    """An independent oracle: a record counts when its local date is in the window and it is before as_of."""
    records = data.draw(records_for(card))
    as_of = data.draw(instants_for(card))
    source = RecordsMetricSource(records)
    requests = requests_for(card, as_of)
    answers = source.measure(requests)
    zone = card.timezone
    for request in requests:
        window = card.window(request.metric)
        counted = sorted(
            (
                r
                for r in records
                if r.metric == request.metric
                and r.subject in card.subjects
                and window.start <= r.occurred_at.in_timezone(zone).date() < window.end
                and r.occurred_at < as_of
            ),
            key=lambda r: (r.occurred_at, r.id),
        )
        values = [r.value * r.share for r in counted]  # a split deal counts value x share
        accumulation = card.parameter(request.metric).metric.accumulation
        assert request.accumulation is accumulation
        answer = answers[request].value
        if accumulation is Accumulation.SUM:
            assert answer == exact_sum(values)
        elif not values:
            assert answer is None
        elif accumulation is Accumulation.AVERAGE:  # share-weighted
            exact = Fraction(exact_sum(values)) / Fraction(exact_sum(r.share for r in counted))
            assert abs(Fraction(answer) - exact) <= abs(exact) / 10**33  # 34 significant digits
        elif accumulation is Accumulation.BALANCE:  # each subject's latest, added up
            assert answer == exact_sum({r.subject: r.value for r in counted}.values())
        else:
            assert answer == counted[-1].value
        assert len(answers[request].evidence) == len(values)
    manual = {p.key: Decimal(0) for p in card.active_parameters if p.metric.is_manual}
    result = score(card, {**{r.metric: answers[r] for r in requests}, **manual}, as_of=as_of)
    assert all(isinstance(p.status, Status) for p in result.parameters)
    assert isinstance(result.card, Scorecard)


class TestKnobs:
    @settings(max_examples=30)
    @given(
        scorecards(
            timezones=["Europe/Warsaw"],
            between=(Date(2026, 1, 1), Date(2026, 12, 31)),
            parameters=(3, 6),
            owners=[User("ann"), Team("north", ["ann", "bob"])],
            directions=[Direction.LOWER_IS_BETTER],
            accumulations=[Accumulation.AVERAGE, Accumulation.LAST],
        )
    )
    def test_every_knob_is_obeyed(self, card):
        assert card.timezone == "Europe/Warsaw"
        assert Date(2026, 1, 1) <= card.period.start <= Date(2026, 12, 31)
        assert 3 <= len(card.active_parameters) <= 6
        assert card.owner in {User("ann"), Team("north", ["ann", "bob"])}
        assert {p.direction for p in card.parameters} == {Direction.LOWER_IS_BETTER}
        assert all(p.metric.is_level for p in card.parameters)

    @settings(max_examples=20)
    @given(scorecards(between=(Date(2024, 2, 29), Date(2024, 2, 29)), parameters=(1, 1), inactive=False))
    def test_a_single_day_bounds_the_start_exactly(self, card):
        assert card.period.start == Date(2024, 2, 29)
        assert len(card.parameters) == 1

    @pytest.mark.parametrize(
        "knobs",
        [
            {"parameters": (0, 3)},
            {"parameters": (4, 2)},
            {"between": (Date(2026, 2, 1), Date(2026, 1, 1))},
            {"accumulations": []},
            {"metric_kinds": []},
            {"metric_keys": []},
            {"metric_keys": ["deals_won"], "parameters": (1, 2)},
            {"metric_keys": ["nps"], "accumulations": [Accumulation.SUM]},
            {"steps": []},
        ],
    )
    def test_impossible_knobs_say_so(self, knobs):
        with pytest.raises(ValueError, match="needs"):
            scorecards(**knobs).example()


class TestKnobsOfIssue23:
    """Metric kinds and keys, cadence kinds, calendars and policies, instants inside the period."""

    @settings(max_examples=40)
    @given(scorecards(metric_kinds=[MetricKind.MANUAL]))
    def test_every_metric_entered_by_hand(self, card):
        assert {p.metric.kind for p in card.parameters} == {MetricKind.MANUAL}

    @settings(max_examples=40)
    @given(scorecards(metric_kinds=[MetricKind.AUTOMATIC]))
    def test_no_metric_entered_by_hand(self, card):
        assert {p.metric.kind for p in card.parameters} == {MetricKind.AUTOMATIC}

    @settings(max_examples=40)
    @given(scorecards(metric_keys=["deals_won", "nps", "site_visits"]))
    def test_only_the_keys_given_each_once(self, card):
        keys = [p.key for p in card.parameters]
        assert set(keys) <= {"deals_won", "nps", "site_visits"}
        assert len(keys) == len(set(keys))
        for parameter in card.parameters:  # a known key keeps its kind; another is a sum
            expected = {"deals_won": Accumulation.SUM, "nps": Accumulation.LAST, "site_visits": Accumulation.SUM}
            assert parameter.metric.accumulation is expected[parameter.key]

    @settings(max_examples=40)
    @given(scorecards(steps=[Step.DAYS]))
    def test_only_the_cadence_kinds_given(self, card):
        assert card.cadence.unit is Step.DAYS

    @settings(max_examples=40)
    @given(scorecards(calendars=False, status_policies=False))
    def test_without_calendars_and_policies(self, card):
        assert card.calendar is None
        assert card.status_policy == StatusPolicy()

    def test_by_default_both_appear(self):
        seen = {"calendar": False, "policy": False}

        @settings(max_examples=200, database=None)
        @given(scorecards())
        def look(card):
            seen["calendar"] |= card.calendar is not None
            seen["policy"] |= card.status_policy != StatusPolicy()

        look()
        assert seen == {"calendar": True, "policy": True}

    @settings(max_examples=60)
    @given(scorecards(), st.data())
    def test_instants_within_the_period(self, card, data):
        start, end = card.period.instants(card.timezone)
        assert start <= data.draw(instants_for(card, within=True)) < end

    def test_step_is_public(self):
        import scorekit

        assert scorekit.Step is Step
        assert "Step" in scorekit.__all__


@given(scorecards())
def test_defaults_look_like_a_sales_teams_cards(card):
    assert FIRST_START <= card.period.start <= LAST_START  # 2023..2029, around 2026
    for text in (card.id, card.name, *sorted(card.subjects), card.owner.id, *(p.key for p in card.parameters)):
        assert text.isprintable()
    for parameter in card.parameters:
        assert 0 <= parameter.target <= 1_000_000  # everyday sizes: deals, calls, rates, revenue
        assert parameter.target == parameter.target.quantize(Decimal("0.01"))


def test_500_examples_show_every_status_and_every_new_field():
    seen = set()

    # 500: with four accumulations (BALANCE), 200 derandomized examples could miss a baseline or NO_DATA
    @settings(max_examples=500, phases=[Phase.generate], database=None, derandomize=True)
    @given(scorecards(), st.data())
    def collect(card, data):
        result = score(card, data.draw(measurements_for(card)), as_of=data.draw(instants_for(card)))
        seen.update(p.status for p in result.parameters)
        seen.add(result.status)
        seen.update(f"{p.direction.value}/{p.metric.accumulation.value}" for p in card.parameters)
        if card.calendar is not None:
            seen.add("calendar with holidays" if card.calendar.holidays else "calendar")
        if card.status_policy.at_risk:
            seen.add("at-risk policy")
        if any(p.baseline is not None for p in card.parameters):
            seen.add("baseline")

    collect()
    assert set(Status) <= seen, f"never generated: {set(Status) - seen}"
    shapes = {f"{d.value}/{a.value}" for d in Direction for a in Accumulation}
    assert shapes <= seen, f"never generated: {shapes - seen}"
    assert {"calendar", "calendar with holidays", "at-risk policy", "baseline"} <= seen


def test_from_type_builds_every_public_value_type():
    code = """
        from hypothesis import given, settings, strategies as st, HealthCheck
        import scorekit
        from scorekit.status import StatusPolicy
        types = [
            scorekit.Weight, scorekit.Cadence, scorekit.Period, scorekit.Metric, scorekit.Parameter,
            scorekit.Scorecard, scorekit.User, scorekit.Team, scorekit.Evidence, scorekit.Measurement,
            scorekit.ManualEntry, scorekit.MetricRequest, scorekit.CardScore, scorekit.ParameterScore,
            scorekit.Date, scorekit.StatusPolicy, scorekit.WorkCalendar, scorekit.Accumulation,
            scorekit.Direction, scorekit.Status, scorekit.Change, scorekit.Revision, scorekit.ClosedScore,
            scorekit.TargetStep, scorekit.Ramp, scorekit.Phasing,
        ]
        built = set()
        for cls in types:
            @settings(max_examples=5, database=None, suppress_health_check=list(HealthCheck))
            @given(st.from_type(cls))
            def check(value):
                assert isinstance(value, cls), (cls, value)
                built.add(cls)
            check()
        print(len(built) == len(types))
    """
    assert run(code) == "True"


@given(scorecards())
def test_plans_stay_plain_unless_switched_on(card):
    assert card.ramp is None
    assert card.phasing is None
    assert not any(p.steps for p in card.parameters)


def test_switched_on_plans_are_generated_valid_score_and_read_back_through_codec():
    seen = set()

    @settings(max_examples=200, phases=[Phase.generate], database=None, derandomize=True)
    @given(scorecards(target_steps=True, ramps=True, phasing=True), st.data())
    def collect(card, data):
        assert card.evolve() == card  # every validation once more: steps inside windows, a ramp begun
        assert codec.loads(codec.dumps(card), Scorecard) == card
        score(card, data.draw(measurements_for(card)), as_of=data.draw(instants_for(card)))
        if card.ramp is not None:
            assert isinstance(card.ramp, Ramp)
            assert card.ramp.start < card.period.end
            seen.add("ramp" if card.ramp_factor == 1 else "ramped")
        if card.phasing is not None:
            assert isinstance(card.phasing, Phasing)
            seen.add("phasing")
            if 0 in card.phasing.weights:
                seen.add("a month weighing 0")
        for parameter in card.parameters:
            assert all(isinstance(step, TargetStep) for step in parameter.steps)
            if parameter.steps:
                seen.add("steps" if len(parameter.steps) == 1 else "two steps")

    collect()
    assert {"ramp", "ramped", "phasing", "a month weighing 0", "steps", "two steps"} <= seen, seen


@given(scorecards(ramps=True, calendars=False, steps=[Step.MONTHS]))
def test_each_knob_switches_on_alone(card):
    assert card.phasing is None
    assert not any(p.steps for p in card.parameters)
