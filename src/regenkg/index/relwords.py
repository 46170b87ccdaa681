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
from collections.abc import Callable, Mapping, Sequence

from ..graph.extract import patterns as _p
from ..text.lang import fold
from .derived import PerSentence

__all__ = ["FAMILIES", "RelationWords", "relation_mask"]

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


class RelationWords:
    """Which sentences speak of the relations a query asks about, from their stored (folded) tokens.

    Only the families the query signals are tested, each sentence once per family (kept for the
    ``size`` sentences used last): a query asks about one or two relations, and the lexicons are long
    alternations, so testing all nine on every candidate would cost more than the rest of the search.

    Args:
        tokens: sentence ids → their stored tokens (:meth:`~regenkg.index.bm25.LexicalIndex.tokens_of`).
    """

    def __init__(self, tokens: Callable[[Sequence[int]], Mapping[int, Sequence[str]]], size: int = 50_000) -> None:
        self._families = [PerSentence(tokens, _tester(lexicons), size) for _, lexicons in FAMILIES]

    def matching(self, ids: Sequence[int], mask: int) -> list[int]:
        """The ids among ``ids`` whose words signal a family of ``mask`` (:func:`relation_mask`), in order.

        >>> words = RelationWords(lambda ids: {1: ["吉利德", "收购", "kite"], 2: ["car-t", "lymphoma"]})
        >>> words.matching([1, 2], relation_mask("Did Gilead acquire Kite?"))
        [1]
        """
        hit: set[int] = set()
        for bit, family in enumerate(self._families):
            if mask >> bit & 1:
                hit.update(i for i, yes in family.of([i for i in ids if i not in hit]).items() if yes)
        return [i for i in ids if i in hit]


def _tester(lexicons: tuple[re.Pattern[str], ...]) -> Callable[[Sequence[str]], bool]:
    def test(tokens: Sequence[str]) -> bool:
        text = " ".join(tokens)
        return any(p.search(text) for p in lexicons)

    return test
