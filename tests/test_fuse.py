"""Reciprocal-rank fusion: exact values and properties."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import regenkg.query.fuse as fuse_module
from regenkg.query.fuse import rrf

ranking = st.lists(st.integers(0, 30), max_size=15, unique=True).map(
    lambda ids: [(i, 1.0 - n / 100) for n, i in enumerate(ids)]
)
rankings = st.lists(ranking, min_size=1, max_size=4)


def test_doctests() -> None:
    assert doctest.testmod(fuse_module).failed == 0


def test_exact_scores() -> None:
    fused = rrf([[(1, 0.9), (2, 0.5)], [(2, 7.0), (3, 1.0)]], [1.0, 2.0], k=10, limit=10)
    assert fused == [
        (2, pytest.approx(1 / 12 + 2 / 11)),
        (3, pytest.approx(2 / 12)),
        (1, pytest.approx(1 / 11)),
    ]


def test_duplicates_count_once_at_best_rank() -> None:
    assert rrf([[(4, 1.0), (4, 0.5)]], [1.0], k=0) == [(4, 1.0)]


def test_zero_weight_ranking_is_ignored() -> None:
    assert rrf([[(1, 1.0)], [(2, 1.0)]], [1.0, 0.0]) == [(1, pytest.approx(1 / 61))]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        rrf([[(1, 1.0)]], [1.0, 1.0])
    with pytest.raises(ValueError):
        rrf([[(1, 1.0)]], [-1.0])
    with pytest.raises(ValueError):
        rrf([[(1, 1.0)]], [1.0], k=-1)
    assert rrf([], []) == []


@given(rankings, st.integers(0, 100), st.integers(0, 20))
def test_properties(rs: list[list[tuple[int, float]]], k: int, limit: int) -> None:
    weights = [1.0 + n for n in range(len(rs))]
    fused = rrf(rs, weights, k=k, limit=limit)
    ids = [i for i, _ in fused]
    scores = [s for _, s in fused]
    all_ids = {i for r in rs for i, _ in r}
    assert len(fused) == min(limit, len(all_ids))
    assert len(set(ids)) == len(ids) and set(ids) <= all_ids
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= sum(weights) / (k + 1) + 1e-12 for s in scores)
    # Order of the input rankings does not matter (up to float summation order).
    everything = dict(rrf(rs, weights, k=k, limit=100))
    assert dict(rrf(rs[::-1], weights[::-1], k=k, limit=100)) == pytest.approx(everything)


@given(rankings)
def test_unanimous_winner_comes_first(rs: list[list[tuple[int, float]]]) -> None:
    rs = [[(999, 2.0)] + r for r in rs]
    assert rrf(rs, [1.0] * len(rs), limit=1)[0][0] == 999


@given(rankings)
def test_scaling_weights_scales_scores(rs: list[list[tuple[int, float]]]) -> None:
    weights = [1.0 + n for n in range(len(rs))]
    base = {i: 3 * s for i, s in rrf(rs, weights, limit=50)}
    assert dict(rrf(rs, [3 * w for w in weights], limit=50)) == pytest.approx(base)


# ---- fusions over Candidates (issue #19) ---------------------------------------------------------------------

from regenkg.query.balance import (
    Interleave,
    LanguageBounds,
    LanguageQuota,
    LanguageSlots,
    LearnedOtherOrder,
    default_fusion,
)
from regenkg.query.bridge import LabelBridge
from regenkg.query.fuse import Candidates, DenseOnly, GroupedRRF, LexicalOnly, ScoreFusion

ALL_FUSIONS = [DenseOnly(), LexicalOnly(), LexicalOnly(bridge=True), GroupedRRF(), GroupedRRF(bridge=True),
               GroupedRRF(bridge=True, bridge_own=True), GroupedRRF(bridge=True, mention_weight=1.0),
               ScoreFusion(), ScoreFusion(1.0, 0.5, bridge=True, per_group=True), ScoreFusion(mention_weight=0.5),
               LanguageSlots(), Interleave(), Interleave(default_fusion()), default_fusion(), LanguageQuota(),
               LanguageQuota(DenseOnly(), least=2, position=1), LanguageQuota(default_fusion(), top=0),
               LanguageBounds(DenseOnly()), LanguageBounds(GroupedRRF(bridge=True), least=2, most=3),
               LanguageBounds(DenseOnly(), least=0, most=0), LanguageBounds(ScoreFusion(), top=0)]


def _zh_query_candidates() -> Candidates:
    # A Chinese query: English sentence 10 is the dense model's best; BM25 of the query's own words
    # only matches Chinese sentences (20-23); the bridged query also matches sentence 10.
    dense = [(10, 0.87), (20, 0.86), (21, 0.85), (22, 0.84), (11, 0.83), (23, 0.82), (12, 0.80)]
    lexical = [(21, 9.0), (22, 8.0), (23, 7.0), (20, 6.0)]
    bridged = [(21, 9.5), (10, 9.0), (22, 8.0), (23, 7.0), (20, 6.0)]
    groups = {i: ("en" if i < 20 else "zh") for i in (10, 11, 12, 20, 21, 22, 23)}
    return Candidates(dense, lexical, groups, bridged, (), "zh")


def test_the_issue_case_the_bridge_brings_back_the_english_sentence() -> None:
    c = _zh_query_candidates()
    before = [i for i, _ in GroupedRRF()(c, 5)]
    after = [i for i, _ in default_fusion()(c, 5)]
    assert 10 in after[:2]
    assert before.index(10) > after.index(10)


@pytest.mark.parametrize("fusion", ALL_FUSIONS, ids=lambda f: type(f).__name__)
@given(st.lists(st.integers(0, 40), max_size=20, unique=True), st.lists(st.integers(0, 40), max_size=20, unique=True),
       st.integers(1, 30))
def test_fusions_rank_known_ids_once_best_first(fusion, dense_ids, lexical_ids, limit) -> None:
    dense = [(i, 1.0 - n / 50) for n, i in enumerate(dense_ids)]
    lexical = [(i, 10.0 - n / 5) for n, i in enumerate(lexical_ids)]
    groups = {i: ("en" if i % 2 else "zh") for i in range(40)}  # 40 is unknown: must be dropped
    bridged = [(i, 12.0 - n / 5) for n, i in enumerate(lexical_ids[::-1])]
    c = Candidates(dense, lexical, groups, bridged, [(i, 0.5) for i in dense_ids[:3]], "en")
    fused = fusion(c, limit)
    ids = [i for i, _ in fused]
    assert len(ids) == len(set(ids)) <= limit
    assert set(ids) <= (set(dense_ids) | set(lexical_ids)) - {40}
    assert [s for _, s in fused] == sorted((s for _, s in fused), reverse=True)


def test_dense_and_lexical_only_follow_their_input() -> None:
    c = _zh_query_candidates()
    assert [i for i, _ in DenseOnly()(c, 3)] == [10, 20, 21]
    assert [i for i, _ in LexicalOnly()(c, 2)] == [21, 22]
    assert [i for i, _ in LexicalOnly(bridge=True)(c, 2)] == [21, 10]


def test_language_slots_keep_the_dense_language_mix() -> None:
    c = _zh_query_candidates()
    fused = [i for i, _ in LanguageSlots(GroupedRRF())(c, 5)]
    dense_mix = [c.groups[i] for i, _ in c.dense[:5]]
    assert [c.groups[i] for i in fused] == dense_mix


def test_score_fusion_without_lexical_is_dense_order() -> None:
    c = Candidates([(1, 0.9), (2, 0.8), (3, 0.7)], [], {1: "en", 2: "zh", 3: "en"})
    assert [i for i, _ in ScoreFusion(1.0, 0.5)(c, 3)] == [1, 2, 3]
    with pytest.raises(ValueError):
        ScoreFusion(-1.0, 0.5)


def test_uses_flags_say_what_to_compute() -> None:
    assert not GroupedRRF().uses_bridge and GroupedRRF(bridge=True).uses_bridge
    # Since the per-language dense candidates (issue #19, second pass) the default also reads the mentions.
    assert default_fusion().uses_bridge and default_fusion().uses_mentions
    assert not default_fusion(mention_weight=0.0).uses_mentions
    assert GroupedRRF(mention_weight=1.0).uses_mentions and ScoreFusion(mention_weight=0.1).uses_mentions
    assert LanguageSlots(GroupedRRF(bridge=True)).uses_bridge


def test_default_fusion_follows_the_settings() -> None:
    # Since issue #19's second pass the default is a score fusion per language (no rank constant).
    # Since the third pass it is that score fusion with one of the first five places kept for the other
    # language (LanguageBounds). The sixth pass's learned order of the other language (LearnedOtherOrder,
    # same bounds) is an option, not the default; the settings reach the score fusion inside either.
    f = default_fusion(10, 2.0, 0.5, 0.25, 0.75, learned=True)
    assert isinstance(f, LearnedOtherOrder) and f.least == 1
    plain = default_fusion(10, 2.0, 0.5, 0.25, 0.75)
    assert isinstance(plain, LanguageBounds) and (plain.least, plain.most, plain.top) == (1, 5, 5)
    assert plain.within == f.within
    inner = f.within
    assert isinstance(inner, ScoreFusion) and inner.per_group and inner.bridge
    assert (inner.dense_weight, inner.lexical_weight, inner.mention_weight, inner.romanised_weight) == \
        (2.0, 0.5, 0.25, 0.75)


def test_label_bridge_adds_other_names_once() -> None:
    class M:
        def __init__(self, iri: str, surface: str) -> None:
            self.iri, self.surface = iri, surface

    def find(q: str) -> list[M]:
        return [M("x:nk", "自然殺手細胞")] * ("自然殺手細胞" in q) + [M("x:gsk", "GSK")] * ("GSK" in q)

    names = {"x:nk": ["natural killer cell", "NK cell", "自然殺手細胞", "natural killer cell"],
             "x:gsk": ["GSK", "葛蘭素史克"]}
    bridge = LabelBridge(find, lambda iris: {i: names[i] for i in iris})
    assert bridge.terms("自然殺手細胞與GSK") == ["natural killer cell", "NK cell", "葛蘭素史克"]
    assert bridge.terms("nothing known") == []


def test_interleave_alternates_languages_own_first() -> None:
    c = _zh_query_candidates()
    fused = [c.groups[i] for i, _ in Interleave(GroupedRRF())(c, 6)]
    assert fused == ["zh", "en", "zh", "en", "zh", "en"]


def test_language_quota_gives_the_other_language_one_place_unless_dense_agrees() -> None:
    # An English query; the fusion within ranks the Chinese sentences 20 and 21 high (lexical votes), but
    # only 20 gets a place in the first five: 21's cosine is below the English sentence it would push out.
    dense = [(1, 0.90), (2, 0.89), (3, 0.88), (4, 0.87), (5, 0.86), (20, 0.80), (21, 0.79)]
    lexical = [(20, 9.0), (21, 8.5), (3, 8.0)]
    groups = {i: ("zh" if i >= 20 else "en") for i, _ in dense}
    c = Candidates(dense, lexical, groups, lexical, (), "en")
    within = GroupedRRF(bridge=True)
    assert [groups[i] for i, _ in within(c, 5)].count("zh") == 2
    head = [i for i, _ in LanguageQuota(within)(c, 7)]
    assert [groups[i] for i in head[:5]].count("zh") == 1 and head.index(20) <= 2
    assert set(head) == set(groups)  # below the first five, within's order: nothing is lost
    # A Chinese sentence the dense model ranks above an English one takes a further place.
    agree = Candidates([(1, 0.90), (20, 0.89), (21, 0.885), (2, 0.88), (3, 0.87), (4, 0.86)], lexical,
                       {**groups, 20: "zh", 21: "zh"}, lexical, (), "en")
    assert [agree.groups[i] for i, _ in LanguageQuota(within)(agree, 5)].count("zh") == 2
    with pytest.raises(ValueError):
        LanguageQuota(position=0)


def _one_sided(query_group: str = "zh") -> Candidates:
    # Six Chinese sentences outscore every English one on every signal; English 30 and 31 come last.
    dense = [(20, 0.90), (21, 0.89), (22, 0.88), (23, 0.87), (24, 0.86), (25, 0.85), (30, 0.70), (31, 0.69)]
    groups = {i: ("en" if i >= 30 else "zh") for i, _ in dense}
    return Candidates(dense, [(20, 5.0), (21, 4.0)], groups, (), (), query_group)


@pytest.mark.parametrize("least,most", [(0, 5), (1, 5), (2, 5), (1, 1), (0, 0)])
def test_language_bounds_hold_the_other_languages_share_of_the_first_five(least: int, most: int) -> None:
    c = _one_sided()
    within = DenseOnly()
    fused = LanguageBounds(within, least=least, most=most)(c, 8)
    head = [c.groups[i] for i, _ in fused[:5]]
    assert head.count("en") == least
    # Each language keeps within's order; nothing is lost below the first five.
    assert [i for i, _ in fused if c.groups[i] == "zh"] == [20, 21, 22, 23, 24, 25]
    assert [i for i, _ in fused if c.groups[i] == "en"] == [30, 31]
    assert sorted(i for i, _ in fused) == sorted(c.groups)


def test_language_bounds_cap_the_other_language() -> None:
    # An English query whose fusion ranks four Chinese sentences first: at most two keep their places.
    one = _one_sided("en")
    c = Candidates([*one.dense, (32, 0.68), (33, 0.67)], one.lexical, {**one.groups, 32: "en", 33: "en"},
                   query_group="en")
    fused = [i for i, _ in LanguageBounds(DenseOnly(), least=1, most=2)(c, 5)]
    assert fused == [20, 21, 30, 31, 32]
    # The cap gives way where the query's own language has too few candidates to fill the places.
    assert [one.groups[i] for i, _ in LanguageBounds(DenseOnly(), most=2)(one, 5)].count("zh") == 3
    assert LanguageBounds(DenseOnly(), least=1, most=5)(c, 5) == DenseOnly()(c, 5)
    with pytest.raises(ValueError):
        LanguageBounds(least=2, most=1)
    with pytest.raises(ValueError):
        LanguageBounds(least=-1)


def test_default_keeps_a_place_for_the_other_language() -> None:
    # The previous default (the score fusion alone) fills all five places with the query's language here.
    one = _one_sided()
    chinese = [(i, 6.0 - n) for n, i in enumerate(range(20, 26))]
    c = Candidates(one.dense, chinese, one.groups, chinese, [(i, 1.0) for i in range(20, 26)], "zh")
    assert all(c.groups[i] == "zh" for i, _ in default_fusion().within(c, 5))  # type: ignore[attr-defined]
    assert [c.groups[i] for i, _ in default_fusion()(c, 5)].count("en") == 1


def test_romanised_names_lift_the_other_languages_sentence() -> None:
    # An English question naming a company by the pinyin of its Chinese name: the romanised BM25
    # (Candidates.romanised) is normalised per language like BM25 and adds up to its weight.
    c = Candidates(dense=[(1, .90), (2, .86), (3, .70), (4, .69)], lexical=[(1, 4.0)],
                   groups={1: "en", 2: "en", 3: "zh", 4: "zh"}, query_group="en", romanised=[(4, 6.0), (3, 3.0)])
    plain = ScoreFusion(1.0, 0.5, per_group=True)
    assert [i for i, _ in plain(c, 4)].index(3) < [i for i, _ in plain(c, 4)].index(4)
    scores = dict(ScoreFusion(1.0, 0.5, per_group=True, romanised_weight=1.5)(c, 4))
    assert scores[4] == pytest.approx(0.0 + 1.5) and scores[3] == pytest.approx(1.0 + 0.75)
    assert not plain.uses_romanised and ScoreFusion(romanised_weight=0.5).uses_romanised
    assert default_fusion().uses_romanised and not default_fusion(romanised_weight=0.0).uses_romanised
    assert LanguageBounds(ScoreFusion(romanised_weight=1.0)).uses_romanised
    assert not any(f.uses_romanised for f in (DenseOnly(), LexicalOnly(), GroupedRRF()))
    with pytest.raises(ValueError):
        ScoreFusion(romanised_weight=-1.0)


def test_relation_words_and_document_mentions_add_their_weights() -> None:
    c = Candidates(dense=[(1, .90), (2, .80), (3, .70)], lexical=[], groups={1: "en", 2: "en", 3: "en"},
                   relations=[(3, 1.0)], documents=[(2, 0.5), (3, 0.25)])
    scores = dict(ScoreFusion(1.0, 0.5, relation_weight=0.1, document_weight=0.3)(c, 3))
    assert scores[1] == pytest.approx(1.0)
    assert scores[2] == pytest.approx(0.5 + 0.3)            # its document's best share is the query's best
    assert scores[3] == pytest.approx(0.0 + 0.1 + 0.15)
    plain = ScoreFusion(1.0, 0.5)
    assert dict(plain(c, 3)) == {1: pytest.approx(1.0), 2: pytest.approx(0.5), 3: pytest.approx(0.0)}
    assert not plain.uses_relations and not plain.uses_documents
    assert default_fusion().uses_relations and default_fusion().uses_documents
    assert not default_fusion(relation_weight=0.0, document_weight=0.0).uses_documents
    with pytest.raises(ValueError):
        ScoreFusion(document_weight=-0.1)
