"""Cohort throughput and memory.

- patients a second (and trajectories a minute) of the explained engine and of the fast path on one
  worker, and of the fast path on two, against the goal of 1,000,000 trajectories a minute;
- the fast path against a bare-loop reference of the same guards: the first-match loop alone
  (`first_open` on the case of every step of the same patients, nothing else), goal at most 3x;
- the peak memory of a cohort of N/4 and of N patients on one worker (flat in N: each trajectory is
  tallied and dropped).

Usage: python benchmarks/cohort.py [--scenario FILE] [--n N]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from pathway import parameters
from pathway.cohort import CohortSource, patient_rng, run_cohort
from pathway.course import Case
from pathway.engine import first_open, run_fast
from pathway.patient import Patient
from pathway.scenario import load

ROOT = Path(__file__).resolve().parent.parent
GOAL_PER_MINUTE = 1_000_000


def rate(label: str, n: int, elapsed: float) -> float:
    per_s = n / elapsed
    share = per_s * 60 / GOAL_PER_MINUTE
    print(
        f"{label:<34} {n:>7,} patients in {elapsed:6.2f} s: {per_s:8,.0f}/s, {per_s * 60:11,.0f}/min ({share:.1%} of the goal)"
    )
    return per_s


def bare_loop(patient: Patient, params: parameters.Parameters, n: int) -> tuple[float, float, int]:
    """The fast path's time for n patients, and the time of the first-match loop alone over the same steps."""
    briefs = []
    start = time.perf_counter()
    for i in range(n):
        briefs.append(run_fast(Case(patient), CohortSource(params, patient_rng(1, i), i)))
    fast = time.perf_counter() - start
    steps = [(leg.source, leg.before) for brief in briefs for leg in brief.steps]
    start = time.perf_counter()
    for state, case in steps:
        first_open(state, case)
    bare = time.perf_counter() - start
    return fast, bare, len(steps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "perioperative-folfox.yaml"))
    parser.add_argument("--n", type=int, default=4000)
    args = parser.parse_args()
    scenario = load(args.scenario)
    params = parameters.load()
    run_cohort(scenario.patient, params, 50, 1, 1, engine="explained")  # warm: imports, the Machine, caches
    print(f"scenario {scenario.id}")
    for engine, workers in (("explained", 1), ("fast", 1), ("fast", 2)):
        n = args.n // 4 if engine == "explained" else args.n
        start = time.perf_counter()
        run_cohort(scenario.patient, params, n, 1, workers, engine=engine)
        rate(f"{engine}, {workers} worker(s)", n, time.perf_counter() - start)
    fast, bare, steps = bare_loop(scenario.patient, params, args.n // 4)
    print(
        f"bare first-match loop over the same {steps:,} steps: {bare:.2f} s; fast path {fast:.2f} s "
        f"({fast / bare:.1f}x the bare loop; goal at most 3x)"
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
