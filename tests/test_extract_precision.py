"""Precision of the R&D facts (issue #12, h/prec3): a modality that only says what kind another company is
gives it to no company the sentence names, and Han runs that end in a company word without being a name
(a field of work, a generic company word, a unit of an institute or of a parent) are no companies.

Sentences written for these tests (invented companies); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

from conftest import extract_texts


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str, lang: str, *preds: str) -> set[tuple[str, str, str]]:
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    return {f for f in facts if f[1] in preds}


@pytest.mark.parametrize("text,lang", [
    ("Halvorsen Therapeutics dropped its bid for Quillon Bio and signed a licensing deal with the CAR-T developer "
     "instead.", "en"),
    ("Halvorsen Pharma agreed to pay the CAR-T specialist $50 million upfront.", "en"),
    ("Halvorsen Pharma signed a licensing pact with the gene editing firm.", "en"),
    ("Halvorsen Pharma will fund the NK cell biotech for three years.", "en"),
    ("辉瑞将向这家CAR-T公司支付5000万美元预付款。", "zh-Hans"),
    ("輝瑞將向該NK細胞新創支付5000萬美元預付款。", "zh-Hant"),
])
def test_a_definite_description_of_another_company_gives_its_kind_to_no_named_company(extractor, text, lang):
    assert _facts(extractor, text, lang, "develops") == set()


@pytest.mark.parametrize("text,lang,firm,modality", [
    ("Halvorsen Therapeutics is the leading CAR-T developer in Europe.", "en", "Halvorsen Therapeutics",
     "CAR-T cell therapy"),
    ("Halvorsen Therapeutics, the CAR-T developer, raised $40 million.", "en", "Halvorsen Therapeutics",
     "CAR-T cell therapy"),
    ("Pfizer acquired the CAR-T developer Quillon Bio.", "en", "Quillon Bio", "CAR-T cell therapy"),
])
def test_the_company_the_description_is_written_of_still_develops_it(extractor, text, lang, firm, modality):
    assert (firm, "develops", modality) in _facts(extractor, text, lang, "develops")


def _companies(extractor: Extractor, text: str, lang: str) -> set[str]:
    _, ex, _ = extract_texts(extractor, text, lang=lang)
    return {next(iter(e.labels.values())) for e in ex.entities}


@pytest.mark.parametrize("text,lang,wrong", [
    ("精準醫療帶動基因治療發展。", "zh-Hant", "精準醫療"),
    ("生技公司紛紛投入iPSC研究。", "zh-Hant", "生技公司"),
    ("工研院生醫所開發的iPSC平台已授權給晶禾生技。", "zh-Hant", "工研院生醫"),
    ("中研院基因體中心研發的基因編輯技術授權給晶禾生技。", "zh-Hant", "中研院基因"),
    ("沐川生醫子公司沐禾細胞專注NK細胞療法。", "zh-Hant", "沐川生醫子公司"),
    ("细胞治疗大厂沐川生医今年将推出CAR-T细胞疗法。", "zh-Hans", "大厂沐川生医"),
    ("免疫細胞布局NK細胞療法的廠商增加。", "zh-Hant", "免疫細胞"),
    ("上游材料科技布局AAV基因治療。", "zh-Hant", "上游材料科技"),
    ("电子大厂跨足生技，鸿准科技布局再生医疗。", "zh-Hans", "跨足生技"),
    ("人工智慧科技公司布局基因編輯。", "zh-Hant", "智慧科技公司"),
])
def test_a_han_run_ending_in_a_company_word_that_is_no_name_is_no_company(extractor, text, lang, wrong):
    assert wrong not in _companies(extractor, text, lang)


@pytest.mark.parametrize("text,lang,name", [
    ("细胞治疗大厂沐川生医今年将推出CAR-T细胞疗法。", "zh-Hans", "沐川生医"),
    ("本土藥廠晶禾生技宣布投入異體CAR-T細胞療法。", "zh-Hant", "晶禾生技"),
    ("沐川生醫子公司沐禾細胞專注NK細胞療法。", "zh-Hant", "沐禾細胞"),
    ("台塑生醫布局外泌體。", "zh-Hant", "台塑生醫"),
    ("电子大厂跨足生技，鸿准科技布局再生医疗。", "zh-Hans", "鸿准科技"),
])
def test_the_name_after_a_description_is_still_found(extractor, text, lang, name):
    assert name in _companies(extractor, text, lang)


@pytest.mark.parametrize("text,firm,funder,modality", [
    ("Quillon Bio raised $80 million from investors including Halvorsen Pharma to advance its NK cell therapy.",
     "Quillon Bio", "Halvorsen Pharma", "NK cell therapy"),
    ("Quillon Bio secured funding from Halvorsen Pharma to advance its CAR-T programme.",
     "Quillon Bio", "Halvorsen Pharma", "CAR-T cell therapy"),
    ("Quillon Bio raised $80 million in a round led by Halvorsen Ventures to develop NK cell therapies.",
     "Quillon Bio", "Halvorsen Ventures", "NK cell therapy"),
])
def test_the_company_that_raises_money_develops_what_it_is_for_not_its_funder(extractor, text, firm, funder,
                                                                              modality):
    facts = _facts(extractor, text, "en", "develops")
    assert (firm, "develops", modality) in facts
    assert not any(f[0] == funder for f in facts)


def test_its_after_a_semicolon_is_the_company_that_opens_that_clause(extractor):
    text = ("Halvorsen Pharma ended its alliance with Quillon Bio in May; Quillon Bio will keep developing its "
            "TCR-T cell therapy alone.")
    facts = _facts(extractor, text, "en", "develops")
    assert ("Quillon Bio", "develops", "TCR-T cell therapy") in facts
    assert not any(f[0] == "Halvorsen Pharma" for f in facts)


def test_its_of_a_sentence_opener_is_still_the_opener(extractor):
    facts = _facts(extractor, "Halvorsen Pharma said on Monday that its gene therapy had won approval.", "en",
                   "develops")
    assert facts == {("Halvorsen Pharma", "develops", "gene therapy")}


@pytest.mark.parametrize("text,lang,firm,compared", [
    ("Unlike Halvorsen Pharma, Quillon Bio develops autologous CAR-T therapies.", "en", "Quillon Bio",
     "Halvorsen Pharma"),
    ("不同于辉瑞，澜川基因专注开发自体CAR-T细胞疗法。", "zh-Hans", "澜川基因", "Pfizer"),
])
def test_the_company_compared_with_develops_nothing(extractor, text, lang, firm, compared):
    facts = _facts(extractor, text, lang, "develops")
    assert (firm, "develops", "autologous CAR-T") in facts
    assert not any(f[0] == compared for f in facts)


@pytest.mark.parametrize("text", [
    "Quillon Bio hired Halvorsen Pharma veteran Jane Doe to lead its CAR-T programme.",
    "Quillon Bio said Jane Doe, who founded the company in 2019, will step down as it expands its CAR-T work.",
])
def test_a_person_named_with_a_title_or_who_is_no_company(extractor, text):
    assert "Jane Doe" not in {m.surface for m in extractor.finder.find(text) if m.kind == "Company"}


@pytest.mark.parametrize("text,lang", [
    ("晶禾生技已終止與北辰大學的幹細胞合作。", "zh-Hant"),
    ("此外，澜川基因将其通用型CAR-T管线出售给青岭生技，交易总额4亿元人民币。", "zh-Hans"),
    ("Halvorsen Pharma terminated its NK cell therapy collaboration with Northbridge University in May.", "en"),
])
def test_ending_a_deal_about_a_modality_or_selling_it_is_no_exit_from_it(extractor, text, lang):
    assert _facts(extractor, text, lang, "exited") == set()


@pytest.mark.parametrize("text,lang,firm,modality", [
    ("Halvorsen Pharma discontinued its CAR-T programme in May.", "en", "Halvorsen Pharma", "CAR-T cell therapy"),
    ("晶禾生技已退出NK細胞療法。", "zh-Hant", "晶禾生技", "NK cell therapy"),
    ("輝瑞已終止與瀾川基因的NK細胞合作。", "zh-Hant", "Pfizer", "NK cell therapy"),
])
def test_an_exit_from_the_modality_itself_is_still_read(extractor, text, lang, firm, modality):
    assert (firm, "exited", modality) in _facts(extractor, text, lang, "exited")


# h/prec4: ending a licence given to another company leaves neither company's field; "its" after a recipient
# ("to Y for its …") is the recipient's.
@pytest.mark.parametrize("text,lang", [
    ("晶禾生技終止授權瀾川基因開發CAR-T療法。", "zh-Hant"),
    ("晶禾生技终止授权澜川基因开发CAR-T疗法。", "zh-Hans"),
    ("Halvorsen Pharma terminated the licence that allowed Quillon Bio to develop its NK cell therapy.", "en"),
])
def test_ending_a_licence_given_to_another_company_is_no_exit(extractor, text, lang):
    assert _facts(extractor, text, lang, "exited") == set()


@pytest.mark.parametrize("text,supplier,recipient", [
    ("Halvorsen Bio will supply lentiviral vectors to Quillon Therapeutics for its CAR-T programme.",
     "Halvorsen Bio", "Quillon Therapeutics"),
    ("Northbridge Cell will make viral vectors for Marlowe Therapeutics for its NK cell therapy programme.",
     "Northbridge Cell", "Marlowe Therapeutics"),
])
def test_its_after_a_recipient_is_the_recipients(extractor, text, supplier, recipient):
    facts = _facts(extractor, text, "en", "develops")
    assert any(f[0] == recipient for f in facts)
    assert not any(f[0] == supplier for f in facts)


@pytest.mark.parametrize("text,lang,firm,maker", [
    ("Halvorsen Bio is developing manufacturing technology for CAR-T therapies made by Quillon Therapeutics.", "en",
     "Halvorsen Bio", "Quillon Therapeutics"),
    ("晶禾生技開發的檢測平台可用於由瀾川基因開發的CAR-T療法。", "zh-Hant", "晶禾生技", "瀾川基因"),
    ("晶禾生技开发的检测平台可用于由澜川基因开发的CAR-T疗法。", "zh-Hans", "晶禾生技", "澜川基因"),
])
def test_a_modality_another_company_is_written_to_make_is_not_the_developers(extractor, text, lang, firm, maker):
    facts = _facts(extractor, text, lang, "develops")
    assert (maker, "develops", "CAR-T cell therapy") in facts
    assert not any(f[0] == firm for f in facts if f[2] == "CAR-T cell therapy")


@pytest.mark.parametrize("text,lang,user,owner,modality", [
    ("Halvorsen Bio will use Quillon Therapeutics' gene editing platform to develop CAR-T therapies.", "en",
     "Halvorsen Bio", "Quillon Therapeutics", "CAR-T cell therapy"),
    ("Halvorsen Bio will use Quillon Therapeutics' platform to develop allogeneic CAR-T therapies.", "en",
     "Halvorsen Bio", "Quillon Therapeutics", "allogeneic CAR-T"),
    ("Halvorsen Bio licensed Quillon Therapeutics' base editing technology to develop in vivo CAR-T therapies.",
     "en", "Halvorsen Bio", "Quillon Therapeutics", "in vivo CAR-T"),
    ("晶禾生技與瀾川基因合作，利用後者的iPSC平台開發CAR-T療法。", "zh-Hant", "晶禾生技", "瀾川基因",
     "CAR-T cell therapy"),
])
def test_the_owner_of_a_tool_used_to_develop_a_modality_is_not_its_developer(extractor, text, lang, user, owner,
                                                                             modality):
    facts = _facts(extractor, text, lang, "develops")
    assert (user, "develops", modality) in facts
    assert (owner, "develops", modality) not in facts


@pytest.mark.parametrize("text,buyer,seller,modality", [
    ("Halvorsen Pharma acquired full ownership of Quillon Therapeutics' NK cell therapy programme.",
     "Halvorsen Pharma", "Quillon Therapeutics", "NK cell therapy"),
    ("Halvorsen Pharma took over development of Quillon Therapeutics' AAV gene therapy pipeline.",
     "Halvorsen Pharma", "Quillon Therapeutics", "AAV gene therapy"),
])
def test_the_development_or_ownership_of_an_asset_taken_over_is_the_buyers(extractor, text, buyer, seller, modality):
    facts = _facts(extractor, text, "en", "develops")
    assert (buyer, "develops", modality) in facts
    assert (seller, "develops", modality) not in facts


def test_a_modality_named_as_a_cause_is_no_work_of_the_company(extractor):
    for text, lang in [
        ("Halvorsen Bio is developing an antibody to manage cytokine release syndrome caused by CAR-T therapies.",
         "en"),
        ("晶禾生技正在開發一款抗體，用於處理CAR-T療法引起的細胞激素釋放症候群。", "zh-Hant"),
    ]:
        assert _facts(extractor, text, lang, "develops") == set()


@pytest.mark.parametrize("text", [
    "Backed by Halvorsen Pharma, the startup is developing CAR-T therapies.",
    "Founded in 2019, the company develops NK cell therapies.",
    "Supported by a state grant, the biotech is advancing an AAV gene therapy.",
    "Using a base editing platform, the startup develops CAR-T therapies.",
    "Building on its platform, the biotech develops AAV gene therapies.",
])
def test_a_participle_opening_the_sentence_is_no_company(extractor, text):
    assert not any(m.start == 0 for m in extractor.finder.find(text) if m.kind == "Company")
    assert _facts(extractor, text, "en", "develops") == set()


@pytest.mark.parametrize("text,lang", [
    ("新興生技多半專注開發NK細胞療法。", "zh-Hant"),
    ("新兴生技多半专注开发NK细胞疗法。", "zh-Hans"),
])
def test_a_qualifier_before_a_company_word_is_no_name(extractor, text, lang):
    assert _companies(extractor, text, lang) == set()
    assert _facts(extractor, text, lang, "develops") == set()


@pytest.mark.parametrize("text,lang", [
    ("衛福部核准晶禾生技的CAR-T療法。", "zh-Hant"),
    ("卫福部核准晶禾生技的CAR-T疗法。", "zh-Hans"),
])
def test_an_approval_verb_is_no_part_of_the_name_after_it(extractor, text, lang):
    assert not any("核准" in c for c in _companies(extractor, text, lang))
