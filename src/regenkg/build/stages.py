"""The stages of a build, each taking and returning frozen values.

``plan`` decides what to build and whether anything changed; ``segment`` cuts documents into sentences;
``embed`` reuses the vectors of unchanged sentences and computes the rest; ``write_graph`` writes one
N-Quads file per document (plus the ontology and carried-over imports); ``write_components`` writes the
sentence table, the vector index and BM25; ``make_manifest`` records it all; publishing is the last step
(:func:`regenkg.index.store.publish`), kept separate so it can be guarded on its own.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .._version import __version__
from ..config import DEFAULT_MODEL, Settings
from ..embed.base import Embedder
from ..errors import IndexMismatch, IndexNotFound, IngestError
from ..graph.build import document_quads, ontology_quads, write_nquads
from ..graph.extract import Extractor
from ..graph.ontology import Gazetteer, ontology_dir
from ..graph.store import count_statements
from ..index.bm25 import LexicalIndex
from ..index.manifest import Counts, DocumentEntry, ImportEntry, Manifest
from ..index.store import IndexLayout, SentenceTable, read_manifest, resolve_snapshot, verify_checksums
from ..index.vectors import VectorIndex
from ..records import Document, Entity, Sentence, Skipped
from ..text.segment import segment as segment_documents
from ..text.tokens import Tokenizer

__all__ = ["ProgressFn", "Previous", "BuildPlan", "Segmented", "Embedded", "GraphWritten", "Components",
           "checkpoint", "previous", "plan", "segment", "embed", "write_graph", "write_components",
           "make_manifest", "versions"]

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


def _noop_progress(stage: str, done: int, total: int) -> None:
    pass


def checkpoint(stage: str) -> None:
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
        until = os.environ.get("REGENKG_BUILD_PAUSE_UNTIL")
        deadline = time.monotonic() + seconds
        while until and not Path(until).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not until:
            time.sleep(seconds)


@dataclass(frozen=True)
class Previous:
    """The snapshot an index points to now, verified intact (work is reused from it)."""

    snapshot: Path
    manifest: Manifest

    @property
    def layout(self) -> IndexLayout:
        """Paths inside the previous snapshot."""
        return IndexLayout(self.snapshot)


def previous(index: Path) -> Previous | None:
    """The previous snapshot, only if it is intact: nothing is reused from a damaged or foreign index."""
    try:
        snap = resolve_snapshot(index)
        manifest = read_manifest(snap)
        verify_checksums(snap, manifest)
        return Previous(snap, manifest)
    except (IndexNotFound, IndexMismatch) as exc:
        if not isinstance(exc, IndexNotFound):
            logger.warning("previous index not reused (%s); building from scratch", exc)
        return None


@dataclass(frozen=True)
class BuildPlan:
    """What one build makes: the documents, settings, what carries over, and the key of its inputs."""

    index: Path
    docs: tuple[Document, ...]
    settings: Settings
    previous: Previous | None
    ontology_files: tuple[Path, ...]
    ontology_hash: str
    imports: tuple[ImportEntry, ...]
    keep_separate: tuple[str, ...]
    build_key: str
    skipped: tuple[Skipped, ...] = ()
    duplicates: tuple[Skipped, ...] = ()

    @property
    def unchanged(self) -> bool:
        """Whether the previous snapshot was built from exactly these inputs (nothing to do)."""
        return self.previous is not None and self.previous.manifest.build_key == self.build_key

    @property
    def same_model(self) -> bool:
        """Whether the previous snapshot's vectors come from this build's model."""
        return self.previous is not None and self.previous.manifest.model == self.settings.model


def plan(docs: Sequence[Document], index: Path, settings: Settings, *, skipped: Sequence[Skipped] = (),
         duplicates: Sequence[Skipped] = (), allow_empty: bool = False,
         keep_separate: Sequence[str] | None = None) -> BuildPlan:
    """Decide what to build: documents deduplicated and ordered, imports and undone merges carried over.

    Raises:
        IngestError: no documents, unless ``allow_empty``.
    """
    ordered = tuple(sorted({d.id: d for d in docs}.values(), key=lambda d: d.path))
    if not ordered and not allow_empty:
        raise IngestError("nothing could be built: no documents")
    files = tuple(sorted(p for p in ontology_dir().glob("*.ttl") if "shape" not in p.name))
    onto_hash = _ontology_hash(files)
    prev = previous(index)
    imports = prev.manifest.imports if prev else ()
    # Undone merges are part of the index and survive rebuilds.
    if keep_separate is None:
        keep_separate = prev.manifest.keep_separate if prev else ()
    separate = tuple(sorted(set(keep_separate)))
    key = hashlib.sha256(json.dumps(
        {"docs": [d.id for d in ordered], "paths": [d.path for d in ordered], "ontology": onto_hash,
         "model": settings.model, "version": __version__, "code": _code_hash(),
         "imports": [_import_dict(i) for i in imports], "keep_separate": list(separate),
         "max_chars": settings.max_sentence_chars}, sort_keys=True).encode()).hexdigest()
    return BuildPlan(index, ordered, settings, prev, files, onto_hash, tuple(imports), separate, key,
                     tuple(skipped), tuple(duplicates))


@dataclass(frozen=True)
class Segmented:
    """The documents cut into sentences, with the gazetteer that tokenised them."""

    gazetteer: Gazetteer
    sentences: tuple[Sentence, ...]

    def by_doc(self) -> dict[str, list[Sentence]]:
        """Sentences grouped by document id, in order."""
        out: dict[str, list[Sentence]] = {}
        for s in self.sentences:
            out.setdefault(s.doc_id, []).append(s)
        return out

    def languages(self) -> dict[str, int]:
        """Sentence count per language."""
        langs: dict[str, int] = {}
        for s in self.sentences:
            langs[s.lang] = langs.get(s.lang, 0) + 1
        return langs


def segment(build: BuildPlan, progress: ProgressFn | None = None) -> Segmented:
    """Cut every document into sentences (tokens from the gazetteer-aware tokenizer)."""
    progress = progress or _noop_progress
    gazetteer = Gazetteer.load(build.ontology_files)
    tokenizer = Tokenizer(gazetteer.words())
    progress("segment", 0, len(build.docs))
    sentences = segment_documents(list(build.docs), tokenizer=tokenizer, max_chars=build.settings.max_sentence_chars)
    progress("segment", len(build.docs), len(build.docs))
    return Segmented(gazetteer, tuple(sentences))


@dataclass(frozen=True)
class Embedded:
    """One vector per sentence (row ``i`` of ``matrix`` is sentence ``ids[i]``) and how they were made."""

    ids: np.ndarray
    matrix: np.ndarray
    dimension: int
    embedded: int
    reused: int
    removed: int
    model_id: str | None
    weights_hash: str | None


def _reusable(build: BuildPlan, sentences: Sequence[Sentence]) -> tuple[dict[int, np.ndarray], int]:
    """Vectors of unchanged sentences in the previous snapshot (same model only), and how many went away."""
    prev = build.previous
    if prev is None or not build.same_model or prev.manifest.embed_text != embed_text_key(build.settings):
        return {}, 0
    try:
        old_vecs = VectorIndex.load(prev.layout.vectors)
        with SentenceTable(prev.layout.sentences) as old_table:
            old = old_table.sentences([s.id for s in sentences])
            old_count = old_table.count()
        same = [s.id for s in sentences if s.id in old and old[s.id].text == s.text]
        reuse = dict(zip(same, old_vecs.vectors(np.asarray(same, dtype=np.int64)))) if same else {}
        return reuse, max(0, old_count - len(same))
    except (IndexMismatch, OSError, ValueError, sqlite3.DatabaseError) as exc:  # rebuilt, not fatal
        logger.warning("previous index not reusable (%s); embedding everything", exc)
        return {}, 0


def embed(build: BuildPlan, segmented: Segmented, embedder: Embedder | None = None,
          progress: ProgressFn | None = None) -> Embedded:
    """Vectors for every sentence: reused when the sentence is unchanged, else computed.

    The model is loaded only when something must be embedded (or the dimension is otherwise unknown).

    Raises:
        IndexMismatch: the model gives another dimension than the previous snapshot's.
    """
    progress = progress or _noop_progress
    settings, sentences, prev = build.settings, segmented.sentences, build.previous
    reuse, removed = _reusable(build, sentences)
    todo = [s for s in sentences if s.id not in reuse]
    known_dim = prev.manifest.dimension if prev is not None and build.same_model else None
    if embedder is None and (todo or (not reuse and known_dim is None)):
        from ..embed.factory import create_embedder

        embedder = create_embedder(settings.model, threads=settings.threads, batch_size=settings.batch_size)
    if embedder is not None:
        dim = embedder.dimension
    else:
        dim = next(iter(reuse.values())).shape[0] if reuse else int(known_dim or 0)
    if prev is not None and build.same_model and prev.manifest.dimension not in (None, dim):
        raise IndexMismatch(f"model {settings.model} gives dimension {dim}, index has {prev.manifest.dimension}")
    new_vecs = np.zeros((0, dim), dtype=np.float32)
    checkpoint("embed")
    if todo:
        assert embedder is not None  # loaded above whenever there is something to embed
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
    if embedder is not None:
        model_id = getattr(embedder, "model_id", settings.model)
        weights_hash = getattr(embedder, "weights_hash", None)
    else:  # everything reused: the previous snapshot's model made these vectors
        model_id = prev.manifest.model_id if prev else None
        weights_hash = prev.manifest.weights_hash if prev else None
    return Embedded(ids, matrix, dim, len(todo), len(reuse), removed, model_id, weights_hash)


@dataclass(frozen=True)
class GraphWritten:
    """What the graph files of a snapshot hold.

    ``triples`` counts the merged default graph (a fact read in two documents once), ``quads`` every
    statement of every named graph (see :func:`regenkg.graph.store.count_statements`).
    """

    triples: int
    entities: int
    imports: tuple[ImportEntry, ...] = field(default=())
    quads: int = 0


def _labels_for(ent: Entity) -> dict[str, str]:
    """Derive the other Chinese script's label for a discovered Chinese name (curated labels win)."""
    from ..text.lang import to_hans, to_hant

    out: dict[str, str] = {}
    for lang, label in ent.labels.items():
        if lang == "zh-Hant":
            out["zh-Hans"] = to_hans(label)
        elif lang == "zh-Hans":
            out["zh-Hant"] = to_hant(label)
    return out


def write_graph(build: BuildPlan, segmented: Segmented, layout: IndexLayout,
                progress: ProgressFn | None = None) -> GraphWritten:
    """Write the ontology, one N-Quads file per document, and the previous snapshot's imports."""
    progress = progress or _noop_progress
    gazetteer = segmented.gazetteer
    extractor = Extractor(gazetteer, frozenset(build.keep_separate))
    write_nquads(ontology_quads(gazetteer), layout.base_graph)
    entities: set[str] = set(gazetteer.entities)
    by_doc = segmented.by_doc()
    for i, doc in enumerate(build.docs):
        sents = by_doc.get(doc.id, [])
        extraction = extractor.extract(sents)
        entities.update(e.iri for e in extraction.entities)
        write_nquads(document_quads(doc, sents, extraction, _labels_for), layout.document_graph(doc.id))
        progress("graph", i + 1, len(build.docs))
    kept: list[ImportEntry] = []
    if build.previous is not None:
        for imp in build.imports:
            src = build.previous.layout.import_graph(imp.name)
            if src.is_file():
                shutil.copy2(src, layout.import_graph(imp.name))
                kept.append(imp)
    triples, quads = count_statements(layout.root)  # one triple count everywhere (info, /health, export)
    return GraphWritten(triples, len(entities), tuple(kept), quads)


@dataclass(frozen=True)
class Components:
    """The vector index written into a snapshot (the sentence table and BM25 hold the same sentences)."""

    vector_index: str
    vectors: int


def write_components(build: BuildPlan, segmented: Segmented, embedded: Embedded, layout: IndexLayout) -> Components:
    """Write the sentence table, the vector index and BM25.

    Raises:
        IndexMismatch: the vector index does not hold one vector per sentence.
    """
    settings, sentences = build.settings, segmented.sentences
    with SentenceTable(layout.sentences, readonly=False) as table:
        table.write(build.docs, sentences)
    vindex = VectorIndex.build(embedded.ids, embedded.matrix, exact_limit=settings.exact_limit,
                               nprobe=settings.ivf_nprobe, threads=settings.threads, dimension=embedded.dimension)
    checkpoint("vectors")
    vindex.save(layout.vectors)
    LexicalIndex.build([s.id for s in sentences], [list(s.tokens) for s in sentences]).save(layout.bm25)
    if vindex.count != len(sentences):
        raise IndexMismatch(f"vector count {vindex.count} != sentence count {len(sentences)}")
    return Components(vindex.kind, vindex.count)


def make_manifest(build: BuildPlan, segmented: Segmented, embedded: Embedded, graph: GraphWritten,
                  components: Components) -> Manifest:
    """The manifest of the new snapshot (checksums are added when it is published)."""
    docs, settings = build.docs, build.settings
    return Manifest(
        kind="full",
        regenkg=__version__,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_key=build.build_key,
        model=settings.model,
        model_id=embedded.model_id,
        weights_hash=embedded.weights_hash,
        dimension=embedded.dimension,
        embed_text=embed_text_key(settings),
        vector_index=components.vector_index,
        ontology_hash=build.ontology_hash,
        corpus_hash=hashlib.sha256("".join(sorted(d.id for d in docs)).encode()).hexdigest(),
        counts=Counts(documents=len(docs), sentences=len(segmented.sentences), vectors=components.vectors,
                      triples=graph.triples, entities=graph.entities, languages=segmented.languages(),
                      quads=graph.quads),
        documents=tuple(DocumentEntry(d.id, d.path, d.title, d.lang) for d in docs),
        skipped=build.skipped,
        imports=graph.imports,
        keep_separate=build.keep_separate,
        versions=versions(),
        settings={"max_sentence_chars": settings.max_sentence_chars, "exact_limit": settings.exact_limit},
    )


def embed_text_key(settings: Settings) -> str:
    """What text the vectors were computed from (the default model folds Chinese to Traditional first)."""
    return "passage-prompt;zh=traditional" if settings.model == DEFAULT_MODEL else "passage-prompt"


def versions() -> dict[str, str]:
    """Versions of Python and of the libraries that shape an index."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("rdflib", "pyoxigraph", "faiss-cpu", "sentence-transformers", "torch", "jieba", "bm25s"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _import_dict(imp: ImportEntry) -> dict[str, object]:
    return {"file": imp.file, "graph": imp.graph, "quads": imp.quads, "name": imp.name}


def _ontology_hash(files: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _code_hash() -> str:
    """Hash of the code that shapes an index, so upgrading regenkg re-extracts (vectors are still reused)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted([*root.glob("graph/*.py"), *root.glob("text/*.py"), *root.glob("build/*.py"),
                        root / "pipeline.py"]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
