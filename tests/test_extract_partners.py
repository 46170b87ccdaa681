"""Partnership frames of :mod:`regenkg.graph.extract.partners`, institution names, technology transfer as a
licence and a bare "公司" opener (h/rec6p, issue #12), on sentences written for these tests (invented names,
not the eval sets)."""

from __future__ import annotations

import pytest
from conftest import extract_with_deals

from regenkg.graph.extract import Extractor
from regenkg.graph.ontology import Gazetteer


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load())


@pytest.mark.parametrize("texts,subject,partner", [
    (("In collaboration with Halden University Hospital, Corvane Bio will run a trial of CVB-101 in lupus.",),
     "Corvane Bio", "Halden University Hospital"),
    (("Under its agreement with Halvorn Therapeutics, Corvane Bio will lead development of CVB-101.",),
     "Corvane Bio", "Halvorn Therapeutics"),
    (("Corvane Bio's collaborators include Halden Hospital, the University of Oxford and Lindqvist Medical Center.",),
     "Corvane Bio", "University of Oxford"),
    (("Corvane Bio counts Halvorn Therapeutics and Kessler Bio among its partners.",), "Corvane Bio", "Kessler Bio"),
    (("Corvane Bio is a partner of Halden Hospital.",), "Corvane Bio", "Halden Hospital"),
    (("Corvane Bio and Halden Hospital are conducting a phase 1 trial of CVB-101.",), "Corvane Bio", "Halden Hospital"),
    (("Corvane Bio's CVB-101 is being studied at Halden Hospital.",), "Corvane Bio", "Halden Hospital"),
    (("晶岱生技與北城醫院的細胞治療計畫獲衛福部核准。",), "晶岱生技", "北城醫院"),
    (("晶岱生物（688001）与南湖医院的CAR-T产品获批上市。",), "晶岱生物", "南湖医院"),
    (("晶岱生技（6712）的CAR-T療法在北城醫院完成首例治療。",), "晶岱生技", "北城醫院"),
    (("晶岱生物专注CAR-T疗法。", "公司此前已与南湖医院签署战略合作协议。"), "晶岱生物", "南湖医院"),
])
def test_partner_frames(extractor, texts, subject, partner):
    facts, _, _ = extract_with_deals(extractor, *texts)
    assert (subject, "partneredWith", partner) in facts or (partner, "partneredWith", subject) in facts


@pytest.mark.parametrize("text", [
    "Corvane Bio and Halden Hospital each run separate trials of CAR-T therapies.",
    "晶岱生技與北城醫院的CAR-T療法都已進入臨床。",
    "Corvane Bio's CVB-101 is approved in Japan, and Halden Hospital treats lupus patients.",
])
def test_no_partnership_without_shared_work(extractor, text):
    facts, _, _ = extract_with_deals(extractor, text)
    assert not any(p == "partneredWith" for _, p, _ in facts)


@pytest.mark.parametrize("name,text", [
    ("Fred Hutchinson Cancer Center", "Corvane Bio partnered with Fred Hutchinson Cancer Center to run a CAR-T trial."),
    ("St. Jude Children's Research Hospital",
     "Corvane Bio partnered with St. Jude Children's Research Hospital to run a CAR-T trial."),
    ("Children's Hospital of Philadelphia",
     "Corvane Bio partnered with Children's Hospital of Philadelphia to run a CAR-T trial."),
    ("上海交通大学医学院附属瑞金医院", "晶岱生物与上海交通大学医学院附属瑞金医院合作开展CAR-T临床试验。"),
    ("上海市第一人民医院", "晶岱生物与上海市第一人民医院合作开展CAR-T临床试验。"),
    ("北京协和医院", "晶岱生物与北京协和医院合作开展CAR-T临床试验。"),
])
def test_institution_names_are_whole(extractor, name, text):
    facts, _, _ = extract_with_deals(extractor, text)
    assert any(p == "partneredWith" and name in (s, o) for s, p, o in facts)


@pytest.mark.parametrize("text,licensee,licensor", [
    ("晶岱生技獲鴻霖製藥技轉HT-12。", "晶岱生技", "鴻霖製藥"),
    ("晶岱生技取得北辰大學技術移轉。", "晶岱生技", "北辰大學"),
])
def test_technology_transfer_is_a_licence(extractor, text, licensee, licensor):
    facts, _, _ = extract_with_deals(extractor, text)
    assert (licensee, "licensedFrom", licensor) in facts
    assert (licensor, "licensedFrom", licensee) not in facts
