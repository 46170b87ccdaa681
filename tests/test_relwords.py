"""Relation words (index/relwords.py) and the document-mention signal of search (#19)."""

from __future__ import annotations

import doctest

import numpy as np

from regenkg.index import relwords
from regenkg.index.bm25 import LexicalIndex
from regenkg.index.relwords import FAMILIES, RelationWords, relation_mask
from regenkg.query.search import _document_shares


def _names(mask: int) -> set[str]:
    return {name for bit, (name, _) in enumerate(FAMILIES) if mask >> bit & 1}


def test_doctests() -> None:
    assert doctest.testmod(relwords).failed == 0


def test_questions_and_sentences_in_either_language_meet_on_the_relation() -> None:
    assert "acquired" in _names(relation_mask("Did Bristol Myers Squibb acquire Celgene?"))
    assert "acquired" in _names(relation_mask("必治妥施貴寶宣布以約740億美元收購新基"))
    assert "partneredWith" in _names(relation_mask("傳奇生物與楊森簽署全球合作協議"))
    assert "licensedFrom" in _names(relation_mask("Did Novartis license rights from Legend Biotech?"))
    assert "jointVentureWith" in _names(relation_mask("蓝湾生物与海澄医药合资成立蓝澄细胞"))
    assert relation_mask("The weather was mild in Basel.") == 0


def test_relation_words_come_from_the_stored_tokens() -> None:
    lexical = LexicalIndex.build([30, 10, 20], [["吉利德", "收购", "kite"], ["car-t", "lymphoma"],
                                                ["partnered", "with", "janssen"]])
    words = RelationWords(lexical.tokens_of)
    assert words.matching([10, 20, 30, 99], relation_mask("Did Gilead acquire Kite?")) == [30]
    assert words.matching([30, 20, 10], relation_mask("Who partnered with Janssen?")) == [20]
    both = relation_mask("Did Gilead acquire Kite?") | relation_mask("Who partnered with Janssen?")
    assert words.matching([30, 20, 10], both) == [30, 20]
    assert words.matching([10, 20, 30], 0) == []


class _Table:
    def __init__(self, docs: dict[int, str]) -> None:
        self.docs = docs

    def doc_codes(self) -> tuple[np.ndarray, np.ndarray]:
        ids = sorted(self.docs)
        names = {d: n for n, d in enumerate(dict.fromkeys(self.docs[i] for i in ids))}
        return np.asarray(ids, dtype=np.int64), np.asarray([names[self.docs[i]] for i in ids], dtype=np.int64)


def test_document_shares_lift_the_sentences_of_the_document_that_names_the_entity() -> None:
    # Sentence 2 ("Its lead candidate …") names nobody; sentence 1 of its article names the company.
    table = _Table({1: "a", 2: "a", 3: "b", 4: "c"})
    shares = _document_shares(table, [1, 2, 3, 4, 5], [(1, 0.8), (3, 0.4)])  # type: ignore[arg-type]
    assert shares == [(1, 0.8), (2, 0.8), (3, 0.4)]
    assert _document_shares(table, [1, 2], []) == []  # type: ignore[arg-type]


def test_per_sentence_values_are_kept_and_bounded() -> None:
    from regenkg.index.derived import PerSentence

    asked: list[list[int]] = []

    def tokens(ids):
        asked.append(list(ids))
        return {i: ["x"] * i for i in ids if i != 7}

    cache = PerSentence(tokens, len, size=2)
    assert cache.of([1, 2]) == {1: 1, 2: 2}
    assert cache.of([2, 7]) == {2: 2, 7: 0} and asked == [[1, 2], [7]]  # 2 was kept; 7 has no tokens
    cache.of([3])  # holds two: 1 (least recently used) goes
    cache.of([1])
    assert asked[-1] == [1]
