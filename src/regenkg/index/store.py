"""The index directory: immutable snapshots, a manifest written last, and an atomic switch.

``indexes/<name>`` is a symbolic link to ``indexes/.<name>.snapshots/<stamp>/``. A build writes a complete
new snapshot (manifest last, with checksums of every file), then replaces the link with ``os.replace``,
which is atomic: a reader resolves the link once and keeps the snapshot it opened; a build killed at any
moment leaves the previous link, and so the previous index, untouched.

Readers lease the snapshot they opened and one writer at a time publishes (:mod:`regenkg.index.lease`):
pruning skips leased snapshots, and :func:`publish` opens the new snapshot the way readers do (``check``)
before the link moves, so a snapshot nothing can load is discarded and the old index keeps answering.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import numpy as np

from ..errors import IndexMismatch
from ..records import Document, Sentence
from .layout import MANIFEST, IndexLayout
from .lease import Lease, SnapshotFollower, current_snapshot, exclusive, writer_lock
from .manifest import FORMAT_VERSION, Manifest

__all__ = ["FORMAT_VERSION", "MANIFEST", "IndexLayout", "Lease", "Manifest", "PublishCheck", "SentenceTable",
           "SnapshotFollower", "current_snapshot", "discard", "file_checksums", "lease_snapshot", "new_snapshot", "publish",
           "read_manifest", "resolve_snapshot", "verify_checksums", "writer_lock"]

logger = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 2


def _snapshots_dir(index: Path) -> Path:
    return index.parent / f".{index.name}.snapshots"


def resolve_snapshot(index: str | Path) -> Path:
    """The complete snapshot ``index`` points to, or :class:`IndexNotFound` (see :func:`current_snapshot`)."""
    return current_snapshot(index)


def lease_snapshot(index: str | Path, *, verify: bool = True) -> tuple[Lease, Manifest]:
    """Lease the snapshot ``index`` points to and read its manifest (checksums verified unless told not to).

    Raises:
        IndexNotFound: nothing complete is at ``index``.
        IndexMismatch: the manifest or a file is damaged (the lease is released then).
    """
    lease = Lease.acquire(index)
    try:
        manifest = read_manifest(lease.snapshot)
        if verify:
            verify_checksums(lease.snapshot, manifest)
    except BaseException:
        lease.release()
        raise
    return lease, manifest


def read_manifest(snapshot: Path) -> Manifest:
    """The manifest of ``snapshot`` (see :meth:`Manifest.read`)."""
    return Manifest.read(IndexLayout(Path(snapshot)))


def file_checksums(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` but the manifest, keyed by relative path."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[str(path.relative_to(root))] = h.hexdigest()
    return out


def verify_checksums(snapshot: Path, manifest: Manifest) -> None:
    """Refuse a snapshot whose files differ from what its manifest recorded."""
    expected = manifest.checksums
    actual = file_checksums(snapshot)
    if set(actual) != set(expected):
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        raise IndexMismatch(f"index {snapshot} is incomplete or foreign (missing {missing[:3]}, unexpected "
                            f"{extra[:3]}): rebuild it with `regenkg build`")
    bad = [name for name, digest in expected.items() if actual[name] != digest]
    if bad:
        raise IndexMismatch(f"index {snapshot} is corrupt: checksum mismatch in {', '.join(bad[:3])}; "
                            "rebuild it with `regenkg build`")


def new_snapshot(index: str | Path) -> Path:
    """A fresh, empty snapshot folder beside ``index`` (not yet visible to readers)."""
    index = Path(index)
    base = _snapshots_dir(index)
    base.mkdir(parents=True, exist_ok=True)
    # Names sort by creation time (pruning keeps the newest), to the nanosecond.
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    path = base / stamp
    path.mkdir()
    IndexLayout(path).graph.mkdir()
    # The writer leases its own folder, so no other process's prune takes it however long the build runs.
    _writing[path] = Lease(path)
    return path


def discard(snapshot: Path) -> None:
    """Delete an unpublished snapshot (a failed or refused build) and drop the writer's lease on it."""
    lease = _writing.pop(snapshot, None)
    if lease is not None:
        lease.release()
    shutil.rmtree(snapshot, ignore_errors=True)


PublishCheck = Callable[[Path, Manifest], None]
"""Opens a finished snapshot the way readers will (``(snapshot, manifest)``); raises to refuse it."""

_writing: dict[Path, Lease] = {}


def not_published(index: str | Path, cause: Exception) -> IndexMismatch:
    """The error for a new snapshot refused before it was published (the previous index is unchanged)."""
    index = Path(index)
    kept = f"{index} still points to its previous snapshot" if index.is_symlink() else \
        f"nothing was published at {index}"
    return IndexMismatch(f"the new snapshot was not published, it cannot be opened: {cause} ({kept})")


def publish(index: str | Path, snapshot: Path, manifest: Manifest, *, check: PublishCheck | None = None) -> None:
    """Write the manifest (last, with checksums), check the snapshot, then atomically point ``index`` at it.

    Args:
        index: the index link.
        snapshot: a folder from :func:`new_snapshot`, complete but for its manifest.
        manifest: what to record (format and checksums are added).
        check: run on the finished snapshot before the link moves (see :mod:`regenkg.index.verify`);
            when it raises, the snapshot is deleted and ``index`` keeps pointing where it did.

    Raises:
        IndexMismatch: ``check`` refused the snapshot (the message names the cause and says the
            previous index is unchanged), or ``index`` is a foreign folder.
    """
    index = Path(index)
    layout = IndexLayout(snapshot)
    manifest = replace(manifest, format=FORMAT_VERSION, checksums=file_checksums(snapshot))
    _fsync_tree(snapshot)
    manifest.write(layout)
    _fsync_dir(snapshot)
    if check is not None:
        try:
            check(snapshot, read_manifest(snapshot))
        except Exception as exc:
            discard(snapshot)
            raise not_published(index, exc) from exc
    if index.exists() and not index.is_symlink():
        if any(index.iterdir()):
            raise IndexMismatch(f"{index} is a folder that is not a regenkg index link; move it away first")
        index.rmdir()
    link_tmp = index.parent / f".{index.name}.link-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(os.path.relpath(snapshot, index.parent), link_tmp)
    os.replace(link_tmp, index)
    _fsync_dir(index.parent)
    lease = _writing.pop(snapshot, None)
    if lease is not None:
        lease.release()
    _prune(index, keep=snapshot)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(index: Path, keep: Path) -> None:
    """Delete old and unfinished snapshots, keeping the newest few for readers that still hold them."""
    base = _snapshots_dir(index)
    snaps = sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.name)
    complete = [p for p in snaps if IndexLayout(p).manifest.is_file()]
    stale = [p for p in complete if p != keep][: max(0, len(complete) - KEEP_SNAPSHOTS)]
    # Unfinished snapshots older than a minute were left by a killed build.
    unfinished = [p for p in snaps if not IndexLayout(p).manifest.is_file() and p != keep
                  and time.time() - p.stat().st_mtime > 60]
    for path in stale + unfinished:
        with exclusive(path) as free:
            if not free:  # a reader (or a writer) holds it: it goes at a later publish
                logger.debug("snapshot %s is leased; kept", path)
                continue
            # The manifest goes first: a folder that a failed delete leaves behind is "unfinished",
            # never mistaken for a complete snapshot.
            (path / MANIFEST).unlink(missing_ok=True)
            shutil.rmtree(path, ignore_errors=True)


class SentenceTable:
    """Sentences and documents of a snapshot in SQLite (looked up by id at query time).

    A context manager: ``with SentenceTable(layout.sentences) as table: ...`` closes it on exit.
    """

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, title TEXT, path TEXT, date TEXT, lang TEXT,
        sources TEXT, encoding TEXT, text TEXT, body_start INTEGER DEFAULT 0);
    CREATE TABLE IF NOT EXISTS sentences (id INTEGER PRIMARY KEY, doc TEXT NOT NULL, n INTEGER, start INTEGER,
        "end" INTEGER, lang TEXT, text TEXT, tokens TEXT);
    CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc);
    """

    #: Decoded sentences a read-only table keeps (a few MB for the bundled corpus' 757 sentences).
    CACHE_SIZE = 20_000

    def __init__(self, path: Path, *, readonly: bool = True):
        self.path = path
        # A writable table changes under its readers, so only a read-only one (a published snapshot) caches.
        self._cache: OrderedDict[int, Sentence] | None = OrderedDict() if readonly else None
        self._cache_lock = threading.Lock()
        if readonly:
            if not path.is_file():
                raise IndexMismatch(f"sentence table {path} is missing: rebuild with `regenkg build`")
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.conn = sqlite3.connect(path, check_same_thread=False)
            self.conn.executescript(self.SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> SentenceTable:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def write(self, docs: Iterable[Document], sentences: Iterable[Sentence]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
            [(d.id, d.title, d.path, d.date, d.lang, json.dumps(list(d.sources)), d.encoding, d.text, d.body_start)
             for d in docs])
        self.conn.executemany(
            'INSERT OR REPLACE INTO sentences VALUES (?,?,?,?,?,?,?,?)',
            [(s.id, s.doc_id, s.n, s.start, s.end, s.lang, s.text, json.dumps(list(s.tokens), ensure_ascii=False))
             for s in sentences])
        self.conn.commit()

    def _sentence(self, row: tuple) -> Sentence:
        sid, doc, n, start, end, lang, text, tokens = row
        return Sentence(sid, doc, n, start, end, lang, text, tuple(json.loads(tokens or "[]")))

    def sentences(self, ids: Iterable[int]) -> dict[int, Sentence]:
        """The sentences of ``ids`` that exist, in ascending id within each run of 500 given ids.

        A read-only table keeps the sentences it decoded (up to :attr:`CACHE_SIZE`, least recently used
        dropped first): a search reads the same few hundred candidate rows again and again, and decoding
        their token lists cost more than the rest of a warm query.
        """
        ids = list(ids)
        out: dict[int, Sentence] = {}
        cache = self._cache
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            if cache is None:
                rows = self._fetch(chunk)
                out.update((r.id, r) for r in rows)
                continue
            with self._cache_lock:
                found = {s.id: s for sid in chunk if (s := cache.get(sid)) is not None}
                for sid in found:
                    cache.move_to_end(sid)
            missing = list({sid for sid in chunk if sid not in found})
            if missing:
                fetched = self._fetch(missing)
                with self._cache_lock:
                    for s in fetched:
                        cache[s.id] = s
                    while len(cache) > self.CACHE_SIZE:
                        cache.popitem(last=False)
                found.update((s.id, s) for s in fetched)
            # The order SQLite gives an IN list on the primary key: ascending id.
            out.update((sid, found[sid]) for sid in sorted(found))
        return out

    def _fetch(self, ids: list[int]) -> list[Sentence]:
        rows = self.conn.execute(f"SELECT * FROM sentences WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
        return [self._sentence(r) for r in rows]

    def iter_sentences(self, doc: str | None = None) -> Iterator[Sentence]:
        query, args = "SELECT * FROM sentences", tuple[str, ...]()
        if doc is not None:
            query, args = query + " WHERE doc = ?", (doc,)
        for row in self.conn.execute(query + " ORDER BY doc, n", args):
            yield self._sentence(row)

    def documents(self) -> dict[str, Document]:
        out = {}
        try:
            rows = self.conn.execute(
                "SELECT id, title, path, date, lang, sources, encoding, text, body_start FROM documents").fetchall()
        except sqlite3.OperationalError:  # a table written before body_start existed: bodies start at 0
            rows = [(*r, 0) for r in self.conn.execute(
                "SELECT id, title, path, date, lang, sources, encoding, text FROM documents")]
        for did, title, path, date, lang, sources, enc, text, body_start in rows:
            out[did] = Document(did, title, text, path, date, lang, tuple(json.loads(sources or "[]")), enc,
                                int(body_start or 0))
        return out

    def titles(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT id, title FROM documents").fetchall())

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]

    def ids_by_lang(self) -> dict[str, list[int]]:
        """Sentence ids per language, each list ascending."""
        out: dict[str, list[int]] = {}
        for sid, lang in self.conn.execute("SELECT id, lang FROM sentences ORDER BY id"):
            out.setdefault(lang, []).append(sid)
        return out

    def doc_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Every sentence id (ascending) and a number for its document (equal numbers: same document)."""
        ids: list[int] = []
        codes: list[int] = []
        numbers: dict[str, int] = {}
        for sid, doc in self.conn.execute("SELECT id, doc FROM sentences ORDER BY id"):
            ids.append(sid)
            codes.append(numbers.setdefault(doc, len(numbers)))
        return np.asarray(ids, dtype=np.int64), np.asarray(codes, dtype=np.int64)

    def previous_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """Every sentence id (ascending) and the id of the sentence before it in its document (its own id
        for a document's first sentence)."""
        ids: list[int] = []
        before: list[int] = []
        last_doc, last_id = None, 0
        for sid, doc in self.conn.execute("SELECT id, doc FROM sentences ORDER BY doc, n, start, id"):
            ids.append(sid)
            before.append(last_id if doc == last_doc else sid)
            last_doc, last_id = doc, sid
        order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
        return np.asarray(ids, dtype=np.int64)[order], np.asarray(before, dtype=np.int64)[order]

    def lang_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT lang, COUNT(*) FROM sentences GROUP BY lang").fetchall())
