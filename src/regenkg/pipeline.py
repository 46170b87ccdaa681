"""Build, update and import: files → snapshot folder (graph, vectors, BM25, sentence table, manifest).

Every operation writes a complete new snapshot and switches to it atomically (:mod:`regenkg.index.store`).
Work is reused from the previous snapshot: a sentence whose id and text are unchanged keeps its vector, so
re-running ``build`` on an unchanged corpus does nothing, and a changed document re-embeds only itself.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from .build import stages
from .build.stages import ProgressFn, checkpoint
from .config import Settings
from .embed.base import Embedder
from .errors import ConfigError, IndexNotFound, IngestError
from .graph.build import write_nquads
from .graph.terms import GRAPH_NS
from .index.manifest import Counts, ImportEntry, Manifest
from .index.store import IndexLayout, SentenceTable, new_snapshot, publish, read_manifest, resolve_snapshot, \
    verify_checksums
from .records import Document, Skipped

__all__ = ["BuildReport", "build_index", "add_documents", "remove_documents", "import_rdf", "unmerge",
           "ProgressFn"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    index: str
    snapshot: str
    documents: int
    sentences: int
    vectors: int
    triples: int
    entities: int
    embedded: int
    reused: int
    removed: int
    skipped: tuple[Skipped, ...] = ()
    duplicates: tuple[Skipped, ...] = ()
    noop: bool = False
    seconds: float = 0.0
    langs: dict[str, int] = field(default_factory=dict)


def build_index(paths: Iterable[str | Path], index: str | Path, settings: Settings | None = None, *,
                progress: ProgressFn | None = None, embedder: Embedder | None = None) -> BuildReport:
    """Index exactly the documents found under ``paths`` into ``index``.

    Files that cannot be read are reported in :attr:`BuildReport.skipped` and the build goes on; it fails
    with :class:`IngestError` only when nothing at all can be built.
    """
    from .text.ingest import ingest

    inputs = [Path(p) for p in paths]
    for p in inputs:
        if not p.exists():
            raise ConfigError(f"input path {p} does not exist")
    result = ingest(inputs)
    checkpoint("ingest")
    if not result.documents:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in result.skipped[:5]) or "no supported files"
        raise IngestError(f"nothing could be built from {', '.join(map(str, inputs))} ({reasons})")
    return _assemble(list(result.documents), Path(index), settings or Settings.load(), progress=progress,
                     embedder=embedder, skipped=result.skipped, duplicates=result.duplicates)


def add_documents(paths: Iterable[str | Path], index: str | Path, settings: Settings | None = None, *,
                  progress: ProgressFn | None = None, embedder: Embedder | None = None) -> BuildReport:
    """Add (or replace, when the text changed) documents in an existing index."""
    from .text.ingest import ingest

    index = Path(index)
    snap = resolve_snapshot(index)
    result = ingest([Path(p) for p in paths])
    with SentenceTable(IndexLayout(snap).sentences) as table:
        old = table.documents()
    new_paths = {d.path for d in result.documents}
    kept = [d for d in old.values() if d.path not in new_paths and d.id not in {n.id for n in result.documents}]
    return _assemble(kept + list(result.documents), index, settings or Settings.load(), progress=progress,
                     embedder=embedder, skipped=result.skipped, duplicates=result.duplicates)


def remove_documents(doc_refs: Iterable[str], index: str | Path, settings: Settings | None = None, *,
                     progress: ProgressFn | None = None, embedder: Embedder | None = None) -> BuildReport:
    """Remove documents (by id, id prefix of ≥ 8 characters, or source path) from an index."""
    index = Path(index)
    snap = resolve_snapshot(index)
    with SentenceTable(IndexLayout(snap).sentences) as table:
        docs = table.documents()
    drop: set[str] = set()
    for ref in doc_refs:
        hits = [d.id for d in docs.values()
                if d.id == ref or (len(ref) >= 8 and d.id.startswith(ref)) or d.path == ref
                or Path(d.path).name == ref]
        if not hits:
            raise ConfigError(f"no document {ref!r} in {index} (give a document id, id prefix or file path)")
        drop.update(hits)
    kept = [d for d in docs.values() if d.id not in drop]
    return _assemble(kept, index, settings or Settings.load(), progress=progress, embedder=embedder,
                     allow_empty=True)


def unmerge(names: Iterable[str], index: str | Path, settings: Settings | None = None, *,
            progress: ProgressFn | None = None) -> BuildReport:
    """Undo merges: each name becomes (and stays, across rebuilds) an entity of its own.

    A merge is recorded in the graph as an ``rkg:Merge`` node (``rkg:mergedName``, ``rkg:mergedInto``,
    the sentence); ``regenkg unmerge NAME`` re-extracts the stored documents with NAME kept separate.
    """
    index = Path(index)
    snap = resolve_snapshot(index)
    manifest = read_manifest(snap)
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        raise ConfigError("give at least one name to unmerge")
    with SentenceTable(IndexLayout(snap).sentences) as table:
        docs = list(table.documents().values())
    return _assemble(docs, index, settings or Settings.load(), progress=progress, embedder=None,
                     allow_empty=True, keep_separate=[*manifest.keep_separate, *names])


def import_rdf(file: str | Path, index: str | Path, graph: str | None = None, *,
               settings: Settings | None = None) -> tuple[str, int]:
    """Load curated RDF (Turtle, N-Triples, N-Quads, TriG) into the index; returns (graph IRI, quads).

    Triples go into the named graph ``graph`` (default: one named after the file); quads keep their graph.
    Without an index at ``index``, this creates a graph-only one (``"kind": "graph"`` in the manifest):
    just the imported graphs, no documents, vectors or ontology, for serving or querying RDF as it is.
    A later ``regenkg build`` into that index keeps the imports. A damaged index is an error, never
    replaced.
    """
    import pyoxigraph

    file, index = Path(file), Path(index)
    if not file.is_file():
        raise ConfigError(f"import file {file} does not exist")
    formats = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
               ".nq": pyoxigraph.RdfFormat.N_QUADS, ".trig": pyoxigraph.RdfFormat.TRIG}
    fmt = formats.get(file.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot import {file}: unsupported RDF format {file.suffix!r} "
                          "(use .ttl, .nt, .nq or .trig)")
    graph_iri = graph or str(GRAPH_NS[f"import/{file.name}"])
    try:
        target = pyoxigraph.NamedNode(graph_iri)
    except ValueError as exc:
        raise ConfigError(f"--graph {graph_iri!r} is not a valid IRI: {exc}") from None
    try:
        quads = list(pyoxigraph.parse(path=str(file), format=fmt, base_iri=file.resolve().as_uri()))
    except (SyntaxError, ValueError, OSError) as exc:
        raise ConfigError(f"cannot import {file}: {exc}") from None
    # Triples go into the target graph; quads keep their own graph unless --graph was given. Nothing may
    # land in the default graph, which the store derives as the merge of all named graphs.
    quads = [pyoxigraph.Quad(q.subject, q.predicate, q.object,
                             target if graph or isinstance(q.graph_name, pyoxigraph.DefaultGraph) else q.graph_name)
             for q in quads]
    try:
        snap: Path | None = resolve_snapshot(index)
    except IndexNotFound:
        snap = None
    if snap is None:
        manifest = Manifest(kind="graph", created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            counts=Counts(), versions=stages.versions())
    else:
        manifest = read_manifest(snap)
        verify_checksums(snap, manifest)
    new = new_snapshot(index)
    try:
        if snap is not None:
            old = IndexLayout(snap)
            shutil.copytree(snap, new, dirs_exist_ok=True,
                            ignore=lambda _dir, names: [n for n in names if old.is_manifest(Path(n))])
        name = "import-" + hashlib.sha256(graph_iri.encode() + file.read_bytes()).hexdigest()[:16] + ".nq"
        write_nquads(quads, IndexLayout(new).import_graph(name))
        # build_key dropped: the next build must not take the index as unchanged.
        manifest = replace(manifest, build_key=None,
                           imports=(*manifest.imports, ImportEntry(str(file), graph_iri, len(quads), name)),
                           counts=replace(manifest.counts, triples=manifest.counts.triples + len(quads)))
        publish(index, new, manifest)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return graph_iri, len(quads)


def _assemble(docs: list[Document], index: Path, settings: Settings, *, progress: ProgressFn | None,
              embedder: Embedder | None, skipped: Sequence[Skipped] = (), duplicates: Sequence[Skipped] = (),
              allow_empty: bool = False, keep_separate: Sequence[str] | None = None) -> BuildReport:
    """Run the build stages (:mod:`regenkg.build.stages`) and publish the new snapshot."""
    t0 = time.perf_counter()
    build = stages.plan(docs, index, settings, skipped=skipped, duplicates=duplicates, allow_empty=allow_empty,
                        keep_separate=keep_separate)
    if build.unchanged:
        assert build.previous is not None
        c = build.previous.manifest.counts
        return BuildReport(str(index), str(build.previous.snapshot), c.documents, c.sentences, c.vectors, c.triples,
                           c.entities, 0, 0, 0, build.skipped, build.duplicates, noop=True,
                           seconds=time.perf_counter() - t0, langs=dict(c.languages))
    segmented = stages.segment(build, progress)
    embedded = stages.embed(build, segmented, embedder, progress)
    snap = new_snapshot(index)
    try:
        layout = IndexLayout(snap)
        graph = stages.write_graph(build, segmented, layout, progress)
        checkpoint("graph")
        components = stages.write_components(build, segmented, embedded, layout)
        manifest = stages.make_manifest(build, segmented, embedded, graph, components)
        checkpoint("publish")
        publish(index, snap, manifest)
    except BaseException:
        shutil.rmtree(snap, ignore_errors=True)
        raise
    return BuildReport(str(index), str(snap), len(build.docs), len(segmented.sentences), components.vectors,
                       graph.triples, graph.entities, embedded.embedded, embedded.reused, embedded.removed,
                       build.skipped, build.duplicates, seconds=time.perf_counter() - t0,
                       langs=segmented.languages())
