"""Name quality for discovered mentions: institutions, fragments, products, aliases (#12 item 4).

:mod:`.mentions` proposes spans; this module decides what kind of organisation a span names and which
spans are no name at all. Every discovered name is typed (company, hospital, university or research
institute, product or platform), and a span that is a piece of a name, an antigen, a list or a grant of
rights never becomes an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ...records import Entity, Mention, Relation, Sentence
from ..ontology import resource, slugify
from .patterns import (
    _ACQ_ACTIVE,
    _COMPANY_WORDS,
    _JV,
    _LICENSE,
    _LOWER_NAME,
    _NOT_COMPANY,
    _PARTNER,
    _PERSON_AFTER,
    _PERSON_BEFORE,
    _SALE,
    _SPIN,
    _UNIT_APPOSITION,
    _ZH_BOUNDARY,
    _ZH_CUT,
    _ZH_LEAD,
    _ZH_ORG_SUFFIX,
    COMMON_LEAD_FREQ,
    COMPANY,
    HAN,
    PRODUCT,
    _fold,
)


@dataclass
class _M:
    """A mention inside one sentence during extraction (mutable scratch record)."""

    start: int
    end: int
    iri: str
    kind: str
    surface: str
    curated: bool = True
    affiliate_of: str | None = None  # set for Y in "X(Y)"
    appositive: bool = False  # inside "X, a Bayer company, …": describes X, fills no slot itself
    pronoun: bool = False  # "It", "該公司", "the latter" standing for a company named elsewhere
    org_type: str = COMPANY  # entity type of a discovered name: Company, Hospital or University
    aliases: tuple[str, ...] = ()  # other names written beside it: stock code, the name in the other script
    described: str = ""  # its apposition ("a Seattle developer of …"), for "the Seattle biotech" later
    firm: bool = False  # a product read from its own description ("X, a gene therapy"), not from a cue word before it



def mark_affiliates(text: str, ms: list[_M]) -> None:
    """``X(Y)`` / ``X (Y)``: Y is X's affiliate, and not a separate subject."""
    same: list[_M] = []
    for a, b in pairwise(ms):
        if a.kind == COMPANY and b.kind == COMPANY:
            between = text[a.end:b.start]
            after = text[b.end:b.end + 2]
            if re.fullmatch(r"\s*[(（]\s*", between) and re.match(r"\s*[)）]", after):
                if a.iri == b.iri or not b.curated and not a.curated:
                    same.append(b)  # "新基（Celgene）": the same company named twice
                else:
                    b.affiliate_of = a.iri
    for b in same:
        ms.remove(b)


def is_person(text: str, start: int, end: int) -> bool:
    """"Jane Okafor, chief executive of …", "CEO Jane Okafor said": a person, not a company."""
    return bool(_PERSON_BEFORE.search(text[max(0, start - 40):start]) or _PERSON_AFTER.match(text[end:end + 60]))


def is_product(text: str, start: int, end: int) -> bool:
    """"Abecma, a CAR-T therapy…" / "CASGEVY (exagamglogene autotemcel)": a brand, not a company."""
    after = text[end:end + 80]
    unit = _UNIT_APPOSITION.match(after)
    if unit and re.match(r"\s*(?:[,;.)]|$|(?:that|which|of|in|based|whose)\b)", after[unit.end():]):
        return False  # "Nerine Bio, its cell therapy unit, …": a company noun heads the apposition
    if re.search(r"(?:CAR-T|TCR-T|therapy|therapies|drug|product|candidate|treatment|medicine|gene therapy)\s*,\s*$",
                 text[max(0, start - 30):start], re.IGNORECASE) and not (
            # "In CAR-T, Orbel Bio and …": a fronted field, then a company by its company word; "Unlike X, which
            # bet on CAR-T, Kestrel Bio focuses …": a company word and no apposition comma after it
            _COMPANY_WORDS.search(text[start:end])
            and (re.search(r"(?:^|[.;:,]\s*)in\s+(?:the\s+)?[\w -]{2,30}?,\s*$", text[:start], re.IGNORECASE)
                 or not re.match(r"\s*[,(（]", after))):
        return True  # "Novartis's approved CAR-T, Kymriah, …"
    note = _PAREN_NOTE.match(after)
    if note and not _COMPANY_NOUN.search(note.group(0)) and re.search(
            r"['’]s\s+$|\b(?:approval|approvals|launch|sales|filing|application|data|results|trials?|study) (?:for|of)\s+$",
            text[max(0, start - 24):start], re.IGNORECASE):
        return True  # h/rd3: "Quillon Bio's Velarix (an allogeneic CAR-T)", "approval for Velarix (CAR-T)": a product
    return bool(re.match(r",\s*(?:an?|the|its)\s+(?:[\w-]+\s+){0,4}?(?:therapy|therapies|treatment|drug|product|medicine|"
                         r"candidate|vaccine|gene therapy|cell therapy)\b", after, re.IGNORECASE)
                or re.match(r"\s*[(（]\s*[a-z]+(?:mab|cel|gene|vec|cept|parvovec|autotemcel|leucel|temcel)\b", after)
                or re.search(r"\b(?:brand|product|drug|therapy)\s+$", text[max(0, start - 12):start], re.IGNORECASE)
                # "its ENaBL platform", "the StarLink technology": a platform is not a company.
                or re.match(r"\s+(?:platform|technology|system)\b", after, re.IGNORECASE)
                # "FasTrak平台", "NovaCAR技術平台": a Latin name a Chinese platform word follows is the platform.
                or text[start:end].isascii() and re.match(r"\s*(?:技術平台|技术平台|平台|技術|技术|系統|系统)", after)
                or _owned_product(after))


# "Velorix is Quillon Bio's gene therapy", "…is the company's CAR-T platform": a possessive before a
# product noun, with no company noun between, says the name is what a company owns.
_OWNED = re.compile(r"\s+(?:is|was|remains|became)\s+(?:now\s+)?(?:the\s+company['’]s|its|their|"
                    r"(?:[A-Z][\w-]*\s+){0,3}[A-Z][\w-]*['’]s?)\s+(?P<desc>(?:[\w-]+\s+){0,4}?)"
                    r"(?:therapy|therapies|platform|product|drug|candidate|technology|medicine|vaccine|brand)\b")
_COMPANY_NOUN = re.compile(r"\b(?:company|biotech|developer|firm|maker|start-?up|group|unit|subsidiary|division|"
                           r"spin-?(?:off|out)|partner|licensee|licensor|acquirer)\b", re.IGNORECASE)


# "(an allogeneic CAR-T)", "(CAR-T, lymphoma)": a bracketed note naming a kind of therapy.
_PAREN_NOTE = re.compile(r"\s*[(（][^()（）]{0,40}?(?:CAR-T|CAR-NK|TCR-T|CAR T|therap(?:y|ies)|treatment|drug|candidate|"
                         r"vaccine|gene editing|editing)\b[^()（）]{0,40}[)）]", re.IGNORECASE)


def _owned_product(after: str) -> bool:
    m = _OWNED.match(after)
    return m is not None and not _COMPANY_NOUN.search(m.group("desc"))


def pair_aliases(text: str, ms: list[_M]) -> None:
    """``名稱（代號）``, ``English（中文）`` and ``中文（English）``: the bracketed name is an alias of the one before.

    A stock code or the name in the other script becomes an alias of the mention; a name only the
    brackets hold (the Han name before "（Qiming Cell）") is read back to its start.
    """
    for m in ms:
        if m.kind != COMPANY or m.pronoun or m.curated:
            continue
        br = re.match(r"\s*[(（]\s*([^()（）]{2,24}?)\s*[)）]", text[m.end:m.end + 30])
        if not br:
            continue
        inner = br.group(1).strip()
        code = re.fullmatch(r"(?:(?:TWSE|TPEx|HKEX|Nasdaq|NASDAQ|NYSE|SSE|SZSE|港股|美股)[:：]\s*|(?:[台臺]股|股票|證券|证券|上市|上櫃|上柜|興櫃|兴柜)?"
                            r"(?:代號|代号|代碼|代码|股號|股号)[:：]?\s*)?(\d{4,6}(?:\.[A-Z]{2,3})?|[A-Z]{2,5})(?:[ -](?:TT|TW))?", inner)
        if code:
            m.aliases += (code.group(1),)
        elif (re.fullmatch(rf"[{HAN}]{{2,12}}", inner) or re.fullmatch(r"[A-Z][A-Za-z0-9&.\- ]{1,30}", inner)
              or latin_company_name(inner)) \
                and not any(o is not m and o.start >= m.end and o.end <= m.end + br.end() and o.curated for o in ms):
            m.aliases += (inner,)
    for m in ms:
        if m.kind != COMPANY or m.pronoun or m.curated or not m.surface.isascii():
            continue
        if not re.match(r"\s*[)）]", text[m.end:m.end + 3]) or not re.search(r"[(（]\s*$", text[max(0, m.start - 2):m.start]):
            continue
        j = text.rfind("（", 0, m.start) if "（" in text[max(0, m.start - 2):m.start] else text.rfind("(", 0, m.start)
        k = j
        while k > 0 and j - k < 10 and re.match(rf"[{HAN}]", text[k - 1]) and _fold(text[k - 1]) not in _ZH_BOUNDARY:
            k -= 1
        lead = _ZH_LEAD.match(_fold(text), k, j)
        if lead:
            k = lead.end()
        if j - k >= 2 and not any(o.start < j and o.end > k for o in ms):
            m.aliases += (text[k:j],)


# English words that open a sentence capitalised ("Besides, …", "Notably, …") and never name a company alone.
_DISCOURSE = frozenset({
    "besides", "moreover", "furthermore", "additionally", "nonetheless", "nevertheless", "notably", "overall",
    "instead", "likewise", "similarly", "elsewhere", "still", "yet", "thus", "hence", "therefore", "indeed",
    "finally", "currently", "recently", "previously", "together", "alongside", "despite", "although", "though",
    "whereas", "since", "following", "including", "beyond", "among", "amid", "within", "without", "through",
    "during", "over", "against", "about", "above", "below", "regarding", "via", "unlike", "like", "once", "if",
    "because", "unless", "whether", "then", "now", "here", "where", "why", "how", "what", "which", "whose", "each",
    "every", "either", "neither", "no", "not", "only", "even", "just", "again", "already", "soon", "third",
    "lastly", "importantly", "specifically", "particularly", "ultimately", "initially", "subsequently",
    "alternatively", "conversely", "interestingly", "crucially", "critically", "shares", "terms", "financial",
    "financially", "strategically", "commercially", "clinically", "historically", "traditionally", "globally",
    "west", "east", "north", "south", "western", "eastern",
})
# Words that never begin a discovered Latin name: function words, months, agencies, discourse adverbs.
NOT_NAME = frozenset(_NOT_COMPANY) | _DISCOURSE
# "Claudin18.2", "GPC3", "MAGE-A4": an antigen or gene symbol, letters then digits, is a target, not a company.
_ANTIGEN = re.compile(r"[A-Za-z]{1,10}-?[A-Z]?\d{1,3}(?:\.\d{1,2})?[A-Za-z]?")
# A grant of rights ("福可蘇全球權益", "the global rights") or a list closed by 等 ("A等B") is no name.
_RIGHTS_TAIL = re.compile(r"(?:全球|独家|区域|海外|大中华区|中国区|亚洲)?(?:权益|权利|开发权|商业化权|销售权|代理权|经销权)$")

# Chinese institutions beyond the universities and hospitals of ``_ZH_INSTITUTION_SUFFIX``: research
# institutes and medical or research centres (in Taiwan and China the usual partners of a company).
ZH_INSTITUTION_MORE = (("研究所", "University"), ("研究中心", "University"), ("实验室", "University"),
                       ("医学中心", "Hospital"), ("癌症中心", "Hospital"), ("肿瘤中心", "Hospital"),
                       ("治癌中心", "Hospital"), ("血液中心", "Hospital"), ("防治中心", "Hospital"),
                       # Taiwanese press shortens 榮民總醫院 to 榮總, 附設醫院 to 附醫, 醫學大學 to 醫大.
                       ("荣总", "Hospital"), ("附医", "Hospital"), ("医大", "University"))
# Two characters that hold a boundary character ("和") but are one word of a name ("北京協和醫院").
_ZH_NAME_PAIRS = frozenset({"协和", "仁和", "中和", "同和", "长和"})
# A stem with these words is a description ("該醫院", "國內大型醫院", "其研究中心"), not a name.
_ZH_INSTITUTION_DESC = re.compile(r"该|此|本|各|这|两|多|国内|国际|大型|医学中心(?!附)|合作|其|旗下|自家|内部|所属|下属|相关|知名")
# What ends the words before an institution's name: a deal verb, a partnering word, a company's suffix.
_ZH_INSTITUTION_CUT = re.compile(_ZH_CUT.pattern + r"|于|自|从|携手|联手|牵手|联合|委托|协同|合作|"
                                 r"生技|生医|制药|药业|公司|集团")
# "（NASDAQ: ABCD）", "（港股：2171）", "(NYSE: XYZ)" after a Han name: the name is a listed company.
_EXCHANGE_BRACKET = re.compile(
    rf"(?<=[{HAN}])[(（]\s*(?:nasdaq|nyse|amex|hkex|sehk|sse|szse|twse|tpex|kosdaq|tse|港股|港交所|上交所|深交所|"
    r"科创板|创业板|纳斯达克|纽交所|美股)\s*[:：]?\s*[a-z0-9.]{1,10}\s*[)）]")

# A sentence the learned tagger may propose names in: one that states a deal. A name without a suffix is
# most often a party ("沐川與晴禾合作"); R&D sentences hold products and programmes it would take for names.
DEAL_TRIGGERS = re.compile("|".join(p.pattern for p in (_ACQ_ACTIVE, _PARTNER, _LICENSE, _JV, _SALE, _SPIN)),
                           re.IGNORECASE)

# "uniQure", "iTeos", "eGenesis": a lower-case prefix, then a capitalised word of three lower-case letters
# or more, is a brand-style company name ("mRNA", "iPSC", "siRNA" have no lower-case run after the capital).
_CAMEL = re.compile(r"(?<![A-Za-z0-9/.-])[a-z]{1,4}[A-Z][a-z]{3,}(?:[A-Z][a-z]+)*"
                    r"(?:\s+(?:Therapeutics|Bio|Biosciences|Biotherapeutics|Pharma|Pharmaceuticals|Genomics|Medicines|"
                    r"Inc\.?|Ltd\.?|AG|SA|NV|plc))?(?![A-Za-z0-9-])")


def camel_names(text: str) -> list[tuple[int, int, str, str]]:
    """Lower-case-initial brand-style names ("uniQure", "eGenesis Bio") the capitalised-name pattern misses."""
    return [(m.start(), m.end(), m.group(0), COMPANY) for m in _CAMEL.finditer(text)]


def latin_company_name(inner: str) -> bool:
    """"bluebird bio", "4D Molecular", "eVolve Bio" in brackets after a Han name: its Latin name, lower-case or
    digit-initial (the capitalised ones the bracket rule reads itself)."""
    return bool(_LOWER_NAME.fullmatch(inner) or _CAMEL.fullmatch(inner)
                or re.fullmatch(r"\d+[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]+){1,3}", inner))


def is_fragment(name: str) -> bool:
    """A span that names no organisation: a discourse word, an antigen, a list, a grant of rights."""
    n = name.strip()
    if not n:
        return True
    if n.isascii() and " " not in n and (n.lower() in _DISCOURSE or _ANTIGEN.fullmatch(n) and any(
            c.isdigit() for c in n)):
        return True
    folded = _fold(n)
    return "等" in folded and bool(re.search(rf"[{HAN}A-Za-z0-9]等[{HAN}A-Za-z0-9]", folded)) \
        or bool(re.search(rf"[{HAN}]", folded) and _RIGHTS_TAIL.search(folded))


def country_code_lead(text: str, start: int, words: Sequence[str]) -> bool:
    """"…出售給US Northway，": in Chinese text a Latin "US"/"UK"/"EU" glued to a capitalised word is part of a
    name (a Chinese writer says 美國 for the country), not the nationality word it is in English."""
    return (len(words) >= 2 and words[0] in ("US", "UK", "EU") and start > 0 and bool(re.match(rf"[{HAN}]", text[start - 1]))
            and words[1][:1].isupper() and words[1].lower() not in NOT_NAME)


# "日本富嶺製藥", "美商艾伯維", "韓國Sebin Bio": a country, or a foreign firm's "日商/美商/韓商" (Taiwanese usage),
# before a Chinese name says where the company is from; it is not the name's first word (folded text).
_ZH_COUNTRY_LEAD = re.compile(r"(?:日本|美国|韩国|德国|英国|法国|瑞士|瑞典|丹麦|荷兰|比利时|以色列|澳洲|澳大利亚|加拿大|"
                              r"新加坡|印度|意大利|义大利|西班牙|爱尔兰|中国|台湾|香港|大陆)的?|[日美韩德英法荷瑞台陆港外]商")


def country_lead_end(folded: str, j: int, start: int) -> int:
    """Where a Chinese name's stem ``folded[j:start]`` starts after a country lead (:data:`_ZH_COUNTRY_LEAD`);
    ``j`` when there is none, or when what is left is under two characters or an ordinary word ("中國生物製藥"
    keeps 中國: 生物 alone is no name) or a company word."""
    from ..names_model import common_words

    lead = _ZH_COUNTRY_LEAD.match(folded, j, start)
    rest = folded[lead.end():start] if lead else ""
    if lead is None or len(rest) < 2 or common_words().get(rest, 0) >= COMMON_LEAD_FREQ or \
            any(rest.startswith(x) for x in _ZH_ORG_SUFFIX):
        return j  # "比利時生技公司" is a description: 生技 is a company word, not a name
    return lead.end()


# Where a name may begin: the text's start, punctuation, a space or a with-word before it.
NAME_OPENERS = frozenset("，,。；;：:、（(「『 \u3000与和及")


def inner_he(folded: str, j: int, start: int) -> tuple[int, int] | None:
    """A name with 和 or 及 inside, which the backward scan for a Chinese name's stem stops at.

    ``folded[j:start]`` is the stem the scan found before a company suffix at ``start``. Returns
    ``(when, begin)``: if, after the leads are stripped, the stem still starts at ``when``, the name starts at
    ``begin`` instead; ``None`` when there is no such name.
    - "與和康生技", "和康生技攜手…": a one-character stem after a 和 that opens a clause is 和 + it;
    - "與大和製藥合作", "收購大和製藥": nothing between 和 and the suffix, one or two characters before 和
      (after the verbs and with-words there) make the name 大和.
    """
    if start - j == 1 and j > 0 and folded[j - 1] in "和及" and (j == 1 or folded[j - 2] in NAME_OPENERS):
        return j, j - 1
    if start != j or j < 2 or folded[j - 1] != "和":
        return None
    k = j - 1
    while k > 0 and j - 1 - k < 6 and re.match(rf"[{HAN}]", folded[k - 1]) and folded[k - 1] not in _ZH_BOUNDARY:
        k -= 1
    k = max([k] + [c.end() for c in _ZH_CUT.finditer(folded, k, j - 1)])
    lead = _ZH_LEAD.match(folded, k, j - 1)
    k = lead.end() if lead else k
    lead = _ZH_COUNTRY_LEAD.match(folded, k, j - 1)  # "台灣大和製藥": 台灣 is where it is
    k = lead.end() if lead and lead.end() < j - 1 else k
    return (j, k) if 1 <= j - 1 - k <= 2 else None


# "UK Medicines and Healthcare products Regulatory Agency": a capitalised run that an agency's head noun
# follows (past lower-case joining words) is a piece of the agency's name.
_AGENCY_TAIL = re.compile(r"(?:\s+(?!(?:the|a|an|its|their|with|said|says|by|from|to|in|at|that|which|was|is|are|has|"
                          r"had|have|will|would|as|after|before)\b)[\w&-]+){0,6}?\s+(?:Agency|Administration|Authority|"
                          r"Ministry|Commission|Bureau|Council|Department|Office)\b")


# A headline's verb in title case ends the name before it.
_HEADLINE_VERB = re.compile(r"\s(?:Announces|Announced|Reports|Reported|Receives|Received|Completes|Completed|Enters|"
                            r"Entered|Signs|Signed|Acquires|Acquired|Launches|Presents|Expands|Raises|Raised|Secures|"
                            r"Wins|Gets|Names|Appoints|Initiates|Doses|Achieves|Unveils|Partners|Licenses|Licensed|"
                            r"Submits|Files|Granted|Approves|Approved|Closes|Closed|Agrees|Agreed|Buys|Bought|Sells|"
                            r"Sold|Forms|Formed|Joins|Teams|Inks|Strikes|Taps|Lands|Nabs|Snaps|Bags|Scores|Debuts|"
                            r"Touts|Halts|Pauses|Stops|Drops|Ends|Terminates|Regains|Returns|Opens|Starts|Begins|"
                            r"Posts|Shares|Details|Highlights|Provides|Gains|Obtains|Earns)\b")
_REGULATORY_TERM = re.compile(r"\b(?:investigational new drug|new drug application|biologics? licen[cs]e application|"
                              r"clinical trial application|marketing authori[sz]ation|breakthrough therapy|fast track|"
                              r"orphan drug|priority review|priority medicines|regenerative medicine advanced therapy|"
                              r"rare pediatric disease|accelerated approval|conditional approval|sakigake)\b", re.IGNORECASE)
_MODIFIER_TAIL = re.compile(r"-(?:directed|targeting|targeted|specific|positive|negative|expressing|derived|based|"
                            r"mediated|modified|engineered|edited|like|redirected|armou?red)$", re.IGNORECASE)


def clean_candidates(text: str, cands: Sequence[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The discovered spans without fragments, agencies' pieces, and a sentence's full stop at a name's end."""
    out = []
    for s, e, name, typ in cands:
        if typ == COMPANY and name.isascii() and not (" " in name and _COMPANY_WORDS.search(name)) \
                and _AGENCY_TAIL.match(text, e, min(len(text), e + 80)):
            continue
        trimmed = name.rstrip(".") if not re.search(r"\b(?:Inc|Ltd|Corp|Co|S\.A|N\.V|L\.P)\.$", name) else name
        if is_fragment(trimmed) or len(trimmed.strip()) < 2:
            continue
        if trimmed[:1].islower() and re.search(r" cells?$", trimmed):
            continue  # "the same cell", "mesenchymal stromal cell": lower-case "… cell" is a noun phrase, not a name
        verb = _HEADLINE_VERB.search(trimmed) if trimmed.isascii() and typ == COMPANY else None
        if verb is not None and _COMPANY_WORDS.search(trimmed[:verb.start()].rstrip()):
            # "Fenwick Biosciences Announces FDA Clearance": a headline; the name ends at its company word
            trimmed = trimmed[:verb.start()].rstrip()
        if trimmed.isascii() and _REGULATORY_TERM.search(trimmed):
            continue  # "Investigational New Drug", "Breakthrough Therapy": a filing or a designation
        if trimmed.isascii() and _MODIFIER_TAIL.search(trimmed):
            continue  # "CD19-directed", "BCMA-targeting", "iPSC-derived": a modifier, not a name
        out.append((s, s + len(trimmed), trimmed, typ))
    return out


def zh_institutions(text: str, folded: str, suffixes: Sequence[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """Chinese hospitals, universities and institutes: a Han stem before one of ``suffixes``.

    A hospital's or an institute's name may hold its university's or academy's ("江州大學附設醫院",
    "中科院江州藥物研究所"), so those stems may be longer than a university's own.
    """
    out: list[tuple[int, int, str, str]] = []
    for suffix, typ in suffixes:
        for m in re.finditer(re.escape(suffix), folded):
            start, j = m.start(), m.start()
            room = 6 if suffix in ("大学", "学院") else 14
            while j > 0 and start - j < room and re.match(rf"[{HAN}]", folded[j - 1]) and (
                    folded[j - 1] not in _ZH_BOUNDARY or folded[j - 2:j] in _ZH_NAME_PAIRS):
                j -= 1
            if start - j > 8 and not re.search(r"大学|学院|医学|科学院|[院校]", folded[j:start]):
                j = start - 8
            lead = _ZH_LEAD.match(folded, j, start)
            if lead:
                j = lead.end()
            # "晶禾生技攜手北城紀念醫院": a partnering verb, or a company's suffix, ends what came before.
            cuts = [j + c.end() for c in _ZH_INSTITUTION_CUT.finditer(folded[j:start])
                    if folded[j + c.end() - 2:j + c.end()] not in _ZH_NAME_PAIRS]
            cuts = [c for c in cuts if start - c >= 2]
            if cuts:
                j = cuts[-1]
            if start - j >= 2 and not _ZH_INSTITUTION_DESC.search(folded[j:start]):
                out.append((j, m.end(), text[j:m.end()], typ))
    return out


def exchange_brackets(folded: str) -> list[tuple[int, int, str]]:
    """Where a Han name is followed by an exchange and ticker in brackets, as ``(name end, name end, code)``."""
    return [(b.start(), b.start(), "0000") for b in _EXCHANGE_BRACKET.finditer(folded)]


def absorb_inner_terms(text: str, candidates: Sequence[tuple[int, int, str, str]], found: list[_M],
                       taken: list[tuple[int, int]]) -> None:
    """"和信治癌中心醫院", "Halvorsen Cancer Institute": a term inside an institution's name is part of it, and
    so is the "US" of "US Northway" glued to Chinese text (:func:`country_code_lead`)."""
    for s, e, name, typ in candidates:
        if any(c.kind == COMPANY and c.start < e and s < c.end for c in found):
            continue
        if typ == COMPANY and not country_code_lead(text, s, name.split()):
            continue
        for m in [m for m in found if m.kind != COMPANY and s <= m.start and m.end <= e and (m.start, m.end) != (s, e)]:
            found.remove(m)
            taken.remove((m.start, m.end))


def document_products(sents: Sequence[Sentence], all_ms: list[list[_M]], products: list[list[_M]]) -> None:
    """A name read as a product or platform anywhere in a document is one in all of its sentences.

    "X acquired Velorix." before "Velorix, a gene therapy for …": the discovered company Velorix of the
    first sentence becomes a product there too (changed in place), so coreference links it to its owner.
    """
    keys: dict[str, set[str]] = {}
    for sent, prods in zip(sents, products):
        # Only a name described as a product counts: a cue word before it ("採用X技術") is too weak to
        # overrule the document's other sentences.
        keys.setdefault(sent.doc_id, set()).update(_fold(p.surface).strip() for p in prods if p.firm)
    for sent, ms, prods in zip(sents, all_ms, products):
        names = keys.get(sent.doc_id)
        if not names:
            continue
        for m in [m for m in ms if m.kind == COMPANY and not m.curated and not m.pronoun
                  and _fold(m.surface).strip() in names]:
            ms.remove(m)
            prods.append(_M(m.start, m.end, "", PRODUCT, m.surface, curated=False))



def _stated_owner(text: str, ms: Sequence[_M], p: _M) -> _M | None:
    """The company a product's own description names ("Velorix is Quillon Bio's platform")."""
    owned = _OWNED.match(text[p.end:p.end + 120])
    inside = [m for m in ms if m.kind == COMPANY and owned and p.end <= m.start < p.end + owned.start("desc")]
    return inside[0] if inside else None


def _owner(text: str, ms: Sequence[_M], p: _M) -> _M | None:
    """The company a product belongs to: the one its own description names, a possessive before it
    ("Halvorsen's Velorix"), else the sentence's subject, the first company before it
    ("博川生物將其星鏈平台…授權給恆遠藥業"), else the first company after it ("Velorix, the CAR-T of Halvorsen")."""
    companies = [m for m in ms if m.kind == COMPANY and not m.appositive]
    stated = _stated_owner(text, companies, p)
    if stated is not None:
        return stated
    before = [m for m in companies if m.end <= p.start]
    if before and re.fullmatch(r"['’]s\s+(?:[\w-]+\s+){0,3}", text[before[-1].end:p.start]):
        return before[-1]
    if before:
        return before[0]
    after = [m for m in companies if m.start >= p.end]
    return after[0] if after else None


def product_links(sent: Sentence, ms: Sequence[_M], prods: Sequence[_M],
                  owners: dict[str, str]) -> tuple[list[Entity], list[Relation], list[Mention]]:
    """The products and platforms of a sentence as ``rkg:Product`` entities, each ``rkg:productOf`` its company.

    Args:
        sent: the sentence.
        ms: its mentions after coreference.
        prods: the names read as products or platforms in it.
        owners: folded product name -> owner IRI, carried through the document (the first owner found
            stays; a later sentence that names no company still links the product).

    Returns:
        The product entities, their ``productOf`` relations and their mentions; a product without an owner
        is left out (it would be a name with no fact).
    """
    ents: list[Entity] = []
    rels: list[Relation] = []
    mentions: list[Mention] = []
    for p in prods:
        key = _fold(p.surface).strip()
        if not key:
            continue
        stated = _stated_owner(sent.text, ms, p)
        if stated is not None:
            owners[key] = stated.iri  # a stated owner overrules one inferred from position earlier
        elif key not in owners:
            owner = _owner(sent.text, ms, p)
            if owner is None:
                continue
            owners[key] = owner.iri
        iri = str(resource("product", slugify(key)))
        lang = (sent.lang if sent.lang in ("zh-Hant", "zh-Hans") else "zh-Hant") if re.search(rf"[{HAN}]", p.surface) \
            else "en"
        ents.append(Entity(iri=iri, type=PRODUCT, labels={lang: p.surface.strip()}, curated=False))
        rels.append(Relation(iri, "productOf", owners[key], sent.id, sent.doc_id, "product-owner", 0.7))
        mentions.append(Mention(sent.id, p.start, p.end, p.surface, PRODUCT, iri, False))
    return ents, rels, mentions


# What a deal table's party cell holds when it is an asset, not a company: shares or rights, a platform, a
# list of programmes ("全部股權（GC-01、FasTrak平台）").
_ASSET_CELL = re.compile(r"股权|股份|权益|权利|资产|平台|管线|产品|技术|\bplatform\b|\brights?\b|\bstake\b|\bassets?\b|"
                         r"\bportfolio\b|\bprogram(?:me)?s?\b|[、,，;；]", re.IGNORECASE)


def party_cell_ok(cell: str) -> bool:
    """Whether a table cell with no known name may be taken whole as a party's name (not a fragment, not an
    asset, shares or a list). For :func:`.tables.table_rows`."""
    return not is_fragment(cell) and not _ASSET_CELL.search(_fold(cell))


# "晶禾生技與長庚合作", "與鴻海簽署…": a Han run between a partnering preposition and a partnering verb is the
# other party, suffix or not, when the sentence has named a company before it.
_PARTY_FRAME = re.compile(rf"(?:与|和|跟|同)(?P<name>[{HAN}]{{2,6}}?)(?:的)?(?:合作|签署|签订|签约|携手|共同|联合|结盟|"
                          r"达成|展开|洽谈|合资|组建)")
# Parts of speech of ordinary words (jieba): a run made only of them is a description ("與業者合作",
# "與研究團隊合作", "與對方簽署"), not a name.
_ORDINARY_POS = frozenset({"n", "vn", "v", "m", "r", "s", "a", "d", "q", "f", "t", "p", "c", "u", "an", "ad", "vd"})


def party_frame_names(text: str, found: Sequence[_M], candidates: Sequence[tuple[int, int, str, str]],
                      taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """Han names without a suffix that stand as the second party of a partnering frame (see :data:`_PARTY_FRAME`)."""
    from ..names_model import word_freq, word_tags

    folded = _fold(text)
    occupied = [(a, b) for a, b, _, _ in candidates] + list(taken)
    parties = [m.end for m in found if m.kind == COMPANY] + [b for _, b, _, t in candidates if t == COMPANY]
    out: list[tuple[int, int, str, str]] = []
    for m in _PARTY_FRAME.finditer(folded):
        s, e = m.span("name")
        name = folded[s:e]
        if not any(b <= m.start() for b in parties) or any(a < e and s < b for a, b in occupied):
            continue
        if any(c in _ZH_BOUNDARY for c in name) or _ZH_CUT.search(name) or _ZH_INSTITUTION_DESC.search(name):
            continue
        tags = word_tags(name)
        if all(flag in _ORDINARY_POS for _, flag in tags) or word_freq(name) >= 1000:
            continue
        out.append((s, e, text[s:e], COMPANY))
    return out


# "視網膜細胞", "胰島細胞", "心肌細胞": a tissue or organ before 細胞 names a cell type, not a company.
_TISSUE = (r"视网膜|心肌|神经|软骨|胰岛|肝|皮肤|脂肪|骨髓|脐带|造血|免疫|肌肉|上皮|内皮|血液|角膜|红血球|血小板|"
           r"多巴胺|色素|纤维母|成纤维|胚胎|生殖|肿瘤|癌|淋巴|巨噬|树突|自然杀手|杀手|前驱|祖")


_SUFFIXES_LONGEST_FIRST = sorted(_ZH_ORG_SUFFIX, key=len, reverse=True)


def extend_to_suffix(text: str, found: list[_M]) -> None:
    """"永昕醫藥" where the gazetteer knows "永昕": a listed company's short Chinese name with a company suffix
    after it is one mention over both (changed in place), so the words after it are the sentence's."""
    folded = _fold(text)
    starts = {m.start for m in found}
    for m in found:
        if m.kind != COMPANY or not re.fullmatch(rf"[{HAN}]{{2,}}", folded[m.start:m.end]):
            continue
        suffix = next((x for x in _SUFFIXES_LONGEST_FIRST if folded.startswith(x, m.end)), None)
        if suffix is not None and m.end not in starts and m.end + len(suffix) not in starts and \
                not any(o is not m and o.start < m.end + len(suffix) and m.end < o.end for o in found):
            m.end += len(suffix)
            m.surface = text[m.start:m.end]
