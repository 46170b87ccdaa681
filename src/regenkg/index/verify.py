"""Open a finished snapshot the way ``serve``, ``ask`` and ``sparql`` will, before it is published.

:func:`readable` is the ``check`` that :func:`regenkg.index.store.publish` runs between writing the
manifest and moving the index link: a snapshot whose graph Oxigraph cannot load (e.g. a literal over its
16 MiB line buffer), whose vectors, BM25 index or sentence table cannot be read or disagree with the
manifest's counts, or whose titles and metadata exceed the ingest limits, is refused with a message
naming the cause, and the previous index keeps answering.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..config import Settings
from ..errors import IndexMismatch
from .manifest import Counts, Manifest
from .store import IndexLayout, PublishCheck, SentenceTable

__all__ = ["readable", "verify_snapshot"]


def verify_snapshot(snapshot: Path, manifest: Manifest, settings: Settings) -> None:
    """Load every part of ``snapshot`` as readers do and compare it with ``manifest``.

    Raises:
        IndexMismatch: naming the part that cannot be opened, or the limit it exceeds.
    """
    layout = IndexLayout(snapshot)
    if manifest.has_documents:
        _check_table(layout, manifest.counts, settings)
        _check_search(layout, manifest.counts)
    _check_graph(snapshot)


def readable(settings: Settings) -> PublishCheck:
    """The publish check for a build run with ``settings``."""

    def check(snapshot: Path, manifest: Manifest) -> None:
        verify_snapshot(snapshot, manifest, settings)

    return check


def _check_table(layout: IndexLayout, counts: Counts, settings: Settings) -> None:
    try:
        table = SentenceTable(layout.sentences)
    except sqlite3.DatabaseError as exc:
        raise IndexMismatch(f"sentence table {layout.sentences.name} cannot be opened: {exc}") from None
    try:
        sentences = table.count()
        documents, title, meta = table.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(LENGTH(title)), 0), "
            "COALESCE(MAX(LENGTH(COALESCE(sources, '')) + LENGTH(COALESCE(date, '')) + LENGTH(COALESCE(lang, ''))), 0) "
            "FROM documents").fetchone()
    except sqlite3.DatabaseError as exc:
        raise IndexMismatch(f"sentence table {layout.sentences.name} cannot be read: {exc}") from None
    finally:
        table.close()
    if (sentences, documents) != (counts.sentences, counts.documents):
        raise IndexMismatch(f"sentence table {layout.sentences.name} holds {documents} documents and {sentences} "
                            f"sentences, the manifest says {counts.documents} and {counts.sentences}")
    if title > settings.max_title_chars:
        raise IndexMismatch(f"a document title is {title:,} characters, over max_title_chars "
                            f"({settings.max_title_chars:,})")
    if meta > settings.max_meta_chars:
        raise IndexMismatch(f"a document's metadata is {meta:,} characters, over max_meta_chars "
                            f"({settings.max_meta_chars:,})")


def _check_search(layout: IndexLayout, counts: Counts) -> None:
    from .bm25 import LexicalIndex
    from .vectors import VectorIndex

    for name, load, path in (("vectors", VectorIndex.load, layout.vectors), ("BM25 index", LexicalIndex.load,
                                                                             layout.bm25)):
        try:
            n = load(path).count
        except (IndexMismatch, OSError, ValueError, RuntimeError, MemoryError) as exc:
            raise IndexMismatch(f"{name} {path.name} cannot be loaded: {exc}") from None
        if n != counts.sentences:
            raise IndexMismatch(f"{name} {path.name} holds {n} entries, the manifest says "
                                f"{counts.sentences} sentences")


def _check_graph(snapshot: Path) -> None:
    from ..graph.store import load_store

    try:
        store = load_store(snapshot)
        # The query path of serve/sparql: a union-graph query over every named graph.
        bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }"))
    except IndexMismatch:
        raise
    except (MemoryError, SyntaxError, ValueError, OSError, RuntimeError) as exc:
        # Oxigraph reports an over-long line (a huge literal) as MemoryError("Reached the buffer ...").
        raise IndexMismatch(f"the graph cannot be loaded by Oxigraph: {exc}") from None
