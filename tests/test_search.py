"""Hybrid cross-lingual search on the bundled corpus with the real default model."""

from __future__ import annotations

import pytest

from regenkg.errors import QueryError


def test_english_query_finds_the_chinese_market_sentence(corpus_kb):
    hits = corpus_kb.search("global regenerative medicine market 2028", k=10)
    assert any(h.lang.startswith("zh") and ("490億美元" in h.text or "490亿美元" in h.text) for h in hits)


def test_chinese_query_finds_the_english_sentence(corpus_kb):
    hits = corpus_kb.search("誰佈局TCR-T細胞療法", k=10)
    assert any(h.lang == "en" and "AstraZeneca" in h.text and "Neogene" in h.text for h in hits)


def test_simplified_query_finds_traditional_sentence(corpus_kb):
    hits = corpus_kb.search("间质干细胞治疗退化性关节炎", k=10, lang="zh-Hant")
    assert hits and all(h.lang == "zh-Hant" for h in hits)
    assert any("間質幹細胞" in h.text or "關節" in h.text for h in hits)


def test_hits_carry_offsets_and_scores(corpus_kb):
    docs = corpus_kb.table.documents()
    hits = corpus_kb.search("CAR-T cell therapy approval", k=5)
    assert len(hits) == 5
    for h in hits:
        assert docs[h.doc].text[h.start:h.end] == h.text
        assert h.score > 0 and (h.dense is not None or h.lexical is not None)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_lang_filter(corpus_kb):
    assert all(h.lang == "en" for h in corpus_kb.search("幹細胞", k=5, lang="en"))
    assert all(h.lang.startswith("zh") for h in corpus_kb.search("stem cells", k=5, lang="zh"))


@pytest.mark.parametrize("query", ["", "   ", "！？。…", "???"])
def test_bad_queries_are_clear_errors(corpus_kb, query):
    with pytest.raises(QueryError):
        corpus_kb.search(query)


@pytest.mark.parametrize("k", [0, -3])
def test_bad_k(corpus_kb, k):
    with pytest.raises(QueryError, match="--k"):
        corpus_kb.search("CAR-T", k=k)


def test_huge_k_and_huge_query_are_sane(corpus_kb):
    hits = corpus_kb.search("CAR-T", k=1_000_000)
    assert 0 < len(hits) <= corpus_kb.manifest.counts.sentences
    assert corpus_kb.search("細胞療法" * 2500, k=3)
