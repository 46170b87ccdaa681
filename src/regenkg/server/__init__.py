"""HTTP edge: SPARQL 1.1 Protocol endpoint, JSON API and web page. Needs ``pip install "regenkg[server]"``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable

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
    log_level: str = "info",
) -> None:
    """Run the server with uvicorn until interrupted (loopback by default)."""
    try:
        import uvicorn
    except ImportError as exc:
        raise BackendUnavailable(f'the server needs uvicorn: pip install "regenkg[server]" ({exc})') from None
    app = create_app(
        index_dir, timeout=timeout, max_rows=max_rows, max_body=max_body, max_url=max_url, workers=workers
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=2)
