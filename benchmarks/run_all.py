"""`make bench`: every benchmark in one run, then benchmarks/results/REPORT.md with plots.

Steps (each a subprocess, so one failing does not stop the others; its log goes to results/logs/):

1. bench_embed.py   — build throughput: regenkg's embedder vs the bare SentenceTransformer;
2. bench_ask.py     — build/open/ask/search on corpus/, cold CLI vs bare torch+model, peak memory, warm
   ask and cold CLI beside the previous report's code (the commit that last wrote results/ask.json);
   bench_serve_start.py — `regenkg serve` cold start: memory per process, first rkg:similarity query;
   bench_int8.py    — dynamic int8 quantisation of the query model against the shipped one;
3. bench_sparql.py  — 1-hop/2-hop/planner queries at 10 k/100 k/1 M triples: pyoxigraph, rdflib,
   SparqlEngine, oxigraph serve via RemoteStore;
4. bench_server.py  — HTTP under wrk: `regenkg serve` vs `oxigraph serve-read-only` and rdflib-endpoint;
5. bench_faiss.py --data clustered — recall/latency, flat vs IVF, 10 k and 100 k;
6. the IVF nprobe sweep (this file) — recall@10 and latency at 1 M clustered vectors for nprobe 16/64/128;
7. bench_retrieval.py — recall@k/MRR of dense, BM25 and hybrid search per language direction (private sets to choose, dev set to measure);
8. report.py        — REPORT.md + PNG figures.

The full run takes about 20-30 minutes on 2 cores; ``--quick`` is a smoke run of under 3 minutes (small
sizes; its results go to results/quick/ so they never overwrite the committed full results).

    .venv/bin/python benchmarks/run_all.py [--quick] [--only sparql faiss ...]

``BENCH_BASELINE=<git rev>`` sets the revision whose code bench_ask.py times beside this tree (default:
the commit that last wrote results/ask.json; ``none`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
NPROBES = (16, 64, 128)

# name: (full-run arguments, quick-run arguments); None = run in-process (the sweep).
STEPS: dict[str, tuple[list[str] | None, list[str] | None]] = {
    "embed": (["bench_embed.py", "--n", "500"], ["bench_embed.py", "--n", "32"]),
    "ask": (["bench_ask.py", "--rebuild", "--questions", "60", "--cold-runs", "3"],
            ["bench_ask.py", "--questions", "8", "--cold-runs", "1", "--baseline-rounds", "1"]),
    # after "ask": it serves the index bench_ask.py built
    "serve_start": (["bench_serve_start.py", "--runs", "3"], ["bench_serve_start.py", "--runs", "1"]),
    "int8": (["bench_int8.py", "--queries", "60"], ["bench_int8.py", "--queries", "10"]),
    "sparql": (["bench_sparql.py", "--sizes", "10000", "100000", "1000000", "--reps", "50", "--budget", "30"],
               ["bench_sparql.py", "--sizes", "10000", "--reps", "10", "--budget", "5"]),
    "server": (["bench_server.py", "--triples", "100000", "--concurrency", "1", "8", "--seconds", "10"],
               ["bench_server.py", "--triples", "10000", "--concurrency", "4", "--seconds", "2", "--no-rdflib"]),
    # the same mix with a Python client (httpx threads), the kind of load the reference numbers used
    "server_python": (["bench_server.py", "--client", "python", "--concurrency", "8", "--no-rdflib", "--output",
                       str(HERE / "results" / "server_python_client.json")],
                      ["bench_server.py", "--client", "python", "--concurrency", "4", "--requests", "200",
                       "--triples", "10000", "--no-rdflib", "--output",
                       str(HERE / "results" / "server_python_client.json")]),
    "faiss": (["bench_faiss.py", "--data", "clustered", "--max", "100000", "--queries", "200"],
              ["bench_faiss.py", "--data", "clustered", "--max", "10000", "--queries", "50"]),
    "nprobe": (None, None),
    "retrieval": (["bench_retrieval.py", "--rebuild", "--no-report"], ["bench_retrieval.py", "--no-report"]),
}
# Files each step writes under results/ (moved to results/quick/ after a quick run).
OUTPUTS = {"embed": "embed.json", "ask": "ask.json", "serve_start": "serve_start.json", "int8": "int8.json", "sparql": "sparql.json", "server": "server.json",
           "server_python": "server_python_client.json",
           "faiss": "faiss.json", "nprobe": "faiss_nprobe.json", "retrieval": "retrieval.json"}


def sweep_vectors(n: int, rng, kind: str):
    """``clustered`` as in bench_faiss.py (1 000 tight clusters: IVF's best case), or ``clustered-hard``:
    one centre per 100 vectors and noise as large as the centres, so neighbours straddle IVF cells
    (closer to real sentence embeddings than either uniform noise or tight clusters)."""
    import numpy as np
    from bench_faiss import DIM, vectors

    if kind != "clustered-hard":
        return vectors(n, rng, kind)
    centres = np.random.default_rng(54321).normal(size=(10_000, DIM)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + rng.normal(size=(n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def nprobe_sweep(n: int, queries: int, out: Path, threads: int = 2, kinds: tuple[str, ...] = (
        "clustered", "clustered-hard")) -> dict:
    """Recall@10 vs exact and latency of one IVF index at ``n`` vectors, for each of NPROBES and data kind."""
    sweeps = [_sweep(n, queries, kind, threads) for kind in kinds]
    recommended = [s["recommended_nprobe"] for s in sweeps]
    result = {"sweeps": sweeps, "goal_recall_at_10": 0.95,
              "recommended_nprobe": None if None in recommended else max(recommended)}
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _sweep(n: int, queries: int, kind: str, threads: int) -> dict:
    import numpy as np

    sys.path.insert(0, str(HERE))
    from bench_faiss import measure, measure_bare

    from regenkg.index.vectors import VectorIndex

    rng = np.random.default_rng(0)
    data = sweep_vectors(n, rng, kind)
    qs = sweep_vectors(queries, rng, kind)
    ids = np.arange(n, dtype=np.int64)
    exact = VectorIndex.build(ids, data, exact_limit=n, threads=threads)
    t0 = time.perf_counter()
    truth = [{i for i, _ in row} for row in exact.search(qs, k=10)]
    exact_row = {"nprobe": None, "kind": "flat", **measure(exact, qs, truth),
                 "truth_batch_s": round(time.perf_counter() - t0, 2)}
    del exact
    t0 = time.perf_counter()
    ivf = VectorIndex.build(ids, data, exact_limit=1, nprobe=NPROBES[0], threads=threads)
    build_s = round(time.perf_counter() - t0, 2)
    rows = [exact_row]
    for p in NPROBES:
        ivf.nprobe = p
        ivf._index.nprobe = p  # the FAISS object carries its own copy
        row = {"nprobe": p, "kind": "ivf", **measure(ivf, qs, truth)}
        # Bare FAISS on the same index object, same queries, same run: regenkg's own overhead.
        row["bare_faiss"] = [measure_bare(ivf, qs, truth, t) for t in sorted({threads, 1})]
        rows.append(row)
        print(json.dumps(rows[-1]), flush=True)
    return {"n": n, "data": kind, "queries": queries, "nlist": int(ivf._index.nlist), "build_s": build_s,
            "rows": rows, "goal_recall_at_10": 0.95,
            "recommended_nprobe": next((r["nprobe"] for r in rows[1:] if r["recall_at_10"] >= 0.95), None)}


def machine() -> dict:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else \
        platform.processor()
    versions = {}
    for mod in ("torch", "faiss", "pyoxigraph", "rdflib", "sentence_transformers", "numpy", "regenkg"):
        try:
            versions[mod] = __import__(mod).__version__
        except (ImportError, AttributeError):
            versions[mod] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(), "versions": versions,
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (< 3 min), results in results/quick/")
    parser.add_argument("--only", nargs="+", choices=list(STEPS), help="run only these steps")
    args = parser.parse_args(argv)
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    os.environ.update({k: env[k] for k in ("OMP_NUM_THREADS", "HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM")})
    results = HERE / "results"
    dest = results / "quick" if args.quick else results
    logs = dest / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    run: dict = {"mode": "quick" if args.quick else "full", "machine": machine(), "steps": {},
                 "load_average_before": os.getloadavg(), "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                       time.gmtime())}
    total = time.perf_counter()
    for name, (full, quick) in STEPS.items():
        if args.only and name not in args.only:
            continue
        cmd = quick if args.quick else full
        if name == "ask" and cmd is not None and os.environ.get("BENCH_BASELINE"):
            # The code the warm/cold ask figures are compared with (default: the previous report's commit).
            cmd = [*cmd, "--baseline", os.environ["BENCH_BASELINE"]]
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        status = "ok"
        made = results / OUTPUTS[name]
        # A quick run must not clobber the committed full results: keep them and put them back after.
        kept = made.read_bytes() if args.quick and made.exists() else None
        try:
            if cmd is None:
                nprobe_sweep(10_000 if args.quick else 1_000_000, 50 if args.quick else 200, made)
            else:
                with (logs / f"{name}.log").open("w", encoding="utf-8") as log:
                    proc = subprocess.run([PY, str(HERE / cmd[0]), *cmd[1:]], cwd=ROOT, env=env, stdout=log, check=False,
                                          stderr=subprocess.STDOUT)
                status = "ok" if proc.returncode == 0 else f"exit {proc.returncode} (see {log.name})"
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
            status = f"failed: {type(exc).__name__}: {exc}"
        if args.quick and made.exists():
            made.replace(dest / OUTPUTS[name])
        if kept is not None:
            made.write_bytes(kept)
        run["steps"][name] = {"seconds": round(time.perf_counter() - t0, 1), "status": status,
                              "load_average_after": os.getloadavg()}
        print(f"   {status} in {run['steps'][name]['seconds']} s", flush=True)
    run["total_s"] = round(time.perf_counter() - total, 1)
    previous = dest / "run.json"
    if args.only and previous.exists():
        # A partial re-run keeps the other steps' record (the report then mixes runs: say so).
        old = json.loads(previous.read_text(encoding="utf-8"))
        run["steps"] = {**old.get("steps", {}), **run["steps"]}
        run["total_s"] = round(sum(s["seconds"] for s in run["steps"].values()), 1)
        run["rerun_steps"] = sorted(set(old.get("rerun_steps", [])) | set(args.only))
        run["started_utc"] = old.get("started_utc", run["started_utc"])
        run["load_average_before"] = old.get("load_average_before", run["load_average_before"])
    (dest / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    from report import write_report

    path = write_report(dest)
    print(f"report: {path} ({run['total_s']} s)")
    return 0 if all(s["status"] == "ok" for s in run["steps"].values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
