"""Evidence ranking: the sentences behind a fact, most similar to the question first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from ..index.store import SentenceTable
from ..index.vectors import VectorIndex
from ..records import Evidence

__all__ = ["EvidenceRanker", "EvidenceSource"]


class EvidenceSource(Protocol):
    """Where evidence comes from (a :class:`~regenkg.kb.KnowledgeBase` is one; components load on use)."""

    @property
    def table(self) -> SentenceTable: ...

    @property
    def vectors(self) -> VectorIndex: ...

    @property
    def titles(self) -> Mapping[str, str]: ...


class EvidenceRanker:
    """Sentences by id, located in their documents, ranked by similarity to a question vector.

    Args:
        source: the sentence table, the vectors and the document titles; the vectors are read only
            when a question vector is given.
    """

    def __init__(self, source: EvidenceSource) -> None:
        self.source = source

    def __call__(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]:
        """Rank ``sentence_ids`` (unknown ids are dropped).

        Args:
            sentence_ids: the sentences that state a fact.
            qvec: the question's vector; without it every similarity is 0 and the given order is kept.

        Returns:
            ``(evidence, similarity)`` pairs, most similar first (ties keep the given order).
        """
        if not sentence_ids:
            return []
        rows = self.source.table.sentences(sentence_ids)
        ids = [sid for sid in sentence_ids if sid in rows]
        sims = np.zeros(len(ids), dtype=np.float32)
        if qvec is not None and ids:
            vectors = self.source.vectors
            arr = np.asarray(ids, dtype=np.int64)
            known = vectors.present(arr)
            if known.any():
                # One batch: the known sentences' vectors against the question; unknown ones stay 0.
                sims[known] = vectors.vectors(arr[known]) @ np.asarray(qvec, dtype=np.float32).reshape(-1)
        order = np.argsort(-sims, kind="stable")
        titles = self.source.titles
        out = []
        for i in order:
            s = rows[ids[i]]
            out.append((Evidence(s.id, s.doc_id, titles.get(s.doc_id, ""), s.lang, s.text, s.start, s.end),
                        float(sims[i])))
        return out
