"""`scores.read_back` through the codec: each input a document can hold reads back as the live score (issue 21).

The mutation audit of the 0.3 core found read-back inputs no test gave: a relieved
target (the reliefs a document keeps), a parameter that is not its card's, a total
whose Decimal and exact rounding differ only because a negative achievement voids the
card's band, and a window whose first day does not count.  For each, the score read
back equals the live one field for field, explains itself word for word and shows the
same `percent()` at every precision asked.
"""

from decimal import Decimal
from fractions import Fraction

import pendulum

from _by_hand import evolve
from scorekit import (
    Adjustment,
    AdjustmentKind,
    Cadence,
    Date,
    Direction,
    Measurement,
    Metric,
    Parameter,
    Phasing,
    Scorecard,
    Status,
    TargetStep,
    User,
    WorkCalendar,
    codec,
    score,
)
from scorekit.scores import CardScore, exact_projected, exact_values, reliefs_of

APRIL = Cadence.monthly(Date(2024, 4, 1))
APRIL_10 = pendulum.datetime(2024, 4, 10, 12, tz="UTC")
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")


def _card(*parameters: Parameter, cadence: Cadence = APRIL, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), cadence, cadence.period(0), list(parameters), **kwargs)  # type: ignore[arg-type]


def _read_back(result: CardScore) -> CardScore:
    return codec.loads(codec.dumps(result), CardScore)


def _assert_same(back: CardScore, result: CardScore) -> None:
    """Field for field, word for word, the same exact numbers and the same percent at 0, 2 and 6 places."""
    assert back == result
    assert back.explain() == result.explain()
    assert back.to_records() == result.to_records()
    assert [exact_values(p) for p in back.parameters] == [exact_values(p) for p in result.parameters]
    assert [p.per_day for p in back.parameters] == [p.per_day for p in result.parameters]
    assert [back.percent(places) for places in (0, 2, 6)] == [result.percent(places) for places in (0, 2, 6)]


def _adjustment(kind: AdjustmentKind, value: object, reason: str, day: int, id: str) -> Adjustment:  # noqa: A002
    return Adjustment(id, "c1", "deals_won", kind, value, reason, pendulum.datetime(2024, 4, day, tz="UTC"), "boss")


class TestRelieved:
    # deals_won: target 10, a relief of 3 (leave) leaves 7; 2 deals and a late credit of 1: actual 3.
    # On April 10 (10 of 30 days): achievement 3/7 = 42.86%, projected 3 x 30 / 10 = 9 -> 9/7 =
    # 128.57%, remaining 7 - 3 = 4 over the 21 days left (April 10 included): 4/21 = 0.1905 a day.
    # calls: 50 of 200 = 25%.  Total 60% x 3/7 + 40% x 1/4 = 9/35 + 1/10 = 25/70 = 35.71%.
    ADJUSTMENTS = (
        _adjustment(AdjustmentKind.RELIEF, 3, "two weeks of leave", 2, "r1"),
        _adjustment(AdjustmentKind.CREDIT, 1, "D-7 booked late", 3, "a1"),
    )

    def result(self) -> CardScore:
        card = _card(Parameter("deals_won", 10, 60), Parameter("calls", 200, 40))
        return score(card, {"deals_won": 2, "calls": 50}, as_of=APRIL_10, adjustments=self.ADJUSTMENTS)

    def test_reads_back_with_its_reliefs(self):
        result = self.result()
        back = _read_back(result)
        _assert_same(back, result)
        deals = back.parameters[0]
        assert (deals.target, deals.actual) == (7, 3)
        assert exact_values(deals).per_day == Fraction(4, 21)
        assert [relief.reason for relief in reliefs_of(deals)] == ["two weeks of leave"]  # type: ignore[attr-defined]
        assert reliefs_of(back.parameters[1]) == ()
        lines = back.explain().splitlines()
        assert "  relief: -3 (two weeks of leave)" in lines
        assert "  target before relief: 10" in lines
        assert "  remaining: 4, 0.1905 a day over the 21 days left" in lines
        assert f"{back.percent():f}" == "35.71"

    def test_the_document_keeps_the_reliefs(self):
        # What read_back is given: the relieved parameter's reliefs in its document, the other without.
        written = codec.to_dict(self.result())["parameters"]
        assert [relief["reason"] for relief in written[0]["reliefs"]] == ["two weeks of leave"]
        assert "reliefs" not in written[1]

    def test_a_document_without_the_reliefs_reads_back_its_relieved_target(self):
        # A document that kept the relieved target 7 but not the reliefs behind it (written by a host
        # that dropped them): the same numbers; the explanation has the target before relief, 10, and
        # no relief line to name.
        result = self.result()
        document = codec.to_dict(result)
        for parameter in document["parameters"]:
            parameter.pop("reliefs", None)
        back = codec.from_dict(document, CardScore)
        assert back == result
        assert back.to_records() == result.to_records()
        assert back.percent(6) == result.percent(6)
        assert reliefs_of(back.parameters[0]) == ()
        expected = [line for line in result.explain().splitlines() if not line.startswith("  relief:")]
        assert back.explain().splitlines() == expected
        assert "  target before relief: 10" in expected


class TestNotTheCardsParameter:
    # A document whose parameter is not (or no longer) its card's keeps its own numbers and no context.
    # a: 5 of 3, cap 1.2: 1.2 counts, 40% x 1.2 = 0.48.  nps: a level with no record: 0.
    # b: 0.9505 of 3 = 0.31683.. (the 34-digit Decimal rounds down): 30% x 0.9505 / 3 = 0.09505.
    # c: 1 of 4 = 0.25, 10% of it 0.025.  Exact total 0.48 + 0.09505 + 0.025 = 0.60005: 60.005%,
    # half up 60.01%; the Decimals sum to a hair below it (60.00% if rounded from them).
    PARAMETERS = (
        Parameter("a", 3, 40, cap="1.2"),
        Parameter(Metric("nps", accumulation="last"), 50, 20),
        Parameter("b", 3, 30),
        Parameter("c", 4, 10),
    )
    MEASUREMENTS = {"a": 5, "nps": Measurement(None), "b": "0.9505", "c": 1}  # noqa: RUF012 - read only

    def result(self) -> CardScore:
        return score(_card(*self.PARAMETERS), self.MEASUREMENTS, as_of=MAY_1)

    def test_the_live_score(self):
        result = self.result()
        assert result.total < Decimal("0.60005")
        assert result.percent() == Decimal("60.01")
        assert result.parameters[1].actual is None

    def test_another_key_counts_its_own_contribution_and_the_rest_by_their_rules(self):
        # "c" renamed "zz", not on the card: it counts its contribution 0.025; the rest exactly,
        # the level without a record 0 (and those after it still count): 60.01%.
        result = self.result()
        c = result.parameters[3]
        foreign = evolve(result, parameters=(*result.parameters[:3], evolve(c, parameter=Parameter("zz", 4, 10))))
        back = _read_back(foreign)
        _assert_same(back, foreign)
        assert back.percent() == Decimal("60.01")
        assert back.percent(6) == Decimal("60.005000")
        assert exact_projected(back) == Fraction(back.projected)  # over: its own projected total, zz included
        assert "  window:" not in back.parameters[3].explain()
        assert "  window:" in back.parameters[2].explain()

    def test_the_same_key_under_other_rules_keeps_no_context(self):
        # b stored under a cap of 2 the card no longer has: no window, no pace, its own numbers.
        result = self.result()
        b = result.parameters[2]
        older = evolve(b, parameter=Parameter("b", 3, 30, cap=2))
        stored = evolve(result, parameters=(*result.parameters[:2], older, result.parameters[3]))
        back = _read_back(stored)
        _assert_same(back, stored)
        assert back.parameters[2].explain().splitlines()[1:3] == ["  target: 3", "  actual: 0.9505"]
        assert back.percent() == Decimal("60.01")


class TestNegativeAchievement:
    def test_percent_rounds_the_exact_total(self):
        # a: weight 1%, target 3, actual -98999962.965: achievement -32999987.655 exactly.
        # b: weight 99%, target 3, actual 1000000: 333333.33.. (34 digits, rounded down).
        # Exact total (0.01 x -98999962.965 + 0.99 x 1000000) / 3 = (-989999.62965 + 990000) / 3
        # = 0.37035 / 3 = 0.12345: 12.345%, half up 12.35%.  The Decimal total is 0.12344999..967;
        # the card's band around 1 bounds its error only for achievements >= 0, so read back (as
        # live) the negative one must send percent() to the parameters' own error bounds.
        card = _card(Parameter("a", 3, 1), Parameter("b", 3, 99))
        result = score(card, {"a": "-98999962.965", "b": 1000000}, as_of=MAY_1)
        assert result.total < Decimal("0.12345")
        back = _read_back(result)
        _assert_same(back, result)
        assert back.percent() == Decimal("12.35")
        assert back.percent(3) == Decimal("12.345")


class TestNoCountingDayYet:
    def test_a_window_opening_on_a_weekend(self):
        # June 2024 opens on Saturday; with Monday-Friday working days none has elapsed on June 1:
        # no pace, projected = achievement 2 / 20 = 10%; 20 working days in June.
        june = Cadence.monthly(Date(2024, 6, 1))
        card = _card(Parameter("deals_won", 20, 100), cadence=june, calendar=WorkCalendar())
        result = score(card, {"deals_won": 2}, as_of=pendulum.datetime(2024, 6, 1, 12, tz="UTC"))
        back = _read_back(result)
        _assert_same(back, result)
        assert back.parameters[0].projected == Decimal("0.1")
        assert back.parameters[0].status is not Status.NOT_STARTED
        assert "  pace: no working day has elapsed yet; projected = achievement" in back.explain().splitlines()


class TestCapped:
    def test_a_projection_above_the_cap_counts_the_cap(self):
        # 5 of 10 on April 10 (10 of 30 days): achievement 50%, projected 5 x 30 / 10 = 15 -> 150%,
        # capped at 120%: the projected total is 120.00%, read back too.
        card = _card(Parameter("deals_won", 10, 100, cap="1.2"))
        result = score(card, {"deals_won": 5}, as_of=APRIL_10)
        back = _read_back(result)
        _assert_same(back, result)
        assert back.parameters[0].projected == Decimal("1.5")
        assert back.explain().splitlines()[-2] == "projected total: 120.00%"

    def test_an_achievement_a_hair_below_the_cap_counts_exactly(self):
        # a: 3.6 - 1e-39 of 3, cap 1.2: exactly 1.2 - 3.3e-40 (below the cap, so the rule's exact
        # value counts), though its 34-digit Decimal is 1.2.  b: 0.0001 of 1.  Exact total
        # 50% x (1.2 - 3.3e-40) + 50% x 0.0001 = 0.60005 - 1.7e-40: 60.00% half up (60.01% had
        # a counted the cap).
        card = _card(Parameter("a", 3, 50, cap="1.2"), Parameter("b", 1, 50))
        result = score(card, {"a": "3.5" + "9" * 38, "b": "0.0001"}, as_of=MAY_1)
        assert result.parameters[0].effective == Decimal("1.2")
        back = _read_back(result)
        _assert_same(back, result)
        assert back.percent() == Decimal("60.00")
        assert back.percent(6) == Decimal("60.005000")

    def test_a_parameter_not_on_the_card_and_not_started_counts_nothing_before_the_others(self):
        # The same score with a not-started "zz" (no context) in front: the others still count,
        # exactly, 60.00% (it showed 0.00% when the exact sum stopped at "zz").
        card = _card(Parameter("a", 3, 50, cap="1.2"), Parameter("b", 1, 50))
        result = score(card, {"a": "3.5" + "9" * 38, "b": "0.0001"}, as_of=MAY_1)
        first = result.parameters[0]
        waiting = evolve(
            first,
            parameter=Parameter("zz", 1, 50),
            actual=Decimal(0),
            achievement=Decimal(0),
            effective=Decimal(0),
            contribution=Decimal(0),
            expected=Decimal(0),
            projected=None,
            status=Status.NOT_STARTED,
        )
        stored = evolve(result, parameters=(waiting, *result.parameters))
        back = _read_back(stored)
        assert back == stored
        assert back.percent() == Decimal("60.00")
        assert back.explain() == stored.explain()


class TestPlanNothingOrAllDue:
    def test_nothing_due_yet(self):
        # complaints: target 0 until April 16 (then 2): on April 10 nothing is due, expected 0, so
        # the projection is the achievement (1 complaint of a weighted 1: 100%, capped at 100%).
        # deals_won: 10, then 20 from April 16: expected (10 x 10 / 30) / 15 = 2/9.
        complaints = Parameter(
            "complaints", 0, 50, direction=Direction.LOWER_IS_BETTER, steps=(TargetStep(Date(2024, 4, 16), 2),)
        )
        deals = Parameter("deals_won", 10, 50, steps=(TargetStep(Date(2024, 4, 16), 20),))
        result = score(_card(complaints, deals), {"complaints": 1, "deals_won": 3}, as_of=APRIL_10)
        back = _read_back(result)
        _assert_same(back, result)
        assert exact_values(back.parameters[0]).pace_actual is None
        assert exact_values(back.parameters[1]).expected == Fraction(2, 9)

    def test_all_due_before_the_window_ends(self):
        # Q1 phased 3 : 3 : 0: March weighs nothing, so by March 10 everything is due (expected 1)
        # and the projection is the achievement: 120 of 300 = 40%.
        quarter = Cadence.quarterly(Date(2025, 1, 1))
        card = _card(Parameter("deals_won", 300, 100), cadence=quarter, phasing=Phasing({3: 0}))
        result = score(card, {"deals_won": 120}, as_of=pendulum.datetime(2025, 3, 10, 12, tz="UTC"))
        back = _read_back(result)
        _assert_same(back, result)
        assert exact_values(back.parameters[0]).expected == 1
        assert back.parameters[0].projected == Decimal("0.4")
