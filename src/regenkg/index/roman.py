"""Romanised (toneless pinyin) keys of Chinese text, so that Latin words find Chinese names and back.

Companies from Chinese-speaking markets are often written in English by the pinyin of their Chinese
name: 曜辰生技 is "Yaochen Biotech", 禾晟 "Hesheng". No gazetteer knows the names a new article brings,
and the embedding model does not link a romanised name to its characters, so an English question about
曜辰生技 finds its Chinese sentences by neither the dense nor the lexical vote. A *key* is the
concatenated toneless pinyin of two or three adjacent Chinese characters (``yaochen``); every reading of
a character with several counts (長 gives ``chang`` and ``zhang``).

* :func:`keys` — the keys of a text (a Chinese question's keys are looked up among English words);
* :class:`Spelling` — a sentence's character readings indexed by syllable (from its stored tokens), and
  :func:`Spellings`, those of search's candidates kept per sentence;
* :func:`romanised_matches` — the sentences that spell a query's Latin words (:func:`parses` splits a
  word into two or three syllables), scored by rarity.

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

__all__ = ["MIN_WORD", "SIZES", "Spelling", "Spellings", "keys", "latin_words", "parses", "prefix_keys",
           "romanised_matches"]

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


def _plain(reading: str) -> str:
    # NFD splits the tone marks (and ü's diaeresis) off the letters: "lǚ" → "lu", "zhǎng" → "zhang".
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    found = _table().get(str(ord(char)), "")
    return tuple(sorted({p for p in map(_plain, found.split(",")) if p.isascii() and p.isalpha()}))


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


def prefix_keys(text: str) -> set[str]:
    """The keys of the first two and of the first three characters of ``text``, when it starts with them
    (the distinctive part of a Chinese company name: 曜辰 of 曜辰生技).

    >>> sorted(prefix_keys("曜辰生技"))
    ['yaochen', 'yaochensheng']
    >>> prefix_keys("Legend 傳奇")
    set()
    """
    run = _HAN_RUN.match(text.strip())
    if run is None:
        return set()
    out: set[str] = set()
    for size in SIZES:
        window = [_readings(c) for c in run.group()[:size]]
        if len(window) == size and all(window):
            out.update("".join(c) for c in itertools.islice(itertools.product(*window), _MAX_COMBOS))
    return out


def latin_words(tokens: Iterable[str]) -> list[str]:
    """The tokens that are plain Latin words of :data:`MIN_WORD` letters or more, each once."""
    return list(dict.fromkeys(t for t in tokens if len(t) >= MIN_WORD and _LATIN_WORD.fullmatch(t)))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless reading of the table that has a vowel (not the interjections m, n, ng, hm)."""
    raw = {r for value in _table().values() for r in value.split(",")}  # ~1,500 distinct toned readings
    plain = {p for p in map(_plain, raw) if p.isascii() and p.isalpha()}
    return frozenset(p for p in plain if any(v in p for v in "aeiouv"))


@lru_cache(maxsize=4096)
def parses(word: str) -> tuple[tuple[str, ...], ...]:
    """The ways ``word`` splits into two or three pinyin syllables (``"yaochen"`` → yao | chen).

    >>> ("yao", "chen") in parses("yaochen") and ("xi", "an") in parses("xian") and parses("biotech") == ()
    True
    """
    syllables = _syllables()
    out: list[tuple[str, ...]] = []

    def split(rest: str, got: tuple[str, ...]) -> None:
        if not rest:
            if len(got) in SIZES:
                out.append(got)
            return
        if len(got) >= max(SIZES):
            return
        for end in range(1, min(len(rest), 6) + 1):
            if rest[:end] in syllables:
                split(rest[end:], (*got, rest[:end]))

    split(word, ())
    return tuple(out)


class Spelling:
    """The readings of a sentence's Chinese characters, indexed by syllable, to test romanised words.

    Built from stored tokens: adjacent Chinese tokens are joined (the segmenter splits an unknown name,
    曜 | 辰, as often as it keeps it whole); any other token breaks the run.

    >>> Spelling(["曜", "辰", "生技", "6988", "今日"]).spells("yaochen")
    True
    >>> Spelling(["曜", "6988", "辰"]).spells("yaochen")
    False
    """

    __slots__ = ("_readings", "_starts")

    def __init__(self, tokens: Sequence[str]) -> None:
        readings: list[tuple[str, ...]] = []
        for token in tokens:
            if _HAN_RUN.fullmatch(token):
                readings.extend(map(_readings, token))
            elif readings and readings[-1]:
                readings.append(())  # a run ends
        starts: dict[str, list[int]] = {}
        for at, here in enumerate(readings):
            for r in here:
                starts.setdefault(r, []).append(at)
        self._readings = readings
        self._starts = starts

    def spells(self, word: str) -> bool:
        """Whether adjacent characters read as ``word`` (two or three syllables, any of their readings)."""
        for syllables in parses(word):
            for at in self._starts.get(syllables[0], ()):
                if at + len(syllables) <= len(self._readings) and all(
                        s in self._readings[at + n] for n, s in enumerate(syllables[1:], 1)):
                    return True
        return False


def Spellings(tokens: Callable[[Sequence[int]], Mapping[int, Sequence[str]]],
              size: int = 50_000) -> PerSentence[Spelling]:
    """The :class:`Spelling` of sentences, made when first asked for and kept."""
    return PerSentence(tokens, Spelling, size)


def romanised_matches(words: Sequence[str], spellings: Mapping[int, Spelling]) -> list[tuple[int, float]]:
    """The sentences that spell some of ``words``, each word counting ``log(1 + n / df)``.

    ``n`` is the number of sentences given and ``df`` how many of them spell the word, so the rare
    name of a question weighs more than a word that happens to spell a common pair of syllables.

    >>> [(i, round(s, 3)) for i, s in romanised_matches(["yaochen", "biotech"],
    ...                                                 {1: Spelling(["曜辰"]), 2: Spelling(["生技"])})]
    [(1, 1.099)]
    """
    wanted = [w for w in dict.fromkeys(words) if parses(w)]
    if not wanted or not spellings:
        return []
    scores: dict[int, float] = {}
    for w in wanted:
        ids = [i for i, sp in spellings.items() if sp.spells(w)]
        if ids:
            weight = math.log1p(len(spellings) / len(ids))
            for i in ids:
                scores[i] = scores.get(i, 0.0) + weight
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))
