"""Pictures of the pathway with matplotlib, drawn from the graph and its layout alone.

Plot functions take `ax=None` and return the Axes. Figures are drawn 1:1 in inches, so the font
sizes the layout measured are the sizes on the page (nothing under 8 pt).
"""

from __future__ import annotations

import io
import math
import re
import weakref
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.text import Text

from .engine import Trajectory
from .graph import PHASE_COLOURS, PHASE_TITLES, number_runs
from .layout import (
    LABEL_PT,
    LINE,
    PAD_Y,
    TEXT_PT,
    TITLE_PT,
    Layout,
    label_size,
    short_loops,
    text_width,
    wrap,
    wrap_title,
    wrap_to,
)
from .sources import SOURCES

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

plt.rcParams.update(
    {
        "svg.hashsalt": "pathway",
        "svg.fonttype": "none",  # real text: searchable, selectable, read by screen readers
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Verdana", "Geneva"],  # alike metrics, on Linux, Windows, macOS
        "path.simplify": False,
    }
)


def _share_text_metrics() -> None:
    """matplotlib measures text once per renderer, and each saved file gets a new renderer, so the
    same strings in the same font are measured again for each of the set's 51 files. A measurement
    depends only on the kind of renderer, the text, its font properties and the dpi: keep one cache
    across files (the figures are byte-identical, tested; about a sixth of the set's time)."""
    import matplotlib.text as mtext

    measure = getattr(mtext, "_get_text_metrics_with_cache", None)
    if measure is None or getattr(measure, "shared", False):  # another matplotlib, or done already
        return
    memo: dict[tuple[Any, ...], Any] = {}

    def shared(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> Any:
        font = (
            tuple(fontprop.get_family()),
            fontprop.get_style(),
            fontprop.get_variant(),
            fontprop.get_weight(),
            fontprop.get_stretch(),
            fontprop.get_size_in_points(),
            fontprop.get_file(),
            fontprop.get_math_fontfamily(),
        )
        key = (type(renderer), getattr(renderer, "dpi", None), text, font, ismath, dpi)
        if key not in memo:
            memo[key] = measure(renderer, text, fontprop, ismath, dpi)
        return memo[key]

    shared.shared = True  # type: ignore[attr-defined]
    setattr(mtext, "_get_text_metrics_with_cache", shared)  # noqa: B010 (a private name mypy does not know)


_share_text_metrics()

EDGE = "#3b3b3b"
LOOP = "#5a6f8a"
HIGHLIGHT = "#b03a2e"
FLOW = "#1f5f99"  # a cohort's flows
FLOW_TEXT = "#174a78"
FLOW_WIDTH = 7.0  # points of line width for all of a cohort's patients
FADED = 0.22
MARGIN = 0.25
LEGEND_ROWS = 2
MIN_WIDTH = 8.0  # inches: room for the title, legend, key and footnote of a small pathway


@dataclass
class Highlight:
    """A scenario's path: visited states, and for each traversed edge its steps and months."""

    visited: set[str]
    steps: dict[tuple[str, str], list[tuple[int, float]]]
    blocked: dict[tuple[str, str], int] = field(default_factory=dict)  # edge -> step it was blocked at
    flows: dict[tuple[str, str], int] | None = None  # a cohort: edge -> patients who took it
    total: int = 0  # a cohort's patients


def highlight_of(trajectory: Trajectory, show_blocked: bool = False) -> Highlight:
    steps: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for step in trajectory:
        steps.setdefault((step.source, step.state), []).append((step.number, step.month))
    blocked: dict[tuple[str, str], int] = {}
    if show_blocked:
        for step in trajectory:
            for b in step.blocked:
                pair = (step.source, b.to)
                if b.failed and pair not in steps:
                    blocked.setdefault(pair, step.number)
    return Highlight(set(trajectory.path), steps, blocked)


def _overlaps(a: Rect, b: Rect, pad: float = 0.02) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _rect(centre: Point, size: tuple[float, float]) -> Rect:
    (x, y), (w, h) = centre, size
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


class _Drawing:
    def __init__(self, graph: nx.MultiDiGraph[str], lay: Layout, ax: Axes, focus: Highlight | None):
        self.graph, self.lay, self.ax, self.focus = graph, lay, ax, focus
        self.boxes = {n: _rect(lay.pos[n], lay.box[n]) for n in lay.box}
        self.placed: list[Rect] = []
        self.lines: list[tuple[tuple[str, str], float, float]] = []  # sampled points of every drawn edge
        self.heads: dict[tuple[str, str], Point] = {}  # where each arrow ends
        self.labels: dict[tuple[str, str], Rect] = {}  # where each edge's label went
        self.tooltips: dict[str, str] = {}  # SVG group id -> its <title>
        self.unlabelled: list[tuple[str, str]] = []  # blocked roads whose mark found no room
        self.box_artists: dict[str, tuple[FancyBboxPatch, list[Text]]] = {}
        self.edge_artists: dict[tuple[str, str], FancyArrowPatch] = {}
        self.label_artists: list[Artist] = []  # labels and leaders: what a restyle replaces
        self.anchors: list[tuple[tuple[str, str], list[Point]]] = []  # where each edge's label may sit
        self.bands: list[Rect] = []  # header and footer: no label goes there
        self.header: list[Text] = []  # title and note lines
        self._trunk_ends: list[tuple[tuple[str, str], float]] = []  # where each shared lane enters its state

    def _trace(self, pair: tuple[str, str], path: MPath) -> None:
        end = np.asarray(path.vertices, dtype=float)[-1]
        self.heads[pair] = (float(end[0]), float(end[1]))
        for poly in path.to_polygons(closed_only=False):
            array = np.asarray(poly, dtype=float)
            points = [(float(array[i, 0]), float(array[i, 1])) for i in range(len(array))]
            for (x0, y0), (x1, y1) in pairwise(points):
                steps = max(1, int(math.dist((x0, y0), (x1, y1)) / 0.04))
                for i in range(steps + 1):
                    t = i / steps
                    self.lines.append((pair, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))

    # --- boxes --------------------------------------------------------------------------------
    def draw_boxes(self) -> None:
        for name, (x0, y0, x1, y1) in self.boxes.items():
            data = self.graph.nodes[name]
            fill, stroke = PHASE_COLOURS[data["phase"]]
            on = self.focus is None or name in self.focus.visited
            alpha = 1.0 if on else FADED
            width = 2.2 if (self.focus is not None and on) else 1.0
            box = FancyBboxPatch(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=fill,
                edgecolor=self._path_colour() if (self.focus is not None and on) else stroke,
                linewidth=width,
                alpha=alpha,
                zorder=3,
            )
            box.set_gid(f"node-{name}")  # an id in the SVG: case pages highlight the path by it
            self.tooltips[f"node-{name}"] = f"{data['title']}: {data['description']} (state {name})"
            self.ax.add_artist(box)  # not add_patch: the limits are set, no need to grow them
            self.box_artists[name] = (box, [])
            x = (x0 + x1) / 2
            top = y1 - PAD_Y
            titles = wrap_title(data["title"])
            lines = [(t, True) for t in titles] + [(d, False) for d in wrap(data["description"])]
            y = top
            for i, (line, bold) in enumerate(lines):  # one text a line, each centred: any font stays centred
                size = TITLE_PT if bold else TEXT_PT
                text = self.ax.text(
                    x,
                    y - size * LINE / 72 / 2,
                    line,
                    ha="center",
                    va="center",
                    fontsize=size,
                    fontweight="bold" if bold else "normal",
                    color="#1a1a1a" if bold else "#333333",
                    alpha=alpha,
                    zorder=4,
                    gid=f"nodetext-{name}" if i == 0 else f"nodetext-{name}-{i - 1}",
                )
                self.box_artists[name][1].append(text)
                y -= size * LINE / 72

    def _path_colour(self) -> str:
        return FLOW if self.focus is not None and self.focus.flows is not None else HIGHLIGHT

    def restyle(self, focus: Highlight | None) -> None:
        """Style every box, text and edge for a scenario's path (None: the plain pathway). A drawing
        restyled for one path and then another looks exactly as if drawn for the second."""
        self.focus = focus
        for name, (box, texts) in self.box_artists.items():
            _fill, stroke = PHASE_COLOURS[self.graph.nodes[name]["phase"]]
            on = focus is None or name in focus.visited
            alpha = 1.0 if on else FADED
            box.set_edgecolor(self._path_colour() if (focus is not None and on) else stroke)
            box.set_linewidth(2.2 if (focus is not None and on) else 1.0)
            box.set_alpha(alpha)
            for text in texts:
                text.set_alpha(alpha)
        for pair, arrow in self.edge_artists.items():
            colour, width, alpha = self._style(pair, loop=pair in self.lay.lanes or pair in self.lay.back)
            arrow.set_color(colour)
            arrow.set_linewidth(width)
            arrow.set_alpha(alpha)
            arrow.set_zorder(2 if alpha == 1.0 and focus is not None else 1)

    def clear_labels(self) -> None:
        """Take the edge labels and leaders away (the next path places its own)."""
        for artist in self.label_artists:
            artist.remove()
        self.label_artists = []
        self.labels, self.unlabelled, self.placed = {}, [], list(self.bands)
        for gid in [g for g in self.tooltips if g.startswith("label-")]:
            del self.tooltips[gid]

    def set_header(self, lines: list[str]) -> None:
        for text, line in zip(self.header, lines, strict=True):
            text.set_text(line)

    # --- edges --------------------------------------------------------------------------------
    def _ports(self) -> dict[tuple[str, str], tuple[Point, Point]]:
        """Where each edge drawn as a curve leaves its source and enters its target.

        Forward edges leave the bottom and enter the top; short loops leave the top and enter the
        bottom. Ports along a side are spread in the order of where their curves go.
        """
        lay = self.lay
        sides: dict[tuple[str, str], list[tuple[float, tuple[str, str], int]]] = {}
        for (u, v), chain in lay.chains.items():
            first = lay.pos[chain[0]] if chain else lay.pos[v]
            last = lay.pos[chain[-1]] if chain else lay.pos[u]
            sides.setdefault((u, "bottom"), []).append((first[0], (u, v), 0))
            sides.setdefault((v, "top"), []).append((last[0], (u, v), 1))
        for u, v in short_loops(lay):
            sides.setdefault((u, "top"), []).append((lay.pos[v][0] + 0.01, (u, v), 0))
            sides.setdefault((v, "bottom"), []).append((lay.pos[u][0] + 0.01, (u, v), 1))
        ports: dict[tuple[str, str], list[Point]] = {}
        for (node, side), items in sides.items():
            x0, y0, x1, y1 = self.boxes[node]
            items.sort(key=lambda item: (item[0], item[1]))
            for i, (_, e, end) in enumerate(items):
                x = x0 + (x1 - x0) * (i + 1) / (len(items) + 1)
                ports.setdefault(e, [(0.0, 0.0), (0.0, 0.0)])[end] = (x, y0 if side == "bottom" else y1)
        return {e: (p[0], p[1]) for e, p in ports.items()}

    def _style(self, pair: tuple[str, str], loop: bool) -> tuple[str, float, float]:
        if self.focus is None:
            return (LOOP if loop else EDGE), 1.1, 1.0
        if self.focus.flows is not None:
            patients = self.focus.flows.get(pair, 0)
            if not patients:
                return (LOOP if loop else EDGE), 0.9, FADED
            return FLOW, 0.8 + FLOW_WIDTH * patients / max(1, self.focus.total), 1.0
        if pair in self.focus.steps:
            return HIGHLIGHT, 2.4, 1.0
        return (LOOP if loop else EDGE), 0.9, FADED

    def draw_forward(
        self, ports: dict[tuple[str, str], tuple[Point, Point]]
    ) -> list[tuple[tuple[str, str], list[Point]]]:
        """Forward edges and short loops as curves; returns, per edge, where a label may sit on it."""
        drawn = []
        curves = sorted(self.lay.chains.items()) + [(e, []) for e in short_loops(self.lay)]
        for pair, chain in curves:
            start, end = ports[pair]
            points = [start, *(self.lay.pos[c] for c in chain), end]
            loop = pair in self.lay.lanes or pair in self.lay.back
            verts: list[Point] = [points[0]]
            codes = [MPath.MOVETO]
            for a, b in pairwise(points):
                k = (a[1] - b[1]) * 0.45
                verts += [(a[0], a[1] - k), (b[0], b[1] + k), b]
                codes += [MPath.CURVE4] * 3
            colour, width, alpha = self._style(pair, loop=loop)
            dashed = all(r["alternative"] for r in self._roads(pair))
            self._arrow(pair, MPath(verts, codes), colour, width, alpha, dashed)
            segments = list(pairwise(points))
            anchors = [
                _bezier(a, b, t)
                for a, b in [segments[-1], *reversed(segments[:-1])]
                for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85, 0.1, 0.9)
            ]
            drawn.append((pair, anchors))
        return drawn

    def _arrow(
        self, pair: tuple[str, str], path: MPath, colour: str, width: float, alpha: float, dashed: bool = False
    ) -> None:
        """Draw one edge, and remember where its line runs (labels avoid it)."""
        self._trace(pair, path)
        arrow = FancyArrowPatch(
            path=path,
            arrowstyle="-|>,head_length=5,head_width=2.6",
            color=colour,
            linewidth=width,
            linestyle=(0, (4, 3)) if dashed else "-",
            alpha=alpha,
            zorder=2 if alpha == 1.0 and self.focus is not None else 1,
            shrinkA=0,
            shrinkB=0,
        )
        gid = f"edge-{pair[0]}--{pair[1]}"
        arrow.set_gid(gid)
        self.edge_artists[pair] = arrow
        self.tooltips[gid] = self._road_text(pair)
        self.ax.add_artist(arrow)

    def _road_text(self, pair: tuple[str, str]) -> str:
        """What a tooltip says of an edge: each road's number, guard and rules."""
        u, v = pair
        head = f"{self.graph.nodes[u]['title']} -> {self.graph.nodes[v]['title']}"
        roads = [r for r in self.lay.roads if (r.source, r.dest) == pair]
        return head + "".join(f"\n{r.number}. {r.guard} ({', '.join(r.rules)})" for r in roads)

    def _roads(self, pair: tuple[str, str]) -> list[dict[str, Any]]:
        return [dict(data) for _k, data in self.graph.get_edge_data(*pair).items()]

    def draw_loops(self) -> list[tuple[tuple[str, str], list[Point]]]:
        """Loops run out of the side of their source, along their lane (shared by the loops into the
        same state), into the side of their target; a label may sit on the source's own stub."""
        lay = self.lay
        drawn = []
        side_count: dict[tuple[str, str], int] = {}
        for pair in lay.back:
            if pair not in lay.lanes:
                continue
            u, v = pair
            lane = lay.lanes[pair]
            side = "left" if lane < lay.pos[u][0] else "right"
            ys = []
            for node in (u, v):
                k = side_count.get((node, side), 0)
                side_count[(node, side)] = k + 1
                _, y0, _, y1 = self.boxes[node]
                h = y1 - y0
                slot = (k % 3 - 1) if side == "left" else (1 - k % 3)  # the two sides never line up
                ys.append(lay.pos[node][1] + slot * h * 0.28 + (0.02 if node == u else -0.02))
            if (v, side) in side_count and side_count[(v, side)] > 1:  # a shared trunk enters once
                ys[1] = next(y for (p, y) in self._trunk_ends if p == (v, side))
            else:
                self._trunk_ends.append(((v, side), ys[1]))
            (ux0, _, ux1, _), (vx0, _, vx1, _) = self.boxes[u], self.boxes[v]
            sx = ux0 if side == "left" else ux1
            tx = vx0 if side == "left" else vx1
            pts = [(sx, ys[0]), (lane, ys[0]), (lane, ys[1]), (tx, ys[1])]
            colour, width, alpha = self._style(pair, loop=True)
            self._arrow(pair, _rounded(pts, 0.1), colour, width, alpha)
            anchors = [(sx + (lane - sx) * t, ys[0]) for t in (0.5, 0.4, 0.6, 0.3, 0.7)]
            drawn.append((pair, anchors))
        return drawn

    frame: tuple[float, float, float, float]
    box_rects: list[Rect]
    _pair_ids: dict[tuple[str, str], int]
    _xs: np.ndarray[Any, np.dtype[np.float64]]
    _ys: np.ndarray[Any, np.dtype[np.float64]]
    _ids: np.ndarray[Any, np.dtype[np.int64]]

    # --- labels -------------------------------------------------------------------------------
    def _free(self, rect: Rect) -> bool:
        x_lo, x_hi, y_lo, y_hi = self.frame
        inside = x_lo + 0.05 <= rect[0] and rect[2] <= x_hi - 0.05 and y_lo + 0.05 <= rect[1] and rect[3] <= y_hi - 0.05
        return (
            inside
            and not any(_overlaps(rect, b) for b in self.box_rects)
            and not any(_overlaps(rect, p) for p in self.placed)
        )

    def _index(self) -> None:
        """The sampled line points as arrays, once every edge is drawn (labels are placed after)."""
        pairs = sorted({p for p, _x, _y in self.lines})
        self._pair_ids = {p: i for i, p in enumerate(pairs)}
        self._xs = np.array([x for _p, x, _y in self.lines])
        self._ys = np.array([y for _p, _x, y in self.lines])
        self._ids = np.array([self._pair_ids[p] for p, _x, _y in self.lines])

    def _covered(self, rect: Rect, owner: tuple[str, str]) -> int:
        """How many sampled points of other edges' lines (or of its own arrowhead) a label here would cover."""
        x0, y0, x1, y1 = rect
        inside = (self._xs > x0 - 0.03) & (self._xs < x1 + 0.03) & (self._ys > y0 - 0.03) & (self._ys < y1 + 0.03)
        foreign = int(np.count_nonzero(inside & (self._ids != self._pair_ids[owner])))
        head = self.heads.get(owner)
        if head is not None and x0 - 0.05 < head[0] < x1 + 0.05 and y0 - 0.05 < head[1] < y1 + 0.05:
            foreign += 10
        return foreign

    def _nearest_is_own(self, rect: Rect, owner: tuple[str, str]) -> bool:
        """The label's centre is nearer its own edge's line than any other's."""
        cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
        d = (self._xs - cx) ** 2 + (self._ys - cy) ** 2
        return bool(self._ids[int(np.argmin(d))] == self._pair_ids[owner])

    def _label_text(self, pair: tuple[str, str]) -> tuple[str, str, float, bool]:
        """Text, colour and alpha of an edge's label, and whether it sits on the line: the overview
        numbers its roads; a scenario shows its steps instead."""
        if self.focus is None:
            return chip(self.lay.numbers(pair)), "#1a1a1a", 1.0, True
        if self.focus.flows is not None:
            patients = self.focus.flows.get(pair, 0)
            if not patients:
                return "", "#1a1a1a", FADED, False
            return f"{patients:,}\n{100 * patients / max(1, self.focus.total):.0f}%", FLOW_TEXT, 1.0, False
        if pair in self.focus.steps:
            steps = [f"{n} (m{m:g})" for n, m in self.focus.steps[pair]]
            rows = [", ".join(steps[i : i + 2]) for i in range(0, len(steps), 2)]  # two to a line: narrow
            return "step " + ",\n".join(rows), HIGHLIGHT, 1.0, False
        if pair in self.focus.blocked:
            return f"x step {self.focus.blocked[pair]}", "#7a7a7a", 1.0, False
        return "", "#1a1a1a", FADED, False

    def label(self, drawn: list[tuple[tuple[str, str], list[Point]]]) -> None:
        """Each edge's label on or beside its line, clear of boxes, labels and other lines, and nearer
        its own edge than any other; the largest placed first; a short leader when nothing is near."""
        self._index()
        (x_lo, x_hi), (y_lo, y_hi) = self.ax.get_xlim(), self.ax.get_ylim()
        self.frame = (x_lo, x_hi, y_lo, y_hi)
        self.box_rects = list(self.boxes.values())
        taken: dict[tuple[str, str], Any] = {}
        if self.focus is not None:
            taken = dict(self.focus.flows) if self.focus.flows is not None else dict(self.focus.steps)
        by_size = sorted(  # the path's own labels first, then the largest
            drawn, key=lambda item: (item[0] not in taken, -_area(self._label_text(item[0])[0]), item[0])
        )
        for pair, anchors in by_size:
            text, colour, alpha, on_line = self._label_text(pair)
            if not text:
                continue
            w, h = label_size(text)
            beside = [(w / 2 + 0.06, 0.0), (-w / 2 - 0.06, 0.0)]
            beside += [(sx * (w / 2 + 0.04), sy * (h / 2 + 0.04)) for sy in (1, -1) for sx in (1, -1)]
            beside += [(0.0, h / 2 + 0.06), (0.0, -h / 2 - 0.06)]
            if on_line:
                trials = [(a, (0.0, 0.0)) for a in anchors] + [(a, o) for a in anchors for o in beside]
            else:
                trials = [(a, o) for a in anchors for o in beside] + [(a, (0.0, 0.0)) for a in anchors]
            found: Rect | None = None
            fallback: tuple[int, Rect] | None = None
            for (cx, cy), (dx, dy) in trials:
                rect = _rect((cx + dx, cy + dy), (w, h))
                if not self._free(rect) or not self._nearest_is_own(rect, pair):
                    continue
                covered = self._covered(rect, pair)
                if covered == 0:
                    found = rect
                    break
                if fallback is None or covered < fallback[0]:
                    fallback = (covered, rect)
            if found is None:
                led = self._with_leader(anchors, (w, h), pair)
                if led is not None:
                    found, anchor = led
                    self._leader(found, anchor, self._style(pair, loop=pair in self.lay.back)[0], alpha)
                elif fallback is not None:
                    found = fallback[1]
            if found is None and self.focus is not None and pair not in taken:
                self.unlabelled.append(pair)  # a blocked road's mark is a hint: it may give way
                continue
            if found is None:
                raise LayoutError(f"no room for the label {text!r} of {pair[0]} -> {pair[1]}")
            spot = ((found[0] + found[2]) / 2, (found[1] + found[3]) / 2)
            self._put(spot, (w, h), text, colour, alpha, pair=pair, chip=on_line)

    def _with_leader(
        self, anchors: list[Point], size: tuple[float, float], owner: tuple[str, str]
    ) -> tuple[Rect, Point] | None:
        """The nearest spot clear of boxes, labels and lines, within reach of a short leader."""
        w, h = size
        best: tuple[float, Rect, Point] | None = None
        for ax_, ay in anchors:
            for reach in (0.25, 0.45, 0.7, 1.0):
                for dx, dy in (
                    (reach + w / 2, 0.0),
                    (-reach - w / 2, 0.0),
                    (0.0, reach + h / 2),
                    (0.0, -reach - h / 2),
                    (reach + w / 2, reach),
                    (-reach - w / 2, reach),
                    (reach + w / 2, -reach),
                    (-reach - w / 2, -reach),
                ):
                    rect = _rect((ax_ + dx, ay + dy), (w, h))
                    if (
                        self._free(rect)
                        and self._covered(rect, owner) == 0
                        and self._nearest_is_own(rect, owner)
                        and self._leader_clear(rect, (ax_, ay))
                    ):
                        distance = math.hypot(dx, dy)
                        if best is None or distance < best[0]:
                            best = (distance, rect, (ax_, ay))
                        break
        return None if best is None else (best[1], best[2])

    def _leader_clear(self, rect: Rect, anchor: Point) -> bool:
        """A leader from the anchor to the label must not pass through any box."""
        end = (min(max(anchor[0], rect[0]), rect[2]), min(max(anchor[1], rect[1]), rect[3]))
        for x0, y0, x1, y1 in self.boxes.values():
            for i in range(1, 20):
                t = i / 20
                x = anchor[0] + (end[0] - anchor[0]) * t
                y = anchor[1] + (end[1] - anchor[1]) * t
                if x0 - 0.03 < x < x1 + 0.03 and y0 - 0.03 < y < y1 + 0.03:
                    return False
        return True

    def _leader(self, rect: Rect, anchor: Point, colour: str, alpha: float) -> None:
        """A thin dotted line from a label to the point of its edge it names."""
        x = min(max(anchor[0], rect[0]), rect[2])
        y = min(max(anchor[1], rect[1]), rect[3])
        self.label_artists += self.ax.plot(
            [anchor[0], x], [anchor[1], y], linestyle=(0, (1, 1.5)), linewidth=0.9, color=colour, alpha=alpha, zorder=4
        )
        self.label_artists += self.ax.plot(
            [anchor[0]], [anchor[1]], marker="o", markersize=2.5, color=colour, alpha=alpha, zorder=4
        )

    def _put(
        self,
        centre: Point,
        size: tuple[float, float],
        text: str,
        colour: str,
        alpha: float,
        pair: tuple[str, str],
        chip: bool,
    ) -> None:
        rect = _rect(centre, size)
        self.placed.append(rect)
        self.labels[pair] = rect
        edge = self._style(pair, loop=pair in self.lay.back)[0]
        label = self.ax.text(
            centre[0],
            centre[1],
            text,
            ha="center",
            va="center",
            fontsize=LABEL_PT,
            color=colour,
            alpha=alpha,
            linespacing=LINE,
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.12,rounding_size=0.3" if chip else "round,pad=0.08",
                "facecolor": "white",
                "edgecolor": edge if chip else "none",
                "linewidth": 0.8,
                "alpha": 1.0 if chip else 0.9,
            },
        )
        gid = f"label-{pair[0]}--{pair[1]}"
        label.set_gid(gid)
        self.label_artists.append(label)
        self.tooltips[gid] = self._road_text(pair)


class LayoutError(Exception):
    """A label found no free place: the figure would not be readable."""


def nearest_edge(lines: list[tuple[tuple[str, str], float, float]], point: Point) -> tuple[str, str] | None:
    """The edge whose drawn line passes nearest the point (of the sampled points of every line)."""
    best: tuple[float, tuple[str, str]] | None = None
    for pair, x, y in lines:
        d = (x - point[0]) ** 2 + (y - point[1]) ** 2
        if best is None or d < best[0]:
            best = (d, pair)
    return None if best is None else best[1]


def chip(numbers: list[int]) -> str:
    """Road numbers as written on an arrow, runs as ranges as the Mermaid charts write them
    ('6, 8-10'); four items to a line."""
    items = number_runs(numbers).split(", ")
    rows = [items[i : i + 4] for i in range(0, len(items), 4)]
    return ",\n".join(", ".join(row) for row in rows)


def _area(text: str) -> float:
    if not text:
        return 0.0
    w, h = label_size(text)
    return w * h


def _bezier(a: Point, b: Point, t: float) -> Point:
    k = (a[1] - b[1]) * 0.45
    p0, p1, p2, p3 = a, (a[0], a[1] - k), (b[0], b[1] + k), b
    mt = 1 - t
    x = mt**3 * p0[0] + 3 * mt**2 * t * p1[0] + 3 * mt * t**2 * p2[0] + t**3 * p3[0]
    y = mt**3 * p0[1] + 3 * mt**2 * t * p1[1] + 3 * mt * t**2 * p2[1] + t**3 * p3[1]
    return (x, y)


def _rounded(points: list[Point], radius: float) -> MPath:
    """An orthogonal polyline with rounded corners."""
    verts: list[Point] = [points[0]]
    codes = [MPath.MOVETO]
    for i in range(1, len(points) - 1):
        prev, corner, nxt = points[i - 1], points[i], points[i + 1]
        d1 = math.dist(prev, corner)
        d2 = math.dist(corner, nxt)
        r = min(radius, d1 / 2, d2 / 2)
        a = (corner[0] + (prev[0] - corner[0]) * r / d1, corner[1] + (prev[1] - corner[1]) * r / d1) if d1 else corner
        b = (corner[0] + (nxt[0] - corner[0]) * r / d2, corner[1] + (nxt[1] - corner[1]) * r / d2) if d2 else corner
        verts += [a, corner, b]
        codes += [MPath.LINETO, MPath.CURVE3, MPath.CURVE3]
    verts.append(points[-1])
    codes.append(MPath.LINETO)
    return MPath(verts, codes)


# --- the key: every road's number, guard and rules, grouped by the state it leaves -----------------

KEY_GAP = 0.3  # between the key's columns
KEY_NUMBER = 0.32  # room for a road's number before its text


def key_lines(graph: nx.MultiDiGraph[str], lay: Layout, column: float) -> list[tuple[str, str, bool]]:
    """The key as lines (number, text, heading?) wrapped to a column width in inches."""
    lines: list[tuple[str, str, bool]] = []
    source = ""
    for road in lay.roads:
        if road.source != source:
            source = road.source
            lines.append(("", f"From {graph.nodes[source]['title']}", True))
        dest = graph.nodes[road.dest]["title"]
        text = f"{road.guard} \u2192 {dest} ({', '.join(road.rules)})"
        for i, part in enumerate(wrap_to(text, LABEL_PT, column - KEY_NUMBER)):
            lines.append((str(road.number) if i == 0 else "", part, False))
    return lines


def _columns(lines: list[tuple[str, str, bool]], count: int) -> list[list[tuple[str, str, bool]]]:
    """Split the key into columns of about equal height, a road's lines and a heading with its
    first road kept together."""
    per = math.ceil(len(lines) / count)
    columns: list[list[tuple[str, str, bool]]] = [[]]
    heading = ""
    for line in lines:
        last = columns[-1]
        starts_road = bool(line[0]) or line[2]
        heading_alone = bool(last) and last[-1][2]
        if len(columns) < count and len(last) >= per and starts_road and not heading_alone:
            columns.append([] if line[2] else [("", f"{heading} (continued)", True)])
        if line[2]:
            heading = line[1]
        columns[-1].append(line)
    return columns


def draw_pathway(
    graph: nx.MultiDiGraph[str],
    lay: Layout,
    ax: Axes | None = None,
    focus: Highlight | None = None,
    title: str = "Colorectal liver metastases: the treatment pathway",
    subtitle: str | None = None,
) -> Axes:
    """Draw the pathway (optionally a scenario's path on it). Returns the Axes."""
    left, right, bottom, top = lay.extent()
    width = _width(lay)
    centre = (left + right) / 2
    x_lo, x_hi = centre - width / 2, centre + width / 2
    room = width - 2 * MARGIN
    note = subtitle or (
        "Numbers on the arrows are the roads listed below. Roads out of a state are tried in number order; "
        "the first whose guards hold is taken."
    )
    notes = wrap_to(note, 9.5, room)
    sources = "Sources: " + "; ".join(f"{s.key} {s.title}" for s in SOURCES.values()) + "."
    footer = [
        *wrap_to(sources, FOOT_PT, room),
        *wrap_to(
            "Teaching and documentation tool, not clinical advice. Generated by `pathway render` from pathway/definition.py.",
            FOOT_PT,
            room,
        ),
    ]
    count = 2 if room >= 2 * 3.6 + KEY_GAP else 1
    column = (room - KEY_GAP * (count - 1)) / count
    key = _columns(key_lines(graph, lay, column), count) if focus is None else []
    line_h = LABEL_PT * LINE / 72
    key_h = (max(len(c) for c in key) * line_h + 0.3) if key else 0.0
    titles = wrap_to(title, 15.0 * 1.1, room)
    head = 0.45 + 0.3 * len(titles) + 0.2 * len(notes) + 0.22 * LEGEND_ROWS + 0.2
    foot = 0.2 + FOOT_PT * LINE / 72 * len(footer) + key_h
    height = top - bottom + 2 * MARGIN + head + foot
    if ax is None:
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    y_lo, y_hi = bottom - MARGIN - foot, top + MARGIN + head
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_aspect("equal")
    ax.axis("off")
    drawing = _Drawing(graph, lay, ax, focus)
    drawing.draw_boxes()
    ports = drawing._ports()
    forward = drawing.draw_forward(ports)
    loops = drawing.draw_loops()
    y = y_hi - 0.3
    for line in titles:
        drawing.header.append(ax.text(centre, y, line, ha="center", va="center", fontsize=15, fontweight="bold"))
        y -= 0.3
    y -= 0.02
    for line in notes:
        drawing.header.append(ax.text(centre, y, line, ha="center", va="center", fontsize=9.5, color="#333333"))
        y -= 0.2
    _phase_legend(ax, centre, y - 0.05)
    drawing.bands = [(x_lo, top + MARGIN, x_hi, y_hi), (x_lo, y_lo, x_hi, bottom - MARGIN)]  # header, key, footer
    drawing.placed = list(drawing.bands)
    drawing.anchors = forward + loops
    drawing.restyle(focus)
    drawing.label(drawing.anchors)
    key_top = bottom - MARGIN - 0.15
    for c, lines in enumerate(key):
        x = x_lo + MARGIN + c * (column + KEY_GAP)
        for i, (number, text, heading) in enumerate(lines):
            y = key_top - (i + 0.5) * line_h
            if number:
                ax.text(x + KEY_NUMBER - 0.08, y, number, ha="right", va="center", fontsize=LABEL_PT, fontweight="bold")
            ax.text(
                x if heading else x + KEY_NUMBER,
                y,
                text,
                ha="left",
                va="center",
                fontsize=LABEL_PT,
                fontweight="bold" if heading else "normal",
                color="#1a1a1a" if heading else "#333333",
                gid=f"key-{number}" if number else None,
            )
    for i, line in enumerate(footer):
        ax.text(
            centre,
            y_lo + 0.12 + FOOT_PT * LINE / 72 * (len(footer) - 1 - i + 0.5),
            line,
            ha="center",
            va="center",
            fontsize=FOOT_PT,
            color="#444444",
        )
    _DRAWINGS[ax] = drawing
    return ax


def _width(lay: Layout) -> float:
    """The figure's width in inches: the drawing and its margins, or enough for the header and key."""
    left, right, _bottom, _top = lay.extent()
    return max(right - left + 2 * MARGIN, MIN_WIDTH)


_BASES: dict[tuple[str, int, int], Axes] = {}  # (pathway, title lines, note lines) -> a drawing to reuse
KEPT_DRAWINGS = 12


def draw_scenario(graph: nx.MultiDiGraph[str], lay: Layout, focus: Highlight, title: str, subtitle: str) -> Axes:
    """A scenario's path on its pathway, as `draw_pathway` draws it, but reusing the drawing of an
    earlier scenario of the same pathway with as many header lines: restyled and relabelled, it gives
    the same file a fresh drawing would (tested), at about half the cost. Do not close the figure."""
    room = _width(lay) - 2 * MARGIN
    titles, notes = wrap_to(title, 15.0 * 1.1, room), wrap_to(subtitle, 9.5, room)
    lines = titles + notes
    key = (str(graph.graph.get("name")), len(titles), len(notes))
    ax = _BASES.get(key)
    if ax is None:
        if len(_BASES) >= KEPT_DRAWINGS:  # keep few figures open (pyplot warns past 20)
            oldest = next(iter(_BASES))
            plt.close(_BASES.pop(oldest).get_figure(root=True))
        ax = _BASES[key] = draw_pathway(graph, lay, focus=focus, title=title, subtitle=subtitle)
        return ax
    drawing = _DRAWINGS[ax]
    drawing.set_header(lines)
    drawing.clear_labels()
    drawing.restyle(focus)
    drawing.label(drawing.anchors)
    return ax


FOOT_PT = 9.0
SWATCH = 0.17  # inches: a phase's colour in the legend


def _phase_legend(ax: Axes, centre: float, top: float) -> None:
    """The phases' colours, in columns of LEGEND_ROWS, centred (drawn directly: a matplotlib
    Legend costs more to lay out than the whole rest of the header)."""
    phases = list(PHASE_COLOURS)
    columns = [phases[i : i + LEGEND_ROWS] for i in range(0, len(phases), LEGEND_ROWS)]
    widths = [SWATCH + 0.08 + max(text_width(PHASE_TITLES[p], LABEL_PT) for p in col) for col in columns]
    gap = 0.25
    x = centre - (sum(widths) + gap * (len(columns) - 1)) / 2
    row_h = LABEL_PT * LINE / 72 + 0.04
    for col, width in zip(columns, widths, strict=True):
        for r, phase in enumerate(col):
            y = top - (r + 0.5) * row_h
            fill, stroke = PHASE_COLOURS[phase]
            swatch = Rectangle(
                (x, y - SWATCH * 0.3), SWATCH, SWATCH * 0.6, facecolor=fill, edgecolor=stroke, linewidth=0.8
            )
            swatch.set_gid(f"legend-{phase}")
            ax.add_artist(swatch)
            ax.text(x + SWATCH + 0.08, y, PHASE_TITLES[phase], ha="left", va="center", fontsize=LABEL_PT)
        x += width + gap


_DRAWINGS: weakref.WeakKeyDictionary[Axes, _Drawing] = weakref.WeakKeyDictionary()


def drawing_of(ax: Axes) -> _Drawing:
    """What `draw_pathway` placed on the Axes: lines, labels, tooltips (for tests and `svg_text`)."""
    return _DRAWINGS[ax]


def svg_text(ax: Axes, creator: str = "pathway render") -> str:
    """The figure as SVG text: real text in a common font stack, a <title> tooltip on every box,
    edge and label (its guard text and rules), deterministic to the byte."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": creator})
    svg = buffer.getvalue()
    tooltips = _DRAWINGS[ax].tooltips if ax in _DRAWINGS else {}

    def titled(m: re.Match[str]) -> str:
        tip = tooltips.get(m.group(1))
        return m.group(0) if tip is None else f"{m.group(0)}\n   <title>{xml_escape(tip)}</title>"

    svg = re.sub(r'<g id="([a-z]+-[a-z_-]+)">', titled, svg)
    svg = svg.replace(f"font-family: {FONTS}; ", "").replace(f"; font-family: {FONTS}", "")  # set once, below
    svg = svg.replace('<style type="text/css">*{', f'<style type="text/css">text{{font-family: {FONTS}}}\n*{{', 1)
    svg = re.sub(r' transform="rotate\(-0 [0-9.e-]+ [0-9.e-]+\)"', "", svg)  # upright text needs no rotation
    return re.sub(r' clip-path="url\(#[0-9a-z]+\)"', "", svg)  # the only clip is the whole figure


FONTS = "'DejaVu Sans', 'Verdana', 'Geneva', sans-serif"


def save(ax: Axes, *paths: Path, close: bool = True) -> None:
    """Write the figure to each path (SVG or PNG by its suffix) from one drawing, then close it."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    for path in paths:
        if path.suffix == ".svg":
            path.write_text(svg_text(ax), encoding="utf-8")
        else:  # 96 dpi: 1 pt = 4/3 px, as a browser shows the SVG
            fig.savefig(path, format="png", dpi=96, metadata={"Software": None})
    if close:
        plt.close(fig)


# --- the timeline strip -----------------------------------------------------------------------

TIMELINE_PT = 8.0


def draw_timeline(trajectory: Trajectory, width: float = 12.0, title: str | None = None, legend: bool = True) -> Axes:
    """A scenario's course in months: a band for each stretch, coloured by its phase; operations,
    same-month decisions, surveillance visits and the end as marks. SVG ids: `step-N` (a band),
    `step-N-text`, `step-N-num`, `step-N-<kind><i>` (a mark), `tick-<month>`."""
    from .timeline import bands, month_ticks, x_of

    stretches, marks = bands(trajectory)
    last = max([b.end for b in stretches] + [m.month for m in marks] + [1.0])
    left, right = 0.3, 0.3
    low, high = 0.55, 0.95  # the band's bottom and top, in inches
    height = high + 0.35 + (0.3 if title else 0.0)
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    span = x_of(last)
    scale = (width - left - right) / span  # inches per drawn unit
    ax.set_xlim(-left / scale, span + right / scale)
    ax.set_ylim(0.0, height)
    ax.axis("off")
    numbered: list[float] = []
    for band in stretches:
        x0, x1 = x_of(band.start), x_of(band.end)
        fill, stroke = PHASE_COLOURS[band.phase]
        rect = FancyBboxPatch(
            (x0, low), x1 - x0, high - low, boxstyle="square,pad=0", facecolor=fill, edgecolor=stroke, linewidth=0.8
        )
        rect.set_gid(f"step-{band.step}")
        ax.add_patch(rect)
        room = (x1 - x0) * scale - 0.1
        acronym = re.search(r"\(([A-Z][A-Za-z0-9/-]+)\)", band.label)
        for text in (band.label, acronym.group(1) if acronym else "", STATES_SHORT.get(band.state, "")):
            if text and text_width(text, TIMELINE_PT) <= room:
                ax.text(
                    (x0 + x1) / 2,
                    (low + high) / 2,
                    text,
                    ha="center",
                    va="center",
                    fontsize=TIMELINE_PT,
                    gid=f"step-{band.step}-text",
                )
                break
        if not numbered or (x0 - numbered[-1]) * scale >= 0.22:  # numbers too close would run together
            numbered.append(x0)
            ax.text(x0, high + 0.05, str(band.step), ha="left", va="bottom", fontsize=7.5, gid=f"step-{band.step}-num")
    for i, mark in enumerate(marks):
        x = x_of(mark.month)
        gid = f"step-{mark.step}-{mark.kind}{i}"
        if mark.kind == "visit":
            ax.plot([x, x], [low - 0.1, low - 0.02], color=PHASE_COLOURS["follow-up"][1], linewidth=0.9, gid=gid)
        elif mark.kind == "operation":
            ax.plot([x], [high + 0.03], marker="v", markersize=6, color=PHASE_COLOURS["surgical"][1], gid=gid)
        elif mark.kind == "end":
            ax.plot([x], [(low + high) / 2], marker="s", markersize=7, color=PHASE_COLOURS["end"][1], gid=gid)
        else:
            ax.plot([x], [low - 0.06], marker="D", markersize=3.5, color="#666666", gid=gid)
    ax.plot([0, span], [0.3, 0.3], color="#444444", linewidth=0.8)
    for month in month_ticks(last):
        x = x_of(month)
        ax.plot([x, x], [0.26, 0.34], color="#444444", linewidth=0.8, gid=f"tick-{month:g}")
        ax.text(x, 0.22, f"{month:g}", ha="center", va="top", fontsize=7.5, color="#333333", gid=f"tick-{month:g}-text")
    if legend:
        ax.text(span, 0.02, "months from referral (the first year at full width)", ha="right", va="bottom", fontsize=7)
        ax.text(
            0,
            0.02,
            "\u25bc operation   \u25c6 decision in the same month   | surveillance visit   \u25a0 end",
            ha="left",
            va="bottom",
            fontsize=7,
            color="#333333",
        )
    if title:
        ax.text(0, height - 0.08, title, ha="left", va="top", fontsize=10, fontweight="bold")
    return ax


STATES_SHORT = {  # when a band is too narrow for its label
    "neoadjuvant": "chemo",
    "palliative_systemic": "systemic",
    "adjuvant": "adjuvant",
    "reassessment": "restage",
    "surveillance": "surveillance",
    "surgery": "surgery",
    "liver_augmentation": "PVE",
    "primary_resection": "primary",
    "locoregional": "local",
    "observation": "observe",
    "mdt_review": "MDT",
    "staging": "staging",
    "referral": "referral",
    "recurrence": "recurrence",
}
