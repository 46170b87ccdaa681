"""The ONNX embedder's single-query vector cache: the same vectors, copies out, bounded, clearable."""

from __future__ import annotations

import numpy as np
import pytest

from regenkg.config import DEFAULT_MODEL
from regenkg.embed.convert import BLOB_SHA256, PROMPTS
from regenkg.embed.onnx import OnnxEmbedder
from regenkg.embed.onnx_export import ensure_exported
from regenkg.errors import ConfigError


def _embedder(cache: int) -> OnnxEmbedder:
    return OnnxEmbedder(ensure_exported(), threads=1, query_prompt=PROMPTS["query"],
                        passage_prompt=PROMPTS["passage"], model_id=DEFAULT_MODEL, weights_hash=BLOB_SHA256,
                        chinese_script="traditional", query_cache_size=cache)


class _CountingSession:
    """Wraps the ONNX session and counts forward passes."""

    def __init__(self, session: object) -> None:
        self.session, self.runs = session, 0

    def run(self, *args: object, **kwargs: object) -> object:
        self.runs += 1
        return self.session.run(*args, **kwargs)  # type: ignore[attr-defined]

    def get_outputs(self) -> object:
        return self.session.get_outputs()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def pair() -> tuple[OnnxEmbedder, OnnxEmbedder]:
    """A caching embedder (2 entries) and one without a cache, on the same model."""
    return _embedder(2), _embedder(0)


@pytest.mark.model
def test_repeated_query_is_served_from_the_cache_with_the_same_vector(pair) -> None:
    cached, plain = pair
    cached.clear_query_cache()
    counting = _CountingSession(cached._session)
    cached._session = counting  # type: ignore[assignment]
    try:
        first = cached.encode_queries(["誰在開發TCR-T"])
        again = cached.encode_queries(("誰在開發TCR-T",))
        assert counting.runs == 1
        np.testing.assert_array_equal(first, again)
        np.testing.assert_array_equal(again, plain.encode_queries(["誰在開發TCR-T"]))
        assert again.shape == (1, cached.dimension) and again.dtype == np.float32
        again[0, :] = 0  # a caller's array is its own
        np.testing.assert_array_equal(cached.encode_queries(["誰在開發TCR-T"]), first)
        # Batches are never served from (or stored in) the cache: padding moves the last bits.
        cached.encode_queries(["誰在開發TCR-T", "who develops TCR-T"])
        assert counting.runs == 2
        # Documents use another prompt: never from the query cache.
        cached.encode_documents(["誰在開發TCR-T"])
        assert counting.runs == 3
        # Two entries: the least recently used goes first.
        cached.encode_queries(["a"])
        cached.encode_queries(["誰在開發TCR-T"])  # hit; now the most recent
        cached.encode_queries(["b"])  # evicts "a"
        runs = counting.runs
        cached.encode_queries(["誰在開發TCR-T"])
        assert counting.runs == runs
        cached.encode_queries(["a"])
        assert counting.runs == runs + 1
        cached.clear_query_cache()
        cached.encode_queries(["誰在開發TCR-T"])
        assert counting.runs == runs + 2
    finally:
        cached._session = counting.session  # type: ignore[assignment]


@pytest.mark.model
def test_bad_input_still_fails_clearly(pair) -> None:
    cached, _ = pair
    with pytest.raises(TypeError, match="one string"):
        cached.encode_queries("one string")
    with pytest.raises(TypeError, match="strings"):
        cached.encode_queries([["not a string"]])  # type: ignore[list-item]
    assert cached.encode_queries([]).shape == (0, cached.dimension)
    with pytest.raises(ConfigError, match="query_cache_size"):
        _embedder(-1)
