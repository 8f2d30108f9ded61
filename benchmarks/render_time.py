"""Time to render the whole figure set (`pathway render` into a temporary folder): median wall and
CPU seconds over N runs, as a user runs it (a new process each time, the layouts read from
pathway/layouts.json). Usage: python benchmarks/render_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    walls, cpus = [], []
    files = 0
    for _ in range(args.runs + 1):  # the first run warms the disk cache and is not counted
        with tempfile.TemporaryDirectory() as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pathway", "render", "--out", out],
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls.append(wall)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            files = len(list(Path(out).rglob("*.*")))
    walls, cpus = walls[1:], cpus[1:]
    print(
        f"pathway render (whole set, {files} files) on {os.cpu_count()} cores: "
        f"wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
        f"CPU median {statistics.median(cpus):.2f} s, over {args.runs} runs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
