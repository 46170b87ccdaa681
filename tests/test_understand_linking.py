"""Entity linking in questions (issue 15): a company named with a longer or shorter form than the graph's
label, and a label that is both a company and its product.

Made-up names on a hand-made matcher (as tests/test_understand_products.py); the same through ``kb.ask`` on
a small built index is in tests/test_ask_linking.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from regenkg.graph.match import Matcher
from regenkg.query.linking import corporate_base, product_or_company
from regenkg.query.understand import understand

RES = "https://w3id.org/regenkg/id/"
FENWICK = RES + "company/fenwick"  # labelled "Fenwick": asked as "Fenwick Therapeutics", "芬維克生技"
ORBELLE = RES + "company/orbelle-biotechnology"  # labelled "Orbelle Biotechnology": asked as "Orbelle"
HARLOW_BIO, HARLOW_TX = RES + "company/harlow-bio", RES + "company/harlow-therapeutics"  # "Harlow" is either
KALTRIN, KALTRIN_P = RES + "company/kaltrin", RES + "product/kaltrin"  # one label, a company and a product
LUMORA_INC, LUMORA_P = RES + "company/lumora", RES + "product/lumora"  # "Lumora Inc." and the product "Lumora"
BEICEN = RES + "company/beicen-cell"  # 北岑細胞
TIANHE = RES + "company/tianhe-stem-cell"  # a company whose name holds a modality phrase
CAR_T, STEM = RES + "modality/car-t", RES + "modality/stem-cell-therapy"


@pytest.fixture(scope="module")
def parts():
    surfaces = [("Fenwick", FENWICK), ("芬維克", FENWICK), ("芬维克", FENWICK),
                ("Orbelle Biotechnology", ORBELLE), ("澄嶼生技", ORBELLE), ("澄屿生技", ORBELLE),
                ("Harlow Bio", HARLOW_BIO), ("Harlow Therapeutics", HARLOW_TX),
                ("Kaltrin", KALTRIN), ("Kaltrin", KALTRIN_P), ("Lumora", LUMORA_P), ("Lumora Inc.", LUMORA_INC),
                ("北岑細胞", BEICEN), ("北岑细胞", BEICEN), ("Tianhe Stem Cell Therapeutics", TIANHE),
                ("CAR-T", CAR_T), ("stem cell therapy", STEM), ("幹細胞療法", STEM), ("干细胞疗法", STEM)]
    kinds = {iri: "Company" for _, iri in surfaces}  # minted products are Company here; their IRI tells
    kinds.update({CAR_T: "Modality", STEM: "Modality"})
    return Matcher(surfaces), kinds


def _q(parts, text):
    matcher, kinds = parts
    return understand(text, matcher, kinds, today=dt.date(2025, 6, 1))


@pytest.mark.parametrize(("name", "base"), [("sana therapeutics, inc.", "sana"), ("orbelle biotechnology", "orbelle"),
                                            ("芬维克股份有限公司", "芬维克"), ("北岑细胞生技", "北岑细胞"),
                                            ("fenwick", "fenwick"), ("芬维克药业", "芬维克"),
                                            ("eli lilly and company", "eli lilly"), ("merck & co.", "merck")])
def test_corporate_base(name, base):
    assert corporate_base(name) == base


@pytest.mark.parametrize(("text", "surface"), [
    ("What did Fenwick Therapeutics acquire?", "Fenwick Therapeutics"),
    ("What did Fenwick Inc. acquire?", "Fenwick Inc."),
    ("What did Fenwick Bio acquire?", "Fenwick Bio"),
    ("What did Fenwick Pharma acquire?", "Fenwick Pharma"),
    ("芬維克生技收購了哪些公司？", "芬維克生技"),
    ("芬維克藥業收購了哪些公司？", "芬維克藥業"),
    ("芬维克生物收购了哪些公司？", "芬维克生物"),
    ("芬維克股份有限公司收購了哪些公司？", "芬維克股份有限公司"),
])
def test_a_longer_name_links_the_label(parts, text, surface):
    q = _q(parts, text)
    assert q.entities == (FENWICK,) and q.intent == "acquirer_of", text
    assert q.surfaces[FENWICK] == surface and not q.query.unused, (text, q.query.unused)
    # The suffix is part of the name, not a cue: "Fenwick Bio" asks no company kind.
    assert not any(c.kind == "company_kind" for c in q.query.constraints), text


@pytest.mark.parametrize("text", ["Who did Orbelle partner with?", "Orbelle與哪些公司合作？", "Orbelle与哪些公司合作？",
                                  "Who did Orbelle Therapeutics partner with?", "澄嶼與哪些公司合作？",
                                  "澄屿与哪些公司合作？", "澄嶼收購了哪些公司？"])
def test_a_shorter_or_other_suffixed_name_links_the_label(parts, text):
    q = _q(parts, text)
    assert q.entities == (ORBELLE,), text
    assert q.query.subject.anchors + q.query.object.anchors == (ORBELLE,), text


def test_chinese_extension_of_a_label_without_suffix(parts):
    q = _q(parts, "北岑細胞生技收購了哪些公司？")
    assert q.entities == (BEICEN,) and q.surfaces[BEICEN] == "北岑細胞生技"


def test_two_companies_differing_by_suffix_are_not_guessed(parts):
    q = _q(parts, "Who did Harlow partner with?")
    assert q.entities == () and "Harlow" in q.query.unused  # said, not silently answered for one of them
    # Each full name still links its own company.
    assert _q(parts, "Who did Harlow Bio partner with?").entities == (HARLOW_BIO,)


def test_lower_case_word_is_not_a_short_name(parts):
    # "orbelle" lower case inside a sentence is no name; the capitalised one is.
    assert _q(parts, "which companies orbelle CAR-T").entities == (CAR_T,)


@pytest.mark.parametrize("text", ["Who owns Kaltrin?", "Who makes Kaltrin?", "Whose product is Kaltrin?",
                                  "What does Kaltrin treat?", "Kaltrin是哪家公司的產品？", "Kaltrin是哪家公司的产品？",
                                  "Kaltrin用於治療哪些疾病？"])
def test_shared_label_read_as_the_product(parts, text):
    q = _q(parts, text)
    assert q.entities == (KALTRIN_P,) and q.intent in ("product_owner", "product_indications"), text
    also = [c for c in q.query.constraints if c.kind == "also_named"]
    assert [(c.value, c.surface) for c in also] == [(KALTRIN, "Kaltrin")], text


@pytest.mark.parametrize(("text", "intent"), [("What did Kaltrin acquire?", "acquirer_of"),
                                              ("Who did Kaltrin partner with?", "partners_of"),
                                              ("Kaltrin收購了哪些公司？", "acquirer_of"),
                                              ("Kaltrin与哪些公司合作？", "partners_of"),
                                              ("What does Kaltrin develop?", "what_develops")])
def test_shared_label_read_as_the_company(parts, text, intent):
    q = _q(parts, text)
    assert q.entities == (KALTRIN,) and q.intent == intent, text
    assert [c.value for c in q.query.constraints if c.kind == "also_named"] == [KALTRIN_P], text


def test_product_label_and_suffixed_company(parts):
    # "Lumora" is the product's label and the company's name without "Inc.".
    assert _q(parts, "Who makes Lumora?").entities == (LUMORA_P,)
    assert _q(parts, "What did Lumora acquire?").entities == (LUMORA_INC,)
    assert _q(parts, "What did Lumora Inc. acquire?").entities == (LUMORA_INC,)


def test_product_or_company_keeps_single_entities():
    kinds = {FENWICK: "Company", CAR_T: "Modality"}
    assert product_or_company("who owns \x00\x00", (FENWICK,), kinds) == (FENWICK, None)
    assert product_or_company("what treats \x00\x00", (CAR_T,), kinds) == (CAR_T, None)


def test_longest_match_first_company_with_a_modality_word(parts):
    q = _q(parts, "What does Tianhe Stem Cell Therapeutics develop?")
    assert q.entities == (TIANHE,) and q.intent == "what_develops"
    # And a plain modality question still reads the modality.
    assert _q(parts, "Who develops stem cell therapy?").entities == (STEM,)
