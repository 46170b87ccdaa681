"""Dynamic int8 quantisation of the default ONNX model, against the shipped fp32-arithmetic model (issue #18).

The issue's rule: adopt int8 only if, on the bundled sentences, the cosine to the fp32 vectors is ≥ 0.99
*and* the search results of the test questions are unchanged. Two int8 forms are measured, in one run,
beside the shipped model (``fp32``: ``MatMulNBits`` accuracy level 0, the 4-bit weights dequantised and
multiplied in fp32):

* ``int8-act`` — the same 4-bit weights, ``MatMulNBits`` accuracy level 4: each activation row is
  quantised to int8 on the fly and multiplied with int8 arithmetic;
* ``int8-dyn`` — ONNX Runtime's ``quantize_dynamic`` (the classic "dynamic int8"): the 4-bit weights
  dequantised to an fp32 ``MatMul`` graph, then re-quantised to int8 per output channel, activations
  quantised on the fly (``MatMulInteger``).

For each: min/mean cosine to ``fp32`` over every sentence of ``corpus/`` (as passages) and the test
questions (as queries); the top-10 hits of every question of tests/data/questions.yaml and
analyst_questions.yaml, (a) with only the query vector from the int8 model on the fp32-built index and
(b) with the index vectors re-embedded by the int8 model too (what an index built with it would hold);
the answers of ``kb.ask`` for the same questions; query-embedding p50 (interleaved, so the figures share
the machine's load) and batch sentences/s.

Writes benchmarks/results/int8.json. Not a test.

    .venv/bin/python benchmarks/bench_int8.py [--index benchmarks/data/ask-index] [--queries 60]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "int8.json"
INDEX = ROOT / "benchmarks" / "data" / "ask-index"


def _questions() -> list[str]:
    import yaml

    qs: list[str] = []
    for name in ("questions.yaml", "analyst_questions.yaml"):
        items = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        qs += [q["q"] for q in items if isinstance(q, dict) and q.get("q")]
    return list(dict.fromkeys(qs))


def _dequantised_fp32(model: Any) -> Any:
    """The model with every ``MatMulNBits`` replaced by an fp32 ``MatMul`` on its dequantised weights."""
    from onnx import helper, numpy_helper

    inits = {t.name: t for t in model.graph.initializer}
    nodes = []
    for node in model.graph.node:
        if node.op_type != "MatMulNBits":
            nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        k, n, block = attrs["K"], attrs["N"], attrs["block_size"]
        packed = numpy_helper.to_array(inits.pop(node.input[1]))  # [N, K/block, block/2], 2 codes per byte
        scales = numpy_helper.to_array(inits.pop(node.input[2])).reshape(n, k // block, 1)
        codes = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(n, k // block, block)
        weight = ((codes.astype(np.float32) - 8.0) * scales).reshape(n, k)
        name = node.input[1] + ".fp32"
        inits[name] = numpy_helper.from_array(np.ascontiguousarray(weight.T), name)
        nodes.append(helper.make_node("MatMul", [node.input[0], name], list(node.output)))
    graph = helper.make_graph(nodes, model.graph.name, list(model.graph.input), list(model.graph.output),
                              initializer=list(inits.values()))
    out = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name="regenkg-bench")
    out.ir_version = model.ir_version
    return out


def build_models(folder: Path) -> dict[str, Path]:
    """``fp32`` (the shipped export), ``int8-act`` and ``int8-dyn`` model folders."""
    import onnx

    from regenkg.embed.convert import blob_path, parse_blob
    from regenkg.embed.onnx_export import MODEL_FILE, TOKENIZER_FILE, build_graph, ensure_exported

    shipped = ensure_exported()
    out = {"fp32": shipped}
    blob = parse_blob(blob_path())
    act = folder / "int8-act"
    act.mkdir()
    onnx.save_model(build_graph(blob, accuracy_level=4), str(act / MODEL_FILE))
    (act / TOKENIZER_FILE).symlink_to(shipped / TOKENIZER_FILE)
    out["int8-act"] = act
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return out
    dyn = folder / "int8-dyn"
    dyn.mkdir()
    fp32_file = folder / "fp32-matmul.onnx"
    onnx.save_model(_dequantised_fp32(onnx.load(str(shipped / MODEL_FILE))), str(fp32_file),
                    save_as_external_data=True, location="fp32-matmul.data")
    quantize_dynamic(fp32_file, dyn / MODEL_FILE, weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"], use_external_data_format=False,
                     # com.microsoft ops (SkipLayerNormalization, BiasGelu) defeat ONNX shape inference
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    (dyn / TOKENIZER_FILE).symlink_to(shipped / TOKENIZER_FILE)
    out["int8-dyn"] = dyn
    return out


def _embedder(folder: Path, threads: int) -> Any:
    from regenkg.config import DEFAULT_MODEL
    from regenkg.embed.convert import BLOB_SHA256, PROMPTS
    from regenkg.embed.factory import DEFAULT_CHINESE_SCRIPT
    from regenkg.embed.onnx import OnnxEmbedder

    return OnnxEmbedder(folder, threads=threads, query_prompt=PROMPTS["query"], passage_prompt=PROMPTS["passage"],
                        model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256, chinese_script=DEFAULT_CHINESE_SCRIPT,
                        query_cache_size=0)


class _Swapped:
    """The knowledge base with another embedder and, optionally, other sentence vectors."""

    def __init__(self, kb: Any, embedder: Any, vectors: Any = None) -> None:
        self._kb, self.embedder, self._vectors = kb, embedder, vectors

    @property
    def vectors(self) -> Any:
        return self._vectors if self._vectors is not None else self._kb.vectors

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def _hits(source: Any, questions: list[str]) -> dict[str, list[int]]:
    from regenkg.query.search import HybridSearch

    search = HybridSearch(source)
    return {q: [h.sentence for h in search([q], k=10)[0]] for q in questions}


def _answers(kb: Any, embedder: Any, questions: list[str]) -> dict[str, list[tuple[str, str, list[int]]]]:
    from regenkg.kb import KnowledgeBase

    other = KnowledgeBase.open(kb.snapshot, kb.settings, embedder=embedder)
    try:
        return {q: [(a.iri, a.relation, [e.sentence for e in a.evidence]) for a in other.ask(q).answers]
                for q in questions}
    finally:
        other.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--queries", type=int, default=60, help="single queries timed per model")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    from regenkg.config import Settings
    from regenkg.index.vectors import VectorIndex
    from regenkg.kb import KnowledgeBase

    settings = Settings.load(threads=args.threads)
    kb = KnowledgeBase.open(args.index, settings)
    questions = _questions()
    sentences = list(kb.table.iter_sentences())
    ids = np.asarray([s.id for s in sentences], dtype=np.int64)
    texts = [s.text for s in sentences]
    report: dict[str, Any] = {"sentences": len(texts), "questions": len(questions), "index": str(args.index)}
    with tempfile.TemporaryDirectory(prefix="regenkg-int8-") as tmp:
        t0 = time.perf_counter()
        # quantize_dynamic warns once per tensor that the com.microsoft ops hide from shape inference.
        logging.getLogger().setLevel(logging.ERROR)
        folders = build_models(Path(tmp))
        report["build_s"] = round(time.perf_counter() - t0, 1)
        engines = {name: _embedder(folder, args.threads) for name, folder in folders.items()}
        report["model_mb"] = {name: round((folder / "model.onnx").stat().st_size / 2**20, 1)
                              for name, folder in folders.items()}
        docs, batch_rate = {}, {}
        for name, emb in engines.items():
            t0, c0 = time.perf_counter(), time.process_time()
            docs[name] = emb.encode_documents(texts)
            batch_rate[name] = {"sentences_per_s": round(len(texts) / (time.perf_counter() - t0), 1),
                                "sentences_per_cpu_s": round(len(texts) / (time.process_time() - c0), 1)}
        queries = {name: emb.encode_queries(questions) for name, emb in engines.items()}
        # Interleaved single-query timing: each round times every model on the same question.
        timed = (questions * (args.queries // len(questions) + 1))[: args.queries]
        lat: dict[str, list[float]] = {name: [] for name in engines}
        cpu: dict[str, list[float]] = {name: [] for name in engines}  # both threads: less load-dependent
        for q in timed[:5]:
            for emb in engines.values():
                emb.encode_queries([q])
        for q in timed:
            for name, emb in engines.items():
                emb.clear_query_cache()  # the questions repeat: time the model, not the cache
                t0, c0 = time.perf_counter(), time.process_time()
                emb.encode_queries([q])
                lat[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
        base_hits = _hits(kb, questions)
        base_answers = _answers(kb, engines["fp32"], questions)
        models: dict[str, Any] = {}
        for name, emb in engines.items():
            cos_d = np.sum(docs[name] * docs["fp32"], axis=1)
            cos_q = np.sum(queries[name] * queries["fp32"], axis=1)
            row: dict[str, Any] = {
                "cosine_sentences_min": round(float(cos_d.min()), 5), "cosine_sentences_mean": round(float(cos_d.mean()), 5),
                "cosine_queries_min": round(float(cos_q.min()), 5), "cosine_queries_mean": round(float(cos_q.mean()), 5),
                "query_p50_ms": round(float(np.percentile(lat[name], 50)), 2),
                "query_p99_ms": round(float(np.percentile(lat[name], 99)), 2),
                "query_cpu_p50_ms": round(float(np.percentile(cpu[name], 50)), 2), **batch_rate[name]}
            # fp32 too, as the control: its "query_and_index" re-embeds the index in this run's batches,
            # which shows how much of a change is batch/padding arithmetic rather than int8.
            vectors = VectorIndex.build(ids, docs[name], exact_limit=max(len(ids), 1), threads=args.threads)
            for key, source in (("query_only", _Swapped(kb, emb)), ("query_and_index", _Swapped(kb, emb, vectors))):
                hits = _hits(source, questions)
                changed = [q for q in questions if hits[q] != base_hits[q]]
                row[f"top10_unchanged_{key}"] = round(1 - len(changed) / len(questions), 3)
                row[f"top10_same_set_{key}"] = round(
                    sum(set(hits[q]) == set(base_hits[q]) for q in questions) / len(questions), 3)
                row[f"overlap_at_10_{key}"] = round(float(np.mean(
                    [len(set(hits[q]) & set(base_hits[q])) / max(len(base_hits[q]), 1) for q in questions])), 4)
                row[f"top1_unchanged_{key}"] = round(
                    sum(hits[q][:1] == base_hits[q][:1] for q in questions) / len(questions), 3)
                row[f"top10_changed_{key}"] = changed[:5]
            if name != "fp32":
                answers = _answers(kb, emb, questions)
                row["answers_unchanged"] = round(sum(answers[q] == base_answers[q] for q in questions) / len(questions), 3)
                row["meets_issue_rule"] = bool(cos_d.min() >= 0.99 and cos_q.min() >= 0.99
                                               and row["top10_unchanged_query_and_index"] == 1.0)
            models[name] = row
            print(name, row, flush=True)
        report["models"] = models
    kb.close()
    report["adopted"] = next((n for n, r in models.items() if r.get("meets_issue_rule")
                              and r["query_cpu_p50_ms"] < models["fp32"]["query_cpu_p50_ms"]), None)
    report["load_average"] = os.getloadavg()
    report["utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_results(RESULTS, report)


if __name__ == "__main__":
    main()
