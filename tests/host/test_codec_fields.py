"""The fields 0.2 added to documents: written when used, left out at their defaults, 0.1 documents still load."""

import json

import pendulum
import pytest
from hypothesis import given

from scorekit import (
    Accumulation,
    Cadence,
    Date,
    Direction,
    Evidence,
    InvalidDocument,
    Measurement,
    Metric,
    MetricRequest,
    Parameter,
    Scorecard,
    StatusPolicy,
    User,
    WorkCalendar,
)
from scorekit.codec import dumps, fingerprint, from_dict, loads, to_dict
from scorekit.strategies import scorecards

APRIL = Cadence.monthly(Date(2024, 4, 1))

# Written by scorekit 0.1 (byte for byte what its codec produced for this card).
DOCUMENT_0_1 = (
    '{"schema": 1, "id": "ann-2024-04", "owner": {"kind": "user", "id": "ann"}, '
    '"cadence": {"start": "2024-04-01", "every": 1, "unit": "months"}, '
    '"period": {"start": "2024-04-01", "end": "2024-05-01"}, "parameters": ['
    '{"metric": {"key": "deals_won", "unit": "deals", "kind": "automatic", "label": "Deals won"}, '
    '"target": "10", "weight": "60", "counts_from": null, "direction": "higher_is_better", '
    '"cap": "1.5", "threshold": null, "prorate": false, "active": true}, '
    '{"metric": {"key": "demos_held", "unit": "demos", "kind": "manual", "label": ""}, '
    '"target": "5", "weight": "40", "counts_from": "2024-04-10", "direction": "lower_is_better", '
    '"cap": null, "threshold": "0.5", "prorate": true, "active": true}], '
    '"timezone": "Europe/Warsaw", "rollover": true, "series": "ann", "version": 3, "name": "Ann, April"}'
)
CARD_0_1 = Scorecard(
    "ann-2024-04",
    User("ann"),
    APRIL,
    APRIL.period(0),
    [
        Parameter(Metric("deals_won", "deals", label="Deals won"), 10, 60, cap="1.5"),
        Parameter(
            Metric.custom("demos_held", "demos"),
            5,
            40,
            counts_from=Date(2024, 4, 10),
            direction=Direction.LOWER_IS_BETTER,
            threshold="0.5",
            prorate=True,
        ),
    ],
    timezone="Europe/Warsaw",
    rollover=True,
    series="ann",
    version=3,
    name="Ann, April",
)


class TestDocumentsOf01:
    def test_load_to_equal_cards_with_every_default(self):
        card = loads(DOCUMENT_0_1, Scorecard)
        assert card == CARD_0_1
        assert card.status_policy == StatusPolicy()
        assert card.calendar is None
        assert {p.metric.accumulation for p in card.parameters} == {Accumulation.SUM}
        assert all(p.baseline is None and p.tolerance is None and p.band == 0 for p in card.parameters)

    def test_a_card_using_nothing_new_is_written_as_0_1_wrote_it_under_schema_2(self):
        # 0.3 raised the number only: the fields, their order and their text are 0.1's.
        assert dumps(CARD_0_1) == DOCUMENT_0_1.replace('{"schema": 1,', '{"schema": 2,', 1)

    @given(scorecards())
    def test_a_schema_1_document_loads_to_the_value_schema_2_describes(self, card):
        data = to_dict(card)
        assert data["schema"] == 2
        assert from_dict({**data, "schema": 1}, Scorecard) == from_dict(data, Scorecard) == card

    @given(scorecards())
    def test_new_fields_appear_only_when_used(self, card):
        data = to_dict(card)
        assert ("calendar" in data) == (card.calendar is not None)
        assert ("status_policy" in data) == (card.status_policy != StatusPolicy())
        for written, parameter in zip(data["parameters"], card.parameters, strict=True):
            assert ("accumulation" in written["metric"]) == (parameter.metric.accumulation is not Accumulation.SUM)
            assert ("baseline" in written) == (parameter.baseline is not None)
            assert ("tolerance" in written) == (parameter.tolerance is not None)
            assert ("band" in written) == (parameter.band != 0)
        assert from_dict(data, Scorecard) == card


class TestFieldsOf02:
    def card(self):
        return Scorecard(
            "c1",
            User("ann"),
            APRIL,
            APRIL.period(0),
            [
                Parameter(Metric.custom("nps", "points", accumulation=Accumulation.LAST), 50, 40, baseline=30),
                Parameter(
                    Metric("discount", "%", accumulation="average"),
                    10,
                    60,
                    direction=Direction.NEAR_TARGET,
                    tolerance="2.5",
                    band=1,
                ),
            ],
            status_policy=StatusPolicy(on_track="0.95", at_risk="0.85"),
            calendar=WorkCalendar(holidays={Date(2024, 5, 3), Date(2024, 5, 1)}),
        )

    def test_are_written_as_documented(self):
        data = to_dict(self.card())
        nps, discount = data["parameters"]
        assert nps["metric"]["accumulation"] == "last"
        assert nps["baseline"] == "30"
        assert discount["direction"] == "near_target"
        assert (discount["tolerance"], discount["band"]) == ("2.5", "1")
        assert data["status_policy"] == {"on_track": "0.95", "at_risk": "0.85"}
        assert data["calendar"] == {"weekdays": [0, 1, 2, 3, 4], "holidays": ["2024-05-01", "2024-05-03"]}
        assert json.loads(json.dumps(data)) == data  # plain JSON types only

    def test_round_trip(self):
        card = self.card()
        assert loads(dumps(card), Scorecard) == card

    def test_request_accumulation_and_no_value_yet(self):
        at = pendulum.datetime(2024, 4, 1, tz="UTC")
        level = MetricRequest("nps", frozenset({"ann"}), at, at.add(days=3), Accumulation.LAST)
        assert to_dict(level)["accumulation"] == "last"
        assert loads(dumps(level), MetricRequest) == level
        plain = MetricRequest("deals", frozenset({"ann"}), at, at.add(days=3))
        assert "accumulation" not in to_dict(plain)
        assert to_dict(Measurement(None))["value"] is None
        assert loads(dumps(Measurement(None)), Measurement) == Measurement(None)

    @pytest.mark.parametrize(
        ("path", "value", "problem"),
        [
            (("calendar",), {"weekdays": [0, "x"], "holidays": []}, "calendar.weekdays: expected a whole number"),
            (("calendar",), {"weekdays": [0], "holidays": ["2024-13-01"]}, "calendar.holidays: "),
            (("calendar",), {"weekdays": [], "holidays": []}, "calendar: calendar weekdays must name at least one"),
            (("calendar",), {"weekdays": [0]}, "calendar.holidays: required field missing"),
            (("status_policy",), {"on_track": "0.5", "at_risk": "0.9"}, "status_policy: status policy at_risk 0.9"),
            (("status_policy",), {"on_track": "1", "at_risk": "0", "x": 1}, "status_policy: unexpected field(s) x"),
            (("parameters", 0, "metric", "accumulation"), "median", "parameters[0].metric.accumulation"),
            (("parameters", 1, "band"), "-1", "parameters[1]"),
        ],
    )
    def test_bad_new_fields_are_named_by_path(self, path, value, problem):
        data = to_dict(self.card())
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        with pytest.raises(InvalidDocument) as caught:
            from_dict(data, Scorecard)
        assert problem in str(caught.value)


def test_evidence_writes_its_share_only_when_split():
    import pendulum

    from scorekit import Evidence, codec

    at = pendulum.datetime(2024, 3, 1, tz="UTC")
    assert "share" not in codec.to_dict(Evidence("d1", at, value=10))  # the 0.2 document, unchanged
    split = Evidence("d1", at, value=10, share="0.6")
    assert codec.to_dict(split)["share"] == "0.6"
    assert codec.loads(codec.dumps(split), Evidence) == split


class TestPlanFields:
    """0.3's plan on a card (steps, ramp, phasing, a 4-4-5 cadence) reads back equal."""

    def card(self):
        from scorekit import Cadence, Date, Parameter, Phasing, Ramp, Scorecard, TargetStep, User

        weeks = Cadence.weeks(Date(2024, 1, 1), pattern=(4, 4, 5))
        deals = Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 1, 15), 12),))
        return Scorecard(
            "c1",
            User("ann"),
            weeks,
            weeks.period(0),
            [deals],
            ramp=Ramp(Date(2024, 1, 1), ("0.5", "0.75")),
            phasing=Phasing({1: 3, 2: "2.5"}),
        )

    def test_a_planned_card_reads_back_equal(self):
        from scorekit import Scorecard, codec

        card = self.card()
        document = codec.to_dict(card)
        assert document["cadence"]["pattern"] == [4, 4, 5]  # not "every 13 weeks"
        assert document["phasing"] == {"months": {"1": "3", "2": "2.5"}}
        again = codec.loads(codec.dumps(card), Scorecard)
        assert again == card
        assert again.cadence.period(1) == card.cadence.period(1)

    def test_a_bad_phasing_is_an_invalid_document(self):
        import pytest

        from scorekit import InvalidDocument, Scorecard, codec

        document = codec.to_dict(self.card())
        document["phasing"] = {"months": {"13": "1"}}
        with pytest.raises(InvalidDocument, match="phasing"):
            codec.from_dict(document, Scorecard)


class TestFingerprintAcrossSchemas:
    def test_the_digest_is_the_sha256_of_the_canonical_json_0_2_defined(self):
        # The canonical JSON written out by hand from docs/format.md: the card's document as 0.1
        # wrote it (its fields, "schema": 1), the measurement as {value, sorted evidence ids}, no
        # manual entries; keys sorted, no spaces. Raising the format's number to 2 must not move it.
        import hashlib

        card = json.loads(DOCUMENT_0_1)
        canonical = {
            "card": card,
            "manual": [],
            "measurements": {"deals_won": {"evidence": ["d1", "d2"], "value": "7"}},
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected = hashlib.sha256(text.encode()).hexdigest()
        at = pendulum.datetime(2024, 4, 3, tz="UTC")
        measured = Measurement(7, [Evidence("d2", at), Evidence("d1", at)])
        assert fingerprint(CARD_0_1, {"deals_won": measured}) == expected
        assert dumps(CARD_0_1) != DOCUMENT_0_1  # the document itself now says 2
