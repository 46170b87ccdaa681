"""Romanised (toneless pinyin) keys of Chinese text, so that Latin words find Chinese names and back.

Companies from Chinese-speaking markets are often written in English by the pinyin of their Chinese
name: 曜辰生技 is "Yaochen Biotech", 禾晟 "Hesheng". No gazetteer knows the names a new article brings,
and the embedding model does not link a romanised name to its characters, so an English question about
曜辰生技 finds its Chinese sentences by neither the dense nor the lexical vote. A *key* is the
concatenated toneless pinyin of two or three adjacent Chinese characters (``yaochen``); every reading of
a character with several counts (長 gives ``chang`` and ``zhang``).

* :func:`keys` — the keys of a text (a Chinese question's keys are looked up among English words);
* :func:`sentence_keys` / :func:`RomanKeys` — the keys of sentences from their stored tokens, kept per sentence;
* :func:`romanised_matches` — the sentences whose keys contain a query's Latin words, scored by rarity.

Readings come from pypinyin's character table (per character, no phrase model: names are the unknown
words a phrase model would read wrong anyway). Only the table is read, not the package: importing
pypinyin loads its phrase dictionary, several times slower.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .derived import PerSentence

__all__ = ["MIN_WORD", "SIZES", "RomanKeys", "keys", "latin_words", "romanised_matches", "sentence_keys"]

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]+")
#: Characters per key: one syllable matches too much, four are rare as one romanised word.
SIZES = (2, 3)
#: Readings combined per window at most (a window of three polyphones would give dozens).
_MAX_COMBOS = 16
#: Shortest Latin word to look up: a two-syllable name has at least four letters.
MIN_WORD = 4


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """pypinyin's code point → readings table (``"12295": "líng,yuán,xīng"``)."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pypinyin is not installed (pip install pypinyin)")
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    table: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return table


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    found = _table().get(str(ord(char)), "")
    out = set()
    for reading in found.split(","):
        # NFD splits the tone marks (and ü's diaeresis) off the letters: "lǚ" → "lu", "zhǎng" → "zhang".
        plain = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
        if plain.isascii() and plain.isalpha():
            out.add(plain.lower())
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


def sentence_keys(tokens: Sequence[str]) -> frozenset[str]:
    """The keys of one sentence from its stored tokens.

    Adjacent Chinese tokens are joined (the segmenter splits an unknown name, 曜 | 辰, as often as it
    keeps it whole); any other token breaks the run.

    >>> "yaochen" in sentence_keys(["曜", "辰", "生技", "6988", "今日"])
    True
    """
    return frozenset(keys("".join(t if _HAN_RUN.fullmatch(t) else " " for t in tokens)))


def RomanKeys(tokens: Callable[[Sequence[int]], Mapping[int, Sequence[str]]],  # noqa: N802 (a factory)
              size: int = 50_000) -> PerSentence[frozenset[str]]:
    """The keys of sentences (:func:`sentence_keys`), computed when first asked for and kept."""
    return PerSentence(tokens, sentence_keys, size)


def romanised_matches(words: Sequence[str], sentence_keys: Mapping[int, frozenset[str]]) -> list[tuple[int, float]]:
    """The sentences whose keys contain some of ``words``, each word counting ``log(1 + n / df)``.

    ``n`` is the number of sentences given and ``df`` how many of them contain the word, so the rare
    name of a question weighs more than a word that happens to spell a common pair of syllables.

    >>> [(i, round(s, 3)) for i, s in romanised_matches(["yaochen", "biotech"],
    ...                                                 {1: frozenset({"yaochen"}), 2: frozenset({"shengji"})})]
    [(1, 1.099)]
    """
    wanted = list(dict.fromkeys(words))
    if not wanted or not sentence_keys:
        return []
    df = {w: sum(w in k for k in sentence_keys.values()) for w in wanted}
    weight = {w: math.log1p(len(sentence_keys) / df[w]) for w in wanted if df[w]}
    if not weight:
        return []
    scored = ((i, sum(weight[w] for w in weight if w in k)) for i, k in sentence_keys.items())
    return sorted(((i, s) for i, s in scored if s > 0), key=lambda x: (-x[1], x[0]))

