"""The knowledge graph as networkx graphs, and a few analyses researchers ask for first.

``to_networkx(kb)`` turns the reified facts (``rkg:Assertion`` nodes) into a ``MultiDiGraph`` whose nodes
are entity IRIs and whose edges are keyed by relation local name (``develops``, ``partneredWith``…), each
with its evidence: the sentence ids it was read from and the best rule confidence.

The snapshot a ``KnowledgeBase`` holds never changes, so graphs are built once per knowledge base and
handed out as copies.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol

import networkx as nx

from ..errors import ConfigError, QueryError
from ..graph.ontology import Gazetteer
from ..graph.store import GraphStore
from ..graph.terms import label_lang, local_name, sentence_id, sparql_prefixes, term_name
from ..records import pick_label

__all__ = [
    "DEAL_RELATIONS",
    "KINDS",
    "LANGS",
    "GraphPath",
    "neighbours",
    "partner_counts",
    "pick_label",
    "resolve_entity",
    "shortest_path",
    "to_networkx",
]

logger = logging.getLogger(__name__)

KINDS = ("entities", "full")
LANGS = ("en", "zh-Hant", "zh-Hans")
# Relations that tie two companies in a deal; direction does not matter for counting partners.
DEAL_RELATIONS = ("partneredWith", "acquired", "hasAffiliate", "licensedFrom")

_FACTS = sparql_prefixes("rkg", "rdf", "prov") + """SELECT ?s ?p ?o ?sentence ?conf WHERE {
  ?a a rkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?a prov:wasDerivedFrom ?sentence }
  OPTIONAL { ?a rkg:confidence ?conf }
  FILTER(isIRI(?o))
}"""
_LABELS = sparql_prefixes("skos") + "SELECT ?e ?l WHERE { ?e skos:prefLabel ?l }"
_CURATED = sparql_prefixes("rkg") + "SELECT ?e WHERE { ?e rkg:curated true }"

class GraphSource(Protocol):
    """What these functions read (a :class:`~regenkg.kb.KnowledgeBase` is one)."""

    @property
    def store(self) -> GraphStore: ...

    @property
    def gazetteer(self) -> Gazetteer: ...

    def types(self, iris: Sequence[str]) -> dict[str, str]: ...

    def resolve(self, label_or_iri: str) -> str | None: ...


_cache: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _memo(kb: GraphSource) -> dict[str, Any]:
    try:
        return _cache.setdefault(kb, {})
    except TypeError:  # not weak-referenceable: no caching
        return {}


def _check(kind: str | None = None, lang: str | None = None) -> None:
    if kind is not None and kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if lang is not None and lang not in LANGS:
        raise ConfigError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")


def _all_labels(kb: GraphSource) -> dict[str, dict[str, str]]:
    memo = _memo(kb)
    if "labels" not in memo:
        out: dict[str, dict[str, str]] = {}
        for row in kb.store.query(_LABELS):
            out.setdefault(row["e"].value, {}).setdefault(label_lang(row["l"].language), row["l"].value)
        memo["labels"] = out
    return memo["labels"]


def _curated(kb: GraphSource) -> set[str]:
    memo = _memo(kb)
    if "curated" not in memo:
        curated = {row["e"].value for row in kb.store.query(_CURATED)}
        memo["curated"] = curated | set(kb.gazetteer.entities)
    return memo["curated"]


def _node_attrs(kb: GraphSource, iris: Iterable[str]) -> dict[str, dict[str, Any]]:
    iris = list(iris)
    labels = _all_labels(kb)
    types = kb.types(iris)
    curated = _curated(kb)
    out = {}
    for iri in iris:
        lab = labels.get(iri, {})
        out[iri] = {
            "label_en": lab.get("en", ""), "label_zh_Hant": lab.get("zh-Hant", ""),
            "label_zh_Hans": lab.get("zh-Hans", ""), "type": types.get(iri, "Thing"), "curated": iri in curated,
        }
    return out


def _set_labels(graph: nx.MultiDiGraph, lang: str) -> nx.MultiDiGraph:
    for iri, data in graph.nodes(data=True):
        labels = {"en": data.get("label_en", ""), "zh-Hant": data.get("label_zh_Hant", ""),
                  "zh-Hans": data.get("label_zh_Hans", "")}
        data["label"] = pick_label(labels, lang, str(iri))
    graph.graph["lang"] = lang
    return graph


def _entity_graph(kb: GraphSource) -> nx.MultiDiGraph:
    facts: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in kb.store.query(_FACTS):
        pred = row["p"].value
        key = (row["s"].value, pred, row["o"].value)
        fact = facts.setdefault(key, {"sentences": set(), "confidence": 0.0})
        sid = sentence_id(row["sentence"].value) if row["sentence"] is not None else None
        if sid is not None:
            fact["sentences"].add(sid)
        if row["conf"] is not None:
            fact["confidence"] = max(fact["confidence"], float(row["conf"].value))
    graph = nx.MultiDiGraph(kind="entities")
    nodes = sorted({s for s, _, _ in facts} | {o for _, _, o in facts})
    for iri, attrs in _node_attrs(kb, nodes).items():
        graph.add_node(iri, **attrs)
    for (s, pred, o), fact in sorted(facts.items()):
        relation = term_name(pred)
        sentences = sorted(fact["sentences"])
        graph.add_edge(s, o, key=relation, relation=relation, predicate=pred, evidence=len(sentences),
                       sentences=sentences, confidence=round(fact["confidence"], 4))
    return graph


def _term_id(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)  # literals keep their N-Triples form so "1" and "1"^^xsd:int stay apart


def _full_graph(kb: GraphSource) -> nx.MultiDiGraph:
    """Every triple of the union graph; the same shape as rdflib's ``rdflib_to_networkx_multidigraph``
    (edges keyed by predicate IRI) but with plain strings as nodes, read straight from Oxigraph."""
    import pyoxigraph as ox

    graph = nx.MultiDiGraph(kind="full")
    seen: set[tuple[Any, Any, Any]] = set()
    iris: set[str] = set()
    for quad in kb.store.quads_for_pattern(None, None, None, None):
        triple = (quad.subject, quad.predicate, quad.object)
        if triple in seen:  # the same triple in several named graphs is one edge of the union
            continue
        seen.add(triple)
        s, o = _term_id(quad.subject), _term_id(quad.object)
        for term, node in ((quad.subject, s), (quad.object, o)):
            if node not in graph:
                if isinstance(term, ox.NamedNode):
                    graph.add_node(node, term="iri")
                    iris.add(node)
                elif isinstance(term, ox.Literal):
                    graph.add_node(node, term="literal", value=term.value, lang=term.language or "",
                                   datatype=term.datatype.value)
                else:
                    graph.add_node(node, term="bnode")
        pred = quad.predicate.value
        graph.add_edge(s, o, key=pred, predicate=pred, relation=local_name(pred))
    for iri, attrs in _node_attrs(kb, iris).items():
        graph.nodes[iri].update(attrs)
    return graph


def to_networkx(kb: GraphSource, kind: str = "entities", lang: str = "en") -> nx.MultiDiGraph:
    """The knowledge graph as a networkx ``MultiDiGraph`` with IRIs as nodes.

    Args:
        kb: an open :class:`~regenkg.kb.KnowledgeBase`.
        kind: ``"entities"``: entity-to-entity facts, one edge per (subject, relation, object) keyed by the
            relation's local name, with ``relation``, ``predicate`` (IRI), ``evidence`` (distinct sentences),
            ``sentences`` (their ids) and ``confidence`` (max). ``"full"``: every triple of the union graph,
            keyed by predicate IRI; literal nodes are in N-Triples form with a ``value`` attribute.
        lang: language of the ``label`` node attribute (``en``, ``zh-Hant``, ``zh-Hans``); it falls back
            across scripts. ``label_en``, ``label_zh_Hant``, ``label_zh_Hans``, ``type`` and ``curated``
            are always there.

    Raises:
        ConfigError: unknown ``kind`` or ``lang``.

    >>> g = kb.to_networkx(lang="zh-Hant")                                   # doctest: +SKIP
    >>> g.nodes["https://w3id.org/regenkg/id/company/novartis"]["label"]    # doctest: +SKIP
    '諾華'
    """
    _check(kind, lang)
    memo = _memo(kb)
    if kind not in memo:
        memo[kind] = _entity_graph(kb) if kind == "entities" else _full_graph(kb)
    return _set_labels(memo[kind].copy(), lang)


def resolve_entity(kb: GraphSource, entity: str, what: str = "entity") -> str:
    """The IRI of ``entity`` (label in any script, IRI or IRI suffix); :class:`QueryError` if unknown."""
    iri = kb.resolve(entity) if isinstance(entity, str) else None
    if iri is None:
        raise QueryError(f"unknown {what} {entity!r}: give a label (English or Chinese), an IRI, or an IRI "
                         "suffix such as 'company/novartis'")
    return iri


def neighbours(kb: GraphSource, entity: str, depth: int = 2, lang: str = "en") -> nx.MultiDiGraph:
    """The entity graph within ``depth`` hops of ``entity``, ignoring edge direction.

    Raises:
        QueryError: ``entity`` is not known to the knowledge base.
        ConfigError: ``depth`` is negative or ``lang`` unknown.
    """
    _check(lang=lang)
    if not isinstance(depth, int) or depth < 0:
        raise ConfigError(f"depth must be a whole number ≥ 0, got {depth!r}")
    iri = resolve_entity(kb, entity)
    graph = to_networkx(kb, "entities", lang)
    if iri not in graph:
        if iri not in _all_labels(kb) and iri not in kb.gazetteer.entities:
            raise QueryError(f"unknown entity {entity!r}: {iri} is not in this knowledge base")
        # Known but in no fact: a one-node graph, not an error.
        single = nx.MultiDiGraph(kind="entities", lang=lang)
        single.add_node(iri, **_node_attrs(kb, [iri])[iri])
        sub = _set_labels(single, lang)
    else:
        sub = nx.ego_graph(graph, iri, radius=depth, undirected=True)
    sub.graph["center"] = iri
    return sub


def partner_counts(kb: GraphSource, modality: str = "modality/cell-therapy", lang: str = "en",
                   types: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Companies ranked by how many distinct deal counterparts develop ``modality`` (or a narrower one).

    A counterpart is linked by ``partneredWith``, ``acquired``, ``hasAffiliate`` or ``licensedFrom`` in
    either direction. ``pandas.DataFrame(partner_counts(kb))`` makes a table of it.

    Args:
        kb: an open knowledge base.
        modality: the modality (label in any script, IRI or suffix such as ``modality/car-t``).
        lang: language of the ``label`` and ``partner_labels`` fields.
        types: keep only companies of these types (e.g. ``{"PharmaCompany"}``); default: all.

    Returns:
        Dicts with ``iri``, ``label``, ``type``, ``partners`` (count), ``partner_iris``, ``partner_labels``
        and ``relations`` (relation → count), most partners first.
    """
    _check(lang=lang)
    target = resolve_entity(kb, modality, "modality")
    closure = set(kb.gazetteer.narrower_closure(target)) | {target}
    graph = to_networkx(kb, "entities", lang)
    developers = {s for s, o, rel in graph.edges(keys=True) if rel == "develops" and o in closure}
    partners: dict[str, dict[str, set[str]]] = {}
    for s, o, rel in graph.edges(keys=True):
        if rel not in DEAL_RELATIONS or s == o:
            continue
        for company, other in ((s, o), (o, s)):
            if other in developers:
                partners.setdefault(company, {}).setdefault(other, set()).add(rel)
    keep = set(types) if types is not None else None
    rows = []
    for company, others in partners.items():
        node = graph.nodes[company]
        if keep is not None and node.get("type") not in keep:
            continue
        rel_counts: dict[str, int] = {}
        for rels in others.values():
            for rel in rels:
                rel_counts[rel] = rel_counts.get(rel, 0) + 1
        ordered = sorted(others, key=lambda i: graph.nodes[i]["label"])
        rows.append({"iri": company, "label": node["label"], "type": node.get("type", ""),
                     "partners": len(others), "partner_iris": ordered,
                     "partner_labels": [graph.nodes[i]["label"] for i in ordered], "relations": rel_counts})
    rows.sort(key=lambda r: (-r["partners"], r["label"]))
    return rows


@dataclass(frozen=True)
class GraphPath:
    """A path between two entities: the IRIs on it and each step's fact in its true direction."""

    nodes: tuple[str, ...]
    steps: tuple[tuple[str, str, str], ...]  # (subject, relation, object) as stored
    labels: dict[str, str]

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        parts = [self.labels.get(self.nodes[0], self.nodes[0])]
        for here, (s, rel, _o), there in zip(self.nodes, self.steps, self.nodes[1:]):
            arrow = f" —{rel}→ " if s == here else f" ←{rel}— "
            parts.append(arrow + self.labels.get(there, there))
        return "".join(parts)


def shortest_path(kb: GraphSource, a: str, b: str, lang: str = "en") -> GraphPath | None:
    """The shortest chain of facts linking ``a`` and ``b`` (direction ignored); ``None`` if unconnected.

    Each step keeps the fact as stored (subject, relation, object); where two entities share several
    relations, the one with the most evidence is shown.

    Raises:
        QueryError: ``a`` or ``b`` is not known.
    """
    _check(lang=lang)
    src, dst = resolve_entity(kb, a), resolve_entity(kb, b)
    graph = to_networkx(kb, "entities", lang)
    if src not in graph or dst not in graph:
        return None
    try:
        nodes = nx.shortest_path(graph.to_undirected(as_view=True), src, dst)
    except nx.NetworkXNoPath:
        return None
    steps = []
    for u, v in pairwise(nodes):
        options = [(d["evidence"], u, k, v) for k, d in graph.get_edge_data(u, v, default={}).items()]
        options += [(d["evidence"], v, k, u) for k, d in graph.get_edge_data(v, u, default={}).items()]
        _, s, rel, o = max(options, key=lambda t: (t[0], t[2]))
        steps.append((s, rel, o))
    return GraphPath(tuple(nodes), tuple(steps), {n: graph.nodes[n]["label"] for n in nodes})
