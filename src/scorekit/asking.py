"""What a batch of cards asks the CRM once, and each card's measurements from the answers.

Pure steps around the two calls a host's `MetricSource` answers; the service only
calls the port between them:

1. `requests` (for `measure`: one `MetricRequest` per distinct metric, subjects and
   window) or `cells` (for `aggregate`: one `Cell` per distinct metric, user and
   window, so a user's cell serves their own card and every team card they are in);
2. `from_measurements` or `from_aggregates`: each card's measurements, a team's
   members pooled here (`Aggregate.pool`); a request left unanswered raises
   `MissingMeasurement` naming the card and metric;
3. `with_manual`: each manual metric's latest entry (zero until someone enters one), and
   the entries each card read;
4. `score_rows`: one `score_many` batch per distinct instant, each card's score a row of
   one (`ScoreRows`).

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> from scorekit.measurement import Measurement
>>> c = Cadence.monthly(Date(2024, 4, 1))
>>> cards = [Scorecard(i, User(i), c, c.period(0), [Parameter("deals", 10, 100)]) for i in ("ann", "bob")]
>>> as_of = [pendulum.datetime(2024, 4, 16, tz="UTC")] * 2
>>> wanted, per_card = requests(cards, as_of)
>>> sorted(subject for r in wanted for subject in r.subjects)
['ann', 'bob']
>>> answers = {r: Measurement(5 if "ann" in r.subjects else 3) for r in wanted}
>>> measured = from_measurements(cards, per_card, answers)
>>> with_manual(cards, as_of, measured, ())  # no manual metric: no entry read
[(), ()]
>>> [scored.percent() for scored in score_rows(cards, as_of, measured)]
[Decimal('50.00'), Decimal('30.00')]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, NamedTuple

from pendulum import DateTime

from scorekit.adjustment import Adjustment
from scorekit.batch import ScoreBatch, ScoreRows
from scorekit.errors import MissingMeasurement
from scorekit.measurement import (
    Aggregate,
    Cell,
    ColumnKey,
    ManualEntry,
    Measurement,
    MetricRequest,
    iter_request_tuples,
    latest_values,
    request_tuples,
)
from scorekit.numbers import EXACT, MAX_ANY_PLACES, MAX_MAGNITUDE, ZERO, exact_sum
from scorekit.parameter import Accumulation
from scorekit.period import as_utc
from scorekit.scorecard import Scorecard
from scorekit.scoring import score_many

__all__ = [
    "CellPlan",
    "ColumnPlan",
    "cells",
    "columns",
    "from_aggregates",
    "from_columns",
    "from_measurements",
    "requests",
    "score_rows",
    "with_manual",
]

Measurements = dict[str, Measurement | Decimal]
"""One card's measurements, by metric key, as `scorekit.score` takes them."""

_NO_RECORD: Final = Measurement(None)
_LOW: Final = -MAX_MAGNITUDE
_SUM: Final = Accumulation.SUM
_AVERAGE: Final = Accumulation.AVERAGE
_BALANCE: Final = Accumulation.BALANCE
_SMALLEST_MEAN: Final = -(MAX_ANY_PLACES - EXACT.prec)
"""A mean (34 digits) whose leading digit is above 1e-966 has at most 1,000 decimals."""


def requests(
    cards: Sequence[Scorecard], instants: Sequence[DateTime]
) -> tuple[set[MetricRequest], list[tuple[MetricRequest, ...]]]:
    """The distinct requests of `cards` as of their instants (one `measure` call), and each card's own."""
    per_card = [tuple(MetricRequest(*r) for r in wanted) for wanted in request_tuples(cards, instants)]
    return set(itertools.chain.from_iterable(per_card)), per_card


def from_measurements(
    cards: Sequence[Scorecard],
    per_card: Sequence[tuple[MetricRequest, ...]],
    answers: Mapping[MetricRequest, Measurement],
) -> list[Measurements]:
    """Each card's measurements, with their evidence, from the answers of one `measure` call."""
    measured: list[Measurements] = []
    for card, wanted in zip(cards, per_card, strict=True):
        try:
            measured.append({r.metric: answers[r] for r in wanted})
        except KeyError as error:
            msg = f"the metric source left {error.args[0].metric!r} for card {card.id!r} unanswered"
            raise MissingMeasurement(msg) from None
    return measured


class CellPlan(NamedTuple):
    """What `aggregate` is asked (`cells`), and what each card needs of its answers.

    `slots` holds each distinct request's cell (a user's) or cells (a team's members),
    `accumulations` its accumulation; each card's metric keys are `keys[card]`, and their
    slots follow one another in `slot_numbers`, card after card (as `ColumnPlan` keeps
    them): a dashboard's garbage collections walk what is kept, so keeping little matters
    as much as computing little.
    """

    cells: list[Cell]
    slots: list[Cell | list[Cell]]
    accumulations: list[Accumulation]
    keys: list[tuple[str, ...]]
    slot_numbers: list[int]


def cells(cards: Sequence[Scorecard], instants: Sequence[DateTime]) -> CellPlan:
    """The distinct cells of `cards` as of their instants (one `aggregate` call), and each card's slots."""
    # Requests are read one card at a time and not kept: a card keeps its keys and slot numbers only.
    slots: dict[tuple[str, DateTime, DateTime, int], dict[frozenset[str], int]] = {}
    windows: dict[tuple[str, DateTime, DateTime], dict[str, Cell]] = {}
    plan = CellPlan([], [], [], [], [])
    found_cells, slot_cells, accumulations, keys, slot_numbers = plan
    trusted = Cell._trusted  # noqa: SLF001 - parts from a validated card, instants in UTC, start <= end
    for wanted_by_card in iter_request_tuples(cards, instants):
        for metric, subjects, start, end, accumulation in wanted_by_card:
            # id(): accumulations are enum members (singletons), and an enum hashes in Python
            own = slots.get((metric, start, end, id(accumulation)))
            if own is None:
                own = slots[metric, start, end, id(accumulation)] = {}
            slot = own.get(subjects)
            if slot is None:
                slot = own[subjects] = len(slot_cells)
                accumulations.append(accumulation)
                known = windows.get((metric, start, end))
                if known is None:
                    known = windows[metric, start, end] = {}
                members = []
                for subject in subjects:
                    cell = known.get(subject)
                    if cell is None:
                        cell = known[subject] = trusted(metric, accumulation, subject, start, end)
                        found_cells.append(cell)
                    members.append(cell)
                slot_cells.append(members[0] if len(members) == 1 else members)
            slot_numbers.append(slot)
        keys.append(tuple(metric for metric, *_ in wanted_by_card))
    return plan


def from_aggregates(
    cards: Sequence[Scorecard], plan: CellPlan, answers: Mapping[Cell, Aggregate]
) -> list[Measurements]:
    """Each card's measurements from the answers of one `aggregate` call, teams pooled here.

    The values are those `measure` gives for the same records (`Aggregate.value`).
    """
    found: list[Aggregate | list[Aggregate] | None] = []
    for slot in plan.slots:
        if type(slot) is Cell:
            found.append(answers.get(slot))
        else:
            members = [answers.get(cell) for cell in slot]  # type: ignore[union-attr]
            found.append(None if any(member is None for member in members) else members)  # type: ignore[arg-type]
    return _measured(cards, plan.keys, plan.slot_numbers, plan.accumulations, found, "as aggregates")


class ColumnPlan(NamedTuple):
    """What `aggregate_columns` is asked (`columns`), and what each card needs of its answers.

    `columns` maps each (metric, accumulation, window start, window end) to the user ids
    whose aggregates the cards need: one question per metric and window, not one object
    per user.  Slot ``i`` is a distinct request: its column `slot_columns[i]` and its
    subjects `slot_subjects[i]` (a user, or a team's members).  Each card's metric keys
    are its template's (`templates[of_card[card]]`), and their slots follow one another
    in `slot_numbers`, card after card.  Flat lists, not a tuple per card or slot: a
    dashboard's garbage collections walk what is kept, so keeping little matters as much
    as computing little.
    """

    columns: dict[ColumnKey, frozenset[str]]
    slot_columns: list[ColumnKey]
    slot_subjects: list[frozenset[str]]
    templates: list[tuple[str, ...]]
    of_card: list[int]
    slot_numbers: list[int]


def columns(cards: Sequence[Scorecard], instants: Sequence[DateTime]) -> ColumnPlan:
    """The columns of `cards` as of their instants (one `aggregate_columns` call), and each card's slots.

    Cards that share their windows (a template's cards: copies, the codec's cards of one
    document shape) and their instant ask the same columns for their own subjects: the
    columns are worked out once per such template (`measurement.iter_request_tuples`).

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, Team, User
    >>> c = Cadence.monthly(Date(2024, 4, 1))
    >>> ann = Scorecard("ann", User("ann"), c, c.period(0), [Parameter("deals", 10, 100)])
    >>> team = ann.copy_for(Team("sales", {"ann", "bob"}))
    >>> plan = columns([ann, team], [pendulum.datetime(2024, 4, 16, tz="UTC")] * 2)
    >>> [(key[0], key[1].value, str(key[2].date()), sorted(subjects)) for key, subjects in plan.columns.items()]
    [('deals', 'sum', '2024-04-01', ['ann', 'bob'])]
    >>> plan.templates, plan.of_card, plan.slot_numbers, [sorted(s) for s in plan.slot_subjects]
    ([('deals',)], [0, 0], [0, 1], [['ann'], ['ann', 'bob']])
    """
    # Each card's template: its windows and its instant, by identity (every card and instant
    # is alive until the plan is made, so no id is reused).
    template_of: dict[tuple[int, int], int] = {}
    firsts: list[int] = []
    of_card: list[int] = []
    for index, (card, instant) in enumerate(zip(cards, instants, strict=True)):
        template = template_of.get((id(card.windows), id(instant)))
        if template is None:
            template = template_of[id(card.windows), id(instant)] = len(firsts)
            firsts.append(index)
        of_card.append(template)
    # A column by (metric, start, end, id(accumulation)): an enum member is a singleton, and an
    # enum hashes in Python; each column's slots by subjects.
    found: dict[tuple[str, DateTime, DateTime, int], tuple[ColumnKey, set[str], dict[frozenset[str], int]]] = {}
    asked: list[list[tuple[ColumnKey, set[str], dict[frozenset[str], int]]]] = []
    templates: list[tuple[str, ...]] = []
    for requests_of_template in iter_request_tuples([cards[i] for i in firsts], [instants[i] for i in firsts]):
        wanted_by_template = []
        for metric, _subjects, start, end, accumulation in requests_of_template:
            column = found.get((metric, start, end, id(accumulation)))
            if column is None:
                column = found[metric, start, end, id(accumulation)] = ((metric, accumulation, start, end), set(), {})
            wanted_by_template.append(column)
        asked.append(wanted_by_template)
        templates.append(tuple(metric for metric, *_ in requests_of_template))
    slot_columns: list[ColumnKey] = []
    slot_subjects: list[frozenset[str]] = []
    slot_numbers: list[int] = []
    for card, template in zip(cards, of_card, strict=True):
        subjects = card.subjects
        for key, members, own in asked[template]:
            slot = own.get(subjects)
            if slot is None:
                slot = own[subjects] = len(slot_columns)
                members.update(subjects)
                slot_columns.append(key)
                slot_subjects.append(subjects)
            slot_numbers.append(slot)
    columns = {key: frozenset(members) for key, members, _ in found.values()}
    return ColumnPlan(columns, slot_columns, slot_subjects, templates, of_card, slot_numbers)


def from_columns(
    cards: Sequence[Scorecard], plan: ColumnPlan, answers: Mapping[ColumnKey, Mapping[str, Aggregate]]
) -> list[Measurements]:
    """Each card's measurements from the answers of one `aggregate_columns` call, teams pooled here.

    The values are those `aggregate` (and `measure`) give for the same records.
    """
    # Slots hold the plan's own key objects: each column's answer found once, by identity.
    by_key = {id(key): answers.get(key) for key in plan.columns}
    accumulations: list[Accumulation] = []
    found: list[Aggregate | list[Aggregate] | None] = []
    for key, subjects in zip(plan.slot_columns, plan.slot_subjects, strict=True):
        accumulations.append(key[1])
        column = by_key[id(key)]
        if column is None:
            found.append(None)
        elif len(subjects) == 1:
            (subject,) = subjects
            found.append(column.get(subject))
        else:
            members = [column.get(subject) for subject in subjects]
            found.append(None if any(member is None for member in members) else members)  # type: ignore[arg-type]
    keys = [plan.templates[template] for template in plan.of_card]
    return _measured(cards, keys, plan.slot_numbers, accumulations, found, "by columns")


def _measured(  # noqa: PLR0917 - the plan's parts, in order
    cards: Sequence[Scorecard],
    keys: Sequence[tuple[str, ...]],
    slot_numbers: Sequence[int],
    accumulations: Sequence[Accumulation],
    found: Sequence[Aggregate | list[Aggregate] | None],
    how: str,
) -> list[Measurements]:
    """Each card's measurements from each slot's aggregate (a user's) or aggregates (a team's members).

    Card ``i`` has metric keys ``keys[i]``, and their slots follow one another in
    `slot_numbers`.  None for a slot the source left unanswered: a card that needs it
    raises `MissingMeasurement`.
    """
    values: list[Measurement | Decimal] = []
    unanswered: list[int] = []
    pool = Aggregate.pool
    for accumulation, answered in zip(accumulations, found, strict=True):
        if answered is None:
            unanswered.append(len(values))
            values.append(ZERO)  # a placeholder: the card that needs it raises below
            continue
        if type(answered) is list:
            if accumulation is _BALANCE:
                value = _balance(answered)
                values.append(_NO_RECORD if value is None else _scorable(value, accumulation))
                continue
            aggregate = pool(answered)
        else:
            aggregate = answered  # type: ignore[assignment]
        # `Aggregate.value`, a SUM's without the call
        value = aggregate.total if accumulation is _SUM and aggregate.count else aggregate.value(accumulation)
        if value is None:
            values.append(_NO_RECORD)
        elif _LOW < value < MAX_MAGNITUDE and accumulation is not _AVERAGE:  # `_scorable`'s common case, inline
            values.append(value)
        else:
            values.append(_scorable(value, accumulation))
    if unanswered:
        _refuse_unanswered(cards, keys, slot_numbers, set(unanswered), how)
    slots = iter(slot_numbers)
    return [{key: values[next(slots)] for key in own} for own in keys]


def _refuse_unanswered(
    cards: Sequence[Scorecard],
    keys: Sequence[tuple[str, ...]],
    slot_numbers: Sequence[int],
    missing: set[int],
    how: str,
) -> None:
    """Raise `MissingMeasurement` naming the first card and metric whose request the source left unanswered."""
    slots = iter(slot_numbers)
    for card, own in zip(cards, keys, strict=True):
        for key in own:
            if next(slots) in missing:
                msg = f"the metric source left {key!r} ({how}) for card {card.id!r} unanswered"
                raise MissingMeasurement(msg)


def _balance(members: Sequence[Aggregate]) -> Decimal | None:
    """A team's BALANCE from its members' aggregates: the sum of each one's latest value; None when nobody has one."""
    latest = [member.last_value for member in members if member.count]
    return exact_sum(value for value in latest if value is not None) if latest else None


def _scorable(value: Decimal, accumulation: Accumulation) -> Measurement | Decimal:
    """An aggregate's value (`Aggregate.value`) for scoring: as it is within scorekit's bounds, else a `Measurement`.

    Scoring reads a plain Decimal without a conversion; a value out of bounds becomes a
    `Measurement`, which raises what `measure` would have raised.
    """
    if _LOW < value < MAX_MAGNITUDE and (accumulation is not _AVERAGE or value.adjusted() > _SMALLEST_MEAN):
        return value
    return Measurement(value)


def with_manual(
    cards: Sequence[Scorecard],
    instants: Sequence[DateTime],
    measured: Sequence[Measurements],
    entries: Iterable[ManualEntry],
    *,
    manual_until: DateTime | None = None,
) -> list[tuple[ManualEntry, ...]]:
    """Fill each card's measurements with its manual metrics' values; the entries each card read.

    A manual metric's value is its latest entry as of the card's instant, or as of
    `manual_until` when given (closing a period reads the entries a manager made
    after its end, up to the close); a manual metric starts at zero until someone
    enters a value.  `measured` is filled in place; a card's measurements and the
    entries it read are what its score is made from (what `close` fingerprints).
    """
    by_card: dict[str, list[ManualEntry]] = {}
    for entry in entries:
        by_card.setdefault(entry.card_id, []).append(entry)
    read: list[tuple[ManualEntry, ...]] = []
    none: tuple[ManualEntry, ...] = ()
    for card, instant, measurements in zip(cards, instants, measured, strict=True):
        keys = card.manual_keys
        own = by_card.get(card.id) if keys and by_card else None
        if own:
            cutoff = manual_until or instant
            values = latest_values(card, own, cutoff)
            for key in keys:
                measurements[key] = values.get(key, ZERO)
            read.append(tuple(e for e in own if as_utc(e.recorded_at) <= as_utc(cutoff)))
            continue
        for key in keys:  # most cards of a dashboard have no entry yet
            measurements[key] = ZERO
        read.append(none)
    return read


def score_rows(
    cards: Sequence[Scorecard],
    instants: Sequence[DateTime],
    measured: Sequence[Measurements],
    adjustments: Iterable[Adjustment] = (),
) -> ScoreRows:
    """Each card's score, in order, as a row of one `score_many` batch per distinct instant.

    A dashboard has one instant, a trend one per period.  No `CardScore` is built until
    one is read, and nothing is made per card (a dashboard holds 100,000s): `ScoreRows`
    keeps each row as a number.  `adjustments` are the cards' credits and reliefs, each
    given to the batch that scores its card.
    """
    by_card: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        by_card.setdefault(adjustment.card_id, []).append(adjustment)
    by_instant: dict[DateTime, list[int]] = {}
    for index, instant in enumerate(instants):
        by_instant.setdefault(instant, []).append(index)
    if len(by_instant) == 1:  # a dashboard: one batch, in the cards' order
        ((instant, _),) = by_instant.items()
        own = [a for card_id in dict.fromkeys(c.id for c in cards) for a in by_card.get(card_id, ())] if by_card else ()
        return ScoreRows.of(score_many(cards, measured, as_of=instant, adjustments=own))
    batches: list[ScoreBatch] = []
    at: list[tuple[int, int]] = [(0, 0)] * len(cards)
    for instant, indices in by_instant.items():
        scored = [cards[i] for i in indices]
        own = (
            [a for card_id in dict.fromkeys(c.id for c in scored) for a in by_card.get(card_id, ())] if by_card else ()
        )
        batches.append(score_many(scored, [measured[i] for i in indices], as_of=instant, adjustments=own))
        for position, index in enumerate(indices):
            at[index] = (len(batches) - 1, position)
    return ScoreRows((batches[number], position) for number, position in at)
