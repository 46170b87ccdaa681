"""R&D frames of issue #12 (h/rd): trial-site sentences, a product's maker in apposition, an indication written
as the modifier of "its" modality, a pronoun "其" owning a modality, the owner of a partnership asset named as
the subject of its own clause, and vocabulary families.

Sentences written for these tests (invented names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, *texts: str, lang: str = "en") -> set[tuple[str, str, str]]:
    facts, _, _ = extract_texts(extractor, *texts, lang=lang)
    return facts


@pytest.mark.parametrize("text,company,indication", [
    ("Halvard Bio's TIL therapy is in trials at Mercy General Hospital for melanoma.", "Halvard Bio", "melanoma"),
    ("Halvard Bio's allogeneic CAR-T is being tested in a phase 2 trial at the Karolinska University Hospital in "
     "Stockholm for lupus nephritis.", "Halvard Bio", "lupus nephritis"),
])
def test_a_product_in_trials_at_a_hospital_for_a_disease_is_its_owners_target(extractor, text, company, indication):
    facts = _facts(extractor, text)
    assert (company, "targets", indication) in facts, facts
    assert not any(s.endswith("Hospital") and p == "targets" for s, p, _ in facts), facts


def test_the_maker_named_in_apposition_owns_the_product_and_its_words(extractor):
    facts = _facts(extractor, "Halvane Pharma paid $4.3 billion for Quillon Bio, maker of Velarix, a gene therapy "
                              "for inherited retinal disease.")
    assert ("Quillon Bio", "develops", "gene therapy") in facts, facts
    assert ("Quillon Bio", "targets", "inherited retinal dystrophy") in facts, facts
    assert ("Halvane Pharma", "develops", "gene therapy") not in facts, facts


@pytest.mark.parametrize("lang,texts,company,indication", [
    ("en", ("Halvane Pharma paid $8.7 billion for Quillon Bio and its SMA gene therapy Velarix.",),
     "Quillon Bio", "spinal muscular atrophy"),
    ("zh-Hant", ("瀚德生技今年募資10億元，其狼瘡CAR-T療法已進入臨床試驗。",), "瀚德生技", "systemic lupus erythematosus"),
])
def test_an_indication_written_as_the_modifier_of_its_modality_is_targeted(extractor, lang, texts, company,
                                                                           indication):
    facts = _facts(extractor, *texts, lang=lang)
    assert (company, "targets", indication) in facts, facts


def test_a_sentence_opening_with_qi_develops_what_qi_owns_even_beside_a_hospital(extractor):
    facts = _facts(extractor, "瀚德生技今年募資10億元。", "其NK細胞療法已在德明醫院進行臨床試驗，用於治療肝癌。",
                   lang="zh-Hant")
    assert ("瀚德生技", "develops", "NK cell therapy") in facts, facts
    assert ("瀚德生技", "targets", "liver cancer") in facts, facts


def test_a_possessive_apposition_owns_the_product_named_before_it(extractor):
    facts = _facts(extractor, "Velarix, Quillon Bio's CAR-T therapy, was approved for multiple myeloma in 2024.")
    assert ("Quillon Bio", "targets", "multiple myeloma") in facts, facts
    assert not any(s == "Velarix" and p == "targets" for s, p, _ in facts), facts


@pytest.mark.parametrize("lang,text,owner,other,term", [
    ("zh-Hans", "瀚德生物与泰斯默生物达成合作，泰斯默生物将提供其NK细胞平台。", "泰斯默生物", "瀚德生物", "NK cell therapy"),
    ("en", "Tesmer Therapeutics partnered with Halvard Bio, which will contribute its NK cell platform.",
     "Halvard Bio", "Tesmer Therapeutics", "NK cell therapy"),
])
def test_its_asset_belongs_to_the_subject_of_its_own_clause(extractor, lang, text, owner, other, term):
    facts = _facts(extractor, text, lang=lang)
    assert (owner, "develops", term) in facts, facts
    assert (other, "develops", term) not in facts, facts
    assert any(p == "partneredWith" for _, p, _ in facts), facts


def test_partners_with_no_written_owner_both_keep_the_asset(extractor):
    facts = _facts(extractor, "Halvard Bio and Tesmer Therapeutics agreed to jointly develop NK cell therapies.")
    assert ("Halvard Bio", "develops", "NK cell therapy") in facts, facts
    assert ("Tesmer Therapeutics", "develops", "NK cell therapy") in facts, facts


@pytest.mark.parametrize("lang,surface,label,broader", [
    ("en", "dual-targeting CAR-T", "multi-target CAR-T", "CAR-T cell therapy"),
    ("zh-Hant", "雙靶點CAR-T", "multi-target CAR-T", "CAR-T cell therapy"),
    ("en", "umbilical cord MSCs", "umbilical cord-derived MSCs", "mesenchymal stem cell therapy"),
    ("zh-Hans", "脐带间充质干细胞", "umbilical cord-derived MSCs", "mesenchymal stem cell therapy"),
    ("en", "dementia", "dementia", "neurodegenerative disease"),
    ("zh-Hant", "多系統萎縮症", "multiple system atrophy", "neurodegenerative disease"),
    ("en", "IgA nephropathy", "IgA nephropathy", "kidney disease"),
    ("zh-Hans", "膜性肾病", "membranous nephropathy", "kidney disease"),
    ("en", "dermatomyositis", "dermatomyositis", "myositis"),
    ("en", "retinal degeneration", "retinal disease", "eye disease"),
    ("zh-Hant", "遺傳疾病", "genetic disease", None),
    ("en", "muscular dystrophy", "muscular dystrophy", "musculoskeletal disorder"),
    ("zh-Hans", "白癜风", "vitiligo", "autoimmune disease"),
])
def test_general_term_families_are_recognised_with_their_broader_term(extractor, lang, surface, label, broader):
    text = f"Acme Cellworks develops {surface} products." if lang == "en" else f"甲乙生技開發{surface}產品。"
    gaz = extractor.gazetteer
    iri = next(e.iri for e in gaz.entities.values() if e.labels.get("en") == label)
    found = [m for m in extractor.finder.find(text, frozenset(), []) if m.surface == surface]
    assert [m.iri for m in found] == [iri], [(m.surface, m.iri) for m in extractor.finder.find(text, frozenset(), [])]
    if broader is not None:
        assert any(gaz.entities[b].labels.get("en") == broader for b in gaz.broader.get(iri, ())), gaz.broader.get(iri)


@pytest.mark.parametrize("surface,label", [
    ("Duchenne muscular dystrophy", "Duchenne muscular dystrophy"),
    ("Parkinson's disease", "Parkinson's disease"),
])
def test_narrower_terms_join_the_new_families(extractor, surface, label):
    gaz = extractor.gazetteer
    iri = next(e.iri for e in gaz.entities.values() if e.labels.get("en") == label)
    parents = {gaz.entities[b].labels.get("en") for b in gaz.broader.get(iri, ())}
    assert parents & {"muscular dystrophy", "neurodegenerative disease"}, parents


@pytest.mark.parametrize("lang,text,parties,term,indication", [
    ("zh-Hant", "瀚德生技斥資10億元入股泰斯默生醫，雙方將合作開發NK細胞療法。", ("瀚德生技", "泰斯默生醫"),
     "NK cell therapy", None),
    ("en", "Halvane Pharma signed a deal with Quillon Bio; the two companies will jointly develop CAR-NK therapies "
           "for lymphoma.", ("Halvane Pharma", "Quillon Bio"), "CAR-NK cell therapy", "lymphoma"),
])
def test_both_parties_named_as_one_subject_each_develop_the_shared_work(extractor, lang, text, parties, term,
                                                                        indication):
    facts = _facts(extractor, text, lang=lang)
    for p in parties:
        assert (p, "develops", term) in facts, facts
        if indication:
            assert (p, "targets", indication) in facts, facts


@pytest.mark.parametrize("lang,text", [
    ("en", "Halvane Pharma signed a deal with Quillon Bio; the two companies may develop CAR-NK therapies."),
    ("zh-Hant", "瀚德生技宣布結束與泰斯默生醫的合作，雙方共同開發的NK細胞療法將由瀚德生技獨立推進。"),
])
def test_both_parties_stay_silent_when_hedged_or_about_past_joint_work(extractor, lang, text):
    facts = _facts(extractor, text, lang=lang)
    assert not any(s in ("Quillon Bio", "泰斯默生醫") and p == "develops" for s, p, _ in facts), facts


def test_a_bracketed_note_after_a_company_names_its_work(extractor):
    facts = _facts(extractor, "Halvane Pharma acquired Quillon Bio ($1.1 billion; in vivo CAR-T) and Tesmer "
                              "Therapeutics ($800 million; base editing).")
    assert ("Quillon Bio", "develops", "in vivo CAR-T") in facts, facts
    assert ("Tesmer Therapeutics", "develops", "base editing") in facts, facts
    assert ("Halvane Pharma", "develops", "in vivo CAR-T") not in facts, facts


@pytest.mark.parametrize("lang,text,owner,term,indication", [
    ("en", "Quillon Bio's Velarix became the first CRISPR therapy approved for sickle cell disease.", "Quillon Bio",
     "gene editing", "sickle cell disease"),
    ("en", "Quillon Bio and Tesmer Therapeutics' Velarix (exa-cel) became the first CRISPR therapy approved for "
           "sickle cell disease.", "Tesmer Therapeutics", "gene editing", "sickle cell disease"),
])
def test_a_name_written_as_a_companys_product_works_for_that_company(extractor, lang, text, owner, term, indication):
    facts = _facts(extractor, text, lang=lang)
    assert (owner, "develops", term) in facts, facts
    assert (owner, "targets", indication) in facts, facts
    assert not any(s == "Velarix" and p in ("develops", "targets") for s, p, _ in facts), facts


def test_a_chinese_possessive_product_is_its_owners_too(extractor):
    facts = _facts(extractor, "瀚德生物的Velarix（瑞基奥仑赛注射液）获批用于治疗复发难治性大B细胞淋巴瘤。", lang="zh-Hans")
    assert ("瀚德生物", "targets", "lymphoma") in facts, facts
    assert not any(s == "Velarix" for s, _, _ in facts), facts


def test_after_a_purchase_no_rule_read_the_next_subjectless_sentence_is_the_targets_work(extractor):
    # "could be worth" hedges the price: no acquisition fact, but the purchase itself is stated.
    facts = _facts(extractor, "Halvane Pharma agreed to buy Boston-based biotech Quillon Bio in a deal that could be "
                              "worth up to $1.2 billion.",
                   "The lead programme, an in vivo CAR-T, is in a phase 1 trial in lupus.")
    assert ("Quillon Bio", "develops", "in vivo CAR-T") in facts, facts
    assert ("Halvane Pharma", "develops", "in vivo CAR-T") not in facts, facts


def test_talks_to_buy_give_the_next_sentence_no_subject(extractor):
    facts = _facts(extractor, "Halvane Pharma is in talks to buy Quillon Bio.",
                   "The lead programme, an in vivo CAR-T, is in a phase 1 trial in lupus.")
    assert not any(p == "develops" for _, p, _ in facts), facts


@pytest.mark.parametrize("lang,surface,label", [
    ("zh-Hans", "细胞免疫疗法", "immune cell therapy"),
    ("en", "regenerative therapies", "regenerative medicine"),
    ("zh-Hant", "現貨型CAR-T", "allogeneic CAR-T"),
    ("zh-Hans", "间充质基质细胞", "mesenchymal stem cell therapy"),
])
def test_common_surface_variants_name_their_concept(extractor, lang, surface, label):
    text = f"Acme Cellworks develops {surface} products." if lang == "en" else f"甲乙生技開發{surface}產品。"
    iri = next(e.iri for e in extractor.gazetteer.entities.values() if e.labels.get("en") == label)
    assert [m.iri for m in extractor.finder.find(text, frozenset(), []) if m.surface == surface] == [iri]


@pytest.mark.parametrize("lang,text,buyer,seller,term", [
    ("en", "Halvane Pharma acquired Quillon Bio's CAR-T programme for $50 million.", "Halvane Pharma", "Quillon Bio",
     "CAR-T cell therapy"),
    ("zh-Hans", "瀚德生物收购了泰斯默生物的CAR-T管线。", "瀚德生物", "泰斯默生物", "CAR-T cell therapy"),
])
def test_a_bought_asset_is_the_buyers_work(extractor, lang, text, buyer, seller, term):
    facts = _facts(extractor, text, lang=lang)
    assert (buyer, "develops", term) in facts, facts
    assert (seller, "develops", term) not in facts, facts


def test_rights_to_a_platform_leave_the_licensor_its_work(extractor):
    facts = _facts(extractor, "Halvane Pharma bought the rights to Quillon Bio's NK cell platform.")
    assert ("Quillon Bio", "develops", "NK cell therapy") in facts, facts


@pytest.mark.parametrize("lang,text,pairs", [
    ("en", "Approved products include Quillon Bio's Velarix (multiple myeloma) and Tesmer Therapeutics' Dormacel "
           "(lymphoma).", [("Quillon Bio", "multiple myeloma"), ("Tesmer Therapeutics", "lymphoma")]),
    ("zh-Hans", "获批产品包括泰斯默生物的Velarix（多发性骨髓瘤）和瀚德生物的Dormacel（淋巴瘤）。",
     [("泰斯默生物", "multiple myeloma"), ("瀚德生物", "lymphoma")]),
])
def test_a_possessed_product_with_its_indication_in_brackets_is_its_owners_target(extractor, lang, text, pairs):
    facts = _facts(extractor, text, lang=lang)
    for company, indication in pairs:
        assert (company, "targets", indication) in facts, facts
    assert ("Quillon Bio", "targets", "lymphoma") not in facts and ("泰斯默生物", "targets", "lymphoma") not in facts


def test_an_antigen_between_owner_and_modality_leaves_the_possessive(extractor):
    facts = _facts(extractor, "泰斯默生物的BCMA CAR-T在多发性骨髓瘤中显示出良好疗效。", lang="zh-Hans")
    assert ("泰斯默生物", "develops", "CAR-T cell therapy") in facts, facts
    assert not any(s == "BCMA" for s, _, _ in facts), facts
