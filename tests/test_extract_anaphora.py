"""A subject the sentence does not write (#12): sentences written for these tests (made-up names)."""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.extract.coref import IMPLICIT, mark_implicit
from regenkg.graph.extract.mentions import _M
from regenkg.graph.extract.patterns import COMPANY, INDICATION
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("lang,first,second,company,term", [
    ("en", "Corrisant Bio develops base editing treatments.",
     "A phase 1 trial in sickle cell disease began in the spring.", "Corrisant Bio", "sickle cell disease"),
    ("en", "Halvane Pharma partnered with Corrisant Bio to develop in vivo CAR-T therapies.",
     "The lead programme entered a phase 1 trial in lupus.", "Corrisant Bio", "systemic lupus erythematosus"),
    ("zh-Hant", "昱川生技專注於CAR-T細胞療法。", "首款候選藥物已進入一期臨床試驗，適應症為紅斑性狼瘡。",
     "昱川生技", "systemic lupus erythematosus"),
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "首个候选药物已进入一期临床试验，适应症为血友病。",
     "澜曜基因", "haemophilia"),
])
def test_a_sentence_naming_no_company_continues_the_one_just_stated_about(extractor, lang, first, second,
                                                                           company, term):
    facts, _, _ = extract_texts(extractor, first, second, lang=lang)
    assert (company, "targets", term) in facts


@pytest.mark.parametrize("lang,first,second", [
    # The previous sentence names the company but states no fact of it: too weak a guess.
    ("en", "Corrisant Bio was founded in Boston in 2019.", "A phase 1 trial in sickle cell disease began."),
    ("zh-Hans", "澜曜基因于2019年在苏州成立。", "首个候选药物已进入一期临床试验，适应症为血友病。"),
    # A remark about the field, not the company's work.
    ("en", "Corrisant Bio develops base editing treatments.",
     "Analysts expect CAR-T therapies to reach lupus patients soon."),
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "业界普遍认为CAR-T疗法有望用于狼疮的临床试验。"),
    ("zh-Hant", "昱川生技專注於CAR-T細胞療法。", "目前全球已有多款CAR-T產品獲批用於淋巴瘤。"),
    # The modality is the sentence's own subject: an explanation of the field.
    ("en", "Corrisant Bio develops base editing treatments.",
     "CAR-T therapy works by engineering a patient's T cells, and several products are approved for lymphoma."),
    ("zh-Hant", "昱川生技專注於CAR-T細胞療法。", "CAR-T療法的原理是改造病人的T細胞，已有產品獲准用於淋巴瘤。"),
    # A sentence about a law.
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "再生医疗法规定，CAR-T产品须完成临床试验方可用于淋巴瘤。"),
])
def test_no_implicit_subject_without_a_fact_just_read_or_in_a_remark_about_the_field(extractor, lang, first,
                                                                                       second):
    _, ex, _ = extract_texts(extractor, first, second, lang=lang)
    assert not [r for r in ex.relations if r.sentence_id == 1 and r.predicate in ("develops", "targets")]


@pytest.mark.parametrize("lang,texts,company,term", [
    ("en", ("Corrisant Bio develops base editing treatments.", "Its shares rose 5% on Monday.",
            "The therapy was approved for sickle cell disease in 2024."), "Corrisant Bio", "sickle cell disease"),
    ("zh-Hans", ("澜曜基因开发AAV基因疗法。", "公司股价周一上涨5%。", "该疗法已获批用于治疗血友病。"),
     "澜曜基因", "haemophilia"),
    ("zh-Hant", ("昱川生技專注於CAR-T細胞療法。", "昱川生技股價週一上漲5%。", "該療法獲批用於治療淋巴瘤。"),
     "昱川生技", "lymphoma"),
])
def test_a_sentence_opening_with_an_unnamed_product_is_about_its_developer(extractor, lang, texts, company, term):
    # The sentence just before states nothing of the developer: the product description alone carries it.
    facts, ex, _ = extract_texts(extractor, *texts, lang=lang)
    assert (company, "targets", term) in facts
    assert any(r.rule == "implicit-subject" and r.sentence_id == 2 for r in ex.relations)


def test_an_unnamed_product_without_a_known_developer_is_nobodys(extractor):
    _, ex, _ = extract_texts(extractor, "Corrisant Bio was founded in 2019.", "Its shares rose 5% on Monday.",
                             "The therapy was approved for sickle cell disease in 2024.")
    assert not [r for r in ex.relations if r.sentence_id == 2]


def test_an_implicit_subject_makes_no_deal(extractor):
    # "…signed a licence with X" names a partner; the unwritten subject must never become a party.
    facts, ex, _ = extract_texts(extractor, "Corrisant Bio develops base editing treatments.",
                                 "A licence for the sickle cell disease programme was signed last week.")
    assert not ex.deals and not {f for f in facts if f[1] in ("licensedFrom", "partneredWith", "acquired")}


def test_mark_implicit_only_in_a_sentence_without_any_company():
    prev = [_M(0, 5, "ex:A", COMPANY, "Alpha Bio")]
    term = _M(10, 15, "ex:lupus", INDICATION, "lupus")
    ms = [term]
    mark_implicit(ms, prev, {"ex:A"})
    assert [(m.kind, m.iri, m.pronoun) for m in ms][0] == (IMPLICIT, "ex:A", True)
    named = [_M(0, 4, "ex:B", COMPANY, "Beta Bio"), term]
    mark_implicit(named, prev, {"ex:A"})
    assert all(m.kind != IMPLICIT for m in named)
    lone = [term]
    mark_implicit(lone, prev, set())  # nothing stated of Alpha Bio in the sentence before
    assert lone == [term]


# h/anaph2: after an acquisition the work described next is the acquired company's.
@pytest.mark.parametrize("lang,first,second,target,acquirer,term", [
    ("en", "Halvane Pharma agreed to acquire Corrisant Bio for $1.2 billion.",
     "The lead programme is in a phase 1 trial in lupus.", "Corrisant Bio", "Halvane Pharma",
     "systemic lupus erythematosus"),
    ("zh-Hans", "晴禾药业宣布以10亿美元收购澜曜基因。", "首个候选药物用于治疗血友病，已进入一期临床试验。",
     "澜曜基因", "晴禾药业", "haemophilia"),
])
def test_after_an_acquisition_a_sentence_naming_no_company_is_about_the_target(extractor, lang, first, second,
                                                                               target, acquirer, term):
    facts, _, _ = extract_texts(extractor, first, second, lang=lang)
    assert (target, "targets", term) in facts
    assert (acquirer, "targets", term) not in facts


@pytest.mark.parametrize("lang,first,second,company,term", [
    # No pipeline or product word: a verb of doing the work carries it.
    ("en", "Corrisant Bio develops base editing treatments.",
     "A second base editing effort aims to treat sickle cell disease.", "Corrisant Bio", "sickle cell disease"),
    # A bare 被 is any passive, not a sale of the programme.
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "首个候选药物被用于治疗血友病，已进入一期临床试验。", "澜曜基因", "haemophilia"),
])
def test_an_implicit_subject_reads_work_verbs_and_any_passive(extractor, lang, first, second, company, term):
    facts, _, _ = extract_texts(extractor, first, second, lang=lang)
    assert (company, "targets", term) in facts


@pytest.mark.parametrize("lang,first,second", [
    ("en", "Corrisant Bio develops base editing treatments.",
     "The sickle cell disease programme was later bought by an undisclosed buyer."),
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "首个血友病候选药物后来被一家日本药厂收购。"),
])
def test_no_implicit_subject_for_a_programme_that_was_sold(lang, first, second, extractor):
    _, ex, _ = extract_texts(extractor, first, second, lang=lang)
    assert not [r for r in ex.relations if r.sentence_id == 1 and r.predicate in ("develops", "targets")]


def test_a_name_written_after_where_it_is_based_is_found(extractor):
    # "Boston-based Corrisant Bio" was read as one name and dropped for its "-based": the deal and the
    # target's programme in the next sentence were lost with it.
    facts, _, _ = extract_texts(extractor, "Halvane Pharma agreed to buy Boston-based Corrisant Bio.",
                                "The lead programme is in a phase 1 trial in lupus.")
    assert ("Halvane Pharma", "acquired", "Corrisant Bio") in facts
    assert ("Corrisant Bio", "targets", "systemic lupus erythematosus") in facts
    ms = [m for m in extractor.finder.find("Cambridge, Massachusetts-based Corrisant Bio develops CAR-T.")
          if m.kind == COMPANY]
    assert [(m.surface, m.described) for m in ms] == [("Corrisant Bio", "Massachusetts")]
