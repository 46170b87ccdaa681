"""Which relations a text speaks of, by the extraction's trigger words (acquire/收購, partner/合作, …).

A question "Did X acquire Y?" and the Chinese sentence "X以…收購Y" share no word, and the embedding model
compresses cross-lingual similarity, so among the other language's sentences that name X the one that
says *acquire* is not preferred. The extraction's trigger lexicons (graph/extract/patterns.py, written
bilingually on folded text) already say which words mean which relation; a text's *mask* is one bit per
relation family whose triggers it contains, and search lifts the sentences whose mask shares a bit with
the question's. The lexicons are reused, not copied, so a trigger added for extraction counts here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..graph.extract import patterns as _p
from ..text.lang import fold
from .bm25 import LexicalIndex

__all__ = ["FAMILIES", "RelationMasks", "relation_mask"]

#: Relation family → the trigger lexicons that signal it (one bit each, in this order).
FAMILIES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("acquired", (_p._ACQ_ACTIVE, _p._ACQ_PASSIVE)),
    ("partneredWith", (_p._PARTNER,)),
    ("licensedFrom", (_p._LICENSE,)),
    ("develops", (_p._DEVELOP,)),
    ("targets", (_p._TREAT,)),
    ("jointVentureWith", (_p._JV,)),
    ("spunOutFrom", (_p._SPIN,)),
    ("soldTo", (_p._SALE,)),
    ("exited", (_p._EXIT,)),
)


def relation_mask(text: str, *, folded: bool = False) -> int:
    """One bit per family of :data:`FAMILIES` whose trigger words occur in ``text``.

    >>> names = [name for n, (name, _) in enumerate(FAMILIES) if relation_mask("Did Gilead acquire Kite?") >> n & 1]
    >>> names
    ['acquired']
    >>> relation_mask("吉利德以119億美元收購Kite") == relation_mask("Did Gilead acquire Kite?")
    True
    """
    key = text if folded else fold(text)
    mask = 0
    for bit, (_, lexicons) in enumerate(FAMILIES):
        if any(p.search(key) for p in lexicons):
            mask |= 1 << bit
    return mask


class RelationMasks:
    """The relation mask of every sentence of a lexical index, from its stored (folded) tokens."""

    def __init__(self, ids: np.ndarray, masks: np.ndarray) -> None:
        order = np.argsort(ids, kind="stable")
        self._ids = ids[order]
        self._masks = masks[order]

    @classmethod
    def of(cls, lexical: LexicalIndex) -> RelationMasks:
        """Masks of all of ``lexical``'s sentences (tokens joined by spaces: the lexicons' word boundaries hold)."""
        ids = lexical.ids
        masks = np.fromiter((relation_mask(" ".join(lexical.tokens_at(p)), folded=True) for p in range(ids.size)),
                            np.int64, ids.size)
        return cls(ids, masks)

    def matching(self, ids: Sequence[int], mask: int) -> list[int]:
        """The ids among ``ids`` whose mask shares a bit with ``mask`` (unknown ids never match)."""
        if not mask or not len(ids) or self._ids.size == 0:
            return []
        arr = np.asarray(ids, dtype=np.int64)
        at = np.searchsorted(self._ids, arr).clip(max=self._ids.size - 1)
        hit = (self._ids[at] == arr) & ((self._masks[at] & mask) != 0)
        return arr[hit].tolist()
