"""Score documents across the 0.3 rule changes (issue 21): closed snapshots keep their numbers."""

import json
from decimal import Decimal

import pendulum
import pytest

from scorekit import (
    Cadence,
    Date,
    Direction,
    InvalidDocument,
    Metric,
    Parameter,
    Scorecard,
    Status,
    StatusPolicy,
    User,
    codec,
    score,
)
from scorekit.scores import CardScore

APRIL = Cadence.monthly(Date(2024, 4, 1))
MAY_1 = pendulum.datetime(2024, 5, 1, tz="UTC")


def card(*parameters: Parameter, **kwargs: object) -> Scorecard:
    return Scorecard("c1", User("ann"), APRIL, APRIL.period(0), list(parameters), **kwargs)


class TestJudgeFrom:
    def test_round_trips_and_is_written_only_when_set(self):
        plain = card(Parameter("deals_won", 10, 100))
        assert "judge_from" not in codec.dumps(plain)  # a 0.2 card's document, and fingerprint, are unchanged
        early = plain.evolve(status_policy=StatusPolicy(on_track="0.9", judge_from="0.1"))
        text = codec.dumps(early)
        assert json.loads(text)["status_policy"] == {"on_track": "0.9", "at_risk": "0", "judge_from": "0.1"}
        assert codec.loads(text, Scorecard) == early

    def test_a_02_policy_document_loads_with_judge_from_0(self):
        document = json.loads(codec.dumps(card(Parameter("deals_won", 10, 100))))
        document["status_policy"] = {"on_track": "0.9", "at_risk": "0.5"}
        assert codec.from_dict(document, Scorecard).status_policy == StatusPolicy("0.9", "0.5", 0)


class TestClosedSnapshotsKeepTheirNumbers:
    def test_a_lower_is_better_score_written_under_02_reads_back_with_its_200_percent(self):
        # Under 0.2, 0 complaints against 5 scored 2 - 0/5 = 200% with no cap: 0.5 x 0 + 0.5 x 2 = 100%,
        # ACHIEVED.  The document says so (written here with cap 2, then the cap taken out, as 0.2 wrote
        # it); read under 0.3's rule (capped at 1) it still shows its stored numbers.
        complaints = Parameter("complaints", 5, 50, direction=Direction.LOWER_IS_BETTER)
        written = score(
            card(Parameter("deals_won", 10, 50), complaints.evolve(cap=2)),
            {"deals_won": 0, "complaints": 0},
            as_of=MAY_1,
        )
        document = json.loads(codec.dumps(written))
        document["card"]["parameters"][1]["cap"] = None
        document["parameters"][1]["parameter"]["cap"] = None
        back = codec.from_dict(document, CardScore)
        item = back.parameter("complaints")
        assert (item.achievement, item.effective, item.contribution) == (2, 2, Decimal("1.0"))
        assert (back.total, back.status, back.percent()) == (Decimal("1.0"), Status.ACHIEVED, Decimal("100.00"))
        assert "total = 0.00% + 100.00% = 100.00%" in back.explain()

    def test_a_levels_stored_expected_reads_back(self):
        rate = Parameter(Metric("conversion", "%", accumulation="average"), "0.3", 100)
        written = score(card(rate), {"conversion": "0.3"}, as_of=pendulum.datetime(2024, 4, 15, 12, tz="UTC"))
        document = json.loads(codec.dumps(written))
        assert document["parameters"][0]["expected"] is None
        document["parameters"][0]["expected"] = "0.5"  # what 0.2 wrote on April 15
        assert codec.from_dict(document, CardScore).parameters[0].expected == Decimal("0.5")


class TestTheScoresAsTuples:
    """Issue 26: the scores are tuples, not attrs classes; their documents are as the attrs classes wrote them."""

    def test_a_scores_document_word_for_word(self):
        # deals_won 12 of 10 on May 1: 12 / 10 = 1.2, weight 100% -> contribution 1.2, the window over -> expected 1.
        written = score(card(Parameter("deals_won", 10, 100)), {"deals_won": 12}, as_of=MAY_1)
        document = codec.to_dict(written)
        parameter = codec.to_dict(written.card)["parameters"][0]
        assert list(document) == ["schema", "card", "as_of", "total", "parameters", "projected", "status"]
        assert document["parameters"] == [
            {
                "parameter": parameter,
                "actual": "12",
                "target": "10",
                "achievement": "1.2",
                "effective": "1.2",
                "contribution": "1.2",
                "expected": "1",
                "projected": "1.2",
                "status": "achieved",
                "evidence": [],
            }
        ]
        assert (document["as_of"], document["total"], document["projected"]) == (
            "2024-05-01T00:00:00+00:00",
            "1.2",
            "1.2",
        )
        assert codec.from_dict(document, CardScore) == written

    def test_a_parameters_document_without_evidence_loads_with_none_and_a_bad_one_names_its_fields(self):
        written = score(card(Parameter("deals_won", 10, 100)), {"deals_won": 12}, as_of=MAY_1)
        document = json.loads(codec.dumps(written))
        del document["parameters"][0]["evidence"]
        assert codec.from_dict(document, CardScore).parameters[0].evidence == ()
        document["parameters"][0]["status"] = "great"
        document["parameters"][0]["colour"] = "green"
        del document["total"]
        with pytest.raises(InvalidDocument) as raised:
            codec.from_dict(document, CardScore)
        assert str(raised.value).splitlines()[1:] == [
            "  total: required field missing",
            "  parameters[0].status: 'great' is not a valid Status",
            "  parameters[0]: unexpected field(s) colour",
        ]
