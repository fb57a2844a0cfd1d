"""Every figure of several bench runs side by side: ``python -m bench.table run1.json run2.json run3.json``.

Prints a markdown table, one row per figure (`figures` of each ``bench/results.json``):
what it is, what each run measured, the target, and in how many runs it was met.  A
figure a run does not have (a skipped one names itself differently) shows "-" there.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def measured(figure: dict[str, str]) -> str:
    """What a run measured for a figure: its measurement and its ratio or figure, the empty ones left out."""
    return "; ".join(part for part in (figure.get("measured", ""), figure.get("ratio / figure", "")) if part)


def met_in(flags: list[str]) -> str:
    """How many runs met a target: ``2 of 3``; empty for a reported figure; each value's count when they are mixed.

    `flags` holds the runs' "met" cells: "yes", "NO", "" (reported, no target), or a
    compound one such as "yes (no)" (two targets, the stricter in brackets).
    """
    if not any(flags):
        return ""
    if set(flags) <= {"yes", "NO"}:
        return f"{flags.count('yes')} of {len(flags)}"
    return ", ".join(f"{value or '-'}: {count} of {len(flags)}" for value, count in Counter(flags).items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(runs: list[dict[str, object]]) -> str:
    """The table: a row per figure, in the order the runs first give them; a column per run."""
    order: list[str] = []
    by_run: list[dict[str, dict[str, str]]] = []
    for run in runs:
        figures = {figure["what"]: figure for figure in run["figures"]}
        order += [what for what in figures if what not in order]
        by_run.append(figures)
    header = ["what", *(f"run {n}" for n in range(1, len(runs) + 1)), "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for what in order:
        present = [figures[what] for figures in by_run if what in figures]
        targets = list(dict.fromkeys(f.get("target", "") for f in present))
        cells = [
            what,
            *(measured(figures[what]) if what in figures else "-" for figures in by_run),
            " / ".join(t for t in targets if t),
            met_in([f.get("met", "") for f in present]),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.table", description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", help="results.json files written by python -m bench --out")
    args = parser.parse_args(argv)
    runs = [json.loads(Path(name).read_text(encoding="utf-8")) for name in args.results]
    print(markdown(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
