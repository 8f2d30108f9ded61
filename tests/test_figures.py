"""The graph, its layout and its pictures: faithful to the machine, readable, deterministic, current."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import networkx as nx
import pytest
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

from pathway import definition as d
from pathway import figures
from pathway.cli import main
from pathway.engine import machine
from pathway.graph import PRIMARIES, family_of, pathway_graph, title_of, to_dot
from pathway.layout import layout, metrics
from pathway.render import draw_pathway, highlight_of
from pathway.report import replay
from pathway.scenario import load

from .conftest import ROOT, SCENARIOS

matplotlib.use("Agg")
FIGURES = ROOT / "figures"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph[str]:
    return pathway_graph()


@pytest.fixture(scope="module")
def overview() -> nx.MultiDiGraph[str]:
    return pathway_graph("colorectal")


@pytest.fixture(scope="module")
def drawn(overview: nx.MultiDiGraph[str]) -> tuple[nx.MultiDiGraph[str], object]:
    return overview, layout(overview)


@pytest.mark.parametrize("primary", PRIMARIES)
def test_graph_edges_match_machine_transitions_one_to_one(primary: str) -> None:
    """Each primary's graph is its Machine: the same transitions, in the same order."""
    from_machine = []
    m = machine(primary)
    for source, trigger in d.TRIGGERS.items():
        event = m.events.get(trigger)
        for order, transition in enumerate(event.transitions.get(source, []) if event else [], start=1):
            from_machine.append((source, transition.dest, trigger, order))
    graph = pathway_graph(primary)
    from_graph = [(u, v, data["trigger"], data["order"]) for u, v, data in graph.edges(data=True)]
    assert sorted(from_graph) == sorted(from_machine)
    assert len(from_graph) == len(d.PATHWAYS[primary].roads)


def test_the_whole_graph_holds_every_road_once_with_its_scope(graph: nx.MultiDiGraph[str]) -> None:
    keys = [k for _, _, k in graph.edges(keys=True)]
    assert len(keys) == len(set(keys)) == len({r.name for p in d.PATHWAYS.values() for r in p.roads})
    data = {k: e for _, _, k, e in graph.edges(keys=True, data=True)}
    assert data["referred"]["scope"] == []  # every pathway
    assert data["net_tace"]["scope"] == ["neuroendocrine"]
    assert data["continue_palliative_line"]["scope"] == ["colorectal", "breast", "gist"]


def test_edges_carry_guard_label_order_and_rules(overview: nx.MultiDiGraph[str]) -> None:
    data = overview.get_edge_data("reassessment", "liver_augmentation")["portal_vein_embolization"]
    assert data["guard"] == "FLR < 30%, one lobe"
    assert data["rules"] == ["R20"] and data["order"] == 9
    assert "flr_below_30" in data["guards"]


def test_nodes_carry_phase_and_description(graph: nx.MultiDiGraph[str]) -> None:
    assert graph.nodes["surgery"]["phase"] == "surgical"
    assert graph.nodes["disease_free"]["terminal"] is True
    assert all(graph.nodes[n]["description"] for n in graph.nodes)


def test_json_has_pos_and_box_and_no_boxes_overlap(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {"phase", "pos", "box"} <= set(nodes["mdt_review"])
    assert all({"trigger", "guard", "rules"} <= set(e) for e in data["links"])
    ids = list(nodes)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            (xa, ya), (wa, ha) = nodes[a]["pos"], nodes[a]["box"]
            (xb, yb), (wb, hb) = nodes[b]["pos"], nodes[b]["box"]
            assert abs(xa - xb) >= (wa + wb) / 2 or abs(ya - yb) >= (ha + hb) / 2, (a, b)


def test_ranks_follow_clinical_order(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    _, lay = drawn
    ranks = lay.ranks  # type: ignore[attr-defined]
    assert ranks["referral"] == 0
    assert ranks["staging"] < ranks["mdt_review"] < ranks["reassessment"] < ranks["surgery"] < ranks["surveillance"]
    bottom = max(ranks.values())
    assert ranks["disease_free"] == ranks["best_supportive_care"] == bottom


def test_layout_is_no_worse_than_graphviz_dot(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    """Straight-line crossings and edges through boxes, against dot (recorded by the benchmark)."""
    graph, lay = drawn
    pairs = [(u, v) for u, v in graph.edges()]
    ours = metrics({n: lay.pos[n] for n in lay.box}, lay.box, pairs)  # type: ignore[attr-defined]
    recorded = json.loads((ROOT / "benchmarks" / "layout_vs_dot.json").read_text(encoding="utf-8"))
    dot = recorded["dot"]
    assert ours["overlapping_boxes"] == 0
    assert ours["crossings"] <= dot["crossings"]
    assert ours["edges_through_boxes"] <= dot["edges_through_boxes"]
    assert ours == recorded["pathway"], "re-run benchmarks/layout_vs_dot.py after changing the layout"


def test_layout_metrics_count_what_they_say() -> None:
    pos = {"a": (0.0, 0.0), "b": (2.0, 2.0), "c": (0.0, 2.0), "d": (2.0, 0.0), "e": (1.0, 1.0)}
    box = {n: (0.2, 0.2) for n in pos}
    m = metrics(pos, box, [("a", "b"), ("c", "d")])
    assert m["crossings"] == 1 and m["edges_through_boxes"] == 2  # both diagonals pass through e
    assert metrics(pos, box, [("a", "c")])["edges_through_boxes"] == 0


def test_layout_is_deterministic(overview: nx.MultiDiGraph[str], drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    again = layout(overview)
    assert again.pos == drawn[1].pos and again.order == drawn[1].order  # type: ignore[attr-defined]


def _texts_and_boxes(ax: object) -> tuple[list[Text], list[FancyBboxPatch]]:
    texts = [t for t in ax.texts if t.get_text()]  # type: ignore[attr-defined]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]  # type: ignore[attr-defined]
    return texts, boxes


def _check_figure(ax: object) -> None:
    fig = ax.figure  # type: ignore[attr-defined]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    texts, boxes = _texts_and_boxes(ax)
    labels = [t for t in texts if t.get_bbox_patch() is not None]
    assert labels, "edge labels are drawn"
    for text in texts:
        assert float(text.get_fontsize()) >= 8, text.get_text()
        extent = text.get_window_extent(renderer)
        assert frame.x0 <= extent.x0 and extent.x1 <= frame.x1 and frame.y0 <= extent.y0 and extent.y1 <= frame.y1, (
            f"clipped: {text.get_text()!r}"
        )
    box_extents = [b.get_window_extent(renderer) for b in boxes]
    label_extents = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(box_extents):
        for b in box_extents[i + 1 :]:
            assert not a.overlaps(b), "boxes overlap"
    for text, extent in zip(labels, label_extents, strict=True):
        assert not any(extent.overlaps(b) for b in box_extents), f"label on a box: {text.get_text()!r}"
    for i, a in enumerate(label_extents):
        for b in label_extents[i + 1 :]:
            assert not a.overlaps(b), f"labels collide: {labels[i].get_text()!r}"
    every = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    legend = ax.get_legend()  # type: ignore[attr-defined]
    assert legend is not None, "the phase legend is drawn"
    every.append(("legend", legend.get_window_extent(renderer)))
    for i, (name_a, a) in enumerate(every):  # titles, legend, footnotes, box texts and labels never collide
        for name_b, b in every[i + 1 :]:
            assert not a.overlaps(b), f"texts collide: {name_a!r} and {name_b!r}"
    for box in box_extents:  # box titles and descriptions fit inside their boxes
        inside = [
            t
            for t in texts
            if t.get_bbox_patch() is None and box.contains(*t.get_window_extent(renderer).get_points().mean(axis=0))
        ]
        for t in inside:
            e = t.get_window_extent(renderer)
            assert box.x0 <= e.x0 and e.x1 <= box.x1, f"text wider than its box: {t.get_text()!r}"


def test_overview_reads_cleanly(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    graph, lay = drawn
    ax = draw_pathway(graph, lay)  # type: ignore[arg-type]
    _check_figure(ax)
    texts = {t.get_text() for t in ax.texts}
    assert "MDT review" in texts and "Colorectal liver metastases: the treatment pathway" in texts
    assert any(t.startswith("Sources: S0 Treatment of Multiple Metastatic Liver Lesions") for t in texts)
    assert any("6. resectable now" in t for t in texts)
    import matplotlib.pyplot as plt

    plt.close(ax.figure)  # type: ignore[arg-type]


def test_scenario_path_is_numbered_with_months(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    graph, lay = drawn
    scenario = load(SCENARIOS / "s4-metachronous-bilobar.yaml")
    trajectory = replay(scenario)
    ax = draw_pathway(graph, lay, focus=highlight_of(trajectory, show_blocked=True), title=scenario.title)  # type: ignore[arg-type]
    _check_figure(ax)
    texts = [t.get_text() for t in ax.texts]
    assert "step 3 (m0.5)" in texts
    assert "step 4 (m2.5), 6 (m4.5)" in texts  # the loop taken twice
    assert "step 5 (m2.5)" in texts
    assert any(t.startswith("x blocked at step") for t in texts)
    faded = [p for p in ax.patches if isinstance(p, FancyBboxPatch) and (p.get_alpha() or 1) < 1]
    assert len(faded) == len(graph) - len(set(trajectory.path))
    import matplotlib.pyplot as plt

    plt.close(ax.figure)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_figure_reads_cleanly(path: Path) -> None:
    import matplotlib.pyplot as plt

    trajectory = replay(load(path))
    graph, lay = figures.drawn(family_of(trajectory.steps[-1].case.patient.primary.site))
    ax = draw_pathway(graph, lay, focus=highlight_of(trajectory, show_blocked=True))
    _check_figure(ax)
    plt.close(ax.figure)  # type: ignore[arg-type]


@pytest.mark.parametrize("primary", PRIMARIES)
def test_every_primary_figure_reads_cleanly(primary: str) -> None:
    import matplotlib.pyplot as plt

    graph, lay = figures.drawn(primary)
    ax = draw_pathway(graph, lay, title=f"{title_of(primary)}: the treatment pathway")
    _check_figure(ax)
    pairs = [(u, v) for u, v in graph.edges()]
    assert metrics({n: lay.pos[n] for n in lay.box}, lay.box, pairs)["overlapping_boxes"] == 0
    plt.close(ax.figure)  # type: ignore[arg-type]


def test_each_primary_graph_holds_only_its_roads() -> None:
    net = pathway_graph("neuroendocrine")
    keys = {k for _, _, k in net.edges(keys=True)}
    assert {"net_observation", "net_tace", "net_prrt", "supportive_care"} <= keys
    assert not keys & {"perioperative_chemotherapy", "breast_systemic_first", "gist_next_line"}
    orders = [data["order"] for _, _, data in net.out_edges("mdt_review", data=True)]
    assert sorted(orders) == list(range(1, len(orders) + 1))  # numbered in this primary's order


def test_plot_function_takes_an_axes_and_returns_it(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    import matplotlib.pyplot as plt

    graph, lay = drawn
    fig, ax = plt.subplots(figsize=(20, 20))
    assert draw_pathway(graph, lay, ax=ax) is ax  # type: ignore[arg-type]
    plt.close(fig)


# pydot still calls pyparsing's camelCase API; that deprecation is theirs, not ours.
@pytest.mark.filterwarnings("ignore:'[a-zA-Z]+' deprecated - use:DeprecationWarning")
def test_dot_reads_back_through_networkx(graph: nx.MultiDiGraph[str], tmp_path: Path) -> None:
    path = tmp_path / "pathway.dot"
    path.write_text(to_dot(graph), encoding="utf-8")
    back = nx.nx_pydot.read_dot(path)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    label = back.get_edge_data("reassessment", "liver_augmentation")
    assert any("FLR < 30%, one lobe" in str(v.get("label")) for v in label.values())


def test_graph_command_prints_each_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "mermaid"]) == 0
    assert "\nflowchart TD\n" in capsys.readouterr().out  # the chart itself: tests/test_mermaid.py
    assert main(["graph", "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph pathway {")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_dot_text_is_accepted_by_graphviz(graph: nx.MultiDiGraph[str]) -> None:
    run = subprocess.run(["dot", "-Tplain"], input=to_dot(graph), capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_committed_figures_are_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regenerate every figure and compare byte for byte with figures/ (run `pathway render` to update)."""
    out = tmp_path / "figures"
    assert main(["render", "--out", str(out)]) == 0
    fresh = sorted(p.relative_to(out) for p in out.rglob("*.*"))
    # figures/screenshots holds the case-page screenshot: a browser's picture, checked in test_html.py
    committed = sorted(p.relative_to(FIGURES) for p in FIGURES.rglob("*.*") if p.parts[-2] != "screenshots")
    assert fresh == committed
    stale = [str(p) for p in fresh if (out / p).read_bytes() != (FIGURES / p).read_bytes()]
    assert not stale, f"figures out of date, run `pathway render`: {stale}"
    assert len([p for p in fresh if p.parts[0] == "scenarios"]) == len(list(SCENARIOS.glob("*.yaml")))


def test_render_writes_only_inside_the_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "deep" / "out"
    assert (
        main(["render", "--out", str(out), "--format", "svg", "--scenario", str(SCENARIOS / "frail-patient.yaml")]) == 0
    )
    created = set(tmp_path.rglob("*")) - before
    assert all(p == tmp_path / "deep" or out in (p, *p.parents) for p in created)
    assert (out / "scenarios" / "frail-patient.svg").exists()


def test_render_rejects_a_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\n", encoding="utf-8")
    assert main(["render", "--out", str(tmp_path / "out"), "--scenario", str(bad)]) == 2
    assert "required field missing" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_render_output_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert main(["render", "--out", str(file)]) == 2
