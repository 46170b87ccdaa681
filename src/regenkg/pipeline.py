"""Build, update and import: files → snapshot folder (graph, vectors, BM25, sentence table, manifest).

Every operation writes a complete new snapshot and switches to it atomically (:mod:`regenkg.index.store`).
Work is reused from the previous snapshot: a sentence whose id and text are unchanged keeps its vector, so
re-running ``build`` on an unchanged corpus does nothing, and a changed document re-embeds only itself.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import os
import platform
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote

import numpy as np

from . import __version__
from .config import Settings
from .errors import ConfigError, IndexMismatch, IndexNotFound, IngestError
from .graph.build import document_quads, ontology_quads, write_nquads
from .graph.extract import Extractor
from .graph.ontology import GRAPH_NS, Gazetteer, ontology_dir
from .index.store import (
    IndexLayout,
    SentenceTable,
    discard,
    new_snapshot,
    publish,
    read_manifest,
    resolve_snapshot,
    verify_checksums,
    writer_lock,
)
from .records import Document, Entity, Sentence, Skipped

__all__ = ["BuildReport", "build_index", "add_documents", "remove_documents", "import_rdf", "unmerge",
           "ProgressFn"]

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


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


def _noop_progress(stage: str, done: int, total: int) -> None:
    pass


def _checkpoint(stage: str) -> None:
    """Crash-test hook: with ``REGENKG_BUILD_PAUSE=<stage>`` the build announces the stage and waits.

    The reliability tests use it to ``kill -9`` a real build at a known point (ingest, embed, graph,
    vectors, publish); with ``REGENKG_BUILD_PAUSE_UNTIL=<file>`` it waits until that file exists (the
    lifecycle tests hold a writer there). It costs one environment lookup per stage otherwise.
    """
    if os.environ.get("REGENKG_BUILD_PAUSE") == stage:
        marker = os.environ.get("REGENKG_BUILD_PAUSE_FILE")
        if marker:  # written whole before it appears: a test polling for it never reads it empty
            tmp = Path(f"{marker}.{os.getpid()}.tmp")
            tmp.write_text(stage, encoding="utf-8")
            os.replace(tmp, marker)
        seconds = float(os.environ.get("REGENKG_BUILD_PAUSE_SECONDS", "60"))
        until = os.environ.get("REGENKG_BUILD_PAUSE_UNTIL")  # or until this file exists (no timing in tests)
        deadline = time.monotonic() + seconds
        while until and not Path(until).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not until:
            time.sleep(seconds)


_F = TypeVar("_F", bound=Callable[..., Any])


def _one_writer(fn: _F) -> _F:
    """Run an index-writing operation under the index's writer lock, from reading it to publishing.

    The wait comes from ``settings.writer_wait`` (0: refuse at once, naming the other writer); the
    settings are loaded here when the caller gave none, and passed on.
    """
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        settings = bound.arguments.get("settings") or Settings.load()
        bound.arguments["settings"] = settings
        with writer_lock(Path(bound.arguments["index"]), wait=settings.writer_wait):
            return fn(*bound.args, **bound.kwargs)

    return cast(_F, locked)


def _ingest(paths: Sequence[Path], settings: Settings | None, progress: ProgressFn | None) -> Any:
    from .text.ingest import IngestPolicy, ingest

    return ingest(paths, IngestPolicy.from_settings(settings or Settings.load()), progress=progress)


def _reasons(skipped: Sequence[Skipped]) -> str:
    return "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5]) or "no supported files"


def _publish_checked(index: Path, snap: Path, manifest: dict[str, Any], settings: Settings | None) -> None:
    """Publish only a snapshot that opens the way serve/ask/sparql open it (else it is discarded)."""
    from .index.verify import readable

    publish(index, snap, manifest, check=readable(settings or Settings.load()))


def _ontology_hash(files: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _ontology_files() -> list[Path]:
    return sorted(p for p in ontology_dir().glob("*.ttl") if "shape" not in p.name)


def _previous(index: Path) -> tuple[Path, dict[str, Any]] | None:
    """The previous snapshot, only if it is intact: nothing is reused from a damaged or foreign index."""
    try:
        snap = resolve_snapshot(index)
        manifest = read_manifest(snap)
        verify_checksums(snap, manifest)
        return snap, manifest
    except (IndexNotFound, IndexMismatch) as exc:
        if not isinstance(exc, IndexNotFound):
            logger.warning("previous index not reused (%s); building from scratch", exc)
        return None


def _labels_for(ent: Entity) -> dict[str, str]:
    """Derive the other Chinese script's label for a discovered Chinese name (curated labels win)."""
    from .text.lang import to_hans, to_hant

    out: dict[str, str] = {}
    for lang, label in ent.labels.items():
        if lang == "zh-Hant":
            out["zh-Hans"] = to_hans(label)
        elif lang == "zh-Hans":
            out["zh-Hant"] = to_hant(label)
    return out


@_one_writer
def build_index(paths: Iterable[str | Path], index: str | Path, settings: Settings | None = None, *,
                progress: ProgressFn | None = None, embedder: Any = None) -> BuildReport:
    """Index exactly the documents found under ``paths`` into ``index``.

    Files that cannot be read are reported in :attr:`BuildReport.skipped` and the build goes on; it fails
    with :class:`IngestError` only when nothing at all can be built. Another writer of ``index`` is
    waited for (``settings.writer_wait``); the new snapshot is published only if it opens as readers open
    it (:mod:`regenkg.index.verify`).
    """
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise ConfigError(f"input path {p} does not exist")
    result = _ingest(paths, settings, progress)
    _checkpoint("ingest")
    if not result.documents:
        raise IngestError(f"nothing could be built from {', '.join(map(str, paths))} ({_reasons(result.skipped)})")
    return _assemble(list(result.documents), Path(index), settings or Settings.load(), progress=progress,
                     embedder=embedder, skipped=result.skipped, duplicates=result.duplicates)


@_one_writer
def add_documents(paths: Iterable[str | Path], index: str | Path, settings: Settings | None = None, *,
                  progress: ProgressFn | None = None, embedder: Any = None) -> BuildReport:
    """Add (or replace, when the text changed) documents in an existing index."""
    index, paths = Path(index), [Path(p) for p in paths]
    snap = resolve_snapshot(index)
    result = _ingest(paths, settings, progress)
    if not result.documents and not result.duplicates:
        raise IngestError(f"nothing to add from {', '.join(map(str, paths))} ({_reasons(result.skipped)}); "
                          f"{index} is unchanged")
    table = SentenceTable(IndexLayout(snap).sentences)
    try:
        old = table.documents()
    finally:
        table.close()
    new_paths = {d.path for d in result.documents}
    kept = [d for d in old.values() if d.path not in new_paths and d.id not in {n.id for n in result.documents}]
    return _assemble(kept + list(result.documents), index, settings or Settings.load(), progress=progress,
                     embedder=embedder, skipped=result.skipped, duplicates=result.duplicates)


@_one_writer
def remove_documents(doc_refs: Iterable[str], index: str | Path, settings: Settings | None = None, *,
                     progress: ProgressFn | None = None, embedder: Any = None) -> BuildReport:
    """Remove documents (by id, id prefix of ≥ 8 characters, or source path) from an index."""
    index = Path(index)
    snap = resolve_snapshot(index)
    table = SentenceTable(IndexLayout(snap).sentences)
    try:
        docs = table.documents()
    finally:
        table.close()
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


@_one_writer
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
    table = SentenceTable(IndexLayout(snap).sentences)
    try:
        docs = list(table.documents().values())
    finally:
        table.close()
    return _assemble(docs, index, settings or Settings.load(), progress=progress, embedder=None,
                     allow_empty=True, keep_separate=[*manifest.get("keep_separate", []), *names])


@_one_writer
def import_rdf(file: str | Path, index: str | Path, graph: str | None = None, *,
               settings: Settings | None = None) -> tuple[str, int]:
    """Load curated RDF (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into the index.

    Triples go into the named graph ``graph``; quads keep their graph. The default graph name is
    ``<https://w3id.org/regenkg/graph/import/NAME-HASH>`` with the file name and the first 16 hex digits
    of the sha256 of its bytes, so two different files both called ``data.ttl`` never merge, and
    importing the same bytes again replaces that import instead of adding it twice. Returns
    ``(graph IRI, quads)``.
    Without an index at ``index``, this creates a graph-only one (``"kind": "graph"`` in the manifest):
    just the imported graphs, no documents, vectors or ontology, for serving or querying RDF as it is.
    A later ``regenkg build`` into that index keeps the imports. A damaged index is an error, never
    replaced.
    """
    import pyoxigraph

    file, index = Path(file), Path(index)
    if not file.is_file():
        raise ConfigError(f"import file {file} does not exist")
    fmt = IMPORT_FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot import {file}: unsupported RDF format {file.suffix!r} "
                          f"(use {', '.join(IMPORT_FORMATS)})")
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    graph_iri = graph or str(GRAPH_NS[f"import/{quote(file.name, safe='')}-{digest[:16]}"])
    try:
        target = pyoxigraph.NamedNode(graph_iri)
    except ValueError as exc:
        raise ConfigError(f"--graph {graph_iri!r} is not a valid IRI: {exc}") from None
    try:
        quads = list(pyoxigraph.parse(data, format=fmt, base_iri=file.resolve().as_uri()))
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
        manifest: dict[str, Any] = {
            "kind": "graph", "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "counts": {"documents": 0, "sentences": 0, "vectors": 0, "triples": 0, "entities": 0},
            "documents": [], "imports": [], "versions": _versions(),
        }
    else:
        manifest = read_manifest(snap)
        verify_checksums(snap, manifest)
    new = new_snapshot(index)
    try:
        if snap is not None:
            shutil.copytree(snap, new, dirs_exist_ok=True, ignore=shutil.ignore_patterns("manifest.json*"))
        name = "import-" + hashlib.sha256(graph_iri.encode() + data).hexdigest()[:16] + ".nq"
        write_nquads(quads, IndexLayout(new).graph / name)
        manifest = dict(manifest)
        # The same bytes into the same graph again replace the earlier import (its file was just overwritten).
        earlier = [imp for imp in manifest.get("imports", []) if imp.get("name") == name]
        manifest["imports"] = [*(imp for imp in manifest.get("imports", []) if imp.get("name") != name),
                               {"file": str(file.resolve()), "graph": graph_iri, "quads": len(quads), "name": name,
                                "sha256": digest}]
        triples = manifest.get("counts", {}).get("triples", 0) - sum(imp.get("quads", 0) for imp in earlier)
        manifest["counts"] = dict(manifest.get("counts", {}), triples=triples + len(quads))
        manifest.pop("build_key", None)
        _publish_checked(index, new, manifest, settings)
    except BaseException:
        discard(new)
        raise
    return graph_iri, len(quads)


def _import_formats() -> dict[str, Any]:
    import pyoxigraph

    f = pyoxigraph.RdfFormat
    return {".ttl": f.TURTLE, ".nt": f.N_TRIPLES, ".nq": f.N_QUADS, ".trig": f.TRIG, ".rdf": f.RDF_XML,
            ".owl": f.RDF_XML, ".xml": f.RDF_XML, ".jsonld": f.JSON_LD, ".json": f.JSON_LD}


IMPORT_FORMATS = _import_formats()
"""File suffix → the RDF syntax ``regenkg import`` parses it as."""


def _assemble(docs: list[Document], index: Path, settings: Settings, *, progress: ProgressFn | None,
              embedder: Any, skipped: Sequence[Skipped] = (), duplicates: Sequence[Skipped] = (),
              allow_empty: bool = False, keep_separate: Sequence[str] | None = None) -> BuildReport:
    from .index.bm25 import LexicalIndex
    from .index.vectors import VectorIndex
    from .text.segment import segment
    from .text.tokens import Tokenizer

    t0 = time.perf_counter()
    progress = progress or _noop_progress
    docs = sorted({d.id: d for d in docs}.values(), key=lambda d: d.path)
    if not docs and not allow_empty:
        raise IngestError("nothing could be built: no documents")
    onto_files = _ontology_files()
    onto_hash = _ontology_hash(onto_files)
    prev = _previous(index)
    imports = prev[1].get("imports", []) if prev else []
    # Undone merges are part of the index and survive rebuilds.
    if keep_separate is None:
        keep_separate = prev[1].get("keep_separate", []) if prev else []
    keep_separate = sorted(set(keep_separate))
    build_key = hashlib.sha256(json.dumps(
        {"docs": [d.id for d in docs], "paths": [d.path for d in docs], "ontology": onto_hash,
         "model": settings.model, "version": __version__, "code": _code_hash(), "imports": imports,
         "keep_separate": keep_separate, "max_chars": settings.max_sentence_chars}, sort_keys=True).encode()).hexdigest()
    if prev and prev[1].get("build_key") == build_key:
        m = prev[1]
        c = m.get("counts", {})
        return BuildReport(str(index), str(prev[0]), c.get("documents", 0), c.get("sentences", 0),
                           c.get("vectors", 0), c.get("triples", 0), c.get("entities", 0), 0, 0, 0,
                           tuple(skipped), tuple(duplicates), noop=True, seconds=time.perf_counter() - t0,
                           langs=c.get("languages", {}))

    gazetteer = Gazetteer.load(onto_files)
    tokenizer = Tokenizer(gazetteer.words())
    progress("segment", 0, len(docs))
    sentences = segment(docs, tokenizer=tokenizer, max_chars=settings.max_sentence_chars)
    progress("segment", len(docs), len(docs))
    by_doc: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_doc.setdefault(s.doc_id, []).append(s)

    # Reuse vectors of unchanged sentences from the previous snapshot (same model only).
    reuse: dict[int, np.ndarray] = {}
    removed = 0
    if prev and prev[1].get("model") == settings.model and prev[1].get("embed_text") == _embed_text_key(settings):
        try:
            old_layout = IndexLayout(prev[0])
            old_vecs = VectorIndex.load(old_layout.vectors)
            old_table = SentenceTable(old_layout.sentences)
            try:
                old = old_table.sentences([s.id for s in sentences])
                old_count = old_table.count()
            finally:
                old_table.close()
            same = [s.id for s in sentences if s.id in old and old[s.id].text == s.text]
            if same:
                vecs = old_vecs.vectors(np.asarray(same, dtype=np.int64))
                reuse = dict(zip(same, vecs))
            removed = max(0, old_count - len(same))
        except (IndexMismatch, OSError, ValueError, sqlite3.DatabaseError) as exc:  # rebuilt, not fatal
            logger.warning("previous index not reusable (%s); embedding everything", exc)
    todo = [s for s in sentences if s.id not in reuse]
    known_dim = prev[1].get("dimension") if prev and prev[1].get("model") == settings.model else None
    if embedder is None and (todo or (not reuse and known_dim is None)):
        from .embed.factory import create_embedder

        embedder = create_embedder(settings.model, threads=settings.threads, batch_size=settings.batch_size)
    if embedder is not None:
        dim = embedder.dimension
    else:
        dim = next(iter(reuse.values())).shape[0] if reuse else int(known_dim)
    if prev and prev[1].get("model") == settings.model and prev[1].get("dimension") not in (None, dim):
        raise IndexMismatch(f"model {settings.model} gives dimension {dim}, index has {prev[1].get('dimension')}")
    new_vecs = np.zeros((0, dim), dtype=np.float32)
    _checkpoint("embed")
    if todo:
        chunks = []
        step = max(settings.batch_size * 8, 64)
        for i in range(0, len(todo), step):
            chunks.append(embedder.encode_documents([s.text for s in todo[i:i + step]]))
            progress("embed", min(i + step, len(todo)), len(todo))
        new_vecs = np.vstack(chunks).astype(np.float32)
    ids = np.asarray([s.id for s in sentences], dtype=np.int64)
    matrix = np.zeros((len(sentences), dim), dtype=np.float32)
    fresh = {s.id: i for i, s in enumerate(todo)}
    for row, s in enumerate(sentences):
        matrix[row] = reuse[s.id] if s.id in reuse else new_vecs[fresh[s.id]]

    # Graph: one N-Quads file per document, plus the ontology; imports carried over.
    extractor = Extractor(gazetteer, frozenset(keep_separate))
    snap = new_snapshot(index)
    try:
        layout = IndexLayout(snap)
        triples = write_nquads(ontology_quads(gazetteer), layout.graph / "base.nq")
        entities: set[str] = set(gazetteer.entities)
        for i, doc in enumerate(docs):
            sents = by_doc.get(doc.id, [])
            extraction = extractor.extract(sents)
            entities.update(e.iri for e in extraction.entities)
            triples += write_nquads(document_quads(doc, sents, extraction, _labels_for),
                                    layout.graph / f"doc-{doc.id}.nq")
            progress("graph", i + 1, len(docs))
        if prev:
            for imp in imports:
                src = IndexLayout(prev[0]).graph / imp["name"]
                if src.is_file():
                    shutil.copy2(src, layout.graph / imp["name"])
                    triples += imp.get("quads", 0)
        _checkpoint("graph")
        table = SentenceTable(layout.sentences, readonly=False)
        try:
            table.write(docs, sentences)
        finally:
            table.close()
        vindex = VectorIndex.build(ids, matrix, exact_limit=settings.exact_limit, nprobe=settings.ivf_nprobe,
                                   threads=settings.threads, dimension=dim)
        _checkpoint("vectors")
        vindex.save(layout.vectors)
        LexicalIndex.build([s.id for s in sentences], [list(s.tokens) for s in sentences]).save(layout.bm25)
        langs: dict[str, int] = {}
        for s in sentences:
            langs[s.lang] = langs.get(s.lang, 0) + 1
        manifest = {
            "regenkg": __version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_key": build_key,
            "model": settings.model,
            "model_id": getattr(embedder, "model_id", settings.model) if embedder is not None else prev[1].get("model_id"),
            "weights_hash": getattr(embedder, "weights_hash", None) if embedder is not None else prev[1].get("weights_hash"),
            "dimension": dim,
            "embed_text": _embed_text_key(settings),
            "vector_index": vindex.kind,
            "ontology_hash": onto_hash,
            "corpus_hash": hashlib.sha256("".join(sorted(d.id for d in docs)).encode()).hexdigest(),
            "counts": {"documents": len(docs), "sentences": len(sentences), "vectors": vindex.count,
                       "triples": triples, "entities": len(entities), "languages": langs},
            "documents": [{"id": d.id, "path": d.path, "title": d.title, "lang": d.lang} for d in docs],
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            "imports": [imp for imp in imports if (layout.graph / imp["name"]).is_file()],
            "keep_separate": keep_separate,
            "versions": _versions(),
            "settings": {"max_sentence_chars": settings.max_sentence_chars, "exact_limit": settings.exact_limit},
        }
        if vindex.count != len(sentences):
            raise IndexMismatch(f"vector count {vindex.count} != sentence count {len(sentences)}")
        _checkpoint("publish")
        _publish_checked(index, snap, manifest, settings)
    except BaseException:
        discard(snap)
        raise
    return BuildReport(str(index), str(snap), len(docs), len(sentences), vindex.count, triples, len(entities),
                       len(todo), len(reuse), removed, tuple(skipped), tuple(duplicates),
                       seconds=time.perf_counter() - t0, langs=langs)


def _embed_text_key(settings: Settings) -> str:
    """What text the vectors were computed from (the default model folds Chinese to Traditional first)."""
    from .config import DEFAULT_MODEL

    return "passage-prompt;zh=traditional" if settings.model == DEFAULT_MODEL else "passage-prompt"


def _code_hash() -> str:
    """Hash of the code that shapes an index, so upgrading regenkg re-extracts (vectors are still reused)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*root.glob("graph/*.py"), *root.glob("text/*.py"), root / "pipeline.py"]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("rdflib", "pyoxigraph", "faiss-cpu", "sentence-transformers", "torch", "jieba", "bm25s"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
