"""jieba tokenizer with a private cache and a user dictionary of domain words."""

from __future__ import annotations

import codecs
import re
import stat
import time
from pathlib import Path

import jieba
import pytest

from regenkg.text.ingest import ingest
from regenkg.text.lang import fold
from regenkg.text.segment import split_sentences
from regenkg.text.tokens import Tokenizer

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_5f1ba68eed5f7bda.txt"
DOMAIN = [
    "台寶生醫",
    "間質幹細胞",
    "外泌體",
    "γδ-T",
    "CAR-T",
    "TCR-T",
    "iPSC",
    "樂迦再生",
    "Contract Development and Manufacturing Organization",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache") / "jieba"


@pytest.fixture(scope="module")
def tokenizer(cache) -> Tokenizer:
    return Tokenizer(DOMAIN, cache_dir=cache)


@pytest.mark.parametrize(
    "text",
    [
        "台寶生醫投入間質幹細胞與外泌體研發，並開發γδ-T、CAR-T與TCR-T細胞療法及iPSC平台",
        "台宝生医投入间质干细胞与外泌体研发，并开发γδ-T、CAR-T与TCR-T细胞疗法及iPSC平台",
        "臺寶生醫投入間質幹細胞與外泌體研發，並開發ＣＡＲ－Ｔ與tcr-t細胞療法及IPSC平台，γδ-t",
    ],
)
def test_domain_words_stay_whole_in_both_scripts(tokenizer, text):
    tokens = tokenizer.tokenize(text)
    for word in ("台寶生醫", "間質幹細胞", "外泌體", "CAR-T", "TCR-T", "iPSC", "γδ-T"):
        assert fold(word) in tokens, (word, tokens)
    assert "，" not in tokens and "、" not in tokens


def test_plain_jieba_splits_them(cache, tokenizer):
    # The same text without user words: proves the dictionary is what keeps them whole.
    plain = Tokenizer(cache_dir=cache).tokenize("台寶生醫投入間質幹細胞與外泌體研發")
    assert fold("台寶生醫") not in plain
    assert fold("間質幹細胞") not in plain
    assert "台宝生医" not in jieba.dt.FREQ  # the global tokenizer is untouched


def test_english_and_punctuation(tokenizer):
    tokens = tokenizer.tokenize(
        "Cell-based drugs (CGT) grew 25.1% in the U.S.; see Contract  Development and\n"
        "Manufacturing Organization, CDMO!"
    )
    assert tokens == [
        "cell-based",
        "drugs",
        "cgt",
        "grew",
        "25.1",
        "in",
        "the",
        "u.s",
        "see",
        "contract development and manufacturing organization",
        # a multi-word phrase also counts as its words, so BM25 matches either
        "contract",
        "development",
        "and",
        "manufacturing",
        "organization",
        "cdmo",
    ]
    assert tokenizer.tokenize("iPSCs") == ["ipscs"]  # a user word matches only between word boundaries


def test_batch_equals_single(tokenizer):
    texts = ["再生醫療法奠定台灣法源基石", "", "CAR-T細胞療法; GSK", "  \n "]
    assert tokenizer.tokenize_many(texts) == [tokenizer.tokenize(t) for t in texts]
    assert tokenizer.tokenize_many(texts)[1] == [] == tokenizer.tokenize_many(texts)[3]


def test_private_cache_and_user_dictionary(tokenizer, cache):
    assert tokenizer.cache_dir == cache
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert (cache / "jieba.cache").is_file()
    assert tokenizer.words == frozenset(DOMAIN)
    data = tokenizer.user_dict_path.read_bytes()
    assert tokenizer.user_dict_path.parent == cache
    assert not data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8").splitlines()
    assert all(re.fullmatch(r"\S+ [1-9][0-9]*", line) for line in lines), lines
    words = {line.split()[0] for line in lines}
    assert {"台寶生醫", "台宝生医", "間質幹細胞", "间质干细胞"} <= words
    assert not words & {"CAR-T", "car-t", "γδ-t"}  # handled by the pre-pass, not by jieba


def test_loose_cache_permissions_are_tightened(tmp_path):
    folder = tmp_path / "shared-jieba"
    folder.mkdir()
    folder.chmod(0o777)
    Tokenizer(["外泌體"], cache_dir=folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_seed_tokens(tokenizer):
    if not SEED.exists():
        pytest.skip("../shared not present (user clone)")
    doc = ingest([SEED]).documents[0]
    tokens = {t for tokens in tokenizer.tokenize_many(s.text for s in split_sentences(doc)) for t in tokens}
    for word in ("台寶生醫", "間質幹細胞", "外泌體", "γδ-T", "CAR-T", "TCR-T", "樂迦再生"):
        assert fold(word) in tokens, word
    assert {"regenerative", "medicine", "novartis", "legendbiotech", "cdmo"} <= tokens


def test_many_user_words_stay_fast(cache):
    words = [f"mod{n}-t" for n in range(3000)] + ["CAR-T", "台寶生醫"]
    tokenizer = Tokenizer(words, cache_dir=cache)
    text = "台寶生醫開發CAR-T與mod2999-T細胞療法, then mod12-tx and xmod12-t. " * 5
    started = time.perf_counter()
    tokens = tokenizer.tokenize_many([text] * 200)
    assert time.perf_counter() - started < 5
    assert tokens[0][:6] == ["台宝生医", "开发", "car-t", "与", "mod2999-t", "细胞"]
    assert "mod12-tx" in tokens[0] and "xmod12-t" in tokens[0]
