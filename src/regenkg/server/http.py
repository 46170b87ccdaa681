"""uvicorn's httptools protocol with the limits a public endpoint needs, enforced while bytes arrive.

* a request's headers must be complete within ``header_timeout`` seconds of its first byte (slowloris:
  a connection holding a half-sent request is closed with 408);
* the request target must fit ``max_url`` bytes (414) and all header lines ``max_header`` bytes (431),
  answered as soon as the limit is passed, before the rest is buffered.

uvicorn builds the protocol objects itself, handing each the config: the limits ride on it
(:class:`ServeConfig`, pickled with it into every server process).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["GuardLimits", "GuardedHttpToolsProtocol", "ServeConfig"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuardLimits:
    """What a request may send before the app sees it."""

    max_url: int = 8192
    max_header: int = 16_384
    header_timeout: float = 10.0


class ServeConfig(Config):
    """uvicorn's :class:`~uvicorn.config.Config` that also carries the :class:`GuardLimits`."""

    def __init__(self, app: Any, *, guard: GuardLimits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.guard = guard


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` with header timeout, 414 and 431 (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard = self.config.guard if isinstance(self.config, ServeConfig) else GuardLimits()
        self._max_url = guard.max_url
        self._max_header = guard.max_header
        self._header_timeout = guard.header_timeout
        self._header_timer: asyncio.TimerHandle | None = None
        self._url_size = 0
        self._header_size = 0
        self._refused = False

    def _start_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self._header_timeout, self._headers_too_slow)

    def _stop_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            logger.info("closing a connection whose request headers took over %.0f s", self._header_timeout)
            self._refuse(408, f"request headers not complete within {self._header_timeout:g} s")

    def _refuse(self, status: int, message: str) -> None:
        if self._refused:
            return
        self._refused = True
        self._stop_timer()
        body = (message + "\n").encode()
        phrase = HTTPStatus(status).phrase
        head = (f"HTTP/1.1 {status} {phrase}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode()
        self.transport.write(head + body)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self.cycle is None or self.cycle.response_complete:
            self._start_timer()  # bytes of a new request: its headers are on the clock
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        self._url_size = 0
        self._header_size = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._url_size += len(url)
        if self._url_size > self._max_url:
            self._refuse(414, f"request URL over the limit of {self._max_url} bytes: use POST")
            return
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_size += len(name) + len(value) + 4
        if self._header_size > self._max_header:
            self._refuse(431, f"request headers over the limit of {self._max_header} bytes")
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._stop_timer()
        if self._refused:
            return
        super().on_headers_complete()

    # The parser finishes the chunk it was fed after a refusal; nothing of that request may reach the app.
    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()
