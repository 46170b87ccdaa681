"""Build, open, search and ask on the bundled corpus: latency p50/p99, cold CLI time, peak memory.

Each phase runs in its own process, so its peak resident memory (``ru_maxrss``) is its own:

* ``build``  — ``KnowledgeBase.build(corpus/)`` into benchmarks/data/ask-index (reused unless ``--rebuild``);
* ``open``   — ``KnowledgeBase.open`` and loading every component (graph, vectors, BM25, model);
* ``ask``    — warm ``kb.ask`` and ``kb.search`` over tests/data/questions.yaml, p50/p99 (the embedder's
  cache of query vectors emptied before each call: the list repeats questions), and ``kb.ask`` once
  over each of tests/data/analyst_questions.yaml (qualified, second-hop, comparison questions); the same
  questions with the graph in ``oxigraph serve`` (``RemoteStore``) when the binary is installed;
* cold CLI   — wall time and peak RSS of ``regenkg ask "…"`` (ONNX Runtime), of the same question in a
  process that opens the index with the sentence-transformers backend (the path before issue #18), and
  the torch floor: a process that only does ``import torch; SentenceTransformer(path)`` and one encode.

``--backend st`` runs build/open/ask on the sentence-transformers backend (into ``ask-index-st``), so
``--backend both`` puts the old and the new engine side by side in one run.

Writes benchmarks/results/ask.json. Not a test.

    .venv/bin/python benchmarks/bench_ask.py [--rebuild] [--questions 60] [--cold-runs 3] [--backend both]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
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


def _embedder(backend: str):
    """``None`` (the KnowledgeBase loads its default, ONNX) or the sentence-transformers embedder."""
    if backend == "onnx":
        return None
    from regenkg.embed.factory import create_embedder

    settings = _settings()
    return create_embedder(settings.model, threads=settings.threads, batch_size=settings.batch_size, backend=backend)


def phase_build(index: Path, backend: str = "onnx") -> dict:
    from regenkg.kb import KnowledgeBase

    embedder = _embedder(backend)
    t0 = time.perf_counter()
    kb = KnowledgeBase.build([ROOT / "corpus"], index, _settings(), progress=False, embedder=embedder)
    seconds = time.perf_counter() - t0
    counts = kb.manifest.counts
    kb.close()
    return {"seconds": round(seconds, 2), "sentences": counts.sentences, "documents": counts.documents,
            "triples": counts.triples, "sentences_per_s": round(counts.sentences / seconds, 1),
            "peak_rss_mb": round(peak_mb(), 1)}


def phase_open(index: Path, backend: str = "onnx") -> dict:
    from regenkg.kb import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase.open(index, _settings(), embedder=_embedder(backend))
    _ = kb.store, kb.vectors, kb.lexical, kb.table, kb.matcher, kb.embedder
    seconds = time.perf_counter() - t0
    kb.close()
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb(), 1)}


def _questions(n: int) -> list[str]:
    import yaml

    items = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))
    qs = [q["q"] for q in items if isinstance(q, dict) and q.get("q")]
    return (qs * (n // max(len(qs), 1) + 1))[:n]


def _analyst_questions() -> list[str]:
    import yaml

    items = yaml.safe_load((ROOT / "tests" / "data" / "analyst_questions.yaml").read_text(encoding="utf-8"))
    return list(dict.fromkeys(q["q"] for q in items if isinstance(q, dict) and q.get("q")))


def _forget_query_vectors(embedder) -> Callable[[], None]:
    """What empties the embedder's cache of query vectors (a no-op for code without one, e.g. a baseline)."""
    return getattr(embedder, "clear_query_cache", None) or (lambda: None)


def phase_ask(index: Path, n: int, backend: str = "onnx", latency_only: bool = False) -> dict:
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(index, _settings(), embedder=_embedder(backend))
    questions = _questions(n)
    for q in questions[:5]:  # warm-up: model, graph, caches
        kb.ask(q)
        kb.search(q)
    out: dict = {"questions": len(questions), "samples_ms": {}}
    encode = kb.embedder.encode_queries
    forget = _forget_query_vectors(kb.embedder)
    for name, fn in (("ask", kb.ask), ("search", kb.search), ("encode_query", lambda q: encode([q]))):
        lat, cpu = [], []
        for q in questions:
            forget()  # the questions repeat: time the model, not the embedder's cache of query vectors
            t0, c0 = time.perf_counter(), time.process_time()
            fn(q)
            lat.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[name] = _pct(lat)
        # CPU time of the process (every thread): on a shared machine it moves far less with the load.
        out[name + "_cpu"] = _pct(cpu)
        out["samples_ms"][name] = [round(x, 3) for x in lat]
        out["samples_ms"][name + "_cpu"] = [round(x, 3) for x in cpu]
    # The analyst questions (tests/data/analyst_questions.yaml), once each: qualified, second-hop and
    # comparison questions, whose composed queries are the slow tail the simple set above does not reach.
    lat, cpu = [], []
    for q in _analyst_questions():
        forget()
        t0, c0 = time.perf_counter(), time.process_time()
        kb.ask(q)
        lat.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    out["ask_analyst"], out["ask_analyst_cpu"] = _pct(lat), _pct(cpu)
    out["samples_ms"]["ask_analyst"] = [round(x, 3) for x in lat]
    out["samples_ms"]["ask_analyst_cpu"] = [round(x, 3) for x in cpu]
    if latency_only:
        kb.close()
        return out
    out["answered"] = sum(1 for q in dict.fromkeys(questions) if kb.ask(q).answers)
    # What each distinct question answers and finds, to compare the two backends' results.
    out["results"] = {q: {"answers": [a.iri for a in kb.ask(q).answers][:5],
                          "hits": [h.sentence for h in kb.search(q, k=5)]} for q in dict.fromkeys(questions)}
    out["torch_imported"] = "torch" in sys.modules
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
            forget = _forget_query_vectors(kb.embedder)
            for q in questions:
                forget()
                t0 = time.perf_counter()
                remote.ask(q)
                lat.append((time.perf_counter() - t0) * 1000)
        finally:
            remote.close()
        return {"push_s": round(push_s, 2), "quads": quads, "ask": _pct(lat)}


_MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cmd``, measured by a small parent process of its own."""
    out = subprocess.run([PY, "-c", _MEASURE, *cmd], check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    wall, rss = out.stdout.split()
    return float(wall), float(rss)


_QUESTION = "who develops TCR-T"
_ENV = {"OMP_NUM_THREADS": "2", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def modules_after_open_ask(index: Path) -> dict[str, bool]:
    """Which heavy modules a new process holds after ``KnowledgeBase.open(index).ask(question)``."""
    code = ("import json, sys; from regenkg.kb import KnowledgeBase; kb = KnowledgeBase.open(sys.argv[1]); "
            "kb.ask(sys.argv[2]); "
            "print(json.dumps({m: m in sys.modules for m in ('torch', 'transformers', 'sentence_transformers')}))")
    out = subprocess.run([PY, "-c", code, str(index), _QUESTION], check=True, capture_output=True, text=True,
                         env={**os.environ, **_ENV}, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold(index: Path, runs: int, st_index: Path | None = None, baseline: Path | None = None) -> dict:
    env = {**os.environ, **_ENV}
    question = _QUESTION
    cli = [str(Path(PY).with_name("regenkg")), "ask", question, "--index", str(index)]
    commands = {
        "cli_ask": cli,
        "python_startup": [PY, "-c", "pass"],
    }
    envs = {name: env for name in commands}
    if baseline is not None:
        # The same console script with the baseline's source first on the path.
        commands["baseline_cli_ask"] = cli
        envs["baseline_cli_ask"] = {**env, "PYTHONPATH": str(baseline)}
    try:
        import sentence_transformers  # noqa: F401 - only to know whether the st extra is installed

        from regenkg.embed.convert import ensure_converted

        folder = str(ensure_converted())
        commands["st_backend_ask"] = [PY, "-c", (
            "import sys; from regenkg.embed.factory import create_embedder; from regenkg.kb import KnowledgeBase; "
            "from regenkg.config import DEFAULT_MODEL; "
            "kb = KnowledgeBase.open(sys.argv[1], embedder=create_embedder(DEFAULT_MODEL, backend='st')); "
            "kb.ask(sys.argv[2])"), str(st_index or index), question]
        commands["bare_torch_st_encode"] = [PY, "-c", (
            "import sys, torch; torch.set_num_threads(2); "
            "from sentence_transformers import SentenceTransformer; "
            "m = SentenceTransformer(sys.argv[1], device='cpu'); m.encode(['query: who develops TCR-T'])"), folder]
    except ImportError:
        pass  # no st extra: only the ONNX path is measured
    out: dict = {"runs": runs}
    order = list(commands)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in order}
    for _ in range(runs):  # alternate the commands, so each sees the same spread of machine load
        for name in order:
            samples[name].append(_run(commands[name], envs.get(name, env)))
    for name in order:
        measured = sorted(samples[name])
        out[f"{name}_s"] = round(measured[len(measured) // 2][0], 2)
        out[f"{name}_peak_rss_mb"] = round(max(rss for _, rss in measured), 1)
    if "bare_torch_st_encode_s" in out:
        out["ratio_cli_over_bare"] = round(out["cli_ask_s"] / out["bare_torch_st_encode_s"], 2)
    return out


def run_phase(name: str, index: Path, extra: list[str] = (), backend: str = "onnx", src: Path | None = None) -> dict:
    """One phase in a new process; ``src`` puts another source tree (a baseline's) first on the path."""
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([PY, __file__, "--phase", name, "--index", str(index), "--backend", backend, *extra],
                          capture_output=True, check=False, text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_source(rev: str, into: Path) -> tuple[Path, str]:
    """``src/`` of git revision ``rev`` unpacked under ``into``; returns it and the full commit hash."""
    import io
    import tarfile

    commit = subprocess.run(["git", "rev-parse", "--verify", rev + "^{commit}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    tar = subprocess.run(["git", "archive", "--format=tar", commit, "src"], cwd=ROOT, check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    return into / "src", commit


def previous_report_commit() -> str | None:
    """The commit that last wrote results/ask.json: the code whose figures the committed report shows."""
    out = subprocess.run(["git", "log", "-1", "--format=%H", "--", str(RESULTS.relative_to(ROOT))], cwd=ROOT,
                         capture_output=True, text=True, check=False).stdout.strip()
    return out or None


def ask_beside_baseline(index: Path, n: int, src: Path, rounds: int, current: dict) -> dict:
    """Warm ask/search/embedding latency of the baseline code in ``src`` and of this tree, in one run.

    Rounds alternate (baseline, this tree, baseline, ...) on the same index and questions, so both
    sides see the same machine load; each side's p50/p99 are over all its rounds' samples. ``current``
    is this tree's full ask phase (its samples are the first round on this side).
    """
    sides: dict[str, dict[str, list[float]]] = {"baseline": {}, "current": {}}
    for key, samples in current["samples_ms"].items():
        sides["current"].setdefault(key, []).extend(samples)
    extra = ["--questions", str(n), "--latency-only"]
    for r in range(rounds):
        try:
            base = run_phase("ask", index, extra, src=src)
        except SystemExit as exc:  # e.g. an index format the old code cannot read
            return {"error": str(exc)[-500:]}
        for key, samples in base["samples_ms"].items():
            sides["baseline"].setdefault(key, []).extend(samples)
        if r < rounds - 1:
            cur = run_phase("ask", index, extra)
            for key, samples in cur["samples_ms"].items():
                sides["current"].setdefault(key, []).extend(samples)
    out: dict = {"rounds": rounds}
    for side, values in sides.items():
        out[side] = {key: _pct(samples) for key, samples in values.items()}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--rebuild", action="store_true", help="build even if the index exists")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--phase", choices=("build", "open", "ask"), help=argparse.SUPPRESS)
    parser.add_argument("--latency-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", default="previous",
                        help="git revision whose code is timed beside this tree in the same run (warm ask); "
                             "'previous' = the commit that last wrote results/ask.json, 'none' = skip")
    parser.add_argument("--baseline-rounds", type=int, default=2, help="alternating rounds per side")
    parser.add_argument("--backend", choices=("onnx", "st", "both"), default="onnx",
                        help="embedding engine for build/open/ask (both: ONNX, then sentence-transformers)")
    args = parser.parse_args(argv)
    if args.phase:
        result = {"build": lambda: phase_build(args.index, args.backend),
                  "open": lambda: phase_open(args.index, args.backend),
                  "ask": lambda: phase_ask(args.index, args.questions, args.backend,
                                           args.latency_only)}[args.phase]()
        print(json.dumps(result))
        return result
    report: dict = {"index": str(args.index.relative_to(ROOT) if args.index.is_relative_to(ROOT) else args.index),
                    "load_average_start": os.getloadavg()}
    import tempfile

    scratch = tempfile.TemporaryDirectory(prefix="regenkg-bench-baseline-")
    baseline: Path | None = None
    rev = previous_report_commit() if args.baseline == "previous" else (None if args.baseline == "none" else args.baseline)
    if rev:
        # The previous figures, re-measured: that revision's code, in this run, on this index.
        baseline, commit = baseline_source(rev, Path(scratch.name))
        report["baseline"] = {"rev": rev, "commit": commit}
    backends = ("onnx", "st") if args.backend == "both" else (args.backend,)
    indexes = {b: args.index if b == "onnx" else args.index.with_name(args.index.name + "-st") for b in backends}
    for backend in backends:
        index = indexes[backend]
        key = "" if backend == "onnx" else "_st"
        if args.rebuild or not (index / "manifest.json").exists():
            if index.exists() or index.is_symlink():
                import shutil

                target = index.resolve()
                index.unlink() if index.is_symlink() else shutil.rmtree(index)
                if target != index and target.exists():
                    shutil.rmtree(target, ignore_errors=True)
            report["build" + key] = run_phase("build", index, backend=backend)
        else:
            report["build" + key] = None  # reused; run with --rebuild to measure
        print("build", backend, report["build" + key], flush=True)
        report["open" + key] = run_phase("open", index, backend=backend)
        print("open", backend, report["open" + key], flush=True)
        report["ask" + key] = run_phase("ask", index, ["--questions", str(args.questions)], backend=backend)
        print("ask", backend, json.dumps(report["ask" + key]), flush=True)
        if backend == "onnx" and baseline is not None:
            report["baseline"].update(ask_beside_baseline(index, args.questions, baseline, args.baseline_rounds,
                                                          report["ask"]))
            print("baseline", json.dumps(report["baseline"]), flush=True)
        report["ask" + key].pop("samples_ms", None)
    if "ask" in report and "ask_st" in report:
        a, b = report["ask"]["results"], report["ask_st"]["results"]
        report["same_results"] = {
            "answers": sum(a[q]["answers"] == b[q]["answers"] for q in a) / len(a),
            "top5_hits": sum(a[q]["hits"] == b[q]["hits"] for q in a) / len(a),
            "questions": len(a),
        }
        print("same results", report["same_results"], flush=True)
    if "onnx" in indexes:
        # A baseline that could not read this index (an older format) has no cold figure either.
        usable = baseline if baseline is not None and "error" not in report.get("baseline", {}) else None
        report["cold"] = cold(indexes["onnx"], args.cold_runs, indexes.get("st"), usable)
        print("cold", report["cold"], flush=True)
        report["modules_after_open_ask"] = modules_after_open_ask(indexes["onnx"])
        print("modules", report["modules_after_open_ask"], flush=True)
    scratch.cleanup()
    report["goal_cold_ask_s"], report["goal_cold_peak_rss_mb"] = 2.0, 400
    report["goal_warm_ask_p50_ms"] = 10
    report["load_average_end"] = os.getloadavg()
    report["utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_results(RESULTS, report)
    return report


if __name__ == "__main__":
    main()
