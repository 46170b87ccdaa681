"""Regulatory events as graph nodes (issues #12/#15, h/appr6): approvals, filings, conditional approvals,
reimbursement listings, each with its product, companies by role, agency/country, indications and date.

Every sentence is written for these tests (invented companies and products), in the shapes trade press uses
in English, Traditional and Simplified Chinese; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from conftest import extract_with_deals
from regenkg.graph.approvals import approval_quads
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

C = "https://w3id.org/regenkg/id/country/"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _events(extractor: Extractor, *texts: str) -> list[dict]:
    _, _, ex = extract_with_deals(extractor, *texts)
    names = {e.iri: e for e in ex.entities}
    names.update({k: v for k, v in extractor.gazetteer.entities.items() if k not in names})

    def label(iri: str) -> str:
        ent = names.get(iri)
        return (ent.labels.get("en") or next(iter(ent.labels.values()))) if ent and ent.labels else iri.rsplit("/", 1)[-1]

    return [{"status": a.status, "developers": {label(c) for c in a.developers},
             "marketers": {label(c) for c in a.marketers}, "product": a.product_name, "agency": a.agency,
             "country": a.country.removeprefix(C) if a.country else None,
             "indications": {i.rsplit("/", 1)[-1] for i in a.indications},
             "modalities": {m.rsplit("/", 1)[-1] for m in a.modalities}, "date": a.date, "first": a.first,
             "sentence": a.sentence_id}
            for a in ex.approvals]


@pytest.mark.parametrize("text,want", [
    ("Halvorsen Bio's Velorix, an allogeneic CAR-T therapy, was approved by the FDA for multiple myeloma in "
     "March 2025.",
     {"status": "Approved", "developers": {"Halvorsen Bio"}, "product": "Velorix", "agency": "fda", "country": "US",
      "indications": {"multiple-myeloma"}, "modalities": {"allogeneic-car-t"}, "date": "2025-03"}),
    ("Kyoran Therapeutics submitted a marketing application to Japan's PMDA for its iPSC-derived cardiomyocyte "
     "sheets in 2024.",
     {"status": "Filed", "developers": {"Kyoran Therapeutics"}, "agency": "pmda", "country": "JP",
      "modalities": {"ipsc-derived-cells"}, "date": "2024"}),
    ("晶禾生技的自體CAR-T療法於2024年獲衛福部核准附條件上市，用於治療瀰漫性大B細胞淋巴瘤。",
     {"status": "Conditional", "developers": {"晶禾生技"}, "agency": "tfda", "country": "TW",
      "modalities": {"autologous-car-t"}, "date": "2024"}),
    ("远岫基因的AAV基因疗法获国家药监局批准上市，成为中国首款获批的AAV基因疗法，由青岭医药负责商业化。",
     {"status": "Approved", "developers": {"远岫基因"}, "marketers": {"青岭医药"}, "agency": "nmpa", "country": "CN",
      "modalities": {"aav"}, "first": True}),
    ("青嶺生技的CAR-T療法Qel-cel自2025年起納入健保給付，適用於急性淋巴性白血病。",
     {"status": "Reimbursed", "developers": {"青嶺生技"}, "product": "Qel-cel", "country": "TW",
      "modalities": {"car-t"}, "date": "2025"}),
    ("Tessaly Cells won conditional and time-limited approval in Japan for its mesenchymal stem cell sheet in 2023.",
     {"status": "Conditional", "developers": {"Tessaly Cells"}, "country": "JP", "date": "2023"}),
    ("曉霧細胞已向日本厚生勞動省遞交iPS細胞衍生心肌細胞片的上市申請。",
     {"status": "Filed", "developers": {"曉霧細胞"}, "agency": "pmda", "country": "JP"}),
    ("Orrin Bio's Zelvocel, which is marketed in Europe by Marrow Point Pharma, received EMA approval for "
     "large B-cell lymphoma.",
     {"status": "Approved", "developers": {"Orrin Bio"}, "marketers": {"Marrow Point Pharma"}, "agency": "ema",
      "country": "EU"}),
    ("芦城製藥也已在日本提交了iPS細胞衍生多巴胺神經前驅細胞的製造販賣承認申請。",
     {"status": "Filed", "developers": {"芦城製藥"}, "country": "JP", "modalities": {"ipsc-derived-cells",
                                                                                "dopaminergic-progenitor"}}),
    ("云桥医药的血友病B基因疗法获批上市，成为国内首款获批的血友病B基因治疗产品，北辰制药中国将负责其在中国大陆的商业化。",
     {"status": "Approved", "developers": {"云桥医药"}, "marketers": {"北辰制药"}, "country": "CN", "first": True}),
    ("Sefton Pharma holds the exclusive commercial rights to Velorix in Japan, which was approved by the MHLW in 2024.",
     {"status": "Approved", "developers": set(), "marketers": {"Sefton Pharma"}, "product": "Velorix",
      "agency": "pmda", "date": "2024"}),
])
def test_a_stated_event_is_one_node_with_its_slots(extractor, text, want):
    events = _events(extractor, text)
    assert len(events) == 1, events
    got = events[0]
    for key, value in want.items():
        assert got[key] == value, (key, got)
    assert got["sentence"] == 0  # its evidence sentence


@pytest.mark.parametrize("text", [
    "Marrow Point Therapeutics plans to file a BLA with the FDA next year.",
    "Orrin Bio expects approval of its CAR-T therapy in Japan in 2027.",
    "晶禾生技預計明年向衛福部提出CAR-T療法的上市申請。",
    "远岫基因的AAV基因疗法尚未获国家药监局批准。",
    "Tessaly Cells filed an IND with the FDA for its NK cell therapy.",
    "The FDA approval pathway for gene therapies was revised in 2024.",
    "立法院於2024年通過再生醫療法，衛福部隨後核准施行細則。",
])
def test_a_plan_a_refusal_a_trial_filing_or_a_system_is_no_event(extractor, text):
    assert _events(extractor, text) == []


def test_filing_and_approval_in_one_sentence_are_two_events(extractor):
    text = ("Kyoran Therapeutics filed a BLA with the FDA in 2023, and the agency approved its CAR-T therapy "
            "for lupus in May 2025.")
    events = sorted(_events(extractor, text), key=lambda e: e["status"])
    assert [(e["status"], e["date"]) for e in events] == [("Approved", "2025-05"), ("Filed", "2023")], events
    assert all(e["developers"] == {"Kyoran Therapeutics"} for e in events)


def test_several_approvals_in_one_sentence_keep_their_own_companies_and_dates(extractor):
    text = ("国产CAR-T方面，云岚生物的YL-1于2021年获批，赤峡医药与石溪医药的CX-2于2023年获批，"
            "雾川生物的WC-3于2024年获批用于多发性骨髓瘤。")
    got = {(frozenset(e["developers"]), e["date"], frozenset(e["modalities"])) for e in _events(extractor, text)}
    assert got == {(frozenset({"云岚生物"}), "2021", frozenset({"car-t"})),
                   (frozenset({"赤峡医药", "石溪医药"}), "2023", frozenset({"car-t"})),
                   (frozenset({"雾川生物"}), "2024", frozenset({"car-t"}))}, got


def test_a_pronoun_names_the_company(extractor):
    events = _events(extractor, "Kyoran Therapeutics develops allogeneic CAR-T cells.",
                     "The company received FDA approval for its lead program in 2025.")
    assert [(e["status"], e["developers"], e["sentence"]) for e in events] == [
        ("Approved", {"Kyoran Therapeutics"}, 1)], events


def test_events_become_approval_nodes_with_their_sentence(extractor):
    from pyoxigraph import NamedNode

    _, _, ex = extract_with_deals(extractor, "Halvorsen Bio's Velorix was approved by the FDA for multiple myeloma "
                                             "in March 2025.")
    quads = approval_quads(ex.approvals, NamedNode("https://w3id.org/regenkg/graph/doc"))
    preds = {q.predicate.value.rsplit("#", 1)[-1] for q in quads}
    assert {"approvalStatus", "developer", "agency", "country", "indication", "year", "wasDerivedFrom"} <= preds
    assert any(q.object.value.endswith("/sentence/0") for q in quads)


def test_an_approval_table_gives_one_event_per_row(extractor):
    rows = ("下表整理了国产CAR-T疗法的上市进度。", "| 企业 | 产品 | 靶点 | 适应症 | 获批时间 |", "| --- | --- | --- | --- | --- |",
            "| 松岩生物/鹤汀医药 | SY-19 | BCMA | 多发性骨髓瘤 | 2024年8月 |",
            "| 苇原生物 | WY-3 | GPRC5D | 多发性骨髓瘤 | 临床III期 |",  # a trial phase: no event
            "| Developer | Product | Indication | Status | Commercial partner |", "|---|---|---|---|---|",
            "| Kyoran Therapeutics | KY-01 | multiple myeloma | Approved (FDA, 2024) | Sefton Pharma |",
            "| Orrin Bio | OB-2 | lupus | Phase 2 | — |")
    events = _events(extractor, *rows)
    got = {(e["status"], frozenset(e["developers"]), frozenset(e["marketers"]), e["product"], e["agency"], e["date"])
           for e in events}
    assert got == {("Approved", frozenset({"松岩生物", "鹤汀医药"}), frozenset(), "SY-19", None, "2024-08"),
                   ("Approved", frozenset({"Kyoran Therapeutics"}), frozenset({"Sefton Pharma"}), "KY-01", "fda",
                    "2024")}, got
    # A row that names no modality is about the table's caption's topic.
    assert next(e for e in events if e["product"] == "SY-19")["modalities"] == {"car-t"}
