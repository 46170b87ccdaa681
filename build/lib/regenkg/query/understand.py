"""Question understanding without an LLM: linked entities (any script) + an intent.

Entities are found with the same folding matcher as extraction (so 谁在开发TCR-T, 誰在開發TCR-T and
"who develops TCR-T" link the same modality); the intent comes from cue words and the entity types found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..graph.match import Matcher, fold_aligned

__all__ = ["Question", "understand", "INTENTS"]

INTENTS = ("who_develops", "what_develops", "indications_of", "acquirer_of", "acquired_by", "partners_of", "targets_indication",
           "modalities_for", "modality_treats", "companies_in", "regulation", "market")

MAX_QUESTION_CHARS = 1000

_ACQ = re.compile(r"收购|并购|买下|\bacquir\w*|\bbought\b|\bbuy\w*|\bpurchas\w*|\btake ?over\b|\btook over\b")
_ACQ_BY = re.compile(r"被谁|谁收购|谁并购|谁买下|母公司|\bwho (?:acquired|bought|owns|purchased)\b|\bacquired by\b|"
                     r"\bparent\b|\bowner\b|\bbought by\b|\bowns\b")
_PARTNER = re.compile(r"合作|伙伴|授权|结盟|\bpartner\w*|\bcollaborat\w*|\blicen[cs]\w*|\balliance\w*|\bdeal\w*")
_DEVELOP = re.compile(r"开发|布局|研发|发展|投入|做|从事|\bdevelop\w*|\bwork\w* on\b|\bpursu\w*|\bbuild\w*|"
                      r"\binvest\w*|\bprogram\w*|\bpipeline\b|\bmodalit\w*|\bwhat\b.*\b(?:do|does)\b")
_WHO = re.compile(r"谁|哪些|哪家|哪几家|哪个|什么公司|有谁|\bwho\b|\bwhich\b|\bwhat companies\b|\bcompanies\b|"
                  r"\bfirms?\b|\bplayers\b|\blist\b")
_TREAT = re.compile(r"治疗|适应症|用于|针对|疾病|\btreat\w*|\bindication\w*|\bdiseases?\b|\bused for\b|\bused in\b")
_MODALITY_WORD = re.compile(r"疗法|技术|\btherap\w*|\bmodalit\w*|\bapproach\w*|\btechnolog\w*")
_REGULATION = re.compile(r"法规|法案|条例|法律|专法|监管|规定|办法|法|\blaws?\b|\bacts?\b|\bbills?\b|\blegislat\w*|\bregulat\w*|\brule\w*|\bapproval pathway\b|"
                         r"\bframework\b")
_STRONG_REGULATION = re.compile(r"法规|法案|条例|法律|专法|规定|办法|\blaws?\b|\bacts?\b|\bregulations?\b|\blegislat\w*")
_MARKET = re.compile(r"市场|规模|产值|多大|\bmarket\w*|\bhow big\b|\bsize\b|\bworth\b|\bcagr\b|\bgrowth\b")
_INDICATION_WORD = re.compile(r"适应症|疾病|病症|癌症|\bindications?\b|\bdiseases?\b|\bconditions?\b|\bcancers?\b|"
                              r"\bdisorders?\b|\btarget\w*|治疗什么|治疗哪些|锁定")
_COMPANY_WORD = re.compile(r"公司|厂商|业者|企业|药厂|\bcompan\w*|\bfirms?\b|\bplayers\b|\bcdmos?\b|\bbiotechs?\b")


@dataclass(frozen=True)
class Question:
    """A parsed question: text, script, linked entities by type, and the intent (or None)."""

    text: str
    lang: str
    intent: str | None
    entities: tuple[str, ...]
    by_type: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)


def question_lang(text: str) -> str:
    """``en``, ``zh-Hant`` or ``zh-Hans`` for the asker's script (labels come back in it)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    if not han:
        return "en"
    from ..text.lang import chinese_script

    return chinese_script("".join(han), default="zh-Hant")


def understand(text: str, matcher: Matcher, types: dict[str, str]) -> Question:
    """Link entities and pick an intent; never raises on arbitrary Unicode.

    Args:
        text: the question (any script; longer than 1 000 characters is cut).
        matcher: a :class:`Matcher` over the gazetteer and discovered labels.
        types: IRI → kind ("Company", "Modality", "Indication", "Segment", "Country", "Regulation").
    """
    text = unicodedata.normalize("NFC", text or "")[:MAX_QUESTION_CHARS]
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Co", "Cn"))
    lang = question_lang(text)
    folded = fold_aligned(text)
    found: list[str] = []
    first_pos: dict[str, int] = {}
    for m in matcher.find(text):
        if m.iri not in found:
            found.append(m.iri)
            first_pos[m.iri] = m.start
    by_type: dict[str, list[str]] = {}
    for iri in found:
        by_type.setdefault(types.get(iri, "Company"), []).append(iri)
    intent = _intent(folded, by_type, first_pos)
    return Question(text, lang, intent, tuple(found), {k: tuple(v) for k, v in by_type.items()})


def _intent(q: str, t: dict[str, list[str]], pos: dict[str, int] | None = None) -> str | None:
    companies, modalities = t.get("Company", []), t.get("Modality", [])
    indications, segments = t.get("Indication", []), t.get("Segment", [])
    countries, regulations = t.get("Country", []), t.get("Regulation", [])
    if regulations or (not companies and _STRONG_REGULATION.search(q)
                       and not re.search(r"谁|哪些公司|哪家公司|\bwho\b|\bcompan", q)):
        return "regulation"
    if _MARKET.search(q) and not companies and re.search(r"\d{4}|市场|market", q):
        return "market"
    if companies:
        if _ACQ.search(q) or _ACQ_BY.search(q):
            # "who acquired Kite" / "Kite的母公司" vs "what did AstraZeneca acquire" / "阿斯利康收购了哪些公司".
            if _ACQ_BY.search(q):
                return "acquired_by"
            # Word order decides: "which company bought Juno" / "誰收購了Neogene" (the company follows the
            # verb) vs "what did AstraZeneca acquire" / "阿斯利康收購了哪些公司" (it precedes it).
            first = (pos or {}).get(companies[0], -1)
            acq = _ACQ.search(q)
            if acq and first > acq.start() and _WHO.search(q[: acq.start()] + " "):
                return "acquired_by"
            return "acquirer_of"
        if _PARTNER.search(q):
            return "partners_of"
        if indications or _INDICATION_WORD.search(q):
            return "indications_of"
        return "what_develops"
    if indications:
        if modalities or _MODALITY_WORD.search(q) and not _COMPANY_WORD.search(q):
            return "modalities_for" if not modalities else "targets_indication"
        return "targets_indication"
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
    return None
