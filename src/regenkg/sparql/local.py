"""Evaluation of a prepared query against an Oxigraph store in this process.

:class:`LocalSparql` is what each evaluator process runs (:mod:`regenkg.sparql.worker`), and what the HTTP
process uses for single-pattern lookups. Nothing here can stop a query that runs too long: pyoxigraph
releases the GIL but cannot be interrupted, so anything but a single pattern goes to an evaluator process
(:class:`regenkg.sparql.pool.EvaluatorPool`), which can be killed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import IndexNotFound, QueryError, RegenkgError
from ..graph.store import load_store, merge_default_graph
from .formats import negotiate, write_boolean, write_graph, write_select_capped
from .result import PreparedQuery, Reply, SparqlResult
from .seal import SIMILARITY, SparqlSyntaxError, inspect_query
from .similarity import Similarity

__all__ = ["DEFAULT_MAX_BYTES", "CustomFunction", "LocalSparql", "evaluate", "prepare"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 32 * 2**20
CustomFunction = Callable[..., Any]


def prepare(
    query: str,
    *,
    max_rows: int,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    accept: str | None = None,
    default_graph_uris: Iterable[str] = (),
    named_graph_uris: Iterable[str] = (),
    base_iri: str | None = None,
    format_hint: str | None = None,
) -> PreparedQuery:
    """Check ``query`` against the seal (:func:`~regenkg.sparql.seal.inspect_query`) and package it.

    Raises:
        QueryError: subclasses say why (syntax, update, SERVICE, too complex, bad dataset IRIs, 406).
    """
    info = inspect_query(query)
    defaults, named = tuple(default_graph_uris), tuple(named_graph_uris)
    for uri in (*defaults, *named):
        try:
            ox.NamedNode(uri)
        except ValueError as exc:
            raise QueryError(f"default-graph-uri/named-graph-uri must be absolute IRIs: {exc}") from None
    # Fails fast with 406 before any evaluation.
    negotiate(accept, info.kind, format_hint)
    return PreparedQuery(
        query=query, info=info, max_rows=max_rows, max_bytes=max_bytes, accept=accept, hint=format_hint,
        default_graph_uris=defaults, named_graph_uris=named, base_iri=base_iri,
    )


def _dataset_kwargs(prepared: PreparedQuery) -> dict[str, Any]:
    if prepared.default_graph_uris or prepared.named_graph_uris:
        # The protocol's dataset replaces the query's FROM clauses (SPARQL 1.1 Protocol §2.1.4); a side
        # left out is empty, not "everything".
        return {
            "default_graph": [ox.NamedNode(u) for u in prepared.default_graph_uris],
            "named_graphs": [ox.NamedNode(u) for u in prepared.named_graph_uris],
        }
    # No dataset named: the store's default graph, which was made the merge of all graphs.
    return {}


def evaluate(store: ox.Store, prepared: PreparedQuery, functions: Mapping[str, CustomFunction]) -> Reply:
    """Run ``prepared`` on ``store`` and serialise its answer within the row and byte caps.

    Raises:
        SparqlSyntaxError: Oxigraph's parser refused the query (its message has line:column).
        QueryError: the engine failed; the message is ours (engine and OS error texts are only logged).
    """
    info = prepared.info
    kwargs = _dataset_kwargs(prepared)
    if functions and not info.single_pattern:
        kwargs["custom_functions"] = {ox.NamedNode(iri): fn for iri, fn in functions.items()}
    try:
        answer = store.query(prepared.query, base_iri=prepared.base_iri, **kwargs)
        if isinstance(answer, ox.QueryBoolean):
            media_type = negotiate(prepared.accept, "ask", prepared.hint)
            return Reply("ask", media_type, write_boolean(bool(answer), media_type), False, 1)
        if isinstance(answer, ox.QuerySolutions):
            media_type = negotiate(prepared.accept, "select", prepared.hint)
            names = tuple(v.value for v in answer.variables)
            variables = names
            if info.star_order:
                rank = {name: i for i, name in enumerate(info.star_order)}
                variables = tuple(sorted(names, key=lambda v: rank.get(v, len(rank))))
            # tuple(solution) is the values in ``names`` order (None = unbound), a third faster than lookups.
            order = None if variables == names else [names.index(v) for v in variables]
            rows = (tuple(s) if order is None else tuple(tuple(s)[i] for i in order) for s in answer)
            body, count, truncated = write_select_capped(
                variables, rows, media_type, max_rows=prepared.max_rows, max_bytes=prepared.max_bytes
            )
            return Reply("select", media_type, body, truncated, count, variables)
        media_type = negotiate(prepared.accept, "graph", prepared.hint)
        triples: list[ox.Triple] = []
        truncated = False
        size = 0
        for triple in answer:
            if len(triples) >= prepared.max_rows:
                truncated = True
                break
            size += len(str(triple))  # the N-Triples size, close to any format's
            if prepared.max_bytes is not None and size > prepared.max_bytes:
                truncated = True
                break
            triples.append(triple)
        body = write_graph(triples, media_type)
        return Reply("graph", media_type, body, truncated, len(triples))
    except SyntaxError as exc:
        raise SparqlSyntaxError(f"malformed query: {exc}") from None
    except RegenkgError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the engine's text may carry remote or OS details
        logger.warning("SPARQL evaluation failed: %s: %s", type(exc).__name__, exc)
        raise QueryError("the query failed in the engine (details are in the server log)") from None


class LocalSparql:
    """Read-only SPARQL over a snapshot or store in this process: the seal, caps and formats.

    Args:
        snapshot: index snapshot folder (``graph/*.nq`` inside).
        max_rows: solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most.
        max_bytes: about this many bytes of results at most (then truncated like the row cap).
        embedder_factory: zero-argument callable returning an object with ``encode_queries(list[str])``,
            for ``rkg:similarity`` texts nobody embedded beforehand; default: the snapshot's model.
        functions: extra custom functions ``{iri: callable}`` (rdflib-endpoint style); ``rkg:similarity``
            is always registered.

    >>> local = LocalSparql.from_store(ox.Store())
    >>> local.execute("ASK {}").boolean
    True
    """

    def __init__(
        self,
        snapshot: str | Path,
        *,
        max_rows: int = 10_000,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        embedder_factory: Callable[[], Any] | None = None,
        functions: Mapping[str, CustomFunction] | None = None,
    ) -> None:
        path = Path(snapshot).resolve()
        if not path.is_dir():
            raise IndexNotFound(f"index snapshot not found: {snapshot}")
        self._setup(load_store(path), path, max_rows, max_bytes, embedder_factory, functions)

    @classmethod
    def from_store(
        cls,
        store: ox.Store,
        *,
        max_rows: int = 10_000,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        embedder_factory: Callable[[], Any] | None = None,
        functions: Mapping[str, CustomFunction] | None = None,
        snapshot: Path | None = None,
    ) -> LocalSparql:
        """Query ``store`` itself (its default graph becomes the merge of all graphs)."""
        merge_default_graph(store)
        local = cls.__new__(cls)
        local._setup(store, snapshot, max_rows, max_bytes, embedder_factory, functions)
        return local

    def _setup(
        self,
        store: ox.Store,
        snapshot: Path | None,
        max_rows: int,
        max_bytes: int | None,
        embedder_factory: Callable[[], Any] | None,
        functions: Mapping[str, CustomFunction] | None,
    ) -> None:
        if max_rows < 1 or (max_bytes is not None and max_bytes < 1):
            raise QueryError(f"SPARQL limits must be positive: max_rows={max_rows}, max_bytes={max_bytes}")
        self.snapshot = snapshot
        self.max_rows = int(max_rows)
        self.max_bytes = max_bytes
        self.store = store
        # Size = triples a query sees by default (the merged default graph).
        self.size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        self.similarity = Similarity(snapshot, embedder_factory)
        self.functions: dict[str, CustomFunction] = {SIMILARITY: self.similarity, **(functions or {})}

    @property
    def model_loaded(self) -> bool:
        """Whether ``rkg:similarity`` has loaded a model here."""
        return self.similarity.loaded

    def prepare(self, query: str, **options: Any) -> PreparedQuery:
        """:func:`prepare` with this object's caps (fast; raises what :meth:`execute` raises)."""
        return prepare(query, max_rows=self.max_rows, max_bytes=self.max_bytes, **options)

    def answer(self, prepared: PreparedQuery) -> Reply:
        """Evaluate ``prepared`` (blocking, no time limit)."""
        if prepared.vectors:
            self.similarity.given(prepared.vectors)
        return evaluate(self.store, prepared, self.functions)

    def run(self, prepared: PreparedQuery) -> SparqlResult:
        """:meth:`answer` as a timed :class:`SparqlResult`."""
        started = time.monotonic()
        return SparqlResult.from_reply(self.answer(prepared), time.monotonic() - started)

    def execute(self, query: str, **options: Any) -> SparqlResult:
        """:meth:`prepare` then :meth:`run`."""
        return self.run(self.prepare(query, **options))
