"""The codec's fast path for stored cards (issue 14) gives exactly what the strict path gives.

`codec.loads` keeps each card it structured the strict way as a template, by the exact JSON of
everything in its document but the identity (id, owner, rollover, series, version, name), and
builds a later card of the same template by checking its identity only.  These properties pin
that this is invisible: for every generated card, and for every way of breaking a document of a
known template, the answer (the card, or the `InvalidDocument` and its message) is the strict
path's.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorekit import Cadence, Date, InvalidDocument, Parameter, Scorecard, Team, User, codec
from scorekit import strategies as sks

identifiers = st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12)
owners = st.one_of(
    identifiers.map(User),
    st.builds(Team, identifiers, st.frozensets(identifiers, min_size=1, max_size=4)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def strict(text):
    """The strict path alone: what `loads` gave before templates.

    That is `loads` itself with no template known: the same JSON parsing (which refuses
    `Infinity` and `NaN`, as JSON does), then the strict structuring.
    """
    codec._TEMPLATES.clear()
    return codec.loads(text, Scorecard)


def outcome(load, text):
    try:
        return ("card", load(text))
    except InvalidDocument as error:
        return ("refused", str(error))


@given(
    sks.scorecards(),
    owners,
    identifiers,
    st.none() | identifiers,
    st.integers(1, 10**6),
    st.text(max_size=8),
)
def test_a_card_of_a_known_template_equals_the_strict_one(card, owner, card_id, series, version, name):  # noqa: PLR0917
    codec.loads(codec.dumps(card), Scorecard)  # its template is known from here on
    sibling_text = json.dumps(
        {
            **codec.to_dict(card),
            "id": card_id,
            "owner": _owner_document(owner),
            "series": series,
            "version": version,
            "name": name,
            "rollover": not card.rollover,
        }
    )
    assert outcome(lambda t: codec.loads(t, Scorecard), sibling_text) == outcome(strict, sibling_text)


def _owner_document(owner):
    return {k: v for k, v in codec.to_dict(owner).items() if k != "schema"}


def _paths(node, prefix=()):
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@given(sks.scorecards(parameters=(1, 3)), st.data())
def test_a_broken_document_of_a_known_template_meets_the_strict_path(card, data):
    document = codec.to_dict(card)
    codec.loads(json.dumps(document), Scorecard)  # its template is known from here on
    path = data.draw(st.sampled_from(list(_paths(document))), label="path")
    how = data.draw(st.sampled_from(["replace", "delete", "add"]), label="how")
    node = document
    for step in path[:-1]:
        node = node[step]
    if how == "replace":
        node[path[-1]] = data.draw(json_values, label="value")
    elif how == "delete":
        del node[path[-1]]
    elif isinstance(node, dict):
        node[data.draw(st.text(max_size=8), label="new field")] = data.draw(json_values, label="value")
    text = json.dumps(document)
    assert outcome(lambda t: codec.loads(t, Scorecard), text) == outcome(strict, text)


def test_the_oracle_parses_json_as_loads_does():
    """`json.dumps` writes an infinite float as `Infinity`; both sides refuse it the same way."""
    card = TestTemplates.card()
    codec.loads(codec.dumps(card), Scorecard)
    document = codec.to_dict(card)
    document["name"] = float("inf")
    text = json.dumps(document)
    assert outcome(strict, text) == ("refused", "not valid JSON: Infinity is not a number JSON allows")
    assert outcome(lambda t: codec.loads(t, Scorecard), text) == outcome(strict, text)


class TestTemplates:
    """Worked examples: what is kept, what is checked again."""

    @staticmethod
    def card(card_id="c1", owner=None, **fields):
        c = Cadence.monthly(Date(2024, 1, 1))
        parameters = [Parameter("deals_won", 10, 60), Parameter("calls", 200, 40, cap="1.5")]
        return Scorecard(card_id, owner or User("ann"), c, c.period(0), parameters, **fields)

    def test_siblings_are_built_from_the_template_without_the_strict_path(self, monkeypatch):
        codec.loads(codec.dumps(self.card("c0")), Scorecard)
        calls = []
        real = codec._strict
        monkeypatch.setattr(codec, "_strict", lambda data, cls: calls.append(cls) or real(data, cls))
        cards = [self.card(f"c{i}", User(f"u{i}")) for i in range(1, 101)]
        assert [codec.loads(codec.dumps(c), Scorecard) for c in cards] == cards
        assert calls == []  # 100 cards of one template: none went the strict way

    def test_another_target_is_another_template(self, monkeypatch):
        codec.loads(codec.dumps(self.card()), Scorecard)
        calls = []
        real = codec._strict
        monkeypatch.setattr(codec, "_strict", lambda data, cls: calls.append(cls) or real(data, cls))
        other = self.card().with_parameters([Parameter("deals_won", 11, 60), Parameter("calls", 200, 40, cap="1.5")])
        assert codec.loads(codec.dumps(other), Scorecard) == other
        assert calls == [Scorecard]

    @pytest.mark.parametrize(
        ("field", "value", "problem"),
        [
            ("id", " ", "card id must be a non-empty string"),
            ("version", True, "version: expected a whole number, got True"),
            ("version", 0, "card's version must be a whole number of at least 1, got 0"),
            ("rollover", 1, "rollover: expected true or false, got 1"),
            ("owner", {"kind": "user", "id": "ann", "extra": 1}, "owner: unexpected field(s) extra"),
            ("owner", {"kind": "team", "id": "t", "members": []}, "a team needs at least one member"),
            ("name", "x\x00", "name"),
        ],
    )
    def test_a_bad_identity_on_a_known_template_gets_the_strict_message(self, field, value, problem):
        codec.loads(codec.dumps(self.card()), Scorecard)
        text = json.dumps(codec.to_dict(self.card()) | {field: value})
        with pytest.raises(InvalidDocument) as refused:
            codec.loads(text, Scorecard)
        assert problem in str(refused.value)
        assert outcome(lambda t: codec.loads(t, Scorecard), text) == outcome(strict, text)

    def test_true_is_not_1_and_1_is_not_1_0_in_a_template(self):
        document = codec.to_dict(self.card())
        codec.loads(json.dumps(document), Scorecard)
        document["cadence"]["every"] = True  # equal to 1 in Python, refused by the codec
        with pytest.raises(InvalidDocument, match=r"cadence\.every: expected a whole number, got True"):
            codec.loads(json.dumps(document), Scorecard)
        document["cadence"]["every"] = 1.0
        with pytest.raises(InvalidDocument, match=r"cadence\.every: expected a whole number, got 1\.0"):
            codec.loads(json.dumps(document), Scorecard)

    def test_a_deeply_nested_calendar_goes_the_strict_way(self):
        document = codec.to_dict(self.card())
        document["calendar"] = {"weekdays": json.loads("[" * 900 + "]" * 900), "holidays": []}
        with pytest.raises(InvalidDocument, match="calendar"):
            codec.loads(json.dumps(document), Scorecard)
