"""`SparqlEngine`: the library's read-only SPARQL entry (``kb.sparql``, the CLI, notebooks)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import IndexNotFound, QueryError
from .local import DEFAULT_MAX_BYTES, LocalSparql, prepare
from .pool import _STARTUP_TIMEOUT, DEFAULT_MEMORY_LIMIT, EvaluatorPool
from .result import PreparedQuery, SparqlResult
from .similarity import default_embedder, embed_texts

__all__ = ["SparqlEngine"]


class SparqlEngine:
    """Read-only SPARQL 1.1 over one graph, for library users, the CLI and notebooks.

    Single-pattern lookups run in this process; everything else runs in evaluator processes started
    lazily on first need with ``python -m regenkg.sparql.worker`` (no multiprocessing spawn, so it works
    from ``python -``, ``python -c``, unguarded scripts, notebooks and threads), each killable on its time
    or memory limit. Constant ``rkg:similarity`` texts are embedded here, so evaluators load a model only
    for texts computed at run time.

    Args:
        snapshot: index snapshot folder (``graph/*.nq`` inside).
        timeout: seconds a query may evaluate (waiting for a free evaluator is limited separately).
        max_rows: solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most.
        max_bytes: about this many bytes of results at most (then truncated).
        workers: evaluator processes, i.e. queries that evaluate at the same time.
        memory_limit: bytes one query may allocate (``None``: no cap).
        embedder_factory: picklable zero-argument callable returning an object with
            ``encode_queries(list[str])``; default: the model named in the snapshot's manifest.
        functions: custom SPARQL functions ``{iri: callable}`` (rdflib-endpoint style) beside
            ``rkg:similarity``; module-level callables, since evaluators import them by name.

    >>> with SparqlEngine.from_store(ox.Store(), workers=1) as engine:
    ...     engine.execute("ASK {}").boolean
    True
    """

    def __init__(
        self,
        snapshot: str | Path,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        workers: int = 2,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        embedder_factory: Callable[[], Any] | None = None,
        embedder: Any = None,
        store: ox.Store | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        path = Path(snapshot).resolve()
        if not path.is_dir():
            raise IndexNotFound(f"index snapshot not found: {snapshot}")
        self.functions = dict(functions or {})
        self._init(("snapshot", str(path)), path, timeout, max_rows, max_bytes, workers, memory_limit,
                   embedder_factory, embedder, store)

    @classmethod
    def from_kb(cls, kb: Any, **overrides: Any) -> SparqlEngine:
        """An engine over ``kb.snapshot`` with ``kb.settings``' limits, its store and its embedder."""
        options: dict[str, Any] = {"timeout": kb.settings.query_timeout, "max_rows": kb.settings.max_rows}
        options.update(overrides)
        engine = cls(kb.snapshot, **options)
        engine._kb = kb
        return engine

    @classmethod
    def from_store(
        cls,
        store: ox.Store,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        workers: int = 2,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        embedder_factory: Callable[[], Any] | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> SparqlEngine:
        """An engine over a copy of ``store`` (its N-Quads are sent to each evaluator)."""
        engine = cls.__new__(cls)
        engine.functions = dict(functions or {})
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        copy = ox.Store()
        copy.load(data, format=ox.RdfFormat.N_QUADS)
        engine._init(("nquads", data), None, timeout, max_rows, max_bytes, workers, memory_limit,
                     embedder_factory, None, copy, merge=True)
        return engine

    def _init(
        self,
        source: tuple[str, Any],
        snapshot: Path | None,
        timeout: float,
        max_rows: int,
        max_bytes: int | None,
        workers: int,
        memory_limit: int | None,
        embedder_factory: Callable[[], Any] | None,
        embedder: Any,
        store: ox.Store | None,
        merge: bool = False,
    ) -> None:
        if timeout <= 0 or max_rows < 1 or workers < 1:
            raise QueryError(
                f"SPARQL limits must be positive: timeout={timeout}, max_rows={max_rows}, workers={workers}"
            )
        self.snapshot = snapshot
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_bytes = max_bytes
        self.workers = int(workers)
        self.memory_limit = memory_limit
        self._source = source
        self._factory = embedder_factory
        self._embedder = embedder
        self._kb: Any = None
        self._store = store
        self._merge = merge
        self._local: LocalSparql | None = None
        self._pool: EvaluatorPool | None = None
        self._lock = threading.Lock()
        self._closed = False

    # -- parts, made on first need --

    @property
    def pool(self) -> EvaluatorPool:
        """The evaluator processes (started on first use)."""
        with self._lock:
            if self._closed:
                raise QueryError("the SPARQL engine is closed")
            if self._pool is None:
                self._pool = EvaluatorPool(
                    self._source, size=self.workers, timeout=self.timeout, max_rows=self.max_rows,
                    max_bytes=self.max_bytes, memory_limit=self.memory_limit, snapshot=self.snapshot,
                    embedder_factory=self._factory, functions=self.functions,
                )
            return self._pool

    def _local_sparql(self) -> LocalSparql:
        with self._lock:
            if self._local is None:
                store = self._store
                if store is None and self._kb is not None and not self._kb.settings.store:
                    store = self._kb.store  # already holds the merged default graph
                if store is None:
                    self._local = LocalSparql(self._source[1], max_rows=self.max_rows, max_bytes=self.max_bytes)
                elif self._merge:
                    self._local = LocalSparql.from_store(store, max_rows=self.max_rows, max_bytes=self.max_bytes)
                    self._merge = False
                else:
                    local = LocalSparql.__new__(LocalSparql)
                    local._setup(store, self.snapshot, self.max_rows, self.max_bytes, None, None)
                    self._local = local
            return self._local

    def _embed(self, texts: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
        with self._lock:
            if self._embedder is None:
                if self._kb is not None:
                    self._embedder = self._kb.embedder
                elif self._factory is not None:
                    self._embedder = self._factory()
                elif self.snapshot is not None:
                    self._embedder = default_embedder(self.snapshot)
                else:
                    raise QueryError("rkg:similarity needs an index snapshot or an embedder")
            embedder = self._embedder
        return embed_texts(embedder, texts)

    # -- monitoring (kept from the multiprocessing engine) --

    @property
    def size(self) -> int:
        """Triples in the default graph (the merge of all graphs)."""
        return self.pool.wait_ready().graph_size if self._local is None else self._local.size

    @property
    def respawns(self) -> int:
        """Evaluators replaced after a timeout, memory cap or crash."""
        return self._pool.respawns if self._pool is not None else 0

    def wait_ready(self, timeout: float | None = _STARTUP_TIMEOUT) -> SparqlEngine:
        """Start the evaluators if needed and block until one is ready."""
        self.pool.wait_ready(timeout)
        return self

    def worker_pids(self) -> list[int]:
        """Process ids of the live evaluators."""
        return self._pool.pids() if self._pool is not None else []

    def close(self) -> None:
        """Stop every evaluator."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

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

    def prepare(
        self,
        query: str,
        *,
        accept: str | None = None,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
        base_iri: str | None = None,
        format_hint: str | None = None,
    ) -> PreparedQuery:
        """Check ``query`` against the seal and package it (with query vectors for rkg:similarity texts)."""
        prepared = prepare(
            query, max_rows=self.max_rows, max_bytes=self.max_bytes, accept=accept,
            default_graph_uris=default_graph_uris, named_graph_uris=named_graph_uris, base_iri=base_iri,
            format_hint=format_hint,
        )
        if prepared.info.similarity_texts:
            prepared = replace(prepared, vectors=self._embed(prepared.info.similarity_texts))
        return prepared

    def run(self, prepared: PreparedQuery) -> SparqlResult:
        """Evaluate a prepared query: a single pattern here, anything else in an evaluator."""
        if self._closed:
            raise QueryError("the SPARQL engine is closed")
        if prepared.info.single_pattern:
            return self._local_sparql().run(prepared)
        return self.pool.run(prepared)

    def execute(self, query: str, **options: Any) -> SparqlResult:
        """Run one read-only query.

        Args:
            query: SPARQL 1.1 query text.
            **options: ``accept`` (HTTP Accept value choosing the result format; default JSON for
                SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE), ``default_graph_uris``/``named_graph_uris``
                (they replace the query's FROM clauses; without any the default graph is the union of
                all graphs), ``base_iri``, ``format_hint`` (``"json"``, ``"turtle"``, …).

        Raises:
            QueryError: subclasses say why (syntax, update, SERVICE, too complex, timeout, memory, busy, 406).
        """
        return self.run(self.prepare(query, **options))

