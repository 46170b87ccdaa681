"""BM25 lexical index (bm25s) over pre-tokenised sentences keyed by int64 ids."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

with warnings.catch_warnings():
    # bm25s imports tqdm.auto, which warns in a Jupyter kernel without ipywidgets; regenkg turns bm25s's
    # bars off (show_progress=False), so the warning is only noise in notebook output.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import bm25s

from ..errors import IndexMismatch, IndexNotFound, QueryError

__all__ = ["LexicalIndex"]

logger = logging.getLogger(__name__)

CORPUS_FILE = "corpus.jsonl"
#: Each row's relation mask (:func:`regenkg.index.relwords.relation_mask` of its tokens), in index order,
#: written at build time so that search need not test the trigger lexicons on its candidates; an index
#: saved before it existed opens without it (search then derives the masks per candidate, as before).
MASKS_FILE = "relmasks.npy"
FORMAT = "regenkg-bm25/1"


def _token_lists(tokens: Iterable[Sequence[str]], name: str) -> list[list[str]]:
    out = []
    for row in tokens:
        if isinstance(row, str):
            raise TypeError(f"{name} must be lists of tokens, got a plain string {row!r}")
        out.append([t for t in row if t])
    return out


class LexicalIndex:
    """Okapi BM25 (bm25s, Lucene variant, k1=1.5, b=0.75) over token lists.

    The caller tokenises (jieba for Chinese, folded to Simplified and lower-cased; English lower-cased);
    queries must be tokenised the same way. BM25 statistics are global, so removal and addition
    rebuild the index from the stored token lists (:meth:`without`, :meth:`with_added`).

    >>> index = LexicalIndex.build([10, 11], [["car-t", "lymphoma"], ["ipsc", "retina"]])
    >>> [hit[0] for hit in index.search([["ipsc"]], k=5)[0]]
    [11]
    """

    def __init__(self, ids: np.ndarray, tokens: list[list[str]], retriever: bm25s.BM25 | None,
                 masks: np.ndarray | None = None) -> None:
        """Use :meth:`build` or :meth:`load`."""
        self._ids = ids
        self._tokens = tokens
        self._retriever = retriever
        self._masks = masks
        self._order: np.ndarray | None = None  # positions sorting ``_ids``, made on first use

    @classmethod
    def build(cls, ids: Sequence[int], tokens: Sequence[Sequence[str]]) -> LexicalIndex:
        """Index ``tokens[i]`` under ``ids[i]`` (ids unique)."""
        id_arr = np.asarray(list(ids), dtype=np.int64)
        token_lists = _token_lists(tokens, "tokens")
        if id_arr.ndim != 1 or id_arr.size != len(token_lists):
            raise ValueError(f"got {id_arr.size} ids for {len(token_lists)} token lists")
        if np.unique(id_arr).size != id_arr.size:
            raise ValueError("ids must be unique")
        return cls(id_arr, token_lists, cls._index(token_lists))

    @staticmethod
    def _index(token_lists: list[list[str]]) -> bm25s.BM25 | None:
        if not any(token_lists):
            return None
        retriever = bm25s.BM25()
        retriever.index(token_lists, show_progress=False)
        return retriever

    @property
    def count(self) -> int:
        """Number of indexed documents."""
        return int(self._ids.size)

    @property
    def ids(self) -> np.ndarray:
        """The ids, in index order (a copy)."""
        return self._ids.copy()

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"LexicalIndex(count={self.count})"

    def tokens(self, id_: int) -> list[str]:
        """The stored tokens of one document."""
        pos = np.flatnonzero(self._ids == id_)
        if pos.size == 0:
            raise KeyError(id_)
        return list(self._tokens[int(pos[0])])

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """The positions sorting the ids, and the sorted ids."""
        order = self._order
        if order is None:
            # The index never changes (rebuilds make a new one), so the sorted view is made once.
            order = self._order = np.argsort(self._ids, kind="stable")
        return order, self._ids[order]

    @property
    def has_relation_masks(self) -> bool:
        """Whether the rows' relation masks were loaded (or computed): see :meth:`relation_masks`."""
        return self._masks is not None

    def relation_masks(self, ids: Sequence[int]) -> np.ndarray:
        """The relation mask of each of ``ids`` (0 for an id not indexed), from the masks saved at build time.

        Raises:
            LookupError: the index was saved without them (:attr:`has_relation_masks` is false).

        >>> index = LexicalIndex.build([10, 11], [["gilead", "acquired", "kite"], ["ipsc", "retina"]])
        >>> index.with_relation_masks().relation_masks([11, 10, 12]).tolist()
        [0, 1, 0]
        """
        masks = self._masks
        if masks is None:
            raise LookupError("this lexical index holds no relation masks")
        arr = np.asarray(ids, dtype=np.int64)
        order, sorted_ids = self._sorted()
        if arr.size == 0 or sorted_ids.size == 0:
            return np.zeros(arr.shape, dtype=np.uint16)
        at = np.minimum(sorted_ids.searchsorted(arr), sorted_ids.size - 1)
        return np.where(sorted_ids[at] == arr, masks[order[at]], 0).astype(np.uint16)

    def with_relation_masks(self) -> LexicalIndex:
        """This index with every row's relation mask computed (itself when it has them)."""
        if self._masks is not None:
            return self
        from .relwords import relation_mask  # the extraction lexicons: loaded only to build

        masks = np.fromiter((relation_mask(" ".join(t), folded=True) for t in self._tokens), np.uint16,
                            len(self._tokens))
        return LexicalIndex(self._ids, self._tokens, self._retriever, masks)

    def tokens_of(self, ids: Iterable[int]) -> dict[int, list[str]]:
        """The stored tokens of each of ``ids`` that is indexed (a binary search each, not a scan)."""
        order, sorted_ids = self._sorted()
        arr = np.fromiter(ids, np.int64)
        if arr.size == 0 or sorted_ids.size == 0:
            return {}
        at = np.minimum(sorted_ids.searchsorted(arr), sorted_ids.size - 1)
        found = sorted_ids[at] == arr
        return {int(i): list(self._tokens[int(order[p])]) for i, p, ok in zip(arr.tolist(), at.tolist(), found.tolist())
                if ok}

    def known(self, tokens: Iterable[str]) -> list[str]:
        """The tokens that occur in the index (each once, in order): what a search with them can match."""
        vocab = self._retriever.vocab_dict if self._retriever is not None else {}
        return [t for t in dict.fromkeys(tokens) if t in vocab]

    def search(self, query_tokens: Sequence[Sequence[str]], k: int) -> list[list[tuple[int, float]]]:
        """The ``k`` best (id, score) pairs per query, best first; only documents sharing a token.

        Args:
            query_tokens: one token list per query (a batch).
            k: results per query.

        Raises:
            QueryError: ``k < 1`` or a query given as a plain string.
        """
        if k < 1:
            raise QueryError(f"k must be ≥ 1, got {k}")
        try:
            queries = _token_lists(query_tokens, "query_tokens")
        except TypeError as exc:
            raise QueryError(str(exc)) from None
        results: list[list[tuple[int, float]]] = []
        for query in queries:
            results.append(self._search_one(query, k))
        return results

    def _search_one(self, query: list[str], k: int) -> list[tuple[int, float]]:
        if self._retriever is None:
            return []
        vocab = self._retriever.vocab_dict
        token_ids = [vocab[t] for t in query if t in vocab]
        if not token_ids:
            return []
        scores = self._retriever.get_scores_from_ids(token_ids)
        hits = np.flatnonzero(scores > 0)
        if hits.size > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        # Ties are broken by id so results do not depend on insertion order.
        order = np.lexsort((self._ids[hits], -scores[hits]))
        picked = hits[order]
        # tolist() converts in C: indexing numpy scalars one by one cost more than the scoring.
        return list(zip(self._ids[picked].tolist(), scores[picked].astype(np.float64).tolist()))

    # -- rebuilds -----------------------------------------------------------------------------

    def without(self, ids: Iterable[int]) -> LexicalIndex:
        """A new index lacking ``ids`` (unknown ids are ignored)."""
        drop = np.asarray(list(ids), dtype=np.int64)
        keep = ~np.isin(self._ids, drop)
        if keep.all():
            return self
        tokens = [t for t, k in zip(self._tokens, keep) if k]
        return LexicalIndex(self._ids[keep], tokens, self._index(tokens))

    def with_added(self, ids: Sequence[int], tokens: Sequence[Sequence[str]]) -> LexicalIndex:
        """A new index with more documents; an id already present is an error."""
        new_ids = np.asarray(list(ids), dtype=np.int64)
        if np.isin(new_ids, self._ids).any():
            raise ValueError("ids to add must not already be in the index (use without() first)")
        return LexicalIndex.build(
            np.concatenate([self._ids, new_ids]).tolist(), self._tokens + _token_lists(tokens, "tokens")
        )

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index as a folder (ids + tokens as JSON lines, bm25s matrices, relation masks), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            with (tmp / CORPUS_FILE).open("w", encoding="utf-8") as fh:
                fh.write(json.dumps({"format": FORMAT, "count": self.count}) + "\n")
                for id_, toks in zip(self._ids.tolist(), self._tokens):
                    fh.write(json.dumps([id_, toks], ensure_ascii=False) + "\n")
            if self._retriever is not None:
                self._retriever.save(str(tmp / "bm25s"))
            masks = self.with_relation_masks()._masks
            assert masks is not None
            np.save(tmp / MASKS_FILE, masks, allow_pickle=False)
            if path.exists():
                stale = path.with_name(f".{path.name}.stale-{os.getpid()}")
                os.replace(path, stale)
                shutil.rmtree(stale, ignore_errors=True)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`.

        Raises:
            IndexNotFound: no such folder.
            IndexMismatch: the folder is not a complete regenkg BM25 index.
        """
        path = Path(path)
        corpus = path / CORPUS_FILE
        if not corpus.is_file():
            raise IndexNotFound(f"lexical index not found: {corpus}")
        ids: list[int] = []
        tokens: list[list[str]] = []
        try:
            with corpus.open(encoding="utf-8") as fh:
                header = json.loads(fh.readline())
                if header.get("format") != FORMAT:
                    raise IndexMismatch(f"{corpus}: unknown format {header.get('format')!r}")
                for line in fh:
                    id_, toks = json.loads(line)
                    ids.append(int(id_))
                    tokens.append([str(t) for t in toks])
        except (ValueError, TypeError, AttributeError) as exc:
            raise IndexMismatch(f"lexical index {corpus} is corrupt: {exc}") from None
        if len(ids) != header.get("count"):
            raise IndexMismatch(
                f"lexical index {corpus} holds {len(ids)} rows, header says {header.get('count')}"
            )
        retriever = None
        if any(tokens):
            try:
                retriever = bm25s.BM25.load(str(path / "bm25s"))
            except (OSError, ValueError) as exc:
                raise IndexMismatch(f"lexical index {path}: cannot read bm25s data: {exc}") from None
            if retriever.scores.get("num_docs") != len(ids):
                raise IndexMismatch(f"lexical index {path}: bm25s data does not match {CORPUS_FILE}")
        masks = None
        if (path / MASKS_FILE).is_file():
            try:
                masks = np.load(path / MASKS_FILE, allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise IndexMismatch(f"lexical index {path}: cannot read {MASKS_FILE}: {exc}") from None
            if masks.shape != (len(ids),) or masks.dtype != np.uint16:
                raise IndexMismatch(f"lexical index {path}: {MASKS_FILE} does not match {CORPUS_FILE}")
        return cls(np.asarray(ids, dtype=np.int64), tokens, retriever, masks)
