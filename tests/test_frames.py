"""Relation frames and polarity of issue #12, pinned on sentences written for these tests (invented names).

Each case is one shape of trade-press text; none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from conftest import extract_with_deals
from regenkg.graph.deals import parse_date
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _run(extractor: Extractor, text: str, lang: str = "en"):
    return extract_with_deals(extractor, text, lang=lang)


def test_a_digit_grouping_comma_does_not_hide_the_next_deal_clause(extractor):
    facts, _, ex = _run(extractor, "本週併購頻傳：森川生技以新台幣6億元收購曉霧細胞，青嶺製藥以2,800萬美元併購遠岫基因。",
                        "zh-Hant")
    acq = {(s, o) for s, p, o in facts if p == "acquired"}
    assert ("森川生技", "曉霧細胞") in acq and ("青嶺製藥", "遠岫基因") in acq
    assert ("森川生技", "青嶺製藥") not in acq and ("森川生技", "遠岫基因") not in acq
    amounts = {d.amount for d in ex.deals}
    assert 28_000_000 in amounts  # the grouped figure is still read whole


@pytest.mark.parametrize("text,company,modality,indication", [
    (("Takeda agreed to pay $900 million for Ormond Bio, a Seattle company working on in vivo CAR-T therapies "
      "for lupus."), "Ormond Bio", "in vivo CAR-T", "systemic lupus erythematosus"),
    (("Gilead Sciences bought an option on Pryce Therapeutics, whose base editing programme targets sickle cell "
      "disease."), "Pryce Therapeutics", "base editing", "sickle cell disease"),
])
def test_a_modifier_speaks_of_the_company_it_follows(extractor, text, company, modality, indication):
    facts, _, _ = _run(extractor, text)
    assert (company, "develops", modality) in facts and (company, "targets", indication) in facts
    assert not any(p in ("develops", "targets") and s != company for s, p, o in facts), facts


def test_a_hedged_deal_does_not_hide_what_the_target_is(extractor):
    facts, deals, _ = _run(extractor, "Pfizer is reportedly in talks to buy Lorrow Bio, a developer of gene editing "
                                      "treatments for haemophilia.")
    assert ("Lorrow Bio", "develops", "gene editing") in facts
    assert not any(p == "acquired" for _, p, _ in facts)
    assert ("Acquisition", "Rumoured", (("acquirer", "Pfizer"), ("target", "Lorrow Bio"))) in deals


@pytest.mark.parametrize("text,lang,licensee,licensor", [
    ("Carvel Bio obtained exclusive rights to Marrow Point Therapeutics' TCR-T cell therapy in Greater China.",
     "en", "Carvel Bio", "Marrow Point Therapeutics"),
    ("Oakridge Bio licensed Samwell Therapeutics' NK cell therapy for Japan.", "en", "Oakridge Bio",
     "Samwell Therapeutics"),
    ("Fennick Bio licensed its CAR-NK cell therapy for acute myeloid leukaemia to Sanofi.", "en", "Sanofi",
     "Fennick Bio"),
    ("Brannock Pharma acquired the global rights to Veyron Bio's CAR-T programme for $60 million.", "en",
     "Brannock Pharma", "Veyron Bio"),
    ("Kelso Bio will pay Dravon Therapeutics $25 million upfront for rights to its TCR-T programme.", "en",
     "Kelso Bio", "Dravon Therapeutics"),
    ("弘远药业从美国Tallis Therapeutics引进其TCR-T疗法的大中华区独家权益。", "zh-Hans", "弘远药业",
     "Tallis Therapeutics"),
    ("恒川生物与维康医药签署授权协议，恒川生物获得CAR-T疗法在中国的独家权益。", "zh-Hans", "恒川生物", "维康医药"),
    ("長岳生技拿下德豐製藥CAR-T平台的亞洲開發權。", "zh-Hant", "長岳生技", "德豐製藥"),
    (("Under the deal, Yarrow Bio gains exclusive worldwide rights to develop and commercialise Bluefin "
      "Therapeutics' CAR-T programme."), "en", "Yarrow Bio", "Bluefin Therapeutics"),
    ("Yarrow Bio获Bluefin Therapeutics授权，在中国开发其CAR-T疗法。", "zh-Hans", "Yarrow Bio", "Bluefin Therapeutics"),
    ("博识医药向安远生物授予CAR-T疗法的独家许可。", "zh-Hans", "安远生物", "博识医药"),
])
def test_licence_directions(extractor, text, lang, licensee, licensor):
    facts, deals, _ = _run(extractor, text, lang)
    assert (licensee, "licensedFrom", licensor) in facts, facts
    assert (licensor, "licensedFrom", licensee) not in facts
    assert not any(p == "acquired" for _, p, _ in facts)  # rights change hands, not the company
    assert any(kind == "Licence" for kind, _, _ in deals)


def test_a_licence_gives_the_asset_to_its_owner_and_the_territory_to_the_licensee(extractor):
    facts, _, _ = _run(extractor, "Carvel Bio obtained exclusive rights to Marrow Point Therapeutics' TCR-T cell "
                                  "therapy in Greater China.")
    assert ("Marrow Point Therapeutics", "develops", "TCR-T cell therapy") in facts
    assert ("Carvel Bio", "operatesIn", "Greater China") in facts
    facts, _, _ = _run(extractor, "Fennick Bio licensed its CAR-NK cell therapy for acute myeloid leukaemia to "
                                  "Sanofi.")
    assert ("Fennick Bio", "develops", "CAR-NK cell therapy") in facts
    assert ("Fennick Bio", "targets", "acute myeloid leukaemia") in facts
    assert ("Sanofi", "develops", "CAR-NK cell therapy") not in facts


@pytest.mark.parametrize("text,lang,company,places", [
    ("Corran Therapeutics expanded into South Korea and Taiwan this year.", "en", "Corran Therapeutics",
     {"South Korea", "Taiwan"}),
    ("Halbrook Bio's TIL therapy was approved in Japan for melanoma.", "en", "Halbrook Bio", {"Japan"}),
    ("Ostwind Therapeutics opened a manufacturing plant in Singapore.", "en", "Ostwind Therapeutics", {"Singapore"}),
    ("澜石生物进军日本市场，并在韩国设立子公司。", "zh-Hans", "澜石生物", {"Japan", "South Korea"}),
    ("岳川细胞的间充质干细胞产品已在日本获批上市。", "zh-Hans", "岳川细胞", {"Japan"}),
    ("The Swiss drugmaker Roche signed a supply deal.", "en", "Roche", {"Switzerland"}),
    ("安远生物的产品已在美国、欧盟和日本获批上市。", "zh-Hans", "安远生物", {"United States", "European Union", "Japan"}),
])
def test_where_a_company_works(extractor, text, lang, company, places):
    facts, _, _ = _run(extractor, text, lang)
    assert {o for s, p, o in facts if s == company and p == "operatesIn"} >= places, facts


def test_a_place_that_only_sets_the_scene_is_no_market(extractor):
    facts, _, _ = _run(extractor, "In Japan, Novartis and Quell Bio signed a research deal.")
    assert not any(p == "operatesIn" for _, p, _ in facts)
    facts, _, _ = _run(extractor, "日本厚生劳动省批准了诺华的产品。", "zh-Hans")
    assert not any(p == "operatesIn" for _, p, _ in facts)


@pytest.mark.parametrize("text,lang,a,b", [
    ("康岳生醫同時與日本的Sakuri Cell合資成立新公司。", "zh-Hant", "康岳生醫", "Sakuri Cell"),
    ("复星医药与英国Harrow Bio成立合资公司，开发iPSC衍生细胞疗法。", "zh-Hans", "Shanghai Fosun Pharmaceutical",
     "Harrow Bio"),
])
def test_joint_venture_partners_across_a_country_and_a_founding_verb(extractor, text, lang, a, b):
    facts, deals, _ = _run(extractor, text, lang)
    assert (a, "jointVentureWith", b) in facts or (b, "jointVentureWith", a) in facts
    assert not any(p == "partneredWith" for _, p, _ in facts)
    assert any(kind == "JointVenture" for kind, _, _ in deals)


@pytest.mark.parametrize("text,lang", [
    ("The joint venture formed by Yarrow Bio and Bluefin Therapeutics will make vectors.", "en"),
    ("由安远生物与博识医药合资成立的远识细胞专注CAR-NK。", "zh-Hans"),
    ("安远生物与博识医药的合资公司远识细胞专注CAR-NK。", "zh-Hans"),
])
def test_joint_venture_named_with_its_founders(extractor, text, lang):
    facts, _, _ = _run(extractor, text, lang)
    assert sum(p == "jointVentureWith" for _, p, _ in facts) == 1, facts


def test_joint_venture_partners_develop_its_modality(extractor):
    facts, _, _ = _run(extractor, "复星医药与英国Harrow Bio成立合资公司，开发iPSC衍生细胞疗法。", "zh-Hans")
    assert ("Harrow Bio", "develops", "iPSC-derived cell therapy") in facts


def test_spin_out_named_after_its_origin(extractor):
    facts, _, _ = _run(extractor, "从复旦大学分拆成立的凌霄基因专注于AAV基因治疗。", "zh-Hans")
    assert ("凌霄基因", "spunOutFrom", "复旦大学") in facts


@pytest.mark.parametrize("text,lang,company,modality", [
    ("Tormund Bio uses base editing to correct liver genes.", "en", "Tormund Bio", "base editing"),
    ("穗禾生物采用CAR-NK细胞疗法。", "zh-Hans", "穗禾生物", "CAR-NK cell therapy"),
])
def test_verbs_of_using_a_modality(extractor, text, lang, company, modality):
    facts, _, _ = _run(extractor, text, lang)
    assert (company, "develops", modality) in facts


def test_the_topic_is_the_company_a_leading_modifier_describes(extractor):
    facts, _, _ = _run(extractor, "从复旦大学分拆成立的凌霄基因专注于AAV基因治疗，主攻B型血友病。", "zh-Hans")
    assert ("凌霄基因", "targets", "haemophilia B") in facts
    assert not any(s == "复旦大学" and p in ("develops", "targets") for s, p, _ in facts)


def test_an_option_named_after_the_target_is_an_option(extractor):
    facts, deals, _ = _run(extractor, "辉瑞支付3000万美元，获得在2026年前收购远帆生物的选择权。", "zh-Hans")
    assert not any(p == "acquired" for _, p, _ in facts)
    assert {kind for kind, _, _ in deals} == {"Option"}


@pytest.mark.parametrize("text,lang", [
    ("大川製藥將收購曜昇生技的報導曝光，大川製藥隨即否認此事。", "zh-Hant"),
    ("Borealis Pharma will buy Tenby Bio, according to a newspaper report that Borealis denied on Monday.", "en"),
])
def test_a_denial_that_points_back_makes_the_deal_denied(extractor, text, lang):
    facts, deals, _ = _run(extractor, text, lang)
    assert not any(p == "acquired" for _, p, _ in facts)
    assert any(kind == "Acquisition" and status in ("Denied", "Rumoured") for kind, status, _ in deals)


@pytest.mark.parametrize("text,lang", [
    ("Borealis Pharma said it has no plans to acquire Tenby Bio.", "en"),
    ("Borealis Pharma ruled out buying Tenby Bio.", "en"),
    ("博瑞医药表示无意收购天博生物。", "zh-Hans"),
])
def test_a_refusal_is_a_denied_deal(extractor, text, lang):
    facts, deals, _ = _run(extractor, text, lang)
    assert not any(p == "acquired" for _, p, _ in facts)
    assert {status for kind, status, _ in deals if kind == "Acquisition"} == {"Denied"}


def test_a_stock_exchange_before_a_ticker_is_no_party(extractor):
    facts, _, _ = _run(extractor, "Halvern Therapeutics (Nasdaq: HLVN) agreed to acquire Quenby Bio (Nasdaq: QNBY) for "
                                  "$1.9 billion.")
    assert {(s, o) for s, p, o in facts if p == "acquired"} == {("Halvern Therapeutics", "Quenby Bio")}


def test_a_planned_exit_is_no_exit_and_keeps_the_completed_acquisition(extractor):
    facts, deals, _ = _run(extractor, "Novartis said it would discontinue the gene therapy platform it gained through "
                                      "its 2022 acquisition of Fenwick Genetics.")
    assert ("Novartis", "acquired", "Fenwick Genetics") in facts
    assert not any(p == "exited" for _, p, _ in facts)
    assert ("Acquisition", "Completed", (("acquirer", "Novartis"), ("target", "Fenwick Genetics"))) in deals


def test_ended_collaboration_leaves_a_terminated_deal(extractor):
    facts, deals, _ = _run(extractor, "曜川生技宣布結束了與北澤製藥的合作，雙方共同開發的NK細胞療法將由曜川生技獨立推進。",
                           "zh-Hant")
    assert not any(p == "partneredWith" for _, p, _ in facts)
    assert any(kind == "Collaboration" and status == "Terminated" for kind, status, _ in deals)


@pytest.mark.parametrize("text,lang,seller,buyer", [
    ("Mareth Therapeutics acquired Cobalt Bio's cell manufacturing site in Ohio.", "en", "Cobalt Bio",
     "Mareth Therapeutics"),
    ("芮思生物收购澄源医药旗下的细胞制造工厂。", "zh-Hans", "澄源医药", "芮思生物"),
    ("Mareth Therapeutics acquired the AAV manufacturing business from Cobalt Bio in 2024.", "en", "Cobalt Bio",
     "Mareth Therapeutics"),
])
def test_buying_a_companys_asset_is_its_sale_not_a_takeover(extractor, text, lang, seller, buyer):
    facts, _, _ = _run(extractor, text, lang)
    assert (seller, "soldTo", buyer) in facts
    assert (buyer, "acquired", seller) not in facts


def test_a_minority_stake_is_no_takeover_and_a_majority_one_is(extractor):
    facts, _, _ = _run(extractor, "Orlan Pharma acquired a 15% stake in Vessel Bio.")
    assert ("Orlan Pharma", "acquired", "Vessel Bio") not in facts
    facts, _, _ = _run(extractor, "Orlan Pharma acquired a 60% stake in Vessel Bio.")
    assert ("Orlan Pharma", "acquired", "Vessel Bio") in facts


@pytest.mark.parametrize("text,lang,company,modality", [
    ("Brisco Bio's Trelvanta, an allogeneic CAR-T therapy, was cleared for lymphoma.", "en", "Brisco Bio",
     "allogeneic CAR-T"),
    ("科瑞生物的瑞明注射液（KR-201）是一款靶向BCMA的自体CAR-T。", "zh-Hans", "科瑞生物", "autologous CAR-T"),
])
def test_a_companys_product_says_what_it_develops(extractor, text, lang, company, modality):
    facts, _, _ = _run(extractor, text, lang)
    assert (company, "develops", modality) in facts


def test_products_from_a_list_of_companies(extractor):
    facts, _, _ = _run(extractor, "Approved CAR-T products from Kite Pharma, Juno Therapeutics and Novartis now reach "
                                  "patients.")
    assert {s for s, p, o in facts if p == "develops" and o == "CAR-T cell therapy"} >= {
        "Kite Pharma", "Juno Therapeutics", "Novartis"}


def test_an_approval_announced_by_two_companies_makes_both_target_the_indication(extractor):
    facts, _, _ = _run(extractor, "SEATTLE, May 2, 2025 -- Halvern Therapeutics Inc. (Nasdaq: HLVN) and Novartis AG "
                                  "(NYSE: NVS) announced today that the FDA has approved ORVELA (relacabtagene) for "
                                  "adults with multiple myeloma.")
    owners = {s for s, p, o in facts if p == "targets" and o == "multiple myeloma"}
    assert "Novartis" in owners and any(o.startswith("Halvern") for o in owners), facts
    assert not any(s == "Nasdaq" for s, _, _ in facts)


def test_markdown_divestment_row_runs_from_the_seller_column(extractor):
    text = ("| Date | Buyer / licensee | Seller / licensor | Deal type | Value |\n|---|---|---|---|---|\n"
            "| 2025-08 | Pellow Therapeutics | Merrin Genetics | Divestment of AAV unit | $120 million |")
    facts, _, _ = _run(extractor, text)
    assert ("Merrin Genetics", "soldTo", "Pellow Therapeutics") in facts
    assert ("Pellow Therapeutics", "soldTo", "Merrin Genetics") not in facts


def test_an_amount_is_not_a_year():
    assert parse_date("首付款2000万美元") is None
    assert parse_date("paid $2000 million in 2024") == "2024"
