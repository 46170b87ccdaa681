"""Spin-out and home frames of :mod:`regenkg.graph.extract.origins` (issue #12), on sentences written for these
tests (invented names, not the eval sets)."""

from __future__ import annotations

import pytest
from conftest import extract_texts

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("lang,text,child,parent", [
    ("en", "Halvorn Therapeutics was founded on research from Kyoto University.", "Halvorn Therapeutics",
     "Kyoto University"),
    ("en", "Halvorn Therapeutics, founded on technology licensed from Stanford University, raised $40 million.",
     "Halvorn Therapeutics", "Stanford University"),
    ("zh-Hant", "源自北辰大學的晶岱生技宣布完成A輪融資。", "晶岱生技", "北辰大學"),
    ("zh-Hans", "源于南湖大学的晶岱生物正在开发CAR-T疗法。", "晶岱生物", "南湖大学"),
])
def test_founded_on_a_parents_science_is_a_spin_out(extractor, lang, text, child, parent):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert (child, "spunOutFrom", parent) in facts
    assert (parent, "spunOutFrom", child) not in facts


@pytest.mark.parametrize("text", [
    "Halvorn Therapeutics was founded in Boston and later licensed technology from Kyoto University.",
    "Halvorn Therapeutics builds on its work with Kyoto University.",
])
def test_a_licence_or_a_collaboration_is_no_spin_out(extractor, text):
    facts, _, _ = extract_texts(extractor, text)
    assert not any(p == "spunOutFrom" for _, p, _ in facts)


@pytest.mark.parametrize("lang,text,company,place", [
    ("en", "Halvorn Therapeutics is a Japan-based developer of CAR-T therapies.", "Halvorn Therapeutics", "Japan"),
    ("en", "Quillex Bio, which is listed in Japan, develops CAR-T therapies.", "Quillex Bio", "Japan"),
    ("en", "Quillex Bio won approval from Japan's Ministry of Health for its CAR-T therapy.", "Quillex Bio", "Japan"),
    ("zh-Hant", "晶岱生技的CAR-T療法獲日本厚生勞動省核准。", "晶岱生技", "Japan"),
    ("zh-Hant", "在台灣上市的晶岱生技宣布完成A輪融資。", "晶岱生技", "Taiwan"),
    ("zh-Hans", "晶岱生物已获得日本的上市许可。", "晶岱生物", "Japan"),
])
def test_home_from_base_listing_and_regulator(extractor, lang, text, company, place):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert (company, "operatesIn", place) in facts


@pytest.mark.parametrize("lang,text", [
    ("en", "Quillex Bio said the approval from Japan's regulator went to Tarnell Pharma."),
    ("zh-Hant", "晶岱生技獲日本禾豐醫藥授權。"),
])
def test_an_approval_or_licence_of_another_gives_no_home(extractor, lang, text):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert not any(s in ("Quillex Bio", "晶岱生技") and p == "operatesIn" for s, p, _ in facts)
