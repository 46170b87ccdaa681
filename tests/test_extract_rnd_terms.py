"""The vocabulary of issue #12 item 6 (h/rnd): common CGT indications, cell types, vectors and editors are
read in English, Traditional and Simplified Chinese, and every concept has three labels and a place in its scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

ONTOLOGY = Path(__file__).resolve().parents[1] / "src" / "regenkg" / "ontology"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
RKG = rdflib.Namespace("https://w3id.org/regenkg/ontology#")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in ("regenkg.ttl", "schemes.ttl"):
        g.parse(ONTOLOGY / name, format="turtle")
    return g


@pytest.mark.parametrize("surface,local", [
    ("myelodysplastic syndrome", "mds"), ("骨髓增生異常綜合徵", "mds"), ("骨髓增生异常综合征", "mds"),
    ("mesothelioma", "mesothelioma"), ("間皮瘤", "mesothelioma"), ("间皮瘤", "mesothelioma"),
    ("ANCA-associated vasculitis", "vasculitis"), ("血管炎", "vasculitis"),
    ("neuromyelitis optica", "nmosd"), ("視神經脊髓炎", "nmosd"), ("视神经脊髓炎", "nmosd"),
    ("type 2 diabetes", "type-2-diabetes"), ("第二型糖尿病", "type-2-diabetes"), ("2型糖尿病", "type-2-diabetes"),
    ("osteoporosis", "osteoporosis"), ("骨質疏鬆症", "osteoporosis"), ("骨质疏松症", "osteoporosis"),
    ("premature ovarian insufficiency", "ovarian-insufficiency"), ("卵巢早衰", "ovarian-insufficiency"),
    ("cytomegalovirus infection", "viral-infection"), ("巨細胞病毒感染", "viral-infection"),
    ("Hodgkin lymphoma", "hodgkin-lymphoma"), ("何杰金氏淋巴瘤", "hodgkin-lymphoma"), ("霍奇金淋巴瘤", "hodgkin-lymphoma"),
    ("acute lymphoblastic leukaemia", "leukaemia"), ("急性淋巴母細胞白血病", "leukaemia"),
    ("Schwann cells", "schwann-cell"), ("許旺細胞", "schwann-cell"), ("雪旺细胞", "schwann-cell"),
    ("oligodendrocyte progenitor cells", "opc"), ("少突膠質前驅細胞", "opc"), ("少突胶质前体细胞", "opc"),
    ("limbal stem cells", "limbal-stem-cell"), ("角膜緣幹細胞", "limbal-stem-cell"),
    ("zinc finger nucleases", "gene-editing"), ("TALEN", "gene-editing"), ("锌指核酸酶", "gene-editing"),
    ("herpes simplex virus vector", "hsv-vector"), ("單純皰疹病毒載體", "hsv-vector"),
    ("piggyBac", "transposon"), ("轉座子", "transposon"), ("转座子", "transposon"),
    ("circular RNA", "circular-rna"), ("環狀RNA", "circular-rna"), ("exon skipping", "aso"), ("RNA干擾", "sirna"),
])
def test_common_terms_are_read_in_every_script(extractor, surface, local):
    text = f"Q {surface} Q"
    ms = [m for m in extractor.finder.find(text) if m.kind in ("Modality", "Indication")]
    assert [m.iri.rsplit("/", 1)[-1] for m in ms if text[m.start:m.end] == surface] == [local], \
        [(text[m.start:m.end], m.iri) for m in ms]


def test_every_concept_has_three_labels_and_a_broader_or_top_place(graph):
    for kind in (RKG.Modality, RKG.Indication):
        for concept in set(graph.subjects(rdflib.RDF.type, kind)):
            langs = {o.language for o in graph.objects(concept, SKOS.prefLabel)}
            assert {"en", "zh-Hant", "zh-Hans"} <= langs, concept
    # #12 item 6: the schemes at least twice the original 23 modalities and 38 indications.
    assert len(set(graph.subjects(rdflib.RDF.type, RKG.Modality))) >= 46
    assert len(set(graph.subjects(rdflib.RDF.type, RKG.Indication))) >= 76


def test_no_label_names_two_concepts_of_one_kind(graph):
    from regenkg.graph.extract.patterns import _fold

    for kind in (RKG.Modality, RKG.Indication):
        seen: dict[str, rdflib.term.Node] = {}
        for concept in set(graph.subjects(rdflib.RDF.type, kind)):
            for p in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, p):
                    key = _fold(str(label)).strip()
                    assert seen.setdefault(key, concept) == concept, (str(label), seen[key], concept)


@pytest.mark.parametrize("child,parent", [
    ("indication/hodgkin-lymphoma", "indication/lymphoma"), ("indication/osteosarcoma", "indication/solid-tumour"),
    ("modality/transposon", "modality/non-viral-delivery"), ("modality/hsv-vector", "modality/gene-therapy"),
    ("modality/opc", "modality/stem-cell-therapy"), ("indication/nmosd", "indication/autoimmune"),
])
def test_new_terms_sit_under_their_parents(graph, child, parent):
    base = "https://w3id.org/regenkg/id/"
    assert (rdflib.URIRef(base + child), SKOS.broader, rdflib.URIRef(base + parent)) in graph


@pytest.mark.parametrize("surface,local", [
    ("cell-based therapies", "cell-therapy"), ("viral vectors", "gene-therapy"), ("基因藥物", "gene-therapy"),
    ("gene-edited", "gene-editing"), ("小核酸藥物", "rna-therapy"), ("核酸药物", "rna-therapy"),
    ("adeno-associated viral vectors", "aav"), ("chimeric antigen receptor (CAR) T cells", "car-t"),
])
def test_common_spellings_of_broad_modalities(extractor, surface, local):
    text = f"Q {surface} Q"
    ms = [m for m in extractor.finder.find(text) if m.kind == "Modality"]
    assert [m.iri.rsplit("/", 1)[-1] for m in ms if text[m.start:m.end] == surface] == [local], \
        [(text[m.start:m.end], m.iri) for m in ms]


def test_a_company_name_holding_a_modality_word_stays_one_company(extractor):
    text = "Northwind Cell Therapeutics signed with Antisense Therapeutics and Viral Gene Medicines Inc."
    companies = [text[m.start:m.end] for m in extractor.finder.find(text) if m.kind == "Company"]
    assert "Northwind Cell Therapeutics" in companies, companies
