"""Licence frames: who took a licence from whom, and what the licence is about (asset and territory)."""

from __future__ import annotations

import re

from .clauses import Add, _object_list
from .mentions import _M
from .patterns import _COMPANY_WORDS, _ITS, COMPANY, COUNTRY, INDICATION, MODALITY


def _licence(folded: str, cs: int, ce: int, cms: list[_M], comps: list[_M], add: Add) -> bool:
    """Who took a licence from whom. Returns whether a direction was found."""
    ctext = folded[cs:ce]
    licensee = licensor = None
    rule = "licence"

    def before(pos: int) -> list[_M]:
        return [m for m in comps if m.end <= cs + pos]

    def right_after(pos: int, slack: int = 4) -> _M | None:
        return next((m for m in comps if cs + pos <= m.start <= cs + pos + slack), None)

    back = _returned(folded, cs, ce, comps)
    if back is not None:
        licensee, licensor = back
        for_rule = "licence-returned"
        add(licensee.iri, "licensedFrom", licensor.iri, for_rule, 0.8,
            (min(licensee.start, licensor.start), max(licensee.end, licensor.end)))
        return True
    m_get = re.search(r"获得|取得|获授|拿下|引进|引入|获(?![得批准奖悉益利])", ctext)
    m_from = re.search(r"\bfrom\b|从|(?<![来源])自(?![体主行有身己])|向", ctext)  # not 自主研發 (own R&D)
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
    # "Y licensed / agreed to license / will license its M to X"
    m_out = re.search(r"(?:\b(?:out-)?licen[cs](?:ed|es|ing)|\b(?:to|will)\s+(?:out-)?licen[cs]e)\b"
                      r"(?:(?!\bfrom\b|\brights? to\b)[^;])*?\bto\s+(?:the\s+)?", ctext)
    if m_out is not None and right_after(m_out.end(), 2) is None:
        m_out = None
    if m_out is None:
        # "Y licensed Greater China rights to MT-101 to X": the last "to" before a company names the licensee.
        m_out = re.search(r"\b(?:out-)?licen[cs](?:ed|es|ing)\s+(?:[\w-]+\s+){0,6}?rights?\s+(?:to|for|on)\s+"
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
    m_gives = re.search(r"\b(?:gives?|gave|giving|grants?|granted|granting|hands?|handed)\s+(?:the\s+)?(?=\S)", ctext)
    got = right_after(m_gives.end(), 0) if m_gives else None
    if licensee is None and m_gives is not None and got is not None and re.match(
            r"\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?(?:rights?|licen[cs]e)\b", folded[got.end:ce]):
        # "The deal gives X exclusive rights to develop NV-101, Y's CAR-T": X takes them from Y (or from the
        # company that gives them)
        giver_before = [m for m in before(m_gives.start()) if m.iri != got.iri]
        owner = next((m for m in comps if got.end < m.start < got.end + 120 and m.iri != got.iri
                      and re.match(r"(?:'s|’s|'|’)\s", folded[m.end:m.end + 3])
                      and not re.search(r",\s*and\b|\bits own\b", folded[got.end:m.start])), None)
        if giver_before or owner is not None:
            licensor, licensee, rule = (giver_before[-1] if giver_before else owner), got, "licence-grant"
    m_give_to = re.search(r"向\s*(?=\S)", ctext)
    if licensee is None and m_give_to is not None:
        # "博識醫藥向安遠生物授予…許可": 向 names the one who receives what the subject grants.
        to = right_after(m_give_to.end(), 0)
        if to is not None and re.match(r"\s*(?:授予|授权|许可|转让|开放|授出)", folded[to.end:to.end + 4]) and before(m_give_to.start()):
            licensor, licensee, rule = before(m_give_to.start())[-1], to, "licence-grant"
    if licensee is None:
        # "X will pay up to $900 million in milestones to Y under a deal for rights to its CAR-T": the payer
        # takes the licence from the one paid (whose "its" the pronoun is).
        m_pay_to = re.search(r"\b(?:pay|pays|paid|paying)\b", ctext)
        payee = next((p for t in re.finditer(r"\bto\s+(?:the\s+)?(?=\S)", ctext[:m_pay_to.end() + 80])
                      if t.start() > m_pay_to.start() and (p := right_after(t.end(), 0)) is not None),
                     None) if m_pay_to else None  # not the "to" of "up to $900 million"
        payer = before(m_pay_to.start()) if m_pay_to else []
        if payee is not None and payer and payer[-1].iri != payee.iri:
            licensee, licensor, rule = payer[-1], payee, "licence-pay"
    if licensee is None and m_rights:
        # "Tovana obtained exclusive rights to Merrow's TCR-T programme": the owner named after "rights to".
        bef, own = before(m_rights.start()), right_after(m_rights.end())
        if bef and own is not None and own.iri == bef[-1].iri:
            own = None  # "Y licensed … rights to its therapy to X": the owner's own rights go out, to X below
            bef = []
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
        m_for = re.search(r"\b(?:rights?|licen[cs]e|licen[cs](?:e|ing) (?:deal|agreement|pact))\s+(?:to|for|on)\s+"
                          r"(?:the\s+)?(?=\S)", ctext)
        own = right_after(m_for.end(), 0) if m_for else None
        if m_for is not None and own is not None and (re.match(r"(?:'s|’s|'|’)\s", folded[own.end:own.end + 3])
                                                      or own.pronoun and folded[own.start:own.end] in ("its", "their")):
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
            # h/deals3: "青嶺生技終止授權遠岫基因開發…": an ended licence keeps its direction (its status says it ended).
            if re.fullmatch(r"\s*(?:将|已|也|则|同意|宣布|正式|独家|终止|结束|解除|停止|取消|中止)*\s*",
                            folded[giver.end:cs + m_verb.start()]):
                licensor, licensee, rule = giver, to, "licence-grant"
    if licensee is None and m_poss:
        bef = before(m_poss.start())
        if bef:
            licensee, licensor, rule = bef[-1], right_after(m_poss.end(), 0), "licence-rights"
    if licensee is None and m_out:
        bef = [m for m in before(m_out.start()) if not m.pronoun] or before(m_out.start())
        licensor = _out_licensor(folded, comps, bef[-1], cs + m_out.start()) if bef else None
        if licensor is not None:
            licensee, rule = right_after(m_out.end(), 2), "licence-out"
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
            if re.match(r"[^.;]{0,30}?\b(?:for|covering|on|involving|over)\s+(?:its|their)\b", folded[aft[0].end:ce]) and \
                    not re.match(r"(?:'s|’s|'|’)\s", folded[aft[0].end:aft[0].end + 3]):
                # "X struck a licensing agreement with Y for its NK platform": the signer's own asset goes out.
                licensee, licensor = licensor, licensee
    elif licensee is None and m_to and "\u4e00" <= ctext[m_to.start()] <= "\u9fff":
        pos = cs + m_to.start()
        # "Y將其療法Z…授權給X": what stands after 將/把 is the thing licensed; the licensor is the one before it.
        jiang = max(folded.rfind("将", cs, pos), folded.rfind("把", cs, pos))
        bef = [m for m in comps if m.end <= (jiang if jiang >= 0 and any(m.end <= jiang for m in comps) else pos)]
        aft = [m for m in comps if m.start >= pos]
        # "A與B簽署授權合約，將…權利授權給B": the licensor is the other party, not the B named with 與.
        bef = [m for m in bef if not aft or m.iri != aft[0].iri]
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

# h/prec6: "P has been licensed to Y", "X's P was licensed to Y": the passive's subject is the asset; its
# licensor is the owner written before it, if any. "P, which it licensed to Y": the relative clause's subject.
_PASSIVE = re.compile(r"(?:\s+[a-z][\w-]*){0,3}?\s+(?:(?:is|are|was|were|has|have|had|been|being|also|now|since|\w+ly)\s+)*"
                      r"(?:is|are|was|were|been|being)\s+(?:\w+\s+)?")
_OWNER_OF = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+|\s*,\s*whose\s+|\s*(?:的|旗下的?)\s*")
_WHICH_IT = re.compile(r"\s*,\s*(?:which|that)\s+")


def _out_licensor(folded: str, comps: list[_M], named: _M, verb: int) -> _M | None:
    """Who gives the licence of "… licensed … to Y", ``named`` being the last name before the verb."""
    it = next((m for m in comps if m.pronoun and named.end < m.start and m.end <= verb), None)
    if it is not None and _WHICH_IT.fullmatch(folded, named.end, it.start) and not named.curated:
        return it
    # "Velantra technology has been licensed to Y": a brand the passive's subject names (not a company's name, as
    # in "Novartis technology …", where the company is the owner)
    if named.curated or _COMPANY_WORDS.search(named.surface) or not _PASSIVE.fullmatch(folded, named.end, verb):
        return named
    return next((m for m in comps if m.end <= named.start and not m.pronoun and m.iri != named.iri
                 and _OWNER_OF.fullmatch(folded, m.end, named.start)), None)


# h/deals3: rights handed back end a licence. The one who gives them back was the licensee; the one who
# regains them, the licensor.
_GIVE_BACK = re.compile(r"\b(?:returned|returns|returning|handed back|hands back|gave back|gives back)\b"
                        r"(?=[^;,]{0,60}?\brights?\b)|(?:归还|交还|退还|退回|返还)(?:给|予)?")
_TAKE_BACK = re.compile(r"\b(?:regain\w*|reacquir\w*|took back|takes back|recover\w*|reclaim\w*)\b"
                        r"(?=[^;,]{0,60}?\brights?\b)|收回|取回|拿回|重新取得")


def _returned(folded: str, cs: int, ce: int, comps: list[_M]) -> tuple[_M, _M] | None:
    """(licensee, licensor) of a licence whose rights go back: "X returned the rights to M to Y" / "X將…權利歸還給Y"
    (X took the licence from Y); "Y regained the rights to M from X" / "Y從X收回…權利" (Y gave it)."""
    for pat, giver_first in ((_GIVE_BACK, True), (_TAKE_BACK, False)):
        hit = pat.search(folded, cs, ce)
        if hit is None:
            continue
        subj = next((m for m in reversed(comps) if m.end <= hit.start()
                     and not re.search(r"[,，;；]", folded[m.end:hit.start()])), None)
        if giver_first:
            # "… to Y" / "歸還給Y": the company after the verb's last "to", or right after 給.
            to = list(re.finditer(r"\bto\s+(?:the\s+)?|给\s*|予\s*", folded[hit.start():ce]))
            other = next((m for t in reversed(to) for m in comps if m.start == hit.start() + t.end()), None)
        else:
            frm = re.search(r"\bfrom\s+(?:the\s+)?", folded[hit.end():ce])
            other = next((m for m in comps if frm is not None and m.start == hit.end() + frm.end()), None)
            if other is None:
                # "Y從X收回…權利": the one after 從/自/向 before the verb.
                other = next((m for m in comps if m.end <= hit.start() and re.search(
                    r"(?:从|自|向)\s*$", folded[max(cs, m.start - 2):m.start])), None)
                if other is not None:
                    subj = next((m for m in reversed(comps) if m.end <= other.start), None)
        if subj is None or other is None or subj.iri == other.iri:
            continue
        return (subj, other) if giver_first else (other, subj)
    return None


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
                r"\s+(?:(?:exclusive|development|commercial|commerciali[sz]ation|marketing|and)\s+)*(?:rights|licen[cs]e)\b",
                tail) or re.match(
                r"\s*(?:的)?\s*(?:独家|全部|所有)?\s*(?:的)?\s*(?:开发|商业化|生产|销售|临床)?\s*(?:和|及|与|、)?\s*"
                r"(?:开发|商业化|生产|销售)?\s*(?:权益|权利|权|市场|授权|许可)", tail):
            add(licensee.iri, "operatesIn", place.iri, "licence-territory", 0.7,
                (min(span[0], place.start), max(span[1], place.end)))
