"""`score_many` is bit-identical to the 0.2 per-card loop, card by card, on mixed batches.

The reference is the previous `score` implementation, kept verbatim in
`_score_reference.py`; batches mix time zones, periods, calendars, policies, levels
and manual metrics (some from `ManualEntry`s), and every field is compared by its
`repr`, so a Decimal's exponent counts too, as do the explanations and `percent()`.
"""

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _score_reference import reference_score
from scorekit import CardScore, InvalidScorecard, ManualEntry, ScoreBatch, ScorekitError, ScoreRows, score, score_many
from scorekit.grouping import card_records, group_scores, similarity_key, summarize, summarize_groups
from test_scoring_oracle_properties import v02_cards, v02_measurements


def _signature(result: CardScore) -> tuple[object, ...]:
    """Everything a score carries, exponents included: its repr, its hidden context, its text."""
    whys = tuple(item._why for item in result.parameters)
    return (
        _fields(result),
        [_fields(p) for p in result.parameters],
        whys,
        result._careful,
        result.percent(),
        result.explain(),
    )


def _fields(value: object) -> str:
    """Every field a score shows, each by its own repr (the scores' reprs are one short line)."""
    return repr(tuple(getattr(value, name) for name in type(value).__match_args__))


@st.composite
def batches(draw):
    """Cards with distinct ids (mixed zones, periods, rules), their measurements, one instant, manual entries."""
    size = draw(st.integers(1, 6))
    cards, measurements, manual = [], [], []
    for index in range(size):
        card = draw(v02_cards()).evolve(id=f"card{index}")
        given = draw(v02_measurements(card))
        cards.append(card)
        measurements.append(given)
    anchor = draw(st.sampled_from(cards))
    start, end = anchor.period.instants(anchor.timezone)
    span = int((end - start).total_seconds())
    as_of = start.add(seconds=draw(st.integers(-86_400, span + 86_400))).in_timezone("UTC")
    for card, given in zip(cards, measurements, strict=True):
        for key in card.manual_keys:
            if draw(st.booleans()):
                continue  # the host gave the value itself
            given.pop(key, None)
            for _ in range(draw(st.integers(1, 3))):
                offset = draw(st.integers(-5 * 86_400, 86_400))
                value = draw(st.integers(0, 500))
                manual.append(ManualEntry(card.id, key, value, as_of.add(seconds=offset), "boss"))
    return cards, measurements, as_of, draw(st.permutations(manual))


def _reference(cards, measurements, as_of, manual):
    return [
        reference_score(card, given, as_of=as_of, manual=[e for e in manual if e.card_id == card.id])
        for card, given in zip(cards, measurements, strict=True)
    ]


@given(batches())
def test_score_many_equals_the_per_card_loop_bit_for_bit(case):
    cards, measurements, as_of, manual = case
    try:
        expected = _reference(cards, measurements, as_of, manual)
    except Exception as error:  # noqa: BLE001 - whatever the loop raises, the batch raises the same
        failure: Exception | None = error
    else:
        failure = None
    if failure is not None:
        with pytest.raises(type(failure)) as raised:
            score_many(cards, measurements, as_of=as_of, manual=manual)
        assert str(raised.value) == str(failure)
        return
    batch = score_many(cards, measurements, as_of=as_of, manual=manual)
    assert isinstance(batch, ScoreBatch)
    assert len(batch) == len(cards)
    # The columns, read before any CardScore is built, then every card, in a shuffled order.
    assert [repr(t) for t in batch.totals] == [repr(e.total) for e in expected]
    assert [repr(p) for p in batch.projected] == [repr(e.projected) for e in expected]
    assert batch.statuses == tuple(e.status for e in expected)
    for index in reversed(range(len(cards))):
        assert _signature(batch[index]) == _signature(expected[index])
    assert [_signature(s) for s in batch] == [_signature(e) for e in expected]
    for card, values, reference in zip(cards, measurements, expected, strict=True):
        own = [e for e in manual if e.card_id == card.id]
        assert _signature(score(card, values, as_of=as_of, manual=own)) == _signature(reference)
    assert batch.summary() == summarize(expected)
    assert batch.groups() == group_scores(expected)
    assert repr(batch.to_records()) == repr(card_records(expected))


@given(batches(), st.data())
def test_score_rows_summarize_and_group_from_columns_as_the_built_scores_do(case, data):
    cards, measurements, as_of, manual = case
    try:
        batch = score_many(cards, measurements, as_of=as_of, manual=manual)
    except ScorekitError:
        return  # bad input: the property above checks the batch raises what the loop raises
    order = data.draw(st.permutations(range(len(cards))))
    given_whole = data.draw(st.sets(st.sampled_from(order)))  # a closed card's score comes whole
    rows = ScoreRows(
        score(cards[i], measurements[i], as_of=as_of, manual=[e for e in manual if e.card_id == cards[i].id])
        if i in given_whole
        else (batch, i)
        for i in order
    )
    summary, groups = summarize(rows), group_scores(rows)
    assert all(built is None for built in batch._built)  # nothing was built to summarize or group
    built = tuple(rows)
    assert summary == summarize(built)
    assert groups == group_scores(built)
    assert [g.card_ids for g in groups] == [g.card_ids for g in group_scores(built)]
    assert summarize_groups(rows) == (summary, groups) == summarize_groups(built)  # one pass, the same numbers
    assert rows == built
    assert built == rows
    assert rows[1:] == built[1:]
    assert rows != built[1:]


def test_a_worked_batch_in_two_zones():
    from scorekit import Cadence, Date, Parameter, Scorecard, User

    c = Cadence.monthly(Date(2024, 4, 1))
    # 2024-04-30 23:30 UTC is still April 30 in New York (day 30 of 30, not over),
    # and already May 1 in Warsaw (the period is over).
    as_of = pendulum.datetime(2024, 4, 30, 23, 30, tz="UTC")
    ny = Scorecard("ny", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)], timezone="America/New_York")
    wa = Scorecard("wa", User("bob"), c, c.period(0), [Parameter("deals", 10, 100)], timezone="Europe/Warsaw")
    batch = score_many([ny, wa], [{"deals": 9}, {"deals": 9}], as_of=as_of)
    # Both 9 / 10 = 0.9; New York has a day of pace left: 9 * 30 / 30 = 9 -> 0.9, behind;
    # Warsaw's period is over: missed.
    assert [s.value for s in batch.statuses] == ["behind", "missed"]
    assert batch[0] == score(ny, {"deals": 9}, as_of=as_of)
    assert batch[1:] == (score(wa, {"deals": 9}, as_of=as_of),)


def test_score_many_refuses_mismatched_inputs_and_strangers_entries():
    from scorekit import Cadence, Date, Parameter, Scorecard, User

    c = Cadence.monthly(Date(2024, 4, 1))
    card = Scorecard("a", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
    as_of = pendulum.datetime(2024, 4, 10, tz="UTC")
    with pytest.raises(InvalidScorecard, match="one measurements mapping per card: got 1 cards and 2"):
        score_many([card], [{"deals": 1}, {"deals": 2}], as_of=as_of)
    stranger = ManualEntry("zz", "deals", 1, as_of, "boss")
    with pytest.raises(InvalidScorecard, match="card 'zz' was given to score card 'a'"):
        score_many([card], [{"deals": 1}], as_of=as_of, manual=[stranger])
    assert len(score_many([], [], as_of=as_of)) == 0


def _variant(card, kind, name):
    """A card like `card`: a copy (its very objects), moved to the next period (its parameters) or rebuilt (equal)."""
    if kind == "moved" and card.cadence.has_period(card.period):
        try:
            moved = card.evolve(id=name, period=card.cadence.following(card.period))
        except InvalidScorecard:  # e.g. no working day of the card's calendar in the next period
            pass
        else:
            assert moved.parameters is card.parameters
            assert moved.period != card.period
            return moved
    if kind == "rebuilt":  # equal settings, fresh objects: a card decoded from storage
        rebuilt = card.evolve(
            id=name, period=attrs.evolve(card.period), parameters=tuple(attrs.evolve(p) for p in card.parameters)
        )
        assert rebuilt.parameters == card.parameters
        assert rebuilt.parameters[0] is not card.parameters[0]
        return rebuilt
    return card.copy_for(card.owner, id=name)


@given(batches(), st.data())
def test_grouping_by_similarity_is_the_same_whether_cards_share_their_parameters_or_not(case, data):
    """Copies share their original's period and parameters (objects), moved ones only the parameters, and rebuilt
    cards hold equal, distinct ones.

    The default key looks each shared (period, parameters) pair up once; any other key
    function is called per card: both must give the same groups, in the same order.
    """
    cards, measurements, as_of, _manual = case
    mixed, values = [], []
    for index, (card, own_values) in enumerate(zip(cards, measurements, strict=True)):
        for copy in range(data.draw(st.integers(1, 3))):
            kind = data.draw(st.sampled_from(["copy", "moved", "rebuilt"]))
            other = _variant(card, kind, f"{kind}{index}-{copy}")
            mixed.append(other)
            values.append(own_values)
    order = data.draw(st.permutations(range(len(mixed))))
    try:
        batch = score_many([mixed[i] for i in order], [values[i] for i in order], as_of=as_of)
    except ScorekitError:
        return  # bad input: the first property checks the batch raises what the loop raises
    by_identity = group_scores(batch)
    per_card = group_scores(batch, lambda card: similarity_key(card))  # noqa: PLW0108 - another key function: the generic path
    assert [(g.key, g.card_ids) for g in by_identity] == [(g.key, g.card_ids) for g in per_card]
    assert by_identity == per_card
    assert group_scores(tuple(batch)) == per_card  # built scores group the same way
