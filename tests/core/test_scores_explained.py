"""`scorekit.scores`: explanations word for word, percentages, the score objects, threshold and cap shaping."""

import decimal
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from _by_hand import evolve
from scorekit import (
    Cadence,
    CardScore,
    Date,
    Evidence,
    Measurement,
    Metric,
    Parameter,
    Scorecard,
    ScoreRows,
    StatusPolicy,
    User,
    WorkCalendar,
    codec,
    score,
    score_many,
)
from scorekit.status import Status

# ------------------------------------------------------------------------------------------------
# Scoring: explanations word for word (April 2024: 30 days, from a Monday; 22 weekdays, 21 working
# days without Easter Monday, April 1).

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # the April window is over
EASTER = WorkCalendar(holidays={Date(2024, 4, 1)})


def april(day: int) -> pendulum.DateTime:
    return pendulum.datetime(2024, 4, day, 12, tz="UTC")


def april_card(*parameters: Parameter, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)  # type: ignore[arg-type]


CAREFUL_B_TARGET = "479877.230035708349"
CAREFUL_ACTUALS = {"a": Decimal("30000.008594111702"), "b": Decimal("-4797813920.603184797711")}


class TestExplainWordForWord:
    def test_mid_period_with_a_policy_threshold_cap_evidence_and_a_level_without_data(self):
        card = april_card(
            Parameter(Metric("deals_won", "deals", label="Deals won"), 30, 40, threshold="0.2", cap="1.5"),
            Parameter("calls", 100, 30, cap="1.2"),
            Parameter("returns", 5, 20, direction="lower_is_better"),
            Parameter(Metric("conversion", "%", accumulation="average"), "0.3", 10),
            name="Q2 push",
            status_policy=StatusPolicy(on_track="0.9", at_risk="0.5"),
        )
        evidence = [Evidence(f"deal-{day}", april(day)) for day in (2, 3)]
        measurements = {
            "deals_won": Measurement(8, evidence=evidence),
            "calls": 150,
            "returns": 2,
            "conversion": Measurement(None),
        }
        result = score(card, measurements, as_of=april(10))
        # Day 10 of 30: expected 10 / 30 = 33.33%.
        # deals_won: 8 / 30 = 26.67% (threshold 20% met, cap 150% not reached); 40% x 26.67% = 10.67%;
        #   pace 8 x 30 / 10 = 24 -> 80%; 22 left over the 21 days Apr 10..30 = 1.0476 a day;
        #   80% is in [50%, 90%): behind.
        # calls: 150% capped at 120%, 30% x 120% = 36%; achieved early (a higher-is-better sum).
        # returns: 2 - 2 / 5 = 160%, capped at 100% (lower is better, no cap given), 20% x 100% = 20%;
        #   pace 2 x 30 / 10 = 6 -> 2 - 6 / 5 = 80%: behind.
        # conversion: no record, no data.  Total 10.67 + 36 + 20 + 0 = 66.67% (exactly 66.666...);
        # projected 40% x 80% + 30% x 120% (450% capped) + 20% x 80% = 32 + 36 + 16 = 84%: behind.
        assert result.explain().splitlines() == [
            "card c1 'Q2 push' of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-10 12:00 UTC (UTC)",
            "status policy: on track at 90% of the target at the current pace or more, at risk below 50%",
            "deals_won (Deals won): weight 40%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 30 deals",
            "  actual: 8 deals (2 records)",
            "  achievement = 8 / 30 = 26.67%",
            "  threshold 20.00%: met",
            "  cap 150.00%: not reached",
            "  contribution = 40% x 26.67% = 10.67%",
            "  pace: expected 33.33% by now; projected 8 x 30 / 10 = 24 -> 80.00%",
            "  remaining: 22 deals, 1.0476 a day over the 21 days left",
            "  status: behind (projected 80.00% < on track 90.00%, >= at risk 50.00%)",
            "calls: weight 30%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 100",
            "  actual: 150",
            "  achievement = 150 / 100 = 150.00%",
            "  cap 120.00%: reached, limits it",
            "  effective: 120.00%",
            "  contribution = 30% x 120.00% = 36.00%",
            "  pace: expected 33.33% by now; projected 150 x 30 / 10 = 450 -> 450.00%",
            "  remaining: 0, 0 a day over the 21 days left",
            "  status: achieved (achievement 150.00% >= 100%: the target is reached as of now)",
            "returns: weight 20%, lower is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 5",
            "  actual: 2",
            "  achievement = max(0, 2 - 2 / 5) = 160.00%",
            "  cap 100.00% (lower is better: at most 100%): reached, limits it",
            "  effective: 100.00%",
            "  contribution = 20% x 100.00% = 20.00%",
            "  pace: expected 33.33% by now; projected 2 x 30 / 10 = 6 -> 80.00%",
            "  status: behind (projected 80.00% < on track 90.00%, >= at risk 50.00%)",
            "conversion: weight 10%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed",
            "  target: 0.3 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 10% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: no data (no record in the window yet)",
            "total = 10.67% + 36.00% + 20.00% + 0.00% = 66.67%",
            "projected total: 84.00%",
            "status: behind (projected 84.00% < on track 90.00%, >= at risk 50.00%)",
        ]

    def test_over_with_a_calendar_proration_near_target_baseline_and_levels(self):
        card = april_card(
            Parameter("demos", 10, 25, counts_from=Date(2024, 4, 22), prorate=True, threshold="0.5"),
            Parameter("discount", 10, 25, direction="near_target", tolerance=4, band=1),
            Parameter("nps", 50, 25, baseline=30),
            Parameter(Metric("balance", "EUR", accumulation="last"), 1000, 15),
            Parameter(Metric("rate", "%", accumulation="average"), "0.3", 10),
            calendar=EASTER,
        )
        measurements = {"demos": 1, "discount": "12.5", "nps": 45, "balance": 1000, "rate": Measurement(None)}
        result = score(card, measurements, as_of=MAY_1)
        # demos: Apr 22-26, 29, 30 = 7 of 21 working days: target 10 x 7 / 21 = 3.3333; 1 / 3.333.. = 30%,
        #   under its 50% threshold: 0; 3.3333 - 1 = 2.3333 remaining.
        # discount: 1 - (|12.5 - 10| - 1) / 4 = 1 - 1.5 / 4 = 62.5%, x 25% = 15.625% (15.63% shown).
        # nps: (45 - 30) / (50 - 30) = 75%, x 25% = 18.75%.  balance: 100% x 15% = 15%.  rate: no record.
        # Total 0 + 15.625 + 18.75 + 15 + 0 = 49.375%, shown half up as 49.38%: missed.
        expected = [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)",
            "calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "demos: weight 25%, higher is better, sum of records",
            "  window: 2024-04-22 to 2024-04-30, 7 working days, 7 elapsed (the window is over)",
            "  target: 10 prorated to the window: 3.3333",
            "  actual: 1",
            "  achievement = 1 / 3.3333 = 30.00%",
            "  threshold 50.00%: not met, scores 0",
            "  effective: 0.00%",
            "  contribution = 25% x 0.00% = 0.00%",
            "  pace: the whole window has elapsed; projected 30.00%",
            "  remaining: 2.3333",
            "  status: missed (achievement 30.00% < 100% and the window is over)",
            "discount: weight 25%, nearer the target is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 10",
            "  actual: 12.5",
            "  achievement = max(0, 1 - max(0, |12.5 - 10| - 1) / 4) = 62.50%",
            "  contribution = 25% x 62.50% = 15.63%",
            "  pace: the whole window has elapsed; projected 62.50%",
            "  status: missed (achievement 62.50% < 100% and the window is over)",
            "nps: weight 25%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 50",
            "  actual: 45",
            "  achievement = max(0, (45 - 30) / (50 - 30)) = 75.00%",
            "  contribution = 25% x 75.00% = 18.75%",
            "  pace: the whole window has elapsed; projected 75.00%",
            "  remaining: 5",
            "  status: missed (achievement 75.00% < 100% and the window is over)",
            "balance: weight 15%, higher is better, last of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 1000 EUR",
            "  actual: 1000 EUR",
            "  achievement = 1000 / 1000 = 100.00%",
            "  contribution = 15% x 100.00% = 15.00%",
            "  pace: a level is not extrapolated: projected 100.00%",
            "  remaining: 0 EUR",
            "  status: achieved (achievement 100.00% >= 100% and the window is over)",
            "rate: weight 10%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 21 elapsed (the window is over)",
            "  target: 0.3 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 10% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: missed (no record in the window, which is over)",
            "total = 0.00% + 15.63% + 18.75% + 15.00% + 0.00% = 49.38%",
            "projected total: 49.38%",
            "status: missed (total 49.38% < 100% and the period is over)",
        ]
        assert result.explain().splitlines() == expected
        # On its own, a parameter names the calendar under its window.
        assert result.parameters[0].explain().splitlines() == [
            *expected[3:5],
            "  calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            *expected[5:14],
        ]

    def test_no_working_day_yet_and_a_window_not_started(self):
        card = april_card(
            Parameter("deals_won", 20, 60),
            Parameter("visits", 8, 40, counts_from=Date(2024, 4, 15)),
            calendar=EASTER,
        )
        # Easter Monday is not a working day: none has elapsed.  18 left over 21 working days = 0.857142..
        # With no working day elapsed the projection is the achievement, 10%, judged as any other:
        # behind (0.2 said on track whatever happened).  visits (Apr 15-19, 22-26, 29-30: 12 working
        # days) has not started: on plan in the card's projection, 60% x 10% + 40% x 100% = 46%.
        result = score(card, {"deals_won": 2}, as_of=april(1))
        assert result.explain().splitlines() == [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-01 12:00 UTC (UTC)",
            "calendar: working days Mon, Tue, Wed, Thu, Fri; 1 holiday",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "deals_won: weight 60%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 21 working days, 0 elapsed",
            "  target: 20",
            "  actual: 2",
            "  achievement = 2 / 20 = 10.00%",
            "  contribution = 60% x 10.00% = 6.00%",
            "  pace: no working day has elapsed yet; projected = achievement",
            "  remaining: 18, 0.8571 a day over the 21 working days left",
            "  status: behind (projected 10.00% < on track 100.00%)",
            "visits: weight 40%, higher is better, sum of records",
            "  window: 2024-04-15 to 2024-04-30, 12 working days, not started",
            "  target: 8",
            "  actual: not counted yet",
            "  achievement = 0.00%",
            "  contribution = 40% x 0.00% = 0.00%",
            "  pace: not started; counts as on plan in the card's projection: projected 100.00%",
            "  remaining: 8",
            "  status: not started (the window has not started)",
            "total = 6.00% + 0.00% = 6.00%",
            "projected total: 46.00% (not started, counted as on plan: visits)",
            "status: behind (projected 46.00% < on track 100.00%)",
        ]

    @pytest.mark.parametrize(
        ("parameters", "measurements", "day", "policy", "last_lines"),
        [
            (
                [Parameter("visits", 8, 100, counts_from=Date(2024, 4, 15))],
                {},
                1,
                StatusPolicy(),
                [
                    "  status: not started (the window has not started)",
                    "total = 0.00% = 0.00%",
                    "projected total: -",
                    "status: not started (no parameter has started)",
                ],
            ),
            (
                [Parameter(Metric("rate", accumulation="average"), 1, 100)],
                {"rate": Measurement(None)},
                5,
                StatusPolicy(),
                [
                    "  status: no data (no record in the window yet)",
                    "total = 0.00% = 0.00%",
                    "projected total: 0.00%",
                    "status: no data (no started parameter has a record yet)",
                ],
            ),
            (
                # a: 12 / 10 = 120% x 90% = 108% already: achieved on day 5 (projected 120% x 30 / 5 = 720%).
                [Parameter("a", 10, 90), Parameter("b", 10, 10)],
                {"a": 12, "b": 0},
                5,
                StatusPolicy(),
                [
                    "  status: behind (projected 0.00% < on track 100.00%)",
                    "total = 108.00% + 0.00% = 108.00%",
                    "projected total: 648.00%",
                    "status: achieved (the higher-is-better sums alone reach 100% as of now)",
                ],
            ),
            (
                # Day 15 of 30, half the target each: projected exactly 100%.
                [Parameter("a", 10, 50), Parameter("b", 10, 50)],
                {"a": 5, "b": 5},
                15,
                StatusPolicy(),
                [
                    "  status: on track (projected 100.00% >= on track 100.00%)",
                    "total = 25.00% + 25.00% = 50.00%",
                    "projected total: 100.00%",
                    "status: on track (projected 100.00% >= on track 100.00%)",
                ],
            ),
            (
                # 1 of 10 by day 15: projected 2 / 10 = 20% < 50%.
                [Parameter("a", 10, 50), Parameter("b", 10, 50)],
                {"a": 1, "b": 1},
                15,
                StatusPolicy(at_risk="0.5"),
                [
                    "  status: at risk (projected 20.00% < at risk 50.00%)",
                    "total = 5.00% + 5.00% = 10.00%",
                    "projected total: 20.00%",
                    "status: at risk (projected 20.00% < at risk 50.00%)",
                ],
            ),
        ],
    )
    def test_each_card_reason(self, parameters, measurements, day, policy, last_lines):
        result = score(april_card(*parameters, status_policy=policy), measurements, as_of=april(day))
        lines = result.explain().splitlines()
        assert lines[-4:] == last_lines


class TestExplainNumbers:
    def test_places_weights_and_the_callers_context(self):
        card = april_card(Parameter("a", "2.5", "33.33"), Parameter("b", 3, "33.33"), Parameter("c", 1000, "33.34"))
        measurements = {"a": "1.2000", "b": "1.23456", "c": "1000.00001"}
        # a: 1.2 / 2.5 = 48%, x 33.33% = 15.9984%; b: 1.23456 / 3 = 41.152%, x 33.33% = 13.7159616%;
        # c: 1000.00001 / 1000 = 100.000001%, x 33.34% = 33.3400003334%.  Total 63.0543...%.
        # An actual keeps up to four decimals as given ("1.2000"); more are rounded half up to four
        # (1.23456 -> 1.2346, 1000.00001 -> 1000).
        expected = [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-05-01 00:00 UTC (UTC)",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "a: weight 33.33%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 2.5",
            "  actual: 1.2000",
            "  achievement = 1.2000 / 2.5 = 48.00%",
            "  contribution = 33.33% x 48.00% = 16.00%",
            "  pace: the whole window has elapsed; projected 48.00%",
            "  remaining: 1.3000",
            "  status: missed (achievement 48.00% < 100% and the window is over)",
            "b: weight 33.33%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 3",
            "  actual: 1.2346",
            "  achievement = 1.2346 / 3 = 41.15%",
            "  contribution = 33.33% x 41.15% = 13.72%",
            "  pace: the whole window has elapsed; projected 41.15%",
            "  remaining: 1.7654",
            "  status: missed (achievement 41.15% < 100% and the window is over)",
            "c: weight 33.34%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 30 elapsed (the window is over)",
            "  target: 1000",
            "  actual: 1000",
            "  achievement = 1000 / 1000 = 100.00%",
            "  contribution = 33.34% x 100.00% = 33.34%",
            "  pace: the whole window has elapsed; projected 100.00%",
            "  remaining: 0",
            "  status: achieved (achievement 100.00% >= 100% and the window is over)",
            "total = 16.00% + 13.72% + 33.34% = 63.05%",
            "projected total: 63.05%",
            "status: missed (total 63.05% < 100% and the period is over)",
        ]
        result = score(card, measurements, as_of=MAY_1)
        assert result.explain().splitlines() == expected
        for context in (decimal.Context(prec=2), decimal.Context(rounding=decimal.ROUND_DOWN)):
            with decimal.localcontext(context):
                assert result.explain().splitlines() == expected


class TestPercent:
    # Two parameters of 50%, targets 3: the exact total is (a + b) / 6.  With a + b = 0.7407 it is
    # 0.12345, half-way between 12.34% and 12.35%; a = 0.2 and b = 0.5407 make the 34-digit
    # total 0.1234499...985, just below: only the exact total rounds half up to 12.35.
    def card(self) -> Scorecard:
        return april_card(Parameter("a", 3, 50), Parameter(Metric("b", accumulation="average"), 3, 50))

    def test_a_total_half_way_rounds_up_on_its_exact_value(self):
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        assert result.total < Decimal("0.12345")
        assert (result.percent(), result.percent(4), result.percent(0)) == (
            Decimal("12.35"),
            Decimal("12.3450"),
            Decimal(12),
        )
        with decimal.localcontext(prec=2, rounding=decimal.ROUND_DOWN):
            assert result.percent() == Decimal("12.35")

    def test_the_error_estimate_is_the_band_around_1_whatever_the_policy(self):
        # The margin m of the card's band around 1 bounds any total's error.  An on-track bound of
        # exactly 1 - m makes the on-track band's high end 1 - m + m' with m' = m - 2 k1 m, i.e.
        # within ~1e-64 of 1: an estimate taken from that band (not the band around 1) would be
        # ~0, and the 34-digit total 12.34499...% would be shown rounded down to 12.34.
        margin = self.card().decision_bands[0][1] - 1
        assert Decimal("1e-33") < margin < Decimal("1e-28")
        on_track = decimal.Context(prec=100).subtract(Decimal(1), margin)  # exactly 1 - m
        card = self.card().evolve(status_policy=StatusPolicy(on_track=on_track, at_risk=0))
        high = card.decision_bands[1][1]
        assert abs(high - 1) < Decimal("1e-60")  # the on-track band ends at 1, give or take 1e-60
        result = score(card, {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        assert result.total < Decimal("0.12345")
        assert result.percent() == Decimal("12.35")

    def test_mid_period_it_is_the_total_not_the_projection(self):
        # Day 15 of 30: a's pace doubles it (projected total (0.4 + 0.5407) / 6 = 15.68%); the total stays 12.345%.
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=april(15))
        assert (result.percent(), result.projected.quantize(Decimal("0.0001"))) == (Decimal("12.35"), Decimal("0.1568"))

    def test_negative_totals_round_half_away_from_zero(self):
        # Negative achievements void the card's bands: the parameters' own error bounds decide.
        result = score(self.card(), {"a": "-0.2", "b": "-0.5407"}, as_of=MAY_1)
        assert result.total > Decimal("-0.12345")
        assert result.percent() == Decimal("-12.35")

    @pytest.mark.parametrize(
        ("a", "b", "percent", "four"),
        [("0.2", "0.5407", "12.35", "12.3450"), ("-0.2", "-0.5407", "-12.35", "-12.3450")],
    )
    def test_a_score_read_back_from_a_document_shows_the_same_percent(self, a, b, percent, four):
        # A score read back has no scoring context; it showed 0.00 here (its exact total was taken
        # as the sum over no parameters).
        result = score(self.card(), {"a": a, "b": b}, as_of=MAY_1)
        back = codec.loads(codec.dumps(result), CardScore)
        assert back == result
        assert back.percent() == result.percent() == Decimal(percent)
        assert back.percent(4) == Decimal(four)

    def test_a_read_back_parameter_not_on_the_card_counts_its_own_contribution_and_the_rest_still_count(self):
        # A document whose first parameter ("zz") is not its card's: that one counts its own
        # contribution, 0.5 x 0.06666...667 = 0.0333...335 (1/30 + 1.7e-36), and b still counts
        # exactly, 0.5407 / 6: the exact total 0.12345 + 1.7e-36 shows 12.35% (and not 3.33%).
        result = score(self.card(), {"a": "0.2", "b": "0.5407"}, as_of=MAY_1)
        back = codec.loads(codec.dumps(result), CardScore)
        first, second = back.parameters
        foreign = evolve(back, parameters=(evolve(first, parameter=Parameter("zz", 3, 50)), second))
        assert foreign.parameters[0].contribution == Decimal("0.033333333333333333333333333333333335")
        assert foreign.percent() == Decimal("12.35")

    def test_half_way_at_four_places(self):
        # (0.2 + 0.540997) / 6 = 0.1234995 exactly: 12.34995%, half up 12.3500 at four places; the
        # 34-digit total (0.1234994999...985) would show 12.3499.
        result = score(self.card(), {"a": "0.2", "b": "0.540997"}, as_of=MAY_1)
        assert result.total < Decimal("0.1234995")
        assert (result.percent(4), result.percent()) == (Decimal("12.3500"), Decimal("12.35"))

    def test_half_way_at_four_places_next_to_two_places(self):
        # (0.2 + 0.540403) / 6 = 0.1234005 exactly: 12.34005%, half up 12.3401 at four places; the
        # 34-digit total (0.1234004999...985) would show 12.3400.  Both ends of its error bound
        # round to 12.3400 at four places but to 12.34 at two: the same number, compared at 4 only.
        result = score(self.card(), {"a": "0.2", "b": "0.540403"}, as_of=MAY_1)
        assert result.total < Decimal("0.1234005")
        assert (result.percent(4), result.percent()) == (Decimal("12.3401"), Decimal("12.34"))

    def test_a_careful_card_of_levels_counts_their_errors(self):
        # The careful card (see TestOffTheLine) with both parameters levels, which are never
        # achieved early: its Decimal total is 1 + 1e-30 (100.0000000000000000000000000001%), the
        # exact one 1 - 6.9e-31 (99.99999999999999999999999999993%).  At 28 places the exact one
        # rounds to 99.99...9 (28 nines); only the levels' own error bounds show the Decimal's
        # rounding (100.00...01) is not to be trusted.
        card = april_card(
            Parameter(Metric("a", accumulation="last"), 3, 50),
            Parameter(Metric("b", accumulation="last"), CAREFUL_B_TARGET, 50),
        )
        result = score(card, CAREFUL_ACTUALS, as_of=MAY_1)
        assert result.total == Decimal("1.000000000000000000000000000001")
        assert result.percent(28) == Decimal("99.9999999999999999999999999999")
        assert result.percent(27) == Decimal(100)

    def test_a_careful_total_counts_the_error_of_a_parameter_whose_projection_is_capped(self):
        # a: prorated to Apr 11-30 (20 of 30 days), target (10**14 + 3) * 2 / 3 and baseline
        # 10**14 * 2 / 3, each rounded up at 34 digits by 3.3e-21 (span 2 either way).  Its actual
        # 66666666666667.866666666667 scores (3a - 2 * 10**14) / 6 = 3.600000000001 / 6 =
        # 0.6000000000001666... exactly, 0.600000000000166666665 in Decimals (the rounded baseline is
        # 3.3e-21 too high).  r: -0.1 / 1 = -0.1, so the card is careful.  Total 0.5 * 0.6000000000001666...
        # - 0.05 = 3000000000001 / 12000000000000 = 0.2500000000000833... exactly, 0.2500000000000833333325
        # in Decimals: at 20 places 25.00000000000833333333%, not the Decimal's ...25.  On Apr 15 a's
        # pace (x 4) projects far above its cap of 1 while its achievement is kept: its own error
        # bound, not the projection's, covers the total.
        a = Parameter("a", 10**14 + 3, 50, baseline=10**14, counts_from=Date(2024, 4, 11), prorate=True, cap=1)
        card = april_card(a, Parameter("r", 1, 50))
        result = score(card, {"a": Decimal("66666666666667.866666666667"), "r": Decimal("-0.1")}, as_of=april(15))
        item = result.parameters[0]
        assert (item.achievement, item.effective) == (Decimal("0.600000000000166666665"),) * 2
        assert item.projected > 1
        assert result.total == Decimal("0.2500000000000833333325")
        assert result.percent(20) == Decimal("25.00000000000833333333")

    def test_half_way_with_large_cancelling_achievements(self):
        # 40% x 300000000000009 / 3 + 60% x (-200000000000005.38275 / 3) = 40000000000001.2
        # - 40000000000001.07655 = 0.12345 exactly; the 34-digit b is about 3e-21 off, so the total
        # reads 0.123449999999999999998: the card's band would not see that error, its parameters' do.
        card = april_card(Parameter("a", 3, 40), Parameter("b", 3, 60))
        result = score(card, {"a": 300000000000009, "b": Decimal("-200000000000005.38275")}, as_of=MAY_1)
        assert result.total == Decimal("0.123449999999999999998")
        assert result.percent() == Decimal("12.35")

    def test_a_capped_parameter_counts_its_cap_in_the_exact_total(self):
        # c: 2 / 1 capped at 100%, x 20% = 0.2.  a, b: 40% x (0.2 + 2.225875) / 3 = 0.32345.
        # Exactly 52.345% (the Decimal 0.5234499...988): 52.35, not c's uncapped 72.35.
        card = april_card(
            Parameter("a", 3, 40), Parameter(Metric("b", accumulation="average"), 3, 40), Parameter("c", 1, 20, cap=1)
        )
        result = score(card, {"a": "0.2", "b": "2.225875", "c": 2}, as_of=MAY_1)
        assert result.total < Decimal("0.52345")
        assert result.percent() == Decimal("52.35")

    def test_a_total_under_one_percent(self):
        # (0.0001 + 0.0002) / 6 = 0.00005: 0.005%, half up to 0.01%.
        result = score(self.card(), {"a": "0.0001", "b": "0.0002"}, as_of=MAY_1)
        assert result.percent() == Decimal("0.01")


class TestScoreObjects:
    def test_records_name_every_column(self):
        card = april_card(Parameter(Metric("calls", "calls", label="Calls made"), 10, 100))
        result = score(card, {"calls": Measurement(5, evidence=[Evidence("call-1", april(2))])}, as_of=MAY_1)
        assert result.to_records() == [
            {
                "card": "c1",
                "owner": "ann",
                "period_start": Date(2024, 4, 1),
                "metric": "calls",
                "label": "Calls made",
                "unit": "calls",
                "direction": "higher_is_better",
                "actual": Decimal(5),
                "target": Decimal(10),
                "weight": Decimal(1),
                "achievement": Decimal("0.5"),
                "effective": Decimal("0.5"),
                "contribution": Decimal("0.5"),
                "expected": Decimal(1),
                "projected": Decimal("0.5"),
                "status": "missed",
                "evidence": 1,
                "remaining": Decimal(5),
                "per_day": None,
                "credits": Decimal(0),
                "reliefs": Decimal(0),
                "target_before_relief": Decimal(10),
            }
        ]

    def test_an_unknown_metric_is_a_key_error_naming_what_was_scored(self):
        result = score(april_card(Parameter("a", 10, 60), Parameter("b", 10, 40)), {"a": 1, "b": 2}, as_of=MAY_1)
        with pytest.raises(KeyError) as info:
            result.parameter("c")
        assert info.value.args == ("card 'c1' scored no metric 'c'; it scored 'a', 'b'",)

    def test_a_batch_builds_each_score_once_and_groups_by_any_key(self):
        cards = [
            Scorecard(name, User(owner), APRIL, APRIL.period(0), [Parameter("a", 10, 100)])
            for name, owner in (("c1", "ann"), ("c2", "bob"), ("c3", "ann"))
        ]
        batch = score_many(cards, [{"a": 1}, {"a": 2}, {"a": 3}], as_of=MAY_1)
        assert batch[1] is batch[1]
        assert batch == (batch[0], batch[1], batch[2])
        assert batch != (batch[0], batch[1])
        assert (batch == 3) is False
        assert [len(group.scores) for group in batch.groups()] == [3]  # one period, equal parameters
        by_owner = batch.groups(key=lambda card: card.owner.id)
        assert [[s.card.id for s in group.scores] for group in by_owner] == [["c1", "c3"], ["c2"]]

    def test_rows_of_batches_and_of_scores(self):
        card = april_card(Parameter("a", 10, 100))
        batch = score_many([card, card], [{"a": 1}, {"a": 2}], as_of=MAY_1)
        alone = score(card, {"a": 3}, as_of=MAY_1)
        rows = ScoreRows([(batch, 1), alone, (batch, 0)])
        assert [rows[i].total for i in range(3)] == [Decimal("0.2"), Decimal("0.3"), Decimal("0.1")]
        assert rows[1] is alone
        assert rows == (batch[1], alone, batch[0])
        assert rows != (batch[1], alone)
        assert rows != "abc"
        assert (rows == 3) is False

    def test_a_batch_keeps_the_why_of_a_started_parameter_before_one_not_started(self):
        # score_many stores each parameter as a flat row; a row's context follows its 10 fields.
        card = april_card(Parameter("a", 10, 50), Parameter("b", 10, 50, counts_from=Date(2024, 4, 20)))
        (result,) = score_many([card], [{"a": 4}], as_of=april(10))
        assert result == score(card, {"a": 4}, as_of=april(10))
        assert (
            result.parameters[0].explain().splitlines()[1] == "  window: 2024-04-01 to 2024-04-30, 30 days, 10 elapsed"
        )
        assert result.parameters[0].per_day == Decimal("0.2857142857142857142857142857142857")  # 6 / 21, Apr 10..30


class TestExactShaping:
    def test_a_threshold_met_exactly_by_an_exact_achievement(self):
        # 5 / 10 = 0.5 exactly, the threshold itself: met.
        item = score(april_card(Parameter("a", 10, 100, threshold="0.5")), {"a": 5}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (Decimal("0.5"), Decimal("0.5"))

    def test_a_threshold_missed_by_ten_to_the_minus_38(self):
        # h = 0.500000000001 = H / 10**12.  With T = H**-1 mod 10**12 (+ 10**26), t = T / 10**12 and
        # a = (H * T - 1) / 10**24 have 12 decimals, and a / t = h - 1 / (10**24 * t), about h - 1e-38:
        # the 34-digit quotient rounds to h itself; only the exact value is below the threshold.
        big = 500_000_000_001
        whole = pow(big, -1, 10**12) + 10**26
        target, actual = Decimal(whole).scaleb(-12), Decimal((big * whole - 1) // 10**12).scaleb(-12)
        threshold = Decimal(big).scaleb(-12)
        assert (target, actual) == (Decimal("100000000000000.500000000001"), Decimal("50000000000100.250000000001"))
        assert Fraction(threshold) - Fraction(actual) / Fraction(target) == Fraction(1, whole * 10**12)
        card = april_card(Parameter("a", target, 100, threshold=threshold))
        item = score(card, {"a": actual}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (threshold, 0)
        # One more unit in the last place is above it: met.
        item = score(card, {"a": actual + Decimal("1e-12")}, as_of=MAY_1).parameters[0]
        assert item.effective == item.achievement > threshold

    @pytest.mark.parametrize(("day", "status"), [(10, Status.ON_TRACK), (31, Status.ACHIEVED)])
    def test_nothing_happened_against_a_target_of_zero(self, day, status):
        # Lower is better with target 0 is exact: 0 returns score 1, which meets a threshold of 1,
        # is on track (projected 1 >= 1) and achieves the card once the window is over.
        as_of = MAY_1 if day == 31 else april(day)
        parameter = Parameter("returns", 0, 100, direction="lower_is_better", threshold=1)
        result = score(april_card(parameter), {"returns": 0}, as_of=as_of)
        item = result.parameters[0]
        assert (item.achievement, item.effective, item.projected) == (1, 1, 1)
        assert item.status is status
        assert result.status is status

    def test_a_prorated_lower_is_better_pace_exactly_on_track(self):
        # Apr 26-30: target 10 x 5 / 30 = 5/3.  On Apr 28 (3 of 5 days) 1 return paces to 1 x 5 / 3
        # = 5/3, exactly the target: 2 - (5/3) / (5/3) = 1, on track.
        parameter = Parameter(
            "returns", 10, 100, direction="lower_is_better", counts_from=Date(2024, 4, 26), prorate=True
        )
        result = score(april_card(parameter), {"returns": 1}, as_of=april(28))
        item = result.parameters[0]
        assert (item.projected, item.status, result.projected, result.status) == (
            1,
            Status.ON_TRACK,
            1,
            Status.ON_TRACK,
        )

    def test_a_capped_level_exactly_on_track(self):
        # 12 / 10 = 120%, capped at 100%: the card's projected total is exactly 1, on track.
        parameter = Parameter(Metric("balance", accumulation="last"), 10, 100, cap=1)
        result = score(april_card(parameter), {"balance": 12}, as_of=april(15))
        assert (result.parameters[0].effective, result.projected, result.status) == (1, 1, Status.ON_TRACK)

    def test_a_prorated_cap_reached_exactly_is_not_exceeded(self):
        # Apr 26-30: 5 of 30 days; target 10 * 5 / 30 = 1.666...7 (34 digits); 1 / that = 0.5999...
        # (34 digits), exactly 0.6 = the cap: not above it, so the achievement stands.
        parameter = Parameter("a", 10, 100, counts_from=Date(2024, 4, 26), prorate=True, cap="0.6")
        item = score(april_card(parameter), {"a": 1}, as_of=MAY_1).parameters[0]
        assert item.achievement < Decimal("0.6")
        assert item.effective == item.achievement
        # 1.2 is exactly 0.72, above the cap: capped.
        item = score(april_card(parameter), {"a": "1.2"}, as_of=MAY_1).parameters[0]
        assert item.effective == Decimal("0.6")


# A baseline rule widens its error bound by (|t| + |b|) / |t - b| + 1 (for a prorated target and
# baseline, rounded apart), so a large baseline close to its target has a wide decision band: values
# strictly inside it, off the line, come from plain 12-decimal numbers.  With b = 10**14 and
# t = 10**14 + 1 (span 1): widen = (2 * 10**14 + 1) / 1 + 1 = 200000000000002, slack = 4e-33 * that
# = 8.00000000000008e-19; error(a) = (|a| + |b|) * slack, about 2e14 * 8e-19 = 1.6e-4 for a near b;
# k0 = 2 * 2|b| * slack = 3.2e-4 and k1 = 2 * 1 * slack = 1.6e-18, so the band around a bound x is
# x -+ 2 * (k1 * (|x| + 1) + k0), about x -+ 6.4e-4 (the card's too: its only parameter's k1 and k0).
# An achievement is a - b, exact in 34 digits: below a bound by 3e-4 it is inside the band but more
# than its error (1.6e-4) from the line, so the Decimal gap decides; by 1e-4, within the error,
# so the Fraction does.
