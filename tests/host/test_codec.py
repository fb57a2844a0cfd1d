import contextlib
import json
import re
import time
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
    ParameterRollUp,
    Period,
    RollUp,
    Scorecard,
    ScorekitError,
    TargetMismatch,
    Team,
    Transition,
    User,
    Weight,
    codec,
    requests_for,
    score,
)
from scorekit.codec import (
    MAX_EVIDENCE,
    MAX_MEMBERS,
    MAX_PARAMETERS,
    MAX_PROBLEMS,
    MAX_STRING_CHARS,
    dumps,
    from_dict,
    loads,
    to_dict,
)
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
        assert data["schema"] == 2  # 0.3's number (0.1 and 0.2 wrote 1)
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

    @pytest.mark.parametrize("schema", [None, 0, 3, "1", "2", 1.0, 2.0, True])
    def test_unknown_schema_versions(self, schema):
        data = to_dict(card())
        data["schema"] = schema
        assert 'must carry "schema": 1 or 2' in self.problems(data)
        del data["schema"]
        assert 'must carry "schema": 1 or 2' in self.problems(data)

    @pytest.mark.parametrize("schema", [1, 2])
    def test_both_schemas_read(self, schema):
        assert from_dict({**to_dict(card()), "schema": schema}, Scorecard) == card()

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


class TestLimits:
    """Issue 11: long lists are refused before structuring, and a malformed document costs little."""

    def refused(self, data, cls):
        started = time.process_time()
        with pytest.raises(InvalidDocument) as info:
            loads(json.dumps(data), cls)
        return str(info.value), time.process_time() - started

    def test_a_card_with_more_than_1000_parameters(self):
        data = to_dict(card())
        data["parameters"] = [data["parameters"][0]] * (MAX_PARAMETERS + 1)
        message, _ = self.refused(data, Scorecard)
        assert message == "not a valid Scorecard document: parameters: 1,001 items are more than the 1,000 allowed"

    def test_the_list_bomb_of_issue_11(self):
        """`"parameters": [{}] * 100000` took 37 s and 639 MB and gave a 15 MB message."""
        data = {**to_dict(card()), "parameters": [{}] * 100_000}
        message, cpu = self.refused(data, Scorecard)
        assert "parameters: 100,000 items are more than the 1,000 allowed" in message
        assert cpu < 2  # generous: it is refused before structuring

    def test_a_team_with_more_than_100000_members(self):
        members = [f"u{i}" for i in range(MAX_MEMBERS + 1)]
        message, _ = self.refused({"schema": 1, "kind": "team", "id": "t", "members": members}, Team)
        assert "members: 100,001 items are more than the 100,000 allowed" in message
        data = to_dict(card())
        data["owner"]["members"] = members
        assert "owner.members: 100,001 items" in self.refused(data, Scorecard)[0]

    def test_a_measurement_with_more_than_100000_evidence_items(self):
        data = {"schema": 1, "value": "1", "evidence": [{}] * (MAX_EVIDENCE + 1)}
        assert "evidence: 100,001 items are more than the 100,000 allowed" in self.refused(data, Measurement)[0]

    def test_a_card_score_checks_its_card_and_every_parameter(self):
        c = card()
        result = score(c, {"deals_won": 3, "calls": 10}, as_of=pendulum.datetime(2024, 2, 10, tz="UTC"))
        data = to_dict(result)
        data["parameters"][1]["evidence"] = [{}] * (MAX_EVIDENCE + 1)
        assert "parameters[1].evidence: 100,001 items" in self.refused(data, CardScore)[0]
        data = to_dict(result)
        data["card"]["parameters"] = [{}] * (MAX_PARAMETERS + 1)
        assert "card.parameters: 1,001 items" in self.refused(data, CardScore)[0]

    @pytest.mark.parametrize(
        ("data", "cls"),
        [
            ({"schema": 1, "value": "1", "evidence": [{}] * 100_000}, Measurement),
            ({"schema": 1, "kind": "team", "id": "t", "members": [1] * 100_000}, Team),
            (
                {"schema": 1, "value": "1", "evidence": [{"id": 1, "occurred_at": [], "value": {}}] * 100_000},
                Measurement,
            ),
        ],
    )
    def test_a_100000_item_malformed_list_is_cheap_and_its_message_short(self, data, cls):
        message, cpu = self.refused(data, cls)
        lines = message.splitlines()
        assert len(lines) == 1 + MAX_PROBLEMS + 1  # the title, 20 problems, "... and N more"
        assert lines[-1].startswith("  ... and ")
        assert "more" in lines[-1]
        assert len(message) < 5_000
        assert cpu < 2  # generous: well under a second per megabyte (this is 0.3 to 3.5 MB)

    def test_at_most_20_problems_then_how_many_more(self):
        data = to_dict(card())
        data["parameters"] = [{"metric": i} for i in range(25)]
        with pytest.raises(InvalidDocument) as info:
            from_dict(data, Scorecard)
        lines = str(info.value).splitlines()
        assert len(lines) == 1 + MAX_PROBLEMS + 1
        assert re.fullmatch(r"  \.\.\. and [\d,]+ more(, and [\d,]+ list item\(s\) left unchecked)?", lines[-1])

    def test_unexpected_field_names_are_cut_to_20_and_a_count(self):
        data = {**to_dict(card()), **{f"extra{i:02d}": i for i in range(30)}}
        with pytest.raises(InvalidDocument) as info:
            from_dict(data, Scorecard)
        message = str(info.value)
        assert "unexpected field(s) extra00, extra01," in message
        assert "extra19 and 10 more" in message
        assert "extra20" not in message

    def test_just_under_the_limits_loads(self):
        members = [f"u{i:06d}" for i in range(MAX_MEMBERS)]
        team = loads(json.dumps({"schema": 1, "kind": "team", "id": "t", "members": members}), Team)
        assert len(team.members) == MAX_MEMBERS


huge_and_tiny = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["1e999999999", "-1e-999999999", "1e-30", "1E+400", "0.1" + "0" * 200 + "1", "\u0661\u0660", "NaN", "-0"]
    ),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
hostile_text = st.text(st.characters(codec="utf-8") | st.characters(categories=["Cs", "Cc", "Cf"]), max_size=12)
hostile_values = st.recursive(
    st.none() | st.booleans() | huge_and_tiny | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20,
)
DOCUMENT_TYPES = [
    Scorecard,
    Parameter,
    Weight,
    Cadence,
    Period,
    Metric,
    User,
    Team,
    CardScore,
    ManualEntry,
    Evidence,
    Measurement,
    MetricRequest,
    RollUp,
    ParameterRollUp,
    TargetMismatch,
    Transition,
]


def _mutated(base):
    """Valid documents with one value, anywhere in them, replaced by something hostile."""

    def paths(node, prefix=()):
        yield prefix
        if isinstance(node, dict):
            for key, value in node.items():
                yield from paths(value, (*prefix, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from paths(value, (*prefix, index))

    every = [p for p in paths(base) if p]

    def put(path_and_value):
        path, value = path_and_value
        data = json.loads(json.dumps(base))
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return data

    return st.tuples(st.sampled_from(every), hostile_values).map(put)


def _only_scorekit_errors(text, cls):
    with contextlib.suppress(ScorekitError):  # anything else fails the test
        loads(text, cls)


class TestFuzzLoads:
    """Nothing but a ScorekitError leaves `codec.loads`, whatever the text."""

    @given(st.sampled_from(DOCUMENT_TYPES), hostile_values)
    def test_arbitrary_json(self, cls, value):
        _only_scorekit_errors(json.dumps(value), cls)
        if isinstance(value, dict):
            _only_scorekit_errors(json.dumps({**value, "schema": 1}), cls)

    @given(_mutated(to_dict(card())))
    def test_mutated_cards(self, data):
        _only_scorekit_errors(json.dumps(data), Scorecard)

    @given(st.data())
    def test_mutated_scores_and_measurements(self, data):
        c = card()
        evidence = [Evidence("e1", pendulum.datetime(2024, 2, 3, tz="UTC"), 2, "ACME")]
        measurement = Measurement(3, evidence)
        result = score(c, {"deals_won": measurement, "calls": 10}, as_of=pendulum.datetime(2024, 2, 10, tz="UTC"))
        cls, base = data.draw(
            st.sampled_from([(CardScore, to_dict(result)), (Measurement, to_dict(measurement))]), label="document"
        )
        _only_scorekit_errors(json.dumps(data.draw(_mutated(base), label="mutated")), cls)

    @given(st.sampled_from(DOCUMENT_TYPES), st.text(max_size=200) | st.binary(max_size=200))
    def test_arbitrary_text_and_bytes(self, cls, text):
        _only_scorekit_errors(text, cls)

    @given(st.sampled_from(DOCUMENT_TYPES), hostile_text)
    def test_lone_surrogates_in_the_text_itself(self, cls, text):
        _only_scorekit_errors('{"schema": 1, "id": "' + text + '"}', cls)
        _only_scorekit_errors(text, cls)


class TestTeamDocuments:
    """0.3's values a host keeps (issue 25): a roll-up, a target mismatch, the transitions it told someone."""

    @given(st.one_of(*(st.from_type(cls) for cls in (RollUp, ParameterRollUp, TargetMismatch, Transition))))
    def test_round_trip(self, value):
        assert loads(dumps(value), type(value)) == value

    def test_a_status_transition_is_statuses_and_a_milestone_totals(self):
        from scorekit import Status, TransitionKind

        told = Transition("ann-apr", TransitionKind.STATUS, "calls", Status.BEHIND, Status.ON_TRACK)
        assert to_dict(told) == {
            "schema": 2,
            "card_id": "ann-apr",
            "kind": "status",
            "key": "calls",
            "before": "behind",
            "after": "on_track",
            "milestone": None,
        }
        reached = Transition("ann-apr", TransitionKind.MILESTONE, None, None, Decimal("0.925"), Decimal("0.9"))
        assert to_dict(reached)["after"] == "0.925"
        with pytest.raises(InvalidDocument, match="before: expected a status"):
            from_dict({**to_dict(told), "before": "0.5"}, Transition)


class TestDocumentsRefusedEarly:
    """0.3: dates and instants are calendar dates only; bounds hold wherever a card is nested."""

    @pytest.mark.parametrize("text", ["2024-W05-1", "2024-035", "20240201"])
    def test_a_week_or_ordinal_date_is_not_a_date(self, text):
        from scorekit import Period

        with pytest.raises(InvalidDocument, match="YYYY-MM-DD"):
            codec.from_dict({"schema": 1, "start": text, "end": "2024-03-01"}, Period)

    def test_a_week_date_instant_is_not_an_instant(self):
        from scorekit import Evidence

        with pytest.raises(InvalidDocument, match="ISO 8601 instant"):
            codec.from_dict({"schema": 1, "id": "d", "occurred_at": "2024-W05-1T10:00:00+00:00"}, Evidence)

    def test_a_card_inside_a_revision_or_a_closed_score_keeps_its_parameter_bound(self):
        import pendulum

        from scorekit import Cadence, ClosedScore, Date, Parameter, Revision, Scorecard, User, score
        from scorekit.history import Change

        c = Cadence.monthly(Date(2024, 1, 1))
        card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
        at = pendulum.datetime(2024, 2, 1, tz="UTC")
        revision = codec.to_dict(Revision(card, Change("boss", at)))
        revision["card"]["parameters"] = revision["card"]["parameters"] * (codec.MAX_PARAMETERS + 1)
        with pytest.raises(InvalidDocument, match="more than the 1,000 allowed"):
            codec.from_dict(revision, Revision)
        closed = codec.to_dict(
            ClosedScore.of(
                score(card, {"deals_won": 8}, as_of=at), closed_at=at, closed_by="boss", fingerprint="0" * 64
            )
        )
        closed["score"]["card"]["parameters"] = closed["score"]["card"]["parameters"] * (codec.MAX_PARAMETERS + 1)
        with pytest.raises(InvalidDocument, match="more than the 1,000 allowed"):
            codec.from_dict(closed, ClosedScore)
