"""Fusions that balance the languages of another fusion's ranking, and the fusion search uses.

A Chinese question has BM25 matches only among Chinese sentences, so a plain fusion lets them fill the
first places (issue #19). Each fusion here reorders an inner fusion's list (:mod:`regenkg.query.fuse`):
:class:`LanguageSlots` (the dense ranking decides how many sentences of each language come where; another
fusion decides which), :class:`Interleave` (a fixed quota: languages alternate), :class:`LanguageQuota`
(the query's language keeps the first places but one, which goes to the other language's best sentence),
:class:`LanguageBounds` (another fusion's ranking with the other language's share of the first five
bounded; over the per-language score fusion), :class:`LearnedOtherOrder` (those bounds, with the other
language's sentences in the order of a learned score; measured, not the default).

:func:`default_fusion` (with the RRF settings) is what ``KnowledgeBase.search`` uses;
docs/decisions/20261201-hybrid-fusion.md says why, with the measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fuse import Candidates, Fusion, GroupedRRF, ScoreFusion
from .learned import OTHER_LANGUAGE_WEIGHTS, learned_scores

__all__ = ["DEFAULT_FUSION", "Interleave", "LanguageBounds", "LanguageQuota", "LanguageSlots", "LearnedOtherOrder",
           "default_fusion"]


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


@dataclass(frozen=True)
class _Given:
    """A fusion that returns a ranking already made (so :class:`LearnedOtherOrder` fuses once)."""

    ranking: tuple[tuple[int, float], ...]
    uses_bridge: bool = False
    uses_mentions: bool = False
    uses_romanised: bool = False
    uses_relations: bool = False
    uses_documents: bool = False

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        return list(self.ranking[:limit])


@dataclass(frozen=True)
class LearnedOtherOrder(_Wraps):
    """:class:`LanguageBounds` over ``within``, the other language's sentences reordered by a learned score.

    Which places each language gets, and the order of the query's own language, are those of
    ``LanguageBounds(within, least)``; the other language's places are filled, best first, by
    :func:`~regenkg.query.learned.learned_scores` of its candidates (a logistic model trained on the
    private cross-lingual pairs: docs/decisions/20261202-learned-other-language.md). Each place keeps
    its score, so scores never rise down the list.

    >>> c = Candidates([(1, .9), (2, .8), (3, .6), (4, .5)], [], {1: "en", 2: "en", 3: "zh", 4: "zh"},
    ...                query_group="en", windows=[(4, 1.0)])
    >>> [i for i, _ in LanguageBounds(ScoreFusion(per_group=True))(c, 4)]
    [1, 3, 2, 4]
    >>> [i for i, _ in LearnedOtherOrder(ScoreFusion(per_group=True))(c, 4)]  # 4 names the entities
    [1, 4, 2, 3]
    """

    within: Fusion = field(default_factory=lambda: ScoreFusion(1.0, 0.5, bridge=True, mention_weight=1.0,
                                                               per_group=True))
    least: int = 1
    weights: tuple[float, ...] = OTHER_LANGUAGE_WEIGHTS

    def __call__(self, candidates: Candidates, limit: int) -> list[tuple[int, float]]:
        inner = self.within(candidates, max(limit, 5, len(candidates.groups)))
        if not inner:
            return []
        placed = LanguageBounds(_Given(tuple(inner)), least=self.least)(candidates, limit)
        groups = candidates.groups
        own_group = candidates.query_group or groups[inner[0][0]]
        other = [i for i, _ in inner if groups[i] != own_group]
        if len(other) < 2:
            return placed
        learned = learned_scores(candidates, dict(inner), other, self.weights)
        position = {i: n for n, i in enumerate(other)}
        queue = iter(sorted(other, key=lambda i: (-learned[position[i]], position[i])))
        return [(next(queue), score) if groups[i] != own_group else (i, score) for i, score in placed]


def default_fusion(rrf_k: int = 60, dense_weight: float = 1.0, lexical_weight: float = 0.5,
                   mention_weight: float = 1.0, romanised_weight: float = 1.5, relation_weight: float = 0.1,
                   document_weight: float = 0.3, learned: bool = False) -> Fusion:
    """The fusion search uses (chosen on the private pairs: docs/decisions/20261201-hybrid-fusion.md and
    docs/decisions/20261202-learned-other-language.md).

    :class:`ScoreFusion` per language group: the cosine scaled within each language (its best sentence 1),
    plus ``lexical_weight`` × BM25 of the bridged query over the language's best, plus ``mention_weight``
    × the (rarity-weighted) share of the query's entities the sentence and the one before it mention, plus
    ``romanised_weight`` × BM25 of the query's romanised names over the language's best, plus
    ``relation_weight`` where the sentence speaks of the relation the query asks about, plus
    ``document_weight`` × the best mention share of its document; :class:`LanguageBounds` then keeps at
    least one of the first five places for the other language's best sentence. With ``learned``
    (:class:`LearnedOtherOrder`, measured, not the default: it was no better on the private pairs and one
    pair worse per direction on the holdout pairs) the other language's places go to its sentences in
    the order of the learned score. ``rrf_k`` is unused here
    and kept so that every fusion is built from the same settings.
    """
    del rrf_k  # the score fusion has no rank constant
    within = ScoreFusion(dense_weight, lexical_weight, bridge=True, mention_weight=mention_weight, per_group=True,
                         romanised_weight=romanised_weight, relation_weight=relation_weight,
                         document_weight=document_weight, mention_window=True)
    return LearnedOtherOrder(within, least=1) if learned else LanguageBounds(within, least=1)


DEFAULT_FUSION: Fusion = default_fusion()
