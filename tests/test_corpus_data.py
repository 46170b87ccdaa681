"""Checks on the bundled corpus, the curated gazetteer and the shipped question/test data.

These tests read only files in the repository (plus the seed article in ``../shared`` when present),
so they run offline in well under a second.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
import yaml
from bs4 import BeautifulSoup
from conftest import SEED_ARTICLE, require_shared
from rdflib.namespace import RDF, SKOS

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
ENTITIES = REPO / "ontology" / "entities.ttl"
DATA = REPO / "tests" / "data"
SEED = SEED_ARTICLE

ID = rdflib.Namespace("https://w3id.org/regenkg/id/")
RKG = rdflib.Namespace("https://w3id.org/regenkg/ontology#")
COMPANY_CLASSES = {RKG.PharmaCompany, RKG.Biotech, RKG.CDMO, RKG.Company}
LANGS = ("en", "zh-Hant", "zh-Hans", "mixed")

# .txt and .html files carry no front matter, so their language is declared here.
NON_MD_LANGUAGE = {
    "014_market-outlook.txt": "en",
    "021_bionet-cord-blood.txt": "zh-Hant",
    "016_roche-poseida.html": "en",
}

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
FILE_NAME = re.compile(r"^\d{3}_[a-z0-9\-]+\.(md|txt|html|jsonl)$")


@dataclass(frozen=True)
class Article:
    """One article as the tests see it (a .jsonl file yields several)."""

    path: Path
    title: str
    language: str
    text: str
    meta: dict


def _front_matter(path: Path) -> tuple[dict, str]:
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", raw, flags=re.DOTALL)
    if not match:
        raise AssertionError(f"{path.name}: missing YAML front matter")
    return yaml.safe_load(match.group(1)), match.group(2)


def _load_articles() -> list[Article]:
    articles: list[Article] = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".md":
            meta, body = _front_matter(path)
            articles.append(Article(path, meta["title"], meta["language"], body, meta))
        elif path.suffix == ".txt":
            title, _, body = path.read_text(encoding="utf-8").partition("\n")
            articles.append(Article(path, title.strip(), NON_MD_LANGUAGE[path.name], body, {}))
        elif path.suffix == ".html":
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            body = soup.find("article").get_text(" ", strip=True)
            articles.append(Article(path, soup.title.get_text(), NON_MD_LANGUAGE[path.name], body, {}))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                obj = json.loads(line)
                articles.append(Article(path, obj["title"], obj["language"], obj["text"], obj))
    return articles


ARTICLES = _load_articles()


def _size(text: str, language: str) -> int:
    """Words for English, Han characters for Chinese, both for mixed text."""
    cjk = len(CJK.findall(text))
    words = len(LATIN_WORD.findall(text))
    return {"en": words, "mixed": cjk + words}.get(language, cjk)


def _cjk_ratio(text: str) -> float:
    cjk = len(CJK.findall(text))
    letters = len(re.findall(r"[A-Za-z]", text))
    # One Han character carries roughly a word; compare against latin words, not letters.
    return cjk / max(1, cjk + letters / 5)


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(ENTITIES, format="turtle")
    return g


def _companies(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for cls in COMPANY_CLASSES for s in g.subjects(RDF.type, cls)}


def _all_labels(g: rdflib.Graph) -> set[str]:
    return {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(None, p)}


# ---------------------------------------------------------------- corpus


def test_corpus_counts_per_language() -> None:
    counts = Counter(a.language for a in ARTICLES)
    assert set(counts) <= set(LANGS), counts
    assert len(ARTICLES) >= 34, counts
    assert counts["zh-Hant"] >= 14, counts
    assert counts["zh-Hans"] >= 7, counts
    assert counts["en"] >= 13, counts
    assert counts["mixed"] >= 4, counts


def test_corpus_formats_and_names() -> None:
    suffixes = Counter(p.suffix for p in CORPUS.iterdir())
    assert suffixes[".txt"] >= 2
    assert suffixes[".html"] >= 1
    assert suffixes[".jsonl"] == 1
    jsonl = next(CORPUS.glob("*.jsonl"))
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 2
    for path in CORPUS.iterdir():
        assert FILE_NAME.match(path.name), path.name


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.md")), ids=lambda p: p.name)
def test_markdown_front_matter(path: Path) -> None:
    meta, body = _front_matter(path)
    for key in ("title", "date", "language", "sources"):
        assert meta.get(key), f"{path.name}: front matter lacks {key}"
    assert meta["language"] in LANGS
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"]))
    assert all(str(u).startswith("https://") for u in meta["sources"])
    assert body.strip()


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{a.path.name}:{a.title[:20]}")
def test_article_length_and_script(article: Article) -> None:
    size = _size(article.text, article.language)
    assert 250 <= size <= 900, f"{article.path.name}: size {size}"
    ratio = _cjk_ratio(article.text)
    if article.language == "en":
        assert ratio < 0.05, ratio
    elif article.language in ("zh-Hant", "zh-Hans"):
        assert ratio > 0.6, ratio
    else:
        assert len(CJK.findall(article.text)) >= 100
        assert len(LATIN_WORD.findall(article.text)) >= 60
        assert 0.2 < ratio < 0.9, ratio


def test_traditional_and_simplified_are_not_swapped() -> None:
    opencc = pytest.importorskip("opencc")
    to_simplified = opencc.OpenCC("t2s")
    to_traditional = opencc.OpenCC("s2t")
    for article in ARTICLES:
        han = "".join(CJK.findall(article.text))
        if not han:
            continue
        changed_by_t2s = sum(a != b for a, b in zip(han, to_simplified.convert(han)))
        changed_by_s2t = sum(a != b for a, b in zip(han, to_traditional.convert(han)))
        if article.language == "zh-Hant" or article.path.name in {
            "040_cgt-weekly-deals-mixed.md",
            "042_tcr-nk-gamma-delta-mixed.md",
            "043_taiwan-cdmo-exosome-mixed.md",
        }:
            assert changed_by_t2s > 20 and changed_by_s2t < changed_by_t2s / 5, article.path.name
        elif article.language == "zh-Hans" or article.language == "mixed":
            assert changed_by_s2t > 20 and changed_by_t2s < changed_by_s2t / 5, article.path.name


def test_html_boilerplate_is_outside_article() -> None:
    html = next(CORPUS.glob("*.html"))
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article").get_text(" ", strip=True)
    for part in ("nav", "footer", "aside"):
        assert soup.find(part) is not None
        assert soup.find(part).get_text(" ", strip=True) not in article
    assert "Cookie settings" not in article and "Subscribe" not in article


def test_corpus_has_negated_and_hedged_statements() -> None:
    text = "\n".join(a.text for a in ARTICLES)
    assert "did not acquire" in text
    assert "並沒有收購" in text or "並未收購" in text
    assert "没有收购" in text
    assert "ended its collaboration" in text or "終止" in text


# ---------------------------------------------------------------- gazetteer


def test_entities_parse_and_companies_are_labelled(graph: rdflib.Graph) -> None:
    companies = _companies(graph)
    assert len(companies) >= 60
    for company in companies:
        assert str(company).startswith(str(ID) + "company/"), company
        langs = {o.language for o in graph.objects(company, SKOS.prefLabel)}
        assert langs & {"en", "zh-Hant"}, f"{company} has no @en or @zh-Hant prefLabel"
        assert len(langs) == len(list(graph.objects(company, SKOS.prefLabel))), (
            f"{company}: two prefLabels in one language"
        )
    for regulation in graph.subjects(RDF.type, RKG.Regulation):
        assert str(regulation).startswith(str(ID) + "regulation/"), regulation
        assert graph.value(regulation, RKG.jurisdiction) is not None


def test_every_zh_hant_label_has_zh_hans(graph: rdflib.Graph) -> None:
    for subject in set(graph.subjects(SKOS.prefLabel, None)):
        labels = [o for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(subject, p)]
        if any(o.language == "zh-Hant" for o in labels):
            assert any(o.language == "zh-Hans" for o in labels), f"{subject}: zh-Hant without zh-Hans"


def test_simplified_labels_are_simplified(graph: rdflib.Graph) -> None:
    opencc = pytest.importorskip("opencc")
    to_simplified = opencc.OpenCC("t2s")
    for label in graph.objects(None, SKOS.prefLabel):
        if label.language == "zh-Hans":
            assert to_simplified.convert(str(label)) == str(label), f"{label} is not Simplified"


def test_gazetteer_covers_the_seed_article(graph: rdflib.Graph) -> None:
    seed = require_shared(f"seeds/{SEED.name}").read_text(encoding="utf-8")
    named = [
        "Gilead",
        "Kite",
        "Novartis",
        "Legendbiotech",
        "BMS",
        "Juno",
        "Janssen",
        "GSK",
        "Astellas",
        "Roche",
        "Adaptimmune",
        "Takeda",
        "Zelluna",
        "AstraZeneca",
        "Neogene",
        "MSD",
        "Sanofi",
        "AbbVie",
        "Century",
        "Bayer",
        "BlueRock",
        "長聖",
        "向榮",
        "訊聯",
        "樂迦再生",
        "台寶生醫",
        "艾萬霖",
        "永立榮",
        "博惠",
        "再生醫療法",
        "再生醫療製劑條例",
    ]
    labels = _all_labels(graph)
    for name in named:
        assert name in seed, f"seed no longer names {name}"
        assert name in labels, f"gazetteer lacks {name}"


def test_discovery_entities_are_left_out(graph: rdflib.Graph) -> None:
    labels = _all_labels(graph)
    corpus_text = "\n".join(a.text for a in ARTICLES)
    for name in (
        "Arcellx",
        "Tmunity Therapeutics",
        "Shoreline Biosciences",
        "Kyverna Therapeutics",
        "Ocata Therapeutics",
        "Osiris Therapeutics",
        "育世博",
        "驯鹿生物",
    ):
        assert name in corpus_text, name
        assert name not in labels, f"{name} is meant for discovery"


# ---------------------------------------------------------------- question and test data


def _iri_exists(graph: rdflib.Graph, local: str) -> bool:
    return (ID[local], None, None) in graph


@pytest.mark.parametrize("name", ["questions.yaml", "seed_questions.yaml"])
def test_question_iris_exist(graph: rdflib.Graph, name: str) -> None:
    questions = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(questions, list)
    for item in questions:
        assert {"q", "intent", "expect"} <= set(item), item
        for local in item["expect"]:
            if local.startswith(("company/", "regulation/")):
                assert _iri_exists(graph, local), f"{name}: {local} not in entities.ttl"


def test_question_counts_per_script() -> None:
    questions = yaml.safe_load((DATA / "questions.yaml").read_text(encoding="utf-8"))
    counts = Counter(item["lang"] for item in questions)
    assert len(questions) >= 30
    assert counts["en"] >= 10 and counts["zh-Hant"] >= 10 and counts["zh-Hans"] >= 8, counts


def test_unseen_companies_are_not_in_gazetteer(graph: rdflib.Graph) -> None:
    expected = yaml.safe_load((DATA / "unseen" / "expected.yaml").read_text(encoding="utf-8"))
    labels = _all_labels(graph)
    languages = Counter()
    for article in expected["articles"]:
        meta, body = _front_matter(DATA / "unseen" / article["file"])
        assert meta["fictional"] is True
        languages[meta["language"]] += 1
        for name in article["companies"]:
            assert name not in labels, name
            assert name in body, name
        for rel in article["relations"]:
            assert rel["relation"] in {"acquired", "licensedFrom", "partneredWith", "develops", "targets"}
    assert languages == Counter({"en": 2, "zh-Hant": 1, "zh-Hans": 1})


def test_distractor_expectations_refer_to_text(graph: rdflib.Graph) -> None:
    expected = yaml.safe_load((DATA / "distractors" / "expected.yaml").read_text(encoding="utf-8"))
    labels = _all_labels(graph)
    for item in expected["must_not"]:
        _, body = _front_matter(DATA / "distractors" / item["file"])
        for side in (item["subject"], item["object"]):
            if side.startswith(("company/", "regulation/")):
                assert _iri_exists(graph, side), side
            elif not side.startswith(("modality/", "indication/")) and side != "any":
                assert side in body, f"{item['file']}: {side}"
                assert side not in labels, side


def test_xling_pairs() -> None:
    pairs = yaml.safe_load((DATA / "xling_pairs.yaml").read_text(encoding="utf-8"))
    scripts = Counter(p["script"] for p in pairs)
    assert len(pairs) >= 24
    assert scripts["zh-Hant"] == scripts["zh-Hans"] >= 12
    for pair in pairs:
        assert _cjk_ratio(pair["en"]) < 0.05 and _cjk_ratio(pair["zh"]) > 0.5, pair
