"""Embedder backed by a local sentence-transformers model (never downloads)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import BackendUnavailable, ConfigError
from .base import Embedder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["E5_PROMPTS", "ChineseScript", "SentenceTransformerEmbedder", "weights_fingerprint"]

logger = logging.getLogger(__name__)

E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
_E5_NAME = re.compile(r"(^|[/_\-])(multilingual-)?e5([/_\-]|$)", re.IGNORECASE)
# Files that do not change what the model computes.
_NOT_WEIGHTS = {"README.md", ".gitattributes", "regenkg-converted.json"}
_SAMPLE = 1 << 20
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def prepare_texts(texts: Sequence[str], converter: Any = None) -> list[str]:
    """Check the texts of an encode call and fold their Han characters to the model's script (OpenCC).

    Shared by every backend, so an index built with one backend is queried with another on the same text.

    Raises:
        TypeError: ``texts`` is one string, or holds something that is not a string.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not one string (use encode_query)")
    items = list(texts)
    if not all(isinstance(t, str) for t in items):
        raise TypeError("texts must all be strings")
    if converter is not None:
        items = [converter.convert(t) if _HAN.search(t) else t for t in items]
    return items
_OPENCC_CONFIG = {"traditional": "s2t", "simplified": "t2s"}

ChineseScript = Literal["traditional", "simplified"]

_models: dict[str, SentenceTransformer] = {}
_models_lock = threading.Lock()


def weights_fingerprint(folder: Path) -> str:
    """A cheap, stable sha256 identifying the files of a model folder.

    Hashing a 0.5–2 GB folder in full costs seconds on every start, so the digest covers, for each
    file (sorted by relative path, README and regenkg's own marker left out): its path, its size,
    its first and its last MiB. Any re-export, re-quantisation or different tokenizer changes sizes
    or those bytes; a deliberate same-size edit in the middle of a file would go unnoticed.
    """
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in _NOT_WEIGHTS)
    if not files:
        raise ConfigError(f"model folder {folder} holds no files")
    for path in files:
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}\0{size}\0".encode())
        with path.open("rb") as fh:
            digest.update(fh.read(_SAMPLE))
            if size > 2 * _SAMPLE:
                fh.seek(-_SAMPLE, os.SEEK_END)
                digest.update(fh.read(_SAMPLE))
            else:
                digest.update(fh.read())
    return digest.hexdigest()


def _import_sentence_transformers() -> Any:
    # Both variables are read when huggingface_hub/transformers are first imported.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        with warnings.catch_warnings():
            # tqdm.auto, imported on the way, warns in a Jupyter kernel without ipywidgets; regenkg draws
            # no tqdm bar from here (see _no_loading_bar).
            warnings.filterwarnings("ignore", message="IProgress not found")
            import sentence_transformers
    except ImportError as exc:
        raise BackendUnavailable(
            f"the sentence-transformers backend needs torch and sentence-transformers ({exc}): "
            'pip install "sentence-transformers>=3.0"'
        ) from None
    return sentence_transformers


@contextmanager
def _no_loading_bar() -> Iterator[None]:
    """Keep transformers' tqdm "Loading weights" bar (drawn on every load) out of notebooks and logs."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            with warnings.catch_warnings():
                # huggingface_hub warns when $HF_HUB_DISABLE_PROGRESS_BARS keeps its own bars off.
                warnings.simplefilter("ignore")
                hf_logging.enable_progress_bar()


def _looks_like_path(name: str) -> bool:
    # Hub names are "model" or "org/model"; anything else is meant as a folder.
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def _load(name_or_path: str) -> SentenceTransformer:
    with _models_lock:
        model = _models.get(name_or_path)
        if model is not None:
            return model
        st = _import_sentence_transformers()
        folder = Path(name_or_path).expanduser()
        if not folder.is_dir() and _looks_like_path(name_or_path):
            raise ConfigError(f"embedding model folder not found: {name_or_path}")
        try:
            with _no_loading_bar():
                model = st.SentenceTransformer(
                    str(folder) if folder.is_dir() else name_or_path, device="cpu", local_files_only=True
                )
        except (OSError, ValueError, KeyError) as exc:
            raise BackendUnavailable(
                f"embedding model {name_or_path!r} is not available offline: it is neither a local "
                "sentence-transformers folder nor in the Hugging Face cache, and regenkg never downloads "
                f"models ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}). Download it "
                "yourself (e.g. `hf download NAME`) or use the default model."
            ) from None
        model.eval()
        _models[name_or_path] = model
        return model


def _model_folder(name_or_path: str) -> Path | None:
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name_or_path, local_files_only=True))
    except Exception:  # noqa: BLE001 - any failure just means "no folder to fingerprint"
        return None


def _opencc(script: str) -> Any:
    if script not in _OPENCC_CONFIG:
        raise ConfigError(f"chinese_script must be 'traditional', 'simplified' or None, got {script!r}")
    try:
        import opencc
    except ImportError:
        raise BackendUnavailable(
            'folding Chinese scripts needs OpenCC: pip install "opencc>=1.1.9"'
        ) from None
    return opencc.OpenCC(_OPENCC_CONFIG[script])


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model on CPU.

    Prompts: the model's own prompts named ``query`` and ``passage`` if it has both; else the given
    ``query_prompt`` / ``passage_prompt``; else ``query: `` / ``passage: `` for E5-family names; else none.

    Args:
        name_or_path: a local folder, or a model name already in the Hugging Face cache.
        threads: torch intra-op threads (set before every encode: the setting is process-wide).
        batch_size: texts per forward pass.
        query_prompt: prefix for queries when the model defines none.
        passage_prompt: prefix for passages when the model defines none.
        model_id: the id to report; defaults to ``name_or_path``.
        weights_hash: the hash to report; defaults to :func:`weights_fingerprint` of the folder.
        chinese_script: fold Chinese text to this script (OpenCC ``s2t`` / ``t2s``) before encoding,
            queries and passages alike; ``None`` leaves text as given. For multilingual-e5-small,
            ``"traditional"`` is much better in a mixed en/zh index: Simplified queries pull other
            Simplified passages ahead of their English translation (see the factory).

    Raises:
        ConfigError: a path that does not exist.
        BackendUnavailable: sentence-transformers missing, or the model is not available offline.
    """

    def __init__(
        self,
        name_or_path: str,
        *,
        threads: int = 2,
        batch_size: int = 32,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        model_id: str | None = None,
        weights_hash: str | None = None,
        chinese_script: ChineseScript | None = None,
    ) -> None:
        if threads < 1 or batch_size < 1:
            raise ConfigError(f"threads and batch_size must be ≥ 1, got {threads} and {batch_size}")
        self.threads = threads
        self.batch_size = batch_size
        self.chinese_script = chinese_script
        self._converter = _opencc(chinese_script) if chinese_script else None
        self._set_threads()
        self._model = _load(name_or_path)
        self.model_id = model_id or name_or_path
        own = dict(getattr(self._model, "prompts", None) or {})
        passage_own = own.get("passage") or own.get("document")
        if own.get("query") and passage_own:
            self.query_prompt, self.passage_prompt = own["query"], passage_own
        elif query_prompt is not None or passage_prompt is not None:
            self.query_prompt, self.passage_prompt = query_prompt or "", passage_prompt or ""
        elif _E5_NAME.search(name_or_path):
            self.query_prompt, self.passage_prompt = E5_PROMPTS["query"], E5_PROMPTS["passage"]
        else:
            self.query_prompt, self.passage_prompt = "", ""
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dimension = get_dim()
        if not dimension:
            raise ConfigError(f"embedding model {name_or_path!r} does not report a vector dimension")
        self.dimension = int(dimension)
        if weights_hash is None:
            folder = _model_folder(name_or_path)
            weights_hash = weights_fingerprint(folder) if folder is not None else "unknown"
        self.weights_hash = weights_hash
        logger.debug(
            "loaded %s (dim %d, prompts %r/%r)",
            self.model_id,
            self.dimension,
            self.query_prompt,
            self.passage_prompt,
        )

    def __repr__(self) -> str:
        return (
            f"SentenceTransformerEmbedder({self.model_id!r}, dimension={self.dimension}, "
            f"chinese_script={self.chinese_script!r})"
        )

    def _set_threads(self) -> None:
        import torch

        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        items = prepare_texts(texts, self._converter)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._set_threads()
        vectors = self._model.encode(
            items,
            prompt=prompt or None,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encode search queries with the query prompt; float32 ``(n, dimension)``, unit length."""
        return self._encode(texts, self.query_prompt)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Encode passages with the passage prompt; float32 ``(n, dimension)``, unit length."""
        return self._encode(texts, self.passage_prompt)
