"""How the command shows numbers and text to people: bars, percentages, tables, CSV, JSON.

Nothing here reads files or decides scores; it only turns scores into text. Text
that came from a file (ids, labels, names) is shown with its control characters
escaped, so a label cannot move the cursor or recolour a terminal, and a CSV cell
that a spreadsheet would run as a formula is prefixed with ``'``.
"""

from __future__ import annotations

import collections
import csv
import datetime as _dt
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from scorekit import _display
from scorekit.numbers import for_display
from scorekit.period import Period, zone
from scorekit.scores import exact_projected, exact_values
from scorekit.scoring import CardScore, ParameterScore, Status
from scorekit.window import cap_of

__all__ = [
    "bar",
    "csv_cell",
    "many",
    "percent",
    "period_text",
    "plain",
    "score_csv",
    "score_json",
    "score_table",
    "shown",
    "status_counts",
    "status_word",
    "table",
    "when",
]

BAR_WIDTH = 16
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_OPEN = frozenset(s for s in Status if s.name in {"ON_TRACK", "BEHIND", "AT_RISK", "NO_DATA"})
"""The statuses of a window still open: on its last day they say so."""


def shown(text: object) -> str:
    r"""`text` for a terminal: control, format and unassigned characters escaped as ``\xNN``/``\uNNNN``.

    >>> shown("Deals\x1b[31m won"), shown("Wiśniewski")
    ('Deals\\x1b[31m won', 'Wiśniewski')
    """
    value = str(text)
    if value.isprintable():
        return value
    return "".join(
        ascii(ch)[1:-1] if unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch in "\t\n" else ch for ch in value
    )


def csv_cell(value: object) -> object:
    """A value for a CSV cell: text a spreadsheet would read as a formula gets a leading ``'``.

    Only text is touched (ids, labels, names, units); numbers are never prefixed.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-x"), csv_cell(Decimal("-5")), csv_cell(None)
    ("'=HYPERLINK(1)", "'-x", Decimal('-5'), '')
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def bar(fraction: Decimal, width: int = BAR_WIDTH) -> str:
    """A text progress bar: full only at 100% or more, clipped there, never rounded up to full.

    >>> bar(Decimal("0.5"), 8), bar(Decimal("0.9964"), 8), bar(Decimal("1.45"), 8)
    ('████░░░░', '███████░', '████████')
    """
    clipped = min(max(fraction, Decimal(0)), Decimal(1))
    filled = int((clipped * width).to_integral_value(rounding=ROUND_FLOOR))
    return "█" * filled + "░" * (width - filled)


def percent(value: Decimal | Fraction | None) -> str:
    """A fraction as a percentage with two decimals.

    >>> percent(Decimal("0.12345")), percent(None)
    ('12.35%', '-')
    """
    return "-" if value is None else _display.percent(value)


def plain(value: Decimal | None) -> str:
    """A number as people write it: at most two decimals, no trailing zeros.

    >>> plain(Decimal("100000.00")), plain(Decimal("15000.50")), plain(Decimal("0.3333333")), plain(None)
    ('100000', '15000.5', '0.33', '-')
    """
    if value is None:
        return "-"
    rounded = for_display(value)
    return f"{rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize():f}"


def when(instant: _dt.datetime) -> str:
    """An instant as people read it: to the second, with its offset.

    >>> import pendulum
    >>> when(pendulum.datetime(2024, 5, 20, 23, 59, 59, 999_999, tz="Europe/Warsaw"))
    '2024-05-20 23:59:59 +02:00'
    """
    offset = instant.strftime("%z")
    return f"{instant:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def period_text(period: Period) -> str:
    """A period as the command writes it everywhere (headers, dashboards, trends, `explain()`): first to last day.

    >>> from scorekit import Date
    >>> period_text(Period(Date(2024, 5, 1), Date(2024, 6, 1)))
    '2024-05-01 to 2024-05-31'
    """
    return f"{period.start} to {period.last_day}"


def many(count: int, noun: str) -> str:
    """A count with its noun, in the singular for one.

    >>> many(1, "demo"), many(2, "demo"), many(0, "card")
    ('1 demo', '2 demos', '0 cards')
    """
    return _display.many(count, noun)


def status_word(status: Status, *, last_day: bool = False) -> str:
    """A status in words; on the period's last day an open status says so.

    >>> status_word(Status.ON_TRACK), status_word(Status.BEHIND, last_day=True)
    ('on track', 'behind, last day')
    """
    word = status.value.replace("_", " ")
    return f"{word}, last day" if last_day and status in _OPEN else word


def status_counts(scores: Iterable[CardScore]) -> list[tuple[str, int]]:
    """How many cards have each status, every status listed (so the counts add up to the cards).

    Best first, in the order of every other count scorekit shows (`Summary`, `Dashboard`, HTML).

    >>> [word for word, _ in status_counts([])]
    ['achieved', 'on track', 'behind', 'at risk', 'missed', 'no data', 'not started']
    """
    counts = collections.Counter(s.status for s in scores)
    return [(status_word(Status(value)), counts[Status(value)]) for value in _display.STATUS_ORDER]


def table(rows: Sequence[Sequence[str]]) -> str:
    r"""Left-aligned columns, two spaces apart; every cell shown with control characters escaped.

    >>> print(table([["a", "bb"], ["ccc", "\x1b"]]))
    a    bb
    ccc  \x1b
    """
    cells = [[shown(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def _note(item: ParameterScore) -> str:
    """Where the actual comes from when a person entered it, and why `effective` differs from `achievement`."""
    notes = ["entered by hand"] if item.parameter.metric.is_manual else []
    notes += [_adjusted(item)] if item.effective != item.achievement else []
    return "; ".join(notes)


def _adjusted(item: ParameterScore) -> str:
    """Why `effective` differs from `achievement`: the threshold or the cap changed the number."""
    parameter, cap = item.parameter, cap_of(item.parameter)
    if parameter.threshold is not None and item.achievement < parameter.threshold:
        return f"* below threshold {percent(parameter.threshold)}"
    if cap is not None and item.achievement > cap:
        return f"* capped at {percent(cap)}"
    return "* adjusted"


def _last_day(result: CardScore) -> bool:
    card = result.card
    local = result.as_of.astimezone(zone(card.timezone))
    return local.date() == card.period.last_day


def score_table(result: CardScore) -> str:
    """A card's score as a table a person can reconcile with its total.

    Each row shows the actual against the target, the weight, the achievement, the
    contribution to the total (effective achievement x weight) and, marked with ``*``,
    where a threshold or a cap changed the number.
    """
    card = result.card
    last_day = _last_day(result)
    rows = [["parameter", "actual / target", "weight", "achievement", "", "contribution", "pace", "status", "note"]]
    for item in result.parameters:
        metric = item.parameter.metric
        unit = f" {metric.unit}" if metric.unit else ""
        exact = exact_values(item)  # each number shown is the exact value rounded once, as percent() does
        rows.append(
            [
                metric.display_name,
                f"{plain(item.actual)} / {plain(item.target)}{unit}",
                str(item.parameter.weight),
                percent(exact.achievement),
                bar(item.effective, 10),
                percent(exact.contribution),
                f"{percent(exact.projected)} projected",
                status_word(item.status, last_day=last_day),
                _note(item),
            ]
        )
    head = f"{shown(card.name or card.id)} · {shown(card.owner.id)} · {period_text(card.period)} · as of {when(result.as_of)}"
    foot = (
        f"total {result.percent():f}%  {bar(result.total)}  projected {percent(exact_projected(result))}  "
        f"{status_word(result.status, last_day=last_day)}"
    )
    return f"{head}\n{table(rows)}\n{foot}"


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    return str(value)


def score_json(result: CardScore) -> str:
    """A card's score as JSON: decimals as strings, one object per parameter."""
    document = {
        "card": result.card.id,
        "as_of": result.as_of.isoformat(),
        "total": str(result.total),
        "percent": str(result.percent()),
        "projected": _json_value(result.projected),
        "status": result.status.value,
        "parameters": [{k: _json_value(v) for k, v in r.items()} for r in result.to_records()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def score_csv(records: Sequence[Mapping[str, object]]) -> str:
    """Records as CSV, one row each, text cells made safe for spreadsheets (see `csv_cell`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in records)
    return out.getvalue().rstrip("\n")
