"""Error analysis of the entity side of extraction, by category, on a gold set (a measure, not a test).

For every gold fact with polarity ``true`` that the extraction missed it asks: was the subject (object)
ever a mention in the article at all, was it a mention in the evidence sentence (named there, or
resolved there from a pronoun / definite description), or were both there and only the relation is
missing. For every extracted fact that is wrong it asks whether an end is not a gold name at all (a
fragment, a product, a wrongly cut name) or both ends are real names and the relation is wrong. Counts
are per script; no sentence is printed, so the numbers can be read without reading the dev set.

    PYTHONPATH=src .venv/bin/python benchmarks/names_errors.py ../shared/eval/dev/gold.json [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _record_mentions() -> list[tuple[Any, list[Any]]]:
    """Every sentence's final mention list (curated, discovered, short names, pronouns), as extract() sees it."""
    from regenkg.graph.extract import core

    seen: list[tuple[Any, list[Any]]] = []
    if not hasattr(core, "_names_errors_orig"):
        core._names_errors_orig = core.resolve_pronoun  # type: ignore[attr-defined]

    def wrapped(text: str, ms: list[Any], *a: Any, **k: Any) -> Any:
        out = core._names_errors_orig(text, ms, *a, **k)  # type: ignore[attr-defined]
        seen.append((text, ms))
        return out

    core.resolve_pronoun = wrapped
    return seen


_ANAPHOR = re.compile(r"\b(?:it|its|they|their|the (?:[a-z-]+ ){0,2}(?:company|biotech|firm|group|unit|start-?up|"
                      r"drugmaker|developer|subsidiary|partner))\b|该|該|其|它|此|这家|這家|公司|集团|集團", re.IGNORECASE)


def _anaphor_kind(ev: list[str], in_sent: dict[tuple[str, str], set[str]], art: str, kind: dict[str, str]) -> str:
    """Why the subject is absent: an unresolved anaphor, no company at all (zero anaphora), or other companies."""
    text = " ".join(ev)
    companies = {k for t in ev for k in in_sent[(art, t)] if kind.get(k) == "company"}
    if _ANAPHOR.search(text):
        return ": anaphor present" + (", other companies named" if companies else ", no company named")
    return ": no anaphor, " + ("other companies named" if companies else "no company named (zero anaphora)")


def _written(surfaces: tuple[str, ...], text: str) -> str:
    """Whether a name never mentioned is written in the text at all, and in what shape."""
    from regenkg.evaluate.gold import fold

    hits = [s for s in surfaces if len(s) >= 2 and fold(s) in text]
    if not hits:
        return ": none of its names written"
    return ": written as " + ", ".join(sorted({_form(s, text) for s in hits}))


def _why_not(surfaces: tuple[str, ...], sentences: list[str], finder: Any) -> str:
    """What discovery made of a name that never became a mention: no span, a span cut differently, or an exact
    span that a later filter dropped (category only)."""
    from regenkg.evaluate.gold import fold

    verdicts = set()
    for text in sentences:
        ft = fold(text)
        for sf in surfaces:
            f = fold(sf)
            i = ft.find(f) if len(f) >= 2 else -1
            if i < 0 or len(ft) != len(text):
                continue
            taken = [(m.start, m.end) for m in finder.matcher.find(text)]
            cands = finder.discover(text, taken)
            over = [(a, b) for a, b, _, _ in cands if a < i + len(f) and i < b]
            if any(a == i and b == i + len(f) for a, b in over):
                verdicts.add("exact span proposed, dropped by a filter")
            elif over:
                a, b = over[0]
                verdicts.add("span proposed " + ("longer" if a <= i and b >= i + len(f) else
                                                 "shorter" if a >= i and b <= i + len(f) else "shifted"))
            elif any(a < i + len(f) and i < b for a, b in taken):
                verdicts.add("overlapped by a gazetteer match")
            else:
                verdicts.add("no span proposed")
    return "; discovery: " + ", ".join(sorted(verdicts)) if verdicts else ""


def _form(surface: str, text: str) -> str:
    from regenkg.evaluate.gold import fold

    han = any("\u4e00" <= c <= "\u9fff" for c in surface)
    f = fold(surface)
    i = text.find(f)
    after = text[i + len(f):i + len(f) + 8]
    if han:
        tag = "han name"
        if re.match(r"\s*[(（]\s*\d{4}", after):
            tag += " + (stock code)"
        from regenkg.graph.extract.names import ZH_INSTITUTION_MORE
        from regenkg.graph.extract.patterns import _ZH_INSTITUTION_SUFFIX, _ZH_ORG_SUFFIX

        ends = [x for x, _ in (*_ZH_INSTITUTION_SUFFIX, *ZH_INSTITUTION_MORE)] + list(_ZH_ORG_SUFFIX)
        suffix = "listed suffix" if any(f.endswith(fold(x)) for x in ends) else "no listed suffix"
        return f"{tag} ({len(f)} chars, {suffix}; before: {_cls(text[i - 1:i])}, after: {_cls(after[:1])})"
    shape = ("digit-initial latin" if surface[:1].isdigit() else "lower-case latin" if surface[:1].islower()
             else "upper-case acronym" if surface.isupper() else "capitalised latin")
    if i >= 0 and any("\u4e00" <= c <= "\u9fff" for c in text[max(0, i - 1):i + len(f) + 1]):
        shape += f" in han text ({len(surface.split())} words; before: {_cls(text[i - 1:i])}, after: {_cls(after[:1])})"
    return shape


def _cls(c: str) -> str:
    """The class of one character (so that no text is printed)."""
    if not c:
        return "start/end"
    if "\u4e00" <= c <= "\u9fff":
        return "han"
    if c.isspace():
        return "space"
    if c.isalnum():
        return "latin/digit"
    return "punctuation"


def _shape(name: str, gold_surfaces: set[str]) -> str:
    """The shape of a wrong end: a piece of a gold name, a gold name plus more, or something else."""
    from regenkg.evaluate.gold import fold

    f = fold(name)
    script = "han" if any("\u4e00" <= c <= "\u9fff" for c in name) else "latin"
    holders = sorted((g for g in gold_surfaces if f and f in g and f != g), key=len)
    if holders:
        return f"{script} fragment of a gold name ({_missing(f, holders[0])})"
    inner = [g for g in gold_surfaces if g and len(g) >= 2 and g in f and f != g]
    if inner:
        g = max(inner, key=len)
        where = "before" if f.endswith(g) else "after" if f.startswith(g) else "around"
        return f"{script} gold name with extra text {where} it"
    if script == "latin":
        w = name.split()
        shape = ("with digits" if any(c.isdigit() for c in name) else "multi-word" if len(w) > 1
                 else "mixed case" if re.search(r"[a-z][A-Z]", name) else "one capitalised word")
        return f"latin not related to a gold name, {shape}"
    from regenkg.graph.extract.names import ZH_INSTITUTION_MORE
    from regenkg.graph.extract.patterns import _ZH_INSTITUTION_SUFFIX, _ZH_ORG_SUFFIX

    ends = [x for x, _ in (*_ZH_INSTITUTION_SUFFIX, *ZH_INSTITUTION_MORE)] + list(_ZH_ORG_SUFFIX)
    suffix = "listed suffix" if any(f.endswith(fold(x)) for x in ends) else "no listed suffix"
    return f"{script} not related to a gold name ({len(f)} chars, {suffix})"


def _missing(frag: str, whole: str) -> str:
    """What the fragment lacks of the gold name, by position and shape only (no text is printed)."""
    i = whole.find(frag)
    before, after = whole[:i], whole[i + len(frag):]
    parts = []
    for where, rest, edge in (("before", before, before[-1:]), ("after", after, after[:1])):
        if not rest:
            continue
        cut = "word cut" if edge.isalnum() else "whole word(s)"
        kind = ("han" if any("\u4e00" <= c <= "\u9fff" for c in rest) else "digits" if any(c.isdigit() for c in rest)
                else "punctuation" if not any(c.isalpha() for c in rest) else "latin")
        parts.append(f"{kind} {cut} {where}")
    return ", ".join(parts)


def analyse(gold_path: Path, tagger: bool = False) -> dict[str, Any]:
    """Counts of missed and wrong facts by category and script."""
    from regenkg.evaluate import ExtractedFact, load_gold, score_facts
    from regenkg.evaluate.gold import fold
    from regenkg.graph.extract import Extractor
    from regenkg.graph.ontology import Gazetteer
    from regenkg.text.ingest import ingest
    from regenkg.text.segment import segment

    gold = load_gold(gold_path)
    gaz = Gazetteer.load()
    surfaces = gold.surface_index()
    extracted: list[Any] = []
    present: dict[str, set[str]] = defaultdict(set)  # article -> gold keys mentioned anywhere
    in_sent: dict[tuple[str, str], set[str]] = defaultdict(set)  # (article, sentence text) -> keys
    pron: dict[tuple[str, str], set[str]] = defaultdict(set)  # keys there only through a pronoun
    sentences: dict[str, list[str]] = defaultdict(list)
    texts: dict[str, str] = {}
    via_pronoun: set[tuple[str, str, str, str]] = set()  # facts with an end there only as a pronoun
    finder = Extractor(gaz).finder
    for path in gold.article_paths():
        extractor = Extractor(gaz, use_tagger=tagger)
        seen = _record_mentions()
        docs = ingest([path]).documents
        sents = segment(docs)
        ex = extractor.extract(sents)
        names = {iri: [*e.labels.values(), *e.aliases] for iri, e in gaz.entities.items()}
        for e in ex.entities:
            names.setdefault(e.iri, [*e.labels.values(), *e.aliases])
        art = path.name
        texts[art] = fold(" ".join(d.text for d in docs))
        for text, ms in seen:
            sentences[art].append(text)
            for m in ms:
                ns = names.get(m.iri) or [m.surface]
                keys = set().union(*(surfaces.get(fold(n), set()) for n in [*ns, m.surface]))
                present[art] |= keys
                in_sent[(art, text)] |= keys
                if m.pronoun:
                    pron[(art, text)] |= keys
        by_id = {st.id: st.text for st in sents}
        only_pronoun: dict[int, set[str]] = {}
        for (text, ms), st in zip(seen, sents):
            only_pronoun[st.id] = ({m.iri for m in ms if m.pronoun} - {m.iri for m in ms if not m.pronoun})
        for r in ex.relations:
            f = ExtractedFact(art, r.subject, r.predicate, r.object, tuple(names.get(r.subject, [r.subject])),
                              tuple(names.get(r.object, [r.object])), by_id.get(r.sentence_id, ""))
            extracted.append(f)
            if r.subject in only_pronoun.get(r.sentence_id, ()) or r.object in only_pronoun.get(r.sentence_id, ()):
                via_pronoun.add((art, r.subject, r.predicate, r.object))
    score = score_facts(gold, extracted)
    kind = {k: e.kind for k, e in gold.entries.items()}
    all_surfaces = {fold(x) for e in gold.entries.values() for x in e.surfaces}
    missed: dict[str, Counter[str]] = defaultdict(Counter)
    for g in score.missed:
        lang = gold.articles[g.article]
        ev = [t for t in sentences[g.article] if g.evidence and (t in g.evidence or g.evidence[:60] in t)]
        here = set().union(*(in_sent[(g.article, t)] for t in ev)) if ev else set()
        via_pron = set().union(*(pron[(g.article, t)] for t in ev)) if ev else set()
        for end, key in (("subject", g.subject), ("object", g.object)):
            k = kind.get(key, "?")
            if key not in present[g.article]:
                cat = f"{end} ({k}) never a mention in the article" + _written(gold.entries[key].surfaces,
                                                                              texts[g.article])
                if k in ("company", "hospital", "university"):
                    cat += _why_not(gold.entries[key].surfaces, sentences[g.article], finder)
            elif key not in here:
                cat = f"{end} ({k}) named elsewhere, not in/resolved to the evidence sentence"
                if k == "company" and ev:
                    cat += _anaphor_kind(ev, in_sent, g.article, kind)
            else:
                cat = ""
            if cat:
                missed[lang][cat] += 1
        if g.subject in here and g.object in here:
            how = " (subject via pronoun)" if g.subject in via_pron else ""
            missed[lang][f"both ends in the evidence sentence, relation {g.relation} missing{how}"] += 1
        missed[lang]["_total"] += 1
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    for m in score.matches:
        if m.verdict == "correct":
            continue
        lang = gold.articles[m.fact.article]
        tag = "polarity" if m.verdict == "polarity" else "wrong"
        if (m.fact.article, m.fact.subject, m.fact.relation, m.fact.object) in via_pronoun:
            tag += " (an end via pronoun)"
        if not m.subject_keys or not m.object_keys:
            for end, ks, ns in (("subject", m.subject_keys, m.fact.subject_names),
                                ("object", m.object_keys, m.fact.object_names)):
                if not ks:
                    shape = _shape(ns[0] if ns else "", all_surfaces)
                    if m.fact.sentence.lstrip().startswith("|"):
                        shape += " [table row]"
                    wrong[lang][f"{tag}: {end} not a gold name ({m.fact.relation}); {shape}"] += 1
        else:
            wrong[lang][f"{tag}: both ends gold names, fact not in gold ({m.fact.relation})"] += 1
        wrong[lang]["_total"] += 1
    return {"overall": score.overall.to_dict(), "polarity_violations": len(score.polarity_violations),
            "missed": {k: dict(sorted(v.items())) for k, v in sorted(missed.items())},
            "wrong": {k: dict(sorted(v.items())) for k, v in sorted(wrong.items())}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tagger", action="store_true", help="with the learned name tagger (off by default)")
    args = ap.parse_args()
    res = analyse(args.gold, tagger=args.tagger)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    o = res["overall"]
    print(f"in-process extraction: P {o['precision']} R {o['recall']} F1 {o['f1']} "
          f"({o['tp']}/{o['extracted']}; {o['found']}/{o['gold']}), polarity violations {res['polarity_violations']}")
    for part in ("missed", "wrong"):
        print(f"\n{part}:")
        for lang, cats in res[part].items():
            print(f"  {lang} ({cats.get('_total', 0)})")
            for cat, n in sorted(cats.items(), key=lambda kv: -kv[1]):
                if cat != "_total":
                    print(f"    {n:4d}  {cat}")


if __name__ == "__main__":
    main()
