"""Fusion of ranked result lists: dense (cosine) and lexical (BM25) sentence rankings into one.

The pieces are small and pure so that search, ask and the retrieval evaluation
(:mod:`regenkg.evaluate.retrieval`) run exactly the same code:

* :func:`rrf` — weighted reciprocal-rank fusion of any rankings;
* :class:`Candidates` — what one query retrieved (dense and lexical lists, each sentence's language group);
* fusions, each a callable ``(candidates, limit) -> [(id, score)]``: :class:`DenseOnly`, :class:`LexicalOnly`,
  :class:`GroupedRRF` (the fusion before issue #19), :class:`ScoreFusion` (normalised scores, the way
  txtai's hybrid search combines them).

The fusions that balance languages over another fusion's ranking, and :func:`default_fusion`, are in
:mod:`regenkg.query.balance`; the query's names in the other language (:class:`LabelBridge`) in
:mod:`regenkg.query.bridge`.

:class:`ScoreFusion` also reads the within-language signals search computes (issue #19, fourth pass):
romanised names (:mod:`regenkg.index.roman`), relation words (:mod:`regenkg.index.relwords`) and the
entity mentions of a sentence's document.

docs/decisions/20261201-hybrid-fusion.md says which fusion search uses and why, with the measurements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Candidates",
    "DenseOnly",
    "Fusion",
    "GroupedRRF",
    "LexicalOnly",
    "ScoreFusion",
    "rrf",
]

Ranking = Sequence[tuple[int, float]]


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


@dataclass(frozen=True)
class Candidates:
    """What one query retrieved, before fusion.

    Attributes:
        dense: ``(id, cosine)`` best first.
        lexical: ``(id, BM25)`` best first, for the query's own words.
        groups: language group (``"en"`` or ``"zh"``) of every id in the lists; an id missing here is
            not a known sentence and is dropped.
        bridged: ``(id, BM25)`` for the query's words plus the other names of the entities it mentions
            (:class:`LabelBridge`); empty when not computed.
        mentions: ``(id, share)`` of the candidate sentences that mention entities the query names, with
            the share of the query's entities each mentions (in any language), best first; empty when
            not computed.
        query_group: the query's language group (``"en"``/``"zh"``; ``""`` unknown).
        romanised: ``(id, BM25)`` of the query's romanised names (:mod:`regenkg.index.roman`): its Latin
            words against the pinyin of Chinese sentences, and the pinyin of its Chinese characters
            against English words; empty when not computed.
        relations: ``(id, 1.0)`` of the candidates whose words signal a relation the query's words signal
            (:mod:`regenkg.index.relwords`: "acquire" and 收購 alike); empty when not computed.
        documents: ``(id, share)`` of the candidates in a document where some candidate mentions the
            query's entities, with the best such :attr:`mentions` share of that document, best first (the
            sentence "Its lead candidate …" of the article about the company); empty when not computed.
        windows: like :attr:`mentions`, each share over the sentence and the one before it in its document
            (:meth:`~regenkg.query.lookup.GraphLookup.mention_windows`); empty when not computed.
    """

    dense: Ranking
    lexical: Ranking
    groups: Mapping[int, str]
    bridged: Ranking = ()
    mentions: Ranking = ()
    query_group: str = ""
    romanised: Ranking = ()
    relations: Ranking = ()
    documents: Ranking = ()
    windows: Ranking = ()

    def known(self, ranking: Ranking) -> list[tuple[int, float]]:
        """``ranking`` without ids of unknown sentences, first occurrence of each id only."""
        groups = self.groups
        seen: set[int] = set()
        add = seen.add
        # One comprehension (this runs on every list of every query): ``add`` returns None, so an id
        # is kept the first time only.
        return [(id_, score) for id_, score in ranking
                if id_ in groups and not (id_ in seen or add(id_))]


class Fusion(Protocol):
    """A fusion: one ranking from a query's :class:`Candidates`."""

    @property
    def uses_bridge(self) -> bool:
        """Whether it reads :attr:`Candidates.bridged` (so the caller must compute it)."""
        ...

    @property
    def uses_mentions(self) -> bool:
        """Whether it reads :attr:`Candidates.mentions` (so the caller must compute it)."""
        ...

    @property
    def uses_romanised(self) -> bool:
        """Whether it reads :attr:`Candidates.romanised` (so the caller must compute it)."""
        ...

    @property
    def uses_relations(self) -> bool:
        """Whether it reads :attr:`Candidates.relations` (so the caller must compute it)."""
        ...

    @property
    def uses_documents(self) -> bool:
        """Whether it reads :attr:`Candidates.documents` (so the caller must compute it)."""
        ...

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]: ...


@dataclass(frozen=True)
class DenseOnly:
    """The dense ranking alone (cosine scores)."""

    uses_bridge: bool = False
    uses_mentions: bool = False
    uses_romanised: bool = False
    uses_relations: bool = False
    uses_documents: bool = False

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        return candidates.known(candidates.dense)[:limit]


@dataclass(frozen=True)
class LexicalOnly:
    """The BM25 ranking alone (of the bridged query when ``bridge``)."""

    bridge: bool = False
    uses_mentions: bool = False
    uses_romanised: bool = False
    uses_relations: bool = False
    uses_documents: bool = False

    @property
    def uses_bridge(self) -> bool:
        return self.bridge

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        return candidates.known(candidates.bridged if self.bridge else candidates.lexical)[:limit]


def _lexical(candidates: Candidates, bridge: bool) -> list[tuple[int, float]]:
    return candidates.known(candidates.bridged if bridge else candidates.lexical)


@dataclass(frozen=True)
class GroupedRRF:
    """Reciprocal-rank fusion of the dense, lexical (and mention) rankings, each cut per language group.

    Cutting each ranking into an English and a Chinese list lets the best sentence of each language
    compete on equal ranks. With ``bridge=False`` this is the fusion before issue #19, whose flaw is
    that a Chinese query has lexical matches only among Chinese sentences: each of them collects two
    votes (dense + lexical) where the best English sentence collects one, and the other language
    rarely reaches the top. ``bridge=True`` gives the other language its lexical vote: there the
    lexical list is BM25 of the query's words plus the other names of the entities it names
    (:attr:`Candidates.bridged`); with ``bridge_own=False`` the query's own language keeps BM25 of the
    query's words alone, where extra aliases only add noise.

    Args:
        k: the RRF damping constant.
        dense_weight, lexical_weight, mention_weight: weights of the three rankings (mentions off at 0).
        bridge: use :attr:`Candidates.bridged` for the other language's lexical list.
        bridge_own: also for the query's own language (:attr:`Candidates.query_group`).

    >>> c = Candidates(dense=[(1, 0.9), (2, 0.8), (3, 0.7)], lexical=[(1, 5.0), (3, 4.0)],
    ...                groups={1: "zh", 2: "en", 3: "zh"}, bridged=[(2, 6.0), (1, 5.0)], query_group="zh")
    >>> [i for i, _ in GroupedRRF()(c, 3)]         # English sentence 2 has one vote, 1 and 3 have two
    [1, 3, 2]
    >>> [i for i, _ in GroupedRRF(bridge=True)(c, 3)]  # the bridge gives 2 its lexical vote
    [1, 2, 3]
    """

    k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    bridge: bool = False
    mention_weight: float = 0.0
    bridge_own: bool = False
    uses_romanised: bool = False
    uses_relations: bool = False
    uses_documents: bool = False

    @property
    def uses_bridge(self) -> bool:
        return self.bridge

    @property
    def uses_mentions(self) -> bool:
        return self.mention_weight > 0

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        rankings, weights = [], []
        dense = candidates.known(candidates.dense)
        own = candidates.known(candidates.lexical)
        bridged = candidates.known(candidates.bridged) if self.bridge else own
        mentions = candidates.known(candidates.mentions)
        for group in ("en", "zh"):
            lexical = own if (not self.bridge_own and group == candidates.query_group) else bridged
            for ranking, weight in ((dense, self.dense_weight), (lexical, self.lexical_weight),
                                    (mentions, self.mention_weight)):
                part = [(i, s) for i, s in ranking if candidates.groups[i] == group]
                if part:
                    rankings.append(part)
                    weights.append(weight)
        return rrf(rankings, weights, k=self.k, limit=limit)


@dataclass(frozen=True)
class ScoreFusion:
    """A weighted sum of normalised scores: ``dense_weight · d + lexical_weight · l`` (+ mentions, romanised).

    ``d`` is the cosine min-max scaled over the dense list (the best sentence 1, the last one listed 0),
    ``l`` the BM25 score divided by the query's best BM25 score (0 for a sentence without a match), so
    both lie in [0, 1] and a strong lexical match can only add up to ``lexical_weight`` — the dense
    order decides whenever the lexical side has nothing to say, as for a sentence in the other language.
    (txtai's hybrid search sums normalised scores the same way.) With ``mention_weight`` the share of the
    query's entities a sentence mentions adds up to that weight; with ``romanised_weight`` the BM25 of the
    query's romanised names (:attr:`Candidates.romanised`) over its language's best adds up to that weight;
    ``relation_weight`` is added to a sentence that speaks of a relation the query asks about
    (:attr:`Candidates.relations`), and ``document_weight`` × its document's best mention share over the
    query's best (:attr:`Candidates.documents`). With ``mention_window`` the mention share is that of the
    sentence and the one before it (:attr:`Candidates.windows`), so "Its lead candidate …" after the
    sentence naming the company counts as naming it.

    >>> c = Candidates([(1, 0.90), (2, 0.86), (3, 0.80)], [(3, 7.0), (2, 3.5)], {1: "en", 2: "zh", 3: "zh"})
    >>> [(i, round(s, 2)) for i, s in ScoreFusion(1.0, 0.3)(c, 3)]
    [(1, 1.0), (2, 0.75), (3, 0.3)]
    """

    dense_weight: float = 1.0
    lexical_weight: float = 0.3
    bridge: bool = False
    mention_weight: float = 0.0
    per_group: bool = False
    romanised_weight: float = 0.0
    relation_weight: float = 0.0
    document_weight: float = 0.0
    mention_window: bool = False

    def __post_init__(self) -> None:
        weights = (self.dense_weight, self.lexical_weight, self.mention_weight, self.romanised_weight,
                   self.relation_weight, self.document_weight)
        if min(weights) < 0:
            raise ValueError(f"weights must be ≥ 0, got {', '.join(map(str, weights))}")

    @property
    def uses_bridge(self) -> bool:
        return self.bridge

    @property
    def uses_mentions(self) -> bool:
        return self.mention_weight > 0

    @property
    def uses_romanised(self) -> bool:
        return self.romanised_weight > 0

    @property
    def uses_relations(self) -> bool:
        return self.relation_weight > 0

    @property
    def uses_documents(self) -> bool:
        return self.document_weight > 0

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        dense = candidates.known(candidates.dense)
        lexical = _lexical(candidates, self.bridge)
        # One pass per list over (group, id, score), no per-group copies: this runs on every query.
        groups = candidates.groups if self.per_group else dict.fromkeys(candidates.groups, "")
        top: dict[str, float] = {}
        bottom: dict[str, float] = {}
        for i, s in dense:  # best first, so a group's first score is its top and its last its bottom
            g = groups[i]
            top.setdefault(g, s)
            bottom[g] = s
        scale = {g: (self.dense_weight / (top[g] - bottom[g]) if top[g] > bottom[g] else 0.0) for g in top}
        scores: dict[int, float] = {
            i: (s - bottom[groups[i]]) * scale[groups[i]] if scale[groups[i]] else self.dense_weight for i, s in dense}
        self._add_normalised(scores, lexical, groups, self.lexical_weight)
        if self.romanised_weight > 0:
            self._add_normalised(scores, candidates.known(candidates.romanised), groups, self.romanised_weight)
        if self.relation_weight > 0:
            for i, _ in candidates.known(candidates.relations):
                scores[i] = scores.get(i, 0.0) + self.relation_weight
        documents = candidates.known(candidates.documents)
        if self.document_weight > 0 and documents and documents[0][1] > 0:
            unit = self.document_weight / documents[0][1]
            for i, share in documents:
                scores[i] = scores.get(i, 0.0) + share * unit
        if self.mention_weight > 0:
            # Windows include every sentence's own mentions, so none computed means: use the mentions.
            shares = candidates.windows if self.mention_window and candidates.windows else candidates.mentions
            for i, share in candidates.known(shares):
                scores[i] = scores.get(i, 0.0) + self.mention_weight * share
        order = {i: n for n, (i, _) in enumerate(dense)}
        last = len(order)
        ranked = sorted([(-score, order.get(i, last), i) for i, score in scores.items()])
        return [(i, -neg) for neg, _, i in ranked[:limit]]

    @staticmethod
    def _add_normalised(scores: dict[int, float], ranking: Ranking, groups: Mapping[int, str],
                        weight: float) -> None:
        """Add ``weight`` × each score over its group's best (``ranking`` is best first) to ``scores``."""
        best: dict[str, float] = {}
        for i, s in ranking:
            best.setdefault(groups[i], s)
        per_unit = {g: weight / b for g, b in best.items() if b > 0}
        for i, s in ranking:
            unit = per_unit.get(groups[i])
            if unit is not None:
                scores[i] = scores.get(i, 0.0) + s * unit
