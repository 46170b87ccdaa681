"""Asset rules: who develops, owns or targets what, where a company works, and appositions."""

from __future__ import annotations

import re

from ..ontology import resource
from .clauses import (
    Add,
    Clause,
    SentenceAdd,
    _object_list,
    _possessive_subject,
    _segment_topic,
    _subject_list,
)
from .mentions import _M
from .patterns import (
    _ACQ_PASSIVE,
    _APPOSITION,
    _COUNTRY_ADJ,
    _DEVELOP,
    _EXIT,
    _HEDGE,
    _SEGMENT_CUE,
    _TREAT,
    _ZH_APPOSITION,
    COMPANY,
    COUNTRY,
    INDICATION,
    MODALITY,
    SEGMENT,
)


def rule_develops(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    if not any(m.kind == MODALITY for m in cms):
        return
    # Outgoing deals only: in "X licensed a programme from Y" the licensee does develop it.
    deal_words = re.search(r"授权给|授予|出售|转让|\bgrant\w*|\bsold\b|\bsale of\b|\bsell\w*|\blicen[cs]\w* (?:\w+ )*?to\b",
                           folded[cs:ce])
    for trig in _DEVELOP.finditer(folded, cs, ce):
        if deal_words and re.fullmatch(r"\W*(?:programmes?|programs?|pipelines?|platforms?)\W*", trig.group(0)):
            continue  # "a licence to its TCR-T programme": whose programme is the deal rules' call
        exit_ = _EXIT.search(folded, max(cs, trig.start() - 30), min(ce, trig.end() + 30))
        subjects = _subject_list(folded, cms, trig.start(), cs)
        if not subjects:
            # "X's CAR-T programme" / "X的CAR-T平台": company, then modality, then the trigger noun.
            subjects = _possessive_subject(folded, cms, trig.start())
        if not subjects:
            # Topic-comment: "安澤生醫成立於2017年，專注開發γδ-T細胞療法" — the sentence opens with its subject.
            comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.end <= trig.start()]
            if comps and comps[0].start <= cs + 3 and len({c.iri for c in comps}) == 1 and \
                    not _ACQ_PASSIVE.search(folded, comps[0].end, trig.start()):
                subjects = [comps[0]]
            elif comps and not _ACQ_PASSIVE.search(folded, comps[0].end, trig.start()):
                topic = _segment_topic(folded, cms, cs, trig.start())
                subjects = [topic] if topic is not None else []
        elif subjects and re.search(r"[与和跟同]\s*$", folded[max(cs, subjects[0].start - 2):subjects[0].start]):
            # "X與Y醫院合作開發Z": X develops Z (with Y, if Y is a company rather than a hospital or school).
            lead = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.end <= subjects[0].start - 1]
            if lead and re.search(r"合作|共同|联合|携手|联手", folded[subjects[-1].end:trig.start() + 2]):
                subjects = [lead[-1]] + [m for m in subjects if m.org_type == COMPANY]
        mods = _object_list(folded, cms, trig.end(), {MODALITY}, ce)
        if not mods:
            mods = [m for m in cms if m.kind == MODALITY and m.end <= trig.start()
                    and (not subjects or m.start >= subjects[-1].end)]
        if subjects and any(m.org_type == COMPANY for m in subjects):
            subjects = [m for m in subjects if m.org_type == COMPANY]  # hospitals and schools partner, not develop
        if not subjects or not mods:
            continue
        pred, rule = ("exited", "exit-modality") if exit_ else ("develops", "develops-modality")
        for s in subjects:
            for mod in mods:
                add(s.iri, pred, mod.iri, rule, 0.85 if s.curated else 0.7,
                    (min(s.start, trig.start()), max(mod.end, trig.end())))
        if pred == "develops":
            inds = [m for m in cms if m.kind == INDICATION and m.start >= trig.end()]
            for s in subjects:
                for ind in inds:
                    add(s.iri, "targets", ind.iri, "develops-for-indication", 0.7, (s.start, ind.end))

    # Exits stated without a develop verb: "X 已退出 NK 細胞療法" / "X exited NK cell therapy".
    for trig in _EXIT.finditer(folded, cs, ce):
        subjects = _subject_list(folded, cms, trig.start(), cs)
        mods = _object_list(folded, cms, trig.end(), {MODALITY}, ce)
        for s in subjects:
            for mod in mods:
                add(s.iri, "exited", mod.iri, "exit-modality", 0.8, (s.start, mod.end))


def rule_developed_by(clause: Clause, add: Add) -> None:
    """"an allogeneic CAR-T therapy developed by X" / "由X開發的Y": the passive names the developer."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    for trig in re.finditer(r"\b(?:developed|made|discovered|invented|engineered|created) by\b", folded[cs:ce]):
        a, b = cs + trig.start(), cs + trig.end()
        mod = next((m for m in reversed(cms) if m.kind == MODALITY and m.end <= a and a - m.end <= 30
                    and not re.search(r"[,;]", folded[m.end:a])), None)
        comp = next((m for m in cms if m.kind == COMPANY and b <= m.start <= b + 2), None)
        if mod is not None and comp is not None:
            add(comp.iri, "develops", mod.iri, "developed-by", 0.8, (mod.start, comp.end))
    for trig in re.finditer(r"由", folded[cs:ce]):
        b = cs + trig.end()
        comp = next((m for m in cms if m.kind == COMPANY and m.start == b), None)
        if comp is None:
            continue
        tail = re.match(r"\s*(?:自主|独立|共同)?(?:开发|研发|研制|打造)的?\s*", folded[comp.end:])
        mod = next((m for m in cms if m.kind == MODALITY and tail and m.start >= comp.end + tail.end()
                    and m.start - comp.end - tail.end() <= 12), None) if tail else None
        if mod is not None:
            add(comp.iri, "develops", mod.iri, "developed-by", 0.8, (comp.start, mod.end))


def rule_own(clause: Clause, add: Add) -> None:
    """"…，其碱基编辑疗法CS-101在β-地中海贫血患者中…" / "X said its gene therapy…": the owner develops it."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if not comps:
        return
    for pm in re.finditer(r"以\s*", folded[cs:ce]):
        # "泓碩生技以γδ T細胞療法為主力": the company's main line is that modality.
        pos = cs + pm.end()
        mod = next((m for m in cms if m.kind == MODALITY and m.start == pos), None)
        if mod is not None and re.match(r"(?:疗法|治疗|技术|平台|产品)?\s*(?:为|作为)\s*(?:主力|核心|主轴|重点|主要|主)",
                                        folded[mod.end:]):
            owner = next((m for m in reversed(comps) if m.end <= cs + pm.start()), None)
            if owner is not None:
                add(owner.iri, "develops", mod.iri, "main-line", 0.75, (owner.start, mod.end))
    for pm in re.finditer(r"其|\bits\b|\btheir\b", folded[cs:ce]):
        pos = cs + pm.start()
        owner = next((m for m in reversed(comps) if m.end <= pos), None)
        if owner is None or (pm.group(0) == "其" and _segment_topic(folded, cms, cs, pos) not in (None, owner)):
            continue
        mod = next((m for m in cms if m.kind == MODALITY and pos < m.start <= pos + 16), None)
        if mod is None or re.search(r"[,，;；]", folded[pos:mod.start]):
            continue
        if re.search(r"出售|转让|卖|授权|许可|\bsell|\bsold|\bsale|\blicen[cs]|\bgrant", folded[cs:ce]) or _EXIT.search(folded[cs:ce]) \
                or _HEDGE.search(folded[max(cs, owner.start - 20):mod.end + 20]):
            continue  # an asset that changes hands or is dropped is the deal/exit rules' business
        add(owner.iri, "develops", mod.iri, "owner-modality", 0.7, (owner.start, mod.end))
        for ind in cms:
            if ind.kind == INDICATION and ind.start > mod.end and re.match(r"\s*(?:患者|病患|病人)", folded[ind.end:]):
                add(owner.iri, "targets", ind.iri, "owner-patients", 0.7, (owner.start, ind.end))


def rule_place(clause: Clause, add: Add) -> None:
    """Where a company works or holds rights: "based in Belgium", "rights in Greater China", "在台灣申請"."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if not comps:
        return
    for place in (m for m in cms if m.kind == COUNTRY):
        lead = folded[max(cs, place.start - 16):place.start]
        tail = folded[place.end:place.end + 12]
        holder = None
        if re.match(r"\s*(?:以外|之外|除外)", tail) or re.search(r"\b(?:outside|excluding|except)\s+(?:the\s+)?$", lead):
            continue  # "大中華區以外的權利": everywhere but there
        if re.search(r"(?:权益|权利|开发权|商业化权|授权|市场)", tail) or re.search(r"\brights? (?:in|for)\s+(?:the\s+)?$", lead):
            # The party that receives rights in a territory: the licensee, else the clause's subject.
            give = re.search(r"授权给|授权予|许可给|\blicen[cs]ed (?:\w+ )*?to\b|\bgrant\w* (?:\w+ )*?to\b", folded[cs:ce])
            get = re.search(r"获得|取得|获授|\bgains?\b|\breceiv\w+|\bacquir\w+ (?:the )?rights\b", folded[cs:ce])
            if give:
                holder = next((m for m in comps if m.start >= cs + give.end()), None)
            elif get:
                at = cs + get.start()
                seg = max(folded.rfind("，", cs, at), folded.rfind(",", cs, at), cs)
                holder = next((m for m in reversed(comps) if seg <= m.start and m.end <= at), None) or comps[0]
        elif re.search(r"\bbased in\s*$|\bheadquartered in\s*$|总部位于\s*$|总部设于\s*$", lead):
            holder = next((m for m in reversed(comps) if m.end <= place.start), None)
        elif re.search(r"(?:在|于)\s*$", lead) and re.match(r"\s*(?:申请|提交|开展|推出|上市|设立|建厂|设厂|进行|启动|取得)", tail):
            seg = max(folded.rfind("，", cs, place.start), folded.rfind(",", cs, place.start), cs)
            holder = next((m for m in reversed(comps) if seg <= m.start and m.end <= place.start), None) \
                or next((m for m in comps if m.end <= place.start), None)
        elif re.search(r"\b(?:launch\w*|commerciali[sz]\w*|operat\w*|expand\w*|sell\w*|market\w*) in\s+(?:the\s+)?$", lead):
            holder = next((m for m in reversed(comps) if m.end <= place.start), None)
        if holder is not None:
            add(holder.iri, "operatesIn", place.iri, "place", 0.7, (min(holder.start, place.start),
                                                                      max(holder.end, place.end)))


def rule_treats(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    if not any(m.kind == INDICATION for m in cms):
        return
    for trig in _TREAT.finditer(folded, cs, ce):
        word = trig.group(0)
        inds = _object_list(folded, cms, trig.end(), {INDICATION}, ce)
        if not inds:
            continue
        # The trigger may sit inside the modality's own name ("幹細胞治療" is both).
        mod = next((m for m in cms if m.kind == MODALITY and m.start < trig.start() < m.end), None)
        if mod is None:
            before = [m for m in cms if m.end <= trig.start()]
            mod = next((m for m in reversed(before) if m.kind == MODALITY), None)
        if mod is None or not re.fullmatch(r"[^,，;；]{0,40}", folded[min(mod.end, trig.start()):trig.start()]):
            # "Adaptimmune's afami-cel was approved for synovial sarcoma": the company targets it.
            comps = [m for m in cms if m.kind == COMPANY and m.end <= trig.start() and not m.affiliate_of]
            # Product names look like company names; a curated company in the clause wins.
            comp = _segment_topic(folded, cms, cs, trig.start()) or next(
                (m for m in reversed(comps) if m.curated), comps[-1] if comps else None)
            if comp is not None and word not in ("for", "against") or (
                    comp is not None and re.search(r"approv\w*|indicated|获批|核准|批准|candidate|intended|designed|"
                                                   r"develop\w*|programme|program\b",
                                                   folded[max(cs, comp.start - 60):trig.end()])):
                gap = re.sub(r"^\s*,\s*(?:an?|the)\b[^;；]{0,100}?,\s*", " ", folded[comp.end:trig.start()])
                if re.fullmatch(r"[^,，;；]{0,60}", gap) or comp is _segment_topic(folded, cms, cs, trig.start()) \
                        or re.fullmatch(r"[^;；]{0,70}", gap) and comp.pronoun:
                    for ind in inds:
                        add(comp.iri, "targets", ind.iri, "company-targets", 0.7, (comp.start, ind.end))
            continue
        gap = folded[min(mod.end, trig.start()):trig.start()]
        if word in ("for", "against") and len(gap) > 25:
            continue
        if len(gap) <= 40 and not re.search(r"[,，;；]", gap):
            for ind in inds:
                add(mod.iri, "treats", ind.iri, "modality-treats", 0.8, (mod.start, ind.end))
            # "後者利用多能幹細胞…治療帕金森病": the company using the modality targets the indication.
            comps = [m for m in cms if m.kind == COMPANY and m.end <= mod.start and not m.affiliate_of]
            owner = bool(comps) and bool(re.match(r"(?:'s|’s)\s", folded[comps[-1].end:comps[-1].end + 3]))
            if comps and re.search(r"其\s*$", folded[max(cs, mod.start - 3):mod.start]):
                comps, owner = [comps[0]], True  # "…，其間質幹細胞產品可用於治療…": the clause's company
            if comps and (word not in ("for", "against") or owner) and re.fullmatch(
                    r"[^;；。]{0,40}" if owner else r"[^,，;；。]{0,25}", folded[comps[-1].end:mod.start]):
                for ind in inds:
                    add(comps[-1].iri, "targets", ind.iri, "company-uses-modality", 0.7,
                        (comps[-1].start, ind.end))


def rule_segment(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    segs = [m for m in cms if m.kind == SEGMENT]
    for cue in _SEGMENT_CUE.finditer(folded, cs, ce):
        subjects = _subject_list(folded, cms, cue.start(), cs)
        for s in subjects:
            for seg in segs:
                if seg.start >= cue.start():
                    add(s.iri, "operatesIn", seg.iri, "segment-focus", 0.8, (s.start, seg.end))
            # "…等多家廠商則側重在外泌體新藥": a modality named as the focus is developed.
            for mod in _object_list(folded, cms, cue.end(), {MODALITY}, ce):
                add(s.iri, "develops", mod.iri, "segment-focus", 0.75, (s.start, mod.end))


def rule_apposition(text: str, folded: str, ms: list[_M], add: SentenceAdd) -> None:
    for m in ms:
        if m.kind != COMPANY or m.affiliate_of or m.pronoun:
            continue
        rule_possessive(folded, m, ms, add)
        app = _APPOSITION.match(text[m.end:m.end + 140]) or _ZH_APPOSITION.match(folded[m.end:m.end + 60])
        if not app:
            continue
        desc_start = m.end + app.start("desc")
        desc_end = m.end + app.end()
        desc = app.group("desc").lower()
        for other in ms:
            if desc_start <= other.start and other.end <= desc_end:
                if other.kind == COMPANY and other.iri != m.iri and re.search(
                        r"\b(?:company|subsidiary|unit)\b", app.group(0), re.IGNORECASE):
                    add(other.iri, "hasAffiliate", m.iri, "apposition-parent", 0.8)  # "BlueRock, a Bayer company"
                elif other.kind == MODALITY:
                    add(m.iri, "develops", other.iri, "apposition", 0.8)
                elif other.kind == SEGMENT:
                    add(m.iri, "operatesIn", other.iri, "apposition", 0.8)
                elif other.kind == COUNTRY:
                    add(m.iri, "headquarteredIn", other.iri, "apposition", 0.8)
        if re.search(r"\bcdmo\b", app.group(0), re.IGNORECASE):
            add(m.iri, "operatesIn", str(resource("segment", "cdmo")), "apposition", 0.8)
        for adj, code in _COUNTRY_ADJ.items():
            if re.search(rf"(?<![a-z]){re.escape(adj)}(?![a-z])", desc):
                add(m.iri, "headquarteredIn", str(resource("country", code)), "apposition", 0.75)
                break


def rule_possessive(folded: str, m: _M, ms: list[_M], add: SentenceAdd) -> None:
    """"X's CAR-T programme" / "瀾嶼生物靶向CD7的CAR-T療法": the company develops that modality."""
    nxt = [o for o in ms if o.start >= m.end]
    if not nxt or nxt[0].kind != MODALITY:
        return
    mod = nxt[0]
    between = folded[m.end:mod.start]
    if re.fullmatch(r"(?:'s|’s)\s+(?:[a-z0-9-]+\s+){0,2}", between) or \
            re.fullmatch(r"[^,，;；、。的]{0,12}的", between):
        if not _HEDGE.search(folded[max(0, m.start - 20):mod.end]) and not _EXIT.search(
                folded[mod.end:mod.end + 20]):
            add(m.iri, "develops", mod.iri, "possessive", 0.7)
