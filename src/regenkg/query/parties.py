"""Which ends of a deal a question asks for, and the follow-up questions it asks of its answers.

:func:`parties` reads role nouns (the ontology's labels of rkg:acquirer …), party classes (hospital,
university), "and by whom" and spin-out origins into the slots of a deal question; :func:`follow_ups` finds
later sentences that ask a relation of the first one's answers. Both work on the entity-masked, folded cue
text :func:`~regenkg.query.understand.understand` builds.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from .cues import (
    _ACQ,
    _ACQ_BY,
    _INDICATION_WORD,
    _OTHER_PARTY,
    _PARTNER,
    _PLACE_WH,
    _SPIN,
    _TREAT,
    _WH,
    clause_of,
    noun_mentions,
)
from .question import DEAL_RELATIONS, Slot

__all__ = ["answer_type_mismatch", "follow_ups", "parties", "party_wh"]

# Roles that stand on the acting end of a deal (the one who buys, takes a licence) and on the giving end.
_AGENT_ROLES = frozenset({"acquirer", "buyer", "licensee"})
_SOURCE_ROLES = frozenset({"target", "seller", "licensor"})


def _role_end(rel: str, role: str) -> str | None:
    """Which end of ``rel`` a deal role noun names: ``subject``, ``object``, ``other`` (symmetric) or None."""
    if rel not in DEAL_RELATIONS:
        return None
    _, srole, orole = DEAL_RELATIONS[rel]
    if srole == orole:
        return "other" if role == "partner" else None
    if role in (srole, orole):
        return "subject" if role == srole else "object"
    for group in (_AGENT_ROLES, _SOURCE_ROLES):
        if role in group and (srole in group or orole in group):
            return "subject" if srole in group else "object"
    return None


def parties(cues: str, relations: tuple[str, ...], answer: str, subject: Slot, obj: Slot, pos: dict[str, int],
             ends: dict[str, int], used: list[tuple[int, int]]) -> tuple[str, Slot, Slot, bool]:
    """Role nouns, party classes and "by whom" decide which ends a deal question asks for.

    A role noun in the clause of the first wh-word names the answer end ("傳出收購消息，市場猜測的買家是誰":
    the buyer, not the company named); in a later clause it asks for that end as well ("…的是哪家公司？
    收購方是誰？"), as "and by whom" / "who were the parties" do. A party class (hospital, university) is a
    kind the other end must have, and asked for too when its clause has its own wh-word. "A University of
    Pennsylvania spin-out" makes Penn a second hop of the acquired end instead of a party.
    """
    rel = relations[0] if relations else ""
    also_other = False
    whs = list(_WH.finditer(cues))
    wh_clause = clause_of(cues, whs[0].start()) if whs else -1
    wh_clauses = {clause_of(cues, m.start()) for m in whs}

    def slot(name: str) -> Slot:
        return subject if name == "subject" else obj

    def set_slot(name: str, value: Slot) -> None:
        nonlocal subject, obj
        if name == "subject":
            subject = value
        else:
            obj = value

    # "a University of Pennsylvania spin-out was bought": the spin-out is the acquired end, Penn its origin.
    spin = _SPIN.search(cues)
    if rel == "acquired" and spin:
        for name in ("subject", "object"):
            sl = slot(name)
            near = [a for a in sl.anchors if 0 <= spin.start() - ends.get(a, -99) <= 3
                    or 0 <= pos.get(a, -99) - spin.end() <= 6]
            if near:
                set_slot(name, Slot(tuple(a for a in sl.anchors if a not in near), sl.kind, sl.countries, sl.develops,
                                    sl.acquired_by_kind, (*sl.related, ("spunOutFrom", tuple(near)))))
                if not slot(name).anchors and answer != name and not slot("object" if name == "subject" else "subject").anchors:
                    answer = "object"  # the spin-out is the one asked for
    for role, start, end in noun_mentions(cues, "role"):
        which = _role_end(rel, role)
        if which is None:
            continue
        used.append((start, end))
        clause = clause_of(cues, start)
        if which == "other":
            also_other = also_other or clause != wh_clause
        elif clause == wh_clause and answer not in ("either", which):
            other = "object" if which == "subject" else "subject"
            # The named company moves to the other end: it is the one the asked role dealt with.
            a, o = slot(which), slot(other)
            if a.anchors and not o.anchors:
                set_slot(other, Slot(a.anchors, o.kind, o.countries, o.develops, o.acquired_by_kind, o.related))
                set_slot(which, Slot((), a.kind, a.countries, a.develops, a.acquired_by_kind, a.related))
            answer = which
        elif clause in wh_clauses and clause != wh_clause and which != answer:
            also_other = True
    for kind, start, end in noun_mentions(cues, "kind"):
        used.append((start, end))
        clause = clause_of(cues, start)
        near_wh = any(abs(start - m.end()) <= 6 or abs(m.start() - end) <= 6 for m in whs if clause_of(cues, m.start()) == clause)
        target = answer if near_wh and clause == wh_clause and answer != "either" else (
            "object" if answer in ("subject", "either") else "subject")
        if near_wh and clause == wh_clause and answer == "either" and obj.anchors and not subject.anchors:
            target = "subject"  # "X與哪些醫院合作": the asked end of a symmetric relation (compose's subject)
        sl = slot(target)
        if sl.kind is None and not sl.anchors:
            set_slot(target, Slot(sl.anchors, kind, sl.countries, sl.develops, sl.acquired_by_kind, sl.related))
        if clause in wh_clauses and clause != wh_clause:
            also_other = True
    m = _OTHER_PARTY.search(cues)
    if m and rel:
        also_other = True
    return answer, subject, obj, also_other


# Follow-up questions: the relation a later sentence asks of the first one's answers.
_KIND_OF_MODALITY = re.compile(r"哪一?类|哪一?种|什么类型|什么样的(?:细胞|技术|疗法)|\bwhat (?:kind|type|sort)s? of\b|"
                               r"\bwhich (?:kind|type)s? of\b|\bwhat modalit\w*")
_SENTENCE_END = re.compile(r"[？?。！!]")


def follow_ups(cues: str, spans: list[tuple[int, int, str]], types: dict[str, str]
                ) -> tuple[int, tuple[tuple[str, str], ...]] | None:
    """Where the first question ends and the relations later ones ask of its answers (None: no follow-up).

    A later sentence is a follow-up when it has a wh-word, names no company of its own (it points back:
    這家公司, "it", or nothing) and asks a relation the first does not: where it spun out from, what it
    targets, what kind of modality it is, who acquired it, who it partners with.
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(cues)]
    if len(ends) < 1 or not cues[ends[0]:].strip(" \x00"):
        return None
    bounds = [0, *ends] + ([len(cues)] if ends[-1] < len(cues) else [])
    out: list[tuple[str, str]] = []
    for a, b in itertools.pairwise(bounds[1:]):
        part = cues[a:b]
        if not _WH.search(part) or any(a <= s < b and types.get(iri, "Company") == "Company" for s, _, iri in spans):
            continue
        if _SPIN.search(part):
            rel = ("spunOutFrom", "object")
        elif _ACQ_BY.search(part) or any(r in ("acquirer", "buyer") for r, _, _ in noun_mentions(part, "role")):
            rel = ("acquired", "subject")
        elif _INDICATION_WORD.search(part) or _TREAT.search(part):
            rel = ("targets", "object")
        elif _KIND_OF_MODALITY.search(part):
            rel = ("develops", "object")
        elif _PARTNER.search(part) and not _ACQ.search(part):
            rel = ("partneredWith", "either")
        else:
            continue
        if rel not in out:
            out.append(rel)
    return (ends[0], tuple(out)) if out else None


def answer_type_mismatch(cues: str, relations: tuple[str, ...], answer: str) -> tuple[int, int] | None:
    """The span of a wh-phrase asking for a kind of answer the relation read cannot give, if any.

    "哪些地区试点允许…" asks for places, "在哪些医院开展试验" for hospitals; read as "who develops" or "what does X
    develop" they would be answered with companies or modalities, so the planner says so instead.
    """
    if not relations or relations[0] in ("operatesIn", "headquarteredIn", "regulation", "market"):
        return None
    m = _PLACE_WH.search(cues)
    if m:
        return m.start(), m.end()
    site = party_wh(cues, relations, answer)
    return site[1:] if site else None


def party_wh(cues: str, relations: tuple[str, ...], answer: str) -> tuple[str, int, int] | None:
    """``(class, start, end)`` of a party class asked for by the wh-word of a develops/targets reading.

    "X的产品在哪些医院开展临床试验" reads as "what does X develop" but asks for hospitals: with the company
    named, :func:`~regenkg.query.understand.understand` asks for the hospitals it works with instead.
    """
    if not relations or relations[0] not in ("develops", "targets", "treats") or answer != "object":
        return None
    whs = [w.end() for w in _WH.finditer(cues)]
    return next(((k, s, e) for k, s, e in noun_mentions(cues, "kind") if any(0 <= s - w <= 3 for w in whs)), None)


def _add_country(subject: Slot, obj: Slot, name: str, country: str) -> tuple[Slot, Slot]:
    """Add ``country`` to the ``subject`` or ``object`` slot (no duplicates)."""
    if name == "subject":
        return replace(subject, countries=tuple(dict.fromkeys((*subject.countries, country)))), obj
    return subject, replace(obj, countries=tuple(dict.fromkeys((*obj.countries, country))))
