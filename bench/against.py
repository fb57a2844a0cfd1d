"""Figures 1 and 2 for the library of two trees, in alternating processes: is a change slower?

``python -m bench.against OLD NEW [--rounds 3] [--cards 100000]`` takes two checkouts of
scorekit (e.g. ``git worktree add --detach /tmp/old 8b9cabc``) and runs, ``--rounds`` times
and alternating, one child process per tree that imports scorekit from that tree's ``src``
and measures, in CPU time of the child:

- ``score()`` of figure 1's 5-parameter card (plain, capped, gated, lower is better,
  prorated later start), microseconds per call, the best of 5 batches;
- figure 2's default dashboard (in-memory adapters, every card in the current month) over
  1,000 cards (cards/s, the best of 20) and over ``--cards`` cards: one dashboard with the
  collector on and one with it paused (``gc.disable()`` after a full collection), since at
  100,000 cards whether a full collection falls inside one dashboard moves it by 20%;
- that dashboard's peak of Python allocations (``tracemalloc``), bytes per card.

The harness uses only what both trees have (0.2's public API), so the trees are compared on
the same cards and records.  It prints each round and the median of the per-round ratios
NEW / OLD (for times: above 1 is slower).  Nothing here runs in the test suite but its
``--quick`` smoke run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

_CHILD = r"""
import gc, json, random, sys, time, tracemalloc
from decimal import Decimal

sys.path.insert(0, sys.argv[1] + "/src")
import pendulum
import scorekit
from scorekit import Cadence, Change, Date, Direction, Metric, Parameter, Scorecard, Team, User, score
from scorekit.adapters.memory import FixedClock, MemoryManualValues, MemoryScorecards, Record, RecordsMetricSource
from scorekit.service import Actor, Role, Scorekit

assert scorekit.__file__.startswith(sys.argv[1]), scorekit.__file__
n_cards, loops = int(sys.argv[2]), int(sys.argv[3])
MONTHLY = Cadence.monthly(Date(2024, 1, 1))


def parameters(last):
    return [
        Parameter(Metric("deals_won", "deals"), 10, 30),
        Parameter(Metric("calls_made", "calls"), 200, 20, cap="1.5"),
        Parameter(Metric("revenue", "PLN"), 100_000, 20, threshold="0.5"),
        Parameter(Metric("deals_lost", "deals"), 5, 15, direction=Direction.LOWER_IS_BETTER),
        Parameter(last, 8, 15, counts_from=Date(2024, 1, 10), prorate=True),
    ]


def board(n, teams=20):
    rng = random.Random(7)
    team_cards = min(teams * 5, n // 2)
    users = max(teams, n - team_cards)
    members = {t: frozenset(f"u{u}" for u in range(users) if u % teams == t) for t in range(teams)}
    rep = parameters(Metric.custom("demos", "demos"))
    period = MONTHLY.period(0)
    first = Scorecard("u0", User("u0"), MONTHLY, period, rep, timezone="Europe/Warsaw")
    cards = [first] + [first.copy_for(User(f"u{u}"), id=f"u{u}") for u in range(1, users)]
    for i in range(team_cards):
        t = i % teams
        targets = [p.evolve(target=p.target * (1 + i // teams)) for p in rep]
        owner = Team(f"team{t}", members[t] or {"u0"})
        cards.append(Scorecard(f"t{t}-{i}", owner, MONTHLY, period, targets, timezone="Europe/Warsaw"))
    start, _ = period.instants("Europe/Warsaw")
    records = []
    for u in range(users):
        for metric in ("deals_won", "calls_made", "revenue", "deals_lost"):
            if rng.random() < 0.3:
                at = start.add(days=rng.randrange(period.days), hours=rng.randrange(24))
                records.append(Record(f"r{len(records)}", metric, f"u{u}", at, rng.randint(1, 5000)))
    epoch = pendulum.datetime(2024, 1, 1, tz="UTC")
    svc = Scorekit(
        cards=MemoryScorecards(cards[:n], change=Change("bench", epoch)),
        metrics=RecordsMetricSource(records),
        manual=MemoryManualValues(),
        clock=FixedClock(epoch),
    )
    return svc, pendulum.datetime(2024, 1, 17, 12, tz="UTC")


def cpu(fn):
    began = time.process_time()
    fn()
    return time.process_time() - began


card = Scorecard("c", User("ann"), MONTHLY, MONTHLY.period(3), parameters(Metric("meetings", "meetings")),
                 timezone="Europe/Warsaw")
as_of = pendulum.datetime(2024, 4, 17, 15, tz="UTC")
actuals = {"deals_won": Decimal(6), "calls_made": Decimal(180), "revenue": Decimal("61250.50"),
           "deals_lost": Decimal(3), "meetings": Decimal(4)}
out = {"score_us": min(cpu(lambda: [score(card, actuals, as_of=as_of) for _ in range(loops)]) for _ in range(5))
       / loops * 1e6}
boss = Actor("boss", Role.MANAGER)
svc, at = board(1000)
svc.dashboard(boss, as_of=at)
out["small_cards_s"] = 1000 / min(cpu(lambda: svc.dashboard(boss, as_of=at)) for _ in range(20))
svc, at = board(n_cards)
svc.dashboard(boss, as_of=at)
gc.collect()
out["large_cards_s"] = n_cards / cpu(lambda: svc.dashboard(boss, as_of=at))
gc.collect()
gc.disable()
out["large_cards_s_gc_paused"] = n_cards / cpu(lambda: svc.dashboard(boss, as_of=at))
gc.enable()
gc.collect()
tracemalloc.start()
svc.dashboard(boss, as_of=at)
out["large_peak_bytes_per_card"] = tracemalloc.get_traced_memory()[1] / n_cards
tracemalloc.stop()
print(json.dumps(out))
"""

_FIGURES = (
    ("score_us", "score(), us per call", True),
    ("small_cards_s", "dashboard of 1,000, cards/s", False),
    ("large_cards_s", "dashboard of N, cards/s", False),
    ("large_cards_s_gc_paused", "dashboard of N, collector paused, cards/s", False),
    ("large_peak_bytes_per_card", "dashboard of N, heap peak B/card", True),
)


def measure(tree: Path, cards: int, loops: int) -> dict[str, float]:
    """One child process's figures for the scorekit in `tree`."""
    done = subprocess.run(  # noqa: S603 - this interpreter, our own child script
        [sys.executable, "-c", _CHILD, str(tree.resolve()), str(cards), str(loops)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def compare(old: Path, new: Path, *, rounds: int, cards: int, loops: int) -> list[tuple[str, float, float, float]]:
    """(figure, median old, median new, median of per-round new/old ratios), rounds alternating old then new."""
    runs: list[tuple[dict[str, float], dict[str, float]]] = []
    for index in range(rounds):
        pair = (measure(old, cards, loops), measure(new, cards, loops))
        runs.append(pair)
        print(f"round {index + 1}: old {json.dumps(pair[0])}\n         new {json.dumps(pair[1])}", flush=True)
    return [
        (
            label,
            statistics.median(a[key] for a, _ in runs),
            statistics.median(b[key] for _, b in runs),
            statistics.median(b[key] / a[key] for a, b in runs),
        )
        for key, label, _ in _FIGURES
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.against", description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="a checkout of scorekit (the baseline)")
    parser.add_argument("new", type=Path, help="a checkout of scorekit (the change)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    args = parser.parse_args(argv)
    cards, loops = (2_000, 200) if args.quick else (args.cards, 20_000)
    rows = compare(args.old, args.new, rounds=1 if args.quick else args.rounds, cards=cards, loops=loops)
    print(f"\n{'figure':<44} {'old':>12} {'new':>12} {'new/old':>8}")
    for label, old_value, new_value, ratio in rows:
        print(f"{label.replace('N', f'{cards:,}'):<44} {old_value:>12,.1f} {new_value:>12,.1f} {ratio:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
