"""The embedder interface every backend satisfies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    Queries and documents are encoded separately because multilingual retrieval models (E5) need
    different prompts for each; mixing them up silently ruins cross-lingual ranking.

    Attributes:
        model_id: the model name recorded in index manifests.
        weights_hash: a hash identifying the exact weights; indexes refuse vectors of another hash.
        dimension: length of every vector.
    """

    model_id: str
    weights_hash: str
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encode search queries; returns float32 of shape ``(len(texts), dimension)``."""
        ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Encode indexed passages; returns float32 of shape ``(len(texts), dimension)``."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """Encode one query; shape ``(dimension,)``."""
        return self.encode_queries([text])[0]

    def encode_document(self, text: str) -> np.ndarray:
        """Encode one passage; shape ``(dimension,)``."""
        return self.encode_documents([text])[0]
