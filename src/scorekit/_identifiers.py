r"""Which strings scorekit takes as identifiers and as labels (DESIGN: "Bad input never gets in").

- An **identifier** (card, user, team, series, metric key, actor, record and
  evidence ids) is at most `MAX_IDENTIFIER` characters, holds no control
  character and no lone surrogate, and keeps at least one character once
  whitespace and invisible characters (Unicode categories Cc, Cf, Zs, Zl, Zp:
  a zero-width space, a NUL...) are taken out.
- A **label** (labels, units, names) is at most `MAX_LABEL` characters and holds
  no lone surrogate and no control character but tab; it may be empty.

Each check raises the caller's error class, naming the field, the value (its
``repr``) and the rule; it returns the value unchanged.

>>> check_identifier("deal-7", what="evidence id", error=ValueError)
'deal-7'
>>> check_identifier("\u200b", what="card id", error=ValueError)
Traceback (most recent call last):
ValueError: card id must be a non-empty string with a visible character (not only whitespace or invisible characters), got '\u200b'
>>> check_label("line\nbreak", what="label", error=ValueError)
Traceback (most recent call last):
ValueError: label must not hold control characters other than tab (found '\n'), got 'line\nbreak'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, Final

__all__ = ["MAX_IDENTIFIER", "MAX_LABEL", "check_identifier", "check_label", "identifier", "label"]

MAX_IDENTIFIER: Final = 200
"""The most characters an identifier may have."""

MAX_LABEL: Final = 1000
"""The most characters a label, unit or name may have."""

_INVISIBLE: Final = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def check_identifier(value: object, *, what: str, error: Callable[[str], Exception]) -> str:
    """`value` if it is a valid identifier, else raise `error` naming `what`, the value and the rule.

    >>> check_identifier("a" * 201, what="user id", error=ValueError)
    Traceback (most recent call last):
    ValueError: user id must be at most 200 characters, got 201 ('aaaaaaaaaaaaaaaaaaaa'...)
    """
    if not isinstance(value, str):
        msg = f"{what} must be a non-empty string, got {value!r}"
        raise error(msg)
    if len(value) > MAX_IDENTIFIER:
        msg = f"{what} must be at most {MAX_IDENTIFIER} characters, got {len(value)} ({value[:20]!r}...)"
        raise error(msg)
    # The common case, cheaply: printable ASCII holds no control or invisible character but the space.
    visible = False
    if value.isascii() and value.isprintable():
        visible = bool(value.strip(" "))
    else:
        for char in value:
            category = unicodedata.category(char)
            if category == "Cs":
                msg = f"{what} must not hold a lone surrogate ({char!r}), got {value!r}"
                raise error(msg)
            if category == "Cc":
                msg = f"{what} must not hold control characters (found {char!r}), got {value!r}"
                raise error(msg)
            if category not in _INVISIBLE and not char.isspace():
                visible = True
    if not visible:
        msg = (
            f"{what} must be a non-empty string with a visible character"
            f" (not only whitespace or invisible characters), got {value!r}"
        )
        raise error(msg)
    return value


def check_label(value: object, *, what: str, error: Callable[[str], Exception]) -> str:
    r"""`value` if it is a valid label, unit or name (possibly empty), else raise `error`.

    >>> check_label("Deals won\t(EUR)", what="metric label", error=ValueError)
    'Deals won\t(EUR)'
    """
    if not isinstance(value, str):
        msg = f"{what} must be a string, got {value!r}"
        raise error(msg)
    if len(value) > MAX_LABEL:
        msg = f"{what} must be at most {MAX_LABEL} characters, got {len(value)} ({value[:20]!r}...)"
        raise error(msg)
    if value.isascii() and value.isprintable():
        return value
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            msg = f"{what} must not hold a lone surrogate ({char!r}), got {value!r}"
            raise error(msg)
        if category == "Cc" and char != "\t":
            msg = f"{what} must not hold control characters other than tab (found {char!r}), got {value!r}"
            raise error(msg)
    return value


def identifier(what: str, error: Callable[[str], Exception]) -> Callable[[Any, Any, Any], None]:
    r"""An attrs validator applying `check_identifier`.

    >>> import attrs
    >>> @attrs.frozen
    ... class Thing:
    ...     id: str = attrs.field(validator=identifier("thing id", ValueError))
    >>> Thing("\x00")
    Traceback (most recent call last):
    ValueError: thing id must not hold control characters (found '\x00'), got '\x00'
    """

    def check(_instance: object, _attribute: object, value: object) -> None:
        check_identifier(value, what=what, error=error)

    return check


def label(what: str, error: Callable[[str], Exception]) -> Callable[[Any, Any, Any], None]:
    """An attrs validator applying `check_label`."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        check_label(value, what=what, error=error)

    return check
