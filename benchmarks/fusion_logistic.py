"""A learned (logistic) fusion, measured against the default on the retrieval pairs; not shipped.

Reproduces the "logistic fusion" row of docs/decisions/20261201-hybrid-fusion.md (third pass). Every
candidate a search fuses (same depths as ``regenkg search``) gets 19 features — within-language scaled
cosine, cosine gap to its language's and to the overall best, log within-language dense rank, bridged
BM25 over its language's best and its log raw value, the language's best BM25, own-word BM25, mention
share, an other-language flag and its products with the first nine — and a logistic regression
(scikit-learn, lbfgs: deterministic) is trained on the private pairs (3-fold cross-validation by query
for the private figures; trained on all of them for the dev figures, which only measure). Prints
recall@5 per source and direction. Needs the indexes bench_retrieval.py builds, and scikit-learn
(installed with sentence-transformers). Not a test.

``--other-language`` trains the model search ships (docs/decisions/20261202-learned-other-language.md):
the 13 features of :func:`regenkg.query.learned.features`, on the other-language candidates of the
private pairs only, C chosen by 3-fold cross-validation (by query) on the mean private cross-lingual
recall@5 of the default fusion with that order; prints each C's figures and the chosen coefficients over
the unscaled features (``OTHER_LANGUAGE_WEIGHTS``).

    .venv/bin/python benchmarks/fusion_logistic.py [--other-language]
"""

from __future__ import annotations

import math
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_retrieval as bench


class _Keep:
    """Records every query's candidates; ranks by the dense list (the ranking is not used)."""

    uses_bridge = True
    uses_mentions = True
    # The features below use none of the signals added later (romanised names, relation words, documents).
    uses_romanised = False
    uses_relations = False
    uses_documents = False

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def __call__(self, candidates: Any, limit: int) -> list[tuple[int, float]]:
        self.seen.append(candidates)
        return candidates.known(candidates.dense)[:limit]


def features(c: Any) -> tuple[list[int], np.ndarray]:
    """The candidate ids of one query and their feature rows."""
    dense, bridged, own = c.known(c.dense), c.known(c.bridged), c.known(c.lexical)
    mentions = dict(c.known(c.mentions))
    ids = list(dict.fromkeys([i for i, _ in dense] + [i for i, _ in bridged] + [i for i, _ in own] + list(mentions)))
    qg = c.query_group or (c.groups[dense[0][0]] if dense else "en")
    cos, brd, lex = dict(dense), dict(bridged), dict(own)
    top: dict[str, float] = {}
    bottom: dict[str, float] = {}
    best_br: dict[str, float] = {}
    best_lex: dict[str, float] = {}
    rank: dict[int, int] = {}
    count = {"en": 0, "zh": 0}
    for i, s in dense:
        g = c.groups[i]
        top.setdefault(g, s)
        bottom[g] = s
        count[g] += 1
        rank[i] = count[g]
    for ranking, best in ((bridged, best_br), (own, best_lex)):
        for i, s in ranking:
            best.setdefault(c.groups[i], s)
    overall = dense[0][1] if dense else 0.0
    rows = []
    for i in ids:
        g = c.groups[i]
        other = float(g != qg)
        t, b = top.get(g, 0.0), bottom.get(g, 0.0)
        s = cos.get(i, b)
        base = [(s - b) / (t - b) if t > b else 1.0, s - t, s - overall, math.log(rank.get(i, 200)),
                brd.get(i, 0.0) / best_br[g] if best_br.get(g, 0) > 0 else 0.0, math.log1p(brd.get(i, 0.0)),
                math.log1p(best_br.get(g, 0.0)), lex.get(i, 0.0) / best_lex[g] if best_lex.get(g, 0) > 0 else 0.0,
                mentions.get(i, 0.0)]
        rows.append(base + [other] + [other * x for x in base])
    return ids, np.asarray(rows, dtype=float)


def capture(index: Path, pairs: list[Any]) -> tuple[list[Any], dict[str, tuple[list[int], np.ndarray]]]:
    from regenkg.config import Settings
    from regenkg.evaluate.retrieval import resolve
    from regenkg.kb import KnowledgeBase
    from regenkg.query.search import HybridSearch

    kb = KnowledgeBase.open(index, Settings.load())
    resolved = resolve(pairs, kb.table.iter_sentences()).resolved
    queries = sorted({r.pair.query for r in resolved})
    keep = _Keep()
    HybridSearch(kb, keep)(queries, k=10)  # type: ignore[arg-type]
    kb.close()
    return resolved, {q: features(c) for q, c in zip(queries, keep.seen)}


def fit(feats: dict, positives: dict, queries: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    x = np.vstack([feats[q][1] for q in queries])
    y = np.concatenate([[i in positives[q] for i in feats[q][0]] for q in queries])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, max_iter=3000).fit(scaler.transform(x), y)
    return lambda rows: model.decision_function(scaler.transform(rows))


def recall5(resolved: list[Any], feats: dict, scorer: Any) -> dict[str, float]:
    found: dict[str, list[int]] = {}
    for r in resolved:
        ids, rows = feats[r.pair.query]
        order = np.argsort(-scorer(r.pair.query)(rows), kind="stable")[:5]
        got = found.setdefault(f"{r.pair.source} {r.direction}", [0, 0])
        got[0] += any(ids[j] in r.ids for j in order)
        got[1] += 1
    return {k: round(a / n, 2) for k, (a, n) in sorted(found.items())}


class _KeepAll(_Keep):
    """Like :class:`_Keep`, with every signal search computes."""

    uses_romanised = True
    uses_relations = True
    uses_documents = True


def other_language() -> int:
    """Train and print the shipped other-language order (see the module docstring)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from regenkg.config import Settings
    from regenkg.evaluate.retrieval import dev_pairs, resolve, xling_pairs
    from regenkg.kb import KnowledgeBase
    from regenkg.query.balance import LearnedOtherOrder, default_fusion
    from regenkg.query.learned import features
    from regenkg.query.search import HybridSearch

    settings = Settings.load()
    kb = KnowledgeBase.open(bench.PRIVATE_INDEX, settings)
    private = dev_pairs(bench.PRIVATE / "gold.json") + dev_pairs(bench.TUNING, "corpus") + xling_pairs(bench.XLING)
    resolved = resolve(private, kb.table.iter_sentences()).resolved
    queries = sorted({r.pair.query for r in resolved})
    keep = _KeepAll()
    HybridSearch(kb, keep)(queries, k=10)  # type: ignore[arg-type]
    kb.close()
    cands = dict(zip(queries, keep.seen))
    s = settings
    base = default_fusion(s.rrf_k, s.dense_weight, s.lexical_weight, s.mention_weight, s.romanised_weight,
                          s.relation_weight, s.document_weight, learned=False)
    positives: dict[str, set[int]] = {}
    for r in resolved:
        positives.setdefault(r.pair.query, set()).update(r.ids)
    rows: dict[str, tuple[list[int], np.ndarray]] = {}
    for q, c in cands.items():
        inner = base.within(c, len(c.groups))  # type: ignore[attr-defined]
        own = c.query_group or c.groups[inner[0][0]]
        other = [i for i, _ in inner if c.groups[i] != own]
        rows[q] = (other, np.asarray(features(c, dict(inner), other), dtype=float).reshape(len(other), -1))

    def fit(qs: list[str], C: float) -> tuple[float, ...]:
        x = np.vstack([rows[q][1] for q in qs])
        y = np.concatenate([[i in positives[q] for i in rows[q][0]] for q in qs])
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(C=C, max_iter=3000).fit(scaler.transform(x), y)
        return tuple(round(float(w), 3) for w in model.coef_[0] / scaler.scale_)

    def crosslingual(weights_of: Any) -> float:
        found: dict[str, list[int]] = {}
        for r in resolved:
            if r.direction == "same":
                continue
            hits = [i for i, _ in LearnedOtherOrder(base.within, weights=weights_of(r.pair.query))(  # type: ignore[attr-defined]
                cands[r.pair.query], 5)]
            got = found.setdefault(f"{r.pair.source} {r.direction}", [0, 0])
            got[0] += any(i in r.ids for i in hits)
            got[1] += 1
        return sum(a / n for a, n in found.values()) / len(found)

    fold = {q: zlib.crc32(q.encode()) % 3 for q in queries}
    best = (-1.0, 0.0)
    for C in (0.001, 0.003, 0.01, 0.03, 0.1, 1.0):
        models = {f: fit([q for q in queries if fold[q] != f], C) for f in range(3)}
        cv = crosslingual(lambda q, m=models: m[fold[q]])
        print(f"C={C}: private cross-lingual recall@5, 3-fold CV {cv:.3f}")
        best = max(best, (cv, C))
    print(f"chosen C={best[1]}; OTHER_LANGUAGE_WEIGHTS = {fit(queries, best[1])}")
    return 0


def main() -> int:
    from regenkg.evaluate.retrieval import dev_pairs, xling_pairs

    if "--other-language" in sys.argv[1:]:
        return other_language()

    dev_dir = bench.ROOT.parent / "shared" / "eval" / "dev"
    if not (bench.PRIVATE_INDEX.exists() and bench.INDEX.exists() and (dev_dir / "gold.json").is_file()):
        print("run benchmarks/bench_retrieval.py first (it builds both indexes; the dev set is in ../shared)",
              file=sys.stderr)
        return 2
    private = dev_pairs(bench.PRIVATE / "gold.json") + dev_pairs(bench.TUNING, "corpus") + xling_pairs(bench.XLING)
    p_resolved, p_feats = capture(bench.PRIVATE_INDEX, private)
    positives: dict[str, set[int]] = {}
    for r in p_resolved:
        positives.setdefault(r.pair.query, set()).update(r.ids)
    queries = sorted(p_feats)
    fold = {q: zlib.crc32(q.encode()) % 3 for q in queries}
    models = {f: fit(p_feats, positives, [q for q in queries if fold[q] != f]) for f in range(3)}
    print("private (3-fold CV):", recall5(p_resolved, p_feats, lambda q: models[fold[q]]))
    full = fit(p_feats, positives, queries)
    d_resolved, d_feats = capture(bench.INDEX, dev_pairs(dev_dir / "gold.json") + xling_pairs(bench.XLING))
    print("dev (trained on all private pairs):", recall5(d_resolved, d_feats, lambda q: full))
    return 0


if __name__ == "__main__":
    sys.exit(main())
