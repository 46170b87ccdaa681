"""Romanised keys of Chinese names (index/roman.py): Latin words find Chinese sentences and back (#19)."""

from __future__ import annotations

import doctest

import regenkg.index.roman as roman
from regenkg.index.roman import RomanIndex, keys, latin_words


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


def test_roman_index_finds_the_chinese_sentence_by_its_romanised_name() -> None:
    # Token lists as the segmenter leaves them: an unknown name split into characters (曜 | 辰).
    index = RomanIndex.build([1, 2, 3], [["曜", "辰", "生技", "与", "北辰", "大学", "合作"],
                                         ["晨光", "制药", "结束", "合作"],
                                         ["yaochen", "biotech", "partnered"]])
    assert index.count == 3
    hits = index.search([["did", "yaochen", "biotech", "partner"], ["nothing", "here"]], k=5)
    assert [i for i, _ in hits[0]] == [1]  # the English sentence has no Chinese characters, so no keys
    assert hits[1] == []
    both = index.search([["yaochen", "beichen"]], k=5)[0]
    assert [i for i, _ in both] == [1]
