"""Exploring a knowledge base in notebooks: tables, networkx graphs, drawings and exports.

Needs the ``notebook`` extra (pandas, matplotlib, pyvis, a CJK font) for tables and pictures; the
networkx functions and RDF exports work without it. Most users reach these through
:class:`~regenkg.kb.KnowledgeBase` (``answer.to_df()``, ``kb.to_networkx()``, ``kb.draw()``, ``kb.export()``).
The modules are ``frames``, ``network``, ``draw``, ``export`` and ``fonts``.
"""

from __future__ import annotations

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
