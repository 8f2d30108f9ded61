"""The pathway as a plain networkx graph, extracted from the definition; Mermaid and DOT from it.

Every picture and text format is drawn from this graph alone, so diagrams cannot drift from the
machine that runs the replays.
"""

from __future__ import annotations

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


def edge_groups(graph: nx.MultiDiGraph[str]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Parallel roads between the same two states, in evaluation order (one drawn edge each pair)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        groups.setdefault((u, v), []).append({"key": key, **data})
    for roads in groups.values():
        roads.sort(key=lambda r: r["order"])
    return groups


def group_label(roads: list[dict[str, Any]]) -> str:
    """One line per road: its evaluation order at the source and its guard label."""
    if len(roads) == 1 and roads[0]["order"] == 1 and roads[0]["guard"] in ("every referral", "restaged"):
        return str(roads[0]["guard"])
    return "\n".join(f"{r['order']}. {r['guard']}" for r in roads)


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


def _mermaid_text(text: str) -> str:
    out = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("\n", "<br/>")


PHASE_COLOURS = {
    "entry": ("#dbe9f6", "#2b5d8a"),
    "systemic": ("#fde2c8", "#a15a12"),
    "assessment": ("#fff2b3", "#8a6d00"),
    "surgical": ("#d9f0d3", "#2f7032"),
    "local": ("#e6dcf2", "#5b3f86"),
    "follow-up": ("#d6f1f0", "#1d6b68"),
    "end": ("#e8e8e8", "#4d4d4d"),
}


def to_mermaid(graph: nx.MultiDiGraph[str]) -> str:
    lines = ["flowchart TD"]
    for name, data in graph.nodes(data=True):
        label = _mermaid_text(f"{data['title']}\n{data['description']}")
        shape = f'(["{label}"])' if data["terminal"] else f'("{label}")'
        lines.append(f"    {name}{shape}")
    for u, v, _key, data in graph.edges(keys=True, data=True):
        arrow = "-.->" if data["alternative"] else "-->"
        label = _mermaid_text(f"{data['order']}. {data['guard']}")
        lines.append(f'    {u} {arrow}|"{label}"| {v}')
    for phase, (fill, stroke) in PHASE_COLOURS.items():
        members = [n for n, data in graph.nodes(data=True) if data["phase"] == phase]
        if members:
            lines.append(f"    classDef {phase.replace('-', '_')} fill:{fill},stroke:{stroke},color:#1a1a1a")
            lines.append(f"    class {','.join(members)} {phase.replace('-', '_')}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


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
        lines.append(f'    {name} [label="{label}", fillcolor="{fill}", color="{stroke}"];')
    for u, v, key, data in graph.edges(keys=True, data=True):
        label = _dot_text(f"{data['order']}. {data['guard']}")
        style = ', style="dashed"' if data["alternative"] else ""
        rules = _dot_text(" ".join(data["rules"]))
        lines.append(f'    {u} -> {v} [key="{key}", label="{label}", tooltip="{rules}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
