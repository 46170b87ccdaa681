"""The gold-set scorer on tiny hand-made gold data (not the dev set): matching rules, counting, questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from regenkg.cli import main
from regenkg.errors import ConfigError
from regenkg.evaluate import ExtractedFact, load_gold, score_facts, score_question
from regenkg.records import Answer, AnswerItem, Evidence

GOLD = {
    "articles": [{"file": "a.txt", "language": "en"}, {"file": "b.md", "language": "zh-Hant"}],
    "facts": [
        {"article": "a.txt", "subject": "Acme Bio", "relation": "acquired", "object": "Zeta Cells", "polarity": "true",
         "evidence": "Acme Bio bought Zeta Cells."},
        {"article": "a.txt", "subject": "Acme Bio", "relation": "partneredWith", "object": "Omni Pharma",
         "polarity": "true", "evidence": "Omni Pharma and Acme Bio partnered."},
        {"article": "a.txt", "subject": "Omni Pharma", "relation": "acquired", "object": "Zeta Cells",
         "polarity": "denied", "evidence": "Omni denied buying Zeta."},
        {"article": "a.txt", "subject": "Acme Bio", "relation": "licensedFrom", "object": "Omni Pharma",
         "polarity": "true", "evidence": "Acme licensed it from Omni.",
         "equivalent": [{"subject": "Omni Pharma", "relation": "soldTo", "object": "Acme Bio"}]},
        {"article": "b.md", "subject": "Omni Pharma", "relation": "develops", "object": "allogeneic CAR-T",
         "polarity": "true", "evidence": "歐姆製藥開發通用型CAR-T。"},
        {"article": "b.md", "subject": "Omni Pharma", "relation": "develops", "object": "allogeneic CAR-T",
         "polarity": "true", "evidence": "duplicate statement, counted once"},
    ],
    "questions": [{"q": "who bought Zeta Cells", "lang": "en", "expect": [["Acme Bio", "Acme"]],
                   "forbid": ["Omni Pharma"], "expect_text": [["2021"]], "forbid_text": ["not confirmed"]}],
    "names": [
        {"en": "Acme Bio", "zh-Hant": "艾克美生技", "zh-Hans": "艾克美生技", "aliases": ["Acme"]},
        {"en": "Zeta Cells", "zh-Hant": "Zeta Cells", "zh-Hans": "Zeta Cells", "aliases": []},
        {"en": "Omni Pharma", "zh-Hant": "歐姆製藥", "zh-Hans": "欧姆制药", "aliases": []},
        {"en": "Omni Group", "aliases": []},
    ],
    "terms": [
        {"en": "CAR-T", "kind": "modality", "zh-Hant": "CAR-T", "zh-Hans": "CAR-T", "aliases": []},
        {"en": "allogeneic CAR-T", "kind": "modality", "zh-Hant": "通用型CAR-T", "zh-Hans": "通用型CAR-T",
         "aliases": [], "broader": "CAR-T"},
    ],
}


@pytest.fixture()
def gold(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.md").write_text("x", encoding="utf-8")
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return load_gold(path)


def _f(article, s, rel, o, s_names=None, o_names=None):
    return ExtractedFact(article, "iri:" + s, rel, "iri:" + o, tuple(s_names or [s]), tuple(o_names or [o]))


def test_alias_case_and_script_folding_match(gold):
    # "ACME" (case), 欧姆制药 (Simplified form of the Traditional label) and a Traditional term label.
    score = score_facts(gold, [_f("a.txt", "ACME", "acquired", "Zeta Cells"),
                               _f("b.md", "欧姆制药", "develops", "通用型CAR-T")])
    assert score.overall.tp == 2 and score.overall.extracted == 2
    assert score.overall.found == 2 and score.overall.gold == 4  # the duplicate gold fact counts once
    assert score.by_language["zh-Hant"].recall == 1.0


def test_symmetric_relation_matches_either_order_and_counts_once(gold):
    score = score_facts(gold, [_f("a.txt", "Acme Bio", "partneredWith", "Omni Pharma"),
                               _f("a.txt", "Omni Pharma", "partneredWith", "Acme Bio")])
    assert score.overall.extracted == 1 and score.overall.tp == 1
    assert score.by_relation["partneredWith"].recall == 1.0


def test_equivalent_encoding_matches(gold):
    score = score_facts(gold, [_f("a.txt", "Omni Pharma", "soldTo", "Acme Bio")])
    assert score.overall.tp == 1
    assert score.by_relation["licensedFrom"].found == 1


def test_fact_from_a_denial_is_a_polarity_violation(gold):
    score = score_facts(gold, [_f("a.txt", "Omni Pharma", "acquired", "Zeta Cells")])
    assert score.overall.tp == 0 and score.overall.precision == 0.0
    assert len(score.polarity_violations) == 1


def test_facts_are_scored_per_article(gold):
    score = score_facts(gold, [_f("b.md", "Acme Bio", "acquired", "Zeta Cells")])
    assert score.overall.tp == 0 and score.matches[0].verdict == "wrong"


def test_unknown_entity_is_wrong_and_reversed_direction_is_wrong(gold):
    score = score_facts(gold, [_f("a.txt", "Zeta Cells", "acquired", "Acme Bio"),
                               _f("a.txt", "Somebody", "acquired", "Zeta Cells")])
    assert [m.verdict for m in score.matches] == ["wrong", "wrong"]
    assert score.overall.recall == 0.0


def test_lenient_accepts_a_broader_term_strict_does_not(gold):
    facts = [_f("b.md", "Omni Pharma", "develops", "CAR-T")]
    assert score_facts(gold, facts, "strict").overall.tp == 0
    assert score_facts(gold, facts, "lenient").overall.tp == 1


def test_relations_outside_the_gold_schema_are_ignored(gold):
    score = score_facts(gold, [_f("a.txt", "Acme Bio", "headquarteredIn", "Zeta Cells")])
    assert score.ignored == 1 and score.overall.extracted == 0


def _answer(*items: tuple[str, str]) -> Answer:
    ev = Evidence(1, "d", "t", "en", "Acme Bio bought Zeta Cells in 2021.", 0, 10)
    return Answer("q", "acquired", (), tuple(AnswerItem("iri:" + iri, label, {"en": label}, "Company", "acquired",
                                                        1.0, (ev,)) for iri, label in items))


def test_question_passes_on_alias_and_text(gold):
    q = gold.questions[0]
    res = score_question(q, _answer(("acme", "Acme")))
    assert res.passed, res


def test_question_fails_on_forbidden_name_or_missing_answer(gold):
    q = gold.questions[0]
    # Forbidden "Omni Pharma" answered under its Traditional label: the gold entry widens the name.
    assert not score_question(q, _answer(("acme", "Acme"), ("omni", "歐姆製藥")), gold=gold).passed
    res = score_question(q, Answer("q", None, (), ()))
    assert not res.passed and res.missing == (("Acme Bio", "Acme"),) and res.missing_text == (("2021",),)


def test_question_aliases_come_from_names_callback(gold):
    q = gold.questions[0]
    names = lambda iris: {i: ["Acme Bio"] for i in iris}
    assert score_question(q, _answer(("x", "艾克美")), names).passed


def test_bad_gold_names_file_and_entry(tmp_path: Path):
    with pytest.raises(ConfigError, match="gold file not found"):
        load_gold(tmp_path / "nope.json")
    bad = dict(GOLD, facts=[dict(GOLD["facts"][0], object="Nobody")])
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.md").write_text("x", encoding="utf-8")
    (tmp_path / "g.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"facts\[0\].*'Nobody'"):
        load_gold(tmp_path / "g.json")
    missing = dict(GOLD, articles=[{"file": "gone.txt"}], facts=[])
    (tmp_path / "m.json").write_text(json.dumps(missing), encoding="utf-8")
    with pytest.raises(ConfigError, match="gone.txt does not exist"):
        load_gold(tmp_path / "m.json")


def test_cli_eval_reports_a_bad_gold_file(tmp_path: Path):
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "missing.json")])
    assert result.exit_code != 0
    assert "gold file not found" in result.output


def test_evaluate_builds_the_gold_articles_and_reads_the_graph(tmp_path: Path, settings):
    """End to end through a real (temporary) index: denied deals stay out, stated ones are found."""
    from regenkg.evaluate import evaluate

    (tmp_path / "a.txt").write_text(
        "Deal news|two items\n\nCastellan Pharma agreed to acquire Velmora Bio for $2 billion. "
        "Orrin Bio denied that it would acquire Tessaly Cells.\n", encoding="utf-8")
    gold = {
        "articles": [{"file": "a.txt", "language": "en"}],
        "facts": [
            {"article": "a.txt", "subject": "Castellan Pharma", "relation": "acquired", "object": "Velmora Bio",
             "polarity": "true"},
            {"article": "a.txt", "subject": "Orrin Bio", "relation": "acquired", "object": "Tessaly Cells",
             "polarity": "denied"},
        ],
        "names": [{"en": n, "aliases": []} for n in ("Castellan Pharma", "Velmora Bio", "Orrin Bio", "Tessaly Cells")],
        "terms": [],
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    report = evaluate(tmp_path / "gold.json", settings=settings, questions=False)
    assert report.facts.overall.found == 1 and report.facts.overall.gold == 1
    assert not report.facts.polarity_violations
    assert report.to_dict()["facts"]["overall"]["recall"] == 1.0


@pytest.mark.parametrize("name", ["private_eval", "holdout_eval", "holdout2_eval"])
def test_the_frozen_gold_sets_load_and_quote_their_articles(name):
    """The repo's own gold sets stay valid: every subject/object is a names/terms entry (load_gold checks)
    and every fact's evidence is a verbatim quote of its article."""
    gold = load_gold(Path(__file__).parent / "data" / name / "gold.json")
    texts = {p.name: p.read_text(encoding="utf-8") for p in gold.article_paths()}
    assert gold.facts and gold.questions
    missing = [(f.article, f.evidence[:60]) for f in gold.facts if f.evidence not in texts[f.article]]
    assert not missing, missing
