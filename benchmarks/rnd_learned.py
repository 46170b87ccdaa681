"""A learned fallback for R&D/place facts, measured offline — what it would add on a set, counts only; not shipped.

Every (company, term) pair of one clause that no rule turned into a fact is a candidate: company × modality
→ develops, × indication → targets, × country → operatesIn. A logistic regression (scikit-learn, liblinear:
deterministic) over hashed simple features — the words between the two (en words, zh character bigrams), a
few words either side, their order and distance, how many companies the clause and the gap name, a
possessive after the company, whether it opens the clause, which guard lexicons of :mod:`regenkg.graph.extract
.cooccur` fire — is trained on every candidate pair of the TRAIN gold sets (label: a true gold fact of the
article), with the extracted pairs included so that it learns the shapes, and applied to the pairs the rules
left of the TEST sets at a fixed threshold. Prints, per set and threshold, how many added facts are true gold
facts and how many are not (an estimate of what the strict scorer would count), never a sentence.

    PYTHONPATH=src python benchmarks/rnd_learned.py --train tests/data/private_eval/gold.json \
        --test ../shared/eval/dev/gold.json tests/data/holdout_eval/gold.json
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from regenkg.evaluate.gold import fold, load_gold
from regenkg.graph.extract import Extractor, cooccur
from regenkg.graph.extract.clauses import split_clauses
from regenkg.graph.extract.patterns import COMPANY, COUNTRY, INDICATION, MODALITY
from regenkg.graph.ontology import Gazetteer

from common import article_sentences, surface_keys

_PRED = {MODALITY: "develops", INDICATION: "targets", COUNTRY: "operatesIn"}
_GUARDS = dict(zip(("acq", "acqp", "lic", "part", "sale", "jv", "spin", "opt", "cancel", "exit", "hedge", "off",
                    "shut"), cooccur._OTHER_RELATION))


def _tokens(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z'-]+|\d+", text)
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    bigrams = [a + b for part in han.split() for a, b in zip(part, part[1:])] + [c for c in han if c != " "]
    return words + bigrams


def _features(folded: str, cs: int, ce: int, c, t, comps) -> list[str]:
    rel = _PRED[t.kind]
    lo, hi = (c.end, t.start) if c.start < t.start else (t.end, c.start)
    between = folded[max(lo, 0):max(hi, lo)]
    f = [f"rel={rel}", f"order={'ct' if c.start < t.start else 'tc'}",
         f"dist={min(len(between) // 10, 10)}", f"ncomp={min(len({m.iri for m in comps}), 4)}",
         f"ncomp-between={min(sum(1 for m in comps if lo <= m.start and m.end <= hi), 3)}",
         f"opens={c.start <= cs + 4}", f"curated={c.curated}",
         f"poss={bool(re.match(r'(?:s|’s|的|旗下)', folded[c.end:c.end + 3]))}",
         f"comma-between={bool(re.search('[,，]', between))}"]
    f += [f"{rel}:b:{w}" for w in _tokens(between)]
    f += [f"{rel}:l:{w}" for w in _tokens(folded[max(cs, min(c.start, t.start) - 20):min(c.start, t.start)])]
    f += [f"{rel}:r:{w}" for w in _tokens(folded[max(c.end, t.end):min(ce, max(c.end, t.end) + 20)])]
    f += [f"guard={n}" for n, p in _GUARDS.items() if p.search(folded, cs, ce)]
    f += [f"not-its-work={bool(cooccur._NOT_ITS_WORK.search(folded, cs, ce))}",
          f"planned={bool(cooccur._PLANNED.search(folded, cs, ce))}"]
    return f


def _candidates(ss: list, extractor: Extractor):
    """Every (company, term) pair sharing a clause of one article's sentences, once per fact as the scorer
    counts: (features, company, relation, term, the set of the rules' facts of the article)."""
    done = {(r.subject, r.predicate, r.object) for r in extractor.extract(ss).relations}
    seen: set[tuple[str, str, str]] = set()
    for s in ss:
        ms = extractor.finder.find(s.text)
        folded = fold(s.text)
        for cs, ce, _ in split_clauses(folded, ms):
            inside = [m for m in ms if cs <= m.start and m.end <= ce and not m.appositive]
            comps = [m for m in inside if m.kind == COMPANY and m.org_type == COMPANY]
            for c in comps:
                for t in (m for m in inside if m.kind in _PRED):
                    key = (c.iri, _PRED[t.kind], t.iri)
                    if key not in seen:
                        seen.add(key)
                        yield _features(folded, cs, ce, c, t, comps), c, key[1], t, key in done


def pairs(gold_path: str, extractor: Extractor) -> list[tuple[list[str], int, bool, str]]:
    """(features, label, extracted already, relation) of every candidate pair of a gold set's articles."""
    gold = load_gold(gold_path)
    keys = surface_keys(gold)
    docs, by_doc = article_sentences(gold.article_paths())
    out = []
    for doc in docs:
        art = Path(doc.path).name
        true = {e for g in gold.facts if g.article == art and g.polarity == "true" for e in g.encodings()}
        for feats, c, rel, t, extracted in _candidates(by_doc[doc.id], extractor):
            sk, ok = keys({c.surface}), keys({t.surface})
            out.append((feats, int(any((a, rel, b) in true for a in sk for b in ok)), extracted, rel))
    return out


def silver_pairs(folder: str, extractor: Extractor) -> list[tuple[list[str], int, bool, str]]:
    """Candidate pairs of a folder of articles, labelled by the rules themselves (silver: extracted or not)."""
    docs, by_doc = article_sentences(sorted(Path(folder).glob("*.*")))
    return [(feats, int(extracted), True, rel) for doc in docs
            for feats, _, rel, _, extracted in _candidates(by_doc[doc.id], extractor)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--test", nargs="+", required=True)
    ap.add_argument("--silver", nargs="*", default=[], help="folders of articles labelled by the rules")
    ap.add_argument("--thresholds", nargs="+", type=float, default=[0.5, 0.6, 0.7, 0.8, 0.9])
    args = ap.parse_args(argv)
    extractor = Extractor(Gazetteer.load())
    hasher = FeatureHasher(n_features=2 ** 18, input_type="string", alternate_sign=False)
    train = [p for g in args.train for p in pairs(g, extractor)]
    train += [p for folder in args.silver for p in silver_pairs(folder, extractor)]
    model = LogisticRegression(C=1.0, solver="liblinear", class_weight=None)
    model.fit(hasher.transform([f for f, *_ in train]), np.array([y for _, y, *_ in train]))
    print(f"trained on {len(train)} pairs, {sum(y for _, y, *_ in train)} positive")
    for g in args.test:
        test = [p for p in pairs(g, extractor) if not p[2]]
        prob = model.predict_proba(hasher.transform([f for f, *_ in test]))[:, 1] if test else np.array([])
        print(f"{g}: {len(test)} pairs no rule took, {sum(y for _, y, *_ in test)} of them true")
        for th in args.thresholds:
            added = [(y, rel) for (_, y, _, rel), p in zip(test, prob) if p >= th]
            tp = sum(y for y, _ in added)
            by = defaultdict(lambda: [0, 0])
            for y, rel in added:
                by[rel][0 if y else 1] += 1
            print(f"  p>={th:.2f}: added {len(added)}, true {tp}, not gold {len(added) - tp}  "
                  + " ".join(f"{r}:+{a}/-{b}" for r, (a, b) in sorted(by.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
