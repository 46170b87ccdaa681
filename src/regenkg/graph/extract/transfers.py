"""Transfer rules: spin-outs, joint ventures and sales (seller first), each read around its trigger."""

from __future__ import annotations

import re

from .clauses import Add, Clause, _object_list, _subject_list
from .mentions import _M
from .patterns import _DEVELOP, _JV, _LIST_GAP, _SALE, _SPIN, COMPANY, COUNTRY, MODALITY


def rule_spinout(clause: Clause, add: Add) -> None:
    """"X, which was spun out of Y" / "X (a spin-out of Y)" / "X由Y衍生成立" / "X從Y分拆成立": X spunOutFrom Y."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.with_appositives
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    _founded_from(folded, cs, ce, comps, add)
    _fronted_spinout(folded, cs, ce, comps, add)
    for trig in _SPIN.finditer(folded, cs, ce):
        if trig.group(0) in ("脱胎于", "脱胎自", "孵化自", "衍生自", "分拆自", "源自", "源于"):
            # "X脫胎於北湖大學": the parent follows the verb.
            parent = next((m for m in comps if trig.end() <= m.start <= trig.end() + 2), None)
            child = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            if parent is not None and child is not None and parent.iri != child.iri:
                add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (child.start, parent.end))
            continue
        if re.match(r"[\u4e00-\u9fff]", trig.group(0)):
            after = re.match(r"\s*(?:成立|设立|出来)?\s*的\s*", folded[trig.end():])
            parent = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            child = next((m for m in comps if after and m.start == trig.end() + after.end()), None)
            if after and parent is not None and child is not None and parent.iri != child.iri and re.search(
                    r"(?:由|从|自)\s*$", folded[max(cs, parent.start - 2):parent.start]):
                # "由國立成功大學衍生成立的晶元細胞" / "從Y分拆成立的X": the child follows the clause it heads.
                add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (parent.start, child.end))
                continue
            prep = None
            for pm in re.finditer(r"由|从|自|是|(?<![成作])为(?!了)", folded[cs:trig.start()]):
                prep = cs + pm.start()
            if prep is None:
                _zh_parent_first(folded, trig, comps, cs, add)
                continue
            parents = [m for m in comps if prep < m.start and m.end <= trig.start()]
            children = [m for m in comps if m.end <= prep]
            if parents and children:
                add(children[-1].iri, "spunOutFrom", parents[-1].iri, "spin-out", 0.8,
                    (children[-1].start, trig.end()))
            continue
        after = re.match(r"(?:\s+(?:out|off))?\s+(?:of|from)\s+", folded[trig.end():trig.end() + 12])
        if not after:
            _spin_other_orders(folded, trig, comps, cms, cs, ce, add)
            continue
        parent = next((m for m in comps if m.start >= trig.end() and m.start - trig.end() <= 16), None)
        child = next((m for m in reversed(comps) if m.end <= trig.start() and re.fullmatch(
            r"(?:\s*,)?\s*(?:which|that|who)?\s*(?:was|were|is|has been|had been)?\s*|"
            r"\s+(?:is|was|became|remains)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?|"
            r"(?:\s*,)?\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:company|biotech|firm|start-?up|unit)?\s*"
            r"(?:that was|which was)?\s*|\s*[(（]\s*(?:a|an|the)?\s*", folded[m.end:trig.start()])), None)
        if parent and child and parent.iri != child.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (child.start, parent.end))
        elif child is None:
            _spin_of(folded, trig, comps, cs, ce, add)


# A company told as founded out of another body: "founded out of Y's lab", "emerged from Y", "grew out of Y" (any
# parent), "founded at Y", "founded by researchers from Y", "incubated at Y", "由Y大學團隊創立" (an academic one).
_FOUNDED_OUT = re.compile(r"\b(?:(?:founded|established|formed|created|launched|set up|started|born)\s+(?:in\s+\d{4}\s+)?"
                          r"(?:out of|from within)|emerged\s+from|grew\s+out\s+of|originated\s+(?:from|at|in)|"
                          r"spawned\s+(?:by|from)|"
                          # "X began as a spinout of Y", "X was founded in 2019 as a spin-off from Y"
                          r"(?:began|begun|started(?: life| out)?|founded|established|formed|created|launched|set up|emerged)"
                          r"\s+(?:in\s+\d{4}\s+)?as\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:spin-?(?:out|off)|spun-out company)"
                          r"\s+(?:of|from)(?:\s+(?:researchers|scientists|work)\s+at)?)\s+(?:the\s+)?")
_FOUNDED_AT = re.compile(r"\b(?:(?:founded|established|formed|created|launched|set up|started)\s+(?:in\s+\d{4}\s+)?"
                         r"(?:at|by\s+(?:(?:a|two|three|four|several|former|senior|leading)\s+)*(?:[\w-]+\s+)?"
                         r"(?:researchers|scientists|professors?|academics|faculty|investigators|team|group|lab)\s+"
                         r"(?:from|at|of|in)|within)|incubated\s+(?:at|in|by))\s+(?:the\s+)?"
                         r"|由\s*(?=\S)")
_CHILD_GAP = re.compile(r"(?:\s*,)?\s*(?:which|that|who)?\s*(?:was|were|is|has been|had been)?\s*(?:originally\s+|first\s+)?|"
                        r"\s*(?:是|为|系)?\s*")


# "Founded in 2019 as a spinout from Y, X …", "A spin-off of Y, X …": the fronted participle describes the
# clause's subject.
_FRONTED_SPIN = re.compile(r"\s*(?:(?:founded|established|formed|created|launched|set up|started|incorporated)\s+"
                           r"(?:in\s+\d{4}\s+)?as\s+|originally\s+)?(?:an?\s+)?(?:[\w-]+\s+){0,2}?"
                           r"(?:spin-?out|spin-?off)\s+(?:of|from)\s+(?:the\s+)?")


def _fronted_spinout(folded: str, cs: int, ce: int, comps: list[_M], add: Add) -> None:
    head = _FRONTED_SPIN.match(folded, cs, ce)
    parent = next((m for m in comps if head is not None and m.start == head.end()), None)
    if head is None or parent is None:
        return
    comma = re.compile(r"[^,;]{0,40}?,\s*(?:the\s+)?").match(folded, parent.end, ce)
    child = next((m for m in comps if comma is not None and m.start == comma.end()), None)
    if child is not None and child.iri != parent.iri and child.org_type == COMPANY:
        add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (cs, child.end))


def _founded_from(folded: str, cs: int, ce: int, comps: list[_M], add: Add) -> None:
    """"X was founded out of Y's lab" / "X emerged from Y" / "X was founded by researchers at Y University" /
    "X由Y大學團隊創立": X spunOutFrom Y (founded at or by an academic body's people: Y must be a university or
    hospital, not a company whose staff left it)."""
    for pat in (_FOUNDED_OUT, _FOUNDED_AT):
        for trig in pat.finditer(folded, cs, ce):
            parent = next((m for m in comps if m.start == trig.end()), None)
            child = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            if parent is None or child is None or parent.iri == child.iri or child.pronoun:
                continue
            if not _CHILD_GAP.fullmatch(folded, child.end, trig.start()):
                continue
            if pat is _FOUNDED_AT:
                if parent.org_type == COMPANY:
                    continue
                if trig.group(0).startswith("由") and not re.match(
                        r"[^,，;；。]{0,14}?(?:团队|教授|研究室|实验室|研究人员|学者|医师)?[^,，;；。]{0,4}?(?:所)?(?:创立|成立|创办|设立|共同创立)",
                        folded[parent.end:ce]):
                    continue
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.75, (child.start, parent.end))


def _spin_of(folded: str, trig: re.Match[str], comps: list[_M], cs: int, ce: int, add: Add) -> None:
    """"X completed the spin-off of Y": a noun with a determiner; the parent is the clause's subject."""
    of = re.match(r"\s+of\s+(?:the\s+)?", folded[trig.end():ce])
    if of is None or not re.search(r"\b(?:the|its|their)\s+(?:planned\s+|completed\s+|proposed\s+)?$",
                                   folded[max(cs, trig.start() - 20):trig.start()]):
        return
    kid = next((m for m in comps if m.start == trig.end() + of.end()), None)
    subj = next((m for m in comps if m.end <= trig.start()), None)
    if kid is not None and subj is not None and kid.iri != subj.iri:
        add(kid.iri, "spunOutFrom", subj.iri, "spin-out-active", 0.75, (subj.start, kid.end))


def _zh_parent_first(folded: str, trig: re.Match[str], comps: list[_M], cs: int, add: Add) -> None:
    """"X分拆Y", "X分拆旗下的Y", "X將其細胞治療部門分拆為Y": the parent is the subject, the child the object."""
    obj = re.match(r"\s*(?:出|了)?\s*(?:为|成|成立|出来的|旗下的?|其|(?:的)?新创(?:公司|企业)?)?\s*", folded[trig.end():])
    child = next((m for m in comps if obj is not None and m.start == trig.end() + obj.end()), None)
    parent = next((m for m in reversed(comps) if m.end <= trig.start() and not m.pronoun), None)
    if child is None or parent is None or child.iri == parent.iri:
        return
    # Between the parent and the verb: adverbs, or "將其…部門" (what is spun off, before the verb).
    if re.fullmatch(r"\s*(?:已|将|也|则|正式|宣布|计划|已经|决定)*\s*(?:(?:将|把)(?:其|旗下)?[^,，;；。]{0,12}?)?\s*",
                    folded[parent.end:trig.start()]):
        add(child.iri, "spunOutFrom", parent.iri, "spin-out-active", 0.75, (parent.start, child.end))


def _spin_other_orders(folded: str, trig: re.Match[str], comps: list[_M], cms: list[_M], cs: int, ce: int,
                       add: Add) -> None:
    """Spin-outs written parent first: "Y, a X spin-off" / "X's spinout Y" / "X spun out Y" / "X spun off its unit as Y"."""
    parent = next((m for m in reversed(comps) if m.end <= trig.start()
                   and re.fullmatch(r"(?:'s|’s|(?<=s)'|(?<=s)’)?\s*", folded[m.end:trig.start()])), None)
    # a verb ("spun off Y", "will spin out Y"), not the noun ("a spin-off of Y")
    verb = trig.group(0).startswith("spun") or " " in trig.group(0) \
        or bool(re.match(r"\s+(?:out|off)\b", folded[trig.end():trig.end() + 5]))
    if parent is not None and not verb:
        # a noun ("spin-off"): the child is the apposition's head before it or the name right after it
        child = next((m for m in reversed(comps) if m.end <= parent.start and re.fullmatch(
            r"\s*[,，(（]\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?", folded[m.end:parent.start])), None) or \
            next((m for m in comps if trig.end() <= m.start <= trig.end() + 3), None)
        if child is not None and child.iri != parent.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.75, (min(child.start, parent.start), trig.end()))
        return
    if not re.match(r"spun|spin", trig.group(0)):
        return
    # a verb with the parent as subject: the child follows, directly or after "its … unit as/into"
    subjects = _subject_list(folded, cms, trig.start(), cs)
    tail = re.match(r"(?:\s+(?:out|off))?\s+(?:(?:its|a|the|their)\s+(?:[\w-]+\s+){0,4}?(?:as|into|called|named)\s+"
                    r"(?:an?\s+(?:new\s+|separate\s+|standalone\s+)?(?:company|firm|start-?up|biotech|entity)\s*,?\s*"
                    r"(?:called\s+|named\s+)?)?)?",
                    folded[trig.end():ce])
    if not subjects or tail is None:
        return
    pos = trig.end() + tail.end()
    child = next((m for m in comps if pos <= m.start <= pos + 2), None)
    if child is not None and child.iri != subjects[-1].iri:
        add(child.iri, "spunOutFrom", subjects[-1].iri, "spin-out-active", 0.75, (subjects[-1].start, child.end))


# "X and Y created a jointly owned company": a joint venture without the word.
_JOINTLY = re.compile(r"\bjointly[- ]owned\b|\bco-owned\b|共同持股的|共同持有的")


def rule_joint_venture(clause: Clause, add: Add) -> bool:
    """"A與B合資成立C" / "A and B formed a joint venture" / "A set up a joint venture with B"."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    trig = _JV.search(folded, cs, ce) or _JOINTLY.search(folded, cs, ce)
    if not trig:
        return False
    # The joint venture itself is no partner: "Z, a joint venture of A and B", "a joint venture, Z, with B",
    # "合資成立Z" (h/deals3).
    venture = {m.iri for m in cms if m.kind == COMPANY and _is_venture(folded, m, trig)}
    cms = [m for m in cms if m.iri not in venture]
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    group = _subject_list(folded, cms, trig.start(), cs)
    if not group:
        # "復星醫藥與英國Harlow Bio成立合資公司": a founding verb between the partner and the trigger.
        near = next((m for m in reversed(comps) if m.end <= trig.start()), None)
        if near is not None and _FOUNDING.fullmatch(folded, near.end, trig.start()):
            group = [near]
    if len(group) == 1:
        # "…與日本的Sakura Cell合資": the partner may carry its country ("日本的", "英國") after 與.
        place = next((m for m in reversed(cms) if m.kind == COUNTRY and m.end <= group[0].start
                      and re.fullmatch(r"\s*(?:的)?\s*", folded[m.end:group[0].start])), None)
        conj_end = place.start if place is not None else group[0].start
        # "與日商富嶺製藥合資": a foreign firm's 日商/美商 may stand between the conjunction and the name.
        if re.search(r"(?:[与和跟同]|携手|联手|偕同)\s*(?:[日美韩德英法荷瑞台陆港外]商)?\s*$",
                     folded[max(cs, conj_end - 4):conj_end]):
            lead = [m for m in comps if m.end <= conj_end - 1 and m.iri != group[0].iri]
            if lead:
                group = [lead[-1], group[0]]  # "Kite在中國則與復星醫藥合資成立…"
    if len(group) < 2:
        # "the joint venture formed by X and Y" / "由X與Y合資成立的Z" / "X與Y的合資公司Z": the partners are named around it.
        by = re.match(r"\s*(?:company\s+)?(?:[\w-]+\s+){0,2}?(?:(?:formed|set up|established|created|owned)\s+(?:by|between)|"
                      r"between|of)\s+"
                      r"(?:the\s+)?", folded[trig.end():ce])
        if by is not None:
            named = _object_list(folded, cms, trig.end() + by.end(), {COMPANY}, ce)
            group = named if len(named) >= 2 else group
        elif re.search(r"(?:由)\s*$", folded[max(cs, comps[0].start - 2):comps[0].start] if comps else "") or \
                re.search(r"的\s*$", folded[max(cs, trig.start() - 2):trig.start()]):
            two = [m for m in comps if m.end <= trig.start()][:2]
            if len(two) == 2 and re.fullmatch(r"\s*(?:与|和|及|、|跟|同)\s*", folded[two[0].end:two[1].start]):
                group = two
    if len(group) < 2:
        first = [m for m in comps if m.end <= trig.start()]
        with_m = re.search(r"\bwith\b|与|和|同", folded[trig.end():ce]) or re.search(r"\bwith\b", folded[cs:trig.start()])
        if first and with_m:
            pos = (trig.end() if with_m.start() + trig.end() < ce and with_m.string is folded else cs) + with_m.end()
            other = next((m for m in comps if m.start >= pos and m.iri != first[0].iri), None)
            group = [first[0], other] if other else []
            if other is not None:
                # "a joint venture with Y and Z": every partner of the list
                group += [m for m in _object_list(folded, cms, other.start, {COMPANY}, ce)
                          if m.iri not in {g.iri for g in group}]
        elif len(first) >= 2 and _LIST_GAP.match(folded[first[-2].end:first[-1].start]):
            group = first[-2:]
    if len(group) < 2:
        return False
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            add(a.iri, "jointVentureWith", b.iri, "joint-venture", 0.8, (a.start, max(b.end, trig.end())))
    # "…成立合資公司，開發iPSC衍生細胞療法" / "a joint venture to develop …": the partners develop it together.
    first_mod = next((m.start for m in cms if m.kind == MODALITY and m.start > trig.end()), ce)
    for mod in _object_list(folded, cms, first_mod, {MODALITY}, ce):
        if _DEVELOP.search(folded, trig.end(), mod.start):
            for p in group:
                if p.org_type == COMPANY:
                    add(p.iri, "develops", mod.iri, "joint-venture-asset", 0.7, (group[0].start, mod.end))
    return True


def _is_venture(folded: str, m: _M, trig: re.Match[str]) -> bool:
    """Whether ``m`` names the joint venture that ``trig`` speaks of, not one of its partners."""
    if m.end <= trig.start():
        gap = folded[m.end:trig.start()]
        return bool(
            # "Z, a 50/50 joint venture", "Z (a joint venture"
            re.fullmatch(r"\s*[,(（]\s*(?:(?:a|an|the|its|their|new|\d+[/:-]\d+|equally[- ]owned|jointly[- ]owned)\s+)*", gap)
            # "Z, X's joint venture with Y"
            or re.fullmatch(r"\s*,\s*[^,;()]{2,60}?(?:'s|’s)\s+(?:new\s+|\d+[/:-]\d+\s+)?", gap)
            # "Z是A與B的合資公司", "Z（A與B的合資公司）", "Z (the joint venture of A and B"
            or re.fullmatch(r"\s*(?:是|为|系)\s*[^,，;；。]{0,30}?的\s*", gap)
            or re.fullmatch(r"\s*[(（][^,，;；。()（）]{0,40}?的\s*", gap))
    gap = folded[trig.end():m.start]
    # "a joint venture, Z,", "a joint venture (Z)", "合資成立Z", "合資公司Z"
    return bool(re.fullmatch(r"\s*(?:company|firm|entity)?\s*(?:[,(（]|called|named)\s*(?:called|named)?\s*", gap)
                or re.fullmatch(r"\s*(?:公司)?\s*(?:成立|设立|组建|创立)(?:了)?\s*(?:的)?\s*|\s*(?:公司|企业)\s*[(（「]?\s*", gap))


_FOUNDING = re.compile(r"\s*(?:将|已|也|则|共同|合作|携手)*\s*(?:成立|组建|设立|创立|创办|组成)了?\s*(?:一家|一个|一间)?\s*(?:新的)?\s*")


def rule_sale(clause: Clause, add: Add) -> bool:
    """"X將Y出售給Z" (seller first) / "X sold its … to Z" / "the sale of X's unit to Z": X soldTo Z."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    found = False
    for trig in _SALE.finditer(folded, cs, ce):
        word = trig.group(0)
        if re.match(r"[\u4e00-\u9fff]", word):
            buyer = next((m for m in comps if m.start >= trig.end() and m.start - trig.end() <= 8), None)
            jiang = folded.rfind("将", cs, trig.start())
            jiang = max(jiang, folded.rfind("把", cs, trig.start()))
            anchor = jiang if jiang >= 0 else trig.start()
            seller = next((m for m in reversed(comps) if m.end <= anchor), None)
        else:
            to = re.search(r"\bto\s+(?:the\s+)?", folded[trig.end():min(ce, trig.end() + 90)])
            if not to:
                continue
            pos = trig.end() + to.end()
            buyer = next((m for m in comps if pos <= m.start <= pos + 2), None)
            seller = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            if seller is not None and word == "sale of":
                own = next((m for m in comps if trig.end() <= m.start < pos), None)
                seller = own or seller
        if buyer is None or seller is None or buyer.iri == seller.iri:
            continue
        add(seller.iri, "soldTo", buyer.iri, "sale", 0.8, (seller.start, buyer.end))
        found = True
    return found


# h/deals3: mergers. "Y merged into X", "Y併入X", "X吸收合併Y": X absorbs Y (an acquisition). "X merged with Y",
# "X and Y merged", "X與Y合併", "the merger of X and Y": an acquisition when one side survives or names the
# combined company ("the combined company will be named X", "存續公司為X"), otherwise a Merger deal and no edge.
MERGE = re.compile(r"\bmerg(?:e|es|ed|ing)\b|\bmerger\b|合并|并入|吸收合并")
_INTO = re.compile(r"\b(?:was |were |is |has been |will be |to be )?merged into\s+(?:the\s+)?|\bmerg(?:e|es|ing) into\s+(?:the\s+)?|"
                   r"并入\s*")
_ABSORBS = re.compile(r"吸收合并\s*")
_SURVIVOR = re.compile(r"\b(?:combined|merged|surviving|new) (?:company|entity|group)\b[^,;.]{0,40}?\b(?:named|called|"
                       r"known as|renamed|operate under|retain|keep)\s+(?:the\s+)?|\bsurviving (?:company|entity)\b\s*,?\s*|"
                       r"\bretain(?:s|ing)? the\s+|\bunder the\s+|"
                       r"存续公司(?:为|是)?\s*|合并后(?:的)?(?:公司|新公司)?(?:将)?(?:沿用|保留|以)\s*|由\s*(?=[^,，;；。]{2,16}?存续)")
_FORM = re.compile(r"\bto (?:form|create)\b|\bforming\b|合并(?:成立|组成|为)|更名为|新公司")


def rule_merger(clause: Clause, add: Add) -> bool:
    """"Y merged into X" / "X與Y合併，存續公司為X": X acquired Y; "X merged with Y" / "X and Y merged to form Z": a
    Merger deal between X and Y with no direct edge. Returns whether the clause states a merger."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2 or not MERGE.search(folded, cs, ce):
        return False
    into = _INTO.search(folded, cs, ce)
    if into is not None:
        host = next((m for m in comps if m.start == into.end()), None)
        absorbed = next((m for m in reversed(comps) if m.end <= into.start()), None)
        if host is not None and absorbed is not None and host.iri != absorbed.iri:
            add(host.iri, "acquired", absorbed.iri, "merger-into", 0.8, (absorbed.start, host.end))
            return True
    absorbs = _ABSORBS.search(folded, cs, ce)
    if absorbs is not None:
        host = next((m for m in reversed(comps) if m.end <= absorbs.start()), None)
        absorbed = next((m for m in comps if m.start == absorbs.end()), None)
        if host is not None and absorbed is not None and host.iri != absorbed.iri:
            add(host.iri, "acquired", absorbed.iri, "merger-into", 0.8, (host.start, absorbed.end))
            return True
    verb = MERGE.search(folded, cs, ce)
    assert verb is not None
    pair = _merger_pair(folded, comps, verb, cs, ce)
    if pair is None:
        return False
    a, b = pair
    survivor = _survivor(folded, verb.end(), (a, b), comps)
    if survivor is not None and not _FORM.search(folded, verb.end(), len(folded)):
        other = b if survivor is a else a
        add(survivor.iri, "acquired", other.iri, "merger-survivor", 0.75, (min(a.start, b.start), max(a.end, b.end)))
    else:
        add(a.iri, "mergedWith", b.iri, "merger", 0.75, (min(a.start, b.start), max(a.end, b.end)))
    return True


def _merger_pair(folded: str, comps: list[_M], verb: re.Match[str], cs: int, ce: int) -> tuple[_M, _M] | None:
    """The two companies of "X merged with Y", "X and Y (agreed to) merge", "X與Y合併", "the merger of/between X and Y",
    "X's merger with Y"."""
    after = [m for m in comps if m.start >= verb.end()]
    before = [m for m in comps if m.end <= verb.start()]
    tail = re.match(r"\s*(?:agreement\s+)?(?:with|of|between)\s+(?:the\s+)?", folded[verb.end():ce])
    if tail is not None and after and after[0].start == verb.end() + tail.end():
        if folded[verb.end():verb.end() + tail.end()].strip().startswith(("of", "between")):
            nxt = after[1:2]
            if nxt and _LIST_GAP.match(folded[after[0].end:nxt[0].start]):
                return after[0], nxt[0]  # "the merger of X and Y"
            return None
        if before and not re.search(r"[,，;；]", folded[before[-1].end:verb.start()]):
            return before[-1], after[0]  # "X merged with Y", "X's merger with Y", "X agreed to merge with Y"
        return None
    if len(before) >= 2 and _LIST_GAP.match(folded[before[-2].end:before[-1].start]) and \
            len(folded[before[-1].end:verb.start()]) <= 30 and not re.search(r"[,，;；]", folded[before[-1].end:verb.start()]):
        return before[-2], before[-1]  # "X and Y merged", "X與Y合併", "X與Y宣布合併"
    if len(before) >= 2 and re.search(r"(?:与|和|跟|同)\s*$", folded[max(cs, before[-1].start - 2):before[-1].start]) and \
            re.fullmatch(r"[^,，;；。]{0,12}", folded[before[-2].end:before[-1].start]) and \
            re.fullmatch(r"[^,，;；。]{0,8}", folded[before[-1].end:verb.start()]):
        return before[-2], before[-1]  # "X宣布與Y合併"
    return None


def _survivor(folded: str, pos: int, pair: tuple[_M, _M], comps: list[_M]) -> _M | None:
    """The party the sentence names as the combined or surviving company, if any."""
    for hit in _SURVIVOR.finditer(folded, pos):
        for m in pair:
            # A party there through "its" is matched by the name it stands for.
            names = {folded[c.start:c.end] for c in comps if c.iri == m.iri and not c.pronoun} | {m.surface.lower()}
            if any(name and folded.startswith(name, hit.end()) for name in names):
                return m
    return None


# "以3億元取得Y 51%股權": a controlling stake is an acquisition (the English "acquired a 60% stake in Y" is the
# acquisition rule's, through _takes_company).
_ZH_STAKE = re.compile(r"(?:取得|获得|购得|买下|收购|认购|入股)\s*(?=\S)")
_ZH_STAKE_TAIL = re.compile(r"\s*(?:(?:约|近|逾|超过)?\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s*[%％]|(?P<major>过半|多数|控股|绝对多数))"
                            r"\s*(?:的)?\s*(?:股权|股份|持股|权)")


def rule_controlling_stake(clause: Clause, add: Add) -> None:
    """"X以新台幣3億元取得Y 51%股權", "X取得Y過半股權": X acquired Y (more than half of it).

    A stake of 50 % or less is an investment, not a takeover, and gives nothing here.
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    for trig in _ZH_STAKE.finditer(folded, cs, ce):
        target = next((m for m in comps if m.start == trig.end()), None)
        tail = _ZH_STAKE_TAIL.match(folded, target.end, ce) if target is not None else None
        buyer = next((m for m in reversed(comps) if m.end <= trig.start()), None)
        if target is None or tail is None or buyer is None or buyer.iri == target.iri \
                or not tail.group("major") and float(tail.group("pct")) <= 50:
            continue
        add(buyer.iri, "acquired", target.iri, "controlling-stake", 0.75, (buyer.start, tail.end()))


# "繼去年收購美國新創X後，Y…", "在收購X之後，Y…", "After buying X last year, Y …": the purchase in a fronted
# time clause is the main clause's subject's.
_ZH_FRONT_BUY = re.compile(r"\s*(?:继|在|自从)\s*[^,，;；。]{0,10}?(?:收购|并购|买下|拿下|购入|购并)(?:了)?\s*"
                           r"(?:[^,，;；。]{0,12}?)$")
_ZH_FRONT_END = re.compile(r"[^,，;；。]{0,10}?(?:之后|以后|后)\s*[,，]\s*(?:[^,，;；。]{0,6}?)$")
_EN_FRONT_BUY = re.compile(r"\s*(?:after|following)\s+(?:buying|acquiring|purchasing|snapping up|taking over|"
                           r"(?:its|the) (?:acquisition|purchase|takeover) of)\s+(?:[\w-]+\s+){0,3}?$")
_EN_FRONT_END = re.compile(r"[^,;]{0,40}?,\s*(?:the\s+)?$")


def rule_fronted_purchase(clause: Clause, add: Add) -> None:
    """"繼去年收購美國新創Corvane後，安斯泰來…", "After buying Corvane last year, Astellas acquired…": the main
    clause's subject acquired the company the fronted clause names."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.org_type == COMPANY]
    if len(comps) < 2:
        return
    target = comps[0]
    zh = _ZH_FRONT_BUY.fullmatch(folded, cs, target.start)
    en = None if zh else _EN_FRONT_BUY.fullmatch(folded, cs, target.start)
    if zh is None and en is None:
        return
    tail = _ZH_FRONT_END if zh else _EN_FRONT_END
    buyer = next((m for m in comps[1:] if tail.fullmatch(folded, target.end, m.start)), None)
    if buyer is not None and buyer.iri != target.iri:
        add(buyer.iri, "acquired", target.iri, "fronted-purchase", 0.75, (cs, buyer.end))
