"""Evaluate extraction and question answering against a gold set (``regenkg eval GOLD.json``).

The gold's articles are built into an index (a temporary one unless an index that already holds them is
given); the index's direct edges are scored as facts (:mod:`.facts`) and its answers to the gold
questions as questions (:mod:`.questions`). Scoring rules: ``../shared/eval/README.md``.
"""

from __future__ import annotations

import logging
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .facts import PRF, ExtractedFact, FactMatch, FactScore, Mode, score_facts
from .gold import RELATIONS, GoldFact, GoldQuestion, GoldSet, load_gold
from .questions import QuestionResult, QuestionScore, score_question, score_questions

__all__ = [
    "PRF",
    "EvalReport",
    "ExtractedFact",
    "FactMatch",
    "FactScore",
    "GoldFact",
    "GoldQuestion",
    "GoldSet",
    "Mode",
    "QuestionResult",
    "QuestionScore",
    "evaluate",
    "extracted_facts",
    "format_report",
    "load_gold",
    "score_facts",
    "score_question",
    "score_questions",
]

logger = logging.getLogger(__name__)

_RKG = "https://w3id.org/regenkg/ontology#"


@dataclass(frozen=True)
class EvalReport:
    gold: str
    index: str
    facts: FactScore
    questions: QuestionScore

    def to_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "index": self.index, "facts": self.facts.to_dict(),
                "questions": self.questions.to_dict()}


def extracted_facts(kb: Any, gold: GoldSet) -> list[ExtractedFact]:
    """The positive direct edges the index holds for each gold article, with the names of both ends."""
    from pyoxigraph import NamedNode

    values = " ".join(str(NamedNode(_RKG + r)) for r in RELATIONS)
    q = f"""PREFIX rkg: <{_RKG}>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?path ?s ?p ?o ?text WHERE {{
      VALUES ?p {{ {values} }}
      GRAPH ?g {{ ?d a rkg:Document ; rkg:path ?path . ?s ?p ?o .
        OPTIONAL {{ ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sent .
                   ?sent rkg:text ?text }} }}
    }}"""
    rows = []
    wanted = set(gold.articles)
    for row in kb.store.query(q):
        name = Path(row["path"].value).name
        if name in wanted:
            text = row["text"].value if row["text"] is not None else ""
            rows.append((name, row["s"].value, row["p"].value[len(_RKG):], row["o"].value, text))
    names = kb.names(sorted({r[1] for r in rows} | {r[3] for r in rows}))
    out: dict[tuple[str, str, str, str], ExtractedFact] = {}
    for art, s, p, o, text in sorted(rows):
        key = (art, s, p, o)
        if key not in out or (text and not out[key].sentence):
            out[key] = ExtractedFact(art, s, p, o, tuple(names.get(s, ())), tuple(names.get(o, ())), text)
    return list(out.values())


def _documents(kb: Any) -> set[str]:
    q = f"PREFIX rkg: <{_RKG}>\nSELECT ?path WHERE {{ GRAPH ?g {{ ?d a rkg:Document ; rkg:path ?path }} }}"
    return {Path(row["path"].value).name for row in kb.store.query(q)}


def evaluate(gold_path: str | Path, index: str | Path | None = None, *, mode: Mode = "strict",
             settings: Any = None, progress: bool = False, questions: bool = True) -> EvalReport:
    """Build the gold's articles (unless ``index`` already holds them) and score facts and questions.

    Args:
        gold_path: a gold file in the schema of ``../shared/eval/dev/gold.json``.
        index: an index that already holds every gold article; ``None`` builds a temporary one.
        mode: ``strict`` (terms and companies exactly) or ``lenient`` (an ancestor along broader/parent).
        settings: build/open settings.
        progress: show build progress.
        questions: also answer and score the gold questions.
    """
    from ..kb import KnowledgeBase

    if mode not in ("strict", "lenient"):
        raise ConfigError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    gold = load_gold(gold_path)
    with ExitStack() as stack:
        if index is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="regenkg-eval-")))
            kb = KnowledgeBase.build(gold.article_paths(), tmp / "index", settings, progress=progress)
            where = "(temporary)"
        else:
            kb = KnowledgeBase.open(index, settings)
            where = str(index)
            missing = sorted(set(gold.articles) - _documents(kb))
            if missing:
                raise ConfigError(f"index {index} does not hold the gold articles {', '.join(missing)}: "
                                  "build them into it, or leave out --index to build a temporary index")
        stack.callback(kb.close)
        facts = score_facts(gold, extracted_facts(kb, gold), mode)
        qs = QuestionScore()
        if questions and gold.questions:
            answers = kb.ask_many([q.q for q in gold.questions])
            qs = score_questions(gold.questions, answers, kb.names, gold)
        return EvalReport(str(gold_path), where, facts, qs)


def _pct(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def format_report(report: EvalReport, *, misses: int = 50) -> str:
    """The plain-text report `regenkg eval` prints: scores, then the misses (at most ``misses`` of each)."""
    f, q = report.facts, report.questions
    lines = [f"gold {report.gold}  index {report.index}  mode {f.mode}", "",
             (f"facts: precision {_pct(f.overall.precision)}  recall {_pct(f.overall.recall)}  "
             f"F1 {_pct(f.overall.f1)}  ({f.overall.tp} correct of {f.overall.extracted} extracted; "
             f"{f.overall.found} of {f.overall.gold} gold found)"),
             f"polarity violations (positive facts from denied/rumour/ended): {len(f.polarity_violations)}", "",
             f"{'relation':<18}{'P':>7}{'R':>7}{'F1':>7}{'found/gold':>12}{'correct/extr':>14}"]
    for name, prf in sorted(f.by_relation.items()):
        lines.append(f"{name:<18}{_pct(prf.precision):>7}{_pct(prf.recall):>7}{_pct(prf.f1):>7}"
                     f"{prf.found:>6}/{prf.gold:<5}{prf.tp:>7}/{prf.extracted:<6}")
    lines.append("")
    for name, prf in sorted(f.by_language.items()):
        lines.append(f"{name:<18}{_pct(prf.precision):>7}{_pct(prf.recall):>7}{_pct(prf.f1):>7}"
                     f"{prf.found:>6}/{prf.gold:<5}{prf.tp:>7}/{prf.extracted:<6}")
    if q.results:
        per = ", ".join(f"{k} {p}/{t}" for k, (p, t) in q.by_language().items())
        lines += ["", f"questions: {q.passed}/{len(q.results)} passed ({per})"]
    bad = [m for m in f.matches if m.verdict != "correct"]
    if bad:
        lines += ["", "extracted but not in the gold (P = from a denied/rumour/ended statement):"]
        for m in bad[:misses]:
            x = m.fact
            lines.append(f"  {'P' if m.verdict == 'polarity' else '-'} {x.article}: "
                         f"{(x.subject_names or (x.subject,))[0]} {x.relation} {(x.object_names or (x.object,))[0]}")
    if f.missed:
        lines += ["", "gold facts not extracted:"]
        for g in f.missed[:misses]:
            lines.append(f"  {g.article}: {g.subject} {g.relation} {g.object}")
    failed = [r for r in q.results if not r.passed]
    if failed:
        lines += ["", "questions failed:"]
        for r in failed[:misses]:
            why = []
            if r.missing:
                why.append("missing " + "; ".join(g[0] for g in r.missing))
            if r.forbidden:
                why.append("forbidden " + ", ".join(r.forbidden))
            if r.missing_text:
                why.append("text missing " + "; ".join(g[0] for g in r.missing_text))
            if r.forbidden_text:
                why.append("forbidden text " + ", ".join(r.forbidden_text))
            lines.append(f"  [{r.question.lang}] {r.question.q}  -> {', '.join(r.answers[:6]) or '(no answer)'}"
                         f"  ({'; '.join(why)})")
    return "\n".join(lines)
