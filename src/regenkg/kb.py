"""``KnowledgeBase``: the one facade that notebooks, the CLI and the server use.

It opens a snapshot, loads each component on first use, and delegates: search to
:mod:`regenkg.query.search`, lookups to :mod:`regenkg.query.lookup`, questions to :mod:`regenkg.query.ask`,
SPARQL to :mod:`regenkg.query.sparql`, graphs, drawings and exports to :mod:`regenkg.explore`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .config import DEFAULT_INDEX, Settings
from .embed.base import Embedder
import regenkg.explore as _explore  # the package, not its modules: they load on first use
from .explore.frames import SparqlTable
from .graph.gazetteer_cache import Gazetteer, load_gazetteer
from .graph.match import Matcher
from .graph.store import GraphStore, as_dataset, open_store
from .index.bm25 import LexicalIndex
from .index.store import IndexLayout, Lease, Manifest, SentenceTable, lease_snapshot
from .index.vectors import VectorIndex
from .query.ask import Planner
from .query.evidence import EvidenceRanker
from .query.lookup import GraphLookup
from .query.search import MAX_K, MAX_QUERY_CHARS, Fusion, HybridSearch, SearchResults, is_searchable
from .query.understand import understand
from .records import Answer, EntityView, Hit
from .text.tokens import Tokenizer

__all__ = ["KnowledgeBase", "EntityView", "SearchResults", "MAX_QUERY_CHARS", "MAX_K"]


class KnowledgeBase:
    """A built regenkg index, opened read-only at one snapshot.

    >>> kb = KnowledgeBase.open("indexes/default")          # doctest: +SKIP
    >>> kb.ask("誰在開發TCR-T").answers[0].label              # doctest: +SKIP
    """

    def __init__(self, snapshot: Path, manifest: Manifest, settings: Settings, *, embedder: Embedder | None = None,
                 lease: Lease | None = None):
        self.snapshot = snapshot
        self.manifest = manifest
        self.settings = settings
        self.layout = IndexLayout(snapshot)
        self._embedder = embedder
        self._engine: Any = None
        self._lock = threading.RLock()
        self._lease = lease or Lease(snapshot)  # until close(): no build prunes this snapshot meanwhile
        # Worker processes for kb.sparql (each holds the graph; a runaway query is killed, not waited for).
        self.sparql_workers = 2

    # ------------------------------------------------------------------ opening and building
    @classmethod
    def open(cls, index: str | Path = DEFAULT_INDEX, settings: Settings | None = None, *, verify: bool = True,
             embedder: Embedder | None = None) -> KnowledgeBase:
        """Open the snapshot ``index`` points to (close it, or use ``with``, to stop SPARQL workers).

        Args:
            index: the index folder (a link to its current snapshot).
            settings: default :meth:`Settings.load`; unless a model is chosen explicitly, the index's is used.
            verify: check every file against the manifest's checksums first.
            embedder: an already loaded embedder to use instead of loading the model.

        Raises:
            IndexNotFound: nothing is built at ``index``.
            IndexMismatch: the index is damaged, or was built with another model than the one requested.
        """
        lease, manifest = lease_snapshot(index, verify=verify)
        settings = settings or Settings.load()
        if manifest.has_documents:  # imported RDF only has no vectors, so no model to agree on
            settings = settings.for_model(manifest.model, f"index {index}")
        return cls(lease.snapshot, manifest, settings, embedder=embedder, lease=lease)

    @classmethod
    def build(cls, paths: Iterable[str | Path] = ("corpus",), index: str | Path = DEFAULT_INDEX,
              settings: Settings | None = None, *, progress: bool = True,
              embedder: Embedder | None = None) -> KnowledgeBase:
        """Build (or incrementally update) ``index`` from corpus files and folders, then open it.

        >>> kb = KnowledgeBase.build(["corpus/"], "indexes/demo")   # doctest: +SKIP
        """
        from .pipeline import build_index
        from .progress import progress_callback

        settings = settings or Settings.load()
        with progress_callback(progress) as cb:
            build_index(paths, index, settings, progress=cb, embedder=embedder)
        return cls.open(index, settings, embedder=embedder)

    # ------------------------------------------------------------------ components (loaded on first use)
    @cached_property
    def store(self) -> GraphStore:
        """The graph: in memory (pyoxigraph), or the external SPARQL store ``settings.store`` names."""
        return open_store(self.snapshot, self.settings.store)

    @cached_property
    def graph(self) -> Any:
        """An rdflib ``Dataset`` over :attr:`store` (default graph = union of all graphs; embedded store only)."""
        return as_dataset(self.store)

    @cached_property
    def table(self) -> SentenceTable:
        """The sentence and document table."""
        return SentenceTable(self.layout.sentences)

    @cached_property
    def titles(self) -> dict[str, str]:
        """Document id → title."""
        return self.table.titles()

    @cached_property
    def vectors(self) -> VectorIndex:
        """The sentence vectors (FAISS)."""
        return VectorIndex.load(self.layout.vectors, expected_dimension=self.manifest.dimension)

    @cached_property
    def lexical(self) -> LexicalIndex:
        """The BM25 index."""
        return LexicalIndex.load(self.layout.bm25)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """The curated entities, read from the snapshot's ontology graph (the one it was built with)."""
        return load_gazetteer(self.layout.base_graph)

    @cached_property
    def lookup(self) -> GraphLookup:
        """Labels, names, types and entities (what the question planner reads)."""
        return GraphLookup(self.store, self.gazetteer, EvidenceRanker(self), max_evidence=self.settings.max_evidence)

    @property
    def matcher(self) -> Matcher:
        """Finds entity names in text, in any script."""
        return self.lookup.matcher

    @property
    def _kinds(self) -> dict[str, str]:
        return self.lookup.kinds

    @cached_property
    def tokenizer(self) -> Tokenizer:
        """The jieba/English tokenizer with the gazetteer's names as its user dictionary."""
        return Tokenizer(self.gazetteer.words())

    @property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use), checked against the index's dimension and weights."""
        with self._lock:
            if self._embedder is None:
                from .embed.factory import create_embedder

                self._embedder = create_embedder(self.settings.model, threads=self.settings.threads,
                                                 batch_size=self.settings.batch_size)
            emb = self._embedder
        self.manifest.check_embedder(emb, self.settings.model, self.snapshot)
        return emb

    # ------------------------------------------------------------------ search and ask
    def search(self, query: str, k: int = 10, lang: str | None = None) -> SearchResults:
        """Hybrid (dense + BM25) sentence search in any language (fusion: :mod:`regenkg.query.fuse`).

        Args:
            k: number of hits (at most 1000).
            lang: only sentences in ``en``, ``zh-Hant``, ``zh-Hans`` or ``zh`` (either script).

        Returns:
            The hits, best first; shows as a table in Jupyter, ``.to_df()`` gives pandas.

        >>> kb.search("exosome CDMO Taiwan", k=5)[0].text    # doctest: +SKIP
        """
        return self.search_many([query], k=k, lang=lang)[0]

    def search_many(self, queries: Sequence[str], k: int = 10, lang: str | None = None,
                    _qvecs: np.ndarray | None = None, *, fusion: Fusion | None = None) -> list[SearchResults]:
        """:meth:`search` for several queries at once (one batch through the model), ``fusion`` if given."""
        self.manifest.require_documents("search", self.snapshot)
        return HybridSearch(self, fusion)(queries, k=k, lang=lang, qvecs=_qvecs)

    def ask(self, question: str) -> Answer:
        """Answer a question in English, Traditional or Simplified Chinese.

        Returns:
            The answer entities with their proving sentences, the SPARQL that ran, and search passages.

        >>> kb.ask("誰在開發TCR-T").answers[0].label     # doctest: +SKIP
        """
        return self.ask_many([question])[0]

    def ask_many(self, questions: Sequence[str]) -> list[Answer]:
        """:meth:`ask` for several questions at once (one batch through the model); one answer each."""
        self.manifest.require_documents("ask", self.snapshot)
        parsed = [understand(q if isinstance(q, str) else "", self.matcher, self._kinds,
                             narrower_labels=self.lookup.narrower_labels) for q in questions]
        searchable = [i for i, q in enumerate(parsed) if is_searchable(q.text)]
        qvecs: dict[int, np.ndarray] = {}
        passages: dict[int, tuple[Hit, ...]] = {}
        if searchable:
            texts = [parsed[i].text[:MAX_QUERY_CHARS] for i in searchable]
            vecs = self.embedder.encode_queries(texts)
            results = self.search_many(texts, k=3, _qvecs=vecs)
            for j, i in enumerate(searchable):
                qvecs[i] = vecs[j]
                passages[i] = tuple(results[j])
        planner = Planner(self.store, self.lookup, max_evidence=self.settings.max_evidence,
                          evidence_weight=self.settings.evidence_weight)
        return [planner.answer(q, qvecs.get(i), passages.get(i, ())) for i, q in enumerate(parsed)]

    # ------------------------------------------------------------------ lookups, SPARQL, exploration
    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]:
        """Preferred labels per language (``en``, ``zh-Hant``, ``zh-Hans``) of each IRI."""
        return self.lookup.labels(iris)

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]:
        """Every label and alias of each IRI (curated aliases included)."""
        return self.lookup.names(iris)

    def types(self, iris: Sequence[str]) -> dict[str, str]:
        """The type (``Company``, ``Modality``, …, ``Thing`` if unknown) of each IRI."""
        return self.lookup.types(iris)

    def resolve(self, label_or_iri: str) -> str | None:
        """The IRI for a label in any language/script, an IRI, or an IRI suffix such as ``company/gsk``.

        >>> kb.resolve("葛兰素史克")     # doctest: +SKIP
        'https://w3id.org/regenkg/id/company/gsk'
        """
        return self.lookup.resolve(label_or_iri)

    def entity(self, label_or_iri: str) -> EntityView | None:
        """An entity by label (any script), IRI or IRI suffix, with relations and evidence; else ``None``."""
        return self.lookup.entity(label_or_iri)

    def sparql(self, query: str, **kwargs: Any) -> SparqlTable:
        """Run a read-only SPARQL 1.1 query (sealed: no SERVICE, no updates, time and row limits).

        Args:
            query: the query; ``rkg:similarity(?sentence, "text")`` ranks sentences by meaning.
            **kwargs: passed to the engine's ``execute`` (e.g. ``accept`` for a serialised body).

        >>> kb.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 5").to_df()    # doctest: +SKIP
        """
        from .query.sparql import SparqlEngine

        with self._lock:
            if self._engine is None:
                self._engine = SparqlEngine.from_kb(self, workers=self.sparql_workers)
            engine = self._engine
        return SparqlTable(engine.execute(query, **kwargs))

    def to_networkx(self, kind: str = "entities", lang: str = "en") -> Any:
        """The graph as a networkx ``MultiDiGraph``: IRIs as nodes, labels/types as attributes.

        ``kind="entities"`` keeps entity-to-entity facts (with evidence counts on edges); ``"full"`` has
        every triple of the union graph.
        """
        return _explore.network.to_networkx(self, kind=kind, lang=lang)

    def neighbours(self, entity: str, depth: int = 2, lang: str = "en") -> Any:
        """The entity subgraph (networkx) within ``depth`` hops of ``entity`` (label in any script, or IRI)."""
        return _explore.network.neighbours(self, entity, depth=depth, lang=lang)

    def draw(self, entity: str, depth: int = 1, lang: str = "en", path: str | Path | None = None,
             **kwargs: Any) -> Any:
        """Draw an entity's neighbourhood (a matplotlib figure, CJK-capable font); save to ``path`` if given."""
        return _explore.draw.draw(self, entity, depth=depth, lang=lang, path=path, **kwargs)

    def export(self, path: str | Path, format: str = "nq") -> int:
        """Write the graph as ``ttl``, ``nq``, ``trig``, ``graphml`` (entities) or ``csv`` (facts); returns the count."""
        return _explore.export.export(self, path, format=format)

    def info(self) -> dict[str, Any]:
        """Counts and provenance of this snapshot (what `regenkg info` prints)."""
        return self.manifest.summary(self.snapshot)

    def close(self) -> None:
        """Release the sentence table, stop SPARQL worker processes and give up the snapshot's lease."""
        if "table" in self.__dict__:
            self.table.close()
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()
        self._lease.release()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        c = self.manifest.counts
        return f"KnowledgeBase({str(self.snapshot)!r}, documents={c.documents}, sentences={c.sentences}, triples={c.triples})"
