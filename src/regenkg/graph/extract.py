"""Entity and relation extraction without an LLM, in English and Chinese.

Per sentence: gazetteer matches (:mod:`.match`) plus *discovered* company names (capitalised Latin names,
Chinese organisation names ending in 生技/製藥/…, items of ``A、B、C等多家廠商`` lists) are laid out as a
sequence of mentions; relation rules then read that sequence around trigger words:

- ``develops``   ``A、B和C佈局NK細胞療法`` / ``MSD, Gilead and AbbVie are developing NK cell therapies``
- ``exited``     ``X 已退出 NK 細胞療法`` / ``X discontinued its CAR-T programme`` (not turned into ``develops``)
- ``acquired``   ``X以119億美元收購Y`` / ``Y被X收購`` / ``X acquired Y`` / ``Y was bought by X``
- ``partneredWith`` / ``licensedFrom``  ``X與Y合作`` / ``X從Y取得授權`` / ``X licensed … from Y``
- ``hasAffiliate`` ``Gilead(Kite)``: the deal type is not stated, so it is not called an acquisition
- ``treats`` / ``targets``  ``間質幹細胞產品治療退化性關節炎`` / ``X develops TCR-T for solid tumours``
- ``operatesIn`` ``樂迦再生、台寶生醫等多家廠商則著重在細胞製劑CDMO``
- apposition ``Neogene, a Dutch TCR-T company, …``
- market figures ``2023年全球再生醫療的市場規模約160億美元``

Hedged, denied or called-off statements produce nothing. Every relation carries its sentence and rule.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..records import Entity, Mention, Relation, Sentence
from .deals import KIND_OF, Deal, deal_status, parse_amount, parse_date
from .match import Matcher, fold_aligned
from .ontology import COMPANY_TYPES, Gazetteer, resource, slugify

__all__ = ["Extraction", "Extractor", "Figure", "Merge"]

logger = logging.getLogger(__name__)

HAN = "\u4e00-\u9fff\u3400-\u4dbf"
# Mention kinds used by the rules.
COMPANY, MODALITY, INDICATION, SEGMENT, COUNTRY, REGULATION = (
    "Company", "Modality", "Indication", "Segment", "Country", "Regulation")


@dataclass(frozen=True)
class Figure:
    """A market figure stated in a sentence."""

    iri: str
    subject: str
    amount: float
    currency: str
    year: int | None
    cagr: float | None
    sentence_id: int
    doc_id: str


@dataclass(frozen=True)
class Merge:
    """A discovered name folded into an entity written differently ("Corvine" → Corvine Cell Sciences)."""

    name: str
    into: str
    sentence_id: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from a batch of sentences."""

    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    entities: tuple[Entity, ...]  # discovered (not curated) entities
    figures: tuple[Figure, ...] = ()
    merges: tuple[Merge, ...] = ()
    deals: tuple[Deal, ...] = ()  # every stated deal, whatever its status; direct edges only from positive ones


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


# ------------------------------------------------------------------ trigger lexicons (folded text)
_DEVELOP = re.compile(
    r"布局|开发|发展|研发|投入|聚焦|专注|深耕|推进|押注|进军|切入|打造|着重|著重|致力|等平台|技术平台|产品线|管线|研究方向|"
    r"\bdevelop(?:s|ed|ing|er|ers)?\b|\bwork(?:s|ing)? on\b|\bpursu(?:e|es|ed|ing)\b|\badvanc(?:e|es|ed|ing)\b|"
    r"\bfocus(?:es|ed|ing)? on\b|\binvest(?:s|ed|ing)? in\b|\bbet(?:s|ting)? on\b|\bexpand(?:s|ed|ing)? into\b|"
    r"\bentered\b|\bbuild(?:s|ing)?\b|\bprogramme|\bprogram\b|\bpipeline\b|\bplatform\b")
_EXIT = re.compile(
    r"退出|终止|停止|放弃|撤出|剥离|砍掉|关闭|出售|"
    r"\bexit(?:s|ed|ing)?\b|\bdiscontinu(?:e|es|ed|ing)\b|\bterminat(?:e|es|ed|ing)\b|\bhalt(?:s|ed|ing)?\b|"
    r"\bdropp(?:ed|ing)\b|\babandon(?:s|ed|ing)?\b|\bshelv(?:e|ed|ing)\b|\bwound down\b|\bwind(?:s|ing)? down\b|"
    r"\bstopp(?:ed|ing)\b|\bscrapp(?:ed|ing)\b|\bdivest(?:s|ed|ing)?\b|\bpulled out\b|\bno longer\b|\bleft\b|\bquit\b")
_HEDGE = re.compile(
    r"否认|并未|未曾|没有|不会|不再|无意|并非|传闻|据传|传出|传言|考虑|洽谈|或将|可能|拟|有意|谣言|"
    r"(?<![来])未(?![来])|"
    r"\bdeni(?:ed|es)\b|\bdeny(?:ing)?\b|\bnot\b|\bnever\b|\bnor\b|\brumou?r(?:s|ed)?\b|\breportedly\b|"
    r"\bsaid to be\b|\bis said\b|\bconsider(?:s|ed|ing)?\b|\bin talks\b|\btalks\b|\bexplor(?:e|es|ed|ing)\b|"
    r"\bmay\b|\bmight\b|\bcould\b|\bwould\b|\bspeculat\w*|\bcalled off\b|\bcollaps\w*|\bfell through\b|"
    r"\bwithdr[ae]w\w*|\bfailed to\b|\bplan(?:s|ned)? to\b|\bintend(?:s|ed)? to\b|\bpotential\b|\bhypothetical\b|"
    r"\bstopped short of\b|\brather than\b|\binstead of\b|\bweigh(?:s|ed|ing)?\b|消息称|有意")
_DEAL_CANCEL = re.compile(
    r"终止|取消|告吹|破局|撤回|中止|结束|解除|分手|\bno longer\b|\bregained (?:the )?rights\b|\bterminat\w*|\bcancel\w*|\bcalled off\b|\bscrapp\w*|\bended\b|\bunwound\b|"
    r"\bwalked away\b|\babandon\w*")
_ACQ_ACTIVE = re.compile(
    r"收购|并购|买下|购并|收入旗下|纳入旗下|拿下|购入|购得|受让|\bbid for\b|\btender offer for\b|"
    r"\bacquir(?:e|es|ed|ing)\b|\bacquisition of\b|\bbought\b|\bbuy(?:s|ing)?\b|\bpurchas(?:e|es|ed|ing)\b|"
    r"\btook over\b|\btakeover of\b|\btake over\b|\bsnapped up\b|\bsnap(?:s|ping)? up\b")
_ACQ_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|be)?\s*(?:acquired|bought|purchased|taken over|snapped up|bought out|picked up)\s+by\b|"
    r"\bacquisition by\b|"
    r"(?:被|遭)")
_PARTNER = re.compile(
    r"合作|结盟|携手|联手|签署|签订|达成|共同开发|共同研发|联合开发|战略|"
    r"\bpartner(?:s|ed|ing|ship|ships)?\b|\bcollaborat(?:e|es|ed|ing|ion|ions)\b|\balliance\b|\bteam(?:ed|s)? up\b|"
    r"\bjoint venture\b|\bco-develop\w*|\bagreement\b|\bdeal\b|\bpact\b|\btie-up\b|"
    r"\b(?:being |been )?develop(?:ed|ing) (?:together )?with\b")
_LICENSE = re.compile(r"授权|许可|授予|引进|引入|\blicen[cs]\w*|\bin-licens\w*|\bout-licens\w*|\brights to\b")
_TREAT = re.compile(
    r"治疗|用于|针对|攻克|适应症|适用于|锁定|目标是|聚焦于|"
    r"\btreat(?:s|ed|ing|ment)?\b|\bfor patients\b|\bin patients with\b|\bindicated for\b|\bapproved for\b|"
    r"\btarget(?:s|ed|ing)?\b|\bagainst\b|\bfor\b")
_SEGMENT_CUE = re.compile(r"着重|著重|侧重|专注|聚焦|提供|主攻|深耕|布局|\bfocus\w*|\bprovid\w*|\boffer\w*|\bspeciali[sz]\w*|\boperat\w*")
_LIST_GAP = re.compile(
    r"^(?:\s|[,，、/&]|and|as well as|along with|plus|or|以及|及|和|与|跟|或|若|、|与其|还有|如|包括|包含|例如)*$")
# Words that may stand between a subject list and its verb ("…和Janssen成功開發").
_SUBJ_GAP = re.compile(
    r"^(?:\s|are|is|was|were|have|has|had|been|also|now|already|all|both|each|actively|successfully|"
    r"currently|jointly|together|recently|will|to|then|its|their|heavily|quietly|expanded|extended|renewed|"
    r"amended|signed|announced|entered|formed|struck|inked|began|started|launched|a|an|the|new|research|"
    r"strategic|global|exclusive|multi-year|into|"
    r"成功|积极|持续|陆续|纷纷|都|也|均|皆|则|已|已经|正|正在|先后|分别|相继|率先|早已|近年|近年来|目前|大举|"
    r"\d{4}年?|则|等|多家|厂商|公司|药厂|业者|企业)*$")

# Discovery of names that are not in the gazetteer.
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9/])(?:[A-Z][A-Za-z0-9]*|[0-9]+[A-Z][A-Za-z0-9]*(?=\s+[A-Z]))(?:[-&.'][A-Za-z0-9]+)*"
    r"(?:\s+(?:[A-Z][A-Za-z0-9]*(?:[-&.][A-Za-z0-9]+)*))*")
_ZH_ORG_SUFFIX = ("生物科技", "生物技术", "生物医药", "再生科技", "细胞科技", "细胞制造", "生技", "生医", "制药", "药业",
                  "医药", "集团", "公司", "生物", "再生", "科技", "基因", "细胞")
# Hospitals and universities are deal partners too (in Taiwan the main ones): typed, never called companies.
_ZH_INSTITUTION_SUFFIX = (("大学附设医院", "Hospital"), ("大学附属医院", "Hospital"), ("附设医院", "Hospital"),
                          ("附属医院", "Hospital"), ("纪念医院", "Hospital"), ("总医院", "Hospital"), ("医院", "Hospital"),
                          ("大学", "University"), ("研究院", "University"), ("学院", "University"))
_LATIN_INSTITUTION = re.compile(
    r"(?<![A-Za-z])(?:(?:the\s+)?(?P<pre>(?:University|Institute|College) of(?: the)?(?: [A-Z][A-Za-z.-]+){1,4})"
    r"|(?P<post>(?:[A-Z][A-Za-z.&-]+ ){1,4}(?:University|Hospital|Medical Center|Medical Centre|Institute|College|Clinic)"
    r"(?: Hospital)?))(?![A-Za-z])")
# "2seventy bio", "bluebird bio", "nuvance bio": lower-case or digit-initial names carry a company word.
_LOWER_NAME = re.compile(
    r"(?<![A-Za-z0-9/.-])((?:[a-z][a-z0-9]{2,}|[0-9][a-z0-9]*[a-z][a-z0-9]*)(?: [a-z][a-z0-9]+)?"
    r" (?:bio|therapeutics|pharma|pharmaceuticals|biosciences|biotherapeutics|genomics|genetics|biologics|medicines|"
    r"oncology|cell|cells|labs))(?![A-Za-z0-9])")
_INSTITUTION = re.compile(r"\b(?:University|Institute|Hospital|Center|Centre|College|School|Administration|Agency|"
                          r"Ministry|Department|Council|Commission|Foundation|Association|Society|Academy|Authority|"
                          r"Agency|Office|Bureau|Court|Parliament|Congress|Government|Committee|Board|Clinic)\b")
# Words just before a name that make it a product, not a company ("產品 Carvykti", "核准Casgevy用於").
_PRODUCT_CUE = re.compile(r"(?:产品|商品名|药物|疗法|批准|核准|获批|许可的|候选|\bproduct|\bdrug|\btherapy|\bapproved|"
                          r"\bcandidate|\bbrand(?:ed)?|\bnamed|\bcalled)\s*[(（]?\s*$")
# A "name" containing one of these is a generic phrase ("各大藥廠", "國際大藥廠"), not a company.
# Verbs and adverbs that can stand glued before a name ("取得晨璟生技", "將獲得瀾嶼生物").
_ZH_LEAD = re.compile(r"(?:取得|获得|获授|收购|并购|买下|拿下|购入|购得|受让|出售给|卖给|转让给|授权给|授予|引进|引入|脱胎于|宣布|表示|补足|今日|今天|日前|近日|并|将|由|向|对|从|与|和|及|"
                      r"此外|另外|同时|目前|其中|包括|包含|例如|如|而|则|也|亦|已|曾|旗下)+")
_ZH_CUT = re.compile(r"收购|并购|买下|拿下|购入|购得|受让|出售|卖给|转让|授权|授予|引进|引入|付款|首付|脱胎|源自|合资|衍生|分拆|持有|旗下|给|取得|获得|宣布|表示|美元|亿|万|元|年|月|日|的|是|在|以|与|和|及|将|由|被")
_ZH_GENERIC = re.compile(r"全资|子公司|母公司|合资公司|这类|此类|该类|这种|各类|两类|这家|这些|各|国际|大药厂|这些|多家|全球|其他|其它|相关|可能|改变|综观|未来|许多|我们|该|此|本土|国内|"
                         r"国外|中小|大型|新创|业者|厂商|台厂|欧美|美国|日本|韩国|中国|台湾|生技制药|生技医药|生物医药|"
                         r"再生医疗|治疗|疗法|产业|市场|领域|技术|平台|发展|开发|研究|临床|药物|新药|干细胞|免疫细胞")
_ZH_BOUNDARY = set("与和及由被是为的将如含括在以向对从、，,；;：:（）()「」『』 \u3000旗下等或若")
_ZH_LIST = re.compile(
    rf"(?:包含|包括|例如|如|像是|诸如)?((?:[{HAN}A-Za-z0-9]{{2,10}}、)+[{HAN}A-Za-z0-9]{{2,10}})"
    rf"(?:等)(?:多家|数家|几家|\d+家)?(?:厂商|公司|业者|企业|药厂|药企|生技公司|新创)")
_NOT_COMPANY = {
    "the", "a", "an", "in", "on", "at", "by", "for", "with", "its", "their", "this", "that", "these", "those",
    "after", "before", "while", "when", "under", "as", "of", "and", "or", "but", "both", "all", "some", "most",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "separately", "until", "last", "next", "earlier", "later", "according", "analysts", "investors", "fda", "ema", "nmpa", "pmda", "mfds", "tfda", "mohw", "who", "nih",
    "us", "u.s.", "usd", "eu", "uk", "phase", "company", "companies", "group", "inc", "ltd", "corp", "co",
    "news", "source", "sources", "figure", "table", "note", "markets and markets", "chinese", "english",
    "taiwanese", "japanese", "korean", "american", "european", "global", "regenerative", "medicine", "cell",
    "gene", "therapy", "therapies", "clinical", "cancer", "drug", "drugs", "biotech", "pharma", "however",
    "meanwhile", "also", "today", "yesterday", "it", "he", "she", "they", "we", "our", "his", "her", "there",
    "such", "other", "another", "many", "several", "one", "two", "three", "first", "second", "new", "big",
    "rmat", "atmp", "cgt", "cdmo", "cro", "ipo", "ceo", "cfo", "bla", "ind", "nda", "car", "tcr", "nk",
}
_COMPANY_WORDS = re.compile(
    r"\b(?:therapeutics|bio|biotherapeutics|pharma|pharmaceuticals?|biosciences?|biotech|biologics|"
    r"oncology|medicine|medicines|genomics|health|cell|cells|sciences|inc|ltd|corp|co|ag|gmbh|plc|sa|nv|kk|"
    r"labs?|technologies|group|holdings)\.?$", re.IGNORECASE)
_APPOSITION = re.compile(
    r"^,\s*(?:an?|the)\s+(?P<desc>[^,;]{0,90}?)\s*(?:company|biotech|biotechnology company|developer|firm|"
    r"start-?up|specialist|maker|CDMO|manufacturer|drugmaker|pharma|group)\b", re.IGNORECASE)
_ZH_APPOSITION = re.compile(
    r"^\s*(?:是|为|係)(?:一家|一间|家|一个)?(?P<desc>[^，。,;；]{0,30}?)(?:公司|企业|新创|药厂|业者|厂商)")
_COUNTRY_ADJ = {
    "taiwanese": "TW", "japanese": "JP", "korean": "KR", "south korean": "KR", "chinese": "CN",
    "american": "US", "us-based": "US", "u.s.": "US", "us": "US", "dutch": "NL", "german": "DE", "swiss": "CH",
    "french": "FR", "british": "GB", "uk-based": "GB", "danish": "DK", "belgian": "BE", "irish": "IE",
    "norwegian": "NO", "israeli": "IL", "singaporean": "SG",
}
_NATIONALITY = {"swedish", "finnish", "italian", "spanish", "canadian", "australian", "indian", "swiss", "austrian",
                "european", "asian", "western", "eastern", "nordic", "scandinavian", "hong", "taiwan", "japan", "china",
                "korea", "seattle", "boston", "cambridge", "california", "amsterdam", "london", "shanghai",
                "beijing", "taipei", "tokyo", "osaka", "kyoto", "basel", "paris", "munich", "copenhagen",
                "england", "scotland", "wales", "britain", "oxfordshire", "oxford", "pennsylvania", "philadelphia",
                "massachusetts", "texas", "new york", "new jersey", "maryland", "washington", "san diego",
                "san francisco", "south san francisco", "los angeles", "north carolina", "oslo",
                "stockholm", "zurich", "geneva", "berlin", "leiden", "singapore", "hsinchu", "taichung",
                "kaohsiung", "tainan", "shenzhen", "suzhou", "hangzhou", "nanjing", "guangzhou", "chengdu", "wuhan",
                "seoul", "incheon", "hong kong", "europe", "asia", "america", "north america", "latin america",
                "market", "food", "drug", "reuters", "bloomberg", "nature", "science", "lancet"}
_MONEY = re.compile(
    r"(?:us\$|usd|\$|美金|美元)?\s*(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>亿|億|万亿|兆|billion|bn|million|mn|m\b|trillion)?"
    r"\s*(?P<cur>美元|美金|usd|dollars|新台币|台币|人民币|元|日元|日圆|韩元|欧元)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")
_CAGR = re.compile(r"(?:年复合成长率|年复合增长率|复合年增长率|cagr|compound annual growth rate)[^0-9]{0,20}(\d+(?:\.\d+)?)\s*%"
                   r"|(\d+(?:\.\d+)?)\s*%\s*(?:的)?(?:年复合成长率|年复合增长率|cagr)", re.IGNORECASE)
_MARKET = re.compile(r"市场规模|市场|产值|\bmarket\b|\bsales\b|\brevenue", re.IGNORECASE)

_PRONOUN = re.compile(r"^\s*(It|Its|The company|The firm|The biotech|The group|The unit|The start-up|The startup|"
                      r"The drugmaker|The (?:[A-Z][A-Za-z-]+ ){1,2}(?:company|biotech|firm|start-up|startup|drugmaker|"
                      r"group|developer)|该公司|該公司|该企业|該企業|它|其)(?=[\s'’,，]|[\u4e00-\u9fff])")
# A definite description inside a sentence ("…a collaboration with the Boston biotech"): the last company named.
_DEFINITE = re.compile(r"\bthe (?:[A-Z][A-Za-z-]+ ){0,2}(?:company|biotech|firm|start-up|startup|drugmaker|developer)\b"
                       r"(?!\s+(?:[A-Z]|named|called))|该公司|該公司|该企业|該企業|这家公司|這家公司|此公司")
_JV = re.compile(r"合资|合营|\bjoint[- ]venture\b|\bJV\b", re.IGNORECASE)
_SPIN = re.compile(r"脱胎于|脱胎自|孵化自|衍生自|分拆自|源自|\bspun (?:out|off)\b|\bspin-?(?:out|off)s?\b|\bspinout\b|\bcarved out\b|衍生成立|衍生设立|衍生出来|"
                   r"衍生公司|衍生而来|衍生|分拆成立|分拆出来|分拆|拆分成立|孵化成立|孵化")
_SALE = re.compile(r"出售给|卖给|售予|出售予|转让给|售给|\bsold\b|\bsell(?:s|ing)?\b|\bsale of\b|\bdivest(?:s|ed|ing)?\b|"
                   r"\bdivestiture of\b|\boffload(?:s|ed)?\b")
_PAY_FOR = re.compile(r"\b(?:agree(?:s|d|ing)? to pay|pa(?:id|ys|ying)|will pay|to pay)\b[^;]{0,60}?\bfor\s+(?:the\s+)?")
_OPTION = re.compile(r"\boption to (?:acquire|buy|purchase)\b|选择权|优先购买权|收购选择权")
_NOMINAL_DONE = re.compile(r"(?:\bits|\btheir)\s+(?:\d{4}\s+|\$[\d.,]+\s*(?:billion|million)\s+|earlier\s+|recent\s+)?"
                           r"(?:acquisition|purchase|takeover) of\s*$|,\s*which (?:it|they) (?:had )?(?:bought|acquired)\s*$")
_PLACE_CUE = re.compile(r"\bbased in\b|\bheadquartered in\b|\brights? (?:in|for)\b|\bin\s*$|在\s*$|于\s*$")
_TRIGGERS = re.compile(_ACQ_ACTIVE.pattern + "|" + _PARTNER.pattern + "|" + _LICENSE.pattern + "|" + _DEVELOP.pattern
                       + "|" + _JV.pattern + "|" + _SALE.pattern + "|" + _SPIN.pattern, re.IGNORECASE)
_FAMILIES = (_ACQ_ACTIVE, _JV, _SALE, _SPIN, re.compile(_PARTNER.pattern + "|" + _LICENSE.pattern))
_CLAUSE_BREAK = re.compile(r"[；;。!！?？]|[,，](?=\s*(?:但|然而|不过|而|however|but|while|whereas)\b)")


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    # Each sentence is folded by several rules; folding is the extractor's hot spot.
    return fold_aligned(text)


def _hash(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


class Extractor:
    """Extract mentions, relations, discovered entities and market figures from sentences."""

    def __init__(self, gazetteer: Gazetteer, keep_separate: frozenset[str] = frozenset()):
        """
        Args:
            gazetteer: curated entities.
            keep_separate: discovered names (any script/case) that must not be merged into another entity;
                this is how a recorded merge is undone (`regenkg unmerge NAME`).
        """
        self.gazetteer = gazetteer
        self.keep_separate = frozenset(_fold(n).strip() for n in keep_separate)
        self.matcher = Matcher(gazetteer.surfaces())
        self._types = {iri: e.type for iri, e in gazetteer.entities.items()}

    # -------------------------------------------------------------- public API
    def extract(self, sentences: Iterable[Sentence]) -> Extraction:
        """Run every rule over ``sentences`` (batch; the only real implementation)."""
        mentions: list[Mention] = []
        relations: dict[tuple[str, str, str, int], Relation] = {}
        discovered: dict[str, Entity] = {}
        figures: list[Figure] = []
        merges: list[Merge] = []
        merge_seen: set[tuple[str, str]] = set()
        deals: dict[str, Deal] = {}
        sents = list(sentences)
        common = frozenset(w for s in sents for w in re.findall(r"\b[a-z][a-z-]+\b", s.text))
        all_ms = [self._mentions(s.text, common) for s in sents]
        self._merge_short_names(all_ms)
        self._add_short_names(sents, all_ms)
        first_seen: dict[str, tuple[_M, Sentence]] = {}
        prev_subject: _M | None = None
        prev_ms: list[_M] = []
        table_doc, header = "", None
        for sent, ms in zip(sents, all_ms):
            for m in ms:
                if not m.curated and not m.pronoun and m.kind == COMPANY:
                    first_seen.setdefault(m.iri, (m, sent))
            self._resolve_pronoun(sent.text, ms, prev_subject, prev_ms)
            prev_ms = ms
            if sent.doc_id != table_doc:
                table_doc, header = sent.doc_id, None
            header, trels, tdeals, tms = self._table_rows(sent, ms, header)
            ms.extend(tms)
            rels, sent_deals = self._relations(sent, ms)
            rels += trels
            sent_deals += tdeals
            prev_subject = self._topic(sent.text, ms) or prev_subject
            used = {r.subject for r in rels} | {r.object for r in rels}
            for d in sent_deals:
                deals.setdefault(d.iri, d)
                used |= {iri for _, iri in d.parties}
            for iri in used:
                # A company that fills a slot only through "該公司"/"it" is still an entity.
                if iri in first_seen and iri not in discovered and not any(
                        m.iri == iri and not m.pronoun for m in ms):
                    fm, fs = first_seen[iri]
                    discovered[iri] = self._discovered_entity(fm, fs)
            for m in ms:
                if m.pronoun:
                    continue
                if m.curated or m.iri in used:
                    mentions.append(Mention(sent.id, m.start, m.end, m.surface, m.kind, m.iri, m.curated))
                if not m.curated and m.iri in used and m.iri not in discovered:
                    discovered[m.iri] = self._discovered_entity(m, sent)
                if not m.curated and not m.pronoun and m.iri in used and m.iri in discovered:
                    first = next(iter(discovered[m.iri].labels.values()))
                    if _fold(first) != _fold(m.surface) and (m.surface, m.iri) not in merge_seen:
                        merge_seen.add((m.surface, m.iri))
                        merges.append(Merge(m.surface, m.iri, sent.id))
            for rel in rels:
                key = (rel.subject, rel.predicate, rel.object, rel.sentence_id)
                if key not in relations or relations[key].confidence < rel.confidence:
                    relations[key] = rel
            figures.extend(self._figures(sent, ms))
        return Extraction(tuple(mentions), tuple(relations.values()), tuple(discovered.values()), tuple(figures),
                          tuple(merges), tuple(deals.values()))

    # -------------------------------------------------------------- mentions
    def _kind(self, iri: str) -> str:
        typ = self._types.get(iri, COMPANY)
        return COMPANY if typ in COMPANY_TYPES else typ

    def _mentions(self, text: str, common: frozenset[str] = frozenset()) -> list[_M]:
        """Gazetteer matches plus plausible unlisted company names.

        Args:
            text: the sentence.
            common: lower-case words of the surrounding document; a capitalised single word whose
                lower-case form also occurs there ("Market reviews…" / "the market") is an ordinary word.
        """
        found = [_M(m.start, m.end, m.iri, self._kind(m.iri), m.surface) for m in self.matcher.find(text)]
        taken = [(m.start, m.end) for m in found]

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        candidates = self._discover(text)
        folded = _fold(text)
        # "Westbrook Oncology", "Harbor Cell": a capitalised name ending in a word the gazetteer knows as a
        # term is a company; the term match inside it goes.
        for s, e, name, typ in candidates:
            if typ == COMPANY and " " in name and name[:1].isupper():
                inner = [m for m in found if s < m.start and m.end == e and m.kind != COMPANY
                         and " " not in m.surface and re.fullmatch(r"[A-Z][a-z]+", m.surface)
                         and (_COMPANY_WORDS.search(m.surface) or m.surface in ("Immunotherapy", "Genetics"))
                         and not any(c.kind == COMPANY and c.start <= s < c.end for c in found)]
                for m in inner:
                    found.remove(m)
                    taken.remove((m.start, m.end))
        # Words inside an appositive ("Poseida, a San Diego company…") describe, they are not companies.
        desc_spans = []
        for m in found + [_M(s, e, "", COMPANY, n) for s, e, n, _ in candidates]:
            app = _APPOSITION.match(text[m.end:m.end + 140])
            if app:
                desc_spans.append((m.end + app.start("desc"), m.end + app.end()))
        for s, e, name, org_type in candidates:
            inside = any(a <= s and e <= b for a, b in desc_spans)
            if inside and re.search(r"(?:spin-?(?:off|out)|spinout|subsidiary|unit|division|affiliate|part) (?:of|from)\s+"
                                    r"(?:the\s+)?$", text[max(0, s - 30):s], re.IGNORECASE):
                inside = False  # "X, a spin-off of Y Pharma": Y is a party, not a description word
            if not free(s, e) or inside:
                continue
            if " " not in name and name.isascii() and name.lower() in common and org_type == COMPANY:
                continue
            if org_type == COMPANY and _INSTITUTION.search(name) or _PRODUCT_CUE.search(folded[max(0, s - 8):s]):
                continue
            if org_type == COMPANY and _is_product(text, s, e):
                continue
            found.append(_M(s, e, self._discovered_iri(name), COMPANY, name, curated=False, org_type=org_type))
            taken.append((s, e))
        for m in found:
            if m.kind == COMPANY and any(a <= m.start and m.end <= b for a, b in desc_spans):
                m.appositive = True
        found.sort(key=lambda m: m.start)
        # "拜耳收購了BlueRock，後者…" / "…, the latter …": the latter is the last company named before.
        for lm in re.finditer(r"后者|後者|\bthe latter\b", folded):
            prev = [m for m in found if m.kind == COMPANY and m.end <= lm.start() and not m.appositive]
            if prev and free(lm.start(), lm.end()):
                found.append(_M(lm.start(), lm.end(), prev[-1].iri, COMPANY, lm.group(0), prev[-1].curated,
                                pronoun=True))
        found.sort(key=lambda m: m.start)
        self._mark_affiliates(text, found)
        _pair_aliases(text, found)
        return found

    def _discover(self, text: str) -> list[tuple[int, int, str, str]]:
        """Spans that look like organisation names, with their type (Company, Hospital, University).

        They only become entities if a relation rule uses them.
        """
        out: list[tuple[int, int, str, str]] = []
        folded = _fold(text)
        for m in _LATIN_INSTITUTION.finditer(text):
            name = m.group("pre") or m.group("post")
            start = m.start("pre") if m.group("pre") else m.start("post")
            words = name.split()
            while words and words[0].lower() in _NOT_COMPANY:  # "In Boston Children's Hospital"
                start += len(words[0]) + 1
                words = words[1:]
            name = " ".join(words)
            if len(words) >= 2:
                typ = "Hospital" if re.search(r"Hospital|Medical Cent|Clinic", name) else "University"
                out.append((start, start + len(name), name, typ))
        for m in _LOWER_NAME.finditer(text):
            words, start = m.group(1).split(), m.start(1)
            while len(words) > 2 and (words[0] in _NOT_COMPANY or words[0] in ("and", "or", "with", "from", "by")):
                start += len(words[0]) + 1
                words = words[1:]
            if words[0] in _NOT_COMPANY or words[0] in ("the", "a", "an", "and", "or", "its", "their", "cell", "gene",
                                                        "stem", "immune", "with", "from", "by", "of"):
                continue
            name = " ".join(words)
            out.append((start, start + len(name), name, COMPANY))
        for suffix, typ in _ZH_INSTITUTION_SUFFIX:
            for m in re.finditer(re.escape(suffix), folded):
                start, j = m.start(), m.start()
                while j > 0 and start - j < 6 and re.match(rf"[{HAN}]", folded[j - 1]) and folded[j - 1] not in _ZH_BOUNDARY:
                    j -= 1
                lead = _ZH_LEAD.match(folded, j, start)
                if lead:
                    j = lead.end()
                cuts = [j + c.end() for c in re.finditer(_ZH_CUT.pattern + r"|于|自|从", folded[j:start])]
                cuts = [c for c in cuts if start - c >= 2]
                if cuts:
                    j = cuts[-1]
                if start - j >= 2 and not re.search(r"该|此|本|各|这|两|多|国内|国际|大型|医学中心|合作", folded[j:start]):
                    out.append((j, m.end(), text[j:m.end()], typ))
        for m in _LATIN_NAME.finditer(text):
            s, e = m.start(), m.end()
            name = m.group(0)
            # Drop leading function words ("In Neogene") and trailing dots.
            words = name.split()
            while words and words[0].lower() in _NOT_COMPANY:
                s += len(words[0]) + (len(name[len(words[0]):]) - len(name[len(words[0]):].lstrip()))
                name = name[len(words[0]):].lstrip()
                words = name.split()
            name = name.rstrip(".'")
            e = s + len(name)
            if not name or name.lower() in _NOT_COMPANY or len(name) < 2:
                continue
            if name.isupper() and len(name) <= 3 and not _COMPANY_WORDS.search(name):
                continue  # bare acronyms are too ambiguous to discover
            if " " not in name and re.fullmatch(r"[A-Z0-9-]+", name):
                continue  # target/gene names and acronyms such as DLL3, CD19, BCMA, HLA
            parts = [p.lower() for p in name.split("-")]
            if len(parts) > 1 and (parts[-1] in ("based", "headquartered", "listed", "owned", "backed")
                                   or any(p in _COUNTRY_ADJ or p in _NATIONALITY for p in parts)):
                continue  # "Amsterdam-based", "British-Swedish"
            if name.lower() in _COUNTRY_ADJ or name.lower() in _NATIONALITY or self._is_place(name):
                continue
            if any(ch.isdigit() for ch in name) and not re.search(r"[A-Za-z]{3}", name):
                continue
            if name[0].isdigit() and " " not in name:
                continue
            out.append((s, e, name, COMPANY))
        for suffix in _ZH_ORG_SUFFIX:
            for m in re.finditer(re.escape(suffix), folded):
                start = m.start()
                j = start
                while j > 0 and start - j < 6 and re.match(rf"[{HAN}]", folded[j - 1]) and folded[j - 1] not in _ZH_BOUNDARY:
                    j -= 1
                lead = _ZH_LEAD.match(folded, j, start)
                if lead:
                    j = lead.end()
                for cut in _ZH_CUT.finditer(folded, j, start):
                    j = cut.end()
                if start - j >= 2 and not _ZH_GENERIC.search(folded[j:start]):
                    if suffix == "细胞" and (re.search(r"[型性体干的]$|t$|nk$|car", folded[j:start]) or re.match(
                            r"疗法|治疗|制剂|产品|药物|技术|株|培养|新药|[a-z]", folded[m.end():m.end() + 2])):
                        continue  # "通用型細胞療法" is a modality, not a company
                    out.append((j, m.end(), text[j:m.end()], COMPANY))
        for m in _ZH_LIST.finditer(folded):
            pos = m.start(1)
            for item in re.split(r"[、,，]", m.group(1)):
                item_start = folded.find(item, pos)
                pos = item_start + len(item)
                clean = item
                for prefix in ("包含", "包括", "例如", "像是", "诸如", "另外", "而", "则", "如", "另", "其中"):
                    if clean.startswith(prefix):
                        item_start += len(prefix)
                        clean = clean[len(prefix):]
                if 2 <= len(clean) <= 10 and not _ZH_GENERIC.search(_fold(clean)):
                    out.append((item_start, item_start + len(clean), text[item_start:item_start + len(clean)], COMPANY))
        # Institutions first (a hospital's name holds a university's), then longest first; drop overlaps.
        out.sort(key=lambda t: (t[3] == COMPANY, -(t[1] - t[0]), t[0]))
        kept: list[tuple[int, int, str, str]] = []
        for s, e, name, typ in out:
            if all(e <= a or s >= b for a, b, _, _ in kept):
                kept.append((s, e, name, typ))
        return sorted(kept)

    def _is_place(self, name: str) -> bool:
        hits = self.matcher.find(name)
        return bool(hits) and hits[0].end - hits[0].start == len(name) and self._kind(hits[0].iri) == COUNTRY

    def _discovered_iri(self, name: str) -> str:
        key = _fold(name)
        if key.strip() in self.keep_separate:
            return str(resource("company", slugify(key)))  # unmerged: its own IRI, suffixes kept
        key = re.sub(r"[\s,.]+(?:inc|ltd|corp|co|ag|plc|gmbh|sa|nv|kk|llc)\.?$", "", key)
        key = re.sub(r"[\s-]+(?:therapeutics|biotherapeutics|pharmaceuticals?|pharma|biosciences?|biotech|bio)$", "", key)
        for suffix in ("生物科技", "生物技术", "生技", "生医", "公司", "集团"):
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                key = key[: -len(suffix)]
        return str(resource("company", slugify(key)))

    def _add_short_names(self, sents: Sequence[Sentence], all_ms: list[list[_M]]) -> None:
        """"禾晟" after "禾晟生技（7712）" in the same document: a Chinese name without its suffix is the same company."""
        stems: dict[str, _M] = {}
        for ms in all_ms:
            for m in ms:
                if m.kind != COMPANY or m.curated or m.pronoun or m.surface.isascii():
                    continue
                key = _fold(m.surface)
                for suffix in sorted(_ZH_ORG_SUFFIX, key=len, reverse=True):
                    if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                        stems.setdefault(key[: -len(suffix)], m)
                        break
        if not stems:
            return
        for sent, ms in zip(sents, all_ms):
            folded = _fold(sent.text)
            for stem, ref in stems.items():
                for hit in re.finditer(re.escape(stem), folded):
                    a, b = hit.start(), hit.end()
                    if any(m.start < b and a < m.end for m in ms):
                        continue
                    if b < len(folded) and re.match(rf"[{HAN}]", folded[b]) and any(
                            folded.startswith(x, b) for x in _ZH_ORG_SUFFIX):
                        continue
                    ms.append(_M(a, b, ref.iri, COMPANY, sent.text[a:b], False, org_type=ref.org_type))
            ms.sort(key=lambda m: m.start)

    def _merge_short_names(self, all_ms: list[list[_M]]) -> None:
        """"Corvine" after "Corvine Cell Sciences" in the same document is the same company."""
        full: dict[str, _M] = {}
        for ms in all_ms:
            for m in ms:
                if m.kind == COMPANY and " " in m.surface.strip():
                    full.setdefault(m.surface.split()[0].lower(), m)
        for ms in all_ms:
            for m in ms:
                if m.kind == COMPANY and not m.curated and " " not in m.surface.strip() \
                        and _fold(m.surface).strip() not in self.keep_separate:
                    long = full.get(m.surface.lower())
                    if long is not None and long.iri != m.iri:
                        m.iri, m.curated = long.iri, long.curated

    @staticmethod
    def _topic(text: str, ms: list[_M]) -> _M | None:
        """The company a sentence is about: one named at its very start."""
        for m in ms:
            if m.kind == COMPANY and not m.affiliate_of:
                solid = m.curated or " " in m.surface or not m.surface.isascii() or m.pronoun
                lead = text[:m.start]
                # "A month later Capstan was snapped up…": a short adverbial may open the sentence.
                opener = m.start <= 3 or (m.start <= 30 and not re.search(
                    r"[,，;；]|\b(?:by|with|from|of|to|for|and|than)\s*$|[与和从向被由将]\s*$", lead))
                return m if opener and solid else None
        return None

    def _resolve_pronoun(self, text: str, ms: list[_M], prev: _M | None, prev_ms: Sequence[_M] = ()) -> None:
        """"It was bought by …" / "該公司…": the pronoun stands for the previous sentence's topic."""
        pm = _PRONOUN.match(text)
        if pm and re.match(r"The (?:[A-Z][A-Za-z-]+ ){1,2}", pm.group(1)):
            # "The Seattle biotech…": a description picks the last company named that fits it — a biotech,
            # not the big pharma that bought it.
            fits = [m for m in prev_ms if m.kind == COMPANY and not m.appositive
                    and self._types.get(m.iri) != "PharmaCompany"]
            prev = fits[-1] if fits else prev
        if prev is not None and pm and not any(m.start < pm.end() for m in ms):
            ms.insert(0, _M(pm.start(1), pm.end(1), prev.iri, COMPANY, pm.group(1), prev.curated, pronoun=True))
        # "…a collaboration with the Boston biotech": the last company named before it, else the topic.
        for dm in _DEFINITE.finditer(text):
            if dm.start() <= 3 or any(m.start < dm.end() and dm.start() < m.end for m in ms):
                continue
            before = [m for m in ms if m.kind == COMPANY and m.end <= dm.start() and not m.appositive]
            first = before[0] if before else None
            # "…with the Boston biotech": not the sentence's own subject. "…，該公司已…": the company just named.
            english = dm.group(0)[:1].isascii()
            cand = [m for m in before if first is None or m.iri != first.iri or not english]
            ref = cand[-1] if cand else prev
            if ref is not None:
                ms.append(_M(dm.start(), dm.end(), ref.iri, COMPANY, text[dm.start():dm.end()], ref.curated,
                             pronoun=True))
        ms.sort(key=lambda m: m.start)

    def _discovered_entity(self, m: _M, sent: Sentence) -> Entity:
        zh = sent.lang if sent.lang in ("zh-Hant", "zh-Hans") else "zh-Hant"
        lang = zh if any("\u4e00" <= c <= "\u9fff" for c in m.surface) else "en"
        labels: dict[str, str] = {lang: m.surface}
        codes: list[str] = []
        for alias in m.aliases:  # "Aurora Cell（澄曦細胞）": the other script's name is its label there
            if any("\u4e00" <= c <= "\u9fff" for c in alias):
                labels.setdefault(zh, alias)
            elif re.fullmatch(r"[\d.A-Z]{3,12}", alias) and any(c.isdigit() for c in alias):
                codes.append(alias)
            else:
                labels.setdefault("en", alias)
        return Entity(iri=m.iri, type=m.org_type, labels=labels, aliases=tuple(codes), curated=False)

    @staticmethod
    def _mark_affiliates(text: str, ms: list[_M]) -> None:
        """``X(Y)`` / ``X (Y)``: Y is X's affiliate, and not a separate subject."""
        same: list[_M] = []
        for a, b in zip(ms, ms[1:]):
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

    # -------------------------------------------------------------- relations
    def _relations(self, sent: Sentence, ms: list[_M]) -> tuple[list[Relation], list[Deal]]:
        text = sent.text
        folded = _fold(text)
        rels: list[Relation] = []
        deals: list[Deal] = []

        def add(s: str, p: str, o: str, rule: str, conf: float) -> None:
            if s != o:
                rels.append(Relation(s, p, o, sent.id, sent.doc_id, rule, conf))

        for m in ms:
            if m.affiliate_of:
                add(m.affiliate_of, "hasAffiliate", m.iri, "parenthetical-affiliate", 0.7)

        for cs, ce, carried in self._clauses(folded, ms):
            cms = [m for m in ms if m.start >= cs and m.end <= ce and not m.appositive]
            if carried is not None and not any(m.kind == COMPANY and m.start <= cs + 4 for m in cms):
                # "X stopped short of buying Y and instead signed…": the coordinated verb keeps X as subject.
                cms.insert(0, _M(cs, cs, carried.iri, COMPANY, carried.surface, carried.curated, pronoun=True))
            if not cms:
                continue

            def add_local(s: str, p: str, o: str, rule: str, conf: float, span: tuple[int, int],
                          _cs: int = cs, _ce: int = ce) -> None:
                # Hedging/negation is judged on the words around the fact, not on the whole sentence
                # ("…將有可能改變競爭格局,如Gilead…成功開發CAR-T" states a fact after a hedged remark).
                a, b = span
                window = _window(folded, _cs, a, b)
                if p in KIND_OF:
                    status = "Completed" if rule.endswith("-nominal") else deal_status(_undisclosed(window))
                    if rule.startswith("option"):
                        status = "Announced"
                    deals.append(self._deal(p, s, o, status, rule, sent, folded[_cs:_ce]))
                    if status in ("Announced", "Completed") and not rule.startswith("option"):
                        add(s, p, o, rule, conf)
                    return
                if rule == "deal-asset" and (_DEAL_CANCEL.search(window) or _EXIT.search(window)):
                    return
                if p != "exited" and _HEDGE.search(window):
                    return
                add(s, p, o, rule, conf)

            self._rule_develops(folded, cs, ce, cms, add_local)
            self._rule_own(folded, cs, ce, cms, add_local)
            self._rule_developed_by(folded, cs, ce, cms, add_local)
            # "X, a spin-off of Y Pharma, …": the parent sits inside X's apposition.
            self._rule_spinout(folded, cs, ce, [m for m in ms if m.start >= cs and m.end <= ce] if carried is None
                               else cms, add_local)
            jv = self._rule_joint_venture(folded, cs, ce, cms, add_local)
            sold = self._rule_sale(folded, cs, ce, cms, add_local)
            self._rule_acquisition(folded, cs, ce, cms, add_local)
            if not jv and not sold:
                self._rule_partner(folded, cs, ce, cms, add_local)
            self._rule_treats(folded, cs, ce, cms, add_local)
            self._rule_segment(folded, cs, ce, cms, add_local)
            self._rule_place(folded, cs, ce, cms, add_local)
        self._rule_apposition(text, folded, ms, add)
        return rels, deals

    def _table_rows(self, sent: Sentence, ms: list[_M], header: list[str | None] | None):
        """Markdown deal tables (``| Acquirer | Target | Value | Year | Modality |``): one fact per row.

        The header row names the roles; a row's cells are its parties, amount, year, deal type, modality
        and indication. A cell without a known or discovered name is taken whole as a name (table cells
        hold names only). Returns the header to carry on, relations, deals and the mentions added.
        """
        rels: list[Relation] = []
        deals: list[Deal] = []
        added: list[_M] = []
        offset = 0
        for line in sent.text.split("\n"):
            start, offset = offset, offset + len(line) + 1
            if not line.lstrip().startswith("|"):
                continue
            cells, pos = [], start
            for part in line.split("|")[1:-1] if line.rstrip().endswith("|") else line.split("|")[1:]:
                a = sent.text.index(part, pos) if part else pos
                pos = a + len(part)
                lead = len(part) - len(part.lstrip())
                cells.append((a + lead, a + len(part.rstrip()), part.strip()))
            if not cells or all(re.fullmatch(r":?-{2,}:?", c[2]) for c in cells if c[2]):
                continue
            roles = [_table_role(c[2]) for c in cells]
            if sum(r is not None for r in roles) >= 2 and not any(re.search(r"\d", c[2]) for c in cells):
                header = roles
                continue
            if header is None or len(header) != len(cells):
                continue
            row: dict[str, list[_M] | str] = {}
            for role, (a, b, textcell) in zip(header, cells):
                if role is None or not textcell:
                    continue
                if role in ("subject", "object"):
                    inside = [m for m in ms + added if a <= m.start and m.end <= b and m.kind == COMPANY]
                    if not inside and 2 <= len(textcell) <= 40 and not re.fullmatch(r"[\d\s.,$%-]+|n/?a|—|-", textcell):
                        m = _M(a, b, self._discovered_iri(textcell), COMPANY, sent.text[a:b], curated=False)
                        added.append(m)
                        inside = [m]
                    if inside:
                        row[role] = inside[:1]
                else:
                    row[role] = textcell
            subj, obj = row.get("subject"), row.get("object")
            if not isinstance(subj, list) or not isinstance(obj, list):
                continue
            s_m, o_m = subj[0], obj[0]
            kind_text = _fold(str(row.get("kind", "")) + " " + " ".join(str(h) for h in header if h))
            pred = _table_predicate(kind_text, header)
            folded_row = _fold(line)
            status = deal_status(_undisclosed(_fold(str(row.get("status", "")) or "")))
            amount = parse_amount(_fold(str(row.get("amount", ""))), sent.lang)
            date = parse_date(_fold(str(row.get("date", ""))))
            if pred == "soldTo:reverse":
                pred, s_m, o_m = "soldTo", o_m, s_m
            kind, rs, ro = KIND_OF[pred]
            deals.append(Deal(kind, status, ((rs, s_m.iri), (ro, o_m.iri)), sent.id, sent.doc_id, "table-row",
                              amount[0] if amount else None, amount[1] if amount else None,
                              amount[2] if amount else None, date))
            if status in ("Announced", "Completed") and s_m.iri != o_m.iri:
                rels.append(Relation(s_m.iri, pred, o_m.iri, sent.id, sent.doc_id, "table-row", 0.85))
            owner = o_m if pred in ("acquired", "licensedFrom") else s_m
            for hit in self.matcher.find(str(row.get("modality", ""))):
                if self._kind(hit.iri) == MODALITY:
                    rels.append(Relation(owner.iri, "develops", hit.iri, sent.id, sent.doc_id, "table-row", 0.75))
            for hit in self.matcher.find(str(row.get("indication", ""))):
                if self._kind(hit.iri) == INDICATION:
                    rels.append(Relation(owner.iri, "targets", hit.iri, sent.id, sent.doc_id, "table-row", 0.75))
            del folded_row
        return header, rels, deals, added

    @staticmethod
    def _deal(pred: str, s: str, o: str, status: str, rule: str, sent: Sentence, clause: str) -> Deal:
        kind, rs, ro = KIND_OF[pred]
        if rule.startswith("option"):
            kind = "Option"
        amount = parse_amount(clause, sent.lang)
        return Deal(kind, status, ((rs, s), (ro, o)), sent.id, sent.doc_id, rule,  # type: ignore[arg-type]
                    amount[0] if amount else None, amount[1] if amount else None, amount[2] if amount else None,
                    parse_date(clause))

    @staticmethod
    def _clauses(folded: str, ms: Sequence[_M] = ()) -> list[tuple[int, int, _M | None]]:
        """Clauses a relation may not cross, each with the subject a coordinated verb carries over.

        Beyond ``；。`` a clause ends at a comma that opens a new subject with its own verb
        (``甲以…買下B，丙以…併購D``) and at a coordinated verb (", and instead signed", "，並…").
        """
        out, start = [], 0
        for m in _CLAUSE_BREAK.finditer(folded):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(folded)))
        comps = [m for m in ms if m.kind == COMPANY and not m.appositive]
        result: list[tuple[int, int, _M | None]] = []
        for cs, ce in out:
            if ce <= cs:
                continue
            cuts: list[tuple[int, int, bool]] = []  # (cut start, next clause start, carries the subject)
            for c in re.finditer(r"[,，]\s*(?:(?:and|while|whereas|meanwhile|separately)\s+|而|则|另外|另|此外|同时|其中)?", folded[cs:ce]):
                pos, nxt = cs + c.start(), cs + c.end()
                seg_end = min([x for x in (folded.find(",", nxt), folded.find("，", nxt)) if x != -1] + [ce])
                head = [m for m in comps if m.start == nxt]  # a new subject opens the segment
                left = [m for m in comps if cs <= m.start and m.end <= pos]
                # Parallel clauses only ("A以…買下B，C以…併購D"): both sides carry a verb of the same family.
                lseg = max(folded.rfind(",", cs, pos), folded.rfind("，", cs, pos), cs)
                if head and left and any(f.search(folded, lseg, pos) and f.search(folded, nxt, min(seg_end, ce))
                                         for f in _FAMILIES):
                    cuts.append((pos, nxt, False))
            for c in re.finditer(r"\s+and\s+(?:then\s+|instead\s+|later\s+|also\s+|subsequently\s+)?(?=(?:signed|agreed|acquired|"
                                 r"bought|licensed|formed|entered|partnered|sold|struck|inked|took|launched|"
                                 r"develop\w*|focus\w*)\b)|[,，]\s*(?:并且|并|且|随后|转而|而是|但)(?=[^,，]{0,4})", folded[cs:ce]):
                cuts.append((cs + c.start(), cs + c.end(), True))
            cuts.sort()
            prev = cs
            subject: _M | None = None
            for pos, nxt, carry in cuts:
                if pos <= prev:
                    continue
                left_subject = next((m for m in comps if prev <= m.start and m.end <= pos), None)
                result.append((prev, pos, subject))
                subject = (left_subject or subject) if carry else None
                prev = nxt
            result.append((prev, ce, subject))
        return [(s, e, c) for s, e, c in result if e > s]

    @staticmethod
    def _subject_list(folded: str, cms: list[_M], pos: int, cs: int) -> list[_M]:
        """Companies in the list that ends right before ``pos`` (affiliates in parentheses excluded)."""
        before = [m for m in cms if m.end <= pos and m.kind == COMPANY]
        if not before:
            return []
        last = before[-1]
        gap = folded[last.end:pos]
        gap_clean = re.sub(r"[)）(（]", "", gap)
        # "Corvine, a Boston company founded in 2019, develops…": skip the appositive.
        gap_clean = re.sub(r"^\s*,\s*(?:an?|the|which|who)\b[^;；]{0,100}?,\s*", " ", gap_clean)
        gap_clean = re.sub(r"^\s*,\s*(?:which|that|who)\s+", " ", gap_clean)  # "Calder, which develops…"
        if len(gap_clean) > 40 or not _SUBJ_GAP.match(gap_clean.strip()) and not _short_gap(gap_clean):
            # "nuvance bio, which was spun out of X in 2022, develops…": the subject is before the relative clause.
            for m in reversed(before[:-1]):
                if re.fullmatch(r"\s*[,，]\s*(?:which|who|that)\b[^;；]{0,110}?[,，]\s*", folded[m.end:pos]):
                    return [m]
            return []
        chosen = [last]
        for prev in reversed(before[:-1]):
            between = re.sub(r"[)）(（]", " ", folded[prev.end:chosen[-1].start])
            if _LIST_GAP.match(between):
                chosen.append(prev)
            else:
                break
        return [m for m in reversed(chosen) if not m.affiliate_of] or [m for m in reversed(chosen)]

    @staticmethod
    def _object_list(folded: str, cms: list[_M], pos: int, kinds: set[str], ce: int) -> list[_M]:
        after = [m for m in cms if m.start >= pos and m.kind in kinds]
        if not after:
            return []
        first = after[0]
        gap = folded[pos:first.start]
        # "developing TV-101, an in vivo CAR-T candidate": a code name, then what it is.
        coded = re.fullmatch(r"\s*[\w-]*\d[\w-]*\s*,\s*(?:an?|the)\s+(?:[\w-]+\s+){0,2}", gap)
        if len(gap) > 40 or re.search(r"[,，;；]", gap) and not coded:
            return []
        chosen = [first]
        for nxt in after[1:]:
            between = folded[chosen[-1].end:nxt.start]
            if between.strip() == "" and nxt.kind == chosen[-1].kind == MODALITY:
                continue  # "AAV" + "基因治療": one compound name, the first part is the specific one
            if _LIST_GAP.match(between) or re.fullmatch(r"[^,，、;；]{0,12}(?:和|与|及|以及|、|and)\s*[^,，;；]{0,6}", between) \
                    or re.fullmatch(r"\s*(?:,\s*)?(?:such as|including|like|especially|notably|如|包括|例如|尤其是|特别是)\s*", between):
                chosen.append(nxt)
            else:
                break
        return chosen

    def _rule_develops(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        if not any(m.kind == MODALITY for m in cms):
            return
        # Outgoing deals only: in "X licensed a programme from Y" the licensee does develop it.
        deal_words = re.search(r"授权给|授予|出售|转让|\bgrant\w*|\bsold\b|\bsale of\b|\bsell\w*|\blicen[cs]\w* (?:\w+ )*?to\b",
                               folded[cs:ce])
        for trig in _DEVELOP.finditer(folded, cs, ce):
            if deal_words and re.fullmatch(r"\W*(?:programmes?|programs?|pipelines?|platforms?)\W*", trig.group(0)):
                continue  # "a licence to its TCR-T programme": whose programme is the deal rules' call
            exit_ = _EXIT.search(folded, max(cs, trig.start() - 30), min(ce, trig.end() + 30))
            subjects = self._subject_list(folded, cms, trig.start(), cs)
            if not subjects:
                # "X's CAR-T programme" / "X的CAR-T平台": company, then modality, then the trigger noun.
                subjects = self._possessive_subject(folded, cms, trig.start())
            if not subjects:
                # Topic-comment: "安澤生醫成立於2017年，專注開發γδ-T細胞療法" — the sentence opens with its subject.
                comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.end <= trig.start()]
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
            mods = self._object_list(folded, cms, trig.end(), {MODALITY}, ce)
            if not mods:
                mods = [m for m in cms if m.kind == MODALITY and m.end <= trig.start()
                        and (not subjects or m.start >= subjects[-1].end)]
            if subjects and any(m.org_type == COMPANY for m in subjects):
                subjects = [m for m in subjects if m.org_type == COMPANY]  # hospitals and schools partner, not develop
            if not subjects or not mods:
                continue
            pred, rule = ("exited", "exit-modality") if exit_ else ("develops", "develops-modality")
            for s in subjects:
                for mod in mods:
                    add(s.iri, pred, mod.iri, rule, 0.85 if s.curated else 0.7,
                        (min(s.start, trig.start()), max(mod.end, trig.end())))
            if pred == "develops":
                inds = [m for m in cms if m.kind == INDICATION and m.start >= trig.end()]
                for s in subjects:
                    for ind in inds:
                        add(s.iri, "targets", ind.iri, "develops-for-indication", 0.7, (s.start, ind.end))

        # Exits stated without a develop verb: "X 已退出 NK 細胞療法" / "X exited NK cell therapy".
        for trig in _EXIT.finditer(folded, cs, ce):
            subjects = self._subject_list(folded, cms, trig.start(), cs)
            mods = self._object_list(folded, cms, trig.end(), {MODALITY}, ce)
            for s in subjects:
                for mod in mods:
                    add(s.iri, "exited", mod.iri, "exit-modality", 0.8, (s.start, mod.end))

    @staticmethod
    def _possessive_subject(folded: str, cms: list[_M], pos: int) -> list[_M]:
        before = [m for m in cms if m.end <= pos]
        comps = [m for m in before if m.kind == COMPANY and not m.affiliate_of]
        if not comps:
            return []
        last = comps[-1]
        between = folded[last.end:pos]
        if re.fullmatch(r"(?:'s|’s|的)?\s*[^,，;；]{0,40}", between) and any(
                m.kind == MODALITY for m in before if m.start >= last.end):
            return [last]
        return []

    def _rule_acquisition(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        comps = [m for m in cms if m.kind == COMPANY]
        if len(comps) < 2:
            return
        for trig in _ACQ_PASSIVE.finditer(folded, cs, ce):
            if trig.group(0) in ("被", "遭"):
                # Y被X收購
                if not _ACQ_ACTIVE.search(folded, trig.end(), ce):
                    continue
                targets = self._subject_list(folded, cms, trig.start(), cs)
                acq = [m for m in comps if m.start >= trig.end()][:1]
            else:
                # Y was acquired by X
                targets = self._subject_list(folded, cms, trig.start(), cs) or [
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
            targets = self._object_list(folded, cms, trig.end(), {COMPANY}, ce)
            held = re.match(r"[^,，;；。]{0,12}?持有的\s*", folded[targets[0].end:]) if targets else None
            if held:
                # "受讓科潤醫藥持有的瑞晟基因全部股權": the company whose shares change hands is the target.
                owned = next((m for m in comps if m.start >= targets[0].end + held.end()), None)
                targets = [owned] if owned is not None else []
            for t in targets:
                targets_so_far[id(t)] = acquirer
                add(acquirer.iri, "acquired", t.iri, rule, 0.9, (acquirer.start, t.end))

    def _rule_partner(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
        if len(comps) < 2:
            return
        ctext = folded[cs:ce]
        lic = _LICENSE.search(ctext)
        if not (_PARTNER.search(ctext) or lic):
            return
        if _ACQ_ACTIVE.search(ctext) and not lic:
            return  # an acquisition sentence; the acquisition rule owns it
        if lic and self._licence(folded, cs, ce, cms, comps, add):
            return
        # Collaboration: "X與Y合作" / "X partnered with Y" / "X and Y signed a collaboration".
        with_m = re.search(r"\bwith\b|与|和|跟|同", ctext)
        if with_m:
            pos = cs + with_m.start()
            left = [m for m in comps if m.end <= pos]
            right = self._object_list(folded, cms, pos + len(with_m.group(0)), {COMPANY}, ce)
            right = [m for m in right if not m.affiliate_of]
            if left and right:
                subj = left[-1]
                for r in right:
                    add(subj.iri, "partneredWith", r.iri, "licence-agreement" if lic else "partnership", 0.8,
                        (subj.start, r.end))
                    self._deal_asset(folded, r, ce, cms, add, (subj, r))
                return
        trig = _PARTNER.search(ctext) or lic
        if trig is None:
            return
        group = self._subject_list(folded, cms, cs + trig.start(), cs)
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                add(a.iri, "partneredWith", b.iri, "partnership", 0.75, (a.start, b.end))
        if len(group) >= 2:
            self._deal_asset(folded, group[-1], ce, cms, add, tuple(group))

    def _licence(self, folded: str, cs: int, ce: int, cms: list[_M], comps: list[_M], add) -> bool:
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
        self._deal_asset(folded, licensee, ce, cms, add, (licensee, licensor), owner=licensor)
        return True

    def _deal_asset(self, folded: str, after: _M, ce: int, cms: list[_M], add, parties: tuple[_M, ...],
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

    def _rule_developed_by(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        """"an allogeneic CAR-T therapy developed by X" / "由X開發的Y": the passive names the developer."""
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
            tail = re.match(r"\s*(?:自主|独立|共同)?(?:开发|研发|研制|打造)的?\s*", folded[comp.end:])
            mod = next((m for m in cms if m.kind == MODALITY and tail and m.start >= comp.end + tail.end()
                        and m.start - comp.end - tail.end() <= 12), None) if tail else None
            if mod is not None:
                add(comp.iri, "develops", mod.iri, "developed-by", 0.8, (comp.start, mod.end))

    def _rule_own(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        """"…，其碱基编辑疗法CS-101在β-地中海贫血患者中…" / "X said its gene therapy…": the owner develops it."""
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
            owner = next((m for m in reversed(comps) if m.end <= pos), None)
            if owner is None or (pm.group(0) == "其" and _segment_topic(folded, cms, cs, pos) not in (None, owner)):
                continue
            mod = next((m for m in cms if m.kind == MODALITY and pos < m.start <= pos + 16), None)
            if mod is None or re.search(r"[,，;；]", folded[pos:mod.start]):
                continue
            if re.search(r"出售|转让|卖|授权|许可|\bsell|\bsold|\bsale|\blicen[cs]|\bgrant", folded[cs:ce]) or _EXIT.search(folded[cs:ce]) \
                    or _HEDGE.search(folded[max(cs, owner.start - 20):mod.end + 20]):
                continue  # an asset that changes hands or is dropped is the deal/exit rules' business
            add(owner.iri, "develops", mod.iri, "owner-modality", 0.7, (owner.start, mod.end))
            for ind in cms:
                if ind.kind == INDICATION and ind.start > mod.end and re.match(r"\s*(?:患者|病患|病人)", folded[ind.end:]):
                    add(owner.iri, "targets", ind.iri, "owner-patients", 0.7, (owner.start, ind.end))

    def _rule_spinout(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        """"X, which was spun out of Y" / "X (a spin-out of Y)" / "X由Y衍生成立" / "X從Y分拆成立": X spunOutFrom Y."""
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

    def _rule_joint_venture(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> bool:
        """"A與B合資成立C" / "A and B formed a joint venture" / "A set up a joint venture with B"."""
        trig = _JV.search(folded, cs, ce)
        if not trig:
            return False
        comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
        group = self._subject_list(folded, cms, trig.start(), cs)
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

    def _rule_sale(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> bool:
        """"X將Y出售給Z" (seller first) / "X sold its … to Z" / "the sale of X's unit to Z": X soldTo Z."""
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

    def _rule_place(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        """Where a company works or holds rights: "based in Belgium", "rights in Greater China", "在台灣申請"."""
        comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
        if not comps:
            return
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
            elif re.search(r"(?:在|于)\s*$", lead) and re.match(r"\s*(?:申请|提交|开展|推出|上市|设立|建厂|设厂|进行|启动|取得)", tail):
                seg = max(folded.rfind("，", cs, place.start), folded.rfind(",", cs, place.start), cs)
                holder = next((m for m in reversed(comps) if seg <= m.start and m.end <= place.start), None) \
                    or next((m for m in comps if m.end <= place.start), None)
            elif re.search(r"\b(?:launch\w*|commerciali[sz]\w*|operat\w*|expand\w*|sell\w*|market\w*) in\s+(?:the\s+)?$", lead):
                holder = next((m for m in reversed(comps) if m.end <= place.start), None)
            if holder is not None:
                add(holder.iri, "operatesIn", place.iri, "place", 0.7, (min(holder.start, place.start),
                                                                          max(holder.end, place.end)))

    def _rule_treats(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        if not any(m.kind == INDICATION for m in cms):
            return
        for trig in _TREAT.finditer(folded, cs, ce):
            word = trig.group(0)
            inds = self._object_list(folded, cms, trig.end(), {INDICATION}, ce)
            if not inds:
                continue
            # The trigger may sit inside the modality's own name ("幹細胞治療" is both).
            mod = next((m for m in cms if m.kind == MODALITY and m.start < trig.start() < m.end), None)
            if mod is None:
                before = [m for m in cms if m.end <= trig.start()]
                mod = next((m for m in reversed(before) if m.kind == MODALITY), None)
            if mod is None or not re.fullmatch(r"[^,，;；]{0,40}", folded[min(mod.end, trig.start()):trig.start()]):
                # "Adaptimmune's afami-cel was approved for synovial sarcoma": the company targets it.
                comps = [m for m in cms if m.kind == COMPANY and m.end <= trig.start() and not m.affiliate_of]
                # Product names look like company names; a curated company in the clause wins.
                comp = _segment_topic(folded, cms, cs, trig.start()) or next(
                    (m for m in reversed(comps) if m.curated), comps[-1] if comps else None)
                if comp is not None and word not in ("for", "against") or (
                        comp is not None and re.search(r"approv\w*|indicated|获批|核准|批准|candidate|intended|designed|"
                                                       r"develop\w*|programme|program\b",
                                                       folded[max(cs, comp.start - 60):trig.end()])):
                    gap = re.sub(r"^\s*,\s*(?:an?|the)\b[^;；]{0,100}?,\s*", " ", folded[comp.end:trig.start()])
                    if re.fullmatch(r"[^,，;；]{0,60}", gap) or comp is _segment_topic(folded, cms, cs, trig.start()) \
                            or re.fullmatch(r"[^;；]{0,70}", gap) and comp.pronoun:
                        for ind in inds:
                            add(comp.iri, "targets", ind.iri, "company-targets", 0.7, (comp.start, ind.end))
                continue
            gap = folded[min(mod.end, trig.start()):trig.start()]
            if word in ("for", "against") and len(gap) > 25:
                continue
            if len(gap) <= 40 and not re.search(r"[,，;；]", gap):
                for ind in inds:
                    add(mod.iri, "treats", ind.iri, "modality-treats", 0.8, (mod.start, ind.end))
                # "後者利用多能幹細胞…治療帕金森病": the company using the modality targets the indication.
                comps = [m for m in cms if m.kind == COMPANY and m.end <= mod.start and not m.affiliate_of]
                owner = bool(comps) and bool(re.match(r"(?:'s|’s)\s", folded[comps[-1].end:comps[-1].end + 3]))
                if comps and re.search(r"其\s*$", folded[max(cs, mod.start - 3):mod.start]):
                    comps, owner = [comps[0]], True  # "…，其間質幹細胞產品可用於治療…": the clause's company
                if comps and (word not in ("for", "against") or owner) and re.fullmatch(
                        r"[^;；。]{0,40}" if owner else r"[^,，;；。]{0,25}", folded[comps[-1].end:mod.start]):
                    for ind in inds:
                        add(comps[-1].iri, "targets", ind.iri, "company-uses-modality", 0.7,
                            (comps[-1].start, ind.end))

    def _rule_segment(self, folded: str, cs: int, ce: int, cms: list[_M], add) -> None:
        segs = [m for m in cms if m.kind == SEGMENT]
        for cue in _SEGMENT_CUE.finditer(folded, cs, ce):
            subjects = self._subject_list(folded, cms, cue.start(), cs)
            for s in subjects:
                for seg in segs:
                    if seg.start >= cue.start():
                        add(s.iri, "operatesIn", seg.iri, "segment-focus", 0.8, (s.start, seg.end))
                # "…等多家廠商則側重在外泌體新藥": a modality named as the focus is developed.
                for mod in self._object_list(folded, cms, cue.end(), {MODALITY}, ce):
                    add(s.iri, "develops", mod.iri, "segment-focus", 0.75, (s.start, mod.end))

    def _rule_apposition(self, text: str, folded: str, ms: list[_M], add) -> None:
        for m in ms:
            if m.kind != COMPANY or m.affiliate_of or m.pronoun:
                continue
            self._rule_possessive(folded, m, ms, add)
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
            if re.search(r"\bcdmo\b", app.group(0), re.IGNORECASE):
                add(m.iri, "operatesIn", str(resource("segment", "cdmo")), "apposition", 0.8)
            for adj, code in _COUNTRY_ADJ.items():
                if re.search(rf"(?<![a-z]){re.escape(adj)}(?![a-z])", desc):
                    add(m.iri, "headquarteredIn", str(resource("country", code)), "apposition", 0.75)
                    break

    @staticmethod
    def _rule_possessive(folded: str, m: _M, ms: list[_M], add) -> None:
        """"X's CAR-T programme" / "瀾嶼生物靶向CD7的CAR-T療法": the company develops that modality."""
        nxt = [o for o in ms if o.start >= m.end]
        if not nxt or nxt[0].kind != MODALITY:
            return
        mod = nxt[0]
        between = folded[m.end:mod.start]
        if re.fullmatch(r"(?:'s|’s)\s+(?:[a-z0-9-]+\s+){0,2}", between) or \
                re.fullmatch(r"[^,，;；、。的]{0,12}的", between):
            if not _HEDGE.search(folded[max(0, m.start - 20):mod.end]) and not _EXIT.search(
                    folded[mod.end:mod.end + 20]):
                add(m.iri, "develops", mod.iri, "possessive", 0.7)

    # -------------------------------------------------------------- market figures
    def _figures(self, sent: Sentence, ms: list[_M]) -> list[Figure]:
        folded = _fold(sent.text)
        if not _MARKET.search(folded):
            return []
        years = [(int(m.group(1)), m.start()) for m in _YEAR.finditer(folded)]
        cagr_m = _CAGR.search(folded)
        cagr = float(cagr_m.group(1) or cagr_m.group(2)) if cagr_m else None
        mods = [m for m in ms if m.kind == MODALITY]
        subject = mods[0].iri if mods else str(resource("modality", "regenerative-medicine"))
        out: list[Figure] = []
        for m in _MONEY.finditer(folded):
            unit, cur = (m.group("unit") or "").lower(), (m.group("cur") or "").lower()
            has_dollar = "$" in m.group(0) or "usd" in m.group(0).lower() or cur in ("美元", "美金", "usd", "dollars")
            if not unit or not has_dollar:
                continue
            num = float(m.group("num").replace(",", ""))
            scale = {"亿": 1e8, "億": 1e8, "万亿": 1e12, "兆": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6,
                     "mn": 1e6, "m": 1e6, "trillion": 1e12}[unit]
            amount = num * scale
            year = None
            if years:
                prior = [y for y, pos in years if pos < m.start()]
                year = prior[-1] if prior else years[0][0]
            iri = str(resource("figure", _hash(sent.doc_id, str(sent.id), str(m.start()))))
            out.append(Figure(iri, subject, amount, "USD", year, cagr, sent.id, sent.doc_id))
        return out


_TABLE_ROLES = (
    ("subject", r"acquirer|acquiring|buyer|purchaser|licensee|partner ?(?:1|a)|^company$|^partner$|收购方|买方|买家|"
                r"被授权方|引进方|合作方|^公司$"),
    ("object", r"target|seller|licensor|partner ?(?:2|b)|counterparty|被收购方|标的|卖方|授权方|出让方|合作伙伴|对象"),
    ("kind", r"deal type|^type$|^deal$|kind|交易类型|类型|形式"),
    ("amount", r"value|amount|price|consideration|upfront|金额|价格|对价|首付"),
    ("date", r"year|date|announced|signed|年份|日期|时间|年度"),
    ("status", r"status|状态|进度"),
    ("modality", r"modality|technology|platform|asset|技术|平台|疗法|资产"),
    ("indication", r"indication|disease|适应症|疾病"),
)


def _table_role(cell: str) -> str | None:
    low = _fold(cell).strip()
    for role, pattern in _TABLE_ROLES:
        if low and re.search(pattern, low):
            return role
    return None


def _table_predicate(kind_text: str, header: Sequence[str | None]) -> str:
    if re.search(r"joint venture|\bjv\b|合资", kind_text):
        return "jointVentureWith"
    if re.search(r"licen|授权|许可", kind_text):
        return "licensedFrom"
    if re.search(r"collab|partner|alliance|合作", kind_text) and not re.search(r"acqui|收购", kind_text):
        return "partneredWith"
    if re.search(r"spin|分拆|衍生", kind_text):
        return "spunOutFrom"
    if re.search(r"seller|卖方|出让", kind_text) and not re.search(r"acqui|收购|buyer|买方", kind_text):
        return "soldTo"
    if re.search(r"sale|divest|出售", kind_text):
        return "soldTo:reverse" if re.search(r"buyer|买方", kind_text) else "soldTo"
    return "acquired"


def _segment_topic(folded: str, cms: Sequence[_M], cs: int, pos: int) -> _M | None:
    """The clause's opening company when the comma-segment holding ``pos`` names none ("X今日公告，與…合作")."""
    seg = max(folded.rfind("，", cs, pos), folded.rfind(",", cs, pos))
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if seg < 0 or not comps or comps[0].start > cs + 4:
        return None
    if any(seg < m.start < pos for m in comps if not m.pronoun or m.start > cs):
        return None
    return comps[0]


def _is_product(text: str, start: int, end: int) -> bool:
    """"Abecma, a CAR-T therapy…" / "CASGEVY (exagamglogene autotemcel)": a brand, not a company."""
    after = text[end:end + 80]
    if re.search(r"(?:CAR-T|TCR-T|therapy|therapies|drug|product|candidate|treatment|medicine|gene therapy)\s*,\s*$",
                 text[max(0, start - 30):start], re.IGNORECASE):
        return True  # "Novartis's approved CAR-T, Kymriah, …"
    return bool(re.match(r",\s*(?:an?|the|its)\s+(?:[\w-]+\s+){0,4}?(?:therapy|therapies|treatment|drug|product|medicine|"
                         r"candidate|vaccine|gene therapy|cell therapy)\b", after, re.IGNORECASE)
                or re.match(r"\s*[(（]\s*[a-z]+(?:mab|cel|gene|vec|cept|parvovec|autotemcel|leucel|temcel)\b", after)
                or re.search(r"\b(?:brand|product|drug|therapy)\s+$", text[max(0, start - 12):start], re.IGNORECASE))


def _pair_aliases(text: str, ms: list[_M]) -> None:
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
        code = re.fullmatch(r"(?:(?:TWSE|TPEx|HKEX|Nasdaq|NYSE|SSE|SZSE)[:：]\s*)?(\d{4,6}(?:\.[A-Z]{2})?|[A-Z]{2,5})", inner)
        if code:
            m.aliases += (code.group(1),)
        elif re.fullmatch(rf"[{HAN}]{{2,12}}", inner) or re.fullmatch(r"[A-Z][A-Za-z0-9&.\- ]{1,30}", inner):
            if not any(o is not m and o.start >= m.end and o.end <= m.end + br.end() and o.curated for o in ms):
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


def _undisclosed(window: str) -> str:
    """Drop "terms were not disclosed"/"金額未公開": they qualify the amount, not whether the deal happened."""
    return re.sub(r"\b(?:were|was|is|are)?\s*not (?:been )?(?:disclosed|revealed|made public)\b|未(?:公开|披露|透露|公布)|"
                  r"\bundisclosed\b", " ", window)


def _window(folded: str, cs: int, start: int, end: int) -> str:
    """The words that qualify a fact: its own span plus the lead-in of its comma-clause (≤ 20 chars)."""
    lead = max(cs, start - 20)
    comma = max(folded.rfind(",", lead, start), folded.rfind("，", lead, start))
    if comma >= 0:
        lead = comma + 1
    # …and what follows in the same clause ("翊辰與禾沐的授權協議已於3月終止").
    tail = re.search(r"[,，;；。]", folded[end:end + 40])
    stop = end + (tail.start() if tail else min(40, len(folded) - end))
    return folded[lead:stop]


def _short_gap(gap: str) -> bool:
    """A gap of a few words without clause punctuation ("和Janssen成功" → "成功")."""
    return len(gap.strip()) <= 8 and not re.search(r"[,，;；。]", gap)


def describe(relations: Sequence[Relation]) -> list[str]:
    """Human-readable one-liners (debugging aid)."""
    return [f"{r.subject.rsplit('/', 1)[-1]} {r.predicate} {r.object.rsplit('/', 1)[-1]} [{r.rule}]"
            for r in relations]


__all__ += ["describe"]
