"""The learned Chinese organisation-name tagger (graph/names_model.py): deterministic, small, and it
proposes names no suffix rule can find, from context alone. Sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from regenkg.graph.extract.patterns import TAGGER_THRESHOLD
from regenkg.graph.names_model import MODEL_FILE, NameTagger, default_tagger, training_examples

ROOT = Path(__file__).resolve().parents[1]

_TOY = [("甲乙與丙丁簽署合作協議。", [(0, 2), (3, 5)]), ("今天戊己宣布收購庚辛。", [(2, 4), (8, 10)]),
        ("市場規模持續成長。", [])]


def _names(text: str, tagger: NameTagger, threshold: float = 0.5) -> list[str]:
    return [text[s.start:s.end] for s in tagger.spans(text, threshold)]


def test_training_is_deterministic_and_survives_save_and_load(tmp_path: Path) -> None:
    ex = training_examples(_TOY, ["甲乙", "丙丁"], copies=2, seed=3)
    assert ex == training_examples(_TOY, ["甲乙", "丙丁"], copies=2, seed=3)
    a = NameTagger.train(ex, dim=2 ** 10, max_iter=30)
    b = NameTagger.train(ex, dim=2 ** 10, max_iter=30)
    assert np.array_equal(a.weights, b.weights)
    a.save(tmp_path / "t.npz")
    c = NameTagger.load(tmp_path / "t.npz")
    assert np.allclose(a.probabilities("甲乙與丙丁合作"), c.probabilities("甲乙與丙丁合作"), atol=1e-2)


def test_swapped_copies_keep_spans_on_the_new_names() -> None:
    for text, spans in training_examples(_TOY, ["甲乙"], copies=3, seed=1):
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert "簽署合作協議" in text or "宣布收購" in text or "市場規模" in text


def test_shipped_weights_are_small_and_load() -> None:
    assert MODEL_FILE.is_file() and MODEL_FILE.stat().st_size < 1_000_000
    assert default_tagger() is not None


@pytest.mark.parametrize("text, name", [
    ("沐川（6721）今日宣布與一家醫學中心合作開發CAR-T細胞療法。", "沐川"),
    ("華岳與康霖簽署合作協議，共同開發NK細胞療法。", "康霖"),
    ("永齡（1789）已結束與聖恩醫院的細胞治療合作。", "永齡"),
    ("赛诺恒（Sainoheng Bio）以2.5亿元人民币收购了一家基因公司。", "赛诺恒"),
])
def test_proposes_names_without_a_suffix_from_their_context(text: str, name: str) -> None:
    tagger = default_tagger()
    assert tagger is not None
    assert name in _names(text, tagger, TAGGER_THRESHOLD)  # as sure as the extractor asks


@pytest.mark.parametrize("text", [
    "该公司的产品心立舒主要用于治疗心力衰竭。",
    "2030年全球細胞治療市場規模預估將持續成長。",
    "Halvorsen Therapeutics agreed to acquire corvane bio.",
])
def test_proposes_nothing_where_no_organisation_is_named(text: str) -> None:
    tagger = default_tagger()
    assert tagger is not None
    assert _names(text, tagger) == []


@pytest.mark.slow
def test_shipped_weights_are_what_training_on_the_corpus_gives(tmp_path: Path) -> None:
    from regenkg.graph.names_model import main

    main(["--train", str(ROOT / "corpus"), "--out", str(tmp_path / "t.npz")])
    a, b = np.load(tmp_path / "t.npz"), np.load(MODEL_FILE)
    assert np.array_equal(a["rows"], b["rows"]) and np.array_equal(a["values"], b["values"])
