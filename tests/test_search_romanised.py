"""An English question naming a Chinese company by its pinyin finds the Chinese sentence (issue #19).

No gazetteer knows the made-up companies below, and the embedding model does not link "Yaochen" to
曜辰, so only the romanised-name signal (index/roman.py) ties the question to its sentence.
"""

from __future__ import annotations

import json

import pytest
from test_cli import run

_ZH = """# 細胞治療公司動態

曜辰生技今日公告，與北辰大學附設醫院簽約，共同開發CAR-NK細胞療法。

鈺峰生醫宣布與德川製藥簽約，共同開發間質幹細胞療法。

禾晟生技與清雲大學附設醫院簽約，開發體內CAR-T療法。

安捷生技與永和紀念醫院簽約，共同推進幹細胞臨床試驗。

瑞光基因與長峰大學附設醫院簽約，合作開發基因療法。
"""

_EN = """# Cell therapy partnerships

A university hospital in Basel signed an agreement with a Swiss biotech to develop CAR-NK cell therapy.

Several Asian biotechs signed hospital partnerships this year to run early clinical trials.

A Boston hospital and a gene therapy start-up agreed to co-develop treatments for rare diseases.

Hesheng Biotech opened a viral vector plant in Taichung.
"""

_CASES = [("Did Yaochen Biotech partner with Beichen University Hospital?", "曜辰生技"),
          ("Did Anjie Biotech partner with a hospital?", "安捷生技")]


@pytest.fixture(scope="module")
def romanised_index(tmp_path_factory, settings):
    from regenkg.pipeline import build_index

    folder = tmp_path_factory.mktemp("romanised")
    (folder / "news_zh.md").write_text(_ZH, encoding="utf-8")
    (folder / "news_en.md").write_text(_EN, encoding="utf-8")
    index = tmp_path_factory.mktemp("idx") / "romanised"
    build_index([folder], index, settings)
    return index


@pytest.mark.parametrize(("query", "name"), _CASES)
def test_cli_english_question_finds_the_chinese_sentence_by_the_romanised_name(romanised_index, query, name) -> None:
    out = run("search", query, "--index", str(romanised_index), "--k", "5", "--json").stdout
    hits = json.loads(out)["hits"]
    assert hits[0]["lang"].startswith("zh") and name in hits[0]["text"], [h["text"][:20] for h in hits]


def test_without_the_romanised_signal_the_sentence_is_not_first(romanised_index, settings) -> None:
    # The same searches with the romanised weight at 0: another Chinese sentence (or the heading) comes
    # first, so the CLI test above measures the signal, not the dense model.
    from regenkg.kb import KnowledgeBase
    from regenkg.query.balance import default_fusion

    with KnowledgeBase.open(romanised_index, settings) as kb:
        for query, name in _CASES:
            plain = kb.search_many([query], k=10, fusion=default_fusion(romanised_weight=0.0))[0]
            assert not (plain[0].lang.startswith("zh") and name in plain[0].text), query


def test_chinese_question_finds_the_english_sentence_that_spells_the_name(romanised_index, settings) -> None:
    # The other way round: the pinyin of 禾晟 is a word of the English sentence ("Hesheng").
    from regenkg.kb import KnowledgeBase
    from regenkg.query.balance import default_fusion

    query = "禾晟生技在台中設廠了嗎？"
    with KnowledgeBase.open(romanised_index, settings) as kb:
        hits = kb.search_many([query], k=5)[0]
        plain = kb.search_many([query], k=5, fusion=default_fusion(romanised_weight=0.0))[0]
    assert hits[0].lang == "en" and "Hesheng" in hits[0].text, [h.text[:20] for h in hits]
    assert "Hesheng" not in plain[0].text, [h.text[:20] for h in plain]


def test_romanised_labels_unit() -> None:
    from types import SimpleNamespace

    from regenkg.query.bridge import RomanisedLabels

    labels = RomanisedLabels([("鈺峰生醫", "x:yf"), ("禾晟生技", "x:hs"), ("禾盛製藥", "x:hs2"), ("Anjie", "x:aj"),
                              ("瑞光基因", "x:rg"), ("瑞光基因", "x:rg")])
    found = labels.find("Does Yufeng Biomedical work with Hesheng and Ruiguang Gene?")
    # 禾晟 and 禾盛 both read "hesheng": ambiguous, so neither is linked.
    assert [(m.iri, m.surface) for m in found] == [("x:yf", "Yufeng"), ("x:rg", "Ruiguang")]
    # A span the gazetteer matcher already took is not read again.
    taken = [SimpleNamespace(start=5, end=11)]
    assert [m.iri for m in labels.find("Does Yufeng Biomedical work with Ruiguang?", taken)] == ["x:rg"]
    # English words that happen to spell pinyin are not names unless capitalised; "Biomedical" spells none.
    assert labels.find("does yufeng work with ruiguang?") == []


def test_romanised_name_links_the_entity_known_only_by_its_chinese_label(romanised_index, settings) -> None:
    # 曜辰生技 is discovered from the Chinese article, with a Chinese label only: the gazetteer matcher does
    # not find it in an English question, the romanised-label bridge does ("Yaochen" spells 曜辰).
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(romanised_index, settings)
    query = "Did Yaochen Biotech partner with Beichen University Hospital?"
    found = kb.lookup.romanised_labels.find(query, list(kb.matcher.find(query)))
    names = kb.lookup.names([m.iri for m in found])
    assert any("曜辰生技" in label for labels in names.values() for label in labels), names
    assert {m.surface for m in found} <= {"Yaochen", "Beichen"}
    kb.close()


def test_bridged_bm25_finds_the_chinese_sentence_through_the_romanised_label(romanised_index, settings) -> None:
    # BM25 alone over the bridged query: the Chinese label joins the English question's words only through
    # the romanised-label bridge (which search computes for fusions that use romanised names).
    from regenkg.kb import KnowledgeBase
    from regenkg.query.fuse import LexicalOnly

    kb = KnowledgeBase.open(romanised_index, settings)
    query = "Did Yaochen Biotech partner with Beichen University Hospital?"
    plain = kb.search_many([query], k=3, fusion=LexicalOnly(bridge=True))[0]
    linked = kb.search_many([query], k=3, fusion=LexicalOnly(bridge=True, uses_romanised=True))[0]
    assert not any("曜辰生技" in h.text for h in plain), [h.text[:20] for h in plain]
    assert "曜辰生技" in linked[0].text, [h.text[:20] for h in linked]
    kb.close()
