"""Sealed, read-only SPARQL 1.1 execution with limits.

Every query runs in a worker subprocess that holds its own in-memory Oxigraph store loaded from the
snapshot. The parent only checks the query text and waits; on timeout it kills the worker (SIGKILL) and
starts a fresh one, so a runaway query neither blocks other clients nor keeps burning CPU.

Sealing, checked on the query text before any worker sees it:

* read-only: update forms (INSERT, DELETE, LOAD, CLEAR, DROP, …) are refused (:class:`UpdateRefused`);
  workers only ever call ``Store.query``, which cannot run updates anyway;
* no federation: Oxigraph fetches ``SERVICE`` URLs by default, so any ``SERVICE`` keyword token — found
  by a lexer that skips comments, strings, IRIs, prefixed names and variables — is refused
  (:class:`ServiceDisabled`), ``SILENT`` and variable endpoints included;
* ``FROM``/``FROM NAMED`` and the protocol's ``default-graph-uri``/``named-graph-uri`` name graphs in the
  store only (Oxigraph never fetches them; unknown names give an empty graph);
* bracket nesting deeper than :data:`MAX_NESTING` is refused (:class:`QueryTooComplex`): Oxigraph's
  recursive-descent parser overflows its stack (a segfault) on a few thousand levels.

Limits: ``timeout`` seconds per query (queue wait included, :class:`QueryTimeout`) and ``max_rows``
solutions or triples; a capped result has ``truncated=True`` (and SPARQL JSON carries a top-level
``"truncated": true``).

Vectors in SPARQL: ``rkg:similarity(?sentence, "text")`` (``https://w3id.org/regenkg/ontology#similarity``)
is the cosine between a sentence's stored vector and the query embedding of ``"text"``.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> with SparqlEngine.from_store(store, workers=1) as engine:
...     engine.execute("ASK {}").boolean
True
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import IndexMismatch, IndexNotFound, QueryError, RegenkgError
from ..graph.store import load_store, merge_default_graph
from . import results as fmt

__all__ = [
    "MAX_NESTING",
    "MODEL_LOAD_ALLOWANCE",
    "SENTENCE_PREFIX",
    "SIMILARITY",
    "EngineBusy",
    "LocalSparql",
    "NotAcceptable",
    "QueryInfo",
    "QueryTimeout",
    "QueryTooComplex",
    "ServiceDisabled",
    "SparqlEngine",
    "SparqlResult",
    "SparqlSyntaxError",
    "UpdateRefused",
    "inspect_query",
]

logger = logging.getLogger(__name__)

SIMILARITY = "https://w3id.org/regenkg/ontology#similarity"
MODEL_LOAD_ALLOWANCE = 120.0
SENTENCE_PREFIX = "https://w3id.org/regenkg/id/sentence/"
MAX_NESTING = 30
_XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
_STARTUP_TIMEOUT = 600.0

NotAcceptable = fmt.NotAcceptable


class SparqlSyntaxError(QueryError):
    """The query text is not valid SPARQL 1.1 (HTTP 400); the message has line:column when known."""


class UpdateRefused(QueryError):
    """A SPARQL Update was sent; the endpoint is read-only (400 as a query, 403 on the update route)."""


class ServiceDisabled(QueryError):
    """The query uses ``SERVICE``; federation is disabled (HTTP 400)."""


class QueryTooComplex(QueryError):
    """The query nests brackets deeper than :data:`MAX_NESTING` (HTTP 400)."""


class QueryTimeout(QueryError):
    """The query ran past the time limit and its worker was killed (HTTP 503)."""


class EngineBusy(QueryError):
    """No worker became free within the time limit (HTTP 503)."""


# ---- static checks on the query text --------------------------------------------------------------------

# Mirrors the SPARQL 1.1 terminals that can hide a keyword (comments, IRIs, strings, variables, prefixed
# names, language tags). Where this lexer and the real grammar could disagree, it errs towards seeing
# more keywords, i.e. towards refusing a query rather than letting SERVICE through.
_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w:\-.\u00B7\u0300-\u036F\u203F\u2040]|%[0-9A-Fa-f]{2}
                |\\[_~.\-!$&'()*+,;=/?\#@%])*)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<open>[{(\[])
    |(?P<close>[})\]])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


@dataclass(frozen=True)
class QueryInfo:
    """What the static checks learnt about a query."""

    kind: fmt.Kind
    has_dataset: bool  # FROM / FROM NAMED present
    uses_similarity: bool
    depth: int
    # For a top-level ``SELECT *``: variables in order of first appearance (Oxigraph sorts them).
    star_order: tuple[str, ...] | None = None
    # One triple pattern and nothing else (no paths, filters, ORDER BY, groups, FROM): its cost is one
    # index scan that stops at the row cap, so it can run without a time-limit thread.
    single_pattern: bool = False


def _unescape_codepoints(text: str) -> str:
    # SPARQL 1.1 §19.2 lets \u/\U hex escapes stand for any character before parsing; undo them first so
    # "\u0053ERVICE" cannot slip past the keyword check.
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _UCHAR.sub(replace, text)


def inspect_query(query: str) -> QueryInfo:
    """Check a query's text against the sealing rules and classify it.

    Raises:
        UpdateRefused: the text is a SPARQL Update.
        ServiceDisabled: the text contains a ``SERVICE`` keyword.
        QueryTooComplex: brackets nest deeper than :data:`MAX_NESTING`.
        SparqlSyntaxError: the text is empty, has unbalanced brackets or no query form.

    >>> inspect_query('PREFIX s: <http://x/> SELECT * { ?s s:SERVICE "SERVICE" } # SERVICE').kind
    'select'
    """
    text = _unescape_codepoints(query)
    depth = max_depth = 0
    words: list[str] = []
    first_word_at = -1
    variables: dict[str, None] = {}
    star: bool | None = None  # None until the first SELECT's projection is seen
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group != "ws" and group != "comment":
            tokens.append((group, match.group()))  # type: ignore[arg-type]
        if (
            star is None
            and words
            and words[-1] in ("SELECT", "DISTINCT", "REDUCED")
            and "SELECT" in words
            and group not in ("ws", "comment")
            and not (group == "word" and match.group().upper() in ("DISTINCT", "REDUCED"))
        ):
            star = match.group() == "*"
        if group == "var":
            variables.setdefault(match.group()[1:], None)
        elif group == "word":
            words.append(match.group().upper())
            if first_word_at < 0 and words[-1] not in ("PREFIX", "BASE"):
                first_word_at = match.start()
        elif group == "open":
            depth += 1
            if depth > max_depth:
                max_depth = depth
                if max_depth > MAX_NESTING:
                    raise QueryTooComplex(
                        f"query is too deeply nested (more than {MAX_NESTING} levels of {{}}, () or [])"
                    )
        elif group == "close":
            depth -= 1
            if depth < 0:
                raise SparqlSyntaxError(_position(text, match.start(), f"unbalanced {match.group()!r}"))
    if "SERVICE" in words or _glued_service(tokens):
        raise ServiceDisabled("SERVICE is disabled: this endpoint does not federate queries")
    form = next((w for w in words if w in _FORMS or w in _UPDATE_WORDS), None)
    if form in _UPDATE_WORDS:
        raise UpdateRefused("SPARQL Update is not allowed: this endpoint is read-only")
    if form is None:
        where = _position(text, first_word_at, "") if first_word_at >= 0 else " at the end"
        raise SparqlSyntaxError(f"not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE{where}")
    if depth != 0:
        raise SparqlSyntaxError(f"unbalanced brackets: {depth} left open at the end of the query")
    return QueryInfo(
        kind=_FORMS[form],  # type: ignore[arg-type]
        has_dataset="FROM" in words,
        uses_similarity="similarity" in text,
        depth=max_depth,
        star_order=tuple(variables) if star else None,
        single_pattern=_single_pattern(tokens),
    )


_TERMS = ("iri", "pname", "var")


def _glued_service(tokens: list[tuple[str, str]]) -> bool:
    """A ``SERVICE`` keyword glued to what follows it, as Oxigraph's grammar reads it.

    Oxigraph matches keywords case-insensitively and needs no space after them, so ``SERVICE:x {…}``,
    ``service:x {…}`` and ``SERVICEex:y {…}`` are SERVICE followed by a prefixed name, though a lexer sees
    one prefixed name. A name whose prefix holds ``SERVICE`` and that a group ``{`` follows within two
    tokens (``SILENT`` and the endpoint) is refused; such a name can never be a triple's subject, since
    a ``{`` cannot be a verb, so ``PREFIX service: <…>`` and ``?s service:p ?o`` stay allowed.
    """
    for at, (group, value) in enumerate(tokens):
        if group in ("word", "pname") and "SERVICE" in value.split(":", 1)[0].upper():
            if ("open", "{") in tokens[at + 1 : at + 4]:
                return True
    return False


def _single_pattern(tokens: list[tuple[str, str]]) -> bool:
    """``[PREFIX…] SELECT [DISTINCT] ?v… [WHERE] { s p o [.] } [LIMIT n] [OFFSET n]`` or ``ASK { s p o }``.

    Deliberately narrow: anything else (a second pattern, ``;``/``,``, brackets, paths, ``^^``, numbers
    in the pattern, ORDER BY, FROM, GRAPH, …) is not a single pattern.
    """
    i, n = 0, len(tokens)

    def word(at: int) -> str:
        return tokens[at][1].upper() if at < n and tokens[at][0] == "word" else ""

    while word(i) in ("PREFIX", "BASE"):
        i += 1 if word(i) == "BASE" else 2
        if i >= n or tokens[i][0] != "iri":
            return False
        i += 1
    if word(i) == "SELECT":
        i += 1
        if word(i) in ("DISTINCT", "REDUCED"):
            i += 1
        if i < n and tokens[i] == ("other", "*"):
            i += 1
        else:
            start = i
            while i < n and tokens[i][0] == "var":
                i += 1
            if i == start:
                return False
    elif word(i) == "ASK":
        i += 1
    else:
        return False
    if word(i) == "WHERE":
        i += 1
    if i >= n or tokens[i] != ("open", "{"):
        return False
    i += 1
    terms = 0
    while i < n and terms < 3:
        group, value = tokens[i]
        if group in _TERMS or (group == "word" and value == "a" and terms == 1):
            i += 1
        elif group == "string":
            i += 1
            if i < n and tokens[i][0] == "lang":
                i += 1
        else:
            return False
        terms += 1
    if terms != 3:
        return False
    if i < n and tokens[i] == ("other", "."):
        i += 1
    if i >= n or tokens[i] != ("close", "}"):
        return False
    i += 1
    while word(i) in ("LIMIT", "OFFSET"):
        i += 1
        digits = i
        while i < n and tokens[i][0] == "other" and tokens[i][1].isdigit():
            i += 1
        if i == digits:
            return False
    return i == n


def _position(text: str, offset: int, message: str) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{message} at line {line}, column {column}"


# ---- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SparqlResult:
    """A serialised query result plus Python-level access for the CLI and notebooks.

    ``body`` is the single source of truth; :attr:`rows`, :attr:`boolean` and :attr:`triples` parse it
    back (lazily) with pyoxigraph.
    """

    kind: fmt.Kind
    media_type: str
    body: bytes
    truncated: bool = False
    row_count: int = 0
    variables: tuple[str, ...] = ()
    elapsed: float = field(default=0.0, compare=False)

    @cached_property
    def rows(self) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        """SELECT solutions as dicts of bound variables → pyoxigraph terms."""
        if self.kind != "select":
            raise QueryError(f"a {self.kind.upper()} result has no rows")
        parsed = ox.parse_query_results(self.body, format=self._results_format())
        names = [v.value for v in parsed.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in parsed]

    @property
    def boolean(self) -> bool:
        """The answer of an ASK query."""
        if self.kind != "ask":
            raise QueryError(f"a {self.kind.upper()} result has no boolean")
        return bool(ox.parse_query_results(self.body, format=self._results_format()))

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The triples of a CONSTRUCT/DESCRIBE result."""
        if self.kind != "graph":
            raise QueryError(f"a {self.kind.upper()} result has no triples")
        rdf_format = ox.RdfFormat.from_media_type(self.media_type)
        return [q.triple for q in ox.parse(self.body, format=rdf_format)]

    def _results_format(self) -> ox.QueryResultsFormat:
        found = ox.QueryResultsFormat.from_media_type(self.media_type)
        if found is None:  # pragma: no cover - media types come from results.negotiate
            raise QueryError(f"cannot parse {self.media_type} results")
        return found


# ---- worker side ----------------------------------------------------------------------------------------


class _VectorLookup:
    """Sentence id → stored vector, read from the snapshot's ``vectors.faiss`` (an IndexIDMap2)."""

    def __init__(self, snapshot: Path) -> None:
        import faiss

        path = snapshot / "vectors.faiss"
        if not path.is_file():
            raise IndexNotFound(f"rkg:similarity needs {path}, which does not exist")
        self._index = faiss.read_index(str(path))
        self._cache: dict[int, Any] = {}

    def get(self, sentence_id: int) -> Any:
        if sentence_id not in self._cache:
            try:
                self._cache[sentence_id] = self._index.reconstruct(sentence_id)
            except RuntimeError:
                self._cache[sentence_id] = None
        return self._cache[sentence_id]


def _default_embedder(snapshot: Path) -> Any:
    from ..embed.factory import create_embedder

    manifest_path = snapshot / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexMismatch(f"rkg:similarity needs the model named in {manifest_path}: {exc}") from None
    model = manifest.get("model")
    if isinstance(model, dict):
        model = model.get("id") or model.get("name")
    return create_embedder(model)


class _Similarity:
    """The ``rkg:similarity(?sentence, "text")`` custom function, lazily loading vectors and model."""

    def __init__(self, snapshot: Path | None, embedder_factory: Callable[[], Any] | None) -> None:
        self._snapshot = snapshot
        self._factory = embedder_factory
        self._vectors: _VectorLookup | None = None
        self._embedder: Any = None
        self._queries: dict[str, Any] = {}

    @property
    def loaded(self) -> bool:
        return self._embedder is not None

    def _setup(self) -> None:
        import numpy as np

        self._np = np
        if self._embedder is None:
            if self._factory is not None:
                self._embedder = self._factory()
            elif self._snapshot is not None:
                self._embedder = _default_embedder(self._snapshot)
            else:
                raise QueryError("rkg:similarity needs an index snapshot or an embedder")
        if self._vectors is None:
            if self._snapshot is None:
                raise QueryError("rkg:similarity needs an index snapshot with vectors.faiss")
            self._vectors = _VectorLookup(self._snapshot)

    def __call__(self, sentence: Any, text: Any) -> ox.Literal | None:
        if not isinstance(sentence, ox.NamedNode) or not sentence.value.startswith(SENTENCE_PREFIX):
            return None
        if not isinstance(text, ox.Literal):
            return None
        try:
            sentence_id = int(sentence.value[len(SENTENCE_PREFIX):])
        except ValueError:
            return None
        if self._embedder is None or self._vectors is None:
            self._setup()
        np = self._np
        vector = self._vectors.get(sentence_id)
        if vector is None:
            return None
        query = self._queries.get(text.value)
        if query is None:
            query = np.asarray(self._embedder.encode_queries([text.value]), dtype="float32")[0]
            self._queries[text.value] = query
        vector = np.asarray(vector, dtype="float32")
        norm = float(np.linalg.norm(vector) * np.linalg.norm(query))
        if norm == 0.0:
            return None
        return ox.Literal(repr(float(np.dot(vector, query)) / norm), datatype=_XSD_DOUBLE)


def _dataset_kwargs(
    info: QueryInfo, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
) -> dict[str, Any]:
    if default_graph_uris or named_graph_uris:
        # The protocol's dataset replaces the query's FROM clauses (SPARQL 1.1 Protocol §2.1.4); a side
        # left out is empty, not "everything".
        try:
            return {
                "default_graph": [ox.NamedNode(u) for u in default_graph_uris],
                "named_graphs": [ox.NamedNode(u) for u in named_graph_uris],
            }
        except ValueError as exc:
            raise QueryError(f"default-graph-uri/named-graph-uri must be absolute IRIs: {exc}") from None
    # No dataset named: the store's default graph, which the worker made the merge of all graphs.
    return {}


def _run_query(store: ox.Store, request: dict[str, Any], similarity: _Similarity) -> tuple[Any, ...]:
    info: QueryInfo = request["info"]
    max_rows: int = request["max_rows"]
    kwargs = _dataset_kwargs(info, request["default_graph_uris"], request["named_graph_uris"])
    if info.uses_similarity:
        kwargs["custom_functions"] = {ox.NamedNode(SIMILARITY): similarity}
    started = time.monotonic()
    try:
        answer = store.query(request["query"], base_iri=request["base_iri"], **kwargs)
        if isinstance(answer, ox.QueryBoolean):
            media_type = fmt.negotiate(request["accept"], "ask", request["hint"])
            return ("ask", media_type, fmt.write_boolean(bool(answer), media_type), False, 1, ())
        if isinstance(answer, ox.QuerySolutions):
            media_type = fmt.negotiate(request["accept"], "select", request["hint"])
            names = tuple(v.value for v in answer.variables)
            variables = names
            if info.star_order:
                rank = {name: i for i, name in enumerate(info.star_order)}
                variables = tuple(sorted(names, key=lambda v: rank.get(v, len(rank))))
            rows: list[tuple[Any, ...]] = []
            truncated = False
            # tuple(solution) is the values in ``names`` order (None = unbound), a third faster than lookups.
            order = None if variables == names else [names.index(v) for v in variables]
            for solution in answer:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                values = tuple(solution)
                rows.append(values if order is None else tuple(values[i] for i in order))
            body = fmt.write_select(variables, rows, media_type, truncated=truncated)
            return ("select", media_type, body, truncated, len(rows), variables)
        media_type = fmt.negotiate(request["accept"], "graph", request["hint"])
        triples: list[ox.Triple] = []
        truncated = False
        for triple in answer:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(triple)
        return ("graph", media_type, fmt.write_graph(triples, media_type), truncated, len(triples), ())
    except SyntaxError as exc:
        raise SparqlSyntaxError(f"malformed query: {exc}") from None
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise QueryError(f"query failed after {time.monotonic() - started:.2f} s: {exc}") from None


def _make_request(
    query: str,
    max_rows: int,
    *,
    accept: str | None,
    default_graph_uris: Iterable[str],
    named_graph_uris: Iterable[str],
    base_iri: str | None,
    format_hint: str | None,
) -> dict[str, Any]:
    """Check ``query`` (sealing rules) and package it for :func:`_run_query`."""
    return {
        "query": query,
        "info": inspect_query(query),
        "accept": accept,
        "hint": format_hint,
        "default_graph_uris": list(default_graph_uris),
        "named_graph_uris": list(named_graph_uris),
        "base_iri": base_iri,
        "max_rows": max_rows,
    }


def _make_result(answer: tuple[Any, ...], started: float) -> SparqlResult:
    kind, media_type, body, truncated, count, variables = answer
    return SparqlResult(
        kind=kind,
        media_type=media_type,
        body=body,
        truncated=truncated,
        row_count=count,
        variables=tuple(variables),
        elapsed=time.monotonic() - started,
    )


class LocalSparql:
    """Read-only SPARQL over a snapshot in this process: the checks, limits and formats of
    :class:`SparqlEngine` without its worker processes.

    Nothing here can stop a query that runs too long: :meth:`run` is meant for a thread whose caller gives
    up after its time limit and then ends the whole process (the server does this, and its supervisor
    starts a fresh process; :class:`SparqlEngine` does it with worker processes). Queries may run on
    several threads at once: the store is thread-safe and pyoxigraph releases the GIL while evaluating.

    Args:
        snapshot: index snapshot folder (``graph/*.nq`` inside).
        max_rows: solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most.
        embedder_factory: as for :class:`SparqlEngine` (for ``rkg:similarity``).

    >>> local = LocalSparql.from_store(ox.Store())
    >>> local.execute("ASK {}").boolean
    True
    """

    def __init__(
        self,
        snapshot: str | Path,
        *,
        max_rows: int = 10_000,
        embedder_factory: Callable[[], Any] | None = None,
    ) -> None:
        path = Path(snapshot).resolve()
        if not path.is_dir():
            raise IndexNotFound(f"index snapshot not found: {snapshot}")
        self._setup(load_store(path), path, max_rows, embedder_factory)  # default graph already merged

    @classmethod
    def from_store(
        cls, store: ox.Store, *, max_rows: int = 10_000, embedder_factory: Callable[[], Any] | None = None
    ) -> LocalSparql:
        """Query ``store`` itself (its default graph becomes the merge of all graphs)."""
        merge_default_graph(store)
        local = cls.__new__(cls)
        local._setup(store, None, max_rows, embedder_factory)
        return local

    def _setup(
        self, store: ox.Store, snapshot: Path | None, max_rows: int, embedder_factory: Callable[[], Any] | None
    ) -> None:
        if max_rows < 1:
            raise QueryError(f"SPARQL limits must be positive: max_rows={max_rows}")
        self.snapshot = snapshot
        self.max_rows = int(max_rows)
        self._store = store
        # Size = triples a query sees by default (the merged default graph).
        self.size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        self._similarity = _Similarity(snapshot, embedder_factory)

    @property
    def model_loaded(self) -> bool:
        """Whether ``rkg:similarity`` has loaded its model (the first such query pays for loading it)."""
        return self._similarity.loaded

    def prepare(
        self,
        query: str,
        *,
        accept: str | None = None,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
        base_iri: str | None = None,
        format_hint: str | None = None,
    ) -> dict[str, Any]:
        """Check a query against the sealing rules (fast); raises what :meth:`SparqlEngine.execute` raises."""
        return _make_request(
            query, self.max_rows, accept=accept, default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris, base_iri=base_iri, format_hint=format_hint,
        )

    def run(self, request: dict[str, Any]) -> SparqlResult:
        """Evaluate a request from :meth:`prepare` (blocking, no time limit)."""
        started = time.monotonic()
        return _make_result(self.answer(request), started)

    def answer(self, request: dict[str, Any]) -> tuple[Any, ...]:
        """The picklable result tuple of a prepared request (what a worker process sends back)."""
        try:
            return _run_query(self._store, request, self._similarity)
        except RegenkgError:
            raise
        except Exception as exc:
            logger.exception("SPARQL query failed")
            raise QueryError(f"query failed: {exc}") from None

    def execute(self, query: str, **options: Any) -> SparqlResult:
        """:meth:`prepare` then :meth:`run`."""
        return self.run(self.prepare(query, **options))


def _worker_main(conn: Any, source: tuple[str, Any], embedder_factory: Callable[[], Any] | None) -> None:
    """Worker process: load the store once, then answer requests until the pipe closes."""
    try:
        if source[0] == "snapshot":
            local = LocalSparql(source[1], embedder_factory=embedder_factory)
        else:
            store = ox.Store()
            store.load(source[1], format=ox.RdfFormat.N_QUADS)
            local = LocalSparql.from_store(store, embedder_factory=embedder_factory)
        conn.send(("ready", local.size))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("failed", type(exc).__name__, str(exc)))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            conn.send(("ok", local.answer(request)))
        except RegenkgError as exc:
            conn.send(("error", type(exc).__name__, str(exc)))


# ---- parent side ----------------------------------------------------------------------------------------

_ERRORS: dict[str, type[RegenkgError]] = {
    cls.__name__: cls
    for cls in (QueryError, SparqlSyntaxError, NotAcceptable, IndexMismatch, IndexNotFound, RegenkgError)
}


class _Worker:
    def __init__(self, ctx: Any, source: tuple[str, Any], embedder_factory: Callable[[], Any] | None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, source, embedder_factory), daemon=True, name="regenkg-sparql"
        )
        self.process.start()
        child.close()
        self.size = 0

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise IndexMismatch(f"SPARQL worker did not load the store within {timeout:.0f} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise IndexMismatch("SPARQL worker died while loading the store") from None
        if message[0] != "ready":
            self.kill()
            raise _ERRORS.get(message[1], IndexMismatch)(message[2])
        self.size = message[1]

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class SparqlEngine:
    """A pool of worker processes answering read-only SPARQL over one snapshot.

    Args:
        snapshot: index snapshot folder (``graph/*.nq`` inside).
        timeout: seconds a query may take, waiting for a free worker included.
        max_rows: solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most.
        workers: worker processes, i.e. queries that run at the same time.
        embedder_factory: picklable zero-argument callable returning an object with
            ``encode_queries(list[str])``; default: the model named in the snapshot's manifest.
    """

    def __init__(
        self,
        snapshot: str | Path,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        workers: int = 2,
        embedder_factory: Callable[[], Any] | None = None,
    ) -> None:
        path = Path(snapshot).resolve()
        if not path.is_dir():
            raise IndexNotFound(f"index snapshot not found: {snapshot}")
        self._init(("snapshot", str(path)), timeout, max_rows, workers, embedder_factory)
        self.snapshot: Path | None = path

    @classmethod
    def from_kb(cls, kb: Any, **overrides: Any) -> SparqlEngine:
        """An engine over ``kb.snapshot`` with the limits from ``kb.settings`` (rkg:similarity included)."""
        options = {"timeout": kb.settings.query_timeout, "max_rows": kb.settings.max_rows, **overrides}
        return cls(kb.snapshot, **options)

    @classmethod
    def from_store(
        cls,
        store: ox.Store,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        workers: int = 2,
        embedder_factory: Callable[[], Any] | None = None,
    ) -> SparqlEngine:
        """An engine over a copy of ``store`` (its N-Quads are sent to each worker)."""
        engine = cls.__new__(cls)
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        engine._init(("nquads", data), timeout, max_rows, workers, embedder_factory)
        engine.snapshot = None
        return engine

    def _init(
        self,
        source: tuple[Any, ...],
        timeout: float,
        max_rows: int,
        workers: int,
        embedder_factory: Callable[[], Any] | None,
    ) -> None:
        if timeout <= 0 or max_rows < 1 or workers < 1:
            raise QueryError(
                f"SPARQL limits must be positive: timeout={timeout}, max_rows={max_rows}, workers={workers}"
            )
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.workers = int(workers)
        self._source = source
        self._factory = embedder_factory
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._failure: RegenkgError | None = None
        self._ready = threading.Event()
        self.size = 0
        self.respawns = 0
        for _ in range(self.workers):
            self._spawn()

    # -- pool management --

    def _spawn(self) -> None:
        def start() -> None:
            try:
                worker = _Worker(self._ctx, self._source, self._factory)
            except Exception as exc:  # noqa: BLE001
                self._fail(QueryError(f"cannot start a SPARQL worker: {exc}"))
                return
            with self._lock:
                if self._closed:
                    worker.kill()
                    return
                self._all.add(worker)
            try:
                worker.wait_ready(_STARTUP_TIMEOUT)
            except (OSError, ValueError, EOFError):
                # The engine was closed (its pipes too) while this worker was starting: nothing to report.
                worker.kill()
                return
            except RegenkgError as exc:
                with self._lock:
                    self._all.discard(worker)
                    closed = self._closed
                if not closed:
                    self._fail(exc)
                return
            self.size = worker.size
            self._idle.put(worker)
            self._ready.set()

        threading.Thread(target=start, name="regenkg-sparql-spawn", daemon=True).start()

    def _fail(self, exc: RegenkgError) -> None:
        logger.error("SPARQL worker failed to start: %s", exc)
        self._failure = exc
        self._ready.set()

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.kill()
        if not closed:
            self.respawns += 1
            self._spawn()

    def wait_ready(self, timeout: float | None = _STARTUP_TIMEOUT) -> SparqlEngine:
        """Block until at least one worker has loaded the store.

        Raises:
            IndexMismatch: a worker could not load the snapshot (or took longer than ``timeout``).
        """
        if not self._ready.wait(timeout):
            raise IndexMismatch(f"no SPARQL worker ready after {timeout} s")
        if self._failure is not None and self._idle.empty():
            raise self._failure
        return self

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
            worker.kill()

    def __enter__(self) -> SparqlEngine:  # noqa: PYI034 - Self needs 3.11 typing only
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001,S110 - interpreter shutdown
            pass

    # -- queries --

    def execute(
        self,
        query: str,
        *,
        accept: str | None = None,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
        base_iri: str | None = None,
        format_hint: str | None = None,
    ) -> SparqlResult:
        """Run one read-only query.

        Args:
            query: SPARQL 1.1 query text.
            accept: HTTP ``Accept`` header value choosing the result format (``None``: JSON for
                SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE).
            default_graph_uris: protocol ``default-graph-uri`` values; with ``named_graph_uris`` they
                replace the query's FROM clauses. Without any, the default graph is the union of all graphs
                (unless the query has FROM).
            named_graph_uris: protocol ``named-graph-uri`` values.
            base_iri: IRI relative IRIs in the query resolve against (the endpoint URL on the server).
            format_hint: a ``format=``/``output=`` value such as ``"json"`` or ``"turtle"``.

        Raises:
            QueryError: subclasses say why (syntax, update, SERVICE, nesting, timeout, busy, 406).
        """
        if self._closed:
            raise QueryError("the SPARQL engine is closed")
        request = _make_request(
            query, self.max_rows, accept=accept, default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris, base_iri=base_iri, format_hint=format_hint,
        )
        info: QueryInfo = request["info"]
        started = time.monotonic()
        deadline = started + self.timeout
        if not self._ready.is_set():
            self.wait_ready()
            deadline = time.monotonic() + self.timeout
        if self._failure is not None and not self._all:
            raise self._failure
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise EngineBusy(
                f"all {self.workers} SPARQL workers stayed busy for {self.timeout:g} s; try again later"
            ) from None
        if info.uses_similarity and not getattr(worker, "model_loaded", False):
            # The first rkg:similarity query of a worker loads the embedding model (10-20 s on 2 cores);
            # that one-off cost is not the query's, so it gets its own allowance.
            deadline += MODEL_LOAD_ALLOWANCE
        try:
            worker.conn.send(request)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                logger.warning("SPARQL query exceeded %.1f s; killing worker %s", self.timeout, worker.process.pid)
                self._retire(worker)
                raise QueryTimeout(f"query exceeded the time limit of {self.timeout:g} s and was stopped")
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            raise QueryError("the SPARQL worker crashed on this query (it has been restarted)") from None
        if info.uses_similarity:
            worker.model_loaded = True
        self._idle.put(worker)
        if reply[0] == "error":
            raise _ERRORS.get(reply[1], QueryError)(reply[2])
        return _make_result(reply[1], started)
