"""HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and web page. Needs ``pip install "regenkg[server]"``."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable, IndexMismatch, IndexNotFound

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from ..config import Settings

__all__ = ["create_app", "serve"]

logger = logging.getLogger(__name__)

_HEALTHCHECK_TIMEOUT = 30


def create_app(index_dir: str | Path, **limits: Any) -> Starlette:
    """Build the ASGI app; see :func:`regenkg.server.app.create_app` for the limits."""
    try:
        from .app import create_app as build
    except ImportError as exc:
        raise BackendUnavailable(f'the server needs starlette: pip install "regenkg[server]" ({exc})') from None
    return build(index_dir, **limits)


def serve(
    index_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    max_url: int = 8192,
    workers: int = 2,
    threads: int = 8,
    evaluators: int = 2,
    memory_limit: int | None = None,
    max_bytes: int | None = None,
    max_header: int = 16_384,
    header_timeout: float = 10.0,
    log_level: str = "info",
    settings: Settings | None = None,
) -> None:
    """Run the server until interrupted (loopback by default).

    ``workers`` server processes share the listening socket (uvicorn's process supervisor), each with
    ``evaluators`` evaluator processes. A query past ``timeout`` or ``memory_limit`` costs only its
    evaluator, which is killed and replaced; the server processes keep every connection. Each process
    follows ``index_dir`` when a build publishes a new snapshot (between requests). ``settings`` (default
    :meth:`Settings.load <regenkg.config.Settings.load>` in each process) is what the JSON API's knowledge
    base opens with, e.g. its ``store``; it reaches every server process inside the uvicorn config.

    Raises:
        IndexNotFound: ``index_dir`` is not an index snapshot.
        IndexMismatch: the server processes could not start (the log says why).
        ConfigError: a limit is not positive.
    """
    try:
        from uvicorn.config import STARTUP_FAILURE
        from uvicorn.supervisors import Multiprocess
    except ImportError as exc:
        raise BackendUnavailable(f'the server needs uvicorn: pip install "regenkg[server]" ({exc})') from None
    from ..sparql import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_LIMIT
    from .app import check_limits, create_app
    from .http import GuardedHttpToolsProtocol, GuardLimits, ServeConfig

    snapshot = Path(index_dir).resolve()
    if not (snapshot / "graph").is_dir():
        raise IndexNotFound(f"index not found: {index_dir} has no graph/ folder (build one with `regenkg build`)")
    memory_limit = DEFAULT_MEMORY_LIMIT if memory_limit is None else memory_limit
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    check_limits(timeout=timeout, max_rows=max_rows, threads=threads, workers=workers, evaluators=evaluators,
                 memory_limit=memory_limit, max_bytes=max_bytes, max_header=max_header,
                 header_timeout=header_timeout)
    # uvicorn pickles the config into each (spawned) server process, which calls the factory: the options
    # and settings travel as arguments, not through the environment.
    factory = functools.partial(
        # The link, not its target: every process follows the index to new snapshots between requests.
        create_app, str(Path(index_dir).absolute()), timeout=timeout, max_rows=max_rows, max_body=max_body,
        max_url=max_url, threads=threads, evaluators=evaluators, memory_limit=memory_limit, max_bytes=max_bytes,
        max_header=max_header, header_timeout=header_timeout, preload=True, settings=settings)
    config = ServeConfig(
        factory, guard=GuardLimits(max_url=max_url, max_header=max_header, header_timeout=header_timeout),
        factory=True, host=host, port=port, workers=workers,
        log_level=log_level, timeout_graceful_shutdown=int(timeout) + 1, http=GuardedHttpToolsProtocol,
        # uvicorn kills a process that misses a health ping for this long, dropping all its connections;
        # its default (5 s) is shorter than a startup or a model load on a busy 2-core machine. Not much
        # longer, though: a process dying during startup is only noticed when its ping times out.
        timeout_worker_healthcheck=_HEALTHCHECK_TIMEOUT,
    )
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise IndexMismatch(f"the server could not start on {snapshot}: see the messages above")
