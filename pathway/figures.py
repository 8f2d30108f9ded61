"""Writing the figure set: the overview and each scenario's path, deterministically."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import networkx as nx

from .engine import Trajectory
from .graph import PRIMARIES, family_of, pathway_graph, title_of
from .layout import Layout, layout
from .render import draw_pathway, highlight_of, save
from .scenario import Scenario


@cache
def drawn(primary: str = "colorectal") -> tuple[nx.MultiDiGraph[str], Layout]:
    """The graph of one primary's pathway and its layout (computed once per process)."""
    graph = pathway_graph(primary)
    return graph, layout(graph)


def figure_name(primary: str) -> str:
    """The overview is the colorectal pathway; each other primary has its own figure."""
    return "pathway" if primary == "colorectal" else f"pathway-{primary}"


def write_overview(out: Path, formats: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for primary in PRIMARIES:
        graph, lay = drawn(primary)
        title = f"{title_of(primary)}: the treatment pathway"
        for fmt in formats:
            path = out / f"{figure_name(primary)}.{fmt}"
            save(draw_pathway(graph, lay, title=title), path)
            written.append(path)
    return written


def write_timeline(out: Path, scenario: Scenario, trajectory: Trajectory, formats: list[str]) -> list[Path]:
    """The scenario's course in months (`DIR/timelines/<id>.<fmt>`)."""
    from .render import draw_timeline

    folder = out / "timelines"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"{scenario.id}.{fmt}"  # the id is [a-z0-9-]+: no path can escape the folder
        save(draw_timeline(trajectory, title=scenario.title), path)
        written.append(path)
    return written


def write_scenario(
    out: Path, scenario: Scenario, trajectory: Trajectory, formats: list[str], show_blocked: bool = False
) -> list[Path]:
    graph, lay = drawn(family_of(trajectory.steps[-1].case.patient.primary.site if trajectory.steps else "colon"))
    folder = out / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    last = trajectory.steps[-1] if trajectory.steps else None
    ending = "reached" if trajectory.ended == "terminal" else "waiting at"
    subtitle = (
        f"Scenario {scenario.id}: steps numbered with their month (m) from referral; "
        f"{ending} {trajectory.final_state}" + (f" at month {last.month:g}" if last else "") + "; other roads faded."
    )
    written = []
    for fmt in formats:
        path = folder / f"{scenario.id}.{fmt}"  # the id is [a-z0-9-]+: no path can escape the folder
        ax = draw_pathway(
            graph, lay, focus=highlight_of(trajectory, show_blocked), title=scenario.title, subtitle=subtitle
        )
        save(ax, path)
        written.append(path)
    return written
