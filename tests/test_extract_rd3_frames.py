"""Frames of h/rd3 (issue #12): the main clause of "X, <closed modifier>, <predicate>" is read without the
modifier ("its" after it is X's, not the modifier company's); a company list sharing one predicate; a pronoun
after a short lead-in ("此外，其…") and a description with a comma or a hyphenated adjective ("The Cambridge,
Massachusetts-based company", "The clinical-stage company").

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


def _facts(extractor: Extractor, text: str, lang: str = "en") -> set[tuple[str, str, str]]:
    _, ex, label = extract_texts(extractor, text, lang=lang)
    return {(label(r.subject), r.predicate, label(r.object)) for r in ex.relations}


@pytest.mark.parametrize("lang,text,fact", [
    ("en", "Pellworth Bio, backed by Marten Pharma, has CAR-T trials in lupus.",
     ("Pellworth Bio", "targets", "systemic lupus erythematosus")),
    ("en", "Pellworth Bio (formerly a Marten Pharma unit) runs CAR-T trials in lupus.",
     ("Pellworth Bio", "develops", "CAR-T cell therapy")),
    ("en", "Pellworth Bio, which Marten Pharma backed in 2022, is testing CAR-T in lupus.",
     ("Pellworth Bio", "develops", "CAR-T cell therapy")),
    ("en", "Pellworth Bio, Marten Pharma's former cell therapy unit, now runs trials in lupus.",
     ("Pellworth Bio", "targets", "systemic lupus erythematosus")),
    ("en", "Pellworth Bio's allogeneic CAR-T candidate, licensed from Marten Pharma, showed responses in multiple "
           "myeloma.", ("Pellworth Bio", "targets", "multiple myeloma")),
    ("zh-Hant", "晨璟生物（由復旦大學分拆成立）專注於CAR-NK療法。", ("晨璟生物", "develops", "CAR-NK cell therapy")),
])
def test_the_main_clause_after_a_modifier_is_the_opening_company_s(extractor, lang, text, fact):
    facts = _facts(extractor, text, lang)
    assert fact in facts, facts


def test_its_after_a_modifier_is_the_subject_s_not_the_modifier_company_s(extractor):
    facts = _facts(extractor, "Pellworth Bio, spun out of Marten Pharma, is testing its allogeneic CAR-T in patients "
                              "with lupus.")
    assert ("Pellworth Bio", "develops", "allogeneic CAR-T") in facts, facts
    assert not any(s == "Marten Pharma" and p in ("develops", "targets") for s, p, _ in facts), facts


@pytest.mark.parametrize("text", [
    "Pellworth Bio, backed by Marten Pharma, may start CAR-T trials in lupus.",  # a hedge in the main clause
    "Pellworth Bio, backed by Marten Pharma, halted its CAR-T trials in lupus.",  # ended work
    "Pellworth Bio, a Boston biotech, raised $80 million.",  # nothing hidden in the modifier, no term
])
def test_no_main_clause_fact_from_hedged_or_ended_work(extractor, text):
    facts = _facts(extractor, text)
    assert not any(p in ("develops", "targets") for _, p, _ in facts), facts


@pytest.mark.parametrize("lang,text,facts", [
    ("en", "Pellworth Bio and Osprey Genetics are CAR-T specialists.",
     {("Pellworth Bio", "develops", "CAR-T cell therapy"), ("Osprey Genetics", "develops", "CAR-T cell therapy")}),
    ("en", "Pellworth Bio, Osprey Genetics and Halden Therapeutics all have CAR-T trials in lupus.",
     {(c, "targets", "systemic lupus erythematosus") for c in ("Pellworth Bio", "Osprey Genetics",
                                                               "Halden Therapeutics")}),
    ("zh-Hant", "晨璟生技與瀾嶼生技皆有狼瘡臨床試驗。",
     {("晨璟生技", "targets", "systemic lupus erythematosus"), ("瀾嶼生技", "targets", "systemic lupus erythematosus")}),
    ("zh-Hans", "晨璟生技与澜屿生技都是CAR-T业者。",
     {("晨璟生技", "develops", "CAR-T cell therapy"), ("澜屿生技", "develops", "CAR-T cell therapy")}),
    # h/rd3: "all" is no "a": the whole list is of that kind, not only its last member
    ("en", "Pellworth Bio, Osprey Genetics and Halden Therapeutics, all CAR-T developers, raised money.",
     {(c, "develops", "CAR-T cell therapy") for c in ("Pellworth Bio", "Osprey Genetics", "Halden Therapeutics")}),
])
def test_a_list_sharing_one_predicate_gives_it_to_every_member(extractor, lang, text, facts):
    got = _facts(extractor, text, lang)
    assert facts <= got, got


@pytest.mark.parametrize("text", [
    "Pellworth Bio and Osprey Genetics are both exploring CAR-T in lupus.",  # a hedge
    "Pellworth Bio and Osprey Genetics have lupus and myeloma programmes, respectively.",  # a pairing
    "Pellworth Bio and Osprey Genetics are both partners of Marten Pharma's CAR-T programme.",  # a deal, another owner
])
def test_no_shared_predicate_fact_from_hedges_pairings_or_deals(extractor, text):
    got = _facts(extractor, text)
    assert not any(s in ("Pellworth Bio", "Osprey Genetics") and p in ("develops", "targets") for s, p, _ in got), got


@pytest.mark.parametrize("lang,texts,fact", [
    ("zh-Hans", ("晨璟生物完成融资。", "此外，其CAR-T疗法已进入临床二期。"), ("晨璟生物", "develops", "CAR-T cell therapy")),
    ("zh-Hant", ("晨璟生技完成募資。", "據悉，其CAR-T療法已進入臨床二期。"), ("晨璟生技", "develops", "CAR-T cell therapy")),
    ("en", ("Pellworth Bio raised $80 million.", "The Cambridge, Massachusetts-based company develops CAR-NK therapies."),
     ("Pellworth Bio", "develops", "CAR-NK cell therapy")),
    ("en", ("Pellworth Bio raised $80 million.", "The clinical-stage company develops CAR-NK therapies."),
     ("Pellworth Bio", "develops", "CAR-NK cell therapy")),
])
def test_a_pronoun_after_a_lead_in_and_a_long_description_stand_for_the_topic(extractor, lang, texts, fact):
    facts, _, _ = extract_texts(extractor, *texts, lang=lang)
    assert fact in facts, facts


def test_a_description_with_a_comma_picks_the_company_it_describes(extractor):
    facts, _, _ = extract_texts(extractor, "Marten Pharma partnered with Pellworth Bio, a Cambridge, Massachusetts-based "
                                           "biotech.", "The Cambridge, Massachusetts-based biotech develops CAR-NK therapies.")
    assert ("Pellworth Bio", "develops", "CAR-NK cell therapy") in facts, facts
    assert ("Marten Pharma", "develops", "CAR-NK cell therapy") not in facts, facts


@pytest.mark.parametrize("lang,text,facts", [
    ("en", "Pellworth Bio and Marten Pharma will co-commercialise the CAR-T in the US and Europe.",
     {(c, "operatesIn", p) for c in ("Pellworth Bio", "Marten Pharma") for p in ("United States", "European Union")}),
    ("en", "South Korea-based Pellworth Bio sold its CAR-T unit to Marten Pharma.",
     {("Pellworth Bio", "operatesIn", "South Korea")}),
    ("zh-Hant", "晨璟生技在台灣與瀾嶼生技合作開發CAR-T。", {("晨璟生技", "operatesIn", "Taiwan")}),
])
def test_places_of_a_subject_list_a_based_home_and_a_place_of_joint_work(extractor, lang, text, facts):
    got = _facts(extractor, text, lang)
    assert facts <= got, got


def test_a_country_s_possessive_is_no_part_of_the_company_name(extractor):
    got = _facts(extractor, "Japan's Pellworth Bio licensed its CAR-T to Marten Pharma.")
    assert ("Pellworth Bio", "operatesIn", "Japan") in got, got
    assert ("Marten Pharma", "licensedFrom", "Pellworth Bio") in got, got


def test_the_modality_developer_described_later_is_the_other_company_not_the_subject(extractor):
    got = _facts(extractor, "Marten Pharma dropped its bid for Pellworth Bio, choosing a research pact with the CAR-NK "
                            "developer instead.")
    assert ("Pellworth Bio", "develops", "CAR-NK cell therapy") in got, got
    assert ("Marten Pharma", "develops", "CAR-NK cell therapy") not in got, got


def test_a_company_that_is_the_modality_developer_develops_it(extractor):
    got = _facts(extractor, "Marten Pharma is the CAR-NK developer to watch.")
    assert ("Marten Pharma", "develops", "CAR-NK cell therapy") in got, got


def test_the_unit_inside_a_sentence_is_the_company_just_named_not_the_subject(extractor):
    got = _facts(extractor, "Marten Pharma folded its eye work into Pellworth Bio, which it acquired in 2022, and said the "
                            "unit will focus on base editing.")
    assert ("Pellworth Bio", "develops", "base editing") in got, got


def test_a_modality_to_be_advanced_by_a_company_is_its_work(extractor):
    facts, _, _ = extract_texts(extractor, "晨璟生技與瀾嶼生技合作。", "雙方共同開發的CAR-T療法將由晨璟生技獨立推進。",
                                lang="zh-Hant")
    assert ("晨璟生技", "develops", "CAR-T cell therapy") in facts, facts
    assert ("瀾嶼生技", "develops", "CAR-T cell therapy") not in facts, facts


@pytest.mark.parametrize("text", [
    "Pellworth Bio's Velarix (an allogeneic CAR-T) was approved in Japan for lymphoma.",
    "Pellworth Bio won approval for Velarix (CAR-T) in multiple myeloma.",
])
def test_a_name_with_a_therapy_note_after_a_possessive_or_an_approval_is_a_product(extractor, text):
    _, ex, label = extract_texts(extractor, text)
    assert "Velarix" not in {label(e.iri) for e in ex.entities if e.type != "Product"}, ex.entities
    assert not any(label(r.subject) == "Velarix" and r.predicate != "productOf" for r in ex.relations), ex.relations


def test_a_company_s_subsidiary_with_a_company_note_stays_a_company(extractor):
    _, ex, label = extract_texts(extractor, "Marten Pharma's Pellworth Bio (a CAR-T company) raised $50 million.")
    assert any(label(e.iri) == "Pellworth Bio" and e.type != "Product" for e in ex.entities), ex.entities
