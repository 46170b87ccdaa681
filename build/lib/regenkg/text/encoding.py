"""Turn the bytes of a source file into text, or refuse with a reason.

Order of decisions: binary signatures and NUL bytes are refused; a BOM (UTF-8, UTF-16, UTF-32) decides
the codec; strict UTF-8 is accepted as is; otherwise every legacy candidate (GB18030, Big5, cp950,
Big5-HKSCS, cp1252 and charset-normalizer's guess) that decodes strictly is *scored for plausibility*
and the best one wins. GBK and Big5 share most of their byte ranges, so "decodes without error" proves
nothing: the score rewards frequent hanzi (GB2312 level 1 after folding to Simplified) and adjacent
hanzi pairs that start a word of jieba's dictionary, and punishes private-use, unassigned, replacement
and control characters. Every GB* guess is decoded as ``gb18030`` (a superset that also holds 䶮 U+4DAE).
"""

from __future__ import annotations

import codecs
import itertools
import logging
import os
import unicodedata
from functools import lru_cache

import charset_normalizer

from ..errors import IngestError
from .lang import HAN_PATTERN, to_hans

__all__ = ["decode_bytes", "plausibility"]

logger = logging.getLogger(__name__)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (legacy Office) document"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

# Candidates in order of preference when two score the same (identical text from big5 and cp950).
_LEGACY = ("gb18030", "big5", "cp950", "big5hkscs", "cp1252")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "euc_cn", "cp936"}
_BIG5_FAMILY = {"big5", "cp950", "big5hkscs"}

# Below this score no candidate reads like text.
_MIN_SCORE = 0.25
# Real Chinese text scores about 1.5 (frequent hanzi + word pairs); below this ask charset-normalizer too.
_CONFIDENT = 1.25
# Controls other than tab/newline/CR/FF/VT and ESC mean a binary file once they pass this share.
_MAX_CONTROL_SHARE = 0.01
_SAMPLE = 20_000
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


def _describe(exc: UnicodeDecodeError) -> str:
    return f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"


def _sample(text: str) -> str:
    if len(text) <= 3 * _SAMPLE:
        return text
    mid = len(text) // 2
    return text[:_SAMPLE] + "\n" + text[mid : mid + _SAMPLE] + "\n" + text[-_SAMPLE:]


@lru_cache(maxsize=1)
def _word_starts() -> frozenset[str]:
    """First two characters of every multi-character word in jieba's (Simplified) dictionary."""
    import jieba  # deferred: only legacy-encoded files need it

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    starts: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word = line.split(" ", 1)[0]
            if len(word) >= 2:
                starts.add(word[:2])
    return frozenset(starts)


def _is_frequent_hanzi(char: str) -> bool:
    """GB2312 level 1 (lead bytes 0xB0–0xD7) is the standard list of the 3,755 most used hanzi."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _is_bad(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Co", "Cn", "Cs") or char == "\ufffd":
        return True
    return category == "Cc" and char not in _ALLOWED_CONTROLS


def _char_weight(char: str) -> float:
    if _is_bad(char):
        return -10.0
    if HAN_PATTERN.match(char):
        return 1.0 if _is_frequent_hanzi(char) else 0.25
    code = ord(char)
    if 0x3000 <= code <= 0x3003 or 0x3008 <= code <= 0x301F or 0xFF01 <= code <= 0xFF5E:
        return 1.0  # CJK punctuation, brackets and full-width ASCII: Chinese text is full of them
    if 0x2000 <= code <= 0x206F:
        return 0.6  # general punctuation (“ ” — …) of Western text
    if 0xFF61 <= code <= 0xFF9F:
        return 0.1  # half-width katakana: the classic look of mis-decoded Big5/GBK
    if unicodedata.category(char).startswith("L"):
        return 0.6
    return 0.3


def plausibility(text: str) -> float:
    """How much ``text`` looks like real writing rather than mojibake (higher is better).

    The mean weight of its non-ASCII characters (≤ 1) plus, for Chinese, the share of adjacent hanzi
    pairs that begin a dictionary word (≤ 1). Bad characters weigh -10. Only a sample of long texts
    is read.

    >>> plausibility("再生醫療產業") > plausibility("啻氏鞎頠痐瑯")
    True
    """
    # Folded to Simplified so that the frequency list and jieba's dictionary apply to both scripts.
    sample = to_hans(_sample(text))
    non_ascii = [c for c in sample if ord(c) > 0x7F or (c < " " and c not in _ALLOWED_CONTROLS)]
    if not non_ascii:
        return 1.0
    score = sum(_char_weight(c) for c in non_ascii) / len(non_ascii)
    if HAN_PATTERN.search(sample):
        starts = _word_starts()
        pairs = hits = 0
        for a, b in itertools.pairwise(sample):
            if HAN_PATTERN.match(a) and HAN_PATTERN.match(b):
                pairs += 1
                hits += a + b in starts
        if pairs:
            # Damped for a handful of pairs, where a hit rate says little. Real Chinese hits about
            # half the time; frequent hanzi that almost never form words are mojibake.
            rate = hits / pairs
            score += (rate - (0.5 if rate < 0.1 else 0.0)) * min(1.0, pairs / 4)
    return score


def _check_controls(text: str, path: str) -> None:
    if "\x00" in text:
        raise IngestError(f"{path}: binary file (NUL characters in decoded text)")
    sample = _sample(text)
    controls = sum(1 for c in sample if c < " " and c not in _ALLOWED_CONTROLS)
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise IngestError(f"{path}: binary file ({controls} control characters in {len(sample)})")


def _normalise_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None
    if codec in _GB_FAMILY:
        return "gb18030"
    return codec


def _guess(data: bytes) -> str | None:
    try:
        best = charset_normalizer.from_bytes(data[:65536]).best()
    except Exception:  # a failed hint is no reason to fail the file
        logger.debug("charset-normalizer failed", exc_info=True)
        return None
    return _normalise_codec(best.encoding) if best is not None else None


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode a source file's bytes.

    Args:
        data: The raw file content.
        path: The file's name, used in error messages only.

    Returns:
        ``(text, encoding)``: the text without its BOM (newlines untouched) and the codec that decoded
        it (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``, ``utf-32-le``, ``utf-32-be``,
        ``gb18030``, ``big5``, ``cp950``, ``big5hkscs``, ``cp1252`` or charset-normalizer's guess).

    Raises:
        IngestError: The file is binary, or no encoding yields plausible text.

    >>> decode_bytes("台灣細胞治療".encode("big5"), "a.txt")
    ('台灣細胞治療', 'big5')
    >>> decode_bytes("台湾细胞治疗".encode("gbk"), "a.txt")
    ('台湾细胞治疗', 'gb18030')
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{path}: binary file ({kind})")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(f"{path}: invalid {codec} after its BOM ({_describe(exc)})") from None
            _check_controls(text, path)
            return text, name
    if b"\x00" in data:
        raise IngestError(f"{path}: binary file (NUL bytes and no UTF-16 BOM)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = _describe(exc)
    else:
        _check_controls(text, path)
        return text, "utf-8"

    scored: list[tuple[float, int, str, str]] = []
    tried: set[str] = set()

    def consider(codec: str) -> None:
        if codec in tried:
            return
        tried.add(codec)
        try:
            candidate = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            return
        scored.append((plausibility(candidate), -len(tried), codec, candidate))

    for codec in _LEGACY:
        consider(codec)
    best = max(scored, default=None)
    if best is None or best[0] < _CONFIDENT:
        # No confident Chinese or Western reading: let charset-normalizer propose another codec.
        guess = _guess(data)
        if guess and guess not in _BIG5_FAMILY:
            consider(guess)
        best = max(scored, default=None)
    if best is None:
        raise IngestError(f"{path}: undecodable: not UTF-8 ({utf8_error}), UTF-16 with BOM, GB18030 or Big5")
    score, _, codec, text = best
    if score < _MIN_SCORE:
        raise IngestError(
            f"{path}: undecodable: best guess {codec} gives implausible text (score {score:.2f})"
        )
    logger.debug("%s: decoded as %s (score %.2f; %d candidates)", path, codec, score, len(scored))
    _check_controls(text, path)
    return text, codec
