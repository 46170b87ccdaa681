"""Deal frames of issue #12, fourth pass: acquisition chains, partners named by a possessive or a "between"
noun, memoranda, spin-outs told as an origin, and a company's home read from its stock listing.

Sentences written for these tests (invented names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer
from regenkg.records import Sentence


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _facts(extractor: Extractor, text: str) -> set[tuple[str, str, str]]:
    lang = "en" if text.isascii() else ("zh-Hans" if any(c in text for c in "岭远买卖资设与们国后") else "zh-Hant")
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), lang, text)])
    return {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}


@pytest.mark.parametrize(("text", "expected"), [
    ("Corvane Bio acquired Marlowe Therapeutics, which was later acquired by Quillon Bio.",
     {("corvane", "acquired", "marlowe"), ("quillon", "acquired", "marlowe")}),
    ("Corvane Bio bought Marlowe Therapeutics in 2019 and was itself acquired by Quillon Bio in 2022.",
     {("corvane", "acquired", "marlowe"), ("quillon", "acquired", "corvane")}),
    ("Marlowe Therapeutics was acquired by Quillon Bio, which had earlier bought Corvane Bio.",
     {("quillon", "acquired", "marlowe"), ("quillon", "acquired", "corvane")}),
    ("晶岱生技收購瑞晟基因，後者後來又被Quillon Bio併購。",
     {("晶岱", "acquired", "瑞晟基因"), ("quillon", "acquired", "瑞晟基因")}),
])
def test_an_acquisition_chain_keeps_every_link(extractor, text, expected):
    facts = {f for f in _facts(extractor, text) if f[1] == "acquired"}
    assert facts == expected, facts


@pytest.mark.parametrize("text", [
    "Marlowe Therapeutics, acquired by Quillon Bio in 2021, develops CAR-T therapies.",
    "瑞晟基因被晶岱生技收購。",
])
def test_a_passive_acquisition_alone_is_one_fact(extractor, text):
    facts = {f for f in _facts(extractor, text) if f[1] == "acquired"}
    assert len(facts) == 1, facts
