"""Entity linking in questions beyond exact labels: corporate suffixes, and labels two entities share.

A user names a company the way they know it: "Sana Biotechnology" when the graph's label is "Sana", or
"Sana" when it is "Sana Biotechnology"; "X Therapeutics", "X Inc.", "X生物", "X生技", "X藥業",
"X股份有限公司". :func:`link_corporate` links such a name to the company whose label equals it with a
corporate suffix added or removed, and only when exactly one company fits (two companies that differ only by
their suffix are not guessed between). :func:`product_or_company` decides, from what the question asks, which
of a company and a product that share a label is meant. Both work on the script-folded text
(:func:`~regenkg.graph.match.fold_aligned`), so the three scripts link alike.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

from ..graph.match import Match, Matcher, fold_aligned
from .cues import _ACQ, _EXIT, _INDICATION_WORD, _JV, _LICENCE, _PARTNER, _SOLD, _SPIN, _TREAT
from .products import OWNER, PRODUCT_WORD, entity_type

__all__ = ["corporate_base", "link_corporate", "names_of", "product_or_company"]

# Corporate designators and the industry words companies carry in their names, on folded text (lower case,
# Simplified script: 藥業 folds to 药业, 生技 stays). Longest first within each alternation.
_EN_SUFFIX = (r"biotechnology|biotherapeutics|biopharmaceuticals?|biopharma|biosciences?|bioscience|biologics|"
              r"biomedical|biotech|bio|therapeutics|pharmaceuticals?|pharma|medicines?|sciences|genomics|"
              r"incorporated|inc|corporation|corp|company|co|limited|ltd|plc|llc|gmbh|ag|sa|holdings?|group")
_EN_TAIL = re.compile(r"[ ,]+(?:" + _EN_SUFFIX + r")\.?$")
_EN_NEXT = re.compile(r",? +(?:" + _EN_SUFFIX + r")(?![a-z0-9-])\.?")
_ZH_SUFFIX = (r"股份有限公司|有限公司|生物科技|生物技术|生物医药|生物制药|控股|集团|公司|生技|生医|药业|制药|医药|"
              r"生物(?!药|制品)")
_ZH_TAIL = re.compile(r"(?:" + _ZH_SUFFIX + r")$")
_ZH_NEXT = re.compile(r"(?:" + _ZH_SUFFIX + r")")
# Words that are never a company's name on their own, whatever company is called "<word> Therapeutics".
_GENERIC = frozenset({"cell", "cells", "gene", "genes", "stem", "bio", "regen", "life", "health", "new", "first",
                      "global", "international", "united", "general", "advanced", "medical", "clinical", "precision",
                      "immune", "immuno", "cure", "care", "the", "one", "prime", "next", "future", "nova", "china",
                      "asia", "pacific", "taiwan", "japan", "korea", "america", "european", "生物", "细胞", "基因",
                      "干细胞", "再生", "医疗", "中国", "台湾", "日本", "国际", "联合", "生技", "未来", "全球",
                      "亚洲", "美国", "国内", "新药", "药物", "公司", "合作", "开发", "研发"})
# A two-character Chinese short name stands alone only beside these (聯合 in 聯合開發 is a verb, not a name).
_ZH_VERB = re.compile(r"收购|并购|买下|开发|研发|合作|签|授权|被|是|在|有|将|已|于|旗下|治疗")
_ZH_EDGE = set("的和与跟同及、，。？！?,.!;；：: ()（）「」《》\"'")


@lru_cache(maxsize=8192)  # a question's names are resolved on every parse: the same few labels again and again
def corporate_base(folded: str) -> str:
    """``folded`` without its trailing corporate suffixes ("sana therapeutics, inc." → "sana")."""
    out = folded.strip()
    while True:
        cut = _EN_TAIL.sub("", out)
        if cut == out:
            cut = _ZH_TAIL.sub("", out)
        cut = re.sub(r"(?: and| &)$", "", cut.rstrip(" ,.")).rstrip(" ,.")  # "Eli Lilly and Company", "Merck & Co."
        if cut == out or not cut:
            return out
        out = cut


@dataclass(frozen=True)
class _Index:
    by_base: dict[str, frozenset[str]]  # corporate base → the companies whose labels have it
    labels: dict[str, frozenset[str]]  # folded label → the companies it names
    shortened: Matcher  # finds bases that are no label themselves ("Sana" for "Sana Biotechnology")


_INDEXES: weakref.WeakKeyDictionary[Matcher, tuple[int, _Index]] = weakref.WeakKeyDictionary()


def _index(matcher: Matcher, types: dict[str, str]) -> _Index:
    cached = _INDEXES.get(matcher)
    if cached is not None and cached[0] == id(types):
        return cached[1]
    by_base: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    taken: set[str] = set()  # every folded surface of any entity
    for key, iris in matcher.entries():
        taken.add(key)
        for iri in iris:
            if entity_type(iri, types) != "Company":
                continue
            labels.setdefault(key, set()).add(iri)
            by_base.setdefault(corporate_base(key), set()).add(iri)
    shortened = [(base, base) for base in by_base if base not in taken and _nameable(base)]
    index = _Index({b: frozenset(v) for b, v in by_base.items()}, {k: frozenset(v) for k, v in labels.items()},
                   Matcher(shortened))
    _INDEXES[matcher] = (id(types), index)
    return index


def _nameable(base: str) -> bool:
    if base in _GENERIC:
        return False
    if any("\u4e00" <= c <= "\u9fff" for c in base):
        return len(base) >= 2
    return len(base) >= 3 and any(c.isalpha() for c in base)


def _resolve(index: _Index, name: str) -> str | None:
    """The one company ``name`` (folded, suffix included or not) names by its corporate base, else None."""
    base = corporate_base(name)
    cands = index.by_base.get(base, frozenset())
    if len(cands) == 1:
        return next(iter(cands))
    # Several share the base: the one whose label is the name without its suffix (or the base) is meant.
    exact = index.labels.get(base, frozenset())
    return next(iter(exact)) if len(exact) == 1 else None


def _suffix_after(folded: str, end: int) -> int:
    """Where a corporate suffix right after ``end`` ends (``end`` when there is none)."""
    m = _EN_NEXT.match(folded, end) or _ZH_NEXT.match(folded, end)
    return m.end() if m else end


def _stands_alone(text: str, start: int, end: int) -> bool:
    """A short name found by its base alone is a name: capitalised in Latin, set off by particles in Chinese."""
    word = text[start:end]
    if any("\u4e00" <= c <= "\u9fff" for c in word):
        if len(word) >= 3 or _ZH_NEXT.match(fold_aligned(text[end:end + 6])):
            return True  # "澄嶼生物" for the label 澄嶼生技: the suffix says a company is named
        before = fold_aligned(text[start - 1]) if start > 0 else " "
        after = fold_aligned(text[end]) if end < len(text) else " "
        return (before in _ZH_EDGE or before.isascii()) and (
            after in _ZH_EDGE or after.isascii() or bool(_ZH_VERB.match(fold_aligned(text[end:end + 2]))))
    return word[:1].isupper() or word[:1].isdigit()


def names_of(surface: str, matcher: Matcher, types: dict[str, str]) -> tuple[str, ...]:
    """Every entity a matched surface names: its labels' IRIs, and the one company whose label is the surface
    with a corporate suffix added ("Lumora" the product and "Lumora Inc." the company)."""
    iris = matcher.iris_named(surface)
    if any(entity_type(i, types) == "Company" for i in iris):
        return iris
    company = _resolve(_index(matcher, types), fold_aligned(surface.strip()))
    return (*iris, company) if company is not None else iris


def link_corporate(text: str, matches: list[Match], matcher: Matcher, types: dict[str, str]) -> list[Match]:
    """``matches`` with company names widened over a following corporate suffix, and short or re-suffixed
    company names the labels miss linked to the one company whose label they are with a suffix changed.

    Args:
        text: the question as the matcher saw it.
        matches: what ``matcher.find(text)`` found (leftmost-longest; kept, never re-linked to another IRI).
        matcher: the question matcher (its surfaces build the index, once per matcher).
        types: IRI → coarse kind, to tell companies from everything else.
    """
    index = _index(matcher, types)
    folded = fold_aligned(text)
    out: list[Match] = []
    for i, m in enumerate(matches):
        limit = matches[i + 1].start if i + 1 < len(matches) else len(text)
        company = next((c for c in (m.iri, *names_of(m.surface, matcher, types)) if entity_type(c, types) == "Company"),
                       None)
        end = min(_suffix_after(folded, m.end), limit)
        if company is not None and end > m.end and _resolve(index, folded[m.start:end]) == company:
            m = Match(m.start, end, company, text[m.start:end])  # "Sana Biotechnology" for the label "Sana"
        out.append(m)
    # Names the labels miss: a base no entity is labelled with, outside every match.
    taken = [(m.start, m.end) for m in out]
    for m in index.shortened.find(text):
        if any(s < m.end and m.start < e for s, e in taken) or not _stands_alone(text, m.start, m.end):
            continue
        nxt = min((s for s, _ in taken if s >= m.end), default=len(text))
        end = min(_suffix_after(folded, m.end), nxt)
        iri = _resolve(index, folded[m.start:end])
        if iri is None:
            continue
        out.append(Match(m.start, end, iri, text[m.start:end]))
        taken.append((m.start, end))
    return sorted(out, key=lambda x: x.start)


# What is asked of a company rather than of a product: its deals. What is asked of a product: its owner, its uses.
_DEALS = (_ACQ, _PARTNER, _LICENCE, _JV, _SOLD, _SPIN, _EXIT)
_OWNED = re.compile(OWNER.pattern + r"|拥有|\bwho (?:owns|acquired|bought)\b")


def product_or_company(cues: str, iris: tuple[str, ...], types: dict[str, str]) -> tuple[str, str | None]:
    """Of the IRIs one surface names, the one the question asks about, and the other one set aside (or None).

    "who owns / makes X", "whose product is X", "what does X treat" ask about the product; "what did X
    acquire", "who did X partner with", "what does X develop" about the company. When nothing decides, the
    company is kept and the product is named as set aside, never dropped silently.

    Args:
        cues: the folded question with entity names blanked out.
        iris: every IRI the surface names (:meth:`~regenkg.graph.match.Matcher.iris_named`).
        types: IRI → coarse kind.
    """
    company = next((i for i in iris if entity_type(i, types) == "Company"), None)
    product = next((i for i in iris if entity_type(i, types) == "Product"), None)
    if company is None or product is None:
        return iris[0], None
    owner = _OWNED.search(cues) or PRODUCT_WORD.search(cues)
    deal = min((m.start() for rx in _DEALS if (m := rx.search(cues))), default=None)
    if owner and (deal is None or owner.start() < deal):
        return product, company  # "who owns X", "whose product is X", "X是哪家公司的產品"
    if deal is not None:
        return company, product  # "what did X acquire", "who did X partner with"
    if _TREAT.search(cues) or _INDICATION_WORD.search(cues):
        return product, company  # "what does X treat"
    return company, product
