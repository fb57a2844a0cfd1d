"""A score made by hand from another one's fields (what ``attrs.evolve`` made while the scores were attrs classes).

Like any score made by hand it has no scoring context: `explain()`, `per_day` and the
exact decisions see only its fields.
"""

from typing import Any, TypeVar

from scorekit import CardScore, ParameterScore

_S = TypeVar("_S", CardScore, ParameterScore)


def evolve(score: _S, **changes: Any) -> _S:
    """`score`'s fields, `changes` replacing some, as a new score made by hand."""
    fields = {name: getattr(score, name) for name in type(score).__match_args__}
    return type(score)(**{**fields, **changes})
