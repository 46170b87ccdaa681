"""Deals as events: one :class:`Deal` per stated deal, with its kind, status, parties, amount and date.

The extractor reads a deal's status from the words around it (a denial, a rumour, an end, a closing);
direct edges (``rkg:acquired`` …) are derived only from announced or completed deals, while denied,
rumoured and terminated ones exist only as ``rkg:Deal`` nodes with that status. :func:`deal_quads` turns
the records into RDF in the document's named graph (schema: ``docs`` and the ontology's Deal terms).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pyoxigraph import Literal as RDFLiteral
from pyoxigraph import NamedNode, Quad

from .match import fold_aligned
from .terms import RES, RKG, sentence_iri

__all__ = [
    "KIND_OF",
    "POSITIVE",
    "ROLES",
    "Deal",
    "DealKind",
    "DealStatus",
    "EDGELESS",
    "deal_quads",
    "deal_status",
    "last_year",
    "parse_amount",
    "parse_date",
]

DealKind = Literal["Acquisition", "Licence", "Collaboration", "JointVenture", "Divestment", "SpinOut", "Option",
                   "Merger"]
DealStatus = Literal["Announced", "Completed", "Terminated", "Denied", "Rumoured"]
POSITIVE = frozenset({"Announced", "Completed"})
# Direct edge -> (deal kind, role of the subject, role of the object).
KIND_OF: dict[str, tuple[DealKind, str, str]] = {
    "acquired": ("Acquisition", "acquirer", "target"),
    "licensedFrom": ("Licence", "licensee", "licensor"),
    "partneredWith": ("Collaboration", "partner", "partner"),
    "jointVentureWith": ("JointVenture", "partner", "partner"),
    "soldTo": ("Divestment", "seller", "buyer"),
    "spunOutFrom": ("SpinOut", "spinOut", "parentOrg"),
    "mergedWith": ("Merger", "partner", "partner"),
}
# Deal predicates that give no direct edge: a merger with no survivor is a Deal node only (h/deals3).
EDGELESS = frozenset({"mergedWith"})
ROLES = ("acquirer", "target", "licensor", "licensee", "seller", "buyer", "partner", "parentOrg", "spinOut")


@dataclass(frozen=True)
class Deal:
    """One stated deal. ``parties`` are (role, entity IRI) pairs; symmetric kinds list every partner."""

    kind: DealKind
    status: DealStatus
    parties: tuple[tuple[str, str], ...]
    sentence_id: int
    doc_id: str
    rule: str
    amount: float | None = None
    currency: str | None = None
    amount_kind: str | None = None  # "upfront" | "total" | "upTo"
    date: str | None = None  # "YYYY" or "YYYY-MM"
    asset: str | None = None
    status_sentence_id: int | None = None  # a later sentence that gave the status ("the deal was terminated")
    terms_sentence_id: int | None = None  # a later sentence that gave the amount ("Under the agreement, …")

    @property
    def iri(self) -> str:
        key = "\x1f".join((self.doc_id, str(self.sentence_id), self.kind, *sorted(f"{r}={i}" for r, i in self.parties)))
        return str(RES) + "deal/" + hashlib.blake2b(key.encode(), digest_size=10).hexdigest()

    @property
    def positive(self) -> bool:
        return self.status in POSITIVE


# ---------------------------------------------------------------- status (folded text: lower case, Simplified)
_DENY = re.compile(r"否认|驳斥|澄清并无|并未|并非|没有|未曾|放弃|\bdeni(?:ed|es)\b|\bdeny(?:ing)?\b|\brejected\b|"
                   r"\bstopped short of\b|\bshort of\b|\bnot\b|\bnever\b|\brather than\b|\binstead of\b|\bwalked away\b|"
                   r"\bgave up\b|\bdropped (?:its|the|a) (?:bid|offer|plan)|\bno (?:plans?|intention|interest)\b|"
                   r"\bruled out\b|\brules out\b|\bdeclin(?:ed|es) to\b|\bturned down\b|无意|排除|婉拒|拒绝|"
                   r"\bdistanc\w* (?:itself|themselves) from\b|\brebuff\w*|\bspurn\w*|\bunsuccessful\b|"
                   r"\bfailed (?:bid|offer|attempt|takeover|merger|approach)\b|不实|臆测|回绝|并无|毫无|"
                   r"辟谣|否定|不予证实|未获证实|空穴来风|乌龙|假消息|\bdebunk\w*|\bshot down\b|\bquash\w*|\bscotch\w*|"
                   r"\bnix\w*|\bplay(?:ed|s)? down\b|\bdownplay\w*|\bcold water\b|\bunconfirmed\b|\bwalk(?:ed|s)? back\b")
_RUMOUR = re.compile(r"传闻|据传|传出|传言|消息称|盛传|风传|谣传|外传|市传|有意|洽谈|考虑|或将|可能|拟|评估|谣言|"
                     r"\brumou?r\w*|\breportedly\b|\bsaid to be\b|\bis said\b|\breport(?:s|ed)? that\b|\bconsider\w*|"
                     r"\bin talks\b|\btalks\b|\bexplor(?:e|es|ed|ing)\b|(?<!\bin )(?<!\bon )(?<!\bsince )(?<!\buntil )(?<!\bby )(?<!\bfrom )(?<!\bof )(?<!\blast )(?<!\bthis )(?<!\bnext )(?<!\bearly )(?<!\blate )(?<!\bmid-)(?<!\bmid )(?<!\bend of )\bmay\b(?!\s+\d)(?!,?\s+(?:19|20)\d\d)|\bmight\b|\bcould\b|\bspeculat\w*|"
                     r"\bweigh(?:s|ed|ing)?\b|\bplan(?:s|ned)? to\b|\bintend(?:s|ed)? to\b|\bpotential\b|\bpossible\b|"
                     r"\bhypothetical\b|\bwould\b|"
                     # sources, not the parties: "据悉", "people familiar with the matter", "according to a report"
                     r"据悉|据报|据报道|据知情人士|知情人士|消息人士|据媒体|\bpeople (?:familiar|close) (?:with|to)\b|"
                     r"\bsources? (?:said|say|says|told|familiar|close)\b|\baccording to (?:a |an |the )?(?:[\w-]+ ){0,3}?"
                     r"(?:reports?|sources?|people|media)\b|\bunnamed sources?\b")
_END = re.compile(r"终止|结束|取消|告吹|破局|撤回|中止|解除|分手|到期|收回|取回|拿回|返还|\bg(?:ave|ives|iving) back\b|\bt(?:ook|akes) back\b|\breacquir\w* (?:the )?(?:\w+ )?rights\b|\bend (?:its|their|the|our)\b|\bhalt(?:ed|s)\b|\bsuspended\b|\bdiscontinued\b|暂停|\bexit(?:s|ed|ing)? (?:from )?(?:its|their|the)\b|\bdiscontinu\w* (?:its|their|the)\b|\bterminat\w*|\bcancel\w*|\bcalled off\b|\bscrapp\w*|"
                  r"\bended\b|\bends\b|\bending\b|\bunwound\b|\bwound down\b|\bwind(?:s|ing)? down\b|\bno longer\b|"
                  r"\bexpired\b|\breturned (?:the )?rights\b|\bregained (?:the )?rights\b|\bcollaps\w*|\bfell through\b|"
                  r"\bwithdr[ae]w\w*|\bfailed to\b|\babandon\w*|\bwalked away\b|\bpulled out\b|"
                  # a past partnership ("formerly partnered with", "曾與…合作") and rights handed back
                  r"\b(?:formerly|previously|once) (?:partner|collaborat|work|allie|team)\w*|\bformer (?:partner|ally)\w*|"
                  r"\bhanded back\b|\breturned (?:\w+ )?rights\b|\blet (?:\w+ )+?lapse\b|\blapsed\b|\bopted out\b|"
                  r"曾与|曾经与|曾和|昔日|前合作伙伴|退回|交还|归还|喊停|叫停|收手|告终|画下句点|划下句点|分道扬镳|"
                  r"不了了之|撤资|中断|停摆|\baxed\b|\bscuttl\w*|\bkill(?:ed|s)\b|\bparted ways\b|\bsplit with\b|"
                  r"\bb(?:acked|acks) (?:out|away)\b|\bbowed out\b|\bunwind\w*")
_DONE = re.compile(r"完成|已完成|交割|\bcompleted?\b|\bclosed\b|\bcloses\b|\bfinali[sz]ed\b")


# A party announcing its own deal in reported speech ("announced that it would acquire", "said they would
# collaborate") states the deal; the "would" is the tense of "announced", not a hedge.
_ANNOUNCED_WOULD = re.compile(r"\b(?:announced|said|agreed|confirmed|disclosed|stated)\s+(?:on\s+\w+\s+)?(?:that\s+)?"
                              r"(?:it|they|the (?:company|group|firm|two companies|companies))\s+would\b")


def deal_status(window: str) -> DealStatus:
    """The status the words around a deal give it (``window`` is folded text).

    >>> deal_status("gilead sciences announced that it would acquire kite pharma")
    'Announced'
    >>> deal_status("analysts said gilead would acquire kite pharma")
    'Rumoured'
    """
    window = _ANNOUNCED_WOULD.sub(lambda m: m.group(0)[:-len("would")], window)
    if _END.search(window):
        return "Terminated"
    if _DENY.search(window):
        return "Denied"
    if _RUMOUR.search(window):
        return "Rumoured"
    return "Completed" if _DONE.search(window) else "Announced"


# ---------------------------------------------------------------- amounts and dates
_MONEY = re.compile(
    r"(?P<pre>up to|as much as|最高|最多|高达|总额|总计|共计|合计)?\s*(?:约|近|超过|about|around|approximately|nearly|over|roughly)?\s*"
    r"(?P<cur1>us\$|usd|\$|€|eur|¥|nt\$|ntd|rmb|人民币|新台币|台币|美金|美元)?\s*"
    r"(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>万亿|亿|万|billion|bn|million|mn|m\b|b\b|trillion)?\s*"
    r"(?P<cur2>美元|美金|usd|dollars|新台币|台币|人民币|元|日元|日圆|欧元|euros?|eur|yen)?"
    r"(?P<post>\s*(?:upfront|up-front|in cash|in total|首付款|预付款|签约金|总额)?)", re.IGNORECASE)
_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6,
          "b": 1e9, "trillion": 1e12}  # "$1.2B", "$300M" (tables, headlines)
_CUR = {"us$": "USD", "usd": "USD", "$": "USD", "美元": "USD", "美金": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
        "欧元": "EUR", "euro": "EUR", "euros": "EUR", "¥": "JPY", "日元": "JPY", "日圆": "JPY", "yen": "JPY",
        "nt$": "TWD", "ntd": "TWD", "新台币": "TWD", "台币": "TWD", "rmb": "CNY", "人民币": "CNY"}


def parse_amount(folded: str, lang: str = "en") -> tuple[float, str, str | None] | None:
    """The headline amount of a deal clause: (amount in currency units, ISO currency, kind or None).

    An "up to"/total figure wins over an upfront one, as it is the one a deal is quoted by.

    >>> parse_amount("agreeing to pay up to $1 billion, including $425 million upfront")
    (1000000000.0, 'USD', 'upTo')
    >>> parse_amount("pfizer will pay $40 per share in cash, valuing the company at about $2 billion")
    (2000000000.0, 'USD', 'total')
    >>> parse_amount("| $1.2b | car-nk |")
    (1200000000.0, 'USD', None)
    >>> parse_amount("以新台币12亿元收购")
    (1200000000.0, 'TWD', None)
    """
    found: list[tuple[float, str, str | None]] = []
    for m in _MONEY.finditer(folded):
        unit = (m.group("unit") or "").lower()
        c1, c2 = (m.group("cur1") or "").lower(), (m.group("cur2") or "").lower()
        cur = _CUR.get(c1) or _CUR.get(c2)
        if cur is None and c2 == "元" and unit:
            cur = "CNY" if lang != "zh-Hant" else "TWD"
        if cur is None and c1 and c1 in _CUR:
            cur = _CUR[c1]
        if cur is None or not unit and not c1:
            continue
        try:
            value = float(m.group("num").replace(",", "")) * _SCALE.get(unit, 1.0)
        except ValueError:
            continue
        pre, post = (m.group("pre") or "").lower(), (m.group("post") or "").strip().lower()
        if re.match(r"\s*(?:a|per|each)\s+share\b|\s*每股", folded[m.end():m.end() + 12]):
            continue  # "$40 per share": the price of one share, not the deal's value
        before = folded[max(0, m.start() - 12):m.start()]
        kind = None
        if pre in ("up to", "as much as", "最高", "最多", "高达") or re.search(r"up to\s*$|(?:最高|最多)(?:可达|达|至)?\s*$|高达\s*$", before):
            kind = "upTo"
        elif pre in ("总额", "总计", "共计", "合计") or "total" in post or "总额" in post or re.search(
                r"总额\s*$|total of\s*$|valu(?:ing|ed|es)\s+(?:\w+\s+){0,3}?at(?:\s+(?:about|around|roughly|nearly))?\s*$",
                folded[max(0, m.start() - 40):m.start()]):
            kind = "total"
        elif post in ("upfront", "up-front", "首付款", "预付款", "签约金", "in cash") or re.search(r"首付款\s*(?:为)?\s*$|预付款\s*$|upfront\s*(?:of|payment of)?\s*$", before):
            kind = "upfront"
        found.append((value, cur, kind))
    if not found:
        return None
    for want in ("upTo", "total"):
        for f in found:
            if f[2] == want:
                return f
    return found[0]


_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), 1)}
_EN_DATE = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december)"
                      r"(?:\s+\d{1,2},)?\s+((?:19|20)\d\d)\b")
_ZH_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月")
# A year, not an amount: "2000万美元", "$2000 million", "2,000" are money.
_YEAR = re.compile(r"(?<![\d$.,\u066c])((?:19|20)\d\d)(?![\d.,\u066c]|\s*(?:万|亿|千|百|元|美元|million|billion|m\b|bn\b|%))")


# "同年9月", "當年", "in September of the same year", "later that year": the year last written before.
_SAME_YEAR_ZH = re.compile(r"(?:同年|当年|當年|同一年)(?:\s*(\d{1,2})\s*月)?")
_SAME_YEAR_EN = re.compile(r"\b(?:(january|february|march|april|may|june|july|august|september|october|november|december)"
                           r"\s+(?:of\s+)?)?(?:the\s+same|that)\s+year\b")


_ISO_MONTH = re.compile(r"(?<![\d.-])((?:19|20)\d\d)[-/](0[1-9]|1[0-2])(?![\d])")


def parse_date(folded: str, year_before: str | None = None) -> str | None:
    """``YYYY-MM`` or ``YYYY`` from a deal clause.

    Args:
        folded: the folded clause.
        year_before: the year last written before the clause (in its document), which "同年"/"that year" means.

    >>> parse_date("completed its acquisition in may 2025")
    '2025-05'
    >>> parse_date("| 2024-03 | harwick bio | osterley therapeutics |")
    '2024-03'
    >>> parse_date("2019年由该校衍生成立")
    '2019'
    >>> parse_date("首付款2000万美元") is None
    True
    >>> parse_date("同年9月获批上市", "2021")
    '2021-09'
    >>> parse_date("approved in september of the same year", "2021")
    '2021-09'
    >>> parse_date("同年9月获批上市") is None
    True
    """
    m = _EN_DATE.search(folded)
    if m:
        return f"{m.group(2)}-{_MONTHS[m.group(1)]:02d}"
    m = _ISO_MONTH.search(folded)  # "2024-03", "2024/03" (tables)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = _ZH_DATE.search(folded)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = _YEAR.search(folded)
    if m:
        return m.group(1)
    if year_before is None:
        return None
    z = _SAME_YEAR_ZH.search(folded)
    if z:
        return f"{year_before}-{int(z.group(1)):02d}" if z.group(1) and 1 <= int(z.group(1)) <= 12 else year_before
    e = _SAME_YEAR_EN.search(folded)
    if e:
        return f"{year_before}-{_MONTHS[e.group(1)]:02d}" if e.group(1) else year_before
    return None


def last_year(folded: str) -> str | None:
    """The last year written in ``folded`` (amounts such as "2000万" are not years), or None.

    >>> last_year("2021年6月获批，2022年纳入医保")
    '2022'
    """
    years = _YEAR.findall(folded)
    return years[-1] if years else None


# ---------------------------------------------------------------- RDF
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PROV = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


def _rkg(local: str) -> NamedNode:
    return NamedNode(str(RKG._NS) + local)


def deal_quads(deals: Iterable[Deal], graph: NamedNode) -> list[Quad]:
    """``?d a rkg:Deal ; rkg:dealKind K ; rkg:status S ; <role> ?party ; prov:wasDerivedFrom ?sentence …``."""
    out: list[Quad] = []
    for d in deals:
        node = NamedNode(d.iri)
        out += [Quad(node, _RDF_TYPE, _rkg("Deal"), graph),
                Quad(node, _rkg("dealKind"), _rkg(d.kind), graph),
                Quad(node, _rkg("status"), _rkg(d.status), graph),
                Quad(node, _PROV, NamedNode(str(sentence_iri(d.sentence_id))), graph),
                Quad(node, _rkg("rule"), RDFLiteral(d.rule), graph)]
        for later in {d.status_sentence_id, d.terms_sentence_id} - {None, d.sentence_id}:
            out.append(Quad(node, _PROV, NamedNode(str(sentence_iri(later))), graph))
        for role, iri in d.parties:
            out.append(Quad(node, _rkg(role), NamedNode(iri), graph))
        if d.amount is not None:
            out.append(Quad(node, _rkg("amount"), RDFLiteral(f"{d.amount:.0f}", datatype=NamedNode(_XSD + "decimal")),
                            graph))
        if d.currency:
            out.append(Quad(node, _rkg("currency"), RDFLiteral(d.currency), graph))
        if d.amount_kind:
            out.append(Quad(node, _rkg("amountKind"), RDFLiteral(d.amount_kind), graph))
        if d.date:
            out.append(Quad(node, _rkg("date"), RDFLiteral(d.date), graph))
            out.append(Quad(node, _rkg("year"), RDFLiteral(d.date[:4], datatype=NamedNode(_XSD + "integer")), graph))
        if d.asset:
            out.append(Quad(node, _rkg("asset"), NamedNode(d.asset), graph))
    return out


def fold(text: str) -> str:
    return fold_aligned(text)
