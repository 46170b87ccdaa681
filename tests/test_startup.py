"""What a command loads: commands that need no vectors never load the model; the gazetteer and jieba's
dictionary come from their caches."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from regenkg.graph.gazetteer_cache import load_gazetteer
from regenkg.graph.ontology import Gazetteer
from regenkg.graph.store import read_graph
from regenkg.text.tokens import Tokenizer


@pytest.fixture
def no_model(monkeypatch):
    """Any attempt to load an embedding model fails the test."""
    from regenkg.embed import factory

    def refuse(*args, **kwargs):
        raise AssertionError(f"the embedding model was loaded: create_embedder{args}")

    monkeypatch.setattr(factory, "create_embedder", refuse)
    monkeypatch.setattr(factory, "_cache", {})


@pytest.mark.model
def test_commands_without_vectors_never_load_the_model(seed_index: Path, no_model, tmp_path: Path) -> None:
    from regenkg.cli import main

    runner = CliRunner()
    commands = [
        ["info", "--index", str(seed_index)],
        ["entity", "GSK", "--index", str(seed_index)],
        ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--index", str(seed_index)],
        ["export", "--index", str(seed_index), "--format", "nq", "--output", str(tmp_path / "out.nq")],
    ]
    for args in commands:
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
    assert (tmp_path / "out.nq").stat().st_size > 0


@pytest.mark.model
def test_gazetteer_cache_gives_the_parsed_gazetteer(seed_index: Path, tmp_path: Path) -> None:
    from regenkg.index.store import IndexLayout, resolve_snapshot

    base = IndexLayout(resolve_snapshot(seed_index)).base_graph
    parsed = Gazetteer.from_graph(read_graph(base))
    first = load_gazetteer(base, tmp_path)  # parses and writes the cache
    cached = load_gazetteer(base, tmp_path)  # reads it
    files = list(tmp_path.glob("*.pickle"))
    assert len(files) == 1
    for gaz in (first, cached):
        assert gaz.entities == parsed.entities
        assert dict(gaz.broader) == dict(parsed.broader)
        assert gaz.words() == parsed.words()
    assert type(cached) is not Gazetteer  # really from the cache
    assert len(cached.graph) == len(parsed.graph)  # the rdflib graph is parsed on demand
    # A damaged cache file is rebuilt, never trusted.
    files[0].write_bytes(b"not a pickle")
    assert load_gazetteer(base, tmp_path).entities == parsed.entities
    assert pickle.loads(files[0].read_bytes())["entities"].keys() == parsed.entities.keys()


def test_gazetteer_cache_key_follows_the_graph(tmp_path: Path) -> None:
    nq = tmp_path / "base.nq"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/regenkg/ontology#Company>"
    nq.write_text(f"<https://w3id.org/regenkg/id/company/a> {kind} .\n"
                  f'<https://w3id.org/regenkg/id/company/a> {label} "Alpha"@en .\n', encoding="utf-8")
    cache = tmp_path / "cache"
    assert load_gazetteer(nq, cache).words() == ["Alpha"]
    nq.write_text(nq.read_text(encoding="utf-8").replace("Alpha", "Beta"), encoding="utf-8")
    assert load_gazetteer(nq, cache).words() == ["Beta"]
    assert len(list(cache.glob("*.pickle"))) == 2


def test_jieba_table_is_built_once_then_opened(tmp_path: Path, monkeypatch) -> None:
    import jieba

    words = ["台寶生醫", "間質幹細胞"]
    first = Tokenizer(words, cache_dir=tmp_path)
    tables = list(tmp_path.glob("freq-*.sqlite"))
    assert len(tables) == 1

    def refuse(self, *args, **kwargs):
        raise AssertionError("jieba's dictionary was loaded again")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", refuse)
    again = Tokenizer(words, cache_dir=tmp_path)
    text = "台寶生醫開發間質幹細胞療法，並與大學合作"
    assert again.tokenize(text) == first.tokenize(text)
    assert "台宝生医" in again.tokenize(text)
    assert again.user_dict_path == first.user_dict_path and again.user_dict_path.is_file()
    # Other user words: another table.
    monkeypatch.undo()
    Tokenizer(["外泌體"], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("freq-*.sqlite"))) == 2


@pytest.mark.model
def test_model_preloaded_in_background_is_the_one_the_knowledge_base_uses(seed_index: Path, settings,
                                                                          monkeypatch) -> None:
    from regenkg.embed import factory
    from regenkg.kb import KnowledgeBase

    monkeypatch.setattr(factory, "_cache", {})  # this test's own process-wide cache
    thread = factory.preload_in_background(seed_index, settings)
    thread.join(timeout=300)
    assert not thread.is_alive() and not thread.daemon
    assert len(factory._cache) == 1  # loaded by the thread, before anything asked for it
    (preloaded,) = factory._cache.values()
    with KnowledgeBase.open(seed_index, settings) as kb:
        assert kb.embedder is preloaded


def test_preloading_loads_nothing_without_vectors_and_raises_nothing(tmp_path: Path, settings, monkeypatch) -> None:
    from regenkg.embed import factory
    from regenkg.pipeline import import_rdf

    calls: list[tuple] = []
    monkeypatch.setattr(factory, "create_embedder", lambda *a, **k: calls.append(a))
    graph_only = tmp_path / "graph-only"
    nt = tmp_path / "facts.nt"
    nt.write_text("<https://example.org/zeta-cell> <http://www.w3.org/2000/01/rdf-schema#label> \"Zeta Cell\" .\n",
                  encoding="utf-8")
    import_rdf(nt, graph_only)
    for index in (graph_only, tmp_path / "no-index-here"):
        thread = factory.preload_in_background(index, settings)
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert calls == []


def test_importing_the_facade_leaves_ingest_networkx_and_extraction_rules_unloaded() -> None:
    """A query process imports the facade; these load on first use (package ``__getattr__``), not with it."""
    import importlib
    import subprocess
    import sys

    heavy = ["bs4", "networkx", "regenkg.text.ingest", "regenkg.explore.network", "regenkg.graph.extract.core"]
    code = ("import json, sys; import regenkg.kb; "
            f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
    # ...and each still loads when asked for.
    from regenkg import explore, text
    from regenkg.graph import extract

    for module in ("regenkg.text.ingest", "regenkg.text.segment"):
        importlib.import_module(module)  # binding these modules leaves the package's functions of those names
    assert callable(text.ingest) and callable(text.segment)
    assert callable(explore.to_networkx) and callable(extract.Extractor)
    assert explore.network.__name__ == "regenkg.explore.network"
