"""Whose asset a partnership is about, and whose "its" after a verb of taking (#12 wrong subjects).

Sentences written for these tests (made-up names): the deal rules give the modality to every biotech party
unless the sentence writes one of them as its owner.
"""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("lang,text,owner,other,term", [
    ("en", "Halvane Bio partnered with Corrisant Bio to use Corrisant Bio's base editing platform.",
     "Corrisant Bio", "Halvane Bio", "base editing"),
    ("en", "Halvane Bio partnered with Corrisant Bio to use its base editing platform.",
     "Corrisant Bio", "Halvane Bio", "base editing"),
    ("en", "Halvane Bio signed a deal with Corrisant Bio for access to its in vivo CAR-T technology.",
     "Corrisant Bio", "Halvane Bio", "in vivo CAR-T"),
    ("en", "Halvane Bio partnered with Corrisant Bio, a developer of iPSC-derived cell therapies.",
     "Corrisant Bio", "Halvane Bio", "iPSC-derived cell therapy"),
    ("zh-Hant", "昱川生技與晴禾生技合作，取得其CAR-T技術。", "晴禾生技", "昱川生技", "CAR-T cell therapy"),
    ("zh-Hant", "昱川生技與晴禾生技簽署合作協議，使用晴禾生技的CAR-NK平台。", "晴禾生技", "昱川生技",
     "CAR-NK cell therapy"),
    ("zh-Hans", "澜曜基因与禾丰生物签署合作协议，使用禾丰生物的CAR-NK平台。", "禾丰生物", "澜曜基因",
     "CAR-NK cell therapy"),
])
def test_the_written_owner_alone_develops_the_partnership_asset(extractor, lang, text, owner, other, term):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert (owner, "develops", term) in facts
    assert (other, "develops", term) not in facts


@pytest.mark.parametrize("lang,text,parties,term", [
    ("en", "Halvane Bio and Corrisant Bio will jointly develop in vivo CAR-T therapies.",
     ("Halvane Bio", "Corrisant Bio"), "in vivo CAR-T"),
    ("zh-Hans", "澜曜基因与禾丰生物达成合作，共同开发CAR-T疗法。", ("澜曜基因", "禾丰生物"), "CAR-T cell therapy"),
])
def test_an_asset_no_party_owns_stays_with_every_party(extractor, lang, text, parties, term):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert all((p, "develops", term) in facts for p in parties)


def test_two_partnerships_naming_one_modality_keep_their_own_parties(extractor):
    facts, _, _ = extract_texts(extractor, "澜曜基因通过与禾丰生物的iPSC合作切入NK细胞，晴川生物也与沐阳生物合作开发iPSC衍生的NK细胞疗法。",
                                lang="zh-Hans")
    assert ("禾丰生物", "develops", "iPSC") in facts
    # h/prec6: "iPSC衍生" reads as "iPSC-derived" (as in English), the second deal's own modality
    assert ("晴川生物", "develops", "iPSC-derived cell therapy") in facts
    assert ("沐阳生物", "develops", "iPSC-derived cell therapy") in facts


def test_its_without_a_verb_of_taking_is_the_subjects(extractor):
    facts, _, _ = extract_texts(extractor, "Halvane Bio licensed its base editing technology to Corrisant Bio.")
    assert ("Halvane Bio", "develops", "base editing") in facts
    assert ("Corrisant Bio", "develops", "base editing") not in facts


@pytest.mark.parametrize("text,lead,partner,term", [
    ("Halvane Bio partnered with Corrisant Bio on in vivo CAR-T therapies.", "Halvane Bio", "Corrisant Bio",
     "in vivo CAR-T"),
    ("Tessaly Bio signed a collaboration agreement with Orrin Genetics covering base editing.", "Tessaly Bio",
     "Orrin Genetics", "base editing"),
])
def test_the_subject_of_a_with_frame_develops_what_the_partnership_is_about(extractor, text, lead, partner, term):
    facts, _, _ = extract_texts(extractor, text)
    assert (lead, "partneredWith", partner) in facts or (partner, "partneredWith", lead) in facts
    assert (lead, "develops", term) in facts
    assert (partner, "develops", term) not in facts


def test_joint_work_or_a_written_owner_still_gives_the_partner_the_asset(extractor):
    facts, _, _ = extract_texts(extractor, "Halvane Bio partnered with Corrisant Bio to jointly develop base editing therapies.")
    assert {("Halvane Bio", "develops", "base editing"), ("Corrisant Bio", "develops", "base editing")} <= facts
    facts, _, _ = extract_texts(extractor, "Halvane Bio partnered with Corrisant Bio on Corrisant Bio's base editing platform.")
    assert ("Corrisant Bio", "develops", "base editing") in facts
    assert ("Halvane Bio", "develops", "base editing") not in facts
