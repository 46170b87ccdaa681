"""Exploring a knowledge base in notebooks: tables, networkx graphs, drawings and exports.

Needs the ``notebook`` extra (pandas, matplotlib, pyvis, a CJK font) for tables and pictures; the
networkx functions and RDF exports work without it. Most users reach these through
:class:`~regenkg.kb.KnowledgeBase` (``answer.to_df()``, ``kb.to_networkx()``, ``kb.draw()``, ``kb.export()``).
The modules are ``frames``, ``network``, ``draw``, ``export`` and ``fonts``.

Names and modules load on first use (PEP 562): the facade imports this package, and networkx alone
(:mod:`.network`) costs a ``regenkg ask`` that never draws a graph ~0.17 s.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_MODULES})
