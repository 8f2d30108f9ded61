"""In-process time of one replay (no start-up): every scenario, median of repeated batches.

Usage: python benchmarks/replay_time.py [--repeat N] [--batch N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pathway.report import replay
from pathway.scenario import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    per_step: list[float] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load(path)
        steps = len(replay(scenario).steps)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for _ in range(args.batch):
                replay(scenario)
            times.append((time.perf_counter() - start) / args.batch * 1e6)
        median = statistics.median(times)
        per_step.append(median / steps)
        print(f"{scenario.id:45s} {median:8.0f} us per replay, {steps:3d} steps")
    print(f"median per step: {statistics.median(per_step):.0f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
