r"""What the command reads: a card in TOML, CRM records and hand-entered values in CSV, dates and instants.

Every mistake is one line naming the file and line (a CSV row) or the file and field (a
TOML key), in the words of the format the person wrote: a TOML author reads "a number"
or "text", never a Python type name.  Files are read only when they are regular files
of at most `MAX_INPUT_BYTES`; a card's TOML may hold only the keys documented in
``docs/cli.md``; a CSV row is one line, its ids are unique per metric and its cells
are not empty.

>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "records.csv").write_text("id;metric;subject;occurred_at\n", encoding="utf-8")
>>> try:
...     load_records(folder / "records.csv")
... except UsageError as error:
...     print(str(error).replace(str(folder), "DIR"))
DIR/records.csv:1: the header is one column 'id;metric;subject;occurred_at': cells are separated by ';' here, but scorekit reads comma-separated CSV (id,metric,subject,occurred_at); save the file as CSV with commas
"""

from __future__ import annotations

import calendar
import csv
import datetime as _dt
import io
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import pendulum
from pendulum import Date, DateTime

from scorekit.adapters.memory import Record
from scorekit.calendar import WorkCalendar
from scorekit.errors import ScorekitError
from scorekit.measurement import ManualEntry, as_instant
from scorekit.numbers import exact_sum
from scorekit.parameter import Accumulation, Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, as_date, zone
from scorekit.scorecard import Scorecard, Team, User
from scorekit.status import StatusPolicy

__all__ = [
    "MAX_INPUT_BYTES",
    "UsageError",
    "end_of_day",
    "every",
    "fail",
    "load_card",
    "load_manual",
    "load_records",
    "no_such_date",
    "one_line",
    "read_text",
]

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest card, records or manual file the command reads (64 MiB)."""


class UsageError(Exception):
    """Bad input: the message is one line, already naming the file, line or field."""


def fail(message: str) -> NoReturn:
    """Stop with `message`: one line, already naming the file, line or field."""
    raise UsageError(message)


# -- reading files -----------------------------------------------------------------------


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """The text of `path`, read only if it is a regular file of at most `MAX_INPUT_BYTES`."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            fail(f"{path}: not a regular file")
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                fail(f"{path}: not a regular file")
            if info.st_size > MAX_INPUT_BYTES:
                fail(f"{path}: {info.st_size:,} bytes is more than the {MAX_INPUT_BYTES:,} allowed")
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        fail(f"{path}: cannot read: {error.strerror or error}")
    except ValueError as error:  # a NUL in the name
        fail(f"{path}: cannot read: {error}")
    if len(data) > MAX_INPUT_BYTES:
        fail(f"{path}: more than the {MAX_INPUT_BYTES:,} bytes allowed")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text (byte {error.start + 1} is {data[error.start : error.start + 1]!r})")


def end_of_day(value: str, timezone: str) -> DateTime:
    """`value` as an instant: an ISO date means the end of that day in `timezone`."""
    if problem := no_such_date(value):
        fail(f"--as-of: {problem}")
    try:
        day = as_date(value)
    except ScorekitError:
        try:
            return as_instant(_dt.datetime.fromisoformat(value), name="--as-of")
        except (ValueError, OverflowError, ScorekitError):
            fail(f"--as-of: expected a date YYYY-MM-DD or an ISO instant with an offset, got {value!r}")
    try:
        return pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, 999_999, tz=zone(timezone))
    except (ValueError, OverflowError):
        fail(f"--as-of: the end of {day} in {timezone} is out of the range of dates scorekit can handle")


def every(start: object, text: object, where: str) -> Cadence:
    """A cadence from a step written as 14d, 2w or 6m."""
    match = re.fullmatch(r"(\d{1,6})([dwm])", text) if isinstance(text, str) else None
    if not match:
        fail(f"{where}: expected a count and a unit such as 14d, 2w or 6m, got {text!r}")
    unit = {"d": "days", "w": "weeks", "m": "months"}[match[2]]
    return Cadence.every(start, **{unit: int(match[1])})  # type: ignore[arg-type]


# -- the card (TOML) ------------------------------------------------------------

_CARD_KEYS = frozenset(
    {"id", "name", "owner", "timezone", "period", "cadence", "parameters", "status_policy", "calendar"}
)
_POLICY_KEYS = frozenset({"on_track", "at_risk"})
_CALENDAR_KEYS = frozenset({"weekdays", "holidays"})
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIRECTIONS = {
    "higher": Direction.HIGHER_IS_BETTER,
    "lower": Direction.LOWER_IS_BETTER,
    "near_target": Direction.NEAR_TARGET,
}
_OWNER_KEYS = frozenset({"team", "members"})
_CADENCE_KEYS = frozenset({"monthly", "quarterly", "every", "start"})
_PARAMETER_KEYS = frozenset(
    {
        "metric",
        "unit",
        "label",
        "manual",
        "target",
        "weight",
        "direction",
        "cap",
        "threshold",
        "counts_from",
        "prorate",
        "active",
        "accumulation",
        "baseline",
        "tolerance",
        "band",
    }
)
_REQUIRED: Any = object()
_NUMBER = (int, float, str)
_DATE = (str, _dt.date)
# what each kind of TOML value is called where a value of the wrong kind is refused: a card's
# author wrote TOML, and "expected int or float or str" is Python talking
_KIND_WORDS: dict[tuple[type, ...], str] = {
    _NUMBER: 'a number such as 12 or 12.5 (or one in quotes, "12.5")',
    _DATE: "a date such as 2024-04-01",
    (str, dict): 'a user id in quotes ("ann") or a team table',
    (str,): 'text in quotes ("...")',
    (bool,): "true or false",
    (dict,): "a table",
    (list,): "a list [...]",
}
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _only(data: dict[str, Any], known: frozenset[str], where: str, what: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        fail(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; {what} has {', '.join(sorted(known))}")


def _field(
    data: dict[str, Any],
    name: str,
    where: str,
    default: Any = _REQUIRED,  # noqa: ANN401 - TOML values
    kinds: type | tuple[type, ...] = object,
) -> Any:  # noqa: ANN401 - TOML values
    if name not in data:
        if default is _REQUIRED:
            fail(f"{where}: missing field {name!r}")
        return default
    value = data[name]
    expected = _as_tuple(kinds)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in expected):
        fail(f"{where}.{name}: expected {_KIND_WORDS[expected]}, got {_short(value)}")
    if expected == _DATE and isinstance(value, str) and (problem := no_such_date(value)):
        fail(f"{where}.{name}: {problem}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _short(value: object) -> str:
    """A value as its TOML author wrote it: ``true``, ``"text"``, ``2024-04-01``, a table of 2 keys."""
    if isinstance(value, dict):
        return f"a table of {_many(len(value), 'key')}"
    if isinstance(value, list):
        return f"a list of {_many(len(value), 'item')}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, _dt.date | _dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else f"{text[:57]}..."  # noqa: PLR2004 - keep messages short


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def no_such_date(text: str) -> str | None:
    """Why `text`, written as YYYY-MM-DD, is no day of the calendar; None if it is one (or is not of that form).

    >>> no_such_date("2023-02-29"), no_such_date("2024-13-01"), no_such_date("2024-02-29")
    ('2023-02-29 does not exist: February 2023 has 28 days', '2024-13-01 does not exist: there is no month 13 (months are 01 to 12)', None)
    """
    match = _ISO_DAY.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = map(int, match.groups())
    if not 1 <= month <= 12:  # noqa: PLR2004 - the months of a year
        return f"{text} does not exist: there is no month {month:02} (months are 01 to 12)"
    if year < 1:
        return f"{text} does not exist: the first year is 0001"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{text} does not exist: {calendar.month_name[month]} {year} has {days} days"
    return None


def _owner(data: dict[str, Any], where: str) -> User | Team:
    owner = _field(data, "owner", where, kinds=(str, dict))
    if isinstance(owner, str):
        return User(owner)
    _only(owner, _OWNER_KEYS, f"{where}.owner", "a team owner")
    members = _field(owner, "members", f"{where}.owner", kinds=list)
    for i, member in enumerate(members):
        if not isinstance(member, str):
            fail(f'{where}.owner.members[{i}]: expected a user id in quotes ("ann"), got {_short(member)}')
    return Team(_field(owner, "team", f"{where}.owner", kinds=str), members)


def _card_cadence(data: dict[str, Any], where: str) -> Cadence:
    table = _field(data, "cadence", where, kinds=dict)
    where = f"{where}.cadence"
    _only(table, _CADENCE_KEYS, where, "a cadence")
    given = [k for k in ("monthly", "quarterly", "every") if k in table]
    if len(given) != 1:
        fail(f"{where}: give exactly one of monthly = DATE, quarterly = DATE or every = '14d' with start = DATE")
    kind = given[0]
    if kind == "every":
        start = _field(table, "start", where, kinds=_DATE)
        return every(start, table["every"], f"{where}.every")
    if "start" in table:
        fail(f"{where}.start: only every = '14d' takes a start; {kind} = DATE is its own start")
    anchor = _field(table, kind, where, kinds=_DATE)
    return Cadence.monthly(anchor) if kind == "monthly" else Cadence.quarterly(anchor)


def _parameter(data: dict[str, Any], where: str) -> Parameter:
    _only(data, _PARAMETER_KEYS, where, "a parameter")
    direction = _field(data, "direction", where, "higher", str)
    if direction not in _DIRECTIONS:
        fail(f"{where}.direction: expected 'higher', 'lower' or 'near_target', got {_short(direction)}")
    accumulation = _field(data, "accumulation", where, "sum", str)
    if accumulation not in {a.value for a in Accumulation}:
        fail(f"{where}.accumulation: expected 'sum', 'average', 'last' or 'balance', got {_short(accumulation)}")
    manual = _field(data, "manual", where, default=False, kinds=bool)
    metric = Metric(
        _field(data, "metric", where, kinds=str),
        _field(data, "unit", where, "", str),
        MetricKind.MANUAL if manual else MetricKind.AUTOMATIC,
        _field(data, "label", where, "", str),
        accumulation=Accumulation(accumulation),
    )
    return Parameter(
        metric,
        _field(data, "target", where, kinds=_NUMBER),
        _field(data, "weight", where, kinds=_NUMBER),
        counts_from=_field(data, "counts_from", where, None, _DATE),
        direction=_DIRECTIONS[direction],
        cap=_field(data, "cap", where, None, _NUMBER),
        threshold=_field(data, "threshold", where, None, _NUMBER),
        prorate=_field(data, "prorate", where, default=False, kinds=bool),
        active=_field(data, "active", where, default=True, kinds=bool),
        baseline=_field(data, "baseline", where, None, _NUMBER),
        tolerance=_field(data, "tolerance", where, None, _NUMBER),
        band=_field(data, "band", where, 0, _NUMBER),
    )


def _status_policy(data: dict[str, Any], where: str) -> StatusPolicy:
    """`[status_policy]`: on_track and at_risk as fractions of the target (1 = 100%)."""
    if "status_policy" not in data:
        return StatusPolicy()
    table = _field(data, "status_policy", where, kinds=dict)
    _only(table, _POLICY_KEYS, f"{where}.status_policy", "a status policy")
    return StatusPolicy(
        _field(table, "on_track", f"{where}.status_policy", 1, _NUMBER),
        _field(table, "at_risk", f"{where}.status_policy", 0, _NUMBER),
    )


def _calendar(data: dict[str, Any], where: str) -> WorkCalendar | None:
    """`[calendar]`: working weekdays (0..6 or mon..sun) and holidays (dates)."""
    if "calendar" not in data:
        return None
    table = _field(data, "calendar", where, kinds=dict)
    where = f"{where}.calendar"
    _only(table, _CALENDAR_KEYS, where, "a calendar")
    weekdays = []
    for i, day in enumerate(_field(table, "weekdays", where, [0, 1, 2, 3, 4], list)):
        if isinstance(day, str) and day.lower()[:3] in _WEEKDAY_NAMES:
            weekdays.append(_WEEKDAY_NAMES.index(day.lower()[:3]))
        elif isinstance(day, int) and not isinstance(day, bool):
            weekdays.append(day)
        else:
            fail(f"{where}.weekdays[{i}]: expected 0..6 (Monday = 0) or a day name such as 'mon', got {_short(day)}")
    holidays = _field(table, "holidays", where, [], list)
    for i, day in enumerate(holidays):
        if not isinstance(day, str | _dt.date) or isinstance(day, _dt.datetime):
            fail(f"{where}.holidays[{i}]: expected a date such as 2024-12-25, got {_short(day)}")
        if isinstance(day, str) and (problem := no_such_date(day)):
            fail(f"{where}.holidays[{i}]: {problem}")
    return WorkCalendar(weekdays, holidays)


def _parse_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        fail(f"{path}: not valid TOML: {error}")
    except RecursionError:
        fail(f"{path}: not valid TOML: nested too deeply")


def load_card(path: Path, as_of_text: str) -> tuple[Scorecard, DateTime]:
    """A card written by hand in TOML, and the instant it is scored at."""
    data = _parse_toml(path)
    where = str(path)
    _only(data, _CARD_KEYS, where, "a card")
    try:
        cadence = _card_cadence(data, where)
        timezone = _field(data, "timezone", where, "UTC", str)
        zone(timezone)
        as_of = end_of_day(as_of_text, timezone)
        local = as_of.in_timezone(zone(timezone))
        period_day = _field(data, "period", where, Date(local.year, local.month, local.day), _DATE)
        tables = _field(data, "parameters", where, kinds=list)
        parameters = []
        for i, item in enumerate(tables):
            if not isinstance(item, dict):
                fail(f"{where}: parameters[{i}] must be a table")
            parameters.append(_parameter(item, f"{where}: parameters[{i}]"))
        card = Scorecard(
            _field(data, "id", where, path.stem, str),
            _owner(data, where),
            cadence,
            cadence.period_containing(period_day),
            parameters,
            timezone=timezone,
            name=_field(data, "name", where, "", str),
            status_policy=_status_policy(data, where),
            calendar=_calendar(data, where),
        )
    except ScorekitError as error:
        fail(f"{where}: {one_line(error)}")
    except (ValueError, OverflowError) as error:
        fail(f"{where}: a date out of the range scorekit can handle ({error})")
    except ArithmeticError:
        fail(f"{where}: a number too large or with too many digits for scorekit")
    return card, as_of


# -- the records and hand-entered values (CSV) -------------------------------------------------------


def _csv_rows(path: Path, required: Sequence[str], optional: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file as dicts, each with the line it starts on.

    Refused with the line named: a missing or unknown column, a row with too few or too
    many cells, and a quoted cell that runs over several lines (a stray quote would
    otherwise swallow the rows after it).
    """
    reader = csv.reader(io.StringIO(read_text(path, encoding="utf-8-sig"), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            fail(f"{path}:1: empty file; expected the columns {', '.join(required)}")
        header = [name.strip() for name in header]
        _one_column(path, header, required)
        missing = [c for c in required if c not in header]
        if missing:
            fail(f"{path}:1: missing column(s) {', '.join(missing)}; expected {', '.join(required)}")
        unknown = [c for c in header if c not in required and c not in optional]
        if unknown or len(set(header)) != len(header):
            fail(
                f"{path}:1: unknown or repeated column(s) {', '.join(map(repr, unknown or header))}; "
                f"expected {', '.join([*required, *optional])}"
            )
        line = reader.line_num + 1
        for cells in reader:
            spans = reader.line_num - line + 1
            if spans > 1 or any("\n" in cell or "\r" in cell for cell in cells):
                fail(
                    f"{path}:{line}: a quoted cell runs over {spans} lines, to line {reader.line_num} "
                    "(a stray quote?); a cell must be on one line"
                )
            if cells:
                if len(cells) != len(header):
                    fail(f"{path}:{line}: {len(cells)} cell(s), but the header has {len(header)}")
                yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except csv.Error as error:
        fail(f"{path}:{reader.line_num}: not valid CSV: {error}")


def _one_column(path: Path, header: Sequence[str], required: Sequence[str]) -> None:
    """A header read as one column because its cells are separated by something else: say by what."""
    if len(header) != 1:
        return
    for separator, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
        if separator in header[0]:
            fail(
                f"{path}:1: the header is one column {header[0]!r}: cells are separated by {name} here, "
                f"but scorekit reads comma-separated CSV ({','.join(required)}); save the file as CSV with commas"
            )


def _instant_cell(path: Path, line: int, row: dict[str, str], name: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(row[name])
    except ValueError:
        if problem := no_such_date(row[name].strip()[:10]):
            fail(f"{path}:{line}: {name}: {problem}")
        fail(f"{path}:{line}: {name}: expected an ISO instant with an offset, got {row[name]!r}")


def load_records(path: Path) -> list[Record]:
    """CRM records from a CSV with columns id, metric, subject, occurred_at[, value, label, share].

    A deal split between people is one row per person with the same id and metric and
    each one's `share` (0.6 and 0.4); the shares of one record sum to at most 1.
    """
    records: list[Record] = []
    seen: dict[tuple[str, str, str], int] = {}
    shares: dict[tuple[str, str], Decimal] = {}
    optional = ("value", "label", "share")
    for line, row in _csv_rows(path, ("id", "metric", "subject", "occurred_at"), optional):
        for name in ("value", "share"):
            if name in row and not row[name].strip():
                fail(f"{path}:{line}: {name}: empty; write the number (1 for one whole deal or call)")
        first = seen.setdefault((row["id"], row["metric"], row["subject"]), line)
        if first != line:
            fail(
                f"{path}:{line}: record id {row['id']!r} for metric {row['metric']!r} and subject {row['subject']!r} "
                f"repeats line {first} (a deal split between people is one row per person, with a share)"
            )
        occurred = _instant_cell(path, line, row, "occurred_at")
        try:
            record = Record(
                row["id"],
                row["metric"],
                row["subject"],
                occurred,
                row.get("value", 1),
                row.get("label", ""),
                share=row.get("share", 1),
            )
        except ScorekitError as error:
            fail(f"{path}:{line}: {one_line(error)}")
        except (ValueError, OverflowError) as error:
            fail(f"{path}:{line}: occurred_at: out of range ({error})")
        key = (record.id, record.metric)
        total = shares[key] = exact_sum([shares.get(key, Decimal(0)), record.share])
        if total > 1:
            fail(
                f"{path}:{line}: record id {record.id!r} for metric {record.metric!r} is credited shares "
                f"summing to {total} with the rows before; the shares of one record sum to at most 1"
            )
        records.append(record)
    return records


def load_manual(path: Path, card: Scorecard) -> list[ManualEntry]:
    """Hand-entered values from a CSV with columns metric, value, recorded_at[, recorded_by]."""
    manual = sorted(card.manual_keys)
    entries = []
    for line, row in _csv_rows(path, ("metric", "value", "recorded_at"), ("recorded_by",)):
        if not row["value"].strip():
            fail(f"{path}:{line}: value: empty; write the value entered")
        if row["metric"] not in manual:
            kind = (
                "an automatic metric, counted from the records" if row["metric"] in _keys(card) else "not on the card"
            )
            fail(
                f"{path}:{line}: metric {row['metric']!r} is {kind}; "
                f"the card's manual metrics are {', '.join(manual) or 'none'}"
            )
        recorded = _instant_cell(path, line, row, "recorded_at")
        try:
            entries.append(ManualEntry(card.id, row["metric"], row["value"], recorded, row.get("recorded_by") or "csv"))
        except ScorekitError as error:
            fail(f"{path}:{line}: {one_line(error)}")
        except (ValueError, OverflowError) as error:
            fail(f"{path}:{line}: recorded_at: out of range ({error})")
    return entries


def _keys(card: Scorecard) -> set[str]:
    return {p.key for p in card.parameters}


def one_line(error: BaseException) -> str:
    """An error's message on one line (a document error lists its problems on several)."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__
