"""What a company says it focuses on: a segment (``operatesIn``) or a modality named as its focus.

"樂迦再生、台寶生醫等多家廠商則著重在細胞製劑CDMO", "X focuses on base editing", "X從北京大學分拆成立，主攻M".
"""

from __future__ import annotations

import re

from .clauses import Add, Clause, _object_list, _subject_list
from .kinds import _classified
from .patterns import _SEGMENT_CUE, COMPANY, MODALITY, SEGMENT

__all__ = ["rule_segment"]


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
        for s in subjects:
            for seg in segs:
                if seg.start >= cue.start():
                    add(s.iri, "operatesIn", seg.iri, "segment-focus", 0.8, (s.start, seg.end))
            # "…等多家廠商則側重在外泌體新藥": a modality named as the focus is developed.
            for mod in _object_list(folded, cms, cue.end(), {MODALITY}, ce):
                kinds = _classified(folded, cms, mod, ce)
                if not kinds or any(k.iri == s.iri for k in kinds):  # "投資了專注CAR-T的X": X's focus
                    add(s.iri, "develops", mod.iri, "segment-focus", 0.75, (s.start, mod.end))
