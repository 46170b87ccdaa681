"""Build, open, search and ask on the bundled corpus: latency p50/p99, cold CLI time, peak memory.

Each phase runs in its own process, so its peak resident memory (``ru_maxrss``) is its own:

* ``build``  — ``KnowledgeBase.build(corpus/)`` into benchmarks/data/ask-index (reused unless ``--rebuild``);
* ``open``   — ``KnowledgeBase.open`` and loading every component (graph, vectors, BM25, model);
* ``ask``    — warm ``kb.ask`` and ``kb.search`` over tests/data/questions.yaml, p50/p99; the same
  questions with the graph in ``oxigraph serve`` (``RemoteStore``) when the binary is installed;
* cold CLI   — wall time of ``regenkg ask "…"`` next to the bare floor: a process that only does
  ``import torch; SentenceTransformer(path)`` and one encode.

Writes benchmarks/results/ask.json. Not a test.

    .venv/bin/python benchmarks/bench_ask.py [--rebuild] [--questions 60] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import write_results

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "benchmarks" / "data" / "ask-index"
RESULTS = ROOT / "benchmarks" / "results" / "ask.json"
PY = sys.executable


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _pct(values: list[float]) -> dict[str, float]:
    import numpy as np

    return {"n": len(values), "p50_ms": round(float(np.percentile(values, 50)), 2),
            "p99_ms": round(float(np.percentile(values, 99)), 2), "max_ms": round(max(values), 2)}


def _settings():
    from regenkg.config import Settings

    return Settings.load(threads=2)


def phase_build(index: Path) -> dict:
    from regenkg.kb import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase.build([ROOT / "corpus"], index, _settings(), progress=False)
    seconds = time.perf_counter() - t0
    counts = kb.manifest.counts
    kb.close()
    return {"seconds": round(seconds, 2), "sentences": counts.sentences, "documents": counts.documents,
            "triples": counts.triples, "sentences_per_s": round(counts.sentences / seconds, 1),
            "peak_rss_mb": round(peak_mb(), 1)}


def phase_open(index: Path) -> dict:
    from regenkg.kb import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase.open(index, _settings())
    _ = kb.store, kb.vectors, kb.lexical, kb.table, kb.matcher, kb.embedder
    seconds = time.perf_counter() - t0
    kb.close()
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb(), 1)}


def _questions(n: int) -> list[str]:
    import yaml

    items = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))
    qs = [q["q"] for q in items if isinstance(q, dict) and q.get("q")]
    return (qs * (n // max(len(qs), 1) + 1))[:n]


def phase_ask(index: Path, n: int) -> dict:
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(index, _settings())
    questions = _questions(n)
    for q in questions[:5]:  # warm-up: model, graph, caches
        kb.ask(q)
        kb.search(q)
    out: dict = {"questions": len(questions)}
    encode = kb.embedder.encode_queries
    for name, fn in (("ask", kb.ask), ("search", kb.search), ("encode_query", lambda q: encode([q]))):
        lat = []
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            lat.append((time.perf_counter() - t0) * 1000)
        out[name] = _pct(lat)
    out["answered"] = sum(1 for q in dict.fromkeys(questions) if kb.ask(q).answers)
    out["peak_rss_mb"] = round(peak_mb(), 1)
    out["remote_ask"] = _remote_ask(kb, questions)
    kb.close()
    return out


def _remote_ask(kb, questions: list[str]) -> dict | None:
    """The same questions with the graph in a RemoteStore over `oxigraph serve` on loopback."""
    import tempfile

    from common import oxigraph_binary, oxigraph_server

    from regenkg.graph.remote import RemoteStore, push_snapshot
    from regenkg.kb import KnowledgeBase

    binary = oxigraph_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="regenkg-bench-ask-") as tmp, \
            oxigraph_server(binary, Path(tmp)) as (base, _proc):
        url = "sparql+" + base
        t0 = time.perf_counter()
        quads = push_snapshot(kb.snapshot, url)
        push_s = time.perf_counter() - t0
        # The same snapshot, its graph queried in the remote store (settings.store), the model shared.
        remote = KnowledgeBase.open(kb.snapshot, kb.settings.replace(store=url), embedder=kb.embedder)
        assert isinstance(remote.store, RemoteStore)
        try:
            for q in questions[:3]:
                remote.ask(q)
            lat = []
            for q in questions:
                t0 = time.perf_counter()
                remote.ask(q)
                lat.append((time.perf_counter() - t0) * 1000)
        finally:
            remote.close()
        return {"push_s": round(push_s, 2), "quads": quads, "ask": _pct(lat)}


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def cold(index: Path, runs: int) -> dict:
    from regenkg.embed.convert import ensure_converted

    folder = str(ensure_converted())
    env = {**os.environ, "OMP_NUM_THREADS": "2", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    cli = [str(Path(PY).with_name("regenkg")), "ask", "who develops TCR-T", "--index", str(index)]
    bare = [PY, "-c", ("import sys, torch; torch.set_num_threads(2); "
            "from sentence_transformers import SentenceTransformer; "
            "m = SentenceTransformer(sys.argv[1], device='cpu'); m.encode(['query: who develops TCR-T'])"), folder]
    interp = [PY, "-c", "pass"]
    results = {"cli_ask_s": sorted(_wall(cli, env) for _ in range(runs)),
               "bare_torch_st_encode_s": sorted(_wall(bare, env) for _ in range(runs)),
               "python_startup_s": sorted(_wall(interp, env) for _ in range(runs))}
    out = {k: round(v[len(v) // 2], 2) for k, v in results.items()}
    out["runs"] = runs
    out["ratio_cli_over_bare"] = round(out["cli_ask_s"] / out["bare_torch_st_encode_s"], 2)
    return out


def run_phase(name: str, index: Path, extra: list[str] = ()) -> dict:
    proc = subprocess.run([PY, __file__, "--phase", name, "--index", str(index), *extra], capture_output=True, check=False,
                          text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--rebuild", action="store_true", help="build even if the index exists")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--phase", choices=("build", "open", "ask"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        result = {"build": lambda: phase_build(args.index), "open": lambda: phase_open(args.index),
                  "ask": lambda: phase_ask(args.index, args.questions)}[args.phase]()
        print(json.dumps(result))
        return result
    report: dict = {"index": str(args.index.relative_to(ROOT) if args.index.is_relative_to(ROOT) else args.index)}
    if args.rebuild or not (args.index / "manifest.json").exists():
        if args.index.exists() or args.index.is_symlink():
            import shutil

            target = args.index.resolve()
            args.index.unlink() if args.index.is_symlink() else shutil.rmtree(args.index)
            if target != args.index and target.exists():
                shutil.rmtree(target, ignore_errors=True)
        report["build"] = run_phase("build", args.index)
    else:
        report["build"] = None  # reused; run with --rebuild to measure
    print("build", report["build"], flush=True)
    report["open"] = run_phase("open", args.index)
    print("open", report["open"], flush=True)
    report["ask"] = run_phase("ask", args.index, ["--questions", str(args.questions)])
    print("ask", json.dumps(report["ask"]), flush=True)
    report["cold"] = cold(args.index, args.cold_runs)
    print("cold", report["cold"], flush=True)
    report["goal_warm_ask_p50_ms"] = 30
    report["utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_results(RESULTS, report)
    return report


if __name__ == "__main__":
    main()
