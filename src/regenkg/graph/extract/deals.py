"""Deal rules: acquisition and partnership, and the Deal a fact states (licence frames are in :mod:`.licences`;
spin-outs, joint ventures and sales in :mod:`.transfers`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...records import Sentence
from ..deals import KIND_OF, Deal, DealKind, DealStatus, parse_amount, parse_date
from .clauses import Add, Clause, _object_list, _subject_list, apposition_holder
from .licences import _licence
from .mentions import _M
from .owners import _owner
from .partners import _PARTNERS_INCLUDE
from .transfers import MERGE
from .patterns import (
    _ACQ_ACTIVE,
    _ACQ_PASSIVE,
    _LICENSE,
    _LIST_GAP,
    _NOMINAL_DONE,
    _OPTION,
    _PARTNER,
    _PAY_FOR,
    _RIGHTS_OBJECT,
    COMPANY,
    MODALITY,
    THOUSANDS,
)


def build_deal(pred: str, s: str, o: str, status: DealStatus, rule: str, sent: Sentence, clause: str) -> Deal:
    """The deal a fact of predicate ``pred`` states (an option when the rule says so), with amount and date."""
    kind: DealKind
    kind, rs, ro = KIND_OF[pred]
    if rule.startswith("option"):
        kind = "Option"
    amount = parse_amount(clause.replace(THOUSANDS, ","), sent.lang)
    return Deal(kind, status, ((rs, s), (ro, o)), sent.id, sent.doc_id, rule,
                amount[0] if amount else None, amount[1] if amount else None, amount[2] if amount else None,
                parse_date(clause))


def rule_acquisition(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY]
    if len(comps) < 2:
        return
    passive: list[tuple[int, int]] = []  # the spans of the passive frames read, their verbs inside
    for trig in _PASSIVE.finditer(folded, cs, ce):
        if trig.group(0) in ("被", "遭", "由"):
            # Y被X收購 / "Y由X以3億美元收購" (由 only when the verb takes no object after it)
            verb = _ACQ_ACTIVE.search(folded, trig.end(), ce)
            if not verb or re.search(r"[,，;；]", folded[trig.end():verb.start()]):
                continue
            seg_end = next((i.start() for i in re.finditer(r"[,，;；。]", folded[verb.end():ce])), ce - verb.end()) + verb.end()
            if trig.group(0) == "由" and any(verb.end() <= m.start < seg_end and not m.pronoun for m in comps):
                continue  # "由X收購Y": an active verb after all
            targets = _subject_list(folded, cms, trig.start(), cs) or [
                m for m in comps if m.end <= trig.start()][-1:]
            acq = [m for m in comps if trig.end() <= m.start < verb.start()][:1]
            span_end = verb.end()
        elif trig.group(0).startswith(("acquisition of", "purchase of", "takeover of", "buyout of")):
            # "the acquisition of Y by X"
            targets = [m for m in comps if trig.start() + 14 <= m.start][:1]
            acq = [m for m in comps if m.start >= trig.end()][:1]
            span_end = trig.end()
        else:
            # Y was acquired by X
            targets = _subject_list(folded, cms, trig.start(), cs) or [
                m for m in comps if m.end <= trig.start()][-1:]
            if _ITSELF.search(folded, max(cs, trig.start() - 40), trig.start()) and not re.search(
                    r"[,，]", folded[cs:trig.start()]):
                targets = [m for m in comps if m.end <= trig.start()][:1]
            acq = [m for m in comps if m.start >= trig.end()][:1]
            span_end = trig.end()
        for a in acq:
            for t in targets:
                # "…被B（Bee）收購，後者又被C併購": the bracketed name stands for the one before it.
                bought = t.affiliate_of or t.iri
                if bought != a.iri:
                    add(a.iri, "acquired", bought, "acquisition-passive", 0.9, (min(t.start, a.start), max(t.end, a.end)))
        if acq and targets:
            passive.append((trig.start(), span_end))
    # "X acquired Y, which was later acquired by Z": the chain's active verb is read too, not the passive ones.
    _active_acquisition(clause, add, comps, passive)


# After "Y成為X": X's (wholly held) subsidiary.
_ZH_SUBSIDIARY = re.compile(r"\s*(?:的)?\s*(?:全资|控股|(?:百分之百|100\s*%)\s*持(?:股|有)的|全资持有的|独资)?"
                            r"\s*(?:子公司|附属公司)")


def _active_acquisition(clause: Clause, add: Add, comps: list[_M], passive: list[tuple[int, int]]) -> None:
    """Active acquisition frames: "X acquired Y", "X完成對Y的收購", "Y, which it bought in 2020", "X pays … for Y"."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    first = min((start for start, _ in passive), default=cs)
    chain = not passive or bool(_CHAIN.search(folded, max(cs, first - 40), first)
                                or _ITSELF.search(folded, max(cs, first - 40), first))
    targets_so_far: dict[int, _M] = {}  # id(target mention) -> its acquirer
    for trig in () if not chain else re.finditer(r"\b(?:became|become|becomes|is now|was made) (?:a )?(?:wholly[- ]owned )?subsidiary of\s+(?:the\s+)?"
                            r"|,\s*(?:now|since \d{4}|which (?:is|has been) now) (?:a )?(?:part|unit|subsidiary) of\s+(?:the\s+)?"
                            r"|\b(?:is|are|has been) now (?:a )?part of\s+(?:the\s+)?|成为\s*", folded[cs:ce]):
        b = cs + trig.end()
        if trig.group(0).startswith("成为"):
            parent = next((m for m in comps if b <= m.start <= b + 1), None)
            if parent is None or not _ZH_SUBSIDIARY.match(folded, parent.end):
                continue
        else:
            parent = next((m for m in comps if b <= m.start <= b + 1), None)
        child = next((m for m in reversed(comps) if m.end <= cs + trig.start()), None)
        if parent is not None and child is not None and parent.iri != child.iri:
            add(parent.iri, "acquired", child.iri, "subsidiary", 0.8, (child.start, parent.end))
    for trig in _PAY_FOR.finditer(folded, cs, ce) if chain else ():
        target = next((m for m in comps if trig.end() <= m.start <= trig.end() + 2), None)
        before = [m for m in comps if m.end <= trig.start() and not m.affiliate_of]
        if target is not None and before and before[-1].iri != target.iri:
            add(before[-1].iri, "acquired", target.iri, "acquisition-pay", 0.8, (before[-1].start, target.end))
    for trig in _ACQ_ACTIVE.finditer(folded, cs, ce):
        if any(start <= trig.start() < end for start, end in passive):
            continue  # the verb of a passive frame
        if not chain and not (any(end <= trig.start() for _, end in passive) and re.search(
                r"[,，]\s*(?:which|who|that)\s+(?:had\s+|has\s+)?(?:earlier|previously|already|also|once)?\s*$",
                folded[max(cs, trig.start() - 30):trig.start()])):
            continue  # the passive frame is the clause's statement; only a relative clause after it adds one
        before = [m for m in comps if m.end <= trig.start()]
        if not before:
            continue
        option = _OPTION.search(folded, max(cs, trig.start() - 16), trig.end() + 2) or re.match(
            r"[^,，;；。]{0,30}?的?(?:选择权|优先购买权|期权)", folded[trig.end():ce])  # "獲得…收購Y的選擇權"
        if option and re.search(r"\bexercis\w*\s+(?:its|an|the|their)?\s*$|行使", folded[max(cs, option.start() - 20):option.start()]):
            option = None  # an exercised option is the acquisition itself
        nominal = _NOMINAL_DONE.search(folded[max(cs, trig.start() - 40):trig.end()])
        rule = "option" if option else ("acquisition-nominal" if nominal else "acquisition")
        if re.search(r",\s*which (?:it|they) (?:had )?(?:later |subsequently |eventually |then |also )?$",
                     folded[max(cs, trig.start() - 32):trig.start()]):
            # "Y, which it bought in 2020": the acquirer is the sentence's subject, the target the noun before.
            noun = next((m for m in reversed(before) if not m.pronoun), before[-1])
            subj = next((m for m in comps if m.iri != noun.iri), None)
            if subj is not None:
                add(subj.iri, "acquired", noun.iri, "acquisition-nominal", 0.8, (subj.start, trig.end()))
            continue
        z = before[-1]
        if not z.pronoun and re.fullmatch(r"\s*(?:had\s+)?(?:(?:later|subsequently|eventually|then|also)\s+)?",
                                          folded[z.end:trig.start()]) \
                and re.search(r",\s*which\s+$", folded[max(cs, z.start - 12):z.start]):
            # "Y, which Z acquired in 2021, …": Z, named inside the relative clause, bought the noun before it.
            bought = next((m for m in reversed(before[:-1]) if not m.pronoun), None)
            if bought is not None and bought.iri != z.iri:
                add(z.iri, "acquired", bought.iri, "acquisition-nominal", 0.8, (bought.start, trig.end()))
                continue
        if not _takes_company(folded, trig, ce):
            continue  # rights (a licence) or a minority stake: not a takeover
        asset = _asset_of(folded, cms, trig.end(), ce) or _bought_from(folded, cms, trig, cs, ce)
        if asset is not None:
            # "Mareth acquired Cobalt Bio's manufacturing site" / "收購Y旗下的細胞製造工廠": Y sold an asset.
            buyer = before[-1]
            if buyer.iri != asset.iri and not buyer.affiliate_of:
                add(asset.iri, "soldTo", buyer.iri, "asset-purchase", 0.8, (buyer.start, asset.end))
            continue
        acquirer = apposition_holder(folded, before, before[-1], trig.start()) or before[-1]
        if _NONFINITE.search(folded, max(cs, trig.start() - 24), trig.start()):
            # "X partnered with Y after acquiring Z": the buyer of a non-finite verb is the clause's subject.
            acquirer = before[0]
        # "先後在2019年收購A、2022年收購B": B's buyer is A's buyer, not A.
        while id(acquirer) in targets_so_far:
            acquirer = targets_so_far[id(acquirer)]
        if acquirer.affiliate_of:
            # "甲（A）以…買下B": the name in brackets stands beside the buyer; the buyer is the name before it.
            head = next((m for m in reversed(comps) if m.iri == acquirer.affiliate_of and m.end <= acquirer.start), None)
            if head is None:
                continue
            acquirer = head
        between = folded[acquirer.end:trig.start()]
        if len(between) > 80 or re.search(r"[;；。]", between):
            continue
        targets = _object_list(folded, cms, trig.end(), {COMPANY}, ce)
        if targets and targets[0].pronoun and re.fullmatch(r"its|their|其", folded[targets[0].start:targets[0].end]):
            continue  # "the acquisition of its iPSC platform": a possessive, not the company bought
        if not targets:
            # The target before the verb: "X完成對Y的收購", "X完成Y收購案", "X將Y納入旗下".
            near = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            if near is not None and re.fullmatch(r"\s*(?:的)?\s*(?:(?:约|近|逾)?[\d.,\u066c]+\s*(?:亿|万|千万)?\s*(?:美元|美金|元|新台币|台币|人民币|日元|欧元)"
                                                 r"\s*(?:的)?\s*)?(?:全资|全部|100%|控股|整体)?\s*", folded[near.end:trig.start()]) \
                    and re.search(r"(?:对|将|把|完成(?:了)?)\s*$", folded[max(cs, near.start - 4):near.start]):
                head = next((m for m in reversed(comps) if m.end <= near.start - 1 and m.iri != near.iri), None)
                if head is not None:
                    add(head.iri, "acquired", near.iri, rule, 0.85, (head.start, trig.end()))
                continue
        if targets and _PREP_GAP.search(folded, trig.end(), targets[0].start):
            continue  # "acquired … under its collaboration with Y": Y is a partner, not what is bought
        if option and targets and targets[0].iri == acquirer.iri:
            # "X partnered with Y, with an option to acquire the company": the option is X's.
            acquirer = next((m for m in reversed(before) if m.iri != acquirer.iri), acquirer)
        held = re.match(r"[^,，;；。]{0,12}?持有的\s*", folded[targets[0].end:]) if targets else None
        if held:
            # "受讓科潤醫藥持有的瑞晟基因全部股權": the company whose shares change hands is the target.
            owned = next((m for m in comps if m.start >= targets[0].end + held.end()), None)
            targets = [owned] if owned is not None else []
        for t in targets:
            targets_so_far[id(t)] = acquirer
            add(acquirer.iri, "acquired", t.iri, rule, 0.9, (acquirer.start, t.end))


# Before a passive frame that continues a chain: "X acquired Y, which was later acquired by Z", "…，後者又被Z併購".
_CHAIN = re.compile(r"[,，]\s*(?:which|that|who|(?:and )?(?:was |were )?(?:later|subsequently|then|itself))\b"
                    r"|[,，]\s*(?:后者|后来|随后|之后|其后)|后者")
# "X bought Y and was itself acquired by Z": the passive verb's target is the clause's subject.
_ITSELF = re.compile(r"\band\s+(?:was|were|has been|had been|is)?\s*(?:itself|themselves|later|subsequently|then|eventually)?"
                     r"\s*(?:was|were)?\s*$")
# A passive acquisition: "Y was acquired by X", "Y被X收購", "Y由X以3億美元收購", "the acquisition of Y by X".
_PASSIVE = re.compile(_ACQ_PASSIVE.pattern + r"|由|\b(?:acquisition|purchase|takeover|buyout) of\b[^,;]{0,60}?\bby\s+(?:the\s+)?")


# Right after an acquisition verb: a share of a company that does not make it the buyer's.
_STAKE = re.compile(r"\s*(?:a|an|the)?\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*%\s*|(?P<size>minority|majority|controlling|"
                    r"small|significant|strategic|equity)\s+)?(?:equity\s+)?(?:stake|interest|shareholding)\s+in\b|"
                    r"\s*(?:了)?[^,，;；。]{0,12}?(?P<zpct>\d+(?:\.\d+)?)\s*%\s*(?:的)?\s*(?:股权|股份)")
_ASSET = re.compile(r"\s*(?:'s|’s|(?<=s)'|(?<=s)’|的|旗下的?|旗下)\s*(?:[^,，;；。]{0,30}?)(?:\b(?:site|plant|facility|facilities|unit|business|"
                    r"division|assets?|portfolio|operations?|manufacturing|programmes?|programs?|pipeline|franchise|"
                    r"candidates?|platform)\b|工厂|厂房|基地|业务|资产|产线|生产线|部门|事业部|"
                    r"事业群|工厂|事业)")


# Before an acquisition verb: a verb form whose buyer is the clause's subject ("after acquiring", "having bought").
_NONFINITE = re.compile(r"\b(?:after|having|before|since|upon|following|by|while)\s+(?:(?:its|their|the)\s+)?"
                        r"(?:(?:\$?[\d.,]+\s*(?:billion|million|bn|m)?|earlier|recent|\d{4})\s+)?(?:had\s+)?$")
# Between an acquisition verb and the first company after it: a preposition makes that company no object.
_PREP_GAP = re.compile(r"\b(?:with|from|by|alongside|through|via|under)\b|与|跟|同|从|向|通过|透过")



def _takes_company(folded: str, trig: re.Match[str], ce: int) -> bool:
    """Whether an acquisition verb takes a company: not rights (a licence), not a minority stake."""
    if _RIGHTS_OBJECT.match(folded, trig.end(), ce):
        return False  # "acquired the global rights to Y's CAR-T" / "拿下Y…開發權" / "拿下Y…的全球授權"
    stake = _STAKE.match(folded, trig.end(), ce)
    if stake is None:
        return True
    pct = stake.group("pct") or stake.group("zpct")
    return stake.group("size") in ("majority", "controlling") or (pct is not None and float(pct) > 50)


def _asset_of(folded: str, cms: list[_M], pos: int, ce: int) -> _M | None:
    """The company whose site, unit or business an acquisition verb takes ("acquired Y's plant")."""
    owner = next((m for m in cms if m.kind == COMPANY and pos <= m.start <= pos + 4), None)
    if owner is None or not _ASSET.match(folded, owner.end, ce):
        return None
    return owner


def _bought_from(folded: str, cms: list[_M], trig: re.Match[str], cs: int, ce: int) -> _M | None:
    """"acquired the CAR-T programme from Y" / "從Y收購…業務": what is bought comes from Y, who sells it."""
    frm = re.match(r"\s*(?:the|its|a|an)\s+(?:[\w-]+\s+){0,5}?from\s+(?:the\s+)?|\s+from\s+(?:the\s+)?|\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,4}?"
                   r"(?:assets?|business|unit|division|portfolio|programmes?|programs?|operations|site|plant)\s+of\s+(?:the\s+)?",
                   folded[trig.end():ce])
    if frm is not None:
        return next((m for m in cms if m.kind == COMPANY and m.start == trig.end() + frm.end()), None)
    seller = next((m for m in reversed(cms) if m.kind == COMPANY and m.end <= trig.start()
                   and re.search(r"(?:从|自|向)\s*$", folded[max(cs, m.start - 2):m.start])
                   and re.fullmatch(r"\s*", folded[m.end:trig.start()])), None)
    if seller is not None and re.match(r"[^,，;；。]{0,20}?(?:业务|资产|工厂|基地|产线|部门|事业部|管线|平台|项目)",
                                       folded[trig.end():ce]):
        return seller
    return None


# "獲衛福部核准…附條件許可", "取得衛福部許可", "临床试验默示许可": a regulator's permit, not a licence between firms.
_PERMIT_BEFORE = re.compile(r"(?:附条件|有条件|上市|临床试验|临床|默示|药品|药证|制剂|卫福部|药监局|食药署|主管机关|"
                            r"厚生劳动省|fda|ema|nmpa|cde|pmda)[^,，;；。]{0,4}$")


def _regulatory_permit(ctext: str, hit: re.Match[str]) -> bool:
    return hit.group(0) == "许可" and (bool(_PERMIT_BEFORE.search(ctext, 0, hit.start()))
                                     or ctext.startswith("证", hit.end()))


# The with-word of a partnership, not the 同 of "同一時間"/"同年"/"共同" or the 與 of "與此同時".
_WITH = re.compile(r"\bwith\b|\balongside\b|与(?!此同时)|和|跟|(?<![共相])同(?![一时年期样月日步])")


# After a with-word: a group of partners named after it ("with several drugmakers, including Y and Z").
_WITH_SEVERAL = re.compile(r"\s+(?:[\w-]+\s+){0,3}?(?:companies|firms|partners|drugmakers|pharmas|biotechs|players|"
                           r"groups|institutions|hospitals|universities|centres|centers)\s*,?\s*(?:including|such as|"
                           r"among them|notably|like|led by|most recently)\s+(?:the\s+)?")


def rule_partner(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    if any(_PARTNERS_INCLUDE.match(folded, m.end, ce) for m in comps):
        return  # "X的合作夥伴包括A、B與C": a list (rule_partner_list), whose 與 pairs no B with C
    ctext = folded[cs:ce]
    lic = next((h for h in _LICENSE.finditer(ctext) if not _regulatory_permit(ctext, h)), None)
    joint = _JOINT.search(ctext)
    if not (_PARTNER.search(ctext) or lic or joint):
        if _SERVES.search(ctext):
            served = _joint_pair(folded, cs, ce, cms, comps)
            _pair_add(folded, ce, cms, add, served, clause.types, served[0] if len(served) > 2 else None)
        return
    if MERGE.search(ctext) and not lic:
        return  # h/deals3: a merger is no partnership (rule_merger reads it)
    with_pos = _WITH.search(ctext)
    partner_at = next((m.start for m in comps if with_pos and m.start >= cs + with_pos.end()), ce)
    if not lic and any(_takes_company(folded, t, ce) and t.start() < partner_at
                       and not _OPTION.search(folded, max(cs, t.start() - 16), t.end() + 2)
                       for t in _ACQ_ACTIVE.finditer(folded, cs, ce)):
        return  # an acquisition sentence; the acquisition rule owns it (not one told after the partner)
    if lic and _licence(folded, cs, ce, cms, comps, add):
        return
    if _possessive_partner(folded, cs, ce, comps, add):
        return
    # Collaboration: "X與Y合作" / "X partnered with Y" / "X and Y signed a collaboration".
    with_m = _WITH.search(ctext)
    if with_m:
        pos = cs + with_m.start()
        left = [m for m in comps if m.end <= pos]
        after = pos + len(with_m.group(0))
        if (several := _WITH_SEVERAL.match(folded, after, ce)) is not None:
            after = several.end()  # "partnered with several companies, including Y and Z"
        right = [m for m in _object_list(folded, cms, after, {COMPANY}, ce) if not m.affiliate_of]
        if left and right:
            subj = _apposition_head(folded, comps, left[-1])
            # h/deals3: "X and Y partnered with Z", "X、Y與Z簽署三方合作協議": every company of the list before
            # the with-word is a partner of every one after it (and, in a three-way deal, of each other).
            subjects = _list_ending(folded, [m for m in left if not m.affiliate_of], subj) if subj is left[-1] else [subj]
            rule = "licence-agreement" if lic else "partnership"
            for r in right:
                for sj in subjects:
                    if sj.iri == r.iri:
                        continue
                    add(sj.iri, "partneredWith", r.iri, rule, 0.8, (sj.start, r.end))
                    # h/subj2: "X partnered with Y" makes X the subject; "X與Y合作" coordinates X and Y as equals.
                    lead = sj if with_m.group(0) in ("with", "alongside") else None
                    _deal_asset(folded, r, ce, cms, add, (sj, r), clause.types, lead=lead)
            if len(subjects) > 1 and _MULTI_PARTY.search(ctext):
                for i, a in enumerate(subjects):
                    for b in subjects[i + 1:]:
                        add(a.iri, "partneredWith", b.iri, rule, 0.75, (a.start, b.end))
            return
    trig = _PARTNER.search(ctext) or lic or joint
    group = _subject_list(folded, cms, cs + trig.start(), cs) if trig is not None else []
    both = [m for m in comps if m.pronoun][-2:]
    later = _PARTNER.search(ctext, both[1].end - cs) if len(both) == 2 and both[0].start == both[1].start else None
    if len(group) < 2 and later is not None and not re.search(r"[,，;；]", folded[both[1].end:cs + later.start()]):
        group = both  # "X獲Y戰略投資，雙方將在iPSC領域展開合作": the two parties the description stands for
    if len(group) < 2 and trig is not None:
        # "X and Y ended their collaboration": two companies joined at the clause's head, the partner word later.
        # h/deals3: "X, Y and Z entered into a three-way collaboration": the whole list at the head.
        head = [m for m in comps if m.end <= cs + trig.start()]
        n = 1
        while n < len(head) and _LIST_GAP.match(folded[head[n - 1].end:head[n].start]):
            n += 1
        head = head[:n]
        if len(head) >= 2 and not re.search(r"[,，;；]", folded[head[-1].end:cs + trig.start()]):
            group = head
    if len(group) < 2 and trig is not None:
        # "the collaboration between X and Y": the partners follow the noun.
        between = re.match(r"[^,，;；。]{0,24}?\bbetween\s+(?:the\s+)?", folded[cs + trig.start():ce])
        if between is not None:
            named = _object_list(folded, cms, cs + trig.start() + between.end(), {COMPANY}, ce)
            group = named if len(named) >= 2 else group
    hub = None
    if len(group) < 2:
        group = _joint_pair(folded, cs, ce, cms, comps)
        hub = group[0] if len(group) > 2 else None  # "X攜手Y及Z": X's partners, not each other's
    _pair_add(folded, ce, cms, add, group, clause.types, hub)


def _list_ending(folded: str, comps: list[_M], last: _M) -> list[_M]:
    """The companies of the list whose last member is ``last`` ("X, Y and Z" → [X, Y, Z])."""
    out = [last]
    for m in reversed([c for c in comps if c.end <= last.start]):
        if m.iri in {o.iri for o in out} or m.pronoun or not _LIST_GAP.match(folded[m.end:out[-1].start]):
            break
        out.append(m)
    # A list ends with a conjunction ("X, Y and Z"); "After leaving X, Y partnered with Z" is none.
    if len(out) > 1 and not re.search(r"\band\b|&|与|和|及|、|以及", folded[out[1].end:out[0].start]):
        return [last]
    return out[::-1]


# A deal of more than two parties: the companies of a list are partners of each other too.
_MULTI_PARTY = re.compile(r"三方|多方|四方|三家|\b(?:three|four)-(?:way|party)\b|\btripartite\b|\bmulti-?party\b|"
                          r"\bconsortium\b")


# "X's partner Y", "X's long-time collaborator Y", "X的合作夥伴Y": the possessor and the partner it names.
_PARTNER_OF = re.compile(r"\s*(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:(?:long-?time|strategic|research|manufacturing|commercial|"
                         r"development|clinical|academic|key|new|existing)\s+)?(?:partner|collaborator)s?\s*,?\s*(?:the\s+)?|"
                         r"\s*的\s*(?:策略|战略|长期|研发|临床|学术|主要)?(?:合作伙伴|合作对象|合作方)\s*(?:[,，、]\s*)?")


_PRONOUN_PARTNER = re.compile(r"\s+(?:(?:long-?time|strategic|research|manufacturing|commercial|development|clinical|"
                              r"academic|key|new|existing)\s+)?(?:partner|collaborator)s?\s*,?\s*(?:the\s+)?|"
                              r"\s*(?:策略|战略|长期|研发|临床|学术|主要)?(?:合作伙伴|合作对象|合作方)\s*(?:[,，、]\s*)?")


def _possessive_partner(folded: str, cs: int, ce: int, comps: list[_M], add: Add) -> bool:
    """"X's partner Y will manufacture the therapy" / "X的合作夥伴Y負責臨床試驗": X partneredWith Y."""
    found = False
    for m in comps:
        hit = _PARTNER_OF.match(folded, m.end, ce)
        if hit is None and m.pronoun and re.fullmatch(r"its|their|其", folded[m.start:m.end]):
            # h/deals3: "X said its partner Y would …", "X表示其合作夥伴Y…": the possessive stands for X.
            hit = _PRONOUN_PARTNER.match(folded, m.end, ce)
        if hit is None or m.pronoun and not folded[m.start:m.end] in ("its", "their", "其"):
            continue
        other = next((c for c in comps if c.start == hit.end()), None)
        if other is not None and other.iri != m.iri:
            add(m.iri, "partneredWith", other.iri, "partnership", 0.75, (m.start, other.end))
            found = True
    return found


def _pair_add(folded: str, ce: int, cms: list[_M], add: Add, group: list[_M], types: Mapping[str, str],
              hub: _M | None = None) -> None:
    group = list({m.iri: m for m in reversed(group)}.values())[::-1]  # a company named twice is one party
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            if hub is not None and hub not in (a, b):
                continue
            add(a.iri, "partneredWith", b.iri, "partnership", 0.75, (min(a.start, b.start), max(a.end, b.end)))
    if len(group) >= 2:
        _deal_asset(folded, max(group, key=lambda m: m.end), ce, cms, add, tuple(group), types)


def _apposition_head(folded: str, comps: list[_M], m: _M) -> _M:
    """"Kite, a Gilead company, ended its collaboration with…": the company a "X, a Y company" apposition
    describes, not the Y inside it."""
    if not re.match(r"\s*(?:'s\s+)?(?:[\w-]+\s+)?(?:company|unit|subsidiary|division|affiliate|business)\b", folded[m.end:]):
        return m
    lead = re.search(r",\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$", folded[max(0, m.start - 40):m.start])
    if lead is None:
        return m
    comma = m.start - (len(folded[max(0, m.start - 40):m.start]) - lead.start())
    head = next((c for c in reversed(comps) if c.end <= comma and re.fullmatch(r"\s*", folded[c.end:comma])), None)
    return head if head is not None and head.iri != m.iri else m


# h/deals3: joint work without a partnership noun ("X與Y共同執行臨床試驗", "X and Y will jointly develop").
_JOINT = re.compile(r"共同(?!创办|创立|创始|持有|持股)|联合(?=开发|研发|推进|推出|进行|执行|申报|开展|生产)|"
                    r"联合(?=[^\s，,。；;]{2,14}?(?:开发|研发|推进|推出|进行|执行|申报|开展))|一起(?!出现|被|提|列|并列|比较)|携手|联手|牵手|共建|"
                    r"委托|签约|\bjointly\b|\btogether\b|\bjoin(?:s|ed|ing)? forces\b|"
                    r"\bwork(?:s|ed|ing)? (?:closely )?(?:with|alongside)\b|\bco-(?:develop|commerciali[sz]|promot|fund)\w*|"
                    # h/deals3: "X's NK programme with Y", "X and Y's joint CAR-T programme", "與Y展開臨床試驗"
                    r"\b(?:programmes?|programs?|projects?|research|efforts?)\s+with\b|"
                    r"\bjoint (?:[\w-]+ ){0,2}?(?:programmes?|programs?|research|development|projects?|efforts?|stud(?:y|ies)|trials?)\b|"
                    r"(?:展开|开展)(?=[^\s，,。；;]{0,16}?(?:试验|研究|开发|研发))")
# One company works for another: makes its product ("Y will manufacture X's therapy", "Y為X代工"), or takes
# it to market ("X的CAR-T產品由Y負責商業化").
_SERVES = re.compile(r"\b(?:manufactur|produc|suppl|mak|commerciali[sz]|distribut|market)(?:e|es|ed|ing|y|ies|ied)?\b|"
                     r"代工|生产|制造|商业化|销售|经销|推广")


# h/subj2: the work itself is joint ("will co-develop", "共同開發", "合作開發"): every party develops.
_CO_WORK = re.compile(r"共同|联合|合作(?:开发|研发)|携手|联手|双方|三方|\bjointly\b|\btogether\b|\bco-develop\w*|"
                      r"\bjoint(?:ly)?\s+(?:develop|research|programme|program)\w*")


def _joint_pair(folded: str, cs: int, ce: int, cms: list[_M], comps: list[_M]) -> list[_M]:
    """The partners of a verb frame that has no partnership noun: "X攜手Y(及Z)", "X委託Y生產", "X tapped Y to
    manufacture", "Y為X代工", "Y will manufacture X's therapy", "X的產品由Y負責商業化"; the subject first."""
    for m in re.finditer(r"携手|联手|牵手|委托|联合(?![国会])|\b(?:join(?:s|ed|ing)? forces with|tapped|taps|selected|selects|chose|"
                         r"chooses|engaged|engages|contracted|hired|hires|commissioned|enlisted|enlists|recruited|brought in|"
                         r"signed up|signs up)\b", folded[cs:ce]):
        at = cs + m.end()
        obj = next((c for c in comps if at <= c.start <= at + 2), None)
        subj = next((c for c in reversed(comps) if c.end <= cs + m.start()), None)
        if obj is None or subj is None or obj.iri == subj.iri:
            continue
        if m.group(0).isascii() and "forces" not in m.group(0) and not re.match(
                r"\s+(?:to|as)\s+(?:its\s+|a\s+|the\s+)?(?:\w+\s+){0,2}?(?:manufactur|produc|develop|commerciali|suppl|"
                r"make|partner|cdmo|distribut|run|conduct|lead|host|sponsor|test|evaluat|site|trial)", folded[obj.end:ce]):
            continue  # "selected Y" alone is no partnership
        rest = [c for c in _object_list(folded, cms, obj.start, {COMPANY}, ce)[1:]
                if not c.affiliate_of and c.iri not in (subj.iri, obj.iri)]
        return [subj, obj, *rest]
    for m in re.finditer(r"(?:为|替)\s*(?=\S)|\bfor\s+(?:the\s+)?", folded[cs:ce]):
        at = cs + m.end()
        client = next((c for c in comps if c.start == at), None)
        maker = next((c for c in reversed(comps) if c.end <= cs + m.start()), None)
        if client is None or maker is None or client.iri == maker.iri:
            continue
        if m.group(0).startswith(("为", "替")):
            ok = re.match(r"\s*(?:代工|生产|制造|开发|研发|提供)", folded[client.end:ce]) is not None
        else:  # "Y will manufacture the CAR-T therapy for X": Y is the verb's subject, X right after its object
            ok = re.fullmatch(r"\s+(?:(?:will|would|has|have|is|are|also|to|agreed|agrees)\s+)*(?:manufactur|produc|suppl|mak)"
                              r"\w*\s+(?:[\w-]+\s+){0,5}?for\s+(?:the\s+)?", folded[maker.end:at]) is not None
        if ok:
            return [client, maker]
    for m in re.finditer(r"\b(?:manufactur|produc|suppl|commerciali[sz]|distribut|market)(?:e|es|ing|y|ies)?\s+", folded[cs:ce]):
        # "Y will manufacture X's CAR-T therapy"
        at = cs + m.end()
        owner = next((c for c in comps if c.start == at
                      and re.match(r"(?:'s|’s|'|’)\s", folded[c.end:c.end + 3])), None)
        maker = next((c for c in reversed(comps) if c.end <= cs + m.start()), None)
        if owner is not None and maker is not None and owner.iri != maker.iri and re.fullmatch(
                r"\s+(?:(?:will|would|has|have|is|are|also|to|agreed|agrees)\s+)*", folded[maker.end:cs + m.start()]):
            return [maker, owner]
    by = re.search(r"由\s*(?=\S)", folded[cs:ce])
    if by is not None:
        # "X的CAR-T產品由Y負責商業化": the product's owner and the company that takes it to market.
        at = cs + by.end()
        agent = next((c for c in comps if c.start == at), None)
        owner = next((c for c in reversed(comps) if c.end <= cs + by.start()), None)
        if owner is not None and not re.fullmatch(r"\s*(?:的|旗下)[^,，;；。由]{1,16}?(?:将|已|则|会|均|也)?\s*",
                                                  folded[owner.end:cs + by.start()]):
            owner = None
        if agent is not None and owner is not None and agent.iri != owner.iri and re.match(
                r"[^,，;；。]{0,12}?(?:负责)?[^,，;；。]{0,10}?(?:商业化|销售|经销|推广|代工|生产|制造)", folded[agent.end:ce]):
            return [owner, agent]
    return []


_MAKER = re.compile(r"\s*,?\s*(?:(?:which|who|that)\s+)?(?:(?:will|would|shall|is to|to|also)\s+)*(?:manufactur\w*|produc\w*|"
                    r"make|makes|making|supply|supplies|fill)\b")


def _deal_asset(folded: str, after: _M, ce: int, cms: list[_M], add: Add, parties: tuple[_M, ...],
                types: Mapping[str, str], lead: _M | None = None) -> None:
    """The modality a partnership is about is developed by the partners (the biotech ones, if any); in a
    "X partnered with Y on Z" frame (``lead`` is X) by X alone, unless the text makes the work joint or
    writes Y as the modality's owner."""
    mods = [m for m in cms if m.kind == MODALITY and m.start >= after.end and m.start - after.end <= 90
            and not re.search(r"[;；。]", folded[after.end:m.start])]
    if not mods:
        return
    people = parties
    if any(types.get(p.iri) not in ("PharmaCompany", "CDMO") for p in parties):
        # A big pharma or a CDMO partner funds or makes; the biotech it partners with develops the modality.
        people = tuple(p for p in parties if types.get(p.iri) not in ("PharmaCompany", "CDMO"))
    named = [m for m in cms if m.kind == COMPANY and m.iri in {p.iri for p in parties} and not m.appositive]
    if lead is not None and lead in people and len(people) > 1 and not _CO_WORK.search(
            folded, lead.start, mods[0].start) and _owner(folded, cms, named, mods[0]) is None:
        # h/subj2: the partner of a "with" frame is no developer by being named: the frame's subject is.
        people = (lead,)
    for p in people:
        if p.org_type != COMPANY:
            continue  # a hospital or university partner runs the trial; it does not develop the modality
        if len(people) > 1 and _MAKER.match(folded, p.end, mods[0].start):
            continue  # "…with Y, which will manufacture its AAV vectors": Y makes the partner's product
        if len(people) > 1 and (f := re.match(r"\s*(?:为|替|帮)\s*", folded[p.end:])) and any(
                q.start == p.end + f.end() and re.match(r"\s*(?:代工|代为|生产|制造|量产)", folded[q.end:]) for q in named):
            continue  # "X為Y代工生產CAR-T細胞": X makes Y's product
        # h/rec6t: "…with Y on A, B and C": every modality of the list the deal is about
        for mod in _object_list(folded, cms, mods[0].start, {MODALITY}, ce) or mods[:1]:
            add(p.iri, "develops", mod.iri, "deal-asset", 0.7, (min(x.start for x in parties), mod.end))


# h/deals3: the two parties written as one ("the two companies signed…", "雙方已簽署合作協議"), and a deal word
# after it in the same clause: the description stands for two companies named before it.
_BOTH_DEAL = re.compile(r"(?:双方|两家公司|两家企业|\b(?:both (?:companies|firms|parties)|the two (?:companies|firms|"
                        r"groups|biotechs)|the pair)\b)"
                        r"(?=[^,，;；。]{0,40}?(?:签署|签订|签约|达成|合作|结盟|联盟|授权|许可|终止|结束|解除|"
                        r"\b(?:signed|entered|formed|struck|inked|agreed to (?:collaborat|partner|co-develop|work)|"
                        r"collaborat\w*|partner\w*|teamed|allied|co-develop\w*|ended|terminated|wound down)\b))")


def name_both_parties(folded: str, ms: list[_M], prev_ms: list[_M]) -> None:
    """"X met Y in 2020. The two companies signed a collaboration in 2022." / "X入股Y，雙方簽署合作協議":
    the plural description gets two pronoun mentions, one for each company it stands for, so that every
    deal rule reads it as the list "X and Y". The companies are the two named before it in the sentence,
    or, when the sentence names none before it, the two the previous sentence names (no other count)."""
    for both in _BOTH_DEAL.finditer(folded):
        def named(seq: list[_M], end: int | None = None) -> list[_M]:
            out: dict[str, _M] = {}
            for m in seq:
                if m.kind == COMPANY and m.org_type == COMPANY and not m.pronoun and not m.appositive \
                        and not m.affiliate_of and (end is None or m.end <= end):
                    out.setdefault(m.iri, m)
            return list(out.values())
        here = named(ms, both.start())
        pair = here if here else named(prev_ms)
        if len(pair) != 2 or any(m.kind == COMPANY and m.start >= both.start() and not m.pronoun
                                 and m.iri not in {p.iri for p in pair} for m in ms):
            continue
        at = next((i for i, m in enumerate(ms) if m.start >= both.end()), len(ms))
        a, b = both.start(), both.end()
        # Nothing stands between the two (an empty list gap); the second spans the description.
        ms[at:at] = [_M(a, a, pair[0].iri, COMPANY, pair[0].surface, pair[0].curated, pronoun=True),
                     _M(a, b, pair[1].iri, COMPANY, pair[1].surface, pair[1].curated, pronoun=True)]

