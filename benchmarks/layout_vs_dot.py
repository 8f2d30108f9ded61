"""Layout quality of `pathway.layout` against Graphviz `dot` on the same graph.

Both layouts are scored the same way: every edge a straight line between box centres; count
pairwise crossings and edges passing through other boxes (and overlapping boxes). Needs `dot`
(apt-get install graphviz). Writes benchmarks/layout_vs_dot.json, which the test suite reads.
Usage: python benchmarks/layout_vs_dot.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from pathway.graph import pathway_graph, to_dot
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


def main() -> int:
    graph = pathway_graph("colorectal")  # the overview figure
    pairs = [(u, v) for u, v in graph.edges()]
    start = time.perf_counter()
    lay = layout(graph)
    seconds = time.perf_counter() - start
    ours = metrics({n: lay.pos[n] for n in lay.box}, lay.box, pairs)
    result: dict[str, object] = {"pathway": ours, "pathway_layout_seconds": round(seconds, 2)}
    if shutil.which("dot"):
        pos, box, version = dot_positions(to_dot(graph))
        result["dot"] = metrics(pos, box, pairs)
        result["dot_version"] = version
    else:
        print("dot not found: install graphviz to compare")
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
