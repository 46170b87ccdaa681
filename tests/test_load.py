"""A bounded loopback load test of a real `regenkg serve`: no 5xx but the intended timeout, stable memory."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import pytest
from conftest import running_server

psutil = pytest.importorskip("psutil")

ONE_HOP = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#> SELECT ?c WHERE { ?c rkg:develops "
           "<https://w3id.org/regenkg/id/modality/tcr-t> }")
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
REQUESTS = 240


def _rss(proc: psutil.Process) -> int:
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def test_bounded_load_with_one_runaway_query(seed_index):
    with running_server(["-m", "regenkg.cli", "serve", "--index", str(seed_index), "--timeout", "3"]) as srv:
        url = srv.url
        proc = psutil.Process(srv.proc.pid)
        plan = [("sparql", ONE_HOP)] * REQUESTS
        for i in range(0, REQUESTS, 40):
            plan[i] = ("ask", "誰在開發TCR-T")
        plan[REQUESTS // 2 + 1] = ("sparql", RUNAWAY)

        def send(item: tuple[str, str]) -> tuple[str, int]:
            kind, text = item
            with httpx.Client(timeout=60) as client:
                if kind == "ask":
                    r = client.get(f"{url}/api/ask?q={quote(text)}")
                else:
                    r = client.get(f"{url}/sparql", params={"query": text},
                                   headers={"Accept": "application/sparql-results+json"})
            return text, r.status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            warm = list(pool.map(send, plan[:40]))
            rss_warm = _rss(proc)
            rest = list(pool.map(send, plan[40:]))
        rss_end = _rss(proc)
        results = warm + rest
        assert len(results) == REQUESTS
        runaway = [code for text, code in results if text == RUNAWAY]
        others = [code for text, code in results if text != RUNAWAY]
        assert runaway == [503]
        assert all(code == 200 for code in others), sorted(set(others))
        assert rss_end < rss_warm * 1.3 + 50 * 2**20, (rss_warm, rss_end)
        # the server still answers at once after the runaway query was stopped
        started = time.monotonic()
        assert httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200
        assert time.monotonic() - started < 1.5
