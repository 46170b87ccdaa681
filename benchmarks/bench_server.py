"""SPARQL endpoint throughput: `python -m regenkg.server` beside `oxigraph serve-read-only` on the same data.

Synthetic graph of ~100 k triples (companies → modalities/indications, bilingual labels) in one named
graph; both servers use the union of graphs as default graph. A fixed number of 1-hop queries (subject
lookups, object lookups, label lookups, ASK) is sent over loopback by a bounded pool of client threads
(httpx). Prints req/s for both and writes benchmarks/results/server.json.

    .venv/bin/python benchmarks/bench_server.py [--triples 100000] [--requests 2000] [--concurrency 8]

Needs the `oxigraph` PyPI package (the server binary) for the comparison; without it only regenkg runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox

RKG = "https://w3id.org/regenkg/ontology#"
RKGR = "https://w3id.org/regenkg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#prefLabel"
RESULTS = Path(__file__).resolve().parent / "results" / "server.json"


def synthetic_quads(n_triples: int, seed: int = 7) -> tuple[list[ox.Quad], int]:
    """Companies with labels (en + zh-Hant), develops/targets edges; returns quads and company count."""
    rng = random.Random(seed)
    graph = ox.NamedNode("https://w3id.org/regenkg/graph/doc/synthetic")
    develops, targets, label = ox.NamedNode(RKG + "develops"), ox.NamedNode(RKG + "targets"), ox.NamedNode(SKOS)
    a, company = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(RKG + "Company")
    n_companies = max(10, n_triples // 10)
    quads = []
    for i in range(n_companies):
        c = ox.NamedNode(f"{RKGR}company/c{i}")
        quads += [
            ox.Quad(c, a, company, graph),
            ox.Quad(c, label, ox.Literal(f"Company {i}", language="en"), graph),
            ox.Quad(c, label, ox.Literal(f"公司{i}", language="zh-Hant"), graph),
        ]
        for _ in range(4):
            quads.append(ox.Quad(c, develops, ox.NamedNode(f"{RKGR}modality/m{rng.randrange(200)}"), graph))
        for _ in range(3):
            quads.append(ox.Quad(c, targets, ox.NamedNode(f"{RKGR}indication/i{rng.randrange(500)}"), graph))
    return quads[:n_triples], n_companies


def query_mix(n: int, n_companies: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        choice = k % 4
        if choice == 0:
            out.append(f"SELECT ?p ?o WHERE {{ <{RKGR}company/c{rng.randrange(n_companies)}> ?p ?o }}")
        elif choice == 1:
            out.append(f"SELECT ?c WHERE {{ ?c <{RKG}develops> <{RKGR}modality/m{rng.randrange(200)}> }} LIMIT 100")
        elif choice == 2:
            out.append(f'SELECT ?c WHERE {{ ?c <{SKOS}> "公司{rng.randrange(n_companies)}"@zh-Hant }}')
        else:
            out.append(f"ASK {{ <{RKGR}company/c{rng.randrange(n_companies)}> <{RKG}targets> ?i }}")
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def load_test(url: str, queries: list[str], concurrency: int) -> dict[str, float]:
    """Send every query once with ``concurrency`` threads; returns req/s and latency percentiles."""
    latencies: list[float] = []
    errors = 0
    with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        def one(query: str) -> None:
            nonlocal errors
            started = time.perf_counter()
            r = client.get(url, params={"query": query}, headers={"accept": "application/sparql-results+json"})
            latencies.append(time.perf_counter() - started)
            if r.status_code != 200:
                errors += 1

        for q in queries[:20]:  # warm-up
            one(q)
        latencies.clear()
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, queries))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(queries),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "req_per_s": round(len(queries) / elapsed, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    quads, n_companies = synthetic_quads(args.triples)
    queries = query_mix(args.requests, n_companies)
    report: dict = {
        "triples": len(quads), "requests": args.requests, "concurrency": args.concurrency,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "query_mix": "1-hop: subject lookup, object lookup (LIMIT 100), zh-Hant label lookup, ASK",
    }
    with tempfile.TemporaryDirectory(prefix="regenkg-bench-") as tmp:
        snapshot = Path(tmp) / "snapshot"
        (snapshot / "graph").mkdir(parents=True)
        data = snapshot / "graph" / "doc-synthetic.nq"
        ox.serialize(quads, str(data), ox.RdfFormat.N_QUADS)

        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "regenkg.server", str(snapshot), "--port", str(port),
                                 "--workers", str(args.workers), "--log-level", "warning"])
        try:
            wait_up(f"http://127.0.0.1:{port}/sparql", proc)
            report["regenkg"] = load_test(f"http://127.0.0.1:{port}/sparql", queries, args.concurrency)
            report["regenkg"]["workers"] = args.workers
        finally:
            proc.terminate()
            proc.wait(10)
        print("regenkg:", report["regenkg"])

        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        if Path(binary).exists():
            location = Path(tmp) / "oxigraph"
            subprocess.run([binary, "load", "--location", str(location), "--file", str(data)], check=True,
                           capture_output=True)
            port = free_port()
            proc = subprocess.Popen([binary, "serve-read-only", "--location", str(location), "--bind",
                                     f"127.0.0.1:{port}", "--union-default-graph"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_up(f"http://127.0.0.1:{port}/query", proc)
                report["oxigraph"] = load_test(f"http://127.0.0.1:{port}/query", queries, args.concurrency)
            finally:
                proc.terminate()
                proc.wait(10)
            print("oxigraph serve:", report["oxigraph"])
            report["ratio_regenkg_over_oxigraph"] = round(
                report["regenkg"]["req_per_s"] / report["oxigraph"]["req_per_s"], 3)
            print("req/s ratio regenkg / oxigraph:", report["ratio_regenkg_over_oxigraph"])
        else:
            report["oxigraph"] = None
            print("oxigraph binary not found (pip install oxigraph); skipped the comparison")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
