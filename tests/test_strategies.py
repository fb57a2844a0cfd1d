import os
import subprocess
import sys
import textwrap
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scorekit import Scorecard, Status, requests_for, score
from scorekit.adapters.memory import RecordsMetricSource
from scorekit.numbers import exact_sum
from scorekit.strategies import instants_for, records_for, scorecards


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
        expected = [
            r.value
            for r in records
            if r.metric == request.metric
            and r.subject in card.subjects
            and window.start <= r.occurred_at.in_timezone(zone).date() < window.end
            and r.occurred_at < as_of
        ]
        assert answers[request].value == exact_sum(expected)
        assert len(answers[request].evidence) == len(expected)
    manual = {p.key: Decimal(0) for p in card.active_parameters if p.metric.is_manual}
    result = score(card, {**{r.metric: answers[r] for r in requests}, **manual}, as_of=as_of)
    assert all(isinstance(p.status, Status) for p in result.parameters)
    assert isinstance(result.card, Scorecard)
