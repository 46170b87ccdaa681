"""One query through the default model: the shipped ONNX session beside exact variants (issue #18).

"Exact" = the same fp32 arithmetic on the same 4-bit weights, so the vectors stay those of the index
(the int8 forms, which change them, are benchmarks/bench_int8.py). Variants:

* ``shipped``       — the exported model, the session as :mod:`regenkg.embed.onnx` opens it (2 threads,
  no spinning);
* ``fp32-matmul``   — the transformer's ``MatMulNBits`` dequantised at export time to plain fp32
  ``MatMul`` weights (the word-embedding table stays 4-bit);
* ``fused-attn``    — one ``MultiHeadAttention`` node per layer instead of the reshape/transpose/matmul/
  softmax chain (:func:`regenkg.embed.onnx_export.build_graph` ``fused_attention``);
* session options on the shipped model: 1 thread; spinning (ONNX Runtime's default); spinning for at most
  20 µs and stopped at the end of each run; no CPU memory arena; graph optimisation level "extended"
  only; dynamic block sizes in the thread pool.

Each variant runs in its own process (its own peak RSS), in rounds that alternate the variants so all
see the same machine load; every process embeds each distinct test question (questions.yaml +
analyst_questions.yaml) once after a 5-question warm-up. Reported: wall and CPU p50/p99 (CPU = the
process's CPU time, all threads), peak RSS and the resident memory the embedder added (session, tokenizer),
session load time, and the cosine of each variant's vectors
to the shipped session's (min) with the largest absolute difference.

Writes benchmarks/results/query_model.json. Not a test.

    .venv/bin/python benchmarks/bench_query_model.py [--rounds 3] [--only shipped,fp32-matmul]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "query_model.json"

#: name → (model file key, threads, session config entries, graph optimisation level or None).
VARIANTS: dict[str, tuple[str, int, dict[str, str], str | None]] = {
    "shipped": ("shipped", 2, {}, None),
    "fp32-matmul": ("fp32-matmul", 2, {}, None),
    "fused-attn": ("fused-attn", 2, {}, None),
    "1-thread": ("shipped", 1, {}, None),
    "spinning": ("shipped", 2, {"session.intra_op.allow_spinning": "1"}, None),
    "spin-20us-stop": ("shipped", 2, {"session.intra_op.allow_spinning": "1",
                                      "session.intra_op.spin_duration_us": "20",
                                      "session.force_spinning_stop": "1"}, None),
    "no-arena": ("shipped", 2, {"session.enable_cpu_mem_arena": "0"}, None),
    "opt-extended": ("shipped", 2, {}, "extended"),
    "dynamic-blocks": ("shipped", 2, {"session.dynamic_block_base": "4"}, None),
}


def _questions() -> list[str]:
    import yaml

    qs: list[str] = []
    for name in ("questions.yaml", "analyst_questions.yaml"):
        items = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        qs += [q["q"] for q in items if isinstance(q, dict) and q.get("q")]
    return list(dict.fromkeys(qs))


def build_models(folder: Path) -> dict[str, Path]:
    """The shipped model file and the two exact graph variants, written under ``folder``."""
    import onnx
    from bench_int8 import _dequantised_fp32

    from regenkg.embed.convert import blob_path, parse_blob
    from regenkg.embed.onnx_export import MODEL_FILE, build_graph, ensure_exported

    shipped = ensure_exported() / MODEL_FILE
    fp32 = folder / "fp32-matmul.onnx"
    onnx.save_model(_dequantised_fp32(onnx.load(str(shipped))), str(fp32), save_as_external_data=True,
                    location="fp32-matmul.data")
    fused = folder / "fused-attn.onnx"
    onnx.save_model(build_graph(parse_blob(blob_path()), fused_attention=True), str(fused))
    return {"shipped": shipped, "fp32-matmul": fp32, "fused-attn": fused}


def worker(model: Path, threads: int, config: dict[str, str], opt: str | None, out: Path) -> None:
    """Time every test question through one session (in this process); write timings and vectors."""
    import onnxruntime as ort

    import regenkg.embed.onnx as onnx_embed
    from regenkg.config import DEFAULT_MODEL
    from regenkg.embed.convert import BLOB_SHA256, PROMPTS
    from regenkg.embed.factory import DEFAULT_CHINESE_SCRIPT
    from regenkg.embed.onnx_export import ensure_exported

    def variant_session(_file: Path, _threads: int) -> Any:
        if model == ensure_exported() / "model.onnx" and not config and not opt:
            return shipped_session(model, threads)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        for key, value in config.items():
            if key == "session.enable_cpu_mem_arena":
                options.enable_cpu_mem_arena = value == "1"
            else:
                options.add_session_config_entry(key, value)
        if opt == "extended":
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.log_severity_level = 3
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    # The embedder's own tokenisation, folding and batching; only its session is the variant's (built in
    # its place, so the process holds one model and its peak RSS is the variant's).
    shipped_session = onnx_embed._session
    onnx_embed._session = variant_session
    ensure_exported()
    base_mb = _rss_now_mb()
    t0 = time.perf_counter()
    emb = onnx_embed.OnnxEmbedder(ensure_exported(), threads=threads, query_prompt=PROMPTS["query"],
                                  passage_prompt=PROMPTS["passage"], model_id=DEFAULT_MODEL,
                                  weights_hash=BLOB_SHA256, chinese_script=DEFAULT_CHINESE_SCRIPT,
                                  query_cache_size=0)  # the warm-up questions come again: time the model
    load_s = time.perf_counter() - t0
    questions = _questions()
    for q in questions[:5]:
        emb.encode_queries([q])
    lat, cpu, vecs = [], [], []
    for q in questions:
        t, c = time.perf_counter(), time.process_time()
        v = emb.encode_queries([q])
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        vecs.append(v[0])
    np.save(out, np.asarray(vecs, dtype=np.float32))
    print(json.dumps({"lat": lat, "cpu": cpu, "load_s": load_s,
                      "rss_mb": _peak_rss_mb(),
                      "model_rss_mb": _rss_now_mb() - base_mb}))


def _peak_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM). Not ``ru_maxrss``: Linux carries that over
    ``exec`` from the forking parent, which here holds the variants' models."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_now_mb() -> float:
    """Resident memory now (Linux /proc), MiB."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _pct(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(float(np.percentile(values, 50)), 2), "p99_ms": round(float(np.percentile(values, 99)), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated variants (default: all)")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        model, threads, config, opt, out = args.worker
        worker(Path(model), int(threads), json.loads(config), opt or None, Path(out))
        return
    names = [n for n in args.only.split(",") if n] or list(VARIANTS)
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        raise SystemExit(f"--only: unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    if "shipped" not in names:
        names.insert(0, "shipped")  # the reference for the cosines
    report: dict[str, Any] = {"load_average_start": os.getloadavg(), "rounds": args.rounds,
                              "questions": len(_questions())}
    samples: dict[str, dict[str, list[float]]] = {n: {"lat": [], "cpu": [], "rss": [], "model_rss": [], "load": []}
                                                for n in names}
    with tempfile.TemporaryDirectory(prefix="regenkg-query-model-") as tmp:
        folder = Path(tmp)
        models = build_models(folder)
        report["model_mb"] = {k: round(sum(f.stat().st_size for f in folder.glob(p.stem + "*")) / 2**20, 1)
                              if p.parent == folder else round(p.stat().st_size / 2**20, 1)
                              for k, p in models.items()}
        vectors: dict[str, np.ndarray] = {}
        for r in range(args.rounds):
            for name in names:
                key, threads, config, opt = VARIANTS[name]
                out = folder / f"{name}.npy"
                proc = subprocess.run([sys.executable, __file__, "--worker", str(models[key]), str(threads),
                                       json.dumps(config), opt or "", str(out)],
                                      capture_output=True, text=True, cwd=ROOT, check=False)
                if proc.returncode != 0:
                    raise SystemExit(f"variant {name} failed:\n{proc.stderr[-2000:]}")
                got = json.loads(proc.stdout.strip().splitlines()[-1])
                s = samples[name]
                s["lat"] += got["lat"]
                s["cpu"] += got["cpu"]
                s["rss"].append(got["rss_mb"])
                s["model_rss"].append(got["model_rss_mb"])
                s["load"].append(got["load_s"])
                vectors[name] = np.load(out)
            print("round", r + 1, "done; load average", os.getloadavg(), flush=True)
    rows: dict[str, Any] = {}
    for name in names:
        s = samples[name]
        a, b = vectors[name].astype(np.float64), vectors["shipped"].astype(np.float64)
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        rows[name] = {"wall": _pct(s["lat"]), "cpu": _pct(s["cpu"]), "peak_rss_mb": round(max(s["rss"]), 1),
                      "model_rss_mb": round(max(s["model_rss"]), 1),
                      "load_s": round(float(np.median(s["load"])), 3),
                      "cosine_min": round(float(cos.min()), 7),
                      "max_abs_diff": float(np.abs(vectors[name] - vectors["shipped"]).max())}
        print(f"{name:15s} wall p50 {rows[name]['wall']['p50_ms']:6.2f}  cpu p50 {rows[name]['cpu']['p50_ms']:6.2f}  "
              f"rss {rows[name]['peak_rss_mb']:6.1f} (model {rows[name]['model_rss_mb']:6.1f})  cos min {rows[name]['cosine_min']}", flush=True)
    report["variants"] = rows
    report["load_average_end"] = os.getloadavg()
    report["utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_results(RESULTS, report)


if __name__ == "__main__":
    main()
