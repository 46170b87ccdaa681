"""The gazetteer knows the industry's large companies in every script, and a modality's means is not the
company's work — pinned on sentences of our own (not from any evaluation set)."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals, relation_pairs

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("text,party", [
    # A company without a company word in its name is found only through the gazetteer.
    ("安進去年結束與永信生技的合作。", "Amgen"),
    ("百济神州宣布终止与永信生技的合作。", "BeiGene"),
    ("Boehringer Ingelheim ended its collaboration with Harwick Bio.", "Boehringer Ingelheim"),
])
def test_an_ended_collaboration_with_a_listed_company_is_a_terminated_deal(extractor: Extractor, text: str,
                                                                           party: str) -> None:
    facts, deals, _ = extract_with_deals(extractor, text)
    assert not [f for f in facts if f[1] == "partneredWith"]
    assert any(kind == "Collaboration" and status == "Terminated" and party in {label for _, label in parties}
               for kind, status, parties in deals), deals


@pytest.mark.parametrize("name,kind,country", [
    ("安進", "PharmaCompany", "US"), ("恒瑞医药", "PharmaCompany", "CN"), ("藥明生基", "CDMO", "CN"),
    ("Sarepta", "Biotech", "US"), ("第一三共", "PharmaCompany", "JP"), ("Samsung Biologics", "CDMO", "KR"),
])
def test_large_companies_are_curated_with_kind_and_home(name: str, kind: str, country: str) -> None:
    from rdflib import URIRef

    from regenkg.graph.terms import RKG

    gazetteer = Gazetteer.load()
    [entity] = [e for e in gazetteer.entities.values() if name in e.labels.values() or name in e.aliases]
    assert entity.type == kind
    home = gazetteer.graph.value(URIRef(entity.iri), RKG.headquarteredIn)
    assert str(home).endswith("/" + country)


def test_what_a_modality_carries_is_not_the_companys_modality(extractor: Extractor) -> None:
    got = relation_pairs(extractor, "develops",
                         "Harwick Bio develops in vivo CAR-T therapies that deliver mRNA in lipid nanoparticles.")
    assert got == {("Harwick Bio", "in vivo CAR-T")}


@pytest.mark.parametrize("first,second", [
    ("金斯瑞旗下的永信生技开发的BCMA CAR-T已在美国获批。", "该公司与华西医院合作，推进其干细胞产品治疗膝骨关节炎的临床研究。"),
    ("Osterley Therapeutics' unit Harwick Bio won approval for its CAR-T therapy.",
     "The company is also developing TCR-T cell therapies."),
])
def test_the_unit_a_sentence_opens_with_is_what_the_next_one_continues(extractor: Extractor, first: str,
                                                                        second: str) -> None:
    facts, _, _ = extract_with_deals(extractor, first, second)
    developers = {s for s, p, o in facts if p == "develops" and o in ("stem cell therapy", "TCR-T cell therapy")}
    assert developers and developers <= {"永信生技", "永信", "Harwick Bio"}, facts


def test_a_university_after_and_the_is_a_partner(extractor: Extractor) -> None:
    facts, deals, _ = extract_with_deals(extractor, "Dunmore Cell and the University of Tokyo will co-develop TCR-T therapies.")
    assert ("Dunmore Cell", "partneredWith", "University of Tokyo") in facts
    assert ("Dunmore Cell", "develops", "TCR-T cell therapy") in facts
    assert not [f for f in facts if f[0] == "University of Tokyo" and f[1] == "develops"]


@pytest.mark.parametrize("text,developer", [
    ("2024年，永信生物从北京大学分拆成立，主攻碱基编辑疗法。", "永信生物"),
    ("永信生技自台灣大學衍生成立，專注於間質幹細胞療法。", "永信生技"),
])
def test_a_comma_clause_without_a_subject_continues_the_company_not_its_school(extractor: Extractor, text: str,
                                                                              developer: str) -> None:
    got = relation_pairs(extractor, "develops", text)
    assert got and {s for s, _ in got} <= {developer, developer[:2]}, got


@pytest.mark.parametrize("text,partner", [
    ("和康生技攜手中國醫藥大學附設醫院，申請細胞治療施行計畫。", "和康生技"),
    ("台大醫院與和泰生技簽署合作協議。", "和泰生技"),
])
def test_a_name_may_begin_with_he_where_no_conjunction_can_stand(extractor: Extractor, text: str, partner: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert any(p == "partneredWith" and partner in (s, o) for s, p, o in facts), facts


def test_he_between_two_names_stays_a_conjunction(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "永信生技和康霖生技簽署合作協議。")
    assert {(s, o) for s, p, o in facts if p == "partneredWith"} == {("永信生技", "康霖生技")}


@pytest.mark.parametrize("text", [
    "Harwick Bio agreed to license its allogeneic CAR-T to Takeda.",
    "Shares of Harwick Bio jumped after the company agreed to license its allogeneic CAR-T to Takeda.",
    "Harwick Bio will license its allogeneic CAR-T to Takeda.",
])
def test_a_licence_out_in_the_infinitive(extractor: Extractor, text: str) -> None:
    facts, deals, _ = extract_with_deals(extractor, text)
    assert ("Takeda Pharmaceutical", "licensedFrom", "Harwick Bio") in facts
    assert ("Licence", "Announced", (("licensee", "Takeda Pharmaceutical"), ("licensor", "Harwick Bio"))) in deals


@pytest.mark.parametrize("verb", ["acquired", "bought", "later acquired"])
def test_the_buyer_named_inside_a_relative_clause(extractor: Extractor, verb: str) -> None:
    facts, _, _ = extract_with_deals(extractor, f"Dunmore Cell, which Pfizer {verb} in 2021, develops AAV gene therapies.")
    assert ("Pfizer", "acquired", "Dunmore Cell") in facts
    assert ("Dunmore Cell", "develops", "AAV gene therapy") in facts


@pytest.mark.parametrize("text,acquirer", [
    ("Shares of Harwick Bio jumped 40% after Regeneron Pharmaceuticals agreed to acquire the company for $1 billion.",
     "Regeneron Pharmaceuticals"),
    ("Harwick Bio stock soared after Amgen said it would buy the biotech.", "Amgen"),
])
def test_the_company_whose_shares_moved_is_the_one_bought(extractor: Extractor, text: str, acquirer: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert {(s, o) for s, p, o in facts if p == "acquired"} == {(acquirer, "Harwick Bio")}


def test_rights_to_its_programme_are_the_other_partys(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "Harwick Bio rose 12% after Regeneron Pharmaceuticals agreed to pay "
                                                "$50 million for rights to its TCR-T programme.")
    assert ("Regeneron Pharmaceuticals", "licensedFrom", "Harwick Bio") in facts
    assert {s for s, p, o in facts if p == "develops"} == {"Harwick Bio"}


@pytest.mark.parametrize("text,pair", [
    ("The CAR-T therapy of Osterley Therapeutics targets lupus.", ("Osterley Therapeutics", "CAR-T cell therapy")),
    ("The TCR-T programme from Brenmoor Bio is in Phase 1 for synovial sarcoma.", ("Brenmoor Bio", "TCR-T cell therapy")),
])
def test_a_product_of_a_named_company_is_that_companys(extractor: Extractor, text: str, pair) -> None:
    # After a sentence about another developer, an opening product description is not that developer's.
    got = relation_pairs(extractor, "develops", "Harwick Bio develops NK cells.", text)
    assert pair in got and not [p for p in got if p[0] == "Harwick Bio" and p[1] != "NK cell therapy"], got


@pytest.mark.parametrize("text,developer", [
    ("日本的永信製藥取得iPS細胞療法的有條件許可。", "永信製藥"),
    ("永信生物已获得CAR-T疗法的上市许可。", "永信生物"),
])
def test_a_company_granted_approval_for_a_modality_develops_it(extractor: Extractor, text: str, developer: str) -> None:
    got = relation_pairs(extractor, "develops", text)
    assert got and {s for s, _ in got} <= {developer, developer[:2]}, got



@pytest.mark.parametrize("text,modality,firms", [
    ("CAR-T领域的代表企业包括传奇生物、科济药业和永信生物。", "CAR-T cell therapy",
     {"Legend Biotech", "CARsgen Therapeutics", "永信生物"}),
    ("在TCR-T领域，代表企业有永信生物和恒润达生。", "TCR-T cell therapy", {"永信生物", "Shanghai Hrain Biotechnology"}),
    ("Key players in TCR-T include Adaptimmune, Immatics and Harwick Bio.", "TCR-T cell therapy",
     {"Adaptimmune", "Immatics", "Harwick Bio"}),
    ("Companies developing in vivo CAR-T include Capstan Therapeutics and Harwick Bio.", "in vivo CAR-T",
     {"Capstan Therapeutics", "Harwick Bio"}),
])
def test_the_players_a_roundup_lists_for_a_field_develop_it(extractor: Extractor, text: str, modality: str,
                                                              firms: set[str]) -> None:
    assert relation_pairs(extractor, "develops", text) == {(f, modality) for f in firms}


def test_a_field_sentence_is_no_continuation_of_the_previous_company(extractor: Extractor) -> None:
    got = relation_pairs(extractor, "develops", "传奇生物开发CAR-T疗法。", "布局NK细胞疗法的企业包括永信生物、合源生物等。")
    assert got == {("Legend Biotech", "CAR-T cell therapy"), ("永信生物", "NK cell therapy"),
                   ("Juventas Cell Therapy", "NK cell therapy")}


@pytest.mark.parametrize("text", [
    "Key players in TCR-T do not include Harwick Bio.",
    "CAR-T领域的代表企业不包括永信生物。",
])
def test_a_negated_players_list_gives_nothing(extractor: Extractor, text: str) -> None:
    assert relation_pairs(extractor, "develops", text) == set()


def test_a_company_inside_a_parenthesis_is_no_subject(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "Osterley Therapeutics (acquired by Pfizer in 2019) develops AAV gene therapies.")
    assert ("Pfizer", "acquired", "Osterley Therapeutics") in facts
    assert {s for s, p, o in facts if p == "develops"} == {"Osterley Therapeutics"}


@pytest.mark.parametrize("text,parent,child", [
    ("Harwick Bio, now part of Amgen, discontinued its TCR-T work.", "Amgen", "Harwick Bio"),
    ("Osterley Therapeutics is now part of Roche.", "Roche", "Osterley Therapeutics"),
])
def test_now_part_of_names_the_acquirer(extractor: Extractor, text: str, parent: str, child: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert (parent, "acquired", child) in facts


def test_the_client_of_a_manufacturing_service_owns_the_product(extractor: Extractor) -> None:
    got = relation_pairs(extractor, "develops", "恒润达生则与药明生基签署CDMO服务协议，由后者负责其CAR-T产品的病毒载体生产。")
    assert got == {("Shanghai Hrain Biotechnology", "CAR-T cell therapy")}


def test_a_manufacturer_makes_the_clients_product(extractor: Extractor) -> None:
    got = relation_pairs(extractor, "develops", "Osterley Therapeutics teams up with Lonza to make its iPSC-derived cells.")
    assert got == {("Osterley Therapeutics", "iPSC-derived cell therapy")}


@pytest.mark.parametrize("text,fact", [
    ("Brenmoor Bio taps Charles River Laboratories to manufacture its AAV gene therapy.",
     ("Brenmoor Bio", "partneredWith", "Charles River Laboratories")),
    ("Takeda strikes licensing deal for Dunmore Cell's NK cell platform.",
     ("Takeda Pharmaceutical", "licensedFrom", "Dunmore Cell")),
])
def test_headline_tense_deal_frames(extractor: Extractor, text: str, fact) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert fact in facts, facts
