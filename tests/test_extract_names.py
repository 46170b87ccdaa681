"""Entity side of issue #12: names the rules must recognise, names they must not make, and what pronouns
and descriptions stand for. Sentences and companies written for these tests (not from any eval set)."""

from __future__ import annotations

import pytest

from conftest import extract_texts

from regenkg.graph.extract import Extractor
from regenkg.graph.extract.coref import resolve_pronoun
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def _run(extractor: Extractor, *texts: str, lang: str = "en"):
    facts, ex, _ = extract_texts(extractor, *texts, lang=lang)
    return facts, ex


def test_a_name_before_a_stock_code_is_a_company_and_recurs_without_it(extractor):
    facts, ex = _run(extractor, "沐川（6721）今日宣布，與南瀛醫學大學附設醫院合作開發CAR-T細胞療法。",
                     "市場人士指出，沐川也與國立東嶽大學簽署技術授權協議。", lang="zh-Hant")
    assert ("沐川", "partneredWith", "南瀛醫學大學附設醫院") in facts
    assert ("沐川", "partneredWith", "國立東嶽大學") in facts
    ent = {e.labels.get("zh-Hant"): e for e in ex.entities}
    assert "6721" in ent["沐川"].aliases
    assert ent["南瀛醫學大學附設醫院"].type == "Hospital" and ent["國立東嶽大學"].type == "University"


@pytest.mark.parametrize("code", ["（6721）", "(6721.TWO)", "（上櫃：6721）", "（股票代號：6721）"])
def test_stock_code_forms(extractor, code):
    facts, _ = _run(extractor, f"永泰{code}宣布收購晴禾生技。", lang="zh-Hant")
    assert ("永泰", "acquired", "晴禾生技") in facts


def test_a_han_name_before_its_latin_name_is_one_company(extractor):
    facts, ex = _run(extractor, "赛诺恒（Sainoheng Bio）以2.5亿元人民币收购了慕远基因，补强其AAV基因治疗管线。",
                     lang="zh-Hans")
    assert ("赛诺恒", "acquired", "慕远基因") in facts  # not "了慕远基因"
    (ent,) = [e for e in ex.entities if e.labels.get("zh-Hans") == "赛诺恒"]
    assert ent.labels.get("en") == "Sainoheng Bio"


def test_a_term_in_brackets_makes_no_company(extractor):
    _, ex = _run(extractor, "澜川生物开发的通用型细胞疗法（CAR-T）由晨星医院推进临床试验。", lang="zh-Hans")
    assert not any("CAR" in "".join(e.labels.values()) for e in ex.entities)


def test_platforms_are_not_companies(extractor):
    facts, ex = _run(extractor, "博川生物将其星链平台（StarLink）授权给恒远药业，首付款3000万美元。", lang="zh-Hans")
    assert ("恒远药业", "licensedFrom", "博川生物") in facts
    facts, ex2 = _run(extractor, "Quillon Bio licensed its ENaBL platform to Marrow Pharma for $20 million upfront.")
    # Platforms are entities of their own now (rkg:Product, productOf their company), never companies.
    labels = {v for e in (*ex.entities, *ex2.entities) if e.type != "Product" for v in e.labels.values()}
    assert "StarLink" not in labels and "ENaBL" not in labels


def test_a_hospital_that_holds_a_university_name_is_read_whole(extractor):
    facts, _ = _run(extractor, "澜星医疗与江州大学附属第一医院签署战略合作协议。", lang="zh-Hans")
    assert ("澜星医疗", "partneredWith", "江州大学附属第一医院") in facts
    # A partnering verb ends the name before it (whether a rule reads "攜手" as a partnership is #12's
    # relation side; here only the names are pinned).
    found = [m.surface for m in extractor.finder.find("晶禾生技攜手北城紀念醫院開發CAR-T細胞療法。")]
    assert "晶禾生技" in found and "北城紀念醫院" in found


def test_institutions_are_partners_not_developers(extractor):
    facts, _ = _run(extractor, "Marrow Pharma signed an agreement with the Wexford Institute to develop AAV gene "
                               "therapy for haemophilia B.")
    assert ("Marrow Pharma", "partneredWith", "Wexford Institute") in facts
    assert not any(s == "Wexford Institute" and p in ("develops", "targets") for s, p, _ in facts)


def test_lower_case_names_stop_at_the_verb_and_recur_by_their_first_word(extractor):
    facts, _ = _run(extractor, "Halvorsen Therapeutics agreed to acquire corvane bio for $640 million.",
                    "The deal gives Halvorsen the lentiviral platform of corvane.",
                    "Separately, corvane signed a supply agreement with Tollund Bio.")
    assert ("Halvorsen Therapeutics", "acquired", "corvane bio") in facts
    assert ("corvane bio", "partneredWith", "Tollund Bio") in facts


def test_a_description_picks_the_company_it_describes(extractor):
    facts, _ = _run(extractor, "Bayer agreed to buy Quillon Bio, a Seattle developer of allogeneic CAR-T cells.",
                    "The Seattle biotech also develops NK cell therapies for lupus.")
    assert ("Quillon Bio", "develops", "NK cell therapy") in facts
    facts, _ = _run(extractor, "Marrow Pharma ended its partnership with Oxley Genetics last year.",
                    "The Boston drugmaker now develops AAV gene therapy for haemophilia B.")
    assert ("Marrow Pharma", "develops", "AAV gene therapy") in facts
    assert not any(s == "Oxley Genetics" and p == "develops" for s, p, _ in facts)


def test_a_chinese_sentence_opening_with_its_predicate_continues_the_topic(extractor):
    facts, _ = _run(extractor, "晶禾細胞去年完成B輪募資。", "專注於間質幹細胞療法，主攻退化性膝關節炎。",
                    "並與北城醫院合作開發NK細胞療法。", lang="zh-Hant")
    assert ("晶禾細胞", "develops", "mesenchymal stem cell therapy") in facts
    assert ("晶禾細胞", "partneredWith", "北城醫院") in facts
    facts, _ = _run(extractor, "晶禾細胞去年完成B輪募資。", "2024年起，主要布局CAR-T細胞療法。", lang="zh-Hant")
    assert ("晶禾細胞", "develops", "CAR-T cell therapy") in facts
    facts, _ = _run(extractor, "晶禾細胞去年完成B輪募資。", "同日，晨光製藥宣布專注於CAR-T細胞療法。", lang="zh-Hant")
    assert ("晨光製藥", "develops", "CAR-T cell therapy") in facts
    assert not any(s == "晶禾細胞" and p == "develops" for s, p, _ in facts)


def test_the_tagger_is_off_by_default_and_proposes_only_when_asked():
    gaz = Gazetteer.load()
    assert Extractor(gaz).finder.tagger is None
    tagged = Extractor(gaz, use_tagger=True)
    assert tagged.finder.tagger is not None
    facts, _ = _run(tagged, "康霖與一家醫學中心簽署合作協議，共同開發NK細胞療法。", lang="zh-Hant")
    assert ("康霖", "develops", "NK cell therapy") in facts


def test_a_pronoun_inside_a_sentence_stands_for_its_opening_company_or_the_topic(extractor):
    facts, _ = _run(extractor, "Quillon Bio raised $80 million in March.",
                    "Analysts said it also develops NK cell therapies for lupus.")
    assert ("Quillon Bio", "develops", "NK cell therapy") in facts
    facts, _ = _run(extractor, "晶禾生技今年完成B輪募資，它也與北城醫院合作開發NK細胞療法。", lang="zh-Hant")
    assert ("晶禾生技", "partneredWith", "北城醫院") in facts
    # Not the impersonal "it", not "其中"/"其他".
    for text in ("Quillon Bio said it is too early to name a partner.", "其中晶禾生技與其他業者合作。"):
        ms = extractor.finder.find(text)
        resolve_pronoun(text, ms, ms[0], [], {})
        assert not any(m.pronoun for m in ms), text


def test_an_event_word_ends_the_name_before_it(extractor):
    found = [m.surface for m in extractor.finder.find("交易完成后瑞晟基因成为其全资子公司。")]
    assert "瑞晟基因" in found and not any("完成" in f for f in found)


def test_a_product_is_linked_to_its_company_and_never_becomes_one(extractor):
    facts, ex = _run(extractor, "Velorix, the approved CAR-T cell therapy of Halvorsen Therapeutics, earned $310 million.",
                     "Velorix is approved for multiple myeloma in Europe.",
                     "Velorix signed a supply agreement with Tollund Bio.")
    assert ("Halvorsen Therapeutics", "targets", "multiple myeloma") in facts
    # Velorix is an entity of its own now, a product of its company (rkg:productOf), never a company.
    assert not any("Velorix" in "".join(e.labels.values()) for e in ex.entities if e.type != "Product")
    assert ("Velorix", "productOf", "Halvorsen Therapeutics") in facts


def test_a_definite_description_of_a_therapy_is_the_modality_named_last(extractor):
    facts, _ = _run(extractor, "博川生物將其異體CAR-T細胞療法授權給恆遠藥業。", "恆遠藥業將在台灣推進該療法的臨床試驗。",
                    lang="zh-Hant")
    assert ("恆遠藥業", "develops", "allogeneic CAR-T") in facts


def test_a_common_word_opening_a_long_chinese_name_is_not_part_of_it(extractor):
    found = [m.surface for m in extractor.finder.find("今年晶禾生技完成B輪募資，隨後澜川基因也宣布擴產。")]
    assert "晶禾生技" in found and "澜川基因" in found
    assert [m.surface for m in extractor.finder.find("傳奇生物宣布擴產。")] == ["傳奇生物"]  # two characters stay


def test_a_lone_word_inside_a_sentence_is_not_what_its_pronoun_stands_for(extractor):
    text = "In May, regulators cleared Velorix, and it now expects sales to double."
    ms = extractor.finder.find(text)
    prev = extractor.finder.find("Halvorsen Therapeutics reported results.")[0]
    resolve_pronoun(text, ms, prev, [prev], {})
    assert [m.iri for m in ms if m.surface == "it"] == [prev.iri]


@pytest.mark.parametrize("text", ["CEO Jane Okafor signed the agreement with Tollund Bio.",
                                  "Jane Okafor, chief executive of Tollund Bio, signed the agreement."])
def test_people_are_not_companies(extractor, text):
    found = [m.surface for m in extractor.finder.find(text)]
    assert "Tollund Bio" in found and not any("Okafor" in f for f in found)


def test_a_description_before_a_stock_code_name_is_not_part_of_it(extractor):
    facts, _ = _run(extractor, "國內細胞治療大廠永泰（6721）宣布收購晴禾生技。", lang="zh-Hant")
    assert ("永泰", "acquired", "晴禾生技") in facts


@pytest.mark.parametrize("name", ["明日細胞", "晶元細胞"])
def test_a_cut_character_inside_a_name_does_not_split_it(extractor, name):
    facts, _ = _run(extractor, f"{name}今日宣布與北辰大學合作開發CAR-T細胞療法。", lang="zh-Hant")
    assert (name, "partneredWith", "北辰大學") in facts


@pytest.mark.parametrize("text, subject, obj", [
    ("市場人士指出，但大江製藥已與華岳生技合作。", "大江製藥", "華岳生技"),
    ("鼎新医药入股凌岳生物后，双方将合作开发CAR-T疗法。", "鼎新医药", "凌岳生物"),
    ("恒远生物获博识医药授权开发CAR-T疗法。", "恒远生物", "博识医药"),
])
def test_function_words_before_a_name_are_the_sentences(extractor, text, subject, obj):
    names = [m.surface for m in extractor.finder.find(text) if m.kind == "Company"]
    assert names == [subject, obj]


def test_a_company_suffix_ends_the_name_before_it(extractor):
    names = [m.surface for m in extractor.finder.find("澜海生物完成了澄源医药的收购。") if m.kind == "Company"]
    assert names == ["澜海生物", "澄源医药"]


def test_an_ordinary_phrase_before_a_suffix_is_no_company(extractor):
    names = [m.surface for m in extractor.finder.find("凌岳生物宣布成立新公司，并与博识医药合作开发CAR-T疗法。")
             if m.kind == "Company"]
    assert names == ["凌岳生物", "博识医药"]


def test_a_place_word_before_a_company_suffix_is_part_of_the_name(extractor):
    facts, _ = _run(extractor, "亞太再生宣布與南瀛醫學大學附設醫院合作開發幹細胞療法。", lang="zh-Hant")
    assert ("亞太再生", "partneredWith", "南瀛醫學大學附設醫院") in facts
    kinds = {m.surface: m.kind for m in extractor.finder.find("亞太再生醫療市場持續成長。")}
    assert "亞太再生" not in kinds  # the region's market, no company


def test_an_exchange_is_not_a_company(extractor):
    facts, _ = _run(extractor, "Halvorsen Bio listed its shares on Nasdaq and partnered with Quillon Bio.")
    assert facts == {("Halvorsen Bio", "partneredWith", "Quillon Bio")}


def test_a_unit_is_a_company_and_the_unit_stands_for_it(extractor):
    facts, _ = _run(extractor, "Halvorsen Pharma acquired Nerine Bio, its cell therapy unit, in 2021.",
                    "The unit develops CAR-T therapies for lymphoma.")
    assert ("Halvorsen Pharma", "acquired", "Nerine Bio") in facts
    assert ("Nerine Bio", "develops", "CAR-T cell therapy") in facts
    assert ("Halvorsen Pharma", "develops", "CAR-T cell therapy") not in facts


def test_a_description_naming_a_modality_stands_for_its_developer(extractor):
    facts, _ = _run(extractor, "Quillon Bio develops NK cell therapies for solid tumours.",
                    "Halvorsen Pharma agreed to partner with the NK cell therapy developer.")
    assert ("Halvorsen Pharma", "partneredWith", "Quillon Bio") in facts
    assert ("Halvorsen Pharma", "develops", "NK cell therapy") not in facts


@pytest.mark.parametrize("written, name", [
    ("永泰-KY（6721）", "永泰-KY"), ("永泰-KY(6721)", "永泰-KY"), ("永泰*-KY（6721）", "永泰*-KY"),
    ("永泰-創（6721）", "永泰-創"), ("永泰＊（6721）", "永泰＊"), ("上櫃永泰（6721）", "永泰"),
    ("生技股永泰（6721）", "永泰"), ("興櫃生技公司永泰（6721）", "永泰"), ("永泰（台股代號：6721）", "永泰"),
    ("永泰（股號6721）", "永泰"), ("永泰(6721 TT)", "永泰"), ("永泰（6721)", "永泰"),
])
def test_taiwanese_stock_code_name_shapes(extractor, written, name):
    facts, ex = _run(extractor, f"{written}宣布收購晴禾生技。", "晴禾生技隨後與永泰合作開發CAR-T。", lang="zh-Hant")
    assert (name, "acquired", "晴禾生技") in facts
    assert ("晴禾生技", "partneredWith", name) in facts  # the short name 永泰 is the same company
    (ent,) = [e for e in ex.entities if name in e.labels.values()]
    assert "6721" in ent.aliases


def test_a_term_ending_a_name_before_its_stock_code_is_its_suffix(extractor):
    facts, _ = _run(extractor, "晴川幹細胞（4198）宣布與北辰大學合作開發幹細胞療法。", lang="zh-Hant")
    assert ("晴川幹細胞", "partneredWith", "北辰大學") in facts


@pytest.mark.parametrize("second, fact", [
    ("該公司2023年取得南瀛醫院的CAR-T技術授權。", ("晴禾生技", "licensedFrom", "南瀛醫院")),
    ("這家位於台中的新創也開發CAR-T細胞療法。", ("晴禾生技", "develops", "CAR-T cell therapy")),
    ("這家以CAR-T為主的公司也與南瀛醫院合作。", ("晴禾生技", "partneredWith", "南瀛醫院")),
    ("該生技公司也開發CAR-T細胞療法。", ("晴禾生技", "develops", "CAR-T cell therapy")),
])
def test_a_chinese_description_opening_a_sentence_is_the_topic(extractor, second, fact):
    facts, _ = _run(extractor, "晴禾生技今日宣布與北辰大學合作。", second, lang="zh-Hant")
    assert fact in facts


def test_the_company_is_never_the_university_named_last(extractor):
    facts, _ = _run(extractor, "2023年，晴禾生技宣布與北辰大學合作。", "該公司也開發CAR-T細胞療法。", lang="zh-Hant")
    assert ("晴禾生技", "develops", "CAR-T cell therapy") in facts
    assert ("北辰大學", "develops", "CAR-T cell therapy") not in facts


def test_an_institution_inside_an_opening_description_fills_no_slot(extractor):
    facts, _ = _run(extractor, "晴禾生技今日宣布取得衛福部核准。", "這家由北辰大學衍生的新創也與南瀛醫院合作。", lang="zh-Hant")
    assert ("晴禾生技", "partneredWith", "南瀛醫院") in facts
    assert ("北辰大學", "partneredWith", "南瀛醫院") not in facts


@pytest.mark.parametrize("text", ["澜石生物并在韩国设立子公司。", "凌岳生物宣布成立新公司。"])
def test_a_verb_and_one_character_before_a_suffix_is_no_name(extractor, text):
    assert [m.surface for m in extractor.finder.find(text) if m.kind == "Company"] == [text[:4]]


@pytest.mark.parametrize("text", ["市場傳言晴禾生技將收購凌岳生物。", "業界傳出晴禾生技有意收購凌岳生物。"])
def test_a_report_word_inside_the_stem_ends_what_came_before(extractor, text):
    assert [m.surface for m in extractor.finder.find(text) if m.kind == "Company"] == ["晴禾生技", "凌岳生物"]


def test_a_rare_single_character_word_opening_a_name_stays(extractor):
    names = [m.surface for m in extractor.finder.find("育世博生技（Acepodia）開發NK細胞療法。") if m.kind == "Company"]
    assert names == ["育世博生技"]


def test_a_place_and_a_generic_company_word_are_no_name(extractor):
    kinds = {m.surface: m.kind for m in extractor.finder.find("它与英国公司Adaptimmune合作。")}
    assert kinds.get("英国") == "Country" and "英国公司" not in kinds


def test_a_long_opening_description_with_an_enumeration_is_the_topic(extractor):
    facts, _ = _run(extractor, "晴禾生技今日宣布取得衛福部核准。",
                    "這家位於新竹、以異體CAR-T與NK細胞療法為主力的新創，也開發γδ T細胞療法。", lang="zh-Hant")
    assert ("晴禾生技", "develops", "γδ T cell therapy") in facts
