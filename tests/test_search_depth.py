"""Per-language dense candidates (issue #19): the id-restricted vector search, the table's language
lists, what HybridSearch hands the fusion, and the rarity-weighted entity mentions."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from regenkg.index.vectors import VectorIndex
from regenkg.query.fuse import Candidates
from regenkg.query.search import HybridSearch, mention_shares


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
