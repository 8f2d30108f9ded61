"""The pathway as a plain networkx graph, extracted from the definition; Mermaid and DOT from it.

Every picture and text format is drawn from this graph alone, so diagrams cannot drift from the
machine that runs the replays.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

import networkx as nx

from . import definition as d
from .vocabulary import CLINICAL_ORDER, STATES, TRIGGERS, is_back

PHASE_TITLES = {
    "entry": "Referral and decision",
    "systemic": "Systemic therapy",
    "assessment": "Reassessment",
    "surgical": "Surgery",
    "local": "Locoregional",
    "follow-up": "Follow-up",
    "end": "Outcome",
}

PRIMARIES: tuple[str, ...] = tuple(d.PATHWAYS)  # the primaries that have a pathway (and a figure)


def family_of(site: str) -> str:
    """The pathway a primary site belongs to (colorectal while it is unknown)."""
    found = d.pathway_for(site)
    return found.name if found is not d.ENTRY else "colorectal"


def title_of(primary: str) -> str:
    return d.PATHWAYS[primary].profile.title


def pathway_graph(primary: str | None = None) -> nx.MultiDiGraph[str]:
    """Nodes: states with phase, title and description. Edges: roads, keyed by name, with the order
    they are tried in. With `primary` (a pathway's name), that pathway's roads, numbered in its order;
    without, every road of every pathway, each with the pathways it belongs to (`scope`)."""
    roads = d.PATHWAYS[primary].roads if primary else d.all_roads()
    scopes: dict[str, list[str]] = {}
    for name, pathway in d.PATHWAYS.items():
        for road in pathway.roads:
            scopes.setdefault(road.name, []).append(name)
    used = {r.source for r in roads} | {r.dest for r in roads}
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=f"pathway-{primary}" if primary else "pathway")
    for name in (s for s in CLINICAL_ORDER if s in used):
        state = STATES[name]
        graph.add_node(
            name,
            title=state.title,
            phase=str(state.phase),
            description=state.description,
            terminal=state.terminal,
        )
    for source in TRIGGERS:
        for order, road in enumerate((r for r in roads if r.source == source), start=1):
            graph.add_edge(
                road.source,
                road.dest,
                key=road.name,
                trigger=TRIGGERS[source],
                guard=road.label,
                guards=[g.name for g in road.guards],
                order=order,
                rank=road.rank,
                rules=list(road.rules),
                alternative=road.alternative,
                back=is_back(road.source, road.dest),
                scope=[] if len(scopes[road.name]) == len(d.PATHWAYS) else scopes[road.name],
            )
    return graph


def to_json(graph: nx.MultiDiGraph[str], layout: Any | None = None) -> dict[str, Any]:
    """networkx node-link data; with a layout, each node carries `pos` [x, y] and `box` [w, h]."""
    data: dict[str, Any] = nx.node_link_data(graph, edges="links")
    if layout is not None:
        for node in data["nodes"]:
            x, y = layout.pos[node["id"]]
            w, h = layout.box[node["id"]]
            node["pos"] = [round(x, 3), round(y, 3)]
            node["box"] = [round(w, 3), round(h, 3)]
        data["graph"]["units"] = "inches, y up (as drawn)"
    return data


PHASE_COLOURS = {
    "entry": ("#dbe9f6", "#2b5d8a"),
    "systemic": ("#fde2c8", "#a15a12"),
    "assessment": ("#fff2b3", "#8a6d00"),
    "surgical": ("#d9f0d3", "#2f7032"),
    "local": ("#e6dcf2", "#5b3f86"),
    "follow-up": ("#d6f1f0", "#1d6b68"),
    "end": ("#e8e8e8", "#4d4d4d"),
}

# Mermaid's flowchart keywords: as a node id or a class name each stops the parser (`classDef end`).
MERMAID_RESERVED = frozenset(
    {
        "end",
        "graph",
        "flowchart",
        "flowchart-elk",
        "subgraph",
        "style",
        "linkstyle",
        "classdef",
        "class",
        "click",
        "call",
        "href",
        "default",
        "interpolate",
        "direction",
        "acctitle",
        "accdescr",
        "_self",
        "_blank",
        "_parent",
        "_top",
        "tb",
        "td",
        "bt",
        "rl",
        "lr",
    }
)
# Drawn as they are inside a quoted label; any other ASCII character becomes an entity code (#35; for
# '#'), which Mermaid 10 and 11 both decode: '"' would end the label, '<' open HTML, and since Mermaid
# 11 reads labels as Markdown, '1.', '*', '_', '`', '>' or '#' would open markup ('-' only at the
# start of a line, a list).
_MERMAID_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,()/'")
_MERMAID_NAMED = {'"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;"}
# The chart's settings (a directive both Mermaid 10 and 11 read): sized for GitHub's column; see
# MERMAID_WIDTH and tests/test_mermaid.py.
MERMAID_CONFIG = '%%{init: {"flowchart": {"nodeSpacing": 35, "rankSpacing": 50}}}%%'
TITLE_WRAP = 14  # characters per line of a state's title in a chart
LABEL_WRAP = 8  # characters per line of an edge's road numbers
MERMAID_WIDTH = 830  # px, GitHub's Markdown column: a wider chart is scaled down to it
MIN_SHOWN_PX = 9.0  # the smallest text as shown in that column


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: every character that could end the string, open markup or
    start a keyword's match is written as an entity code; lines are joined with <br/>."""
    lines = []
    for line in text.split("\n"):
        out = []
        for i, ch in enumerate(line):
            if ch == " " and line[:i].lower().endswith("direction"):
                out.append("#32;")  # 'direction TB' anywhere on a line makes the line a direction statement
            elif ch in _MERMAID_PLAIN or (ch == "-" and i > 0) or (ord(ch) > 127 and ch.isprintable()):
                out.append(ch)
            else:
                out.append(_MERMAID_NAMED.get(ch, f"#{ord(ch)};"))
        lines.append("".join(out))
    return "<br/>".join(lines)


def mermaid_id(name: str) -> str:
    """A node id Mermaid reads as an id: a state's own name unless it is a keyword or not a word."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and name.lower() not in MERMAID_RESERVED:
        return name
    return "state_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def mermaid_class(phase: str) -> str:
    return "phase_" + re.sub(r"[^A-Za-z0-9_]", "_", phase)


def road_numbers(graph: nx.MultiDiGraph[str]) -> dict[tuple[str, str, str], int]:
    """Every road numbered 1, 2, ... by its state (in clinical order), and out of one state in the
    order the roads are tried: of two roads from the same state, the lower number is tried first."""
    place = {name: i for i, name in enumerate(graph.nodes)}
    roads: list[tuple[str, str, str, int]] = sorted(
        graph.edges(keys=True, data="order"), key=lambda r: (place[r[0]], r[3], r[2])
    )
    return {(u, v, key): n for n, (u, v, key, _order) in enumerate(roads, start=1)}


def number_runs(numbers: list[int]) -> str:
    """'3, 5-7, 9': three or more consecutive numbers as a range."""
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{numbers[i]}-{numbers[j]}")
        else:
            parts.extend(str(n) for n in numbers[i : j + 1])
        i = j + 1
    return ", ".join(parts)


@dataclass(frozen=True)
class ChartEdge:
    """One drawn edge: every road from `a` to `b` (`ahead`) and from `b` back to `a` (`back`)."""

    a: str
    b: str
    ahead: tuple[int, ...]
    back: tuple[int, ...]
    dashed: bool  # every road on it is an accepted alternative

    @property
    def label(self) -> str:
        """'3, 5', or '4 / 15' both ways; past LABEL_WRAP characters, a line per few numbers, the
        roads back on lines of their own ('/ 30, 33')."""
        ahead = number_runs(list(self.ahead))
        back = f"/ {number_runs(list(self.back))}" if self.back else ""
        if len(f"{ahead} {back}".strip()) <= LABEL_WRAP:
            return f"{ahead} {back}".strip()
        lines = [line for part in (ahead, back) for line in textwrap.wrap(part, LABEL_WRAP, break_long_words=False)]
        return "\n".join(lines)


def chart_edges(graph: nx.MultiDiGraph[str]) -> list[ChartEdge]:
    """One edge per pair of states, in the order of their lowest road number."""
    numbers = road_numbers(graph)
    pairs: dict[frozenset[str], tuple[str, str]] = {}
    roads: dict[tuple[str, str], list[int]] = {}
    alternative: dict[frozenset[str], list[bool]] = {}
    for (u, v, key), n in sorted(numbers.items(), key=lambda item: item[1]):
        pair = frozenset((u, v))
        pairs.setdefault(pair, (u, v))
        roads.setdefault((u, v), []).append(n)
        alternative.setdefault(pair, []).append(bool(graph.edges[u, v, key]["alternative"]))
    return [
        ChartEdge(a, b, tuple(roads[a, b]), tuple(roads.get((b, a), ())), all(alternative[pair]))
        for pair, (a, b) in pairs.items()
    ]


def _ordinal_road(graph: nx.MultiDiGraph[str], u: str, v: str, key: str) -> str:
    data = graph.edges[u, v, key]
    return f"{graph.nodes[u]['title']} -> {graph.nodes[v]['title']}, tried {data['order']} of {graph.out_degree(u)}"


def to_mermaid(graph: nx.MultiDiGraph[str]) -> str:
    """A flowchart GitHub renders: states by title, one edge per pair of states labelled with the
    numbers of its roads; each road's guard and rules in a comment (and in docs/pathways.md)."""
    ids = {name: mermaid_id(name) for name in graph.nodes}
    if len(set(ids.values())) != len(ids):
        raise ValueError(f"two states share a Mermaid id: {sorted(ids.items(), key=lambda kv: kv[1])}")
    lines = [MERMAID_CONFIG, "flowchart TD"]
    numbers = road_numbers(graph)
    for (u, v, key), n in sorted(numbers.items(), key=lambda item: item[1]):
        data = graph.edges[u, v, key]
        comment = " ".join(
            f"road {n} ({_ordinal_road(graph, u, v, key)}): {data['guard']} [{', '.join(data['rules'])}]".split()
        )
        lines.append("%% " + comment.replace("%%{", "%% {"))  # one line each, never a directive
    for name, data in graph.nodes(data=True):
        title = textwrap.wrap(str(data["title"]), TITLE_WRAP, break_long_words=False, break_on_hyphens=False)
        label = mermaid_text("\n".join(title) or " ")
        shape = f'(["{label}"])' if data["terminal"] else f'("{label}")'
        lines.append(f"    {ids[name]}{shape}")
    for edge in chart_edges(graph):
        line = "-.-" if edge.dashed else "--"
        arrow = f"<{line}>" if edge.back else f"{line}>"
        lines.append(f'    {ids[edge.a]} {arrow}|"{mermaid_text(edge.label)}"| {ids[edge.b]}')
    for phase, (fill, stroke) in PHASE_COLOURS.items():
        members = [ids[n] for n, data in graph.nodes(data=True) if data["phase"] == phase]
        if members:
            lines.append(f"    classDef {mermaid_class(phase)} fill:{fill},stroke:{stroke},color:#1a1a1a")
            lines.append(f"    class {','.join(members)} {mermaid_class(phase)}")
    return "\n".join(lines) + "\n"


PHASE_COLOUR_NAMES = {
    "entry": "blue",
    "systemic": "orange",
    "assessment": "yellow",
    "surgical": "green",
    "local": "purple",
    "follow-up": "teal",
    "end": "grey",
}
PAGE_COMMAND = "pathway graph --format markdown > docs/pathways.md"


def markdown_text(text: str) -> str:
    """Text for a Markdown table cell or heading: no character in it opens markup or ends the cell."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = re.sub(r"([\\`*_\[\]|#~])", r"\\\1", out)
    return " ".join(out.split())


def _anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def section_title(primary: str | None) -> str:
    return title_of(primary) if primary else "Every road of every pathway"


def markdown_section(primary: str | None) -> str:
    """One chart as GitHub shows it (a mermaid block) and the table of its roads, by number."""
    graph = pathway_graph(primary)
    numbers = road_numbers(graph)
    head = "| road | from | to | tried | guard | rules |"
    rule = "|---:|---|---|---|---|---|"
    if primary is None:
        head, rule = head + " pathways |", rule + "---|"
    lines = [f"## {markdown_text(section_title(primary))}", "", "```mermaid", to_mermaid(graph).rstrip("\n"), "```"]
    lines += ["", head, rule]
    for (u, v, key), n in sorted(numbers.items(), key=lambda item: item[1]):
        data = graph.edges[u, v, key]
        cells = [
            str(n),
            markdown_text(str(graph.nodes[u]["title"])),
            markdown_text(str(graph.nodes[v]["title"])),
            f"{data['order']} of {graph.out_degree(u)}" + (", alternative" if data["alternative"] else ""),
            markdown_text(str(data["guard"])),
            markdown_text(", ".join(data["rules"])),
        ]
        if primary is None:
            cells.append(markdown_text(", ".join(data["scope"]) or "all"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def pathways_page() -> str:
    """docs/pathways.md: every primary's chart and roads, then every road at once, then the states."""
    sections = [*PRIMARIES, None]
    colours = "; ".join(f"{PHASE_COLOUR_NAMES[p]}, {PHASE_TITLES[p].lower()}" for p in PHASE_COLOURS)
    lines = [
        "# The pathway, one chart per primary",
        "",
        f"<!-- Generated by `{PAGE_COMMAND}`: do not edit by hand (tests/test_mermaid.py fails when it is stale). -->",
        "",
        "Drawn from the definition the simulator runs. Each box is a state, coloured by phase"
        f" ({colours}); a box with round ends is an outcome. Each arrow joins two states and carries the"
        " numbers of the roads between them, listed in the table under the chart. Roads are numbered by"
        " the state they leave and, out of one state, in the order they are tried: the first whose guard"
        " holds is taken, so of two roads from the same state the lower number wins. `4 / 15` on a"
        " two-headed arrow: road 4 runs one way, road 15 back. A dashed arrow holds only accepted"
        " alternatives, which the replay narrates but does not take.",
        "",
        *(f"- [{markdown_text(section_title(p))}](#{_anchor(section_title(p))})" for p in sections),
        "- [States](#states)",
        "",
    ]
    for primary in sections:
        lines += [markdown_section(primary)]
    lines += ["## States", "", "| state | id | phase | what happens there |", "|---|---|---|---|"]
    for name, data in pathway_graph(None).nodes(data=True):
        cells = [markdown_text(str(data[f])) for f in ("title", "phase", "description")]
        cells[1] = PHASE_TITLES[str(data["phase"])]
        lines.append(f"| {cells[0]} | `{name}` | {cells[1]} | {cells[2]} |")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


_DOT_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


def _dot_id(name: str) -> str:
    """A state's name as a DOT id: bare when it is a word and not a keyword, quoted otherwise."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in _DOT_KEYWORDS:
        return name
    return f'"{_dot_text(name)}"'


def to_dot(graph: nx.MultiDiGraph[str]) -> str:
    lines = [
        "digraph pathway {",
        '    graph [rankdir=TB, fontname="DejaVu Sans"];',
        '    node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10];',
        '    edge [fontname="DejaVu Sans", fontsize=8];',
    ]
    for name, data in graph.nodes(data=True):
        fill, stroke = PHASE_COLOURS[data["phase"]]
        label = _dot_text(f"{data['title']}\n{data['description']}")
        lines.append(f'    {_dot_id(name)} [label="{label}", fillcolor="{fill}", color="{stroke}"];')
    for u, v, key, data in graph.edges(keys=True, data=True):
        label = _dot_text(f"{data['order']}. {data['guard']}")
        style = ', style="dashed"' if data["alternative"] else ""
        rules = _dot_text(" ".join(data["rules"]))
        ends = f"{_dot_id(u)} -> {_dot_id(v)}"
        lines.append(f'    {ends} [key="{_dot_text(key)}", label="{label}", tooltip="{rules}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
