"""Relation words (index/relwords.py) and the document-mention signal of search (#19)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

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


def _lexical() -> LexicalIndex:
    # Made-up companies: Quillon Bio buys Tessaly Cells; Orvane Therapeutics and 禾川生物 partner.
    return LexicalIndex.build([41, 17, 29, 53], [
        ["quillon", "bio", "acquired", "tessaly", "cells"],
        ["orvane", "therapeutics", "partnered", "with", "禾川生物"],
        ["禾川生物", "宣布", "收购", "泰萨利细胞"],
        ["tessaly", "cells", "is", "based", "in", "leiden"],
    ])


def test_relation_masks_are_saved_with_the_lexical_index(tmp_path) -> None:
    lexical = _lexical()
    assert not lexical.has_relation_masks  # a fresh build computes them only when saved (or asked)
    lexical.save(tmp_path / "bm25")
    assert (tmp_path / "bm25" / "relmasks.npy").is_file()
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.has_relation_masks
    ids = [53, 29, 17, 41, 99]
    stored = loaded.relation_masks(ids).tolist()
    tokens = lexical.tokens_of(ids)
    assert stored == [relation_mask(" ".join(tokens[i]), folded=True) if i in tokens else 0 for i in ids]
    assert "acquired" in _names(stored[1]) and "acquired" in _names(stored[3]) and stored[0] == 0


def test_search_reads_the_saved_masks_and_an_older_index_derives_them(tmp_path) -> None:
    from regenkg.query.balance import DEFAULT_FUSION
    from regenkg.query.search import HybridSearch

    _lexical().save(tmp_path / "new")
    _lexical().save(tmp_path / "old")
    (tmp_path / "old" / "relmasks.npy").unlink()  # saved before the masks were stored
    old, new = LexicalIndex.load(tmp_path / "old"), LexicalIndex.load(tmp_path / "new")
    assert not old.has_relation_masks and new.has_relation_masks

    class _Source:  # what _relations reads of a knowledge base (the fusion is given, so no settings)
        settings = None

        def __init__(self, lexical: LexicalIndex) -> None:
            self.lexical = lexical

    groups = {17: "en", 29: "zh", 41: "en", 53: "en", 99: "en"}
    for question in ("Did Quillon Bio acquire Tessaly Cells?", "禾川生物和谁合作？", "Where is Tessaly Cells?"):
        found = [HybridSearch(_Source(lexical), DEFAULT_FUSION)._relations(question, groups)  # type: ignore[arg-type]
                 for lexical in (old, new)]
        assert found[0] == found[1]
    assert HybridSearch(_Source(new), DEFAULT_FUSION)._relations("Did Quillon Bio acquire Tessaly Cells?",  # type: ignore[arg-type]
                                                 groups) == [(29, 1.0), (41, 1.0)]
    with pytest.raises(LookupError):
        old.relation_masks([17])


def test_a_masks_file_that_does_not_match_the_index_is_refused(tmp_path) -> None:
    from regenkg.errors import IndexMismatch

    _lexical().save(tmp_path / "bm25")
    np.save(tmp_path / "bm25" / "relmasks.npy", np.zeros(3, dtype=np.uint16))
    with pytest.raises(IndexMismatch):
        LexicalIndex.load(tmp_path / "bm25")
