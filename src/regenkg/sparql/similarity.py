"""``rkg:similarity(?sentence, "text")``: cosine between a sentence's stored vector and a text's embedding.

Query vectors for constant texts come with the prepared query (the caller embeds them with the model it
already holds); only a text computed at run time makes the evaluator load a model itself, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import IndexMismatch, IndexNotFound, QueryError
from .seal import SIMILARITY

__all__ = ["SENTENCE_PREFIX", "SIMILARITY", "Similarity", "default_embedder", "embed_texts"]

SENTENCE_PREFIX = "https://w3id.org/regenkg/id/sentence/"
_XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
_MAX_CACHED = 4096


def default_embedder(snapshot: Path) -> Any:
    """The embedder of the model named in ``snapshot``'s manifest."""
    from ..embed.factory import create_embedder

    manifest_path = snapshot / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexMismatch(f"rkg:similarity needs the model named in {manifest_path}: {exc}") from None
    model = manifest.get("model")
    if isinstance(model, dict):
        model = model.get("id") or model.get("name")
    return create_embedder(model)


def embed_texts(embedder: Any, texts: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    """``(text, float32 bytes)`` query vectors of ``texts`` (what :class:`PreparedQuery` carries)."""
    import numpy as np

    if not texts:
        return ()
    vectors = np.asarray(embedder.encode_queries(list(texts)), dtype="float32")
    return tuple((text, vectors[i].tobytes()) for i, text in enumerate(texts))


class _VectorLookup:
    """Sentence id → stored vector, read from the snapshot's ``vectors.faiss`` (an IndexIDMap2)."""

    def __init__(self, snapshot: Path) -> None:
        import faiss

        path = snapshot / "vectors.faiss"
        if not path.is_file():
            raise IndexNotFound(f"rkg:similarity needs {path}, which does not exist")
        self._index = faiss.read_index(str(path))
        self._cache: dict[int, Any] = {}

    def get(self, sentence_id: int) -> Any:
        if sentence_id not in self._cache:
            try:
                self._cache[sentence_id] = self._index.reconstruct(sentence_id)
            except RuntimeError:
                self._cache[sentence_id] = None
        return self._cache[sentence_id]


class Similarity:
    """The custom function, loading vectors on first call and a model only for texts it was not given."""

    def __init__(self, snapshot: Path | None, embedder_factory: Callable[[], Any] | None) -> None:
        self._snapshot = snapshot
        self._factory = embedder_factory
        self._vectors: _VectorLookup | None = None
        self._embedder: Any = None
        self._queries: dict[str, Any] = {}
        self.on_model_load: Callable[[], None] | None = None

    @property
    def loaded(self) -> bool:
        """Whether this function has loaded an embedding model."""
        return self._embedder is not None

    def given(self, vectors: tuple[tuple[str, bytes], ...]) -> None:
        """Use these query vectors (from :func:`embed_texts`) for their texts."""
        import numpy as np

        if len(self._queries) > _MAX_CACHED:  # a long-lived evaluator sees many distinct texts
            self._queries.clear()
        for text, raw in vectors:
            self._queries[text] = np.frombuffer(raw, dtype="float32")

    def _embedding(self, text: str) -> Any:
        import numpy as np

        query = self._queries.get(text)
        if query is None:
            if self._embedder is None:
                if self.on_model_load is not None:
                    self.on_model_load()
                if self._factory is not None:
                    self._embedder = self._factory()
                elif self._snapshot is not None:
                    self._embedder = default_embedder(self._snapshot)
                else:
                    raise QueryError("rkg:similarity needs an index snapshot or an embedder")
            query = np.asarray(self._embedder.encode_queries([text]), dtype="float32")[0]
            self._queries[text] = query
        return query

    def __call__(self, sentence: Any, text: Any) -> ox.Literal | None:
        import numpy as np

        if not isinstance(sentence, ox.NamedNode) or not sentence.value.startswith(SENTENCE_PREFIX):
            return None
        if not isinstance(text, ox.Literal):
            return None
        try:
            sentence_id = int(sentence.value[len(SENTENCE_PREFIX):])
        except ValueError:
            return None
        if self._vectors is None:
            if self._snapshot is None:
                raise QueryError("rkg:similarity needs an index snapshot with vectors.faiss")
            self._vectors = _VectorLookup(self._snapshot)
        vector = self._vectors.get(sentence_id)
        if vector is None:
            return None
        query = self._embedding(text.value)
        vector = np.asarray(vector, dtype="float32")
        norm = float(np.linalg.norm(vector) * np.linalg.norm(query))
        if norm == 0.0:
            return None
        return ox.Literal(repr(float(np.dot(vector, query)) / norm), datatype=_XSD_DOUBLE)
