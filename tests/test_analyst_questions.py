"""Analyst questions over corpus/ (issue 15): constraints, two hops, comparisons, amounts, polarity.

The ≥ 90 % bar is over tests/data/analyst_questions.yaml (26 questions per script, half compositional);
every miss is printed. The translation triples must give identical entity sets, and every answer must
say what it understood.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import DATA

RES = "https://w3id.org/regenkg/id/"
ANALYST = yaml.safe_load((DATA / "analyst_questions.yaml").read_text(encoding="utf-8"))

# The same question in English, Traditional and Simplified Chinese.
TRIPLES = [
    ("who acquired Gracell", "誰收購了亘喜生物", "谁收购了亘喜生物"),
    ("which big pharma acquired NK cell companies after 2020", "2020年以後哪些大藥廠收購了NK細胞公司",
     "2020年以后哪些大药厂收购了NK细胞公司"),
    ("which companies develop CAR-NK therapies", "哪些公司開發CAR-NK療法", "哪些公司开发CAR-NK疗法"),
    ("what did Bayer acquire", "拜耳收購了哪些公司", "拜耳收购了哪些公司"),
    ("which Japanese companies develop TCR-T", "哪些日本公司開發TCR-T", "哪些日本公司开发TCR-T"),
    ("which companies acquired by big pharma develop TCR-T", "哪些被大藥廠收購的公司開發TCR-T",
     "哪些被大药厂收购的公司开发TCR-T"),
    ("who are Legend Biotech's partners", "傳奇生物的合作夥伴有哪些", "传奇生物的合作伙伴有哪些"),
    ("compare Novartis and Gilead in cell therapy", "比較諾華和吉利德在細胞治療的布局", "比较诺华和吉利德在细胞治疗的布局"),
    ("which Chinese companies develop CAR-T", "哪些中國公司開發CAR-T", "哪些中国公司开发CAR-T"),
    ("which companies exited NK cell therapy", "哪些公司退出了NK細胞療法", "哪些公司退出了NK细胞疗法"),
    # the other party, a follow-up about the answers, two named ends, a relation read from the other side
    ("Which NK cell companies were acquired, and by whom?", "哪些NK細胞公司被收購？收購方是誰？",
     "哪些NK细胞公司被收购？收购方是谁？"),
    ("Which companies did Kite acquire? Which university did that company spin out of?",
     "Kite收購了哪些公司？這家公司源自哪所大學？", "Kite收购了哪些公司？这家公司源自哪所大学？"),
    ("Did Novartis acquire Legend Biotech?", "諾華是否收購了傳奇生物？", "诺华是否收购了传奇生物？"),
    ("Brammer Bio was sold to which company?", "Brammer Bio被出售給了誰？", "Brammer Bio出售给了谁？"),
    # a named product's maker and indications, a chain of owners, ended collaborations with a named party
    ("Which company makes Tecartus, and which diseases does it treat?", "Tecartus是哪家公司的產品？適用於哪些疾病？",
     "Tecartus是哪家公司的产品？用于治疗哪些疾病？"),
    ("Which companies did Juno Therapeutics successively become part of?", "Juno Therapeutics先後併入了哪些公司？",
     "Juno Therapeutics先后并入了哪些公司？"),
    ("Which companies has Juno Therapeutics been part of?", "Juno Therapeutics曾先後併入哪些公司？",
     "Juno Therapeutics曾先后并入哪些公司？"),
    ("Which pharma companies ended collaborations with Fate Therapeutics?", "哪些藥廠終止了與Fate Therapeutics的合作？",
     "哪些药企终止了与Fate Therapeutics的合作？"),
]


def _got(answer) -> set[str]:
    return {a.iri[len(RES):] for a in answer.answers}


def judge(q: dict, answer) -> tuple[bool, str]:
    """Whether an answer meets the question's expectations, and why not."""
    got = _got(answer)
    exp = set(q.get("expect") or [])
    for name in q.get("expect_discovered") or []:
        hits = [a.iri[len(RES):] for a in answer.answers
                if any(name.lower() == v.lower() or name.lower() in v.lower() for v in a.labels.values())]
        if not hits:
            return False, f"no answer named {name!r}; got {sorted(got)}"
        exp.update(hits)
    if q.get("expect_includes") is not None:
        missing = set(q["expect_includes"]) - got
        if missing:
            return False, f"missing rows {sorted(missing)}; got {sorted(got)}"
        sides = {a.iri[len(RES):]: len(a.sides) for a in answer.answers}
        single = [r for r in q.get("expect_both") or [] if sides.get(r, 0) < 2]
        if single:
            return False, f"rows without every company's evidence: {single}"
    elif (exp or q.get("expect") is not None) and got != exp:
        return False, f"got {sorted(got)}, expected {sorted(exp)}"
    bad = set(q.get("forbid") or []) & got
    if bad:
        return False, f"forbidden answers {sorted(bad)}"
    if q.get("answer_contains"):
        text = " ".join([a.relation for a in answer.answers] + [e.text for a in answer.answers for e in a.evidence])
        if not any(s in text for s in q["answer_contains"]):
            return False, f"none of {q['answer_contains']} in the answers' text"
    return True, ""


def test_analyst_question_set_shape():
    by_lang: dict[str, list[dict]] = {}
    for q in ANALYST:
        by_lang.setdefault(q["lang"], []).append(q)
    assert set(by_lang) == {"en", "zh-Hant", "zh-Hans"}
    for lang, qs in by_lang.items():
        assert len(qs) >= 10, lang
        assert sum(bool(q.get("compositional")) for q in qs) * 2 >= len(qs), f"{lang}: half must be compositional"


def test_analyst_questions(corpus_kb):
    """≥ 90 % of the analyst questions answered exactly; every miss printed."""
    misses = []
    for q in ANALYST:
        answer = corpus_kb.ask(q["q"])
        ok, why = judge(q, answer)
        if not ok:
            misses.append(f"[{q['lang']}] {q['q']}: {why}\n    understood: {answer.understood.get('text')}")
    passed = len(ANALYST) - len(misses)
    print(f"\nanalyst questions: {passed}/{len(ANALYST)}\n" + "\n".join(misses))
    assert passed / len(ANALYST) >= 0.9, "\n".join(misses)


@pytest.mark.parametrize("triple", TRIPLES, ids=[t[0] for t in TRIPLES])
def test_translations_give_the_same_entities(corpus_kb, triple):
    answers = [corpus_kb.ask(q) for q in triple]
    sets = [_got(a) for a in answers]
    assert sets[0] == sets[1] == sets[2], dict(zip(triple, sets))
    keys = [a.understood["relation"] for a in answers]
    assert keys[0] == keys[1] == keys[2], keys


def test_translation_triples_are_not_vacuous(corpus_kb):
    answered = sum(bool(corpus_kb.ask(t[0]).answers) for t in TRIPLES)
    assert answered >= 8, answered


def test_every_answer_says_what_it_understood(corpus_kb):
    from regenkg.records import answer_to_dict

    d = answer_to_dict(corpus_kb.ask("which big pharma bought a CAR-T company after 2020"))
    assert d["understood"]["relation"] == ["acquired"] and d["understood"]["answer"] == "subject"
    assert {c["kind"] for c in d["understood"]["constraints"]} >= {"company_kind", "time", "develops"}
    assert d["understood"]["text"].startswith("acquired")
    odd = corpus_kb.ask("which companies develop CAR-T for equine veterinary use")
    assert {"equine", "veterinary"} <= set(odd.understood["unused"])
    assert any("equine" in n for n in odd.notes)


def test_no_evidence_no_answer(corpus_kb):
    """Gazetteer knowledge alone is not evidence: every answer of every analyst question has a sentence."""
    docs = corpus_kb.table.documents()
    for q in ANALYST[:12]:
        for item in corpus_kb.ask(q["q"]).answers:
            assert item.evidence, (q["q"], item.label)
            for ev in item.evidence:
                assert docs[ev.doc].text[ev.start:ev.end] == ev.text
