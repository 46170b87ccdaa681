"""Issue #12 Done-when: the two deal questions answer from rkg:Deal nodes of the bundled corpus, with evidence."""

from __future__ import annotations

import pytest

RES = "https://w3id.org/regenkg/id/"


@pytest.mark.parametrize("question,lang", [("how much did Gilead pay for Kite", "en"), ("吉利德花多少錢收購Kite", "zh-Hant")])
def test_how_much_gilead_paid_for_kite(corpus_kb, question, lang):
    answer = corpus_kb.ask(question)
    assert "rkg:Deal" in answer.sparql
    assert [a.iri for a in answer.answers] == [RES + "company/kite"]
    kite = answer.answers[0]
    assert "11.9 billion" in kite.relation
    # Both the English announcement ("announced that it would acquire", no rumour) and the Chinese one are evidence.
    assert {"en", "zh-Hant"} <= {e.lang for e in kite.evidence}
    assert kite.evidence[0].lang == lang


@pytest.mark.parametrize("question", ["which collaborations were terminated", "哪些合作已终止", "哪些合作已經終止"])
def test_terminated_collaborations_of_the_corpus(corpus_kb, question):
    answer = corpus_kb.ask(question)
    assert "rkg:Deal" in answer.sparql and "rkg:Terminated" in answer.sparql
    assert {a.iri for a in answer.answers} == {RES + "company/janssen", RES + "company/fate-therapeutics"}
    assert all(a.evidence for a in answer.answers)


_ENDED_DEALS = """# Deal desk: what ended this year

Orrin Bio returned the rights to its CAR-T programme to Tessaly Cells in March.

Marrow Point Therapeutics and Halvard Biologics terminated their collaboration on NK cell therapies.

Corvane Bio partnered with Pellory Therapeutics on TCR-T cell therapies.

Quillon Bio merged with Sarrow Genetics in June.

青岭生物宣布终止与远岫基因的合作。
"""


@pytest.fixture(scope="module")
def ended_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    docs = tmp_path_factory.mktemp("ended")
    (docs / "ended.md").write_text(_ENDED_DEALS, encoding="utf-8")
    index = tmp_path_factory.mktemp("idx") / "ended"
    build_index([docs], index, settings)
    kb = KnowledgeBase.open(index, settings)
    yield kb
    kb.close()


@pytest.mark.parametrize("question", ["which collaborations were terminated", "哪些合作已终止"])
def test_ended_licences_and_collaborations_are_listed_with_evidence(ended_kb, question):
    answer = ended_kb.ask(question)
    names = {a.label for a in answer.answers}
    # The returned licence and both ended collaborations; not the live partnership nor the merger.
    assert {"Orrin Bio", "Tessaly Cells", "Marrow Point Therapeutics", "Halvard Biologics"} <= names, names
    assert len({"青岭生物", "青嶺生物"} & names) == 1 and len({"远岫基因", "遠岫基因"} & names) == 1, names
    assert not names & {"Corvane Bio", "Pellory Therapeutics", "Quillon Bio", "Sarrow Genetics"}
    assert all(a.evidence for a in answer.answers)


def test_an_ended_deal_is_no_partner_edge(ended_kb):
    rows = ended_kb.sparql("PREFIX rkg: <https://w3id.org/regenkg/ontology#> "
                           "SELECT ?s ?o WHERE { ?s rkg:partneredWith|rkg:licensedFrom|rkg:acquired ?o }")
    pairs = {frozenset((r["s"].value.rsplit("/", 1)[-1], r["o"].value.rsplit("/", 1)[-1])) for r in rows}
    assert len(pairs) == 1 and all("corvane" in " ".join(p) and "pellory" in " ".join(p) for p in pairs), pairs
    merger = ended_kb.sparql("PREFIX rkg: <https://w3id.org/regenkg/ontology#> "
                             "SELECT ?d WHERE { ?d a rkg:Deal ; rkg:dealKind rkg:Merger }")
    assert len(list(merger)) == 1
