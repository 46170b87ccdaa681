"""SPARQL latency on synthetic regenkg-shaped graphs: pyoxigraph vs rdflib vs regenkg's SparqlEngine vs
`oxigraph serve` through regenkg.graph.remote.RemoteStore.

For each size (10 k / 100 k / 1 M triples, from gen_data.py) three query shapes, each bound to different
IRIs on every repetition, results fully read:

* ``one_hop``  — everything about one company: ``<company/cK> ?p ?o``;
* ``two_hop``  — companies developing any modality under a root modality, with English labels
  (``?c rkg:develops ?m . ?m skos:broader <root> . ?c skos:prefLabel ?l``);
* ``planner``  — the exact ``who_develops`` template `regenkg ask` runs (reified assertions, ``skos:broader*``,
  provenance and confidence).

Engines: bare ``pyoxigraph.Store`` (in memory, merged default graph as regenkg loads it); rdflib
``Dataset`` (default_union; only up to ``--rdflib-max`` triples: it is slow to load and query);
``SparqlEngine.from_store`` (regenkg's sealed endpoint core: worker process, checks, JSON serialisation);
``RemoteStore`` over ``oxigraph serve`` after ``push_snapshot`` (HTTP + on-disk RocksDB).
Writes benchmarks/results/sparql.json. Not a test.

    .venv/bin/python benchmarks/bench_sparql.py [--sizes 10000 100000 1000000] [--reps 50] [--rdflib-max 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import psutil
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import oxigraph_binary, oxigraph_server, write_results
from gen_data import N_MODALITIES, N_ROOTS, RES, shape, write_nquads

from regenkg.graph.store import merge_default_graph
from regenkg.query.ask import PREFIXES, TEMPLATES

RESULTS = Path(__file__).resolve().parent / "results" / "sparql.json"
QUERIES = ("one_hop", "two_hop", "planner")


def make_queries(kind: str, reps: int, companies: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(reps):
        if kind == "one_hop":
            out.append(f"SELECT ?p ?o WHERE {{ <{RES}company/c{rng.randrange(companies)}> ?p ?o }}")
        elif kind == "two_hop":
            out.append(PREFIXES + f"""SELECT ?c ?l WHERE {{ ?c rkg:develops ?m . ?m skos:broader
              <{RES}modality/m{rng.randrange(N_ROOTS)}> . ?c skos:prefLabel ?l FILTER(lang(?l) = "en") }}""")
        else:
            template = TEMPLATES["who_develops"][0]
            target = rng.choice((rng.randrange(N_ROOTS), rng.randrange(N_ROOTS, N_MODALITIES)))
            values = f"VALUES ?target {{ <{RES}modality/m{target}> }}\n  VALUES ?pred {{ rkg:develops }}"
            out.append(PREFIXES + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                       + template % {"values": values})
    return out


def timed(run: Callable[[str], int], queries: list[str], budget_s: float) -> dict[str, float]:
    """Latency percentiles of ``run`` over ``queries`` (after one warm-up), stopping after ``budget_s``."""
    run(queries[0])
    lat, rows = [], []
    started = time.perf_counter()
    for q in queries:
        t0 = time.perf_counter()
        rows.append(run(q))
        lat.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > budget_s:
            break
    return {"n": len(lat), "p50_ms": round(float(np.percentile(lat, 50)), 3),
            "p99_ms": round(float(np.percentile(lat, 99)), 3), "mean_rows": round(float(np.mean(rows)), 1)}


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def bench_pyoxigraph(path: Path, queries: dict[str, list[str]], budget: float) -> tuple[dict, ox.Store]:
    before = rss_mb()
    t0 = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    merge_default_graph(store)
    out: dict = {"load_s": round(time.perf_counter() - t0, 2), "rss_delta_mb": round(rss_mb() - before, 1)}
    for kind, qs in queries.items():
        out[kind] = timed(lambda q: sum(1 for _ in store.query(q)), qs, budget)
    return out, store


def bench_rdflib(path: Path, queries: dict[str, list[str]], budget: float) -> dict:
    import rdflib

    before = rss_mb()
    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(str(path), format="nquads")
    out: dict = {"load_s": round(time.perf_counter() - t0, 2), "rss_delta_mb": round(rss_mb() - before, 1)}
    for kind, qs in queries.items():
        out[kind] = timed(lambda q: sum(1 for _ in ds.query(q)), qs, budget)
    return out


def bench_engine(store: ox.Store, queries: dict[str, list[str]], budget: float) -> dict:
    from regenkg.sparql import SparqlEngine

    t0 = time.perf_counter()
    engine = SparqlEngine.from_store(store, workers=1, timeout=300, max_rows=10_000_000).wait_ready()
    out: dict = {"start_s": round(time.perf_counter() - t0, 2)}
    try:
        for kind, qs in queries.items():
            out[kind] = timed(lambda q: engine.execute(q).row_count, qs, budget)
    finally:
        engine.close()
    return out


def bench_remote(path: Path, queries: dict[str, list[str]], budget: float, tmp: Path) -> dict | None:
    from regenkg.graph.remote import RemoteStore, push_snapshot

    binary = oxigraph_binary()
    if binary is None:
        return None
    snapshot = tmp / "snapshot"
    (snapshot / "graph").mkdir(parents=True, exist_ok=True)
    link = snapshot / "graph" / "synthetic.nq"
    link.unlink(missing_ok=True)
    link.symlink_to(path)
    location = tmp / f"oxigraph-{path.stem}"
    try:
        with oxigraph_server(binary, location) as (base, proc):
            url = "sparql+" + base
            t0 = time.perf_counter()
            pushed = push_snapshot(snapshot, url, timeout=1800)
            out: dict = {"push_s": round(time.perf_counter() - t0, 2), "pushed_quads": pushed,
                         "server_rss_mb": round(psutil.Process(proc.pid).memory_info().rss / 2**20, 1)}
            store = RemoteStore(url, timeout=300)
            for kind, qs in queries.items():
                out[kind] = timed(lambda q: sum(1 for _ in store.query(q)), qs, budget)
            return out
    finally:
        shutil.rmtree(location, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per engine and query shape at most")
    parser.add_argument("--rdflib-max", type=int, default=100_000)
    parser.add_argument("--no-remote", action="store_true")
    args = parser.parse_args(argv)
    report: dict = {"queries": {
        "one_hop": "SELECT ?p ?o WHERE { <company> ?p ?o }",
        "two_hop": "?c rkg:develops ?m . ?m skos:broader <root> . ?c skos:prefLabel ?l (en)",
        "planner": "regenkg ask who_develops template (reified assertions, skos:broader*)",
    }, "reps": args.reps, "rdflib_max": args.rdflib_max, "results": []}
    with tempfile.TemporaryDirectory(prefix="regenkg-bench-sparql-") as tmpdir:
        for n in args.sizes:
            path = write_nquads(n)
            with path.open("rb") as f:
                triples = sum(1 for _ in f)
            queries = {k: make_queries(k, args.reps, shape(n)["companies"]) for k in QUERIES}
            row: dict = {"n": n, "quads": triples}
            row["pyoxigraph"], store = bench_pyoxigraph(path, queries, args.budget)
            print(n, "pyoxigraph", json.dumps(row["pyoxigraph"]), flush=True)
            row["regenkg_engine"] = bench_engine(store, queries, args.budget)
            print(n, "regenkg engine", json.dumps(row["regenkg_engine"]), flush=True)
            del store
            if n <= args.rdflib_max:
                row["rdflib"] = bench_rdflib(path, queries, args.budget)
                print(n, "rdflib", json.dumps(row["rdflib"]), flush=True)
            else:
                row["rdflib"] = None
            if not args.no_remote:
                row["oxigraph_serve"] = bench_remote(path, queries, args.budget, Path(tmpdir))
                print(n, "oxigraph serve + RemoteStore", json.dumps(row["oxigraph_serve"]), flush=True)
            report["results"].append(row)
    report["cpus"] = os.cpu_count()
    report["utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_results(RESULTS, report)
    return report


if __name__ == "__main__":
    main()
