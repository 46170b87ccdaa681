"""The HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and the web page (Starlette).

Status codes (documented for clients):

* 200 results; ``X-SPARQL-Truncated: true`` when the row cap cut them (SPARQL JSON also has
  ``"truncated": true`` at top level, SPARQL XML a ``<link href="urn:regenkg:truncated"/>``);
* 400 malformed query (message with line:column), an update sent as a query, SERVICE, too deep nesting,
  two queries, query + update, bad UTF-8 or a non-UTF-8 charset, bad API parameters;
* 403 any SPARQL Update (POST ``application/sparql-update``, form or GET ``update=``): read-only;
* 404 unknown entity or path; 405 method other than GET/POST/OPTIONS; 406 no acceptable result format;
* 413 body over ``max_body``; 414 URL over ``max_url``; 415 POST with another content type;
* 503 query over the time limit: under ``regenkg serve`` the process that ran it stops taking requests,
  finishes the ones it has and exits, and the supervisor starts a fresh one (the work really stops).

Queries run in this process. A query of one triple pattern (``SELECT ?p ?o { <s> ?p ?o }``: lookups,
the bulk of an endpoint's traffic) runs on the event loop: it is one index scan that stops at the row
cap. Any other query runs on a small thread pool: the event loop waits on the thread for up to
:data:`INLINE_WAIT` seconds (most queries finish well within it, and a blocked wait costs far less than
handing the answer back across threads), then goes on serving others while it waits for the rest of the
time limit.

Nothing here holds logic beyond translating HTTP to :mod:`regenkg.query.sparql` and the KnowledgeBase.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..embed.factory import preload_for_snapshot
from ..errors import ConfigError, IndexMismatch, IndexNotFound, RegenkgError
from ..query.sparql import (
    MODEL_LOAD_ALLOWANCE,
    EngineBusy,
    LocalSparql,
    NotAcceptable,
    QueryTimeout,
    SparqlResult,
)
from ..records import answer_to_dict, hit_to_dict
from .description import service_description
from .protocol import ProtocolError, parse_request

__all__ = ["CONFIG_ENV", "INLINE_WAIT", "app_from_environment", "check_limits", "create_app", "status_for"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TRUNCATED_HEADER = "X-SPARQL-Truncated"
INLINE_WAIT = 0.05
CONFIG_ENV = "REGENKG_SERVE_CONFIG"


class _BodyTooLarge(Exception):
    pass


def status_for(exc: RegenkgError) -> int:
    """The HTTP status a library error maps to (never 500: every RegenkgError is the request's fault)."""
    if isinstance(exc, ProtocolError):
        return exc.status
    if isinstance(exc, NotAcceptable):
        return 406
    if isinstance(exc, (QueryTimeout, EngineBusy)):
        return 503
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
        headers["Allow"] = "GET, POST, OPTIONS"
    return PlainTextResponse(f"{exc}\n", status, headers=headers)


def _json_error(exc: RegenkgError) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_for(exc))


def _endpoint_url(request: Request) -> str:
    url = request.url
    return f"{url.scheme}://{url.netloc}{url.path}"


class _QueryRunner:
    """Runs prepared queries on a thread pool with a time limit; counts the ones that ran away."""

    def __init__(self, local: LocalSparql, timeout: float, threads: int) -> None:
        self.local = local
        self.timeout = timeout
        self.pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="regenkg-sparql")
        self.runaways = 0

    async def run(self, request: dict[str, Any]) -> SparqlResult:
        if request["info"].single_pattern:
            # One triple pattern: one index scan that stops at the row cap; cheaper to run here than to
            # hand to a thread (a thread hand-off costs more than the query).
            return self.local.run(request)
        budget = self.timeout
        if request["info"].uses_similarity and not self.local.model_loaded:
            # The first rkg:similarity query loads the embedding model (10-20 s on 2 cores); that one-off
            # cost is not the query's, so it gets its own allowance.
            budget += MODEL_LOAD_ALLOWANCE
        future = self.pool.submit(self.local.run, request)
        try:
            return future.result(timeout=min(INLINE_WAIT, budget))
        except concurrent.futures.TimeoutError:
            pass
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), budget - INLINE_WAIT)
        except TimeoutError:
            self.runaways += 1
            raise QueryTimeout(f"query exceeded the time limit of {self.timeout:g} s and was stopped") from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _end_process(grace: float) -> None:
    """Ask this process to shut down gracefully (uvicorn's SIGTERM handling), and make sure it ends."""
    logger.warning("a query ran past its time limit: process %d finishes its requests and exits", os.getpid())

    def force() -> None:
        logging.shutdown()
        os._exit(0)

    timer = threading.Timer(grace, force)
    timer.daemon = True
    timer.start()
    os.kill(os.getpid(), signal.SIGTERM)


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
    threads: int = 8,
    recycle: bool = False,
) -> Starlette:
    """Build the ASGI app over one index snapshot (a symlink is resolved once, at startup).

    Args:
        index_dir: ``indexes/<name>`` (symlink or snapshot folder).
        timeout: seconds per SPARQL query; over it the answer is 503 and the work is killed.
        max_rows: SELECT rows / CONSTRUCT triples returned at most (then ``X-SPARQL-Truncated: true``).
        max_body: request body bytes accepted (413 above).
        max_url: request-target bytes accepted (414 above).
        threads: queries this process runs at the same time.
        recycle: end this process after a query ran past ``timeout`` (503 is sent first; requests in
            flight are finished). ``regenkg serve`` sets it, and its supervisor starts a fresh process; an
            application embedding this app should do the same, or the runaway thread keeps its CPU.
    """
    snapshot = Path(index_dir).resolve()
    if not snapshot.is_dir():
        raise IndexNotFound(f"index not found: {index_dir} (build one with `regenkg build`)")
    state: dict[str, Any] = {}

    check_limits(timeout=timeout, max_rows=max_rows, threads=threads)
    documents = _document_count(snapshot)  # the snapshot never changes under a running app
    grace = timeout + 1.0

    def runner() -> _QueryRunner:
        if "runner" not in state:
            raise EngineBusy("the SPARQL store is still loading; try again in a moment")
        return state["runner"]

    kb_lock = asyncio.Lock()

    async def knowledge_base() -> Any:
        async with kb_lock:
            if "kb" not in state:
                from ..kb import KnowledgeBase  # on first use: the model is only needed by the JSON API

                state["kb"] = await run_in_threadpool(KnowledgeBase.open, snapshot)
            return state["kb"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        local = await run_in_threadpool(LocalSparql, snapshot, max_rows=max_rows)
        # Model loaded once per process here, never by a first request (h/fast, issue #18).
        await run_in_threadpool(preload_for_snapshot, snapshot)
        state["runner"] = _QueryRunner(local, timeout, threads)
        logger.info("SPARQL endpoint ready on %s (%d quads, process %d)", snapshot, local.size, os.getpid())
        try:
            yield
        finally:
            state["runner"].close()
            if recycle and state["runner"].runaways:
                # A runaway query's thread cannot be stopped, and interpreter shutdown would wait for it.
                logging.shutdown()
                os._exit(0)

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})
        try:
            body = await _read_body(request, max_body) if request.method == "POST" else b""
        except _BodyTooLarge:
            return PlainTextResponse(f"request body over the limit of {max_body} bytes\n", 413)
        try:
            parsed = parse_request(
                request.method, request.scope.get("query_string", b""), request.headers.get("content-type"), body
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
            result = await run.run(prepared)
        except QueryTimeout as exc:
            response = _error(exc)
            if recycle and run.runaways == 1:
                response.background = BackgroundTask(_end_process, grace)
            elif not recycle:
                logger.error("a query thread is still running past the time limit (use `regenkg serve`, "
                             "which restarts the process, to stop such work)")
            return response
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
        return JSONResponse(view.to_dict())

    async def health(request: Request) -> Response:
        try:
            run = runner()
        except RegenkgError as exc:
            return _json_error(exc)
        return JSONResponse({
            "status": "ok",
            "snapshot": snapshot.name,
            "documents": documents,
            "triples": run.local.size,
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

    sparql_methods = ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=sparql_methods),
        Route("/sparql/", sparql, methods=sparql_methods),
        Route("/api/ask", api_ask),
        Route("/api/search", api_search),
        Route("/api/entity/{ident:path}", api_entity),
        Route("/health", health),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(_UrlLimit, max_url=max_url),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
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
    app.state.snapshot = snapshot
    return app


def app_from_environment() -> Starlette:
    """The app of one ``regenkg serve`` process, configured by the JSON in ``$REGENKG_SERVE_CONFIG``."""
    try:
        options = json.loads(os.environ[CONFIG_ENV])
    except (KeyError, ValueError) as exc:
        raise RegenkgError(f"{CONFIG_ENV} must hold the server options as JSON ({exc})") from None
    index = options.pop("index")
    return create_app(index, **options)


def _document_count(snapshot: Path) -> int:
    try:
        manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
        counts = manifest.get("counts", {})
        if isinstance(counts, dict) and isinstance(counts.get("documents"), int):
            return counts["documents"]
    except (OSError, ValueError):
        pass
    return sum(1 for _ in (snapshot / "graph").glob("doc-*.nq"))


