"""Why the default hybrid misses cross-language pairs: counts by cause, never a query or sentence text.

For every pair of one direction (default ``en->zh``) of a gold set whose expected sentence is not in the
default search's first five, counts: the expected sentence's rank *within its own language* (2–5: a
sharing problem, the fusion ranked it well but gave its language too few places; > 5: a ranking
problem), how many of the five places its language got, its within-language rank by dense alone and by
bridged BM25 alone, how many entities the gazetteer matcher finds in the query, and the share of them
the expected sentence mentions. Uses the index ``bench_retrieval.py`` built (run that first). Count-only,
so it may be run on the dev and holdout sets.

    python benchmarks/retrieval_misses.py [--gold ../shared/eval/dev/gold.json] [--index DIR] [DIRECTION ...]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_retrieval as bench


def _bucket(rank: int | None) -> str:
    if rank is None:
        return "none"
    return "1" if rank == 1 else "2-5" if rank <= 5 else "6-20" if rank <= 20 else ">20"


def _share(share: float | None) -> str:
    return "no entity" if share is None else "0" if share == 0 else "all" if share >= 1 else "some"


def causes(kb: Any, resolved: list[Any], directions: list[str]) -> dict[str, Counter[str]]:
    """direction → cause → number of missed pairs (plus ``pairs`` and ``missed``)."""
    from regenkg.query.fuse import DenseOnly, LexicalOnly
    from regenkg.query.search import HybridSearch

    group_of = {sid: ("zh" if lang.startswith("zh") else "en") for lang, ids in kb.table.ids_by_lang().items()
                for sid in ids}
    queries = sorted({r.pair.query for r in resolved if r.direction in directions})
    default = bench.fusions(kb)[bench.DEFAULT]
    rankings = {name: bench.full_rankings(kb, fusion, queries)
                for name, fusion in (("default", default), ("dense", DenseOnly()), ("bm25", LexicalOnly(bridge=True)))}
    top5 = {q: [h.sentence for h in hits] for q, hits in zip(queries, HybridSearch(kb, default)(queries, k=5))}

    def within(r: Any, ranking: list[int], group: str) -> int | None:
        order = [i for i in ranking if group_of.get(i) == group]
        return next((n for n, i in enumerate(order, 1) if i in r.ids), None)

    out: dict[str, Counter[str]] = {d: Counter() for d in directions}
    for r in resolved:
        if r.direction not in out:
            continue
        c, q = out[r.direction], r.pair.query
        group = next(group_of[i] for i in r.ids if i in group_of)
        c["pairs"] += 1
        if set(top5[q]) & r.ids:
            continue
        c["missed"] += 1
        c[f"within-language rank (default) {_bucket(within(r, rankings['default'][q], group))}"] += 1
        c[f"places its language got in the top 5: {sum(group_of.get(i) == group for i in top5[q])}"] += 1
        c[f"within-language rank (dense) {_bucket(within(r, rankings['dense'][q], group))}"] += 1
        c[f"within-language rank (bm25 + bridge) {_bucket(within(r, rankings['bm25'][q], group))}"] += 1
        found = {m.iri for m in kb.matcher.find(q)}
        c[f"gazetteer entities in the query: {min(len(found), 2)}{'+' if len(found) > 1 else ''}"] += 1
        shares = dict(kb.lookup.mention_shares(kb.matcher, q, sorted(r.ids))) if found else {}
        share = max(shares.values(), default=0.0) if found else None
        c[f"share of them the expected sentence mentions: {_share(share)}"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=bench.ROOT.parent / "shared" / "eval" / "dev" / "gold.json")
    parser.add_argument("--index", type=Path, default=bench.INDEX)
    parser.add_argument("directions", nargs="*", default=["en->zh"])
    args = parser.parse_args(argv)
    from regenkg.config import Settings
    from regenkg.evaluate.retrieval import dev_pairs, resolve
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(args.index, Settings.load())
    resolved = resolve(dev_pairs(args.gold), kb.table.iter_sentences()).resolved
    for direction, counts in causes(kb, resolved, args.directions).items():
        print(f"{direction}: {counts.pop('missed', 0)} of {counts.pop('pairs', 0)} pairs missed at 5")
        for key, n in sorted(counts.items()):
            print(f"  {key}: {n}")
    kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
