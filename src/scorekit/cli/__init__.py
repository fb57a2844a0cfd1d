"""The ``scorekit`` command: ``demo``, ``score`` and ``periods``.

Bad input (a missing file, a malformed card or CSV row) prints one line naming
the file, line or field, and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import itertools
import json
import os
import random
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import pendulum
from pendulum import Date, DateTime

from scorekit.adapters.memory import FixedClock, Record, RecordsMetricSource
from scorekit.adapters.sqlite import SQLiteManualValues, SQLiteScorecards
from scorekit.errors import ScorekitError
from scorekit.measurement import ManualEntry, Measurement, as_instant, requests_for
from scorekit.numbers import for_display
from scorekit.parameter import Direction, Metric, MetricKind, Parameter
from scorekit.period import Cadence, as_date, zone
from scorekit.scorecard import Scorecard, Team, User
from scorekit.scoring import CardScore, score
from scorekit.service import Actor, CardTemplate, Dashboard, Role, Scorekit

__all__ = ["main"]

EXIT_BAD_INPUT = 2
BAR_WIDTH = 16


class UsageError(Exception):
    """Bad input: the message is one line, already naming the file, line or field."""


def _fail(message: str) -> NoReturn:
    raise UsageError(message)


# -- shared formatting -------------------------------------------------------------------


def bar(fraction: Decimal, width: int = BAR_WIDTH) -> str:
    """A text progress bar, full at 100% and clipped there.

    >>> bar(Decimal("0.5"), 8)
    '████░░░░'
    """
    filled = int(for_display(min(max(fraction, Decimal(0)), Decimal(1)) * width, 0))
    return "█" * filled + "░" * (width - filled)


def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with two decimals.

    >>> percent(Decimal("0.12345")), percent(None)
    ('12.35%', '-')
    """
    return "-" if value is None else f"{for_display(value * 100)}%"


def plain(value: Decimal) -> str:
    """A number as people write it: at most two decimals, no trailing zeros.

    >>> plain(Decimal("100000.00")), plain(Decimal("15000.50")), plain(Decimal("0.3333333"))
    ('100000', '15000.5', '0.33')
    """
    rounded = for_display(value)
    return f"{rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize():f}"


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def _end_of_day(value: str, timezone: str) -> DateTime:
    """`value` as an instant: an ISO date means the end of that day in `timezone`."""
    try:
        day = as_date(value)
    except ScorekitError:
        try:
            return as_instant(_dt.datetime.fromisoformat(value), name="--as-of")
        except (ValueError, ScorekitError):
            _fail(f"--as-of: expected a date YYYY-MM-DD or an ISO instant with an offset, got {value!r}")
    return pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, 999_999, tz=zone(timezone))


# -- scorekit periods --------------------------------------------------------------------


def _every(start: object, text: object, where: str) -> Cadence:
    """A cadence from a step written as 14d, 2w or 6m."""
    match = re.fullmatch(r"(\d+)([dwm])", text) if isinstance(text, str) else None
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
    if args.count < 1:
        _fail(f"--count: expected a whole number of at least 1, got {args.count}")
    cadence = _cadence_from_args(args)
    rows = [["#", "start", "end (excl.)", "last day", "days"]]
    for k, period in enumerate(itertools.islice(cadence.periods(), args.count)):
        rows.append([str(k), str(period.start), str(period.end), str(period.last_day), str(period.days)])
    return f"{cadence}\n{_table(rows)}"


# -- scorekit score ----------------------------------------------------------------------


def _toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        _fail(f"{path}: cannot read: {error.strerror}")
    except tomllib.TOMLDecodeError as error:
        _fail(f"{path}: not valid TOML: {error}")


_REQUIRED: Any = object()


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
    if not isinstance(value, kinds):
        _fail(f"{where}.{name}: expected {getattr(kinds, '__name__', kinds)}, got {value!r}")
    return value


def _owner(data: dict[str, Any], where: str) -> User | Team:
    owner = _field(data, "owner", where)
    if isinstance(owner, str):
        return User(owner)
    if isinstance(owner, dict):
        return Team(
            _field(owner, "team", f"{where}.owner", kinds=str), _field(owner, "members", f"{where}.owner", kinds=list)
        )
    _fail(f"{where}.owner: expected a user id or a table {{team = ..., members = [...]}}, got {owner!r}")


def _card_cadence(data: dict[str, Any], where: str) -> Cadence:
    table = _field(data, "cadence", where, kinds=dict)
    given = [k for k in ("monthly", "quarterly", "every") if k in table]
    if len(given) != 1:
        _fail(
            f"{where}.cadence: give exactly one of monthly = DATE, quarterly = DATE or every = '14d' with start = DATE"
        )
    kind = given[0]
    if kind == "every":
        if "start" not in table:
            _fail(f"{where}.cadence: every = {table['every']!r} needs start = DATE")
        return _every(table["start"], table["every"], f"{where}.cadence.every")
    return Cadence.monthly(table[kind]) if kind == "monthly" else Cadence.quarterly(table[kind])


def _parameter(data: dict[str, Any], where: str) -> Parameter:
    direction = _field(data, "direction", where, "higher", str)
    if direction not in ("higher", "lower"):
        _fail(f"{where}.direction: expected 'higher' or 'lower', got {direction!r}")
    manual = _field(data, "manual", where, default=False, kinds=bool)
    metric = Metric(
        _field(data, "metric", where, kinds=str),
        _field(data, "unit", where, "", str),
        MetricKind.MANUAL if manual else MetricKind.AUTOMATIC,
        _field(data, "label", where, "", str),
    )
    known = {
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
    }
    unknown = sorted(set(data) - known)
    if unknown:
        _fail(f"{where}: unknown field(s) {', '.join(unknown)}; a parameter has {', '.join(sorted(known))}")
    return Parameter(
        metric,
        _field(data, "target", where),
        _field(data, "weight", where),
        counts_from=data.get("counts_from"),
        direction=Direction.LOWER_IS_BETTER if direction == "lower" else Direction.HIGHER_IS_BETTER,
        cap=data.get("cap"),
        threshold=data.get("threshold"),
        prorate=_field(data, "prorate", where, default=False, kinds=bool),
        active=_field(data, "active", where, default=True, kinds=bool),
    )


def load_card(path: Path, as_of_text: str) -> tuple[Scorecard, DateTime]:
    """A card written by hand in TOML, and the instant it is scored at."""
    data = _toml(path)
    where = str(path)
    try:
        cadence = _card_cadence(data, where)
        timezone = _field(data, "timezone", where, "UTC", str)
        as_of = _end_of_day(as_of_text, timezone)
        local = as_of.in_timezone(zone(timezone))
        period_day = _field(data, "period", where, Date(local.year, local.month, local.day), (str, _dt.date))
        tables = _field(data, "parameters", where, kinds=list)
        parameters = [
            _parameter(item, f"{where}: parameters[{i}]")
            if isinstance(item, dict)
            else _fail(f"{where}: parameters[{i}] must be a table")
            for i, item in enumerate(tables)
        ]
        card = Scorecard(
            _field(data, "id", where, path.stem, str),
            _owner(data, where),
            cadence,
            cadence.period_containing(period_day),
            parameters,
            timezone=timezone,
            name=_field(data, "name", where, "", str),
        )
    except ScorekitError as error:
        _fail(f"{where}: {error}")
    return card, as_of


def _csv_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        _fail(f"{path}: cannot read: {error.strerror}")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        _fail(f"{path}:1: missing column(s) {', '.join(missing)}; expected {', '.join(required)}")
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        _fail(f"{path}:{reader.line_num}: {error}")


def load_records(path: Path) -> list[Record]:
    """CRM records from a CSV with columns id, metric, subject, occurred_at[, value, label]."""
    records = []
    for line, row in _csv_rows(path, ("id", "metric", "subject", "occurred_at")):
        try:
            occurred = _dt.datetime.fromisoformat(row["occurred_at"] or "")
        except ValueError:
            _fail(f"{path}:{line}: occurred_at: expected an ISO instant with an offset, got {row['occurred_at']!r}")
        try:
            records.append(
                Record(
                    row["id"], row["metric"], row["subject"], occurred, row.get("value") or 1, row.get("label") or ""
                )
            )
        except ScorekitError as error:
            _fail(f"{path}:{line}: {error}")
    return records


def load_manual(path: Path, card: Scorecard) -> list[ManualEntry]:
    """Hand-entered values from a CSV with columns metric, value, recorded_at[, recorded_by]."""
    entries = []
    for line, row in _csv_rows(path, ("metric", "value", "recorded_at")):
        try:
            recorded = _dt.datetime.fromisoformat(row["recorded_at"] or "")
        except ValueError:
            _fail(f"{path}:{line}: recorded_at: expected an ISO instant with an offset, got {row['recorded_at']!r}")
        try:
            entries.append(ManualEntry(card.id, row["metric"], row["value"], recorded, row.get("recorded_by") or "csv"))
        except ScorekitError as error:
            _fail(f"{path}:{line}: {error}")
    return entries


def score_card(card: Scorecard, records: Iterable[Record], manual: Sequence[ManualEntry], as_of: DateTime) -> CardScore:
    """Score `card` over CRM `records` as a host would: one request per parameter, answered from the records."""
    requests = requests_for(card, as_of)
    answers = RecordsMetricSource(records).measure(requests)
    measurements: dict[str, Measurement | Decimal] = {r.metric: answers[r] for r in requests}
    entered = {e.metric for e in manual if e.recorded_at <= as_of}
    for parameter in card.active_parameters:
        if parameter.metric.is_manual and parameter.key not in entered:
            measurements[parameter.key] = Decimal(0)  # no value entered yet
    return score(card, measurements, as_of=as_of, manual=manual)


def render_score(result: CardScore, fmt: str) -> str:
    """A card's score as a table, JSON or CSV."""
    records = result.to_records()
    if fmt == "json":
        document = {
            "card": result.card.id,
            "as_of": result.as_of.isoformat(),
            "total": str(result.total),
            "percent": str(result.percent()),
            "projected": None if result.projected is None else str(result.projected),
            "status": result.status.value,
            "parameters": [
                {k: (None if v is None else str(v) if not isinstance(v, int | bool) else v) for k, v in r.items()}
                for r in records
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
        return out.getvalue().rstrip("\n")
    card = result.card
    rows = [["parameter", "actual / target", "weight", "achievement", "", "pace", "status"]]
    for item in result.parameters:
        metric = item.parameter.metric
        unit = f" {metric.unit}" if metric.unit else ""
        rows.append(
            [
                metric.display_name,
                f"{plain(item.actual)} / {plain(item.target)}{unit}",
                str(item.parameter.weight),
                percent(item.achievement),
                bar(item.effective, 10),
                f"{percent(item.projected)} projected",
                item.status.value,
            ]
        )
    head = f"{card.name or card.id} · {card.owner.id} · {card.period} · as of {result.as_of.isoformat()}"
    foot = f"total {percent(result.total)}  {bar(result.total)}  projected {percent(result.projected)}  {result.status.value}"
    return f"{head}\n{_table(rows)}\n{foot}"


def score_command(args: argparse.Namespace) -> str:
    """Score a hand-written card against exported CRM records."""
    card, as_of = load_card(Path(args.card), args.as_of)
    records = load_records(Path(args.records))
    manual = load_manual(Path(args.manual), card) if args.manual else []
    return render_score(score_card(card, records, manual, as_of), args.format)


# -- scorekit demo -----------------------------------------------------------------------

DEMO_ZONE = "Europe/Warsaw"
DEMO_REPS = (
    ("ann", "Anna Nowak"),
    ("bob", "Bartosz Wiśniewski"),
    ("cid", "Celina Dąbrowska"),
    ("dan", "Daniel Lewandowski"),
    ("eve", "Ewa Zielińska"),
)
DEMO_TEAM = Team("north", ["ann", "bob", "cid"])
_CLIENTS = ("ACME", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Soylent", "Tyrell", "Cyberdyne")


def _demo_templates(year: int) -> tuple[CardTemplate, CardTemplate, CardTemplate]:
    rep = [
        Parameter(Metric("deals_won", "deals", label="Deals won"), 6, 40),
        Parameter(Metric("calls_made", "calls", label="Calls made"), 140, 25),
        Parameter(Metric("revenue", "PLN", label="Revenue"), 90_000, 25),
        Parameter(Metric.custom("demos_held", "demos", label="Demos held"), 5, 10),
    ]
    junior = [rep[0].evolve(target=5), rep[1], rep[2].evolve(target=75_000), rep[3]]
    team = [
        Parameter(Metric("revenue", "PLN", label="Revenue"), 700_000, 60),
        Parameter(Metric("deals_won", "deals", label="Deals won"), 45, 20),
        Parameter(Metric("deals_lost", "deals", label="Deals lost"), 20, 20, direction=Direction.LOWER_IS_BETTER),
    ]
    monthly = Cadence.monthly(Date(year, 1, 1))
    return (
        CardTemplate(monthly, rep, timezone=DEMO_ZONE, rollover=True, name="Monthly targets"),
        CardTemplate(monthly, junior, timezone=DEMO_ZONE, rollover=True, name="Monthly targets (junior)"),
        CardTemplate(Cadence.quarterly(Date(year, 1, 1)), team, timezone=DEMO_ZONE, rollover=True, name="Team quarter"),
    )


def demo_records(first: Date, last: Date) -> list[Record]:
    """Deterministic CRM records for every working day from `first` to `last`: each day depends only on its date."""
    records = []
    tz = zone(DEMO_ZONE)
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = Date.fromordinal(ordinal)
        if day.isoweekday() > 5:  # noqa: PLR2004 - Saturday and Sunday
            continue
        for rep, _name in DEMO_REPS:
            rng = random.Random(f"{day}:{rep}")  # noqa: S311 - demo data, not secrets
            at = pendulum.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), tz=tz)
            stem = f"{day:%Y%m%d}-{rep}"
            records.append(Record(f"{stem}-calls", "calls_made", rep, at, rng.randint(3, 10), f"call log {day}"))
            if rng.random() < 0.30:  # noqa: PLR2004
                client = rng.choice(_CLIENTS)
                won = at.add(minutes=rng.randint(30, 90))
                records.append(Record(f"{stem}-won", "deals_won", rep, won, 1, f"{client} deal"))
                records.append(
                    Record(f"{stem}-rev", "revenue", rep, won, rng.randrange(4_000, 30_000, 50), f"{client} deal")
                )
            if rng.random() < 0.12:  # noqa: PLR2004
                records.append(
                    Record(f"{stem}-lost", "deals_lost", rep, at.add(hours=2), 1, f"{rng.choice(_CLIENTS)} lost")
                )
    return records


def _demo_service(db: Path, as_of: DateTime, records: list[Record]) -> Scorekit:
    counter = itertools.count(1)
    return Scorekit(
        cards=SQLiteScorecards(db),
        metrics=RecordsMetricSource(records),
        manual=SQLiteManualValues(db),
        clock=FixedClock(as_of),
        new_id=lambda: f"demo-{next(counter):03d}",
    )


def run_demo(db: Path, as_of: DateTime) -> str:
    """Create (or reuse) the demo workspace in `db`, roll it over, and render its dashboard."""
    manager = Actor("manager", Role.MANAGER)
    local = as_of.in_timezone(zone(DEMO_ZONE))
    today = Date(local.year, local.month, local.day)
    rep, junior, team = _demo_templates(today.year if today.month > 2 else today.year - 1)  # noqa: PLR2004
    start_month = rep.cadence.period(rep.cadence.index_of(today) - 2)
    start_quarter = team.cadence.period_containing(start_month.start)
    service = _demo_service(db, as_of, demo_records(start_quarter.start, today))
    lines = []
    if not service.cards.find():
        seniors = [User(r) for r, _ in DEMO_REPS if r != "eve"]
        service.create_cards(manager, rep, seniors, period=start_month)
        service.create_cards(manager, junior, [User("eve")], period=start_month)
        service.create_cards(manager, team, [DEMO_TEAM], period=start_quarter)
        lines.append(f"created the workspace {db}: 5 reps, team north, cards from {start_month.start}")
    else:
        lines.append(f"reusing the workspace {db}")
    created = service.roll_over(manager, today=today)
    lines.append(f"rolled over {len(created)} card(s) up to {today}")
    _enter_demo_values(service, today)
    dashboard = service.dashboard(manager, as_of=as_of)
    lines += ["", render_dashboard(dashboard)]
    return "\n".join(lines)


def _enter_demo_values(service: Scorekit, today: Date) -> None:
    """Reps enter their demos held, once per card, as of today."""
    for card in service.cards.find():
        current = card.period.start <= today < card.period.end
        if (
            current
            and any(p.metric.is_manual for p in card.active_parameters)
            and not service.manual.entries([card.id])
        ):
            rng = random.Random(card.id)  # noqa: S311 - demo data
            owner = Actor(card.owner.id, Role.USER)
            service.record_manual_value(owner, card.id, "demos_held", rng.randint(1, 6))


def render_dashboard(dashboard: Dashboard) -> str:
    """The dashboard as text: a row per card with a bar, then the groups of similar cards."""
    names = dict(DEMO_REPS)
    ordered = sorted(dashboard.scores, key=lambda s: (s.card.period.start, s.card.period.end, s.card.owner.id))
    rows = [["card", "owner", "period", "total", "", "status"]]
    rows += [
        [
            s.card.name or s.card.id,
            names.get(s.card.owner.id, s.card.owner.id),
            f"{s.card.period.start} → {s.card.period.last_day}",
            percent(s.total),
            bar(s.total),
            s.status.value,
        ]
        for s in ordered
    ]
    summary = dashboard.summary
    head = (
        f"dashboard as of {dashboard.as_of.isoformat()}: {summary.count} cards, mean {percent(summary.mean_total)}, "
        f"median {percent(summary.median_total)} · {summary.achieved} achieved, {summary.on_track} on track, "
        f"{summary.behind} behind, {summary.missed} missed, {summary.not_started} not started"
    )
    groups = [["group of similar cards", "cards", "mean", "achieved", "on track", "behind", "missed"]]
    for group in sorted(dashboard.groups, key=lambda g: (g.scores[0].card.period.start, g.scores[0].card.name)):
        first = group.scores[0].card
        groups.append(
            [
                f"{first.name or first.id}, {first.period.start} → {first.period.last_day}",
                str(group.summary.count),
                percent(group.summary.mean_total),
                str(group.summary.achieved),
                str(group.summary.on_track),
                str(group.summary.behind),
                str(group.summary.missed),
            ]
        )
    return f"{head}\n\n{_table(rows)}\n\n{_table(groups)}"


def demo_command(args: argparse.Namespace) -> str:
    """The main job: the demo workspace's dashboard."""
    as_of = _end_of_day(args.as_of, DEMO_ZONE) if args.as_of else pendulum.now(DEMO_ZONE)
    return run_demo(Path(args.db), as_of)


# -- entry point -------------------------------------------------------------------------


def _date_argument(value: str) -> Date:
    try:
        return as_date(value)
    except ScorekitError:
        msg = f"expected a date YYYY-MM-DD, got {value!r}"
        raise argparse.ArgumentTypeError(msg) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="scorekit", description="Goals-and-results scorecards: demo, score, periods.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="create (or reuse) a demo sales workspace, roll it over, print its dashboard"
    )
    demo.add_argument("--db", default="scorekit-demo.sqlite3", help="the SQLite workspace (default: %(default)s)")
    demo.add_argument("--as-of", help="score as of the end of this date (YYYY-MM-DD) in Europe/Warsaw; default: now")
    demo.set_defaults(run=demo_command)

    scoring = commands.add_parser("score", help="score a card written in TOML against a CSV of CRM records")
    scoring.add_argument("--card", required=True, help="the card, in TOML")
    scoring.add_argument("--records", required=True, help="CRM records: id,metric,subject,occurred_at[,value,label]")
    scoring.add_argument("--manual", help="hand-entered values: metric,value,recorded_at[,recorded_by]")
    scoring.add_argument("--as-of", required=True, help="the end of this date in the card's zone, or an ISO instant")
    scoring.add_argument("--format", choices=["table", "json", "csv"], default="table")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on bad input."""
    args = build_parser().parse_args(argv)
    try:
        output = args.run(args)
    except UsageError as error:
        print(f"scorekit {args.command}: error: {error}", file=sys.stderr)  # noqa: T201
        return EXIT_BAD_INPUT
    except ScorekitError as error:
        print(f"scorekit {args.command}: error: {str(error).splitlines()[0]}", file=sys.stderr)  # noqa: T201
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"scorekit {args.command}: error: {error.filename or ''}: {error.strerror}", file=sys.stderr)  # noqa: T201
        return EXIT_BAD_INPUT
    try:
        print(output)  # noqa: T201
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`scorekit demo | head`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
