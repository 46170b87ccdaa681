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
