"""The graph store: N-Quads files in a snapshot, loaded into an in-memory Oxigraph store.

rdflib is the API users see (:func:`as_dataset` wraps the same Oxigraph store through oxrdflib); queries
that must be fast run on pyoxigraph directly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph

from ..errors import BackendUnavailable, IndexMismatch
from ..index.layout import IndexLayout

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

__all__ = ["GraphStore", "open_store", "load_store", "as_dataset", "graph_files", "merge_default_graph",
           "read_graph"]

logger = logging.getLogger(__name__)


class GraphStore(Protocol):
    """What queries read: a ``pyoxigraph.Store`` is one, :class:`~regenkg.graph.remote.RemoteStore` another."""

    def query(self, query: str) -> Any: ...

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,
                          graph_name: Any = None) -> Iterable[pyoxigraph.Quad]: ...


def open_store(snapshot: str | Path, url: str = "") -> GraphStore:
    """The graph of ``snapshot`` in memory, or the external SPARQL store at ``url`` when one is given.

    >>> open_store("indexes/default", "sparql+http://127.0.0.1:7878")   # doctest: +SKIP
    RemoteStore('sparql+http://127.0.0.1:7878')
    """
    if url:
        from .remote import RemoteStore

        return RemoteStore(url)
    return load_store(snapshot)


def graph_files(snapshot: Path) -> list[Path]:
    """The N-Quads files of a snapshot, in load order."""
    return IndexLayout(Path(snapshot)).graph_files()


def load_store(snapshot: str | Path) -> pyoxigraph.Store:
    """Load every ``graph/*.nq`` of a snapshot into a fresh in-memory Oxigraph store."""
    store = pyoxigraph.Store()
    for path in graph_files(Path(snapshot)):
        try:
            store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as exc:
            raise IndexMismatch(f"graph file {path} cannot be loaded: {exc}") from exc
    merge_default_graph(store)
    return store


def merge_default_graph(store: pyoxigraph.Store) -> None:
    """Make the default graph the RDF merge of every named graph.

    Oxigraph's "default graph as union" repeats a triple once per graph that holds it, so a fact stated
    in five articles would come back five times; a merged default graph has set semantics, as SPARQL
    users expect, while each document graph stays addressable with GRAPH/FROM NAMED.
    """
    default = pyoxigraph.DefaultGraph()
    store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, default)
                 for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != default)


def as_dataset(store: GraphStore) -> Dataset:
    """An rdflib ``Dataset`` view over an Oxigraph store (oxrdflib); the default graph is the union.

    Raises:
        BackendUnavailable: ``store`` is an external SPARQL store (query it with SPARQL instead).
    """
    if not isinstance(store, pyoxigraph.Store):
        raise BackendUnavailable("kb.graph (rdflib) needs the embedded store; with an external store "
                                 "query it with SPARQL (kb.store.query) instead")
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    return Dataset(store=OxigraphStore(store=store), default_union=False)


def read_graph(path: Path) -> Graph:
    """The triples of one N-Quads file as an rdflib ``Graph`` (graph names dropped)."""
    from rdflib import Dataset, Graph

    ds = Dataset()
    ds.parse(path, format="nquads")
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
