"""A learned relation layer: logistic regression over the entity-masked text between two organisations.

Trained by distant supervision from the rules' own output on a corpus (a pair the rules relate is a
positive of that relation and direction, any other pair of organisations in a sentence a negative), it
proposes deal relations for pairs the rules left unrelated. It is evaluated in
``benchmarks/bench_extract.py`` against the rules alone and is not part of the default build (see the
report there for why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from dataclasses import dataclass

from ..records import Relation, Sentence
from .extract import Extraction
from .match import fold_aligned

__all__ = ["RelationClassifier", "TermClassifier", "candidate_pairs", "term_pairs"]

LEARNED = ("acquired", "partneredWith", "licensedFrom", "soldTo", "jointVentureWith", "spunOutFrom")
SYMMETRIC = frozenset({"partneredWith", "jointVentureWith"})
_ORG_KINDS = frozenset({"Company", "PharmaCompany", "Biotech", "CDMO", "Hospital", "University"})


@dataclass(frozen=True)
class _Pair:
    sentence: Sentence
    a: tuple[int, int, str]  # start, end, IRI (a before b in the text)
    b: tuple[int, int, str]
    others: tuple[tuple[int, int], ...]


def candidate_pairs(sentences: Sequence[Sentence], extraction: Extraction, max_gap: int = 120) -> list[_Pair]:
    """Every pair of distinct organisation mentions at most ``max_gap`` characters apart in a sentence."""
    by_sent: dict[int, list[tuple[int, int, str]]] = {}
    for m in extraction.mentions:
        if m.entity and m.kind in _ORG_KINDS:
            by_sent.setdefault(m.sentence_id, []).append((m.start, m.end, m.entity))
    out: list[_Pair] = []
    for s in sentences:
        ms = sorted(set(by_sent.get(s.id, ())))
        for i, a in enumerate(ms):
            for b in ms[i + 1:]:
                if b[2] != a[2] and b[0] >= a[1] and b[0] - a[1] <= max_gap:
                    others = tuple((m[0], m[1]) for m in ms if m not in (a, b))
                    out.append(_Pair(s, a, b, others))
    return out


def _masked(p: _Pair) -> str:
    text = p.sentence.text
    lo, hi = max(0, p.a[0] - 40), min(len(text), p.b[1] + 40)
    spans = sorted([(p.a[0], p.a[1], " AAA "), (p.b[0], p.b[1], " BBB ")]
                   + [(a, b, " CCC ") for a, b in p.others if lo <= a and b <= hi])
    out, pos = [], lo
    for a, b, tag in spans:
        if a < pos:
            continue
        out += [text[pos:a], tag]
        pos = b
    out.append(text[pos:hi])
    return re.sub(r"\d", "0", fold_aligned("".join(out)))


def _label(p: _Pair, gold: dict[tuple[str, str], str]) -> str:
    fwd, rev = gold.get((p.a[2], p.b[2])), gold.get((p.b[2], p.a[2]))
    if fwd:
        return fwd
    if rev:
        return rev if rev in SYMMETRIC else rev + "^-1"
    return "none"


def _ngram_logistic(class_weight: str | None = None) -> Any:
    """Logistic regression over hashed character 2-4-grams and word 1-2-grams (a Han character is a word)."""
    from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import FeatureUnion, make_pipeline  # type: ignore[import-untyped]

    return make_pipeline(
        FeatureUnion([("char", HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=2 ** 18,
                                                 alternate_sign=False)),
                      ("word", HashingVectorizer(ngram_range=(1, 2), n_features=2 ** 16, alternate_sign=False,
                                                 token_pattern=r"(?u)\b\w+\b|[\u4e00-\u9fff]"))]),
        LogisticRegression(max_iter=2000, C=4.0, class_weight=class_weight))


class RelationClassifier:
    """Multinomial logistic regression over character and word n-grams of the masked pair context."""

    def __init__(self, threshold: float = 0.6):
        self.threshold = threshold
        self.model = _ngram_logistic()

    def fit(self, batches: Iterable[tuple[Sequence[Sentence], Extraction]]) -> RelationClassifier:
        """Distant supervision: the rules' positive relations (and deals of any status) label the pairs."""
        xs: list[str] = []
        ys: list[str] = []
        for sents, ex in batches:
            gold = {(r.subject, r.object): r.predicate for r in ex.relations if r.predicate in LEARNED}
            for d in ex.deals:  # a denied deal's pair is a "none" for direct edges: the rules decided
                if not d.positive and len(d.parties) == 2:
                    gold.setdefault((d.parties[0][1], d.parties[1][1]), "none")
            for p in candidate_pairs(sents, ex):
                xs.append(_masked(p))
                ys.append(_label(p, gold))
        self.classes_seen = sorted(set(ys))
        self.model.fit(xs, ys)
        return self

    def predict(self, sentences: Sequence[Sentence], extraction: Extraction) -> list[Relation]:
        """Relations for pairs the rules left unrelated, when the model is at least ``threshold`` sure."""
        known = {(r.subject, r.object) for r in extraction.relations} | {
            (r.object, r.subject) for r in extraction.relations}
        for d in extraction.deals:
            iris = [i for _, i in d.parties]
            known |= {(a, b) for a in iris for b in iris}
        pairs = [p for p in candidate_pairs(sentences, extraction) if (p.a[2], p.b[2]) not in known]
        if not pairs:
            return []
        probs = self.model.predict_proba([_masked(p) for p in pairs])
        labels = self.model.classes_
        out: list[Relation] = []
        for p, row in zip(pairs, probs):
            best = int(row.argmax())
            label, conf = labels[best], float(row[best])
            if label == "none" or conf < self.threshold:
                continue
            pred, s, o = (label[:-3], p.b[2], p.a[2]) if label.endswith("^-1") else (label, p.a[2], p.b[2])
            out.append(Relation(s, pred, o, p.sentence.id, p.sentence.doc_id, "learned", round(conf, 2)))
        return out


# ---------------------------------------------------------------- company → term (develops / targets)
_TERM_RELATION = {"Modality": "develops", "Indication": "targets"}
_COMPANY_KINDS = frozenset({"Company", "PharmaCompany", "Biotech", "CDMO"})


@dataclass(frozen=True)
class _TermPair:
    sentence: Sentence
    company: tuple[int, int, str]
    term: tuple[int, int, str, str]  # start, end, IRI, kind
    others: tuple[tuple[int, int, bool, bool], ...]  # start, end, is a company, is another entity


def term_pairs(sentences: Sequence[Sentence], extraction: Extraction, max_gap: int = 100) -> list[_TermPair]:
    """Every (company, modality or indication) pair of mentions at most ``max_gap`` characters apart."""
    by_sent: dict[int, list[Any]] = {}
    for m in extraction.mentions:
        if m.entity:
            by_sent.setdefault(m.sentence_id, []).append(m)
    out: list[_TermPair] = []
    for s in sentences:
        ms = sorted(by_sent.get(s.id, ()), key=lambda m: (m.start, m.end))
        for c in (m for m in ms if m.kind in _COMPANY_KINDS):
            for t in (m for m in ms if m.kind in _TERM_RELATION):
                if abs(t.start - c.end) <= max_gap:
                    # a second mention of the same company is masked like any company but is no other party
                    others = tuple((m.start, m.end, m.kind in _COMPANY_KINDS, m.entity != c.entity)
                                   for m in ms if m is not c and m is not t)
                    out.append(_TermPair(s, (c.start, c.end, c.entity), (t.start, t.end, t.entity, t.kind), others))
    return out


def _term_masked(p: _TermPair) -> str:
    text = p.sentence.text
    (cs, ce, _), (ts, te, _, _) = p.company, p.term
    lo, hi = max(0, min(cs, ts) - 50), min(len(text), max(ce, te) + 50)
    spans = sorted([(cs, ce, " AAA "), (ts, te, " TTT ")]
                   + [(a, b, " CCC " if comp else " OOO ") for a, b, comp, _ in p.others if lo <= a and b <= hi])
    out, pos = [], lo
    for a, b, tag in spans:
        if a < pos:
            continue
        out += [text[pos:a], tag]
        pos = b
    out.append(text[pos:hi])
    return ("before " if cs < ts else "after ") + re.sub(r"\d", "0", fold_aligned("".join(out)))


def _gated(p: _TermPair) -> bool:
    """Only pairs the rules' structure allows: the sentence's only company, in an R&D or product sentence, and no
    clause punctuation between the two unless the company owns what follows ("X's …", "X的…")."""
    from .extract.assets import _PRODUCT_CUE, _RND_CUE
    from .extract.patterns import _fold

    folded = _fold(p.sentence.text)
    a, b = min(p.company[0], p.term[0]), max(p.company[1], p.term[1])
    if re.search(r"[;；。,，]", folded[a:b]) and not re.match(r"(?:'s|’s|的)", folded[p.company[1]:p.company[1] + 3]):
        return False
    if any(comp and other for _, _, comp, other in p.others):
        return False
    return bool(_RND_CUE.search(folded) or _PRODUCT_CUE.search(folded))


class TermClassifier:
    """Logistic regression over the masked context of a (company, modality/indication) pair.

    Trained by distant supervision like :class:`RelationClassifier` (a pair the rules relate by develops/targets
    is a positive); it only scores pairs :func:`_gated` lets through, so that it judges the wording of R&D
    sentences whose structure already names one company, never a deal between two.
    """

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold
        self.model = _ngram_logistic(class_weight="balanced")

    def fit(self, batches: Iterable[tuple[Sequence[Sentence], Extraction]]) -> TermClassifier:
        """Distant supervision: every pair of every batch, labelled by whether the rules related it."""
        xs: list[str] = []
        ys: list[int] = []
        for sents, ex in batches:
            rel = {(r.subject, r.predicate, r.object) for r in ex.relations}
            for p in term_pairs(sents, ex):
                xs.append(_term_masked(p))
                ys.append(int((p.company[2], _TERM_RELATION[p.term[3]], p.term[2]) in rel))
        self.model.fit(xs, ys)
        return self

    def predict(self, sentences: Sequence[Sentence], extraction: Extraction) -> list[Relation]:
        """develops/targets for gated pairs the rules left unrelated, when at least ``threshold`` sure."""
        known = {(r.subject, r.object) for r in extraction.relations}
        pairs = [p for p in term_pairs(sentences, extraction)
                 if (p.company[2], p.term[2]) not in known and _gated(p)]
        if not pairs:
            return []
        probs = self.model.predict_proba([_term_masked(p) for p in pairs])[:, 1]
        return [Relation(p.company[2], _TERM_RELATION[p.term[3]], p.term[2], p.sentence.id, p.sentence.doc_id,
                         "learned-term", round(float(q), 2))
                for p, q in zip(pairs, probs) if q >= self.threshold]
