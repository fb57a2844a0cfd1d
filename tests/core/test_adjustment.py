"""Adjustments (scorekit.adjustment): late credits, clawbacks and reliefs, each with a reason."""

import datetime as dt
import pickle
import zoneinfo
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Adjustment,
    AdjustmentKind,
    Evidence,
    InvalidNumber,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    ScorekitError,
)
from scorekit.adjustment import AdjustmentTotals, adjustment_totals

APRIL_29 = pendulum.datetime(2024, 4, 29, 10, tz="UTC")


def credit(value, *, id="a1", at=APRIL_29, metric="deals_won", card_id="c1", reason="D-7 booked late"):  # noqa: A002
    return Adjustment(id, card_id, metric, AdjustmentKind.CREDIT, value, reason, at, "boss")


def relief(value, *, id="r1", at=APRIL_29, metric="deals_won", reason="two weeks of leave"):  # noqa: A002
    return Adjustment(id, "c1", metric, AdjustmentKind.RELIEF, value, reason, at, "boss")


class TestAdjustment:
    def test_fields_are_converted(self):
        a = Adjustment("a1", "c1", "deals_won", "credit", "2.5", "D-7 booked late", APRIL_29, "boss")
        assert a.kind is AdjustmentKind.CREDIT
        assert a.value == Decimal("2.5")
        assert AdjustmentKind("relief") is AdjustmentKind.RELIEF
        assert [k.value for k in AdjustmentKind] == ["credit", "relief"]

    def test_recorded_at_is_held_in_utc(self):
        warsaw = Adjustment(
            "a1", "c1", "m", "credit", 1, "late", pendulum.datetime(2024, 4, 29, 12, tz="Europe/Warsaw"), "boss"
        )
        # Warsaw is UTC+2 in April
        assert warsaw.recorded_at.isoformat() == "2024-04-29T10:00:00+00:00"
        assert warsaw == credit(1, metric="m", reason="late")

    def test_a_clawback_is_a_negative_credit(self):
        assert credit(-3).value == -3

    def test_is_a_frozen_hashable_picklable_value(self):
        a = credit(2)
        assert pickle.loads(pickle.dumps(a)) == a  # noqa: S301 - our own bytes
        assert hash(a) == hash(credit(2))
        with pytest.raises(AttributeError):
            a.value = Decimal(3)

    def test_a_credit_is_evidence(self):
        assert credit(2).evidence() == Evidence("adjustment:a1", APRIL_29, 2, "D-7 booked late")


class TestRefused:
    @pytest.mark.parametrize("value", [0, -1, "-0.01"])
    def test_a_relief_must_be_more_than_0(self, value):
        with pytest.raises(
            InvalidParameter, match=r"adjustment 'r1': a relief takes an amount off the target and must be more than 0"
        ):
            relief(value)

    @pytest.mark.parametrize("reason", ["", "   ", "\t"])
    def test_an_empty_reason(self, reason):
        with pytest.raises(InvalidParameter, match="an adjustment needs a reason people can read"):
            credit(1, reason=reason)

    def test_a_reason_with_a_control_character(self):
        with pytest.raises(InvalidParameter, match="an adjustment's reason must not hold control characters"):
            credit(1, reason="late\x00")

    def test_an_unknown_kind(self):
        with pytest.raises(
            InvalidParameter, match="an adjustment's kind must be one of 'credit', 'relief', got 'bonus'"
        ):
            Adjustment("a1", "c1", "m", "bonus", 1, "why", APRIL_29, "boss")

    @pytest.mark.parametrize("value", [float("nan"), "1e15", True, None, "0.0000000000001"])
    def test_a_value_that_is_not_a_number_in_bounds(self, value):
        with pytest.raises(InvalidParameter, match="an adjustment's value must"):
            credit(value)

    @pytest.mark.parametrize("field", ["id", "card_id", "metric", "recorded_by"])
    def test_identifiers(self, field):
        values = {"id": "a1", "card_id": "c1", "metric": "m", "recorded_by": "boss"}
        values[field] = " "
        with pytest.raises(InvalidScorecard, match=f"adjustment {field}"):
            Adjustment(
                values["id"], values["card_id"], values["metric"], "credit", 1, "why", APRIL_29, values["recorded_by"]
            )

    @pytest.mark.parametrize("at", [dt.datetime(2024, 4, 29), dt.date(2024, 4, 29), "2024-04-29"])  # noqa: DTZ001
    def test_recorded_at_must_be_an_aware_instant(self, at):
        with pytest.raises(InvalidPeriod, match="an adjustment's recorded_at must be an aware datetime"):
            credit(1, at=at)

    def test_every_error_is_a_scorekit_error(self):
        for error in (InvalidParameter, InvalidScorecard, InvalidPeriod, InvalidNumber):
            assert issubclass(error, ScorekitError)


class TestTotals:
    def test_design_example_credit_and_relief(self):
        # DESIGN: target 10, 7 deals from the CRM, CREDIT +2, RELIEF 1: actual 7 + 2 = 9, target 10 - 1 = 9
        totals = adjustment_totals("c1", [credit(2), relief(1)], APRIL_29)
        assert totals == {"deals_won": AdjustmentTotals(Decimal(2), Decimal(1), (credit(2).evidence(),))}
        assert 7 + totals["deals_won"].credit == 10 - totals["deals_won"].relief == 9

    def test_counted_when_recorded_at_or_before_as_of(self):
        items = [credit(1, id="at"), credit(10, id="later", at=APRIL_29.add(microseconds=1))]
        assert adjustment_totals("c1", items, APRIL_29)["deals_won"].credit == 1
        assert adjustment_totals("c1", items, APRIL_29.add(seconds=1))["deals_won"].credit == 11
        assert adjustment_totals("c1", items, APRIL_29.subtract(microseconds=1)) == {}

    def test_instants_compare_in_utc_in_a_repeated_hour(self):
        # Warsaw, 2024-10-27: 02:30 happens twice; as_of is the first one, the entry the second.
        warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
        first = dt.datetime(2024, 10, 27, 2, 30, tzinfo=warsaw, fold=0)
        second = dt.datetime(2024, 10, 27, 2, 30, tzinfo=warsaw, fold=1)
        late = credit(1, at=second)
        assert adjustment_totals("c1", [late], first) == {}
        assert adjustment_totals("c1", [late], second)["deals_won"].credit == 1

    def test_sums_are_exact_and_per_metric(self):
        items = [credit("0.1", id=f"a{i}") for i in range(3)] + [credit(-5, id="claw", metric="revenue")]
        totals = adjustment_totals("c1", items, APRIL_29)
        # 0.1 + 0.1 + 0.1 is exactly 0.3 (no binary float, no 28-digit rounding)
        assert totals["deals_won"].credit == Decimal("0.3")
        assert totals["revenue"] == AdjustmentTotals(
            Decimal(-5), Decimal(0), (credit(-5, id="claw", metric="revenue").evidence(),)
        )

    def test_credit_evidence_comes_by_instant_then_id(self):
        items = [credit(1, id="b", at=APRIL_29), credit(1, id="c", at=APRIL_29.subtract(hours=1)), credit(1, id="a")]
        evidence = adjustment_totals("c1", items, APRIL_29)["deals_won"].evidence
        assert [e.id for e in evidence] == ["adjustment:c", "adjustment:a", "adjustment:b"]

    def test_reliefs_add_no_evidence(self):
        totals = adjustment_totals("c1", [relief(1), relief("0.5", id="r2")], APRIL_29)["deals_won"]
        assert (totals.credit, totals.relief, totals.evidence) == (0, Decimal("1.5"), ())

    def test_an_adjustment_of_another_card(self):
        with pytest.raises(
            InvalidScorecard, match=r"an adjustment for card 'c2' \('a1'\) was given to score card 'c1'"
        ):
            adjustment_totals("c1", [credit(1, card_id="c2")], APRIL_29)

    def test_not_an_adjustment(self):
        with pytest.raises(InvalidScorecard, match="adjustments must be Adjustment objects"):
            adjustment_totals("c1", [{"value": 1}], APRIL_29)

    def test_as_of_must_be_aware(self):
        with pytest.raises(InvalidPeriod, match="as_of must be an aware datetime"):
            adjustment_totals("c1", [], dt.datetime(2024, 4, 29))  # noqa: DTZ001


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["credit", "relief"]),
            st.decimals(min_value="0.01", max_value=1000, places=2),
            st.sampled_from(["m1", "m2"]),
            st.integers(-5, 5),
        ),
        max_size=12,
    ),
    st.integers(-6, 6),
)
def test_totals_are_the_sums_of_what_was_recorded_by_as_of(rows, cut):
    items = [
        Adjustment(
            f"a{i}",
            "c1",
            metric,
            kind,
            value if kind == "relief" or i % 2 else -value,
            "why",
            APRIL_29.add(hours=h),
            "boss",
        )
        for i, (kind, value, metric, h) in enumerate(rows)
    ]
    as_of = APRIL_29.add(hours=cut)
    totals = adjustment_totals("c1", items, as_of)
    for metric in ("m1", "m2"):
        counted = [a for a in items if a.metric == metric and a.recorded_at <= as_of]
        if not counted:
            assert metric not in totals
            continue
        added = [a for a in counted if a.kind is AdjustmentKind.CREDIT]
        assert totals[metric].credit == sum((a.value for a in added), Decimal(0))
        assert totals[metric].relief == sum((a.value for a in counted if a.kind is AdjustmentKind.RELIEF), Decimal(0))
        assert sorted(e.id for e in totals[metric].evidence) == sorted("adjustment:" + a.id for a in added)
