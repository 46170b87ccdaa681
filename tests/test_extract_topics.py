"""Which company a sentence is about, for the pronoun of the next one (#12): our own sentences."""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("lang,texts,buyer,wrong", [
    # A relative-time lead-in ("一年後，", "A year later,") opens the sentence; the company after it is the
    # topic the next sentence's "它"/"It" stands for — not the first company of an earlier list.
    ("zh-Hant", ("市場研究把這群公司列為：拜耳、安斯泰來與武田。", "兩年後，諾華再度出手。",
                 "它宣布以8億美元收購昱川生技。"), "Novartis", "Bayer"),
    ("zh-Hans", ("行业报告把这批公司写成：拜耳、安斯泰来和武田。", "一年后，诺华再次出手。",
                 "它宣布以8亿美元收购澜曜基因。"), "Novartis", "Bayer"),
    ("en", ("Analysts group the field as follows: Bayer, Astellas and Takeda.", "A year later, Novartis struck again.",
            "It agreed to buy Corrisant Bio for $800 million."), "Novartis", "Bayer"),
])
def test_pronoun_after_a_relative_time_lead_in_is_that_sentences_company(extractor, lang, texts, buyer, wrong):
    facts, _, _ = extract_texts(extractor, *texts, lang=lang)
    bought = {(s, o) for s, p, o in facts if p == "acquired"}
    assert any(s == buyer for s, _ in bought), facts
    assert not any(s == wrong for s, _ in bought), facts


@pytest.mark.parametrize("lang,texts,wrong", [
    # A company after a colon opens a list, not the sentence: no topic for the next sentence's pronoun.
    ("zh-Hant", ("市場研究把這群公司列為：拜耳、安斯泰來與武田。", "它宣布以8億美元收購昱川生技。"), "Bayer"),
    ("en", ("Analysts list three leaders: Bayer, Astellas and Takeda.", "It agreed to buy Corrisant Bio."), "Bayer"),
])
def test_first_company_of_a_list_after_a_colon_is_no_topic(extractor, lang, texts, wrong):
    facts, _, _ = extract_texts(extractor, *texts, lang=lang)
    assert not any(s == wrong and p == "acquired" for s, p, _ in facts), facts


@pytest.mark.parametrize("lang,text,company,left,kept", [
    ("en", "Corrisant Bio shifted its focus from lymphoma to lupus nephritis.", "Corrisant Bio", "lymphoma",
     "lupus nephritis"),
    ("en", "Corrisant Bio shifted its CAR-T programme from lymphoma to lupus nephritis.", "Corrisant Bio", "lymphoma",
     "lupus nephritis"),
    ("zh-Hant", "昱川生技把研發重心從淋巴瘤轉向狼瘡性腎炎。", "昱川生技", "lymphoma", "lupus nephritis"),
    ("zh-Hans", "澜曜基因的CAR-T疗法从淋巴瘤转向狼疮性肾炎。", "澜曜基因", "lymphoma", "lupus nephritis"),
])
def test_a_field_the_company_moved_away_from_is_no_target(extractor, lang, text, company, left, kept):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert (company, "targets", kept) in facts, facts
    assert (company, "targets", left) not in facts, facts


def test_another_sentence_still_states_the_old_field(extractor):
    facts, _, _ = extract_texts(extractor, "Corrisant Bio develops CAR-T therapies for lymphoma.",
                                "Corrisant Bio shifted its focus from lymphoma to lupus nephritis.")
    assert ("Corrisant Bio", "targets", "lymphoma") in facts  # the first sentence's fact stands
