"""The graph in an external SPARQL 1.1 store (``oxigraph serve``, Virtuoso, …) instead of in memory.

:class:`RemoteStore` answers the subset of :class:`pyoxigraph.Store` that regenkg calls (``query``,
``quads_for_pattern``, ``named_graphs``) over the SPARQL 1.1 Protocol, and returns the very same
pyoxigraph objects (results are parsed with :func:`pyoxigraph.parse_query_results`), so the question
planner, ``kb.labels``/``kb.entity`` and the explore helpers work unchanged. :func:`push_snapshot` copies a
snapshot's ``graph/*.nq`` into such a store.

Store URLs (``--store``)::

    sparql+http://127.0.0.1:7878                      oxigraph serve: /query, /update, /store
    sparql+http://host:8890/?query=/sparql&update=/sparql&store=/sparql-graph-crud   Virtuoso
    sparql+https://user:password@host/ds/?query=sparql&update=update&store=data     (Fuseki-like)

Options in the query string: ``query``, ``update``, ``store`` — endpoint paths (absolute ``/path``,
relative to the URL's path, or full ``http(s)://`` URLs; ``store=none`` loads with SPARQL Update only);
``default=copy|none`` — whether :func:`push_snapshot` fills the default graph with the merge of all
named graphs (``copy``, the default; ``none`` for stores that already query the union of graphs, such as
Virtuoso). User and password in the URL are sent with HTTP Basic or Digest authentication.

Only the Python standard library (:mod:`urllib`) is used for HTTP, so no extra dependency is needed.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from ..errors import BackendUnavailable, ConfigError, IndexMismatch, QueryError
from ..index.layout import IndexLayout
from .terms import GRAPH_NS

__all__ = ["REGENKG_GRAPHS", "Endpoints", "RemoteStore", "is_remote_url", "parse_store_url", "push_snapshot"]

logger = logging.getLogger(__name__)

# Named graphs regenkg owns in a shared store; push_snapshot(replace=True) drops stale ones under it only.
REGENKG_GRAPHS = str(GRAPH_NS)
_SCHEMES = ("sparql+http://", "sparql+https://")
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
# SPARQL Update bodies are cut into chunks of this many triples (INSERT DATA); stores cap request sizes.
_UPDATE_CHUNK = 20_000


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    store: str | None
    copy_default: bool = True
    user: str | None = None
    password: str | None = None

    @property
    def display(self) -> str:
        """The query URL without credentials (for messages and logs)."""
        return self.query


def is_remote_url(value: str | Path | None) -> bool:
    """True when ``value`` names a remote SPARQL store (``sparql+http(s)://…``)."""
    return isinstance(value, str) and value.lower().startswith(_SCHEMES)


def parse_store_url(url: str) -> Endpoints:
    """Split ``sparql+http://host:port/path?query=…&update=…&store=…&default=…`` into endpoints.

    Raises:
        ConfigError: the URL is not ``sparql+http(s)://`` / ``http(s)://`` or has an unknown option.
    """
    if not isinstance(url, str):
        raise ConfigError(f"--store must be a URL such as sparql+http://127.0.0.1:7878, got {url!r}")
    raw = url[len("sparql+"):] if url.lower().startswith(_SCHEMES) else url
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--store {url!r}: expected sparql+http://HOST:PORT[/path][?query=…&update=…&store=…]")
    options = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(options) - {"query", "update", "store", "default"}
    if unknown:
        raise ConfigError(f"--store {url!r}: unknown option(s) {sorted(unknown)}; known: query, update, store, "
                          "default")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        netloc += f":{parts.port}"
    root = f"{parts.scheme}://{netloc}"
    base = parts.path.rstrip("/")

    def endpoint(value: str) -> str:
        if value.startswith(("http://", "https://")):
            return value
        if value.startswith("/"):
            return root + value
        return f"{root}{base}/{value}"

    store = options.get("store", "store")
    default = options.get("default", "copy")
    if default not in ("copy", "none"):
        raise ConfigError(f"--store {url!r}: default= must be copy or none, got {default!r}")
    return Endpoints(
        query=endpoint(options.get("query", "query")),
        update=endpoint(options.get("update", "update")),
        store=None if store.lower() in ("", "none") else endpoint(store),
        copy_default=default == "copy",
        user=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password else None,
    )


class _Http:
    """Blocking HTTP with optional Basic/Digest credentials; errors become regenkg errors."""

    def __init__(self, endpoints: Endpoints, timeout: float) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        handlers: list[Any] = []
        if endpoints.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for uri in (endpoints.query, endpoints.update, endpoints.store):
                if uri:
                    passwords.add_password(None, uri, endpoints.user, endpoints.password or "")
            handlers += [urllib.request.HTTPBasicAuthHandler(passwords),
                         urllib.request.HTTPDigestAuthHandler(passwords)]
        self.opener = urllib.request.build_opener(*handlers)

    def send(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             *, what: str) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            if exc.code in (400, 422):
                raise QueryError(f"the SPARQL store at {self.endpoints.display} refused the {what}: {detail}") \
                    from None
            raise QueryError(f"the SPARQL store at {self.endpoints.display} answered HTTP {exc.code} to the "
                             f"{what} ({method} {url.split('?')[0]}): {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendUnavailable(f"the SPARQL store at {self.endpoints.display} is not reachable ({reason}); "
                                     "is the server running and is --store right?") from None


class RemoteStore:
    """A read-mostly view of a remote SPARQL 1.1 store with the query API of :class:`pyoxigraph.Store`.

    Args:
        url: ``sparql+http://HOST:PORT[/path][?query=…&update=…&store=…]`` (see the module docs).
        timeout: seconds to wait for each HTTP request.

    >>> store = RemoteStore("sparql+http://127.0.0.1:7878")            # doctest: +SKIP
    >>> bool(store.query("ASK { ?s ?p ?o }"))                           # doctest: +SKIP
    True
    """

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        if not timeout or timeout <= 0:
            raise ConfigError(f"timeout must be positive seconds, got {timeout!r}")
        self.url = url
        self.endpoints = parse_store_url(url)
        self._http = _Http(self.endpoints, float(timeout))

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoints.display!r})"

    # ------------------------------------------------------------------ queries
    def query(self, query: str, *, base_iri: str | None = None, use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Iterable[Any] | None = None,
              **ignored: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]:
        """Run a SPARQL query on the remote store.

        SELECT gives :class:`pyoxigraph.QuerySolutions` (``row["var"]``, ``None`` when unbound), ASK a
        :class:`pyoxigraph.QueryBoolean` (use ``bool(res)``), CONSTRUCT/DESCRIBE a list of
        :class:`pyoxigraph.Triple`. ``default_graph``/``named_graphs`` become the protocol's
        ``default-graph-uri``/``named-graph-uri``; ``use_default_graph_as_union`` is sent as Oxigraph's
        ``union-default-graph`` parameter (other stores ignore it).

        Raises:
            QueryError: the store refused the query (syntax error, timeout, HTTP error).
            BackendUnavailable: the store cannot be reached.
        """
        if ignored:
            logger.debug("RemoteStore.query ignores %s", sorted(ignored))
        params: list[tuple[str, str]] = []
        for g in _graph_list(default_graph):
            params.append(("default-graph-uri", g))
        for g in _graph_list(named_graphs):
            params.append(("named-graph-uri", g))
        if use_default_graph_as_union:
            params.append(("union-default-graph", ""))
        url = self.endpoints.query + ("?" + urllib.parse.urlencode(params) if params else "")
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        # Accept both forms: SELECT/ASK answer in SPARQL JSON, CONSTRUCT/DESCRIBE in N-Triples.
        body = self._http.send(
            "POST", url, query.encode("utf-8"),
            {"Content-Type": "application/sparql-query; charset=utf-8",
             "Accept": f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9, application/n-quads;q=0.8, text/turtle;q=0.5"},
            what="query")
        return _parse_answer(body, self.endpoints.display)

    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update on the remote store (used by :func:`push_snapshot`)."""
        self._http.send("POST", self.endpoints.update, update.encode("utf-8"),
                        {"Content-Type": "application/sparql-update; charset=utf-8"}, what="update")

    def quads_for_pattern(self, subject: Any = None, predicate: Any = None, object: Any = None,
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """Quads matching a pattern (``None`` = any), fetched with one SELECT.

        Like the embedded store, ``graph_name=None`` covers the default graph and every named graph;
        ``pyoxigraph.DefaultGraph()`` only the default graph.
        """
        values = []
        for var, term in (("s", subject), ("p", predicate), ("o", object)):
            if term is not None:
                values.append(f"VALUES ?{var} {{ {_sparql_term(term)} }}")
        bound = " ".join(values)
        if isinstance(graph_name, ox.DefaultGraph):
            where = f"{{ {bound} ?s ?p ?o }}"
        elif graph_name is not None:
            where = f"{{ {bound} VALUES ?g {{ {_sparql_term(graph_name)} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        else:
            where = f"{{ {{ {bound} ?s ?p ?o }} UNION {{ {bound} GRAPH ?g {{ ?s ?p ?o }} }} }}"
        default = ox.DefaultGraph()
        for row in self._select(f"SELECT ?s ?p ?o ?g WHERE {where}"):
            g = row["g"]
            yield ox.Quad(row["s"], row["p"], row["o"], default if g is None else g)

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        """The names of the store's named graphs."""
        for row in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"):
            yield row["g"]

    def __len__(self) -> int:
        """Quads in the store (default graph included), counted by the server."""
        q = ("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(next(iter(self._select(q)))["n"].value)

    def _select(self, query: str) -> ox.QuerySolutions:
        return cast(ox.QuerySolutions, self.query(query))

    def close(self) -> None:
        """Nothing to release: each request opens its own connection."""


def _graph_list(value: Any) -> list[str]:
    if value is None or isinstance(value, ox.DefaultGraph):
        return []
    if isinstance(value, (str, ox.NamedNode)):
        value = [value]
    return [g.value if isinstance(g, ox.NamedNode) else str(g) for g in value]


def _sparql_term(term: Any) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be looked up in a remote store (its label is local to a result)")
    raise QueryError(f"quads_for_pattern expects pyoxigraph terms, got {type(term).__name__}")


def _parse_answer(body: bytes, where: str) -> Any:
    text = body.lstrip()
    if text.startswith(b"{"):
        try:
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"unreadable SPARQL results from {where}: {exc}") from None
    try:
        return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as exc:
        raise QueryError(f"unreadable CONSTRUCT/DESCRIBE answer from {where}: {exc}") from None


# ---------------------------------------------------------------------------------------------- loading

def push_snapshot(snapshot: str | Path, url: str, *, replace: bool = True, timeout: float = 600.0) -> int:
    """Load a snapshot's ``graph/*.nq`` into the remote store at ``url``; returns the quads sent.

    Small named graphs (a document's: hundreds of triples) are sent together, up to 20 000 triples per
    SPARQL Update request (``DROP SILENT GRAPH`` of those already in the store, then one ``INSERT DATA``
    with a ``GRAPH`` block each). A graph of 20 000 triples or more is written on its own with the Graph
    Store Protocol (``PUT`` when ``replace``, else ``POST``; N-Triples body) or, when the URL says
    ``store=none``, with ``INSERT DATA`` in chunks. With ``replace``, regenkg graphs (under
    :data:`REGENKG_GRAPHS`) that the snapshot no longer has are dropped, so the remote dataset equals the
    snapshot; other graphs in the store are left alone.

    The default graph is then made the RDF merge of every named graph, in one SPARQL Update request
    (``DROP SILENT DEFAULT ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }``): queries without
    ``GRAPH``/``FROM`` see each fact once, as with the embedded store, while each document graph stays
    addressable. (``oxigraph serve --union-default-graph`` would instead repeat a triple once per graph
    holding it.) ``default=none`` in the URL skips this step for stores that query the union by default.

    Args:
        snapshot: an index folder or snapshot folder (``graph/*.nq`` inside); symlinks are followed.
        url: the store URL (see :func:`parse_store_url`).
        replace: replace the snapshot's graphs (and drop stale regenkg graphs) instead of adding to them.
        timeout: seconds allowed per HTTP request (a big graph is one request).

    Raises:
        IndexMismatch: the snapshot has no graph files, or one cannot be parsed.
        QueryError / BackendUnavailable: the store refused a request or cannot be reached.
    """
    snap = Path(snapshot).resolve()
    files = IndexLayout(snap).graph_files()
    if not files:
        raise IndexMismatch(f"no graph/*.nq files under {snap}: is it a regenkg index?")
    store = RemoteStore(url, timeout=timeout)
    written: set[str] = set()
    total = 0
    # Graphs already in the store: only those need dropping (a DROP costs a scan even when the graph is absent).
    existing = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)} if replace else set()
    batch = _Batch(store, existing)
    for path in files:
        try:
            by_graph: dict[str, list[ox.Triple]] = {}
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                by_graph.setdefault(key, []).append(quad.triple)
        except (SyntaxError, ValueError, OSError) as exc:
            raise IndexMismatch(f"graph file {path} cannot be read: {exc}") from exc
        for graph, triples in by_graph.items():
            # A graph split over several files is replaced once, then appended to.
            batch.add(graph, triples, replace=replace and graph not in written)
            written.add(graph)
            total += len(triples)
        logger.info("pushed %s (%d graphs)", path.name, len(by_graph))
    batch.flush()
    if replace:
        stale = sorted(g for g in existing if g.startswith(REGENKG_GRAPHS) and g not in written)
        for start in range(0, len(stale), 500):
            store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale[start:start + 500]))
        if stale:
            logger.info("dropped %d graphs no longer in the snapshot", len(stale))
    if store.endpoints.copy_default:
        merge = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
        store.update(("DROP SILENT DEFAULT ;\n" if replace else "") + merge)
    return total


class _Batch:
    """Small graphs go together in one SPARQL Update request (one transaction, one round trip).

    A corpus is thousands of document graphs of a few hundred triples; one HTTP request per graph would be
    dominated by per-request costs (a store transaction each). Graphs of :data:`_UPDATE_CHUNK` triples or
    more are written on their own with :func:`_write_graph`.
    """

    def __init__(self, store: RemoteStore, existing: set[str]) -> None:
        self.store = store
        self.existing = existing
        self.parts: list[tuple[str, list[ox.Triple], bool]] = []
        self.size = 0

    def add(self, graph: str, triples: list[ox.Triple], *, replace: bool) -> None:
        if len(triples) >= _UPDATE_CHUNK:
            self.flush()  # keep the order of writes: a later part of a graph must follow its replacement
            _write_graph(self.store, graph, triples, replace=replace)
            return
        if self.size + len(triples) > _UPDATE_CHUNK:
            self.flush()
        self.parts.append((graph, triples, replace))
        self.size += len(triples)

    def flush(self) -> None:
        if not self.parts:
            return
        drops = [f"DROP SILENT GRAPH <{g}>" if g else "DROP SILENT DEFAULT" for g, _, replace in self.parts
                 if replace and (not g or g in self.existing)]
        blocks = []
        for graph, triples, _ in self.parts:
            data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            blocks.append(f"GRAPH <{graph}> {{\n{data}}}" if graph else data)
        self.store.update(" ;\n".join([*drops, "INSERT DATA {\n" + "\n".join(blocks) + "}"]))
        self.parts, self.size = [], 0


def _write_graph(store: RemoteStore, graph: str, triples: list[ox.Triple], *, replace: bool) -> None:
    ep = store.endpoints
    if ep.store is not None:
        target = "default" if not graph else "graph=" + urllib.parse.quote(graph, safe="")
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        store._http.send("PUT" if replace else "POST", f"{ep.store}?{target}", body,
                         {"Content-Type": _NTRIPLES}, what=f"graph {graph or 'DEFAULT'}")
        return
    name = f"GRAPH <{graph}> " if graph else ""
    if replace:
        store.update(f"DROP SILENT GRAPH <{graph}>" if graph else "DROP SILENT DEFAULT")
    for start in range(0, len(triples), _UPDATE_CHUNK):
        data = (ox.serialize(triples[start:start + _UPDATE_CHUNK], format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        store.update(f"INSERT DATA {{ {name}{{\n{data}}} }}")

