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

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
from pendulum import Date

from scorekit._access import Actor, Role
from scorekit._identifiers import MAX_IDENTIFIER, check_identifier
from scorekit._periods import _Periods
from scorekit._reading import _CLOSED_HINT
from scorekit.adjustment import Adjustment, AdjustmentKind
from scorekit.calendar import WorkCalendar
from scorekit.errors import (
    CardNotFound,
    InvalidParameter,
    InvalidPeriod,
    InvalidScorecard,
    PermissionDenied,
    ScorekitError,
)
from scorekit.grouping import Dashboard, apply_parameters
from scorekit.history import Change
from scorekit.measurement import (
    ManualEntry,
)
from scorekit.numbers import Number, to_decimal
from scorekit.parameter import Parameter
from scorekit.period import Cadence, Period, as_utc
from scorekit.plan import Phasing, Ramp
from scorekit.ports import (
    AdjustmentStore,
    CardSteps,
    Clock,
    ManualValueStore,
    MetricSource,
    OrgChart,
    ScorecardRepository,
    SnapshotStore,
)
from scorekit.scorecard import Scorecard, Team, User
from scorekit.status import StatusPolicy
from scorekit.window import relief_floor

__all__ = ["Actor", "CardTemplate", "Dashboard", "Role", "Scorekit"]


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
    ramp: Ramp | None = attrs.field(default=None, kw_only=True)
    phasing: Phasing | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        # A template is checked as a card would be, so a mistake shows when it is written,
        # not later under a card id nobody saw.
        cadence: object = self.cadence
        if not isinstance(cadence, Cadence):
            msg = f"a template's cadence must be a Cadence, got {self.cadence!r}"
            raise InvalidScorecard(msg)
        ramp: object = self.ramp
        if ramp is not None and not isinstance(ramp, Ramp):
            msg = f"a template's ramp must be a Ramp or None, got {self.ramp!r}"
            raise InvalidScorecard(msg)
        first = self.cadence.period(0) if self.ramp is None else self.cadence.period_containing(self.ramp.start)
        try:
            self.card("template", User("template"), first)
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
            ramp=self.ramp,
            phasing=self.phasing,
        )


_EDITABLE: Final = frozenset({"parameters", "name", "rollover", "timezone", "owner"})

_MAX_HORIZON: Final = 36_600
"""The largest `Scorekit(horizon_days=)`: a century."""


def _owner_key(owner: User | Team) -> tuple[str, str]:
    return ("team" if isinstance(owner, Team) else "user", owner.id)


class Scorekit(_Periods):
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
        """A copy of a card with its parameters for another owner ("add similar card", F8).

        A new hire's `Ramp` is theirs: a copy for another owner starts without it.
        """
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
        if copy.ramp is not None and copy.owner != source.owner:
            copy = copy.evolve(ramp=None)
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
        effective: Date | None = None,
        **changes: Any,  # noqa: ANN401 - the fields' own types
    ) -> Scorecard:
        """Change a card's `parameters`, `name`, `rollover`, `timezone` or team `owner`'s members (F13).

        `ConflictError` if the card is no longer at `expected_version` (the repository
        checks, atomically); the stored version goes up by one and the card's history
        records who, when and `reason`.  A closed card cannot be edited until reopened.
        `owner` may only be the same team with other members (later rollovers carry them).
        With `effective` (a date strictly inside the period) only `parameters` may be
        given and only their targets may differ: each changed target applies from that
        date (`Scorecard.with_targets_from`); without it an edit restates the whole period.
        """
        self._require_manager(actor, "edit cards")
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            msg = f"cannot edit {', '.join(unknown)}; a card's editable fields are {', '.join(sorted(_EDITABLE))}"
            raise InvalidScorecard(msg)
        if effective is not None and set(changes) != {"parameters"}:
            msg = f"an edit from a date (effective={effective!r}) changes targets only: give parameters= and nothing else, got {', '.join(sorted(changes)) or 'nothing'}"
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
        if effective is not None:
            changed = card.with_targets_from(changes["parameters"], effective)
        else:
            changed = card.evolve(**changes)
        self._check_adjustments_hold([changed])
        return self.cards.update(changed, expected_version, change=self._change(actor, reason))

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
        effective: Date | None = None,
    ) -> tuple[Scorecard, ...]:
        """Give every card the same `parameters` at once (F16): all change, or none.

        `expected_versions` maps card ids to the versions the editor saw; without
        it the versions read now are used.  The error names each card that would
        break, the one that is stale, or the closed ones.  With `effective` only
        targets may differ, and they apply from that date, as `edit` does.
        """
        self._require_manager(actor, "edit cards")
        scope = self._scope(actor)
        cards = [self.cards.get(card_id) for card_id in dict.fromkeys(card_ids)]
        for card in cards:
            self._check_change(actor, card, scope, "edit")
        self._refuse_closed(cards, "edit")
        seen = expected_versions or {}
        changed = apply_parameters(cards, parameters, effective=effective)
        self._check_adjustments_hold(changed)
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

    def _check_adjustments_hold(self, changed: Sequence[Scorecard]) -> None:
        """`InvalidParameter` if an edited card no longer takes an adjustment recorded on it, each as `adjust` checks it.

        A lowered target under recorded reliefs, a metric removed, made a level or lower
        is better under a credit or relief: the edit is refused and nothing is written.
        """
        recorded = self._adjustments_of(changed)
        if not recorded:
            return
        for card in changed:
            own = sorted((a for a in recorded if a.card_id == card.id), key=lambda a: (as_utc(a.recorded_at), a.id))
            for index, adjustment in enumerate(own):
                try:
                    _check_adjustable(card, adjustment, own[:index])
                except InvalidParameter as error:
                    msg = f"this edit would not take the {adjustment.kind.value} {adjustment.id!r} recorded on it: {error}"
                    raise InvalidParameter(msg) from None

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
    floor = relief_floor(window.parameter.baseline, plan.share)  # as scoring checks it
    if left <= floor:
        least = "above 0" if floor == 0 else f"above its baseline {_shown(floor)}"
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
