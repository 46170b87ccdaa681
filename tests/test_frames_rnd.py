"""The R&D-subject frame of issue #12: a clause about a company's pipeline says what it works on, verb or not.

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


def _facts(extractor: Extractor, text: str, lang: str = "en") -> set[tuple[str, str, str]]:
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), lang, text)])
    names = {e.iri: e for e in ex.entities} | dict(extractor.gazetteer.entities)

    def label(iri: str) -> str:
        ent = names.get(iri)
        return (ent.labels.get("en") or next(iter(ent.labels.values()))) if ent and ent.labels else iri.rsplit("/", 1)[-1]

    return {(label(r.subject), r.predicate, label(r.object)) for r in ex.relations}


@pytest.mark.parametrize("text,lang,company,modality,indication", [
    ("Marlowe Therapeutics said its lead candidate, an allogeneic CAR-T, entered a phase 1 trial in lupus.", "en",
     "Marlowe Therapeutics", "allogeneic CAR-T", "systemic lupus erythematosus"),
    ("In 2025, Quillon Bio dosed the first patient with its CAR-NK candidate for multiple myeloma.", "en",
     "Quillon Bio", "CAR-NK cell therapy", "multiple myeloma"),
    ("青嶺生技的CAR-T候選藥物已進入臨床一期，適應症為多發性骨髓瘤。", "zh-Hant", "青嶺生技", "CAR-T", "multiple myeloma"),
    ("澜川基因的AAV基因治疗管线已提交新药申报，用于血友病B。", "zh-Hans", "澜川基因", "AAV gene therapy", "haemophilia B"),
])
def test_a_company_opening_an_rnd_clause_develops_and_targets_what_it_names(extractor, text, lang, company,
                                                                              modality, indication):
    facts = _facts(extractor, text, lang)
    assert (company, "develops", modality) in facts or any(
        s == company and p == "develops" for s, p, _ in facts), facts
    assert (company, "targets", indication) in facts, facts


@pytest.mark.parametrize("text,lang", [
    # Two companies: who works on it is the deal's question, not this frame's.
    ("Marlowe Therapeutics and Quillon Bio will run a phase 1 trial of an allogeneic CAR-T in lupus.", "en"),
    # Not about R&D: a market remark.
    ("Marlowe Therapeutics expects the allogeneic CAR-T market to grow fast.", "en"),
    # The work has ended.
    ("Marlowe Therapeutics discontinued its allogeneic CAR-T candidate after a phase 1 trial in lupus.", "en"),
    # The company is no subject of the clause.
    ("A phase 1 trial of an allogeneic CAR-T in lupus was run with support from Marlowe Therapeutics.", "en"),
    # A reported plan is no fact.
    ("Marlowe Therapeutics is reportedly considering a phase 1 trial of an allogeneic CAR-T in lupus.", "en"),
])
def test_the_frame_stays_silent_without_a_sole_subject_company_in_a_live_rnd_clause(extractor, text, lang):
    facts = _facts(extractor, text, lang)
    assert not {(s, p, o) for s, p, o in facts if s == "Marlowe Therapeutics" and p in ("develops", "targets")
                and o in ("allogeneic CAR-T", "systemic lupus erythematosus")}, facts


def test_an_indication_in_apposition_to_another_is_not_a_second_target(extractor):
    facts = _facts(extractor, "Its founder said Corbel Genetics' candidate CG-7 is in a phase 2 trial for Leber "
                              "congenital amaurosis, an inherited retinal dystrophy.")
    facts |= _facts(extractor, "Corbel Genetics has a candidate in a phase 2 trial for Leber congenital amaurosis, "
                               "an inherited retinal dystrophy.")
    assert ("Corbel Genetics", "targets", "Leber congenital amaurosis") in facts, facts
    assert ("Corbel Genetics", "targets", "retinal dystrophy") not in facts, facts


@pytest.mark.parametrize("text,company,modality,indication", [
    # A name ending in "s" takes a bare apostrophe as its possessive.
    ("Marlowe Therapeutics' MT-101, an allogeneic CAR-T therapy, is being tested in lupus.",
     "Marlowe Therapeutics", "allogeneic CAR-T", None),
    # The owner of a product named in the product's apposition.
    ("MT-101, Marlowe Therapeutics' CAR-T therapy for lymphoma, won approval in Japan.",
     "Marlowe Therapeutics", "CAR-T cell therapy", "lymphoma"),
])
def test_the_owner_of_a_product_develops_and_targets_what_the_product_is(extractor, text, company, modality,
                                                                        indication):
    facts = _facts(extractor, text)
    assert (company, "develops", modality) in facts, facts
    if indication:
        assert (company, "targets", indication) in facts, facts


def test_a_possessive_without_a_product_or_rnd_word_gives_nothing(extractor):
    facts = _facts(extractor, "Marlowe Therapeutics' chief executive spoke about allogeneic CAR-T at a conference.")
    assert not {f for f in facts if f[0] == "Marlowe Therapeutics" and f[1] in ("develops", "targets")}, facts


def test_a_lone_capitalised_word_opening_the_sentence_is_no_rnd_subject(extractor):
    facts = _facts(extractor, "Beyond sarcoma, TCR-T candidates are being tested in lung cancer and melanoma.")
    assert not {f for f in facts if f[1] in ("develops", "targets")}, facts


def test_once_as_one_time_does_not_end_the_work(extractor):
    facts = _facts(extractor, "Marlowe Therapeutics' platform starts from an iPSC line that can be edited once and "
                              "then expanded.")
    assert ("Marlowe Therapeutics", "develops", "induced pluripotent stem cells") in facts or any(
        s == "Marlowe Therapeutics" and p == "develops" for s, p, _ in facts), facts


@pytest.mark.parametrize("text,lang,bad", [
    ("青嶺生技的異體間質幹細胞產品QL-3用於造血幹細胞移植後的移植物抗宿主病。", "zh-Hant", "haematopoietic stem cell therapy"),
    ("Marlowe Therapeutics says its process is similar to autologous cell therapy in a phase 1 trial.", "en",
     "cell therapy"),
])
def test_a_procedure_or_a_comparison_is_no_modality_of_the_subject(extractor, text, lang, bad):
    facts = _facts(extractor, text, lang)
    assert not {f for f in facts if f[1] == "develops" and f[2] == bad and f[0] != bad}, facts
