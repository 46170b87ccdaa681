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
