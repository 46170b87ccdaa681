"""Asset rules: who develops, owns or targets what, where a company works, and appositions."""

from __future__ import annotations

import re

from ..ontology import resource
from .clauses import (
    Add,
    Clause,
    SentenceAdd,
    _modifier_head,
    _object_list,
    _place_holder,
    _possessive_subject,
    _segment_topic,
    _subject_list,
)
from .coref import solid
from .handovers import _ends_a_deal, _not_recipients
from .kinds import _classified, another_owns
from .mentions import _M
from .owners import UNIT_TAIL, frame_subject, funded_work, holders, pronoun_owner
from .patterns import (
    _ACQ_PASSIVE,
    _APPOSITION,
    _COUNTRY_ADJ,
    _DEVELOP,
    _EXIT,
    _HEDGE,
    _HOME_ADJ,
    _LIST_GAP,
    _MARKET_VERB,
    _TREAT,
    _WORK_OFF,
    _WORK_SHUT,
    _ZH_APPOSITION,
    _ZH_MARKET_TAIL,
    COMPANY,
    COUNTRY,
    INDICATION,
    MODALITY,
    SEGMENT,
)
from .products import antigen_like as _antigen, juxtaposed_owner, opening_list, respective_owners

# Between a company and a modality, its product: "'s Kymriah, a CAR-T…", "的舒瑞…注射液（CT041）是一款靶向…的".
_PRODUCT_GAP = re.compile(
    r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[a-z0-9][\w-]*\s+){0,3}?[a-z0-9][\w-]*\s*(?:[(（][^()（）]{0,60}[)）]\s*)?"
    r"(?:,\s*(?:an?|the|its)\s+|\s+(?:is|was)\s+(?:an?|the|its)\s+)(?:[\w-]+\s+){0,4}?|"
    r"\s*的\s*[^,，;；。、]{1,20}?(?:[（(][^（）()]{0,30}[)）])?\s*(?:是|为|系)\s*(?:一款|一种|一个|款|种)?[^,，;；。]{0,20}?")
_PRODUCTS_FROM = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:products?|therap(?:y|ies)|treatments?|programmes?|programs?|"
                            r"candidates?|drugs?|medicines?)\s+(?:from|by|of)\s+(?:the\s+)?")
_APPROVAL = re.compile(r"\b(?:approv(?:ed|es|al of)|cleared|authori[sz]ed|granted (?:conditional |full )?approval to)\b|"
                       r"获批|获准|核准|批准")
_APPROVED_FOR = re.compile(r"\bfor\b|\bto treat\b|用于|治疗|适用于")
_SAID = re.compile(r"\b(?:announced|said|reported|disclosed)\b|宣布|表示|公告|宣布了")


def _named(m: _M) -> bool:
    """A company name sure enough to end another's words: not an all-lower-case phrase ("heart muscle cells")."""
    return m.curated or m.pronoun or m.surface != m.surface.lower()


_CONTRAST = re.compile(r"\b(?:unlike|whereas|while|but|compared (?:with|to)|similar to)\b|不同于|相比|类似|但|然而|不过")


def _respectively(folded: str, cs: int, ce: int, subjects: list[_M]) -> bool:
    """Whether the clause pairs its several subjects one by one with its objects ("respectively", "分別")."""
    return len({s.iri for s in subjects}) > 1 and bool(re.search(r"\brespectively\b|分别", folded[cs:ce]))


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
        if trig.group(0) == "developer" and re.search(r"(?<!\bis )(?<!\bwas )(?<!\bbecame )\bthe\s+(?:[\w-]+\s+){1,4}$",
                                                      folded[max(cs, trig.start() - 40):trig.start()]):
            continue  # h/rd3: "…with the NK cell therapy developer": another company (lists.rule_described_developer)
        exit_ = _EXIT.search(folded, max(cs, trig.start() - 30), min(ce, trig.end() + 30))
        head = _modifier_head(folded, cms, trig.start(), cs)
        subjects = [head] if head is not None else holders(folded, cms, cs,
                                                            _subject_list(folded, cms, trig.start(), cs), trig.start())
        if not subjects:
            # "X's CAR-T programme" / "X的CAR-T平台": company, then modality, then the trigger noun.
            subjects = holders(folded, cms, cs, _possessive_subject(folded, cms, trig.start()), trig.start())
        if not subjects:
            # Topic-comment: "安澤生醫成立於2017年，專注開發γδ-T細胞療法" — the sentence opens with its subject.
            comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.end <= trig.start()]
            if comps and comps[0].org_type == COMPANY and re.search(r"[,，]", folded[comps[-1].end:trig.start()]):
                # "X成立於2019年，由蘇黎世大學衍生，目前有兩項NK細胞療法…": a school or hospital in an earlier
                # comma clause is where X came from; the topic goes on.
                comps = [m for m in comps if m.org_type == COMPANY]
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
        if head is None:  # h/prec3, h/prec6: not the funder or the partner named before "to develop"
            subjects = frame_subject(clause, funded_work(folded, cms, cs, subjects, trig.start()), trig.start())
        subjects = _not_recipients(folded, cms, cs, subjects, trig.start())
        mods = _object_list(folded, cms, trig.end(), {MODALITY}, ce)
        if not mods:
            mods = [m for m in cms if m.kind == MODALITY and m.end <= trig.start()
                    and (not subjects or m.start >= subjects[-1].end)]
        if subjects and any(m.org_type == COMPANY for m in subjects):
            subjects = [m for m in subjects if m.org_type == COMPANY]  # hospitals and schools partner, not develop
        subjects = [m for m in subjects if not _antigen(m)]
        if subjects and re.search(r"\bunlike\b|不同于", folded[subjects[-1].end:trig.start()]):
            continue  # h/rnd2: "X, unlike gene therapy developers, …": the others develop it
        # "Pfizer invested in allogeneic CAR-T maker X": the modality says what X is (rule_company_kind).
        mods = [m for m in mods if not (kinds := _classified(folded, cms, m, ce))
                or any(k.iri == s.iri for k in kinds for s in subjects)]
        # h/prec3: "…with the NK cell therapy developer": another company's kind; h/prec4: "…made by Y": its make
        mods = [m for m in mods if not another_owns(folded, cms, cs, m, ce, subjects)]
        if not subjects or not mods:
            continue
        if exit_ and _ends_a_deal(clause, subjects, exit_.start(), max(m.end for m in mods)):
            continue  # h/prec3: "終止與北辰大學的幹細胞合作", "將其CAR-T管線出售給Y": no exit from the modality
        pred, rule = ("exited", "exit-modality") if exit_ else ("develops", "develops-modality")
        # A fact stated inside "Y, a developer of …" is judged on the modifier's words, not on the hedge of
        # the clause around Y ("Pfizer is reportedly in talks to buy Y, a developer of …").
        opens = head.end + 1 if head is not None else None
        # h/rnd2: "X and Y develop A and B respectively", "X與Y分別開發A與B": the n-th company, the n-th object.
        paired = _respectively(folded, cs, ce, subjects)
        for i, s in enumerate(subjects):
            for j, mod in enumerate(mods):
                if paired and (len(mods) != len(subjects) or i != j):
                    continue
                add(s.iri, pred, mod.iri, rule, 0.85 if s.curated else 0.7,
                    (opens or min(s.start, trig.start()), max(mod.end, trig.end())))
        if pred == "develops":
            # Up to another company or a contrast: "…, and Y is testing one in lupus", "unlike earlier work in …".
            # A licensor ("licensed M from Y for I") leaves the licensee's aim alone.
            stop = min([m.start for m in cms if m.kind == COMPANY and m.start >= trig.end() and _named(m)
                        and m.iri not in {x.iri for x in subjects}
                        and not re.search(r"\bfrom\s+$|(?:从|自)\s*$", folded[max(cs, m.start - 6):m.start])]
                       + [c.start() for c in _CONTRAST.finditer(folded, trig.end(), ce)] + [ce])
            inds = [m for m in cms if m.kind == INDICATION and trig.end() <= m.start < stop]
            for i, s in enumerate(subjects):
                for j, ind in enumerate(inds):
                    if paired and (len(inds) != len(subjects) or i != j):
                        continue
                    add(s.iri, "targets", ind.iri, "develops-for-indication", 0.7, (opens or s.start, ind.end))

    # Exits stated without a develop verb: "X 已退出 NK 細胞療法" / "X exited NK cell therapy".
    for trig in _EXIT.finditer(folded, cs, ce):
        subjects = _subject_list(folded, cms, trig.start(), cs)
        mods = _object_list(folded, cms, trig.end(), {MODALITY}, ce)
        if mods and _ends_a_deal(clause, subjects, trig.start(), max(m.end for m in mods)):
            continue
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
        tail = re.match(r"\s*(?:自主|独立|共同|自行)?(?:开发|研发|研制|打造|推进|主导)的?\s*", folded[comp.end:])
        mod = next((m for m in cms if m.kind == MODALITY and tail and m.start >= comp.end + tail.end()
                    and m.start - comp.end - tail.end() <= 12), None) if tail else None
        if mod is None and tail is not None and not tail.group(0).rstrip().endswith("的"):
            # h/rd3: "…的CAR-T療法將由X獨立推進": the modality before 由, in the same comma-segment.
            mod = next((m for m in reversed(cms) if m.kind == MODALITY and m.end <= trig.start() + cs
                        and not re.search(r"[,，;；]", folded[m.end:cs + trig.start()])
                        and cs + trig.start() - m.end <= 16), None)
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
        owner = pronoun_owner(folded, comps, cs, pos, cs + pm.end())
        if owner is None or (pm.group(0) == "其" and _segment_topic(folded, cms, cs, pos) not in (None, owner)):
            continue
        mod = next((m for m in cms if m.kind == MODALITY and pos < m.start <= pos + 16), None)
        if mod is None or re.search(r"[,，;；]", folded[pos:mod.start]):
            continue
        if re.search(r"出售|转让|卖|授权|许可|\bsell|\bsold|\bsale|\blicen[cs]|\bgrant", folded[cs:ce]) or _EXIT.search(folded[cs:ce]) \
                or _HEDGE.search(folded[max(cs, owner.start - 20):mod.end + 20]):
            continue  # an asset that changes hands or is dropped is the deal/exit rules' business
        add(owner.iri, "develops", mod.iri, "owner-modality", 0.7, (owner.start, mod.end))
        for ind in cms:  # h/rd: "its SMA gene therapy", "其狼瘡CAR-T療法": the indication as the modifier
            if ind.kind == INDICATION and pos < ind.start and ind.end <= mod.start and re.fullmatch(r"\s*-?\s*(?:的)?\s*", folded[ind.end:mod.start]):
                add(owner.iri, "targets", ind.iri, "owner-modality", 0.7, (owner.start, mod.end))
        for ind in cms:
            if ind.kind == INDICATION and ind.start > mod.end and re.match(r"\s*(?:患者|病患|病人)", folded[ind.end:]):
                add(owner.iri, "targets", ind.iri, "owner-patients", 0.7, (owner.start, ind.end))


def rule_place(clause: Clause, add: Add) -> None:
    """Where a company works or holds rights: "based in Belgium", "rights in Greater China", "在台灣申請",
    "expanded into South Korea and Taiwan", "在日本獲批上市", "日本的Sakura Cell" (its home)."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if not comps:
        return
    prev_place: tuple[_M, _M] | None = None
    mates: list[_M] = []  # the holder's list-mates, kept along a list of places
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
        last = place  # "在美國、歐盟和日本獲批": the verb follows the whole list
        for later in (m for m in cms if m.kind == COUNTRY and m.start >= place.end):
            if not _LIST_GAP.match(folded[last.end:later.start]):
                break
            last = later
        market = (re.search(r"(?:在|于|进军|进入|布局|拓展至|拓展到|扩展至|扩展到|登陆|打入|深耕)\s*$", lead)
                  and _ZH_MARKET_TAIL.match(folded, last.end)) or re.search(r"(?:进军|进入|登陆|打入|拓展至|深耕)\s*$", lead) \
            or (re.search(r"\b(?:in|into|across|throughout)\s+(?:the\s+)?$", lead)
                and _MARKET_VERB.search(folded, max(cs, place.start - 80), place.start))
        home = next((m for m in comps if m.start >= place.end and re.fullmatch(
            r"\s*(?:的|'s|’s|(?<=s)'|(?<=s)’|-based|-headquartered)?\s*(?:(?:[a-z-]+\s+){0,2}(?:company|biotech|drugmaker|pharma|firm|group|developer|"
            r"start-?up|maker|cdmo)\s+)?", folded[place.end:m.start])), None)
        if holder is None and home is not None and not re.match(r"\s*(?:的)?\s*(?:fda|卫生|厚生|药监|食药|主管|监管)", tail):
            holder = home  # "日本的Sakura Cell" / "Japan's Astellas" / "英國Harlow Bio": the company's home
        elif holder is None and market:
            # "expanded into South Korea", "was approved in Japan", "在日本獲批上市", "進軍日本市場".
            holder = _place_holder(folded, comps, cs, place.start)
            if holder is not None:
                # h/rd3: "X and Y will co-commercialise it in the US": the whole clause-opening list works there.
                listed = _subject_list(folded, cms, holder.end, cs)
                mates = listed[:-1] if len(listed) > 1 and listed[0].start <= cs + 4 else []
        elif holder is None and prev_place is not None and _LIST_GAP.match(folded[prev_place[0].end:place.start]):
            holder = prev_place[1]  # "into South Korea and Taiwan"
        if holder is not None and market:
            # "在美國、歐盟和日本獲批": the places listed before the one the verb follows share its holder.
            head = place
            for earlier in reversed([m for m in cms if m.kind == COUNTRY and m.end <= place.start]):
                if not _LIST_GAP.match(folded[earlier.end:head.start]):
                    break
                add(holder.iri, "operatesIn", earlier.iri, "place", 0.7,
                    (min(holder.start, earlier.start), max(holder.end, place.end)))
                head = earlier
        prev_place = (place, holder) if holder is not None else None
        if holder is None:
            mates = []
        for h in ([holder] if holder is not None else []) + mates:
            add(h.iri, "operatesIn", place.iri, "place", 0.7, (min(h.start, place.start), max(h.end, place.end)))


# h/rd: a modality, then where it is being tested, then "for I": "X's TIL therapy is in a phase 2 trial at
# Mercy Hospital for melanoma", "its CAR-NK is being evaluated in studies across Europe for AML".
_TRIAL_GAP = re.compile(
    r"\s*(?:(?:is|are|was|were|has been|have been|remains?|now)\s+)*(?:being\s+)?(?:(?:tested|evaluated|studied|"
    r"assessed|trialled|trialed)\s+)?in\s+(?:an?\s+|the\s+|its\s+|their\s+|two\s+|three\s+|several\s+)?"
    r"(?:(?:ongoing|pivotal|early|late|mid|first-in-human|registrational)(?:-stage)?\s+)?"
    r"(?:phase\s*[\w/]+\s+)?(?:clinical\s+)?(?:trials?|stud(?:y|ies))(?:\s+(?:at|in|across|run by)\s+[^,;]{0,60}?)?\s*")


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
        trial = mod is not None and _TRIAL_GAP.fullmatch(folded, min(mod.end, trig.start()), trig.start()) is not None
        if mod is None or not (trial or re.fullmatch(r"[^,，;；]{0,40}", folded[min(mod.end, trig.start()):trig.start()])):
            # "Adaptimmune's afami-cel was approved for synovial sarcoma": the company targets it.
            comps = [m for m in cms if m.kind == COMPANY and m.end <= trig.start() and not m.affiliate_of]
            if _respectively(folded, cs, ce, comps):
                continue  # h/rnd2: "X and Y develop A and B respectively, for I and J": rule_develops pairs them
            # Product names look like company names; a curated company in the clause wins.
            comp = _modifier_head(folded, cms, trig.start(), cs) or _segment_topic(folded, cms, cs, trig.start()) \
                or next((m for m in reversed(comps) if m.curated), comps[-1] if comps else None)
            if comp is not None and not comp.curated:
                # h/rnd2: "approved X's Velantra, an allogeneic CAR-T, for lupus": the name X owns is its product.
                comp = next((m for m in comps if m.end < comp.start and m.org_type == COMPANY and re.fullmatch(
                    r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+", folded[m.end:comp.start])), comp)
            if comp is not None and not comp.curated:
                # h/rd: "Velarix, Quillon Bio's CAR-T therapy, was approved for …": the possessive apposition owns it.
                comp = next((m for m in comps if m.start > comp.end and m.org_type == COMPANY and re.fullmatch(
                    r"\s*,\s*", folded[comp.end:m.start]) and re.match(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s", folded[m.end:m.end + 3])),
                    comp)
            if comp is not None and word not in ("for", "against") or (
                    comp is not None and re.search(r"approv\w*|indicated|获批|核准|批准|candidate|intended|designed|"
                                                   r"develop\w*|programme|program\b",
                                                   folded[max(cs, comp.start - 60):trig.end()])):
                gap = re.sub(r"^\s*,\s*(?:an?|the)\b[^;；]{0,100}?,\s*", " ", folded[comp.end:trig.start()])
                if re.fullmatch(r"[^,，;；]{0,60}", gap) or comp is _segment_topic(folded, cms, cs, trig.start()) \
                        or re.fullmatch(r"[^;；]{0,70}", gap) and comp.pronoun:
                    for c, ind in ((c, ind) for c in opening_list(folded, cms, cs, comp) for ind in inds):
                        add(c.iri, "targets", ind.iri, "company-targets", 0.7, (c.start, ind.end))
            continue
        gap = folded[min(mod.end, trig.start()):trig.start()]
        if word in ("for", "against") and len(gap) > 25 and not trial:
            continue
        if (len(gap) <= 40 or trial) and not re.search(r"[,，;；]", gap):
            for ind in inds:
                add(mod.iri, "treats", ind.iri, "modality-treats", 0.8, (mod.start, ind.end))
            # "後者利用多能幹細胞…治療帕金森病": the company using the modality targets the indication.
            comps = [m for m in cms if m.kind == COMPANY and m.end <= mod.start and not m.affiliate_of]
            owner = bool(comps) and bool(re.match(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s", folded[comps[-1].end:comps[-1].end + 3]))
            if comps and re.search(r"其\s*$", folded[max(cs, mod.start - 3):mod.start]):
                comps, owner = [comps[0]], True  # "…，其間質幹細胞產品可用於治療…": the clause's company
            if comps and (word not in ("for", "against") or owner) and re.fullmatch(
                    r"[^;；。]{0,40}" if owner else r"[^,，;；。]{0,25}", folded[comps[-1].end:mod.start]):
                listed = respective_owners(folded, cms, comps, cs, trig.start())
                if len(listed) > 1 and re.search(r"分别|\brespectively\b", folded[cs:ce]):
                    # "X、Y的CAR-T產品分別用於A與B": the n-th company, the n-th indication.
                    if len(listed) == len(inds):
                        for c, ind in zip(listed, inds):
                            add(c.iri, "targets", ind.iri, "company-uses-modality", 0.7, (c.start, ind.end))
                    continue
                for ind in inds:
                    add(comps[-1].iri, "targets", ind.iri, "company-uses-modality", 0.7,
                        (comps[-1].start, ind.end))


def rule_product(clause: Clause, add: Add) -> None:
    """What a company's product says about the company.

    "X's Kymriah, a CAR-T therapy" / "X的舒瑞…注射液（CT041）是一款…CAR-T": X develops that modality.
    "X and Y announced that the FDA approved P for I" / "X的P獲批用於治療I": X (and Y) target I.
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    for m in comps:
        mod = next((o for o in cms if o.start >= m.end and o.kind == MODALITY), None)
        if mod is not None and not any(c.start >= m.end and c.end <= mod.start for c in comps) and \
                _PRODUCT_GAP.fullmatch(folded, m.end, mod.start) and not _EXIT.search(folded, mod.end, mod.end + 20):
            add(m.iri, "develops", mod.iri, "product-of", 0.7, (m.start, mod.end))
    for ap in _APPROVAL.finditer(folded, cs, ce):
        inds = []
        for_m = _APPROVED_FOR.search(folded, ap.end(), min(ce, ap.end() + 120))
        if for_m is not None:
            inds = _object_list(folded, cms, for_m.end(), {INDICATION}, ce)
        if not inds:
            continue
        said = None
        for said in _SAID.finditer(folded, cs, ap.start()):
            pass
        holders = _subject_list(folded, cms, said.start(), cs) if said is not None else []
        if not holders:
            # "X's P was approved for …" / "X的P獲批": the product's owner, named just before it.
            owner = next((c for c in reversed(comps) if c.end <= ap.start()), None)
            gap = re.sub(r",\s*(?:an?|the)\b[^,;]{0,60},", " ", folded[owner.end:ap.start()]) if owner else ""
            if owner is not None and re.match(r"\s*(?:'s|’s|(?<=s)'|(?<=s)’|的)", folded[owner.end:owner.end + 3]) and \
                    re.fullmatch(r"[^,，;；。]{0,60}", gap):
                holders = [owner]
        for h in holders:
            for ind in inds:
                add(h.iri, "targets", ind.iri, "approved-for", 0.7, (h.start, ind.end))


def rule_apposition(text: str, folded: str, ms: list[_M], add: SentenceAdd) -> None:
    for m in ms:
        if m.kind != COMPANY or m.affiliate_of or m.pronoun:
            continue
        rule_possessive(folded, m, ms, add)
        rule_whose(folded, m, ms, add)
        pre = _HOME_ADJ.search(folded, max(0, m.start - 50), m.start)
        if pre and pre.end() == m.start:  # "Swiss drugmaker Roche", "the Dutch biotech Neogene"
            add(m.iri, "operatesIn", str(resource("country", _COUNTRY_ADJ[pre.group(1)])), "home-adjective", 0.7)
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
                    add(m.iri, "operatesIn", other.iri, "apposition-home", 0.75)  # a company works where it is based
        if re.search(r"\bcdmo\b", app.group(0), re.IGNORECASE):
            add(m.iri, "operatesIn", str(resource("segment", "cdmo")), "apposition", 0.8)
        for adj, code in _COUNTRY_ADJ.items():
            if re.search(rf"(?<![a-z]){re.escape(adj)}(?![a-z])", desc):
                add(m.iri, "headquarteredIn", str(resource("country", code)), "apposition", 0.75)
                add(m.iri, "operatesIn", str(resource("country", code)), "apposition-home", 0.7)
                break


_POSSESSIVE_GAP = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[a-z0-9-]+\s+){0,2}")
# "X's core technology, allogeneic CAR-T, …", "X's approach relies on in vivo CAR-T": what the company's own
# technology or focus is named as.
_POSSESSIVE_NOUN_GAP = re.compile(
    r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[a-z-]+\s+){0,2}(?:technology|technologies|platform|approach|focus|speciality|"
    r"specialty|expertise|lead asset|franchise|strategy)\s*(?:,\s*(?:an?\s+|the\s+)?|\s+(?:is|are|was|relies on|"
    r"rests on|uses|is based on|centres on|centers on|builds on)\s+(?:an?\s+|the\s+)?(?:[a-z-]+\s+){0,2}?)")


_OF_OWNER = re.compile(r"\s+(?:(?:cell\s+|gene\s+)?(?:therap(?:y|ies)|programmes?|programs?|platforms?|candidates?|"
                       r"products?|pipeline|assets?)\s+)?(?:of|from|developed by|made by|owned by)\s+(?:the\s+)?")


_GOT_APPROVAL = re.compile(r"\s*(?:已|正式|率先|首度|首次)?(?:取得|获得|获|拿到)\s*")
_APPROVAL_OF = re.compile(r"[^,，;；。]{0,10}?的?\s*(?:有条件|附条件|附加条件)?(?:的)?\s*(?:上市)?(?:许可|批准|核准|药证)")


def rule_possessive(folded: str, m: _M, ms: list[_M], add: SentenceAdd) -> None:
    """"X's CAR-T programme" / "瀾嶼生物靶向CD7的CAR-T療法": the company develops that modality."""
    # h/rnd: a target antigen read as a name ("X的BCMA CAR-T") is the modality's modifier, not a company.
    nxt = [o for o in ms if o.start >= m.end and not (o.kind == COMPANY and _antigen(o))]
    # "X's lupus CAR-T", "X的狼瘡CAR-T療法": an indication written as the modality's modifier.
    ind = nxt[0] if len(nxt) > 1 and nxt[0].kind == INDICATION and nxt[1].kind == MODALITY and \
        re.fullmatch(r"\s*(?:-?\s*targeting\s+|的)?", folded[nxt[0].end:nxt[1].start]) else None
    if ind is not None:
        nxt = nxt[1:]
    prev = next((o for o in reversed(ms) if o.end <= m.start and o.kind != COMPANY), None)
    if prev is not None and prev.kind == MODALITY and _OF_OWNER.fullmatch(folded, prev.end, m.start) \
            and not _HEDGE.search(folded[max(0, prev.start - 20):m.end]):
        add(m.iri, "develops", prev.iri, "possessive", 0.7)  # "The CAR-T therapy of X", "the NK platform from X"
    if not nxt or nxt[0].kind != MODALITY:
        return
    mod = nxt[0]
    at = (ind or mod).start
    # Matched in place, not on the slice: "Marlowe Therapeutics' CAR-T" needs the "s" before the apostrophe.
    owned = _POSSESSIVE_GAP.fullmatch(folded, m.end, at) or _POSSESSIVE_NOUN_GAP.fullmatch(folded, m.end, at) or \
        re.fullmatch(r"[^,，;；、。的]{0,12}的(?:\s*[a-z0-9./-]{2,10}\s*)?", folded[m.end:at]) or \
        m.end == at and juxtaposed_owner(folded, m, mod) or \
        _GOT_APPROVAL.fullmatch(folded, m.end, at) and _APPROVAL_OF.match(folded, mod.end)  # "X取得M的有條件許可"
    tail = folded[mod.end:mod.end + 20]
    if owned and not _antigen(m) and not _HEDGE.search(folded[max(0, m.start - 20):mod.end]) and not _EXIT.search(tail) and not (
            UNIT_TAIL.match(tail) or _WORK_OFF.search(tail) or _WORK_SHUT.search(tail)):
        add(m.iri, "develops", mod.iri, "possessive", 0.7)
        if ind is not None:
            add(m.iri, "targets", ind.iri, "possessive", 0.7)


_WHOSE = re.compile(r"\s*,\s*whose\s+(?P<body>[^,;()]{0,120})")  # h/rnd2: the relative clause up to its comma


def rule_whose(folded: str, m: _M, ms: list[_M], add: SentenceAdd) -> None:
    """"X, whose lead asset is an autologous CAR-T for myeloma, …": what the relative clause names is X's
    (not when it names a company, a hedge, an exit, a shut or a deal)."""
    wh = _WHOSE.match(folded, m.end)
    if wh is None or _antigen(m):
        return
    a, b = wh.start("body"), wh.end("body")
    body = folded[a:b]
    inside = [o for o in ms if a <= o.start and o.end <= b and not o.pronoun]
    if any(o.kind == COMPANY for o in inside) or _HEDGE.search(body) or _EXIT.search(body) or \
            _WORK_OFF.search(body) or _WORK_SHUT.search(body) or _RND_STOP.search(body):
        return
    for o in inside:
        if o.kind == MODALITY and not re.match(r"\s*(?:transplant)", folded[o.end:o.end + 12]):
            add(m.iri, "develops", o.iri, "whose", 0.7)
        elif o.kind == INDICATION:
            add(m.iri, "targets", o.iri, "whose", 0.7)


def rule_products_from(clause: Clause, add: Add) -> None:
    """"approved CAR-T products from Kite, Juno and Novartis" / "CAR-T therapies by X and Y": each one develops M."""
    folded, ce, cms = clause.folded, clause.ce, clause.cms
    for mod in (m for m in cms if m.kind == MODALITY):
        by = _PRODUCTS_FROM.match(folded, mod.end, ce)
        if by is None:
            continue
        for comp in _object_list(folded, cms, by.end(), {COMPANY}, ce):
            if comp.org_type == COMPANY:
                add(comp.iri, "develops", mod.iri, "products-from", 0.7, (mod.start, comp.end))


# What makes a clause about research and development (folded text: lower case, simplified script).
_RND_CUE = re.compile(
    r"管线|临床|候选|适应症|试验|[一二三]期|新药|申报|首例|给药|入组|"
    r"\bpipeline\b|\btrials?\b|\bcandidates?\b|\bprogrammes?\b|\bprograms?\b|\bphase\s*(?:[123]|i{1,3})\b|"
    r"\bclinical\b|\bpreclinical\b|\bdos(?:ed|ing)\b|\bind\b|\bfirst patient\b|\bstud(?:y|ies)\b")
# What may open a clause before its subject: a connective or a time ("In 2024, X …", "此外，X …").
_CLAUSE_LEAD = re.compile(r"[\s,，:：、]*(?:(?:and|but|while|meanwhile|separately|also|in \d{4}|此外|另外|同时|而|并|"
                          r"\d{4}年(?:\d{1,2}月)?)[\s,，]*)?")
# Said of the object, these end or deny the work; the clause is left to the exit and deal rules.
_RND_STOP = re.compile(_EXIT.pattern + r"|类似|相似|不同于|相比|\bsimilar to\b|\bunlike\b|\bcompared (?:with|to)\b|终止|取消|结束|\bended\b|\bcancel\w*|\bsold\b|\bsale\b|出售|转让|授权给|"
                       r"\blicen[cs]\w* (?:\w+ )*?to\b|\bout-licen\w*")

# A company's own product or programme: "X's", "Marlowe Therapeutics'", "X的", "X旗下".
_OWNER = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s|\s*(?:的|旗下)")
_PRODUCT_CUE = re.compile(r"\bapprov\w*|\bauthori[sz]\w*|\blaunch\w*|\bproducts?\b|\btherap(?:y|ies)\b|\bdrugs?\b|"
                          r"获批|获准|核准|批准|上市|产品|疗法|药物|注射液")
_TERM_APPOSITION = re.compile(r"[\s\w-]{0,6}[,，]\s*(?:an?|the|一种|一类)\s*(?:[\w-]+\s+){0,3}")


def rule_rnd_subject(clause: Clause, add: Add) -> None:
    """A company that is a clause's only company and its subject, in a clause about R&D, works on what it names.

    "X's lead candidate, an allogeneic CAR-T, entered a phase 1 trial in lupus" / "X的CAR-T候選藥物
    進入臨床一期，適應症為狼瘡": no develop verb, but the clause is about X's pipeline. Read only when the
    company opens the clause (its grammatical subject or topic) and no other company is in the clause, so
    that a partner, licensor or buyer can never be given the work.
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    schools = [m for m in comps if m.org_type != COMPANY]
    if comps and schools and comps[0].org_type == COMPANY and all(
            re.search(r"[,，]", folded[m.end:ce]) for m in schools):
        # "X成立於2019年，由蘇黎世大學衍生，目前有兩項NK細胞療法…": the school X came from is no second subject.
        comps = [m for m in comps if m.org_type == COMPANY]
    if not comps or len({m.iri for m in comps}) != 1 or comps[0].org_type != COMPANY or _antigen(comps[0]):
        return
    subj = comps[0]
    if _ACQ_PASSIVE.search(folded, subj.end, ce) or _RND_STOP.search(folded, subj.end, ce):
        return
    if subj.start == subj.end:
        return  # a subject carried over or left unwritten: too far from the words to read them as its work
    if not solid(subj) and not folded[:subj.start].strip():
        return  # a lone capitalised word opening the sentence ("Beyond sarcoma, …") is too weak a subject
    lead = _CLAUSE_LEAD.match(folded, cs, subj.start)
    if lead is not None and lead.end() == subj.start and _RND_CUE.search(folded, subj.end, ce):
        start = subj.end
    elif _OWNER.match(folded, subj.end) and (_RND_CUE.search(folded, cs, ce) or _PRODUCT_CUE.search(folded, cs, ce)):
        start = cs  # "MT-101, Marlowe's CAR-T therapy for lymphoma, won approval": the product's owner
    else:
        return
    prev: _M | None = None
    for o in cms:
        if o.start < start or subj.start <= o.start < subj.end:
            continue
        # "Leber congenital amaurosis 10, an inherited retinal dystrophy": the second term describes the first.
        described = prev is not None and prev.kind == o.kind and _TERM_APPOSITION.fullmatch(folded, prev.end, o.start)
        prev = o
        if described:
            continue
        if o.kind == MODALITY and re.match(r"\s*(?:移植|transplant)", folded[o.end:o.end + 12]):
            continue  # "造血幹細胞移植後的…": a procedure the patients had, not the company's modality
        if o.kind == MODALITY:
            add(subj.iri, "develops", o.iri, "rnd-subject", 0.6, (subj.start, o.end))
        elif o.kind == INDICATION:
            add(subj.iri, "targets", o.iri, "rnd-subject", 0.6, (subj.start, o.end))
