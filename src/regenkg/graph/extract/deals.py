"""Deal rules: acquisition, partnership, licence, spin-out, joint venture, sale; and the Deal a fact states."""

from __future__ import annotations

import re

from ...records import Sentence
from ..deals import KIND_OF, Deal, parse_amount, parse_date
from .clauses import Add, Clause, _object_list, _subject_list
from .mentions import _M
from .patterns import (
    _ACQ_ACTIVE,
    _ACQ_PASSIVE,
    _JV,
    _LICENSE,
    _LIST_GAP,
    _NOMINAL_DONE,
    _OPTION,
    _PARTNER,
    _PAY_FOR,
    _SALE,
    _SPIN,
    COMPANY,
    MODALITY,
)


def build_deal(pred: str, s: str, o: str, status: str, rule: str, sent: Sentence, clause: str) -> Deal:
    kind, rs, ro = KIND_OF[pred]
    if rule.startswith("option"):
        kind = "Option"
    amount = parse_amount(clause, sent.lang)
    return Deal(kind, status, ((rs, s), (ro, o)), sent.id, sent.doc_id, rule,  # type: ignore[arg-type]
                amount[0] if amount else None, amount[1] if amount else None, amount[2] if amount else None,
                parse_date(clause))


def rule_acquisition(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY]
    if len(comps) < 2:
        return
    for trig in _ACQ_PASSIVE.finditer(folded, cs, ce):
        if trig.group(0) in ("被", "遭"):
            # Y被X收購
            if not _ACQ_ACTIVE.search(folded, trig.end(), ce):
                continue
            targets = _subject_list(folded, cms, trig.start(), cs)
            acq = [m for m in comps if m.start >= trig.end()][:1]
        else:
            # Y was acquired by X
            targets = _subject_list(folded, cms, trig.start(), cs) or [
                m for m in comps if m.end <= trig.start()][-1:]
            acq = [m for m in comps if m.start >= trig.end()][:1]
        for a in acq:
            for t in targets:
                add(a.iri, "acquired", t.iri, "acquisition-passive", 0.9,
                    (min(t.start, a.start), max(t.end, a.end)))
        if acq and targets:
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
        option = _OPTION.search(folded, max(cs, trig.start() - 16), trig.end() + 2)
        if option and re.search(r"\bexercis\w*\s+(?:its|an|the|their)?\s*$|行使", folded[max(cs, option.start() - 20):option.start()]):
            option = None  # an exercised option is the acquisition itself
        nominal = _NOMINAL_DONE.search(folded[max(cs, trig.start() - 40):trig.end()])
        rule = "option" if option else ("acquisition-nominal" if nominal else "acquisition")
        if re.search(r",\s*which (?:it|they) (?:had )?$", folded[max(cs, trig.start() - 20):trig.start()]):
            # "Y, which it bought in 2020": the acquirer is the sentence's subject, the target the noun before.
            subj = next((m for m in comps if m.iri != before[-1].iri), None)
            if subj is not None:
                add(subj.iri, "acquired", before[-1].iri, "acquisition-nominal", 0.8, (subj.start, trig.end()))
            continue
        acquirer = before[-1]
        # "先後在2019年收購A、2022年收購B": B's buyer is A's buyer, not A.
        while id(acquirer) in targets_so_far:
            acquirer = targets_so_far[id(acquirer)]
        if acquirer.affiliate_of:
            continue
        between = folded[acquirer.end:trig.start()]
        if len(between) > 80 or re.search(r"[;；。]", between):
            continue
        targets = _object_list(folded, cms, trig.end(), {COMPANY}, ce)
        held = re.match(r"[^,，;；。]{0,12}?持有的\s*", folded[targets[0].end:]) if targets else None
        if held:
            # "受讓科潤醫藥持有的瑞晟基因全部股權": the company whose shares change hands is the target.
            owned = next((m for m in comps if m.start >= targets[0].end + held.end()), None)
            targets = [owned] if owned is not None else []
        for t in targets:
            targets_so_far[id(t)] = acquirer
            add(acquirer.iri, "acquired", t.iri, rule, 0.9, (acquirer.start, t.end))


def rule_partner(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    ctext = folded[cs:ce]
    lic = _LICENSE.search(ctext)
    if not (_PARTNER.search(ctext) or lic):
        return
    if _ACQ_ACTIVE.search(ctext) and not lic:
        return  # an acquisition sentence; the acquisition rule owns it
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
            subj = left[-1]
            for r in right:
                add(subj.iri, "partneredWith", r.iri, "licence-agreement" if lic else "partnership", 0.8,
                    (subj.start, r.end))
                _deal_asset(folded, r, ce, cms, add, (subj, r))
            return
    trig = _PARTNER.search(ctext) or lic
    if trig is None:
        return
    group = _subject_list(folded, cms, cs + trig.start(), cs)
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            add(a.iri, "partneredWith", b.iri, "partnership", 0.75, (a.start, b.end))
    if len(group) >= 2:
        _deal_asset(folded, group[-1], ce, cms, add, tuple(group))


def _licence(folded: str, cs: int, ce: int, cms: list[_M], comps: list[_M], add: Add) -> bool:
    """Who took a licence from whom. Returns whether a direction was found."""
    ctext = folded[cs:ce]
    licensee = licensor = None
    rule = "licence"
    m_get = re.search(r"获得|取得|获授|拿下|引进|引入", ctext)
    m_from = re.search(r"\bfrom\b|从|自|向", ctext)
    m_to = re.search(r"授权给|授权予|许可给|授予|\bto\b", ctext)
    m_grant = re.search(r"\bgrant(?:s|ed|ing)?\b", ctext)
    m_rights = re.search(r"\b(?:in-)?licen[cs](?:ed|es|ing)\s+(?:\w+\s+){0,3}?rights?\s+(?:to|for)\s+|"
                         r"\bin-licen[cs](?:ed|es|ing)\s+(?:the\s+)?", ctext)
    m_agree = re.search(r"\b(?:signed|entered(?: into)?|struck|inked|agreed)\b[^.;]{0,40}?\blicen[cs]\w*"
                        r"(?: and \w+)? (?:agreement|deal|pact)\b[^.;]{0,10}?\bwith\b", ctext)
    if m_grant and re.search(r"licen[cs]e", ctext[m_grant.end():m_grant.end() + 60]):
        # "Merrow granted Tovana an exclusive licence to …": the grantee takes the licence.
        pos = cs + m_grant.end()
        bef = [m for m in comps if m.end <= cs + m_grant.start()]
        aft = [m for m in comps if m.start >= pos]
        if bef and aft:
            licensor, licensee, rule = bef[-1], aft[0], "licence-grant"
    elif m_rights:
        # "Tovana licensed rights to Merrow's TCR-T programme": the owner named after "rights to".
        pos = cs + m_rights.end()
        bef = [m for m in comps if m.end <= cs + m_rights.start()]
        aft = [m for m in comps if m.start >= pos and m.start - pos <= 4]
        if bef and aft:
            licensee, licensor, rule = bef[-1], aft[0], "licence-rights"
    elif m_get:
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
    elif m_from:
        pos = cs + m_from.start()
        bef = [m for m in comps if m.end <= pos]
        aft = [m for m in comps if m.start >= pos + len(m_from.group(0))]
        if bef and aft:
            licensee, licensor = bef[0], aft[0]
            if re.search(r"\b(?:receiv\w*|gets?|collect\w*|earn\w*)\b[^.;]{0,40}\$", ctext[:m_from.start()]):
                licensee, licensor = licensor, licensee  # "X will receive $30 million from Y under a licence"
    elif m_agree:
        # "Halvard Biologics signed a licence agreement with Lumenfold": the signer takes the licence.
        pos = cs + m_agree.end()
        bef = [m for m in comps if m.end <= cs + m_agree.start()]
        aft = [m for m in comps if m.start >= pos]
        if bef and aft:
            licensee, licensor, rule = bef[-1], aft[0], "licence-agreement"
    elif m_to and "\u4e00" <= ctext[m_to.start()] <= "\u9fff":
        pos = cs + m_to.start()
        bef = [m for m in comps if m.end <= pos]
        aft = [m for m in comps if m.start >= pos]
        if bef and aft:
            licensor, licensee = bef[-1], aft[0]
    if licensee is None or licensor is None or licensee.iri == licensor.iri:
        return False
    add(licensee.iri, "licensedFrom", licensor.iri, rule, 0.85,
        (min(licensee.start, licensor.start), max(licensee.end, licensor.end)))
    _deal_asset(folded, licensee, ce, cms, add, (licensee, licensor), owner=licensor)
    return True


def _deal_asset(folded: str, after: _M, ce: int, cms: list[_M], add: Add, parties: tuple[_M, ...],
                owner: _M | None = None) -> None:
    """The modality a deal is about is developed by its owner (the licensor) or by the partners."""
    mods = [m for m in cms if m.kind == MODALITY and m.start >= after.end and m.start - after.end <= 90
            and not re.search(r"[;；。]", folded[after.end:m.start])]
    if not mods:
        return
    for p in ((owner,) if owner is not None else parties):
        if p.org_type != COMPANY:
            continue  # a hospital or university partner runs the trial; it does not develop the modality
        add(p.iri, "develops", mods[0].iri, "deal-asset", 0.7, (min(x.start for x in parties), mods[0].end))


def rule_spinout(clause: Clause, add: Add) -> None:
    """"X, which was spun out of Y" / "X (a spin-out of Y)" / "X由Y衍生成立" / "X從Y分拆成立": X spunOutFrom Y."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.with_appositives
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2:
        return
    for trig in _SPIN.finditer(folded, cs, ce):
        if trig.group(0) in ("脱胎于", "脱胎自", "孵化自", "衍生自", "分拆自", "源自"):
            # "X脫胎於北湖大學": the parent follows the verb.
            parent = next((m for m in comps if trig.end() <= m.start <= trig.end() + 2), None)
            child = next((m for m in reversed(comps) if m.end <= trig.start()), None)
            if parent is not None and child is not None and parent.iri != child.iri:
                add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (child.start, parent.end))
            continue
        if re.match(r"[\u4e00-\u9fff]", trig.group(0)):
            prep = None
            for pm in re.finditer(r"由|从|自|是", folded[cs:trig.start()]):
                prep = cs + pm.start()
            if prep is None:
                continue
            parents = [m for m in comps if prep < m.start and m.end <= trig.start()]
            children = [m for m in comps if m.end <= prep]
            if parents and children:
                add(children[-1].iri, "spunOutFrom", parents[-1].iri, "spin-out", 0.8,
                    (children[-1].start, trig.end()))
            continue
        after = re.match(r"(?:\s+(?:out|off))?\s+(?:of|from)\s+", folded[trig.end():trig.end() + 12])
        if not after:
            continue
        parent = next((m for m in comps if m.start >= trig.end() and m.start - trig.end() <= 16), None)
        child = next((m for m in reversed(comps) if m.end <= trig.start() and re.fullmatch(
            r"(?:\s*,)?\s*(?:which|that|who)?\s*(?:was|were|is|has been|had been)?\s*|"
            r"(?:\s*,)?\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:company|biotech|firm|start-?up|unit)?\s*"
            r"(?:that was|which was)?\s*|\s*[(（]\s*(?:a|an|the)?\s*", folded[m.end:trig.start()])), None)
        if parent and child and parent.iri != child.iri:
            add(child.iri, "spunOutFrom", parent.iri, "spin-out", 0.8, (child.start, parent.end))


def rule_joint_venture(clause: Clause, add: Add) -> bool:
    """"A與B合資成立C" / "A and B formed a joint venture" / "A set up a joint venture with B"."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    trig = _JV.search(folded, cs, ce)
    if not trig:
        return False
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    group = _subject_list(folded, cms, trig.start(), cs)
    if len(group) == 1 and re.search(r"[与和跟同]\s*$", folded[max(cs, group[0].start - 2):group[0].start]):
        lead = [m for m in comps if m.end <= group[0].start - 1 and m.iri != group[0].iri]
        if lead:
            group = [lead[-1], group[0]]  # "Kite在中國則與復星醫藥合資成立…"
    if len(group) < 2:
        first = [m for m in comps if m.end <= trig.start()]
        with_m = re.search(r"\bwith\b|与|和|同", folded[trig.end():ce]) or re.search(r"\bwith\b", folded[cs:trig.start()])
        if first and with_m:
            pos = (trig.end() if with_m.start() + trig.end() < ce and with_m.string is folded else cs) + with_m.end()
            other = next((m for m in comps if m.start >= pos and m.iri != first[0].iri), None)
            group = [first[0], other] if other else []
        elif len(first) >= 2 and _LIST_GAP.match(folded[first[-2].end:first[-1].start]):
            group = first[-2:]
    if len(group) < 2:
        return False
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            add(a.iri, "jointVentureWith", b.iri, "joint-venture", 0.8, (a.start, max(b.end, trig.end())))
    return True


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
