"""What the planner's steps share: the :class:`Lookup` protocol, a plan, and one fact read from a result row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pyoxigraph

from ..records import Evidence

__all__ = ["Lookup", "Plan", "_Fact", "_local", "_sid", "fact_order"]


@runtime_checkable
class Lookup(Protocol):
    """What the planner needs to know about entities and sentences besides the graph store.

    ``regenkg.query.lookup.GraphLookup`` satisfies it; any object with these methods does.
    """

    def narrower(self, iri: str) -> set[str]:
        """``iri`` and every concept below it in the SKOS hierarchy."""

    def labels(self, iris: Sequence[str]) -> dict[str, dict[str, str]]:
        """Preferred label per language tag for each IRI."""

    def names(self, iris: Sequence[str]) -> dict[str, list[str]]:
        """Every label and alias of each IRI."""

    def types(self, iris: Sequence[str]) -> dict[str, str]:
        """The one type shown to users (``PharmaCompany``, ``Modality`` …) of each IRI."""

    def evidence(self, sentence_ids: Sequence[int], qvec: np.ndarray | None) -> list[tuple[Evidence, float]]:
        """The sentences, most similar to ``qvec`` first, with their similarity."""


@dataclass(frozen=True)
class Plan:
    """The SPARQL that answers a question, the entities it binds, and whether it was composed."""

    intent: str
    sparql: str
    targets: tuple[str, ...]
    composed: bool = False


@dataclass
class _Fact:
    """One fact an answer rests on: its predicate, sentence, the other end, and the deal's attributes."""

    pred: str
    sid: int | None
    conf: float
    other: str | None = None
    status: str | None = None
    year: int | None = None
    date: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_kind: str | None = None
    hops: tuple[int, ...] = ()
    answer_is_subject: bool | None = None  # the answer is the fact's subject (None: not known)


def _local(term: pyoxigraph.NamedNode | None) -> str | None:
    return term.value.rsplit("#", 1)[-1] if term is not None else None


def _sid(term: object) -> int | None:
    if isinstance(term, pyoxigraph.NamedNode) and "/sentence/" in term.value:
        tail = term.value.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None
    return None


# Confirmed deals first, then announced ones, then plain assertions (no deal event), then deals that did
# not happen or are only rumoured.
_STATUS_RANK = {"Completed": 0, "Announced": 1, None: 2, "Terminated": 3, "Denied": 4, "Rumoured": 5}


def fact_order(f: _Fact) -> tuple:
    """Sort key of one answer's facts: the order its relation text lists them in.

    SPARQL rows come in whatever order the store's plan yields them, so the facts are ordered by what
    they say instead: status (completed, announced, asserted, terminated, denied, rumoured), a stated
    amount first, the most recent date or year first, higher confidence first, then sentence, other
    end, predicate and hops so that equal facts keep one order.
    """
    when = f.date or (str(f.year) if f.year is not None else "")
    return (_STATUS_RANK.get(f.status, 6), f.amount is None, _Desc(when), -f.conf,
            f.sid if f.sid is not None else -1, f.other or "", f.pred, f.hops, f.answer_is_subject is not True)


class _Desc(str):
    """A string that sorts in reverse (the most recent ISO date first; no date last)."""

    __slots__ = ()

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)
