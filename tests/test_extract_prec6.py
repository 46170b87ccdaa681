"""h/prec6: whose work a deal sentence names — the frame's subject, a relative clause's antecedent, a
possessive short name — pinned on sentences of our own (not from any evaluation set)."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals, relation_pairs

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _develops(extractor: Extractor, *texts: str) -> set[tuple[str, str]]:
    return relation_pairs(extractor, "develops", *texts)


def test_possessive_short_name_is_the_company(extractor: Extractor) -> None:
    # "Merrow's" is Merrow Bio's short name, not a company called "Merrow's".
    got = _develops(extractor, "Merrow Bio signed a deal with Pfizer to advance Merrow's allogeneic CAR-T programme.")
    assert got == {("Merrow Bio", "allogeneic CAR-T")}


@pytest.mark.parametrize("text,developer", [
    ("Harwick Bio partnered with Osterley Therapeutics to develop TCR-T cell therapies.", "Harwick Bio"),
    ("Harwick Bio signed a licence agreement with Osterley Therapeutics to develop TCR-T cell therapies.",
     "Harwick Bio"),
    # a big pharma in the lead funds the work; the biotech it partners with does it
    ("Pfizer partnered with Osterley Therapeutics to develop TCR-T cell therapies.", "Osterley Therapeutics"),
])
def test_partner_of_a_with_frame_is_no_developer(extractor: Extractor, text: str, developer: str) -> None:
    assert _develops(extractor, text) == {(developer, "TCR-T cell therapy")}


def test_joint_work_gives_both(extractor: Extractor) -> None:
    got = _develops(extractor, "Harwick Bio partnered with Osterley Therapeutics to jointly develop TCR-T cell therapies.")
    assert got == {("Harwick Bio", "TCR-T cell therapy"), ("Osterley Therapeutics", "TCR-T cell therapy")}


def test_relative_clause_names_the_developer_not_the_deal(extractor: Extractor) -> None:
    got = _develops(extractor, "Brackley Cell signed a research collaboration with Osterley Therapeutics, which "
                               "develops in vivo CAR-NK cells.")
    assert got == {("Osterley Therapeutics", "CAR-NK cell therapy")}


@pytest.mark.parametrize("text", [
    "上市公司的CAR-T平台近年備受投資人關注。",
    "去年上市公司的CAR-T平台備受關注。",
])
def test_a_common_word_before_a_company_word_is_no_name(extractor: Extractor, text: str) -> None:
    facts, _, ex = extract_with_deals(extractor, text)
    assert not [e for e in ex.entities if not e.curated]
    assert not facts


def test_a_rare_stem_before_a_company_word_stays_a_name(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "澄岳公司的通用型CAR-T管線進入臨床一期。")
    assert ("澄岳公司", "develops", "allogeneic CAR-T") in facts


def test_a_possessive_unit_is_no_programme(extractor: Extractor) -> None:
    # "X's cell therapy unit" names an organisation; "X's CAR-T programme" names X's own work.
    assert _develops(extractor, "Brenford Pharma's cell therapy unit said it would cut 40 jobs.") == set()
    assert _develops(extractor, "Brenford Pharma's allogeneic CAR-T programme entered a phase 1 trial.") == {
        ("Brenford Pharma", "allogeneic CAR-T")}


def _licences(extractor: Extractor, text: str) -> set[tuple[str, str]]:
    return relation_pairs(extractor, "licensedFrom", text)


@pytest.mark.parametrize("text", [
    # the passive's subject is the asset; its licensor is the owner written before it
    "Harwick Bio's Velantra was licensed to Sanofi in 2023.",
    "Harwick Bio, whose Velantra is licensed to Sanofi, raised $30 million.",
    # the relative clause's own subject gives the licence, not the product it is about
    "Harwick Bio said Velantra, which it licensed to Sanofi last year, met its primary endpoint.",
    "Harwick Bio has licensed Velantra to Sanofi.",
])
def test_a_licensed_product_is_no_licensor(extractor: Extractor, text: str) -> None:
    assert _licences(extractor, text) == {("Sanofi", "Harwick Bio")}


def test_a_passive_licence_of_an_unowned_brand_names_no_licensor(extractor: Extractor) -> None:
    assert _licences(extractor, "Velantra has since been licensed to Sanofi for Japan.") == set()


@pytest.mark.parametrize("text", [
    "瑞昇生技專注開發iPSC衍生的多巴胺神經前驅細胞。",
    "Corvane Bio develops iPSC-derived dopaminergic progenitor cells.",
])
def test_ipsc_derived_reads_alike_in_both_scripts(extractor: Extractor, text: str) -> None:
    # "iPSC衍生" is "iPSC-derived", as in English, not the iPSC platform itself
    got = {o for _, o in _develops(extractor, text)}
    assert "iPSC-derived cell therapy" in got and "iPSC" not in got
