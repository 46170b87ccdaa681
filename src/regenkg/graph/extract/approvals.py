"""Regulatory events in a sentence: approvals, filings, conditional approvals and reimbursement listings.

:func:`sentence_approvals` reads one sentence's mentions (after coreference) around the regulatory words
and returns :class:`~..approvals.Approval` records: the status from the trigger word of its own clause
(a plan, an expectation or a denial gives no event), the product nearest the trigger, the companies by
role (a company "marketed by"/"负责销售" is the marketer, the product's owner and the others the developers),
the agency (its country with it) or a country the clause puts the decision in, the indications and
modalities named, the clause's date, and whether it is called the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ...records import Sentence
from ..approvals import AGENCIES, Approval, ApprovalStatus, find_agencies
from ..deals import parse_date
from ..ontology import resource, slugify
from .mentions import _M
from .patterns import _DIGIT_COMMA, COMPANY, COUNTRY, INDICATION, MODALITY, THOUSANDS, _fold

__all__ = ["sentence_approvals"]

_COUNTRY_NS = "https://w3id.org/regenkg/id/country/"

# Trigger words (folded text). A marketing application is a filing; "the application was approved" is not.
_FILED = re.compile(r"上市申请|上市许可申请|药证申请|查验登记|递交|提交|送件|提出[^，,。；;]{0,8}申请|申请上市|申请[^，,。；;]{0,6}(?:药证|许可)|"
                    r"受理|\bsubmit(?:s|ted|ting)?\b|\bsubmission\b|\bfil(?:ed|es|ing)\b|\bapplied for\b|"
                    r"\baccepted (?:the |its |a )?(?:bla|nda|maa|application|filing)\b")
# What a filing must be about: a marketing application, not a trial (IND) or a patent.
_FILING_OBJECT = re.compile(r"(?<![a-z0-9])(?:s?bla|s?nda|j?nda|maa)(?![a-z0-9])|marketing (?:authori[sz]ation )?application|"
                            r"\bapplication for (?:\w+ ){0,2}(?:approval|authori[sz]ation)|\bapproval\b|\bfor approval\b|"
                            r"上市|药证|许可|查验登记|核准|批准|承认申请|制造贩卖|製造販売")
_NOT_FILING = re.compile(r"(?<![a-z0-9])ind(?![a-z0-9])|临床试验申请|\bpatent|专利|\bipo\b|招股|\bfor bankruptcy\b|破产|\blawsuit|诉讼|\bsuit\b")
_CONDITIONAL = re.compile(r"附条件|有条件|附加条件|条件(?:及|和|与)?期限|\bconditional(?:ly)?\b|\btime-limited\b")
_APPROVED = re.compile(r"获批|获准|核准|批准|取得[^，,。；;]{0,12}(?:许可|药证)|获得[^，,。；;]{0,12}(?:许可|药证)|上市许可(?!申请)|"
                       r"拿到药证|药证|许可证|\bapprov(?:ed|al|als|es)\b|\bcleared\b|\bclearance\b|"
                       r"\bauthori[sz](?:ed|ation)\b|\bgreen(?:-| )?l(?:ight|it)\b")
_REIMBURSED = re.compile(r"纳入[^，,。；;]{0,6}给付|健保给付|给付|纳入[^，,。；;]{0,6}医保|医保目录|进入医保|医保报销|"
                         r"\breimburs\w*|\b(?:insurance |nhi )?coverage\b|\bnational health insurance\b")
# A plan, an expectation, a wish or a refusal: no event (folded text up to the trigger, in its clause).
_HEDGE = re.compile(r"尚未|未获|未能|未被|不予|驳回|拒绝|预计|预期|有望|计划|拟|将于|将向|将在|争取|期望|希望|目标|准备|若|如果|一旦|"
                    r"\bnot\b|\bnever\b|\byet to\b|\bexpect\w*|\bplan(?:s|ned|ning)? to\b|\baim(?:s|ed|ing)? (?:to|for)\b|"
                    r"\bhopes? to\b|\bintends? to\b|\bwould\b|\bcould\b|\bmight\b|\bseek(?:s|ing)?\b|\bsought\b|"
                    r"\bpending\b|\bpotential\b|\bif\b|\bonce\b|\bahead of\b|\bawait\w*|\bwill\b|\brejected\b|"
                    r"\bcomplete response\b|\bwithdr[ae]w\w*|\bdenied\b|\bdelay\w*|\bpath(?:way)? to\b|\bin order to\b")
# The approval a filing asks for: "filed for (conditional) approval", "seeking approval", "applied for".
_ASKED_FOR = re.compile(r"\b(?:fil(?:ed|es|ing)|submit\w*|applied|appl(?:y|ies|ication)|request\w*|seek\w*|sought)\s+"
                        r"(?:\w+\s+){0,5}?(?:for|seeking)\s+(?:[\w-]+\s+){0,3}$")
_HEDGE_AFTER = re.compile(r"\W{0,3}(?:is |was |are )?(?:expected|anticipated|pending|planned|targeted)\b|\W{0,2}(?:预计|有望|可望)")
_FIRST = re.compile(r"\bfirst\b|首个|首款|首例|首家|首张|第一个|第一款|第一张|首度|首次|首支|首项")
# A company that sells the product for its maker: "marketed by Y", "Y's commercial partner", "由Y负责销售".
_MARKETER_BEFORE = re.compile(r"(?:\bmarket(?:ed|s|ing)?|\bcommerciali[sz](?:ed|es|ing)?|\bdistribut(?:ed|es|ing)|\bsold|"
                              r"\bsells|\blaunch(?:ed|es)?)\s+(?:\w+\s+){0,3}?by\s+(?:the\s+)?$|"
                              r"(?:marketing|commercial(?:i[sz]ation)?|distribution|sales)\s+partner\s+$|"
                              r"(?:销售|商业化|经销|代理|推广)(?:伙伴|合作伙伴|夥伴)\s*$")
_MARKETER_AFTER = re.compile(r"(?:\s*(?:中国|台湾|日本|韩国|亚太|大中华|china|japan|taiwan|korea))?(?:"
                             r"\s*(?:,\s*)?(?:which|who|that)?\s*(?:will |would |is to |has agreed to )?"
                             r"(?:market|commerciali[sz]e|distribute|sell|launch)(?:s|d)?\b|"
                             r"\s*(?:,\s*)?(?:which|who)?\s*(?:holds|has|owns|obtained|acquired|received) (?:the )?(?:\w+ )?(?:commercial|marketing) rights\b|"
                             r"\s*(?:获得|取得|拥有|握有)[^，,。；;]{0,15}(?:商业化|销售|推广|经销)权|"
                             r"\s*(?:将|会|则)?\s*负责[^，,。；;]{0,10}(?:销售|商业化|经销|推广|上市)|"
                             r"\s*(?:将|会|则)?\s*(?:在[^，,。；;]{1,6})?(?:独家)?(?:销售|商业化|经销|代理|推广))")
# Where the decision was taken: "approved in Japan", "在日本获批", "日本首款", "Japanese approval".
_PLACE_BEFORE = re.compile(r"(?:\bin|\bby|\bfrom|\bfor)\s+(?:the\s+|mainland\s+)?$|(?:在|于|获|向|经)\s*$")
_PLACE_AFTER = re.compile(r"\s*(?:(?:'s|’s)\s+)?(?:regulators?|health (?:ministry|authorit\w+)|approval|authori[sz]ation|"
                          r"marketing approval|market|drug regulator)\b|\s*(?:市场|首|获批|核准|批准|上市|卫生|药监|主管机关|健保|医保)")
_PRODUCT_BEFORE = re.compile(r"\b(?:rights to|approval (?:of|for)|approved|authori[sz]ation (?:of|for))\s+$|(?:批准|核准)\s*$")
# "其"/"its" before a product ("负责其商业化") is the product's owner, not another party.
_POSSESSIVE = re.compile(r"其|its|their|该公司的|该产品")
_DOMESTIC = re.compile(r"国内|国产|本土|境内|我国")
_CLAUSE_END = re.compile(r"[,，;；。]|\band\b|\bbut\b|\bwhile\b|\bafter\b|\bbefore\b|而|并且|随后|之后|此前")


def _clause(folded: str, at: int) -> tuple[int, int]:
    """The comma clause around position ``at``."""
    start = max((m.end() for m in _CLAUSE_END.finditer(folded, 0, at)), default=0)
    end = next((m.start() for m in _CLAUSE_END.finditer(folded, at)), len(folded))
    return start, end


def _hedged(folded: str, cs: int, trig: re.Match[str]) -> bool:
    return bool(_HEDGE.search(folded, cs, trig.start()) or _HEDGE_AFTER.match(folded, trig.end()))


def _statuses(folded: str) -> list[tuple[ApprovalStatus, int, int, int]]:
    """``(status, trigger start, clause start, clause end)`` for every clause that states an event."""
    out: list[tuple[ApprovalStatus, int, int, int]] = []
    seen: set[tuple[str, int]] = set()
    for trig in _REIMBURSED.finditer(folded):
        cs, ce = _clause(folded, trig.start())
        if not _hedged(folded, cs, trig) and ("Reimbursed", cs) not in seen:
            seen.add(("Reimbursed", cs))
            out.append(("Reimbursed", trig.start(), cs, ce))
    approved_clauses: set[int] = set()
    for trig in _APPROVED.finditer(folded):
        cs, ce = _clause(folded, trig.start())
        if _hedged(folded, cs, trig) or ("Reimbursed", cs) in seen:
            continue
        if re.match(r"(?:al|als)?\s+(?:pathway|process|system|framework|route|mechanism|regime)", folded[trig.end():]):
            continue  # "the approval pathway": a system, not an approval
        if _ASKED_FOR.search(folded, cs, trig.start()) or re.match(r"[^，,。；;]{0,4}?申请", folded[trig.end():]):
            continue  # "filed for conditional approval", "递交附条件批准上市申请": what a filing asks for
        status: ApprovalStatus = "Conditional" if _CONDITIONAL.search(folded, max(0, cs), ce) else "Approved"
        if (status, cs) not in seen:
            seen.add((status, cs))
            approved_clauses.add(cs)
            out.append((status, trig.start(), cs, ce))
    for trig in _FILED.finditer(folded):
        cs, ce = _clause(folded, trig.start())
        if cs in approved_clauses or ("Reimbursed", cs) in seen or ("Filed", cs) in seen:
            continue  # "its marketing application was approved": the approval is the event
        if _hedged(folded, cs, trig) or _NOT_FILING.search(folded, cs, ce):
            continue
        window = folded[cs:min(len(folded), ce + 40)]
        if not _FILING_OBJECT.search(window):
            continue
        seen.add(("Filed", cs))
        out.append(("Filed", trig.start(), cs, ce))
    return out


def _country(folded: str, ms: Sequence[_M], at: int) -> str | None:
    """The country the clause puts the decision in, nearest ``at`` (a home country is not one)."""
    best: tuple[int, str] | None = None
    for m in ms:
        if m.kind != COUNTRY or not m.iri.startswith(_COUNTRY_NS):
            continue
        if _PLACE_BEFORE.search(folded, max(0, m.start - 12), m.start) or _PLACE_AFTER.match(folded, m.end):
            dist = abs(m.start - at)
            if best is None or dist < best[0]:
                best = (dist, m.iri)
    return best[1] if best else None


def _date_text(folded: str) -> str:
    # A year that ends the sentence ("… in 2024.") is a year, not the start of a decimal.
    return re.sub(r"[.。]\s*$", "", folded.replace(THOUSANDS, ","))


def _payer_country(folded: str, lang: str) -> str | None:
    """The national insurer a reimbursement word names by itself: 健保 in Taiwan, 医保 in mainland China."""
    if "健保" in folded and lang == "zh-Hant":
        return _COUNTRY_NS + "TW"
    if "医保" in folded and lang == "zh-Hans":
        return _COUNTRY_NS + "CN"
    return None


def _roles(folded: str, comps: Sequence[_M], owner: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Developers and marketers: the product's owner develops it; a company named as its seller markets it."""
    marketers = [m.iri for m in comps
                 if _MARKETER_BEFORE.search(folded, max(0, m.start - 40), m.start) or _MARKETER_AFTER.match(folded, m.end)]
    developers = [owner] if owner else []
    developers += [m.iri for m in comps if m.iri not in marketers]
    marketers = [c for c in marketers if c not in developers[:1]]
    devs = tuple(dict.fromkeys(developers))
    return devs, tuple(c for c in dict.fromkeys(marketers) if c not in devs)


def sentence_approvals(sent: Sentence, ms: Sequence[_M], prods: Sequence[_M],
                       owners: Mapping[str, str], year_before: str | None = None) -> list[Approval]:
    """The regulatory events one sentence states.

    Args:
        sent: the sentence.
        ms: its mentions after coreference (pronouns carry the company they stand for).
        prods: the product names read in it.
        owners: folded product name -> owner company IRI (carried through the document).
        year_before: the year "同年9月"/"that year" means here: its document's last dated approval's, else the
            last year the document wrote before it.
    """
    if re.search(r"^\s*\|", sent.text, re.MULTILINE):
        return []  # a markdown table is read row by row (approval_tables.py)
    folded = _DIGIT_COMMA.sub(THOUSANDS, _fold(sent.text))
    events = _statuses(folded)
    if not events:
        return []
    agencies = find_agencies(folded)
    taken = [(a, b) for _, a, b in agencies]
    comps = [m for m in ms if m.kind == COMPANY and not m.appositive and m.org_type == COMPANY
             and not any(a <= m.start < b or m.start <= a < m.end for a, b in taken)]
    # "X's Zelvocel was approved": an unlisted name the approved thing is written with is X's product.
    owned: dict[int, _M | None] = {id(m): o for o in comps for m in comps
             if not m.curated and not m.pronoun and m is not o and re.fullmatch(r"\s*(?:'s|’s|的)\s*", folded[o.end:m.start])}
    for m in comps:
        if not m.curated and not m.pronoun and id(m) not in owned and _PRODUCT_BEFORE.search(folded, max(0, m.start - 25), m.start):
            owned[id(m)] = None
    comps = [m for m in comps if id(m) not in owned and not (m.pronoun and _POSSESSIVE.fullmatch(m.surface.lower()))]
    named = [_M(m.start, m.end, m.iri, "Product", m.surface, False) for m in ms if id(m) in owned]
    owners = {**{_fold(m.surface).strip(): o.iri for m in ms if (o := owned.get(id(m))) is not None}, **owners}
    prods = [*prods, *named]
    mods = tuple(dict.fromkeys(m.iri for m in ms if m.kind == MODALITY and not m.pronoun))
    out: list[Approval] = []
    prev_date: str | None = None
    for status, at, seg, tail, first in _segments(folded, events, comps):
        a, b = seg
        own = [m for m in comps if a <= m.start < b] or comps
        prod = min((p for p in prods if a <= p.start < tail), key=lambda p: (p.start > at, abs(p.start - at)), default=None)
        key = _fold(prod.surface).strip() if prod is not None else ""
        owner = owners.get(key) if key else None
        # Its marketer may be named after its clause ("…，由Y负责商业化"): anywhere up to the next event.
        developers, marketers = _roles(folded, [m for m in comps if a <= m.start < tail or m in own], owner)
        marketers = tuple(c for c in marketers if c not in developers)
        developers = tuple(c for c in developers if c in {m.iri for m in own} or c == owner)
        if not developers and not marketers:
            continue  # an approval of no one's product ("the approval pathway", a law) answers no question
        # The indications of its own stretch (up to the next event's), else those no other event claims.
        inds = tuple(dict.fromkeys(m.iri for m in ms if m.kind == INDICATION and not m.pronoun and a <= m.start < tail))
        if not inds:
            claimed = {m.iri for m in ms if m.kind == INDICATION and any(x <= m.start < t for _, _, (x, _), t, _ in
                                                                         _segments(folded, events, comps))}
            inds = tuple(dict.fromkeys(m.iri for m in ms if m.kind == INDICATION and not m.pronoun
                                       and (m.iri not in claimed or len(events) == 1)))
        own_mods = tuple(dict.fromkeys(m.iri for m in ms if m.kind == MODALITY and not m.pronoun and a <= m.start < tail))
        near = [g for g in agencies if status != "Reimbursed" or g[0] in ("nhia", "nhsa")]
        near = near or agencies
        agency = min(near, key=lambda g: abs(g[1] - at))[0] if near else None
        country = _COUNTRY_NS + AGENCIES[agency][0] if agency else _country(folded, ms, at)
        if country is None and _DOMESTIC.search(folded) and sent.lang in ("zh-Hans", "zh-Hant"):
            country = _COUNTRY_NS + ("CN" if sent.lang == "zh-Hans" else "TW")  # "国内首款", "國產": the writer's own
        if country is None and status == "Reimbursed":
            country = _payer_country(folded, sent.lang)
        if prod is None and agency is None and country is None and not inds:
            continue  # "X won approval": nothing a question could select it by
        # The trigger's own clause first ("2016年合資成立X，X的…於2021年獲准上市" → 2021), then its stretch;
        # "2021年6月A获批，同年9月B获批": 同年 is the year of the event before it, else of the document's last one.
        before = (prev_date or "")[:4] or year_before
        clause = max((folded.rfind(p, a, at) for p in "，,；;"), default=-1) + 1 or a
        date = parse_date(_date_text(folded[clause:b]), before) or parse_date(_date_text(folded[a:b]), before) or \
            parse_date(_date_text(folded[a:tail]), before) or (
                parse_date(_date_text(folded), before) if len(events) == 1 else None)
        prev_date = date or prev_date
        product = str(resource("product", slugify(key))) if key and owner else None
        out.append(Approval(status, sent.id, sent.doc_id, f"approval-{status.lower()}", developers, marketers,
                            product, prod.surface.strip() if prod is not None else None, agency, country, inds,
                            own_mods or mods, date, first))
    return out


def _segments(folded: str, events: Sequence[tuple[ApprovalStatus, int, int, int]], comps: Sequence[_M]
              ) -> list[tuple[ApprovalStatus, int, tuple[int, int], int, bool]]:
    """Each event's own stretch of the sentence: ``(status, trigger, (start, clause end), tail end, first)``.

    "A的X于2021年获批，B的Y于2023年获批用于MM" states two events: each starts after the previous event's clause
    and owns the companies there; its tail runs to the next event's stretch (a trailing "用于…" is its own). An
    event whose stretch names no company ("…获批上市，成为国内首款获批的…") restates the one before it.
    """
    out: list[tuple[ApprovalStatus, int, tuple[int, int], int, bool]] = []
    prev_end = 0
    for status, at, cs, ce in sorted(events, key=lambda e: e[1]):
        first = bool(_FIRST.search(folded, prev_end, ce))
        has_own = any(prev_end <= m.start < ce for m in comps)
        if out and not has_own and out[-1][0] == status:
            st, at0, (a0, _), _, f0 = out[-1]
            out[-1] = (st, at0, (a0, ce), ce, f0 or first)  # the same event, said again
        else:
            out.append((status, at, (prev_end, ce), ce, first))
        prev_end = ce
    # Tails: up to where the next stretch starts, the last one to the sentence's end.
    return [(st, at, seg, out[i + 1][2][0] if i + 1 < len(out) else len(folded), f)
            for i, (st, at, seg, _, f) in enumerate(out)]
