"""regenkg: a bilingual (Chinese/English) knowledge graph and semantic search for regenerative medicine.

>>> from regenkg import KnowledgeBase  # doctest: +SKIP
>>> kb = KnowledgeBase.open("indexes/default")  # doctest: +SKIP
>>> kb.ask("who develops TCR-T")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ._version import __version__  # noqa: E402

logging.getLogger(__name__).addHandler(logging.NullHandler())

from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    BackendUnavailable,
    ConfigError,
    IndexMismatch,
    IndexNotFound,
    IngestError,
    QueryError,
    RegenkgError,
)
from .records import Answer, AnswerItem, Document, Entity, Evidence, Hit, Mention, Relation, Sentence  # noqa: E402

if TYPE_CHECKING:
    from .kb import KnowledgeBase

__all__ = [
    "KnowledgeBase",
    "Settings",
    "Answer",
    "AnswerItem",
    "Document",
    "Entity",
    "Evidence",
    "Hit",
    "Mention",
    "Relation",
    "Sentence",
    "RegenkgError",
    "ConfigError",
    "IndexNotFound",
    "IndexMismatch",
    "QueryError",
    "IngestError",
    "BackendUnavailable",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # The facade pulls in rdflib/pyoxigraph; import it on first use so `regenkg --help` stays fast.
    if name == "KnowledgeBase":
        from .kb import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(f"module 'regenkg' has no attribute {name!r}")
