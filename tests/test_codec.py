import contextlib
import json
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import (
    Cadence,
    CardScore,
    Date,
    Evidence,
    InvalidDocument,
    ManualEntry,
    Measurement,
    Metric,
    MetricRequest,
    Parameter,
    Period,
    Scorecard,
    Team,
    User,
    Weight,
    requests_for,
    score,
)
from scorekit.codec import MAX_STRING_CHARS, dumps, from_dict, loads, to_dict
from scorekit.strategies import (
    cadences,
    instants_for,
    measurements_for,
    metrics,
    parameters,
    periods,
    scorecards,
    weights,
)


def card():
    c = Cadence.monthly(Date(2024, 1, 31))
    return Scorecard(
        "c1",
        Team("north", ["ann", "bob"]),
        c,
        c.period(0),
        [Parameter(Metric("deals_won", "deals"), 10, "33.33", cap="1.5"), Parameter("calls", "120.5", "66.67")],
        timezone="Europe/Warsaw",
        name="Jan",
    )


class TestSchema:
    def test_documents_carry_the_schema_and_plain_json_types(self):
        data = to_dict(card())
        assert data["schema"] == 1
        assert data["owner"] == {"kind": "team", "id": "north", "members": ["ann", "bob"]}
        assert data["cadence"] == {"start": "2024-01-31", "every": 1, "unit": "months"}
        assert data["period"] == {"start": "2024-01-31", "end": "2024-02-29"}
        first = data["parameters"][0]
        assert (first["target"], first["weight"], first["cap"], first["direction"]) == (
            "10",
            "33.33",
            "1.5",
            "higher_is_better",
        )
        assert json.loads(json.dumps(data)) == data

    def test_instants_keep_their_offset(self):
        entry = ManualEntry("c1", "demos", "2.50", pendulum.datetime(2024, 3, 31, 12, tz="Europe/Warsaw"), "ann")
        data = to_dict(entry)
        assert data["recorded_at"] == "2024-03-31T12:00:00+02:00"
        assert data["value"] == "2.50"
        assert from_dict(data, ManualEntry) == entry

    def test_unknown_types_are_a_type_error(self):
        with pytest.raises(TypeError, match="no document type for dict"):
            to_dict({})
        with pytest.raises(TypeError, match="no document type"):
            from_dict({"schema": 1}, dict)


class TestRoundTrip:
    @given(scorecards())
    def test_scorecards(self, value):
        assert loads(dumps(value), Scorecard) == value

    @given(st.one_of(cadences(), periods(), metrics(), parameters(), weights(1).map(lambda w: w[0])))
    def test_value_types(self, value):
        assert loads(dumps(value), type(value)) == value

    @given(scorecards(), st.data())
    def test_scores_requests_and_measurements(self, value, data):
        measurements = data.draw(measurements_for(value))
        as_of = data.draw(instants_for(value))
        result = score(value, measurements, as_of=as_of)
        assert loads(dumps(result), CardScore) == result
        for measurement in measurements.values():
            assert loads(dumps(measurement), Measurement) == measurement
        for request in requests_for(value, as_of):
            assert loads(dumps(request), MetricRequest) == request

    def test_decimal_precision_survives(self):
        measurement = Measurement(
            "0.1000000000000000000000000000000000001", [Evidence("e", pendulum.datetime(2024, 1, 1, tz="UTC"))]
        )
        assert loads(dumps(measurement), Measurement).value == Decimal("0.1000000000000000000000000000000000001")


class TestMalformed:
    def problems(self, data, cls=Scorecard):
        with pytest.raises(InvalidDocument) as info:
            from_dict(data, cls)
        return str(info.value)

    def test_every_problem_is_named_with_its_path(self):
        data = to_dict(card())
        data["parameters"][1]["weight"] = "33.333"
        data["parameters"][0]["target"] = True
        data["period"]["start"] = 5
        data["owner"]["members"] = ["ann", 7]
        data["cadence"]["unit"] = "fortnights"
        message = self.problems(data)
        assert "parameters[1].weight: weight must have at most two decimal places" in message
        assert "parameters[0].target: expected a decimal number as a string, got True" in message
        assert "period.start: expected a string, got 5" in message
        assert "owner.members[1]: expected a string, got 7" in message
        assert "cadence.unit: unit must be one of 'months', 'weeks', 'days', got 'fortnights'" in message

    def test_missing_and_unexpected_fields(self):
        data = to_dict(card())
        del data["owner"]
        data["colour"] = "red"
        del data["parameters"][0]["metric"]["key"]
        message = self.problems(data)
        assert "owner: required field missing" in message
        assert "unexpected field(s) colour" in message
        assert "parameters[0].metric.key: required field missing" in message

    def test_weights_not_100(self):
        data = to_dict(card())
        data["parameters"][1]["weight"] = "50"
        assert "active weights sum to 83.33% (33.33% + 50%), expected exactly 100%" in self.problems(data)

    @pytest.mark.parametrize("schema", [None, 0, 2, "1", 1.0, True])
    def test_unknown_schema_versions(self, schema):
        data = to_dict(card())
        data["schema"] = schema
        assert 'must carry "schema": 1' in self.problems(data)
        del data["schema"]
        assert 'must carry "schema": 1' in self.problems(data)

    @pytest.mark.parametrize("data", [None, [], "card", 3, [to_dict(card())]])
    def test_not_an_object(self, data):
        assert "must be a JSON object" in self.problems(data)

    def test_a_10_mb_string(self):
        data = to_dict(card())
        data["name"] = "x" * 10_000_000
        assert f"longer than the {MAX_STRING_CHARS:,} allowed" in self.problems(data)
        with pytest.raises(InvalidDocument, match="longer than"):
            loads(json.dumps(data), Scorecard)

    def test_deep_nesting(self):
        with pytest.raises(InvalidDocument, match=r"nested too deeply|expected a string"):
            loads('{"schema": 1, "id": ' + "[" * 100_000 + "]" * 100_000 + "}", Scorecard)
        data = to_dict(card())
        nested: object = "x"
        for _ in range(10_000):
            nested = {"a": nested}
        data["name"] = nested
        assert "name: expected a string, got an object with 1 field(s)" in self.problems(data)

    @pytest.mark.parametrize("text", ["", "{", "NaN", '{"schema": 1, "value": NaN}', b"\xff\xfe", "[1,]"])
    def test_not_json(self, text):
        with pytest.raises(InvalidDocument, match="not valid JSON"):
            loads(text, Weight)

    def test_not_text(self):
        with pytest.raises(InvalidDocument, match="expected JSON text"):
            loads(None, Weight)

    def test_numbers_may_be_json_numbers_but_not_bools(self):
        assert from_dict({"schema": 1, "value": 40}, Weight) == Weight.percent(40)
        assert from_dict({"schema": 1, "value": 33.33}, Weight) == Weight.percent("33.33")
        assert "expected a decimal number" in self.problems({"schema": 1, "value": False}, Weight)

    def test_naive_instants_are_refused(self):
        data = to_dict(ManualEntry("c1", "demos", 1, pendulum.datetime(2024, 1, 1, tz="UTC"), "ann"))
        data["recorded_at"] = "2024-01-01T00:00:00"
        assert "recorded_at: instant must be an aware datetime" in self.problems(data, ManualEntry)

    def test_owner_kind(self):
        data = to_dict(card())
        data["owner"] = {"kind": "robot", "id": "r2"}
        assert "owner: an owner's kind must be 'user' or 'team', got 'robot'" in self.problems(data)
        data["owner"] = {"kind": "user", "id": "ann", "members": []}
        assert "owner: unexpected field(s) members" in self.problems(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)


def mutated_documents():
    base = to_dict(card())

    def mutate(path_and_value):
        keys, value = path_and_value
        data = json.loads(json.dumps(base))
        node = data
        for key in keys[:-1]:
            node = node[key] if isinstance(node, dict) else node[int(key) % len(node)]
        if isinstance(node, dict):
            node[keys[-1]] = value
        return data

    paths = st.sampled_from(
        [
            ["name"],
            ["id"],
            ["period", "start"],
            ["cadence", "every"],
            ["owner"],
            ["parameters"],
            ["timezone"],
            ["version"],
            ["schema"],
        ]
    )
    return st.tuples(paths, json_values).map(mutate)


@pytest.mark.parametrize(
    "cls", [Scorecard, Parameter, Weight, Cadence, Period, Metric, User, Team, CardScore, ManualEntry]
)
@given(data=st.one_of(json_values, st.dictionaries(st.text(max_size=8), json_values).map(lambda d: {**d, "schema": 1})))
def test_fuzz_only_invalid_document_escapes(cls, data):
    try:
        value = from_dict(data, cls)
    except InvalidDocument:
        return
    assert isinstance(value, cls)


@given(mutated_documents())
def test_fuzz_mutated_cards(data):
    try:
        value = loads(json.dumps(data), Scorecard)
    except InvalidDocument:
        return
    assert loads(dumps(value), Scorecard) == value


@given(st.text(max_size=200))
def test_fuzz_text(text):
    with contextlib.suppress(InvalidDocument):  # anything else fails the test
        loads(text, Scorecard)
