"""Deal frames of issue #12, second pass: joint ventures, spin-outs and asset sales in more word orders.

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
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), "en", text)])
    return {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}


@pytest.mark.parametrize("text", [
    "The 50/50 joint venture between Marlowe Therapeutics and Quillon Bio will make AAV vectors.",
    "Quillon Bio and Marlowe Therapeutics created a jointly owned company, MQ Therapeutics.",
])
def test_a_joint_venture_named_by_its_partners(extractor, text):
    facts = _facts(extractor, text)
    assert {(s, o) for s, p, o in facts if p == "jointVentureWith"} & {("marlowe", "quillon"), ("quillon", "marlowe")}


@pytest.mark.parametrize("text", [
    "Quillon Bio, a Marlowe Therapeutics spin-off, develops CAR-T therapies.",
    "Marlowe Therapeutics spun off its CAR-T unit as Quillon Bio.",
    "Marlowe Therapeutics spun out Quillon Bio to develop gene therapies.",
    "Quillon Bio was spun out of Marlowe Therapeutics in 2021.",
])
def test_a_spin_out_in_either_order(extractor, text):
    facts = _facts(extractor, text)
    assert ("quillon", "spunOutFrom", "marlowe") in facts, facts
    assert ("marlowe", "spunOutFrom", "quillon") not in facts, facts


@pytest.mark.parametrize("text", [
    "Quillon Bio bought Marlowe Therapeutics' manufacturing site.",
    "Quillon Bio took over Marlowe Therapeutics' viral vector facility.",
])
def test_buying_a_site_of_a_name_ending_in_s_is_its_sale_not_a_takeover(extractor, text):
    facts = _facts(extractor, text)
    assert ("marlowe", "soldTo", "quillon") in facts, facts
    assert ("quillon", "acquired", "marlowe") not in facts, facts
