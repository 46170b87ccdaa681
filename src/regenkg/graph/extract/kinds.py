"""A modality used to say what kind of company one is: "CAR-T developers X and Y", "專注異體CAR-T的X".

Split from :mod:`.assets` (h/rd, by topic): :func:`_classified` is also read by the develop and segment rules
there, so that "Pfizer invested in allogeneic CAR-T maker X" gives the modality to X alone.
"""

from __future__ import annotations

import re

from .clauses import Add, Clause, _modifier_head, _object_list, _subject_list
from .mentions import _M
from .patterns import COMPANY, MODALITY
from .products import antigen_like as _antigen

_FIRM = (r"(?:developers?|makers?|compan(?:y|ies)|firms?|biotechs?|players?|specialists?|start-?ups?|pioneers?|"
         r"manufacturers?|drugmakers?|innovators?)\b")
_ZH_FIRM = r"(?:企业|公司|业者|厂商|药企|新创|生技|生物技术公司|生物科技公司|大厂|玩家|龙头|新锐)"
_KIND_TAIL = rf"(?:\s*(?:cell |gene )?(?:therapy|therapies)\b)?\s*{_FIRM}|\s*(?:疗法|治疗|细胞|药物)?\s*{_ZH_FIRM}"
# "CAR-T developers X and Y", "AAV基因治療公司澜川基因", "gene therapy companies such as X".
_KIND_BEFORE = re.compile(rf"(?:{_KIND_TAIL})\s*(?:,?\s*(?:such as|including|like|notably|如|包括|例如)\s*)?")
# "X、Y等CAR-T業者", "包括X、Y在內的多家CAR-T公司": the list, then the kind.
_KIND_AFTER_LIST = re.compile(r"(?:等|在内的)\s*(?:多家|几家|数家|\d+\s*家|[一二三四五六七八九十两]家)?\s*(?:的)?\s*$")
_KIND_NOUN = re.compile(rf"(?:{_KIND_TAIL})")
# "X and Y, both CAR-NK developers" / "X, a CAR-T maker": an apposition that is a kind of company.
_KIND_APPOSITION = re.compile(r"[,，]\s*(?:(?P<one>an?|the)\b|both|all|each|two|three|fellow|other)?\s*(?:[a-z-]+\s+){0,2}$")
# "Y, a maker of allogeneic CAR-T cells": the apposition's noun, then "of".
_MAKER_OF = re.compile(r"[,，]\s*(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:maker|manufacturer|producer|pioneer|specialist)s?\s+(?:of|in)\s+$")
# "專注異體CAR-T的青嶺生技", "布局AAV基因治疗的澜川基因": a relative clause before the company it describes.
_ZH_FOCUS = re.compile(r"(?:专注|专攻|聚焦|深耕|主攻|从事|开发|研发|布局|投入)(?:于|在)?\s*$")


# h/prec3: "with the NK cell therapy specialist", "向這家CAR-T公司": a definite description of a company of the
# modality's kind; the word before it neither a copula ("X is the leading M developer") nor a comma ("X, the M
# developer,"), nor the clause's opening (where coreference reads it).
_DEFINITE = re.compile(r"(?P<before>\S+)\s+(?:the|this|that)\s+(?:[\w-]+\s+){0,3}$|(?P<zh>\S)\s*(?:这家|该|此|这间)\s*$")
_COPULA = re.compile(r"(?:is|was|are|were|be|been|being|become|becomes|became|remain|remains|remained|as|是|为|系|"
                     r"[^\w\s]+)$")


def describes_another(folded: str, cms: list[_M], cs: int, mod: _M, ce: int) -> bool:
    """Whether ``mod`` only says what kind another company is, in a definite description that stands for it
    ("…signed a pact with the gene editing firm", "輝瑞將向這家CAR-T公司支付…"): then no company the clause
    names develops it (the description is the coreference's to resolve)."""
    if not _KIND_NOUN.match(folded, mod.end, ce) or _classified(folded, cms, mod, ce):
        return False
    desc = _DEFINITE.search(folded, cs, mod.start)
    if desc is None:
        return False
    before = desc.group("before") or desc.group("zh")
    return not _COPULA.search(before)


def _classified(folded: str, cms: list[_M], mod: _M, ce: int) -> list[_M]:
    """The companies ``mod`` names the kind of ("CAR-T developer X", "專注CAR-T的X"), or []."""
    kind = _KIND_BEFORE.match(folded, mod.end, ce)
    if kind is not None:
        firms = _object_list(folded, cms, kind.end(), {COMPANY}, ce)
        return firms if firms and not folded[kind.end():firms[0].start].strip() else []
    rel = re.match(r"[^,，;；。的]{0,8}?的\s*(?:" + _ZH_FIRM + r")?\s*", folded[mod.end:ce])
    if rel is not None and _ZH_FOCUS.search(folded, max(0, mod.start - 6), mod.start):
        return [m for m in cms if m.kind == COMPANY and m.start == mod.end + rel.end()]
    return []


def rule_company_kind(clause: Clause, add: Add) -> None:
    """A modality used to say what kind of company one is: each company so named develops it.

    "CAR-T developers X and Y", "X and Y, both CAR-NK developers", "X、Y等CAR-T業者", "包括X、Y在內的多家
    CAR-T公司", "AAV基因治療公司X", "專注異體CAR-T的X", "X, a maker of allogeneic CAR-T cells".
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    for mod in (m for m in cms if m.kind == MODALITY and not m.pronoun):
        firms = _classified(folded, cms, mod, ce)
        lead = folded[cs:mod.start]
        if not firms and _KIND_NOUN.match(folded, mod.end, ce):
            listed = _KIND_AFTER_LIST.search(lead)
            app = _KIND_APPOSITION.search(lead)
            if listed is not None:
                firms = _subject_list(folded, cms, cs + listed.start(), cs)
            elif app is not None:
                firms = _subject_list(folded, cms, cs + app.start(), cs)
                firms = firms[-1:] if app.group("one") else firms
        if re.search(r"(?:\bunlike|不同于)\s*$", folded[max(cs, mod.start - 10):mod.start]):
            # h/rnd2: "Unlike CAR-T makers such as Y, X sells software": Y only; "X, unlike M developers": none
            firms = [f for f in firms if f.start > mod.start]
            firms = firms[:1 + next((i for i, (a, b) in enumerate(zip(firms, firms[1:]))
                                     if re.fullmatch(r"\s*[,，]\s*", folded[a.end:b.start])), len(firms))]
        if not firms and _MAKER_OF.search(lead):
            head = _modifier_head(folded, cms, mod.start, cs)
            firms = [head] if head is not None else []
        for f in firms:
            if f.org_type == COMPANY and not f.pronoun and not _antigen(f):
                add(f.iri, "develops", mod.iri, "company-kind", 0.7, (min(f.start, mod.start), max(f.end, mod.end)))


# h/prec4: a modality whose maker the sentence writes, another company: "tools for CAR-T therapies made by Y",
# "可用於由Y開發的CAR-T療法".
_MADE_BY_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:made|developed|discovered|engineered|created|invented|"
                            r"manufactured|marketed|sold|owned)\s+by\s+(?:the\s+)?")
_MADE_BY_BEFORE = re.compile(r"\s*(?:所|自主|独立|共同|自行)?(?:开发|研发|研制|打造|生产|推出)的\s*")


def made_by_another(folded: str, cms: list[_M], mod: _M, subjects: list[_M]) -> bool:
    """Whether the clause writes a company other than ``subjects`` as ``mod``'s maker, right after it ("CAR-T
    therapies made by Y") or before it ("由Y開發的CAR-T療法")."""
    own = {s.iri for s in subjects}
    after = _MADE_BY_AFTER.match(folded, mod.end)
    makers = [m for m in cms if m.kind == COMPANY and (
        (after is not None and m.start == after.end())
        or (m.end <= mod.start and _MADE_BY_BEFORE.fullmatch(folded, m.end, mod.start)))]
    return any(m.iri not in own for m in makers)


def another_owns(folded: str, cms: list[_M], cs: int, mod: _M, ce: int, subjects: list[_M]) -> bool:
    """Whether ``mod`` is another company's: a definite description of it (:func:`describes_another`) or a
    modality the clause says another company makes (:func:`made_by_another`)."""
    return describes_another(folded, cms, cs, mod, ce) or made_by_another(folded, cms, mod, subjects)
