"""Script detection and folding for English, Traditional and Simplified Chinese.

``script_of`` labels a sentence ``en``, ``zh-Hant`` or ``zh-Hans``; ``fold`` maps any variant of a text
(full/half width, 繁/简, upper/lower case) to one matching key; ``to_hant``/``to_hans`` convert labels.

Script rule: a character is *Traditional-only* when OpenCC ``t2s`` changes it and it is not in GB2312,
and *Simplified-only* when OpenCC ``s2t`` changes it and it is not in Big5 (cp950). The character set test
matters: ``s2t`` also rewrites characters that are perfectly good Traditional (台→臺, 里→裏, 后→後), so
OpenCC alone would call Taiwanese text "Simplified". Whichever kind is more frequent wins; a tie
(including text made only of characters common to both scripts, e.g. 如何在安全性) goes to the ``default``
hint when that is a Chinese tag, else to ``zh-Hant`` (the corpus is Taiwanese).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from typing import Literal

import opencc

from ..records import Lang

__all__ = [
    "HAN_PATTERN",
    "chinese_script",
    "fold",
    "is_han",
    "normalize_lang",
    "script_of",
    "to_hans",
    "to_hant",
]

logger = logging.getLogger(__name__)

# CJK Unified Ideographs: Extension A, the main block, compatibility ideographs, Extensions B–H.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_PATTERN = re.compile(f"[{HAN_RANGES}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]+")
_CJK_PUNCT = re.compile("[\u3001-\u3003\u3008-\u3011\uff01\uff0c\uff1a\uff1b\uff1f]")
# Innermost bracketed glosses: "Taiwan Bio (台寶生醫)" is English, "Roche(Adaptimmune)" no sign of English.
_BRACKETED = re.compile("[(（\\[【][^()（）\\[\\]【】]{0,300}[)）\\]】]")

_LANG_ALIASES: dict[str, Lang] = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zht": "zh-Hant",
    "zh_tw": "zh-Hant",
    "zh_hant": "zh-Hant",
    "traditional": "zh-Hant",
    "zh-hant-tw": "zh-Hant",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zhs": "zh-Hans",
    "zh_cn": "zh-Hans",
    "zh_hans": "zh-Hans",
    "simplified": "zh-Hans",
    "zh-hans-cn": "zh-Hans",
}


@cache
def _converter(config: str) -> opencc.OpenCC:
    # OpenCC loads its dictionaries on construction (tens of ms): build each converter once.
    return opencc.OpenCC(config)


def _safe(text: str) -> str:
    """``text`` with lone surrogates replaced, since OpenCC's C++ side accepts valid UTF-8 only."""
    return _SURROGATE.sub("\ufffd", text)


def _in_charset(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=65536)
def _han_kind(char: str) -> int:
    """+1 Traditional-only, -1 Simplified-only, 0 common to both scripts (or unknown)."""
    if _converter("t2s").convert(char) != char and not _in_charset(char, "gb2312"):
        return 1
    if _converter("s2t").convert(char) != char and not _in_charset(char, "cp950"):
        return -1
    return 0


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph (any extension block)."""
    return HAN_PATTERN.match(char) is not None


def normalize_lang(tag: object) -> Lang | None:
    """Map a language tag from front matter or metadata to a :data:`Lang`, or ``None`` if unknown.

    >>> normalize_lang("zh-TW"), normalize_lang("EN"), normalize_lang("fr")
    ('zh-Hant', 'en', None)
    """
    if not isinstance(tag, str):
        return None
    return _LANG_ALIASES.get(tag.strip().lower().replace(" ", ""))


def chinese_script(text: str, default: Lang | None = None) -> Literal["zh-Hant", "zh-Hans"]:
    """Which Chinese script ``text`` is written in (see the module docstring for the tie rule).

    >>> chinese_script("再生醫療"), chinese_script("再生医疗"), chinese_script("如何")
    ('zh-Hant', 'zh-Hans', 'zh-Hant')
    """
    # Counting first keeps a 1 MB document to one C-speed pass and a lookup per distinct character.
    balance = sum(_han_kind(c) * n for c, n in Counter(text).items() if HAN_PATTERN.match(c))
    if balance > 0:
        return "zh-Hant"
    if balance < 0:
        return "zh-Hans"
    return default if default in ("zh-Hant", "zh-Hans") else "zh-Hant"  # type: ignore[return-value]


def script_of(text: str, default: Lang | None = None) -> Lang:
    """The language of one sentence: ``en``, ``zh-Hant`` or ``zh-Hans``.

    Outside bracketed glosses, each Han character or CJK punctuation mark is weighed against each
    Latin word: English when the words are more, Chinese otherwise (so "GSK、Roche(Adaptimmune)或
    Takeda(Zelluna)佈局TCR-T細胞療法" is Chinese and "Taiwan Bio (台寶生醫) is a CDMO." English). Text
    without Han is English, except text without letters either (numbers, symbols), which gets
    ``default`` (or ``en``).

    Args:
        text: A sentence (any length works, cost is linear).
        default: The document's language, used for ties between the Chinese scripts and for text
            without letters.

    >>> script_of("BMS (Century) develops iPS cells."), script_of("如Gilead(Kite)開發CAR-T細胞療法")
    ('en', 'zh-Hant')
    """
    if not HAN_PATTERN.search(text):
        if _LATIN_WORD.search(text) or default not in ("en", "zh-Hant", "zh-Hans"):
            return "en"
        return default  # type: ignore[return-value]
    outside = _BRACKETED.sub(" ", text)
    words = sum(1 for _ in _LATIN_WORD.finditer(outside))
    if words:
        counts = Counter(outside)
        chinese = sum(n for c, n in counts.items() if HAN_PATTERN.match(c) or _CJK_PUNCT.match(c))
        if chinese < words:
            return "en"
    return chinese_script(text, default)


@lru_cache(maxsize=16384)  # labels and question words come again and again (a bridge folds each name)
def fold(text: str) -> str:
    """The matching key of ``text``: NFKC (full → half width), Traditional → Simplified, lower case.

    The result can be longer or shorter than ``text``: use it for matching, never for offsets.

    >>> fold("ＣＡＲ－Ｔ 細胞療法") == fold("car-t 细胞疗法")
    True
    """
    return _converter("t2s").convert(_safe(unicodedata.normalize("NFKC", text))).lower()


def to_hans(text: str) -> str:
    """Simplified Chinese of ``text`` (OpenCC ``t2s``).

    >>> to_hans("台寶生醫")
    '台宝生医'
    """
    return _converter("t2s").convert(_safe(text))


def to_hant(text: str) -> str:
    """Traditional Chinese of ``text`` with Taiwan character forms (OpenCC ``s2tw``), keeping 台.

    OpenCC's ``s2tw`` writes the formal 臺 for 台 (台湾 → 臺灣); Taiwanese labels and this corpus use
    台 (台灣, 台廠, 台寶生醫), so a 台 of the input stays 台. ``s2twp`` is not used because it also
    swaps vocabulary (软件 → 軟體), which is wrong for names.

    >>> to_hant("台宝生医 间质干细胞")
    '台寶生醫 間質幹細胞'
    """
    text = _safe(text)
    out = _converter("s2tw").convert(text)
    if "台" not in text or "臺" not in out:
        return out
    if len(out) == len(text):
        return "".join("台" if o == "臺" and i == "台" else o for i, o in zip(text, out))
    # A phrase changed length (rare): convert piecewise around each 台 instead.
    return "台".join(_converter("s2tw").convert(part) for part in text.split("台"))
