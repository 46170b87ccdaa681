"""The date of a regulatory event said relative to another (issue #12): "同年9月", "in September of the same
year", and a sentence that dates two things ("2016年合資成立X，X的…於2021年獲准上市").

Every sentence is written for these tests (invented companies and products); none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from conftest import extract_with_deals
from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _dates(extractor: Extractor, *texts: str) -> list[str | None]:
    _, _, ex = extract_with_deals(extractor, *texts)
    return [a.date for a in sorted(ex.approvals, key=lambda a: a.sentence_id)]


def test_same_year_takes_the_year_of_the_approval_before(extractor: Extractor) -> None:
    # The year last written (2017, a founding) is not the year 同年 means: the previous approval's is.
    got = _dates(extractor, "2022年4月，国家药监局批准青岭医药的CAR-T疗法青瑞赛注射液上市，用于治疗复发或难治性"
                            "大B细胞淋巴瘤。青岭医药由远岫基因于2017年创立。",
                 "同年10月，远岫基因的AAV基因疗法远安素获批上市，用于治疗血友病B。")
    assert got == ["2022-04", "2022-10"]


def test_same_year_in_english_and_in_one_sentence(extractor: Extractor) -> None:
    assert _dates(extractor, "Halvorsen Bio's Velorix was approved by the FDA for multiple myeloma in March 2023.",
                  "In September of the same year, Kyoran Therapeutics won FDA approval for its CAR-T therapy "
                  "Kyrolen in lymphoma.") == ["2023-03", "2023-09"]
    assert _dates(extractor, "晶禾生技的CAR-T療法晶瑞賽於2021年6月獲衛福部核准上市，同年9月，青嶺生技的CAR-T療法"
                             "Qel-cel也獲衛福部核准上市。") == ["2021-06", "2021-09"]


def test_the_trigger_clause_dates_the_event(extractor: Extractor) -> None:
    # The founding year opens the sentence; the approval's year is in the approval's own clause.
    assert _dates(extractor, "2015年，远岫基因与青岭医药合资成立远青生物，后者开发的CAR-T疗法远青赛于2020年"
                             "获国家药监局批准上市。") == ["2020"]


def test_same_year_with_nothing_before_is_undated(extractor: Extractor) -> None:
    assert _dates(extractor, "同年9月，远岫基因的AAV基因疗法远安素获国家药监局批准上市，用于治疗血友病B。") == [None]


def test_an_undated_approval_shows_its_article_date_as_such(tmp_path, settings) -> None:
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("---\ntitle: 获批盘点\ndate: 2024-05-02\nlanguage: zh-Hans\n---\n"
                               "远岫基因的CAR-T疗法远青赛获国家药监局批准上市，用于治疗多发性骨髓瘤。\n\n"
                               "2023年8月，青岭医药的CAR-T疗法青瑞赛获国家药监局批准上市，用于治疗大B细胞淋巴瘤。\n",
                               encoding="utf-8")
    build_index([docs], tmp_path / "idx", settings)
    with KnowledgeBase.open(tmp_path / "idx", settings) as kb:
        shown = {a.label: a.relation for a in kb.ask("哪些CAR-T疗法在中国获批").answers}
    assert shown["远岫基因"].endswith("by 2024, article date)"), shown  # no date stated: the article's, said so
    assert shown["青岭医药"].endswith(", 2023-08)"), shown
