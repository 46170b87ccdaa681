"""Where each component of an index snapshot lives: every file name of the on-disk format, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["IndexLayout", "MANIFEST", "GRAPH_DIR", "BASE_GRAPH"]

#: The manifest's file name (written last: a snapshot without it is unfinished).
MANIFEST = "manifest.json"
#: The folder of N-Quads files, one per named graph.
GRAPH_DIR = "graph"
#: The ontology and gazetteer graph file inside :data:`GRAPH_DIR`.
BASE_GRAPH = "base.nq"


@dataclass(frozen=True)
class IndexLayout:
    """Paths inside one snapshot folder.

    >>> IndexLayout(Path("snap")).document_graph("abc").as_posix()
    'snap/graph/doc-abc.nq'
    """

    root: Path

    @property
    def manifest(self) -> Path:
        """The manifest (JSON)."""
        return self.root / MANIFEST

    @property
    def manifest_tmp(self) -> Path:
        """Where the manifest is written before it is moved into place."""
        return self.root / (MANIFEST + ".tmp")

    @property
    def graph(self) -> Path:
        """The folder of N-Quads files."""
        return self.root / GRAPH_DIR

    @property
    def base_graph(self) -> Path:
        """The ontology + gazetteer graph."""
        return self.graph / BASE_GRAPH

    def document_graph(self, doc_id: str) -> Path:
        """The graph file of one document."""
        return self.graph / f"doc-{doc_id}.nq"

    def import_graph(self, name: str) -> Path:
        """The graph file of one import (``name`` as recorded in the manifest)."""
        return self.graph / name

    def graph_files(self) -> list[Path]:
        """Every graph file, in load order."""
        return sorted(self.graph.glob("*.nq"))

    def document_graphs(self) -> list[Path]:
        """The graph files of documents only."""
        return sorted(self.graph.glob("doc-*.nq"))

    @property
    def vectors(self) -> Path:
        """The FAISS vector index."""
        return self.root / "vectors.faiss"

    @property
    def bm25(self) -> Path:
        """The BM25 folder."""
        return self.root / "bm25"

    @property
    def sentences(self) -> Path:
        """The SQLite sentence and document table."""
        return self.root / "sentences.sqlite"

    def is_manifest(self, path: Path) -> bool:
        """Whether ``path`` is the manifest or its temporary copy (never checksummed or copied)."""
        return path.name.startswith(MANIFEST)
