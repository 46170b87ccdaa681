"""Cue words of a question: relation, status, company-kind, country and time cues, and the time parser.

Every pattern is matched on :func:`~regenkg.graph.match.fold_aligned` text (lower case, Simplified
characters) with entity spans blanked out; :mod:`regenkg.query.understand` reads them to build a
:class:`~regenkg.query.question.TypedQuery`, and :func:`_unused` lists the content words no cue used.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from ..graph.match import fold_aligned
from .question import TimeRange

# ---- cue words (matched on fold_aligned text: lower case, Simplified characters) ----------------------
_ACQ = re.compile(r"收购|并购|买下|购入|拿下|\bpa(?:y|id|ying) (?:\w+ )*?for\b|\bacquir\w*|\bacquisitions?\b|\bbought\b|\bbuy\w*|\bpurchas\w*|\btake ?over\b|\btook over\b|"
                  r"\btakeovers?\b|并入|\b(?:become|became|becomes|becoming|been|was|were) part of\b|(?<=\x00 )part of\b|\bmerged into\b|\bfolded into\b")
# Paying is a deal without saying which: an acquisition or a licence (both are read).
_PAY = re.compile(r"支付|付了|花了|出资|收取|\bpa(?:y|id|ying|yment)\b|\breceiv(?:e|es|ed|ing)\b")
_ACQ_BY = re.compile(r"被谁|谁收购|谁并购|谁买下|母公司|\bwho (?:acquired|bought|owns|purchased)\b|\bacquired by\b|"
                     r"\bparent\b|\bowner\b|\bbought by\b|\bowns\b")
_PASSIVE = re.compile(r"被|遭|\b(?:acquired|bought|purchased|taken over|snapped up|licensed|spun out|sold) by\b|"
                      r"\bwas (?:acquired|bought)\b|\bwere (?:acquired|bought)\b|并入|"
                      r"\b(?:become|became|becomes|becoming|been|was|were) part of\b|(?<=\x00 )part of\b|\bmerged into\b|\bfolded into\b")
# "Was it confirmed?": every status a report of the deal has is the answer (rumoured, denied, announced…).
_CONFIRM = re.compile(r"(?:是否|有没有|有无)(?:已|有)?(?:获得|得到|被|经)?(?:证实|确认|属实|成真)|(?:证实|确认|属实)了?吗|"
                      r"\b(?:was|were|is|has|have) (?:it|this|that|the (?:deal|report|rumou?r|news)) (?:been )?"
                      r"(?:confirmed|true|verified)\b|\bconfirmed\b|\bunconfirmed\b")
# A chain of owners: "先后并入了哪些公司", "which companies did X successively become part of".
# "Which companies has X been part of" asks the whole history of owners, as 先后 does.
_CHAIN = re.compile(r"先后|相继|辗转|\bsuccessive(?:ly)?\b|\bin turn\b|\bone after another\b|\bultimately\b|"
                    r"\b(?:has|have)\b[\x00 ]*been part of\b")
_PARTNER = re.compile(r"合作|伙伴|授权|结盟|\bpartner\w*|\bcollaborat\w*|\blicen[cs]\w*|\balliance\w*|\bdeal\w*")
_LICENCE = re.compile(r"授权|许可引进|\blicen[cs]\w*|\bin-licens\w*")
_JV = re.compile(r"合资|\bjoint ventures?\b|\bjv\b")
_SOLD = re.compile(r"出售|卖给|转让|\bsold\b|\bsell\w*|\bdivest\w*")
_SPIN = re.compile(r"分拆|衍生公司|衍生自|源自|\bspin-?outs?\b|\bspun (?:out|off)\b|\bspin-?offs?\b|"
                   r"\bspin(?:s|ning)? (?:out|off)\b")
_EXIT = re.compile(r"退出|撤出|收摊|\bexit\w*|\bwound down\b|\bwind(?:s|ing)? down\b|\bquit\b|\bdiscontinu\w*|"
                   r"\bshut down\b|\bpulled out\b")
_DEVELOP = re.compile(r"开发|布局|研发|发展|投入|做|从事|\bdevelop\w*|\bwork\w* on\b|\bpursu\w*|\bbuild\w*|"
                      r"\binvest\w*|\bprogram\w*|\bpipeline\b|\bmodalit\w*|\bwhat\b.*\b(?:do|does)\b")
_WHO = re.compile(r"谁|哪些|哪家|哪几家|哪个|哪一|什么公司|有谁|\bwho\b|\bwhich\b|\bwhat companies\b|\bcompanies\b|"
                  r"\bfirms?\b|\bplayers\b|\blist\b")
_WH = re.compile(r"谁|哪|什么|何|多少|几家|\bwho\w*\b|\bwhich\b|\bwhat\b|\bhow\b")
_TREAT = re.compile(r"治疗|适应症|用于|针对|疾病|\btreat\w*|\bindication\w*|\bdiseases?\b|\bused for\b|\bused in\b")
_MODALITY_WORD = re.compile(r"疗法|技术|\btherap\w*|\bmodalit\w*|\bapproach\w*|\btechnolog\w*")
_REGULATION = re.compile(r"法规|法案|条例|法律|专法|监管|规定|办法|法|\blaws?\b|\bacts?\b|\bbills?\b|\blegislat\w*|\bregulat\w*|\brule\w*|\bapproval pathway\b|"
                         r"\bframework\b")
_STRONG_REGULATION = re.compile(r"法规|法案|条例|法律|专法|规定|办法|\blaws?\b|\bacts?\b|\bregulations?\b|\blegislat\w*")
_MARKET = re.compile(r"市场|规模|产值|多大|\bmarket\w*|\bhow big\b|\bsize\b|\bworth\b|\bcagr\b|\bgrowth\b")
_INDICATION_WORD = re.compile(r"适应症|疾病|病症|癌症|\bindications?\b|\bdiseases?\b|\bconditions?\b|\bcancers?\b|"
                              r"\bdisorders?\b|\btarget\w*|治疗什么|治疗哪些|锁定")
_COMPANY_WORD = re.compile(r"公司|厂商|业者|企业|药厂|药企|\bcompan\w*|\bfirms?\b|\bplayers\b|\bcdmos?\b|\bbiotechs?\b|"
                           r"\bdrugmakers?\b|\bpharma\w*")
_COMPARE = re.compile(r"比较|对比|相比|有何不同|有什么不同|差异|差别|\bcompar\w*|\bversus\b|\bvs\.?(?=\s)|"
                      r"\bdiffer\w*|\bside by side\b")
# Company kinds. A bare 药厂 / "drug company" is any company: only "big"/"multinational" makes it big pharma.
_KIND_CUES = (
    ("PharmaCompany", re.compile(r"\b(?:big|large|major|global|multinational|large-cap) (?:pharma\w*|drugmakers?|"
                                 r"drug ?companies|drug makers?)(?: (?:groups?|compan\w+|firms?))?|\bpharma giants?\b|"
                                 r"大药厂|大型药厂|跨国药厂|国际药厂|大药企|大型药企|跨国药企|制药巨头|大型制药|国际大厂|"
                                 r"跨国制药|大厂")),
    ("Biotech", re.compile(r"\bbiotech(?:s|nology compan\w*| compan\w*| firms?)?\b|生技公司|生技业者|生技厂|"
                           r"生物技术公司|生物科技公司|生技新创")),
    ("CDMO", re.compile(r"\bcdmos?\b|\bcontract (?:development and )?manufactur\w*|委托开发|代工|委托制造")),
)
_STATUS_CUES = (
    ("Terminated", re.compile(r"终止|结束|解约|中止|告终|\bterminat\w*|\bended\b|\bend(?:s|ing)? (?:its|their|the)\b|"
                              r"\bcancel\w*|\bcalled off\b|\bwound down\b|\bdropped\b|\bhanded back\b|\breturned the rights\b")),
    ("Denied", re.compile(r"否认|否定|澄清|\bden(?:y|ied|ies|ial)\w*|\brefut\w*|\brejected\b|\bnot (?:an? )?acqui\w*")),
    ("Rumoured", re.compile(r"传出|传闻|传言|市场猜测|猜测|据报|\brumou?r\w*|\breported(?:ly)?\b|\bspeculat\w*|"
                            r"\bunconfirmed\b|\bsaid to\b")),
)
# Approvals and permits are not facts the graph records: a question conditioned on one cannot be answered
# from the graph, and is said so instead of answered without the condition.
_APPROVAL = re.compile(r"许可|核准|获批|批准|获准|上市申请|\bapprov\w*|\bmarketing authori[sz]ation\b|\bclearance\b|"
                       r"\bpermits?\b|\blicensed to (?:sell|market)\b|"
                       # reimbursement is a payer's decision the graph does not record either
                       r"纳入给付|给付|健保|医保|报销|\breimburs\w*|\binsurance coverage\b")
# A wh-word asking for places ("哪些地区", "which regions"): only some relations answer with places.
_PLACE_WH = re.compile(r"(?:哪些|哪个|哪几个|什么)(?:地区|国家|城市|省份|省市|省|地方)(?!的(?:公司|企业|药厂|厂商))|"
                       r"\b(?:which|what) (?:countries|regions|cities|provinces|places)\b(?! (?:have|host) compan)")
_AMOUNT = re.compile(r"多少钱|多少|金额|价格|代价|对价|首付款|预付款|前金|\bhow much\b|\bprice\b|\bpaid\b|\bpay\b|"
                     r"\bvalue[ds]?\b|\bamount\b|\bupfront\b|\bcost\b")
_LARGEST = re.compile(r"最大|最高|最贵|\blargest\b|\bbiggest\b|\bmost expensive\b|\blargest deals?\b")
_COUNT = re.compile(r"多少家|几家|几个|多少个|多少间|\bhow many\b|\bnumber of\b")
# Sub-modality modifiers: kept as words of the modality when the vocabulary has the narrower concept,
# otherwise a constraint that cannot be evaluated (answering for plain CAR-T would be wrong).
_SUBMOD = re.compile(r"通用型|异体|同种异体|现货型|自体|体内|体外|\ballogeneic\b|\boff-the-shelf\b|\bautologous\b|"
                     r"\bin vivo\b|\bex vivo\b|\buniversal\b")
_DEMONYMS = {"taiwanese": "TW", "japanese": "JP", "chinese": "CN", "korean": "KR", "south korean": "KR",
             "american": "US", "swiss": "CH", "british": "GB", "german": "DE", "french": "FR", "dutch": "NL",
             "danish": "DK", "belgian": "BE", "israeli": "IL", "irish": "IE", "norwegian": "NO", "european": "EU",
             "国产": "CN", "陆企": "CN", "中资": "CN", "台厂": "TW", "日系": "JP", "日企": "JP", "韩企": "KR",
             "美商": "US"}
_DEMONYM_RE = re.compile(r"\b(?:south korean|taiwanese|japanese|chinese|korean|american|swiss|british|german|french|"
                         r"dutch|danish|belgian|israeli|irish|norwegian|european)\b|国产|陆企|中资|台厂|日系|日企|韩企|美商")
_DOMESTIC = re.compile(r"国内|本土")

# ---- time ----------------------------------------------------------------------------------------------
_Y = r"((?:19|20)\d\d)"
_TIME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bbetween " + _Y + r" and " + _Y + r"\b|" + _Y + r"\s*(?:年)?\s*(?:-|–|至|到)\s*" + _Y + r"\s*年?"), "between"),
    (re.compile(r"\b(?:after|post-?)\s*" + _Y + r"\b"), "after"),
    (re.compile(r"\b(?:since|from|as of|starting)\s*(?:(?:january|february|march|april|may|june|july|august|september|"
                r"october|november|december)\s+)?" + _Y + r"\b|(?:自|从)?" + _Y + r"\s*年\s*(?:\d{1,2}\s*月\s*)?"
                r"(?:以来|以后|之后|后|起|开始)"), "since"),
    (re.compile(r"\b(?:before|prior to|until|pre-?)\s*" + _Y + r"\b|" + _Y + r"\s*年\s*(?:以前|之前|前)"), "before"),
    (re.compile(r"\b(?:in|during|of)\s+(?:(?:early|late|mid-?)\s+)?((?:january|february|march|april|may|june|july|august|"
                r"september|october|november|december)\s+)?" + _Y + r"\b|" + _Y + r"\s*年\s*(?:(\d{1,2})\s*月)?|"
                r"\b" + _Y + r"\b"), "in"),
)
_RELATIVE_YEAR = (
    (re.compile(r"去年|\blast year\b|\bpast year\b"), -1, "in"),
    (re.compile(r"前年|\btwo years ago\b|\bthe year before last\b"), -2, "in"),
    (re.compile(r"今年|\bthis year\b"), 0, "in"),
    (re.compile(r"近三年|过去三年|\b(?:past|last) three years\b"), -3, "since"),
    (re.compile(r"近两年|过去两年|\b(?:past|last) two years\b"), -2, "since"),
)
_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                             "september", "october", "november", "december"))}


def _deal_relations(cues: str) -> list[tuple[str, int]]:
    """Deal relations named by cue words, with the position of the first cue."""
    out: list[tuple[str, int]] = []
    for rel, rx in (("jointVentureWith", _JV), ("spunOutFrom", _SPIN), ("soldTo", _SOLD), ("acquired", _ACQ),
                    ("licensedFrom", _LICENCE), ("partneredWith", _PARTNER), ("exited", _EXIT)):
        m = rx.search(cues)
        if m:
            out.append((rel, m.start()))
    acq = _ACQ.search(cues)
    if acq and re.match(r"pa(?:y|id|ying)\b", acq.group(0)) and _LICENCE.search(cues) and not _ACQ.search(cues, acq.end()):
        out = [(r, p) for r, p in out if r != "acquired"]  # "how much did X pay for the licence": a licence
    pay = _PAY.search(cues)
    if pay and not out:
        out = [("acquired", pay.start()), ("licensedFrom", pay.start())]
    # "licensing deal" / 授权合作 is one licence, not a licence and a collaboration.
    names = {r for r, _ in out}
    if "licensedFrom" in names and "partneredWith" in names:
        out = [(r, p) for r, p in out if r != "partneredWith"]
    if "jointVentureWith" in names:
        out = [(r, p) for r, p in out if r not in ("partneredWith",)]
    if "spunOutFrom" in names and "acquired" in names:
        pass  # "which spin-out was bought": the acquisition is asked, the spin-out is a constraint (kept both)
    return sorted(out, key=lambda x: x[1])


def _time(cues: str, today: _dt.date) -> TimeRange | None:
    for rx, delta, op in _RELATIVE_YEAR:
        m = rx.search(cues)
        if m:
            y = today.year + delta
            return TimeRange(y, y if op == "in" else None, m.group(0))
    for rx, op in _TIME_PATTERNS:
        m = rx.search(cues)
        if not m:
            continue
        years = [int(g) for g in m.groups() if g and re.fullmatch(r"(?:19|20)\d\d", g)]
        if not years:
            continue
        if op == "between":
            return TimeRange(min(years), max(years), m.group(0))
        y = years[0]
        if op == "after":
            return TimeRange(y + 1, None, m.group(0))
        if op == "since":
            return TimeRange(y, None, m.group(0))
        if op == "before":
            return TimeRange(None, y - 1, m.group(0))
        month = None
        for g in m.groups():
            if g and g.strip() in _MONTHS:
                month = _MONTHS[g.strip()]
            elif g and g.isdigit() and len(g) <= 2:
                month = int(g)
        return TimeRange(y, y, m.group(0), month)
    return None


# Words that carry no content of their own (question scaffolding), left out of "unused words".
_FILLER_EN = frozenset(["a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "by", "with", "from", "as", "at", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "which", "what", "who", "whom", "whose", "when", "where", "how", "that", "this", "these", "those", "it", "its", "their", "there", "any", "some", "all", "company", "companies", "firm", "firms", "player", "players", "list", "show", "me", "tell", "please", "can", "could", "would", "will", "shall", "should", "may", "might", "did", "does", "about", "between", "both", "each", "other", "others", "than", "then", "into", "out", "up", "also", "just", "only", "own", "such", "one", "ones", "ever", "yet", "so", "very", "much", "many", "number", "name", "names", "i", "we", "you", "they", "them", "our", "your", "his", "her", "s", "t", "vs"])
_FILLER_ZH = re.compile(r"哪些|哪家|哪几家|哪个|哪一|哪|什么|谁|是否|有没有|有|的|了|在|和|与|跟|及|以及|或|并|且|"
                        r"是|被|从|向|对|把|将|给|为|于|由|之|中|其|这|那|些|家|个|位|吗|呢|呀|吧|分别|各|都|也|还|"
                        r"公司|企业|厂商|业者|请问|目前|已经|已|曾|过|会|能|要|去|来|上|下|里|内|后|前|年|月|日|"
                        r"如何|怎么|怎样|多|少|最|大|小|间|所|类|款|项|部|起|以|及其|双方|方|对方|关系|情况|进展|消息")


def _unused(text: str, cues: str, used: list[tuple[int, int]]) -> tuple[str, ...]:
    """Content words no entity, cue or qualifier consumed (shown so a dropped qualifier is visible)."""
    mask = list(cues)
    for s, e in used:
        mask[s:e] = "\x00" * (e - s)
    rest = "".join(mask)
    out: list[str] = []
    for m in re.finditer(r"[a-z][a-z0-9'\-]*|[\u3400-\u9fff]+", rest):
        w = m.group(0)
        if w[0].isascii():
            if w in _FILLER_EN or len(w) < 3 or w.rstrip("s") in _FILLER_EN:
                continue
            out.append(text[m.start():m.end()])
        else:
            remaining = _FILLER_ZH.sub(" ", w)
            for part in remaining.split():
                if len(part) >= 2:
                    i = w.find(part)
                    out.append(text[m.start() + i:m.start() + i + len(part)])
    return tuple(dict.fromkeys(out))


# ---- role and party nouns, from the ontology's labels ------------------------------------------------------
# Deal roles (rkg:acquirer …) and the party classes a deal's other end may be restricted to. Their SKOS/RDFS
# labels in three scripts are the nouns a question uses to ask for one end ("市場猜測的買家是誰",
# "who was the licensor", "合作醫院是哪家"), so the vocabulary grows with the ontology, not with this file.
ROLE_NAMES = ("acquirer", "target", "licensor", "licensee", "seller", "buyer", "partner", "parentOrg", "spinOut")
PARTY_CLASSES = ("Hospital", "University")
# A question asking for "the other party" without naming its role.
_OTHER_PARTY = re.compile(r"\bby whom\b|\bwith whom\b|\bto whom\b|\bfrom whom\b|\b(?:the|both) (?:parties|sides)\b|"
                          r"\bcounterpart\w*|双方|对方|交易对手|交易方")
# Whether/how two named entities are related: "did A acquire B", "A是否收购了B", "A和B是什么关系".
_YES_NO = re.compile(r"^\s*(?:did|does|do|is|was|were|has|have|had)\b|是否|有没有|有无|有否|\bwhether\b|吗\s*[？?]")
_RELATIONSHIP = re.compile(r"关系|关联|\brelationships?\b|\brelations?\b|\bhow (?:are|were) \S+ (?:and \S+ )?related\b|"
                           r"\bconnection\b")
# A document noun: "the deals described in the off-the-shelf article" scopes a topic to the article.
_DOCUMENT = re.compile(r"\barticles?\b|\bstor(?:y|ies)\b|\bpress releases?\b|\bnews pieces?\b|文章|报道|报导|"
                       r"新闻稿|这篇|该篇|本文")
# Clause boundaries: a second clause after one of these may ask a follow-up about the same fact.
_CLAUSE = re.compile(r"[。？?！!；;，,]|\band\b")


def _label_pattern(labels: set[str]) -> re.Pattern[str] | None:
    parts = []
    for label in sorted(labels, key=len, reverse=True):
        f = re.escape(fold_aligned(label))
        parts.append(rf"\b{f}\b" if label.isascii() else f)
    return re.compile("|".join(parts)) if parts else None


@lru_cache(maxsize=1)
def ontology_nouns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """``(group, local name, pattern)`` for every deal role and party class with labels in the ontology.

    ``group`` is ``role`` (a deal role property) or ``kind`` (a class a party may be asked to have).
    """
    from rdflib import URIRef

    from ..graph.ontology import RDFS, RKG, SKOS, default_gazetteer

    graph = default_gazetteer().graph
    out: list[tuple[str, str, re.Pattern[str]]] = []
    for group, names in (("role", ROLE_NAMES), ("kind", PARTY_CLASSES)):
        for name in names:
            node = URIRef(str(RKG._NS) + name)
            labels = {str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(node, p)}
            pattern = _label_pattern({x for x in labels if x.strip()})
            if pattern is not None:
                out.append((group, name, pattern))
    return tuple(out)


def noun_mentions(cues: str, group: str) -> list[tuple[str, int, int]]:
    """``(local name, start, end)`` of the role or class nouns in ``cues``, longest match at each place."""
    found: list[tuple[str, int, int]] = []
    for g, name, rx in ontology_nouns():
        if g != group:
            continue
        for m in rx.finditer(cues):
            found.append((name, m.start(), m.end()))
    found.sort(key=lambda x: (x[1], -(x[2] - x[1])))
    out: list[tuple[str, int, int]] = []
    for item in found:
        if not out or item[1] >= out[-1][2]:
            out.append(item)
    return out


def clause_of(cues: str, pos: int) -> int:
    """Index of the clause ``pos`` falls in (clauses split at sentence and comma punctuation, or "and")."""
    return sum(1 for m in _CLAUSE.finditer(cues) if m.end() <= pos)
