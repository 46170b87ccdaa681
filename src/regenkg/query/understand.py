"""Question understanding without an LLM: a typed query (relation, slots, constraints) in any script.

Entities are found with the same folding matcher as extraction, longest match first, so 谁在开发TCR-T,
誰在開發TCR-T and "who develops TCR-T" link the same modality and a company whose name contains a
modality word is the company. Cue words are read on the script-folded text with the entity spans blanked
out, so "Legend Biotech" never reads as the company kind "biotech". What the question asks becomes a
:class:`TypedQuery`: the relation(s), which end of the fact is the answer, what binds or constrains each end
(entities, company kind, country, "develops X" for two-hop chains), constraints on the fact itself (time,
deal status), what is measured (entities, an amount, a count, the largest) — and the words that were not
used, so an answer can say what it did not understand instead of silently answering another question.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

from ..graph.match import Matcher, fold_aligned
from .cues import (
    _ACQ,
    _ACQ_BY,
    _AMOUNT,
    _APPROVAL,
    _CHAIN,
    _COMPANY_WORD,
    _COMPARE,
    _CONFIRM,
    _COUNT,
    _DEMONYM_RE,
    _DEMONYMS,
    _DEVELOP,
    _DOCUMENT,
    _DOMESTIC,
    _EXIT,
    _INDICATION_WORD,
    _JV,
    _KIND_CUES,
    _LARGEST,
    _LICENCE,
    _MARKET,
    _MODALITY_WORD,
    _OTHER_PARTY,
    _PARTNER,
    _PASSIVE,
    _PAY,
    _REGULATION,
    _RELATIONSHIP,
    _SOLD,
    _SPIN,
    _STATUS_CUES,
    _STRONG_REGULATION,
    _SUBMOD,
    _TREAT,
    _WH,
    _WHO,
    _YES_NO,
    _deal_relations,
    _time,
    _unused,
    noun_mentions,
)
from .deal_query import deal_query
from .linking import link_corporate, names_of, product_or_company
from .parties import answer_type_mismatch, follow_ups, parties, party_wh
from .products import OWNER, PRODUCT_WORD, asks_indications_too, entity_type, product_intent
from .question import DEAL_RELATIONS, STATUSES, Constraint, Question, Slot, TypedQuery

if TYPE_CHECKING:
    from ..graph.ontology import Gazetteer

__all__ = [
    "MAX_QUESTION_CHARS",
    "narrower_labels",
    "question_lang",
    "understand",
]

MAX_QUESTION_CHARS = 1000



def narrower_labels(gazetteer: Gazetteer) -> dict[str, dict[str, str]]:
    """Modality → {folded label of a narrower concept: its IRI}, so "通用型CAR-T" can find its concept.

    Args:
        gazetteer: a :class:`~regenkg.graph.ontology.Gazetteer` (entities and the SKOS hierarchy).
    """
    out: dict[str, dict[str, str]] = {}
    for iri, ent in gazetteer.entities.items():
        if ent.type != "Modality":
            continue
        for child in gazetteer.narrower_closure(iri) - {iri}:
            c = gazetteer.entities.get(child)
            if c is not None:
                for label in {*c.labels.values(), *c.aliases}:
                    out.setdefault(iri, {})[fold_aligned(label)] = child
    return out


def question_lang(text: str) -> str:
    """``en``, ``zh-Hant`` or ``zh-Hans`` for the asker's script (labels come back in it)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    if not han:
        return "en"
    from ..text.lang import chinese_script

    return chinese_script("".join(han), default="zh-Hant")


def understand(text: str, matcher: Matcher, types: dict[str, str], *, today: _dt.date | None = None,
               kinds: dict[str, str] | None = None, narrower_labels: dict[str, dict[str, str]] | None = None) -> Question:
    """Link entities, read the qualifiers and build the typed query; never raises on arbitrary Unicode.

    Args:
        text: the question (any script; longer than 1 000 characters is cut).
        matcher: a :class:`Matcher` over the gazetteer and discovered labels.
        types: IRI → kind ("Company", "Modality", "Indication", "Segment", "Country", "Regulation").
        today: the date "last year" / 去年 is relative to (default: today).
        kinds: unused, accepted for symmetry with callers that pass the company class map.
        narrower_labels: modality IRI → {folded label: narrower IRI}, used to turn "allogeneic CAR-T" into
            the narrower concept when the vocabulary has it.
    """
    text = unicodedata.normalize("NFC", text or "")[:MAX_QUESTION_CHARS]
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Co", "Cn"))
    lang = question_lang(text)
    folded = fold_aligned(text)
    found: list[str] = []
    first_pos: dict[str, int] = {}
    first_end: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    spans: list[tuple[int, int, str]] = []
    matches = link_corporate(text, matcher.find(text), matcher, types)
    # Cue words are read with entity names blanked out (longest match first: "Legend Biotech" is a name).
    masked = list(folded)
    for m in matches:
        masked[m.start:m.end] = "\x00" * (m.end - m.start)
    cues = "".join(masked)
    set_aside: list[Constraint] = []
    for m in matches:
        iri, other = product_or_company(cues, (m.iri, *names_of(m.surface, matcher, types)), types)
        if other is not None:  # a label both a company and its product: the question's relation chose
            set_aside.append(Constraint("also_named", other, "other", m.surface))
        spans.append((m.start, m.end, iri))
        if iri not in found:
            found.append(iri)
            first_pos[iri] = m.start
            first_end[iri] = m.end
            surfaces[iri] = m.surface
    by_type: dict[str, list[str]] = {}
    for iri in found:
        by_type.setdefault(entity_type(iri, types), []).append(iri)
    intent = _intent(cues, by_type, first_pos)
    bt = {k: tuple(v) for k, v in by_type.items()}
    try:
        query = _typed(text, cues, bt, first_pos, intent, lang, today or _dt.date.today(), narrower_labels or {},
                       first_end)
    except RecursionError:  # pragma: no cover - regexes are linear; guard against pathological input anyway
        query = None
    if query is not None and set_aside:
        query = replace(query, constraints=query.constraints + tuple(dict.fromkeys(set_aside)))
    follow = follow_ups(cues, spans, {iri: entity_type(iri, types) for _, _, iri in spans})
    if follow and query is not None:
        # The first question is read on its own; each later one asks a relation of its answers.
        head = understand(text[:follow[0]], matcher, types, today=today, narrower_labels=narrower_labels)
        hq = head.query
        more = tuple(f for f in follow[1] if hq is not None and f[0] not in hq.relations)
        if hq is not None and hq.relations and more:
            intent = head.intent
            query = replace(hq, follow_ups=tuple(dict.fromkeys(hq.follow_ups + more)),
                            constraints=hq.constraints + tuple(Constraint("follow_up", rel, end, "")
                                                               for rel, end in more))
    if query is not None and query.relations and (intent is None or (
            intent == "companies_in" and any(r in DEAL_RELATIONS for r in query.relations))):
        # "Taiwanese companies that announced CDMO partnerships" names a segment but asks for deals.
        intent = _intent_of(query)
    elif query is not None and intent in ("acquirer_of", "acquired_by") and query.relations[:1] == ("acquired",):
        intent = "acquired_by" if query.answer == "subject" else "acquirer_of"  # the label follows the roles
    return Question(text, lang, intent, tuple(found), bt, query, surfaces)


def _intent(q: str, t: dict[str, list[str]], pos: dict[str, int] | None = None) -> str | None:
    companies, modalities = t.get("Company", []), t.get("Modality", [])
    indications, segments = t.get("Indication", []), t.get("Segment", [])
    countries, regulations = t.get("Country", []), t.get("Regulation", [])
    product = product_intent(q, t)
    if product:
        return product
    if regulations or (not companies and _STRONG_REGULATION.search(q)
                       and not re.search(r"谁|哪些公司|哪家公司|\bwho\b|\bcompan", q)):
        return "regulation"
    if _MARKET.search(q) and not companies and re.search(r"\d{4}|市场|market", q) and not _ACQ.search(q) \
            and not _PARTNER.search(q):
        return "market"
    if len(companies) >= 2 and _COMPARE.search(q):
        return "compare"
    if companies:
        if (_SOLD.search(q) or _SPIN.search(q)) and not _ACQ.search(q):
            return "deals"  # "to whom was X sold", "X分拆自哪家公司"
        if _ACQ.search(q) or _ACQ_BY.search(q) or (_PAY.search(q) and len(companies) >= 2):
            # "who acquired Kite" / "Kite的母公司" vs "what did AstraZeneca acquire" / "阿斯利康收购了哪些公司".
            if _ACQ_BY.search(q):
                return "acquired_by"
            # Word order decides: "which company bought Juno" / "誰收購了Neogene" (the company follows the
            # verb) vs "what did AstraZeneca acquire" / "阿斯利康收購了哪些公司" (it precedes it).
            first = (pos or {}).get(companies[0], -1)
            acq = _ACQ.search(q) or _PAY.search(q)
            if acq and first > acq.start() and _WHO.search(q[: acq.start()] + " "):
                return "acquired_by"
            if acq and _PASSIVE.search(q) and first < acq.start() and "被" in q[:acq.start()] \
                    and q.find("被") < first:
                return "acquired_by"
            return "acquirer_of"
        if _PARTNER.search(q) or _JV.search(q):
            return "partners_of"
        if indications or _INDICATION_WORD.search(q):
            return "indications_of"
        return "what_develops"
    if indications:
        if modalities or _MODALITY_WORD.search(q) and not _COMPANY_WORD.search(q):
            return "modalities_for" if not modalities else "targets_indication"
        return "targets_indication"
    if (_ACQ.search(q) or _PARTNER.search(q) or _JV.search(q) or _EXIT.search(q) or _SOLD.search(q)) \
            and not segments and (modalities or countries or any(c.search(q) for _, c in _KIND_CUES)
                                  or any(c.search(q) for _, c in _STATUS_CUES)):
        return "deals"
    if segments or (countries and _COMPANY_WORD.search(q)):
        if modalities and not segments:
            return "who_develops"
        return "companies_in"
    if modalities:
        if _TREAT.search(q) and not _WHO.search(q):
            return "modality_treats"
        if _TREAT.search(q) and re.search(r"什么|哪些|\bwhat\b|\bwhich\b", q) and not _COMPANY_WORD.search(q) \
                and not _DEVELOP.search(q):
            return "modality_treats"
        return "who_develops"
    if countries and _REGULATION.search(q):
        return "regulation"
    if _MARKET.search(q) and re.search(r"市场|market", q):
        return "market"
    if (any(c.search(q) for _, c in _KIND_CUES) or noun_mentions(q, "kind")) and (
            _ACQ.search(q) or _PARTNER.search(q) or _EXIT.search(q)):
        return "deals"  # "which big pharma bought…", "哪些公司與醫院簽訂合作"
    if any(c.search(q) for _, c in _STATUS_CUES) and (_PARTNER.search(q) or _ACQ.search(q)):
        return "deals"
    if _EXIT.search(q) and _WHO.search(q):
        return "deals"
    return None


def _intent_of(q: TypedQuery) -> str:
    rel = q.relations[0]
    return {"develops": "who_develops" if q.answer == "subject" else "what_develops",
            "acquired": "acquired_by" if q.answer == "subject" else "acquirer_of"}.get(rel, "deals")


# ---- typed query -----------------------------------------------------------------------------------------
_INTENT_RELATION = {
    "who_develops": (("develops",), "subject"), "what_develops": (("develops",), "object"),
    "indications_of": (("targets",), "object"), "targets_indication": (("targets",), "subject"),
    "modalities_for": (("treats",), "subject"), "modality_treats": (("treats",), "object"),
    "acquirer_of": (("acquired",), "object"), "acquired_by": (("acquired",), "subject"),
    "partners_of": (("partneredWith", "licensedFrom"), "either"), "companies_in": (("operatesIn",), "subject"),
    "regulation": (("regulation",), "subject"), "market": (("market",), "subject"),
    "product_owner": (("productOf",), "object"), "product_indications": (("targets", "treats"), "object"),
}



def _typed(text: str, cues: str, t: dict[str, tuple[str, ...]], pos: dict[str, int], intent: str | None,
           lang: str, today: _dt.date, narrower_labels: dict[str, dict[str, str]],
           ends: dict[str, int] | None = None) -> TypedQuery | None:
    companies = list(t.get("Company", ()))
    modalities = list(t.get("Modality", ()))
    # "gamma delta T cell therapy" links γδ-T and then "cell therapy": the broader one is the head noun.
    narrower_of = {m: set(narrower_labels.get(m, {}).values()) for m in modalities}
    modalities = [m for m in modalities if not any(o in narrower_of[m] for o in modalities if o != m)]
    countries = list(t.get("Country", ()))
    used: list[tuple[int, int]] = []
    constraints: list[Constraint] = []

    def use(m: re.Match[str] | None) -> None:
        if m:
            used.append((m.start(), m.end()))

    # -- qualifiers that hold whatever the relation is
    time = _time(cues, today)
    if time:
        i = cues.find(time.surface)
        used.append((i, i + len(time.surface)))
    statuses: list[str] = []
    for status, rx in _STATUS_CUES:
        for m in rx.finditer(cues):
            if status not in statuses:
                statuses.append(status)
            use(m)
    confirm = _CONFIRM.search(cues)
    if confirm and (statuses or _deal_relations(cues)):
        # Whether a (rumoured) deal was confirmed: its reports' statuses answer, whatever they are.
        statuses = [s for s in STATUSES if s != "Terminated"]
        use(confirm)
    measure = "entities"
    for name, rx in (("count", _COUNT), ("largest", _LARGEST), ("amount", _AMOUNT)):
        for m in rx.finditer(cues):
            measure = name if measure == "entities" else measure
            use(m)
    kinds: list[tuple[str, int, str]] = []
    for kind, rx in _KIND_CUES:
        for m in rx.finditer(cues):
            kinds.append((kind, m.start(), m.group(0)))
            use(m)
    # Countries named as adjectives ("Japanese", 国产) or by a "domestic" word in the asker's locale.
    country_pos: list[tuple[str, int]] = [(c, pos.get(c, -1)) for c in countries]
    for m in _DEMONYM_RE.finditer(cues):
        code = _DEMONYMS.get(m.group(0))
        if code:
            country_pos.append((f"https://w3id.org/regenkg/id/country/{code}", m.start()))
            use(m)
    dm = _DOMESTIC.search(cues)
    if dm and not countries:
        country_pos.append((f"https://w3id.org/regenkg/id/country/{'CN' if lang == 'zh-Hans' else 'TW'}", dm.start()))
        use(dm)
    country_pos = list({c: p for c, p in sorted(country_pos, key=lambda x: x[1])}.items())
    # Sub-modalities: "通用型CAR-T" is the narrower concept when the vocabulary has one; otherwise it
    # cannot be evaluated and is said so (never silently widened to CAR-T).
    sub_unknown: list[str] = []
    for m in _SUBMOD.finditer(cues):
        word = m.group(0)
        replaced = False
        for i, mod in enumerate(modalities):
            for label, narrower in narrower_labels.get(mod, {}).items():
                if word in label:
                    modalities[i] = narrower
                    replaced = True
                    break
            if replaced:
                break
        use(m)
        if not replaced:
            sub_unknown.append(word)
    rels_found = _deal_relations(cues)
    for rx in (_ACQ, _PAY, _ACQ_BY, _PASSIVE, _PARTNER, _LICENCE, _JV, _SOLD, _SPIN, _EXIT, _DEVELOP, _TREAT,
               _INDICATION_WORD, _COMPARE, _WHO, _WH, _MODALITY_WORD, _COMPANY_WORD, _REGULATION, _MARKET, OWNER,
               PRODUCT_WORD, _CHAIN):
        for m in rx.finditer(cues):
            use(m)

    compare: tuple[str, ...] = ()
    also_other = False
    relations: tuple[str, ...]
    answer: str
    subject, obj = Slot(), Slot()
    topic: tuple[str, ...] = ()
    is_deal = intent in ("acquirer_of", "acquired_by", "partners_of", "deals") or (
        bool(rels_found) and intent not in ("regulation", "market", "compare")
        and (bool(kinds) or bool(statuses) or measure in ("amount", "largest") or bool(country_pos) or time is not None
             or bool(t.get("Segment")))
        and intent not in ("targets_indication", "indications_of", "modality_treats", "modalities_for"))
    if intent == "compare":
        compare = tuple(companies)
        relations = ("develops", "targets", "acquired", "partneredWith", "licensedFrom")
        answer = "object"
        topic = tuple(modalities)
    elif is_deal and rels_found:
        relations, answer, subject, obj, topic = deal_query(cues, companies, modalities, kinds, country_pos,
                                                             rels_found, pos, intent, statuses)
        # A segment named in a deal question is what the deal is about ("CDMO partnerships").
        topic = tuple(dict.fromkeys((*topic, *t.get("Segment", ()))))
        answer, subject, obj, also_other = parties(cues, relations, answer, subject, obj, pos, ends or {},
                                                    used)
    elif intent in _INTENT_RELATION:
        relations, answer = _INTENT_RELATION[intent]
        subject, obj = _plain_slots(intent, t, modalities, companies)
        slot_answer = subject if answer == "subject" else obj
        # Qualifiers of the answering companies: "Taiwanese companies developing MSC", "which big pharma…".
        if intent not in ("regulation", "market") and answer in ("subject", "either") and intent != "modalities_for":
            ans_kind = kinds[0][0] if kinds else None
            ans_countries = tuple(c for c, _ in country_pos) if intent != "companies_in" or t.get("Segment") \
                or t.get("Modality") else ()
            if intent == "companies_in" and not t.get("Segment") and not t.get("Modality"):
                ans_countries = ()  # the countries themselves are the anchors of companies_in
            slot_answer = replace(slot_answer, kind=ans_kind or slot_answer.kind,
                                  countries=slot_answer.countries or ans_countries)
            if answer == "subject":
                subject = slot_answer
            else:
                obj = slot_answer
        # "which companies develop CAR-T for lupus": the modality is a second hop, not dropped.
        if intent == "targets_indication" and modalities:
            subject = replace(subject, develops=tuple(modalities))
        # "which companies acquired by big pharma develop TCR-T": the answer was bought by a kind of company.
        if intent == "who_develops" and _ACQ.search(cues) and kinds:
            subject = replace(subject, kind=None, acquired_by_kind=kinds[0][0])
        if intent == "product_owner" and kinds:  # "which big pharma makes X"
            obj = replace(obj, kind=kinds[0][0])
    else:
        relations, answer = (), "subject"
    approval = _APPROVAL.search(cues) if intent not in ("regulation", "market", None) else None
    approval_word = text[approval.start():approval.end()] if approval else ""
    if approval:
        for m in _APPROVAL.finditer(cues):
            use(m)
        sub_unknown.append(approval_word)
        constraints.append(Constraint("approval", approval_word, "answer", approval_word))
    site = party_wh(cues, relations, answer) if subject.anchors and not obj.anchors else None
    if site is not None and all(t_ in companies for t_ in subject.anchors):
        # "X的产品在哪些医院开展临床试验": the hospitals the named company works with (a kind of the answer end).
        used.append(site[1:])
        relations, answer = ("partneredWith",), "either"
        subject, obj = Slot(kind=site[0]), Slot(anchors=subject.anchors)
    place = answer_type_mismatch(cues, relations, answer)
    place_word = text[place[0]:place[1]] if place else ""
    if place:
        used.append(place)
        sub_unknown.append(place_word)
        constraints.append(Constraint("answer_type", place_word, "answer", place_word))
    # "how much will Y receive from X": an amount of a deal between two named parties, in either direction.
    between = bool(subject.anchors and obj.anchors and relations and not compare
                   and (_YES_NO.search(cues) or _RELATIONSHIP.search(cues) or measure == "amount"))
    for rx in (_YES_NO, _RELATIONSHIP, _OTHER_PARTY):
        for m in rx.finditer(cues):
            use(m)
    doc = _DOCUMENT.search(cues) if topic or subject.develops or obj.develops else None
    if doc and not topic:  # "acquisitions described in the AAV article": the article's topic, not a second hop
        topic = subject.develops + obj.develops
        subject, obj = replace(subject, develops=()), replace(obj, develops=())
    use(doc)
    # "Whose product is X, and which diseases does it treat?" asks the product's indications as well.
    follow: tuple[tuple[str, str], ...] = ()
    if intent == "product_owner" and asks_indications_too(cues):
        follow = (("targets", "object"),)
    elif relations == ("acquired",) and answer == "subject" and obj.anchors and _CHAIN.search(cues):
        follow = (("acquired", "subject"),)  # and whoever bought the buyer in turn
    query = TypedQuery(relations, answer, subject, obj, time, tuple(statuses), measure, compare, topic,
                       tuple(sub_unknown), also_other=also_other, between=between, topic_in_document=bool(doc),
                       follow_ups=follow)
    # -- constraints for display
    for name, slot in (("subject", subject), ("object", obj)):
        # A symmetric question's answer end is the subject slot (compose reads it so).
        role = "answer" if answer == name or (answer == "either" and name == "subject") else "other"
        if slot.kind:
            constraints.append(Constraint("company_kind", slot.kind, role, next((s for k, _, s in kinds if k == slot.kind), "")))
        for c in slot.countries:
            constraints.append(Constraint("country", c, role, ""))
        for mod in slot.develops:
            constraints.append(Constraint("develops", mod, role, ""))
        if slot.acquired_by_kind:
            constraints.append(Constraint("acquired_by", slot.acquired_by_kind, role, ""))
        for pred, anchors in slot.related:
            for a in anchors:
                constraints.append(Constraint("related", a, role, pred))
    for rel, end in follow:
        constraints.append(Constraint("follow_up", rel, end, ""))
    if time:
        constraints.append(Constraint("time", time.describe(), "fact", time.surface))
    for s in statuses:
        constraints.append(Constraint("status", s, "fact", ""))
    if measure != "entities":
        constraints.append(Constraint(measure, measure, "fact", ""))
    for mod in topic:
        constraints.append(Constraint("topic", mod, "document" if doc else "fact", ""))
    for w in sub_unknown:
        if not (approval and w == approval_word) and not (place and w == place_word):
            constraints.append(Constraint("sub_modality", w, "answer", w))
    unused = _unused(text, cues, used)
    return replace(query, constraints=tuple(constraints), unused=unused)


def _plain_slots(intent: str, t: dict[str, tuple[str, ...]], modalities: list[str],
                 companies: list[str]) -> tuple[Slot, Slot]:
    if intent == "who_develops":
        return Slot(), Slot(anchors=tuple(modalities))
    if intent == "modality_treats":
        return Slot(anchors=tuple(modalities)), Slot()
    if intent in ("targets_indication", "modalities_for"):
        return Slot(), Slot(anchors=t.get("Indication", ()))
    if intent in ("what_develops", "indications_of", "acquirer_of"):
        return Slot(anchors=tuple(companies[:1])), Slot()
    if intent == "acquired_by":
        return Slot(), Slot(anchors=tuple(companies[:1]))
    if intent == "partners_of":
        return Slot(), Slot(anchors=tuple(companies[:1]))
    if intent == "companies_in":
        return Slot(), Slot(anchors=t.get("Segment", ()) or tuple(modalities) or t.get("Country", ()))
    if intent in ("product_owner", "product_indications"):
        return Slot(anchors=t.get("Product", ())), Slot()
    if intent == "regulation":
        return Slot(anchors=t.get("Regulation", ())), Slot(anchors=t.get("Country", ()))
    if intent == "market":
        return Slot(anchors=tuple(modalities)), Slot()
    return Slot(), Slot()
