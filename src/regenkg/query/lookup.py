"""Graph lookups: labels, names, types, IRI resolution and entity views over one graph store.

:class:`GraphLookup` is the typed object the question planner receives (it satisfies
:class:`regenkg.query.ask.Lookup`), and what :class:`~regenkg.kb.KnowledgeBase` delegates its lookups to.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cached_property

import numpy as np
import pyoxigraph

from ..graph.match import Matcher
from ..graph.ontology import COMPANY_TYPES, Gazetteer
from ..graph.store import GraphStore
from ..graph.terms import RES, label_lang, sentence_id, sentence_iri, sparql_prefixes, term_name
from ..records import EntityView, Evidence, evidence_to_dict
from .bridge import RomanisedLabels
from .evidence import EvidenceRanker
from .understand import narrower_labels

__all__ = ["GraphLookup"]

_DISCOVERED = sparql_prefixes("rkg", "skos") + "SELECT ?e ?l WHERE { ?e rkg:curated false ; skos:prefLabel ?l }"
_LABELS = sparql_prefixes("skos") + "SELECT ?e ?l WHERE { %s ?e skos:prefLabel ?l }"
_RELATIONS = sparql_prefixes("rkg", "rdf", "prov") + """SELECT ?dir ?pred ?other ?sentence WHERE {
  %s
  { ?a rdf:subject ?e ; rdf:predicate ?pred ; rdf:object ?other . BIND("out" AS ?dir) }
  UNION { ?a rdf:subject ?other ; rdf:predicate ?pred ; rdf:object ?e . BIND("in" AS ?dir) }
  ?a a rkg:Assertion ; prov:wasDerivedFrom ?sentence .
}"""
_MENTIONS = sparql_prefixes("rkg") + "SELECT (COUNT(?s) AS ?n) WHERE { %s ?s rkg:mentions ?e }"
_MENTIONED_BY = sparql_prefixes("rkg") + "SELECT DISTINCT ?s WHERE { %s ?s rkg:mentions ?e } LIMIT %d"
_MENTIONED_AMONG = sparql_prefixes("rkg") + "SELECT ?s ?e WHERE { %s %s ?s rkg:mentions ?e }"


def entity_shares(found: Mapping[int, Collection[str]], wanted: Iterable[str], n: int,
                  rarity: bool) -> list[tuple[int, float]]:
    """Each sentence's share of the ``wanted`` entities it mentions (``found``: sentence id -> entities), best
    first. With ``rarity`` an entity weighs ``log(1 + n / df)``, ``df`` of the ``n`` candidates mentioning
    it, so that a question's rare company counts more than the modality most candidates name.

    Summed in IRI order: the same share for the same entities, whichever way they were found.
    """
    wanted = sorted(set(wanted))
    if rarity:
        sets = list(found.values())
        df = {e: sum([e in es for es in sets]) for e in wanted}
        weight = {e: math.log1p(n / max(1, df[e])) for e in wanted}
    else:
        weight = dict.fromkeys(wanted, 1.0)
    norm = sum(weight.values())
    shares = []
    for sid, es in found.items():
        # Most sentences mention one of the entities: its weight is the sum (``0 + w == w``), unsorted.
        if len(es) == 1:
            for e in es:
                shares.append((sid, weight[e] / norm))
        else:
            shares.append((sid, sum([weight[e] for e in sorted(es)]) / norm))
    shares.sort(key=lambda x: (-x[1], x[0]))
    return shares


def _values(iris: Sequence[str]) -> str:
    # pyoxigraph serialises (and so validates and escapes) each IRI: no user text is pasted into SPARQL.
    return "VALUES ?e { " + " ".join(str(pyoxigraph.NamedNode(i)) for i in iris) + " }"


class GraphLookup:
    """Labels, names, types and entities from a graph store and the curated gazetteer.

    Args:
        store: the graph (an in-memory Oxigraph store or a :class:`~regenkg.graph.remote.RemoteStore`).
        gazetteer: curated entities with labels, aliases and the SKOS hierarchy.
        evidence: ranks the sentences behind a fact.
        max_evidence: sentences kept per relation in :meth:`entity`.
    """

    #: Sentence ids :meth:`mentioned_in` keeps for one entity; one mentioned more often is looked up among
    #: a search's candidates each time (its set would take more memory and first read than it saves).
    MENTION_CACHE_LIMIT = 20_000
    #: Sentence ids kept over all entities (~45 bytes each).
    MENTION_CACHE_TOTAL = 200_000

    def __init__(self, store: GraphStore, gazetteer: Gazetteer, evidence: EvidenceRanker, *,
                 max_evidence: int = 3) -> None:
        self.store = store
        self.gazetteer = gazetteer
        self._evidence = evidence
        self.max_evidence = max_evidence
        self._labels: dict[str, dict[str, str]] = {}
        self._mentioned_in: OrderedDict[str, frozenset[int]] = OrderedDict()
        self._mentioned_in_size = 0
        self._mentioned_often: set[str] = set()

    @cached_property
    def discovered(self) -> dict[str, dict[str, str]]:
        """Labels of entities found in the text but absent from the gazetteer."""
        out: dict[str, dict[str, str]] = {}
        for row in self.store.query(_DISCOVERED):
            out.setdefault(row["e"].value, {})[row["l"].language or "en"] = row["l"].value
        return out

    @cached_property
    def meets(self) -> frozenset[str]:
        """The graph's concepts with two or more broader concepts (in vivo CAR-T: in vivo cell therapy and
        CAR-T), read once: only a question bound to one of them needs compose's meet branch."""
        rows = self.store.query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                                "SELECT DISTINCT ?t WHERE { ?t skos:broader ?a, ?b FILTER(?a != ?b) }")
        return frozenset(r[0].value for r in rows if r[0] is not None)

    @cached_property
    def narrower_labels(self) -> dict[str, dict[str, str]]:
        """Modality → {folded label of a narrower concept: its IRI}, for sub-modalities in questions."""
        return narrower_labels(self.gazetteer)

    @cached_property
    def kinds(self) -> dict[str, str]:
        """IRI → coarse type (``Company`` for every kind of company) of every known entity."""
        kinds = {iri: ("Company" if e.type in COMPANY_TYPES else e.type) for iri, e in self.gazetteer.entities.items()}
        kinds.update({iri: "Company" for iri in self.discovered})
        return kinds

    @cached_property
    def matcher(self) -> Matcher:
        """Finds curated and discovered names in text, in any script."""
        surfaces = list(self.gazetteer.surfaces())
        for iri, labels in self.discovered.items():
            surfaces += [(label, iri) for label in labels.values()]
        return Matcher(surfaces)

    @cached_property
    def romanised_labels(self) -> RomanisedLabels:
        """Finds the entities a query's romanised names spell ("Yaochen" → 曜辰生技), from the same labels."""
        surfaces = list(self.gazetteer.surfaces())
        for iri, labels in self.discovered.items():
            surfaces += [(label, iri) for label in labels.values()]
        return RomanisedLabels(surfaces)

    def narrower(self, iri: str) -> set[str]:
        """``iri`` and everything below it in the SKOS hierarchy."""
        return self.gazetteer.narrower_closure(iri)

    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]:
        """Preferred labels per language (``en``, ``zh-Hant``, ``zh-Hans``) for each IRI that has any."""
        if not iris:
            return {}
        # The graph of a snapshot never changes, so each IRI's labels are read once (as the discovered
        # entities are): the planner and the search's label bridge ask for the same few IRIs every question.
        cache = self._labels
        missing = [iri for iri in dict.fromkeys(iris) if iri not in cache]
        if missing:
            found: dict[str, dict[str, str]] = {}
            for row in self.store.query(_LABELS % _values(missing)):
                found.setdefault(row["e"].value, {}).setdefault(label_lang(row["l"].language), row["l"].value)
            for iri in missing:
                cache[iri] = found.get(iri, {})
        # Copies: an answer hands its labels to the caller, who may change them.
        return {iri: dict(cache[iri]) for iri in dict.fromkeys(iris) if cache[iri]}

    def mentioned_in(self, iris: Iterable[str]) -> dict[str, frozenset[int] | None]:
        """The ids of the sentences that mention (``rkg:mentions``) each IRI; ``None`` for an IRI mentioned
        more than :attr:`MENTION_CACHE_LIMIT` times (too many to keep; look it up among candidates).

        Read once per IRI, as the labels are: a search asks about the few entities its question names,
        and the same ones question after question. At most :attr:`MENTION_CACHE_TOTAL` ids are kept over
        all IRIs, the least recently asked IRI's dropped first.
        """
        wanted = list(dict.fromkeys(iris))
        cache = self._mentioned_in
        out: dict[str, frozenset[int] | None] = {}
        for iri in wanted:
            if iri in self._mentioned_often:
                out[iri] = None
            elif (hit := cache.get(iri)) is not None:
                cache.move_to_end(iri)
                out[iri] = hit
            else:
                # One IRI at a time with a LIMIT: an entity named in half the collection is never read whole.
                limit = self.MENTION_CACHE_LIMIT
                rows = list(self.store.query(_MENTIONED_BY % (_values([iri]), limit + 1)))
                if len(rows) > limit:
                    self._mentioned_often.add(iri)
                    out[iri] = None
                    continue
                sids = frozenset(sid for row in rows if (sid := sentence_id(row["s"].value)) is not None)
                out[iri] = cache[iri] = sids
                self._mentioned_in_size += len(sids)
                while self._mentioned_in_size > self.MENTION_CACHE_TOTAL and len(cache) > 1:
                    self._mentioned_in_size -= len(cache.popitem(last=False)[1])
        return out

    def mention_shares(self, matcher: Matcher, query: str, sentence_ids: Sequence[int],
                       rarity: bool = False) -> list[tuple[int, float]]:
        """:func:`regenkg.query.search.mention_shares` from the cached mentions of :meth:`mentioned_in`.

        The same result (the sentences among ``sentence_ids`` that mention entities ``query`` names, with
        the share of those entities each mentions, best first) without a SPARQL query listing every
        candidate sentence per search: that query's text, parse and join were a third of a warm search.
        Only an entity too often mentioned to keep is still looked up that way.
        """
        return self.mention_windows([m.iri for m in matcher.find(query)], sentence_ids, {}, rarity)[0]

    def mention_windows(self, iris: Iterable[str], sentence_ids: Sequence[int], previous: Mapping[int, int],
                        rarity: bool = False) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """:meth:`mention_shares` of the entities ``iris`` (those a query names), and the same shares over each
        sentence *and the one before it*.

        ``previous`` maps a sentence id to the sentence before it in its document (absent: none). The
        sentence that states a fact often names its subject only in the sentence before ("Its lead
        candidate …", "the company signed …"); its window of two sentences names both. Rarity counts
        each entity's candidates in the same way for both (``df`` over the windows in the second).

        >>> lookup = GraphLookup.__new__(GraphLookup)
        >>> lookup.mentioned_in = lambda iris: {"x:a": {1}, "x:b": {2}}
        >>> lookup.mention_windows(["x:a", "x:b"], [1, 2, 3], {2: 1, 3: 2})
        ([(1, 0.5), (2, 0.5)], [(2, 1.0), (1, 0.5), (3, 0.5)])
        """
        wanted = sorted(set(iris))
        if not wanted or not sentence_ids:
            return [], []
        # Each sentence whose mentions count for a candidate: the candidate itself and the one before it.
        covers: dict[int, list[int]] = {}
        for sid in dict.fromkeys(sentence_ids):
            covers.setdefault(sid, []).append(sid)
            before = previous.get(sid)
            if before is not None and before != sid:
                covers.setdefault(before, []).append(sid)
        own: dict[int, list[str]] = {}
        window: dict[int, set[str]] = {}

        def add(sid: int, iri: str) -> None:
            for target in covers.get(sid, ()):
                if target == sid:
                    own.setdefault(sid, []).append(iri)
                window.setdefault(target, set()).add(iri)

        often = []
        for iri, sids in self.mentioned_in(wanted).items():
            if sids is None:
                often.append(iri)
                continue
            for sid in sids & covers.keys():
                add(sid, iri)
        if often:
            among = "VALUES ?s { " + " ".join(f"<{sentence_iri(i)}>" for i in sorted(covers)) + " }"
            for row in self.store.query(_MENTIONED_AMONG % (_values(often), among)):
                if (among_sid := sentence_id(row["s"].value)) is not None:
                    add(among_sid, row["e"].value)
        n = len(sentence_ids)
        return entity_shares(own, wanted, n, rarity), entity_shares(window, wanted, n, rarity)

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]:
        """Every label and alias of each IRI (curated aliases included)."""
        out = {iri: list(v.values()) for iri, v in self.labels(iris).items()}
        for iri in iris:
            ent = self.gazetteer.entities.get(iri)
            if ent:
                out.setdefault(iri, []).extend(ent.aliases)
        return out

    def types(self, iris: Sequence[str]) -> dict[str, str]:
        """The type of each IRI: its curated class, ``Company`` if discovered, else ``Thing``."""
        out = {}
        for iri in iris:
            ent = self.gazetteer.entities.get(iri)
            out[iri] = ent.type if ent else ("Company" if iri in self.discovered else "Thing")
        return out

    def evidence(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]:
        """The sentences ``sentence_ids`` as evidence, most similar to ``qvec`` first."""
        return self._evidence(sentence_ids, qvec)

    def resolve(self, label_or_iri: str) -> str | None:
        """The IRI for a label in any language/script, an IRI, or an IRI suffix such as ``company/gsk``."""
        text = (label_or_iri or "").strip()
        if not text:
            return None
        if text.startswith(("http://", "https://")):
            return text
        if "/" in text and not text.startswith("/"):
            iri = str(RES) + text
            if iri in self.kinds:
                return iri
        matches = self.matcher.find(text)
        full = [m for m in matches if m.end - m.start == len(text)]
        if full:
            return full[0].iri
        return matches[0].iri if matches else None

    def entity(self, label_or_iri: str) -> EntityView | None:
        """An entity with its labels, type, mentions and relations with evidence; ``None`` if unknown."""
        iri = self.resolve(label_or_iri)
        if iri is None:
            return None
        try:
            values = _values([iri])
        except ValueError:
            return None
        rels: dict[tuple[str, str, str], list[int]] = {}
        for row in self.store.query(_RELATIONS % values):
            sid = sentence_id(row["sentence"].value)
            if sid is not None:
                key = (row["dir"].value, term_name(row["pred"].value), row["other"].value)
                rels.setdefault(key, []).append(sid)
        mentions = int(next(iter(self.store.query(_MENTIONS % values)))["n"].value)
        labels = self.labels([iri, *{k[2] for k in rels}])
        if iri not in labels and not rels and mentions == 0 and iri not in self.kinds:
            return None
        relations = []
        for (direction, pred, other), sids in sorted(rels.items()):
            ev = [evidence_to_dict(e) for e, _ in self.evidence(sorted(set(sids)), None)[: self.max_evidence]]
            relations.append({"predicate": pred, "direction": direction, "other": other,
                              "other_labels": labels.get(other, {}), "evidence": ev})
        ent = self.gazetteer.entities.get(iri)
        return EntityView(iri, self.types([iri])[iri], labels.get(iri, {}), ent is not None, tuple(relations),
                          mentions, ent.aliases if ent else ())
