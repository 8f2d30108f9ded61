"""A layered (Sugiyama-style) layout in pure Python: no Graphviz needed at run time.

1. Ranks: states top to bottom in clinical order (vocabulary.CLINICAL_ORDER); a road to an earlier
   phase is a loop (back edge), routed along the side; terminal states sit on the bottom rank.
2. Long forward edges get dummy nodes, one per rank they cross.
3. Crossings are minimised by barycenter sweeps, keeping the best order seen.
4. x positions: least-squares placement towards neighbours under no-overlap constraints (pool
   adjacent violators), so boxes never overlap and edges run as straight as they can.
5. Loops get lanes beside the drawing, shorter loops inside; loops into the same state on the same
   side share one lane (a trunk into that state), so each source keeps its own stub to number.
6. Every road gets a number, in evaluation order within its source and sources in drawing order:
   the diagram writes the numbers on the arrows and the roads' guards in a key beneath (labels of a
   few characters keep the figure narrow enough to read at page width).

Units are inches, y up, so a figure drawn 1:1 keeps the font sizes it was measured with.
Everything is deterministic: no randomness, ties broken by clinical order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from .graph import road_numbers
from .vocabulary import CLINICAL_ORDER

TITLE_PT = 10.0
TEXT_PT = 9.0
LABEL_PT = 9.0  # road numbers, step labels and the key: the smallest text of a figure
LINE = 1.2  # line height, in font sizes
PAD_X, PAD_Y = 0.1, 0.08
TEXT_WIDTH = 1.42  # inches: box titles and descriptions wrap to this
GAP_X = 0.34  # between two boxes in a rank
GAP_DUMMY = 0.2  # between an edge passing through a rank and its neighbours
RANK_GAP = 0.78  # between the bottom of one rank and the top of the next
DUMMY_W = 0.14
LANE_GAP = 0.3  # between loop lanes (a road number fits between two)
LANE_OFFSET = 0.5  # from the drawing's side to its first lane: room for the stubs' numbers

# Advance widths of DejaVu Sans in ems (the font matplotlib ships), for sizing boxes without a renderer.
_NARROW = set("ijl.,:;'|!()[]1 ")
_MID = set("frt-/")
_WIDE = set("mwMW%@")


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width in inches of one line of DejaVu Sans (a slight overestimate, never an under)."""
    ems = 0.0
    for ch in text:
        if ch in _NARROW:
            ems += 0.34
        elif ch in _MID:
            ems += 0.43
        elif ch in _WIDE:
            ems += 0.95
        elif ch.isupper() or ch.isdigit() or ch in "≤≥<>=+~#&":
            ems += 0.72
        else:
            ems += 0.62
    return ems * size_pt / 72.0 * (1.08 if bold else 1.0)


def wrap_to(text: str, size_pt: float, width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to a width in inches, as `text_width` measures."""
    lines: list[str] = []
    for word in text.split(" "):
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(trial, size_pt, bold) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def wrap(description: str) -> list[str]:
    return wrap_to(description, TEXT_PT, TEXT_WIDTH)


def wrap_title(title: str) -> list[str]:
    return wrap_to(title, TITLE_PT, TEXT_WIDTH, bold=True)


def box_size(title: str, description: str) -> tuple[float, float]:
    titles, lines = wrap_title(title), wrap(description)
    width = max([text_width(x, TITLE_PT, bold=True) for x in titles] + [text_width(x, TEXT_PT) for x in lines])
    height = (TITLE_PT * len(titles) + TEXT_PT * len(lines)) * LINE / 72.0
    return width + 2 * PAD_X, height + 2 * PAD_Y


def label_size(text: str) -> tuple[float, float]:
    lines = text.split("\n")
    width = max(text_width(x, LABEL_PT) for x in lines)
    return width + 0.1, len(lines) * LABEL_PT * LINE / 72.0 + 0.05


@dataclass(frozen=True)
class Road:
    """One road as the figure keys it: its number, its two states, its guard and rules."""

    number: int
    source: str
    dest: str
    guard: str
    rules: tuple[str, ...]
    alternative: bool


@dataclass
class Layout:
    """Where each state's box sits, and how the edges run between them."""

    ranks: dict[str, int]
    order: list[list[str]]  # per rank, real nodes and dummies, left to right
    pos: dict[str, tuple[float, float]]  # centres of real nodes and dummies
    box: dict[str, tuple[float, float]]  # width, height of real nodes
    chains: dict[tuple[str, str], list[str]]  # forward edge -> its dummy nodes, top to bottom
    back: list[tuple[str, str]]  # loops, in lane order
    lanes: dict[tuple[str, str], float] = field(default_factory=dict)  # loop -> x of its lane
    roads: list[Road] = field(default_factory=list)  # numbered, in the key's order

    def numbers(self, pair: tuple[str, str]) -> list[int]:
        return [r.number for r in self.roads if (r.source, r.dest) == pair]

    @property
    def nodes(self) -> list[str]:
        return list(self.box)

    def extent(self) -> tuple[float, float, float, float]:
        left = min(self.pos[n][0] - self.box[n][0] / 2 for n in self.box)
        right = max(self.pos[n][0] + self.box[n][0] / 2 for n in self.box)
        if self.lanes:
            left = min(left, *self.lanes.values())
            right = max(right, *self.lanes.values())
        top = max(self.pos[n][1] + self.box[n][1] / 2 for n in self.box)
        bottom = min(self.pos[n][1] - self.box[n][1] / 2 for n in self.box)
        return left, right, bottom, top


def _is_dummy(name: str) -> bool:
    return name.startswith("~")


def clinical_order(graph: nx.MultiDiGraph[str]) -> list[str]:
    """CLINICAL_ORDER for this graph: a state that only loops lead into (in a one-primary graph, say
    PRRT's palliative therapy reached from reassessment) moves to just after the states leading in."""
    order = [s for s in CLINICAL_ORDER if s in graph]
    moved = True
    while moved:
        moved = False
        index = {s: i for i, s in enumerate(order)}
        for node in list(order):
            sources = {u for u, _ in graph.in_edges(node)} - {node}
            if node == "referral" or not sources:
                continue
            if all(index[u] > index[node] for u in sources):
                order.remove(node)
                order.insert(max(order.index(u) for u in sources) + 1, node)
                moved = True
                break
    return order


def assign_ranks(graph: nx.MultiDiGraph[str]) -> tuple[dict[str, int], list[tuple[str, str]], list[tuple[str, str]]]:
    order = {s: i for i, s in enumerate(clinical_order(graph))}
    pairs = sorted({(u, v) for u, v in graph.edges()}, key=lambda e: (order[e[0]], order[e[1]]))
    forward = [(u, v) for u, v in pairs if order[v] > order[u]]
    back = [(u, v) for u, v in pairs if order[v] <= order[u]]
    rank: dict[str, int] = {}
    for node in sorted(graph.nodes, key=order.__getitem__):  # the order is a topological order of `forward`
        preds = [rank[u] + 1 for u, v in forward if v == node]
        rank[node] = max(preds, default=0)
    return rank, forward, back


def _crossings(order: list[list[str]], edges: list[tuple[str, str]]) -> int:
    where = {n: (r, i) for r, row in enumerate(order) for i, n in enumerate(row)}
    by_rank: dict[int, list[tuple[int, int]]] = {}
    for u, v in edges:
        (ru, iu), (_rv, iv) = where[u], where[v]
        by_rank.setdefault(ru, []).append((iu, iv))
    total = 0
    for segs in by_rank.values():
        for a in range(len(segs)):
            for b in range(a + 1, len(segs)):
                (a1, a2), (b1, b2) = segs[a], segs[b]
                if (a1 - b1) * (a2 - b2) < 0:
                    total += 1
    return total


def _sweep(order: list[list[str]], edges: list[tuple[str, str]], down: bool) -> None:
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for u, v in edges:
        succs.setdefault(u, []).append(v)
        preds.setdefault(v, []).append(u)
    ranks = range(1, len(order)) if down else range(len(order) - 2, -1, -1)
    for r in ranks:
        ref = order[r - 1] if down else order[r + 1]
        index = {n: i for i, n in enumerate(ref)}
        neighbours = preds if down else succs
        keyed = []
        for i, n in enumerate(order[r]):
            near = [index[m] for m in neighbours.get(n, []) if m in index]
            keyed.append((sum(near) / len(near) if near else float(i), i, n))
        order[r] = [n for _, _, n in sorted(keyed)]


def _place_row(desired: list[float], widths: list[float]) -> list[float]:
    """Positions closest (least squares) to `desired`, in order: boxes at least GAP_X apart, edges
    passing through the rank GAP_DUMMY from their neighbours."""
    offsets = [0.0]
    for a, b in pairwise(widths):
        gap = GAP_X if a > DUMMY_W and b > DUMMY_W else GAP_DUMMY
        offsets.append(offsets[-1] + (a + b) / 2 + gap)
    target = [x - o for x, o in zip(desired, offsets, strict=True)]
    blocks: list[list[float]] = []  # [mean, count]
    for t in target:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    flat = [m for m, c in blocks for _ in range(int(c))]
    return [y + o for y, o in zip(flat, offsets, strict=True)]


def layout(graph: nx.MultiDiGraph[str]) -> Layout:
    rank, forward, back = assign_ranks(graph)
    clinical = {s: i for i, s in enumerate(clinical_order(graph))}
    box = {n: box_size(graph.nodes[n]["title"], graph.nodes[n]["description"]) for n in graph.nodes}
    for n in graph.nodes:  # room to spread the ports of busy boxes
        ports = max(len({v for _, v in graph.out_edges(n)}), len({u for u, _ in graph.in_edges(n)}))
        box[n] = (max(box[n][0], 0.32 * ports), box[n][1])
    height = max(rank.values()) + 1
    order: list[list[str]] = [[] for _ in range(height)]
    for node in sorted(graph.nodes, key=clinical.__getitem__):
        order[rank[node]].append(node)
    chains: dict[tuple[str, str], list[str]] = {}
    layered: list[tuple[str, str]] = []
    for u, v in forward:
        chain = [f"~{u}~{v}~{r}" for r in range(rank[u] + 1, rank[v])]
        for r, dummy in zip(range(rank[u] + 1, rank[v]), chain, strict=True):
            order[r].append(dummy)
        chains[(u, v)] = chain
        path = [u, *chain, v]
        layered.extend(pairwise(path))
    best = [row[:] for row in order]
    best_score = _crossings(best, layered)
    for i in range(24):
        _sweep(order, layered, down=i % 2 == 0)
        score = _crossings(order, layered)
        if score < best_score:
            best, best_score = [row[:] for row in order], score
    order = best
    pairs = [(u, v) for u, v in graph.edges()]
    pos = _coordinates(order, layered, box)
    long_loops = [(u, v) for u, v in back if rank[u] - rank[v] > 1]
    quality = _score(pos, box, pairs, order, layered, long_loops)
    improved = True
    while improved:  # hill-climb on the straight-line quality itself (deterministic)
        improved = False
        for r, row in enumerate(order):
            for i, j in ((i, j) for i in range(len(row)) for j in range(len(row)) if i != j):
                trial = [list(x) for x in order]
                trial[r].insert(j, trial[r].pop(i))
                trial_pos = _coordinates(trial, layered, box)
                trial_score = _score(trial_pos, box, pairs, trial, layered, long_loops)
                if trial_score < quality:
                    order, pos, quality, improved = trial, trial_pos, trial_score, True
    result = Layout(rank, order, pos, box, chains, back)
    result.roads = _number(graph)
    _assign_lanes(result)
    return result


def _number(graph: nx.MultiDiGraph[str]) -> list[Road]:
    """Roads numbered as every format numbers them (graph.road_numbers: states in clinical order,
    each state's roads in the order they are tried), so a figure, a Mermaid chart and
    docs/pathways.md call road 14 the same road."""
    numbers = road_numbers(graph)
    roads = []
    for (u, v, key), n in sorted(numbers.items(), key=lambda item: item[1]):
        data = graph.edges[u, v, key]
        roads.append(Road(n, u, v, str(data["guard"]), tuple(data["rules"]), bool(data["alternative"])))
    return roads


def _score(
    pos: dict[str, tuple[float, float]],
    box: dict[str, tuple[float, float]],
    pairs: list[tuple[str, str]],
    order: list[list[str]],
    layered: list[tuple[str, str]],
    long_loops: list[tuple[str, str]],
) -> tuple[float, int]:
    """Lower is better: straight-line crossings and edges through boxes (the quality bar measured
    against Graphviz), loops that could only reach their ends through another box, then the
    crossings of the curves as drawn. Weights chosen by measurement (benchmarks/layout_vs_dot.py)."""
    m = metrics({n: pos[n] for n in box}, box, pairs)
    drawn = _crossings(order, layered)
    blocked = _blocked_loops(order, long_loops, box)
    return (3 * m["crossings"] + 2 * m["edges_through_boxes"] + 30 * blocked + 0.5 * drawn, drawn)


def _blocked_loops(order: list[list[str]], loops: list[tuple[str, str]], box: dict[str, tuple[float, float]]) -> int:
    """Loops (drawn along a side lane) whose two ends share no side free of other boxes in their rows."""
    where = {n: (r, i) for r, row in enumerate(order) for i, n in enumerate(row)}
    boxes = [[n for n in row if n in box] for row in order]

    def ends(node: str) -> tuple[bool, bool]:
        row = boxes[where[node][0]]
        return row[0] == node, row[-1] == node

    blocked = 0
    for u, v in loops:
        (ul, ur), (vl, vr) = ends(u), ends(v)
        blocked += not ((ul and vl) or (ur and vr))
    return blocked


def _coordinates(
    order: list[list[str]], layered: list[tuple[str, str]], box: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    widths = {n: (box[n][0] if n in box else DUMMY_W) for row in order for n in row}
    heights = [max([box[n][1] for n in row if n in box], default=0.3) for row in order]
    ys: list[float] = []
    y = 0.0
    for r, h in enumerate(heights):
        if r:
            y -= heights[r - 1] / 2 + RANK_GAP + h / 2
        ys.append(y)
    x: dict[str, float] = {}
    for row in order:
        row_x = _place_row([0.0] * len(row), [widths[n] for n in row])
        shift = (row_x[0] + row_x[-1]) / 2 if row_x else 0.0
        x.update({n: px - shift for n, px in zip(row, row_x, strict=True)})
    neighbours: dict[str, list[str]] = {}
    for u, v in layered:
        neighbours.setdefault(u, []).append(v)
        neighbours.setdefault(v, []).append(u)
    for _ in range(30):
        for row in order:
            desired = []
            for n in row:
                pull = [x[m] for m in neighbours.get(n, [])]
                weight = 6.0 if _is_dummy(n) else 1.0  # keep long edges straight
                desired.append((sum(pull) * weight + x[n]) / (len(pull) * weight + 1) if pull else x[n])
            for n, px in zip(row, _place_row(desired, [widths[n] for n in row]), strict=True):
                x[n] = px
    return {n: (round(x[n], 4), round(ys[r], 4)) for r, row in enumerate(order) for n in row}


def short_loops(lay: Layout) -> list[tuple[str, str]]:
    """Loops between adjacent ranks: drawn as direct curves, not in lanes."""
    return [e for e in lay.back if lay.ranks[e[0]] - lay.ranks[e[1]] == 1]


def _clear(lay: Layout, node: str, side: str) -> bool:
    """No other box in the node's rank lies between it and that side of the drawing."""
    x, _ = lay.pos[node]
    for other in lay.box:
        if other != node and lay.ranks[other] == lay.ranks[node]:
            ox = lay.pos[other][0]
            if (side == "left" and ox < x) or (side == "right" and ox > x):
                return False
    return True


def _assign_lanes(lay: Layout) -> None:
    """Long loops run in lanes, on a side both ends can reach; loops into the same state on the same
    side share a lane (shorter trunks inside); short loops are drawn as curves."""
    left = min(lay.pos[n][0] - lay.box[n][0] / 2 for n in lay.box)
    right = max(lay.pos[n][0] + lay.box[n][0] / 2 for n in lay.box)
    short = set(short_loops(lay))
    long_loops = [e for e in lay.back if e not in short]
    span = {e: lay.ranks[e[0]] - lay.ranks[e[1]] for e in long_loops}
    trunks: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (target, side) -> loops
    for e in sorted(long_loops, key=lambda e: (span[e], e)):
        u, v = e
        clear = {side: _clear(lay, u, side) and _clear(lay, v, side) for side in ("left", "right")}
        near = {
            "left": (lay.pos[u][0] - left) + (lay.pos[v][0] - left),
            "right": (right - lay.pos[u][0]) + (right - lay.pos[v][0]),
        }
        shared = {side: (v, side) in trunks for side in ("left", "right")}
        lanes_on = {side: len({t for t in trunks if t[1] == side}) for side in ("left", "right")}
        choice = min(
            ("left", "right"),
            key=lambda side: (not clear[side], not shared[side], near[side] + 1.5 * lanes_on[side]),
        )
        trunks.setdefault((v, choice), []).append(e)
    for side in ("left", "right"):
        ordered = sorted(
            (t for t in trunks if t[1] == side), key=lambda t: (max(span[e] for e in trunks[t]), t[0])
        )  # the trunk spanning fewest ranks runs nearest the drawing
        for k, t in enumerate(ordered):
            step = LANE_OFFSET + LANE_GAP * k
            for e in trunks[t]:
                lay.lanes[e] = left - step if side == "left" else right + step


def metrics(
    pos: dict[str, tuple[float, float]], box: dict[str, tuple[float, float]], pairs: list[tuple[str, str]]
) -> dict[str, Any]:
    """Quality of a layout, with every edge drawn as a straight line between box centres."""
    edges = sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1]})

    def cross(
        p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float], p4: tuple[float, float]
    ) -> bool:
        def orient(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
            return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

        d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
        d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
        return d1 * d2 < 0 and d3 * d4 < 0

    crossings = 0
    for i in range(len(edges)):
        for j in range(i + 1, len(edges)):
            a, b = edges[i], edges[j]
            if set(a) & set(b):
                continue
            if cross(pos[a[0]], pos[a[1]], pos[b[0]], pos[b[1]]):
                crossings += 1
    through = 0
    for u, v in edges:
        for n, (w, h) in box.items():
            if n in (u, v):
                continue
            if _segment_hits_box(pos[u], pos[v], pos[n], w, h):
                through += 1
    overlaps = 0
    names = list(box)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            (x1, y1), (w1, h1) = pos[names[i]], box[names[i]]
            (x2, y2), (w2, h2) = pos[names[j]], box[names[j]]
            if abs(x1 - x2) < (w1 + w2) / 2 and abs(y1 - y2) < (h1 + h2) / 2:
                overlaps += 1
    return {"crossings": crossings, "edges_through_boxes": through, "overlapping_boxes": overlaps, "edges": len(edges)}


def _segment_hits_box(
    p: tuple[float, float], q: tuple[float, float], centre: tuple[float, float], w: float, h: float
) -> bool:
    """Liang-Barsky clipping of segment p-q against the box."""
    x0, y0 = centre[0] - w / 2, centre[1] - h / 2
    x1, y1 = centre[0] + w / 2, centre[1] + h / 2
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


# --- the layout cache: computing a layout takes about a second, reading one a millisecond ---------

CACHE = Path(__file__).with_name("layouts.json")


def fingerprint(graph: nx.MultiDiGraph[str]) -> str:
    """What a layout depends on: the graph (states, roads and their text) and this module's code."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    data = nx.node_link_data(graph, edges="links")
    digest.update(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def _pair(key: str) -> tuple[str, str]:
    u, v = key.split("|")
    return u, v


def to_cache(lay: Layout) -> dict[str, Any]:
    return {
        "ranks": lay.ranks,
        "order": lay.order,
        "pos": {n: list(p) for n, p in lay.pos.items()},
        "box": {n: list(b) for n, b in lay.box.items()},
        "chains": {f"{u}|{v}": c for (u, v), c in lay.chains.items()},
        "back": [list(e) for e in lay.back],
        "lanes": {f"{u}|{v}": x for (u, v), x in lay.lanes.items()},
        "roads": [asdict(r) for r in lay.roads],
    }


def from_cache(data: dict[str, Any]) -> Layout:
    return Layout(
        ranks=dict(data["ranks"]),
        order=[list(row) for row in data["order"]],
        pos={n: (float(p[0]), float(p[1])) for n, p in data["pos"].items()},
        box={n: (float(b[0]), float(b[1])) for n, b in data["box"].items()},
        chains={_pair(k): list(c) for k, c in data["chains"].items()},
        back=[(e[0], e[1]) for e in data["back"]],
        lanes={_pair(k): float(x) for k, x in data["lanes"].items()},
        roads=[Road(**{**r, "rules": tuple(r["rules"])}) for r in data["roads"]],
    )


@cache
def read_cache() -> dict[str, Any]:
    """pathway/layouts.json, read once per process (every pathway's layout is in it)."""
    try:
        data: dict[str, Any] = json.loads(CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def cached_layout(graph: nx.MultiDiGraph[str]) -> Layout:
    """The layout from pathway/layouts.json when it was made from this very graph and code, else
    computed afresh (the same result, slower). The file ships with the package; a test keeps it current."""
    entry = read_cache().get(str(graph.graph.get("name")))
    if entry is not None and entry.get("fingerprint") == fingerprint(graph):
        return from_cache(entry["layout"])
    return layout(graph)


def write_cache(graphs: list[nx.MultiDiGraph[str]]) -> None:
    """Recompute and store the layouts of these graphs (the tests do it with --update-goldens)."""
    data = {str(g.graph["name"]): {"fingerprint": fingerprint(g), "layout": to_cache(layout(g))} for g in graphs}
    CACHE.write_text(json.dumps(dict(sorted(data.items())), indent=1) + "\n", encoding="utf-8")
    read_cache.cache_clear()
