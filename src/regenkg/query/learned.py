"""A learned order of the other language's candidates: a linear score over 13 per-candidate features.

Issue #19, sixth pass (docs/decisions/20261202-learned-other-language.md). Within the query's own
language the score fusion's order is at least dense's at every depth; what bounds cross-lingual recall is
the order *within the other language*, where the signals weigh differently: the cosine of a sentence in
the other language is compressed (its gap to the overall best says more than its rank), and a romanised
name or a window naming the question's entities is worth more than a BM25 match of bridged words. A
logistic regression (scikit-learn, lbfgs, C = 0.003 chosen by 3-fold cross-validation on the private
pairs only) was trained on the other-language candidates of the private cross-lingual pairs;
:data:`OTHER_LANGUAGE_WEIGHTS` are its coefficients over the unscaled features (the standardisation is
folded in; the intercept does not change an order). ``benchmarks/fusion_logistic.py --other-language``
retrains them and prints this tuple. On the private pairs the learned order is not better than the
fixed one (cross-validated 0.859 against 0.865); it is the default for its dev measurement, as the
decision record says.

:func:`features` is the one definition of the features, used by the training script and by search.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .fuse import Candidates, Ranking

__all__ = ["FEATURES", "OTHER_LANGUAGE_WEIGHTS", "features", "learned_scores"]

#: What each feature is, in the order of :func:`features`' rows.
FEATURES = (
    "cosine min-max scaled within the sentence's language",
    "cosine minus the best cosine of its language",
    "log of its dense rank within its language (200 when not a dense candidate)",
    "bridged BM25 over its language's best",
    "BM25 of the query's own words over its language's best",
    "romanised-name BM25 over its language's best",
    "speaks of the query's relation (0/1)",
    "share of the query's entities it mentions",
    "share over it and the sentence before",
    "its document's best mention share over the query's best",
    "its window share minus its language's best window share",
    "its score in the inner fusion",
    "cosine minus the best cosine of any language",
)

#: Coefficients of the logistic model over the unscaled :data:`FEATURES` (trained on the private pairs).
OTHER_LANGUAGE_WEIGHTS: tuple[float, ...] = (
    0.515, 2.942, -0.131, 1.817, 0.545, 0.891, 0.54, 0.915, 2.528, 0.531, 0.245, 0.957, 5.528,
)


def _over_best(ranking: Ranking, groups: Mapping[int, str]) -> dict[int, float]:
    best: dict[str, float] = {}
    for i, s in ranking:
        best.setdefault(groups[i], s)
    return {i: (s / best[groups[i]] if best[groups[i]] > 0 else 0.0) for i, s in ranking}


def features(candidates: Candidates, scores: Mapping[int, float], ids: Sequence[int]) -> list[list[float]]:
    """One row of :data:`FEATURES` per id of ``ids``; ``scores``: the inner fusion's score of each candidate."""
    c = candidates
    groups = c.groups
    dense = c.known(c.dense)
    top: dict[str, float] = {}
    bottom: dict[str, float] = {}
    rank: dict[int, int] = {}
    count: dict[str, int] = {}
    for i, s in dense:
        g = groups[i]
        top.setdefault(g, s)
        bottom[g] = s
        count[g] = count.get(g, 0) + 1
        rank[i] = count[g]
    cosine = dict(dense)
    overall = dense[0][1] if dense else 0.0
    bridged, own = _over_best(c.known(c.bridged), groups), _over_best(c.known(c.lexical), groups)
    romanised = _over_best(c.known(c.romanised), groups)
    relations = dict(c.known(c.relations))
    mentions, windows = dict(c.known(c.mentions)), c.known(c.windows)
    window = dict(windows)
    best_window: dict[str, float] = {}
    for i, s in windows:
        best_window.setdefault(groups[i], s)
    documents = c.known(c.documents)
    first = documents[0][1] if documents else 0.0
    document = {i: s / first for i, s in documents} if first > 0 else {}
    rows = []
    for i in ids:
        g = groups[i]
        t, b = top.get(g, 0.0), bottom.get(g, 0.0)
        s = cosine.get(i, b)
        w = window.get(i, 0.0)
        rows.append([(s - b) / (t - b) if t > b else 1.0, s - t, math.log(rank.get(i, 200)), bridged.get(i, 0.0),
                     own.get(i, 0.0), romanised.get(i, 0.0), relations.get(i, 0.0), mentions.get(i, 0.0), w,
                     document.get(i, 0.0), w - best_window.get(g, 0.0), scores.get(i, 0.0), s - overall])
    return rows


def learned_scores(candidates: Candidates, scores: Mapping[int, float], ids: Sequence[int],
                   weights: Sequence[float] = OTHER_LANGUAGE_WEIGHTS) -> list[float]:
    """The learned score of each of ``ids`` (higher first).

    >>> c = Candidates([(1, .9), (2, .6), (3, .5)], [], {1: "en", 2: "zh", 3: "zh"}, query_group="en",
    ...                windows=[(3, 1.0)])
    >>> s = learned_scores(c, {2: 1.0, 3: 0.5}, [2, 3])
    >>> s[1] > s[0]   # the window naming the question's entities outweighs a 0.1 cosine lead
    True
    """
    if len(weights) != len(FEATURES):
        raise ValueError(f"need {len(FEATURES)} weights, got {len(weights)}")
    return [sum(w * x for w, x in zip(weights, row)) for row in features(candidates, scores, ids)]
