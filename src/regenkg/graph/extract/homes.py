"""Where a company works, from frames the place rule of :mod:`.assets` does not read: a place inside the
company's apposition ("X, headquartered in Japan, …"), a unit named by its place ("X's Japan subsidiary",
"X的日本子公司"), trials and regulators of a place ("a phase 2 trial in Korea", "won Japanese approval"), a home
written as origin ("one of Taiwan's leading …", "a company from Taiwan", "台灣細胞治療公司X") and
facilities held there ("在台灣設有GMP工廠")."""

from __future__ import annotations

import re

from ..ontology import resource
from .clauses import Add, Clause
from .mentions import _M
from .patterns import _COUNTRY_ADJ, COMPANY, COUNTRY

# After a company, inside its apposition: ", headquartered in P" / ", based in P" / ", a company from P".
_APPOSED_PLACE = re.compile(r"\s*(?:,\s*(?:(?:which is|which was|who is)\s+)?|\s+(?:is|was|remains)\s+(?:now\s+)?)"
                            r"(?:(?:headquartered|based|located)\s+in|"
                            r"(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:company|biotech|firm|developer|start-?up|maker|group)\s+"
                            r"(?:from|in|based in|headquartered in))\s+(?:the\s+)?")
# Between a company and a place: "'s" (X's Japan subsidiary), "的" (X的日本子公司), and after the place, the unit.
_UNIT_AFTER = re.compile(r"\s*(?:-based\s+)?(?:subsidiary|subsidiaries|unit|affiliate|branch|office|offices|plant|"
                         r"facility|site|sites|operations|arm|entity|joint venture)\b|"
                         r"\s*(?:的)?\s*(?:子公司|分公司|孙公司|据点|办公室|工厂|厂房|生产基地|基地|研发中心|营运中心|办事处)")
# After a place: its trials, its regulators, its approval, its market (the company is the clause's subject).
_PLACE_WORK = re.compile(r"\s*(?:(?:phase\s+[1-3i]+(?:/[1-3i]+)?|clinical|pivotal|registrational)\s+)*(?:trials?|stud(?:y|ies))\b|"
                         r"\s*(?:regulators?|regulatory approval|approval|marketing approval|authorities|market)\b")
_WORK_BEFORE = re.compile(r"\b(?:(?:phase\s+[1-3i]+(?:/[1-3i]+)?|clinical|pivotal|registrational)\s+)+(?:trials?|stud(?:y|ies))\s+"
                          r"(?:in|across)\s+(?:the\s+)?$")
# "the Greater China rights", "Japanese development and commercialization rights": rights held in a place ...
_RIGHTS_AFTER = re.compile(r"\s+(?:(?:exclusive|development|commercial|commerciali[sz]ation|marketing|distribution|and|"
                           r"regional)\s+)*(?:rights|licen[cs]es?)\b")
# ... by the subject of a verb that takes them.
_TAKES = re.compile(r"\b(?:acquir\w+|obtain\w*|gain\w*|secur\w+|receiv\w+|holds?|held|licens\w+|in-licens\w+|"
                    r"(?:bought|buys?|purchas\w+)|took|takes?|won|wins?|get|gets|got)\b")
# "one of Taiwan's leading cell therapy companies": the company's home.
_ONE_OF = re.compile(r"\s+(?:is|was|remains|became)\s+(?:one of|among)\s+(?:the\s+)?$")
_ONE_OF_TAIL = re.compile(r"\s*(?:'s|’s)\s+(?:[\w-]+\s+){0,4}?(?:companies|biotechs|firms|developers|makers|players)\b")
# "在台灣設有GMP工廠" / "在日本擁有…據點": a facility held in a place.
_ZH_HOLDS = re.compile(r"\s*(?:设有|设置|拥有|建有|建置|兴建|建设|建立|打造|盖|成立|设立|开设)(?:了)?[^,，;；。]{0,12}?"
                       r"(?:工厂|厂房|基地|据点|子公司|分公司|实验室|中心|办公室|产线|生产线)")
# "台灣細胞治療公司X", "日本生技公司X": a place, a trade word and 公司 right before the name.
_ZH_HOME = re.compile(r"\s*(?:的)?\s*(?:细胞治疗|基因治疗|再生医疗|生技|生物科技|生物技术|生医|制药|医药|新创|上市|上柜)?\s*"
                      r"(?:公司|厂|药厂|业者|大厂|新创)\s*$")


def rule_home(clause: Clause, add: Add) -> None:
    """"X, headquartered in Japan", "X's Japan subsidiary", "X is running a phase 2 trial in Korea", "X won
    Japanese approval", "X is one of Taiwan's leading …", "X在台灣設有工廠", "台灣細胞治療公司X": X operatesIn P."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    cms = clause.with_appositives
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.org_type == COMPANY]
    if not comps:
        return
    for place, start, end in _places(folded, cms, cs, ce):
        before = [m for m in comps if m.end <= start]
        holder: _M | None = None
        if before and _APPOSED_PLACE.fullmatch(folded, before[-1].end, start):
            holder = before[-1]
        elif before and re.fullmatch(r"\s*(?:'s|’s|(?<=s)'|(?<=s)’|的)\s*", folded[before[-1].end:start]) and \
                _UNIT_AFTER.match(folded, end, ce):
            holder = before[-1]  # "X's Japan subsidiary", "X的日本子公司"
        elif before and _ONE_OF.fullmatch(folded, before[-1].end, start) and _ONE_OF_TAIL.match(folded, end, ce):
            holder = before[-1]
        elif before and re.search(r"在\s*$", folded[max(cs, start - 1):start]) and _ZH_HOLDS.match(folded, end, ce) and \
                re.fullmatch(r"\s*(?:已|已经|也|并|则|目前|将|还|同时)*\s*", folded[before[-1].end:start - 1]):
            holder = before[-1]
        elif before and (_PLACE_WORK.match(folded, end, ce) or _WORK_BEFORE.search(folded, max(cs, start - 50), start)) \
                and _subject_verb(folded, before[-1], start):
            holder = before[-1]  # the verb's subject runs the trial or wins the approval
        elif before and _RIGHTS_AFTER.match(folded, end, ce) and _subject_verb(folded, before[-1], start) and \
                _TAKES.search(folded, before[-1].end, start):
            holder = before[-1]  # "X acquired the Greater China rights to …": the licensee works there
            if re.search(r"\b(?:out-)?licen[cs](?:ed|es|ing)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,3}$",
                         folded[before[-1].end:start]):
                # h/deals3: "X licensed Greater China rights to M to Y": the rights go out, to Y.
                holder = _licensee_after(folded, comps, end, ce)
        if holder is None:
            after = next((m for m in comps if m.start >= end), None)
            if after is not None and not folded[start:end].isascii() and _ZH_HOME.fullmatch(folded, end, after.start) \
                    and after.start - end <= 10:
                holder = after  # "台灣細胞治療公司晶岱生技"
        if holder is not None:
            add(holder.iri, "operatesIn", place, "home", 0.7, (min(holder.start, start), max(holder.end, end)))


def _licensee_after(folded: str, comps: list[_M], pos: int, ce: int) -> _M | None:
    """The company an out-licence gives rights to: right after the clause's last "to" (None if none)."""
    for hit in reversed(list(re.finditer(r"\bto\s+(?:the\s+)?", folded[pos:ce]))):
        to = next((m for m in comps if m.start == pos + hit.end()), None)
        if to is not None:
            return to
    return None


def _places(folded: str, cms: list[_M], cs: int, ce: int) -> list[tuple[str, int, int]]:
    """The clause's places: country mentions, and the adjectives of :data:`_COUNTRY_ADJ` ("Japanese")."""
    out = [(m.iri, m.start, m.end) for m in cms if m.kind == COUNTRY]
    taken = {(s, e) for _, s, e in out}
    for adj, code in _COUNTRY_ADJ.items():
        if adj in ("us", "u.s."):
            continue
        for hit in re.finditer(rf"(?<![a-z-]){re.escape(adj)}(?![a-z-])", folded[cs:ce]):
            span = (cs + hit.start(), cs + hit.end())
            if not any(s <= span[0] < e for s, e in taken):
                out.append((str(resource("country", code)), *span))
    return sorted(out, key=lambda p: p[1])


def _subject_verb(folded: str, subj: _M, pos: int) -> bool:
    """Whether ``subj`` opens a verb phrase that reaches ``pos`` without another clause in between."""
    between = folded[subj.end:pos]
    return len(between) <= 70 and not re.search(r"[,，;；]|\b(?:which|who|that|while|whereas|and)\b", between)
