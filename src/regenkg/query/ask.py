"""Typed questions → composed SPARQL (entities bound with VALUES) → answers ranked and proven by sentences.

Every answer says what the question was understood as (``Answer.understood``) and, in ``Answer.notes``,
which qualifiers could not be evaluated on this index and which words were not used; an answer with no
evidence sentence in the index is never shown (gazetteer knowledge alone is not evidence).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyoxigraph

from ..graph.ontology import RES, RKG, sentence_iri
from ..graph.store import GraphStore
from ..records import Answer, AnswerItem, Evidence, Hit, pick_label
from .approvals import approval_answer, approval_query
from .compose import PREFIXES, compose, values
from .facts import Lookup, Plan, _Fact, _local, _sid, fact_order
from .party_answers import PartyAnswers, inverse_verb, status_label
from .question import Question, TypedQuery
from .templates import (
    _ALL_REGULATIONS,
    _COMPANIES_IN,
    _COUNTRY,
    _IN_COUNTRY,
    _MARKET,
    _MENTIONS,
    _REG_BY_COUNTRY,
    TEMPLATES,
)
from .understood import understood_of

__all__ = ["PREFIXES", "TEMPLATES", "Lookup", "Plan", "Planner", "pick_label", "understood_of"]

logger = logging.getLogger(__name__)


_STOP_GRAMS = {"the", "of", "and", "for", "which", "what", "law", "act", "regulation", "regulations", "does",
               "did", "is", "in", "on", "法规", "法律", "哪部", "哪项", "什么", "依据", "的是"}
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# A sentence that states a sum of money: "US$11.9 billion", "EUR 308 million", "3.08億歐元", "1亿美元".
_MONEY_RE = re.compile(r"(?:US\$|\$|€|EUR|USD|CHF|GBP|JPY|NT\$|RMB)\s?\d|\d[\d.,]*\s?(?:million|billion|bn|m)\b|"
                       r"\d[\d.,]*\s?(?:億|亿|萬|万)?\s?(?:美元|歐元|欧元|日圓|日元|元|新台幣|人民幣|人民币)", re.IGNORECASE)


def _grams(text: str) -> set[str]:
    """English words and Chinese character pairs, for name overlap."""
    out = {w for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2}
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out - _STOP_GRAMS


def countries_of(t: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(t.get("Country", ()))


_values = values


def _money(amount: float, currency: str | None) -> str:
    cur = currency or ""
    if amount >= 1e9:
        return f"{cur} {amount / 1e9:.3g} billion".strip()
    if amount >= 1e6:
        return f"{cur} {amount / 1e6:.3g} million".strip()
    return f"{cur} {amount:,.0f}".strip()


class Planner(PartyAnswers):
    """Turn a :class:`Question` into SPARQL, run it, and assemble ranked, evidenced answers.

    Args:
        store: the graph (pyoxigraph ``Store`` or anything with the same ``query``).
        lookup: labels, names, types, the hierarchy and evidence sentences (see :class:`Lookup`).
        max_evidence: sentences shown per answer.
        evidence_weight: weight of the best evidence sentence's similarity to the question in the score.
    """

    def __init__(self, store: GraphStore, lookup: Lookup, *, max_evidence: int = 3,
                 evidence_weight: float = 0.5) -> None:
        self.store = store
        self.lookup = lookup
        self.max_evidence = max_evidence
        self.evidence_weight = evidence_weight
        self._has_deals: bool | None = None
        self._has_approvals: bool | None = None

    # ------------------------------------------------------------------ planning
    def has_deals(self) -> bool:
        """Whether the graph holds deal events at all (statuses and amounts live only there)."""
        if self._has_deals is None:
            self._has_deals = bool(self.store.query(PREFIXES + "ASK { ?d a rkg:Deal }"))
        return self._has_deals

    def has_approvals(self) -> bool:
        """Whether the graph holds regulatory events (approvals, filings, reimbursement: rkg:Approval)."""
        if self._has_approvals is None:
            self._has_approvals = bool(self.store.query(PREFIXES + "ASK { ?a a rkg:Approval }"))
        return self._has_approvals

    def plan(self, q: Question) -> Plan | None:
        if q.intent is None:
            return None
        t = q.by_type
        if q.intent in ("regulation", "market", "companies_in", "product_indications"):
            return self._template_plan(q)
        if q.query is None:
            return None
        composed = compose(q.query, meets=getattr(self.lookup, "meets", None))
        if composed is None:
            return None
        targets = tuple(dict.fromkeys((*q.query.subject.anchors, *q.query.object.anchors, *q.query.compare)))
        return Plan(q.intent, composed.sparql, targets or tuple(t.get("Company", ())), composed=True)

    def _template_plan(self, q: Question) -> Plan | None:
        t = q.by_type
        assert q.intent is not None
        if q.intent == "regulation":
            targets = t.get("Regulation", ())
            if not targets:
                if countries_of(t):
                    sparql = PREFIXES + _REG_BY_COUNTRY % {"values": _values("target", countries_of(t))}
                    return Plan(q.intent, sparql, countries_of(t))
                return Plan(q.intent, PREFIXES + _ALL_REGULATIONS, ())
            return Plan(q.intent, PREFIXES + _MENTIONS % {"values": _values("target", targets)}, tuple(targets))
        if q.intent == "product_indications":
            products = q.by_type.get("Product", ())
            return Plan(q.intent, PREFIXES + TEMPLATES[q.intent] % {"values": _values("target", products)}, products)
        if q.intent == "market":
            targets = t.get("Modality", ()) or (str(RES["modality/regenerative-medicine"]),)
            return Plan(q.intent, PREFIXES + _MARKET % {"values": _values("target", targets)}, tuple(targets))
        # companies_in
        targets = t.get("Segment", ()) or t.get("Modality", ())
        countries = list(t.get("Country", ()))
        if q.query is not None:
            for slot in (q.query.subject, q.query.object):
                countries += [c for c in slot.countries if c not in countries]
        kind = q.query.subject.kind if q.query is not None else None
        if not targets:
            if not countries:
                return None
            kind_f = (f"FILTER EXISTS {{ ?answer a ?cls . ?cls rdfs:subClassOf* rkg:{kind} }}" if kind else "")
            sparql = PREFIXES + _IN_COUNTRY % {"values": _values("country", countries), "kind": kind_f}
            return Plan(q.intent, sparql, tuple(countries))
        country = _COUNTRY % {"values": _values("country", countries)} if countries else ""
        sparql = PREFIXES + _COMPANIES_IN % {"values": _values("target", targets), "country": country}
        return Plan(q.intent, sparql, tuple(targets))

    # ------------------------------------------------------------------ answering
    def answer(self, q: Question, qvec: np.ndarray | None, passages: tuple[Hit, ...] = ()) -> Answer:
        notes: list[str] = []
        tq = q.query
        # h/appr6: a question conditioned on an approval, filing or reimbursement reads rkg:Approval events.
        if (q.intent is None or tq is not None and any(c.kind == "approval" for c in tq.constraints)) \
                and self.has_approvals() and (aq := approval_query(q)) is not None:
            return approval_answer(self.store, self.lookup, q, aq, qvec, passages, understood_of(q, self.lookup),
                                   self.max_evidence)
        evaluable = self._evaluable(tq, notes) if tq is not None else {}
        plan = self.plan(q)
        understood = understood_of(q, self.lookup, evaluable)
        if plan is None or (tq is not None and tq.sub_modality and q.intent not in ("regulation", "market")):
            if plan is None and q.intent is not None:
                notes.append("the question names no entity or qualifier the graph can bind; see the closest passages")
            return Answer(q.text, q.intent, q.entities, (), plan.sparql if plan else None, passages, q.lang,
                          understood, tuple(notes))
        rows = self.store.query(plan.sparql)
        if plan.composed and tq is not None and tq.compare:
            items = self._compare_items(q, rows, qvec)
        else:
            facts = self._collect(rows)
            if plan.composed and tq is not None and tq.between:
                facts = self._between(q, facts, notes)
            if plan.composed and tq is not None and tq.also_other and tq.time is not None:
                # The other parties are read from these facts too: only those in the asked years count.
                facts = self._filter_time(q, facts, notes)
            items = self._items(q, plan, facts, qvec, notes)
            if plan.composed and tq is not None and tq.also_other:
                items = self._with_other_parties(q, facts, items, qvec)
                if any(r in ("partneredWith", "licensedFrom", "jointVentureWith") for r in tq.relations):
                    items = self._with_units(q, facts, items, qvec)
        if tq is not None and tq.follow_ups:
            items = items + self._follow_up_items(q, plan, items, qvec, notes)
        # Gazetteer knowledge alone is not evidence: an answer no sentence proves is not an answer.
        items = [i for i in items if i.evidence]
        if tq is not None and tq.measure == "count":
            understood["count"] = len(items)
            notes.insert(0, f"count: {len(items)}")
        if tq is not None and tq.unused:
            notes.append("words not used: " + ", ".join(tq.unused))
        if not items and any(v is False for v in evaluable.values()):
            notes.append("no answer: a qualifier could not be evaluated on this index; see the closest passages")
        items.sort(key=lambda a: (-a.score, a.label))
        if tq is not None and tq.measure == "largest":
            items = self._largest(items, notes)
        return Answer(q.text, q.intent, q.entities, tuple(items), plan.sparql, passages, q.lang, understood,
                      tuple(dict.fromkeys(notes)))

    def _evaluable(self, tq: TypedQuery, notes: list[str]) -> dict[str, bool]:
        """Which qualifiers this index can test (``False`` → said in the notes, never silently dropped)."""
        out: dict[str, bool] = {}
        deal_rel = any(r in ("acquired", "partneredWith", "licensedFrom", "jointVentureWith", "soldTo", "spunOutFrom")
                       for r in tq.relations)
        if tq.statuses:
            ok = self.has_deals()
            out["status"] = ok
            if not ok:
                alt = " (exits are answered from rkg:exited facts)" if "exited" in tq.relations else ""
                notes.append(f"status {'/'.join(s.lower() for s in tq.statuses)} cannot be evaluated: this index "
                             f"has no deal events (rkg:Deal){alt}")
        if tq.measure in ("amount", "largest") and deal_rel:
            ok = self.has_deals()
            out[tq.measure] = ok
            if not ok:
                notes.append("amounts cannot be evaluated: this index has no deal events (rkg:Deal) with amounts;"
                             " the evidence sentences are shown")
        approvals = {c.value for c in tq.constraints if c.kind == "approval"}
        places = {c.value for c in tq.constraints if c.kind == "answer_type"}
        for w in tq.sub_modality:
            if w in approvals:
                out["approval"] = False
                notes.append(f"'{w}': this index records no approval, permit or reimbursement event that fits, so this"
                             " condition cannot be evaluated; answering without it would be wrong")
                continue
            if w in places:
                out["answer_type"] = False
                notes.append(f"'{w}' asks for places, but {'/'.join(tq.relations)} is answered with organisations;"
                             " see the closest passages")
                continue
            out["sub_modality"] = False
            notes.append(f"'{w}' names a sub-modality the vocabulary does not have: answering for the broader"
                         " modality would be wrong")
        if tq.time is not None:
            out["time"] = True
        return out

    @staticmethod
    def _collect(rows: Any) -> dict[str, list[_Fact]]:
        facts: dict[str, list[_Fact]] = defaultdict(list)
        variables = [v.value for v in rows.variables]
        # Columns by position: a solution's item by index is cheaper than by name, and which optional
        # columns the query has is known once, not per row.
        col = {v: i for i, v in enumerate(variables)}
        hop_cols = [col[v] for v in variables if v.startswith("hop") or v.endswith(("Hop", "Hop2"))]
        a_i, p_i, c_i, s_i = col["answer"], col["pred"], col["conf"], col["sentence"]
        o_i, d_i = col.get("other"), col.get("dir")
        deal = "status" in col
        for row in rows:
            answer = row[a_i]
            if not isinstance(answer, pyoxigraph.NamedNode):
                continue
            conf = row[c_i]
            fact = _Fact(_local(row[p_i]) or "mentions", _sid(row[s_i]), float(conf.value) if conf is not None else 0.5)
            if o_i is not None and (other := row[o_i]) is not None:
                fact.other = other.value
            if d_i is not None and (direction := row[d_i]) is not None:
                fact.answer_is_subject = direction.value == "s"
            if deal:
                fact.status = _local(row[col["status"]])
                year, date = row[col["year"]], row[col["date"]]
                fact.year = int(year.value) if year is not None and year.value[:4].isdigit() else None
                fact.date = date.value if date is not None else None
                if fact.year is None and fact.date and fact.date[:4].isdigit():
                    fact.year = int(fact.date[:4])
                if (amount := row[col["amount"]]) is not None:
                    try:
                        fact.amount = float(amount.value)
                    except ValueError:
                        fact.amount = None
                currency, kind = row[col["currency"]], row[col["amountKind"]]
                fact.currency = currency.value if currency is not None else None
                fact.amount_kind = kind.value if kind is not None else None
            if hop_cols:
                fact.hops = tuple(s for i in hop_cols if (s := _sid(row[i])) is not None)
            facts[answer.value].append(fact)
        # Row order is the store's plan's, not a fact's: sorted, answers and the facts each rests on read
        # the same whatever plan the query gets (see fact_order).
        return {iri: sorted(facts[iri], key=fact_order) for iri in sorted(facts)}

    def _filter_time(self, q: Question, facts: dict[str, list[_Fact]], notes: list[str]) -> dict[str, list[_Fact]]:
        """Keep facts whose deal year, or a year its sentence states, falls in the asked range."""
        tr = q.query.time if q.query else None
        if tr is None:
            return facts
        sids = sorted({f.sid for fs in facts.values() for f in fs if f.sid is not None and f.year is None})
        texts = {e.sentence: e.text for e, _ in self.lookup.evidence(sids, None)} if sids else {}
        out: dict[str, list[_Fact]] = {}
        undated = 0
        # A fact whose sentence states no year is dated by its article (news reports what is new), and so is
        # one whose sentence names only years after the article's: those are plans ("預計2026年啟用"), not
        # when the fact happened.
        doc_years = self._document_years(sids) if sids else {}
        by_doc = 0
        # The same pair's dated deal event says when it happened better than any year in a sentence
        # that may date several events ("X在2019年收購Y，並於2024年被Z收購").
        dated: dict[tuple[str, str | None, str], set[int]] = defaultdict(set)
        for iri, fs in facts.items():
            for f in fs:
                if f.year is not None:
                    dated[(iri, f.other, f.pred)].add(f.year)
        for iri, fs in facts.items():
            kept = []
            for f in fs:
                text = texts.get(f.sid, "") if f.sid is not None else ""
                years = [f.year] if f.year is not None else (
                    sorted(dated[(iri, f.other, f.pred)]) or [int(y) for y in _YEAR_RE.findall(text)])
                doc_year = doc_years.get(f.sid) if f.year is None and f.sid is not None else None
                if doc_year is not None and (not years or min(years) > doc_year):
                    years = [doc_year]
                    by_doc += tr.contains(doc_year)
                if not years:
                    undated += 1
                    continue
                if any(tr.contains(y) for y in years):
                    if f.year is None:
                        f.year = next(y for y in years if tr.contains(y))
                    kept.append(f)
            if kept:
                out[iri] = kept
        if undated:
            notes.append(f"time {tr.describe()}: {undated} fact(s) with no stated year were left out")
        if by_doc:
            notes.append(f"time {tr.describe()}: {by_doc} fact(s) whose sentence gives no past year were dated"
                         " by their article's date")
        return out

    def _document_years(self, sids: Sequence[int]) -> dict[int, int]:
        """Sentence id → the year of its document's date (front matter ``date``), where there is one."""
        sentences = [str(sentence_iri(sid)) for sid in sids]
        rows = self.store.query(PREFIXES + "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
                                "SELECT ?s ?date WHERE { " + _values("s", sentences) + " ?s rkg:inDocument ?doc ."
                                " { ?doc dcterms:date ?date } UNION { GRAPH ?g { ?doc dcterms:date ?date } } }")
        out: dict[int, int] = {}
        for row in rows:
            sid = _sid(row["s"])
            m = _YEAR_RE.match(row["date"].value)
            if sid is not None and m:
                out[sid] = int(m.group(1))
        return out

    def _items(self, q: Question, plan: Plan, facts: dict[str, list[_Fact]], qvec: np.ndarray | None,
               notes: list[str]) -> list[AnswerItem]:
        facts = self._filter_time(q, facts, notes)
        if q.intent in ("acquirer_of", "acquired_by") and plan.targets:
            facts = self._drop_partner_affiliates(facts, plan.targets[0])
            # "X(Y)" says only that Y belongs with X; when the text states acquisitions outright, those win.
            if any(f.pred == "acquired" for fs in facts.values() for f in fs):
                facts = {iri: fs for iri, fs in facts.items() if any(f.pred == "acquired" for f in fs)}
        # Never answer with the thing asked about (e.g. a modality's own narrower concept), except regulations.
        if q.intent not in ("regulation", "market"):
            # ...but when both ends are named ("how much did Sanofi pay for Kiadis") the answer end is kept.
            keep = set(q.query.answer_slot.anchors) if plan.composed and q.query is not None else set()
            for t in plan.targets:
                if t not in keep:
                    facts.pop(t, None)
        if q.intent in ("what_develops", "modality_treats", "indications_of", "modalities_for"):
            # "immune cell therapy" adds nothing next to the γδ-T and CAR-T it contains: keep the specific.
            facts = {iri: f for iri, f in facts.items()
                     if not (self.lookup.narrower(iri) - {iri}) & set(facts)}
        iris = list(facts)
        others = sorted({f.other for fs in facts.values() for f in fs if f.other})
        labels = self.lookup.labels(iris + [o for o in others if o not in facts])
        types = self.lookup.types(iris)
        composed_deal = plan.composed and q.query is not None and any(
            r not in ("develops", "targets", "treats") for r in q.query.relations)
        if q.query is not None and q.query.measure == "amount" and composed_deal and self.has_deals() and facts and \
                not any(f.amount is not None for fs in facts.values() for f in fs):
            notes.append("no amount is recorded for these deals; the evidence sentences are shown")
        items: list[AnswerItem] = []
        for iri, fs in facts.items():
            by_pred: dict[str, list[_Fact]] = defaultdict(list)
            for f in fs:
                by_pred[f.pred].append(f)
            pred = max(by_pred, key=lambda p: (p != "hasAffiliate", len(by_pred[p])))
            sids = sorted({f.sid for f in fs if f.sid is not None})
            hop_sids = sorted({h for f in fs for h in f.hops} - set(sids))
            conf = max(f.conf for f in fs)
            ev = self.lookup.evidence(sids, qvec)
            if q.query is not None and q.query.measure in ("amount", "largest"):
                # Asked for a sum: the sentences that state one come first.
                ev = sorted(ev, key=lambda x: not _MONEY_RE.search(x[0].text))
            hop_ev = self.lookup.evidence(hop_sids, qvec) if hop_sids else []
            best = max((s for _, s in ev), default=0.0)
            score = conf + self.evidence_weight * best + 0.05 * min(len(sids), 5)
            lab = labels.get(iri, {})
            label = pick_label(lab, q.lang, iri)
            relation = pred
            if q.intent == "regulation":
                relation = self._enacted(iri) or pred
            elif composed_deal and q.query is not None and q.query.between:
                # Whether A and B are related: every relation found between them, not only the commonest.
                relation = "; ".join(self._deal_relation(q, p, by_pred[p], labels) for p in by_pred)
            elif composed_deal:
                relation = self._deal_relation(q, pred, by_pred[pred], labels)
            shown = [e for e, _ in ev[: self.max_evidence - (1 if hop_ev else 0)]] + [e for e, _ in hop_ev[:1]]
            if not ev:
                shown = []  # the fact itself must be proven, not only its second hop
            items.append(AnswerItem(iri, label, lab, types.get(iri, "Thing"), relation, round(score, 4), tuple(shown)))
        if q.intent == "regulation":
            items = self._regulation_filter(q, items)
        return items

    def _deal_relation(self, q: Question, pred: str, fs: list[_Fact], labels: dict[str, dict[str, str]]) -> str:
        """``acquired by Gilead Sciences (completed, 2017, USD 11.9 billion)``: the fact as one line."""
        tq = q.query
        parts: list[str] = []
        seen: set[tuple[str, str, str | None]] = set()
        # Three distinct lines, in fact order (see fact_order): facts with the same verb, other party and
        # status (one deal stated by several sentences) are one line, the first in that order (the one with an
        # amount or the newest date), not two of the three.
        for f in fs:
            if len(parts) == 3:
                break
            answer_is_object = (not f.answer_is_subject if f.answer_is_subject is not None
                                else tq is not None and tq.answer == "object") and pred != "exited"
            other = pick_label(labels.get(f.other, {}), q.lang, f.other) if f.other else ""
            verb = inverse_verb(pred) if answer_is_object else pred
            extra = [x for x in (status_label(f.status, q.lang) if f.status else None,
                                 f.date or (str(f.year) if f.year else None),
                                 (_money(f.amount, f.currency) + (f" {f.amount_kind}" if f.amount_kind else ""))
                                 if f.amount is not None else None) if x]
            key = (verb, other, f.status)
            # A bare assertion says nothing a line with a status for the same two parties has not said.
            said = key in seen or (f.status is None and any(k[:2] == key[:2] for k in seen))
            if not said:
                seen.add(key)
                parts.append(f"{verb} {other}".strip() + (f" ({', '.join(extra)})" if extra else ""))
        return "; ".join(parts)

    def _largest(self, items: list[AnswerItem], notes: list[str]) -> list[AnswerItem]:
        amounts = []
        for it in items:
            m = re.search(r"\b([A-Z]{3}) ([\d.]+) (billion|million)", it.relation)
            if m:
                amounts.append((float(m.group(2)) * (1e9 if m.group(3) == "billion" else 1e6), m.group(1), it))
        if not amounts:
            notes.append("largest: no amounts to compare on this index; see the closest passages")
            return []
        currencies = {c for _, c, _ in amounts}
        if len(currencies) > 1:
            notes.append("amounts in several currencies are not converted: the largest in each is shown")
        best: dict[str, tuple[float, AnswerItem]] = {}
        for amount, cur, it in amounts:
            if cur not in best or amount > best[cur][0]:
                best[cur] = (amount, it)
        return [it for _, it in sorted(best.values(), key=lambda x: -x[0])]

    def _compare_items(self, q: Question, rows: Any, qvec: np.ndarray | None) -> list[AnswerItem]:
        """One row per shared object (modality, indication, partner, deal) with each company's side."""
        per: dict[str, dict[str, list[_Fact]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            answer, other = row["answer"], row["other"]
            if not isinstance(answer, pyoxigraph.NamedNode) or other is None:
                continue
            per[answer.value][other.value].append(
                _Fact(_local(row["pred"]) or "", _sid(row["sentence"]), float(row["conf"].value) if row["conf"] else 0.5))
        compared = list(q.query.compare) if q.query else []
        for c in compared:
            per.pop(c, None)
        labels = self.lookup.labels(list(per) + compared)
        types = self.lookup.types(list(per))
        items = []
        for iri, sides_map in per.items():
            sides = []
            all_ev: list[tuple[Evidence, float]] = []
            for company in compared:
                fs = sides_map.get(company)
                if not fs:
                    continue
                ev = self.lookup.evidence(sorted({f.sid for f in fs if f.sid is not None}), qvec)
                if not ev:
                    continue
                rel = "/".join(dict.fromkeys(f.pred for f in fs))
                sides.append((company, rel, tuple(e for e, _ in ev[: self.max_evidence])))
                all_ev += ev[:1]
            if not sides:
                continue
            relation = " | ".join(f"{pick_label(labels.get(c, {}), q.lang, c)}: {r}" for c, r, _ in sides)
            score = len(sides) + self.evidence_weight * max((s for _, s in all_ev), default=0.0)
            lab = labels.get(iri, {})
            items.append(AnswerItem(iri, pick_label(lab, q.lang, iri), lab, types.get(iri, "Thing"), relation,
                                    round(score, 4), tuple(e for e, _ in all_ev), tuple(sides)))
        return items

    def _regulation_filter(self, q: Question, items: list[AnswerItem]) -> list[AnswerItem]:
        """Among candidate regulations keep those the question is about.

        In order, each step applied only when it keeps something: a year in the question (the enactment
        date or an evidence sentence has it), the topic (a modality named in the question appears in the
        regulation's name), then word/character-pair overlap with the regulation's names and aliases.
        """
        from ..graph.match import fold_aligned

        if q.by_type.get("Regulation") or len(items) <= 1:
            return items
        year = re.search(r"(?<!\d)(19|20)\d\d(?!\d)", q.text)
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
        if len(items) > 1 and re.search(r"哪部|哪项|哪一|\bwhich (?:law|act|regulation|rule)\b", fold_aligned(q.text)):
            items = [max(items, key=lambda i: i.score)]
        return items

    def _enacted(self, iri: str) -> str | None:
        res = self.store.query(PREFIXES + "SELECT ?d WHERE { " + _values("r", [iri]) + " ?r rkg:date ?d } LIMIT 1")
        for row in res:
            return f"enacted {row['d'].value}"
        return None

    def _drop_partner_affiliates(self, facts: dict[str, list[_Fact]], target: str) -> dict[str, list[_Fact]]:
        """``Parent(Child)`` is only offered as an acquisition when no partnership/licence says otherwise."""
        out = {}
        for iri, fs in facts.items():
            if {f.pred for f in fs} == {"hasAffiliate"}:
                # The two IRIs written into each branch (pyoxigraph escapes them), not bound by VALUES
                # outside the UNION: the store joins such VALUES only after evaluating the UNION over
                # every assertion (1.4 ms an ASK on corpus/, 0.11 ms with the constants in place).
                x, y = str(pyoxigraph.NamedNode(iri)), str(pyoxigraph.NamedNode(target))
                ask = (PREFIXES + f"ASK {{ {{ ?a rdf:subject {x} ; rdf:object {y} }} UNION "
                       f"{{ ?a rdf:subject {y} ; rdf:object {x} }} ?a rdf:predicate ?p . "
                       "FILTER(?p IN (rkg:partneredWith, rkg:licensedFrom)) }")
                if bool(self.store.query(ask)):
                    continue
            out[iri] = fs
        return out


__all__ += ["RKG"]
