"""The query's names in the other language, so the lexical side of search can match its sentences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["LabelBridge"]


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
