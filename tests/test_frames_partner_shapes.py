"""Partnership frames beyond "X partnered with Y" (#12 partner recall): lists, fronted phrases, a partner
named as the possessor's, agents after "co-developed by", 聯合/共建. Sentences written for these tests."""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _pairs(facts: set[tuple[str, str, str]]) -> set[frozenset[str]]:
    return {frozenset((s, o)) for s, p, o in facts if p == "partneredWith"}


@pytest.mark.parametrize("lang,text,parties", [
    ("en", "Halvane Bio, Corrisant Bio and Tessaly Bio formed a three-way partnership in base editing.",
     ("Halvane Bio", "Corrisant Bio", "Tessaly Bio")),
    ("zh-Hant", "昱川生技、晴禾生技、沐陽生技三方共建CAR-T平台。", ("昱川生技", "晴禾生技", "沐陽生技")),
    ("zh-Hans", "澜曜基因、禾丰生物与沐阳生物三方共同推进CAR-T疗法。", ("澜曜基因", "禾丰生物", "沐阳生物")),
    ("zh-Hans", "澜曜基因联合禾丰生物、沐阳生物推进CAR-T项目。", ("澜曜基因", "禾丰生物", "沐阳生物")),
])
def test_every_party_of_a_listed_partnership_partners_every_other(extractor, lang, text, parties):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    want = {frozenset((a, b)) for i, a in enumerate(parties) for b in parties[i + 1:]}
    assert want <= _pairs(facts), facts


@pytest.mark.parametrize("lang,text,pair", [
    ("en", "In collaboration with Corrisant Bio, Halvane Bio is testing its CAR-NK therapy in lupus.",
     ("Halvane Bio", "Corrisant Bio")),
    ("en", "Halvane Bio's partner Corrisant Bio will manufacture the vectors.", ("Halvane Bio", "Corrisant Bio")),
    ("en", "HV-101, co-developed by Halvane Bio and Corrisant Bio, entered the clinic.",
     ("Halvane Bio", "Corrisant Bio")),
    ("zh-Hans", "澜曜基因与禾丰生物共建CAR-T研发中心。", ("澜曜基因", "禾丰生物")),
])
def test_partnership_frames_without_a_plain_with(extractor, lang, text, pair):
    facts, _, _ = extract_texts(extractor, text, lang=lang)
    assert frozenset(pair) in _pairs(facts), facts


def test_a_fronted_partner_is_no_owner_of_the_subjects_asset(extractor):
    facts, _, _ = extract_texts(extractor, "In collaboration with Corrisant Bio, Halvane Bio is testing its CAR-NK "
                                           "therapy in lupus.")
    assert ("Halvane Bio", "develops", "CAR-NK cell therapy") in facts
    assert not any(s == "Corrisant Bio" and p in ("develops", "targets") for s, p, _ in facts), facts


def test_a_possessed_partner_that_is_no_company_name_makes_no_pair(extractor):
    facts, _, _ = extract_texts(extractor, "Halvane Bio's partners will manufacture the vectors.")
    assert not _pairs(facts)
