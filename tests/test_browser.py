"""Case pages in a real browser: headless Chromium (Debian's package) driven by Playwright.

Without Chromium or Playwright these tests are skipped with the reason; under CI=true they must
run (CI installs both), so a missing browser fails instead of passing unseen.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pathway.cli import main
from pathway.html import case_page
from pathway.report import replay
from pathway.scenario import load

from .conftest import ROOT, SCENARIOS
from .test_html import HOSTILE_TITLE, hostile

S4 = SCENARIOS / "s4-metachronous-bilobar.yaml"
SCREENSHOT = ROOT / "figures" / "screenshots" / "case-page.png"
SCREENSHOT_SOURCE = ROOT / "figures" / "screenshots" / "case-page.sha256"  # the page the screenshot shows
SCREENSHOT_STEP = 7
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str | None:
    return os.environ.get("PATHWAY_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def browser_unavailable() -> str | None:
    """Why no browser test can run here (None: Playwright and a Chromium are both present)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if chromium() is None:
        return "no Chromium on this machine (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = browser_unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        yield launched
        launched.close()


class Opened:
    """A page opened from disk, with every console message, page error and request it made."""

    def __init__(self, browser: Any, path: Path, fragment: str = ""):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.messages: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url + fragment)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def current(self) -> int:
        return int(self.page.locator(".step.current").get_attribute("data-step"))

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped scenario's page and the casebook, written by the command a teacher runs."""
    out = tmp_path_factory.mktemp("site")
    assert main(["html", str(SCENARIOS), "--out", str(out)]) == 0
    return out


@pytest.fixture
def s4(browser: Any, site: Path) -> Iterator[Opened]:
    opened = Opened(browser, site / "s4-metachronous-bilobar.html")
    yield opened
    opened.close()


def test_every_page_loads_from_disk_without_errors_or_requests(browser: Any, site: Path) -> None:
    pages = sorted(site.glob("*.html"))
    assert len(pages) == len(list(SCENARIOS.glob("*.yaml"))) + 1
    for path in pages:
        opened = Opened(browser, path)
        try:
            assert opened.messages == [], (path.name, opened.messages)
            assert opened.requests == [opened.url], (path.name, opened.requests)
            if path.name != "index.html":
                assert opened.current() == 1
        finally:
            opened.close()


def test_arrow_right_advances_and_the_highlighted_road_changes(s4: Opened) -> None:
    page = s4.page
    assert s4.current() == 1
    assert page.locator(".diagram .edge.current").get_attribute("id") == "d-edge-referral--staging"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert s4.current() == 3
    assert page.locator(".diagram .edge.current").get_attribute("id") == "d-edge-mdt_review--neoadjuvant"
    assert page.locator("#step-3").is_visible() and not page.locator("#step-2").is_visible()
    assert page.locator(".timeline .band.box.current").get_attribute("data-step") == "3"
    assert page.locator(".diagram .edge.blocked-now").count() >= 5  # the roads not taken at the MDT
    assert page.evaluate("location.hash") == "#step-3"
    page.keyboard.press("ArrowLeft")
    assert s4.current() == 2


def test_buttons_and_a_link_to_a_step(browser: Any, site: Path) -> None:
    opened = Opened(browser, site / "s4-metachronous-bilobar.html", "#step-5")
    try:
        page = opened.page
        assert opened.current() == 5
        assert page.locator("#where").inner_text() == "Step 5 of 10"
        page.click("#next")
        assert opened.current() == 6
        page.click("#prev")
        page.click("#prev")
        assert opened.current() == 4
        page.evaluate("location.hash = '#step-10'")
        page.wait_for_function("document.querySelector('.step.current').dataset.step === '10'")
        assert page.locator("#next").is_disabled()
    finally:
        opened.close()


def test_quiz_mode_a_wrong_click_shows_the_blocking_guard(s4: Opened) -> None:
    page = s4.page
    page.check("#quiz-mode")
    assert page.title() == "Quiz - pathway case" and not page.locator("h1").is_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert s4.current() == 3
    step = page.locator("#step-3")
    assert not step.locator(".reveal").is_visible()  # the answer is not shown before the resident decides
    assert not step.locator(".dest").first.is_visible()
    assert page.locator("#next").is_disabled()  # nor can the class skip ahead to it
    page.keyboard.press("ArrowRight")
    assert s4.current() == 3
    # the diagram stops where the patient is: the road to the MDT, not the answer
    assert page.locator(".diagram .edge.current").get_attribute("id") == "d-edge-staging--mdt_review"
    assert page.locator(".diagram .node.here").get_attribute("id") == "d-node-mdt_review"
    step.locator('.question[data-index="0"] .option', has_text="Liver surgery").click()
    feedback = step.locator('.question[data-index="0"] .feedback:visible')
    assert feedback.count() == 1
    text = feedback.inner_text()
    assert "Blocked: upfront surgery for low-risk disease" in text and "FLR 24% is below 30%" in text
    assert "FOLFOX" not in text  # the regimen is the next question
    assert page.locator("#score").inner_text() == "Score: 0 of 1"
    assert not step.locator(".reveal").is_visible()  # not until the regimen is answered too
    step.locator('.question[data-index="1"] .option', has_text="FOLFOX + anti-EGFR").click()
    assert page.locator("#score").inner_text() == "Score: 1 of 2"
    assert step.locator(".reveal").is_visible()
    assert page.locator(".diagram .edge.current").get_attribute("id") == "d-edge-mdt_review--neoadjuvant"
    assert not page.locator("#next").is_disabled()


def test_a_link_past_an_unanswered_question_stops_at_it(browser: Any, site: Path) -> None:
    opened = Opened(browser, site / "s4-metachronous-bilobar.html")
    try:
        page = opened.page
        page.check("#quiz-mode")
        page.evaluate("location.hash = '#step-9'")
        page.wait_for_function("location.hash === '#step-3'")
        assert opened.current() == 3
    finally:
        opened.close()


def test_a_rule_reached_with_the_keyboard_shows_its_statement(s4: Opened) -> None:
    """A title tooltip shows only on hover: reached with Tab, a rule number shows its statement."""
    page = s4.page
    rule = page.locator(".step.current abbr.rule").first
    statement = rule.get_attribute("title")
    assert statement
    shown = "() => getComputedStyle(document.activeElement, '::after').content"
    page.keyboard.press("Tab")
    for _ in range(40):  # tab through the page's controls until the rule has the focus
        if page.evaluate("() => document.activeElement.matches('.step.current abbr.rule')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('.step.current abbr.rule')")
    assert statement in page.evaluate(shown)
    page.keyboard.press("Shift+Tab")
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.step.current abbr.rule'), '::after').content")
        == "none"
    )


def test_print_shows_every_step_expanded(s4: Opened) -> None:
    page = s4.page
    page.emulate_media(media="print")
    steps = page.locator(".step")
    assert steps.count() == 10
    for i in range(10):
        assert steps.nth(i).is_visible()
        assert steps.nth(i).locator(".reveal").is_visible()
    assert page.locator("ul.blocked").first.is_visible()  # the roads not taken, expanded
    assert not page.locator("nav.controls").is_visible() and not page.locator(".quiz").first.is_visible()
    assert page.locator(".diagram svg").is_visible() and page.locator(".timeline svg").is_visible()


def test_a_title_holding_script_shows_as_text(browser: Any, tmp_path: Path) -> None:
    scenario = load(hostile(tmp_path))
    path = tmp_path / "hostile.html"
    path.write_text(case_page(scenario, replay(scenario)), encoding="utf-8")
    opened = Opened(browser, path)
    try:
        assert opened.page.locator("h1").inner_text() == HOSTILE_TITLE
        assert opened.page.title().startswith(HOSTILE_TITLE)
        assert opened.dialogs == [] and opened.messages == []
        assert opened.page.locator("img").count() == 0
    finally:
        opened.close()


def test_casebook_links_open_the_pages(browser: Any, site: Path) -> None:
    opened = Opened(browser, site / "index.html")
    try:
        links = opened.page.locator("table.cases a")
        assert links.count() == len(list(SCENARIOS.glob("*.yaml")))
        opened.page.locator("table.cases a", has_text="Metachronous multifocal bilobar CRLM").click()
        # the page may already have written its first step into the address (#step-1)
        opened.page.wait_for_url(re.compile(r"/s4-metachronous-bilobar\.html(#step-\d+)?$"))
        assert opened.page.locator("h1").inner_text().startswith("Metachronous multifocal bilobar CRLM")
    finally:
        opened.close()


def test_retake_the_readme_screenshot(browser: Any, tmp_path: Path, update_goldens: bool) -> None:
    """With --update-goldens: figures/screenshots/case-page.png, S4 at step 7 at 1280x800, and the digest of
    the page it shows (tests/test_html.py checks that digest against the current page)."""
    if not update_goldens:
        pytest.skip("retakes figures/screenshots/case-page.png only with --update-goldens")
    scenario = load(S4)
    page = case_page(scenario, replay(scenario))
    path = tmp_path / "s4.html"
    path.write_text(page, encoding="utf-8")
    opened = Opened(browser, path, f"#step-{SCREENSHOT_STEP}")
    try:
        opened.page.screenshot(path=str(SCREENSHOT))
    finally:
        opened.close()
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()
    SCREENSHOT_SOURCE.write_text(f"{digest}  s4-metachronous-bilobar.html#step-{SCREENSHOT_STEP}\n", encoding="utf-8")
