"""Mermaid charts as GitHub shows them: rendered with mermaid-cli, read back and measured.

Every primary's chart (`pathway graph --format mermaid --primary P`), the chart of every road
(no `--primary`) and a chart of hostile text are rendered in one mmdc call, with Debian's Chromium.
Readable at GitHub's width means, for each chart, measured in that browser:

- the smallest text as shown in GitHub's Markdown column (830 px; a wider SVG is scaled down to
  fit) is at least 9 px: font px x min(1, 830 / chart width) >= 9;
- no road label overlaps another label or a state's box.

mmdc is looked for in $PATHWAY_MMDC, then ~/.cache/pathway-mmdc (where .ci/run installs the pinned
version), then on PATH. Without it, without Chromium or Playwright, or with another version of
mermaid-cli, these tests are skipped with the reason; under CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from pathway.cli import main
from pathway.graph import (
    LABEL_WRAP,
    MERMAID_RESERVED,
    MERMAID_WIDTH,
    MIN_SHOWN_PX,
    PRIMARIES,
    chart_edges,
    markdown_text,
    mermaid_id,
    mermaid_text,
    number_runs,
    pathway_graph,
    pathways_page,
    road_numbers,
    title_of,
    to_dot,
    to_mermaid,
)

from .conftest import ROOT
from .test_browser import FLAGS, browser_unavailable, chromium

CI_RUN = ROOT / ".ci" / "run"
PAGE = ROOT / "docs" / "pathways.md"
SVG = "{http://www.w3.org/2000/svg}"
CACHE_MMDC = Path.home() / ".cache" / "pathway-mmdc" / "node_modules" / ".bin" / "mmdc"
HOSTILE_TITLES = {
    "a": 'He said "no" & <b>bold</b>',
    "end": "end; classDef x fill:#f00",
    "class": "1. not a list",
    "graph": "- nor a bullet * or _this_",
    "b-c": "#quot; stays #35; and %% too",
    "style": "style: #f00; direction TB",
    "subgraph": "`code` | pipe [x] {y}",
}


def pinned_mmdc() -> str:
    found = re.search(r"^MMDC_VERSION=([0-9.]+)$", CI_RUN.read_text(encoding="utf-8"), flags=re.M)
    assert found, ".ci/run pins no mermaid-cli version"
    return found.group(1)


def mmdc() -> str | None:
    if os.environ.get("PATHWAY_MMDC"):
        return os.environ["PATHWAY_MMDC"]
    return str(CACHE_MMDC) if CACHE_MMDC.exists() else shutil.which("mmdc")


def _unavailable() -> str | None:
    missing = browser_unavailable()
    if missing is not None:
        return missing
    tool = mmdc()
    if tool is None:
        return f"no mermaid-cli (mmdc); `bash .ci/run` installs @mermaid-js/mermaid-cli@{pinned_mmdc()}"
    try:
        version = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError as err:
        return f"mermaid-cli at {tool} does not run: {err}"
    if version.stdout.strip() != pinned_mmdc():
        got = version.stdout.strip() or version.stderr.strip()[:200]
        return f"{tool} is mermaid-cli {got!r}; the charts are measured with {pinned_mmdc()} (.ci/run)"
    return None


def _need_tools() -> None:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Mermaid rendering tests must run under CI: {reason}")
        pytest.skip(reason)


def cli_chart(primary: str | None) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["graph", "--format", "mermaid", *(["--primary", primary] if primary else [])]) == 0
    return out.getvalue()


def hostile_graph() -> nx.MultiDiGraph[str]:
    """States named like Mermaid's keywords, titled with text that breaks an unescaped label."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    phases = ["entry", "end", "follow-up", "systemic", "local", "surgical", "assessment"]
    for (name, title), phase in zip(HOSTILE_TITLES.items(), phases, strict=True):
        graph.add_node(name, title=title, description="", phase=phase, terminal=phase == "end")
    names = list(HOSTILE_TITLES)
    for order, (u, v) in enumerate(itertools.pairwise(names), start=1):
        guard = 'x "y" <z> direction LR }%% %%{init: {"theme": "dark"}}%%'
        graph.add_edge(u, v, key=f"road{order}", order=1, guard=guard, rules=["R1"], alternative=order == 2)
    graph.add_edge("end", "a", key="back", order=1, guard="back", rules=[], alternative=False)
    return graph


CHARTS: dict[str, nx.MultiDiGraph[str]] = {**{p: pathway_graph(p) for p in PRIMARIES}, "every road": pathway_graph()}


@dataclass
class Rendered:
    name: str
    graph: nx.MultiDiGraph[str]
    svg: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[Rendered]:
    """Every chart as the command line prints it, and the hostile one, rendered by one mmdc call."""
    _need_tools()
    tool = mmdc()
    assert tool is not None
    where = tmp_path_factory.mktemp("mermaid")
    config = where / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": chromium(), "args": ["--no-sandbox"]}), encoding="utf-8")
    texts = [cli_chart(None if name == "every road" else name) for name in CHARTS] + [to_mermaid(hostile_graph())]
    charts = where / "charts.md"
    charts.write_text("".join(f"```mermaid\n{text}```\n\n" for text in texts), encoding="utf-8")
    run = subprocess.run(
        [tool, "--quiet", "-p", str(config), "-i", str(charts), "-o", str(where / "out.md")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    graphs = [*CHARTS.items(), ("hostile", hostile_graph())]
    return [Rendered(name, graph, where / f"out-{i}.svg") for i, (name, graph) in enumerate(graphs, start=1)]


def _text(element: ET.Element) -> str:
    return " ".join("".join(" " + t for t in element.itertext()).split())


def _groups(svg: Path, kind: str) -> list[ET.Element]:
    root = ET.parse(svg).getroot()
    return [g for g in root.iter(f"{SVG}g") if kind in (g.get("class") or "").split()]


def _width(svg: Path) -> float:
    view = ET.parse(svg).getroot().get("viewBox")
    assert view, f"{svg.name}: no viewBox"
    return float(view.split()[2])


def test_every_chart_renders_with_every_state_and_road(rendered: list[Rendered]) -> None:
    assert len(rendered) == len(PRIMARIES) + 2
    for chart in rendered:
        assert chart.svg.exists(), f"{chart.name}: no SVG"
        assert ET.parse(chart.svg).getroot().tag == f"{SVG}svg"
        titles = sorted(_text(g) for g in _groups(chart.svg, "node"))
        assert titles == sorted(str(t) for _, t in chart.graph.nodes(data="title")), chart.name
        labels = sorted(_text(g) for g in _groups(chart.svg, "edgeLabel") if _text(g))
        want = sorted(" ".join(e.label.split()) for e in chart_edges(chart.graph))
        assert labels == want, chart.name
        assert "Syntax error" not in chart.svg.read_text(encoding="utf-8")


def test_hostile_text_is_drawn_as_written(rendered: list[Rendered]) -> None:
    """Quotes, <, >, &, #, entity codes, Markdown and keywords as ids and text: drawn verbatim."""
    (hostile,) = (c for c in rendered if c.name == "hostile")
    drawn = {_text(g) for g in _groups(hostile.svg, "node")}
    assert drawn == set(HOSTILE_TITLES.values())
    assert "Unsupported markdown" not in hostile.svg.read_text(encoding="utf-8")


MEASURE = """
() => {
  const svg = document.querySelector('svg');
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const nodes = [...svg.querySelectorAll('g.node')].map(e => ({text: e.textContent.trim(), box: box(e)}));
  const labels = [...svg.querySelectorAll('g.edgeLabel')].filter(e => e.textContent.trim())
    .map(e => ({text: e.textContent.trim(), box: box(e.querySelector('foreignObject') || e)}));
  const sizes = [];
  for (const e of svg.querySelectorAll('*')) {
    if ([...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.closest('style') === null)
      sizes.push(parseFloat(getComputedStyle(e).fontSize));
  }
  return {nodes, labels, sizes};
}
"""


@dataclass
class Measured:
    name: str
    width: float
    font_px: float
    overlaps: list[tuple[str, str]]

    @property
    def shown_px(self) -> float:
        return self.font_px * min(1.0, MERMAID_WIDTH / self.width)


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def measured(rendered: list[Rendered]) -> Iterator[list[Measured]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        page = browser.new_page(viewport={"width": 3000, "height": 2000})
        out = []
        for chart in rendered:
            page.goto(chart.svg.resolve().as_uri())
            found: dict[str, Any] = page.evaluate(MEASURE)
            labels, nodes = found["labels"], found["nodes"]
            overlaps = [
                (a["text"], b["text"])
                for i, a in enumerate(labels)
                for b in labels[i + 1 :] + nodes
                if _overlap(a["box"], b["box"])
            ]
            out.append(Measured(chart.name, _width(chart.svg), min(found["sizes"]), overlaps))
        browser.close()
        yield out


def test_every_chart_is_readable_at_githubs_width(measured: list[Measured]) -> None:
    """The smallest text, shown 830 px wide, is at least 9 px (the chart's natural width is at most
    830 x font / 9: 1476 px at Mermaid's 16 px)."""
    report = ", ".join(f"{m.name}: {m.width:.0f} px, text {m.shown_px:.1f} px" for m in measured)
    assert all(m.shown_px >= MIN_SHOWN_PX for m in measured), report


def test_no_road_label_covers_another_or_a_state(measured: list[Measured]) -> None:
    assert {m.name: m.overlaps for m in measured if m.overlaps} == {}


def test_the_overlap_check_sees_an_overlap() -> None:
    """Control for the check above: boxes that share an area overlap; touching or apart do not."""
    assert _overlap([0, 0, 10, 10], [5, 5, 15, 15])
    assert not _overlap([0, 0, 10, 10], [10, 0, 20, 10])
    assert not _overlap([0, 0, 10, 10], [0, 11, 10, 20])
    assert Measured("wide", 1660, 16, []).shown_px == pytest.approx(8.0)


# Without a renderer: the text itself.


def test_escaping_leaves_nothing_mermaid_or_markdown_would_read() -> None:
    escaped = mermaid_text('He said "no" <b>&</b> #35; 1. x | %% y: `z` *w* _v_\n- next')
    assert escaped == (
        "He said #quot;no#quot; #lt;b#gt;#amp;#lt;/b#gt; #35;35#59; 1#46; x #124; #37;#37; y#58; "
        "#96;z#96; #42;w#42; #95;v#95;<br/>#45; next"
    )
    assert not set(escaped.replace("<br/>", "")) & set('"<>|%`*_\n')
    assert mermaid_text("Disease-free ≤ 10") == "Disease-free ≤ 10"  # plain text stays plain
    assert mermaid_text("Direction TB") == "Direction#32;TB"  # else the line is read as a direction
    assert mermaid_text("a\u2028b") == "a#8232;b"  # an invisible line separator is coded too


def test_keywords_never_name_a_node_or_a_class() -> None:
    for word in sorted(MERMAID_RESERVED):
        assert mermaid_id(word) != word and mermaid_id(word).lower() not in MERMAID_RESERVED
    assert mermaid_id("End") != "End" and mermaid_id("mdt_review") == "mdt_review"
    assert mermaid_id("b-c") == "state_b_c"
    text = to_mermaid(hostile_graph())
    ids = re.findall(r"^    (\w+)[(\[]", text, flags=re.M)
    assert ids == ["a", "state_end", "state_class", "state_graph", "state_b_c", "state_style", "state_subgraph"]
    classes = re.findall(r"^    classDef (\S+) ", text, flags=re.M)
    assert "phase_end" in classes and not {c.lower() for c in classes} & MERMAID_RESERVED
    assert "classDef end" not in text


def test_two_states_with_one_id_are_refused() -> None:
    graph = hostile_graph()
    graph.add_node("state_end", title="clash", description="", phase="entry", terminal=False)
    with pytest.raises(ValueError, match="share a Mermaid id"):
        to_mermaid(graph)


def test_roads_are_numbered_by_state_then_in_the_order_they_are_tried() -> None:
    graph = pathway_graph("colorectal")
    numbers = road_numbers(graph)
    assert sorted(numbers.values()) == list(range(1, graph.number_of_edges() + 1))
    place = list(graph.nodes)
    ranked = sorted(numbers, key=lambda r: (place.index(r[0]), graph.edges[r]["order"]))
    assert [numbers[r] for r in ranked] == list(range(1, len(ranked) + 1))
    mdt = sorted((n, graph.edges[r]["order"]) for r, n in numbers.items() if r[0] == "mdt_review")
    assert [order for _, order in mdt] == list(range(1, 13))  # MDT review: roads 3-14, tried 1st-12th


def test_one_edge_per_pair_of_states() -> None:
    for primary in [*PRIMARIES, None]:
        graph = pathway_graph(primary)
        edges = chart_edges(graph)
        pairs = [frozenset((e.a, e.b)) for e in edges]
        assert len(pairs) == len(set(pairs)) == len({frozenset((u, v)) for u, v in graph.edges()})
        assert sorted(n for e in edges for n in (*e.ahead, *e.back)) == sorted(road_numbers(graph).values())
        assert all(len(line) <= LABEL_WRAP or "," not in line for e in edges for line in e.label.split("\n"))
    colorectal = {(e.a, e.b): e for e in chart_edges(pathway_graph("colorectal"))}
    assert colorectal["mdt_review", "palliative_systemic"].label == "6, 8-10"
    assert colorectal["neoadjuvant", "reassessment"].label == "18 / 32"  # both ways, one edge
    assert colorectal["mdt_review", "surgery"].label == "11, 13\n/ 38"
    assert number_runs([3, 5, 6, 7, 9, 10]) == "3, 5-7, 9, 10"


def test_chart_text_holds_every_road_with_its_guard() -> None:
    text = cli_chart("colorectal")
    assert text.startswith("%%{init: ") and "\nflowchart TD\n" in text
    assert "%% road 13 (MDT review -> Liver surgery, tried 11 of 12): low risk (accepted alternative) [R10, R7]" in text
    assert '    mdt_review <-->|"11, 13<br/>/ 38"| surgery' in text
    assert "    class best_supportive_care,disease_free phase_end" in text
    node = re.compile(r'^    \w+(\("[^"]*"\)|\(\["[^"]*"\]\))$')
    edge = re.compile(r'^    \w+ (-->|-\.->|<-->|<-\.->)\|"[^"]*"\| \w+$')
    style = re.compile(
        r"^    (classDef phase_\w+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}|class [\w,]+ phase_\w+)$"
    )
    for line in text.splitlines()[2:]:
        assert line.startswith("%% road ") or node.match(line) or edge.match(line) or style.match(line), line


# docs/pathways.md


def test_docs_page_is_current(update_goldens: bool) -> None:
    """docs/pathways.md is what `pathway graph --format markdown` prints (--update-goldens rewrites it)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["graph", "--format", "markdown"]) == 0
    fresh = out.getvalue()
    assert fresh == pathways_page()
    if update_goldens and (not PAGE.exists() or PAGE.read_text(encoding="utf-8") != fresh):
        PAGE.parent.mkdir(exist_ok=True)
        PAGE.write_text(fresh, encoding="utf-8")
    assert PAGE.exists(), "no docs/pathways.md: run `pathway graph --format markdown > docs/pathways.md`"
    assert PAGE.read_text(encoding="utf-8") == fresh, "docs/pathways.md is stale: run the command it names"


def test_docs_page_shows_the_command_lines_charts_and_every_road() -> None:
    page = pathways_page()
    blocks = re.findall(r"```mermaid\n(.*?)```", page, flags=re.S)
    assert blocks == [cli_chart(p) for p in PRIMARIES] + [cli_chart(None)]
    for primary in PRIMARIES:
        graph = pathway_graph(primary)
        section = page.split(f"## {markdown_text(title_of(primary))}\n")[1].split("\n## ")[0]
        rows = re.findall(
            r"^\| (\d+) \| (.*?) \| (.*?) \| (\d+) of (\d+)(, alternative)? \| (.*?) \| (.*?) \|$", section, re.M
        )
        assert len(rows) == graph.number_of_edges()
        numbers = road_numbers(graph)
        for (u, v, key), n in numbers.items():
            row = rows[n - 1]
            assert int(row[0]) == n and int(row[3]) == graph.edges[u, v, key]["order"]
            assert row[6] == markdown_text(graph.edges[u, v, key]["guard"])
    assert "| Referral | `referral` | Referral and decision | Referral to a tertiary HPB centre |" in page


def test_markdown_section_for_one_primary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "markdown", "--primary", "gist"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## GIST liver metastases\n\n```mermaid\n") and out.count("```mermaid") == 1
    assert "\n| road | from | to | tried | guard | rules |\n" in out


def test_markdown_cells_escape_markup() -> None:
    assert markdown_text("a | b < c & *d* `e` [f](g) _h_\nnext") == (
        r"a \| b &lt; c &amp; \*d\* \`e\` \[f\](g) \_h\_ next"
    )


# DOT, still fine


def test_dot_quotes_an_id_dot_would_read_as_a_keyword() -> None:
    graph = hostile_graph()
    graph.add_node("node", title="n", description="", phase="entry", terminal=False)
    graph.add_edge("node", "a", key="k", order=1, guard="g", rules=[], alternative=False)
    text = to_dot(graph)
    assert '\n    "node" [label=' in text and '\n    "b-c" [label=' in text and "\n    a [label=" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed (apt-get install graphviz)")
def test_dot_renders_every_chart_with_graphviz() -> None:
    for name, graph in [*CHARTS.items(), ("hostile", hostile_graph())]:
        run = subprocess.run(
            ["dot", "-Tsvg"], input=to_dot(graph), capture_output=True, text=True, timeout=120, check=False
        )
        assert run.returncode == 0, (name, run.stderr)
        root = ET.fromstring(run.stdout)
        drawn = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
        assert len(drawn) == graph.number_of_nodes(), name
        texts = " ".join(_text(g) for g in drawn)
        assert all(str(t) in texts for _, t in graph.nodes(data="title")), name
        assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]) == graph.number_of_edges(), name


def test_ci_installs_the_pinned_mermaid_cli_outside_the_repository() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    install = next(line for line in script.splitlines() if "@mermaid-js/mermaid-cli@" in line)
    assert '"@mermaid-js/mermaid-cli@$MMDC_VERSION"' in install
    assert "PUPPETEER_SKIP_DOWNLOAD=1" in install and "npm install" in install
    assert '--prefix "$HOME/.cache/pathway-mmdc"' in install  # where mmdc() looks: CACHE_MMDC
    assert CACHE_MMDC.parts[-5:-3] == (".cache", "pathway-mmdc")
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned_mmdc())
