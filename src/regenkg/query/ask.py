"""Questions → SPARQL templates (bound with VALUES) → answers ranked and proven by sentences."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyoxigraph

from ..graph.ontology import RES, RKG
from ..graph.store import GraphStore
from ..records import Answer, AnswerItem, Evidence, Hit, pick_label
from .understand import Question

__all__ = ["Planner", "Lookup", "Plan", "TEMPLATES", "PREFIXES", "pick_label"]

logger = logging.getLogger(__name__)

PREFIXES = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Each template returns ?answer ?pred ?sentence ?conf; ?target is bound by a VALUES block.
# "forward": the answer is the subject of the fact; "backward": the answer is its object.
_FORWARD = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?object skos:broader* ?target .
  ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?pred ; rdf:object ?object ;
     prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
}"""
_BACKWARD = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?subject skos:broader* ?target .
  ?a a rkg:Assertion ; rdf:subject ?subject ; rdf:predicate ?pred ; rdf:object ?answer ;
     prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
}"""
_BOTH = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  { ?a rdf:subject ?target ; rdf:object ?answer } UNION { ?a rdf:subject ?answer ; rdf:object ?target }
  ?a a rkg:Assertion ; rdf:predicate ?pred ; prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
}"""
_COMPANIES_IN = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  {
    ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?pred ; rdf:object ?object ;
       prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
    ?object skos:broader* ?target .
    FILTER(?pred IN (rkg:operatesIn, rkg:develops))
  } UNION {
    ?answer a ?cls . ?cls rdfs:subClassOf* rkg:CDMO . BIND(rkg:operatesIn AS ?pred)
    FILTER(?target = <https://w3id.org/regenkg/id/segment/cdmo>)
    OPTIONAL { ?sentence rkg:mentions ?answer } BIND(0.6 AS ?conf)
  }
  %(country)s
}"""
_COUNTRY = """{ ?answer rkg:headquarteredIn ?country } UNION
  { ?c a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate rkg:headquarteredIn ; rdf:object ?country }"""
_IN_COUNTRY = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  { ?answer rkg:headquarteredIn ?country . BIND(rkg:headquarteredIn AS ?pred) BIND(0.9 AS ?conf)
    OPTIONAL { ?sentence rkg:mentions ?answer } }
  UNION
  { ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate rkg:headquarteredIn ; rdf:object ?country ;
       prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf . BIND(rkg:headquarteredIn AS ?pred) }
}"""
_MENTIONS = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  BIND(?target AS ?answer) BIND(rkg:mentions AS ?pred) BIND(1.0 AS ?conf)
  ?sentence rkg:mentions ?target .
}"""
_REG_BY_COUNTRY = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?answer a rkg:Regulation ; rkg:jurisdiction ?target .
  OPTIONAL { ?sentence rkg:mentions ?answer }
  BIND(rkg:mentions AS ?pred) BIND(0.8 AS ?conf)
}"""
_ALL_REGULATIONS = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  ?answer a rkg:Regulation .
  OPTIONAL { ?sentence rkg:mentions ?answer }
  BIND(rkg:mentions AS ?pred) BIND(0.8 AS ?conf)
}"""
_MARKET = """SELECT ?answer ?pred ?sentence ?conf WHERE {
  %(values)s
  ?answer a rkg:MarketFigure ; rkg:subject ?subject ; prov:wasDerivedFrom ?sentence .
  ?subject skos:broader* ?target .
  BIND(rkg:amount AS ?pred) BIND(0.8 AS ?conf)
}"""

TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    # intent: (template, predicates)
    "who_develops": (_FORWARD, ("develops",)),
    "what_develops": (_BACKWARD, ("develops",)),
    "acquirer_of": (_BACKWARD, ("acquired", "hasAffiliate")),
    "acquired_by": (_FORWARD, ("acquired", "hasAffiliate")),
    "partners_of": (_BOTH, ("partneredWith", "licensedFrom")),
    "targets_indication": (_FORWARD, ("targets",)),
    "indications_of": (_BACKWARD, ("targets",)),
    "modalities_for": (_FORWARD, ("treats",)),
    "modality_treats": (_BACKWARD, ("treats",)),
    "companies_in": (_COMPANIES_IN, ()),
    "regulation": (_MENTIONS, ()),
    "market": (_MARKET, ()),
}


@dataclass(frozen=True)
class Plan:
    intent: str
    sparql: str
    targets: tuple[str, ...]


_STOP_GRAMS = {"the", "of", "and", "for", "which", "what", "law", "act", "regulation", "regulations", "does",
               "did", "is", "in", "on", "法规", "法律", "哪部", "哪项", "什么", "依据", "的是"}


def _grams(text: str) -> set[str]:
    """English words and Chinese character pairs, for name overlap."""
    import re as _re

    out = {w for w in _re.findall(r"[a-z0-9]+", text) if len(w) > 2}
    for run in _re.findall(r"[\u3400-\u9fff]+", text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out - _STOP_GRAMS


def countries_of(t: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(t.get("Country", ()))


def _values(var: str, terms: Sequence[str]) -> str:
    # Terms are IRIs from our own gazetteer, serialised by pyoxigraph (which validates and escapes them).
    return f"VALUES ?{var} {{ {' '.join(str(pyoxigraph.NamedNode(t)) for t in terms)} }}"


class Lookup(Protocol):
    """What the planner reads besides the store (:class:`regenkg.query.lookup.GraphLookup` is one)."""

    def narrower(self, iri: str) -> set[str]: ...

    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]: ...

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]: ...

    def types(self, iris: Sequence[str]) -> dict[str, str]: ...

    def evidence(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]: ...


class Planner:
    """Turn a :class:`Question` into SPARQL, run it, and assemble ranked, evidenced answers."""

    def __init__(self, store: GraphStore, lookup: Lookup, *, max_evidence: int = 3,
                 evidence_weight: float = 0.5) -> None:
        self.store = store
        self.lookup = lookup
        self.max_evidence = max_evidence
        self.evidence_weight = evidence_weight

    def plan(self, q: Question) -> Plan | None:
        if q.intent is None:
            return None
        template, preds = TEMPLATES[q.intent]
        t = q.by_type
        if q.intent in ("who_develops", "modality_treats"):
            targets = t.get("Modality", ())
        elif q.intent in ("targets_indication", "modalities_for"):
            targets = t.get("Indication", ())
        elif q.intent in ("what_develops", "acquirer_of", "acquired_by", "partners_of", "indications_of"):
            targets = t.get("Company", ())[:1]
        elif q.intent == "companies_in":
            targets = t.get("Segment", ()) or t.get("Modality", ())
        elif q.intent == "regulation":
            targets = t.get("Regulation", ())
            if not targets:
                if countries_of(t):
                    sparql = PREFIXES + _REG_BY_COUNTRY % {"values": _values("target", countries_of(t))}
                    return Plan(q.intent, sparql, countries_of(t))
                return Plan(q.intent, PREFIXES + _ALL_REGULATIONS, ())
        elif q.intent == "market":
            targets = t.get("Modality", ()) or (str(RES["modality/regenerative-medicine"]),)
        else:
            targets = ()
        countries = t.get("Country", ())
        if q.intent == "companies_in" and not targets:
            if not countries:
                return None
            sparql = PREFIXES + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + _IN_COUNTRY % {
                "values": _values("country", countries)}
            return Plan(q.intent, sparql, tuple(countries))
        if not targets:
            return None
        values = _values("target", targets)
        if preds:
            values += "\n  VALUES ?pred { " + " ".join(f"rkg:{p}" for p in preds) + " }"
        country = ""
        if q.intent == "companies_in" and countries:
            values += "\n  " + _values("country", countries)
            country = _COUNTRY
        sparql = PREFIXES + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + template % {
            "values": values, "country": country}
        return Plan(q.intent, sparql, tuple(targets))

    def answer(self, q: Question, qvec: np.ndarray | None, passages: tuple[Hit, ...] = ()) -> Answer:
        plan = self.plan(q)
        if plan is None:
            return Answer(q.text, q.intent, q.entities, (), None, passages, q.lang)
        rows = self.store.query(plan.sparql)
        facts: dict[str, dict[str, list[tuple[int | None, float]]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            answer = row["answer"]
            if not isinstance(answer, pyoxigraph.NamedNode):
                continue
            pred = row["pred"].value.rsplit("#", 1)[-1] if row["pred"] is not None else "mentions"
            sent = row["sentence"]
            sid = int(sent.value.rsplit("/", 1)[-1]) if isinstance(sent, pyoxigraph.NamedNode) and \
                "/sentence/" in sent.value else None
            conf = float(row["conf"].value) if row["conf"] is not None else 0.5
            facts[answer.value][pred].append((sid, conf))
        if q.intent in ("acquirer_of", "acquired_by"):
            facts = self._drop_partner_affiliates(facts, plan.targets[0])
            # "X(Y)" says only that Y belongs with X; when the text states acquisitions outright, those win.
            if any("acquired" in by_pred for by_pred in facts.values()):
                facts = {iri: by_pred for iri, by_pred in facts.items() if "acquired" in by_pred}
        # Never answer with the thing asked about (e.g. a modality's own narrower concept), except regulations.
        if q.intent not in ("regulation", "market"):
            for t in plan.targets:
                facts.pop(t, None)
        if q.intent in ("what_develops", "modality_treats", "indications_of", "modalities_for"):
            # "immune cell therapy" adds nothing next to the γδ-T and CAR-T it contains: keep the specific.
            facts = {iri: f for iri, f in facts.items()
                     if not (self.lookup.narrower(iri) - {iri}) & set(facts)}
        iris = list(facts)
        labels = self.lookup.labels(iris)

        types = self.lookup.types(iris)
        items: list[AnswerItem] = []
        for iri, by_pred in facts.items():
            pred = max(by_pred, key=lambda p: (p != "hasAffiliate", len(by_pred[p])))
            sids = sorted({sid for p in by_pred for sid, _ in by_pred[p] if sid is not None})
            conf = max(c for p in by_pred for _, c in by_pred[p])
            ev = self.lookup.evidence(sids, qvec)
            best = max((s for _, s in ev), default=0.0)
            score = conf + self.evidence_weight * best + 0.05 * min(len(sids), 5)
            lab = labels.get(iri, {})
            label = pick_label(lab, q.lang, iri)
            if q.intent == "regulation":
                pred = self._enacted(iri) or pred
            items.append(AnswerItem(iri, label, lab, types.get(iri, "Thing"), pred, round(score, 4),
                                    tuple(e for e, _ in ev[: self.max_evidence])))
        if q.intent == "regulation":
            items = self._regulation_filter(q, items)
        items.sort(key=lambda a: (-a.score, a.label))
        return Answer(q.text, q.intent, q.entities, tuple(items), plan.sparql, passages, q.lang)

    def _regulation_filter(self, q: Question, items: list[AnswerItem]) -> list[AnswerItem]:
        """Among candidate regulations keep those the question is about.

        In order, each step applied only when it keeps something: a year in the question (the enactment
        date or an evidence sentence has it), the topic (a modality named in the question appears in the
        regulation's name), then word/character-pair overlap with the regulation's names and aliases.
        """
        import re as _re

        from ..graph.match import fold_aligned

        if q.by_type.get("Regulation") or len(items) <= 1:
            return items
        year = _re.search(r"(?<!\d)(19|20)\d\d(?!\d)", q.text)
        if year:
            kept = [i for i in items if year.group(0) in i.relation or any(year.group(0) in e.text for e in i.evidence)]
            items = kept or items
        topics = q.by_type.get("Modality", ())
        if topics and len(items) > 1:
            words = {fold_aligned(v) for lab in self.lookup.labels(list(topics)).values() for v in lab.values()}
            kept = [i for i in items if any(w in fold_aligned(v) for v in i.labels.values() for w in words)]
            if kept:
                return kept
        if len(items) > 1:
            qgrams = _grams(fold_aligned(q.text))
            names = self.lookup.names([i.iri for i in items])
            overlap = {i.iri: len(qgrams & set().union(*(_grams(fold_aligned(n)) for n in names.get(i.iri, [""]))))
                       for i in items}
            best = max(overlap.values())
            if best > 0:
                items = [i for i in items if overlap[i.iri] == best]
        # "哪部法律" / "which law": one is asked for; the best-evidenced one answers.
        if len(items) > 1 and _re.search(r"哪部|哪项|哪一|\bwhich (?:law|act|regulation|rule)\b", fold_aligned(q.text)):
            items = [max(items, key=lambda i: i.score)]
        return items

    def _enacted(self, iri: str) -> str | None:
        res = self.store.query(PREFIXES + "SELECT ?d WHERE { " + _values("r", [iri]) + " ?r rkg:date ?d } LIMIT 1",
                               )
        for row in res:
            return f"enacted {row['d'].value}"
        return None

    def _drop_partner_affiliates(self, facts, target: str):
        """``Parent(Child)`` is only offered as an acquisition when no partnership/licence says otherwise."""
        out = {}
        for iri, by_pred in facts.items():
            if set(by_pred) == {"hasAffiliate"}:
                ask = (PREFIXES + "ASK { " + _values("x", [iri]) + " " + _values("y", [target]) +
                       " { ?a rdf:subject ?x ; rdf:object ?y } UNION { ?a rdf:subject ?y ; "
                       "rdf:object ?x } ?a rdf:predicate ?p . FILTER(?p IN (rkg:partneredWith, rkg:licensedFrom)) }")
                res = self.store.query(ask)
                if bool(res):
                    continue
            out[iri] = by_pred
        return out


__all__ += ["RKG"]
