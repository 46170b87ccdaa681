"""The SPARQL 1.1 Service Description returned by a GET on the endpoint without a query."""

from __future__ import annotations

import pyoxigraph as ox

from ..sparql import formats as fmt
from ..sparql.seal import SIMILARITY

__all__ = ["service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)


def service_description(endpoint: str, accept: str | None) -> tuple[str, bytes]:
    """``(media type, body)`` describing the endpoint at ``endpoint`` (Turtle unless asked otherwise)."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, _RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("extensionFunction"), ox.NamedNode(SIMILARITY)),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, _RDF_TYPE, sd("Graph")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in _RESULT_FORMATS]
    try:
        media_type = fmt.negotiate(accept, "graph")
    except fmt.NotAcceptable:
        media_type = fmt.TURTLE
    if media_type == fmt.TURTLE:
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sd": SD, "formats": FORMATS}) or b""
    else:
        body = fmt.write_graph(triples, media_type)
    return media_type, body
