"""`Scorekit`: every use case of the scorecard screens (F1..F16), over the host's ports.

This is the imperative shell around the pure core: it reads the clock, loads and
stores cards, asks the CRM for numbers once per batch, and checks who may do what.

Only managers and administrators create, edit, delete, roll over, close, reopen and
bulk-edit cards, and they see every card.  A user sees the cards they own or whose
team they are in, and may record manual values on them while the period is open.  A
refusal raises `PermissionDenied` and changes nothing; a card a user may not see
answers `CardNotFound`.

With an `OrgChart` (``Scorekit(..., org=chart)``) a manager's reach is their own
people: they see a card when one of its subjects is someone they manage (directly or
not) or themselves, and change it only when every subject is someone they manage,
so a manager never sets their own targets.  A card out of sight answers
`CardNotFound`; one in sight but not theirs to change, `PermissionDenied`.

Every change is recorded: the repository keeps each version of a card with the
`Change` (who, when, why) that made it.  A closed card shows its `ClosedScore`.

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

import contextlib
import datetime as _dt
import enum
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
from pendulum import Date, DateTime

from scorekit import asking
from scorekit._text import MAX_IDENTIFIER, check_identifier, identifier
from scorekit.adjustment import Adjustment, AdjustmentKind
from scorekit.calendar import WorkCalendar
from scorekit.codec import fingerprint
from scorekit.errors import (
    CardNotFound,
    ConflictError,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    PermissionDenied,
    ScorekitError,
)
from scorekit.grouping import Dashboard, KeyFunction, Trend, apply_parameters, similarity_key, summarize_groups
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import (
    ManualEntry,
    Measurement,
    as_instant,
)
from scorekit.numbers import Number, to_decimal
from scorekit.parameter import Parameter
from scorekit.period import Cadence, Period, as_date, as_utc, zone
from scorekit.ports import (
    AdjustmentStore,
    AggregateSource,
    CardIndex,
    CardRow,
    CardSteps,
    Clock,
    ClosedIds,
    ManualValueStore,
    MetricSource,
    OrgChart,
    ScorecardRepository,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, ScoreBatch, ScoreRows
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

    id: str = attrs.field(validator=identifier("actor id", InvalidScorecard))
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

    def __attrs_post_init__(self) -> None:
        # A template is checked as a card would be, so a mistake shows when it is written,
        # not later under a card id nobody saw.
        cadence: object = self.cadence
        if not isinstance(cadence, Cadence):
            msg = f"a template's cadence must be a Cadence, got {self.cadence!r}"
            raise InvalidScorecard(msg)
        try:
            self.card("template", User("template"), self.cadence.period(0))
        except InvalidScorecard as error:
            msg = f"invalid card template: {error}"
            raise InvalidScorecard(msg) from None

    def card(self, card_id: str, owner: User | Team, period: Period) -> Scorecard:
        """The card this template makes for `owner` in `period`.

        >>> from scorekit import Cadence, Date, Parameter, User
        >>> t = CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("deals_won", 10, 100)], name="Deals")
        >>> t.card("c1", User("ann"), t.cadence.period(2)).name
        'Deals'
        """
        return Scorecard(
            card_id,
            owner,
            self.cadence,
            period,
            self.parameters,
            timezone=self.timezone,
            rollover=self.rollover,
            name=self.name,
            status_policy=self.status_policy,
            calendar=self.calendar,
        )


_EDITABLE: Final = frozenset({"parameters", "name", "rollover", "timezone", "owner"})

_ROLLED_OVER: Final = "rolled over"
_MAX_HORIZON: Final = 36_600
"""The largest `Scorekit(horizon_days=)`: a century."""
_CLOSED_HINT: Final = "reopen it first (Scorekit.reopen, with a reason)"


def _actor(value: object) -> Actor:
    if not isinstance(value, Actor):
        msg = f"expected an Actor(id, role), got {value!r}"
        raise PermissionDenied(msg)
    return value


def _owner_key(owner: User | Team) -> tuple[str, str]:
    return ("team" if isinstance(owner, Team) else "user", owner.id)


class Scorekit:
    """The use cases F1..F16, history, closing and trends, over the host's ports.

    `snapshots` (a `SnapshotStore`) is needed only by `close` and `reopen`; without
    it everything else works and no card is ever closed.  `adjustments` (an
    `AdjustmentStore`, kept as `adjustment_store`) is needed only by `adjust`; without
    it no card has an adjustment.

    `horizon_days` (default 366) bounds how far past the clock a `today` or an
    `as_of` may be: further is `InvalidPeriod`, before anything is read or written
    (a ``roll_over(today=9999-12-31)`` would otherwise create cards until it fails).

    `org` (an `OrgChart`) limits each manager to their own people (see the module's
    documentation); without it a manager sees and changes every card, as in 0.2.
    Administrators and users are not affected by it.

    `new_id` makes the id of every card the service creates (`create_cards`,
    `add_similar`; rolled-over cards derive theirs from the series instead).
    Without it a card's id is one a person can read, ``owner@period-start`` (then
    ``~2``, ``~3`` while a card has or had that id); give it your own to use the
    host's id scheme, or a counter for repeatable tests:

    >>> import itertools, pendulum
    >>> from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, RecordsMetricSource
    >>> counter = itertools.count(1)
    >>> svc = Scorekit(cards=MemoryScorecards(), metrics=RecordsMetricSource([]), manual=MemoryManualValues(),
    ...                clock=FixedClock(now=pendulum.datetime(2024, 4, 2, tz="UTC")),
    ...                new_id=lambda: f"card-{next(counter)}")
    >>> from scorekit import Cadence, Date, Parameter, User
    >>> template = CardTemplate(Cadence.monthly(Date(2024, 1, 1)), [Parameter("deals_won", 10, 100)])
    >>> [c.id for c in svc.create_cards(Actor("boss", Role.MANAGER), template, [User("ann"), User("bob")])]
    ['card-1', 'card-2']
    """

    def __init__(
        self,
        *,
        cards: ScorecardRepository,
        metrics: MetricSource,
        manual: ManualValueStore,
        clock: Clock,
        snapshots: SnapshotStore | None = None,
        new_id: Callable[[], str] | None = None,
        horizon_days: int = 366,
        adjustments: AdjustmentStore | None = None,
        org: OrgChart | None = None,
    ) -> None:
        if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or not 0 <= horizon_days <= _MAX_HORIZON:
            msg = f"horizon_days must be a whole number of days from 0 to {_MAX_HORIZON}, got {horizon_days!r}"
            raise InvalidPeriod(msg)
        self.horizon_days = horizon_days
        self.cards = cards
        self.metrics = metrics
        self.manual = manual
        self.clock = clock
        self.snapshots = snapshots
        self.adjustment_store = adjustments
        self.org = org
        self._new_id = new_id

    # -- who may do what -------------------------------------------------------------

    @staticmethod
    def _require_manager(actor: Actor, action: str) -> None:
        if not _actor(actor).may_manage:
            msg = f"{actor.role.value} {actor.id!r} may not {action}: only managers and administrators may"
            raise PermissionDenied(msg)

    def _scope(self, actor: Actor) -> frozenset[str] | None:
        """Whom a manager manages under the org chart; None when no chart limits the actor (no chart, not a manager).

        Asked once per use case, before anything is written: an org chart that fails
        becomes a `ScorekitError` and nothing changes.
        """
        if _actor(actor).role is not Role.MANAGER or self.org is None:
            return None
        try:
            found: object = self.org.members(actor.id)
        except ScorekitError:
            raise
        except Exception as error:
            msg = f"the org chart could not say whom manager {actor.id!r} manages ({error!r}); nothing was done"
            raise ScorekitError(msg) from error
        if isinstance(found, frozenset | set) and all(isinstance(member, str) for member in found):
            return frozenset(found)
        msg = f"the org chart answered {found!r} for manager {actor.id!r}; OrgChart.members must return a frozenset of user ids"
        raise ScorekitError(msg)

    @staticmethod
    def _may_see(actor: Actor, card: Scorecard, scope: frozenset[str] | None) -> bool:
        """A user their own and their teams' cards; a manager every card, or with a chart those touching their people."""
        subjects = card.subjects
        if actor.role is Role.USER:
            return actor.id in subjects
        return scope is None or actor.id in subjects or not scope.isdisjoint(subjects)

    @staticmethod
    def _may_change(actor: Actor, subjects: frozenset[str], scope: frozenset[str] | None) -> bool:
        """Managers and admins; with a chart, a manager only when every subject is theirs and none is themselves."""
        if not actor.may_manage:
            return False
        return scope is None or (actor.id not in subjects and subjects <= scope)

    def _visible(self, actor: Actor, card_id: str) -> Scorecard:
        card = self.cards.get(card_id)
        if not self._may_see(_actor(actor), card, self._scope(actor)):
            raise CardNotFound.for_id(card_id)
        return card

    def _changeable(self, actor: Actor, card_id: str, action: str) -> Scorecard:
        """Card `card_id`, if the actor may `action` it: `PermissionDenied`, or `CardNotFound` if out of sight."""
        self._require_manager(actor, f"{action} cards")
        card = self.cards.get(card_id)
        self._check_change(actor, card, self._scope(actor), action)
        return card

    def _check_change(self, actor: Actor, card: Scorecard, scope: frozenset[str] | None, action: str) -> None:
        if not self._may_see(actor, card, scope):
            raise CardNotFound.for_id(card.id)
        if not self._may_change(actor, card.subjects, scope):
            raise PermissionDenied(self._out_of_scope(actor, f"{action} card {card.id!r}", card.subjects))

    def _check_owner(self, actor: Actor, owner: User | Team, scope: frozenset[str] | None, action: str) -> None:
        if not self._may_change(actor, owner.subjects, scope):
            raise PermissionDenied(self._out_of_scope(actor, f"{action} for {owner!r}", owner.subjects))

    @staticmethod
    def _out_of_scope(actor: Actor, what: str, subjects: frozenset[str]) -> str:
        own = " (a manager never changes their own card)" if actor.id in subjects else ""
        return (
            f"manager {actor.id!r} may not {what}: only cards whose people ({', '.join(sorted(subjects))}) "
            f"are all people they manage{own}"
        )

    def _now(self) -> DateTime:
        return as_instant(self.clock.now(), name="clock now")

    def _today(self, timezone: str, now: DateTime | None = None) -> Date:
        local = (now or self._now()).in_timezone(zone(timezone))
        return Date(local.year, local.month, local.day)

    def _change(self, actor: Actor, reason: str = "") -> Change:
        return Change(actor.id, self._now(), reason)

    def _closed(self, card_ids: Iterable[str]) -> Mapping[str, ClosedScore]:
        ids = list(card_ids)
        if self.snapshots is None or not ids:
            return {}
        return self.snapshots.get(ids)

    def _refuse_closed(self, cards: Sequence[Scorecard], action: str) -> None:
        closed = self._closed(c.id for c in cards)
        if closed:
            names = ", ".join(repr(card_id) for card_id in sorted(closed))
            msg = f"cannot {action} card(s) {names}: closed, so their numbers are final; {_CLOSED_HINT}"
            raise InvalidScorecard(msg)

    def _require_snapshots(self, action: str) -> SnapshotStore:
        if self.snapshots is None:
            msg = f"cannot {action} without a snapshot store: build Scorekit(..., snapshots=...) with a SnapshotStore"
            raise ScorekitError(msg)
        return self.snapshots

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

        `period` defaults to the cadence's period that holds today in the template's
        time zone.  The same owner twice is an error (`InvalidScorecard`).  Unless the
        service was given `new_id`, each card's id is derived from its owner and period,
        as rolled-over cards' ids are from their series: ``ann@2024-04-01`` (then
        ``ann@2024-04-01~2`` for a second card of Ann's for that period).
        """
        self._require_manager(actor, "create cards")
        scope = self._scope(actor)
        chosen = (owners,) if isinstance(owners, User | Team) else tuple(owners)
        if not chosen:
            msg = "create_cards needs at least one owner (a User or a Team)"
            raise InvalidScorecard(msg)
        seen: set[tuple[str, str]] = set()
        for owner in chosen:
            given: object = owner
            if not isinstance(given, User | Team):
                msg = f"an owner must be a User or a Team, got {owner!r}"
                raise InvalidScorecard(msg)
            if _owner_key(owner) in seen:
                msg = f"create_cards got the owner {owner!r} twice; each owner gets one card"
                raise InvalidScorecard(msg)
            seen.add(_owner_key(owner))
            self._check_owner(actor, owner, scope, "create a card")
        when = period if period is not None else template.cadence.period_containing(self._today(template.timezone))
        taken: set[str] = set()
        cards = [template.card(self._card_id(owner, when, taken), owner, when) for owner in chosen]
        return self.cards.add_many(cards, change=self._change(actor))

    def _card_id(self, owner: User | Team, period: Period, taken: set[str]) -> str:
        """The host's `new_id()`, or else ``owner@start``; ``~2``, ``~3``... after it while a card has (or had) that id."""
        if self._new_id is not None:
            return self._new_id()
        for n in itertools.count(1):
            suffix = f"@{period.start}" if n == 1 else f"@{period.start}~{n}"
            candidate = owner.id[: MAX_IDENTIFIER - len(suffix)] + suffix
            if candidate in taken:
                continue
            try:
                self.cards.history(candidate)  # a stored card's id, or a deleted one's: never reused
            except CardNotFound:
                taken.add(candidate)
                return candidate
        raise AssertionError  # pragma: no cover - itertools.count never ends

    def add_similar(self, actor: Actor, card_id: str, owner: User | Team, *, period: Period | None = None) -> Scorecard:
        """A copy of a card with its parameters for another owner ("add similar card", F8)."""
        self._require_manager(actor, "add similar cards")
        scope = self._scope(actor)
        source = self.cards.get(card_id)
        if not self._may_see(actor, source, scope):
            raise CardNotFound.for_id(card_id)
        given: object = owner
        if isinstance(given, User | Team):
            self._check_owner(actor, owner, scope, "add a similar card")
        when = period if period is not None else source.period
        copy = source.copy_for(owner, id=self._card_id(owner, when, set()))
        if period is not None:
            copy = copy.evolve(period=period)
        return self.cards.add(copy, change=self._change(actor, f"similar to {card_id}"))

    # -- F13, F14, F15, F16: changing ------------------------------------------------

    def edit(
        self,
        actor: Actor,
        card_id: str,
        *,
        expected_version: int,
        reason: str = "",
        **changes: Any,  # noqa: ANN401 - the fields' own types
    ) -> Scorecard:
        """Change a card's `parameters`, `name`, `rollover`, `timezone` or team `owner`'s members (F13).

        `ConflictError` if the card is no longer at `expected_version` (the repository
        checks, atomically); the stored version goes up by one and the card's history
        records who, when and `reason`.  A closed card cannot be edited until reopened.
        `owner` may only be the same team with other members (later rollovers carry them).
        """
        self._require_manager(actor, "edit cards")
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            msg = f"cannot edit {', '.join(unknown)}; a card's editable fields are {', '.join(sorted(_EDITABLE))}"
            raise InvalidScorecard(msg)
        scope = self._scope(actor)
        card = self.cards.get(card_id)
        self._check_change(actor, card, scope, "edit")
        self._refuse_closed([card], "edit")
        if "parameters" in changes:
            changes["parameters"] = tuple(changes["parameters"])
        if "owner" in changes:
            owner = changes["owner"]
            if not (isinstance(card.owner, Team) and isinstance(owner, Team) and owner.id == card.owner.id):
                msg = (
                    f"card {card_id!r}: only a team card's members may be edited, as owner=Team({card.owner.id!r}, members); "
                    f"got owner {owner!r} for a card of {card.owner!r}"
                )
                raise InvalidScorecard(msg)
            self._check_owner(actor, owner, scope, "give a card to")
        return self.cards.update(card.evolve(**changes), expected_version, change=self._change(actor, reason))

    def delete(self, actor: Actor, card_id: str, *, reason: str = "") -> None:
        """Delete one card for good, with its manual entries, adjustments and closed score (F14); its history stays.

        A closed card cannot be deleted until reopened.  Its id is never used again.
        """
        card = self._changeable(actor, card_id, "delete")
        self._refuse_closed([card], "delete")
        self._delete([card_id], self._change(actor, reason))

    def _delete(self, card_ids: Sequence[str], change: Change) -> int:
        # The card goes first: once it is gone nothing can read or resurrect what follows
        # (a SQLite repository removes the same file's entries and snapshot in its transaction).
        count = self.cards.delete_many(card_ids, change=change)
        self._forget_elsewhere(card_ids)
        return count

    def _forget_elsewhere(self, card_ids: Sequence[str]) -> None:
        """Remove deleted cards' entries, adjustments and closed scores from stores that do not share the cards' database.

        Stores sharing it removed them in the card's own transaction already: then there is nothing left to remove.
        """
        if not card_ids:
            return
        self.manual.delete_for(card_ids)
        if self.adjustment_store is not None:
            self.adjustment_store.delete_for(card_ids)
        if self.snapshots is not None:
            self.snapshots.delete_for(card_ids)

    def delete_all_for_user(self, actor: Actor, user_id: str, *, reason: str = "", purge: bool = False) -> int:
        """Delete every card owned by the user `user_id`, in one go, and say how many (F15).

        Team cards the user is a member of stay.  A closed card goes only when an
        administrator asks (its deletion is a revision in its history like any
        other); a manager's call keeps it.  With ``purge=True`` every card the user
        ever owned that is deleted, now or before, is forgotten, history included
        (the right to be forgotten).  With a repository that has `CardSteps` (the
        adapters in `scorekit.adapters`) this is one transaction, and a retry after
        a crash finishes the job; otherwise it is several writes.
        """
        self._require_manager(actor, "delete cards")
        check_identifier(user_id, what="user id", error=InvalidScorecard)
        self._check_owner(actor, User(user_id), self._scope(actor), "delete the cards")
        change = self._change(actor, reason)
        admin = actor.role is Role.ADMIN
        live = [c.id for c in self.cards.find(owner=User(user_id))]
        keep = () if admin else tuple(self._closed(live))
        if isinstance(self.cards, CardSteps):
            ids = self.cards.delete_owned(user_id, change=change, keep=keep, closed=admin, purge=purge)
            self._forget_elsewhere(ids)
            return len(ids)
        own = [card_id for card_id in live if card_id not in keep]
        if not own:
            return 0
        count = self._delete(own, change)
        if purge:
            self.cards.purge(own)
        return count

    def edit_group(
        self,
        actor: Actor,
        card_ids: Iterable[str],
        parameters: Iterable[Parameter],
        *,
        expected_versions: Mapping[str, int] | None = None,
        reason: str = "",
    ) -> tuple[Scorecard, ...]:
        """Give every card the same `parameters` at once (F16): all change, or none.

        `expected_versions` maps card ids to the versions the editor saw; without
        it the versions read now are used.  The error names each card that would
        break, the one that is stale, or the closed ones.
        """
        self._require_manager(actor, "edit cards")
        scope = self._scope(actor)
        cards = [self.cards.get(card_id) for card_id in dict.fromkeys(card_ids)]
        for card in cards:
            self._check_change(actor, card, scope, "edit")
        self._refuse_closed(cards, "edit")
        seen = expected_versions or {}
        changed = apply_parameters(cards, parameters)
        # the repository checks every version in the same transaction that writes
        return self.cards.update_many(
            [(card, seen.get(card.id, card.version)) for card in changed], change=self._change(actor, reason)
        )

    # -- F7: manual values -----------------------------------------------------------

    def record_manual_value(self, actor: Actor, card_id: str, metric: str, value: Number) -> ManualEntry:
        """Record a hand-entered value of a manual metric on a card the actor may see (F7).

        A user may record while the card's period is open (their local date, in the
        card's zone, before the period end); managers until the card is closed.
        Otherwise `PermissionDenied`.
        """
        scope = self._scope(actor)
        card = self.cards.get(card_id)
        if not self._may_see(actor, card, scope):
            raise CardNotFound.for_id(card_id)
        manual = sorted(p.key for p in card.parameters if p.metric.is_manual)
        if metric not in manual:
            msg = f"card {card_id!r} has no manual metric {metric!r}; its manual metrics are {manual or 'none'}"
            raise InvalidParameter(msg)
        now = self._now()
        if not self._may_change(actor, card.subjects, scope) and self._today(card.timezone, now) >= card.period.end:
            msg = (
                f"user {actor.id!r} may not record a value on card {card_id!r}: its period {card.period} is over "
                "(ask a manager while the card is not closed)"
            )
            raise PermissionDenied(msg)
        if self._closed([card.id]):
            msg = f"{actor.role.value} {actor.id!r} may not record a value on card {card_id!r}: it is closed; {_CLOSED_HINT}"
            raise PermissionDenied(msg)
        entry = ManualEntry(card.id, metric, to_decimal(value, name=f"value of {metric!r}"), now, actor.id)
        self.manual.append(entry)
        return entry

    # -- adjustments: late credit, clawback, relief -----------------------------------

    def adjust(
        self,
        actor: Actor,
        card_id: str,
        metric: str,
        kind: AdjustmentKind | str,
        value: Number,
        *,
        reason: str,
    ) -> Adjustment:
        """Record a hand correction of one metric on a card, with a reason; returns the `Adjustment` stored.

        A ``CREDIT`` adds `value` (negative: a clawback) to the actual of a sum
        parameter; a ``RELIEF`` takes `value` (more than 0) off the target of a
        higher-is-better sum parameter.  Only managers and administrators adjust
        (`PermissionDenied`); a closed card is not adjusted until reopened
        (`InvalidScorecard`).  `InvalidParameter` for an unknown or inactive metric, a
        credit on a level, a relief on a level, near-target or lower-is-better
        parameter, a relief that with those recorded before would leave the target
        at 0 or less (at or below a baseline), an unknown kind, a bad value or an
        empty reason.  Everything is checked before anything is written.  The id
        comes from the service's `new_id` (without one: the card's id and the
        adjustment's number on it, ``ann@2024-04-01/adj-1``), the instant from its
        clock, `recorded_by` is the actor.  Adjustments are never edited: correct one by recording the
        opposite.  An adjustment counts in a score as of its recorded instant or later.
        """
        self._require_manager(actor, "adjust cards")
        store = self._require_adjustments("adjust cards")
        # every argument checked by the value itself (kind, value, reason, metric), then against the card
        draft = Adjustment("pending", card_id, metric, kind, value, reason, self._now(), actor.id)
        card = self._changeable(actor, card_id, "adjust")  # with an org chart: only their own people's cards
        recorded = store.for_cards([card.id])
        _check_adjustable(card, draft, recorded)
        self._refuse_closed([card], "adjust")
        adjustment = attrs.evolve(draft, id=self._adjustment_id(card, len(recorded)))
        store.add(adjustment)  # a store sharing the cards' database refuses a card closed or deleted meanwhile
        return adjustment

    def _adjustment_id(self, card: Scorecard, recorded: int) -> str:
        """The host's `new_id()`, or else the card's id and the adjustment's number on it: ``ann@2024-04-01/adj-3``.

        Two managers adjusting one card at once may pick the same number: the store then
        refuses the second (`ConflictError`), which may simply try again.
        """
        if self._new_id is not None:
            return self._new_id()
        suffix = f"/adj-{recorded + 1}"
        return card.id[: MAX_IDENTIFIER - len(suffix)] + suffix

    def adjustments(self, actor: Actor, card_id: str) -> tuple[Adjustment, ...]:
        """The adjustments of a card the actor may see, in the order they were recorded (none without a store)."""
        card = self._visible(actor, card_id)
        if self.adjustment_store is None:
            return ()
        return self.adjustment_store.for_cards([card.id])

    def _require_adjustments(self, action: str) -> AdjustmentStore:
        if self.adjustment_store is None:
            msg = f"cannot {action} without an adjustment store: build Scorekit(..., adjustments=...) with an AdjustmentStore"
            raise ScorekitError(msg)
        return self.adjustment_store

    # -- F3: rollover ----------------------------------------------------------------

    def roll_over(self, actor: Actor, *, today: Date | None = None) -> tuple[Scorecard, ...]:
        """Create every missing next card of every rollover series, up to today's period (F3).

        A job that was down for three months makes three cards per series.  It is
        idempotent: run again, it creates nothing.  A series stops at a deleted card:
        it is never re-created and never rolled past.  `today` defaults to the local
        date in each card's time zone.  `ConflictError` if the id a series needs is
        held by a card of another series.  With a repository that has a `CardIndex`,
        only the card that heads each series with work to do is read.
        """
        self._require_manager(actor, "roll over cards")
        scope = self._scope(actor)
        now = self._now()
        today_in = self._today_in(self._fixed_today(today, now), now)
        change = self._change(actor, _ROLLED_OVER)
        created: list[Scorecard] = []
        rows, read = self._rows()
        heads: dict[str, CardRow] = {}
        for row in rows:
            held = heads.get(row.series)
            if held is None or row.period_start > held.period_start:
                heads[row.series] = row
        for row in sorted(heads.values(), key=lambda r: r.id):
            local_today = today_in(row.timezone)
            if not row.rollover or row.period_end > local_today:
                continue  # nothing to do for this series: with an index, its card is not read
            card = self._stored(read, row.id)
            # None: deleted since its row was read, the series stops there; a manager rolls over only their people's
            if card is not None and self._may_change(actor, card.subjects, scope):
                self._roll_series(card, local_today, change, created)
        return tuple(created)

    def _rows(self) -> tuple[Sequence[CardRow], dict[str, Scorecard]]:
        """Every stored card's `CardRow`, and the cards read to make them: none through a `CardIndex`, else all."""
        if isinstance(self.cards, CardIndex):
            return self.cards.index(), {}
        read = {card.id: card for card in self.cards.find()}
        return [CardRow.of(card) for card in read.values()], read

    def _stored(self, read: Mapping[str, Scorecard], card_id: str) -> Scorecard | None:
        """Card `card_id`, from `read` or else the repository; None if it was deleted since its row was read."""
        card = read.get(card_id)
        if card is None:
            with contextlib.suppress(CardNotFound):
                card = self.cards.get(card_id)
        return card

    def _today_in(self, fixed: Date | None, now: DateTime | None = None) -> Callable[[str], Date]:
        """Today's local date by zone name: `fixed`, or at `now` (the clock read once: a run has one "now")."""
        if fixed is not None:
            return lambda _timezone: fixed
        instant = now or self._now()
        days: dict[str, Date] = {}

        def today_in(timezone: str) -> Date:
            day = days.get(timezone)
            if day is None:
                day = days[timezone] = self._today(timezone, instant)
            return day

        return today_in

    def _roll_series(self, card: Scorecard, local_today: Date, change: Change, created: list[Scorecard]) -> None:
        """Add every missing next card of `card`'s series up to the period holding `local_today`."""
        current: Scorecard | None = card
        steps = self.cards if isinstance(self.cards, CardSteps) else None
        while current is not None and current.rollover and current.period.end <= local_today:
            following = current.next_card()
            try:
                if steps is not None:  # one transaction: added only if `current` was not deleted meanwhile
                    steps.add_next(current, following, change=change)
                else:
                    self.cards.add(following, change=change)
            except ConflictError:
                # Someone else made it meanwhile (another process), or it was deleted: see which.
                current = self._already_there(following)
                continue
            created.append(following)
            current = following

    def _already_there(self, following: Scorecard) -> Scorecard | None:
        """The card holding `following`'s place, to roll on from; None where the series stops (a deleted card)."""
        try:
            there = self.cards.get(following.id)
        except CardNotFound:
            there = None
        if there is not None:
            if there.series_id != following.series_id:
                msg = (
                    f"rolling over series {following.series_id!r} needs the id {following.id!r}, "
                    f"but card {there.id!r} of series {there.series_id!r} holds it; give that card another id"
                )
                raise ConflictError(msg)
            return there
        for card in self.cards.find(series=following.series_id, active_on=following.period.start):
            if card.period.start == following.period.start:
                return card  # the series' card for that period has an id of the host's choosing
        return None  # deleted: deletion is final, the series stops here

    # -- closing periods -------------------------------------------------------------

    def close(self, actor: Actor, *, today: Date | None = None) -> tuple[ClosedScore, ...]:
        """Freeze the score of every card whose period is over and is not closed yet.

        A card is over when its period ended on or before today's local date in its
        zone (or `today`).  Each is scored as of its period end (its manual values as
        entered until now: managers may correct them until the card is closed), the
        CRM asked once for all of them, and stored as a `ClosedScore`.  Idempotent: a second run
        closes nothing; a card another process closes meanwhile is left to it.  With a
        repository that has a `CardIndex` (and a store with `ClosedIds`), only the cards
        to close are read.
        """
        self._require_manager(actor, "close periods")
        store = self._require_snapshots("close periods")
        scope = self._scope(actor)

        now = self._now()
        today_in = self._today_in(self._fixed_today(today, now), now)
        rows, read = self._rows()
        over_ids = [row.id for row in rows if row.period_end <= today_in(row.timezone)]
        already = self._closed_ids(store, over_ids)
        stored = (self._stored(read, card_id) for card_id in over_ids if card_id not in already)
        # None: deleted since its row was read; a manager closes only their own people's cards
        due = [card for card in stored if card is not None and self._may_change(actor, card.subjects, scope)]
        if not due:
            return ()
        closed, conflicted = self._freeze(store, due, actor, now)
        if conflicted:
            # Changed, deleted, or closed by someone else since it was read: scored once more, unless
            # closed or deleted.  A card that conflicts again is left for the next close.
            already = self._closed_ids(store, conflicted)
            stored = (self._stored({}, i) for i in conflicted if i not in already)
            again = [card for card in stored if card is not None and self._may_change(actor, card.subjects, scope)]
            if again:
                closed += self._freeze(store, again, actor, now)[0]
        return tuple(closed)

    def _freeze(
        self, store: SnapshotStore, cards: Sequence[Scorecard], actor: Actor, now: DateTime
    ) -> tuple[list[ClosedScore], list[str]]:
        """Score `cards` as of their period ends and store their closed scores: those stored, and the ids refused."""
        # as of each period end; manual values as entered until now (a manager may correct them until closed)
        # through `measure`, never `aggregate`: the fingerprint holds the ids of the records counted
        # adjustments count as of the period end, as in any score: those recorded by then are kept and fingerprinted
        adjusted = self._adjustments_of(cards)
        fresh, inputs = self._score_fresh(
            cards,
            [card.period.instants(card.timezone)[1] for card in cards],
            manual_until=now,
            evidence=True,
            adjustments=adjusted,
        )
        by_card: dict[str, list[Adjustment]] = {}
        for adjustment in adjusted:
            by_card.setdefault(adjustment.card_id, []).append(adjustment)
        closed: list[ClosedScore] = []
        conflicted: list[str] = []
        for (batch, index), (measurements, used) in zip(fresh, inputs, strict=True):
            scored = batch[index]
            cutoff = as_utc(scored.as_of)
            counted = [a for a in by_card.get(scored.card.id, ()) if as_utc(a.recorded_at) <= cutoff]
            snapshot = ClosedScore.of(
                scored,
                closed_at=now,
                closed_by=actor.id,
                fingerprint=fingerprint(scored.card, measurements, used, adjustments=counted),
                measurements=measurements,  # kept with it, so that `verify` can recompute both
                manual=used,
                adjustments=counted,
            )
            try:
                # A store sharing the cards' database refuses a card changed, deleted or purged since it was read.
                store.add(snapshot)
            except (ConflictError, CardNotFound):
                conflicted.append(snapshot.card_id)
                continue
            closed.append(snapshot)
        return closed, conflicted

    @staticmethod
    def _closed_ids(store: SnapshotStore, card_ids: Sequence[str]) -> Collection[str]:
        """Which of `card_ids` are closed: through `ClosedIds` if the store has it, else from their closed scores."""
        if not card_ids:
            return frozenset()
        if isinstance(store, ClosedIds):
            return frozenset(store.closed_ids(card_ids))
        return store.get(card_ids).keys()

    def reopen(self, actor: Actor, card_id: str, *, reason: str) -> Scorecard:
        """Remove a card's closed score, so it scores live again and may be edited; returns the card.

        `reason` is required; the reopening is a revision in the card's history (its
        version goes up by one).  `InvalidScorecard` if the card is not closed.
        """
        self._require_manager(actor, "reopen cards")
        store = self._require_snapshots("reopen cards")
        if not isinstance(reason, str) or not reason.strip():
            msg = f"reopening card {card_id!r} needs a reason (who asked and why), got {reason!r}"
            raise InvalidScorecard(msg)
        card = self._changeable(actor, card_id, "reopen")
        if not self._closed([card_id]):
            msg = f"card {card_id!r} is not closed, so there is nothing to reopen"
            raise InvalidScorecard(msg)
        change = self._change(actor, reason)
        if isinstance(self.cards, CardSteps):
            try:
                return self.cards.reopen(card_id, change=change)[0]  # one transaction
            except CardNotFound:
                pass  # the closed score is in another database, or someone reopened it meanwhile
            card = self.cards.get(card_id)
        reopened = self.cards.update(card, card.version, change=change)
        with contextlib.suppress(
            CardNotFound
        ):  # someone reopened it meanwhile; this reopening is recorded all the same
            store.remove(card_id, change)
        return reopened

    # -- history ---------------------------------------------------------------------

    def history(self, actor: Actor, card_id: str) -> tuple[Revision, ...]:
        """Every revision of a card the actor may see, oldest first; deleted cards' too.

        `CardNotFound` for an id never seen, or a card the actor may not see.
        """
        scope = self._scope(actor)
        revisions = self.cards.history(card_id)
        if not self._may_see(actor, revisions[-1].card, scope):
            raise CardNotFound.for_id(card_id)
        return revisions

    # -- F9..F12: reading ------------------------------------------------------------

    def report(self, actor: Actor, card_id: str, *, as_of: _dt.datetime | None = None) -> CardScore:
        """One card's score, every parameter with its achievement and evidence (F11, F12).

        A closed card answers its closed score, whatever `as_of`.
        """
        card = self._visible(actor, card_id)
        instant = self._instant(as_of)
        return self._score_all([card], [instant], evidence=True)[0]

    def trend(self, actor: Actor, series_id: str) -> Trend:
        """Every card of a series the actor may see, in period order, each as of its period end.

        A `Trend` is a tuple of `CardScore`s that a notebook draws as a line of the totals.

        A closed card shows its closed score; the current one is scored as of now (and
        a future one is not started).  The CRM is asked once.  `CardNotFound` if the
        actor may see no card of the series.
        """
        scope = self._scope(actor)
        cards = [c for c in self.cards.find(series=series_id) if self._may_see(actor, c, scope)]
        if not cards:
            msg = f"no series {series_id!r}"
            raise CardNotFound(msg)
        cards.sort(key=lambda c: c.period.start)
        now = self._now()
        utc_now = as_utc(now)
        instants = []
        for card in cards:
            end = card.period.instants(card.timezone)[1]
            instants.append(end if as_utc(end) <= utc_now else now)
        # a past period as `close` would freeze it now: manual values as entered until now
        return Trend(self._score_all(cards, instants, manual_until=now, evidence=False))

    def dashboard(
        self,
        actor: Actor,
        *,
        as_of: _dt.datetime | None = None,
        on: Date | str | None = None,
        owner: str | None = None,
        series: str | None = None,
        key: KeyFunction | None = None,
    ) -> Dashboard:
        """The cards the actor may see, scored as of `as_of`, summarized and grouped (F9, F10).

        By default the cards whose period holds the local date of `as_of` (in each
        card's zone); ``on=date`` the cards whose period holds that date;
        ``on="all"`` every card.  `owner` (a user or team id) and `series` narrow it.
        The repository does the filtering; the CRM is asked once, for the cards not
        closed (a closed card shows its closed score).
        """
        viewer = _actor(actor)
        scope = self._scope(viewer)
        instant = self._instant(as_of)
        narrow: dict[str, Any] = {}
        if not viewer.may_manage:
            narrow["subject"] = viewer.id
        if owner is not None:
            narrow["owner_id"] = owner
        if series is not None:
            narrow["series"] = series
        if isinstance(on, str) and on == "all":
            cards = self.cards.find(**narrow)
        elif on is not None:
            try:
                day = as_date(on, name="on")
            except InvalidPeriod as error:
                msg = f'on must be a date, "all" or None (the local date of as_of), got {on!r}: {error}'
                raise InvalidPeriod(msg) from None
            cards = self.cards.find(active_on=day, **narrow)
        else:
            cards = self._current(instant, narrow)
        if scope is not None:
            cards = self._in_sight(viewer.id, scope, cards)
        scores = self._score_all(cards, [instant] * len(cards), evidence=False)
        return Dashboard(instant, scores, *summarize_groups(scores, key or similarity_key))

    @staticmethod
    def _in_sight(manager_id: str, scope: frozenset[str], cards: Sequence[Scorecard]) -> tuple[Scorecard, ...]:
        """The cards a manager with an org chart sees: one set intersection per card."""
        seen = scope | {manager_id}
        return tuple(card for card in cards if not seen.isdisjoint(card.subjects))

    def _current(self, instant: DateTime, narrow: Mapping[str, Any]) -> tuple[Scorecard, ...]:
        """The cards whose period holds the local date of `instant` in their own zone, ordered by id.

        With a `CardIndex`, its rows say which local dates the day's cards hold (one per
        zone whose date it is, usually one), and only the cards active on those are
        read; without one, every zone's local date is within a day of the UTC date:
        the cards active on those three are read.  Either way a card is kept when its
        own zone's local date is the one it was found by.
        """
        today_in = self._today_in(None, instant)
        if isinstance(self.cards, CardIndex):
            days = _current_dates(self.cards.index(), today_in)
        else:
            utc = instant.in_timezone("UTC").date()
            days = [utc.add(days=shift) for shift in (-1, 0, 1)]
        found: dict[str, Scorecard] = {}
        for day in days:
            for card in self.cards.find(active_on=day, **narrow):
                if today_in(card.timezone) == day:  # `find` saw to ``day in card.period``
                    found[card.id] = card
        return tuple(found[card_id] for card_id in sorted(found))

    def _instant(self, as_of: _dt.datetime | None) -> DateTime:
        if as_of is None:
            return as_instant(self.clock.now())
        instant = as_instant(as_of)
        now = self._now()
        with contextlib.suppress(OverflowError):  # a clock near year 9999 has no horizon left to check
            if as_utc(instant) > as_utc(now) + _dt.timedelta(days=self.horizon_days):
                msg = (
                    f"as_of {instant.isoformat()} is more than horizon_days={self.horizon_days} days past now "
                    f"({now.isoformat()}); give a nearer instant, or build Scorekit(..., horizon_days=) wider"
                )
                raise InvalidPeriod(msg)
        return instant

    def _fixed_today(self, today: Date | str | None, now: DateTime) -> Date | None:
        """`today` as a date, if given; `InvalidPeriod` if it is more than `horizon_days` past the clock's date."""
        if today is None:
            return None
        day = as_date(today, name="today")
        with contextlib.suppress(OverflowError):
            if day > as_utc(now).date() + _dt.timedelta(days=self.horizon_days):
                msg = (
                    f"today {day} is more than horizon_days={self.horizon_days} days past the clock's date "
                    f"({as_utc(now).date()}); give a nearer date, or build Scorekit(..., horizon_days=) wider"
                )
                raise InvalidPeriod(msg)
        return day

    def _score_all(
        self,
        cards: Sequence[Scorecard],
        instants: Sequence[DateTime],
        *,
        manual_until: DateTime | None = None,
        evidence: bool,
    ) -> ScoreRows:
        """Each card's score as of its instant: its closed score if it has one, else fresh (one CRM call).

        Fresh scores stay rows of their batch until someone reads them: a dashboard's
        summary and groups come from the batch's columns.
        """
        closed = self._closed(c.id for c in cards)
        fresh = [(card, instant) for card, instant in zip(cards, instants, strict=True) if card.id not in closed]
        if not fresh:
            return ScoreRows(closed[card.id].score for card in cards)
        scored, _inputs = self._score_fresh(
            [c for c, _ in fresh], [i for _, i in fresh], manual_until=manual_until, evidence=evidence
        )
        if not closed:
            return ScoreRows(scored)
        rows = iter(scored)
        return ScoreRows(closed[card.id].score if card.id in closed else next(rows) for card in cards)

    def _score_fresh(
        self,
        cards: Sequence[Scorecard],
        instants: Sequence[DateTime],
        *,
        manual_until: DateTime | None = None,
        evidence: bool,
        adjustments: Sequence[Adjustment] | None = None,
    ) -> tuple[list[tuple[ScoreBatch, int]], list[asking.Inputs]]:
        """Score each card as of its instant, asking the CRM once: its row (batch, index), and what it was made from.

        What to ask and how the answers become each card's measurements is
        `scorekit.asking`'s; this only calls the ports between its steps.  With
        `evidence` (a report, a close) the CRM is asked through `measure`, for the
        records behind each value; without, through `aggregate` when the source has it
        (the values only, each distinct cell once), else through `measure`.
        """
        source = self.metrics
        measured: list[dict[str, Measurement | Decimal]]
        if evidence or not isinstance(source, AggregateSource):
            wanted, per_card = asking.requests(cards, instants)
            measured = asking.from_measurements(cards, per_card, source.measure(wanted) if wanted else {})
        else:
            plan = asking.cells(cards, instants)
            measured = asking.from_aggregates(cards, plan, source.aggregate(plan.cells) if plan.cells else {})
        with_manual = [card.id for card in cards if card.manual_keys]
        entries = self.manual.entries(with_manual) if with_manual else ()
        inputs = asking.with_manual(cards, instants, measured, entries, manual_until=manual_until)
        adjusted = self._adjustments_of(cards) if adjustments is None else adjustments
        return asking.score_rows(cards, instants, [measurements for measurements, _ in inputs], adjusted), inputs

    def _adjustments_of(self, cards: Sequence[Scorecard]) -> tuple[Adjustment, ...]:
        """The adjustments of `cards`, in one read (none without an adjustment store)."""
        if self.adjustment_store is None or not cards:
            return ()
        return self.adjustment_store.for_cards([card.id for card in cards])


def _check_adjustable(card: Scorecard, adjustment: Adjustment, recorded: Iterable[Adjustment]) -> None:
    """`InvalidParameter` unless `card` takes `adjustment`, after the adjustments `recorded` before it."""
    key = adjustment.metric
    window = next((w for w in card.windows if w.key == key), None)
    if window is None:
        scored = ", ".join(repr(w.key) for w in card.windows) or "none"
        msg = f"card {card.id!r} has no scored metric {key!r} to adjust; its scored metrics are {scored}"
        raise InvalidParameter(msg)
    kind = adjustment.kind
    if window.level:
        accumulation = window.parameter.metric.accumulation.value
        msg = (
            f"card {card.id!r}: metric {key!r} is a level ({accumulation} of records), so it takes no "
            f"{kind.value}; adjustments apply to sum metrics only"
        )
        raise InvalidParameter(msg)
    if kind is AdjustmentKind.CREDIT:
        return
    if not window.higher:
        msg = (
            f"card {card.id!r}: metric {key!r} is {window.parameter.direction.value}; a relief takes an amount "
            "off the target of a higher-is-better sum only"
        )
        raise InvalidParameter(msg)
    plan = card.plan(key)
    before = sum(
        (Fraction(a.value) for a in recorded if a.metric == key and a.kind is AdjustmentKind.RELIEF), Fraction(0)
    )
    left = plan.target - before - Fraction(adjustment.value)
    baseline = window.parameter.baseline
    floor = Fraction(0) if baseline is None else Fraction(baseline) * plan.share
    if left <= floor:
        least = "above 0" if baseline is None else f"above its baseline {_shown(floor)}"
        earlier = f" after the reliefs of {_shown(before)} recorded before" if before else ""
        msg = (
            f"card {card.id!r}: a relief of {adjustment.value} on metric {key!r} would leave its target "
            f"{_shown(plan.target)} at {_shown(left)}{earlier}; the target after reliefs must stay {least}"
        )
        raise InvalidParameter(msg)


def _shown(value: Fraction) -> str:
    """An exact number for a message: a whole number or a short decimal as such, else the fraction."""
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return str(decimal) if Fraction(decimal) == value else f"{value.numerator}/{value.denominator}"


def _current_dates(rows: Iterable[CardRow], today_in: Callable[[str], Date]) -> list[Date]:
    """The local dates the current cards hold, earliest first: each row's `today_in` its zone, if its period holds it.

    Each distinct (period start, period end, zone) is judged once, so a store of many
    cards sharing a few periods costs one set lookup a row.

    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> cards = [Scorecard(f"c{m}", User("ann"), c, c.period(m), [Parameter("deals", 10, 100)]) for m in range(3)]
    >>> today = {"UTC": Date(2024, 2, 10)}
    >>> _current_dates([CardRow.of(card) for card in cards], today.__getitem__)
    [Date(2024, 2, 10)]
    """
    seen: set[tuple[Date, Date, str]] = set()
    days: set[Date] = set()
    for row in rows:
        key = (row.period_start, row.period_end, row.timezone)
        if key not in seen:
            seen.add(key)
            day = today_in(row.timezone)
            if row.period_start <= day < row.period_end:
                days.add(day)
    return sorted(days)
