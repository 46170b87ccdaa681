"""Deal questions answered from rkg:Deal events: status, amounts, largest, years (issue 15 item 2).

The articles in tests/data/deals are built through the real pipeline. While the build makes no rkg:Deal
nodes of its own, the events those articles state (tests/data/deal_events.yaml, in the shared Deal schema)
are added to the built graph, each pointing at the real sentence it comes from; once the build makes Deal
nodes, the test runs on those instead.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import DATA

RES = "https://w3id.org/regenkg/id/"
RKG = "https://w3id.org/regenkg/ontology#"
DEALS = DATA / "deals"


def _add_deals(kb) -> int:
    import hashlib

    import pyoxigraph as ox

    events = yaml.safe_load((DATA / "deal_events.yaml").read_text(encoding="utf-8"))
    sentences = {}
    for row in kb.store.query(f"SELECT ?s ?t WHERE {{ ?s <{RKG}text> ?t }}"):
        sentences[row["s"].value] = row["t"].value
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for ev in events:
        sids = [s for s, t in sentences.items() if ev["sentence"] in t]
        assert len(sids) == 1, f"deals.yaml: {ev['sentence']!r} names {len(sids)} sentences"
        d = ox.NamedNode(RES + "deal/" + hashlib.blake2b(ev["sentence"].encode(), digest_size=8).hexdigest())
        quads = [(d, rdf_type, ox.NamedNode(RKG + "Deal")), (d, ox.NamedNode(RKG + "dealKind"), ox.NamedNode(RKG + ev["kind"])),
                 (d, ox.NamedNode(RKG + "status"), ox.NamedNode(RKG + ev["status"])), (d, derived, ox.NamedNode(sids[0]))]
        for role, parties in ev["roles"].items():
            for p in parties if isinstance(parties, list) else [parties]:
                quads.append((d, ox.NamedNode(RKG + role), ox.NamedNode(RES + p)))
        if "amount" in ev:
            quads += [(d, ox.NamedNode(RKG + "amount"), ox.Literal(str(ev["amount"]), datatype=ox.NamedNode(xsd + "decimal"))),
                      (d, ox.NamedNode(RKG + "currency"), ox.Literal(ev["currency"])),
                      (d, ox.NamedNode(RKG + "amountKind"), ox.Literal(ev["amountKind"]))]
        if "year" in ev:
            quads.append((d, ox.NamedNode(RKG + "year"), ox.Literal(str(ev["year"]), datatype=ox.NamedNode(xsd + "integer"))))
        if "date" in ev:
            quads.append((d, ox.NamedNode(RKG + "date"), ox.Literal(str(ev["date"]))))
        for s, p, o in quads:  # in a document graph and in the merged default graph, as the build does
            kb.store.add(ox.Quad(s, p, o, ox.NamedNode("https://w3id.org/regenkg/graph/test-deals")))
            kb.store.add(ox.Quad(s, p, o, ox.DefaultGraph()))
    return len(events)


@pytest.fixture(scope="module")
def deals_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "deals"
    build_index([DEALS], index, settings)
    kb = KnowledgeBase.open(index, settings)
    if not bool(kb.store.query(f"ASK {{ ?d a <{RKG}Deal> }}")):
        _add_deals(kb)
    yield kb
    kb.close()


def _got(answer) -> set[str]:
    return {a.iri[len(RES):] for a in answer.answers}


@pytest.mark.parametrize("question", ["which collaborations were terminated", "哪些合作已經終止", "哪些合作已经终止"])
def test_terminated_collaborations(deals_kb, question):
    answer = deals_kb.ask(question)
    assert _got(answer) == {"company/takeda", "company/nkarta", "company/janssen", "company/legend-biotech"}
    assert {c["kind"] for c in answer.understood["constraints"]} >= {"status"}
    assert all(c["evaluated"] for c in answer.understood["constraints"])
    assert all(a.evidence for a in answer.answers)


def test_denied_and_rumoured_are_not_acquisitions(deals_kb):
    assert "company/adaptimmune" not in _got(deals_kb.ask("what did Roche acquire"))
    assert "company/fate-therapeutics" not in _got(deals_kb.ask("what did Astellas acquire"))
    denied = deals_kb.ask("which acquisitions were denied")
    assert _got(denied) == {"company/roche"} and "Adaptimmune" in denied.answers[0].relation
    assert _got(deals_kb.ask("which takeovers are rumoured")) == {"company/astellas"}


@pytest.mark.parametrize("question", ["how much did Bayer pay for Century Therapeutics", "拜耳以多少錢收購Century Therapeutics",
                                      "拜耳以多少钱收购Century Therapeutics"])
def test_amount_from_the_deal(deals_kb, question):
    answer = deals_kb.ask(question)
    assert _got(answer) == {"company/century-therapeutics"}
    assert "USD 1.2 billion" in answer.answers[0].relation
    assert answer.understood["measure"] == "amount"


def test_largest_and_years(deals_kb):
    assert _got(deals_kb.ask("what was the largest acquisition")) == {"company/bayer"}
    after = deals_kb.ask("which companies were acquired after 2021")
    assert _got(after) == {"company/century-therapeutics", "company/gracell"}
    assert _got(deals_kb.ask("2022年以後哪些公司被收購")) == _got(after)
    assert _got(deals_kb.ask("which companies were acquired in 2023")) == {"company/century-therapeutics"}
    upfront = deals_kb.ask("how much did Novartis pay Legend Biotech upfront")
    assert "USD 100 million upfront" in " ".join(a.relation for a in upfront.answers)


def test_composed_sparql_binds_entities_with_values(deals_kb):
    answer = deals_kb.ask("how much did Bayer pay for Century Therapeutics")
    assert "VALUES ?target" in answer.sparql and "rkg:Deal" in answer.sparql
    assert "Bayer" not in answer.sparql and "Century" not in answer.sparql
