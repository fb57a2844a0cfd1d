"""JSON documents for scorekit's values, on cattrs, in a versioned schema.

Every document is a JSON object carrying ``"schema": 2`` (0.3's number; a document of
schema 1, as 0.1 and 0.2 wrote it, still loads, to the same value).  Decimals are strings
(``"33.33"``), weights percentages as strings (``"40"``), dates ISO 8601
(``"2024-01-31"``), instants ISO 8601 with their offset, owners tagged
``{"kind": "user" | "team", ...}``.  Round trips are exact.  Any malformed
document raises one `InvalidDocument` naming the JSON path of each problem (the
first `MAX_PROBLEMS`, then how many more).  Before structuring, `loads` refuses a
text over `MAX_DOCUMENT_CHARS`, a card with more than `MAX_PARAMETERS` parameters,
a team with more than `MAX_MEMBERS` members and a measurement with more than
`MAX_EVIDENCE` evidence items; a list stops being checked after its first
`MAX_PROBLEMS` problems, so a malformed document costs little whatever its size.

>>> from scorekit import Cadence, Date, Parameter, Scorecard, User
>>> c = Cadence.monthly(Date(2024, 1, 31))
>>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
>>> loads(dumps(card), Scorecard) == card
True
>>> from_dict({"schema": 2, "key": "x", "unit": 3, "kind": "sometimes"}, Metric)
Traceback (most recent call last):
scorekit.errors.InvalidDocument: not a valid Metric document:
  unit: expected a string, got 3
  kind: 'sometimes' is not a valid MetricKind
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError, IterableValidationError, IterableValidationNote
from cattrs.gen import (
    make_dict_structure_fn,
    make_dict_structure_fn_from_attrs,
    make_dict_unstructure_fn,
    make_dict_unstructure_fn_from_attrs,
    override,
)
from cattrs.v import transform_error
from pendulum import Date, DateTime

from scorekit.adjustment import Adjustment
from scorekit.alerts import Transition, TransitionKind
from scorekit.calendar import WorkCalendar
from scorekit.errors import InvalidDocument, ScorekitError
from scorekit.history import Change, ClosedScore, Revision
from scorekit.measurement import Evidence, ManualEntry, Measurement, MetricRequest, as_instant
from scorekit.numbers import to_decimal
from scorekit.parameter import Metric, Parameter
from scorekit.period import Cadence, Period, Step, as_date
from scorekit.plan import Phasing
from scorekit.rollup import ParameterRollUp, RollUp, TargetMismatch
from scorekit.scorecard import Scorecard, Team, User, reissue
from scorekit.scores import CardScore, ParameterScore, read_back, reliefs_of
from scorekit.scoring import score
from scorekit.status import Status, StatusPolicy
from scorekit.weight import Weight

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "MAX_EVIDENCE",
    "MAX_MEMBERS",
    "MAX_PARAMETERS",
    "MAX_PROBLEMS",
    "MAX_STRING_CHARS",
    "SCHEMA",
    "SCHEMAS_READ",
    "dumps",
    "fingerprint",
    "from_dict",
    "loads",
    "to_dict",
    "verify",
]

T = TypeVar("T")

SCHEMA: Final = 2
"""The schema version every document is written with (0.3 raised it from 1: steps, ramps, phasing, adjustments)."""
SCHEMAS_READ: Final = (1, 2)
"""The schema versions `from_dict` and `loads` read; a document of any other is refused, never guessed at.

Schema 1 (0.1 and 0.2) has no field schema 2 lacks: it loads to the value it always described."""
_FINGERPRINT_SCHEMA: Final = 1
"""The number the documents inside a fingerprint carry, fixed when the digest was defined: a digest
never changes because the format's number did (equal inputs, equal digests, in any version)."""
MAX_DOCUMENT_CHARS: Final = 8_000_000
"""`loads` refuses longer texts before parsing them."""
MAX_STRING_CHARS: Final = 100_000
"""The longest string any field may hold (ids, names, labels)."""
MAX_PARAMETERS: Final = 1_000
"""The most parameters a card (or a card's score) document may hold; checked before structuring."""
MAX_MEMBERS: Final = 100_000
"""The most members a team (or a request's subjects) may list; checked before structuring."""
MAX_EVIDENCE: Final = 100_000
"""The most evidence items a measurement (or a parameter's score) may list; checked before structuring."""
MAX_PROBLEMS: Final = 20
"""An `InvalidDocument` message names at most this many problems, then "... and N more"."""

_TYPES: Final = (Weight, Period, Cadence, Metric, Parameter, User, Team, Scorecard)
_TYPES_MORE: Final = (Evidence, Measurement, MetricRequest, ManualEntry, Adjustment, ParameterScore, CardScore)
_TYPES_HISTORY: Final = (Change, Revision, ClosedScore)
_TYPES_TEAMS: Final = (ParameterRollUp, RollUp, TargetMismatch, Transition)
"""0.3's values a host keeps: a team's roll-up, a target mismatch, the last transition it notified."""
_SCALARS: Final = (Weight,)
"""Types whose document holds one JSON value, under "value"; the others are JSON objects."""


class _Problem(ValueError):
    """One leaf problem; its message is shown as is, after its path."""


class _Hidden(ValueError):
    """Stands for the `count` items of a list left unchecked after its first `MAX_PROBLEMS` problems."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


_HIDDEN_MARK: Final = "\x00hidden:"


_CARD_BOUNDS: Final = ((("parameters",), MAX_PARAMETERS), (("owner", "members"), MAX_MEMBERS))
_SCORE_BOUNDS: Final = (
    *((("card", *path), bound) for path, bound in _CARD_BOUNDS),
    (("parameters",), MAX_PARAMETERS),
    (("parameters", "*", "evidence"), MAX_EVIDENCE),
)
_BOUNDS: Final[Mapping[type, tuple[tuple[tuple[str, ...], int], ...]]] = {
    Scorecard: _CARD_BOUNDS,
    Team: ((("members",), MAX_MEMBERS),),
    MetricRequest: ((("subjects",), MAX_MEMBERS),),
    Measurement: ((("evidence",), MAX_EVIDENCE),),
    ParameterScore: ((("evidence",), MAX_EVIDENCE),),
    CardScore: _SCORE_BOUNDS,
    # wherever a card or a score is nested, its bounds hold too
    Revision: tuple((("card", *path), bound) for path, bound in _CARD_BOUNDS),
    ClosedScore: tuple((("score", *path), bound) for path, bound in _SCORE_BOUNDS),
}
"""Where each document type may hold a long list, and how long it may be."""


def _lists_at(node: object, path: tuple[str, ...], where: str = "") -> Iterable[tuple[str, list[Any]]]:
    """The lists found at `path` in `node` ("*" steps into every item of a list), with where they are."""
    if not path:
        if isinstance(node, list):
            yield where, node
        return
    step, rest = path[0], path[1:]
    if step == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            yield from _lists_at(item, rest, f"{where}[{index}]")
    elif isinstance(node, Mapping) and step in node:
        yield from _lists_at(node[step], rest, f"{where}.{step}" if where else step)


def _too_many(data: object, cls: type) -> str | None:
    """The first list in `data` longer than its bound, checked before any structuring."""
    for path, bound in _BOUNDS.get(cls, ()):
        for where, value in _lists_at(data, path):
            if len(value) > bound:
                return f"{where}: {len(value):,} items are more than the {bound:,} allowed"
    return None


def _string(value: object, _: object = None) -> str:
    if not isinstance(value, str):
        msg = f"expected a string, got {_shown(value)}"
        raise _Problem(msg)
    if len(value) > MAX_STRING_CHARS:
        msg = f"a string of {len(value):,} characters is longer than the {MAX_STRING_CHARS:,} allowed"
        raise _Problem(msg)
    return value


def _integer(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected a whole number, got {_shown(value)}"
        raise _Problem(msg)
    return value


def _boolean(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {_shown(value)}"
        raise _Problem(msg)
    return value


def _decimal(value: object, _: object) -> Decimal:
    if isinstance(value, str):
        _string(value)
    elif not isinstance(value, int | float) or isinstance(value, bool):
        msg = f"expected a decimal number as a string, got {_shown(value)}"
        raise _Problem(msg)
    return to_decimal(value, error=_Problem)  # type: ignore[arg-type]


def _date(value: object, _: object) -> Date:
    return as_date(_string(value))


_INSTANT: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.,]+(?:Z|[+-][0-9:]+)?")
"""An ISO 8601 calendar date and time (not a week or ordinal date), as `isoformat()` writes instants."""


def _instant(value: object, _: object) -> DateTime:
    text = _string(value)
    try:
        if not _INSTANT.fullmatch(text):
            raise ValueError(text)  # noqa: TRY301 - the same message as a date fromisoformat refuses
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        msg = f"expected an ISO 8601 instant with an offset, got {_shown(value)}"
        raise _Problem(msg) from None
    return as_instant(parsed, name="instant")


def _sequence(value: object) -> list[Any]:
    if not isinstance(value, list):
        msg = f"expected a list, got {_shown(value)}"
        raise _Problem(msg)
    return value


def _object(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        msg = f"expected an object, got {_shown(value)}"
        raise _Problem(msg)
    return value


def _shown(value: object) -> str:
    if isinstance(value, Mapping):
        return f"an object with {len(value)} field(s)"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."  # noqa: PLR2004 - keep messages short


def decimal_text(value: Decimal) -> str:
    """``str(value)`` whatever the caller's decimal context: an exponent is always a capital ``E``.

    `str` of a Decimal follows the context's ``capitals``; a document (and so a fingerprint)
    must not.

    >>> import decimal
    >>> with decimal.localcontext(capitals=0):
    ...     str(Decimal("1.5E+4")), decimal_text(Decimal("1.5E+4"))
    ('1.5e+4', '1.5E+4')
    """
    text = str(value)
    return text.replace("e", "E") if "e" in text else text


def _weight(value: object, _: object) -> Weight:
    return Weight.percent(_decimal(value, None))


def _fields(value: object, cls: type, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Structure the object `value` field by field, reporting every problem with its field name."""
    data = _object(value)
    result: dict[str, Any] = {}
    errors: list[Exception] = []
    for name, structure in fields.items():
        try:
            if name not in data:
                raise _Problem("required field missing")  # noqa: TRY301 - collected below with its path
            result[name] = structure(data[name], None)
        except Exception as error:  # noqa: BLE001 - every problem is collected with its path
            error.__notes__ = [*getattr(error, "__notes__", []), AttributeValidationNote(name, name, cls)]
            errors.append(error)
    extra = data.keys() - fields.keys()
    if extra:
        errors.append(_Problem(f"unexpected field(s) {_names(extra)}"))
    if errors:
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
    return result


def _unit(value: object, _: object) -> Step:
    unit = _string(value)
    if unit not in {s.value for s in Step}:
        msg = f"unit must be one of 'months', 'weeks', 'days', got {_shown(unit)}"
        raise _Problem(msg)
    return Step(unit)


def _period(value: object, _: object) -> Period:
    data = _fields(value, Period, {"start": _date, "end": _date})
    return Period(data["start"], data["end"])


def _cadence(value: object, _: object) -> Cadence:
    fields: dict[str, Any] = {"start": _date, "every": _integer, "unit": _unit}
    if "pattern" in _object(value):  # 0.3: a retail cadence (4-4-5 weeks)
        fields["pattern"] = lambda weeks, _: tuple(_integer(n, None) for n in _sequence(weeks))
    data = _fields(value, Cadence, fields)
    return Cadence(data["start"], data["every"], data["unit"], pattern=data.get("pattern", ()))


def _cadence_document(cadence: Cadence) -> dict[str, Any]:
    document: dict[str, Any] = {"start": cadence.start.isoformat(), "every": cadence.count, "unit": cadence.unit.value}
    if cadence.pattern:
        document["pattern"] = list(cadence.pattern)
    return document


def _phasing(value: object, _: object) -> Phasing:
    months = _object(value).get("months")
    if set(_object(value)) != {"months"} or not isinstance(months, Mapping):
        msg = f"a phasing is {{'months': {{month: weight}}}} (months 1..12, weights as strings), got {value!r}"
        raise _Problem(msg)
    return Phasing({int(k) if isinstance(k, str) and k.isascii() and k.isdigit() else k: v for k, v in months.items()})


def _owner(value: object, _: object) -> User | Team:
    kind = _object(value).get("kind")
    if kind == "user":
        data = _fields(value, User, {"kind": _string, "id": _string})
        return User(data["id"])
    if kind == "team":
        data = _fields(value, Team, {"kind": _string, "id": _string, "members": _subjects})
        return Team(data["id"], data["members"])
    msg = f"an owner's kind must be 'user' or 'team', got {_shown(kind)}"
    raise _Problem(msg)


def _subjects(value: object, _: object) -> frozenset[str]:
    return frozenset(_tuple_of(str)(value, None))


def _tuple_of(item: Any, converter: cattrs.Converter | None = None) -> Any:  # noqa: ANN401 - a cattrs hook
    def structure(value: object, _: object) -> tuple[Any, ...]:
        result = []
        errors: list[Exception] = []
        elements = _sequence(value)
        for index, element in enumerate(elements):
            try:
                result.append(converter.structure(element, item) if converter else _string(element))
            except Exception as error:  # noqa: BLE001 - every problem is collected with its index
                error.__notes__ = [*getattr(error, "__notes__", []), IterableValidationNote(str(index), index, item)]
                errors.append(error)
                if len(errors) == MAX_PROBLEMS and index + 1 < len(elements):
                    # A message names only the first problems: checking the rest would cost time
                    # (a list bomb) to say nothing more.
                    errors.append(_Hidden(len(elements) - index - 1))
                    break
        if errors:
            raise IterableValidationError("While structuring a list", errors, tuple)
        return tuple(result)

    return structure


def _status_policy(value: object, _: object) -> StatusPolicy:
    fields = {"on_track": _decimal, "at_risk": _decimal}
    if "judge_from" in _object(value):  # added in 0.3, written only when not 0
        fields["judge_from"] = _decimal
    data = _fields(value, StatusPolicy, fields)
    return StatusPolicy(**data)


def _status_policy_document(policy: StatusPolicy) -> dict[str, str]:
    document = {"on_track": decimal_text(policy.on_track), "at_risk": decimal_text(policy.at_risk)}
    if policy.judge_from:
        document["judge_from"] = decimal_text(policy.judge_from)
    return document


def _weekdays(value: object, _: object) -> tuple[int, ...]:
    return tuple(_integer(day, None) for day in _sequence(value))


def _holidays(value: object, _: object) -> tuple[Date, ...]:
    return tuple(_date(day, None) for day in _sequence(value))


def _calendar(value: object, _: object) -> WorkCalendar:
    data = _fields(value, WorkCalendar, {"weekdays": _weekdays, "holidays": _holidays})
    return WorkCalendar(data["weekdays"], data["holidays"])


_ADDED_IN_0_2: Final[Mapping[type, tuple[str, ...]]] = {
    Metric: ("accumulation",),
    Parameter: ("baseline", "tolerance", "band", "steps"),  # steps: 0.3
    Scorecard: ("status_policy", "calendar", "ramp", "phasing"),  # ramp, phasing: 0.3
    MetricRequest: ("accumulation",),
    Evidence: ("share",),  # 0.3: a shared deal's part
}
"""Fields added after 0.1, each with a default meaning "as before": written only when they differ
from it, so a value that uses nothing new has exactly its older document (which loads as is)."""


_ADDED_IN_0_3: Final[Mapping[type, tuple[str, ...]]] = {
    ClosedScore: ("measurements", "manual", "adjustments"),
}
"""Fields 0.3 added the same way: a closed score keeps the inputs it was made from (`verify`); one
made before has none, and its document is as 0.2 wrote it (one with no adjustment has no such field)."""


def _register_0_2_fields(converter: cattrs.Converter) -> None:
    converter.register_structure_hook(StatusPolicy, _status_policy)
    converter.register_unstructure_hook(StatusPolicy, _status_policy_document)
    converter.register_structure_hook(WorkCalendar, _calendar)
    converter.register_unstructure_hook(
        WorkCalendar,
        lambda c: {"weekdays": sorted(c.weekdays), "holidays": sorted(d.isoformat() for d in c.holidays)},
    )
    for cls, names in (*_ADDED_IN_0_2.items(), *_ADDED_IN_0_3.items()):
        overrides: dict[str, Any] = {name: override(omit_if_default=True) for name in names}
        converter.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, converter, **overrides))


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    for kind, structure in ((str, _string), (int, _integer), (bool, _boolean), (Decimal, _decimal)):
        converter.register_structure_hook(kind, structure)
    converter.register_structure_hook(Date, _date)
    converter.register_structure_hook(DateTime, _instant)
    converter.register_structure_hook(_dt.datetime, _instant)
    converter.register_unstructure_hook(Decimal, decimal_text)
    converter.register_unstructure_hook(Date, lambda d: d.isoformat())
    converter.register_unstructure_hook(_dt.datetime, lambda t: t.isoformat())
    converter.register_unstructure_hook(DateTime, lambda t: t.isoformat())
    converter.register_structure_hook(Weight, _weight)
    converter.register_unstructure_hook(Weight, lambda w: format(w.as_percent, "f"))
    converter.register_structure_hook(Period, _period)
    converter.register_unstructure_hook(Period, lambda p: {"start": p.start.isoformat(), "end": p.end.isoformat()})
    converter.register_structure_hook(Cadence, _cadence)
    converter.register_unstructure_hook(Cadence, _cadence_document)
    converter.register_structure_hook(Phasing, _phasing)
    converter.register_unstructure_hook(
        Phasing, lambda p: {"months": {str(k): decimal_text(v) for k, v in p.months.items()}}
    )
    owner_type: Any = User | Team
    for owner_kind in (User, Team, owner_type):
        converter.register_structure_hook(owner_kind, _owner)
    converter.register_unstructure_hook(User, lambda u: {"kind": "user", "id": u.id})
    converter.register_unstructure_hook(Team, lambda t: {"kind": "team", "id": t.id, "members": sorted(t.members)})
    converter.register_unstructure_hook(owner_type, lambda o: converter.unstructure(o, type(o)))
    converter.register_structure_hook_func(lambda t: t == frozenset[str], _subjects)
    converter.register_unstructure_hook_func(lambda t: t == frozenset[str], sorted)
    # Before the history types' hooks are made: a ClosedScore's score is written the same way.
    converter.register_unstructure_hook(CardScore, _score_document(converter))
    converter.register_unstructure_hook(ParameterScore, _on_first_use(ParameterScore, converter))
    _register_0_2_fields(converter)
    for item in (Parameter, Evidence, ParameterScore, ParameterRollUp):
        converter.register_structure_hook_func(_is_tuple_of(item), _tuple_of(item, converter))
    converter.register_structure_hook_func(lambda t: t == tuple[tuple[str, str], ...], _skipped)
    converter.register_structure_hook(Transition, _transition)
    converter.register_unstructure_hook(Transition, _transition_document)
    for cls in (
        Metric,
        Parameter,
        Scorecard,
        Evidence,
        Measurement,
        MetricRequest,
        ManualEntry,
        Adjustment,
        ParameterRollUp,
        RollUp,
        TargetMismatch,
    ):
        converter.register_structure_hook(cls, _checked(make_dict_structure_fn(cls, converter)))
    converter.register_structure_hook(ParameterScore, _checked(_score_structure(ParameterScore, converter)))
    # A score read back carries the scoring context its card and instant determine (per_day,
    # explain(), the exact percent()): the document holds the numbers, read_back the rest.
    # Registered before the history types, whose structure functions take the CardScore hook
    # there is when they are made (a ClosedScore's score must be read back the same way).
    card_score = _checked(_score_structure(CardScore, converter))
    converter.register_structure_hook(CardScore, lambda value, cls: _read_back(value, cls, card_score, converter))
    for history in _TYPES_HISTORY:
        converter.register_structure_hook(history, _checked(make_dict_structure_fn(history, converter)))
    return converter


def _skipped(value: object, _: object) -> tuple[tuple[str, str], ...]:
    """A roll-up's skipped keys: a list of ``[key, reason]`` pairs of strings."""
    pairs = []
    for item in _sequence(value):
        pair = _sequence(item)
        if len(pair) != 2:  # noqa: PLR2004 - a pair
            msg = f"expected a [key, reason] pair, got {_shown(item)}"
            raise _Problem(msg)
        pairs.append((_string(pair[0]), _string(pair[1])))
    return tuple(pairs)


def _transition_document(transition: Transition) -> dict[str, Any]:
    def side(value: Status | Decimal | None) -> str | None:
        return None if value is None else value.value if isinstance(value, Status) else decimal_text(value)

    return {
        "card_id": transition.card_id,
        "kind": transition.kind.value,
        "key": transition.key,
        "before": side(transition.before),
        "after": side(transition.after),
        "milestone": None if transition.milestone is None else decimal_text(transition.milestone),
    }


def _transition(value: object, _: object) -> Transition:
    """A transition: its `before` and `after` are statuses for STATUS, totals (decimal strings) for milestones."""
    data = _object(value)
    fields = ("card_id", "kind", "key", "before", "after", "milestone")
    extra = sorted(set(data) - set(fields))
    if extra:
        msg = f"unknown field(s) {', '.join(map(repr, extra))}; a Transition has {', '.join(fields)}"
        raise _Problem(msg)
    try:
        kind = TransitionKind(data.get("kind"))
    except ValueError:
        msg = f"kind: expected one of {', '.join(k.value for k in TransitionKind)}, got {_shown(data.get('kind'))}"
        raise _Problem(msg) from None

    def side(name: str, *, optional: bool) -> Status | Decimal | None:
        given = data.get(name)
        if given is None and optional:
            return None
        if kind is TransitionKind.STATUS:
            try:
                return Status(given)
            except ValueError:
                msg = f"{name}: expected a status ({', '.join(s.value for s in Status)}), got {_shown(given)}"
                raise _Problem(msg) from None
        return _decimal(given, None)

    after = side("after", optional=False)
    assert after is not None  # noqa: S101 - side() returns None only when optional
    return Transition(
        _string(data.get("card_id")),
        kind,
        None if data.get("key") is None else _string(data.get("key")),
        side("before", optional=True),
        after,
        None if data.get("milestone") is None else _decimal(data.get("milestone"), None),
    )


@attrs.frozen
class _ParameterScoreFields:
    """A `ParameterScore`'s document, for cattrs: the scores are tuples, not attrs classes."""

    parameter: Parameter
    actual: Decimal | None
    target: Decimal
    achievement: Decimal
    effective: Decimal
    contribution: Decimal
    expected: Decimal | None
    projected: Decimal | None
    status: Status
    evidence: tuple[Evidence, ...] = ()


@attrs.frozen
class _CardScoreFields:
    """A `CardScore`'s document, for cattrs."""

    card: Scorecard
    as_of: _dt.datetime
    total: Decimal
    parameters: tuple[ParameterScore, ...]
    projected: Decimal | None
    status: Status


def _score_fields(cls: type[CardScore | ParameterScore]) -> list[attrs.Attribute[Any]]:
    """The fields cattrs writes and reads for a score type, in order, their types resolved."""
    shape = _CardScoreFields if cls is CardScore else _ParameterScoreFields
    return list(attrs.fields(attrs.resolve_types(shape)))


def _score_structure(cls: type[T], converter: cattrs.Converter) -> Callable[[Mapping[str, Any], Any], T]:
    """What ``make_dict_structure_fn`` made for a score while it was an attrs class (the same errors)."""
    return make_dict_structure_fn_from_attrs(_score_fields(cls), cls, converter)  # type: ignore[arg-type]


def _on_first_use(cls: type[T], converter: cattrs.Converter) -> Callable[[T], dict[str, Any]]:
    """A score's unstructure hook, made on first use, once every field's hook exists (as cattrs made one)."""
    plain: list[Callable[[T], dict[str, Any]]] = []

    def hook(score: T) -> dict[str, Any]:
        if not plain:
            plain.append(make_dict_unstructure_fn_from_attrs(_score_fields(cls), cls, converter))  # type: ignore[arg-type]
        return plain[0](score)

    return hook


def _score_document(converter: cattrs.Converter) -> Callable[[CardScore], dict[str, Any]]:
    """The CardScore unstructure hook: its fields, then each relieved parameter's reliefs."""
    plain = _on_first_use(CardScore, converter)
    return lambda score: _with_reliefs(score, plain(score), converter)


def _with_reliefs(score: CardScore, document: dict[str, Any], converter: cattrs.Converter) -> dict[str, Any]:
    """A score's document, each relieved parameter with the reliefs behind its target (0.3; none: as before)."""
    for item, written in zip(score.parameters, document["parameters"], strict=True):
        reliefs = reliefs_of(item)
        if reliefs:
            written["reliefs"] = [converter.unstructure(relief, Adjustment) for relief in reliefs]
    return document


def _read_back(value: object, cls: type[CardScore], structure: Any, converter: cattrs.Converter) -> CardScore:  # noqa: ANN401 - a cattrs hook
    """A score from its document, with the scoring context (and the reliefs) it was written with."""
    data = _object(value)
    reliefs: dict[str, tuple[object, ...]] = {}
    written = data.get("parameters")
    if isinstance(written, list) and any(isinstance(p, Mapping) and "reliefs" in p for p in written):
        data = {**data, "parameters": [_without_reliefs(p, reliefs, converter) for p in written]}
    return read_back(structure(data, cls), reliefs)


def _without_reliefs(item: object, reliefs: dict[str, tuple[object, ...]], converter: cattrs.Converter) -> object:
    if not isinstance(item, Mapping) or "reliefs" not in item:
        return item
    rest = {k: v for k, v in item.items() if k != "reliefs"}
    key = _object(_object(_object(rest.get("parameter")).get("metric"))).get("key")
    reliefs[str(key)] = tuple(converter.structure(r, Adjustment) for r in _sequence(item["reliefs"]))
    return rest


def _is_tuple_of(item: type) -> Callable[[Any], bool]:
    target: Any = tuple[item, ...]  # type: ignore[valid-type]
    return lambda t: bool(t == target)


def _checked(structure: Any) -> Any:  # noqa: ANN401 - a cattrs hook
    def hook(value: object, cls: type[T]) -> T:
        return structure(_object(value), cls)  # type: ignore[no-any-return]

    return hook


_CONVERTER: Final = _make_converter()


def to_dict(obj: object) -> dict[str, Any]:
    """`obj` as a JSON-ready dict carrying ``"schema": 2`` (`SCHEMA`).

    >>> to_dict(Weight.percent("33.33"))
    {'schema': 2, 'value': '33.33'}
    """
    return _document(obj, SCHEMA)


def _document(obj: object, schema: int) -> dict[str, Any]:
    if not isinstance(obj, _TYPES + _TYPES_MORE + _TYPES_HISTORY + _TYPES_TEAMS):
        msg = f"no document type for {type(obj).__name__}; scorekit encodes {', '.join(t.__name__ for t in _TYPES + _TYPES_MORE + _TYPES_HISTORY + _TYPES_TEAMS)}"
        raise TypeError(msg)
    data = _CONVERTER.unstructure(obj, type(obj))
    if isinstance(obj, _SCALARS):
        data = {"value": data}
    return {"schema": schema, **data}


def from_dict(data: object, cls: type[T]) -> T:
    """The `cls` that the document `data` describes (the argument order of cattrs' ``structure``).

    >>> from_dict({"schema": 2, "value": "40"}, Weight)
    Weight.percent('40')
    >>> from_dict({"schema": 1, "value": "40"}, Weight)  # as 0.2 wrote it
    Weight.percent('40')
    """
    if cls not in _TYPES + _TYPES_MORE + _TYPES_HISTORY + _TYPES_TEAMS:
        msg = f"no document type for {getattr(cls, '__name__', cls)!r}"
        raise TypeError(msg)
    if cls is Scorecard:
        return _card(data)  # type: ignore[return-value] # cls is Scorecard
    return _strict(data, cls)


_SCHEMAS_SHOWN: Final = " or ".join(map(str, SCHEMAS_READ))


def _strict(data: object, cls: type[T]) -> T:
    """`from_dict` checking everything: every document that is not a known card template's goes here."""
    name = cls.__name__
    if not isinstance(data, Mapping):
        msg = f"a {name} document must be a JSON object, got {_shown(data)}"
        raise InvalidDocument(msg)
    schema = data.get("schema")
    if type(schema) is not int or schema not in SCHEMAS_READ:
        msg = f'a {name} document must carry "schema": {_SCHEMAS_SHOWN}, got {_shown(schema)}'
        raise InvalidDocument(msg)
    body = {k: v for k, v in data.items() if k != "schema"}
    if cls in _SCALARS:
        if body.keys() != {"value"}:
            msg = f"a {name} document must hold exactly the field 'value', got {sorted(map(str, body))}"
            raise InvalidDocument(msg)
        body = body["value"]
    too_many = _too_many(body, cls)
    if too_many:
        msg = f"not a valid {name} document: {too_many}"
        raise InvalidDocument(msg)
    try:
        return _CONVERTER.structure(body, cls)
    except RecursionError:
        msg = f"not a valid {name} document: nested too deeply"
        raise InvalidDocument(msg) from None
    except Exception as error:  # noqa: BLE001 - every failure becomes one InvalidDocument
        raise InvalidDocument(_report(name, error)) from None


# -- stored cards, fast ----------------------------------------------------------------------
#
# A store's cards repeat a few templates: the same cadence, period and parameters for a whole team
# and month, told apart only by id and owner.  Building a card (checking its weights, windows,
# proration and decision bands) is most of what decoding one costs, and it is a pure function of
# the document.  So once a card document has been structured by the strict path, the card is kept
# as a template under a key that holds everything in its document but the identity fields (id,
# owner, rollover, series, version, name), with the exact JSON type of every value.  A later
# document with an equal key gets the template's checked parts and only its identity is checked
# (`scorekit.scorecard.reissue`).  Nothing is ever trusted that has not passed the strict path:
# a document whose key is new, or whose identity fields are anything but well-formed, goes
# through `_strict` as a whole, so its errors are the strict path's, word for word.

_CARD_FIELDS: Final = frozenset(
    ("schema", "id", "owner", "cadence", "period", "parameters", "timezone", "rollover", "series", "version", "name")
)
"""The fields `dumps` always writes for a card."""
_CARD_ALL_FIELDS: Final = _CARD_FIELDS | {"status_policy", "calendar"}
_MAX_TEMPLATES: Final = 4096
_MAX_USERS: Final = 65536
_TEMPLATES: dict[tuple[Any, ...], Scorecard] = {}
"""Cards that passed the strict path, by the exact JSON of everything but their identity (a bounded memo)."""
_USERS: dict[str, User] = {}
"""Users that passed validation, by id (a bounded memo)."""


class _Unusual(Exception):
    """The document is not shaped as `dumps` writes a card: structure it the strict way."""


def _flat(value: object) -> tuple[Any, ...]:
    """A JSON object of scalars as a hashable key that tells apart every value JSON can tell apart.

    The value types are part of the key (``true`` is not ``1``, ``1`` is not ``"1"``).  A float
    is refused (``-0.0 == 0.0`` but they decode differently), and a nested list or object makes
    the key unhashable, which the caller treats as unusual too.
    """
    if type(value) is not dict:
        raise _Unusual
    values = tuple(value.values())
    types = tuple(map(type, values))
    if float in types:
        raise _Unusual
    return (tuple(value), values, types)


def _parameter_key(value: object) -> tuple[Any, ...]:
    if type(value) is not dict:
        raise _Unusual
    flat = dict(value)
    flat["metric"] = _flat(value.get("metric"))
    return _flat(flat)


def _nested_key(value: object) -> object:
    """Any JSON value as an exact hashable key (the rare parts: status policy, calendar)."""
    kind = type(value)
    if kind is dict:
        return (dict, tuple((k, _nested_key(v)) for k, v in value.items()))  # type: ignore[attr-defined]
    if kind is list:
        return (list, tuple(_nested_key(v) for v in value))  # type: ignore[attr-defined]
    if kind is float:
        raise _Unusual
    return (kind, value)


def _template_key(data: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The key of everything in a card document but its identity, or None if it is not shaped as `dumps` writes."""
    keys = data.keys()
    if not (keys >= _CARD_FIELDS and keys <= _CARD_ALL_FIELDS):
        return None
    schema, parameters, timezone = data["schema"], data["parameters"], data["timezone"]
    if (
        type(schema) is not int
        or schema not in SCHEMAS_READ
        or type(parameters) is not list
        or type(timezone) is not str
    ):
        return None
    if len(parameters) > MAX_PARAMETERS:
        return None
    try:
        key = (
            tuple(keys),
            _flat(data["cadence"]),
            _flat(data["period"]),
            tuple(map(_parameter_key, parameters)),
            timezone,
            _nested_key(data.get("status_policy")),
            _nested_key(data.get("calendar")),
        )
        hash(key)
    except (_Unusual, TypeError, RecursionError):
        return None
    return key


def _user(owner: object) -> User | Team:
    if type(owner) is not dict:
        raise _Unusual
    kind = owner.get("kind")
    if kind == "user" and type(kind) is str and len(owner) == 2:  # noqa: PLR2004 - exactly kind and id
        user_id = owner.get("id")
        if type(user_id) is not str:
            raise _Unusual
        user = _USERS.get(user_id)
        if user is None:
            user = User(user_id)
            if len(_USERS) >= _MAX_USERS:
                _USERS.clear()
            _USERS[user_id] = user
        return user
    members = owner.get("members")
    if kind != "team" or type(members) is not list or len(members) > MAX_MEMBERS:
        raise _Unusual
    return _owner(owner, None)


def _reissued(data: Mapping[str, Any], template: Scorecard) -> Scorecard | None:
    """The card `data` describes, from a template of equal key; None if its identity is anything but plain."""
    card_id, rollover, series, version, name = (data[k] for k in ("id", "rollover", "series", "version", "name"))
    if (
        type(card_id) is not str
        or type(rollover) is not bool
        or not (series is None or type(series) is str)
        or type(version) is not int
        or type(name) is not str
    ):
        return None
    try:
        owner = _user(data["owner"])
        return reissue(template, id=card_id, owner=owner, rollover=rollover, series=series, version=version, name=name)
    except Exception:  # noqa: BLE001 - whatever is wrong, the strict path says it in its own words
        return None


def _card(data: object) -> Scorecard:
    """A card document: from a known template when its key is one, else the strict way (then kept as a template)."""
    key = _template_key(data) if type(data) is dict else None
    if key is not None:
        template = _TEMPLATES.get(key)
        if template is not None:
            card = _reissued(data, template)  # type: ignore[arg-type] # a dict, checked above
            if card is not None:
                return card
    card = _strict(data, Scorecard)
    if key is not None:
        if len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.clear()
        _TEMPLATES[key] = card
    return card


def _report(name: str, error: Exception) -> str:
    """The message for a malformed document: at most `MAX_PROBLEMS` problems, then how many more."""
    try:
        lines = transform_error(error, path="$", format_exception=_describe)
    except RecursionError:
        return f"not a valid {name} document: nested too deeply"
    shown: list[str] = []
    more = unchecked = 0
    for line in lines:
        if line.startswith(_HIDDEN_MARK):
            unchecked += int(line.removeprefix(_HIDDEN_MARK).partition(" ")[0])
        elif len(shown) < MAX_PROBLEMS:
            shown.append(_path_first(line))
        else:
            more += 1
    if more and unchecked:
        shown.append(f"  ... and {more:,} more, and {unchecked:,} list item(s) left unchecked")
    elif more or unchecked:
        shown.append(
            f"  ... and {more:,} more" if more else f"  ... and {unchecked:,} more list item(s) left unchecked"
        )
    return f"not a valid {name} document:\n" + "\n".join(shown)


def _describe(error: BaseException, _type: object) -> str:
    if isinstance(error, _Hidden):
        return f"{_HIDDEN_MARK}{error.count}"
    if isinstance(error, _Problem | ScorekitError):
        return str(error)
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return f"unexpected field(s) {_names(error.extra_fields)}"
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, ValueError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _names(keys: Iterable[object]) -> str:
    """Field names for a message: the first `MAX_PROBLEMS`, sorted, then how many more."""
    names = sorted(map(str, keys))
    shown = ", ".join(n if len(n) <= 60 else f"{n[:57]}..." for n in names[:MAX_PROBLEMS])  # noqa: PLR2004
    return f"{shown} and {len(names) - MAX_PROBLEMS:,} more" if len(names) > MAX_PROBLEMS else shown


def _path_first(line: str) -> str:
    message, _, path = line.rpartition(" @ ")
    path = path.removeprefix("$").removeprefix(".") or "(document)"
    return f"  {path}: {message}"


def dumps(obj: object, *, indent: int | None = None) -> str:
    """`obj` as JSON text (see `to_dict`).

    >>> dumps(Weight.percent(40))
    '{"schema": 2, "value": "40"}'
    """
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False)


def loads(text: str | bytes, cls: type[T]) -> T:
    """The `cls` that the JSON `text` describes (see `from_dict`).

    >>> loads('{"schema": 2, "value": "12.5"}', Weight)
    Weight.percent('12.5')
    >>> loads('{"schema": 3, "value": "12.5"}', Weight)
    Traceback (most recent call last):
    scorekit.errors.InvalidDocument: a Weight document must carry "schema": 1 or 2, got 3
    """
    given: object = text
    if not isinstance(given, str | bytes):
        msg = f"expected JSON text, got {_shown(given)}"
        raise InvalidDocument(msg)
    if len(text) > MAX_DOCUMENT_CHARS:
        msg = f"a document of {len(text):,} characters is longer than the {MAX_DOCUMENT_CHARS:,} allowed"
        raise InvalidDocument(msg)
    try:
        data = _DECODER.decode(text) if isinstance(text, str) else json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        msg = "not valid JSON: nested too deeply"
        raise InvalidDocument(msg) from None
    except (ValueError, UnicodeDecodeError) as error:
        msg = f"not valid JSON: {error}"
        raise InvalidDocument(msg) from None
    return from_dict(data, cls)


def _refuse_constant(name: str) -> None:
    msg = f"{name} is not a number JSON allows"
    raise ValueError(msg)


_DECODER: Final = json.JSONDecoder(parse_constant=_refuse_constant)
"""`json.loads` with these options builds a decoder per call; one is enough."""


def _measurement(value: Measurement | Decimal | int | str) -> dict[str, Any]:
    if isinstance(value, Measurement):
        # A level with no record was hashed as the text "None" since 0.2: kept, so fingerprints stand.
        text = "None" if value.value is None else decimal_text(value.value)
        return {"value": text, "evidence": sorted(e.id for e in value.evidence)}
    return {"value": decimal_text(to_decimal(value, name="measurement value")), "evidence": []}


def fingerprint(
    card: Scorecard,
    measurements: Mapping[str, Measurement | Decimal | int | str],
    manual: Iterable[ManualEntry] = (),
    *,
    adjustments: Iterable[Adjustment] = (),
) -> str:
    """The sha256 hex digest of what a score is made of: the card, the measurements, the manual entries, the adjustments.

    `measurements` maps metric keys to a `Measurement` (its value and evidence ids
    count, not the evidence order) or a number; `manual` are the entries the score
    read, in order; `adjustments` the credits and reliefs it counted, in any order.
    Equal inputs give equal digests, in any process.

    The digest hashes the canonical JSON of its inputs: the codec's documents (carrying
    ``"schema": 1`` whatever `SCHEMA` is, so a digest outlives a new format number), keys
    sorted, no spaces, evidence ids sorted (the order a CRM returns records in is not
    an input), manual entries in the order given, adjustments (each whole: id, kind,
    value, metric, reason, who and when) by id.  Without adjustments the document has
    no such field, so a fingerprint made before 0.3 still verifies.

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Evidence, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> at = pendulum.datetime(2024, 1, 5, tz="UTC")
    >>> a = fingerprint(card, {"deals_won": Measurement(2, [Evidence("d1", at), Evidence("d2", at)])})
    >>> b = fingerprint(card, {"deals_won": Measurement(2, [Evidence("d2", at), Evidence("d1", at)])})
    >>> a == b, len(a), a == fingerprint(card, {"deals_won": Measurement(3)})
    (True, 64, False)
    >>> fingerprint(card, {"deals_won": 8}) == fingerprint(card, {"deals_won": Measurement(8)})
    True
    >>> from scorekit import Adjustment
    >>> late = Adjustment("a1", "c1", "deals_won", "credit", 2, "D-7 booked late", at, "boss")
    >>> fingerprint(card, {"deals_won": 8}, adjustments=[late]) == fingerprint(card, {"deals_won": 8})
    False
    """
    try:
        document: dict[str, Any] = {
            "card": _document(card, _FINGERPRINT_SCHEMA),
            "measurements": {str(key): _measurement(value) for key, value in measurements.items()},
            "manual": [_document(entry, _FINGERPRINT_SCHEMA) for entry in manual],
        }
        counted = [_document(adjustment, _FINGERPRINT_SCHEMA) for adjustment in adjustments]
        if counted:  # written only when there are some: a digest without any is the one 0.2 made
            document["adjustments"] = sorted(counted, key=lambda item: item["id"])
    except TypeError as error:
        msg = f"cannot fingerprint: {error}"
        raise InvalidDocument(msg) from None
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def verify(closed: ClosedScore) -> bool:
    """Whether a closed score is what its kept inputs make: its fingerprint and its score, recomputed.

    The fingerprint proves which inputs the closed score was made from (the card, each
    measurement's value and the ids of the records counted, the manual entries read, the
    adjustments counted);
    recomputing the score from those inputs proves its numbers follow from them, so a
    tampered total, status or input is found.  It does not prove that the CRM still
    holds those records: a late change in the CRM is what closing keeps out.  A closed
    score made before 0.3 keeps no inputs and is not verified (False).

    >>> import pendulum
    >>> from scorekit import Cadence, Date, Parameter, Scorecard, User
    >>> c = Cadence.monthly(Date(2024, 1, 1))
    >>> card = Scorecard("c1", User("ann"), c, c.period(0), [Parameter("deals_won", 10, 100)])
    >>> end = pendulum.datetime(2024, 2, 1, tz="UTC")
    >>> closed = ClosedScore.of(score(card, {"deals_won": 8}, as_of=end), closed_at=end, closed_by="boss",
    ...                         fingerprint=fingerprint(card, {"deals_won": 8}), measurements={"deals_won": 8})
    >>> import attrs
    >>> verify(closed), verify(attrs.evolve(closed, measurements={"deals_won": 9}))
    (True, False)
    """
    if not closed.measurements:
        return False
    card = closed.score.card
    if fingerprint(card, closed.measurements, closed.manual, adjustments=closed.adjustments) != closed.fingerprint:
        return False
    try:
        rescored = score(card, closed.measurements, as_of=closed.score.as_of, adjustments=closed.adjustments)
    except ScorekitError:
        return False
    return to_dict(rescored) == to_dict(closed.score)
