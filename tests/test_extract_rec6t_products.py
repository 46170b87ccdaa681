"""Recall of develops/targets (issue #12, h/rec6t): term spellings and products named by their owner.

Sentences written for these tests (invented companies and products); none is taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from conftest import extract_with_deals
from regenkg.graph.extract import Extractor
from regenkg.graph.match import Matcher
from regenkg.graph.ontology import Gazetteer, spelling_variants


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def extractor(gazetteer: Gazetteer) -> Extractor:
    return Extractor(gazetteer)


@pytest.mark.parametrize("surface, variant", [
    ("beta-thalassemia", "beta-thalassaemia"),
    ("beta-thalassemia", "beta thalassemia"),
    ("acute lymphoblastic leukemia", "acute lymphoblastic leukaemia"),
    ("hemophilia A", "haemophilia A"),
    ("esophageal cancer", "oesophageal cancer"),
    ("solid tumour", "solid tumors"),
    ("Parkinson's disease", "Parkinson’s disease"),
    ("B-cell malignancy", "B-cell malignancies"),
    ("β-thalassemia", "beta-thalassemia"),
])
def test_a_term_label_comes_in_its_other_spellings(surface, variant):
    assert variant in spelling_variants(surface)


@pytest.mark.parametrize("surface", ["systemic lupus erythematosus", "CAR-T", "ALS", "academic", "鐮刀型貧血症"])
def test_a_label_without_another_spelling_gets_none_made_up(surface):
    assert not any(v.replace("ae", "e") == surface.replace("ae", "e") and v != surface and not v.endswith("s")
                   for v in spelling_variants(surface))


@pytest.mark.parametrize("text, local", [
    ("beta-thalassaemia", "beta-thalassaemia"),
    ("Parkinson’s disease", "parkinsons"),
    ("sickle cell anaemia", "sickle-cell-disease"),
    ("acute lymphoblastic leukemias", "leukaemia"),
    ("myelofibrosis", "myelofibrosis"),
    ("股骨頭壞死", "osteonecrosis"),
    ("oncolytic adenovirus", "oncolytic-virus"),
])
def test_the_gazetteer_reads_the_spelling_or_the_term(gazetteer, text, local):
    found = Matcher(gazetteer.surfaces()).find(text)
    assert [(m.start, m.end, m.iri.rsplit("/", 1)[-1]) for m in found] == [(0, len(text), local)]


def test_a_written_label_of_another_term_wins_over_a_variant(gazetteer):
    written = {s for ent in gazetteer.entities.values() if ent.type != "MarketFigure"
               for s in (*ent.labels.values(), *ent.aliases)}
    surfaces = gazetteer.surfaces()
    kinds = [s.strip() in written for s, _ in surfaces]
    assert not all(kinds)  # there are variants …
    assert kinds.index(False) == sum(kinds)  # … and every one of them comes after every written surface


def test_a_spelling_variant_gives_the_fact(extractor):
    facts, _, _ = extract_with_deals(extractor, "Kestrel Bio won FDA approval for its lentiviral gene therapy for "
                                                "beta-thalassaemia.")
    assert ("Kestrel Bio", "targets", "β-thalassaemia") in facts


def test_a_product_for_patients_with_an_indication_is_its_owners(extractor):
    facts, _, _ = extract_with_deals(extractor, "EU regulators recommended Calder Genetics' Linvara for patients with "
                                                "sickle cell disease.")
    assert ("Calder Genetics", "targets", "sickle cell disease") in facts
    assert not any(s == "Linvara" and p in ("develops", "targets") for s, p, _ in facts)


def test_a_product_named_by_its_owner_once_stays_its_owners(extractor):
    facts, _, _ = extract_with_deals(extractor, "Kestrel Bio's Zelvora, an autologous CAR-T therapy, won approval in March.",
                                     "Zelvora is indicated for multiple myeloma.")
    assert ("Kestrel Bio", "targets", "multiple myeloma") in facts
    assert not any(s == "Zelvora" and p in ("develops", "targets") for s, p, _ in facts)


def test_a_deal_about_a_list_of_modalities_gives_the_partner_each_one(extractor):
    facts, _, _ = extract_with_deals(extractor, "Novartis signed a deal with Halden Bio covering CAR-NK, TCR-T and TIL "
                                                "therapies in Asia.")
    assert {m for s, p, m in facts if s == "Halden Bio" and p == "develops"} == {
        "CAR-NK cell therapy", "TCR-T cell therapy", "TIL therapy"}


def test_a_list_that_opens_the_clause_targets_what_its_approval_names(extractor):
    facts, _, _ = extract_with_deals(extractor, "Kestrel Bio and Halden Bio won approval for Zelvora in multiple myeloma.")
    assert {s for s, p, o in facts if p == "targets" and o == "multiple myeloma"} == {"Kestrel Bio", "Halden Bio"}


def test_a_partner_named_as_an_object_is_not_in_the_opening_list(extractor):
    facts, _, _ = extract_with_deals(extractor, "After talks with Kestrel Bio and Ostrava Cell Therapeutics, Halden Bio "
                                                "won approval for Zelvora in multiple myeloma.")
    assert {s for s, p, o in facts if p == "targets" and o == "multiple myeloma"} == {"Halden Bio"}


def test_respectively_pairs_each_owner_with_its_indication(extractor):
    facts, _, _ = extract_with_deals(extractor, "青嶺生技的CAR-T療法與瀚霖細胞的TCR-T療法分別用於治療淋巴瘤與肝癌。")
    targets = {(s, o) for s, p, o in facts if p == "targets"}
    assert ("青嶺生技", "lymphoma") in targets and ("瀚霖細胞", "liver cancer") in targets
    assert ("瀚霖細胞", "lymphoma") not in targets and ("青嶺生技", "liver cancer") not in targets


def test_a_chinese_name_right_before_its_product_owns_it(extractor):
    facts, _, _ = extract_with_deals(extractor, "瀚霖细胞是青岭生技CAR-T产品在大中华区的授权合作伙伴，该产品适应症为多发性骨髓瘤。")
    assert ("青岭生技", "develops", "CAR-T cell therapy") in facts


def test_a_co_developers_list_after_a_connective_targets_the_approval(extractor):
    facts, _, _ = extract_with_deals(extractor, "此外，瀚霖细胞与青岭生技联合开发的倍诺达获批用于治疗淋巴瘤。")
    assert {s for s, p, o in facts if p == "targets" and o == "lymphoma"} == {"瀚霖细胞", "青岭生技"}
