"""The HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and the web page (Starlette).

Status codes (documented for clients):

* 200 results; ``X-SPARQL-Truncated: true`` when the row cap cut them (SPARQL JSON also has
  ``"truncated": true`` at top level, SPARQL XML a ``<link href="urn:regenkg:truncated"/>``);
* 400 malformed query (message with line:column), an update sent as a query, SERVICE, a query over the
  parse-cost caps (nesting, tokens, operators), two queries, query + update, bad UTF-8 or a non-UTF-8
  charset, bad API parameters;
* 403 any SPARQL Update (POST ``application/sparql-update``, form or GET ``update=``): read-only;
* 404 unknown entity or path (dotfiles under /static included); 405 method other than GET/HEAD/POST/OPTIONS;
  406 no acceptable result format, or a value the chosen format cannot carry (XML 1.0 controls);
* 413 body over ``max_body``; 414 URL over ``max_url``; 415 POST with another content type;
  431 request headers over ``max_header`` (checked while they arrive, :mod:`regenkg.server.http`);
* 500 the engine crashed on the query (its evaluator was replaced; nothing else is affected);
* 503 query over the time limit or the per-query memory cap (its evaluator was killed and replaced), or
  no evaluator free in time.

A query of one triple pattern (``SELECT ?p ?o { <s> ?p ?o }``: lookups, the bulk of an endpoint's
traffic) runs on the event loop: it is one index scan that stops at the row cap. Any other query runs in
an evaluator process (:class:`regenkg.sparql.EvaluatorPool`): no network, a memory cap, killed and
replaced on its limits while this process keeps every connection. This process never exits because of
a query.

Nothing here holds logic beyond translating HTTP to :mod:`regenkg.sparql` and the KnowledgeBase.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..config import Settings
from ..errors import ConfigError, IndexMismatch, IndexNotFound, RegenkgError
from ..index.store import SnapshotFollower
from ..records import answer_to_dict, entity_to_dict, hit_to_dict
from ..sparql import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MEMORY_LIMIT,
    EngineBusy,
    EvaluatorCrashed,
    EvaluatorPool,
    LocalSparql,
    MemoryLimitExceeded,
    NotAcceptable,
    PreparedQuery,
    QueryTimeout,
    SparqlResult,
)
from ..sparql.similarity import embed_texts
from .description import service_description
from .protocol import ProtocolError, parse_request

__all__ = ["check_limits", "create_app", "status_for"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TRUNCATED_HEADER = "X-SPARQL-Truncated"


class _BodyTooLarge(Exception):
    pass


class _View:
    """What this process serves for one snapshot: its SPARQL runner and (on first use) its KnowledgeBase."""

    def __init__(self, snapshot: Path, runner: _QueryRunner, documents: int) -> None:
        self.snapshot = snapshot
        self.runner = runner
        self.documents = documents
        self.kb: Any = None


_view: contextvars.ContextVar[_View | None] = contextvars.ContextVar("regenkg_view", default=None)


class _Pin:
    """Pin one snapshot for each request (the index may move on between requests, never during one)."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        follower: SnapshotFollower[_View] | None = self.state.get("follower")
        if scope["type"] != "http" or follower is None:
            await self.app(scope, receive, send)
            return
        follower.poll()  # one readlink; a new snapshot loads in the background and serves once ready
        with follower.use() as (_, view):
            token = _view.set(view)
            try:
                await self.app(scope, receive, send)
            finally:
                _view.reset(token)


def status_for(exc: RegenkgError) -> int:
    """The HTTP status a library error maps to (500 only for an evaluator that crashed)."""
    if isinstance(exc, ProtocolError):
        return exc.status
    if isinstance(exc, NotAcceptable):
        return 406
    if isinstance(exc, (QueryTimeout, EngineBusy, MemoryLimitExceeded)):
        return 503
    if isinstance(exc, EvaluatorCrashed):
        return 500
    if isinstance(exc, (IndexNotFound, IndexMismatch)):
        return 503
    return 400


class _UrlLimit:
    """Refuse over-long request targets (414) before any routing or parsing."""

    def __init__(self, app: ASGIApp, max_url: int) -> None:
        self.app = app
        self.max_url = max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
            if length > self.max_url:
                response = PlainTextResponse(
                    f"request URL is {length} bytes; the limit is {self.max_url}: use POST", 414
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _error(exc: RegenkgError) -> PlainTextResponse:
    status = status_for(exc)
    headers = {"Retry-After": "1"} if status == 503 else {}
    if status == 405:
        headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return PlainTextResponse(f"{exc}\n", status, headers=headers)


def _json_error(exc: RegenkgError) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_for(exc))


def _endpoint_url(request: Request) -> str:
    url = request.url
    return f"{url.scheme}://{url.netloc}{url.path}"


class _QueryRunner:
    """Single patterns on the event loop; everything else in the evaluator pool, waited for on threads."""

    def __init__(self, local: LocalSparql, pool: EvaluatorPool, threads: int) -> None:
        self.local = local
        self.pool = pool
        # Threads only wait on evaluators' sockets; more of them than evaluators lets queries queue.
        self.waiters = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="regenkg-sparql")

    async def run(self, prepared: PreparedQuery, embedder: Any) -> SparqlResult:
        if prepared.info.single_pattern:
            # One triple pattern: one index scan that stops at the row cap; cheaper to run here than to
            # hand to a thread (a thread hand-off costs more than the query).
            return self.local.run(prepared)
        loop = asyncio.get_running_loop()
        if prepared.info.similarity_texts:
            model = await embedder()
            vectors = await loop.run_in_executor(self.waiters, embed_texts, model, prepared.info.similarity_texts)
            prepared = replace(prepared, vectors=vectors)
        return await loop.run_in_executor(self.waiters, self.pool.run, prepared)

    def close(self) -> None:
        self.waiters.shutdown(wait=False, cancel_futures=True)
        self.pool.close()


class _StaticFiles(StaticFiles):
    """Static files without dotfiles (``/static/.gitignore`` is 404)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if any(part.startswith(".") for part in Path(path).parts):
            return PlainTextResponse("not found\n", 404)
        return await super().get_response(path, scope)


def check_limits(**limits: float) -> None:
    """Every server limit (timeout, max_rows, threads, workers, …) must be positive.

    Raises:
        ConfigError: naming each limit that is not.
    """
    bad = [f"{name}={value}" for name, value in limits.items() if not value > 0]
    if bad:
        raise ConfigError(f"server limits must be positive: {', '.join(bad)}")


def create_app(
    index_dir: str | Path,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    max_url: int = 8192,
    max_bytes: int = DEFAULT_MAX_BYTES,
    threads: int = 8,
    evaluators: int = 2,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    preload: bool = False,
    max_header: int = 16_384,
    header_timeout: float = 10.0,
    recycle: bool = False,
    settings: Settings | None = None,
) -> Starlette:
    """Build the ASGI app over an index; it follows the index link to new snapshots.

    Each request is served by one snapshot from start to end; when ``index_dir`` (a link) points to a
    new snapshot, the app loads it beside the old one and later requests use it; the old one is freed
    once its last request is answered. Served snapshots are leased, so no build deletes them.

    Args:
        index_dir: ``indexes/<name>`` (symlink, followed; or a snapshot folder, served as it is).
        timeout: seconds per SPARQL query; over it the answer is 503 and the work is killed.
        max_rows: SELECT rows / CONSTRUCT triples returned at most (then ``X-SPARQL-Truncated: true``).
        max_body: request body bytes accepted (413 above).
        max_url: request-target bytes accepted (414 above).
        max_bytes: about this many bytes of results at most (then truncated, as by ``max_rows``).
        threads: queries waiting on evaluators at the same time (more wait for a thread).
        evaluators: evaluator processes of this server process (queries evaluated at once).
        memory_limit: bytes one query may allocate in its evaluator (503 "memory limit" above).
        preload: open the knowledge base and its embedding model at startup, before the first request is
            accepted (``regenkg serve`` does), so neither /api/ask nor an ``rkg:similarity`` query pays for
            loading it.
        max_header, header_timeout: used by :mod:`regenkg.server.http` under ``regenkg serve``.
        recycle: ignored (kept for callers of the former process-recycling model: a runaway query now
            costs only its evaluator).
        settings: what the JSON API's knowledge base opens with (its ``store``, fusion weights …); default
            :meth:`Settings.load <regenkg.config.Settings.load>`.
    """
    index_path = Path(index_dir).absolute()
    if not index_path.resolve().is_dir():
        raise IndexNotFound(f"index not found: {index_dir} (build one with `regenkg build`)")
    state: dict[str, Any] = {}

    check_limits(timeout=timeout, max_rows=max_rows, threads=threads, evaluators=evaluators,
                 memory_limit=memory_limit, max_bytes=max_bytes)

    def view() -> _View:
        current = _view.get()
        if current is None:
            raise EngineBusy("the SPARQL store is still loading; try again in a moment")
        return current

    def runner() -> _QueryRunner:
        return view().runner

    kb_lock = asyncio.Lock()

    def open_kb(snapshot: Path, previous: Any = None) -> Any:
        from ..kb import KnowledgeBase  # on first use: the model is only needed by the JSON API

        kb = KnowledgeBase.open(snapshot, settings, embedder=getattr(previous, "_embedder", None))
        for part in ("table", "vectors", "lexical", "tokenizer", "matcher"):  # warm what the old one used
            if previous is not None and part in previous.__dict__:
                getattr(kb, part)
        return kb

    async def kb_of(current: _View) -> Any:
        async with kb_lock:
            if current.kb is None:
                current.kb = await run_in_threadpool(open_kb, current.snapshot)
            return current.kb

    async def knowledge_base() -> Any:
        return await kb_of(view())

    def open_view(snapshot: Path, previous: _View | None) -> _View:
        # Each snapshot gets its own evaluators (they load that snapshot); the old ones end with it.
        pool = EvaluatorPool(("snapshot", str(snapshot)), size=evaluators, timeout=timeout, max_rows=max_rows,
                             max_bytes=max_bytes, memory_limit=memory_limit, snapshot=snapshot)
        try:
            local = LocalSparql(snapshot, max_rows=max_rows, max_bytes=max_bytes)
            pool.wait_ready()
        except BaseException:
            pool.close()
            raise
        opened = _View(snapshot, _QueryRunner(local, pool, threads), _document_count(snapshot))
        if previous is not None and previous.kb is not None:  # the JSON API is in use: have it ready
            opened.kb = open_kb(snapshot, previous.kb)
        logger.info("SPARQL endpoint ready on %s (%d quads, process %d, evaluators %s)", snapshot, local.size,
                    os.getpid(), pool.sandboxes)
        return opened

    def close_view(old: _View) -> None:
        old.runner.close()
        if old.kb is not None:
            old.kb.close()

    async def embedder() -> Any:
        kb = await knowledge_base()
        return await run_in_threadpool(lambda: kb.embedder)

    async def preload_model(current: _View) -> None:
        try:
            kb = await kb_of(current)
            model = await run_in_threadpool(lambda: kb.embedder)
            prepare = getattr(model, "prepare", None)
            if prepare is not None:  # every session a query may use, now rather than on a request
                await run_in_threadpool(prepare)
            logger.info("knowledge base and embedding model loaded (process %d)", os.getpid())
        except RegenkgError as exc:
            logger.warning("cannot preload the knowledge base: %s", exc)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        follower = await run_in_threadpool(SnapshotFollower, index_path, open_view, close_view)
        state["follower"] = follower
        if preload and (follower.snapshot / "vectors.faiss").is_file():
            # Before the first request is accepted: a query sent as soon as the port answers must not wait
            # for the model (#18: loaded at start, never on the first request).
            await preload_model(follower.value)
        try:
            yield
        finally:
            follower.close()

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        try:
            body = await _read_body(request, max_body) if request.method == "POST" else b""
        except _BodyTooLarge:
            return PlainTextResponse(f"request body over the limit of {max_body} bytes\n", 413)
        try:
            # HEAD is GET without a body (the server leaves the body out).
            method = "GET" if request.method == "HEAD" else request.method
            parsed = parse_request(
                method, request.scope.get("query_string", b""), request.headers.get("content-type"), body
            )
            accept = request.headers.get("accept")
            if parsed.query is None:
                media_type, payload = service_description(_endpoint_url(request), accept)
                return Response(payload, media_type=media_type, headers={"Vary": "Accept"})
            run = runner()
            prepared = run.local.prepare(
                parsed.query,
                accept=accept,
                default_graph_uris=parsed.default_graph_uris,
                named_graph_uris=parsed.named_graph_uris,
                base_iri=_endpoint_url(request),
                format_hint=parsed.format_hint,
            )
            result = await run.run(prepared, embedder)
        except RegenkgError as exc:
            return _error(exc)
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers[TRUNCATED_HEADER] = "true"
        media_type = result.media_type
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        return Response(result.body, headers=headers, media_type=media_type)

    async def api_ask(request: Request) -> Response:
        question = request.query_params.get("q", "").strip()
        if not question:
            return _json_error(ProtocolError("parameter 'q' (the question) is required"))
        try:
            kb = await knowledge_base()
            answer = await run_in_threadpool(kb.ask, question)
        except RegenkgError as exc:
            return _json_error(exc)
        return JSONResponse(answer_to_dict(answer))

    async def api_search(request: Request) -> Response:
        text = request.query_params.get("q", "").strip()
        lang = request.query_params.get("lang") or None
        try:
            if not text:
                raise ProtocolError("parameter 'q' (the search text) is required")
            try:
                k = int(request.query_params.get("k", "10"))
            except ValueError:
                raise ProtocolError("parameter 'k' must be an integer") from None
            if not 1 <= k <= 100:
                raise ProtocolError(f"parameter 'k' must be between 1 and 100, got {k}")
            kb = await knowledge_base()
            hits = await run_in_threadpool(kb.search, text, k, lang)
        except RegenkgError as exc:
            return _json_error(exc)
        return JSONResponse({"query": text, "hits": [hit_to_dict(h) for h in hits]})

    async def api_entity(request: Request) -> Response:
        ident = request.path_params["ident"].strip()
        try:
            kb = await knowledge_base()
            view = await run_in_threadpool(kb.entity, ident)
        except RegenkgError as exc:
            return _json_error(exc)
        if view is None:
            return JSONResponse({"error": f"no entity matches {ident!r}"}, 404)
        return JSONResponse(entity_to_dict(view))

    async def health(request: Request) -> Response:
        try:
            current = view()
        except RegenkgError as exc:
            return _json_error(exc)
        return JSONResponse({
            "status": "ok",
            "snapshot": current.snapshot.name,
            "documents": current.documents,
            "triples": current.runner.local.size,
            "process": os.getpid(),
        })

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return PlainTextResponse(f"{getattr(exc, 'detail', 'not found')}\n", status)

    async def internal(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return PlainTextResponse("internal error (logged on the server)\n", 500)

    sparql_methods = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=sparql_methods),
        Route("/sparql/", sparql, methods=sparql_methods),
        Route("/api/ask", api_ask),
        Route("/api/search", api_search),
        Route("/api/entity/{ident:path}", api_entity),
        Route("/health", health),
        Mount("/static", _StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(_UrlLimit, max_url=max_url),
        Middleware(_Pin, state=state),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=[TRUNCATED_HEADER],
            max_age=600,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: not_found, Exception: internal},
    )
    app.state.index = index_path
    return app


def _document_count(snapshot: Path) -> int:
    try:
        manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
        counts = manifest.get("counts", {})
        if isinstance(counts, dict) and isinstance(counts.get("documents"), int):
            return counts["documents"]
    except (OSError, ValueError):
        pass
    return sum(1 for _ in (snapshot / "graph").glob("doc-*.nq"))


