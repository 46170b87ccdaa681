"""The regenkg error tree: one root, few leaves."""

from __future__ import annotations

__all__ = [
    "RegenkgError",
    "ConfigError",
    "IndexNotFound",
    "IndexMismatch",
    "IndexBusy",
    "QueryError",
    "IngestError",
    "BackendUnavailable",
]


class RegenkgError(Exception):
    """Root of every error regenkg raises on purpose."""


class ConfigError(RegenkgError):
    """A setting or parameter has an invalid value."""


class IndexNotFound(RegenkgError):
    """No built index exists at the given path."""


class IndexMismatch(RegenkgError):
    """An index on disk is corrupt, foreign, or was built with another model/version."""


class IndexBusy(RegenkgError):
    """Another process is writing the index (build, add, remove, import, unmerge)."""


class QueryError(RegenkgError):
    """A search, question or SPARQL query cannot be executed."""


class IngestError(RegenkgError):
    """A source file cannot be read or decoded."""


class BackendUnavailable(RegenkgError):
    """An optional dependency (extra) is missing."""
