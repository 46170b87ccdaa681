"""Pictures of an entity's neighbourhood: a static matplotlib figure and an offline interactive page.

Labels are drawn with the CJK font from :mod:`regenkg.explore.fonts` (DejaVu Sans as fallback), so
``kb.draw("諾華", lang="zh-Hant")`` shows 諾華, not boxes. Figures are made with
:class:`matplotlib.figure.Figure`, not pyplot: no global state, safe in a server thread, and shown once
in Jupyter.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import BackendUnavailable
from ..graph.terms import local_name
from .fonts import font_families
from .network import GraphSource, neighbours

__all__ = ["TYPE_COLOURS", "GraphHTML", "draw", "draw_graph", "interactive", "interactive_graph"]

logger = logging.getLogger(__name__)

TYPE_COLOURS = {
    "PharmaCompany": "#1f77b4", "Biotech": "#17becf", "CDMO": "#9467bd", "Company": "#7f7f7f",
    "Modality": "#2ca02c", "Indication": "#d62728", "Segment": "#ff7f0e", "Country": "#8c564b",
    "Regulation": "#e377c2", "MarketFigure": "#bcbd22", "Thing": "#c7c7c7",
}


def _prune(graph: nx.MultiDiGraph, center: str | None, max_nodes: int) -> nx.MultiDiGraph:
    """Keep the ``max_nodes`` nodes nearest ``center`` (ties: most connected), so big hubs stay legible."""
    if graph.number_of_nodes() <= max_nodes:
        return graph
    undirected = graph.to_undirected(as_view=True)
    hops = nx.single_source_shortest_path_length(undirected, center) if center in graph else {}
    ranked = sorted(graph.nodes, key=lambda n: (hops.get(n, 1 << 30), -graph.degree(n), str(n)))
    logger.info("drawing %d of %d nodes nearest %s", max_nodes, graph.number_of_nodes(), center)
    return graph.subgraph(ranked[:max_nodes]).copy()


def _layout(graph: nx.DiGraph, seed: int) -> dict[Any, Any]:
    undirected = graph.to_undirected()
    if 2 < graph.number_of_nodes() <= 150 and nx.is_connected(undirected):
        # Kamada-Kawai spreads hub-and-spoke neighbourhoods more evenly than a spring layout; seeding it
        # from a spring layout keeps the picture the same from run to run.
        return nx.kamada_kawai_layout(undirected, pos=nx.spring_layout(undirected, seed=seed))
    return nx.spring_layout(undirected, seed=seed, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5)


def _collapse(graph: nx.MultiDiGraph) -> tuple[nx.DiGraph, dict[tuple[str, str], str]]:
    """One drawn arrow per ordered pair, labelled with all its relations."""
    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes(data=True))
    labels: dict[tuple[str, str], list[str]] = {}
    for u, v, key in graph.edges(keys=True):
        simple.add_edge(u, v)
        labels.setdefault((u, v), []).append(str(key))
    return simple, {pair: ", ".join(sorted(set(rels))) for pair, rels in labels.items()}


def draw_graph(graph: nx.MultiDiGraph, lang: str = "en", path: str | Path | None = None, ax: Any = None,
               figsize: tuple[float, float] = (9, 7), title: str | None = None, center: str | None = None,
               max_nodes: int = 60, seed: int = 7) -> Any:
    """Draw any entity graph from :func:`~regenkg.explore.network.to_networkx` (labels from its ``label``).

    Returns:
        The matplotlib ``Figure`` (saved to ``path`` when given; the format follows the suffix).
    """
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch
    except ImportError:  # pragma: no cover - the notebook extra installs it
        raise BackendUnavailable('drawing needs matplotlib: pip install "regenkg[notebook]"') from None
    center = center or graph.graph.get("center")
    graph = _prune(graph, center, max_nodes)
    families = font_families(lang)
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    simple, edge_labels = _collapse(graph)
    if simple.number_of_nodes():
        pos = _layout(simple, seed)
        nodes = list(simple.nodes)
        colours = [TYPE_COLOURS.get(simple.nodes[n].get("type", "Thing"), TYPE_COLOURS["Thing"]) for n in nodes]
        sizes = [900 if n == center else 450 for n in nodes]
        nx.draw_networkx_nodes(simple, pos, nodelist=nodes, node_color=colours, node_size=sizes, alpha=0.9,
                               edgecolors="white", ax=ax)
        style = "arc3,rad=0.08"
        nx.draw_networkx_edges(simple, pos, nodelist=nodes, node_size=sizes, edge_color="#8a8a8a", width=1.0,
                               arrows=True, arrowsize=10, connectionstyle=style, ax=ax)
        nx.draw_networkx_edge_labels(simple, pos, edge_labels=edge_labels, font_size=7, font_color="#444",
                                     font_family=families, connectionstyle=style, ax=ax,
                                     bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
        node_labels = {n: simple.nodes[n].get("label") or local_name(n) for n in nodes}
        nx.draw_networkx_labels(simple, pos, labels=node_labels, font_size=9, font_family=families, ax=ax)
        present = sorted({simple.nodes[n].get("type", "Thing") for n in nodes})
        ax.legend(handles=[Patch(color=TYPE_COLOURS.get(t, TYPE_COLOURS["Thing"]), label=t) for t in present],
                  loc="lower left", fontsize=7, frameon=False, prop={"family": families, "size": 7})
    if title is None and center in graph:
        title = graph.nodes[center].get("label")
    if title:
        ax.set_title(title, fontfamily=families, fontsize=12)
    ax.set_axis_off()
    ax.margins(0.12)
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


def draw(kb: GraphSource, entity: str, depth: int = 1, lang: str = "en", path: str | Path | None = None, ax: Any = None,
         figsize: tuple[float, float] = (9, 7), **kwargs: Any) -> Any:
    """Draw ``entity``'s neighbourhood (``depth`` hops): colours by type, edges labelled by relation.

    Args:
        kb: an open knowledge base.
        entity: label in any script, IRI, or IRI suffix such as ``company/novartis``.
        depth: hops from the entity, direction ignored.
        lang: label language: ``en``, ``zh-Hant`` or ``zh-Hans``.
        path: save the figure here too (PNG, SVG, PDF… by suffix).
        ax: draw into this matplotlib Axes instead of a new figure.
        figsize: size of a new figure in inches.
        **kwargs: ``max_nodes``, ``seed``, ``title`` for :func:`draw_graph`.

    Raises:
        QueryError: the entity is unknown.

    >>> fig = kb.draw("諾華", lang="zh-Hant", path="novartis.png")   # doctest: +SKIP
    """
    graph = neighbours(kb, entity, depth=depth, lang=lang)
    return draw_graph(graph, lang=lang, path=path, ax=ax, figsize=figsize, center=graph.graph.get("center"),
                      **kwargs)


# ---- interactive ----------------------------------------------------------------------------------------

class GraphHTML(str):
    """A self-contained HTML page (vis-network inlined, nothing fetched) that Jupyter shows in an iframe."""

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(str(self), quote=True)}" style="width:100%;height:620px;'
                'border:1px solid #ddd" sandbox="allow-scripts"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path``."""
        out = Path(path)
        out.write_text(str(self), encoding="utf-8")
        return out


# pyvis' template always links Bootstrap from a CDN; the graph does not need it, and pages must work offline.
_REMOTE = re.compile(r"<link\b[^>]*\bhref=\"https?://[^>]*>|<script\b[^>]*\bsrc=\"https?://[^>]*>\s*</script>",
                     re.IGNORECASE)


def interactive_graph(graph: nx.MultiDiGraph, height: str = "600px", center: str | None = None) -> GraphHTML:
    """An offline pyvis page for any entity graph (node tooltips: IRI and type; edges: evidence count)."""
    try:
        from pyvis.network import Network
    except ImportError:
        raise BackendUnavailable('the interactive view needs pyvis: pip install "regenkg[notebook]"') from None
    center = center or graph.graph.get("center")
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", notebook=False)
    for node, data in graph.nodes(data=True):
        kind = data.get("type", "Thing")
        # Tooltips are shown as HTML by vis-network: escape. Labels are painted on canvas as plain text.
        net.add_node(str(node), label=str(data.get("label") or node), title=html.escape(f"{node}\n{kind}"),
                     color=TYPE_COLOURS.get(kind, TYPE_COLOURS["Thing"]), size=24 if node == center else 14)
    for u, v, key, data in graph.edges(keys=True, data=True):
        net.add_edge(str(u), str(v), label=str(key),
                     title=html.escape(f"{key}: {data.get('evidence', 0)} sentence(s)"), arrows="to")
    page = net.generate_html(notebook=False)
    return GraphHTML(_REMOTE.sub("", page))


def interactive(kb: GraphSource, entity: str, depth: int = 1, lang: str = "en", height: str = "600px") -> GraphHTML:
    """An interactive, offline view of ``entity``'s neighbourhood: a :class:`GraphHTML` string that
    Jupyter displays and ``.save("graph.html")`` writes (vis-network is inlined; no CDN is contacted)."""
    graph = neighbours(kb, entity, depth=depth, lang=lang)
    return interactive_graph(graph, height=height, center=graph.graph.get("center"))
