"""The pathway as a plain networkx graph, extracted from the definition; Mermaid and DOT from it.

Every picture and text format is drawn from this graph alone, so diagrams cannot drift from the
machine that runs the replays.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from . import definition as d
from .spec import Road

TITLES = {
    "referral": "Referral",
    "staging": "Staging",
    "mdt_review": "MDT review",
    "primary_resection": "Primary resection",
    "neoadjuvant": "Neoadjuvant therapy",
    "reassessment": "Reassessment",
    "liver_augmentation": "Liver augmentation",
    "surgery": "Liver surgery",
    "adjuvant": "Adjuvant therapy",
    "surveillance": "Surveillance",
    "recurrence": "Recurrence",
    "locoregional": "Locoregional therapy",
    "palliative_systemic": "Palliative systemic",
    "observation": "Observation",
    "best_supportive_care": "Best supportive care",
    "disease_free": "Disease-free",
}

PHASE_TITLES = {
    "entry": "Referral and decision",
    "systemic": "Systemic therapy",
    "assessment": "Reassessment",
    "surgical": "Surgery",
    "local": "Locoregional",
    "follow-up": "Follow-up",
    "end": "Outcome",
}


def is_back(source: str, dest: str) -> bool:
    """A road to the same or an earlier phase in clinical order is a loop."""
    order = d.CLINICAL_ORDER
    return order.index(dest) <= order.index(source)


# The primaries that have a pathway of their own, and the sites each covers.
FAMILIES: dict[str, tuple[str, ...]] = {
    "colorectal": ("colon", "rectum"),
    "neuroendocrine": ("neuroendocrine",),
    "breast": ("breast",),
    "gastric": ("gastric",),
    "gist": ("gist",),
    "sarcoma": ("sarcoma",),
}
FAMILY_TITLES = {
    "colorectal": "Colorectal liver metastases",
    "neuroendocrine": "Neuroendocrine liver metastases",
    "breast": "Breast cancer liver metastases",
    "gastric": "Gastric cancer liver metastases",
    "gist": "GIST liver metastases",
    "sarcoma": "Soft-tissue sarcoma liver metastases",
}


def family_of(site: str) -> str:
    return next((f for f, sites in FAMILIES.items() if site in sites), "colorectal")


def scope_of(road: Road) -> tuple[str, ...]:
    """The sites a road exists for (empty: every primary)."""
    return tuple(site for guard in road.guards for site in guard.sites)


def pathway_graph(primary: str | None = None) -> nx.MultiDiGraph[str]:
    """Nodes: states with phase, title and description. Edges: roads, keyed by name, with the order
    they are tried in. With `primary` (a FAMILIES key), only that primary's roads and the shared
    ones, numbered in the order that primary meets them."""
    wanted = FAMILIES[primary] if primary else None
    roads = [r for r in d.ROADS if wanted is None or not scope_of(r) or set(scope_of(r)) & set(wanted)]
    if wanted is not None:  # keep what this primary can reach from referral
        reached = d.reachable(roads)
        roads = [r for r in roads if r.source in reached]
    used = {r.source for r in roads} | {r.dest for r in roads}
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=f"pathway-{primary}" if primary else "pathway")
    drawn = [s for s in d.CLINICAL_ORDER if s not in d.NOT_YET_ENCODED and s in used]
    for name in drawn:
        state = d.STATES[name]
        graph.add_node(
            name,
            title=TITLES[name],
            phase=state.phase,
            description=state.description,
            terminal=state.terminal,
        )
    for source in d.TRIGGERS:
        for order, road in enumerate((r for r in roads if r.source == source), start=1):
            graph.add_edge(
                road.source,
                road.dest,
                key=road.name,
                trigger=d.TRIGGERS[source],
                guard=road.guard_label,
                guards=[g.name for g in road.guards],
                order=order,
                rules=list(road.rules),
                alternative=road.alternative,
                back=is_back(road.source, road.dest),
                scope=list(scope_of(road)),
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
