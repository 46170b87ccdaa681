"""Embedding throughput and query latency: the ONNX Runtime backend vs sentence-transformers.

In one process, on the same corpus sentences, prompts, batch size and thread count:

* ``onnx``  — regenkg's default embedder (ONNX Runtime, 4-bit weights in fp32 arithmetic);
* ``st``    — the same model through regenkg's sentence-transformers backend (the path before issue #18);
* ``bare``  — ``SentenceTransformer.encode`` itself, the floor of the ``st`` path.

Reports sentences/s for ``encode_documents``, single-query embedding p50/p99, load time, and the cosine
between ONNX and sentence-transformers vectors. Without the ``st`` extra only ``onnx`` is measured.
Not a test. Usage: python benchmarks/bench_embed.py [--n 500] [--queries 60] [--threads 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import platform
import re
import time
from pathlib import Path

import numpy as np
from common import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "embed.json"
_SPLIT = re.compile(r"(?<=[.!?。！？])\s*")


def corpus_sentences(n: int) -> list[str]:
    """``n`` sentences from ``corpus/`` (front matter skipped), cycled with a suffix if too few."""
    sentences: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.startswith("---"):
            text = text.split("---", 2)[-1]
        sentences += [s.strip() for s in _SPLIT.split(text) if len(s.strip()) > 8]
    if not sentences:
        raise SystemExit("no sentences found under corpus/")
    return [sentences[i % len(sentences)] + ("" if i < len(sentences) else f" ({i})") for i in range(n)]


def _questions(n: int) -> list[str]:
    import yaml

    items = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))
    qs = [q["q"] for q in items if isinstance(q, dict) and q.get("q")]
    return (qs * (n // max(len(qs), 1) + 1))[:n]


def _latency(fn, questions: list[str], forget=lambda: None) -> dict[str, float]:
    for q in questions[:5]:
        fn(q)
    lat = []
    for q in questions:
        forget()  # the questions repeat (and the warm-up ran them): time the model, not a vector cache
        t0 = time.perf_counter()
        fn(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(float(np.percentile(lat, 50)), 2), "p99_ms": round(float(np.percentile(lat, 99)), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    from regenkg.config import DEFAULT_MODEL
    from regenkg.embed import create_embedder

    texts = corpus_sentences(args.n)
    questions = _questions(args.queries)
    engines: dict[str, object] = {}
    load_s: dict[str, float] = {}
    backends = ["onnx"]
    try:
        import sentence_transformers  # noqa: F401

        backends.append("st")
    except ImportError:
        pass
    for backend in backends:
        t0 = time.perf_counter()
        engines[backend] = create_embedder(DEFAULT_MODEL, threads=args.threads, batch_size=args.batch_size,
                                           backend=backend)
        load_s[backend] = round(time.perf_counter() - t0, 2)

    seconds: dict[str, float] = {}
    vectors: dict[str, np.ndarray] = {}
    query_latency: dict[str, dict[str, float]] = {}
    for backend, embedder in engines.items():
        embedder.encode_documents(texts[:64])  # warm-up
        t0 = time.perf_counter()
        vectors[backend] = embedder.encode_documents(texts)
        seconds[backend] = time.perf_counter() - t0
        query_latency[backend] = _latency(lambda q, e=embedder: e.encode_queries([q]), questions,
                                          getattr(embedder, "clear_query_cache", lambda: None))
    if "st" in engines:
        import torch

        bare = engines["st"]._model  # type: ignore[attr-defined]  # the very same SentenceTransformer
        torch.set_num_threads(args.threads)
        t0 = time.perf_counter()
        bare.encode(texts, prompt="passage: ", batch_size=args.batch_size, normalize_embeddings=True,
                    convert_to_numpy=True, show_progress_bar=False)
        seconds["bare"] = time.perf_counter() - t0

    result: dict[str, object] = {
        "model": DEFAULT_MODEL,
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "threads": args.threads,
        "batch_size": args.batch_size,
        "load_s": load_s,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "sentences_per_s": {k: round(len(texts) / v, 1) for k, v in seconds.items()},
        "query_embedding": query_latency,
    }
    if "st" in vectors:
        cos = (vectors["onnx"] * vectors["st"]).sum(1)
        result["cosine_onnx_vs_st"] = {"mean": round(float(cos.mean()), 6), "min": round(float(cos.min()), 6)}
        result["speedup_onnx_over_st"] = round(seconds["st"] / seconds["onnx"], 2)
    result.update({"python": platform.python_version(), "machine": platform.machine(),
                   "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    write_results(RESULTS, result, echo=True)


if __name__ == "__main__":
    main()
