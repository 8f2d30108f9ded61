"""The graph, its layout and its pictures: faithful to the machine, readable, deterministic, current."""

from __future__ import annotations

import json
import re
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
from pathway.layout import CACHE, fingerprint, from_cache, layout, metrics, read_cache, write_cache
from pathway.render import draw_pathway, drawing_of, highlight_of, nearest_edge
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
    _graph, lay = drawn
    ranks = lay.ranks  # type: ignore[attr-defined]
    assert ranks["referral"] == 0
    assert ranks["staging"] < ranks["mdt_review"] < ranks["reassessment"] < ranks["surgery"] < ranks["surveillance"]
    # an outcome sits just below the lowest state leading to it (not all on the bottom rank)
    assert ranks["best_supportive_care"] == ranks["mdt_review"] + 1
    assert ranks["disease_free"] == ranks["surveillance"] + 1 == max(ranks.values())


def test_roads_are_numbered_in_evaluation_order(drawn: tuple[nx.MultiDiGraph[str], object]) -> None:
    """The key numbers every road once, 1..N; within a state the lower number is tried first."""
    graph, lay = drawn
    roads = lay.roads  # type: ignore[attr-defined]
    assert [r.number for r in roads] == list(range(1, graph.number_of_edges() + 1))
    for source in graph.nodes:
        tried = sorted(graph.out_edges(source, data=True), key=lambda e: e[2]["order"])
        mine = [r for r in roads if r.source == source]
        assert [(r.dest, r.guard) for r in mine] == [(v, data["guard"]) for _, v, data in tried], source
        assert [r.number for r in mine] == list(range(mine[0].number, mine[0].number + len(mine))) if mine else True
    numbered = {r.number: r for r in roads}
    assert (numbered[1].source, numbered[1].dest, numbered[1].guard) == ("referral", "staging", "every referral")
    assert lay.numbers(("reassessment", "liver_augmentation")) == [  # type: ignore[attr-defined]
        r.number for r in roads if r.guard == "FLR < 30%, one lobe"
    ]


@pytest.mark.parametrize("primary", PRIMARIES)
def test_the_committed_layout_cache_is_current(primary: str, update_goldens: bool) -> None:
    """pathway/layouts.json holds each pathway's layout under the fingerprint of its graph and the
    layout code; a stale entry would only be slow, but the test keeps it current (--update-goldens)."""
    graph = pathway_graph(primary)
    if update_goldens and read_cache().get(graph.graph["name"], {}).get("fingerprint") != fingerprint(graph):
        write_cache([pathway_graph(p) for p in PRIMARIES])
    entry = read_cache()[graph.graph["name"]]
    assert entry["fingerprint"] == fingerprint(graph), f"stale {CACHE.name}: run pytest --update-goldens"
    assert from_cache(entry["layout"]) == layout(graph)


def test_the_layout_fingerprint_follows_the_definition() -> None:
    graph = pathway_graph("sarcoma")
    before = fingerprint(graph)
    u, v, key = next(iter(graph.edges(keys=True)))
    graph.edges[u, v, key]["guard"] = "another guard text"
    assert fingerprint(graph) != before


def test_layout_is_no_worse_than_graphviz_dot() -> None:
    """Straight-line crossings plus edges through boxes, summed over the six figures, against dot
    on the same graphs (recorded by benchmarks/layout_vs_dot.py, which needs Graphviz)."""
    recorded = json.loads((ROOT / "benchmarks" / "layout_vs_dot.json").read_text(encoding="utf-8"))
    total = 0
    for primary in PRIMARIES:
        graph, lay = figures.drawn(primary)
        pairs = [(u, v) for u, v in graph.edges()]
        ours = metrics({n: lay.pos[n] for n in lay.box}, lay.box, pairs)
        assert ours["overlapping_boxes"] == 0, primary
        assert ours == recorded["pathway"][primary], "re-run benchmarks/layout_vs_dot.py after changing the layout"
        total += ours["crossings"] + ours["edges_through_boxes"]
    dot = sum(m["crossings"] + m["edges_through_boxes"] for m in recorded["dot"].values())
    assert total == recorded["totals"]["pathway"] and dot == recorded["totals"]["dot"]
    assert total <= 0.8 * dot, (total, dot)  # at least 20% fewer than dot


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


SMALLEST_PT = 9.0
PAGE_RATIO = 89  # shown 800 px wide, text of s pt in a figure w pt wide is 800*s/w px: >= 9 px when w <= 89*s


def _check_figure(ax: object) -> None:
    fig = ax.figure  # type: ignore[attr-defined]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    texts, boxes = _texts_and_boxes(ax)
    labels = [t for t in texts if t.get_bbox_patch() is not None]
    assert labels, "edge labels are drawn"
    smallest = min(float(t.get_fontsize()) for t in texts)
    assert smallest >= SMALLEST_PT
    width_pt = fig.get_figwidth() * 72
    assert width_pt <= PAGE_RATIO * smallest, f"{width_pt:.0f} pt wide: text under 9 px at 800 px"
    drawing = drawing_of(ax)  # type: ignore[arg-type]
    assert set(drawing.labels) == {tuple(str(t.get_gid()).removeprefix("label-").split("--")) for t in labels}
    for pair, (x0, y0, x1, y1) in drawing.labels.items():  # each label is nearer its own edge than any other
        assert nearest_edge(drawing.lines, ((x0 + x1) / 2, (y0 + y1) / 2)) == pair, pair
    for text in texts:
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
    swatches = [p for p in ax.patches if (p.get_gid() or "").startswith("legend-")]  # type: ignore[attr-defined]
    assert len(swatches) == 7, "the phase legend is drawn"
    every += [(str(p.get_gid()), p.get_window_extent(renderer)) for p in swatches]
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
    # the key: each road's guard, where it goes and its rules, after its number; the arrow carries the number
    number = next(r.number for r in lay.roads if r.guard == "resectable now")  # type: ignore[attr-defined]
    assert "resectable now \u2192 Liver surgery (R17, R4, R37)" in texts and str(number) in texts
    chips = {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    assert chips["label-reassessment--surgery"] == "25-28" and 25 <= number <= 28

    def expand(item: str) -> list[int]:
        low, _, high = item.partition("-")
        return list(range(int(low), int(high or low) + 1))

    written = sorted(n for c in chips.values() for item in c.replace(",", " ").split() for n in expand(item))
    assert written == list(range(1, graph.number_of_edges() + 1))  # every road's number on its arrow, once
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
    assert any(t.startswith("x step ") for t in texts)
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
    # figures/cohorts holds the cohort flow figure, checked in test_cohort.py
    kept = ("screenshots", "cohorts")
    committed = sorted(
        p.relative_to(FIGURES) for p in FIGURES.rglob("*.*") if p.relative_to(FIGURES).parts[0] not in kept
    )
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


def _svgs() -> list[Path]:
    return sorted(p for p in FIGURES.rglob("*.svg") if "screenshots" not in p.parts)


@pytest.mark.parametrize("path", _svgs(), ids=lambda p: str(p.relative_to(FIGURES)))
def test_committed_svgs_have_real_text_tooltips_and_legible_sizes(path: Path) -> None:
    """Text is <text> in a font stack (searchable, selectable, read aloud), every box and edge has a
    <title> tooltip, the file is at most 100 KB, and shown 800 px wide its smallest text is 9 px."""
    svg = path.read_text(encoding="utf-8")
    assert len(svg.encode()) <= 100_000, f"{len(svg.encode())} bytes"
    assert "<text" in svg and "glyph" not in svg and '<use xlink:href="#DejaVu' not in svg
    assert "text{font-family: 'DejaVu Sans', 'Verdana', 'Geneva', sans-serif}" in svg
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    sizes = [float(s) for s in re.findall(r"font-size: ([0-9.]+)px", svg)]  # the SVG's user unit is the point
    assert min(sizes) >= SMALLEST_PT and 800 * min(sizes) / width >= 9, (width, min(sizes))
    if path.stem.endswith("-tornado"):  # a chart, not a pathway: no boxes or edges
        assert "One-way sensitivity" in svg
        return
    groups = re.findall(r'<g id="((?:node|edge)-[a-z_-]+)">\n\s*<title>([^<]+)</title>', svg)
    ids = re.findall(r'<g id="((?:node|edge)-[a-z_-]+)">', svg)
    assert ids and [g for g, _ in groups] == ids, "a box or edge without a tooltip"
    titles = dict(groups)
    if path.stem in ("pathway", "s4-metachronous-bilobar"):
        assert "MDT review" in re.findall(r">([^<]+)</text>", svg)
        assert "FLR &lt; 30%, one lobe (R20)" in titles["edge-reassessment--liver_augmentation"]
        assert titles["node-surgery"].startswith("Liver surgery: Liver resection")


def test_drawing_in_two_processes_gives_the_same_files(tmp_path: Path) -> None:
    scenarios = [load(SCENARIOS / name) for name in ("frail-patient.yaml", "gist-responsive-resection.yaml")]
    loaded = [(s, replay(s)) for s in scenarios]
    one = figures.write_all(tmp_path / "one", ["svg"], loaded, workers=1)
    two = figures.write_all(tmp_path / "two", ["svg"], loaded, workers=2)
    assert [p.relative_to(tmp_path / "one") for p in one] == [p.relative_to(tmp_path / "two") for p in two]
    assert len(one) == len(PRIMARIES) + 2
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_reused_drawing_gives_the_same_file_as_a_fresh_one() -> None:
    """Scenario figures reuse an earlier scenario's drawing (restyled, relabelled): the file must be
    the one a fresh drawing gives, whatever was drawn on it before."""
    import matplotlib.pyplot as plt

    from pathway.render import draw_scenario, svg_text

    graph, lay = figures.drawn("colorectal")
    names = ["s4-metachronous-bilobar", "frail-patient", "conversion-right-pve", "s0-multifocal-unknown-primary"]
    trajectories = [replay(load(SCENARIOS / f"{n}.yaml")) for n in names]
    fresh = []
    for trajectory in trajectories:
        ax = draw_pathway(graph, lay, focus=highlight_of(trajectory), title="A case", subtitle="Its path.")
        fresh.append(svg_text(ax))
        plt.close(ax.get_figure(root=True))
    for order in (trajectories, trajectories[::-1]):
        reused = [svg_text(draw_scenario(graph, lay, highlight_of(t), "A case", "Its path.")) for t in order]
        expected = fresh if order is trajectories else fresh[::-1]
        assert reused == expected
    assert len(set(fresh)) == len(fresh)  # the paths differ, so the files do
