"""Romanised keys of Chinese names (index/roman.py): Latin words find Chinese sentences and back (#19)."""

from __future__ import annotations

import doctest
import math

import pytest

from regenkg.index import roman
from regenkg.index.bm25 import LexicalIndex
from regenkg.index.roman import Spelling, Spellings, keys, latin_words, parses, romanised_matches


def test_doctests() -> None:
    assert doctest.testmod(roman).failed == 0


def test_keys_are_two_and_three_character_runs_in_every_reading() -> None:
    got = keys("禾晟生技，長峰")
    assert {"hesheng", "hechengsheng", "shengji", "changfeng", "zhangfeng"} <= got
    assert "he" not in got and "hecheng" not in keys("禾 晟")  # one character alone is not a key
    assert keys("CAR-T therapy 2024") == set()
    # Traditional and Simplified characters read alike.
    assert keys("鈺峰") == keys("钰峰")


def test_latin_words_keep_plain_words_of_four_letters_or_more() -> None:
    assert latin_words(["did", "yaochen", "car-t", "2024", "biotech", "yaochen", "曜辰"]) == ["yaochen", "biotech"]


def test_romanised_matches_find_the_chinese_sentence_by_its_romanised_name() -> None:
    # Token lists as the segmenter leaves them: an unknown name split into characters (曜 | 辰).
    lexical = LexicalIndex.build([3, 1, 2], [["yaochen", "biotech", "partnered"],
                                             ["曜", "辰", "生技", "与", "北辰", "大学", "合作"],
                                             ["晨光", "制药", "结束", "合作"]])
    cache = Spellings(lexical.tokens_of, size=4)
    found = cache.of([1, 2, 3, 99])
    assert found[1].spells("yaochen") and found[1].spells("beichen") and found[2].spells("chenguang")
    assert not found[3].spells("yaochen") and not found[99].spells("yaochen")  # no Chinese characters / unknown
    hits = romanised_matches(["yaochen", "biotech", "partner"], found)
    assert [i for i, _ in hits] == [1]
    # Both names count by rarity: each is spelled by one sentence of the four given.
    both = dict(romanised_matches(["yaochen", "beichen"], found))
    assert both == {1: pytest.approx(2 * math.log1p(4))}
    assert romanised_matches([], found) == [] and romanised_matches(["nothing"], found) == []
    assert cache.of([1])[1] is found[1]  # kept, not made again


def test_spelling_joins_adjacent_chinese_tokens_only_and_reads_every_reading() -> None:
    assert Spelling(["曜", "辰"]).spells("yaochen")
    assert not Spelling(["曜", "6988", "辰"]).spells("yaochen")
    assert Spelling(["長峰"]).spells("changfeng") and Spelling(["長峰"]).spells("zhangfeng")
    assert Spelling(["禾晟生", "技在"]).spells("hesheng") and Spelling(["禾晟生", "技在"]).spells("shengji")
    assert not Spelling(["禾晟"]).spells("he")  # one syllable is no name


def test_parses_split_words_into_two_or_three_syllables() -> None:
    assert ("he", "sheng") in parses("hesheng") and ("tai", "wan") in parses("taiwan")
    assert parses("partner") == () and parses("hospital") == () and parses("he") == ()
