"""Identifiers and labels (DESIGN "Bad input never gets in"; issue 11: zero-width space and NUL ids)."""

import re

import pendulum
import pytest

from scorekit import Cadence, Date, InvalidParameter, InvalidScorecard, Metric, Parameter, Scorecard, Team, User
from scorekit._identifiers import MAX_IDENTIFIER, MAX_LABEL, check_identifier, check_label
from scorekit.adapters.memory import Record
from scorekit.measurement import Evidence, ManualEntry
from scorekit.service import Actor, Role

WHEN = pendulum.datetime(2024, 2, 3, tz="UTC")
MONTHLY = Cadence.monthly(Date(2024, 1, 1))

INVISIBLE_ONLY = ["", " ", "\u200b", "\u200b\u200c\u200d\ufeff", "\u00a0\u3000", "\u2028", "\u2029", "\u2060"]
CONTROL = ["\x00", "a\x00b", "a\tb", "line\nbreak", "\x1b[31mred", "\x7f", "\x85"]


class TestIdentifiers:
    @pytest.mark.parametrize("value", INVISIBLE_ONLY)
    def test_refuses_whitespace_and_invisible_characters_alone(self, value):
        with pytest.raises(ValueError, match="visible character"):
            check_identifier(value, what="card id", error=ValueError)

    @pytest.mark.parametrize("value", CONTROL)
    def test_refuses_control_characters(self, value):
        with pytest.raises(ValueError, match="must not hold control characters"):
            check_identifier(value, what="card id", error=ValueError)

    @pytest.mark.parametrize("value", ["\ud800", "ok\udfff"])
    def test_refuses_lone_surrogates(self, value):
        with pytest.raises(ValueError, match="lone surrogate"):
            check_identifier(value, what="card id", error=ValueError)

    def test_at_most_200_characters(self):
        assert check_identifier("x" * MAX_IDENTIFIER, what="id", error=ValueError) == "x" * 200
        with pytest.raises(ValueError, match="at most 200 characters, got 201"):
            check_identifier("x" * 201, what="id", error=ValueError)

    @pytest.mark.parametrize(
        "value", ["ann", "a b", " padded ", "Zażółć 🚀 中文", "zero\u200bwidth", "\u202etxet", "O'Brien; --", "x"]
    )
    def test_accepts_any_visible_text(self, value):
        assert check_identifier(value, what="id", error=ValueError) == value

    @pytest.mark.parametrize("value", [None, 7, b"ann"])
    def test_refuses_what_is_not_a_string(self, value):
        with pytest.raises(ValueError, match="must be a non-empty string"):
            check_identifier(value, what="id", error=ValueError)


class TestLabels:
    @pytest.mark.parametrize("value", ["", "Deals won", "tab\tseparated", "\u200b", "中文 🚀", "x" * MAX_LABEL])
    def test_accepts_text_with_tabs(self, value):
        assert check_label(value, what="label", error=ValueError) == value

    @pytest.mark.parametrize("value", ["\x00", "line\nbreak", "carriage\rreturn", "\x1b[2J"])
    def test_refuses_control_characters_but_tab(self, value):
        with pytest.raises(ValueError, match="control characters other than tab"):
            check_label(value, what="label", error=ValueError)

    def test_refuses_lone_surrogates_and_long_text(self):
        with pytest.raises(ValueError, match="lone surrogate"):
            check_label("a\udc80", what="label", error=ValueError)
        with pytest.raises(ValueError, match="at most 1000 characters, got 1001"):
            check_label("x" * 1001, what="label", error=ValueError)


def card(**kwargs):
    fields = {"id": "c1", "owner": User("ann"), "parameters": [Parameter("deals", 10, 100)]} | kwargs
    return Scorecard(
        fields.pop("id"), fields.pop("owner"), MONTHLY, MONTHLY.period(0), fields.pop("parameters"), **fields
    )


class TestAppliedEverywhere:
    """Each value object refuses a bad identifier or label with its own error, naming field and value."""

    @pytest.mark.parametrize(
        ("build", "error", "field"),
        [
            (User, InvalidScorecard, "user id"),
            (lambda v: Team(v, ["ann"]), InvalidScorecard, "team id"),
            (lambda v: Team("north", ["ann", v]), InvalidScorecard, "team member"),
            (lambda v: card(id=v), InvalidScorecard, "card id"),
            (lambda v: card(series=v), InvalidScorecard, "series"),
            (Metric, InvalidParameter, "metric key"),
            (lambda v: Parameter(v, 10, 100), InvalidParameter, "metric key"),
            (lambda v: Evidence(v, WHEN), InvalidScorecard, "evidence id"),
            (lambda v: ManualEntry(v, "nps", 1, WHEN, "ann"), InvalidScorecard, "card_id"),
            (lambda v: ManualEntry("c1", v, 1, WHEN, "ann"), InvalidScorecard, "metric"),
            (lambda v: ManualEntry("c1", "nps", 1, WHEN, v), InvalidScorecard, "recorded_by"),
            (lambda v: Record(v, "deals", "ann", WHEN), InvalidScorecard, "record id"),
            (lambda v: Record("r1", v, "ann", WHEN), InvalidScorecard, "record metric"),
            (lambda v: Record("r1", "deals", v, WHEN), InvalidScorecard, "record subject"),
            (lambda v: Actor(v, Role.USER), InvalidScorecard, "actor id"),
        ],
    )
    @pytest.mark.parametrize(("value", "rule"), [("\u200b", "visible character"), ("a\x00", "control characters")])
    def test_identifiers(self, build, error, field, value, rule):
        with pytest.raises(error, match=rf"{field} .*{rule}.*got {re.escape(repr(value))}"):
            build(value)

    @pytest.mark.parametrize(
        ("build", "error", "field"),
        [
            (lambda v: card(name=v), InvalidScorecard, "name"),
            (lambda v: Metric("deals", unit=v), InvalidParameter, "metric unit"),
            (lambda v: Metric("deals", label=v), InvalidParameter, "metric label"),
            (lambda v: Metric.custom("nps", "points", label=v), InvalidParameter, "metric label"),
            (lambda v: Evidence("e1", WHEN, label=v), InvalidScorecard, "evidence label"),
            (lambda v: Record("r1", "deals", "ann", WHEN, label=v), InvalidScorecard, "record label"),
        ],
    )
    def test_labels(self, build, error, field):
        assert build("tab\there") is not None
        with pytest.raises(error, match=rf"{field} must not hold control characters other than tab"):
            build("new\nline")

    def test_evidence_ids_may_be_integers(self):
        assert Evidence(42, WHEN).id == "42"
