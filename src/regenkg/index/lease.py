"""Who may touch an index: shared leases for readers, one lock for the writer.

*Readers* (a server process, a :class:`~regenkg.kb.KnowledgeBase`, a build reading the previous
snapshot) hold a :class:`Lease`: a shared ``flock`` on the snapshot folder itself, so nothing is added to
the checksummed files. Pruning (:func:`regenkg.index.store.publish`) deletes an old snapshot only after
taking an exclusive, non-blocking ``flock`` on it, so a leased snapshot is skipped and goes at a later
publish, once released. The kernel drops a lease when its process dies, however it dies.

*Writers* (build, add, remove, import, unmerge) take :func:`writer_lock`, a file lock beside the index
link, for the whole read-modify-publish: a second writer waits (with a message naming the first) or, with
``wait=0``, is refused with :class:`~regenkg.errors.IndexBusy` naming the other writer's pid and command.
So two ``regenkg add`` runs both land, the second on top of the first.

A long-lived reader follows the index with :class:`SnapshotFollower`: it serves one snapshot, notices
(cheaply, by reading the link) that the index points elsewhere, opens the new one beside it, and switches
between requests; the old one is closed once its last request is done.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Self, TypeVar

from ..errors import IndexBusy, IndexNotFound
from .layout import MANIFEST

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; leases become no-ops there
    fcntl = None  # type: ignore[assignment]

__all__ = ["DEFAULT_WRITER_WAIT", "Lease", "SnapshotFollower", "WriterInfo", "current_snapshot", "is_leased",
           "writer_lock"]

logger = logging.getLogger(__name__)

DEFAULT_WRITER_WAIT = 600.0
_ACQUIRE_ATTEMPTS = 5

T = TypeVar("T")


def current_snapshot(index: str | Path) -> Path:
    """The snapshot folder ``index`` points to now (a link is read each call; cheap).

    Raises:
        IndexNotFound: nothing complete is there.
    """
    index = Path(index)
    if not index.exists():
        raise IndexNotFound(f"no index at {index}: run `regenkg build` first")
    target = index.resolve()
    if not (target / MANIFEST).is_file():
        raise IndexNotFound(f"{index} is not a complete regenkg index (no {MANIFEST}): run `regenkg build` first")
    return target


class Lease:
    """A shared lock on one snapshot folder: while held, pruning leaves the folder alone.

    Use :meth:`acquire` to lease what an index points to (it copes with a prune racing the lookup), or
    ``Lease(snapshot)`` for a known folder. Release with :meth:`release` or a ``with`` block; an
    unreleased lease ends when the object is collected or the process exits.
    """

    def __init__(self, snapshot: str | Path) -> None:
        self.snapshot = Path(snapshot)
        self._fd: int | None = None
        fd = os.open(self.snapshot, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)  # blocks only while a prune deletes this very folder
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._finalizer = weakref.finalize(self, os.close, fd)

    @classmethod
    def acquire(cls, index: str | Path) -> Lease:
        """Lease the snapshot ``index`` points to now.

        Raises:
            IndexNotFound: no complete snapshot is there.
        """
        for _ in range(_ACQUIRE_ATTEMPTS):
            snapshot = current_snapshot(index)
            try:
                lease = cls(snapshot)
            except FileNotFoundError:  # pruned between reading the link and opening the folder
                continue
            if (snapshot / MANIFEST).is_file():
                return lease
            lease.release()  # a prune finished deleting it while we waited: read the link again
        raise IndexNotFound(f"{index} changed {_ACQUIRE_ATTEMPTS} times while being opened; try again")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the snapshot up (idempotent)."""
        if self._fd is not None:
            self._fd = None
            self._finalizer()  # closing the descriptor drops the flock

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lease({str(self.snapshot)!r}, held={self.held})"


@contextlib.contextmanager
def exclusive(snapshot: Path) -> Iterator[bool]:
    """Try to take ``snapshot`` for deletion: yields True when no one holds a lease on it.

    The exclusive lock is held for the ``with`` block, so a reader arriving meanwhile waits, then sees
    the folder gone (:meth:`Lease.acquire` reads the link again).
    """
    try:
        fd = os.open(snapshot, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield False
        return
    try:
        if fcntl is None:
            yield True
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def is_leased(snapshot: str | Path) -> bool:
    """Whether some reader (in any process) holds a lease on ``snapshot`` now."""
    with exclusive(Path(snapshot)) as free:
        return not free and Path(snapshot).is_dir()


# ---------------------------------------------------------------------------------------------- writers
@dataclass(frozen=True)
class WriterInfo:
    """Who holds an index's writer lock (as far as its info file tells)."""

    pid: int | None
    command: str
    since: str

    def describe(self) -> str:
        who = f"pid {self.pid}" if self.pid else "another process"
        return f"{who} ({self.command}, since {self.since})" if self.command else who


def _lock_paths(index: Path) -> tuple[Path, Path]:
    return index.parent / f".{index.name}.lock", index.parent / f".{index.name}.writer.json"


def _read_info(path: Path) -> WriterInfo:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return WriterInfo(int(data["pid"]), str(data.get("command", "")), str(data.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return WriterInfo(None, "", "")


def _command() -> str:
    argv = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]]
    if argv[0] in ("cli.py", "__main__.py"):
        argv[0] = "regenkg"
    text = " ".join(argv)
    return text if len(text) <= 200 else text[:199] + "…"


@contextlib.contextmanager
def writer_lock(index: str | Path, *, wait: float = DEFAULT_WRITER_WAIT,
                on_wait: Callable[[WriterInfo], None] | None = None) -> Iterator[None]:
    """Be the only writer of ``index`` for the ``with`` block.

    Args:
        index: the index link (``indexes/<name>``); its folder is created if missing.
        wait: seconds to wait for another writer; ``0`` refuses at once.
        on_wait: called once with the other writer's details before waiting (default: a log warning).

    Raises:
        IndexBusy: another writer holds the index (at once with ``wait=0``, else after ``wait`` s).
    """
    from filelock import FileLock, Timeout

    index = Path(index)
    index.parent.mkdir(parents=True, exist_ok=True)
    lock_path, info_path = _lock_paths(index)
    lock = FileLock(str(lock_path), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        other = _read_info(info_path)
        if wait <= 0:
            raise IndexBusy(f"index {index} is being written by {other.describe()}: try again when it "
                            "has finished (or wait for it with --wait)") from None
        if on_wait is not None:
            on_wait(other)
        else:
            logger.warning("index %s is being written by %s; waiting up to %g s for it to finish",
                           index, other.describe(), wait)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexBusy(f"index {index} is still being written by {_read_info(info_path).describe()} "
                            f"after {wait:g} s: try again later") from None
    try:
        tmp = info_path.with_name(f"{info_path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"pid": os.getpid(), "command": _command(),
                                   "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}), encoding="utf-8")
        os.replace(tmp, info_path)
        yield
    finally:
        with contextlib.suppress(OSError):
            info_path.unlink()
        lock.release()


# ---------------------------------------------------------------------------------------------- followers
class _Held(Generic[T]):
    def __init__(self, lease: Lease, value: T) -> None:
        self.lease = lease
        self.value = value
        self.users = 0
        self.retired = False


class SnapshotFollower(Generic[T]):
    """Serve whatever an index points to, switching only between uses.

    ``open(snapshot, previous)`` builds the value served for a snapshot (``previous`` is the value being
    replaced, or None, e.g. to reuse a loaded model); ``close(value)`` frees it. Each request runs inside
    :meth:`use`, which pins one snapshot for its whole length; :meth:`poll` (cheap: one ``readlink``)
    starts loading a newer snapshot in a background thread when the index has moved on, and the switch
    happens when it is ready; requests in flight finish on the old one, which is closed after the last.

    Args:
        index: the index link, or a snapshot folder (which is then served as it is, never switched).
        open: builds the served value for a snapshot folder.
        close: frees a value no longer served.
    """

    def __init__(self, index: str | Path, open: Callable[[Path, T | None], T],
                 close: Callable[[T], None] = lambda value: None) -> None:
        self.index = Path(index).absolute()
        self._open = open
        self._close = close
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self.last_error: str | None = None
        # A folder named directly is served as it is (whatever it holds); a link is followed.
        lease = Lease.acquire(self.index) if self.index.is_symlink() else Lease(self.index.resolve())
        try:
            self._current: _Held[T] = _Held(lease, open(lease.snapshot, None))
        except BaseException:
            lease.release()
            raise
        self._target = self._link()

    @property
    def snapshot(self) -> Path:
        """The snapshot served now."""
        return self._current.lease.snapshot

    @property
    def value(self) -> T:
        return self._current.value

    def _link(self) -> str | None:
        try:
            return os.readlink(self.index)
        except OSError:  # not a link (a snapshot folder given directly) or gone
            return None

    @contextlib.contextmanager
    def use(self) -> Iterator[tuple[Path, T]]:
        """Pin the current snapshot and its value for one request."""
        with self._lock:
            held = self._current
            held.users += 1
        try:
            yield held.lease.snapshot, held.value
        finally:
            with self._lock:
                held.users -= 1
                done = held.retired and held.users == 0
            if done:
                self._dispose(held)

    def poll(self) -> bool:
        """Start loading the snapshot the index points to, if it moved on; True when a load started."""
        target = self._link()
        if target is None or target == self._target:
            return False
        with self._lock:
            if self._loading is not None or target == self._target:
                return False
            self._target = target
            self._loading = threading.Thread(target=self._load, name="regenkg-follow", daemon=True)
            self._loading.start()
        return True

    def refresh(self) -> bool:
        """Switch to the index's current snapshot now (blocking); True when it switched."""
        self.poll()
        thread = self._loading
        if thread is not None:
            thread.join()
        return self.snapshot == current_snapshot(self.index)

    def _load(self) -> None:
        try:
            try:
                lease = Lease.acquire(self.index)
            except IndexNotFound as exc:
                self.last_error = str(exc)
                logger.warning("index %s moved, but the new snapshot cannot be opened: %s", self.index, exc)
                return
            if lease.snapshot == self.snapshot:
                lease.release()
                return
            try:
                value = self._open(lease.snapshot, self._current.value)
            except Exception as exc:  # noqa: BLE001 - any failure to open keeps the old snapshot serving
                lease.release()
                self.last_error = f"{type(exc).__name__}: {exc}"
                logger.warning("index %s moved to %s, which cannot be opened (still serving %s): %s",
                               self.index, lease.snapshot.name, self.snapshot.name, exc)
                return
            with self._lock:
                old = self._current
                self._current = _Held(lease, value)
                old.retired = True
                done = old.users == 0
            self.last_error = None
            logger.info("now serving %s (was %s)", lease.snapshot.name, old.lease.snapshot.name)
            if done:
                self._dispose(old)
        finally:
            with self._lock:
                self._loading = None
            # The link may have moved again while this one loaded.
            self.poll()

    def _dispose(self, held: _Held[T]) -> None:
        try:
            self._close(held.value)
        except Exception:  # closing must not fail a request
            logger.exception("closing the previous snapshot %s failed", held.lease.snapshot)
        finally:
            held.lease.release()

    def close(self) -> None:
        """Free the served value and its lease."""
        thread = self._loading
        if thread is not None:
            thread.join()
        with self._lock:
            held = self._current
            held.retired = True
            done = held.users == 0
        if done:
            self._dispose(held)
