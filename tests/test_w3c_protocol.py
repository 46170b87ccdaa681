"""The W3C SPARQL 1.1 Protocol suite against a real `regenkg serve` process over HTTP.

The suite's data (data1-3.nt) is loaded as the named graphs it names with `regenkg import`, which
creates a graph-only index (no ontology or documents, so the default graph is just the suite's data).

Query and negative tests must pass as written. The 7 update tests expect 2xx from a writable store; our
endpoint is read-only, so they must get a 4xx for the update and the follow-up query must show the data
unchanged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import running_server

SHARED = Path(__file__).resolve().parents[2] / "shared"
PROTOCOL = SHARED / "w3c" / "protocol"
UPDATE_TESTS = {
    "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
    "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri",
}


def _tests() -> list[dict]:
    if not (PROTOCOL / "protocol-tests.json").is_file():
        return []
    return json.loads((PROTOCOL / "protocol-tests.json").read_text(encoding="utf-8"))




def _import_graphs(root: Path) -> Path:
    """data1-3.nt into the named graphs the suite names, through `regenkg import` (a graph-only index)."""
    index = root / "indexes" / "w3c"
    graphs = {g["file"]: g["graph"] for t in _tests() for g in t["graph_data"]}
    for name, graph in sorted(graphs.items()):
        done = subprocess.run([sys.executable, "-m", "regenkg.cli", "import", str(PROTOCOL / name), "--index",
                               str(index), "--graph", graph], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"into <{graph}>" in done.stdout
    return index


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if not PROTOCOL.is_dir():
        pytest.skip("../shared/w3c/protocol not present (a user's clone): the W3C protocol suite cannot run")
    index = _import_graphs(tmp_path_factory.mktemp("w3c"))
    with running_server(["-m", "regenkg.cli", "serve", "--index", str(index), "--timeout", "2"]) as srv:
        yield srv.url


def _send(base: str, req: dict) -> httpx.Response:
    body = req["body"]
    content = body.encode(req["body_encoding"] or "utf-8") if body is not None else None
    # Send the path exactly as the suite wrote it (httpx would re-encode a parsed URL).
    with httpx.Client(base_url=base, timeout=10) as client:
        request = client.build_request(req["method"], base + req["path"], headers=req["headers"], content=content)
        if "content-type" not in {k.lower() for k in req["headers"]}:
            request.headers.pop("content-type", None)
        return client.send(request)


def _status_ok(status: int, expected: list[str]) -> bool:
    return f"{status // 100}xx" in expected


def _boolean(response: httpx.Response) -> bool:
    ctype = response.headers["content-type"]
    if "json" in ctype:
        return response.json()["boolean"]
    assert "xml" in ctype, ctype
    node = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return node.text == "true"


def _check_format(response: httpx.Response, expect: str | None) -> None:
    ctype = response.headers.get("content-type", "").split(";")[0]
    if expect == "tabular":
        assert ctype in {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values"}
    elif expect == "boolean":
        assert ctype in {"application/sparql-results+json", "application/sparql-results+xml"}
    elif expect == "RDF":
        assert ctype in {"application/rdf+xml", "text/turtle", "application/n-triples"}
        ox.parse(response.content, format=ox.RdfFormat.from_media_type(ctype))


def _count(base: str) -> int:
    r = httpx.get(f"{base}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_suite_present() -> None:
    if not PROTOCOL.is_dir():
        pytest.skip("../shared not present (user clone)")
    tests = _tests()
    assert len(tests) == 34
    assert UPDATE_TESTS <= {t["id"] for t in tests}


@pytest.mark.parametrize("case", [t for t in _tests() if t["id"] not in UPDATE_TESTS], ids=lambda t: t["id"])
def test_query_and_negative(server: str, case: dict) -> None:
    for req in case["requests"]:
        response = _send(server, req)
        assert _status_ok(response.status_code, req["expect_status"]), (response.status_code, response.text)
        if response.status_code < 300:
            _check_format(response, req["expect_format"])
            if req["expect_boolean"] is not None:
                assert _boolean(response) is req["expect_boolean"]
        else:
            assert response.text.strip(), "error responses carry a message"


@pytest.mark.parametrize("case", [t for t in _tests() if t["id"] in UPDATE_TESTS], ids=lambda t: t["id"])
def test_update_refused_and_data_unchanged(server: str, case: dict) -> None:
    before = _count(server)
    update, *checks = case["requests"]
    response = _send(server, update)
    assert 400 <= response.status_code < 500, response.status_code
    assert "read-only" in response.text
    for req in checks:
        response = _send(server, req)
        assert response.status_code == 200
        # The suite's follow-up ASK is true only if the update ran.
        assert _boolean(response) is False
    assert _count(server) == before == 3
