"""Cohort throughput and memory: patients a second on one and two workers, and the peak memory of a
cohort of N and of 4N patients on one worker (flat in N: trajectories are tallied and dropped).

Usage: python benchmarks/cohort.py [--scenario FILE] [--n N]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from pathway import parameters
from pathway.cohort import run_cohort
from pathway.scenario import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "perioperative-folfox.yaml"))
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    scenario = load(args.scenario)
    params = parameters.load()
    run_cohort(scenario.patient, params, 50, 1, 1)  # warm: imports, the Machine, caches
    for workers in (1, 2):
        start = time.perf_counter()
        run_cohort(scenario.patient, params, args.n, 1, workers)
        elapsed = time.perf_counter() - start
        rate = args.n / elapsed
        print(
            f"{workers} worker(s): {args.n:,} patients in {elapsed:.2f} s, {rate:,.0f} patients/s, {rate * 60:,.0f}/min"
        )
    peaks = []
    for n in (args.n // 4, args.n):
        tracemalloc.start()
        run_cohort(scenario.patient, params, n, 1, 1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks.append(peak)
        print(f"peak traced memory, {n:,} patients on one worker: {peak / 1e6:.2f} MB")
    print(f"memory ratio for 4x the patients: {peaks[1] / peaks[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
