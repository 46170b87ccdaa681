"""Entity linking through ``kb.ask`` (issue 15): the entity a user names is never lost.

tests/data/linking holds invented companies built through the real pipeline: "Orbelle Biotechnology",
"Vantory Pharma", 澄嶼生技, 北岑細胞, and "Lumora" — both a company (it acquired Pellwick Bio) and Orbelle's
CAR-T product (rkg:productOf). Questions name them with other corporate suffixes, or none, in three scripts.
"""

from __future__ import annotations

import pytest
from conftest import DATA

RES = "https://w3id.org/regenkg/id/"


@pytest.fixture(scope="module")
def kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "linking"
    build_index([DATA / "linking"], index, settings)
    kb = KnowledgeBase.open(index, settings)
    yield kb
    kb.close()


def _got(answer) -> set[str]:
    return {a.iri[len(RES):] for a in answer.answers}


def test_the_build_holds_a_label_shared_by_a_company_and_a_product(kb):
    assert set(kb.matcher.iris_named("Lumora")) == {RES + "company/lumora", RES + "product/lumora"}


@pytest.mark.parametrize(("question", "expected", "linked"), [
    ("What did Orbelle acquire?", {"company/quillmont"}, "Orbelle Biotechnology"),
    ("Orbelle收購了哪些公司？", {"company/quillmont"}, "Orbelle Biotechnology"),
    ("What did Orbelle Therapeutics acquire?", {"company/quillmont"}, "Orbelle Biotechnology"),
    ("Who acquired Quillmont Bio?", {"company/orbelle-biotechnology"}, "Quillmont Therapeutics"),
    ("Who did Vantory Therapeutics partner with?", {"company/orbelle-biotechnology", "company/lumora"}, "Vantory Pharma"),
    ("澄嶼收購了哪些公司？", {"company/北岑细胞"}, "澄嶼生技"),
    ("澄屿生物收购了哪些公司？", {"company/北岑细胞"}, "澄屿生技"),
    ("北岑細胞生技被誰收購？", {"company/澄屿"}, "北岑細胞"),
])
def test_a_company_named_with_another_suffix_is_answered(kb, question, expected, linked):
    answer = kb.ask(question)
    assert _got(answer) == expected, (question, answer.understood["text"])
    assert all(a.evidence for a in answer.answers)
    # The "understood as" line shows the entity that was linked, under the graph's label.
    assert [e["label"] for e in answer.understood["entities"]] == [linked], answer.understood
    assert linked in answer.understood["text"] and not answer.understood["unused"]


@pytest.mark.parametrize(("question", "expected"), [
    ("Who owns Lumora?", {"company/orbelle-biotechnology"}),
    ("Whose product is Lumora?", {"company/orbelle-biotechnology"}),
    ("Lumora是哪家公司的產品？", {"company/orbelle-biotechnology"}),
    ("What does Lumora treat?", {"indication/follicular-lymphoma"}),
    ("Lumora用于治疗哪些疾病？", {"indication/follicular-lymphoma"}),
])
def test_a_shared_label_asked_as_a_product(kb, question, expected):
    answer = kb.ask(question)
    assert _got(answer) == expected, (question, answer.understood["text"])
    assert [e["iri"] for e in answer.understood["entities"]] == [RES + "product/lumora"]
    also = [c for c in answer.understood["constraints"] if c["kind"] == "also_named"]
    assert [(c["value"], c["type"]) for c in also] == [("Lumora", "Company")]  # never both, never silently
    assert "the company, not asked about" in answer.understood["text"]


@pytest.mark.parametrize(("question", "expected"), [
    ("What did Lumora acquire?", {"company/pellwick"}),
    ("Lumora收購了哪些公司？", {"company/pellwick"}),
    ("Who did Lumora partner with?", {"company/vantory"}),
    ("Lumora与哪些公司合作？", {"company/vantory"}),
])
def test_a_shared_label_asked_as_a_company(kb, question, expected):
    answer = kb.ask(question)
    assert _got(answer) == expected, (question, answer.understood["text"])
    assert [e["iri"] for e in answer.understood["entities"]] == [RES + "company/lumora"]
    assert [c["type"] for c in answer.understood["constraints"] if c["kind"] == "also_named"] == ["Product"]
