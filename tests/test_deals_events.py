"""Deals as events (issue #12, h/deals3): both ends of a collaboration, ended deals, mergers, licence territory.

Every sentence is written for these tests (invented names), in the shapes trade press uses in English,
Traditional and Simplified Chinese; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from conftest import extract_with_deals
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _run(extractor: Extractor, *texts: str):
    facts, deals, _ = extract_with_deals(extractor, *texts)
    return facts, deals


def _partners(facts) -> set[frozenset[str]]:
    return {frozenset((s, o)) for s, p, o in facts if p == "partneredWith"}


# ---------------------------------------------------------------- both ends of a collaboration
@pytest.mark.parametrize("text,pairs", [
    ("Orrin Bio, Tessaly Cells and Marrow Point Therapeutics entered into a three-way research collaboration.",
     {("Orrin Bio", "Tessaly Cells"), ("Orrin Bio", "Marrow Point Therapeutics"),
      ("Tessaly Cells", "Marrow Point Therapeutics")}),
    ("Orrin Bio and Tessaly Cells partnered with Marrow Point Therapeutics on CAR-T.",
     {("Orrin Bio", "Marrow Point Therapeutics"), ("Tessaly Cells", "Marrow Point Therapeutics")}),
    ("Tessaly Cells has signed an MoU with Orrin Bio.", {("Tessaly Cells", "Orrin Bio")}),
    ("Orrin Bio said its partner Tessaly Cells will run the trial.", {("Orrin Bio", "Tessaly Cells")}),
    ("青嶺生技、遠岫基因與曉霧細胞簽署三方合作協議。",
     {("青嶺生技", "遠岫基因"), ("青嶺生技", "曉霧細胞"), ("遠岫基因", "曉霧細胞")}),
    ("青嶺生技、遠岫基因與曉霧細胞簽署合作協議。", {("青嶺生技", "曉霧細胞"), ("遠岫基因", "曉霧細胞")}),
    ("远岫基因携手青岭生物及晓雾细胞开发NK细胞疗法。", {("远岫基因", "青岭生物"), ("远岫基因", "晓雾细胞")}),
    ("青嶺生技入股遠岫基因，雙方簽署合作協議。", {("青嶺生技", "遠岫基因")}),
])
def test_every_end_of_a_collaboration_is_written(extractor, text, pairs):
    facts, _ = _run(extractor, text)
    assert _partners(facts) == {frozenset(p) for p in pairs}, facts


@pytest.mark.parametrize("texts,pair", [
    (("Orrin Bio met Tessaly Cells at a conference in 2020.",
      "The two companies signed a collaboration agreement in 2022."), ("Orrin Bio", "Tessaly Cells")),
    (("青嶺生技今年初與遠岫基因接觸。", "雙方已簽署合作協議。"), ("青嶺生技", "遠岫基因")),
    (("青岭生物今年初与远岫基因接触。", "双方已签署战略合作协议。"), ("青岭生物", "远岫基因")),
])
def test_the_two_companies_stand_for_the_two_named_before(extractor, texts, pair):
    facts, deals = _run(extractor, *texts)
    assert _partners(facts) == {frozenset(pair)}, facts
    assert ("Collaboration", "Announced", tuple(sorted(("partner", p) for p in pair))) in deals


def test_the_two_companies_do_not_turn_an_acquisition_into_a_partnership(extractor):
    facts, _ = _run(extractor, "Orrin Bio acquired Tessaly Cells.",
                    "The two companies did not disclose the terms of the deal.")
    assert ("Orrin Bio", "acquired", "Tessaly Cells") in facts
    assert not _partners(facts)


def test_a_list_needs_a_conjunction(extractor):
    facts, _ = _run(extractor, "After Orrin Bio, Tessaly Cells partnered with Marrow Point Therapeutics.")
    assert _partners(facts) == {frozenset(("Tessaly Cells", "Marrow Point Therapeutics"))}, facts


# ---------------------------------------------------------------- a party announcing its own deal
@pytest.mark.parametrize("text,status", [
    ("In August Gilead Sciences announced that it would acquire Kite Pharma for about US$11.9 billion.", "Announced"),
    ("Analysts said Gilead Sciences would acquire Kite Pharma.", "Rumoured"),
    ("People familiar with the matter said Gilead Sciences would acquire Kite Pharma.", "Rumoured"),
])
def test_announced_that_it_would_is_an_announcement(extractor, text, status):
    facts, deals = _run(extractor, text)
    assert ("Acquisition", status, (("acquirer", "Gilead Sciences"), ("target", "Kite Pharma"))) in deals
    assert (("Gilead Sciences", "acquired", "Kite Pharma") in facts) == (status == "Announced")


@pytest.mark.parametrize("text", [
    "Orrin Bio announced that it would end its collaboration with Tessaly Cells.",
    "Orrin Bio said it would exit its partnership with Tessaly Cells.",
])
def test_an_announced_end_is_no_partnership(extractor, text):
    facts, deals = _run(extractor, text)
    assert not _partners(facts)
    assert ("Collaboration", "Terminated", (("partner", "Orrin Bio"), ("partner", "Tessaly Cells"))) in deals


# ---------------------------------------------------------------- ended licences: rights handed back
@pytest.mark.parametrize("texts,licensee,licensor", [
    (("Orrin Bio returned the rights to the CAR-T programme to Tessaly Cells.",), "Orrin Bio", "Tessaly Cells"),
    (("Tessaly Cells regained the rights to its NK cell therapy from Orrin Bio.",), "Orrin Bio", "Tessaly Cells"),
    (("青岭生物已将CAR-T疗法的权利归还给远岫基因。",), "青岭生物", "远岫基因"),
    (("遠岫基因從青嶺生技收回CAR-T療法的全球權利。",), "青嶺生技", "遠岫基因"),
    (("青嶺生技終止授權遠岫基因開發CAR-T療法。",), "遠岫基因", "青嶺生技"),
    (("Orrin Bio licensed its CAR-T therapy to Tessaly Cells in 2019.", "Tessaly Cells later returned the rights."),
     "Tessaly Cells", "Orrin Bio"),
])
def test_rights_handed_back_end_the_licence(extractor, texts, licensee, licensor):
    facts, deals = _run(extractor, *texts)
    assert not any(p in ("licensedFrom", "partneredWith") for _, p, _ in facts), facts
    assert ("Licence", "Terminated", (("licensee", licensee), ("licensor", licensor))) in deals, deals


def test_returned_rights_are_no_current_work(extractor):
    facts, _ = _run(extractor, "Orrin Bio returned the rights to the CAR-T programme to Tessaly Cells.")
    assert not any(p == "develops" and s == "Orrin Bio" for s, p, _ in facts), facts


@pytest.mark.parametrize("text,status", [
    ("Orrin Bio terminated its collaboration with Tessaly Cells in March.", "Terminated"),
    ("Orrin Bio and Tessaly Cells wound down their partnership.", "Terminated"),
    ("青嶺生技宣布終止與遠岫基因的合作。", "Terminated"),
    ("青岭生物与远岫基因解除合作关系。", "Terminated"),
])
def test_an_ended_collaboration_is_a_deal_without_an_edge(extractor, text, status):
    facts, deals = _run(extractor, text)
    assert not _partners(facts)
    assert [d for d in deals if d[0] == "Collaboration" and d[1] == status], deals


# ---------------------------------------------------------------- the licence's territory is the licensee's
@pytest.mark.parametrize("text,licensee,licensor,place", [
    ("Orrin Bio licensed Greater China rights to its CAR-T therapy to Tessaly Cells.",
     "Tessaly Cells", "Orrin Bio", "Greater China"),
    ("Orrin Bio licensed the Japanese development and commercialization rights to OB-201 to Tessaly Cells.",
     "Tessaly Cells", "Orrin Bio", "Japan"),
    ("Orrin Bio acquired the Greater China rights to Tessaly Cells' CAR-T therapy.",
     "Orrin Bio", "Tessaly Cells", "Greater China"),
    ("遠岫基因將CAR-T療法的大中華區權利授權給青嶺生技。", "青嶺生技", "遠岫基因", "Greater China"),
])
def test_the_territory_belongs_to_the_licensee(extractor, text, licensee, licensor, place):
    facts, _ = _run(extractor, text)
    assert (licensee, "licensedFrom", licensor) in facts, facts
    assert (licensee, "operatesIn", place) in facts
    assert (licensor, "operatesIn", place) not in facts


# ---------------------------------------------------------------- mergers
@pytest.mark.parametrize("texts,status", [
    (("Orrin Bio merged with Tessaly Cells in 2021.",), "Announced"),
    (("Orrin Bio agreed to merge with Tessaly Cells in an all-stock deal.",), "Announced"),
    (("Orrin Bio and Tessaly Cells merged to form Halvard Therapeutics.",), "Announced"),
    (("The merger of Orrin Bio and Tessaly Cells closed in May.",), "Completed"),
    (("Orrin Bio called off its merger with Tessaly Cells.",), "Terminated"),
    (("青嶺生技與遠岫基因合併。",), "Announced"),
    (("青嶺生技宣布與遠岫基因合併，合併後公司更名為曦和生技。",), "Announced"),
    (("青岭生物与远岫基因合并成立曦和生物。",), "Announced"),
    (("青岭生物与远岫基因的合并案已告吹。",), "Terminated"),
    (("Orrin Bio agreed to merge with Tessaly Cells.", "The merger was terminated in June."), "Terminated"),
])
def test_a_merger_without_a_survivor_is_a_merger_deal_and_no_edge(extractor, texts, status):
    facts, deals = _run(extractor, *texts)
    assert not any(p in ("partneredWith", "acquired") for _, p, _ in facts), facts
    merger = [d for d in deals if d[0] == "Merger"]
    assert len(merger) == 1 and merger[0][1] == status, deals
    assert {name for _, name in merger[0][2]} in ({"Orrin Bio", "Tessaly Cells"}, {"青嶺生技", "遠岫基因"},
                                                  {"青岭生物", "远岫基因"})


@pytest.mark.parametrize("text,host,absorbed", [
    ("Tessaly Cells merged into Orrin Bio.", "Orrin Bio", "Tessaly Cells"),
    ("Tessaly Cells was merged into Orrin Bio.", "Orrin Bio", "Tessaly Cells"),
    ("Orrin Bio completed its merger with Tessaly Cells, and the combined company will be named Orrin Bio.",
     "Orrin Bio", "Tessaly Cells"),
    ("Orrin Bio merged with Tessaly Cells; the combined company will operate under the Orrin Bio name.",
     "Orrin Bio", "Tessaly Cells"),
    ("遠岫基因併入青嶺生技。", "青嶺生技", "遠岫基因"),
    ("青嶺生技與遠岫基因合併，存續公司為青嶺生技。", "青嶺生技", "遠岫基因"),
    ("青岭生物吸收合并远岫基因。", "青岭生物", "远岫基因"),
])
def test_a_merger_with_a_survivor_is_an_acquisition(extractor, text, host, absorbed):
    facts, deals = _run(extractor, text)
    assert (host, "acquired", absorbed) in facts, facts
    assert not _partners(facts)
    assert not [d for d in deals if d[0] == "Merger"]


@pytest.mark.parametrize("texts", [
    ("2023年11月，傳奇生物與諾華簽署獨家全球授權協議，諾華取得傳奇的CAR-T候選療法。",
     "這是一筆授權交易，而不是併購：諾華並未收購傳奇生物。"),
    ("Orrin Bio licensed its CAR-T therapy to Tessaly Cells.",
     "This is a licence, not an acquisition: Tessaly Cells did not buy Orrin Bio."),
])
def test_denying_a_takeover_leaves_the_licence_standing(extractor, texts):
    facts, deals = _run(extractor, *texts)
    assert [d for d in deals if d[0] == "Licence" and d[1] == "Announced"], deals
    assert [d for d in deals if d[0] == "Acquisition" and d[1] == "Denied"], deals
    assert any(p == "licensedFrom" for _, p, _ in facts)


def test_names_seen_together_are_no_collaboration(extractor):
    facts, deals = _run(extractor, "它的名字在市場報告中經常與諾華或楊森一起出現，但兩段關係的性質並不相同。")
    assert not _partners(facts) and not deals


# ---------------------------------------------------------------- joint work with no partnership noun
@pytest.mark.parametrize("text,pair", [
    ("Orrin Bio's NK cell programme with Tessaly Cells entered the clinic.", ("Orrin Bio", "Tessaly Cells")),
    ("Orrin Bio and Tessaly Cells' joint CAR-T programme entered the clinic.", ("Orrin Bio", "Tessaly Cells")),
    ("Orrin Bio brought in Tessaly Cells as manufacturing partner.", ("Orrin Bio", "Tessaly Cells")),
    ("Orrin Bio has been working alongside Tessaly Cells on gene therapies.", ("Orrin Bio", "Tessaly Cells")),
    ("青嶺生技與遠岫基因展開CAR-T療法臨床試驗。", ("青嶺生技", "遠岫基因")),
    ("青岭生物与远岫基因开展NK细胞疗法研究。", ("青岭生物", "远岫基因")),
])
def test_joint_work_names_both_partners(extractor, text, pair):
    facts, _ = _run(extractor, text)
    assert _partners(facts) == {frozenset(pair)}, facts


@pytest.mark.parametrize("text", [
    "Orrin Bio's research with Tessaly Cells was halted in 2022.",
    "青嶺生技已暫停與遠岫基因的合作。",
])
def test_halted_joint_work_is_an_ended_deal(extractor, text):
    facts, deals = _run(extractor, text)
    assert not _partners(facts)
    assert [d for d in deals if d[0] == "Collaboration" and d[1] == "Terminated"], deals
