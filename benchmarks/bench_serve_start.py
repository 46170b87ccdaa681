"""`regenkg serve` from a cold start: time to answer, memory per process, the first `rkg:similarity` query.

Issue #18 asks of the server on the bundled corpus: each process ≤ 400 MB, the embedding model loaded once
per process at start (never on the first request), and `rkg:similarity` served in ≤ 1 s on first use. This
starts `regenkg serve` on the index bench_ask.py builds (`benchmarks/data/ask-index`, or ``--index``), then

- times the start until `/health` answers;
- sends the first similarity query at once (the model may still be loading in the background: this is
  what a user who queries right after start waits), then one per new connection until every server process
  has answered one (each process loads its own model), and reports the slowest first answer per process;
- reads every process of the tree with psutil: RSS, and USS (the memory only that process holds; the
  forked evaluators share the store's pages with their parent, so RSS counts those pages once per process).

    .venv/bin/python benchmarks/bench_serve_start.py [--index DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INDEX = HERE / "data" / "ask-index"
OUT = HERE / "results" / "serve_start.json"
QUERY = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
SELECT ?s (rkg:similarity(?s, "%s") AS ?sim) WHERE { ?s a rkg:Sentence } ORDER BY DESC(?sim) LIMIT 3"""
TEXTS = ("who develops TCR-T", "誰在開發CAR-T細胞療法", "谁收购了基因治疗公司", "iPSC-derived cardiomyocytes")
GOAL_RSS_MB = 400
GOAL_FIRST_SIMILARITY_S = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(root: psutil.Process) -> list[dict[str, object]]:
    rows = []
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
            rows.append({"pid": proc.pid, "cmd": " ".join(proc.cmdline()[1:4])[:80],
                         "rss_mb": round(info.rss / 2**20, 1), "uss_mb": round(info.uss / 2**20, 1)})
        except psutil.Error:
            continue
    return rows


def one_run(index: Path, workers: int) -> dict[str, object]:
    port = _free_port()
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    cmd = [str(Path(sys.executable).with_name("regenkg")), "serve", "--index", str(index), "--port", str(port),
           "--workers", str(workers)]
    start = time.perf_counter()
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"regenkg serve exited with {server.returncode}: {server.stderr.read()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - start > 120:
                raise RuntimeError("regenkg serve did not answer /health within 120 s")
            time.sleep(0.05)
        ready = time.perf_counter() - start
        first: dict[int, float] = {}  # server process → its first similarity answer's wall time
        answers = 0
        for i in range(8 * workers):
            if len(first) == workers:
                break
            with httpx.Client(timeout=60) as client:  # a new connection: the kernel may pick another worker
                pid = client.get(f"{url}/health").json()["process"]
                t = time.perf_counter()
                r = client.post(f"{url}/sparql", data={"query": QUERY % TEXTS[i % len(TEXTS)]},
                                headers={"Accept": "application/sparql-results+json"})
                took = time.perf_counter() - t
            r.raise_for_status()
            answers += len(r.json()["results"]["bindings"])
            first.setdefault(pid, took)
        # a warm query on the same server, for scale
        t = time.perf_counter()
        httpx.post(f"{url}/sparql", data={"query": QUERY % "CAR-T licence"},
                   headers={"Accept": "application/sparql-results+json"}, timeout=60).raise_for_status()
        warm = time.perf_counter() - t
        procs = _tree(psutil.Process(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"ready_s": round(ready, 3), "first_similarity_s": {str(k): round(v, 3) for k, v in first.items()},
            "processes_reached": len(first), "rows": answers, "warm_similarity_s": round(warm, 3),
            "processes": procs}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.index.exists():
        sys.exit(f"no index at {args.index}: run benchmarks/bench_ask.py --rebuild first")
    load_start = os.getloadavg()
    runs = [one_run(args.index, args.workers) for _ in range(args.runs)]
    firsts = [max(r["first_similarity_s"].values()) for r in runs]  # type: ignore[union-attr]
    max_rss = max(p["rss_mb"] for r in runs for p in r["processes"])  # type: ignore[union-attr,index]
    max_uss = max(p["uss_mb"] for r in runs for p in r["processes"])  # type: ignore[union-attr,index]
    result: dict[str, object] = {
        "index": str(args.index), "workers": args.workers, "runs": runs,
        "ready_s_median": round(statistics.median(r["ready_s"] for r in runs), 3),  # type: ignore[misc]
        "first_similarity_s_median": round(statistics.median(firsts), 3),
        "first_similarity_s_max": round(max(firsts), 3),
        "max_process_rss_mb": max_rss, "max_process_uss_mb": max_uss,
        "goal_process_rss_mb": GOAL_RSS_MB, "goal_first_similarity_s": GOAL_FIRST_SIMILARITY_S,
        "load_average_start": load_start, "load_average_end": os.getloadavg(),
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
