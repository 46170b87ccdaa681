"""``KnowledgeBase``: the one facade that notebooks, the CLI and the server use."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .config import DEFAULT_INDEX, Settings
from .errors import IndexMismatch, QueryError
from .index.store import IndexLayout, SentenceTable, read_manifest, resolve_snapshot, verify_checksums
from .records import Answer, Evidence, Hit, pick_label

__all__ = ["KnowledgeBase", "EntityView", "SearchResults", "MAX_QUERY_CHARS", "MAX_K"]

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 2000
MAX_K = 1000
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)


class SearchResults(list):
    """A list of :class:`Hit` that shows as a table in Jupyter and converts to pandas."""

    query: str = ""

    def to_df(self):
        from .explore.frames import hits_frame

        return hits_frame(self)

    def _repr_html_(self) -> str:
        from .explore.frames import hits_html

        return hits_html(self)


@dataclass(frozen=True)
class EntityView:
    """An entity with its labels, type, and relations with their evidence."""

    iri: str
    type: str
    labels: dict[str, str]
    curated: bool
    relations: tuple[dict[str, Any], ...] = ()
    mentions: int = 0
    aliases: tuple[str, ...] = field(default=())

    def label(self, lang: str = "en") -> str:
        return pick_label(self.labels, lang, self.iri)

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "type": self.type, "labels": self.labels, "curated": self.curated,
                "aliases": list(self.aliases), "mentions": self.mentions, "relations": list(self.relations)}

    def _repr_html_(self) -> str:
        from .explore.frames import entity_html

        return entity_html(self)


class KnowledgeBase:
    """A built regenkg index, opened read-only at one snapshot.

    >>> kb = KnowledgeBase.open("indexes/default")          # doctest: +SKIP
    >>> kb.ask("誰在開發TCR-T").answers[0].label              # doctest: +SKIP
    """

    def __init__(self, snapshot: Path, manifest: dict[str, Any], settings: Settings, *, embedder: Any = None):
        self.snapshot = snapshot
        self.manifest = manifest
        self.settings = settings
        self.layout = IndexLayout(snapshot)
        self._embedder = embedder
        self._lock = threading.RLock()
        # Worker processes for kb.sparql (each holds the graph; a runaway query is killed, not waited for).
        self.sparql_workers = 2

    # ------------------------------------------------------------------ opening and building
    @classmethod
    def open(cls, index: str | Path = DEFAULT_INDEX, settings: Settings | None = None, *, verify: bool = True,
             embedder: Any = None) -> KnowledgeBase:
        """Open the snapshot ``index`` points to (checksums verified unless ``verify=False``)."""
        snap = resolve_snapshot(index)
        manifest = read_manifest(snap)
        if verify:
            verify_checksums(snap, manifest)
        settings = settings or Settings.load()
        if manifest.get("kind") == "graph":  # imported RDF only: no vectors, so no model to agree on
            return cls(snap, manifest, settings, embedder=embedder)
        if settings.model != manifest.get("model") and os.environ.get("REGENKG_MODEL") is None \
                and settings.model == Settings().model:
            # The index names its model; opening with defaults follows the index.
            settings = settings.replace(model=manifest.get("model", settings.model))
        if settings.model != manifest.get("model"):
            raise IndexMismatch(f"index {index} was built with model {manifest.get('model')!r}, but model "
                                f"{settings.model!r} was requested: rebuild the index or use its model")
        return cls(snap, manifest, settings, embedder=embedder)

    @classmethod
    def build(cls, paths: Iterable[str | Path] = ("corpus",), index: str | Path = DEFAULT_INDEX,
              settings: Settings | None = None, *, progress: bool = True, embedder: Any = None) -> KnowledgeBase:
        """Build (or incrementally update) ``index`` from ``paths`` and open it."""
        from .pipeline import build_index
        from .progress import progress_callback

        settings = settings or Settings.load()
        with progress_callback(progress) as cb:
            build_index(paths, index, settings, progress=cb, embedder=embedder)
        return cls.open(index, settings, embedder=embedder)

    # ------------------------------------------------------------------ components (loaded on first use)
    @cached_property
    def store(self):
        """The graph store: in-memory Oxigraph (pyoxigraph) holding every named graph of the snapshot, or
        a :class:`~regenkg.graph.remote.RemoteStore` when ``settings.store`` names an external SPARQL store."""
        if self.settings.store:
            from .graph.remote import RemoteStore

            return RemoteStore(self.settings.store)
        from .graph.store import load_store

        return load_store(self.snapshot)

    @cached_property
    def graph(self):
        """An rdflib ``Dataset`` over :attr:`store` (default graph = union of all graphs)."""
        if self.settings.store:
            from .errors import BackendUnavailable

            raise BackendUnavailable("kb.graph (rdflib) needs the embedded store; with an external store "
                                     "query it with SPARQL (kb.store.query) instead")
        from .graph.store import as_dataset

        return as_dataset(self.store)

    @cached_property
    def table(self) -> SentenceTable:
        return SentenceTable(self.layout.sentences)

    @cached_property
    def titles(self) -> dict[str, str]:
        return self.table.titles()

    @cached_property
    def vectors(self):
        from .index.vectors import VectorIndex

        return VectorIndex.load(self.layout.vectors, expected_dimension=self.manifest.get("dimension"))

    @cached_property
    def lexical(self):
        from .index.bm25 import LexicalIndex

        return LexicalIndex.load(self.layout.bm25)

    @cached_property
    def gazetteer(self):
        from .graph.ontology import Gazetteer

        from rdflib import Graph

        g = Graph()
        base = self.layout.graph / "base.nq"
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(base, format="nquads")
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return Gazetteer.from_graph(g)

    @cached_property
    def _discovered(self) -> dict[str, dict[str, str]]:
        """Labels of entities found in the text but absent from the gazetteer."""
        q = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?l WHERE { ?e rkg:curated false ; skos:prefLabel ?l }"""
        out: dict[str, dict[str, str]] = {}
        for row in self.store.query(q):
            out.setdefault(row["e"].value, {})[row["l"].language or "en"] = row["l"].value
        return out

    @cached_property
    def matcher(self):
        from .graph.match import Matcher

        surfaces = list(self.gazetteer.surfaces())
        for iri, labels in self._discovered.items():
            surfaces += [(label, iri) for label in labels.values()]
        return Matcher(surfaces)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        from .graph.ontology import COMPANY_TYPES

        kinds = {iri: ("Company" if e.type in COMPANY_TYPES else e.type) for iri, e in self.gazetteer.entities.items()}
        kinds.update({iri: "Company" for iri in self._discovered})
        return kinds

    @cached_property
    def tokenizer(self):
        from .text.tokens import Tokenizer

        return Tokenizer(self.gazetteer.words())

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from .embed.factory import create_embedder

                self._embedder = create_embedder(self.settings.model, threads=self.settings.threads,
                                                 batch_size=self.settings.batch_size)
            emb = self._embedder
        if self.manifest.get("dimension") not in (None, emb.dimension):
            raise IndexMismatch(f"model {self.settings.model} gives {emb.dimension}-d vectors but the index holds "
                                f"{self.manifest.get('dimension')}-d vectors")
        expected = self.manifest.get("weights_hash")
        if expected and getattr(emb, "weights_hash", expected) != expected:
            raise IndexMismatch(f"the model weights differ from the ones that built {self.snapshot} "
                                f"({emb.weights_hash[:12]} vs {expected[:12]}): rebuild the index")
        return emb

    # ------------------------------------------------------------------ search
    def search(self, query: str, k: int = 10, lang: str | None = None) -> SearchResults:
        """Hybrid (dense + BM25, reciprocal-rank fused) sentence search in any language."""
        return self.search_many([query], k=k, lang=lang)[0]

    def search_many(self, queries: Sequence[str], k: int = 10, lang: str | None = None,
                    _qvecs: np.ndarray | None = None) -> list[SearchResults]:
        from .query.fuse import rrf

        self._require_documents("search")
        if not isinstance(k, int) or k < 1:
            raise QueryError(f"--k must be a positive whole number, got {k!r}")
        if lang not in (None, "en", "zh", "zh-Hant", "zh-Hans"):
            raise QueryError(f"--lang must be one of en, zh, zh-Hant, zh-Hans; got {lang!r}")
        k = min(k, MAX_K)
        cleaned = [self._clean_query(q) for q in queries]
        total = self.vectors.count
        if total == 0:
            return [SearchResults() for _ in cleaned]
        depth = min(total, max(k * 5, 100))
        qvecs = _qvecs if _qvecs is not None else self.embedder.encode_queries(cleaned)
        dense = self.vectors.search(qvecs, depth)
        # Lexical hits are cheap; go deeper so each language group gets its own best matches.
        lexical = self.lexical.search(self.tokenizer.tokenize_many(cleaned), min(total, max(depth, 1000)))
        out: list[SearchResults] = []
        for qi, q in enumerate(cleaned):
            rows = self.table.sentences({sid for sid, _ in dense[qi]} | {sid for sid, _ in lexical[qi]})
            # Rank within each language, then fuse: the best English sentence for a Chinese question
            # competes with the best Chinese one instead of drowning under same-language neighbours.
            rankings, weights = [], []
            for ranking, weight in ((dense[qi], self.settings.dense_weight), (lexical[qi], self.settings.lexical_weight)):
                for group in ("en", "zh"):
                    part = [(sid, s) for sid, s in ranking if sid in rows and _group(rows[sid].lang) == group]
                    if part:
                        rankings.append(part)
                        weights.append(weight)
            fused = rrf(rankings, weights, k=self.settings.rrf_k, limit=depth)
            dmap, lmap = dict(dense[qi]), dict(lexical[qi])
            res = SearchResults()
            res.query = q
            for sid, score in fused:
                s = rows.get(sid)
                if s is None:
                    continue
                if lang and not (s.lang == lang or (lang == "zh" and s.lang.startswith("zh"))):
                    continue
                res.append(Hit(s.id, s.doc_id, self.titles.get(s.doc_id, ""), s.lang, s.text, s.start, s.end,
                               round(float(score), 6), _r(dmap.get(sid)), _r(lmap.get(sid))))
                if len(res) >= k:
                    break
            out.append(res)
        return out

    @staticmethod
    def _clean_query(query: str) -> str:
        if not isinstance(query, str) or not query.strip():
            raise QueryError("the query is empty: type some words to search for")
        if not _WORDLIKE.search(query):
            raise QueryError("the query has no letters or characters to search for (only punctuation/symbols)")
        if len(query) > MAX_QUERY_CHARS:
            logger.warning("query of %d characters cut to %d", len(query), MAX_QUERY_CHARS)
            query = query[:MAX_QUERY_CHARS]
        return query.strip()

    # ------------------------------------------------------------------ ask
    def ask(self, question: str) -> Answer:
        """Answer a question in English, Traditional or Simplified Chinese, with proving sentences."""
        return self.ask_many([question])[0]

    def ask_many(self, questions: Sequence[str]) -> list[Answer]:
        from .query.ask import Planner
        from .query.understand import understand

        self._require_documents("ask")
        parsed = [understand(q if isinstance(q, str) else "", self.matcher, self._kinds,
                             narrower_labels=self._narrower_labels) for q in questions]
        searchable = [i for i, q in enumerate(parsed) if q.text.strip() and _WORDLIKE.search(q.text)]
        qvecs: dict[int, np.ndarray] = {}
        passages: dict[int, tuple[Hit, ...]] = {}
        if searchable:
            texts = [parsed[i].text[:MAX_QUERY_CHARS] for i in searchable]
            vecs = self.embedder.encode_queries(texts)
            results = self.search_many(texts, k=3, _qvecs=vecs)
            for j, i in enumerate(searchable):
                qvecs[i] = vecs[j]
                passages[i] = tuple(results[j])
        planner = Planner(self.store, _KBLookup(self), max_evidence=self.settings.max_evidence,
                          evidence_weight=self.settings.evidence_weight)
        return [planner.answer(q, qvecs.get(i), passages.get(i, ())) for i, q in enumerate(parsed)]

    @cached_property
    def _narrower_labels(self) -> dict[str, dict[str, str]]:
        """Modality → {folded label of a narrower concept: its IRI}, so "通用型CAR-T" can find its concept."""
        from .graph.match import fold_aligned

        out: dict[str, dict[str, str]] = {}
        for iri, ent in self.gazetteer.entities.items():
            if ent.type != "Modality":
                continue
            for child in self.gazetteer.narrower_closure(iri) - {iri}:
                c = self.gazetteer.entities.get(child)
                if c is not None:
                    for label in {*c.labels.values(), *c.aliases}:
                        out.setdefault(iri, {})[fold_aligned(label)] = child
        return out

    def _evidence(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]:
        if not sentence_ids:
            return []
        rows = self.table.sentences(sentence_ids)
        ids = [sid for sid in sentence_ids if sid in rows]
        sims = np.zeros(len(ids), dtype=np.float32)
        if qvec is not None and ids:
            known = [sid for sid in ids if sid in self.vectors]
            if known:
                vecs = self.vectors.vectors(np.asarray(known, dtype=np.int64))
                simmap = dict(zip(known, vecs @ np.asarray(qvec, dtype=np.float32).reshape(-1)))
                sims = np.asarray([simmap.get(sid, 0.0) for sid in ids], dtype=np.float32)
        order = np.argsort(-sims, kind="stable")
        out = []
        for i in order:
            s = rows[ids[i]]
            out.append((Evidence(s.id, s.doc_id, self.titles.get(s.doc_id, ""), s.lang, s.text, s.start, s.end),
                        float(sims[i])))
        return out

    # ------------------------------------------------------------------ graph lookups
    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]:
        """Preferred labels per language for each IRI."""
        import pyoxigraph

        if not iris:
            return {}
        q = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?e ?l WHERE { VALUES ?e { "
             + " ".join(str(pyoxigraph.NamedNode(i)) for i in iris) + " } ?e skos:prefLabel ?l }")
        out: dict[str, dict[str, str]] = {}
        for row in self.store.query(q):
            lang = row["l"].language or "en"
            lang = {"zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}.get(lang.lower(), lang)
            out.setdefault(row["e"].value, {}).setdefault(lang, row["l"].value)
        return out

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]:
        """Every label and alias of each IRI (curated aliases included)."""
        out = {iri: list(v.values()) for iri, v in self.labels(iris).items()}
        for iri in iris:
            ent = self.gazetteer.entities.get(iri)
            if ent:
                out.setdefault(iri, []).extend(ent.aliases)
        return out

    def types(self, iris: Sequence[str]) -> dict[str, str]:
        out = {}
        for iri in iris:
            ent = self.gazetteer.entities.get(iri)
            out[iri] = ent.type if ent else ("Company" if iri in self._discovered else "Thing")
        return out

    def resolve(self, label_or_iri: str) -> str | None:
        """The IRI for a label in any language/script, an IRI, or an IRI suffix such as ``company/gsk``."""
        text = (label_or_iri or "").strip()
        if not text:
            return None
        from .graph.ontology import RES

        if text.startswith(("http://", "https://")):
            return text
        if "/" in text and not text.startswith("/"):
            iri = str(RES) + text
            if iri in self._kinds:
                return iri
        matches = self.matcher.find(text)
        full = [m for m in matches if m.end - m.start == len(text)]
        if full:
            return full[0].iri
        return matches[0].iri if matches else None

    def entity(self, label_or_iri: str) -> EntityView | None:
        """Look up an entity by label (any script), IRI, or IRI suffix; ``None`` if unknown."""
        import pyoxigraph

        iri = self.resolve(label_or_iri)
        if iri is None:
            return None
        try:
            node = pyoxigraph.NamedNode(iri)
        except ValueError:
            return None
        q = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?dir ?pred ?other ?sentence WHERE {
          %s
          { ?a rdf:subject ?e ; rdf:predicate ?pred ; rdf:object ?other . BIND("out" AS ?dir) }
          UNION { ?a rdf:subject ?other ; rdf:predicate ?pred ; rdf:object ?e . BIND("in" AS ?dir) }
          ?a a rkg:Assertion ; prov:wasDerivedFrom ?sentence .
        }"""
        rels: dict[tuple[str, str, str], list[int]] = {}
        values = f"VALUES ?e {{ {node} }}"
        for row in self.store.query(q % values):
            key = (row["dir"].value, row["pred"].value.rsplit("#", 1)[-1], row["other"].value)
            rels.setdefault(key, []).append(int(row["sentence"].value.rsplit("/", 1)[-1]))
        mq = ("PREFIX rkg: <https://w3id.org/regenkg/ontology#>\nSELECT (COUNT(?s) AS ?n) WHERE { "
              + values + " ?s rkg:mentions ?e }")
        mentions = int(next(iter(self.store.query(mq)))["n"].value)
        labels = self.labels([iri, *{k[2] for k in rels}])
        if iri not in labels and not rels and mentions == 0 and iri not in self._kinds:
            return None
        relations = []
        for (direction, pred, other), sids in sorted(rels.items()):
            ev = [
                {"sentence": e.sentence, "doc": e.doc, "title": e.title, "lang": e.lang, "text": e.text,
                 "start": e.start, "end": e.end}
                for e, _ in self._evidence(sorted(set(sids)), None)[: self.settings.max_evidence]]
            relations.append({"predicate": pred, "direction": direction, "other": other,
                              "other_labels": labels.get(other, {}), "evidence": ev})
        ent = self.gazetteer.entities.get(iri)
        return EntityView(iri, self.types([iri])[iri], labels.get(iri, {}), ent is not None, tuple(relations),
                          mentions, ent.aliases if ent else ())

    # ------------------------------------------------------------------ SPARQL
    def sparql(self, query: str, **kwargs: Any):
        """Run a read-only SPARQL 1.1 query (sealed: no SERVICE, no updates, time and row limits)."""
        from .query.sparql import SparqlEngine

        with self._lock:
            engine = self.__dict__.get("_engine")
            if engine is None:
                engine = SparqlEngine.from_kb(self, workers=self.sparql_workers)
                self.__dict__["_engine"] = engine
        from .explore.frames import SparqlTable

        return SparqlTable(engine.execute(query, **kwargs))

    # ------------------------------------------------------------------ exploration (regenkg.explore)
    def to_networkx(self, kind: str = "entities", lang: str = "en"):
        """The graph as a networkx ``MultiDiGraph``: IRIs as nodes, labels/types as attributes.

        ``kind="entities"`` keeps entity-to-entity facts (with evidence counts on edges); ``"full"`` has
        every triple of the union graph.
        """
        from .explore.network import to_networkx

        return to_networkx(self, kind=kind, lang=lang)

    def neighbours(self, entity: str, depth: int = 2, lang: str = "en"):
        """The entity subgraph within ``depth`` hops of ``entity`` (label in any script, or IRI)."""
        from .explore.network import neighbours

        return neighbours(self, entity, depth=depth, lang=lang)

    def draw(self, entity: str, depth: int = 1, lang: str = "en", path: str | Path | None = None, **kwargs: Any):
        """Draw an entity's neighbourhood with matplotlib (CJK-capable font); save to ``path`` if given."""
        from .explore.draw import draw

        return draw(self, entity, depth=depth, lang=lang, path=path, **kwargs)

    def export(self, path: str | Path, format: str = "nq") -> int:
        """Write the graph: ``ttl``, ``nq``, ``trig``, ``graphml`` (entity graph) or ``csv`` (facts)."""
        from .explore.export import export

        return export(self, path, format=format)

    # ------------------------------------------------------------------ summary
    def _require_documents(self, what: str) -> None:
        if self.manifest.get("kind") == "graph":
            raise IndexMismatch(
                f"{what} needs documents, but {self.snapshot} holds only imported RDF (made by `regenkg import`):"
                " add documents with `regenkg build DIR --index ...`; SPARQL, serve and export work as it is"
            )

    def info(self) -> dict[str, Any]:
        """Counts and provenance of this snapshot (what `regenkg info` prints)."""
        c = self.manifest.get("counts", {})
        return {
            "index": str(self.snapshot), "kind": self.manifest.get("kind", "full"),
            "created": self.manifest.get("created"),
            "model": self.manifest.get("model"), "dimension": self.manifest.get("dimension"),
            "vector_index": self.manifest.get("vector_index"), "documents": c.get("documents"),
            "sentences": c.get("sentences"), "languages": c.get("languages", {}), "entities": c.get("entities"),
            "triples": c.get("triples"), "vectors": c.get("vectors"), "imports": self.manifest.get("imports", []),
            "skipped": self.manifest.get("skipped", []),
        }

    def close(self) -> None:
        """Release the sentence table and stop SPARQL worker processes."""
        if "table" in self.__dict__:
            self.table.close()
        engine = self.__dict__.pop("_engine", None)
        if engine is not None:
            engine.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        c = self.manifest.get("counts", {})
        return (f"KnowledgeBase({str(self.snapshot)!r}, documents={c.get('documents')}, "
                f"sentences={c.get('sentences')}, triples={c.get('triples')})")


class _KBLookup:
    """The planner's :class:`~regenkg.query.ask.Lookup` over this knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def narrower(self, iri: str) -> set[str]:
        return self.kb.gazetteer.narrower_closure(iri)

    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]:
        return self.kb.labels(iris)

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]:
        return self.kb.names(iris)

    def types(self, iris: Sequence[str]) -> dict[str, str]:
        return self.kb.types(iris)

    def evidence(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]:
        return self.kb._evidence(sentence_ids, qvec)


def _group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)
