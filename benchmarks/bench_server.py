"""SPARQL endpoint throughput: `regenkg serve` beside `oxigraph serve-read-only` and rdflib-endpoint.

Synthetic graph of ~100 k triples (companies → modalities/indications, bilingual labels) in one named
graph; every server uses the union of graphs as default graph. The query mix is 1-hop (subject lookups,
object lookups, label lookups, ASK). Load: Debian's ``wrk`` (C, so the client hardly competes with the
servers for the 2 cores) with a fixed number of loopback connections for a fixed time, at each
``--concurrency`` level; without wrk, a Python client (httpx threads) sends ``--requests`` queries.
Prints req/s per server and the ratios; writes benchmarks/results/server.json.

    .venv/bin/python benchmarks/bench_server.py [--triples 100000] [--concurrency 1 8] [--seconds 10]

`make bench` installs wrk (as root) and rdflib-endpoint (the ``bench`` extra); the `oxigraph` binary comes
with the dev extra. A server that is missing is skipped and said so.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox
from common import free_port, oxigraph_binary, oxigraph_server, write_results

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


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("REGENKG_WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "application/sparql-results+json"})
end
"""


def wrk_test(url: str, queries: list[str], concurrency: int, seconds: float, folder: Path) -> dict[str, float]:
    """``wrk`` with ``concurrency`` connections for ``seconds``, cycling through the query mix."""
    path = urlsplit(url).path
    paths = folder / "paths.txt"
    paths.write_text("".join(f"{path}?{urlencode({'query': q})}\n" for q in queries), encoding="utf-8")
    script = folder / "mix.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    base = url[: -len(path)] if path else url
    env = {**os.environ, "REGENKG_WRK_PATHS": str(paths)}
    # warm-up (caches, lazy imports), then the measured run
    subprocess.run(["wrk", "-t1", f"-c{concurrency}", "-d2s", "--timeout", "30s", "-s", str(script), base],
                   env=env, capture_output=True, text=True, check=True)
    done = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "30s", "--latency",
                           "-s", str(script), base], env=env, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def parse_wrk(text: str) -> dict[str, float]:
    """Requests/s, latency percentiles, non-2xx responses and socket errors from wrk's report."""
    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, text)
        return float(match.group(1)) if match else default

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
        if not match:
            return float("nan")
        return round(float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)], 3)

    errors = number(r"Non-2xx or 3xx responses:\s+(\d+)")
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket:
        errors += sum(int(g) for g in socket.groups())
    return {
        "requests": int(number(r"(\d+) requests in")),
        "errors": int(errors),
        "req_per_s": round(number(r"Requests/sec:\s+([\d.]+)"), 1),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
    }


def python_test(url: str, queries: list[str], concurrency: int) -> dict[str, float]:
    """Send every query once with ``concurrency`` httpx threads (when wrk is not installed)."""
    latencies: list[float] = []
    errors = 0
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
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
        "req_per_s": round(len(queries) / elapsed, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 3),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 3),
    }


@contextmanager
def started(name: str, command: list[str], url: str, **popen: object) -> Iterator[str | None]:
    """Run a server for the duration of the block; yields its query URL (None if it could not start)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen)
    try:
        try:
            wait_up(url, proc)
        except RuntimeError as exc:
            print(f"{name}: could not start ({exc}): {proc.stderr.read().decode(errors='replace')[-500:]}")
            yield None
            return
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=10.0, help="wrk duration per server and level")
    parser.add_argument("--requests", type=int, default=2000, help="query mix size (and Python-client requests)")
    parser.add_argument("--workers", type=int, default=2, help="regenkg serve processes")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk",
                        help="load generator (python: httpx threads, which compete with the servers for CPU)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    quads, n_companies = synthetic_quads(args.triples)
    queries = query_mix(args.requests, n_companies)
    use_wrk = args.client == "wrk" and shutil.which("wrk") is not None
    report: dict = {
        "triples": len(quads), "query_mix": "1-hop: subject lookup, object lookup (LIMIT 100), zh-Hant label "
        "lookup, ASK", "client": (f"wrk, {args.seconds:g} s per run" if use_wrk else
                                   f"Python httpx threads, {args.requests} requests per run"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "regenkg_workers": args.workers, "runs": [],
    }
    if args.client == "wrk" and not use_wrk:
        print("wrk not found (apt-get install wrk): using a Python client, which competes for the CPU")
    with tempfile.TemporaryDirectory(prefix="regenkg-bench-") as tmp:
        folder = Path(tmp)
        snapshot = folder / "snapshot"
        (snapshot / "graph").mkdir(parents=True)
        data = snapshot / "graph" / "doc-synthetic.nq"
        ox.serialize(quads, str(data), ox.RdfFormat.N_QUADS)

        def measure(url: str) -> dict[str, dict[str, float]]:
            out = {}
            for c in args.concurrency:
                out[str(c)] = (wrk_test(url, queries, c, args.seconds, folder) if use_wrk
                               else python_test(url, queries, c))
            return out

        results: dict[str, dict[str, dict[str, float]]] = {}
        port = free_port()
        with started("regenkg", [sys.executable, "-m", "regenkg.server", str(snapshot), "--port", str(port),
                                 "--workers", str(args.workers), "--log-level", "warning"],
                     f"http://127.0.0.1:{port}/sparql") as url:
            if url:
                results["regenkg"] = measure(url)
                print("regenkg serve:", results["regenkg"])

        binary = oxigraph_binary()
        if binary is not None:
            location = folder / "oxigraph"
            subprocess.run([str(binary), "load", "--location", str(location), "--file", str(data)], check=True,
                           capture_output=True)
            with oxigraph_server(binary, location, read_only=True, union_default_graph=True) as (base, _proc):
                results["oxigraph"] = measure(f"{base}/query")
                print("oxigraph serve-read-only:", results["oxigraph"])
        else:
            print("oxigraph binary not found (pip install oxigraph): skipped")

        if args.no_rdflib:
            pass
        elif importlib.util.find_spec("rdflib_endpoint") is None:
            print('rdflib-endpoint not installed (pip install -e ".[bench]"): skipped')
        else:
            port = free_port()
            with started("rdflib-endpoint", [sys.executable, "-m", "rdflib_endpoint", "serve", str(data), "--host",
                                             "127.0.0.1", "--port", str(port)],
                         f"http://127.0.0.1:{port}/") as url:
                if url:
                    results["rdflib_endpoint"] = measure(url)
                    print("rdflib-endpoint:", results["rdflib_endpoint"])

    for c in args.concurrency:
        run: dict = {"concurrency": c, **{name: r[str(c)] for name, r in results.items()}}
        mine = results.get("regenkg", {}).get(str(c))
        for other in ("oxigraph", "rdflib_endpoint"):
            theirs = results.get(other, {}).get(str(c))
            if mine and theirs and theirs["req_per_s"]:
                run[f"ratio_over_{other}"] = round(mine["req_per_s"] / theirs["req_per_s"], 3)
        report["runs"].append(run)
        print(f"concurrency {c}: " + ", ".join(f"{k} {v}" for k, v in run.items() if k.startswith("ratio")))
    write_results(args.output, report)
    return report


if __name__ == "__main__":
    main()
