"""The built graph: seed facts in plain SPARQL with their Chinese sentences and offsets, SHACL, imports."""

from __future__ import annotations

import pyoxigraph
import pytest
from conftest import ROOT
from rdflib import Graph

PREFIXES = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX co: <https://w3id.org/regenkg/id/company/>
PREFIX mod: <https://w3id.org/regenkg/id/modality/>
"""

# A fact and the sentence that proves it, in plain SPARQL (what a SPARQLWrapper user would write).
PROVEN = PREFIXES + """SELECT ?s ?o ?text ?start ?end ?rule ?conf ?doc WHERE {
  ?a a rkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     prov:wasDerivedFrom ?sent ; rkg:rule ?rule ; rkg:confidence ?conf .
  ?sent rkg:text ?text ; rkg:start ?start ; rkg:end ?end ; rkg:inDocument ?doc .
}"""


def _facts(kb, predicate: str) -> list[dict]:
    q = PROVEN.replace("?p ;", f"rkg:{predicate} ;", 1)
    return [{k: row[k].value for k in ("s", "o", "text", "start", "end", "rule", "conf", "doc")}
            for row in kb.store.query(q)]


def _pairs(kb, predicate: str) -> set[tuple[str, str]]:
    return {(f["s"].rsplit("/", 1)[-1], f["o"].rsplit("/", 1)[-1]) for f in _facts(kb, predicate)}


def test_seed_affiliations(seed_kb):
    pairs = _pairs(seed_kb, "hasAffiliate")
    assert {("astrazeneca", "neogene"), ("gilead", "kite"), ("bayer", "bluerock")} <= pairs


def test_seed_modalities(seed_kb):
    dev = _pairs(seed_kb, "develops")
    assert {s for s, o in dev if o == "tcr-t"} == {"gsk", "astellas", "roche", "takeda", "astrazeneca"}
    assert {s for s, o in dev if o == "nk"} == {"msd", "gilead", "bms", "sanofi", "abbvie"}
    assert {s for s, o in dev if o == "car-t"} == {"gilead", "novartis", "bms", "janssen"}


def test_seed_taiwanese_segments(seed_kb):
    seg = _pairs(seed_kb, "operatesIn")
    assert {s for s, o in seg if o == "cdmo"} == {"lejia-regen", "taibao"}
    assert {"cell-drug-development"} == {o for s, o in seg if s == "ever-supreme"}
    q = PREFIXES + """SELECT ?c WHERE { ?c rkg:operatesIn <https://w3id.org/regenkg/id/segment/cdmo> ;
        rkg:headquarteredIn <https://w3id.org/regenkg/id/country/TW> }"""
    assert {r["c"].value.rsplit("/", 1)[-1] for r in seed_kb.store.query(q)} == \
        {"lejia-regen", "taibao"}


def test_every_fact_points_at_its_sentence_in_the_document(seed_kb):
    docs = seed_kb.table.documents()
    facts = _facts(seed_kb, "develops") + _facts(seed_kb, "hasAffiliate")
    assert facts
    for f in facts:
        doc_id = f["doc"].rsplit("/", 1)[-1]
        text = docs[doc_id].text
        start, end = int(f["start"]), int(f["end"])
        assert text[start:end] == f["text"]
        assert 0 < float(f["conf"]) <= 1 and f["rule"]
    tcr = [f for f in facts if f["o"].endswith("tcr-t")]
    assert all("TCR-T細胞療法" in f["text"] for f in tcr)  # the Traditional Chinese sentence


def test_sentence_language_tags(seed_kb):
    q = PREFIXES + "SELECT DISTINCT (LANG(?t) AS ?l) WHERE { ?s rkg:text ?t }"
    langs = {r["l"].value.lower() for r in seed_kb.store.query(q)}
    assert {"en", "zh-hant"} <= langs


def test_one_named_graph_per_document(seed_kb):
    graphs = {g.value for g in seed_kb.store.named_graphs()}
    n_docs = seed_kb.manifest.counts.documents
    assert len([g for g in graphs if "/graph/doc/" in g]) == n_docs
    assert "https://w3id.org/regenkg/graph/ontology" in graphs


def test_rdflib_dataset_view(seed_kb):
    ds = seed_kb.graph
    res = list(ds.query(PREFIXES + "ASK { co:astrazeneca rkg:hasAffiliate co:neogene }"))
    assert res == [True]


@pytest.mark.parametrize("which", ["seed_kb", "corpus_kb"])
def test_shacl_conformance(which, request):
    pyshacl = pytest.importorskip("pyshacl")
    kb = request.getfixturevalue(which)
    data = Graph()
    data.parse(data=pyoxigraph.serialize(kb.store.quads_for_pattern(None, None, None, None),
                                         format=pyoxigraph.RdfFormat.N_QUADS).decode(), format="nquads")
    union = Graph()
    for s, p, o in data:
        union.add((s, p, o))
    for quad in data.quads((None, None, None, None)) if hasattr(data, "quads") else []:
        union.add(quad[:3])
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(union, shacl_graph=shapes, inference="rdfs", allow_warnings=True)
    assert conforms, text[:3000]


def test_discovered_entities_are_marked_and_labelled(corpus_kb):
    q = PREFIXES + "SELECT ?e ?l WHERE { ?e rkg:curated false ; skos:prefLabel ?l }"
    rows = list(corpus_kb.store.query(q))
    assert rows, "the bundled corpus names companies absent from the gazetteer; discovery found none"
    labels = {r["l"].value for r in rows}
    assert any(not lab.isascii() for lab in labels) and any(lab.isascii() for lab in labels)
