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
    """One source article, as ingested.

    Attributes:
        id: sha256 (hex) of the normalised text: the same article renamed or re-encoded has the same id.
        title: from the front matter, the first ``title|subtitle`` line, or the file name.
        text: the normalised text; sentence offsets point into it.
        body_start: where the body begins in ``text`` (after a title line or front matter; 0 for HTML/JSONL).
        path: the file it was read from.
        date: the article's date from its front matter, if any.
        lang: the document's main language (``en``, ``zh-Hant``, ``zh-Hans``), if detected.
        sources: source URLs from the front matter.
        encoding: the encoding the file was decoded from.

    >>> Document(id="ab12", title="Kite", text="Gilead acquired Kite.", path="a.md").lang is None
    True
    """

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
    """A sentence with exact offsets: ``document.text[start:end] == text``.

    Attributes:
        id: stable 63-bit id (:func:`sentence_id` of the document id and ``n``); also its FAISS id.
        doc_id: the :class:`Document` it belongs to.
        n: its position in the document, from 0.
        start: character offset of its first character in the document text.
        end: character offset just past its last character.
        lang: ``en``, ``zh-Hant`` or ``zh-Hans``.
        text: the sentence.
        tokens: its BM25 tokens (jieba words for Chinese, folded to one script).

    >>> s = Sentence(id=sentence_id("ab12", 0), doc_id="ab12", n=0, start=0, end=21, lang="en",
    ...              text="Gilead acquired Kite.")
    >>> s.end - s.start == len(s.text)
    True
    """

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
    """A span of a sentence that names an entity.

    Attributes:
        sentence_id: the :class:`Sentence` it occurs in.
        start: offset of the span in the sentence text.
        end: offset just past the span.
        surface: the text as written (``葛蘭素史克``, ``GSK``).
        kind: the ontology class local name, e.g. ``Company``, ``Modality``.
        entity: the entity IRI once linked, else None.
        curated: whether the entity comes from the gazetteer (False: discovered in the text).

    >>> Mention(sentence_id=1, start=0, end=3, surface="GSK", kind="Company").entity is None
    True
    """

    sentence_id: int
    start: int  # offsets into the sentence text
    end: int
    surface: str
    kind: str  # ontology class local name, e.g. "Company", "Modality"
    entity: str | None = None
    curated: bool = True


@dataclass(frozen=True)
class Relation:
    """A fact extracted from one sentence, with the rule that found it.

    Attributes:
        subject: subject entity IRI.
        predicate: ontology property local name (``develops``, ``acquired``…).
        object: object entity IRI.
        sentence_id: the sentence that states it (its evidence).
        doc_id: the document of that sentence.
        rule: name of the extraction rule that matched.
        confidence: the rule's confidence, 0–1.

    >>> Relation("rkgr:company/gsk", "develops", "rkgr:modality/tcr-t", 1, "ab12", "develops-modality", 0.85).predicate
    'develops'
    """

    subject: str
    predicate: str
    object: str
    sentence_id: int
    doc_id: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Entity:
    """A thing in the graph with its labels per language.

    Attributes:
        iri: its IRI, e.g. ``https://w3id.org/regenkg/id/company/gsk``.
        type: its ontology class local name.
        labels: ``{"en": …, "zh-Hant": …, "zh-Hans": …}``.
        aliases: other names it is found by.
        curated: from the gazetteer (True) or discovered in the text (False).
        wikidata: its Wikidata id, when known.

    >>> Entity("https://w3id.org/regenkg/id/company/gsk", "PharmaCompany", {"en": "GSK", "zh-Hant": "葛蘭素史克"}).label("zh-Hans")
    '葛蘭素史克'
    """

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
    """A sentence that proves something, located in its document.

    Attributes:
        sentence: the sentence id (a 63-bit integer: JSON forms write it as a string).
        doc: the document id.
        title: the document's title.
        lang: the sentence's language.
        text: the sentence.
        start: its offset in the document text.
        end: the offset just past it.

    >>> Evidence(42, "ab12", "Kite", "en", "Gilead acquired Kite.", 0, 21).text
    'Gilead acquired Kite.'
    """

    sentence: int
    doc: str
    title: str
    lang: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """One search result: a sentence with its fused, dense and lexical scores.

    Attributes:
        sentence: the sentence id.
        doc: the document id.
        title: the document's title.
        lang: the sentence's language.
        text: the sentence.
        start: its offset in the document text.
        end: the offset just past it.
        score: the fused (reciprocal-rank) score the hits are sorted by.
        dense: cosine similarity of the embeddings, if the dense search found it.
        lexical: BM25 score, if the lexical search found it.

    >>> Hit(42, "ab12", "Kite", "en", "Gilead acquired Kite.", 0, 21, score=0.03, dense=0.84).lexical is None
    True
    """

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
    """One answer entity with the relation that makes it an answer and its evidence.

    Attributes:
        iri: the answer entity's IRI.
        label: its label in the question's language.
        labels: its labels in every language.
        type: its ontology class local name.
        relation: the property linking it to the question's entity (``develops``…).
        score: graph confidence plus evidence similarity; answers are sorted by it.
        evidence: the sentences that state the fact.
        sides: for a comparison, each compared company's evidence for this row.

    >>> AnswerItem("https://w3id.org/regenkg/id/company/gsk", "GSK", {"en": "GSK"}, "PharmaCompany", "develops", 1.3).evidence
    ()
    """

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
    """The answer to a question: entities, their proof, the SPARQL that ran, and fallback passages.

    In Jupyter it shows as a table; :meth:`to_df` gives one row per answer and evidence sentence.

    Attributes:
        question: the question as asked.
        intent: the recognised question type (``who_develops``…), None when none was recognised.
        entities: IRIs of the entities linked in the question.
        answers: the graph's answers, best first (empty: see ``passages``).
        sparql: the SPARQL that ran, if any.
        passages: closest sentences from hybrid search when the graph had no answer.
        lang: the question's language; labels are given in it.
        understood: what the question was read as (relation, answer end, entities with roles, constraints
            with whether each could be evaluated, unused words, a one-line text).
        notes: what could not be used or evaluated, said to the user instead of a silently wrong answer.

    >>> Answer("what is the weather", None, (), ()).found
    False
    """

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


# JSON has one number type, a double: integers above 2**53 (sentence ids are 63-bit) lose their last digits
# in JavaScript and in most JSON parsers, so ids are written as strings.


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """JSON form of a search hit (the ``hits`` items of `regenkg search --format json` and ``/api/search``).

    >>> hit_to_dict(Hit(9007199254740993, "d1", "T", "en", "x", 0, 1, 0.5))["sentence"]
    '9007199254740993'
    """
    return {"sentence": str(hit.sentence), "doc": hit.doc, "title": hit.title, "lang": hit.lang, "text": hit.text,
            "start": hit.start, "end": hit.end, "score": hit.score, "dense": hit.dense, "lexical": hit.lexical}


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """JSON form of an evidence sentence (its id as a string)."""
    return {"sentence": str(ev.sentence), "doc": ev.doc, "title": ev.title, "lang": ev.lang, "text": ev.text,
            "start": ev.start, "end": ev.end}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """JSON form of an answer (what `regenkg ask --format json` prints and ``/api/ask`` returns)."""
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


def entity_to_dict(view: EntityView) -> dict[str, Any]:
    """JSON form of an entity view (`regenkg entity --format json`, ``/api/entity/…``): evidence ids as strings.

    Args:
        view: what ``KnowledgeBase.entity`` returns.
    """
    data = view.to_dict()
    data["relations"] = [
        {**rel, "evidence": [{**ev, "sentence": str(ev["sentence"])} for ev in rel.get("evidence", ())]}
        for rel in data["relations"]
    ]
    return data


__all__ += ["hit_to_dict", "evidence_to_dict", "answer_to_dict", "entity_to_dict"]
