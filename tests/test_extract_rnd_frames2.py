"""Develops/targets frames without a develop verb next to the term, and spelling variants (issue #12, h/rnd2).

"X and Y develop A and B respectively", "X, whose lead asset is M for I, …", "P, the M of X, …", "a pivotal
trial", "TCR-T cell therapies", "间充质干细胞治疗". Sentences written for these tests (invented companies);
none is taken from the evaluation sets. A first sentence names the companies, as an article would.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

from conftest import extract_texts

_INTRO = {
    "en": "Halvorsen Therapeutics and Quillon Bio are biotech companies.",
    "zh-Hant": "青嶺生技與晨璟生技都是生技公司。",
    "zh-Hans": "澜川基因和青岭生技都是生物技术公司。",
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str, lang: str) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of the develops/targets facts of ``text``, terms by English label."""
    _, ex, label = extract_texts(extractor, _INTRO[lang], text, lang=lang)
    out = set()
    for r in ex.relations:
        if r.predicate in ("develops", "targets") and r.sentence_id == 1:
            ent = extractor.gazetteer.entities.get(r.object)
            out.add((label(r.subject), r.predicate, ent.labels.get("en") if ent is not None else label(r.object)))
    return out


@pytest.mark.parametrize("text,lang,pairs,crossed", [
    ("Halvorsen Therapeutics and Quillon Bio develop AAV gene therapy and base editing respectively.", "en",
     {("Halvorsen Therapeutics", "AAV gene therapy"), ("Quillon Bio", "base editing")},
     {("Halvorsen Therapeutics", "base editing"), ("Quillon Bio", "AAV gene therapy")}),
    ("青嶺生技與晨璟生技分別開發CAR-NK細胞療法與TIL療法。", "zh-Hant",
     {("青嶺生技", "CAR-NK cell therapy"), ("晨璟生技", "TIL therapy")},
     {("青嶺生技", "TIL therapy"), ("晨璟生技", "CAR-NK cell therapy")}),
    ("澜川基因和青岭生技分别开发AAV基因疗法和碱基编辑疗法。", "zh-Hans",
     {("澜川基因", "AAV gene therapy"), ("青岭生技", "base editing")},
     {("澜川基因", "base editing"), ("青岭生技", "AAV gene therapy")}),
])
def test_respectively_pairs_each_company_with_its_own_modality(extractor, text, lang, pairs, crossed):
    facts = {(s, o) for s, p, o in _facts(extractor, text, lang) if p == "develops"}
    assert pairs <= facts, facts
    assert not crossed & facts, facts


@pytest.mark.parametrize("text,lang,first,second", [
    ("Halvorsen Therapeutics and Quillon Bio are developing CAR-NK cells and TIL therapies, respectively, "
     "for lymphoma and melanoma.", "en", ("Halvorsen Therapeutics", "lymphoma"), ("Quillon Bio", "melanoma")),
    ("澜川基因和青岭生技分别开发AAV基因疗法和碱基编辑疗法，用于治疗血友病和镰状细胞病。", "zh-Hans",
     ("澜川基因", "haemophilia"), ("青岭生技", "sickle cell disease")),
])
def test_respectively_pairs_the_indications_too(extractor, text, lang, first, second):
    facts = {(s, o) for s, p, o in _facts(extractor, text, lang) if p == "targets"}
    assert {first, second} <= facts, facts
    assert (first[0], second[1]) not in facts and (second[0], first[1]) not in facts, facts


def test_without_respectively_every_company_develops_the_list(extractor):
    facts = _facts(extractor, "Halvorsen Therapeutics and Quillon Bio both develop CAR-T cell therapies.", "en")
    assert {("Halvorsen Therapeutics", "develops", "CAR-T cell therapy"),
            ("Quillon Bio", "develops", "CAR-T cell therapy")} <= facts, facts


def test_a_pivotal_trial_is_work_going_on_not_work_shut(extractor):
    facts = _facts(extractor, "Halvorsen Therapeutics is advancing its TIL therapy into a pivotal trial.", "en")
    assert ("Halvorsen Therapeutics", "develops", "TIL therapy") in facts, facts
    shut = _facts(extractor, "Halvorsen Therapeutics pivoted away from TIL therapy last year.", "en")
    assert ("Halvorsen Therapeutics", "develops", "TIL therapy") not in shut, shut


def test_whose_relative_clause_names_the_company_s_work(extractor):
    facts = _facts(extractor, "Quillon Bio, whose lead asset is an autologous CAR-T for multiple myeloma, "
                              "raised $80 million.", "en")
    assert {("Quillon Bio", "develops", "autologous CAR-T"), ("Quillon Bio", "targets", "multiple myeloma")} <= facts
    buyer = _facts(extractor, "Pfizer bought Quillon Bio, whose TIL therapy for melanoma is in a pivotal trial, "
                              "for $1 billion.", "en")
    assert ("Quillon Bio", "develops", "TIL therapy") in buyer, buyer
    assert not any(s == "Pfizer" for s, _, _ in buyer), buyer


def test_whose_clause_that_names_a_sale_gives_nothing(extractor):
    facts = _facts(extractor, "Quillon Bio, whose CAR-T programme was sold to Halvorsen Therapeutics, raised money.",
                   "en")
    assert not any(o == "CAR-T cell therapy" for _, _, o in facts), facts


def test_product_owner_after_of_in_the_apposition(extractor):
    facts = _facts(extractor, "Velorix, the approved CAR-T cell therapy of Halvorsen Therapeutics, earned "
                              "$310 million last year in multiple myeloma.", "en")
    assert {("Halvorsen Therapeutics", "develops", "CAR-T cell therapy"),
            ("Halvorsen Therapeutics", "targets", "multiple myeloma")} <= facts, facts


@pytest.mark.parametrize("text,lang,fact", [
    ("Quillon Bio is developing TCR-T cell therapies for sarcomas.", "en",
     ("Quillon Bio", "develops", "TCR-T cell therapy")),
    ("Quillon Bio is developing NK cell therapies for lymphomas.", "en", ("Quillon Bio", "targets", "lymphoma")),
    ("澜川基因的核心产品为自体CAR-T细胞治疗产品，适应症为多发性骨髓瘤。", "zh-Hans",
     ("澜川基因", "develops", "autologous CAR-T")),
    ("青嶺生技專注開發間充質幹細胞治療。", "zh-Hant", ("青嶺生技", "develops", "mesenchymal stem cell therapy")),
])
def test_spelling_variants_name_the_same_concept(extractor, text, lang, fact):
    facts = _facts(extractor, text, lang)
    assert fact in facts, facts


def test_a_治疗_variant_is_one_term_not_a_narrow_one_and_cell_therapy(extractor):
    facts = _facts(extractor, "澜川基因的核心产品为自体CAR-T细胞治疗产品，适应症为多发性骨髓瘤。", "zh-Hans")
    assert ("澜川基因", "develops", "cell therapy") not in facts, facts


def test_a_funding_round_is_no_company_and_takes_no_work(extractor):
    text = ("Quillon Bio closed a $90 million Series B, which will fund clinical work on its CAR-NK candidate "
            "in acute myeloid leukemia.")
    facts = _facts(extractor, text, "en")
    assert ("Quillon Bio", "develops", "CAR-NK cell therapy") in facts, facts
    assert not any(s.startswith("Series") for s, _, _ in facts), facts


@pytest.mark.parametrize("text,lang,firms", [
    ("Novartis's Kymriah and Gilead's Yescarta, both CAR-T cell therapies, generated $1.2 billion in sales.", "en",
     {"Novartis", "Gilead Sciences"}),
    ("諾華的Kymriah與吉利德的Yescarta均為CAR-T療法，去年營收合計逾20億美元。", "zh-Hant", {"Novartis", "Gilead Sciences"}),
])
def test_products_listed_with_a_shared_apposition_give_each_owner_the_modality(extractor, text, lang, firms):
    _, ex, label = extract_texts(extractor, text, lang=lang)
    facts = {(label(r.subject), r.object.rsplit("/", 1)[-1]) for r in ex.relations if r.predicate == "develops"}
    assert {(f, "car-t") for f in firms} <= facts, facts


def test_a_shared_apposition_that_names_a_sale_gives_nothing(extractor):
    _, ex, label = extract_texts(extractor, "Novartis's Kymriah and Gilead's Yescarta, both sold to Pfizer, are "
                                            "CAR-T cell therapies.", lang="en")
    assert not [r for r in ex.relations if r.predicate == "develops"], ex.relations


@pytest.mark.parametrize("text,lang,term,broader", [
    ("Quillon Bio is developing a TIL cell therapy.", "en", "TIL therapy", "cell therapy"),
    ("Quillon Bio is developing an NK-cell therapy.", "en", "NK cell therapy", "cell therapy"),
    ("Quillon Bio is developing a Treg cell therapy.", "en", "regulatory T cell therapy", "cell therapy"),
])
def test_a_compound_spelling_is_one_narrow_term(extractor, text, lang, term, broader):
    facts = {o for s, p, o in _facts(extractor, text, lang) if p == "develops"}
    assert term in facts and broader not in facts, facts


def test_tumour_infiltrating_lymphocytes_are_no_cancer_indication(extractor):
    facts = _facts(extractor, "Quillon Bio is developing a tumour-infiltrating lymphocyte therapy for melanoma.", "en")
    assert ("Quillon Bio", "develops", "TIL therapy") in facts, facts
    assert ("Quillon Bio", "targets", "cancer") not in facts, facts


def test_unlike_a_kind_of_company_is_not_being_one(extractor):
    facts = _facts(extractor, "Quillon Bio, unlike gene therapy developers, sells laboratory software.", "en")
    assert not facts, facts
    facts = _facts(extractor, "Unlike CAR-T makers such as Halvorsen Therapeutics, Quillon Bio sells laboratory "
                              "software.", "en")
    assert ("Halvorsen Therapeutics", "develops", "CAR-T cell therapy") in facts, facts
    assert not any(s == "Quillon Bio" for s, _, _ in facts), facts
