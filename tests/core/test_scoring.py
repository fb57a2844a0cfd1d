"""Worked examples: every expected number here is computed by hand in the comments."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    Direction,
    Evidence,
    InvalidNumber,
    InvalidPeriod,
    InvalidScorecard,
    ManualEntry,
    Measurement,
    Metric,
    MissingMeasurement,
    Parameter,
    Scorecard,
    Status,
    StatusPolicy,
    User,
    WorkCalendar,
    score,
)

APRIL = Cadence.monthly(Date(2024, 4, 1))  # April 2024 has 30 days
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")  # the April window is over


def card_of(*parameters, cadence=APRIL, k=0, timezone="UTC"):
    return Scorecard("c1", User("ann"), cadence, cadence.period(k), list(parameters), timezone=timezone)


def one(parameter, actual, as_of=MAY_1, **kwargs):
    card = card_of(parameter.evolve(weight=100), **kwargs)
    return score(card, {parameter.key: actual}, as_of=as_of).parameters[0]


def close(value, fraction):
    """`value` equals the exact rational `fraction` to 30 decimal places."""
    return abs(Fraction(value) - Fraction(fraction)) < Fraction(1, 10**30)


class TestThreeParameterCard:
    def test_weights_50_30_20_with_one_over_target(self):
        card = card_of(
            Parameter("deals_won", 10, 50),
            Parameter("calls", 200, 30),
            Parameter("revenue", 50_000, 20),
        )
        result = score(card, {"deals_won": 12, "calls": 150, "revenue": 20_000}, as_of=MAY_1)
        deals, calls, revenue = result.parameters
        # 12/10 = 1.2; 150/200 = 0.75; 20000/50000 = 0.4
        assert (deals.achievement, calls.achievement, revenue.achievement) == (
            Decimal("1.2"),
            Decimal("0.75"),
            Decimal("0.4"),
        )
        # 1.2*0.5 = 0.6; 0.75*0.3 = 0.225; 0.4*0.2 = 0.08
        assert (deals.contribution, calls.contribution, revenue.contribution) == (
            Decimal("0.6"),
            Decimal("0.225"),
            Decimal("0.08"),
        )
        assert result.total == Decimal("0.905")
        assert result.percent() == Decimal("90.50")
        assert result.percent(places=0) == Decimal(91)  # 90.5 rounds half up
        assert [p.status for p in result.parameters] == [Status.ACHIEVED, Status.MISSED, Status.MISSED]
        assert result.status is Status.MISSED
        assert result.projected == result.total  # a finished window projects what it has

    def test_parameter_scores_come_in_card_order_and_inactive_ones_are_skipped(self):
        card = card_of(
            Parameter("b", 1, 50),
            Parameter("off", 1, 10, active=False),
            Parameter("a", 1, 50),
        )
        result = score(card, {"a": 1, "b": 1}, as_of=MAY_1)
        assert [p.key for p in result.parameters] == ["b", "a"]
        assert result.total == 1


class TestLowerIsBetter:
    @pytest.mark.parametrize(
        ("actual", "achievement"),
        [
            (0, "2"),  # 2 - 0/10
            (5, "1.5"),  # 2 - 5/10
            (10, "1"),  # exactly on target
            (15, "0.5"),  # 2 - 1.5
            (20, "0"),  # double the target: 2 - 2
            (30, "0"),  # never negative: max(0, 2 - 3)
            (-2, "2.2"),  # a refund lowers the count: 2 - (-0.2)
        ],
    )
    def test_achievement_is_two_minus_the_ratio(self, actual, achievement):
        item = one(Parameter("lost_deals", 10, 100, direction=Direction.LOWER_IS_BETTER), actual)
        assert item.achievement == Decimal(achievement)

    @pytest.mark.parametrize(("actual", "achievement"), [(0, 1), (-1, 1), (1, 0), ("0.01", 0)])
    def test_target_zero_is_all_or_nothing(self, actual, achievement):
        item = one(Parameter("complaints", 0, 100, direction=Direction.LOWER_IS_BETTER), actual)
        assert item.achievement == achievement

    def test_is_never_achieved_early(self):
        mid_april = pendulum.datetime(2024, 4, 15, 12, tz="UTC")
        item = one(Parameter("lost_deals", 10, 100, direction=Direction.LOWER_IS_BETTER), 2, as_of=mid_april)
        # elapsed 15 of 30 days: projected actual 2*30/15 = 4, achievement 2 - 4/10 = 1.6
        assert item.achievement == Decimal("1.8")
        assert item.projected == Decimal("1.6")
        assert item.status is Status.ON_TRACK

    def test_behind_when_the_pace_overshoots(self):
        mid_april = pendulum.datetime(2024, 4, 15, 12, tz="UTC")
        item = one(Parameter("lost_deals", 10, 100, direction=Direction.LOWER_IS_BETTER), 6, as_of=mid_april)
        # projected actual 6*30/15 = 12 > 10: achievement 2 - 1.2 = 0.8
        assert item.projected == Decimal("0.8")
        assert item.status is Status.BEHIND


class TestThresholdAndCap:
    def test_just_below_the_threshold_scores_nothing(self):
        item = one(Parameter("deals", 10, 100, threshold="0.5"), "4.99")
        assert item.achievement == Decimal("0.499")
        assert item.effective == 0
        assert item.contribution == 0
        assert item.status is Status.MISSED  # status follows the raw achievement

    def test_at_the_threshold_counts_in_full(self):
        item = one(Parameter("deals", 10, 100, threshold="0.5"), 5)
        assert item.effective == Decimal("0.5")

    def test_cap_limits_effective_but_not_achievement(self):
        item = one(Parameter("deals", 10, 100, cap="1.5"), 20)
        assert item.achievement == 2
        assert item.effective == Decimal("1.5")
        assert item.contribution == Decimal("1.5")
        assert item.status is Status.ACHIEVED

    def test_cap_also_shapes_the_projection(self):
        card = card_of(Parameter("deals", 10, 100, cap="1.2"))
        # elapsed 15 of 30 days, 8 deals: projected 8*30/15 = 16 -> 1.6, capped at 1.2
        result = score(card, {"deals": 8}, as_of=pendulum.datetime(2024, 4, 15, tz="UTC"))
        assert result.parameters[0].projected == Decimal("1.6")
        assert result.projected == Decimal("1.2")


class TestProration:
    def test_mid_period_start_scales_the_target(self):
        # counted from Apr 11: a window of 20 of April's 30 days; target 30 * 20/30 = 20
        parameter = Parameter("deals", 30, 100, counts_from=Date(2024, 4, 11), prorate=True)
        item = one(parameter, 15)
        assert item.target == 20
        assert item.achievement == Decimal("0.75")

    def test_without_proration_the_target_stays(self):
        item = one(Parameter("deals", 30, 100, counts_from=Date(2024, 4, 11)), 15)
        assert item.target == 30
        assert item.achievement == Decimal("0.5")

    def test_window_not_started_needs_no_measurement(self):
        card = card_of(Parameter("deals", 10, 60), Parameter("later", 30, 40, counts_from=Date(2024, 4, 20)))
        result = score(card, {"deals": 4}, as_of=pendulum.datetime(2024, 4, 10, tz="UTC"))
        later = result.parameter("later")
        assert later.status is Status.NOT_STARTED
        assert (later.achievement, later.contribution, later.projected) == (0, 0, None)
        # deals: 4/10 = 0.4 -> contribution 0.24; projected 4*30/10 = 12 -> 1.2 -> 0.72;
        # later counts as on plan in the projection: 0.4 x 1 = 0.4 (0.2 counted it 0)
        assert result.total == Decimal("0.24")
        assert result.projected == Decimal("1.12")

    def test_pace_runs_over_the_window_not_the_period(self):
        parameter = Parameter("deals", 20, 100, counts_from=Date(2024, 4, 21))  # a 10-day window
        item = one(parameter, 4, as_of=pendulum.datetime(2024, 4, 25, tz="UTC"))
        # elapsed Apr 21..25 = 5 of 10 days
        assert item.expected == Decimal("0.5")
        assert item.projected == Decimal("0.4")  # 4*10/5 = 8, 8/20


class TestPaceInAWarsawMonth:
    """March 2024 in Warsaw: 31 days, and the clocks go forward on the 31st."""

    march = Cadence.monthly(Date(2024, 3, 1))

    def item(self, actual, as_of):
        card = card_of(Parameter("deals", 31, 100), cadence=self.march, timezone="Europe/Warsaw")
        return score(card, {"deals": actual}, as_of=as_of).parameters[0]

    def test_first_day_counts(self):
        # 2024-02-29 23:30 UTC is 00:30 on March 1 in Warsaw: one day elapsed
        item = self.item(2, pendulum.datetime(2024, 2, 29, 23, 30, tz="UTC"))
        assert close(item.expected, Fraction(1, 31))
        assert close(item.achievement, Fraction(2, 31))
        assert item.projected == 2  # 2 * 31 / 1 = 62, 62 / 31
        assert item.status is Status.ON_TRACK

    def test_the_day_before_is_not_started(self):
        item = self.item(0, pendulum.datetime(2024, 2, 29, 22, 59, tz="UTC"))  # 23:59 Feb 29 in Warsaw
        assert item.status is Status.NOT_STARTED

    def test_middle(self):
        item = self.item(15, pendulum.datetime(2024, 3, 16, 12, tz="Europe/Warsaw"))
        assert close(item.expected, Fraction(16, 31))
        assert item.projected == Decimal("0.9375")  # 15*31/16 / 31 = 15/16
        assert item.status is Status.BEHIND

    def test_last_day_is_not_over_yet(self):
        item = self.item(30, pendulum.datetime(2024, 3, 31, 23, 59, tz="Europe/Warsaw"))
        assert item.expected == 1
        assert close(item.projected, Fraction(30, 31))
        assert item.status is Status.BEHIND

    def test_over_at_local_midnight(self):
        item = self.item(30, pendulum.datetime(2024, 4, 1, tz="Europe/Warsaw"))
        assert item.status is Status.MISSED
        item = self.item(31, pendulum.datetime(2024, 3, 31, 22, tz="UTC"))  # 00:00 April 1, CEST
        assert item.status is Status.ACHIEVED


class TestCardStatus:
    def test_not_started_card(self):
        card = card_of(Parameter("deals", 10, 100))
        result = score(card, {}, as_of=pendulum.datetime(2024, 3, 31, tz="UTC"))
        assert result.status is Status.NOT_STARTED
        assert result.projected is None
        assert result.total == 0

    def test_achieved_early_on_the_total(self):
        card = card_of(Parameter("deals", 10, 50), Parameter("calls", 100, 50))
        result = score(card, {"deals": 20, "calls": 0}, as_of=pendulum.datetime(2024, 4, 10, tz="UTC"))
        assert result.total == 1  # 2 * 0.5 + 0
        assert result.status is Status.ACHIEVED

    def test_on_track_on_the_projection(self):
        card = card_of(Parameter("deals", 10, 100))
        result = score(card, {"deals": 5}, as_of=pendulum.datetime(2024, 4, 15, tz="UTC"))
        assert result.projected == 1  # 5*30/15 = 10
        assert result.status is Status.ON_TRACK


class TestMeasurements:
    def test_missing_measurement_names_the_metric(self):
        card = card_of(Parameter("deals", 10, 50), Parameter("calls", 100, 50))
        with pytest.raises(MissingMeasurement, match="'calls'"):
            score(card, {"deals": 1}, as_of=MAY_1)

    def test_unknown_metrics_are_ignored(self):
        card = card_of(Parameter("deals", 10, 100))
        assert score(card, {"deals": 10, "other": "junk"}, as_of=MAY_1).total == 1

    def test_negative_values_are_allowed(self):
        item = one(Parameter("net_deals", 10, 100), -2)
        assert item.achievement == Decimal("-0.2")

    @pytest.mark.parametrize("bad", [float("nan"), "NaN", float("inf"), True, "many"])
    def test_non_numbers_are_refused(self, bad):
        card = card_of(Parameter("deals", 10, 100))
        with pytest.raises(InvalidNumber):
            score(card, {"deals": bad}, as_of=MAY_1)
        with pytest.raises(InvalidNumber):
            Measurement(bad)

    def test_floats_keep_their_decimal_meaning(self):
        item = one(Parameter("revenue", "0.3", 100), 0.1)
        assert close(item.achievement, Fraction(1, 3))

    def test_evidence_passes_through(self):
        evidence = (Evidence("deal-1", pendulum.datetime(2024, 4, 2, tz="UTC"), label="ACME"),)
        card = card_of(Parameter("deals", 10, 100))
        result = score(card, {"deals": Measurement(1, evidence)}, as_of=MAY_1)
        assert result.parameters[0].evidence == evidence

    def test_naive_as_of_is_refused(self):
        card = card_of(Parameter("deals", 10, 100))
        with pytest.raises(InvalidPeriod, match="aware"):
            score(card, {"deals": 1}, as_of=dt.datetime(2024, 4, 2))  # noqa: DTZ001

    def test_date_as_of_is_refused(self):
        card = card_of(Parameter("deals", 10, 100))
        with pytest.raises(InvalidPeriod, match="got the date 2024-04-02"):
            score(card, {"deals": 1}, as_of=Date(2024, 4, 2))

    def test_stdlib_aware_datetimes_work(self):
        card = card_of(Parameter("deals", 10, 100))
        result = score(card, {"deals": 10}, as_of=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
        assert result.status is Status.ACHIEVED


class TestManualValues:
    metric = Metric.custom("demos", "demos")

    def entry(self, value, day, card_id="c1"):
        return ManualEntry(card_id, "demos", value, pendulum.datetime(2024, 4, day, tz="UTC"), "boss")

    def test_latest_entry_at_or_before_as_of_counts(self):
        card = card_of(Parameter(self.metric, 4, 100))
        entries = [self.entry(1, 3), self.entry(3, 9), self.entry(2, 5), self.entry(9, 20)]
        result = score(card, {}, as_of=pendulum.datetime(2024, 4, 10, tz="UTC"), manual=entries)
        assert result.parameters[0].actual == 3  # the Apr 9 entry; Apr 20 is after as_of

    def test_no_entry_yet_is_missing(self):
        card = card_of(Parameter(self.metric, 4, 100))
        with pytest.raises(MissingMeasurement, match="ManualEntry"):
            score(card, {}, as_of=pendulum.datetime(2024, 4, 10, tz="UTC"), manual=[self.entry(1, 20)])

    def test_entry_for_another_card_is_refused(self):
        card = card_of(Parameter(self.metric, 4, 100))
        with pytest.raises(InvalidScorecard, match="card 'c2' was given to score card 'c1'"):
            score(card, {}, as_of=MAY_1, manual=[self.entry(1, 3, card_id="c2")])


class TestRecordsAndHtml:
    def test_records_are_plain_dicts(self):
        card = card_of(Parameter(Metric("deals", "deals"), 10, 60), Parameter("calls", 100, 40))
        records = score(card, {"deals": 5, "calls": 100}, as_of=MAY_1).to_records()
        assert [r["metric"] for r in records] == ["deals", "calls"]
        required = {"metric", "unit", "actual", "target", "weight", "achievement", "effective"}
        required |= {"contribution", "expected", "projected", "status"}
        assert required <= set(records[0])
        assert records[0]["unit"] == "deals"
        assert records[0]["weight"] == Decimal("0.6")  # a fraction, like the achievements (0.2: was 60)
        assert records[0]["status"] == "missed"
        assert records[1]["achievement"] == 1

    def test_html_escapes_user_strings(self):
        card = card_of(Parameter(Metric("x", "<b>u</b>", label="<script>alert(1)</script>"), 10, 100))
        card = card.evolve(name='"Q1" & <co>')
        html = score(card, {"x": 5}, as_of=MAY_1)._repr_html_()
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert "&quot;Q1&quot; &amp; &lt;co&gt;" in html
        assert "&lt;b&gt;u&lt;/b&gt;" in html
        assert "width:50.0%" in html  # 5/10


def test_the_loops_builders_make_what_the_constructors_make_with_the_context():
    """The scoring loop builds the scores as tuples with their context; by hand, the same fields and no context."""
    import pickle

    from scorekit.scores import CardScore, ParameterScore, build_card_score
    from scorekit.scores import build_parameter_score as _built

    names = ParameterScore.__match_args__
    assert names == (
        "parameter", "actual", "target", "achievement", "effective", "contribution", "expected", "projected",
        "status", "evidence",
    )  # fmt: skip
    parameter = Parameter("deals", 10, 100)
    values = (parameter, Decimal(3), Decimal(10), Decimal("0.3"), Decimal("0.3"), Decimal("0.3"), Decimal("0.5"),
              Decimal("0.6"), Status.BEHIND, (Evidence("r1", MAY_1, Decimal(3)),))  # fmt: skip
    why = ("window", 15, False, True)
    built = _built(*values, why)
    by_hand = ParameterScore(*values)
    for name, value in zip(names, values, strict=True):
        assert getattr(built, name) is value
        assert getattr(by_hand, name) is value
    assert (built._why, by_hand._why) == (why, None)
    assert built == by_hand  # the context is not compared, nor hashed
    assert hash(built) == hash(by_hand)
    assert built != ParameterScore(*values[:9])  # no evidence: another score
    with pytest.raises(AttributeError):
        built.actual = Decimal(4)
    with pytest.raises(TypeError):
        _ = built < by_hand  # scores have no order
    again = pickle.loads(pickle.dumps(built))  # noqa: S301 - our own bytes
    assert again == built
    assert again._why == why
    # A card's score: as_of compared as an instant, the careful flag kept but not compared.
    card = card_of(parameter)
    made = build_card_score(card, MAY_1, Decimal("0.3"), (built,), Decimal("0.6"), Status.BEHIND, True)
    warsaw = CardScore(
        card, MAY_1.in_timezone("Europe/Warsaw"), Decimal("0.3"), (by_hand,), Decimal("0.6"), Status.BEHIND
    )
    assert (made._careful, warsaw._careful) == (True, False)
    assert made == warsaw
    assert hash(made) == hash(warsaw)
    assert made != CardScore(card, MAY_1, Decimal("0.4"), (by_hand,), Decimal("0.6"), Status.BEHIND)
    assert pickle.loads(pickle.dumps(made))._careful is True  # noqa: S301 - our own bytes


class TestNumbersThatMeanWhatPeopleThink:
    """DESIGN 0.3 "Numbers that mean what people think" (issue 21): each changed rule, before and after."""

    DEALS = Parameter("deals_won", 10, 50)
    COMPLAINTS = Parameter("complaints", 5, 50, direction=Direction.LOWER_IS_BETTER)

    def test_a_lower_is_better_parameter_without_a_cap_is_capped_at_one(self):
        # 0 deals and 0 complaints, April over: complaints 2 - 0/5 = 200% counted 0.5 x 2 = 100%,
        # ACHIEVED with no sale.  Capped at 1: 0.5 x 1 = 50%, MISSED.
        result = score(card_of(self.DEALS, self.COMPLAINTS), {"deals_won": 0, "complaints": 0}, as_of=MAY_1)
        complaints = result.parameter("complaints")
        assert (complaints.achievement, complaints.effective) == (2, 1)
        assert (result.total, result.status) == (Decimal("0.5"), Status.MISSED)
        # one complaint on day 1: 2 - 1/5 = 180% counted 0.5 x 1.8 = 90%; now 0.5 x 1 = 50%
        assert score(card_of(self.DEALS, self.COMPLAINTS), {"deals_won": 0, "complaints": 1}, as_of=MAY_1).total == (
            Decimal("0.5")
        )

    def test_an_explicit_cap_still_applies(self):
        # cap 2 keeps 0.2's numbers: 0.5 x 2 = 100%
        capped = self.COMPLAINTS.evolve(cap=2)
        result = score(card_of(self.DEALS, capped), {"deals_won": 0, "complaints": 0}, as_of=MAY_1)
        assert (result.total, result.status) == (1, Status.ACHIEVED)
        # the implicit cap is named as such; an explicit one as given
        plain = score(card_of(self.DEALS, self.COMPLAINTS), {"deals_won": 0, "complaints": 0}, as_of=MAY_1)
        assert "  cap 100.00% (lower is better: at most 100%): reached, limits it" in plain.parameters[1].explain()
        assert "  cap 200.00%: reached, limits it" in result.parameters[1].explain()

    def test_a_parameter_not_started_counts_as_on_plan_in_the_cards_projection(self):
        # April 10: deals 10 of 30 (50%): 10 x 30 / 10 = 30 -> 100%, exactly on pace; demos start on the
        # 20th.  0.2 counted demos 0: projected 50% -> behind.  On plan: 0.5 x 1 + 0.5 x 1 = 100%.
        demos = Parameter("demos", 4, 50, counts_from=Date(2024, 4, 20))
        card = card_of(Parameter("deals_won", 30, 50), demos)
        result = score(card, {"deals_won": 10}, as_of=pendulum.datetime(2024, 4, 10, 12, tz="UTC"))
        assert (result.projected, result.status) == (1, Status.ON_TRACK)
        assert "projected total: 100.00% (not started, counted as on plan: demos)" in result.explain()
        assert "  pace: not started; counts as on plan in the card's projection: projected 100.00%" in (
            result.parameter("demos").explain()
        )

    def test_on_plan_is_shaped_by_the_cap(self):
        # demos capped at 0.8: on plan counts 0.5 x 0.8 = 40%, so 50% + 40% = 90%: behind.
        demos = Parameter("demos", 4, 50, counts_from=Date(2024, 4, 20), cap="0.8")
        card = card_of(Parameter("deals_won", 30, 50), demos)
        result = score(card, {"deals_won": 10}, as_of=pendulum.datetime(2024, 4, 10, 12, tz="UTC"))
        assert (result.projected, result.status) == (Decimal("0.90"), Status.BEHIND)

    def test_per_day_counts_the_day_of_as_of(self):
        # 21 of 30 by Apr 30: 9 remaining.  0.2: no day left after today, None.  Now the whole 9.
        item = one(Parameter("deals_won", 30, 100), 21, as_of=pendulum.datetime(2024, 4, 30, 12, tz="UTC"))
        assert item.per_day == 9
        assert "  remaining: 9, 9 a day over the 1 days left" in item.explain()

    def test_a_levels_expected_is_none(self):
        # a conversion rate on April 15: 0.2 said expected 50%, which means nothing for a rate
        rate = Parameter(Metric("conversion", "%", accumulation="average"), "0.3", 100)
        item = one(rate, "0.3", as_of=pendulum.datetime(2024, 4, 15, 12, tz="UTC"))
        assert item.expected is None
        (row,) = score(card_of(rate.evolve(weight=100)), {"conversion": "0.3"}, as_of=MAY_1).to_records()
        assert row["expected"] is None

    def test_judge_from_keeps_an_open_parameter_on_track_early_in_the_window(self):
        # 00:01 on April 1, nothing yet: projected 0 -> behind.  judge_from 0.1: before 3 of 30 days
        # have elapsed (1/30 < 0.1) it is too early to judge: on track, the card too.
        first_minute = pendulum.datetime(2024, 4, 1, 0, 1, tz="UTC")
        plain = card_of(Parameter("deals_won", 30, 100))
        assert score(plain, {"deals_won": 0}, as_of=first_minute).status is Status.BEHIND
        early = plain.evolve(status_policy=StatusPolicy(judge_from="0.1"))
        result = score(early, {"deals_won": 0}, as_of=first_minute)
        assert (result.parameters[0].status, result.status) == (Status.ON_TRACK, Status.ON_TRACK)
        assert result.explain().splitlines()[-1] == (
            "status: on track (too early to judge: less than 10.00% of the window has elapsed)"
        )
        # Apr 3: 3/30 = 0.1 is no longer below it: judged, behind
        assert score(early, {"deals_won": 0}, as_of=pendulum.datetime(2024, 4, 3, tz="UTC")).status is Status.BEHIND
        # achieved early still shows: 30 deals on day 1
        assert score(early, {"deals_won": 30}, as_of=first_minute).status is Status.ACHIEVED

    def test_no_working_day_elapsed_is_judged_on_the_achievement(self):
        # A June 2024 card (June 1 is a Saturday), working days: 9 complaints against a ceiling of 5
        # on Sunday June 2: achievement max(0, 2 - 9/5) = 20% is the projection: behind (0.2: on track).
        june = Cadence.monthly(Date(2024, 6, 1))
        card = Scorecard(
            "c1", User("ann"), june, june.period(0),
            [Parameter("complaints", 5, 100, direction=Direction.LOWER_IS_BETTER)],
            calendar=WorkCalendar(),
        )  # fmt: skip
        result = score(card, {"complaints": 9}, as_of=pendulum.datetime(2024, 6, 2, 12, tz="UTC"))
        (item,) = result.parameters
        assert (item.expected, item.projected) == (0, Decimal("0.2"))
        assert (item.status, result.status) == (Status.BEHIND, Status.BEHIND)

    def test_achieved_early_is_explained_as_of_now(self):
        # refunds are negative records: a sum can fall, so "a sum cannot fall" is not the reason
        item = one(Parameter("deals_won", 10, 100), 12, as_of=pendulum.datetime(2024, 4, 15, tz="UTC"))
        assert item.status is Status.ACHIEVED
        assert item.explain().splitlines()[-1] == (
            "  status: achieved (achievement 120.00% >= 100%: the target is reached as of now)"
        )
