"""The parties of ended deals (issue 15): a party's unit or parent named with it, the asked years, owner chains.

Built through the real pipeline from a small article of our own (trade-press style, not from any eval set).
"""

from __future__ import annotations

import pytest

_ARTICLE = """---
title: Alliance review - what ended and who changed hands
date: 2024-06-03
language: en
---
Harlow Immune, an Astellas company, terminated its collaboration with Spruce Bio in 2021.

Tamsin Therapeutics ended its licence agreement with Wexford Cell in 2023.

In 2016 Arcadia Genetics was acquired by Velora Pharma. Three years later, in 2019, Velora Pharma was itself acquired by Sanofi.
"""


@pytest.fixture(scope="module")
def units_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    docs = tmp_path_factory.mktemp("units")
    (docs / "alliances.md").write_text(_ARTICLE, encoding="utf-8")
    index = tmp_path_factory.mktemp("idx") / "units"
    build_index([docs], index, settings)
    kb = KnowledgeBase.open(index, settings)
    yield kb
    kb.close()


def _names(answer) -> set[str]:
    return {a.labels.get("en") or a.label for a in answer.answers}


@pytest.mark.parametrize("question", ["Which collaborations were terminated in 2021, and who were the parties?",
                                      "2021年哪些合作被終止？雙方是誰？", "2021年哪些合作被终止？双方是谁？"])
def test_a_partys_parent_named_with_it_is_a_party(units_kb, question):
    answer = units_kb.ask(question)
    names = _names(answer)
    # Astellas is named as Harlow's parent in the ending sentence: a party too. Tamsin/Wexford ended in 2023.
    assert {"Harlow Immune", "Spruce Bio", "Astellas Pharma"} <= names, names
    assert not names & {"Tamsin Therapeutics", "Wexford Cell"}, names
    parent = next(a for a in answer.answers if (a.labels.get("en") or a.label) == "Astellas Pharma")
    assert "Harlow Immune" in parent.relation and "Spruce Bio" in parent.evidence[0].text
    assert answer.understood["text"]


def test_the_other_parties_keep_to_the_asked_years(units_kb):
    names = _names(units_kb.ask("Which collaborations were terminated in 2023, and who were the parties?"))
    assert {"Tamsin Therapeutics", "Wexford Cell"} <= names and not names & {"Harlow Immune", "Spruce Bio", "Astellas Pharma"}


@pytest.mark.parametrize("question", ["Which companies has Arcadia Genetics been part of?",
                                      "Arcadia Genetics曾先後併入哪些公司？", "Arcadia Genetics曾先后并入哪些公司？"])
def test_every_owner_in_turn(units_kb, question):
    answer = units_kb.ask(question)
    assert _names(answer) == {"Velora Pharma", "Sanofi"}
    assert "follow_up" in {c["kind"] for c in answer.understood["constraints"]}


def test_which_company_was_it_part_of(units_kb):
    assert _names(units_kb.ask("Which company was Arcadia Genetics part of?")) == {"Velora Pharma"}
