"""GraphLookup.mention_shares: the same shares as search.mention_shares, each entity's mentions read once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import CountingStore

from regenkg.graph.terms import sentence_iri
from regenkg.query.lookup import GraphLookup
from regenkg.query.search import mention_shares

MENTIONS = "https://w3id.org/regenkg/ontology#mentions"
KITE, CART, NK, GSK = (f"https://x.org/e/{n}" for n in ("kite", "car-t", "nk", "gsk"))


def _store() -> ox.Store:
    store = ox.Store()
    mentions = ox.NamedNode(MENTIONS)
    graph = ox.NamedNode("https://x.org/doc/1")
    for entity, sids in {KITE: [1], CART: [1, 2, 3, 4, 5, 6, 7, 8], NK: [2, 9, 12], GSK: [3]}.items():
        for sid in sids:
            store.add(ox.Quad(ox.NamedNode(str(sentence_iri(sid))), mentions, ox.NamedNode(entity)))
    # Not a sentence: never a candidate, never counted.
    store.add(ox.Quad(ox.NamedNode("https://x.org/doc/1"), mentions, ox.NamedNode(KITE)))
    # A mention in a named graph only is not in the default graph the search's query reads.
    store.add(ox.Quad(ox.NamedNode(str(sentence_iri(10))), mentions, ox.NamedNode(KITE), graph))
    return store


def _matcher(*iris: str) -> Any:
    return SimpleNamespace(find=lambda q: [SimpleNamespace(iri=i) for i in iris])


@pytest.mark.parametrize("rarity", [False, True])
@pytest.mark.parametrize("candidates", [[1, 2, 9], list(range(1, 13)), [2, 2, 3, 11], [11, 12], []])
@pytest.mark.parametrize("entities", [(KITE, CART), (CART, NK, GSK, KITE), (NK,), ()])
def test_same_shares_as_the_search_query(entities: tuple[str, ...], candidates: list[int], rarity: bool) -> None:
    store = _store()
    lookup = GraphLookup(store, gazetteer=None, evidence=None)  # type: ignore[arg-type]
    matcher = _matcher(*entities)
    expected = mention_shares(store, matcher, "q", candidates, rarity=rarity)  # type: ignore[arg-type]
    got = lookup.mention_shares(matcher, "q", candidates, rarity=rarity)  # type: ignore[arg-type]
    assert [sid for sid, _ in got] == [sid for sid, _ in expected]
    # Equal up to the order of a float sum: the search's query adds the weights in set order, which
    # changes with the hash seed; the lookup adds them in IRI order. Two entities or fewer: bit for bit.
    assert [x for _, x in got] == pytest.approx([x for _, x in expected], rel=1e-12, abs=0)
    if len(entities) <= 2:
        assert got == expected


def test_each_entity_is_read_once() -> None:
    counting = CountingStore(_store())
    lookup = GraphLookup(counting, gazetteer=None, evidence=None)  # type: ignore[arg-type]
    first = lookup.mention_shares(_matcher(KITE, CART), "Kite CAR-T", list(range(1, 11)), rarity=True)  # type: ignore[arg-type]
    assert [sid for sid, _ in first][:1] == [1]  # both entities: first
    assert counting.queries == 2  # one per entity
    again = lookup.mention_shares(_matcher(CART), "CAR-T", [2, 3], rarity=True)  # type: ignore[arg-type]
    assert again == [(2, 1.0), (3, 1.0)]
    assert counting.queries == 2  # CAR-T came from the cache
    lookup.mention_shares(_matcher(CART, NK), "CAR-T NK", [2, 9])  # type: ignore[arg-type]
    assert counting.queries == 3  # only NK was read
    assert lookup.mentioned_in([NK])[NK] == frozenset({2, 9, 12})
    assert lookup.mentioned_in(["https://x.org/e/none"]) == {"https://x.org/e/none": frozenset()}


@pytest.mark.parametrize("rarity", [False, True])
def test_an_often_mentioned_entity_is_looked_up_among_the_candidates(rarity: bool) -> None:
    store = CountingStore(_store())
    lookup = GraphLookup(store, gazetteer=None, evidence=None)  # type: ignore[arg-type]
    lookup.MENTION_CACHE_LIMIT = 3  # CAR-T (8 sentences) is too often mentioned to keep; NK (3) is kept
    matcher = _matcher(CART, NK, KITE)
    for candidates in ([1, 2, 9], list(range(1, 13)), [4, 12]):
        expected = mention_shares(store.store, matcher, "q", candidates, rarity=rarity)  # type: ignore[arg-type]
        got = lookup.mention_shares(matcher, "q", candidates, rarity=rarity)  # type: ignore[arg-type]
        assert [sid for sid, _ in got] == [sid for sid, _ in expected]
        assert [x for _, x in got] == pytest.approx([x for _, x in expected], rel=1e-12, abs=0)
    assert lookup.mentioned_in([CART, NK]) == {CART: None, NK: frozenset({2, 9, 12})}


def test_the_cache_keeps_at_most_its_total() -> None:
    store = CountingStore(_store())
    lookup = GraphLookup(store, gazetteer=None, evidence=None)  # type: ignore[arg-type]
    lookup.MENTION_CACHE_TOTAL = 10
    lookup.mentioned_in([CART])  # 8 ids
    lookup.mentioned_in([NK])  # 3 more: CAR-T, the least recently asked, goes
    assert store.queries == 2
    lookup.mentioned_in([NK])
    assert store.queries == 2
    assert lookup.mentioned_in([CART])[CART] == frozenset(range(1, 9))
    assert store.queries == 3
