"""The HTML that notebooks show for scores, summaries, groups, dashboards and trends.

No dependency and no I/O: plain strings, every user string (names, ids, labels,
units, keys) escaped.  Numbers are rounded for people here and only here:
achievements and totals as percentages with two places, actuals and targets with
the places they were given but at most four; the objects keep their exact Decimals.
Bars are clipped at 100% and the number stands beside them.

>>> quantity(Decimal("804.3956043956043956043956043956044")), quantity(Decimal("100000.50")), percent(Decimal("1.5"))
('804.3956', '100000.50', '150.00%')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from scorekit.numbers import for_display

if TYPE_CHECKING:  # only for annotations: the classes call these functions, not the other way round
    from scorekit.grouping import Ranked, Summary
    from scorekit.scoring import CardScore, ParameterScore

STATUS_ORDER = ("achieved", "on_track", "behind", "at_risk", "missed", "no_data", "not_started")
"""Every status value, best first: the order of counts in captions and summaries."""

_COLOURS = {
    "achieved": "#2e7d32",
    "on_track": "#1976d2",
    "behind": "#ef6c00",
    "at_risk": "#d84315",
    "missed": "#c62828",
    "no_data": "#78909c",
    "not_started": "#9e9e9e",
}
_MAX_PLACES = 4


def text(value: object) -> str:
    """`value` as escaped HTML text."""
    return escape(str(value), quote=True)


def words(status: str) -> str:
    """A status value as people say it: ``on_track`` -> ``on track``."""
    return status.replace("_", " ")


def many(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``: a count with its noun."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with two places, or an em dash for none."""
    if value is None:
        return "\u2014"
    shown = for_display(value * 100)
    return f"{shown.copy_abs() if shown.is_zero() else shown:f}%"


def quantity(value: Decimal | None) -> str:
    """An actual or target with the places it was given, at most four (a prorated target has 34)."""
    if value is None:
        return "\u2014"
    exponent = value.as_tuple().exponent
    places = min(-exponent, _MAX_PLACES) if isinstance(exponent, int) and exponent < 0 else 0
    shown = for_display(value, places)
    return f"{shown.copy_abs() if shown.is_zero() else shown:f}"  # -0.00001 shows as 0.0000, not -0.0000


def bar(value: Decimal, status: str) -> str:
    """A progress bar for a fraction, full at 100% and clipped there."""
    width = for_display(min(max(value, Decimal(0)), Decimal(1)) * 100, 1)
    colour = _COLOURS.get(status, "#607d8b")
    return (
        '<div style="background:#eceff1;width:10em;height:0.8em;border-radius:2px;display:inline-block">'
        f'<div style="background:{colour};width:{width}%;height:100%;border-radius:2px"></div></div>'
    )


def bar_with_number(value: Decimal, status: str) -> str:
    """A clipped bar with the exact-to-two-places percentage beside it (a 145% and a 99.64% differ)."""
    return f'<span style="white-space:nowrap">{bar(value, status)} {percent(value)}</span>'


def status_cell(status: str) -> str:
    """A status in words, coloured."""
    return f'<span style="color:{_COLOURS.get(status, "#607d8b")}">{text(words(status))}</span>'


def counts(summary: Summary) -> str:
    """Every status counted, so the counts add up to the cards: ``1 achieved, 2 on track, ...``."""
    return ", ".join(f"{getattr(summary, value)} {words(value)}" for value in STATUS_ORDER)


# -- one card ------------------------------------------------------------------------------


def _shaped_note(item: ParameterScore) -> str:
    """Where a threshold or cap changed what counts: the effective achievement and why."""
    if item.effective == item.achievement:
        return ""
    why = "below threshold" if not item.effective else "capped"
    return f' <small title="{why}">\u2192 counts {percent(item.effective)} ({why})</small>'


def card_table(score: CardScore) -> str:
    """A card's score: a row per parameter (actual / target, weight, bar, contribution, status) and the total."""
    card = score.card
    rows = "".join(
        "<tr>"
        f"<td>{text(item.parameter.metric.display_name)}</td>"
        f"<td>{text(quantity(item.actual))} / {text(quantity(item.target))} {text(item.parameter.metric.unit)}</td>"
        f"<td>{text(item.parameter.weight)}</td>"
        f"<td>{bar_with_number(item.achievement, item.status.value)}{_shaped_note(item)}</td>"
        f"<td>{percent(item.contribution)}</td>"
        f"<td>{status_cell(item.status.value)}</td>"
        "</tr>"
        for item in score.parameters
    )
    title = card.name or card.id
    return (
        '<table class="scorekit-card">'
        f"<caption>{text(title)} \u00b7 {text(card.owner.id)} \u00b7 {text(card.period)} \u00b7 "
        f"as of {text(score.as_of.isoformat())}</caption>"
        "<thead><tr><th>Parameter</th><th>Actual / target</th><th>Weight</th><th>Achievement</th>"
        "<th>Contribution</th><th>Status</th></tr></thead>"
        f"<tbody>{rows}</tbody>"
        f"<tfoot><tr><th>Total</th><td></td><td>100%</td><td>{bar_with_number(score.total, score.status.value)}</td>"
        f"<td>{percent(score.total)}</td><td>{status_cell(score.status.value)}</td></tr></tfoot>"
        "</table>"
    )


# -- many cards ----------------------------------------------------------------------------


def summary_table(summary: Summary, caption: str = "") -> str:
    """A summary: every status counted, the mean and median of the started cards, each metric's mean."""
    head = "".join(f"<th>{text(words(value))}</th>" for value in STATUS_ORDER)
    cells = "".join(f"<td>{getattr(summary, value)}</td>" for value in STATUS_ORDER)
    metrics = "".join(
        f"<tr><td>{text(key)}</td><td>{percent(mean)}</td></tr>" for key, mean in summary.per_metric.items()
    )
    per_metric = (
        f'<table class="scorekit-metrics"><thead><tr><th>Metric</th><th>Mean achievement</th></tr></thead>'
        f"<tbody>{metrics}</tbody></table>"
        if metrics
        else ""
    )
    title = text(caption) + " \u00b7 " if caption else ""
    return (
        '<div class="scorekit-summary"><table>'
        f"<caption>{title}{many(summary.count, 'card')}, {summary.started} started \u00b7 "
        f"mean {percent(summary.mean_total)} \u00b7 median {percent(summary.median_total)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>{per_metric}</div>"
    )


def ranked_table(ranked: Sequence[Ranked], caption: str, css_class: str) -> str:
    """A row per card in rank order (rank, card, owner, period, bar with total, status)."""
    rows = "".join(
        "<tr>"
        f"<td>{r.rank}</td><td>{text(r.score.card.name or r.score.card.id)}</td>"
        f"<td>{text(r.score.card.owner.id)}</td><td>{text(r.score.card.period)}</td>"
        f"<td>{bar_with_number(r.score.total, r.score.status.value)}</td>"
        f"<td>{status_cell(r.score.status.value)}</td>"
        "</tr>"
        for r in ranked
    )
    return (
        f'<table class="{css_class}"><caption>{caption}</caption>'
        "<thead><tr><th>#</th><th>Card</th><th>Owner</th><th>Period</th><th>Total</th><th>Status</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def caption(summary: Summary, *, prefix: str = "") -> str:
    """A caption (already escaped) that counts every status and gives the started cards' mean."""
    lead = text(prefix) + " \u00b7 " if prefix else ""
    return (
        f"{lead}{many(summary.count, 'card')} \u00b7 mean {percent(summary.mean_total)} of {summary.started} started"
        f" \u00b7 {counts(summary)}"
    )


# -- a series over time --------------------------------------------------------------------

_WIDTH, _HEIGHT, _PAD = 360, 140, 24


def trend_svg(scores: Iterable[CardScore]) -> str:
    """An inline SVG line of the totals per period, a dashed line at 100%, a dot (with a tooltip) per period."""
    items = tuple(scores)
    if not items:
        return '<div class="scorekit-trend">no periods</div>'
    top = max([Decimal(1), *(s.total for s in items)])
    step = (_WIDTH - 2 * _PAD) / max(len(items) - 1, 1)

    def y(value: Decimal) -> float:
        share = float(min(max(value, Decimal(0)), top) / top)
        return round(_HEIGHT - _PAD - share * (_HEIGHT - 2 * _PAD), 1)

    points = [(round(_PAD + i * step, 1), y(s.total)) for i, s in enumerate(items)]
    line = " ".join(f"{x},{py}" for x, py in points)
    dots = "".join(
        f'<circle cx="{x}" cy="{py}" r="3" fill="{_COLOURS.get(s.status.value, "#607d8b")}">'
        f"<title>{text(s.card.period)}: {percent(s.total)} ({text(words(s.status.value))})</title></circle>"
        for (x, py), s in zip(points, items, strict=True)
    )
    goal = y(Decimal(1))
    first, last = items[0], items[-1]
    name = first.card.name or first.card.series_id
    ends = {len(items) - 1: "end", 0: "start"}  # one period: its label starts at its dot
    labels = "".join(
        f'<text x="{points[i][0]}" y="{_HEIGHT - 6}" font-size="9" text-anchor="{anchor}" fill="#757575">'
        f"{text(items[i].card.period.start)}</text>"
        for i, anchor in ends.items()
    )
    return (
        '<figure class="scorekit-trend" style="margin:0">'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" role="img" '
        f'aria-label="total per period">'
        f'<line x1="{_PAD}" y1="{goal}" x2="{_WIDTH - _PAD}" y2="{goal}" stroke="#9e9e9e" stroke-dasharray="4 3"/>'
        f'<text x="{_WIDTH - _PAD}" y="{goal - 3}" font-size="9" text-anchor="end" fill="#757575">100%</text>'
        f'<polyline points="{line}" fill="none" stroke="#1976d2" stroke-width="2"/>{dots}{labels}</svg>'
        f"<figcaption>{text(name)} \u00b7 {text(first.card.owner.id)} \u00b7 {many(len(items), 'period')} from "
        f"{text(first.card.period.start)} \u00b7 last {percent(last.total)} ({text(words(last.status.value))})"
        "</figcaption></figure>"
    )
