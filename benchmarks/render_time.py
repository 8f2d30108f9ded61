"""Time to render the whole figure set (`pathway render` into a temporary folder), median of N runs."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pathway", "render", "--out", out],
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - start)
            files = len(list(Path(out).rglob("*.*")))
    print(f"pathway render (whole set, {files} files): median {statistics.median(times):.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
