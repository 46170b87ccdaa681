"""regenkg.server: routes in-process (Starlette TestClient) and SPARQLWrapper against a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import running_server
from starlette.testclient import TestClient

from regenkg.server import create_app

REPO = Path(__file__).resolve().parents[1]
EX = "http://example.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _snapshot(root: Path) -> Path:
    snapshot = root / "snapshot"
    (snapshot / "graph").mkdir(parents=True)
    g = ox.NamedNode("https://w3id.org/regenkg/graph/doc/d1")
    quads = [
        ox.Quad(ox.NamedNode(EX + "gsk"), ox.NamedNode(SKOS), ox.Literal("GSK", language="en"), g),
        ox.Quad(ox.NamedNode(EX + "gsk"), ox.NamedNode(SKOS), ox.Literal("葛蘭素史克", language="zh-Hant"), g),
        ox.Quad(ox.NamedNode(EX + "gsk"), ox.NamedNode(EX + "develops"), ox.NamedNode(EX + "car-t"), g),
    ]
    ox.serialize(quads, str(snapshot / "graph" / "doc-d1.nq"), ox.RdfFormat.N_QUADS)
    return snapshot


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _snapshot(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def client(snapshot: Path):
    with TestClient(create_app(snapshot, timeout=5)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["triples"] == 3 and body["documents"] == 1


def test_service_description(client: TestClient) -> None:
    for path in ("/sparql", "/sparql/"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        endpoint = ox.NamedNode(f"http://testserver{path}")
        sd = "http://www.w3.org/ns/sparql-service-description#"
        assert ox.Triple(endpoint, ox.NamedNode(sd + "endpoint"), endpoint) in [t.triple for t in triples]
        assert any(t.object == ox.NamedNode(sd + "SPARQL11Query") for t in triples)
    assert client.get("/sparql", headers={"accept": "application/rdf+xml"}).headers["content-type"].startswith(
        "application/rdf+xml")


def test_query_routes(client: TestClient) -> None:
    r = client.post("/sparql", content="SELECT ?l { ?s ?p ?l FILTER(LANG(?l) = 'zh-hant') }",
                    headers={"content-type": "application/sparql-query"})
    assert r.json()["results"]["bindings"][0]["l"]["value"] == "葛蘭素史克"
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in r.text
    assert client.get("/sparql", params={"query": "SELECT * {"}).status_code == 400
    assert client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}).status_code == 415


def test_page_and_static(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "SPARQL" in page.text and "/static/app.js" in page.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/nope").status_code == 404


def test_api_parameter_errors_are_json_4xx(client: TestClient) -> None:
    r = client.get("/api/search")
    assert r.status_code == 400 and "q" in r.json()["error"]
    assert client.get("/api/ask").status_code == 400
    assert client.get("/api/search", params={"q": "x", "k": "lots"}).status_code == 400


# ---- JSON API over the KnowledgeBase (needs src/regenkg/kb.py and a built index) ------------------------


@pytest.fixture(scope="module")
def kb_client(seed_index):
    """The JSON API over an index built from the seed article (skips without ../shared)."""
    with TestClient(create_app(seed_index, timeout=10)) as test_client:
        yield test_client


def test_api_ask(kb_client: TestClient) -> None:
    r = kb_client.get("/api/ask", params={"q": "who develops TCR-T"})
    assert r.status_code == 200 and r.json()["question"] == "who develops TCR-T"
    assert {a["iri"].rsplit("/", 1)[-1] for a in r.json()["answers"]} == {"gsk", "astellas", "roche", "takeda",
                                                                          "astrazeneca"}


def test_api_search_and_injection(kb_client: TestClient) -> None:
    r = kb_client.get("/api/search", params={"q": "細胞治療", "k": 3})
    assert r.status_code == 200 and len(r.json()["hits"]) == 3
    r = kb_client.get("/api/search", params={"q": '細胞") } UNION { ?s ?p ?o } #', "k": 3})
    assert r.status_code == 200 and len(r.json()["hits"]) <= 3


def test_similarity_query_is_embedded_here_and_ranked_by_an_evaluator(kb_client: TestClient) -> None:
    # The constant text is embedded by the HTTP process's model; the evaluator only reads vectors.
    query = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
    SELECT ?s (rkg:similarity(?s, "market size of regenerative medicine") AS ?sim)
    WHERE { ?s a rkg:Sentence } ORDER BY DESC(?sim) LIMIT 3"""
    r = kb_client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    sims = [float(b["sim"]["value"]) for b in r.json()["results"]["bindings"]]
    assert len(sims) == 3 and sims == sorted(sims, reverse=True) and sims[0] > 0.5


def test_api_entity(kb_client: TestClient) -> None:
    assert kb_client.get("/api/entity/no-such-thing-xyz").status_code == 404
    r = kb_client.get("/api/entity/GSK")
    assert r.status_code == 200 and r.json()["iri"].endswith("company/gsk") and r.json()["relations"]


def test_api_sentence_ids_are_strings(kb_client: TestClient) -> None:
    # 63-bit ids: a JavaScript number (a double) would round them, so the JSON carries strings (#16).
    ask = kb_client.get("/api/ask", params={"q": "who develops TCR-T"}).json()
    search = kb_client.get("/api/search", params={"q": "TCR-T", "k": 5}).json()
    entity = kb_client.get("/api/entity/GSK").json()
    ids = ([e["sentence"] for a in ask["answers"] for e in a["evidence"]] + [h["sentence"] for h in search["hits"]]
           + [e["sentence"] for r in entity["relations"] for e in r["evidence"]])
    assert ids and all(isinstance(i, str) and i.isdigit() for i in ids)
    assert any(int(i) > 2**53 for i in ids)


# ---- SPARQLWrapper against a real server process --------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(snapshot: Path):
    with running_server(["-m", "regenkg.server", str(snapshot)]) as srv:
        yield f"{srv.url}/sparql"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper(endpoint: str, method: str) -> None:
    from rdflib import Graph
    from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(f"SELECT ?l {{ <{EX}gsk> <{SKOS}> ?l }} ORDER BY ?l")
    client.setReturnFormat(JSON)
    assert [b["l"]["value"] for b in client.query().convert()["results"]["bindings"]] == ["GSK", "葛蘭素史克"]
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 2
    client.setReturnFormat(CSV)
    assert client.query().convert().decode("utf-8").splitlines() == ["l", "GSK", "葛蘭素史克"]

    client.setQuery("ASK { ?s ?p ?o }")
    for fmt in (JSON, XML):
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        assert (converted["boolean"] if fmt == JSON else
                converted.getElementsByTagName("boolean")[0].firstChild.data == "true") is True

    client.setQuery("CONSTRUCT WHERE { ?s ?p ?o }")
    for fmt in (TURTLE, XML, JSON):
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
        assert len(graph) == 3


def test_serve_refuses_an_unloadable_index(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "doc-x.nq").write_text("<not n-quads\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "regenkg.server", str(tmp_path), "--port", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "could not start" in done.stderr and "doc-x.nq" in done.stderr


@pytest.mark.model
def test_preloading_server_holds_the_model_before_its_first_request(seed_index, monkeypatch) -> None:
    # `regenkg serve` preloads: the model is in this process once start-up is over, before any request,
    # so the first rkg:similarity query pays no model load (#18).
    from regenkg.embed import factory

    monkeypatch.setattr(factory, "_cache", {})
    with TestClient(create_app(seed_index, timeout=10, preload=True)) as client:
        assert len(factory._cache) == 1  # loaded during start-up
        (model,) = factory._cache.values()
        if getattr(model, "_chooser", None) is not None:  # and the spinning single-query session with it
            assert model._spinning is not None
        r = client.get("/api/search", params={"q": "TCR-T", "k": 1})
        assert r.status_code == 200 and factory._cache == {next(iter(factory._cache)): model}
