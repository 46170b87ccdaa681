"""Search latency (p50/p99, one query at a time) and recall@10 vs exact for VectorIndex.

For each size (10 k, 100 k, 1 M up to ``--max``) it builds the index regenkg would build by default
(flat up to ``exact_limit`` = 100 000, IVF above), and also an IVF index at the same size, and
compares both with exact search. Uniform random vectors are the worst case for IVF (no clusters);
``--data clustered`` gives vectors shaped more like sentence embeddings. Beside each IVF index, bare
FAISS runs the same single queries on the same ``faiss.IndexIVFFlat`` (``index.search`` with OpenMP at
``--threads`` and at 1 thread), so regenkg's overhead is measured in the same run. Not a test.

Usage: python benchmarks/bench_faiss.py [--max 1000000] [--queries 200] [--threads 2] [--data random]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import faiss
import numpy as np
from common import write_results

from regenkg.config import Settings
from regenkg.index.vectors import VectorIndex

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "faiss.json"
DIM = 384
SIZES = (10_000, 100_000, 1_000_000)


def vectors(n: int, rng: np.random.Generator, kind: str) -> np.ndarray:
    if kind == "clustered":
        centres = np.random.default_rng(12345).normal(size=(1000, DIM)).astype(np.float32)
        x = centres[rng.integers(0, len(centres), n)] + 0.7 * rng.normal(size=(n, DIM)).astype(np.float32)
    else:
        x = rng.normal(size=(n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def measure(index: VectorIndex, queries: np.ndarray, truth: list[set[int]]) -> dict[str, float]:
    latencies = []
    found = []
    for q in queries:
        t0 = time.perf_counter()
        hits = index.search(q[None, :], k=10)[0]
        latencies.append((time.perf_counter() - t0) * 1000)
        found.append({i for i, _ in hits})
    t0 = time.perf_counter()
    index.search(queries, k=10)
    batch_s = time.perf_counter() - t0
    return {
        "p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "batch_queries_per_s": round(len(queries) / batch_s, 1),
        "recall_at_10": round(float(np.mean([len(f & t) / 10 for f, t in zip(found, truth)])), 4),
    }


def measure_bare(index: VectorIndex, queries: np.ndarray, truth: list[set[int]], threads: int) -> dict[str, float]:
    """The same single queries straight on the FAISS object, OpenMP at ``threads``."""
    raw = index._index
    faiss.omp_set_num_threads(threads)
    latencies, found = [], []
    for q in queries:
        x = np.ascontiguousarray(q[None, :])
        t0 = time.perf_counter()
        _, ids = raw.search(x, 10)
        latencies.append((time.perf_counter() - t0) * 1000)
        found.append({int(i) for i in ids[0] if i != -1})
    return {
        "threads": threads,
        "p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "recall_at_10": round(float(np.mean([len(f & t) / 10 for f, t in zip(found, truth)])), 4),
    }


def with_bare(stats: dict[str, object], index: VectorIndex, queries: np.ndarray, truth: list[set[int]],
              threads: int) -> dict[str, object]:
    bare = [measure_bare(index, queries, truth, t) for t in sorted({threads, 1})]
    best = min(b["p50_ms"] for b in bare)
    return {**stats, "bare_faiss": bare, "p50_vs_bare": round(float(stats["p50_ms"]) / best, 2) if best else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", choices=("random", "clustered"), default="random")
    parser.add_argument("--min", type=int, default=0, help="skip sizes below this")
    args = parser.parse_args()
    settings = Settings()
    rng = np.random.default_rng(0)
    rows = []
    for n in [s for s in SIZES if args.min <= s <= args.max]:
        data = vectors(n, rng, args.data)
        ids = np.arange(n, dtype=np.int64)
        queries = vectors(args.queries, rng, args.data)
        exact = VectorIndex.build(ids, data, exact_limit=n, threads=args.threads)
        truth = [{i for i, _ in row} for row in exact.search(queries, k=10)]
        row: dict[str, object] = {"n": n}
        t0 = time.perf_counter()
        default = VectorIndex.build(
            ids, data, exact_limit=settings.exact_limit, nprobe=settings.ivf_nprobe, threads=args.threads
        )
        row["default"] = {
            "kind": default.kind,
            "build_s": round(time.perf_counter() - t0, 2),
            **measure(default, queries, truth),
        }
        if default.kind == "flat":
            t0 = time.perf_counter()
            ivf = VectorIndex.build(
                ids, data, exact_limit=1, nprobe=settings.ivf_nprobe, threads=args.threads
            )
            row["ivf"] = with_bare({
                "kind": ivf.kind,
                "nlist": int(ivf._index.nlist),
                "nprobe": ivf.nprobe,
                "build_s": round(time.perf_counter() - t0, 2),
                **measure(ivf, queries, truth),
            }, ivf, queries, truth, args.threads)
            del ivf
        else:
            row["default"]["nlist"] = int(default._index.nlist)  # type: ignore[index]
            row["default"]["nprobe"] = default.nprobe  # type: ignore[index]
            row["default"] = with_bare(row["default"], default, queries, truth, args.threads)  # type: ignore[arg-type]
        print(json.dumps(row), flush=True)
        rows.append(row)
        del exact, default, data
    result = {
        "dimension": DIM,
        "data": args.data,
        "queries": args.queries,
        "threads": args.threads,
        "exact_limit": settings.exact_limit,
        "results": rows,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results(RESULTS, result, echo=True)


if __name__ == "__main__":
    main()
