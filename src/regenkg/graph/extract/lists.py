"""A list of companies that shares one predicate: "X and Y are both CAR-T developers", "X, Y and Z all have
lupus trials", "X與Y皆有狼瘡臨床試驗", "X、Y都是CAR-T業者".

The verb frames read a list before a develop verb ("X and Y develop…"); a list before a copula or a
distributive word ("both", "all", "each", "都", "皆", "均") with no develop verb gave nothing, or only its last
member (the nearest name). Each member gets what the predicate names, under the guards of the R&D fallback
(:mod:`.cooccur`): no deal, hedge, plan, end of work, comparison or field-in-general words.
"""

from __future__ import annotations

import re

from .clauses import Add, Clause, _subject_list
from .cooccur import _NOT_ITS_WORK, _NOT_OWNER, _OTHER_RELATION, _PLANNED, _broad
from .patterns import COMPANY, INDICATION, MODALITY
from .products import antigen_like

# After the list: a copula or a distributive word ("are both", "all have", "皆有", "都是").
_SHARED = re.compile(r"\s*(?:(?:are|were)\s+(?:both|all|each)\b|(?:are|were)\b(?=\s+(?:[\w-]+\s+){0,3}[\w-]+s\b)|"
                     r"(?:both|all|each|together)\b|(?:也|亦)?(?:都|皆|均|同样|同时)(?:是|为|有|在|已|已经|拥有|握有|具备)?)")
_RESPECTIVELY = re.compile(r"\brespectively\b|分别|各自")


def rule_shared_predicate(clause: Clause, add: Add) -> None:
    """Each company of the clause-opening list develops/targets what the shared predicate names."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if len(comps) < 2 or comps[0].start > cs + 4 or comps[0].pronoun:
        return
    for last in comps[1:]:
        shared = _SHARED.match(folded, last.end, ce)
        if shared is None:
            continue
        firms = _subject_list(folded, cms, last.end, cs)
        if len({f.iri for f in firms}) < 2 or firms[0].iri != comps[0].iri:
            return
        pos = shared.end()
        if any(p.search(folded, cs, ce) for p in _OTHER_RELATION) or _NOT_ITS_WORK.search(folded, pos, ce) \
                or _NOT_OWNER.search(folded, cs, ce) or _PLANNED.search(folded, cs, ce) \
                or _RESPECTIVELY.search(folded, cs, ce):
            return
        if any(m.kind == COMPANY and m.start >= pos for m in cms):
            return  # another company after the predicate: whose work it is is the frames' call
        terms = [m for m in cms if m.kind in (MODALITY, INDICATION) and m.start >= pos and not m.pronoun]
        for t in terms:
            if _broad(t.iri, {o.iri for o in terms if o.kind == t.kind}):
                continue
            for f in firms:
                if f.org_type == COMPANY and not f.pronoun and not antigen_like(f):
                    add(f.iri, "develops" if t.kind == MODALITY else "targets", t.iri, "shared-predicate", 0.6,
                        (f.start, t.end))
        return


# "…a partnership with the NK cell therapy developer", "…bought the Boston gene-editing specialist": a definite
# description by the work, not followed by the name it describes ("the CAR-T developer Y" is an apposition).
_WORK_DESCRIPTION = re.compile(r"\s*(?:cell\s+|gene\s+)?(?:therap(?:y|ies)\s+)?(?:developer|maker|specialist|"
                               r"company|biotech|firm|start-?up|drugmaker)\b(?!\s*(?:[A-Z0-9]|named|called|such|like|,))")
_THE = re.compile(r"\bthe\s+(?:[A-Z][\w.-]*\s+){0,2}$")


def rule_described_developer(clause: Clause, add: Add) -> None:
    """"…with the NK cell therapy developer": the company that description stands for develops the modality.

    It stands for the last company named before it that is not the sentence's opening subject (as "the Boston
    biotech" does in :func:`.coref.resolve_pronoun`); with none such, nothing is said.
    """
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    text = clause.sent.text
    for mod in (m for m in cms if m.kind == MODALITY and not m.pronoun):
        the = _THE.search(text, max(cs, mod.start - 30), mod.start)
        if the is None or not _WORK_DESCRIPTION.match(text, mod.end, ce):
            continue
        before = [m for m in clause.with_appositives if m.kind == COMPANY and m.end <= the.start()
                  and not m.pronoun and not m.affiliate_of]
        cands = [m for m in before if m.iri != before[0].iri]
        if cands and cands[-1].org_type == COMPANY and not antigen_like(cands[-1]):
            ref = cands[-1]
            add(ref.iri, "develops", mod.iri, "described-developer", 0.6, (the.start(), mod.end))
