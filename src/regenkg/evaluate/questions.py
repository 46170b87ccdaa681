"""Question scoring: an answer passes when every expected group is named, nothing forbidden is, and the
text conditions hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..records import Answer
from .gold import GoldQuestion, GoldSet, fold

__all__ = ["QuestionResult", "QuestionScore", "answer_text", "score_question", "score_questions"]


@dataclass(frozen=True)
class QuestionResult:
    question: GoldQuestion
    passed: bool
    answers: tuple[str, ...]  # labels of the answer items
    missing: tuple[tuple[str, ...], ...] = ()  # expect groups not matched
    forbidden: tuple[str, ...] = ()  # forbid names that appeared
    missing_text: tuple[tuple[str, ...], ...] = ()
    forbidden_text: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"q": self.question.q, "lang": self.question.lang, "passed": self.passed,
                "answers": list(self.answers), "missing": [list(g) for g in self.missing],
                "forbidden": list(self.forbidden), "missing_text": [list(g) for g in self.missing_text],
                "forbidden_text": list(self.forbidden_text)}


@dataclass
class QuestionScore:
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def by_language(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            out[r.question.lang][0] += r.passed
            out[r.question.lang][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def to_dict(self) -> dict:
        return {"passed": self.passed, "total": len(self.results),
                "by_language": {k: {"passed": p, "total": t} for k, (p, t) in self.by_language().items()},
                "results": [r.to_dict() for r in self.results]}


def answer_text(answer: Answer) -> str:
    """What a user reads in an answer: every answer's labels, its relation and its evidence sentences.

    Search fallback passages are not part of it: they are offered when the graph has no answer.
    """
    parts: list[str] = []
    for item in answer.answers:
        parts += [item.label, *item.labels.values(), item.relation, *(e.text for e in item.evidence)]
    return "\n".join(parts)


def score_question(q: GoldQuestion, answer: Answer,
                   names: Callable[[Sequence[str]], dict[str, list[str]]] | None = None,
                   gold: GoldSet | None = None) -> QuestionResult:
    """Judge one answer.

    Args:
        q: the question with its expected and forbidden names and texts.
        answer: what the knowledge base answered.
        names: every alias of the answer IRIs (so an answer labelled "Kite Pharma" also names "Kite").
        gold: widens each expected/forbidden name to every surface of its gold entry (any script).
    """
    aliases = names([a.iri for a in answer.answers]) if names and answer.answers else {}
    named: set[str] = set()
    for item in answer.answers:
        named |= {fold(x) for x in (item.label, *item.labels.values(), *aliases.get(item.iri, ()))}
    text = fold(answer_text(answer))
    index = gold.surface_index() if gold is not None else {}

    def forms(name: str) -> set[str]:
        out = {fold(name)}
        for key in index.get(fold(name), ()):
            out |= {fold(s) for s in gold.entries[key].surfaces}  # type: ignore[union-attr]
        return out

    missing = tuple(g for g in q.expect if not any(forms(x) & named for x in g))
    forbidden = tuple(x for x in q.forbid if forms(x) & named)
    missing_text = tuple(g for g in q.expect_text if not any(fold(x) in text for x in g))
    forbidden_text = tuple(x for x in q.forbid_text if fold(x) in text)
    ok = not (missing or forbidden or missing_text or forbidden_text)
    return QuestionResult(q, ok, tuple(a.label for a in answer.answers), missing, forbidden, missing_text,
                          forbidden_text)


def score_questions(questions: Sequence[GoldQuestion], answers: Sequence[Answer],
                    names: Callable[[Sequence[str]], dict[str, list[str]]] | None = None,
                    gold: GoldSet | None = None) -> QuestionScore:
    return QuestionScore([score_question(q, a, names, gold) for q, a in zip(questions, answers, strict=True)])
