"""FAISS vector index over stable int64 sentence ids: exact up to a size limit, IVF above it."""

from __future__ import annotations

import logging
import math
import os
import threading
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from ..errors import IndexMismatch, IndexNotFound, QueryError

__all__ = ["IndexKind", "VectorIndex"]

logger = logging.getLogger(__name__)

IndexKind = Literal["flat", "ivf"]

MAX_NLIST = 4096
# FAISS wants ≥ 39 training points per list; more buys little and k-means time grows with it.
TRAIN_POINTS_PER_LIST = 40
# Let small query batches use BLAS too: with 2 cores the matrix product wins from a handful of queries.
BLAS_THRESHOLD = 4


def _nlist(n: int) -> int:
    return max(1, min(MAX_NLIST, int(4 * math.sqrt(n)), n // TRAIN_POINTS_PER_LIST))


def _configure(threads: int) -> None:
    # Setting the OpenMP team size is not free; most calls ask for the size already set.
    if faiss.omp_get_max_threads() != threads:
        faiss.omp_set_num_threads(threads)
    faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD


def search_threads(queries: int, threads: int) -> int:
    """OpenMP threads for a search of ``queries`` queries.

    FAISS parallelises over queries, so one query keeps one thread busy while the others only join the
    team; on 2 shared cores that join waits whenever the other core is taken. Measured at 100 k clustered
    vectors (IVF, nprobe 16): p50 0.31 ms / p99 32 ms with 2 threads, 0.20 ms / 12 ms with 1.
    """
    return 1 if queries == 1 else threads


def _as_ids(ids: np.ndarray, name: str = "ids") -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be integers, got {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.int64)


def _as_vectors(vectors: np.ndarray, n: int, dimension: int | None) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"vectors must have shape ({n}, dimension), got {arr.shape}")
    if dimension is not None and arr.shape[1] != dimension:
        raise IndexMismatch(f"vectors have dimension {arr.shape[1]}, the index has {dimension}")
    if not np.isfinite(arr).all():
        raise ValueError("vectors contain NaN or infinite values")
    return arr


class VectorIndex:
    """Inner-product search over vectors keyed by int64 ids.

    Up to ``exact_limit`` vectors it is exact (``IndexIDMap2(IndexFlatIP)``); a build or an ``add``
    that goes beyond switches to ``IndexIVFFlat`` with about 4·√n lists (≤ 4096), trained on a sample,
    searching ``nprobe`` lists. Vectors should be L2-normalised so scores are cosines.

    >>> import numpy as np
    >>> index = VectorIndex.build(np.array([7, 9]), np.eye(2, dtype=np.float32))
    >>> index.search(np.array([[1.0, 0.0]]), k=5)
    [[(7, 1.0), (9, 0.0)]]
    """

    def __init__(
        self,
        index: faiss.Index,
        ids: np.ndarray,
        *,
        exact_limit: int = 100_000,
        nprobe: int = 16,
        threads: int = 2,
    ) -> None:
        """Wrap a FAISS index; use :meth:`build` or :meth:`load` instead."""
        self._index = index
        self._ids = np.sort(ids)
        self.exact_limit = exact_limit
        self.nprobe = nprobe
        self.threads = threads
        # ``among`` array → (that array, its id copy, its selector), for the few arrays searched again and
        # again (search's per-language id lists): a selector hashes every id, each time it is made.
        self._selectors: dict[int, tuple[np.ndarray, np.ndarray, faiss.IDSelectorBatch]] = {}
        self._selectors_lock = threading.Lock()
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = nprobe

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        ids: np.ndarray,
        vectors: np.ndarray,
        *,
        exact_limit: int = 100_000,
        nprobe: int = 16,
        threads: int = 2,
        dimension: int | None = None,
    ) -> VectorIndex:
        """Build an index from ``ids`` (int64, unique) and ``vectors`` (float32, ``(n, d)``).

        ``dimension`` is only needed to build an empty index (no vectors to infer it from).
        """
        if exact_limit < 1 or nprobe < 1 or threads < 1:
            raise ValueError("exact_limit, nprobe and threads must be ≥ 1")
        _configure(threads)
        ids = _as_ids(ids)
        if ids.size == 0 and np.asarray(vectors).size == 0:
            if dimension is None:
                raise ValueError("an empty index needs an explicit dimension")
            vectors = np.zeros((0, dimension), np.float32)
        arr = _as_vectors(vectors, ids.size, dimension)
        if np.unique(ids).size != ids.size:
            raise ValueError("ids must be unique")
        d = arr.shape[1]
        if ids.size <= exact_limit:
            index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(d))
        else:
            index = cls._train_ivf(arr, nprobe)
        index.add_with_ids(arr, ids)
        return cls(index, ids, exact_limit=exact_limit, nprobe=nprobe, threads=threads)

    @staticmethod
    def _train_ivf(vectors: np.ndarray, nprobe: int) -> faiss.IndexIVFFlat:
        n, d = vectors.shape
        nlist = _nlist(n)
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        sample_size = min(n, TRAIN_POINTS_PER_LIST * nlist)
        rng = np.random.default_rng(0)
        sample = vectors[np.sort(rng.choice(n, sample_size, replace=False))] if sample_size < n else vectors
        logger.info("training IVF index: %d lists on %d of %d vectors", nlist, sample_size, n)
        index.train(sample)
        # A hash-table direct map makes remove_ids and reconstruct work by id.
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        index.nprobe = nprobe
        return index

    # -- properties ---------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Number of vectors."""
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        """Vector length."""
        return int(self._index.d)

    @property
    def kind(self) -> IndexKind:
        """``"flat"`` (exact) or ``"ivf"`` (approximate)."""
        return "ivf" if isinstance(self._index, faiss.IndexIVF) else "flat"

    @property
    def ids(self) -> np.ndarray:
        """All ids, sorted (a copy)."""
        return self._ids.copy()

    def __len__(self) -> int:
        return self.count

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, (int, np.integer)):
            return False
        pos = int(np.searchsorted(self._ids, item))
        return pos < self._ids.size and int(self._ids[pos]) == int(item)

    def __repr__(self) -> str:
        return f"VectorIndex(kind={self.kind!r}, count={self.count}, dimension={self.dimension})"

    # -- changes ------------------------------------------------------------------------------

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under new ids; an id already present is an error (remove it first)."""
        _configure(self.threads)
        ids = _as_ids(ids)
        arr = _as_vectors(vectors, ids.size, self.dimension)
        if ids.size == 0:
            return
        if np.unique(ids).size != ids.size or np.isin(ids, self._ids).any():
            raise ValueError("ids to add must be unique and not already in the index")
        if self.kind == "flat" and self.count + ids.size > self.exact_limit:
            flat = self._index
            stored = faiss.downcast_index(flat.index).reconstruct_n(0, self.count)
            all_ids = np.concatenate([faiss.vector_to_array(flat.id_map).astype(np.int64), ids])
            all_vectors = np.concatenate([stored, arr])
            logger.info("index grows past exact_limit=%d: rebuilding as IVF", self.exact_limit)
            index = self._train_ivf(all_vectors, self.nprobe)
            index.add_with_ids(all_vectors, all_ids)
            self._index = index
        else:
            self._index.add_with_ids(arr, ids)
        self._ids = np.sort(np.concatenate([self._ids, ids]))

    def remove(self, ids: np.ndarray) -> int:
        """Remove vectors by id (unknown ids are ignored); returns how many were removed."""
        ids = np.unique(_as_ids(ids))
        present = ids[np.isin(ids, self._ids)]
        if present.size == 0:
            return 0
        # The IVF hash-table direct map only accepts an IDSelectorArray; it works for IDMap2 as well.
        present = np.ascontiguousarray(present)
        removed = int(self._index.remove_ids(faiss.IDSelectorArray(present.size, faiss.swig_ptr(present))))
        self._ids = np.setdiff1d(self._ids, present, assume_unique=True)
        return removed

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (each must be present), shape ``(len(ids), dimension)``."""
        ids = _as_ids(ids)
        missing = ids[~self.present(ids)]
        if missing.size:
            raise KeyError(f"ids not in the index: {missing[:5].tolist()}")
        if ids.size == 0:
            return np.empty((0, self.dimension), np.float32)
        # One call into FAISS for the batch (the ID map / direct map resolves each id).
        return np.asarray(self._index.reconstruct_batch(np.ascontiguousarray(ids)), dtype=np.float32)

    def present(self, ids: np.ndarray) -> np.ndarray:
        """Which of ``ids`` are in the index (a boolean array, one per id)."""
        ids = _as_ids(ids)
        if self._ids.size == 0:
            return np.zeros(ids.size, dtype=bool)
        # A binary search in the sorted ids: np.isin sorts both arrays, which is most of a small lookup.
        pos = np.minimum(self._ids.searchsorted(ids), self._ids.size - 1)
        return self._ids[pos] == ids

    # -- search -------------------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int, *, among: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """The ``k`` best (id, score) pairs for each query, best first.

        Args:
            queries: float32 ``(n, dimension)``; a single ``(dimension,)`` vector counts as one query.
            k: results per query; more than :attr:`count` returns all.
            among: search only these ids (e.g. the sentences of one language); ``None`` searches all.

        Raises:
            QueryError: wrong dimension, NaN/inf, an all-zero query, or ``k < 1``.
        """
        try:
            arr = np.asarray(queries, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"query vectors are not numeric: {exc}") from None
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise QueryError(f"queries must have shape (n, {self.dimension}), got {arr.shape}")
        if arr.shape[1] != self.dimension:
            raise QueryError(
                f"query vectors have dimension {arr.shape[1]}, the index has {self.dimension} "
                "(was it built with another model?)"
            )
        if not np.isfinite(arr).all():
            raise QueryError("query vectors contain NaN or infinite values")
        if arr.shape[0] and (np.linalg.norm(arr, axis=1) == 0).any():
            raise QueryError("a query vector is all zeros")
        if k < 1:
            raise QueryError(f"k must be ≥ 1, got {k}")
        if self.count == 0 or arr.shape[0] == 0:
            return [[] for _ in range(arr.shape[0])]
        _configure(search_threads(arr.shape[0], self.threads))
        params: faiss.SearchParameters | None = None
        if among is not None:
            subset, selector = self._selector(among)
            if subset.size == 0:
                return [[] for _ in range(arr.shape[0])]
            k = min(k, subset.size)
            if isinstance(self._index, faiss.IndexIVF):
                ivf = faiss.SearchParametersIVF()
                ivf.nprobe = self.nprobe
                params = ivf
            else:
                params = faiss.SearchParameters()
            params.sel = selector
        scores, found = self._index.search(np.ascontiguousarray(arr), min(k, self.count), params=params)
        return [
            [(i, s) for i, s in zip(row_ids, row_scores) if i != -1]
            for row_ids, row_scores in zip(found.tolist(), scores.astype(np.float64).tolist())
        ]

    def _selector(self, among: np.ndarray) -> tuple[np.ndarray, faiss.IDSelectorBatch]:
        """The ids of ``among`` and a FAISS selector of them, kept for a read-only ndarray searched before.

        Kept by identity, so only for an array that cannot change in place (search's per-language id
        lists are made read-only). The selector only reads the id copy, so the two are kept together.
        """
        cached = self._selectors.get(id(among))
        if cached is not None and cached[0] is among:
            return cached[1], cached[2]
        subset = _as_ids(np.asarray(among), "among")
        selector = faiss.IDSelectorBatch(subset)
        if isinstance(among, np.ndarray) and not among.flags.writeable:
            with self._selectors_lock:  # searches run in several threads (the endpoint)
                while len(self._selectors) >= 8:
                    self._selectors.pop(next(iter(self._selectors)))
                self._selectors[id(among)] = (among, subset, selector)
        return subset, selector

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index to one file, atomically (a temp file renamed over ``path``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            faiss.write_index(self._index, str(tmp))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    @classmethod
    def load(
        cls,
        path: Path,
        expected_dimension: int | None = None,
        *,
        exact_limit: int = 100_000,
        nprobe: int | None = None,
        threads: int = 2,
    ) -> VectorIndex:
        """Read an index written by :meth:`save`.

        Args:
            path: the index file.
            expected_dimension: refuse an index of any other dimension.
            exact_limit: size above which later additions switch to IVF.
            nprobe: lists searched by an IVF index; ``None`` keeps the saved value.
            threads: FAISS OpenMP threads.

        Raises:
            IndexNotFound: no file at ``path``.
            IndexMismatch: unreadable, not a regenkg vector index, or another dimension.
        """
        path = Path(path)
        if not path.is_file():
            raise IndexNotFound(f"vector index not found: {path}")
        _configure(threads)
        try:
            # read_index returns the concrete (downcast) class and owns the C++ object.
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexMismatch(f"cannot read vector index {path}: {str(exc).splitlines()[-1]}") from None
        if isinstance(index, faiss.IndexIDMap2):
            inner = faiss.downcast_index(index.index)
            if not isinstance(inner, faiss.IndexFlatIP):
                raise IndexMismatch(f"{path}: unexpected inner index {type(inner).__name__}")
            ids = faiss.vector_to_array(index.id_map).astype(np.int64)
        elif isinstance(index, faiss.IndexIVFFlat):
            if index.metric_type != faiss.METRIC_INNER_PRODUCT:
                raise IndexMismatch(f"{path}: IVF index does not use inner product")
            if index.direct_map.type != faiss.DirectMap.Hashtable:
                index.set_direct_map_type(faiss.DirectMap.Hashtable)
            ids = cls._ivf_ids(index)
        else:
            raise IndexMismatch(f"{path} is not a regenkg vector index ({type(index).__name__})")
        if expected_dimension is not None and index.d != expected_dimension:
            raise IndexMismatch(
                f"vector index {path} has dimension {index.d}, expected {expected_dimension} "
                "(built with another model?)"
            )
        if nprobe is None:
            nprobe = int(index.nprobe) if isinstance(index, faiss.IndexIVF) else 16
        return cls(index, ids, exact_limit=exact_limit, nprobe=nprobe, threads=threads)

    @staticmethod
    def _ivf_ids(index: faiss.IndexIVF) -> np.ndarray:
        invlists = index.invlists
        parts = []
        for list_no in range(index.nlist):
            size = invlists.list_size(list_no)
            if size:
                parts.append(faiss.rev_swig_ptr(invlists.get_ids(list_no), size).copy())
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
