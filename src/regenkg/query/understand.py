"""Question understanding without an LLM: a typed query (relation, slots, constraints) in any script.

Entities are found with the same folding matcher as extraction, longest match first, so 谁在开发TCR-T,
誰在開發TCR-T and "who develops TCR-T" link the same modality and a company whose name contains a
modality word is the company. Cue words are read on the script-folded text with the entity spans blanked
out, so "Legend Biotech" never reads as the company kind "biotech". What the question asks becomes a
:class:`TypedQuery`: the relation(s), which end of the fact is the answer, what binds or constrains each end
(entities, company kind, country, "develops X" for two-hop chains), constraints on the fact itself (time,
deal status), what is measured (entities, an amount, a count, the largest) — and the words that were not
used, so an answer can say what it did not understand instead of silently answering another question.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..graph.match import Matcher, fold_aligned

if TYPE_CHECKING:
    from ..graph.ontology import Gazetteer

__all__ = [
    "DEAL_RELATIONS",
    "INTENTS",
    "RELATIONS",
    "STATUSES",
    "Constraint",
    "Question",
    "Slot",
    "TimeRange",
    "TypedQuery",
    "narrower_labels",
    "question_lang",
    "understand",
]

INTENTS = ("who_develops", "what_develops", "indications_of", "acquirer_of", "acquired_by", "partners_of", "targets_indication",
           "modalities_for", "modality_treats", "companies_in", "regulation", "market", "deals", "compare")

# Graph predicates a typed query can ask about (local names in the rkg: namespace).
RELATIONS = ("develops", "targets", "treats", "acquired", "partneredWith", "licensedFrom", "jointVentureWith",
             "soldTo", "spunOutFrom", "exited", "operatesIn", "headquarteredIn", "regulation", "market")
# Relations that are also recorded as rkg:Deal events (kind, subject role, object role).
DEAL_RELATIONS = {
    "acquired": ("Acquisition", "acquirer", "target"),
    "partneredWith": ("Collaboration", "partner", "partner"),
    "licensedFrom": ("Licence", "licensee", "licensor"),
    "jointVentureWith": ("JointVenture", "partner", "partner"),
    "soldTo": ("Divestment", "seller", "buyer"),
    "spunOutFrom": ("SpinOut", "spinOut", "parentOrg"),
}
STATUSES = ("Announced", "Completed", "Terminated", "Denied", "Rumoured")
COMPANY_KINDS = ("PharmaCompany", "Biotech", "CDMO")

MAX_QUESTION_CHARS = 1000

# ---- cue words (matched on fold_aligned text: lower case, Simplified characters) ----------------------
_ACQ = re.compile(r"收购|并购|买下|购入|拿下|\bpa(?:y|id|ying) (?:\w+ )*?for\b|\bacquir\w*|\bacquisitions?\b|\bbought\b|\bbuy\w*|\bpurchas\w*|\btake ?over\b|\btook over\b|"
                  r"\btakeovers?\b|并入")
# Paying is a deal without saying which: an acquisition or a licence (both are read).
_PAY = re.compile(r"支付|付了|花了|出资|\bpa(?:y|id|ying|yment)\b")
_ACQ_BY = re.compile(r"被谁|谁收购|谁并购|谁买下|母公司|\bwho (?:acquired|bought|owns|purchased)\b|\bacquired by\b|"
                     r"\bparent\b|\bowner\b|\bbought by\b|\bowns\b")
_PASSIVE = re.compile(r"被|遭|\b(?:acquired|bought|purchased|taken over|snapped up|licensed|spun out|sold) by\b|"
                      r"\bwas (?:acquired|bought)\b|\bwere (?:acquired|bought)\b|并入")
_PARTNER = re.compile(r"合作|伙伴|授权|结盟|\bpartner\w*|\bcollaborat\w*|\blicen[cs]\w*|\balliance\w*|\bdeal\w*")
_LICENCE = re.compile(r"授权|许可引进|\blicen[cs]\w*|\bin-licens\w*")
_JV = re.compile(r"合资|\bjoint ventures?\b|\bjv\b")
_SOLD = re.compile(r"出售|卖给|转让|\bsold\b|\bsell\w*|\bdivest\w*")
_SPIN = re.compile(r"分拆|衍生公司|衍生自|源自|\bspin-?outs?\b|\bspun (?:out|off)\b|\bspin-?offs?\b")
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
                       r"\bpermits?\b|\blicensed to (?:sell|market)\b")
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

# Words that carry no content of their own (question scaffolding), left out of "unused words".
_FILLER_EN = frozenset(["a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "by", "with", "from", "as", "at", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "which", "what", "who", "whom", "whose", "when", "where", "how", "that", "this", "these", "those", "it", "its", "their", "there", "any", "some", "all", "company", "companies", "firm", "firms", "player", "players", "list", "show", "me", "tell", "please", "can", "could", "would", "will", "shall", "should", "may", "might", "did", "does", "about", "between", "both", "each", "other", "others", "than", "then", "into", "out", "up", "also", "just", "only", "own", "such", "one", "ones", "ever", "yet", "so", "very", "much", "many", "number", "name", "names", "i", "we", "you", "they", "them", "our", "your", "his", "her", "s", "t", "vs"])
_FILLER_ZH = re.compile(r"哪些|哪家|哪几家|哪个|哪一|哪|什么|谁|是否|有没有|有|的|了|在|和|与|跟|及|以及|或|并|且|"
                        r"是|被|从|向|对|把|将|给|为|于|由|之|中|其|这|那|些|家|个|位|吗|呢|呀|吧|分别|各|都|也|还|"
                        r"公司|企业|厂商|业者|请问|目前|已经|已|曾|过|会|能|要|去|来|上|下|里|内|后|前|年|月|日|"
                        r"如何|怎么|怎样|多|少|最|大|小|间|所|类|款|项|部|起|以|及其|双方|方|对方|关系|情况|进展|消息")


@dataclass(frozen=True)
class TimeRange:
    """Years a fact must fall in (inclusive bounds; ``None`` = open), and the words that said so."""

    start: int | None
    end: int | None
    surface: str
    month: int | None = None

    def contains(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)

    def describe(self) -> str:
        if self.start == self.end and self.start is not None:
            return f"in {self.start}" + (f"-{self.month:02d}" if self.month else "")
        if self.start is not None and self.end is not None:
            return f"{self.start}–{self.end}"
        return f"from {self.start}" if self.start is not None else f"until {self.end}"


@dataclass(frozen=True)
class Slot:
    """One end of the asked relation: bound entities and/or constraints on what may fill it.

    Attributes:
        anchors: IRIs the end is bound to (``VALUES``); empty = a variable.
        kind: a company class (``PharmaCompany``, ``Biotech``, ``CDMO``) the entity must have.
        countries: country IRIs the entity must be headquartered or operate in.
        develops: modality IRIs the entity must develop (narrower concepts included) — the second hop.
        acquired_by_kind: the entity must have been acquired by a company of this kind (second hop).
    """

    anchors: tuple[str, ...] = ()
    kind: str | None = None
    countries: tuple[str, ...] = ()
    develops: tuple[str, ...] = ()
    acquired_by_kind: str | None = None

    def constrained(self) -> bool:
        return bool(self.anchors or self.kind or self.countries or self.develops or self.acquired_by_kind)


@dataclass(frozen=True)
class Constraint:
    """A qualifier found in the question, for the "understood as" line.

    ``evaluated`` is filled in by the planner: ``False`` means the index holds nothing to test it with.
    """

    kind: str  # time | country | company_kind | status | sub_modality | develops | acquired_by | amount | count | largest | topic
    value: str
    applies_to: str  # answer | other | fact
    surface: str


@dataclass(frozen=True)
class TypedQuery:
    """What a question asks, independent of its wording and script.

    Attributes:
        relations: graph predicates (local names) the answer is read from; several are unioned.
        answer: which end of the relation is the answer: ``subject``, ``object`` or ``either`` (symmetric).
        subject, object: the two ends (see :class:`Slot`).
        time: years the fact must fall in.
        statuses: deal statuses asked for (``Terminated`` …); empty = positive facts only.
        measure: ``entities``, ``amount``, ``count`` or ``largest``.
        compare: companies compared side by side (``compare A and B in X``).
        topic: modalities the facts must be about (deal assets, compared areas).
        sub_modality: qualifiers the graph cannot test — modifier words with no narrower concept in the
            vocabulary, or an approval/permit condition (the graph records no approvals).
        constraints: every qualifier, for display.
        unused: content words of the question that nothing above used.
    """

    relations: tuple[str, ...]
    answer: str
    subject: Slot = Slot()
    object: Slot = Slot()
    time: TimeRange | None = None
    statuses: tuple[str, ...] = ()
    measure: str = "entities"
    compare: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    sub_modality: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    unused: tuple[str, ...] = ()

    @property
    def answer_slot(self) -> Slot:
        return self.object if self.answer == "object" else self.subject

    @property
    def other_slot(self) -> Slot:
        return self.subject if self.answer == "object" else self.object

    def entity_key(self) -> tuple:
        """Everything that decides the answer set (not the surfaces): equal across translations."""
        return (self.relations, self.answer, self.subject, self.object,
                (self.time.start, self.time.end) if self.time else None, self.statuses, self.measure,
                self.compare, self.topic, self.sub_modality)


@dataclass(frozen=True)
class Question:
    """A parsed question: text, script, linked entities by type, the intent label and the typed query."""

    text: str
    lang: str
    intent: str | None
    entities: tuple[str, ...]
    by_type: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    query: TypedQuery | None = field(default=None, compare=False)
    surfaces: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


def narrower_labels(gazetteer: Gazetteer) -> dict[str, dict[str, str]]:
    """Modality → {folded label of a narrower concept: its IRI}, so "通用型CAR-T" can find its concept.

    Args:
        gazetteer: a :class:`~regenkg.graph.ontology.Gazetteer` (entities and the SKOS hierarchy).
    """
    out: dict[str, dict[str, str]] = {}
    for iri, ent in gazetteer.entities.items():
        if ent.type != "Modality":
            continue
        for child in gazetteer.narrower_closure(iri) - {iri}:
            c = gazetteer.entities.get(child)
            if c is not None:
                for label in {*c.labels.values(), *c.aliases}:
                    out.setdefault(iri, {})[fold_aligned(label)] = child
    return out


def question_lang(text: str) -> str:
    """``en``, ``zh-Hant`` or ``zh-Hans`` for the asker's script (labels come back in it)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    if not han:
        return "en"
    from ..text.lang import chinese_script

    return chinese_script("".join(han), default="zh-Hant")


def understand(text: str, matcher: Matcher, types: dict[str, str], *, today: _dt.date | None = None,
               kinds: dict[str, str] | None = None, narrower_labels: dict[str, dict[str, str]] | None = None) -> Question:
    """Link entities, read the qualifiers and build the typed query; never raises on arbitrary Unicode.

    Args:
        text: the question (any script; longer than 1 000 characters is cut).
        matcher: a :class:`Matcher` over the gazetteer and discovered labels.
        types: IRI → kind ("Company", "Modality", "Indication", "Segment", "Country", "Regulation").
        today: the date "last year" / 去年 is relative to (default: today).
        kinds: unused, accepted for symmetry with callers that pass the company class map.
        narrower_labels: modality IRI → {folded label: narrower IRI}, used to turn "allogeneic CAR-T" into
            the narrower concept when the vocabulary has it.
    """
    text = unicodedata.normalize("NFC", text or "")[:MAX_QUESTION_CHARS]
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Co", "Cn"))
    lang = question_lang(text)
    folded = fold_aligned(text)
    found: list[str] = []
    first_pos: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    spans: list[tuple[int, int, str]] = []
    for m in matcher.find(text):
        spans.append((m.start, m.end, m.iri))
        if m.iri not in found:
            found.append(m.iri)
            first_pos[m.iri] = m.start
            surfaces[m.iri] = m.surface
    # Cue words are read with entity names blanked out (longest match first: "Legend Biotech" is a name).
    masked = list(folded)
    for s, e, _ in spans:
        masked[s:e] = "\x00" * (e - s)
    cues = "".join(masked)
    by_type: dict[str, list[str]] = {}
    for iri in found:
        by_type.setdefault(types.get(iri, "Company"), []).append(iri)
    intent = _intent(cues, by_type, first_pos)
    bt = {k: tuple(v) for k, v in by_type.items()}
    try:
        query = _typed(text, cues, bt, first_pos, intent, lang, today or _dt.date.today(), narrower_labels or {})
    except RecursionError:  # pragma: no cover - regexes are linear; guard against pathological input anyway
        query = None
    if query is not None and intent is None and query.relations:
        intent = _intent_of(query)
    elif query is not None and intent in ("acquirer_of", "acquired_by") and query.relations[:1] == ("acquired",):
        intent = "acquired_by" if query.answer == "subject" else "acquirer_of"  # the label follows the roles
    return Question(text, lang, intent, tuple(found), bt, query, surfaces)


def _intent(q: str, t: dict[str, list[str]], pos: dict[str, int] | None = None) -> str | None:
    companies, modalities = t.get("Company", []), t.get("Modality", [])
    indications, segments = t.get("Indication", []), t.get("Segment", [])
    countries, regulations = t.get("Country", []), t.get("Regulation", [])
    if regulations or (not companies and _STRONG_REGULATION.search(q)
                       and not re.search(r"谁|哪些公司|哪家公司|\bwho\b|\bcompan", q)):
        return "regulation"
    if _MARKET.search(q) and not companies and re.search(r"\d{4}|市场|market", q) and not _ACQ.search(q) \
            and not _PARTNER.search(q):
        return "market"
    if len(companies) >= 2 and _COMPARE.search(q):
        return "compare"
    if companies:
        if _ACQ.search(q) or _ACQ_BY.search(q) or (_PAY.search(q) and len(companies) >= 2):
            # "who acquired Kite" / "Kite的母公司" vs "what did AstraZeneca acquire" / "阿斯利康收购了哪些公司".
            if _ACQ_BY.search(q):
                return "acquired_by"
            # Word order decides: "which company bought Juno" / "誰收購了Neogene" (the company follows the
            # verb) vs "what did AstraZeneca acquire" / "阿斯利康收購了哪些公司" (it precedes it).
            first = (pos or {}).get(companies[0], -1)
            acq = _ACQ.search(q) or _PAY.search(q)
            if acq and first > acq.start() and _WHO.search(q[: acq.start()] + " "):
                return "acquired_by"
            if acq and _PASSIVE.search(q) and first < acq.start() and "被" in q[:acq.start()] \
                    and q.find("被") < first:
                return "acquired_by"
            return "acquirer_of"
        if _PARTNER.search(q) or _JV.search(q):
            return "partners_of"
        if indications or _INDICATION_WORD.search(q):
            return "indications_of"
        return "what_develops"
    if indications:
        if modalities or _MODALITY_WORD.search(q) and not _COMPANY_WORD.search(q):
            return "modalities_for" if not modalities else "targets_indication"
        return "targets_indication"
    if (_ACQ.search(q) or _PARTNER.search(q) or _JV.search(q) or _EXIT.search(q) or _SOLD.search(q)) \
            and not segments and (modalities or countries or any(c.search(q) for _, c in _KIND_CUES)
                                  or any(c.search(q) for _, c in _STATUS_CUES)):
        return "deals"
    if segments or (countries and _COMPANY_WORD.search(q)):
        if modalities and not segments:
            return "who_develops"
        return "companies_in"
    if modalities:
        if _TREAT.search(q) and not _WHO.search(q):
            return "modality_treats"
        if _TREAT.search(q) and re.search(r"什么|哪些|\bwhat\b|\bwhich\b", q) and not _COMPANY_WORD.search(q) \
                and not _DEVELOP.search(q):
            return "modality_treats"
        return "who_develops"
    if countries and _REGULATION.search(q):
        return "regulation"
    if _MARKET.search(q) and re.search(r"市场|market", q):
        return "market"
    if any(c.search(q) for _, c in _KIND_CUES) and (_ACQ.search(q) or _PARTNER.search(q) or _EXIT.search(q)):
        return "deals"
    if any(c.search(q) for _, c in _STATUS_CUES) and (_PARTNER.search(q) or _ACQ.search(q)):
        return "deals"
    if _EXIT.search(q) and _WHO.search(q):
        return "deals"
    return None


def _intent_of(q: TypedQuery) -> str:
    rel = q.relations[0]
    return {"develops": "who_develops" if q.answer == "subject" else "what_develops",
            "acquired": "acquired_by" if q.answer == "subject" else "acquirer_of"}.get(rel, "deals")


# ---- typed query -----------------------------------------------------------------------------------------
_INTENT_RELATION = {
    "who_develops": (("develops",), "subject"), "what_develops": (("develops",), "object"),
    "indications_of": (("targets",), "object"), "targets_indication": (("targets",), "subject"),
    "modalities_for": (("treats",), "subject"), "modality_treats": (("treats",), "object"),
    "acquirer_of": (("acquired",), "object"), "acquired_by": (("acquired",), "subject"),
    "partners_of": (("partneredWith", "licensedFrom"), "either"), "companies_in": (("operatesIn",), "subject"),
    "regulation": (("regulation",), "subject"), "market": (("market",), "subject"),
}


def _deal_relations(cues: str) -> list[tuple[str, int]]:
    """Deal relations named by cue words, with the position of the first cue."""
    out: list[tuple[str, int]] = []
    for rel, rx in (("jointVentureWith", _JV), ("spunOutFrom", _SPIN), ("soldTo", _SOLD), ("acquired", _ACQ),
                    ("licensedFrom", _LICENCE), ("partneredWith", _PARTNER), ("exited", _EXIT)):
        m = rx.search(cues)
        if m:
            out.append((rel, m.start()))
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


def _typed(text: str, cues: str, t: dict[str, tuple[str, ...]], pos: dict[str, int], intent: str | None,
           lang: str, today: _dt.date, narrower_labels: dict[str, dict[str, str]]) -> TypedQuery | None:
    companies = list(t.get("Company", ()))
    modalities = list(t.get("Modality", ()))
    # "gamma delta T cell therapy" links γδ-T and then "cell therapy": the broader one is the head noun.
    narrower_of = {m: set(narrower_labels.get(m, {}).values()) for m in modalities}
    modalities = [m for m in modalities if not any(o in narrower_of[m] for o in modalities if o != m)]
    countries = list(t.get("Country", ()))
    used: list[tuple[int, int]] = []
    constraints: list[Constraint] = []

    def use(m: re.Match[str] | None) -> None:
        if m:
            used.append((m.start(), m.end()))

    # -- qualifiers that hold whatever the relation is
    time = _time(cues, today)
    if time:
        i = cues.find(time.surface)
        used.append((i, i + len(time.surface)))
    statuses: list[str] = []
    for status, rx in _STATUS_CUES:
        m = rx.search(cues)
        if m:
            statuses.append(status)
            use(m)
    measure = "entities"
    for name, rx in (("count", _COUNT), ("largest", _LARGEST), ("amount", _AMOUNT)):
        for m in rx.finditer(cues):
            measure = name if measure == "entities" else measure
            use(m)
    kinds: list[tuple[str, int, str]] = []
    for kind, rx in _KIND_CUES:
        for m in rx.finditer(cues):
            kinds.append((kind, m.start(), m.group(0)))
            use(m)
    # Countries named as adjectives ("Japanese", 国产) or by a "domestic" word in the asker's locale.
    country_pos: list[tuple[str, int]] = [(c, pos.get(c, -1)) for c in countries]
    for m in _DEMONYM_RE.finditer(cues):
        code = _DEMONYMS.get(m.group(0))
        if code:
            country_pos.append((f"https://w3id.org/regenkg/id/country/{code}", m.start()))
            use(m)
    dm = _DOMESTIC.search(cues)
    if dm and not countries:
        country_pos.append((f"https://w3id.org/regenkg/id/country/{'CN' if lang == 'zh-Hans' else 'TW'}", dm.start()))
        use(dm)
    country_pos = list({c: p for c, p in sorted(country_pos, key=lambda x: x[1])}.items())
    # Sub-modalities: "通用型CAR-T" is the narrower concept when the vocabulary has one; otherwise it
    # cannot be evaluated and is said so (never silently widened to CAR-T).
    sub_unknown: list[str] = []
    for m in _SUBMOD.finditer(cues):
        word = m.group(0)
        replaced = False
        for i, mod in enumerate(modalities):
            for label, narrower in narrower_labels.get(mod, {}).items():
                if word in label:
                    modalities[i] = narrower
                    replaced = True
                    break
            if replaced:
                break
        use(m)
        if not replaced:
            sub_unknown.append(word)
    rels_found = _deal_relations(cues)
    for rx in (_ACQ, _PAY, _ACQ_BY, _PASSIVE, _PARTNER, _LICENCE, _JV, _SOLD, _SPIN, _EXIT, _DEVELOP, _TREAT,
               _INDICATION_WORD, _COMPARE, _WHO, _WH, _MODALITY_WORD, _COMPANY_WORD, _REGULATION, _MARKET):
        for m in rx.finditer(cues):
            use(m)

    compare: tuple[str, ...] = ()
    relations: tuple[str, ...]
    answer: str
    subject, obj = Slot(), Slot()
    topic: tuple[str, ...] = ()
    is_deal = intent in ("acquirer_of", "acquired_by", "partners_of", "deals") or (
        bool(rels_found) and intent not in ("regulation", "market", "compare")
        and (bool(kinds) or bool(statuses) or measure in ("amount", "largest") or bool(country_pos) or time is not None)
        and intent not in ("targets_indication", "indications_of", "modality_treats", "modalities_for"))
    if intent == "compare":
        compare = tuple(companies)
        relations = ("develops", "targets", "acquired", "partneredWith", "licensedFrom")
        answer = "object"
        topic = tuple(modalities)
    elif is_deal and rels_found:
        relations, answer, subject, obj, topic = _deal_query(cues, companies, modalities, kinds, country_pos,
                                                             rels_found, pos, intent, statuses)
    elif intent in _INTENT_RELATION:
        relations, answer = _INTENT_RELATION[intent]
        subject, obj = _plain_slots(intent, t, modalities, companies)
        slot_answer = subject if answer == "subject" else obj
        # Qualifiers of the answering companies: "Taiwanese companies developing MSC", "which big pharma…".
        if intent not in ("regulation", "market") and answer in ("subject", "either") and intent != "modalities_for":
            ans_kind = kinds[0][0] if kinds else None
            ans_countries = tuple(c for c, _ in country_pos) if intent != "companies_in" or t.get("Segment") \
                or t.get("Modality") else ()
            if intent == "companies_in" and not t.get("Segment") and not t.get("Modality"):
                ans_countries = ()  # the countries themselves are the anchors of companies_in
            slot_answer = replace(slot_answer, kind=ans_kind or slot_answer.kind,
                                  countries=slot_answer.countries or ans_countries)
            if answer == "subject":
                subject = slot_answer
            else:
                obj = slot_answer
        # "which companies develop CAR-T for lupus": the modality is a second hop, not dropped.
        if intent == "targets_indication" and modalities:
            subject = replace(subject, develops=tuple(modalities))
        # "which companies acquired by big pharma develop TCR-T": the answer was bought by a kind of company.
        if intent == "who_develops" and _ACQ.search(cues) and kinds:
            subject = replace(subject, kind=None, acquired_by_kind=kinds[0][0])
    else:
        relations, answer = (), "subject"
    approval = _APPROVAL.search(cues) if intent not in ("regulation", "market", None) else None
    approval_word = text[approval.start():approval.end()] if approval else ""
    if approval:
        use(approval)
        sub_unknown.append(approval_word)
        constraints.append(Constraint("approval", approval_word, "answer", approval_word))
    query = TypedQuery(relations, answer, subject, obj, time, tuple(statuses), measure, compare, topic,
                       tuple(sub_unknown))
    # -- constraints for display
    for name, slot in (("subject", subject), ("object", obj)):
        role = "answer" if answer == name else "other"
        if slot.kind:
            constraints.append(Constraint("company_kind", slot.kind, role, next((s for k, _, s in kinds if k == slot.kind), "")))
        for c in slot.countries:
            constraints.append(Constraint("country", c, role, ""))
        for mod in slot.develops:
            constraints.append(Constraint("develops", mod, role, ""))
        if slot.acquired_by_kind:
            constraints.append(Constraint("acquired_by", slot.acquired_by_kind, role, ""))
    if time:
        constraints.append(Constraint("time", time.describe(), "fact", time.surface))
    for s in statuses:
        constraints.append(Constraint("status", s, "fact", ""))
    if measure != "entities":
        constraints.append(Constraint(measure, measure, "fact", ""))
    for mod in topic:
        constraints.append(Constraint("topic", mod, "fact", ""))
    for w in sub_unknown:
        if not (approval and w == approval_word):
            constraints.append(Constraint("sub_modality", w, "answer", w))
    unused = _unused(text, cues, used)
    return replace(query, constraints=tuple(constraints), unused=unused)


def _plain_slots(intent: str, t: dict[str, tuple[str, ...]], modalities: list[str],
                 companies: list[str]) -> tuple[Slot, Slot]:
    if intent == "who_develops":
        return Slot(), Slot(anchors=tuple(modalities))
    if intent == "modality_treats":
        return Slot(anchors=tuple(modalities)), Slot()
    if intent in ("targets_indication", "modalities_for"):
        return Slot(), Slot(anchors=t.get("Indication", ()))
    if intent in ("what_develops", "indications_of", "acquirer_of"):
        return Slot(anchors=tuple(companies[:1])), Slot()
    if intent == "acquired_by":
        return Slot(), Slot(anchors=tuple(companies[:1]))
    if intent == "partners_of":
        return Slot(), Slot(anchors=tuple(companies[:1]))
    if intent == "companies_in":
        return Slot(), Slot(anchors=t.get("Segment", ()) or tuple(modalities) or t.get("Country", ()))
    if intent == "regulation":
        return Slot(anchors=t.get("Regulation", ())), Slot(anchors=t.get("Country", ()))
    if intent == "market":
        return Slot(anchors=tuple(modalities)), Slot()
    return Slot(), Slot()


def _deal_query(cues: str, companies: list[str], modalities: list[str], kinds: list[tuple[str, int, str]],
                country_pos: list[tuple[str, int]], rels_found: list[tuple[str, int]], pos: dict[str, int],
                intent: str | None, statuses: list[str]
                ) -> tuple[tuple[str, ...], str, Slot, Slot, tuple[str, ...]]:
    """Relation, answer end and both slots of a deal question (acquisition, licence, partnership…)."""
    rel, vpos = rels_found[0]
    names = [r for r, _ in rels_found]
    # "exited or ended collaborations": the exits and the terminated partnerships are both answers.
    if "exited" in names and len(names) > 1 and rel == "exited":
        rel, vpos = next((r, p) for r, p in rels_found if r != "exited")
    relations = [rel]
    if rel == "acquired" and "licensedFrom" in names and _PAY.search(cues) and not _ACQ.search(cues):
        relations.append("licensedFrom")
    if "exited" in names and rel != "exited":
        relations.append("exited")
    if rel == "acquired" and "spunOutFrom" in names:
        pass
    elif rel == "spunOutFrom" and "acquired" in names:
        rel = "acquired"
        relations = ["acquired"]
        vpos = next(p for r, p in rels_found if r == "acquired")
    # A licence with no direction word ("签署了授权协议", "licensing deals") is read both ways; a partner
    # question also covers licences (a licensor is a partner), as partner questions always have.
    undirected_licence = rel == "licensedFrom" and not re.search(r"从|自|向|\bfrom\b|\bto\b|给|予", cues)
    if rel == "partneredWith" and "licensedFrom" not in relations:
        relations.append("licensedFrom")
    passive = bool(_PASSIVE.search(cues)) and rel in ("acquired", "spunOutFrom", "soldTo", "licensedFrom")
    wh = _WH.search(cues)
    # Which end is the answer? The end the wh-word sits on, the unanchored end otherwise.
    before = [c for c in companies if pos.get(c, 0) < vpos]
    after = [c for c in companies if pos.get(c, 0) >= vpos]
    answer: str | None = None
    if rel == "acquired" and re.search(r"母公司|\bparent\b|\bowner\b|\bowns\b", cues) and companies:
        before, after, passive = [], companies[:1], False
        wh = None
        answer = "subject"
    symmetric = rel in ("partneredWith", "jointVentureWith") or undirected_licence
    by_m = re.search(r"被|遭|\bby\b", cues)
    if rel == "licensedFrom":
        from_m = re.search(r"从|自|向|\bfrom\b", cues)
        to_m = re.search(r"给|予|\bto\b", cues)
        if from_m and companies and pos.get(companies[0], 0) > from_m.start():
            subj, objs = [c for c in companies if c != companies[0]], companies[:1]
        elif from_m and wh and wh.start() > from_m.start():
            subj, objs = companies[:1], []
        elif to_m and companies and pos.get(companies[0], 0) > to_m.start():
            subj, objs = companies[:1], [c for c in companies[1:]]
        else:
            subj, objs = before, after
    elif passive and by_m:
        # "X was acquired by Y" / "被Y收购的X": the agent follows the by-word.
        subj = [c for c in companies if pos.get(c, 0) > by_m.start()] if rel != "spunOutFrom" else []
        objs = [c for c in companies if c not in subj]
        if "被" in cues[by_m.start():by_m.end()] and not subj:
            subj = [c for c in companies if by_m.start() < pos.get(c, 0) < vpos]
            objs = [c for c in companies if c not in subj]
    elif passive:
        subj, objs = after, before  # "Juno was acquired" / "Juno并入新基": the company before the verb is the target
    else:
        subj, objs = before, after
    if symmetric:
        subj, objs = [], companies[:]
    # The answer end
    if symmetric:
        answer = "either"  # both ends are partners; the named ones are bound, the answer is the other
    elif answer is not None:
        pass
    elif subj and not objs:
        answer = "object"
    elif objs and not subj:
        answer = "subject"
    elif subj and objs or passive or wh is not None and wh.start() > vpos and rel not in ("exited",):
        answer = "object"
    elif wh is not None and re.search(r"\b(?:did|does|do|has|have|had|will|would)\b", cues[wh.end():vpos]):
        answer = "object"  # "which companies did Bayer buy": do-support puts the object first
    else:
        answer = "subject"
    if rel == "exited":
        answer = "subject"
    subject, obj = Slot(anchors=tuple(subj)), Slot(anchors=tuple(objs))
    # Company kinds: before the verb (active) = agent; after a by-word = agent; otherwise the patient.
    for kind, kpos, _ in kinds:
        if symmetric:
            target = "answer" if (wh is not None and abs(kpos - wh.end()) <= 6) or not companies else "other"
            slot_name = answer if target == "answer" else ("object" if answer == "subject" else "subject")
        elif passive and by_m and kpos > by_m.start():
            slot_name = "subject"
        elif passive:
            slot_name = "object" if kpos < (by_m.start() if by_m else vpos) else "subject"
        else:
            slot_name = "subject" if kpos < vpos else "object"
        if slot_name == "subject":
            subject = replace(subject, kind=subject.kind or kind)
        else:
            obj = replace(obj, kind=obj.kind or kind)
    # Countries: the one next to the wh-word belongs to the answer, the others to the other end.
    if country_pos:
        ans_name = answer
        other_name = "object" if answer == "subject" else "subject"
        if symmetric:
            ans_name, other_name = "subject", "object"
        if len(country_pos) == 1:
            c, cp = country_pos[0]
            if symmetric or not (subject.anchors or obj.anchors):
                target = ans_name if (wh is None or len(companies) > 0 or abs(cp - wh.end()) < 8 or cp < vpos) \
                    else other_name
                if not symmetric and cp < vpos and not passive:
                    target = "subject"
                elif not symmetric and cp > vpos and not passive:
                    target = "object"
            else:
                target = ans_name
            if symmetric and companies:
                target = "subject"
            subject, obj = _add_country(subject, obj, target, c)
        else:
            ranked = sorted(country_pos, key=lambda x: abs(x[1] - wh.end()) if wh else x[1])
            subject, obj = _add_country(subject, obj, ans_name, ranked[0][0])
            for c, _ in ranked[1:]:
                subject, obj = _add_country(subject, obj, other_name, c)
    # Modalities: the acquired / partnered company develops them ("bought a CAR-T company"); for a licence
    # or a deal with both ends named they are the deal's topic.
    topic: tuple[str, ...] = ()
    # Only a modality in the verb's own sentence qualifies the deal ("X? And what became of its cell
    # therapy?" asks a second question; it does not restrict the first).
    bounds = [0] + [m.end() for m in re.finditer(r"[。？?！!；;]", cues)] + [len(cues) + 1]
    sent = next(((a, b) for a, b in zip(bounds, bounds[1:]) if a <= vpos < b), (0, len(cues) + 1))
    modalities = [m for m in modalities if sent[0] <= pos.get(m, sent[0]) < sent[1]]
    if modalities:
        if rel == "acquired" and not obj.anchors:
            obj = replace(obj, develops=tuple(modalities))
        elif rel == "exited" or "exited" in relations or statuses:
            topic = tuple(modalities)
        elif symmetric and not companies:
            slot = subject if subject.kind is None else obj
            if slot is subject:
                subject = replace(subject, develops=tuple(modalities))
            else:
                obj = replace(obj, develops=tuple(modalities))
        else:
            topic = tuple(modalities)
    return tuple(dict.fromkeys(relations)), answer, subject, obj, topic


def _add_country(subject: Slot, obj: Slot, name: str, country: str) -> tuple[Slot, Slot]:
    if name == "subject":
        return replace(subject, countries=tuple(dict.fromkeys((*subject.countries, country)))), obj
    return subject, replace(obj, countries=tuple(dict.fromkeys((*obj.countries, country))))


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
