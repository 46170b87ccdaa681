"""Document-level deal status (issue #12): a later sentence that ends, denies or leaves unconfirmed a deal
named earlier makes it non-positive; hedges by source make a deal rumoured; ended work is no develops fact.

Sentences written for these tests (invented names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.deals import deal_quads
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer
from regenkg.records import Sentence


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _run(extractor: Extractor, *texts: str):
    sents, pos = [], 0
    for i, t in enumerate(texts):
        lang = "en" if t.isascii() else ("zh-Hans" if "岭" in t or "远" in t else "zh-Hant")
        sents.append(Sentence(100 + i, "doc", i, pos, pos + len(t), lang, t))
        pos += len(t) + 1
    ex = extractor.extract(sents)
    facts = {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}
    return facts, ex.deals


@pytest.mark.parametrize(("texts", "status"), [
    (("Marlowe Therapeutics agreed to acquire Quillon Bio for $1 billion.", "In May the deal was terminated."),
     "Terminated"),
    (("Marlowe Therapeutics agreed to acquire Quillon Bio for $1 billion.", "Marlowe later called off the acquisition."),
     "Terminated"),
    (("Marlowe Therapeutics will acquire Quillon Bio, a Boston newspaper wrote.", "Marlowe Therapeutics denied the report."),
     "Denied"),
    (("Marlowe Therapeutics is acquiring Quillon Bio.",
      "A Marlowe spokesperson said the company had no plans to buy Quillon Bio."), "Denied"),
    (("青嶺生技宣布收購遠岫基因。", "不過，雙方其後終止了這項交易。"), "Terminated"),
    (("市場傳出青嶺生技將收購遠岫基因。", "青嶺生技表示不評論市場傳聞。"), "Rumoured"),
    (("青岭生物宣布收购远岫基因。", "青岭生物随后表示，该收购案已经取消。"), "Terminated"),
])
def test_a_later_sentence_gives_the_acquisition_its_status(extractor, texts, status):
    facts, deals = _run(extractor, *texts)
    assert not {f for f in facts if f[1] == "acquired"}, facts
    acq = [d for d in deals if d.kind == "Acquisition"]
    assert acq and all(d.status == status for d in acq), acq


@pytest.mark.parametrize("texts", [
    ("Marlowe Therapeutics partnered with Quillon Bio on CAR-T in 2019.", "The collaboration ended in 2023."),
    ("Marlowe Therapeutics partnered with Quillon Bio on CAR-T in 2019.",
     "Quillon Bio regained the rights in 2023 after Marlowe Therapeutics exited cell therapy."),
    ("青嶺生技與遠岫基因合作開發CAR-T療法。", "2023年，雙方終止合作。"),
    ("青岭生物与远岫基因合作开发CAR-T疗法。", "该合作已于2023年终止。"),
])
def test_an_ended_collaboration_is_a_terminated_deal_with_both_sentences(extractor, texts):
    facts, deals = _run(extractor, *texts)
    assert not {f for f in facts if f[1] == "partneredWith"}, facts
    collab = [d for d in deals if d.kind == "Collaboration"]
    assert collab and all(d.status == "Terminated" for d in collab), collab
    assert all(d.sentence_id == 100 and d.status_sentence_id == 101 for d in collab)
    from pyoxigraph import NamedNode
    quads = deal_quads(collab[:1], NamedNode("http://example.org/g"))
    evidence = {str(q.object.value) for q in quads if q.predicate.value.endswith("wasDerivedFrom")}
    assert len(evidence) == 2, evidence


@pytest.mark.parametrize("texts", [
    # the later sentence is about another deal, or restates the same one as done
    ("Marlowe Therapeutics agreed to acquire Quillon Bio.", "Marlowe Therapeutics completed the acquisition of Quillon Bio in May."),
    ("Marlowe Therapeutics agreed to acquire Quillon Bio.", "Tessaly Pharma terminated its collaboration with Corvine Bio."),
    ("青嶺生技宣布收購遠岫基因。", "北岸製藥則終止了與曜川生技的合作。"),
    ("Marlowe Therapeutics agreed to acquire Quillon Bio.", "Marlowe Therapeutics ended its NK cell programme last year."),
])
def test_a_status_said_of_something_else_leaves_the_deal_alone(extractor, texts):
    facts, _ = _run(extractor, *texts)
    assert ("marlowe", "acquired", "quillon") in facts or ("青岭", "acquired", "远岫基因") in facts, facts


@pytest.mark.parametrize("text", [
    "Marlowe Therapeutics will acquire Quillon Bio, people familiar with the matter said.",
    "Marlowe Therapeutics will acquire Quillon Bio, according to a Bloomberg report.",
    "Marlowe Therapeutics is reportedly in talks to acquire Quillon Bio.",
    "据悉，青岭生物将收购远岫基因。",
    "青岭生物考虑收购远岫基因。",
    "市場傳出青嶺生技將收購遠岫基因。",
])
def test_a_deal_told_by_sources_is_rumoured(extractor, text):
    facts, deals = _run(extractor, text)
    assert not {f for f in facts if f[1] == "acquired"}, facts
    assert [d.status for d in deals] == ["Rumoured"], deals


@pytest.mark.parametrize("texts", [
    ("Marlowe Therapeutics develops CAR-T therapies.", "Marlowe Therapeutics put its CAR-T programme on hold in 2024."),
    ("青嶺生技開發CAR-T療法。", "2024年青嶺生技暫停CAR-T療法開發。"),
    ("青岭生物开发CAR-T疗法。", "青岭生物其后结束了CAR-T业务。"),
    ("Marlowe Therapeutics develops CAR-T therapies.", "In 2024 Marlowe Therapeutics exited cell therapy."),
])
def test_work_ended_in_another_sentence_is_no_develops_fact(extractor, texts):
    facts, _ = _run(extractor, *texts)
    assert not {f for f in facts if f[1] == "develops" and f[2] == "car-t"}, facts


def test_ending_one_programme_keeps_the_other(extractor):
    facts, _ = _run(extractor, "Marlowe Therapeutics develops CAR-T and NK cell therapies.",
                    "Marlowe Therapeutics stopped its NK cell programme.")
    assert ("marlowe", "develops", "car-t") in facts, facts
    assert ("marlowe", "develops", "nk") not in facts, facts


def test_partners_after_a_called_off_takeover_stay_partners(extractor):
    facts, _ = _run(extractor, "Marlowe Therapeutics agreed to acquire Quillon Bio.", "In May the deal was terminated.",
                    "Marlowe Therapeutics then partnered with Quillon Bio on CAR-T.")
    assert {("marlowe", "partneredWith", "quillon"), ("quillon", "partneredWith", "marlowe")} & facts, facts
