"""Small HTML helpers for notebook reprs: no dependency, every user string escaped."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from scorekit.numbers import for_display

_COLOURS = {
    "achieved": "#2e7d32",
    "on_track": "#1976d2",
    "behind": "#ef6c00",
    "missed": "#c62828",
    "not_started": "#9e9e9e",
}


def text(value: object) -> str:
    """`value` as escaped HTML text."""
    return escape(str(value), quote=True)


def percent(value: Decimal | None) -> str:
    """A fraction as a rounded percentage, or an em dash."""
    return "\u2014" if value is None else f"{for_display(value * 100)}%"


def bar(value: Decimal, status: str) -> str:
    """A progress bar for a fraction, full at 100% and clipped there."""
    width = for_display(min(max(value, Decimal(0)), Decimal(1)) * 100, 1)
    colour = _COLOURS.get(status, "#607d8b")
    return (
        '<div style="background:#eceff1;width:10em;height:0.8em;border-radius:2px">'
        f'<div style="background:{colour};width:{width}%;height:100%;border-radius:2px"></div></div>'
    )
