"""Cold start of `pathway replay` against `python -c "import transitions, yaml"` (the budget is 2x).

Runs each command alternately N times in fresh interpreters and reports medians and the ratio.
Usage: python benchmarks/cold_start.py [--runs N] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# As a user runs it: bytecode cached (pip compiles it on install; an editable install writes it on
# first run unless PYTHONDONTWRITEBYTECODE is set, which would make every run recompile).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scenario", default="scenarios/s4-metachronous-bilobar.yaml")
    args = parser.parse_args()
    base_cmd = [sys.executable, "-c", "import transitions, yaml"]
    replay_cmd = [sys.executable, "-m", "pathway", "replay", args.scenario]
    json_cmd = [*replay_cmd, "--json"]
    for cmd in (base_cmd, replay_cmd, json_cmd):  # warm the bytecode caches
        timed(cmd)
    base, replay, as_json = [], [], []
    for _ in range(args.runs):
        base.append(timed(base_cmd))
        replay.append(timed(replay_cmd))
        as_json.append(timed(json_cmd))
    b, r, j = (statistics.median(x) * 1000 for x in (base, replay, as_json))
    print(f"runs: {args.runs} each, medians")
    print(f"python -c 'import transitions, yaml': {b:6.1f} ms")
    print(f"pathway replay (text):             {r:6.1f} ms  ratio {r / b:.2f}x")
    print(f"pathway replay --json:             {j:6.1f} ms  ratio {j / b:.2f}x")
    print("budget: 2.00x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
