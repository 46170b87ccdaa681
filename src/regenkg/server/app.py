"""The HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and the web page (Starlette).

Status codes (documented for clients):

* 200 results; ``X-SPARQL-Truncated: true`` when the row cap cut them (SPARQL JSON also has
  ``"truncated": true`` at top level, SPARQL XML a ``<link href="urn:regenkg:truncated"/>``);
* 400 malformed query (message with line:column), an update sent as a query, SERVICE, too deep nesting,
  two queries, query + update, bad UTF-8 or a non-UTF-8 charset, bad API parameters;
* 403 any SPARQL Update (POST ``application/sparql-update``, form or GET ``update=``): read-only;
* 404 unknown entity or path; 405 method other than GET/POST/OPTIONS; 406 no acceptable result format;
* 413 body over ``max_body``; 414 URL over ``max_url``; 415 POST with another content type;
* 503 query over the time limit (its worker is killed and replaced) or all workers busy.

Nothing here holds logic beyond translating HTTP to :mod:`regenkg.query.sparql` and the KnowledgeBase.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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

from ..errors import IndexMismatch, IndexNotFound, QueryError, RegenkgError
from ..query.sparql import (
    EngineBusy,
    NotAcceptable,
    QueryTimeout,
    SparqlEngine,
)
from .description import service_description
from .protocol import ProtocolError, parse_request

__all__ = ["create_app", "status_for"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TRUNCATED_HEADER = "X-SPARQL-Truncated"


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


def _to_dict(record: Any, helper: str) -> Any:
    try:
        from .. import records

        convert = getattr(records, helper)
    except AttributeError:
        return dataclasses.asdict(record)
    return convert(record)


def create_app(
    index_dir: str | Path,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    max_url: int = 8192,
    workers: int = 2,
) -> Starlette:
    """Build the ASGI app over one index snapshot (a symlink is resolved once, at startup).

    Args:
        index_dir: ``indexes/<name>`` (symlink or snapshot folder).
        timeout: seconds per SPARQL query; over it the answer is 503 and the work is killed.
        max_rows: SELECT rows / CONSTRUCT triples returned at most (then ``X-SPARQL-Truncated: true``).
        max_body: request body bytes accepted (413 above).
        max_url: request-target bytes accepted (414 above).
        workers: SPARQL worker processes.
    """
    snapshot = Path(index_dir).resolve()
    if not snapshot.is_dir():
        raise IndexNotFound(f"index not found: {index_dir} (build one with `regenkg build`)")
    state: dict[str, Any] = {}

    def engine() -> SparqlEngine:
        if "engine" not in state:
            state["engine"] = SparqlEngine(snapshot, timeout=timeout, max_rows=max_rows, workers=workers)
        return state["engine"]

    kb_lock = asyncio.Lock()

    async def knowledge_base() -> Any:
        async with kb_lock:
            if "kb" not in state:
                try:
                    from ..kb import KnowledgeBase
                except ImportError as exc:
                    raise QueryError(f"the JSON API needs regenkg.kb: {exc}") from None
                state["kb"] = await run_in_threadpool(KnowledgeBase.open, snapshot)
            return state["kb"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(engine().wait_ready)
        logger.info("SPARQL endpoint ready on %s (%d quads)", snapshot, engine().size)
        try:
            yield
        finally:
            engine().close()

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
            result = await run_in_threadpool(
                engine().execute,
                parsed.query,
                accept=accept,
                default_graph_uris=parsed.default_graph_uris,
                named_graph_uris=parsed.named_graph_uris,
                base_iri=_endpoint_url(request),
                format_hint=parsed.format_hint,
            )
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
        return JSONResponse(_to_dict(answer, "answer_to_dict"))

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
        return JSONResponse({"query": text, "hits": [_to_dict(h, "hit_to_dict") for h in hits]})

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
        eng = engine()
        return JSONResponse({
            "status": "ok",
            "snapshot": snapshot.name,
            "documents": _document_count(snapshot),
            "triples": eng.size,
            "workers": len(eng.worker_pids()),
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
    app.state.engine = engine
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


