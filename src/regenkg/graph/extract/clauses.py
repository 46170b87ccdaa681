"""Clauses and the slots rules read in them: subject and object lists, the words that qualify a fact.

A relation rule is a function ``rule(clause: Clause, add: Add)``; :mod:`.core` runs every rule of its
``RULES`` tuple on every clause of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ...records import Sentence
from .mentions import _M
from .patterns import _CLAUSE_BREAK, _FAMILIES, _LIST_GAP, _MODIFIER, _SUBJ_GAP, COMPANY, MODALITY


@dataclass(frozen=True)
class Clause:
    """One clause of a sentence, as the relation rules see it.

    Attributes:
        sent: the sentence.
        folded: the whole sentence folded (:func:`.patterns._fold`); offsets are the original's.
        cs: clause start offset in ``folded``.
        ce: clause end offset.
        cms: the clause's mentions without appositive words, a carried-over subject first.
        with_appositives: the clause's mentions with the words of appositions ("X, a spin-off of Y, …");
            the same as ``cms`` when a coordinated verb carries the subject.
        types: the gazetteer's entity types by IRI (a discovered name has none).
    """

    sent: Sentence
    folded: str
    cs: int
    ce: int
    cms: list[_M]
    with_appositives: list[_M]
    types: Mapping[str, str] = field(default_factory=dict)  # gazetteer IRI -> entity type (PharmaCompany, CDMO …)


class Add(Protocol):
    """Records a fact a clause states: ``span`` is the fact's character span, from which its hedging is judged."""

    def __call__(self, s: str, p: str, o: str, rule: str, conf: float, span: tuple[int, int]) -> None: ...


class SentenceAdd(Protocol):
    """Records a fact read from the whole sentence (no hedging window)."""

    def __call__(self, s: str, p: str, o: str, rule: str, conf: float) -> None: ...


# A fronted time clause that leaves its subject to the main clause after the comma.
_FRONTED_TIME = re.compile(r"\s*(?:继|在|自从)[^,，;；。]{0,40}?(?:之后|以后|后)\s*$|"
                           r"\s*(?:after|following|since)\s+(?:buying|acquiring|purchasing|snapping up|taking over|"
                           r"(?:its|the) (?:acquisition|purchase|takeover) of)\b[^,;]{0,60}$")


def split_clauses(folded: str, ms: Sequence[_M] = ()) -> list[tuple[int, int, _M | None]]:
    """Clauses a relation may not cross, each with the subject a coordinated verb carries over.

    Beyond ``；。`` a clause ends at a comma that opens a new subject with its own verb
    (``甲以…買下B，丙以…併購D``) and at a coordinated verb (", and instead signed", "，並…").
    """
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(folded):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(folded)))
    comps = [m for m in ms if m.kind == COMPANY and not m.appositive]
    result: list[tuple[int, int, _M | None]] = []
    for cs, ce in out:
        if ce <= cs:
            continue
        cuts: list[tuple[int, int, bool]] = []  # (cut start, next clause start, carries the subject)
        for c in re.finditer(r"[,，]\s*(?:(?:and|while|whereas|meanwhile|separately)\s+|而|则|另外|另|此外|同时|其中)?", folded[cs:ce]):
            pos, nxt = cs + c.start(), cs + c.end()
            seg_end = min([x for x in (folded.find(",", nxt), folded.find("，", nxt)) if x != -1] + [ce])
            head = [m for m in comps if m.start == nxt]  # a new subject opens the segment
            left = [m for m in comps if cs <= m.start and m.end <= pos]
            # Parallel clauses only ("A以…買下B，C以…併購D"): both sides carry a verb of the same family.
            lseg = max(folded.rfind(",", cs, pos), folded.rfind("，", cs, pos), cs)
            # "A與B簽署授權協議，A獲得…" / "…，B獲得…": a company already named continues the clause; only a new
            # subject opens a parallel one ("A以…買下B，C以…併購D").
            if _FRONTED_TIME.match(folded, cs, pos):
                continue  # "繼收購X後，Y…", "After buying X, Y …": the fronted clause's subject is the main one's
            # A deal verb on each side opens a parallel clause, whatever its family ("A收購B，C則與D簽署合作").
            if head and left and head[0].iri not in {m.iri for m in left} and any(
                    f.search(folded, lseg, pos) for f in _FAMILIES) and any(
                    f.search(folded, nxt, min(seg_end, ce)) for f in _FAMILIES):
                cuts.append((pos, nxt, False))
        for c in re.finditer(r"\s+and\s+(?:then\s+|instead\s+|later\s+|also\s+|subsequently\s+)?(?=(?:signed|agreed|acquired|"
                             r"bought|licensed|formed|entered|partnered|sold|struck|inked|took|launched|"
                             r"develop\w*|focus\w*)\b)|[,，]\s*(?:并且|并|且|随后|转而|而是|但)(?=[^,，]{0,4})", folded[cs:ce]):
            cuts.append((cs + c.start(), cs + c.end(), True))
        cuts.sort()
        prev = cs
        subject: _M | None = None
        for pos, nxt, carry in cuts:
            if pos <= prev:
                continue
            left_subject = next((m for m in comps if prev <= m.start and m.end <= pos), None)
            result.append((prev, pos, subject))
            subject = (left_subject or subject) if carry else None
            prev = nxt
        result.append((prev, ce, subject))
    return [(s, e, c) for s, e, c in result if e > s]


# What a press release writes after a name in a list: a legal suffix and the listing
# ("X Incorporated (Nasdaq: XINC) and Y AG (Nasdaq: YAGX) announced…", "X（股票代碼：1234）").
_LISTED = re.compile(r"^\.?\s*(?:,?\s*(?:incorporated|inc|corporation|corp|limited|ltd|ag|plc|sa|nv|gmbh|llc|co)\b\.?)?"
                     r"\s*(?:[(（][^()（）]{0,40}[)）])?")


# "Unlike X", "不同于X", "不同於主攻CAR-T的X": the company compared with (a modifier may stand between).
_COMPARED = re.compile(r"(?:\bunlike|\bin contrast to|不同于|有别于|相较于|相较|相对于)\s*(?:[^,，;；。]{0,16}?的)?\s*$")


# ", a spin-out of Y," / ", which was spun out of Y," / ", founded at Y,": an apposition after a company, closed
# by a comma (the words inside it describe the company before it).
_OPEN_APPOSITION = re.compile(r"\s*[,，]\s*(?:an?|the|which|who|that|itself|once|formerly|now|founded|spun|based|"
                              r"backed|headquartered|part)\b[^;；]{0,110}?[,，]\s*")

def apposition_holder(folded: str, comps: Sequence[_M], last: _M, pos: int) -> _M | None:
    """"Corvane, a spin-out of the University of X, was acquired by…": when ``last`` (the name right before the
    verb at ``pos``) sits inside the apposition of a company before it, closed by a comma, that company."""
    if not re.fullmatch(r"[^,，;；]{0,40}?[,，]\s*", folded[last.end:pos]):
        return None
    return next((m for m in reversed(comps) if m.start < last.start and m.end <= last.start
                 and _OPEN_APPOSITION.fullmatch(folded, m.end, pos)), None)

def _subject_list(folded: str, cms: list[_M], pos: int, cs: int) -> list[_M]:
    """Companies in the list that ends right before ``pos`` (affiliates in parentheses excluded)."""
    # "(Nasdaq: HLVN)": an exchange named before its ticker is no list member.
    before = [m for m in cms if m.end <= pos and m.kind == COMPANY and not re.match(r"\s*[:：]", folded[m.end:m.end + 2])]
    if not before:
        return []
    last = before[-1]
    paren = folded.rfind("(", 0, last.start)  # folded text: full-width brackets are ASCII here
    if paren >= 0 and ")" in folded[last.end:pos] and ")" not in folded[paren:last.start]:
        # "Osterley (acquired by Pfizer in 2019) develops …": a company inside a parenthesis is no subject.
        before = [m for m in before if m.end <= paren]
        if not before:
            return []
        last = before[-1]
    if (holder := apposition_holder(folded, before, last, pos)) is not None:
        return [holder]
    gap = folded[last.end:pos]
    gap_clean = re.sub(r"[)）(（]", "", _LISTED.sub(" ", gap))
    # "Corvine, a Boston company founded in 2019, develops…": skip the appositive.
    gap_clean = re.sub(r"^\s*,\s*(?:an?|the|which|who)\b[^;；]{0,100}?,\s*", " ", gap_clean)
    gap_clean = re.sub(r"^\s*,\s*(?:which|that|who)\s+", " ", gap_clean)  # "Calder, which develops…"
    if len(gap_clean) > 40 or not _SUBJ_GAP.match(gap_clean.strip()) and not _short_gap(gap_clean):
        # "nuvance bio, which was spun out of X in 2022, develops…": the subject is before the relative clause.
        for m in reversed(before[:-1]):
            if re.fullmatch(r"\s*[,，]\s*(?:which|who|that)\b[^;；]{0,110}?[,，]\s*", folded[m.end:pos]):
                return [m]
        return []
    chosen = [last]
    for prev in reversed(before[:-1]):
        between = re.sub(r"[)）(（]", " ", _LISTED.sub(" ", folded[prev.end:chosen[-1].start]))
        if _LIST_GAP.match(between):
            chosen.append(prev)
        else:
            break
    # h/prec3: "Unlike X, Y develops …", "不同于X，Y专注…": the company compared with is no subject.
    chosen = [m for m in chosen if not _COMPARED.search(folded, max(0, m.start - 24), m.start)]
    return [m for m in reversed(chosen) if not m.affiliate_of] or [m for m in reversed(chosen)]


def _object_list(folded: str, cms: list[_M], pos: int, kinds: set[str], ce: int) -> list[_M]:
    after = [m for m in cms if m.start >= pos and m.kind in kinds]
    if not after:
        return []
    first = after[0]
    gap = folded[pos:first.start]
    # "developing TV-101, an in vivo CAR-T candidate": a code name, then what it is.
    coded = re.fullmatch(r"\s*[\w-]*\d[\w-]*\s*,\s*(?:an?|the)\s+(?:[\w-]+\s+){0,2}", gap)
    if len(gap) > 40 or re.search(r"[,，;；]", gap) and not coded:
        return []
    chosen = [first]
    for nxt in after[1:]:
        between = folded[chosen[-1].end:nxt.start]
        if between.strip() == "" and nxt.kind == chosen[-1].kind == MODALITY:
            continue  # "AAV" + "基因治療": one compound name, the first part is the specific one
        if _LIST_GAP.match(between) or re.fullmatch(r"[^,，、;；]{0,12}(?:和|与|及|以及|、|and)\s*[^,，;；]{0,6}", between) \
                or re.fullmatch(r"\s*(?:,\s*)?(?:such as|including|like|especially|notably|如|包括|例如|尤其是|特别是)\s*", between):
            chosen.append(nxt)
        else:
            break
    return chosen


def _possessive_subject(folded: str, cms: list[_M], pos: int) -> list[_M]:
    before = [m for m in cms if m.end <= pos]
    comps = [m for m in before if m.kind == COMPANY and not m.affiliate_of]
    if not comps:
        return []
    last = comps[-1]
    between = folded[last.end:pos]
    if re.fullmatch(r"(?:'s|’s|的)?\s*[^,，;；]{0,40}", between) and any(
            m.kind == MODALITY for m in before if m.start >= last.end):
        return [last]
    return []


def _segment_topic(folded: str, cms: Sequence[_M], cs: int, pos: int) -> _M | None:
    """The clause's opening company when the comma-segment holding ``pos`` names none ("X今日公告，與…合作")."""
    seg = max(folded.rfind("，", cs, pos), folded.rfind(",", cs, pos))
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if seg < 0 or not comps or comps[0].start > cs + 4:
        return None
    if any(seg < m.start < pos for m in comps if not m.pronoun or m.start > cs):
        return None
    # "從復旦大學分拆成立的凌雲基因…，主攻…": the opening name sits in a modifier of the company after 的.
    if len(comps) > 1 and comps[1].end <= pos and re.fullmatch(r"[^,，;；。与和及跟同则（()）]{0,14}的\s*",
                                                                  folded[comps[0].end:comps[1].start]):
        return comps[1]
    return comps[0]


def _modifier_head(folded: str, cms: Sequence[_M], pos: int, cs: int) -> _M | None:
    """The company an open apposition or relative clause holding ``pos`` describes.

    "Y, a Boston company working on in vivo CAR-T" / "Y, whose base editing programme targets …" /
    "Y, a developer of gene editing treatments": what the modifier says is about Y, not the sentence's subject.
    """
    for m in reversed(cms):
        if m.kind != COMPANY or m.end > pos or m.start < cs:
            continue
        if m.pronoun or m.affiliate_of:
            return None
        return m if _MODIFIER.fullmatch(folded, m.end, pos) else None
    return None


def _place_holder(folded: str, comps: Sequence[_M], cs: int, pos: int) -> _M | None:
    """The company whose work a place names: the last one of the place's comma-segment, else the clause's first."""
    seg = max(folded.rfind(",", cs, pos), cs)
    inside = [m for m in comps if seg <= m.start and m.end <= pos]
    if inside:
        return inside[-1]
    return next((m for m in comps if m.end <= pos), None)


def _undisclosed(window: str) -> str:
    """Drop "terms were not disclosed"/"金額未公開": they qualify the amount, not whether the deal happened."""
    return re.sub(r"\b(?:were|was|is|are)?\s*not (?:been )?(?:disclosed|revealed|made public)\b|未(?:公开|披露|透露|公布)|"
                  r"\bundisclosed\b", " ", window)


def _window(folded: str, cs: int, start: int, end: int) -> str:
    """The words that qualify a fact: its own span plus the lead-in of its comma-clause (≤ 20 chars)."""
    lead = max(cs, start - 20)
    comma = max(folded.rfind(",", lead, start), folded.rfind("，", lead, start))
    if comma >= 0:
        lead = comma + 1
    # …and what follows in the same clause ("翊辰與禾沐的授權協議已於3月終止").
    tail = re.search(r"[,，;；。]", folded[end:end + 40])
    stop = end + (tail.start() if tail else min(40, len(folded) - end))
    return folded[lead:stop]


def _short_gap(gap: str) -> bool:
    """A gap of a few words without clause punctuation ("和Janssen成功" → "成功")."""
    return len(gap.strip()) <= 8 and not re.search(r"[,，;；。]", gap)
