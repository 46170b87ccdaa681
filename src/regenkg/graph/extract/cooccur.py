"""The guarded fallback for R&D facts: one company and a modality or indication in one clause.

The frames of :mod:`.assets` read a company's work from a verb, a possessive or a product shape. Trade press
writes the same facts in shapes no frame lists ("X's lupus readout lifted its shares", "X的CAR-T數據亮眼");
when a clause names exactly one company, the work it names is that company's — unless the clause is about a
deal (whose work is then the deal rules' call), a hedge, a denial, an end of the work, a comparison or the
field in general. With two or more companies the fallback reads only the one the clause marks as the owner
(``X's``/``X的``/``X旗下`` right before the term).
"""

from __future__ import annotations

import re

from ..ontology import default_gazetteer
from .clauses import Add, Clause
from .coref import IMPLICIT, solid
from .kinds import _classified, another_owns
from .mentions import _M
from .patterns import (
    _ACQ_ACTIVE,
    _ACQ_PASSIVE,
    _DEAL_CANCEL,
    _EXIT,
    _HEDGE,
    _JV,
    _LIST_GAP,
    _LICENSE,
    _OPTION,
    _PARTNER,
    _SALE,
    _SPIN,
    _WORK_OFF,
    _WORK_SHUT,
    COMPANY,
    INDICATION,
    MODALITY,
)
from .products import antigen_like

# Words that make the clause another relation's or no current work of the company.
_OTHER_RELATION = (_ACQ_ACTIVE, _ACQ_PASSIVE, _PARTNER, _LICENSE, _SALE, _JV, _SPIN, _OPTION, _DEAL_CANCEL, _EXIT,
                   _HEDGE, _WORK_OFF, _WORK_SHUT)
# A comparison or the field in general: "unlike CAR-T", "CAR-T therapies are transforming the industry".
_NOT_ITS_WORK = re.compile(
    r"\b(?:unlike|similar to|compared (?:with|to)|rivals?|competitors?|competing|industry|field|sector|analysts?|"
    r"investors?|such as|including|other)\b|类似|相似|不同于|相比|对手|竞争|业界|业内|产业|行业|分析师|投资人|"
    r"等(?:多家|企业|公司|业者|厂商)|包括|例如|其他|其它|"
    # the market, not the company's work: "CAR-T市場規模將倍增，X可望受惠", "the CAR-T market is expected to…"
    r"市场规模|产值|受惠|受益|\bmarket (?:size|value|is expected|will|could)\b")
# A funder, a speaker or a pairing is no owner of the work: "with support from X", "X's chief executive spoke
# about M", "X、Y的產品分別用於A與B" (the pairing is the frames' call).
_NOT_OWNER = re.compile(
    r"\bsupport\w*|\bfund\w*|\bsponsor\w*|\bbacked\b|\binvest\w*|\bgrants?\b|\bchief\b|\bexecutives?\b|\bceo\b|"
    r"\bspoke\b|\bspeak\w*|\btalk\w*|\bconference\b|\binterview\w*|\bpanel\b|\brespectively\b|资助|赞助|投资|注资|"
    r"执行长|首席执行官|董事长|总经理|论坛|研讨会|专访|演讲|分别")
# The company owns what follows: "X's", "X’s", "Marlowe Therapeutics'", "X的", "X旗下".
_OWNS = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s|\s*(?:的|旗下)")
_PROCEDURE = re.compile(r"\s*(?:移植|transplant)")
# h/prec4: a modality named as the cause of what the company works on, not its work ("an antibody for cytokine
# release syndrome caused by CAR-T therapies", "處理CAR-T療法引起的細胞激素釋放症候群").
_CAUSE_BEFORE = re.compile(r"\b(?:caused|induced|triggered)\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$")
_CAUSE_AFTER = re.compile(r"\s*(?:疗法|治疗|细胞)?\s*(?:所)?(?:引起|引发|导致|诱发|造成)的|"
                          r"(?:[\s-]+(?:therapy|therapies|treatment))?[\s-]+(?:related|induced|associated)\b")
# A plan is no work yet: "X預計明年申請…", "X expects to file…".
_PLANNED = re.compile(r"预计|预期|计划|打算|明年|\bexpect\w*|\bplan(?:s|ned|ning)?\b|\baims? to\b|\bhopes? to\b|\bwill\b")
# "Leber congenital amaurosis 10, an inherited retinal dystrophy": the second term describes the first.
_TERM_APPOSITION = re.compile(r"[\s\w-]{0,6}[,，]\s*(?:an?|the|一种|一类)\s*(?:[\w-]+\s+){0,3}")
# A discovered name that is surely a company's: a company word ends it ("… Therapeutics", "…生技").
_LATIN_FIRM = re.compile(r"\b(?:therapeutics|bio|biotherapeutics|pharma|pharmaceuticals?|biosciences?|biotech|biologics|"
                         r"oncology|medicines?|genomics|genetics|sciences|inc|ltd|corp|co|ag|gmbh|plc|sa|nv|kk|labs?|"
                         r"technologies|holdings|biopharma|cell therapy|cell sciences)\.?$", re.IGNORECASE)
_HAN_FIRM = re.compile(r"(?:生物科技|生物技术|生物医药|生物醫藥|生技|生医|生醫|制药|製藥|药业|藥業|医药|醫藥|集团|集團|"
                       r"股份有限公司|有限公司)$")  # not a bare 公司: "蘇州公司" is a place's company


def _broad(iri: str, others: set[str]) -> bool:
    """Whether a term is too wide for the fallback: a top concept, or one a narrower term in the clause specifies.

    The hierarchy is the shipped vocabulary's (the rule sees no extractor): a term only a user's own ontology
    holds counts as specific.
    """
    broader = default_gazetteer().broader
    ups: set[str] = set()
    todo = [o for o in others if o != iri]
    while todo:
        for parent in broader.get(todo.pop(), ()):
            if parent not in ups:
                ups.add(parent)
                todo.append(parent)
    return iri in ups or not broader.get(iri) and any(iri in ps for ps in broader.values())


def _owner(folded: str, comps: list[_M], terms: list[_M]) -> _M | None:
    """Of several companies, the one marked as owning the clause's first term (``X's M``, ``X的M``)."""
    owners = [c for c in comps if _OWNS.match(folded, c.end) and any(
        t.start >= c.end and re.fullmatch(r"(?:'s|’s|'|’)?\s*(?:的|旗下)?\s*[^,，;；。、]{0,24}", folded[c.end:t.start])
        and not any(o.start >= c.end and o.end <= t.start for o in comps) for t in terms)]
    if len({o.iri for o in owners}) != 1:
        return None
    listed = [c for c in comps if c.end <= owners[0].start and _LIST_GAP.match(folded[c.end:owners[0].start])]
    return None if listed else owners[0]  # "X、Y的CAR-T": a list owns it, not Y alone


def _sure(m: _M) -> bool:
    """A company name sure enough for the fallback: curated, or a discovered name ending in a company word."""
    if m.curated:
        return True
    if m.pronoun:
        return False  # the antecedent is a guess already; a guess on a guess gives wrong owners (dev: P .820 → .807)
    return bool(_LATIN_FIRM.search(m.surface.strip()) or _HAN_FIRM.search(m.surface.strip()))


# A relative clause on a modality that names what it carries or is made with.
_MEANS = re.compile(r"\b(?:that|which)\s+(?:deliver|use|carry|encode|employ|rel(?:y|ies)\s+on|contain)s?\b")


def rule_rnd_cooccur(clause: Clause, add: Add) -> None:
    """develops/targets for the modality/indication of a clause that names one company (or marks its owner).

    Read only in a clause without any deal, hedge, denial, exit or comparison words, with a company that is a
    company (not a hospital, a school or an antigen's name), written in the clause (not carried over), and
    named surely enough (a lone capitalised word opening the sentence is not).
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    if any(m.kind == IMPLICIT for m in cms):
        return
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    terms = [m for m in cms if m.kind in (MODALITY, INDICATION)]
    if not comps or not terms:
        return
    if any(p.search(folded, cs, ce) for p in _OTHER_RELATION) or _NOT_ITS_WORK.search(folded, cs, ce) \
            or _NOT_OWNER.search(folded, cs, ce):
        return
    subj = comps[0] if len({m.iri for m in comps}) == 1 else _owner(folded, comps, terms)
    if subj is None or subj.org_type != COMPANY or antigen_like(subj) or subj.start == subj.end:
        return
    if not solid(subj) and not folded[:subj.start].strip():
        return  # "Beyond sarcoma, …": a lone capitalised word opening the sentence
    if not _sure(subj):
        return
    if _PLANNED.search(folded, cs, ce):
        return
    prev: _M | None = None
    for o in terms:
        described = prev is not None and prev.kind == o.kind and _TERM_APPOSITION.fullmatch(folded, prev.end, o.start)
        prev = o
        if described or _broad(o.iri, {t.iri for t in terms if t.kind == o.kind}):
            continue
        if o.kind == MODALITY and any(t.kind == MODALITY and t.end <= o.start and _MEANS.search(folded, t.end, o.start)
                                      for t in terms):
            continue  # "in vivo CAR-T therapies that deliver mRNA in lipid nanoparticles": the means, not the work
        if o.kind == MODALITY and _PROCEDURE.match(folded, o.end):
            continue  # "造血幹細胞移植後": a procedure the patients had, not the company's modality
        if o.kind == MODALITY and (kinds := _classified(folded, cms, o, ce)) and all(k.iri != subj.iri for k in kinds):
            continue
        if o.kind == MODALITY and another_owns(folded, cms, cs, o, ce, [subj]):
            continue  # h/prec3: "Pfizer will pay the CAR-T specialist…": the kind of the company paid
        if o.kind == MODALITY and (_CAUSE_BEFORE.search(folded, max(cs, o.start - 40), o.start)
                                   or _CAUSE_AFTER.match(folded, o.end)):
            continue
        pred = "develops" if o.kind == MODALITY else "targets"
        add(subj.iri, pred, o.iri, "rnd-cooccur", 0.5, (min(subj.start, o.start), max(subj.end, o.end)))
