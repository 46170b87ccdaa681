"""Which ends a deal question asks for (issue 15): role nouns, "and by whom", follow-up questions, whether two
named companies are related, relation synonyms, party classes, segments as a deal's topic.

Gazetteer only (no index, no model): these pin understanding and composition themselves. The questions are
written for these tests; the answers over corpus/ are in tests/data/analyst_questions.yaml.
"""

from __future__ import annotations

import datetime as dt

import pytest

from regenkg.graph.match import Matcher, fold_aligned
from regenkg.graph.ontology import COMPANY_TYPES, Gazetteer
from regenkg.query.compose import compose
from regenkg.query.cues import noun_mentions
from regenkg.query.understand import narrower_labels, understand

RES = "https://w3id.org/regenkg/id/"
TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def parts():
    gaz = Gazetteer.load()
    kinds = {iri: ("Company" if e.type in COMPANY_TYPES else e.type) for iri, e in gaz.entities.items()}
    return Matcher(gaz.surfaces()), kinds, narrower_labels(gaz)


def _q(parts, text):
    matcher, kinds, nl = parts
    return understand(text, matcher, kinds, today=TODAY, narrower_labels=nl)


def test_role_nouns_come_from_the_ontology_in_three_scripts():
    for text, role in (("who was the buyer", "buyer"), ("買家是誰", "buyer"), ("收购方是谁", "acquirer"),
                       ("the licensor", "licensor"), ("授權方", "licensor"), ("卖方", "seller")):
        assert [r for r, _, _ in noun_mentions(fold_aligned(text), "role")] == [role], text
    assert [k for k, _, _ in noun_mentions(fold_aligned("合作醫院是哪家"), "kind")] == ["Hospital"]


@pytest.mark.parametrize("text", [
    "去年Kiadis傳出收購消息，買家是哪家公司？",
    "去年Kiadis传出收购消息，买家是哪家公司？",
    "Kiadis was in takeover talks last year; who was the buyer?",
])
def test_a_role_noun_in_the_wh_clause_names_the_answer_end(parts, text):
    q = _q(parts, text).query
    assert q.relations == ("acquired",) and q.answer == "subject", text
    assert q.object.anchors == (RES + "company/kiadis",) and not q.subject.anchors, text


@pytest.mark.parametrize("text", [
    "Which gene therapy companies were bought, and who was the acquirer?",
    "Which CAR-T companies were acquired, and by whom?",
    "哪些基因治療公司被收購？收購方是誰？",
    "哪些基因治疗公司被收购？收购方是谁？",
])
def test_a_later_clause_asks_for_the_other_party_too(parts, text):
    q = _q(parts, text).query
    assert q.relations == ("acquired",) and q.answer == "object" and q.also_other, text
    assert q.object.develops, text  # the modality still qualifies the acquired company


def test_a_plain_question_does_not_ask_for_the_other_party(parts):
    assert not _q(parts, "which CAR-T companies were acquired").query.also_other
    assert not _q(parts, "哪些公司收購了CAR-T公司").query.also_other


@pytest.mark.parametrize("text", ["Did Gilead acquire Kite Pharma?", "吉利德是否收購了Kite？", "吉利德是否收购了Kite？"])
def test_whether_two_named_companies_are_related(parts, text):
    q = _q(parts, text).query
    assert q.between and q.relations == ("acquired",), text
    assert q.subject.anchors == (RES + "company/gilead",) and q.object.anchors == (RES + "company/kite",), text


def test_a_wh_question_about_one_company_is_not_a_between_question(parts):
    assert not _q(parts, "which companies did Gilead acquire").query.between


@pytest.mark.parametrize(("text", "follow"), [
    ("Which companies did AstraZeneca acquire? Which diseases do they target?", ("targets", "object")),
    ("阿斯特捷利康收購了哪些公司？這些公司鎖定哪些疾病？", ("targets", "object")),
    ("阿斯利康收购了哪些公司？这些公司针对哪些疾病？", ("targets", "object")),
    ("Which companies did Gilead acquire? Which university did it spin out of?", ("spunOutFrom", "object")),
    ("吉利德收購了哪些公司？這家公司源自哪所大學？", ("spunOutFrom", "object")),
])
def test_a_later_question_about_the_answers_is_a_follow_up(parts, text, follow):
    q = _q(parts, text).query
    assert q.relations == ("acquired",) and q.answer == "object", text
    assert q.follow_ups == (follow,), text
    assert any(c.kind == "follow_up" for c in q.constraints)


@pytest.mark.parametrize("text", [
    "Which companies did AstraZeneca acquire? How much did it pay?",
    "阿斯特捷利康收購了哪些公司？交易何時完成？",
    "Which companies did AstraZeneca acquire?",
])
def test_a_later_question_with_no_relation_of_its_own_is_no_follow_up(parts, text):
    assert _q(parts, text).query.follow_ups == (), text


@pytest.mark.parametrize("text", ["Brammer Bio被出售給了哪家公司？", "Brammer Bio出售给了谁？",
                                  "Brammer Bio was sold to which company?"])
def test_sold_to_reads_acquisitions_and_licences_from_the_other_side(parts, text):
    q = _q(parts, text).query
    assert q.relations == ("soldTo",) and q.answer == "object", text
    assert q.subject.anchors == (RES + "company/brammer-bio",), text
    sparql = compose(q).sparql
    for pred in ("rkg:soldTo", "rkg:acquired", "rkg:licensedFrom", "rkg:Acquisition", "rkg:Licence"):
        assert pred in sparql, (text, pred)


def test_a_spin_out_named_by_its_parent_is_a_second_hop(parts):
    q = _q(parts, "Which GenScript spin-out was acquired, and by whom?").query
    assert q.relations == ("acquired",) and q.answer == "object" and q.also_other
    assert q.object.related == (("spunOutFrom", (RES + "company/genscript",)),) and not q.object.anchors
    assert "rkg:spunOutFrom" in compose(q).sparql


def test_a_party_class_restricts_the_other_end(parts):
    q = _q(parts, "哪些公司與醫院簽訂合作？合作醫院是哪家？").query
    assert "partneredWith" in q.relations and q.also_other
    assert q.object.kind == "Hospital"
    assert "rkg:Hospital" in compose(q).sparql


def test_a_segment_in_a_deal_question_is_the_deals_topic(parts):
    q = _q(parts, "Which companies acquired CDMOs in 2019?")
    assert q.intent != "companies_in" and q.query.relations == ("acquired",)
    assert RES + "segment/cdmo" in q.query.topic and q.query.time.start == 2019
    sparql = compose(q.query).sparql
    assert "rkg:CDMO" in sparql and "?tKey" in sparql  # the topic is one join, not a FILTER EXISTS per row


def test_rumoured_status_reads_as_unconfirmed_in_each_script():
    from regenkg.query.ask import status_label

    assert "not confirmed" in status_label("Rumoured", "en")
    assert "未經證實" in status_label("Rumoured", "zh-Hant") and "未经证实" in status_label("Rumoured", "zh-Hans")
    assert status_label("Terminated", "zh-Hans") == "终止"


@pytest.mark.parametrize("text", ["哪些公司的CAR-T已納入健保給付？", "哪些公司的CAR-T已纳入医保报销？",
                                  "which companies' CAR-T therapies are reimbursed"])
def test_a_reimbursement_condition_is_said_not_dropped(parts, text):
    q = _q(parts, text).query
    assert any(c.kind == "approval" for c in q.constraints), text
    assert q.sub_modality, text  # the planner answers nothing rather than every CAR-T developer


@pytest.mark.parametrize("text", ["哪些地区的试点允许开发干细胞疗法？", "which regions allow stem cell therapy development"])
def test_asking_for_places_of_a_company_relation_is_said(parts, text):
    q = _q(parts, text).query
    assert any(c.kind == "answer_type" for c in q.constraints), text


def test_asking_for_the_companies_of_places_is_not_flagged(parts):
    q = _q(parts, "哪些国家的公司开发CAR-T").query
    assert not any(c.kind in ("answer_type", "sub_modality") for c in q.constraints)
    # No relation of a company to its countries is read from "operate in" yet: said, not answered with modalities.
    q = _q(parts, "which regions does Lonza operate in").query
    assert [c.kind for c in q.constraints if c.kind in ("answer_type", "sub_modality")] == ["answer_type"]


def test_asking_for_the_hospitals_of_a_named_company_asks_its_hospital_partners(parts):
    # "X的產品在哪些醫院進行臨床試驗" reads like "what does X develop" but asks for the hospitals X works with.
    q = _q(parts, "拜耳的產品在哪些醫院進行臨床試驗？").query
    assert q.relations == ("partneredWith",) and q.answer == "either"
    assert q.subject.kind == "Hospital" and q.object.anchors == (RES + "company/bayer",)
    assert not any(c.kind == "answer_type" for c in q.constraints)
    # ...but a hospital as a deal's other party is a qualifier, not a mismatch
    q = _q(parts, "哪些公司與醫院簽訂合作？").query
    assert not any(c.kind == "answer_type" for c in q.constraints)


def test_a_topic_named_with_the_article_scopes_the_article(parts):
    q = _q(parts, "Which partnerships in the NK cell therapy article were terminated?").query
    assert q.topic == (RES + "modality/nk",) and q.topic_in_document
    assert "rkg:inDocument" in compose(q).sparql
    q = _q(parts, "Which NK cell therapy partnerships were terminated?").query
    assert q.topic == (RES + "modality/nk",) and not q.topic_in_document
    assert "rkg:inDocument" not in compose(q).sparql
