"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (``dev`` by default, ``ci`` in .ci/run)."""

import importlib.util
import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=400,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# scorekit.spark and its recipe need the `spark` extra (part of `dev`); without it their doctests
# are not collected, and tests/test_spark.py says why in one line (CI requires them to run).
collect_ignore = [] if importlib.util.find_spec("pyspark") else ["src/scorekit/spark.py", "docs/scale-out.md"]
