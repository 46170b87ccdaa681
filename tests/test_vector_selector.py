"""VectorIndex keeps the FAISS selector of a read-only id list that search asks about again and again."""

from __future__ import annotations

import numpy as np

from regenkg.index.vectors import VectorIndex


def test_vector_search_among_a_read_only_id_list_reuses_its_selector() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(6, 4)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex.build(np.arange(10, 16), vectors)
    among = np.array([11, 13, 15], dtype=np.int64)
    among.setflags(write=False)
    first = index.search(vectors[:2], 3, among=among)
    assert all({i for i, _ in hits} <= {11, 13, 15} for hits in first)
    assert index.search(vectors[:2], 3, among=among) == first  # the kept selector gives the same hits
    assert index._selector(among)[1] is index._selector(among)[1]
    writable = np.array([10, 12], dtype=np.int64)  # may change in place: never kept
    assert index._selector(writable)[1] is not index._selector(writable)[1]
    assert {i for hits in index.search(vectors[:1], 3, among=writable) for i, _ in hits} <= {10, 12}
