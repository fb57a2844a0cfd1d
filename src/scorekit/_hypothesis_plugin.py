"""Hypothesis' entry point: registers scorekit's strategies when hypothesis starts.

Hypothesis calls `_hypothesis_setup_hook` itself (unless ``HYPOTHESIS_NO_PLUGINS``
is set); nothing in scorekit imports this module, so ``import scorekit`` never
imports hypothesis.
"""


def _hypothesis_setup_hook() -> None:
    from scorekit.strategies import _register  # noqa: PLC0415 - only when hypothesis asks

    _register()
