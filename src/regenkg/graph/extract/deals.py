"""Deal rules: acquisition, partnership, licence; and the Deal a fact states (spin-outs, joint ventures and
sales are in :mod:`.transfers`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...records import Sentence
from ..deals import KIND_OF, Deal, DealKind, DealStatus, parse_amount, parse_date
from .clauses import Add, Clause, _object_list, _subject_list
from .mentions import _M
from .patterns import (
    _ACQ_ACTIVE,
    _ACQ_PASSIVE,
    _ITS,
    _LICENSE,
    _LIST_GAP,
    _NOMINAL_DONE,
    _OPTION,
    _PARTNER,
    _PAY_FOR,
    _RIGHTS_OBJECT,
    COMPANY,
    COUNTRY,
    INDICATION,
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
    passive = False
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
        elif trig.group(0).startswith(("acquisition of", "purchase of", "takeover of", "buyout of")):
            # "the acquisition of Y by X"
            targets = [m for m in comps if trig.start() + 14 <= m.start][:1]
            acq = [m for m in comps if m.start >= trig.end()][:1]
        else:
            # Y was acquired by X
            targets = _subject_list(folded, cms, trig.start(), cs) or [
                m for m in comps if m.end <= trig.start()][-1:]
            acq = [m for m in comps if m.start >= trig.end()][:1]
        for a in acq:
            for t in targets:
                # "…被B（Bee）收購，後者又被C併購": the bracketed name stands for the one before it.
                bought = t.affiliate_of or t.iri
                if bought != a.iri:
                    add(a.iri, "acquired", bought, "acquisition-passive", 0.9, (min(t.start, a.start), max(t.end, a.end)))
        passive = passive or bool(acq and targets)
    if passive:
        return
    targets_so_far: dict[int, _M] = {}  # id(target mention) -> its acquirer
    for trig in re.finditer(r"\b(?:became|become|becomes|is now|was made) (?:a )?(?:wholly[- ]owned )?subsidiary of\s+(?:the\s+)?"
                            r"|成为\s*", folded[cs:ce]):
        b = cs + trig.end()
        if trig.group(0).startswith("成为"):
            parent = next((m for m in comps if b <= m.start <= b + 1), None)
            if parent is None or not re.match(r"\s*(?:的)?\s*(?:全资)?(?:子公司|附属公司)", folded[parent.end:]):
                continue
        else:
            parent = next((m for m in comps if b <= m.start <= b + 1), None)
        child = next((m for m in reversed(comps) if m.end <= cs + trig.start()), None)
        if parent is not None and child is not None and parent.iri != child.iri:
            add(parent.iri, "acquired", child.iri, "subsidiary", 0.8, (child.start, parent.end))
    for trig in _PAY_FOR.finditer(folded, cs, ce):
        target = next((m for m in comps if trig.end() <= m.start <= trig.end() + 2), None)
        before = [m for m in comps if m.end <= trig.start() and not m.affiliate_of]
        if target is not None and before and before[-1].iri != target.iri:
            add(before[-1].iri, "acquired", target.iri, "acquisition-pay", 0.8, (before[-1].start, target.end))
    for trig in _ACQ_ACTIVE.finditer(folded, cs, ce):
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
        if not _takes_company(folded, trig, ce):
            continue  # rights (a licence) or a minority stake: not a takeover
        asset = _asset_of(folded, cms, trig.end(), ce) or _bought_from(folded, cms, trig, cs, ce)
        if asset is not None:
            # "Mareth acquired Cobalt Bio's manufacturing site" / "收購Y旗下的細胞製造工廠": Y sold an asset.
            buyer = before[-1]
            if buyer.iri != asset.iri and not buyer.affiliate_of:
                add(asset.iri, "soldTo", buyer.iri, "asset-purchase", 0.8, (buyer.start, asset.end))
            continue
        acquirer = before[-1]
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
            if near is not None and re.fullmatch(r"\s*(?:的)?\s*", folded[near.end:trig.start()]) \
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


# What an acquisition verb takes when it is a licence, beside rights: "拿下Y…的全球授權", "購入Y…的許可".
_LICENCE_OBJECT = re.compile(r"[^,，;；。]{0,40}?(?:授权|许可)(?!协议|合约|费)")


def _takes_company(folded: str, trig: re.Match[str], ce: int) -> bool:
    """Whether an acquisition verb takes a company: not rights (a licence), not a minority stake."""
    if _RIGHTS_OBJECT.match(folded, trig.end(), ce) or _LICENCE_OBJECT.match(folded, trig.end(), ce):
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


def rule_partner(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    ctext = folded[cs:ce]
    lic = _LICENSE.search(ctext)
    joint = _JOINT.search(ctext)
    if not (_PARTNER.search(ctext) or lic or joint):
        if _SERVES.search(ctext):
            _pair_add(folded, ce, cms, add, _joint_pair(folded, cs, ce, comps), clause.types)
        return
    with_pos = re.search(r"\bwith\b|与|和|跟|同", ctext)
    partner_at = next((m.start for m in comps if with_pos and m.start >= cs + with_pos.end()), ce)
    if not lic and any(_takes_company(folded, t, ce) and t.start() < partner_at
                       and not _OPTION.search(folded, max(cs, t.start() - 16), t.end() + 2)
                       for t in _ACQ_ACTIVE.finditer(folded, cs, ce)):
        return  # an acquisition sentence; the acquisition rule owns it (not one told after the partner)
    if lic and _licence(folded, cs, ce, cms, comps, add):
        return
    # Collaboration: "X與Y合作" / "X partnered with Y" / "X and Y signed a collaboration".
    with_m = re.search(r"\bwith\b|与|和|跟|同", ctext)
    if with_m:
        pos = cs + with_m.start()
        left = [m for m in comps if m.end <= pos]
        right = _object_list(folded, cms, pos + len(with_m.group(0)), {COMPANY}, ce)
        right = [m for m in right if not m.affiliate_of]
        if left and right:
            subj = _apposition_head(folded, comps, left[-1])
            for r in right:
                add(subj.iri, "partneredWith", r.iri, "licence-agreement" if lic else "partnership", 0.8,
                    (subj.start, r.end))
                _deal_asset(folded, r, ce, cms, add, (subj, r), clause.types)
            return
    trig = _PARTNER.search(ctext) or lic or joint
    group = _subject_list(folded, cms, cs + trig.start(), cs) if trig is not None else []
    if len(group) < 2 and trig is not None:
        # "X and Y ended their collaboration": two companies joined at the clause's head, the partner word later.
        head = [m for m in comps if m.end <= cs + trig.start()][:2]
        if len(head) == 2 and _LIST_GAP.match(folded[head[0].end:head[1].start]) and \
                not re.search(r"[,，;；]", folded[head[1].end:cs + trig.start()]):
            group = head
    if len(group) < 2:
        group = _joint_pair(folded, cs, ce, comps)
    _pair_add(folded, ce, cms, add, group, clause.types)


def _pair_add(folded: str, ce: int, cms: list[_M], add: Add, group: list[_M], types: Mapping[str, str]) -> None:
    for i, a in enumerate(group):
        for b in group[i + 1:]:
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
_JOINT = re.compile(r"共同(?!创办|创立|创始|持有|持股)|联合(?=开发|研发|推进|推出|进行|执行|申报|开展|生产)|一起|携手|联手|"
                    r"委托|签约|\bjointly\b|\btogether\b|\bjoin(?:s|ed|ing)? forces\b|"
                    r"\bwork(?:s|ed|ing)? (?:closely )?with\b|\bco-(?:develop|commerciali[sz]|promot|fund)\w*")
# One company works for another: makes its product ("Y will manufacture X's therapy", "Y為X代工"), or takes
# it to market ("X的CAR-T產品由Y負責商業化").
_SERVES = re.compile(r"\b(?:manufactur|produc|suppl|mak|commerciali[sz]|distribut|market)(?:e|es|ed|ing|y|ies|ied)?\b|"
                     r"代工|生产|制造|商业化|销售|经销|推广")


def _joint_pair(folded: str, cs: int, ce: int, comps: list[_M]) -> list[_M]:
    """The two partners of a verb frame that has no partnership noun: "X攜手Y", "X委託Y生產", "X tapped Y to
    manufacture", "Y為X代工", "Y will manufacture X's therapy", "X的產品由Y負責商業化"."""
    for m in re.finditer(r"携手|联手|委托|\b(?:join(?:s|ed|ing)? forces with|tapped|selected|chose|engaged|contracted|"
                         r"hired|commissioned)\b", folded[cs:ce]):
        at = cs + m.end()
        obj = next((c for c in comps if at <= c.start <= at + 2), None)
        subj = next((c for c in reversed(comps) if c.end <= cs + m.start()), None)
        if obj is None or subj is None or obj.iri == subj.iri:
            continue
        if m.group(0).isascii() and "forces" not in m.group(0) and not re.match(
                r"\s+(?:to|as)\s+(?:its\s+|a\s+|the\s+)?(?:\w+\s+){0,2}?(?:manufactur|produc|develop|commerciali|suppl|"
                r"make|partner|cdmo|distribut)", folded[obj.end:ce]):
            continue  # "selected Y" alone is no partnership
        return [subj, obj]
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


def _licence(folded: str, cs: int, ce: int, cms: list[_M], comps: list[_M], add: Add) -> bool:
    """Who took a licence from whom. Returns whether a direction was found."""
    ctext = folded[cs:ce]
    licensee = licensor = None
    rule = "licence"

    def before(pos: int) -> list[_M]:
        return [m for m in comps if m.end <= cs + pos]

    def right_after(pos: int, slack: int = 4) -> _M | None:
        return next((m for m in comps if cs + pos <= m.start <= cs + pos + slack), None)

    m_get = re.search(r"获得|取得|获授|拿下|引进|引入|获(?![得批准奖悉益利])", ctext)
    m_from = re.search(r"\bfrom\b|从|自|向", ctext)
    m_to = re.search(r"授权给|授权予|许可给|授予|\bto\b", ctext)
    m_grant = re.search(r"\bgrant(?:s|ed|ing)?\b", ctext)
    m_rights = re.search(r"\b(?:(?:in-)?licen[cs](?:ed|es|ing)|obtain\w*|acquir\w*|gain\w*|secur\w*|receiv\w*|won|wins?|"
                         r"t[ao]ok|takes?|bought|buys?|get|gets|got)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?"
                         r"(?:rights?|licen[cs]e)\s+(?:to|for|on)\s+(?:the\s+)?"
                         r"(?:(?:develop|commerciali[sz]e|manufacture|market|sell|use)(?:\s*,\s*|\s+and\s+|\s+))*|"
                         r"\bin-licen[cs](?:ed|es|ing)\s+(?:the\s+)?", ctext)
    # "X licensed Y's NK cell therapy": the owner is named right after the verb, with a possessive.
    m_poss = re.search(r"\b(?:in-)?licen[cs](?:ed|es|ing)\s+(?=[^\s])", ctext)
    if m_poss is not None:
        owner = right_after(m_poss.end(), 0)
        if owner is None or not re.match(r"(?:'s|’s|'|’)(?:\s|$)", folded[owner.end:owner.end + 3]):
            m_poss = None
    # "Y licensed its CAR-NK cell therapy … to X" / "Y out-licensed … to X": the rights go to X.
    m_out = re.search(r"\b(?:out-)?licen[cs](?:ed|es|ing)\b(?:(?!\bfrom\b|\brights? to\b)[^;])*?\bto\s+(?:the\s+)?", ctext)
    if m_out is not None and right_after(m_out.end(), 2) is None:
        m_out = None
    if m_out is None:
        # "Y licensed Greater China rights to MT-101 to X": the last "to" before a company names the licensee.
        m_out = re.search(r"\b(?:out-)?licen[cs](?:ed|es|ing)\s+(?:[\w-]+\s+){0,4}?rights?\s+(?:to|for|on)\s+"
                          r"(?:[^;,]{0,40}?)\bto\s+(?:the\s+)?", ctext)
        if m_out is not None and right_after(m_out.end(), 2) is None:
            m_out = None
    # "X從Y引進…" / "X自Y取得…": the one named after 從 gives the licence, even when the verb comes later.
    giver: _M | None = None
    froms = list(re.finditer(r"从|(?<![来源])自(?![体主行有身己])|向", ctext[:m_get.start()])) if m_get else []
    # The marker nearest the verb: "X向市場說明：其從A與B獲得…" names A, not what follows the first 向.
    m_zh_from = next((f for f in reversed(froms) if right_after(f.end(), 2) is not None), froms[0] if froms else None)
    if m_zh_from is not None and m_get is not None:
        at, verb = cs + m_zh_from.start(), cs + m_get.start()
        giver = next((m for m in comps if at < m.start and m.end <= verb), None)
        if not before(m_zh_from.start()) or giver is not None and giver.iri == before(m_zh_from.start())[-1].iri:
            giver = None
    m_agree = re.search(r"\b(?:signed|entered(?: into)?|struck|inked|agreed)\b[^.;]{0,40}?\blicen[cs]\w*"
                        r"(?: and \w+)? (?:agreement|deal|pact)\b[^.;]{0,10}?\bwith\b", ctext)
    if m_grant and re.search(r"licen[cs]e|rights?", ctext[m_grant.end():m_grant.end() + 60]):
        # "Merrow granted Tovana an exclusive licence to …": the grantee takes the licence.
        bef, aft = before(m_grant.start()), [m for m in comps if m.start >= cs + m_grant.end()]
        if bef and aft:
            licensor, licensee, rule = bef[-1], aft[0], "licence-grant"
    m_give_to = re.search(r"向\s*(?=\S)", ctext)
    if licensee is None and m_give_to is not None:
        # "博識醫藥向安遠生物授予…許可": 向 names the one who receives what the subject grants.
        to = right_after(m_give_to.end(), 0)
        if to is not None and re.match(r"\s*(?:授予|授权|许可|转让|开放|授出)", folded[to.end:to.end + 4]) and before(m_give_to.start()):
            licensor, licensee, rule = before(m_give_to.start())[-1], to, "licence-grant"
    if licensee is None and m_rights:
        # "Tovana obtained exclusive rights to Merrow's TCR-T programme": the owner named after "rights to".
        bef, own = before(m_rights.start()), right_after(m_rights.end())
        if bef and own is not None:
            licensee, licensor, rule = bef[-1], own, "licence-rights"
        elif bef and len({m.iri for m in comps}) == 2 and not m_rights.group(0).startswith("licen") and not any(
                re.search(r"\b(?:from|to)\s+(?:the\s+)?$", folded[max(cs, m.start - 10):m.start])
                for m in comps if m.start > cs + m_rights.end()):
            # "Y and X entered into an agreement under which X obtains exclusive rights to develop MT-101":
            # the one who obtains the rights takes them from the other party of the clause.
            other = next(m for m in comps if m.iri != bef[-1].iri)
            licensee, licensor, rule = bef[-1], other, "licence-rights"
    if licensee is None:
        # "X paid $50 million for Greater China rights to Y's CAR-T": the owner named with a possessive.
        m_for = re.search(r"\b(?:rights?|licen[cs]e)\s+(?:to|for|on)\s+(?:the\s+)?(?=\S)", ctext)
        own = right_after(m_for.end(), 0) if m_for else None
        if m_for is not None and own is not None and re.match(r"(?:'s|’s|'|’)\s", folded[own.end:own.end + 3]):
            bef = [m for m in before(m_for.start()) if m.iri != own.iri]
            if bef:
                licensee, licensor, rule = bef[-1], own, "licence-rights"
    if licensee is None:
        # "遠岫基因授權青嶺生技在大中華區開發…": the licence verb takes the licensee as its object.
        m_verb = re.search(r"(?:授权|许可)(?!给|予|协议|合约|合同|费|金)", ctext)
        to = right_after(m_verb.end(), 0) if m_verb else None
        if m_verb is not None and to is not None and before(m_verb.start()) and not re.search(
                r"(?:获|获得|取得)\s*$", ctext[max(0, m_verb.start() - 3):m_verb.start()]):
            giver = before(m_verb.start())[-1]
            if re.fullmatch(r"\s*(?:将|已|也|则|同意|宣布|正式|独家)*\s*", folded[giver.end:cs + m_verb.start()]):
                licensor, licensee, rule = giver, to, "licence-grant"
    if licensee is None and m_poss:
        bef = before(m_poss.start())
        if bef:
            licensee, licensor, rule = bef[-1], right_after(m_poss.end(), 0), "licence-rights"
    if licensee is None and m_out:
        bef = [m for m in before(m_out.start()) if not m.pronoun] or before(m_out.start())
        if bef:
            licensor, licensee, rule = bef[-1], right_after(m_out.end(), 2), "licence-out"
    if licensee is None:
        # "X will pay Y $25 million upfront for rights to …": the payer takes the licence.
        m_pay = re.search(r"\b(?:pay|pays|paid|paying)\s+(?:the\s+)?", ctext)
        payee = right_after(m_pay.end(), 0) if m_pay else None
        if m_pay is not None and payee is not None and before(m_pay.start()):
            licensee, licensor, rule = before(m_pay.start())[-1], payee, "licence-pay"
    if licensee is None and m_zh_from is not None and giver is not None:
        licensee, licensor = before(m_zh_from.start())[-1], giver
    if licensee is None and m_get:
        # "啟衡醫藥將獲得瀾嶼生物…權利" / "…簽署授權協議，取得晨璟生技開發的…"
        pos = cs + m_get.start()
        aft = [m for m in comps if m.start >= pos + len(m_get.group(0))]
        bef = [m for m in comps if m.end <= pos]
        near = [m for m in bef if re.fullmatch(r"\s*(?:将|已|可|则|亦|也|将可|会)?\s*", folded[m.end:pos])]
        licensee = near[-1] if near else (bef[0] if bef else None)
        licensor = aft[0] if aft else None
        if licensor is None and licensee is not None and re.match(r"\s*其", folded[pos + len(m_get.group(0)):]):
            # "A與B簽署授權協議，取得其…技術": 其 is the partner A signed with.
            licensor = next((m for m in reversed(bef) if m.iri != licensee.iri), None)
        if licensee is not None and licensor is not None and licensee.iri == licensor.iri:
            licensor = next((m for m in bef if m.iri != licensee.iri), None)
        if licensee is not None and licensor is None and re.search(r"与|和|跟|同|\bwith\b", folded[cs:pos]):
            # "A與B簽署授權協議，A獲得…權益": the licence comes from the one A signed with.
            licensor = next((m for m in reversed(bef) if m.iri != licensee.iri), None)
    elif licensee is None and m_from:
        pos = cs + m_from.start()
        bef = [m for m in comps if m.end <= pos]
        aft = [m for m in comps if m.start >= pos + len(m_from.group(0))]
        if bef and aft:
            licensee, licensor = bef[0], aft[0]
            if re.search(r"\b(?:receiv\w*|gets?|collect\w*|earn\w*)\b[^.;]{0,40}\$", ctext[:m_from.start()]):
                licensee, licensor = licensor, licensee  # "X will receive $30 million from Y under a licence"
    elif licensee is None and m_agree:
        # "Halvard Biologics signed a licence agreement with Lumenfold": the signer takes the licence.
        pos = cs + m_agree.end()
        bef = [m for m in comps if m.end <= cs + m_agree.start()]
        aft = [m for m in comps if m.start >= pos]
        if bef and aft:
            licensee, licensor, rule = bef[-1], aft[0], "licence-agreement"
    elif licensee is None and m_to and "\u4e00" <= ctext[m_to.start()] <= "\u9fff":
        pos = cs + m_to.start()
        # "Y將其療法Z…授權給X": what stands after 將/把 is the thing licensed; the licensor is the one before it.
        jiang = max(folded.rfind("将", cs, pos), folded.rfind("把", cs, pos))
        bef = [m for m in comps if m.end <= (jiang if jiang >= 0 and any(m.end <= jiang for m in comps) else pos)]
        aft = [m for m in comps if m.start >= pos]
        if bef and aft:
            licensor, licensee = bef[-1], aft[0]
    if licensee is None or licensor is None or licensee.iri == licensor.iri:
        return False
    # "X從A和B獲得…授權" / "licensed … from A and B": every licensor of a list.
    for giver in [licensor] + _object_list(folded, cms, licensor.start, {COMPANY}, ce)[1:]:
        if giver.iri == licensee.iri or giver.affiliate_of:
            continue
        add(licensee.iri, "licensedFrom", giver.iri, rule, 0.85,
            (min(licensee.start, giver.start), max(licensee.end, giver.end)))
        _licence_asset(folded, cs, ce, cms, add, licensee, giver)
    return True

def _licence_asset(folded: str, cs: int, ce: int, cms: list[_M], add: Add, licensee: _M, licensor: _M) -> None:
    """What a licence is about: the licensor develops the modality and targets its indication; the
    licensee works in the territory ("rights … in Greater China", "大中華區獨家權益")."""
    span = (min(licensee.start, licensor.start), max(licensee.end, licensor.end))
    mods = [m for m in cms if m.kind == MODALITY and cs <= m.start and m.end <= ce]
    chosen: list[_M] = []
    if mods and licensor.org_type == COMPANY:
        mod = min(mods, key=lambda m: (m.start < licensor.start, abs(m.start - licensor.end)))
        # The asset is the licensor's when it is written as such: "Y's TCR-T", "Y的CAR-T平台", "licensed its
        # CAR-NK … to X" (the licensor speaking of its own), "rights to Y's …".
        own = re.fullmatch(r"(?:'s|’s|'|’)?\s*(?:[\w-]+\s+){0,3}|\s*(?:的|旗下|开发的|研发的)?\s*[^,，;；\s]{0,8}",
                           folded[licensor.end:mod.start]) if mod.start >= licensor.end else None
        its = _ITS.search(folded, max(cs, mod.start - 24), mod.start)
        # "its" is the licensor's when the licensor speaks ("Y licensed its …"), or after a verb of taking
        # ("X取得其通用型CAR-T技術": 其 is the one X takes it from).
        taken = its is not None and re.search(r"(?:获得|取得|获授|引进|引入|拿下)\s*$", folded[max(cs, its.start() - 3):its.start()])
        # "licensed a TCR-T programme from Tessaly Bio": the asset named as coming from the licensor.
        came = mod.end <= licensor.start and re.fullmatch(r"[^,;，；]{0,30}?\bfrom\s+(?:the\s+)?|[^,;，；]{0,6}?(?:从|自|来自)\s*",
                                                          folded[mod.end:licensor.start])
        mine = own is not None or bool(came) or (its is not None and (licensor.start < licensee.start or bool(taken)))
        # "licensed Y's platform to develop CAR-T": the licensee's own programme, not the licensor's.
        if mine and not re.search(r"\bto (?:develop|make|build|create)\b|用于开发|用来开发|以开发|来开发",
                                  folded[span[1]:mod.start]):
            chosen = [mod]
    for mod in chosen:
        add(licensor.iri, "develops", mod.iri, "licence-asset", 0.7, (span[0], max(span[1], mod.end)))
        for ind in cms:
            if ind.kind == INDICATION and ind.start >= mod.end and re.fullmatch(
                    r"[^,，;；]{0,24}?(?:\bfor\b|\bin\b|用于|治疗|针对)\s*(?:the\s+)?(?:treatment of\s+)?",
                    folded[mod.end:ind.start]):
                add(licensor.iri, "targets", ind.iri, "licence-asset", 0.7, (span[0], max(span[1], ind.end)))
    for place in cms:
        if place.kind != COUNTRY or not cs <= place.start < ce:
            continue
        lead, tail = folded[max(cs, place.start - 12):place.start], folded[place.end:place.end + 16]
        if re.match(r"\s*(?:以外|之外|除外)", tail) or re.search(r"\b(?:outside|excluding|except)\s+(?:the\s+)?$", lead):
            continue
        if re.search(r"(?:\bin|\bfor|\bwithin|\bacross|在|于)\s*(?:the\s+)?$", lead) or re.match(
                r"\s*(?:的)?\s*(?:独家|全部|所有)?\s*(?:的)?\s*(?:开发|商业化|生产|销售|临床)?\s*(?:和|及|与|、)?\s*"
                r"(?:开发|商业化|生产|销售)?\s*(?:权益|权利|权|市场|授权|许可)", tail):
            add(licensee.iri, "operatesIn", place.iri, "licence-territory", 0.7,
                (min(span[0], place.start), max(span[1], place.end)))


def _deal_asset(folded: str, after: _M, ce: int, cms: list[_M], add: Add, parties: tuple[_M, ...],
                types: Mapping[str, str]) -> None:
    """The modality a partnership is about is developed by the partners (the biotech ones, if any)."""
    mods = [m for m in cms if m.kind == MODALITY and m.start >= after.end and m.start - after.end <= 90
            and not re.search(r"[;；。]", folded[after.end:m.start])]
    if not mods:
        return
    people = parties
    if any(types.get(p.iri) not in ("PharmaCompany", "CDMO") for p in parties):
        # A big pharma or a CDMO partner funds or makes; the biotech it partners with develops the modality.
        people = tuple(p for p in parties if types.get(p.iri) not in ("PharmaCompany", "CDMO"))
    for p in people:
        if p.org_type != COMPANY:
            continue  # a hospital or university partner runs the trial; it does not develop the modality
        add(p.iri, "develops", mods[0].iri, "deal-asset", 0.7, (min(x.start for x in parties), mods[0].end))
