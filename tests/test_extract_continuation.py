"""A subjectless sentence after a purchase no rule read, and a therapy named only as "该疗法" (#12, helper
coref2): sentences written for these tests (made-up names)."""

from __future__ import annotations

import pytest

from conftest import extract_texts
from regenkg.graph.extract import Extractor
from regenkg.graph.extract.continuation import same_paragraph
from regenkg.graph.extract.coref import bought_names
from regenkg.graph.ontology import Gazetteer
from regenkg.records import Sentence

TRIAL = "The in vivo CAR-T programme is in a phase 1 trial in lupus."
PAID = "Halvane Pharma paid $1.1bn upfront to Quorix Bio and agreed to buy the rest of it next year."


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _work(ex, sentence_id: int) -> set[tuple[str, str]]:
    return {(r.subject.rsplit("/", 1)[-1], r.predicate) for r in ex.relations
            if r.sentence_id == sentence_id and r.predicate in ("develops", "targets")}


@pytest.mark.parametrize("first,company", [
    # No acquisition fact is read, and the company bought is named before the verb ("the rest of it").
    (PAID, "Quorix Bio"),
    # A lone capitalised word right after the purchase verb is the company bought.
    ("Halvane Pharma agreed to buy Quorix in a deal that could be worth up to $2bn.", "Quorix"),
    ("Halvane Pharma agreed to buy Quorix for $1.2bn in cash.", "Quorix"),
])
def test_after_a_purchase_the_subjectless_work_is_the_bought_companys(extractor, first, company):
    facts, _, _ = extract_texts(extractor, first, TRIAL)
    assert (company, "develops", "in vivo CAR-T") in facts
    assert (company, "targets", "systemic lupus erythematosus") in facts
    assert not {f for f in facts if f[0] == "Halvane Pharma" and f[1] in ("develops", "targets")}


def test_no_continuation_across_a_paragraph_break_or_after_a_heading(extractor):
    sents = [Sentence(0, "doc", 0, 0, len(PAID), "en", PAID),
             Sentence(1, "doc", 1, len(PAID) + 2, len(PAID) + 2 + len(TRIAL), "en", TRIAL)]
    assert not _work(extractor.extract(sents), 1)  # a blank line between them
    _, ex, _ = extract_texts(extractor, PAID.rstrip("."), TRIAL)  # a heading: no sentence-final stop
    assert not _work(ex, 1)


def test_no_continuation_after_a_hedged_purchase(extractor):
    _, ex, _ = extract_texts(extractor, "Halvane Pharma could pay $1.1bn for Quorix Bio, which it has agreed to "
                             "buy outright.", TRIAL)
    assert not _work(ex, 1)


def test_no_continuation_after_a_passive_purchase(extractor):
    _, ex, _ = extract_texts(extractor, "Quorix Bio was bought by Halvane Pharma in a deal that could be worth $2bn.",
                             TRIAL)
    assert not _work(ex, 1)  # the first company named is the one bought here, not the buyer: no guess


def test_same_paragraph():
    a = Sentence(0, "d", 0, 0, 10, "en", "Quorix Bio.")
    assert same_paragraph(a, Sentence(1, "d", 1, 11, 20, "en", "It grew."))
    assert not same_paragraph(a, Sentence(1, "d", 1, 12, 20, "en", "It grew."))
    assert not same_paragraph(a, Sentence(1, "e", 1, 11, 20, "en", "It grew."))
    assert not same_paragraph(Sentence(0, "d", 0, 0, 10, "en", "## Quorix Bio"),
                              Sentence(1, "d", 1, 11, 20, "en", "It grew."))


def test_bought_names_takes_a_lone_name_but_not_a_product_bought(extractor):
    def bought(text: str) -> set[str]:
        ms = extractor.finder.find(text)
        return {m.surface for m in ms if m.iri in bought_names(text, ms)}
    assert bought("Halvane Pharma agreed to buy Quorix for $1.2bn in cash.") == {"Quorix"}
    assert not bought("Halvane Pharma agreed to buy Zolgensma rights for $1.2bn in cash.")


@pytest.mark.parametrize("lang,first,second,company,term", [
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "该疗法已进入一期临床试验，适应症为血友病。", "澜曜基因", "haemophilia"),
    ("zh-Hant", "昱川生技開發CAR-T細胞療法。", "該療法已進入一期臨床試驗，適應症為紅斑性狼瘡。", "昱川生技",
     "systemic lupus erythematosus"),
])
def test_a_therapy_named_only_by_a_term_anaphor_is_the_companys(extractor, lang, first, second, company, term):
    # "该疗法" opening the sentence is the company's therapy, not a remark about the field's modality.
    facts, ex, _ = extract_texts(extractor, first, second, lang=lang)
    assert (company, "targets", term) in facts
    assert any(r.sentence_id == 1 and r.predicate == "targets" for r in ex.relations)


@pytest.mark.parametrize("lang,first,second,company,term", [
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "这款产品已进入一期临床试验，适应症为血友病。", "澜曜基因", "haemophilia"),
    ("zh-Hans", "澜曜基因开发AAV基因疗法。", "公司表示，该药物已进入一期临床试验，适应症为血友病。", "澜曜基因",
     "haemophilia"),
    ("zh-Hant", "昱川生技開發CAR-T細胞療法。", "這款產品已進入一期臨床試驗，適應症為紅斑性狼瘡。", "昱川生技",
     "systemic lupus erythematosus"),
])
def test_a_product_named_by_description_is_the_last_modality_read(extractor, lang, first, second, company, term):
    facts, ex, label = extract_texts(extractor, first, second, lang=lang)
    modality = next(label(r.object) for r in ex.relations if r.sentence_id == 0 and r.predicate == "develops")
    # The description stands for the modality: the company's work on it is stated again, with this evidence.
    assert {(label(r.subject), label(r.object)) for r in ex.relations
            if r.sentence_id == 1 and r.predicate == "develops"} == {(company, modality)}
    assert (company, "targets", term) in facts


def test_a_product_description_without_a_modality_read_before_is_nothing(extractor):
    _, ex, _ = extract_texts(extractor, "澜曜基因于2019年在苏州成立。", "这款产品已进入一期临床试验，适应症为血友病。",
                             lang="zh-Hans")
    assert not [r for r in ex.relations if r.sentence_id == 1 and r.predicate == "develops"]
