"""Deal frames of issue #12, fourth pass: acquisition chains, partners named by a possessive or a "between"
noun, memoranda, spin-outs told as an origin, and a company's home read from its stock listing.

Sentences written for these tests (invented names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer
from regenkg.records import Sentence


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str) -> set[tuple[str, str, str]]:
    lang = "en" if text.isascii() else ("zh-Hans" if any(c in text for c in "岭远买卖资设与们国后") else "zh-Hant")
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), lang, text)])
    return {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}


@pytest.mark.parametrize(("text", "expected"), [
    ("Corvane Bio acquired Marlowe Therapeutics, which was later acquired by Quillon Bio.",
     {("corvane", "acquired", "marlowe"), ("quillon", "acquired", "marlowe")}),
    ("Corvane Bio bought Marlowe Therapeutics in 2019 and was itself acquired by Quillon Bio in 2022.",
     {("corvane", "acquired", "marlowe"), ("quillon", "acquired", "corvane")}),
    ("Marlowe Therapeutics was acquired by Quillon Bio, which had earlier bought Corvane Bio.",
     {("quillon", "acquired", "marlowe"), ("quillon", "acquired", "corvane")}),
    ("晶岱生技收購瑞晟基因，後者後來又被Quillon Bio併購。",
     {("晶岱", "acquired", "瑞晟基因"), ("quillon", "acquired", "瑞晟基因")}),
])
def test_an_acquisition_chain_keeps_every_link(extractor, text, expected):
    facts = {f for f in _facts(extractor, text) if f[1] == "acquired"}
    assert facts == expected, facts


@pytest.mark.parametrize("text", [
    "Marlowe Therapeutics, acquired by Quillon Bio in 2021, develops CAR-T therapies.",
    "瑞晟基因被晶岱生技收購。",
])
def test_a_passive_acquisition_alone_is_one_fact(extractor, text):
    facts = {f for f in _facts(extractor, text) if f[1] == "acquired"}
    assert len(facts) == 1, facts


@pytest.mark.parametrize(("text", "pair"), [
    ("Corvane Bio's partner Marlowe Therapeutics will manufacture the therapy.", ("corvane", "marlowe")),
    ("Corvane Bio's long-time collaborator Northgate University Hospital runs the trial.",
     ("corvane", "northgate-university-hospital")),
    ("晶岱生技的合作夥伴北湖醫院負責臨床試驗。", ("晶岱", "北湖医院")),
    ("The collaboration between Corvane Bio and Marlowe Therapeutics covers CAR-T therapies.", ("corvane", "marlowe")),
    ("Corvane Bio signed a memorandum of understanding with Northgate Medical Center.",
     ("corvane", "northgate-medical-center")),
    ("Corvane Bio has teamed with Marlowe Therapeutics on CAR-T.", ("corvane", "marlowe")),
    ("Corvane Bio entered into a cooperation agreement with Marlowe Therapeutics.", ("corvane", "marlowe")),
    ("晶岱生技與北湖醫院結為策略聯盟。", ("晶岱", "北湖医院")),
])
def test_partners_named_by_a_possessive_a_between_noun_or_a_memorandum(extractor, text, pair):
    facts = _facts(extractor, text)
    a, b = pair
    assert {(a, "partneredWith", b), (b, "partneredWith", a)} & facts, facts


@pytest.mark.parametrize("text", [
    "Corvane Bio was founded out of Northgate University's lab.",
    "Corvane Bio emerged from Northgate University in 2018.",
    "Corvane Bio was founded by researchers from Northgate University.",
    "Corvane Bio was founded in 2016 by scientists at Northgate University.",
    "Corvane Bio, founded at Northgate University in 2015, develops CAR-T therapies.",
    "Corvane Bio, which originated at Northgate University, develops CAR-T therapies.",
    "Corvane Bio was incubated at Northgate University.",
    "晶岱生技為北湖大學衍生的新創公司。",
    "北湖大學衍生新創晶岱生技開發CAR-T療法。",
    "晶岱生技由北湖大學技術團隊創立。",
    "晶岱生技是北湖大學育成的新創公司。",
    "晶岱生技源於北湖大學的研究成果。",
])
def test_a_company_founded_out_of_a_university_is_its_spin_out(extractor, text):
    facts = _facts(extractor, text)
    uni = "northgate-university" if text.isascii() else "北湖大学"
    assert any(s in ("corvane", "晶岱") and p == "spunOutFrom" and o == uni for s, p, o in facts), facts


@pytest.mark.parametrize("text", [
    "Corvane Bio was founded by former Marlowe Therapeutics executives.",
    "Corvane Bio hired researchers from Northgate University.",
    "晶岱生技由北湖大學提供臨床場域。",
])
def test_people_or_help_from_another_body_make_no_spin_out(extractor, text):
    assert not {f for f in _facts(extractor, text) if f[1] == "spunOutFrom"}


@pytest.mark.parametrize(("text", "place"), [
    ("Corvane Bio, headquartered in Taiwan, develops CAR-T therapies.", "TW"),
    ("Corvane Bio, a company from Taiwan, develops CAR-T therapies.", "TW"),
    ("Corvane Bio is running a phase 2 trial in South Korea.", "KR"),
    ("Corvane Bio won Japanese approval for its CAR-T therapy.", "JP"),
    ("Corvane Bio's Taiwan subsidiary develops CAR-T therapies.", "TW"),
    ("Corvane Bio is one of Taiwan's leading cell therapy companies.", "TW"),
    ("晶岱生技在台灣設有GMP工廠。", "TW"),
    ("晶岱生技的日本子公司開發CAR-T療法。", "JP"),
    ("台灣細胞治療公司晶岱生技開發CAR-T療法。", "TW"),
])
def test_a_company_s_place_from_its_apposition_unit_trials_or_trade(extractor, text, place):
    facts = _facts(extractor, text)
    assert (("corvane" if text.isascii() else "晶岱"), "operatesIn", place) in facts, facts


@pytest.mark.parametrize(("text", "wrong"), [
    ("Corvane Bio's rival Marlowe Therapeutics is running a phase 2 trial in South Korea.", ("corvane", "KR")),
    ("Corvane Bio partnered with Marlowe Therapeutics, which runs trials in Japan.", ("corvane", "JP")),
    ("Corvane Bio develops CAR-T therapies, while Japanese regulators review Marlowe Therapeutics' filing.",
     ("corvane", "JP")),
])
def test_another_company_s_place_is_not_the_subject_s(extractor, text, wrong):
    facts = _facts(extractor, text)
    assert (wrong[0], "operatesIn", wrong[1]) not in facts, facts


@pytest.mark.parametrize("text", [
    "晶岱生技獲得瑞晟基因CAR-T療法的亞洲權利。",
    "晶岱生技向瑞晟基因購入CAR-T療法的全球權利。",
    "晶岱生技拿下瑞晟基因CAR-T療法的大中華區權利。",
])
def test_rights_of_a_region_are_a_licence(extractor, text):
    facts = _facts(extractor, text)
    assert ("晶岱", "licensedFrom", "瑞晟基因") in facts, facts
    assert ("晶岱", "acquired", "瑞晟基因") not in facts, facts


@pytest.mark.parametrize(("text", "place"), [
    ("Corvane Bio acquired the Greater China rights to Marlowe Therapeutics' CAR-T therapy.", "greater-china"),
    ("Corvane Bio holds the Japanese rights to Marlowe Therapeutics' CAR-T therapy.", "JP"),
])
def test_the_licensee_works_where_its_rights_are(extractor, text, place):
    facts = _facts(extractor, text)
    assert ("corvane", "operatesIn", place) in facts, facts
    assert ("marlowe", "operatesIn", place) not in facts, facts


@pytest.mark.parametrize(("text", "pairs"), [
    ("Corvane Bio formed a joint venture with Marlowe Therapeutics and Quillon Bio.",
     {("corvane", "marlowe"), ("corvane", "quillon")}),
    ("Vantor Cell, Corvane Bio's joint venture with Marlowe Therapeutics, develops CAR-T therapies.",
     {("corvane", "marlowe")}),
    ("晶岱生技攜手瑞晟基因成立合資公司。", {("晶岱", "瑞晟基因")}),
])
def test_joint_venture_partners_of_a_list_a_possessive_or_a_hand_in_hand_verb(extractor, text, pairs):
    facts = _facts(extractor, text)
    jv = {(s, o) for s, p, o in facts if p == "jointVentureWith"}
    assert all((a, b) in jv or (b, a) in jv for a, b in pairs), facts
    assert not any("vantor" in s or "vantor" in o for s, o in jv), facts


@pytest.mark.parametrize(("text", "partner"), [
    ("晶岱生物联合北湖医院开展CAR-T临床研究。", "北湖医院"),
    ("晶岱生物携手北湖大学共建细胞治疗联合实验室。", "北湖大学"),
    ("晶岱生物与北湖医院共建干细胞研究中心。", "北湖医院"),
    ("晶岱生物牵手瑞晟基因，布局CAR-T疗法。", "瑞晟基因"),
    ("晶岱生物委托瑞晟基因生产CAR-T细胞。", "瑞晟基因"),
])
def test_simplified_joint_work_verbs_name_the_partner_whole(extractor, text, partner):
    facts = _facts(extractor, text)
    assert ("晶岱生物", "partneredWith", partner) in facts, facts


@pytest.mark.parametrize("text", [
    "Quillon Bio's $1.2 billion acquisition of Marlowe Therapeutics closed in May.",
    "Quillon Bio completed its acquisition of Marlowe Therapeutics on May 3.",
    "Quillon Bio closed its buyout of Marlowe Therapeutics for $500 million.",
    "晶岱生技以3億美元取得瑞晟基因（Ruisheng）全部股權。",
    "晶岱生技完成對瑞晟基因的3億美元收購案。",
])
def test_an_acquisition_closed_in_may_bought_out_or_of_all_shares(extractor, text):
    facts = _facts(extractor, text)
    assert {("quillon", "acquired", "marlowe"), ("晶岱", "acquired", "瑞晟基因")} & facts, facts


@pytest.mark.parametrize("text", [
    "Quillon Bio may acquire Marlowe Therapeutics.",
    "晶岱生技取得瑞晟基因10%股權。",
])
def test_a_modal_may_or_a_minority_share_is_no_acquisition(extractor, text):
    assert not {f for f in _facts(extractor, text) if f[1] == "acquired"}


def test_a_licensor_s_own_rights_licensed_out_go_to_the_licensee(extractor):
    facts = _facts(extractor, "Marlowe Therapeutics licensed Greater China rights to its CAR-T therapy to Corvane Bio "
                              "for $20 million upfront.")
    assert ("corvane", "licensedFrom", "marlowe") in facts, facts
    assert ("marlowe", "licensedFrom", "corvane") not in facts, facts
