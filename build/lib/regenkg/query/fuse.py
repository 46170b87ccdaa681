"""Reciprocal-rank fusion of ranked result lists (dense + lexical, or any others)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["rrf"]


def rrf(
    rankings: Sequence[Sequence[tuple[int, float]]],
    weights: Sequence[float],
    k: int = 60,
    limit: int = 10,
) -> list[tuple[int, float]]:
    """Fuse rankings by weighted reciprocal rank: ``score(id) = Σ weight / (k + rank)``, rank from 1.

    Only ranks matter, so dense cosines and BM25 scores need no calibration. An id repeated within
    one ranking counts once, at its best rank. Ties are broken by the best rank reached in any
    ranking, then by id, so the result is deterministic.

    Args:
        rankings: each a list of ``(id, score)`` pairs, best first (the scores are ignored).
        weights: one non-negative weight per ranking; a zero weight ignores that ranking.
        k: the damping constant (60 in the original paper); larger flattens the rank differences.
        limit: maximum number of fused results.

    Returns:
        ``(id, fused score)`` pairs, best first.

    >>> dense = [(1, 0.9), (2, 0.8), (3, 0.7)]
    >>> lexical = [(3, 12.0), (1, 9.5)]
    >>> [i for i, _ in rrf([dense, lexical], [1.0, 1.0], k=60, limit=3)]
    [1, 3, 2]
    >>> rrf([[(5, 0.1)]], [2.0], k=0)
    [(5, 2.0)]
    """
    if len(rankings) != len(weights):
        raise ValueError(f"got {len(rankings)} rankings but {len(weights)} weights")
    if k < 0:
        raise ValueError(f"k must be ≥ 0, got {k}")
    if limit < 0:
        raise ValueError(f"limit must be ≥ 0, got {limit}")
    if any(w < 0 for w in weights):
        raise ValueError(f"weights must be ≥ 0, got {list(weights)}")
    scores: dict[int, float] = {}
    best_rank: dict[int, int] = {}
    for ranking, weight in zip(rankings, weights):
        if weight == 0:
            continue  # a disabled ranking must not contribute ids either
        seen: set[int] = set()
        for rank, (id_, _score) in enumerate(ranking, start=1):
            if id_ in seen:
                continue
            seen.add(id_)
            scores[id_] = scores.get(id_, 0.0) + weight / (k + rank)
            best_rank[id_] = min(best_rank.get(id_, rank), rank)
    ordered = sorted(scores, key=lambda i: (-scores[i], best_rank[i], i))
    return [(i, scores[i]) for i in ordered[:limit]]
