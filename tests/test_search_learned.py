"""The learned order of the other language's candidates (issue #19, sixth pass; regenkg.query.learned), an
option of ``default_fusion(learned=True)``, not the default (docs/decisions/20261202-learned-other-language.md).

Our own en↔zh cases, written as the candidates search hands the fusion: the sentence that states the
fact in the other language has a lower cosine than a sentence that only shares the topic, but it names
the question's companies.
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


def _case(query_group: str, cosine_4: float, bridged_3: float, document_3: float) -> Candidates:
    """Four sentences in the question's language (1 states the fact and names both companies; 2, 6, 7 name
    one) and four in the other: 3 a topic sentence with the best cosine of its language, a bridged-word
    match and half of the question's entities in its window; 4 the answer, naming both companies; 5, 8
    unrelated."""
    other = "zh" if query_group == "en" else "en"
    groups = {i: query_group for i in (1, 2, 6, 7)} | {i: other for i in (3, 4, 5, 8)}
    dense = sorted([(1, .91), (2, .88), (6, .86), (7, .85), (3, .70), (4, cosine_4), (5, .45), (8, .40)],
                   key=lambda x: -x[1])
    return Candidates(dense=dense, lexical=[(1, 9.0), (2, 6.0), (6, 5.0), (7, 4.0)], groups=groups,
                      bridged=sorted([(1, 9.0), (2, 6.0), (6, 5.0), (7, 4.0), (3, bridged_3), (4, 3.0)],
                                     key=lambda x: -x[1]),
                      mentions=[(1, 1.0), (4, 1.0), (2, .5), (6, .5), (7, .5)], query_group=query_group,
                      windows=[(1, 1.0), (4, 1.0), (2, .5), (3, .5), (6, .5), (7, .5)],
                      documents=[(1, 1.0), (3, document_3)])


# English question "Did Hengyu Biotech start a CAR-NK trial with Qingshan Hospital?": 3 is
# "細胞療法臨床試驗的數量逐年增加。" (in an article about Qingshan Hospital), 4 is
# "恆宇生技今日宣布與青山醫院啟動CAR-NK療法的第一期臨床試驗。"
EN_TO_ZH = _case("en", 0.66, 6.0, 0.5)
# The mirror: "恆宇生技是否與青山醫院啟動CAR-NK試驗？": 3 is "The number of cell therapy trials grows every
# year.", 4 is "Hengyu Biotech and Qingshan Hospital have started a phase 1 trial of a CAR-NK therapy."
ZH_TO_EN = _case("zh", 0.60, 3.0, 1.0)


PLAIN, LEARNED_ORDER = default_fusion(), default_fusion(learned=True)


def _other_language(fusion, c):
    return [i for i, _ in fusion(c, 5) if c.groups[i] != c.query_group]


def test_english_question_gets_the_chinese_sentence_that_names_its_companies():
    assert _other_language(PLAIN, EN_TO_ZH)[:2] == [3, 4]  # the fifth pass
    assert _other_language(LEARNED_ORDER, EN_TO_ZH)[:2] == [4, 3]
    assert LEARNED_ORDER(EN_TO_ZH, 5)[0][0] == PLAIN(EN_TO_ZH, 5)[0][0] == 1  # own language untouched


def test_chinese_question_gets_the_english_sentence_that_names_its_companies():
    assert _other_language(PLAIN, ZH_TO_EN)[:2] == [3, 4]
    assert _other_language(LEARNED_ORDER, ZH_TO_EN)[:2] == [4, 3]


def test_only_the_other_language_is_reordered():
    # Same places per language and same own-language order as the fifth-pass default, on random candidates.
    rng = random.Random(7)

    def pick(n: int) -> list[tuple[int, float]]:
        return [(i, rng.uniform(0.1, 5)) for i in rng.sample(range(n), rng.randint(0, n))]

    plain, learned = PLAIN, LEARNED_ORDER
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
    assert rows[1][8] == 1.0 and rows[0][8] == 0.5  # window share of 4 and 3
    assert rows[1][10] == 0.0 and rows[0][10] == -0.5  # against the best Chinese window
    with pytest.raises(ValueError, match="weights"):
        learned_scores(EN_TO_ZH, {}, [3], weights=(1.0,))



def test_doctests() -> None:
    assert doctest.testmod(learned_module).failed == 0
    # balance's examples use DenseOnly, which balance itself does not import.
    assert doctest.testmod(balance_module, extraglobs={"DenseOnly": DenseOnly}).failed == 0
