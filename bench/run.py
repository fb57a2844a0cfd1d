"""Run scorekit's benchmarks: ``python -m bench`` (or ``python bench/run.py``).

Every figure is a ratio against a baseline measured in the same run, in alternating
repeats, so a noisy machine moves both sides alike; the medians are reported.  The
table goes to standard output and everything to ``bench/results.json``.
``--quick`` runs tiny sizes: the test suite's smoke run, so the benchmarks cannot rot.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
import zoneinfo
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pendulum

from bench import floors, storage
from scorekit import (
    Cadence,
    Change,
    Date,
    Direction,
    Metric,
    Parameter,
    Phasing,
    Ramp,
    Scorecard,
    TargetStep,
    Team,
    User,
    codec,
    requests_for,
    score,
    score_many,
)
from scorekit.adapters.memory import (
    FixedClock,
    MemoryAdjustments,
    MemoryManualValues,
    MemoryScorecards,
    Record,
    RecordsMetricSource,
)
from scorekit.period import as_utc
from scorekit.service import Actor, Role, Scorekit

HERE = Path(__file__).resolve().parent
MANAGER = Actor("boss", Role.MANAGER)
MONTHLY = Cadence.monthly(Date(2024, 1, 1))
HEAP_PER_CARD_0_2 = 3_259
"""Bytes a card of the dashboard's heap peak in the 0.2 run of 2026-12-04: issue 26's ceiling."""


def parameters(*, manual: bool = False) -> list[Parameter]:
    """Five parameters with every rule in play: plain, capped, gated, lower is better, later start."""
    last = Metric.custom("demos", "demos") if manual else Metric("meetings", "meetings")
    return [
        Parameter(Metric("deals_won", "deals"), 10, 30),
        Parameter(Metric("calls_made", "calls"), 200, 20, cap="1.5"),
        Parameter(Metric("revenue", "PLN"), 100_000, 20, threshold="0.5"),
        Parameter(Metric("deals_lost", "deals"), 5, 15, direction=Direction.LOWER_IS_BETTER),
        Parameter(last, 8, 15, counts_from=Date(2024, 1, 10), prorate=True),
    ]


def _same(floor_value: object, ours: object, what: str) -> None:
    """A floor must compute what scorekit computes, or the ratio means nothing."""
    if floor_value != ours:
        msg = f"the baseline disagrees with scorekit on {what}: {floor_value!r} != {ours!r}"
        raise RuntimeError(msg)


def timed(fn, *args) -> float:
    """The CPU time `fn(*args)` takes in this process (steadier than wall time on a shared machine)."""
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def wall_timed(fn, *args) -> float:
    """The wall time `fn(*args)` takes: for work done in other processes (Spark, a database server)."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def paired(baseline, subject, repeats: int, clock=timed) -> dict[str, float]:
    """Alternate baseline and subject `repeats` times; medians of the times and of the per-pair ratios."""
    base_times, subject_times, ratios = [], [], []
    for _ in range(repeats):
        gc.collect()
        b = clock(baseline)
        s = clock(subject)
        base_times.append(b)
        subject_times.append(s)
        ratios.append(s / b)
    return {
        "baseline_s": statistics.median(base_times),
        "subject_s": statistics.median(subject_times),
        "ratio": statistics.median(ratios),
    }


# -- 1. score() of one card vs the hand-written floors ------------------------------------


def mixed_card() -> tuple[Scorecard, dict[str, Decimal], pendulum.DateTime]:
    """Issue 26's mixed-rule card: Europe/Warsaw across the spring DST change, as of just after local midnight.

    A threshold and a cap on one parameter, lower is better with a cap of its own and
    with the implicit cap of 1, a prorated parameter starting later, and a plain one.
    At 23:30 UTC on 20 March it is already 21 March in Warsaw.
    """
    card = Scorecard(
        "mixed",
        User("ann"),
        MONTHLY,
        MONTHLY.period(2),  # March 2024: Warsaw moves its clocks on the 31st
        [
            Parameter(Metric("revenue", "PLN"), 100_000, 25, threshold="0.6", cap="1.2"),
            Parameter(Metric("deals_lost", "deals"), 8, 15, direction=Direction.LOWER_IS_BETTER, cap="1.3"),
            Parameter(Metric("complaints", "complaints"), 4, 15, direction=Direction.LOWER_IS_BETTER),
            Parameter(Metric("calls_made", "calls"), 300, 25, counts_from=Date(2024, 3, 11), prorate=True),
            Parameter(Metric("deals_won", "deals"), 12, 20),
        ],
        timezone="Europe/Warsaw",
    )
    actuals = {
        "revenue": Decimal("70412.35"),
        "deals_lost": Decimal(3),
        "complaints": Decimal(5),
        "calls_made": Decimal(97),
        "deals_won": Decimal(8),
    }
    return card, actuals, pendulum.datetime(2024, 3, 20, 23, 30, tz="UTC")


def _floor02_of(card: Scorecard, actuals: dict[str, Decimal], as_of) -> tuple[object, ...]:
    total, projected, status, rows = floors.floor02(floors.card_as_rules(card), actuals, as_utc(as_of))
    return (total, projected, status, [tuple(row) for row in rows])


def _score_of(card: Scorecard, actuals: dict[str, Decimal], as_of) -> tuple[object, ...]:
    s = score(card, actuals, as_of=as_of)
    rows = [(p.achievement, p.effective, p.contribution, p.expected, p.projected, p.status.value) for p in s.parameters]
    return (s.total, s.projected, s.status.value, rows)


_ZONES = ("Europe/Warsaw", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")
_TARGETS = ("7", "12.5", "3", "200", "100000", "0.75", "45")


def _adversarial_parameters(rng: random.Random, period) -> list[Parameter]:
    """3 to 6 parameters, each one of the rules `floors.floor02` covers, weights summing to 100."""
    n = rng.randint(3, 6)
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    out = []
    for i, weight in enumerate(weights):
        kind = rng.choice(("plain", "cap", "threshold", "both", "lower", "lower_cap", "lower_zero", "later"))
        target = Decimal(rng.choice(_TARGETS))
        rules: dict[str, object] = {}
        if kind in {"cap", "both"}:
            rules["cap"] = rng.choice(("1.2", "1.5", "2"))
        if kind in {"threshold", "both"}:
            rules["threshold"] = rng.choice(("0.5", "0.8", "1"))
        if kind.startswith("lower"):
            rules["direction"] = Direction.LOWER_IS_BETTER
            if kind == "lower_cap":
                rules["cap"] = rng.choice(("1.3", "1.8"))
            if kind == "lower_zero":
                target = Decimal(0)
        if kind == "later" or rng.random() < 0.15:
            rules["counts_from"] = period.start.add(days=rng.randrange(1, period.days))
            rules["prorate"] = rng.random() < 0.7
        out.append(Parameter(Metric(f"m{i}", "units"), target, weight, **rules))
    return out


def _on_a_bound(rng: random.Random, card: Scorecard, parameter: Parameter, as_of) -> Decimal | None:
    """An actual that puts the exact achievement (now or at pace) exactly on one of the parameter's bounds, if one is a decimal."""
    (window,) = [w for w in card.windows if w.key == parameter.key]
    bounds = [Fraction(1), *(Fraction(b) for b in (window.cap, parameter.threshold) if b is not None)]
    if parameter.target == 0:
        return Decimal(0)
    exact_target = Fraction(window.rule.exact_target)
    today = as_utc(as_of).astimezone(zoneinfo.ZoneInfo(card.timezone)).toordinal()
    elapsed = min(today - window.start_ordinal + 1, window.days)
    paces = [Fraction(1)] + ([Fraction(elapsed, window.days)] if 0 < elapsed < window.days else [])
    choices = [(bound, pace) for bound in bounds for pace in paces]
    rng.shuffle(choices)
    for bound, pace in choices:  # on the bound now, or at pace; the first a decimal can hit exactly
        value = (
            (bound if window.higher else 2 - bound) * exact_target * pace
        )  # lower is better: a / t = 2 - achievement
        den = value.denominator
        for prime in (2, 5):
            while den % prime == 0:
                den //= prime
        if den == 1 and value >= 0:
            break
    else:
        return None  # no decimal puts it exactly on a bound
    return floors.WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))


def adversarial(n_cards: int, seed: int = 26) -> dict[str, object]:
    """`floors.floor02` against `score()` on `n_cards` random cards, a quarter of the actuals exactly on a bound."""
    rng = random.Random(seed)
    same = on_bound = actuals_count = 0
    for i in range(n_cards):
        period = MONTHLY.period(rng.randrange(0, 24))
        card = Scorecard(
            f"a{i}", User("ann"), MONTHLY, period, _adversarial_parameters(rng, period), timezone=rng.choice(_ZONES)
        )
        start, _ = period.instants("UTC")
        as_of = start.add(days=rng.randrange(-3, period.days + 4), hours=rng.randrange(24), minutes=rng.choice((0, 30)))
        actuals = {}
        for p in card.active_parameters:
            value = _on_a_bound(rng, card, p, as_of) if rng.random() < 0.3 else None  # a quarter land on one
            on_bound += value is not None
            actuals[p.key] = (
                value if value is not None else Decimal(rng.randint(0, 400_000)).scaleb(-rng.choice((0, 2)))
            )
            actuals_count += 1
        ours, floor = _score_of(card, actuals, as_of), _floor02_of(card, actuals, as_of)
        if repr(ours) != repr(floor):
            msg = f"floors.floor02 disagrees with score() on card {i}: {floor!r} != {ours!r}"
            raise RuntimeError(msg)
        same += 1
    return {"cards": n_cards, "identical": same, "actuals": actuals_count, "on_a_bound": on_bound}


def _per_card_pair(card, actuals, as_of, loops: int, repeats: int, *, floor, plain) -> dict[str, float]:
    utc = as_utc(as_of)

    def floor_loop():
        for _ in range(loops):
            floor(plain, actuals, utc)

    def score_loop():
        for _ in range(loops):
            score(card, actuals, as_of=as_of)

    result = paired(floor_loop, score_loop, repeats)
    return {
        **result,
        "per_card_us": result["subject_s"] / loops * 1e6,
        "floor_per_card_us": result["baseline_s"] / loops * 1e6,
    }


def bench_card(card_id: str = "c") -> tuple[Scorecard, dict[str, Decimal], pendulum.DateTime]:
    """Figure 1's bench card, its actuals and instant."""
    card = Scorecard(card_id, User("ann"), MONTHLY, MONTHLY.period(3), parameters(), timezone="Europe/Warsaw")
    actuals = {
        "deals_won": Decimal(6),
        "calls_made": Decimal(180),
        "revenue": Decimal("61250.50"),
        "deals_lost": Decimal(3),
        "meetings": Decimal(4),
    }
    return card, actuals, pendulum.datetime(2024, 4, 17, 15, tz="UTC")


def bench_score(loops: int, repeats: int, adversarial_cards: int) -> dict[str, object]:
    card, actuals, as_of = bench_card()
    plain = floors.card_as_dicts(card)
    utc = as_utc(as_of)
    # the floor must compute the same outputs, or the comparison means nothing
    total, rows = floors.score_floor(plain, actuals, utc)
    ours = score(card, actuals, as_of=as_of)
    _same(total, ours.total, "score total")
    for row, item in zip(rows, ours.parameters, strict=True):
        got = {
            "achievement": item.achievement,
            "effective": item.effective,
            "contribution": item.contribution,
            "expected": item.expected,
            "status": item.status.value,
        }
        _same(row, got, f"score of {item.key}")
    # the fair 0.2 floor: checked digit for digit on both cards and on adversarial ones
    mixed, mixed_actuals, mixed_as_of = mixed_card()
    for subject in ((card, actuals, as_of), (mixed, mixed_actuals, mixed_as_of)):
        _same(repr(_floor02_of(*subject)), repr(_score_of(*subject)), f"floor02 of card {subject[0].id!r}")
    checked = adversarial(adversarial_cards)

    result = _per_card_pair(card, actuals, as_of, loops, repeats, floor=floors.score_floor, plain=plain)
    fair = _per_card_pair(card, actuals, as_of, loops, repeats, floor=floors.floor02, plain=floors.card_as_rules(card))
    mixed_result = _per_card_pair(
        mixed, mixed_actuals, mixed_as_of, loops, repeats, floor=floors.floor02, plain=floors.card_as_rules(mixed)
    )
    return {
        **result,
        "floor02": fair,
        "mixed": mixed_result,
        "adversarial": checked,
        # issue 9 asks for <= 2.0, issue 14 for <= 1.25 (against 0.1's floor); issue 26 <= 1.5 against floor02
        "targets": {"ratio": 2.0, "ratio_fast": 1.25, "floor02": 1.5, "mixed": 1.5},
        "met": {
            "ratio": result["ratio"] <= 2.0,
            "ratio_fast": result["ratio"] <= 1.25,
            "floor02": fair["ratio"] <= 1.5,
            "mixed": mixed_result["ratio"] <= 1.5,
        },
    }


# -- 2. the dashboard ------------------------------------------------------------------------

SEASONS = Phasing({1: "0.8", 2: "0.9", 3: "1.1", 6: "1.2", 7: "0.7", 8: "0.7", 11: "1.2", 12: "1.4"})
"""The 0.3 world's phasing: a year with a slow summer and a strong end, on every card."""


def planned(rep: list[Parameter], period) -> list[Parameter]:
    """`parameters()` with 0.3's target steps in `period`: more revenue from the 11th, more deals and fewer lost from the 15th."""
    mid = period.start.add(days=14)
    raised = {
        "deals_won": (mid, Decimal("1.2")),
        "revenue": (period.start.add(days=10), Decimal("1.25")),
        "deals_lost": (mid, Decimal("0.8")),
    }
    return [
        p.evolve(steps=(TargetStep(raised[p.key][0], p.target * raised[p.key][1]),)) if p.key in raised else p
        for p in rep
    ]


def new_hire(user: int, period) -> Ramp | None:
    """One user in 4 is on a ramp: half of them hired this month (factor 0.5), half the month before (0.75)."""
    if user % 8 == 1:
        return Ramp(period.start.add(days=2), ("0.5", "0.75"))
    if user % 8 == 5:
        return Ramp(period.start.subtract(months=1).add(days=2), ("0.5", "0.75"))
    return None


def company(
    n_cards: int,
    *,
    teams: int = 20,
    months: int = 20,
    team_cards_per_team: int = 5,
    seed: int = 7,
    dense: bool = False,
    features: bool = False,
):
    """`n_cards` cards over `months` monthly periods: users spread over `teams` teams, and team cards.

    A user has a record of a metric in a month with chance 0.3, a whole number up to
    5,000: many actuals are equal (0 most of all).  `dense`: every user has one to three
    records of every metric, with cents, so nearly every actual is distinct.
    `features`: the same cards and records with 0.3's moving plan (`planned`).
    """
    rng = random.Random(seed)
    per_month = max(1, n_cards // months)
    team_cards = min(teams * team_cards_per_team, per_month // 2)
    users = max(teams, per_month - team_cards)
    members = {t: frozenset(f"u{u}" for u in range(users) if u % teams == t) for t in range(teams)}
    base = parameters(manual=True)
    cards, records = [], []
    for m in range(months):
        period = MONTHLY.period(m)
        rep = planned(base, period) if features else base
        plan = {"phasing": SEASONS} if features else {}
        first = Scorecard(f"u0-m{m}", User("u0"), MONTHLY, period, rep, timezone="Europe/Warsaw", **plan)
        cards.append(first)
        ramped: dict[Ramp, Scorecard] = {}  # a template per ramp: a new hire's card is a copy of it
        for u in range(1, users):
            hire = new_hire(u, period) if features else None
            template = first if hire is None else ramped.get(hire)
            if template is None:
                template = ramped[hire] = first.evolve(ramp=hire)
            cards.append(template.copy_for(User(f"u{u}"), id=f"u{u}-m{m}"))
        for i in range(team_cards):
            t = i % teams
            k = 1 + i // teams  # a bigger team, a bigger plan; its steps scale alike
            targets = [
                p.evolve(target=p.target * k, steps=tuple(TargetStep(s.effective, s.target * k) for s in p.steps))
                for p in rep
            ]
            cards.append(
                Scorecard(
                    f"t{t}-{i}-m{m}",
                    Team(f"team{t}", members[t] or {"u0"}),
                    MONTHLY,
                    period,
                    targets,
                    timezone="Europe/Warsaw",
                    **plan,
                )
            )
        start, _ = period.instants("Europe/Warsaw")
        for u in range(users):
            for metric in ("deals_won", "calls_made", "revenue", "deals_lost"):
                for _ in range(rng.randint(1, 3) if dense else int(rng.random() < 0.3)):
                    at = start.add(days=rng.randrange(period.days), hours=rng.randrange(24))
                    value = Decimal(rng.randint(1, 500_000)).scaleb(-2) if dense else rng.randint(1, 5000)
                    records.append(Record(f"r{len(records)}", metric, f"u{u}", at, value))
    return cards[:n_cards], records, MONTHLY.period(months - 1).start


def _board(n_cards: int, *, dense: bool = False, features: bool = False):
    """A service over `n_cards` cards of one month (users over 20 teams, team cards) and an instant in it.

    `features`: the cards use 0.3's moving plan (`company(features=True)`) and 1 card in
    10 has an adjustment, recorded through the service into a `MemoryAdjustments`.
    """
    cards, records, last_start = company(n_cards, months=1, dense=dense, features=features)
    source = RecordsMetricSource(records)
    repo = MemoryScorecards(cards, change=Change("bench", pendulum.datetime(2024, 1, 1, tz="UTC")))
    svc = Scorekit(
        cards=repo,
        metrics=source,
        manual=MemoryManualValues(),
        adjustments=MemoryAdjustments(cards=repo) if features else None,
        clock=FixedClock(pendulum.datetime(2024, 1, 1, tz="UTC")),
    )
    if features:
        adjust_some(svc, cards)
    as_of = pendulum.datetime(last_start.year, last_start.month, 17, 12, tz="UTC")
    return svc, source, cards, records, as_of


_ADJUSTMENTS = (  # (metric, kind, value, reason), in turn
    ("deals_won", "credit", 2, "two deals booked late"),
    ("calls_made", "relief", 20, "a week of leave"),
    ("revenue", "credit", -250, "a clawback: an invoice cancelled"),
)


def adjust_some(svc: Scorekit, cards: list[Scorecard]) -> int:
    """One adjustment on 1 card in 10 (a late credit, a relief, a clawback in turn), through `svc.adjust`."""
    adjusted = 0
    for i, card in enumerate(cards):
        if i % 10 == 3:
            metric, kind, value, reason = _ADJUSTMENTS[(i // 10) % len(_ADJUSTMENTS)]
            svc.adjust(MANAGER, card.id, metric, kind, value, reason=reason)
            adjusted += 1
    return adjusted


def bench_dashboard(n_cards: int, small: int, score_per_card_s: float, repeats: int) -> dict[str, object]:
    """The default dashboard (the cards of the current period) of `n_cards` cards, and of `small` for the scaling."""
    svc, source, cards, records, as_of = _board(n_cards)
    small_svc, _, small_cards, _, _ = _board(small)
    if len(svc.dashboard(MANAGER, as_of=as_of).scores) != len(cards):
        msg = "the bench company's cards are not all in the current period"
        raise RuntimeError(msg)
    gc.collect()
    rss_before = _rss_bytes()
    times, calls, measure_calls, column_calls = [], [], [], []
    # The small board is repeated so that both sides take a comparable CPU time.  Each size runs
    # in a block of its own: CPython's full collections come when the objects that outlived younger
    # collections add up to a quarter of the heap, so alternating sizes charges each big dashboard
    # for the small ones' survivors too.  In blocks, each size pays for its own, as a host repeating
    # one dashboard does.
    loops = max(1, len(cards) // len(small_cards))
    gc.collect()
    for _ in range(repeats):
        before, measured, asked = source.calls, source.measure_calls, source.column_calls
        times.append(timed(lambda: svc.dashboard(MANAGER, as_of=as_of)))
        calls.append(source.calls - before)
        measure_calls.append(source.measure_calls - measured)
        column_calls.append(source.column_calls - asked)  # the one call goes through aggregate_columns
    gc.collect()
    small_times = [
        timed(lambda: [small_svc.dashboard(MANAGER, as_of=as_of) for _ in range(loops)]) / loops for _ in range(repeats)
    ]
    rss_growth = max(0, _peak_rss_bytes() - rss_before)
    # a diagnostic, not a target: the same dashboard with CPython's cyclic collector paused
    gc.disable()
    try:
        paused = timed(lambda: svc.dashboard(MANAGER, as_of=as_of))
    finally:
        gc.enable()
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    board = svc.dashboard(MANAGER, as_of=as_of)
    heap_peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    seconds = statistics.median(times)
    cards_per_s = len(cards) / seconds
    per_card_us = seconds / len(cards) * 1e6
    small_per_card_us = statistics.median(small_times) / len(small_cards) * 1e6
    growth = per_card_us / small_per_card_us
    vs_score = seconds / (len(cards) * score_per_card_s)
    return {
        "cards": len(cards),
        "records": len(records),
        "groups": len(board.groups),
        "seconds": seconds,
        "cards_per_s": cards_per_s,
        "cards_per_s_collector_paused": len(cards) / paused,
        "crm_calls_per_dashboard": max(calls),
        "column_calls_per_dashboard": max(column_calls),
        "measure_calls_per_dashboard": max(measure_calls),
        "per_card_us": per_card_us,
        "small_cards": len(small_cards),
        "small_per_card_us": small_per_card_us,
        "per_card_growth": growth,
        "peak_rss_growth_mib": rss_growth / 2**20,
        "python_heap_peak_mib": heap_peak / 2**20,
        "heap_peak_bytes_per_card": heap_peak / len(cards),
        "vs_score_times_cards": vs_score,
        "targets": {
            "cards_per_s": 50_000,
            "crm_calls": 1,
            "per_card_growth": 1.3,
            "peak_rss_growth_mib": 1024,
            "heap_peak_bytes_per_card": HEAP_PER_CARD_0_2,
        },
        "met": {
            "cards_per_s": cards_per_s >= 50_000,
            "crm_calls": max(calls) == 1 and min(column_calls) == 1,
            "per_card_growth": growth <= 1.3,
            "peak_rss_growth": rss_growth <= 2**30,
            "heap_peak_bytes_per_card": heap_peak / len(cards) <= HEAP_PER_CARD_0_2,
        },
    }


def bench_dense(n_cards: int, repeats: int, bench_cards_per_s: float) -> dict[str, object]:
    """Figure 2's dashboard on a dense world: the same cards, every actual distinct (cents on every record).

    A dashboard that shares work between cards with equal actuals (issue 26's memo) saves
    nothing here; reported beside figure 2.
    """
    svc, source, cards, records, as_of = _board(n_cards, dense=True)
    board = svc.dashboard(MANAGER, as_of=as_of)
    distinct = len({repr(s.total) for s in board.scores})
    gc.collect()
    times = []
    for _ in range(repeats):
        before = source.calls
        times.append(timed(lambda: svc.dashboard(MANAGER, as_of=as_of)))
        if source.calls - before != 1:
            msg = "the dense dashboard asked the CRM more than once"
            raise RuntimeError(msg)
    seconds = statistics.median(times)
    return {
        "cards": len(cards),
        "records": len(records),
        "distinct_totals": distinct,
        "seconds": seconds,
        "cards_per_s": len(cards) / seconds,
        "vs_bench_world": (len(cards) / seconds) / bench_cards_per_s,
        "target": "reported (issue 26: beside figure 2's 50,000/s)",
    }


def _outcome(s) -> tuple[object, ...]:
    """What a score says, compared by repr: total, projected, status, and each parameter's numbers (no evidence)."""
    rows = [
        (p.key, p.actual, p.target, p.achievement, p.effective, p.contribution, p.expected, p.projected, p.status.value)
        for p in s.parameters
    ]
    return (s.total, s.projected, s.status.value, rows)


def same_as_score(svc: Scorekit, source, cards: list[Scorecard], as_of, sample: int) -> dict[str, int]:
    """The dashboard against `score()` per card, with the card's adjustments, on `sample` cards.

    Half the sample among the cards with an adjustment, half among the rest.  Each
    card's actuals come from the source's `measure` (not the dashboard's `aggregate`);
    a manual metric with no entry is 0, as the service has it.
    """
    by_id = {s.card.id: s for s in svc.dashboard(MANAGER, as_of=as_of).scores}
    store = svc.adjustment_store
    adjusted = {a.card_id for a in store.for_cards([c.id for c in cards])} if store is not None else set()
    rng = random.Random(26)
    with_one = [c for c in cards if c.id in adjusted]
    others = [c for c in cards if c.id not in adjusted]
    chosen = rng.sample(with_one, min(sample // 2, len(with_one)))
    chosen += rng.sample(others, min(sample - len(chosen), len(others)))
    for card in chosen:
        measured = source.measure(requests_for(card, as_of))
        values = {request.metric: m.value for request, m in measured.items()}
        values.update(dict.fromkeys(card.manual_keys, Decimal(0)))
        own = store.for_cards([card.id]) if store is not None else ()
        expected = score(card, values, as_of=as_of, adjustments=own)
        if repr(_outcome(expected)) != repr(_outcome(by_id[card.id])):
            msg = f"the dashboard disagrees with score() on card {card.id!r}: {_outcome(by_id[card.id])!r} != {_outcome(expected)!r}"
            raise RuntimeError(msg)
    return {
        "cards": len(chosen),
        "identical": len(chosen),
        "with_an_adjustment": sum(c.id in adjusted for c in chosen),
        "on_a_ramp": sum(c.ramp_factor < 1 for c in chosen),
        "team_cards": sum(isinstance(c.owner, Team) for c in chosen),
    }


def bench_plan_features(n_cards: int, repeats: int, sample: int) -> dict[str, object]:
    """Figure 2's dashboard on cards with 0.3's steps, ramps, phasing and adjustments vs the plain cards.

    The same company, records and size; every card has a phasing and target steps on
    3 of its 5 parameters, one user in 4 is on a ramp, 1 card in 10 has an adjustment.
    The two dashboards alternate, `repeats` pairs; the per-card CPU time's ratio is the
    median of the pairs'.  The 0.3 world's dashboard is checked against `score()` per card.
    """
    plain_svc, _, plain_cards, _, as_of = _board(n_cards)
    svc, source, cards, records, plan_as_of = _board(n_cards, features=True)
    _same(as_of, plan_as_of, "the instant of both worlds")
    for board, world in ((plain_svc, plain_cards), (svc, cards)):
        if len(board.dashboard(MANAGER, as_of=as_of).scores) != len(world):
            msg = "the bench company's cards are not all in the current period"
            raise RuntimeError(msg)
    checked = same_as_score(svc, source, cards, as_of, sample)
    adjustments = svc.adjustment_store.for_cards([c.id for c in cards])
    before = source.calls
    gc.collect()
    result = paired(
        lambda: plain_svc.dashboard(MANAGER, as_of=as_of), lambda: svc.dashboard(MANAGER, as_of=as_of), repeats
    )
    crm_calls = (source.calls - before) / repeats
    return {
        "cards": len(cards),
        "records": len(records),
        "with_steps_and_phasing": sum(c.phasing is not None and any(p.steps for p in c.parameters) for c in cards),
        "on_a_ramp": sum(c.ramp_factor < 1 for c in cards),
        "adjustments": len(adjustments),
        "with_an_adjustment": len({a.card_id for a in adjustments}),
        "checked": checked,
        "crm_calls_per_dashboard": crm_calls,
        **result,
        "plain_per_card_us": result["baseline_s"] / len(cards) * 1e6,
        "per_card_us": result["subject_s"] / len(cards) * 1e6,
        "target_ratio": 1.2,
        "met": result["ratio"] <= 1.2,
    }


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:  # noqa: PTH123 - Linux only; see _peak_rss_bytes
        return int(statm.read().split()[1]) * resource.getpagesize()


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- 3. period_containing vs plain date arithmetic ----------------------------------------------


def bench_periods(n_dates: int, repeats: int) -> dict[str, object]:
    rng = random.Random(3)
    days = [
        Date.fromordinal(rng.randint(Date(1990, 1, 1).toordinal(), Date(2090, 1, 1).toordinal()))
        for _ in range(n_dates)
    ]
    out = {}
    for name, cadence, floor in (
        ("monthly from the 1st", Cadence.monthly(Date(2024, 1, 1)), floors.month_containing),
        ("monthly from the 31st", Cadence.monthly(Date(2024, 1, 31)), lambda d: floors.month_end_containing(d, 31)),
    ):
        for day in days[:200]:  # same answers first
            period = cadence.period_containing(day)
            _same((period.start, period.end), floor(day), f"period of {day}")
        out[name] = paired(
            lambda f=floor: [f(d) for d in days], lambda c=cadence: [c.period_containing(d) for d in days], repeats
        )
    main = out["monthly from the 1st"]
    return {"dates": n_dates, "cases": out, "ratio": main["ratio"], "target_ratio": 3.0, "met": main["ratio"] <= 3.0}


# -- 4. codec.loads vs json.loads ---------------------------------------------------------------


def bench_codec(n_docs: int, repeats: int) -> dict[str, object]:
    cards, _records, _ = company(n_docs, months=1)
    texts = [codec.dumps(card) for card in cards]
    _same(codec.loads(texts[0], Scorecard), cards[0], "a decoded card")
    result = paired(lambda: [json.loads(t) for t in texts], lambda: [codec.loads(t, Scorecard) for t in texts], repeats)
    return {
        "documents": len(texts),
        **result,
        "per_document_us": result["subject_s"] / len(texts) * 1e6,
        "target_ratio": 3.0,
        "met": result["ratio"] <= 3.0,
    }


# -- 5. requests_for and deduplication -----------------------------------------------------------


def bench_requests(n_cards: int, repeats: int) -> dict[str, object]:
    """Team cards that share teams and periods: how many requests are really distinct."""
    teams = [Team(f"team{t}", [f"u{t}-{i}" for i in range(25)]) for t in range(20)]
    template = parameters()
    cards = []
    for i in range(n_cards):
        k = i % 12
        targets = [p.evolve(target=p.target + i % 7) for p in template]
        cards.append(Scorecard(f"c{i}", teams[i % 20], MONTHLY, MONTHLY.period(k), targets, timezone="Europe/Warsaw"))
    as_of = pendulum.datetime(2024, 12, 20, tz="UTC")
    all_requests = [r for card in cards for r in requests_for(card, as_of)]
    distinct = len(set(all_requests))
    times = [timed(lambda: [requests_for(card, as_of) for card in cards]) for _ in range(repeats)]
    seconds = statistics.median(times)
    return {
        "cards": n_cards,
        "requests": len(all_requests),
        "distinct_requests": distinct,
        "seconds": seconds,
        "per_card_us": seconds / n_cards * 1e6,
    }


# -- 9. score_many vs a loop of score() ------------------------------------------------------------


def bench_score_many(n_cards: int, repeats: int) -> dict[str, object]:
    """`score_many` over the dashboard's cards (20 months: over, current, not started) vs `score()` per card.

    The baseline keeps every `CardScore` (as a dashboard does).  Two subjects: the
    batch's columns only (totals and statuses, no `CardScore` built), and the batch
    with every `CardScore` built; the run checks that every card is identical.
    """
    cards, _records, last_start = company(n_cards)
    rng = random.Random(11)
    measurements = [{p.key: Decimal(rng.randint(0, 60)) for p in card.active_parameters} for card in cards]
    as_of = pendulum.datetime(last_start.year, last_start.month, 17, 12, tz="UTC")
    pairs = list(zip(cards, measurements, strict=True))
    loop = [score(card, given, as_of=as_of) for card, given in pairs]
    batch = score_many(cards, measurements, as_of=as_of)
    if [(repr(s.total), repr(s.projected), s.status) for s in loop] != list(
        zip(map(repr, batch.totals), map(repr, batch.projected), batch.statuses, strict=True)
    ):
        msg = "score_many's columns differ from score() per card"
        raise RuntimeError(msg)
    identical = sum(a == b and repr(a.parameters) == repr(b.parameters) for a, b in zip(loop, batch, strict=True))
    if identical != len(cards):
        msg = f"score_many differs from score() on {len(cards) - identical} of {len(cards)} cards"
        raise RuntimeError(msg)
    del loop, batch

    def per_card() -> list[object]:  # keeps every score, as a dashboard does
        return [score(card, given, as_of=as_of) for card, given in pairs]

    columns = paired(per_card, lambda: score_many(cards, measurements, as_of=as_of).statuses, repeats)
    built = paired(per_card, lambda: list(score_many(cards, measurements, as_of=as_of)), repeats)
    return {
        "cards": n_cards,
        "identical": identical,
        "loop_s": columns["baseline_s"],
        "columns_s": columns["subject_s"],
        "built_s": built["subject_s"],
        # speed-ups: how many times faster the batch is than the loop (median of per-pair ratios)
        "speedup_columns": 1 / columns["ratio"],
        "speedup_built": 1 / built["ratio"],
        "met": 1 / columns["ratio"] >= 2.0,
    }


# -- 8. Spark (mapInPandas on local[2]) vs one process over the same rows -----------------------


def spark_rows(n_rows: int) -> list[tuple[str, str, str]]:
    """(card, measurements, as_of) rows: `company`'s cards, each with a value for every metric."""
    from scorekit.spark import dumps_measurements

    rng = random.Random(11)
    cards, _records, last_start = company(n_rows)
    as_of = pendulum.datetime(last_start.year, last_start.month, 17, 12, tz="UTC").isoformat()
    rows = []
    for card in cards:
        values = {p.key: str(Decimal(rng.randint(0, 40_000)) / 100) for p in card.parameters}
        rows.append((codec.dumps(card), dumps_measurements(values), as_of))
    return rows


def _spark_session():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("scorekit-bench")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def bench_spark(n_rows: int, repeats: int) -> dict[str, object]:
    """The same rows scored by `mapInPandas` on a local Spark with 2 cores, and by a loop in this process."""
    import warnings

    with warnings.catch_warnings():  # pyspark 4 warns that it does not fully support pandas 3
        warnings.simplefilter("ignore", FutureWarning)
        try:
            from scorekit import spark as sks
        except ImportError as error:
            return {"skipped": str(error)}
        rows = spark_rows(n_rows)
        try:
            session = _spark_session()
        except Exception as error:  # noqa: BLE001 - no Java: the figure is skipped, saying why
            return {"skipped": f"a local Spark does not start ({type(error).__name__}: {error})"}
        try:
            return _spark_vs_one_process(session, sks, rows, repeats)
        finally:
            session.stop()


def _spark_vs_one_process(session, sks, rows, repeats: int) -> dict[str, object]:
    data = session.createDataFrame(rows, "card STRING, measurements STRING, as_of STRING").repartition(2).cache()
    data.count()
    scored = sks.score_dataframe(data)
    by_id = {row.card_id: (row.total, row.status) for row in scored.collect()}  # also warms the workers

    def in_spark():
        scored.write.format("noop").mode("overwrite").save()

    def one_process():
        return [
            score(codec.loads(card, Scorecard), sks.loads_measurements(values), as_of=_dt.datetime.fromisoformat(as_of))
            for card, values, as_of in rows
        ]

    same = sum(by_id.get(r.card.id) == (str(r.total), r.status.value) for r in one_process())
    if same != len(rows):
        msg = f"Spark and one process disagree on {len(rows) - same} of {len(rows)} rows"
        raise RuntimeError(msg)
    load_before = os.getloadavg()[0]
    result = paired(one_process, in_spark, repeats, clock=wall_timed)
    return {
        "rows": len(rows),
        "identical_rows": same,
        "executor": "local[2]",
        **result,
        "speedup": result["baseline_s"] / result["subject_s"],
        "one_process_rows_per_s": len(rows) / result["baseline_s"],
        "spark_rows_per_s": len(rows) / result["subject_s"],
        # wall times: on a shared machine, other processes take the cores Spark would use
        "load_average_1m": [load_before, os.getloadavg()[0]],
        "target": "reported",
    }


# -- the run -----------------------------------------------------------------------------------


def run(*, quick: bool, repeats: int) -> dict[str, object]:
    sizes = (
        {
            "score_loops": 200,
            "adversarial": 400,
            "dashboard": 400,
            "dashboard_small": 100,
            "dates": 2_000,
            "docs": 200,
            "requests": 1_000,
            "spark_rows": 0,
            "score_many": 400,
            "plan_dashboard": 400,
        }
        if quick
        else {
            "score_loops": 5_000,
            "adversarial": 10_000,
            "dashboard": 100_000,
            "dashboard_small": 2_000,
            "dates": 1_000_000,
            "docs": 10_000,
            "requests": 100_000,
            "spark_rows": 40_000,
            "score_many": 100_000,
            "plan_dashboard": 20_000,  # two worlds of 100,000 would add two minutes and a gigabyte
        }
    )
    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.machine(),
        },
        "quick": quick,
        "repeats": repeats,
    }
    results["score"] = bench_score(sizes["score_loops"], max(repeats, 5), sizes["adversarial"])
    results["dashboard"] = bench_dashboard(
        sizes["dashboard"], sizes["dashboard_small"], results["score"]["per_card_us"] / 1e6, max(3, repeats // 2)
    )
    results["dense_dashboard"] = bench_dense(
        sizes["dashboard"], max(3, repeats // 2), results["dashboard"]["cards_per_s"]
    )
    results["plan_dashboard"] = bench_plan_features(sizes["plan_dashboard"], repeats, 200)
    results["period_containing"] = bench_periods(sizes["dates"], repeats)
    results["codec_loads"] = bench_codec(sizes["docs"], repeats)
    results["requests_for"] = bench_requests(sizes["requests"], max(1, repeats // 2))
    results["score_many"] = bench_score_many(sizes["score_many"], max(1, repeats // 2))
    # 6, 7: the SQL adapters (bench/storage.py); 6 is reported as skipped without a PostgreSQL server
    results["postgres_dashboard"] = storage.bench_postgres_dashboard(
        sizes["dashboard"], max(1, repeats // 2), company, MANAGER, wall_timed
    )
    results["sqlite_dashboard"] = storage.bench_sqlite_dashboard(
        sizes["dashboard"], max(1, repeats // 2), company, MANAGER, timed
    )
    results["sqlite_rollover"] = storage.bench_sqlite_rollover(
        40 if quick else 400, max(1, repeats // 2), lambda n: company(n, months=1)[0], MANAGER, timed
    )
    results["spark"] = (
        bench_spark(sizes["spark_rows"], max(1, min(repeats, 3)))
        if sizes["spark_rows"]
        else {"skipped": "--quick: starting a JVM is no smoke test"}
    )
    return results


def plan_rows(p: dict[str, object]) -> list[tuple[str, ...]]:
    """Figure 2 on cards with 0.3's plan features, against the plain cards; and its check against `score()`."""
    checked = p["checked"]
    return [
        (
            "2 ... cards with 0.3's steps, ramps, phasing, adjustments",
            f"{p['cards']:,} cards, {p['per_card_us']:.1f} us/card",
            f"plain cards {p['plain_per_card_us']:.1f} us/card",
            f"{p['ratio']:.2f}x",
            "<= 1.2x",
            _yes(p["met"]),
        ),
        (
            "2 ... those cards' dashboard == score() per card",
            f"{checked['identical']:,} of {checked['cards']:,} identical",
            f"{checked['with_an_adjustment']} with an adjustment, {checked['on_a_ramp']} on a ramp",
            "",
            "all identical",
            _yes(checked["identical"] == checked["cards"] > 0),
        ),
    ]


def storage_rows(results: dict[str, object]) -> list[tuple[str, ...]]:
    pg, roll = results["postgres_dashboard"], results["sqlite_rollover"]
    if "skipped" in pg:
        rows = [("6 dashboard on PostgreSQL", "skipped", "", "", "", "")]
    else:
        rows = [
            (
                "6 dashboard on PostgreSQL cards/s",
                f"{pg['cards']:,} cards, {pg['cards_per_s']:,.0f}/s",
                f"memory {pg['memory_cards_per_s']:,.0f}/s",
                f"{pg['ratio_to_memory']:.2f}x",
                "report",
                "",
            ),
            ("6 ... the first one (decodes every card)", f"{pg['cold_cards_per_s']:,.0f}/s", "", "", "report", ""),
            ("6 ... statements per dashboard", str(pg["statements_per_dashboard"]), "", "", "report", ""),
        ]
    sq = results["sqlite_dashboard"]
    rows += [
        (
            "10 dashboard on SQLite, current period",
            f"{sq['cards']:,} cards in {sq['seconds']:.2f} s",
            f"memory {sq['memory_seconds']:.2f} s",
            f"{sq['ratio_to_memory']:.2f}x",
            "< 3 s at 100,000",
            _yes(sq["met"]),
        ),
        ("10 ... the first one (decodes every card)", f"{sq['cold_seconds']:.2f} s", "", "", "report", ""),
    ]
    rows.append(
        (
            f"7 SQLite roll_over, {roll['created']} cards",
            f"{roll['ms_per_card']:.2f} ms/card",
            f"memory {roll['memory_ms_per_card']:.2f} ms/card",
            "",
            "report",
            "",
        )
    )
    return rows


def figures(results: dict[str, object]) -> list[tuple[str, ...]]:
    """The table's rows: a header, then each figure with its baseline, ratio, target and whether it is met."""
    s, d, p, c, r, sp = (
        results[key] for key in ("score", "dashboard", "period_containing", "codec_loads", "requests_for", "spark")
    )
    rows = [
        ("what", "measured", "baseline", "ratio / figure", "target", "met"),
        (
            "1 score(), 5 parameters",
            f"{s['per_card_us']:.1f} us",
            f"floor {s['floor_per_card_us']:.1f} us",
            f"{s['ratio']:.2f}x",
            "<= 2.0x (<= 1.25x)",
            f"{_yes(s['met']['ratio'])} ({_yes(s['met']['ratio_fast'])})",
        ),
        (
            "1 score() vs floor02 (fair 0.2 floor), bench card",
            f"{s['floor02']['per_card_us']:.1f} us",
            f"floor02 {s['floor02']['floor_per_card_us']:.1f} us",
            f"{s['floor02']['ratio']:.2f}x",
            "<= 1.5x",
            _yes(s["met"]["floor02"]),
        ),
        (
            "1 score() vs floor02, mixed-rule card (Warsaw, DST)",
            f"{s['mixed']['per_card_us']:.1f} us",
            f"floor02 {s['mixed']['floor_per_card_us']:.1f} us",
            f"{s['mixed']['ratio']:.2f}x",
            "<= 1.5x",
            _yes(s["met"]["mixed"]),
        ),
        (
            "1 floor02 == score(), adversarial cards",
            f"{s['adversarial']['identical']:,} of {s['adversarial']['cards']:,} identical",
            f"{s['adversarial']['on_a_bound']:,} of {s['adversarial']['actuals']:,} actuals on a bound",
            "",
            "all identical",
            _yes(s["adversarial"]["identical"] == s["adversarial"]["cards"]),
        ),
        (
            "2 dashboard (current period) cards/s",
            f"{d['cards']:,} cards in {d['seconds']:.2f} s",
            "",
            f"{d['cards_per_s']:,.0f}/s",
            ">= 50,000/s",
            _yes(d["met"]["cards_per_s"]),
        ),
        ("2 ... with the GC paused (diagnostic)", "", "", f"{d['cards_per_s_collector_paused']:,.0f}/s", "", ""),
        (
            "2 ... dense world (every actual distinct)",
            f"{results['dense_dashboard']['cards']:,} cards in {results['dense_dashboard']['seconds']:.2f} s",
            f"{results['dense_dashboard']['distinct_totals']:,} distinct totals",
            f"{results['dense_dashboard']['cards_per_s']:,.0f}/s ({results['dense_dashboard']['vs_bench_world']:.2f}x)",
            "report",
            "",
        ),
        *plan_rows(results["plan_dashboard"]),
        (
            f"2 cost per card at {d['cards']:,} vs {d['small_cards']:,}",
            f"{d['per_card_us']:.1f} us",
            f"{d['small_per_card_us']:.1f} us",
            f"{d['per_card_growth']:.2f}x",
            "<= 1.3x",
            _yes(d["met"]["per_card_growth"]),
        ),
        ("2 dashboard vs score() x cards", "", "", f"{d['vs_score_times_cards']:.2f}x", "report", ""),
        (
            "2 CRM calls",
            f"{d['crm_calls_per_dashboard']}: aggregate_columns {d['column_calls_per_dashboard']}, measure {d['measure_calls_per_dashboard']}",
            "",
            "",
            "1, by columns",
            _yes(d["met"]["crm_calls"]),
        ),
        (
            "2 peak memory",
            f"RSS growth {d['peak_rss_growth_mib']:.0f} MiB",
            f"heap peak {d['python_heap_peak_mib']:.0f} MiB",
            f"{d['heap_peak_bytes_per_card']:,.0f} B/card",
            "<= 1024 MiB",
            _yes(d["met"]["peak_rss_growth"]),
        ),
        (
            "2 heap peak per card",
            f"{d['heap_peak_bytes_per_card']:,.0f} B/card",
            "",
            "",
            f"<= {HEAP_PER_CARD_0_2:,} B/card",
            _yes(d["met"]["heap_peak_bytes_per_card"]),
        ),
        *(
            (
                f"3 period_containing, {name}",
                f"{v['subject_s']:.2f} s",
                f"dates {v['baseline_s']:.2f} s",
                f"{v['ratio']:.2f}x",
                "<= 3.0x" if name == "monthly from the 1st" else "",
                _yes(v["ratio"] <= 3.0) if name == "monthly from the 1st" else "",
            )
            for name, v in p["cases"].items()
        ),
        (
            "4 codec.loads",
            f"{c['per_document_us']:.0f} us/doc",
            f"json.loads {c['baseline_s']:.2f} s",
            f"{c['ratio']:.1f}x",
            "<= 3.0x",
            _yes(c["met"]),
        ),
        (
            "5 requests_for",
            f"{r['per_card_us']:.1f} us/card",
            "",
            f"{r['requests']:,} -> {r['distinct_requests']:,} distinct",
            "report",
            "",
        ),
    ]
    rows += storage_rows(results)
    rows.append(
        ("8 Spark local[2] vs one process", "skipped", "", sp["skipped"][:60], "report", "")
        if "skipped" in sp
        else (
            "8 Spark local[2] vs one process",
            f"{sp['rows']:,} rows in {sp['subject_s']:.2f} s",
            f"loop {sp['baseline_s']:.2f} s",
            f"speedup {sp['speedup']:.2f}x ({sp['identical_rows']:,} identical)",
            "report",
            "",
        )
    )
    m = results["score_many"]
    rows.append(
        (
            "9 score_many vs score() per card",
            f"{m['cards']:,} cards, {m['identical']:,} identical",
            f"loop {m['loop_s']:.2f} s",
            f"{m['speedup_columns']:.2f}x faster (all CardScores built: {m['speedup_built']:.2f}x)",
            ">= 2.0x",
            _yes(m["met"]),
        )
    )
    return rows


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def _yes(flag: object) -> str:
    return "yes" if flag else "NO"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--repeats", type=int, default=5, help="alternating repeats per figure (default: %(default)s)")
    parser.add_argument(
        "--out", default=str(HERE / "results.json"), help="where to write the results (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    results = run(quick=args.quick, repeats=args.repeats)
    rows = figures(results)
    # every figure with its target, as printed, ahead of the raw measurements
    results = {"figures": [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], **results}
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(rows))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
