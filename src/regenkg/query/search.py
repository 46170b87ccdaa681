"""Hybrid sentence search: dense (FAISS) + lexical (BM25) rankings, fused per language group."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from ..config import Settings
from ..embed.base import Embedder
from ..errors import QueryError
from ..index.bm25 import LexicalIndex
from ..index.store import SentenceTable
from ..index.vectors import VectorIndex
from ..records import Hit
from ..text.tokens import Tokenizer
from .fuse import rrf

__all__ = ["HybridSearch", "SearchResults", "SearchSource", "clean_query", "is_searchable", "MAX_QUERY_CHARS",
           "MAX_K", "LANGS"]

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 2000
MAX_K = 1000
#: Values ``lang`` may take: a script, ``zh`` for either Chinese script, or ``None`` for all.
LANGS = (None, "en", "zh", "zh-Hant", "zh-Hans")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)


class SearchResults(list[Hit]):
    """A list of :class:`~regenkg.records.Hit` that shows as a table in Jupyter and converts to pandas."""

    query: str = ""

    def to_df(self) -> Any:
        """The hits as a pandas DataFrame (needs the notebook extra)."""
        from ..explore.frames import hits_frame

        return hits_frame(self)

    def _repr_html_(self) -> str:
        from ..explore.frames import hits_html

        return hits_html(self)


class SearchSource(Protocol):
    """What hybrid search reads (a :class:`~regenkg.kb.KnowledgeBase` is one; components load on use)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def embedder(self) -> Embedder: ...

    @property
    def vectors(self) -> VectorIndex: ...

    @property
    def lexical(self) -> LexicalIndex: ...

    @property
    def tokenizer(self) -> Tokenizer: ...

    @property
    def table(self) -> SentenceTable: ...

    @property
    def titles(self) -> Mapping[str, str]: ...


def is_searchable(text: str) -> bool:
    """Whether ``text`` has a letter or CJK character to search for."""
    return bool(text.strip()) and _WORDLIKE.search(text) is not None


def clean_query(query: str) -> str:
    """``query`` stripped and cut to :data:`MAX_QUERY_CHARS`.

    Raises:
        QueryError: the query is empty or has nothing but punctuation and symbols.
    """
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty: type some words to search for")
    if not _WORDLIKE.search(query):
        raise QueryError("the query has no letters or characters to search for (only punctuation/symbols)")
    if len(query) > MAX_QUERY_CHARS:
        logger.warning("query of %d characters cut to %d", len(query), MAX_QUERY_CHARS)
        query = query[:MAX_QUERY_CHARS]
    return query.strip()


class HybridSearch:
    """Dense + BM25 search with reciprocal-rank fusion, each ranking split by language group first.

    Args:
        source: the index components and settings (``dense_weight``, ``lexical_weight``, ``rrf_k``).
    """

    def __init__(self, source: SearchSource) -> None:
        self.source = source

    def __call__(self, queries: Sequence[str], k: int = 10, lang: str | None = None,
                 qvecs: np.ndarray | None = None) -> list[SearchResults]:
        """Search every query; one :class:`SearchResults` per query, best first.

        Args:
            queries: the texts, in any language.
            k: hits per query (at most :data:`MAX_K`).
            lang: keep only sentences in this language (``zh`` = either Chinese script).
            qvecs: the queries' vectors when the caller already has them.

        Raises:
            QueryError: a bad ``k``, ``lang`` or query.
        """
        src = self.source
        if not isinstance(k, int) or k < 1:
            raise QueryError(f"--k must be a positive whole number, got {k!r}")
        if lang not in LANGS:
            raise QueryError(f"--lang must be one of en, zh, zh-Hant, zh-Hans; got {lang!r}")
        k = min(k, MAX_K)
        cleaned = [clean_query(q) for q in queries]
        total = src.vectors.count
        if total == 0:
            return [SearchResults() for _ in cleaned]
        depth = min(total, max(k * 5, 100))
        qvecs = qvecs if qvecs is not None else src.embedder.encode_queries(cleaned)
        dense = src.vectors.search(qvecs, depth)
        # Lexical hits are cheap; go deeper so each language group gets its own best matches.
        lexical = src.lexical.search(src.tokenizer.tokenize_many(cleaned), min(total, max(depth, 1000)))
        settings, titles = src.settings, src.titles
        out: list[SearchResults] = []
        for qi, q in enumerate(cleaned):
            rows = src.table.sentences({sid for sid, _ in dense[qi]} | {sid for sid, _ in lexical[qi]})
            # Rank within each language, then fuse: the best English sentence for a Chinese question
            # competes with the best Chinese one instead of drowning under same-language neighbours.
            rankings, weights = [], []
            for ranking, weight in ((dense[qi], settings.dense_weight), (lexical[qi], settings.lexical_weight)):
                for group in ("en", "zh"):
                    part = [(sid, s) for sid, s in ranking if sid in rows and _group(rows[sid].lang) == group]
                    if part:
                        rankings.append(part)
                        weights.append(weight)
            fused = rrf(rankings, weights, k=settings.rrf_k, limit=depth)
            dmap, lmap = dict(dense[qi]), dict(lexical[qi])
            res = SearchResults()
            res.query = q
            for sid, score in fused:
                s = rows.get(sid)
                if s is None:
                    continue
                if lang and not (s.lang == lang or (lang == "zh" and s.lang.startswith("zh"))):
                    continue
                res.append(Hit(s.id, s.doc_id, titles.get(s.doc_id, ""), s.lang, s.text, s.start, s.end,
                               round(float(score), 6), _r(dmap.get(sid)), _r(lmap.get(sid))))
                if len(res) >= k:
                    break
            out.append(res)
        return out


def _group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)
