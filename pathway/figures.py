"""Writing the figure set: the overview and each scenario's path, deterministically."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from .engine import Trajectory
from .graph import PRIMARIES, family_of, pathway_graph, title_of
from .layout import Layout, cached_layout
from .render import Highlight, draw_pathway, draw_scenario, highlight_of, save
from .scenario import Scenario


@cache
def drawn(primary: str = "colorectal") -> tuple[nx.MultiDiGraph[str], Layout]:
    """The graph of one primary's pathway and its layout (computed once per process)."""
    graph = pathway_graph(primary)
    return graph, cached_layout(graph)


def figure_name(primary: str) -> str:
    """The overview is the colorectal pathway; each other primary has its own figure."""
    return "pathway" if primary == "colorectal" else f"pathway-{primary}"


def write_overview(out: Path, formats: list[str], primaries: tuple[str, ...] = PRIMARIES) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for primary in primaries:
        graph, lay = drawn(primary)
        title = f"{title_of(primary)}: the treatment pathway"
        paths = [out / f"{figure_name(primary)}.{fmt}" for fmt in formats]
        save(draw_pathway(graph, lay, title=title), *paths)  # drawn once for every format
        written += paths
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
        f"{ending} {trajectory.final_state}"
        + (f" at month {last.month:g}" if last else "")
        + "; other roads faded"
        + ("; x step N: a road tried and blocked at step N." if show_blocked else ".")
    )
    paths = [folder / f"{scenario.id}.{fmt}" for fmt in formats]  # the id is [a-z0-9-]+: no path can escape
    ax = draw_scenario(graph, lay, highlight_of(trajectory, show_blocked), scenario.title, subtitle)
    save(ax, *paths, close=False)  # the drawing is kept for the next scenario of this pathway
    return paths


def write_cohort(out: Path, scenario: Scenario, data: dict[str, Any], formats: list[str]) -> list[Path]:
    """A cohort's flows on its pathway (`DIR/cohorts/<id>.<fmt>`): each edge as wide as the share of
    patients who took it, with their count."""
    primary = family_of(scenario.patient.primary.site)
    graph, lay = drawn(primary)
    flows = {(e["from"], e["to"]): int(e["patients"]) for e in data["edges"]}
    focus = Highlight(set(data["visits"]), {}, flows=flows, total=int(data["n"]))
    o = data["outcomes"]
    subtitle = (
        f"{data['n']:,} simulated patients like scenario {scenario.id} (seed {data['seed']}), findings drawn from "
        f"the sourced parameters of pathway/cohort_parameters.yaml. Each arrow: patients who took it at least once "
        f"(and their share); its width follows the share. Resected {o['resected']:,}; recurred {o['recurred']:,}; "
        f"re-resected {o['reresected']:,}; disease-free {o['disease_free']:,}; best supportive care "
        f"{o['best_supportive_care']:,}."
    )
    folder = out / "cohorts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{scenario.id}.{fmt}" for fmt in formats]  # the id is [a-z0-9-]+: no path can escape
    ax = draw_pathway(graph, lay, focus=focus, title=f"Cohort: {scenario.title}", subtitle=subtitle)
    save(ax, *paths)
    return paths


@dataclass(frozen=True)
class _Job:
    """One drawing: a primary's overview, or a scenario's path, in the formats asked for."""

    primary: str = ""
    scenario: Scenario | None = None
    trajectory: Trajectory | None = None
    formats: tuple[str, ...] = ()


def _run(job: _Job, out: Path, show_blocked: bool, timeline: bool) -> list[Path]:
    if job.scenario is None or job.trajectory is None:
        return write_overview(out, list(job.formats), (job.primary,))
    written = write_scenario(out, job.scenario, job.trajectory, list(job.formats), show_blocked)
    if timeline:
        written += write_timeline(out, job.scenario, job.trajectory, list(job.formats))
    return written


def write_all(
    out: Path,
    formats: list[str] | None,
    scenarios: list[tuple[Scenario, Trajectory]],
    overview: bool = True,
    show_blocked: bool = False,
    timeline: bool = False,
    workers: int | None = None,
) -> list[Path]:
    """The whole figure set: each primary's overview (SVG and PNG unless one format is asked for) and
    each scenario's path (SVG unless asked), drawn by up to two processes. Every file is drawn alone
    from the same inputs, so the set is the same byte for byte however many processes draw it."""
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[_Job] = []
    if overview:
        jobs += [_Job(primary=p, formats=tuple(formats or ["png", "svg"])) for p in PRIMARIES]
    jobs += [_Job(scenario=s, trajectory=t, formats=tuple(formats or ["svg"])) for s, t in scenarios]
    count = min(workers if workers is not None else 2, os.cpu_count() or 1, len(jobs))
    if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = [_run(job, out, show_blocked, timeline) for job in jobs]
    else:  # forked workers inherit the jobs (trajectories hold guards, which do not pickle)
        _PENDING[:] = [(job, out, show_blocked, timeline) for job in jobs]
        try:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(_run_pending, range(len(jobs))))
        finally:
            _PENDING.clear()
    return sorted(p for r in results for p in r)


_PENDING: list[tuple[_Job, Path, bool, bool]] = []


def _run_pending(index: int) -> list[Path]:
    return _run(*_PENDING[index])


TORNADO_ROWS = 8  # at most, the parameters that move each outcome most
TORNADO_WIDTH = 11.0  # inches: 792 pt, so 9 pt text stays 9 px shown 800 px wide
ROW_IN = 0.3  # a parameter's row
PANEL_GAP_IN = 0.95  # a panel's title above, its axis and label below


def write_tornado(out: Path, scenario: Scenario, data: dict[str, Any], formats: list[str]) -> list[Path]:
    """The one-way sensitivity of a cohort (`DIR/cohorts/<id>-tornado.<fmt>`): one panel per outcome,
    its parameters sorted by how far they move it, a bar from the base to the outcome at the parameter's
    low end and one to its high end."""
    import matplotlib.pyplot as plt

    from .render import save
    from .sensitivity import swing

    panels = []
    for outcome in data["outcomes"]:
        name = outcome["name"]
        ranked = sorted(data["parameters"], key=lambda r: (-swing(r, name), r["parameter"]))
        panels.append((outcome, [r for r in ranked if swing(r, name) > 0][:TORNADO_ROWS]))
    head = 1.25
    heights = [ROW_IN * max(1, len(shown)) for _, shown in panels]
    total = head + sum(h + PANEL_GAP_IN for h in heights) + 0.2
    fig = plt.figure(figsize=(TORNADO_WIDTH, total))
    fig.text(
        0.5,
        1 - 0.25 / total,
        f"One-way sensitivity: {scenario.title}",
        ha="center",
        va="top",
        fontsize=13,
        fontweight="bold",
    )
    fig.text(
        0.5,
        1 - 0.55 / total,
        f"{data['n']:,} simulated patients like scenario {scenario.id} (seed {data['seed']}), the same patients at each\n"
        "end of each parameter's range (pathway/cohort_parameters.yaml), the others at their values. Blue: the\n"
        "outcome with the parameter at its low end; orange: at its high end; the line: the base case. Each panel\n"
        f"shows at most the {TORNADO_ROWS} parameters that move its outcome most; one that does not move it is left out.",
        ha="center",
        va="top",
        fontsize=9,
        color="#444444",
        linespacing=1.4,
    )
    first = None
    top = head + 0.55
    for (outcome, shown), height in zip(panels, heights, strict=True):
        name, unit = outcome["name"], outcome["unit"]
        scale = 1.0 if unit == "months" else 100.0
        base = data["base"][name]
        ax = fig.add_axes((0.36, 1 - (top + height) / total, 0.6, height / total))
        first = first or ax
        shown_base = "" if base is None else f": base {base * scale:.1f}{'%' if unit == 'share' else ' months'}"
        ax.set_title(outcome["words"] + shown_base, fontsize=10.5, loc="left", pad=5)
        for y, r in enumerate(shown):
            ends = r["outcomes"][name]
            for end, colour in (("low", "#4c78a8"), ("high", "#f58518")):
                value = ends[end]
                if value is not None and base is not None:
                    ax.barh(y, (value - base) * scale, left=base * scale, height=0.62, color=colour, alpha=0.9)
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels([f"{r['parameter']} ({r['low']:g} to {r['high']:g})" for r in shown], fontsize=9)
        ax.set_ylim(max(1, len(shown)) - 0.5, -0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not shown or base is None:  # nothing to scale: no axis, only the words
            ax.text(
                0.0,
                0.5,
                "no parameter with a range moves it" if base is not None else "no patients in its denominator",
                ha="left",
                va="center",
                fontsize=9,
                transform=ax.transAxes,
            )
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            top += height + PANEL_GAP_IN
            continue
        if base is not None:
            ax.axvline(base * scale, color="#222222", linewidth=1)
        ax.tick_params(axis="x", labelsize=9)
        ax.set_xlabel("months" if unit == "months" else "% (of the denominator in the title)", fontsize=9)
        top += height + PANEL_GAP_IN
    assert first is not None
    folder = out / "cohorts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{scenario.id}-tornado.{fmt}" for fmt in formats]  # the id is [a-z0-9-]+
    save(first, *paths)
    return paths
