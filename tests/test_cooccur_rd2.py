"""The guarded R&D fallback of issue #12 (h/rd2, ``rnd-cooccur``): one company and a modality or indication in
one clause, with no deal, hedge, plan, exit or comparison words; with several companies only the marked owner.

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


def _rules(extractor: Extractor, text: str, lang: str = "en") -> dict[tuple[str, str, str], str]:
    _, ex, label = extract_texts(extractor, text, lang=lang)
    return {(label(r.subject), r.predicate, label(r.object)): r.rule for r in ex.relations}


@pytest.mark.parametrize("lang,text,fact", [
    ("en", "Shares of Brevant Therapeutics rose 30% after upbeat sickle cell disease data.",
     ("Brevant Therapeutics", "targets", "sickle cell disease")),
    ("en", "Brevant Therapeutics' lupus readout lifted the stock.",
     ("Brevant Therapeutics", "targets", "systemic lupus erythematosus")),
    ("en", "Brevant Therapeutics shares rose after CAR-NK data in lupus.",
     ("Brevant Therapeutics", "develops", "CAR-NK cell therapy")),
    ("zh-Hant", "鼎岳生技今年在紅斑性狼瘡取得突破。", ("鼎岳生技", "targets", "systemic lupus erythematosus")),
])
def test_the_one_company_of_a_clause_works_on_the_term_it_names(extractor, lang, text, fact):
    rules = _rules(extractor, text, lang)
    assert rules.get(fact) == "rnd-cooccur", rules


@pytest.mark.parametrize("lang,text", [
    ("en", "Brevant Therapeutics sold its CAR-T unit."),  # a deal: the sale rules' call
    ("en", "Brevant Therapeutics may soon show CAR-NK data."),  # a hedge
    ("en", "Brevant Therapeutics plans to show CAR-NK data in lupus next year."),  # a plan
    ("en", "Unlike Brevant Therapeutics, rivals rely on CAR-NK."),  # a comparison
    ("zh-Hant", "鼎岳生技曾在紅斑性狼瘡取得突破。"),  # past work
    ("en", "Brevant Therapeutics shares rose on cancer optimism."),  # a top concept is too wide
])
def test_no_fallback_fact_from_deals_hedges_plans_comparisons_or_past_work(extractor, lang, text):
    rules = _rules(extractor, text, lang)
    assert not any(p in ("develops", "targets") for _, p, _ in rules), rules


def test_of_two_companies_only_the_marked_owner_gets_the_work(extractor):
    rules = _rules(extractor, "Olmera Bio shares rose after Brevant Therapeutics' lupus data impressed.")
    assert rules.get(("Brevant Therapeutics", "targets", "systemic lupus erythematosus")) == "rnd-cooccur", rules
    assert not any(s == "Olmera Bio" and p == "targets" for s, p, _ in rules), rules
    # Without an owner mark, two companies share no work.
    rules = _rules(extractor, "Olmera Bio and Brevant Therapeutics shares rose after lupus data.")
    assert not any(p == "targets" for _, p, _ in rules), rules


def test_a_narrower_term_in_the_clause_wins_over_the_wider_one(extractor):
    rules = _rules(extractor, "Brevant Therapeutics shares rose on melanoma and cancer data.")
    assert ("Brevant Therapeutics", "targets", "melanoma") in rules, rules
    assert ("Brevant Therapeutics", "targets", "cancer") not in rules, rules


@pytest.mark.parametrize("lang,text", [
    ("en", "Brevant Therapeutics' chief executive spoke about CAR-NK at a conference."),  # a speaker
    ("en", "A phase 1 study of a CAR-NK in lupus was run with support from Brevant Therapeutics."),  # a funder
    ("zh-Hant", "晨岫生技、鼎岳生技的數據分別來自淋巴瘤與骨髓瘤。"),  # a pairing, and a list owns it
])
def test_no_fallback_fact_for_speakers_funders_or_pairings(extractor, lang, text):
    rules = _rules(extractor, text, lang)
    assert not any(r == "rnd-cooccur" for r in rules.values()), rules
