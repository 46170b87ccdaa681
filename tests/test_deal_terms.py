"""A deal's amount written in the sentence after it ("Under the agreement, Y will receive $50 million upfront …",
"根據合約，X將收取1,500萬美元簽約金…"): carried to that deal with its sentence as second evidence, and asked for
("how much did X pay for the licence", "how much will Y receive from X"). Sentences of our own."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals

from regenkg.graph.deals import parse_amount
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer

LICENCE_EN = ("Harwick Bio has entered into an exclusive license agreement with Osterley Therapeutics for its TCR-T platform.",
              "Under the agreement, Osterley will receive $50 million upfront and up to $1 billion in milestones.")
LICENCE_ZH = ("細胞治療業者永信生技（1234）今日宣布，與日本大塚製藥簽署授權協議，大塚取得其CAR-T在日本的獨家開發權。",
              "根據合約，永信將收取1,500萬美元簽約金，未來里程碑金最高可達2億美元。")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("texts,amount", [(LICENCE_EN, 1e9), (LICENCE_ZH, 2e8)])
def test_the_terms_sentence_gives_the_deal_before_it_its_amount(extractor: Extractor, texts, amount: float) -> None:
    _, _, ex = extract_with_deals(extractor, *texts)
    [deal] = ex.deals
    assert (deal.amount, deal.currency, deal.amount_kind) == (amount, "USD", "upTo")
    assert deal.sentence_id == 0 and deal.terms_sentence_id == 1


def test_terms_naming_another_company_or_too_far_away_are_not_carried(extractor: Extractor) -> None:
    other = "Under the agreement, Brenmoor Bio will receive $50 million upfront."
    _, _, ex = extract_with_deals(extractor, LICENCE_EN[0], other)
    assert [d.amount for d in ex.deals] == [None]
    far = (LICENCE_EN[0], "The company is based in Boston.", "It employs 200 people.", LICENCE_EN[1])
    _, _, ex = extract_with_deals(extractor, *far)
    assert [d.amount for d in ex.deals] == [None]


def test_a_deal_with_its_own_amount_keeps_it(extractor: Extractor) -> None:
    _, _, ex = extract_with_deals(extractor, "Harwick Bio agreed to acquire Osterley Therapeutics for $300 million.",
                                  "Under the agreement, Osterley shareholders will receive up to $1 billion.")
    assert [(d.amount, d.terms_sentence_id) for d in ex.deals] == [(3e8, None)]


@pytest.mark.parametrize("folded,want", [
    ("永信将收取1,500万美元签约金", (1.5e7, "USD", "upfront")),
    ("未来里程碑金最高可达2亿美元", (2e8, "USD", "upTo")),
])
def test_amount_kinds_in_chinese(folded: str, want) -> None:
    assert parse_amount(folded, "zh-Hant") == want


@pytest.fixture(scope="module")
def terms_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    docs = tmp_path_factory.mktemp("terms")
    (docs / "licence-en.md").write_text("# Harwick licence\n\n" + " ".join(LICENCE_EN) + "\n", encoding="utf-8")
    (docs / "licence-zh.md").write_text("# 永信授權\n\n" + "".join(LICENCE_ZH) + "\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("idx") / "terms"
    build_index([docs], index, settings)
    kb = KnowledgeBase.open(index, settings)
    yield kb
    kb.close()


@pytest.mark.model
@pytest.mark.parametrize("question,answer,amount", [
    ("how much did Otsuka pay for the CAR-T licence", "永信生技", "200 million"),
    ("永信從大塚收取多少簽約金", "永信生技", "200 million"),
    ("how much will Osterley receive from Harwick Bio", "Harwick Bio", "1 billion"),
])
def test_amount_questions_answer_from_the_deal_with_both_sentences(terms_kb, question: str, answer: str,
                                                                   amount: str) -> None:
    got = terms_kb.ask(question)
    assert got.answers, got.notes
    top = got.answers[0]
    assert top.label == answer
    text = " ".join(str(x) for x in (top.relation, *[e.text for e in top.evidence]))
    assert amount in text and len(top.evidence) >= 2, text


def test_table_rows_with_short_amounts_and_iso_months(extractor: Extractor) -> None:
    table = ("| Date | Acquirer | Target | Upfront | Modality |\n|---|---|---|---|---|\n"
             "| 2024-03 | Harwick Bio | Osterley Therapeutics | $1.2B | CAR-NK |\n"
             "| 2024-07 | Takeda | Brenmoor Bio | $300M | in vivo CAR-T |")
    _, _, ex = extract_with_deals(extractor, table)
    got = {(d.parties, d.amount, d.date) for d in ex.deals}
    assert got >= {((("acquirer", "https://w3id.org/regenkg/id/company/takeda"),
                     ("target", "https://w3id.org/regenkg/id/company/brenmoor")), 3e8, "2024-07")}
    assert sorted((d.amount, d.date) for d in ex.deals) == [(3e8, "2024-07"), (1.2e9, "2024-03")]


def test_a_per_share_price_is_not_the_deal_value_and_valuing_gives_it(extractor: Extractor) -> None:
    _, _, ex = extract_with_deals(extractor, "Pfizer said on Tuesday it had agreed to buy Harwick Bio.",
                                  "The Boston-based biotech develops allogeneic CAR-T cells for lupus.",
                                  "Pfizer will pay $40 per share in cash, valuing the company at about $2 billion.")
    [deal] = ex.deals
    assert (deal.amount, deal.amount_kind, deal.terms_sentence_id) == (2e9, "total", 2)


@pytest.mark.parametrize("text,acquired", [
    ("永信生技以新台幣3億元取得宏康生技51%股權。", True),
    ("永信生技取得宏康生技過半股權。", True),
    ("永信生技以5000萬元取得宏康生技20%股權。", False),
])
def test_a_controlling_stake_is_an_acquisition_and_a_minority_one_is_not(extractor: Extractor, text: str,
                                                                         acquired: bool) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert (("永信生技", "acquired", "宏康生技") in facts) is acquired, facts


@pytest.mark.parametrize("text,acquired", [
    ("Harwick Bio acquired a 60% stake in Osterley Therapeutics for $90 million.", True),
    ("Harwick Bio bought a 15% stake in Osterley Therapeutics.", False),
])
def test_english_stakes_are_read_by_the_acquisition_rule(extractor: Extractor, text: str, acquired: bool) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert (("Harwick Bio", "acquired", "Osterley Therapeutics") in facts) is acquired, facts
