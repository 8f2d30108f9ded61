"""Case pages and the casebook, as files: self-contained, escaped, every step there (no browser)."""

from __future__ import annotations

import base64
import hashlib
import re
from itertools import pairwise
from pathlib import Path

import pytest

from pathway.cli import main
from pathway.html import case_page, csp, mark_path
from pathway.report import replay
from pathway.scenario import load
from pathway.timeline import bands, month_ticks, x_of

from .conftest import ROOT, SCENARIOS

S4 = SCENARIOS / "s4-metachronous-bilobar.yaml"
HOSTILE_TITLE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def hostile(tmp_path: Path) -> Path:
    """S4 with a title and notes that would run script if they reached the page unescaped."""
    text = S4.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", "title: '" + HOSTILE_TITLE.replace("'", "''") + "'", text, count=1, flags=re.M)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def s4_page() -> str:
    scenario = load(S4)
    return case_page(scenario, replay(scenario))


def test_every_step_is_an_element_with_its_number_and_state(s4_page: str) -> None:
    trajectory = replay(load(S4))
    found = re.findall(r'<section class="step" id="step-(\d+)" data-step="(\d+)" data-state="([a-z_]+)"', s4_page)
    assert [(int(a), int(b), s) for a, b, s in found] == [(s.number, s.number, s.state) for s in trajectory]


def test_the_page_loads_nothing(s4_page: str) -> None:
    assert not re.search(r'\b(src|href)="(https?:)?//', s4_page)
    assert not re.search(r"<(link|iframe|object|embed|img)\b", s4_page)
    assert "@import" not in s4_page and "url(http" not in s4_page
    assert s4_page.count("<script>") == 1


def test_the_csp_forbids_network_and_allows_only_the_pages_own_script(s4_page: str) -> None:
    script = s4_page[s4_page.index("<script>") + len("<script>") : s4_page.index("</script>")]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', s4_page)
    assert meta is not None
    policy = meta.group(1).replace("&#x27;", "'")
    assert policy == csp(script)
    assert "default-src 'none'" in policy and f"script-src 'sha256-{digest}'" in policy
    assert "connect-src 'none'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_no_event_handler_attributes(s4_page: str) -> None:
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", s4_page)


def test_scenario_text_is_escaped(tmp_path: Path) -> None:
    scenario = load(hostile(tmp_path))
    page = case_page(scenario, replay(scenario))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page


def test_the_diagram_marks_the_path(s4_page: str) -> None:
    assert '<g id="d-node-mdt_review" class="node path" data-first="2"' in s4_page
    assert '<g id="d-node-recurrence" class="node"' in s4_page  # never reached
    assert re.search(r'<g id="d-edge-reassessment--neoadjuvant" class="edge path" data-steps="5"', s4_page)
    assert re.search(r'<g id="d-edge-mdt_review--surgery" class="edge" data-blocked="3"', s4_page)
    ids = re.findall(r'\bid="([^"]+)"', s4_page)
    assert len(ids) == len(set(ids)), "two elements share an id"


def test_mark_path_leaves_other_pages_diagrams_alone() -> None:
    svg = '<svg><g id="d-node-staging"></g><g id="d-edge-staging--mdt_review"></g></svg>'
    trajectory = replay(load(S4))
    marked = mark_path(svg, trajectory)
    assert 'data-first="1"' in marked and 'data-steps="2"' in marked


def test_quiz_options_carry_the_quizs_own_feedback(s4_page: str) -> None:
    step3 = s4_page[s4_page.index('id="step-3"') : s4_page.index('id="step-4"')]
    assert step3.count('class="option"') == 6 + 4  # six next states, then four regimens of this line
    assert 'data-credit="1"' in step3 and 'data-credit="0"' in step3
    assert "Blocked: upfront surgery for low-risk disease - R0 resection not achievable" in step3


def test_timeline_bands_and_visits() -> None:
    trajectory = replay(load(S4))
    stretches, marks = bands(trajectory)
    assert [(b.step, b.state, b.start, b.end) for b in stretches][:3] == [
        (1, "staging", 0.0, 0.5),
        (3, "neoadjuvant", 0.5, 2.5),
        (5, "neoadjuvant", 2.5, 4.5),
    ]
    assert next(b for b in stretches if b.state == "neoadjuvant").label.startswith("FOLFOX + anti-EGFR")
    assert [m.step for m in marks if m.kind == "operation"] == [7]
    visits = [m.month for m in marks if m.kind == "visit"]
    start = next(b.start for b in stretches if b.state == "surveillance")
    assert visits[:2] == [start + 3, start + 6]  # every 3 months for 2 years (R30)
    assert [round(b - a, 2) for a, b in pairwise(visits)][-1] == 6  # then every 6
    assert month_ticks(65.5) == [0, 3, 6, 9, 12, 24, 36, 48, 60]
    assert x_of(12) == 12 and x_of(24) == 15


def test_html_command_writes_pages_and_a_casebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("s4-metachronous-bilobar.yaml", "sarcoma-resectable.yaml"):
        (folder / name).write_text((SCENARIOS / name).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["html", str(folder), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "s4-metachronous-bilobar.html",
        "sarcoma-resectable.html",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="s4-metachronous-bilobar.html">' in index and '<a href="sarcoma-resectable.html">' in index
    assert "Recognise multifocal bilobar disease as initially unresectable" in index
    assert 'id="o-node-mdt_review"' in index and '<dt id="rule-R12">' in index
    assert index.index("s4-metachronous-bilobar.html") < index.index("sarcoma-resectable.html")  # colorectal first


def test_html_for_one_file_writes_no_casebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", str(S4), "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["s4-metachronous-bilobar.html"]


def test_html_bad_input_exits_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(S4.read_text(encoding="utf-8").replace("ecog: 1", "ecog: 9"), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["html", str(bad), str(S4), "--out", str(out)]) == 2
    assert "patient.ecog" in capsys.readouterr().err and not out.exists()
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    assert main(["html", str(S4), "--out", str(afile)]) == 2
    assert "--out: not a folder" in capsys.readouterr().err


def test_html_refuses_two_scenarios_with_one_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", str(S4), str(S4), "--out", str(tmp_path / "site")]) == 2
    assert "duplicate scenario id" in capsys.readouterr().err


def test_render_timeline_writes_one_figure_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--scenario", str(S4), "--timeline", "--out", str(tmp_path)]) == 0
    svg = (tmp_path / "timelines" / "s4-metachronous-bilobar.svg").read_text(encoding="utf-8")
    assert 'id="step-3"' in svg and 'id="step-7-operation' in svg


def test_the_readme_screenshot_is_of_the_current_page(s4_page: str) -> None:
    """figures/screenshots/case-page.png (retaken by tests/test_browser.py --update-goldens) shows the S4 page;
    its .sha256 names the page it was taken of. Pixels depend on a machine's fonts; the page does not."""
    shot = ROOT / "figures" / "screenshots" / "case-page.png"
    recorded = (ROOT / "figures" / "screenshots" / "case-page.sha256").read_text(encoding="utf-8").split()[0]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert recorded == hashlib.sha256(s4_page.encode("utf-8")).hexdigest(), (
        "the case page changed: python -m pytest tests/test_browser.py --update-goldens"
    )


def test_a_scenario_named_index_cannot_hide_the_casebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = S4.read_text(encoding="utf-8").replace("id: s4-metachronous-bilobar", "id: index")
    (folder / "index.yaml").write_text(text, encoding="utf-8")
    assert main(["html", str(folder), "--out", str(tmp_path / "site")]) == 2
    assert "id: the casebook is index.html" in capsys.readouterr().err


def test_feedback_never_cites_an_empty_rule_list() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load(path)
        page = case_page(scenario, replay(scenario))
        assert "(; " not in page and "show the 1 roads" not in page, path.name
