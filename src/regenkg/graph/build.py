"""Records → RDF: one named graph per document, every fact reified with the sentence that states it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, serialize

from ..records import Document, Entity, Relation, Sentence
from .approvals import approval_quads
from .deals import deal_quads
from .extract import Extraction
from .ontology import Gazetteer
from .terms import (
    DCTERMS,
    GRAPH_NS,
    ONTOLOGY_GRAPH,
    PROV,
    RDF,
    RES,
    RKG,
    SKOS,
    XSD,
    document_graph,
    document_iri,
    sentence_iri,
)

__all__ = ["document_quads", "ontology_quads", "write_nquads", "PREDICATES"]

logger = logging.getLogger(__name__)

RDF_TYPE = NamedNode(str(RDF.type))
RDF_SUBJECT = NamedNode(str(RDF.subject))
RDF_PREDICATE = NamedNode(str(RDF.predicate))
RDF_OBJECT = NamedNode(str(RDF.object))
PROV_DERIVED = NamedNode(str(PROV.wasDerivedFrom))
SKOS_PREF = NamedNode(str(SKOS.prefLabel))
SKOS_ALT = NamedNode(str(SKOS.altLabel))
DC_TITLE = NamedNode(str(DCTERMS.title))
DC_DATE = NamedNode(str(DCTERMS.date))
DC_SOURCE = NamedNode(str(DCTERMS.source))
XSD_INT = NamedNode(str(XSD.integer))
XSD_DEC = NamedNode(str(XSD.decimal))
XSD_BOOL = NamedNode(str(XSD.boolean))
XSD_GYEAR = NamedNode(str(XSD.gYear))

# Predicates the extractor may produce (local names in the rkg: namespace).
PREDICATES = ("acquired", "partneredWith", "licensedFrom", "hasAffiliate", "develops", "exited", "targets",
              "treats", "operatesIn", "headquarteredIn", "jointVentureWith", "soldTo", "spunOutFrom", "productOf")
SYMMETRIC = frozenset({"partneredWith", "jointVentureWith"})


def _n(term: object) -> NamedNode:
    return NamedNode(str(term))


def _rkg(local: str) -> NamedNode:
    return NamedNode(str(RKG[local]))


def _lang_tag(lang: str) -> str:
    return lang if lang in ("en", "zh-Hant", "zh-Hans") else "en"


def _assertion_iri(rel: Relation) -> NamedNode:
    key = "\x1f".join((rel.subject, rel.predicate, rel.object, str(rel.sentence_id)))
    return NamedNode(str(RES) + "assertion/" + hashlib.blake2b(key.encode(), digest_size=10).hexdigest())


def document_quads(doc: Document, sentences: Sequence[Sentence], extraction: Extraction,
                   labels_for: Callable[[Entity], dict[str, str]] | None = None) -> list[Quad]:
    """Everything one document contributes, in its own named graph.

    Args:
        doc: the document.
        sentences: its sentences (all of them: sentence nodes carry text and offsets).
        extraction: mentions, relations, discovered entities and figures from those sentences.
        labels_for: optional ``(Entity) -> dict[lang, label]`` that adds derived script variants.
    """
    g = _n(document_graph(doc.id))
    d = _n(document_iri(doc.id))
    quads: list[Quad] = [
        Quad(d, RDF_TYPE, _rkg("Document"), g),
        Quad(d, DC_TITLE, Literal(doc.title or doc.path), g),
        Quad(d, _rkg("path"), Literal(doc.path), g),
    ]
    if doc.date:
        quads.append(Quad(d, DC_DATE, Literal(str(doc.date)), g))
    for src in doc.sources:
        quads.append(Quad(d, DC_SOURCE, Literal(src), g))
    for sent in sentences:
        node = _n(sentence_iri(sent.id))
        quads += [
            Quad(node, RDF_TYPE, _rkg("Sentence"), g),
            Quad(node, _rkg("text"), Literal(sent.text, language=_lang_tag(sent.lang)), g),
            Quad(node, _rkg("inDocument"), d, g),
            Quad(node, _rkg("index"), Literal(str(sent.n), datatype=XSD_INT), g),
            Quad(node, _rkg("start"), Literal(str(sent.start), datatype=XSD_INT), g),
            Quad(node, _rkg("end"), Literal(str(sent.end), datatype=XSD_INT), g),
        ]
    seen_mentions: set[tuple[int, str]] = set()
    for m in extraction.mentions:
        if m.entity and (m.sentence_id, m.entity) not in seen_mentions:
            seen_mentions.add((m.sentence_id, m.entity))
            quads.append(Quad(_n(sentence_iri(m.sentence_id)), _rkg("mentions"), NamedNode(m.entity), g))
    for ent in extraction.entities:
        quads += entity_quads(ent, g, labels_for)
    for rel in extraction.relations:
        s, p, o = NamedNode(rel.subject), _rkg(rel.predicate), NamedNode(rel.object)
        a = _assertion_iri(rel)
        quads += [
            Quad(s, p, o, g),
            Quad(a, RDF_TYPE, _rkg("Assertion"), g),
            Quad(a, RDF_SUBJECT, s, g),
            Quad(a, RDF_PREDICATE, p, g),
            Quad(a, RDF_OBJECT, o, g),
            Quad(a, PROV_DERIVED, _n(sentence_iri(rel.sentence_id)), g),
            Quad(a, _rkg("rule"), Literal(rel.rule), g),
            Quad(a, _rkg("confidence"), Literal(f"{rel.confidence:.2f}", datatype=XSD_DEC), g),
        ]
        if rel.predicate in SYMMETRIC:
            quads.append(Quad(o, p, s, g))
    quads += deal_quads(extraction.deals, g)
    quads += approval_quads(extraction.approvals, g)
    for mg in extraction.merges:
        node = NamedNode(str(RES) + "merge/" + hashlib.blake2b(
            f"{mg.name}\x1f{mg.into}\x1f{mg.sentence_id}".encode(), digest_size=8).hexdigest())
        quads += [
            Quad(node, RDF_TYPE, _rkg("Merge"), g),
            Quad(node, _rkg("mergedName"), Literal(mg.name), g),
            Quad(node, _rkg("mergedInto"), NamedNode(mg.into), g),
            Quad(node, PROV_DERIVED, _n(sentence_iri(mg.sentence_id)), g),
        ]
    for f in extraction.figures:
        node = NamedNode(f.iri)
        quads += [
            Quad(node, RDF_TYPE, _rkg("MarketFigure"), g),
            Quad(node, _rkg("subject"), NamedNode(f.subject), g),
            Quad(node, _rkg("amount"), Literal(f"{f.amount:.1f}", datatype=XSD_DEC), g),
            Quad(node, _rkg("currency"), Literal(f.currency), g),
            Quad(node, PROV_DERIVED, _n(sentence_iri(f.sentence_id)), g),
        ]
        if f.year is not None:
            quads.append(Quad(node, _rkg("year"), Literal(str(f.year), datatype=XSD_GYEAR), g))
        if f.cagr is not None:
            quads.append(Quad(node, _rkg("cagr"), Literal(f"{f.cagr}", datatype=XSD_DEC), g))
    return list(dict.fromkeys(quads))


def entity_quads(ent: Entity, graph: NamedNode,
                 labels_for: Callable[[Entity], dict[str, str]] | None = None) -> list[Quad]:
    """Type, labels and the curated flag of a (discovered) entity."""
    node = NamedNode(ent.iri)
    out = [Quad(node, RDF_TYPE, _rkg(ent.type), graph),
           Quad(node, _rkg("curated"), Literal("true" if ent.curated else "false", datatype=XSD_BOOL), graph)]
    labels = dict(ent.labels)
    if labels_for is not None:
        for lang, label in labels_for(ent).items():
            labels.setdefault(lang, label)
    for lang, label in labels.items():
        out.append(Quad(node, SKOS_PREF, Literal(label, language=lang), graph))
    for alias in ent.aliases:  # stock codes and other names written beside it
        out.append(Quad(node, SKOS_ALT, Literal(alias), graph))
    return out


def ontology_quads(gazetteer: Gazetteer) -> list[Quad]:
    """The ontology and curated gazetteer, in the ontology named graph."""
    g = _n(ONTOLOGY_GRAPH)
    out: list[Quad] = []
    bnodes: dict[str, BlankNode] = {}

    def conv(term: object) -> Any:  # subject, predicate or object: the caller knows which
        from rdflib import BNode as RBNode
        from rdflib import Literal as RLiteral

        if isinstance(term, RBNode):
            return bnodes.setdefault(str(term), BlankNode())
        if isinstance(term, RLiteral):
            if term.language:
                return Literal(str(term), language=term.language)
            if term.datatype:
                return Literal(str(term), datatype=NamedNode(str(term.datatype)))
            return Literal(str(term))
        return NamedNode(str(term))

    for s, p, o in gazetteer.graph:
        out.append(Quad(conv(s), conv(p), conv(o), g))
    for ent in gazetteer.entities.values():
        out.append(Quad(NamedNode(ent.iri), _rkg("curated"), Literal("true", datatype=XSD_BOOL), g))
    return out


def write_nquads(quads: Iterable[Quad], path: Path) -> int:
    """Serialise quads as N-Quads (UTF-8); returns the number written."""
    quads = list(quads)
    data = serialize(quads, format=RdfFormat.N_QUADS)
    path.write_bytes(data if isinstance(data, bytes) else b"")
    return len(quads)


__all__ += ["entity_quads", "GRAPH_NS", "DefaultGraph"]
