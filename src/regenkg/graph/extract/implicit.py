"""The subject a sentence does not write: "…partnered with Quillon Bio. The programme is in a phase 1 trial
in lupus." — the work belongs to a company the sentence leaves implicit.

Coreference (:func:`.coref.mark_implicit`) marks such a sentence with an :data:`~.coref.IMPLICIT` mention standing
for its candidate company; :func:`rule_implicit_subject` is the only rule that reads it, so that no deal,
partner or licence is ever made from a company nobody wrote (those need both parties named or pronominal).
"""

from __future__ import annotations

import re

from .assets import _PRODUCT_CUE, _RND_CUE, _RND_STOP
from .clauses import Add, Clause
from .coref import IMPLICIT
from .patterns import _ACQ_PASSIVE, _HEDGE, COMPANY, INDICATION, MODALITY, REGULATION

# A generic remark about a field, not a company's work: "CAR-T therapies are transforming…", "業界普遍認為…".
_GENERIC = re.compile(r"\b(?:industry|field|sector|market|analysts?|investors?|researchers|experts|patients with|"
                      r"companies|players|developers|drugmakers|rivals|competitors|therapies|treatments)\b|"
                      r"业界|业内|产业|行业|市场|分析师|投资人|研究人员|专家|业者|厂商|企业|公司们|多家|各家|"
                      r"全球|国内外|目前已有|已有多款|大药厂|药厂们|主流|原理|优点|放眼|\b(?:big pharma|principle|in general)\b")
# h/anaph2: a verb of doing the work, where no pipeline or product word is written ("主要开发针对狼疮的CAR-T",
# "focused on in vivo CAR-T for lupus").
_WORK_CUE = re.compile(r"开发|研发|专注|聚焦|主攻|致力|布局|治疗|用于|\bdevelop(?:s|ed|ing)?\b|\bfocus(?:es|ed|ing)? on\b|"
                       r"\bwork(?:s|ed|ing)? on\b|\bto treat\b|\btreatment of\b")
# h/anaph2: the subject was bought ("…was acquired by Y", "被Y收购"); a bare 被 is any passive ("被用于治疗…").
_BOUGHT = re.compile(_ACQ_PASSIVE.pattern.replace("(?:被|遭)", r"(?:被|遭)[^，。,;；]{0,16}?(?:收购|并购|买下|购入|拿下|收入|合并)"))
# What may open a sentence before its subject: a time, a connective ("In 2024, …", "此外，…").
_LEAD = re.compile(r"\s*(?:(?:in|by|since|during)\s+\d{4}|\d{4}年(?:\d{1,2}月)?|此外|另外|同时|目前|近年|今年|去年)?[\s,，]*")


def rule_implicit_subject(clause: Clause, add: Add) -> None:
    """develops/targets for what an R&D or product clause names, given to the implicit subject.

    Read only in a clause naming no company at all (an unnamed product's clause may name partners), with a
    pipeline/trial or product/approval word or a verb of doing the work (h/anaph2: "aims to treat", 用于治疗);
    never with a sale of the subject, ending, comparison or hedging words, a generic remark about the field, a
    law, or a modality that is itself the clause's opening subject.
    """
    subj = next((m for m in clause.cms if m.kind == IMPLICIT), None)
    if subj is None or subj.surface != "product" and any(m.kind == COMPANY for m in clause.cms):
        return
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    if not (_RND_CUE.search(folded, cs, ce) or _PRODUCT_CUE.search(folded, cs, ce)
            or _WORK_CUE.search(folded, cs, ce)):
        return
    if _BOUGHT.search(folded, cs, ce) or _RND_STOP.search(folded, cs, ce) or _GENERIC.search(folded, cs, ce) \
            or _HEDGE.search(folded, cs, ce):
        return
    named = [m for m in clause.cms if m.kind != IMPLICIT]
    if any(m.kind == REGULATION for m in named):
        return  # "特管辦法開放醫院執行…": a sentence about a law, not about the company's work
    lead = _LEAD.match(folded, cs)
    if subj.surface != "product" and named and lead is not None and named[0].start <= lead.end() + 1 \
            and not named[0].pronoun:
        return  # "CAR-T療法的原理，是…", "CAR-T therapy works by…": the modality is the sentence's own subject
    for o in clause.cms:
        if o.kind == MODALITY and not re.match(r"\s*(?:移植|transplant)", folded[o.end:o.end + 12]):
            add(subj.iri, "develops", o.iri, "implicit-subject", 0.5, (o.start, o.end))
        elif o.kind == INDICATION:
            add(subj.iri, "targets", o.iri, "implicit-subject", 0.5, (o.start, o.end))
