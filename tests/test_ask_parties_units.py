"""The parties of ended deals (issue 15): a party's unit or parent named with it, the asked years, owner chains;
the hospitals a named company works with, asked as "在哪些醫院開展試驗", and the diseases asked after them;
manufacturing agreements as CDMO partnerships (the vocabulary's altLabels of the CDMO segment); a
sub-modality asked for is developed by a company whose facts of one sentence are under each of its broader
concepts, never by one under only one of them.

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


_HOSPITALS = """---
title: 院企合作臨床試驗
date: 2025-03-02
language: zh-Hant
---
沛泓生醫與長庚醫院合作，以其iPSC衍生細胞產品開展註冊臨床試驗。

沛泓生醫也與台北榮總簽署合作協議。

沛泓生醫與晨峰生技簽署授權協議，共同開發iPSC衍生細胞療法。

沛泓生醫的iPSC衍生細胞產品用於治療帕金森氏症與脊髓損傷。
"""
_MANUFACTURING = [("manufacturing.md", """---
title: Taiwan manufacturing deals
date: 2025-06-02
language: en
---
Taiwan's Hengda Cell signed a manufacturing agreement with Kaneka in March 2025 to produce cell therapy products for the Japanese market.

Hengda Cell partnered with Mayfair Bio in 2023 on research.
"""), ("manufacturing-zh.md", """---
title: 台灣CDMO合作
date: 2025-06-02
language: zh-Hant
---
台灣的泓宇生醫於2025年5月與日本Lumen Cell簽署細胞製劑委託製造合約。

台灣生技公司晶成生技2025年與美國Corvane Bio簽署CDMO合作協議，負責其CAR-T產品的生產。
""")]
_IN_VIVO = """---
title: In vivo engineering
date: 2025-06-02
language: en
---
Birchwood Therapeutics develops in vivo engineered CAR-T cells.

Elmstead Bio uses lentiviral vectors to engineer CAR-T cells in vivo.

Fernhill Therapeutics develops in vivo cell therapies, including CAR-T.

Greyfield Bio is developing off-the-shelf CAR-T therapies.

Hollins Cell develops in vivo cell therapies for lupus. Ivybridge Bio develops autologous CAR-T therapies.
"""
_ID = "https://w3id.org/regenkg/id/"


@pytest.fixture(scope="module")
def units_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    docs = tmp_path_factory.mktemp("units")
    (docs / "alliances.md").write_text(_ARTICLE, encoding="utf-8")
    (docs / "hospitals.md").write_text(_HOSPITALS, encoding="utf-8")
    (docs / "in-vivo.md").write_text(_IN_VIVO, encoding="utf-8")
    for name, text in _MANUFACTURING:
        (docs / name).write_text(text, encoding="utf-8")
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


def _iris(answer) -> set[str]:
    return {a.iri.removeprefix(_ID) for a in answer.answers}


@pytest.mark.parametrize("question", [
    "At which hospitals is 沛泓生醫 running registered clinical trials of its iPSC-derived cell product? For which diseases?",
    "沛泓生醫的iPSC衍生細胞產品在哪些醫院開展註冊臨床試驗？分別針對什麼疾病？",
    "沛泓生医的iPSC衍生细胞产品在哪些医院开展注册临床试验？分别针对什么疾病？"])
def test_the_hospitals_a_company_runs_trials_with_and_its_diseases(units_kb, question):
    answer = units_kb.ask(question)
    # The hospitals it partners with (not the biotech it licenses from), then the company's own indications.
    assert _iris(answer) == {"company/长庚医院", "company/台北荣总", "indication/parkinsons",
                             "indication/spinal-cord-injury"}, _iris(answer)
    kinds = {(c["kind"], c["value"]) for c in answer.understood["constraints"]}
    assert ("company_kind", "Hospital") in kinds and ("follow_up", "targets") in kinds
    assert "answer_type" not in {k for k, _ in kinds}  # answered, not "cannot be evaluated"


@pytest.mark.parametrize("question", ["Which hospitals has 沛泓生醫 partnered with?", "沛泓生醫與哪些醫院合作？",
                                      "沛泓生医与哪些医院合作？"])
def test_which_hospitals_a_company_partners_with(units_kb, question):
    assert _iris(units_kb.ask(question)) == {"company/长庚医院", "company/台北荣总"}


@pytest.mark.parametrize("question", [
    "Which Taiwanese firms signed contract manufacturing deals in 2025, and who were their partners?",
    "2025年哪些台灣公司簽訂了委託製造合作？合作對象是誰？", "2025年哪些台湾公司签订了委托制造合作？合作对象是谁？"])
def test_manufacturing_agreements_are_cdmo_partnerships(units_kb, question):
    names = _names(units_kb.ask(question))
    # "a manufacturing agreement", "委託製造合約" and "CDMO合作" all count; the 2023 research partnership does not.
    assert {"Hengda Cell", "Kaneka", "Lumen Cell", "Corvane Bio"} <= names, names
    assert len(names) == 6 and "Mayfair Bio" not in names, names


@pytest.mark.parametrize("question", ["Which companies are developing in vivo CAR-T therapies?",
                                      "哪些公司在開發體內CAR-T療法？", "哪些公司在开发体内CAR-T疗法？"])
def test_in_vivo_car_t_is_narrower_or_equal_only(units_kb, question):
    names = _names(units_kb.ask(question))
    # Said as one term in other words, or as in vivo cell therapy and CAR-T of one sentence: in vivo CAR-T.
    assert {"Birchwood Therapeutics", "Elmstead Bio", "Fernhill Therapeutics"} <= names, names
    # Under only one broader concept (CAR-T, or in vivo cell therapy), or a sibling (allogeneic): not.
    assert not names & {"Greyfield Bio", "Hollins Cell", "Ivybridge Bio"}, names


def test_the_broader_modality_still_answers_for_its_narrower_ones(units_kb):
    names = _names(units_kb.ask("Which companies develop CAR-T therapies?"))
    assert {"Birchwood Therapeutics", "Fernhill Therapeutics", "Greyfield Bio", "Ivybridge Bio"} <= names, names
    assert "Hollins Cell" not in names
