"""Trigger lexicons, cue tables and tiny text helpers shared by every extraction stage.

The patterns read *folded* text (:func:`_fold`: lower case, Simplified Chinese, same length as the
original so offsets carry over), except where a comment says the original text is read.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from ..match import fold_aligned

HAN = "\u4e00-\u9fff\u3400-\u4dbf"
# Mention kinds used by the rules.
COMPANY, MODALITY, INDICATION, SEGMENT, COUNTRY, REGULATION = (
    "Company", "Modality", "Indication", "Segment", "Country", "Regulation")
PRODUCT = "Product"  # a brand or platform name: never in a sentence's mentions, linked to its company


# ------------------------------------------------------------------ trigger lexicons (folded text)
_DEVELOP = re.compile(
    r"布局|开发|发展|研发|投入|聚焦|专注|深耕|推进|押注|进军|切入|打造|着重|著重|致力|等平台|技术平台|产品线|管线|研究方向|"
    r"\bdevelop(?:s|ed|ing|er|ers)?\b|\bwork(?:s|ing)? on\b|\bpursu(?:e|es|ed|ing)\b|\badvanc(?:e|es|ed|ing)\b|"
    r"\bfocus(?:es|ed|ing)? on\b|\binvest(?:s|ed|ing)? in\b|\bbet(?:s|ting)? on\b|\bexpand(?:s|ed|ing)? into\b|"
    r"\bentered\b|\bbuild(?:s|ing)?\b|\bprogramme|\bprogram\b|\bpipeline\b|\bplatform\b|"
    r"\bmarket(?:s|ed|ing)\b|\bcommerciali[sz](?:e|es|ed|ing)\b|\blaunch(?:es|ed|ing)?\b|"
    r"\bus(?:es|ed|ing)\b|\bappl(?:ies|ied|ying)\b|\bemploy(?:s|ed|ing)?\b|\bleverag(?:e|es|ed|ing)\b|\bowns\b|"
    r"\bpioneer(?:s|ed|ing)?\b|\bspeciali[sz](?:es|ed|ing)? in\b|\bengineers\b|"
    r"采用|利用|运用|基于|拥有|掌握|具备|推出|专攻|主攻|从事|涉足|研制|主要做|专门做|专做")
_EXIT = re.compile(
    r"退出|终止|停止|放弃|撤出|剥离|砍掉|关闭|出售|结束(?=[^,，;；。]{0,14}?(?:业务|部门|事业|研发|开发|项目|管线))|"
    r"\bexit(?:s|ed|ing)?\b|\bdiscontinu(?:e|es|ed|ing)\b|\bterminat(?:e|es|ed|ing)\b|\bhalt(?:s|ed|ing)?\b|"
    r"\bdropp(?:ed|ing)\b|\babandon(?:s|ed|ing)?\b|\bshelv(?:e|ed|ing)\b|\bwound down\b|\bwind(?:s|ing)? down\b|"
    r"\bstopp(?:ed|ing)\b|\bscrapp(?:ed|ing)\b|\bdivest(?:s|ed|ing)?\b|\bpulled out\b|\bno longer\b|\bleft\b|\bquit\b")
# The modal "may", not the month ("closed in May", "on May 3", "May 2025": folded text has no capitals).
_HEDGE = re.compile(
    r"否认|并未|未曾|没有|不会|不再|无意|暂无|并无|尚无|目前无|无(?=[^,，;；。]{0,14}?(?:计划|打算))|并非|传闻|据传|传出|传言|考虑|洽谈|或将|可能|拟|有意|谣言|"
    r"(?<![来])未(?![来])|"
    r"\bdeni(?:ed|es)\b|\bdeny(?:ing)?\b|\bnot\b|\bnever\b|\bnor\b|\brumou?r(?:s|ed)?\b|\breportedly\b|"
    r"\bsaid to be\b|\bis said\b|\bconsider(?:s|ed|ing)?\b|\bin talks\b|\btalks\b|\bexplor(?:e|es|ed|ing)\b|"
    r"\bmay\b|\bmight\b|\bcould\b|\bwould\b|\bspeculat\w*|\bcalled off\b|\bcollaps\w*|\bfell through\b|"
    r"\bwithdr[ae]w\w*|\bfailed to\b|\bplan(?:s|ned)? to\b|\bintend(?:s|ed)? to\b|\bpotential\b|\bhypothetical\b|"
    r"\bstopped short of\b|\brather than\b|\binstead of\b|\bweigh(?:s|ed|ing)?\b|消息称|有意|"
    r"\bno (?:plans?|intention|interest)\b|\bruled out\b|\bdeclin(?:ed|es) to\b|排除|婉拒|拒绝")
_DEAL_CANCEL = re.compile(
    r"终止|取消|告吹|破局|撤回|中止|结束|解除|分手|\bno longer\b|\bregained (?:the )?rights\b|\bterminat\w*|\bcancel\w*|\bcalled off\b|\bscrapp\w*|\bended\b|\bunwound\b|"
    r"\bwalked away\b|\babandon\w*")
_ACQ_ACTIVE = re.compile(
    r"收购|并购|买下|购并|收入旗下|纳入旗下|收入囊中|纳入囊中|入主|拿下|购入|购得|受让|\bbid for\b|\btender offer for\b|"
    r"\bacquir(?:e|es|ed|ing)\b|\bacquisition of\b|\bbought\b|\bbuy(?:s|ing)?\b|\bpurchas(?:e|es|ed|ing)\b|"
    r"\btook over\b|\btakeover of\b|\btake over\b|\bsnapped up\b|\bsnap(?:s|ping)? up\b|\bbuy-?out of\b|"
    # "picked up Y", not "sales picked up after…" or "picked up the tab for Y's trial"
    r"\bpick(?:ed|s)? up\b(?!\s+(?:after|before|in|on|at|again|as|when|while|the (?:tab|bill|pace|slack|cost)|steam|"
    r"speed|momentum|pace|sharply|slightly|strongly|\d))|"
    # "took a 51% stake in Y" (a share of 50 % or less is no takeover: _takes_company), "absorbed Y into its unit"
    r"\bt(?:ook|akes?|aking|aken)\b(?=\s+(?:a|an)\s+(?:\d+(?:\.\d+)?\s*%|majority|controlling)\s+"
    r"(?:equity\s+)?(?:stake|interest)\s+in\b)|"
    r"(?:(?<=元)|(?<=斥资)|(?<=宣布)|(?<=成功)|(?<=正式)|(?<=拟)|(?<=将))控股(?=[\u4e00-\u9fffa-z])|"  # "斥資8億元控股Y"
    r"\babsorb(?:ed|s|ing)?\b(?!\s+(?:the|its|their|a|an|some|most|all|much|part)\b)"
    r"(?=\s+[^,;]{2,40}?\binto\s+(?:its|their|the)\b)|"
    # "取得Y全部股權", "取得Y 100%股權": all of a company's shares are the company
    r"取得(?=[^,，;；。]{2,24}?(?:全部|全数|100\s*%|百分之百)(?:的)?(?:股权|股份))")
_ACQ_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|be)?\s*(?:acquired|bought|purchased|taken over|snapped up|bought out|picked up)\s+by\b|"
    r"\bacquisition by\b|"
    r"(?:被|遭)")
_PARTNER = re.compile(
    r"合作|结盟|联盟|伙伴|协作|携手|联手|签署|签订|达成|共同开发|共同研发|联合开发|战略|"
    r"\bco-?operat(?:e|es|ed|ing|ion|ive)\b|\bcollaborative\b|\bconsortium\b|\btied up\b|\bjoin(?:s|ed|ing)? hands\b|"
    r"\bin conjunction with\b|\bcontract(?:s|ed)? with\b|"
    r"\bpartner(?:s|ed|ing|ship|ships)?\b|\bcollaborat(?:e|es|ed|ing|ion|ions|or|ors)\b|\balliance\b|\bteam(?:ed|s)? up\b|\bteam(?:ed|s|ing)? with\b|\bmous?\b|备忘录|"
    r"\bjoint venture\b|\bco-develop\w*|\bagreement\b|\bdeal\b|\bpact\b|\btie-up\b|\bmemorand(?:um|a) of understanding\b|"
    r"\b(?:being |been )?develop(?:ed|ing) (?:together )?with\b")
_LICENSE = re.compile(r"授权|许可|授予|引进|引入|技转|技术移转|技术转移|权益|开发权|商业化权|独家权利|(?:的|区|洲|全球|独家|地区)权利|\blicen[cs]\w*|\bin-licens\w*|\bout-licens\w*|"
                      r"\brights? (?:to|for|in)\b")
_TREAT = re.compile(
    r"治疗|用于|针对|攻克|适应症|适用于|锁定|目标是|聚焦于|"
    r"\btreat(?:s|ed|ing|ment)?\b|\bfor patients\b|\bin patients with\b|\bindicated for\b|\bapproved for\b|"
    r"\btarget(?:s|ed|ing)?\b|\bagainst\b|\bfor\b")
_SEGMENT_CUE = re.compile(r"着重|著重|侧重|专注|聚焦|提供|主攻|深耕|布局|\bfocus\w*|\bprovid\w*|\boffer\w*|\bspeciali[sz]\w*|\boperat\w*")
_LIST_GAP = re.compile(
    r"^(?:\s|[,，、/&]|and|the|as well as|along with|plus|or|以及|及|和|与|跟|或|若|、|与其|还有|如|包括|包含|例如)*$")
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
# A grant's verb right before the one it goes to ("授予諾華其…", "授權給Y"): what 其 names after it is the grantor's.
_GRANT_TO = re.compile(r"(?:授予|授权给|授权予|许可给|转让给|出售给|卖给|给予|交给)\s*$")
_ZH_ORG_SUFFIX = ("生物科技", "生物技术", "生物医药", "再生科技", "细胞科技", "细胞制造", "生技", "生医", "制药", "药业", "医疗",
                  "医药", "集团", "公司", "生物", "再生", "科技", "基因", "细胞", "新药")
# Hospitals and universities are deal partners too (in Taiwan the main ones): typed, never called companies.
_ZH_INSTITUTION_SUFFIX = (("大学附设医院", "Hospital"), ("大学附属医院", "Hospital"), ("附设医院", "Hospital"),
                          ("附属医院", "Hospital"), ("纪念医院", "Hospital"), ("总医院", "Hospital"), ("医院", "Hospital"),
                          ("大学", "University"), ("研究院", "University"), ("学院", "University"))
# A name's words may be possessive ("St. Jude Children's Research Hospital", "King's College"); a cancer
# centre is a hospital ("Fred Hutchinson Cancer Center"); "of" and a place may follow the head noun
# ("Children's Hospital of Philadelphia", "West China Hospital of Sichuan University").
_LATIN_INSTITUTION = re.compile(
    r"(?<![A-Za-z])(?:(?:the\s+)?(?P<pre>(?:University|Institute|College) of(?: the)?(?: [A-Z][A-Za-z.-]+){1,4})"
    r"|(?P<post>(?:[A-Z][A-Za-z.&-]+(?:['’]s)? ){1,4}(?:University|Hospital|Medical Center|Medical Centre|"
    r"Cancer Center|Cancer Centre|Institute|College|Clinic)"
    r"(?: (?:Hospital|Cancer Center|Cancer Centre|Medical Center))?"
    r"(?: of(?: the)?(?: [A-Z][A-Za-z.-]+){1,3}(?= *(?:[,;.()]|and\b|to\b|on\b|in\b|for\b|$)))?))(?![A-Za-z])")
# "2seventy bio", "bluebird bio", "nuvance bio": lower-case or digit-initial names carry a company word.
_LOWER_NAME = re.compile(
    r"(?<![A-Za-z0-9/.-])((?:[a-z][a-z0-9]{2,}|[0-9][a-z0-9]*[a-z][a-z0-9]*)(?: [a-z][a-z0-9]+)?"
    r" (?:bio|therapeutics|pharma|pharmaceuticals|biosciences|biotherapeutics|genomics|genetics|biologics|medicines|"
    r"oncology|cell|cells|labs))(?![A-Za-z0-9])")
_INSTITUTION = re.compile(r"\b(?:University|Institute|Hospital|Center|Centre|College|School|Administration|Agency|"
                          r"Ministry|Department|Council|Commission|Foundation|Association|Society|Academy|Authority|"
                          r"Agency|Office|Bureau|Court|Parliament|Congress|Government|Committee|Board|Clinic)\b")
# Words just before a name that make it a product, not a company ("產品 Carvykti", "核准Casgevy用於").
_PRODUCT_CUE = re.compile(r"(?:产品|商品名|药物|疗法|批准|核准|获批|许可的|候选|平台|技术|\bproduct|\bdrug|\btherapy|\bapproved|"
                          r"\bcandidate|\bbrand(?:ed)?|\bnamed|\bcalled)\s*[(（]?\s*$")
# A "name" containing one of these is a generic phrase ("各大藥廠", "國際大藥廠"), not a company.
# Verbs and adverbs that can stand glued before a name ("取得晨璟生技", "將獲得瀾嶼生物").
_ZH_LEAD = re.compile(r"(?:合作伙伴|合作对象|伙伴|衍生新创|新创|委托|携手|联手|牵手|联合|选择|选定|取得|获得|获授|收购|并购|买下|拿下|购入|购得|受让|出售给|卖给|转让给|授权给|授予|引进|引入|脱胎于|宣布|表示|补足|今日|今天|日前|近日|并且|并|且|将|由|向|对|从|与|和|及|"
                      r"此外|另外|同时|目前|其中|包括|包含|例如|如|而|则|也|亦|已|曾|旗下|了)+")
_ZH_CUT = re.compile(r"(?:企业|公司|厂商|药企|业者|伙伴|对象|单位|机构)(?:有|包括|包含|如)|共建|完成后|之后|以后|随后|此后|收购|并购|买下|拿下|购入|购得|受让|出售|卖给|转让|授权|授予|引进|引入|付款|首付|脱胎|源自|合资|衍生|分拆|持有|旗下|给|取得|获得|宣布|表示|美元|亿|万|元|年|月|日|的|是|在|以|与|和|及|将|由|被")
_ZH_GENERIC = re.compile(r"全资|子公司|母公司|合资公司|这类|此类|该类|这种|各类|两类|这家|这些|各|国际|大药厂|这些|多家|全球|其他|其它|相关|可能|改变|综观|未来|许多|我们|该|此|本土|国内|"
                         r"国外|中小|大型|新创|业者|厂商|台厂|欧美|美国|日本|韩国|中国|台湾|生技制药|生技医药|生物医药|"
                         r"再生医疗|治疗|疗法|产业|市场|领域|技术|平台|发展|开发|研究|临床|药物|新药|干细胞|免疫细胞")
_ZH_BRACKETED = re.compile(
    r"(?<=[\u4e00-\u9fff\u3400-\u4dbf])[(（]\s*(?:(?:twse|tpex|股票代号|代号|上市|上柜|兴柜)[:：]?\s*)?"
    r"(?:\d{4,6}(?:[.-]tw|\.two|\.hk| tt)?"
    r"|[a-z][a-z0-9]+(?:[ -][a-z0-9]+){0,3})\s*[)）]")
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
# h/rnd2: a funding round or a sales figure opens no name ("a $90 million Series B, which will fund …", "Sales of X's
# CAR-T …" made "Series B" and "Sales" companies).
_NOT_COMPANY |= {"series", "sales", "revenue", "revenues", "proceeds"}
# h/deals3: the paper a deal is written on ("signed an MoU with Y") is no company.
_NOT_COMPANY |= {"mou", "mous", "moa", "loi", "term sheet"}
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
    # h/deals: the other countries of ontology/schemes.ttl
    "australian": "AU", "canadian": "CA", "italian": "IT", "spanish": "ES", "swedish": "SE", "indian": "IN",
    "thai": "TH",
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
# "Swiss drugmaker Roche", "the Dutch biotech Neogene": the adjective names the company's home.
_HOME_ADJ = re.compile(
    r"(?<![a-z-])(" + "|".join(re.escape(a) for a in sorted(_COUNTRY_ADJ, key=len, reverse=True)
                               if a not in ("us", "u.s.")) + r")\s+(?:[a-z-]+\s+){0,2}"
    r"(?:company|biotech|drugmaker|pharma|firm|group|developer|start-?up|maker|cdmo|biopharma)\s+")
_MONEY = re.compile(
    r"(?:us\$|usd|\$|美金|美元)?\s*(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>亿|億|万亿|兆|billion|bn|million|mn|m\b|trillion)?"
    r"\s*(?P<cur>美元|美金|usd|dollars|新台币|台币|人民币|元|日元|日圆|韩元|欧元)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")
_CAGR = re.compile(r"(?:年复合成长率|年复合增长率|复合年增长率|cagr|compound annual growth rate)[^0-9]{0,20}(\d+(?:\.\d+)?)\s*%"
                   r"|(\d+(?:\.\d+)?)\s*%\s*(?:的)?(?:年复合成长率|年复合增长率|cagr)", re.IGNORECASE)
_MARKET = re.compile(r"市场规模|市场|产值|\bmarket\b|\bsales\b|\brevenue", re.IGNORECASE)

# h/rd3: "The Cambridge, Massachusetts-based company", "The Calif.-based biotech", "The clinical-stage company".
_PRONOUN = re.compile(r"^\s*(?:(?:答|A)\s*[:：]\s*(?:(?:對|对|是的|沒錯|没错|嗯|Yes|Sure|Right|Well)\s*[,，]\s*)?)?"
                      # "答：我們主要做…", "A: We are developing…": in an interview the answer's "we" is the company
                      # asked about (only after an answer marker: an analyst's "we" is no company).
                      r"((?<=[:：,，])(?:我們|我们|本公司)|(?<=[:：,]\s)(?:We|Our)|It|Its|The company|The firm|The biotech|The group|The unit|The start-up|The startup|"
                      r"The drugmaker|The (?:(?:[A-Z][A-Za-z.-]+|[a-z]+-[a-z]+),? ){1,3}(?:company|biotech|firm|start-up|startup|drugmaker|"
                      r"group|developer)|该公司|該公司|该企业|該企業|该集团|該集團|该药企|該藥企|该药厂|該藥廠|该新创|該新創|这家公司|這家公司|"
                      r"它|其(?![中他它余实次]))(?=[\s'’,，]|[\u4e00-\u9fff])")
# A definite description inside a sentence ("…a collaboration with the Boston biotech"): the last company named.
_DEFINITE = re.compile(r"\bthe (?:[A-Z][A-Za-z-]+ ){0,2}(?:company|biotech|firm|start-up|startup|drugmaker|developer|unit|"
                       r"subsidiary)\b"
                       r"(?!\s+(?:[A-Z]|named|called))|该公司|該公司|该企业|該企業|这家公司|這家公司|此公司|该集团|該集團|"
                       r"该药企|該藥企|该药厂|該藥廠|该新创|該新創|"
                       # "X表示，公司將…": a bare 公司 right after a company's speech verb is that company
                       r"(?:(?<=表示，)|(?<=表示,)|(?<=指出，)|(?<=指出,)|(?<=強調，)|(?<=强调，)|(?<=透露，)|(?<=透露,)|"
                       r"(?<=說，)|(?<=说，)|(?<=稱，)|(?<=称，))\s*公司(?![,，])")
# "it"/"its"/"它"/"其" inside a sentence (not the impersonal "it is expected", not "其中"/"其他"/"尤其").
_MID_PRONOUN = re.compile(
    r"\b(it|its)\b(?!\s+(?:is|was|will be|would be|has been|remains|seems)\s+(?:expected|likely|unlikely|unclear|"
    r"possible|not clear|too early|worth|said|reported|understood|believed|estimated))"
    r"|(?<![尤及极])(它|其)(?![中他它余实次])", re.IGNORECASE)
# A person's name written like a company's: the title before it, or the role after it.
_PERSON_BEFORE = re.compile(r"\b(?:CEO|CFO|CSO|CMO|COO|chief executive(?: officer)?|chief (?:scientific|medical|financial|"
                            r"business) officer|president|chairman|chairwoman|founder|co-founder|professor|analyst|"
                            r"veteran|executive|scientist|researcher|entrepreneur|physician|oncologist|inventor|"
                            r"spokes(?:person|woman|man)|Dr|Mr|Mrs|Ms|Prof)\.?,?\s+$", re.IGNORECASE)
_PERSON_AFTER = re.compile(r",\s*who\b|,\s*(?:the\s+|its\s+|a\s+)?(?:CEO|CFO|CSO|CMO|COO|chief|president|chairman|chairwoman|founder|"
                           r"co-founder|head of|professor|director|analyst|vice president|senior vice president)\b",
                           re.IGNORECASE)
# "该疗法", "這類療法": a definite description of the modality named last (with 技术/产品/项目 the dev set
# gains a fact and a wrong one, so those are left out).
_TERM_ANAPHOR = re.compile(r"(?:该|該|此|这一|這一|这类|這類)(?:疗法|療法|管线|管線|候选药物|候選藥物)")
# A Chinese sentence that opens with its predicate: the subject is the previous sentence's topic.
_ZH_ZERO = re.compile(r"^\s*(?:(?:并且|并|也|亦|还|同时|另外|另|此外|目前|已经|已|将|正在|正|则|更|随后|近期|近年来|近年|今年|"
                      r"去年|明年|主要|持续|积极|\d{4}年(?:\d{1,2}月)?(?:起|时|底|初)?)[，,、]?\s*)*"
                      r"(?:专注|主攻|聚焦|致力|开发|研发|布局|锁定|推进|拥有|取得|获得|完成|宣布|表示|计划|预计|投入|深耕|"
                      r"着重|著重|与|跟)")
_JV = re.compile(r"合资|合营|\bjoint[- ]venture\b|\bJV\b", re.IGNORECASE)
_SPIN = re.compile(r"脱胎于|脱胎自|孵化自|衍生自|分拆自|源自|源于|育成|\bspun (?:out|off)\b|\bspin(?:s|ning)? (?:out|off)\b(?! of\b)|\bspin-?(?:out|off)s?\b|\bspinout\b|\bcarved out\b|衍生成立|衍生设立|衍生出来|"
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
# What an acquisition verb takes when it is a licence: rights, not the company ("股權" is shares: a takeover),
# or the licence itself ("拿下Y…的全球授權", "購入Y…的許可"; not a 授權協議/授權費, which a company signs or pays).
_RIGHTS_OBJECT = re.compile(r"[^,，;；。]{0,40}?(?:权益|权利|开发权|商业化权|销售权|代理权|\brights?\b|\blicen[cs]e\b|"
                            r"(?:授权|许可)(?!协议|合约|费))")
# A digit-grouping comma ("3,500萬美元") is no clause boundary: the rules' folded text carries this instead.
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
THOUSANDS = "\u066c"
# A denial that points back at what the sentence just reported ("…有意收購Y，但X發言人否認此事").
_DENIED_BACK = re.compile(r"(?:否认|驳斥|澄清)(?:了)?(?:此事|此说|该传闻|此传闻|传闻|上述|这一|相关|该消息|此消息|该报道)|"
                          r"\b(?:denied|dismissed|rejected|refuted)\s+(?:the|this|that|it|any|such|those|these)\b|"
                          r"\b(?:report|claim|rumou?r)s?\b[^.;]{0,30}?\b(?:denied|dismissed)\b|"
                          r"\bunfounded\b|\bnot true\b")
# An exit that is only planned, reported or weighed is no exit yet ("would discontinue the platform").
_FUTURE = re.compile(r"(?<!\bin )(?<!\bon )(?<!\bsince )(?<!\buntil )(?<!\bby )(?<!\bfrom )(?<!\bof )(?<!\blast )(?<!\bthis )(?<!\bnext )(?<!\bearly )(?<!\blate )(?<!\bmid-)(?<!\bmid )(?<!\bend of )\bmay\b(?!\s+\d)(?!,?\s+(?:19|20)\d\d)|\b(?:would|will|might|could|plans? to|planned to|intends? to|expects? to|consider\w*|"
                     r"reportedly|is said|weigh\w*)\b|拟|计划|将会|考虑|可能|或将|有意|传闻|据传")
# Inside "Y, a Boston company working on …" / "Y, whose … programme": an open apposition or relative clause.
_MODIFIER = re.compile(r"\s*,\s*(?:an?|the|which|that|who|whose)\b[^,;；。()（）]*")
_ITS = re.compile(r"(?:\bits|\btheir|其)\s*(?:[\w-]+\s+){0,2}$")
_ZH_MARKET_TAIL = re.compile(r"\s*(?:市场|获批|获准|核准|上市|申请|提交|开展|推出|设立|建厂|设厂|进行|启动|取得|销售|商业化|开设|"
                             r"成立|临床|布局|营运|运营|生产|与|跟|合作|共同|开发|研发|推动|推进)")  # h/rd3: "X在台灣與Y合作開發"
# Verbs that put a company's work in a place: "launched in", "expanded into", "approved in", "opened … in".
_MARKET_VERB = re.compile(r"\b(?:launch\w*|commerciali[sz]\w*|operat\w*|expand\w*|sell\w*|sold|market\w*|enter\w*|"
                          r"approv\w*|clear\w*|authori[sz]\w*|fil(?:e|ed|es|ing)|submit\w*|open\w*|set up|sets up|build\w*|"
                          r"built|manufactur\w*|distribut\w*|register\w*|available|presence|subsidiar\w*|sites?|plant|"
                          r"facilit\w*|office)\b")
# The tagger's least sure character must be at least this sure (lower thresholds add wrong names on the
# private and dev sets: benchmarks/bench_extract.py).
TAGGER_THRESHOLD = 0.8
# A word this frequent in jieba's dictionary opening a long Chinese name is not part of it.
COMMON_LEAD_FREQ = 2000
_CLAUSE_BREAK = re.compile(r"[；;。!！?？]|[,，](?=\s*(?:但|然而|不过|而|however|but|while|whereas)\b)")


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    # Each sentence is folded by several rules; folding is the extractor's hot spot.
    return fold_aligned(text)


def _hash(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


# ---------------------------------------------------------------- h/xrel
# Work that is paused, ended or past is no current "develops"/"targets" fact ("put its CAR-T pipeline on
# hold", "has ended development of", "which once developed", "曾經開發", "暫停…的開發", "擱置"); an exit
# proper ("exited", "停止開發") stays with :data:`_EXIT`.
_WORK_OFF = re.compile(
    r"\bended\b|\bend(?:s|ing)? (?:its|their|the|all)\b|\bpaus(?:e|es|ed|ing)\b|\bon hold\b|\bsuspend(?:s|ed|ing)?\b|"
    r"\bdeprioriti[sz](?:e|es|ed|ing)\b|\bmothball\w*|\bput aside\b|\b(?:which|that|who) once\b|\bonce (?:developed|worked|focused|pursued|made)\b|\bformerly\b|\bpreviously (?:develop|work)\w*|"
    r"\bused to\b|\bformer\b|\bretired\b|\bg(?:ave|ive|ives|iving) up\b|\bstop(?:s)?\b|\buntil\b|\bcancel\w*|"
    r"\bdiscontinu\w*|\bterminat\w*|\bhalt\w*|暂停|搁置|暂缓|中止|曾经|曾(?=[经在与和]|开发|研发|布局|投入|从事|专注|聚焦|合作)|"
    r"昔日|一度|原本|过去曾|转型为|已转型|喊停|叫停|收手|告终|画下句点|划下句点|不了了之|撤资|淡出|撤退|退场|中断|停摆|"
    r"停掉|下马|\baxed\b|\bscuttl\w*|\bkill(?:ed|s)\b|\bshutter\w*|\bsunset\w*|\bwound up\b|\bpar(?:ed|es|ing) back\b|"
    r"\bcull\w*|\bretreat\w*|\bbowed out\b|\bb(?:acked|acks) (?:out|away)\b|\bwr(?:ote|itten) off\b|\bimpair\w*|"
    # h/deals3: rights handed back end the work on what they covered
    r"\b(?:returned|handed back|gave back)\b[^,;]{0,20}?\brights?\b|(?:归还|交还|退还)[^,，;；。]{0,4}?(?:给|予)?")
# Said after a deal, these leave it unmade: a rejected offer (", which the board rejected", "遭到拒絕"), a
# report called false ("消息不實", "純屬臆測").
_REJECTED_BACK = re.compile(
    r"\b(?:which|that)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:rejected|rebuffed|spurned|turned down|refused)\b|"
    r"\b(?:was|were|has been|had been|is|are)\s+(?:\w+\s+)?(?:rejected|rebuffed|spurned|turned down)\b|"
    r"\b(?:false|untrue|baseless|inaccurate|groundless)\b|"
    r"(?:遭|被)(?:到)?(?:拒绝|婉拒|否决|回绝)|不实|纯属臆测|臆测|子虚乌有|并无此事|无此事|不属实|"
    r"辟谣|空穴来风|假消息|乌龙|不予证实|\bdebunk\w*|\bshot down\b|\bquash\w*|\bunconfirmed\b|"
    r"予以(?:否认|驳斥|澄清)|[,，]\s*但[^,，。;；]{0,12}?(?:已|随即|出面)?(?:澄清|否认|驳斥)")
# Work that is shut or cut: no current "develops" fact ("結束其幹細胞業務", "shut down its iPSC unit").
_WORK_SHUT = re.compile(r"结束(?:了)?(?:其|旗下|所有|全部)|关闭|裁撤|关停|\bshut(?:s|ting)? down\b|\bclos(?:ed|es|ing) (?:its|the|down)\b|"
                        r"\bcut(?:s|ting)? (?:its|their|the|all)\b|\bpivot(?:s|ed|ing)?\b|\bpulled the plug\b")
# h/rnd2: "pivot" is a turn away from the work; "a pivotal trial" is the work's last step (it was \bpivot\w*).


# ------------------------------------------------------------------ h/xent: entity boundaries (second pass)
# Stock exchanges and market boards are places a company lists on, never companies themselves.
_EXCHANGE = re.compile(
    r"(?:Nasdaq|NASDAQ|NYSE|Nyse|AMEX|Euronext|LSE|AIM|HKEX|SEHK|SGX|ASX|TSX|TWSE|TPEx|TPEX|SSE|SZSE|KOSDAQ|KOSPI|"
    r"Xetra|SIX|STAR Market|Nasdaq (?:Global|Capital|Stock)(?: Select)? Market|New York Stock Exchange|"
    r"London Stock Exchange|Hong Kong Stock Exchange|Tokyo Stock Exchange|Taipei Exchange|Taiwan Stock Exchange|"
    r"Shanghai Stock Exchange|Shenzhen Stock Exchange)")
# "Nerine Bio, its cell therapy unit": a company noun heads the apposition, so the name is a company.
_UNIT_NOUN = r"(?:unit|subsidiary|division|arm|affiliate|spin-?off|spinout|spin-?out|business|company|biotech|" \
             r"developer|maker|firm|start-?up|group|venture)"
_UNIT_APPOSITION = re.compile(
    r"^,\s*(?:an?|the|its|their)\s+(?P<desc>[^,;]{0,60}?)\s*" + _UNIT_NOUN + r"\b", re.IGNORECASE)
# Between a Taiwanese name and its stock code: the -KY (foreign-registered) or -DR mark, a 「*」 flag.
_TW_NAME_MARK = re.compile(r"(?:[-－‐]?(?:ky|dr|创)|[*＊])+(?=\s*[(（]\s*(?:(?:twse|tpex|股票代号|代号|上市|上柜|兴柜)[:：]?\s*)?\d{4})")
# Listing words before a Taiwanese name ("上櫃公司永泰", "興櫃的晴禾"): the board, not the name.
_TW_BOARD = re.compile(r"(?:上市柜|上市|上柜|兴柜|创新板|战略新板)(?:公司|生技股|生技公司|的|厂)?|生技股|生医股|概念股|个股")
# "（台股代號：6721）", "（股號6721）", "(6721 TT)": the other ways TW press brackets a stock code.
_TW_CODE_BRACKET = re.compile(
    r"(?<=[\u4e00-\u9fff\u3400-\u4dbf])[(（]\s*(?:(?:台股|股票|证券|上市|上柜|兴柜)?(?:代号|代码|股号)|股号)[:：]?\s*"
    r"\d{4,6}(?:[.-]?(?:tw|two)| tt)?\s*[)）]")
# A stock-code bracket right after a name; the industry words after 亞太再生… that make it a region's, not a company.
_ZH_CODE_AFTER = re.compile(r"\s*[(（][^()（）]{0,8}?\d{4}")
_PLACE_TAIL = re.compile(r"医疗|医学|产业|市场|领域|地区|区域|行业|业者|厂商|企业|政策|法规|治疗|疗法|板块|族群")
