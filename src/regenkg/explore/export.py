"""Write the graph out for other tools: RDF (Turtle, N-Quads, TriG), GraphML for Gephi/Cytoscape, CSV facts.

Files are written to a temporary sibling and renamed into place, so a failed export never leaves half a
file under the requested name.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import ConfigError
from ..graph.terms import NAMESPACES, local_name, sparql_prefixes, term_name
from .network import GraphSource, _all_labels, pick_label, to_networkx

__all__ = ["CSV_COLUMNS", "FORMATS", "export", "graphml_ready"]

logger = logging.getLogger(__name__)

FORMATS = ("ttl", "nq", "trig", "graphml", "csv")
_ALIASES = {"turtle": "ttl", "nquads": "nq", "n-quads": "nq", "xml": "graphml"}
CSV_COLUMNS = ("subject", "subject_label", "relation", "object", "object_label", "confidence", "sentence",
               "text", "doc")
# Turtle prefixes: the vocabularies (resource IRIs stay written out in full).
PREFIXES = {p: ns for p, ns in NAMESPACES.items() if p != "rkgr"}
_FACTS = sparql_prefixes("rkg", "rdf", "prov") + """SELECT ?s ?p ?o ?conf ?sentence ?text ?doc WHERE {
  ?a a rkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?a rkg:confidence ?conf }
  OPTIONAL { ?a prov:wasDerivedFrom ?sentence .
             OPTIONAL { ?sentence rkg:text ?text } OPTIONAL { ?sentence rkg:inDocument ?doc } }
}"""


def _normalise(format: str) -> str:
    fmt = str(format or "").strip().lower().lstrip(".")
    fmt = _ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ConfigError(f"export format must be one of {', '.join(FORMATS)}; got {format!r}")
    return fmt


def _atomic(path: Path, write: Callable[[Path], int]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        count = write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _turtle(kb: GraphSource, out: Path) -> int:
    # The union of all named graphs, each triple once (a fact read from two documents is one triple).
    triples = list(dict.fromkeys(q.triple for q in kb.store.quads_for_pattern(None, None, None, None)))
    ox.serialize(triples, str(out), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return len(triples)


def _quads(kb: GraphSource, out: Path, fmt: ox.RdfFormat) -> int:
    # The named graphs only: the store's default graph is their merge, derived at load time.
    quads = [q for q in kb.store.quads_for_pattern(None, None, None, None)
             if not isinstance(q.graph_name, ox.DefaultGraph)]
    ox.serialize(quads, str(out), fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TRIG else None)
    return len(quads)


def graphml_ready(graph: Any) -> Any:
    """A copy of a networkx graph whose attributes GraphML can hold: lists and dicts become strings."""
    graph = graph.copy()

    def fix(data: dict[str, Any]) -> None:
        for key, value in list(data.items()):
            if value is None:
                data[key] = ""
            elif isinstance(value, (list, tuple, set)):
                data[key] = " ".join(map(str, value))
            elif isinstance(value, dict):
                data[key] = " ".join(f"{k}={v}" for k, v in value.items())
            elif not isinstance(value, (str, int, float, bool)):
                data[key] = str(value)

    fix(graph.graph)
    for _, data in graph.nodes(data=True):
        fix(data)
    for *_, data in graph.edges(data=True):
        fix(data)
    return graph


def _graphml(kb: GraphSource, out: Path, lang: str) -> int:
    import networkx as nx

    graph = graphml_ready(to_networkx(kb, "entities", lang))
    nx.write_graphml(graph, str(out), encoding="utf-8")
    return graph.number_of_edges()


def _csv(kb: GraphSource, out: Path, lang: str) -> int:
    labels = _all_labels(kb)
    rows: dict[tuple[Any, ...], None] = {}
    for r in kb.store.query(_FACTS):
        s, p, o = r["s"].value, r["p"].value, r["o"]
        obj = o.value if isinstance(o, (ox.NamedNode, ox.Literal)) else str(o)
        sentence = local_name(r["sentence"].value) if r["sentence"] is not None else ""
        rows[(
            s, pick_label(labels.get(s, {}), lang, s), term_name(p), obj,
            pick_label(labels.get(obj, {}), lang, obj) if isinstance(o, ox.NamedNode) else obj,
            r["conf"].value if r["conf"] is not None else "", sentence,
            r["text"].value if r["text"] is not None else "",
            local_name(r["doc"].value) if r["doc"] is not None else "",
        )] = None
    ordered = sorted(rows, key=lambda row: (row[0], row[2], row[3], row[6]))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(ordered)
    return len(ordered)


def export(kb: GraphSource, path: str | Path, format: str = "nq", lang: str = "en") -> int:
    """Write the knowledge graph to ``path``.

    Args:
        kb: an open knowledge base.
        path: output file (parent folders are created).
        format: ``ttl`` (the union of all graphs as Turtle), ``nq`` / ``trig`` (every quad, named graphs
            kept), ``graphml`` (the entity graph of :func:`~regenkg.explore.network.to_networkx`; list
            attributes joined by spaces) or ``csv`` (one row per fact and evidence sentence: columns
            :data:`CSV_COLUMNS`).
        lang: label language for ``graphml`` and ``csv``.

    Returns:
        Items written: triples (ttl), quads (nq, trig), edges (graphml) or rows (csv).

    Raises:
        ConfigError: unknown ``format``.
    """
    fmt = _normalise(format)
    out = Path(path)
    writers: dict[str, Callable[[Path], int]] = {
        "ttl": lambda p: _turtle(kb, p),
        "nq": lambda p: _quads(kb, p, ox.RdfFormat.N_QUADS),
        "trig": lambda p: _quads(kb, p, ox.RdfFormat.TRIG),
        "graphml": lambda p: _graphml(kb, p, lang),
        "csv": lambda p: _csv(kb, p, lang),
    }
    count = _atomic(out, writers[fmt])
    logger.info("exported %d items as %s to %s", count, fmt, out)
    return count
