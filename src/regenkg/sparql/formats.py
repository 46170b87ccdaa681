"""SPARQL result serialisation and content negotiation.

pyoxigraph serialises a whole ``QuerySolutions`` iterator, but the endpoint stops reading after the row cap
and must mark the answer as truncated, so SELECT/ASK results are written here from the rows already read:
SPARQL 1.1 JSON (plus a top-level ``"truncated": true`` when capped), XML, CSV and TSV. Graph results
(CONSTRUCT/DESCRIBE) go through :func:`pyoxigraph.serialize` (Turtle, N-Triples, JSON-LD, RDF/XML).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from ..errors import QueryError

__all__ = [
    "CSV",
    "JSON",
    "JSON_LD",
    "N_TRIPLES",
    "PREFIXES",
    "RDF_XML",
    "TSV",
    "TURTLE",
    "XML",
    "Kind",
    "NotAcceptable",
    "NotRepresentable",
    "media_type_for_hint",
    "negotiate",
    "write_boolean",
    "write_graph",
    "write_select",
    "write_select_capped",
]

logger = logging.getLogger(__name__)

Kind = TypingLiteral["select", "ask", "graph"]

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Prefixes written into Turtle output so CONSTRUCT results stay readable.
PREFIXES = {
    "rkg": "https://w3id.org/regenkg/ontology#",
    "rkgr": "https://w3id.org/regenkg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
}


class NotAcceptable(QueryError):
    """No result format the client accepts can carry this kind of result (HTTP 406)."""


# Media types (and common aliases) each kind can be written as, in order of preference.
_OFFERS: dict[str, dict[str, str]] = {
    "select": {
        JSON: JSON, "application/json": JSON,
        XML: XML, "application/xml": XML, "text/xml": XML,
        CSV: CSV, TSV: TSV,
    },
    "ask": {
        JSON: JSON, "application/json": JSON,
        XML: XML, "application/xml": XML, "text/xml": XML,
    },
    "graph": {
        TURTLE: TURTLE, "application/turtle": TURTLE, "application/x-turtle": TURTLE,
        N_TRIPLES: N_TRIPLES, "text/plain": N_TRIPLES,
        JSON_LD: JSON_LD, "application/json": JSON_LD, "application/x-json+ld": JSON_LD,
        RDF_XML: RDF_XML, "application/xml": RDF_XML, "text/xml": RDF_XML,
    },
}
_DEFAULT = {"select": JSON, "ask": JSON, "graph": TURTLE}

# SPARQLWrapper and other clients also send format=/output=/results= parameters.
_HINTS: dict[str, dict[str, str]] = {
    "select": {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV},
    "ask": {"json": JSON, "xml": XML},
    "graph": {
        "json": JSON_LD, "json-ld": JSON_LD, "jsonld": JSON_LD, "turtle": TURTLE, "ttl": TURTLE,
        "n3": TURTLE, "nt": N_TRIPLES, "ntriples": N_TRIPLES, "n-triples": N_TRIPLES,
        "xml": RDF_XML, "rdf+xml": RDF_XML, "rdfxml": RDF_XML, "rdf": RDF_XML,
    },
}


def media_type_for_hint(hint: str | None, kind: Kind) -> str | None:
    """The media type a ``format=json``-style parameter asks for, or ``None`` if unknown/absent."""
    if not hint:
        return None
    return _HINTS[kind].get(hint.strip().lower())


def _parse_accept(accept: str) -> list[tuple[float, int, int, str]]:
    ranges = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((q, specificity, position, media))
    # Highest q first; on ties the more specific range, then the client's order.
    ranges.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return ranges


def negotiate(accept: str | None, kind: Kind, hint: str | None = None) -> str:
    """Pick the result media type for ``kind`` from an HTTP ``Accept`` header.

    No header (or ``*/*``) gives SPARQL JSON for SELECT/ASK and Turtle for graphs. A recognised
    ``format=`` hint wins over the header.

    Raises:
        NotAcceptable: the header names only formats this kind of result cannot be written in.

    >>> negotiate("text/csv, */*;q=0.1", "select")
    'text/csv'
    >>> negotiate(None, "graph")
    'text/turtle'
    """
    from_hint = media_type_for_hint(hint, kind)
    if from_hint:
        return from_hint
    if not accept or not accept.strip():
        return _DEFAULT[kind]
    offers = _OFFERS[kind]
    for q, _specificity, _pos, media in _parse_accept(accept):
        if q <= 0:
            continue
        if media == "*/*":
            return _DEFAULT[kind]
        if media.endswith("/*"):
            major = media[:-1]
            default = _DEFAULT[kind]
            if default.startswith(major):
                return default
            for offered, canonical in offers.items():
                if offered.startswith(major):
                    return canonical
            continue
        if media in offers:
            return offers[media]
    raise NotAcceptable(
        f"none of the media types in Accept: {accept!r} can carry a {kind.upper()} result; "
        f"use one of {', '.join(sorted(set(offers.values())))}"
    )


# ---- SELECT / ASK writers -------------------------------------------------------------------------------


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    raise TypeError(f"not an RDF term: {term!r}")


# Characters XML 1.0 cannot carry at all (§2.2 Char): C0 controls but TAB/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# In text content a CR would be read back as LF (§2.11 end-of-line handling), so it is written as &#13;.
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                           "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


class NotRepresentable(NotAcceptable):
    """A value holds a character the chosen format cannot carry (XML 1.0: most C0 controls; HTTP 406)."""


def _xml_checked(text: str) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise NotRepresentable(
            f"the result holds U+{ord(bad.group()):04X}, which XML 1.0 cannot carry; "
            f"ask for {JSON} (or CSV/TSV) instead"
        )
    return text


def _xml_text(text: str) -> str:
    return _xml_checked(text).translate(_XML_TEXT)


def _xml_attr(text: str) -> str:
    return '"' + _xml_checked(text).translate(_XML_ATTR) + '"'


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={_xml_attr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={_xml_attr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
                f"<predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _csv_field(term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n') or text != text.strip():
        text = '"' + text.replace('"', '""') + '"'
    return text


_TSV_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
}
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_field(term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        pattern = _TSV_NUMBER.get(datatype)
        if pattern and pattern.match(term.value):
            return term.value
        quoted = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return quoted
        return f"{quoted}^^<{datatype}>"
    # NamedNode, BlankNode and Triple print in N-Triples syntax already.
    return str(term)


def _row_text(media_type: str, variables: Sequence[str], row: Sequence[object | None]) -> str:
    if media_type == JSON:
        binding = {var: _json_term(value) for var, value in zip(variables, row) if value is not None}
        return json.dumps(binding, ensure_ascii=False, separators=(",", ":"))
    if media_type == XML:
        parts = [f"<binding name={_xml_attr(var)}>{_xml_term(value)}</binding>"
                 for var, value in zip(variables, row) if value is not None]
        return "<result>" + "".join(parts) + "</result>"
    if media_type == CSV:
        return ",".join(_csv_field(value) for value in row)
    return "\t".join(_tsv_field(value) for value in row)


def _assemble(media_type: str, variables: Sequence[str], rows: list[str], truncated: bool) -> str:
    if media_type == JSON:
        # "truncated" is not part of SPARQL 1.1 JSON; readers ignore unknown top-level keys (docs/security.md).
        head = json.dumps({"vars": list(variables)}, ensure_ascii=False, separators=(",", ":"))
        flag = ',"truncated":true' if truncated else ""
        return f'{{"head":{head}{flag},"results":{{"bindings":[{",".join(rows)}]}}}}'
    if media_type == XML:
        names = "".join(f"<variable name={_xml_attr(var)}/>" for var in variables)
        link = '<link href="urn:regenkg:truncated"/>' if truncated else ""
        return f"{_XML_HEAD}<head>{names}{link}</head><results>{''.join(rows)}</results></sparql>\n"
    if media_type == CSV:
        # RFC 4180 / SPARQL 1.1 CSV: CRLF line ends, values only (types are lost by design of the format).
        return "\r\n".join([",".join(_csv_field(v) for v in variables), *rows]) + "\r\n"
    return "\n".join(["\t".join(f"?{v}" for v in variables), *rows]) + "\n"


_SELECT_TYPES = (JSON, XML, CSV, TSV)


def write_select_capped(
    variables: Sequence[str],
    rows: Iterable[Sequence[object | None]],
    media_type: str,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> tuple[bytes, int, bool]:
    """Serialise SELECT solutions, stopping at ``max_rows`` rows or ``max_bytes`` bytes of rows.

    Reads ``rows`` lazily, so a capped result never holds more than the cap in memory.

    Returns:
        ``(body, rows written, truncated)``; truncated results are marked as :func:`write_select` says.

    Raises:
        NotAcceptable: ``media_type`` is not a SELECT format.
        NotRepresentable: a value cannot be written in XML 1.0.
    """
    if media_type not in _SELECT_TYPES:
        raise NotAcceptable(f"SELECT results cannot be written as {media_type!r}")
    pieces: list[str] = []
    size = 0
    truncated = False
    for row in rows:
        if max_rows is not None and len(pieces) >= max_rows:
            truncated = True
            break
        text = _row_text(media_type, variables, row)
        size += len(text) if text.isascii() else len(text.encode("utf-8"))
        if max_bytes is not None and size > max_bytes:
            truncated = True
            break
        pieces.append(text)
    return _assemble(media_type, variables, pieces, truncated).encode("utf-8"), len(pieces), truncated


def write_select(
    variables: Sequence[str],
    rows: Iterable[Sequence[object | None]],
    media_type: str,
    *,
    truncated: bool = False,
) -> bytes:
    """Serialise SELECT solutions.

    Args:
        variables: projected variable names, without ``?``.
        rows: one sequence of pyoxigraph terms (``None`` = unbound) per solution, in variable order.
        media_type: one of :data:`JSON`, :data:`XML`, :data:`CSV`, :data:`TSV`.
        truncated: the rows were capped; JSON gets ``"truncated": true``, XML a
            ``<link href="urn:regenkg:truncated"/>`` in its head (CSV/TSV cannot say it: use the header).

    Raises:
        NotRepresentable: a value holds a character XML 1.0 cannot carry (``media_type`` XML only).
    """
    if media_type not in _SELECT_TYPES:
        raise NotAcceptable(f"SELECT results cannot be written as {media_type!r}")
    pieces = [_row_text(media_type, variables, row) for row in rows]
    return _assemble(media_type, variables, pieces, truncated).encode("utf-8")


def write_boolean(value: bool, media_type: str) -> bytes:
    """Serialise an ASK result as SPARQL JSON or XML."""
    if media_type == JSON:
        return json.dumps({"head": {}, "boolean": bool(value)}).encode("utf-8")
    if media_type == XML:
        return f"{_XML_HEAD}<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n".encode()
    raise NotAcceptable(f"ASK results cannot be written as {media_type!r}")


_RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}


def write_graph(triples: Sequence[ox.Triple], media_type: str) -> bytes:
    """Serialise CONSTRUCT/DESCRIBE triples as Turtle, N-Triples, JSON-LD or RDF/XML."""
    fmt = _RDF_FORMATS.get(media_type)
    if fmt is None:
        raise NotAcceptable(f"graph results cannot be written as {media_type!r}")
    if media_type == RDF_XML:
        for triple in triples:
            for term in (triple.subject, triple.predicate, triple.object):
                if isinstance(term, ox.Literal):
                    _xml_checked(term.value)
    prefixes = PREFIXES if media_type in (TURTLE, RDF_XML) else None
    if prefixes is None:
        body = ox.serialize(triples, format=fmt)
    else:
        body = ox.serialize(triples, format=fmt, prefixes=prefixes)
    assert body is not None  # no output file given: serialize returns the bytes
    return body
