"""The main clause of "X, <closed modifier>, <predicate>" (h/rd3, issue #12): the R&D frames read it without the
modifier, and "its" after the modifier is X's, not the company the modifier names.

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
