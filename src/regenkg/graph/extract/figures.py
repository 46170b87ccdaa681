"""Market figures: "2023年全球再生醫療的市場規模約160億美元" / "a $20 billion market by 2030"."""

from __future__ import annotations

from dataclasses import dataclass

from ...records import Sentence
from ..ontology import resource
from .mentions import _M
from .patterns import _CAGR, _MARKET, _MONEY, _YEAR, MODALITY, _fold, _hash


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



def market_figures(sent: Sentence, ms: list[_M]) -> list[Figure]:
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
