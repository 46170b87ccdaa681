"""Retrieval evaluation: recall@1/5/10 and MRR of dense, BM25 and hybrid search, per query → sentence language.

Two pair sets, each over its own index (reused unless ``--rebuild``): the *private* set
(tests/data/private_eval, with corpus/ as distractors, benchmarks/data/retrieval-private-index) is what
fusions and their parameters are chosen on; the *dev* set (``../shared/eval/dev/``,
benchmarks/data/retrieval-index) only measures. Both indexes also hold the sides of
tests/data/xling_pairs.yaml. Every pair of :mod:`regenkg.evaluate.retrieval` is asked with each fusion
through the same ``HybridSearch`` (same candidate depths); writes benchmarks/results/retrieval.json and
the "Retrieval" section of benchmarks/results/REPORT.md. Not a test.

    .venv/bin/python benchmarks/bench_retrieval.py [--rebuild] [--dev ../shared/eval/dev]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "benchmarks" / "data" / "retrieval-index"
PRIVATE_INDEX = ROOT / "benchmarks" / "data" / "retrieval-private-index"
PRIVATE = ROOT / "tests" / "data" / "private_eval"
# Facts that corpus/'s parallel English and Chinese articles both state (answers in both languages).
TUNING = ROOT / "tests" / "data" / "retrieval_tuning" / "gold.json"
RESULTS = ROOT / "benchmarks" / "results"
XLING = ROOT / "tests" / "data" / "xling_pairs.yaml"
DEFAULT = ("hybrid (default: score fusion per language 1 : 0.5 + bridge + mentions of the sentence and the one "
           "before 1 + romanised names 1.5 + relation words 0.1 + document mentions 0.3, other language ≥ 1 of 5)")
LEARNED = ("default, the other language's sentences in a learned order (sixth pass, not adopted: "
           "docs/decisions/20261202-learned-other-language.md)")
FOURTH = ("score fusion per language 1 : 0.5 + bridge + mentions 1 + romanised names 1.5 + relation words 0.1 "
          "+ document mentions 0.3, other language ≥ 1 of 5 (fourth-pass default)")
THIRD = "score fusion per language 1 : 0.5 + bridge + mentions 1, other language ≥ 1 of 5 (third-pass default)"
PREVIOUS = "score fusion per language 1 : 0.5 + bridge + mentions 1 (second-pass default)"
BEFORE = "hybrid before #19 (grouped RRF, one dense cut)"
FIRST = "grouped RRF + bridge in the other language, one dense cut (first #19 default)"
SINGLE_CUT = (BEFORE, FIRST)
# Methods whose ranking within each language is reported (the ceiling of any sharing of the five places).
WITHIN = ("dense", THIRD, FOURTH, LEARNED, DEFAULT)


def fusions(kb: Any) -> dict[str, Any]:
    """The measured methods: inputs alone, the fusions before, the candidates, the default."""
    from regenkg.query.balance import Interleave, LanguageBounds, LanguageQuota, LanguageSlots, default_fusion
    from regenkg.query.fuse import DenseOnly, GroupedRRF, LexicalOnly, ScoreFusion

    s = kb.settings
    # The RRF fusions with the weights they always had (1 and 1); the settings' weights now belong to the
    # default score fusion.
    rrf = {"k": s.rrf_k}
    default = default_fusion(s.rrf_k, s.dense_weight, s.lexical_weight, s.mention_weight, s.romanised_weight,
                             s.relation_weight, s.document_weight)
    previous = ScoreFusion(s.dense_weight, s.lexical_weight, bridge=True, mention_weight=s.mention_weight,
                           per_group=True)

    def fourth(romanised: float = 0.0, relation: float = 0.0, document: float = 0.0, window: bool = False) -> Any:
        return LanguageBounds(ScoreFusion(s.dense_weight, s.lexical_weight, bridge=True, mention_weight=s.mention_weight,
                                          per_group=True, romanised_weight=romanised, relation_weight=relation,
                                          document_weight=document, mention_window=window), least=1)
    return {
        "dense": DenseOnly(),
        "bm25": LexicalOnly(),
        "bm25 + bridge": LexicalOnly(bridge=True),
        BEFORE: GroupedRRF(**rrf),
        FIRST: GroupedRRF(**rrf, bridge=True),
        "grouped RRF": GroupedRRF(**rrf),
        "grouped RRF + bridge in the other language": GroupedRRF(**rrf, bridge=True),
        "grouped RRF + bridge in the other language + mentions": GroupedRRF(**rrf, bridge=True, mention_weight=1.0),
        "grouped RRF + bridge in both languages + mentions": GroupedRRF(**rrf, bridge=True, bridge_own=True,
                                                                        mention_weight=1.0),
        "score fusion 1:0.3 (txtai-style) + bridge": ScoreFusion(1.0, 0.3, bridge=True),
        "score fusion per language 1:0.5 + bridge, no mentions": ScoreFusion(1.0, 0.5, bridge=True, per_group=True),
        "language slots from dense (previous default within)": LanguageSlots(previous),
        "interleaved languages (previous default within)": Interleave(previous),
        "language quota (previous default within)": LanguageQuota(previous),
        "language quota over grouped RRF + bridge in both languages + mentions": LanguageQuota(),
        PREVIOUS: previous,
        "previous default, other language at most 3 of 5 (≥ 1)": LanguageBounds(previous, least=1, most=3),
        "previous default, other language ≥ 2 of 5": LanguageBounds(previous, least=2),
        "previous default, other language 1 or 2 of 5": LanguageBounds(previous, least=1, most=2),
        THIRD: LanguageBounds(previous, least=1),
        "third-pass default + romanised names 1.5": fourth(s.romanised_weight),
        "third-pass default + romanised names + relation words 0.1": fourth(s.romanised_weight, s.relation_weight),
        "third-pass default + romanised names + document mentions 0.3": fourth(s.romanised_weight,
                                                                              document=s.document_weight),
        "third-pass default + relation words + document mentions (no romanised names)":
            fourth(0.0, s.relation_weight, s.document_weight),
        FOURTH: fourth(s.romanised_weight, s.relation_weight, s.document_weight),
        "third-pass default + mentions of the sentence and the one before": fourth(window=True),
        LEARNED: default_fusion(s.rrf_k, s.dense_weight, s.lexical_weight, s.mention_weight, s.romanised_weight,
                                s.relation_weight, s.document_weight, learned=True),
        DEFAULT: default,
    }


class _Whole:
    """A fusion that also keeps its whole ranking of every query's candidates (the hits are cut at k)."""

    def __init__(self, fusion: Any) -> None:
        self.fusion = fusion
        self.rankings: list[list[int]] = []
        self.uses_bridge = fusion.uses_bridge
        self.uses_mentions = fusion.uses_mentions
        self.uses_romanised = fusion.uses_romanised
        self.uses_relations = fusion.uses_relations
        self.uses_documents = fusion.uses_documents

    def __call__(self, candidates: Any, limit: int) -> list[tuple[int, float]]:
        whole = self.fusion(candidates, max(limit, len(candidates.groups)))
        self.rankings.append([i for i, _ in whole])
        return whole[:limit]


def full_rankings(kb: Any, fusion: Any, queries: list[str], k: int = 10) -> dict[str, list[int]]:
    """Each query's whole fused ranking over the candidates a search with ``k`` hits fuses (same depths)."""
    from regenkg.query.search import HybridSearch

    whole = _Whole(fusion)
    HybridSearch(kb, whole)(queries, k=k)  # type: ignore[arg-type]
    return dict(zip(queries, whole.rankings))


def criteria(scores: dict) -> list[dict]:
    """The issue's "done when" checks on the dev pairs, each with its numbers."""
    out = []
    hybrid, dense, before = scores[DEFAULT], scores["dense"], scores[BEFORE]
    for direction in ("en->zh", "zh->en", "same"):
        key = f"dev {direction}"
        h, d = hybrid[key]["recall@5"], dense[key]["recall@5"]
        out.append({"check": f"hybrid recall@5 ≥ dense recall@5, {direction}", "hybrid": h, "dense": d, "met": h >= d})
    for direction in ("en->zh", "zh->en"):
        h = hybrid[f"dev {direction}"]["recall@5"]
        out.append({"check": f"hybrid recall@5 ≥ 0.9, {direction}", "hybrid": h, "met": h >= 0.9})
    h, b = hybrid["dev same"]["recall@5"], before["dev same"]["recall@5"]
    out.append({"check": "same-language hybrid recall@5 not lower than before", "hybrid": h, "before": b,
                "met": h >= b})
    return out


def measure(gold_dir: Path, index: Path, rebuild: bool, distractors: list[Path],
            more: tuple[tuple[Path, str], ...] = ()) -> dict[str, Any]:
    """Build (or open) the index of ``gold_dir``'s articles, the xling sides and ``distractors``; score every method.

    ``more``: further gold files (and their source name) whose evidence lies in ``distractors``.
    """
    from regenkg.config import Settings
    from regenkg.evaluate.retrieval import (
        build_eval_index,
        dev_pairs,
        evaluate,
        kb_methods,
        resolve,
        within_language,
        xling_pairs,
    )
    from regenkg.kb import KnowledgeBase

    settings = Settings.load()
    t0 = time.perf_counter()
    if rebuild or not index.exists():
        build_eval_index(gold_dir, XLING, index, settings, distractors=distractors)
    built = time.perf_counter() - t0
    kb = KnowledgeBase.open(index, settings)
    pairs = dev_pairs(gold_dir / "gold.json") + [p for gold, name in more for p in dev_pairs(gold, name)]
    pairs += xling_pairs(XLING)
    resolution = resolve(pairs, kb.table.iter_sentences())
    t1 = time.perf_counter()
    scores = evaluate(resolution.resolved, kb_methods(kb, fusions(kb), single_cut=SINGLE_CUT))
    # Within-language recall bounds every way of sharing the first five places between the languages.
    group_of = {sid: ("zh" if lang.startswith("zh") else "en") for lang, ids in kb.table.ids_by_lang().items()
                for sid in ids}
    queries = sorted({r.pair.query for r in resolution.resolved})
    within = {name: within_language(resolution.resolved, full_rankings(kb, fusion, queries), group_of)
              for name, fusion in fusions(kb).items() if name in WITHIN}
    counts: dict[str, int] = {}
    for r in resolution.resolved:
        counts[f"{r.pair.source} {r.direction}"] = counts.get(f"{r.pair.source} {r.direction}", 0) + 1
    result = {
        "gold": str(gold_dir.relative_to(ROOT.parent) if gold_dir.is_relative_to(ROOT.parent) else gold_dir),
        "distractors": [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in distractors],
        "index": {"sentences": kb.table.count(), "languages": kb.table.lang_counts(),
                  "build_or_open_s": round(built, 1)},
        "pairs": {"queries": len(pairs), "resolved": len(resolution.resolved),
                  "unmatched": [p.query for p in resolution.unmatched], "by_group": dict(sorted(counts.items()))},
        "default": DEFAULT, "before": BEFORE, "scores": scores, "within_language": within,
        "evaluate_s": round(time.perf_counter() - t1, 1),
    }
    kb.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--private-index", type=Path, default=PRIVATE_INDEX)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the indexes even if they exist")
    parser.add_argument("--output", type=Path, default=RESULTS / "retrieval.json")
    parser.add_argument("--no-report", action="store_true",
                        help="only write the JSON (run_all.py writes REPORT.md from every JSON at the end)")
    args = parser.parse_args(argv)
    if not (args.dev / "gold.json").is_file():
        print(f"no gold set at {args.dev / 'gold.json'} (the dev set lives in ../shared/eval/dev)", file=sys.stderr)
        return 2
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    # The private set (with corpus/ as distractors) is what the fusion was chosen on; the dev set only measures.
    tuning = measure(PRIVATE, args.private_index, args.rebuild, [ROOT / "corpus"], ((TUNING, "corpus"),))
    result = measure(args.dev, args.index, args.rebuild, [])
    result["criteria"] = criteria(result["scores"])
    result["tuning"] = tuning
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import section_retrieval, splice_section

    if not args.no_report:
        splice_section(args.output.parent / "REPORT.md", section_retrieval(result))
    for line in section_retrieval(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
