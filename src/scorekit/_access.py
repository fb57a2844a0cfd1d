"""Who may do what: `Role`, `Actor`, and the check that a use case's first argument is one.

The rules themselves (which cards an actor sees and changes, with or without an
`OrgChart`) are the service's; see `scorekit.service`.

>>> Actor("ann", Role.USER).may_manage, Actor("boss", "manager").role
(False, <Role.MANAGER: 'manager'>)
"""

from __future__ import annotations

import enum

import attrs

from scorekit._identifiers import identifier
from scorekit.errors import (
    InvalidScorecard,
    PermissionDenied,
)

__all__ = ["Actor", "Role", "as_actor"]


class Role(enum.Enum):
    """What an actor may do: `ADMIN` and `MANAGER` everything, `USER` read their own cards."""

    ADMIN = "admin"
    MANAGER = "manager"
    USER = "user"


@attrs.frozen
class Actor:
    """Who asks: the host's user id and their role.

    >>> Actor("ann", Role.USER).may_manage
    False
    """

    id: str = attrs.field(validator=identifier("actor id", InvalidScorecard))
    role: Role = attrs.field(converter=Role)

    @property
    def may_manage(self) -> bool:
        """Whether the actor may create, edit, delete, roll over and bulk-edit."""
        return self.role in (Role.ADMIN, Role.MANAGER)


def as_actor(value: object) -> Actor:
    if not isinstance(value, Actor):
        msg = f"expected an Actor(id, role), got {value!r}"
        raise PermissionDenied(msg)
    return value
