"""Products as first-class mentions (issue #12, h/rnd): a product's owner develops its modality and targets its
indication, whatever verb the sentence uses.

Sentences written for these tests (invented companies and codes); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.extract.products import product_spans
from regenkg.graph.ontology import Gazetteer

from conftest import extract_texts


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _rnd(extractor: Extractor, text: str, lang: str) -> set[tuple[str, str, str]]:
    facts, ex, label = extract_texts(extractor, text, lang=lang)
    out = set()
    for r in ex.relations:
        if r.predicate in ("develops", "targets"):
            ent = extractor.gazetteer.entities.get(r.object)
            obj = ent.labels.get("en") if ent is not None else label(r.object)
            out.add((label(r.subject), r.predicate, obj))
    return out


@pytest.mark.parametrize("text,lang,company,modality,indication", [
    # The owner in brackets after the product.
    ("HLV-201 (Halvorsen Therapeutics) is an autologous CAR-T cell therapy for multiple myeloma.", "en",
     "Halvorsen Therapeutics", "autologous CAR-T", "multiple myeloma"),
    # "whose": the relative clause's product.
    ("Roche signed a deal with Nerine Bio, whose NRB-11 is an AAV gene therapy for haemophilia B.", "en",
     "Nerine Bio", "AAV gene therapy", "haemophilia B"),
    # The developer named by "由…開發", the modality and the indication in the clauses after it.
    ("候選藥物QL-7由青嶺生技開發，是一款CAR-NK細胞療法，適應症為急性骨髓性白血病。", "zh-Hant",
     "青嶺生技", "CAR-NK cell therapy", "acute myeloid leukaemia"),
    # The owner inside the product's own bracket.
    ("QL-101（澜川基因开发的AAV基因疗法）用于治疗血友病B。", "zh-Hans", "澜川基因", "AAV gene therapy", "haemophilia B"),
])
def test_a_product_linked_to_its_owner_gives_the_owner_its_modality_and_indication(extractor, text, lang, company,
                                                                                    modality, indication):
    facts = _rnd(extractor, text, lang)
    assert (company, "develops", modality) in facts, facts
    assert (company, "targets", indication) in facts, facts


@pytest.mark.parametrize("text,lang,company,indication", [
    # Possessive owner, the indication said of the product in the next clause ("该药物用于…").
    ("在此次合作中，辉瑞将获得澜川基因的CAR-T候选药物LC-5，该药物用于治疗多发性骨髓瘤。", "zh-Hans", "澜川基因",
     "multiple myeloma"),
    # The sentence's only company advances the product; no R&D noun is written.
    ("Quillon Bio is advancing QB-9 for Duchenne muscular dystrophy.", "en", "Quillon Bio",
     "Duchenne muscular dystrophy"),
])
def test_the_indication_said_of_a_product_is_its_owners(extractor, text, lang, company, indication):
    assert (company, "targets", indication) in _rnd(extractor, text, lang)


@pytest.mark.parametrize("text,lang,absent", [
    # A product that changes hands is the deal rules' business.
    ("Halvorsen Therapeutics sold HLV-201, an autologous CAR-T for multiple myeloma, to Pfizer.", "en",
     ("Halvorsen Therapeutics", "targets", "multiple myeloma")),
    # The words after another company are that company's.
    ("HLV-201 (Halvorsen Therapeutics) entered the clinic, and Brightwater Bio reported data in lupus.", "en",
     ("Halvorsen Therapeutics", "targets", "systemic lupus erythematosus")),
    # A reported plan is no fact.
    ("HLV-201 (Halvorsen Therapeutics) may not be developed for multiple myeloma.", "en",
     ("Halvorsen Therapeutics", "targets", "multiple myeloma")),
    # The work has ended.
    ("青嶺生技的QL-101已暫停開發，原用於治療多發性骨髓瘤。", "zh-Hant", ("青嶺生技", "targets", "multiple myeloma")),
    # "將其P出售給Y": the deal verb after the product still takes it away.
    ("青嶺生技將其異體CAR-T產品QL-9出售給晨璟生技，交易金額未公開。", "zh-Hant",
     ("青嶺生技", "develops", "allogeneic CAR-T")),
])
def test_a_product_gives_nothing_when_it_leaves_its_owner_or_its_work_is_not_current(extractor, text, lang, absent):
    assert absent not in _rnd(extractor, text, lang)


def test_antigens_cytokines_and_trial_ids_are_no_products():
    text = "The CD19 and BCMA CAR-T targets IL-6, PD-1 and HER2 in trial NCT-04567 under COVID-19 rules."
    found = {text[a:b] for a, b in product_spans(text, [])}
    assert found == set(), found
    codes = "Doses of HLV-201, CT041 and QB-9 rose."
    assert {codes[a:b] for a, b in product_spans(codes, [])} == {"HLV-201", "CT041", "QB-9"}


def test_a_broader_indication_beside_a_narrower_one_is_not_targeted(extractor):
    facts = _rnd(extractor, "Brightwater Bio's BWB-310 is a TIL therapy for melanoma, a skin cancer.", "en")
    assert ("Brightwater Bio", "targets", "melanoma") in facts, facts
    assert ("Brightwater Bio", "targets", "cancer") not in facts, facts


@pytest.mark.parametrize("text,lang,company,modality,indication", [
    # A discovered name owned by a company and described as a therapy is the company's product.
    ("Brightwater Bio's Lumora, an allogeneic CAR-T for lupus, won approval, Pfizer said.", "en",
     "Brightwater Bio", "allogeneic CAR-T", "systemic lupus erythematosus"),
    # A product noun after the owner's possessive, another company the sentence's subject.
    ("Roche will co-develop Halvorsen Therapeutics' allogeneic CAR-T candidate for lupus.", "en",
     "Halvorsen Therapeutics", "allogeneic CAR-T", "systemic lupus erythematosus"),
    # A hospital partner between the owner and its product.
    ("青嶺生技與台大醫院合作的CAR-T產品用於治療淋巴瘤。", "zh-Hant", "青嶺生技", "CAR-T cell therapy", "lymphoma"),
])
def test_owned_products_without_a_code(extractor, text, lang, company, modality, indication):
    facts = _rnd(extractor, text, lang)
    assert (company, "develops", modality) in facts, facts
    assert (company, "targets", indication) in facts, facts


def test_a_product_named_twice_in_brackets_keeps_its_words(extractor):
    facts = _rnd(extractor, "Quillon Bio's Velmora (QB-12), a TIL therapy for melanoma, sold well.", "en")
    assert ("Quillon Bio", "targets", "melanoma") in facts, facts


def test_an_intended_indication_is_targeted(extractor):
    facts = _rnd(extractor, "澜川基因宣布，其自主研发的AAV基因治疗产品LC-8拟用于治疗血友病B。", "zh-Hans")
    assert ("澜川基因", "targets", "haemophilia B") in facts, facts


@pytest.mark.parametrize("text,lang,company,indication", [
    ("Halvorsen Therapeutics develops allogeneic CAR-T cells, initially in lupus nephritis.", "en",
     "Halvorsen Therapeutics", "lupus nephritis"),
    ("青嶺生技專注開發間質幹細胞，主要鎖定急性呼吸窘迫症候群。", "zh-Hant", "青嶺生技", "acute respiratory distress syndrome"),
    ("澜川基因正在开发AAV基因疗法，首个适应症为血友病B。", "zh-Hans", "澜川基因", "haemophilia B"),
])
def test_the_indication_right_after_a_developed_modality_is_the_developers_target(extractor, text, lang, company,
                                                                                  indication):
    assert (company, "targets", indication) in _rnd(extractor, text, lang)


@pytest.mark.parametrize("text,lang,absent", [
    # Another company between the modality and the indication: whose aim it is is unclear.
    ("Halvorsen Therapeutics develops CAR-T cells, and Quillon Bio is testing one in lupus nephritis.", "en",
     ("Halvorsen Therapeutics", "targets", "lupus nephritis")),
    # A comparison: the indication is not the company's.
    ("Halvorsen Therapeutics develops CAR-T cells, unlike earlier work in lupus nephritis.", "en",
     ("Halvorsen Therapeutics", "targets", "lupus nephritis")),
    # Another statement.
    ("Halvorsen Therapeutics develops CAR-T cells; lupus nephritis remains unmet.", "en",
     ("Halvorsen Therapeutics", "targets", "lupus nephritis")),
])
def test_the_developers_target_needs_the_indication_in_the_same_statement_with_no_one_else(extractor, text, lang,
                                                                                           absent):
    assert absent not in _rnd(extractor, text, lang)


@pytest.mark.parametrize("text,lang,company,indication", [
    # The owner's possessive in the product's apposition.
    ("Regulators cleared MT-101, Marlowe Therapeutics' TCR-T therapy, for synovial sarcoma.", "en",
     "Marlowe Therapeutics", "synovial sarcoma"),
    # A development code in a sentence that names one company firmly.
    ("The FDA granted QL-88 orphan status for Duchenne muscular dystrophy, Quillon Bio said.", "en", "Quillon Bio",
     "Duchenne muscular dystrophy"),
])
def test_a_product_owner_named_after_the_product(extractor, text, lang, company, indication):
    assert (company, "targets", indication) in _rnd(extractor, text, lang)


def test_its_product_with_two_companies_before_it_is_nobodys(extractor):
    facts = _rnd(extractor, "青嶺生技與輝瑞簽約，授權其CAR-NK療法QL-5用於急性骨髓性白血病。", "zh-Hant")
    assert ("Pfizer", "develops", "CAR-NK cell therapy") not in facts, facts
    assert ("Pfizer", "targets", "acute myeloid leukaemia") not in facts, facts


@pytest.mark.parametrize("text,lang,company,modality,indication", [
    ("Pfizer praised Halvorsen Therapeutics' lupus CAR-T after the trial.", "en", "Halvorsen Therapeutics",
     "CAR-T cell therapy", "systemic lupus erythematosus"),
    ("Roche backed Quillon Bio's myeloma-targeting CAR-NK cells.", "en", "Quillon Bio", "CAR-NK cell therapy",
     "multiple myeloma"),
    ("輝瑞看好青嶺生技的狼瘡CAR-T療法。", "zh-Hant", "青嶺生技", "CAR-T cell therapy", "systemic lupus erythematosus"),
])
def test_an_indication_modifying_an_owned_modality_is_the_owners_target(extractor, text, lang, company, modality,
                                                                         indication):
    facts = _rnd(extractor, text, lang)
    assert (company, "develops", modality) in facts, facts
    assert (company, "targets", indication) in facts, facts


def test_respectively_pairs_companies_and_indications_one_by_one(extractor):
    facts = _rnd(extractor, "青嶺生技、晨璟生技的CAR-T產品分別用於淋巴瘤與骨髓瘤。", "zh-Hant")
    assert {("青嶺生技", "targets", "lymphoma"), ("晨璟生技", "targets", "multiple myeloma"),
            ("青嶺生技", "develops", "CAR-T cell therapy"), ("晨璟生技", "develops", "CAR-T cell therapy")} <= facts, facts
    assert ("晨璟生技", "targets", "lymphoma") not in facts, facts
    assert ("青嶺生技", "targets", "multiple myeloma") not in facts, facts


def test_an_owned_technology_named_in_apposition_or_after_its_verb(extractor):
    assert ("Nerine Bio", "develops", "allogeneic CAR-T") in _rnd(
        extractor, "Nerine Bio's core technology, allogeneic CAR-T, drew Pfizer's interest.", "en")
    assert ("Nerine Bio", "develops", "in vivo CAR-T") in _rnd(
        extractor, "Nerine Bio's approach relies on in vivo CAR-T, Pfizer said.", "en")
