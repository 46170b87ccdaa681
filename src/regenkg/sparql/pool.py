"""A pool of evaluator processes (:class:`EvaluatorPool`), used by the server and :class:`SparqlEngine`.

Each evaluator (:mod:`regenkg.sparql.worker`) is ``python -m regenkg.sparql.worker`` with its own copy
of the store, no network and a memory cap. A query past its time limit, over the memory cap or crashing
the engine costs only its evaluator: the pool kills it (SIGKILL: the work really stops), starts a fresh
one in the background and answers with :class:`QueryTimeout`, :class:`MemoryLimitExceeded` or
:class:`EvaluatorCrashed`; every other caller keeps its answer, and the calling process never exits.
"""

from __future__ import annotations

import collections
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import IndexMismatch, IndexNotFound, QueryError, RegenkgError
from .formats import NotAcceptable, NotRepresentable
from .local import DEFAULT_MAX_BYTES
from .result import (
    EngineBusy,
    EvaluatorCrashed,
    MemoryLimitExceeded,
    PreparedQuery,
    QueryTimeout,
    SparqlResult,
)
from .seal import QueryTooComplex, ServiceDisabled, SparqlSyntaxError, UpdateRefused

__all__ = ["DEFAULT_MEMORY_LIMIT", "MODEL_LOAD_ALLOWANCE", "EvaluatorPool"]

logger = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT = 2 * 2**30
MODEL_LOAD_ALLOWANCE = 120.0
_STARTUP_TIMEOUT = 600.0
_ERRORS: dict[str, type[RegenkgError]] = {
    cls.__name__: cls
    for cls in (QueryError, SparqlSyntaxError, UpdateRefused, ServiceDisabled, QueryTooComplex,
                NotAcceptable, NotRepresentable, IndexMismatch, IndexNotFound, RegenkgError)
}
_OOM_MARKS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "out of memory")


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


class _Evaluator:
    """One evaluator process and the parent's end of its socket."""

    def __init__(self, init: dict[str, Any]) -> None:
        mine, theirs = socket.socketpair()
        env = dict(os.environ)
        # The child finds this very regenkg even when the parent got it from sys.path edits or a notebook.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_package_root(), env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "regenkg.sparql.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, env=env, close_fds=True,
            )
        finally:
            theirs.close()
        self.conn = Connection(mine.detach())
        self.stderr: collections.deque[str] = collections.deque(maxlen=40)
        threading.Thread(target=self._drain, name="regenkg-evaluator-log", daemon=True).start()
        self.size = 0
        self.sandbox = "?"
        self.model_loaded = False
        self.conn.send(init)

    @property
    def pid(self) -> int:
        return self.process.pid

    def _drain(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            self.stderr.append(line)
            logger.debug("evaluator %d: %s", self.process.pid, line)

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise IndexMismatch(f"a SPARQL evaluator did not load the store within {timeout:.0f} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            detail = "; ".join(list(self.stderr)[-3:])
            raise IndexMismatch(f"a SPARQL evaluator died while loading the store ({detail or 'no output'})") from None
        if message[0] != "ready":
            self.kill()
            raise _ERRORS.get(message[1], IndexMismatch)(message[2])
        self.size, self.sandbox = message[1], message[2]

    def out_of_memory(self) -> bool:
        self.process.wait(5)  # the stderr lines of a dying process arrive just before its exit
        time.sleep(0.05)
        return any(mark in line for line in self.stderr for mark in _OOM_MARKS)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail
            pass
        self.conn.close()


class EvaluatorPool:
    """``size`` evaluator processes over one graph, answering prepared queries from any thread.

    Args:
        source: ``("snapshot", folder)`` or ``("nquads", bytes)`` (then ``snapshot`` may still name the
            folder holding ``vectors.faiss`` for ``rkg:similarity``).
        size: evaluator processes (queries evaluated at the same time).
        timeout: seconds a query may evaluate; fixed, whatever the query says.
        max_rows, max_bytes: result caps (then ``truncated``).
        memory_limit: bytes a query may allocate in its evaluator (``RLIMIT_AS`` over the loaded store).
        wait: seconds a query may wait for a free evaluator (then :class:`EngineBusy`).
        embedder_factory: picklable zero-argument callable for texts computed at run time.
        functions: custom SPARQL functions ``{iri: module-level callable}`` beside ``rkg:similarity``.
    """

    def __init__(
        self,
        source: tuple[str, Any],
        *,
        size: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        wait: float | None = None,
        snapshot: Path | None = None,
        embedder_factory: Callable[[], Any] | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        if timeout <= 0 or max_rows < 1 or size < 1 or (memory_limit is not None and memory_limit < 1):
            raise QueryError(
                f"SPARQL limits must be positive: timeout={timeout}, max_rows={max_rows}, evaluators={size}, "
                f"memory_limit={memory_limit}"
            )
        self.timeout = float(timeout)
        self.size = int(size)
        self.wait = float(wait) if wait is not None else self.timeout + 20.0
        blob = None
        if embedder_factory is not None:
            try:
                blob = pickle.dumps(embedder_factory)
            except Exception as exc:  # noqa: BLE001
                logger.info("embedder factory not picklable (%s); evaluators embed only given texts", exc)
        try:
            functions_blob = pickle.dumps(dict(functions)) if functions else None
        except Exception as exc:  # noqa: BLE001
            raise QueryError(f"custom SPARQL functions must be module-level callables (picklable): {exc}") from None
        self._init = {
            "source": source, "snapshot": str(snapshot) if snapshot else None, "max_rows": int(max_rows),
            "max_bytes": max_bytes, "memory_limit": memory_limit, "embedder_factory": blob,
            "functions": functions_blob,
            "sys_path": [p for p in sys.path if p and os.path.isdir(p)],
        }
        self._idle: queue.Queue[_Evaluator] = queue.Queue()
        self._all: set[_Evaluator] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._failure: RegenkgError | None = None
        self._ready = threading.Event()
        self._warned = False
        self.graph_size = 0
        self.respawns = 0
        self.runaways = 0
        for _ in range(self.size):
            self._spawn()

    # -- pool management --

    def _spawn(self) -> None:
        def start() -> None:
            try:
                evaluator = _Evaluator(self._init)
            except Exception as exc:  # noqa: BLE001
                self._fail(EngineBusy(f"cannot start a SPARQL evaluator: {exc}"))
                return
            with self._lock:
                if self._closed:
                    evaluator.kill()
                    return
                self._all.add(evaluator)
            try:
                evaluator.wait_ready(_STARTUP_TIMEOUT)
            except (OSError, ValueError, EOFError):
                evaluator.kill()  # the pool was closed while this evaluator was starting
                return
            except RegenkgError as exc:
                with self._lock:
                    self._all.discard(evaluator)
                    closed = self._closed
                if not closed:
                    self._fail(exc)
                return
            if evaluator.sandbox == "none" and not self._warned:
                self._warned = True
                logger.warning("SPARQL evaluators run WITHOUT network isolation (no namespaces, no seccomp "
                               "here): only the query seal stops SERVICE")
            self.graph_size = evaluator.size
            self._failure = None
            self._idle.put(evaluator)
            self._ready.set()

        threading.Thread(target=start, name="regenkg-evaluator-start", daemon=True).start()

    def _fail(self, exc: RegenkgError) -> None:
        logger.error("SPARQL evaluator failed to start: %s", exc)
        self._failure = exc
        self._ready.set()

    def _retire(self, evaluator: _Evaluator) -> None:
        with self._lock:
            self._all.discard(evaluator)
            closed = self._closed
        evaluator.kill()
        if not closed:
            self.respawns += 1
            self._spawn()

    def wait_ready(self, timeout: float | None = _STARTUP_TIMEOUT) -> EvaluatorPool:
        """Block until at least one evaluator has loaded the store.

        Raises:
            IndexMismatch: an evaluator could not load the graph (or took longer than ``timeout``).
        """
        if not self._ready.wait(timeout):
            raise IndexMismatch(f"no SPARQL evaluator ready after {timeout} s")
        if self._failure is not None and self._idle.empty():
            raise self._failure
        return self

    @property
    def sandboxes(self) -> list[str]:
        """How each live evaluator is cut off the network (``netns``, ``userns``, ``seccomp``, ``none``)."""
        with self._lock:
            return [e.sandbox for e in self._all]

    def pids(self) -> list[int]:
        """Process ids of the live evaluators (for monitoring and tests)."""
        with self._lock:
            return [e.pid for e in self._all]

    def close(self) -> None:
        """Stop every evaluator."""
        with self._lock:
            self._closed = True
            evaluators = list(self._all)
            self._all.clear()
        for evaluator in evaluators:
            try:
                evaluator.conn.send(None)
            except (OSError, ValueError):
                pass
            evaluator.kill()

    def __enter__(self) -> EvaluatorPool:  # noqa: PYI034 - Self needs 3.11 typing only
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries --

    def run(self, prepared: PreparedQuery) -> SparqlResult:
        """Evaluate ``prepared`` in a free evaluator (blocking; safe from any thread).

        Raises:
            QueryTimeout: over the time limit (the evaluator was killed and is being replaced).
            MemoryLimitExceeded: over the memory cap (likewise).
            EvaluatorCrashed: the engine died on this query (likewise).
            EngineBusy: no evaluator free within ``wait`` seconds, or none could start.
            QueryError: what the evaluation raised (syntax, 406, …).
        """
        if self._closed:
            raise QueryError("the SPARQL engine is closed")
        started = time.monotonic()
        if not self._ready.is_set():
            self.wait_ready()
        if self._failure is not None and not self._all:
            raise self._failure
        give_up = started + self.wait
        while True:
            try:
                evaluator = self._idle.get(timeout=max(0.0, give_up - time.monotonic()))
            except queue.Empty:
                raise EngineBusy(
                    f"all {self.size} SPARQL evaluators stayed busy for {self.wait:g} s; try again later"
                ) from None
            if evaluator.process.poll() is None:
                break
            # It died while idle (killed from outside, out of memory): replace it, take another.
            logger.warning("SPARQL evaluator %d died while idle; replacing it", evaluator.pid)
            self._retire(evaluator)
        budget = self.timeout
        if prepared.info.similarity_dynamic and not evaluator.model_loaded:
            # A parsed rkg:similarity call whose text is computed at run time: this evaluator loads the
            # embedding model once (10-20 s on 2 cores), which is not the query's cost.
            budget += MODEL_LOAD_ALLOWANCE
        begun = time.monotonic()
        try:
            evaluator.conn.send(prepared)
            if not evaluator.conn.poll(budget):
                self.runaways += 1
                logger.warning("SPARQL query exceeded %.1f s; killing evaluator %d", self.timeout, evaluator.pid)
                self._retire(evaluator)
                raise QueryTimeout(f"query exceeded the time limit of {self.timeout:g} s and was stopped")
            reply = evaluator.conn.recv()
        except (EOFError, OSError):
            oom = evaluator.out_of_memory()
            self._retire(evaluator)
            if oom:
                raise MemoryLimitExceeded(
                    "query stopped at the memory limit of its evaluator; narrow it (LIMIT, fewer joins)"
                ) from None
            logger.error("SPARQL evaluator %d died on a query (exit %s): %s", evaluator.pid,
                         evaluator.process.returncode, list(evaluator.stderr)[-3:])
            raise EvaluatorCrashed("the SPARQL engine crashed on this query (the evaluator was replaced)") from None
        if reply[0] == "memory":
            self._retire(evaluator)
            raise MemoryLimitExceeded(f"{reply[1]}; narrow the query (LIMIT, fewer joins)")
        if prepared.info.similarity_dynamic:
            evaluator.model_loaded = True
        self._idle.put(evaluator)
        if reply[0] == "error":
            raise _ERRORS.get(reply[1], QueryError)(reply[2])
        result = SparqlResult.from_reply(reply[1], time.monotonic() - started)
        logger.debug("evaluated in %.3f s (waited %.3f s)", time.monotonic() - begun, begun - started)
        return result
