"""Sealed, read-only SPARQL 1.1: the seal, evaluation, evaluator processes and result formats.

* :mod:`.seal` — static checks on the text (no update, no SERVICE, parse-cost caps), linear time;
* :mod:`.local` — evaluation in this process (single-pattern lookups; what an evaluator runs);
* :mod:`.worker` — ``python -m regenkg.sparql.worker``: an evaluator with no network and a memory cap;
* :mod:`.pool` — :class:`EvaluatorPool` (kill and replace on limits); :mod:`.engine` — :class:`SparqlEngine`;
* :mod:`.similarity` — ``rkg:similarity``; :mod:`.formats` — serialisation and content negotiation;
* :mod:`.result` — the typed values between them.
"""

from __future__ import annotations

from .engine import SparqlEngine
from .formats import NotAcceptable, NotRepresentable
from .local import DEFAULT_MAX_BYTES, LocalSparql, prepare
from .pool import DEFAULT_MEMORY_LIMIT, MODEL_LOAD_ALLOWANCE, EvaluatorPool
from .result import (
    EngineBusy,
    EvaluatorCrashed,
    MemoryLimitExceeded,
    PreparedQuery,
    QueryTimeout,
    Reply,
    SparqlResult,
)
from .seal import (
    MAX_NESTING,
    MAX_OPERATORS,
    MAX_TOKENS,
    SIMILARITY,
    QueryInfo,
    QueryTooComplex,
    ServiceDisabled,
    SparqlSyntaxError,
    UpdateRefused,
    inspect_query,
)
from .similarity import SENTENCE_PREFIX

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MEMORY_LIMIT",
    "MAX_NESTING",
    "MAX_OPERATORS",
    "MAX_TOKENS",
    "MODEL_LOAD_ALLOWANCE",
    "SENTENCE_PREFIX",
    "SIMILARITY",
    "EngineBusy",
    "EvaluatorCrashed",
    "EvaluatorPool",
    "LocalSparql",
    "MemoryLimitExceeded",
    "NotAcceptable",
    "NotRepresentable",
    "PreparedQuery",
    "QueryInfo",
    "QueryTimeout",
    "QueryTooComplex",
    "Reply",
    "ServiceDisabled",
    "SparqlEngine",
    "SparqlResult",
    "SparqlSyntaxError",
    "UpdateRefused",
    "inspect_query",
    "prepare",
]
