"""Extraction frames of issue #12, eleventh pass: Chinese names with 和 inside (大和製藥), an English share
of more than half ("took a 51% stake in Y"), a subsidiary written with 百分之百持股, "gives X rights to Y's M",
and the verb "spin out/off … into a new company, Y".

Sentences written for these tests (invented company names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str, lang: str) -> set[tuple[str, str, str]]:
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    return {f for f in facts if f[1] != "mentions"}


@pytest.mark.parametrize("text,lang,fact", [
    ("星源生技與大和製藥合作。", "zh-Hant", ("星源生技", "partneredWith", "大和製藥")),
    ("大和製藥與星源生技合作。", "zh-Hant", ("大和製藥", "partneredWith", "星源生技")),
    ("星源生技宣布收購大和製藥。", "zh-Hant", ("星源生技", "acquired", "大和製藥")),
    ("星源生物与中和制药合作。", "zh-Hans", ("星源生物", "partneredWith", "中和制药")),
    ("星源生技與和康生技合作。", "zh-Hant", ("星源生技", "partneredWith", "和康生技")),
    ("星源生技將SY-101在日本的開發及商業化權利授予大和製藥。", "zh-Hant", ("大和製藥", "licensedFrom", "星源生技")),
    ("星源生技將SY-101的開發權利授予台灣大和製藥公司。", "zh-Hant", ("大和製藥", "licensedFrom", "星源生技")),
])
def test_a_chinese_name_with_he_inside_is_one_company(extractor, text, lang, fact):
    facts = _facts(extractor, text, lang)
    assert fact in facts, facts


def test_he_between_two_company_words_still_joins_them(extractor):
    facts = _facts(extractor, "生技和製藥產業都在成長，星源生技與大成製藥合作。", "zh-Hant")
    assert ("星源生技", "partneredWith", "大成製藥") in facts, facts
    assert not any("和製藥" in s or "和製藥" in o for s, _, o in facts), facts


@pytest.mark.parametrize("text,bought", [
    ("Halvane Pharma took a 51% stake in Kestrel Bio.", True),
    ("Halvane Pharma has taken a majority stake in Kestrel Bio.", True),
    ("Halvane Pharma took a 20% stake in Kestrel Bio.", False),
    ("Halvane Pharma took a minority stake in Kestrel Bio.", False),
    ("Halvane Pharma absorbed Kestrel Bio into its cell therapy unit.", True),
    ("Halvane Pharma absorbed the losses of Kestrel Bio into its results.", False),
])
def test_a_share_of_more_than_half_is_a_takeover(extractor, text, bought):
    facts = _facts(extractor, text, "en")
    assert (("Halvane Pharma", "acquired", "Kestrel Bio") in facts) is bought, facts


@pytest.mark.parametrize("text,lang,fact", [
    ("瑞拓生技已成為康拓醫藥百分之百持股的子公司。", "zh-Hant", ("康拓醫藥", "acquired", "瑞拓生技")),
    ("瑞拓生物已成为康拓医药的全资子公司。", "zh-Hans", ("康拓医药", "acquired", "瑞拓生物")),
])
def test_a_wholly_held_subsidiary_was_acquired(extractor, text, lang, fact):
    assert fact in _facts(extractor, text, lang)


@pytest.mark.parametrize("text", ["瑞拓生物已成为康拓医药的合作伙伴。", "瑞拓生技成為康拓醫藥持股30%的轉投資公司。"])
def test_a_partner_or_minority_holding_is_no_subsidiary(extractor, text):
    lang = "zh-Hans" if "医药" in text else "zh-Hant"
    assert not any(p == "acquired" for _, p, _ in _facts(extractor, text, lang))


@pytest.mark.parametrize("text,licensed", [
    ("The deal gives Pellham Therapeutics exclusive worldwide rights to develop and commercialise NV-101, "
     "Norvane Bio's allogeneic CAR-T candidate for lupus.", True),
    ("The agreement gives Pellham Therapeutics an exclusive licence to Norvane Bio's NK platform.", True),
    ("Norvane Bio gave Pellham Therapeutics the rights to NV-101 in Japan.", True),
    ("The deal gives Pellham Therapeutics a foothold in Japan, Norvane Bio's chief executive said.", False),
    ("The deal gives Pellham Therapeutics rights to its own data, and Norvane Bio's shareholders a premium.", False),
])
def test_rights_given_to_a_company_come_from_their_owner(extractor, text, licensed):
    facts = _facts(extractor, text, "en")
    assert (("Pellham Therapeutics", "licensedFrom", "Norvane Bio") in facts) is licensed, facts
    assert ("Norvane Bio", "licensedFrom", "Pellham Therapeutics") not in facts, facts


@pytest.mark.parametrize("text", [
    "Calder Bio will spin off its cell therapy unit as Ostrava Cell.",
    "Calder Bio spun out its MSC programme into a new company, Ostrava Cell.",
    "Calder Bio spun off Ostrava Cell last year.",
])
def test_the_verb_spin_out_names_the_new_company(extractor, text):
    assert ("Ostrava Cell", "spunOutFrom", "Calder Bio") in _facts(extractor, text, "en")


@pytest.mark.parametrize("text", [
    "沛源生技的合作夥伴包括宏晟製藥、晉越生醫和台大醫院。",
    "沛源生技的合作夥伴有宏晟製藥、晉越生醫及台大醫院。",
])
def test_a_list_of_partners_pairs_its_owner_with_each_and_no_two_of_them(extractor, text):
    facts = _facts(extractor, text, "zh-Hant")
    for partner in ("宏晟製藥", "晉越生醫", "台大醫院"):
        assert ("沛源生技", "partneredWith", partner) in facts, facts
    assert not any(s in ("宏晟製藥", "晉越生醫") and p == "partneredWith" for s, p, _ in facts), facts


@pytest.mark.parametrize("text", ["沛源生技與宏晟製藥、晉越生醫等多家藥廠合作。", "沛源生技已與宏晟製藥、晉越生醫等藥廠合作。"])
def test_the_first_item_of_a_deng_list_starts_after_the_with_word(extractor, text):
    facts = _facts(extractor, text, "zh-Hant")
    assert {("沛源生技", "partneredWith", "宏晟製藥"), ("沛源生技", "partneredWith", "晉越生醫")} <= facts, facts
    assert not any("與" in s or "與" in o for s, _, o in facts), facts


@pytest.mark.parametrize("text", [
    "Brightwell Bio has partnered with several companies, including Osmond Pharma and Tavish Therapeutics.",
    "Brightwell Bio has partnered with several companies, among them Osmond Pharma and Tavish Therapeutics.",
])
def test_partners_named_after_a_group_noun_are_partners(extractor, text):
    facts = _facts(extractor, text, "en")
    assert {("Brightwell Bio", "partneredWith", "Osmond Pharma"),
            ("Brightwell Bio", "partneredWith", "Tavish Therapeutics")} <= facts, facts


@pytest.mark.parametrize("text,parent", [
    ("Brightwell Bio began as a spinout of the Karolinska Institute.", "Karolinska Institute"),
    ("Brightwell Bio was founded in 2019 as a spin-off from Osmond Pharma.", "Osmond Pharma"),
    ("Brightwell Bio started life as a university spinout from Stanford University.", "Stanford University"),
])
def test_a_company_that_began_as_a_spinout_spun_out_of_its_parent(extractor, text, parent):
    assert ("Brightwell Bio", "spunOutFrom", parent) in _facts(extractor, text, "en")


@pytest.mark.parametrize("text", [
    "宏晟制药看好沛源生物，双方将在iPSC领域展开合作。",
    "沛源生物获宏晟制药战略投资，双方将在iPSC领域展开合作。",
    "宏晟制药入股沛源生物，双方将在细胞治疗领域展开合作。",
])
def test_both_parties_after_a_first_clause_are_partners_whatever_stands_before_the_partner_word(extractor, text):
    facts = _facts(extractor, text, "zh-Hans")
    assert {("宏晟制药", "partneredWith", "沛源生物"), ("沛源生物", "partneredWith", "宏晟制药")} & facts, facts


@pytest.mark.parametrize("text,bought", [
    ("沛源生物成为宏晟制药控股子公司。", True),
    ("宏晟制药斥资8亿元控股沛源生物。", True),
    ("宏晟制药宣布控股沛源生物。", True),
    ("沛源生物的大股东宏晟控股集团表示支持。", False),
])
def test_kongu_as_a_verb_or_a_holding_subsidiary_is_a_takeover(extractor, text, bought):
    facts = _facts(extractor, text, "zh-Hans")
    assert any(p == "acquired" for _, p, _ in facts) is bought, facts


@pytest.mark.parametrize("second", ["公司先是以3亿元收购了瑞拓生物。", "公司以3亿元收购了瑞拓生物。"])
def test_a_bare_gongsi_opening_a_sentence_is_the_company_before(extractor, second):
    facts, _, _ = extract_texts(extractor, "康拓医药近日动作频频。", second, lang="zh-Hans")
    assert ("康拓医药", "acquired", "瑞拓生物") in facts, facts


@pytest.mark.parametrize("text,lang", [
    ("宏晟制药表示，暂无进军细胞治疗领域的计划。", "zh-Hans"),
    ("宏晟製藥表示，目前並無開發CAR-T療法的打算。", "zh-Hant"),
    ("法人預估，CAR-T市場規模將在2030年倍增，宏晟製藥可望受惠。", "zh-Hant"),
])
def test_no_plan_and_a_market_forecast_are_no_work(extractor, text, lang):
    assert not any(p == "develops" for _, p, _ in _facts(extractor, text, lang))


def test_the_company_compared_with_is_neither_a_product_nor_the_subject(extractor):
    facts = _facts(extractor, "Unlike Osmond Pharma, which bet heavily on CAR-T, Kestrel Bio focuses on TCR-T.", "en")
    assert ("Kestrel Bio", "develops", "TCR-T cell therapy") in facts, facts
    assert not any(p == "productOf" for _, p, _ in facts), facts
    facts = _facts(extractor, "不同於主攻CAR-T的宏晟製藥，瑞拓生技選擇專注TCR-T。", "zh-Hant")
    assert ("瑞拓生技", "develops", "TCR-T cell therapy") in facts, facts
    assert ("宏晟製藥", "develops", "TCR-T cell therapy") not in facts, facts


def test_a_contract_manufacturer_does_not_develop_its_clients_product(extractor):
    facts = _facts(extractor, "宏晟製藥為瑞拓生技代工生產CAR-T細胞。", "zh-Hant")
    assert ("瑞拓生技", "develops", "CAR-T cell therapy") in facts, facts
    assert ("宏晟製藥", "develops", "CAR-T cell therapy") not in facts, facts
