"""Per-language dense candidates (issue #19): the id-restricted vector search, the table's language
lists, what HybridSearch hands the fusion, and the rarity-weighted entity mentions."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from regenkg.index.vectors import VectorIndex
from regenkg.query.fuse import Candidates
from regenkg.query.search import HybridSearch, _per_group, mention_shares


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("exact_limit", [1000, 50])  # flat, and IVF (built above the exact limit)
def test_search_among_returns_only_those_ids_best_first(exact_limit: int) -> None:
    rng = np.random.default_rng(7)
    vectors = _unit(rng.normal(size=(400, 16)))
    ids = np.arange(1000, 1400)
    index = VectorIndex.build(ids, vectors, exact_limit=exact_limit, nprobe=10_000)
    among = ids[::7]
    query = vectors[3:5]
    hits = index.search(query, 10, among=among)
    full = index.search(query, 400)
    for got, everything in zip(hits, full):
        assert {i for i, _ in got} <= set(among.tolist())
        assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
        # The restricted search finds exactly the best of `among` that a full search ranks.
        assert [i for i, _ in got] == [i for i, _ in everything if i in set(among.tolist())][:10]
    assert index.search(query, 500, among=among[:3])[0] and len(index.search(query, 500, among=among[:3])[0]) == 3
    assert index.search(query, 5, among=np.array([], dtype=np.int64)) == [[], []]


def test_ids_by_lang_lists_every_sentence_once(corpus_kb) -> None:
    by_lang = corpus_kb.table.ids_by_lang()
    every = [i for ids in by_lang.values() for i in ids]
    assert len(every) == len(set(every)) == corpus_kb.table.count()
    assert all(ids == sorted(ids) for ids in by_lang.values())
    assert {"en", "zh-Hant", "zh-Hans"} <= set(by_lang)


@dataclass(frozen=True)
class _Record:
    """A fusion that keeps what it was given (and ranks by the dense list)."""

    seen: list
    uses_bridge: bool = False
    uses_mentions: bool = False
    # The signals added by h/xling3 (a fusion says which inputs search must compute).
    uses_romanised: bool = False
    uses_relations: bool = False
    uses_documents: bool = False

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        self.seen.append(candidates)
        return candidates.known(candidates.dense)[:limit]


def test_every_language_gets_its_own_dense_candidates(corpus_kb) -> None:
    # A Chinese question: the dense model ranks Chinese sentences far above English ones, so one cut
    # at the search depth (100) leaves English short; per language, each group gets its own 100.
    query = "哪些大藥廠收購了細胞療法公司"
    per_group, single = [], []
    HybridSearch(corpus_kb, _Record(per_group))([query], k=5)
    HybridSearch(corpus_kb, _Record(single), per_group=False)([query], k=5)
    c, s = per_group[0], single[0]
    counts = {g: sum(c.groups[i] == g for i, _ in c.dense) for g in ("en", "zh")}
    sizes = {g: len(ids) for g, ids in _groups(corpus_kb).items()}
    assert counts == {g: min(100, sizes[g]) for g in ("en", "zh")}
    assert sum(s.groups[i] == "en" for i, _ in s.dense) < counts["en"]
    # The single cut's candidates are all still there, with the same cosines, and the list stays best first.
    assert dict(s.dense).items() <= dict(c.dense).items()
    assert [x for _, x in c.dense] == sorted((x for _, x in c.dense), reverse=True)
    # Only the rows shown are read: the hits are the dense order's first five.
    hits = HybridSearch(corpus_kb, _Record([]))([query], k=5)[0]
    assert [h.sentence for h in hits] == [i for i, _ in c.dense[:5]]



def test_lexical_lists_keep_the_search_depth_of_each_language() -> None:
    groups = {"en": np.array([1, 3, 5, 7, 9]), "zh": np.array([2, 4, 6])}
    ranking = [(9, 9.0), (2, 8.0), (7, 7.0), (11, 6.5), (5, 6.0), (4, 5.0), (3, 4.0), (6, 3.0)]
    # The first two of each group, in the ranking's order; 11 is no sentence of the table.
    assert _per_group(ranking, groups, 2) == [(9, 9.0), (2, 8.0), (7, 7.0), (4, 5.0)]
    assert _per_group(ranking, groups, 10) == [x for x in ranking if x[0] != 11]
    assert _per_group([], groups, 3) == []


def test_the_fusion_sees_at_most_the_search_depth_of_lexical_hits_per_language(corpus_kb) -> None:
    # An English query whose words match many sentences: BM25 is searched deep (1000) so that each
    # language has its own best matches, but the fusion gets only the first 100 of each.
    seen: list = []
    HybridSearch(corpus_kb, _Record(seen, uses_bridge=True))(["cell therapy company gene 細胞 治療 公司"], k=5)
    c = seen[0]
    for ranking in (c.lexical, c.bridged):
        counts = {g: sum(c.groups[i] == g for i, _ in ranking) for g in ("en", "zh")}
        assert 0 < max(counts.values()) <= 100 and min(counts.values()) > 0, counts
        assert [x for _, x in ranking] == sorted((x for _, x in ranking), reverse=True)
    full = corpus_kb.lexical.search(corpus_kb.tokenizer.tokenize_many(["cell therapy company gene 細胞 治療 公司"]),
                                    1000)[0]
    by_group = _groups(corpus_kb)
    assert max(sum(i in set(ids) for i, _ in full) for ids in by_group.values()) > 100  # the cut binds
    # What is kept is the head of each language's own BM25 ranking.
    for g, ids in by_group.items():
        members = set(ids)
        kept = [i for i, _ in c.lexical if c.groups[i] == g]
        assert kept == [i for i, _ in full if i in members][:100]


def _groups(kb) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for lang, ids in kb.table.ids_by_lang().items():
        out.setdefault("zh" if lang.startswith("zh") else "en", []).extend(ids)
    return out


class _Store:
    def __init__(self, mentions: dict[str, list[int]]) -> None:
        self.mentions = mentions

    def query(self, sparql: str) -> list[dict]:
        # Like the store: only the VALUES-listed sentences that mention a VALUES-listed entity.
        return [{"s": SimpleNamespace(value=f"https://w3id.org/regenkg/id/sentence/{sid}"),
                 "e": SimpleNamespace(value=e)}
                for e, sids in self.mentions.items() if f"<{e}>" in sparql for sid in sids
                if f"/sentence/{sid}>" in sparql]


def test_mention_shares_weigh_rare_entities_more() -> None:
    rare, common = "https://x/e/kite", "https://x/e/car-t"
    store = _Store({rare: [1], common: [1, 2, 3, 4, 5, 6, 7, 8]})
    matcher = SimpleNamespace(find=lambda q: [SimpleNamespace(iri=rare), SimpleNamespace(iri=common)])
    candidates = list(range(1, 11))
    plain = dict(mention_shares(store, matcher, "Kite CAR-T", [1, 2, 9]))
    assert plain == {1: 1.0, 2: 0.5}  # candidates only, each entity counts once
    weighted = dict(mention_shares(store, matcher, "Kite CAR-T", candidates, rarity=True))
    assert weighted[1] == pytest.approx(1.0)
    # CAR-T, mentioned by 8 of the 10 candidates, is worth far less than Kite, mentioned by one.
    assert weighted[2] == pytest.approx(np.log1p(10 / 8) / (np.log1p(10 / 8) + np.log1p(10)))
    no_entity = SimpleNamespace(find=lambda q: [])
    assert mention_shares(store, no_entity, "nothing", [1, 2], rarity=True) == []
