"""Relation, answer end and both slots of a deal question (acquisition, licence, partnership, exit…).

:func:`deal_query` reads word order, passive/by-words, from/to words, company kinds, countries and modalities
of the entity-masked, folded cue text :func:`~regenkg.query.understand.understand` builds.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from .cues import _ACQ, _PASSIVE, _PAY, _WH
from .parties import _add_country
from .question import Slot

__all__ = ["deal_query"]


def deal_query(cues: str, companies: list[str], modalities: list[str], kinds: list[tuple[str, int, str]],
                country_pos: list[tuple[str, int]], rels_found: list[tuple[str, int]], pos: dict[str, int],
                intent: str | None, statuses: list[str]
                ) -> tuple[tuple[str, ...], str, Slot, Slot, tuple[str, ...]]:
    """Relation, answer end and both slots of a deal question (acquisition, licence, partnership…)."""
    rel, vpos = rels_found[0]
    names = [r for r, _ in rels_found]
    # "exited or ended collaborations": the exits and the terminated partnerships are both answers.
    if "exited" in names and len(names) > 1 and rel == "exited":
        rel, vpos = next((r, p) for r, p in rels_found if r != "exited")
    relations = [rel]
    if rel == "acquired" and "licensedFrom" in names and _PAY.search(cues) and not _ACQ.search(cues):
        relations.append("licensedFrom")
    if "exited" in names and rel != "exited":
        relations.append("exited")
    if rel == "acquired" and "spunOutFrom" in names:
        pass
    elif rel == "spunOutFrom" and "acquired" in names:
        rel = "acquired"
        relations = ["acquired"]
        vpos = next(p for r, p in rels_found if r == "acquired")
    # A licence with no direction word ("签署了授权协议", "licensing deals") is read both ways; a partner
    # question also covers licences (a licensor is a partner), as partner questions always have.
    undirected_licence = rel == "licensedFrom" and not re.search(r"从|自|向|\bfrom\b|\bto\b|给|予", cues)
    if rel == "partneredWith" and "licensedFrom" not in relations:
        relations.append("licensedFrom")
    passive = bool(_PASSIVE.search(cues)) and rel in ("acquired", "spunOutFrom", "soldTo", "licensedFrom")
    if rel == "soldTo" and re.search(r"给|\bto\b", cues[vpos:]):
        passive = False  # "X被出售给Y" / "X was sold to Y": X is what was sold (the seller's end), Y the buyer
    wh = _WH.search(cues)
    # Which end is the answer? The end the wh-word sits on, the unanchored end otherwise.
    before = [c for c in companies if pos.get(c, 0) < vpos]
    after = [c for c in companies if pos.get(c, 0) >= vpos]
    answer: str | None = None
    if rel == "acquired" and re.search(r"母公司|\bparent\b|\bowner\b|\bowns\b", cues) and companies:
        before, after, passive = [], companies[:1], False
        wh = None
        answer = "subject"
    symmetric = rel in ("partneredWith", "jointVentureWith") or undirected_licence
    by_m = re.search(r"被|遭|\bby\b", cues)
    if rel == "licensedFrom":
        from_m = re.search(r"从|自|向|\bfrom\b", cues)
        to_m = re.search(r"给|予|\bto\b", cues)
        if from_m and companies and pos.get(companies[0], 0) > from_m.start():
            subj, objs = [c for c in companies if c != companies[0]], companies[:1]
        elif from_m and wh and wh.start() > from_m.start():
            subj, objs = companies[:1], []
        elif to_m and companies and pos.get(companies[0], 0) > to_m.start():
            subj, objs = companies[:1], [c for c in companies[1:]]
        else:
            subj, objs = before, after
    elif passive and by_m:
        # "X was acquired by Y" / "被Y收购的X": the agent follows the by-word.
        subj = [c for c in companies if pos.get(c, 0) > by_m.start()] if rel != "spunOutFrom" else []
        objs = [c for c in companies if c not in subj]
        if "被" in cues[by_m.start():by_m.end()] and not subj:
            subj = [c for c in companies if by_m.start() < pos.get(c, 0) < vpos]
            objs = [c for c in companies if c not in subj]
    elif passive:
        subj, objs = after, before  # "Juno was acquired" / "Juno并入新基": the company before the verb is the target
    else:
        subj, objs = before, after
    if symmetric:
        subj, objs = [], companies[:]
    # The answer end
    if symmetric:
        answer = "either"  # both ends are partners; the named ones are bound, the answer is the other
    elif answer is not None:
        pass
    elif subj and not objs:
        answer = "object"
    elif objs and not subj:
        answer = "subject"
    elif subj and objs or passive or wh is not None and wh.start() > vpos and rel not in ("exited",):
        answer = "object"
    elif wh is not None and re.search(r"\b(?:did|does|do|has|have|had|will|would)\b", cues[wh.end():vpos]):
        answer = "object"  # "which companies did Bayer buy": do-support puts the object first
    else:
        answer = "subject"
    if rel == "exited":
        answer = "subject"
    subject, obj = Slot(anchors=tuple(subj)), Slot(anchors=tuple(objs))
    # Company kinds: before the verb (active) = agent; after a by-word = agent; otherwise the patient.
    for kind, kpos, _ in kinds:
        if symmetric:
            target = "answer" if (wh is not None and abs(kpos - wh.end()) <= 6) or not companies else "other"
            slot_name = answer if target == "answer" else ("object" if answer == "subject" else "subject")
        elif passive and by_m and kpos > by_m.start():
            slot_name = "subject"
        elif passive:
            slot_name = "object" if kpos < (by_m.start() if by_m else vpos) else "subject"
        else:
            slot_name = "subject" if kpos < vpos else "object"
        if slot_name == "subject":
            subject = replace(subject, kind=subject.kind or kind)
        else:
            obj = replace(obj, kind=obj.kind or kind)
    # Countries: the one next to the wh-word belongs to the answer, the others to the other end.
    if country_pos:
        ans_name = answer
        other_name = "object" if answer == "subject" else "subject"
        if symmetric:
            ans_name, other_name = "subject", "object"
        if len(country_pos) == 1:
            c, cp = country_pos[0]
            if symmetric or not (subject.anchors or obj.anchors):
                target = ans_name if (wh is None or len(companies) > 0 or abs(cp - wh.end()) < 8 or cp < vpos) \
                    else other_name
                if not symmetric and cp < vpos and not passive:
                    target = "subject"
                elif not symmetric and cp > vpos and not passive:
                    target = "object"
            else:
                target = ans_name
            if symmetric and companies:
                target = "subject"
            subject, obj = _add_country(subject, obj, target, c)
        else:
            ranked = sorted(country_pos, key=lambda x: abs(x[1] - wh.end()) if wh else x[1])
            subject, obj = _add_country(subject, obj, ans_name, ranked[0][0])
            for c, _ in ranked[1:]:
                subject, obj = _add_country(subject, obj, other_name, c)
    # Modalities: the acquired / partnered company develops them ("bought a CAR-T company"); for a licence
    # or a deal with both ends named they are the deal's topic.
    topic: tuple[str, ...] = ()
    # Only a modality in the verb's own sentence qualifies the deal ("X? And what became of its cell
    # therapy?" asks a second question; it does not restrict the first).
    bounds = [0] + [m.end() for m in re.finditer(r"[。？?！!；;]", cues)] + [len(cues) + 1]
    sent = next(((a, b) for a, b in itertools.pairwise(bounds) if a <= vpos < b), (0, len(cues) + 1))
    modalities = [m for m in modalities if sent[0] <= pos.get(m, sent[0]) < sent[1]]
    if modalities:
        if rel == "acquired" and not obj.anchors:
            obj = replace(obj, develops=tuple(modalities))
        elif rel == "exited" or "exited" in relations or statuses:
            topic = tuple(modalities)
        elif symmetric and not companies:
            slot = subject if subject.kind is None else obj
            if slot is subject:
                subject = replace(subject, develops=tuple(modalities))
            else:
                obj = replace(obj, develops=tuple(modalities))
        else:
            topic = tuple(modalities)
    return tuple(dict.fromkeys(relations)), answer, subject, obj, topic
