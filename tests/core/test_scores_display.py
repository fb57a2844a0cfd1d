"""What people see of a score (`scorekit.scores`): the one-line reprs, the HTML table, `exact_values` without context.

Worked examples, each number worked out in the comments, found missing by the mutation
audit of the 0.3 core (the doctests in src/ are not in its test selection).
"""

import re
from decimal import Decimal
from fractions import Fraction

import pendulum

from _by_hand import evolve
from scorekit import Cadence, Date, Direction, Measurement, Metric, Parameter, Scorecard, User, score
from scorekit.scores import CardScore, ExactValues, exact_values

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # 02:00 CEST in Warsaw
APRIL_10 = pendulum.datetime(2024, 4, 10, 12, tz="UTC")


def _warsaw() -> Scorecard:
    # deals_won: 15 of 10 = 150%, capped at 120%: 60% x 1.2 = 72.00%.
    # calls: counts from April 11, prorated: 20 of 30 days, target 200 x 20 / 30 = 133.3333...;
    # 100 calls: 100 / (400/3) = 75.00%, 40% x 0.75 = 30.00%.  Total 1.02: 102.00%, achieved
    # (the period is over as of May 1 02:00 in Warsaw); calls missed its target.
    parameters = [
        Parameter("deals_won", 10, 60, cap="1.2"),
        Parameter("calls", 200, 40, counts_from=Date(2024, 4, 11), prorate=True),
    ]
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), parameters, timezone="Europe/Warsaw")


def _result() -> CardScore:
    return score(_warsaw(), {"deals_won": 15, "calls": 100}, as_of=MAY_1)


class TestRepr:
    def test_a_card_in_its_own_zone(self):
        assert repr(_result()) == (
            "<CardScore c1 of ann, 2024-04-01 to 2024-04-30, as of 2024-05-01 02:00 CEST: 102.00% achieved, 2 parameters>"
        )

    def test_one_parameter(self):
        card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("a", 3, 100)])
        assert repr(score(card, {"a": 1}, as_of=MAY_1)).endswith(": 33.33% missed, 1 parameter>")

    def test_parameters(self):
        deals, calls = _result().parameters
        assert repr(deals) == "<ParameterScore deals_won: 15 / 10 = 150.00% achieved>"
        assert repr(calls) == "<ParameterScore calls: 100 / 133.3333 = 75.00% missed>"

    def test_a_level_without_a_record(self):
        card = Scorecard(
            "c1", User("ann"), APRIL, APRIL.period(0), [Parameter(Metric("nps", accumulation="last"), 50, 100)]
        )
        (nps,) = score(card, {"nps": Measurement(None)}, as_of=APRIL_10).parameters
        assert repr(nps) == "<ParameterScore nps: no record / 50 = 0.00% no data>"


class TestNotStarted:
    def test_a_lower_is_better_parameter_not_started_scores_0(self):
        # complaints counts from April 21; on April 10 it has not started: it scores 0 (its
        # achievement field), and its repr, explanation and exact values said 200%, the rule's
        # value for 0 complaints, with "effective: 0.00%" under it.
        later = Parameter("complaints", 5, 100, direction=Direction.LOWER_IS_BETTER, counts_from=Date(2024, 4, 21))
        card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [later])
        item = score(card, {}, as_of=APRIL_10).parameters[0]
        assert item.achievement == 0
        assert repr(item) == "<ParameterScore complaints: 0 / 5 = 0.00% not started>"
        lines = item.explain().splitlines()
        assert "  achievement = 0.00%" in lines
        assert not any(line.startswith("  effective:") for line in lines)
        assert exact_values(item) == ExactValues(
            Fraction(5), Fraction(0), Fraction(0), Fraction(0), Fraction(0), None, None, None, None
        )


class TestHtml:
    def test_the_table(self):
        html = _result()._repr_html_()
        assert html.startswith(
            '<table class="scorekit-card"><caption>c1 \u00b7 ann \u00b7 2024-04-01 to 2024-04-30 \u00b7 as of 2024-05-01 02:00 CEST'
            "</caption><thead><tr><th>Parameter</th><th>Actual / target</th><th>Weight</th>"
            '<th colspan="2">Achievement</th><th>Contribution</th><th>Status</th></tr></thead><tbody><tr><td>deals_won</td>'
        )
        assert html.endswith("</td></tr></tfoot></table>")
        assert "</td></tr><tr><td>calls</td>" in html  # one row after the other
        assert "<td>15 / 10 </td><td>60%</td>" in html
        assert "<td>100 / 133.3333 </td><td>40%</td>" in html  # the prorated target rounded to 4 places
        assert '150.00% <small title="capped">\u2192 counts 120.00% (capped)</small></td><td>72.00%</td>' in html
        assert "75.00%</td><td>30.00%</td>" in html  # not shaped: no note
        assert "<tfoot><tr><th>Total</th><td></td><td>100%</td>" in html
        assert "<td>102.00%</td>" in html

    def test_a_prorated_target_is_rounded_once(self):
        # 1.0001245 prorated to 20 of 30 days: 2.000249 / 3 = 0.66674966...: 0.6667 at four places
        # (rounded first to five, 0.66675, it would show 0.6668).
        parameter = Parameter("calls", "1.0001245", 100, counts_from=Date(2024, 4, 11), prorate=True)
        card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [parameter])
        html = score(card, {"calls": 1}, as_of=MAY_1)._repr_html_()
        assert "<td>1 / 0.6667 </td>" in html

    def test_each_bar_in_its_status_colour(self):
        # deals_won and the total achieved (green #2e7d32), calls missed (red #c62828).
        html = _result()._repr_html_()
        bars = re.findall(r'<div style="background:(#[0-9a-f]{6});width:[0-9.]+%', html)
        assert bars == ["#2e7d32", "#c62828", "#2e7d32"]


class TestExactValuesWithoutContext:
    def test_a_score_made_by_hand_gives_its_own_decimals(self):
        # calls rebuilt by hand (no scoring context): its own Decimals, exactly; 10 of 30 days on April 10.
        card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("calls", 200, 100)])
        live = score(card, {"calls": 50}, as_of=APRIL_10).parameters[0]
        by_hand = evolve(live)
        exact = exact_values(by_hand)
        assert exact.expected == Fraction(live.expected)
        assert exact.projected == Fraction(live.projected)  # 50 x 30 / 10 / 200 = 0.75
        assert exact.projected == Fraction(3, 4)
        assert exact.remaining == 150
        assert exact.per_day is None  # no window to spread it over
        assert exact.pace_actual is None

    def test_a_lower_is_better_score_has_nothing_remaining(self):
        card = Scorecard(
            "c1",
            User("ann"),
            APRIL,
            APRIL.period(0),
            [Parameter("complaints", 5, 100, direction=Direction.LOWER_IS_BETTER)],
        )
        item = score(card, {"complaints": 2}, as_of=APRIL_10).parameters[0]
        assert item.remaining is None
        assert exact_values(item).remaining is None

    def test_a_level_has_no_expected_share(self):
        card = Scorecard(
            "c1", User("ann"), APRIL, APRIL.period(0), [Parameter(Metric("nps", accumulation="last"), 50, 100)]
        )
        item = score(card, {"nps": 40}, as_of=APRIL_10).parameters[0]
        assert item.expected is None
        assert exact_values(item).expected is None
        assert exact_values(item).projected == Fraction(4, 5)

    def test_a_finished_window_has_no_pace(self):
        # 4 of 10 with the window over: the projection is the achievement, no actual at a pace.
        card = Scorecard("c1", User("ann"), APRIL, APRIL.period(0), [Parameter("deals_won", 10, 100)])
        exact = exact_values(score(card, {"deals_won": 4}, as_of=MAY_1).parameters[0])
        assert exact.pace_actual is None
        assert exact.projected == Fraction(2, 5)
        assert Decimal(exact.remaining.numerator) / exact.remaining.denominator == 6  # type: ignore[union-attr]
