"""`score()` of one card against `floors.floor02` (figure 1's issue-26 rows), and building a batch's scores.

    python -m bench.score_speed [--calls 300] [--rounds 201] [--cards 0]

CPU time, floor and `score()` alternating in short rounds (a busy machine moves both
alike), the median of the per-round ratios; the bench card and the mixed-rule Warsaw
card.  With ``--cards N``, also the CPU time `list(batch)` takes to build the
`CardScore`s of a `score_many` batch of N bench cards (what a dashboard pays for the
cards it shows).
"""

import argparse
import gc
import statistics
import time
from decimal import Decimal

from bench import floors
from bench.run import bench_card, mixed_card
from scorekit import User, score, score_many
from scorekit.period import as_utc


def versus_floor02(card, actuals, as_of, calls: int, rounds: int) -> tuple[float, float, float]:
    """Median us per `score()`, per `floor02`, and the median of the per-round ratios."""
    plain, utc, floor = floors.card_as_rules(card), as_utc(as_of), floors.floor02
    ours, theirs, ratios = [], [], []
    for _ in range(rounds):
        gc.collect()
        start = time.process_time()
        for _ in range(calls):
            floor(plain, actuals, utc)
        base = time.process_time() - start
        start = time.process_time()
        for _ in range(calls):
            score(card, actuals, as_of=as_of)
        took = time.process_time() - start
        ours.append(took / calls * 1e6)
        theirs.append(base / calls * 1e6)
        ratios.append(took / base)
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def batch_build_seconds(n_cards: int, rounds: int = 5) -> float:
    """Median CPU seconds of ``list(batch)`` over a `score_many` batch of `n_cards` bench cards."""
    card, actuals, as_of = bench_card()
    cards = [card.evolve(id=f"c{i}", owner=User(f"u{i}")) for i in range(n_cards)]
    batch_actuals = [{**actuals, "deals_won": Decimal(i % 13)} for i in range(n_cards)]
    took = []
    for _ in range(rounds):
        batch = score_many(cards, batch_actuals, as_of=as_of)
        gc.collect()
        start = time.process_time()
        built = list(batch)
        took.append(time.process_time() - start)
        del built, batch
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=201)
    parser.add_argument("--cards", type=int, default=0)
    args = parser.parse_args()
    for name, subject in (("bench card", bench_card()), ("mixed-rule Warsaw card", mixed_card())):
        ours, floor, ratio = versus_floor02(*subject, args.calls, args.rounds)
        print(f"{name}: score() {ours:.1f} us, floor02 {floor:.1f} us, {ratio:.3f}x (target 1.5x)")
    if args.cards:
        print(f"list(batch) of {args.cards:,} bench cards: {batch_build_seconds(args.cards):.3f} s CPU")


if __name__ == "__main__":
    main()
