"""`Scorekit`: every use case of the scorecard screens (F1..F16), over the host's ports.

This is the imperative shell around the pure core: it reads the clock, loads and
stores cards, asks the CRM for numbers once per batch, and checks who may do what.

Only managers and administrators create, edit, delete, roll over and bulk-edit
cards, and they see every card.  A user sees the cards they own or whose team they
are in, and may record manual values on them.  A refusal raises `PermissionDenied`
and changes nothing; a card a user may not see answers `CardNotFound`.

>>> import pendulum
>>> from scorekit import Cadence, Date, Parameter, User
>>> from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
>>> svc = Scorekit(cards=MemoryScorecards(), metrics=RecordsMetricSource([]), manual=MemoryManualValues(),
...                clock=FixedClock(pendulum.datetime(2024, 3, 10, tz="UTC")))
>>> boss = Actor("boss", Role.MANAGER)
>>> template = CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("deals_won", 10, 100)])
>>> (card,) = svc.create_cards(boss, template, [User("ann")])
>>> str(card.period), svc.report(Actor("ann", Role.USER), card.id).status.value
('[2024-03-01, 2024-04-01)', 'behind')
"""

from __future__ import annotations

import datetime as _dt
import enum
import itertools
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from pendulum import Date, DateTime

from scorekit import _html
from scorekit.calendar import WorkCalendar
from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidParameter,
    InvalidScorecard,
    MissingMeasurement,
    PermissionDenied,
)
from scorekit.grouping import Group, KeyFunction, Summary, apply_parameters, group_scores, similarity_key, summarize
from scorekit.measurement import ManualEntry, Measurement, as_instant, latest_values, requests_for
from scorekit.numbers import ZERO, Number, to_decimal
from scorekit.parameter import Parameter
from scorekit.period import Cadence, Period, as_date, zone
from scorekit.ports import Clock, ManualValueStore, MetricSource, ScorecardRepository
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, score
from scorekit.status import StatusPolicy

__all__ = ["Actor", "CardTemplate", "Dashboard", "Role", "Scorekit"]


class Role(enum.Enum):
    """What an actor may do: `ADMIN` and `MANAGER` everything, `USER` read their own cards."""

    ADMIN = "admin"
    MANAGER = "manager"
    USER = "user"


@attrs.frozen
class Actor:
    """Who asks: the host's user id and their role.

    >>> Actor("ann", Role.USER).may_manage
    False
    """

    id: str
    role: Role = attrs.field(converter=Role)

    @property
    def may_manage(self) -> bool:
        """Whether the actor may create, edit, delete, roll over and bulk-edit."""
        return self.role in (Role.ADMIN, Role.MANAGER)


def _parameters(value: Iterable[Parameter]) -> tuple[Parameter, ...]:
    return tuple(value)


@attrs.frozen
class CardTemplate:
    """What a new card looks like, before it has an owner and a period (F1, F2, F5).

    >>> from scorekit import Cadence, Date, Parameter
    >>> CardTemplate(Cadence.quarterly(Date(2024, 1, 1)), [Parameter("deals_won", 30, 100)], rollover=True).rollover
    True
    """

    cadence: Cadence
    parameters: tuple[Parameter, ...] = attrs.field(converter=_parameters)
    timezone: str = attrs.field(default="UTC", kw_only=True)
    rollover: bool = attrs.field(default=False, kw_only=True)
    name: str = attrs.field(default="", kw_only=True)
    status_policy: StatusPolicy = attrs.field(factory=StatusPolicy, kw_only=True)
    calendar: WorkCalendar | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class Dashboard:
    """Every card an actor may see, scored (F9), with a summary and groups of similar cards (F10)."""

    as_of: _dt.datetime
    scores: tuple[CardScore, ...]
    summary: Summary
    groups: tuple[Group, ...]

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td>{_html.text(s.card.name or s.card.id)}</td><td>{_html.text(s.card.owner.id)}</td>"
            f"<td>{_html.text(s.card.period)}</td><td>{_html.bar(s.total, s.status.value)}</td>"
            f"<td>{_html.percent(s.total)}</td><td>{_html.text(s.status.value)}</td>"
            "</tr>"
            for s in self.scores
        )
        mean = _html.percent(self.summary.mean_total)
        return (
            '<table class="scorekit-dashboard">'
            f"<caption>{self.summary.count} cards \u00b7 mean {mean} \u00b7 "
            f"{self.summary.achieved} achieved, {self.summary.on_track} on track, {self.summary.behind} behind</caption>"
            "<thead><tr><th>Card</th><th>Owner</th><th>Period</th><th></th><th>Total</th><th>Status</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


_EDITABLE = frozenset({"parameters", "name", "rollover", "timezone"})


def _actor(value: object) -> Actor:
    if not isinstance(value, Actor):
        msg = f"expected an Actor(id, role), got {value!r}"
        raise PermissionDenied(msg)
    return value


def _new_id() -> str:
    return uuid.uuid4().hex


class Scorekit:
    """The use cases F1..F16 over a repository, a metric source, a manual-value store and a clock."""

    def __init__(
        self,
        *,
        cards: ScorecardRepository,
        metrics: MetricSource,
        manual: ManualValueStore,
        clock: Clock,
        new_id: Callable[[], str] = _new_id,
    ) -> None:
        self.cards = cards
        self.metrics = metrics
        self.manual = manual
        self.clock = clock
        self._new_id = new_id

    # -- who may do what -------------------------------------------------------------

    @staticmethod
    def _require_manager(actor: Actor, action: str) -> None:
        if not _actor(actor).may_manage:
            msg = f"{actor.role.value} {actor.id!r} may not {action}: only managers and administrators may"
            raise PermissionDenied(msg)

    @staticmethod
    def _may_see(actor: Actor, card: Scorecard) -> bool:
        return actor.may_manage or actor.id in card.subjects

    def _visible(self, actor: Actor, card_id: str) -> Scorecard:
        card = self.cards.get(card_id)
        if not self._may_see(_actor(actor), card):
            raise CardNotFound.for_id(card_id)
        return card

    def _today(self, timezone: str) -> Date:
        now = self.clock.now()
        local = as_instant(now, name="clock now").in_timezone(zone(timezone))
        return Date(local.year, local.month, local.day)

    # -- F1, F2, F4, F8: creating ----------------------------------------------------

    def create_cards(
        self,
        actor: Actor,
        template: CardTemplate,
        owners: Iterable[User | Team] | User | Team,
        *,
        period: Period | None = None,
    ) -> tuple[Scorecard, ...]:
        """One card per owner from `template` (F1, F2, F4); all are stored, or none.

        `period` defaults to the cadence's period that holds today in the template's time zone.
        """
        self._require_manager(actor, "create cards")
        chosen = (owners,) if isinstance(owners, User | Team) else tuple(owners)
        if not chosen:
            msg = "create_cards needs at least one owner (a User or a Team)"
            raise InvalidScorecard(msg)
        when = period if period is not None else template.cadence.period_containing(self._today(template.timezone))
        cards = [
            Scorecard(
                self._new_id(),
                owner,
                template.cadence,
                when,
                template.parameters,
                timezone=template.timezone,
                rollover=template.rollover,
                name=template.name,
                status_policy=template.status_policy,
                calendar=template.calendar,
            )
            for owner in chosen
        ]
        return self.cards.add_many(cards)

    def add_similar(self, actor: Actor, card_id: str, owner: User | Team, *, period: Period | None = None) -> Scorecard:
        """A copy of a card with its parameters for another owner ("add similar card", F8)."""
        self._require_manager(actor, "add similar cards")
        source = self.cards.get(card_id)
        copy = source.copy_for(owner, id=self._new_id())
        if period is not None:
            copy = copy.evolve(period=period)
        return self.cards.add(copy)

    # -- F13, F14, F15, F16: changing ------------------------------------------------

    def edit(self, actor: Actor, card_id: str, *, expected_version: int, **changes: Any) -> Scorecard:  # noqa: ANN401 - the fields' own types
        """Change a card's `parameters`, `name`, `rollover` or `timezone` (F13).

        `ConflictError` if the card is no longer at `expected_version` (the repository
        checks, atomically); the stored version goes up by one.
        """
        self._require_manager(actor, "edit cards")
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            msg = f"cannot edit {', '.join(unknown)}; a card's editable fields are {', '.join(sorted(_EDITABLE))}"
            raise InvalidScorecard(msg)
        card = self.cards.get(card_id)
        if "parameters" in changes:
            changes["parameters"] = tuple(changes["parameters"])
        return self.cards.update(card.evolve(**changes), expected_version)

    def delete(self, actor: Actor, card_id: str) -> None:
        """Delete one card (F14)."""
        self._require_manager(actor, "delete cards")
        self.cards.delete(card_id)

    def delete_all_for_user(self, actor: Actor, user_id: str) -> int:
        """Delete every card owned by the user `user_id`, in one go, and say how many (F15).

        Team cards the user is a member of stay.
        """
        self._require_manager(actor, "delete cards")
        cards = self.cards.find(owner=User(user_id))
        return self.cards.delete_many([c.id for c in cards]) if cards else 0

    def edit_group(
        self,
        actor: Actor,
        card_ids: Iterable[str],
        parameters: Iterable[Parameter],
        *,
        expected_versions: Mapping[str, int] | None = None,
    ) -> tuple[Scorecard, ...]:
        """Give every card the same `parameters` at once (F16): all change, or none.

        `expected_versions` maps card ids to the versions the editor saw; without
        it the versions read now are used.  The error names each card that would
        break, or the one that is stale.
        """
        self._require_manager(actor, "edit cards")
        cards = [self.cards.get(card_id) for card_id in dict.fromkeys(card_ids)]
        seen = expected_versions or {}
        changed = apply_parameters(cards, parameters)
        # the repository checks every version in the same transaction that writes
        return self.cards.update_many([(card, seen.get(card.id, card.version)) for card in changed])

    # -- F7: manual values -----------------------------------------------------------

    def record_manual_value(self, actor: Actor, card_id: str, metric: str, value: Number) -> ManualEntry:
        """Record a hand-entered value of a manual metric on a card the actor may see (F7)."""
        card = self._visible(actor, card_id)
        manual = sorted(p.key for p in card.parameters if p.metric.is_manual)
        if metric not in manual:
            msg = f"card {card_id!r} has no manual metric {metric!r}; its manual metrics are {manual or 'none'}"
            raise InvalidParameter(msg)
        entry = ManualEntry(card.id, metric, to_decimal(value, name=f"value of {metric!r}"), self.clock.now(), actor.id)
        self.manual.append(entry)
        return entry

    # -- F3: rollover ----------------------------------------------------------------

    def roll_over(self, actor: Actor, *, today: Date | None = None) -> tuple[Scorecard, ...]:
        """Create every missing next card of every rollover series, up to today's period (F3).

        A job that was down for three months makes three cards per series.  It is
        idempotent: run again, it creates nothing.  `today` defaults to the local
        date in each card's time zone.
        """
        self._require_manager(actor, "roll over cards")
        fixed_today = as_date(today, name="today") if today is not None else None
        latest: dict[str, Scorecard] = {}
        for card in self.cards.find():
            held = latest.get(card.series_id)
            if held is None or card.period.start > held.period.start:
                latest[card.series_id] = card
        created = []
        for card in sorted(latest.values(), key=lambda c: c.id):
            local_today = fixed_today or self._today(card.timezone)
            current = card
            while current.rollover and current.period.end <= local_today:
                following = current.next_card()
                try:
                    self.cards.add(following)
                except ConflictError:
                    # Someone else made it meanwhile (another process rolling over): go on from theirs.
                    try:
                        current = self.cards.get(following.id)
                    except CardNotFound:
                        break
                    continue
                created.append(following)
                current = following
        return tuple(created)

    # -- F9..F12: reading ------------------------------------------------------------

    def report(self, actor: Actor, card_id: str, *, as_of: _dt.datetime | None = None) -> CardScore:
        """One card's score, every parameter with its achievement and evidence (F11, F12)."""
        card = self._visible(actor, card_id)
        return self._score_all([card], self._instant(as_of))[0]

    def dashboard(
        self, actor: Actor, *, as_of: _dt.datetime | None = None, key: KeyFunction | None = None
    ) -> Dashboard:
        """Every card the actor may see, scored, summarized and grouped (F9, F10).

        The CRM is asked once, for the whole dashboard, with each distinct request once.
        """
        cards = self.cards.find() if _actor(actor).may_manage else self.cards.find(subject=actor.id)
        instant = self._instant(as_of)
        scores = self._score_all(cards, instant)
        return Dashboard(instant, scores, summarize(scores), group_scores(scores, key or similarity_key))

    def _instant(self, as_of: _dt.datetime | None) -> DateTime:
        return as_instant(as_of if as_of is not None else self.clock.now())

    def _score_all(self, cards: Sequence[Scorecard], instant: DateTime) -> tuple[CardScore, ...]:
        per_card = [requests_for(card, instant) for card in cards]
        wanted = set(itertools.chain.from_iterable(per_card))
        answers = self.metrics.measure(wanted) if wanted else {}
        with_manual = [card.id for card in cards if card.manual_keys]
        entries: dict[str, list[ManualEntry]] = {}
        if with_manual:
            for entry in self.manual.entries(with_manual):
                entries.setdefault(entry.card_id, []).append(entry)
        results = []
        for card, requests in zip(cards, per_card, strict=True):
            try:
                measurements: dict[str, Measurement | Decimal] = {r.metric: answers[r] for r in requests}
            except KeyError as error:
                msg = f"the metric source left {error.args[0].metric!r} for card {card.id!r} unanswered"
                raise MissingMeasurement(msg) from None
            if card.manual_keys:
                values = latest_values(card, entries.get(card.id, ()), instant)
                for key in card.manual_keys:
                    # a manual metric starts at zero until someone enters a value
                    measurements[key] = values.get(key, ZERO)
            results.append(score(card, measurements, as_of=instant))
        return tuple(results)
