"""Whose asset a deal is about: "X partnered with Y to use Y's base editing platform" is Y's work, not X's.

The deal rules give the modality a partnership names to every (biotech) party; :func:`settle_asset_owners`
keeps it only for the party the sentence writes as its owner, when it writes one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...records import Relation
from .clauses import _modifier_head
from .coref import TAKE
from .mentions import _M
from .patterns import COMPANY, MODALITY

_ASSET_RULES = frozenset({"deal-asset"})
# "Y's", "Y’s", "Y的", "Y旗下": a party named as the owner right before the modality (a few words between).
_OWNER_BEFORE = re.compile(r"(?:'s|’s|(?<=s)'|(?<=s)’)\s+(?:[\w-]+\s+){0,3}|\s*(?:的|旗下|自有的|自主开发的)\s*[^,，;；\s]{0,8}")
# "its"/"其" right before the modality, and a verb of taking before it ("to use its …", "取得其…"): then the
# possessor is the party the subject takes from, not the subject.
_ITS_BEFORE = re.compile(r"(?:\bits|\btheir|其)\s+(?:[\w-]+\s+){0,3}$|(?:其)[^,，;；\s]{0,8}$")


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
        taken = TAKE.search(folded, max(0, its.start() - 24), its.start())
        return second if taken else first
    head = _modifier_head(folded, ms, mod.start, 0)
    if head is not None and head.iri in {p.iri for p in parties}:
        return head
    return None


def settle_asset_owners(folded: str, ms: Sequence[_M], rels: list[Relation]) -> None:
    """Drop a deal-asset ``develops`` fact of a party that is not the modality's written owner (in place)."""
    by_object: dict[str, list[Relation]] = {}
    for r in rels:
        if r.rule in _ASSET_RULES and r.predicate == "develops":
            by_object.setdefault(r.object, []).append(r)
    for obj, group in by_object.items():
        if len({r.subject for r in group}) < 2:
            continue
        mods = [m for m in ms if m.kind == MODALITY and m.iri == obj and not m.pronoun]
        if len(mods) != 1:
            continue  # named twice ("…與Y的iPSC合作，Z也與W合作開發iPSC…"): each deal may have its own owner
        mod = mods[0]
        subjects = {r.subject for r in group}
        parties = [m for m in ms if m.kind == COMPANY and m.iri in subjects and not m.appositive]
        if len({p.iri for p in parties}) < 2:
            continue
        owner = _owner(folded, ms, parties, mod)
        if owner is not None:
            rels[:] = [r for r in rels if r not in group or r.subject == owner.iri]
