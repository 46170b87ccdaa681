"""Answers about the parties of a fact: the other party, relations between two named ends, follow-ups.

:class:`PartyAnswers` is mixed into :class:`~regenkg.query.ask.Planner`: "…, and by whom?" adds the other end
of each answering fact, "did A acquire B?" reads every relation stated between A and B, and a follow-up
question ("這家公司源自哪所大學？") is asked of the first question's answers. Statuses and inverse relations
are rendered here too, in the asker's script where the ontology labels them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pyoxigraph

from ..graph.ontology import RKG, sentence_iri
from ..records import AnswerItem, pick_label
from .compose import PREFIXES, compose, values
from .facts import Lookup, Plan, _Fact
from .question import DEAL_RELATIONS, STATUSES, Question, Slot, TypedQuery
from .templates import TEMPLATES

__all__ = ["PartyAnswers", "inverse_verb", "status_label"]

# A party's unit or parent: the relations that make two companies one group.
_GROUP = ("acquired", "hasAffiliate")
# Parties a question may ask for by their class ("合作醫院是哪家", "which hospitals").
_PARTY_CLASSES = frozenset({"Hospital", "University"})


def status_label(status: str, lang: str) -> str:
    """A deal status as the ontology labels it in the asker's script ("rumoured, not confirmed", "終止")."""
    return _status_labels().get(status, {}).get(lang) or status.lower()


@lru_cache(maxsize=1)
def _status_labels() -> dict[str, dict[str, str]]:
    from rdflib import URIRef

    from ..graph.ontology import RDFS, default_gazetteer
    from ..graph.terms import label_lang

    graph = default_gazetteer().graph
    out: dict[str, dict[str, str]] = {}
    for status in STATUSES:
        for lit in graph.objects(URIRef(str(RKG._NS) + status), RDFS.label):
            lang = getattr(lit, "language", None)
            if lang:
                out.setdefault(status, {}).setdefault(label_lang(lang), str(lit))
    return out


# How a relation reads from its object's side ("Tmunity: acquired by Kite", "Penn: parent of Tmunity").
_INVERSE_VERB = {"acquired": "acquired by", "licensedFrom": "licensed to", "soldTo": "bought from",
                 "spunOutFrom": "parent of", "exited": "exited by", "targets": "targeted by",
                 "develops": "developed by", "hasAffiliate": "affiliate of", "operatesIn": "has",
                 "productOf": "maker of"}


def inverse_verb(pred: str) -> str:
    """``pred`` as read from its object ("acquired" → "acquired by"); symmetric relations read the same."""
    if pred in ("partneredWith", "jointVentureWith"):
        return pred
    return _INVERSE_VERB.get(pred, f"{pred} by")


class PartyAnswers:
    """Planner steps for the parties of a fact (see the module docstring); needs the planner's attributes."""

    store: Any
    lookup: Lookup
    max_evidence: int

    if TYPE_CHECKING:  # the Planner's own steps, which these build on
        def _collect(self, rows: Any) -> dict[str, list[_Fact]]: ...

        def _items(self, q: Question, plan: Plan, facts: dict[str, list[_Fact]], qvec: np.ndarray | None,
                   notes: list[str]) -> list[AnswerItem]: ...

    def _follow_up_items(self, q: Question, plan: Plan, items: list[AnswerItem], qvec: np.ndarray | None,
                         notes: list[str]) -> list[AnswerItem]:
        """Answers of the follow-up questions, asked of the first question's answers.

        The follow-up is about the organisations the first question answered ("這家公司源自哪所大學"); when
        it answered no organisation (a modality, a disease) it is about the company the first one named.
        """
        from ..graph.ontology import COMPANY_TYPES

        tq = q.query
        assert tq is not None
        parties = COMPANY_TYPES | {"Hospital", "University"}
        answered = [i for i in items if i.evidence]
        if not answered:
            notes.append("the follow-up question is asked of the first one's answers, and it has none")
            return []
        about = [i.iri for i in answered if i.type in parties]
        if tq.subject.kind in _PARTY_CLASSES and not tq.subject.anchors:
            # The hospitals were asked for ("在哪些醫院開展試驗？分別針對什麼疾病"): the diseases are the company's.
            about = []
        if not about:
            about = [a for a in (*tq.subject.anchors, *tq.object.anchors, *tq.compare)
                     if q.by_type.get("Company") and a in q.by_type["Company"]]
        if not about:
            notes.append("the follow-up question names no organisation to be asked of")
            return []
        out: list[AnswerItem] = []
        seen = {i.iri for i in items}
        products = tuple(a for a in tq.subject.anchors if a in q.by_type.get("Product", ()))
        for rel, end in tq.follow_ups:
            if rel == "targets" and products:
                # "whose product is X? what does it treat?": the product's indications, not its maker's.
                sub = replace(q, intent="product_indications")
                fplan = Plan("product_indications", PREFIXES + TEMPLATES["product_indications"]
                             % {"values": values("target", products)}, products)
                facts = self._collect(self.store.query(fplan.sparql))
                out += [i for i in self._items(sub, fplan, facts, qvec, notes) if i.iri not in seen and i.evidence]
                seen |= {i.iri for i in out}
                continue
            bound = Slot(anchors=tuple(about))
            fq = TypedQuery((rel,), end, subject=bound if end in ("object", "either") else Slot(),
                            object=bound if end == "subject" else Slot())
            composed = compose(fq, affiliates=rel == "acquired")
            if composed is None:
                continue
            intent = {"targets": "indications_of", "develops": "what_develops", "acquired": "acquired_by",
                      "partneredWith": "partners_of"}.get(rel, "deals")
            sub = replace(q, intent=intent, query=fq)
            fplan = Plan(intent, composed.sparql, tuple(about), composed=True)
            facts = self._collect(self.store.query(composed.sparql))
            for item in self._items(sub, fplan, facts, qvec, notes):
                if item.iri not in seen and item.evidence:
                    seen.add(item.iri)
                    out.append(item)
        return out

    def _between(self, q: Question, facts: dict[str, list[_Fact]], notes: list[str]) -> dict[str, list[_Fact]]:
        """Add every relation the index states between the two named ends ("did A acquire B?").

        The asked relation's own facts stay; when it has none, the others answer instead and a note says
        the asked relation is not stated, so "是否收购" is answered "no: an option deal" rather than nothing.
        """
        tq = q.query
        assert tq is not None
        ans, other = tq.answer_slot.anchors, tq.other_slot.anchors
        sparql = PREFIXES + f"""SELECT ?answer ?other ?pred ?dir ?sentence ?conf ?status ?year ?date ?amount ?currency ?amountKind WHERE {{
  {values("answer", ans)} {values("other", other)}
  {{ {{ ?a rdf:subject ?answer ; rdf:object ?other . BIND("s" AS ?dir) }} UNION {{ ?a rdf:subject ?other ; rdf:object ?answer . BIND("o" AS ?dir) }}
     ?a a rkg:Assertion ; rdf:predicate ?pred ; prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf . }}
  UNION
  {{ ?d a rkg:Deal ; rkg:dealKind ?kind ; rkg:status ?status ; prov:wasDerivedFrom ?sentence ; ?r1 ?answer ; ?r2 ?other .
     FILTER(?r1 != ?r2 || ?answer != ?other)
     OPTIONAL {{ ?d rkg:amount ?amount }} OPTIONAL {{ ?d rkg:currency ?currency }}
     OPTIONAL {{ ?d rkg:amountKind ?amountKind }} OPTIONAL {{ ?d rkg:year ?year }} OPTIONAL {{ ?d rkg:date ?date }}
     BIND(IF(?r1 IN (rkg:acquirer, rkg:licensee, rkg:seller, rkg:spinOut), "s", "o") AS ?dir)
     BIND(?kind AS ?pred) BIND(0.9 AS ?conf) }}
  FILTER(?answer != ?other)
}}"""
        found = self._collect(self.store.query(sparql))
        kind_rel = {kind: rel for rel, (kind, _, _) in DEAL_RELATIONS.items()}
        for fs in found.values():
            for f in fs:
                f.pred = kind_rel.get(f.pred, f.pred[:1].lower() + f.pred[1:])  # Option → option
        asked = set(tq.relations)
        if not any(f.pred in asked and (f.status is None or f.status in ("Announced", "Completed"))
                   for fs in (*facts.values(), *found.values()) for f in fs):
            said = {f.pred + (f" ({status_label(f.status, 'en')})" if f.status else "")
                    for fs in found.values() for f in fs}
            notes.append(f"no {'/'.join(tq.relations)} fact is stated between them"
                         + (f"; what the index states: {', '.join(sorted(said))}" if said else ""))
        out = {k: list(v) for k, v in facts.items()}
        for iri, fs in found.items():
            seen = {(f.pred, f.sid) for f in out.get(iri, [])}
            out.setdefault(iri, []).extend(f for f in fs if (f.pred, f.sid) not in seen)
        return out

    def _with_other_parties(self, q: Question, facts: dict[str, list[_Fact]], items: list[AnswerItem],
                            qvec: np.ndarray | None) -> list[AnswerItem]:
        """The other end of each answering fact as an answer too ("…, and by whom?"), proven by the same sentence."""
        shown = {i.iri: i for i in items}
        tq = q.query
        named = set(tq.subject.anchors) | set(tq.object.anchors) if tq is not None else set()
        by_other: dict[str, list[tuple[str, _Fact]]] = defaultdict(list)
        for iri, fs in facts.items():
            if iri not in shown:
                continue
            for f in fs:
                # The question named that end itself: it is not an answer ("to whom was X sold").
                if f.other and f.other not in shown and f.other not in named and f.sid is not None:
                    by_other[f.other].append((iri, f))
        if not by_other:
            return items
        labels = self.lookup.labels(list(by_other) + list(shown))
        types = self.lookup.types(list(by_other))
        out = list(items)
        for other, pairs in by_other.items():
            ev = self.lookup.evidence(sorted({f.sid for _, f in pairs if f.sid is not None}), qvec)
            if not ev:
                continue
            parts = []
            for iri, f in pairs[:3]:
                name = pick_label(labels.get(iri, {}), q.lang, iri)
                verb = f.pred if f.answer_is_subject is False else inverse_verb(f.pred)
                parts.append(f"{verb} {name}" + (f" ({status_label(f.status, q.lang)})" if f.status else ""))
            # Ranked just below the answers they belong to.
            score = min(shown[i].score for i, _ in pairs) - 0.001
            lab = labels.get(other, {})
            out.append(AnswerItem(other, pick_label(lab, q.lang, other), lab, types.get(other, "Thing"),
                                  "; ".join(dict.fromkeys(parts)), round(score, 4),
                                  tuple(e for e, _ in ev[: self.max_evidence])))
        return out

    def _with_units(self, q: Question, facts: dict[str, list[_Fact]], items: list[AnswerItem],
                    qvec: np.ndarray | None) -> list[AnswerItem]:
        """A party's unit or parent named in the same sentence as an answer too ("Gilead and its Kite unit
        ended …": both are parties of the ended collaboration, whichever of them the fact was read for).

        One query over the answering facts' sentences: the companies each sentence mentions that own or
        belong to a party (``acquired`` / ``hasAffiliate``, stated anywhere in the index).
        """
        shown = {i.iri: i for i in items}
        pairs: set[tuple[str, int]] = set()
        for iri, fs in facts.items():
            if iri not in shown:
                continue
            for f in fs:
                if f.sid is None:
                    continue
                pairs.add((iri, f.sid))
                if f.other and f.other in shown:
                    pairs.add((f.other, f.sid))
        if not pairs:
            return items
        rows = " ".join(f"({pyoxigraph.NamedNode(iri)} {pyoxigraph.NamedNode(str(sentence_iri(sid)))})"
                        for iri, sid in sorted(pairs))
        sparql = PREFIXES + f"""SELECT ?answer ?other ?pred ?dir ?sentence ?conf WHERE {{
  VALUES (?other ?sentence) {{ {rows} }}
  ?sentence rkg:mentions ?answer . FILTER(?answer != ?other)
  {{ ?a rdf:subject ?answer ; rdf:object ?other . BIND("s" AS ?dir) }}
  UNION {{ ?a rdf:subject ?other ; rdf:object ?answer . BIND("o" AS ?dir) }}
  ?a a rkg:Assertion ; rdf:predicate ?pred . FILTER(?pred IN ({", ".join(f"rkg:{p}" for p in _GROUP)}))
  BIND(0.8 AS ?conf)
}}"""
        found = {k: v for k, v in self._collect(self.store.query(sparql)).items() if k not in shown}
        if not found:
            return items
        labels = self.lookup.labels(list(found) + list(shown))
        types = self.lookup.types(list(found))
        out = list(items)
        for unit, fs in found.items():
            ev = self.lookup.evidence(sorted({f.sid for f in fs if f.sid is not None}), qvec)
            if not ev:
                continue
            parts = [f"{f.pred if f.answer_is_subject else inverse_verb(f.pred)} "
                     f"{pick_label(labels.get(f.other or '', {}), q.lang, f.other or '')}" for f in fs]
            score = min(shown[f.other].score for f in fs if f.other in shown) - 0.002
            lab = labels.get(unit, {})
            out.append(AnswerItem(unit, pick_label(lab, q.lang, unit), lab, types.get(unit, "Thing"),
                                  "; ".join(dict.fromkeys(parts)), round(score, 4),
                                  tuple(e for e, _ in ev[: self.max_evidence])))
        return out
