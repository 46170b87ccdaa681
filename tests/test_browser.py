"""The web explorer in a real headless Chromium: SPARQL example, a Chinese question, an entity graph."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def server(seed_index):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make install-dev installs Debian's chromium when run as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")
    with running_server(["-m", "regenkg.cli", "serve", "--index", str(seed_index)]) as srv:
        yield srv.url


def test_web_page_end_to_end(server, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server + "/")

        # 1. the default example SPARQL query runs and fills the results table
        page.click("#run")
        page.wait_for_selector("#results table tr >> nth=1", timeout=30_000)
        assert "rows" in page.inner_text("#status") or "行" in page.inner_text("#status")

        # 2. a question in Traditional Chinese
        page.fill("#ask-q", "誰在開發TCR-T")
        page.press("#ask-q", "Enter")
        page.wait_for_selector("#ask-out table", timeout=120_000)
        text = page.inner_text("#ask-out")
        assert ("GSK" in text or "葛蘭素史克" in text) and "TCR-T" in text

        # 3. an entity view with its neighbourhood graph
        page.fill("#entity-q", "阿斯特捷利康")
        page.press("#entity-q", "Enter")
        page.wait_for_selector("#evidence li", timeout=30_000)
        nodes = page.evaluate("() => (typeof cy !== 'undefined' && cy) ? cy.nodes().length : -1")
        assert nodes >= 3, "the Cytoscape graph should show AstraZeneca and its neighbours"
        assert page.evaluate("() => cy.nodes().map(n => n.data('label')).join(' ')")

        # 4. labels switch language
        page.click("#lang-toggle")
        shot = tmp_path / "regenkg-web.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 20_000
    assert not errors, errors
    out = os.environ.get("REGENKG_SCREENSHOT_DIR")
    if out:
        shutil.copy(shot, Path(out) / shot.name)
