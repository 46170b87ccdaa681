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

Then it breaks two kinds down by cue, again as counts and cue sets only: the misses whose subject is not
written in the evidence sentence (how the sentence opens — pronoun, company or product description, a
verb —, where the subject was last named, what coreference offered, whether an implicit subject was given) and
the ``wrong-subject`` facts (rule, party order, which party the term is nearer, possessives, entity types),
plus the facts the implicit-subject rule made, right or wrong, by cue set.

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
from regenkg.graph.extract import Extractor, core
from regenkg.graph.extract.assets import _PRODUCT_CUE, _RND_CUE, _RND_STOP
from regenkg.graph.extract.clauses import split_clauses
from regenkg.graph.extract.implicit import _GENERIC, _WORK_CUE
from regenkg.graph.extract.patterns import _ACQ_PASSIVE, _HEDGE
from regenkg.graph.ontology import Gazetteer

from common import article_sentences, surface_keys

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


# Shapes of a sentence whose subject is not written in it (coreference cues, generic, no article's words).
_OPEN_PRONOUN = re.compile(r"^\s*(?:it|its|it's|they|their)\b|^\s*(?:它|其)", re.I)
_OPEN_COMPANY = re.compile(r"^\s*the (?:[\w-]+ ){0,2}(?:company|firm|biotech|group|unit|start-?up|drugmaker|developer|"
                           r"maker|subsidiary|division|arm|pharma)\b|^\s*(?:该|这家|此|这间)[^，,。]{0,12}(?:公司|企业|集团|"
                           r"药企|药厂|新创|厂商|团队)", re.I)
_OPEN_PRODUCT = re.compile(r"^\s*the (?:[\w-]+ ){0,2}(?:therapy|treatment|drug|product|candidate|medicine|programme|"
                           r"program|asset|platform|vector|approval)\b|^\s*(?:该|这一|这款|此|这个)[^，,。]{0,8}(?:疗法|药物|"
                           r"产品|候选|平台|管线|药)", re.I)
_MID_CUE = re.compile(r"\b(?:it|its|the (?:company|firm|biotech|group|unit|start-?up|drugmaker|developer|latter))\b|"
                      r"它|其(?![中他它余实次])|该公司|该企业|这家|该集团|该药企|该新创|此公司", re.I)
_OPEN_VERB = re.compile(r"^\s*(?:[^，,。\s]{0,8}[，,]\s*)?(?:并|也|亦|还|同时|另|此外|目前|已|将|正|主要|持续|专注|主攻|聚焦|"
                        r"致力|开发|研发|布局|推进|拥有|获得|完成|宣布|计划|预计|针对|用于|治疗)")


def _subject_shape(ss, idx: int, subject: str, ment_keys, first_company) -> list[str]:
    """Cues of a missed fact whose subject is not written in its evidence sentence ``ss[idx]``."""
    text = fold(ss[idx].text)
    cues = []
    if _OPEN_PRONOUN.match(text):
        cues.append("opens-pronoun")
    elif _OPEN_COMPANY.match(text):
        cues.append("opens-company-description")
    elif _OPEN_PRODUCT.match(text):
        cues.append("opens-product-description")
    elif _OPEN_VERB.match(text):
        cues.append("opens-verb(zh-zero)")
    elif _MID_CUE.search(text):
        cues.append("pronoun/description-inside")
    elif ment_keys[ss[idx].id] & first_company.keys():
        cues.append("other-company-named")
    else:
        cues.append("no-company-no-pronoun")
    back = next((d for d in range(1, idx + 1) if subject in ment_keys[ss[idx - d].id]), None)
    cues.append("named-prev" if back == 1 else "named-2-3-back" if back in (2, 3)
                else "named-far-back" if back else "never-named-before")
    if subject in ment_keys[ss[0].id]:
        cues.append("in-title/first")
    counts = Counter(k for s in ss[:idx + 1] for k in ment_keys[s.id] if k in first_company)
    if counts and counts.most_common(1)[0][0] == subject:
        cues.append("dominant-so-far")
    if ss[idx].text[:1].isascii():
        cues.append("script-en")
    return cues


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
    gazetteer = Gazetteer.load()
    # What coreference made of each sentence (IRI, whether through a pronoun), recorded at its last step.
    resolved: dict[str, list[tuple[str, bool]]] = {}
    implicit: dict[str, str | None] = {}  # sentence text -> the company an implicit subject stands for
    # h/anaph2: recorded after the product opener, coreference's last step since h/anaph
    def record(text, ms, *rest, _orig=core.mark_product_opener):
        _orig(text, ms, *rest)
        resolved[text] = [(m.iri, m.pronoun) for m in ms if m.kind in ("Company", "ImplicitSubject")]
        implicit[text] = next((m.iri for m in ms if m.kind == "ImplicitSubject"), None)

    core.mark_product_opener = record
    antecedent: dict[str, str | None] = {}  # sentence text -> the company coreference offered it

    orig_resolve = core.resolve_pronoun

    def record_prev(text, ms, prev, prev_ms, types, *rest):
        antecedent[text] = prev.iri if prev is not None else None
        orig_resolve(text, ms, prev, prev_ms, types, *rest)

    core.resolve_pronoun = record_prev
    extractor = Extractor(gazetteer)
    docs, by_doc = article_sentences(gold.article_paths())
    by_name = {Path(d.path).name: d for d in docs}
    keys = surface_keys(gold)

    missed: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    shapes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    shown: dict[tuple[str, str], list[str]] = defaultdict(list)
    anaphora: dict[str, Counter[str]] = defaultdict(Counter)  # relation -> cue counts of subject-not-written
    wrong_subj: dict[str, Counter[str]] = defaultdict(Counter)  # relation -> cue counts of wrong-subject
    combos: Counter[str] = Counter()  # the cue sets of each subject-not-written miss
    ws_combos: Counter[str] = Counter()  # the cue sets of each wrong-subject fact
    implicit_facts: Counter[str] = Counter()  # cue sets of the facts the implicit-subject rule made
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
        company_keys: dict[str, int] = {}  # gold key of a company mention -> first sentence index
        for i, s in enumerate(ss):
            for m in extractor.finder.find(s.text):
                ks = keys({m.surface}) | ends(m.iri)
                ment_keys[s.id] |= ks
                if m.kind == "Company":
                    for k in ks:
                        company_keys.setdefault(k, i)
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
                if kind.endswith("not-written"):
                    idx = next(i for i, s in enumerate(ss) if s.id in ids)
                    cues = _subject_shape(ss, idx, g.subject, ment_keys, company_keys)
                    res = resolved.get(ss[idx].text, [])
                    pro = [ends(iri) for iri, is_pro in res if is_pro]
                    cues.append("coref-to-gold" if any(g.subject in k for k in pro) else
                                "coref-to-other" if pro else "coref-none")
                    if any(r.sentence_id in ids and r.predicate == g.relation and g.object in ok
                           for r, _, ok in rels):
                        cues.append("object-given-to-another")
                    imp = implicit.get(ss[idx].text)
                    if imp is not None:
                        cues.append("implicit-gold" if g.subject in ends(imp) else "implicit-other")
                        for name, pat in (("generic", _GENERIC), ("hedge", _HEDGE), ("stop", _RND_STOP),
                                          ("acq-passive", _ACQ_PASSIVE), ("work", _WORK_CUE)):
                            if pat.search(fold(ss[idx].text)):
                                cues.append(f"guard-{name}")
                    ante = antecedent.get(ss[idx].text)
                    cues.append("antecedent-is-gold" if ante and g.subject in ends(ante) else
                                "antecedent-other" if ante else "antecedent-none")
                    ftext = fold(ss[idx].text)
                    cues.append("rnd-cue" if _RND_CUE.search(ftext) else "product-cue" if _PRODUCT_CUE.search(ftext)
                                else "no-cue")
                    if idx > 0:
                        pms = [m for m in extractor.finder.find(ss[idx - 1].text) if m.kind == "Company"]
                        pk = [ends(m.iri) | keys({m.surface}) for m in pms]
                        if pk and g.subject in pk[0]:
                            cues.append("prev-first-company")
                        if pk and g.subject in pk[-1]:
                            cues.append("prev-last-company")
                        if len({m.iri for m in pms}) == 1:
                            cues.append("prev-only-company")
                        prels = [r for r, sk, _ in rels if r.sentence_id == ss[idx - 1].id and g.subject in sk]
                        if any(r.predicate in ("develops", "targets") for r in prels):
                            cues.append("prev-gold-subject-develops")
                        if any(r.predicate in ("acquired", "partneredWith", "licensedFrom") for r, _, ok in rels
                               if r.sentence_id == ss[idx - 1].id and g.subject in ok):
                            cues.append("prev-gold-subject-is-deal-object")
                        # h/anaph2: which slot of which fact of the previous sentence the gold subject filled
                        for r, sk, ok in rels:
                            if r.sentence_id == ss[idx - 1].id and (g.subject in sk or g.subject in ok):
                                cues.append(f"prev-gold-in={r.predicate}:{'s' if g.subject in sk else 'o'}")
                        if idx > 1 and any(g.subject in sk for r, sk, _ in rels if r.sentence_id == ss[idx - 2].id):
                            cues.append("prev2-gold-subject")
                        cues.append(f"prev-facts={sum(1 for r, _, _ in rels if r.sentence_id == ss[idx - 1].id)}")
                        for d, ps in deal_pairs:
                            if d.sentence_id == ss[idx - 1].id and d.doc_id == ss[idx - 1].doc_id:
                                roles = [role for (role, _), k in zip(d.parties, ps) if g.subject in k]
                                cues.append(f"prev-deal={d.kind}/{d.status}/{','.join(roles) or 'not-party'}")
                        pos = [i for i, m in enumerate(pms) if g.subject in (ends(m.iri) | keys({m.surface}))]
                        # h/anaph2: the kind of statement the previous sentence made, by a fixed word list
                        pw = re.findall(r"\b(invest\w*|stake|round|raised|led|found\w*|spun|spin|ceo|said|announc\w*|"
                                        r"agree\w*|option|deal|acqui\w*|buy\w*|partner\w*|licen\w*|unit|subsidiary|"
                                        r"backed|fund\w*|series|merg\w*|after|while|whose|which|who|develop\w*|"
                                        r"trial|approv\w*|shares?|valu\w*|rival|compet\w*)\b", fold(ss[idx - 1].text))
                        cues.append("prev-kw=" + ",".join(sorted(set(pw))))
                        cues.append(f"prev-companies={len(pms)}@{pos[:1]}")
                    here = extractor.finder.find(ss[idx].text)
                    if any(m.kind == "Company" and m.org_type != "Company" for m in here):
                        cues.append("has-institution")
                    for m in here:
                        if m.kind == "Company" and not (keys({m.surface}) | ends(m.iri)) & company_keys.keys():
                            cues.append("nongold-company(" + ",".join(c for c in (
                                "curated" if m.curated else "discovered", m.org_type,
                                "ascii" if m.surface.isascii() else "han", "len=%d" % len(m.surface),
                                "at-start" if m.start <= 3 else "", "pronoun" if m.pronoun else "",
                                "gold-term" if keys({m.surface}) else "") if c) + ")")
                    if not any(m.kind in ("Modality", "Indication") for m in here):
                        cues.append("no-term-mention")
                    first_m = min(extractor.finder.find(ss[idx].text), key=lambda m: m.start, default=None)
                    if first_m is not None and first_m.start <= 3:
                        cues.append(f"opens-with-{first_m.kind}")
                    anaphora[g.relation].update(cues)
                    anaphora[g.relation]["total"] += 1
                    combos[g.relation + ": " + " ".join(c for c in cues if not c.startswith("nongold"))] += 1
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
        order = {s.id: i for i, s in enumerate(ss)}
        for r, sk, ok in distinct.values():
            matches = [g for g in facts if any(rel == r.predicate and s in sk and o in ok for s, rel, o in g.encodings())]
            if r.rule == "implicit-subject":
                i = order[r.sentence_id]
                sent = ss[i]
                ftext = fold(sent.text)
                pms = [m for m in extractor.finder.find(ss[i - 1].text) if m.kind == "Company"] if i else []
                cues = ["correct" if any(g.polarity == "true" for g in matches) else "wrong", r.predicate,
                        "en" if sent.lang == "en" else "zh",
                        "rnd" if _RND_CUE.search(ftext) else "product",
                        "prev-names-it" if any(m.iri == r.subject for m in pms) else
                        "prev-names-none" if not pms else "prev-names-other",
                        "curated" if any(e.iri == r.subject for e in gazetteer.entities.values()) else "discovered",
                        "prev-fact" if any(r2.subject == r.subject and r2.sentence_id == ss[i - 1].id for r2, _, _ in rels)
                        else "no-prev-fact",
                        "prev-opens-it" if pms and pms[0].iri == r.subject and pms[0].start <= 3 else "",
                        "terms=%d" % sum(1 for m in extractor.finder.find(sent.text) if m.kind in ("Modality", "Indication")),
                        "len=%d" % (len(sent.text) // 50 * 50)]
                implicit_facts[" ".join(c for c in cues if c)] += 1
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
                sent = sent_by_id.get(r.sentence_id)
                gsubj = {g.subject for g in facts if g.relation == r.predicate and g.object in ok}
                cues = Counter()
                cues["total"] += 1
                cues["gold-subject-in-sentence" if gsubj & ment_keys[r.sentence_id] else "gold-subject-not-written"] += 1
                written = sent is not None and any(fold(x) in fold(sent.text) for x in names.get(r.subject, ()) if len(x) > 1)
                cues["extracted-subject-written" if written else "extracted-subject-via-coref"] += 1
                cues[f"rule={r.rule}"] += 1
                # A frame that gave the object to every party: the gold subject got it from the same sentence.
                if any(r2.sentence_id == r.sentence_id and r2.predicate == r.predicate and r2.object == r.object
                       and sk2 & gsubj for r2, sk2, _ in rels):
                    cues["gold-subject-also-given-it"] += 1
                if sent is not None:
                    here = [m for m in extractor.finder.find(sent.text) if m.kind == "Company"]
                    wpos = next((i for i, m in enumerate(here) if m.iri == r.subject), None)
                    gpos = next((i for i, m in enumerate(here) if (keys({m.surface}) | ends(m.iri)) & gsubj), None)
                    if wpos is not None and gpos is not None:
                        cues["wrong-before-gold" if wpos < gpos else "wrong-after-gold"] += 1
                    cues[f"wrong-type={extractor.finder.types.get(r.subject, 'discovered')}"] += 1
                    if re.search(r"pharma|製藥|制药|藥業|药业|醫藥|医药", " ".join(names.get(r.subject, ())), re.I):
                        cues["wrong-named-pharma"] += 1
                    cues[f"companies-in-sentence={len({m.iri for m in here})}"] += 1
                    ftext = fold(sent.text)
                    terms = [m for m in extractor.finder.find(sent.text) if m.iri == r.object]
                    wm = next((m for m in here if m.iri == r.subject), None)
                    gm = next((m for m in here if (keys({m.surface}) | ends(m.iri)) & gsubj), None)
                    if terms and wm and gm:
                        t = terms[0]
                        cues["term-nearer-gold" if abs(t.start - gm.end) < abs(t.start - wm.end) else "term-nearer-wrong"] += 1
                        lo = min(wm.start, gm.start, t.start)
                        between = ftext[lo:t.start]
                        if re.search(r"\bits\b|'s\b|’s\b|的|其|\btheir\b", between):
                            cues["possessive-before-term"] += 1
                        if re.search(r"\bto (?:develop|use|advance|combine|apply|access)\b|用于|以|共同开发|合作开发|联合开发", between):
                            cues["purpose-or-codevelop-before-term"] += 1
                        if wm.start <= 3:
                            cues["wrong-opens-sentence"] += 1
                        if gm.start <= 3:
                            cues["gold-opens-sentence"] += 1
                        if t.start > max(wm.end, gm.end):
                            cues["term-after-both"] += 1
                wrong_subj[r.predicate].update(cues)
                ws_combos[r.predicate + ": " + " ".join(sorted(k for k in cues if k != "total"))] += 1
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
    for title, table in (("missed facts whose subject is not written in the sentence, by cue", anaphora),
                         ("wrong-subject facts, by cue", wrong_subj)):
        print(f"\n{title}:")
        for rel, cues in sorted(table.items()):
            print(f"  {rel:<18}" + " ".join(f"{c}={k}" for c, k in cues.most_common()))
    print("\nsubject-not-written misses by cue set:")
    for combo, n in combos.most_common():
        print(f"  {n:>3}  {combo}")
    print("\nwrong-subject facts by cue set:")
    for combo, n in ws_combos.most_common():
        print(f"  {n:>3}  {combo}")
    print("\nimplicit-subject facts by cue set:")
    for combo, n in sorted(implicit_facts.items()):
        print(f"  {n:>3}  {combo}")
    if args.rules:
        print("\nextracted facts by rule (correct/wrong):")
        for rule, (ok, bad) in sorted(by_rule.items()):
            print(f"  {rule:<28}{ok:>4}/{bad:<4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
