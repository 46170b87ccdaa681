"""A modality used to say what kind of company one is (issue #12, h/rnd): "CAR-T developers X and Y",
"X、Y等CAR-T業者" — each company so named develops it, and the sentence's other subject does not.

Sentences written for these tests (invented companies); none is taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

from conftest import extract_texts


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _develops(extractor: Extractor, text: str, lang: str) -> set[tuple[str, str]]:
    _, ex, label = extract_texts(extractor, text, lang=lang)
    out = set()
    for r in ex.relations:
        if r.predicate == "develops":
            ent = extractor.gazetteer.entities.get(r.object)
            out.add((label(r.subject), ent.labels.get("en") if ent is not None else label(r.object)))
    return out


@pytest.mark.parametrize("text,lang,firms,modality", [
    ("CAR-T developers Halvorsen Therapeutics and Quillon Bio both raised money this year.", "en",
     {"Halvorsen Therapeutics", "Quillon Bio"}, "CAR-T cell therapy"),
    ("Halvorsen Therapeutics and Quillon Bio, both CAR-NK developers, raised money this year.", "en",
     {"Halvorsen Therapeutics", "Quillon Bio"}, "CAR-NK cell therapy"),
    ("Investors backed gene therapy companies such as Halvorsen Therapeutics and Quillon Bio.", "en",
     {"Halvorsen Therapeutics", "Quillon Bio"}, "gene therapy"),
    ("青嶺生技、晨璟生技等CAR-T業者近年積極擴產。", "zh-Hant", {"青嶺生技", "晨璟生技"}, "CAR-T cell therapy"),
    ("包括澜川基因、青岭生技在内的多家CAR-T公司获得融资。", "zh-Hans", {"澜川基因", "青岭生技"}, "CAR-T cell therapy"),
    ("辉瑞入股了AAV基因治疗公司澜川基因。", "zh-Hans", {"澜川基因"}, "AAV gene therapy"),
    ("Pfizer invested in Halvorsen Therapeutics, a maker of allogeneic CAR-T cells for lupus.", "en",
     {"Halvorsen Therapeutics"}, "allogeneic CAR-T"),
])
def test_each_company_of_a_kind_develops_the_modality_naming_the_kind(extractor, text, lang, firms, modality):
    facts = _develops(extractor, text, lang)
    assert {(f, modality) for f in firms} <= facts, facts


@pytest.mark.parametrize("text,lang,investor,firm,modality", [
    ("Pfizer invested in allogeneic CAR-T maker Halvorsen Therapeutics.", "en", "Pfizer", "Halvorsen Therapeutics",
     "allogeneic CAR-T"),
    ("輝瑞投資了專注異體CAR-T的青嶺生技。", "zh-Hant", "Pfizer", "青嶺生技", "allogeneic CAR-T"),
])
def test_the_investor_does_not_develop_what_names_the_company_it_invests_in(extractor, text, lang, investor, firm,
                                                                            modality):
    facts = _develops(extractor, text, lang)
    assert (firm, modality) in facts, facts
    assert (investor, modality) not in facts, facts


def test_a_singular_apposition_describes_only_the_last_company(extractor):
    facts = _develops(extractor, "Pfizer teamed up with Quillon Bio, a CAR-NK developer, in 2025.", "en")
    assert ("Quillon Bio", "CAR-NK cell therapy") in facts, facts
    assert ("Pfizer", "CAR-NK cell therapy") not in facts, facts


@pytest.mark.parametrize("text,lang", [
    ("靶向Claudin18.2的自体CAR-T疗法进入临床。", "zh-Hans"),
    ("GPC3 develops into a CAR-T target while B7-H3 CAR-T cells are tested.", "en"),
])
def test_a_target_antigen_read_as_a_name_develops_nothing(extractor, text, lang):
    facts = _develops(extractor, text, lang)
    assert not any(s in ("Claudin18.2", "GPC3", "B7-H3") for s, _ in facts), facts
