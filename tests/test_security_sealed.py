"""The red-team cases of issue #17 (docs/security.md): each against the seal, an evaluator or a real server.

A loopback canary listener records every request; any hit means something federated.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import httpx
import psutil
import pyoxigraph as ox
import pytest
from conftest import Canary, running_server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regenkg.errors import QueryError
from regenkg.sparql import (
    MAX_OPERATORS,
    EvaluatorCrashed,
    EvaluatorPool,
    MemoryLimitExceeded,
    NotRepresentable,
    PreparedQuery,
    QueryTooComplex,
    ServiceDisabled,
    inspect_query,
    prepare,
)
from regenkg.sparql import formats as fmt
from regenkg.sparql.worker import SANDBOX_ENV

EX = "http://example.org/"
TIMEOUT = 2.0




def _store(n: int = 300) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal("v" * 20 + str(i)))
                 for i in range(n))
    return store


# ---- SERVICE: layer (a), the seal agrees with Oxigraph's parser ------------------------------------------

CASINGS = ["SERVICE", "service", "Service", "sErViCe", "\\u0053ERVICE", "SERV\\u0049CE"]
GLUES = ["", " ", "\n", "\t", " #c\n", "  "]
ENDPOINTS = [":x", "ex:y", "<http://127.0.0.1:{port}/iri>", "?e", "SILENT :x", "SILENT<http://127.0.0.1:{port}/s>",
             "silent:x", "SILENTex:y", "SILENT?e"]
CONTEXTS = [
    "{inner}", "OPTIONAL {{ {inner} }}", "FILTER EXISTS {{ {inner} }}", "{{ SELECT * {{ {inner} }} }}",
    "?a ?b ?c MINUS {{ {inner} }}", "{{ ?a ?b ?c }} UNION {{ {inner} }}", "FILTER NOT EXISTS {{ {inner} }}",
    "?a ?b ?c . {inner}", "{{ ?a ?b ?c }} {inner}",
]
_CASINGS, _GLUE, _ENDPOINT, _CONTEXT = (st.sampled_from(x) for x in (CASINGS, GLUES, ENDPOINTS, CONTEXTS))


def _service_query(port: int, keyword: str, glue: str, endpoint: str, context: str) -> str:
    endpoint = endpoint.replace("{port}", str(port))
    inner = f"{keyword}{glue}{endpoint} {{ ?s ?p ?o }}"
    body = context.replace("{inner}", inner).replace("{{", "{").replace("}}", "}")
    return (f"PREFIX : <http://127.0.0.1:{port}/p-> PREFIX ex: <http://127.0.0.1:{port}/e-> "
            f"PREFIX silent: <http://127.0.0.1:{port}/sl-> "
            f"SELECT * {{ VALUES ?e {{ <http://127.0.0.1:{port}/var> }} {body} }}")


def _oxigraph_fetches(query: str) -> bool:
    """Run ``query`` on a bare Oxigraph store (no seal, network on) and say whether it hit the canary."""
    Canary.hits.clear()
    try:
        list(ox.Store().query(query))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return bool(Canary.hits)


def test_oxigraph_really_federates_the_glued_spellings(canary: int) -> None:
    # The canary works and Oxigraph does federate these: the property below is not vacuous.
    for keyword, endpoint in [("SERVICE", ":x"), ("service", ":x"), ("SERVICE", "ex:y"), ("SERVICE", "SILENT :x")]:
        query = _service_query(canary, keyword, "", endpoint, "{inner}")
        assert _oxigraph_fetches(query), query
        with pytest.raises(ServiceDisabled):
            inspect_query(query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keyword=_CASINGS, glue=_GLUE, endpoint=_ENDPOINT, context=_CONTEXT)
def test_seal_refuses_whatever_oxigraph_would_federate(canary: int, keyword: str, glue: str, endpoint: str,
                                                       context: str) -> None:
    query = _service_query(canary, keyword, glue, endpoint, context)
    if _oxigraph_fetches(query):
        with pytest.raises(QueryError):
            inspect_query(query)
    Canary.hits.clear()


def test_seal_refuses_every_spelling_that_federates(canary: int) -> None:
    """The same property over the whole grid (hypothesis above adds shrinking and reporting)."""
    fetched = 0
    for keyword in CASINGS:
        for glue in GLUES:
            for endpoint in ENDPOINTS:
                for context in CONTEXTS:
                    query = _service_query(canary, keyword, glue, endpoint, context)
                    if _oxigraph_fetches(query):
                        fetched += 1
                        with pytest.raises(QueryError):
                            inspect_query(query)
    Canary.hits.clear()
    assert fetched > 1000  # most of the grid is SERVICE to Oxigraph: the property is not vacuous


@pytest.mark.parametrize("query", [
    "PREFIX service: <http://example.org/> SELECT * { ?s service:p ?o }",
    "PREFIX service: <http://example.org/> SELECT * { ?s service:p ?o . { ?a ?b ?c } }",
    "SELECT * { ?s <http://example.org/SERVICE> 'SERVICE' } # SERVICE <http://x/> { }",
    "SELECT ?n { VALUES ?n { 1 2 3 } FILTER(?n<(3)&&(?n>1)) }",
])
def test_seal_lets_valid_queries_through(query: str) -> None:
    inspect_query(query)


def test_less_than_before_a_bracket_is_an_operator() -> None:
    with EvaluatorPool(("nquads", b""), size=1, timeout=10) as pool:
        result = pool.run(prepare("SELECT ?n { VALUES ?n { 1 2 3 } FILTER(?n<(3)&&(?n>1)) }", max_rows=10))
        assert [row["n"].value for row in result.rows] == ["2"]


# ---- SERVICE: layer (b), the evaluator cannot connect even when the seal is bypassed --------------------


def _bypass(query: str) -> PreparedQuery:
    """A prepared query that skipped the seal (what a parser disagreement would let through)."""
    return PreparedQuery(query=query, info=inspect_query("SELECT * { ?s ?p ?o FILTER(true) }"), max_rows=10)


@pytest.mark.parametrize("mode", ["auto", "seccomp"])
def test_evaluator_has_no_network(canary: int, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SANDBOX_ENV, mode)
    with EvaluatorPool(("nquads", b""), size=1, timeout=10) as pool:
        pool.wait_ready()
        assert pool.sandboxes[0] in (("netns", "userns", "seccomp") if mode == "auto" else ("seccomp",))
        for endpoint in (f"<http://127.0.0.1:{canary}/b>", f"SILENT <http://127.0.0.1:{canary}/s>",
                         f"<http://[::1]:{canary}/v6>", "<http://127.0.0.1:9/closed>"):
            Canary.hits.clear()
            try:
                result = pool.run(_bypass(f"SELECT * {{ SERVICE {endpoint} {{ ?s ?p ?o }} }}"))
                assert "LEAK" not in result.body.decode()
            except QueryError as exc:
                text = str(exc).lower()
                assert "os error" not in text and "refused" not in text and "unreachable" not in text
                assert "127.0.0.1" not in text
            assert Canary.hits == []


# ---- parse cost, crashes, budgets, memory, size ---------------------------------------------------------


@pytest.mark.parametrize("chain", [
    "ASK { FILTER(" + "!" * 50_000 + "true) }",
    "ASK { FILTER(" + "||".join(["true"] * 10_000) + ") }",
    "ASK { FILTER(" + "+".join(["1"] * 10_000) + " > 0) }",
    "ASK { ?s " + "/".join(["<http://x/p>"] * 10_000) + " ?o }",
    "ASK { ?s " + "|".join(["<http://x/p>"] * 10_000) + " ?o }",
    "ASK { ?s " + "^" * 10_000 + "<http://x/p> ?o }",
    "ASK { " + " ".join(["OPTIONAL { ?s ?p ?o }"] * 5_000) + " }",
    "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 5_000) + " }",
    "ASK { ?s ?p ?o " + " ".join(["FILTER(true)"] * 5_000) + " }",
])
def test_operator_chains_are_refused_in_linear_time(chain: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTooComplex):
        inspect_query(chain)
    assert time.monotonic() - started < 5.0  # linear: no backtracking, no recursion


def test_operators_under_the_cap_are_fine() -> None:
    inspect_query("ASK { FILTER(" + "!" * (MAX_OPERATORS - 10) + "true) }")


def test_evaluator_crash_costs_only_its_query() -> None:
    with EvaluatorPool(("nquads", b""), size=1, timeout=20) as pool:
        pool.wait_ready()
        # Past the seal's cap, Oxigraph's recursive parser overflows its stack: the evaluator dies.
        with pytest.raises(EvaluatorCrashed, match="crashed"):
            pool.run(_bypass("ASK { FILTER(" + "!" * 100_000 + "true) }"))
        assert pool.run(prepare("ASK { FILTER(true) }", max_rows=1)).boolean is True
        assert pool.respawns == 1


def test_order_by_over_a_product_stops_at_the_memory_cap() -> None:
    cap = 300 * 2**20
    with EvaluatorPool(("nquads", _store(400).dump(format=ox.RdfFormat.N_QUADS)), size=1, timeout=60,
                       memory_limit=cap) as pool:
        pool.wait_ready()
        with pytest.raises(MemoryLimitExceeded, match="memory limit"):
            pool.run(prepare("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1", max_rows=10))
        assert pool.run(prepare("ASK { FILTER(true) }", max_rows=1)).boolean is True


def test_doubling_concat_stops_at_the_memory_cap() -> None:
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(30))
    with EvaluatorPool(("nquads", b""), size=1, timeout=60, memory_limit=300 * 2**20) as pool:
        with pytest.raises(MemoryLimitExceeded):
            pool.run(prepare(f'SELECT (STRLEN(?v30) AS ?n) {{ BIND("ab" AS ?v0) {binds} }}', max_rows=1))


def test_response_size_cap_truncates_like_the_row_cap() -> None:
    with EvaluatorPool(("nquads", _store().dump(format=ox.RdfFormat.N_QUADS)), size=1, timeout=10,
                       max_rows=10_000, max_bytes=4_000) as pool:
        result = pool.run(prepare("SELECT * { ?s ?p ?o FILTER(true) }", max_rows=10_000, max_bytes=4_000))
        assert result.truncated and 0 < result.row_count < 300
        assert len(result.body) < 6_000
        assert b'"truncated":true' in result.body
        graph = pool.run(prepare("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10_000, max_bytes=4_000))
        assert graph.truncated and 0 < graph.row_count < 300


# ---- XML results ----------------------------------------------------------------------------------------


def test_xml_results_escape_cr_and_refuse_what_xml_cannot_carry() -> None:
    body = fmt.write_select(["x"], [(ox.Literal("a\r\nb\t<&>\"'"),)], fmt.XML)
    assert b"&#13;" in body
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    assert next(iter(parsed))["x"].value == "a\r\nb\t<&>\"'"
    with pytest.raises(NotRepresentable, match="U\\+0001"):
        fmt.write_select(["x"], [(ox.Literal("a\x01b"),)], fmt.XML)
    with pytest.raises(NotRepresentable):
        fmt.write_graph([ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("\x0b"))], fmt.RDF_XML)
    assert b"\\u0001" in fmt.write_select(["x"], [(ox.Literal("a\x01b"),)], fmt.JSON)


# ---- against a real server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    snapshot = tmp_path_factory.mktemp("sealed") / "snapshot"
    (snapshot / "graph").mkdir(parents=True)
    g = ox.NamedNode("https://w3id.org/regenkg/graph/doc/t")
    quads = [ox.Quad(q.subject, q.predicate, q.object, g) for q in _store(1200)]
    quads.append(ox.Quad(ox.NamedNode(EX + "ctl"), ox.NamedNode(EX + "label"), ox.Literal("bell\x01"), g))
    ox.serialize(quads, str(snapshot / "graph" / "doc-t.nq"), ox.RdfFormat.N_QUADS)
    with running_server(["-m", "regenkg.server", str(snapshot), "--timeout", str(TIMEOUT), "--workers", "1",
                         "--header-timeout", "2", "--max-header", "8192"]) as srv:
        yield srv


def _get(srv, query: str, **kw: object) -> httpx.Response:
    return httpx.get(f"{srv.url}/sparql", params={"query": query}, timeout=30, **kw)


def test_crash_probe_answers_4xx_and_the_server_keeps_answering(server) -> None:
    pid = {p.pid for p in psutil.Process(server.proc.pid).children()}
    for _ in range(5):
        r = httpx.post(f"{server.url}/sparql", content="ASK { FILTER(" + "!" * 50_000 + "true) }",
                       headers={"content-type": "application/sparql-query"}, timeout=30)
        assert r.status_code == 400 and "operators" in r.text
    assert _get(server, "ASK { FILTER(true) }").json()["boolean"] is True
    assert {p.pid for p in psutil.Process(server.proc.pid).children()} == pid


def test_a_killed_evaluator_is_a_500_and_nothing_else(server) -> None:
    outcome: dict[str, httpx.Response] = {}
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    thread = threading.Thread(target=lambda: outcome.setdefault("r", _get(server, runaway)))
    thread.start()
    time.sleep(1.0)
    # Both evaluators die (as a segfault would kill them): the one running the query answers 500, the idle
    # one is noticed before it is handed a query, and both are replaced.
    evaluators = [p for p in psutil.Process(server.proc.pid).children(recursive=True)
                  if "regenkg.sparql.worker" in " ".join(p.cmdline())]
    assert len(evaluators) == 2
    for evaluator in evaluators:
        os.kill(evaluator.pid, signal.SIGSEGV)
    thread.join(30)
    assert outcome["r"].status_code == 500 and "crashed" in outcome["r"].text
    for _ in range(3):
        assert _get(server, "ASK { FILTER(true) }").status_code == 200


def test_similarity_in_a_comment_does_not_stretch_the_time_limit(server) -> None:
    runaway = ('# rkg:similarity(?s, "x") similarity\nPREFIX rkg: <https://w3id.org/regenkg/ontology#>\n'
               'SELECT (COUNT(*) AS ?n) { ?a ?b "similarity" . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }')
    assert not inspect_query(runaway).uses_similarity
    started = time.monotonic()
    r = _get(server, runaway.replace('"similarity"', "?c"))
    assert r.status_code == 503 and "time limit" in r.text
    assert time.monotonic() - started < TIMEOUT + 1.5


def test_valid_less_than_query_answers_200(server) -> None:
    r = _get(server, f"SELECT ?s {{ ?s <{EX}p> ?o FILTER(STRLEN(?o)<(30)&&(STRLEN(?o)>22)) }} LIMIT 3")
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3


def test_xml_refuses_control_characters_with_406(server) -> None:
    r = _get(server, f"SELECT ?l {{ <{EX}ctl> <{EX}label> ?l }}", headers={"accept": fmt.XML})
    assert r.status_code == 406 and "XML 1.0" in r.text
    r = _get(server, f"SELECT ?l {{ <{EX}ctl> <{EX}label> ?l }}")
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["l"]["value"] == "bell\x01"


def _raw(server, request: bytes) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-send: the answer is already there
        return sock.recv(4096)


def test_http_limits(server) -> None:
    assert httpx.head(f"{server.url}/sparql", params={"query": "ASK {}"}).status_code == 200
    assert httpx.get(f"{server.url}/static/.gitignore").status_code == 404
    assert httpx.get(f"{server.url}/static/app.js").status_code == 200
    # httpx refuses to send URLs over 64 KB itself: raw requests
    assert _raw(server, b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n").startswith(
        b"HTTP/1.1 414")
    assert _raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 100_000 + b"\r\n\r\n").startswith(
        b"HTTP/1.1 431")
    # slowloris: half a request line and headers, then silence -> closed after the header timeout
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        data = sock.recv(4096)
        while data and b"\r\n\r\n" not in data:
            data += sock.recv(4096)
        assert data.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 6
    assert httpx.get(f"{server.url}/health").status_code == 200
