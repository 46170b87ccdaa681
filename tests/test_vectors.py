"""VectorIndex: exact and IVF search, changes, persistence and refusal of bad queries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from regenkg.errors import IndexMismatch, IndexNotFound, QueryError
from regenkg.index.vectors import VectorIndex

DIM = 32


def _clustered(n: int, seed: int, dim: int = DIM, centres: int = 50) -> np.ndarray:
    """Unit vectors around a few centres: the shape real sentence embeddings have."""
    rng = np.random.default_rng(seed)
    centre = np.random.default_rng(99).normal(size=(centres, dim))
    x = centre[rng.integers(0, centres, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    ids = (np.arange(6000, dtype=np.int64) * 7919 + 2**62) % (2**63 - 1)  # large, sparse, stable ids
    return ids, _clustered(6000, seed=1)


def test_flat_search_is_exact(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, vectors = data
    index = VectorIndex.build(ids, vectors)
    assert (index.kind, index.count, index.dimension) == ("flat", 6000, DIM)
    queries = vectors[:20]
    hits = index.search(queries, k=5)
    brute = np.argsort(-(queries @ vectors.T), axis=1)[:, :5]
    assert [[i for i, _ in row] for row in hits] == ids[brute].tolist()
    assert hits[0][0] == (int(ids[0]), pytest.approx(1.0, abs=1e-5))
    assert all(row[0][1] >= row[-1][1] for row in hits)


def test_ivf_recall_against_exact(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, vectors = data
    ivf = VectorIndex.build(ids, vectors, exact_limit=1000, nprobe=16)
    flat = VectorIndex.build(ids, vectors)
    assert ivf.kind == "ivf"
    queries = _clustered(200, seed=2)
    exact = flat.search(queries, k=10)
    approx = ivf.search(queries, k=10)
    recall = np.mean([len({i for i, _ in a} & {i for i, _ in e}) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.9


def test_add_past_exact_limit_switches_to_ivf(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, vectors = data
    index = VectorIndex.build(ids[:900], vectors[:900], exact_limit=1000)
    assert index.kind == "flat"
    index.add(ids[900:2000], vectors[900:2000])
    assert index.kind == "ivf" and index.count == 2000
    np.testing.assert_allclose(index.vectors(ids[[5, 1500]]), vectors[[5, 1500]], atol=1e-6)
    assert index.search(vectors[1500], k=1)[0][0][0] == ids[1500]
    with pytest.raises(ValueError, match="already"):
        index.add(ids[:1], vectors[:1])


@pytest.mark.parametrize("exact_limit", [100_000, 1000])
def test_remove(data: tuple[np.ndarray, np.ndarray], exact_limit: int) -> None:
    ids, vectors = data
    index = VectorIndex.build(ids, vectors, exact_limit=exact_limit)
    gone = ids[:50]
    assert index.remove(np.concatenate([gone, [12345]])) == 50
    assert index.remove(gone) == 0
    assert index.count == 5950 and int(gone[0]) not in index and int(ids[60]) in index
    found = {i for row in index.search(vectors[:50], k=20) for i, _ in row}
    assert not found & set(gone.tolist())


@pytest.mark.parametrize("exact_limit", [100_000, 1000])
def test_save_load_round_trip(tmp_path: Path, data: tuple[np.ndarray, np.ndarray], exact_limit: int) -> None:
    ids, vectors = data
    index = VectorIndex.build(ids, vectors, exact_limit=exact_limit, nprobe=8)
    index.remove(ids[:10])
    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = VectorIndex.load(path, expected_dimension=DIM)
    assert (loaded.kind, loaded.count, loaded.dimension) == (index.kind, 5990, DIM)
    assert np.array_equal(loaded.ids, index.ids)
    assert loaded.search(vectors[100:110], k=7) == index.search(vectors[100:110], k=7)
    if index.kind == "ivf":
        assert loaded.nprobe == 8 and VectorIndex.load(path, nprobe=32).nprobe == 32
    loaded.remove(ids[10:20])
    assert loaded.count == 5980
    with pytest.raises(IndexMismatch, match="dimension"):
        VectorIndex.load(path, expected_dimension=384)


def test_load_failures(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound):
        VectorIndex.load(tmp_path / "none.faiss")
    bad = tmp_path / "bad.faiss"
    bad.write_bytes(b"not a faiss index at all")
    with pytest.raises(IndexMismatch):
        VectorIndex.load(bad)


def test_small_and_empty_indexes(tmp_path: Path) -> None:
    index = VectorIndex.build(np.array([7, 9]), np.eye(2, dtype=np.float32))
    assert index.search(np.array([[1.0, 0.0], [0.0, 1.0]]), k=10) == [
        [(7, 1.0), (9, 0.0)],
        [(9, 1.0), (7, 0.0)],
    ]
    empty = VectorIndex.build(np.zeros(0, np.int64), np.zeros((0, 4), np.float32), dimension=4)
    assert empty.count == 0 and empty.search(np.ones((3, 4)), k=5) == [[], [], []]
    empty.save(tmp_path / "e.faiss")
    reloaded = VectorIndex.load(tmp_path / "e.faiss", expected_dimension=4)
    reloaded.add(np.array([1]), np.ones((1, 4), np.float32))
    assert reloaded.search(np.ones(4), k=1)[0][0][0] == 1


def test_bad_queries_raise_query_error(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, vectors = data
    index = VectorIndex.build(ids[:100], vectors[:100])
    bad = [np.ones((1, DIM + 1)), np.full((1, DIM), np.nan), np.zeros((2, DIM)), np.ones((1, 2, DIM))]
    for queries in bad:
        with pytest.raises(QueryError):
            index.search(queries, k=3)
    with pytest.raises(QueryError, match="dimension"):
        index.search(np.ones(DIM + 1), k=3)
    with pytest.raises(QueryError):
        index.search(vectors[:1], k=0)


def test_bad_builds(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, vectors = data
    with pytest.raises(ValueError, match="unique"):
        VectorIndex.build(np.array([1, 1]), vectors[:2])
    with pytest.raises(ValueError):
        VectorIndex.build(ids[:3], vectors[:2])
    with pytest.raises(ValueError, match="NaN"):
        VectorIndex.build(ids[:1], np.full((1, DIM), np.nan, np.float32))


@pytest.mark.parametrize("exact_limit", [100_000, 1])
def test_present_and_vectors_by_id(data: tuple[np.ndarray, np.ndarray], exact_limit: int) -> None:
    ids, x = data
    index = VectorIndex.build(ids[:2000], x[:2000], exact_limit=exact_limit, threads=1)
    asked = np.array([ids[5], ids[1999], ids[3000], ids[0], ids[5]], dtype=np.int64)  # one absent, one twice
    assert index.present(asked).tolist() == [True, True, False, True, True]
    assert index.present(np.array([], dtype=np.int64)).tolist() == []
    known = asked[index.present(asked)]
    np.testing.assert_array_equal(index.vectors(known), x[[5, 1999, 0, 5]])
    assert index.vectors(np.array([], dtype=np.int64)).shape == (0, DIM)
    with pytest.raises(KeyError):
        index.vectors(asked)
