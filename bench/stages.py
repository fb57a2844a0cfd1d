"""Where figure 2's dashboard spends its time, and what CPython's collector settings change.

``python -m bench.stages`` builds figure 2's world (100,000 cards of the current month,
in-memory adapters) and reports, for the default dashboard:

- its stages, timed by wrapping each step the service calls with the CPU clock (no
  profiler, so no profiler's overhead): selection (`Scorekit._current`), closed scores
  (`Scorekit._closed`), the CRM question (`asking.columns` and the source's `aggregate_columns`, or `asking.cells` and `aggregate`),
  each card's measurements from the answers (`asking.from_columns` or `from_aggregates`, `asking.with_manual`
  and the manual store), scoring (`asking.score_rows`, i.e. `score_many`) and the summary
  and groups (`summarize_groups`); the collector's own time during the dashboard is measured
  with `gc.callbacks` and is inside the stages' times;
- the same stages' cumulative times under `cProfile`, as a cross-check (the profiler
  inflates Python-heavy steps, so its shares differ a little);
- with ``--gc``: the dashboard with CPython's default collector thresholds, with a
  young-generation threshold of 50,000, and after ``gc.freeze()``: ``--block`` dashboards back
  to back per setting (as a host runs them: the collector's state carried over), the settings
  rotating over ``--repeats`` rounds in one process; medians of the CPU times and of the
  per-round ratios to the default.

Everything is CPU time of this process.  ``--cards`` sets the size (default 100,000);
``--out`` writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # python bench/stages.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from typing import Self

from bench.run import MANAGER, _board, timed
from scorekit import _reading, asking, service

STAGES = {
    "selection": ["_current"],
    "closed scores": ["_closed"],
    "CRM question": ["columns", "aggregate_columns", "cells", "aggregate"],
    "measurements per card": ["from_columns", "from_aggregates", "with_manual", "entries"],
    "scoring": ["score_rows"],
    "summary and groups": ["summarize_groups"],
}


class CollectorClock:
    """The CPU time CPython's cyclic collector takes, from `gc.callbacks`, and how many collections of each generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.collections[info["generation"]] += 1

    def __enter__(self) -> Self:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


def _wrapped(spent: dict[str, float], name: str, fn):
    def timed_call(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    return timed_call


def stage_times(svc, as_of, repeats: int) -> dict[str, object]:
    """Each stage's CPU time in the default dashboard (median of `repeats`), by wrapping the steps the service calls."""
    originals = {
        "_current": (service.Scorekit, "_current"),
        "_closed": (service.Scorekit, "_closed"),
        "columns": (asking, "columns"),
        "from_columns": (asking, "from_columns"),
        "cells": (asking, "cells"),
        "from_aggregates": (asking, "from_aggregates"),
        "with_manual": (asking, "with_manual"),
        "score_rows": (asking, "score_rows"),
        "summarize_groups": (_reading, "summarize_groups"),  # the dashboard use case lives in _reading
        "aggregate_columns": (svc.metrics, "aggregate_columns"),
        "aggregate": (svc.metrics, "aggregate"),
        "entries": (svc.manual, "entries"),
    }
    rounds = []
    saved = {name: getattr(owner, attr) for name, (owner, attr) in originals.items()}
    try:
        for _ in range(repeats):
            spent: dict[str, float] = {}
            for name, (owner, attr) in originals.items():
                setattr(owner, attr, _wrapped(spent, name, saved[name]))
            gc.collect()
            with CollectorClock() as collector:
                total = timed(lambda: svc.dashboard(MANAGER, as_of=as_of))
            by_stage = {stage: sum(spent.get(n, 0.0) for n in names) for stage, names in STAGES.items()}
            by_stage["other"] = total - sum(by_stage.values())
            rounds.append(
                {"total": total, "stages": by_stage, "collector": collector.seconds, "gcs": collector.collections}
            )
    finally:
        for name, (owner, attr) in originals.items():
            if name in {"aggregate", "entries"}:
                vars(owner).pop(attr, None)  # the instance attribute shadowed the bound method
            else:
                setattr(owner, attr, saved[name])
    return sorted(rounds, key=lambda r: r["total"])[len(rounds) // 2]


def profiled(svc, as_of) -> dict[str, float]:
    """The stages' cumulative times under cProfile, for one dashboard."""
    profile = cProfile.Profile()
    profile.enable()
    svc.dashboard(MANAGER, as_of=as_of)
    profile.disable()
    stats = pstats.Stats(profile)
    cumulative: dict[str, float] = {}
    for (_file, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function == "dashboard" or any(function in names for names in STAGES.values()):
            cumulative[function] = max(cumulative.get(function, 0.0), ct)
    total = cumulative.get("dashboard", 0.0)
    by_stage = {stage: sum(cumulative.get(n, 0.0) for n in names) for stage, names in STAGES.items()}
    return {"total": total, **by_stage}


def collector_variants(svc, as_of, repeats: int, block: int) -> dict[str, object]:
    """The dashboard with the default thresholds, a young generation of 50,000, and after `gc.freeze()`.

    A host runs dashboards one after another without collecting in between, so each
    variant runs `block` dashboards back to back (the collector's state carried over, full
    collections included); the variants' blocks rotate over `repeats` rounds, and each
    round's block total is compared with the default's of the same round.
    """
    default = gc.get_threshold()

    def run(variant: str) -> tuple[list[float], float, list[int]]:
        gc.collect()
        if variant == "young 50,000":
            gc.set_threshold(50_000, *default[1:])
        elif variant == "gc.freeze()":
            gc.freeze()  # the world loaded so far (cards, records) is left out of every collection
        try:
            with CollectorClock() as collector:
                seconds = [timed(lambda: svc.dashboard(MANAGER, as_of=as_of)) for _ in range(block)]
        finally:
            gc.set_threshold(*default)
            gc.unfreeze()
        return seconds, collector.seconds, collector.collections

    variants = ["default", "young 50,000", "gc.freeze()"]
    totals: dict[str, list[float]] = {v: [] for v in variants}
    each: dict[str, list[float]] = {v: [] for v in variants}
    collected: dict[str, list[float]] = {v: [] for v in variants}
    counts: dict[str, list[list[int]]] = {v: [] for v in variants}
    for r in range(repeats):
        for variant in variants[r % 3 :] + variants[: r % 3]:
            seconds, in_gc, n = run(variant)
            totals[variant].append(sum(seconds))
            each[variant] += seconds
            collected[variant].append(in_gc / block)
            counts[variant].append(n)
    return {
        "default_threshold": default,
        "block": block,
        "variants": {
            v: {
                "seconds": statistics.median(each[v]),
                "all_seconds": each[v],
                "collector_seconds": statistics.median(collected[v]),
                "collections_per_block": counts[v],
                "ratio_to_default": statistics.median(t / d for t, d in zip(totals[v], totals["default"], strict=True)),
            }
            for v in variants
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gc", action="store_true", help="also compare the collector's settings")
    parser.add_argument(
        "--block", type=int, default=3, help="dashboards back to back per setting (default: %(default)s)"
    )
    parser.add_argument("--out", default=None, help="write the numbers as JSON here")
    args = parser.parse_args(argv)
    svc, _source, cards, _records, as_of = _board(args.cards)
    svc.dashboard(MANAGER, as_of=as_of)  # warm: the index, the windows' instants
    result: dict[str, object] = {"cards": len(cards), "python": sys.version.split()[0]}
    stages = stage_times(svc, as_of, args.repeats)
    result["stages"] = stages
    total = stages["total"]
    print(f"{len(cards):,} cards: {total:.2f} s CPU, {len(cards) / total:,.0f} cards/s")
    for stage, seconds in stages["stages"].items():
        print(f"  {stage:<24} {seconds / len(cards) * 1e6:6.1f} us/card  {seconds / total:6.1%}")
    print(f"  {'(collector, inside those)':<24} {stages['collector'] / len(cards) * 1e6:6.1f} us/card  "
          f"{stages['collector'] / total:6.1%}  collections by generation {stages['gcs']}")  # fmt: skip
    under = profiled(svc, as_of)
    result["profiled"] = under
    print(f"under cProfile: {under['total']:.2f} s")
    for stage in STAGES:
        print(f"  {stage:<24} {under[stage] / under['total']:6.1%}")
    if args.gc:
        variants = collector_variants(svc, as_of, args.repeats, args.block)
        result["collector"] = variants
        print(
            f"collector settings (default thresholds {variants['default_threshold']}), {args.repeats} rounds "
            f"of {args.block} dashboards back to back each:"
        )
        for name, v in variants["variants"].items():
            print(
                f"  {name:<14} {v['seconds']:.2f} s ({len(cards) / v['seconds']:,.0f} cards/s), collector "
                f"{v['collector_seconds']:.2f} s a dashboard, {v['ratio_to_default']:.3f}x default (median of rounds), "
                f"collections by generation {v['collections_per_block']}"
            )
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
