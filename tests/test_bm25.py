"""LexicalIndex: BM25 over pre-tokenised en/zh sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from regenkg.errors import IndexMismatch, IndexNotFound, QueryError
from regenkg.index.bm25 import LexicalIndex

# Token lists as the tokenizer hands them over: Chinese folded to Simplified, everything lower-cased.
DOCS = {
    101: ["吉利德", "收购", "kite", "pharma", "car-t"],
    102: ["阿斯利康", "收购", "neogene", "tcr-t", "细胞", "疗法"],
    103: ["gilead", "acquired", "kite", "pharma", "for", "car-t", "therapy"],
    104: ["诱导", "多能", "干细胞", "视网膜", "细胞"],
    105: ["the", "fda", "granted", "rmat", "designation"],
    106: [],
}


@pytest.fixture()
def index() -> LexicalIndex:
    return LexicalIndex.build(list(DOCS), list(DOCS.values()))


def _ids(rows: list[list[tuple[int, float]]]) -> list[list[int]]:
    return [[i for i, _ in row] for row in rows]


def test_search_batch(index: LexicalIndex) -> None:
    assert index.count == 6
    results = index.search([["tcr-t"], ["kite", "car-t"], ["细胞"], ["rmat", "kite"]], k=10)
    assert _ids(results)[0] == [102]
    assert set(_ids(results)[1]) == {101, 103}
    assert set(_ids(results)[2]) == {102, 104}
    assert _ids(results)[3][0] == 105  # the rarer term outweighs a term in two documents
    for row in results:
        scores = [s for _, s in row]
        assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_unknown_and_empty_queries(index: LexicalIndex) -> None:
    assert index.search([["nothing-here"], [], [""]], k=5) == [[], [], []]
    assert index.search([], k=5) == []
    assert LexicalIndex.build([], []).search([["kite"]], k=3) == [[]]


def test_k_limits_and_bad_input(index: LexicalIndex) -> None:
    assert len(index.search([["收购", "kite", "细胞"]], k=2)[0]) == 2
    assert len(index.search([["收购", "kite", "细胞"]], k=100)[0]) == 4
    with pytest.raises(QueryError):
        index.search([["kite"]], k=0)
    with pytest.raises(QueryError):
        index.search(["kite"], k=3)  # a string where a token list belongs
    with pytest.raises(ValueError, match="unique"):
        LexicalIndex.build([1, 1], [["a"], ["b"]])
    with pytest.raises(ValueError):
        LexicalIndex.build([1, 2], [["a"]])


def test_without_and_with_added(index: LexicalIndex) -> None:
    smaller = index.without([101, 999])
    assert smaller.count == 5 and index.count == 6
    assert _ids(smaller.search([["kite"]], k=5)) == [[103]]
    bigger = smaller.with_added([201], [["kite", "kite", "pharma"]])
    assert bigger.count == 6
    assert _ids(bigger.search([["kite"]], k=5))[0][0] == 201
    assert bigger.tokens(201) == ["kite", "kite", "pharma"]
    with pytest.raises(ValueError):
        bigger.with_added([201], [["x"]])
    assert index.without([]) is index


def test_save_load_round_trip(tmp_path: Path, index: LexicalIndex) -> None:
    path = tmp_path / "bm25"
    index.save(path)
    index.without([102]).save(path)  # overwriting replaces the folder
    loaded = LexicalIndex.load(path)
    assert loaded.count == 5
    queries = [["收购"], ["kite", "therapy"], ["细胞"]]
    assert loaded.search(queries, k=5) == index.without([102]).search(queries, k=5)
    assert loaded.with_added([102], [DOCS[102]]).search(queries, k=5) == index.search(queries, k=5)
    assert [p.name for p in tmp_path.iterdir()] == ["bm25"]


def test_load_failures(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound):
        LexicalIndex.load(tmp_path / "missing")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "corpus.jsonl").write_text('{"format": "something-else"}\n')
    with pytest.raises(IndexMismatch):
        LexicalIndex.load(broken)
