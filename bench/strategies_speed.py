"""How long `scorekit.strategies.scorecards()` takes per generated card (CPU time, not a test).

    python -m bench.strategies_speed [--examples 500] [--repeats 3]

Hypothesis' own cost per example is measured in the same run (a strategy that draws one
integer) and reported beside it, so a busy machine shows in both numbers.
"""

import argparse
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scorekit.strategies import scorecards


def per_example_ms(strategy, examples):
    count = 0

    @settings(
        max_examples=examples,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def run(_value):
        nonlocal count
        count += 1

    start = time.process_time()
    run()
    return (time.process_time() - start) / count * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for _ in range(args.repeats):
        engine = per_example_ms(st.integers(), args.examples)
        cards = per_example_ms(scorecards(), args.examples)
        print(f"scorecards(): {cards:.2f} ms CPU per card (hypothesis alone: {engine:.2f} ms per example)")


if __name__ == "__main__":
    main()
