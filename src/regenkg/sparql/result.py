"""Typed values passed between the stages of a SPARQL request: prepared query → reply → result."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from ..errors import QueryError
from .formats import Kind
from .seal import QueryInfo

__all__ = [
    "EngineBusy",
    "EvaluatorCrashed",
    "MemoryLimitExceeded",
    "PreparedQuery",
    "QueryTimeout",
    "Reply",
    "SparqlResult",
]


class QueryTimeout(QueryError):
    """The query ran past the time limit and its evaluator was killed (HTTP 503)."""


class EngineBusy(QueryError):
    """No evaluator became free in time, or none could start (HTTP 503)."""


class MemoryLimitExceeded(QueryError):
    """The query needed more memory than the per-query cap; its evaluator was replaced (HTTP 503)."""


class EvaluatorCrashed(QueryError):
    """The evaluating process died on this query; it was replaced (HTTP 500)."""


@dataclass(frozen=True)
class PreparedQuery:
    """A query that passed the seal, with everything its evaluation needs (picklable: it crosses pipes).

    ``vectors`` are query embeddings for the constant texts of ``rkg:similarity`` calls, computed by the
    caller when it has a model, as ``(text, float32 bytes)`` pairs.
    """

    query: str
    info: QueryInfo
    max_rows: int
    max_bytes: int | None = None
    accept: str | None = None
    hint: str | None = None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    base_iri: str | None = None
    vectors: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Reply:
    """A serialised answer, as an evaluator sends it back."""

    kind: Kind
    media_type: str
    body: bytes
    truncated: bool = False
    row_count: int = 0
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class SparqlResult:
    """A serialised query result plus Python-level access for the CLI and notebooks.

    ``body`` is the single source of truth; :attr:`rows`, :attr:`boolean` and :attr:`triples` parse it
    back (lazily) with pyoxigraph.
    """

    kind: Kind
    media_type: str
    body: bytes
    truncated: bool = False
    row_count: int = 0
    variables: tuple[str, ...] = ()
    elapsed: float = field(default=0.0, compare=False)

    @classmethod
    def from_reply(cls, reply: Reply, elapsed: float) -> SparqlResult:
        """The result of ``reply``, which took ``elapsed`` seconds."""
        return cls(reply.kind, reply.media_type, reply.body, reply.truncated, reply.row_count,
                   tuple(reply.variables), elapsed)

    @cached_property
    def rows(self) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        """SELECT solutions as dicts of bound variables → pyoxigraph terms."""
        if self.kind != "select":
            raise QueryError(f"a {self.kind.upper()} result has no rows")
        parsed = ox.parse_query_results(self.body, format=self._results_format())
        if not isinstance(parsed, ox.QuerySolutions):  # pragma: no cover - kind says select
            raise QueryError("the result body holds no solutions")
        names = [v.value for v in parsed.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in parsed]

    @property
    def boolean(self) -> bool:
        """The answer of an ASK query."""
        if self.kind != "ask":
            raise QueryError(f"a {self.kind.upper()} result has no boolean")
        return bool(ox.parse_query_results(self.body, format=self._results_format()))

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The triples of a CONSTRUCT/DESCRIBE result."""
        if self.kind != "graph":
            raise QueryError(f"a {self.kind.upper()} result has no triples")
        rdf_format = ox.RdfFormat.from_media_type(self.media_type)
        return [q.triple for q in ox.parse(self.body, format=rdf_format)]

    def _results_format(self) -> ox.QueryResultsFormat:
        found = ox.QueryResultsFormat.from_media_type(self.media_type)
        if found is None:  # pragma: no cover - media types come from formats.negotiate
            raise QueryError(f"cannot parse {self.media_type} results")
        return found
