"""A bounded loopback load test of a real `regenkg serve`: keep-alive clients lose no request to a runaway.

Three rounds of 420 mixed requests (one-pattern SPARQL in the HTTP process, joins and filters in the
evaluators, /api/ask, /api/search) from 6 client threads, each with one keep-alive ``httpx.Client`` for
the whole test, and two runaway queries per round. Every request must get an HTTP answer; only the
runaways may get 503 (their evaluator is killed and replaced, the connections stay up).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import running_server

psutil = pytest.importorskip("psutil")

RKG = "PREFIX rkg: <https://w3id.org/regenkg/ontology#> "
ONE_HOP = RKG + "SELECT ?c WHERE { ?c rkg:develops <https://w3id.org/regenkg/id/modality/tcr-t> }"
JOIN = (RKG + "SELECT ?c (COUNT(?m) AS ?n) WHERE { ?c rkg:develops ?m . OPTIONAL { ?c ?p ?o } "
        "FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY DESC(?n) LIMIT 5")
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
ROUNDS, PER_ROUND, CLIENTS = 3, 420, 6


def _rss(proc: psutil.Process) -> int:
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _plan(round_no: int) -> list[tuple[str, str]]:
    plan: list[tuple[str, str]] = []
    for i in range(PER_ROUND):
        if i % 30 == 0:
            plan.append(("ask", "誰在開發TCR-T"))
        elif i % 30 == 15:
            plan.append(("search", "TCR-T cell therapy"))
        elif i % 4 == 1:
            plan.append(("sparql", JOIN))
        else:
            plan.append(("sparql", ONE_HOP))
    # Two runaways, at places that differ from round to round.
    for at in (PER_ROUND // 3 + round_no * 7, 2 * PER_ROUND // 3 + round_no * 11):
        plan[at] = ("sparql", RUNAWAY)
    return plan


def test_keep_alive_clients_lose_nothing_to_runaways(seed_index):
    args = ["-m", "regenkg.cli", "serve", "--index", str(seed_index), "--timeout", "2"]
    with running_server(args) as srv:
        url = srv.url
        proc = psutil.Process(srv.proc.pid)
        clients = [httpx.Client(base_url=url, timeout=60) for _ in range(CLIENTS)]
        connections: set[tuple[int, int]] = set()

        def send(job: tuple[int, tuple[str, str]]) -> tuple[str, int | str]:
            index, (kind, text) = job
            client = clients[index % CLIENTS]
            try:
                if kind == "ask":
                    r = client.get("/api/ask", params={"q": text})
                elif kind == "search":
                    r = client.get("/api/search", params={"q": text, "k": 3})
                else:
                    r = client.get("/sparql", params={"query": text},
                                   headers={"Accept": "application/sparql-results+json"})
            except httpx.TransportError as exc:  # a lost request: what this test is about
                return text, f"{type(exc).__name__}: {exc}"
            return text, r.status_code

        try:
            rss = []
            for round_no in range(ROUNDS):
                plan = list(enumerate(_plan(round_no)))
                # One thread per client, so each keep-alive connection carries its share in order.
                with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                    lanes = [[job for job in plan if job[0] % CLIENTS == lane] for lane in range(CLIENTS)]
                    results = [r for lane in pool.map(lambda jobs: [send(j) for j in jobs], lanes) for r in lane]
                assert len(results) == PER_ROUND
                runaway = [code for text, code in results if text == RUNAWAY]
                others = [code for text, code in results if text != RUNAWAY]
                assert runaway == [503, 503], (round_no, runaway)
                assert all(code == 200 for code in others), (round_no, sorted(set(map(str, others))))
                rss.append(_rss(proc))
            assert rss[-1] < rss[0] * 1.3 + 100 * 2**20, rss
            # the server answers at once after the runaways were stopped, on the same connections
            started = time.monotonic()
            assert clients[0].get("/sparql", params={"query": "ASK {}"}).status_code == 200
            assert time.monotonic() - started < 1.5
        finally:
            for client in clients:
                client.close()
        del connections
