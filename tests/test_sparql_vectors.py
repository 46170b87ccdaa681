"""rkg:similarity inside SPARQL with the real model: graph patterns ranked by semantic similarity."""

from __future__ import annotations

QUERY = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?s ?text (rkg:similarity(?s, "%s") AS ?sim) WHERE {
  ?s a rkg:Sentence ; rkg:text ?text .
} ORDER BY DESC(?sim) LIMIT 5"""

COMPANIES = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?company (MAX(rkg:similarity(?s, "solid tumours")) AS ?sim) WHERE {
  ?a rdf:subject ?company ; rdf:predicate rkg:develops ;
     rdf:object <https://w3id.org/regenkg/id/modality/tcr-t> ; prov:wasDerivedFrom ?s .
} GROUP BY ?company ORDER BY DESC(?sim)"""


def test_similarity_ranks_sentences_across_languages(seed_kb):
    res = seed_kb.sparql(QUERY % "market size of regenerative medicine in 2028")
    rows = res.rows
    assert len(rows) == 5
    sims = [float(r["sim"].value) for r in rows]
    assert sims == sorted(sims, reverse=True) and sims[0] > 0.8
    # the Chinese sentence with the 2028 market figure is among the closest (an English question)
    assert any("2028" in r["text"].value and "490" in r["text"].value for r in rows)


def test_graph_pattern_ranked_by_evidence_similarity(seed_kb):
    res = seed_kb.sparql(COMPANIES)
    companies = [r["company"].value.rsplit("/", 1)[-1] for r in res.rows]
    assert set(companies) == {"gsk", "astellas", "roche", "takeda", "astrazeneca"}
    assert all(r["sim"] is not None for r in res.rows)
    assert res.to_df().shape[0] == 5
