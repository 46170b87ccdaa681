"""What a deal hands over, for the develops rule: an exit word that sells or licenses the modality (no exit
from it), and the one a grant goes to ("授予諾華其自主研發的CAR-T": 諾華 does not develop what 其 made)."""

from __future__ import annotations

import re

from .clauses import Clause
from .mentions import _M
from .patterns import _GRANT_TO, COMPANY

# h/prec3: what an exit word ends when it is no exit from the modality: the asset sold to a buyer ("将其CAR-T管线
# 出售给Y"), or a partnership about it ("终止与北岳大学的干细胞合作": the company's own work goes on) — unless a
# big pharma ends it, whose only work in the field the partnership was ("楊森終止與Fate的NK細胞合作").
_SOLD = re.compile(r"出售给|卖给|转让给|授权|许可|\bsold\b|\bsells?\b|\bsale\b|\blicen[cs]\w*")
_DEAL_ENDED = re.compile(r"合作|协议|合约|联盟|\bcollaborations?\b|\bpartnerships?\b|\balliances?\b|\bagreements?\b|"
                         r"\bdeals?\b|\bpacts?\b")


def _ends_a_deal(clause: Clause, subjects: list[_M], at: int, mod_end: int) -> bool:
    """Whether the exit word at ``at`` sells or licenses the modality, or ends a deal not a big pharma's about it."""
    end = min(clause.ce, mod_end + 14)
    if _SOLD.search(clause.folded, at, end):
        return True
    return bool(_DEAL_ENDED.search(clause.folded, at, end)) and not any(
        clause.types.get(s.iri) == "PharmaCompany" for s in subjects)




def _not_recipients(folded: str, cms: list[_M], cs: int, subjects: list[_M], at: int) -> list[_M]:
    """"授予諾華其自主研發的CAR-T": the one a grant goes to does not develop what 其 (the grantor) made."""
    got = [m for m in subjects if _GRANT_TO.search(folded, max(cs, m.start - 5), m.start)]
    if not got:
        return subjects
    rest = [m for m in subjects if m not in got]
    if rest or "其" not in folded[got[-1].end:at]:
        return rest
    giver = next((m for m in cms if m.kind == COMPANY and not m.affiliate_of and m.end <= got[0].start
                  and m.iri != got[0].iri), None)
    return [giver] if giver is not None else []
