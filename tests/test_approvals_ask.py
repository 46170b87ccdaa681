"""Approval questions answered from rkg:Approval events (issue #15, h/appr6): status, agency/country, date,
modality, indication, "first", and the roles asked (developer, marketer, indication).

The articles in tests/data/approvals (invented companies, written for these tests, en/繁/简) are built through
the real pipeline; nothing is added to the graph by hand.
"""

from __future__ import annotations

import pytest
from conftest import DATA

from regenkg.query.approvals import ApprovalQuery, approval_sparql

APPROVALS = DATA / "approvals"


@pytest.fixture(scope="module")
def approvals_kb(tmp_path_factory, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import build_index

    index = tmp_path_factory.mktemp("idx") / "approvals"
    build_index([APPROVALS], index, settings)
    kb = KnowledgeBase.open(index, settings)
    yield kb
    kb.close()


def _got(kb, question: str) -> set[str]:
    answer = kb.ask(question)
    assert all(a.evidence for a in answer.answers), answer
    labels = set()
    for a in answer.answers:
        labels |= {a.label, *a.labels.values()}
    return labels


@pytest.mark.parametrize("question", [
    "Which companies have filed for approval of an iPSC-derived product in Japan?",
    "哪些公司已向日本遞交iPS細胞衍生產品的上市申請？",
    "哪些公司已向日本递交iPS细胞衍生产品的上市申请？",
])
def test_filed_in_japan(approvals_kb, question):
    got = _got(approvals_kb, question)
    assert {"Kyoran Therapeutics", "Tessaly Cells"} <= got, got
    assert got & {"曉霧細胞", "晓雾细胞"}, got
    # An IND, a plan to file and an approval are not filings for approval in Japan.
    assert not got & {"Marrow Point Therapeutics", "Orrin Bio", "Halvorsen Bio", "白塔生物"}, got


@pytest.mark.parametrize("question", [
    "Which companies developed the CAR-T therapies approved for multiple myeloma in China after 2023?",
    "2023年以後在中國獲批用於多發性骨髓瘤的CAR-T由哪些公司開發？",
    "2023年以后获批用于多发性骨髓瘤的国产CAR-T由哪些公司开发？",
])
def test_approved_in_china_after_a_year(approvals_kb, question):
    got = _got(approvals_kb, question)
    assert got & {"云岚生物", "雲嵐生物"}, got
    # No country stated: a Simplified-Chinese report of an approval it places nowhere is a mainland one.
    assert got & {"雾川生物", "霧川生物"} and got & {"石溪医药", "石溪醫藥"}, got
    assert got & {"松岩生物"} and got & {"鹤汀医药", "鶴汀醫藥"}, got  # a row of an approval table
    # Approved in 2022 (too early), approved in the US (another country, in a Chinese article too).
    assert not got & {"赤峡医药", "赤峽醫藥", "Halvorsen Bio", "北辰制药", "北辰製藥", "苇原生物", "葦原生物"}, got


@pytest.mark.parametrize("question", [
    "Which reimbursed CAR-T therapy is whose product, and for which diseases?",
    "納入健保給付的CAR-T療法是哪家公司的產品？適用於哪些疾病？",
    "纳入健保给付的CAR-T疗法是哪家公司的产品？适用于哪些疾病？",
])
def test_reimbursed_car_t_whose_and_for_what(approvals_kb, question):
    answer = approvals_kb.ask(question)
    got = {label for a in answer.answers for label in (a.label, *a.labels.values())}
    assert got & {"青嶺生技", "青岭生技"}, got
    assert {"acute lymphoblastic leukaemia", "diffuse large B-cell lymphoma"} & got or \
        any(a.type == "Indication" for a in answer.answers), got
    assert not got & {"遠岫基因", "远岫基因"}, got  # "尚未納入健保給付": not reimbursed
    assert answer.understood["approval"]["statuses"] == ["Reimbursed"]


@pytest.mark.parametrize("question", [
    "Who developed the first approved AAV gene therapy in China, and who commercialises it?",
    "中國首款獲批的AAV基因治療產品由哪家公司開發？誰負責商業化？",
    "国内首款获批的AAV基因治疗产品由哪家公司开发？谁负责商业化？",
])
def test_first_approved_developer_and_marketer(approvals_kb, question):
    answer = approvals_kb.ask(question)
    roles = {(a.relation.split(" ", 1)[0], lab) for a in answer.answers for lab in (a.label, *a.labels.values())}
    assert roles & {("developer", "远岫基因"), ("developer", "遠岫基因")}, roles
    assert roles & {("marketer", "青岭医药"), ("marketer", "青嶺醫藥")}, roles
    assert not {lab for _, lab in roles} & {"白塔生物"}, roles  # filed, not approved


@pytest.mark.parametrize("question,want,not_want", [
    ("國內附條件核准的產品由哪家公司開發？", {"晶禾生技", "晶禾"}, {"Tessaly Cells"}),  # 國內 in Traditional: Taiwan
    ("国内获批的AAV基因疗法由哪家公司开发？", {"远岫基因", "遠岫基因"}, {"晶禾生技", "晶禾"}),  # 国内 in Simplified: China
])
def test_domestic_is_the_askers_country(approvals_kb, question, want, not_want):
    got = _got(approvals_kb, question)
    assert got & want and not got & not_want, got


def test_the_sparql_binds_every_entity_with_values():
    aq = ApprovalQuery(("Filed",), ("https://w3id.org/regenkg/id/country/JP",),
                       ("https://w3id.org/regenkg/id/modality/ipsc",), roles=("developer",))
    sparql = approval_sparql(aq)
    assert "VALUES ?country { <https://w3id.org/regenkg/id/country/JP> }" in sparql
    assert "VALUES ?mod { <https://w3id.org/regenkg/id/modality/ipsc> }" in sparql
    assert "rkg:Filed" in sparql
