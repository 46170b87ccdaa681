"""Polarity of issue #12, second pass: paused, ended or past work and unmade deals give no positive fact.

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


def _run(extractor: Extractor, text: str):
    lang = "en" if text.isascii() else "zh-Hant"
    ex = extractor.extract([Sentence(0, "doc", 0, 0, len(text), lang, text)])
    facts = {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}
    return facts, {(d.kind, d.status) for d in ex.deals}


@pytest.mark.parametrize("text", [
    "Marlowe Therapeutics put its gene therapy pipeline on hold.",
    "Marlowe Therapeutics deprioritised its iPSC programme to save cash.",
    "Marlowe Therapeutics has ended development of its allogeneic CAR-T programme.",
    "Marlowe Therapeutics, which once developed CAR-T therapies, now focuses on antibodies.",
    "Marlowe Therapeutics shut down its iPSC unit.",
    "青嶺生技暫停其CAR-T療法的開發。",
    "青嶺生技擱置了幹細胞療法管線。",
    "青嶺生技曾經開發CAR-T療法，但已轉型為CDMO。",
    "青嶺生技結束其幹細胞業務，轉而專注小分子藥物。",
    "Marlowe Therapeutics gave up on its CAR-NK programme.",
    "Marlowe Therapeutics' decision to stop developing CAR-T therapies surprised investors.",
    "Marlowe Therapeutics had been developing an allogeneic CAR-T therapy until the programme was cancelled.",
    "Marlowe Therapeutics axed its CAR-NK programme in a restructuring.",
    "青嶺生技先前布局的CAR-T療法已全部終止。",
    "青嶺生技的CAR-T療法開發已喊停。",
])
def test_paused_ended_or_past_work_is_no_develops_fact(extractor, text):
    facts, _ = _run(extractor, text)
    assert not {f for f in facts if f[1] == "develops"}, facts


def test_an_ended_collaboration_does_not_stop_the_remaining_partner_s_work(extractor):
    facts, deals = _run(extractor, "曜川生技宣布結束了與北岸製藥的合作，雙方共同開發的NK細胞療法將由曜川生技獨立推進。")
    assert any(p == "develops" and o == "nk" for _, p, o in facts), facts
    assert not any(p == "partneredWith" for _, p, _ in facts), facts


@pytest.mark.parametrize("text", [
    "Marlowe Therapeutics made an unsolicited offer to buy Quillon Bio, which the board rejected.",
    "Marlowe Therapeutics distanced itself from reports it was set to buy Quillon Bio.",
    "Marlowe Therapeutics' failed bid for Quillon Bio was its second attempt.",
    "Marlowe Therapeutics formerly partnered with Quillon Bio on CAR-T.",
    "Marlowe Therapeutics handed back the rights to Quillon Bio's CAR-T programme after a two-year alliance.",
    "青嶺生技收購遠岫基因的消息不實。",
    "青嶺生技並無收購遠岫基因之意。",
    "外界盛傳青嶺生技將收購遠岫基因，但青嶺生技已澄清。",
    "市場傳出青嶺生技將收購遠岫基因，青嶺生技隨即出面闢謠。",
])
def test_a_rejected_false_or_past_deal_gives_no_positive_edge(extractor, text):
    facts, deals = _run(extractor, text)
    assert not {f for f in facts if f[1] in ("acquired", "partneredWith", "licensedFrom")}, facts
    assert all(status not in ("Announced", "Completed") for _, status in deals), deals


def test_a_completed_deal_is_still_positive(extractor):
    facts, deals = _run(extractor, "Marlowe Therapeutics completed its acquisition of Quillon Bio, a CAR-T developer.")
    assert any(p == "acquired" for _, p, _ in facts), facts
