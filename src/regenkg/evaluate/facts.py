"""Fact scoring: extracted direct edges against gold facts, per article, by the dev-set README rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .gold import RELATIONS, SYMMETRIC, GoldFact, GoldSet, fold

__all__ = ["PRF", "ExtractedFact", "FactMatch", "FactScore", "Mode", "score_facts"]

Mode = Literal["strict", "lenient"]


@dataclass(frozen=True)
class ExtractedFact:
    """A positive fact the index holds for one article, with every name of both ends."""

    article: str
    subject: str  # IRI
    relation: str
    object: str  # IRI
    subject_names: tuple[str, ...]
    object_names: tuple[str, ...]
    sentence: str = ""


@dataclass(frozen=True)
class FactMatch:
    """The verdict on one distinct extracted fact."""

    fact: ExtractedFact
    subject_keys: tuple[str, ...]  # gold entries the subject resolves to
    object_keys: tuple[str, ...]
    verdict: Literal["correct", "polarity", "wrong"]
    gold: tuple[GoldFact, ...] = ()


@dataclass
class PRF:
    tp: int = 0
    extracted: int = 0
    gold: int = 0
    found: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def to_dict(self) -> dict[str, float | int | None]:
        r = lambda x: None if x is None else round(x, 4)
        return {"precision": r(self.precision), "recall": r(self.recall), "f1": r(self.f1), "tp": self.tp,
                "extracted": self.extracted, "gold": self.gold, "found": self.found}


@dataclass
class FactScore:
    mode: Mode
    overall: PRF = field(default_factory=PRF)
    by_relation: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    by_language: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    matches: list[FactMatch] = field(default_factory=list)
    missed: list[GoldFact] = field(default_factory=list)
    ignored: int = 0  # extracted facts of relations the gold does not annotate

    @property
    def polarity_violations(self) -> list[FactMatch]:
        return [m for m in self.matches if m.verdict == "polarity"]

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "overall": self.overall.to_dict(),
            "polarity_violations": len(self.polarity_violations),
            "by_relation": {k: v.to_dict() for k, v in sorted(self.by_relation.items())},
            "by_language": {k: v.to_dict() for k, v in sorted(self.by_language.items())},
            "ignored_relations": self.ignored,
            "wrong": [_match_dict(m) for m in self.matches if m.verdict != "correct"],
            "missed": [{"article": g.article, "subject": g.subject, "relation": g.relation, "object": g.object,
                        "evidence": g.evidence} for g in self.missed],
        }


def _match_dict(m: FactMatch) -> dict:
    f = m.fact
    return {"article": f.article, "subject": (f.subject_names or (f.subject,))[0], "relation": f.relation,
            "object": (f.object_names or (f.object,))[0], "verdict": m.verdict,
            "subject_keys": list(m.subject_keys), "object_keys": list(m.object_keys),
            "gold_polarity": sorted({g.polarity for g in m.gold}), "sentence": f.sentence}


def _gold_key(g: GoldFact) -> tuple[str, str, str, str]:
    s, o = (sorted((g.subject, g.object)) if g.relation in SYMMETRIC else (g.subject, g.object))
    return g.article, s, g.relation, o


def score_facts(gold: GoldSet, extracted: Iterable[ExtractedFact], mode: Mode = "strict") -> FactScore:
    """Score ``extracted`` against ``gold``.

    A fact matches when article and relation agree (symmetric relations in either order, ``equivalent``
    encodings too) and both ends resolve to the gold entry through any label or alias, folded for case,
    width and script. In ``lenient`` mode an end may also be an ancestor of the gold entry along
    ``broader``/``parent``. Distinct facts count once on both sides. A positive fact that matches only
    denied/rumour/ended gold is a polarity violation and counts against precision.
    """
    surfaces = gold.surface_index()
    score = FactScore(mode)
    by_article: dict[str, list[GoldFact]] = defaultdict(list)
    for g in gold.facts:
        by_article[g.article].append(g)
    true_keys = {_gold_key(g): g for g in gold.facts if g.polarity == "true"}
    for key, g in true_keys.items():
        lang = gold.articles.get(g.article, "?")
        for bucket in (score.overall, score.by_relation[g.relation], score.by_language[lang]):
            bucket.gold += 1
    found: set[tuple[str, str, str, str]] = set()

    def resolve(names: Sequence[str]) -> tuple[str, ...]:
        keys: set[str] = set()
        for n in names:
            keys |= surfaces.get(fold(n), set())
        return tuple(sorted(keys))

    def fits(want: str, keys: Sequence[str]) -> bool:
        if want in keys:
            return True
        return mode == "lenient" and any(k in gold.ancestors(want) for k in keys)

    seen: set[tuple] = set()
    for f in extracted:
        if f.relation not in RELATIONS:
            score.ignored += 1
            continue
        sk, ok = resolve(f.subject_names), resolve(f.object_names)
        ends: tuple[tuple[str, ...], ...] = (sk or (f.subject,), ok or (f.object,))
        if f.relation in SYMMETRIC:
            ends = tuple(sorted(ends))
        ident = (f.article, f.relation, *ends)
        if ident in seen:
            continue
        seen.add(ident)
        hits = []
        for g in by_article.get(f.article, ()):
            for s, r, o in g.encodings():
                if r == f.relation and fits(s, sk) and fits(o, ok):
                    hits.append(g)
                    break
        true_hits = [g for g in hits if g.polarity == "true"]
        verdict = "correct" if true_hits else ("polarity" if hits else "wrong")
        score.matches.append(FactMatch(f, sk, ok, verdict, tuple(hits)))  # type: ignore[arg-type]
        lang = gold.articles.get(f.article, "?")
        for bucket in (score.overall, score.by_relation[f.relation], score.by_language[lang]):
            bucket.extracted += 1
            bucket.tp += bool(true_hits)
        for g in true_hits:
            key = _gold_key(g)
            if key not in found:
                found.add(key)
                g0 = true_keys[key]
                for bucket in (score.overall, score.by_relation[g0.relation],
                               score.by_language[gold.articles.get(g0.article, "?")]):
                    bucket.found += 1
    score.missed = [g for k, g in true_keys.items() if k not in found]
    return score
