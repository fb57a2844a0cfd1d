"""A smoke run of the benchmarks with tiny sizes, so they cannot rot (timings are not asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _run(module: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m module arguments` from the project's root, with this interpreter; it must succeed."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *arguments], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result


def test_quick_benchmark_run_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    result = _run("bench", "--quick", "--repeats", "1", "--out", str(out))
    assert "score(), 5 parameters" in result.stdout
    results = json.loads(out.read_text())
    assert results["quick"] is True
    assert results["score"]["ratio"] > 0
    # the fair 0.2 floor agrees with score() digit for digit on every adversarial card, a quarter of
    # the actuals exactly on a bound (the run raises otherwise); both cards of figure 1 are timed
    adversarial = results["score"]["adversarial"]
    assert adversarial["identical"] == adversarial["cards"] == 400
    assert adversarial["on_a_bound"] >= adversarial["actuals"] // 5
    assert results["score"]["floor02"]["ratio"] > 0
    assert results["score"]["mixed"]["ratio"] > 0
    assert "1 score() vs floor02, mixed-rule card (Warsaw, DST)" in result.stdout
    # correctness figures, not timings: the in-memory CRM is asked once, through aggregate(cells)
    assert results["dashboard"]["crm_calls_per_dashboard"] == 1
    assert results["dashboard"]["column_calls_per_dashboard"] == 1
    assert results["dashboard"]["measure_calls_per_dashboard"] == 0
    assert results["dashboard"]["cards"] == 400
    assert results["period_containing"]["ratio"] > 0
    assert results["codec_loads"]["documents"] == 200
    assert 0 < results["requests_for"]["distinct_requests"] <= results["requests_for"]["requests"]
    assert results["sqlite_rollover"]["created"] == 40
    assert results["score_many"]["identical"] == results["score_many"]["cards"] == 400  # every card, bit for bit
    assert "9 score_many vs score() per card" in result.stdout
    # figure 2 on cards with 0.3's moving plan: every card has steps and a phasing, 1 user in 4 a
    # ramp, 1 card in 10 an adjustment; 200 of its dashboard's scores equal score() per card (the
    # run raises otherwise), half of them of adjusted cards (all 40 there are at 400 cards)
    plan = results["plan_dashboard"]
    assert plan["cards"] == plan["with_steps_and_phasing"] == 400
    assert plan["adjustments"] == plan["with_an_adjustment"] == 40
    assert 0 < plan["on_a_ramp"] < 400
    assert plan["checked"]["identical"] == plan["checked"]["cards"] == 200
    assert plan["checked"]["with_an_adjustment"] == 40
    assert plan["checked"]["on_a_ramp"] > 0
    assert plan["crm_calls_per_dashboard"] == 1
    assert plan["ratio"] > 0
    (figure,) = [f for f in results["figures"] if "0.3's steps, ramps, phasing, adjustments" in f["what"]]
    assert figure["target"] == "<= 1.2x"
    assert figure["met"] == ("yes" if plan["ratio"] <= 1.2 else "NO")
    (check,) = [f for f in results["figures"] if "dashboard == score() per card" in f["what"]]
    assert (check["measured"], check["met"]) == ("200 of 200 identical", "yes")
    postgres = results["postgres_dashboard"]
    if "skipped" in postgres:  # no server: the figure says so and the run still passes
        assert "SCOREKIT_POSTGRES" in postgres["skipped"]
    else:
        assert postgres["cards"] == 400
        # a fixed handful (the service's finds, one measure, one read of manual entries), never one per card
        assert 1 <= postgres["statements_per_dashboard"] <= 5
    assert "--quick" in results["spark"]["skipped"]  # no JVM in a smoke run


def test_stages_run_writes_every_stage_and_setting(tmp_path):
    out = tmp_path / "stages.json"
    _run("bench.stages", "--cards", "200", "--repeats", "1", "--block", "1", "--gc", "--out", str(out))
    results = json.loads(out.read_text())
    assert results["cards"] == 200
    assert set(results["stages"]["stages"]) == {
        "selection",
        "closed scores",
        "CRM question",
        "measurements per card",
        "scoring",
        "summary and groups",
        "other",
    }
    # the wrapped steps were called: each stage that always runs took some time
    assert all(results["stages"]["stages"][s] > 0 for s in ("selection", "CRM question", "scoring"))
    assert set(results["collector"]["variants"]) == {"default", "young 50,000", "gc.freeze()"}


def test_against_compares_two_trees_on_every_figure():
    # The same tree twice: every figure is produced for both and the table names each one.
    result = _run("bench.against", str(ROOT), str(ROOT), "--quick")
    table = result.stdout.split("figure", 1)[1]
    for label in ("score(), us per call", "dashboard of 1,000", "dashboard of 2,000, collector paused", "heap peak"):
        assert label in table
    round_one = result.stdout.splitlines()[0]
    assert json.loads(round_one.split("old ", 1)[1])["score_us"] > 0


def test_score_speed_reports_both_cards_against_floor02_and_the_batch_build():
    result = _run("bench.score_speed", "--rounds", "1", "--calls", "2", "--cards", "3")
    lines = result.stdout.splitlines()
    for card in ("bench card", "mixed-rule Warsaw card"):
        (line,) = [line for line in lines if line.startswith(f"{card}: score()")]
        assert "floor02" in line
        assert float(line.split(", ")[-1].split("x")[0]) > 0  # the ratio, e.g. "1.437x (target 1.5x)"
    assert any(line.startswith("list(batch) of 3 bench cards") for line in lines)


def _figure(what, measured, ratio, target, met):
    return {
        "what": what,
        "measured": measured,
        "baseline": "ignored",
        "ratio / figure": ratio,
        "target": target,
        "met": met,
    }


def test_table_of_runs_gives_each_figure_per_run_with_its_target_and_how_often_it_was_met(tmp_path):
    runs = [
        [
            _figure("1 score()", "24.9 us", "1.63x", "<= 2.0x (<= 1.25x)", "yes (no)"),
            _figure("2 dashboard", "100 cards", "14,362/s", ">= 50,000/s", "NO"),
            _figure("6 dashboard on PostgreSQL", "skipped", "", "", ""),
        ],
        [
            _figure("1 score()", "31.0 us", "2.05x", "<= 2.0x (<= 1.25x)", "NO (no)"),
            _figure("2 dashboard", "100 cards", "51,000/s", ">= 50,000/s", "yes"),
            _figure("6 dashboard on PostgreSQL cards/s", "100 cards, 9,642/s", "1.51x", "report", ""),
        ],
        [
            _figure("1 score()", "25.0 us", "1.64x", "<= 2.0x (<= 1.25x)", "yes (no)"),
            _figure("2 dashboard", "100 cards", "52,000/s", ">= 50,000/s", "yes"),
            _figure("10 a | in a cell", "1", "", "reported", ""),
        ],
    ]
    names = []
    for n, figures in enumerate(runs, 1):
        path = tmp_path / f"run{n}.json"
        path.write_text(json.dumps({"figures": figures, "quick": False}))
        names.append(str(path))
    result = _run("bench.table", *names)
    # one row per figure, in the order the runs first give them; "met" counts the runs that have
    # the figure (mixed compound values each with their count); a run without a figure shows "-"
    assert result.stdout.splitlines() == [
        "| what | run 1 | run 2 | run 3 | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
        "| 1 score() | 24.9 us; 1.63x | 31.0 us; 2.05x | 25.0 us; 1.64x | <= 2.0x (<= 1.25x) | yes (no): 2 of 3, NO (no): 1 of 3 |",
        "| 2 dashboard | 100 cards; 14,362/s | 100 cards; 51,000/s | 100 cards; 52,000/s | >= 50,000/s | 2 of 3 |",
        "| 6 dashboard on PostgreSQL | skipped | - | - |  |  |",
        "| 6 dashboard on PostgreSQL cards/s | - | 100 cards, 9,642/s; 1.51x | - | report |  |",
        "| 10 a \\| in a cell | - | - | 1 | reported |  |",
    ]
