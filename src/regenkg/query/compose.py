"""Typed question → SPARQL: one composed query per :class:`~regenkg.query.question.TypedQuery`.

The query reads facts from two shapes of the graph and unions them:

* reified assertions (``?a a rkg:Assertion ; rdf:subject ; rdf:predicate ; rdf:object ; prov:wasDerivedFrom``),
  which the extractor makes only from positive, non-hedged statements;
* deal events (``?d a rkg:Deal ; rkg:dealKind ; rkg:status ; <role> ?party ; prov:wasDerivedFrom``) with their
  amount, currency, date and year — the only place a terminated, denied or rumoured deal exists.

Every entity the question names is bound with ``VALUES`` (serialised by pyoxigraph, which validates and
escapes IRIs); no word of the question is ever formatted into the query text. Each row carries
``?answer ?other ?pred ?sentence ?conf`` and, when known, ``?status ?year ?date ?amount ?currency
?amountKind`` and the sentences of a second hop (``?hop1`` …), so the planner can prove every part of a
chained answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pyoxigraph

from .question import DEAL_RELATIONS, Slot, TypedQuery

__all__ = ["POSITIVE_STATUSES", "PREFIXES", "SYMMETRIC", "Composed", "compose", "values"]

PREFIXES = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SYMMETRIC = frozenset({"partneredWith", "jointVentureWith"})
POSITIVE_STATUSES = ("Announced", "Completed")
# The assertion predicates a relation is read from (an affiliate "X(Y)" may stand for an acquisition).
_ASSERTED = {"acquired": ("acquired", "hasAffiliate")}
# Relations that state the same transfer read from the other side: whoever acquired a business or took a
# licence had it sold or granted to them ("X sold its rights to Y" is written "Y acquired/licensed … from X").
INVERSE_SYNONYMS = {"soldTo": ("acquired", "licensedFrom")}
HOP_VARS = ("hop1", "hop2")
# The segment whose companies are a class of their own (a CDMO is in the CDMO segment by being one).
_SEGMENT_CLASS = {"https://w3id.org/regenkg/id/segment/cdmo": "CDMO"}


@dataclass(frozen=True)
class Composed:
    """A composed query and what its rows mean."""

    sparql: str
    relations: tuple[str, ...]
    answer: str
    uses_deals: bool
    compare: bool = False


def values(var: str, terms: Sequence[str]) -> str:
    """``VALUES ?var { <iri> … }`` with every IRI checked and escaped by pyoxigraph."""
    return f"VALUES ?{var} {{ {' '.join(str(pyoxigraph.NamedNode(t)) for t in terms)} }}"


def _rkg(names: Sequence[str]) -> str:
    return " ".join(f"rkg:{n}" for n in names)


def _assertion_branch(rel: str, s: str, o: str, both_ways: bool, affiliates: bool) -> str:
    preds = _ASSERTED.get(rel, (rel,)) if affiliates else (rel,)
    core = (f"?a a rkg:Assertion ; rdf:predicate ?pred ; prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .\n"
            f"      VALUES ?pred {{ {_rkg(preds)} }}")
    # ?dir says whether ?answer is the fact's subject ("s") or object ("o"), so an answer reads the right way.
    # The BIND comes last: in the middle it would cut the pattern in two and the store would read every
    # assertion's subject and object before joining the predicate.
    if both_ways:
        return (f"{{ ?a rdf:subject {s} ; rdf:object {o} .\n      {core} BIND({_dir(s)} AS ?dir) }} UNION\n"
                f"      {{ ?a rdf:subject {o} ; rdf:object {s} .\n      {core} BIND({_dir(o)} AS ?dir) }}")
    return f"?a rdf:subject {s} ; rdf:object {o} .\n      {core}\n      BIND({_dir(s)} AS ?dir)"


def _dir(first: str) -> str:
    return '"s"' if first == "?answer" else '"o"'


def _deal_branch(rel: str, s: str, o: str, statuses: Sequence[str], both_ways: bool) -> str:
    kind, srole, orole = DEAL_RELATIONS[rel]
    if srole == orole:
        parties = f"?d rkg:{srole} {s} , {o} . FILTER({s} != {o}) BIND({_dir(s)} AS ?dir)"
    elif both_ways:
        parties = (f"{{ ?d rkg:{srole} {s} ; rkg:{orole} {o} . BIND({_dir(s)} AS ?dir) }} UNION "
                   f"{{ ?d rkg:{srole} {o} ; rkg:{orole} {s} . BIND({_dir(o)} AS ?dir) }}")
    else:
        parties = f"?d rkg:{srole} {s} ; rkg:{orole} {o} . BIND({_dir(s)} AS ?dir)"
    status = (f"VALUES ?status {{ {_rkg(statuses)} }}" if statuses
              else f"FILTER(?status IN ({', '.join('rkg:' + x for x in POSITIVE_STATUSES)}))")
    return (f"?d a rkg:Deal ; rkg:dealKind rkg:{kind} ; rkg:status ?status ; prov:wasDerivedFrom ?sentence .\n"
            f"      {parties}\n      {status}\n"
            f"      OPTIONAL {{ ?d rkg:amount ?amount }} OPTIONAL {{ ?d rkg:currency ?currency }}\n"
            f"      OPTIONAL {{ ?d rkg:amountKind ?amountKind }} OPTIONAL {{ ?d rkg:year ?year }}\n"
            f"      OPTIONAL {{ ?d rkg:date ?date }}\n"
            f"      BIND(rkg:{rel} AS ?pred) BIND(0.9 AS ?conf)")


def _anchor(var: str, slot: Slot, name: str) -> str:
    # Concepts answer for everything below them (cell therapy includes CAR-T); a company is itself.
    return f"{values(name, slot.anchors)}\n  {var} skos:broader* ?{name} ."


def _bound_anchor(slot: Slot, meets: Collection[str] | None) -> str:
    """The bound end ?other is ?target or under it; or ?target is the meet of two broader concepts and the
    answer's facts of one sentence are under both ("in vivo cell therapies, including CAR-T" is in vivo
    CAR-T, whose broader concepts are in vivo cell therapy and CAR-T; either alone is not).

    The second branch binds nothing unless ?target has two broader concepts. Written only when one of the
    anchors does (``meets``: the concepts with two or more broader ones; ``None`` = not known, always
    written): the store evaluates the branch's assertion pattern before the join, ~5 ms a question.
    """
    v = values("target", slot.anchors)
    if meets is not None and not any(a in meets for a in slot.anchors):
        return f"{v}\n  ?other skos:broader* ?target ."
    return (f"{{ {v} ?other skos:broader* ?target }}\n  UNION {{ {v} ?target skos:broader ?tB1, ?tB2 ."
            " FILTER(?tB1 != ?tB2)\n    ?other skos:broader* ?tB1 .\n"
            "    ?tI a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate rkg:develops ; rdf:object ?tM ;"
            " prov:wasDerivedFrom ?sentence . ?tM skos:broader* ?tB2 }")


def _slot_filters(var: str, slot: Slot, tag: str, meets: Collection[str] | None = None) -> tuple[str, list[str]]:
    """Constraints on one end of the relation; returns the patterns and the hop evidence variables."""
    parts: list[str] = []
    hops: list[str] = []
    if slot.anchors:
        # The bound end is ?target (as in every query regenkg has shown users); a bound answer end is ?answerAnchor.
        parts.append(_bound_anchor(slot, meets) if tag == "other" and var == "?other" else
                     _anchor(var, slot, "target" if tag == "other" else f"{tag}Anchor"))
    if slot.kind:
        parts.append(f"FILTER EXISTS {{ {var} a ?{tag}Cls . ?{tag}Cls rdfs:subClassOf* rkg:{slot.kind} }}")
    if slot.countries:
        # A join, not FILTER EXISTS: the query is SELECT DISTINCT and projects none of these variables, so a
        # company in the country twice is still one row, and Oxigraph joins the union into the plan instead
        # of evaluating an EXISTS (that scanned every assertion) per candidate row: "Which Japanese companies
        # develop TCR-T" 130 ms -> 3 ms. Each branch has its own VALUES, so each starts from the countries.
        country = values(tag + "Country", slot.countries)
        parts.append(
            f"{{ {country} {var} rkg:headquarteredIn ?{tag}Country }} UNION\n"
            f"  {{ {country} ?{tag}Ca a rkg:Assertion ; rdf:subject {var} ; rdf:predicate ?{tag}Cp ;"
            f" rdf:object ?{tag}Country . FILTER(?{tag}Cp IN (rkg:headquarteredIn, rkg:operatesIn)) }}")
    if slot.develops:
        hop = HOP_VARS[len(hops)] if tag == "answer" else f"{tag}Hop"
        parts.append(
            f"{values(tag + 'Mod', slot.develops)}\n"
            f"  ?{tag}Dev a rkg:Assertion ; rdf:subject {var} ; rdf:predicate rkg:develops ; rdf:object ?{tag}M ;\n"
            f"     prov:wasDerivedFrom ?{hop} .\n  ?{tag}M skos:broader* ?{tag}Mod .")
        hops.append(hop)
    if slot.acquired_by_kind:
        hop = HOP_VARS[len(hops)] if tag == "answer" else f"{tag}Hop2"
        parts.append(
            f"{{ ?{tag}Acq a rkg:Assertion ; rdf:subject ?{tag}Buyer ; rdf:predicate rkg:acquired ; rdf:object {var} ;\n"
            f"     prov:wasDerivedFrom ?{hop} }}\n"
            f"  UNION {{ ?{tag}Deal a rkg:Deal ; rkg:dealKind rkg:Acquisition ; rkg:acquirer ?{tag}Buyer ;"
            f" rkg:target {var} ;\n     rkg:status ?{tag}St ; prov:wasDerivedFrom ?{hop} ."
            f" FILTER(?{tag}St IN (rkg:Announced, rkg:Completed)) }}\n"
            f"  ?{tag}Buyer a ?{tag}BCls . ?{tag}BCls rdfs:subClassOf* rkg:{slot.acquired_by_kind} .")
        hops.append(hop)
    for i, (pred, anchors) in enumerate(slot.related):
        hop = f"hopR{tag}{i}"
        r = f"?{tag}R{i}"
        branches = [(f"{{ {r}a a rkg:Assertion ; rdf:subject {var} ; rdf:predicate rkg:{pred} ; rdf:object {r}o ;"
                     f" prov:wasDerivedFrom ?{hop} }}")]
        if pred in DEAL_RELATIONS:
            kind, srole, orole = DEAL_RELATIONS[pred]
            branches.append(f"{{ {r}d a rkg:Deal ; rkg:dealKind rkg:{kind} ; rkg:{srole} {var} ; rkg:{orole} {r}o ;"
                            f" rkg:status {r}st ; prov:wasDerivedFrom ?{hop} . FILTER({r}st IN (rkg:Announced, rkg:Completed)) }}")
        parts.append(f"{values(tag + 'Rel' + str(i), anchors)}\n  " + " UNION ".join(branches)
                     + f"\n  {r}o skos:broader* ?{tag}Rel{i} .")
        hops.append(hop)
    return "\n  ".join(parts), hops


def _topic_filter(topic: Sequence[str], in_document: bool = False) -> str:
    """A fact is about a modality or segment when the business exited is under it, its deal's asset is, one of
    its parties develops it or works in it (a CDMO is in the CDMO segment), or its sentence names it.

    Written as one join against the keys (parties, sentences, deals, concepts) that qualify, instead of
    FILTER EXISTS per row: the store evaluates that in one pass rather than once per candidate fact.
    """
    v = values("topic", topic)
    keys = [f"{{ {v} ?tKey skos:broader* ?topic }}",
            (f"{{ {v} ?tDev a rkg:Assertion ; rdf:subject ?tKey ; rdf:predicate ?tP ; rdf:object ?tM ."
             f" VALUES ?tP {{ rkg:develops rkg:operatesIn }} ?tM skos:broader* ?topic }}"),
            f"{{ {v} ?tKey rkg:mentions ?tS . ?tS skos:broader* ?topic }}",
            f"{{ {v} ?tKey rkg:asset ?tA . ?tA skos:broader* ?topic }}"]
    keys += [f"{{ ?tKey a ?tC . ?tC rdfs:subClassOf* rkg:{cls} }}" for seg, cls in _SEGMENT_CLASS.items() if seg in topic]
    if in_document:  # every sentence of an article that names the topic somewhere
        keys.append(f"{{ {v} ?tX rkg:mentions ?tS ; rkg:inDocument ?tDoc . ?tS skos:broader* ?topic ."
                    " ?tKey rkg:inDocument ?tDoc }")
    return ("{ SELECT DISTINCT ?tKey WHERE {\n      " + "\n      UNION ".join(keys) + " } }\n"
            "  FILTER((?pred = rkg:exited && ?tKey = ?other) ||\n"
            "         (?pred != rkg:exited && (?tKey IN (?answer, ?other, ?sentence) || (BOUND(?d) && ?tKey = ?d))))")


def compose(q: TypedQuery, *, affiliates: bool | None = None,
            meets: Collection[str] | None = None) -> Composed | None:
    """The SPARQL for a fact question (``None`` when the query names no relation to read).

    Args:
        q: the typed query.
        affiliates: read ``X(Y)`` affiliate pairs as acquisitions. By default only when one company is
            the whole question ("who owns Kite"); a qualified question (a kind, a year, a second hop) wants
            stated acquisitions, not a parenthesis.
        meets: the concepts with two or more broader concepts (``Gazetteer.meets``), so the bound end's
            meet branch is written only where it can match; ``None`` writes it always.
    """
    if affiliates is None:
        affiliates = not (q.time or q.statuses or q.topic or q.measure != "entities"
                          or any(s.kind or s.countries or s.develops or s.acquired_by_kind
                                 for s in (q.subject, q.object)))
    if q.compare:
        return _compose_compare(q)
    rels = [r for r in q.relations if r not in ("regulation", "market", "operatesIn", "headquarteredIn")]
    if not rels:
        return None
    deal = any(r in DEAL_RELATIONS for r in rels)
    if not (q.subject.constrained() or q.object.constrained() or q.topic or q.statuses
            or (deal and (q.time is not None or q.measure in ("amount", "largest")))):
        return None  # nothing binds either end: "who acquired whom" is not a question the graph can rank
    branches: list[str] = []
    uses_deals = False
    for rel in rels:
        # For exited the "other" end is the business left; the answer is always the company.
        answer_is_subject = q.answer in ("subject", "either") or rel == "exited"
        s, o = ("?answer", "?other") if answer_is_subject else ("?other", "?answer")
        both = q.answer == "either" or rel in SYMMETRIC
        if rel == "exited" or not q.statuses:
            branches.append(_assertion_branch(rel, s, o, both, affiliates))
        if rel in DEAL_RELATIONS:
            uses_deals = True
            branches.append(_deal_branch(rel, s, o, q.statuses, both))
        for syn in INVERSE_SYNONYMS.get(rel, ()):
            if syn in rels:
                continue
            if not q.statuses:
                branches.append(_assertion_branch(syn, o, s, both, False))
            branches.append(_deal_branch(syn, o, s, q.statuses, both))
    answer_slot, other_slot = q.answer_slot, q.other_slot
    if q.answer == "either":
        answer_slot, other_slot = q.subject, q.object
    if rels == ["exited"]:
        answer_slot, other_slot = q.subject, q.object
    a_part, hops = _slot_filters("?answer", answer_slot, "answer")
    o_part, ohops = _slot_filters("?other", other_slot, "other", meets)
    hops += ohops
    bound = "\n  ".join(p for p in (o_part, a_part) if p)
    if bound:
        # The ends' constraints go into every branch, so each branch starts from the bound entities: joined
        # with the union from outside, Oxigraph evaluated the branches unbound first ("Which NK cell
        # companies were acquired": 56 -> 8 ms). The same rows: a join distributes over a union, and the
        # constraints use only ?answer/?other and variables of their own.
        branches = [f"{bound}\n      {b}" for b in branches]
        bound = ""
    union = "\n  } UNION {\n      ".join(branches)
    where = ([bound] if bound else []) + [f"{{\n      {union}\n  }}"]
    if q.topic:
        where.append(_topic_filter(q.topic, q.topic_in_document))
    where.append("FILTER(isIRI(?answer) && ?answer != ?other)")
    select = ("SELECT DISTINCT ?answer ?other ?pred ?dir ?sentence ?conf ?status ?year ?date ?amount ?currency ?amountKind"
              + "".join(f" ?{h}" for h in hops) + " WHERE {\n  " + "\n  ".join(where) + "\n}")
    return Composed(PREFIXES + select, tuple(rels), q.answer, uses_deals)


def _compose_compare(q: TypedQuery) -> Composed:
    """One row per (compared company, fact); the planner folds them into one row per shared object."""
    preds = ("develops", "targets", "acquired", "partneredWith", "licensedFrom", "jointVentureWith", "exited")
    topic = ""
    if q.topic:
        # What is developed (or exited) must be under the topic; a partner, licensor or target must develop
        # something under it. Written as one join against the (answer, reason) pairs that qualify rather
        # than FILTER EXISTS per row, which Oxigraph evaluated by scanning every develops assertion for each
        # candidate row ("compare AstraZeneca and Roche in cell therapy": 3 s -> 5 ms). The pairs are
        # DISTINCT and each row keeps at most one (the one its predicate needs), so no row is duplicated.
        v = values("topic", q.topic)
        topic = (f"{{ SELECT DISTINCT ?answer ?tWhy WHERE {{\n      {v}\n"
                 f"      {{ ?answer skos:broader* ?topic BIND(\"own\" AS ?tWhy) }}\n"
                 f"      UNION {{ ?tDev a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate rkg:develops ;"
                 f" rdf:object ?tM . ?tM skos:broader* ?topic BIND(\"develops\" AS ?tWhy) }} }} }}\n"
                 f"  FILTER(IF(?pred IN (rkg:develops, rkg:exited), ?tWhy = \"own\", ?tWhy = \"develops\"))\n"
                 f"  FILTER NOT EXISTS {{ {v} FILTER(?answer = ?topic) }}")
    sparql = PREFIXES + f"""SELECT ?other ?answer ?pred ?sentence ?conf ?status ?year ?date ?amount ?currency ?amountKind WHERE {{
  {values('other', q.compare)}
  {{
      ?a a rkg:Assertion ; rdf:subject ?other ; rdf:predicate ?pred ; rdf:object ?answer ;
         prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
      VALUES ?pred {{ {_rkg(preds)} }}
  }} UNION {{
      ?a a rkg:Assertion ; rdf:subject ?answer ; rdf:predicate ?pred ; rdf:object ?other ;
         prov:wasDerivedFrom ?sentence ; rkg:confidence ?conf .
      VALUES ?pred {{ rkg:partneredWith rkg:jointVentureWith rkg:licensedFrom rkg:acquired }}
  }}
  {topic}
  FILTER(isIRI(?answer) && ?answer != ?other)
}}"""
    return Composed(sparql, preds, "object", False, compare=True)
