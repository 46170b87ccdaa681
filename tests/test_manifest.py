"""The typed index manifest and layout: one shape written, read back equal, bad shapes refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regenkg.config import DEFAULT_MODEL, Settings
from regenkg.errors import IndexMismatch
from regenkg.index.layout import IndexLayout
from regenkg.index.manifest import FORMAT_VERSION, Counts, DocumentEntry, ImportEntry, Manifest
from regenkg.index.store import SentenceTable
from regenkg.records import Document, Sentence, Skipped

FULL = Manifest(
    kind="full", created="2026-12-01T00:00:00+00:00", regenkg="0.1.0", build_key="k", model=DEFAULT_MODEL,
    model_id=DEFAULT_MODEL, weights_hash="ab" * 32, dimension=384, embed_text="passage-prompt",
    vector_index="flat", counts=Counts(1, 2, 2, 10, 3, {"en": 1, "zh-Hant": 1}),
    documents=(DocumentEntry("d1", "a.md", "A", "en"),), skipped=(Skipped("b.bin", "binary"),),
    imports=(ImportEntry("x.ttl", "https://w3id.org/regenkg/graph/import/x.ttl", 4, "import-1.nq"),),
    keep_separate=("Foo",), versions={"python": "3.11"}, settings={"max_sentence_chars": 400},
    checksums={"graph/base.nq": "00"},
)


def test_write_then_read_is_the_same_manifest(tmp_path):
    layout = IndexLayout(tmp_path)
    assert FULL.write(layout) == layout.manifest
    assert not layout.manifest_tmp.exists()
    assert Manifest.read(layout) == FULL


def test_full_and_graph_only_manifests_have_one_shape(tmp_path):
    graph_only = Manifest(kind="graph", counts=Counts(triples=2))
    assert set(graph_only.to_dict()) == set(FULL.to_dict())
    assert graph_only.to_dict()["format"] == FORMAT_VERSION
    assert not graph_only.has_documents and FULL.has_documents


def test_an_older_manifest_without_some_keys_reads_with_defaults(tmp_path):
    layout = IndexLayout(tmp_path)
    layout.manifest.write_text(json.dumps({"format": FORMAT_VERSION, "kind": "graph",
                                           "counts": {"documents": 0, "triples": 3}, "extra": 1}))
    m = Manifest.read(layout)
    assert m.kind == "graph" and m.counts.triples == 3 and m.documents == () and m.model is None


@pytest.mark.parametrize("data", [
    {"format": FORMAT_VERSION, "counts": [1, 2]},
    {"format": FORMAT_VERSION, "documents": [{"id": "x"}]},
    {"format": FORMAT_VERSION, "kind": "vectors"},
    {"format": FORMAT_VERSION, "imports": ["x"]},
])
def test_a_manifest_of_the_wrong_shape_is_refused_with_its_path(tmp_path, data):
    layout = IndexLayout(tmp_path)
    layout.manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch) as info:
        Manifest.read(layout)
    assert str(layout.manifest) in str(info.value) and "regenkg build" in str(info.value)


def test_graph_only_manifest_refuses_search(tmp_path):
    with pytest.raises(IndexMismatch, match="only imported RDF"):
        Manifest(kind="graph").require_documents("search", tmp_path)
    FULL.require_documents("search", tmp_path)


def test_embedder_check_names_dimension_and_weights(tmp_path):
    class Fake:
        dimension = 384
        weights_hash = "cd" * 32

    with pytest.raises(IndexMismatch, match="weights differ"):
        FULL.check_embedder(Fake(), DEFAULT_MODEL, tmp_path)
    Fake.dimension = 768
    with pytest.raises(IndexMismatch, match="768-d"):
        FULL.check_embedder(Fake(), DEFAULT_MODEL, tmp_path)
    Fake.dimension, Fake.weights_hash = 384, "ab" * 32
    FULL.check_embedder(Fake(), DEFAULT_MODEL, tmp_path)


def test_summary_is_what_info_prints(tmp_path):
    info = FULL.summary(tmp_path)
    assert info["index"] == str(tmp_path) and info["documents"] == 1 and info["languages"] == {"en": 1, "zh-Hant": 1}
    assert info["imports"] == [{"file": "x.ttl", "graph": "https://w3id.org/regenkg/graph/import/x.ttl",
                                "quads": 4, "name": "import-1.nq"}]
    assert info["skipped"] == [{"path": "b.bin", "reason": "binary"}]


def test_layout_owns_every_path():
    layout = IndexLayout(Path("/snap"))
    assert layout.base_graph == Path("/snap/graph/base.nq")
    assert layout.document_graph("d1") == Path("/snap/graph/doc-d1.nq")
    assert layout.import_graph("import-1.nq") == Path("/snap/graph/import-1.nq")
    assert {layout.vectors.name, layout.bm25.name, layout.sentences.name} == {"vectors.faiss", "bm25", "sentences.sqlite"}
    assert layout.is_manifest(layout.manifest) and layout.is_manifest(layout.manifest_tmp)
    assert not layout.is_manifest(layout.vectors)


def test_sentence_table_is_a_context_manager(tmp_path):
    path = tmp_path / "s.sqlite"
    doc = Document("d1", "T", "Hello. World.", "a.md")
    with SentenceTable(path, readonly=False) as table:
        table.write([doc], [Sentence(1, "d1", 0, 0, 6, "en", "Hello.")])
    with pytest.raises(Exception, match="closed"):
        table.count()
    with SentenceTable(path) as table:
        assert table.count() == 1 and table.titles() == {"d1": "T"}


def test_default_settings_follow_the_index_model_an_explicit_one_must_match():
    other = "some/other-model"
    assert Settings.load().for_model(other, "index x").model == other
    with pytest.raises(IndexMismatch, match="was built with model"):
        Settings.load(model=DEFAULT_MODEL).for_model(other, "index x")
    assert "model" in Settings.load(model=DEFAULT_MODEL).explicit
    assert Settings.load(threads=2).explicit == frozenset({"threads"})
