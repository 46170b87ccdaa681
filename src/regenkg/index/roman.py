"""Romanised (toneless pinyin) keys of Chinese text, so that Latin words find Chinese names and back.

Companies from Chinese-speaking markets are often written in English by the pinyin of their Chinese
name: 曜辰生技 is "Yaochen Biotech", 禾晟 "Hesheng". No gazetteer knows the names a new article brings,
and the embedding model does not link a romanised name to its characters, so an English question about
曜辰生技 finds its Chinese sentences by neither the dense nor the lexical vote. A *key* is the
concatenated toneless pinyin of two or three adjacent Chinese characters (``yaochen``); every reading of
a character with several counts (長 gives ``chang`` and ``zhang``), ``ü`` is also written ``u``.

* :class:`RomanIndex` — BM25 over the keys of each Chinese sentence, searched with a query's Latin words
  (an English question finds the Chinese sentences naming its romanised names);
* :func:`keys` — the keys of a text (a Chinese question's keys are searched among English words).

Readings come from pypinyin's character table (per character, no phrase model: names are the unknown
words a phrase model would read wrong anyway).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from .bm25 import LexicalIndex

__all__ = ["RomanIndex", "keys", "latin_words"]

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]+")
#: Characters per key: one syllable matches too much, four are rare as one romanised word.
SIZES = (2, 3)
#: Readings combined per window at most (a window of three polyphones would give dozens).
_MAX_COMBOS = 16
#: Shortest Latin word to look up: two syllables are at least four letters ("hebo" aside, "an", "ge" are words).
MIN_WORD = 4


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    out = {r for r in (found[0] if found else ()) if r.isascii() and r.isalpha()}
    out |= {r.replace("v", "u") for r in out}  # pypinyin writes ü as v; names write it u (吕 → Lu)
    return tuple(sorted(out))


def keys(text: str) -> set[str]:
    """The romanised keys of every run of two or three Chinese characters in ``text``.

    >>> sorted(k for k in keys("曜辰生技") if k.startswith("yaochen"))
    ['yaochen', 'yaochensheng']
    >>> "changfeng" in keys("長峰") and "zhangfeng" in keys("長峰")
    True
    """
    out: set[str] = set()
    for run in _HAN_RUN.findall(text):
        readings = [_readings(c) for c in run]
        for size in SIZES:
            for start in range(len(run) - size + 1):
                window = readings[start:start + size]
                if all(window):
                    out.update("".join(c) for c in itertools.islice(itertools.product(*window), _MAX_COMBOS))
    return out


def latin_words(tokens: Iterable[str]) -> list[str]:
    """The tokens that are plain Latin words of :data:`MIN_WORD` letters or more, each once."""
    return list(dict.fromkeys(t for t in tokens if len(t) >= MIN_WORD and _LATIN_WORD.fullmatch(t)))


class RomanIndex:
    """BM25 over the romanised keys of Chinese sentences (see the module docstring).

    Built from the lexical index's stored tokens (adjacent Chinese tokens are joined, since the
    segmenter splits an unknown name, 曜 | 辰, as often as it keeps it), so it needs no pass over the
    sentence table and no file of its own.
    """

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index

    @classmethod
    def build(cls, ids: Sequence[int], token_lists: Sequence[Sequence[str]]) -> RomanIndex:
        """Index the keys of each sentence's tokens under its id (sentences without Chinese get no keys)."""
        return cls(LexicalIndex.build(list(ids), [sorted(keys("".join(t if _HAN_RUN.fullmatch(t) else " "
                                                                           for t in tokens)))
                                                  for tokens in token_lists]))

    @classmethod
    def of(cls, lexical: LexicalIndex, among: np.ndarray) -> RomanIndex:
        """The romanised index of the sentences ``among`` (sorted ids, e.g. the Chinese ones) of ``lexical``."""
        ids = lexical.ids
        keep = np.flatnonzero(np.isin(ids, among))
        return cls.build(ids[keep].tolist(), [lexical.tokens_at(int(p)) for p in keep])

    @property
    def count(self) -> int:
        """Number of indexed sentences."""
        return self._index.count

    def search(self, words: Sequence[Sequence[str]], k: int) -> list[list[tuple[int, float]]]:
        """The ``k`` best ``(id, BM25)`` per query for its Latin ``words`` (lower case), best first."""
        return self._index.search([latin_words(w) for w in words], k)
