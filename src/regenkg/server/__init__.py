"""HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and web page. Needs ``pip install "regenkg[server]"``."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable, IndexMismatch, IndexNotFound

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["create_app", "serve"]

logger = logging.getLogger(__name__)


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
    log_level: str = "info",
) -> None:
    """Run the server until interrupted (loopback by default).

    ``workers`` server processes share the listening socket, each with its own copy of the graph
    (uvicorn's process supervisor). A process whose query runs past ``timeout`` answers 503, finishes its
    other requests and exits; the supervisor starts a fresh one while the others keep serving. Each
    process follows ``index_dir`` when a build publishes a new snapshot (between requests).

    Raises:
        IndexNotFound: ``index_dir`` is not an index snapshot.
        IndexMismatch: the server processes could not start (the log says why).
        ConfigError: a limit is not positive.
    """
    try:
        import uvicorn
        from uvicorn.config import STARTUP_FAILURE
        from uvicorn.supervisors import Multiprocess
    except ImportError as exc:
        raise BackendUnavailable(f'the server needs uvicorn: pip install "regenkg[server]" ({exc})') from None
    from .app import CONFIG_ENV, check_limits

    snapshot = Path(index_dir).resolve()
    if not (snapshot / "graph").is_dir():
        raise IndexNotFound(f"index not found: {index_dir} has no graph/ folder (build one with `regenkg build`)")
    check_limits(timeout=timeout, max_rows=max_rows, threads=threads, workers=workers)
    os.environ[CONFIG_ENV] = json.dumps({
        # The link, not its target: every process follows the index to new snapshots between requests.
        "index": str(Path(index_dir).absolute()), "timeout": timeout, "max_rows": max_rows, "max_body": max_body,
        "max_url": max_url, "threads": threads, "recycle": True,
    })
    config = uvicorn.Config(
        "regenkg.server.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
        log_level=log_level, timeout_graceful_shutdown=int(timeout) + 1,
    )
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise IndexMismatch(f"the server could not start on {snapshot}: see the messages above")
