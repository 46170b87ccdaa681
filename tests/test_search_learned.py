"""The learned order of the other language's candidates (issue #19, sixth pass; regenkg.query.learned).

Our own en↔zh cases, written as the candidates search hands the fusion: the sentence that states the
fact in the other language has a lower cosine than a sentence that only shares the topic, but it (with
the sentence before it) names the question's company. The numbers are those search would compute.
"""

from __future__ import annotations

import doctest
import random

import pytest

import regenkg.query.balance as balance_module
import regenkg.query.learned as learned_module
from regenkg.query.balance import default_fusion
from regenkg.query.fuse import Candidates, DenseOnly
from regenkg.query.learned import FEATURES, OTHER_LANGUAGE_WEIGHTS, features, learned_scores

# English question "Did Hengyu Biotech start a CAR-NK trial with Qingshan Hospital?" over an index with
# four English sentences about CAR-NK trials that name the companies (1 both, 2, 6, 7 one each) and
#   3 "細胞療法臨床試驗的數量逐年增加。"  (zh, topic only: the best Chinese cosine)
#   5 "醫院與生技公司合作的細胞療法試驗越來越多。"  (zh, topic; the bridged words 醫院/生技 match best)
#   4 "恆宇生技今日宣布啟動CAR-NK療法的第一期臨床試驗。"  (zh, the answer: names Hengyu, the best
#     Chinese mention share, but the fourth Chinese cosine)
#   8 "今年的生技展吸引了上萬名觀眾。"  (zh, unrelated)
EN_TO_ZH = Candidates(
    dense=[(1, 0.91), (2, 0.88), (6, 0.86), (7, 0.85), (3, 0.70), (5, 0.55), (4, 0.46), (8, 0.40)],
    lexical=[(1, 9.0), (2, 6.0), (6, 5.0), (7, 4.0)],
    groups={1: "en", 2: "en", 6: "en", 7: "en", 3: "zh", 4: "zh", 5: "zh", 8: "zh"},
    bridged=[(1, 9.0), (2, 6.0), (6, 5.0), (7, 4.0), (5, 6.0), (4, 3.0)],
    mentions=[(1, 1.0), (2, 0.5), (6, 0.5), (7, 0.5), (4, 0.45)],
    query_group="en",
    windows=[(1, 1.0), (2, 0.5), (6, 0.5), (7, 0.5), (4, 0.45)],
)

# The mirror: Chinese question "恆宇生技是否與青山醫院啟動CAR-NK試驗？" over Chinese sentences naming the
# companies (3, 5, 4, 8) and English ones: 1 "The number of cell therapy trials grows every year." (best
# English cosine, topic only), 2 "Hospitals and biotechs increasingly run cell therapy trials together."
# (bridged words), 6 "Hengyu Biotech has started a phase 1 trial of its CAR-NK therapy." (the answer),
# 7 unrelated.
ZH_TO_EN = Candidates(
    dense=[(3, 0.92), (5, 0.90), (4, 0.88), (8, 0.87), (1, 0.70), (2, 0.55), (6, 0.46), (7, 0.40)],
    lexical=[(3, 9.0), (5, 6.0), (4, 5.0), (8, 4.0)],
    groups={1: "en", 2: "en", 6: "en", 7: "en", 3: "zh", 4: "zh", 5: "zh", 8: "zh"},
    bridged=[(3, 9.0), (5, 6.0), (4, 5.0), (8, 4.0), (2, 6.0), (6, 3.0)],
    mentions=[(3, 1.0), (5, 0.5), (4, 0.5), (8, 0.5), (6, 0.45)],
    query_group="zh",
    windows=[(3, 1.0), (5, 0.5), (4, 0.5), (8, 0.5), (6, 0.45)],
)


def _first_five(fusion, c):
    return [i for i, _ in fusion(c, 5)]


def test_english_question_gets_the_chinese_sentence_that_names_its_company():
    assert 4 not in _first_five(default_fusion(learned=False), EN_TO_ZH)  # the fifth pass: topic sentences
    hits = _first_five(default_fusion(), EN_TO_ZH)
    assert 4 in hits and 3 not in hits, hits
    assert hits[:2] == [1, 2]  # the English places are untouched


def test_chinese_question_gets_the_english_sentence_that_names_its_company():
    assert 6 not in _first_five(default_fusion(learned=False), ZH_TO_EN)
    hits = _first_five(default_fusion(), ZH_TO_EN)
    assert 6 in hits and 1 not in hits, hits
    assert hits[:2] == [3, 5]


def test_only_the_other_language_is_reordered():
    # Same places per language and same own-language order as the fifth-pass default, on random candidates.
    rng = random.Random(7)

    def pick(n: int) -> list[tuple[int, float]]:
        return [(i, rng.uniform(0.1, 5)) for i in rng.sample(range(n), rng.randint(0, n))]

    plain, learned = default_fusion(learned=False), default_fusion()
    for _ in range(200):
        n = rng.randint(2, 12)
        groups = {i: rng.choice(("en", "zh")) for i in range(n)}
        dense = sorted(((i, rng.uniform(0.3, 0.9)) for i in range(n)), key=lambda x: -x[1])
        c = Candidates(dense, sorted(pick(n), key=lambda x: -x[1]), groups, sorted(pick(n), key=lambda x: -x[1]),
                       query_group=rng.choice(("en", "zh")), windows=[(i, min(1.0, s / 5)) for i, s in pick(n)],
                       romanised=sorted(pick(n), key=lambda x: -x[1]))
        a, b = plain(c, 5), learned(c, 5)
        assert [groups[i] for i, _ in a] == [groups[i] for i, _ in b]
        assert [i for i, _ in a if groups[i] == c.query_group] == [i for i, _ in b if groups[i] == c.query_group]
        assert [s for _, s in a] == [s for _, s in b]  # each place keeps its score
        assert len({i for i, _ in b}) == len(b)


def test_features_and_weights_agree():
    assert len(OTHER_LANGUAGE_WEIGHTS) == len(FEATURES)
    rows = features(EN_TO_ZH, {3: 1.0, 4: 0.9}, [3, 4])
    assert all(len(r) == len(FEATURES) for r in rows)
    assert rows[1][8] == 0.45 and rows[0][8] == 0.0  # window share of 4 and 3
    assert rows[1][10] == 0.0 and rows[0][10] == -0.45  # against the best Chinese window
    with pytest.raises(ValueError, match="weights"):
        learned_scores(EN_TO_ZH, {}, [3], weights=(1.0,))



def test_doctests() -> None:
    assert doctest.testmod(learned_module).failed == 0
    # balance's examples use DenseOnly, which balance itself does not import.
    assert doctest.testmod(balance_module, extraglobs={"DenseOnly": DenseOnly}).failed == 0
