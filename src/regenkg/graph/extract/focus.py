"""What a company says it focuses on: a segment (``operatesIn``) or a modality named as its focus.

"樂迦再生、台寶生醫等多家廠商則著重在細胞製劑CDMO", "X focuses on base editing", "X從北京大學分拆成立，主攻M";
and the players a roundup lists for a modality: "CAR-T領域的代表企業包括X、Y和Z", "Key players in TCR-T include X and Y".
"""

from __future__ import annotations

import re

from .clauses import Add, Clause, _object_list, _subject_list
from ..ontology import default_gazetteer
from .kinds import _classified
from .patterns import _HEDGE, _SEGMENT_CUE, COMPANY, MODALITY, SEGMENT

__all__ = ["rule_players", "rule_segment", "rule_segment_copula"]


def rule_segment(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    segs = [m for m in cms if m.kind == SEGMENT]
    for cue in _SEGMENT_CUE.finditer(folded, cs, ce):
        subjects = _subject_list(folded, cms, cue.start(), cs)
        if all(s.org_type != COMPANY for s in subjects) and re.search(r"[,，]\s*$", folded[cs:cue.start()]):
            # "X從北京大學分拆成立，主攻M": a comma clause without its own subject continues the clause's first
            # one (a school or hospital before the cue is where X came from, not whose focus it is).
            firms = [m for m in cms if m.kind == COMPANY and m.end <= cue.start() and not m.affiliate_of]
            head = firms[0] if firms else None
            if head is not None and head.org_type == COMPANY and head.start - cs <= 12 \
                    and all(m.org_type != COMPANY or m.iri == head.iri for m in firms):
                subjects = [head]
        related = default_gazetteer().related
        for s in subjects:
            for seg in segs:
                if seg.start >= cue.start():
                    add(s.iri, "operatesIn", seg.iri, "segment-focus", 0.8, (s.start, seg.end))
                    # "布局外泌體新藥": the segment's modality is the company's work too
                    for term in sorted(related.get(seg.iri, ())):
                        add(s.iri, "develops", term, "segment-focus", 0.7, (s.start, seg.end))
            # "…等多家廠商則側重在外泌體新藥": a modality named as the focus is developed.
            for mod in _object_list(folded, cms, cue.end(), {MODALITY}, ce):
                kinds = _classified(folded, cms, mod, ce)
                if not kinds or any(k.iri == s.iri for k in kinds):  # "投資了專注CAR-T的X": X's focus
                    add(s.iri, "develops", mod.iri, "segment-focus", 0.75, (s.start, mod.end))


# "X is a CDMO for cell and gene therapies", "X, a contract development and manufacturing organization, …",
# "X是台灣少數具備病毒載體量產能力的CDMO": the segment named as what the company is.
_IS_A = re.compile(r"\s*(?:,\s*|\s+(?:is|was|remains|has become|became)\s+)(?:now\s+)?(?:an?|the|one of the)\s+|\s*(?:是|为|系)\s*")


def rule_segment_copula(clause: Clause, add: Add) -> None:
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    if _HEDGE.search(folded, cs, ce):
        return
    for seg in (m for m in cms if m.kind == SEGMENT):
        firm = next((m for m in reversed(cms) if m.kind == COMPANY and m.end <= seg.start), None)
        if firm is None or firm.org_type != COMPANY or any(firm.end <= m.start < seg.start and m.kind == COMPANY for m in cms):
            continue
        cop = _IS_A.match(folded, firm.end, seg.start)
        if cop is not None and re.fullmatch(r"[^,，;；。()（）]{0,50}", folded[cop.end():seg.start]) and not re.search(
                r"\b(?:partner|customer|client|rival|competitor|unit|subsidiary)\b|伙伴|客户|对手|子公司", folded[cop.end():seg.start]):
            add(firm.iri, "operatesIn", seg.iri, "segment-focus", 0.75, (firm.start, seg.end))


# The players of a field, listed: the noun (and the words of the field before it), then the list.
_PLAYERS_ZH = re.compile(r"(?:代表性?|龙头|主要|知名|头部|领先|重点|相关)?(?:企业|公司|厂商|药企|业者|玩家)\s*"
                         r"(?:包括|包含|涵盖|有|如|则有)\s*[:：]?\s*")
_PLAYERS_EN = re.compile(r"\b(?:(?:key|leading|major|main|notable|prominent)\s+)?(?:players|companies|developers|biotechs)\b"
                         r"[^.;:,]{0,40}?\b(?:include|includes|such as)\s+")
# "Among the companies pursuing M are X, Y and Z" (the list after the verb); "X, Y and Z are among the
# companies developing M" (the list before it).
_AMONG_EN = re.compile(r"\bamong (?:the )?(?:(?:key|leading|major|main|notable|prominent|other)\s+)?(?:players|companies|"
                       r"developers|biotechs|firms|drugmakers)\s+(?:(?:that are|now|already)\s+)?(?:develop\w*|pursu\w*|working on|"
                       r"focus\w* on|betting on|in)\s+[^.;:]{0,50}?\b(?:are|is)\s+")
_ARE_AMONG_EN = re.compile(r"\b(?:are|is|were|was)\s+among (?:the )?(?:(?:key|leading|major|main|notable|prominent|few|"
                           r"other)\s+)?(?:players|companies|developers|biotechs|firms|drugmakers)\s+(?:(?:that are|now|"
                           r"already)\s+)?(?:develop\w*|pursu\w*|working on|work on|focus\w* on|betting on|in)\s+")
# A field fronted as the topic, then the companies that work in it: "在基因治療賽道，X、Y和Z均有布局",
# "In the gene therapy space, X, Y and Z all have programmes".
_FIELD_TOPIC_ZH = re.compile(r"\s*(?:而|另外|此外|至于)?\s*(?:在|于)\s*(?P<field>[^,，;；。]{2,24}?)\s*(?:领域|赛道|方面|市场|板块|战场|上)"
                             r"\s*[,，]\s*")
_FIELD_WORK_ZH = re.compile(r"\s*(?:等(?:多家)?(?:企业|公司|厂商|药企)?\s*)?(?:目前|近年|早已|也|亦|均|皆|都|已|同样|纷纷|相继|陆续|各自)*"
                            r"(?:有所|已经|已|有)?\s*(?:布局|投入|切入|进军|涉足|着墨|深耕|耕耘)")
_FIELD_TOPIC_EN = re.compile(r"\s*in (?:the )?(?P<field>[\w\s-]{2,40}?)\s*(?:space|field|arena|area|market|race|segment)?\s*,\s*")
_FIELD_WORK_EN = re.compile(r"\s*(?:all |each |both |also |already )*(?:have|has|are|is|were|run|runs)\s+(?:(?:all|each|both|"
                            r"also|now)\s+)?(?:active|programmes|programs|candidates|assets|bets|pipelines|a presence|players)\b")
_NOT_PLAYERS = re.compile(r"不包括|除了|之外|\bexcept\b|\bother than\b|\bunlike\b|\bnot\b|\bno longer\b|退出|终止")


def rule_players(clause: Clause, add: Add) -> None:
    """"CAR-T領域的代表企業包括X、Y和Z", "布局NK細胞療法的企業包括X、Y等", "Companies developing in vivo CAR-T
    include X and Y", "Among the companies pursuing M are X and Y", "X and Y are among the companies developing M", "在基因治療賽道，X、Y和Z均有布局": each company of the list develops the field's modality (the last one named before
    the list), unless the clause hedges, negates or excepts."""
    folded, cs, ce, cms = clause.folded, clause.cs, clause.ce, clause.cms
    if _HEDGE.search(folded, cs, ce) or _NOT_PLAYERS.search(folded, cs, ce):
        return
    for rx in (_PLAYERS_ZH, _PLAYERS_EN):
        for hit in rx.finditer(folded, cs, ce):
            mods = [m for m in cms if m.kind == MODALITY and not m.pronoun and m.end <= hit.end()]
            if not mods or any(m.kind == COMPANY and mods[-1].end <= m.start < hit.start() for m in cms):
                continue
            for firm in _object_list(folded, cms, hit.end(), {COMPANY}, ce):
                if firm.org_type == COMPANY and not firm.pronoun:
                    add(firm.iri, "develops", mods[-1].iri, "field-players", 0.7, (mods[-1].start, firm.end))
    for topic_rx, work_rx in ((_FIELD_TOPIC_ZH, _FIELD_WORK_ZH), (_FIELD_TOPIC_EN, _FIELD_WORK_EN)):
        topic = topic_rx.match(folded, cs, ce)
        mods = [m for m in cms if m.kind == MODALITY and not m.pronoun and topic is not None
                and topic.start("field") <= m.start and m.end <= topic.end("field")]
        firms = _object_list(folded, cms, topic.end(), {COMPANY}, ce) if topic is not None and mods else []
        if firms and work_rx.match(folded, firms[-1].end, ce):
            for firm in firms:
                if firm.org_type == COMPANY and not firm.pronoun:
                    add(firm.iri, "develops", mods[-1].iri, "field-players", 0.7, (mods[-1].start, firm.end))
    for hit in _AMONG_EN.finditer(folded, cs, ce):
        mods = [m for m in cms if m.kind == MODALITY and not m.pronoun and hit.start() <= m.start and m.end <= hit.end()]
        if mods and not any(m.kind == COMPANY and hit.start() <= m.start < hit.end() for m in cms):
            for firm in _object_list(folded, cms, hit.end(), {COMPANY}, ce):
                if firm.org_type == COMPANY and not firm.pronoun:
                    add(firm.iri, "develops", mods[-1].iri, "field-players", 0.7, (mods[-1].start, firm.end))
    for hit in _ARE_AMONG_EN.finditer(folded, cs, ce):
        mod = next((m for m in cms if m.kind == MODALITY and not m.pronoun and m.start >= hit.end()
                    and re.fullmatch(r"[\w\s-]{0,24}", folded[hit.end():m.start])), None)
        if mod is not None:
            for firm in _subject_list(folded, cms, hit.start(), cs):
                if firm.org_type == COMPANY and not firm.pronoun:
                    add(firm.iri, "develops", mod.iri, "field-players", 0.7, (firm.start, mod.end))

