"""`User`, `Team` and `Scorecard`: who is judged, over which period, on what (F1..F4, F8, F13).

A `Scorecard` is an immutable, self-validating value: its period is one of its
cadence's periods, its active weights sum to exactly 100%, its metric keys are
unique, its time zone exists and, with a `WorkCalendar`, every window has a working
day.  It carries how its status is judged (`StatusPolicy`) and how its plan moves:
each parameter's target steps fall inside its window, a `Ramp` has begun by the end
of its period, and with a `Phasing` every window weighs something.  Every change
returns a new card.  `Scorecard.windows` is the view scoring and requests read.

>>> from scorekit import Cadence, Date, Parameter
>>> cadence = Cadence.monthly(Date(2024, 1, 1))
>>> card = Scorecard("c1", User("ann"), cadence, cadence.period(0), [Parameter("deals_won", 10, 100)])
>>> card.subjects, str(card.period)
(frozenset({'ann'}), '[2024-01-01, 2024-02-01)')
>>> card.next_card().id, str(card.next_card().period)
('c1@2024-02-01', '[2024-02-01, 2024-03-01)')
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import attrs
from pendulum import Date, DateTime
from pendulum.tz.timezone import Timezone

from scorekit import _display
from scorekit._identifiers import check_identifier, check_label, identifier
from scorekit.calendar import WorkCalendar
from scorekit.errors import InvalidPeriod, InvalidScorecard, InvalidWeight, ScorekitError
from scorekit.numbers import ONE
from scorekit.parameter import Parameter
from scorekit.period import Cadence, Period, zone
from scorekit.plan import Phasing, Ramp, TargetStep, WindowPlan, ramp_factor, window_plan
from scorekit.status import StatusPolicy, band
from scorekit.weight import check_total
from scorekit.window import ParameterWindow

__all__ = ["Owner", "ParameterWindow", "Scorecard", "Team", "User", "WeightTotalError", "reissue"]


class WeightTotalError(InvalidScorecard, InvalidWeight):
    """A card's active weights do not sum to exactly 100%: both a card and a weight error."""


def _identifier(what: str) -> Any:  # noqa: ANN401 - an attrs validator
    return identifier(what, InvalidScorecard)


@attrs.frozen
class User:
    """One salesperson, by the host's user id.

    >>> User("ann").subjects
    frozenset({'ann'})
    """

    id: str = attrs.field(validator=_identifier("user id"))

    @property
    def subjects(self) -> frozenset[str]:
        """The user ids whose records count for this owner."""
        return frozenset((self.id,))


def _members(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        msg = f"team members must be a collection of user ids, not the single string {value!r}"
        raise InvalidScorecard(msg)
    try:
        members = frozenset(value)
    except TypeError:
        msg = f"team members must be a collection of user ids, got {value!r}"
        raise InvalidScorecard(msg) from None
    if not members:
        msg = "a team needs at least one member, each a non-empty user id string, got []"
        raise InvalidScorecard(msg)
    for member in members:
        check_identifier(member, what="team member", error=InvalidScorecard)
    return members


@attrs.frozen
class Team:
    """A team: its records are those of all its members (F4).

    >>> sorted(Team("north", ["ann", "bob"]).subjects)
    ['ann', 'bob']
    """

    id: str = attrs.field(validator=_identifier("team id"))
    members: frozenset[str] = attrs.field(converter=_members)

    @property
    def subjects(self) -> frozenset[str]:
        """The user ids whose records count for this owner."""
        return self.members


Owner = User | Team


def _owner(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if not isinstance(value, User | Team):
        msg = f"a card's owner must be a User or a Team, got {value!r}"
        raise InvalidScorecard(msg)


def _timezone_name(value: object) -> str:
    try:
        return zone(value).name  # type: ignore[arg-type]
    except InvalidPeriod as error:
        raise InvalidScorecard(str(error)) from None


def _version(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"a card's version must be a whole number of at least 1, got {value!r}"
        raise InvalidScorecard(msg)


def _flag(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"card {attribute.name} must be True or False, got {value!r}"
        raise InvalidScorecard(msg)


def _parameters(value: Iterable[object]) -> tuple[Parameter, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Parameter):
            msg = f"a card's parameters must be Parameter objects, got {item!r}"
            raise InvalidScorecard(msg)
    return items  # type: ignore[return-value] # checked just above


def _policy(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if not isinstance(value, StatusPolicy):
        msg = f"a card's status_policy must be a StatusPolicy, got {value!r}"
        raise InvalidScorecard(msg)


def _calendar(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if value is not None and not isinstance(value, WorkCalendar):
        msg = f"a card's calendar must be a WorkCalendar or None (every day counts), got {value!r}"
        raise InvalidScorecard(msg)


def _ramp(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if value is not None and not isinstance(value, Ramp):
        msg = f"a card's ramp must be a Ramp or None (full targets), got {value!r}"
        raise InvalidScorecard(msg)


def _phasing(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checks any input
    if value is not None and not isinstance(value, Phasing):
        msg = f"a card's phasing must be a Phasing or None (every counted day alike), got {value!r}"
        raise InvalidScorecard(msg)


@attrs.frozen(repr=False)
class Scorecard:
    """A card: an owner, a period of a cadence, and weighted parameters.

    >>> from scorekit import Cadence, Date, Parameter
    >>> cadence = Cadence.monthly(Date(2024, 1, 1))
    >>> Scorecard("c1", User("ann"), cadence, cadence.period(0), [Parameter("deals_won", 10, 60)])
    Traceback (most recent call last):
    scorekit.scorecard.WeightTotalError: card 'c1': active weights sum to 60% (60%), expected exactly 100%
    """

    id: str = attrs.field(validator=_identifier("card id"))
    owner: User | Team = attrs.field(validator=_owner)
    cadence: Cadence
    period: Period
    parameters: tuple[Parameter, ...] = attrs.field(converter=_parameters)
    timezone: str = attrs.field(default="UTC", kw_only=True, converter=_timezone_name)
    rollover: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    series: str | None = attrs.field(default=None, kw_only=True)
    version: int = attrs.field(default=1, kw_only=True, validator=_version)
    name: str = attrs.field(default="", kw_only=True)
    status_policy: StatusPolicy = attrs.field(factory=StatusPolicy, kw_only=True, validator=_policy)
    calendar: WorkCalendar | None = attrs.field(default=None, kw_only=True, validator=_calendar)
    ramp: Ramp | None = attrs.field(default=None, kw_only=True, validator=_ramp)
    phasing: Phasing | None = attrs.field(default=None, kw_only=True, validator=_phasing)
    _ramp_factor: Decimal = attrs.field(init=False, eq=False, order=False, repr=False)
    _zone: Timezone = attrs.field(init=False, eq=False, order=False, repr=False)
    _windows: tuple[ParameterWindow, ...] = attrs.field(init=False, eq=False, order=False, repr=False)
    _subjects: frozenset[str] = attrs.field(init=False, eq=False, order=False, repr=False)
    _manual_keys: tuple[str, ...] = attrs.field(init=False, eq=False, order=False, repr=False)
    _bands: tuple[tuple[Decimal, Decimal], ...] = attrs.field(init=False, eq=False, order=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._check_fields()
        self._check_parameters()
        self._check_plan()
        try:
            windows = tuple(
                ParameterWindow(p, self.period, self.calendar, self.status_policy, self._moved_plan(p))
                for p in self.parameters
                if p.active
            )
        except InvalidScorecard as error:
            raise self._invalid(str(error)) from None
        object.__setattr__(self, "_zone", zone(self.timezone))
        object.__setattr__(self, "_windows", windows)
        object.__setattr__(self, "_subjects", self.owner.subjects)
        object.__setattr__(self, "_manual_keys", tuple(w.key for w in windows if w.manual))
        # A weighted sum's error is at most max(k1) * (sum of weighted |values|) + max(k0).
        k1 = max(w.rule.k1 for w in windows)
        k0 = max(w.rule.k0 for w in windows)
        policy = self.status_policy
        object.__setattr__(self, "_bands", tuple(band(k1, k0, b) for b in (ONE, policy.on_track, policy.at_risk)))

    def _invalid(self, problem: str, error: type[ScorekitError] = InvalidScorecard) -> ScorekitError:
        return error(f"card {self.id!r}: {problem}")

    def _check_fields(self) -> None:
        invalid = self._invalid
        if not isinstance(self.cadence, Cadence):
            raise invalid(f"cadence must be a Cadence, got {self.cadence!r}")
        if not isinstance(self.period, Period):
            raise invalid(f"period must be a Period, got {self.period!r}")
        if not self.cadence.has_period(self.period):
            expected = self.cadence.period_containing(self.period.start)
            raise invalid(
                f"period {self.period} is not a period of {self.cadence} (the one holding {self.period.start} is {expected})"
            )
        self._check_identity()

    def _check_identity(self) -> None:
        """The checks of the fields `reissue` may change that their attrs validators do not make."""
        if self.series is not None:
            check_identifier(self.series, what=f"card {self.id!r}: series", error=InvalidScorecard)
        check_label(self.name, what=f"card {self.id!r}: name", error=InvalidScorecard)

    def _check_parameters(self) -> None:
        invalid = self._invalid
        keys = [p.key for p in self.parameters]
        twice = sorted(k for k, n in collections.Counter(keys).items() if n > 1)  # linear: a card may have 1,000
        if twice:
            raise invalid(f"each metric may appear once, but {', '.join(map(repr, twice))} appear more than once")
        active = [p for p in self.parameters if p.active]
        if not active:
            raise invalid("a card needs at least one active parameter")
        try:
            check_total(p.weight for p in active)
        except InvalidWeight as error:
            raise invalid(f"active {error}", WeightTotalError) from None
        for parameter in active:
            if parameter.counts_from is not None and parameter.counts_from >= self.period.end:
                raise invalid(
                    f"parameter {parameter.key!r} counts from {parameter.counts_from}, "
                    f"on or after the period end {self.period.end}; it must start before the period ends"
                )

    def _check_plan(self) -> None:
        """The steps fall inside their windows, the ramp has begun, and with a phasing each window weighs something."""
        invalid = self._invalid
        period = self.period
        for parameter in self.parameters:
            if not parameter.steps:
                continue
            start = self._window_start(parameter)
            for step in parameter.steps:
                if not start < step.effective < period.end:
                    raise invalid(
                        f"parameter {parameter.key!r}: the target step from {step.effective} (target {step.target}) "
                        f"must fall after the window start {start} and before the period end {period.end}"
                    )
        try:
            factor = ramp_factor(self.ramp, self.cadence, period)
        except InvalidScorecard as error:
            raise invalid(str(error)) from None
        object.__setattr__(self, "_ramp_factor", factor)
        if self.phasing is not None:
            for parameter in self.parameters:
                if parameter.active:
                    try:
                        self._plan_of(parameter)
                    except InvalidScorecard as error:
                        raise invalid(f"parameter {parameter.key!r}: {error}") from None

    def _window_start(self, parameter: Parameter) -> Date:
        counts_from = parameter.counts_from
        return counts_from if counts_from is not None and counts_from > self.period.start else self.period.start

    def _moved_plan(self, parameter: Parameter) -> WindowPlan | None:
        """The plan scoring judges `parameter` by when its steps, the ramp or a phasing move it; None when plain."""
        if parameter.steps or (self._ramp_factor != 1 and parameter.rampable) or self.phasing is not None:
            return self._plan_of(parameter)
        return None

    def _plan_of(self, parameter: Parameter) -> WindowPlan:
        return window_plan(
            self._window_start(parameter),
            self.period.end,
            self.period,
            target=parameter.target,
            steps=parameter.steps,
            factor=self._ramp_factor if parameter.rampable else ONE,
            calendar=self.calendar,
            phasing=self.phasing,
            prorate=parameter.prorate,
        )

    @property
    def ramp_factor(self) -> Decimal:
        """The share of the full target this card's ramp sets (1 without a ramp or past it).

        It scales the target and every step of each higher-is-better sum without a
        baseline (`Parameter.rampable`); other parameters keep their targets.

        >>> from scorekit import Cadence, Date, Parameter, Ramp
        >>> c = Cadence.monthly(Date(2025, 1, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(1), [Parameter("deals_won", 10, 100)], ramp=Ramp(Date(2025, 1, 15), (0.5, 0.75)))
        >>> card.ramp_factor, card.next_card().ramp_factor
        (Decimal('0.75'), Decimal('1'))
        """
        return self._ramp_factor

    def plan(self, key: str) -> WindowPlan:
        """The day weights of an active parameter's window: its target `T`, `T_d` and `expected` (see `scorekit.plan`).

        >>> from scorekit import Cadence, Date, Parameter, TargetStep
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 4, 10), 20),))])
        >>> card.plan("deals_won").target
        Fraction(17, 1)
        """
        for w in self._windows:
            if w.key == key:
                return self._plan_of(w.parameter)
        msg = f"card {self.id!r} has no active metric {key!r}"
        raise KeyError(msg)

    @property
    def subjects(self) -> frozenset[str]:
        """The user ids whose records count: the user, or the team's members."""
        return self._subjects

    @property
    def windows(self) -> tuple[ParameterWindow, ...]:
        """Each active parameter's counting window, days, prorated target and rule, in the card's order."""
        return self._windows

    @property
    def decision_bands(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """For the card's total against 1, ``on_track`` and ``at_risk``: the values decided exactly.

        A total (or projected total) outside its ``(low, high)`` is decided on its
        Decimal; inside, on the exact rational value (see `scorekit.status.band`).
        """
        return self._bands

    @property
    def zone(self) -> Timezone:
        """The card's time zone as a `pendulum` timezone."""
        return self._zone

    @property
    def series_id(self) -> str:
        """The series this card belongs to: `series`, or the card's own id for a first card."""
        return self.series if self.series is not None else self.id

    @property
    def manual_keys(self) -> tuple[str, ...]:
        """The keys of the active hand-entered metrics, in the card's order."""
        return self._manual_keys

    @property
    def active_parameters(self) -> tuple[Parameter, ...]:
        """The parameters that are scored, in the card's order."""
        return tuple(w.parameter for w in self._windows)

    def parameter(self, key: str) -> Parameter:
        """The parameter for metric `key`.

        >>> from scorekit import Cadence, Date, Parameter
        >>> c = Cadence.monthly(Date(2024, 1, 1))
        >>> Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)]).parameter("deals_won").target
        Decimal('10')
        """
        for parameter in self.parameters:
            if parameter.key == key:
                return parameter
        msg = f"card {self.id!r} has no metric {key!r}; it has {', '.join(repr(p.key) for p in self.parameters)}"
        raise KeyError(msg)

    def window(self, key: str) -> Period:
        """The counting window of an active parameter: ``[max(period start, counts_from), period end)``."""
        for w in self._windows:
            if w.key == key:
                return w.period
        msg = f"card {self.id!r} has no active metric {key!r}"
        raise KeyError(msg)

    def evolve(self, **changes: Any) -> Scorecard:  # noqa: ANN401 - the fields' own types
        """A copy with `changes`, validated again (the version is the store's business).

        >>> from scorekit import Cadence, Date, Parameter
        >>> c = Cadence.monthly(Date(2024, 1, 1))
        >>> Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)]).evolve(name="Q1").name
        'Q1'
        """
        if changes.keys() <= _IDENTITY_NAMES:  # the windows do not change: shared, not built again
            identity = {name: changes.get(name, getattr(self, name)) for name in _IDENTITY}
            return reissue(self, **identity)
        return attrs.evolve(self, **changes)

    def with_parameters(self, parameters: Iterable[Parameter]) -> Scorecard:
        """A copy with new `parameters`, validated again (F13)."""
        return attrs.evolve(self, parameters=tuple(parameters))

    def with_targets_from(self, parameters: Iterable[Parameter], effective: Date) -> Scorecard:
        """A copy whose targets change from `effective` on; the days before keep the targets they had.

        `parameters` is this card's parameters with new targets (as an editor pre-filled
        with them gives them back): each target that differs from the one in force on
        `effective` becomes a `TargetStep` there, replacing the steps on or after it.
        `effective` must be strictly inside the period, and nothing but targets may
        differ (`InvalidScorecard` naming the parameter and the field).

        >>> from scorekit import Cadence, Date, Parameter
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
        >>> card.with_targets_from([Parameter("deals_won", 20, 100)], Date(2024, 4, 10)).parameters[0].steps
        (TargetStep(effective=Date(2024, 4, 10), target=Decimal('20')),)
        """
        if (
            not isinstance(effective, Date)
            or isinstance(effective, DateTime)
            or not self.period.start < effective < self.period.end
        ):
            msg = (
                f"card {self.id!r}: a target changes from a date strictly inside the period {self.period}, "
                f"got effective={effective!r}"
            )
            raise InvalidScorecard(msg)
        given = _parameters(parameters)
        if [p.key for p in given] != [p.key for p in self.parameters]:
            msg = (
                f"card {self.id!r}: a change from {effective} changes targets only; its metrics are "
                f"{', '.join(p.key for p in self.parameters)}, got {', '.join(repr(p.key) for p in given)}"
            )
            raise InvalidScorecard(msg)
        moved = []
        for stored, new in zip(self.parameters, given, strict=True):
            for field in attrs.fields(Parameter):
                if field.name not in ("target", "steps") and getattr(new, field.name) != getattr(stored, field.name):
                    msg = (
                        f"card {self.id!r}: a change from {effective} changes targets only, but parameter "
                        f"{stored.key!r} changes its {field.name}; restate the whole period (edit without effective)"
                    )
                    raise InvalidScorecard(msg)
            if new.target == stored.target_on(effective):
                moved.append(stored)
            else:
                kept = tuple(step for step in stored.steps if step.effective < effective)
                moved.append(stored.evolve(steps=(*kept, TargetStep(effective, new.target))))
        return self.with_parameters(moved)

    def next_card(self) -> Scorecard:
        """The same card for the following period (F3), with an id derived from the series.

        Running it twice gives equal cards, which is what makes rollover idempotent.
        A parameter with target steps starts from the target in force on the last
        day, without steps; the ramp goes along (its next factor, or 1 past it).

        >>> from scorekit import Cadence, Date, Parameter, TargetStep
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100, steps=(TargetStep(Date(2024, 4, 10), 20),))])
        >>> (p,) = card.next_card().parameters
        >>> p.target, p.steps
        (Decimal('20'), ())
        """
        period = self.cadence.following(self.period)
        series = self.series_id
        last_day = self.period.last_day
        parameters = tuple(p.evolve(target=p.target_on(last_day), steps=()) if p.steps else p for p in self.parameters)
        return attrs.evolve(
            self, id=f"{series}@{period.start}", period=period, series=series, version=1, parameters=parameters
        )

    def copy_for(self, owner: User | Team, *, id: str | None = None) -> Scorecard:  # noqa: A002 - the field's name
        """The same parameters for another owner ("add similar card", F8), a series of its own.

        Without `id` the copy's id is derived from this card's id and the owner's.
        """
        new_id = id if id is not None else f"{self.id}~{owner.id}"
        # Everything but the identity is this card's: its windows are shared, not built again.
        return reissue(self, id=new_id, owner=owner, rollover=self.rollover, series=None, version=1, name=self.name)

    def __repr__(self) -> str:
        return f"<Scorecard {self.id!r} of {self.owner!r} for {self.period} v{self.version}>"

    def _repr_html_(self) -> str:
        """The card in a notebook: name, owner and period, then each parameter with its target and weight (escaped).

        >>> from scorekit import Cadence, Date, Parameter
        >>> c = Cadence.monthly(Date(2024, 4, 1))
        >>> html = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)], name="<Ann>")._repr_html_()
        >>> "&lt;Ann&gt; \u00b7 ann \u00b7 2024-04-01 to 2024-04-30" in html, "<td>deals_won</td><td>10</td><td>100%</td>" in html
        (True, True)
        """
        rows = "".join(
            f"<tr><td>{_display.text(p.metric.display_name)}</td>"
            f"<td>{_display.text(_display.with_unit(_display.number(p.target), p.metric.unit))}</td>"
            f"<td>{_display.text(p.weight)}</td><td>{'' if p.active else 'inactive'}</td></tr>"
            for p in self.parameters
        )
        caption = " \u00b7 ".join(
            [self.name or self.id, self.owner.id, _display.span(self.period.start, self.period.last_day)]
        )
        return (
            f'<table class="scorekit-scorecard"><caption>{_display.text(caption)}</caption>'
            "<thead><tr><th>Parameter</th><th>Target</th><th>Weight</th><th></th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


_IDENTITY: Final = ("id", "owner", "rollover", "series", "version", "name")
"""The fields of a card that none of its derived state (windows, zone, bands) depends on."""
_COPIED: Final = tuple(a.name for a in attrs.fields(Scorecard) if a.name not in _IDENTITY)
_IDENTITY_NAMES: Final = frozenset(_IDENTITY)


def reissue(
    template: Scorecard,
    *,
    id: str,  # noqa: A002 - the field's name
    owner: User | Team,
    rollover: bool,
    series: str | None,
    version: int,
    name: str,
) -> Scorecard:
    """`template` with another identity (id, owner, rollover, series, version, name), validated as a new card would be.

    Only the identity is checked again: the period, parameters, time zone, policy and
    calendar, and everything derived from them (windows, bands), are the template's,
    which were checked when it was built and do not depend on the identity.  So the
    result equals ``Scorecard(id, owner, ...)`` with the template's other fields, at
    a fraction of its cost: the codec builds stored cards of one template this way.

    >>> from scorekit import Cadence, Date, Parameter
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> bob = reissue(card, id="c2", owner=User("bob"), rollover=True, series=None, version=3, name="Q1")
    >>> bob == Scorecard("c2", User("bob"), c, c.period(0), card.parameters, rollover=True, version=3, name="Q1")
    True
    >>> reissue(card, id=" ", owner=User("bob"), rollover=False, series=None, version=1, name="")
    Traceback (most recent call last):
    scorekit.errors.InvalidScorecard: card id must be a non-empty string with a visible character (not only whitespace or invisible characters), got ' '
    """
    card = _new(Scorecard)
    for field in _COPIED:
        _set(card, field, getattr(template, field))
    fields = attrs.fields(Scorecard)
    identity: tuple[tuple[attrs.Attribute[Any], object], ...] = (
        (fields.id, id),
        (fields.owner, owner),
        (fields.rollover, rollover),
        (fields.series, series),
        (fields.version, version),
        (fields.name, name),
    )
    for attribute, value in identity:
        if attribute.validator is not None:
            attribute.validator(card, attribute, value)
        _set(card, attribute.name, value)
    card._check_identity()  # noqa: SLF001 - the class's own check, in its own module
    _set(card, "_subjects", owner.subjects)
    return card


_new = object.__new__
_set = object.__setattr__
