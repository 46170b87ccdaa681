"""The index manifest: one typed record of what a snapshot holds, read and written in one shape.

A snapshot's ``manifest.json`` names the model that made its vectors (and the hash of its weights), the
dimension, counts, the documents, imports, undone merges, versions and a checksum of every other file.
It is written last, so a snapshot without one is unfinished (txtai's index ``config.json`` is the model).

>>> m = Manifest(kind="graph", counts=Counts(triples=3))
>>> Manifest.from_dict(m.to_dict()) == m
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import IndexMismatch
from ..records import Skipped
from .layout import IndexLayout

__all__ = ["Manifest", "Counts", "DocumentEntry", "ImportEntry", "FORMAT_VERSION", "IndexKind"]

#: The on-disk format this regenkg reads and writes (a mismatch means "rebuild").
FORMAT_VERSION = 1

IndexKind = Literal["full", "graph"]


@dataclass(frozen=True)
class Counts:
    """How much a snapshot holds."""

    documents: int = 0
    sentences: int = 0
    vectors: int = 0
    triples: int = 0
    entities: int = 0
    languages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentEntry:
    """A document of the snapshot, as the manifest lists it."""

    id: str
    path: str
    title: str
    lang: str | None = None


@dataclass(frozen=True)
class ImportEntry:
    """An RDF file loaded with ``regenkg import``: its named graph and its file in ``graph/``."""

    file: str
    graph: str
    quads: int
    name: str


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds and how it was made.

    ``kind`` is ``"full"`` for a built index and ``"graph"`` for one made only of imported RDF (no
    documents, vectors or model). ``build_key`` identifies the inputs of a build: the same key means the
    rebuild has nothing to do.
    """

    kind: IndexKind = "full"
    created: str | None = None
    regenkg: str | None = None
    build_key: str | None = None
    model: str | None = None
    model_id: str | None = None
    weights_hash: str | None = None
    dimension: int | None = None
    embed_text: str | None = None
    vector_index: str | None = None
    ontology_hash: str | None = None
    corpus_hash: str | None = None
    counts: Counts = field(default_factory=Counts)
    documents: tuple[DocumentEntry, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    imports: tuple[ImportEntry, ...] = ()
    keep_separate: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    # ------------------------------------------------------------------ reading
    @classmethod
    def read(cls, layout: IndexLayout) -> Manifest:
        """The manifest of the snapshot at ``layout``.

        Raises:
            IndexMismatch: the file is missing, unreadable, not a regenkg manifest, or of another format.
        """
        path = layout.manifest
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # ValueError covers JSON and UTF-8 decoding errors
            raise IndexMismatch(f"cannot read {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise IndexMismatch(f"{path} is not a regenkg manifest (not a JSON object)")
        if data.get("format") != FORMAT_VERSION:
            raise IndexMismatch(f"{layout.root} has index format {data.get('format')!r}; this regenkg reads "
                                f"format {FORMAT_VERSION}: rebuild it with `regenkg build`")
        try:
            return cls.from_dict(data)
        except (TypeError, ValueError, AttributeError) as exc:
            raise IndexMismatch(f"{path} is not a valid regenkg manifest ({exc}): rebuild it with "
                                "`regenkg build`") from exc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Manifest:
        """A manifest from its JSON object (keys it does not know are ignored).

        Raises:
            TypeError, ValueError: a field has the wrong shape.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known and v is not None}
        if "kind" in values and values["kind"] not in ("full", "graph"):
            raise ValueError(f"unknown index kind {values['kind']!r}")
        if "counts" in values:
            values["counts"] = Counts(**_mapping(values["counts"], "counts"))
        if "documents" in values:
            values["documents"] = tuple(DocumentEntry(**_mapping(d, "documents")) for d in values["documents"])
        if "skipped" in values:
            values["skipped"] = tuple(Skipped(**_mapping(s, "skipped")) for s in values["skipped"])
        if "imports" in values:
            values["imports"] = tuple(ImportEntry(**_mapping(i, "imports")) for i in values["imports"])
        if "keep_separate" in values:
            values["keep_separate"] = tuple(str(n) for n in values["keep_separate"])
        for name in ("versions", "settings", "checksums"):
            if name in values:
                values[name] = dict(_mapping(values[name], name))
        return cls(**values)

    # ------------------------------------------------------------------ writing
    def to_dict(self) -> dict[str, Any]:
        """The JSON object written to ``manifest.json`` (every field, always: one shape)."""
        return _plain(asdict(self))

    def write(self, layout: IndexLayout) -> Path:
        """Write the manifest into the snapshot at ``layout`` atomically (temporary file, fsync, rename).

        Returns:
            The manifest's path.
        """
        tmp = layout.manifest_tmp
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, layout.manifest)
        return layout.manifest

    def replace(self, **changes: Any) -> Manifest:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def check_embedder(self, embedder: Any, model: str, snapshot: Path) -> None:
        """Refuse an embedder whose vectors could not be compared with the snapshot's.

        Raises:
            IndexMismatch: another dimension, or other weights than the ones that built ``snapshot``.
        """
        if self.dimension not in (None, embedder.dimension):
            raise IndexMismatch(f"model {model} gives {embedder.dimension}-d vectors but the index holds "
                                f"{self.dimension}-d vectors")
        expected = self.weights_hash
        actual = getattr(embedder, "weights_hash", expected)
        if expected and actual != expected:
            raise IndexMismatch(f"the model weights differ from the ones that built {snapshot} "
                                f"({str(actual)[:12]} vs {expected[:12]}): rebuild the index")

    def summary(self, snapshot: Path) -> dict[str, Any]:
        """Counts and provenance as one flat JSON object (what `regenkg info` prints)."""
        c, listed = self.counts, self.to_dict()
        return {
            "index": str(snapshot), "kind": self.kind, "created": self.created, "model": self.model,
            "dimension": self.dimension, "vector_index": self.vector_index, "documents": c.documents,
            "sentences": c.sentences, "languages": dict(c.languages), "entities": c.entities,
            "triples": c.triples, "vectors": c.vectors, "imports": listed["imports"], "skipped": listed["skipped"],
        }

    def require_documents(self, what: str, snapshot: Path) -> None:
        """Raise :class:`IndexMismatch` when ``what`` needs documents but the snapshot has only imported RDF."""
        if not self.has_documents:
            raise IndexMismatch(
                f"{what} needs documents, but {snapshot} holds only imported RDF (made by `regenkg import`):"
                " add documents with `regenkg build DIR --index ...`; SPARQL, serve and export work as it is"
            )

    @property
    def has_documents(self) -> bool:
        """Whether the snapshot was built from documents (not only imported RDF)."""
        return self.kind != "graph"


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively: the value as JSON holds it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name!r} entries must be JSON objects, got {type(value).__name__}")
    return value
