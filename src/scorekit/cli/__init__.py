"""The ``scorekit`` command: ``demo``, ``score`` and ``periods``.

Every failure, whatever the input, prints one line naming the file, line or field,
and exits with status 2; never a traceback. What the command reads (TOML, CSV, dates)
and how it refuses it is `scorekit.cli.inputs`; how it shows scores is
`scorekit.cli.render`. Output that cannot be encoded for the terminal is drawn with
plain characters of the same width instead, so its columns stay aligned.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import sqlite3
import stat
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import IO, NoReturn

import pendulum
from pendulum import Date, DateTime

from scorekit.adapters.memory import Record, RecordsMetricSource
from scorekit.cli import render
from scorekit.cli.demo import DEMO_ZONE, open_card, run_demo
from scorekit.cli.inputs import (
    MAX_INPUT_BYTES,
    UsageError,
    end_of_day,
    every,
    fail,
    load_card,
    load_manual,
    load_records,
    no_such_date,
    one_line,
)
from scorekit.errors import ScorekitError, StorageError
from scorekit.measurement import ManualEntry, Measurement, requests_for
from scorekit.parameter import Accumulation
from scorekit.period import Cadence, as_date
from scorekit.scorecard import Scorecard
from scorekit.scoring import CardScore, score

__all__ = ["EXIT_BAD_INPUT", "MAX_INPUT_BYTES", "main"]

EXIT_BAD_INPUT = 2
MAX_PERIODS = 100_000
"""The most periods `scorekit periods` lists."""


# -- scorekit periods --------------------------------------------------------------------


def _cadence_from_args(args: argparse.Namespace) -> Cadence:
    if args.monthly:
        return Cadence.monthly(args.start)
    if args.quarterly:
        return Cadence.quarterly(args.start)
    return every(args.start, args.every, "--every")


def periods_command(args: argparse.Namespace) -> str:
    """The periods of a cadence, one per line."""
    if not 1 <= args.count <= MAX_PERIODS:
        fail(f"--count: expected a whole number from 1 to {MAX_PERIODS:,}, got {args.count}")
    cadence = _cadence_from_args(args)
    rows = [["#", "start", "end (excl.)", "last day", "days"]]
    for k, period in enumerate(itertools.islice(cadence.periods(), args.count)):
        rows.append([str(k), str(period.start), str(period.end), str(period.last_day), str(period.days)])
    return f"{cadence}\n{render.table(rows)}"


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
        fail(f"{args.card}: card {card.id!r}: a number too large or with too many digits to score or show")
    except (ValueError, OverflowError) as error:
        if isinstance(error, ScorekitError):
            raise
        fail(f"--as-of {args.as_of}: card {card.id!r} cannot be scored then: {error}")
    if args.explain:  # each line escaped as the table's cells are: a label cannot reorder or hide the text
        explained = "\n".join(render.shown(line) for line in result.explain().splitlines())
        output = f"{output}\n\n{explained}"
    return output


# -- scorekit demo -----------------------------------------------------------------------


def _workspace(value: str) -> Path:
    """The demo's --db: a regular file or a new one in an existing folder."""
    path = Path(value)
    try:
        info = path.stat()
    except FileNotFoundError:
        if not path.parent.is_dir():
            fail(f"--db {value}: the folder {path.parent} does not exist")
        return path
    except (OSError, ValueError) as error:
        fail(f"--db {value}: cannot open: {getattr(error, 'strerror', None) or error}")
    if not stat.S_ISREG(info.st_mode):
        fail(f"--db {value}: not a regular file")
    return path


def demo_command(args: argparse.Namespace) -> str:
    """The main job: the demo workspace's dashboard, or one of its cards."""
    as_of = end_of_day(args.as_of, DEMO_ZONE) if args.as_of else pendulum.now(DEMO_ZONE)
    db = _workspace(args.db)
    try:
        return open_card(db, as_of, args.card) if args.card else run_demo(db, as_of)
    except (sqlite3.Error, StorageError) as error:
        fail(f"--db {args.db}: not a usable scorekit workspace ({one_line(error)})")
    except (ValueError, OverflowError, ArithmeticError) as error:
        if isinstance(error, ScorekitError):
            raise
        fail(f"--as-of {args.as_of}: the demo cannot run then: {error}")


# -- entry point -------------------------------------------------------------------------


def _date_argument(value: str) -> Date:
    if problem := no_such_date(value):
        raise argparse.ArgumentTypeError(problem)
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
        # one character for one, so the columns stay aligned
        for fancy, simple in (("█", "#"), ("░", "."), ("→", ">"), ("·", "|")):
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
        raise UsageError(f"{command}: error: {one_line(error)}") from None
    except OSError as error:
        raise UsageError(f"{command}: error: {error.filename or ''}: {error.strerror or error}") from None
    except RecursionError:
        raise UsageError(f"{command}: error: the input is nested too deeply") from None
    except MemoryError:
        raise UsageError(f"{command}: error: the input is too large to hold in memory") from None
    except Exception as error:  # noqa: BLE001 - the promise: one line, never a traceback
        message = f"{command}: error: unexpected {type(error).__name__}: {one_line(error)} (please report this)"
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
