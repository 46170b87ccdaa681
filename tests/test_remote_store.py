"""The graph in an external SPARQL store: a real `oxigraph serve` process, the seed index pushed into it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from regenkg.errors import BackendUnavailable, ConfigError, QueryError
from regenkg.graph.remote import RemoteStore, is_remote_url, parse_store_url, push_snapshot

DATA = Path(__file__).resolve().parent / "data"
SEED_QUESTIONS = [q["q"] for q in yaml.safe_load((DATA / "seed_questions.yaml").read_text(encoding="utf-8"))]

PREFIXES = """PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
# Each is compared as a sorted list of rows (duplicates kept: the merged default graph has set semantics).
SELECTS = [
    "SELECT ?e ?l WHERE { ?e skos:prefLabel ?l }",
    ("SELECT ?a ?s ?p ?o ?sent ?c WHERE { ?a a rkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;"
    " prov:wasDerivedFrom ?sent ; rkg:confidence ?c }"),
    "SELECT ?x ?y WHERE { ?x skos:broader* ?y }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s ?t WHERE { ?s rkg:text ?t FILTER(langMatches(lang(?t), 'zh')) }",
    "SELECT ?e ?alt WHERE { ?e a ?type OPTIONAL { ?e skos:altLabel ?alt } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]


def _oxigraph_binary() -> str | None:
    for candidate in (Path(sys.executable).with_name("oxigraph"), shutil.which("oxigraph")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on a free loopback port with its own data folder; stopped by :meth:`stop`."""

    def __init__(self, location: Path) -> None:
        binary = _oxigraph_binary()
        if binary is None:
            pytest.skip("the `oxigraph` server binary is not installed (pip install 'oxigraph>=0.5', in the dev extra)")
        self.port = _free_port()
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"sparql+http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/query?query=ASK%7B%7D", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def pushed(server, seed_index) -> RemoteStore:
    push_snapshot(seed_index, server.url)
    return RemoteStore(server.url)


@pytest.fixture(scope="module")
def remote_kb(pushed, seed_index, seed_kb, settings):
    from regenkg.kb import KnowledgeBase

    kb = KnowledgeBase.open(seed_index, settings, embedder=seed_kb.embedder)
    kb.__dict__["store"] = pushed  # kb.store is a cached_property: this is where --store will plug in
    yield kb
    kb.close()


def _rows(result) -> list[tuple]:
    return sorted(tuple(str(row[v]) if row[v] is not None else "" for v in result.variables) for row in result)


# ---------------------------------------------------------------------------------------------- URLs

def test_url_defaults_to_oxigraph_layout():
    ep = parse_store_url("sparql+http://127.0.0.1:7878")
    assert (ep.query, ep.update, ep.store, ep.copy_default) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store", True)
    assert is_remote_url("sparql+http://x:1") and not is_remote_url("indexes/default")


def test_url_options_for_virtuoso_and_credentials():
    ep = parse_store_url("sparql+https://dba:s%40cret@db.example:8890/ds/?query=/sparql&update=/sparql"
                         "&store=/sparql-graph-crud-auth&default=none")
    assert ep.query == ep.update == "https://db.example:8890/sparql"
    assert ep.store == "https://db.example:8890/sparql-graph-crud-auth"
    assert (ep.user, ep.password, ep.copy_default) == ("dba", "s@cret", False)
    assert "s@cret" not in ep.display
    rel = parse_store_url("sparql+http://h:3030/ds?query=sparql&update=update&store=none")
    assert (rel.query, rel.update, rel.store) == ("http://h:3030/ds/sparql", "http://h:3030/ds/update", None)


@pytest.mark.parametrize("bad", ["ftp://h/x", "sparql+http://", "sparql+http://h:1/?querry=/q", "h:1",
                                 "sparql+http://h:1/?default=union"])
def test_bad_urls_are_refused(bad):
    with pytest.raises(ConfigError):
        parse_store_url(bad)


def test_unreachable_store_says_so():
    store = RemoteStore(f"sparql+http://127.0.0.1:{_free_port()}", timeout=2)
    with pytest.raises(BackendUnavailable, match="not reachable"):
        store.query("ASK {}")


# ---------------------------------------------------------------------------------------------- queries

@pytest.mark.parametrize("query", SELECTS)
def test_select_matches_embedded_store(pushed, seed_kb, query):
    ours = _rows(pushed.query(PREFIXES + query))
    embedded = _rows(seed_kb.store.query(PREFIXES + query))
    assert ours == embedded
    assert ours, "the comparison must not be vacuous"


def test_terms_are_pyoxigraph_terms(pushed):
    rows = list(pushed.query(PREFIXES + "SELECT ?e ?l ?c ?nothing WHERE { ?e skos:prefLabel ?l . "
                                        "OPTIONAL { ?e rkg:nothing ?nothing } ?a rkg:confidence ?c } LIMIT 5"))
    assert rows
    row = rows[0]
    assert isinstance(row["e"], ox.NamedNode) and isinstance(row["l"], ox.Literal)
    assert row["nothing"] is None
    assert row["c"].datatype.value.startswith("http://www.w3.org/2001/XMLSchema#")
    assert any(r["l"].language for r in rows)


def test_ask_and_construct(pushed, seed_kb):
    yes = PREFIXES + "ASK { ?a a rkg:Assertion }"
    no = PREFIXES + "ASK { <https://w3id.org/regenkg/id/none> ?p ?o }"
    assert bool(pushed.query(yes)) is True and bool(pushed.query(no)) is False
    construct = PREFIXES + "CONSTRUCT { ?e skos:prefLabel ?l } WHERE { ?e a ?t ; skos:prefLabel ?l }"
    ours = set(pushed.query(construct))
    assert ours and all(isinstance(t, ox.Triple) for t in ours)
    assert ours == set(seed_kb.store.query(construct))


def test_quads_and_graphs_match(pushed, seed_kb):
    assert set(pushed.quads_for_pattern(None, None, None, None)) == set(
        seed_kb.store.quads_for_pattern(None, None, None, None))
    assert set(pushed.named_graphs()) == set(seed_kb.store.named_graphs())
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    default = ox.DefaultGraph()
    assert set(pushed.quads_for_pattern(None, label, None, default)) == set(
        seed_kb.store.quads_for_pattern(None, label, None, default))
    assert len(pushed) == len(seed_kb.store)


def test_syntax_error_is_a_query_error(pushed):
    with pytest.raises(QueryError, match="refused the query"):
        pushed.query("SELEC ?x WHERE {")


def test_graph_and_union_parameters(pushed, seed_kb):
    graph = next(g for g in seed_kb.store.named_graphs() if "/doc/" in g.value)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    ours = next(iter(pushed.query(q, default_graph=graph)))["n"].value
    theirs = next(iter(seed_kb.store.query(q, default_graph=graph)))["n"].value
    assert ours == theirs and int(ours) > 0


# ---------------------------------------------------------------------------------------------- ask

def test_ask_gives_the_same_answers(remote_kb, seed_kb):
    for question in SEED_QUESTIONS:
        ours, embedded = remote_kb.ask(question), seed_kb.ask(question)
        assert [a.iri for a in ours.answers] == [a.iri for a in embedded.answers], question
        assert [a.score for a in ours.answers] == [a.score for a in embedded.answers], question
        assert [[e.sentence for e in a.evidence] for a in ours.answers] == \
               [[e.sentence for e in a.evidence] for a in embedded.answers], question
    assert any(seed_kb.ask(q).answers for q in SEED_QUESTIONS)


def test_entity_view_is_the_same(remote_kb, seed_kb):
    assert remote_kb.entity("GSK").to_dict() == seed_kb.entity("GSK").to_dict()


# ---------------------------------------------------------------------------------------------- loading

def test_replace_drops_stale_regenkg_graphs_only(server, pushed, seed_kb):
    stale = "https://w3id.org/regenkg/graph/doc/stale"
    foreign = "http://example.org/someone-elses-graph"
    pushed.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:a> <urn:b> <urn:c> }} "
                  f"GRAPH <{foreign}> {{ <urn:x> <urn:y> <urn:z> }} }}")
    push_snapshot(seed_kb.snapshot, server.url)
    graphs = {g.value for g in pushed.named_graphs()}
    assert stale not in graphs and foreign in graphs
    # The merged default graph now holds the foreign triple as well (it merges every named graph).
    assert bool(pushed.query("ASK { <urn:x> <urn:y> <urn:z> }"))
    pushed.update(f"DROP GRAPH <{foreign}> ; DELETE DATA {{ <urn:x> <urn:y> <urn:z> }}")
    assert len(pushed) == len(seed_kb.store)


def test_push_with_sparql_update_only(tmp_path, seed_index, seed_kb):
    srv = OxigraphServer(tmp_path / "oxigraph-update")
    try:
        url = srv.url + "/?store=none"
        count = push_snapshot(seed_index, url)
        assert count == sum(1 for q in seed_kb.store.quads_for_pattern(None, None, None, None)
                            if not isinstance(q.graph_name, ox.DefaultGraph))
        store = RemoteStore(url)
        assert set(store.quads_for_pattern(None, None, None, None)) == set(
            seed_kb.store.quads_for_pattern(None, None, None, None))
        # Pushing twice replaces, it does not duplicate or accumulate.
        push_snapshot(seed_index, url)
        assert len(store) == len(seed_kb.store)
    finally:
        srv.stop()


def test_push_without_default_merge(tmp_path, seed_index):
    srv = OxigraphServer(tmp_path / "oxigraph-nodefault")
    try:
        url = srv.url + "?default=none"
        assert push_snapshot(seed_index, url) > 0
        store = RemoteStore(url)
        assert not bool(store.query("ASK { ?s ?p ?o }"))
        assert bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))
    finally:
        srv.stop()


@pytest.mark.parametrize("options", ["", "/?store=none"])
def test_push_graphs_bigger_than_a_batch(tmp_path, seed_index, seed_kb, monkeypatch, options):
    """Graphs over the batch size go alone: Graph Store Protocol PUT, or chunked INSERT DATA with store=none."""
    from regenkg.graph import remote

    monkeypatch.setattr(remote, "_UPDATE_CHUNK", 100)
    alone = []
    write = remote._write_graph
    monkeypatch.setattr(remote, "_write_graph", lambda store, graph, triples, *, replace: (
        alone.append(len(triples)), write(store, graph, triples, replace=replace)))
    srv = OxigraphServer(tmp_path / "oxigraph-big")
    try:
        url = srv.url + options
        for _ in range(2):  # the second push replaces what the first wrote
            push_snapshot(seed_index, url)
        assert alone and min(alone) >= 100
        assert set(RemoteStore(url).quads_for_pattern(None, None, None, None)) == set(
            seed_kb.store.quads_for_pattern(None, None, None, None))
    finally:
        srv.stop()


def test_cli_push_then_ask_and_serve_api_on_the_remote_store(server, seed_index):
    """`regenkg push --store URL` then `regenkg ask --store URL` gives the embedded store's answer."""
    import json as _json

    env = dict(os.environ)
    env.pop("REGENKG_STORE", None)
    base = [sys.executable, "-m", "regenkg.cli"]
    pushed_out = subprocess.run([*base, "push", "--store", server.url, "--index", str(seed_index)],
                                capture_output=True, text=True, env=env, timeout=600)
    assert pushed_out.returncode == 0, pushed_out.stderr
    local = _json.loads(subprocess.run([*base, "ask", "誰在開發TCR-T", "--index", str(seed_index), "--json"],
                                       capture_output=True, text=True, env=env, timeout=600).stdout)
    remote = _json.loads(subprocess.run([*base, "ask", "誰在開發TCR-T", "--index", str(seed_index), "--json",
                                         "--store", server.url], capture_output=True, text=True, env=env,
                                        timeout=600).stdout)
    assert {a["iri"] for a in remote["answers"]} == {a["iri"] for a in local["answers"]} != set()
    bad = subprocess.run([*base, "ask", "x", "--index", str(seed_index), "--store", "ftp://nowhere"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
