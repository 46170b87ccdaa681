"""Values derived from a sentence's stored tokens, computed when search first asks and then kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

__all__ = ["PerSentence"]

V = TypeVar("V")


class PerSentence(Generic[V]):
    """``derive(tokens)`` of each sentence asked for, kept for the ``size`` sentences used last.

    Search asks only about its candidates, so the cost follows the queries (a few hundred sentences
    each, most of them seen before), not the size of the collection.

    Args:
        tokens: sentence ids → their stored tokens (:meth:`~regenkg.index.bm25.LexicalIndex.tokens_of`).
        derive: the value of one sentence from its tokens (an id without tokens gets ``derive([])``).
        size: how many sentences' values to keep.

    >>> lengths = PerSentence(lambda ids: {i: ["a"] * i for i in ids}, len)
    >>> lengths.of([2, 3])
    {2: 2, 3: 3}
    """

    def __init__(self, tokens: Callable[[Sequence[int]], Mapping[int, Sequence[str]]],
                 derive: Callable[[Sequence[str]], V], size: int = 50_000) -> None:
        self._tokens = tokens
        self._derive = derive
        self._size = size
        self._cache: OrderedDict[int, V] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, ids: Sequence[int]) -> dict[int, V]:
        """The value of each of ``ids``."""
        out: dict[int, V] = {}
        with self._lock:
            for i in ids:
                if i in self._cache:
                    out[i] = self._cache[i]
                    self._cache.move_to_end(i)
        missing = [i for i in dict.fromkeys(ids) if i not in out]
        if missing:
            stored = self._tokens(missing)
            fresh = {i: self._derive(stored.get(i, ())) for i in missing}
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
            out.update(fresh)
        return out
