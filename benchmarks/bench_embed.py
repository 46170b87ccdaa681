"""Throughput of SentenceTransformerEmbedder.encode_documents vs bare SentenceTransformer.encode.

Both run on the same 2 000 corpus sentences, the same loaded weights, prompt, batch size and thread
count, in one process, so the difference is the wrapper's own cost (Chinese folding, checks).
Not a test. Usage: python benchmarks/bench_embed.py [--n 2000] [--threads 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import platform
import re
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    import torch

    from regenkg.config import DEFAULT_MODEL
    from regenkg.embed import create_embedder

    texts = corpus_sentences(args.n)
    started = time.perf_counter()
    embedder = create_embedder(DEFAULT_MODEL, threads=args.threads, batch_size=args.batch_size)
    load_s = time.perf_counter() - started
    bare = embedder._model  # type: ignore[attr-defined]  # the very same SentenceTransformer
    torch.set_num_threads(args.threads)
    embedder.encode_documents(texts[:64])  # warm-up

    runs = {}
    t0 = time.perf_counter()
    ours = embedder.encode_documents(texts)
    runs["regenkg_encode_documents"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = bare.encode(
        texts,
        prompt="passage: ",
        batch_size=args.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    runs["sentence_transformers_encode"] = time.perf_counter() - t0

    result = {
        "model": DEFAULT_MODEL,
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "threads": args.threads,
        "batch_size": args.batch_size,
        "load_and_convert_s": round(load_s, 2),
        "seconds": {k: round(v, 2) for k, v in runs.items()},
        "sentences_per_s": {k: round(len(texts) / v, 1) for k, v in runs.items()},
        "wrapper_overhead_pct": round(
            100 * (runs["regenkg_encode_documents"] / runs["sentence_transformers_encode"] - 1), 1
        ),
        # Differs from 1.0 only where Chinese text is folded to Traditional by the wrapper.
        "mean_cosine_ours_vs_bare": round(float((ours * theirs).sum(1).mean()), 4),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "machine": platform.machine(),
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results(RESULTS, result, echo=True)


if __name__ == "__main__":
    main()
