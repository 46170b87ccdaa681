"""The graph store: N-Quads files in a snapshot, loaded into an in-memory Oxigraph store.

rdflib is the API users see (:func:`as_dataset` wraps the same Oxigraph store through oxrdflib); queries
that must be fast run on pyoxigraph directly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph
from rdflib import Dataset

from ..errors import IndexMismatch

__all__ = ["load_store", "as_dataset", "graph_files"]

logger = logging.getLogger(__name__)


def graph_files(snapshot: Path) -> list[Path]:
    """The N-Quads files of a snapshot, in load order."""
    return sorted((Path(snapshot) / "graph").glob("*.nq"))


def load_store(snapshot: str | Path) -> pyoxigraph.Store:
    """Load every ``graph/*.nq`` of a snapshot into a fresh in-memory Oxigraph store."""
    store = pyoxigraph.Store()
    for path in graph_files(Path(snapshot)):
        try:
            store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as exc:
            raise IndexMismatch(f"graph file {path} cannot be loaded: {exc}") from exc
    return store


def as_dataset(store: pyoxigraph.Store) -> Dataset:
    """An rdflib ``Dataset`` view over an Oxigraph store (oxrdflib); the default graph is the union."""
    from oxrdflib import OxigraphStore

    return Dataset(store=OxigraphStore(store=store), default_union=True)
