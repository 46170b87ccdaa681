"""The query's names in the other language, so the lexical side of search can match its sentences: the other labels
of the entities it names (:class:`LabelBridge`), and the entities its romanised names spell (:class:`RomanisedLabels`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["LabelBridge", "RomanisedLabels"]

# A name: a capital and lower-case letters, not inside a longer word (CAR-T's "T" is no name).
_CAPITALISED = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?![A-Za-z])")


class LabelBridge:
    """The other names of the entities a query mentions: labels in every language and aliases.

    A Chinese query naming 諾華 gains "Novartis" (and the reverse), so BM25 can match sentences in the
    other language; Traditional and Simplified forms already meet through the tokenizer's OpenCC folding.

    Args:
        find: the gazetteer matcher's ``find`` (text → matches with ``.iri`` and ``.surface``).
        names: IRIs → every name of each (labels in all languages and aliases), like ``GraphLookup.names``.
        fold: the matching key of a name, to leave out names the query already contains.
    """

    def __init__(self, find: Callable[[str], Iterable[Any]],
                 names: Callable[[Sequence[str]], Mapping[str, Sequence[str]]],
                 fold: Callable[[str], str] = str.lower) -> None:
        self._find = find
        self._names = names
        self._fold = fold

    def terms(self, query: str) -> list[str]:
        """The other names of every entity found in ``query``, each once, in the order found.

        >>> from types import SimpleNamespace as M
        >>> names = {"x:nvs": ["Novartis", "诺华", "諾華"]}
        >>> bridge = LabelBridge(lambda q: [M(iri="x:nvs", surface="諾華")] if "諾華" in q else [],
        ...                      lambda iris: {i: names[i] for i in iris})
        >>> bridge.terms("諾華授權了什麼")
        ['Novartis', '诺华']
        """
        matches = list(self._find(query))
        if not matches:
            return []
        names = self._names(list(dict.fromkeys(m.iri for m in matches)))
        seen = {self._fold(m.surface) for m in matches}
        out: list[str] = []
        for match in matches:
            for name in names.get(match.iri, ()):
                key = self._fold(name)
                if key not in seen:
                    seen.add(key)
                    out.append(name)
        return out


class RomanisedLabels:
    """Entities whose Chinese label starts with characters a capitalised Latin word of the query spells.

    Companies from Chinese-speaking markets are written in English by the pinyin of their Chinese name
    (曜辰生技 is "Yaochen Biotech"), and an article in Chinese gives the entity only its Chinese label, so
    the gazetteer matcher does not find it in an English question, and neither the label bridge nor the
    mentions can help. A query word of :data:`~regenkg.index.roman.MIN_WORD` letters or more, capitalised
    (a name), outside the matcher's own matches, that splits into two or three pinyin syllables is looked
    up among the romanised keys of the first two and three characters of every Chinese label (any
    reading of each character); a key several entities share is ambiguous and ignored.

    Args:
        surfaces: ``(label, IRI)`` pairs, as the matcher is built from.

    >>> labels = RomanisedLabels([("曜辰生技", "x:yc"), ("Novartis", "x:nvs"), ("長峰醫院", "x:cf")])
    >>> [(m.iri, m.surface) for m in labels.find("Did Yaochen Biotech partner with Zhangfeng Hospital?")]
    [('x:yc', 'Yaochen'), ('x:cf', 'Zhangfeng')]
    >>> labels.find("Did yaochen partner?")   # not capitalised: not read as a name
    []
    """

    def __init__(self, surfaces: Iterable[tuple[str, str]]) -> None:
        from ..index.roman import prefix_keys

        table: dict[str, set[str]] = {}
        for label, iri in surfaces:
            for key in prefix_keys(label):
                table.setdefault(key, set()).add(iri)
        self._table = {key: next(iter(iris)) for key, iris in table.items() if len(iris) == 1}

    def find(self, query: str, taken: Sequence[Any] = ()) -> list[Any]:
        """Matches (``start``, ``end``, ``iri``, ``surface``) of the query's romanised names; ``taken``:
        the matcher's matches, whose spans are not read again."""
        from ..graph.match import Match
        from ..index.roman import MIN_WORD, parses

        if not self._table:
            return []
        out = []
        for word in _CAPITALISED.finditer(query):
            if len(word.group()) < MIN_WORD or any(m.start < word.end() and word.start() < m.end for m in taken):
                continue
            key = word.group().lower()
            iri = self._table.get(key)
            if iri is not None and parses(key):
                out.append(Match(word.start(), word.end(), iri, word.group()))
        return out
