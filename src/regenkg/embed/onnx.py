"""Embedder on ONNX Runtime: the default model without torch, transformers or sentence-transformers.

The model folder comes from :func:`regenkg.embed.onnx_export.ensure_exported` (``model.onnx`` whose
graph already ends in mean pooling + L2 normalisation, and the tokenizer as a sentencepiece model).
Texts are tokenised, sorted by length so a batch carries little padding, and run batch by batch on one
ONNX Runtime session with an explicit thread count.

Token ids equal those sentence-transformers gives the converted folder (tests/test_onnx.py checks every
bundled line): the same nmt_nfkc normalisation and unigram segmentation over the same vocabulary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BackendUnavailable, ConfigError
from .base import Embedder
from .sbert import ChineseScript, _opencc, prepare_texts

__all__ = ["QUERY_CACHE_SIZE", "SPIN_AFTER", "OnnxEmbedder", "SpinChooser"]

logger = logging.getLogger(__name__)

#: Single queries on the steady session before the spinning one is opened (see :class:`SpinChooser`).
SPIN_AFTER = 2
#: Single queries whose vectors are kept (least recently used dropped first): a server, a notebook or
#: ``rkg:similarity`` meets the same question again, and its vector costs ~6 ms to compute, ~10 µs to copy.
QUERY_CACHE_SIZE = 256
_PAD_ID = 1  # XLM-R's <pad>; masked out, so its value only has to be a valid row.
# Unicode White_Space characters (Rust's char::is_whitespace): the Hugging Face tokenizer splits words at
# these (nmt_nfkc drops U+000B first); sentencepiece turns most into a space but keeps U+0085 (NEL) as a letter.
_WHITE_SPACE = str.maketrans(dict.fromkeys(
    "\t\n\x0c\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000", " "))


def _session(model_file: Path, threads: int, *, spinning: bool = False) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise BackendUnavailable(f'the ONNX backend needs onnxruntime ({exc}): pip install "onnxruntime>=1.20"') from None
    options = ort.SessionOptions()
    # Explicit: ONNX Runtime's default (one thread per core, spinning) collapses when another process
    # holds a core, as it always does on a 2-core machine running a server and a build.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    if spinning:
        # Spin inside a run (a worker waiting for the next operator wakes in µs, not via the OS), never
        # after it: between queries the workers sleep.
        options.add_session_config_entry("session.force_spinning_stop", "1")
    options.log_severity_level = 3
    return ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])


class SpinChooser:
    """Which session a single query runs on: the spinning one when it is the faster here and now.

    A one-query run is a chain of small operators; with spinning workers each hand-over takes
    microseconds instead of an OS wake-up (measured on 2 cores, quiet: 5.0 vs 6.4 ms a query), but
    when other processes hold the cores, spinning workers steal the time they need (8.8 → 13-17 ms).
    So the chooser keeps a moving average of the latency of each kind of run and takes the faster,
    trying the other one every :attr:`probe_every` queries so that it follows the machine's load.
    Both kinds give the same vector (the same operators on the same inputs; tests/test_onnx_spin.py).
    """

    def __init__(self, probe_every: int = 16, weight: float = 0.2) -> None:
        self.probe_every, self.weight = probe_every, weight
        self.mean: dict[bool, float | None] = {False: None, True: None}
        self.calls = 0
        self._lock = threading.Lock()

    def choose(self) -> bool:
        """True for the spinning session."""
        with self._lock:
            self.calls += 1
            spin, steady = self.mean[True], self.mean[False]
            if spin is None or steady is None:
                return spin is None  # each kind is measured once before any is preferred
            best = spin <= steady
            return (not best) if self.calls % self.probe_every == 0 else best

    def record(self, spinning: bool, ms: float) -> None:
        with self._lock:
            old = self.mean[spinning]
            self.mean[spinning] = ms if old is None else (1 - self.weight) * old + self.weight * ms


class SentencePieceTokens:
    """Token ids as sentence-transformers feeds them to the model: ``<s> pieces </s>``, truncated.

    sentence-transformers strips each text (``str.strip``) before its tokenizer runs, and that tokenizer
    splits at Unicode white space and drops it at either end as sentencepiece does; so: strip, white
    space to spaces, then sentencepiece.

    Args:
        folder: holds ``sentencepiece.model``.
        max_length: ids per text, special tokens included.
    """

    def __init__(self, folder: Path, max_length: int = 512) -> None:
        try:
            import sentencepiece as spm
        except ImportError as exc:
            raise BackendUnavailable(
                f'the ONNX backend needs sentencepiece ({exc}): pip install "sentencepiece>=0.2"'
            ) from None
        self._sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        self._bos, self._eos = self._sp.bos_id(), self._sp.eos_id()
        self._max = max_length - 2

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids of each text."""
        # EncodeAsIds one text at a time: ~3 µs for a query, where the generic encode() spends 0.2-6 ms in
        # argument handling and its batch thread pool.
        encode = self._sp.EncodeAsIds
        return [[self._bos, *encode(t.strip().translate(_WHITE_SPACE))[: self._max], self._eos] for t in texts]


class OnnxEmbedder(Embedder):
    """A sentence encoder exported to ONNX (graph output = pooled, normalised sentence vector).

    Args:
        folder: holds ``model.onnx`` and ``tokenizer.json``.
        threads: ONNX Runtime intra-op threads.
        batch_size: texts per forward pass.
        query_prompt: prefix for queries (``query: `` for E5).
        passage_prompt: prefix for passages (``passage: `` for E5).
        model_id: the id recorded in index manifests.
        weights_hash: the hash recorded in index manifests.
        chinese_script: fold Chinese text to this script before encoding (see
            :class:`regenkg.embed.sbert.SentenceTransformerEmbedder`).
        max_length: tokens per text, prompt and special tokens included (longer texts are truncated, as
            sentence-transformers does with ``max_seq_length``).
        query_cache_size: single-query vectors kept for repeated queries (0 = none); see
            :meth:`encode_queries`.
        adaptive_spin: let a single query run on a spinning session when that is faster on this
            machine now (:class:`SpinChooser`); batches always run on the non-spinning one.

    Raises:
        ConfigError: bad thread/batch values or a folder without the two files.
        BackendUnavailable: onnxruntime or sentencepiece missing.
    """

    def __init__(
        self,
        folder: Path,
        *,
        threads: int = 2,
        batch_size: int = 32,
        query_prompt: str = "",
        passage_prompt: str = "",
        model_id: str,
        weights_hash: str,
        chinese_script: ChineseScript | None = None,
        max_length: int = 512,
        query_cache_size: int = QUERY_CACHE_SIZE,
        adaptive_spin: bool = True,
    ) -> None:
        if threads < 1 or batch_size < 1:
            raise ConfigError(f"threads and batch_size must be ≥ 1, got {threads} and {batch_size}")
        if query_cache_size < 0:
            raise ConfigError(f"query_cache_size must be ≥ 0, got {query_cache_size}")
        folder = Path(folder)
        for name in ("model.onnx", "sentencepiece.model"):
            if not (folder / name).is_file():
                raise ConfigError(f"ONNX model folder {folder} has no {name}")
        self.threads, self.batch_size = threads, batch_size
        self.query_prompt, self.passage_prompt = query_prompt, passage_prompt
        self.model_id, self.weights_hash = model_id, weights_hash
        self.chinese_script = chinese_script
        self._converter = _opencc(chinese_script) if chinese_script else None
        self._tokens = SentencePieceTokens(folder, max_length)
        self._model_file = folder / "model.onnx"
        self._session = _session(self._model_file, threads)
        # Single queries may run on a second, spinning session (see SpinChooser), opened on the single query
        # after SPIN_AFTER or by prepare().
        self._chooser = SpinChooser() if threads > 1 and adaptive_spin else None
        self._spinning: Any = None
        self._singles = 0
        self._spinning_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache_size = query_cache_size
        self._query_cache_lock = threading.Lock()
        shape = self._session.get_outputs()[0].shape
        self.dimension = int(shape[-1])
        logger.debug("loaded ONNX model %s from %s (dim %d)", model_id, folder, self.dimension)

    def __repr__(self) -> str:
        return f"OnnxEmbedder({self.model_id!r}, dimension={self.dimension}, chinese_script={self.chinese_script!r})"

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        items = prepare_texts(texts, self._converter)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids = self._tokens.encode([prompt + t for t in items])
        # Longest first, as sentence-transformers does: batches of similar length carry little padding.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.empty((len(ids), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            width = len(ids[chunk[0]])
            input_ids = np.full((len(chunk), width), _PAD_ID, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            (vectors,) = self._run(input_ids, mask)
            out[chunk] = vectors
        return out

    def _run(self, input_ids: np.ndarray, mask: np.ndarray) -> Any:
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if self._chooser is None or input_ids.shape[0] != 1:
            return self._session.run(None, feed)
        self._singles += 1
        if self._spinning is None and self._singles <= SPIN_AFTER:
            # A process that answers one or two queries (the CLI) never pays for a second session.
            return self._session.run(None, feed)
        spinning = self._chooser.choose()
        session = self._spinning_session() if spinning else self._session
        t0 = time.perf_counter()
        out = session.run(None, feed)
        self._chooser.record(spinning, (time.perf_counter() - t0) * 1000)
        return out

    def prepare(self) -> None:
        """Open every session a single query may use now (a server calls this at start, not on a request)."""
        if self._chooser is not None:
            self._spinning_session()

    def _spinning_session(self) -> Any:
        with self._spinning_lock:
            if self._spinning is None:
                self._spinning = _session(self._model_file, self.threads, spinning=True)
            return self._spinning

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encode search queries with the query prompt; float32 ``(n, dimension)``, unit length.

        A single query's vector is kept (up to ``query_cache_size`` of them) and returned as a copy when
        the same text comes again. Only single queries: a batch pads its texts to a common length, which
        moves the last bits of a vector, so a cached vector is always the one a new single call computes.
        """
        if self._query_cache_size == 0 or isinstance(texts, str):
            return self._encode(texts, self.query_prompt)
        items = list(texts)
        if len(items) != 1 or not isinstance(items[0], str):
            return self._encode(items, self.query_prompt)
        text = items[0]
        with self._query_cache_lock:
            hit = self._query_cache.get(text)
            if hit is not None:
                self._query_cache.move_to_end(text)
                return hit[None, :].copy()
        out = self._encode(items, self.query_prompt)
        with self._query_cache_lock:
            self._query_cache[text] = out[0].copy()
            self._query_cache.move_to_end(text)
            while len(self._query_cache) > self._query_cache_size:
                self._query_cache.popitem(last=False)
        return out

    def clear_query_cache(self) -> None:
        """Forget the kept query vectors (benchmarks time the model, not the cache)."""
        with self._query_cache_lock:
            self._query_cache.clear()

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Encode passages with the passage prompt; float32 ``(n, dimension)``, unit length."""
        return self._encode(texts, self.passage_prompt)
