"""The web explorer in a real headless Chromium: YASGUI on /sparql (typed query, paging, CSV download, the
query in the URL, history), questions in Traditional Chinese and English in the Ask panel, an entity view.

Set ``REGENKG_SCREENSHOT_DIR`` to keep the screenshots (docs/screenshots/ holds the committed ones).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VENDOR = Path(__file__).resolve().parents[1] / "src" / "regenkg" / "server" / "static" / "vendor"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 120"


@pytest.fixture(scope="module")
def server(seed_index):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make install-dev installs Debian's chromium when run as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")
    if not (VENDOR / "yasgui.min.js").exists():
        pytest.skip("static/vendor/ is empty: run `npm ci --ignore-scripts && npm run vendor` in "
                    "src/regenkg/server/web (make install does)")
    with running_server(["-m", "regenkg.cli", "serve", "--index", str(seed_index)]) as srv:
        yield srv.url


def _open(browser, url: str, lang: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1500}, accept_downloads=True)
    context.add_init_script(f"localStorage.setItem('regenkg-lang', '{lang}')")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return context, page


def _editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")


def test_web_page_end_to_end(server, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context, page = _open(browser, server + "/", "zh")
        errors: list[str] = []
        outside: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else outside.append(r.url))

        # 1. type a query into YASGUI's editor and run it
        page.click(".yasqe .CodeMirror")
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(QUERY)  # text input, without the editor's bracket auto-closing
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
        page.wait_for_function("() => document.querySelector('#status').textContent.includes('120')")
        assert "列" in page.inner_text("#status")  # the page's own UI text follows the chosen language
        rows = page.locator(".yasr table tbody tr")
        assert rows.count() == 50  # one page of YASR's table, not every row at once
        first_page = rows.first.inner_text()

        # IRIs are shown prefixed; entities link to the entity view of this page
        links = page.locator(".yasr a[data-entity]")
        assert links.count() > 0
        assert any(t.split(":", 1)[0] in ("company", "modality", "indication", "country", "segment", "regulation",
                                          "figure", "rkgr") for t in links.all_inner_texts())
        assert not any(t.startswith("https://w3id.org/regenkg/id/") for t in page.locator(".yasr a").all_inner_texts())

        # 2. page through the results
        page.click(".yasr .dt-paging-button.next")
        page.wait_for_function("() => document.querySelector('.yasr .dt-paging-button.current').textContent === '2'")
        assert rows.first.inner_text() != first_page
        page.click(".yasr .dt-paging-button.previous")

        # 3. download the whole result as CSV
        with page.expect_download() as info:
            page.click(".yasr .yasr_downloadIcon")
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert table[0] == ["s", "p", "o"] and len(table) == 121

        # 4. the query is in the URL (a fresh browser opens it) and in the history list
        assert "LIMIT%20120" in page.url or "LIMIT+120" in page.url
        other, shared = _open(browser, page.url, "en")
        shared.wait_for_selector(".yasqe .CodeMirror")
        assert "LIMIT 120" in _editor_text(shared)
        other.close()
        assert "LIMIT 120" in page.inner_text("#history")

        # 5. a question in Traditional Chinese, in the Ask panel: labels and relation in 繁體, editor untouched
        page.fill("#ask-q", "誰在開發TCR-T")
        page.press("#ask-q", "Enter")
        page.wait_for_selector("#ask-out table", timeout=120_000)
        answer = page.inner_text("#ask-out")
        assert "葛蘭素史克" in answer and "TCR-T" in answer
        assert "答案" in page.inner_text("#ask-out th >> nth=0") and "開發" in answer
        assert "LIMIT 120" in _editor_text(page)

        # 6. an entity opened from the result table: neighbourhood graph and evidence, in 繁體
        page.click("#ask-out a[data-entity] >> text=阿斯特捷利康")
        page.wait_for_selector("#evidence li", timeout=30_000)
        assert "阿斯特捷利康" in page.inner_text("#entity-out h3")
        assert "開發" in page.inner_text("#evidence")
        nodes = page.evaluate("() => window.cy ? window.cy.nodes().length : -1")
        assert nodes >= 3, "the Cytoscape graph should show AstraZeneca and its neighbours"
        edge_labels = page.evaluate("() => window.cy.edges().map(e => e.data('label')).join(' ')")
        assert "開發" in edge_labels
        assert page.evaluate("() => getComputedStyle(document.querySelector('#ask-out td')).overflowWrap") == "anywhere"
        page.click(".yasr .dt-paging-button.next")  # show paging in the screenshot
        shots.append(tmp_path / "web-after-zh-hant.png")
        page.screenshot(path=str(shots[-1]), full_page=True)

        # an IRI in YASGUI's table opens the entity view too
        page.locator(".yasr a[data-entity]").first.click()
        page.wait_for_function("() => !document.querySelector('#entity-out').textContent.includes('…')")

        # 7. the same question in English after switching the language
        page.click("#lang-toggle")
        page.fill("#ask-q", "who develops TCR-T")
        page.press("#ask-q", "Enter")
        page.wait_for_function("() => document.querySelector('#ask-out th') && "
                               "document.querySelector('#ask-out th').textContent === 'answer'", timeout=120_000)
        answer = page.inner_text("#ask-out")
        assert "GSK" in answer and "develops" in answer
        assert "120 rows" in page.inner_text("#status")  # the page's own text switched language too
        shots.append(tmp_path / "web-after-en.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        context.close()
        browser.close()
    assert all(s.stat().st_size > 20_000 for s in shots)
    assert not errors, errors
    assert not outside, f"the page reached outside its server: {outside}"
    out = os.environ.get("REGENKG_SCREENSHOT_DIR")
    if out:
        for shot in shots:
            shutil.copy(shot, Path(out) / shot.name)
