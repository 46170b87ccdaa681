"""Whose asset a deal is about: "X partnered with Y to use Y's base editing platform" is Y's work, not X's.

The deal rules give the modality a partnership names to every (biotech) party; :func:`settle_asset_owners`
keeps it only for the party the sentence writes as its owner, when it writes one. h/prec3: whose work a
funded infinitive (:func:`funded_work`) or an "its" (:func:`pronoun_owner`) names, for :mod:`.assets`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ...records import Relation
from .clauses import Clause, _modifier_head
from .coref import TAKE
from .mentions import _M
from .modifiers import embedded
from .patterns import _ACQ_ACTIVE, _GRANT_TO, _HEDGE, COMPANY, MODALITY
from .products import possessed_names

_ASSET_RULES = frozenset({"deal-asset"})
# "Y's", "Y’s", "Y的", "Y旗下": a party named as the owner right before the modality (a few words between).
_OWNER_BEFORE = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,3}|\s*(?:的|旗下|自有的|自主开发的)\s*[^,，;；\s]{0,8}")
# h/rd: what may stand between a comma and the party opening that clause.
_CLAUSE_OPENER = re.compile(r"\s*(?:and|while|whereas|而|并且|并|且|同时)?\s*")
# h/rd: a relative clause whose subject is the party just before its comma ("…with Y, which will contribute its…").
_RELATIVE = re.compile(r"\s*(?:which|who)\b")
# "its"/"其" right before the modality, and a verb of taking before it ("to use its …", "取得其…"): then the
# possessor is the party the subject takes from, not the subject.
_ITS_BEFORE = re.compile(r"(?:\bits|\btheir|其)\s+(?:[\w-]+\s+){0,3}$|(?:其)[^,，;；\s]{0,8}$")
# h/prec3: a funder or a round's lead right before an infinitive of the work ("raised $80 million from investors
# including Y to advance its NK cell therapy", "in a round led by Y to develop …").
_FUNDER_BEFORE = re.compile(r"(?:\bfrom|\bby|\bincluding|\bsuch as|\blike|\bamong)\s+(?:the\s+)?$")
_INFINITIVE = re.compile(r"\s*(?:,\s*)?to\s+(?:help\s+(?:it\s+)?|further\s+)?")
# h/prec3: a deal's other party, right before its name ("partnered with Y to advance its …", "從Y引進其…"):
# "its" after it is the nearest company's; elsewhere it is the one coreference chose (the clause's opener).
_PARTY_BEFORE = re.compile(r"(?:\bwith|\bfrom|从|自|与|和|跟|同)\s*(?:the\s+)?(?:[\w-]+\s+){0,2}$")
# h/prec4: a recipient, then what the thing given is for ("will supply vectors to Y for its CAR-T programme",
# "licensed the platform to Y for use in its …"): "its" is the recipient's.
# A service partner, then the work it does for the subject ("… with Lonza to make its …", "taps Y to manufacture its").
_MAKE_ITS = re.compile(r"\s*(?:,\s*)?to\s+(?:help\s+)?(?:make|manufactur\w*|produc\w*|supply|fill|package)\s+")
_RECIPIENT_BEFORE = re.compile(r"\b(?:to|for)\s+(?:the\s+)?$")
_FOR_ITS = re.compile(r"\s*(?:,\s*)?(?:for|in)\s+(?:use\s+in\s+)?")
# h/prec3: money, not a deal, brought the two together ("secured funding from Y to advance its …").
_FUNDING = re.compile(r"\b(?:fund\w*|financ\w*|invest\w*|raised?|raising|round|capital|grants?|backing|money)\b|"
                      r"融资|投资|注资|资助")


def funded_work(folded: str, cms: list[_M], cs: int, subjects: list[_M], at: int) -> list[_M]:
    """The subject of "…from Y to develop M": the clause's opening company that raised the money, not its
    funder Y (nobody, when the clause opens with no other company); several ``subjects`` stay as they are."""
    if len(subjects) != 1:
        return subjects
    subject = subjects[0]
    if not (_INFINITIVE.fullmatch(folded, subject.end, at)
            and _FUNDER_BEFORE.search(folded, max(cs, subject.start - 16), subject.start)):
        return [subject]
    opener = next((m for m in cms if m.kind == COMPANY and not m.affiliate_of and not m.appositive
                   and m.end <= subject.start), None)
    return [opener] if opener is not None and opener.iri != subject.iri else []


# h/prec6: a deal's other party, then an infinitive of the work: "X partnered with Y to develop M", "X licensed a
# platform from Y to build M" — the frame's subject X does the work, Y only with a word of joint work.
_PARTNER_LEAD = re.compile(r"\b(?:with|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$")
_TO_WORK = re.compile(r"\s*(?:,\s*)?to\s+(?:(?:jointly|together|further|help|also)\s+)*")
# h/prec6: "Bayer's cell therapy unit BlueRock", "X的細胞治療子公司": the modality names the unit, not X's own work.
UNIT_TAIL = re.compile(r"\s*(?:[\w-]+\s+)?(?:unit|division|arm|subsidiary|business unit)s?\b|\s*(?:子公司|事业部|部门)")
_PHARMA_NAME = re.compile(r"\bpharma\w*|製藥|制药|藥業|药业", re.IGNORECASE)
_JOINT = re.compile(r"\b(?:jointly|together|co-develop\w*|joint(?:ly)?\s+develop\w*)\b|共同|联合|携手|联手|双方")


def frame_subject(clause: Clause, subjects: list[_M], at: int) -> list[_M]:
    """The subject of "X partnered with Y to develop M": X (and Y when the work is joint), not the partner Y —
    unless X is a big pharma or a CDMO and Y is not (it funds or makes; Y develops)."""
    folded, cs, cms, types = clause.folded, clause.cs, clause.cms, clause.types
    if not subjects:
        return subjects
    first = subjects[0]
    if not (_TO_WORK.fullmatch(folded, subjects[-1].end, at)
            and _PARTNER_LEAD.search(folded, max(cs, first.start - 24), first.start)):
        return subjects
    lead = next((m for m in cms if m.kind == COMPANY and not m.affiliate_of and not m.appositive and cs <= m.start
                 and m.end <= first.start and m.iri not in {s.iri for s in subjects}), None)
    def backer(m: _M) -> bool:  # a big pharma or a CDMO, by type or by name ("Halvane Pharma")
        return types.get(m.iri) in ("PharmaCompany", "CDMO") or bool(_PHARMA_NAME.search(m.surface))

    if lead is None or lead.org_type != COMPANY or (backer(lead) and not all(backer(m) for m in subjects)):
        return subjects
    joint = _JOINT.search(folded, lead.end, at + 40)
    return [lead] + subjects if joint else [lead]


def pronoun_owner(folded: str, comps: Sequence[_M], cs: int, pos: int, end: int) -> _M | None:
    """Whose asset "its"/"their"/"其" at ``pos``..``end`` names: the company named last before it and not inside
    an earlier company's closed modifier ("X, spun out of Y, is testing its CAR-T" is X's; h/rd: "其"
    resolved itself when none is) — but an English pronoun coreference resolved is that company's
    ("X raised money from Y to advance its …" is X's), unless it follows a deal's other party ("…partnered
    with Y to advance its …", not for money) or the company just named ("…for Y and its SMA gene therapy")."""
    owner = next((m for m in reversed(comps) if m.end <= pos and not embedded(folded, comps, m, pos)), None)
    if owner is not None and re.search(r"(?:由|委托|交由)\s*$", folded[max(cs, owner.start - 3):owner.start]) \
            and re.fullmatch(r"\s*(?:负责|生产|制造|代工|提供|执行)\s*", folded[owner.end:pos]):
        # "X與Y簽署CDMO協議，由後者負責其CAR-T產品的…生產": the service's client owns the product, not Y.
        client = next((m for m in reversed(comps) if m.end <= owner.start and m.iri != owner.iri), None)
        return client
    if owner is not None and folded[pos:end] == "其" and _GRANT_TO.search(folded, max(cs, owner.start - 5), owner.start):
        # "X授予諾華其自主研發的CAR-T": 其 is the grantor's, not the one the grant goes to.
        return next((m for m in reversed(comps) if m.end <= owner.start and m.iri != owner.iri), None)
    resolved = next((m for m in comps if m.pronoun and m.start == pos and m.end == end), None)
    if owner is None or resolved is None or folded[pos:end] == "其":
        return owner or resolved
    if re.fullmatch(r"\s*(?:,\s*)?(?:and|or|as well as|plus)?\s*", folded[owner.end:pos]):
        return owner
    if _RECIPIENT_BEFORE.search(folded, max(cs, owner.start - 12), owner.start) and _FOR_ITS.fullmatch(
            folded, owner.end, pos):
        return owner
    if _MAKE_ITS.fullmatch(folded, owner.end, pos) and resolved.iri != owner.iri:
        return resolved  # "X teams up with Lonza to make its cells": the maker makes X's product
    if _PARTY_BEFORE.search(folded, max(cs, owner.start - 12), owner.start) and not _FUNDING.search(
            folded, cs, owner.start):
        return owner
    return resolved


def _owner(folded: str, ms: Sequence[_M], parties: list[_M], mod: _M) -> _M | None:
    """The party the sentence writes as the modality's owner, if any."""
    before = [p for p in parties if p.end <= mod.start]
    if before:
        last = max(before, key=lambda p: p.end)
        if _OWNER_BEFORE.fullmatch(folded, last.end, mod.start) and not any(
                m.kind == COMPANY and last.end <= m.start < mod.start for m in ms):
            return last
    its = _ITS_BEFORE.search(folded, max(0, mod.start - 40), mod.start)
    named = {p.iri: p for p in sorted(parties, key=lambda p: -p.start) if not p.pronoun}
    if its is not None and len(named) == 2:
        first, second = sorted(named.values(), key=lambda p: p.start)
        if TAKE.search(folded, max(0, its.start() - 24), its.start()):
            return second
        # h/rd: "…，Y将提供其NK细胞平台", "…with Y, which will contribute its platform": "its" is the
        # possessive of the subject of its own comma clause, when that clause opens with a party.
        seg = max(folded.rfind(c, 0, its.start()) for c in ",，;；") + 1
        opener = next((p for p in sorted(parties, key=lambda p: p.start) if seg <= p.start < its.start()), None)
        if opener is not None and seg > 0 and _CLAUSE_OPENER.fullmatch(folded, seg, opener.start):
            return opener
        if seg > 0 and _RELATIVE.match(folded, seg):
            antecedent = next((p for p in parties if p.end < seg and not folded[p.end:seg - 1].strip()), None)
            if antecedent is not None:
                return antecedent
        if _RECIPIENT_BEFORE.search(folded, max(0, second.start - 12), second.start) and _FOR_ITS.fullmatch(
                folded, second.end, its.start()):
            return second  # h/prec4: "…vectors for Y for its NK cell therapy programme"
        return first
    head = _modifier_head(folded, ms, mod.start, 0)
    if head is not None and head.iri in {p.iri for p in parties}:
        return head
    return None


def settle_asset_owners(folded: str, ms: Sequence[_M], rels: list[Relation]) -> None:
    """Drop a deal-asset ``develops`` fact of a party that is not the modality's written owner (in place)."""
    # h/rd: in a partnership sentence the generic develop frame ("X partnered with Y, which will contribute its
    # NK platform") gives the modality to the clause subject too; it yields to the written owner as well.
    partnered = any(r.predicate == "partneredWith" for r in rels)
    droppable = _ASSET_RULES | ({"develops-modality"} if partnered else frozenset())
    by_object: dict[str, list[Relation]] = {}
    for r in rels:
        if r.rule in droppable and r.predicate == "develops":
            by_object.setdefault(r.object, []).append(r)
    for obj, group in by_object.items():
        # h/rd: the owner may hold the modality by another rule ("…，Y将提供其NK细胞平台": segment focus)
        held = {r.subject for r in rels if r.predicate == "develops" and r.object == obj and r not in group}
        if len({r.subject for r in group} | held) < 2:
            continue
        mods = [m for m in ms if m.kind == MODALITY and m.iri == obj and not m.pronoun]
        if len(mods) != 1:
            continue  # named twice ("…與Y的iPSC合作，Z也與W合作開發iPSC…"): each deal may have its own owner
        mod = mods[0]
        subjects = {r.subject for r in group} | held
        parties = [m for m in ms if m.kind == COMPANY and m.iri in subjects and not m.appositive]
        if len({p.iri for p in parties}) < 2:
            continue
        owner = _owner(folded, ms, parties, mod)
        # h/prec6: "X signed a collaboration with Y, which develops M": a develop verb names M's developer;
        # the deal gives M to no other party.
        said = {r.subject for r in rels if r.rule == "develops-modality" and r.object == obj}
        if owner is None and len(said) == 1 and said <= {p.iri for p in parties} and not _JOINT.search(folded) \
                and any(r.rule in _ASSET_RULES and r.subject not in said for r in group):
            rels[:] = [r for r in rels if r not in group or r.rule not in _ASSET_RULES or r.subject in said]
            continue
        if owner is not None:
            rels[:] = [r for r in rels if r not in group or r.subject == owner.iri]



def _give_work(rels: list[Relation], new_subject: dict[str, str]) -> None:
    """The develops/targets facts of each key of ``new_subject`` become its value's (in place, no duplicates)."""
    kept = {(r.subject, r.predicate, r.object) for r in rels if r.subject not in new_subject}
    out: list[Relation] = []
    for r in rels:
        if r.predicate in ("develops", "targets") and r.subject in new_subject:
            r = replace(r, subject=new_subject[r.subject])
            if (r.subject, r.predicate, r.object) in kept:
                continue
            kept.add((r.subject, r.predicate, r.object))
        out.append(r)
    rels[:] = out

def settle_product_names(folded: str, ms: Sequence[_M], rels: list[Relation]) -> None:
    """h/rd: "X's Velarix became the first CRISPR therapy approved for I": a discovered name the sentence
    writes as a company's product works for that company; its develops/targets facts become the owner's
    (in place, without duplicates)."""
    comps = [m for m in ms if m.kind == COMPANY and not m.affiliate_of and not m.appositive and not m.pronoun]
    owners = {p.iri: o.iri for p, o in possessed_names(folded, ms, comps) if o.org_type == COMPANY}
    if not owners:
        return
    _give_work(rels, owners)


# h/rd: a company's possessive right before its asset ("Y's CAR-T programme", "Y的CAR-T管線").
_ITS_ASSET = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+[^,;()]{0,30}$|\s*(?:的|旗下的?)\s*[^,，;；()（）]{0,12}$")


# h/prec4: between the buy verb and the seller, the work or the control taken over ("took over development of
# Y's AAV pipeline", "acquired full ownership of Y's …"); rights bought to a platform are a licence, Y's work goes on.
_TAKEN_GAP = re.compile(r"\s*(?:了)?\s*(?:(?:the|all|full|sole|clinical|further)\s+)*"
                        r"(?:(?:development|control|ownership)\s+(?:of|over)\s+(?:the\s+)?)?")


def settle_asset_sales(folded: str, ms: Sequence[_M], rels: list[Relation]) -> None:
    """h/rd: "X acquired Y's CAR-T programme", "X收購了Y的CAR-T管線": the asset changes hands, so its
    develops/targets facts are the buyer's, not the seller's (in place). Read only with a buy verb right before
    the seller's possessive (a licence to "Y's platform" leaves Y its work) and no hedging up to the asset."""
    comps = [m for m in ms if m.kind == COMPANY and not m.appositive]
    moved: dict[str, str] = {}
    for seller in comps:
        verb = None
        for v in _ACQ_ACTIVE.finditer(folded, max(0, seller.start - 48), seller.start):
            verb = v
        if verb is None or not _TAKEN_GAP.fullmatch(folded, verb.end(), seller.start):
            continue
        mod = next((m for m in ms if m.kind == MODALITY and m.start >= seller.end), None)
        if mod is None or not _ITS_ASSET.fullmatch(folded, seller.end, mod.start) or any(
                c.start >= seller.end and c.end <= mod.start for c in comps):
            continue
        stop = max(folded.rfind(c, 0, verb.start()) for c in ";；。")
        buyer = next((c for c in reversed(comps) if stop < c.start and c.end <= verb.start()
                      and c.iri != seller.iri), None)
        if buyer is None or _HEDGE.search(folded, buyer.start, mod.end):
            continue
        moved[seller.iri] = buyer.iri
    if not moved:
        return
    _give_work(rels, moved)



# h/prec4: a company named only as the owner of the tool another company develops with ("X will use Y's gene
# editing platform to develop CAR-T", "X將利用Y的iPSC平台開發CAR-T療法"): the develop word's subject is X.
_TOOL = (r"(?:platforms?|technolog(?:y|ies)|capsids?|vectors?|tools?|systems?|know-how|expertise|librar(?:y|ies)|"
         r"cell lines?|process(?:es)?|approach|antibod(?:y|ies)|constructs?|delivery)")
_TOOL_TO = re.compile(rf"(?:'s|’s|'|’)\s+(?:[\w-]+\s+){{0,5}}?{_TOOL}\s+(?:in order\s+)?to\s+")
_NOUN_TO = re.compile(rf"(?:{_TOOL}|programmes?|programs?|pipelines?)\s+(?:in order\s+)?to\s+")
_USE_BEFORE = re.compile(r"(?:利用|借助|采用|使用|运用|通过|基于|凭借|依托|结合)\s*$")
_ZH_TOOL = re.compile(r"\s*的\s*[^,，;；。]{0,12}?(?:平台|技术|载体|工具|系统|细胞株|细胞|抗体|工艺)\s*(?:来|以|进行)?\s*")


def holders(folded: str, cms: Sequence[_M], cs: int, subjects: list[_M], at: int) -> list[_M]:
    """The subjects of the develop word at ``at``, each "its"/"their" read as :func:`pronoun_owner` reads it
    ("…supply vectors to Y for its CAR-T programme" is Y's, whom coreference alone would not pick), and the
    owner of a tool used to develop (:data:`_TOOL_TO`) replaced by the clause's first company before it; none
    for the tool noun itself when an infinitive follows it."""
    comps = [m for m in cms if m.kind == COMPANY and not m.affiliate_of]
    if _NOUN_TO.match(folded, at) and any(_OWNER_BEFORE.fullmatch(folded, m.end, at) for m in subjects):
        return []  # "…use Y's platform to develop CAR-T": what follows is the user's work, read at "develop"
    last = next((c for c in reversed(comps) if cs <= c.start and c.end <= at), None)
    if not subjects and last is not None and _tool_of(folded, cs, last, at):
        subjects = [last]  # the list reader stops at the tool's words; its user is the subject all the same
    out: list[_M] = []
    for m in subjects:
        if m.pronoun and folded[m.start:m.end] in ("its", "their"):
            m = pronoun_owner(folded, comps, cs, m.start, m.end) or m
        if _tool_of(folded, cs, m, at):
            user = next((c for c in comps if cs <= c.start and c.end <= m.start and c.iri != m.iri), None)
            if user is None:
                continue
            m = user
        if m.iri not in {o.iri for o in out}:
            out.append(m)
    return out


def _tool_of(folded: str, cs: int, m: _M, at: int) -> bool:
    """Whether ``m`` is named only as the owner of a tool used for the work at ``at`` (:data:`_TOOL_TO`)."""
    return bool(_TOOL_TO.fullmatch(folded, m.end, at) or (
        _USE_BEFORE.search(folded, max(cs, m.start - 4), m.start) and _ZH_TOOL.fullmatch(folded, m.end, at)))
