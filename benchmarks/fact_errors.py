"""Extraction errors by category, not by sentence: why each gold fact was missed, why each extra fact is wrong.

Runs ingest → segment → extract directly (no embedding, no index) over a gold set's articles and sorts

- every missed ``true`` gold fact into one kind: an end not mentioned in the evidence sentence
  (``subject-missing``/``object-missing``/``both-missing``: the entity side's job), the fact read in the wrong
  direction, as another relation, only as a non-positive Deal, in another sentence only, or not at all
  (``no-frame``: then split by whether the sentence holds a trigger of the relation's family and whether
  both ends sit in one clause);
- every extracted positive fact that matches no true gold fact into ``polarity`` (from a denied/rumoured/ended
  statement), ``reversed``, ``other-relation``, ``subject-unknown``/``object-unknown`` (an end that is no gold
  name or term: a fragment, a product, an unlisted name) or ``wrong-pair``.

It prints counts per relation and kind, never the sentences, so that it can be run on a set one must not
tune rules to (``../shared/eval/dev``). ``--show`` lists the facts too (for one's own private sets only).

    PYTHONPATH=src python benchmarks/fact_errors.py tests/data/private_eval/gold.json [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from regenkg.evaluate.gold import RELATIONS, SYMMETRIC, fold, load_gold
from regenkg.graph.extract import Extractor
from regenkg.graph.extract.clauses import split_clauses
from regenkg.graph.ontology import Gazetteer
from regenkg.text.ingest import ingest
from regenkg.text.segment import segment

FAMILY = {
    "acquired": r"收购|并购|买下|购并|旗下|拿下|购入|购得|受让|acqui|bought|buy|purchas|took over|takeover|snap|pay",
    "partneredWith": r"合作|结盟|携手|联手|签署|签订|partner|collaborat|alliance|team|agreement|deal|pact|tie-up|with",
    "licensedFrom": r"授权|许可|授予|引进|引入|licen|rights|权益|权利",
    "jointVentureWith": r"合资|合营|joint venture|\bjv\b",
    "soldTo": r"出售|卖|售|转让|sold|sell|sale|divest|offload",
    "spunOutFrom": r"脱胎|孵化|衍生|分拆|源自|spun|spin|carved",
    "operatesIn": r"在|于|进入|布局|市场|based|headquarter|rights|market|launch|commerciali|operat|expand|in\b",
    "develops": r"开发|研发|布局|发展|develop|platform|programme|program|pipeline|work|focus",
    "targets": r"治疗|用于|针对|适应症|treat|patients|indicat|approv|for\b|target",
    "exited": r"退出|终止|停止|放弃|exit|discontinu|terminat|halt|drop|abandon|shelv|wound|stop",
}


# Generic shape cues (not words of any article) counted over the evidence of no-frame misses.
SHAPES = {
    "possessive": r"'s\b|’s\b|的|其|\bits\b|\btheir\b",
    "approval": r"approv|获批|核准|批准|上市|clear|authori[sz]",
    "product": r"\bproduct|\btherapy\b|candidate|产品|疗法|注射液|候选",
    "passive-by": r"\bby\b|由",
    "parenthesis": r"[(（]",
    "list": r"、|\band\b",
    "trial": r"trial|phase|临床|试验",
    "rights/territory": r"rights|权益|权利|territor|区域|地区",
    "money": r"\$|美元|亿|million|billion",
}


def _names(ex, gazetteer: Gazetteer) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for ent in list(gazetteer.entities.values()) + list(ex.entities):
        for label in ent.labels.values():
            out[ent.iri].add(label)
        for a in getattr(ent, "aliases", ()):
            out[ent.iri].add(a)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("--show", action="store_true", help="list the facts of each kind (private sets only)")
    ap.add_argument("--rules", action="store_true", help="split wrong facts by the rule that made them")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold)
    surfaces = gold.surface_index()
    gazetteer = Gazetteer.load()
    extractor = Extractor(gazetteer)
    docs = ingest(gold.article_paths()).documents
    by_name = {Path(d.path).name: d for d in docs}
    sents = segment(docs)
    by_doc: dict[str, list] = defaultdict(list)
    for s in sents:
        by_doc[s.doc_id].append(s)

    def keys(names: set[str]) -> set[str]:
        out: set[str] = set()
        for n in names:
            out |= surfaces.get(fold(n), set())
        return out

    missed: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    shapes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    shown: dict[tuple[str, str], list[str]] = defaultdict(list)
    found_total = gold_total = 0
    for art, doc in by_name.items():
        ss = by_doc[doc.id]
        ex = extractor.extract(ss)
        names = _names(ex, gazetteer)
        mention_names: dict[str, set[str]] = defaultdict(set)
        for m in ex.mentions:
            mention_names[m.entity].add(m.surface)
        def ends(iri: str, names=names, mention_names=mention_names) -> set[str]:
            return keys(names.get(iri, set()) | mention_names.get(iri, set()))
        sent_by_id = {s.id: s for s in ss}
        # Mentions per sentence resolved to gold keys (every mention, used or not).
        ment_keys: dict[int, set[str]] = defaultdict(set)
        for s in ss:
            for m in extractor.finder.find(s.text):
                ment_keys[s.id] |= keys({m.surface}) | ends(m.iri)
        def same_clause(ev, a: str, b: str, ends=ends) -> bool:
            for s in ev:
                ms = extractor.finder.find(s.text)
                for cs, ce, _ in split_clauses(fold(s.text), ms):
                    inside: set[str] = set()
                    for m in ms:
                        if cs <= m.start and m.end <= ce:
                            inside |= keys({m.surface}) | ends(m.iri)
                    if a in inside and b in inside:
                        return True
            return False

        rels = [(r, ends(r.subject), ends(r.object)) for r in ex.relations if r.predicate in RELATIONS]
        deal_pairs = []
        for d in ex.deals:
            ps = [ends(i) for _, i in d.parties]
            deal_pairs.append((d, ps))
        facts = [g for g in gold.facts if g.article == art]
        trues = [g for g in facts if g.polarity == "true"]
        seen_keys = set()
        for g in trues:
            key = (g.subject, g.relation, g.object) if g.relation not in SYMMETRIC else (
                *sorted((g.subject, g.object)), g.relation)
            if key in seen_keys:
                continue
            seen_keys.add(key)
            gold_total += 1
            enc = g.encodings()

            def hit(r, sk, ok, enc=enc) -> bool:
                return any(rel == r.predicate and s in sk and o in ok for s, rel, o in enc)

            if any(hit(r, sk, ok) for r, sk, ok in rels):
                found_total += 1
                continue
            ev_sents = [s for s in ss if g.evidence and (g.evidence[:60] in s.text or s.text[:60] in g.evidence)]
            ids = {s.id for s in ev_sents}
            present = set().union(*(ment_keys[i] for i in ids)) if ids else set()
            subj_ok, obj_ok = g.subject in present, g.object in present
            text = fold(" ".join(s.text for s in ev_sents))

            def why(key: str, text: str = text) -> str:
                # Written there but not recognised (a name/term the entity side misses), or not written at all
                # (a pronoun, a description, an implicit subject: coreference).
                entry = gold.entries.get(key)
                written = entry is not None and any(fold(x) in text for x in entry.surfaces if len(x) > 1)
                return "unrecognised" if written else "not-written"

            if not ids:
                kind = "evidence-not-segmented"
            elif not subj_ok and not obj_ok:
                kind = f"both-missing:{why(g.subject)}/{why(g.object)}"
            elif not subj_ok:
                kind = f"subject-missing:{why(g.subject)}"
            elif not obj_ok:
                kind = f"object-missing:{why(g.object)}"
            elif any(g.subject in ok and g.object in sk and r.predicate == g.relation for r, sk, ok in rels):
                kind = "reversed"
            elif any((g.subject in sk and g.object in ok) or (g.subject in ok and g.object in sk) for r, sk, ok in rels):
                other = next(r.predicate for r, sk, ok in rels if (g.subject in sk and g.object in ok)
                             or (g.subject in ok and g.object in sk))
                kind = f"other-relation:{other}"
            elif any(g.subject in set().union(*ps) and g.object in set().union(*ps) for d, ps in deal_pairs
                     if not d.positive):
                d = next(d for d, ps in deal_pairs if g.subject in set().union(*ps) and g.object in set().union(*ps))
                kind = f"deal-only:{d.status}"
            else:
                trig = bool(re.search(FAMILY[g.relation], text))
                kind = "no-frame:" + ("trigger" if trig else "no-trigger") + (":clause" if same_clause(
                    ev_sents, g.subject, g.object) else ":split")
                for cue, pat in SHAPES.items():
                    if re.search(pat, text):
                        shapes[(g.relation, kind)][cue] += 1
            missed[(g.relation, kind)] += 1
            shown[(g.relation, kind)].append(f"{g.subject} {g.relation} {g.object}")
        # Wrong extractions.
        distinct = {}
        for r, sk, ok in rels:
            ident = (r.predicate, frozenset(sk) or r.subject, frozenset(ok) or r.object)
            distinct.setdefault(ident, (r, sk, ok))
        for r, sk, ok in distinct.values():
            matches = [g for g in facts if any(rel == r.predicate and s in sk and o in ok for s, rel, o in g.encodings())]
            if any(g.polarity == "true" for g in matches):
                by_rule[r.rule][0] += 1
                continue
            by_rule[r.rule][1] += 1
            if matches:
                kind = "polarity:" + matches[0].polarity
            elif not sk:
                kind = "subject-unknown"
            elif not ok:
                kind = "object-unknown"
            elif any(g.relation == r.predicate and g.subject in ok and g.object in sk for g in facts):
                kind = "reversed"
            elif any({g.subject, g.object} <= (sk | ok) for g in facts):
                kind = "other-relation"
            elif any(g.relation == r.predicate and g.object in ok for g in facts):
                kind = "wrong-subject"  # the object is right, for another company (e.g. the deal partner)
            elif any(g.relation == r.predicate and g.subject in sk and (
                    g.object in set().union(*(gold.ancestors(k) for k in ok))
                    or any(k in gold.ancestors(g.object) for k in ok)) for g in facts):
                kind = "granularity"  # a broader or narrower term than the gold's
            elif any(g.relation == r.predicate and g.subject in sk for g in facts):
                kind = "wrong-object"
            else:
                kind = "wrong-pair"
            wrong[(r.predicate, kind + (f" [{r.rule}]" if args.rules else ""))] += 1
            sname = min(names.get(r.subject, {r.subject.rsplit('/', 1)[-1]}))
            oname = min(names.get(r.object, {r.object.rsplit('/', 1)[-1]}))
            shown[(r.predicate, "W " + kind + (f" [{r.rule}]" if args.rules else ""))].append(f"{sname} {r.predicate} {oname} [{r.rule}]")
        del sent_by_id
    print(f"found {found_total}/{gold_total} distinct true facts")
    print("\nmissed true facts by relation and kind:")
    for (rel, kind), n in sorted(missed.items()):
        print(f"  {rel:<18}{kind:<30}{n:>4}  " + " ".join(f"{c}={k}" for c, k in shapes[(rel, kind)].most_common()))
        if args.show:
            for line in shown[(rel, kind)]:
                print("      ", line)
    print("\nwrong positive facts by relation and kind:")
    for (rel, kind), n in sorted(wrong.items()):
        print(f"  {rel:<18}{kind:<30}{n:>4}")
        if args.show:
            for line in shown[(rel, "W " + kind)]:
                print("      ", line)
    if args.rules:
        print("\nextracted facts by rule (correct/wrong):")
        for rule, (ok, bad) in sorted(by_rule.items()):
            print(f"  {rule:<28}{ok:>4}/{bad:<4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
