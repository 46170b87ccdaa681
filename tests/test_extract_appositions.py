"""A name inside an apposition ("X, a spin-out of the University of Y, was acquired by Z") describes the
company before it: the deal verb after the apposition's closing comma belongs to that company (own sentences)."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals, relation_pairs

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _acquired(extractor: Extractor, text: str) -> set[tuple[str, str]]:
    return relation_pairs(extractor, "acquired", text)


@pytest.mark.parametrize("text", [
    "Corvane Bio, a spin-out of the University of Pennsylvania, was acquired by Gilead in 2021.",
    "Corvane Bio, which was spun out of Kyoto University, was bought by Gilead in 2019.",
    "Corvane Bio, founded at Kyoto University, was acquired by Gilead in 2021.",
    "Corvane Bio, a unit of Pfizer, was acquired by Gilead in 2021.",
])
def test_passive_target_is_the_company_the_apposition_describes(extractor: Extractor, text: str) -> None:
    got = _acquired(extractor, text)
    assert ("Gilead Sciences", "Corvane Bio") in got
    assert all(target == "Corvane Bio" for _, target in got)


def test_active_buyer_is_the_company_the_apposition_describes(extractor: Extractor) -> None:
    text = "Corvane Bio, a spin-out of the University of Pennsylvania, acquired Lentara Bio in 2021."
    assert _acquired(extractor, text) == {("Corvane Bio", "Lentara Bio")}
    facts, _, _ = extract_with_deals(extractor, text)
    assert ("Corvane Bio", "spunOutFrom", "University of Pennsylvania") in facts


def test_a_plain_list_is_not_an_apposition(extractor: Extractor) -> None:
    # No apposition opener after the first name: the last name of the list is still the buyer.
    assert _acquired(extractor, "Pfizer, Novartis and Roche acquired Lentara Bio.") == {("Roche", "Lentara Bio")}
