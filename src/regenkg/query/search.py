"""Hybrid sentence search: dense (FAISS) + lexical (BM25) rankings, fused by a :mod:`regenkg.query.fuse` fusion."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from ..config import Settings
from ..embed.base import Embedder
from ..errors import QueryError
from ..graph.match import Matcher
from ..index.bm25 import LexicalIndex
from ..index.store import SentenceTable
from ..index.vectors import VectorIndex
from ..records import Hit
from ..text.lang import fold, script_of
from ..text.tokens import Tokenizer
from .fuse import Candidates, Fusion, LabelBridge, default_fusion
from .lookup import GraphLookup

__all__ = [
    "LANGS",
    "MAX_K",
    "MAX_QUERY_CHARS",
    "Fusion",
    "HybridSearch",
    "SearchResults",
    "SearchSource",
    "clean_query",
    "is_searchable",
    "mention_shares",
]

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

    @property
    def matcher(self) -> Matcher: ...

    @property
    def lookup(self) -> GraphLookup: ...

    @property
    def store(self) -> Any: ...


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
    """Dense + BM25 search, the rankings fused by ``fusion``.

    Args:
        source: the index components and settings (``rrf_k``, ``dense_weight``, ``lexical_weight``).
        fusion: default :func:`~regenkg.query.fuse.default_fusion` with those settings; another fusion
            (e.g. :class:`~regenkg.query.fuse.DenseOnly`) is how the retrieval evaluation measures each input.
    """

    def __init__(self, source: SearchSource, fusion: Fusion | None = None) -> None:
        self.source = source
        s = source.settings
        self.fusion = fusion if fusion is not None else default_fusion(s.rrf_k, s.dense_weight, s.lexical_weight)

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
        lexical_depth = min(total, max(depth, 1000))
        tokens = src.tokenizer.tokenize_many(cleaned)
        lexical = src.lexical.search(tokens, lexical_depth)
        fusion = self.fusion
        bridged = (src.lexical.search(self._bridged_tokens(cleaned, tokens), lexical_depth)
                   if fusion.uses_bridge else [[] for _ in cleaned])
        titles = src.titles
        out: list[SearchResults] = []
        for qi, q in enumerate(cleaned):
            rows = src.table.sentences({sid for sid, _ in dense[qi]} | {sid for sid, _ in lexical[qi]}
                                       | {sid for sid, _ in bridged[qi]})
            groups = {sid: _group(s.lang) for sid, s in rows.items()}
            mentions = mention_shares(src.store, src.matcher, q, list(rows)) if fusion.uses_mentions else []
            fused = fusion(Candidates(dense[qi], lexical[qi], groups, bridged[qi], mentions,
                                      _group(script_of(q))), depth)
            dmap, lmap = dict(dense[qi]), dict(bridged[qi] if fusion.uses_bridge else lexical[qi])
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


    def _bridged_tokens(self, queries: Sequence[str], tokens: Sequence[list[str]]) -> list[list[str]]:
        """Each query's tokens plus those of the other names of the entities it names (new words only)."""
        bridge = LabelBridge(self.source.matcher.find, self.source.lookup.names, fold)
        extra = self.source.tokenizer.tokenize_many([" ".join(bridge.terms(q)) for q in queries])
        out = []
        for own, more in zip(tokens, extra):
            have = set(own)
            # A word the query already has must not count twice in BM25.
            out.append(own + list(dict.fromkeys(t for t in more if t not in have)))
        return out


def mention_shares(store: Any, matcher: Matcher, query: str, sentence_ids: Sequence[int]) -> list[tuple[int, float]]:
    """The sentences among ``sentence_ids`` that mention entities ``query`` names (``rkg:mentions``), with
    the share of the query's entities each mentions, best first."""
    import pyoxigraph

    from ..graph.ontology import sentence_iri

    wanted = {m.iri for m in matcher.find(query)}
    if not wanted or not sentence_ids:
        return []
    q = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#>\nSELECT ?s ?e WHERE { VALUES ?e { "
         + " ".join(str(pyoxigraph.NamedNode(i)) for i in sorted(wanted)) + " } VALUES ?s { "
         + " ".join(f"<{sentence_iri(i)}>" for i in sentence_ids) + " } ?s rkg:mentions ?e }")
    found: dict[int, set[str]] = {}
    for row in store.query(q):
        found.setdefault(int(row["s"].value.rsplit("/", 1)[-1]), set()).add(row["e"].value)
    return sorted(((sid, len(es) / len(wanted)) for sid, es in found.items()), key=lambda x: (-x[1], x[0]))


def _group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)
