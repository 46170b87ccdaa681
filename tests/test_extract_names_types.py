"""Discovered names are typed and never fragments (#12 item 4): research institutes and medical centres are
partners, antigens, lists, grants of rights and discourse words are no companies, and a name read as a
product anywhere in a document is a product everywhere in it. Names and sentences made up for these tests."""

from __future__ import annotations

import pytest
from conftest import extract_texts

from regenkg.graph.extract import Extractor
from regenkg.graph.extract.names import is_fragment
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _types(ex) -> dict[str, str]:
    return {v: e.type for e in ex.entities for v in e.labels.values()}


@pytest.mark.parametrize(("text", "lang", "partner", "typ"), [
    ("澜海生物与中科院江州药物研究所合作开发干细胞疗法。", "zh-Hans", "中科院江州药物研究所", "University"),
    ("澜海生物与北城肿瘤中心合作开展CAR-T临床研究。", "zh-Hans", "北城肿瘤中心", "Hospital"),
    ("晶禾生技與南瀛醫學中心簽署合作協議，共同開發NK細胞療法。", "zh-Hant", "南瀛醫學中心", "Hospital"),
    ("晶禾生技與東嶽生醫研究中心合作開發外泌體。", "zh-Hant", "東嶽生醫研究中心", "University"),
    ("Quillon Bio partnered with the Halvorsen Cancer Institute to develop CAR-T cell therapy.", "en",
     "Halvorsen Cancer Institute", "University"),
])
def test_institutes_and_centres_are_typed_partners(extractor, text, lang, partner, typ):
    facts, ex, _ = extract_texts(extractor, text, lang=lang)
    assert any(p == "partneredWith" and partner in (s, o) for s, p, o in facts), facts
    assert _types(ex)[partner] == typ


def test_a_sentence_full_stop_is_not_part_of_a_name(extractor):
    facts, _, _ = extract_texts(extractor, "Quillon Bio signed a collaboration with the University of Westmark.")
    assert ("Quillon Bio", "partneredWith", "University of Westmark") in facts


def test_a_han_name_before_an_exchange_and_ticker_is_a_company(extractor):
    facts, _, _ = extract_texts(extractor, "泓硕（NASDAQ：HOSO）宣布与澜海生物合作开发CAR-T。", lang="zh-Hans")
    assert ("泓硕", "partneredWith", "澜海生物") in facts or ("澜海生物", "partneredWith", "泓硕") in facts


@pytest.mark.parametrize("name", ["Besides", "Notably", "Claudin18.2", "GPC3", "XR-101等CD20 CAR-T", "福可蘇全球權益",
                                  "星河獨家銷售權"])
def test_fragments(name):
    assert is_fragment(name)


@pytest.mark.parametrize("name", ["Quillon Bio", "5Q Genomics", "nuvora bio", "晶禾生技", "泓碩", "Sorvik", "2seventy bio"])
def test_names_are_not_fragments(name):
    assert not is_fragment(name)


def test_a_discourse_word_opening_a_sentence_is_no_developer(extractor):
    facts, ex, _ = extract_texts(extractor, "Besides, Quillon Bio develops CAR-T cell therapies.")
    assert ("Quillon Bio", "develops", "CAR-T cell therapy") in facts
    assert "Besides" not in _types(ex)


def test_a_product_named_later_in_the_document_was_never_a_company(extractor):
    facts, ex, _ = extract_texts(extractor, "Marrow Pharma acquired Velorix.",
                                 "Velorix is Quillon Bio's gene therapy platform.")
    assert _types(ex)["Velorix"] == "Product"  # not a company: a product linked to its company
    assert not any(o == "Velorix" for _, _, o in facts)


def test_a_latin_country_code_glued_to_chinese_text_is_part_of_the_name(extractor):
    facts, _, _ = extract_texts(extractor, "晶禾生技將其外泌體產品的北美權利出售給US Northway，交易金額未揭露。", lang="zh-Hant")
    assert ("晶禾生技", "soldTo", "US Northway") in facts
    facts, _, _ = extract_texts(extractor, "US biotech Quillon Bio partnered with Marrow Pharma.")
    assert ("Quillon Bio", "partneredWith", "Marrow Pharma") in facts  # in English "US" stays the country
    assert ("Quillon Bio", "operatesIn", "United States") in facts


@pytest.mark.parametrize(("text", "partner", "typ"), [
    ("晶禾生技與台北榮總簽署合作協議，共同開發CAR-T細胞療法。", "台北榮總", "Hospital"),
    ("晶禾生技與南瀛附醫合作開發NK細胞療法。", "南瀛附醫", "Hospital"),
    ("晶禾生技與北嶽醫大簽署合作協議。", "北嶽醫大", "University"),
])
def test_taiwanese_short_forms_of_hospitals_and_universities(extractor, text, partner, typ):
    facts, ex, _ = extract_texts(extractor, text, lang="zh-Hant")
    assert ("晶禾生技", "partneredWith", partner) in facts
    assert _types(ex)[partner] == typ


def test_a_latin_name_before_a_chinese_platform_word_is_a_platform(extractor):
    facts, ex, _ = extract_texts(extractor, "阿斯利康以12亿美元收购了NovaTrak。", "NovaTrak平台可将CAR-T细胞的生产时间缩短至两天。",
                                 lang="zh-Hans")
    assert _types(ex).get("NovaTrak") in (None, "Product")
    facts, ex, _ = extract_texts(extractor, "Quillon Bio与澜海生物合作开发CAR-T。", lang="zh-Hans")
    assert ("Quillon Bio", "partneredWith", "澜海生物") in facts or ("澜海生物", "partneredWith", "Quillon Bio") in facts


def test_products_are_linked_to_their_company(extractor):
    facts, ex, _ = extract_texts(extractor, "博川生物将其星链平台（StarLink）授权给恒远药业，首付款3000万美元。", lang="zh-Hans")
    assert ("StarLink", "productOf", "博川生物") in facts  # the subject's platform, not the nearer licensee's
    assert _types(ex)["StarLink"] == "Product"
    facts, ex, _ = extract_texts(extractor, "Quillon Bio said Velorix, a CAR-T therapy, is approved for multiple myeloma.")
    assert ("Velorix", "productOf", "Quillon Bio") in facts
    facts, _, _ = extract_texts(extractor, "Marrow Pharma acquired Velorix.", "Velorix is Quillon Bio's gene therapy platform.")
    assert ("Velorix", "productOf", "Quillon Bio") in facts  # the owner its description states


def test_pieces_of_an_agency_name_are_no_companies(extractor):
    _, ex, _ = extract_texts(extractor, "The UK Medicines and Healthcare products Regulatory Agency authorised Velorix, "
                                        "a gene therapy from Quillon Bio, in March.")
    assert "Medicines" not in _types(ex) and "Healthcare" not in _types(ex)


def test_a_lower_case_noun_phrase_ending_in_cell_is_no_company(extractor):
    _, ex, _ = extract_texts(extractor, "Marrow Pharma acquired Quillon Bio, which makes the same cell product.")
    assert "same cell" not in _types(ex)


def test_lower_case_initial_brand_names_are_companies(extractor):
    facts, _, _ = extract_texts(extractor, "Marrow Pharma acquired quoRenta for $500 million.")
    assert ("Marrow Pharma", "acquired", "quoRenta") in facts
    facts, _, _ = extract_texts(extractor, "澜海生物与eVolve Bio签署合作协议，共同开发mRNA疗法。", lang="zh-Hans")
    assert ("澜海生物", "partneredWith", "eVolve Bio") in facts
    facts, ex, _ = extract_texts(extractor, "Quillon Bio develops iPSC and mRNA therapies and siRNA drugs.")
    assert {e.type for e in ex.entities} == {"Company"} and len(ex.entities) == 1  # the modalities stay terms


def test_a_deal_table_cell_holding_an_asset_is_no_party(extractor):
    header = "| Acquirer | Target | Value | Year |\n|---|---|---|---|"
    rows = ("| 嘉穗生物 | 全部股權（QX-12、NovaTrak平台） | 6億美元 | 2022 |\n"
            "| Castellan Pharma | 星河全球權益 | $200 million | 2023 |\n"
            "| Marrow Pharma | Qorvane | $1.2 billion | 2021 |")
    facts, _, _ = extract_texts(extractor, header, rows)
    assert ("Marrow Pharma", "acquired", "Qorvane") in facts
    assert not any(p == "acquired" and ("股權" in o or "權益" in o) for _, p, o in facts), facts


@pytest.mark.parametrize(("cell", "ok"), [("Qorvane", True), ("晴禾生技", True), ("全部股權", False),
                                          ("NovaTrak platform", False), ("QX-12、QX-14", False), ("CD19", False)])
def test_party_cells(cell, ok):
    from regenkg.graph.extract.names import party_cell_ok

    assert party_cell_ok(cell) is ok


def test_a_han_name_before_its_lower_case_latin_name_is_one_company(extractor):
    facts, ex, _ = extract_texts(extractor, "晶禾生技與藍羽（bluewing bio）簽署合作協議，共同開發基因療法。", lang="zh-Hant")
    assert ("晶禾生技", "partneredWith", "藍羽") in facts
    (ent,) = [e for e in ex.entities if e.labels.get("zh-Hant") == "藍羽"]
    assert ent.labels.get("en") == "bluewing bio"


@pytest.mark.parametrize(("text", "lang", "fact"), [
    ("晶禾生技今日宣布與長庚簽署合作協議，共同開發CAR-T細胞療法。", "zh-Hant", ("晶禾生技", "partneredWith", "長庚")),
    ("澜海生物与远川签署合作协议，共同开发CAR-T细胞疗法。", "zh-Hans", ("澜海生物", "partneredWith", "远川")),
])
def test_the_second_party_of_a_partnering_frame_needs_no_suffix(extractor, text, lang, fact):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert fact in facts


@pytest.mark.parametrize("text", ["晶禾生技與業者合作開發CAR-T細胞療法。", "晶禾生技與研究團隊合作開發NK細胞療法。",
                                  "晶禾生技與日本合作夥伴簽署協議。"])
def test_an_ordinary_word_in_a_partnering_frame_is_no_party(extractor, text):
    _, ex, _ = extract_texts(extractor, text, lang="zh-Hant")
    assert [e.labels.get("zh-Hant") for e in ex.entities] in ([], ["晶禾生技"])
