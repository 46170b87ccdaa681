"""Text → vectors: the embedder interface, its sentence-transformers backend and the default model."""

from __future__ import annotations

from .base import Embedder
from .factory import create_embedder

__all__ = ["Embedder", "create_embedder"]
