"""The ``scorekit`` command: ``demo``, ``score`` and ``periods``.

Every failure, whatever the input, prints one line naming the file, line or field,
and exits with status 2; never a traceback. Files are read only when they are
regular files of at most `MAX_INPUT_BYTES`; a card's TOML may hold only the keys
documented in ``docs/cli.md``; a CSV row is one line, its ids are unique per metric
and its cells are not empty. Output that cannot be encoded for the terminal is
written with replacements rather than failing.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import io
import itertools
import os
import re
import sqlite3
import stat
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import IO, Any, NoReturn

import pendulum
from pendulum import Date, DateTime

from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.calendar import WorkCalendar
from scorekit.cli import render
from scorekit.cli.demo import DEMO_ZONE, open_card, run_demo
from scorekit.errors import ScorekitError, StorageError
from scorekit.measurement import ManualEntry, Measurement, as_instant, requests_for
from scorekit.parameter import Accumulation, Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, as_date, zone
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, score
from scorekit.status import StatusPolicy

__all__ = ["EXIT_BAD_INPUT", "MAX_INPUT_BYTES", "main"]

EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest card, records or manual file the command reads (64 MiB)."""
MAX_PERIODS = 100_000
"""The most periods `scorekit periods` lists."""


class UsageError(Exception):
    """Bad input: the message is one line, already naming the file, line or field."""


def _fail(message: str) -> NoReturn:
    raise UsageError(message)


# -- reading files -----------------------------------------------------------------------


def _read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """The text of `path`, read only if it is a regular file of at most `MAX_INPUT_BYTES`."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            _fail(f"{path}: not a regular file")
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                _fail(f"{path}: not a regular file")
            if info.st_size > MAX_INPUT_BYTES:
                _fail(f"{path}: {info.st_size:,} bytes is more than the {MAX_INPUT_BYTES:,} allowed")
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        _fail(f"{path}: cannot read: {error.strerror or error}")
    except ValueError as error:  # a NUL in the name
        _fail(f"{path}: cannot read: {error}")
    if len(data) > MAX_INPUT_BYTES:
        _fail(f"{path}: more than the {MAX_INPUT_BYTES:,} bytes allowed")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        _fail(f"{path}: not UTF-8 text (byte {error.start + 1} is {data[error.start : error.start + 1]!r})")


def _end_of_day(value: str, timezone: str) -> DateTime:
    """`value` as an instant: an ISO date means the end of that day in `timezone`."""
    try:
        day = as_date(value)
    except ScorekitError:
        try:
            return as_instant(_dt.datetime.fromisoformat(value), name="--as-of")
        except (ValueError, OverflowError, ScorekitError):
            _fail(f"--as-of: expected a date YYYY-MM-DD or an ISO instant with an offset, got {value!r}")
    try:
        return pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, 999_999, tz=zone(timezone))
    except (ValueError, OverflowError):
        _fail(f"--as-of: the end of {day} in {timezone} is out of the range of dates scorekit can handle")


# -- scorekit periods --------------------------------------------------------------------


def _every(start: object, text: object, where: str) -> Cadence:
    """A cadence from a step written as 14d, 2w or 6m."""
    match = re.fullmatch(r"(\d{1,6})([dwm])", text) if isinstance(text, str) else None
    if not match:
        _fail(f"{where}: expected a count and a unit such as 14d, 2w or 6m, got {text!r}")
    unit = {"d": "days", "w": "weeks", "m": "months"}[match[2]]
    return Cadence.every(start, **{unit: int(match[1])})  # type: ignore[arg-type]


def _cadence_from_args(args: argparse.Namespace) -> Cadence:
    if args.monthly:
        return Cadence.monthly(args.start)
    if args.quarterly:
        return Cadence.quarterly(args.start)
    return _every(args.start, args.every, "--every")


def periods_command(args: argparse.Namespace) -> str:
    """The periods of a cadence, one per line."""
    if not 1 <= args.count <= MAX_PERIODS:
        _fail(f"--count: expected a whole number from 1 to {MAX_PERIODS:,}, got {args.count}")
    cadence = _cadence_from_args(args)
    rows = [["#", "start", "end (excl.)", "last day", "days"]]
    for k, period in enumerate(itertools.islice(cadence.periods(), args.count)):
        rows.append([str(k), str(period.start), str(period.end), str(period.last_day), str(period.days)])
    return f"{cadence}\n{render.table(rows)}"


# -- scorekit score: the card ------------------------------------------------------------

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


def _only(data: dict[str, Any], known: frozenset[str], where: str, what: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        _fail(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; {what} has {', '.join(sorted(known))}")


def _field(
    data: dict[str, Any],
    name: str,
    where: str,
    default: Any = _REQUIRED,  # noqa: ANN401 - TOML values
    kinds: type | tuple[type, ...] = object,
) -> Any:  # noqa: ANN401 - TOML values
    if name not in data:
        if default is _REQUIRED:
            _fail(f"{where}: missing field {name!r}")
        return default
    value = data[name]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        names = " or ".join(k.__name__ for k in _as_tuple(kinds))
        _fail(f"{where}.{name}: expected {names}, got {_short(value)}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _short(value: object) -> str:
    if isinstance(value, dict):
        return f"a table of {len(value)} key(s)"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."  # noqa: PLR2004 - keep messages short


def _owner(data: dict[str, Any], where: str) -> User | Team:
    owner = _field(data, "owner", where, kinds=(str, dict))
    if isinstance(owner, str):
        return User(owner)
    _only(owner, _OWNER_KEYS, f"{where}.owner", "a team owner")
    members = _field(owner, "members", f"{where}.owner", kinds=list)
    for i, member in enumerate(members):
        if not isinstance(member, str):
            _fail(f"{where}.owner.members[{i}]: expected a user id (a string), got {_short(member)}")
    return Team(_field(owner, "team", f"{where}.owner", kinds=str), members)


def _card_cadence(data: dict[str, Any], where: str) -> Cadence:
    table = _field(data, "cadence", where, kinds=dict)
    where = f"{where}.cadence"
    _only(table, _CADENCE_KEYS, where, "a cadence")
    given = [k for k in ("monthly", "quarterly", "every") if k in table]
    if len(given) != 1:
        _fail(f"{where}: give exactly one of monthly = DATE, quarterly = DATE or every = '14d' with start = DATE")
    kind = given[0]
    if kind == "every":
        start = _field(table, "start", where, kinds=(str, _dt.date))
        return _every(start, table["every"], f"{where}.every")
    if "start" in table:
        _fail(f"{where}.start: only every = '14d' takes a start; {kind} = DATE is its own start")
    anchor = _field(table, kind, where, kinds=(str, _dt.date))
    return Cadence.monthly(anchor) if kind == "monthly" else Cadence.quarterly(anchor)


def _parameter(data: dict[str, Any], where: str) -> Parameter:
    _only(data, _PARAMETER_KEYS, where, "a parameter")
    direction = _field(data, "direction", where, "higher", str)
    if direction not in _DIRECTIONS:
        _fail(f"{where}.direction: expected 'higher', 'lower' or 'near_target', got {_short(direction)}")
    accumulation = _field(data, "accumulation", where, "sum", str)
    if accumulation not in {a.value for a in Accumulation}:
        _fail(f"{where}.accumulation: expected 'sum', 'average' or 'last', got {_short(accumulation)}")
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
        counts_from=_field(data, "counts_from", where, None, (str, _dt.date)),
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
            _fail(f"{where}.weekdays[{i}]: expected 0..6 (Monday = 0) or a day name such as 'mon', got {_short(day)}")
    holidays = _field(table, "holidays", where, [], list)
    for i, day in enumerate(holidays):
        if not isinstance(day, str | _dt.date) or isinstance(day, _dt.datetime):
            _fail(f"{where}.holidays[{i}]: expected a date such as 2024-12-25, got {_short(day)}")
    return WorkCalendar(weekdays, holidays)


def _parse_toml(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        _fail(f"{path}: not valid TOML: {error}")
    except RecursionError:
        _fail(f"{path}: not valid TOML: nested too deeply")


def load_card(path: Path, as_of_text: str) -> tuple[Scorecard, DateTime]:
    """A card written by hand in TOML, and the instant it is scored at."""
    data = _parse_toml(path)
    where = str(path)
    _only(data, _CARD_KEYS, where, "a card")
    try:
        cadence = _card_cadence(data, where)
        timezone = _field(data, "timezone", where, "UTC", str)
        zone(timezone)
        as_of = _end_of_day(as_of_text, timezone)
        local = as_of.in_timezone(zone(timezone))
        period_day = _field(data, "period", where, Date(local.year, local.month, local.day), (str, _dt.date))
        tables = _field(data, "parameters", where, kinds=list)
        parameters = []
        for i, item in enumerate(tables):
            if not isinstance(item, dict):
                _fail(f"{where}: parameters[{i}] must be a table")
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
        _fail(f"{where}: {_one_line(error)}")
    except (ValueError, OverflowError) as error:
        _fail(f"{where}: a date out of the range scorekit can handle ({error})")
    except ArithmeticError:
        _fail(f"{where}: a number too large or with too many digits for scorekit")
    return card, as_of


# -- scorekit score: the CSV files -------------------------------------------------------


def _csv_rows(path: Path, required: Sequence[str], optional: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file as dicts, each with the line it starts on.

    Refused with the line named: a missing or unknown column, a row with too few or too
    many cells, and a quoted cell that runs over several lines (a stray quote would
    otherwise swallow the rows after it).
    """
    reader = csv.reader(io.StringIO(_read_text(path, encoding="utf-8-sig"), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            _fail(f"{path}:1: empty file; expected the columns {', '.join(required)}")
        header = [name.strip() for name in header]
        missing = [c for c in required if c not in header]
        if missing:
            _fail(f"{path}:1: missing column(s) {', '.join(missing)}; expected {', '.join(required)}")
        unknown = [c for c in header if c not in required and c not in optional]
        if unknown or len(set(header)) != len(header):
            _fail(
                f"{path}:1: unknown or repeated column(s) {', '.join(map(repr, unknown or header))}; "
                f"expected {', '.join([*required, *optional])}"
            )
        line = reader.line_num + 1
        for cells in reader:
            spans = reader.line_num - line + 1
            if spans > 1 or any("\n" in cell or "\r" in cell for cell in cells):
                _fail(
                    f"{path}:{line}: a quoted cell runs over {spans} lines, to line {reader.line_num} "
                    "(a stray quote?); a cell must be on one line"
                )
            if cells:
                if len(cells) != len(header):
                    _fail(f"{path}:{line}: {len(cells)} cell(s), but the header has {len(header)}")
                yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except csv.Error as error:
        _fail(f"{path}:{reader.line_num}: not valid CSV: {error}")


def _instant_cell(path: Path, line: int, row: dict[str, str], name: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(row[name])
    except ValueError:
        _fail(f"{path}:{line}: {name}: expected an ISO instant with an offset, got {row[name]!r}")


def load_records(path: Path) -> list[Record]:
    """CRM records from a CSV with columns id, metric, subject, occurred_at[, value, label]."""
    records: list[Record] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in _csv_rows(path, ("id", "metric", "subject", "occurred_at"), ("value", "label")):
        if "value" in row and not row["value"].strip():
            _fail(f"{path}:{line}: value: empty; write the number (1 for one deal or call)")
        first = seen.setdefault((row["id"], row["metric"]), line)
        if first != line:
            _fail(f"{path}:{line}: record id {row['id']!r} for metric {row['metric']!r} repeats line {first}")
        occurred = _instant_cell(path, line, row, "occurred_at")
        try:
            records.append(
                Record(row["id"], row["metric"], row["subject"], occurred, row.get("value", 1), row.get("label", ""))
            )
        except ScorekitError as error:
            _fail(f"{path}:{line}: {_one_line(error)}")
        except (ValueError, OverflowError) as error:
            _fail(f"{path}:{line}: occurred_at: out of range ({error})")
    return records


def load_manual(path: Path, card: Scorecard) -> list[ManualEntry]:
    """Hand-entered values from a CSV with columns metric, value, recorded_at[, recorded_by]."""
    manual = sorted(card.manual_keys)
    entries = []
    for line, row in _csv_rows(path, ("metric", "value", "recorded_at"), ("recorded_by",)):
        if not row["value"].strip():
            _fail(f"{path}:{line}: value: empty; write the value entered")
        if row["metric"] not in manual:
            kind = (
                "an automatic metric, counted from the records" if row["metric"] in _keys(card) else "not on the card"
            )
            _fail(
                f"{path}:{line}: metric {row['metric']!r} is {kind}; "
                f"the card's manual metrics are {', '.join(manual) or 'none'}"
            )
        recorded = _instant_cell(path, line, row, "recorded_at")
        try:
            entries.append(ManualEntry(card.id, row["metric"], row["value"], recorded, row.get("recorded_by") or "csv"))
        except ScorekitError as error:
            _fail(f"{path}:{line}: {_one_line(error)}")
        except (ValueError, OverflowError) as error:
            _fail(f"{path}:{line}: recorded_at: out of range ({error})")
    return entries


def _keys(card: Scorecard) -> set[str]:
    return {p.key for p in card.parameters}


# -- scorekit score ----------------------------------------------------------------------


def score_card(card: Scorecard, records: Iterable[Record], manual: Sequence[ManualEntry], as_of: DateTime) -> CardScore:
    """Score `card` over CRM `records` as a host would: one request per parameter, answered from the records."""
    requests = requests_for(card, as_of)
    answers = RecordsMetricSource(records).measure(requests)
    measurements: dict[str, Measurement | Decimal] = {r.metric: answers[r] for r in requests}
    entered = {e.metric for e in manual if e.recorded_at <= as_of}
    for parameter in card.active_parameters:
        if parameter.metric.is_manual and parameter.key not in entered:
            # no value entered yet: a count starts at 0, a level has no data
            level = parameter.metric.accumulation is not Accumulation.SUM
            measurements[parameter.key] = Measurement(None) if level else Decimal(0)
    return score(card, measurements, as_of=as_of, manual=manual)


def render_score(result: CardScore, fmt: str) -> str:
    """A card's score as a table, JSON or CSV."""
    if fmt == "json":
        return render.score_json(result)
    if fmt == "csv":
        return render.score_csv(result.to_records())
    return render.score_table(result)


def score_command(args: argparse.Namespace) -> str:
    """Score a hand-written card against exported CRM records."""
    card, as_of = load_card(Path(args.card), args.as_of)
    records = load_records(Path(args.records))
    manual = load_manual(Path(args.manual), card) if args.manual else []
    try:
        result = score_card(card, records, manual, as_of)
        output = render_score(result, args.format)
    except ArithmeticError:
        _fail(f"{args.card}: card {card.id!r}: a number too large or with too many digits to score or show")
    except (ValueError, OverflowError) as error:
        if isinstance(error, ScorekitError):
            raise
        _fail(f"--as-of {args.as_of}: card {card.id!r} cannot be scored then: {error}")
    if args.explain:
        output = f"{output}\n\n{result.explain()}"
    return output


# -- scorekit demo -----------------------------------------------------------------------


def _workspace(value: str) -> Path:
    """The demo's --db: a regular file or a new one in an existing folder."""
    path = Path(value)
    try:
        info = path.stat()
    except FileNotFoundError:
        if not path.parent.is_dir():
            _fail(f"--db {value}: the folder {path.parent} does not exist")
        return path
    except (OSError, ValueError) as error:
        _fail(f"--db {value}: cannot open: {getattr(error, 'strerror', None) or error}")
    if not stat.S_ISREG(info.st_mode):
        _fail(f"--db {value}: not a regular file")
    return path


def demo_command(args: argparse.Namespace) -> str:
    """The main job: the demo workspace's dashboard, or one of its cards."""
    as_of = _end_of_day(args.as_of, DEMO_ZONE) if args.as_of else pendulum.now(DEMO_ZONE)
    db = _workspace(args.db)
    try:
        return open_card(db, as_of, args.card) if args.card else run_demo(db, as_of)
    except (sqlite3.Error, StorageError) as error:
        _fail(f"--db {args.db}: not a usable scorekit workspace ({_one_line(error)})")
    except (ValueError, OverflowError, ArithmeticError) as error:
        if isinstance(error, ScorekitError):
            raise
        _fail(f"--as-of {args.as_of}: the demo cannot run then: {error}")


# -- entry point -------------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    """An error's message on one line (a document error lists its problems on several)."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__


def _date_argument(value: str) -> Date:
    try:
        return as_date(value)
    except ScorekitError:
        msg = f"expected a date YYYY-MM-DD, got {value!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _version() -> str:
    try:
        return metadata.version("scorekit")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = _Parser(prog="scorekit", description="Goals-and-results scorecards: demo, score, periods.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = commands.add_parser(
        "demo", help="create (or reuse) a demo sales workspace, roll it over, print its dashboard"
    )
    demo.add_argument("--db", default="scorekit-demo.sqlite3", help="the SQLite workspace (default: %(default)s)")
    demo.add_argument("--as-of", help="score as of the end of this date (YYYY-MM-DD) in Europe/Warsaw; default: now")
    demo.add_argument("--card", metavar="ID", help="open one card (its id is in the dashboard's first column)")
    demo.set_defaults(run=demo_command)

    scoring = commands.add_parser("score", help="score a card written in TOML against a CSV of CRM records")
    scoring.add_argument("--card", required=True, help="the card, in TOML")
    scoring.add_argument("--records", required=True, help="CRM records: id,metric,subject,occurred_at[,value,label]")
    scoring.add_argument("--manual", help="hand-entered values: metric,value,recorded_at[,recorded_by]")
    scoring.add_argument("--as-of", required=True, help="the end of this date in the card's zone, or an ISO instant")
    scoring.add_argument("--format", choices=["table", "json", "csv"], default="table")
    scoring.add_argument("--explain", action="store_true", help="also print how each number was derived")
    scoring.set_defaults(run=score_command)

    periods = commands.add_parser("periods", help="list the periods of a cadence")
    which = periods.add_mutually_exclusive_group(required=True)
    which.add_argument("--monthly", action="store_true")
    which.add_argument("--quarterly", action="store_true")
    which.add_argument("--every", metavar="N{d,w,m}", help="e.g. 14d, 2w, 6m")
    periods.add_argument("--from", dest="start", required=True, type=_date_argument, metavar="DATE")
    periods.add_argument("--count", type=int, default=12)
    periods.set_defaults(run=periods_command)
    return parser


def _write(stream: IO[str] | None, text: str) -> None:
    """Write `text`, replacing what the stream's encoding cannot show (a cp1252 console, say)."""
    if stream is None:  # started with the stream closed
        msg = "the stream is closed"
        raise OSError(msg)
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        for fancy, simple in (("█", "#"), ("░", "."), ("→", "->"), ("·", "|")):
            text = text.replace(fancy, simple)
        stream.write(text.encode(encoding, errors="replace").decode(encoding, errors="replace"))


def _run(argv: Sequence[str] | None) -> str:
    """The command's output, or raise `UsageError` with the one line to print."""
    args = build_parser().parse_args(argv)
    command = f"scorekit {args.command}"
    try:
        output: str = args.run(args)
    except UsageError as error:
        raise UsageError(f"{command}: error: {error}") from None
    except ScorekitError as error:
        raise UsageError(f"{command}: error: {_one_line(error)}") from None
    except OSError as error:
        raise UsageError(f"{command}: error: {error.filename or ''}: {error.strerror or error}") from None
    except RecursionError:
        raise UsageError(f"{command}: error: the input is nested too deeply") from None
    except MemoryError:
        raise UsageError(f"{command}: error: the input is too large to hold in memory") from None
    except Exception as error:  # noqa: BLE001 - the promise: one line, never a traceback
        message = f"{command}: error: unexpected {type(error).__name__}: {_one_line(error)} (please report this)"
        raise UsageError(message) from None
    return output


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on bad input (one line on standard error)."""
    try:
        output = _run(argv)
    except UsageError as error:
        message = str(error)
        line = message if message.startswith("scorekit") else f"scorekit: error: {message}"
        with contextlib.suppress(OSError):
            _write(sys.stderr, render.shown(line) + "\n")
        return EXIT_BAD_INPUT
    try:
        _write(sys.stdout, output)
        # a separate write and a flush: CPython may drop a broken pipe's error on one large write
        _write(sys.stdout, "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`scorekit demo | head`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # a full disk, a closed stdout
        with contextlib.suppress(OSError):
            _write(sys.stderr, f"scorekit: error: cannot write the output: {error.strerror or error}\n")
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush stays quiet
        return EXIT_BAD_INPUT
    return 0
