"""Romanised keys of Chinese names (index/roman.py): Latin words find Chinese sentences and back (#19)."""

from __future__ import annotations

import doctest
import math

import pytest

import regenkg.index.roman as roman
from regenkg.index.bm25 import LexicalIndex
from regenkg.index.roman import RomanKeys, keys, latin_words, romanised_matches, sentence_keys


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
    cache = RomanKeys(lexical.tokens_of, size=2)
    found = cache.of([1, 2, 3, 99])
    assert "yaochen" in found[1] and "beichen" in found[1] and "chenguang" in found[2]
    assert found[3] == frozenset() and found[99] == frozenset()  # no Chinese characters, unknown id
    hits = romanised_matches(["yaochen", "biotech", "partner"], found)
    assert [i for i, _ in hits] == [1]
    # Both names count, the rarer more: "beichen" is in one sentence of four, like "yaochen".
    both = dict(romanised_matches(["yaochen", "beichen"], found))
    assert both[1] == pytest.approx(2 * math.log1p(4))
    assert romanised_matches([], found) == [] and romanised_matches(["nothing"], found) == []
    assert cache.of([1]) == {1: found[1]}  # kept (the cache holds two, the last asked for)


def test_sentence_keys_join_adjacent_chinese_tokens_only() -> None:
    assert "yaochen" in sentence_keys(["曜", "辰"])
    assert "yaochen" not in sentence_keys(["曜", "6988", "辰"])
