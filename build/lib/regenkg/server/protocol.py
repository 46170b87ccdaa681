"""SPARQL 1.1 Protocol request parsing: GET, POST form, POST direct — strict about media types and UTF-8.

Pure functions over raw bytes so the rules (which W3C protocol tests and security cases pin down) can be
tested without a server. :class:`ProtocolError` carries the HTTP status the edge should answer with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from ..errors import QueryError

__all__ = ["ProtocolError", "SparqlRequest", "parse_query_string", "parse_request"]

logger = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class ProtocolError(QueryError):
    """A request the SPARQL protocol does not allow; ``status`` is the HTTP answer (4xx)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class SparqlRequest:
    """What a protocol request asks for. ``query`` is ``None`` for a service-description request."""

    query: str | None = None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    format_hint: str | None = None


def parse_query_string(raw: bytes, where: str = "URL query string") -> list[tuple[str, str]]:
    """Split ``a=b&c=d`` with strict UTF-8 percent-decoding (``%FF`` is a 400, not U+FFFD).

    >>> parse_query_string(b"query=ASK%20%7B%7D&x=%E7%B4%B0")
    [('query', 'ASK {}'), ('x', '細')]
    """
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            pairs.append((
                unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8"),
                unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8"),
            ))
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"the {where} is not valid UTF-8 (byte {exc.start} of a parameter)") from None
    return pairs


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    media, *params = (p.strip() for p in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _check_charset(charset: str | None, media: str) -> None:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(f"{media} bodies must be UTF-8, not charset={charset}", 400)


def _decode_body(body: bytes, media: str) -> str:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProtocolError(f"the {media} body is UTF-16; SPARQL protocol bodies must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"the {media} body is not valid UTF-8 (byte {exc.start})") from None


def parse_request(method: str, query_string: bytes, content_type: str | None, body: bytes) -> SparqlRequest:
    """Turn one HTTP request into a :class:`SparqlRequest`.

    Raises:
        ProtocolError: 400 (two queries, query + update, bad UTF-8/charset, missing query in a POST),
            403 (any update: the endpoint is read-only), 405 (method), 415 (content type).
    """
    params = parse_query_string(query_string)
    if method == "POST":
        media, charset = _media_type(content_type)
        if media == FORM:
            _check_charset(charset, media)
            params += parse_query_string(body, where="form body")
        elif media == QUERY:
            _check_charset(charset, media)
            params.append(("query", _decode_body(body, media)))
        elif media == UPDATE:
            raise ProtocolError("SPARQL Update is not allowed: this endpoint is read-only", 403)
        else:
            raise ProtocolError(
                f"POST needs Content-Type {FORM} or {QUERY}, not {content_type or 'none'}", 415
            )
    elif method != "GET":
        raise ProtocolError(f"method {method} is not allowed on the SPARQL endpoint; use GET or POST", 405)

    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    if queries and updates:
        raise ProtocolError("a request may carry a query or an update, not both")
    if updates:
        raise ProtocolError("SPARQL Update is not allowed: this endpoint is read-only", 403)
    if len(queries) > 1:
        raise ProtocolError(f"a request may carry one query, got {len(queries)}")
    if method == "POST" and not queries:
        raise ProtocolError("the POST body has no query")
    hint = next((v for k, v in params if k in ("format", "output", "results") and v), None)
    return SparqlRequest(
        query=queries[0] if queries else None,
        default_graph_uris=[v for k, v in params if k == "default-graph-uri"],
        named_graph_uris=[v for k, v in params if k == "named-graph-uri"],
        format_hint=hint,
    )
