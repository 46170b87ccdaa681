"""The learned company→term scorer of issue #12 (graph/learned.py): trained by distant supervision, gated by structure.

Sentences written for these tests (invented names); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn", reason="scikit-learn is needed for the learned layer")

from regenkg.graph.extract import Extractor  # noqa: E402
from regenkg.graph.learned import TermClassifier, term_pairs  # noqa: E402
from regenkg.graph.ontology import Gazetteer  # noqa: E402
from regenkg.records import Sentence  # noqa: E402

TRAIN = [
    "Marlowe Therapeutics develops allogeneic CAR-T therapies for lupus.",
    "Quillon Bio is developing a CAR-NK therapy for multiple myeloma.",
    "Corbel Genetics develops AAV gene therapies for haemophilia B.",
    "Tarrant Cell Sciences is developing iPSC-derived cell therapies for Parkinson's disease.",
    "Marlowe Therapeutics said the CAR-T market will grow, citing lupus data from academic groups.",
    "Quillon Bio's chief executive spoke about gene therapy at a conference on haemophilia.",
    # A pair the rules do not relate (h/rnd2): before schemes.ttl held "iPSC-derived cell therapies", the
    # Tarrant sentence's stray "cell therapies" mention was the only negative, and with it gone fit() saw one class.
    "Quillon Bio is developing iPSC-derived cell therapies, while the cell therapy field at large remains crowded.",
]


@pytest.fixture(scope="module")
def setup():
    extractor = Extractor(Gazetteer.load())
    batches = []
    for i, text in enumerate(TRAIN):
        sents = [Sentence(i, f"d{i}", 0, 0, len(text), "en", text)]
        batches.append((sents, extractor.extract(sents)))
    return extractor, TermClassifier(threshold=0.0).fit(batches)


def _predict(setup, text: str):
    extractor, clf = setup
    sents = [Sentence(100, "t", 0, 0, len(text), "en", text)]
    ex = extractor.extract(sents)
    return ex, clf.predict(sents, ex)


def test_pairs_are_company_and_term_mentions(setup):
    extractor, _ = setup
    text = "Marlowe Therapeutics develops allogeneic CAR-T therapies for lupus."
    sents = [Sentence(0, "d", 0, 0, len(text), "en", text)]
    pairs = term_pairs(sents, extractor.extract(sents))
    assert {p.term[3] for p in pairs} == {"Modality", "Indication"}
    assert all(p.company[2].endswith("marlowe-therapeutics") or "marlowe" in p.company[2] for p in pairs)


def test_the_gate_never_scores_a_sentence_with_two_companies(setup):
    ex, new = _predict(setup, "Marlowe Therapeutics and Quillon Bio signed a pact; the lead candidate is an "
                              "allogeneic CAR-T in a phase 1 trial.")
    assert new == []


def test_predictions_are_new_develops_or_targets_facts_only(setup):
    ex, new = _predict(setup, "Early data from a phase 1 trial show that CAR-NK cells made by Verrell Bio shrank "
                              "glioblastoma tumours.")
    known = {(r.subject, r.object) for r in ex.relations}
    assert new, "at threshold 0 every gated pair the rules left alone is proposed"
    assert all(r.predicate in ("develops", "targets") and (r.subject, r.object) not in known for r in new)
    assert all(r.rule == "learned-term" and 0.0 <= r.confidence <= 1.0 for r in new)
