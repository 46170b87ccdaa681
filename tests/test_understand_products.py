"""Questions about a named product (issue 15): whose product it is, what it treats, in three scripts.

Made-up names (Zelvaro, Harbourline Cell Works) on a hand-made matcher, and the product-indications template
on a hand-made store; the answers over corpus/ are in tests/data/analyst_questions.yaml.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph
import pytest

from regenkg.graph.match import Matcher
from regenkg.query.compose import PREFIXES, compose, values
from regenkg.query.templates import TEMPLATES
from regenkg.query.understand import understand

RES = "https://w3id.org/regenkg/id/"
RKG = "https://w3id.org/regenkg/ontology#"
ZELVARO = RES + "product/zelvaro"
HARBOURLINE = RES + "company/harbourline"
FL = RES + "indication/follicular-lymphoma"


@pytest.fixture(scope="module")
def parts():
    surfaces = [("Zelvaro", ZELVARO), ("Harbourline Cell Works", HARBOURLINE), ("港線細胞", HARBOURLINE),
                ("港线细胞", HARBOURLINE), ("follicular lymphoma", FL), ("濾泡性淋巴瘤", FL), ("滤泡性淋巴瘤", FL)]
    # A minted product is typed Company in the lookup's coarse table; its IRI says it is a product.
    kinds = {ZELVARO: "Company", HARBOURLINE: "Company", FL: "Indication"}
    return Matcher(surfaces), kinds


def _q(parts, text):
    matcher, kinds = parts
    return understand(text, matcher, kinds, today=dt.date(2025, 6, 1))


@pytest.mark.parametrize("text", ["Which company makes Zelvaro?", "Whose product is Zelvaro?",
                                  "Zelvaro是哪家公司的產品？", "Zelvaro是哪家公司的产品？", "Zelvaro由谁生产？"])
def test_owner_questions_ask_product_of(parts, text):
    q = _q(parts, text)
    assert q.intent == "product_owner", text
    assert q.query.relations == ("productOf",) and q.query.answer == "object", text
    assert q.query.subject.anchors == (ZELVARO,) and not q.query.follow_ups, text
    assert not q.query.unused, (text, q.query.unused)
    assert q.by_type["Product"] == (ZELVARO,) and "Company" not in q.by_type


@pytest.mark.parametrize("text", ["Whose product is Zelvaro, and which diseases does it treat?",
                                  "Zelvaro是哪家公司的產品？適用於哪些疾病？", "Zelvaro是哪家公司的产品？适用于哪些疾病？"])
def test_owner_and_indications_in_one_question(parts, text):
    q = _q(parts, text).query
    assert q.relations == ("productOf",) and q.follow_ups == (("targets", "object"),), text
    assert any(c.kind == "follow_up" and c.value == "targets" for c in q.constraints)


@pytest.mark.parametrize("text", ["What does Zelvaro treat?", "Zelvaro用於治療哪些疾病？", "Zelvaro用于治疗哪些疾病？"])
def test_indication_questions_about_a_product(parts, text):
    assert _q(parts, text).intent == "product_indications", text


def test_a_deal_about_a_product_is_not_an_owner_question(parts):
    assert _q(parts, "Which companies licensed Zelvaro?").intent != "product_owner"


def test_a_company_is_still_a_company(parts):
    q = _q(parts, "What does Harbourline Cell Works develop?")
    assert q.intent == "what_develops" and q.by_type == {"Company": (HARBOURLINE,)}


def test_product_of_is_composed_with_values(parts):
    composed = compose(_q(parts, "Which company makes Zelvaro?").query)
    assert composed is not None and "rkg:productOf" in composed.sparql
    assert f"<{ZELVARO}>" in composed.sparql and "makes" not in composed.sparql


def test_product_indications_read_from_sentences_that_name_it():
    store = pyoxigraph.Store()
    ttl = f"""@prefix rkg: <{RKG}> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<{FL}> a rkg:Indication .
<{RES}indication/gout> a rkg:Indication .
<{RES}sentence/1> rkg:mentions <{ZELVARO}> , <{HARBOURLINE}> .
<{RES}a/1> a rkg:Assertion ; rdf:subject <{HARBOURLINE}> ; rdf:predicate rkg:targets ; rdf:object <{FL}> ;
    prov:wasDerivedFrom <{RES}sentence/1> ; rkg:confidence 0.8 .
<{RES}a/2> a rkg:Assertion ; rdf:subject <{HARBOURLINE}> ; rdf:predicate rkg:targets ;
    rdf:object <{RES}indication/gout> ; prov:wasDerivedFrom <{RES}sentence/2> ; rkg:confidence 0.8 .
"""
    store.load(ttl.encode(), pyoxigraph.RdfFormat.TURTLE)
    sparql = PREFIXES + TEMPLATES["product_indications"] % {"values": values("target", [ZELVARO])}
    # The maker's other indication (a sentence that does not name the product) is not the product's.
    assert {r["answer"].value for r in store.query(sparql)} == {FL}
