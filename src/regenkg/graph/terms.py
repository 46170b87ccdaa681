"""The vocabulary, spelled out once: namespaces, SPARQL prefixes, and the IRI shapes regenkg mints.

Everything else reads IRIs from here, so the ontology IRI is typed in one place, a typo in an ontology
term is an error (the closed :class:`RKG` namespace), and a sentence IRI is parsed back by
:func:`sentence_id` rather than by splitting strings.

>>> str(RKG.develops)
'https://w3id.org/regenkg/ontology#develops'
>>> sentence_id(sentence_iri(42))
42
>>> local_name("https://w3id.org/regenkg/id/company/gsk"), label_lang("zh-TW"), label_lang(None)
('gsk', 'zh-Hant', 'en')
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from ..text.lang import normalize_lang

__all__ = [
    "RKG",
    "RES",
    "GRAPH_NS",
    "ONTOLOGY_GRAPH",
    "SENTENCE_NS",
    "NAMESPACES",
    "PREFIXES",
    "DCTERMS",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "sparql_prefixes",
    "resource",
    "sentence_iri",
    "sentence_id",
    "document_iri",
    "document_graph",
    "local_name",
    "term_name",
    "label_lang",
]


class RKG(DefinedNamespace):
    """The regenkg ontology terms (closed: a typo is an AttributeError, not a silent new IRI)."""

    _NS = Namespace("https://w3id.org/regenkg/ontology#")
    _fail = True

    # classes
    Company: URIRef
    PharmaCompany: URIRef
    Biotech: URIRef
    CDMO: URIRef
    Modality: URIRef
    Indication: URIRef
    Segment: URIRef
    Country: URIRef
    Regulation: URIRef
    MarketFigure: URIRef
    Document: URIRef
    Sentence: URIRef
    Assertion: URIRef
    Merge: URIRef
    Hospital: URIRef
    University: URIRef
    Product: URIRef
    DealKind: URIRef
    DealStatus: URIRef
    # relations between entities
    acquired: URIRef
    partneredWith: URIRef
    licensedFrom: URIRef
    jointVentureWith: URIRef
    soldTo: URIRef
    spunOutFrom: URIRef
    hasAffiliate: URIRef
    productOf: URIRef
    develops: URIRef
    exited: URIRef
    targets: URIRef
    treats: URIRef
    operatesIn: URIRef
    headquarteredIn: URIRef
    jurisdiction: URIRef
    mentions: URIRef
    # sentences, documents, provenance
    text: URIRef
    inDocument: URIRef
    index: URIRef
    start: URIRef
    end: URIRef
    rule: URIRef
    confidence: URIRef
    surface: URIRef
    curated: URIRef
    path: URIRef
    mergedInto: URIRef
    mergedName: URIRef
    # figures and deals (the deal model shared by extraction and questions, docs/architecture.md)
    amount: URIRef
    currency: URIRef
    amountKind: URIRef
    year: URIRef
    cagr: URIRef
    subject: URIRef
    date: URIRef
    Deal: URIRef
    dealKind: URIRef
    status: URIRef
    asset: URIRef
    Acquisition: URIRef
    Licence: URIRef
    Collaboration: URIRef
    JointVenture: URIRef
    Divestment: URIRef
    SpinOut: URIRef
    Option: URIRef
    Merger: URIRef
    Announced: URIRef
    Completed: URIRef
    Terminated: URIRef
    Denied: URIRef
    Rumoured: URIRef
    acquirer: URIRef
    target: URIRef
    licensor: URIRef
    licensee: URIRef
    seller: URIRef
    buyer: URIRef
    partner: URIRef
    parentOrg: URIRef
    spinOut: URIRef
    # regulatory events (graph/approvals.py)
    Approval: URIRef
    ApprovalStatus: URIRef
    Approved: URIRef
    Filed: URIRef
    Conditional: URIRef
    Reimbursed: URIRef
    approvalStatus: URIRef
    developer: URIRef
    marketer: URIRef
    product: URIRef
    productName: URIRef
    agency: URIRef
    country: URIRef
    indication: URIRef
    modality: URIRef
    first: URIRef
    RegulatoryAgency: URIRef
    # SPARQL extension function
    similarity: URIRef


#: Entities, sentences, documents, assertions (``rkgr:company/gsk``, ``rkgr:sentence/42``).
RES = Namespace("https://w3id.org/regenkg/id/")
#: Named graphs: one per document, one for the ontology, one per import.
GRAPH_NS = Namespace("https://w3id.org/regenkg/graph/")
ONTOLOGY_GRAPH = GRAPH_NS["ontology"]
SENTENCE_NS = Namespace(str(RES) + "sentence/")

#: Prefix → namespace IRI, in the order SPARQL headers and serialisations list them.
NAMESPACES: dict[str, str] = {
    "rkg": str(RKG._NS),
    "rkgr": str(RES),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (all of :data:`NAMESPACES` when none are given).

    >>> sparql_prefixes("skos")
    'PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\\n'
    """
    chosen = names or tuple(NAMESPACES)
    return "".join(f"PREFIX {p}: <{NAMESPACES[p]}>\n" for p in chosen)


#: The SPARQL header every regenkg query may start with.
PREFIXES = sparql_prefixes()


def resource(kind: str, local: str) -> URIRef:
    """IRI of an entity, e.g. ``resource("company", "gsk")``."""
    return RES[f"{kind}/{local}"]


@lru_cache(maxsize=1 << 16)
def sentence_iri(sentence_id: int) -> URIRef:
    """The IRI of a sentence node."""
    # Cached: the search names a few hundred candidate sentences per query (rkg:mentions look-up), and an
    # rdflib Namespace item costs ~3 µs to build, ~1 ms per question; a URIRef is immutable, so shared.
    return SENTENCE_NS[str(sentence_id)]


def sentence_id(iri: object) -> int | None:
    """The sentence id in a sentence IRI (``…/sentence/42`` → 42); ``None`` for any other IRI.

    >>> sentence_id("https://w3id.org/regenkg/id/company/gsk") is None
    True
    """
    head, _, tail = str(iri).rpartition("/")
    if head.endswith("/sentence") and tail.isdigit():
        return int(tail)
    return None


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document node."""
    return RES[f"doc/{doc_id}"]


def document_graph(doc_id: str) -> URIRef:
    """The named graph holding everything extracted from one document."""
    return GRAPH_NS[f"doc/{doc_id}"]


def local_name(iri: object) -> str:
    """The part of an IRI after its last ``/`` or ``#`` (``…/ontology#develops`` → ``develops``)."""
    text = str(iri)
    return text[max(text.rfind("/"), text.rfind("#")) + 1:]


def term_name(iri: object) -> str:
    """The local name of an ``rkg:`` term, the full IRI of any other (so foreign terms stay unambiguous).

    >>> term_name(RKG.acquired), term_name("http://xmlns.com/foaf/0.1/knows")
    ('acquired', 'http://xmlns.com/foaf/0.1/knows')
    """
    text = str(iri)
    return text[len(RKG._NS):] if text.startswith(str(RKG._NS)) else text


def label_lang(tag: str | None) -> str:
    """The label-table key for an RDF language tag: ``en``, ``zh-Hant`` or ``zh-Hans`` when it is one of
    those in any spelling (``zh-TW``, ``zh-hans``, bare ``zh`` = Simplified), ``en`` for no tag, else the tag.

    >>> label_lang("zh-hant"), label_lang("zh"), label_lang("fr")
    ('zh-Hant', 'zh-Hans', 'fr')
    """
    if not tag:
        return "en"
    return normalize_lang(tag) or ("zh-Hans" if tag.lower() == "zh" else tag)
