"""Exploring a knowledge base in notebooks: tables, networkx graphs, drawings and exports.

Needs the ``notebook`` extra (pandas, matplotlib, pyvis, a CJK font) for tables and pictures; the
networkx functions and RDF exports work without it. Most users reach these through
:class:`~regenkg.kb.KnowledgeBase` (``answer.to_df()``, ``kb.to_networkx()``, ``kb.draw()``, ``kb.export()``).
The modules are ``frames``, ``network``, ``draw``, ``export`` and ``fonts``.

Names and modules load on first use (PEP 562): the facade imports this package, and networkx alone
(:mod:`.network`) costs a ``regenkg ask`` that never draws a graph ~0.17 s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regenkg._lazy import lazy_exports

if TYPE_CHECKING:
    from . import draw as draw
    from . import export as export
    from . import fonts as fonts
    from . import frames as frames
    from . import network as network
    from .frames import SparqlTable, answer_frame, hits_frame, sparql_frame
    from .network import neighbours, partner_counts, shortest_path, to_networkx

__all__ = [
    "SparqlTable",
    "answer_frame",
    "hits_frame",
    "neighbours",
    "partner_counts",
    "shortest_path",
    "sparql_frame",
    "to_networkx",
]

_MODULES = frozenset({"draw", "export", "fonts", "frames", "network"})
#: Public name → the module that defines it.
_WHERE = {"SparqlTable": "frames", "answer_frame": "frames", "hits_frame": "frames", "sparql_frame": "frames",
          "neighbours": "network", "partner_counts": "network", "shortest_path": "network",
          "to_networkx": "network"}


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__, _MODULES)
