"""Gazetteer matching: leftmost-longest search of every label and alias over script-folded text."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["fold_aligned", "Matcher", "Match", "is_latin_word_char"]


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _fold_char(c: str) -> str:
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    low = n.lower()
    return low if len(low) == 1 else n


@lru_cache(maxsize=16384)
def fold_aligned(text: str, *, lower: bool = True) -> str:
    """Fold full/half width, Traditional→Simplified and (optionally) case, keeping ``len(text)``.

    Position *i* of the result corresponds to position *i* of ``text``, so a match found in the folded
    text has the same offsets in the original.

    >>> fold_aligned("諾華ＡＢ")
    '诺华ab'
    """
    chars = [_fold_char(c) if lower else (lambda n: n if len(n) == 1 else c)(unicodedata.normalize("NFKC", c))
             for c in text]
    base = "".join(chars)
    conv = _t2s().convert(base)
    if len(conv) == len(base):
        return conv
    # A phrase conversion changed the length: fall back to character-by-character conversion.
    return "".join(x if len(x := _t2s().convert(c)) == 1 else c for c in base)


def is_latin_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    iri: str
    surface: str


def _acronym(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and len(surface) <= 5 and all(c.isupper() for c in letters if c.isascii())


class Matcher:
    """Find labels/aliases in text: leftmost-longest, Latin word boundaries respected.

    Short all-capital aliases (``NK``, ``ALL``, ``MSD``) match case-sensitively; everything else is
    matched on text folded by :func:`fold_aligned` (width, script and case).
    """

    def __init__(self, surfaces: Iterable[tuple[str, str]]):
        self._folded: dict[str, dict[str, str]] = defaultdict(dict)
        self._exact: dict[str, dict[str, str]] = defaultdict(dict)
        # Every IRI a folded surface names, in the order given (the tables above keep the first only).
        self._all: dict[str, list[str]] = defaultdict(list)
        for surface, iri in surfaces:
            surface = surface.strip()
            if len(surface) < 2 and not ("\u4e00" <= surface[:1] <= "\u9fff"):
                continue
            if _acronym(surface):
                key = fold_aligned(surface, lower=False)
                self._exact[key[0]].setdefault(key, iri)
            else:
                key = fold_aligned(surface)
                self._folded[key[0]].setdefault(key, iri)
            if iri not in self._all[fold_aligned(surface)]:
                self._all[fold_aligned(surface)].append(iri)
        # The lengths of the surfaces starting with each character, longest first: at a position only
        # one surface of each length can match (the text's slice of that length), so a set look-up per
        # length finds the longest match, where a scan of every surface took ~1000 comparisons a query.
        self._folded_lens = {c: sorted({len(k) for k in d}, reverse=True) for c, d in self._folded.items()}
        self._exact_lens = {c: sorted({len(k) for k in d}, reverse=True) for c, d in self._exact.items()}
        # The matches of the last few texts: a question is matched by its parse, its entity linking and
        # its search, the same text three times in a row. Few, so that a question asked again later is
        # matched again (and a build's sentences do not fill memory); emptied when full.
        self._found: dict[str, tuple[Match, ...]] = {}

    def iris_named(self, surface: str) -> tuple[str, ...]:
        """Every IRI whose label or alias folds to ``surface`` (a match reports the first of them only)."""
        return tuple(self._all.get(fold_aligned(surface.strip()), ()))

    def entries(self) -> Iterable[tuple[str, tuple[str, ...]]]:
        """(folded surface, every IRI it names) for each surface the matcher knows."""
        return ((k, tuple(v)) for k, v in self._all.items())

    #: Texts whose matches :meth:`find` keeps.
    FOUND_CACHE = 8

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches in ``text``, left to right (a new list each call)."""
        found = self._found.get(text)
        if found is None:
            found = tuple(self._find(text))
            if len(self._found) >= self.FOUND_CACHE:
                self._found.clear()
            self._found[text] = found
        return list(found)

    def _find(self, text: str) -> list[Match]:
        folded = fold_aligned(text)
        cased = fold_aligned(text, lower=False)
        out: list[Match] = []
        i, n = 0, len(text)
        while i < n:
            best: tuple[int, str] | None = None
            # Folded surfaces first; a case-sensitive one wins only when longer.
            for lengths, table, hay in ((self._folded_lens, self._folded, folded), (self._exact_lens, self._exact, cased)):
                first = hay[i]
                for size in lengths.get(first, ()):
                    if best is not None and size <= best[0]:
                        break
                    iri = table[first].get(hay[i : i + size]) if i + size <= n else None
                    if iri is not None and self._bounded(text, i, i + size):
                        best = (size, iri)
                        break
            if best is None:
                i += 1
                continue
            end = i + best[0]
            out.append(Match(i, end, best[1], text[i:end]))
            i = end
        return out

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        if is_latin_word_char(text[start]) and start > 0 and is_latin_word_char(text[start - 1]):
            return False
        if is_latin_word_char(text[end - 1]) and end < len(text) and is_latin_word_char(text[end]):
            return False
        return True
