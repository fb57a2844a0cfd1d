"""`scorekit.scoring`: decisions off the line and on it, the loop's inputs and caches, local dates and read-back."""

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from _by_hand import evolve
from scorekit import (
    Cadence,
    CardScore,
    Date,
    InvalidNumber,
    InvalidScorecard,
    ManualEntry,
    Measurement,
    Metric,
    MissingMeasurement,
    Parameter,
    Scorecard,
    StatusPolicy,
    User,
    WorkCalendar,
    codec,
    score,
    score_many,
)
from scorekit.status import Status

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # the April window is over
EASTER = WorkCalendar(holidays={Date(2024, 4, 1)})


def april(day: int) -> pendulum.DateTime:
    return pendulum.datetime(2024, 4, day, 12, tz="UTC")


def april_card(*parameters: Parameter, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)  # type: ignore[arg-type]


WIDE_BASELINE = 10**14


def wide(achievement: str) -> Decimal:
    """The actual that scores `achievement` against the wide baseline's span of 1: b + achievement."""
    return Decimal(WIDE_BASELINE) + Decimal(achievement)


def wide_parameter(key: str = "a", weight: int = 100, **kwargs: object) -> Parameter:
    return Parameter(key, WIDE_BASELINE + 1, weight, baseline=WIDE_BASELINE, **kwargs)  # type: ignore[arg-type]


# A negative achievement voids the card's bands (`careful`): the error of a sum of large
# achievements of both signs is far wider than the band a total near 1 gets.  a: 30000.008594111702
# / 3 = 10000.002864703900666... (5 digits before the point, 29 after), rounded up by a third of
# 1e-29; b: -4797813920.603184797711 / 479877.230035708349 = -9998.0028647039006666... (4 and 30),
# rounded by less.  The actuals solve A * T_b + B * T_a = 2 * T_a * T_b - 2 (each x 10**12 an
# integer, T_a = 3 * 10**12, T_b = 479877230035708349; found by a search over T_b): the exact
# achievements sum to 2 - 2 / (T_a * T_b), the exact total (50/50) is 1 - 1 / (T_a * T_b), about
# 1 - 6.9e-31, while the Decimal total is 1 + 1e-30, beyond the card's band around 1 (1 -+ 6.72e-32).
CAREFUL_B_TARGET = "479877.230035708349"
CAREFUL_PARAMETERS = (Parameter("a", 3, 50), Parameter("b", CAREFUL_B_TARGET, 50))
CAREFUL_ACTUALS = {"a": Decimal("30000.008594111702"), "b": Decimal("-4797813920.603184797711")}


class TestOffTheLine:
    """Decisions on a value inside a band but off its line: the Decimal's gap or the Fraction decides."""

    def test_the_wide_band_by_hand(self):
        window = april_card(wide_parameter()).windows[0]
        assert window.rule.slack == Decimal("8.00000000000008e-19")
        low, high = window.one_band
        assert Decimal("0.99935") < low < Decimal("0.99936")
        assert Decimal("1.00064") < high < Decimal("1.00065")
        assert Decimal("1.6e-4") < window.rule.error(wide("0.9997")) < Decimal("1.61e-4")

    @pytest.mark.parametrize("achievement", ["0.9997", "0.9999"])
    def test_just_below_one_once_over_is_missed(self, achievement):
        # 0.9997 is inside the band (above 0.99936), 3e-4 below 1 (more than the error 1.6e-4):
        # the gap decides, below.  0.9999 is 1e-4 below (within the error): the Fraction decides,
        # 0.9999 < 1.  Either way the parameter and the card (its total 0.9999 or 0.9997) missed.
        result = score(april_card(wide_parameter()), {"a": wide(achievement)}, as_of=MAY_1)
        item = result.parameters[0]
        assert (item.achievement, result.total) == (Decimal(achievement), Decimal(achievement))
        assert (item.status, result.status) == (Status.MISSED, Status.MISSED)

    @pytest.mark.parametrize(
        ("policy", "achievement", "status"),
        [
            # On Apr 30, the window's last day, the whole window has elapsed: the projection is the
            # achievement itself, and the card is not over.  0.9997 and 0.9999 are below 1 (not
            # achieved early, not on track): behind.  1.0001 is above 1 by less than the error.
            (StatusPolicy(), "0.9997", Status.BEHIND),
            (StatusPolicy(), "0.9999", Status.BEHIND),
            (StatusPolicy(), "1.0001", Status.ACHIEVED),
            # on track from 0.95 (band 0.95 -+ 6.4e-4), at risk below 0.5 (band 0.5 -+ 6.4e-4).
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9497", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9499", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.9501", Status.ON_TRACK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.4997", Status.AT_RISK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.4999", Status.AT_RISK),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.5001", Status.BEHIND),
            (StatusPolicy(on_track="0.95", at_risk="0.5"), "0.5003", Status.BEHIND),
        ],
    )
    def test_policy_bounds_on_the_last_day(self, policy, achievement, status):
        card = april_card(wide_parameter(), status_policy=policy)
        result = score(card, {"a": wide(achievement)}, as_of=april(30))
        item = result.parameters[0]
        assert (item.projected, result.projected) == (Decimal(achievement), Decimal(achievement))
        assert (item.status, result.status) == (status, status)

    @pytest.mark.parametrize("achievement", ["0.5003", "0.5001"])
    def test_a_cap_exceeded_inside_its_band_is_applied(self, achievement):
        # Cap 0.5: 0.5003 is 3e-4 above it (the gap decides), 0.5001 1e-4 (the Fraction): both capped.
        card = april_card(wide_parameter(cap="0.5"))
        result = score(card, {"a": wide(achievement)}, as_of=MAY_1)
        item = result.parameters[0]
        assert (item.achievement, item.effective, result.total) == (
            Decimal(achievement),
            Decimal("0.5"),
            Decimal("0.5"),
        )

    @pytest.mark.parametrize("achievement", ["0.4997", "0.4999"])
    def test_a_threshold_missed_inside_its_band_zeroes(self, achievement):
        card = april_card(wide_parameter(threshold="0.5"))
        item = score(card, {"a": wide(achievement)}, as_of=MAY_1).parameters[0]
        assert (item.achievement, item.effective) == (Decimal(achievement), 0)

    def test_a_cap_exceeded_by_ten_to_the_minus_32(self):
        # The technique of TestExactShaping's threshold, the other side of the line and 10**6 times
        # farther: c = 0.500000000001 = H / 10**12; T = -10**6 * H**-1 mod 10**12 (+ 10**26), so
        # H * T + 10**6 is a multiple of 10**12, and t = T / 10**12, a = (H * T + 10**6) / 10**24 have
        # 12 decimals; a / t = c + 10**6 / (10**12 * T) = c + 1 / (10**6 * T), about c + 1e-32.
        # The ratio's error is about 4e-33 * 0.5 = 2e-33 and its cap band c -+ 5.6e-32
        # (2 * (8e-33 * 1.5 + 1.6e-32)): inside the band, above the cap by more than the error.
        big = 500_000_000_001
        whole = (-(10**6) * pow(big, -1, 10**12)) % 10**12 + 10**26
        target, actual = Decimal(whole).scaleb(-12), Decimal((big * whole + 10**6) // 10**12).scaleb(-12)
        cap = Decimal(big).scaleb(-12)
        assert (target, actual) == (Decimal("100000000000000.999999"), Decimal("50000000000100.499999500001"))
        assert Fraction(actual) / Fraction(target) - Fraction(cap) == Fraction(1, whole * 10**6)
        item = score(april_card(Parameter("a", target, 100, cap=cap)), {"a": actual}, as_of=MAY_1).parameters[0]
        assert item.achievement > cap
        assert item.effective == cap

    def test_early_achievement_is_decided_on_the_actuals_not_the_projection(self):
        # Apr 15 (15 of 30 days): 0.9999 so far, inside the band around 1 and within its error: the
        # Fraction of the actual decides, 0.9999 < 1, not achieved early.  The pace, a * 30 / 15 =
        # 2b + 1.9998, projects (2b + 1.9998 - b) / 1 = 10**14 + 1.9998: on track, not achieved.
        result = score(april_card(wide_parameter()), {"a": wide("0.9999")}, as_of=april(15))
        assert result.projected == Decimal(10**14) + Decimal("1.9998")
        assert (result.parameters[0].status, result.status) == (Status.ON_TRACK, Status.ON_TRACK)

    def test_a_capped_projection_counts_its_cap_in_the_exact_projected_total(self):
        # b: 15 / 10 = 1.5, capped at 1 (achieved early); a: 0.9999.  On Apr 30 the projections are
        # the achievements: 0.5 * 1 + 0.5 * 0.9999 = 0.99995, inside the card's band around 1 and
        # within a's error (1.6e-4; b's capped projection adds none): the Fraction decides, with the
        # cap, not b's uncapped 1.5 (which would make 0.5 * 1.5 + 0.5 * 0.9999 = 1.24995): behind.
        card = april_card(Parameter("b", 10, 50, cap=1), wide_parameter(weight=50))
        result = score(card, {"b": 15, "a": wide("0.9999")}, as_of=april(30))
        assert (result.parameters[0].effective, result.projected) == (1, Decimal("0.99995"))
        assert result.status is Status.BEHIND

    def test_the_careful_card_by_hand(self):
        card = april_card(*CAREFUL_PARAMETERS)
        whole = 3 * 10**12 * 479877230035708349
        a, b = (Fraction(v) for v in CAREFUL_ACTUALS.values())
        assert a / 3 / 2 + b / Fraction(Decimal("479877.230035708349")) / 2 == 1 - Fraction(1, whole)
        result = score(card, CAREFUL_ACTUALS, as_of=MAY_1)
        assert result.total == Decimal("1.000000000000000000000000000001")
        assert result.total > card.decision_bands[0][1]
        assert result.parameters[1].achievement < 0

    @pytest.mark.parametrize(
        ("as_of", "policy", "status"),
        [
            # Over: the exact total is below 1, missed (its Decimal is above the band).
            (MAY_1, StatusPolicy(), Status.MISSED),
            # Apr 30: the projection is the total; the started SUMs (a and b) sum to it too: not
            # achieved early, not on track (below 1): behind, or at risk when that starts at 1.
            (april(30), StatusPolicy(), Status.BEHIND),
            (april(30), StatusPolicy(on_track=1, at_risk=1), Status.AT_RISK),
        ],
    )
    def test_a_careful_card_above_its_band_is_decided_exactly(self, as_of, policy, status):
        result = score(april_card(*CAREFUL_PARAMETERS, status_policy=policy), CAREFUL_ACTUALS, as_of=as_of)
        assert result.projected == Decimal("1.000000000000000000000000000001")
        assert result.status is status

    @pytest.mark.parametrize(("as_of", "status"), [(MAY_1, Status.MISSED), (april(30), Status.BEHIND)])
    def test_a_careful_card_sums_the_errors_past_a_capped_parameter(self, as_of, status):
        # c (first): 2 / 1 capped at 1, so neither its achievement nor its projection is the rule's
        # and it adds no error; a and b as above at 25% each.  Exact total 0.5 * 1 + 0.25 * (2 - 2 /
        # (T_a * T_b)) = 1 - 0.5 / (T_a * T_b); its Decimal 0.5 + 0.25 * (2 + 2e-30) = 1 + 5e-31, above
        # the band.  The error of a and b (about 4e-33 * 10**4 each) is far above that gap: the
        # Fraction decides, missed (over) or, on Apr 30, not achieved early nor on track: behind.
        card = april_card(Parameter("c", 1, 50, cap=1), Parameter("a", 3, 25), Parameter("b", CAREFUL_B_TARGET, 25))
        result = score(card, {"c": 2, **CAREFUL_ACTUALS}, as_of=as_of)
        assert (result.total, result.projected) == (Decimal("1.0000000000000000000000000000005"),) * 2
        assert result.status is status

    @pytest.mark.parametrize(
        ("balance", "as_of", "status"),
        [
            # No balance yet: the level scores nothing (missed once over) and adds no error.
            (Measurement(None), MAY_1, Status.MISSED),
            # A balance of 0 scores 0; a level is never achieved early, so the early sum (a and b
            # only) is the total: not achieved early, not on track, behind.
            (0, april(30), Status.BEHIND),
        ],
    )
    def test_a_careful_card_sums_the_errors_past_a_level(self, balance, as_of, status):
        # The level (first, 50%) contributes 0; a and b at 25% each, b's actual moved up by 2 * t_b so
        # its achievement is 2 more: a + b = 4 - 2 / (T_a * T_b) exactly, 4 + 2e-30 in Decimals (b's
        # tail is the same).  Total 1 - 0.5 / (T_a * T_b) exactly, 1 + 5e-31 in Decimal: as above.
        b = CAREFUL_ACTUALS["b"] + 2 * Decimal(CAREFUL_B_TARGET)
        assert b == Decimal("-4796854166.143113381013")
        level = Parameter(Metric("balance", accumulation="last"), 1, 50)
        card = april_card(level, Parameter("a", 3, 25), Parameter("b", CAREFUL_B_TARGET, 25))
        result = score(card, {"balance": balance, "a": CAREFUL_ACTUALS["a"], "b": b}, as_of=as_of)
        assert result.total == Decimal("1.0000000000000000000000000000005")
        assert result.status is status

    def test_a_careful_projection_counts_the_error_of_the_paced_actuals(self):
        # Apr 1, one day of 30: each actual paces to 30 times itself.  a (60%): 30 * 3217.864627862860
        # / 9.653299899586 = 10000.3045424939016015230683201949 (34 digits, 5 before the point);
        # b (40%): 30 * -479209125.756776466718 / 958548.817765098255 = -14997.9568137408524022846...
        # The actuals solve 18 * A * T_b + 12 * B * T_a = T_a * T_b - 6 (each x 10**12 an integer;
        # found by a search): the exact projected total is 1 - 6 / (T_a * T_b), about 1 - 6.5e-31, its
        # Decimal 1 + 4e-30.  The error of the paced actuals, 4.1e-29 + 6.0e-29, covers that gap: the
        # Fraction decides, not on track (behind).  The error of the actuals themselves (1.35e-30 +
        # 2.01e-30 = 3.36e-30) would not: the Decimal would say on track.
        card = april_card(Parameter("a", "9.653299899586", 60), Parameter("b", "958548.817765098255", 40))
        actuals = {"a": Decimal("3217.864627862860"), "b": Decimal("-479209125.756776466718")}
        a, b = (Fraction(v) for v in actuals.values())
        whole = 9653299899586 * 958548817765098255
        assert 18 * a / Fraction(Decimal("9.653299899586")) + 12 * b / Fraction(Decimal("958548.817765098255")) == (
            1 - Fraction(6, whole)
        )
        result = score(card, actuals, as_of=april(1))
        assert result.projected == Decimal("1.000000000000000000000000000004")
        assert result.status is Status.BEHIND


class TestScoringInputs:
    CARD = april_card(Parameter("a", 10, 50), Parameter(Metric.custom("nps", "points"), 10, 50))

    @pytest.mark.parametrize(
        ("given", "error", "message"),
        [
            # 10**15 itself is out of bounds, either sign (the loop's inline check must agree with to_decimal).
            (
                Decimal(10**15),
                InvalidNumber,
                (
                    "measurement of 'a' must be less than 10**15 in size (|measurement of 'a'| < 1000000000000000), "
                    "got Decimal('1000000000000000')"
                ),
            ),
            (
                Decimal(-(10**15)),
                InvalidNumber,
                (
                    "measurement of 'a' must be less than 10**15 in size (|measurement of 'a'| < 1000000000000000), "
                    "got Decimal('-1000000000000000')"
                ),
            ),
            (
                Decimal("NaN"),
                InvalidNumber,
                "measurement of 'a' must be a finite number (int, str, Decimal or float), got Decimal('NaN')",
            ),
            (
                "abc",
                InvalidNumber,
                "measurement of 'a' must be a finite number (int, str, Decimal or float), got 'abc'",
            ),
            (
                None,
                MissingMeasurement,
                (
                    "card 'c1': no measurement for active metric 'a' as of 2024-05-01T00:00:00+00:00; give a Measurement "
                    "or a number for it"
                ),
            ),
        ],
    )
    def test_a_bad_or_missing_measurement_names_the_metric(self, given, error, message):
        measurements = {"nps": 1} if given is None else {"a": given, "nps": 1}
        with pytest.raises(error) as info:
            score(self.CARD, measurements, as_of=MAY_1)
        assert str(info.value) == message
        assert score(self.CARD, {"a": Decimal(10**15 - 1), "nps": 1}, as_of=MAY_1).parameters[0].actual == 10**15 - 1

    def test_a_missing_manual_metric_asks_for_a_manual_entry(self):
        with pytest.raises(MissingMeasurement) as info:
            score(self.CARD, {"a": 1}, as_of=MAY_1)
        assert str(info.value) == (
            "card 'c1': no measurement for active metric 'nps' as of 2024-05-01T00:00:00+00:00; give a ManualEntry "
            "or a value for it"
        )

    def test_a_manual_entry_for_a_card_not_scored(self):
        entry = ManualEntry("c9", "nps", 3, april(2), "boss")
        other = Scorecard("c0", User("bob"), APRIL, APRIL.period(0), [Parameter("a", 10, 100)])
        for cards, scored in (([self.CARD, other], "'c0', 'c1'"), ([], "none")):
            with pytest.raises(InvalidScorecard) as info:
                score_many(cards, [{"a": 1, "nps": 1}] * len(cards), as_of=MAY_1, manual=[entry])
            assert str(info.value) == f"a manual entry for card 'c9' was given to score card {scored}"


class TestScoringCaches:
    def test_working_days_are_counted_per_window(self):
        # As of Apr 17: a counts Apr 2-5, 8-12, 15-17 = 12 of 21 working days; b (from Apr 15) counts
        # Apr 15-17 = 3 of its 12 (Apr 15-19, 22-26, 29, 30).
        card = april_card(
            Parameter("a", 10, 50), Parameter("b", 10, 50, counts_from=Date(2024, 4, 15)), calendar=EASTER
        )
        result = score(card, {"a": 1, "b": 1}, as_of=april(17))
        shares = [Fraction(item.expected) for item in result.parameters]
        assert abs(shares[0] - Fraction(12, 21)) < Fraction(1, 10**32)
        assert shares[1] == Fraction(1, 4)

    def test_working_days_are_counted_per_calendar(self):
        # Apr 1-10: 7 working days of 21 with Easter; Monday to Saturday: 9 (not Sunday 7) of 26.
        six_days = WorkCalendar(weekdays={0, 1, 2, 3, 4, 5})
        cards = [april_card(Parameter("a", 10, 100), calendar=calendar) for calendar in (EASTER, six_days)]
        batch = score_many(cards, [{"a": 1}, {"a": 1}], as_of=april(10))
        shares = [Fraction(s.parameters[0].expected) for s in batch]
        assert abs(shares[0] - Fraction(7, 21)) < Fraction(1, 10**32)
        assert abs(shares[1] - Fraction(9, 26)) < Fraction(1, 10**32)


def test_only_the_higher_is_better_sums_decide_an_early_achievement():
    # Day 10.  a and b (40% each, targets 3): 0.4 x (2.5 + 5) / 3 = 1 exactly (each third inexact):
    # achieved, though the level at -1 (20%) brings the total to 0.8.
    card = april_card(
        Parameter(Metric("lvl", accumulation="last"), 1, 20), Parameter("a", 3, 40), Parameter("b", 3, 40)
    )
    result = score(card, {"a": "2.5", "b": 5, "lvl": -1}, as_of=april(10))
    assert result.status is Status.ACHIEVED
    assert abs(result.total - Decimal("0.8")) < Decimal("1e-30")


class TestLocalAndReadBack:
    CARD = Scorecard(
        "c1",
        User("ann"),
        APRIL,
        APRIL.period(0),
        [
            Parameter(Metric("lvl", "%", accumulation="average"), 1, 20),
            Parameter("a", 3, 40, cap="1.2"),
            Parameter(Metric("b", "deals"), 3, 40, counts_from=Date(2024, 4, 11), prorate=True, threshold=0),
        ],
        timezone="Europe/Warsaw",
    )
    MEASUREMENTS = {"lvl": Measurement(None), "a": 4, "b": 0}  # noqa: RUF012 - read only

    def test_explain_in_the_cards_zone(self):
        # 12:00 UTC is 14:00 in Warsaw (CEST).  a: 4 / 3 = 133.33%, capped at 120%, x 40% = 48%;
        # b: Apr 11-30 = 20 of 30 days, target 3 x 20 / 30 = 2; 0 meets a threshold of 0; 2 left
        # over the 11 days left (Apr 20..30) = 0.1818 a day.  Projected 40% x 120% (200% capped) = 48%: behind.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        assert result.explain().splitlines() == [
            "card c1 of ann, period 2024-04-01 to 2024-04-30, as of 2024-04-20 14:00 CEST (Europe/Warsaw)",
            "status policy: on track at 100% of the target at the current pace or more, behind below that",
            "lvl: weight 20%, higher is better, average of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 20 elapsed",
            "  target: 1 %",
            "  actual: no record in the window yet",
            "  achievement = 0.00%",
            "  contribution = 20% x 0.00% = 0.00%",
            "  pace: nothing to project without a record",
            "  status: no data (no record in the window yet)",
            "a: weight 40%, higher is better, sum of records",
            "  window: 2024-04-01 to 2024-04-30, 30 days, 20 elapsed",
            "  target: 3",
            "  actual: 4",
            "  achievement = 4 / 3 = 133.33%",
            "  cap 120.00%: reached, limits it",
            "  effective: 120.00%",
            "  contribution = 40% x 120.00% = 48.00%",
            "  pace: expected 66.67% by now; projected 4 x 30 / 20 = 6 -> 200.00%",
            "  remaining: 0, 0 a day over the 11 days left",
            "  status: achieved (achievement 133.33% >= 100%: the target is reached as of now)",
            "b: weight 40%, higher is better, sum of records",
            "  window: 2024-04-11 to 2024-04-30, 20 days, 10 elapsed",
            "  target: 3 deals prorated to the window: 2 deals",
            "  actual: 0 deals",
            "  achievement = 0 / 2 = 0.00%",
            "  threshold 0.00%: met",
            "  contribution = 40% x 0.00% = 0.00%",
            "  pace: expected 50.00% by now; projected 0 x 20 / 10 = 0 -> 0.00%",
            "  remaining: 2 deals, 0.1818 a day over the 11 days left",
            "  status: behind (projected 0.00% < on track 100.00%)",
            "total = 0.00% + 48.00% + 0.00% = 48.00%",
            "projected total: 48.00%",
            "status: behind (projected 48.00% < on track 100.00%)",
        ]

    def test_a_score_read_back_explains_itself_word_for_word(self):
        # Read back, a score rebuilds its window, pace and rule from its card and as_of (issue 21);
        # it printed "achievement = achievement = 133.33%" and no window or pace line.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        back = codec.loads(codec.dumps(result), CardScore)
        assert back.explain() == result.explain()
        assert back.percent() == result.percent() == Decimal("48.00")

    def test_a_parameter_without_context_shows_its_achievement_once(self):
        # A parameter that is not its card's has no rule to show: the line names the number once.
        result = score(self.CARD, self.MEASUREMENTS, as_of=april(20))
        stranger = evolve(result.parameters[1], parameter=Parameter("x", 3, 40))
        assert "  achievement = 133.33%" in stranger.explain().splitlines()

    def test_a_score_made_by_hand_counts_a_parameter_its_card_lacks_as_given(self):
        result = score(april_card(Parameter("a", 10, 100)), {"a": 5}, as_of=MAY_1)
        stranger = evolve(result.parameters[0], parameter=Parameter("x", 10, 100), contribution=Decimal("0.25"))
        mine = evolve(result.parameters[0])  # the same numbers without the scoring context
        made = evolve(result, parameters=(mine, stranger), total=Decimal("0.75"))
        # a's 5 / 10 = 0.5 from the card's rule, then 0.25 as given: 75%.
        assert made.percent() == Decimal("75.00")


@pytest.mark.parametrize(
    ("accumulation", "day", "status"),
    [
        ("sum", 15, Status.ACHIEVED),
        ("sum", 31, Status.ACHIEVED),
        ("last", 15, Status.ON_TRACK),
        ("last", 31, Status.ACHIEVED),
    ],
)
def test_a_card_with_a_negative_achievement_decides_on_its_exact_total(accumulation, day, status):
    # a = 300000000000003 / 3 = 100000000000001 exactly; b = -199999999999997 / 3 = -66666666666665.666...
    # Exactly: 40% x 100000000000001 + 60% x b = 40000000000000.4 - 39999999999999.4 = 1.  The 34-digit
    # b is off by about 3e-21, so the Decimal total is 0.999999999999999999998: below the card's band
    # around 1, where a card without negative achievements would be decided on the Decimal alone.
    # Mid-period the sums alone reach 1 (achieved early); levels project as they are: on track.
    card = april_card(
        Parameter(Metric("a", accumulation=accumulation), 3, 40),
        Parameter(Metric("b", accumulation=accumulation), 3, 60),
    )
    result = score(card, {"a": 300000000000003, "b": -199999999999997}, as_of=MAY_1 if day == 31 else april(day))
    assert result.total == Decimal("0.999999999999999999998")  # 1 - 2e-21
    assert result.status is status
    assert result.percent() == Decimal("100.00")


@pytest.mark.parametrize("day", [15, 31])
def test_a_level_without_a_record_first_on_a_card_decided_exactly(day):
    # z (30%) has no record: it counts 0.  a = 300000000000003 / 3 = 100000000000001 exactly;
    # b = -399999999999994 / 3 = -133333333333331.333...: 40% x a + 30% x b = 40000000000000.4
    # - 39999999999999.4 = 1 exactly, the 34-digit b about 1e-20 off.  Achieved (early on day 15).
    card = april_card(
        Parameter(Metric("z", accumulation="average"), 1, 30), Parameter("a", 3, 40), Parameter("b", 3, 30)
    )
    measurements = {"z": Measurement(None), "a": 300000000000003, "b": -399999999999994}
    result = score(card, measurements, as_of=MAY_1 if day == 31 else april(day))
    assert result.total == Decimal("1.00000000000000000001")
    assert result.status is Status.ACHIEVED
    assert result.percent() == Decimal("100.00")


def test_a_parameter_not_started_yet_does_not_stop_the_exact_total():
    # On Apr 10, c (from Apr 20) has not started.  40% x (0.2 + 0.725875) / 3 = 0.12345 exactly:
    # the total is half-way, 12.35% only from the exact sum over a and b.
    card = april_card(
        Parameter("c", 1, 20, counts_from=Date(2024, 4, 20)),
        Parameter("a", 3, 40),
        Parameter(Metric("b", accumulation="average"), 3, 40),
    )
    result = score(card, {"c": 0, "a": "0.2", "b": "0.725875"}, as_of=april(10))
    assert result.percent() == Decimal("12.35")


def test_at_risk_is_decided_on_every_parameters_projection():
    # Day 15 of 30: a (a sum) paces to 0.4, b (a level) stays 2.6: 50% x 0.4 / 3 + 50% x 2.6 / 3
    # = 0.5 exactly, the at-risk bound: behind, not at risk (the sums alone would project 6.67%).
    policy = StatusPolicy(at_risk="0.5")
    card = april_card(
        Parameter("a", 3, 50), Parameter(Metric("b", accumulation="average"), 3, 50), status_policy=policy
    )
    result = score(card, {"a": "0.2", "b": "2.6"}, as_of=april(15))
    assert abs(result.projected - Decimal("0.5")) < Decimal("1e-32")
    assert result.status is Status.BEHIND
