"""Why the guarded R&D fallback stays silent on missed facts whose two ends share a clause — counts only.

For every missed ``true`` develops/targets/operatesIn gold fact whose subject and object are both mentioned in
one clause of the evidence sentence, it names the guards of :func:`regenkg.graph.extract.cooccur.rule_rnd_cooccur`
that the clause trips (another relation's words, a hedge, a comparison, several companies without a marked
owner, an unsure name…), plus a few shape cues of the clause. It prints counts and guard sets, never a
sentence, so that it can be run on a set one must not tune rules to.

    PYTHONPATH=src python benchmarks/clause_guards.py ../shared/eval/dev/gold.json
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

from regenkg.evaluate.gold import fold, load_gold
from regenkg.graph.extract import Extractor, cooccur
from regenkg.graph.extract.clauses import split_clauses
from regenkg.graph.extract.patterns import (
    _ACQ_ACTIVE, _ACQ_PASSIVE, _DEAL_CANCEL, _EXIT, _HEDGE, _JV, _LICENSE, _OPTION, _PARTNER, _SALE, _SPIN,
    _WORK_OFF, _WORK_SHUT, COMPANY, INDICATION, MODALITY)
from regenkg.graph.ontology import Gazetteer

from common import article_sentences, surface_keys

_GUARDS = {"acq": _ACQ_ACTIVE, "acq-passive": _ACQ_PASSIVE, "partner": _PARTNER, "licence": _LICENSE,
           "sale": _SALE, "jv": _JV, "spin": _SPIN, "option": _OPTION, "cancel": _DEAL_CANCEL, "exit": _EXIT,
           "hedge": _HEDGE, "work-off": _WORK_OFF, "work-shut": _WORK_SHUT,
           "not-its-work": cooccur._NOT_ITS_WORK, "not-owner": cooccur._NOT_OWNER, "planned": cooccur._PLANNED}
_SHAPES = {"possessive": r"'s\b|’s\b|的|其|\bits\b|\btheir\b", "list": r"、|\band\b|,", "paren": r"[(（]",
           "based": r"based|headquarter|总部|位于", "approval": r"approv|获批|核准|批准|上市"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold)
    extractor = Extractor(Gazetteer.load())
    docs, by_doc = article_sentences(gold.article_paths())
    by_name = {Path(d.path).name: d for d in docs}
    keys = surface_keys(gold)

    combos: Counter[str] = Counter()
    single: Counter[str] = Counter()
    for art, doc in by_name.items():
        ss = by_doc[doc.id]
        ex = extractor.extract(ss)
        labels: dict[str, set[str]] = defaultdict(set)
        for m in ex.mentions:
            labels[m.entity].add(m.surface)
        for ent in ex.entities:
            labels[ent.iri] |= set(ent.labels.values())
        found = {(r.predicate, k1, k2) for r in ex.relations
                 for k1 in keys(labels[r.subject] | {r.subject.rsplit('/', 1)[-1]})
                 for k2 in keys(labels[r.object] | {r.object.rsplit('/', 1)[-1]})}
        for g in gold.facts:
            if g.article != art or g.polarity != "true" or g.relation not in ("develops", "targets", "operatesIn"):
                continue
            if any((rel, s, o) in found for s, rel, o in g.encodings()):
                continue
            for s in ss:
                if not g.evidence or not (g.evidence[:60] in s.text or s.text[:60] in g.evidence):
                    continue
                ms = extractor.finder.find(s.text)
                folded = fold(s.text)
                for cs, ce, _ in split_clauses(folded, ms):
                    inside = [m for m in ms if cs <= m.start and m.end <= ce]
                    subj = [m for m in inside if g.subject in keys({m.surface})]
                    obj = [m for m in inside if g.object in keys({m.surface})]
                    if not subj or not obj:
                        continue
                    comps = {m.iri for m in inside if m.kind == COMPANY}
                    terms = [m for m in inside if m.kind in (MODALITY, INDICATION)]
                    cues = [g.relation, "ascii" if s.text[:1].isascii() else "han", f"companies={len(comps)}",
                            f"terms={len(terms)}", "subj-first" if subj[0].start < obj[0].start else "obj-first",
                            "subj-curated" if subj[0].curated else "subj-discovered",
                            "sure" if cooccur._sure(subj[0]) else "unsure"]
                    cues += [n for n, p in _GUARDS.items() if p.search(folded, cs, ce)]
                    cues += [n for n, p in _SHAPES.items() if re.search(p, folded[cs:ce])]
                    first = min((m for m in inside if m.kind == COMPANY), key=lambda m: m.start)
                    cues.append("opens=" + ("gold" if first.iri == subj[0].iri else "other")
                                + ("-at-start" if first.start <= cs + 4 else ""))
                    cues.append("subj-poss" if re.match(r"\s*(?:'s|’s|'|’|的|旗下)", folded[subj[0].end:]) else "")
                    lo, hi = sorted((subj[0].end, obj[0].start))
                    between = [m.kind[:3] for m in inside if lo <= m.start and m.end <= hi]
                    cues.append("between=" + ",".join(between) + f"/{hi - lo}ch")
                    cues.append("verbs=" + ",".join(sorted({n for n, p in _GUARDS.items() if p.search(folded, lo, hi)})))
                    if len(comps) > 1:
                        own = cooccur._owner(folded, [m for m in inside if m.kind == COMPANY], terms)
                        cues.append("owner=" + ("gold" if own is not None and own.iri == subj[0].iri
                                                else "other" if own else "none"))
                    cues = [c for c in cues if c]
                    combos[" ".join(cues)] += 1
                    single.update(cues)
                    break
                else:
                    continue
                break
    print("cue counts over missed same-clause develops/targets/operatesIn facts:")
    for c, n in single.most_common():
        print(f"  {c:20s} {n}")
    print("\ncue sets:")
    for c, n in combos.most_common():
        print(f"  {n:3d}  {c}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
