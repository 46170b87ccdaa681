"""Partnership frames the verb rules of :mod:`.deals` do not read (issue #12, h/rec6p): the partner named
before the subject ("In collaboration with Y Hospital, X will run …", "Under its agreement with Y, X …",
"在與Y醫院的合作下，X…"), a company's list of partners ("X's collaborators include A, B and C", "X的合作夥伴
包括A、B及C"), and the joint project of a company and a hospital or university ("X與Y醫院的細胞治療計畫獲衛福部
核准", "X and Y Hospital are conducting a phase 1 trial").
"""

from __future__ import annotations

import re

from .clauses import Add, Clause
from .mentions import _M
from .patterns import COMPANY

# "In collaboration with", "Together with", "Under its licence agreement with", "Through a partnership with":
# a partner named before the clause's subject, at the clause's head.
_FRONTED = re.compile(
    r"\s*(?:(?:and|also|meanwhile|separately|in addition)\s*,?\s*)?(?:"
    r"in\s+(?:close\s+)?(?:collaboration|partnership|cooperation|conjunction|alliance)\s+with|"
    r"together\s+with|jointly\s+with|(?:working|partnering|teaming\s+up)\s+(?:closely\s+)?with|"
    r"(?:under|through|via|as\s+part\s+of)\s+(?:its|their|the|a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:agreement|deal|collaboration|partnership|pact|alliance|tie-up|contract)\s+with)\s+(?:the\s+)?")
# "在與Y醫院的合作下，", "透過與Y的合作，", "與Y合作，" (Chinese: the partner, then its noun, then a comma).
_ZH_FRONTED = re.compile(r"\s*(?:此外|另外|同时|目前)?\s*[,，]?\s*(?:在|透过|通过|借由|藉由|借助)?\s*(?:与|和|同)\s*$")
_ZH_FRONTED_TAIL = re.compile(r"\s*(?:的)?\s*(?:合作|携手合作|共同合作|策略合作|战略合作)\s*(?:下|之下|中|模式下|关系下)?\s*[,，]\s*")
# "X's partners include", "X's collaborators include", "X的合作夥伴包括".
_PARTNERS_INCLUDE = re.compile(
    r"\s*(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,2}?(?:partners|collaborators|alliances|partnerships)\s+"
    r"(?:include|includes|included|are|span|comprise)\s+(?:the\s+)?|"
    r"\s*的\s*(?:[^,，;；。]{0,6}?)(?:合作伙伴|合作对象|合作单位|合作医院|合作机构)\s*(?:包括|包含|涵盖|有|为|是|遍及)\s*")
# "X is a partner of Y", "Y is one of X's partners".
_PARTNER_OF = re.compile(r"\s+(?:is|was|has been|remains|became)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:partner|collaborator)\s+"
                         r"(?:of|to)\s+(?:the\s+)?")
_ONE_OF = re.compile(r"\s+(?:is|was|has been|remains|became)\s+(?:one of|among)\s+(?:the\s+)?")
_ONE_OF_TAIL = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,2}?(?:partners|collaborators)\b")
# "X counts Y and Z among its partners".
_COUNTS = re.compile(r"\s+(?:counts|lists|names)\s+(?:the\s+)?")
_AMONG = re.compile(r"\s+(?:among|as)\s+(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:partners|collaborators)\b")
# "X與Y醫院的(細胞治療)計畫" / "X和Y医院的CAR-T临床试验": a joint project of the two.
_ZH_JOINT_PROJECT = re.compile(r"\s*的\s*[^,，;；。]{0,24}?(?:计划|计画|临床试验|人体试验|试验|临床研究|研究计划|专案|项目|产品|疗法|"
                               r"治疗技术|细胞治疗|技术)")
# "X and Y Hospital's phase 1 trial", "X and Y University's joint programme".
_EN_JOINT_OF = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,4}?(?:trials?|stud(?:y|ies)|programmes?|programs?|"
                          r"projects?|research)\b")
# "X and Y Hospital are conducting/running a phase 1 trial".
_EN_JOINT_TRIAL = re.compile(
    r"\s+(?:(?:are|were|have|will|also|jointly|together|recently|now|both)\s+)*(?:been\s+)?(?:conduct|run|running|"
    r"ran|launch|start|initiat|sponsor|co-sponsor|lead|test|enrol|dos)\w*\s+(?:[\w-]+\s+){0,5}?"
    r"(?:trials?|stud(?:y|ies))\b")
_NOT_JOINT = re.compile(r"\b(?:each|separate|separately|respectively|both\s+(?:companies|developing|have))\b|各自|分别|皆|都|均|各")


# Between two members of a list of names: "A, B and the C", "A、B及C".
_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|as well as\s+)?|\s+and\s+|\s+as well as\s+|&|、|与|和|及|以及)\s*(?:the\s+)?")


def _names_from(folded: str, cms: list[_M], pos: int, ce: int) -> list[_M]:
    """The companies of the list that starts right at ``pos`` (empty when no name starts there)."""
    out: list[_M] = []
    for m in cms:
        if m.kind != COMPANY or m.start < pos or m.end > ce:
            continue
        if (not out and m.start == pos) or (out and _GAP.fullmatch(folded, out[-1].end, m.start)):
            out.append(m)
        elif out or m.start > pos:
            break
    return [m for m in out if not m.affiliate_of]


def _companies(clause: Clause) -> list[_M]:
    return [m for m in clause.cms if m.kind == COMPANY and not m.affiliate_of]


def rule_fronted_partner(clause: Clause, add: Add) -> None:
    """"In collaboration with Y Hospital, X will …", "Under its agreement with Y, X …", "在與Y的合作下，X…":
    the clause's subject X partneredWith the partner Y named before it."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    comps = _companies(clause)
    if len(comps) < 2:
        return
    head = _FRONTED.match(folded, cs, ce)
    partners: list[_M] = []
    subject: _M | None = None
    if head is not None:
        named = _names_from(folded, clause.cms, head.end(), ce)
        if named:
            # The list runs on into the subject ("with A and B, X will …"): the subject is the first member
            # after a comma that no further list word follows.
            for k in range(1, len(named)):
                if re.fullmatch(r"\s*(?:[(（][^()（）]{0,40}[)）])?\s*,\s*(?:the\s+)?", folded[named[k - 1].end:named[k].start]) \
                        and not re.match(r"\s*(?:,|and\b|&|or\b)", folded[named[k].end:ce]):
                    partners, subject = named[:k], named[k]
                    break
    else:
        first = comps[0]
        zh = _ZH_FRONTED.fullmatch(folded, cs, first.start)
        if zh is not None:
            partners = _names_from(folded, clause.cms, first.start, ce)
            tail = _ZH_FRONTED_TAIL.match(folded, partners[-1].end, ce) if partners else None
            if tail is not None:
                subject = next((m for m in comps if m.start == tail.end()), None)
    if subject is None:
        return
    for p in partners:
        if p.iri != subject.iri:
            add(subject.iri, "partneredWith", p.iri, "partnership", 0.75, (min(p.start, subject.start), max(p.end, subject.end)))


def rule_partner_list(clause: Clause, add: Add) -> None:
    """"X's collaborators include A, B and C", "X counts A and B among its partners", "X的合作夥伴包括A、B及C":
    X partneredWith each of them."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    comps = _companies(clause)
    if len(comps) < 2:
        return
    for owner in comps:
        hit = _PARTNERS_INCLUDE.match(folded, owner.end, ce)
        listed: list[_M] = []
        if hit is not None:
            listed = _names_from(folded, clause.cms, hit.end(), ce)
        elif (counts := _COUNTS.match(folded, owner.end, ce)) is not None:
            listed = _names_from(folded, clause.cms, counts.end(), ce)
            if not listed or not _AMONG.match(folded, listed[-1].end, ce):
                listed = []
        if (of := _PARTNER_OF.match(folded, owner.end, ce)) is not None:
            listed = _names_from(folded, clause.cms, of.end(), ce)
        elif (one := _ONE_OF.match(folded, owner.end, ce)) is not None:
            other = next((m for m in comps if m.start == one.end()), None)
            if other is not None and _ONE_OF_TAIL.match(folded, other.end, ce):
                listed = [other]
        for p in listed:
            if p.iri != owner.iri and not p.affiliate_of:
                add(owner.iri, "partneredWith", p.iri, "partnership", 0.75, (owner.start, p.end))


def rule_institution_project(clause: Clause, add: Add) -> None:
    """"X與Y醫院的細胞治療計畫獲衛福部核准", "X and Y Hospital are conducting a phase 1 trial": a company and a
    hospital or university that share one project are partners."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    comps = _companies(clause)
    if len(comps) < 2 or _NOT_JOINT.search(folded, cs, ce):
        return
    for a, b in zip(comps, comps[1:]):
        if a.iri == b.iri or a.org_type == b.org_type or COMPANY not in (a.org_type, b.org_type):
            continue  # a company and an institution, one of each
        gap = folded[a.end:b.start]
        if not re.fullmatch(r"\s*(?:[(（][^()（）]{0,20}[)）])?\s*(?:与|和|及|跟|同|、|and|&)\s*(?:the\s+)?", gap):
            continue
        if not (_ZH_JOINT_PROJECT.match(folded, b.end, ce) or _EN_JOINT_TRIAL.match(folded, b.end, ce)
                or _EN_JOINT_OF.match(folded, b.end, ce)):
            continue
        if re.search(r"[与和及、]\s*$|\band\s*$", folded[max(cs, a.start - 3):a.start]):
            continue  # "A、X與Y醫院的…": a longer list, whose members need not share the project
        company, institution = (a, b) if a.org_type == COMPANY else (b, a)
        add(company.iri, "partneredWith", institution.iri, "partnership", 0.7, (a.start, b.end))


# "X's CVB-101 is being studied at Y Hospital", "X的CAR-T療法在Y醫院完成首例治療", "X獲准在Y醫院執行人體試驗": the
# hospital or university where a company's therapy is tried is its clinical partner.
_EN_SITE = re.compile(r"\b(?:stud(?:y|ies|ied)|trials?|tested|evaluated|treated|dosed|enrolled|administered|conducted|run|"
                      r"performed|carried out)\s+(?:[\w-]+\s+){0,2}?at\s+(?:the\s+)?$")
_ZH_SITE_BEFORE = re.compile(r"在\s*$")
_ZH_SITE_AFTER = re.compile(r"\s*(?:完成|执行|进行|开展|展开|启动|收治|收案|施打|实施)[^,，;；。]{0,10}?(?:治疗|试验|研究|收案|给药|病人|患者|施打)")


def rule_trial_site(clause: Clause, add: Add) -> None:
    """A company's therapy tried at a hospital or university: the company partneredWith the institution."""
    folded, cs, ce = clause.folded, clause.cs, clause.ce
    comps = _companies(clause)
    if len(comps) < 2 or _NOT_JOINT.search(folded, cs, ce):
        return
    for site in comps:
        if site.org_type == COMPANY:
            continue
        before = [m for m in comps if m.end <= site.start and m.org_type == COMPANY]
        if not before:
            continue
        company = before[0]  # the clause's subject, whose therapy it is
        if (_EN_SITE.search(folded, max(cs, site.start - 40), site.start)
                or _ZH_SITE_BEFORE.search(folded, max(cs, site.start - 2), site.start)
                and _ZH_SITE_AFTER.match(folded, site.end, ce)) and \
                not any(m.org_type == COMPANY and company.end <= m.start and m.end <= site.start for m in comps[1:]
                        if m.iri != company.iri):
            add(company.iri, "partneredWith", site.iri, "partnership", 0.65, (company.start, site.end))
