"""Script detection, folding and script conversion."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regenkg.text.lang import chinese_script, fold, normalize_lang, script_of, to_hans, to_hant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The era of regenerative medicine is approaching.", "en"),
        ("Taiwan Bio (台寶生醫) is a CDMO company in Taipei.", "en"),
        ("全球再生醫療前景看俏,國際加速細胞療法佈局", "zh-Hant"),
        ("全球再生医疗前景看俏,国际加速细胞疗法布局", "zh-Hans"),
        (
            "GSK、Astellas、Roche(Adaptimmune),或Takeda(Zelluna),若AstraZeneca (Neogene)佈局TCR-T細胞療法;",
            "zh-Hant",
        ),
        ("如Gilead(Kite) 、Novartis(Legendbiotech)、BMS(Juno)和Janssen成功開發CAR-T細胞療法;", "zh-Hant"),
        ("目前台灣再生醫療產業", "zh-Hant"),  # 台 is common to both scripts, 灣/醫/療/產/業 are not
        ("（細胞治療）", "zh-Hant"),
    ],
)
def test_script_of(text, expected):
    assert script_of(text) == expected


def test_tie_rule_uses_the_hint_then_prefers_traditional():
    common = "如何在安全性和成本取得平衡"
    assert chinese_script(common) == "zh-Hant"
    assert script_of(common) == "zh-Hant"
    assert script_of(common, default="zh-Hans") == "zh-Hans"
    assert script_of(common, default="en") == "zh-Hant"
    # Characters OpenCC s2t would rewrite but that are valid Traditional (台 里 后 干) are no evidence.
    assert script_of("台里后干") == "zh-Hant"
    assert script_of("2024 — 3.06", default="zh-Hans") == "zh-Hans"
    assert script_of("2024") == "en"


def test_fold_unifies_width_script_and_case():
    assert fold("ＣＡＲ－Ｔ細胞療法") == fold("car-t细胞疗法") == "car-t细胞疗法"
    assert fold("台寶生醫") == fold("臺寶生醫") == fold("台宝生医") == "台宝生医"
    assert fold("Ｎｏｖａｒｔｉｓ") == "novartis"
    assert fold("a\ud800b") == "a\ufffdb"  # lone surrogates cannot reach OpenCC


def test_conversions_keep_taiwan_forms():
    assert to_hant("台宝生医 间质干细胞 外泌体") == "台寶生醫 間質幹細胞 外泌體"
    assert to_hant("台湾 里面") == "台灣 裡面"  # s2tw forms, 台 kept
    assert to_hant("臺灣") == "臺灣"
    assert to_hant("台风") == "颱風"  # a phrase, not the 台 of 台灣
    assert to_hans("台寶生醫 間質幹細胞 臺灣") == "台宝生医 间质干细胞 台湾"


def test_normalize_lang():
    assert [normalize_lang(t) for t in ("zh-TW", "zh_Hant", "zh-CN", "zh-Hans", "EN", "fr", None, 3)] == [
        "zh-Hant",
        "zh-Hant",
        "zh-Hans",
        "zh-Hans",
        "en",
        None,
        None,
        None,
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from([None, "en", "zh-Hant", "zh-Hans"]))
def test_functions_never_raise(text, default):
    assert script_of(text, default) in ("en", "zh-Hant", "zh-Hans")
    assert isinstance(fold(text), str)
    assert isinstance(to_hant(text), str) and isinstance(to_hans(text), str)
