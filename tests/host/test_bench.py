"""A smoke run of the benchmarks with tiny sizes, so they cannot rot (timings are not asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_quick_benchmark_run_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench", "--quick", "--repeats", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "score(), 5 parameters" in result.stdout
    results = json.loads(out.read_text())
    assert results["quick"] is True
    assert results["score"]["ratio"] > 0
    # correctness figures, not timings: the in-memory CRM is asked once, through aggregate(cells)
    assert results["dashboard"]["crm_calls_per_dashboard"] == 1
    assert results["dashboard"]["aggregate_calls_per_dashboard"] == 1
    assert results["dashboard"]["measure_calls_per_dashboard"] == 0
    assert results["dashboard"]["cards"] == 400
    assert results["period_containing"]["ratio"] > 0
    assert results["codec_loads"]["documents"] == 200
    assert 0 < results["requests_for"]["distinct_requests"] <= results["requests_for"]["requests"]
    assert results["sqlite_rollover"]["created"] == 40
    assert results["score_many"]["identical"] == results["score_many"]["cards"] == 400  # every card, bit for bit
    assert "9 score_many vs score() per card" in result.stdout
    postgres = results["postgres_dashboard"]
    if "skipped" in postgres:  # no server: the figure says so and the run still passes
        assert "SCOREKIT_POSTGRES" in postgres["skipped"]
    else:
        assert postgres["cards"] == 400
        # a fixed handful (the service's finds, one measure, one read of manual entries), never one per card
        assert 1 <= postgres["statements_per_dashboard"] <= 5
    assert "--quick" in results["spark"]["skipped"]  # no JVM in a smoke run
