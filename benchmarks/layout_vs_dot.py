"""Layout quality of `pathway.layout` against Graphviz `dot` on the same graphs (the six figures).

Both layouts are scored the same way: every edge a straight line between box centres; count
pairwise crossings and edges passing through other boxes (and overlapping boxes). Needs `dot`
(apt-get install graphviz). Writes benchmarks/layout_vs_dot.json, which the test suite reads.
Usage: python benchmarks/layout_vs_dot.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pathway.graph import PRIMARIES, pathway_graph, to_dot
from pathway.layout import layout, metrics

OUT = Path(__file__).with_name("layout_vs_dot.json")


def dot_positions(dot_text: str) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]], str]:
    version = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=True).stderr.strip()
    out = subprocess.run(["dot", "-Tjson"], input=dot_text, capture_output=True, text=True, check=True).stdout
    pos, box = {}, {}
    for obj in json.loads(out)["objects"]:
        x, y = map(float, obj["pos"].split(","))
        pos[obj["name"]] = (x / 72, y / 72)
        box[obj["name"]] = (float(obj["width"]), float(obj["height"]))
    return pos, box, version


def score(m: dict[str, int]) -> int:
    return m["crossings"] + m["edges_through_boxes"]


def main() -> int:
    if not shutil.which("dot"):
        print("dot not found: install graphviz to compare", file=sys.stderr)
        return 1
    ours: dict[str, dict[str, int]] = {}
    dot: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    version = ""
    for primary in PRIMARIES:
        graph = pathway_graph(primary)
        pairs = [(u, v) for u, v in graph.edges()]
        start = time.perf_counter()
        lay = layout(graph)
        seconds[primary] = round(time.perf_counter() - start, 2)
        ours[primary] = metrics({n: lay.pos[n] for n in lay.box}, lay.box, pairs)
        pos, box, version = dot_positions(to_dot(graph))
        dot[primary] = metrics(pos, box, pairs)
        print(f"{primary:15} ours {score(ours[primary]):3}   dot {score(dot[primary]):3}")
    totals = {"pathway": sum(map(score, ours.values())), "dot": sum(map(score, dot.values()))}
    print(f"{'total':15} ours {totals['pathway']:3}   dot {totals['dot']:3}   ({version})")
    result = {
        "measure": "straight-line crossings + edges through other boxes",
        "totals": totals,
        "pathway": ours,
        "dot": dot,
        "dot_version": version,
        "pathway_layout_seconds": seconds,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
