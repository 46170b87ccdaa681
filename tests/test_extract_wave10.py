"""Extraction frames of issue #12, tenth pass: a country or a foreign firm's "日商/美商" written before a Chinese
name, a modality named as a topic before a list of companies, a clause that ends a collaboration after another
verb of the same subject, a spin-out told in a fronted participle, and the short names of research bodies.

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


def _deals(extractor: Extractor, text: str, lang: str) -> set[tuple[str, str, frozenset[str]]]:
    _, ex, label = extract_texts(extractor, text, lang=lang)
    return {(d.kind, d.status, frozenset(label(i) for _, i in d.parties)) for d in ex.deals}


@pytest.mark.parametrize("text,country", [
    ("昱泰生技與日本富嶺製藥合資成立新公司。", "Japan"),
    ("昱泰生技與日商富嶺製藥合資成立新公司。", None),
    ("昱泰生技與德國富嶺製藥合資成立新公司。", "Germany"),
])
def test_a_country_before_a_chinese_name_is_where_the_company_is_from(extractor, text, country):
    facts = _facts(extractor, text, "zh-Hant")
    assert ("昱泰生技", "jointVentureWith", "富嶺製藥") in facts, facts
    assert not any("商富嶺" in s or "本富嶺" in s for s, _, _ in facts), facts
    if country:
        assert ("富嶺製藥", "operatesIn", country) in facts, facts


def test_a_country_and_a_company_word_is_a_description_not_a_name(extractor):
    facts = _facts(extractor, "比利時生技公司Corvane Bio決定結束細胞治療業務。", "zh-Hant")
    assert not any(s.startswith("生技") for s, _, _ in facts), facts
    assert ("Corvane Bio", "operatesIn", "Belgium") in facts, facts


@pytest.mark.parametrize("text,lang,modality,firms", [
    ("在基因治疗赛道，欧贝生物、康拓医药和华辰基因均有布局。", "zh-Hans", "gene therapy", ("欧贝生物", "康拓医药", "华辰基因")),
    ("在基因治療領域，歐貝生技、康拓醫藥與華辰基因都已布局。", "zh-Hant", "gene therapy", ("歐貝生技", "康拓醫藥", "華辰基因")),
    ("In the gene therapy space, Orbel Bio, Castra Therapeutics and Velmont Bio all have programmes.", "en",
     "gene therapy", ("Orbel Bio", "Castra Therapeutics", "Velmont Bio")),
    ("In CAR-T, Orbel Bio and Castra Therapeutics are active.", "en", "CAR-T cell therapy",
     ("Orbel Bio", "Castra Therapeutics")),
])
def test_a_field_fronted_as_the_topic_is_developed_by_the_companies_after_it(extractor, text, lang, modality, firms):
    facts = _facts(extractor, text, lang)
    for firm in firms:
        assert (firm, "develops", modality) in facts, facts
    assert not any(p == "productOf" for _, p, _ in facts), facts


@pytest.mark.parametrize("text,lang", [
    ("在基因治疗赛道，欧贝生物、康拓医药和华辰基因均已退出。", "zh-Hans"),
    ("In 2024, Orbel Bio and Castra Therapeutics were active.", "en"),
    ("在台灣市場，歐貝生技已布局多年。", "zh-Hant"),
])
def test_a_fronted_phrase_without_a_field_or_work_verb_says_nothing_developed(extractor, text, lang):
    assert not any(p == "develops" for _, p, _ in _facts(extractor, text, lang))


@pytest.mark.parametrize("text,kind,status", [
    ("天衡药业宣布退出CAR-T领域，并终止与诺安生物的合作。", "Collaboration", "Terminated"),
    ("天衡药业宣布裁员，并与诺安生物签署合作协议。", "Collaboration", "Announced"),
    ("天衡药业宣布裁员，并收购诺安生物。", "Acquisition", "Announced"),
])
def test_a_clause_after_bing_keeps_the_subject_when_its_company_is_an_object(extractor, text, kind, status):
    # "，並與Y…": 與 makes Y the object of the second verb; the subject is the first clause's.
    assert (kind, status, frozenset({"天衡药业", "诺安生物"})) in _deals(extractor, text, "zh-Hans")


def test_a_clause_after_bing_with_its_own_subject_does_not_take_the_first_one(extractor):
    facts = _facts(extractor, "天衡药业收购了康华医药，并且诺安生物与瑞拓基因签署合作协议。", "zh-Hans")
    assert ("诺安生物", "partneredWith", "瑞拓基因") in facts, facts
    assert not any(s == "天衡药业" and p == "partneredWith" for s, p, _ in facts), facts


@pytest.mark.parametrize("text,lang,first,second", [
    ("天衡药业收购了康华医药，诺安生物则与瑞拓基因签署合作协议。", "zh-Hans",
     ("天衡药业", "acquired", "康华医药"), ("诺安生物", "partneredWith", "瑞拓基因")),
    ("天衡製藥以5億美元買下康華醫藥，諾安生技則與瑞拓基因簽署授權協議，由瑞拓取得亞洲權利。", "zh-Hant",
     ("天衡製藥", "acquired", "康華醫藥"), ("瑞拓基因", "licensedFrom", "諾安生技")),
])
def test_two_deals_of_different_kinds_in_one_sentence_stay_apart(extractor, text, lang, first, second):
    facts = _facts(extractor, text, lang)
    assert first in facts and second in facts, facts
    assert len([f for f in facts if f[1] == "acquired"]) == 1, facts


@pytest.mark.parametrize("text,child,parent", [
    ("Founded in 2019 as a spinout from the University of Toronto, Veridane Cell develops TCR-T therapies.",
     "Veridane Cell", "University of Toronto"),
    ("A spin-off of Heidelberg University, Lunaris Biotech is developing an exosome therapy.",
     "Lunaris Biotech", "Heidelberg University"),
])
def test_a_fronted_spinout_phrase_describes_the_clause_subject(extractor, text, child, parent):
    facts = _facts(extractor, text, "en")
    assert (child, "spunOutFrom", parent) in facts, facts
    assert ("SpinOut", "Announced", frozenset({child, parent})) in _deals(extractor, text, "en")


def test_founded_in_a_year_alone_is_no_spinout(extractor):
    facts = _facts(extractor, "Founded in 2019, Veridane Cell develops TCR-T therapies with Corvane Bio.", "en")
    assert not any(p == "spunOutFrom" for _, p, _ in facts), facts


@pytest.mark.parametrize("text,lang,buyer,target", [
    ("康华医药已于今年3月完成对诺安生物的全资收购。", "zh-Hans", "康华医药", "诺安生物"),
    ("诺安生物被康华医药以12亿元收入囊中。", "zh-Hans", "康华医药", "诺安生物"),
    ("康華醫藥斥資3億美元入主諾安生技，取得過半股權。", "zh-Hant", "康華醫藥", "諾安生技"),
])
def test_more_chinese_acquisition_frames(extractor, text, lang, buyer, target):
    assert (buyer, "acquired", target) in _facts(extractor, text, lang)


@pytest.mark.parametrize("text", [
    "Hartwell Pharma will pay up to $900 million in milestones to Novaris Therapeutics under a deal for rights to "
    "its allogeneic CAR-T.",
    "Hartwell Pharma will pay Novaris Therapeutics $25 million upfront for rights to its TCR-T.",
])
def test_the_payer_takes_the_licence_from_the_one_paid(extractor, text):
    facts = _facts(extractor, text, "en")
    assert ("Hartwell Pharma", "licensedFrom", "Novaris Therapeutics") in facts, facts
    assert ("Novaris Therapeutics", "licensedFrom", "Hartwell Pharma") not in facts, facts


@pytest.mark.parametrize("text,lang,firm", [
    ("Orbel Bio is a contract development and manufacturing organization (CDMO) for cell and gene therapies.", "en",
     "Orbel Bio"),
    ("Orbel Bio signed a deal with Castra Therapeutics, a CDMO.", "en", "Castra Therapeutics"),
    ("歐貝生技是台灣少數具備病毒載體量產能力的CDMO。", "zh-Hant", "歐貝生技"),
])
def test_a_company_said_to_be_a_cdmo_operates_in_that_segment(extractor, text, lang, firm):
    facts = _facts(extractor, text, lang)
    assert (firm, "operatesIn", "cell and gene therapy CDMO") in facts, facts
    assert len([f for f in facts if f[1] == "operatesIn"]) == 1, facts


@pytest.mark.parametrize("text,lang", [
    ("Orbel Bio is a customer of the largest CDMO in Asia.", "en"),
    ("歐貝生技是康拓醫藥的CDMO客戶。", "zh-Hant"),
])
def test_a_cdmo_customer_is_no_cdmo(extractor, text, lang):
    assert not any(f[1] == "operatesIn" for f in _facts(extractor, text, lang))
