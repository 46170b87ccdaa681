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

__all__ = ["FAMILIES", "RelationMasks", "relation_mask", "sentence_mask"]

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


def sentence_mask(tokens: Sequence[str]) -> int:
    """The relation mask of one sentence from its stored (folded) tokens, joined by spaces.

    >>> sentence_mask(["吉利德", "收购", "kite"]) == relation_mask("Did Gilead acquire Kite?")
    True
    """
    return relation_mask(" ".join(tokens), folded=True)


def RelationMasks(tokens: Callable[[Sequence[int]], Mapping[int, Sequence[str]]],  # noqa: N802 (a factory)
                  size: int = 50_000) -> PerSentence[int]:
    """The relation masks of sentences (:func:`sentence_mask`), computed when first asked for and kept."""
    return PerSentence(tokens, sentence_mask, size)
