"""Spin-out and home frames the rules of :mod:`.transfers` and :mod:`.homes` do not read (issue #12): a company
founded on another body's science ("X was founded on technology from Y University", "X, built on research
licensed from Y,"), a parent written before its child ("源自Y大學的X", "脫胎於Y的X"), a home written as a
predicate ("X is a Japan-based developer"), a listing ("X, which is listed in Hong Kong", "在香港上市的X") and
a regulator's approval of a place ("X won approval from Japan's health ministry", "X的療法獲日本厚生勞動省核准")."""

from __future__ import annotations

import re

from .clauses import Add, Clause
from .homes import _places, _subject_verb
from .mentions import _M
from .patterns import COMPANY

# "founded on technology from", "built on research licensed from", "based on science developed at".
_FOUNDED_ON = re.compile(r"\b(?:founded|established|formed|created|launched|built|started|based)\s+(?:in\s+\d{4}\s+)?"
                         r"(?:on|around|upon|to commerciali[sz]e)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
                         r"(?:technology|technologies|research|science|discoveries|discovery|work|platform|ip|patents?)\s+"
                         r"(?:(?:licensed|developed|invented|originating|pioneered|discovered)\s+)?(?:from|at|by|of|in)\s+"
                         r"(?:the\s+)?")
# "Y spinout X", "Y's spin-off, X,": the parent written as a modifier of "spinout" before its child.
_PRENOMINAL_SPIN = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+){0,1}?spin-?(?:out|off)\s*,?\s*")
_SPIN_APPOSITION = re.compile(r"\s*,\s*(?:an?|the)\s+(?:[\w-]+\s+){0,2}?")
_CHILD_GAP = re.compile(r"(?:\s*,)?\s*(?:which|that|who)?\s*(?:was|were|is|has been|had been)?\s*(?:originally\s+|first\s+)?")
# "源自北辰大學的X", "脫胎於北辰大學實驗室的X": the trigger, the parent, a few words of it, "的", the child.
_ZH_FROM = re.compile(r"(?:源自|源于|脱胎于|脱胎自|孵化自|衍生自)\s*$")
_ZH_TAIL = re.compile(r"\s*(?:的)?\s*(?:实验室|研究团队|团队|研究室|研究中心|技术|研究成果|专利)?\s*(?:所)?\s*"
                      r"(?:成立|创立|设立|衍生|孵化)?\s*的\s*")
# "X is a Japan-based developer": the company, a copula, an article and a word or two before the place ...
_IS_A = re.compile(r"\s+(?:is|was|remains)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?$")
# ... and "-based"/"-headquartered" after it.
_BASED = re.compile(r"\s*-?\s*(?:based|headquartered)\b")
# "X, which is listed in Hong Kong", "X, listed on the Tokyo exchange", "X (listed in Taiwan)".
_LISTED = re.compile(r"(?:\s*,\s*|\s*[(（]\s*|\s+)(?:(?:which|that)\s+(?:is|was|has been)\s+|(?:is|was)\s+)?"
                     r"(?:(?:publicly|dual-|dually)\s*)?(?:listed|traded|quoted)\s+(?:in|on)\s+(?:the\s+)?$")
# "在香港上市的X", "於台灣上櫃的X".
_ZH_LISTED = re.compile(r"\s*(?:挂牌)?\s*(?:上市|上柜|挂牌|兴柜)\s*的\s*")
# "approval from Japan's ministry", "clearance by the Korean regulator" (the place right after).
_APPROVAL_FROM = re.compile(r"\b(?:approval|clearance|authori[sz]ation|designation)\s+(?:from|by)\s+(?:the\s+)?$")
# "獲日本厚生勞動省核准", "取得日本核准": what the company (or its product) got from a place's regulator.
_ZH_GOT = re.compile(r"(?:的[^,，;；。]{0,20}?)?\s*(?:已|已经|也|再|日前|近日|正式|率先|首度|首次)*\s*(?:获得|获|取得|拿到|通过)\s*$")
_ZH_APPROVED = re.compile(r"\s*(?:的)?\s*[^,，;；。]{0,12}?(?:核准|批准|许可|认证|上市许可|药证)")


def rule_origin(clause: Clause, add: Add) -> None:
    """"X was founded on technology from Y University" / "源自Y大學的X": X spunOutFrom Y."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    comps = [m for m in clause.with_appositives if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    for trig in _FOUNDED_ON.finditer(folded, cs, ce):
        parent = next((m for m in comps if m.start == trig.end()), None)
        child = next((m for m in reversed(comps) if m.end <= trig.start()
                      and _CHILD_GAP.fullmatch(folded, m.end, trig.start())), None)
        if parent is not None and child is not None and parent.iri != child.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.75, (child.start, parent.end))
    for parent in comps:
        if not _ZH_FROM.search(folded, max(cs, parent.start - 4), parent.start):
            continue
        tail = _ZH_TAIL.match(folded, parent.end, ce)
        child = next((m for m in comps if tail and m.start == tail.end()), None)
        if child is not None and child.iri != parent.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.75, (parent.start, child.end))

    for parent in comps:
        # "the University of Oxford spinout Harwick Bio", "Osterley's spin-off, Harwick Bio,"
        pre = _PRENOMINAL_SPIN.match(folded, parent.end, ce)
        child = next((m for m in comps if pre and m.start == pre.end()), None)
        if child is None:
            # "Harwick Bio, a University of Oxford spinout,": the apposition names the parent
            child = next((m for m in reversed(comps) if m.end <= parent.start
                          and _SPIN_APPOSITION.fullmatch(folded, m.end, parent.start)), None)
            if child is None or not _PRENOMINAL_SPIN.match(folded, parent.end, ce):
                continue
        if child.iri != parent.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.75,
                (min(child.start, parent.start), max(child.end, parent.end)))


def rule_home_more(clause: Clause, add: Add) -> None:
    """"X is a Japan-based developer", "X, which is listed in Hong Kong", "在香港上市的X", "X won approval from
    Japan's ministry", "X的療法獲日本厚生勞動省核准": X operatesIn P."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    cms = clause.with_appositives
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.org_type == COMPANY]
    if not comps:
        return
    for place, start, end in _places(folded, cms, cs, ce):
        before = [m for m in comps if m.end <= start]
        last = before[-1] if before else None
        holder: _M | None = None
        if last is not None and _IS_A.fullmatch(folded, last.end, start) and _BASED.match(folded, end, ce):
            holder = last
        elif last is not None and _LISTED.fullmatch(folded, last.end, start):
            holder = last
        elif last is not None and _APPROVAL_FROM.search(folded, max(cs, start - 40), start) and \
                _subject_verb(folded, last, start) and re.search(r"\b(?:won|wins|received|receives|got|gets|"
                                                                 r"secured|secures|obtained|obtains|gained|gains)\b",
                                                                 folded[last.end:start]):
            holder = last
        elif last is not None and _ZH_GOT.fullmatch(folded, last.end, start) and \
                (hit := _ZH_APPROVED.match(folded, end, ce)) and \
                not any(m.start >= end and m.end <= hit.end() for m in comps):
            holder = last
        if holder is None and not folded[start:end].isascii():
            after = next((m for m in comps if m.start >= end), None)
            listed = _ZH_LISTED.match(folded, end, ce)
            if after is not None and listed and after.start == listed.end() and \
                    re.search(r"(?:在|于)\s*$", folded[max(cs, start - 2):start]):
                holder = after
        if holder is not None:
            add(holder.iri, "operatesIn", place, "home", 0.7, (min(holder.start, start), max(holder.end, end)))
