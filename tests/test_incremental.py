"""Incremental builds (issue 8): one document's change touches only its graph, vectors and BM25 entries,
and an index updated step by step equals a fresh build of the same final corpus."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import UNSEEN, UNSEEN_BASE, UNSEEN_EXTRA

from regenkg.index.bm25 import LexicalIndex
from regenkg.index.manifest import Manifest
from regenkg.index.store import SentenceTable, read_manifest, resolve_snapshot
from regenkg.index.vectors import VectorIndex
from regenkg.records import Document, Sentence

BASE_FILES, EXTRA_FILE = UNSEEN_BASE, UNSEEN_EXTRA
SKOS_PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
NOT_CURATED = '<https://w3id.org/regenkg/ontology#curated> "false"'


@dataclass(frozen=True)
class Work:
    index: Path
    files: tuple[Path, ...]  # the three base documents
    extra: Path  # a fourth document
    twin: Path  # the first document plus one sentence: the same companies, another document
    changing: Path  # a document the tests rewrite


@dataclass(frozen=True)
class State:
    """Everything a snapshot holds, per document, read into memory (snapshots get pruned later)."""

    snapshot: Path
    manifest: Manifest
    graphs: dict[str, bytes]  # file name -> bytes
    docs: dict[str, Document]
    sentences: dict[str, list[Sentence]]  # doc id -> its sentences, in order
    vectors: dict[int, np.ndarray]
    lexical: dict[int, list[str]]

    def doc_id(self, path: Path) -> str:
        return next(d.id for d in self.docs.values() if d.path == str(path))

    def ids(self, doc: str) -> list[int]:
        return [s.id for s in self.sentences[doc]]


def _state(index: Path) -> State:
    snap = resolve_snapshot(index)
    table = SentenceTable(snap / "sentences.sqlite")
    try:
        docs = table.documents()
        sentences: dict[str, list[Sentence]] = {d: [] for d in docs}
        for s in table.iter_sentences():
            sentences[s.doc_id].append(s)
    finally:
        table.close()
    vi = VectorIndex.load(snap / "vectors.faiss")
    ids = vi.ids
    lex = LexicalIndex.load(snap / "bm25")
    return State(snap, read_manifest(snap), {p.name: p.read_bytes() for p in (snap / "graph").glob("*.nq")},
                 docs, sentences, dict(zip(ids.tolist(), vi.vectors(ids))),
                 {int(i): lex.tokens(int(i)) for i in lex.ids.tolist()})


def _graph_name(doc: str) -> str:
    return f"doc-{doc}.nq"


def _assert_untouched(before: State, after: State, docs: set[str]) -> None:
    """``docs`` kept their graph file byte for byte, their sentence ids, vectors and BM25 entries."""
    assert after.graphs["base.nq"] == before.graphs["base.nq"]
    for doc in docs:
        assert after.graphs[_graph_name(doc)] == before.graphs[_graph_name(doc)], doc
        assert after.sentences[doc] == before.sentences[doc]
        for sid in before.ids(doc):
            assert np.array_equal(after.vectors[sid], before.vectors[sid]), sid
            assert after.lexical[sid] == before.lexical[sid], sid


def _assert_consistent(state: State) -> None:
    ids = {s.id for ss in state.sentences.values() for s in ss}
    assert set(state.vectors) == set(state.lexical) == ids
    assert set(state.graphs) == {"base.nq", *(_graph_name(d) for d in state.docs)}
    c = state.manifest.counts
    assert (c.documents, c.sentences, c.vectors) == (len(state.docs), len(ids), len(ids))


def _canonical_quads(snap: Path) -> list[str]:
    """All quads of a snapshot as sorted N-Quads lines; blank nodes (if any) canonically relabelled."""
    lines = sorted(line for p in (snap / "graph").glob("*.nq")
                   for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    if not any("_:" in line for line in lines):
        return lines
    from rdflib import Dataset
    from rdflib.compare import to_canonical_graph

    ds = Dataset()
    ds.parse(data="\n".join(lines), format="nquads")
    out = []
    for graph in ds.graphs():
        out += [f"{s.n3()} {p.n3()} {o.n3()} {graph.identifier.n3()} ." for s, p, o in to_canonical_graph(graph)]
    return sorted(out)


def _discovered_labels(nq: bytes) -> dict[str, set[str]]:
    """Discovered (not curated) entity IRI -> its skos:prefLabel literals, from one graph file."""
    lines = nq.decode("utf-8").splitlines()
    discovered = {line.split(" ", 1)[0] for line in lines if NOT_CURATED in line}
    out: dict[str, set[str]] = {}
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if subject in discovered and predicate == SKOS_PREF:
            out.setdefault(subject, set()).add(rest.rsplit(" ", 2)[0])
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Work:
    root = tmp_path_factory.mktemp("incremental")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in BASE_FILES:
        shutil.copy(UNSEEN / name, corpus / name)
    other = root / "other"
    other.mkdir()
    shutil.copy(UNSEEN / EXTRA_FILE, other / EXTRA_FILE)
    twin = other / "u1-follow-up.md"
    twin.write_text((UNSEEN / BASE_FILES[0]).read_text(encoding="utf-8")
                    + "\nHalvard Biologics expects to close the purchase of Corvine Cell Sciences in May.\n",
                    encoding="utf-8")
    return Work(root / "idx" / "default", tuple(corpus / n for n in BASE_FILES), other / EXTRA_FILE, twin,
                other / "changing.md")


def _build(work: Work, paths, settings):
    from regenkg.pipeline import build_index

    return build_index(list(paths), work.index, settings)


# ---------------------------------------------------------------------------------------------- one change
def test_adding_a_document_touches_only_its_graph_vectors_and_bm25(work, settings):
    _build(work, work.files, settings)
    before = _state(work.index)
    report = _build(work, [*work.files, work.extra], settings)
    after = _state(work.index)
    new = after.doc_id(work.extra)
    assert set(after.docs) == set(before.docs) | {new}
    assert report.embedded == len(after.sentences[new]) > 0
    assert report.reused == sum(len(v) for v in before.sentences.values()) and report.removed == 0
    _assert_untouched(before, after, set(before.docs))
    _assert_consistent(after)


def test_removing_a_document_touches_only_its_graph_vectors_and_bm25(work, settings):
    _build(work, [*work.files, work.extra], settings)
    before = _state(work.index)
    gone = before.doc_id(work.files[1])
    report = _build(work, [work.files[0], work.files[2], work.extra], settings)
    after = _state(work.index)
    assert set(after.docs) == set(before.docs) - {gone}
    assert report.embedded == 0 and report.removed == len(before.sentences[gone])
    assert not set(before.ids(gone)) & set(after.vectors)
    assert not any(f'{gone}' in g.decode("utf-8") for g in after.graphs.values())
    _assert_untouched(before, after, set(after.docs))
    _assert_consistent(after)


def test_changing_a_document_touches_only_its_graph_vectors_and_bm25(work, settings):
    text = (UNSEEN / EXTRA_FILE).read_text(encoding="utf-8")
    work.changing.write_text(text, encoding="utf-8")
    _build(work, [*work.files, work.changing], settings)
    before = _state(work.index)
    old = before.doc_id(work.changing)
    work.changing.write_text(text.rstrip("\n") + "\n\n此外，启衡医药计划于明年在上海新建细胞治疗工厂。\n", encoding="utf-8")
    report = _build(work, [*work.files, work.changing], settings)
    after = _state(work.index)
    new = after.doc_id(work.changing)
    assert new != old and set(after.docs) == set(before.docs) - {old} | {new}
    assert _graph_name(old) not in after.graphs and _graph_name(new) in after.graphs
    # A changed text is a new document: all its sentences are embedded again, nothing else is.
    assert report.embedded == len(after.sentences[new]) == len(before.sentences[old]) + 1
    assert report.removed == len(before.sentences[old])
    _assert_untouched(before, after, set(before.docs) - {old})
    _assert_consistent(after)


def test_unchanged_corpus_is_a_noop(work, settings):
    from click.testing import CliRunner

    from regenkg.cli import main

    first = _build(work, work.files, settings)
    snap = resolve_snapshot(work.index)
    again = _build(work, work.files, settings)
    assert first.snapshot == str(snap)
    assert again.noop and again.embedded == 0 and again.snapshot == str(snap)
    result = CliRunner().invoke(main, ["build", *map(str, work.files), "--index", str(work.index)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert resolve_snapshot(work.index) == snap
    assert (again.documents, again.sentences, again.vectors, again.triples) == (
        first.documents, first.sentences, first.vectors, first.triples)


# ---------------------------------------------------------------------------------------------- equivalence
def test_cli_remove_and_add_equal_a_fresh_build(work, settings, tmp_path):
    from click.testing import CliRunner

    from regenkg.cli import main
    from regenkg.pipeline import build_index

    _build(work, work.files, settings)
    before = _state(work.index)
    runner = CliRunner()
    removed = runner.invoke(main, ["remove", work.files[1].name, "--index", str(work.index)])
    assert removed.exit_code == 0, removed.output
    assert "index now has 2 documents" in removed.output
    added = runner.invoke(main, ["add", str(work.extra), "--index", str(work.index)])
    assert added.exit_code == 0, added.output
    assert "index now has 3 documents" in added.output
    final = _state(work.index)
    _assert_untouched(before, final, {before.doc_id(work.files[0]), before.doc_id(work.files[2])})
    _assert_consistent(final)

    fresh_index = tmp_path / "fresh" / "idx"
    build_index([work.files[0], work.files[2], work.extra], fresh_index, settings)
    fresh = _state(fresh_index)
    assert _canonical_quads(final.snapshot) == _canonical_quads(fresh.snapshot)
    assert final.graphs.keys() == fresh.graphs.keys()
    assert final.docs == fresh.docs
    assert final.sentences == fresh.sentences
    assert final.lexical == fresh.lexical
    assert final.vectors.keys() == fresh.vectors.keys()
    for sid, vector in final.vectors.items():  # reused vs freshly computed: the same up to float noise
        assert np.allclose(vector, fresh.vectors[sid], atol=1e-4), sid
    keys = ("documents", "sentences", "vectors", "triples", "entities", "languages")
    assert {k: getattr(final.manifest.counts, k) for k in keys} == {k: getattr(fresh.manifest.counts, k) for k in keys}


def test_labels_supported_by_another_document_survive_a_removal(work, settings):
    from regenkg.kb import KnowledgeBase
    from regenkg.pipeline import remove_documents

    _build(work, [*work.files, work.twin], settings)
    before = _state(work.index)
    original, twin = before.doc_id(work.files[0]), before.doc_id(work.twin)
    in_original = _discovered_labels(before.graphs[_graph_name(original)])
    in_twin = _discovered_labels(before.graphs[_graph_name(twin)])
    shared = {iri: in_original[iri] & in_twin[iri] for iri in set(in_original) & set(in_twin)}
    shared = {iri: labels for iri, labels in shared.items() if labels}
    assert shared, "the two articles should discover the same companies (Halvard Biologics, Corvine ...)"

    remove_documents([str(work.files[0])], work.index, settings)
    with KnowledgeBase.open(work.index, settings) as kb:
        for iri, expected in shared.items():
            have = {str(row["l"]) for row in kb.store.query(f"SELECT ?l WHERE {{ {iri} {SKOS_PREF} ?l }}")}
            assert expected <= have, f"{iri} lost labels {expected - have} though {work.twin.name} names it"
            assert kb.entity(iri.strip("<>")) is not None

    # Once no document names them, discovered companies and their labels are gone.
    remove_documents([str(work.twin)], work.index, settings)
    remaining = b"".join(_state(work.index).graphs.values())
    for iri in shared:
        assert iri.encode() not in remaining, iri
