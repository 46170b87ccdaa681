"""Extraction behaviours found by probing with sentences of our own (invented companies; not from any
evaluation set), pinned so they hold."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("first,ending,kind", [
    # Ending the pair's collaboration on NK cells does not end their licence of a CAR-T.
    ("永信生技宣布與宏康生技簽署授權協議，取得其異體CAR-T療法在台灣的開發與商業化權利。",
     "永信生技日前宣布終止與宏康生技在NK細胞療法上的合作。", "Licence"),
    # Ending a collaboration does not undo a sale between the same two companies.
    ("宏康生技以新台幣3億元將旗下外泌體事業部出售給永信生技。", "永信生技日前宣布終止與宏康生技的合作。", "Divestment"),
    ("Harwick Bio licensed Dunmore Cell's AAV gene therapy in Europe.",
     "Separately, Harwick Bio and Dunmore Cell ended their NK cell therapy collaboration.", "Licence"),
])
def test_an_ending_names_its_own_deal_not_every_deal_of_the_pair(extractor: Extractor, first: str, ending: str,
                                                                 kind: str) -> None:
    _, deals, _ = extract_with_deals(extractor, first, ending)
    assert {status for k, status, _ in deals if k == kind} == {"Announced"}, deals
    assert any(k == "Collaboration" and status == "Terminated" for k, status, _ in deals), deals


def test_an_ending_of_the_same_work_still_ends_the_earlier_deal(extractor: Extractor) -> None:
    facts, deals, _ = extract_with_deals(
        extractor, "Harwick Bio and Dunmore Cell agreed to co-develop allogeneic CAR-T cell therapies.",
        "In May, Harwick Bio and Dunmore Cell terminated the CAR-T collaboration.")
    assert not [f for f in facts if f[1] == "partneredWith"]
    assert {status for k, status, _ in deals if k == "Collaboration"} == {"Terminated"}, deals


@pytest.mark.parametrize("text,company,term", [
    # After an approval word, a name with a company suffix is the company, not a product.
    ("衛福部核准永信生技以iPSC衍生心肌細胞治療心臟衰竭的人體試驗。", "永信生技", "heart failure"),
    ("国家药监局批准永信生物开展CAR-T疗法治疗淋巴瘤的临床试验。", "永信生物", "lymphoma"),
])
def test_a_company_after_an_approval_word_is_the_trials_sponsor(extractor: Extractor, text: str, company: str,
                                                               term: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert (company, "targets", term) in facts, facts


@pytest.mark.parametrize("text", ["宏康生技的外泌體產品用於治療慢性傷口。", "宏康生技專注於外泌體產品。",
                                  "Harwick Bio's exosome therapy targets chronic wounds."])
def test_an_exosome_product_is_the_companys_exosome_work(extractor: Extractor, text: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert any(p == "develops" and o == "exosome therapy" for _, p, o in facts), facts


@pytest.mark.parametrize("text,expected", [
    ("Among the companies pursuing in vivo CAR-T are Harwick Bio, Osterley Therapeutics and Brenmoor Bio.",
     {"Harwick Bio", "Osterley Therapeutics", "Brenmoor Bio"}),
    ("Harwick Bio and Osterley Therapeutics are among the biotechs working on allogeneic CAR-T.",
     {"Harwick Bio", "Osterley Therapeutics"}),
    ("Among the companies that abandoned in vivo CAR-T are Harwick Bio and Brenmoor Bio.", set()),
])
def test_among_the_companies_developing_a_modality(extractor: Extractor, text: str, expected: set[str]) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert {s for s, p, _ in facts if p == "develops"} == expected, facts


@pytest.mark.parametrize("text,child,parent", [
    ("Harwick Bio, a University of Oxford spinout, develops AAV gene therapies.", "Harwick Bio", "University of Oxford"),
    ("Pfizer spin-off Harwick Bio raised $50 million.", "Harwick Bio", "Pfizer"),
    ("Harwick Bio, an Osterley Therapeutics spin-off based in Boston, develops NK cells.", "Harwick Bio",
     "Osterley Therapeutics"),
])
def test_a_parent_written_before_spinout_is_the_parent(extractor: Extractor, text: str, child: str,
                                                       parent: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert {(s, o) for s, p, o in facts if p == "spunOutFrom"} == {(child, parent)}, facts


@pytest.mark.parametrize("text,acquired", [
    ("Novartis picked up Brenmoor Bio for $400 million.", True),
    ("Harwick Bio's sales picked up after Pfizer launched its product.", False),
    ("Pfizer picked up the tab for Harwick Bio's trial.", False),
])
def test_picked_up_is_a_purchase_only_of_a_company(extractor: Extractor, text: str, acquired: bool) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert any(p == "acquired" for _, p, _ in facts) == acquired, facts


@pytest.mark.parametrize("text,licensee,licensor", [
    # "for its M" after the partner: the signer's own asset goes out.
    ("Corrigan Bio struck a licensing agreement with Japan's Astellas for its allogeneic NK cell platform.",
     "Astellas Pharma", "Corrigan Bio"),
    ("Corrigan Bio signed a license agreement with Astellas for Astellas' NK cell platform.",
     "Corrigan Bio", "Astellas Pharma"),
    # "A與B簽署授權合約，將…授權給B": A grants.
    ("澄品生技與第一三共簽署授權合約，將旗下異體CAR-T療法在日本的開發及商業化權利授權給第一三共。",
     "Daiichi Sankyo", "澄品生技"),
])
def test_who_grants_a_licence_signed_with_a_partner(extractor: Extractor, text: str, licensee: str,
                                                    licensor: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert {(s, o) for s, p, o in facts if p == "licensedFrom"} == {(licensee, licensor)}, facts


@pytest.mark.parametrize("text", [
    "晶碩細胞與台北榮總合作，以自體軟骨細胞治療膝關節軟骨缺損，已獲衛福部核准再生醫療製劑附條件許可。",
    "晶碩細胞與台北榮總合作的自體軟骨細胞療法已取得衛福部許可。",
])
def test_a_regulators_permit_is_no_licence_between_the_partners(extractor: Extractor, text: str) -> None:
    facts, deals, _ = extract_with_deals(extractor, text)
    assert not [f for f in facts if f[1] == "licensedFrom"], facts
    assert ("晶碩細胞", "partneredWith", "台北榮總") in facts or ("台北榮總", "partneredWith", "晶碩細胞") in facts


def test_a_city_before_a_chinese_company_name_is_not_part_of_it(extractor: Extractor) -> None:
    facts, _, ex = extract_with_deals(extractor, "恒瑞医药从苏州启澄生物引进一款CAR-T疗法。",
                                      "启澄生物成立于2018年，专注于TCR-T疗法的开发。")
    owners = {r.subject for r in ex.relations if r.predicate == "develops"}
    assert len(owners) == 1, facts
    # a university keeps its place name: two universities stay two
    _, _, ex = extract_with_deals(extractor, "艾澄生物从浙东大学分拆成立。", "禾澄生物从北岳大学分拆成立。")
    assert len({r.object for r in ex.relations if r.predicate == "spunOutFrom"}) == 2


@pytest.mark.parametrize("first,second,owner,term", [
    ("澄品生技將旗下異體CAR-T療法CP-201授權給第一三共。", "CP-201目前正於台灣進行第一期臨床試驗，適應症為復發性B細胞急性淋巴性白血病。",
     "澄品生技", "leukaemia"),
    ("Harwick Bio's allogeneic CAR-T HB-107 was licensed to Pfizer in Japan.",
     "HB-107 is being tested in patients with lupus nephritis.", "Harwick Bio", "lupus nephritis"),
])
def test_a_development_code_is_its_owners_in_a_later_sentence(extractor: Extractor, first: str, second: str,
                                                              owner: str, term: str) -> None:
    facts, _, _ = extract_with_deals(extractor, first, second)
    assert (owner, "targets", term) in facts, facts
    assert not [f for f in facts if f[1] == "targets" and f[0] != owner], facts


def test_a_capitalised_short_name_and_a_title_before_a_person(extractor: Extractor) -> None:
    facts, _, ex = extract_with_deals(
        extractor, "Kelso Therapeutics agreed to be bought by Merck for $900 million.",
        "Kelso's chief executive, Dana Whitcombe, said the company had also begun preclinical work on TCR-T therapies.")
    assert ("Kelso Therapeutics", "develops", "TCR-T cell therapy") in facts, facts
    assert not [m for m in ex.mentions if "Whitcombe" in m.surface], "a person is no company"


def test_a_modifier_is_no_company_name(extractor: Extractor) -> None:
    facts, _, ex = extract_with_deals(
        extractor, "Kelso's lead candidate KT-19, a CD19-directed in vivo CAR-T, is being tested in lupus nephritis.")
    assert not [m for m in ex.mentions if m.surface == "CD19-directed"]
    assert {f for f in facts if f[1] in ("develops", "targets")} == {
        ("Kelso", "develops", "in vivo CAR-T"), ("Kelso", "targets", "lupus nephritis")}, facts


@pytest.mark.parametrize("text,expected", [
    # A segment's modality is the company's work; a bare 公司 after the company's speech verb is the company.
    ("晶碩細胞表示，公司也將布局外泌體新藥，鎖定乾眼症。", ("晶碩細胞", "develops", "exosome therapy")),
    ("宏康生技專注於細胞新藥開發。", ("宏康生技", "develops", "cell therapy")),
])
def test_a_segments_modality_and_a_bare_company_word(extractor: Extractor, text: str,
                                                 expected: tuple[str, str, str]) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert expected in facts, facts


def test_exploring_a_sale_is_no_deal(extractor: Extractor) -> None:
    facts, deals, _ = extract_with_deals(extractor, "Pfizer is exploring an acquisition of Kelso Therapeutics.")
    assert not [f for f in facts if f[1] == "acquired"] and all(s != "Announced" for _, s, _ in deals), deals


def test_a_press_release_dateline_headline_and_code(extractor: Extractor) -> None:
    from regenkg.records import Sentence
    from regenkg.text.segment import sentence_spans

    text = ("Fenwick Biosciences Announces FDA Clearance of IND for FW-220\n\n"
            "BOSTON, March 3, 2026 -- Fenwick Biosciences, Inc. (Nasdaq: FNWK), a clinical-stage company developing "
            "gamma delta T cell therapies, today announced that the U.S. Food and Drug Administration has cleared its "
            "Investigational New Drug application for FW-220 in acute myeloid leukemia.\n\n"
            "FW-220 is an off-the-shelf, allogeneic gamma delta T cell therapy.")
    spans = sentence_spans(text)
    assert text[spans[1][0]:spans[1][1]] == "BOSTON, March 3, 2026 --"  # the dateline is its own sentence
    sents = [Sentence(i, "doc", i, a, b, "en", text[a:b]) for i, (a, b) in enumerate(spans)]
    ex = extractor.extract(sents)
    names = {m.surface for m in ex.mentions if m.kind == "Company"}
    assert "Investigational New Drug" not in names and not any("Announces" in n for n in names), names
    got = {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1], r.sentence_id)
           for r in ex.relations}
    assert ("fenwick", "develops", "gamma-delta-t", 2) in got  # the apposition right after the company
    assert ("fenwick", "develops", "gamma-delta-t", 3) in got  # FW-220 is the title's company's code


def test_a_single_name_its_apposition_describes_is_what_its_means(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(
        extractor,
        "AstraZeneca completed its acquisition of EsoBiotec in May 2025.",
        "EsoBiotec, a lentiviral delivery specialist based in Belgium, develops in vivo CAR-T therapies.",
        "Its lead candidate ESO-T01 is being developed with Pregene for multiple myeloma.")
    assert ("EsoBiotec", "partneredWith", "Pregene") in facts or ("Pregene", "partneredWith", "EsoBiotec") in facts
    assert not [f for f in facts if f[0] == "AstraZeneca" and f[1] in ("partneredWith", "targets")], facts


@pytest.mark.parametrize("question,answer,expected", [
    ("問：瑞展細胞目前的研發重點是什麼？", "答：我們主要做自體CD34+造血幹細胞基因療法，第一個適應症是乙型地中海型貧血。",
     ("瑞展細胞", "targets", "β-thalassaemia")),
    ("問：聽說瑞展細胞和日本的公司有合作？", "答：對，我們去年和日本武田製藥簽了共同開發協議。",
     ("瑞展細胞", "partneredWith", "Takeda Pharmaceutical")),
    ("Q: What is Harwick Bio working on?", "A: We are developing allogeneic CAR-T therapies for lupus.",
     ("Harwick Bio", "develops", "allogeneic CAR-T")),
])
def test_an_interview_answers_we_is_the_company_asked_about(extractor: Extractor, question: str, answer: str,
                                                            expected: tuple[str, str, str]) -> None:
    facts, _, _ = extract_with_deals(extractor, question, answer)
    s, p, o = expected
    assert expected in facts or p == "partneredWith" and (o, p, s) in facts, facts


def test_an_analysts_we_is_no_company(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "Harwick Bio raised $80 million.",
                                     "We expect allogeneic CAR-T therapies to reach lupus patients first.")
    assert not [f for f in facts if f[1] == "develops"], facts


def test_a_grant_to_a_licensee_of_its_own_product(extractor: Extractor) -> None:
    facts, deals, _ = extract_with_deals(
        extractor, "启衡生物今日宣布，公司已与诺华签订独家许可协议，授予诺华其自主研发的CAR-T产品QH-101在全球的开发和商业化权利。")
    assert {(s, o) for s, p, o in facts if p == "licensedFrom"} == {("Novartis", "启衡生物")}, facts
    assert {s for s, p, _ in facts if p == "develops"} == {"启衡生物"}, facts


def test_rights_handed_back_end_the_licence(extractor: Extractor) -> None:
    facts, deals, _ = extract_with_deals(extractor, "Roche licensed Pelham Therapeutics' gamma delta platform in 2023.",
                                         "Roche has since handed the rights back.")
    assert ("Pelham Therapeutics", "develops", "γδ T cell therapy") in facts
    assert {status for kind, status, _ in deals if kind == "Licence"} == {"Terminated"}, deals


@pytest.mark.parametrize("text,expected", [
    ("昱展新藥則聚焦iPSC衍生視網膜細胞，治療老年性黃斑部病變。", ("昱展新藥", "develops", "iPSC-derived cell therapy")),
    ("明昌生醫已於今年初結束NK細胞業務。", ("明昌生醫", "exited", "NK cell therapy")),
])
def test_a_xx_new_drug_company_and_an_ended_business(extractor: Extractor, text: str,
                                                     expected: tuple[str, str, str]) -> None:
    facts, _, ex = extract_with_deals(extractor, text)
    assert expected in facts, facts
    assert not [m for m in ex.mentions if m.surface == "視網膜細胞" and m.kind == "Company"]


@pytest.mark.parametrize("text", ["這款新藥由晶禾生技開發。", "公司的主力新藥上市。", "多款新藥進入臨床。"])
def test_a_drug_is_no_company_named_xx_new_drug(extractor: Extractor, text: str) -> None:
    _, _, ex = extract_with_deals(extractor, text)
    assert not [m for m in ex.mentions if m.kind == "Company" and m.surface.endswith("新藥")]


@pytest.mark.parametrize("text", [
    "Teravant Bio與台灣的永昕醫藥簽訂合約，由永昕醫藥負責其AAV載體的製造。",
    "Teravant Bio signed an agreement with Taiwan's Yongxin Pharma, which will manufacture its AAV vectors.",
])
def test_the_manufacturer_makes_the_clients_product(extractor: Extractor, text: str) -> None:
    facts, _, ex = extract_with_deals(extractor, text)
    assert {s for s, p, _ in facts if p == "develops"} == {"Teravant Bio"}, facts
    # the listed company's short name with its suffix is one mention ("永昕醫藥", not "永昕" + "醫藥")
    assert not [m for m in ex.mentions if m.surface == "永昕"]


@pytest.mark.parametrize("text", [
    "繼去年收購美國新創Corvane後，安斯泰來今年再以5億美元買下瑞士的Nerivo Bio。",
    "After buying Corvane last year, Astellas acquired Nerivo Bio for $500 million.",
])
def test_a_purchase_in_a_fronted_time_clause_is_the_main_subjects(extractor: Extractor, text: str) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert {(s, o) for s, p, o in facts if p == "acquired"} == {("Astellas Pharma", "Corvane"),
                                                               ("Astellas Pharma", "Nerivo Bio")}, facts


@pytest.mark.parametrize("text,expected", [
    ("同一時間，晶鑽生醫宣布與富士軟片簽署合作協議。", ("晶鑽生醫", "partneredWith", "Fujifilm")),
    ("與此同時，晶鑽生醫宣布與富士軟片簽署合作協議。", ("晶鑽生醫", "partneredWith", "Fujifilm")),
    ("Nerivo Bio成立於2019年，由蘇黎世大學衍生，目前有兩項NK細胞療法進入臨床。", ("Nerivo Bio", "develops", "NK cell therapy")),
])
def test_time_openers_and_a_school_in_a_comma_clause(extractor: Extractor, text: str,
                                                     expected: tuple[str, str, str]) -> None:
    facts, _, _ = extract_with_deals(extractor, text)
    assert expected in facts, facts


def test_a_country_home_written_as_a_predicate(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "Harwick Bio is headquartered in Japan.")
    assert ("Harwick Bio", "operatesIn", "Japan") in facts, facts


def test_a_granted_code_stays_the_grantors(extractor: Extractor) -> None:
    facts, _, _ = extract_with_deals(extractor, "启衡生物宣布授予诺华其CAR-T产品QH-101在全球的开发权利。",
                                     "QH-101目前正在中国开展治疗淋巴瘤的II期临床试验。")
    assert ("启衡生物", "targets", "lymphoma") in facts, facts
    assert not [f for f in facts if f[0] == "Novartis" and f[1] in ("develops", "targets")], facts


def test_deal_tables_read_options_territories_and_asset_cells(extractor: Extractor) -> None:
    from regenkg.records import Sentence
    from regenkg.text.segment import sentence_spans

    text = ("| Acquirer | Target | Modality | Date |\n|---|---|---|---|\n"
            "| Astellas | Corran Therapeutics (option) | iPSC-derived NK | 2025-09 |\n\n"
            "| Licensee | Licensor | Asset | Territory |\n|---|---|---|---|\n"
            "| Takeda | Wexley Bio | TCR-T for synovial sarcoma | Japan |\n\n"
            "| 授權方 | 被授權方 | 產品 | 區域 |\n|---|---|---|---|\n"
            "| 永信生技 | 第一三共 | 異體CAR-T YX-101 | 日本 |\n")
    sents = [Sentence(i, "doc", i, a, b, "en", text[a:b]) for i, (a, b) in enumerate(sentence_spans(text))]
    ex = extractor.extract(sents)
    got = {(r.subject.rsplit("/", 1)[-1], r.predicate, r.object.rsplit("/", 1)[-1]) for r in ex.relations}
    assert not [g for g in got if g[1] == "acquired"], got  # an option is no acquisition
    assert any(d.kind == "Option" for d in ex.deals)
    assert {("takeda", "operatesIn", "JP"), ("wexley", "targets", "synovial-sarcoma"),
            ("daiichi-sankyo", "licensedFrom", "永信"), ("永信", "develops", "allogeneic-car-t")} <= got, got
