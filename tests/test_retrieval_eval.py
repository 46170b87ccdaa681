"""The retrieval evaluation's pairs, matching and scores (regenkg.evaluate.retrieval)."""

from __future__ import annotations

import doctest
import json
from dataclasses import dataclass

import pytest
from conftest import DATA, require_shared

from regenkg.evaluate import retrieval
from regenkg.evaluate.retrieval import TEMPLATES, Pair, dev_pairs, question, resolve, score, xling_pairs


@dataclass(frozen=True)
class S:
    id: int
    lang: str
    text: str


def test_doctests() -> None:
    assert doctest.testmod(retrieval).failed == 0


def test_every_template_has_every_language_and_both_slots() -> None:
    for relation, by_lang in TEMPLATES.items():
        assert set(by_lang) == {"en", "zh-Hant", "zh-Hans"}, relation
        for lang in by_lang:
            q = question(relation, "SUBJ", "OBJ", lang)
            assert "SUBJ" in q and "OBJ" in q and q.index("SUBJ") < q.index("OBJ")
    with pytest.raises(ValueError, match="no question template"):
        question("inventedRelation", "a", "b", "en")


def test_dev_pairs_from_the_gold_set() -> None:
    gold_path = require_shared("eval/dev") / "gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    pairs = dev_pairs(gold_path)
    assert len(pairs) >= 150
    assert pairs == dev_pairs(gold_path)  # deterministic
    evidence = {f["evidence"] for f in gold["facts"]}
    assert all(p.source == "dev" and set(p.expected) <= evidence for p in pairs)
    # Questions are not the sentences: no query is a substring of (or contains) its expected sentence.
    assert not any(p.query in e or e in p.query for p in pairs for e in p.expected)
    langs = {p.lang for p in pairs}
    assert langs == {"en", "zh-Hant", "zh-Hans"}
    # A Chinese question uses the Chinese name from the gold's names table.
    vertex = next(n for n in gold["names"] if n["en"] == "Vertex Pharmaceuticals")
    assert any(p.lang == "zh-Hant" and p.query.startswith(vertex["zh-Hant"]) for p in pairs)


def test_not_a_gold_set_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text('{"names": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="gold.json"):
        dev_pairs(bad)


def test_xling_pairs_ask_both_ways() -> None:
    pairs = xling_pairs(DATA / "xling_pairs.yaml")
    assert len(pairs) == 48
    assert {p.lang for p in pairs} == {"en", "zh-Hant", "zh-Hans"}
    en = [p for p in pairs if p.lang == "en"]
    assert all(len(p.expected) == 1 and p.expected[0] != p.query for p in en)


def test_resolve_matches_markup_free_text_and_splits_by_language() -> None:
    sentences = [S(1, "en", "Gilead acquired **Kite Pharma** in 2017."), S(2, "zh-Hant", "吉利德在2017年收購Kite Pharma。"),
                 S(3, "en", "CAR-T"), S(4, "en", "Something else entirely, quite long.")]
    pairs = [Pair("q1", "zh-Hans", ("Gilead acquired Kite Pharma in 2017.", "吉利德在2017年收購Kite Pharma。"), "dev"),
             Pair("q2", "en", ("No such sentence anywhere in the index.",), "dev"),
             Pair("q3", "en", ("CAR-T",), "dev")]
    res = resolve(pairs, sentences)
    got = {(r.pair.query, r.direction): set(r.ids) for r in res.resolved}
    assert got == {("q1", "zh->en"): {1}, ("q1", "same"): {2}}
    assert [p.query for p in res.unmatched] == ["q2", "q3"]  # q3: too short to match safely


def test_score_counts_ranks() -> None:
    s = score([[5, 1], [2], [7, 8, 9]], [frozenset({1}), frozenset({2}), frozenset({3})], cutoffs=(1, 2))
    assert s.pairs == 3
    assert s.recall == {1: pytest.approx(1 / 3), 2: pytest.approx(2 / 3)}
    assert s.mrr == pytest.approx((1 / 2 + 1) / 3)
    with pytest.raises(ValueError):
        score([[1]], [])


def test_the_corpus_tuning_pairs_are_verbatim_and_in_both_languages() -> None:
    # tests/data/retrieval_tuning: facts that corpus/'s parallel articles both state, for choosing fusions.
    from conftest import CORPUS

    gold_path = DATA / "retrieval_tuning" / "gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    by_fact: dict[tuple[str, str, str], set[str]] = {}
    for fact in gold["facts"]:
        text = (CORPUS / fact["article"]).read_text(encoding="utf-8")
        assert fact["evidence"] in text, fact["evidence"][:60]
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in fact["evidence"]) else "en"
        by_fact.setdefault((fact["subject"], fact["relation"], fact["object"]), set()).add(lang)
    assert all(langs == {"en", "zh"} for langs in by_fact.values())
    pairs = dev_pairs(gold_path, source="corpus")
    assert pairs and {p.source for p in pairs} == {"corpus"}
    assert all(len(p.expected) == 2 for p in pairs)  # each question has an answer in both languages


def test_distractors_join_the_index_under_their_own_names(tmp_path, monkeypatch) -> None:
    import regenkg.pipeline

    dev, extra = tmp_path / "dev", tmp_path / "extra"
    dev.mkdir()
    extra.mkdir()
    (dev / "a.md").write_text("# A\n\nGilead acquired Kite Pharma in 2017.\n", encoding="utf-8")
    (dev / "gold.json").write_text("{}", encoding="utf-8")
    (extra / "a.md").write_text("# Other A\n\nA distractor with the same file name.\n", encoding="utf-8")
    seen: list[list[str]] = []
    monkeypatch.setattr(regenkg.pipeline, "build_index",
                        lambda paths, index, settings, embedder=None: seen.append(
                            sorted(p.name for p in paths[0].iterdir())))
    retrieval.build_eval_index(dev, None, tmp_path / "index", distractors=[extra])
    assert seen == [["a.md", "distractor_a.md"]]


def test_within_language_ranks_each_pair_among_its_own_languages_sentences() -> None:
    from regenkg.evaluate.retrieval import Resolved, within_language

    group_of = {1: "en", 2: "en", 3: "en", 10: "zh", 11: "zh"}
    same = Resolved(Pair("q1", "en", ("x",), "dev"), frozenset({3}), "same")
    cross = Resolved(Pair("q2", "en", ("y",), "dev"), frozenset({11}), "en->zh")
    lost = Resolved(Pair("q3", "en", ("z",), "dev"), frozenset({99}), "en->zh")  # never ranked
    rankings = {"q1": [10, 1, 11, 2, 3], "q2": [1, 2, 3, 10, 11], "q3": [1, 10]}
    got = within_language([same, cross, lost], rankings, group_of, cutoffs=(1, 2, 3))
    # q1: 3 is the third English sentence; q2: 11 the second Chinese one, though fifth overall.
    assert got["dev same"] == {"pairs": 1, "recall@1": 0.0, "recall@2": 0.0, "recall@3": 1.0}
    assert got["dev en->zh"] == {"pairs": 2, "recall@1": 0.0, "recall@2": 0.5, "recall@3": 0.5}
