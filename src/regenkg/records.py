"""Frozen records passed between pipeline stages.

Document → Sentence → Mention → Relation → Entity → Hit → Answer. Stages pass iterables of these,
never dicts of dicts, so each stage can be tested alone. This module is pure data: how records show in
a notebook (``answer.to_df()``, ``_repr_html_``) is registered by :mod:`regenkg.explore.frames`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Lang",
    "Document",
    "Sentence",
    "Skipped",
    "Mention",
    "Relation",
    "Entity",
    "Hit",
    "Evidence",
    "AnswerItem",
    "Answer",
    "EntityView",
    "sentence_id",
    "pick_label",
]

Lang = Literal["en", "zh-Hant", "zh-Hans"]


_FALLBACK = {"en": ("en", "zh-Hant", "zh-Hans"), "zh-Hant": ("zh-Hant", "zh-Hans", "en"),
             "zh-Hans": ("zh-Hans", "zh-Hant", "en")}


def pick_label(labels: dict[str, str], lang: str, iri: str = "") -> str:
    """The label in ``lang``, else the other Chinese script, else any; never empty.

    >>> pick_label({"en": "Novartis", "zh-Hant": "諾華"}, "zh-Hans")
    '諾華'
    """
    for key in _FALLBACK.get(lang, (lang, "en", "zh-Hant", "zh-Hans")):
        if labels.get(key):
            return labels[key]
    return next(iter(labels.values()), iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def sentence_id(doc_id: str, n: int) -> int:
    """Stable 63-bit id of sentence ``n`` of document ``doc_id`` (usable as a FAISS id).

    >>> sentence_id("abc", 0) == sentence_id("abc", 0)
    True
    """
    digest = hashlib.blake2b(f"{doc_id}:{n}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class Document:
    """One source article. ``id`` is the sha256 of its normalised text."""

    id: str
    title: str
    text: str
    path: str
    date: str | None = None
    lang: str | None = None
    sources: tuple[str, ...] = ()
    encoding: str = "utf-8"
    body_start: int = 0  # where the body starts in ``text`` (after a title line or front matter)


@dataclass(frozen=True)
class Skipped:
    """A source file that was not ingested, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence with exact offsets: ``document.text[start:end] == text``."""

    id: int
    doc_id: str
    n: int
    start: int
    end: int
    lang: Lang
    text: str
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A span of a sentence that names an entity (``entity`` is its IRI once linked)."""

    sentence_id: int
    start: int  # offsets into the sentence text
    end: int
    surface: str
    kind: str  # ontology class local name, e.g. "Company", "Modality"
    entity: str | None = None
    curated: bool = True


@dataclass(frozen=True)
class Relation:
    """A fact extracted from one sentence, with the rule that found it."""

    subject: str
    predicate: str
    object: str
    sentence_id: int
    doc_id: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Entity:
    """A thing in the graph with its labels per language."""

    iri: str
    type: str
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    aliases: tuple[str, ...] = ()
    curated: bool = True
    wikidata: str | None = None

    def label(self, lang: str = "en") -> str:
        """Best label for ``lang`` (falls back across scripts, then to any label)."""
        return pick_label(self.labels, lang, self.iri)


@dataclass(frozen=True)
class Evidence:
    """A sentence that proves something, located in its document."""

    sentence: int
    doc: str
    title: str
    lang: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """One search result: a sentence with its fused, dense and lexical scores."""

    sentence: int
    doc: str
    title: str
    lang: str
    text: str
    start: int
    end: int
    score: float
    dense: float | None = None
    lexical: float | None = None


@dataclass(frozen=True)
class AnswerItem:
    """One answer entity with the relation that makes it an answer and its evidence."""

    iri: str
    label: str
    labels: dict[str, str]
    type: str
    relation: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    # Side-by-side comparisons: (compared entity IRI, its relation to this row, its evidence) per side.
    sides: tuple[tuple[str, str, tuple[Evidence, ...]], ...] = ()


@dataclass(frozen=True)
class Answer:
    """The answer to a question: entities, their proof, the SPARQL that ran, and fallback passages."""

    question: str
    intent: str | None
    entities: tuple[str, ...]
    answers: tuple[AnswerItem, ...]
    sparql: str | None = None
    passages: tuple[Hit, ...] = ()
    lang: str = "en"
    # What the question was understood as (relation, entities, constraints, unused words) and notes on
    # what could not be evaluated; see regenkg.query.ask.
    understood: dict = field(default_factory=dict, hash=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Whether the graph answered (otherwise :attr:`passages` holds search fallbacks)."""
        return bool(self.answers)


@dataclass(frozen=True)
class EntityView:
    """An entity with its labels, type, and relations with their evidence."""

    iri: str
    type: str
    labels: dict[str, str]
    curated: bool
    relations: tuple[dict[str, Any], ...] = ()
    mentions: int = 0
    aliases: tuple[str, ...] = field(default=())

    def label(self, lang: str = "en") -> str:
        """Best label for ``lang`` (falls back across scripts, then to any label)."""
        return pick_label(self.labels, lang, self.iri)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (what `regenkg entity --json` prints)."""
        return {"iri": self.iri, "type": self.type, "labels": self.labels, "curated": self.curated,
                "aliases": list(self.aliases), "mentions": self.mentions, "relations": list(self.relations)}


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """JSON form of a search hit (the ``hits`` items of `regenkg search --json`)."""
    return {"sentence": hit.sentence, "doc": hit.doc, "title": hit.title, "lang": hit.lang, "text": hit.text,
            "start": hit.start, "end": hit.end, "score": hit.score, "dense": hit.dense, "lexical": hit.lexical}


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """JSON form of an evidence sentence."""
    return {"sentence": ev.sentence, "doc": ev.doc, "title": ev.title, "lang": ev.lang, "text": ev.text,
            "start": ev.start, "end": ev.end}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """JSON form of an answer (what `regenkg ask --json` prints and ``/api/ask`` returns)."""
    return {
        "question": answer.question,
        "intent": answer.intent,
        "lang": answer.lang,
        "entities": list(answer.entities),
        "answers": [{"iri": a.iri, "label": a.label, "labels": a.labels, "type": a.type, "relation": a.relation,
                     "score": a.score, "evidence": [evidence_to_dict(e) for e in a.evidence],
                     **({"sides": [{"iri": iri, "relation": rel, "evidence": [evidence_to_dict(e) for e in ev]}
                                   for iri, rel, ev in a.sides]} if a.sides else {})}
                    for a in answer.answers],
        "understood": answer.understood,
        "notes": list(answer.notes),
        "sparql": answer.sparql,
        "passages": [hit_to_dict(h) for h in answer.passages],
        "found": bool(answer.answers),
    }


__all__ += ["hit_to_dict", "evidence_to_dict", "answer_to_dict"]
