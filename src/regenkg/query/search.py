"""Hybrid sentence search: dense (FAISS) + lexical (BM25) rankings, fused by a :mod:`regenkg.query.fuse` fusion."""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from ..config import Settings
from ..embed.base import Embedder
from ..errors import QueryError
from ..graph.match import Matcher
from ..index.bm25 import LexicalIndex
from ..index.derived import PerSentence
from ..index.relwords import RelationWords, relation_mask
from ..index.roman import Spelling, Spellings, keys, latin_words, romanised_matches
from ..index.store import SentenceTable
from ..index.vectors import VectorIndex
from ..records import Hit
from ..text.lang import fold, script_of
from ..text.tokens import Tokenizer
from .balance import default_fusion
from .bridge import LabelBridge
from .fuse import Candidates, Fusion
from .lookup import GraphLookup, entity_shares

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
        source: the index components and settings (``rrf_k``, ``dense_weight``, ``lexical_weight``,
            ``mention_weight``, ``romanised_weight``, ``relation_weight``, ``document_weight``).
        fusion: default :func:`~regenkg.query.balance.default_fusion` with those settings; another fusion
            (e.g. :class:`~regenkg.query.fuse.DenseOnly`) is how the retrieval evaluation measures each input.
        per_group: give every language group its own dense candidates (see :meth:`_dense_per_group`);
            ``False`` is the single cut before issue #19, kept for the evaluation to measure.
    """

    def __init__(self, source: SearchSource, fusion: Fusion | None = None, *, per_group: bool = True) -> None:
        self.source = source
        self.per_group = per_group
        s = source.settings
        self.fusion = fusion if fusion is not None else default_fusion(s.rrf_k, s.dense_weight, s.lexical_weight,
                                                                        s.mention_weight, s.romanised_weight,
                                                                        s.relation_weight, s.document_weight)

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
        if self.per_group:
            dense = self._dense_per_group(qvecs, dense, depth)
        # Lexical hits are cheap; go deeper so each language group gets its own best matches, then keep
        # the first ``depth`` of each group: the fusions normalise per group by its best match, so the
        # tail adds nothing to the first k but costs the fusion and the mention lookup a loop each.
        lexical_depth = min(total, max(depth, 1000))
        tokens = src.tokenizer.tokenize_many(cleaned)
        group_ids = _group_ids(src.table)
        lexical = [_per_group(r, group_ids, depth) for r in src.lexical.search(tokens, lexical_depth)]
        fusion = self.fusion
        # The gazetteer matches of each query, found once for the bridge and the mentions.
        found = ({q: list(src.matcher.find(q)) for q in dict.fromkeys(cleaned)}
                 if fusion.uses_bridge or fusion.uses_mentions or fusion.uses_documents else {})
        if fusion.uses_romanised and found:
            # Entities known only by a Chinese label that a romanised name of the query spells (曜辰生技 for
            # "Yaochen"): their labels join the bridge and their mentions count, as for the matcher's.
            labels = src.lookup.romanised_labels
            found = {q: matches + labels.find(q, matches) for q, matches in found.items()}
        bridged = ([_per_group(r, group_ids, depth)
                    for r in src.lexical.search(self._bridged_tokens(cleaned, tokens, found), lexical_depth)]
                   if fusion.uses_bridge else [[] for _ in cleaned])
        spelled = (self._spelled(cleaned, tokens, group_ids, lexical_depth, depth)
                   if fusion.uses_romanised else [[] for _ in cleaned])
        titles = src.titles
        out: list[SearchResults] = []
        for qi, q in enumerate(cleaned):
            # Fusion needs only each candidate's language group (from the cached id lists); full rows
            # are read for the hits shown, not for the hundreds of candidates.
            groups = _groups_of({sid for sid, _ in dense[qi]} | {sid for sid, _ in lexical[qi]}
                                | {sid for sid, _ in bridged[qi]} | {sid for sid, _ in spelled[qi]}, group_ids)
            # Mentions of each candidate alone and with the sentence before it ("Its lead candidate …").
            mentions, windows = (src.lookup.mention_windows([m.iri for m in found[q]], list(groups),
                                                        _previous_of(src.table, groups), rarity=True)
                             if fusion.uses_mentions or fusion.uses_documents else ([], []))
            romanised = self._romanised(tokens[qi], groups, spelled[qi]) if fusion.uses_romanised else []
            relations = self._relations(q, groups) if fusion.uses_relations else []
            documents = _document_shares(src.table, list(groups), mentions) if fusion.uses_documents else []
            fused = fusion(Candidates(dense[qi], lexical[qi], groups, bridged[qi], mentions,
                                      _group(script_of(q)), romanised, relations, documents, windows), depth)
            if lang:
                fused = [(sid, score) for sid, score in fused if groups.get(sid) == _group(lang)]
            dmap, lmap = dict(dense[qi]), dict(bridged[qi] if fusion.uses_bridge else lexical[qi])
            res = SearchResults()
            res.query = q
            start = 0
            while len(res) < k and start < len(fused):
                # A script filter (zh-Hant / zh-Hans) can skip rows, so read on until k hits are found.
                chunk = fused[start:start + k]
                start += len(chunk)
                rows = src.table.sentences([sid for sid, _ in chunk])
                for sid, score in chunk:
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


    def _dense_per_group(self, qvecs: np.ndarray, dense: list[list[tuple[int, float]]],
                         depth: int) -> list[list[tuple[int, float]]]:
        """``dense`` with at least ``depth`` sentences of each language group per query (or all it has).

        The model ranks sentences in the query's language far above the others (a Chinese question's
        best English sentence often comes after rank 100 of a few hundred), so a single search cut
        at ``depth`` leaves the other language without dense candidates and the fusion without its
        best cross-lingual evidence. A query short of one group searches that group alone, once.
        """
        vectors = self.source.vectors
        for ids in _group_ids(self.source.table).values():
            want = min(depth, ids.size)
            short = [qi for qi, hits in enumerate(dense)
                     if _members(ids, np.fromiter((sid for sid, _ in hits), np.int64, len(hits))).sum() < want]
            if not short:
                continue
            for qi, more in zip(short, vectors.search(qvecs[short], want, among=ids)):
                merged = dict(dense[qi])
                for sid, score in more:
                    # The first search's cosine stands (another code path may differ in the last bits).
                    merged.setdefault(sid, score)
                dense[qi] = sorted(merged.items(), key=lambda x: (-x[1], x[0]))
        return dense

    def _spelled(self, queries: Sequence[str], tokens: Sequence[list[str]], group_ids: Mapping[str, np.ndarray],
                 lexical_depth: int, depth: int) -> list[list[tuple[int, float]]]:
        """BM25 of the romanised keys of each query's Chinese characters that are words of the index
        (曜辰 finds "Yaochen"), the first ``depth`` per group; empty for a query without such keys."""
        lexical = self.source.lexical
        spelled = []
        for q, own in zip(queries, tokens):
            have = set(own)  # a key the query already has as a word must not count twice
            spelled.append([k for k in lexical.known(sorted(keys(q))) if k not in have])
        if not any(spelled):
            return [[] for _ in queries]
        return [_per_group(r, group_ids, depth) if words else []
                for r, words in zip(lexical.search(spelled, lexical_depth), spelled)]

    def _romanised(self, tokens: Sequence[str], groups: Mapping[int, str],
                   spelled: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
        """The candidates the query's romanised names point to (:mod:`regenkg.index.roman`), best first.

        The query's Latin words against the keys of the Chinese candidates ("Yaochen" finds 曜辰, each
        word weighted by its rarity among them), plus ``spelled`` (its Chinese characters' keys as
        English words); a sentence in both gets the sum. The scores are normalised per language by the
        fusion, so the two scales never compete.
        """
        out = dict(spelled)
        words = latin_words(tokens)
        if words:
            chinese = [sid for sid, group in groups.items() if group == "zh"]
            for sid, score in romanised_matches(words, _per_sentence(self.source.lexical).spellings.of(chinese)):
                out[sid] = out.get(sid, 0.0) + score
        return sorted(out.items(), key=lambda x: (-x[1], x[0]))

    def _relations(self, query: str, groups: Mapping[int, str]) -> list[tuple[int, float]]:
        """The candidates whose words signal a relation the query's words signal (:mod:`regenkg.index.relwords`)."""
        mask = relation_mask(query)
        if not mask:
            return []
        lexical = self.source.lexical
        if lexical.has_relation_masks:  # saved at build time: one look-up for all candidates
            ids = list(groups)
            hit = (lexical.relation_masks(ids) & mask).astype(bool).tolist()
            return [(sid, 1.0) for sid, yes in zip(ids, hit) if yes]
        return [(sid, 1.0) for sid in _per_sentence(lexical).relations.matching(list(groups), mask)]

    def _bridged_tokens(self, queries: Sequence[str], tokens: Sequence[list[str]],
                        found: Mapping[str, Sequence[Any]]) -> list[list[str]]:
        """Each query's tokens plus those of the other names of the entities it names (new words only);
        ``found``: each query's gazetteer matches."""
        bridge = LabelBridge(found.__getitem__, self.source.lookup.names, fold)
        extra = self.source.tokenizer.tokenize_many([" ".join(bridge.terms(q)) for q in queries])
        out = []
        for own, more in zip(tokens, extra):
            have = set(own)
            # A word the query already has must not count twice in BM25.
            out.append(own + list(dict.fromkeys(t for t in more if t not in have)))
        return out


def mention_shares(store: Any, matcher: Matcher, query: str, sentence_ids: Sequence[int],
                   rarity: bool = False) -> list[tuple[int, float]]:
    """The sentences among ``sentence_ids`` that mention entities ``query`` names (``rkg:mentions``), with
    the share of the query's entities each mentions, best first.

    With ``rarity`` each entity counts by how rare it is among ``sentence_ids``, ``log(1 + n / df)`` with
    ``df`` of the ``n`` candidates mentioning it, so that the rare company of a question weighs more than
    the modality most candidates name; without it every entity counts once. (Among the candidates, not
    the whole collection: the candidates are bounded, an entity's mentions are not.)
    """
    import pyoxigraph

    from ..graph.ontology import sentence_iri
    from ..graph.terms import sentence_id

    wanted = {m.iri for m in matcher.find(query)}
    if not wanted or not sentence_ids:
        return []
    q = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#>\nSELECT ?s ?e WHERE { VALUES ?e { "
         + " ".join(str(pyoxigraph.NamedNode(i)) for i in sorted(wanted)) + " } VALUES ?s { "
         + " ".join(f"<{sentence_iri(i)}>" for i in sentence_ids) + " } ?s rkg:mentions ?e }")
    found: dict[int, set[str]] = {}
    for row in store.query(q):
        sid = sentence_id(row["s"].value)
        if sid is not None:
            found.setdefault(sid, set()).add(row["e"].value)
    return entity_shares(found, wanted, len(sentence_ids), rarity)


_GROUP_IDS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_DOCS: weakref.WeakKeyDictionary[Any, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()
_PREVIOUS: weakref.WeakKeyDictionary[Any, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def _previous_of(table: SentenceTable, ids: Mapping[int, Any] | Sequence[int]) -> dict[int, int]:
    """The sentence before each of ``ids`` in its document (a document's first sentence is left out)."""
    cached = _PREVIOUS.get(table)
    if cached is None:
        cached = _PREVIOUS[table] = table.previous_ids()
    sorted_ids, before = cached
    if sorted_ids.size == 0 or not ids:
        return {}
    arr = np.fromiter(ids, np.int64, len(ids))
    at = np.searchsorted(sorted_ids, arr).clip(max=sorted_ids.size - 1)
    known = (sorted_ids[at] == arr) & (before[at] != arr)
    return dict(zip(arr[known].tolist(), before[at[known]].tolist()))


class _Derived:
    """What search derives from a lexical index's stored tokens, per sentence, on first use."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self.spellings: PerSentence[Spelling] = Spellings(lexical.tokens_of)
        self.relations = RelationWords(lexical.tokens_of)


_DERIVED: weakref.WeakKeyDictionary[LexicalIndex, _Derived] = weakref.WeakKeyDictionary()


def _per_sentence(lexical: LexicalIndex) -> _Derived:
    cached = _DERIVED.get(lexical)
    if cached is None:
        cached = _DERIVED[lexical] = _Derived(lexical)
    return cached


def _document_shares(table: SentenceTable, ids: Sequence[int],
                     mentions: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """Each of ``ids`` in a document where a sentence of ``mentions`` is, with that document's best share.

    The sentence that states a fact often names its subject only in the sentence before ("Its lead
    candidate …"); its document is the link left. Only candidates count: mentions are among them.
    """
    if not mentions or not ids:
        return []
    cached = _DOCS.get(table)
    if cached is None:
        cached = _DOCS[table] = table.doc_codes()
    sorted_ids, codes = cached
    if sorted_ids.size == 0:
        return []
    arr = np.asarray(ids, dtype=np.int64)
    at = np.searchsorted(sorted_ids, arr).clip(max=sorted_ids.size - 1)
    known = sorted_ids[at] == arr
    code_of = dict(zip(arr[known].tolist(), codes[at[known]].tolist()))
    best: dict[int, float] = {}
    for sid, share in mentions:
        code = code_of.get(sid)
        if code is not None and share > best.get(code, 0.0):
            best[code] = share
    out = [(sid, best[code]) for sid, code in code_of.items() if code in best]
    return sorted(out, key=lambda x: (-x[1], x[0]))


def _group_ids(table: SentenceTable) -> dict[str, np.ndarray]:
    """Sorted sentence ids of each language group (``en``, ``zh``), read once per open table."""
    cached = _GROUP_IDS.get(table)
    if cached is None:
        groups: dict[str, list[int]] = {}
        for lang, ids in table.ids_by_lang().items():
            groups.setdefault(_group(lang), []).extend(ids)
        cached = {g: np.sort(np.asarray(ids, dtype=np.int64)) for g, ids in groups.items()}
        for arr in cached.values():
            arr.setflags(write=False)  # shared by every search (and kept by VectorIndex's selector cache)
        _GROUP_IDS[table] = cached
    return cached


def _groups_of(ids: set[int], group_ids: Mapping[str, np.ndarray]) -> dict[int, str]:
    """The language group of each of ``ids`` that is a sentence of the table."""
    arr = np.fromiter(ids, np.int64, len(ids))
    out: dict[int, str] = {}
    for group, members in group_ids.items():
        out.update(dict.fromkeys(arr[_members(members, arr)].tolist(), group))
    return out


def _per_group(ranking: list[tuple[int, float]], group_ids: Mapping[str, np.ndarray],
               depth: int) -> list[tuple[int, float]]:
    """The first ``depth`` entries of each language group in ``ranking``, in its order (unknown ids dropped)."""
    if not ranking:
        return ranking
    arr = np.fromiter((sid for sid, _ in ranking), np.int64, len(ranking))
    keep = np.zeros(arr.shape, dtype=bool)
    for members in group_ids.values():
        keep[np.flatnonzero(_members(members, arr))[:depth]] = True
    return [x for x, kept in zip(ranking, keep.tolist()) if kept]


def _members(sorted_ids: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """Which of ``arr`` are in ``sorted_ids`` (a binary search each: the id lists can be millions long)."""
    if sorted_ids.size == 0 or arr.size == 0:
        return np.zeros(arr.shape, dtype=bool)
    at = np.searchsorted(sorted_ids, arr).clip(max=sorted_ids.size - 1)
    return np.asarray(sorted_ids[at] == arr)


def _group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)
