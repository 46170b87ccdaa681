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
