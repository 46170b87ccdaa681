"""The ONNX Runtime backend of the default model: graph pieces, export cache, agreement with
sentence-transformers, and a query path that never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from regenkg.config import DEFAULT_MODEL
from regenkg.embed import create_embedder
from regenkg.embed.convert import BLOB_SHA256, PROMPTS, blob_path, parse_blob
from regenkg.embed.onnx import OnnxEmbedder, SentencePieceTokens
from regenkg.embed.onnx_export import (
    FILES,
    FORMAT_VERSION,
    MARKER_NAME,
    ONNX_DIRNAME,
    ensure_exported,
    is_exported,
    pack_q4_for_matmulnbits,
)

ROOT = Path(__file__).resolve().parents[1]
EDGE_TEXTS = [
    "", " ", "x ", "x\t", "x\n", "x\u00a0", "x\u3000", "中文 ", "  leading and  double  spaces ",
    "ＣＡＲ－Ｔ full width", "emoji 🧬 and \u200d zwj", "tab\tsep", "γδ-T 細胞", "x \u200d", "a\u2028",
    "word " * 700, "x\u200b", "x\x1f", "\x85x\x85",
    "a\u1680b\u2028c\u2029d\u202fe\u205ff\x1cg\x0bh\x0ci\u200bj\ufeffk\u00adl",
]


# -- graph pieces (no model needed) ---------------------------------------------------------------


def test_matmulnbits_reads_repacked_q4_0_blocks() -> None:
    """A Q4_0 matrix repacked for MatMulNBits multiplies like its numpy dequantisation."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from regenkg.embed.convert import _Q4_BLOCK, dequantize_q4_0

    rng = np.random.default_rng(0)
    n, k = 8, 64
    blocks = np.zeros(n * k // 32, dtype=_Q4_BLOCK)
    blocks["d"] = rng.uniform(0.01, 0.1, len(blocks)).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, (len(blocks), 16), dtype=np.uint8)
    weight = dequantize_q4_0(blocks.tobytes(), 0, blocks.nbytes, n, k)
    packed = pack_q4_for_matmulnbits(blocks["qs"]).reshape(n, k // 32, 16)
    node = helper.make_node("MatMulNBits", ["a", "b", "s"], ["y"], domain="com.microsoft", K=k, N=n, bits=4,
                            block_size=32)
    graph = helper.make_graph(
        [node], "t", [helper.make_tensor_value_info("a", TensorProto.FLOAT, [None, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, n])],
        initializer=[numpy_helper.from_array(packed, "b"),
                     numpy_helper.from_array(blocks["d"].astype(np.float32), "s")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    a = rng.standard_normal((3, k)).astype(np.float32)
    np.testing.assert_allclose(sess.run(None, {"a": a})[0], a @ weight.T, rtol=1e-5, atol=1e-5)


def _fake_export(folder: Path, blob_hash: str = BLOB_SHA256) -> None:
    folder.mkdir(parents=True)
    files = {}
    for name in FILES:
        (folder / name).write_bytes(b"x" * 10)
        files[name] = {"size": 10, "sha256": "0" * 64}
    (folder / MARKER_NAME).write_text(json.dumps({"format_version": FORMAT_VERSION, "blob_sha256": blob_hash, "files": files}))


def test_export_marker_logic_on_fake_folders(tmp_path: Path) -> None:
    good = tmp_path / "good"
    _fake_export(good)
    assert is_exported(good)
    assert not is_exported(good, verify=True)  # the recorded sha256 is not the files'
    assert not is_exported(tmp_path / "missing")
    other = tmp_path / "other"
    _fake_export(other, blob_hash="f" * 64)
    assert not is_exported(other)
    short = tmp_path / "short"
    _fake_export(short)
    (short / "model.onnx").write_bytes(b"x")
    assert not is_exported(short)
    garbage = tmp_path / "garbage"
    _fake_export(garbage)
    (garbage / MARKER_NAME).write_text("{not json")
    assert not is_exported(garbage)


# -- the real model ---------------------------------------------------------------------------------


@pytest.mark.model
def test_partial_export_is_rebuilt(tmp_path: Path) -> None:
    """A real export (a few seconds, no torch) into a fresh cache whose target holds a broken folder."""
    target = tmp_path / "models" / ONNX_DIRNAME
    target.mkdir(parents=True)
    (target / "model.onnx").write_bytes(b"partial")
    folder = ensure_exported(tmp_path)
    assert folder == target and is_exported(folder, verify=True)
    assert 60_000_000 < (folder / "model.onnx").stat().st_size < 90_000_000  # 4-bit, not 470 MB of fp32
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "temp folders left behind"
    started = time.perf_counter()
    assert ensure_exported(tmp_path) == folder
    assert time.perf_counter() - started < 0.5


@pytest.fixture(scope="module")
def corpus_sentences() -> list[str]:
    """Every non-empty line of the bundled corpus (headings, sentences, paragraphs)."""
    lines = []
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.is_file() and path.suffix in {".md", ".txt", ".html"}:
            lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 200
    return lines


@pytest.fixture(scope="module")
def onnx_embedder() -> OnnxEmbedder:
    embedder = create_embedder(DEFAULT_MODEL, threads=2)
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


@pytest.fixture(scope="module")
def st_embedder():
    return create_embedder(DEFAULT_MODEL, threads=2, backend="st")


@pytest.mark.model
def test_tokens_equal_what_sentence_transformers_feeds_the_model(st_embedder, corpus_sentences) -> None:
    ours = SentencePieceTokens(ensure_exported())
    texts = [prompt + t for t in corpus_sentences + EDGE_TEXTS for prompt in PROMPTS.values()]
    mine = ours.encode(texts)
    features = [st_embedder._model.tokenize([t]) for t in texts]
    theirs = [f["input_ids"][0][f["attention_mask"][0].bool()].tolist() for f in features]
    differ = [t for t, a, b in zip(texts, mine, theirs) if a != b]
    assert not differ, differ[:5]


@pytest.mark.model
def test_vectors_agree_with_sentence_transformers(onnx_embedder, st_embedder, corpus_sentences) -> None:
    assert (onnx_embedder.model_id, onnx_embedder.weights_hash, onnx_embedder.dimension) == (
        st_embedder.model_id, st_embedder.weights_hash, st_embedder.dimension)
    sample = corpus_sentences[::4][:120] + EDGE_TEXTS
    for encode in ("encode_documents", "encode_queries"):
        a, b = getattr(onnx_embedder, encode)(sample), getattr(st_embedder, encode)(sample)
        assert a.dtype == np.float32 and a.shape == b.shape
        cos = (a * b).sum(1)
        # Same 4-bit weights in fp32 arithmetic: equal up to summation order.
        assert cos.min() >= 0.9999, (encode, cos.min())


@pytest.mark.model
def test_index_built_one_way_is_queried_the_other(onnx_embedder, st_embedder, corpus_sentences) -> None:
    docs = corpus_sentences[:200]
    queries = ["who develops TCR-T", "誰在開發TCR-T細胞療法", "干细胞市场规模", "gene therapy acquisition"]
    for built, asked in ((onnx_embedder, st_embedder), (st_embedder, onnx_embedder)):
        index = built.encode_documents(docs)
        same = np.argsort(-(built.encode_queries(queries) @ index.T), axis=1)[:, :10]
        other = np.argsort(-(asked.encode_queries(queries) @ index.T), axis=1)[:, :10]
        assert (same == other).all()


@pytest.mark.model
def test_batch_order_and_batch_size_do_not_change_vectors(onnx_embedder, corpus_sentences) -> None:
    texts = corpus_sentences[:40]
    small = OnnxEmbedder(ensure_exported(), threads=1, batch_size=3, query_prompt=PROMPTS["query"],
                         passage_prompt=PROMPTS["passage"], model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256,
                         chinese_script="traditional")
    np.testing.assert_allclose(small.encode_documents(texts[::-1])[::-1], onnx_embedder.encode_documents(texts),
                               atol=2e-6)
    assert parse_blob(blob_path()).header["H"] == onnx_embedder.dimension


@pytest.mark.model
def test_query_path_imports_no_torch(seed_index: Path) -> None:
    """KnowledgeBase.open(...).ask(...) and search in a fresh process: no torch, transformers or
    sentence-transformers in sys.modules."""
    code = textwrap.dedent(f"""
        import json, sys
        from regenkg.kb import KnowledgeBase
        kb = KnowledgeBase.open({str(seed_index)!r})
        answer = kb.ask("who develops TCR-T")
        hits = kb.search("幹細胞", k=3)
        print(json.dumps({{"heavy": [m for m in ("torch", "transformers", "sentence_transformers")
                                      if m in sys.modules], "hits": len(hits)}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=ROOT, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [] and result["hits"] > 0, result
