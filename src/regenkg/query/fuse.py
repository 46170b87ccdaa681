"""Fusion of ranked result lists: dense (cosine) and lexical (BM25) sentence rankings into one.

The pieces are small and pure so that search, ask and the retrieval evaluation
(:mod:`regenkg.evaluate.retrieval`) run exactly the same code:

* :func:`rrf` — weighted reciprocal-rank fusion of any rankings;
* :class:`Candidates` — what one query retrieved (dense and lexical lists, each sentence's language group);
* fusions, each a callable ``(candidates, limit) -> [(id, score)]``: :class:`DenseOnly`, :class:`LexicalOnly`,
  :class:`GroupedRRF` (the fusion before issue #19), :class:`ScoreFusion` (normalised scores, the way
  txtai's hybrid search combines them), :class:`LanguageSlots` (the dense ranking decides how many
  sentences of each language come where; another fusion decides which), :class:`Interleave` (a fixed
  quota: languages alternate), :class:`LanguageQuota` (the query's language keeps the first places but
  one, which goes to the other language's best sentence), :class:`LanguageBounds` (another fusion's
  ranking with the other language's share of the first five bounded; over the per-language score
  fusion, the default);
* :class:`LabelBridge` — the query's names mapped to their labels and aliases in every language, so the
  lexical side can match sentences in the other language too.

:class:`ScoreFusion` also reads the within-language signals search computes (issue #19, fourth pass):
romanised names (:mod:`regenkg.index.roman`), relation words (:mod:`regenkg.index.relwords`) and the
entity mentions of a sentence's document.

:func:`default_fusion` (with the RRF settings) is what ``KnowledgeBase.search`` uses;
docs/decisions/20261201-hybrid-fusion.md says why, with the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "DEFAULT_FUSION",
    "Candidates",
    "DenseOnly",
    "Fusion",
    "GroupedRRF",
    "Interleave",
    "LabelBridge",
    "LanguageBounds",
    "LanguageQuota",
    "LanguageSlots",
    "LexicalOnly",
    "ScoreFusion",
    "default_fusion",
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

    def known(self, ranking: Ranking) -> list[tuple[int, float]]:
        """``ranking`` without ids of unknown sentences, first occurrence of each id only."""
        seen: set[int] = set()
        out = []
        for id_, score in ranking:
            if id_ in self.groups and id_ not in seen:
                seen.add(id_)
                out.append((id_, score))
        return out


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
    query's best (:attr:`Candidates.documents`).

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
            for i, share in candidates.known(candidates.mentions):
                scores[i] = scores.get(i, 0.0) + self.mention_weight * share
        order = {i: n for n, (i, _) in enumerate(dense)}
        ranked = sorted(scores, key=lambda i: (-scores[i], order.get(i, len(order)), i))
        return [(i, scores[i]) for i in ranked[:limit]]

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


class _Wraps:
    """A fusion that reorders another one's list: it needs what the inner fusion needs (bridge, mentions)."""

    within: Fusion

    @property
    def uses_bridge(self) -> bool:
        return self.within.uses_bridge

    @property
    def uses_mentions(self) -> bool:
        return self.within.uses_mentions

    @property
    def uses_romanised(self) -> bool:
        return self.within.uses_romanised

    @property
    def uses_relations(self) -> bool:
        return self.within.uses_relations

    @property
    def uses_documents(self) -> bool:
        return self.within.uses_documents


@dataclass(frozen=True)
class LanguageSlots(_Wraps):
    """The dense ranking decides which language each rank gets; ``within`` decides which sentence.

    Rank *n* of the result goes to the language group of the dense ranking's *n*-th sentence, filled
    with that group's best sentence still unused in ``within``'s ranking (then in the dense one). The
    share of each language among the first *k* results is thus exactly the dense model's, whatever
    the lexical side adds.
    """

    within: Fusion = field(default_factory=GroupedRRF)

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        dense = candidates.known(candidates.dense)
        inner = self.within(candidates, max(limit, len(candidates.groups)))
        queues: dict[str, list[tuple[int, float]]] = {"en": [], "zh": []}
        for i, s in [*inner, *dense]:
            queues[candidates.groups[i]].append((i, s))
        used: set[int] = set()
        out: list[tuple[int, float]] = []
        slots = [candidates.groups[i] for i, _ in dense] + [candidates.groups[i] for i, _ in inner]
        position = dict.fromkeys(queues, 0)
        for group in slots:
            if len(out) >= limit:
                break
            queue = queues[group]
            while position[group] < len(queue) and queue[position[group]][0] in used:
                position[group] += 1
            if position[group] < len(queue):
                i, _ = queue[position[group]]
                used.add(i)
                out.append((i, 0.0))
        # Scores descend with rank so that callers sorting by score keep this order.
        return [(i, 1.0 / (n + 1)) for n, (i, _) in enumerate(out)]


@dataclass(frozen=True)
class Interleave(_Wraps):
    """Alternate languages rank by rank, the query's own first; ``within`` orders each language.

    A fixed quota: of the first 5 results, 3 are in the query's language and 2 in the other (while
    both have sentences left).
    """

    within: Fusion = field(default_factory=GroupedRRF)

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        inner = self.within(candidates, max(limit, len(candidates.groups)))
        own = candidates.query_group or "en"
        queues = [[i for i, _ in inner if candidates.groups[i] == own],
                  [i for i, _ in inner if candidates.groups[i] != own]]
        out: list[int] = []
        for n in range(max(len(q) for q in queues) if any(queues) else 0):
            out += [q[n] for q in queues if n < len(q)]
        return [(i, 1.0 / (n + 1)) for n, i in enumerate(out[:limit])]


@dataclass(frozen=True)
class LanguageQuota(_Wraps):
    """The first ``top`` results: the query's language first, one guaranteed slot for the other language.

    ``within`` ranks every sentence. Of its first ``top`` places, the query's own language keeps all but
    ``least`` (the other language's best sentences, by ``within``, at rank ``position`` at the latest or
    earlier where ``within`` puts them higher). A further sentence of the other language takes a place only
    where ``within`` ranks it above the own-language sentence it displaces *and* the dense model agrees
    (its cosine is at least that sentence's): the two languages share five slots, and the lexical and
    mention votes that lift the other language's best sentence would otherwise also push out the
    own-language sentence the dense model ranked right. Below ``top`` the order is ``within``'s.

    Scores are ``within``'s, capped so that they never rise down the list.

    Args:
        within: the fusion that ranks the sentences (default: grouped RRF of dense, bridged BM25 and
            mentions).
        least: places of the other language in the first ``top`` (while it has candidates).
        top: how many first places the quota governs.
        position: the latest rank of the other language's best sentence.

    >>> c = Candidates(dense=[(1, .90), (2, .88), (3, .86), (4, .85), (5, .84), (6, .70), (7, .69)],
    ...                lexical=[], groups={1: "zh", 2: "zh", 3: "zh", 4: "zh", 5: "zh", 6: "en", 7: "en"},
    ...                query_group="zh")
    >>> [i for i, _ in LanguageQuota(DenseOnly(), position=3)(c, 6)]  # English 6 takes rank 3
    [1, 2, 6, 3, 4, 5]
    """

    within: Fusion = field(default_factory=lambda: GroupedRRF(bridge=True, bridge_own=True, mention_weight=1.0))
    least: int = 1
    top: int = 5
    position: int = 3

    def __post_init__(self) -> None:
        if self.least < 0 or self.top < 0 or self.position < 1:
            raise ValueError(f"least and top must be ≥ 0 and position ≥ 1, got {self.least}, {self.top}, "
                             f"{self.position}")

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        inner = self.within(candidates, max(limit, len(candidates.groups)))
        if not inner:
            return []
        groups = candidates.groups
        dense = candidates.known(candidates.dense)
        own_group = candidates.query_group or groups[(dense or inner)[0][0]]
        cosine = dict(dense)
        rank = {i: n for n, (i, _) in enumerate(inner)}
        own = [x for x in inner if groups[x[0]] == own_group]
        other = [x for x in inner if groups[x[0]] != own_group]
        head: list[tuple[int, float]] = []
        placed = oi = wi = 0
        while len(head) < min(self.top, len(inner)):
            if wi >= len(own) or oi >= len(other):
                take_other = wi >= len(own)
            else:
                o, w = other[oi][0], own[wi][0]
                preferred = rank[o] < rank[w]
                if placed < self.least:
                    take_other = preferred or len(head) + 1 >= self.position
                else:
                    take_other = preferred and cosine.get(o, -2.0) >= cosine.get(w, -2.0)
            if take_other:
                head.append(other[oi])
                oi += 1
                placed += 1
            else:
                head.append(own[wi])
                wi += 1
        used = {i for i, _ in head}
        out: list[tuple[int, float]] = []
        ceiling = float("inf")
        for i, score in [*head, *(x for x in inner if x[0] not in used)][:limit]:
            ceiling = min(ceiling, score)
            out.append((i, ceiling))
        return out


@dataclass(frozen=True)
class LanguageBounds(_Wraps):
    """``within``'s ranking with the other language's share of the first ``top`` places bounded.

    Of the first ``top`` results at least ``least`` and at most ``most`` are sentences in the other
    language than the query's (while each language has candidates); which sentences of each language,
    and in which order, is ``within``'s. With ``least = 1`` the other language's best sentence always
    gets a place even where the query's own language outscores it everywhere (a Chinese question's
    best English sentence, whose cosine the model compresses); ``most`` keeps places for the query's
    own language when lexical and mention votes lift many sentences of the other. Below ``top`` the
    order is ``within``'s. Scores are ``within``'s, capped so that they never rise down the list.

    >>> c = Candidates(dense=[(1, .90), (2, .88), (3, .86), (4, .85), (5, .84), (6, .70)], lexical=[],
    ...                groups={1: "zh", 2: "zh", 3: "zh", 4: "zh", 5: "zh", 6: "en"}, query_group="zh")
    >>> [i for i, _ in LanguageBounds(DenseOnly())(c, 6)]   # English 6 takes the fifth place
    [1, 2, 3, 4, 6, 5]
    """

    within: Fusion = field(default_factory=lambda: ScoreFusion(1.0, 0.5, bridge=True, mention_weight=1.0,
                                                               per_group=True))
    least: int = 1
    most: int = 5
    top: int = 5

    def __post_init__(self) -> None:
        if not 0 <= self.least <= self.most or self.top < 0:
            raise ValueError(f"need 0 ≤ least ≤ most and top ≥ 0, got least={self.least}, most={self.most}, "
                             f"top={self.top}")

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        inner = self.within(candidates, max(limit, self.top, len(candidates.groups)))
        if not inner:
            return []
        groups = candidates.groups
        own_group = candidates.query_group or groups[inner[0][0]]
        # Positions in ``inner`` of each language's first ``top`` sentences (no language needs more).
        own: list[int] = []
        other: list[int] = []
        for n, (i, _) in enumerate(inner):
            side = own if groups[i] == own_group else other
            if len(side) < self.top:
                side.append(n)
                if len(own) >= self.top and len(other) >= self.top:
                    break
        wanted = sum(n < self.top for n in other)
        n_other = min(max(self.least, min(self.most, wanted)), len(other))
        n_own = min(self.top - n_other, len(own))
        n_other = min(self.top - n_own, len(other))
        head = [inner[n] for n in sorted(own[:n_own] + other[:n_other])]
        used = {i for i, _ in head}
        out: list[tuple[int, float]] = []
        ceiling = float("inf")
        for i, score in [*head, *(x for x in inner if x[0] not in used)][:limit]:
            ceiling = min(ceiling, score)
            out.append((i, ceiling))
        return out


class LabelBridge:
    """The other names of the entities a query mentions: labels in every language and aliases.

    A Chinese query naming 諾華 gains "Novartis" (and the reverse), so BM25 can match sentences in the
    other language; Traditional and Simplified forms already meet through the tokenizer's OpenCC folding.

    Args:
        find: the gazetteer matcher's ``find`` (text → matches with ``.iri`` and ``.surface``).
        names: IRIs → every name of each (labels in all languages and aliases), like ``GraphLookup.names``.
        fold: the matching key of a name, to leave out names the query already contains.
    """

    def __init__(self, find: Callable[[str], Iterable[Any]],
                 names: Callable[[Sequence[str]], Mapping[str, Sequence[str]]],
                 fold: Callable[[str], str] = str.lower) -> None:
        self._find = find
        self._names = names
        self._fold = fold

    def terms(self, query: str) -> list[str]:
        """The other names of every entity found in ``query``, each once, in the order found.

        >>> from types import SimpleNamespace as M
        >>> names = {"x:nvs": ["Novartis", "诺华", "諾華"]}
        >>> bridge = LabelBridge(lambda q: [M(iri="x:nvs", surface="諾華")] if "諾華" in q else [],
        ...                      lambda iris: {i: names[i] for i in iris})
        >>> bridge.terms("諾華授權了什麼")
        ['Novartis', '诺华']
        """
        matches = list(self._find(query))
        if not matches:
            return []
        names = self._names(list(dict.fromkeys(m.iri for m in matches)))
        seen = {self._fold(m.surface) for m in matches}
        out: list[str] = []
        for match in matches:
            for name in names.get(match.iri, ()):
                key = self._fold(name)
                if key not in seen:
                    seen.add(key)
                    out.append(name)
        return out


def default_fusion(rrf_k: int = 60, dense_weight: float = 1.0, lexical_weight: float = 0.5,
                   mention_weight: float = 1.0, romanised_weight: float = 1.5, relation_weight: float = 0.1,
                   document_weight: float = 0.3) -> Fusion:
    """The fusion search uses (chosen on the private pairs: docs/decisions/20261201-hybrid-fusion.md).

    :class:`ScoreFusion` per language group: the cosine scaled within each language (its best sentence 1),
    plus ``lexical_weight`` × BM25 of the bridged query over the language's best, plus ``mention_weight``
    × the (rarity-weighted) share of the query's entities the sentence mentions, plus ``romanised_weight``
    × BM25 of the query's romanised names over the language's best, plus ``relation_weight`` where the
    sentence speaks of the relation the query asks about, plus ``document_weight`` × the best mention
    share of its document; :class:`LanguageBounds` then keeps at least one of the first five places for
    the other language's best sentence. ``rrf_k`` is unused here and kept so that every fusion is built
    from the same settings.
    """
    del rrf_k  # the score fusion has no rank constant
    return LanguageBounds(ScoreFusion(dense_weight, lexical_weight, bridge=True, mention_weight=mention_weight,
                                      per_group=True, romanised_weight=romanised_weight,
                                      relation_weight=relation_weight, document_weight=document_weight), least=1)


DEFAULT_FUSION: Fusion = default_fusion()
