"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE.

``dev`` by default, ``ci`` in .ci/run's main leg (derandomized: the same examples every run),
``random`` in its property leg (fresh examples every run, the seed printed so a failure can be
replayed), ``mutmut`` for mutation runs.
"""

import importlib.util
import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=400,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Fresh examples on every run (not derandomized) and no example database, so a run on a fresh
# machine is what CI sees; .ci/run passes --hypothesis-seed and prints it, and print_blob gives the
# @reproduce_failure line for the one example that failed.
settings.register_profile(
    "random",
    max_examples=1000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Mutation testing runs the suite once per mutant: few examples, derandomized, no example database,
# and no shrinking: a mutant is killed by the first failing example, and shrinking it (hundreds of
# reruns of a property) only made such mutants run into mutmut's CPU limit and count as timeouts.
settings.register_profile(
    "mutmut",
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


if os.environ.get("HYPOTHESIS_PROFILE") == "mutmut":
    import pytest

    from scorekit import codec, period

    @pytest.fixture(autouse=True)
    def _forget_memos() -> None:
        """Mutation runs map each mutant to the tests that reach it: a memo filled by an earlier test would hide it."""
        memos = (period.midnight, period._as_utc, period.local_ordinal, period.pendulum_utc)  # noqa: SLF001
        for memo in memos:
            memo.cache_clear()
        codec._TEMPLATES.clear()  # noqa: SLF001 - the card templates the codec has checked
        codec._USERS.clear()  # noqa: SLF001


# scorekit.spark and its recipe need the `spark` extra (not in the dev group); without it their doctests
# are not collected, and tests/host/test_spark.py says why in one line (CI requires them to run).
collect_ignore = [] if importlib.util.find_spec("pyspark") else ["src/scorekit/spark.py", "docs/scale-out.md"]
