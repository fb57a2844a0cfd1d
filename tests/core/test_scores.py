"""`scorekit.scores`: a score read back from a document is the score that was stored (issue 21)."""

from decimal import Decimal

import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    Direction,
    Metric,
    Parameter,
    Scorecard,
    StatusPolicy,
    User,
    WorkCalendar,
    codec,
    score,
)
from scorekit.scores import CardScore

APRIL = Cadence.monthly(Date(2024, 4, 1))
APRIL_10 = pendulum.datetime(2024, 4, 10, 12, tz="UTC")
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")


def read_back(result: CardScore) -> CardScore:
    return codec.loads(codec.dumps(result), CardScore)


def card(*parameters: Parameter, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)


class TestReadBack:
    def test_keeps_per_day(self):
        # Target 10, 4 deals on April 10 (10 of 30 days elapsed): 6 remaining; 0.3 a day was the
        # live per_day, and a document's score had None.
        result = score(card(Parameter("deals_won", 10, 100)), {"deals_won": 4}, as_of=APRIL_10)
        back = read_back(result)
        assert result.parameters[0].per_day is not None
        assert back.parameters[0].per_day == result.parameters[0].per_day
        assert back.to_records() == result.to_records()

    def test_explains_itself_word_for_word(self):
        # Read back it printed "achievement = achievement = 40.00%", with no window or pace line.
        calendar = WorkCalendar()
        parameters = [
            Parameter("deals_won", 10, 40, cap="1.2"),
            Parameter("complaints", 5, 30, direction=Direction.LOWER_IS_BETTER),
            Parameter(Metric("pipeline", accumulation="last"), 1000, 30, threshold="0.5"),
        ]
        result = score(
            card(*parameters, calendar=calendar),
            {"deals_won": 4, "complaints": 1, "pipeline": 700},
            as_of=APRIL_10,
        )
        back = read_back(result)
        assert back.explain() == result.explain()
        assert "achievement = 4 / 10 = 40.00%" in back.explain()
        assert [p.explain() for p in back.parameters] == [p.explain() for p in result.parameters]

    def test_percent_is_exact_when_a_capped_parameter_exceeds_its_cap_by_less_than_the_rounding(self):
        # a: 3.6 + 1e-39 against target 3, cap 1.2: the achievement rounds to 1.2 (34 digits) but is
        # above the cap, so it counts the cap, 1.2, exactly: 50% x 1.2 = 0.6.
        # b: 0.0001 - 1e-40 against target 1: 50% of it is 0.00005 - 5e-41.
        # Exact total 0.60005 - 5e-41: 60.005% less a hair, half up 60.00%.  Read back, a counted its
        # rule's 1.2 + 3.3e-40 instead (the Decimals were equal) and showed 60.01%.
        a = "3.6" + "0" * 37 + "1"
        b = "0.0000" + "9" * 36
        result = score(card(Parameter("a", 3, 50, cap="1.2"), Parameter("b", 1, 50)), {"a": a, "b": b}, as_of=MAY_1)
        back = read_back(result)
        assert result.percent() == back.percent() == Decimal("60.00")
        assert back.percent(6) == result.percent(6) == Decimal("60.005000")

    @pytest.mark.parametrize("fold", [0, 1])
    def test_as_of_in_a_repeated_hour_survives(self, fold):
        # 2024-10-27 02:30 happens twice in Warsaw: at 00:30 UTC (fold 0, +02:00) and 01:30 UTC
        # (fold 1, +01:00).  The fold-1 score was not equal to itself read back.
        october = Cadence.monthly(Date(2024, 10, 1))
        warsaw = Scorecard(
            "w", User("ann"), october, october.period(0), [Parameter("a", 3, 100)], timezone="Europe/Warsaw"
        )
        as_of = pendulum.datetime(2024, 10, 27, 2, 30, tz="Europe/Warsaw", fold=fold)
        result = score(warsaw, {"a": 1}, as_of=as_of)
        back = read_back(result)
        assert back == result
        assert back.as_of == result.as_of
        assert back.as_of.utcoffset() == result.as_of.utcoffset()
        assert back.as_of.isoformat() == result.as_of.isoformat()
        assert back.explain() == result.explain()

    def test_an_instant_in_another_zone_reads_back_at_its_own_offset(self):
        result = score(card(Parameter("a", 3, 100)), {"a": 1}, as_of=pendulum.datetime(2024, 4, 10, 9, tz="Asia/Tokyo"))
        back = read_back(result)
        assert back == result
        assert back.as_of.isoformat() == "2024-04-10T09:00:00+09:00"


class TestDisplayIsExact:
    # a: 937.5 / 3333 = 0.28127812...: 33.33% of it is 0.09375 exactly, 9.375%, half up 9.38%.
    # The 34-digit achievement rounds down, so its contribution's Decimal is a hair below 9.375%.
    PARAMETERS = (Parameter("a", 3333, "33.33"), Parameter("b", 1, "66.67"))
    MEASUREMENTS = {"a": "937.5", "b": 0}  # noqa: RUF012 - read only

    def test_the_total_line_rounds_each_exact_contribution_once(self):
        result = score(card(*self.PARAMETERS), self.MEASUREMENTS, as_of=MAY_1)
        assert result.parameters[0].contribution < Decimal("0.09375")  # what made it show 9.37%
        lines = result.explain().splitlines()
        assert "total = 9.38% + 0.00% = 9.38%" in lines
        assert "  contribution = 33.33% x 28.13% = 9.38%" in lines
        assert "projected total: 9.38%" in lines

    def test_the_pace_reason_shows_the_exact_projection(self):
        # On the last day the projection is the achievement: exactly 9.375%, at the policy's
        # on track 9.375%: on track, and it said "projected 9.37% >= on track 9.38%".
        scored = card(*self.PARAMETERS, status_policy=StatusPolicy(on_track="0.09375"))
        result = score(scored, self.MEASUREMENTS, as_of=pendulum.datetime(2024, 4, 30, 12, tz="UTC"))
        assert result.explain().splitlines()[-1] == "status: on track (projected 9.38% >= on track 9.38%)"

    def test_html_shows_the_exact_numbers(self):
        html = score(card(*self.PARAMETERS), self.MEASUREMENTS, as_of=MAY_1)._repr_html_()
        assert "9.37%" not in html
        assert html.count("9.38%") == 3  # the parameter's contribution, the total beside its bar and in its cell

    def test_percent_is_never_a_negative_zero(self):
        # a: 1/3 of 50% = 0.1666...65 (34 digits, down); b: -2/3 of 25% = -0.1666...675: the
        # Decimals sum to -2.5e-35 though the exact total is 0; percent() showed -0.00.
        parameters = (Parameter("a", 3, 50), Parameter("b", 3, 25), Parameter("c", 1, 25))
        result = score(card(*parameters), {"a": 1, "b": -2, "c": 0}, as_of=MAY_1)
        assert result.total < 0
        assert str(result.percent()) == "0.00"
        assert str(result.percent(0)) == "0"
        assert "= 0.00%" in result.explain().splitlines()[-3]
        assert "-0.00" not in result.explain()
        assert "-0.00" not in result._repr_html_()
